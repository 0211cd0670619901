//! The voicemail each attempt leaves: which template and answers, and its text composed
//! through the library at the attempt's time, like any other message.

use std::collections::BTreeMap;

use chrono_tz::Tz;

use super::{Attempt, FollowUp, MAX_ATTEMPTS, Plan, PlanError, PlanRequest, Script};
use crate::compose::compose;
use crate::compose::format::good_time_of_day;
use crate::library::Library;
use crate::request::{Answer, Channel, Part, Request, Role};

/// Composes the voicemail of every attempt in `plan`.
pub(super) fn compose_all(
    library: &Library,
    request: &PlanRequest,
    plan: &mut Plan,
) -> Result<(), PlanError> {
    let zone: Tz = plan
        .time_zone
        .parse()
        .map_err(|_| PlanError::input("time_zone", "the resolved time zone did not parse"))?;
    // Attempts in the same part of the same day with the same wording share one composition.
    let mut composed: Vec<(VoicemailKey, String)> = Vec::with_capacity(plan.attempts.len());
    for attempt in &mut plan.attempts {
        let local = attempt.at.utc.with_timezone(&zone);
        let key = VoicemailKey {
            template: attempt.voicemail.template.clone(),
            third: attempt.number == MAX_ATTEMPTS,
            date: local.date_naive(),
            time_of_day: good_time_of_day(local.time(), request.language),
        };
        let text = match composed.iter().find(|(k, _)| *k == key) {
            Some((_, text)) => text.clone(),
            None => {
                let text = compose_voicemail(library, request, plan.role, zone, attempt)?;
                composed.push((key, text.clone()));
                text
            }
        };
        attempt.voicemail.text = text;
    }
    Ok(())
}

/// What decides a voicemail's words besides the request: which wording, and when.
#[derive(Debug, PartialEq)]
struct VoicemailKey {
    template: String,
    third: bool,
    date: chrono::NaiveDate,
    time_of_day: &'static str,
}

/// Which voicemail an attempt leaves: the template and its answers, not yet composed.
pub(super) fn voicemail_choice(role: Role, number: u8, follow_up: FollowUp) -> Script {
    let (template, answers) = match role {
        Role::Examiner => {
            let mut answers = BTreeMap::new();
            let attempt = match number {
                1 => "first",
                2 => "second",
                _ => "third",
            };
            answers.insert("attempt".to_string(), attempt.to_string());
            if number == MAX_ATTEMPTS {
                answers.insert(
                    "letter_or_email".to_string(),
                    follow_up.as_str().to_string(),
                );
            }
            ("voicemail-examiner", answers)
        }
        Role::CustomerService => match follow_up {
            FollowUp::Email => ("csmt-voicemail-email", BTreeMap::new()),
            FollowUp::Letter => ("csmt-voicemail-no-email", BTreeMap::new()),
        },
    };
    Script {
        template: template.to_string(),
        answers,
        text: String::new(),
    }
}

/// The voicemail's text, composed from the library at the attempt's time.
fn compose_voicemail(
    library: &Library,
    request: &PlanRequest,
    role: Role,
    zone: Tz,
    attempt: &Attempt,
) -> Result<String, PlanError> {
    let mut customer = request.customer.clone();
    customer.time_zone = Some(zone.name().to_string());
    let mut staff = request.staff.clone();
    staff.role = role;
    let compose_request = Request {
        channel: Some(Channel::Voicemail),
        language: request.language,
        at: Some(attempt.at.utc),
        customer,
        staff,
        parts: vec![Part {
            template: attempt.voicemail.template.clone(),
            answers: attempt
                .voicemail
                .answers
                .iter()
                .map(|(question, value)| (question.clone(), Answer::One(value.clone())))
                .collect(),
        }],
        ..Request::default()
    };
    let document =
        compose(library, &compose_request).map_err(|err| PlanError::Script(err.to_string()))?;
    Ok(crate::render::text::render(&document)
        .trim_end()
        .to_string())
}
