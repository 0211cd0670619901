//! The composed document: what compose hands to lint and to every renderer. Plain data.
//!
//! Every piece of text is a [`Span`] that remembers where it came from ([`Source`]): an approved
//! phrase, a placeholder value inside a phrase, free text typed by staff, or the template's own
//! punctuation. Several house-style rules depend on this, so nothing downstream may lose it.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Serialize, Serializer};

use crate::request::{Channel, Language, Role, Service};

/// A message ready to lint and render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub channel: Channel,
    pub language: Language,
    pub large_print: bool,
    /// A draft letter is watermarked and may carry error-level findings.
    pub draft: bool,
    /// The subject line, on channels that have one.
    pub subject: Option<Inline>,
    pub blocks: Vec<Block>,
    /// Who the message is addressed to (for letter windows and email headers).
    pub recipient: Recipient,
    /// Who writes: the member of staff and their office.
    pub sender: Sender,
    /// The date the message carries, already in the customer's time zone.
    pub date: NaiveDate,
    /// The moment the message was written, when the request gave one.
    pub at: Option<DateTime<Utc>>,
    /// The application reference, when there is one.
    pub reference: Option<String>,
    pub service: Service,
    /// The templates that make up the message, in order.
    pub templates: Vec<String>,
    /// Mandated paragraphs (phrase ids) that the templates require, word for word.
    pub required_paragraphs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Recipient {
    /// The name as the customer is addressed (title and surname, or full name).
    pub name: String,
    /// Title, first name and surname, as written on an envelope.
    pub full_name: String,
    pub email: Option<String>,
    pub address: Vec<String>,
    /// IANA time zone of the customer.
    pub time_zone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sender {
    pub first_name: String,
    pub initials: String,
    pub office: String,
    pub role: Role,
}

/// One block of the message: a paragraph or a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    pub role: BlockRole,
    pub kind: BlockKind,
    /// A paragraph's lines (hard line breaks), or a list's items.
    pub lines: Vec<Inline>,
}

/// Where in the message a block stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockRole {
    Greeting,
    Body,
    SignOff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Paragraph,
    Bullets,
    Numbered,
}

/// A run of text made of spans, with no line breaks inside.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inline {
    pub spans: Vec<Span>,
}

impl Inline {
    pub fn text(&self) -> String {
        self.spans.iter().map(|span| span.text.as_str()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.iter().all(|span| span.text.is_empty())
    }
}

/// A piece of text and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub text: SharedStr,
    pub source: Source,
}

/// Where a span of text came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Approved wording from the phrase library.
    Phrase { id: SharedStr },
    /// A value filled into a phrase's placeholder (a name, a reference, a date...).
    Placeholder { phrase: SharedStr, name: SharedStr },
    /// Text typed by staff into a template's free-text question.
    FreeText {
        template: SharedStr,
        question: SharedStr,
    },
    /// The template's own punctuation and spacing.
    Template { template: SharedStr },
}

impl Source {
    /// The short name used in findings: `phrase`, `placeholder`, `free_text` or `template`.
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Phrase { .. } => SourceKind::Phrase,
            Source::Placeholder { .. } => SourceKind::Placeholder,
            Source::FreeText { .. } => SourceKind::FreeText,
            Source::Template { .. } => SourceKind::Template,
        }
    }

    /// The phrase this text belongs to, for phrase text and placeholder values.
    pub fn phrase_id(&self) -> Option<&str> {
        match self {
            Source::Phrase { id } => Some(id),
            Source::Placeholder { phrase, .. } => Some(phrase),
            _ => None,
        }
    }
}

/// Immutable text shared between the library and every message made from it: cloning copies
/// a pointer, not the text. Reads as a `str`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        SharedStr::from("")
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        SharedStr(Arc::from(text))
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        SharedStr(Arc::from(text))
    }
}

impl From<&String> for SharedStr {
    fn from(text: &String) -> Self {
        SharedStr(Arc::from(text.as_str()))
    }
}

impl From<SharedStr> for String {
    fn from(text: SharedStr) -> Self {
        text.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == &*other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Phrase,
    Placeholder,
    FreeText,
    Template,
}

/// Plain text with the provenance of every byte: what lint reads and what `--format text` prints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourcedText {
    pub text: String,
    /// Byte ranges of `text`, in order, each with its source. Separators the layout adds
    /// (line breaks, list markers) belong to no range.
    pub ranges: Vec<SourcedRange>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourcedRange {
    pub start: usize,
    pub end: usize,
    pub source: Source,
}

impl SourcedText {
    /// Text whose every byte has the same source, such as text posted to `comms lint`.
    pub fn uniform(text: impl Into<String>, source: Source) -> Self {
        let text = text.into();
        let ranges = vec![SourcedRange {
            start: 0,
            end: text.len(),
            source,
        }];
        SourcedText { text, ranges }
    }

    pub fn push_plain(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub fn push_span(&mut self, span: &Span) {
        let start = self.text.len();
        self.text.push_str(&span.text);
        if !span.text.is_empty() {
            self.ranges.push(SourcedRange {
                start,
                end: self.text.len(),
                source: span.source.clone(),
            });
        }
    }

    /// Appends other sourced text, its ranges moved along.
    pub fn push_sourced(&mut self, other: &SourcedText) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.ranges
            .extend(other.ranges.iter().map(|range| SourcedRange {
                start: range.start + offset,
                end: range.end + offset,
                source: range.source.clone(),
            }));
    }

    /// Appends `other.text[range]`, with the sources of its bytes (cut at the range's ends).
    pub fn push_slice(&mut self, other: &SourcedText, range: std::ops::Range<usize>) {
        let offset = self.text.len();
        self.text.push_str(&other.text[range.clone()]);
        let first = other
            .ranges
            .partition_point(|source| source.end <= range.start);
        for source in other.ranges[first..]
            .iter()
            .take_while(|source| source.start < range.end)
        {
            let start = source.start.max(range.start);
            let end = source.end.min(range.end);
            if start < end {
                self.ranges.push(SourcedRange {
                    start: offset + start - range.start,
                    end: offset + end - range.start,
                    source: source.source.clone(),
                });
            }
        }
    }

    pub fn push_inline(&mut self, inline: &Inline) {
        for span in &inline.spans {
            self.push_span(span);
        }
    }

    /// The source of the byte at `offset`, if it came from a span.
    pub fn source_at(&self, offset: usize) -> Option<&Source> {
        let index = self.ranges.partition_point(|range| range.end <= offset);
        self.ranges
            .get(index)
            .filter(|range| range.start <= offset)
            .map(|range| &range.source)
    }
}

/// Writes blocks of lines as body text, however the lines are held (`push_line` writes one
/// line): blocks separated by a blank line, list items as `- ` or `1. ` lines.
pub fn lay_out_body<'a, L: 'a>(
    out: &mut SourcedText,
    blocks: impl Iterator<Item = (BlockKind, &'a [L])>,
    mut push_line: impl FnMut(&mut SourcedText, &'a L),
) {
    for (index, (kind, lines)) in blocks.enumerate() {
        if index > 0 {
            out.push_plain("\n\n");
        }
        for (line_index, line) in lines.iter().enumerate() {
            if line_index > 0 {
                out.push_plain("\n");
            }
            match kind {
                BlockKind::Paragraph => {}
                BlockKind::Bullets => out.push_plain("- "),
                BlockKind::Numbered => out.push_plain(&format!("{}. ", line_index + 1)),
            }
            push_line(out, line);
        }
    }
}

impl Document {
    /// The subject as plain text, if the message has one.
    pub fn subject_text(&self) -> Option<String> {
        self.subject.as_ref().map(Inline::text)
    }

    /// The subject with the source of every byte.
    pub fn subject_sourced(&self) -> Option<SourcedText> {
        self.subject.as_ref().map(|subject| {
            let mut out = SourcedText::default();
            out.push_inline(subject);
            out
        })
    }

    /// The body as plain text: blocks separated by a blank line, list items as `- ` or `1. `
    /// lines. This is the text of `--format text` and the text findings point into.
    pub fn body_sourced(&self) -> SourcedText {
        let mut out = SourcedText::default();
        let blocks = self
            .blocks
            .iter()
            .map(|block| (block.kind, block.lines.as_slice()));
        lay_out_body(&mut out, blocks, SourcedText::push_inline);
        out
    }

    /// The position among the blocks of the first body block (after the greeting).
    pub fn first_body_block(&self) -> Option<usize> {
        self.blocks
            .iter()
            .position(|block| block.role == BlockRole::Body)
    }

    /// Bytes of text in the body's lines, markup and separators aside.
    pub fn text_len(&self) -> usize {
        self.blocks
            .iter()
            .flat_map(|block| &block.lines)
            .flat_map(|line| &line.spans)
            .map(|span| span.text.len())
            .sum()
    }

    /// The body as plain text.
    pub fn body_text(&self) -> String {
        self.body_sourced().text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, source: Source) -> Span {
        Span {
            text: text.into(),
            source,
        }
    }

    #[test]
    fn sourced_text_maps_offsets_back_to_sources() {
        let phrase = Source::Phrase { id: "p".into() };
        let value = Source::Placeholder {
            phrase: "p".into(),
            name: "customer.last_name".into(),
        };
        let mut text = SourcedText::default();
        text.push_span(&span("Dear Mrs ", phrase.clone()));
        text.push_span(&span("Jones", value.clone()));
        text.push_plain("\n");
        assert_eq!(text.text, "Dear Mrs Jones\n");
        assert_eq!(text.source_at(0), Some(&phrase));
        assert_eq!(text.source_at(9), Some(&value));
        assert_eq!(text.source_at(14), None);
    }
}
