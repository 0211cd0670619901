//! Sending configuration: the SMTP server, how long to keep retrying, and who emails come
//! from. Read from a YAML file; the SMTP user name and password come from the environment
//! only (`COMMS_SMTP_USERNAME`, `COMMS_SMTP_PASSWORD`), never from a file or the command line.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};

use crate::render::email::EmailSettings;

/// Environment variable holding the SMTP user name.
pub const USERNAME_VAR: &str = "COMMS_SMTP_USERNAME";
/// Environment variable holding the SMTP password.
pub const PASSWORD_VAR: &str = "COMMS_SMTP_PASSWORD";

/// Everything `comms send` needs besides the request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendConfig {
    pub smtp: SmtpConfig,
    #[serde(default)]
    pub retry: RetryPolicy,
    /// Sender names and addresses; the guidance's addresses by default.
    #[serde(default)]
    pub email: EmailSettings,
}

/// The SMTP server to hand emails to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// 465 for `tls`, 587 for `starttls`, 25 for `none` when not given.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    /// How long one attempt (connect, hand over, hear the reply) may take.
    #[serde(default = "default_timeout", deserialize_with = "duration")]
    pub timeout: Duration,
    /// The name this client gives in EHLO; the machine's host name when absent.
    #[serde(default)]
    pub hello_name: Option<String>,
}

impl SmtpConfig {
    /// Refuses a host or EHLO name that could carry SMTP commands, and port 0.
    pub fn check(&self) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err(
                "smtp.host is empty; name the SMTP server, such as smtp.example.gov.uk".into(),
            );
        }
        if self
            .host
            .contains(|c: char| c.is_whitespace() || c.is_control())
        {
            return Err("smtp.host holds a space or line break; give the server's name alone, such as smtp.example.gov.uk".into());
        }
        if let Some(name) = &self.hello_name
            && (name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':')))
        {
            return Err("smtp.hello_name must be a host name such as comms.example.gov.uk (letters, digits, dots and hyphens)".into());
        }
        if self.port == Some(0) {
            return Err(
                "smtp.port is 0; give the server's port (587 for starttls, 465 for tls)".into(),
            );
        }
        Ok(())
    }

    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::None => 25,
        })
    }
}

fn default_timeout() -> Duration {
    Duration::from_secs(60)
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS; refused if the server does not offer it.
    #[default]
    #[serde(rename = "starttls")]
    StartTls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption: only for a relay on the same machine or in tests.
    None,
}

/// How a temporary failure (a 4xx reply, a refused or dropped connection) is retried: after
/// `first_delay`, then twice as long each time up to `max_delay`, until `give_up_after` has
/// passed since the first attempt. The guidance's mailboxes retry for 2 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetryPolicy {
    #[serde(deserialize_with = "duration")]
    pub give_up_after: Duration,
    #[serde(deserialize_with = "duration")]
    pub first_delay: Duration,
    #[serde(deserialize_with = "duration")]
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            give_up_after: Duration::from_secs(2 * 60 * 60),
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(10 * 60),
        }
    }
}

impl RetryPolicy {
    /// The wait after a failed attempt that itself followed a wait of `previous`.
    pub fn next_delay(&self, previous: Option<Duration>) -> Duration {
        match previous {
            None => self.first_delay,
            Some(previous) => previous.saturating_mul(2).min(self.max_delay),
        }
        .max(Duration::from_millis(1))
    }
}

/// SMTP credentials, from the environment.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .finish()
    }
}

impl Credentials {
    /// Credentials from the values of [`USERNAME_VAR`] and [`PASSWORD_VAR`]: both or neither.
    pub fn from_env_values(
        username: Option<String>,
        password: Option<String>,
    ) -> Result<Option<Credentials>, ConfigError> {
        let present = |value: Option<String>| value.filter(|value| !value.is_empty());
        match (present(username), present(password)) {
            (Some(username), Some(password)) => Ok(Some(Credentials { username, password })),
            (None, None) => Ok(None),
            (Some(_), None) => Err(ConfigError::new(
                "environment",
                format!("{USERNAME_VAR} is set but {PASSWORD_VAR} is not; set both or neither"),
            )),
            (None, Some(_)) => Err(ConfigError::new(
                "environment",
                format!("{PASSWORD_VAR} is set but {USERNAME_VAR} is not; set both or neither"),
            )),
        }
    }
}

/// A sending configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub origin: String,
    pub message: String,
}

impl ConfigError {
    fn new(origin: &str, message: impl Into<String>) -> Self {
        ConfigError {
            origin: origin.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Reads a sending configuration from YAML text. `origin` names the file in errors.
pub fn parse_config(text: &str, origin: &str) -> Result<SendConfig, ConfigError> {
    let config: SendConfig = serde_saphyr::from_str(text).map_err(|err| {
        let place = err
            .location()
            .map(|at| format!("{origin}:{}:{}", at.line(), at.column()))
            .unwrap_or_else(|| origin.to_string());
        let mut message = err.without_snippet().to_string();
        if message.contains("password") || message.contains("username") {
            message.push_str(&format!(
                "; SMTP credentials are read from the environment only ({USERNAME_VAR}, {PASSWORD_VAR})"
            ));
        }
        ConfigError::new(&place, format!("not a valid sending configuration: {message}"))
    })?;
    config
        .smtp
        .check()
        .map_err(|message| ConfigError::new(origin, message))?;
    if config.retry.first_delay > config.retry.max_delay {
        return Err(ConfigError::new(
            origin,
            "retry.first_delay is longer than retry.max_delay",
        ));
    }
    Ok(config)
}

/// Reads a duration written as a number and a unit: `250ms`, `30s`, `10m`, `2h`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| {
        format!("`{text}` is not a duration; write a number and a unit, such as 30s, 10m or 2h")
    })?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "s" => number,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        other => {
            return Err(format!(
                "`{text}` has the unit `{other}`; use ms, s, m or h, such as 30s or 2h"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{text}` is not a usable duration"))
}

fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_duration(&text).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_with_their_units() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert!(parse_duration("2 fortnights").unwrap_err().contains("unit"));
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn defaults_follow_the_guidance() {
        let config = parse_config("smtp:\n  host: smtp.example.org\n", "send.yaml").unwrap();
        assert_eq!(config.retry.give_up_after, Duration::from_secs(7200));
        assert_eq!(config.smtp.security, Security::StartTls);
        assert_eq!(config.smtp.port(), 587);
        assert_eq!(config.email.csmt_from.address, "noreplycsmt@hmpo.gov.uk");
    }

    #[test]
    fn a_password_in_the_file_is_refused_with_where_it_belongs() {
        let err = parse_config(
            "smtp:\n  host: smtp.example.org\n  password: hunter2\n",
            "send.yaml",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("send.yaml:3:"), "{err}");
        assert!(err.message.contains(PASSWORD_VAR), "{err}");
        assert!(!err.message.contains("hunter2"), "{err}");
    }

    #[test]
    fn names_sent_to_the_server_cannot_carry_commands() {
        let err = parse_config(
            "smtp:\n  host: smtp.example.org\n  hello_name: \"me\\r\\nRCPT TO:<x@example.net>\"\n",
            "send.yaml",
        )
        .unwrap_err();
        assert!(err.message.contains("smtp.hello_name"), "{err}");
        let err = parse_config(
            "smtp:\n  host: \"smtp.example.org\\r\\nQUIT\"\n",
            "send.yaml",
        )
        .unwrap_err();
        assert!(err.message.contains("smtp.host"), "{err}");
    }

    #[test]
    fn retry_delays_double_up_to_the_limit() {
        let policy = RetryPolicy {
            give_up_after: Duration::from_secs(60),
            first_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(25),
        };
        let first = policy.next_delay(None);
        let second = policy.next_delay(Some(first));
        assert_eq!(
            (first, second, policy.next_delay(Some(second))),
            (
                Duration::from_secs(10),
                Duration::from_secs(20),
                Duration::from_secs(25)
            )
        );
    }

    #[test]
    fn credentials_come_in_pairs() {
        assert_eq!(Credentials::from_env_values(None, None), Ok(None));
        assert!(Credentials::from_env_values(Some("u".into()), None).is_err());
        let both = Credentials::from_env_values(Some("u".into()), Some("s3cret".into())).unwrap();
        assert!(both.is_some());
        assert!(!format!("{both:?}").contains("s3cret"));
    }
}
