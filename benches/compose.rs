//! Composition benchmarks; prints its figures against the targets:
//!
//! - composing a three-part email with answers and placeholders, after the library is loaded
//!   (median under 20 µs); and, for reference, the same with its template bodies rendered
//!   afresh (a body is rendered once per combination of answers, then remembered);
//! - loading and validating a generated library of 500 phrases and 100 templates from disk
//!   (under 100 ms);
//! - `comms render` of one request as a cold process (under 50 ms).
//!
//! Run with `cargo bench --bench compose`.

#[path = "common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use comms::compose::compose;
use comms::library::Library;
use comms::message::build_message;
use comms::request::parse_request;

fn main() {
    comms::tune_allocator();
    compose_three_parts();
    load_generated_library();
    cold_render_process();
}

fn compose_three_parts() {
    let library = common::repo_library();
    let request = parse_request(common::THREE_PARTS, "bench").expect("the bench request parses");
    let document = compose(&library, &request).expect("the bench request composes");
    assert_eq!(document.templates.len(), 3);
    let (median, p99) = common::time_samples(20_000, || {
        std::hint::black_box(compose(&library, std::hint::black_box(&request)).ok());
    });
    common::report(
        "compose a three-part email (median)",
        median,
        Duration::from_micros(20),
    );
    println!("compose a three-part email (p99): {p99:?}");
    let (median, _) = common::time_samples(5_000, || {
        library.forget_bodies();
        std::hint::black_box(compose(&library, std::hint::black_box(&request)).ok());
    });
    println!(
        "compose a three-part email whose template bodies are not yet remembered (median): {median:?}"
    );
    let iterations = 20_000;
    let cpu = on_cpu(|| {
        for _ in 0..iterations {
            std::hint::black_box(compose(&library, std::hint::black_box(&request)).ok());
        }
    });
    if let Some(cpu) = cpu {
        println!(
            "compose a three-part email (CPU time per compose, excluding time other processes held the CPU): {:?}",
            cpu / iterations
        );
    }
    let (median, _) = common::time_samples(5_000, || {
        std::hint::black_box(build_message(&library, &request).ok());
    });
    println!("compose and render the same email as text (median, for reference): {median:?}");
}

/// CPU time this thread spent running `f`, from /proc/thread-self/schedstat (Linux only):
/// on a shared machine, wall-clock medians include time other processes held the CPU.
fn on_cpu(f: impl FnOnce()) -> Option<Duration> {
    let read = || -> Option<u64> {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    let before = read()?;
    f();
    let after = read()?;
    Some(Duration::from_nanos(after.saturating_sub(before)))
}

/// Writes a library of 500 phrases in 10 files and 100 templates that use them.
fn write_generated_library(root: &Path) {
    std::fs::create_dir_all(root.join("phrases")).expect("phrases folder");
    std::fs::create_dir_all(root.join("templates")).expect("templates folder");
    let common_phrases =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("phrases/common.yaml"))
            .expect("common phrases");
    std::fs::write(root.join("phrases/common.yaml"), common_phrases).expect("written");
    let structural = 7;
    for file in 0..10 {
        let mut text = String::new();
        for index in 0..(500 - structural) / 10 + usize::from(file < (500 - structural) % 10) {
            let id = format!("gen.f{file}.p{index}");
            let _ = write!(
                text,
                "{id}:\n  en: \"Phrase {index} of file {file} for {{customer.name}}, reference {{application.reference}}.\"\n  cy: \"Ymadrodd {index} o ffeil {file} ar gyfer {{customer.name}}.\"\n\n"
            );
        }
        std::fs::write(root.join(format!("phrases/gen{file}.yaml")), text).expect("written");
    }
    for template in 0..100 {
        let file = template % 10;
        let spec = format!(
            "name: Generated {template}\npurpose: A generated template.\nchannels: [email, letter]\nasks_for_reply: true\n\
             questions:\n  - id: choice\n    label: Which?\n    kind: radio\n    required: true\n    options:\n      - {{ value: a, label: A }}\n      - {{ value: b, label: B }}\n\
             cases:\n  - name: a\n    answers: {{ choice: a }}\n"
        );
        let body = format!(
            "{{{{ phrase(id=\"gen.f{file}.p0\") }}}}\n\n{{% if answers.choice == \"a\" %}}{{{{ phrase(id=\"gen.f{file}.p1\") }}}}{{% else %}}{{{{ phrase(id=\"gen.f{file}.p2\") }}}}{{% endif %}}\n\n- {{{{ phrase(id=\"gen.f{file}.p3\") }}}}\n- {{{{ phrase(id=\"gen.f{file}.p4\") }}}}\n"
        );
        std::fs::write(root.join(format!("templates/gen-{template}.yaml")), spec).expect("written");
        std::fs::write(root.join(format!("templates/gen-{template}.tera")), body).expect("written");
    }
}

fn load_generated_library() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_generated_library(dir.path());
    let library = Library::load(dir.path()).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(library.phrases.len(), 500);
    assert_eq!(library.templates.len(), 100);
    let (median, p99) = common::time_samples(30, || {
        std::hint::black_box(Library::load(dir.path()).ok());
    });
    common::report(
        "load and validate 500 phrases and 100 templates (median)",
        median,
        Duration::from_millis(100),
    );
    println!("load and validate 500 phrases and 100 templates (p99): {p99:?}");
    let loads = 10;
    if let Some(cpu) = on_cpu(|| {
        for _ in 0..loads {
            std::hint::black_box(Library::load(dir.path()).ok());
        }
    }) {
        println!(
            "load and validate 500 phrases and 100 templates (CPU time per load): {:?}",
            cpu / loads
        );
    }
}

fn cold_render_process() {
    let binary = env!("CARGO_BIN_EXE_comms");
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/new-photo-and-documents.yaml");
    let run = || {
        let status = Command::new(binary)
            .arg("--library")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .arg("render")
            .arg(&example)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("comms runs");
        assert!(status.success(), "comms render failed: {status}");
    };
    run();
    let mut times: Vec<Duration> = (0..40)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    common::report(
        "`comms render` as a cold process (median)",
        times[times.len() / 2],
        Duration::from_millis(50),
    );
    println!(
        "`comms render` as a cold process (slowest of {}): {:?}",
        times.len(),
        times[times.len() - 1]
    );
}
