//! The snapshot guard's speed: every case file of the shipped library rendered and compared
//! with `snapshots/cases/` (target under 2 s), and how the time grows with the number of case
//! files, on generated libraries of increasing size.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use comms::library::Library;
use comms::snapshot::{compare, render_cases};

/// Templates in each generated library; each has `OPTIONS` cases on 2 channels in 2 languages.
const SIZES: [usize; 4] = [10, 50, 100, 200];
const OPTIONS: usize = 8;

fn main() {
    comms::tune_allocator();
    let shipped = common::repo_library();
    let existing = read_case_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/cases"));
    let mut count = 0;
    let (median, _) = common::time_samples(5, || {
        let files = render_cases(&shipped, &|_, _| {}).expect("the shipped cases render");
        count = files.len();
        std::hint::black_box(compare(&files, &existing));
    });
    common::report(
        &format!("snapshot --check, shipped library ({count} case files)"),
        median,
        Duration::from_secs(2),
    );

    println!("growth with the number of case files (render and compare, median of 3):");
    let common_phrases =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("phrases/common.yaml"))
            .expect("phrases/common.yaml");
    for templates in SIZES {
        let sources = generated_library(templates);
        let mut files: Vec<(&str, &str)> = sources
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str()))
            .collect();
        files.push(("phrases/common.yaml", &common_phrases));
        let library = Library::from_sources(&files).expect("the generated library loads");
        let written: BTreeMap<String, String> = render_cases(&library, &|_, _| {})
            .expect("generated cases render")
            .into_iter()
            .map(|file| (file.path, file.contents))
            .collect();
        let mut count = 0;
        let (all_match, _) = common::time_samples(3, || {
            let files = render_cases(&library, &|_, _| {}).expect("generated cases render");
            count = files.len();
            std::hint::black_box(compare(&files, &written));
        });
        // Every file differs: one word changed in a phrase every case shows.
        let changed: BTreeMap<String, String> = written
            .iter()
            .map(|(path, text)| {
                (
                    path.clone(),
                    text.replacen("Thank you", "Thanks", 1).replacen(
                        "Diolch am",
                        "Diolch yn fawr am",
                        1,
                    ),
                )
            })
            .collect();
        let start = Instant::now();
        let files = render_cases(&library, &|_, _| {}).expect("generated cases render");
        let comparison = compare(&files, &changed);
        let all_changed = start.elapsed();
        assert_eq!(comparison.changes.len(), count);
        println!(
            "  {count:>5} case files: {all_match:>10.1?} all matching ({:>6.1?} per file), {all_changed:>10.1?} with every file changed",
            all_match / count as u32
        );
    }
}

/// A library of `templates` templates, each with one radio question of `OPTIONS` values and a
/// case per value, on email and letter, in English and Welsh.
fn generated_library(templates: usize) -> Vec<(String, String)> {
    let mut sources = Vec::new();
    for t in 0..templates {
        let mut phrases = format!(
            "subject.gen{t}:\n  en: Your application {t}\n  cy: Eich cais {t}\n\
             gen{t}.intro:\n  en: Thank you for your passport application, which we are checking now.\n  cy: Diolch am eich cais am basbort, yr ydym yn ei wirio nawr.\n"
        );
        let mut options = String::new();
        let mut cases = String::new();
        for o in 0..OPTIONS {
            phrases.push_str(&format!(
                "gen{t}.option{o}:\n  en: We need document number {o} from you before we can continue with your application.\n  cy: Mae angen dogfen rhif {o} arnom gennych cyn y gallwn barhau â'ch cais.\n"
            ));
            options.push_str(&format!(
                "      - {{ value: option{o}, label: Option {o} }}\n"
            ));
            cases.push_str(&format!(
                "  - name: option{o}\n    answers: {{ choice: option{o} }}\n"
            ));
        }
        sources.push((format!("phrases/gen{t}.yaml"), phrases));
        sources.push((
            format!("templates/gen{t}.yaml"),
            format!(
                "name: Generated {t}\npurpose: Benchmark.\nchannels: [email, letter]\nsubject: subject.gen{t}\n\
                 asks_for_reply: true\nquestions:\n  - id: choice\n    label: Which?\n    kind: radio\n    required: true\n    options:\n{options}cases:\n{cases}"
            ),
        ));
        sources.push((
            format!("templates/gen{t}.tera"),
            format!(
                "{{{{ phrase(id=\"gen{t}.intro\") }}}}\n\n{{{{ phrase(id=\"gen{t}.\" ~ answers.choice) }}}}\n"
            ),
        ));
    }
    sources
}

/// The case files on disk, as `comms snapshot --check` reads them.
fn read_case_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if let (Ok(text), Ok(relative)) =
                (std::fs::read_to_string(&path), path.strip_prefix(dir))
            {
                files.insert(relative.to_string_lossy().replace('\\', "/"), text);
            }
        }
    }
    files
}
