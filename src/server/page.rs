//! The staff page: one server-rendered form (choose templates, answer their questions, say
//! who the message is for) and the preview beside it, with lint findings marked in the words.
//! It works with JavaScript turned off (the form posts back to `/`); `assets/page.js` adds the
//! live preview, the template search and the copy buttons. Every value is HTML-escaped.

use std::fmt::{self, Write as _};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::Shared;
use super::api::{content_type_is, read_body};
use super::error::ApiError;
use super::form::{FormState, answer_field};
use crate::compose::Problem;
use crate::library::{Library, Question, QuestionKind, Template};
use crate::lint::{Field, Finding, Severity, has_errors};
use crate::message::{Message, MessageError, build_message};
use crate::request::{Channel, Language, Service};

const STYLESHEET: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/page.js");

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

/// What the preview shows: nothing chosen yet, the problems, or the message.
enum Outcome {
    NothingChosen,
    Problems(Vec<Problem>),
    Built(Box<Message>),
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
    let problems: &[Problem] = match &outcome {
        Outcome::Problems(problems) => problems,
        _ => &[],
    };
    let show_summary = form.action == "preview" && !problems.is_empty();

    let mut out = String::with_capacity(16 * 1024);
    let title = if show_summary {
        "Error: Write to a customer – Comms builder"
    } else {
        "Write to a customer – Comms builder"
    };
    page_start(&mut out, title);
    out.push_str("<div id=\"error-summary-slot\">");
    if show_summary {
        error_summary(&mut out, library, problems);
    }
    out.push_str("</div><h1>Write to a customer</h1>");
    out.push_str(
        "<form method=\"post\" action=\"/\" id=\"comms-form\" novalidate><div class=\"columns\"><div class=\"column-form\">",
    );
    template_chooser(&mut out, library, form);
    out.push_str("<div id=\"questions\">");
    questions(
        &mut out,
        library,
        form,
        if show_summary { problems } else { &[] },
    );
    out.push_str("</div>");
    message_settings(&mut out, form);
    out.push_str(
        "<div class=\"button-group\"><button class=\"button\" type=\"submit\" name=\"action\" value=\"preview\">Preview message</button></div>",
    );
    // Focusable because it scrolls on its own (sticky beside the form).
    out.push_str(
        "</div><div class=\"column-preview\" tabindex=\"0\" role=\"region\" aria-label=\"Message preview\">",
    );
    preview(&mut out, library, form, &outcome);
    out.push_str("</div></div></form>");
    page_end(&mut out, true);
    out
}

/// The form fields for request fields a problem can name: (request field, page id, label).
const PEOPLE_FIELDS: &[(&str, &str, &str)] = &[
    ("customer.title", "title", "Title"),
    ("customer.first_name", "first_name", "First name"),
    ("customer.last_name", "last_name", "Last name"),
    ("customer.email", "email", "Email address"),
    ("customer.address", "address", "Postal address"),
    ("staff.first_name", "staff_first_name", "Your first name"),
    ("staff.initials", "staff_initials", "Your initials"),
    ("staff.office", "staff_office", "Your office"),
    (
        "application.reference",
        "reference",
        "Application reference",
    ),
];

/// Where a problem points on the page: the field id to link to, and the problem in the
/// words of the page (template names and question labels, not ids).
fn problem_on_page(library: &Library, problem: &Problem) -> (String, String) {
    if let (Some(template), Some(question_id)) = (&problem.template, &problem.question)
        && let Some(template) = library.template(template)
        && let Some(question) = template.question(question_id)
    {
        let text = if problem.message.starts_with("an answer is required") {
            format!("{}: answer “{}”", template.spec.name, question.label)
        } else {
            format!(
                "{}, “{}”: {}",
                template.spec.name, question.label, problem.message
            )
        };
        return (field_id(&template.id, &question.id), text);
    }
    if let Some(template) = problem
        .template
        .as_deref()
        .and_then(|id| library.template(id))
    {
        return (
            "templates".into(),
            format!("{}: {}", template.spec.name, problem.message),
        );
    }
    let field = problem.question.as_deref().unwrap_or("");
    let field = field.split('[').next().unwrap_or("");
    match PEOPLE_FIELDS.iter().find(|(name, _, _)| *name == field) {
        Some((_, id, label)) => (id.to_string(), format!("{label}: {}", problem.message)),
        None => ("templates".into(), problem.to_string()),
    }
}

fn error_summary(out: &mut String, library: &Library, problems: &[Problem]) {
    out.push_str(
        "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"error-summary\"><h2>There is a problem</h2><ul>",
    );
    for problem in problems {
        let (target, text) = problem_on_page(library, problem);
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            Esc(&target),
            Esc(&text)
        );
    }
    out.push_str("</ul></div>");
}

fn template_chooser(out: &mut String, library: &Library, form: &FormState) {
    out.push_str(
        "<h2>1. Choose templates</h2><div class=\"form-group\"><fieldset class=\"fieldset\" id=\"template-list\" aria-describedby=\"templates-hint\">\
<legend class=\"legend\">Which templates does the message need?</legend>\
<p class=\"hint\" id=\"templates-hint\">Choose one or more. Several templates make one message with one greeting and one sign-off, in the order you choose them.</p>\
<div class=\"search\" hidden><label class=\"label\" for=\"template-search\">Search templates by name or purpose</label>\
<input class=\"input\" id=\"template-search\" type=\"search\" autocomplete=\"off\"></div>\
<div class=\"checkboxes\">",
    );
    // The order the templates were chosen in, kept between posts (and by the script as boxes
    // are ticked), so that the message follows it.
    let _ = write!(
        out,
        "<input type=\"hidden\" name=\"order\" id=\"template-order\" value=\"{}\">",
        Esc(&form.templates.join(","))
    );
    for (index, template) in library.templates.values().enumerate() {
        let id = if index == 0 {
            "templates".to_string()
        } else {
            format!("template-{}", template.id)
        };
        let checked = if form.templates.iter().any(|id| template.id == *id) {
            " checked"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<div class=\"checkbox template-option\"><input type=\"checkbox\" name=\"template\" value=\"{id_value}\" id=\"{id}\" aria-describedby=\"{id}-hint\"{checked}>\
<label for=\"{id}\">{name}</label><p class=\"hint\" id=\"{id}-hint\">{purpose}</p></div>",
            id_value = Esc(&template.id),
            id = Esc(&id),
            name = Esc(&template.spec.name),
            purpose = Esc(&template.spec.purpose),
        );
    }
    out.push_str(
        "</div></fieldset></div><button class=\"button button-secondary\" type=\"submit\" name=\"action\" value=\"questions\" id=\"show-questions\">Show questions for these templates</button>",
    );
}

/// The id of a question's first control (what error links point to).
fn field_id(template: &str, question: &str) -> String {
    format!("q-{template}-{question}")
}

fn questions(out: &mut String, library: &Library, form: &FormState, problems: &[Problem]) {
    out.push_str("<h2>2. Answer the questions</h2>");
    let chosen: Vec<&Template> = form
        .templates
        .iter()
        .filter_map(|id| library.template(id))
        .collect();
    if chosen.is_empty() {
        out.push_str("<p class=\"body\">Choose a template to see its questions.</p>");
        return;
    }
    for template in chosen {
        let _ = write!(
            out,
            "<section class=\"template-questions\" aria-labelledby=\"h-{id}\"><h3 id=\"h-{id}\">{name}</h3>",
            id = Esc(&template.id),
            name = Esc(&template.spec.name)
        );
        if template.spec.questions.is_empty() {
            out.push_str("<p class=\"body\">This template has no questions.</p>");
        }
        for question in &template.spec.questions {
            let error = problems
                .iter()
                .find(|p| {
                    p.template.as_deref() == Some(template.id.as_str())
                        && p.question.as_deref() == Some(question.id.as_str())
                })
                .map(|p| p.message.as_str());
            question_field(out, template, question, form, error);
        }
        out.push_str("</section>");
    }
}

fn question_field(
    out: &mut String,
    template: &Template,
    question: &Question,
    form: &FormState,
    error: Option<&str>,
) {
    let base = field_id(&template.id, &question.id);
    let name = answer_field(&template.id, &question.id);
    let values = form.values(&template.id, &question.id);
    let group_class = if error.is_some() {
        "form-group form-group-error"
    } else {
        "form-group"
    };
    let mut described = Vec::new();
    if question.hint.is_some() {
        described.push(format!("{base}-hint"));
    }
    if error.is_some() {
        described.push(format!("{base}-error"));
    }
    let describedby = if described.is_empty() {
        String::new()
    } else {
        format!(" aria-describedby=\"{}\"", Esc(&described.join(" ")))
    };
    let optional = if question.required || question.label.contains("(optional)") {
        ""
    } else {
        " (optional)"
    };
    let hint_and_error = |out: &mut String| {
        if let Some(hint) = &question.hint {
            let _ = write!(
                out,
                "<p class=\"hint\" id=\"{}-hint\">{}</p>",
                Esc(&base),
                Esc(hint)
            );
        }
        if let Some(error) = error {
            let _ = write!(
                out,
                "<p class=\"error-message\" id=\"{}-error\"><span class=\"visually-hidden\">Error:</span> {}</p>",
                Esc(&base),
                Esc(error)
            );
        }
    };
    let _ = write!(out, "<div class=\"{group_class}\">");
    if question.kind.has_options() {
        let (input_type, wrapper, item) = if question.kind == QuestionKind::Radio {
            ("radio", "radios", "radio")
        } else {
            ("checkbox", "checkboxes", "checkbox")
        };
        let _ = write!(
            out,
            "<fieldset class=\"fieldset\"{describedby}><legend class=\"legend\">{}{optional}</legend>",
            Esc(&question.label)
        );
        hint_and_error(out);
        let _ = write!(out, "<div class=\"{wrapper}\">");
        for (index, choice) in question.options.iter().enumerate() {
            let id = if index == 0 {
                base.clone()
            } else {
                format!("{base}-{index}")
            };
            let checked = if values.contains(&choice.value.as_str()) {
                " checked"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<div class=\"{item}\"><input type=\"{input_type}\" name=\"{name}\" value=\"{value}\" id=\"{id}\"{checked}><label for=\"{id}\">{label}</label></div>",
                name = Esc(&name),
                value = Esc(&choice.value),
                id = Esc(&id),
                label = Esc(&choice.label),
            );
        }
        out.push_str("</div></fieldset></div>");
        return;
    }
    let _ = write!(
        out,
        "<label class=\"label\" for=\"{}\">{}{optional}</label>",
        Esc(&base),
        Esc(&question.label)
    );
    hint_and_error(out);
    let value = values.first().copied().unwrap_or("");
    let error_class = if error.is_some() { " input-error" } else { "" };
    match question.kind {
        QuestionKind::FreeText => {
            let _ = write!(
                out,
                "<textarea class=\"textarea{error_class}\" id=\"{id}\" name=\"{name}\" rows=\"4\"{describedby}>{value}</textarea>",
                id = Esc(&base),
                name = Esc(&name),
                value = Esc(value),
            );
        }
        kind => {
            let (input_type, extra) = match kind {
                QuestionKind::Date => ("date", ""),
                QuestionKind::Money => ("text", " inputmode=\"decimal\" spellcheck=\"false\""),
                _ => ("text", ""),
            };
            let _ = write!(
                out,
                "<input class=\"input{error_class}\" type=\"{input_type}\" id=\"{id}\" name=\"{name}\" value=\"{value}\"{extra}{describedby}>",
                id = Esc(&base),
                name = Esc(&name),
                value = Esc(value),
            );
        }
    }
    out.push_str("</div>");
}

fn radios<T: PartialEq + Copy>(
    out: &mut String,
    legend: &str,
    name: &str,
    options: &[(T, &str, &str)],
    selected: T,
) {
    let _ = write!(
        out,
        "<div class=\"form-group\"><fieldset class=\"fieldset\"><legend class=\"legend\">{}</legend><div class=\"radios radios-inline\">",
        Esc(legend)
    );
    for (value, code, label) in options {
        let checked = if *value == selected { " checked" } else { "" };
        let _ = write!(
            out,
            "<div class=\"radio\"><input type=\"radio\" name=\"{name}\" value=\"{code}\" id=\"{name}-{code}\"{checked}><label for=\"{name}-{code}\">{label}</label></div>"
        );
    }
    out.push_str("</div></fieldset></div>");
}

fn text_input(out: &mut String, id: &str, label: &str, value: &str, autocomplete: &str) {
    let _ = write!(
        out,
        "<div class=\"form-group\"><label class=\"label\" for=\"{id}\">{label}</label>\
<input class=\"input\" type=\"text\" id=\"{id}\" name=\"{id}\" value=\"{value}\" autocomplete=\"{autocomplete}\" spellcheck=\"false\"></div>",
        value = Esc(value)
    );
}

fn message_settings(out: &mut String, form: &FormState) {
    out.push_str("<h2>3. The message and the customer</h2>");
    radios(
        out,
        "Language",
        "language",
        &[
            (Language::En, "en", "English"),
            (Language::Cy, "cy", "Welsh (Cymraeg)"),
        ],
        form.language,
    );
    radios(
        out,
        "Send as",
        "channel",
        &[
            (Some(Channel::Email), "email", "Email"),
            (Some(Channel::Letter), "letter", "Letter"),
            (Some(Channel::Voicemail), "voicemail", "Voicemail"),
            (Some(Channel::Phone), "phone", "Phone script"),
        ],
        Some(form.channel.unwrap_or(Channel::Email)),
    );
    let checked = if form.large_print { " checked" } else { "" };
    let _ = write!(
        out,
        "<div class=\"form-group\"><div class=\"checkboxes\"><div class=\"checkbox\">\
<input type=\"checkbox\" name=\"large_print\" value=\"yes\" id=\"large_print\" aria-describedby=\"large_print-hint\"{checked}>\
<label for=\"large_print\">Large print</label><p class=\"hint\" id=\"large_print-hint\">14 point text, for customers with a visual impairment.</p></div></div></div>"
    );
    radios(
        out,
        "Service",
        "service",
        &[
            (Service::Standard, "standard", "Standard"),
            (Service::FastTrack, "fast_track", "Fast Track"),
            (Service::Premium, "premium", "Premium"),
        ],
        form.service,
    );
    out.push_str(
        "<fieldset class=\"fieldset\"><legend class=\"legend legend-medium\">Customer</legend>",
    );
    text_input(
        out,
        "title",
        "Title (optional, as the customer wrote it)",
        &form.title,
        "off",
    );
    text_input(out, "first_name", "First name", &form.first_name, "off");
    text_input(out, "last_name", "Last name", &form.last_name, "off");
    text_input(out, "email", "Email address", &form.email, "off");
    let _ = write!(
        out,
        "<div class=\"form-group\"><label class=\"label\" for=\"address\">Postal address (one line each)</label>\
<textarea class=\"textarea\" id=\"address\" name=\"address\" rows=\"4\" autocomplete=\"off\">{}</textarea></div>",
        Esc(&form.address)
    );
    text_input(
        out,
        "reference",
        "Application reference",
        &form.reference,
        "off",
    );
    out.push_str("</fieldset><fieldset class=\"fieldset\"><legend class=\"legend legend-medium\">You</legend>");
    text_input(
        out,
        "staff_first_name",
        "Your first name",
        &form.staff_first_name,
        "given-name",
    );
    text_input(
        out,
        "staff_initials",
        "Your initials",
        &form.staff_initials,
        "off",
    );
    text_input(
        out,
        "staff_office",
        "Your office",
        &form.staff_office,
        "off",
    );
    out.push_str("</fieldset>");
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Suggestion => "Suggestion",
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "suggestion",
    }
}

/// Where a finding's words are: which text (0 body, 1 subject, 2 recipient address) and the
/// byte range. The finding's `field` says which text; its line and column say where in it,
/// and the first occurrence of its words is used when they do not match there.
fn locate(
    finding: &Finding,
    body: &str,
    subject: Option<&str>,
    recipient: Option<&str>,
) -> Option<(usize, usize, usize)> {
    if finding.text.is_empty() {
        return None;
    }
    let (which, text) = match finding.field {
        Field::Recipient => {
            return recipient
                .filter(|address| *address == finding.text)
                .map(|address| (2, 0, address.len()));
        }
        Field::Subject => (1, subject?),
        Field::Body => (0, body),
    };
    if let Some(start) = at_line_and_column(text, finding.line, finding.column)
        && text[start..].starts_with(&finding.text)
    {
        return Some((which, start, start + finding.text.len()));
    }
    text.find(&finding.text)
        .map(|start| (which, start, start + finding.text.len()))
}

/// The byte offset of a 1-based line and column (in characters) in `text`.
fn at_line_and_column(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut line_start = 0;
    for (index, line_text) in text.split('\n').enumerate() {
        if index + 1 == line {
            return line_text
                .char_indices()
                .nth(column.checked_sub(1)?)
                .map(|(offset, _)| line_start + offset);
        }
        line_start += line_text.len() + 1;
    }
    None
}

/// Writes `text` escaped, with each located finding's words in a `<mark>` followed by a link
/// to the finding.
fn marked_text(out: &mut String, text: &str, marks: &[(usize, usize, usize, Severity)]) {
    let mut marks: Vec<_> = marks.to_vec();
    marks.sort_by_key(|m| (m.0, m.1));
    let mut position = 0;
    for (start, end, number, severity) in marks {
        if start < position || end > text.len() {
            continue;
        }
        let _ = write!(
            out,
            "{}<mark class=\"mark mark-{}\">{}</mark><a class=\"finding-ref\" href=\"#finding-{number}\" aria-label=\"{} {number}\">[{number}]</a>",
            Esc(&text[position..start]),
            severity_class(severity),
            Esc(&text[start..end]),
            severity_label(severity),
        );
        position = end;
    }
    let _ = write!(out, "{}", Esc(&text[position..]));
}

/// JSON for a `<script type="application/json">` block: `<`, `>` and `&` escaped so no value
/// can close the element.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn preview(out: &mut String, library: &Library, form: &FormState, outcome: &Outcome) {
    out.push_str(
        "<section id=\"preview\" class=\"preview\" aria-labelledby=\"preview-heading\"><h2 id=\"preview-heading\">Preview</h2>\
<p class=\"visually-hidden\" role=\"status\" id=\"preview-status\"></p>",
    );
    match outcome {
        Outcome::NothingChosen => {
            out.push_str("<p class=\"body\">Choose one or more templates and answer their questions to see the message here.</p>");
        }
        Outcome::Problems(problems) => {
            out.push_str(
                "<div class=\"inset\"><h3>The message cannot be built yet</h3><ul class=\"list\">",
            );
            for problem in problems {
                let (target, text) = problem_on_page(library, problem);
                let _ = write!(
                    out,
                    "<li><a href=\"#{}\">{}</a></li>",
                    Esc(&target),
                    Esc(&text)
                );
            }
            out.push_str("</ul></div>");
        }
        Outcome::Built(message) => built_preview(out, form, message),
    }
    out.push_str("</section>");
}

fn built_preview(out: &mut String, form: &FormState, message: &Message) {
    let channel = message.document.channel;
    let body = message.text.trim_end_matches('\n');
    let subject = message.subject.as_deref();
    let recipient = message.document.recipient.email.as_deref();
    let mut body_marks = Vec::new();
    let mut subject_marks = Vec::new();
    let mut recipient_marks = Vec::new();
    for (index, finding) in message.findings.iter().enumerate() {
        if let Some((which, start, end)) = locate(finding, body, subject, recipient) {
            let mark = (start, end, index + 1, finding.severity);
            match which {
                1 => subject_marks.push(mark),
                2 => recipient_marks.push(mark),
                _ => body_marks.push(mark),
            }
        }
    }
    let lang = message.document.language.as_str();
    let copy = serde_json::json!({ "subject": subject, "text": body });
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"message-data\">{}</script>",
        script_json(&copy)
    );
    let kind = match channel {
        Channel::Email => "Email",
        Channel::Letter => "Letter",
        Channel::Voicemail => "Voicemail script",
        Channel::Phone => "Phone script",
        Channel::Sms => "Text message",
    };
    let _ = write!(
        out,
        "<p class=\"caption\">{kind}{}{}</p>",
        if message.document.language == Language::Cy {
            ", in Welsh"
        } else {
            ""
        },
        if form.large_print {
            ", large print"
        } else {
            ""
        }
    );
    if channel == Channel::Email
        && let Some(address) = recipient
    {
        out.push_str(
            "<h3 class=\"preview-label\">To</h3><p class=\"recipient\" id=\"recipient-text\">",
        );
        marked_text(out, address, &recipient_marks);
        out.push_str("</p>");
    }
    if let Some(subject) = subject {
        let _ = write!(
            out,
            "<h3 class=\"preview-label\">Subject</h3><p class=\"subject\" id=\"subject-text\" lang=\"{lang}\">"
        );
        marked_text(out, subject, &subject_marks);
        out.push_str(
            "</p><div class=\"copy\" hidden><button type=\"button\" class=\"button button-secondary\" data-copy=\"subject\">Copy email subject</button>\
<span class=\"copy-done\" role=\"status\" data-copied=\"subject\"></span></div>",
        );
    }
    let large = if form.large_print { " large-print" } else { "" };
    let _ = write!(
        out,
        "<h3 class=\"preview-label\">Message</h3><div class=\"message message-{}{large}\" id=\"message-text\" lang=\"{lang}\">",
        channel.as_str()
    );
    marked_text(out, body, &body_marks);
    out.push_str("</div>");
    if channel == Channel::Email && message.document.recipient.email.is_some() {
        out.push_str(
            "<button type=\"submit\" class=\"button button-secondary\" formaction=\"/download\" name=\"format\" value=\"eml\">Download the email (.eml)</button>",
        );
    }
    // The PDF button only when the letter would be produced: no error-level findings, or a draft.
    if channel == Channel::Letter && (!has_errors(&message.findings) || message.document.draft) {
        out.push_str(
            "<button type=\"submit\" class=\"button button-secondary\" formaction=\"/download\" name=\"format\" value=\"pdf\">Download the letter (PDF)</button>",
        );
    }
    if channel == Channel::Email {
        out.push_str(
            "<div class=\"copy\" hidden><button type=\"button\" class=\"button button-secondary\" data-copy=\"text\">Copy email message</button>\
<span class=\"copy-done\" role=\"status\" data-copied=\"text\"></span></div>",
        );
    }
    out.push_str("<h3 class=\"preview-label\">House style</h3>");
    if message.findings.is_empty() {
        out.push_str("<p class=\"body\" id=\"findings-none\">No house-style problems found.</p>");
        return;
    }
    out.push_str("<ol class=\"findings\" id=\"findings\">");
    for (index, finding) in message.findings.iter().enumerate() {
        let number = index + 1;
        let _ = write!(
            out,
            "<li class=\"finding finding-{class}\" id=\"finding-{number}\"><strong class=\"tag tag-{class}\">{label}</strong> \
<span class=\"finding-message\">{message}</span><br><span class=\"finding-where\">“{text}”{line}</span>",
            class = severity_class(finding.severity),
            label = severity_label(finding.severity),
            message = Esc(&finding.message),
            text = Esc(&finding.text),
            line = match finding.field {
                Field::Recipient => ", in the email address".to_string(),
                Field::Subject => ", in the subject".to_string(),
                Field::Body if finding.line == 0 => String::new(),
                Field::Body => format!(", line {}", finding.line),
            },
        );
        if let Some(suggestion) = &finding.suggestion {
            let _ = write!(
                out,
                "<br><span class=\"finding-suggestion\">Write instead: “{}”</span>",
                Esc(suggestion)
            );
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
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

    #[test]
    fn findings_are_marked_in_the_escaped_words_with_a_link() {
        let text = "Dear <Jo>,\nPlease reply ASAP & soon.";
        let start = text.find("ASAP").unwrap();
        let mut out = String::new();
        marked_text(&mut out, text, &[(start, start + 4, 1, Severity::Warning)]);
        assert_eq!(
            out,
            "Dear &lt;Jo&gt;,\nPlease reply <mark class=\"mark mark-warning\">ASAP</mark>\
<a class=\"finding-ref\" href=\"#finding-1\" aria-label=\"Warning 1\">[1]</a> &amp; soon."
        );
    }

    #[test]
    fn findings_are_located_in_the_text_their_field_names() {
        let finding = |field, line, column, text: &str| Finding {
            rule: "r".into(),
            severity: Severity::Warning,
            message: "m".into(),
            field,
            line,
            column,
            text: text.into(),
            suggestion: None,
            source: crate::document::SourceKind::FreeText,
            phrase: None,
        };
        let body = "Dear Sam\nYour ASAP photo";
        let subject = Some("ASAP: your photo");
        let recipient = Some("bad@@example.com");
        // The same words in the subject and body go where the field says.
        assert_eq!(
            locate(
                &finding(Field::Subject, 1, 1, "ASAP"),
                body,
                subject,
                recipient
            ),
            Some((1, 0, 4))
        );
        assert_eq!(
            locate(
                &finding(Field::Body, 2, 6, "ASAP"),
                body,
                subject,
                recipient
            ),
            Some((0, 14, 18))
        );
        assert_eq!(
            locate(
                &finding(Field::Recipient, 0, 0, "bad@@example.com"),
                body,
                subject,
                recipient
            ),
            Some((2, 0, 16))
        );
        // A subject finding with no subject is not placed in the body.
        assert_eq!(
            locate(
                &finding(Field::Subject, 1, 1, "ASAP"),
                body,
                None,
                recipient
            ),
            None
        );
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let json = script_json(&serde_json::json!({ "text": "</script><b>" }));
        assert!(!json.contains('<'), "{json}");
    }
}
