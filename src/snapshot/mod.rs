//! The snapshot guard: every template case rendered to a readable text file, so that no
//! wording change ships unseen.
//!
//! - [`case_file`]: one case run (template, case, channel, language) to the text of its file
//!   under `snapshots/cases/`, ending with the phrases it shows and a hash of each one's text.
//! - [`compare`]: the files the library produces against the files on disk: changed, new
//!   and stale files.
//! - [`diff`]: a word-level diff of one changed file, each change attributed to the phrase ids
//!   whose words it touches.
//!
//! Everything here is a pure function of the library and of file contents handed in; reading
//! and writing `snapshots/` happens in `comms snapshot` (`src/cli/snapshot.rs`).

pub mod case_file;
pub mod compare;
pub mod diff;

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::cases::{CaseRun, case_runs};
use crate::library::Library;
use crate::message::{MessageError, build_message};

pub use case_file::CaseFile;
pub use compare::{Comparison, FileChange, compare};

/// The folder under the snapshot folder that holds one file per case run. Other folders
/// under `snapshots/` (the tests' insta snapshots) are never touched.
pub const CASES_FOLDER: &str = "cases";

/// Why one case could not be snapshotted, naming the template file, the case and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    /// The template's declaration file.
    pub file: PathBuf,
    /// Line of the case in that file; 0 when unknown.
    pub line: u64,
    pub template: String,
    pub case: String,
    /// The runs (`CHANNEL.LANGUAGE`) that failed this way; empty when the problem is the
    /// case's declaration itself.
    pub runs: Vec<String>,
    pub problems: Vec<String>,
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        write!(f, ": template `{}`, case `{}`", self.template, self.case)?;
        if !self.runs.is_empty() {
            write!(f, " ({})", self.runs.join(", "))?;
        }
        write!(f, ":")?;
        for problem in &self.problems {
            write!(f, "\n    {problem}")?;
        }
        Ok(())
    }
}

/// Renders every case run of the library to its snapshot file, in the stable order of
/// [`case_runs`], on all available cores. `progress(done, total)` is called after each file.
///
/// Returns every problem found, not just the first: case names that cannot be file names,
/// cases declared twice, and cases that fail to compose or render.
pub fn render_cases(
    library: &Library,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<CaseFile>, Vec<CaseError>> {
    let runs = case_runs(library);
    let mut errors = check_case_names(library);
    let total = runs.len();
    let (next, done) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let workers = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, total.max(1));
    // Each worker takes the next run not yet taken, so slow renders (letters) spread evenly.
    let mut results: Vec<(usize, Result<CaseFile, Box<CaseError>>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (next, done, runs) = (&next, &done, &runs);
                scope.spawn(move || {
                    let mut results = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(run) = runs.get(index) else {
                            break results;
                        };
                        results.push((index, render_case(library, run)));
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    let mut files = Vec::with_capacity(total);
    for (_, result) in results {
        match result {
            Ok(file) => files.push(file),
            // The same problem in the same case on another channel or language is one error.
            Err(error) => match errors.last_mut() {
                Some(last)
                    if last.template == error.template
                        && last.case == error.case
                        && last.problems == error.problems
                        && !last.runs.is_empty() =>
                {
                    last.runs.extend(error.runs)
                }
                _ => errors.push(*error),
            },
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Renders one case run to its file.
fn render_case(library: &Library, run: &CaseRun<'_>) -> Result<CaseFile, Box<CaseError>> {
    let failure = |problems: Vec<String>| {
        Box::new(CaseError {
            file: run.template.spec_file.clone(),
            line: case_line(run),
            template: run.template.id.to_string(),
            case: run.case.name.clone(),
            runs: vec![format!("{}.{}", run.channel, run.language)],
            problems,
        })
    };
    let message = build_message(library, &run.request).map_err(|err| match err {
        MessageError::Compose(err) => {
            failure(err.problems.iter().map(ToString::to_string).collect())
        }
    })?;
    case_file::render(library, run, &message).map_err(|problem| failure(vec![problem]))
}

fn case_line(run: &CaseRun<'_>) -> u64 {
    run.template
        .spec
        .cases
        .iter()
        .position(|case| std::ptr::eq(case, run.case))
        .and_then(|index| run.template.case_lines.get(index))
        .copied()
        .unwrap_or(0)
}

/// Case names become file names: they must be safe, and unique within their template.
fn check_case_names(library: &Library) -> Vec<CaseError> {
    let mut errors = Vec::new();
    for template in library.templates.values() {
        let mut seen = BTreeSet::new();
        for (index, case) in template.spec.cases.iter().enumerate() {
            let mut problems = Vec::new();
            if !valid_case_name(&case.name) {
                problems.push(format!(
                    "the case name `{}` names a snapshot file, so it may use only a-z, A-Z, 0-9, `-` and `_`, and must not be empty",
                    case.name
                ));
            }
            if !seen.insert(case.name.as_str()) {
                problems.push(format!(
                    "a case named `{}` is declared twice; give each case its own name",
                    case.name
                ));
            }
            if !problems.is_empty() {
                errors.push(CaseError {
                    file: template.spec_file.clone(),
                    line: template.case_lines.get(index).copied().unwrap_or(0),
                    template: template.id.to_string(),
                    case: case.name.clone(),
                    runs: Vec::new(),
                    problems,
                });
            }
        }
    }
    errors
}

fn valid_case_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The template cases that show one phrase: for each `TEMPLATE/CASE`, the runs
/// (`CHANNEL.LANGUAGE`) whose message shows it, in the stable order of the case files.
pub fn cases_showing(files: &[CaseFile], phrase_id: &str) -> Vec<(String, Vec<String>)> {
    let mut cases: Vec<(String, Vec<String>)> = Vec::new();
    for file in files
        .iter()
        .filter(|file| file.phrases.contains_key(phrase_id))
    {
        let case = format!("{}/{}", file.template, file.case);
        let run = format!("{}.{}", file.channel, file.language);
        match cases.last_mut() {
            Some((last, runs)) if *last == case => runs.push(run),
            _ => cases.push((case, vec![run])),
        }
    }
    cases
}

/// Phrase ids that look like `wanted`, closest first: for "did you mean" in errors.
pub fn close_phrase_ids<'a>(library: &'a Library, wanted: &str) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = library
        .phrases
        .keys()
        .map(|id| {
            let mut score = strsim::jaro_winkler(&wanted_lower, id);
            if !wanted_lower.is_empty() && id.contains(&wanted_lower) {
                score = score.max(0.9);
            }
            (score, id.as_str())
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(5).map(|(_, id)| id).collect()
}
