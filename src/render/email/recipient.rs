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
const COMMON_PROVIDERS: [&str; 26] = [
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
    let domain = domain.trim();
    // Providers' names are ASCII and at most LONGEST_PROVIDER long: anything else is more
    // than two slips from all of them (a non-ASCII letter is one slip, but a domain with one
    // is no provider's).
    if !domain.is_ascii() || domain.len() > LONGEST_PROVIDER + 2 {
        return None;
    }
    let mut lower = [0u8; LONGEST_PROVIDER + 2];
    let lower = &mut lower[..domain.len()];
    lower.copy_from_slice(domain.as_bytes());
    lower.make_ascii_lowercase();
    if COMMON_PROVIDERS
        .iter()
        .any(|known| known.as_bytes() == lower)
    {
        return None;
    }
    let mut best: Option<(usize, &'static str)> = None;
    let letters = letter_set(lower);
    for (known, &known_letters) in COMMON_PROVIDERS.iter().zip(&PROVIDER_LETTERS) {
        let limit = if known.len() >= 9 { 2 } else { 1 };
        // Each slip changes the length by at most one and adds at most one letter the other
        // name lacks, so names further apart than `limit` are not compared in full.
        if known.len().abs_diff(lower.len()) > limit
            || lacking(lower, known_letters) > limit
            || lacking(known.as_bytes(), letters) > limit
        {
            continue;
        }
        if let Some(distance) = distance_within(lower, known.as_bytes(), limit)
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

/// The longest provider domain, in bytes.
const LONGEST_PROVIDER: usize = 15;

/// The set of ASCII bytes in `text`, one bit each.
const fn letter_set(text: &[u8]) -> u128 {
    let mut set = 0;
    let mut at = 0;
    while at < text.len() {
        set |= 1u128 << (text[at] & 0x7f);
        at += 1;
    }
    set
}

/// The letter set of each provider, by its place in [`COMMON_PROVIDERS`].
const PROVIDER_LETTERS: [u128; COMMON_PROVIDERS.len()] = {
    let mut sets = [0; COMMON_PROVIDERS.len()];
    let mut index = 0;
    while index < sets.len() {
        sets[index] = letter_set(COMMON_PROVIDERS[index].as_bytes());
        index += 1;
    }
    sets
};

/// How many bytes of `text` are not in `set`.
fn lacking(text: &[u8], set: u128) -> usize {
    text.iter()
        .filter(|byte| set & 1u128 << (*byte & 0x7f) == 0)
        .count()
}

/// The optimal string alignment distance from `a` to `b` (insertions, deletions, substitutions
/// and swaps of two neighbouring characters each count one) when it is at most `limit`;
/// `None` when it is more, found out as soon as a whole row exceeds the limit. Both are at
/// most `LONGEST_PROVIDER + 2` bytes.
fn distance_within(a: &[u8], b: &[u8], limit: usize) -> Option<usize> {
    const WIDTH: usize = LONGEST_PROVIDER + 3;
    if a.len().abs_diff(b.len()) > limit || a.len() >= WIDTH || b.len() >= WIDTH {
        return None;
    }
    let mut before_last = [0usize; WIDTH];
    let mut last: [usize; WIDTH] = std::array::from_fn(|j| j);
    let mut current = [0usize; WIDTH];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (last[j] + 1)
                .min(current[j - 1] + 1)
                .min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before_last[j - 2] + 1);
            }
            current[j] = best;
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return None;
        }
        before_last = last;
        last = current;
    }
    Some(last[b.len()]).filter(|distance| *distance <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_single_slip_from_a_provider_is_caught() {
        for provider in COMMON_PROVIDERS {
            let name = provider.as_bytes();
            let mut slips: Vec<Vec<u8>> = Vec::new();
            for at in 0..name.len() {
                let mut deleted = name.to_vec();
                deleted.remove(at);
                slips.push(deleted);
                if at + 1 < name.len() {
                    let mut swapped = name.to_vec();
                    swapped.swap(at, at + 1);
                    slips.push(swapped);
                }
                for letter in b'a'..=b'z' {
                    let mut changed = name.to_vec();
                    changed[at] = letter;
                    slips.push(changed);
                    let mut inserted = name.to_vec();
                    inserted.insert(at, letter);
                    slips.push(inserted);
                }
            }
            for slip in slips {
                let slip = String::from_utf8(slip).unwrap();
                if COMMON_PROVIDERS.contains(&slip.as_str()) || slip == *provider {
                    continue;
                }
                assert!(likely_domain(&slip).is_some(), "{slip} (from {provider})");
            }
        }
        assert_eq!(likely_domain("example.com"), None);
    }

    #[test]
    fn misspelt_providers_from_the_guidance_are_caught() {
        assert_eq!(likely_domain("hotmall.com"), Some("hotmail.com"));
        assert_eq!(likely_domain("ouilook.com"), Some("outlook.com"));
        assert_eq!(likely_domain("gmial.com"), Some("gmail.com"));
        assert_eq!(likely_domain("yaho.co.uk"), Some("yahoo.co.uk"));
        assert_eq!(likely_domain("HOTMAIL.CO"), Some("hotmail.com"));
        assert_eq!(likely_domain(" gmial.com "), Some("gmail.com"));
        assert_eq!(
            likely_domain("gmäil.com"),
            None,
            "not a provider's: left to staff"
        );
    }

    #[test]
    fn longest_provider_is_the_longest() {
        let longest = COMMON_PROVIDERS.iter().map(|p| p.len()).max();
        assert_eq!(longest, Some(LONGEST_PROVIDER));
        assert!(COMMON_PROVIDERS.iter().all(|p| p.is_ascii()));
    }

    #[test]
    fn distances_count_each_slip_once() {
        let distance =
            |a: &str, b: &str, limit: usize| distance_within(a.as_bytes(), b.as_bytes(), limit);
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
        assert_eq!(distance("a-very-long-domain.example", "gmail.com", 2), None);
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
