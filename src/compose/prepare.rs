//! Checking a request before it is assembled: its people, time zone, templates and answers,
//! and the values its placeholders may show, found by [`Recipe`] so that a message shape can
//! be filled from them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::answers::{CheckedAnswers, check_answers};
use super::{ComposeError, DEFAULT_TIME_ZONE, Problem, Recipe, format};
use crate::document::{Recipient, Sender};
use crate::library::body::BodyFacts;
use crate::library::{Library, Placeholder, Template};
use crate::request::{Channel, Language, Request};

/// A request checked and ready to assemble: every part's template and answers, and the
/// values its placeholders may show. Made by [`prepare`].
pub struct Prepared<'a> {
    pub request: &'a Request,
    pub channel: Channel,
    pub language: Language,
    /// The customer's time zone, and the local date and time of the message.
    time_zone_name: String,
    pub(super) local: NaiveDateTime,
    /// Each part's template and checked answers, in order.
    pub parts: Vec<(&'a Template, CheckedAnswers)>,
    /// An automatic mailbox reply is the message (see [`prepare`]).
    pub(super) automatic: bool,
    /// `{today}`, formatted for the language.
    today: String,
    good_time_of_day: &'static str,
}

/// Checks a request: its people, time zone, templates and answers. Every problem found is
/// reported, not just the first.
pub fn prepare<'a>(
    library: &'a Library,
    request: &'a Request,
) -> Result<Prepared<'a>, ComposeError> {
    let mut problems = Vec::new();
    let channel = request.channel();
    let language = request.language;
    if request.parts.is_empty() {
        problems.push(Problem::general(format!(
            "the request has no parts; add at least one {{template, answers}}; templates are: {}",
            template_list(library)
        )));
    }
    check_people(request, &mut problems);
    let (time_zone_name, local) = local_time(request, &mut problems);

    let mut checked_parts: Vec<(&Template, CheckedAnswers)> = Vec::new();
    for (index, part) in request.parts.iter().enumerate() {
        let number = index + 1;
        let Some(template) = library.template(&part.template) else {
            problems.push(Problem {
                part: Some(number),
                template: Some(part.template.clone()),
                question: None,
                message: format!(
                    "there is no template `{}`; templates are: {}",
                    part.template,
                    template_list(library)
                ),
            });
            continue;
        };
        if !template.spec.channels.contains(&channel) {
            problems.push(Problem::in_part(
                number,
                &template.id,
                format!(
                    "this template cannot be sent by {channel}; it supports: {}",
                    template
                        .spec
                        .channels
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let checked = check_answers(template, &part.answers, language, number, &mut problems);
        checked_parts.push((template, checked));
    }
    // An automatic mailbox reply speaks for the mailbox, not for a member of staff.
    let automatic = checked_parts.iter().any(|(t, _)| t.spec.automatic);
    if automatic && request.parts.len() > 1 {
        for (index, (template, _)) in checked_parts.iter().enumerate() {
            if template.spec.automatic {
                problems.push(Problem::in_part(
                    index + 1,
                    &template.id,
                    "this is an automatic mailbox reply and goes on its own; send it without other templates",
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(ComposeError { problems });
    }
    Ok(Prepared {
        request,
        channel,
        language,
        today: format::format_date(local.date(), language),
        good_time_of_day: format::good_time_of_day(local.time(), language),
        time_zone_name,
        local,
        parts: checked_parts,
        automatic,
    })
}

impl Prepared<'_> {
    /// Whether the customer gave a title (the greeting then uses title and surname).
    pub fn has_title(&self) -> bool {
        self.request
            .customer
            .title
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty())
    }

    /// Who the message is addressed to.
    pub fn recipient(&self) -> Recipient {
        let customer = &self.request.customer;
        let full_name = [
            customer.title.as_deref().unwrap_or(""),
            &customer.first_name,
            &customer.last_name,
        ]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        Recipient {
            name: customer.addressed_name(),
            full_name,
            email: customer.email_address().map(str::to_string),
            address: customer
                .address
                .iter()
                .map(|l| l.trim().to_string())
                .collect(),
            time_zone: self.time_zone_name.clone(),
        }
    }

    /// Who writes.
    pub fn sender(&self) -> Sender {
        let staff = &self.request.staff;
        Sender {
            first_name: staff.first_name.trim().to_string(),
            initials: staff.initials.trim().to_string(),
            office: staff.office.trim().to_string(),
            role: staff.role,
        }
    }

    /// The application reference, when there is one.
    pub fn reference(&self) -> Option<String> {
        self.request
            .application
            .reference
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
    }

    /// The templates of the message, in order.
    pub fn template_ids(&self) -> Vec<String> {
        self.parts.iter().map(|(t, _)| t.id.to_string()).collect()
    }

    /// The mandated paragraphs the templates require, each once.
    pub fn required_paragraphs(&self) -> Vec<String> {
        let mut required: Vec<String> = Vec::new();
        for (template, _) in &self.parts {
            for id in &template.spec.required_paragraphs {
                if !required.contains(id) {
                    required.push(id.clone());
                }
            }
        }
        required
    }

    /// What the template body of a part with these answers may branch on.
    pub(super) fn body_facts<'b>(&'b self, checked: &'b CheckedAnswers) -> BodyFacts<'b> {
        let request = self.request;
        BodyFacts {
            answers: &checked.for_body,
            channel: self.channel,
            service: request.application.service,
            paper: request.application.paper,
            has_email: request.customer.email_address().is_some(),
        }
    }

    /// Everything besides its values that decides how this request is assembled: two
    /// requests with the same key and the same pattern of equal values (see [`super::holes`])
    /// assemble into the same document, values aside.
    pub fn shape_key(&self) -> Vec<u8> {
        let request = self.request;
        let mut key = Vec::with_capacity(256);
        key.extend_from_slice(self.language.as_str().as_bytes());
        key.push(0);
        key.push(u8::from(request.large_print));
        key.push(u8::from(request.draft));
        key.push(u8::from(self.has_title()));
        for (template, checked) in &self.parts {
            key.extend(self.body_facts(checked).memo_key(&template.id));
            for (question, paragraphs) in &checked.free_text {
                key.extend_from_slice(question.as_bytes());
                key.push(0);
                key.extend_from_slice(&paragraphs.len().to_le_bytes());
            }
            key.push(0xff);
        }
        key
    }

    /// The value `recipe` names in this request, trimmed; none when it has none.
    pub fn value_of(&self, recipe: &Recipe) -> Option<Cow<'_, str>> {
        match recipe {
            Recipe::Placeholder { placeholder, part } => {
                let answers = part
                    .and_then(|number| self.parts.get(number - 1))
                    .map(|(_, checked)| &checked.placeholder_values);
                self.placeholder_value(placeholder, answers)
            }
            Recipe::FreeText {
                part,
                question,
                paragraph,
            } => {
                let (_, checked) = self.parts.get(part - 1)?;
                let paragraphs = checked.free_text.get(question.as_str())?;
                paragraphs
                    .get(*paragraph)
                    .map(|text| Cow::Borrowed(text.as_str()))
            }
        }
    }

    pub(super) fn placeholder_value<'b>(
        &'b self,
        placeholder: &Placeholder,
        answers: Option<&'b BTreeMap<String, String>>,
    ) -> Option<Cow<'b, str>> {
        let trimmed = |text: String| match text.trim() {
            same if same.len() == text.len() => Cow::Owned(text),
            shorter => Cow::Owned(shorter.to_string()),
        };
        let request = self.request;
        let customer = &request.customer;
        let staff = &request.staff;
        let value = match placeholder {
            Placeholder::CustomerTitle => customer.title.as_deref().unwrap_or_default(),
            Placeholder::CustomerFirstName => &customer.first_name,
            Placeholder::CustomerLastName => &customer.last_name,
            Placeholder::CustomerName => return Some(trimmed(customer.addressed_name())),
            Placeholder::CustomerFullName => return Some(trimmed(customer.full_name())),
            Placeholder::StaffFirstName => &staff.first_name,
            Placeholder::StaffInitials => &staff.initials,
            Placeholder::StaffOffice => &staff.office,
            Placeholder::Reference => request.application.reference.as_deref().unwrap_or_default(),
            Placeholder::Today => &self.today,
            Placeholder::GoodTimeOfDay => self.good_time_of_day,
            Placeholder::Answer(question) => answers?.get(question)?,
        };
        Some(Cow::Borrowed(value.trim()))
    }
}

fn template_list(library: &Library) -> String {
    library
        .templates
        .keys()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names and addresses are data: no control characters (a line break in a name could forge
/// an email header or a letter line).
fn check_people(request: &Request, problems: &mut Vec<Problem>) {
    let customer = &request.customer;
    let staff = &request.staff;
    let fields: [(&str, &str); 8] = [
        ("customer.title", customer.title.as_deref().unwrap_or("")),
        ("customer.first_name", &customer.first_name),
        ("customer.last_name", &customer.last_name),
        ("customer.email", customer.email.as_deref().unwrap_or("")),
        ("staff.first_name", &staff.first_name),
        ("staff.initials", &staff.initials),
        ("staff.office", &staff.office),
        (
            "application.reference",
            request.application.reference.as_deref().unwrap_or(""),
        ),
    ];
    let problem = |field: String, message: String| Problem {
        part: None,
        template: None,
        question: Some(field),
        message,
    };
    for (field, value) in fields {
        if let Some(message) = value_fault(value) {
            problems.push(problem(field.to_string(), message));
        }
    }
    for (index, line) in customer.address.iter().enumerate() {
        if let Some(message) = value_fault(line) {
            problems.push(problem(format!("customer.address[{index}]"), message));
        }
    }
}

/// What is wrong with a name or address value, if anything: a control character, or the
/// markers compose reserves.
fn value_fault(value: &str) -> Option<String> {
    if let Some(bad) = value.chars().find(|c| c.is_control()) {
        let what = match bad {
            '\r' | '\n' => "a line break".to_string(),
            other => format!("the control character U+{:04X}", other as u32),
        };
        return Some(format!("holds {what}; write it on one line, as plain text"));
    }
    super::holes::has_marker(value)
        .then(|| "holds reserved characters (U+E000, U+E001)".to_string())
}

/// The customer's time zone and the local date and time of the message.
fn local_time(request: &Request, problems: &mut Vec<Problem>) -> (String, NaiveDateTime) {
    let name = request
        .customer
        .time_zone
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .unwrap_or(DEFAULT_TIME_ZONE);
    let at: DateTime<Utc> = request.at.unwrap_or_else(Utc::now);
    match name.parse::<Tz>() {
        Ok(zone) => (name.to_string(), at.with_timezone(&zone).naive_local()),
        Err(_) => {
            problems.push(Problem {
                part: None,
                template: None,
                question: Some("customer.time_zone".into()),
                message: format!(
                    "`{name}` is not a time zone; use an IANA name such as Europe/London or America/New_York"
                ),
            });
            (DEFAULT_TIME_ZONE.to_string(), at.naive_utc())
        }
    }
}
