//! The letter's typeface: Liberation Sans (metric-compatible with Arial, which the guidance
//! asks for), regular and bold, built into the binary from `fonts/` under the SIL Open Font
//! Licence (`fonts/OFL.txt`).
//!
//! Letters are set in the regular face only (the guidance forbids bold in letters); the bold
//! face draws the DRAFT watermark, as shapes.
//!
//! A [`Face`] knows, for every character the font covers, its glyph and advance width, so that
//! the layout breaks lines by measured widths and the drawing places exactly the glyphs that
//! were measured. Loaded once per process and shared by every letter.

use std::collections::HashMap;
use std::sync::LazyLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

static REGULAR_BYTES: &[u8] = include_bytes!("../../../fonts/LiberationSans-Regular.ttf");
static BOLD_BYTES: &[u8] = include_bytes!("../../../fonts/LiberationSans-Bold.ttf");

static REGULAR: LazyLock<Option<Face>> = LazyLock::new(|| Face::load(REGULAR_BYTES));
static BOLD: LazyLock<Option<Face>> = LazyLock::new(|| Face::load(BOLD_BYTES));

/// Which of the two faces a line is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// One font file, ready to measure text and to hand glyphs to the PDF writer.
pub struct Face {
    /// The font as the PDF writer embeds (and subsets) it.
    pub font: Font,
    /// Every character the font maps: its glyph and advance in ems.
    glyphs: HashMap<char, (u32, f32)>,
    /// Distance from the baseline to the top of the tallest glyphs, in ems.
    pub ascent: f32,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Option<Face> {
        let font_ref = FontRef::new(bytes).ok()?;
        let metrics = font_ref.metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(metrics.units_per_em.max(1));
        let advances = font_ref.glyph_metrics(Size::unscaled(), LocationRef::default());
        let glyphs = font_ref
            .charmap()
            .mappings()
            .filter_map(|(code, glyph)| {
                let character = char::from_u32(code)?;
                let advance = advances.advance_width(glyph)? / units_per_em;
                Some((character, (glyph.to_u32(), advance)))
            })
            .collect();
        let font = Font::new(bytes.into(), 0)?;
        Some(Face {
            font,
            glyphs,
            ascent: metrics.ascent / units_per_em,
        })
    }

    /// Whether the font has a glyph for `character`.
    pub fn covers(&self, character: char) -> bool {
        self.glyphs.contains_key(&character)
    }

    /// The width of `text` at `size` points; characters without a glyph count as nothing
    /// (the layout refuses them before measuring).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .filter_map(|character| self.glyphs.get(&character))
            .map(|(_, advance)| advance)
            .sum::<f32>()
            * size
    }

    /// The glyphs of `text`, one per character, each pointing back to its character so that a
    /// PDF reader extracts exactly `text`. `None` names the first character with no glyph.
    pub fn glyphs(&self, text: &str) -> Result<Vec<KrillaGlyph>, char> {
        text.char_indices()
            .map(|(start, character)| {
                let (glyph, advance) = *self.glyphs.get(&character).ok_or(character)?;
                Ok(KrillaGlyph {
                    glyph_id: GlyphId::new(glyph),
                    text_range: start..start + character.len_utf8(),
                    x_advance: advance,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    y_advance: 0.0,
                    location: None,
                })
            })
            .collect()
    }
}

/// The face for `weight`, or `None` if the built-in font could not be read (a broken build).
pub fn face(weight: Weight) -> Option<&'static Face> {
    match weight {
        Weight::Regular => REGULAR.as_ref(),
        Weight::Bold => BOLD.as_ref(),
    }
}
