//! `comms snapshot [--check]`: write, or check, one text file per template case, channel and
//! language under `snapshots/cases/`, so that every wording change is seen in review.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, load_library, write_output};
use crate::snapshot::{CASES_FOLDER, CaseError, CaseFile, FileChange, compare, render_cases};

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Write nothing: exit 1 and print a word diff naming the changed phrases when any case
    /// file differs from what the library renders; exit 0 when all match.
    #[arg(long)]
    pub check: bool,
    /// The snapshot folder; case files go in its `cases/` folder. Defaults to `snapshots/` in
    /// the library folder.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(library_dir: &Path, args: SnapshotArgs) -> u8 {
    let library = match load_library(library_dir) {
        Ok(library) => library,
        Err(status) => return status,
    };
    let cases_dir = args
        .dir
        .unwrap_or_else(|| library_dir.join("snapshots"))
        .join(CASES_FOLDER);
    let files = match render_with_progress(&library) {
        Ok(files) => files,
        Err(errors) => {
            eprintln!(
                "error: {} problem{} with template cases; {} is left as it is:",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                cases_dir.display()
            );
            for error in &errors {
                eprintln!("  {error}");
            }
            return EXIT_BAD_INPUT;
        }
    };
    let existing = match read_case_files(&cases_dir) {
        Ok(existing) => existing,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_BAD_INPUT;
        }
    };
    let comparison = compare(&files, &existing);
    let (status, out) = if args.check {
        let mut out = comparison.report(std::io::stdout().is_terminal());
        if comparison.is_clean() {
            (EXIT_OK, out)
        } else {
            out.push_str(&format!(
                "If these wordings are intended, run `comms snapshot` and commit {} with your change.\n",
                cases_dir.display()
            ));
            (EXIT_FINDINGS, out)
        }
    } else {
        let mut out = String::new();
        let result = write_changes(&cases_dir, &files, &comparison, &mut out);
        if let Err(message) = result {
            // Say what was done before the failure, then why it stopped.
            let _ = write_output(None, out.as_bytes());
            eprintln!("error: {message}");
            return EXIT_BAD_INPUT;
        }
        (EXIT_OK, out)
    };
    // A closed pipe (`| head`) is not an error worth a message; the status still tells.
    let _ = write_output(None, out.as_bytes());
    status
}

/// Renders every case file, showing a progress line on standard error when it is a terminal.
fn render_with_progress(
    library: &crate::library::Library,
) -> Result<Vec<CaseFile>, Vec<CaseError>> {
    let terminal = std::io::stderr().is_terminal();
    // Workers finish out of order: show only counts higher than the last one shown.
    let shown = std::sync::Mutex::new(0usize);
    let progress = |done: usize, total: usize| {
        let step = (total / 100).max(1);
        if !terminal || !(done.is_multiple_of(step) || done == total) {
            return;
        }
        if let Ok(mut shown) = shown.lock()
            && done > *shown
        {
            *shown = done;
            eprint!("\rrendering case files: {done}/{total}");
        }
    };
    let result = render_cases(library, &progress);
    if terminal {
        eprint!("\r\x1b[K");
    }
    result
}

/// Every file under the cases folder: path relative to it (with `/`) to its contents. A
/// folder that does not exist yet holds no files.
fn read_case_files(cases_dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut files = BTreeMap::new();
    if !cases_dir.exists() {
        return Ok(files);
    }
    let mut folders = vec![cases_dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|err| format!("{}: cannot read the folder: {err}", folder.display()))?;
        for entry in entries {
            let entry = entry
                .map_err(|err| format!("{}: cannot read the folder: {err}", folder.display()))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
            if kind.is_dir() {
                folders.push(path);
                continue;
            }
            let bytes = std::fs::read(&path)
                .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
            files.insert(
                relative_name(cases_dir, &path),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        }
    }
    Ok(files)
}

/// `TEMPLATE/CASE.CHANNEL.LANGUAGE.txt` for a path inside the cases folder.
fn relative_name(cases_dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(cases_dir).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Writes changed and new files, removes stale ones and the folders they leave empty, and
/// says what it did in `out`.
fn write_changes(
    cases_dir: &Path,
    files: &[CaseFile],
    comparison: &crate::snapshot::Comparison,
    out: &mut String,
) -> Result<(), String> {
    let by_path: BTreeMap<&str, &CaseFile> = files
        .iter()
        .map(|file| (file.path.as_str(), file))
        .collect();
    for change in &comparison.changes {
        let Some(file) = by_path.get(change.path()) else {
            continue;
        };
        let path = cases_dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("{}: cannot create the folder: {err}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents)
            .map_err(|err| format!("{}: cannot write: {err}", path.display()))?;
        let verb = match change {
            FileChange::Changed { .. } => "updated",
            FileChange::New { .. } => "wrote",
        };
        out.push_str(&format!("{verb}: {}\n", file.path));
    }
    for stale in &comparison.stale {
        let path = cases_dir.join(stale);
        std::fs::remove_file(&path)
            .map_err(|err| format!("{}: cannot remove: {err}", path.display()))?;
        out.push_str(&format!("removed: {stale} (no case produces it)\n"));
        let mut folder = path.parent();
        while let Some(dir) = folder.filter(|dir| *dir != cases_dir && dir.starts_with(cases_dir)) {
            // Only empty folders can be removed; the first that is not stops the climb.
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
            folder = dir.parent();
        }
    }
    out.push_str(&format!(
        "{} case files in {}: {} unchanged, {} written, {} removed\n",
        comparison.files,
        cases_dir.display(),
        comparison.unchanged,
        comparison.changes.len(),
        comparison.stale.len()
    ));
    Ok(())
}
