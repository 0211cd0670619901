//! Shared timing helpers for the benchmarks (plain `harness = false` binaries that print
//! their figures; run with `cargo bench`).

#![allow(dead_code)]

use std::time::{Duration, Instant};

/// Runs `f` `samples` times and returns the median and the 99th percentile.
pub fn time_samples(samples: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..samples.min(100) {
        f();
    }
    let mut times: Vec<Duration> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    (median, p99)
}

/// Prints one figure against its target: `name: value (target: ...)`, and whether it is met.
pub fn report(name: &str, value: Duration, target: Duration) {
    let verdict = if value <= target { "ok" } else { "OVER TARGET" };
    println!("{name}: {value:?} (target under {target:?}) {verdict}");
}

/// The library shipped in the repository.
pub fn repo_library() -> comms::library::Library {
    comms::library::Library::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect("the shipped library loads")
}

/// The guidance's own example of one email from three templates: a new photo, documents and
/// more information, for a Fast Track application.
pub const THREE_PARTS: &str = r#"
channel: email
language: en
at: 2026-11-23T10:15:00Z
customer: { title: Mrs, first_name: Siân, last_name: Jones, email: sian.jones@example.com }
staff: { first_name: Sam, initials: SB, office: Durham }
application: { reference: "1234567890", service: fast_track }
parts:
  - template: request-new-photo
    answers: { reasons: [shadows, glare] }
  - template: request-documents
    answers: { documents: [birth_certificate, previous_passport], reply_by: 2026-12-14 }
  - template: request-information
    answers: { needs: [name_change], details: "the town where you were born" }
"#;
