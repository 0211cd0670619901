//! How dates, money and the time of day are written, in English and Welsh.

use chrono::{Datelike, NaiveDate, Timelike};

use crate::request::Language;

const WELSH_MONTHS: [&str; 12] = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
];

/// English month names, January first.
pub const ENGLISH_MONTHS: [&str; 12] = [
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

/// A date as the house style writes it: DD Month YYYY, such as 01 January 2024 or
/// 23 Tachwedd 2026.
pub fn format_date(date: NaiveDate, language: Language) -> String {
    let months = match language {
        Language::En => &ENGLISH_MONTHS,
        Language::Cy => &WELSH_MONTHS,
    };
    format!(
        "{:02} {} {}",
        date.day(),
        months[date.month0() as usize],
        date.year()
    )
}

/// An amount in pence as pounds: £30.00, £1,250.00.
pub fn format_money(pence: u64) -> String {
    let pounds = pence / 100;
    let digits = pounds.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("£{grouped}.{:02}", pence % 100)
}

/// Reads an amount of money: `30`, `30.5`, `30.50`, `£1,250.00`. Returns pence.
pub fn parse_money(text: &str) -> Option<u64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (pounds, pence) = match cleaned.split_once('.') {
        Some((pounds, pence)) => (pounds, pence),
        None => (cleaned.as_str(), ""),
    };
    if pounds.is_empty() || !pounds.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if pence.len() > 2 || !pence.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let pounds: u64 = pounds.parse().ok()?;
    let pence: u64 = match pence.len() {
        0 => 0,
        1 => pence.parse::<u64>().ok()? * 10,
        _ => pence.parse().ok()?,
    };
    pounds.checked_mul(100)?.checked_add(pence)
}

/// "Good morning" before 12:00, "Good afternoon" before 18:00, "Good evening" after.
pub fn good_time_of_day(time: impl Timelike, language: Language) -> &'static str {
    let hour = time.hour();
    match (language, hour) {
        (Language::En, 0..=11) => "Good morning",
        (Language::En, 12..=17) => "Good afternoon",
        (Language::En, _) => "Good evening",
        (Language::Cy, 0..=11) => "Bore da",
        (Language::Cy, 12..=17) => "Prynhawn da",
        (Language::Cy, _) => "Noswaith dda",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_have_a_leading_zero_and_welsh_months() {
        let date = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        assert_eq!(format_date(date, Language::En), "01 January 2024");
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(format_date(date, Language::Cy), "23 Tachwedd 2026");
    }

    #[test]
    fn money_is_pounds_and_pence() {
        assert_eq!(format_money(3000), "£30.00");
        assert_eq!(format_money(125_050), "£1,250.50");
        assert_eq!(format_money(5), "£0.05");
        assert_eq!(format_money(100_000_000), "£1,000,000.00");
        assert_eq!(parse_money("£1,250.5"), Some(125_050));
        assert_eq!(parse_money("30"), Some(3000));
        assert_eq!(parse_money("30.123"), None);
        assert_eq!(parse_money("-3"), None);
        assert_eq!(parse_money("abc"), None);
    }

    #[test]
    fn time_of_day_boundaries() {
        let at = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        assert_eq!(good_time_of_day(at(11), Language::En), "Good morning");
        assert_eq!(good_time_of_day(at(12), Language::En), "Good afternoon");
        assert_eq!(good_time_of_day(at(18), Language::En), "Good evening");
        assert_eq!(good_time_of_day(at(18), Language::Cy), "Noswaith dda");
    }
}
