//! A composed body read line by line for the rules whose matches never cross a line break
//! (word lists, patterns that cannot match a line break, words in capitals).
//!
//! Approved wording repeats from message to message, so the matches in a line that holds
//! only phrase and template text are worked out once and remembered, keyed by the line's
//! text. A line holding a value or free text is read afresh every time and never
//! remembered, so the memo holds library wording only, never a customer's details. The
//! lines read afresh are joined and scanned together, once.
//!
//! Reading line by line finds exactly what reading the whole text finds, because a match
//! that cannot hold a line break lies inside one line, and what the rules look at around a
//! match (word boundaries, approved wording that contains it) is a line break either way.

use std::sync::{Arc, RwLock};

use regex_syntax::hir::{Class, Hir, HirKind, Look};
use rustc_hash::FxHashMap;

use super::kinds::{FieldText, line_hits};
use super::ruleset::Reach;
use super::{Field, Hit, RuleSet};
use crate::document::{Source, SourcedText};

/// At most this many lines are remembered; past it, new lines are read afresh each time.
pub const MEMO_LIMIT: usize = 16_384;

/// True when no match of the regular expression `source` (in the syntax of the `regex`
/// crate) can hold a line break, start or end only at the ends of the whole text, or be
/// empty. False for a source that does not parse.
pub fn pattern_stays_within_line(source: &str) -> bool {
    regex_syntax::parse(source).is_ok_and(|hir| {
        hir.properties().minimum_len().is_some_and(|len| len > 0) && never_crosses_line(&hir)
    })
}

fn never_crosses_line(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty => true,
        HirKind::Literal(literal) => !literal.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(class)) => !class
            .ranges()
            .iter()
            .any(|range| range.start() <= '\n' && '\n' <= range.end()),
        HirKind::Class(Class::Bytes(class)) => !class
            .ranges()
            .iter()
            .any(|range| range.start() <= b'\n' && b'\n' <= range.end()),
        // The start and end of the whole text are not the start and end of a line.
        HirKind::Look(look) => !matches!(look, Look::Start | Look::End),
        HirKind::Repetition(repetition) => never_crosses_line(&repetition.sub),
        HirKind::Capture(capture) => never_crosses_line(&capture.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            parts.iter().all(never_crosses_line)
        }
    }
}

/// The remembered matches of lines of approved wording, by the line's text; positions are
/// relative to the start of the line.
#[derive(Debug, Default)]
pub struct LineMemo {
    lines: RwLock<FxHashMap<Box<str>, LineHits>>,
}

/// What the rules found in one line: (rule index, hit), positions relative to the line.
pub type LineHits = Arc<[(usize, Hit)]>;

impl Clone for LineMemo {
    /// A copy starts with nothing remembered.
    fn clone(&self) -> Self {
        LineMemo::default()
    }
}

impl LineMemo {
    /// How many lines are remembered.
    pub fn len(&self) -> usize {
        self.lines.read().map_or(0, |lines| lines.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every remembered line (to measure or test reading from scratch).
    pub fn clear(&self) {
        if let Ok(mut lines) = self.lines.write() {
            lines.clear();
        }
    }
}

/// One line of the body: its byte range, and whether it holds only phrase and template
/// text (and so may be remembered).
struct Line {
    start: usize,
    end: usize,
    /// The ranges of the body's sources that touch this line.
    ranges: std::ops::Range<usize>,
    approved: bool,
}

/// The lines of `body`, empty lines left out (no within-line rule matches empty text).
fn lines(body: &SourcedText) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut range_index = 0;
    let mut start = 0;
    for piece in body.text.split('\n') {
        let end = start + piece.len();
        while range_index < body.ranges.len() && body.ranges[range_index].end <= start {
            range_index += 1;
        }
        let mut last = range_index;
        while last < body.ranges.len() && body.ranges[last].start < end {
            last += 1;
        }
        if start < end {
            let approved = body.ranges[range_index..last].iter().all(|range| {
                matches!(
                    range.source,
                    Source::Phrase { .. } | Source::Template { .. }
                )
            });
            lines.push(Line {
                start,
                end,
                ranges: range_index..last,
                approved,
            });
        }
        start = end + 1;
    }
    lines
}

/// What every rule finds in a composed body reading it a line at a time ([`line_hits`]), by
/// rule index, at positions in `body`; to be settled, and the rules' scopes and the facts of
/// the message applied.
///
/// `known` may give what was found before in each non-empty line, in order (none for a line
/// to read): a message shape knows its lines of library wording. It is ignored unless it
/// gives one entry per line.
pub fn within_line_hits(
    rules: &RuleSet,
    body: &SourcedText,
    known: Option<&[Option<LineHits>]>,
) -> Vec<(usize, Hit)> {
    let lines = lines(body);
    let known = known.filter(|known| known.len() == lines.len());
    let mut hits = Vec::new();
    // Lines to read: (line index, start in `fresh`).
    let mut unread: Vec<(usize, usize)> = Vec::new();
    let mut fresh = SourcedText::default();
    {
        let remembered = rules.lines.lines.read().ok();
        for (index, line) in lines.iter().enumerate() {
            let found = match known {
                Some(known) => known[index].as_ref(),
                None => remembered
                    .as_ref()
                    .filter(|_| line.approved)
                    .and_then(|memo| memo.get(&body.text[line.start..line.end])),
            };
            match found {
                Some(found) => hits.extend(found.iter().map(|(rule, hit)| {
                    let mut hit = hit.clone();
                    hit.start += line.start;
                    hit.end += line.start;
                    (*rule, hit)
                })),
                None => {
                    if !fresh.text.is_empty() {
                        fresh.push_plain("\n");
                    }
                    unread.push((index, fresh.text.len()));
                    append_line(&mut fresh, body, line);
                }
            }
        }
    }
    if unread.is_empty() {
        return hits;
    }
    // Read the unread lines together, once, and share out what is found.
    let field_text = FieldText::new(Field::Body, &fresh, Reach::WithinLine);
    let mut found_in: Vec<Vec<(usize, Hit)>> = vec![Vec::new(); unread.len()];
    for (rule_index, rule) in rules.rules.iter().enumerate() {
        for hit in line_hits(rule_index, rule, rules, &field_text) {
            let Some(slot) = unread
                .partition_point(|(_, from)| *from <= hit.start)
                .checked_sub(1)
            else {
                continue;
            };
            let from = unread[slot].1;
            found_in[slot].push((
                rule_index,
                Hit {
                    start: hit.start - from,
                    end: hit.end - from,
                    ..hit
                },
            ));
        }
    }
    let mut learned = Vec::new();
    for ((line_index, _), found) in unread.into_iter().zip(found_in) {
        let line = &lines[line_index];
        hits.extend(found.iter().map(|(rule, hit)| {
            let mut hit = hit.clone();
            hit.start += line.start;
            hit.end += line.start;
            (*rule, hit)
        }));
        if line.approved {
            learned.push((&body.text[line.start..line.end], found));
        }
    }
    if !learned.is_empty()
        && let Ok(mut memo) = rules.lines.lines.write()
    {
        for (text, found) in learned {
            if memo.len() >= MEMO_LIMIT {
                break;
            }
            memo.insert(text.into(), found.into());
        }
    }
    hits
}

/// Appends one line of `body`, with the sources of its bytes, to `out`.
fn append_line(out: &mut SourcedText, body: &SourcedText, line: &Line) {
    let offset = out.text.len();
    out.text.push_str(&body.text[line.start..line.end]);
    for range in &body.ranges[line.ranges.clone()] {
        let start = range.start.max(line.start);
        let end = range.end.min(line.end);
        if start < end {
            out.ranges.push(crate::document::SourcedRange {
                start: offset + start - line.start,
                end: offset + end - line.start,
                source: range.source.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_that_can_match_a_line_break_are_told_apart() {
        assert!(pattern_stays_within_line(r"\*\*[^*\n]+\*\*"));
        assert!(pattern_stays_within_line(r"(?i)(?-u:\b)info(?-u:\b)"));
        assert!(pattern_stays_within_line(r"(?m)^Dear"));
        assert!(!pattern_stays_within_line(r"\d+\s+January"));
        assert!(!pattern_stays_within_line(r"[^x]+"));
        assert!(!pattern_stays_within_line(r"(?s)a.b"));
        assert!(!pattern_stays_within_line(r"^Dear"));
        assert!(!pattern_stays_within_line(r"x?"));
        assert!(!pattern_stays_within_line(r"(unclosed"));
    }

    fn phrase(text: &str) -> crate::document::Span {
        crate::document::Span {
            text: text.into(),
            source: Source::Phrase { id: "p".into() },
        }
    }

    #[test]
    fn lines_know_whether_they_hold_only_approved_wording() {
        let mut body = SourcedText::default();
        body.push_span(&phrase("Dear "));
        body.push_span(&crate::document::Span {
            text: "Mrs Jones".into(),
            source: Source::Placeholder {
                phrase: "p".into(),
                name: "customer.last_name".into(),
            },
        });
        body.push_plain("\n\n- ");
        body.push_span(&phrase("one\ntwo"));
        let found = lines(&body);
        let summary: Vec<(&str, bool)> = found
            .iter()
            .map(|line| (&body.text[line.start..line.end], line.approved))
            .collect();
        assert_eq!(
            summary,
            [("Dear Mrs Jones", false), ("- one", true), ("two", true)]
        );
    }
}
