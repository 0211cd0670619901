//! Drawing a laid-out letter as PDF with krilla: PDF/A-2b, tagged for screen readers (the
//! document language, paragraphs and lists in reading order; page numbers and the draft
//! watermark marked as artifacts), Liberation Sans embedded as a subset, and nothing else: no
//! producer, no annotations, forms, attachments or scripts. The same layout always gives
//! the same bytes.

use chrono::{DateTime, Datelike, Timelike, Utc};
use krilla::Document as PdfDocument;
use krilla::SerializeSettings;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{Point, Size, Transform};
use krilla::metadata::{DateTime as PdfDateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, ListNumbering, Node, SpanTag, Tag, TagGroup, TagTree,
};

use super::LetterError;
use super::fonts::{Weight, face};
use super::layout::{Element, Layout, LineRole, PAGE_HEIGHT, PAGE_WIDTH};
use crate::request::Language;

/// What a tagged line belongs to, collected while drawing and assembled into the tag tree.
#[derive(Default)]
struct ElementNodes {
    label: Vec<Node>,
    text: Vec<Node>,
}

/// Draws `layout` as a PDF. `created` is the moment recorded as the creation date.
pub fn draw(layout: &Layout, created: DateTime<Utc>) -> Result<Vec<u8>, LetterError> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|err| LetterError::Pdf(format!("{err:?}")))?;
    let settings = SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let mut pdf = PdfDocument::new_with(settings);
    let mut nodes: Vec<ElementNodes> = layout
        .elements
        .iter()
        .map(|_| ElementNodes::default())
        .collect();
    let size = Size::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| LetterError::Pdf("invalid page size".into()))?;
    for page in &layout.pages {
        let mut pdf_page = pdf.start_page_with(PageSettings::new(size));
        let mut surface = pdf_page.surface();
        if layout.draft {
            draw_watermark(&mut surface)?;
        }
        for line in &page.lines {
            if line.text.is_empty() {
                continue;
            }
            let used = face(line.weight).ok_or(LetterError::Font)?;
            let mut glyphs = used
                .glyphs(&line.text)
                .map_err(|character| LetterError::missing_glyph(character, "the layout"))?;
            if let (Some(target), Some(last)) = (line.stretch_to, glyphs.last_mut()) {
                let natural = used.width(&line.text, line.size);
                last.x_advance += ((target - natural) / line.size).max(0.0);
            }
            let tag = match line.role {
                LineRole::PageNumber => {
                    ContentTag::Artifact(Artifact::with_kind(ArtifactType::PageNumber))
                }
                _ => ContentTag::Span(SpanTag::empty()),
            };
            let id = surface.start_tagged(tag);
            surface.draw_glyphs(
                Point::from_xy(line.x, line.baseline),
                &glyphs,
                used.font.clone(),
                &line.text,
                line.size,
                false,
            );
            surface.end_tagged();
            match line.role {
                LineRole::Text { element } => {
                    if let Some(slot) = nodes.get_mut(element) {
                        slot.text.push(id.into());
                    }
                }
                LineRole::ListLabel { element } => {
                    if let Some(slot) = nodes.get_mut(element) {
                        slot.label.push(id.into());
                    }
                }
                LineRole::PageNumber => {}
            }
        }
        surface.finish();
        pdf_page.finish();
    }

    let lang = layout.language.as_str().to_string();
    pdf.set_tag_tree(tag_tree(&layout.elements, nodes, &lang));
    let title = match layout.language {
        Language::En => "Letter from HM Passport Office",
        Language::Cy => "Llythyr gan Swyddfa Pasbort EF",
    };
    pdf.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language(lang)
            .creation_date(pdf_date(created)),
    );
    pdf.finish()
        .map_err(|err| LetterError::Pdf(format!("{err:?}")))
}

/// Groups the drawn lines into paragraphs and lists, in reading order.
fn tag_tree(elements: &[Element], nodes: Vec<ElementNodes>, lang: &str) -> TagTree {
    let mut tree = TagTree::new().with_lang(Some(lang.to_string()));
    let mut open_list: Option<(usize, TagGroup)> = None;
    for (element, collected) in elements.iter().zip(nodes) {
        match *element {
            Element::Paragraph => {
                if let Some((_, list)) = open_list.take() {
                    tree.push(list);
                }
                tree.push(TagGroup::with_children(Tag::P, collected.text));
            }
            Element::ListItem { list, numbered } => {
                if open_list.as_ref().is_some_and(|(open, _)| *open != list)
                    && let Some((_, finished)) = open_list.take()
                {
                    tree.push(finished);
                }
                let (_, group) = open_list.get_or_insert_with(|| {
                    let numbering = if numbered {
                        ListNumbering::Decimal
                    } else {
                        ListNumbering::Disc
                    };
                    (list, TagGroup::new(Tag::L(numbering)))
                });
                let mut item = TagGroup::new(Tag::LI);
                item.push(TagGroup::with_children(Tag::Lbl, collected.label));
                item.push(TagGroup::with_children(Tag::LBody, collected.text));
                group.push(item);
            }
        }
    }
    if let Some((_, list)) = open_list {
        tree.push(list);
    }
    tree
}

/// "DRAFT" in large pale letters across the page, drawn as shapes (so it is never mistaken
/// for the letter's text) and marked as a watermark artifact.
fn draw_watermark(surface: &mut Surface) -> Result<(), LetterError> {
    let bold = face(Weight::Bold).ok_or(LetterError::Font)?;
    let text = "DRAFT";
    let size = 150.0;
    let glyphs = bold
        .glyphs(text)
        .map_err(|character| LetterError::missing_glyph(character, "the watermark"))?;
    let width = bold.width(text, size);
    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
        ArtifactType::Watermark,
    )));
    surface.push_transform(&Transform::from_rotate_at(
        -50.0,
        PAGE_WIDTH / 2.0,
        PAGE_HEIGHT / 2.0,
    ));
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(225, 225, 225).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }));
    surface.draw_glyphs(
        Point::from_xy((PAGE_WIDTH - width) / 2.0, PAGE_HEIGHT / 2.0 + size * 0.35),
        &glyphs,
        bold.font.clone(),
        text,
        size,
        true,
    );
    surface.set_fill(None);
    surface.pop();
    surface.end_tagged();
    Ok(())
}

fn pdf_date(moment: DateTime<Utc>) -> PdfDateTime {
    PdfDateTime::new(u16::try_from(moment.year()).unwrap_or(2000))
        .month(moment.month() as u8)
        .day(moment.day() as u8)
        .hour(moment.hour() as u8)
        .minute(moment.minute() as u8)
        .second(moment.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}
