//! Recipient checks for email: one well-formed address, and a warning when its domain looks
//! like a misspelt common provider (`hotmall.com` for `hotmail.com`). The guidance names these
//! typos as the usual cause of undelivered email and data breaches; the address is never
//! changed silently, staff decide.

use std::fmt;

use crate::document::SourceKind;
use crate::lint::{Field, Finding, Severity};

/// Rule name of the findings this module produces.
pub const RULE: &str = "email-recipient";

/// Domains of common email providers. An address at one of these is never questioned; an
/// address at a domain one or two typing slips away from one of them gets a warning.
const COMMON_PROVIDERS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "live.com",
    "live.co.uk",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "aol.co.uk",
    "btinternet.com",
    "sky.com",
    "virginmedia.com",
    "talktalk.net",
    "ntlworld.com",
    "protonmail.com",
    "proton.me",
    "mail.com",
    "gmx.com",
    "gmx.co.uk",
];

/// Why an address cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressError {
    pub address: String,
    pub reason: String,
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "customer.email `{}` is not a usable email address: {}",
            self.address, self.reason
        )
    }
}

impl std::error::Error for AddressError {}

/// Checks that `address` is exactly one well-formed address with a domain on the internet,
/// and returns it parsed.
pub fn parse_address(address: &str) -> Result<lettre::Address, AddressError> {
    let refuse = |reason: &str| AddressError {
        address: address.to_string(),
        reason: reason.to_string(),
    };
    if address.chars().any(char::is_control) {
        return Err(refuse(
            "it holds a line break or control character; give one address on one line",
        ));
    }
    let trimmed = address.trim();
    if trimmed.is_empty() {
        return Err(refuse(
            "it is empty; give one address such as name@example.com",
        ));
    }
    if trimmed.contains([',', ';']) || trimmed.matches('@').count() > 1 {
        return Err(refuse(
            "it holds more than one address; give exactly one, such as name@example.com",
        ));
    }
    if trimmed.contains(char::is_whitespace) {
        return Err(refuse(
            "it contains a space; an address has no spaces, such as name@example.com",
        ));
    }
    if trimmed.contains(['<', '>']) {
        return Err(refuse(
            "give the address alone, without a name or angle brackets, such as name@example.com",
        ));
    }
    let Some((user, domain)) = trimmed.rsplit_once('@') else {
        return Err(refuse(
            "it has no @; an address looks like name@example.com",
        ));
    };
    if user.is_empty() {
        return Err(refuse("nothing comes before the @"));
    }
    if domain.is_empty() {
        return Err(refuse(
            "nothing comes after the @; add the domain, such as example.com",
        ));
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Err(refuse(&format!(
            "the domain `{domain}` is incomplete; a domain looks like example.com"
        )));
    }
    trimmed.parse::<lettre::Address>().map_err(|err| {
        let reason = match err {
            lettre::address::AddressError::InvalidUser => {
                format!("the part before the @ (`{user}`) has characters an address cannot hold")
            }
            lettre::address::AddressError::InvalidDomain => {
                format!("the domain `{domain}` has characters a domain cannot hold")
            }
            other => format!("{other}; an address looks like name@example.com"),
        };
        refuse(&reason)
    })
}

/// The common provider `domain` is probably a misspelling of, if any: one typing slip away, or
/// two from a long domain.
pub fn likely_domain(domain: &str) -> Option<&'static str> {
    let domain = domain.trim().to_ascii_lowercase();
    if COMMON_PROVIDERS.contains(&domain.as_str()) {
        return None;
    }
    let domain: Vec<char> = domain.chars().collect();
    let mut rows = DistanceRows::default();
    let mut best: Option<(usize, &'static str)> = None;
    for known in COMMON_PROVIDERS {
        let limit = if known.len() >= 9 { 2 } else { 1 };
        // Providers' names are ASCII: their length in bytes is their length in characters.
        if domain.len().abs_diff(known.len()) > limit {
            continue;
        }
        let known_chars: Vec<char> = known.chars().collect();
        if let Some(distance) = rows.distance_within(&domain, &known_chars, limit)
            && best.is_none_or(|(shortest, _)| distance < shortest)
        {
            best = Some((distance, known));
        }
    }
    best.map(|(_, known)| known)
}

/// The findings for the recipient of an email: an error when the address is malformed, a
/// warning when its domain looks misspelt. No address at all is not a finding (staff may
/// copy the text into the case system); sending refuses it.
pub fn findings(address: Option<&str>) -> Vec<Finding> {
    let Some(address) = address else {
        return Vec::new();
    };
    match parse_address(address) {
        Err(err) => vec![Finding {
            rule: RULE.into(),
            severity: Severity::Error,
            message: err.to_string(),
            field: Field::Recipient,
            line: 0,
            column: 0,
            text: address.to_string(),
            suggestion: None,
            source: SourceKind::Placeholder,
            phrase: None,
        }],
        Ok(parsed) => match likely_domain(parsed.domain()) {
            Some(known) => vec![Finding {
                rule: RULE.into(),
                severity: Severity::Warning,
                message: format!(
                    "the email address domain `{}` looks like a misspelling: did you mean {known}? Check the address with the customer's application before sending",
                    parsed.domain()
                ),
                field: Field::Recipient,
                line: 0,
                column: 0,
                text: address.to_string(),
                suggestion: Some(format!("{}@{known}", parsed.user())),
                source: SourceKind::Placeholder,
                phrase: None,
            }],
            None => Vec::new(),
        },
    }
}

/// Three rows of the optimal string alignment table (insertions, deletions, substitutions and
/// swaps of two neighbouring characters each count one), kept between comparisons.
#[derive(Default)]
struct DistanceRows {
    before_last: Vec<usize>,
    last: Vec<usize>,
    current: Vec<usize>,
}

impl DistanceRows {
    /// The distance from `a` to `b` when it is at most `limit`; `None` when it is more, found
    /// out as soon as a whole row exceeds the limit.
    fn distance_within(&mut self, a: &[char], b: &[char], limit: usize) -> Option<usize> {
        if a.len().abs_diff(b.len()) > limit {
            return None;
        }
        let width = b.len() + 1;
        for row in [&mut self.before_last, &mut self.last, &mut self.current] {
            row.clear();
            row.resize(width, 0);
        }
        self.last
            .iter_mut()
            .enumerate()
            .for_each(|(j, cell)| *cell = j);
        for i in 1..=a.len() {
            self.current[0] = i;
            let mut row_min = i;
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (self.last[j] + 1)
                    .min(self.current[j - 1] + 1)
                    .min(self.last[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(self.before_last[j - 2] + 1);
                }
                self.current[j] = best;
                row_min = row_min.min(best);
            }
            if row_min > limit {
                return None;
            }
            std::mem::swap(&mut self.before_last, &mut self.last);
            std::mem::swap(&mut self.last, &mut self.current);
        }
        Some(self.last[b.len()]).filter(|distance| *distance <= limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_providers_from_the_guidance_are_caught() {
        assert_eq!(likely_domain("hotmall.com"), Some("hotmail.com"));
        assert_eq!(likely_domain("ouilook.com"), Some("outlook.com"));
        assert_eq!(likely_domain("gmial.com"), Some("gmail.com"));
        assert_eq!(likely_domain("yaho.co.uk"), Some("yahoo.co.uk"));
        assert_eq!(likely_domain("HOTMAIL.CO"), Some("hotmail.com"));
    }

    #[test]
    fn distances_count_each_slip_once() {
        let distance = |a: &str, b: &str, limit: usize| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            DistanceRows::default().distance_within(&a, &b, limit)
        };
        assert_eq!(distance("gmail.com", "gmail.com", 2), Some(0));
        assert_eq!(distance("gmial.com", "gmail.com", 2), Some(1), "a swap");
        assert_eq!(distance("gmal.com", "gmail.com", 2), Some(1), "a deletion");
        assert_eq!(
            distance("gmaill.com", "gmail.com", 2),
            Some(1),
            "an insertion"
        );
        assert_eq!(
            distance("gnail.com", "gmail.com", 2),
            Some(1),
            "a substitution"
        );
        assert_eq!(distance("hotmall.co", "hotmail.com", 2), Some(2));
        assert_eq!(distance("hotmall.co", "hotmail.com", 1), None);
        assert_eq!(distance("example.com", "gmail.com", 2), None);
        assert_eq!(distance("", "ab", 2), Some(2));
        assert_eq!(distance("é.com", "e.com", 1), Some(1));
    }

    #[test]
    fn real_domains_are_left_alone() {
        for domain in [
            "gmail.com",
            "hotmail.co.uk",
            "example.com",
            "hmpo.gov.uk",
            "cardiff.ac.uk",
        ] {
            assert_eq!(likely_domain(domain), None, "{domain}");
        }
    }

    #[test]
    fn malformed_addresses_are_refused_with_the_reason() {
        let reason = |address: &str| parse_address(address).unwrap_err().reason;
        assert!(reason("sian.jones").contains("no @"));
        assert!(reason("a@example.com, b@example.com").contains("more than one"));
        assert!(reason("a@example.com b@example.com").contains("more than one"));
        assert!(reason("sian jones@example.com").contains("space"));
        assert!(reason("sian@localhost").contains("incomplete"));
        assert!(reason("@example.com").contains("before the @"));
        assert!(reason("sian@").contains("after the @"));
        assert!(reason("sian@example.com\r\nBcc: x@evil.com").contains("line break"));
        assert!(reason("sian@example.com\r\n").contains("line break"));
        assert!(parse_address("sian.jones@example.com").is_ok());
    }

    #[test]
    fn typo_gives_a_warning_with_the_suggestion_not_a_change() {
        let findings = findings(Some("sian@hotmall.com"));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(findings[0].message.contains("did you mean hotmail.com?"));
        assert_eq!(findings[0].suggestion.as_deref(), Some("sian@hotmail.com"));
        assert_eq!(findings[0].text, "sian@hotmall.com");
    }
}
