//! Local wall-clock hours turned into UTC intervals: calling hours, office hours and the times
//! a customer said they are unavailable. Working in UTC instants after the conversion is what
//! keeps plans right across clock changes.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Weekday};
use chrono_tz::Tz;

/// A span of time, `[start, end)`, in seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: i64,
    pub end: i64,
}

/// Hours of every day in local time, as minutes after midnight. An end at or before the start
/// runs past midnight into the next day (22:00-07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyHours {
    pub start: u32,
    pub end: u32,
}

impl DailyHours {
    pub const fn new(start_hour: u32, end_hour: u32) -> Self {
        DailyHours {
            start: start_hour * 60,
            end: end_hour * 60,
        }
    }

    /// True when `minute` (after local midnight) is inside these hours.
    pub fn contains_minute(&self, minute: u32) -> bool {
        if self.start < self.end {
            (self.start..self.end).contains(&minute)
        } else {
            minute >= self.start || minute < self.end
        }
    }

    /// `09:00` to `20:00` style, for messages.
    pub fn describe(&self) -> String {
        format!("{} to {}", clock(self.start), clock(self.end))
    }

    pub fn start_text(&self) -> String {
        clock(self.start)
    }

    pub fn end_text(&self) -> String {
        clock(self.end)
    }
}

fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A time the customer said they cannot take a call, in their own local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The same hours every day.
    Daily(DailyHours),
    /// Those hours on every such day of the week.
    Weekday(Weekday, DailyHours),
    /// Those hours on one date (the whole date when no hours were given).
    Date(NaiveDate, DailyHours),
}

const WHOLE_DAY: DailyHours = DailyHours {
    start: 0,
    end: 24 * 60,
};

/// What `unavailable` entries may look like, for error messages.
pub const UNAVAILABLE_FORMS: &str = "HH:MM-HH:MM for every day (12:00-14:00), a day of the week and hours (Monday 09:00-12:00), a date and hours (2026-11-24 09:00-12:00), or a whole date (2026-11-24), all in the customer's local time";

/// Reads `HH:MM-HH:MM` (also with an en dash or ` to `).
pub fn parse_hours(text: &str) -> Result<DailyHours, String> {
    let normalised = text.trim().replace(" to ", "-").replace('–', "-");
    let (start, end) = normalised
        .split_once('-')
        .ok_or_else(|| format!("`{}` is not a range of hours", text.trim()))?;
    let start = parse_clock(start.trim())
        .ok_or_else(|| format!("`{}` is not a time of day (HH:MM)", start.trim()))?;
    let end = parse_clock(end.trim())
        .ok_or_else(|| format!("`{}` is not a time of day (HH:MM)", end.trim()))?;
    if start == end {
        return Err(format!(
            "`{}` starts and ends at the same time",
            text.trim()
        ));
    }
    Ok(DailyHours { start, end })
}

/// `HH:MM` (or `H:MM`), 00:00 to 24:00, as minutes after midnight.
fn parse_clock(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= 24 * 60).then_some(total)
}

/// Reads one `unavailable` entry; see [`UNAVAILABLE_FORMS`].
pub fn parse_unavailable(text: &str) -> Result<Unavailable, String> {
    let trimmed = text.trim();
    let (first, rest) = match trimmed.split_once(char::is_whitespace) {
        Some((first, rest)) => (first, rest.trim()),
        None => (trimmed, ""),
    };
    if let Ok(date) = NaiveDate::parse_from_str(first, "%Y-%m-%d") {
        let hours = if rest.is_empty() {
            WHOLE_DAY
        } else {
            parse_hours(rest)?
        };
        return Ok(Unavailable::Date(date, hours));
    }
    if let Ok(weekday) = first.trim_end_matches(['s', ',']).parse::<Weekday>() {
        let hours = if rest.is_empty() {
            WHOLE_DAY
        } else {
            parse_hours(rest)?
        };
        return Ok(Unavailable::Weekday(weekday, hours));
    }
    Ok(Unavailable::Daily(parse_hours(trimmed)?))
}

/// The instant a local wall-clock time happens. A time that happens twice (when clocks go
/// back) is the first; a time that never happens (when clocks go forward) is the first
/// moment after the gap.
pub fn local_to_utc(zone: Tz, local: NaiveDateTime) -> i64 {
    let mut candidate = local;
    for _ in 0..16 {
        if let Some(at) = zone.from_local_datetime(&candidate).earliest() {
            return at.timestamp();
        }
        candidate += Duration::minutes(15);
    }
    local.and_utc().timestamp()
}

/// The hours on `date` as an interval (running into the next day when they pass midnight).
fn interval_on(zone: Tz, date: NaiveDate, hours: DailyHours) -> Interval {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    let start = midnight + Duration::minutes(i64::from(hours.start));
    let end_minutes = if hours.end > hours.start {
        i64::from(hours.end)
    } else {
        i64::from(hours.end) + 24 * 60
    };
    let end = midnight + Duration::minutes(end_minutes);
    Interval {
        start: local_to_utc(zone, start),
        end: local_to_utc(zone, end),
    }
}

/// The hours on each local date from `first` to `last`, as sorted, merged intervals.
pub fn daily(zone: Tz, hours: DailyHours, first: NaiveDate, last: NaiveDate) -> Vec<Interval> {
    let mut intervals = Vec::new();
    let mut date = first;
    while date <= last {
        intervals.push(interval_on(zone, date, hours));
        date = date.succ_opt().unwrap_or(date);
        if date == NaiveDate::MAX {
            break;
        }
    }
    normalise(intervals)
}

/// The unavailable times falling on local dates `first` to `last`, as intervals.
pub fn unavailable(
    zone: Tz,
    entries: &[Unavailable],
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<Interval> {
    let mut intervals = Vec::new();
    for entry in entries {
        match *entry {
            Unavailable::Daily(hours) => intervals.extend(daily(zone, hours, first, last)),
            Unavailable::Weekday(weekday, hours) => {
                let mut date = first;
                while date <= last {
                    if date.weekday() == weekday {
                        intervals.push(interval_on(zone, date, hours));
                    }
                    let Some(next) = date.succ_opt() else { break };
                    date = next;
                }
            }
            Unavailable::Date(date, hours) => intervals.push(interval_on(zone, date, hours)),
        }
    }
    normalise(intervals)
}

/// Sorts intervals and merges those that overlap or touch; drops empty ones.
pub fn normalise(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.retain(|i| i.end > i.start);
    intervals.sort_unstable_by_key(|i| i.start);
    let mut merged: Vec<Interval> = Vec::with_capacity(intervals.len());
    for interval in intervals {
        match merged.last_mut() {
            Some(last) if interval.start <= last.end => last.end = last.end.max(interval.end),
            _ => merged.push(interval),
        }
    }
    merged
}

/// Instants in both sets (both sorted and merged).
pub fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let start = a[i].start.max(b[j].start);
        let end = a[i].end.min(b[j].end);
        if start < end {
            out.push(Interval { start, end });
        }
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Instants in `a` and not in `b` (both sorted and merged).
pub fn subtract(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    for interval in a {
        let mut start = interval.start;
        for cut in b {
            if cut.end <= start || cut.start >= interval.end {
                continue;
            }
            if cut.start > start {
                out.push(Interval {
                    start,
                    end: cut.start,
                });
            }
            start = start.max(cut.end);
        }
        if start < interval.end {
            out.push(Interval {
                start,
                end: interval.end,
            });
        }
    }
    out
}

/// The first instant at or after `at` inside the set.
pub fn earliest_from(set: &[Interval], at: i64) -> Option<i64> {
    set.iter()
        .find(|interval| interval.end > at)
        .map(|interval| interval.start.max(at))
}

/// True when `at` is inside the set.
pub fn contains(set: &[Interval], at: i64) -> bool {
    set.iter()
        .any(|interval| interval.start <= at && at < interval.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(start: i64, end: i64) -> Interval {
        Interval { start, end }
    }

    #[test]
    fn set_operations() {
        let a = vec![iv(0, 10), iv(20, 30)];
        let b = vec![iv(5, 25)];
        assert_eq!(intersect(&a, &b), vec![iv(5, 10), iv(20, 25)]);
        assert_eq!(subtract(&a, &b), vec![iv(0, 5), iv(25, 30)]);
        assert_eq!(
            normalise(vec![iv(5, 8), iv(0, 5), iv(9, 9)]),
            vec![iv(0, 8)]
        );
        assert_eq!(earliest_from(&a, 12), Some(20));
        assert_eq!(earliest_from(&a, 7), Some(7));
        assert_eq!(earliest_from(&a, 30), None);
        assert!(contains(&a, 0) && !contains(&a, 10));
    }

    #[test]
    fn unavailable_forms() {
        assert_eq!(
            parse_unavailable("12:00-14:00"),
            Ok(Unavailable::Daily(DailyHours::new(12, 14)))
        );
        assert_eq!(
            parse_unavailable("Mondays 9:00 – 12:00"),
            Ok(Unavailable::Weekday(Weekday::Mon, DailyHours::new(9, 12)))
        );
        let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(
            parse_unavailable("2026-11-24"),
            Ok(Unavailable::Date(date, WHOLE_DAY))
        );
        assert_eq!(
            parse_unavailable("2026-11-24 18:00 to 24:00"),
            Ok(Unavailable::Date(date, DailyHours::new(18, 24)))
        );
        assert!(parse_unavailable("lunchtime").is_err());
        assert!(parse_unavailable("12-14").is_err());
        assert!(parse_unavailable("12:00-12:00").is_err());
        assert!(parse_unavailable("25:00-26:00").is_err());
    }

    #[test]
    fn hours_past_midnight_wrap() {
        let night = parse_hours("22:00-07:00").unwrap();
        assert!(night.contains_minute(23 * 60) && night.contains_minute(60));
        assert!(!night.contains_minute(12 * 60));
        let zone = chrono_tz::UTC;
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let set = daily(zone, night, date, date);
        assert_eq!(set[0].end - set[0].start, 9 * 3600);
    }

    #[test]
    fn local_times_in_a_clock_change_gap_move_forward() {
        let zone = chrono_tz::Europe::London;
        // 01:30 on 29 March 2026 does not exist in London: clocks go from 01:00 to 02:00.
        let gap = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        let after = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(1, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        assert_eq!(local_to_utc(zone, gap), after);
    }
}
