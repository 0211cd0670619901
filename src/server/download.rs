//! Files a message can be downloaded as: the email as a `.eml` MIME message. Shared by
//! `POST /api/render` (asked for with `?format=eml` or `Accept: message/rfc822`) and the staff
//! page's download button.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::AppState;
use super::error::ApiError;
use crate::message::Message;
use crate::render::email::{self, EmailError};

/// What a render answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `{subject, text, html, findings}`.
    Json,
    /// The complete email, `message/rfc822`.
    Eml,
}

impl Format {
    pub const NAMES: &'static str = "json, eml";

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "eml" => Some(Format::Eml),
            _ => None,
        }
    }
}

/// The format asked for: the `format` query parameter, else the `Accept` header, else JSON.
pub fn wanted_format(query: Option<&str>, headers: &HeaderMap) -> Result<Format, ApiError> {
    let asked = query
        .and_then(|query| serde_urlencoded::from_str::<Vec<(String, String)>>(query).ok())
        .and_then(|pairs| pairs.into_iter().find(|(name, _)| name == "format"))
        .map(|(_, value)| value);
    if let Some(name) = asked {
        return Format::from_name(&name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "`format={name}` is not a format this route gives; use one of: {}",
                Format::NAMES
            ))
            .with_field("format")
        });
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    Ok(if accept.contains("message/rfc822") {
        Format::Eml
    } else {
        Format::Json
    })
}

fn email_error(err: EmailError) -> ApiError {
    let field = match &err {
        EmailError::NotEmail(_) => Some("channel"),
        EmailError::NoRecipient | EmailError::Recipient(_) => Some("customer.email"),
        EmailError::NoSubject => Some("parts[0]"),
        _ => None,
    };
    let error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, err.to_string());
    match field {
        Some(field) => error.with_field(field),
        None => error,
    }
}

/// The message as a `.eml` attachment.
pub fn eml(state: &AppState, message: &Message) -> Response {
    match email::render(&state.library, &message.document, &state.email, Utc::now()) {
        Ok(email) => (
            [
                (header::CONTENT_TYPE, "message/rfc822"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"message.eml\"",
                ),
            ],
            email.mime,
        )
            .into_response(),
        Err(err) => email_error(err).into_response(),
    }
}
