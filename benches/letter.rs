//! Letter benchmark: prints the time from composed document to PDF bytes for a two-page
//! letter (median and 99th percentile), its size, and the time for 1,000 different letters
//! rendered on two threads. Run with `cargo bench --bench letter`.

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use comms::compose::compose;
use comms::document::{Block, BlockKind, BlockRole, Document, Inline, Source, Span};
use comms::render::letter::{self, LetterSettings};
use comms::request::Request;

const REQUEST: &str = r#"
channel: letter
language: en
at: 2026-11-23T10:15:00Z
customer:
  title: Mrs
  first_name: Siân
  last_name: Jones
  address: ["1 High Street", "Cardiff", "CF10 1AA"]
staff: { first_name: Sam, initials: SB, office: Durham }
application: { reference: "1234567890", service: fast_track, paper: true }
parts:
  - template: request-new-photo
    answers: { reasons: [shadows, glare, expression, background, blurred] }
"#;

/// The composed letter with `extra` paragraphs of free text before the sign-off.
fn letter_with(base: &Document, extra: usize, seed: usize) -> Document {
    let mut document = base.clone();
    let at = document
        .blocks
        .iter()
        .position(|block| block.role == BlockRole::SignOff)
        .unwrap_or(document.blocks.len());
    for index in 0..extra {
        let text = format!(
            "Note {seed}-{index}: we looked at the documents you sent on {} and need one more thing from you before we can carry on with your application.",
            seed % 28 + 1
        );
        document.blocks.insert(
            at + index,
            Block {
                role: BlockRole::Body,
                kind: BlockKind::Paragraph,
                lines: vec![Inline {
                    spans: vec![Span {
                        text: text.into(),
                        source: Source::FreeText {
                            template: "request-new-photo".into(),
                            question: "notes".into(),
                        },
                    }],
                }],
            },
        );
    }
    document.recipient.address[0] = format!("{} High Street", seed + 1);
    document
}

/// CPU time this thread has run, from Linux's scheduler statistics (None elsewhere). The
/// machine is shared, so wall-clock figures include time spent waiting for a core; this shows
/// the work itself.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Mean CPU time of `samples` runs of `f`. The scheduler's counter only moves when the thread
/// is switched out, so one short run often reads as zero; the whole batch is measured instead.
fn cpu_mean(samples: usize, mut f: impl FnMut()) -> Option<Duration> {
    let start = thread_cpu_time()?;
    for _ in 0..samples {
        f();
    }
    let total = thread_cpu_time()?.saturating_sub(start);
    Some(total / samples as u32)
}

fn main() {
    comms::tune_allocator();
    let library = common::repo_library();
    let request: Request =
        comms::request::parse_request(REQUEST, "bench").expect("the bench request parses");
    let base = compose(&library, &request).expect("the bench request composes");
    let settings = LetterSettings::default();

    // A two-page letter.
    let two_pages = (0..60)
        .map(|extra| letter_with(&base, extra, 0))
        .find(|document| {
            letter::layout::lay_out(document, &settings).is_ok_and(|layout| layout.pages.len() == 2)
        })
        .expect("some length gives two pages");
    let bytes = letter::render(&two_pages, &[], &settings).expect("renders");
    let (median, p99) = common::time_samples(300, || {
        let pdf = letter::render(&two_pages, &[], &settings).expect("renders");
        std::hint::black_box(pdf);
    });
    common::report("two-page letter, median", median, Duration::from_millis(3));
    println!("two-page letter, 99th percentile: {p99:?}");
    if let Some(cpu) = cpu_mean(300, || {
        let pdf = letter::render(&two_pages, &[], &settings).expect("renders");
        std::hint::black_box(pdf);
    }) {
        common::report(
            "two-page letter, mean CPU time",
            cpu,
            Duration::from_millis(3),
        );
    }
    let verdict = if bytes.len() < 30 * 1024 {
        "ok"
    } else {
        "OVER TARGET"
    };
    println!(
        "two-page letter, size: {} bytes ({:.1} KB; target under 30 KB) {verdict}",
        bytes.len(),
        bytes.len() as f64 / 1024.0
    );

    // 1,000 different letters (1 to 3 pages) on two threads.
    let letters: Vec<Document> = (0..1000)
        .map(|seed| letter_with(&base, seed % 12, seed))
        .collect();
    let start = Instant::now();
    let (total_bytes, cpu): (usize, Duration) = std::thread::scope(|scope| {
        let workers: Vec<_> = letters
            .chunks(letters.len() / 2)
            .map(|chunk| {
                let settings = &settings;
                scope.spawn(move || {
                    let start = thread_cpu_time().unwrap_or_default();
                    let bytes = chunk
                        .iter()
                        .map(|document| {
                            letter::render(document, &[], settings)
                                .expect("renders")
                                .len()
                        })
                        .sum::<usize>();
                    let cpu = thread_cpu_time().unwrap_or_default().saturating_sub(start);
                    (bytes, cpu)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("worker finishes"))
            .fold((0, Duration::ZERO), |(bytes, most), (more, cpu)| {
                (bytes + more, most.max(cpu))
            })
    });
    common::report(
        "1,000 different letters on two threads",
        start.elapsed(),
        Duration::from_secs(3),
    );
    common::report(
        "1,000 different letters, CPU time of the busier thread",
        cpu,
        Duration::from_secs(3),
    );
    println!(
        "1,000 letters, mean size: {:.1} KB",
        total_bytes as f64 / 1000.0 / 1024.0
    );
}
