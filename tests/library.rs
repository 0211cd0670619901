//! The shipped library: `comms check` passes on it and fails, listing every error with its
//! place, on copies with planted faults; its wording keeps the house style the guidance sets;
//! each starter template declares what the guidance asks of it.

use std::path::{Path, PathBuf};
use std::process::Command;

use comms::library::templates::HouseFormat;
use comms::library::{Library, QuestionKind};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn library() -> Library {
    Library::load(&repo()).expect("the shipped library loads")
}

/// Runs `comms --library DIR ARGS...`; returns (exit status, stdout, stderr).
fn comms(library: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_comms"))
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .expect("comms runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A temporary copy of the shipped library: phrases, templates and lint rules if any.
fn library_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for folder in ["phrases", "templates", "rules"] {
        if !repo().join(folder).is_dir() {
            continue;
        }
        std::fs::create_dir(dir.path().join(folder)).expect("folder created");
        for entry in std::fs::read_dir(repo().join(folder)).expect("library folder") {
            let path = entry.expect("entry").path();
            let target = dir
                .path()
                .join(folder)
                .join(path.file_name().expect("a name"));
            std::fs::copy(&path, target).expect("file copied");
        }
    }
    dir
}

fn append(path: &Path, text: &str) {
    let mut existing = std::fs::read_to_string(path).expect("file to change exists");
    existing.push_str(text);
    std::fs::write(path, existing).expect("file written");
}

#[test]
fn check_passes_on_the_shipped_library_with_full_welsh_coverage() {
    let (status, stdout, stderr) = comms(&repo(), &["check"]);
    assert_eq!(status, 0, "stdout: {stdout}\nstderr: {stderr}");
    assert!(!stdout.contains("error:"), "{stdout}");
    let library = library();
    let total = library.phrases.len();
    assert!(
        stdout.contains(&format!(
            "Welsh coverage: {total} of {total} phrases (100%)"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "checked {total} phrases, {} templates,",
            library.templates.len()
        )),
        "{stdout}"
    );
    assert!(stdout.contains(": 0 error(s), 0 warning(s)"), "{stdout}");
}

#[test]
fn check_lists_every_planted_fault_with_its_place() {
    let copy = library_copy();
    let root = copy.path();
    let phrases = root.join("phrases");
    let templates = root.join("templates");
    // A duplicate id in the same file, and one across files.
    append(
        &phrases.join("mailbox.yaml"),
        "\nmailbox.received:\n  en: The same id again.\n  cy: Yr un id eto.\n",
    );
    append(
        &phrases.join("outcomes.yaml"),
        "\ndocuments.originals:\n  en: Another file, the same id.\n  cy: Ffeil arall.\n",
    );
    // An unknown placeholder.
    append(
        &phrases.join("referee.yaml"),
        "\nreferee.extra:\n  en: \"Ask {customer.nickname} to sign it.\"\n  cy: Gofynnwch.\n",
    );
    // A YAML mistake.
    std::fs::write(
        phrases.join("broken.yaml"),
        "broken.phrase:\n  en: \"never closed\n  cy: Dim.\n",
    )
    .expect("written");
    // Template prose, and a phrase that does not exist, in one body.
    std::fs::write(
        templates.join("mailbox-auto-acknowledgement.tera"),
        "{{ phrase(id=\"mailbox.received\") }}\n\nWe will call you soon.\n\n{{ phrase(id=\"mailbox.missing\") }}\n",
    )
    .expect("written");

    let (status, stdout, stderr) = comms(root, &["check"]);
    assert_eq!(status, 1, "stdout: {stdout}\nstderr: {stderr}");
    let file = |folder: &Path, name: &str| folder.join(name).display().to_string();
    let expected = [
        format!(
            "{}:2:7: not valid YAML here: unclosed quote",
            file(&phrases, "broken.yaml")
        ),
        format!(
            "{}:19:1: phrase `mailbox.received` is defined twice; it is first defined at {}:7",
            file(&phrases, "mailbox.yaml"),
            file(&phrases, "mailbox.yaml")
        ),
        format!(
            "phrase `documents.originals` is defined twice; it is first defined at {}:",
            file(&phrases, "documents.yaml")
        ),
        format!(
            "{}:45:12: phrase `referee.extra` (en): unknown placeholder {{customer.nickname}}; placeholders are {{customer.title}},",
            file(&phrases, "referee.yaml")
        ),
        format!(
            "{}:3:1: the template writes its own words (`We`); customer-facing wording belongs in a phrase",
            file(&templates, "mailbox-auto-acknowledgement.tera")
        ),
        format!(
            "{}:5:4: phrase `mailbox.missing` does not exist in phrases/",
            file(&templates, "mailbox-auto-acknowledgement.tera")
        ),
    ];
    for message in &expected {
        assert!(
            stdout.contains(message.as_str()),
            "expected {message:?} in:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("the library did not load: 6 error(s)"),
        "{stdout}"
    );

    // `render` refuses a broken library too, with the same list, as bad configuration.
    let (status, _, stderr) = comms(root, &["render", "-"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("the library has 6 errors:"), "{stderr}");
}

#[test]
fn check_fails_on_cases_that_do_not_render_and_phrases_no_case_shows() {
    let copy = library_copy();
    let root = copy.path();
    // A case with a value the radio does not allow.
    append(
        &root.join("templates/tell-someone-something.yaml"),
        "  - name: not-a-value\n    answers: { outcome: approved }\n    languages: [en]\n    channels: [email]\n",
    );
    // A declaration naming a question the template does not have.
    let information = root.join("templates/request-information.yaml");
    let spec = std::fs::read_to_string(&information).expect("readable");
    std::fs::write(
        &information,
        spec.replace(
            "answer_at_least_one_of: [needs, details]",
            "answer_at_least_one_of: [needs, detail]",
        ),
    )
    .expect("written");
    // A phrase that no case shows, and one with no Welsh that a case shows.
    append(
        &root.join("phrases/mailbox.yaml"),
        "\nmailbox.unused:\n  en: Nobody shows this.\n  cy: Does neb yn dangos hwn.\n",
    );
    let body = root.join("templates/mailbox-auto-acknowledgement.tera");
    append(&body, "\n{{ phrase(id=\"mailbox.english-only\") }}\n");
    append(
        &root.join("phrases/mailbox.yaml"),
        "\nmailbox.english-only:\n  en: Only in English.\n",
    );

    let (status, stdout, _) = comms(root, &["check"]);
    assert_eq!(status, 1, "{stdout}");
    // The declaration stops the library loading; fix it to see the case-level errors.
    assert!(
        stdout.contains(&format!(
            "{}: `answer_at_least_one_of` names question `detail`, which the template does not declare",
            information.display()
        )),
        "{stdout}"
    );
    std::fs::write(&information, spec).expect("written");
    let (status, stdout, _) = comms(root, &["check"]);
    assert_eq!(status, 1, "{stdout}");
    let spec = root.join("templates/tell-someone-something.yaml");
    for message in [
        format!(
            "error: {}:31: case `not-a-value` (tell-someone-something/not-a-value.email.en): part 1 (tell-someone-something), question `outcome`: \"approved\" is not allowed; choose one of: refused_no_claim,",
            spec.display()
        ),
        "phrase `mailbox.unused` is shown by no template case; add a case that shows it, or remove it".to_string(),
        "case `standard` (mailbox-auto-acknowledgement/standard.email.cy): the message is in Welsh but 1 phrase has no Welsh text: mailbox.english-only; add `cy:` to it in phrases/".to_string(),
        "no Welsh: mailbox.english-only".to_string(),
    ] {
        assert!(stdout.contains(&message), "expected {message:?} in:\n{stdout}");
    }
}

/// Words in capitals the public knows; any other word in capitals breaks the house style.
const KNOWN_ACRONYMS: [&str; 7] = ["UK", "HM", "GOV", "DVLA", "NHS", "ID", "EF"];

/// Mandated phone wording may name the helpline or the advice line number: the examiner
/// voicemail tells customers not to call the helpline, and a template the guidance allows to
/// give the number says `allows_contact_centre: true`.
fn mandated_contact_centre(library: &Library, id: &str, text: &str) -> bool {
    text.contains("do not contact our helpline")
        || library.templates.values().any(|template| {
            template.spec.allows_contact_centre && template.body.contains(&format!("\"{id}\""))
        })
}

#[test]
fn phrases_keep_the_house_style() {
    let library = library();
    let banned = regex::Regex::new(
        r"(?i)\b(e\.g|i\.e|etc|info|approx|ppt|doc's|doc’s|countersig|asap|fraud\w*|suspicio\w*|suspect\w*|concern\w*|identity|investigat\w*)\b",
    )
    .expect("valid regex");
    let jargon =
        regex::Regex::new(r"\b(DAP|CSMT|TP|OTL|DHU|AMS|CPIA|EDRMS|SLA|TAS|CSC|CFT|DLSR)\b")
            .expect("valid regex");
    let contact_centre =
        regex::Regex::new(r"(?i)advice ?line|helpline|contact cent(re|er)|0300|0800")
            .expect("valid regex");
    let capitals = regex::Regex::new(r"\b[A-Z]{2,}\b").expect("valid regex");
    let literal_date = regex::Regex::new(
        r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|(?i)\b\d{1,2}(st|nd|rd|th)?\s+(january|february|march|april|may|june|july|august|september|october|november|december)\b",
    )
    .expect("valid regex");
    let emphasis = regex::Regex::new(r"\*\*|__|\*\w|<[a-z/]").expect("valid regex");

    let mut problems = Vec::new();
    for phrase in library.phrases.values() {
        let texts = std::iter::once(("en", &phrase.en.raw))
            .chain(phrase.cy.as_ref().map(|cy| ("cy", &cy.raw)));
        for (language, text) in texts {
            let mut flag = |what: &str, found: &str| {
                problems.push(format!("{} ({language}): {what} `{found}`", phrase.id));
            };
            if let Some(found) = banned.find(text) {
                flag("abbreviation or public protection wording", found.as_str());
            }
            if let Some(found) = jargon.find(text) {
                flag("internal jargon", found.as_str());
            }
            if let Some(found) = contact_centre.find(text)
                && !mandated_contact_centre(&library, &phrase.id, text)
            {
                flag("points to the contact centres", found.as_str());
            }
            for word in capitals.find_iter(text) {
                if !KNOWN_ACRONYMS.contains(&word.as_str()) {
                    flag("word in capitals", word.as_str());
                }
            }
            if let Some(found) = literal_date.find(text) {
                flag("a date written into the wording", found.as_str());
            }
            if let Some(found) = emphasis.find(text) {
                flag("bold, italic or markup", found.as_str());
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_phrase_has_welsh() {
    let library = library();
    let missing: Vec<&str> = library
        .phrases
        .values()
        .filter(|phrase| phrase.cy.is_none())
        .map(|phrase| phrase.id.as_str())
        .collect();
    assert!(missing.is_empty(), "no Welsh: {missing:?}");
}

#[test]
fn starter_templates_declare_what_the_guidance_asks_of_them() {
    let library = library();
    let spec = |id: &str| {
        &library
            .template(id)
            .unwrap_or_else(|| panic!("template `{id}` exists"))
            .spec
    };
    for id in [
        "request-documents",
        "request-new-photo",
        "request-information",
        "request-new-paper-referee",
        "request-call-us",
        "csmt-request-further-information",
        "compensation-receipts-request",
        "counter-fraud-letter",
    ] {
        assert!(spec(id).asks_for_reply, "{id} asks for a reply");
    }
    for id in [
        "tell-someone-something",
        "csmt-enquiry-reply",
        "mailbox-auto-acknowledgement",
        "compensation-award",
        "compensation-final-settlement",
        "check-and-send-refund",
    ] {
        assert!(!spec(id).asks_for_reply, "{id} needs no reply");
    }

    let documents = spec("request-documents");
    let question = documents
        .questions
        .iter()
        .find(|q| q.id == "documents")
        .expect("documents question");
    assert_eq!(question.kind, QuestionKind::Checkboxes);
    assert!(
        question
            .options
            .iter()
            .any(|o| o.value == "birth_certificate")
    );

    let information = spec("request-information");
    assert!(
        information
            .questions
            .iter()
            .any(|q| q.kind == QuestionKind::FreeText)
    );

    let call_us = spec("request-call-us");
    assert!(call_us.last_resort);
    assert_eq!(call_us.only_when.len(), 1);
    assert_eq!(call_us.only_when[0].question, "phone_attempts");

    let outcome = spec("tell-someone-something")
        .questions
        .iter()
        .find(|q| q.id == "outcome")
        .expect("outcome question");
    assert_eq!(outcome.kind, QuestionKind::Radio);
    let values: Vec<&str> = outcome.options.iter().map(|o| o.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "refused_no_claim",
            "withdrawn_not_entitled",
            "withdrawn_at_request",
            "travel_document_to_home_office",
            "lost_stolen_processed"
        ]
    );

    for id in ["csmt-enquiry-reply", "csmt-request-further-information"] {
        assert_eq!(spec(id).house_format, Some(HouseFormat::Csmt), "{id}");
    }
    assert_eq!(
        spec("compensation-award").required_paragraphs,
        ["compensation.ex-gratia-policy"]
    );
    assert!(
        spec("compensation-final-settlement")
            .required_paragraphs
            .contains(&"compensation.final-settlement".to_string())
    );
    assert_eq!(
        spec("compensation-receipts-request").required_paragraphs,
        [
            "compensation.receipts.policy",
            "compensation.receipts.breakdown"
        ]
    );
    assert_eq!(
        spec("counter-fraud-letter").channels,
        [comms::request::Channel::Letter]
    );
}

#[test]
fn templates_command_lists_every_template_with_its_questions() {
    let (status, stdout, stderr) = comms(&repo(), &["templates", "--format", "json"]);
    assert_eq!(status, 0, "{stderr}");
    let listed: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let listed = listed.as_array().expect("a list");
    let library = library();
    assert_eq!(listed.len(), library.templates.len());
    let photo = listed
        .iter()
        .find(|t| t["id"] == "tell-someone-something")
        .expect("listed");
    assert_eq!(
        photo["questions"][0]["label"],
        "What do we need to tell the customer?"
    );
    assert_eq!(
        photo["questions"][0]["options"][4]["label"],
        "We processed their lost or stolen report"
    );
    let by_id = |id: &str| listed.iter().find(|t| t["id"] == id).expect("listed");
    assert_eq!(
        by_id("request-information")["answer_at_least_one_of"],
        serde_json::json!(["needs", "details"])
    );
    let call_us = by_id("request-call-us");
    assert_eq!(call_us["last_resort"], true);
    assert_eq!(call_us["only_when"][0]["question"], "phone_attempts");
    assert_eq!(call_us["only_when"][0]["equals"], "three");
    assert_eq!(by_id("mailbox-auto-acknowledgement")["automatic"], true);
    assert_eq!(by_id("request-documents")["automatic"], false);

    // The text listing says the same to a person.
    let (status, text, stderr) = comms(&repo(), &["templates"]);
    assert_eq!(status, 0, "{stderr}");
    let section = |id: &str| {
        let start = text.find(&format!("{id}  (")).expect("listed");
        let end = text[start..].find("\n\n").map_or(text.len(), |e| start + e);
        text[start..end].to_string()
    };
    assert!(
        section("request-information").contains("  answer at least one of: needs, details"),
        "{}",
        section("request-information")
    );
    let call_us = section("request-call-us");
    assert!(
        call_us.contains("  only when phone_attempts is three: the 915 letter is only for when"),
        "{call_us}"
    );
    assert!(
        call_us.contains("  only when completely necessary"),
        "{call_us}"
    );
    assert!(
        section("mailbox-auto-acknowledgement")
            .contains("an automatic reply: no greeting or staff name, and sent on its own")
    );
}
