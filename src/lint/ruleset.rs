//! The loaded rules of a library, with the indexes they read at run time: every rule's word
//! list in one automaton, the approved phrases for `similar-phrase`, and the guidance for
//! `guidance-copy` when given.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::guidance::GuidanceCorpus;
use super::lines::{PieceMemo, paragraph_ranges};
use super::patterns::literal_matcher;
use super::rules::{Existence, Kind, Rule};
use super::similar::PhraseIndex;

/// Which of the rules a scan of a text looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every rule: text read whole (posted text, a subject, a phrase).
    All,
    /// Word lists, and the patterns that cannot match a line break (read line by line, see
    /// [`super::lines`]).
    WithinLine,
    /// The patterns that may match a line break (read over the whole body).
    AcrossLines,
}

/// What one scan of a text reads at once for the rules of one [`Reach`]: their word lists
/// in one automaton that ignores ASCII case, each match knowing its rule and token (a match
/// of a case-sensitive token counts only when its case is the token's); and their patterns
/// in one set, which says which rules' patterns can match at all, so that the others are
/// not run.
#[derive(Debug, Clone, Default)]
pub struct ScanIndex {
    pub words: Option<(AhoCorasick, Vec<TokenOwner>)>,
    /// Every selected rule's patterns as one set, and the rule of each; none when the set
    /// is too large to build, which only means every rule's patterns are run.
    patterns: Option<(regex::RegexSet, Vec<usize>)>,
}

/// The rule and token of one word in a [`ScanIndex`] automaton.
#[derive(Debug, Clone, Copy)]
pub struct TokenOwner {
    pub rule: usize,
    pub token: usize,
    /// The match must have the token's case.
    pub case_sensitive: bool,
}

impl ScanIndex {
    fn build(rules: &[Rule], reach: Reach) -> ScanIndex {
        // Word lists never hold a line break; patterns may.
        let tokens_wanted = reach != Reach::AcrossLines;
        let patterns_wanted = |existence: &Existence| match reach {
            Reach::All => true,
            Reach::WithinLine => existence.patterns_within_line,
            Reach::AcrossLines => !existence.patterns_within_line,
        };
        let mut words = Vec::new();
        let mut owners = Vec::new();
        for (rule_index, rule) in rules.iter().enumerate() {
            if let Kind::Existence(Existence {
                tokens: Some(tokens),
                ..
            }) = &rule.kind
                && tokens_wanted
            {
                for (token_index, word) in tokens.words.iter().enumerate() {
                    words.push(word.clone());
                    owners.push(TokenOwner {
                        rule: rule_index,
                        token: token_index,
                        case_sensitive: tokens.case_sensitive,
                    });
                }
            }
        }
        // The words were each built into a matcher when their rule loaded.
        let words = (!words.is_empty())
            .then(|| literal_matcher(&words, false, MatchKind::Standard).ok())
            .flatten()
            .map(|matcher| (matcher, owners));
        let (owners, sources): (Vec<usize>, Vec<&str>) = rules
            .iter()
            .enumerate()
            .filter_map(|(index, rule)| match &rule.kind {
                Kind::Existence(
                    existence @ Existence {
                        set_source: Some(source),
                        ..
                    },
                ) if patterns_wanted(existence) => Some((index, source.as_str())),
                _ => None,
            })
            .unzip();
        // Each source compiled on its own when its rule loaded.
        let patterns = regex::RegexSetBuilder::new(&sources)
            .size_limit(1 << 24)
            .build()
            .ok()
            .map(|set| (set, owners));
        ScanIndex { words, patterns }
    }

    /// For each of `rule_count` rules, whether its patterns can match `text`, read a
    /// paragraph at a time (see [`super::lines::paragraph_ranges`]); all true without a set.
    pub fn rules_whose_patterns_match(&self, rule_count: usize, text: &str) -> Vec<bool> {
        match &self.patterns {
            Some((set, owners)) => {
                let mut matched = vec![false; rule_count];
                for paragraph in paragraph_ranges(text) {
                    for index in set.matches(&text[paragraph]).iter() {
                        if let Some(rule) = owners.get(index).and_then(|r| matched.get_mut(*r)) {
                            *rule = true;
                        }
                    }
                }
                matched
            }
            None => vec![true; rule_count],
        }
    }
}

/// The loaded rules of a library, with what they need at run time.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Approved phrases indexed for `similar-phrase`, built when the library loads.
    pub phrase_index: PhraseIndex,
    /// Internal guidance for `guidance-copy`; none unless given at run time (`--guidance`).
    pub guidance: Option<GuidanceCorpus>,
    /// The scan indexes of each [`Reach`], each built when first needed.
    scans: [OnceLock<ScanIndex>; 3],
    /// The within-line matches of lines of approved wording, for [`super::lines`].
    pub(super) lines: PieceMemo,
    /// The across-line matches of paragraphs of approved wording, for [`super::lines`].
    pub(super) paragraphs: PieceMemo,
}

impl RuleSet {
    /// The rules of a library, with its phrases indexed (both languages, literal text only).
    pub fn new(
        rules: Vec<Rule>,
        phrases: &BTreeMap<String, std::sync::Arc<crate::library::Phrase>>,
    ) -> RuleSet {
        let texts: Vec<(&str, String)> = phrases
            .values()
            .flat_map(|phrase| {
                std::iter::once(&phrase.en)
                    .chain(phrase.cy.as_ref())
                    .map(move |text| (phrase.id.as_str(), literal_text(text)))
            })
            .collect();
        let phrase_index = PhraseIndex::build(texts.iter().map(|(id, t)| (*id, t.as_str())));
        RuleSet::from_parts(rules, phrase_index, None)
    }

    /// A rule set from its parts, with the tokens of its rules indexed.
    pub fn from_parts(
        rules: Vec<Rule>,
        phrase_index: PhraseIndex,
        guidance: Option<GuidanceCorpus>,
    ) -> RuleSet {
        RuleSet {
            rules,
            phrase_index,
            guidance,
            scans: Default::default(),
            lines: PieceMemo::default(),
            paragraphs: PieceMemo::default(),
        }
    }

    /// The scan index of the rules `reach` selects.
    pub fn scan_index(&self, reach: Reach) -> &ScanIndex {
        let slot = match reach {
            Reach::All => 0,
            Reach::WithinLine => 1,
            Reach::AcrossLines => 2,
        };
        self.scans[slot].get_or_init(|| ScanIndex::build(&self.rules, reach))
    }

    /// How many lines of approved wording have their matches remembered.
    pub fn remembered_lines(&self) -> usize {
        self.lines.len()
    }

    /// Forgets every remembered line and paragraph (to measure or test reading from scratch).
    pub fn forget_lines(&self) {
        self.lines.clear();
        self.paragraphs.clear();
    }

    /// Attaches the internal guidance (each document's text) for `guidance-copy`.
    pub fn attach_guidance<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) {
        let min_words = self
            .rules
            .iter()
            .find_map(|rule| match rule.kind {
                Kind::GuidanceCopy { min_words } => Some(min_words),
                _ => None,
            })
            .unwrap_or(8);
        self.guidance = Some(GuidanceCorpus::build(min_words, texts));
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }
}

/// A phrase's literal wording, placeholders left out.
fn literal_text(text: &crate::library::PhraseText) -> String {
    text.segments
        .iter()
        .filter_map(|segment| match segment {
            crate::library::Segment::Text(text) => Some(text.as_str()),
            crate::library::Segment::Placeholder(_) => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}
