//! Send: hands a built email to an SMTP server with lettre on tokio, retrying temporary
//! failures with back-off for up to the configured time (2 hours by default, as the guidance
//! describes for HM Passport Office mailboxes) and reporting permanent failures with the
//! server's reply. A message with error-level findings is never sent ([`prepare`]).
//!
//! An email counts as sent only when the server has accepted the whole message (its reply to
//! the end of DATA); a connection that fails or closes before then is a failed attempt.
//!
//! - [`config`]: the SMTP server, retry policy, sender addresses, credentials.

pub mod config;

use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials as SmtpCredentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;

use crate::library::Library;
use crate::lint::{Finding, Severity};
use crate::message::Message;
use crate::render::email::{self, Email, EmailError, EmailSettings};
use config::{Credentials, RetryPolicy, Security, SmtpConfig};

/// Why a message was not even tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The message has error-level findings; fix them first.
    Findings(Vec<Finding>),
    /// The message cannot become an email.
    Email(EmailError),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Findings(findings) => {
                write!(
                    f,
                    "not sent: the message has {} error-level finding(s); fix them and try again",
                    findings.len()
                )?;
                for finding in findings {
                    write!(f, "\n  {} [{}]", finding.message, finding.rule)?;
                }
                Ok(())
            }
            Refusal::Email(err) => write!(f, "not sent: {err}"),
        }
    }
}

impl std::error::Error for Refusal {}

/// Builds the email for a composed and linted message, refusing one with error-level findings.
pub fn prepare(
    library: &Library,
    message: &Message,
    settings: &EmailSettings,
    now: DateTime<Utc>,
) -> Result<Email, Refusal> {
    let errors: Vec<Finding> = message
        .findings
        .iter()
        .filter(|finding| finding.severity == Severity::Error)
        .cloned()
        .collect();
    if !errors.is_empty() {
        return Err(Refusal::Findings(errors));
    }
    email::render(library, &message.document, settings, now).map_err(Refusal::Email)
}

/// The server accepted the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub message_id: String,
    /// The server's reply to the message, such as `250 2.0.0 Ok: queued as 1234`.
    pub reply: String,
    pub attempts: u32,
}

/// The message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The server refused the message for good (a 5xx reply), or the connection cannot work
    /// as configured (TLS failure, STARTTLS not offered, credentials refused).
    Permanent { reply: String, attempts: u32 },
    /// Every attempt failed temporarily until the retry time ran out.
    GaveUp {
        last_error: String,
        attempts: u32,
        waited: Duration,
    },
    /// The SMTP settings are unusable; nothing was tried.
    Config(String),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Permanent { reply, attempts } => write!(
                f,
                "not sent: the server refused the message (attempt {attempts}): {reply}"
            ),
            SendError::GaveUp {
                last_error,
                attempts,
                waited,
            } => write!(
                f,
                "not sent: gave up after {attempts} attempt(s) over {}; the last failure was: {last_error}",
                describe_duration(*waited)
            ),
            SendError::Config(message) => write!(f, "not sent: {message}"),
        }
    }
}

impl std::error::Error for SendError {}

/// A failed attempt that will be retried, for progress reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retrying {
    pub attempt: u32,
    pub error: String,
    pub wait: Duration,
}

/// Sends `email` through the server in `smtp`, retrying temporary failures under `retry`.
/// `on_retry` hears about each failed attempt before the wait.
pub async fn send(
    smtp: &SmtpConfig,
    retry: &RetryPolicy,
    credentials: Option<&Credentials>,
    email: &Email,
    mut on_retry: impl FnMut(&Retrying),
) -> Result<Delivery, SendError> {
    smtp.check().map_err(SendError::Config)?;
    let started = Instant::now();
    let mut attempts = 0;
    let mut delay = None;
    loop {
        attempts += 1;
        let outcome =
            match tokio::time::timeout(smtp.timeout, attempt(smtp, credentials, email)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(Failure::Temporary(format!(
                    "the server did not finish within {}",
                    describe_duration(smtp.timeout)
                ))),
            };
        match outcome {
            Ok(reply) => {
                return Ok(Delivery {
                    message_id: email.message_id.clone(),
                    reply,
                    attempts,
                });
            }
            Err(Failure::Permanent(reply)) => return Err(SendError::Permanent { reply, attempts }),
            Err(Failure::Temporary(error)) => {
                let wait = retry.next_delay(delay);
                if started.elapsed() + wait > retry.give_up_after {
                    return Err(SendError::GaveUp {
                        last_error: error,
                        attempts,
                        waited: started.elapsed(),
                    });
                }
                on_retry(&Retrying {
                    attempt: attempts,
                    error,
                    wait,
                });
                tokio::time::sleep(wait).await;
                delay = Some(wait);
            }
        }
    }
}

/// How one attempt failed.
enum Failure {
    Temporary(String),
    Permanent(String),
}

/// One connection: connect, (STARTTLS), (AUTH), MAIL, RCPT, DATA, QUIT. Returns the server's
/// reply to the message.
async fn attempt(
    smtp: &SmtpConfig,
    credentials: Option<&Credentials>,
    email: &Email,
) -> Result<String, Failure> {
    let host = smtp.host.trim();
    let port = smtp.port();
    let hello = smtp
        .hello_name
        .clone()
        .map(ClientId::Domain)
        .unwrap_or_default();
    let tls = || {
        TlsParameters::new(host.to_string())
            .map_err(|err| Failure::Permanent(format!("TLS set-up failed: {err}")))
    };
    let mut connection = match smtp.security {
        Security::Tls => AsyncSmtpConnection::connect_tokio1(
            (host, port),
            Some(smtp.timeout),
            &hello,
            Some(tls()?),
            None,
        )
        .await
        .map_err(|err| classify(err, host, port))?,
        Security::StartTls | Security::None => {
            let stream = TcpStream::connect((host, port)).await.map_err(|err| {
                Failure::Temporary(format!("cannot connect to {host}:{port}: {err}"))
            })?;
            // Without this, each small write waits for the server's delayed acknowledgement.
            stream.set_nodelay(true).map_err(|err| {
                Failure::Temporary(format!(
                    "cannot set up the connection to {host}:{port}: {err}"
                ))
            })?;
            let mut connection =
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &hello)
                    .await
                    .map_err(|err| classify(err, host, port))?;
            if smtp.security == Security::StartTls {
                connection
                    .starttls(tls()?, &hello)
                    .await
                    .map_err(|err| classify(err, host, port))?;
            }
            connection
        }
    };
    if let Some(credentials) = credentials {
        let credentials =
            SmtpCredentials::new(credentials.username.clone(), credentials.password.clone());
        connection
            .auth(&[Mechanism::Plain, Mechanism::Login], &credentials)
            .await
            .map_err(|err| classify(err, host, port))?;
    }
    let envelope = Envelope::new(Some(email.from.clone()), vec![email.to.clone()])
        .map_err(|err| Failure::Permanent(format!("the envelope cannot be built: {err}")))?;
    let response = connection
        .send(&envelope, &email.mime)
        .await
        .map_err(|err| classify(err, host, port))?;
    // The message is accepted; a failure to say goodbye does not change that.
    let _ = connection.quit().await;
    let reply = format!(
        "{} {}",
        response.code(),
        response.message().collect::<Vec<_>>().join(" ")
    );
    Ok(reply)
}

/// Sorts a lettre error into retry-worthy or not.
fn classify(err: lettre::transport::smtp::Error, host: &str, port: u16) -> Failure {
    if err.is_permanent() {
        Failure::Permanent(format!("{host}:{port} replied: {err}"))
    } else if err.is_transient() {
        Failure::Temporary(format!("{host}:{port} replied: {err}"))
    } else if err.is_tls() || err.is_client() {
        Failure::Permanent(format!("{host}:{port}: {err}"))
    } else {
        Failure::Temporary(format!("{host}:{port}: {err}"))
    }
}

fn describe_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 3600 {
        format!("{}h {}m", seconds / 3600, seconds % 3600 / 60)
    } else if seconds >= 60 {
        format!("{}m {}s", seconds / 60, seconds % 60)
    } else if seconds >= 1 {
        format!("{:.1}s", duration.as_secs_f64())
    } else {
        format!("{}ms", duration.as_millis())
    }
}
