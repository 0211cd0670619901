//! The preview beside the form: the message as it will be sent (recipient, subject, body),
//! each house-style finding marked in the words it concerns and listed with its severity in
//! words and the wording to use instead, the copy and download buttons, and the call plan for
//! voicemail and phone scripts.

use std::fmt::Write as _;

use super::Esc;
use super::fields::problem_on_page;
use crate::compose::Problem;
use crate::library::Library;
use crate::lint::{Field, Finding, Severity, has_errors};
use crate::message::Message;
use crate::plan::{Plan, PlanError};
use crate::request::{Channel, Language};
use crate::server::form::FormState;

/// What the preview shows: nothing chosen yet, the problems, or the message.
pub(super) enum Outcome {
    NothingChosen,
    Problems(Vec<Problem>),
    Built(Box<Message>),
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

/// The preview section: the message or what stops it, then the call plan when there is one.
pub(super) fn preview(
    out: &mut String,
    library: &Library,
    form: &FormState,
    outcome: &Outcome,
    plan: Option<&Result<Plan, PlanError>>,
) {
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
    if let Some(plan) = plan {
        super::calls::call_plan(out, plan, form.language);
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
