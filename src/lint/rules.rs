//! Rule files: `rules/ID.yaml` in the library root, read and validated into [`Rule`]s.
//!
//! A content designer changes the lists and patterns here without touching Rust; the rule
//! kinds themselves (how a rule matches) are Rust, in [`super::kinds`]. Every pattern is
//! compiled by the `regex` crate, which runs in linear time and refuses look-around and
//! back-references; a rule file that needs them is refused with its file, line and why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::Severity;
use super::examples::ExampleSpec;
use super::patterns::{compile_pattern, literal_matcher, set_source};
use crate::library::error::{LibraryError, yaml_error};

/// Every rule kind implemented in Rust, with what it does, for error messages and the README.
pub const KINDS: [(&str, &str); 8] = [
    (
        "existence",
        "flags any of `tokens` (words, with a suggestion each) or `patterns` (regular expressions)",
    ),
    (
        "capitals",
        "flags words in capital letters not in `allow`; placeholder values with digits (references, postcodes) are exempt",
    ),
    (
        "similar-phrase",
        "flags free text that says what an approved phrase says",
    ),
    (
        "guidance-copy",
        "flags free text that copies `min_words` words in a row from the guidance corpus",
    ),
    (
        "required-paragraph",
        "a message whose templates require mandated `paragraphs` must hold them word for word",
    ),
    (
        "subject-format",
        "a house-format subject is `prefix` followed by the officer's initials",
    ),
    (
        "subject-details",
        "no customer name, reference, address or `patterns` (dates, passport numbers) in a subject",
    ),
    (
        "free-text-start",
        "a letter or email must not start with free text",
    ),
];

/// Which part of a message a rule reads, and which provenance it applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Subject and body, whatever their source.
    #[default]
    Document,
    /// The body only.
    Body,
    /// The subject only.
    Subject,
    /// The first paragraph of the body.
    FirstBlock,
    /// Text of approved phrases only.
    Phrases,
    /// Text typed by staff only.
    FreeText,
    /// Values filled into placeholders only.
    Placeholders,
}

/// A fact about the templates of a message that can switch a rule off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// A template of the message has `allows_contact_centre: true`.
    AllowsContactCentre,
}

/// Text in English and, optionally, Welsh.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangText {
    pub en: String,
    #[serde(default)]
    pub cy: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternSpec {
    pattern: String,
    #[serde(default)]
    suggestion: Option<String>,
}

/// What a rule file declares, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    #[serde(default)]
    id: Option<String>,
    kind: Spanned<String>,
    level: Severity,
    message: String,
    #[serde(default)]
    scope: Option<Scope>,
    #[serde(default)]
    suggestion: Option<String>,
    #[serde(default)]
    unless: Vec<Fact>,
    #[serde(default)]
    tokens: BTreeMap<String, Option<String>>,
    #[serde(default)]
    case_sensitive: bool,
    #[serde(default)]
    patterns: Vec<Spanned<PatternSpec>>,
    #[serde(default)]
    exceptions: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    exempt_placeholders: Vec<String>,
    #[serde(default)]
    min_words: Option<usize>,
    #[serde(default)]
    threshold: Option<f64>,
    #[serde(default)]
    paragraphs: BTreeMap<String, LangText>,
    #[serde(default)]
    prefix: Option<LangText>,
    #[serde(default)]
    examples: Option<Spanned<ExamplesSpec>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesSpec {
    #[serde(default)]
    pub flag: Vec<Spanned<ExampleSpec>>,
    #[serde(default)]
    pub pass: Vec<Spanned<ExampleSpec>>,
}

/// A validated rule, ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub file: PathBuf,
    pub level: Severity,
    pub message: String,
    pub scope: Scope,
    /// What to write instead, when no token or pattern says better.
    pub suggestion: Option<String>,
    pub unless: Vec<Fact>,
    pub kind: Kind,
    pub examples: ExamplesSpec,
    /// Line of `examples:` in the file.
    pub examples_line: u64,
}

/// How a rule matches; one variant per kind in [`KINDS`].
#[derive(Debug, Clone)]
pub enum Kind {
    Existence(Existence),
    Capitals(Capitals),
    SimilarPhrase {
        min_words: usize,
        threshold: f64,
    },
    GuidanceCopy {
        min_words: usize,
    },
    RequiredParagraph {
        paragraphs: BTreeMap<String, LangText>,
    },
    SubjectFormat {
        prefix: LangText,
    },
    SubjectDetails {
        patterns: Vec<Pattern>,
        /// All the patterns as one set, telling which can match a subject at all.
        any: Option<regex::RegexSet>,
    },
    FreeTextStart,
}

/// Literal words and regular expressions, each with what to write instead.
#[derive(Debug, Clone)]
pub struct Existence {
    pub tokens: Option<Tokens>,
    pub patterns: Vec<Pattern>,
    /// All the patterns in one expression, group `pN` for pattern N, so that the text is
    /// scanned once however many patterns the rule has.
    pub combined: Option<Regex>,
    /// All the patterns as one expression, for the rule set's pre-scan.
    pub set_source: Option<String>,
    /// Approved wording inside which a match is not a breach ("proof of identity").
    pub exceptions: Option<AhoCorasick>,
    /// No match of the rule's patterns can cross a line break, so a text can be read line
    /// by line for them (see [`super::lines`]). Tokens never hold a line break.
    pub patterns_within_line: bool,
}

#[derive(Debug, Clone)]
pub struct Tokens {
    pub words: Vec<String>,
    /// Suggestion for each token, by index in `words`.
    pub suggestions: Vec<Option<String>>,
    pub case_sensitive: bool,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub regex: Regex,
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Capitals {
    /// Finds where a word in capitals may be.
    pub word: Regex,
    /// Acronyms the public knows, as written (`GOV.UK`).
    pub allow: std::collections::BTreeSet<String>,
    /// Placeholder names whose values are exempt whatever they hold (`staff.initials`).
    pub exempt_placeholders: Vec<String>,
}

/// Reads one rule file. Returns the rule, or pushes every problem into `errors`.
pub fn read_rule_file(file: &Path, source: &str, errors: &mut Vec<LibraryError>) -> Option<Rule> {
    let before = errors.len();
    let stem = file
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let spec: RuleSpec = match serde_saphyr::from_str(source) {
        Ok(spec) => spec,
        Err(err) => {
            errors.push(yaml_error(file, &err));
            return None;
        }
    };
    if let Some(id) = &spec.id
        && *id != stem
    {
        errors.push(LibraryError::whole_file(
            file,
            format!(
                "`id: {id}` differs from the file name; a rule's id is its file name (`{stem}`)"
            ),
        ));
    }
    if !crate::library::phrases::valid_id(&stem) {
        errors.push(LibraryError::whole_file(
            file,
            format!("rule id `{stem}` (the file name) may use only a-z, 0-9, `.`, `-` and `_`"),
        ));
    }
    let kind_line = spec.kind.referenced.line();
    let examples_line = spec.examples.as_ref().map_or(0, |e| e.referenced.line());
    let examples = spec.examples.as_ref().map(|e| e.value.clone());
    match &examples {
        None => errors.push(LibraryError::whole_file(
            file,
            "the rule has no `examples:`; give `flag:` (text the rule must flag) and `pass:` (text it must let through)",
        )),
        Some(examples) if examples.flag.is_empty() || examples.pass.is_empty() => {
            errors.push(LibraryError::at(
                file,
                examples_line,
                0,
                format!(
                    "the rule needs at least one `flag:` example and one `pass:` example; it has {} and {}",
                    examples.flag.len(),
                    examples.pass.len()
                ),
            ))
        }
        Some(_) => {}
    }
    if spec.message.trim().is_empty() {
        errors.push(LibraryError::whole_file(
            file,
            "`message` is empty; say why the text breaks the house style",
        ));
    }
    let mut used = UsedFields::default();
    let kind = match spec.kind.value.as_str() {
        "existence" => {
            used.tokens = true;
            used.patterns = true;
            used.exceptions = true;
            used.case_sensitive = true;
            let tokens = build_tokens(file, kind_line, &spec.tokens, spec.case_sensitive, errors);
            let patterns = build_patterns(file, &spec.patterns, spec.case_sensitive, errors);
            let combined = (patterns.len() > 1 && patterns.len() == spec.patterns.len())
                .then(|| {
                    let alternatives: Vec<String> = spec
                        .patterns
                        .iter()
                        .enumerate()
                        .map(|(index, p)| format!("(?P<p{index}>{})", p.value.pattern))
                        .collect();
                    compile_pattern(&alternatives.join("|"), spec.case_sensitive).ok()
                })
                .flatten();
            let set_source =
                (!patterns.is_empty() && patterns.len() == spec.patterns.len()).then(|| {
                    let raw: Vec<&str> = spec
                        .patterns
                        .iter()
                        .map(|p| p.value.pattern.as_str())
                        .collect();
                    set_source(&raw, spec.case_sensitive)
                });
            if tokens.is_none() && spec.patterns.is_empty() {
                errors.push(LibraryError::at(
                    file,
                    kind_line,
                    0,
                    "an `existence` rule needs `tokens:` (word: suggestion) or `patterns:` (- pattern: ...)",
                ));
            }
            let exceptions = if spec.exceptions.is_empty() {
                None
            } else {
                literal_matcher(&spec.exceptions, false, MatchKind::Standard).ok()
            };
            let patterns_within_line = spec.patterns.is_empty()
                || set_source
                    .as_deref()
                    .is_some_and(super::lines::pattern_stays_within_line);
            Kind::Existence(Existence {
                tokens,
                patterns,
                combined,
                set_source,
                exceptions,
                patterns_within_line,
            })
        }
        "capitals" => {
            used.allow = true;
            used.exempt_placeholders = true;
            // Two capitals in a row (or either side of a full stop, ampersand, apostrophe or
            // hyphen): where a word in capitals must be; the word is then taken whole.
            let word = Regex::new(r"\p{Lu}[\p{Lu}\p{N}]*\p{Lu}|\p{Lu}[.&'’-]\p{Lu}")
                .expect("the capitals pattern is valid");
            Kind::Capitals(Capitals {
                word,
                allow: spec
                    .allow
                    .iter()
                    .map(|word| word.trim().to_string())
                    .collect(),
                exempt_placeholders: spec.exempt_placeholders.clone(),
            })
        }
        "similar-phrase" => {
            used.min_words = true;
            used.threshold = true;
            let threshold = spec.threshold.unwrap_or(0.8);
            if !(0.1..=1.0).contains(&threshold) {
                errors.push(LibraryError::at(
                    file,
                    kind_line,
                    0,
                    format!("`threshold: {threshold}` must be between 0.1 and 1.0 (the share of a phrase's word sequences the free text repeats)"),
                ));
            }
            Kind::SimilarPhrase {
                min_words: positive(file, kind_line, spec.min_words, 5, errors),
                threshold,
            }
        }
        "guidance-copy" => {
            used.min_words = true;
            Kind::GuidanceCopy {
                min_words: positive(file, kind_line, spec.min_words, 8, errors),
            }
        }
        "required-paragraph" => {
            used.paragraphs = true;
            if spec.paragraphs.is_empty() {
                errors.push(LibraryError::at(
                    file,
                    kind_line,
                    0,
                    "a `required-paragraph` rule needs `paragraphs:` (name: {en: mandated text})",
                ));
            }
            Kind::RequiredParagraph {
                paragraphs: spec.paragraphs.clone(),
            }
        }
        "subject-format" => {
            used.prefix = true;
            match &spec.prefix {
                Some(prefix) => Kind::SubjectFormat {
                    prefix: prefix.clone(),
                },
                None => {
                    errors.push(LibraryError::at(
                        file,
                        kind_line,
                        0,
                        "a `subject-format` rule needs `prefix: {en: ..., cy: ...}`",
                    ));
                    Kind::FreeTextStart
                }
            }
        }
        "subject-details" => {
            used.patterns = true;
            used.case_sensitive = true;
            let patterns = build_patterns(file, &spec.patterns, spec.case_sensitive, errors);
            let any = regex::RegexSetBuilder::new(patterns.iter().map(|p| p.regex.as_str()))
                .case_insensitive(!spec.case_sensitive)
                .build()
                .ok();
            Kind::SubjectDetails { patterns, any }
        }
        "free-text-start" => Kind::FreeTextStart,
        other => {
            errors.push(LibraryError::at(
                file,
                kind_line,
                spec.kind.referenced.column(),
                format!(
                    "unknown rule kind `{other}`; the kinds are {}",
                    KINDS
                        .iter()
                        .map(|(name, _)| *name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            return None;
        }
    };
    used.refuse_unused(file, kind_line, &spec, errors);
    if errors.len() > before {
        return None;
    }
    Some(Rule {
        id: stem,
        file: file.to_path_buf(),
        level: spec.level,
        message: spec.message.trim().to_string(),
        scope: spec.scope.unwrap_or_default(),
        suggestion: spec.suggestion,
        unless: spec.unless,
        kind,
        examples: examples.unwrap_or(ExamplesSpec {
            flag: Vec::new(),
            pass: Vec::new(),
        }),
        examples_line,
    })
}

/// Which optional fields the rule's kind reads; any other that is set is refused.
#[derive(Default)]
struct UsedFields {
    tokens: bool,
    patterns: bool,
    exceptions: bool,
    case_sensitive: bool,
    allow: bool,
    exempt_placeholders: bool,
    min_words: bool,
    threshold: bool,
    paragraphs: bool,
    prefix: bool,
}

impl UsedFields {
    fn refuse_unused(
        &self,
        file: &Path,
        line: u64,
        spec: &RuleSpec,
        errors: &mut Vec<LibraryError>,
    ) {
        let set = [
            ("tokens", self.tokens, !spec.tokens.is_empty()),
            ("patterns", self.patterns, !spec.patterns.is_empty()),
            ("exceptions", self.exceptions, !spec.exceptions.is_empty()),
            ("case_sensitive", self.case_sensitive, spec.case_sensitive),
            ("allow", self.allow, !spec.allow.is_empty()),
            (
                "exempt_placeholders",
                self.exempt_placeholders,
                !spec.exempt_placeholders.is_empty(),
            ),
            ("min_words", self.min_words, spec.min_words.is_some()),
            ("threshold", self.threshold, spec.threshold.is_some()),
            ("paragraphs", self.paragraphs, !spec.paragraphs.is_empty()),
            ("prefix", self.prefix, spec.prefix.is_some()),
        ];
        for (field, used, present) in set {
            if present && !used {
                errors.push(LibraryError::at(
                    file,
                    line,
                    0,
                    format!(
                        "a `{}` rule does not read `{field}`; remove it or change the kind",
                        spec.kind.value
                    ),
                ));
            }
        }
    }
}

fn positive(
    file: &Path,
    line: u64,
    value: Option<usize>,
    default: usize,
    errors: &mut Vec<LibraryError>,
) -> usize {
    let value = value.unwrap_or(default);
    if !(2..=50).contains(&value) {
        errors.push(LibraryError::at(
            file,
            line,
            0,
            format!("`min_words: {value}` must be between 2 and 50"),
        ));
    }
    value
}

fn build_tokens(
    file: &Path,
    line: u64,
    tokens: &BTreeMap<String, Option<String>>,
    case_sensitive: bool,
    errors: &mut Vec<LibraryError>,
) -> Option<Tokens> {
    if tokens.is_empty() {
        return None;
    }
    let mut words = Vec::new();
    let mut suggestions = Vec::new();
    for (word, suggestion) in tokens {
        if word.trim().is_empty() {
            errors.push(LibraryError::at(
                file,
                line,
                0,
                "a token is empty; each token is a word or words to flag",
            ));
            continue;
        }
        if word.trim().contains(['\n', '\r']) {
            errors.push(LibraryError::at(
                file,
                line,
                0,
                format!(
                    "the token {:?} holds a line break; a token is a word or words on one line (use a pattern with \\s to match across lines)",
                    word.trim()
                ),
            ));
            continue;
        }
        words.push(word.trim().to_string());
        suggestions.push(suggestion.clone());
    }
    match literal_matcher(&words, case_sensitive, MatchKind::Standard) {
        Ok(_) => Some(Tokens {
            words,
            suggestions,
            case_sensitive,
        }),
        Err(err) => {
            errors.push(LibraryError::at(
                file,
                line,
                0,
                format!("the tokens cannot be matched: {err}"),
            ));
            None
        }
    }
}

fn build_patterns(
    file: &Path,
    specs: &[Spanned<PatternSpec>],
    case_sensitive: bool,
    errors: &mut Vec<LibraryError>,
) -> Vec<Pattern> {
    let mut patterns = Vec::new();
    for spec in specs {
        let line = spec.referenced.line();
        match compile_pattern(&spec.value.pattern, case_sensitive) {
            Ok(regex) => patterns.push(Pattern {
                regex,
                suggestion: spec.value.suggestion.clone(),
            }),
            Err(reason) => errors.push(LibraryError::at(
                file,
                line,
                spec.referenced.column(),
                format!("pattern `{}` is refused: {reason}", spec.value.pattern),
            )),
        }
    }
    patterns
}
