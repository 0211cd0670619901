//! Message shapes: a request filled into a remembered shape answers exactly what composing it
//! from scratch answers, for every case of the shipped library, for pairs of templates, and
//! for values chosen to trip a shape up (markup, Markdown, addresses, values equal to each
//! other, several paragraphs of free text, no title); and its JSON answer, written by hand,
//! is what serde_json writes.

#[path = "support/files.rs"]
mod files;
use files::copy_dir;

use std::path::Path;

use chrono::{DateTime, Utc};

use comms::cases::case_runs;
use comms::library::{Library, QuestionKind};
use comms::message::shape::Shapes;
use comms::message::{Rendered, build_message, render_message, render_message_json};
use comms::request::{Answer, Channel, Request};

fn library() -> Library {
    Library::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the shipped library loads")
}

/// What composing from scratch answers, as `render_message` would.
fn from_scratch(library: &Library, request: &Request) -> Result<Rendered, String> {
    build_message(library, request)
        .map(Rendered::from)
        .map_err(|err| err.to_string())
}

fn through_shapes(
    library: &Library,
    shapes: &Shapes,
    request: &Request,
) -> Result<Rendered, String> {
    render_message(library, shapes, request).map_err(|err| err.to_string())
}

/// Names, references and answers meant to catch a shape out.
const NAMES: [&str; 5] = [
    "Ann & <b>Bo</b>",
    "O'Brien_*x*",
    "[Jo](https://evil.example)",
    "Sam",
    "Dr",
];
const SHORT_TEXTS: [&str; 4] = [
    "the town where you were born",
    "https://www.gov.uk/x and **bold**",
    "Sam",
    "1. <i>numbered</i> & more",
];
const FREE_TEXTS: [&str; 4] = [
    "We checked.\n\nPlease see https://www.gov.uk/renew-adult-passport for more.",
    "One paragraph with <script>x</script> & `code`",
    "- not a list\n\n# not a heading\n\n> not a quote",
    "Sam",
];
const DATES: [&str; 3] = ["2026-12-14", "2027-01-05", "2026-11-23"];

/// Request `request` with its values changed by `seed`, its choices kept.
fn vary(library: &Library, request: &Request, seed: usize) -> Request {
    let mut varied = request.clone();
    let pick = |list: &[&str], offset: usize| list[(seed + offset) % list.len()].to_string();
    let customer = &mut varied.customer;
    customer.first_name = pick(&NAMES, 0);
    customer.last_name = pick(&NAMES, 1);
    if seed % 3 == 2 {
        // Values equal to each other: units that differed may now read the same.
        customer.first_name = "Sam".into();
        customer.last_name = "Sam".into();
        varied.staff.first_name = "Sam".into();
    } else {
        varied.staff.first_name = pick(&NAMES, 2);
    }
    if customer.title.is_some() {
        customer.title = Some(pick(&["Mrs", "Dr", "Mr & Mrs"], 0));
    }
    if seed % 4 == 3 {
        customer.title = None;
    }
    if customer.email.is_some() {
        customer.email = Some(pick(&["sian.jones@gmial.com", "a&b@example.com"], 0));
    }
    if varied.application.reference.is_some() {
        varied.application.reference = Some(pick(&["1234567890", "<ref>", "Sam"], 0));
    }
    varied.staff.office = pick(&["Durham", "Newport & Belfast"], 0);
    let at = [
        "2026-11-23T08:15:00Z",
        "2026-11-24T15:40:00Z",
        "2026-12-31T21:00:00Z",
    ];
    varied.at = Some(pick(&at, 0).parse::<DateTime<Utc>>().expect("a time"));
    for (index, part) in varied.parts.iter_mut().enumerate() {
        let Some(template) = library.template(&part.template) else {
            continue;
        };
        for question in &template.spec.questions {
            let Some(answer) = part.answers.get_mut(&question.id) else {
                continue;
            };
            let value = match question.kind {
                QuestionKind::Text => pick(&SHORT_TEXTS, index),
                QuestionKind::FreeText => pick(&FREE_TEXTS, index),
                QuestionKind::Date => pick(&DATES, index),
                _ => continue,
            };
            *answer = Answer::One(value);
        }
    }
    varied
}

/// Checks every variant of every request against composing from scratch; answers how many
/// shapes were made.
fn check_all(library: &Library, requests: &[(String, Request)]) -> usize {
    let shapes = Shapes::default();
    for seed in 0..8 {
        for (name, request) in requests {
            let request = if seed == 0 {
                request.clone()
            } else {
                vary(library, request, seed)
            };
            let expected = from_scratch(library, &request);
            assert_eq!(
                through_shapes(library, &shapes, &request),
                expected,
                "{name}, variant {seed}"
            );
            // The answer JSON written by hand is what serde_json writes.
            if let Ok(expected) = expected {
                let json = render_message_json(library, &shapes, &request)
                    .expect("renders")
                    .expect("writes JSON");
                assert_eq!(
                    String::from_utf8(json).expect("UTF-8"),
                    serde_json::to_string(&expected).expect("JSON"),
                    "{name}, variant {seed}"
                );
            }
        }
    }
    shapes.len()
}

#[test]
fn every_case_filled_into_its_shape_reads_as_composed_from_scratch() {
    let library = library();
    let requests: Vec<(String, Request)> = case_runs(&library)
        .into_iter()
        .map(|run| (run.name(), run.request))
        .collect();
    assert!(requests.len() > 50, "the library has its cases");
    let made = check_all(&library, &requests);
    // Shapes were made, and reused: far fewer than the requests checked.
    assert!(made > 0, "no request was shaped");
    assert!(
        made < requests.len() * 4,
        "{made} shapes for {} requests",
        requests.len()
    );
}

#[test]
fn pairs_of_templates_filled_into_shapes_read_as_composed_from_scratch() {
    let library = library();
    let runs: Vec<_> = case_runs(&library)
        .into_iter()
        .filter(|run| run.channel == Channel::Email)
        .collect();
    let mut requests = Vec::new();
    for first in &runs {
        for second in runs.iter().step_by(5) {
            if first.language != second.language {
                continue;
            }
            let mut request = first.request.clone();
            request.parts.extend(second.request.parts.iter().cloned());
            // The same part twice: every unit with values repeats.
            request.parts.push(first.request.parts[0].clone());
            requests.push((
                format!("{} + {} + again", first.name(), second.name()),
                request,
            ));
        }
    }
    assert!(requests.len() > 20);
    check_all(&library, &requests);
}

#[test]
fn a_second_request_of_a_shape_is_filled_without_making_another() {
    let library = library();
    let shapes = Shapes::default();
    let run = case_runs(&library)
        .into_iter()
        .find(|run| run.channel == Channel::Email && run.request.customer.title.is_some())
        .expect("an email case");
    let first = run.request.clone();
    through_shapes(&library, &shapes, &first).expect("renders");
    assert_eq!(shapes.len(), 1);
    let mut second = first.clone();
    second.customer.last_name = "Evans & <Sons>".into();
    let rendered = through_shapes(&library, &shapes, &second).expect("renders");
    assert_eq!(
        shapes.len(),
        1,
        "the second request used the first one's shape"
    );
    let prepared = comms::compose::prepare(&library, &second).expect("prepares");
    let (shape, _) = shapes.fill(&library, &prepared).expect("fits the shape");
    assert!(
        shape.known.pieces.lines.iter().any(Option::is_some)
            && shape.known.pieces.lines.iter().any(Option::is_none)
            && shape.known.pieces.paragraphs.iter().any(Option::is_some)
            && shape.known.pieces.paragraphs.iter().any(Option::is_none)
            && shape.known.subject.is_some(),
        "the lint matches of its pieces of library wording are known, not of those with values"
    );
    assert_eq!(Ok(rendered.clone()), from_scratch(&library, &second));
    let html = rendered.html.expect("an email has HTML");
    assert!(html.contains("Evans &amp; &lt;Sons&gt;"), "{html}");
    assert!(!html.contains("<Sons>"));
}

#[test]
fn a_repeated_unit_whose_values_now_match_is_dropped_as_compose_drops_it() {
    let library = library();
    let shapes = Shapes::default();
    let run = case_runs(&library)
        .into_iter()
        .find(|run| {
            run.channel == Channel::Email
                && run.request.parts[0].template == "request-documents"
                && run.request.parts[0].answers.contains_key("reply_by")
        })
        .expect("a request-documents case with a reply-by date");
    let with_date = |date: &str| {
        let mut part = run.request.parts[0].clone();
        part.answers
            .insert("reply_by".into(), Answer::One(date.to_string()));
        part
    };
    let mut different = run.request.clone();
    different.parts = vec![with_date("2026-12-14"), with_date("2027-01-05")];
    let mut same = different.clone();
    same.parts[1] = with_date("2026-12-14");

    let apart = through_shapes(&library, &shapes, &different).expect("renders");
    assert_eq!(Ok(apart.clone()), from_scratch(&library, &different));
    let together = through_shapes(&library, &shapes, &same).expect("renders");
    assert_eq!(Ok(together.clone()), from_scratch(&library, &same));
    let count = |text: &str| text.matches("14 December 2026").count();
    assert_eq!(count(&together.text), 1, "{}", together.text);
    assert_eq!(count(&apart.text), 1);
    assert_eq!(
        shapes.len(),
        2,
        "the first shape did not fit the second request"
    );
}

/// A shape keeps what lint finds in its lines of library wording; a library whose own
/// wording breaks the house style shows that those findings come back, in the right place,
/// beside the findings in lines with values.
#[test]
fn findings_in_library_wording_come_back_from_the_shape() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for folder in ["phrases", "rules", "templates"] {
        copy_dir(&repo.join(folder), &dir.path().join(folder));
    }
    std::fs::write(
        dir.path().join("phrases/zz-breaches.yaml"),
        "zz.opening: { en: \"Please reply ASAP about your ppt, info desk SOON.\" }\n\
         zz.item: { en: \"your **old** ppt, sent ASAP\" }\n\
         zz.value: { en: \"We need it by {answers.when}, ASAP, from {customer.first_name} at HMPO.\" }\n\
         zz.subject: { en: \"Your ppt: reply ASAP\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("templates/zz-breaches.yaml"),
        "name: Breaches\npurpose: Library wording that breaks the house style.\nchannels: [email, letter]\n\
         subject: zz.subject\n\
         questions:\n  - { id: when, label: When, kind: date }\n  - { id: details, label: Details, kind: free_text }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("templates/zz-breaches.tera"),
        "{{ phrase(id=\"zz.opening\") }}\n\n- {{ phrase(id=\"zz.item\") }}\n- {{ phrase(id=\"zz.opening\") }}\n\n\
         {{ phrase(id=\"zz.value\") }}\n\n{{ free_text(question=\"details\") }}\n",
    )
    .unwrap();
    let library = Library::load(dir.path()).unwrap_or_else(|errors| panic!("{errors}"));
    let base = case_runs(&library)
        .into_iter()
        .find(|run| run.channel == Channel::Email)
        .expect("an email case")
        .request;
    let mut requests = Vec::new();
    for channel in [Channel::Email, Channel::Letter] {
        let mut request = base.clone();
        request.channel = Some(channel);
        request.parts = vec![comms::request::Part {
            template: "zz-breaches".into(),
            answers: [
                ("when".to_string(), Answer::One("2026-12-14".into())),
                (
                    "details".to_string(),
                    Answer::One("Sent by cust ASAP.".into()),
                ),
            ]
            .into(),
        }];
        requests.push((format!("zz-breaches by {channel}"), request));
    }
    check_all(&library, &requests);
    let shapes = Shapes::default();
    let rendered = through_shapes(&library, &shapes, &requests[0].1).expect("renders");
    let again = through_shapes(&library, &shapes, &requests[0].1).expect("renders");
    assert_eq!(rendered, again);
    let from_library = again
        .findings
        .iter()
        .filter(|finding| finding.phrase.as_deref() == Some("zz.item"))
        .count();
    assert!(from_library >= 2, "{:#?}", again.findings);
    let in_subject = again
        .findings
        .iter()
        .filter(|finding| finding.field == comms::lint::Field::Subject)
        .count();
    assert!(in_subject >= 2, "{:#?}", again.findings);
}
