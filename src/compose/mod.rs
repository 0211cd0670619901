//! Compose: a request becomes one document.
//!
//! Each part's answers are checked against its template's questions, the template body picks
//! phrases, and the parts are joined into one message with one greeting, the parts in order
//! (a phrase two parts both bring appears once), the Fast Track phrase once where a part asks
//! for a reply, and one sign-off. Every span keeps its provenance.
//!
//! Two steps: [`prepare()`] checks the request (people, time zone, templates, answers) and
//! finds its values; [`assemble`] builds the document, or with [`Holes`] the document with
//! its values left as holes, for a message shape.

pub mod answers;
pub mod format;
pub mod holes;
pub mod prepare;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::document::{Block, BlockKind, BlockRole, Document, Inline, SharedStr, Source, Span};
use crate::library::body::Item;
use crate::library::{Library, Phrase, Placeholder, Segment, Template, structural};
use crate::request::{Language, Request, Service};
use answers::CheckedAnswers;
pub use holes::{Holes, Recipe};
pub use prepare::{Prepared, prepare};

/// The time zone of customers who did not give one.
pub const DEFAULT_TIME_ZONE: &str = "Europe/London";

/// One reason a request cannot be composed, naming the part, template and question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based position of the part in the request.
    pub part: Option<usize>,
    pub template: Option<String>,
    pub question: Option<String>,
    pub message: String,
}

impl Problem {
    fn general(message: impl Into<String>) -> Self {
        Problem {
            part: None,
            template: None,
            question: None,
            message: message.into(),
        }
    }

    fn in_part(part: usize, template: &str, message: impl Into<String>) -> Self {
        Problem {
            part: Some(part),
            template: Some(template.to_string()),
            question: None,
            message: message.into(),
        }
    }

    /// Where the problem is, as a path into the request: `parts[0].answers.reasons`.
    pub fn field(&self) -> Option<String> {
        match (self.part, &self.question) {
            (Some(part), Some(question)) => Some(format!("parts[{}].answers.{question}", part - 1)),
            (Some(part), None) => Some(format!("parts[{}]", part - 1)),
            (None, Some(field)) => Some(field.clone()),
            (None, None) => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(part) = self.part {
            write!(f, "part {part}")?;
            if let Some(template) = &self.template {
                write!(f, " ({template})")?;
            }
            if let Some(question) = &self.question {
                write!(f, ", question `{question}`")?;
            }
            write!(f, ": ")?;
        } else if let Some(field) = &self.question {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Why a request could not be composed: every problem found, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComposeError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for ComposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ComposeError {}

/// Composes `request` with `library` into one document.
pub fn compose(library: &Library, request: &Request) -> Result<Document, ComposeError> {
    let prepared = prepare(library, request)?;
    assemble(library, &prepared, None)
}

/// Assembles a prepared request into one document. With `holes`, every value (placeholder or
/// free text) is written as a hole marker and recorded there instead (see [`holes`]).
pub fn assemble(
    library: &Library,
    prepared: &Prepared,
    holes: Option<&mut Holes>,
) -> Result<Document, ComposeError> {
    let request = prepared.request;
    let channel = prepared.channel;
    let language = prepared.language;
    let automatic = prepared.automatic;
    let checked_parts = &prepared.parts;
    let mut builder = Builder {
        library,
        prepared,
        holes,
        blocks: Vec::new(),
        seen_units: Vec::new(),
        without_welsh: BTreeSet::new(),
        problems: Vec::new(),
    };

    if channel.is_written() && !automatic {
        let greeting = if prepared.has_title() {
            structural::GREETING_TITLE
        } else {
            structural::GREETING_NAME
        };
        let line = builder.structural_line(greeting);
        builder.push_block(BlockRole::Greeting, BlockKind::Paragraph, vec![line]);
    }

    let mut asks_for_reply = false;
    for (index, (template, checked)) in checked_parts.iter().enumerate() {
        asks_for_reply |= template.spec.asks_for_reply;
        builder.add_part(index + 1, template, checked);
    }
    if asks_for_reply && request.application.service == Service::FastTrack {
        let line = builder.structural_line(structural::FAST_TRACK);
        builder.push_unit(BlockKind::Paragraph, line);
    }
    if channel.is_written() {
        let signed: &[&str] = if automatic {
            &[structural::SIGN_OFF_ORGANISATION]
        } else {
            &[
                structural::SIGN_OFF,
                structural::SIGN_OFF_NAME,
                structural::SIGN_OFF_ORGANISATION,
            ]
        };
        let lines = signed
            .iter()
            .map(|id| builder.structural_line(id))
            .collect();
        builder.push_block(BlockRole::SignOff, BlockKind::Paragraph, lines);
    }

    let subject = if channel.has_subject() {
        subject_phrase(checked_parts).map(|id| builder.structural_line(id))
    } else {
        None
    };

    if let Some(first) = builder
        .blocks
        .iter()
        .find(|block| block.role == BlockRole::Body)
        && first
            .lines
            .first()
            .and_then(|line| line.spans.iter().find(|span| !span.text.trim().is_empty()))
            .is_some_and(|span| matches!(span.source, Source::FreeText { .. }))
    {
        builder.problems.push(Problem::general(
            "the message would start with free text; a letter or email must start with a preset phrase, so put the free-text answer after the template's opening phrase",
        ));
    }

    if language == Language::Cy {
        let missing: Vec<&str> = builder
            .without_welsh
            .iter()
            .map(SharedStr::as_str)
            .collect();
        if !missing.is_empty() {
            builder.problems.push(Problem::general(format!(
                "the message is in Welsh but {} phrase{} no Welsh text: {}; add `cy:` to {} in phrases/",
                missing.len(),
                if missing.len() == 1 { " has" } else { "s have" },
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "each" },
            )));
        }
    }
    if !builder.problems.is_empty() {
        return Err(ComposeError {
            problems: builder.problems,
        });
    }

    Ok(Document {
        channel,
        language,
        large_print: request.large_print,
        draft: request.draft,
        subject,
        blocks: builder.blocks,
        recipient: prepared.recipient(),
        sender: prepared.sender(),
        date: prepared.local.date(),
        at: request.at,
        reference: prepared.reference(),
        service: request.application.service,
        templates: prepared.template_ids(),
        required_paragraphs: prepared.required_paragraphs(),
    })
}

/// The subject phrase: the house format's when the first part uses one, else the first
/// part's own subject.
fn subject_phrase<'a>(parts: &[(&'a Template, CheckedAnswers)]) -> Option<&'a str> {
    let (first, _) = parts.first()?;
    if first.spec.house_format.is_some() {
        return Some(structural::CSMT_SUBJECT);
    }
    parts
        .iter()
        .find_map(|(template, _)| template.spec.subject.as_deref())
}

/// Assembles blocks, dropping a paragraph or list item that an earlier part already gave.
struct Builder<'a> {
    library: &'a Library,
    prepared: &'a Prepared<'a>,
    /// When given, values become hole markers recorded here.
    holes: Option<&'a mut Holes>,
    blocks: Vec<Block>,
    /// The phrase-only paragraphs and items already in the message.
    seen_units: Vec<SeenUnit>,
    /// Phrases placed in a Welsh message that have no Welsh text.
    without_welsh: BTreeSet<SharedStr>,
    problems: Vec<Problem>,
}

/// Where a phrase-only unit stands in the blocks, and the length of its text.
struct SeenUnit {
    block: usize,
    line: usize,
    len: usize,
}

impl Builder<'_> {
    fn push_block(&mut self, role: BlockRole, kind: BlockKind, lines: Vec<Inline>) {
        self.blocks.push(Block { role, kind, lines });
    }

    /// Adds a body paragraph or list item, joining list items to the list before them.
    fn push_unit(&mut self, kind: BlockKind, line: Inline) {
        // The same phrases with the same values: the same unit. The same phrase with another
        // value (another part's date, say) says something new and stays.
        let remember = is_remembered_unit(&line);
        let len = line.spans.iter().map(|span| span.text.len()).sum();
        if remember
            && self.seen_units.iter().any(|seen| {
                seen.len == len && same_text(&self.blocks[seen.block].lines[seen.line], &line)
            })
        {
            return;
        }
        if kind != BlockKind::Paragraph
            && let Some(last) = self.blocks.last_mut()
            && last.kind == kind
            && last.role == BlockRole::Body
        {
            last.lines.push(line);
        } else {
            self.blocks.push(Block {
                role: BlockRole::Body,
                kind,
                lines: vec![line],
            });
        }
        if remember {
            let block = self.blocks.len() - 1;
            let line = self.blocks[block].lines.len() - 1;
            self.seen_units.push(SeenUnit { block, line, len });
        }
    }

    fn add_part(&mut self, number: usize, template: &Template, checked: &CheckedAnswers) {
        let facts = self.prepared.body_facts(checked);
        let units = match self.library.body(template, &facts) {
            Ok(units) => units,
            Err(message) => {
                self.problems
                    .push(Problem::in_part(number, &template.id, message));
                return;
            }
        };
        for unit in units.iter() {
            let kind = unit.kind;
            let mut spans = Vec::new();
            let mut free_paragraphs: Option<Vec<String>> = None;
            for item in &unit.items {
                match item {
                    Item::Text(text) => spans.push(Span {
                        text: text.clone(),
                        source: Source::Template {
                            template: template.id.clone(),
                        },
                    }),
                    Item::Phrase(phrase) => {
                        let placeholders = &checked.placeholder_values;
                        self.phrase_spans(
                            phrase,
                            placeholders,
                            Some((number, template)),
                            &mut spans,
                        );
                    }
                    Item::FreeText(question) => {
                        let is_free = template
                            .question(question)
                            .is_some_and(|q| q.kind == crate::library::QuestionKind::FreeText);
                        if !is_free {
                            self.problems.push(Problem::in_part(
                                number,
                                &template.id,
                                format!("the body places free_text(question=\"{question}\"), which is not a free-text question of this template"),
                            ));
                            continue;
                        }
                        let Some(paragraphs) = checked.free_text.get(question.as_str()) else {
                            continue;
                        };
                        let mut paragraphs = paragraphs.clone();
                        if let Some(holes) = self.holes.as_deref_mut() {
                            for (index, paragraph) in paragraphs.iter_mut().enumerate() {
                                let recipe = Recipe::FreeText {
                                    part: number,
                                    question: question.clone(),
                                    paragraph: index,
                                };
                                *paragraph = holes.hole(recipe, std::mem::take(paragraph));
                            }
                        }
                        let source = Source::FreeText {
                            template: template.id.clone(),
                            question: question.clone(),
                        };
                        if paragraphs.len() > 1
                            && kind == BlockKind::Paragraph
                            && free_paragraphs.is_none()
                        {
                            free_paragraphs = Some(paragraphs.clone());
                        }
                        spans.push(Span {
                            text: paragraphs.join(" ").into(),
                            source,
                        });
                    }
                }
            }
            let line = Inline {
                spans: trim_inline(spans),
            };
            if line.is_empty() {
                continue;
            }
            match free_paragraphs {
                // A free-text answer alone in its paragraph keeps its own paragraphs.
                Some(paragraphs)
                    if line.spans.len() == 1
                        && matches!(line.spans[0].source, Source::FreeText { .. }) =>
                {
                    for paragraph in paragraphs {
                        let span = Span {
                            text: paragraph.into(),
                            source: line.spans[0].source.clone(),
                        };
                        self.push_unit(kind, Inline { spans: vec![span] });
                    }
                }
                _ => self.push_unit(kind, line),
            }
        }
    }

    /// One of the phrases compose places itself (greeting, sign-off...), as a line.
    fn structural_line(&mut self, id: &str) -> Inline {
        let mut spans = Vec::new();
        match self.library.phrase(id) {
            Some(phrase) => self.phrase_spans(phrase, &BTreeMap::new(), None, &mut spans),
            None => self.problems.push(Problem::general(format!(
                "phrase `{id}` is not in the library"
            ))),
        }
        Inline { spans }
    }

    /// A phrase's text in the message language, placeholders filled, as spans.
    fn phrase_spans(
        &mut self,
        phrase: &Phrase,
        answers: &BTreeMap<String, String>,
        part: Option<(usize, &Template)>,
        spans: &mut Vec<Span>,
    ) {
        let language = self.prepared.language;
        if language == Language::Cy && phrase.cy.is_none() {
            self.without_welsh.insert(phrase.id.clone());
        }
        // A missing Welsh text is reported once for the whole message; compose on in English
        // only to find every other problem.
        let text = phrase.text(language).unwrap_or(&phrase.en);
        for segment in &text.segments {
            match segment {
                Segment::Text(text) => spans.push(Span {
                    text: text.clone(),
                    source: Source::Phrase {
                        id: phrase.id.clone(),
                    },
                }),
                Segment::Placeholder(placeholder) => {
                    match self.prepared.placeholder_value(placeholder, Some(answers)) {
                        Some(value) if !value.is_empty() => spans.push(Span {
                            text: match self.holes.as_deref_mut() {
                                Some(holes) => {
                                    let recipe = Recipe::Placeholder {
                                        placeholder: placeholder.clone(),
                                        part: part.map(|(number, _)| number),
                                    };
                                    holes.hole(recipe, value.into_owned()).into()
                                }
                                None => value.as_ref().into(),
                            },
                            source: Source::Placeholder {
                                phrase: phrase.id.clone(),
                                name: placeholder.name().into(),
                            },
                        }),
                        _ => {
                            let problem = missing_value(&phrase.id, placeholder, part);
                            if !self.problems.contains(&problem) {
                                self.problems.push(problem);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The problem of a placeholder with nothing to fill it: an unanswered question of the part,
/// or an empty field of the request.
fn missing_value(
    phrase: &str,
    placeholder: &Placeholder,
    part: Option<(usize, &Template)>,
) -> Problem {
    match placeholder {
        Placeholder::Answer(question) => Problem {
            part: part.map(|(number, _)| number),
            template: part.map(|(_, template)| template.id.to_string()),
            question: Some(question.clone()),
            message: format!("phrase `{phrase}` shows this answer, but it was not given"),
        },
        other => Problem {
            part: None,
            template: None,
            question: Some(other.name()),
            message: format!("is empty, but phrase `{phrase}` needs it; fill it in the request"),
        },
    }
}

/// Whether compose remembers a body unit to drop it when a later part gives it again: it
/// holds a phrase, and nothing but phrases, their values and spacing.
pub fn is_remembered_unit(line: &Inline) -> bool {
    let has_phrase = line
        .spans
        .iter()
        .any(|span| matches!(span.source, Source::Phrase { .. }));
    has_phrase
        && line.spans.iter().all(|span| {
            matches!(
                span.source,
                Source::Phrase { .. } | Source::Placeholder { .. }
            ) || span.text.trim().is_empty()
        })
}

/// Whether two lines read the same, span boundaries aside.
fn same_text(a: &Inline, b: &Inline) -> bool {
    fn bytes(line: &Inline) -> impl Iterator<Item = u8> + '_ {
        line.spans.iter().flat_map(|span| span.text.bytes())
    }
    bytes(a).eq(bytes(b))
}

/// Removes spacing at both ends of a line and empty spans.
fn trim_inline(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|span| !span.text.is_empty());
    while spans
        .first()
        .is_some_and(|s| matches!(s.source, Source::Template { .. }) && s.text.trim().is_empty())
    {
        spans.remove(0);
    }
    while spans
        .last()
        .is_some_and(|s| matches!(s.source, Source::Template { .. }) && s.text.trim().is_empty())
    {
        spans.pop();
    }
    if let Some(first) = spans.first_mut()
        && matches!(first.source, Source::Template { .. })
    {
        first.text = first.text.trim_start().into();
    }
    if let Some(last) = spans.last_mut()
        && matches!(last.source, Source::Template { .. })
    {
        last.text = last.text.trim_end().into();
    }
    spans
}
