//! Word-level diff of one case file, each change attributed to the phrases it touches.
//!
//! Text is split into words and runs of whitespace; the old and new token lists are diffed,
//! and changes a word or two apart are joined into one [`Hunk`]. Added words are attributed
//! through the composed document's span provenance (a word filled into a phrase's placeholder
//! counts for that phrase); removed words, which only the old file knows, are attributed to
//! the changed phrases around the place they were removed from.

use std::collections::BTreeSet;
use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

use super::case_file::CaseFile;

/// Changes separated by at most this many unchanged words are shown as one hunk.
const JOIN_GAP_WORDS: usize = 2;
/// Unchanged words shown on each side of a hunk, on the same line.
const CONTEXT_WORDS: usize = 4;
/// A diff that takes longer than this (only pathological files could) settles for a coarser
/// answer rather than stall the check.
const DIFF_TIME_LIMIT: Duration = Duration::from_secs(2);

/// One piece of a hunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Same(String),
    Removed(String),
    Added(String),
}

/// One place where the wording changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// 1-based line in the new file where the change is.
    pub line: usize,
    /// Unchanged words just before the change, on the same line.
    pub before: String,
    pub pieces: Vec<Piece>,
    /// Unchanged words just after the change, on the same line.
    pub after: String,
    /// The phrases whose words changed here, sorted.
    pub phrases: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    start: usize,
}

impl<'a> Token<'a> {
    fn is_word(&self) -> bool {
        !self.text.starts_with(char::is_whitespace)
    }

    /// What the diff compares: words as they are; spacing only as a paragraph break or not,
    /// so that text laid out again (a PDF's lines wrapping differently) shows no change.
    fn key(&self) -> &'a str {
        if self.is_word() {
            self.text
        } else if self.text.matches('\n').count() >= 2 {
            "\n\n"
        } else {
            " "
        }
    }
}

/// Splits text into alternating runs of non-whitespace (words) and whitespace.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (index, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|was| was != space) {
            tokens.push(Token {
                text: &text[start..index],
                start,
            });
            start = index;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        tokens.push(Token {
            text: &text[start..],
            start,
        });
    }
    tokens
}

/// The word-level changes from `old` (the text of the file on disk, before its list of
/// phrases) to the new file. `changed` names the phrases whose text changed, for attributing
/// removed words.
pub fn word_diff(old: &str, new: &CaseFile, changed: &BTreeSet<String>) -> Vec<Hunk> {
    let new_text = new.body();
    let old_tokens = tokens(old);
    let new_tokens = tokens(new_text);
    let old_texts: Vec<&str> = old_tokens.iter().map(|token| token.text).collect();
    let new_texts: Vec<&str> = new_tokens.iter().map(|token| token.text).collect();
    let old_keys: Vec<&str> = old_tokens.iter().map(Token::key).collect();
    let new_keys: Vec<&str> = new_tokens.iter().map(Token::key).collect();
    let mut ops: Vec<Op> = diff_slices(&old_keys, &new_keys)
        .iter()
        .map(|op| op.as_tag_tuple())
        .collect();
    slide_to_paragraph_starts(&mut ops, &old_tokens, &new_tokens);
    let phrases = token_phrases(new, &new_tokens);

    let mut hunks = Vec::new();
    let mut first = 0;
    while first < ops.len() {
        if ops[first].0 == DiffTag::Equal {
            first += 1;
            continue;
        }
        let mut last = first;
        let mut next = first + 1;
        while next < ops.len() {
            let (tag, _, new_range) = &ops[next];
            if *tag == DiffTag::Equal {
                let gap = &new_tokens[new_range.clone()];
                let short = gap.iter().filter(|token| token.is_word()).count() <= JOIN_GAP_WORDS
                    && !gap.iter().any(|token| token.text.contains("\n\n"));
                if next + 1 < ops.len() && short {
                    next += 1;
                    continue;
                }
                break;
            }
            last = next;
            next += 1;
        }

        let mut pieces = Vec::new();
        let mut added_phrases = BTreeSet::new();
        let only_spacing_kept = ops[first..=last].iter().all(|(tag, _, new_range)| {
            *tag != DiffTag::Equal || new_tokens[new_range.clone()].iter().all(|t| !t.is_word())
        });
        for (tag, old_range, new_range) in &ops[first..=last] {
            let old_part: String = old_texts[old_range.clone()].concat();
            let new_part: String = new_texts[new_range.clone()].concat();
            match tag {
                DiffTag::Equal => pieces.push(Piece::Same(new_part)),
                DiffTag::Delete => pieces.push(Piece::Removed(old_part)),
                DiffTag::Insert => pieces.push(Piece::Added(new_part)),
                DiffTag::Replace => {
                    pieces.push(Piece::Removed(old_part));
                    pieces.push(Piece::Added(new_part));
                }
            }
            if *tag != DiffTag::Equal {
                for index in new_range.clone() {
                    if let Some(Some(id)) = phrases.get(index) {
                        added_phrases.insert(id.clone());
                    }
                }
            }
        }
        let start = ops[first].2.start;
        let end = ops[last].2.end;
        if only_spacing_kept && pieces.len() > 2 {
            // Changes with nothing but spacing between them read better as one.
            let old_span: String = old_texts[ops[first].1.start..ops[last].1.end].concat();
            let new_span: String = new_texts[start..end].concat();
            pieces = collapsed(&old_span, &new_span);
        }
        if added_phrases.is_empty() {
            // Only removals: the changed phrases on either side of where the words were.
            for index in [start.checked_sub(1), Some(end)].into_iter().flatten() {
                for neighbour in nearest_words(&new_tokens, &phrases, index) {
                    if changed.contains(&neighbour) {
                        added_phrases.insert(neighbour);
                    }
                }
            }
        }
        let line = new_text[..new_tokens.get(start).map_or(new_text.len(), |t| t.start)]
            .matches('\n')
            .count()
            + 1;
        hunks.push(Hunk {
            line,
            before: context_before(&new_tokens[..start]),
            pieces,
            after: context_after(&new_tokens[end..]),
            phrases: added_phrases.into_iter().collect(),
        });
        first = last + 1;
    }
    hunks
}

/// One removal and one addition for a whole span, with the spacing both share around them
/// kept outside.
fn collapsed(old: &str, new: &str) -> Vec<Piece> {
    let shared_lead = old.len() - old.trim_start().len();
    let lead = if new.starts_with(&old[..shared_lead]) {
        shared_lead
    } else {
        0
    };
    let (old, new, lead_text) = (&old[lead..], &new[lead..], &old[..lead]);
    let shared_trail = old.len() - old.trim_end().len();
    let trail_text = &old[old.len() - shared_trail..];
    let trail = if new.ends_with(trail_text) && new.len() >= shared_trail {
        shared_trail
    } else {
        0
    };
    let (old, new, trail_text) = (
        &old[..old.len() - trail],
        &new[..new.len() - trail],
        &old[old.len() - trail..],
    );
    [
        Piece::Same(lead_text.to_string()),
        Piece::Removed(old.to_string()),
        Piece::Added(new.to_string()),
        Piece::Same(trail_text.to_string()),
    ]
    .into_iter()
    .filter(|piece| match piece {
        Piece::Same(text) | Piece::Removed(text) | Piece::Added(text) => !text.is_empty(),
    })
    .collect()
}

type Op = (DiffTag, Range<usize>, Range<usize>);

/// An inserted or removed run whose first tokens repeat just after it (or last tokens just
/// before it) could be shown in several places: "We {+cannot continue.↵↵We +}need" is the same
/// change as "{+We cannot continue.↵↵+}We need". Show it where it starts a paragraph or a line,
/// where a reader sees the whole paragraph that was added or removed.
fn slide_to_paragraph_starts(ops: &mut [Op], old: &[Token<'_>], new: &[Token<'_>]) {
    for index in 0..ops.len() {
        let (tag, old_range, new_range) = ops[index].clone();
        let (range, tokens) = match tag {
            DiffTag::Insert => (new_range, new),
            DiffTag::Delete => (old_range, old),
            _ => continue,
        };
        let equal_len = |op: Option<&Op>| match op {
            Some((DiffTag::Equal, _, new_range)) => new_range.len(),
            _ => 0,
        };
        let before = equal_len(index.checked_sub(1).and_then(|i| ops.get(i)));
        let after = equal_len(ops.get(index + 1));
        let same = |a: usize, b: usize| tokens[a].key() == tokens[b].key();
        let left = (1..=before.min(range.start))
            .take_while(|k| same(range.start - k, range.end - k))
            .count();
        let right = (0..after.min(tokens.len().saturating_sub(range.end)))
            .take_while(|k| same(range.start + k, range.end + k))
            .count();
        let score = |start: usize| match start.checked_sub(1).map(|i| tokens[i].text) {
            None => 2,
            Some(text) if text.matches('\n').count() >= 2 => 2,
            Some(text) if text.contains('\n') => 1,
            _ => 0,
        };
        let best = (-(left as isize)..=right as isize)
            .max_by_key(|shift| {
                let start = range.start as isize + shift;
                (
                    score(start as usize),
                    std::cmp::Reverse(shift.unsigned_abs()),
                )
            })
            .unwrap_or(0);
        if best == 0 {
            continue;
        }
        let shift = |range: &mut Range<usize>, start: bool, end: bool| {
            if start {
                range.start = range.start.saturating_add_signed(best);
            }
            if end {
                range.end = range.end.saturating_add_signed(best);
            }
        };
        if let Some(previous) = index.checked_sub(1).and_then(|i| ops.get_mut(i)) {
            shift(&mut previous.1, false, true);
            shift(&mut previous.2, false, true);
        }
        shift(&mut ops[index].1, true, true);
        shift(&mut ops[index].2, true, true);
        if let Some(next) = ops.get_mut(index + 1) {
            shift(&mut next.1, true, false);
            shift(&mut next.2, true, false);
        }
    }
}

fn diff_slices(old: &[&str], new: &[&str]) -> Vec<similar::DiffOp> {
    capture_diff_slices_deadline(
        Algorithm::Myers,
        old,
        new,
        Some(Instant::now() + DIFF_TIME_LIMIT),
    )
}

/// The phrase of the word token at `index`, or of the nearest word on the same side.
fn nearest_words(tokens: &[Token<'_>], phrases: &[Option<String>], index: usize) -> Vec<String> {
    let Some(token) = tokens.get(index) else {
        return Vec::new();
    };
    let index = if token.is_word() {
        Some(index)
    } else if index > 0 && tokens.get(index - 1).is_some_and(Token::is_word) {
        Some(index - 1)
    } else if tokens.get(index + 1).is_some_and(Token::is_word) {
        Some(index + 1)
    } else {
        None
    };
    index
        .and_then(|index| phrases.get(index).cloned().flatten())
        .into_iter()
        .collect()
}

fn context_before(tokens: &[Token<'_>]) -> String {
    let mut taken = Vec::new();
    let mut words = 0;
    for token in tokens.iter().rev() {
        if token.text.contains('\n') || words == CONTEXT_WORDS {
            break;
        }
        if token.is_word() {
            words += 1;
        }
        taken.push(token.text);
    }
    taken.reverse();
    taken.concat()
}

fn context_after(tokens: &[Token<'_>]) -> String {
    let mut taken = Vec::new();
    let mut words = 0;
    for token in tokens {
        if token.text.contains('\n') || words == CONTEXT_WORDS {
            break;
        }
        if token.is_word() {
            words += 1;
        }
        taken.push(token.text);
    }
    taken.concat()
}

/// For each token of the new file's text, the phrase its words came from, if any.
///
/// The message part of the file is aligned word by word with the composed document's
/// sourced text, so this holds even where the channel's text (a PDF's extracted text) lays the
/// words out differently from the document.
fn token_phrases(file: &CaseFile, file_tokens: &[Token<'_>]) -> Vec<Option<String>> {
    let mut phrases = vec![None; file_tokens.len()];
    let message: Vec<(usize, &str)> = file_tokens
        .iter()
        .enumerate()
        .filter(|(_, token)| token.is_word() && token.start >= file.message_start)
        .map(|(index, token)| (index, token.text))
        .collect();
    let sourced: Vec<Token<'_>> = tokens(&file.sourced.text)
        .into_iter()
        .filter(Token::is_word)
        .collect();
    let message_words: Vec<&str> = message.iter().map(|(_, text)| *text).collect();
    let sourced_words: Vec<&str> = sourced.iter().map(|token| token.text).collect();
    for op in diff_slices(&message_words, &sourced_words) {
        let (tag, message_range, sourced_range) = op.as_tag_tuple();
        if tag != DiffTag::Equal {
            continue;
        }
        for (message_index, sourced_index) in message_range.zip(sourced_range) {
            let token = &sourced[sourced_index];
            // A word may straddle spans ("Jones," is a name then a comma): take the first
            // phrase among its bytes.
            let phrase = (token.start..token.start + token.text.len()).find_map(|offset| {
                file.sourced
                    .source_at(offset)
                    .and_then(|source| source.phrase_id())
            });
            phrases[message[message_index].0] = phrase.map(str::to_string);
        }
    }
    phrases
}

/// A hunk on one line: `before [-removed-]{+added+} after`, line breaks shown as `↵`, with
/// ANSI colours when `color` is set.
pub fn format_hunk(hunk: &Hunk, color: bool) -> String {
    let visible = |text: &str| text.replace('\n', "↵");
    let mut out = String::new();
    out.push_str(&hunk.before);
    for piece in &hunk.pieces {
        match piece {
            Piece::Same(text) => out.push_str(&visible(text)),
            Piece::Removed(text) if color => {
                out.push_str(&format!("\x1b[31m[-{}-]\x1b[0m", visible(text)))
            }
            Piece::Removed(text) => out.push_str(&format!("[-{}-]", visible(text))),
            Piece::Added(text) if color => {
                out.push_str(&format!("\x1b[32m{{+{}+}}\x1b[0m", visible(text)))
            }
            Piece::Added(text) => out.push_str(&format!("{{+{}+}}", visible(text))),
        }
    }
    out.push_str(&hunk.after);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Source, Span};
    use crate::request::{Channel, Language};

    fn file_from(spans: &[(&str, Option<&str>)]) -> CaseFile {
        let mut sourced = crate::document::SourcedText::default();
        for (text, phrase) in spans {
            match phrase {
                Some(id) => sourced.push_span(&Span {
                    text: (*text).into(),
                    source: Source::Phrase { id: (*id).into() },
                }),
                None => sourced.push_plain(text),
            }
        }
        let header = "t, case c: email, en\nAnswers: none\n\n";
        CaseFile {
            path: "t/c.email.en.txt".into(),
            template: "t".into(),
            case: "c".into(),
            channel: Channel::Email,
            language: Language::En,
            contents: format!("{header}{}\n", sourced.text),
            phrases: Default::default(),
            message_start: header.len(),
            sourced,
        }
    }

    #[test]
    fn one_changed_word_is_shown_with_its_phrase() {
        let new = file_from(&[
            ("Dear Mrs Jones,", Some("greeting")),
            ("\n\n", None),
            ("We need a fresh photo of you.", Some("photo.intro")),
        ]);
        let old = "t, case c: email, en\nAnswers: none\n\nDear Mrs Jones,\n\nWe need a new photo of you.\n";
        let hunks = word_diff(old, &new, &BTreeSet::new());
        assert_eq!(hunks.len(), 1);
        let hunk = &hunks[0];
        assert_eq!(hunk.line, 6);
        assert_eq!(
            hunk.pieces,
            vec![Piece::Removed("new".into()), Piece::Added("fresh".into())]
        );
        assert_eq!(hunk.phrases, vec!["photo.intro".to_string()]);
        assert_eq!(
            format_hunk(hunk, false),
            "We need a [-new-]{+fresh+} photo of you."
        );
    }

    #[test]
    fn removed_words_are_attributed_to_the_changed_phrase_around_them() {
        let new = file_from(&[("We need a photo of you.", Some("photo.intro"))]);
        let old = "t, case c: email, en\nAnswers: none\n\nWe need a new photo of you.\n";
        let changed = BTreeSet::from(["photo.intro".to_string()]);
        let hunks = word_diff(old, &new, &changed);
        assert_eq!(hunks.len(), 1);
        assert_eq!(hunks[0].phrases, vec!["photo.intro".to_string()]);
        assert_eq!(
            format_hunk(&hunks[0], false),
            "We need a [-new -]photo of you."
        );
        assert!(word_diff(old, &new, &BTreeSet::new())[0].phrases.is_empty());
    }

    #[test]
    fn nearby_changes_join_and_distant_ones_do_not() {
        let new = file_from(&[("one two three four five six seven eight", Some("p"))]);
        let old =
            "t, case c: email, en\nAnswers: none\n\nONE two THREE four five six seven EIGHT\n";
        let hunks = word_diff(old, &new, &BTreeSet::new());
        assert_eq!(hunks.len(), 2);
        assert_eq!(
            format_hunk(&hunks[0], false),
            "[-ONE-]{+one+} two [-THREE-]{+three+} four five six seven"
        );
        assert_eq!(
            format_hunk(&hunks[1], false),
            "four five six seven [-EIGHT-]{+eight+}"
        );
    }

    #[test]
    fn text_wrapped_differently_has_no_hunks_but_paragraph_breaks_count() {
        let new = file_from(&[("one two three\n\nfour", Some("p"))]);
        let rewrapped = "t, case c: email, en\nAnswers: none\n\none\ntwo  three\n\nfour\n";
        assert!(word_diff(rewrapped, &new, &BTreeSet::new()).is_empty());
        let joined = "t, case c: email, en\nAnswers: none\n\none two three four\n";
        let hunks = word_diff(joined, &new, &BTreeSet::new());
        assert_eq!(hunks.len(), 1);
        assert_eq!(
            hunks[0].pieces,
            vec![Piece::Removed(" ".into()), Piece::Added("\n\n".into())]
        );
    }

    #[test]
    fn words_laid_out_differently_from_the_document_are_still_attributed() {
        // A letter's extracted text: an address first, lines wrapped, a page number last.
        let mut new = file_from(&[
            ("Dear Mrs Jones,", Some("greeting")),
            ("\n\n", None),
            (
                "Send us 2 fresh printed photos that are identical.",
                Some("photo.send"),
            ),
        ]);
        let header = "t, case c: letter, en\nAnswers: none\n\n";
        new.contents = format!(
            "{header}1 High Street\nCardiff\n\nDear Mrs Jones,\n\nSend us 2 fresh printed\nphotos that are identical.\n\n1\n"
        );
        let old = format!(
            "{header}1 High Street\nCardiff\n\nDear Mrs Jones,\n\nSend us 2 new printed\nphotos that are identical.\n\n1\n"
        );
        let hunks = word_diff(&old, &new, &BTreeSet::new());
        assert_eq!(hunks.len(), 1);
        assert_eq!(hunks[0].phrases, vec!["photo.send".to_string()]);
        assert_eq!(hunks[0].line, 9);
        assert_eq!(
            format_hunk(&hunks[0], false),
            "Send us 2 [-new-]{+fresh+} printed"
        );
    }

    #[test]
    fn an_added_paragraph_is_shown_from_its_start() {
        let new = file_from(&[
            ("Dear Mrs Jones,", Some("greeting")),
            ("\n\n", None),
            ("We cannot continue.", Some("reply")),
            ("\n\n", None),
            ("We need a new photo.", Some("photo.intro")),
        ]);
        let old =
            "t, case c: email, en\nAnswers: none\n\nDear Mrs Jones,\n\nWe need a new photo.\n";
        let hunks = word_diff(old, &new, &BTreeSet::new());
        assert_eq!(hunks.len(), 1);
        assert_eq!(
            hunks[0].pieces,
            vec![Piece::Added("We cannot continue.\n\n".into())]
        );
        assert_eq!(hunks[0].phrases, vec!["reply".to_string()]);
        assert_eq!(hunks[0].line, 6);
    }

    #[test]
    fn changes_with_only_spacing_between_read_as_one() {
        let new = file_from(&[("ask your referee to sign it.", Some("p"))]);
        let old =
            "t, case c: email, en\nAnswers: none\n\nask the person who knows you to sign it.\n";
        let hunks = word_diff(old, &new, &BTreeSet::new());
        assert_eq!(hunks.len(), 1);
        assert_eq!(
            format_hunk(&hunks[0], false),
            "ask [-the person who knows you-]{+your referee+} to sign it."
        );
    }

    #[test]
    fn identical_text_has_no_hunks() {
        let new = file_from(&[("Same words.", Some("p"))]);
        assert!(word_diff(new.body(), &new, &BTreeSet::new()).is_empty());
    }
}
