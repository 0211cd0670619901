//! Mandated wording (`required-paragraph`): paragraphs the guidance says must appear word for
//! word, found in a message in one pass, and, when altered, shown with the difference.

use crate::document::SourcedText;
use crate::library::{Phrase, Segment};
use crate::request::Language;

use super::words::{self, words};
use super::{Facts, Hit, RuleSet, rules};

/// Mandated wording: literal pieces, word for word, with a value (a name, a time of day)
/// between each two pieces. Written in a rule file as text with `{placeholder}` markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mandated {
    pub name: String,
    pub pieces: Vec<String>,
}

impl Mandated {
    /// Splits text with `{...}` markers into pieces.
    pub fn from_marked_text(name: &str, text: &str) -> Mandated {
        let mut pieces = vec![String::new()];
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            if let Some(last) = pieces.last_mut() {
                last.push_str(&rest[..open]);
            }
            pieces.push(String::new());
            rest = &rest[open + close + 1..];
        }
        if let Some(last) = pieces.last_mut() {
            last.push_str(rest);
        }
        Mandated {
            name: name.to_string(),
            pieces,
        }
    }

    /// The pieces of a phrase's text, its placeholders as the values between them.
    pub fn from_phrase(name: &str, text: &crate::library::PhraseText) -> Mandated {
        let mut pieces = vec![String::new()];
        for segment in &text.segments {
            match segment {
                Segment::Text(text) => {
                    if let Some(last) = pieces.last_mut() {
                        last.push_str(text);
                    }
                }
                Segment::Placeholder(_) => pieces.push(String::new()),
            }
        }
        Mandated {
            name: name.to_string(),
            pieces,
        }
    }

    /// The wording as staff read it, `{…}` where a value goes.
    pub fn display(&self) -> String {
        self.pieces.join("{…}")
    }
}

/// The rule file's mandated paragraph that a required phrase stands for: the one whose words
/// the phrase's English wording holds most of (at least half), in the phrase's language when
/// the rule gives it.
pub fn mandated_by_rule(rules: &RuleSet, phrase: &Phrase, language: Language) -> Option<Mandated> {
    let paragraphs = rules.rules.iter().find_map(|rule| match &rule.kind {
        rules::Kind::RequiredParagraph { paragraphs } => Some(paragraphs),
        _ => None,
    })?;
    let (_, name, text) = paragraphs
        .iter()
        .map(|(name, text)| (words::overlap(&text.en, &phrase.en.raw), name, text))
        .filter(|(overlap, _, _)| *overlap >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    let wording = match language {
        Language::En => &text.en,
        Language::Cy => text.cy.as_ref()?,
    };
    Some(Mandated::from_marked_text(name, wording))
}

/// What a message must hold for a required phrase: the rule file's wording when it has the
/// paragraph, else the phrase's own.
pub fn mandated_for(rules: &RuleSet, phrase: &Phrase, language: Language) -> Option<Mandated> {
    mandated_by_rule(rules, phrase, language).or_else(|| {
        phrase
            .text(language)
            .map(|text| Mandated::from_phrase(&phrase.id, text))
    })
}

/// Longest value allowed between two pieces of mandated wording, in bytes.
const MAX_VALUE: usize = 200;

/// Where `text` holds the pieces in order, each gap between them a value on the same line.
pub fn find_mandated(text: &str, pieces: &[String]) -> Option<(usize, usize)> {
    let first = pieces.iter().position(|piece| !piece.is_empty())?;
    let anchor = &pieces[first];
    let mut from = 0;
    while let Some(found) = text[from..].find(anchor.as_str()) {
        let start = from + found;
        let mut position = start + anchor.len();
        let mut matched = true;
        for piece in &pieces[first + 1..] {
            if piece.is_empty() {
                // A value ends the wording: it runs to the end of the line.
                position += text[position..].find('\n').unwrap_or(text.len() - position);
                continue;
            }
            let mut window_end = (position + MAX_VALUE + piece.len()).min(text.len());
            while !text.is_char_boundary(window_end) {
                window_end -= 1;
            }
            match text[position..window_end].find(piece.as_str()) {
                Some(gap) if !text[position..position + gap].contains('\n') => {
                    position += gap + piece.len();
                }
                _ => {
                    matched = false;
                    break;
                }
            }
        }
        if matched {
            return Some((start, position));
        }
        from = start + anchor.len();
    }
    None
}

pub fn required_hits(text: &SourcedText, facts: &Facts) -> Vec<Hit> {
    let mut hits = Vec::new();
    for mandated in facts.required.iter() {
        let pieces = &mandated.pieces;
        if pieces.iter().all(String::is_empty) || find_mandated(&text.text, pieces).is_some() {
            continue;
        }
        let expected = mandated.display();
        let name = &mandated.name;
        // The paragraph most like the mandated one is the altered copy, if any is close.
        let expected_words = words(&expected).len();
        let mut best: Option<(f64, usize, usize)> = None;
        let mut offset = 0;
        for paragraph in text.text.split("\n\n") {
            let length = words(paragraph).len();
            if length <= expected_words * 4 + 20 {
                let share = super::words::overlap(&expected, paragraph);
                if share >= 0.5 && best.is_none_or(|(b, _, _)| share > b) {
                    best = Some((share, offset, offset + paragraph.len()));
                }
            }
            offset += paragraph.len() + 2;
        }
        let hit = match best {
            Some((_, start, end)) => Hit {
                start,
                end,
                message: Some(format!(
                    "the mandated paragraph `{name}` has been altered; it must be word for word: {}",
                    word_difference(&expected, &text.text[start..end])
                )),
                suggestion: Some(expected),
            },
            None => Hit {
                start: 0,
                end: 0,
                message: Some(format!(
                    "the mandated paragraph `{name}` is missing; the template requires it word for word"
                )),
                suggestion: Some(expected),
            },
        };
        hits.push(hit);
    }
    hits
}

/// The changes from `expected` to `found`, word by word: `[-removed-]` and `{+added+}`, with
/// the word before each change for context.
pub fn word_difference(expected: &str, found: &str) -> String {
    let a: Vec<&str> = expected.split_whitespace().collect();
    let b: Vec<&str> = found.split_whitespace().collect();
    let (n, m) = (a.len(), b.len());
    // Longest common subsequence table; paragraphs are short (bounded by the caller).
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut changes: Vec<String> = Vec::new();
    let mut removed: Vec<&str> = Vec::new();
    let mut added: Vec<&str> = Vec::new();
    let mut context: Option<&str> = None;
    let mut flush = |removed: &mut Vec<&str>, added: &mut Vec<&str>, context: Option<&str>| {
        if removed.is_empty() && added.is_empty() {
            return;
        }
        let mut change = String::new();
        if let Some(word) = context {
            change.push_str(&format!("after “{word}”: "));
        }
        if !removed.is_empty() {
            change.push_str(&format!("[-{}-]", removed.join(" ")));
        }
        if !added.is_empty() {
            change.push_str(&format!("{{+{}+}}", added.join(" ")));
        }
        changes.push(change);
        removed.clear();
        added.clear();
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            flush(&mut removed, &mut added, context);
            context = Some(a[i]);
            i += 1;
            j += 1;
        } else if j < m && (i == n || table[i][j + 1] >= table[i + 1][j]) {
            added.push(b[j]);
            j += 1;
        } else {
            removed.push(a[i]);
            i += 1;
        }
    }
    flush(&mut removed, &mut added, context);
    let total = changes.len();
    let mut shown: Vec<String> = changes.into_iter().take(5).collect();
    if total > 5 {
        shown.push(format!("and {} more changes", total - 5));
    }
    shown.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_difference_names_each_change() {
        let diff = word_difference(
            "we reimburse reasonable out of pocket expenses",
            "we repay reasonable out of pocket costs",
        );
        assert_eq!(
            diff,
            "after “we”: [-reimburse-]{+repay+}; after “pocket”: [-expenses-]{+costs+}"
        );
    }
}
