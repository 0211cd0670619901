//! PDF letters checked with real readers: poppler's `pdftotext`, `pdffonts` and `pdfinfo`,
//! and `qpdf --check`.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{TimeZone, Utc};
use comms::compose::compose;
use comms::document::{Block, BlockKind, BlockRole, Document, Inline, Source, Span};
use comms::library::Library;
use comms::lint::{Finding, Severity};
use comms::render::letter::layout::{Region, lay_out};
use comms::render::letter::{self, LetterError, LetterSettings, extracted_text};
use comms::request::{
    Answer, Application, Channel, Customer, Language, Part, Request, Service, Staff,
};

fn library() -> Library {
    Library::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the shipped library loads")
}

fn request(language: Language) -> Request {
    let mut part = Part {
        template: "request-new-photo".into(),
        ..Part::default()
    };
    part.answers.insert(
        "reasons".into(),
        Answer::Many(vec!["shadows".into(), "glare".into(), "blurred".into()]),
    );
    Request {
        channel: Some(Channel::Letter),
        language,
        at: Utc.with_ymd_and_hms(2026, 11, 23, 10, 15, 0).single(),
        customer: Customer {
            title: Some("Mrs".into()),
            first_name: "Siân".into(),
            last_name: "Jones".into(),
            address: vec!["1 High Street".into(), "Cardiff".into(), "CF10 1AA".into()],
            time_zone: Some("Europe/London".into()),
            ..Customer::default()
        },
        staff: Staff {
            first_name: "Sam".into(),
            initials: "SB".into(),
            office: "Durham".into(),
            ..Staff::default()
        },
        application: Application {
            reference: Some("1234567890".into()),
            service: Service::FastTrack,
            paper: true,
        },
        parts: vec![part],
        ..Request::default()
    }
}

fn document(request: &Request) -> Document {
    compose(&library(), request).expect("the request composes")
}

/// Adds body paragraphs of free text before the sign-off.
fn with_paragraphs(mut document: Document, paragraphs: &[String]) -> Document {
    let sign_off = document
        .blocks
        .iter()
        .position(|block| block.role == BlockRole::SignOff)
        .unwrap_or(document.blocks.len());
    for (index, text) in paragraphs.iter().enumerate() {
        document.blocks.insert(
            sign_off + index,
            Block {
                role: BlockRole::Body,
                kind: BlockKind::Paragraph,
                lines: vec![Inline {
                    spans: vec![Span {
                        text: text.as_str().into(),
                        source: Source::FreeText {
                            template: "request-new-photo".into(),
                            question: "notes".into(),
                        },
                    }],
                }],
            },
        );
    }
    document
}

fn pdf(document: &Document) -> Vec<u8> {
    letter::render(document, &[], &LetterSettings::default()).expect("the letter renders")
}

struct Written {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn write(bytes: &[u8]) -> Written {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, bytes).expect("write pdf");
    Written { _dir: dir, path }
}

/// Runs a reader and returns what it printed; the reader must succeed.
fn run(program: &str, args: &[&str], file: &Path) -> String {
    let output = Command::new(program)
        .args(args)
        .arg(file)
        .args(if program == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|err| panic!("{program} runs (install poppler-utils and qpdf): {err}"));
    assert!(
        output.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

fn pdftotext(bytes: &[u8]) -> String {
    let written = write(bytes);
    run("pdftotext", &["-enc", "UTF-8"], &written.path)
}

/// pdftotext ends each page with a form feed; so does `extracted_text`. Nothing else is
/// normalised.
fn assert_extracts_exactly(document: &Document, settings: &LetterSettings) {
    let bytes = letter::render(document, &[], settings).expect("the letter renders");
    let expected = letter::extracted_text_with(document, settings).expect("text");
    assert_eq!(pdftotext(&bytes), expected);
}

#[test]
fn english_letter_extracts_exactly_in_reading_order() {
    let document = document(&request(Language::En));
    let text = extracted_text(&document).expect("text");
    assert_extracts_exactly(&document, &LetterSettings::default());
    // The order a reader meets the letter in.
    let order = [
        "HM Passport Office\nDurham",
        "Mrs Siân Jones\n1 High Street\nCardiff\nCF10 1AA",
        "23 November 2026\nOur reference: 1234567890\nDear Mrs Jones,",
        "• shadows on your face or behind you\n",
        "Yours sincerely,\nSam\nHM Passport Office",
        "Page 1 of 1",
    ];
    let mut from = 0;
    for piece in order {
        let at = text[from..]
            .find(piece)
            .unwrap_or_else(|| panic!("{piece:?} in order in:\n{text}"));
        from += at + piece.len();
    }
}

#[test]
fn welsh_letter_extracts_accented_letters_and_welsh_page_numbers() {
    let mut request = request(Language::Cy);
    request.customer.address = vec!["Tŷ Ŵyn".into(), "Ffordd Ŷ".into(), "Llanfair".into()];
    let accents =
        "Cysylltwch â ni. Mae’r tân yn y tŷ: gwên, sîr, côr, ûn, dŵr, Âr, Êr, Îs, Ôl, Ûn, Ŵyr, Ŷd."
            .to_string();
    let document = with_paragraphs(document(&request), std::slice::from_ref(&accents));
    assert_extracts_exactly(&document, &LetterSettings::default());
    let text = pdftotext(&pdf(&document));
    assert!(text.contains(&accents), "{text}");
    assert!(text.contains("Tŷ Ŵyn\nFfordd Ŷ"), "{text}");
    assert!(text.contains("23 Tachwedd 2026"), "{text}");
    assert!(text.contains("Ein cyfeirnod: 1234567890"), "{text}");
    assert!(text.contains("Annwyl Mrs Jones,"), "{text}");
    assert!(text.contains("Tudalen 1 o 1"), "{text}");
    assert!(!text.contains("Page 1"), "{text}");
}

#[test]
fn long_letter_flows_onto_more_pages_without_losing_text() {
    let paragraphs: Vec<String> = (1..=30)
        .map(|n| {
            format!(
                "Paragraph {n} explains, at some length and in plain words, what we need from you and why we need it, so that the letter runs onto further pages."
            )
        })
        .collect();
    let document = with_paragraphs(document(&request(Language::En)), &paragraphs);
    let bytes = pdf(&document);
    let text = pdftotext(&bytes);
    assert_eq!(text, extracted_text(&document).expect("text"));
    let layout = lay_out(&document, &LetterSettings::default()).expect("layout");
    let pages = layout.pages.len();
    assert!(pages >= 3, "{pages} pages");
    let info = run("pdfinfo", &[], &write(&bytes).path);
    assert!(
        info.contains(&format!("Pages:           {pages}\n")),
        "{info}"
    );
    for page in 1..=pages {
        assert!(text.contains(&format!("Page {page} of {pages}")), "{text}");
    }
    // Every word of the body, in order, once the page furniture is taken out.
    let page_number = regex::Regex::new(r"^Page \d+ of \d+$").expect("regex");
    let flowed: String = text
        .replace('\u{c}', "\n")
        .lines()
        .filter(|line| !page_number.is_match(line))
        .collect::<Vec<_>>()
        .join(" ");
    let flowed = flowed.split_whitespace().collect::<Vec<_>>().join(" ");
    for paragraph in &paragraphs {
        assert!(flowed.contains(paragraph.as_str()), "lost: {paragraph}");
    }
    // No page holds text below the body area except its page number.
    for page in &layout.pages {
        let lowest_body = page
            .lines
            .iter()
            .filter(|line| line.region != Region::Footer)
            .map(|line| line.baseline)
            .fold(0.0, f32::max);
        let footer = page
            .lines
            .iter()
            .find(|line| line.region == Region::Footer)
            .expect("page number");
        assert!(lowest_body < footer.baseline - 20.0);
    }
}

#[test]
fn large_print_sets_the_text_at_14pt_or_the_chosen_size() {
    let mut request = request(Language::En);
    request.large_print = true;
    let document = document(&request);
    for size in [14.0, 18.0] {
        let settings = LetterSettings {
            large_print_size: size,
            ..LetterSettings::default()
        };
        let layout = lay_out(&document, &settings).expect("layout");
        let main: Vec<_> = layout.pages[0]
            .lines
            .iter()
            .filter(|line| line.region == Region::Main)
            .collect();
        assert!(!main.is_empty());
        assert!(main.iter().all(|line| line.size == size));
        assert_extracts_exactly(&document, &settings);
    }
    let normal = lay_out(
        &self::document(&self::request(Language::En)),
        &LetterSettings::default(),
    )
    .expect("layout");
    assert!(
        normal.pages[0]
            .lines
            .iter()
            .filter(|line| line.region == Region::Main)
            .all(|line| line.size == 12.0)
    );
}

#[test]
fn fonts_are_embedded_subsets_and_the_file_passes_qpdf() {
    for language in Language::ALL {
        let written = write(&pdf(&document(&request(language))));
        let fonts = run("pdffonts", &[], &written.path);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{fonts}");
        for row in rows {
            let columns: Vec<&str> = row.split_whitespace().collect();
            assert!(row.contains("LiberationSans"), "{row}");
            // name type... encoding emb sub uni object ID
            let n = columns.len();
            assert_eq!(&columns[n - 5..n - 2], ["yes", "yes", "yes"], "{row}");
        }
        let check = run("qpdf", &["--check"], &written.path);
        assert!(
            check.contains("No syntax or stream encoding errors found"),
            "{check}"
        );
    }
}

#[test]
fn pdfinfo_shows_a4_tagged_and_no_stray_metadata() {
    let written = write(&pdf(&document(&request(Language::En))));
    let info = run("pdfinfo", &[], &written.path);
    assert!(
        info.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "{info}"
    );
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(info.contains("Form:            none"), "{info}");
    assert!(info.contains("JavaScript:      no"), "{info}");
    assert!(
        info.contains("Title:           Letter from HM Passport Office\n"),
        "{info}"
    );
    assert!(
        info.contains("CreationDate:    Mon Nov 23 10:15:00 2026 UTC"),
        "{info}"
    );
    for stray in ["Producer:", "Creator:", "Author:", "Subject:", "Keywords:"] {
        assert!(!info.contains(stray), "{stray} in {info}");
    }
    let xmp = run("pdfinfo", &["-meta"], &written.path);
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(
        xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{xmp}"
    );
    assert!(
        !xmp.contains("Jones") && !xmp.contains("1234567890"),
        "{xmp}"
    );
    let structure = run("pdfinfo", &["-struct"], &written.path);
    for tag in [
        "P (block)",
        "L (block)",
        "LI (block)",
        "Lbl (block)",
        "LBody (block)",
    ] {
        assert!(structure.contains(tag), "{tag} in {structure}");
    }
}

#[test]
fn without_a_moment_the_creation_date_is_the_printed_date() {
    let mut request = request(Language::En);
    request.at = None;
    let document = document(&request);
    let info = run("pdfinfo", &["-isodates"], &write(&pdf(&document)).path);
    let date = document.date.format("%Y-%m-%dT00:00:00").to_string();
    assert!(info.contains(&format!("CreationDate:    {date}")), "{info}");
}

#[test]
fn same_request_gives_the_same_bytes() {
    let document = document(&request(Language::Cy));
    assert_eq!(pdf(&document), pdf(&document));
    // And across processes: two runs of the command.
    let dir = tempfile::tempdir().expect("temp dir");
    let yaml = dir.path().join("letter.yaml");
    std::fs::write(
        &yaml,
        serde_json::to_string(&request(Language::Cy)).expect("json"),
    )
    .expect("write request");
    let outputs: Vec<Vec<u8>> = ["a.pdf", "b.pdf"]
        .iter()
        .map(|name| {
            let out = dir.path().join(name);
            let status = Command::new(env!("CARGO_BIN_EXE_comms"))
                .arg("render")
                .arg(&yaml)
                .args(["--format", "pdf", "-o"])
                .arg(&out)
                .status()
                .expect("comms runs");
            assert!(status.success());
            std::fs::read(&out).expect("pdf written")
        })
        .collect();
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], pdf(&document));
}

#[test]
fn bad_addresses_are_refused_naming_the_field() {
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![], "customer.address has no lines"),
        (
            (1..=8).map(|n| format!("Line {n}")).collect(),
            "customer.address has 8 lines; the envelope window holds at most 7",
        ),
        (
            vec![
                "1 High Street".into(),
                "The Old Rectory Cottages, Upper Llanfihangel Road, Near Aberystwyth".into(),
            ],
            "customer.address[1] (\"The Old Rectory",
        ),
        (
            vec!["1 High Street".into(), " ".into(), "Cardiff".into()],
            "customer.address[1] is blank",
        ),
    ];
    for (address, message) in cases {
        let mut request = request(Language::En);
        request.customer.address = address;
        let err = letter::render(&document(&request), &[], &LetterSettings::default())
            .expect_err("refused");
        assert!(err.to_string().contains(message), "{err}");
    }
}

#[test]
fn a_character_without_a_glyph_is_named_with_where_it_is() {
    let document_with = with_paragraphs(
        document(&request(Language::En)),
        &["Please see 中 below.".into()],
    );
    let err = letter::render(&document_with, &[], &LetterSettings::default()).expect_err("refused");
    assert!(matches!(
        err,
        LetterError::MissingGlyph {
            character: '中',
            ..
        }
    ));
    let message = err.to_string();
    assert!(message.contains("'中' (U+4E2D)"), "{message}");
    assert!(
        message.contains("free text answer `notes` of template `request-new-photo`"),
        "{message}"
    );

    let mut request = request(Language::En);
    request.customer.address[1] = "Cardiff ☃".into();
    let err =
        letter::render(&document(&request), &[], &LetterSettings::default()).expect_err("refused");
    assert!(err.to_string().contains("customer.address[1]"), "{err}");
}

#[test]
fn a_body_longer_than_ten_pages_is_refused() {
    let paragraphs: Vec<String> = (0..400)
        .map(|n| format!("Paragraph {n} of a letter far too long to send."))
        .collect();
    let document = with_paragraphs(document(&request(Language::En)), &paragraphs);
    let err = letter::render(&document, &[], &LetterSettings::default()).expect_err("refused");
    assert_eq!(err, LetterError::TooLong { max_pages: 10 });
    assert!(err.to_string().contains("longer than 10 pages"), "{err}");

    // Up to ten pages is fine: the longest accepted letter has exactly ten.
    let base = self::document(&request(Language::En));
    let mut longest = 0;
    for count in (100..400).step_by(4) {
        let document = with_paragraphs(base.clone(), &paragraphs[..count]);
        match lay_out(&document, &LetterSettings::default()) {
            Ok(layout) => longest = layout.pages.len(),
            Err(err) => {
                assert_eq!(err, LetterError::TooLong { max_pages: 10 });
                break;
            }
        }
    }
    assert_eq!(longest, 10);
}

fn error_finding() -> Finding {
    Finding {
        rule: "no-capitals".into(),
        severity: Severity::Error,
        message: "do not write words in capitals".into(),
        line: 3,
        column: 5,
        text: "URGENT".into(),
        suggestion: None,
        source: comms::document::SourceKind::FreeText,
        field: comms::lint::Field::Body,
        phrase: None,
    }
}

#[test]
fn error_findings_refuse_the_letter_unless_it_is_a_watermarked_draft() {
    let mut document = document(&request(Language::En));
    let findings = vec![error_finding()];
    let err =
        letter::render(&document, &findings, &LetterSettings::default()).expect_err("refused");
    let message = err.to_string();
    assert!(message.contains("draft: true"), "{message}");
    assert!(
        message.contains("line 3, column 5: do not write words in capitals [no-capitals]"),
        "{message}"
    );

    document.draft = true;
    let bytes =
        letter::render(&document, &findings, &LetterSettings::default()).expect("a draft renders");
    // The watermark is drawn as shapes, so the letter's text is unchanged...
    assert_eq!(pdftotext(&bytes), extracted_text(&document).expect("text"));
    // ...and marked as a watermark artifact on every page.
    let written = write(&bytes);
    let expanded = written.path.with_extension("qdf.pdf");
    let status = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&written.path)
        .arg(&expanded)
        .status()
        .expect("qpdf runs");
    assert!(status.success());
    let raw = std::fs::read(&expanded).expect("expanded pdf");
    let marks = raw
        .windows(b"/Watermark".len())
        .filter(|window| window == b"/Watermark")
        .count();
    assert_eq!(marks, 1, "one page, one watermark");
    let plain = pdf(&{
        let mut plain = document.clone();
        plain.draft = false;
        plain
    });
    assert_ne!(plain, bytes);
}

#[test]
fn command_writes_a_pdf_and_refuses_other_channels() {
    let dir = tempfile::tempdir().expect("temp dir");
    let yaml = dir.path().join("letter.yaml");
    std::fs::write(
        &yaml,
        serde_json::to_string(&request(Language::En)).expect("json"),
    )
    .expect("write");
    let out = dir.path().join("letter.pdf");
    let output = Command::new(env!("CARGO_BIN_EXE_comms"))
        .arg("render")
        .arg(&yaml)
        .args(["--format", "pdf", "-o"])
        .arg(&out)
        .output()
        .expect("comms runs");
    assert!(output.status.success(), "{output:?}");
    let bytes = std::fs::read(&out).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-1.7"));

    let mut email = request(Language::En);
    email.channel = Some(Channel::Email);
    email.customer.email = Some("sian@example.com".into());
    std::fs::write(&yaml, serde_json::to_string(&email).expect("json")).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_comms"))
        .arg("render")
        .arg(&yaml)
        .args(["--format", "pdf", "-o"])
        .arg(&out)
        .output()
        .expect("comms runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("needs `channel: letter`"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_comms"))
        .arg("render")
        .arg(&yaml)
        .args(["--format", "pdf", "--large-print-size", "9", "-o"])
        .arg(&out)
        .output()
        .expect("comms runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("from 14 to 24 points"), "{stderr}");
}

#[test]
fn every_letter_template_case_passes_the_readers_in_english_welsh_and_large_print() {
    let library = library();
    let cases: Vec<_> = comms::cases::case_runs(&library)
        .into_iter()
        .filter(|case| case.channel == Channel::Letter)
        .collect();
    assert!(!cases.is_empty(), "the library has letter templates");
    for case in cases {
        for large_print in [false, true] {
            let mut request = case.request.clone();
            request.large_print = large_print;
            let name = format!("{} (large print: {large_print})", case.name());
            let document =
                compose(&library, &request).unwrap_or_else(|err| panic!("{name}: {err}"));
            let bytes = letter::render(&document, &[], &LetterSettings::default())
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            let written = write(&bytes);
            assert_eq!(
                run("pdftotext", &["-enc", "UTF-8"], &written.path),
                extracted_text(&document).expect("text"),
                "{name}"
            );
            let fonts = run("pdffonts", &[], &written.path);
            assert!(
                fonts
                    .lines()
                    .skip(2)
                    .all(|row| row.contains(" yes yes yes ")),
                "{name}: {fonts}"
            );
            let check = run("qpdf", &["--check"], &written.path);
            assert!(
                check.contains("No syntax or stream encoding errors"),
                "{name}"
            );
        }
    }
}

#[test]
fn lines_never_end_in_a_hyphen_that_a_reader_would_swallow() {
    let paragraphs: Vec<String> = (0..24)
        .map(|n| {
            format!(
                "{}A self- taken photo is a well- known problem. Read https://www.gov.uk/{}{} today.",
                "pad ".repeat(n),
                "a".repeat(n),
                "b-".repeat(60)
            )
        })
        .collect();
    let document = with_paragraphs(document(&request(Language::En)), &paragraphs);
    let layout = lay_out(&document, &LetterSettings::default()).expect("layout");
    for page in &layout.pages {
        for line in &page.lines {
            assert!(!line.text.ends_with('-'), "{:?}", line.text);
        }
    }
    assert_extracts_exactly(&document, &LetterSettings::default());
}

#[test]
fn check_reports_a_phrase_the_letter_font_cannot_print() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["phrases", "templates"] {
        std::fs::create_dir(dir.path().join(folder)).expect("folder");
        for entry in std::fs::read_dir(root.join(folder)).expect("library folder") {
            let entry = entry.expect("entry");
            let text = std::fs::read_to_string(entry.path()).expect("library file");
            let text = if entry.file_name() == "photos.yaml" {
                text.replacen("We need a new photo", "We need a new 中 photo", 1)
            } else {
                text
            };
            std::fs::write(dir.path().join(folder).join(entry.file_name()), text).expect("copy");
        }
    }
    let library = Library::load(dir.path()).expect("the changed library loads");
    let report = comms::cli::check::check_library(&library);
    assert!(
        report
            .errors
            .iter()
            .any(|error| error.contains("cannot be printed")
                && error.contains("U+4E2D")
                && error.contains("phrase `photo.intro`")),
        "{:#?}",
        report.errors
    );
}
