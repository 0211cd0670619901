//! The house-style linter end to end: the shipped rules and their examples, rule files that
//! must be refused, findings with provenance in composed messages, `comms check` reporting a
//! bad phrase, and `comms lint` on awkward input.

#[path = "support/files.rs"]
mod files;
use files::copy_dir;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use comms::cli::check::check_library;
use comms::document::SourceKind;
use comms::library::Library;
use comms::lint::examples::check_examples;
use comms::lint::{Field, Severity, lint_phrase};
use comms::message::build_message;
use comms::request::{Language, parse_request};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shipped() -> Library {
    Library::load(&repo()).expect("the shipped library loads")
}

/// The shipped rule files, as `(path, text)` for `Library::from_sources`.
fn shipped_rule_sources() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(repo().join("rules"))
        .expect("rules/ exists")
        .map(|entry| entry.expect("a rules/ entry").path())
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (
                format!("rules/{name}"),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

const STRUCTURAL_PHRASES: &str = r#"
greeting.dear-title: { en: "Dear {customer.title} {customer.last_name},", cy: "Annwyl {customer.title} {customer.last_name}," }
greeting.dear-name: { en: "Dear {customer.first_name} {customer.last_name},", cy: "Annwyl {customer.first_name} {customer.last_name}," }
sign-off.yours-sincerely: { en: "Yours sincerely,", cy: "Yn gywir," }
sign-off.name: { en: "{staff.first_name}", cy: "{staff.first_name}" }
sign-off.organisation: { en: HM Passport Office, cy: Swyddfa Pasbort EF }
fast-track.will-not-progress: { en: "We cannot continue until you reply.", cy: "Ni allwn barhau nes i chi ateb." }
"#;

const GOOD_SUBJECT: &str =
    "subject.csmt: { en: \"HM Passport Office Enquiries {staff.initials}\" }\n";

/// The note template: a CSMT email with a reference, a postcode and free text.
fn note_library(subject: &str) -> Library {
    library_with(&[
        ("phrases/note.yaml", NOTE_PHRASES),
        ("phrases/subject.yaml", subject),
        ("templates/note.yaml", NOTE_SPEC),
        ("templates/note.tera", NOTE_BODY),
    ])
}

/// A library with the shipped rules and the phrases compose adds around templates.
fn library_with(extra: &[(&str, &str)]) -> Library {
    let rules = shipped_rule_sources();
    let mut files: Vec<(&str, &str)> = rules
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    files.push(("phrases/common.yaml", STRUCTURAL_PHRASES));
    if !extra
        .iter()
        .any(|(path, _)| *path == "phrases/subject.yaml")
    {
        files.push(("phrases/subject.yaml", GOOD_SUBJECT));
    }
    files.extend_from_slice(extra);
    Library::from_sources(&files).unwrap_or_else(|errors| panic!("{errors}"))
}

const NOTE_PHRASES: &str = r#"
note.intro: { en: "We have looked at your application {application.reference}." }
note.postcode: { en: "We will write to {answers.postcode}." }
"#;

const NOTE_SPEC: &str = r#"
name: Note
purpose: Tell the customer something in free text.
channels: [email, letter]
house_format: csmt
questions:
  - { id: postcode, label: Postcode, kind: text }
  - { id: details, label: What to say, kind: free_text }
"#;

const NOTE_BODY: &str = "{{ phrase(id=\"note.intro\") }}\n\n{{ phrase(id=\"note.postcode\") }}\n\n{{ free_text(question=\"details\") }}\n";

fn note_request(details: &str, reference: &str) -> comms::request::Request {
    let yaml = format!(
        r#"
channel: email
language: en
at: 2026-11-23T10:15:00Z
customer: {{ title: Mrs, first_name: Siân, last_name: Jones, email: sian@example.com, time_zone: Europe/London }}
staff: {{ first_name: Sam, initials: SB, office: Durham }}
application: {{ reference: "{reference}" }}
parts:
  - template: note
    answers: {{ postcode: "CF10 1AA", details: {details:?} }}
"#
    );
    parse_request(&yaml, "test").unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn shipped_rules_cover_the_issue_and_their_examples_hold() {
    let library = shipped();
    let ids: Vec<&str> = library
        .rules
        .rules
        .iter()
        .map(|rule| rule.id.as_str())
        .collect();
    for id in [
        "abbreviation",
        "all-caps",
        "formatting",
        "public-protection",
        "contact-centre",
        "jargon",
        "date-format",
        "subject-format",
        "subject-customer-details",
        "required-paragraph",
        "free-text-start",
        "free-text-has-phrase",
        "case-note",
        "guidance-copy",
        "unfilled-placeholder",
    ] {
        assert!(ids.contains(&id), "rule `{id}` is missing from rules/");
    }
    for rule in &library.rules.rules {
        assert!(!rule.examples.flag.is_empty() && !rule.examples.pass.is_empty());
    }
    let problems = check_examples(&library.rules);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_rule_whose_example_is_wrong_is_reported_with_its_file() {
    let rule = "kind: existence\nlevel: error\nmessage: No ppt.\ntokens: { ppt: passport }\nexamples:\n  flag: [Your passport.]\n  pass: [Your ppt.]\n";
    let library = Library::from_sources(&[("rules/ppt.yaml", rule)]).unwrap();
    let problems = check_examples(&library.rules);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("rules/ppt.yaml:6: flag example 1"),
        "{problems:?}"
    );
    assert!(problems[0].contains("is not flagged"));
    assert!(problems[1].contains("pass example 1"));
    assert!(problems[1].contains("must pass"));
}

fn refusal(path: &str, text: &str) -> String {
    let errors = Library::from_sources(&[(path, text)]).expect_err("the rule file is refused");
    errors.to_string()
}

#[test]
fn bad_rule_files_are_refused_with_file_line_and_reason() {
    let examples = "examples:\n  flag: [one]\n  pass: [two]\n";
    let unknown = refusal(
        "rules/odd.yaml",
        &format!("level: error\nmessage: M\nkind: spelling\n{examples}"),
    );
    assert!(
        unknown.contains(
            "rules/odd.yaml:3:7: unknown rule kind `spelling`; the kinds are existence, capitals"
        ),
        "{unknown}"
    );

    let lookaround = refusal(
        "rules/ahead.yaml",
        &format!(
            "kind: existence\nlevel: error\nmessage: M\npatterns:\n  - pattern: 'fraud(?!ulent)'\n{examples}"
        ),
    );
    assert!(lookaround.contains("rules/ahead.yaml:5:"), "{lookaround}");
    assert!(lookaround.contains("look-around"), "{lookaround}");

    let two_lines = refusal(
        "rules/two-lines.yaml",
        &format!(
            "kind: existence\nlevel: error\nmessage: M\ntokens:\n  \"dear\\nsir\": Dear Mr\n{examples}"
        ),
    );
    assert!(
        two_lines.contains("rules/two-lines.yaml:1: the token \"dear\\nsir\" holds a line break"),
        "{two_lines}"
    );

    let backreference = refusal(
        "rules/twice.yaml",
        &format!(
            "kind: existence\nlevel: error\nmessage: M\npatterns:\n  - pattern: '(\\w+) \\1'\n{examples}"
        ),
    );
    assert!(
        backreference.contains("rules/twice.yaml:5:"),
        "{backreference}"
    );
    assert!(backreference.contains("back-reference"), "{backreference}");

    let broken = refusal(
        "rules/broken.yaml",
        &format!(
            "kind: existence\nlevel: error\nmessage: M\npatterns:\n  - {{ pattern: '[a-' }}\n{examples}"
        ),
    );
    assert!(broken.contains("rules/broken.yaml:5:"), "{broken}");
    assert!(
        broken.contains("not a valid regular expression"),
        "{broken}"
    );

    let no_examples = refusal(
        "rules/bare.yaml",
        "kind: existence\nlevel: error\nmessage: M\ntokens: { ppt: passport }\n",
    );
    assert!(
        no_examples.contains("rules/bare.yaml: the rule has no `examples:`"),
        "{no_examples}"
    );

    let one_sided = refusal(
        "rules/half.yaml",
        "kind: existence\nlevel: error\nmessage: M\ntokens: { ppt: passport }\nexamples:\n  flag: [ppt]\n",
    );
    assert!(
        one_sided.contains("rules/half.yaml:6: the rule needs at least one `flag:` example and one `pass:` example; it has 1 and 0"),
        "{one_sided}"
    );

    let bad_level = refusal(
        "rules/level.yaml",
        &format!(
            "kind: existence\nlevel: fatal\nmessage: M\ntokens: {{ ppt: passport }}\n{examples}"
        ),
    );
    assert!(bad_level.contains("rules/level.yaml:2"), "{bad_level}");

    let stray_field = refusal(
        "rules/stray.yaml",
        &format!(
            "kind: capitals\nlevel: error\nmessage: M\ntokens: {{ ppt: passport }}\n{examples}"
        ),
    );
    assert!(
        stray_field.contains("a `capitals` rule does not read `tokens`"),
        "{stray_field}"
    );
}

#[test]
fn a_message_carries_findings_that_point_into_its_text_with_provenance() {
    let library = note_library(GOOD_SUBJECT);
    let request = note_request(
        "Spoke to cust by tel on 1/2/2024. Please send your ppt.",
        "AB123456C",
    );
    let message = build_message(&library, &request).unwrap();
    let rules: Vec<&str> = message.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        rules,
        vec!["case-note", "case-note", "date-format", "abbreviation"],
        "{:#?}",
        message.findings
    );
    for finding in &message.findings {
        assert_eq!(finding.field, Field::Body);
        assert_eq!(finding.source, SourceKind::FreeText);
        assert_eq!(finding.severity, Severity::Error);
        let line = message.text.lines().nth(finding.line - 1).unwrap();
        let at: String = line.chars().skip(finding.column - 1).collect();
        assert!(at.starts_with(&finding.text), "{finding:?} in {line:?}");
    }
    let abbreviation = &message.findings[3];
    assert_eq!(abbreviation.text, "ppt");
    assert_eq!(abbreviation.suggestion.as_deref(), Some("passport"));
    // The reference AB123456C and the postcode CF10 1AA are placeholder values, not shouting;
    // the CSMT subject is well formed.
    assert!(message.findings.iter().all(|f| f.rule != "all-caps"));
    assert_eq!(
        message.subject.as_deref(),
        Some("HM Passport Office Enquiries SB")
    );

    let json = serde_json::to_value(&message).unwrap();
    let first = &json["findings"][0];
    assert_eq!(first["rule"], "case-note");
    assert_eq!(first["source"], "free_text");
    assert_eq!(first["field"], "body");
    assert_eq!(first["text"], "cust");
}

#[test]
fn capitals_typed_as_free_text_are_flagged_but_codes_in_placeholders_are_not() {
    let library = note_library(GOOD_SUBJECT);
    let message = build_message(
        &library,
        &note_request("Please reply to us SOON about CF10 1AA.", "1234567890"),
    )
    .unwrap();
    let caps: Vec<&str> = message
        .findings
        .iter()
        .filter(|f| f.rule == "all-caps")
        .map(|f| f.text.as_str())
        .collect();
    assert_eq!(caps, vec!["SOON", "CF10", "1AA"]);
}

#[test]
fn a_csmt_subject_out_of_format_is_flagged_in_the_subject() {
    let library = note_library(
        "subject.csmt: { en: \"HM Passport Office Enquiry {staff.initials} {customer.last_name}\" }\n",
    );
    let message = build_message(&library, &note_request("All is well.", "1234567890")).unwrap();
    let subject: Vec<(&str, &str, usize)> = message
        .findings
        .iter()
        .filter(|f| f.field == Field::Subject)
        .map(|f| (f.rule.as_str(), f.text.as_str(), f.column))
        .collect();
    assert_eq!(
        subject,
        vec![
            ("subject-format", "HM Passport Office Enquiry SB Jones", 1),
            ("subject-customer-details", "Jones", 31),
        ]
    );
    let format = message
        .findings
        .iter()
        .find(|f| f.rule == "subject-format")
        .unwrap();
    assert_eq!(
        format.suggestion.as_deref(),
        Some("HM Passport Office Enquiries SB")
    );
}

#[test]
fn a_required_paragraph_that_was_altered_shows_the_difference() {
    let award = "It is HM Passport Office policy to reimburse reasonable out of pocket expenses, incurred by customers as a direct consequence of clear operational errors or omissions by its staff, by means of an ex-gratia payment. It is not our normal policy to make compensation payments for loss of enjoyment, distress or inconvenience arising from such errors.";
    let altered = award.replace("reimburse reasonable", "repay reasonable");
    let phrases = format!(
        "award.policy:\n  en: \"{altered}\"\naward.intro:\n  en: We have looked at your claim.\n"
    );
    let spec =
        "name: Award\npurpose: Award.\nchannels: [letter]\nrequired_paragraphs: [award.policy]\n";
    let body = "{{ phrase(id=\"award.intro\") }}\n\n{{ phrase(id=\"award.policy\") }}\n";
    let library = library_with(&[
        ("phrases/award.yaml", &phrases),
        ("templates/award.yaml", spec),
        ("templates/award.tera", body),
    ]);
    let yaml = "channel: letter\ncustomer: { first_name: A, last_name: B, address: [1 High Street, Cardiff, CF10 1AA] }\nstaff: { first_name: Sam, initials: SB, office: Durham }\nparts: [{ template: award }]\n";
    let message = build_message(&library, &parse_request(yaml, "test").unwrap()).unwrap();
    let finding = message
        .findings
        .iter()
        .find(|f| f.rule == "required-paragraph")
        .expect("the altered paragraph is found");
    assert_eq!(finding.line, 5);
    assert_eq!(finding.column, 1);
    assert!(
        finding
            .message
            .contains("after “to”: [-reimburse-]{+repay+}"),
        "{}",
        finding.message
    );
    assert_eq!(finding.suggestion.as_deref(), Some(award));
    assert_eq!(finding.source, SourceKind::Phrase);
    assert_eq!(finding.phrase.as_deref(), Some("award.policy"));

    // The same defect is a library defect of the phrase itself.
    let phrase = library.phrase("award.policy").unwrap();
    let own = lint_phrase(&library, phrase, Language::En, false);
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].rule, "required-paragraph");
}

#[test]
fn the_shipped_library_lints_clean_and_a_planted_bad_phrase_is_reported() {
    let library = shipped();
    let report = check_library(&library);
    let lint_errors: Vec<&String> = report
        .errors
        .iter()
        .filter(|e| {
            library
                .rules
                .rules
                .iter()
                .any(|r| e.contains(&format!("[{}]", r.id)))
                || e.contains("rules/")
        })
        .collect();
    assert!(lint_errors.is_empty(), "{lint_errors:#?}");
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);

    let dir = tempfile::tempdir().unwrap();
    for folder in ["phrases", "templates", "rules"] {
        copy_dir(&repo().join(folder), &dir.path().join(folder));
    }
    let planted = dir.path().join("phrases/planted.yaml");
    std::fs::write(
        &planted,
        "# planted\nphoto.planted:\n  en: We think your ppt is fraudulent.\n  cy: Rydym yn meddwl bod eich pasbort yn dwyllodrus.\n",
    )
    .unwrap();
    let library = Library::load(dir.path()).unwrap();
    let report = check_library(&library);
    let file = planted.display().to_string();
    let about_planted: Vec<&String> = report
        .errors
        .iter()
        .filter(|e| e.contains("breaks the house style"))
        .collect();
    assert_eq!(about_planted.len(), 2, "{:#?}", report.errors);
    assert!(about_planted[0].starts_with(&format!("{file}:2: phrase `photo.planted` (en)")));
    assert!(
        about_planted
            .iter()
            .any(|e| e.contains("[abbreviation] in “ppt”"))
    );
    assert!(
        about_planted
            .iter()
            .any(|e| e.contains("[public-protection] in “fraudulent”"))
    );
}

fn comms(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_comms"))
        .args(["--library", env!("CARGO_MANIFEST_DIR")])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

#[test]
fn comms_lint_reports_lines_json_and_exit_status() {
    let clean = comms(&["lint", "-"], b"We need a new photo of you.\n");
    assert_eq!(clean.status.code(), Some(0));
    assert!(clean.stdout.is_empty());

    let bad = comms(
        &["lint"],
        "Dear customer,\n\nPlease send your doc’s by 1/2/2024.\n".as_bytes(),
    );
    assert_eq!(bad.status.code(), Some(1));
    let out = String::from_utf8(bad.stdout).unwrap();
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec![
            "<stdin>:3:18: error: Write the word in full; customers may not know what the abbreviation means. [abbreviation] “doc’s” → documents",
            "<stdin>:3:27: error: Write dates as DD Month YYYY, for example 01 February 2024. [date-format] “1/2/2024” → DD Month YYYY, for example 01 February 2024",
        ]
    );

    let json = comms(&["lint", "--format", "json"], b"Please send it NOW.");
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let finding = &value["findings"][0];
    assert_eq!(finding["rule"], "all-caps");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["line"], 1);
    assert_eq!(finding["column"], 16);
    assert_eq!(finding["text"], "NOW");
    assert_eq!(finding["suggestion"], "Now");
    assert_eq!(finding["source"], "free_text");

    let empty = comms(&["lint", "--format", "json"], b"");
    assert_eq!(empty.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&empty.stdout).unwrap();
    assert_eq!(value["findings"], serde_json::json!([]));
}

#[test]
fn comms_lint_answers_awkward_input_or_says_why_not() {
    let invalid = comms(&["lint", "-"], b"Good \xff\xfe text");
    assert_eq!(invalid.status.code(), Some(2));
    let err = String::from_utf8(invalid.stderr).unwrap();
    assert!(
        err.contains("<stdin>: not UTF-8 text (invalid byte at offset 5)"),
        "{err}"
    );

    let binary = comms(&["lint", "-"], b"\x00\x01\x02 ppt \x00");
    assert_eq!(binary.status.code(), Some(1));
    assert!(
        String::from_utf8(binary.stdout)
            .unwrap()
            .contains("[abbreviation] “ppt”")
    );

    // 10 MB on one line, with a breach at the very end.
    let mut long = "We need a new photo of you. ".repeat(10 * 1024 * 1024 / 28);
    long.push_str("Send your ppt.");
    let big = comms(&["lint", "--format", "json"], long.as_bytes());
    assert_eq!(big.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&big.stdout).unwrap();
    let findings: Vec<&serde_json::Value> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["line"], 1);
    assert_eq!(
        findings[0]["column"].as_u64().unwrap() as usize,
        long.chars().count() - 3
    );

    let missing = comms(&["lint", "/no/such/file.txt"], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("/no/such/file.txt: cannot read")
    );

    let no_guidance = comms(&["lint", "--guidance", "/no/such/folder", "-"], b"x");
    assert_eq!(no_guidance.status.code(), Some(2));
    assert!(
        String::from_utf8(no_guidance.stderr)
            .unwrap()
            .contains("--guidance /no/such/folder: cannot read the folder")
    );
}

#[test]
fn comms_lint_finds_text_copied_from_the_guidance() {
    let shared = repo().join("../shared/guidance");
    let guidance = if shared.is_dir() {
        shared
    } else {
        repo().join("tests/fixtures/guidance")
    };
    let copied = "Thank you. Before contacting a customer, you must check the application and case notes to see if the customer has told us about any times.";
    let out = comms(
        &[
            "lint",
            "--format",
            "json",
            "--guidance",
            guidance.to_str().unwrap(),
            "-",
        ],
        copied.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let copies: Vec<&serde_json::Value> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "guidance-copy")
        .collect();
    assert_eq!(copies.len(), 1, "{value:#}");
    assert_eq!(copies[0]["column"], 12);
    assert_eq!(
        copies[0]["text"],
        "Before contacting a customer, you must check the application and case notes to see if the customer has told us about any times"
    );

    let own_words = comms(
        &["lint", "--guidance", guidance.to_str().unwrap(), "-"],
        b"We will check your application and write to you when we have finished.",
    );
    assert_eq!(own_words.status.code(), Some(0));

    // Without --guidance there is nothing to compare with.
    let without = comms(&["lint", "-"], copied.as_bytes());
    assert!(
        !String::from_utf8(without.stdout)
            .unwrap()
            .contains("[guidance-copy]")
    );
}

#[test]
fn comms_render_json_includes_findings() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("rules"), &dir.path().join("rules"));
    std::fs::create_dir_all(dir.path().join("phrases")).unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    for (path, text) in [
        ("phrases/common.yaml", STRUCTURAL_PHRASES),
        ("phrases/note.yaml", NOTE_PHRASES),
        ("phrases/subject.yaml", GOOD_SUBJECT),
        ("templates/note.yaml", NOTE_SPEC),
        ("templates/note.tera", NOTE_BODY),
    ] {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    let request = dir.path().join("request.json");
    let json = serde_json::to_string(&note_request("Send your ppt.", "1234567890")).unwrap();
    std::fs::write(&request, json).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_comms"))
        .args(["--library", dir.path().to_str().unwrap()])
        .args(["render", "--format", "json", request.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = value["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "abbreviation");
    assert_eq!(findings[0]["text"], "ppt");
    let line = value["text"]
        .as_str()
        .unwrap()
        .lines()
        .nth(findings[0]["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    assert_eq!(line, "Send your ppt.");
    assert_eq!(findings[0]["column"], 11);
}

/// The body of a composed message is read line by line for the rules whose matches stay
/// within a line, with the lines of approved wording remembered. That must find exactly what
/// reading the whole body finds, the first time and from memory, for every case of the
/// library and for free text full of breaches, some of them split across lines.
#[test]
fn reading_line_by_line_finds_what_reading_whole_finds() {
    use comms::lint::{lint_document, lint_document_whole};
    let library = shipped();
    let runs = comms::cases::case_runs(&library);
    library.rules.forget_lines();
    for pass in ["first", "remembered"] {
        for run in &runs {
            let Ok(document) = comms::compose::compose(&library, &run.request) else {
                continue;
            };
            assert_eq!(
                lint_document(&library, &document),
                lint_document_whole(&library, &document),
                "{} ({pass})",
                run.name()
            );
        }
    }
    let remembered = library.rules.remembered_lines();
    assert!(remembered > 50, "{remembered} lines remembered");

    let library = note_library(GOOD_SUBJECT);
    let awkward = [
        "Spoke to cust by tel on 1/2/2024. Please send your ppt ASAP.",
        "We received it on 1st\nFebruary 2024, from HMPO.",
        "Send **both**\nphotos to the info desk SOON.\n\nThe GOV.UK page says so.",
        "McDONALD and HMpo and proof of identity, e.g. a passport, eg a licence.",
        "Dear Mrs Jones,\n\nWe need a new photo of you ASAP.",
    ];
    for details in awkward {
        let document =
            comms::compose::compose(&library, &note_request(details, "AB123456C")).unwrap();
        for pass in ["first", "remembered"] {
            let lined = lint_document(&library, &document);
            assert_eq!(
                lined,
                lint_document_whole(&library, &document),
                "{details:?} ({pass})"
            );
            assert!(!lined.is_empty(), "{details:?} has breaches");
        }
    }
    // Dates may be split by a line break (`\s+`), so their patterns read a paragraph at a
    // time; the patterns for placeholders left unfilled stay within a line.
    let within_line = |id: &str| match &library.rules.get(id).unwrap().kind {
        comms::lint::Kind::Existence(existence) => existence.patterns_within_line,
        _ => unreachable!("{id} is an existence rule"),
    };
    assert!(!within_line("date-format") && !within_line("formatting"));
    assert!(within_line("unfilled-placeholder"));
}

/// A pattern that may cross a line break still never runs across a blank line: each
/// paragraph is read on its own, the same way whether the text is a message or posted text.
#[test]
fn no_pattern_matches_across_a_blank_line() {
    let library = shipped();
    let dates = |text: &str| -> Vec<String> {
        comms::lint::lint_text(&library.rules, text)
            .into_iter()
            .filter(|finding| finding.rule == "date-format")
            .map(|finding| format!("{}:{} {}", finding.line, finding.column, finding.text))
            .collect()
    };
    assert_eq!(dates("We got it on 1st\nFebruary."), ["1:14 1st\nFebruary"]);
    assert!(dates("We got it on 1st\n\nFebruary.").is_empty());
    assert_eq!(
        dates("Sent on 1st\n\nFebruary.\n\nOn Feb 3\nwe wrote."),
        ["5:4 Feb 3"]
    );
    let library = note_library(GOOD_SUBJECT);
    for details in ["It came on 1st\n\nFebruary.", "It came on 1st\nFebruary."] {
        let document =
            comms::compose::compose(&library, &note_request(details, "AB123456C")).unwrap();
        let lined = comms::lint::lint_document(&library, &document);
        assert_eq!(lined, comms::lint::lint_document_whole(&library, &document));
        let flagged = lined.iter().any(|finding| finding.rule == "date-format");
        assert_eq!(flagged, !details.contains("\n\n"), "{details:?}");
    }
}

/// Case-sensitive word lists share one case-blind scan with the others; a match counts only
/// in the token's own case.
#[test]
fn case_sensitive_tokens_match_only_in_their_case() {
    let library = shipped();
    let jargon = |text: &str| -> Vec<String> {
        comms::lint::lint_text(&library.rules, text)
            .into_iter()
            .filter(|finding| finding.rule == "jargon")
            .map(|finding| finding.text)
            .collect()
    };
    assert_eq!(jargon("Ask CSMT or the TP, not csmt."), ["CSMT", "TP"]);
    assert!(jargon("Ask csmt, Csmt or the tp.").is_empty());
    // A case-blind word list still matches in any case beside them.
    let words: Vec<String> = comms::lint::lint_text(&library.rules, "Send your PPT and CSMT.")
        .into_iter()
        .filter(|finding| finding.rule != "all-caps")
        .map(|finding| format!("{} {}", finding.rule, finding.text))
        .collect();
    assert_eq!(words, ["abbreviation PPT", "jargon CSMT"]);
}
