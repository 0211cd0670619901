//! The staff page's form: what the browser posts (`application/x-www-form-urlencoded`) read
//! into plain data, and turned into a [`Request`]. Field names:
//!
//! `template` (repeated, the chosen templates), `order` (their ids in the order chosen,
//! comma-separated), `language`, `channel`, `large_print`,
//! `service`, `title`, `first_name`, `last_name`, `email`, `address` (one line each),
//! `staff_first_name`, `staff_initials`, `staff_office`, `role`, `reference`, `time_zone` (an
//! IANA time zone or a two-letter country code), the call plan's `attempt`,
//! `first_attempt_at` (`YYYY-MM-DDTHH:MM` in UK time, as a `datetime-local` input sends it),
//! `unavailable` (one time a line) and `happy_outside_hours`, and
//! `answer.TEMPLATE.QUESTION` (repeated for check boxes).

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, TimeZone as _, Utc};

use crate::library::{Library, QuestionKind};
use crate::plan::zone::{UK_ZONE, resolve_zone};
use crate::plan::{AttemptNumber, PlanRequest};
use crate::request::{
    Answer, Application, Channel, Customer, Language, Part, Request, Role, Service, Staff,
};

/// Everything the staff page's form holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormState {
    /// Chosen template ids, in the order of the library's list.
    pub templates: Vec<String>,
    pub language: Language,
    pub channel: Option<Channel>,
    pub large_print: bool,
    pub service: Service,
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub address: String,
    pub staff_first_name: String,
    pub staff_initials: String,
    pub staff_office: String,
    pub role: Role,
    pub reference: String,
    /// Where the customer is: an IANA time zone, or a two-letter country code.
    pub time_zone: String,
    /// The call about to be made, as the radio sent it (`1`, `2` or `3`).
    pub attempt: String,
    /// When the first call was made, `YYYY-MM-DDTHH:MM` in UK time.
    pub first_attempt_at: String,
    /// Times the customer cannot take a call, one a line.
    pub unavailable: String,
    pub happy_outside_hours: bool,
    /// Answers by (template, question).
    pub answers: BTreeMap<(String, String), Vec<String>>,
    /// Which button sent the form: `preview` (show the message) or `questions` (only refresh
    /// the questions for the chosen templates).
    pub action: String,
}

/// The form field name of one question's answer.
pub fn answer_field(template: &str, question: &str) -> String {
    format!("answer.{template}.{question}")
}

impl FormState {
    /// Reads the posted pairs. Unknown fields are ignored; unknown templates are dropped
    /// (the page only offers the library's).
    pub fn from_pairs(library: &Library, pairs: Vec<(String, String)>) -> FormState {
        let mut state = FormState::default();
        let mut chosen = Vec::new();
        let mut order = String::new();
        for (name, value) in pairs {
            match name.as_str() {
                "template" => chosen.push(value),
                "order" => order = value,
                "language" => {
                    state.language = match value.as_str() {
                        "cy" => Language::Cy,
                        _ => Language::En,
                    }
                }
                "channel" => {
                    state.channel = Channel::ALL
                        .into_iter()
                        .find(|channel| channel.as_str() == value)
                }
                "large_print" => state.large_print = value == "yes",
                "service" => {
                    state.service = match value.as_str() {
                        "fast_track" => Service::FastTrack,
                        "premium" => Service::Premium,
                        _ => Service::Standard,
                    }
                }
                "title" => state.title = value,
                "first_name" => state.first_name = value,
                "last_name" => state.last_name = value,
                "email" => state.email = value,
                "address" => state.address = value,
                "staff_first_name" => state.staff_first_name = value,
                "staff_initials" => state.staff_initials = value,
                "staff_office" => state.staff_office = value,
                "role" => {
                    state.role = match value.as_str() {
                        "customer_service" => Role::CustomerService,
                        _ => Role::Examiner,
                    }
                }
                "reference" => state.reference = value,
                "time_zone" => state.time_zone = value,
                "attempt" => state.attempt = value,
                "first_attempt_at" => state.first_attempt_at = value,
                "unavailable" => state.unavailable = value,
                "happy_outside_hours" => state.happy_outside_hours = value == "yes",
                "action" => state.action = value,
                other => {
                    if let Some(rest) = other.strip_prefix("answer.")
                        && let Some((template, question)) = rest.split_once('.')
                    {
                        state
                            .answers
                            .entry((template.to_string(), question.to_string()))
                            .or_default()
                            .push(value);
                    }
                }
            }
        }
        // Chosen templates in the order they were chosen (the `order` field), then any others
        // in the library's order; unknown ids are dropped.
        let is_chosen = |id: &str| library.template(id).is_some() && chosen.iter().any(|c| c == id);
        let mut templates: Vec<String> = Vec::new();
        for id in order.split(',').map(str::trim) {
            if is_chosen(id) && !templates.iter().any(|t| t == id) {
                templates.push(id.to_string());
            }
        }
        for id in library.templates.keys() {
            if is_chosen(id) && !templates.contains(id) {
                templates.push(id.clone());
            }
        }
        state.templates = templates;
        state
    }

    /// The values given for one question, blanks left out.
    pub fn values(&self, template: &str, question: &str) -> Vec<&str> {
        self.answers
            .get(&(template.to_string(), question.to_string()))
            .map(|values| {
                values
                    .iter()
                    .map(|v| v.as_str())
                    .filter(|v| !v.trim().is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The request the form describes.
    pub fn to_request(&self, library: &Library) -> Request {
        let blank_to_none = |value: &str| {
            let value = value.trim();
            (!value.is_empty()).then(|| value.to_string())
        };
        let parts = self
            .templates
            .iter()
            .filter_map(|id| library.template(id))
            .map(|template| {
                let mut answers = BTreeMap::new();
                for question in &template.spec.questions {
                    let values = self.values(&template.id, &question.id);
                    let answer = match question.kind {
                        QuestionKind::Checkboxes if !values.is_empty() => {
                            Some(Answer::Many(values.iter().map(|v| v.to_string()).collect()))
                        }
                        QuestionKind::Checkboxes => None,
                        _ => values.first().map(|v| Answer::One(v.trim().to_string())),
                    };
                    if let Some(answer) = answer {
                        answers.insert(question.id.clone(), answer);
                    }
                }
                Part {
                    template: template.id.to_string(),
                    answers,
                }
            })
            .collect();
        Request {
            channel: self.channel,
            language: self.language,
            large_print: self.large_print,
            draft: false,
            at: None,
            customer: Customer {
                title: blank_to_none(&self.title),
                first_name: self.first_name.trim().to_string(),
                last_name: self.last_name.trim().to_string(),
                email: blank_to_none(&self.email),
                address: non_blank_lines(&self.address),
                time_zone: self.customer_zone(),
            },
            staff: Staff {
                first_name: self.staff_first_name.trim().to_string(),
                initials: self.staff_initials.trim().to_string(),
                office: self.staff_office.trim().to_string(),
                role: self.role,
            },
            application: Application {
                reference: blank_to_none(&self.reference),
                service: self.service,
                paper: false,
            },
            parts,
            format: None,
        }
    }

    /// The customer's time zone for the message: the zone the `time_zone` field names, or the
    /// one zone of the country it names; as written when it names neither, so that composing
    /// reports it; none when blank (a UK customer).
    fn customer_zone(&self) -> Option<String> {
        let (time_zone, country) = self.zone_or_country();
        if time_zone.is_none() && country.is_none() {
            return None;
        }
        Some(match resolve_zone(time_zone, country) {
            Ok(zone) => zone.name().to_string(),
            Err(_) => self.time_zone.trim().to_string(),
        })
    }

    /// Why the `time_zone` field names no zone, in the planner's words (which say what a
    /// country code with several zones needs); none when it names one or is blank.
    pub fn zone_problem(&self) -> Option<String> {
        let (time_zone, country) = self.zone_or_country();
        resolve_zone(time_zone, country)
            .err()
            .map(|err| err.to_string())
    }

    /// The `time_zone` field read as the planner takes it: two letters are a country code,
    /// anything else a time zone.
    fn zone_or_country(&self) -> (Option<&str>, Option<&str>) {
        let written = self.time_zone.trim();
        if written.is_empty() {
            (None, None)
        } else if written.len() == 2 && written.chars().all(|c| c.is_ascii_alphabetic()) {
            (None, Some(written))
        } else {
            (Some(written), None)
        }
    }

    /// The call plan request the form describes, planned from the clock's `now`.
    pub fn to_plan_request(&self, library: &Library) -> PlanRequest {
        let mut request = self.to_request(library);
        // The planner reads where the customer is from the field, as written.
        request.customer.time_zone = None;
        let (time_zone, country) = self.zone_or_country();
        let attempt = self.attempt.trim();
        PlanRequest {
            role: Some(self.role),
            time_zone: time_zone.map(str::to_string),
            country: country.map(str::to_string),
            now: None,
            unavailable: non_blank_lines(&self.unavailable),
            happy_outside_hours: self.happy_outside_hours,
            attempt: (!attempt.is_empty()).then(|| AttemptNumber::Text(attempt.to_string())),
            // The first call's time matters only for the second and third.
            first_attempt_at: matches!(attempt, "2" | "3")
                .then(|| self.first_attempt_utc())
                .flatten(),
            office_hours: None,
            follow_up: None,
            language: self.language,
            customer: request.customer,
            staff: request.staff,
        }
    }

    /// The first call's time as the planner reads it (RFC 3339): the page's UK local time
    /// turned into UTC; as written when it is not a date and time, so that the planner
    /// reports it; none when blank.
    fn first_attempt_utc(&self) -> Option<String> {
        let written = self.first_attempt_at.trim();
        if written.is_empty() {
            return None;
        }
        let local = NaiveDateTime::parse_from_str(written, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(written, "%Y-%m-%dT%H:%M:%S"));
        Some(
            match local.map(|local| UK_ZONE.from_local_datetime(&local).earliest()) {
                Ok(Some(uk)) => uk.with_timezone(&Utc).to_rfc3339(),
                _ => written.to_string(),
            },
        )
    }
}

/// The lines of a text area, trimmed, blank ones left out.
fn non_blank_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> Library {
        Library::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn templates_follow_the_order_they_were_chosen_in() {
        let library = library();
        let pair = |name: &str, value: &str| (name.to_string(), value.to_string());
        // The boxes post in the page's order; `order` says the documents came first.
        let pairs = vec![
            pair("template", "request-documents"),
            pair("template", "request-information"),
            pair("template", "request-new-photo"),
            pair(
                "order",
                "request-documents,request-new-photo,gone,request-documents",
            ),
        ];
        let state = FormState::from_pairs(&library, pairs);
        assert_eq!(
            state.templates,
            [
                "request-documents",
                "request-new-photo",
                "request-information"
            ]
        );
        let parts: Vec<String> = state
            .to_request(&library)
            .parts
            .into_iter()
            .map(|part| part.template)
            .collect();
        assert_eq!(parts, state.templates);
        // An id in `order` whose box is not ticked is not chosen.
        let pairs = vec![
            pair("template", "request-new-photo"),
            pair("order", "request-documents,request-new-photo"),
        ];
        assert_eq!(
            FormState::from_pairs(&library, pairs).templates,
            ["request-new-photo"]
        );
    }

    #[test]
    fn repeated_check_boxes_become_one_answer_and_unknown_templates_are_dropped() {
        let library = library();
        let pairs = vec![
            ("template".into(), "request-new-photo".into()),
            ("template".into(), "../../etc/passwd".into()),
            ("answer.request-new-photo.reasons".into(), "shadows".into()),
            ("answer.request-new-photo.reasons".into(), "glare".into()),
            ("address".into(), "1 High Street\r\n\r\nCardiff".into()),
            ("language".into(), "cy".into()),
        ];
        let state = FormState::from_pairs(&library, pairs);
        assert_eq!(state.templates, vec!["request-new-photo".to_string()]);
        let request = state.to_request(&library);
        assert_eq!(request.language, Language::Cy);
        assert_eq!(request.customer.address, vec!["1 High Street", "Cardiff"]);
        assert_eq!(
            request.parts[0].answers.get("reasons"),
            Some(&Answer::Many(vec!["shadows".into(), "glare".into()]))
        );
    }
}
