//! Values as holes: compose a request with every value (placeholder or free text) written
//! as a marker, so that the document can be kept as a shape and filled with the values of
//! another request (see [`crate::message::shape`]).
//!
//! A hole stands for a distinct value: two uses of the same value share one hole, as compose
//! compares units by their text (a unit given twice with the same values is dropped). What is
//! kept is how each value was found ([`Recipe`]) and which hole it went to, never the value.

use crate::document::SharedStr;
use crate::library::{MARK_END, MARK_START, Placeholder};

/// Where compose found a value in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipe {
    /// A placeholder's value; answers are those of part `part` (1-based), when given.
    Placeholder {
        placeholder: Placeholder,
        part: Option<usize>,
    },
    /// Paragraph `paragraph` (0-based) of the free-text answer to `question` in part `part`.
    FreeText {
        part: usize,
        question: SharedStr,
        paragraph: usize,
    },
}

/// The values met while composing, as holes.
#[derive(Debug, Default)]
pub struct Holes {
    /// The distinct values, by hole number. Dropped with the holes; never kept in a shape.
    values: Vec<String>,
    /// Every value compose used, in order, and the hole it went into.
    uses: Vec<(Recipe, usize)>,
}

impl Holes {
    /// Records that compose used `value`, found by `recipe`, and answers the marker to write
    /// in its place.
    pub fn hole(&mut self, recipe: Recipe, value: String) -> String {
        let number = match self.values.iter().position(|known| *known == value) {
            Some(number) => number,
            None => {
                self.values.push(value);
                self.values.len() - 1
            }
        };
        self.uses.push((recipe, number));
        marker(number)
    }

    /// How many distinct values (holes) there are.
    pub fn count(&self) -> usize {
        self.values.len()
    }

    /// Every use of a value, in order, with its hole; the values themselves are dropped.
    pub fn into_uses(self) -> Vec<(Recipe, usize)> {
        self.uses
    }
}

/// The marker written for hole `number`.
pub fn marker(number: usize) -> String {
    format!("{MARK_START}{number}{MARK_END}")
}

/// A piece of text written by [`Holes`]: literal text, or a hole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Hole(usize),
}

/// A piece of text holding markers: text, or what a marker holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked<'a> {
    Text(&'a str),
    Mark(&'a str),
}

/// Splits text at its markers (what lies between U+E000 and U+E001); none if one is broken.
pub fn split_marked(text: &str) -> Option<Vec<Marked<'_>>> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(MARK_START) {
        if start > 0 {
            pieces.push(Marked::Text(&rest[..start]));
        }
        let after = &rest[start + MARK_START.len_utf8()..];
        let end = after.find(MARK_END)?;
        pieces.push(Marked::Mark(&after[..end]));
        rest = &after[end + MARK_END.len_utf8()..];
    }
    if !rest.is_empty() {
        pieces.push(Marked::Text(rest));
    }
    Some(pieces)
}

/// Splits text holding hole markers into pieces; none if a marker is broken.
pub fn pieces(text: &str) -> Option<Vec<Piece>> {
    split_marked(text)?
        .into_iter()
        .map(|piece| match piece {
            Marked::Text(text) => Some(Piece::Text(text.to_string())),
            Marked::Mark(number) => number.parse().ok().map(Piece::Hole),
        })
        .collect()
}

/// Whether `text` holds a character of a hole marker.
pub fn has_marker(text: &str) -> bool {
    text.contains(MARK_START) || text.contains(MARK_END)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_share_a_hole_and_markers_read_back() {
        let mut holes = Holes::default();
        let today = Recipe::Placeholder {
            placeholder: Placeholder::Today,
            part: None,
        };
        let a = holes.hole(today.clone(), "1 May".into());
        let b = holes.hole(today, "2 May".into());
        let c = holes.hole(
            Recipe::Placeholder {
                placeholder: Placeholder::Reference,
                part: Some(1),
            },
            "1 May".into(),
        );
        assert_eq!(a, c);
        assert_ne!(a, b);
        assert_eq!(holes.count(), 2);
        let text = format!("{a} {b}.");
        assert_eq!(
            pieces(&text),
            Some(vec![
                Piece::Hole(0),
                Piece::Text(" ".into()),
                Piece::Hole(1),
                Piece::Text(".".into())
            ])
        );
        assert_eq!(pieces(&format!("{MARK_START}1")), None);
        let uses: Vec<usize> = holes.into_uses().into_iter().map(|(_, n)| n).collect();
        assert_eq!(uses, [0, 1, 0]);
    }
}
