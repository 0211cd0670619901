//! Message shapes: a request composed once with its values as holes (see
//! [`crate::compose::holes`]), with the text, sources and HTML of every line that holds no
//! value written out. Requests of the same shape (the same templates, choices and facts:
//! [`Prepared::shape_key`]) are then filled in rather than composed: their values found,
//! put in the holes, the lines holding them rendered. What a filled shape gives is what
//! composing from scratch gives; the tests check this for every case of the library with
//! varied values.
//!
//! A shape holds library wording and where each value comes from, never a value, so the
//! memo of shapes holds nobody's details.

use std::borrow::Cow;
use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;

use crate::compose::holes::{Marked, Piece, has_marker, marker, pieces, split_marked};
use crate::compose::{Holes, Prepared, Recipe, assemble, is_remembered_unit};
use crate::document::{
    BlockKind, BlockRole, Document, Inline, Recipient, SharedStr, Source, SourcedText, Span,
    lay_out_body,
};
use crate::library::Library;
use crate::lint::lines::Cuts;
use crate::lint::{
    Composed, Known, KnownPieces, LineHits, TemplateFacts, Unit, piece_hits_of, subject_text_hits,
};
use crate::render::email::html;

use super::json;
use crate::request::Language;

/// At most this many shapes are remembered in all; past it, requests of a new shape are
/// composed from scratch.
pub const SHAPE_LIMIT: usize = 1024;
/// At most this many shapes are kept for one key (they differ in which values are equal).
const VARIANTS_PER_KEY: usize = 4;

/// A message with holes for its values.
#[derive(Debug)]
pub struct Shape {
    language: Language,
    large_print: bool,
    subject: Option<ShapedLine>,
    blocks: Vec<(BlockKind, Vec<ShapedLine>)>,
    /// Every value the message uses, in order, and its hole.
    uses: Vec<(Recipe, usize)>,
    holes: usize,
    /// How many lines hold a value (subject included).
    hole_lines: usize,
    /// The body units compose remembers to drop a repeat, as (block, line).
    remembered: Vec<(usize, usize)>,
    /// The position of the first body block.
    pub first_body_block: Option<usize>,
    pub templates: Vec<String>,
    pub required_paragraphs: Vec<String>,
    /// Bytes of text in the lines, to size the HTML.
    text_len: usize,
    /// About how many sourced ranges a filled body has, to size it.
    body_ranges: usize,
    /// The HTML, as the inside of a JSON string, in pieces.
    html_json: Vec<HtmlPiece>,
    /// What lint finds in each body line and paragraph of library wording (none for one
    /// with values), and in the subject when it holds no value, to hand to lint.
    pub known: Known,
}

#[derive(Debug)]
enum ShapedLine {
    /// A line of library wording only, with its HTML.
    Fixed { sourced: SourcedText, html: String },
    /// A line holding values; `index` numbers it among the lines with values.
    WithHoles {
        index: usize,
        spans: Vec<ShapedSpan>,
    },
}

#[derive(Debug)]
enum ShapedSpan {
    Fixed(Span),
    Value { source: Source, pieces: Vec<Piece> },
}

/// A shape filled with one request's values.
#[derive(Debug)]
pub struct Filled {
    pub subject: Option<SourcedText>,
    pub body: SourcedText,
    /// The lines holding values, filled.
    lines: Vec<Inline>,
}

/// A piece of a shape's HTML, as the inside of a JSON string.
#[derive(Debug)]
enum HtmlPiece {
    /// HTML without values, escaped for JSON.
    Json(String),
    /// The subject, in the page title.
    Title,
    /// A line holding values, by its index among them.
    Line(usize),
}

impl Shape {
    /// The shape of a document assembled with holes; none when library wording holds the
    /// characters of a hole marker, as the holes could not then be told apart.
    pub fn new(library: &Library, document: &Document, holes: Holes) -> Option<Shape> {
        let hole_count = holes.count();
        let mut hole_lines = 0;
        let mut shape_line = |line: &Inline| -> Option<ShapedLine> {
            let has_value = |span: &Span| {
                matches!(
                    span.source,
                    Source::Placeholder { .. } | Source::FreeText { .. }
                )
            };
            if line
                .spans
                .iter()
                .any(|span| !has_value(span) && has_marker(&span.text))
            {
                return None;
            }
            if !line.spans.iter().any(has_value) {
                let mut sourced = SourcedText::default();
                sourced.push_inline(line);
                let mut html = String::new();
                html::inline_into(&mut html, line);
                return Some(ShapedLine::Fixed { sourced, html });
            }
            let mut spans = Vec::with_capacity(line.spans.len());
            for span in &line.spans {
                spans.push(if has_value(span) {
                    ShapedSpan::Value {
                        source: span.source.clone(),
                        pieces: pieces(&span.text)?,
                    }
                } else {
                    ShapedSpan::Fixed(span.clone())
                });
            }
            hole_lines += 1;
            Some(ShapedLine::WithHoles {
                index: hole_lines - 1,
                spans,
            })
        };
        let subject = match &document.subject {
            Some(line) => Some(shape_line(line)?),
            None => None,
        };
        let mut blocks = Vec::with_capacity(document.blocks.len());
        let mut remembered = Vec::new();
        for (block_index, block) in document.blocks.iter().enumerate() {
            let mut lines = Vec::with_capacity(block.lines.len());
            for (line_index, line) in block.lines.iter().enumerate() {
                if block.role == BlockRole::Body && is_remembered_unit(line) {
                    remembered.push((block_index, line_index));
                }
                lines.push(shape_line(line)?);
            }
            blocks.push((block.kind, lines));
        }
        let mut shape = Shape {
            language: document.language,
            large_print: document.large_print,
            subject,
            blocks,
            uses: holes.into_uses(),
            holes: hole_count,
            hole_lines,
            remembered,
            first_body_block: document.first_body_block(),
            templates: document.templates.clone(),
            required_paragraphs: document.required_paragraphs.clone(),
            text_len: document.text_len(),
            body_ranges: document
                .blocks
                .iter()
                .flat_map(|block| &block.lines)
                .map(|line| line.spans.len())
                .sum(),
            html_json: Vec::new(),
            known: Known::default(),
        };
        shape.html_json = shape.html_pieces()?;
        shape.known = Known {
            pieces: shape.known_pieces(library),
            subject: match &shape.subject {
                Some(ShapedLine::Fixed { sourced, .. }) => {
                    Some(subject_text_hits(library, &Composed::of(document), sourced))
                }
                _ => None,
            },
            templates: Some(TemplateFacts::of(library, &Composed::of(document))),
        };
        Some(shape)
    }

    /// What lint finds in each line and paragraph of the body that holds library wording
    /// only, read once now. A filled shape's body cuts into the same pieces: values are
    /// never empty and hold no line break.
    fn known_pieces(&self, library: &Library) -> KnownPieces {
        let mut body = SourcedText::default();
        let mut holes = Vec::new();
        lay_out_body(&mut body, self.block_lines(), |out, line| match line {
            ShapedLine::Fixed { sourced, .. } => out.push_sourced(sourced),
            ShapedLine::WithHoles { .. } => {
                let start = out.text.len();
                out.push_plain("value");
                holes.push(start..out.text.len());
            }
        });
        let cuts = Cuts::of(&body.text);
        let known = |unit: Unit| -> Vec<Option<LineHits>> {
            cuts.of_unit(unit)
                .iter()
                .cloned()
                .map(|piece| {
                    if holes
                        .iter()
                        .any(|hole| hole.start < piece.end && piece.start < hole.end)
                    {
                        return None;
                    }
                    let mut alone = SourcedText::default();
                    alone.push_slice(&body, piece);
                    Some(piece_hits_of(library, &alone, unit))
                })
                .collect()
        };
        KnownPieces {
            lines: known(Unit::Line),
            paragraphs: known(Unit::Paragraph),
        }
    }

    /// The HTML with a marker for the title and each line holding values, escaped for JSON
    /// and cut at the markers (library wording holds no marker: see [`Shape::new`]).
    fn html_pieces(&self) -> Option<Vec<HtmlPiece>> {
        const TITLE: &str = "\u{E000}t\u{E001}";
        let subject = match &self.subject {
            Some(ShapedLine::Fixed { sourced, .. }) => Some(sourced.text.as_str()),
            Some(ShapedLine::WithHoles { .. }) => Some(TITLE),
            None => None,
        };
        let page = html::Page {
            language: self.language,
            large_print: self.large_print,
            subject,
            text_len: self.text_len,
        };
        let marked = html::render_blocks(&page, self.block_lines(), |out, line| match line {
            ShapedLine::Fixed { html, .. } => out.push_str(html),
            ShapedLine::WithHoles { index, .. } => out.push_str(&marker(*index)),
        });
        let mut escaped = Vec::new();
        json::escape_into(&mut escaped, &marked);
        let escaped = String::from_utf8(escaped).ok()?;
        split_marked(&escaped)?
            .into_iter()
            .map(|piece| match piece {
                Marked::Text(text) => Some(HtmlPiece::Json(text.to_string())),
                Marked::Mark("t") => Some(HtmlPiece::Title),
                Marked::Mark(number) => number
                    .parse()
                    .ok()
                    .filter(|index| *index < self.hole_lines)
                    .map(HtmlPiece::Line),
            })
            .collect()
    }

    /// Fills the shape with the values of `prepared`; none
    /// when the request does not fit it: a value it needs is missing, values that shared a
    /// hole now differ, or two units that compose would see as one now read the same.
    pub fn fill(&self, prepared: &Prepared) -> Option<Filled> {
        let values = self.values(prepared)?;
        let mut filled_lines: Vec<Inline> = Vec::with_capacity(self.hole_lines);
        for line in self
            .subject
            .iter()
            .chain(self.blocks.iter().flat_map(|(_, lines)| lines.iter()))
        {
            if let ShapedLine::WithHoles { spans, .. } = line {
                filled_lines.push(fill_line(spans, &values));
            }
        }
        if !self.units_stay_distinct(&filled_lines) {
            return None;
        }
        let line_text = |line: &ShapedLine| -> SourcedText {
            let mut out = SourcedText::default();
            push_line(&mut out, line, &filled_lines);
            out
        };
        let subject = self.subject.as_ref().map(line_text);
        let mut body = SourcedText {
            text: String::with_capacity(self.text_len + 256),
            ranges: Vec::with_capacity(self.body_ranges),
        };
        lay_out_body(&mut body, self.block_lines(), |out, line| {
            push_line(out, line, &filled_lines)
        });
        Some(Filled {
            subject,
            body,
            lines: filled_lines,
        })
    }

    /// What lint reads of a request filled into this shape besides its text: the shape's
    /// templates and layout, the request's recipient, officer and reference.
    pub fn composed<'a>(
        &'a self,
        prepared: &'a Prepared,
        recipient: &'a Recipient,
        reference: Option<&'a str>,
    ) -> Composed<'a> {
        Composed {
            language: prepared.language,
            templates: &self.templates,
            required_paragraphs: &self.required_paragraphs,
            recipient,
            initials: prepared.request.staff.initials.trim(),
            reference,
            first_body_block: self.first_body_block,
        }
    }

    /// About how many bytes the JSON answer of this shape takes.
    pub fn json_len_hint(&self) -> usize {
        let html: usize = self
            .html_json
            .iter()
            .map(|piece| match piece {
                HtmlPiece::Json(json) => json.len(),
                _ => 64,
            })
            .sum();
        html + self.text_len * 9 / 8 + 512
    }

    fn block_lines(&self) -> impl Iterator<Item = (BlockKind, &[ShapedLine])> + Clone {
        self.blocks
            .iter()
            .map(|(kind, lines)| (*kind, lines.as_slice()))
    }

    /// The HTML of the filled message.
    pub fn html(&self, filled: &Filled) -> String {
        let page = html::Page {
            language: self.language,
            large_print: self.large_print,
            subject: filled.subject.as_ref().map(|subject| subject.text.as_str()),
            text_len: self.text_len,
        };
        html::render_blocks(&page, self.block_lines(), |out, line| match line {
            ShapedLine::Fixed { html, .. } => out.push_str(html),
            ShapedLine::WithHoles { index, .. } => html::inline_into(out, &filled.lines[*index]),
        })
    }

    /// Appends [`Shape::html`] escaped as the inside of a JSON string: what was written when
    /// the shape was made, with the lines holding values rendered and escaped now.
    pub fn write_html_json(&self, filled: &Filled, out: &mut Vec<u8>) {
        let mut scratch = String::new();
        for piece in &self.html_json {
            match piece {
                HtmlPiece::Json(json) => out.extend_from_slice(json.as_bytes()),
                HtmlPiece::Title => {
                    if let Some(subject) = &filled.subject {
                        scratch.clear();
                        html::escape_into(&mut scratch, &subject.text);
                        json::escape_into(out, &scratch);
                    }
                }
                HtmlPiece::Line(index) => {
                    scratch.clear();
                    html::inline_into(&mut scratch, &filled.lines[*index]);
                    json::escape_into(out, &scratch);
                }
            }
        }
    }

    /// The value of every hole in `prepared`; none when one is missing or empty, or when
    /// two uses of one hole now differ.
    fn values(&self, prepared: &Prepared) -> Option<Vec<SharedStr>> {
        let mut values: Vec<Option<SharedStr>> = vec![None; self.holes];
        for (recipe, hole) in &self.uses {
            let value = prepared
                .value_of(recipe)
                .filter(|value| !value.is_empty())?;
            match &values[*hole] {
                Some(known) if known.as_str() != value => return None,
                Some(_) => {}
                None => values[*hole] = Some(value.as_ref().into()),
            }
        }
        values.into_iter().collect()
    }

    /// Whether the units compose remembers still all read differently, now that values are
    /// in: compose would have dropped a unit that repeats another.
    fn units_stay_distinct(&self, filled_lines: &[Inline]) -> bool {
        let texts: Vec<(bool, Cow<str>)> = self
            .remembered
            .iter()
            .map(|&(block, line)| match &self.blocks[block].1[line] {
                ShapedLine::Fixed { sourced, .. } => (false, Cow::Borrowed(sourced.text.as_str())),
                ShapedLine::WithHoles { index, .. } => {
                    (true, Cow::Owned(filled_lines[*index].text()))
                }
            })
            .collect();
        // Lines of library wording alone were told apart when the shape was made.
        texts.iter().enumerate().all(|(at, (has_value, text))| {
            texts[at + 1..]
                .iter()
                .all(|(other_has_value, other)| !(*has_value || *other_has_value) || text != other)
        })
    }
}

/// A line with values, its holes filled.
fn fill_line(spans: &[ShapedSpan], values: &[SharedStr]) -> Inline {
    let spans = spans
        .iter()
        .map(|span| match span {
            ShapedSpan::Fixed(span) => span.clone(),
            ShapedSpan::Value { source, pieces } => {
                let text = match pieces.as_slice() {
                    [Piece::Hole(hole)] => values[*hole].clone(),
                    pieces => {
                        let mut text = String::new();
                        for piece in pieces {
                            match piece {
                                Piece::Text(literal) => text.push_str(literal),
                                Piece::Hole(hole) => text.push_str(&values[*hole]),
                            }
                        }
                        text.into()
                    }
                };
                Span {
                    text,
                    source: source.clone(),
                }
            }
        })
        .collect();
    Inline { spans }
}

fn push_line(out: &mut SourcedText, line: &ShapedLine, filled_lines: &[Inline]) {
    match line {
        ShapedLine::Fixed { sourced, .. } => out.push_sourced(sourced),
        ShapedLine::WithHoles { index, .. } => out.push_inline(&filled_lines[*index]),
    }
}

/// The shapes met so far, by shape key. A memo belongs to one library: the shapes hold its
/// wording and what its rules find.
#[derive(Debug, Default)]
pub struct Shapes {
    by_key: RwLock<FxHashMap<Vec<u8>, Slot>>,
}

#[derive(Debug, Default)]
struct Slot {
    shapes: Vec<Arc<Shape>>,
    /// Requests of this key cannot be shaped (see [`Shape::new`]).
    unshapeable: bool,
}

impl Shapes {
    /// How many shapes are remembered.
    pub fn len(&self) -> usize {
        self.by_key.read().map_or(0, |slots| {
            slots.values().map(|slot| slot.shapes.len()).sum()
        })
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `prepared` filled into a remembered shape, or into a new shape made from it; none
    /// when it has to be composed from scratch.
    pub fn fill(&self, library: &Library, prepared: &Prepared) -> Option<(Arc<Shape>, Filled)> {
        let key = prepared.shape_key();
        let known: Vec<Arc<Shape>> = {
            let slots = self.by_key.read().ok()?;
            match slots.get(&key) {
                Some(slot) if slot.unshapeable => return None,
                Some(slot) => slot.shapes.clone(),
                None => Vec::new(),
            }
        };
        for shape in known.iter() {
            if let Some(filled) = shape.fill(prepared) {
                return Some((Arc::clone(shape), filled));
            }
        }
        let mut holes = Holes::default();
        let document = assemble(library, prepared, Some(&mut holes)).ok()?;
        let made = Shape::new(library, &document, holes).map(Arc::new);
        let filled = made.as_ref().and_then(|shape| shape.fill(prepared));
        if let Ok(mut slots) = self.by_key.write() {
            let total: usize = slots.values().map(|slot| slot.shapes.len().max(1)).sum();
            if total < SHAPE_LIMIT {
                match (&made, &filled) {
                    (None, _) => slots.entry(key).or_default().unshapeable = true,
                    (Some(shape), Some(_)) => {
                        let slot = slots.entry(key).or_default();
                        if slot.shapes.len() < VARIANTS_PER_KEY {
                            slot.shapes.push(Arc::clone(shape));
                        }
                    }
                    _ => {}
                }
            }
        }
        Some((made?, filled?))
    }
}
