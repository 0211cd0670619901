//! Composition through the library API and the built `comms` binary: every starter template
//! in English and Welsh, several parts joined into one message with exact expected text, the
//! mandated wording, and every kind of bad request.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use comms::cases::case_runs;
use comms::library::Library;
use comms::message::{Message, build_message};
use comms::request::{Language, parse_request};

/// The starter templates the issue lists.
const STARTER_TEMPLATES: [&str; 14] = [
    "request-documents",
    "request-new-photo",
    "request-information",
    "request-new-paper-referee",
    "request-call-us",
    "tell-someone-something",
    "csmt-enquiry-reply",
    "csmt-request-further-information",
    "mailbox-auto-acknowledgement",
    "compensation-award",
    "compensation-final-settlement",
    "compensation-receipts-request",
    "check-and-send-refund",
    "counter-fraud-letter",
];

fn library() -> Library {
    Library::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the shipped library loads")
}

/// A request for Mrs Siân Jones with the given channel, language, service and parts (YAML).
fn request_yaml(channel: &str, language: &str, service: &str, parts: &str) -> String {
    format!(
        "channel: {channel}\nlanguage: {language}\nat: 2026-11-23T10:15:00Z\n\
         customer: {{title: Mrs, first_name: Siân, last_name: Jones, email: sian.jones@example.com}}\n\
         staff: {{first_name: Sam, initials: SB, office: Durham}}\n\
         application: {{reference: \"1234567890\", service: {service}}}\n\
         parts:\n{parts}"
    )
}

fn compose(library: &Library, yaml: &str) -> Message {
    let request = parse_request(yaml, "test").expect("the test request parses");
    match build_message(library, &request) {
        Ok(message) => message,
        Err(err) => panic!("the request should compose, but: {err}"),
    }
}

/// Subject, blank line, body: what `comms render` prints.
fn printed(message: &Message) -> String {
    match &message.subject {
        Some(subject) => format!("{subject}\n\n{}", message.text),
        None => message.text.clone(),
    }
}

/// Runs `comms render -` on `stdin`; returns (exit status, stdout, stderr).
fn render_cli(stdin: &str, extra: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_comms"))
        .arg("--library")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg("render")
        .arg("-")
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("comms starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin is written");
    let output = child.wait_with_output().expect("comms finishes");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_starter_template_renders_in_english_and_welsh() {
    let library = library();
    for id in STARTER_TEMPLATES {
        assert!(library.template(id).is_some(), "template `{id}` is missing");
    }
    let runs = case_runs(&library);
    for id in STARTER_TEMPLATES {
        for language in [Language::En, Language::Cy] {
            let runs: Vec<_> = runs
                .iter()
                .filter(|run| run.template.id == id && run.language == language)
                .collect();
            assert!(!runs.is_empty(), "`{id}` has no case in {language}");
            for run in runs {
                let message = build_message(&library, &run.request)
                    .unwrap_or_else(|err| panic!("{} does not render: {err}", run.name()));
                let (greeting, sign_off) = match (language, run.template.spec.automatic) {
                    // An automatic reply has no greeting and no member of staff.
                    (Language::En, true) => ("Thank you", "\n\nHM Passport Office"),
                    (Language::Cy, true) => ("Diolch", "\n\nSwyddfa Pasbort EF"),
                    (Language::En, false) => (
                        "Dear Mrs Jones,",
                        "Yours sincerely,\nSam\nHM Passport Office",
                    ),
                    (Language::Cy, false) => {
                        ("Annwyl Mrs Jones,", "Yn gywir,\nSam\nSwyddfa Pasbort EF")
                    }
                };
                assert!(
                    message.text.starts_with(greeting),
                    "{}: {}",
                    run.name(),
                    message.text
                );
                assert!(
                    message.text.trim_end().ends_with(sign_off),
                    "{}: {}",
                    run.name(),
                    message.text
                );
                // More than a greeting and a sign-off: the template placed its own phrases.
                assert!(
                    message.document.blocks.len() >= 3,
                    "{}: {}",
                    run.name(),
                    message.text
                );
            }
        }
    }
}

#[test]
fn welsh_renders_use_no_english_phrase_text() {
    let library = library();
    for run in case_runs(&library)
        .iter()
        .filter(|run| run.language == Language::Cy)
    {
        let message = build_message(&library, &run.request).expect("the case renders");
        for phrase in library.phrases.values() {
            let english = &phrase.en.raw;
            // Short or shared wording (a name, "GOV.UK") may match; whole sentences must not.
            if english.len() > 25
                && !english.contains('{')
                && Some(english) != phrase.cy.as_ref().map(|cy| &cy.raw)
            {
                assert!(
                    !message.text.contains(english.as_str()),
                    "{} shows the English of `{}`",
                    run.name(),
                    phrase.id
                );
            }
        }
    }
}

#[test]
fn two_parts_make_one_message_with_one_greeting_and_sign_off() {
    let library = library();
    let yaml = request_yaml(
        "email",
        "en",
        "fast_track",
        "  - template: request-new-photo\n    answers: { reasons: [shadows, glare] }\n  - template: request-documents\n    answers: { documents: [birth_certificate] }\n",
    );
    let expected = "\
Your passport application: we need a new photo

Dear Mrs Jones,

We cannot continue with your passport application until you send us what we ask for below.

We need a new photo of you because the photo you sent does not meet the rules for passport photos.

This is because of:

- shadows on your face or behind you
- glare or reflections on your face or glasses

Use the link in the text message or email we sent you to upload a new digital photo. Check the rules for digital photos on GOV.UK before you take it.

Please send us:

- your full birth certificate, which shows your parents’ details

Send the original documents. We cannot accept photocopies. Include a note with your name and your application reference, 1234567890.

We will send your documents back to you separately from your passport.

You applied using the Fast Track service. We cannot continue with your application until you reply, so it may not meet the Fast Track service level.

Yours sincerely,
Sam
HM Passport Office
";
    assert_eq!(printed(&compose(&library, &yaml)), expected);
}

#[test]
fn three_parts_share_a_phrase_once_and_add_fast_track_once() {
    let library = library();
    let yaml = request_yaml(
        "letter",
        "en",
        "fast_track",
        "  - template: request-documents\n    answers: { documents: [previous_passport, birth_certificate], reply_by: 2026-12-01 }\n  - template: request-information\n    answers: { needs: [name_change], details: \"the town where you were born\" }\n  - template: request-new-paper-referee\n    answers: { reason: related }\n",
    );
    // Check box answers come out in the order the options are declared.
    let expected = "\
Dear Mrs Jones,

We cannot continue with your passport application until you send us what we ask for below.

Please send us:

- your full birth certificate, which shows your parents’ details
- your most recent passport

Send the original documents. We cannot accept photocopies. Include a note with your name and your application reference, 1234567890.

Please send them by 01 December 2026.

We will send your documents back to you separately from your passport.

Please tell us:

- when and why you changed your name

We also need the following information:

the town where you were born

Write to us with the information we need, and include your application reference, 1234567890.

We need you to choose a new referee for your application. This is because the person you chose is related to you.

Your new referee must have known you for at least 2 years. They must not be related to you or live at the same address as you. They must work in, or be retired from, a recognised profession, or be well respected in their community. You can check who can be a referee on GOV.UK.

Ask your new referee to fill in and sign the form that came with this letter. Then send the form back to us.

You applied using the Fast Track service. We cannot continue with your application until you reply, so it may not meet the Fast Track service level.

Yours sincerely,
Sam
HM Passport Office
";
    let message = compose(&library, &yaml);
    assert_eq!(message.subject, None, "letters have no subject");
    assert_eq!(message.text, expected);
}

#[test]
fn welsh_message_uses_welsh_wording_and_month_names() {
    let library = library();
    let yaml = request_yaml(
        "email",
        "cy",
        "standard",
        "  - template: request-new-photo\n    answers: { reasons: [blurred] }\n  - template: request-documents\n    answers: { documents: [birth_certificate], reply_by: 2026-12-14 }\n",
    );
    let expected = "\
Eich cais am basbort: mae angen llun newydd arnom

Annwyl Mrs Jones,

Ni allwn barhau â’ch cais am basbort nes i chi anfon yr hyn rydym yn gofyn amdano isod.

Mae angen llun newydd ohonoch chi arnom oherwydd nad yw'r llun a anfonoch yn bodloni'r rheolau ar gyfer lluniau pasbort.

Mae hyn oherwydd:

- bod y llun yn aneglur neu allan o ffocws

Defnyddiwch y ddolen yn y neges destun neu'r e-bost a anfonwyd atoch i lanlwytho llun digidol newydd. Gwiriwch y rheolau ar gyfer lluniau digidol ar GOV.UK cyn i chi ei dynnu.

Anfonwch y canlynol atom:

- eich tystysgrif geni lawn, sy’n dangos manylion eich rhieni

Anfonwch y dogfennau gwreiddiol. Ni allwn dderbyn llungopïau. Rhowch nodyn gyda’ch enw a chyfeirnod eich cais, 1234567890.

Anfonwch nhw erbyn 14 Rhagfyr 2026.

Byddwn yn anfon eich dogfennau yn ôl atoch ar wahân i’ch pasbort.

Yn gywir,
Sam
Swyddfa Pasbort EF
";
    assert_eq!(printed(&compose(&library, &yaml)), expected);
}

#[test]
fn standard_service_gets_no_fast_track_phrase_and_no_reply_templates_never_do() {
    let library = library();
    let fast_track = "You applied using the Fast Track service.";
    let standard = compose(
        &library,
        &request_yaml(
            "email",
            "en",
            "standard",
            "  - template: request-documents\n    answers: { documents: [change_of_name] }\n",
        ),
    );
    assert!(!standard.text.contains(fast_track));
    let told = compose(
        &library,
        &request_yaml(
            "email",
            "en",
            "fast_track",
            "  - template: tell-someone-something\n    answers: { outcome: withdrawn_at_request }\n",
        ),
    );
    assert!(!told.text.contains(fast_track), "{}", told.text);
    assert!(
        told.text
            .contains("You do not need to reply to this email.")
    );
}

/// The paragraphs the compensation guidance mandates, copied character for character.
const EX_GRATIA: &str = "It is HM Passport Office policy to reimburse reasonable out of pocket expenses, incurred by customers as a direct consequence of clear operational errors or omissions by its staff, by means of an ex-gratia payment. It is not our normal policy to make compensation payments for loss of enjoyment, distress or inconvenience arising from such errors.";
const FINAL_SETTLEMENT: &str = "in full and final settlement of your claim.";
const RECEIPTS_POLICY: &str = "Noting your request for reimbursement, our policy is to reimburse any reasonable out of pocket expenses incurred by our customers as a direct result of clear operational errors or omissions by our staff by means of an ex-gratia payment. It is not our policy to make compensation payments for loss of enjoyment, distress or inconvenience arising from such errors. We are accountable for public funds and must recover all operating costs through fees; therefore, it is essential that any compensation is auditable and justifiable.";
const RECEIPTS_BREAKDOWN: &str = "Please provide a full breakdown together with the relevant receipts, tickets or other proof of payment such as bank or credit card statements for our consideration of reimbursement.";

#[test]
fn the_mandated_paragraphs_here_are_the_guidance_s_own() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/guidance/compensation-guidance.txt");
    // The guidance sits beside the repository in the workspace it was built in.
    let Ok(guidance) = std::fs::read_to_string(&path) else {
        eprintln!("{} is absent; skipping the cross-check", path.display());
        return;
    };
    for paragraph in [EX_GRATIA, FINAL_SETTLEMENT] {
        assert!(guidance.contains(&format!("“{paragraph}”")), "{paragraph}");
    }
    // One quotation of two paragraphs.
    assert!(guidance.contains(&format!("“{RECEIPTS_POLICY}\n\n{RECEIPTS_BREAKDOWN}”")));
}

#[test]
fn compensation_letters_carry_the_mandated_wording_word_for_word() {
    let library = library();
    let ex_gratia = EX_GRATIA.to_string();
    let final_line = FINAL_SETTLEMENT.to_string();
    let receipts_policy = RECEIPTS_POLICY.to_string();
    let breakdown = RECEIPTS_BREAKDOWN.to_string();
    let cases = [
        (
            "compensation-award",
            "{ amount: \"30.00\", reason: expenses, payment: card }",
            vec![ex_gratia.clone()],
        ),
        (
            "compensation-final-settlement",
            "{ amount: \"250\", payment: separately }",
            vec![ex_gratia.clone(), final_line.clone()],
        ),
        (
            "compensation-receipts-request",
            "{ reply_by: 2027-01-08 }",
            vec![receipts_policy.clone(), breakdown.clone()],
        ),
    ];
    for (template, answers, mandated) in cases {
        for channel in ["letter", "email"] {
            let message = compose(
                &library,
                &request_yaml(
                    channel,
                    "en",
                    "standard",
                    &format!("  - template: {template}\n    answers: {answers}\n"),
                ),
            );
            for paragraph in &mandated {
                assert!(
                    message.text.contains(paragraph.as_str()),
                    "{template} on {channel} lacks {paragraph:?}:\n{}",
                    message.text
                );
            }
            assert_eq!(
                message.document.required_paragraphs,
                library.template(template).unwrap().spec.required_paragraphs
            );
        }
    }
    // Independently of the guidance file: the exact characters, including the full stop.
    let settlement = compose(
        &library,
        &request_yaml(
            "letter",
            "en",
            "standard",
            "  - template: compensation-final-settlement\n    answers: { amount: \"250\", payment: card }\n",
        ),
    );
    assert!(settlement.text.contains(
        "We will pay you £250.00. This payment is made in full and final settlement of your claim."
    ));
}

#[test]
fn csmt_emails_use_the_house_format() {
    let library = library();
    let message = compose(
        &library,
        &request_yaml(
            "email",
            "en",
            "standard",
            "  - template: csmt-request-further-information\n    answers:\n      acknowledgement: contacting\n      information_needed: \"Tell us the date you posted your application.\"\n",
        ),
    );
    let expected = "\
HM Passport Office Enquiries SB

Dear Mrs Jones,

Thank you for contacting His Majesty’s Passport Office.

Before we can answer your enquiry in full, we need some more information from you.

Tell us the date you posted your application.

Please reply to CustomerServiceManagementTeam@hmpo.gov.uk and quote the reference 323000 in the subject line of your email.

Yours sincerely,
Sam
HM Passport Office
";
    assert_eq!(printed(&message), expected);
    let reply = compose(
        &library,
        &request_yaml(
            "email",
            "en",
            "standard",
            "  - template: csmt-enquiry-reply\n    answers:\n      acknowledgement: enquiry\n      answer: \"We have sent your passport.\"\n      signposts: [complaints]\n",
        ),
    );
    assert_eq!(
        reply.subject.as_deref(),
        Some("HM Passport Office Enquiries SB")
    );
    assert!(reply.text.contains("Thank you for your enquiry.\n\nWe have sent your passport.\n\nYou can find out how to make a complaint"));
}

#[test]
fn the_915_letter_needs_three_phone_attempts() {
    let library = library();
    let refused = request_yaml(
        "letter",
        "en",
        "standard",
        "  - template: request-call-us\n    answers: { phone_attempts: fewer, phone_number: \"0300 123 4567\" }\n",
    );
    let request = parse_request(&refused, "test").unwrap();
    let err = build_message(&library, &request).expect_err("fewer than 3 attempts is refused");
    assert_eq!(
        err.to_string(),
        "part 1 (request-call-us), question `phone_attempts`: the 915 letter is only for when you have phoned the customer 3 times in one day without speaking to them; phone the customer first, or use a template that asks for what you need"
    );
    assert!(
        library
            .template("request-call-us")
            .unwrap()
            .spec
            .last_resort
    );
    let sent = compose(&library, &refused.replace("fewer", "three"));
    assert!(
        sent.text
            .contains("Please call Sam at HM Passport Office on 0300 123 4567."),
        "{}",
        sent.text
    );
}

fn assert_bad_request(stdin: &str, expected: &[&str]) {
    let (status, stdout, stderr) = render_cli(stdin, &[]);
    assert_eq!(status, 2, "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stdout.is_empty(),
        "nothing is printed on bad input: {stdout}"
    );
    for part in expected {
        assert!(stderr.contains(part), "expected {part:?} in:\n{stderr}");
    }
}

const PEOPLE: &str = "customer: {title: Mrs, first_name: Siân, last_name: Jones, email: s@example.com}\nstaff: {first_name: Sam, initials: SB, office: Durham}\napplication: {reference: \"1234567890\"}\n";

#[test]
fn unknown_template_is_named_with_the_templates_there_are() {
    assert_bad_request(
        &format!("{PEOPLE}parts: [{{template: request-passport}}]\n"),
        &[
            "part 1 (request-passport): there is no template `request-passport`; templates are: check-and-send-refund, compensation-award,",
            "request-new-photo, tell-someone-something",
        ],
    );
}

#[test]
fn unknown_question_is_named_with_the_questions_there_are() {
    assert_bad_request(
        &format!(
            "{PEOPLE}parts: [{{template: request-new-photo, answers: {{reasons: [glare], colour: red}}}}]\n"
        ),
        &[
            "part 1 (request-new-photo), question `colour`: the template has no such question; its questions are: reasons",
        ],
    );
}

#[test]
fn radio_value_not_allowed_lists_the_values_allowed() {
    assert_bad_request(
        &format!(
            "{PEOPLE}parts:\n  - template: request-new-photo\n    answers: {{reasons: [glare]}}\n  - template: tell-someone-something\n    answers: {{outcome: refused}}\n"
        ),
        &[
            "part 2 (tell-someone-something), question `outcome`: \"refused\" is not allowed; choose one of: refused_no_claim, withdrawn_not_entitled, withdrawn_at_request, travel_document_to_home_office, lost_stolen_processed",
        ],
    );
}

#[test]
fn missing_required_answer_names_the_question_and_values() {
    assert_bad_request(
        &format!(
            "{PEOPLE}parts: [{{template: compensation-award, answers: {{amount: \"30.00\", payment: card}}}}]\n"
        ),
        &[
            "part 1 (compensation-award), question `reason`: an answer is required (\"What is the payment for\"); one of: expenses, service_fee, replacement_documents",
        ],
    );
}

#[test]
fn a_template_that_needs_one_of_several_answers_says_which() {
    assert_bad_request(
        &format!(
            "{PEOPLE}parts: [{{template: request-information, answers: {{details: \"  \"}}}}]\n"
        ),
        &[
            "part 1 (request-information): answer at least one of these questions: `needs` (\"What information do we need\"), `details` (\"Anything else we need (free text)\")",
        ],
    );
}

#[test]
fn free_text_is_refused_where_the_question_is_not_free_text() {
    // Paragraphs typed into a short text question.
    assert_bad_request(
        &format!(
            "{PEOPLE}parts:\n  - template: request-call-us\n    answers:\n      phone_attempts: three\n      phone_number: \"Call me on\\nmy mobile please\"\n"
        ),
        &[
            "part 1 (request-call-us), question `phone_number`: this is a short text question: one line of up to 200 characters; free text is accepted only by a free-text question (this template has none)",
        ],
    );
    // Sentences typed into a check box question.
    assert_bad_request(
        &format!(
            "{PEOPLE}parts: [{{template: request-documents, answers: {{documents: \"please send your birth certificate\"}}}}]\n"
        ),
        &[
            "part 1 (request-documents), question `documents`: \"please send your birth certificate\" is not allowed; choose any of: birth_certificate,",
        ],
    );
}

#[test]
fn empty_parts_list_is_refused() {
    assert_bad_request(
        &format!("{PEOPLE}parts: []\n"),
        &[
            "the request has no parts; add at least one {template, answers}; templates are: check-and-send-refund",
        ],
    );
}

#[test]
fn malformed_yaml_and_json_name_the_line_and_column() {
    assert_bad_request(
        &format!("{PEOPLE}parts: [{{template: request-new-photo, answers: {{reasons: [glare]}}]\n"),
        &["<stdin>:4:", "not a valid request: mismatched bracket"],
    );
    assert_bad_request(
        "{\"parts\": [}",
        &["<stdin>:1:12: not a valid request: expected value"],
    );
}

#[test]
fn every_problem_in_a_request_is_listed_not_just_the_first() {
    assert_bad_request(
        &format!(
            "{PEOPLE}parts:\n  - template: nope\n  - template: tell-someone-something\n    answers: {{outcome: maybe}}\n  - template: request-new-photo\n"
        ),
        &[
            "part 1 (nope): there is no template `nope`",
            "part 2 (tell-someone-something), question `outcome`: \"maybe\" is not allowed",
            "part 3 (request-new-photo), question `reasons`: an answer is required",
        ],
    );
}

#[test]
fn template_syntax_in_values_is_printed_literally_never_run() {
    let typed =
        "{{ 7 * 7 }} {% if true %}yes{% endif %} <script>alert(1)</script> {customer.title}";
    let yaml = format!(
        "{PEOPLE}parts:\n  - template: csmt-enquiry-reply\n    answers:\n      acknowledgement: enquiry\n      answer: {typed:?}\n  - template: request-call-us\n    answers: {{phone_attempts: three, phone_number: \"{{{{ 1 + 1 }}}} <b>\"}}\n"
    );
    let (status, stdout, stderr) = render_cli(&yaml, &[]);
    // Printed as typed, and the linter flags what looks like template markers and markup.
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("[unfilled-placeholder]"), "{stderr}");
    assert!(stdout.contains(&format!("\n{typed}\n")), "{stdout}");
    assert!(
        stdout.contains("Please call Sam at HM Passport Office on {{ 1 + 1 }} <b>."),
        "{stdout}"
    );
    assert!(!stdout.contains("49") && !stdout.contains("Mrs Mrs"));

    let (status, json, stderr) = render_cli(&yaml, &["--format", "json"]);
    assert_eq!(status, 1, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let text = value["text"].as_str().unwrap_or_default();
    assert!(text.contains(typed), "{text}");
}

#[test]
fn line_breaks_in_free_text_make_paragraphs_and_elsewhere_are_refused() {
    let yaml = format!(
        "{PEOPLE}parts:\n  - template: csmt-enquiry-reply\n    answers:\n      acknowledgement: enquiry\n      answer: \"First paragraph.\\n\\nSecond\\nparagraph.\"\n"
    );
    let (status, stdout, stderr) = render_cli(&yaml, &[]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains("Thank you for your enquiry.\n\nFirst paragraph.\n\nSecond paragraph.\n"),
        "{stdout}"
    );
    // A line break in a name could forge an email header or a letter line.
    assert_bad_request(
        "customer: {title: Mrs, first_name: Siân, last_name: \"Jones\\nBcc: x@example.com\"}\nstaff: {first_name: Sam}\nparts: [{template: mailbox-auto-acknowledgement}]\n",
        &["customer.last_name: holds a line break; write it on one line, as plain text"],
    );
}

#[test]
fn the_examples_render() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("examples/ exists") {
        let path = entry.expect("a readable entry").path();
        if path.extension().is_some_and(|ext| ext == "yaml") {
            let output = Command::new(env!("CARGO_BIN_EXE_comms"))
                .arg("render")
                .arg(&path)
                .output()
                .expect("comms runs");
            assert_eq!(
                output.status.code(),
                Some(0),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&output.stderr)
            );
            seen += 1;
        }
    }
    assert!(seen >= 3, "expected the English, Welsh and letter examples");
    let letter = Command::new(env!("CARGO_BIN_EXE_comms"))
        .arg("render")
        .arg(dir.join("paper-application-letter.yaml"))
        .output()
        .expect("comms runs");
    let text = String::from_utf8_lossy(&letter.stdout);
    assert!(
        text.starts_with("Dear Ms Khan,") && text.contains("came with this letter"),
        "a paper application without email gets a letter: {text}"
    );
}

#[test]
fn a_shared_phrase_with_different_values_is_kept_and_with_the_same_values_is_not() {
    let library = library();
    let two_dates = compose(
        &library,
        &request_yaml(
            "email",
            "en",
            "standard",
            "  - template: request-documents\n    answers: { documents: [birth_certificate], reply_by: 2026-12-01 }\n  - template: request-documents\n    answers: { documents: [previous_passport], reply_by: 2027-01-05 }\n",
        ),
    );
    assert!(
        two_dates
            .text
            .contains("Please send them by 01 December 2026.")
            && two_dates
                .text
                .contains("Please send them by 05 January 2027."),
        "{}",
        two_dates.text
    );
    let same_date = compose(
        &library,
        &request_yaml(
            "email",
            "en",
            "standard",
            "  - template: request-documents\n    answers: { documents: [birth_certificate], reply_by: 2026-12-01 }\n  - template: request-documents\n    answers: { documents: [previous_passport], reply_by: 2026-12-01 }\n",
        ),
    );
    assert_eq!(
        same_date
            .text
            .matches("Please send them by 01 December 2026.")
            .count(),
        1,
        "{}",
        same_date.text
    );
    assert_eq!(
        same_date
            .text
            .matches("We cannot continue with your passport application")
            .count(),
        1
    );
}

/// Template bodies are rendered once per combination of answers and remembered; a remembered
/// body gives the same message as a fresh render, and different answers never share one.
#[test]
fn remembered_bodies_give_the_same_messages_as_fresh_renders() {
    let library = library();
    let runs = case_runs(&library);
    let fresh: Vec<_> = runs
        .iter()
        .map(|run| {
            library.forget_bodies();
            comms::compose::compose(&library, &run.request)
        })
        .collect();
    library.forget_bodies();
    let first: Vec<_> = runs
        .iter()
        .map(|run| comms::compose::compose(&library, &run.request))
        .collect();
    let remembered = library.remembered_bodies();
    assert!(
        remembered > 20 && remembered <= runs.len(),
        "{remembered} bodies remembered for {} runs",
        runs.len()
    );
    let again: Vec<_> = runs
        .iter()
        .map(|run| comms::compose::compose(&library, &run.request))
        .collect();
    assert_eq!(
        library.remembered_bodies(),
        remembered,
        "nothing new to remember"
    );
    for ((run, fresh), (first, again)) in runs.iter().zip(&fresh).zip(first.iter().zip(&again)) {
        assert_eq!(fresh, first, "{}", run.name());
        assert_eq!(fresh, again, "{}", run.name());
    }
    // Two answers to one question: two bodies, two different messages.
    let photo = |reason: &str| {
        let yaml = request_yaml(
            "email",
            "en",
            "standard",
            &format!("  - {{template: request-new-photo, answers: {{reasons: [{reason}]}}}}\n"),
        );
        let request = parse_request(&yaml, "request.yaml").unwrap();
        build_message(&library, &request).unwrap().text
    };
    let (shadows, glare) = (photo("shadows"), photo("glare"));
    assert_ne!(shadows, glare);
    assert_eq!(photo("shadows"), shadows);
}

/// The mailbox's automatic reply knows neither the customer nor who will read the email: no
/// greeting, signed by HM Passport Office alone, and never joined to other templates.
#[test]
fn automatic_mailbox_reply_has_no_greeting_or_staff_and_goes_alone() {
    let library = library();
    let alone = request_yaml(
        "email",
        "en",
        "standard",
        "  - {template: mailbox-auto-acknowledgement}\n",
    );
    let message = compose(&library, &alone);
    assert_eq!(
        message.subject.as_deref(),
        Some("We have received your email")
    );
    assert_eq!(
        message.text,
        "Thank you for your email. This is an automatic reply to let you know we have received it.\n\n\
         We will read your email and reply if we need to. You do not need to send it again.\n\n\
         Please do not reply to this automatic message.\n\n\
         HM Passport Office\n"
    );
    let welsh = compose(
        &library,
        &request_yaml(
            "email",
            "cy",
            "standard",
            "  - {template: mailbox-auto-acknowledgement}\n",
        ),
    );
    assert!(!welsh.text.contains("Annwyl"), "{}", welsh.text);
    assert!(!welsh.text.contains("Sam"), "{}", welsh.text);

    let joined = request_yaml(
        "email",
        "en",
        "standard",
        "  - {template: request-new-photo, answers: {reasons: [glare]}}\n  - {template: mailbox-auto-acknowledgement}\n",
    );
    let request = parse_request(&joined, "test").unwrap();
    let err = comms::compose::compose(&library, &request).unwrap_err();
    assert_eq!(
        err.to_string(),
        "part 2 (mailbox-auto-acknowledgement): this is an automatic mailbox reply and goes on its own; send it without other templates"
    );
}
