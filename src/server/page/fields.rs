//! The form's fields: the template chooser, each chosen template's questions, the message
//! settings and the people it is from and to; and where on the form a problem points.

use std::fmt::Write as _;

use super::Esc;
use crate::compose::Problem;
use crate::library::{Library, Question, QuestionKind, Template};
use crate::request::{Channel, Language, Role, Service};
use crate::server::form::{FormState, answer_field};

/// The form fields for request fields a problem can name: (request field, page id, label).
const PEOPLE_FIELDS: &[(&str, &str, &str)] = &[
    ("customer.title", "title", "Title"),
    ("customer.first_name", "first_name", "First name"),
    ("customer.last_name", "last_name", "Last name"),
    ("customer.email", "email", "Email address"),
    ("customer.address", "address", "Postal address"),
    ("customer.time_zone", "time_zone", "Where the customer is"),
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
pub(super) fn problem_on_page(library: &Library, problem: &Problem) -> (String, String) {
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

/// The GOV.UK error summary: each entry links to the field it concerns (`(field id, text)`).
pub(super) fn error_summary(out: &mut String, entries: &[(String, String)]) {
    out.push_str(
        "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"error-summary\"><h2>There is a problem</h2><ul>",
    );
    for (target, text) in entries {
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            Esc(target),
            Esc(text)
        );
    }
    out.push_str("</ul></div>");
}

pub(super) fn template_chooser(out: &mut String, library: &Library, form: &FormState) {
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

pub(super) fn questions(
    out: &mut String,
    library: &Library,
    form: &FormState,
    problems: &[Problem],
) {
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
    radios_with_error(out, legend, name, options, selected, None);
}

/// Inline radios; the first one's id is `{name}-{first code}`, where an error links.
fn radios_with_error<T: PartialEq + Copy>(
    out: &mut String,
    legend: &str,
    name: &str,
    options: &[(T, &str, &str)],
    selected: T,
    error: Option<&str>,
) {
    let (group, describedby) = match error {
        Some(_) => (
            "form-group form-group-error",
            format!(" aria-describedby=\"{name}-error\""),
        ),
        None => ("form-group", String::new()),
    };
    let _ = write!(
        out,
        "<div class=\"{group}\"><fieldset class=\"fieldset\"{describedby}><legend class=\"legend\">{}</legend>",
        Esc(legend)
    );
    if let Some(error) = error {
        let _ = write!(
            out,
            "<p class=\"error-message\" id=\"{name}-error\"><span class=\"visually-hidden\">Error:</span> {}</p>",
            Esc(error)
        );
    }
    out.push_str("<div class=\"radios radios-inline\">");
    for (value, code, label) in options {
        let checked = if *value == selected { " checked" } else { "" };
        let _ = write!(
            out,
            "<div class=\"radio\"><input type=\"radio\" name=\"{name}\" value=\"{code}\" id=\"{name}-{code}\"{checked}><label for=\"{name}-{code}\">{label}</label></div>"
        );
    }
    out.push_str("</div></fieldset></div>");
}

/// A text box (or a text area of `rows` lines) with its label, hint and error.
struct TextField<'a> {
    id: &'a str,
    label: &'a str,
    hint: Option<&'a str>,
    value: &'a str,
    autocomplete: &'a str,
    input_type: &'a str,
    rows: Option<u8>,
}

impl<'a> TextField<'a> {
    fn new(id: &'a str, label: &'a str, value: &'a str) -> Self {
        TextField {
            id,
            label,
            hint: None,
            value,
            autocomplete: "off",
            input_type: "text",
            rows: None,
        }
    }

    /// Writes the field; `errors` are the page's `(field id, message)` pairs.
    fn write(&self, out: &mut String, errors: &[(String, String)]) {
        let id = self.id;
        let error = errors
            .iter()
            .find(|(target, _)| target == id)
            .map(|(_, message)| message);
        let group = if error.is_some() {
            "form-group form-group-error"
        } else {
            "form-group"
        };
        let _ = write!(
            out,
            "<div class=\"{group}\"><label class=\"label\" for=\"{id}\">{}</label>",
            Esc(self.label)
        );
        let mut described = Vec::new();
        if let Some(hint) = self.hint {
            let _ = write!(out, "<p class=\"hint\" id=\"{id}-hint\">{}</p>", Esc(hint));
            described.push(format!("{id}-hint"));
        }
        if let Some(error) = error {
            let _ = write!(
                out,
                "<p class=\"error-message\" id=\"{id}-error\"><span class=\"visually-hidden\">Error:</span> {}</p>",
                Esc(error)
            );
            described.push(format!("{id}-error"));
        }
        let describedby = if described.is_empty() {
            String::new()
        } else {
            format!(" aria-describedby=\"{}\"", described.join(" "))
        };
        let error_class = if error.is_some() { " input-error" } else { "" };
        let autocomplete = self.autocomplete;
        match self.rows {
            Some(rows) => {
                let _ = write!(
                    out,
                    "<textarea class=\"textarea{error_class}\" id=\"{id}\" name=\"{id}\" rows=\"{rows}\" autocomplete=\"{autocomplete}\"{describedby}>{}</textarea></div>",
                    Esc(self.value)
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<input class=\"input{error_class}\" type=\"{}\" id=\"{id}\" name=\"{id}\" value=\"{}\" autocomplete=\"{autocomplete}\" spellcheck=\"false\"{describedby}></div>",
                    self.input_type,
                    Esc(self.value)
                );
            }
        }
    }
}

/// A single check box with its hint, sending `yes` when ticked.
fn single_checkbox(out: &mut String, name: &str, label: &str, hint: &str, checked: bool) {
    let checked = if checked { " checked" } else { "" };
    let _ = write!(
        out,
        "<div class=\"form-group\"><div class=\"checkboxes\"><div class=\"checkbox\">\
<input type=\"checkbox\" name=\"{name}\" value=\"yes\" id=\"{name}\" aria-describedby=\"{name}-hint\"{checked}>\
<label for=\"{name}\">{}</label><p class=\"hint\" id=\"{name}-hint\">{}</p></div></div></div>",
        Esc(label),
        Esc(hint)
    );
}

/// Step 3: language, channel, large print and service; the customer; the member of staff;
/// and the call plan's questions. `errors` are the page's `(field id, message)` pairs.
pub(super) fn message_settings(out: &mut String, form: &FormState, errors: &[(String, String)]) {
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
    single_checkbox(
        out,
        "large_print",
        "Large print",
        "14 point text, for customers with a visual impairment.",
        form.large_print,
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
    for field in [
        TextField::new(
            "title",
            "Title (optional, as the customer wrote it)",
            &form.title,
        ),
        TextField::new("first_name", "First name", &form.first_name),
        TextField::new("last_name", "Last name", &form.last_name),
        TextField::new("email", "Email address", &form.email),
        TextField {
            rows: Some(4),
            ..TextField::new("address", "Postal address (one line each)", &form.address)
        },
        TextField::new("reference", "Application reference", &form.reference),
        TextField {
            hint: Some(
                "Their time zone, such as America/New_York, or a two-letter country code, such as FR. Leave blank for the UK. It decides good morning or good afternoon, and when to phone them.",
            ),
            ..TextField::new(
                "time_zone",
                "Where the customer is (optional)",
                &form.time_zone,
            )
        },
    ] {
        field.write(out, errors);
    }
    out.push_str(
        "</fieldset><fieldset class=\"fieldset\"><legend class=\"legend legend-medium\">You</legend>",
    );
    for field in [
        TextField {
            autocomplete: "given-name",
            ..TextField::new(
                "staff_first_name",
                "Your first name",
                &form.staff_first_name,
            )
        },
        TextField::new("staff_initials", "Your initials", &form.staff_initials),
        TextField::new("staff_office", "Your office", &form.staff_office),
    ] {
        field.write(out, errors);
    }
    radios(
        out,
        "Your role",
        "role",
        &[
            (Role::Examiner, "examiner", "Examiner"),
            (
                Role::CustomerService,
                "customer_service",
                "Customer service officer (CSMT)",
            ),
        ],
        form.role,
    );
    out.push_str("</fieldset>");
    phone_call_fields(out, form, errors);
}

/// The call plan's questions, asked with a voicemail or phone script.
fn phone_call_fields(out: &mut String, form: &FormState, errors: &[(String, String)]) {
    out.push_str(
        "<fieldset class=\"fieldset\" id=\"phone-calls\" aria-describedby=\"phone-calls-hint\">\
<legend class=\"legend legend-medium\">Phoning the customer</legend>\
<p class=\"hint\" id=\"phone-calls-hint\">For a voicemail or phone script: the preview plans when to call, in the customer’s time and yours, and the voicemail to leave each time.</p>",
    );
    let attempt = match form.attempt.trim() {
        "2" => 2,
        "3" => 3,
        _ => 1,
    };
    let attempt_error = errors.iter().find(|(target, _)| target == "attempt-1");
    radios_with_error(
        out,
        "Which call is this?",
        "attempt",
        &[(1, "1", "First"), (2, "2", "Second"), (3, "3", "Third")],
        attempt,
        attempt_error.map(|(_, message)| message.as_str()),
    );
    for field in [
        TextField {
            input_type: "datetime-local",
            hint: Some("For the second and third calls, in UK time."),
            ..TextField::new(
                "first_attempt_at",
                "When you made the first call (optional)",
                &form.first_attempt_at,
            )
        },
        TextField {
            rows: Some(3),
            hint: Some(
                "One a line, in the customer’s time: 12:00-14:00 for every day, Monday 09:00-12:00, 2026-11-24 09:00-12:00, or a whole date such as 2026-11-24.",
            ),
            ..TextField::new(
                "unavailable",
                "Times the customer cannot take a call (optional)",
                &form.unavailable,
            )
        },
    ] {
        field.write(out, errors);
    }
    single_checkbox(
        out,
        "happy_outside_hours",
        "The customer is happy to be called outside the usual hours",
        "Examiners call from 9am to 8pm, customer service from 8am to 8pm, in the customer’s time.",
        form.happy_outside_hours,
    );
    out.push_str("</fieldset>");
}
