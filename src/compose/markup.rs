//! Reads a rendered template body: phrase and free-text markers arranged in paragraphs
//! (separated by blank lines) and list items (`- ` or `1. ` at the start of a line).

use crate::document::BlockKind;
use crate::library::{MARK_END, MARK_START};

/// A paragraph or one list item, before phrases are expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub kind: BlockKind,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// The template's own punctuation and spacing.
    Text(String),
    Phrase(String),
    FreeText(String),
}

pub fn parse_body(rendered: &str) -> Result<Vec<Unit>, String> {
    let mut units: Vec<Unit> = Vec::new();
    let mut paragraph_open = false;
    for line in rendered.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            paragraph_open = false;
            continue;
        }
        let (kind, content) = if let Some(rest) = trimmed.strip_prefix("- ") {
            (BlockKind::Bullets, rest)
        } else if let Some(rest) = numbered_item(trimmed) {
            (BlockKind::Numbered, rest)
        } else {
            (BlockKind::Paragraph, trimmed)
        };
        let items = parse_line(content)?;
        if kind == BlockKind::Paragraph && paragraph_open {
            if let Some(last) = units.last_mut() {
                last.items.push(Item::Text(" ".into()));
                last.items.extend(items);
            }
            continue;
        }
        paragraph_open = kind == BlockKind::Paragraph;
        units.push(Unit { kind, items });
    }
    Ok(units)
}

fn numbered_item(line: &str) -> Option<&str> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    line[digits..].strip_prefix(". ")
}

fn parse_line(line: &str) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(MARK_START) {
        if start > 0 {
            items.push(Item::Text(rest[..start].to_string()));
        }
        let after = &rest[start + MARK_START.len_utf8()..];
        let end = after
            .find(MARK_END)
            .ok_or_else(|| "the body produced a broken phrase marker".to_string())?;
        let marker = &after[..end];
        match marker.split_once(':') {
            Some(("p", id)) => items.push(Item::Phrase(id.to_string())),
            Some(("f", question)) => items.push(Item::FreeText(question.to_string())),
            _ => return Err(format!("the body produced an unknown marker `{marker}`")),
        }
        rest = &after[end + MARK_END.len_utf8()..];
    }
    if !rest.is_empty() {
        items.push(Item::Text(rest.to_string()));
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str) -> String {
        format!("{MARK_START}p:{id}{MARK_END}")
    }

    #[test]
    fn paragraphs_and_lists() {
        let body = format!(
            "{}\n{}\n\n- {}\n\n- {}\n1. {}\n",
            p("a"),
            p("b"),
            p("c"),
            p("d"),
            p("e")
        );
        let units = parse_body(&body).unwrap();
        assert_eq!(
            units,
            vec![
                Unit {
                    kind: BlockKind::Paragraph,
                    items: vec![
                        Item::Phrase("a".into()),
                        Item::Text(" ".into()),
                        Item::Phrase("b".into())
                    ]
                },
                Unit {
                    kind: BlockKind::Bullets,
                    items: vec![Item::Phrase("c".into())]
                },
                Unit {
                    kind: BlockKind::Bullets,
                    items: vec![Item::Phrase("d".into())]
                },
                Unit {
                    kind: BlockKind::Numbered,
                    items: vec![Item::Phrase("e".into())]
                },
            ]
        );
    }
}
