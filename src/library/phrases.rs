//! Phrases: the approved wording, in English and Welsh, read from `phrases/*.yaml`.
//!
//! A phrase file maps stable ids to their text:
//!
//! ```yaml
//! photo.intro:
//!   en: We need a new photo of you.
//!   cy: Mae angen llun newydd ohonoch chi arnom.
//!   review: Welsh to be checked by the Welsh Language Unit.   # optional
//! ```
//!
//! Text may hold placeholders in braces, such as `{customer.last_name}`; see [`Placeholder`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

use super::error::{LibraryError, yaml_error};
use crate::document::SharedStr;
use crate::request::Language;

/// One approved phrase.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub id: SharedStr,
    pub en: PhraseText,
    pub cy: Option<PhraseText>,
    /// A note for translators or reviewers; never shown to customers.
    pub review: Option<String>,
    /// Where the phrase is defined.
    pub file: std::path::PathBuf,
    pub line: u64,
}

impl Phrase {
    /// The text in `language`, if the phrase has it.
    pub fn text(&self, language: Language) -> Option<&PhraseText> {
        match language {
            Language::En => Some(&self.en),
            Language::Cy => self.cy.as_ref(),
        }
    }
}

/// Phrase text split into literal text and placeholders.
#[derive(Debug, Clone, PartialEq)]
pub struct PhraseText {
    pub raw: String,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Text(SharedStr),
    Placeholder(Placeholder),
}

/// A value filled into a phrase when a message is composed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    CustomerTitle,
    CustomerFirstName,
    CustomerLastName,
    /// Title and surname when the customer gave a title, otherwise first name and surname.
    CustomerName,
    /// First name and surname.
    CustomerFullName,
    StaffFirstName,
    StaffInitials,
    StaffOffice,
    Reference,
    /// The date of the message, DD Month YYYY.
    Today,
    /// "Good morning", "Good afternoon" or "Good evening" in the customer's time zone.
    GoodTimeOfDay,
    /// The answer to a short text, date or money question of the template.
    Answer(String),
}

impl Placeholder {
    /// Every fixed placeholder name, for error messages.
    pub const FIXED: [(&'static str, Placeholder); 11] = [
        ("customer.title", Placeholder::CustomerTitle),
        ("customer.first_name", Placeholder::CustomerFirstName),
        ("customer.last_name", Placeholder::CustomerLastName),
        ("customer.name", Placeholder::CustomerName),
        ("customer.full_name", Placeholder::CustomerFullName),
        ("staff.first_name", Placeholder::StaffFirstName),
        ("staff.initials", Placeholder::StaffInitials),
        ("staff.office", Placeholder::StaffOffice),
        ("application.reference", Placeholder::Reference),
        ("today", Placeholder::Today),
        ("good_time_of_day", Placeholder::GoodTimeOfDay),
    ];

    pub fn parse(name: &str) -> Option<Placeholder> {
        if let Some(question) = name.strip_prefix("answers.") {
            let valid = !question.is_empty()
                && question
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            return valid.then(|| Placeholder::Answer(question.to_string()));
        }
        Placeholder::FIXED
            .iter()
            .find(|(fixed, _)| *fixed == name)
            .map(|(_, placeholder)| placeholder.clone())
    }

    pub fn name(&self) -> String {
        match self {
            Placeholder::Answer(question) => format!("answers.{question}"),
            other => Placeholder::FIXED
                .iter()
                .find(|(_, placeholder)| placeholder == other)
                .map(|(name, _)| (*name).to_string())
                .unwrap_or_default(),
        }
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Where a placeholder could not be read, as a character offset into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderError {
    pub offset_chars: usize,
    pub message: String,
}

/// Splits phrase text into literal text and placeholders.
pub fn parse_phrase_text(raw: &str) -> Result<PhraseText, Vec<PlaceholderError>> {
    let mut segments = Vec::new();
    let mut errors = Vec::new();
    let mut literal = String::new();
    let mut rest = raw;
    let mut offset_chars = 0;
    while let Some(open) = rest.find(['{', '}']) {
        literal.push_str(&rest[..open]);
        offset_chars += rest[..open].chars().count();
        let after = &rest[open + 1..];
        if rest.as_bytes()[open] == b'}' {
            errors.push(PlaceholderError {
                offset_chars,
                message: "a `}` with no `{` before it; braces only surround placeholders".into(),
            });
            rest = after;
            offset_chars += 1;
            continue;
        }
        let Some(close) = after
            .find(['}', '{'])
            .filter(|&i| after.as_bytes()[i] == b'}')
        else {
            errors.push(PlaceholderError {
                offset_chars,
                message: "a `{` that is never closed; placeholders look like {customer.last_name}"
                    .into(),
            });
            rest = after;
            offset_chars += 1;
            continue;
        };
        let name = after[..close].trim();
        match Placeholder::parse(name) {
            Some(placeholder) => {
                if !literal.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut literal).into()));
                }
                segments.push(Segment::Placeholder(placeholder));
            }
            None => errors.push(PlaceholderError {
                offset_chars,
                message: format!(
                    "unknown placeholder {{{name}}}; placeholders are {}, or answers.QUESTION for a template's text, date or money question",
                    Placeholder::FIXED
                        .iter()
                        .map(|(name, _)| format!("{{{name}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
        offset_chars += after[..close].chars().count() + 2;
        rest = &after[close + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        segments.push(Segment::Text(literal.into()));
    }
    if errors.is_empty() {
        Ok(PhraseText {
            raw: raw.to_string(),
            segments,
        })
    } else {
        Err(errors)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhraseEntry {
    en: Spanned<String>,
    #[serde(default)]
    cy: Option<Spanned<String>>,
    #[serde(default)]
    review: Option<String>,
}

/// A phrase file: ids with their locations, in file order.
struct PhraseFile(Vec<(Spanned<String>, PhraseEntry)>);

impl<'de> Deserialize<'de> for PhraseFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FileVisitor;
        impl<'de> Visitor<'de> for FileVisitor {
            type Value = PhraseFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of phrase ids to {en, cy, review}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PhraseFile, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let value = map.next_value::<PhraseEntry>()?;
                    entries.push((key, value));
                }
                Ok(PhraseFile(entries))
            }
        }
        deserializer.deserialize_map(FileVisitor)
    }
}

/// Checks that an id is made of lower-case letters, digits, dots, dashes and underscores.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

/// Reads one phrase file's text. Phrases go into `phrases`; every problem goes into `errors`.
pub fn read_phrase_file(
    file: &Path,
    source: &str,
    phrases: &mut BTreeMap<String, Arc<Phrase>>,
    errors: &mut Vec<LibraryError>,
) {
    if source.trim().is_empty() {
        return;
    }
    // Duplicate ids reach the visitor, so that a duplicate in one file is reported like one
    // across files (naming both places) and the file's other phrases still load.
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
    };
    let parsed: PhraseFile = match serde_saphyr::from_str_with_options(source, options) {
        Ok(parsed) => parsed,
        Err(err) => {
            errors.push(yaml_error(file, &err));
            return;
        }
    };
    for (key, entry) in parsed.0 {
        let id = key.value.trim().to_string();
        let line = key.referenced.line();
        let column = key.referenced.column();
        if !valid_id(&id) {
            errors.push(LibraryError::at(
                file,
                line,
                column,
                format!("phrase id `{id}` may use only a-z, 0-9, `.`, `-` and `_`"),
            ));
            continue;
        }
        if let Some(existing) = phrases.get(&id) {
            errors.push(LibraryError::at(
                file,
                line,
                column,
                format!(
                    "phrase `{id}` is defined twice; it is first defined at {}:{}",
                    existing.file.display(),
                    existing.line
                ),
            ));
            continue;
        }
        let en = read_text(file, source, &id, "en", &entry.en, errors);
        let cy = entry
            .cy
            .as_ref()
            .and_then(|cy| read_text(file, source, &id, "cy", cy, errors));
        if let Some(en) = en {
            phrases.insert(
                id.clone(),
                Arc::new(Phrase {
                    id: id.into(),
                    en,
                    cy,
                    review: entry.review,
                    file: file.to_path_buf(),
                    line,
                }),
            );
        }
    }
}

fn read_text(
    file: &Path,
    source: &str,
    id: &str,
    language: &str,
    text: &Spanned<String>,
    errors: &mut Vec<LibraryError>,
) -> Option<PhraseText> {
    let line = text.referenced.line();
    let column = text.referenced.column();
    if text.value.trim().is_empty() {
        errors.push(LibraryError::at(
            file,
            line,
            column,
            format!(
                "phrase `{id}` has empty `{language}` text; write the wording or remove the key"
            ),
        ));
        return None;
    }
    match parse_phrase_text(&text.value) {
        Ok(parsed) => Some(parsed),
        Err(problems) => {
            for problem in problems {
                let column = placeholder_column(source, line, column, problem.offset_chars);
                errors.push(LibraryError::at(
                    file,
                    line,
                    column,
                    format!("phrase `{id}` ({language}): {}", problem.message),
                ));
            }
            None
        }
    }
}

/// The column of a character inside a scalar that starts at `line:column`. Exact for scalars
/// on one line (plain or quoted); for block scalars it points at the scalar's start.
fn placeholder_column(source: &str, line: u64, column: u64, offset_chars: usize) -> u64 {
    let Some(text_line) = source.lines().nth(line.saturating_sub(1) as usize) else {
        return column;
    };
    let start = column.saturating_sub(1) as usize;
    match text_line.chars().nth(start) {
        Some('"') | Some('\'') => column + 1 + offset_chars as u64,
        Some('|') | Some('>') => column,
        _ => column + offset_chars as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_split_out() {
        let text = parse_phrase_text("Dear {customer.title} {customer.last_name},").unwrap();
        assert_eq!(
            text.segments,
            vec![
                Segment::Text("Dear ".into()),
                Segment::Placeholder(Placeholder::CustomerTitle),
                Segment::Text(" ".into()),
                Segment::Placeholder(Placeholder::CustomerLastName),
                Segment::Text(",".into()),
            ]
        );
    }

    #[test]
    fn unknown_placeholder_reports_its_offset() {
        let errors = parse_phrase_text("Hello {customer.nickname}").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].offset_chars, 6);
        assert!(errors[0].message.contains("{customer.nickname}"));
        assert!(errors[0].message.contains("{customer.last_name}"));
    }

    #[test]
    fn unbalanced_braces_are_errors() {
        assert!(parse_phrase_text("a { b").is_err());
        assert!(parse_phrase_text("a } b").is_err());
    }

    #[test]
    fn duplicate_and_bad_placeholder_are_located() {
        let mut phrases = BTreeMap::new();
        let mut errors = Vec::new();
        let path = Path::new("phrases/a.yaml");
        read_phrase_file(path, "one:\n  en: One.\n", &mut phrases, &mut errors);
        read_phrase_file(
            Path::new("phrases/b.yaml"),
            "two:\n  en: Hi {nope} there\none:\n  en: Again.\n",
            &mut phrases,
            &mut errors,
        );
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("phrases/b.yaml:2:10:"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("phrases/b.yaml:3:1:"),
            "{messages:?}"
        );
        assert!(messages[1].contains("first defined at phrases/a.yaml:1"));
    }

    #[test]
    fn duplicate_in_one_file_names_both_lines_and_keeps_the_rest() {
        let mut phrases = BTreeMap::new();
        let mut errors = Vec::new();
        read_phrase_file(
            Path::new("phrases/a.yaml"),
            "one:\n  en: One.\ntwo:\n  en: Two.\none:\n  en: Again.\n",
            &mut phrases,
            &mut errors,
        );
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "phrases/a.yaml:5:1: phrase `one` is defined twice; it is first defined at phrases/a.yaml:1"
            ]
        );
        assert!(phrases.contains_key("two"));
        assert_eq!(phrases["one"].en.raw, "One.");

        // Duplicate keys inside one phrase are still refused, never silently replaced.
        let mut errors = Vec::new();
        read_phrase_file(
            Path::new("phrases/b.yaml"),
            "three:\n  en: One.\n  en: Two.\n",
            &mut phrases,
            &mut errors,
        );
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].to_string().contains("duplicate field `en`"),
            "{}",
            errors[0]
        );
        assert!(!phrases.contains_key("three"));
    }
}
