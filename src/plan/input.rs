//! The plan request: what the member of staff says about the call, read from YAML or JSON,
//! and checked into plain values the planner works with. Every problem names its field and
//! what it accepts.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::hours::{self, DailyHours, Unavailable};
use super::{MAX_ATTEMPTS, PlanError, calling_hours, zone};
use crate::request::{Customer, Language, Role, Staff};

/// What to plan: who is calling, where the customer is, and when they cannot take a call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Examiner or customer service; `staff.role` when absent.
    #[serde(default)]
    pub role: Option<Role>,
    /// The customer's IANA time zone; `customer.time_zone` when absent.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The customer's country, a two-letter code, for countries with one time zone.
    #[serde(default)]
    pub country: Option<String>,
    /// The time now, RFC 3339 (2026-11-23T14:00:00Z); the clock when absent.
    #[serde(default)]
    pub now: Option<String>,
    /// Times the customer said they cannot take a call, in their local time.
    #[serde(default)]
    pub unavailable: Vec<String>,
    /// The customer said they are happy to be called outside the usual hours.
    #[serde(default)]
    pub happy_outside_hours: bool,
    /// The attempt about to be made, 1 to 3; 1 when absent.
    #[serde(default)]
    pub attempt: Option<AttemptNumber>,
    /// When the first attempt was made, for attempts 2 and 3; now when absent.
    #[serde(default)]
    pub first_attempt_at: Option<String>,
    /// The hours the office makes calls, HH:MM-HH:MM in UK time; the role's calling hours
    /// when absent.
    #[serde(default)]
    pub office_hours: Option<String>,
    /// How to write to the customer after the last attempt; email when they gave an email
    /// address, otherwise letter.
    #[serde(default)]
    pub follow_up: Option<FollowUp>,
    #[serde(default)]
    pub language: Language,
    #[serde(default)]
    pub customer: Customer,
    #[serde(default)]
    pub staff: Staff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    Email,
    Letter,
}

impl FollowUp {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUp::Email => "email",
            FollowUp::Letter => "letter",
        }
    }
}

/// An attempt number as written: a number, or text that should hold one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttemptNumber {
    Number(i64),
    Text(String),
}

impl From<i64> for AttemptNumber {
    fn from(number: i64) -> Self {
        AttemptNumber::Number(number)
    }
}

/// Reads a plan request from YAML or JSON text; `origin` names the file in errors.
pub fn parse_plan_request(text: &str, origin: &str) -> Result<PlanRequest, String> {
    if text.trim().is_empty() {
        return Err(format!(
            "{origin}: the plan request is empty; expected YAML or JSON with at least `time_zone` or `country`"
        ));
    }
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|err| {
            format!(
                "{origin}:{}:{}: not a valid plan request: {err}",
                err.line(),
                err.column()
            )
        })
    } else {
        serde_saphyr::from_str(text).map_err(|err| match err.location() {
            Some(at) => format!(
                "{origin}:{}:{}: not a valid plan request: {}",
                at.line(),
                at.column(),
                err.without_snippet()
            ),
            None => format!(
                "{origin}: not a valid plan request: {}",
                err.without_snippet()
            ),
        })
    }
}

/// A plan request, checked.
pub(super) struct Checked {
    pub role: Role,
    pub zone: Tz,
    pub now: DateTime<Utc>,
    /// The attempt about to be made.
    pub attempt: u8,
    /// The most attempts this role makes.
    pub attempts_allowed: u8,
    /// When the first attempt was made, for attempts 2 and 3.
    pub first_attempt_at: Option<DateTime<Utc>>,
    pub unavailable: Vec<Unavailable>,
    pub office: DailyHours,
    pub follow_up: FollowUp,
}

/// Checks every field of `request`; the clock gives `now` when the request does not.
pub(super) fn check(request: &PlanRequest) -> Result<Checked, PlanError> {
    let role = request.role.unwrap_or(request.staff.role);
    let zone = zone::resolve_zone(
        request
            .time_zone
            .as_deref()
            .or(request.customer.time_zone.as_deref()),
        request.country.as_deref(),
    )?;
    let now = match request.now.as_deref() {
        Some(text) => parse_instant("now", text)?,
        None => Utc::now(),
    };
    let attempt = match &request.attempt {
        None => 1,
        Some(written) => {
            let number = match written {
                AttemptNumber::Number(number) => Some(*number),
                AttemptNumber::Text(text) => text.trim().parse::<i64>().ok(),
            };
            match number {
                Some(n) if (1..=i64::from(MAX_ATTEMPTS)).contains(&n) => n as u8,
                _ => {
                    let shown = match written {
                        AttemptNumber::Number(number) => number.to_string(),
                        AttemptNumber::Text(text) => format!("`{text}`"),
                    };
                    return Err(PlanError::input(
                        "attempt",
                        format!(
                            "{shown} is not an attempt number; give 1, 2 or 3 (examiners make at most 3 calls in one 24-hour period)"
                        ),
                    ));
                }
            }
        }
    };
    let attempts_allowed = match role {
        Role::Examiner => MAX_ATTEMPTS,
        Role::CustomerService => 1,
    };
    if attempt > attempts_allowed {
        return Err(PlanError::input(
            "attempt",
            format!(
                "a customer service officer makes one call and then answers by email or records the attempt, so the only attempt is 1, not {attempt}"
            ),
        ));
    }
    // The 24 hours of phone contact start with the first attempt: given, or still to plan.
    let first_attempt_at = match (attempt, request.first_attempt_at.as_deref()) {
        (_, None) => None,
        (1, Some(_)) => {
            return Err(PlanError::input(
                "first_attempt_at",
                "is only for attempts 2 and 3; leave it out when planning the first attempt",
            ));
        }
        (_, Some(text)) => {
            let first = parse_instant("first_attempt_at", text)?;
            if first > now {
                return Err(PlanError::input(
                    "first_attempt_at",
                    format!("`{text}` is after now; give when the first attempt was made"),
                ));
            }
            Some(first)
        }
    };
    let unavailable: Vec<Unavailable> = request
        .unavailable
        .iter()
        .enumerate()
        .map(|(index, text)| {
            hours::parse_unavailable(text).map_err(|message| {
                PlanError::input(
                    format!("unavailable[{index}]"),
                    format!("{message}; write {}", hours::UNAVAILABLE_FORMS),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let office = match request.office_hours.as_deref() {
        Some(text) => hours::parse_hours(text).map_err(|message| {
            PlanError::input(
                "office_hours",
                format!("{message}; write the hours the office makes calls as HH:MM-HH:MM in UK time, such as 08:00-20:00"),
            )
        })?,
        None => calling_hours(role),
    };
    let follow_up = request
        .follow_up
        .unwrap_or(if request.customer.email_address().is_some() {
            FollowUp::Email
        } else {
            FollowUp::Letter
        });
    Ok(Checked {
        role,
        zone,
        now,
        attempt,
        attempts_allowed,
        first_attempt_at,
        unavailable,
        office,
        follow_up,
    })
}

fn parse_instant(field: &str, text: &str) -> Result<DateTime<Utc>, PlanError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            PlanError::input(
                field,
                format!(
                    "`{}` is not a date and time; write it as RFC 3339 with Z or an offset, such as 2026-11-23T14:00:00Z or 2026-11-23T09:00:00-05:00",
                    text.trim()
                ),
            )
        })
}
