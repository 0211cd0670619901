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

/// The common provider `domain` is probably a misspelling of, if any.
pub fn likely_domain(domain: &str) -> Option<&'static str> {
    let domain = domain.trim().to_ascii_lowercase();
    if COMMON_PROVIDERS.contains(&domain.as_str()) {
        return None;
    }
    COMMON_PROVIDERS
        .iter()
        .map(|known| (edit_distance(&domain, known), *known))
        .filter(|(distance, known)| *distance == 1 || (*distance == 2 && known.len() >= 9))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
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

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters each count one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    for (i, row) in table.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in table.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[(i - 1) * width + j] + 1)
                .min(table[i * width + j - 1] + 1)
                .min(table[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[(i - 2) * width + j - 2] + 1);
            }
            table[i * width + j] = best;
        }
    }
    table[a.len() * width + b.len()]
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
