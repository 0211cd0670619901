//! The loaded rules of a library, with the indexes they read at run time: every rule's word
//! list in one automaton, the approved phrases for `similar-phrase`, and the guidance for
//! `guidance-copy` when given.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};

use super::guidance::GuidanceCorpus;
use super::patterns::literal_matcher;
use super::rules::{Existence, Kind, Rule};
use super::similar::PhraseIndex;

/// The tokens of every rule in two automata (ASCII case ignored, and case kept), so that a
/// text is scanned once for all the word lists; each match knows its rule and token.
#[derive(Debug, Clone, Default)]
pub struct TokenIndex {
    pub automata: Vec<(AhoCorasick, Vec<(usize, usize)>)>,
}

impl TokenIndex {
    fn build(rules: &[Rule]) -> TokenIndex {
        let mut automata = Vec::new();
        for case_sensitive in [false, true] {
            let mut words = Vec::new();
            let mut owners = Vec::new();
            for (rule_index, rule) in rules.iter().enumerate() {
                if let Kind::Existence(Existence {
                    tokens: Some(tokens),
                    ..
                }) = &rule.kind
                    && tokens.case_sensitive == case_sensitive
                {
                    for (token_index, word) in tokens.words.iter().enumerate() {
                        words.push(word.clone());
                        owners.push((rule_index, token_index));
                    }
                }
            }
            if words.is_empty() {
                continue;
            }
            // The words were each built into a matcher when their rule loaded.
            if let Ok(matcher) = literal_matcher(&words, case_sensitive, MatchKind::Standard) {
                automata.push((matcher, owners));
            }
        }
        TokenIndex { automata }
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
    /// Every rule's tokens, built from `rules` by [`RuleSet::from_parts`].
    token_index: TokenIndex,
    /// Every rule's patterns in one set, and the rule of each: one scan says which rules'
    /// patterns can match a text, so the others are not run.
    pattern_set: Option<(regex::RegexSet, Vec<usize>)>,
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
        let token_index = TokenIndex::build(&rules);
        let (owners, sources): (Vec<usize>, Vec<&str>) = rules
            .iter()
            .enumerate()
            .filter_map(|(index, rule)| match &rule.kind {
                Kind::Existence(Existence {
                    set_source: Some(source),
                    ..
                }) => Some((index, source.as_str())),
                _ => None,
            })
            .unzip();
        // Each source compiled on its own when its rule loaded; a set too large to build
        // only means every rule's patterns are run.
        let pattern_set = regex::RegexSetBuilder::new(&sources)
            .size_limit(1 << 24)
            .build()
            .ok()
            .map(|set| (set, owners));
        RuleSet {
            rules,
            phrase_index,
            guidance,
            token_index,
            pattern_set,
        }
    }

    /// For each rule, whether its patterns can match `text` (all true without a set).
    pub fn rules_whose_patterns_match(&self, text: &str) -> Vec<bool> {
        match &self.pattern_set {
            Some((set, owners)) => {
                let mut matched = vec![false; self.rules.len()];
                for index in set.matches(text).iter() {
                    if let Some(rule) = owners.get(index).and_then(|r| matched.get_mut(*r)) {
                        *rule = true;
                    }
                }
                matched
            }
            None => vec![true; self.rules.len()],
        }
    }

    pub fn token_index(&self) -> &TokenIndex {
        &self.token_index
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
