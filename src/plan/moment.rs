//! Instants as staff and programs read them: UTC, the customer's local time and UK time.

use chrono::{DateTime, Datelike, Offset, Timelike, Utc};
use chrono_tz::{OffsetName, Tz};
use serde::Serialize;

use super::zone::UK_ZONE;

/// One instant, in UTC, in the customer's time and in UK time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moment {
    pub utc: DateTime<Utc>,
    /// RFC 3339 with the customer's offset.
    pub customer_time: String,
    /// RFC 3339 with the UK offset.
    pub uk_time: String,
    /// "Monday 23 November 2026 at 14:00 EST", for people.
    pub customer_text: String,
    /// "19:00 GMT", for people.
    pub uk_text: String,
}

/// An instant for people and programs, in the customer's zone and in the UK.
pub fn moment(at: i64, zone: Tz) -> Moment {
    let utc = DateTime::<Utc>::from_timestamp(at, 0).unwrap_or_default();
    let local = utc.with_timezone(&zone);
    let uk = utc.with_timezone(&UK_ZONE);
    Moment {
        utc,
        customer_time: local.to_rfc3339(),
        uk_time: uk.to_rfc3339(),
        customer_text: format!(
            "{} {} at {}",
            day_text(&local),
            local.year(),
            time_text(&local)
        ),
        uk_text: format!("{} {}", day_text(&uk), time_text(&uk)),
    }
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "Monday 23 November".
fn day_text(at: &DateTime<Tz>) -> String {
    format!(
        "{} {} {}",
        WEEKDAYS[at.weekday().num_days_from_monday() as usize],
        at.day(),
        MONTHS[at.month0() as usize]
    )
}

/// "14:00 EST" (the zone's abbreviation, or its offset where it has none).
fn time_text(at: &DateTime<Tz>) -> String {
    let offset = at.offset();
    let name = match offset.abbreviation() {
        Some(abbreviation) => abbreviation.to_string(),
        None => offset.fix().to_string(),
    };
    format!("{:02}:{:02} {name}", at.hour(), at.minute())
}
