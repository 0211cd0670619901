//! The snapshot guard end to end: `comms snapshot`, `comms snapshot --check` and
//! `comms impact`, run as a content designer runs them, on temporary copies of the library.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use comms::cases::case_runs;
use comms::library::Library;
use comms::message::build_message;
use comms::request::Language;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn comms(library: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_comms"))
        .arg("--library")
        .arg(library)
        .args(args)
        .env_remove("COMMS_LIBRARY")
        .output()
        .expect("the comms binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A temporary copy of the library shipped in the repository.
fn copy_of_shipped_library() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for folder in ["phrases", "templates"] {
        copy_folder(&Path::new(REPO).join(folder), &dir.path().join(folder));
    }
    dir
}

/// The English case files (`TEMPLATE/CASE.CHANNEL.en.txt`) whose message shows `phrase`,
/// worked out from the composed documents, independently of the snapshot code.
fn english_files_showing(library: &Library, phrase: &str) -> BTreeSet<String> {
    case_runs(library)
        .into_iter()
        .filter(|run| run.language == Language::En)
        .filter(|run| {
            let message = build_message(library, &run.request).expect("every case composes");
            let document = &message.document;
            document
                .subject
                .iter()
                .chain(document.blocks.iter().flat_map(|block| block.lines.iter()))
                .flat_map(|line| line.spans.iter())
                .any(|span| span.source.phrase_id() == Some(phrase))
        })
        .map(|run| format!("{}.txt", run.name()))
        .collect()
}

/// A phrase shown by some English case files but not all, and a word of its English text
/// (outside placeholders) to change.
fn phrase_to_edit(library: &Library) -> (String, String, BTreeSet<String>) {
    let english_files = case_runs(library)
        .iter()
        .filter(|run| run.language == Language::En)
        .count();
    for phrase in library.phrases.values() {
        let shown = english_files_showing(library, &phrase.id);
        if shown.is_empty() || shown.len() == english_files {
            continue;
        }
        let word = phrase.en.segments.iter().find_map(|segment| match segment {
            comms::library::Segment::Text(text) => text
                .split(|c: char| !c.is_ascii_alphabetic())
                .find(|word| word.len() >= 5)
                .map(str::to_string),
            _ => None,
        });
        if let Some(word) = word {
            return (phrase.id.to_string(), word, shown);
        }
    }
    panic!("the shipped library has no phrase shown by only some cases");
}

/// Replaces `word` with `replacement` on the `en:` line of `phrase_id` in its phrase file.
fn edit_english_word(library: &Library, phrase_id: &str, word: &str, replacement: &str) {
    let phrase = library.phrase(phrase_id).expect("phrase exists");
    let source = std::fs::read_to_string(&phrase.file).expect("read phrase file");
    let mut lines: Vec<String> = source.lines().map(str::to_string).collect();
    let en_line = lines
        .iter()
        .enumerate()
        .skip(phrase.line as usize)
        .find(|(_, line)| line.trim_start().starts_with("en:"))
        .map(|(index, _)| index)
        .expect("the phrase has an en: line");
    assert!(lines[en_line].contains(word), "{word} is on the en: line");
    lines[en_line] = lines[en_line].replacen(word, replacement, 1);
    std::fs::write(&phrase.file, lines.join("\n") + "\n").expect("write phrase file");
}

/// The `changed:` blocks of a `--check` report: file path and the lines under it.
fn changed_blocks(report: &str) -> Vec<(String, String)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut in_block = false;
    for line in report.lines() {
        if let Some(path) = line.strip_prefix("changed: ") {
            blocks.push((path.to_string(), String::new()));
            in_block = true;
        } else if in_block && line.starts_with("  ") {
            if let Some((_, body)) = blocks.last_mut() {
                body.push_str(line);
                body.push('\n');
            }
        } else {
            in_block = false;
        }
    }
    blocks
}

#[test]
fn one_changed_word_fails_check_in_exactly_the_cases_that_show_it_and_restoring_passes() {
    let dir = copy_of_shipped_library();
    let library = Library::load(dir.path()).expect("the shipped library loads");
    let (phrase_id, word, expected) = phrase_to_edit(&library);

    let written = comms(dir.path(), &["snapshot"]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let clean = comms(dir.path(), &["snapshot", "--check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));

    let phrase_file = library.phrase(&phrase_id).expect("phrase").file.clone();
    let original = std::fs::read(&phrase_file).expect("read phrase file");
    edit_english_word(&library, &phrase_id, &word, "zyxwvut");
    let check = comms(dir.path(), &["snapshot", "--check"]);
    let report = stdout(&check);
    assert_eq!(check.status.code(), Some(1), "{report}{}", stderr(&check));
    let blocks = changed_blocks(&report);
    let changed: BTreeSet<String> = blocks.iter().map(|(path, _)| path.clone()).collect();
    assert_eq!(changed, expected, "{report}");
    assert!(
        !report.contains("\nnew: ") && !report.contains("\nstale: "),
        "{report}"
    );
    for (path, body) in &blocks {
        assert!(
            body.contains(&format!("phrase text changed: {phrase_id}\n")),
            "{path} names the phrase: {body}"
        );
        assert!(
            body.contains(&format!("[-{word}-]{{+zyxwvut+}}")),
            "{path} shows the word: {body}"
        );
        assert!(
            body.contains(&format!("({phrase_id})")),
            "{path} attributes the change: {body}"
        );
    }
    // --check wrote nothing.
    let still = comms(dir.path(), &["snapshot", "--check"]);
    assert_eq!(still.status.code(), Some(1));

    std::fs::write(&phrase_file, original).expect("restore phrase file");
    let restored = comms(dir.path(), &["snapshot", "--check"]);
    assert_eq!(restored.status.code(), Some(0), "{}", stdout(&restored));
}

#[test]
fn impact_lists_the_cases_that_show_a_phrase_and_suggests_close_ids() {
    let dir = copy_of_shipped_library();
    let library = Library::load(dir.path()).expect("the shipped library loads");
    let (phrase_id, _, expected) = phrase_to_edit(&library);

    let output = comms(dir.path(), &["impact", &phrase_id]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let listed: BTreeSet<String> = stdout(&output)
        .lines()
        .filter_map(|line| line.strip_prefix("  "))
        .flat_map(|line| {
            let (case, runs) = line.split_once(": ").expect("case: runs");
            runs.split(' ')
                .filter(|run| run.ends_with(".en"))
                .map(move |run| format!("{case}.{run}.txt"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(listed, expected, "{}", stdout(&output));

    let typo = &phrase_id[..phrase_id.len() - 1];
    let unknown = comms(dir.path(), &["impact", typo]);
    assert_eq!(unknown.status.code(), Some(2));
    let message = stderr(&unknown);
    assert!(
        message.contains(&format!("no phrase `{typo}`")),
        "{message}"
    );
    assert!(message.contains(&format!("`{phrase_id}`")), "{message}");
}

/// A small library of its own: the structural phrases and one template with two cases.
fn small_library(extra_cases: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("phrases")).expect("phrases folder");
    std::fs::create_dir_all(dir.path().join("templates")).expect("templates folder");
    std::fs::copy(
        Path::new(REPO).join("phrases/common.yaml"),
        dir.path().join("phrases/common.yaml"),
    )
    .expect("copy common phrases");
    let write = |path: &str, text: &str| {
        std::fs::write(dir.path().join(path), text).expect("write library file");
    };
    write(
        "phrases/colours.yaml",
        "subject.colour:\n  en: Your colour\n  cy: Eich lliw\n\
         colour.intro:\n  en: Thank you for choosing a colour for your passport cover.\n  cy: Diolch am ddewis lliw.\n\
         colour.red:\n  en: You chose red, which we can print.\n  cy: Dewisoch goch.\n\
         colour.blue:\n  en: You chose blue, which we can print.\n  cy: Dewisoch las.\n",
    );
    write(
        "templates/colour.yaml",
        &format!(
            "name: Colour\npurpose: Confirm a colour.\nchannels: [email]\nsubject: subject.colour\n\
             questions:\n  - id: colour\n    label: Which colour?\n    kind: radio\n    required: true\n    options:\n\
             \x20     - {{ value: red, label: Red }}\n      - {{ value: blue, label: Blue }}\n\
             cases:\n  - name: red\n    answers: {{ colour: red }}\n    languages: [en]\n\
             \x20 - name: blue\n    answers: {{ colour: blue }}\n    languages: [en]\n{extra_cases}"
        ),
    );
    write(
        "templates/colour.tera",
        "{{ phrase(id=\"colour.intro\") }}\n\n{{ phrase(id=\"colour.\" ~ answers.colour) }}\n",
    );
    dir
}

#[test]
fn the_check_report_shows_words_phrases_new_and_stale_files() {
    let dir = small_library("");
    let written = comms(dir.path(), &["snapshot"]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let cases = dir.path().join("snapshots/cases");
    let red = cases.join("colour/red.email.en.txt");
    let first = std::fs::read_to_string(&red).expect("red case file");
    insta::with_settings!({ snapshot_path => "../snapshots/guard", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("case_file", first);
    });

    // One word of a phrase both cases show, one of a phrase only one shows, a file gone, a
    // stale file, and another tool's snapshot beside the case files.
    let phrases = dir.path().join("phrases/colours.yaml");
    let source = std::fs::read_to_string(&phrases).expect("phrases");
    std::fs::write(
        &phrases,
        source
            .replace("for your passport cover", "for your new passport cover")
            .replace("You chose red, which", "You picked red, which"),
    )
    .expect("edit phrases");
    std::fs::remove_file(cases.join("colour/blue.email.en.txt")).expect("remove a case file");
    std::fs::create_dir_all(cases.join("retired")).expect("stale folder");
    std::fs::write(cases.join("retired/old.email.en.txt"), "old words\n").expect("stale file");
    let other_tool = dir.path().join("snapshots/email/render__plain.snap");
    std::fs::create_dir_all(other_tool.parent().expect("parent")).expect("insta folder");
    std::fs::write(&other_tool, "insta snapshot\n").expect("insta file");

    let check = comms(dir.path(), &["snapshot", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    let report = stdout(&check).replace(&dir.path().display().to_string(), "LIBRARY");
    insta::with_settings!({ snapshot_path => "../snapshots/guard", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("check_report", report);
    });
    assert!(report.contains("new: colour/blue.email.en.txt"), "{report}");
    assert!(
        report.contains("stale: retired/old.email.en.txt"),
        "{report}"
    );
    assert!(!report.contains("render__plain"), "{report}");

    let rewritten = comms(dir.path(), &["snapshot"]);
    assert_eq!(rewritten.status.code(), Some(0), "{}", stderr(&rewritten));
    assert!(
        !cases.join("retired").exists(),
        "the stale file and its folder are removed"
    );
    assert!(
        other_tool.exists(),
        "snapshots outside cases/ are left alone"
    );
    assert!(
        std::fs::read_to_string(&red)
            .expect("red case file")
            .contains("You picked red")
    );
    let clean = comms(dir.path(), &["snapshot", "--check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
}

#[test]
fn cases_that_cannot_be_rendered_are_errors_naming_template_and_case() {
    let dir = small_library(
        "  - name: green\n    answers: { colour: green }\n    languages: [en]\n\
         \x20 - name: ../escape\n    answers: { colour: red }\n    languages: [en]\n",
    );
    let output = comms(dir.path(), &["snapshot"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let message = stderr(&output);
    let spec = PathBuf::from("templates").join("colour.yaml");
    assert!(message.contains(&spec.display().to_string()), "{message}");
    assert!(
        message.contains("template `colour`, case `green`"),
        "{message}"
    );
    assert!(message.contains("green"), "{message}");
    assert!(message.contains("red, blue"), "{message}");
    assert!(
        message.contains("template `colour`, case `../escape`"),
        "{message}"
    );
    assert!(
        !dir.path().join("snapshots").exists(),
        "nothing is written when a case fails"
    );
    let check = comms(dir.path(), &["snapshot", "--check"]);
    assert_eq!(check.status.code(), Some(2));
}
