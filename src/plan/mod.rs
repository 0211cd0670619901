//! The call planner: when a member of staff may phone a customer, and what to say if nobody
//! answers.
//!
//! Pure functions of a [`PlanRequest`] (plus the clock, when the request gives no `now`):
//! whether a call may be made now, up to 3 attempts in 24 hours, 2 hours apart, each inside
//! the calling hours for the customer's role and time zone (examiner 09:00 to 20:00, customer
//! service 08:00 to 20:00, in the customer's local time) and the office's own hours, each with
//! its voicemail composed from the library; what follows the last attempt; and how long the
//! application stays on hold. Local hours become UTC intervals ([`hours`]), so plans are
//! right across clock changes in the UK and in the customer's zone.

pub mod hours;
mod input;
mod moment;
mod voicemail;
pub mod zone;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Duration, Timelike};
use chrono_tz::Tz;
use serde::Serialize;

use crate::library::Library;
use crate::request::Role;
use hours::{DailyHours, Interval};
use input::Checked;
pub use input::{AttemptNumber, FollowUp, PlanRequest, parse_plan_request};
pub use moment::Moment;
use moment::moment;
use zone::{UK_ZONE, ZoneError};

/// Attempts an examiner makes in one 24-hour period.
pub const MAX_ATTEMPTS: u8 = 3;
/// Time between two attempts.
pub const HOURS_BETWEEN_ATTEMPTS: i64 = 2;
/// The hold reason the guidance names.
pub const HOLD_REASON: &str = "I need to speak to a customer";

/// The answer: whether to call now, when to try, what to say, and what follows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub role: Role,
    /// The customer's IANA time zone.
    pub time_zone: String,
    /// The customer keeps a different time from the UK.
    pub international: bool,
    /// Calling hours in the customer's local time (`null` when they are happy to be called
    /// at any time).
    pub calling_hours: Option<Hours>,
    /// Hours the office makes calls, in UK time.
    pub office_hours: Hours,
    pub now: Moment,
    pub can_call_now: bool,
    /// Why a call can or cannot be made now.
    pub reason: String,
    /// The customer's calling hours are closed: the guidance says to send an email.
    pub send_email_instead: bool,
    /// The attempts still to make, in order; empty when no call can be planned.
    pub attempts: Vec<Attempt>,
    /// What to do after the last attempt if nobody answered.
    pub after_last_attempt: String,
    /// How long the application stays on hold while phone contact is tried.
    pub hold: Option<Hold>,
    /// Other things the member of staff must do or know.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hours {
    pub start: String,
    pub end: String,
}

impl From<DailyHours> for Hours {
    fn from(hours: DailyHours) -> Self {
        Hours {
            start: hours.start_text(),
            end: hours.end_text(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    /// 1 to 3.
    pub number: u8,
    /// Make the call now, rather than at a later time.
    pub now: bool,
    pub at: Moment,
    /// The message to leave if nobody answers.
    pub voicemail: Script,
}

impl Attempt {
    /// When to call, in the customer's time, for people: "now (Monday 23 November 2026 at
    /// 09:00 EST)" for a call to make now, the time alone otherwise.
    pub fn when_text(&self) -> String {
        if self.now {
            format!("now ({})", self.at.customer_text)
        } else {
            self.at.customer_text.clone()
        }
    }
}

/// A script composed from the library.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Script {
    pub template: String,
    pub answers: BTreeMap<String, String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hold {
    pub reason: String,
    pub hours: u32,
    pub until: Moment,
    pub why: String,
}

/// Why a plan could not be made: the field, and what it accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    Input {
        field: String,
        message: String,
    },
    /// A voicemail could not be composed (a missing staff name, a Welsh phrase missing...).
    Script(String),
}

impl PlanError {
    fn input(field: impl Into<String>, message: impl Into<String>) -> Self {
        PlanError::Input {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Input { field, message } => write!(f, "{field}: {message}"),
            PlanError::Script(err) => write!(f, "the voicemail cannot be composed: {err}"),
        }
    }
}

impl std::error::Error for PlanError {}

impl From<ZoneError> for PlanError {
    fn from(err: ZoneError) -> Self {
        PlanError::input(err.field(), err.to_string())
    }
}

/// The calling hours the guidance sets for each role, in the customer's local time.
pub fn calling_hours(role: Role) -> DailyHours {
    match role {
        Role::Examiner => DailyHours::new(9, 20),
        Role::CustomerService => DailyHours::new(8, 20),
    }
}

/// Plans the calls for `request`, composing each attempt's voicemail from `library`.
pub fn plan_calls(library: &Library, request: &PlanRequest) -> Result<Plan, PlanError> {
    let mut plan = schedule_calls(request)?;
    voicemail::compose_all(library, request, &mut plan)?;
    Ok(plan)
}

/// The plan without composing the voicemails: each attempt names its voicemail template and
/// answers, with empty text. [`plan_calls`] fills the text in.
pub fn schedule_calls(request: &PlanRequest) -> Result<Plan, PlanError> {
    let Checked {
        role,
        zone,
        now,
        attempt,
        attempts_allowed,
        first_attempt_at,
        unavailable,
        office,
        follow_up,
    } = input::check(request)?;
    let customer_hours = calling_hours(role);
    let happy = request.happy_outside_hours;
    let international = !zone::is_uk(zone);

    // Every instant a call may start, from a day before the period to 3 days after now.
    let span = |tz: Tz| {
        let first = first_attempt_at
            .unwrap_or(now)
            .with_timezone(&tz)
            .date_naive()
            - Duration::days(1);
        let last = now.with_timezone(&tz).date_naive() + Duration::days(3);
        (first, last)
    };
    let (first_day, last_day) = span(zone);
    let (first_uk, last_uk) = span(UK_ZONE);
    let office_set = hours::daily(UK_ZONE, office, first_uk, last_uk);
    let customer_set = if happy {
        office_set.clone()
    } else {
        hours::daily(zone, customer_hours, first_day, last_day)
    };
    let busy = hours::unavailable(zone, &unavailable, first_day, last_day);
    let allowed = hours::subtract(&hours::intersect(&customer_set, &office_set), &busy);

    let now_ts = now.timestamp();
    let customer_open = happy || hours::contains(&customer_set, now_ts);
    let office_open = hours::contains(&office_set, now_ts);
    let customer_busy = hours::contains(&busy, now_ts);
    let hours_open = customer_open && office_open && !customer_busy;

    let times = attempt_times(
        &allowed,
        now_ts,
        first_attempt_at.map(|at| at.timestamp()),
        attempt,
        attempts_allowed,
        international,
    );
    // Open hours are not enough: the next attempt may still be waiting out its 2 hours.
    let can_call_now = times.times.first() == Some(&now_ts);
    let mut attempts = Vec::with_capacity(times.times.len());
    for (offset, &at) in times.times.iter().enumerate() {
        let number = attempt + offset as u8;
        let voicemail = voicemail::voicemail_choice(role, number, follow_up);
        attempts.push(Attempt {
            number,
            now: at == now_ts,
            at: moment(at, zone),
            voicemail,
        });
    }

    let local_now = now.with_timezone(&zone);
    let customer_minute = local_now.hour() * 60 + local_now.minute();
    let send_email_instead =
        (!happy && !customer_hours.contains_minute(customer_minute)) || attempts.is_empty();
    let reason = if can_call_now {
        "You can call now: it is inside the calling hours for the customer and for the office, and the customer did not say they are unavailable.".to_string()
    } else if !customer_open {
        format!(
            "It is {} for the customer, outside the calling hours ({} in their local time): calling now can cause alarm and distress.",
            clock(local_now.hour(), local_now.minute()),
            customer_hours.describe()
        )
    } else if customer_busy {
        "The customer said they are unavailable now.".to_string()
    } else if hours_open && attempts.is_empty() {
        "The 24 hours that began with the first attempt are over.".to_string()
    } else if hours_open {
        "The first attempt was less than 2 hours ago.".to_string()
    } else {
        let uk_now = now.with_timezone(&UK_ZONE);
        format!(
            "It is {} in the UK, outside the office's calling hours ({} UK time).",
            clock(uk_now.hour(), uk_now.minute()),
            office.describe()
        )
    };

    let after_last_attempt = match role {
        Role::Examiner => match follow_up {
            FollowUp::Email => "If you have not spoken to the customer after the third attempt, send them an email using the comms builder, as the last voicemail said. If there is no suitable template and you still need to speak to the customer, send the Request applicant to call us letter (915) asking them to call you.".to_string(),
            FollowUp::Letter => "If you have not spoken to the customer after the third attempt, send them a letter using the comms builder. If there is no suitable letter and you still need to speak to the customer, send the Request applicant to call us letter (915) asking them to call you.".to_string(),
        },
        Role::CustomerService => match follow_up {
            FollowUp::Email => "If the customer does not answer, leave the voicemail, then complete the enquiry with an email response.".to_string(),
            FollowUp::Letter => "If the customer does not answer, leave the voicemail, then record your attempted contact in the comments section of the call back log.".to_string(),
        },
    };

    let hold = match (role, attempts.first()) {
        (Role::Examiner, Some(_)) => {
            let hours_on_hold: u32 = if times.extended { 48 } else { 24 };
            let why = if times.extended {
                format!(
                    "The time difference leaves too few times to make {} calls within 24 hours, so put the application on hold with the reason twice (48 hours at most).",
                    MAX_ATTEMPTS - attempt + 1
                )
            } else {
                "Put the application on hold for the 24-hour period in which you try to phone the customer; use the reason once.".to_string()
            };
            Some(Hold {
                reason: HOLD_REASON.to_string(),
                hours: hours_on_hold,
                until: moment(times.period_start + i64::from(hours_on_hold) * 3600, zone),
                why,
            })
        }
        _ => None,
    };

    let mut notes = Vec::new();
    if send_email_instead {
        notes.push(if attempts.is_empty() {
            if attempt > 1 && request.first_attempt_at.is_some() {
                "No call fits inside the calling hours in the 24 hours that began with the first attempt: send an email instead.".to_string()
            } else {
                "No call fits inside the calling hours for the customer and the office in the next 24 hours (48 for a customer abroad): send an email instead.".to_string()
            }
        } else {
            format!(
                "The customer's calling hours are closed now: send an email instead, as the guidance says. If you still need to phone, the first time you may is {}.",
                attempts[0].at.customer_text
            )
        });
    }
    if !attempts.is_empty() && attempts.len() < usize::from(attempts_allowed - attempt + 1) {
        notes.push(format!(
            "Only {} of the {} remaining attempts fit inside the calling hours within {} hours.",
            attempts.len(),
            attempts_allowed - attempt + 1,
            if times.extended { 48 } else { 24 }
        ));
    }
    for pair in attempts.windows(2) {
        let gap = pair[1].at.utc - pair[0].at.utc;
        if pair[0].number < MAX_ATTEMPTS
            && gap > Duration::hours(HOURS_BETWEEN_ATTEMPTS) + Duration::minutes(1)
        {
            notes.push(format!(
                "The voicemail on attempt {} says you will call again in 2 hours, but the next time you may call is {}.",
                pair[0].number, pair[1].at.customer_text
            ));
        }
    }
    if role == Role::Examiner && !attempts.is_empty() {
        notes.push("Add a case note detailing your actions after each attempt.".to_string());
    }
    if happy {
        notes.push(
            "The customer said they are happy to be called outside the usual hours.".to_string(),
        );
    }
    if request.time_zone.is_none()
        && request.customer.time_zone.is_none()
        && request.country.is_none()
    {
        notes.push(
            "No time zone or country was given, so the customer is taken to be in the UK."
                .to_string(),
        );
    }

    Ok(Plan {
        role,
        time_zone: zone.name().to_string(),
        international,
        calling_hours: (!happy).then(|| customer_hours.into()),
        office_hours: office.into(),
        now: moment(now_ts, zone),
        can_call_now,
        reason,
        send_email_instead,
        attempts,
        after_last_attempt,
        hold,
        notes,
    })
}

/// The times of the attempts still to make.
struct AttemptTimes {
    times: Vec<i64>,
    /// When the 24 hours of phone contact began: the first attempt.
    period_start: i64,
    /// The attempts run into a second 24-hour period (international customers only).
    extended: bool,
}

/// Attempt `first` at the first allowed instant from now, each later one at the first allowed
/// instant at least 2 hours (rounded up to the minute) after the one before, all within 24
/// hours of the first attempt (`first_attempt_at`, or the first planned), or 48 hours for an
/// international customer when 24 are not enough.
fn attempt_times(
    allowed: &[Interval],
    now: i64,
    first_attempt_at: Option<i64>,
    first: u8,
    last: u8,
    international: bool,
) -> AttemptTimes {
    let Some(period_start) = first_attempt_at.or_else(|| hours::earliest_from(allowed, now)) else {
        return AttemptTimes {
            times: Vec::new(),
            period_start: now,
            extended: false,
        };
    };
    let place = |limit: i64| {
        let mut times = Vec::with_capacity(usize::from(last));
        // The second attempt comes at least 2 hours after the first, whose time is known.
        let mut from = match first_attempt_at {
            Some(first_at) if first == 2 => {
                now.max(round_up_to_minute(first_at + HOURS_BETWEEN_ATTEMPTS * 3600))
            }
            _ => now,
        };
        for _ in first..=last {
            match hours::earliest_from(allowed, from) {
                Some(at) if at < limit => {
                    times.push(at);
                    from = round_up_to_minute(at + HOURS_BETWEEN_ATTEMPTS * 3600);
                }
                _ => break,
            }
        }
        times
    };
    let day = place(period_start + 24 * 3600);
    let wanted = usize::from(last - first + 1);
    if day.len() < wanted && international {
        let two_days = place(period_start + 48 * 3600);
        if two_days.len() > day.len() {
            return AttemptTimes {
                times: two_days,
                period_start,
                extended: true,
            };
        }
    }
    AttemptTimes {
        times: day,
        period_start,
        extended: false,
    }
}

fn round_up_to_minute(at: i64) -> i64 {
    (at + 59).div_euclid(60) * 60
}

fn clock(hour: u32, minute: u32) -> String {
    format!("{hour:02}:{minute:02}")
}
