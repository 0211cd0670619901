//! Email: the plain-text and HTML bodies of a composed document, and the complete MIME message
//! around them, ready to print (`comms render --format eml`) or to hand to [`crate::send`].
//!
//! - [`html`]: the accessible HTML body in the house format.
//! - [`links`]: which links survive, and bare addresses turned into links.
//! - [`mime`]: the multipart/alternative message, byte-identical for the same request.
//! - [`recipient`]: checks on the customer's address (malformed, misspelt provider).
//!
//! Who the email is from is configuration ([`EmailSettings`]): the defaults are the addresses
//! the guidance names, `noreplycsmt@hmpo.gov.uk` for the Customer Services Management team.

pub mod html;
pub mod links;
pub mod mime;
pub mod recipient;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::document::{Document, Source};
use crate::library::templates::HouseFormat;
use crate::library::{Library, structural};
use crate::request::{Channel, Language};
use recipient::AddressError;

/// The sender names and addresses emails go out with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailSettings {
    /// Who examiners' emails come from.
    pub from: FromIdentity,
    /// Who emails in the Customer Services Management team house format come from.
    pub csmt_from: FromIdentity,
    /// Where customers reply when a CSMT email asks them for more information.
    pub csmt_reply_to: String,
}

impl Default for EmailSettings {
    fn default() -> Self {
        EmailSettings {
            from: FromIdentity {
                address: "noreply@hmpo.gov.uk".into(),
                ..FromIdentity::default()
            },
            csmt_from: FromIdentity::default(),
            csmt_reply_to: "CustomerServiceManagementTeam@hmpo.gov.uk".into(),
        }
    }
}

/// One sender: an address and the display name in each language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FromIdentity {
    pub address: String,
    /// The display name on English emails.
    pub name: String,
    /// The display name on Welsh emails.
    pub name_cy: String,
}

impl Default for FromIdentity {
    fn default() -> Self {
        FromIdentity {
            address: "noreplycsmt@hmpo.gov.uk".into(),
            name: "HM Passport Office".into(),
            name_cy: "Swyddfa Pasbort EF".into(),
        }
    }
}

impl FromIdentity {
    fn name_in(&self, language: Language) -> &str {
        match language {
            Language::En => &self.name,
            Language::Cy => &self.name_cy,
        }
    }
}

/// A complete email: its parts and the MIME message that carries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The envelope sender (the From address).
    pub from: lettre::Address,
    /// The one recipient.
    pub to: lettre::Address,
    /// `<...@...>`, derived from the content.
    pub message_id: String,
    /// The whole message as sent over SMTP (CRLF line ends).
    pub mime: Vec<u8>,
}

/// Why a document cannot become an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailError {
    /// The request is for another channel.
    NotEmail(Channel),
    /// The first template declares no subject.
    NoSubject,
    /// The request has no `customer.email`.
    NoRecipient,
    Recipient(AddressError),
    /// A header value holds a line break or control character.
    HeaderInjection {
        field: String,
    },
    /// A sender address in the settings is unusable.
    Settings {
        field: String,
        reason: String,
    },
    /// lettre refused to build the message.
    Build(String),
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmailError::NotEmail(channel) => write!(
                f,
                "this request is for the {channel} channel; email output needs `channel: email`"
            ),
            EmailError::NoSubject => f.write_str(
                "the email has no subject: the first template declares none; put a template with a `subject` first",
            ),
            EmailError::NoRecipient => f.write_str(
                "the request has no customer.email; add the customer's email address to build or send an email",
            ),
            EmailError::Recipient(err) => err.fmt(f),
            EmailError::HeaderInjection { field } => write!(
                f,
                "{field} holds a line break or control character, which could add email headers; write it on one line"
            ),
            EmailError::Settings { field, reason } => {
                write!(f, "email settings: {field}: {reason}")
            }
            EmailError::Build(message) => write!(f, "the email cannot be built: {message}"),
        }
    }
}

impl std::error::Error for EmailError {}

/// Builds the email for `document`. `now` dates the message when the request gave no `at`.
pub fn render(
    library: &Library,
    document: &Document,
    settings: &EmailSettings,
    now: DateTime<Utc>,
) -> Result<Email, EmailError> {
    if document.channel != Channel::Email {
        return Err(EmailError::NotEmail(document.channel));
    }
    let subject = document.subject_text().ok_or(EmailError::NoSubject)?;
    let address = document
        .recipient
        .email
        .as_deref()
        .ok_or(EmailError::NoRecipient)?;
    let to = recipient::parse_address(address).map_err(EmailError::Recipient)?;
    let csmt = is_csmt(library, document);
    let identity = if csmt {
        &settings.csmt_from
    } else {
        &settings.from
    };
    let from = settings_address(&identity.address, "from.address")?;
    let reply_to = if csmt && asks_for_reply(library, document) {
        Some(settings_address(&settings.csmt_reply_to, "csmt_reply_to")?)
    } else {
        None
    };
    let text = crate::render::text::render(document);
    let html = html::render(document);
    let built = mime::build(&mime::Parts {
        from_name: identity.name_in(document.language),
        from: &from,
        reply_to: reply_to.as_ref(),
        to_name: &document.recipient.full_name,
        to: &to,
        subject: &subject,
        language: document.language,
        date: document.at.unwrap_or(now),
        text: &text,
        html: &html,
    })?;
    Ok(Email {
        subject,
        text,
        html,
        from,
        to,
        message_id: built.message_id,
        mime: built.bytes,
    })
}

/// True when the email is in the Customer Services Management team house format: its
/// subject is the CSMT subject phrase, or one of its templates declares the format.
pub fn is_csmt(library: &Library, document: &Document) -> bool {
    let csmt_subject = document.subject.as_ref().is_some_and(|subject| {
        subject.spans.iter().any(
            |span| matches!(&span.source, Source::Phrase { id } if id == structural::CSMT_SUBJECT),
        )
    });
    csmt_subject
        || document.templates.iter().any(|id| {
            library
                .template(id)
                .is_some_and(|template| template.spec.house_format == Some(HouseFormat::Csmt))
        })
}

/// True when one of the email's templates asks the customer for more information.
fn asks_for_reply(library: &Library, document: &Document) -> bool {
    document.templates.iter().any(|id| {
        library
            .template(id)
            .is_some_and(|template| template.spec.asks_for_reply)
    })
}

fn settings_address(address: &str, field: &str) -> Result<lettre::Address, EmailError> {
    if address.chars().any(char::is_control) {
        return Err(EmailError::HeaderInjection {
            field: format!("email settings {field}"),
        });
    }
    recipient::parse_address(address).map_err(|err| EmailError::Settings {
        field: field.to_string(),
        reason: format!("`{address}` is not a usable address: {}", err.reason),
    })
}
