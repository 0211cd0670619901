//! Letters as PDF: a composed document becomes an A4 window-envelope letter that carries
//! nothing but the letter.
//!
//! - [`layout`]: pages of positioned lines (measured line breaking, pagination, the address
//!   window, page numbers).
//! - [`draw`]: the PDF itself, with krilla (PDF/A-2b, tagged, subset fonts, same bytes for
//!   the same letter).
//! - [`fonts`]: Liberation Sans regular and bold, built in.
//!
//! [`render`] is the whole stage; [`extracted_text`] is the text a PDF reader gets back from
//! the letter, page by page, for the snapshot guard.

pub mod draw;
pub mod fonts;
pub mod layout;

use std::fmt;

use chrono::{DateTime, NaiveTime, Utc};

use crate::document::Document;
use crate::lint::{Finding, Severity, has_errors};
use crate::request::Channel;
pub use layout::{LetterSettings, MAX_ADDRESS_LINES, MAX_PAGES};

/// Why a letter could not be produced. Every variant names the field or place to fix.
#[derive(Debug, Clone, PartialEq)]
pub enum LetterError {
    /// The request is for another channel.
    NotALetter {
        channel: Channel,
    },
    /// Error-level findings, and the request did not ask for a draft.
    Refused {
        findings: Vec<Finding>,
    },
    NoAddress,
    TooManyAddressLines {
        lines: usize,
        max: usize,
    },
    BlankAddressLine {
        field: String,
    },
    AddressLineTooLong {
        field: String,
        text: String,
        width_mm: f32,
        max_mm: f32,
    },
    MissingGlyph {
        character: char,
        place: String,
    },
    TooLong {
        max_pages: usize,
    },
    /// The built-in font could not be read (a broken build, never user input).
    Font,
    /// The PDF writer refused the letter.
    Pdf(String),
}

impl LetterError {
    pub(crate) fn missing_glyph(character: char, place: &str) -> Self {
        LetterError::MissingGlyph {
            character,
            place: place.to_string(),
        }
    }
}

impl fmt::Display for LetterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LetterError::NotALetter { channel } => write!(
                f,
                "the request is for the {channel} channel; a PDF letter needs `channel: letter`"
            ),
            LetterError::Refused { findings } => {
                write!(
                    f,
                    "the letter has error-level house-style findings, so it was not produced; fix them, or set `draft: true` for a watermarked draft:"
                )?;
                for finding in findings
                    .iter()
                    .filter(|finding| finding.severity == Severity::Error)
                {
                    write!(
                        f,
                        "\n  line {}, column {}: {} [{}]",
                        finding.line, finding.column, finding.message, finding.rule
                    )?;
                }
                Ok(())
            }
            LetterError::NoAddress => write!(
                f,
                "customer.address has no lines; a letter needs the customer's postal address (1 to {MAX_ADDRESS_LINES} lines)"
            ),
            LetterError::TooManyAddressLines { lines, max } => write!(
                f,
                "customer.address has {lines} lines; the envelope window holds at most {max}, so join some lines (for example the town and county)"
            ),
            LetterError::BlankAddressLine { field } => write!(
                f,
                "{field} is blank; remove the empty line from the address"
            ),
            LetterError::AddressLineTooLong {
                field,
                text,
                width_mm,
                max_mm,
            } => write!(
                f,
                "{field} (\"{text}\") is {width_mm:.0} mm wide and the envelope window fits {max_mm:.0} mm; split it across two address lines"
            ),
            LetterError::MissingGlyph { character, place } => write!(
                f,
                "the character '{character}' (U+{:04X}) in {place} cannot be printed: the letter font (Liberation Sans) has no glyph for it; replace it with a plain letter or punctuation mark",
                *character as u32
            ),
            LetterError::TooLong { max_pages } => write!(
                f,
                "the letter would be longer than {max_pages} pages; split it into separate letters or shorten the free text"
            ),
            LetterError::Font => write!(f, "the built-in letter font could not be read"),
            LetterError::Pdf(message) => write!(f, "the PDF could not be written: {message}"),
        }
    }
}

impl std::error::Error for LetterError {}

/// The letter as PDF bytes. Refused when the document is not a letter, or when `findings`
/// has error-level findings and the document is not a draft (a draft is watermarked).
pub fn render(
    document: &Document,
    findings: &[Finding],
    settings: &LetterSettings,
) -> Result<Vec<u8>, LetterError> {
    if document.channel != Channel::Letter {
        return Err(LetterError::NotALetter {
            channel: document.channel,
        });
    }
    if has_errors(findings) && !document.draft {
        return Err(LetterError::Refused {
            findings: findings.to_vec(),
        });
    }
    let layout = layout::lay_out(document, settings)?;
    draw::draw(&layout, creation_date(document))
}

/// The creation date recorded in the PDF: the request's `at` when it set one, otherwise the
/// date printed on the letter (PDF/A requires a date; this one reveals nothing more).
fn creation_date(document: &Document) -> DateTime<Utc> {
    document
        .at
        .unwrap_or_else(|| document.date.and_time(NaiveTime::MIN).and_utc())
}

/// The letter's text as a PDF reader extracts it in reading order: each page's lines top to
/// bottom, blocks separated by a blank line, the page number last, and a form feed after
/// each page (as `pdftotext` writes it).
pub fn extracted_text(document: &Document) -> Result<String, LetterError> {
    extracted_text_with(document, &LetterSettings::default())
}

/// [`extracted_text`] with chosen settings.
pub fn extracted_text_with(
    document: &Document,
    settings: &LetterSettings,
) -> Result<String, LetterError> {
    let layout = layout::lay_out(document, settings)?;
    Ok(layout::text_of(&layout))
}
