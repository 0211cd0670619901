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
                    if hunks.is_empty() {
                        out.push_str("  only spacing or line breaks changed\n");
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
        // A checkout that turned line ends into CRLF changes no wording.
        let old = existing
            .get(&file.path)
            .map(|old| old.replace("\r\n", "\n"));
        match old {
            Some(old) if old == file.contents => comparison.unchanged += 1,
            Some(old) => {
                let (old_body, old_phrases) = split_contents(&old);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::SourcedText;
    use crate::request::{Channel, Language};

    fn case_file(path: &str, contents: &str) -> CaseFile {
        let (_, phrases) = split_contents(contents);
        CaseFile {
            path: path.into(),
            template: "t".into(),
            case: "c".into(),
            channel: Channel::Email,
            language: Language::En,
            contents: contents.into(),
            phrases,
            message_start: 0,
            sourced: SourcedText::default(),
        }
    }

    #[test]
    fn phrase_changes_name_changed_added_and_dropped_phrases() {
        let old = BTreeMap::from([
            ("kept".to_string(), "aaaaaaaa".to_string()),
            ("edited".to_string(), "bbbbbbbb".to_string()),
            ("dropped".to_string(), "cccccccc".to_string()),
        ]);
        let new = BTreeMap::from([
            ("kept".to_string(), "aaaaaaaa".to_string()),
            ("edited".to_string(), "dddddddd".to_string()),
            ("added".to_string(), "eeeeeeee".to_string()),
        ]);
        let changes = PhraseChanges::between(&old, &new);
        assert_eq!(changes.text_changed, vec!["edited".to_string()]);
        assert_eq!(changes.now_shown, vec!["added".to_string()]);
        assert_eq!(changes.no_longer_shown, vec!["dropped".to_string()]);
    }

    #[test]
    fn crlf_line_ends_match_and_unknown_files_are_stale() {
        let file = case_file("t/c.email.en.txt", "Hello\n\nthere\n");
        let existing = BTreeMap::from([
            (
                "t/c.email.en.txt".to_string(),
                "Hello\r\n\r\nthere\r\n".to_string(),
            ),
            ("t/gone.email.en.txt".to_string(), "old\n".to_string()),
        ]);
        let comparison = compare(std::slice::from_ref(&file), &existing);
        assert_eq!(comparison.unchanged, 1);
        assert!(comparison.changes.is_empty());
        assert_eq!(comparison.stale, vec!["t/gone.email.en.txt".to_string()]);
        assert!(!comparison.is_clean());
        let fresh = compare(&[file], &BTreeMap::new());
        assert_eq!(
            fresh.changes,
            vec![FileChange::New {
                path: "t/c.email.en.txt".into()
            }]
        );
    }
}
