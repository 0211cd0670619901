//! The whole pipeline for one request: compose, lint, render. Shared by the command line and
//! the HTTP service so that both answer the same object.

use serde::Serialize;

use crate::compose::{ComposeError, compose};
use crate::document::Document;
use crate::library::Library;
use crate::lint::Finding;
use crate::render::email;
use crate::request::{Channel, Request};

/// What `render --format json` prints and `POST /api/render` answers.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// The subject, on channels that have one.
    pub subject: Option<String>,
    /// The body as plain text.
    pub text: String,
    /// The HTML body (email only).
    pub html: Option<String>,
    pub findings: Vec<Finding>,
    /// The composed document the rest was rendered from.
    #[serde(skip)]
    pub document: Document,
}

#[derive(Debug)]
pub enum MessageError {
    Compose(ComposeError),
}

impl std::fmt::Display for MessageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MessageError::Compose(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for MessageError {}

impl Message {
    /// The message as compact JSON, byte for byte what `serde_json::to_vec` writes, faster:
    /// the long strings (text and HTML) are escaped eight bytes at a time.
    pub fn to_json(&self) -> Vec<u8> {
        let text_length = self.text.len() + self.html.as_ref().map_or(0, String::len);
        let mut out = Vec::with_capacity(text_length + text_length / 8 + 512);
        out.extend_from_slice(b"{\"subject\":");
        match &self.subject {
            Some(subject) => json_string_into(&mut out, subject),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"text\":");
        json_string_into(&mut out, &self.text);
        out.extend_from_slice(b",\"html\":");
        match &self.html {
            Some(html) => json_string_into(&mut out, html),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"findings\":");
        // Writing to a Vec cannot fail, and findings hold only strings, numbers and names.
        let _ = serde_json::to_writer(&mut out, &self.findings);
        out.push(b'}');
        out
    }
}

/// Appends `text` as a JSON string, escaped as serde_json escapes: `"` and `\` with a
/// backslash, control characters as `\n`-style or `\u00XX` escapes, all else as it is.
pub fn json_string_into(out: &mut Vec<u8>, text: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    /// True when some byte of `word` is a quote, a backslash or below 0x20 (exact for "some").
    fn needs_escape(word: u64) -> bool {
        let has_byte = |byte: u8| {
            let v = word ^ (ONES * u64::from(byte));
            v.wrapping_sub(ONES) & !v & HIGHS != 0
        };
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS != 0;
        control || has_byte(b'"') || has_byte(b'\\')
    }
    let bytes = text.as_bytes();
    out.push(b'"');
    let mut clean_from = 0;
    let mut at = 0;
    while at < bytes.len() {
        if let Some(chunk) = bytes.get(at..at + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            if !needs_escape(word) {
                at += 8;
                continue;
            }
        }
        let end = (at + 8).min(bytes.len());
        for index in at..end {
            let byte = bytes[index];
            let escape: &[u8] = match byte {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => b"",
                _ => continue,
            };
            out.extend_from_slice(&bytes[clean_from..index]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
            } else {
                out.extend_from_slice(escape);
            }
            clean_from = index + 1;
        }
        at = end;
    }
    out.extend_from_slice(&bytes[clean_from..]);
    out.push(b'"');
}

/// Composes, lints and renders one request.
pub fn build_message(library: &Library, request: &Request) -> Result<Message, MessageError> {
    let document = compose(library, request).map_err(MessageError::Compose)?;
    let body = document.body_sourced();
    let mut findings = crate::lint::lint_composed(library, &document, &body);
    let html = if document.channel == Channel::Email {
        findings.extend(email::recipient::findings(
            document.recipient.email.as_deref(),
        ));
        Some(email::html::render(&document))
    } else {
        None
    };
    Ok(Message {
        subject: document.subject_text(),
        text: crate::render::text::from_body(body.text),
        html,
        findings,
        document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped_as_serde_json_escapes_them() {
        let mut every_byte = String::new();
        for code in 0..0x80u8 {
            every_byte.push(char::from(code));
        }
        let samples = [
            "",
            "plain words",
            "exactly8",
            "<p style=\"margin:0\">Siân’s \"photo\"</p>\n",
            "tab\there\\back\u{1}\u{1f}\u{7f}é😀",
            &every_byte,
            &every_byte[3..],
        ];
        for sample in samples {
            let mut ours = Vec::new();
            json_string_into(&mut ours, sample);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(sample).unwrap(),
                "{sample:?}"
            );
        }
    }
}
