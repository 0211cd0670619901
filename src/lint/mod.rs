//! Lint: the house-style rules of the guidance, run on a composed document or on any text.
//! Findings, never silent fixes; every finding says which rule, where, and what to write instead.
//!
//! - [`rules`]: rule files (`rules/ID.yaml`) read and validated into rules; [`patterns`]
//!   compiles their regular expressions and word lists.
//! - [`ruleset`]: the loaded rules with the indexes they read at run time.
//! - [`kinds`]: how each kind of rule matches, on text that knows the source of every byte;
//!   [`required`] holds the mandated-wording kind and its word-by-word difference.
//! - [`similar`] and [`guidance`]: indexes of approved phrases and of internal guidance, for
//!   the rules that compare free text with them.
//! - [`lines`]: a composed message read a line at a time for the rules whose matches stay
//!   in a line, and a paragraph at a time for the patterns that may cross a line break, with
//!   the pieces of approved wording remembered. No pattern match runs across a blank line.
//! - [`examples`]: every rule's own examples, run by `comms check` and the tests.
//!
//! All matching is linear in the length of the text: regular expressions from the `regex`
//! crate, literal lists with `aho-corasick`, word sequences through hash lookups.

pub mod examples;
pub mod guidance;
pub mod kinds;
pub mod lines;
pub use lines::{KnownPieces, LineHits, Unit};
pub mod patterns;
pub mod required;
pub mod rules;
pub mod ruleset;
pub mod similar;
mod words;

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use crate::document::{Document, Recipient, Source, SourceKind, SourcedText};
use crate::library::templates::HouseFormat;
use crate::library::{Library, Phrase, Segment};
use crate::request::Language;
pub use required::Mandated;
use required::{mandated_by_rule, mandated_for};
pub use rules::{Kind, Rule};
pub use ruleset::{Reach, RuleSet};

/// How serious a finding is. Error-level findings stop a message being sent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Suggestion,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Suggestion => "suggestion",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which text of the message a finding points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The body: the `text` of the rendered message.
    Body,
    /// The subject line.
    Subject,
    /// The email recipient's address (line and column are 0).
    Recipient,
}

/// One breach of the house style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Whether `line` and `column` point into the body or the subject (or the finding is
    /// about the recipient's address).
    pub field: Field,
    /// 1-based line in the text the finding points into (the body, or the subject).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The exact text that breaks the rule.
    pub text: String,
    /// What to write instead, when the rule knows.
    pub suggestion: Option<String>,
    /// Where the text came from.
    pub source: SourceKind,
    /// The phrase the text belongs to, for phrase text and placeholder values.
    pub phrase: Option<String>,
}

/// True when any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|finding| finding.severity == Severity::Error)
}

/// What rules may know about a message besides its text: facts of its templates and
/// customer. Built from a document, or given by a rule's example.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The text is a composed message, so it has an opening and paragraphs; false for text
    /// posted to `comms lint` and for a phrase on its own.
    pub composed: bool,
    pub language: Language,
    /// A template of the message may give the customer a contact centre number.
    pub allows_contact_centre: bool,
    /// The message is in the Customer Services Management team house format.
    pub csmt: bool,
    /// The officer's initials.
    pub initials: Option<String>,
    /// Mandated wording the message must hold word for word.
    pub required: Arc<[Mandated]>,
    /// Customer details that must stay out of a subject (names, reference, address lines),
    /// trimmed and in lower case, each at least two characters: see [`customer_details`].
    pub customer_details: Vec<String>,
    /// Byte range of the first paragraph in the body.
    pub first_block: Option<Range<usize>>,
}

/// A match before it is located: a byte range in the field's text and what to say about it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// Replaces the rule's message when set (a required paragraph's difference).
    pub message: Option<String>,
    pub suggestion: Option<String>,
}

/// Lints a composed document: its subject and body, with the facts of its templates.
pub fn lint_document(library: &Library, document: &Document) -> Vec<Finding> {
    lint_composed(library, document, &document.body_sourced())
}

/// Lints a composed document reading its body whole for every rule: what [`lint_document`]
/// must find, for the tests and benchmarks that compare the two ways of reading.
pub fn lint_document_whole(library: &Library, document: &Document) -> Vec<Finding> {
    let body = document.body_sourced();
    let subject = document.subject_sourced();
    let facts = document_facts(library, &Composed::of(document), &body.text, None);
    lint_fields(&library.rules, &body, subject.as_ref(), &facts)
}

/// Lints a composed document whose body text (`document.body_sourced()`) is already built.
/// Finds what [`lint_fields`] finds; the body is read in lines and paragraphs for word lists
/// and patterns (see [`lines`]), and whole for the other rules.
pub fn lint_composed(library: &Library, document: &Document, body: &SourcedText) -> Vec<Finding> {
    let subject = document.subject_sourced();
    lint_message(
        library,
        &Composed::of(document),
        body,
        subject.as_ref(),
        None,
    )
}

/// What lint reads of a composed message besides its text.
#[derive(Debug, Clone, Copy)]
pub struct Composed<'a> {
    pub language: Language,
    pub templates: &'a [String],
    pub required_paragraphs: &'a [String],
    pub recipient: &'a Recipient,
    pub initials: &'a str,
    pub reference: Option<&'a str>,
    /// The position among the blocks of the first body block (after the greeting).
    pub first_body_block: Option<usize>,
}

impl<'a> Composed<'a> {
    pub fn of(document: &'a Document) -> Self {
        Composed {
            language: document.language,
            templates: &document.templates,
            required_paragraphs: &document.required_paragraphs,
            recipient: &document.recipient,
            initials: &document.sender.initials,
            reference: document.reference.as_deref(),
            first_body_block: document.first_body_block(),
        }
    }
}

/// What lint found before in the parts of a message that hold library wording only, for
/// [`lint_message`]: a message shape knows them.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The matches in the body's lines and paragraphs (see [`lines::piece_hits`]).
    pub pieces: KnownPieces,
    /// The subject's, when it holds no value (see [`subject_text_hits`]).
    pub subject: Option<Vec<(usize, Hit)>>,
    /// What lint reads of the message's templates.
    pub templates: Option<TemplateFacts>,
}

/// What lint reads of a message's templates and their layout: the same for every message
/// of one shape.
#[derive(Debug, Clone)]
pub struct TemplateFacts {
    /// A template of the message may give a contact centre number.
    pub allows_contact_centre: bool,
    /// A template of the message is in the CSMT house format.
    pub csmt: bool,
    /// The mandated wording of the message's required paragraphs.
    pub required: Arc<[Mandated]>,
}

impl TemplateFacts {
    pub fn of(library: &Library, composed: &Composed) -> TemplateFacts {
        let templates = || {
            composed
                .templates
                .iter()
                .filter_map(|id| library.template(id))
        };
        TemplateFacts {
            allows_contact_centre: templates().any(|t| t.spec.allows_contact_centre),
            csmt: templates().any(|t| t.spec.house_format == Some(HouseFormat::Csmt)),
            required: composed
                .required_paragraphs
                .iter()
                .filter_map(|id| library.phrase(id))
                .filter_map(|phrase| mandated_for(&library.rules, phrase, composed.language))
                .collect(),
        }
    }
}

/// Lints a composed message from its parts: what [`lint_composed`] finds. `known` may give
/// what was found before in its parts of library wording (see [`Known`]).
pub fn lint_message(
    library: &Library,
    composed: &Composed,
    body: &SourcedText,
    subject: Option<&SourcedText>,
    known: Option<&Known>,
) -> Vec<Finding> {
    let rules = &library.rules;
    let templates = known.and_then(|known| known.templates.as_ref());
    let facts = document_facts(library, composed, &body.text, templates);
    let mut findings = Vec::new();
    let pieces = known.map(|known| &known.pieces);
    field_findings_by_lines(
        rules,
        Field::Body,
        body,
        &facts,
        pieces,
        None,
        &mut findings,
    );
    if let Some(subject) = subject {
        let subject_hits = known.and_then(|known| known.subject.as_deref());
        field_findings_by_lines(
            rules,
            Field::Subject,
            subject,
            &facts,
            None,
            subject_hits,
            &mut findings,
        );
    }
    findings
}

/// What the rules find in one line or paragraph (`unit`) of library wording, positions from
/// its start: to give [`lint_message`] for a message that holds the piece again.
pub fn piece_hits_of(library: &Library, piece: &SourcedText, unit: Unit) -> LineHits {
    let cuts = lines::Cuts::of(&piece.text);
    lines::piece_hits(&library.rules, piece, &cuts, unit, None).into()
}

/// What [`field_findings`] finds, reading the text a line at a time for word lists, one-line
/// patterns and capitals, a paragraph at a time for the other patterns (see [`lines`]), and
/// whole for the other rules.
fn field_findings_by_lines(
    rules: &RuleSet,
    field: Field,
    text: &SourcedText,
    facts: &Facts,
    known: Option<&KnownPieces>,
    known_text_hits: Option<&[(usize, Hit)]>,
    findings: &mut Vec<Finding>,
) {
    let mut hits = match known_text_hits {
        Some(known) => known.to_vec(),
        None => text_rule_hits(rules, field, text, facts, known),
    };
    let whole = kinds::FieldText::new(field, text, Reach::AcrossLines);
    for (index, rule) in rules.rules.iter().enumerate() {
        if !matches!(rule.kind, Kind::Existence(_) | Kind::Capitals(_)) {
            hits.extend(
                kinds::run(index, rule, rules, &whole, facts)
                    .into_iter()
                    .map(|hit| (index, hit)),
            );
        }
    }
    locate(&rules.rules, field, text, hits, findings);
}

/// What the word-list, pattern and capitals rules find in one field's text, read in lines
/// and paragraphs, settled and kept: (rule index, hit).
fn text_rule_hits(
    rules: &RuleSet,
    field: Field,
    text: &SourcedText,
    facts: &Facts,
    known: Option<&KnownPieces>,
) -> Vec<(usize, Hit)> {
    let mut found: Vec<Vec<Hit>> = vec![Vec::new(); rules.rules.len()];
    let cuts = lines::Cuts::of(&text.text);
    for (index, hit) in lines::piece_hits(rules, text, &cuts, Unit::Line, known)
        .into_iter()
        .chain(lines::piece_hits(
            rules,
            text,
            &cuts,
            Unit::Paragraph,
            known,
        ))
    {
        found[index].push(hit);
    }
    let mut hits = Vec::new();
    for ((index, rule), line_hits) in rules.rules.iter().enumerate().zip(found) {
        if matches!(rule.kind, Kind::Existence(_) | Kind::Capitals(_))
            && kinds::applies(rule, field, facts)
        {
            hits.extend(
                kinds::settle(rule, line_hits, text)
                    .into_iter()
                    .filter(|hit| kinds::keeps(rule, field, text, facts, hit.start))
                    .map(|hit| (index, hit)),
            );
        }
    }
    hits
}

/// What the word-list, pattern and capitals rules find in a subject of library wording
/// alone: they read only its text and the facts of the message's templates, so a message
/// shape works them out once. The other rules read the customer's details and the officer's
/// initials, and run every time.
pub fn subject_text_hits(
    library: &Library,
    composed: &Composed,
    subject: &SourcedText,
) -> Vec<(usize, Hit)> {
    let facts = document_facts(library, composed, "", None);
    text_rule_hits(&library.rules, Field::Subject, subject, &facts, None)
}

/// Lints any text, as if typed by staff: every rule that needs no composed message.
pub fn lint_text(rules: &RuleSet, text: &str) -> Vec<Finding> {
    let sourced = SourcedText::uniform(
        text,
        Source::FreeText {
            template: "".into(),
            question: "".into(),
        },
    );
    lint_fields(rules, &sourced, None, &Facts::default())
}

/// Lints one phrase's text in one language, with placeholders filled by sample values: a
/// finding here is a defect of the library. `allows_contact_centre` says whether a template
/// that shows the phrase may give a contact centre number.
pub fn lint_phrase(
    library: &Library,
    phrase: &Phrase,
    language: Language,
    allows_contact_centre: bool,
) -> Vec<Finding> {
    let Some(text) = phrase.text(language) else {
        return Vec::new();
    };
    let mut sourced = SourcedText::default();
    for segment in &text.segments {
        let span = match segment {
            Segment::Text(text) => crate::document::Span {
                text: text.clone(),
                source: Source::Phrase {
                    id: phrase.id.clone(),
                },
            },
            Segment::Placeholder(placeholder) => crate::document::Span {
                text: "Sample".into(),
                source: Source::Placeholder {
                    phrase: phrase.id.clone(),
                    name: placeholder.name().into(),
                },
            },
        };
        sourced.push_span(&span);
    }
    let mut facts = Facts {
        language,
        allows_contact_centre,
        ..Facts::default()
    };
    let required_somewhere = library
        .templates
        .values()
        .any(|t| t.spec.required_paragraphs.iter().any(|id| phrase.id == *id));
    if required_somewhere {
        // A phrase is held to the rule file's wording; with none close, to nothing.
        facts.required = mandated_by_rule(&library.rules, phrase, language)
            .into_iter()
            .collect();
    }
    lint_fields(&library.rules, &sourced, None, &facts)
}

/// The facts of a composed message; `templates` are those of its templates when known
/// before (see [`TemplateFacts`]).
fn document_facts(
    library: &Library,
    document: &Composed,
    body: &str,
    templates: Option<&TemplateFacts>,
) -> Facts {
    let worked_out;
    let templates = match templates {
        Some(templates) => templates,
        None => {
            worked_out = TemplateFacts::of(library, document);
            &worked_out
        }
    };
    let titles = ["mr", "mrs", "ms", "miss", "mx", "dr"];
    let names = document
        .recipient
        .full_name
        .split_whitespace()
        .filter(|word| {
            let word = word.trim_end_matches('.');
            !titles.iter().any(|title| title.eq_ignore_ascii_case(word))
        });
    let recipient = &document.recipient;
    let customer_details = customer_details(
        names
            .chain(document.reference)
            .chain(recipient.address.iter().map(String::as_str))
            .chain(recipient.email.as_deref()),
    );
    let first_block = document
        .first_body_block
        .and_then(|index| block_range(body, index));
    Facts {
        composed: true,
        language: document.language,
        allows_contact_centre: templates.allows_contact_centre,
        csmt: templates.csmt,
        initials: Some(document.initials.to_string()).filter(|i| !i.is_empty()),
        required: Arc::clone(&templates.required),
        customer_details,
        first_block,
    }
}

/// Customer details as [`Facts::customer_details`] holds them: trimmed, in lower case, those
/// of fewer than two characters left out.
pub fn customer_details<'a>(details: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    details
        .into_iter()
        .map(str::trim)
        .filter(|detail| detail.chars().nth(1).is_some())
        .map(str::to_lowercase)
        .collect()
}

/// The byte range of the `index`th block of body text, blocks being separated by blank lines.
pub fn block_range(body: &str, index: usize) -> Option<Range<usize>> {
    let mut start = 0;
    for (number, block) in body.split("\n\n").enumerate() {
        if number == index {
            return Some(start..start + block.len());
        }
        start += block.len() + 2;
    }
    None
}

/// Runs every rule on the body and subject and locates the findings.
pub fn lint_fields(
    rules: &RuleSet,
    body: &SourcedText,
    subject: Option<&SourcedText>,
    facts: &Facts,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    field_findings(rules, Field::Body, body, facts, &mut findings);
    if let Some(subject) = subject {
        field_findings(rules, Field::Subject, subject, facts, &mut findings);
    }
    findings
}

/// Runs every rule on one field's text, read whole, and locates the findings.
fn field_findings(
    rules: &RuleSet,
    field: Field,
    text: &SourcedText,
    facts: &Facts,
    findings: &mut Vec<Finding>,
) {
    let field_text = kinds::FieldText::new(field, text, Reach::All);
    let mut hits: Vec<(usize, Hit)> = Vec::new();
    for (index, rule) in rules.rules.iter().enumerate() {
        hits.extend(
            kinds::run(index, rule, rules, &field_text, facts)
                .into_iter()
                .map(|hit| (index, hit)),
        );
    }
    locate(&rules.rules, field, text, hits, findings);
}

/// Turns byte ranges into findings with line and column, walking the text once, in order:
/// the subject after the body, each by position, then by rule.
fn locate(
    rules: &[Rule],
    field: Field,
    text: &SourcedText,
    mut hits: Vec<(usize, Hit)>,
    findings: &mut Vec<Finding>,
) {
    hits.sort_by(|(rule_a, a), (rule_b, b)| {
        (a.start, &rules[*rule_a].id, a.end).cmp(&(b.start, &rules[*rule_b].id, b.end))
    });
    let mut line = 1;
    let mut column = 1;
    let mut position = 0;
    for (rule, hit) in hits {
        let rule = &rules[rule];
        let start = floor_boundary(&text.text, hit.start);
        let end = floor_boundary(&text.text, hit.end.max(start));
        if start > position {
            let passed = &text.text.as_bytes()[position..start];
            match passed.iter().rposition(|&b| b == b'\n') {
                Some(last) => {
                    line += passed.iter().filter(|&&b| b == b'\n').count();
                    column = 1 + count_chars(&passed[last + 1..]);
                }
                None => column += count_chars(passed),
            }
            position = start;
        }
        let source = text.source_at(start);
        findings.push(Finding {
            rule: rule.id.clone(),
            severity: rule.level,
            message: hit.message.unwrap_or_else(|| rule.message.clone()),
            field,
            line,
            column,
            text: text.text[start..end].to_string(),
            suggestion: hit.suggestion.or_else(|| rule.suggestion.clone()),
            source: source.map_or(SourceKind::Template, Source::kind),
            phrase: source.and_then(|s| s.phrase_id()).map(str::to_string),
        });
    }
}

/// Characters in UTF-8 bytes that start on a character boundary.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}
