//! The whole pipeline for one request: compose, lint, render. Shared by the command line and
//! the HTTP service so that both answer the same object.
//!
//! [`build_message`] composes from scratch and keeps the document (for the letter, the .eml
//! and the staff page); [`render_message`] answers the same subject, text, HTML and findings
//! from a remembered [`shape`] of the request when it can, and is what the JSON API serves.

pub mod shape;

use serde::Serialize;

use crate::compose::{ComposeError, assemble, compose, prepare};
use crate::document::Document;
use crate::library::Library;
use crate::lint::{Composed, Finding, lint_message};
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
    finish(library, document)
}

/// What [`build_message`] answers, less the document: filled into a shape of `shapes` when
/// the request has one (remembering a new shape when not), composed from scratch otherwise.
pub fn render_message(
    library: &Library,
    shapes: &Shapes,
    request: &Request,
) -> Result<Rendered, MessageError> {
    let prepared = prepare(library, request).map_err(MessageError::Compose)?;
    let email = prepared.channel == Channel::Email;
    let Some((shape, filled)) = shapes.fill(library, &prepared, email) else {
        let document = assemble(library, &prepared, None).map_err(MessageError::Compose)?;
        return finish(library, document).map(Rendered::from);
    };
    let recipient = prepared.recipient();
    let reference = prepared.reference();
    let composed = Composed {
        language: prepared.language,
        templates: &shape.templates,
        required_paragraphs: &shape.required_paragraphs,
        recipient: &recipient,
        initials: prepared.request.staff.initials.trim(),
        reference: reference.as_deref(),
        first_body_block: shape.first_body_block,
    };
    let mut findings = lint_message(library, &composed, &filled.body, filled.subject.as_ref());
    if email {
        findings.extend(email::recipient::findings(recipient.email.as_deref()));
    }
    Ok(Rendered {
        subject: filled.subject.map(|subject| subject.text),
        text: crate::render::text::from_body(filled.body.text),
        html: email.then_some(filled.html),
        findings,
    })
}

/// Lints and renders a composed document.
fn finish(library: &Library, document: Document) -> Result<Message, MessageError> {
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
