//! Email benchmarks: render one email (text, HTML and MIME) from a composed document, and send
//! 100 emails one after another to a real SMTP server on a loopback port.

#[path = "common/mod.rs"]
mod common;
#[path = "../tests/support/smtp_server.rs"]
mod smtp_server;

use std::time::{Duration, Instant};

use chrono::Utc;
use comms::message::build_message;
use comms::render::email::{self, EmailSettings};
use comms::request::parse_request;
use comms::send::config::{RetryPolicy, Security, SmtpConfig};
use smtp_server::{Behaviour, SmtpServer};

const REQUEST: &str = r#"
channel: email
language: cy
at: 2026-11-23T10:15:00Z
customer: { title: Mrs, first_name: Siân, last_name: Jones, email: sian.jones@example.com }
staff: { first_name: Sam, initials: SB, office: Durham }
application: { reference: "1234567890", service: fast_track }
parts:
  - template: request-new-photo
    answers: { reasons: [shadows, glare, expression, background, blurred] }
"#;

fn main() {
    comms::tune_allocator();
    let library = common::repo_library();
    let request = parse_request(REQUEST, "bench").expect("the benchmark request parses");
    let message = build_message(&library, &request).expect("the benchmark request composes");
    let settings = EmailSettings::default();
    let now = Utc::now();

    let (median, p99) = common::time_samples(5000, || {
        let email = email::render(&library, &message.document, &settings, now)
            .expect("the benchmark email renders");
        std::hint::black_box(email);
    });
    common::report(
        "render one email (text+HTML+MIME), median",
        median,
        Duration::from_micros(50),
    );
    println!("render one email, p99: {p99:?}");

    let (html_median, _) = common::time_samples(5000, || {
        std::hint::black_box(email::html::render(&message.document));
    });
    println!("  of which the HTML body, median: {html_median:?}");
    let (text_median, _) = common::time_samples(5000, || {
        std::hint::black_box(comms::render::text::render(&message.document));
    });
    println!("  of which the plain text, median: {text_median:?}");

    let email = email::render(&library, &message.document, &settings, now)
        .expect("the benchmark email renders");
    println!(
        "  message size: {} bytes, HTML {} bytes",
        email.mime.len(),
        email.html.len()
    );
    let server = SmtpServer::start(Behaviour::Accept);
    let smtp = SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(server.addr.port()),
        security: Security::None,
        timeout: Duration::from_secs(10),
        hello_name: Some("comms.bench".into()),
    };
    let retry = RetryPolicy::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let started = Instant::now();
    runtime.block_on(async {
        for _ in 0..100 {
            comms::send::send(&smtp, &retry, None, &email, |_| {})
                .await
                .expect("the loopback server accepts");
        }
    });
    let total = started.elapsed();
    assert_eq!(server.received().len(), 100);
    common::report(
        "send 100 emails to the loopback SMTP server, total",
        total,
        Duration::from_secs(1),
    );
}
