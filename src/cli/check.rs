//! `comms check`: validate the whole library: phrases, templates, and every template case in
//! every language and channel; run every lint rule's own examples and lint every phrase in
//! each of its languages; report Welsh coverage and phrases no case shows.

use std::collections::BTreeSet;
use std::path::Path;

use clap::Args;

use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK};
use crate::cases::case_runs;
use crate::library::Library;
use crate::message::{MessageError, build_message};

#[derive(Debug, Args)]
pub struct CheckArgs {}

/// What checking the library found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

pub fn run(library_dir: &Path, _args: CheckArgs) -> u8 {
    if !library_dir.join("phrases").is_dir() || !library_dir.join("templates").is_dir() {
        eprintln!(
            "error: {}: not a library folder; expected phrases/ and templates/ inside it",
            library_dir.display()
        );
        return EXIT_BAD_INPUT;
    }
    let library = match Library::load(library_dir) {
        Ok(library) => library,
        Err(errors) => {
            for error in &errors.0 {
                println!("error: {error}");
            }
            println!("the library did not load: {} error(s)", errors.0.len());
            return EXIT_FINDINGS;
        }
    };
    let report = check_library(&library);
    for error in &report.errors {
        println!("error: {error}");
    }
    for warning in &report.warnings {
        println!("warning: {warning}");
    }
    for note in &report.notes {
        println!("{note}");
    }
    if report.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// Renders every case and gathers what is wrong with the library.
pub fn check_library(library: &Library) -> CheckReport {
    let mut report = CheckReport::default();
    let mut shown: BTreeSet<String> = BTreeSet::new();
    // Phrases shown by a template that the guidance allows to give a contact centre number.
    let mut shown_where_contact_allowed: BTreeSet<String> = BTreeSet::new();
    let runs = case_runs(library);
    for template in library.templates.values() {
        if template.spec.cases.is_empty() {
            report.errors.push(format!(
                "{}: template `{}` declares no cases; add `cases:` that show each of its phrases",
                template.spec_file.display(),
                template.id
            ));
        }
    }
    for run in &runs {
        match build_message(library, &run.request) {
            Ok(message) => {
                let document = &message.document;
                let spans = document
                    .subject
                    .iter()
                    .chain(document.blocks.iter().flat_map(|block| block.lines.iter()))
                    .flat_map(|line| line.spans.iter());
                for span in spans {
                    if let Some(id) = span.source.phrase_id() {
                        shown.insert(id.to_string());
                        if run.template.spec.allows_contact_centre {
                            shown_where_contact_allowed.insert(id.to_string());
                        }
                    }
                }
                for finding in &message.findings {
                    let list = if finding.severity == crate::lint::Severity::Error {
                        &mut report.errors
                    } else {
                        &mut report.warnings
                    };
                    list.push(format!(
                        "{}: case `{}` ({}): {}:{}: {} [{}] in `{}`",
                        run.template.spec_file.display(),
                        run.case.name,
                        run.name(),
                        finding.line,
                        finding.column,
                        finding.message,
                        finding.rule,
                        finding.text
                    ));
                }
                if document.channel == crate::request::Channel::Letter
                    && let Err(err) = crate::render::letter::extracted_text(document)
                {
                    report.errors.push(format!(
                        "{}: case `{}` ({}): the letter cannot be printed: {err}",
                        run.template.spec_file.display(),
                        run.case.name,
                        run.name(),
                    ));
                }
            }
            Err(MessageError::Compose(err)) => {
                let line = run
                    .template
                    .spec
                    .cases
                    .iter()
                    .position(|case| case.name == run.case.name)
                    .and_then(|index| run.template.case_lines.get(index))
                    .copied()
                    .unwrap_or(0);
                for problem in &err.problems {
                    report.errors.push(format!(
                        "{}:{}: case `{}` ({}): {}",
                        run.template.spec_file.display(),
                        line,
                        run.case.name,
                        run.name(),
                        problem
                    ));
                }
            }
        }
    }
    report
        .errors
        .extend(crate::lint::examples::check_examples(&library.rules));
    for phrase in library.phrases.values() {
        for language in crate::request::Language::ALL {
            let allowed = shown_where_contact_allowed.contains(phrase.id.as_str());
            for finding in crate::lint::lint_phrase(library, phrase, language, allowed) {
                let line = format!(
                    "{}:{}: phrase `{}` ({language}) breaks the house style: {} [{}] in “{}”",
                    phrase.file.display(),
                    phrase.line,
                    phrase.id,
                    finding.message,
                    finding.rule,
                    finding.text
                );
                match finding.severity {
                    crate::lint::Severity::Error => report.errors.push(line),
                    _ => report.warnings.push(line),
                }
            }
        }
    }
    for phrase in library.phrases.values() {
        // Cases always address a customer with a title, so the no-title greeting is exempt.
        let exempt = phrase.id == crate::library::structural::GREETING_NAME;
        if !shown.contains(phrase.id.as_str()) && !runs.is_empty() && !exempt {
            report.errors.push(format!(
                "{}:{}: phrase `{}` is shown by no template case; add a case that shows it, or remove it",
                phrase.file.display(),
                phrase.line,
                phrase.id
            ));
        }
    }
    let total = library.phrases.len();
    let welsh = library.phrases.values().filter(|p| p.cy.is_some()).count();
    let missing: Vec<&str> = library
        .phrases
        .values()
        .filter(|p| p.cy.is_none())
        .map(|p| p.id.as_str())
        .collect();
    let for_review = library
        .phrases
        .values()
        .filter(|p| p.review.is_some())
        .count();
    report.notes.push(format!(
        "Welsh coverage: {welsh} of {total} phrases ({}%){}; {for_review} marked for review",
        (welsh * 100).checked_div(total).unwrap_or(100),
        if missing.is_empty() {
            String::new()
        } else {
            format!("; no Welsh: {}", missing.join(", "))
        }
    ));
    report.notes.push(format!(
        "checked {} phrases, {} templates, {} case renders: {} error(s), {} warning(s)",
        total,
        library.templates.len(),
        runs.len(),
        report.errors.len(),
        report.warnings.len()
    ));
    report
}
