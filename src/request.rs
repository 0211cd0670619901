//! The request: who the message is for, on which channel and in which language, and which
//! templates to combine with which answers. Plain data, read from YAML or JSON at the edges.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One message to build.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The channel; when absent it is chosen from the application (see [`Request::channel`]).
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub language: Language,
    /// 14pt text for customers with a visual impairment.
    #[serde(default)]
    pub large_print: bool,
    /// Produce a letter even with error-level findings, watermarked as a draft.
    #[serde(default)]
    pub draft: bool,
    /// When the message is written; decides the date and good morning/afternoon/evening.
    #[serde(default, deserialize_with = "optional_time")]
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub customer: Customer,
    #[serde(default)]
    pub staff: Staff,
    #[serde(default)]
    pub application: Application,
    #[serde(default)]
    pub parts: Vec<Part>,
    /// What `POST /api/render` answers with (`json`, `eml` or `pdf`), as `?format=` and the
    /// `Accept` header ask too; the command line's `--format` decides there instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<AnswerFormat>,
}

/// What a render over HTTP answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerFormat {
    /// `{subject, text, html, findings}`.
    Json,
    /// The complete email, `message/rfc822`.
    Eml,
    /// The letter, `application/pdf`.
    Pdf,
}

impl AnswerFormat {
    pub const NAMES: &'static str = "json, eml, pdf";

    pub fn from_name(name: &str) -> Option<AnswerFormat> {
        match name {
            "json" => Some(AnswerFormat::Json),
            "eml" => Some(AnswerFormat::Eml),
            "pdf" => Some(AnswerFormat::Pdf),
            _ => None,
        }
    }
}

/// Reads `at` as chrono reads a time (RFC 3339, or the relaxed form chrono also accepts),
/// trying the strict RFC 3339 reader first: it is several times quicker.
fn optional_time<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    struct Time(DateTime<Utc>);
    impl<'de> Deserialize<'de> for Time {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct TimeVisitor;
            impl serde::de::Visitor<'_> for TimeVisitor {
                type Value = Time;
                fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                    formatter.write_str("a date and time such as 2026-11-23T10:15:00Z")
                }
                fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Time, E> {
                    DateTime::parse_from_rfc3339(text)
                        .or_else(|_| text.parse::<DateTime<chrono::FixedOffset>>())
                        .map(|time| Time(time.with_timezone(&Utc)))
                        .map_err(E::custom)
                }
            }
            deserializer.deserialize_str(TimeVisitor)
        }
    }
    Ok(Option::<Time>::deserialize(deserializer)?.map(|time| time.0))
}

impl Request {
    /// The channel named in the request, or the one the guidance implies: a letter when the
    /// application is on paper and the customer gave no email address, an email otherwise.
    pub fn channel(&self) -> Channel {
        match self.channel {
            Some(channel) => channel,
            None if self.application.paper && self.customer.email_address().is_none() => {
                Channel::Letter
            }
            None => Channel::Email,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Letter,
    Voicemail,
    Phone,
    Sms,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Email,
        Channel::Letter,
        Channel::Voicemail,
        Channel::Phone,
        Channel::Sms,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::Voicemail => "voicemail",
            Channel::Phone => "phone",
            Channel::Sms => "sms",
        }
    }

    /// Written channels open with a greeting and close with a sign-off.
    pub fn is_written(self) -> bool {
        matches!(self, Channel::Email | Channel::Letter)
    }

    /// Channels that carry a subject line.
    pub fn has_subject(self) -> bool {
        matches!(self, Channel::Email)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Cy,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Cy];

    /// The BCP 47 tag, as used in `lang` attributes and PDF metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Cy => "cy",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The title the customer used (Mr, Mrs, Ms, Miss, Mx, Dr...), if any.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Vec<String>,
    /// IANA time zone name; Europe/London when absent.
    #[serde(default)]
    pub time_zone: Option<String>,
}

impl Customer {
    /// The email address, if one was given and is not blank.
    pub fn email_address(&self) -> Option<&str> {
        self.email
            .as_deref()
            .map(str::trim)
            .filter(|email| !email.is_empty())
    }

    /// First name and surname, as a caller asks for the customer on the phone.
    pub fn full_name(&self) -> String {
        join_nonempty(&[&self.first_name, &self.last_name])
    }

    /// The name the customer is addressed by: title and surname when they gave a title.
    pub fn addressed_name(&self) -> String {
        match self.title.as_deref().map(str::trim) {
            Some(title) if !title.is_empty() && !self.last_name.trim().is_empty() => {
                join_nonempty(&[title, &self.last_name])
            }
            _ => self.full_name(),
        }
    }
}

fn join_nonempty(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub initials: String,
    #[serde(default)]
    pub office: String,
    /// Examiner or customer service officer; decides phone scripts and calling hours.
    #[serde(default)]
    pub role: Role,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Examiner,
    CustomerService,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub service: Service,
    /// A paper application; with no email address it gets a letter.
    #[serde(default)]
    pub paper: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    #[default]
    Standard,
    FastTrack,
    Premium,
}

impl Service {
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Standard => "standard",
            Service::FastTrack => "fast_track",
            Service::Premium => "premium",
        }
    }
}

/// One template and its answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub template: String,
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
}

/// An answer to one question: one value (radio, text, date, money) or several (check boxes).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Many(Vec<String>),
    One(String),
    Number(f64),
    Flag(bool),
}

/// Read by hand rather than as an untagged enum, which buffers every answer before trying
/// each shape, and whose error names no shape.
impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnswerVisitor;

        impl<'de> serde::de::Visitor<'de> for AnswerVisitor {
            type Value = Answer;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an answer: text, a number, true or false, or a list of texts")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Answer, E> {
                Ok(Answer::One(value.to_string()))
            }

            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Answer, E> {
                Ok(Answer::One(value))
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Answer, E> {
                Ok(Answer::Flag(value))
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Answer, E> {
                Ok(Answer::Number(value as f64))
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Answer, E> {
                Ok(Answer::Number(value as f64))
            }

            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Answer, E> {
                Ok(Answer::Number(value))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Answer, A::Error> {
                let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(value) = seq.next_element::<String>()? {
                    values.push(value);
                }
                Ok(Answer::Many(values))
            }
        }

        deserializer.deserialize_any(AnswerVisitor)
    }
}

impl Answer {
    /// How the answer looks in an error message.
    pub fn describe(&self) -> String {
        match self {
            Answer::Many(values) => format!("[{}]", values.join(", ")),
            Answer::One(value) => format!("\"{value}\""),
            Answer::Number(number) => number.to_string(),
            Answer::Flag(flag) => flag.to_string(),
        }
    }
}

/// Reads a request from YAML or JSON text. `origin` names the file in error messages.
pub fn parse_request(text: &str, origin: &str) -> Result<Request, RequestError> {
    if text.trim().is_empty() {
        return Err(RequestError {
            origin: origin.to_string(),
            line: None,
            column: None,
            message: "the request is empty; expected YAML or JSON with at least `parts`".into(),
        });
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        serde_json::from_str(text).map_err(|err| RequestError {
            origin: origin.to_string(),
            line: Some(err.line() as u64),
            column: Some(err.column() as u64),
            message: err.to_string(),
        })
    } else {
        serde_saphyr::from_str(text).map_err(|err| {
            let location = err.location();
            RequestError {
                origin: origin.to_string(),
                line: location.map(|l| l.line()),
                column: location.map(|l| l.column()),
                message: err.without_snippet().to_string(),
            }
        })
    }
}

/// A request file that could not be read as a request.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestError {
    pub origin: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(
                f,
                "{}:{}:{}: not a valid request: {}",
                self.origin, line, column, self.message
            ),
            _ => write!(f, "{}: not a valid request: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for RequestError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_is_read_as_chrono_reads_it() {
        #[derive(Deserialize)]
        struct Chrono {
            at: Option<DateTime<Utc>>,
        }
        for text in [
            "2026-11-23T10:15:00Z",
            "2026-11-23T10:15:00.123456+01:00",
            "2026-11-23t10:15:00z",
            "2026-11-23 10:15:00+05:30",
            "2026-11-23T10:15:00 +01:00",
            "2026-11-23T25:15:00Z",
            "2026-11-23",
            "",
        ] {
            let json = format!(r#"{{"at":{}}}"#, serde_json::to_string(text).unwrap());
            let ours = serde_json::from_str::<Request>(&json).map(|r| r.at);
            let chrono = serde_json::from_str::<Chrono>(&json).map(|c| c.at);
            match (ours, chrono) {
                (Ok(ours), Ok(chrono)) => assert_eq!(ours, chrono, "{text}"),
                (Err(_), Err(_)) => {}
                (ours, chrono) => panic!("{text}: ours {ours:?}, chrono's {chrono:?}"),
            }
        }
        let read = |json: &str| serde_json::from_str::<Request>(json).unwrap().at;
        assert_eq!(read(r#"{"at":null}"#), None);
        assert_eq!(read("{}"), None);
        assert!(read(r#"{"at":"2026-11-23T10:15:00Z"}"#).is_some());
        assert!(serde_json::from_str::<Request>(r#"{"at":5}"#).is_err());
    }

    #[test]
    fn paper_application_without_email_gets_a_letter() {
        let mut request = Request::default();
        request.application.paper = true;
        assert_eq!(request.channel(), Channel::Letter);
        request.customer.email = Some("a@example.com".into());
        assert_eq!(request.channel(), Channel::Email);
        request.application.paper = false;
        request.customer.email = None;
        assert_eq!(request.channel(), Channel::Email);
    }

    #[test]
    fn addressed_name_prefers_title_and_surname() {
        let mut customer = Customer {
            title: Some("Mrs".into()),
            first_name: "Siân".into(),
            last_name: "Jones".into(),
            ..Customer::default()
        };
        assert_eq!(customer.addressed_name(), "Mrs Jones");
        customer.title = None;
        assert_eq!(customer.addressed_name(), "Siân Jones");
    }

    #[test]
    fn unknown_field_is_reported_with_its_line() {
        let err = parse_request("channel: email\ncolour: blue\n", "req.yaml").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().contains("colour"), "{err}");
    }
}
