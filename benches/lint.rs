//! Lint speed: a 2 KB letter with every rule (median, target under 50 µs), and 1, 4 and
//! 16 MB of text (MB/s, target at least 20 MB/s, growing linearly with size).

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use comms::cases::case_runs;
use comms::compose::compose;
use comms::document::{Block, BlockKind, BlockRole, Inline, Source, Span};
use comms::lint::{RuleSet, lint_document, lint_text};
use comms::request::{Channel, Language};

const SENTENCE: &str = "We need a new photo of you because the photo you sent does not meet the rules. Siân Jones sent it on 01 February 2024 to HM Passport Office. Spoke to cust by tel about the ppt. ";

/// CPU time this process has used (user and system), from /proc: on a shared machine the
/// wall clock also counts time spent waiting for a core.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    Duration::from_millis(ticks * 10)
}

fn main() {
    comms::tune_allocator();
    let mut library = common::repo_library();
    let guidance_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/guidance");
    let guidance: Vec<String> = std::fs::read_dir(&guidance_dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    library
        .rules
        .attach_guidance(guidance.iter().map(String::as_str));
    println!(
        "rules: {}, guidance documents: {}",
        library.rules.rules.len(),
        guidance.len()
    );

    // A letter from the shipped library, padded to 2 KB with its own paragraphs and a
    // paragraph of free text, so that every rule has something to read.
    let run = case_runs(&library)
        .into_iter()
        .find(|run| run.channel == Channel::Letter && run.language == Language::En)
        .expect("the shipped library has a letter case");
    let mut document = compose(&library, &run.request).expect("the case composes");
    let body: Vec<Block> = document
        .blocks
        .iter()
        .filter(|block| block.role == BlockRole::Body)
        .cloned()
        .collect();
    let free = Block {
        role: BlockRole::Body,
        kind: BlockKind::Paragraph,
        lines: vec![Inline {
            spans: vec![Span {
                text: SENTENCE.trim().into(),
                source: Source::FreeText {
                    template: run.template.id.clone(),
                    question: "details".into(),
                },
            }],
        }],
    };
    let mut index = 1;
    document.blocks.insert(index, free);
    while document.body_text().len() < 2048 {
        for block in &body {
            index += 1;
            document.blocks.insert(index, block.clone());
        }
    }
    let size = document.body_text().len();
    let findings = lint_document(&library, &document).len();
    let (median, p99) = common::time_samples(2000, || {
        std::hint::black_box(lint_document(&library, std::hint::black_box(&document)));
    });
    println!("letter of {size} bytes, {findings} findings: median {median:?}, p99 {p99:?}");
    let cpu_before = process_cpu();
    let rounds = 20_000u32;
    for _ in 0..rounds {
        std::hint::black_box(lint_document(&library, std::hint::black_box(&document)));
    }
    println!(
        "  CPU time per letter (mean of {rounds}, unaffected by other processes): {:?}",
        (process_cpu() - cpu_before) / rounds
    );
    common::report(
        "lint a 2 KB letter, median",
        median,
        Duration::from_micros(50),
    );

    // Large text: the letter's own text over and over, linted as typed by staff (so every
    // free-text rule reads all of it).
    let letter = document.body_text();
    // The scan index for posted text is built on first use; build it before timing.
    library.rules.scan_index(comms::lint::Reach::All);
    let mut rates = Vec::new();
    for megabytes in [1usize, 4, 16] {
        let bytes = megabytes * 1024 * 1024;
        let text: String = letter
            .repeat(bytes / letter.len() + 1)
            .char_indices()
            .take_while(|(i, _)| *i < bytes)
            .map(|(_, c)| c)
            .collect();
        // The median of three runs, so that one disturbed run does not decide the figure.
        let mut runs: Vec<_> = (0..3)
            .map(|_| {
                let start = Instant::now();
                let cpu_before = process_cpu();
                let found = lint_text(&library.rules, &text).len();
                (start.elapsed(), process_cpu() - cpu_before, found)
            })
            .collect();
        runs.sort();
        let (elapsed, cpu, found) = runs[1];
        let rate = megabytes as f64 / elapsed.as_secs_f64();
        let cpu_rate = megabytes as f64 / cpu.as_secs_f64().max(0.001);
        rates.push(rate);
        println!(
            "lint {megabytes} MB: {elapsed:?}, {rate:.1} MB/s wall ({cpu_rate:.1} MB/s of CPU time), {found} findings (target at least 20 MB/s) {}",
            if rate >= 20.0 { "ok" } else { "UNDER TARGET" }
        );
    }
    println!(
        "linearity: 16 MB rate is {:.0}% of the 1 MB rate",
        rates[2] / rates[0] * 100.0
    );

    // Where the time goes: each rule alone on 1 MB.
    let text: String = letter.repeat(1024 * 1024 / letter.len());
    for rule in &library.rules.rules {
        let alone = RuleSet::from_parts(
            vec![rule.clone()],
            library.rules.phrase_index.clone(),
            library.rules.guidance.clone(),
        );
        alone.scan_index(comms::lint::Reach::All);
        let start = Instant::now();
        let found = lint_text(&alone, &text).len();
        println!(
            "  {:<26} {:>10.1?} on 1 MB, {found} findings",
            rule.id,
            start.elapsed()
        );
    }
}
