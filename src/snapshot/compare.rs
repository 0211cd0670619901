//! The case files the library produces against the files in `snapshots/cases/`: which match,
//! which changed (with a word diff and the phrases behind it), which are new, and which files
//! no case produces any more.

use std::collections::{BTreeMap, BTreeSet};

use super::case_file::{CaseFile, split_contents};
use super::diff::{Hunk, format_hunk, word_diff};

/// How the phrases a file shows differ between the file on disk and the library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhraseChanges {
    /// Shown before and now, with different text.
    pub text_changed: Vec<String>,
    /// Shown now, not before.
    pub now_shown: Vec<String>,
    /// Shown before, not now.
    pub no_longer_shown: Vec<String>,
}

impl PhraseChanges {
    fn between(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Self {
        let mut changes = PhraseChanges::default();
        for (id, hash) in new {
            match old.get(id) {
                Some(old_hash) if old_hash != hash => changes.text_changed.push(id.clone()),
                Some(_) => {}
                None => changes.now_shown.push(id.clone()),
            }
        }
        changes.no_longer_shown = old
            .keys()
            .filter(|id| !new.contains_key(*id))
            .cloned()
            .collect();
        changes
    }

    pub fn is_empty(&self) -> bool {
        self.text_changed.is_empty() && self.now_shown.is_empty() && self.no_longer_shown.is_empty()
    }
}

/// One case file that is not as the library would write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// The file exists with different contents.
    Changed {
        path: String,
        phrases: PhraseChanges,
        hunks: Vec<Hunk>,
    },
    /// No file yet.
    New { path: String },
}

impl FileChange {
    pub fn path(&self) -> &str {
        match self {
            FileChange::Changed { path, .. } | FileChange::New { path } => path,
        }
    }
}

/// The outcome of comparing the library's case files with the snapshot folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Case files the library produces.
    pub files: usize,
    pub unchanged: usize,
    /// Changed and new files, in the order of the case files.
    pub changes: Vec<FileChange>,
    /// Files in the folder that no case produces, sorted.
    pub stale: Vec<String>,
}

impl Comparison {
    /// True when the folder holds exactly the files the library produces.
    pub fn is_clean(&self) -> bool {
        self.changes.is_empty() && self.stale.is_empty()
    }

    /// The human report of `comms snapshot --check`: every changed file with its phrases and
    /// word diff, new and stale files, and a summary line.
    pub fn report(&self, color: bool) -> String {
        let mut out = String::new();
        for change in &self.changes {
            match change {
                FileChange::Changed {
                    path,
                    phrases,
                    hunks,
                } => {
                    out.push_str(&format!("changed: {path}\n"));
                    let lists = [
                        ("phrase text changed", &phrases.text_changed),
                        ("phrase now shown", &phrases.now_shown),
                        ("phrase no longer shown", &phrases.no_longer_shown),
                    ];
                    for (label, ids) in lists {
                        if !ids.is_empty() {
                            out.push_str(&format!("  {label}: {}\n", ids.join(", ")));
                        }
                    }
                    if phrases.is_empty() {
                        out.push_str(
                            "  no phrase text changed: the layout, a filled-in value or the case itself changed\n",
                        );
                    }
                    for hunk in hunks {
                        out.push_str(&format!(
                            "  line {}: {}",
                            hunk.line,
                            format_hunk(hunk, color)
                        ));
                        if !hunk.phrases.is_empty() {
                            out.push_str(&format!("  ({})", hunk.phrases.join(", ")));
                        }
                        out.push('\n');
                    }
                }
                FileChange::New { path } => {
                    out.push_str(&format!("new: {path} (no snapshot file yet)\n"));
                }
            }
        }
        for path in &self.stale {
            out.push_str(&format!(
                "stale: {path} (no case produces this file; `comms snapshot` removes it)\n"
            ));
        }
        let changed = self
            .changes
            .iter()
            .filter(|change| matches!(change, FileChange::Changed { .. }))
            .count();
        out.push_str(&format!(
            "{} case files: {} match, {changed} changed, {} new, {} stale\n",
            self.files,
            self.unchanged,
            self.changes.len() - changed,
            self.stale.len()
        ));
        out
    }
}

/// Compares the case files the library produces with `existing`: path under
/// `snapshots/cases/` to the file's contents.
pub fn compare(files: &[CaseFile], existing: &BTreeMap<String, String>) -> Comparison {
    let mut comparison = Comparison {
        files: files.len(),
        ..Comparison::default()
    };
    let produced: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    for file in files {
        match existing.get(&file.path) {
            Some(old) if *old == file.contents => comparison.unchanged += 1,
            Some(old) => {
                let (old_body, old_phrases) = split_contents(old);
                let phrases = PhraseChanges::between(&old_phrases, &file.phrases);
                let changed: BTreeSet<String> = phrases.text_changed.iter().cloned().collect();
                let hunks = word_diff(old_body, file, &changed);
                comparison.changes.push(FileChange::Changed {
                    path: file.path.clone(),
                    phrases,
                    hunks,
                });
            }
            None => comparison.changes.push(FileChange::New {
                path: file.path.clone(),
            }),
        }
    }
    comparison.stale = existing
        .keys()
        .filter(|path| !produced.contains(path.as_str()))
        .cloned()
        .collect();
    comparison
}
