//! One request through the whole pipeline, stage by stage: what `POST /api/render` spends on
//! a three-part email before the network. Prints the median of each stage on one core.
//!
//! Run with `cargo bench --bench message`; `-- WORDS` runs only the stages named with them.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;

use comms::compose::compose;
use comms::compose::prepare;
use comms::document::SourcedText;
use comms::lint::{lint_document, lint_message};
use comms::message::shape::Shapes;
use comms::message::{build_message, render_message, render_message_json};
use comms::render::email::{html, recipient};
use comms::render::text;
use comms::request::{Request, parse_request};

fn main() {
    comms::tune_allocator();
    let library = common::repo_library();
    let request = parse_request(common::THREE_PARTS, "bench").expect("the bench request parses");
    let json = serde_json::to_string(&request).expect("the request serialises");
    let document = compose(&library, &request).expect("the bench request composes");
    let message = build_message(&library, &request).expect("the bench request renders");
    let answer = serde_json::to_vec(&message).expect("the message serialises");
    println!(
        "three-part email: {} bytes of request JSON, {} bytes of answer JSON, {} findings",
        json.len(),
        answer.len(),
        message.findings.len()
    );

    let shapes = Shapes::default();
    render_message(&library, &shapes, &request).expect("the bench request renders");
    let prepared = prepare(&library, &request).expect("the bench request prepares");
    let (shape, filled) = shapes
        .fill(&library, &prepared)
        .expect("the bench request has a shape");
    let recipient = prepared.recipient();
    let reference = prepared.reference();
    let composed = shape.composed(&prepared, &recipient, reference.as_deref());
    let stages: [(&str, &dyn Fn()); 14] = [
        ("read the request JSON", &|| {
            black_box(serde_json::from_str::<Request>(black_box(&json)).ok());
        }),
        ("compose", &|| {
            black_box(compose(&library, black_box(&request)).ok());
        }),
        ("lint", &|| {
            black_box(lint_document(&library, black_box(&document)));
        }),
        ("check the recipient address", &|| {
            black_box(recipient::findings(black_box(
                document.recipient.email.as_deref(),
            )));
        }),
        ("render text", &|| {
            black_box(text::render(black_box(&document)));
        }),
        ("render HTML", &|| {
            black_box(html::render(black_box(&document)));
        }),
        ("write the answer JSON", &|| {
            black_box(serde_json::to_vec(black_box(&message)).ok());
        }),
        ("all of it (build_message between the JSON)", &|| {
            let request = serde_json::from_str::<Request>(black_box(&json)).expect("parses");
            let message = build_message(&library, &request).expect("renders");
            black_box(serde_json::to_vec(&message).ok());
        }),
        ("prepare (check the request, find its values)", &|| {
            black_box(prepare(&library, black_box(&request)).ok());
        }),
        ("fill the remembered shape", &|| {
            black_box(shapes.fill(&library, black_box(&prepared)));
        }),
        ("lint the filled shape's body", &|| {
            black_box(lint_message(
                &library,
                &composed,
                black_box(&filled.body),
                None,
                Some(&shape.known),
            ));
        }),
        ("lint the filled shape's subject", &|| {
            black_box(lint_message(
                &library,
                &composed,
                &SourcedText::default(),
                black_box(filled.subject.as_ref()),
                Some(&shape.known),
            ));
        }),
        ("render_message, filled into the remembered shape", &|| {
            black_box(render_message(&library, &shapes, black_box(&request)).ok());
        }),
        (
            "all of it (render_message_json after reading the JSON, as the service does)",
            &|| {
                let request = serde_json::from_str::<Request>(black_box(&json)).expect("parses");
                black_box(render_message_json(&library, &shapes, &request).ok());
            },
        ),
    ];
    // `cargo bench --bench message -- WORDS` runs only the stages whose names hold them.
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    // MESSAGE_SAMPLES gives more runs of each stage, to profile one.
    let samples = std::env::var("MESSAGE_SAMPLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    for (name, stage) in stages {
        if !wanted.iter().all(|word| name.contains(word.as_str())) {
            continue;
        }
        let (median, p99) = common::time_samples(samples, stage);
        println!("{name}: median {median:?}, p99 {p99:?}");
    }
    if wanted.is_empty() {
        two_threads(&library, &request);
    }
}

/// The service runs one thread per core, each with its own copy of the library. This shows
/// why: two threads building messages from one shared library slow each other down.
fn two_threads(library: &comms::library::Library, request: &Request) {
    let repeats = 20_000u32;
    let run = |own: bool| -> Vec<std::time::Duration> {
        std::thread::scope(|scope| {
            let threads: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(move || {
                        let copy = own.then(common::repo_library);
                        let library = copy.as_ref().unwrap_or(library);
                        for _ in 0..1_000 {
                            black_box(build_message(library, request).ok());
                        }
                        let started = std::time::Instant::now();
                        for _ in 0..repeats {
                            black_box(build_message(library, black_box(request)).ok());
                        }
                        started.elapsed() / repeats
                    })
                })
                .collect();
            threads
                .into_iter()
                .map(|thread| thread.join().expect("the thread finishes"))
                .collect()
        })
    };
    println!(
        "build_message on two threads at once, mean per message: sharing one library {:?}; each with its own {:?}",
        run(false),
        run(true)
    );
}
