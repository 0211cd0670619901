//! The JSON API: the route table (which the router and the OpenAPI description are both built
//! from) and its handlers. Each handler answers what the matching command prints.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde::de::DeserializeOwned;

use super::Shared;
use super::download::{self, Format, wanted_format};
use super::error::{ApiError, too_large};
use crate::cli::templates::summaries;
use crate::lint::lint_text;
use crate::message::{MessageError, build_message, render_message_json};
use crate::plan::{self, PlanError, PlanRequest};
use crate::request::Request;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
        }
    }
}

/// One response a route can give, for the OpenAPI description.
#[derive(Debug, Clone, Copy)]
pub struct Reply {
    pub status: u16,
    pub description: &'static str,
    /// Media type and schema name (in `components.schemas`), when there is a body.
    pub body: Option<(&'static str, &'static str)>,
}

/// One API route: where, how, what it takes and gives, and the handler that serves it.
#[derive(Debug, Clone, Copy)]
pub struct ApiRoute {
    pub path: &'static str,
    pub method: Method,
    pub operation_id: &'static str,
    pub summary: &'static str,
    /// A path parameter's name and description.
    pub parameter: Option<(&'static str, &'static str)>,
    /// An optional query parameter: name, description and the values it takes.
    pub query: Option<(&'static str, &'static str, &'static [&'static str])>,
    /// Accepted body: media type and schema name.
    pub body: Option<(&'static str, &'static str)>,
    pub replies: &'static [Reply],
    pub handler: fn() -> MethodRouter<Shared>,
}

const fn reply(status: u16, description: &'static str, schema: &'static str) -> Reply {
    Reply {
        status,
        description,
        body: Some(("application/json", schema)),
    }
}

const BAD_JSON: Reply = reply(
    400,
    "The body is not JSON of the right shape; `field` names where",
    "Error",
);
const TOO_LARGE: Reply = reply(413, "The body is larger than 256 KB", "Error");
const WRONG_TYPE: Reply = reply(415, "The body is not sent as application/json", "Error");
const UNAUTHORISED: Reply = reply(
    401,
    "COMMS_API_TOKEN is set and the request has no valid bearer token or login cookie",
    "Error",
);

/// Every API route. The router and `/api/openapi.json` are both built from this table.
pub const ROUTES: &[ApiRoute] = &[
    ApiRoute {
        path: "/healthz",
        method: Method::Get,
        operation_id: "health",
        summary: "Whether the service is up, and how many templates it has loaded",
        parameter: None,
        query: None,
        body: None,
        replies: &[reply(200, "The service is up", "Health"), UNAUTHORISED],
        handler: || get(health),
    },
    ApiRoute {
        path: "/api/templates",
        method: Method::Get,
        operation_id: "listTemplates",
        summary: "The templates staff can pick, with their questions",
        parameter: None,
        query: None,
        body: None,
        replies: &[reply(200, "Every template", "TemplateList"), UNAUTHORISED],
        handler: || get(list_templates),
    },
    ApiRoute {
        path: "/api/templates/{id}",
        method: Method::Get,
        operation_id: "getTemplate",
        summary: "One template and its questions",
        parameter: Some((
            "id",
            "The template id: lower-case letters, digits and hyphens",
        )),
        query: None,
        body: None,
        replies: &[
            reply(200, "The template", "Template"),
            reply(
                400,
                "The id is not lower-case letters, digits and hyphens",
                "Error",
            ),
            reply(404, "There is no template with this id", "Error"),
            UNAUTHORISED,
        ],
        handler: || get(get_template),
    },
    ApiRoute {
        path: "/api/render",
        method: Method::Post,
        operation_id: "render",
        summary: "Compose, lint and render one request: the object `comms render --format json` prints, the email as .eml with `?format=eml`, `\"format\": \"eml\"` or `Accept: message/rfc822`, or the letter as PDF with `?format=pdf`, `\"format\": \"pdf\"` or `Accept: application/pdf` (the query first, then the request's field, then `Accept`)",
        parameter: None,
        query: Some((
            "format",
            "json (the default), eml or pdf; `Accept: message/rfc822` asks for eml and `Accept: application/pdf` for pdf too",
            &["json", "eml", "pdf"],
        )),
        body: Some(("application/json", "Request")),
        replies: &[
            reply(200, "The message and its lint findings", "Message"),
            Reply {
                status: 200,
                description: "The email as a MIME message, when asked for `eml`",
                body: Some(("message/rfc822", "Eml")),
            },
            Reply {
                status: 200,
                description: "The letter as PDF, when asked for `pdf`",
                body: Some(("application/pdf", "Pdf")),
            },
            BAD_JSON,
            UNAUTHORISED,
            TOO_LARGE,
            WRONG_TYPE,
            reply(
                422,
                "The request is well formed but cannot be composed (unknown template, wrong answer), or cannot be given in the format asked for (a PDF of a message that is not a letter, or of a letter with error-level findings that is not a draft); `problems` lists each with its field",
                "Error",
            ),
        ],
        handler: || post(render),
    },
    ApiRoute {
        path: "/api/lint",
        method: Method::Post,
        operation_id: "lint",
        summary: "Lint any text against the house-style rules: what `comms lint --format json` prints",
        parameter: None,
        query: None,
        body: Some(("application/json", "LintRequest")),
        replies: &[
            reply(200, "The findings, in the order of the text", "LintResult"),
            BAD_JSON,
            UNAUTHORISED,
            TOO_LARGE,
            WRONG_TYPE,
        ],
        handler: || post(lint),
    },
    ApiRoute {
        path: "/api/plan-calls",
        method: Method::Post,
        operation_id: "planCalls",
        summary: "When to phone a customer and what voicemail to leave: what `comms plan-calls --format json` prints",
        parameter: None,
        query: None,
        body: Some(("application/json", "PlanRequest")),
        replies: &[
            reply(200, "The call plan", "Plan"),
            BAD_JSON,
            UNAUTHORISED,
            TOO_LARGE,
            WRONG_TYPE,
            reply(
                422,
                "The plan request is well formed but cannot be planned (unknown time zone or country, bad time); `field` names the field",
                "Error",
            ),
        ],
        handler: || post(plan_calls),
    },
    ApiRoute {
        path: "/api/openapi.json",
        method: Method::Get,
        operation_id: "openapi",
        summary: "This description of the API (OpenAPI 3.1)",
        parameter: None,
        query: None,
        body: None,
        replies: &[reply(200, "The OpenAPI document", "OpenApi"), UNAUTHORISED],
        handler: || get(openapi),
    },
];

async fn health(State(state): State<Shared>) -> Response {
    Json(serde_json::json!({
        "status": "ok",
        "templates": state.library.templates.len(),
    }))
    .into_response()
}

async fn list_templates(State(state): State<Shared>) -> Response {
    Json(summaries(&state.library)).into_response()
}

/// Template ids are lower-case letters, digits and hyphens: anything else (dots, slashes,
/// percent-encoded tricks) is refused before it is looked up.
pub fn check_template_id(id: &str) -> Result<(), ApiError> {
    let valid = !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "a template id is lower-case letters, digits and hyphens (such as `request-new-photo`); see GET /api/templates",
        )
        .with_field("id"))
    }
}

async fn get_template(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    if let Err(err) = check_template_id(&id) {
        return err.into_response();
    }
    match summaries(&state.library)
        .into_iter()
        .find(|template| template.id == id)
    {
        Some(template) => Json(template).into_response(),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "there is no template `{id}`; templates are: {}",
                state
                    .library
                    .templates
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .with_field("id")
        .into_response(),
    }
}

async fn render(
    State(state): State<Shared>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let request: Request = match read_json(&headers, body).await {
        Ok(request) => request,
        Err(err) => return err.into_response(),
    };
    let format = match wanted_format(query.as_deref(), request.format, &headers) {
        Ok(format) => format,
        Err(err) => return err.into_response(),
    };
    if format != Format::Json {
        return match build_message(&state.library, &request) {
            Ok(message) if format == Format::Eml => download::eml(&state, &message),
            Ok(message) => download::pdf(message).await,
            Err(MessageError::Compose(err)) => ApiError::from(&err).into_response(),
        };
    }
    match render_message_json(&state.library, &state.shapes, &request) {
        Ok(json) => match json {
            Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
            Err(err) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the message could not be written as JSON: {err}"),
            )
            .into_response(),
        },
        Err(MessageError::Compose(err)) => ApiError::from(&err).into_response(),
    }
}

/// The body of `POST /api/lint`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LintRequest {
    text: String,
}

async fn lint(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let request: LintRequest = match read_json(&headers, body).await {
        Ok(request) => request,
        Err(err) => return err.into_response(),
    };
    let findings = lint_text(&state.library.rules, &request.text);
    Json(serde_json::json!({ "findings": findings })).into_response()
}

async fn plan_calls(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let request: PlanRequest = match read_json(&headers, body).await {
        Ok(request) => request,
        Err(err) => return err.into_response(),
    };
    match plan::plan_calls(&state.library, &request) {
        Ok(plan) => Json(plan).into_response(),
        Err(PlanError::Input { field, message }) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
                .with_field(field)
                .into_response()
        }
        Err(err @ PlanError::Script(_)) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, err.to_string()).into_response()
        }
    }
}

async fn openapi() -> Response {
    Json(super::openapi::document()).into_response()
}

/// Reads a body of at most [`super::BODY_LIMIT`] bytes.
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, super::BODY_LIMIT)
        .await
        .map_err(|_| too_large())
}

/// True when the content type is `essence` (ignoring parameters such as `charset`).
pub fn content_type_is(headers: &HeaderMap, essence: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case(essence))
}

/// Reads a JSON body: 415 unless sent as JSON, 413 when too large, 400 naming the line,
/// column and field when it is not JSON of the right shape.
pub async fn read_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    if !content_type_is(headers, "application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as JSON, with the header `Content-Type: application/json`",
        ));
    }
    let bytes = read_body(body).await?;
    // Read plainly first; only a body that fails is read again to find the path to the fault.
    // Checked as UTF-8 once, in one pass, rather than string by string.
    match std::str::from_utf8(&bytes).map(serde_json::from_str) {
        Ok(Ok(value)) => Ok(value),
        _ => Err(json_error::<T>(&bytes)),
    }
}

/// The error for a body that is not JSON of the right shape, naming the field at fault.
fn json_error<T: DeserializeOwned>(bytes: &[u8]) -> ApiError {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    if let Err(err) = result {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let text = inner.to_string();
        // serde_json ends its message with the position, which we give first.
        let text = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(m, _)| m);
        let err = ApiError::bad_request(format!(
            "the body is not a valid request: line {}, column {}: {text}",
            inner.line(),
            inner.column()
        ));
        return if path.is_empty() || path == "." {
            err
        } else {
            err.with_field(path)
        };
    }
    match deserializer.end() {
        Err(err) => ApiError::bad_request(format!(
            "the body has more after the JSON object: line {}, column {}: {err}",
            err.line(),
            err.column()
        )),
        Ok(()) => ApiError::bad_request("the body is not a valid request"),
    }
}
