//! A composed body read a piece at a time: a line at a time for the rules whose matches
//! never cross a line break (word lists, patterns that cannot match a line break, words in
//! capitals), and a paragraph at a time for the patterns that may (no match runs across a
//! blank line: see [`paragraph_ranges`]).
//!
//! Approved wording repeats from message to message, so the matches in a piece that holds
//! only phrase and template text are worked out once and remembered, keyed by the piece's
//! text. A piece holding a value or free text is read afresh every time and never
//! remembered, so the memo holds library wording only, never a customer's details. The
//! pieces read afresh are joined and scanned together, once.
//!
//! Reading piece by piece finds exactly what reading the whole text finds, because a match
//! that cannot hold a line break lies inside one line, a match never holds a blank line,
//! and what the rules look at around a match (word boundaries, approved wording that
//! contains it) is a line break either way.

use std::sync::{Arc, RwLock};

use regex_syntax::hir::{Class, Hir, HirKind, Look};
use rustc_hash::FxHashMap;

use super::kinds::{FieldText, across_line_hits, line_hits};
use super::ruleset::Reach;
use super::{Field, Hit, RuleSet};
use crate::document::{Source, SourcedText};

/// At most this many pieces of each unit are remembered; past it, new ones are read afresh
/// each time.
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

/// The remembered matches of pieces of approved wording, by the piece's text; positions are
/// relative to the start of the piece.
#[derive(Debug, Default)]
pub struct PieceMemo {
    pieces: RwLock<FxHashMap<Box<str>, LineHits>>,
}

/// What the rules found in one piece: (rule index, hit), positions relative to the piece.
pub type LineHits = Arc<[(usize, Hit)]>;

impl Clone for PieceMemo {
    /// A copy starts with nothing remembered.
    fn clone(&self) -> Self {
        PieceMemo::default()
    }
}

impl PieceMemo {
    /// How many pieces are remembered.
    pub fn len(&self) -> usize {
        self.pieces.read().map_or(0, |pieces| pieces.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every remembered piece (to measure or test reading from scratch).
    pub fn clear(&self) {
        if let Ok(mut pieces) = self.pieces.write() {
            pieces.clear();
        }
    }
}

/// How a text is cut into pieces for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Lines, without their line breaks; empty lines left out (no within-line rule matches
    /// empty text). Read for the rules of [`Reach::WithinLine`].
    Line,
    /// Paragraphs, cut by [`paragraph_ranges`]. Read for the patterns of
    /// [`Reach::AcrossLines`].
    Paragraph,
}

/// Paragraphs of `text`, cut between the two line breaks of every blank line so that each
/// piece keeps the line break beside it: `"a\n\nb"` is `"a\n"` and `"\nb"`. The patterns
/// that may cross a line break read each piece on its own: no match holds a blank line, and
/// a word boundary or `(?m)^` at the edge of a piece is what it is beside a line break.
pub fn paragraph_ranges(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut cuts = memchr::memchr_iter(b'\n', bytes)
        .filter(|&at| bytes.get(at + 1) == Some(&b'\n'))
        .map(|at| at + 1)
        .chain(std::iter::once(text.len()))
        .filter(|_| !text.is_empty());
    let mut start = 0;
    std::iter::from_fn(move || {
        let end = cuts.next()?;
        Some(std::mem::replace(&mut start, end)..end)
    })
}

/// One piece of the body: its byte range, and whether it holds only phrase and template
/// text (and so may be remembered).
struct Piece {
    start: usize,
    end: usize,
    approved: bool,
}

/// The pieces of `body` at `bounds`; whether each is approved is worked out only when asked.
fn pieces(body: &SourcedText, bounds: &[std::ops::Range<usize>], approval: bool) -> Vec<Piece> {
    let mut pieces = Vec::with_capacity(bounds.len());
    let mut range_index = 0;
    for &std::ops::Range { start, end } in bounds {
        let approved = approval && {
            while range_index < body.ranges.len() && body.ranges[range_index].end <= start {
                range_index += 1;
            }
            body.ranges[range_index..]
                .iter()
                .take_while(|range| range.start < end)
                .all(|range| {
                    matches!(
                        range.source,
                        Source::Phrase { .. } | Source::Template { .. }
                    )
                })
        };
        pieces.push(Piece {
            start,
            end,
            approved,
        });
    }
    pieces
}

/// What was found before in each piece of a body, in order, by unit (none for a piece to
/// read): a message shape knows its pieces of library wording. Each list is ignored unless
/// it gives one entry per piece.
#[derive(Debug, Clone, Default)]
pub struct KnownPieces {
    /// Non-empty lines.
    pub lines: Vec<Option<LineHits>>,
    pub paragraphs: Vec<Option<LineHits>>,
}

impl KnownPieces {
    fn of(&self, unit: Unit) -> &[Option<LineHits>] {
        match unit {
            Unit::Line => &self.lines,
            Unit::Paragraph => &self.paragraphs,
        }
    }
}

/// A text cut into pieces of each unit, as byte ranges.
#[derive(Debug, Clone, Default)]
pub struct Cuts {
    /// Non-empty lines, without their line breaks.
    pub lines: Vec<std::ops::Range<usize>>,
    /// Paragraphs, as [`paragraph_ranges`] cuts them.
    pub paragraphs: Vec<std::ops::Range<usize>>,
}

impl Cuts {
    /// `text` cut into lines and paragraphs, in one reading.
    pub fn of(text: &str) -> Cuts {
        let mut cuts = Cuts {
            lines: Vec::with_capacity(text.len() / 32 + 1),
            paragraphs: Vec::with_capacity(text.len() / 128 + 1),
        };
        let (mut line_start, mut paragraph_start) = (0, 0);
        for at in memchr::memchr_iter(b'\n', text.as_bytes()) {
            if line_start < at {
                cuts.lines.push(line_start..at);
            } else if at > 0 {
                // This line break follows another: a blank line, cut between the two.
                cuts.paragraphs.push(paragraph_start..at);
                paragraph_start = at;
            }
            line_start = at + 1;
        }
        if line_start < text.len() {
            cuts.lines.push(line_start..text.len());
        }
        if !text.is_empty() {
            cuts.paragraphs.push(paragraph_start..text.len());
        }
        cuts
    }

    pub fn of_unit(&self, unit: Unit) -> &[std::ops::Range<usize>] {
        match unit {
            Unit::Line => &self.lines,
            Unit::Paragraph => &self.paragraphs,
        }
    }
}

/// What the rules find in a composed body read in pieces of `unit` (cut at `cuts`), by rule
/// index, at positions in `body`; to be settled, and the rules' scopes and the facts of the
/// message applied. Lines are read for word lists, one-line patterns and capitals
/// ([`line_hits`]); paragraphs for the patterns that may cross a line break
/// ([`across_line_hits`]).
pub fn piece_hits(
    rules: &RuleSet,
    body: &SourcedText,
    cuts: &Cuts,
    unit: Unit,
    known: Option<&KnownPieces>,
) -> Vec<(usize, Hit)> {
    let bounds = cuts.of_unit(unit);
    let known = known
        .map(|known| known.of(unit))
        .filter(|known| known.len() == bounds.len());
    read_pieces(rules, body, bounds, unit, known)
}

fn read_pieces(
    rules: &RuleSet,
    body: &SourcedText,
    bounds: &[std::ops::Range<usize>],
    unit: Unit,
    known: Option<&[Option<LineHits>]>,
) -> Vec<(usize, Hit)> {
    let pieces = pieces(body, bounds, known.is_none());
    let (memo, reach, separator) = match unit {
        Unit::Line => (&rules.lines, Reach::WithinLine, "\n"),
        // Paragraphs keep the line breaks beside them, so joined they read as apart.
        Unit::Paragraph => (&rules.paragraphs, Reach::AcrossLines, ""),
    };
    let mut hits = Vec::new();
    // Pieces to read: (piece index, start in `fresh`).
    let mut unread: Vec<(usize, usize)> = Vec::new();
    let mut fresh = SourcedText::default();
    {
        let remembered = memo.pieces.read().ok();
        for (index, piece) in pieces.iter().enumerate() {
            let found = match known {
                Some(known) => known[index].as_ref(),
                None => remembered
                    .as_ref()
                    .filter(|_| piece.approved)
                    .and_then(|memo| memo.get(&body.text[piece.start..piece.end])),
            };
            match found {
                Some(found) => hits.extend(found.iter().map(|(rule, hit)| {
                    let mut hit = hit.clone();
                    hit.start += piece.start;
                    hit.end += piece.start;
                    (*rule, hit)
                })),
                None => {
                    if !fresh.text.is_empty() {
                        fresh.push_plain(separator);
                    }
                    unread.push((index, fresh.text.len()));
                    // Word lists, patterns and capitals read the text alone: where its
                    // bytes came from matters only once the matches are settled.
                    fresh.push_plain(&body.text[piece.start..piece.end]);
                }
            }
        }
    }
    if unread.is_empty() {
        return hits;
    }
    // Read the unread pieces together, once, and share out what is found.
    let field_text = FieldText::new(Field::Body, &fresh, reach);
    let mut found_in: Vec<Vec<(usize, Hit)>> = vec![Vec::new(); unread.len()];
    for (rule_index, rule) in rules.rules.iter().enumerate() {
        let rule_hits = match unit {
            Unit::Line => line_hits(rule_index, rule, rules, &field_text),
            Unit::Paragraph => across_line_hits(rule_index, rule, rules, &field_text),
        };
        for hit in rule_hits {
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
    for ((piece_index, _), found) in unread.into_iter().zip(found_in) {
        let piece = &pieces[piece_index];
        hits.extend(found.iter().map(|(rule, hit)| {
            let mut hit = hit.clone();
            hit.start += piece.start;
            hit.end += piece.start;
            (*rule, hit)
        }));
        if piece.approved {
            learned.push((&body.text[piece.start..piece.end], found));
        }
    }
    if !learned.is_empty()
        && let Ok(mut memo) = memo.pieces.write()
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
        let cuts = Cuts::of(&body.text);
        let found = pieces(&body, &cuts.lines, true);
        let summary: Vec<(&str, bool)> = found
            .iter()
            .map(|line| (&body.text[line.start..line.end], line.approved))
            .collect();
        assert_eq!(
            summary,
            [("Dear Mrs Jones", false), ("- one", true), ("two", true)]
        );
        let found = pieces(&body, &cuts.paragraphs, true);
        let summary: Vec<(&str, bool)> = found
            .iter()
            .map(|piece| (&body.text[piece.start..piece.end], piece.approved))
            .collect();
        assert_eq!(
            summary,
            [("Dear Mrs Jones\n", false), ("\n- one\ntwo", true)]
        );
    }

    #[test]
    fn paragraphs_are_cut_inside_each_blank_line() {
        let cut = |text: &'static str| -> Vec<&'static str> {
            let cuts = Cuts::of(text);
            let by_iterator: Vec<_> = paragraph_ranges(text).collect();
            assert_eq!(cuts.paragraphs, by_iterator, "{text:?}");
            cuts.paragraphs
                .into_iter()
                .map(|range| &text[range])
                .collect()
        };
        assert_eq!(cut("a\n\nb"), ["a\n", "\nb"]);
        assert_eq!(cut("a\nb\n\n\nc\n"), ["a\nb\n", "\n", "\nc\n"]);
        assert_eq!(cut("\n\na"), ["\n", "\na"]);
        assert_eq!(cut("a"), ["a"]);
        assert!(cut("").is_empty());
    }
}
