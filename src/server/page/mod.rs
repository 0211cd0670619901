//! The staff page: one server-rendered form (choose templates, answer their questions, say
//! who the message is for) and the preview beside it, with lint findings marked in the words.
//! It works with JavaScript turned off (the form posts back to `/`); `assets/page.js` adds the
//! live preview, the template search and the copy buttons. Every value is HTML-escaped.
//!
//! This module holds the handlers and the page around the form; [`fields`] writes the form's
//! fields, [`preview`] the message beside them with its findings, and [`calls`] the call plan
//! shown with voicemail and phone scripts.

mod calls;
mod fields;
mod preview;

use std::fmt::{self, Write as _};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::Shared;
use super::api::{content_type_is, read_body};
use super::error::ApiError;
use super::form::FormState;
use crate::compose::Problem;
use crate::library::Library;
use crate::message::{MessageError, build_message};
use fields::{error_summary, message_settings, questions, template_chooser};
use preview::{Outcome, preview};

const STYLESHEET: &str = include_str!("../assets/style.css");
const SCRIPT: &str = include_str!("../assets/page.js");

/// Writes its text HTML-escaped (safe in element content and quoted attributes).
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::render::email::html::escape_to(f, self.0)
    }
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

fn html_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `GET /`: the empty form.
pub async fn show(State(state): State<Shared>) -> Response {
    let form = FormState {
        action: "questions".into(),
        ..FormState::default()
    };
    html_response(StatusCode::OK, render_page(&state.library, &form))
}

/// `POST /`: the form sent back, answered with the page and its preview.
pub async fn submit(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let pairs = match read_form(&headers, body).await {
        Ok(pairs) => pairs,
        Err(err) => return err.into_response(),
    };
    let form = FormState::from_pairs(&state.library, pairs);
    html_response(StatusCode::OK, render_page(&state.library, &form))
}

/// `POST /download`: the form sent by a download button (`format=eml` or `format=pdf`), answered with the
/// file, or with the page and its problems when the message cannot be built.
pub async fn download(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let pairs = match read_form(&headers, body).await {
        Ok(pairs) => pairs,
        Err(err) => return err.into_response(),
    };
    let format = pairs
        .iter()
        .find(|(name, _)| name == "format")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    if format != "eml" && format != "pdf" {
        return ApiError::bad_request(format!(
            "`{format}` is not a download this page offers; the page offers: eml, pdf"
        ))
        .with_field("format")
        .into_response();
    }
    let mut form = FormState::from_pairs(&state.library, pairs);
    form.action = "preview".into();
    match build_message(&state.library, &form.to_request(&state.library)) {
        Ok(message) if format == "pdf" => match super::download::letter_pdf(message).await {
            Ok(bytes) => super::download::pdf_attachment(bytes),
            Err(err) => html_response(err.status, download_problem_page(&err.message)),
        },
        Ok(message) => super::download::eml(&state, &message),
        Err(_) => html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            render_page(&state.library, &form),
        ),
    }
}

/// Reads the page's form: 415 unless form-encoded, 413 when too large.
async fn read_form(headers: &HeaderMap, body: Body) -> Result<Vec<(String, String)>, ApiError> {
    if !content_type_is(headers, "application/x-www-form-urlencoded") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the page's form is sent as application/x-www-form-urlencoded; programs should use POST /api/render with JSON",
        ));
    }
    let bytes = read_body(body).await?;
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).map_err(|err| {
        ApiError::bad_request(format!(
            "the form could not be read ({err}); reload the page and try again"
        ))
    })
}

fn page_start(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><link rel=\"stylesheet\" href=\"/assets/style.css\"></head><body>\
<a href=\"#main\" class=\"skip-link\">Skip to main content</a>\
<header class=\"header\"><div class=\"width\"><span class=\"header-title\">Comms builder</span> \
<span class=\"header-org\">HM Passport Office</span></div></header>\
<div class=\"width\"><main id=\"main\" tabindex=\"-1\">",
        Esc(title)
    );
}

fn page_end(out: &mut String, with_script: bool) {
    out.push_str("</main></div>");
    if with_script {
        out.push_str("<script src=\"/assets/page.js\" defer></script>");
    }
    out.push_str("</body></html>\n");
}

/// The sign-in page shown when `COMMS_API_TOKEN` is set.
pub fn login_page(failed: bool) -> String {
    let mut out = String::new();
    page_start(&mut out, "Sign in – Comms builder");
    out.push_str("<h1>Sign in</h1>");
    if failed {
        out.push_str(
            "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>There is a problem</h2>\
<ul><li><a href=\"#token\">The access token is not right; check it and try again</a></li></ul></div>",
        );
    }
    out.push_str(
        "<form method=\"post\" action=\"/login\"><div class=\"form-group\">\
<label class=\"label\" for=\"token\">Access token</label>\
<p class=\"hint\" id=\"token-hint\">Ask your team leader for the token this server was started with.</p>\
<input class=\"input\" id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" aria-describedby=\"token-hint\">\
</div><button class=\"button\" type=\"submit\">Sign in</button></form>",
    );
    page_end(&mut out, false);
    out
}

/// The page shown when a download button's file cannot be made (a letter address the
/// envelope window cannot hold): what is wrong, and the way back to the form.
pub fn download_problem_page(problem: &str) -> String {
    let mut out = String::new();
    page_start(&mut out, "Error: Download – Comms builder");
    let _ = write!(
        out,
        "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"error-summary\"><h2>There is a problem</h2>\
<p class=\"body\" id=\"download-problem\">{}</p></div><h1>The file could not be made</h1>\
<p class=\"body\">Use your browser’s Back button to return to the form with your answers, fix this and download again.</p>",
        Esc(problem)
    );
    page_end(&mut out, false);
    out
}

/// The whole page for a form state.
pub fn render_page(library: &Library, form: &FormState) -> String {
    let outcome = if form.templates.is_empty() {
        Outcome::NothingChosen
    } else {
        match build_message(library, &form.to_request(library)) {
            Ok(message) => Outcome::Built(Box::new(message)),
            Err(MessageError::Compose(err)) => Outcome::Problems(err.problems),
        }
    };
    let plan = calls::plan_for(library, form);
    // Everything that stops the message or the call plan, as (field id, text) pairs.
    let mut problems: Vec<(String, String)> = match &outcome {
        Outcome::Problems(problems) => problems
            .iter()
            .map(|problem| fields::problem_on_page(library, problem))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(text) = form.zone_problem() {
        // Composing only knows the field is no time zone; the planner's words say more.
        for (target, problem) in &mut problems {
            if target == "time_zone" {
                *problem = format!("Where the customer is: {text}");
            }
        }
    }
    if let Some(Err(error)) = &plan {
        let (target, text) = calls::problem_on_page(error);
        // One entry a field: what stops the message is said first.
        if !problems.iter().any(|(known, _)| *known == target) {
            problems.push((target, text));
        }
    }
    let show_summary = form.action == "preview" && !problems.is_empty();
    let (summary, question_problems): (&[(String, String)], &[Problem]) = match &outcome {
        Outcome::Problems(compose) if show_summary => (&problems, compose),
        _ if show_summary => (&problems, &[]),
        _ => (&[], &[]),
    };

    let mut out = String::with_capacity(16 * 1024);
    let title = if show_summary {
        "Error: Write to a customer – Comms builder"
    } else {
        "Write to a customer – Comms builder"
    };
    page_start(&mut out, title);
    out.push_str("<div id=\"error-summary-slot\">");
    if show_summary {
        error_summary(&mut out, summary);
    }
    out.push_str("</div><h1>Write to a customer</h1>");
    out.push_str(
        "<form method=\"post\" action=\"/\" id=\"comms-form\" novalidate><div class=\"columns\"><div class=\"column-form\">",
    );
    template_chooser(&mut out, library, form);
    out.push_str("<div id=\"questions\">");
    questions(&mut out, library, form, question_problems);
    out.push_str("</div>");
    message_settings(&mut out, form, summary);
    out.push_str(
        "<div class=\"button-group\"><button class=\"button\" type=\"submit\" name=\"action\" value=\"preview\">Preview message</button></div>",
    );
    // Focusable because it scrolls on its own (sticky beside the form).
    out.push_str(
        "</div><div class=\"column-preview\" tabindex=\"0\" role=\"region\" aria-label=\"Message preview\">",
    );
    preview(&mut out, library, form, &outcome, plan.as_ref());
    out.push_str("</div></div></form>");
    page_end(&mut out, true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(
            Esc("<script>alert('x') & \"y\"</script>").to_string(),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
