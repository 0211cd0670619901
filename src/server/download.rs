//! Files a message can be downloaded as: the email as a `.eml` MIME message, and the letter as
//! PDF. Shared by `POST /api/render` (asked for with `?format=eml`/`?format=pdf`, the
//! request's `format` field, or `Accept: message/rfc822`/`Accept: application/pdf`) and the
//! staff page's download buttons.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::AppState;
use super::error::{ApiError, ProblemReport};
use crate::lint::{Field, Severity};
use crate::message::Message;
use crate::render::email::{self, EmailError};
use crate::render::letter::{self, LetterError, LetterSettings};
pub use crate::request::AnswerFormat as Format;

/// The format a render answers with: the `format` query parameter, else the request's own
/// `format` field, else the `Accept` header, else JSON.
pub fn wanted_format(
    query: Option<&str>,
    in_request: Option<Format>,
    headers: &HeaderMap,
) -> Result<Format, ApiError> {
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
    if let Some(format) = in_request {
        return Ok(format);
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    Ok(if accept.contains("message/rfc822") {
        Format::Eml
    } else if accept.contains("application/pdf") {
        Format::Pdf
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

/// The request field a finding concerns.
fn finding_field(field: Field) -> &'static str {
    match field {
        Field::Body => "body",
        Field::Subject => "subject",
        Field::Recipient => "customer.email",
    }
}

fn letter_error(err: LetterError) -> ApiError {
    let status = match &err {
        LetterError::Font | LetterError::Pdf(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let field = match &err {
        LetterError::NotALetter { .. } => Some("channel".to_string()),
        LetterError::NoAddress | LetterError::TooManyAddressLines { .. } => {
            Some("customer.address".to_string())
        }
        LetterError::BlankAddressLine { field } | LetterError::AddressLineTooLong { field, .. } => {
            Some(field.clone())
        }
        _ => None,
    };
    let mut error = ApiError::new(status, err.to_string());
    if let Some(field) = field {
        error = error.with_field(field);
    }
    if let LetterError::Refused { findings } = &err {
        error.problems = findings
            .iter()
            .filter(|finding| finding.severity == Severity::Error)
            .map(|finding| ProblemReport {
                message: format!(
                    "line {}, column {}: {} [{}]",
                    finding.line, finding.column, finding.message, finding.rule
                ),
                field: Some(finding_field(finding.field).to_string()),
            })
            .collect();
    }
    error
}

/// The letter's PDF bytes, rendered off the async threads; refused (422) when the message is
/// not a letter, or has error-level findings and is not a draft.
pub async fn letter_pdf(message: Message) -> Result<Vec<u8>, ApiError> {
    let rendered = tokio::task::spawn_blocking(move || {
        letter::render(
            &message.document,
            &message.findings,
            &LetterSettings::default(),
        )
    })
    .await;
    match rendered {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(err)) => Err(letter_error(err)),
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the letter could not be produced; try again",
        )),
    }
}

/// The PDF bytes as an attachment.
pub fn pdf_attachment(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"letter.pdf\"",
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The letter as a PDF attachment, or the JSON error saying why it cannot be produced.
pub async fn pdf(message: Message) -> Response {
    match letter_pdf(message).await {
        Ok(bytes) => pdf_attachment(bytes),
        Err(err) => err.into_response(),
    }
}
