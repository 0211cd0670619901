//! `comms send REQUEST`: compose, lint and send one email through the configured SMTP server.
//! Exit 0 when the server accepted it; 1 when it was not sent (error-level findings, refused
//! by the server, or still failing when the retry time ran out); 2 for bad input or config.

use std::path::{Path, PathBuf};

use chrono::Utc;
use clap::Args;

use super::render::print_findings;
use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, load_library, read_input};
use super::{input_name, request_message};
use crate::send::config::{Credentials, PASSWORD_VAR, SendConfig, USERNAME_VAR, parse_config};
use crate::send::{self, Refusal};

/// Environment variable naming the sending configuration file.
pub const CONFIG_VAR: &str = "COMMS_SEND_CONFIG";

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The request file (YAML or JSON), or `-` for standard input.
    pub request: String,
    /// The sending configuration (YAML): SMTP server, retry, sender addresses. Defaults to
    /// $COMMS_SEND_CONFIG. The SMTP user name and password are read from
    /// $COMMS_SMTP_USERNAME and $COMMS_SMTP_PASSWORD only.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Reads the sending configuration named by the flag or by $COMMS_SEND_CONFIG, if any.
pub fn load_config(flag: Option<&Path>) -> Result<Option<SendConfig>, String> {
    let path = match flag {
        Some(path) => path.to_path_buf(),
        None => match std::env::var_os(CONFIG_VAR) {
            Some(path) => PathBuf::from(path),
            None => return Ok(None),
        },
    };
    let origin = path.display().to_string();
    let text = read_input(&origin)?;
    parse_config(&text, &origin)
        .map(Some)
        .map_err(|err| err.to_string())
}

pub fn run(library_dir: &Path, args: SendArgs) -> u8 {
    let config = match load_config(args.config.as_deref()) {
        Ok(Some(config)) => config,
        Ok(None) => {
            eprintln!(
                "error: no sending configuration; give --config FILE or set {CONFIG_VAR} (see the README section \"Email\")"
            );
            return EXIT_BAD_INPUT;
        }
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_BAD_INPUT;
        }
    };
    let credentials = match Credentials::from_env_values(
        std::env::var(USERNAME_VAR).ok(),
        std::env::var(PASSWORD_VAR).ok(),
    ) {
        Ok(credentials) => credentials,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_BAD_INPUT;
        }
    };
    let library = match load_library(library_dir) {
        Ok(library) => library,
        Err(status) => return status,
    };
    let origin = input_name(&args.request);
    let message = match request_message(&library, &args.request) {
        Ok(message) => message,
        Err(status) => return status,
    };
    print_findings(&message.findings);
    let email = match send::prepare(&library, &message, &config.email, Utc::now()) {
        Ok(email) => email,
        Err(refusal @ Refusal::Findings(_)) => {
            eprintln!("error: {origin}: {refusal}");
            return EXIT_FINDINGS;
        }
        Err(refusal) => {
            eprintln!("error: {origin}: {refusal}");
            return EXIT_BAD_INPUT;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the network runtime: {err}");
            return EXIT_BAD_INPUT;
        }
    };
    let outcome = runtime.block_on(send::send(
        &config.smtp,
        &config.retry,
        credentials.as_ref(),
        &email,
        |retrying| {
            eprintln!(
                "attempt {} failed: {}; trying again in {:?}",
                retrying.attempt, retrying.error, retrying.wait
            );
        },
    ));
    match outcome {
        Ok(delivery) => {
            println!(
                "sent {} (attempt {}): the server replied {}",
                delivery.message_id, delivery.attempts, delivery.reply
            );
            EXIT_OK
        }
        Err(err) => {
            eprintln!("error: {origin}: {err}");
            EXIT_FINDINGS
        }
    }
}
