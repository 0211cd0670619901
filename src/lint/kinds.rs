//! How each kind of rule matches. Every kind reads text that knows the source of each byte
//! ([`SourcedText`]) and the facts of the message, and answers byte ranges ([`Hit`]s).

use crate::document::{Source, SourcedText};

use super::RuleSet;
use super::lines::paragraph_ranges;
use super::rules::{Capitals, Existence, Fact, Kind, LangText, Pattern, Rule, Scope};
use super::ruleset::Reach;
use super::words::{Word, words};
use super::{Facts, Field, Hit};
use crate::request::Language;

/// One field's text as the rules read it, with the words of its free text worked out once
/// for all the rules that compare words.
pub struct FieldText<'a> {
    pub field: Field,
    pub text: &'a SourcedText,
    /// The rules whose word lists and patterns the scans of this text look for.
    reach: Reach,
    free_words: std::cell::OnceCell<Vec<FreeRun>>,
    /// Token matches of every rule, by rule index: (start, end, token index).
    token_hits: std::cell::OnceCell<Vec<Vec<(usize, usize, usize)>>>,
    /// Whether each rule's patterns can match the text at all.
    pattern_rules: std::cell::OnceCell<Vec<bool>>,
}

/// A stretch of free text and its words (byte ranges relative to the stretch).
pub struct FreeRun {
    pub start: usize,
    pub end: usize,
    pub words: Vec<Word>,
}

impl<'a> FieldText<'a> {
    /// The text of `field`, scanned for the rules `reach` selects.
    pub fn new(field: Field, text: &'a SourcedText, reach: Reach) -> Self {
        FieldText {
            field,
            text,
            reach,
            free_words: std::cell::OnceCell::new(),
            token_hits: std::cell::OnceCell::new(),
            pattern_rules: std::cell::OnceCell::new(),
        }
    }

    fn patterns_may_match(&self, rules: &RuleSet, rule: usize) -> bool {
        self.pattern_rules
            .get_or_init(|| {
                rules
                    .scan_index(self.reach)
                    .rules_whose_patterns_match(rules.rules.len(), &self.text.text)
            })
            .get(rule)
            .copied()
            .unwrap_or(true)
    }

    /// Whole-word token matches of rule `rule`, from one scan of the text for all rules.
    fn tokens_of(&self, rules: &RuleSet, rule: usize) -> &[(usize, usize, usize)] {
        let all = self.token_hits.get_or_init(|| {
            let text = self.text.text.as_str();
            let mut by_rule = vec![Vec::new(); rules.rules.len()];
            if let Some((matcher, owners)) = &rules.scan_index(self.reach).words {
                for found in matcher.find_overlapping_iter(text) {
                    let owner = owners[found.pattern().as_usize()];
                    if owner.case_sensitive
                        && token_word(rules, owner.rule, owner.token)
                            .is_none_or(|word| word != &text[found.range()])
                    {
                        continue;
                    }
                    if whole_word(text, found.start(), found.end())
                        && let Some(list) = by_rule.get_mut(owner.rule)
                    {
                        list.push((found.start(), found.end(), owner.token));
                    }
                }
            }
            by_rule
        });
        all.get(rule).map_or(&[], Vec::as_slice)
    }

    fn free_runs(&self) -> &[FreeRun] {
        self.free_words.get_or_init(|| {
            free_text_ranges(self.text)
                .into_iter()
                .map(|(start, end)| FreeRun {
                    start,
                    end,
                    words: words(&self.text.text[start..end]),
                })
                .collect()
        })
    }
}

/// Word `token` of rule `rule`'s word list.
fn token_word(rules: &RuleSet, rule: usize, token: usize) -> Option<&str> {
    match &rules.rules.get(rule)?.kind {
        Kind::Existence(Existence {
            tokens: Some(tokens),
            ..
        }) => tokens.words.get(token).map(String::as_str),
        _ => None,
    }
}

/// The hits of one rule on one field.
pub fn run(
    index: usize,
    rule: &Rule,
    rules: &RuleSet,
    field_text: &FieldText,
    facts: &Facts,
) -> Vec<Hit> {
    let (field, text) = (field_text.field, field_text.text);
    if switched_off(rule, facts) || text.text.is_empty() {
        return Vec::new();
    }
    match &rule.kind {
        Kind::Existence(_) | Kind::Capitals(_) if field_in_scope(rule.scope, field) => {
            let mut hits = text_hits(index, rule, rules, field_text);
            hits.retain(|hit| in_scope(rule.scope, field, text, facts, hit.start));
            hits
        }
        Kind::SimilarPhrase {
            min_words,
            threshold,
        } if field == Field::Body => similar_hits(rules, field_text, *min_words, *threshold),
        Kind::GuidanceCopy { .. } if field == Field::Body => guidance_hits(rules, field_text),
        Kind::RequiredParagraph { .. } if field == Field::Body => {
            super::required::required_hits(text, facts)
        }
        Kind::SubjectFormat { prefix } if field == Field::Subject && facts.csmt => {
            subject_format_hits(prefix, text, facts)
        }
        Kind::SubjectDetails { patterns, any } if field == Field::Subject => {
            subject_detail_hits(patterns, any.as_ref(), text, facts)
        }
        Kind::FreeTextStart if field == Field::Body && facts.composed => {
            free_text_start_hits(text, facts)
        }
        _ => Vec::new(),
    }
}

/// What an existence or capitals rule matches in the text, wherever the match is: the
/// rule's scope and facts are not yet applied (see [`keeps`]). For any other kind, nothing.
pub fn text_hits(index: usize, rule: &Rule, rules: &RuleSet, field_text: &FieldText) -> Vec<Hit> {
    let mut hits = line_hits(index, rule, rules, field_text);
    hits.extend(across_line_hits(index, rule, rules, field_text));
    settle(rule, hits, field_text.text)
}

/// What [`text_hits`] finds that never crosses a line break, before [`settle`]: word lists,
/// patterns that cannot match a line break, words in capitals. The same whether the text is
/// read whole or a line at a time.
pub fn line_hits(index: usize, rule: &Rule, rules: &RuleSet, field_text: &FieldText) -> Vec<Hit> {
    match &rule.kind {
        Kind::Existence(existence) => {
            let mut hits = token_hits(existence, field_text.tokens_of(rules, index));
            if existence.patterns_within_line {
                hits.extend(existence_patterns(index, existence, rules, field_text));
            }
            hits
        }
        Kind::Capitals(capitals) => capitals_hits(capitals, field_text.text),
        _ => Vec::new(),
    }
}

/// What [`text_hits`] finds with patterns that may cross a line break, before [`settle`].
pub fn across_line_hits(
    index: usize,
    rule: &Rule,
    rules: &RuleSet,
    field_text: &FieldText,
) -> Vec<Hit> {
    match &rule.kind {
        Kind::Existence(existence) if !existence.patterns_within_line => {
            existence_patterns(index, existence, rules, field_text)
        }
        _ => Vec::new(),
    }
}

fn existence_patterns(
    index: usize,
    existence: &Existence,
    rules: &RuleSet,
    field_text: &FieldText,
) -> Vec<Hit> {
    let scan = !existence.patterns.is_empty() && field_text.patterns_may_match(rules, index);
    let text = field_text.text.text.as_str();
    if !scan || existence.patterns_within_line {
        return patterns_hits(existence, scan, text);
    }
    // Patterns that may cross a line break read each paragraph on its own.
    let mut hits = Vec::new();
    for paragraph in paragraph_ranges(text) {
        hits.extend(
            patterns_hits(existence, scan, &text[paragraph.clone()])
                .into_iter()
                .map(|hit| Hit {
                    start: hit.start + paragraph.start,
                    end: hit.end + paragraph.start,
                    ..hit
                }),
        );
    }
    hits
}

/// Makes the matches of [`line_hits`] and [`across_line_hits`] findings, on the text they
/// were found in: a word-list or pattern match inside a longer one, or inside approved
/// wording, is dropped.
pub fn settle(rule: &Rule, mut hits: Vec<Hit>, text: &SourcedText) -> Vec<Hit> {
    match &rule.kind {
        Kind::Existence(existence) => settle_existence(existence, hits, &text.text),
        Kind::Capitals(capitals) => {
            hits.retain(|hit| !exempt_placeholder(capitals, text, hit));
            hits
        }
        _ => hits,
    }
}

/// A word in capitals that a placeholder's value put there, and that holds a digit or comes
/// from a placeholder the rule exempts (a reference, a postcode, the officer's initials).
fn exempt_placeholder(capitals: &Capitals, text: &SourcedText, hit: &Hit) -> bool {
    let Some(Source::Placeholder { name, .. }) = text.source_at(hit.start) else {
        return false;
    };
    text.text[hit.start..hit.end].chars().any(char::is_numeric)
        || capitals.exempt_placeholders.iter().any(|n| *name == *n)
}

/// Whether a match of `rule` starting at `at` in `field` is a finding: the rule is not
/// switched off by the facts, and the match lies where the rule looks.
pub fn keeps(rule: &Rule, field: Field, text: &SourcedText, facts: &Facts, at: usize) -> bool {
    applies(rule, field, facts) && in_scope(rule.scope, field, text, facts, at)
}

/// Whether `rule` looks at `field` at all, given the facts of the message.
pub fn applies(rule: &Rule, field: Field, facts: &Facts) -> bool {
    !switched_off(rule, facts) && field_in_scope(rule.scope, field)
}

fn switched_off(rule: &Rule, facts: &Facts) -> bool {
    rule.unless.iter().any(|fact| match fact {
        Fact::AllowsContactCentre => facts.allows_contact_centre,
    })
}

fn field_in_scope(scope: Scope, field: Field) -> bool {
    match scope {
        Scope::Subject => field == Field::Subject,
        Scope::Body | Scope::FirstBlock => field == Field::Body,
        _ => true,
    }
}

fn in_scope(scope: Scope, field: Field, text: &SourcedText, facts: &Facts, at: usize) -> bool {
    let source = text.source_at(at);
    match scope {
        Scope::Document | Scope::Subject | Scope::Body => true,
        Scope::FirstBlock => match &facts.first_block {
            Some(range) => field == Field::Body && range.contains(&at),
            None => at < text.text.find("\n\n").unwrap_or(text.text.len()),
        },
        Scope::Phrases => matches!(source, Some(Source::Phrase { .. })),
        Scope::FreeText => matches!(source, Some(Source::FreeText { .. })),
        Scope::Placeholders => matches!(source, Some(Source::Placeholder { .. })),
    }
}

fn is_word_char(ch: Option<char>) -> bool {
    ch.is_some_and(char::is_alphanumeric)
}

/// True when `text[start..end]` stands as whole words: no letter or digit runs on across an
/// edge that is itself a letter or digit.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !(is_word_char(first) && is_word_char(before) || is_word_char(last) && is_word_char(after))
}

/// A rule's word-list matches: leftmost first, longest first, then no overlaps.
fn token_hits(existence: &Existence, token_matches: &[(usize, usize, usize)]) -> Vec<Hit> {
    let Some(tokens) = &existence.tokens else {
        return Vec::new();
    };
    let mut candidates = token_matches.to_vec();
    candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut hits = Vec::new();
    let mut last_end = 0;
    for (start, end, token) in candidates {
        if start < last_end {
            continue;
        }
        last_end = end;
        hits.push(Hit {
            start,
            end,
            message: None,
            suggestion: tokens.suggestions.get(token).cloned().flatten(),
        });
    }
    hits
}

/// A rule's pattern matches, when the pre-scan says its patterns can match (`scan`).
fn patterns_hits(existence: &Existence, scan: bool, text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    match &existence.combined {
        _ if !scan => {}
        Some(combined) => {
            let names: Vec<String> = (0..existence.patterns.len())
                .map(|index| format!("p{index}"))
                .collect();
            for captures in combined.captures_iter(text) {
                let Some(whole) = captures.get(0) else {
                    continue;
                };
                let pattern = names
                    .iter()
                    .position(|name| captures.name(name).is_some())
                    .and_then(|index| existence.patterns.get(index));
                hits.push(Hit {
                    start: whole.start(),
                    end: whole.end(),
                    message: None,
                    suggestion: pattern.and_then(|p| p.suggestion.clone()),
                });
            }
        }
        None => {
            for pattern in &existence.patterns {
                hits.extend(pattern_hits(pattern, text));
            }
        }
    }
    hits
}

/// A rule's word-list and pattern matches made findings: one for one stretch of text, and
/// none inside approved wording.
fn settle_existence(existence: &Existence, mut hits: Vec<Hit>, text: &str) -> Vec<Hit> {
    // One finding for one stretch of text: drop matches inside a longer one (`*x*` in `**x**`).
    hits.sort_by_key(|hit| (hit.start, std::cmp::Reverse(hit.end)));
    let mut covered_until = 0;
    hits.retain(|hit| {
        let inside = hit.end <= covered_until;
        covered_until = covered_until.max(hit.end);
        !inside
    });
    if let Some(exceptions) = &existence.exceptions {
        // Approved wording is looked for only around each match, so a long text with many
        // matches is still read once.
        let reach = exceptions.max_pattern_len();
        hits.retain(|hit| {
            let from = floor_char(text, hit.start.saturating_sub(reach));
            let to = ceil_char(text, (hit.end + reach).min(text.len()));
            !exceptions
                .find_overlapping_iter(&text[from..to])
                .filter(|m| whole_word(text, from + m.start(), from + m.end()))
                .any(|m| from + m.start() <= hit.start && hit.end <= from + m.end())
        });
    }
    hits
}

fn floor_char(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_char(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

fn pattern_hits<'a>(pattern: &'a Pattern, text: &'a str) -> impl Iterator<Item = Hit> + 'a {
    pattern.regex.find_iter(text).map(|m| Hit {
        start: m.start(),
        end: m.end(),
        message: None,
        suggestion: pattern.suggestion.clone(),
    })
}

fn capitals_hits(capitals: &Capitals, text: &SourcedText) -> Vec<Hit> {
    let body = text.text.as_str();
    let is_capital = |c: char| c.is_uppercase() || c.is_numeric();
    let is_joiner = |c: char| matches!(c, '.' | '&' | '\'' | '’' | '-');
    let mut hits = Vec::new();
    let mut word_end = 0;
    for found in capitals.word.find_iter(body) {
        if found.start() < word_end {
            continue;
        }
        // Widen to the whole word: capitals and digits, joined by . & ' ’ or -.
        let mut start = found.start();
        while let Some(before) = body[..start].chars().next_back() {
            let joined = is_joiner(before)
                && body[..start - before.len_utf8()]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_uppercase);
            if !(is_capital(before) || joined) {
                break;
            }
            start -= before.len_utf8();
        }
        let mut end = found.end();
        let mut rest = body[end..].chars();
        while let Some(after) = rest.next() {
            let joined = is_joiner(after) && rest.clone().next().is_some_and(char::is_uppercase);
            if !(is_capital(after) || joined) {
                break;
            }
            end += after.len_utf8();
        }
        word_end = end;
        // A whole word only: not the tail of "McDONALD" nor the head of "HMpo".
        if is_word_char(body[..start].chars().next_back())
            || is_word_char(body[end..].chars().next())
        {
            continue;
        }
        let word = &body[start..end];
        if capitals.allow.contains(word)
            || word
                .split(['.', '&', '-', '\'', '’'])
                .all(|part| capitals.allow.contains(part))
        {
            continue;
        }
        hits.push(Hit {
            start,
            end,
            message: None,
            suggestion: Some(sentence_case(word)),
        });
    }
    hits
}

fn sentence_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// Contiguous byte ranges of free text, adjacent free-text spans joined.
fn free_text_ranges(text: &SourcedText) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for range in &text.ranges {
        if !matches!(range.source, Source::FreeText { .. }) {
            continue;
        }
        match ranges.last_mut() {
            Some(last) if last.1 == range.start => last.1 = range.end,
            _ => ranges.push((range.start, range.end)),
        }
    }
    ranges
}

fn similar_hits(rules: &RuleSet, text: &FieldText, min_words: usize, threshold: f64) -> Vec<Hit> {
    if rules.phrase_index.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for run in text.free_runs() {
        for found in rules
            .phrase_index
            .resemblances(&run.words, min_words, threshold)
        {
            hits.push(Hit {
                start: run.start + found.start,
                end: run.start + found.end,
                message: Some(format!(
                    "this free text says what the approved phrase `{}` says; choose that phrase in the template instead of typing it",
                    found.phrase
                )),
                suggestion: Some(format!("use the phrase `{}`", found.phrase)),
            });
        }
    }
    hits
}

fn guidance_hits(rules: &RuleSet, text: &FieldText) -> Vec<Hit> {
    let Some(corpus) = &rules.guidance else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for run in text.free_runs() {
        for (from, to) in corpus.copied(&run.words) {
            hits.push(Hit {
                start: run.start + from,
                end: run.start + to,
                message: None,
                suggestion: None,
            });
        }
    }
    hits
}

fn subject_format_hits(prefix: &LangText, text: &SourcedText, facts: &Facts) -> Vec<Hit> {
    let subject = text.text.trim();
    let prefix = match facts.language {
        Language::En => prefix.en.as_str(),
        Language::Cy => prefix.cy.as_deref().unwrap_or(&prefix.en),
    };
    let expected = match &facts.initials {
        Some(initials) => format!("{prefix} {initials}"),
        None => format!("{prefix} INITIALS"),
    };
    let rest = subject
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix(' '));
    let good = match (rest, &facts.initials) {
        (Some(rest), Some(initials)) => rest == initials,
        (Some(rest), None) => {
            (1..=4).contains(&rest.chars().count()) && rest.chars().all(char::is_uppercase)
        }
        (None, _) => false,
    };
    if good {
        return Vec::new();
    }
    vec![Hit {
        start: 0,
        end: text.text.len(),
        message: None,
        suggestion: Some(expected),
    }]
}

fn subject_detail_hits(
    patterns: &[Pattern],
    any: Option<&regex::RegexSet>,
    text: &SourcedText,
    facts: &Facts,
) -> Vec<Hit> {
    let subject = text.text.as_str();
    let mut hits: Vec<Hit> = Vec::new();
    // By provenance: customer and application values placed in the subject.
    for range in &text.ranges {
        if let Source::Placeholder { name, .. } = &range.source
            && (name.starts_with("customer.")
                || name.starts_with("answers.")
                || name == "application.reference")
        {
            hits.push(Hit {
                start: range.start,
                end: range.end,
                message: None,
                suggestion: None,
            });
        }
    }
    // By value: the customer's details typed or pasted in.
    let lower = subject.to_lowercase();
    if lower.len() == subject.len() {
        for needle in &facts.customer_details {
            let mut from = 0;
            while let Some(found) = lower[from..].find(needle.as_str()) {
                let start = from + found;
                let end = start + needle.len();
                if whole_word(subject, start, end) {
                    hits.push(Hit {
                        start,
                        end,
                        message: None,
                        suggestion: None,
                    });
                }
                from = end;
            }
        }
    }
    // One scan says which patterns can match; only those are run.
    let may_match = any.map(|set| set.matches(subject));
    for (index, pattern) in patterns.iter().enumerate() {
        if may_match.as_ref().is_none_or(|set| set.matched(index)) {
            hits.extend(pattern_hits(pattern, subject));
        }
    }
    hits.sort_by_key(|hit| (hit.start, std::cmp::Reverse(hit.end)));
    let mut last_end = 0;
    hits.retain(|hit| {
        let keep = hit.start >= last_end || hit.start == hit.end;
        last_end = last_end.max(hit.end);
        keep
    });
    hits
}

fn free_text_start_hits(text: &SourcedText, facts: &Facts) -> Vec<Hit> {
    let range = match &facts.first_block {
        Some(range) => range.clone(),
        None => 0..text.text.find("\n\n").unwrap_or(text.text.len()),
    };
    let Some(first) = text.text[range.clone()]
        .char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .map(|(i, _)| range.start + i)
    else {
        return Vec::new();
    };
    if !matches!(text.source_at(first), Some(Source::FreeText { .. })) {
        return Vec::new();
    }
    let end = text
        .ranges
        .iter()
        .find(|r| r.start <= first && first < r.end)
        .map_or(range.end, |r| r.end.min(range.end));
    vec![Hit {
        start: first,
        end,
        message: None,
        suggestion: None,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        assert!(whole_word("the info.", 4, 8));
        assert!(!whole_word("information", 0, 4));
        assert!(whole_word("see e.g. this", 4, 8));
    }
}
