//! The MIME message: multipart/alternative with a UTF-8 plain-text part first and the HTML
//! part second, the subject and names RFC 2047 encoded by lettre.
//!
//! The same input always gives the same bytes: the boundary and the Message-ID are derived
//! from the content, and the date is the request's `at`. Every header value is checked here
//! for line breaks and control characters, whatever checked it before, so no value can ever
//! add a header.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};

use super::EmailError;
use crate::request::Language;

/// What goes into the message.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    pub from_name: &'a str,
    pub from: &'a lettre::Address,
    pub reply_to: Option<&'a lettre::Address>,
    pub to_name: &'a str,
    pub to: &'a lettre::Address,
    pub subject: &'a str,
    pub language: Language,
    pub date: DateTime<Utc>,
    pub text: &'a str,
    pub html: &'a str,
}

/// The message bytes and the Message-ID they carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub message_id: String,
    pub bytes: Vec<u8>,
}

/// Builds the MIME message.
pub fn build(parts: &Parts<'_>) -> Result<Built, EmailError> {
    let reply_to = parts.reply_to.map(ToString::to_string);
    let from = parts.from.to_string();
    let to = parts.to.to_string();
    for (field, value) in [
        ("the sender name (email settings)", parts.from_name),
        ("the sender address (email settings)", from.as_str()),
        (
            "the reply-to address (email settings)",
            reply_to.as_deref().unwrap_or(""),
        ),
        ("the customer's name", parts.to_name),
        ("customer.email", to.as_str()),
        ("the subject", parts.subject),
    ] {
        if value.chars().any(char::is_control) {
            return Err(EmailError::HeaderInjection {
                field: field.to_string(),
            });
        }
    }

    let date = parts.date.to_rfc3339();
    let digest = content_digest(&[
        parts.from_name,
        &from,
        reply_to.as_deref().unwrap_or(""),
        parts.to_name,
        &to,
        parts.subject,
        parts.language.as_str(),
        &date,
        parts.text,
        parts.html,
    ]);

    let message_id = format!("<{digest}@{}>", parts.from.domain());
    let boundary = format!("comms-{digest}");

    let name = |name: &str| Some(name.trim().to_string()).filter(|name| !name.is_empty());
    let mut builder = lettre::Message::builder()
        .from(Mailbox::new(name(parts.from_name), parts.from.clone()))
        .to(Mailbox::new(name(parts.to_name), parts.to.clone()))
        .subject(parts.subject)
        .date(SystemTime::from(parts.date))
        .message_id(Some(message_id.clone()))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            parts.language.as_str().to_string(),
        ));
    if let Some(reply_to) = parts.reply_to {
        builder = builder.reply_to(Mailbox::new(None, reply_to.clone()));
    }
    let body = MultiPart::alternative()
        .boundary(boundary)
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(encoded_body(parts.text)),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(encoded_body(parts.html)),
        );
    let message = builder
        .multipart(body)
        .map_err(|err| EmailError::Build(err.to_string()))?;
    Ok(Built {
        message_id,
        bytes: message.formatted(),
    })
}

/// A body part: CRLF line ends, base64 encoded. Encoding it here rather than letting lettre
/// choose saves most of the cost of building the message.
fn encoded_body(text: &str) -> Body {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let mut encoded = String::with_capacity(email_encoding::body::base64::encoded_len(crlf.len()));
    // Writing to a String cannot fail.
    let _ = email_encoding::body::base64::encode(crlf.as_bytes(), &mut encoded);
    Body::dangerous_pre_encoded(encoded.into_bytes(), ContentTransferEncoding::Base64)
}

/// A 128-bit digest of the fields, as 32 hex digits: two FNV-1a style lanes over 8-byte
/// words, stable across runs, machines and compiler versions (unlike the standard library's
/// hasher). It names the message; it is not a security measure.
fn content_digest(fields: &[&str]) -> String {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut low: u64 = 0xcbf2_9ce4_8422_2325;
    let mut high: u64 = 0x6c62_272e_07bb_0142;
    let mut mix = |word: u64| {
        low = (low ^ word).wrapping_mul(PRIME);
        high = (high ^ word ^ low.rotate_left(29)).wrapping_mul(PRIME);
    };
    for field in fields {
        let bytes = field.as_bytes();
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            mix(u64::from_le_bytes(word));
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        mix(u64::from_le_bytes(tail));
        // The length ends each field, so moving bytes between fields changes the digest.
        mix(bytes.len() as u64);
    }
    format!("{high:016x}{low:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(
        from: &'a lettre::Address,
        to: &'a lettre::Address,
        subject: &'a str,
        to_name: &'a str,
    ) -> Parts<'a> {
        Parts {
            from_name: "HM Passport Office",
            from,
            reply_to: None,
            to_name,
            to,
            subject,
            language: Language::Cy,
            date: DateTime::parse_from_rfc3339("2026-11-23T10:15:00Z")
                .map(|date| date.with_timezone(&Utc))
                .unwrap(),
            text: "Annwyl Mrs Jones,\n",
            html: "<p>Annwyl</p>",
        }
    }

    #[test]
    fn same_content_gives_the_same_bytes_and_different_content_different_ids() {
        let from: lettre::Address = "noreply@hmpo.gov.uk".parse().unwrap();
        let to: lettre::Address = "sian@example.com".parse().unwrap();
        let first = build(&parts(&from, &to, "Llun newydd", "Siân Jones")).unwrap();
        let second = build(&parts(&from, &to, "Llun newydd", "Siân Jones")).unwrap();
        assert_eq!(first, second);
        let other = build(&parts(&from, &to, "Llun arall", "Siân Jones")).unwrap();
        assert_ne!(first.message_id, other.message_id);
        let text = String::from_utf8(first.bytes).unwrap();
        assert!(text.contains("Content-Language: cy\r\n"), "{text}");
        assert!(
            text.contains("Date: Mon, 23 Nov 2026 10:15:00 +0000\r\n"),
            "{text}"
        );
    }

    #[test]
    fn line_breaks_in_any_header_value_are_refused() {
        let from: lettre::Address = "noreply@hmpo.gov.uk".parse().unwrap();
        let to: lettre::Address = "sian@example.com".parse().unwrap();
        let err = build(&parts(&from, &to, "Hi\r\nBcc: x@evil.example", "Siân")).unwrap_err();
        assert!(matches!(err, EmailError::HeaderInjection { ref field } if field == "the subject"));
        let err = build(&parts(&from, &to, "Hi", "Siân\nBcc: x@evil.example")).unwrap_err();
        assert!(
            matches!(err, EmailError::HeaderInjection { ref field } if field == "the customer's name")
        );
        let mut with_name = parts(&from, &to, "Hi", "Siân");
        with_name.from_name = "HMPO\r\nBcc: x@evil.example";
        assert!(matches!(
            build(&with_name).unwrap_err(),
            EmailError::HeaderInjection { .. }
        ));
    }
}
