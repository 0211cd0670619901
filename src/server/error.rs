//! The JSON error every route answers with: a status, a message a person can act on, and the
//! field of the request it concerns (`parts[0].answers.reasons`), plus every problem found
//! when there were several.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::compose::ComposeError;

/// One problem with a request, as the API reports it.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemReport {
    pub message: String,
    /// Where in the request: `customer.first_name`, `parts[1].answers.documents`.
    pub field: Option<String>,
}

/// An error response: `{status, message, field, problems}`.
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    #[serde(rename = "status")]
    pub code: u16,
    pub message: String,
    pub field: Option<String>,
    pub problems: Vec<ProblemReport>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            status,
            code: status.as_u16(),
            problems: vec![ProblemReport {
                message: message.clone(),
                field: None,
            }],
            message,
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        for problem in &mut self.problems {
            problem.field.get_or_insert_with(|| field.clone());
        }
        self.field = Some(field);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<&ComposeError> for ApiError {
    fn from(err: &ComposeError) -> Self {
        let problems: Vec<ProblemReport> = err
            .problems
            .iter()
            .map(|problem| ProblemReport {
                message: problem.to_string(),
                field: problem.field(),
            })
            .collect();
        let first = problems.first();
        let message = match problems.len() {
            0 | 1 => first
                .map(|p| p.message.clone())
                .unwrap_or_else(|| "the request cannot be composed".into()),
            n => format!(
                "the request cannot be composed ({n} problems); the first: {}",
                first.map(|p| p.message.as_str()).unwrap_or_default()
            ),
        };
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
            field: first.and_then(|p| p.field.clone()),
            message,
            problems,
        }
    }
}

/// The 413 answer for bodies over the limit.
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the request body is larger than {} KB; send one message per request",
            super::BODY_LIMIT / 1024
        ),
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}
