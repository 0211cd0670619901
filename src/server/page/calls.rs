//! The call plan on the staff page: with a voicemail or phone script, when to phone the
//! customer (in their time and in UK time), whether to call now, and the voicemail to leave
//! at each attempt, planned by [`crate::plan`] from the form's "Phoning the customer" fields.

use std::fmt::Write as _;

use super::Esc;
use crate::library::Library;
use crate::plan::{Plan, PlanError, plan_calls};
use crate::request::{Channel, Language};
use crate::server::form::FormState;

/// The plan for the form, planned from the clock; none unless the form asks for a voicemail
/// or phone script.
pub(super) fn plan_for(library: &Library, form: &FormState) -> Option<Result<Plan, PlanError>> {
    matches!(form.channel, Some(Channel::Voicemail | Channel::Phone))
        .then(|| plan_calls(library, &form.to_plan_request(library)))
}

/// Where a planning error points on the page (the field's id) and what it says, in the words
/// of the page.
pub(super) fn problem_on_page(error: &PlanError) -> (String, String) {
    match error {
        PlanError::Input { field, message } => {
            let field = field.split('[').next().unwrap_or_default();
            let (id, label) = match field {
                "time_zone" | "country" => ("time_zone", "Where the customer is"),
                "attempt" => ("attempt-1", "Which call is this"),
                "first_attempt_at" => ("first_attempt_at", "When you made the first call"),
                "unavailable" => ("unavailable", "Times the customer cannot take a call"),
                _ => ("phone-calls", "Phoning the customer"),
            };
            (id.to_string(), format!("{label}: {message}"))
        }
        PlanError::Script(message) => (
            "staff_first_name".to_string(),
            format!("The voicemail cannot be written: {message}"),
        ),
    }
}

/// Writes the call plan, or what stops it being made; the voicemails are in `language`.
pub(super) fn call_plan(out: &mut String, plan: &Result<Plan, PlanError>, language: Language) {
    out.push_str(
        "<section class=\"call-plan\" id=\"call-plan\" aria-labelledby=\"call-plan-heading\">\
<h3 class=\"preview-label\" id=\"call-plan-heading\">Call plan</h3>",
    );
    match plan {
        Ok(plan) => plan_details(out, plan, language),
        Err(error) => {
            let (target, text) = problem_on_page(error);
            let _ = write!(
                out,
                "<div class=\"inset\"><p class=\"body\">The call plan cannot be made yet.</p>\
<ul class=\"list\"><li><a href=\"#{}\">{}</a></li></ul></div>",
                Esc(&target),
                Esc(&text)
            );
        }
    }
    out.push_str("</section>");
}

fn plan_details(out: &mut String, plan: &Plan, language: Language) {
    let (verdict, class) = if plan.can_call_now {
        ("Call now.", "call-now-yes")
    } else {
        ("Do not call now.", "call-now-no")
    };
    let _ = write!(
        out,
        "<p class=\"call-now {class}\" id=\"call-now\"><strong>{verdict}</strong> {}</p>",
        Esc(&plan.reason)
    );
    if plan.send_email_instead {
        out.push_str("<p class=\"body\"><strong>Send an email instead.</strong></p>");
    }
    let _ = write!(
        out,
        "<p class=\"body\">Customer’s time now: {} ({}); UK time {}.<br>",
        Esc(&plan.now.customer_text),
        Esc(&plan.time_zone),
        Esc(&plan.now.uk_text)
    );
    match &plan.calling_hours {
        Some(hours) => {
            let _ = write!(
                out,
                "Calling hours: {} to {} in the customer’s time; the office calls {} to {} UK time.</p>",
                Esc(&hours.start),
                Esc(&hours.end),
                Esc(&plan.office_hours.start),
                Esc(&plan.office_hours.end)
            );
        }
        None => {
            let _ = write!(
                out,
                "Calling hours: any time the customer is available (they are happy to be called outside the usual hours); the office calls {} to {} UK time.</p>",
                Esc(&plan.office_hours.start),
                Esc(&plan.office_hours.end)
            );
        }
    }
    if !plan.attempts.is_empty() {
        out.push_str("<ol class=\"attempts\" id=\"call-attempts\">");
        for attempt in &plan.attempts {
            let when = attempt.when_text();
            let _ = write!(
                out,
                "<li class=\"attempt\"><h4 class=\"attempt-heading\">Call {}: {}</h4>\
<p class=\"body\">UK time {}. If there is no answer, leave this voicemail:</p>\
<p class=\"script\" lang=\"{}\">{}</p></li>",
                attempt.number,
                Esc(&when),
                Esc(&attempt.at.uk_text),
                language.as_str(),
                Esc(&attempt.voicemail.text)
            );
        }
        out.push_str("</ol>");
        let _ = write!(
            out,
            "<p class=\"body\"><strong>After the last call:</strong> {}</p>",
            Esc(&plan.after_last_attempt)
        );
    }
    if let Some(hold) = &plan.hold {
        let _ = write!(
            out,
            "<p class=\"body\"><strong>Hold:</strong> use the reason “{}” for {} hours, until {}. {}</p>",
            Esc(&hold.reason),
            hold.hours,
            Esc(&hold.until.customer_text),
            Esc(&hold.why)
        );
    }
    if !plan.notes.is_empty() {
        out.push_str("<ul class=\"list\">");
        for note in &plan.notes {
            let _ = write!(out, "<li>{}</li>", Esc(note));
        }
        out.push_str("</ul>");
    }
}
