//! Email end to end: HTML and MIME from composed requests, and sending to a real SMTP server
//! (the `mailin` protocol engine) on a loopback port, checking the bytes it receives.

#[path = "support/smtp_server.rs"]
mod smtp_server;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use comms::library::Library;
use comms::message::{Message, build_message};
use comms::render::email::{self, EmailError, EmailSettings};
use comms::request::{Request, parse_request};
use comms::send::config::{Credentials, RetryPolicy, Security, SmtpConfig};
use comms::send::{self, Delivery, Refusal, SendError};
use smtp_server::{Behaviour, SmtpServer};

const TEST_PHRASES: &str = r#"
csmt.thanks:
  en: Thank you for contacting His Majesty’s Passport Office.
  cy: Diolch am gysylltu â Swyddfa Pasbort Ei Fawrhydi.
csmt.more-information:
  en: "Please reply to CustomerServiceManagementTeam@hmpo.gov.uk and quote the reference 323000 in the subject. See https://www.gov.uk/contact-hm-passport-office."
  cy: "Atebwch CustomerServiceManagementTeam@hmpo.gov.uk a dyfynnwch y cyfeirnod 323000 yn y pwnc."
subject.welsh-test:
  en: "Your photo: what’s next"
  cy: "Eich llun: beth sy’n digwydd nesaf â’ch cais"
note.intro:
  en: "A note from your examiner:"
  cy: "Nodyn gan eich archwiliwr:"
"#;

const CSMT_TEMPLATE: &str = r#"
name: CSMT more information
purpose: Ask the customer for more information in the CSMT house format.
channels: [email]
asks_for_reply: true
house_format: csmt
questions: []
cases:
  - name: plain
    answers: {}
"#;

const CSMT_BODY: &str = r#"{{ phrase(id="csmt.thanks") }}

{{ phrase(id="csmt.more-information") }}
"#;

const NOTE_TEMPLATE: &str = r#"
name: Note
purpose: A note typed by the examiner.
channels: [email]
subject: subject.welsh-test
questions:
  - id: note
    label: Your note
    kind: free_text
    required: true
cases:
  - name: plain
    answers: { note: "Please send it soon." }
"#;

const NOTE_BODY: &str = r#"{{ phrase(id="note.intro") }}

{{ free_text(question="note") }}
"#;

/// The shipped library plus two test templates: a CSMT one and one with free text.
fn library() -> Library {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<(String, String)> = Vec::new();
    for folder in ["phrases", "templates"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((
                format!("{folder}/{name}"),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    for (path, text) in [
        ("phrases/email-test.yaml", TEST_PHRASES),
        ("templates/csmt-more-info.yaml", CSMT_TEMPLATE),
        ("templates/csmt-more-info.tera", CSMT_BODY),
        ("templates/note.yaml", NOTE_TEMPLATE),
        ("templates/note.tera", NOTE_BODY),
    ] {
        files.push((path.to_string(), text.to_string()));
    }
    let sources: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    Library::from_sources(&sources).unwrap_or_else(|errors| panic!("test library: {errors}"))
}

fn request(language: &str, template: &str, answers: &str) -> Request {
    let yaml = format!(
        r#"
channel: email
language: {language}
at: 2026-11-23T10:15:00Z
customer:
  title: Mrs
  first_name: Siân
  last_name: Jones
  email: sian.jones@example.com
staff:
  first_name: Sam
  initials: SB
  office: Durham
application:
  reference: "1234567890"
parts:
  - template: {template}
    answers: {answers}
"#
    );
    parse_request(&yaml, "test.yaml").unwrap()
}

fn photo_request(language: &str) -> Request {
    request(
        language,
        "request-new-photo",
        "{ reasons: [shadows, glare] }",
    )
}

fn message(library: &Library, request: &Request) -> Message {
    build_message(library, request).unwrap_or_else(|err| panic!("compose: {err}"))
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()
}

fn smtp(server: &SmtpServer) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(server.addr.port()),
        security: Security::None,
        timeout: Duration::from_secs(10),
        hello_name: Some("comms.test".into()),
    }
}

fn quick_retry(give_up_after: Duration) -> RetryPolicy {
    RetryPolicy {
        give_up_after,
        first_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(80),
    }
}

async fn send_to(
    server: &SmtpServer,
    retry: RetryPolicy,
    email: &email::Email,
) -> (Result<Delivery, SendError>, u32) {
    let mut retries = 0;
    let outcome = send::send(&smtp(server), &retry, None, email, |_| retries += 1).await;
    (outcome, retries)
}

/// The value of header `name`, unfolded, with RFC 2047 `=?utf-8?b?...?=` words decoded.
fn decode_header(headers: &str, name: &str) -> String {
    let prefix = format!("{name}: ");
    let mut lines = headers
        .split("\r\n")
        .skip_while(|line| !line.starts_with(&prefix));
    let mut value = lines.next().unwrap()[prefix.len()..].to_string();
    for line in lines.take_while(|line| line.starts_with(' ')) {
        value.push_str(line);
    }
    let mut out = String::new();
    for (index, word) in value.split(' ').enumerate() {
        let decoded = match word
            .strip_prefix("=?utf-8?b?")
            .and_then(|rest| rest.strip_suffix("?="))
        {
            Some(encoded) => String::from_utf8(decode_base64(encoded)).unwrap(),
            None => word.to_string(),
        };
        if index > 0 {
            out.push(' ');
        }
        out.push_str(&decoded);
    }
    out
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|byte| *byte != b'=') {
        let value = ALPHABET.iter().position(|c| *c == byte).unwrap() as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// The header block and the decoded bodies of the two parts of a received message.
fn split_message(raw: &str) -> (String, String, String) {
    let (headers, body) = raw.split_once("\r\n\r\n").unwrap();
    let boundary = headers
        .split("boundary=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let parts: Vec<&str> = body.split(&format!("--{boundary}")).collect();
    assert_eq!(parts.len(), 4, "preamble, two parts, closing: {body}");
    assert!(parts[3].starts_with("--"), "closing boundary");
    let decode = |part: &str, kind: &str| {
        let (part_headers, content) = part
            .trim_start_matches("\r\n")
            .split_once("\r\n\r\n")
            .unwrap();
        assert!(
            part_headers.contains(&format!("Content-Type: {kind}; charset=utf-8")),
            "{part_headers}"
        );
        assert!(
            part_headers.contains("Content-Transfer-Encoding: base64"),
            "{part_headers}"
        );
        String::from_utf8(decode_base64(&content.replace("\r\n", ""))).unwrap()
    };
    (
        headers.to_string(),
        decode(parts[1], "text/plain"),
        decode(parts[2], "text/html"),
    )
}

#[tokio::test]
async fn welsh_email_arrives_with_every_part() {
    let library = library();
    let server = SmtpServer::start(Behaviour::Accept);
    let message = message(
        &library,
        &request("cy", "note", "{ note: \"Anfonwch e’n fuan.\" }"),
    );
    let email = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap();
    let (outcome, retries) = send_to(&server, quick_retry(Duration::from_secs(5)), &email).await;
    let delivery = outcome.unwrap();
    assert_eq!((delivery.attempts, retries), (1, 0));
    assert!(delivery.reply.starts_with("250"), "{}", delivery.reply);
    assert_eq!(delivery.message_id, email.message_id);

    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "noreply@hmpo.gov.uk");
    assert_eq!(received[0].to, vec!["sian.jones@example.com".to_string()]);
    let raw = received[0].text();
    let (headers, text, html) = split_message(&raw);

    assert!(
        headers.contains("From: \"Swyddfa Pasbort EF\" <noreply@hmpo.gov.uk>\r\n"),
        "{headers}"
    );
    // The display name "Mrs Siân Jones" and the Welsh subject are RFC 2047 encoded UTF-8.
    assert!(
        headers.contains("To: =?utf-8?b?TXJzIFNpw6JuIEpvbmVz?= <sian.jones@example.com>\r\n"),
        "{headers}"
    );
    let subject = decode_header(&headers, "Subject");
    assert_eq!(subject, "Eich llun: beth sy’n digwydd nesaf â’ch cais");
    assert_eq!(subject, email.subject);
    assert!(
        headers.contains("Subject: Eich llun: beth =?utf-8?b?"),
        "{headers}"
    );
    assert!(
        !headers.contains("beth sy’n"),
        "raw UTF-8 in a header: {headers}"
    );
    assert!(
        headers.contains("Date: Mon, 23 Nov 2026 10:15:00 +0000\r\n"),
        "{headers}"
    );
    assert!(
        headers.contains(&format!("Message-ID: {}\r\n", email.message_id)),
        "{headers}"
    );
    assert!(headers.contains("Content-Language: cy\r\n"), "{headers}");
    assert!(headers.contains("MIME-Version: 1.0\r\n"), "{headers}");
    assert!(
        headers.contains("Content-Type: multipart/alternative;"),
        "{headers}"
    );
    assert!(!headers.contains("Reply-To"), "{headers}");

    assert!(
        text.starts_with("Annwyl Mrs Jones,\r\n\r\nNodyn gan eich archwiliwr:"),
        "{text}"
    );
    assert!(text.contains("Anfonwch e’n fuan."), "{text}");
    assert!(
        text.contains("Yn gywir,\r\nSam\r\nSwyddfa Pasbort EF"),
        "{text}"
    );
    assert!(html.contains("<html lang=\"cy\">"), "{html}");
    assert!(
        html.contains("<title>Eich llun: beth sy’n digwydd nesaf â’ch cais</title>"),
        "{html}"
    );
    assert!(html.contains("Anfonwch e’n fuan."), "{html}");
    assert!(
        html.contains("font-family:Arial, 'Liberation Sans', sans-serif;font-size:12pt;"),
        "{html}"
    );
}

#[tokio::test]
async fn csmt_email_comes_from_the_csmt_address_with_the_reply_address() {
    let library = library();
    let server = SmtpServer::start(Behaviour::Accept);
    let message = message(&library, &request("en", "csmt-more-info", "{}"));
    assert_eq!(
        message.subject.as_deref(),
        Some("HM Passport Office Enquiries SB")
    );
    let email = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap();
    send_to(&server, quick_retry(Duration::from_secs(5)), &email)
        .await
        .0
        .unwrap();
    let received = server.received();
    assert_eq!(received[0].from, "noreplycsmt@hmpo.gov.uk");
    let (headers, text, html) = split_message(&received[0].text());
    assert!(
        headers.contains("From: \"HM Passport Office\" <noreplycsmt@hmpo.gov.uk>\r\n"),
        "{headers}"
    );
    assert!(
        headers.contains("Reply-To: CustomerServiceManagementTeam@hmpo.gov.uk\r\n"),
        "{headers}"
    );
    assert!(
        headers.contains("Subject: HM Passport Office Enquiries SB\r\n"),
        "{headers}"
    );
    assert!(
        text.contains("Thank you for contacting His Majesty’s Passport Office."),
        "{text}"
    );
    assert!(
        text.contains("quote the reference 323000 in the subject"),
        "{text}"
    );
    assert!(
        html.contains(
            "<a href=\"https://www.gov.uk/contact-hm-passport-office\" style=\"color:#0000ff;"
        ),
        "{html}"
    );
}

#[test]
fn shipped_csmt_templates_use_the_house_format() {
    let library = library();
    let further = message(
        &library,
        &request(
            "en",
            "csmt-request-further-information",
            "{ acknowledgement: enquiry, information_needed: \"Please tell us your passport number.\" }",
        ),
    );
    let email = email::render(
        &library,
        &further.document,
        &EmailSettings::default(),
        now(),
    )
    .unwrap();
    let raw = String::from_utf8(email.mime).unwrap();
    assert!(
        raw.contains("From: \"HM Passport Office\" <noreplycsmt@hmpo.gov.uk>\r\n"),
        "{raw}"
    );
    assert!(
        raw.contains("Subject: HM Passport Office Enquiries SB\r\n"),
        "{raw}"
    );
    assert!(
        raw.contains("Reply-To: CustomerServiceManagementTeam@hmpo.gov.uk\r\n"),
        "{raw}"
    );
    assert!(
        email
            .html
            .contains("<a href=\"mailto:CustomerServiceManagementTeam@hmpo.gov.uk\""),
        "{}",
        email.html
    );
    assert!(email.text.contains("323000"), "{}", email.text);

    let reply = message(
        &library,
        &request(
            "en",
            "csmt-enquiry-reply",
            "{ acknowledgement: contacting, answer: \"Your passport is on its way.\" }",
        ),
    );
    let email = email::render(&library, &reply.document, &EmailSettings::default(), now()).unwrap();
    let raw = String::from_utf8(email.mime).unwrap();
    assert!(raw.contains("<noreplycsmt@hmpo.gov.uk>\r\n"), "{raw}");
    assert!(
        !raw.contains("Reply-To"),
        "no further information asked: {raw}"
    );
}

#[test]
fn sender_addresses_are_configuration() {
    let library = library();
    let message = message(&library, &request("en", "csmt-more-info", "{}"));
    let mut settings = EmailSettings::default();
    settings.csmt_from.address = "csmt-test@example.gov.uk".into();
    settings.csmt_from.name = "CSMT Test".into();
    settings.csmt_reply_to = "replies@example.gov.uk".into();
    let email = email::render(&library, &message.document, &settings, now()).unwrap();
    let raw = String::from_utf8(email.mime).unwrap();
    assert!(
        raw.contains("From: \"CSMT Test\" <csmt-test@example.gov.uk>\r\n"),
        "{raw}"
    );
    assert!(
        raw.contains("Reply-To: replies@example.gov.uk\r\n"),
        "{raw}"
    );
    settings.csmt_reply_to = "not an address".into();
    let err = email::render(&library, &message.document, &settings, now()).unwrap_err();
    assert!(err.to_string().contains("csmt_reply_to"), "{err}");
}

#[tokio::test]
async fn temporary_failures_are_retried_until_accepted() {
    let library = library();
    let server = SmtpServer::start(Behaviour::TemporaryFailures(2));
    let message = message(&library, &photo_request("en"));
    let email = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap();
    let (outcome, retries) = send_to(&server, quick_retry(Duration::from_secs(10)), &email).await;
    let delivery = outcome.unwrap();
    assert_eq!((delivery.attempts, retries), (3, 2));
    assert_eq!(server.attempts(), 3);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn retrying_stops_when_the_retry_time_runs_out() {
    let library = library();
    let server = SmtpServer::start(Behaviour::TemporaryFailures(u32::MAX));
    let message = message(&library, &photo_request("en"));
    let email = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap();
    let (outcome, retries) =
        send_to(&server, quick_retry(Duration::from_millis(300)), &email).await;
    let err = outcome.unwrap_err();
    let SendError::GaveUp {
        last_error,
        attempts,
        ..
    } = &err
    else {
        panic!("expected to give up, got {err:?}");
    };
    assert!(*attempts >= 3, "{err}");
    assert_eq!(retries + 1, *attempts);
    assert!(last_error.contains("451"), "{err}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_permanent_refusal_is_reported_with_the_server_reply() {
    let library = library();
    let server = SmtpServer::start(Behaviour::Refuse);
    let message = message(&library, &photo_request("en"));
    let email = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap();
    let (outcome, retries) = send_to(&server, quick_retry(Duration::from_secs(5)), &email).await;
    let err = outcome.unwrap_err();
    assert_eq!(retries, 0);
    let SendError::Permanent { reply, attempts } = &err else {
        panic!("expected a permanent failure, got {err:?}");
    };
    assert_eq!(*attempts, 1);
    assert!(
        reply.contains("550") && reply.contains("Mailbox unavailable"),
        "{reply}"
    );
    assert!(
        err.to_string().starts_with("not sent: the server refused"),
        "{err}"
    );
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn an_unreachable_server_is_not_reported_as_sent() {
    let library = library();
    let message = message(&library, &photo_request("en"));
    let email = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap();
    // A port that was free a moment ago and has nothing listening now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let smtp = SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: Security::None,
        timeout: Duration::from_secs(10),
        hello_name: None,
    };
    let err = send::send(
        &smtp,
        &quick_retry(Duration::from_millis(200)),
        None,
        &email,
        |_| {},
    )
    .await
    .unwrap_err();
    let SendError::GaveUp {
        last_error,
        attempts,
        ..
    } = &err
    else {
        panic!("expected to give up, got {err:?}");
    };
    assert!(*attempts >= 2, "{err}");
    assert!(
        last_error.contains(&format!("cannot connect to 127.0.0.1:{port}")),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_closing_mid_message_is_not_reported_as_sent() {
    let library = library();
    let server = SmtpServer::start(Behaviour::CloseMidMessage);
    let message = message(&library, &photo_request("en"));
    let email = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap();
    let (outcome, retries) =
        send_to(&server, quick_retry(Duration::from_millis(300)), &email).await;
    let err = outcome.unwrap_err();
    assert!(matches!(err, SendError::GaveUp { .. }), "{err:?}");
    assert!(retries >= 1);
    assert!(server.received().is_empty());
    assert_eq!(
        server.attempts(),
        0,
        "the server never saw the end of the message"
    );
}

#[test]
fn a_message_with_error_findings_is_never_sent() {
    let library = library();
    let mut request = photo_request("en");
    request.customer.email = Some("sian.jones@example".into());
    let message = message(&library, &request);
    let refusal = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap_err();
    let Refusal::Findings(findings) = &refusal else {
        panic!("expected findings, got {refusal:?}");
    };
    assert_eq!(findings[0].rule, "email-recipient");
    assert!(findings[0].message.contains("incomplete"), "{refusal}");
}

#[test]
fn recipient_checks_warn_on_typos_and_refuse_lists() {
    let library = library();
    let mut request = photo_request("en");
    request.customer.email = Some("sian.jones@gmial.com".into());
    let findings = message(&library, &request).findings;
    let typo = findings
        .iter()
        .find(|finding| finding.rule == "email-recipient")
        .unwrap();
    assert_eq!(typo.severity, comms::lint::Severity::Warning);
    assert!(
        typo.message.contains("did you mean gmail.com?"),
        "{}",
        typo.message
    );
    // A warning does not stop the email, and the address is not changed.
    let email = send::prepare(
        &library,
        &message(&library, &request),
        &EmailSettings::default(),
        now(),
    )
    .unwrap();
    assert_eq!(email.to.to_string(), "sian.jones@gmial.com");

    request.customer.email = Some("sian@example.com; tom@example.com".into());
    let findings = message(&library, &request).findings;
    assert!(
        findings
            .iter()
            .any(|finding| finding.severity == comms::lint::Severity::Error
                && finding.message.contains("more than one address"))
    );
}

/// Puts a value into one field of a request.
type SetRequest = fn(&mut Request, &str);
/// Puts a value into one field of the email settings.
type SetSettings = fn(&mut EmailSettings, &str);

#[test]
fn header_injection_is_refused_in_every_header_field() {
    let library = library();
    let injection = "x\r\nBcc: victim@example.net";
    // Request fields that reach a header are refused when the request is composed.
    let setters: [(&str, SetRequest); 5] = [
        ("customer.title", |r, v| r.customer.title = Some(v.into())),
        ("customer.first_name", |r, v| {
            r.customer.first_name = v.into()
        }),
        ("customer.last_name", |r, v| r.customer.last_name = v.into()),
        ("customer.email", |r, v| {
            r.customer.email = Some(format!("a@example.com{v}"))
        }),
        ("staff.initials", |r, v| r.staff.initials = v.into()),
    ];
    for (field, set) in setters {
        let mut request = request("en", "csmt-more-info", "{}");
        set(&mut request, injection);
        let err = build_message(&library, &request).unwrap_err().to_string();
        assert!(
            err.contains(field) && err.contains("line break"),
            "{field}: {err}"
        );
    }
    // Values that skip compose (settings, or a document built elsewhere) are refused when
    // the MIME message is built.
    let message = message(&library, &request("en", "csmt-more-info", "{}"));
    let settings_setters: [(&str, SetSettings); 4] = [
        ("sender name", |s, v| s.csmt_from.name = v.into()),
        ("from.address", |s, v| {
            s.csmt_from.address = format!("a@example.com{v}")
        }),
        ("csmt_reply_to", |s, v| {
            s.csmt_reply_to = format!("a@example.com{v}")
        }),
        ("sender name", |s, v| {
            s.csmt_from.name = format!("HMPO{}", v.replace("\r\n", "\n"))
        }),
    ];
    for (field, set) in settings_setters {
        let mut settings = EmailSettings::default();
        set(&mut settings, injection);
        let err = email::render(&library, &message.document, &settings, now()).unwrap_err();
        assert!(
            matches!(err, EmailError::HeaderInjection { .. }),
            "{field}: {err:?}"
        );
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
    let mut document = message.document.clone();
    document.recipient.full_name = format!("Siân{injection}");
    let err = email::render(&library, &document, &EmailSettings::default(), now()).unwrap_err();
    assert!(matches!(err, EmailError::HeaderInjection { .. }), "{err:?}");
    let mut document = message.document.clone();
    if let Some(subject) = document.subject.as_mut() {
        let text = format!("{}{injection}", subject.spans[0].text);
        subject.spans[0].text = text.into();
    }
    let err = email::render(&library, &document, &EmailSettings::default(), now()).unwrap_err();
    assert!(err.to_string().contains("subject"), "{err}");
}

#[test]
fn values_are_escaped_in_the_html() {
    let library = library();
    let mut request = request(
        "en",
        "note",
        "{ note: \"<script>alert(1)</script> [click](javascript:alert(2)) & more\" }",
    );
    request.customer.last_name = "<b>Jones</b>".into();
    let html = message(&library, &request).html.unwrap();
    assert!(
        html.contains("Dear Mrs &lt;b&gt;Jones&lt;/b&gt;,"),
        "{html}"
    );
    assert!(
        html.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt; [click](javascript:alert(2)) &amp; more"
        ),
        "{html}"
    );
    assert!(
        !html.contains("<script") && !html.contains("href=\"javascript"),
        "{html}"
    );
}

#[test]
fn large_print_is_14pt_and_letters_have_no_html() {
    let library = library();
    let mut request = photo_request("en");
    request.large_print = true;
    let html = message(&library, &request).html.unwrap();
    assert!(
        html.contains("font-size:14pt;") && !html.contains("font-size:12pt;"),
        "{html}"
    );
    request.channel = Some(comms::request::Channel::Letter);
    request.customer.address = vec!["1 High Street".into(), "Cardiff".into()];
    assert_eq!(message(&library, &request).html, None);
}

#[test]
fn html_snapshots_in_english_and_welsh() {
    let library = library();
    for language in ["en", "cy"] {
        let html = message(&library, &photo_request(language)).html.unwrap();
        insta::with_settings!({snapshot_path => "../snapshots/email", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("request-new-photo-{language}"), html);
        });
    }
}

fn comms(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_comms"));
    command
        .args(args)
        .arg("--library")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .env_remove("COMMS_SEND_CONFIG")
        .env_remove("COMMS_SMTP_USERNAME")
        .env_remove("COMMS_SMTP_PASSWORD");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn write_request(dir: &Path, email: &str) -> String {
    let path = dir.join("request.yaml");
    let yaml = format!(
        "channel: email\nlanguage: cy\nat: 2026-11-23T10:15:00Z\ncustomer: {{ title: Mrs, first_name: Siân, last_name: Jones, email: \"{email}\" }}\nstaff: {{ first_name: Sam, initials: SB }}\nparts:\n  - template: request-new-photo\n    answers: {{ reasons: [shadows] }}\n"
    );
    std::fs::write(&path, yaml).unwrap();
    path.display().to_string()
}

#[test]
fn render_eml_is_byte_identical_and_html_is_refused_for_letters() {
    let dir = tempfile::tempdir().unwrap();
    let request = write_request(dir.path(), "sian.jones@example.com");
    let first = comms(&["render", &request, "--format", "eml"], &[]);
    let second = comms(&["render", &request, "--format", "eml"], &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(first.stdout, second.stdout);
    let eml = String::from_utf8(first.stdout).unwrap();
    assert!(
        eml.contains("Date: Mon, 23 Nov 2026 10:15:00 +0000\r\n"),
        "{eml}"
    );

    let html = comms(&["render", &request, "--format", "html"], &[]);
    assert!(
        String::from_utf8_lossy(&html.stdout).starts_with("<!DOCTYPE html>\n<html lang=\"cy\">")
    );

    let letter = dir.path().join("letter.yaml");
    std::fs::write(
        &letter,
        std::fs::read_to_string(&request)
            .unwrap()
            .replace("channel: email", "channel: letter"),
    )
    .unwrap();
    let out = comms(
        &["render", letter.to_str().unwrap(), "--format", "html"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format html is for email"));
}

#[test]
fn comms_send_delivers_and_refuses_bad_addresses() {
    let server = SmtpServer::start(Behaviour::Accept);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("send.yaml");
    std::fs::write(
        &config,
        format!(
            "smtp:\n  host: 127.0.0.1\n  port: {}\n  security: none\nretry:\n  give_up_after: 1s\n  first_delay: 50ms\n  max_delay: 100ms\n",
            server.addr.port()
        ),
    )
    .unwrap();
    let config = config.display().to_string();

    let good = write_request(dir.path(), "sian.jones@example.com");
    let out = comms(&["send", &good, "--config", &config], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("sent <") && stdout.contains("250 2.0.0 Ok: queued"),
        "{stdout}"
    );
    assert_eq!(server.received().len(), 1);

    let bad = write_request(dir.path(), "sian.jones.example.com");
    let out = comms(&["send", &bad], &[("COMMS_SEND_CONFIG", &config)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no @"));
    assert_eq!(server.received().len(), 1, "nothing more was sent");

    let out = comms(
        &["send", &good, "--config", &config],
        &[("COMMS_SMTP_USERNAME", "u")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("COMMS_SMTP_PASSWORD is not"));

    let out = comms(&["send", &good], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no sending configuration"));
}

#[tokio::test]
async fn smtp_settings_that_could_carry_commands_are_refused_before_connecting() {
    let library = library();
    let server = SmtpServer::start(Behaviour::Accept);
    let message = message(&library, &photo_request("en"));
    let email = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap();
    let smtp = SmtpConfig {
        hello_name: Some("me\r\nRCPT TO:<victim@example.net>".into()),
        ..smtp(&server)
    };
    let err = send::send(
        &smtp,
        &quick_retry(Duration::from_secs(1)),
        None,
        &email,
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, SendError::Config(ref message) if message.contains("hello_name")),
        "{err:?}"
    );
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn credentials_the_server_cannot_take_are_a_permanent_failure() {
    let library = library();
    let server = SmtpServer::start(Behaviour::Accept);
    let message = message(&library, &photo_request("en"));
    let email = send::prepare(&library, &message, &EmailSettings::default(), now()).unwrap();
    let credentials = Credentials {
        username: "user".into(),
        password: "wrong".into(),
    };
    let err = send::send(
        &smtp(&server),
        &quick_retry(Duration::from_secs(5)),
        Some(&credentials),
        &email,
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, SendError::Permanent { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("wrong"), "{err}");
    assert!(server.received().is_empty());
}
