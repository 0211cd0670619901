//! The whole pipeline for one request: compose, lint, render. Shared by the command line and
//! the HTTP service so that both answer the same object.
//!
//! [`build_message`] composes from scratch and keeps the document (for the letter, the .eml
//! and the staff page); [`render_message`] answers the same subject, text, HTML and findings
//! from a remembered [`shape`] of the request when it can, and is what the JSON API serves.

pub mod json;
pub mod shape;

use serde::Serialize;

use crate::compose::{ComposeError, assemble, compose, prepare};
use crate::document::Document;
use crate::library::Library;
use crate::lint::{Finding, lint_message};
use crate::render::email;
use crate::request::{Channel, Request};
use shape::Shapes;

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

/// What `POST /api/render` answers: a [`Message`] without its document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rendered {
    pub subject: Option<String>,
    pub text: String,
    pub html: Option<String>,
    pub findings: Vec<crate::lint::Finding>,
}

impl From<Message> for Rendered {
    fn from(message: Message) -> Self {
        Rendered {
            subject: message.subject,
            text: message.text,
            html: message.html,
            findings: message.findings,
        }
    }
}

/// Composes, lints and renders one request.
pub fn build_message(library: &Library, request: &Request) -> Result<Message, MessageError> {
    let document = compose(library, request).map_err(MessageError::Compose)?;
    Ok(finish(library, document))
}

/// What [`build_message`] answers, less the document: filled into a shape of `shapes` when
/// the request has one (remembering a new shape when not), composed from scratch otherwise.
pub fn render_message(
    library: &Library,
    shapes: &Shapes,
    request: &Request,
) -> Result<Rendered, MessageError> {
    Ok(match build(library, shapes, request)? {
        Built::Composed(message) => Rendered::from(*message),
        Built::Shaped(shaped) => Rendered {
            html: shaped.email.then(|| shaped.shape.html(&shaped.filled)),
            subject: shaped.filled.subject.map(|subject| subject.text),
            text: crate::render::text::from_body(shaped.filled.body.text),
            findings: shaped.findings,
        },
    })
}

/// [`render_message`] as JSON: what `POST /api/render` answers. A filled shape is written
/// by hand, its HTML mostly escaped already; what serde_json would write, byte for byte.
/// The inner error is serde_json's, should a finding fail to serialise.
pub fn render_message_json(
    library: &Library,
    shapes: &Shapes,
    request: &Request,
) -> Result<serde_json::Result<Vec<u8>>, MessageError> {
    let mut shaped = match build(library, shapes, request)? {
        Built::Composed(message) => return Ok(serde_json::to_vec(&Rendered::from(*message))),
        Built::Shaped(shaped) => shaped,
    };
    let text = crate::render::text::from_body(std::mem::take(&mut shaped.filled.body.text));
    let filled = &shaped.filled;
    let mut out = Vec::with_capacity(shaped.shape.json_len_hint());
    out.extend_from_slice(b"{\"subject\":");
    match &filled.subject {
        Some(subject) => json::string_into(&mut out, &subject.text),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"text\":");
    json::string_into(&mut out, &text);
    out.extend_from_slice(b",\"html\":");
    if shaped.email {
        out.push(b'"');
        shaped.shape.write_html_json(filled, &mut out);
        out.push(b'"');
    } else {
        out.extend_from_slice(b"null");
    }
    out.extend_from_slice(b",\"findings\":");
    Ok(serde_json::to_writer(&mut out, &shaped.findings).map(|()| {
        out.push(b'}');
        out
    }))
}

/// A message built by [`build`].
enum Built {
    /// Composed from scratch.
    Composed(Box<Message>),
    Shaped(Shaped),
}

/// A request filled into a shape, and linted.
struct Shaped {
    shape: std::sync::Arc<shape::Shape>,
    filled: shape::Filled,
    findings: Vec<Finding>,
    email: bool,
}

fn build(library: &Library, shapes: &Shapes, request: &Request) -> Result<Built, MessageError> {
    let prepared = prepare(library, request).map_err(MessageError::Compose)?;
    let email = prepared.channel == Channel::Email;
    let Some((shape, filled)) = shapes.fill(library, &prepared) else {
        let document = assemble(library, &prepared, None).map_err(MessageError::Compose)?;
        return Ok(Built::Composed(Box::new(finish(library, document))));
    };
    let recipient = prepared.recipient();
    let reference = prepared.reference();
    let mut findings = lint_message(
        library,
        &shape.composed(&prepared, &recipient, reference.as_deref()),
        &filled.body,
        filled.subject.as_ref(),
        Some(&shape.known),
    );
    if email {
        findings.extend(email::recipient::findings(recipient.email.as_deref()));
    }
    Ok(Built::Shaped(Shaped {
        shape,
        filled,
        findings,
        email,
    }))
}

/// Lints and renders a composed document.
fn finish(library: &Library, document: Document) -> Message {
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
    Message {
        subject: document.subject_text(),
        text: crate::render::text::from_body(body.text),
        html,
        findings,
        document,
    }
}
