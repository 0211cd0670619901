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
