//! Links in email HTML: which link targets are allowed (`https:`, `http:`, `mailto:` only),
//! and bare web and email addresses in text turned into links, without the punctuation that
//! ends the sentence around them.

use super::html::escape_into;

/// The blue the guidance asks for hyperlinks.
pub const LINK_STYLE: &str = "color:#0000ff;text-decoration:underline;";

/// True for a link target that may appear in an email: `https:`, `http:` or `mailto:`.
pub fn is_allowed_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
}

/// Escapes `text`, turning bare `http://` and `https://` addresses and email addresses into
/// links.
pub fn linkify_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(found) = next_link(rest) {
        escape_into(out, &rest[..found.start]);
        let shown = &rest[found.start..found.end];
        out.push_str("<a href=\"");
        if found.mailto {
            out.push_str("mailto:");
        }
        escape_into(out, shown);
        out.push_str("\" style=\"");
        out.push_str(LINK_STYLE);
        out.push_str("\">");
        escape_into(out, shown);
        out.push_str("</a>");
        rest = &rest[found.end..];
    }
    escape_into(out, rest);
}

/// A bare address found in text: its byte range, and whether it is an email address.
struct FoundLink {
    start: usize,
    end: usize,
    mailto: bool,
}

/// The first web or email address in `text`, without the punctuation that ends a sentence.
fn next_link(text: &str) -> Option<FoundLink> {
    let trailing: &[char] = &['.', ',', ';', ':', '!', '?', ')', '\'', '’'];
    let mut web_from = 0;
    let web = loop {
        let Some(offset) = find_url_start(&text[web_from..]) else {
            break None;
        };
        let start = web_from + offset;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .map_or(text.len(), |length| start + length);
        let url = text[start..end].trim_end_matches(trailing);
        if is_allowed_link(url) && !url.ends_with("//") {
            break Some(FoundLink {
                start,
                end: start + url.len(),
                mailto: false,
            });
        }
        web_from = end.max(start + 1);
    };
    let email = text
        .char_indices()
        .filter(|(_, c)| *c == '@')
        .find_map(|(at, _)| {
            let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
            let is_domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
            let start = text[..at]
                .rfind(|c: char| !is_local(c))
                .map_or(0, |index| index + 1);
            let end = text[at + 1..]
                .find(|c: char| !is_domain(c))
                .map_or(text.len(), |length| at + 1 + length);
            let domain = text[at + 1..end].trim_end_matches(trailing);
            let local = &text[start..at];
            (!local.is_empty() && domain.contains('.') && !domain.starts_with('.')).then(|| {
                FoundLink {
                    start,
                    end: at + 1 + domain.len(),
                    mailto: true,
                }
            })
        });
    match (web, email) {
        (Some(web), Some(email)) if email.start < web.start && email.end <= web.start => {
            Some(email)
        }
        (Some(web), _) => Some(web),
        (None, email) => email,
    }
}

fn find_url_start(text: &str) -> Option<usize> {
    let https = text.find("https://");
    let http = text.find("http://");
    match (https, http) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html_of(text: &str) -> String {
        let mut out = String::new();
        linkify_into(&mut out, text);
        out
    }

    #[test]
    fn bare_addresses_become_links_without_trailing_punctuation() {
        let html = html_of("Go to https://www.gov.uk/renew.");
        assert_eq!(
            html,
            "Go to <a href=\"https://www.gov.uk/renew\" style=\"color:#0000ff;text-decoration:underline;\">https://www.gov.uk/renew</a>."
        );
    }

    #[test]
    fn email_addresses_become_mailto_links() {
        let html =
            html_of("Please reply to CustomerServiceManagementTeam@hmpo.gov.uk and quote 323000.");
        assert_eq!(
            html,
            "Please reply to <a href=\"mailto:CustomerServiceManagementTeam@hmpo.gov.uk\" style=\"color:#0000ff;text-decoration:underline;\">CustomerServiceManagementTeam@hmpo.gov.uk</a> and quote 323000."
        );
        let html = html_of("Write to us @ the office.");
        assert_eq!(html, "Write to us @ the office.");
    }

    #[test]
    fn only_safe_schemes_are_allowed() {
        assert!(is_allowed_link("https://www.gov.uk"));
        assert!(is_allowed_link("MAILTO:someone@example.com"));
        assert!(!is_allowed_link("javascript:alert(1)"));
        assert!(!is_allowed_link("data:text/html,x"));
        assert!(!is_allowed_link("https://"));
    }
}
