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
    let mut customer_text = String::with_capacity(40);
    push_day(&mut customer_text, &local);
    customer_text.push(' ');
    push_number(&mut customer_text, local.year().unsigned_abs(), 4);
    customer_text.push_str(" at ");
    push_time(&mut customer_text, &local);
    let mut uk_text = String::with_capacity(32);
    push_day(&mut uk_text, &uk);
    uk_text.push(' ');
    push_time(&mut uk_text, &uk);
    Moment {
        utc,
        customer_time: local.to_rfc3339(),
        uk_time: uk.to_rfc3339(),
        customer_text,
        uk_text,
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

use crate::compose::format::ENGLISH_MONTHS as MONTHS;

/// "Monday 23 November".
fn push_day(out: &mut String, at: &DateTime<Tz>) {
    out.push_str(WEEKDAYS[at.weekday().num_days_from_monday() as usize]);
    out.push(' ');
    push_number(out, at.day(), 1);
    out.push(' ');
    out.push_str(MONTHS[at.month0() as usize]);
}

/// "14:00 EST" (the zone's abbreviation, or its offset where it has none).
fn push_time(out: &mut String, at: &DateTime<Tz>) {
    push_number(out, at.hour(), 2);
    out.push(':');
    push_number(out, at.minute(), 2);
    out.push(' ');
    let offset = at.offset();
    match offset.abbreviation() {
        Some(abbreviation) => out.push_str(abbreviation),
        None => out.push_str(&offset.fix().to_string()),
    }
}

/// Writes `number` in decimal with at least `width` digits.
fn push_number(out: &mut String, number: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut rest = number;
    let mut count = 0;
    while rest > 0 || count == 0 {
        digits[digits.len() - 1 - count] = b'0' + (rest % 10) as u8;
        rest /= 10;
        count += 1;
    }
    let count = count.max(width).min(digits.len());
    for &digit in &digits[digits.len() - count..] {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_read_naturally_in_both_zones() {
        let at = DateTime::parse_from_rfc3339("2026-11-23T14:05:00Z")
            .unwrap()
            .timestamp();
        let moment = moment(at, chrono_tz::America::New_York);
        assert_eq!(moment.customer_text, "Monday 23 November 2026 at 09:05 EST");
        assert_eq!(moment.uk_text, "Monday 23 November 14:05 GMT");
        assert_eq!(moment.customer_time, "2026-11-23T09:05:00-05:00");
        // A zone without a lettered abbreviation shows its offset.
        let dubai = super::moment(at, chrono_tz::Asia::Dubai);
        assert_eq!(
            dubai.customer_text,
            "Monday 23 November 2026 at 18:05 +04:00"
        );
    }
}
