//! Plain text: the body as staff copy it into the case system, and as findings point into.

use crate::document::Document;

/// The message body as plain text: paragraphs separated by a blank line, lists as `- ` or
/// `1. ` lines, with a final line break.
pub fn render(document: &Document) -> String {
    from_body(document.body_text())
}

/// The message as plain text, from its body text (`document.body_text()`).
pub fn from_body(mut body: String) -> String {
    body.push('\n');
    body
}
