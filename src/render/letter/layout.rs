//! Letter layout: a composed document becomes A4 pages of positioned lines.
//!
//! The first page carries the sender block, the customer's name and address where a DL
//! window envelope shows it, the date and the reference; then the greeting, the body and the
//! sign-off flow down the pages. Lines break between words by the measured advance widths of
//! Liberation Sans (a word wider than the line breaks between characters), a line is never
//! split across pages, the sign-off stays together, and every page ends with
//! "Page 1 of 2" ("Tudalen 1 o 2" in Welsh). Plain data out: the PDF writer draws it and
//! [`super::extracted_text`] reads it back.

use crate::compose::format::format_date;
use crate::document::{Block, BlockKind, BlockRole, Document, Inline, Source};
use crate::request::Language;

use super::LetterError;
use super::fonts::{Face, Weight, face};

/// Millimetres to points.
const MM: f32 = 72.0 / 25.4;
/// A4 portrait, in points.
pub const PAGE_WIDTH: f32 = 210.0 * MM;
pub const PAGE_HEIGHT: f32 = 297.0 * MM;
/// Left edge of all text, and of the window text.
const LEFT: f32 = 25.0 * MM;
/// Right edge of the text.
const RIGHT: f32 = PAGE_WIDTH - 20.0 * MM;
/// Where the sender block starts, from the top of the page.
const SENDER_TOP: f32 = 15.0 * MM;
/// The address window of a DL envelope (90 × 35 mm, 20 mm from the left, 50 mm from the
/// top of the folded letter) and the text inside it.
pub const WINDOW_LEFT: f32 = 20.0 * MM;
pub const WINDOW_TOP: f32 = 50.0 * MM;
pub const WINDOW_WIDTH: f32 = 90.0 * MM;
pub const WINDOW_HEIGHT: f32 = 35.0 * MM;
/// Room for text in the window: from the text's left edge to 3 mm inside the window's right.
const WINDOW_TEXT_WIDTH: f32 = WINDOW_LEFT + WINDOW_WIDTH - 3.0 * MM - LEFT;
/// The address is set in 10pt so that a name and seven lines fit the window.
const ADDRESS_SIZE: f32 = 10.0;
const ADDRESS_LEADING: f32 = 11.5;
/// The most address lines the window holds (plus the name line).
pub const MAX_ADDRESS_LINES: usize = 7;
/// Where the date goes on the first page, below the window.
const DATE_TOP: f32 = WINDOW_TOP + WINDOW_HEIGHT + 8.0 * MM;
/// Top of the text on pages after the first.
const CONTINUATION_TOP: f32 = 20.0 * MM;
/// The body never runs below this line; the page number sits under it.
const BODY_BOTTOM: f32 = PAGE_HEIGHT - 30.0 * MM;
const PAGE_NUMBER_BASELINE: f32 = PAGE_HEIGHT - 12.0 * MM;
/// Line spacing as a multiple of the text size.
const LEADING: f32 = 1.4;
/// Space between paragraphs, as a multiple of the text size: one blank line.
const PARAGRAPH_GAP: f32 = LEADING;
/// Indent of a list item's text from its bullet or number.
const LIST_INDENT: f32 = 4.0 * MM;
/// The longest letter we produce.
pub const MAX_PAGES: usize = 10;

/// How to set a letter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LetterSettings {
    /// The text size in points.
    pub body_size: f32,
    /// The text size when the request asks for large print (14pt or more).
    pub large_print_size: f32,
}

impl Default for LetterSettings {
    fn default() -> Self {
        LetterSettings {
            body_size: 12.0,
            large_print_size: 14.0,
        }
    }
}

/// The laid-out letter.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub pages: Vec<Page>,
    /// The letter's structure, in reading order; lines point into it.
    pub elements: Vec<Element>,
    pub language: Language,
    pub draft: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The lines of the page, top to bottom (reading order).
    pub lines: Vec<Line>,
}

/// One line of text at its place on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// Left end of the baseline, in points from the page's top-left corner.
    pub x: f32,
    pub baseline: f32,
    pub size: f32,
    pub weight: Weight,
    pub role: LineRole,
    /// For a list label ("• ", "1. "): the width its closing space is stretched to, so that
    /// the item's text starts at the indent and a reader reads label and text as one line.
    pub stretch_to: Option<f32>,
    /// The column of text the line belongs to, as a reader groups them.
    pub region: Region,
}

/// The separate areas of text on a page; a PDF reader reads each as its own block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// The sender block, top right of the first page.
    Sender,
    /// The name and address in the envelope window.
    Window,
    /// The date, reference, greeting, body and sign-off.
    Main,
    /// The page number at the foot of each page.
    Footer,
}

/// What a line is, for the tags a screen reader follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRole {
    /// Text of the element at this index of [`Layout::elements`].
    Text { element: usize },
    /// The bullet or number of the list item at this index.
    ListLabel { element: usize },
    /// "Page 1 of 2": pagination, not part of the letter's content.
    PageNumber,
}

/// One structural element: a paragraph, or an item of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Paragraph,
    /// An item of the list with this number (items of one list share it).
    ListItem {
        list: usize,
        numbered: bool,
    },
}

/// A block ready to paginate: its lines (already broken) and how they sit.
struct BlockLines {
    lines: Vec<FlowLine>,
    keep_together: bool,
}

struct FlowLine {
    text: String,
    indent: f32,
    role: LineRole,
    /// A list label shares the baseline of the line that follows it.
    same_baseline_as_next: bool,
}

/// Lays out `document` as a letter.
pub fn lay_out(document: &Document, settings: &LetterSettings) -> Result<Layout, LetterError> {
    let regular = face(Weight::Regular).ok_or(LetterError::Font)?;
    check_glyphs(document, regular)?;
    let size = if document.large_print {
        settings.large_print_size.max(14.0)
    } else {
        settings.body_size
    };
    let language = document.language;
    let mut elements = Vec::new();
    let mut first = Page::default();

    // Sender block, right-aligned at the top of the first page. Regular weight like all the
    // letter's text: the guidance forbids bold in letters.
    let organisation = match language {
        Language::En => "HM Passport Office",
        Language::Cy => "Swyddfa Pasbort EF",
    };
    let sender_element = push_element(&mut elements, Element::Paragraph);
    let mut top = SENDER_TOP;
    for text in [organisation, document.sender.office.as_str()] {
        if text.is_empty() {
            continue;
        }
        first.lines.push(Line {
            text: text.to_string(),
            x: RIGHT - regular.width(text, size),
            baseline: baseline(top, size, regular),
            size,
            weight: Weight::Regular,
            role: LineRole::Text {
                element: sender_element,
            },
            stretch_to: None,
            region: Region::Sender,
        });
        top += size * LEADING;
    }

    // The window: name and address.
    let window_lines = window_lines(document, regular)?;
    let address_element = push_element(&mut elements, Element::Paragraph);
    let mut top = WINDOW_TOP + 4.0 * MM;
    for text in window_lines {
        first.lines.push(Line {
            text,
            x: LEFT,
            baseline: top + regular.ascent * ADDRESS_SIZE,
            size: ADDRESS_SIZE,
            weight: Weight::Regular,
            role: LineRole::Text {
                element: address_element,
            },
            stretch_to: None,
            region: Region::Window,
        });
        top += ADDRESS_LEADING;
    }

    // Date and reference.
    let mut top = DATE_TOP;
    let mut heading = vec![format_date(document.date, language)];
    if let Some(reference) = &document.reference {
        heading.push(match language {
            Language::En => format!("Our reference: {reference}"),
            Language::Cy => format!("Ein cyfeirnod: {reference}"),
        });
    }
    for paragraph in heading {
        let element = push_element(&mut elements, Element::Paragraph);
        for text in wrap(&paragraph, regular, size, RIGHT - LEFT) {
            first.lines.push(Line {
                x: LEFT,
                baseline: baseline(top, size, regular),
                size,
                weight: Weight::Regular,
                role: LineRole::Text { element },
                stretch_to: None,
                region: Region::Main,
                text,
            });
            top += size * LEADING;
        }
    }
    top += size * PARAGRAPH_GAP;

    // The greeting, body and sign-off, flowed down the pages.
    let width = RIGHT - LEFT;
    let mut list_count = 0;
    let flows: Vec<BlockLines> = document
        .blocks
        .iter()
        .map(|block| flow_block(block, regular, size, width, &mut elements, &mut list_count))
        .collect();

    let mut pages = Vec::new();
    let mut page = first;
    let line_height = size * LEADING;
    for (index, flow) in flows.iter().enumerate() {
        if index > 0 {
            top += size * PARAGRAPH_GAP;
        }
        let height = flow
            .lines
            .iter()
            .filter(|line| !line.same_baseline_as_next)
            .count() as f32
            * line_height;
        let fits_a_page = CONTINUATION_TOP + height <= BODY_BOTTOM;
        if flow.keep_together && top + height > BODY_BOTTOM && fits_a_page {
            start_page(&mut pages, &mut page, &mut top)?;
        }
        for line in &flow.lines {
            if top + line_height > BODY_BOTTOM {
                start_page(&mut pages, &mut page, &mut top)?;
            }
            page.lines.push(Line {
                text: line.text.clone(),
                x: LEFT + line.indent,
                baseline: baseline(top, size, regular),
                size,
                weight: Weight::Regular,
                role: line.role,
                stretch_to: match line.role {
                    LineRole::ListLabel { .. } => Some(LIST_INDENT),
                    _ => None,
                },
                region: Region::Main,
            });
            if !line.same_baseline_as_next {
                top += line_height;
            }
        }
    }
    pages.push(page);

    let total = pages.len();
    for (index, page) in pages.iter_mut().enumerate() {
        let text = match language {
            Language::En => format!("Page {} of {total}", index + 1),
            Language::Cy => format!("Tudalen {} o {total}", index + 1),
        };
        let number_size = size;
        page.lines.push(Line {
            x: RIGHT - regular.width(&text, number_size),
            baseline: PAGE_NUMBER_BASELINE,
            size: number_size,
            weight: Weight::Regular,
            role: LineRole::PageNumber,
            stretch_to: None,
            region: Region::Footer,
            text,
        });
    }
    Ok(Layout {
        pages,
        elements,
        language,
        draft: document.draft,
    })
}

/// Ends the current page and starts the next, unless the letter already has the most pages.
fn start_page(pages: &mut Vec<Page>, page: &mut Page, top: &mut f32) -> Result<(), LetterError> {
    if pages.len() + 1 >= MAX_PAGES {
        return Err(LetterError::TooLong {
            max_pages: MAX_PAGES,
        });
    }
    pages.push(std::mem::take(page));
    *top = CONTINUATION_TOP;
    Ok(())
}

fn push_element(elements: &mut Vec<Element>, element: Element) -> usize {
    elements.push(element);
    elements.len() - 1
}

/// The baseline of a line whose box starts at `top`: half the extra leading, then the ascent.
fn baseline(top: f32, size: f32, face: &Face) -> f32 {
    top + size * ((LEADING - 1.0) / 2.0 + face.ascent)
}

/// Breaks one block into lines. Paragraph lines (hard breaks) each wrap to the width; list
/// items get a bullet or number and wrap at the indent.
fn flow_block(
    block: &Block,
    face: &Face,
    size: f32,
    width: f32,
    elements: &mut Vec<Element>,
    list_count: &mut usize,
) -> BlockLines {
    let mut lines = Vec::new();
    match block.kind {
        BlockKind::Paragraph => {
            let element = push_element(elements, Element::Paragraph);
            for inline in &block.lines {
                for text in wrap(&inline.text(), face, size, width) {
                    lines.push(FlowLine {
                        text,
                        indent: 0.0,
                        role: LineRole::Text { element },
                        same_baseline_as_next: false,
                    });
                }
            }
        }
        BlockKind::Bullets | BlockKind::Numbered => {
            let numbered = block.kind == BlockKind::Numbered;
            let list = *list_count;
            *list_count += 1;
            for (index, inline) in block.lines.iter().enumerate() {
                let element = push_element(elements, Element::ListItem { list, numbered });
                let label = if numbered {
                    format!("{}. ", index + 1)
                } else {
                    "• ".to_string()
                };
                lines.push(FlowLine {
                    text: label,
                    indent: 0.0,
                    role: LineRole::ListLabel { element },
                    same_baseline_as_next: true,
                });
                for text in wrap(&inline.text(), face, size, width - LIST_INDENT) {
                    lines.push(FlowLine {
                        text,
                        indent: LIST_INDENT,
                        role: LineRole::Text { element },
                        same_baseline_as_next: false,
                    });
                }
            }
        }
    }
    BlockLines {
        lines,
        keep_together: block.role == BlockRole::SignOff,
    }
}

/// Breaks `text` into lines no wider than `width`, between words; a word wider than a whole
/// line is broken between characters. A line never ends in a hyphen, because PDF readers
/// join such a line to the next and drop the hyphen: a word ending in one stays with the
/// word after it. An empty text is one empty line.
pub fn wrap(text: &str, face: &Face, size: f32, width: f32) -> Vec<String> {
    let space = face.width(" ", size);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for unit in unbreakable_units(text) {
        let unit_width = face.width(&unit, size);
        if !line.is_empty() && line_width + space + unit_width <= width {
            line.push(' ');
            line.push_str(&unit);
            line_width += space + unit_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if unit_width <= width {
            line = unit;
            line_width = unit_width;
            continue;
        }
        // Too long for any line: break it between characters, never just after a hyphen.
        line_width = 0.0;
        for character in unit.chars() {
            let mut buffer = [0u8; 4];
            let character_width = face.width(character.encode_utf8(&mut buffer), size);
            if !line.is_empty() && line_width + character_width > width {
                let mut carried = String::new();
                while line.chars().count() > 1 && line.ends_with(is_hyphen) {
                    if let Some(hyphen) = line.pop() {
                        carried.insert(0, hyphen);
                    }
                }
                lines.push(std::mem::take(&mut line));
                line_width = face.width(&carried, size);
                line = carried;
            }
            line.push(character);
            line_width += character_width;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn is_hyphen(character: char) -> bool {
    matches!(character, '-' | '\u{2010}' | '\u{00AD}')
}

/// The words of `text`, with each word that ends in a hyphen joined (by a space) to the
/// word after it.
fn unbreakable_units(text: &str) -> Vec<String> {
    let mut units = Vec::new();
    let mut pending: Option<String> = None;
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let unit = match pending.take() {
            Some(mut joined) => {
                joined.push(' ');
                joined.push_str(word);
                joined
            }
            None => word.to_string(),
        };
        if unit.ends_with(is_hyphen) {
            pending = Some(unit);
        } else {
            units.push(unit);
        }
    }
    units.extend(pending);
    units
}

/// The lines in the envelope window: the customer's name, then 1 to 7 address lines, each
/// narrow enough for the window.
fn window_lines(document: &Document, face: &Face) -> Result<Vec<String>, LetterError> {
    let address = &document.recipient.address;
    if address.iter().all(|line| line.trim().is_empty()) {
        return Err(LetterError::NoAddress);
    }
    if address.len() > MAX_ADDRESS_LINES {
        return Err(LetterError::TooManyAddressLines {
            lines: address.len(),
            max: MAX_ADDRESS_LINES,
        });
    }
    let mut lines = Vec::new();
    let name = document.recipient.full_name.trim();
    if !name.is_empty() {
        lines.push(("customer name".to_string(), name.to_string()));
    }
    for (index, line) in address.iter().enumerate() {
        if line.trim().is_empty() {
            return Err(LetterError::BlankAddressLine {
                field: format!("customer.address[{index}]"),
            });
        }
        lines.push((
            format!("customer.address[{index}]"),
            line.trim().to_string(),
        ));
    }
    for (field, text) in &lines {
        let width = face.width(text, ADDRESS_SIZE);
        if width > WINDOW_TEXT_WIDTH {
            return Err(LetterError::AddressLineTooLong {
                field: field.clone(),
                text: text.clone(),
                width_mm: width / MM,
                max_mm: WINDOW_TEXT_WIDTH / MM,
            });
        }
    }
    Ok(lines.into_iter().map(|(_, text)| text).collect())
}

/// Refuses any character the font cannot draw, naming it and where it is.
fn check_glyphs(document: &Document, face: &Face) -> Result<(), LetterError> {
    let missing = |text: &str| text.chars().find(|character| !face.covers(*character));
    let people = [
        ("customer name", document.recipient.full_name.as_str()),
        ("staff.office", document.sender.office.as_str()),
        (
            "application.reference",
            document.reference.as_deref().unwrap_or(""),
        ),
    ];
    for (field, text) in people {
        if let Some(character) = missing(text) {
            return Err(LetterError::missing_glyph(character, field));
        }
    }
    for (index, line) in document.recipient.address.iter().enumerate() {
        if let Some(character) = missing(line) {
            return Err(LetterError::missing_glyph(
                character,
                &format!("customer.address[{index}]"),
            ));
        }
    }
    for (block_index, block) in document.blocks.iter().enumerate() {
        for inline in &block.lines {
            if let Some((character, source)) = missing_in_inline(inline, face) {
                let place = format!(
                    "paragraph {} of the letter ({})",
                    block_index + 1,
                    describe_source(source)
                );
                return Err(LetterError::missing_glyph(character, &place));
            }
        }
    }
    Ok(())
}

fn missing_in_inline<'a>(inline: &'a Inline, face: &Face) -> Option<(char, &'a Source)> {
    inline.spans.iter().find_map(|span| {
        span.text
            .chars()
            .find(|character| !face.covers(*character))
            .map(|character| (character, &span.source))
    })
}

fn describe_source(source: &Source) -> String {
    match source {
        Source::Phrase { id } => format!("phrase `{id}`"),
        Source::Placeholder { phrase, name } => {
            format!("the value of `{{{name}}}` in phrase `{phrase}`")
        }
        Source::FreeText { template, question } => {
            format!("free text answer `{question}` of template `{template}`")
        }
        Source::Template { template } => format!("template `{template}`"),
    }
}

/// The text of a laid-out letter in reading order, as `pdftotext` gives it: page by page,
/// each region's lines top to bottom (a list label and its item's first line are one line),
/// a blank line between regions, and a form feed after each page.
pub fn text_of(layout: &Layout) -> String {
    let mut out = String::new();
    for page in &layout.pages {
        let mut previous: Option<&Line> = None;
        for line in page.lines.iter().filter(|line| !line.text.is_empty()) {
            if let Some(before) = previous {
                out.push_str(if before.stretch_to.is_some() {
                    ""
                } else if before.region == line.region {
                    "\n"
                } else {
                    "\n\n"
                });
            }
            out.push_str(&line.text);
            previous = Some(line);
        }
        out.push_str("\n\n\u{c}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regular() -> &'static Face {
        face(Weight::Regular).expect("the built-in font loads")
    }

    #[test]
    fn wrapped_lines_fit_the_width_and_keep_every_word_in_order() {
        let text = "We need a new photo of you because the photo you sent does not meet the rules for passport photos, and we cannot continue until it arrives.";
        for width in [120.0, 200.0, 467.0] {
            let lines = wrap(text, regular(), 12.0, width);
            assert!(lines.len() > 1 || width > 400.0);
            for line in &lines {
                assert!(
                    regular().width(line, 12.0) <= width,
                    "{line:?} wider than {width}"
                );
            }
            assert_eq!(lines.join(" "), text);
        }
    }

    #[test]
    fn a_word_wider_than_the_line_breaks_between_characters() {
        let word = "https://www.gov.uk/".to_string() + &"x".repeat(80);
        let lines = wrap(&word, regular(), 12.0, 100.0);
        assert!(lines.len() > 3);
        assert_eq!(lines.concat(), word);
        assert!(
            lines
                .iter()
                .all(|line| regular().width(line, 12.0) <= 100.0)
        );
    }

    #[test]
    fn measured_widths_follow_the_font() {
        // Liberation Sans, like Arial: "i" is narrower than "m", and widths scale with size.
        assert!(regular().width("iiii", 12.0) < regular().width("mmmm", 12.0));
        let at_12 = regular().width("Passport", 12.0);
        assert!((regular().width("Passport", 24.0) - 2.0 * at_12).abs() < 0.01);
    }
}
