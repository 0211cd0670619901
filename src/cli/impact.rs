//! `comms impact PHRASE_ID`: every template case, channel and language whose message shows a
//! phrase, so a content designer knows what a change to it touches before making it.

use std::path::Path;

use clap::Args;

use super::{EXIT_BAD_INPUT, EXIT_OK, load_library, write_output};
use crate::snapshot::{cases_showing, close_phrase_ids, render_cases};

#[derive(Debug, Args)]
pub struct ImpactArgs {
    /// The phrase id, as written in phrases/*.yaml (for example `photo.intro`).
    pub phrase: String,
}

pub fn run(library_dir: &Path, args: ImpactArgs) -> u8 {
    let library = match load_library(library_dir) {
        Ok(library) => library,
        Err(status) => return status,
    };
    let Some(phrase) = library.phrase(&args.phrase) else {
        let close = close_phrase_ids(&library, &args.phrase);
        eprint!("error: there is no phrase `{}` in phrases/", args.phrase);
        if close.is_empty() {
            eprintln!("; `comms templates` and phrases/*.yaml list what there is");
        } else {
            eprintln!("; did you mean {}?", quoted_list(&close));
        }
        return EXIT_BAD_INPUT;
    };
    let files = match render_cases(&library, &|_, _| {}) {
        Ok(files) => files,
        Err(errors) => {
            eprintln!("error: some cases cannot be rendered, so the answer would be incomplete:");
            for error in &errors {
                eprintln!("  {error}");
            }
            return EXIT_BAD_INPUT;
        }
    };
    let cases = cases_showing(&files, &phrase.id);
    let where_defined = format!("{}:{}", phrase.file.display(), phrase.line);
    if cases.is_empty() {
        let out = format!(
            "{} ({where_defined}) is shown by no template case; `comms check` reports it\n",
            phrase.id
        );
        let _ = write_output(None, out.as_bytes());
        return EXIT_OK;
    }
    let renders: usize = cases.iter().map(|(_, runs)| runs.len()).sum();
    let templates = {
        let mut names: Vec<&str> = cases
            .iter()
            .filter_map(|(case, _)| case.split('/').next())
            .collect();
        names.dedup();
        names.len()
    };
    let mut out = format!(
        "{} ({where_defined}) is shown by {} case{} of {templates} template{} ({renders} snapshot file{}):\n",
        phrase.id,
        cases.len(),
        plural(cases.len()),
        plural(templates),
        plural(renders)
    );
    for (case, runs) in &cases {
        out.push_str(&format!("  {case}: {}\n", runs.join(" ")));
    }
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = write_output(None, out.as_bytes());
    EXIT_OK
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn quoted_list(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
