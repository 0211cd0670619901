//! Access: when the server runs with `COMMS_API_TOKEN`, every request (page and API) must
//! carry the token, as `Authorization: Bearer TOKEN` or as the login cookie that `/login` sets.
//! Everything else gets 401: a JSON error for programs, the login form for browsers.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::Shared;
use super::api::{content_type_is, read_body};
use super::error::ApiError;
use super::page;

/// The login cookie's name.
pub const COOKIE: &str = "comms_token";

/// Compares in time independent of where the first difference is.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

fn presented_token(headers: &HeaderMap) -> Vec<&str> {
    let mut tokens = Vec::new();
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        && let Some(token) = value.strip_prefix("Bearer ")
    {
        tokens.push(token.trim());
    }
    for value in headers.get_all(header::COOKIE) {
        if let Ok(value) = value.to_str() {
            for pair in value.split(';') {
                if let Some((name, token)) = pair.trim().split_once('=')
                    && name == COOKIE
                {
                    tokens.push(token.trim());
                }
            }
        }
    }
    tokens
}

/// True when the request may pass: no token configured, or a matching one presented.
pub fn allowed(expected: Option<&str>, headers: &HeaderMap) -> bool {
    match expected {
        None => true,
        Some(expected) => presented_token(headers)
            .iter()
            .any(|token| same_secret(token.as_bytes(), expected.as_bytes())),
    }
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// Middleware: lets `/login` and the stylesheet through, and everything else only with the token.
pub async fn require_token(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path == "/login" || path == "/assets/style.css" {
        return next.run(request).await;
    }
    if allowed(state.token.as_deref(), request.headers()) {
        return next.run(request).await;
    }
    if wants_html(request.headers()) {
        let mut response =
            (StatusCode::UNAUTHORIZED, Html(page::login_page(false))).into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    let mut response = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "this server needs its access token: send `Authorization: Bearer TOKEN`, or sign in at /login",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

pub async fn login_page() -> Html<String> {
    Html(page::login_page(false))
}

/// `POST /login` with the form field `token`: sets the login cookie and goes to the page.
pub async fn login(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let Some(expected) = state.token.as_deref() else {
        return Redirect::to("/").into_response();
    };
    if !content_type_is(&headers, "application/x-www-form-urlencoded") {
        return ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the sign-in form as application/x-www-form-urlencoded",
        )
        .into_response();
    }
    let bytes = match read_body(body).await {
        Ok(bytes) => bytes,
        Err(err) => return err.into_response(),
    };
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(name, _)| name == "token"))
        .map(|(_, value)| value)
        .unwrap_or_default();
    if !same_secret(token.trim().as_bytes(), expected.as_bytes()) {
        return (StatusCode::UNAUTHORIZED, Html(page::login_page(true))).into_response();
    }
    let cookie = format!(
        "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
        token.trim()
    );
    let mut response = Redirect::to("/").into_response();
    match HeaderValue::from_str(&cookie) {
        Ok(value) => {
            response.headers_mut().insert(header::SET_COOKIE, value);
            response
        }
        Err(_) => ApiError::bad_request("the token holds characters a cookie cannot carry")
            .into_response(),
    }
}
