//! The HTML body of an email, in the house format: Arial (then Liberation Sans, then any sans
//! serif) 12pt black, 14pt in large print, links in blue, no italics, left aligned, single
//! spaced, with `lang` set so screen readers read Welsh as Welsh. Every style is inline, so
//! the message looks the same in mail clients that ignore style sheets.
//!
//! Each line of the document goes through pulldown-cmark, which understands a small Markdown
//! subset inside approved phrases: links (`[text](https://...)`, `<https://...>`) and bare
//! `http(s)://` addresses. The block structure (paragraphs, bullet and numbered lists) comes from
//! the document itself. Values (placeholders and free text) are escaped before parsing, so they
//! are always shown as typed; raw HTML anywhere is shown as text, and only `https:`, `http:`
//! and `mailto:` links survive.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::links::{LINK_STYLE, is_allowed_link, linkify_into};
use crate::document::{BlockKind, Document, Inline, Source};
use crate::request::Language;

/// Font stack of the house format: Arial, and metric-compatible Liberation Sans where Arial is
/// missing.
const FONT_FAMILY: &str = "Arial, 'Liberation Sans', sans-serif";

/// The HTML document of an email body.
pub fn render(document: &Document) -> String {
    let subject = document.subject.as_ref().map(Inline::text);
    let blocks = document
        .blocks
        .iter()
        .map(|block| (block.kind, block.lines.as_slice()));
    let page = Page {
        language: document.language,
        large_print: document.large_print,
        subject: subject.as_deref(),
        text_len: document.text_len(),
    };
    render_blocks(&page, blocks, inline_into)
}

/// What the HTML around the blocks says: language, print size and title.
pub struct Page<'a> {
    pub language: Language,
    pub large_print: bool,
    pub subject: Option<&'a str>,
    /// About how many bytes of text the lines hold, to size the answer once.
    pub text_len: usize,
}

/// The HTML document of blocks of lines, however the lines are held: `line_html` writes one
/// line's HTML. [`render`] passes the document's lines; a message shape passes lines whose
/// HTML is partly written already.
pub fn render_blocks<'a, L: 'a>(
    page: &Page,
    blocks: impl Iterator<Item = (BlockKind, &'a [L])> + Clone,
    mut line_html: impl FnMut(&mut String, &'a L),
) -> String {
    let lang = page.language.as_str();
    let size = if page.large_print { 14 } else { 12 };
    // The wrapper carries the whole house style; paragraphs and list items repeat the font
    // and size, which some mail clients do not pass down from a wrapper.
    let font_style = format!("font-family:{FONT_FAMILY};font-size:{size}pt;");
    let wrapper_style =
        format!("{font_style}line-height:normal;color:#000000;font-style:normal;text-align:left;");
    // The markup around each line is about 120 bytes; sized once, the answer is not copied
    // as it grows.
    let lines: usize = blocks.clone().map(|(_, lines)| lines.len()).sum();
    let text = page.text_len;
    let mut out = String::with_capacity(1024 + text + text / 8 + lines * 128);
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(lang);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>");
    if let Some(subject) = page.subject {
        escape_into(&mut out, subject);
    }
    out.push_str(
        "</title>\n</head>\n<body style=\"margin:0;padding:16px;background-color:#ffffff;\">\n",
    );
    out.push_str("<div lang=\"");
    out.push_str(lang);
    out.push_str("\" style=\"");
    out.push_str(&wrapper_style);
    out.push_str("\">\n");
    let block_gap = "margin:0 0 12pt 0;";
    for (kind, lines) in blocks {
        match kind {
            BlockKind::Paragraph => {
                out.push_str("<p style=\"");
                out.push_str(block_gap);
                out.push_str(&font_style);
                out.push_str("\">");
                for (index, line) in lines.iter().enumerate() {
                    if index > 0 {
                        out.push_str("<br>\n");
                    }
                    line_html(&mut out, line);
                }
                out.push_str("</p>\n");
            }
            BlockKind::Bullets | BlockKind::Numbered => {
                let tag = if kind == BlockKind::Bullets {
                    "ul"
                } else {
                    "ol"
                };
                out.push('<');
                out.push_str(tag);
                out.push_str(" style=\"");
                out.push_str(block_gap);
                out.push_str("padding-left:24pt;");
                out.push_str("\">\n");
                for line in lines {
                    out.push_str("<li style=\"margin:0;");
                    out.push_str(&font_style);
                    out.push_str("\">");
                    line_html(&mut out, line);
                    out.push_str("</li>\n");
                }
                out.push_str("</");
                out.push_str(tag);
                out.push_str(">\n");
            }
        }
    }
    out.push_str("</div>\n</body>\n</html>\n");
    out
}

/// One line of text as HTML: phrase text read as inline Markdown, values escaped.
pub fn inline_into(out: &mut String, line: &Inline) {
    if line.spans.iter().all(|span| is_plain(&span.text)) {
        // Nothing Markdown could read as markup: the text as it stands, escaped.
        let start = out.len();
        for span in &line.spans {
            escape_into(out, &span.text);
        }
        let trimmed_end = out.trim_end().len().max(start);
        out.truncate(trimmed_end);
        let leading = out[start..].len() - out[start..].trim_start().len();
        out.drain(start..start + leading);
        return;
    }
    let markdown = line_markdown(line);
    let mut links: Vec<bool> = Vec::new();
    // Text outside links is gathered (the parser may split it at punctuation) so that bare
    // addresses are found whole.
    let mut pending = String::new();
    for event in Parser::new_ext(&markdown, Options::empty()) {
        if let Event::Text(text) = &event
            && links.is_empty()
        {
            pending.push_str(text);
            continue;
        }
        if !pending.is_empty() {
            linkify_into(out, &pending);
            pending.clear();
        }
        match event {
            Event::Text(text) => escape_into(out, &text),
            Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                escape_into(out, &text)
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("<br>"),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let allowed = links.is_empty() && is_allowed_link(&dest_url);
                if allowed {
                    out.push_str("<a href=\"");
                    escape_into(out, &dest_url);
                    out.push_str("\" style=\"");
                    out.push_str(LINK_STYLE);
                    out.push_str("\">");
                }
                links.push(allowed);
            }
            Event::End(TagEnd::Link) if links.pop() == Some(true) => out.push_str("</a>"),
            // Emphasis, headings and other structure are dropped: the house style has no
            // italics, and the document decides paragraphs and lists.
            _ => {}
        }
    }
    linkify_into(out, &pending);
}

/// True when `text` holds nothing inline Markdown treats specially (no link, emphasis, code,
/// HTML, escape or entity characters, and no web or email address), so parsing would not
/// change it.
fn is_plain(text: &str) -> bool {
    /// The bytes Markdown could read as markup; every such character is ASCII, so the bytes
    /// can be checked one by one.
    const SPECIAL: [bool; 256] = {
        let mut table = [false; 256];
        let special = b"[]<>`*_\\&!~@\n\r";
        let mut index = 0;
        while index < special.len() {
            table[special[index] as usize] = true;
            index += 1;
        }
        table
    };
    let bytes = text.as_bytes();
    let mut previous = 0u8;
    for (at, &byte) in bytes.iter().enumerate() {
        if SPECIAL[usize::from(byte)]
            // Two spaces, or a colon that starts a web address (`https://`).
            || (byte == b' ' && previous == b' ')
            || (byte == b':' && bytes[at + 1..].starts_with(b"//"))
        {
            return false;
        }
        previous = byte;
    }
    true
}

/// The Markdown source of one line: phrase and template text as written (with any leading
/// block marker escaped so the line stays one paragraph), values with every ASCII punctuation
/// character escaped so they are always literal text.
fn line_markdown(line: &Inline) -> String {
    let mut markdown = String::with_capacity(line.spans.iter().map(|s| s.text.len() + 8).sum());
    for span in &line.spans {
        match span.source {
            Source::Phrase { .. } | Source::Template { .. } => {
                if markdown.trim().is_empty() {
                    markdown.clear();
                    escape_block_start(&mut markdown, span.text.trim_start());
                } else {
                    markdown.push_str(&span.text);
                }
            }
            Source::Placeholder { .. } | Source::FreeText { .. } => {
                for c in span.text.chars() {
                    if c.is_ascii_punctuation() {
                        markdown.push('\\');
                    }
                    markdown.push(c);
                }
            }
        }
    }
    markdown
}

/// Copies `text`, escaping a character at its start that Markdown would read as the start of
/// a heading, quote, list, code fence, table or rule.
fn escape_block_start(out: &mut String, text: &str) {
    let first_non_digit = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
    let starts_numbered = first_non_digit > 0 && text[first_non_digit..].starts_with(['.', ')']);
    if starts_numbered {
        out.push_str(&text[..first_non_digit]);
        out.push('\\');
        out.push_str(&text[first_non_digit..]);
    } else if text.starts_with(['#', '>', '-', '+', '*', '=', '_', '`', '~', '|']) {
        out.push('\\');
        out.push_str(text);
    } else {
        out.push_str(text);
    }
}

/// Appends `text` with the five HTML-significant characters escaped.
pub fn escape_into(out: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = escape_to(out, text);
}

/// Writes `text` with the five HTML-significant characters escaped (safe in element content
/// and quoted attributes), to any writer: a String, or a formatter.
pub fn escape_to(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut plain_from = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[plain_from..at])?;
        out.write_str(entity)?;
        plain_from = at + 1;
    }
    out.write_str(&text[plain_from..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Span;

    fn line(spans: &[(&str, Source)]) -> Inline {
        Inline {
            spans: spans
                .iter()
                .map(|(text, source)| Span {
                    text: (*text).into(),
                    source: source.clone(),
                })
                .collect(),
        }
    }

    fn phrase() -> Source {
        Source::Phrase { id: "p".into() }
    }

    #[test]
    fn plain_text_is_told_from_text_markdown_could_read() {
        let specials = "[]<>`*_\\&!~@\n\r";
        let reference = |text: &str| {
            !text.contains(|c| specials.contains(c))
                && !text.contains("  ")
                && !text.contains("://")
        };
        let samples = [
            "",
            "Plain words, with commas: and colons.",
            "two  spaces",
            " one space ",
            "see https://www.gov.uk",
            "time 10:30 // not a link",
            "ends with a colon:",
            "ends with :/",
            "Siân’s photo",
            "a * star",
            "tilde ~",
            "line\nbreak",
        ];
        for sample in samples {
            assert_eq!(is_plain(sample), reference(sample), "{sample:?}");
        }
    }

    fn value() -> Source {
        Source::FreeText {
            template: "t".into(),
            question: "q".into(),
        }
    }

    fn html_of(inline: &Inline) -> String {
        let mut out = String::new();
        inline_into(&mut out, inline);
        out
    }

    #[test]
    fn phrase_links_survive_only_with_safe_schemes() {
        let html = html_of(&line(&[(
            "See [the rules](https://www.gov.uk/photos-for-passports) or [this](javascript:alert(1)).",
            phrase(),
        )]));
        assert!(
            html.contains(
                "<a href=\"https://www.gov.uk/photos-for-passports\" style=\"color:#0000ff;"
            ),
            "{html}"
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(html.contains("or this."), "{html}");
    }

    #[test]
    fn addresses_split_by_the_parser_are_linked_whole() {
        let html = html_of(&line(&[(
            "See https://www.gov.uk/a_b_c: it *helps*.",
            phrase(),
        )]));
        assert!(
            html.starts_with("See <a href=\"https://www.gov.uk/a_b_c\" style="),
            "{html}"
        );
        assert!(html.ends_with("</a>: it helps."), "{html}");
    }

    #[test]
    fn values_are_literal_text_never_markup() {
        let html = html_of(&line(&[
            ("Note: ", phrase()),
            ("<script>x</script> [a](javascript:b) *em* & \"q\"", value()),
        ]));
        assert_eq!(
            html,
            "Note: &lt;script&gt;x&lt;/script&gt; [a](javascript:b) *em* &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn raw_html_in_a_phrase_is_shown_as_text() {
        let html = html_of(&line(&[("<b>Bold</b> and <img src=x>", phrase())]));
        assert_eq!(html, "&lt;b&gt;Bold&lt;/b&gt; and &lt;img src=x&gt;");
    }

    #[test]
    fn plain_lines_read_the_same_with_or_without_the_parser() {
        let plain = line(&[
            (" Dear Mrs ", phrase()),
            ("O'Brien-Jones", value()),
            (",", phrase()),
        ]);
        let mut parsed = String::new();
        let markdown = line_markdown(&plain);
        for event in Parser::new_ext(&markdown, Options::empty()) {
            if let Event::Text(text) = event {
                escape_into(&mut parsed, &text);
            }
        }
        assert_eq!(html_of(&plain), parsed);
        assert_eq!(parsed, "Dear Mrs O&#39;Brien-Jones,");
    }

    #[test]
    fn a_line_starting_like_markdown_block_stays_text() {
        assert_eq!(html_of(&line(&[("# 1 heading", phrase())])), "# 1 heading");
        assert_eq!(html_of(&line(&[("2. item", phrase())])), "2. item");
        assert_eq!(html_of(&line(&[("- dash", phrase())])), "- dash");
    }
}
