//! `comms render REQUEST`: one request to one message.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, load_library, write_output};
use chrono::Utc;

use super::{input_name, request_message};
use crate::message::Message;
use crate::render::email;
use crate::render::letter::{self, LetterError, LetterSettings};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The request file (YAML or JSON), or `-` for standard input.
    pub request: String,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Sending configuration whose `email` section sets the sender addresses of `--format
    /// eml` (defaults to $COMMS_SEND_CONFIG, then the guidance's addresses).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Text size in points for large-print letters (`large_print: true`); at least 14.
    #[arg(long, value_name = "PT", default_value_t = 14.0)]
    pub large_print_size: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Subject (if any), a blank line, then the body.
    Text,
    /// `{subject, text, html, findings}`.
    Json,
    /// The HTML body of an email.
    Html,
    /// The complete email as a MIME message (`.eml`), byte-identical for the same request.
    Eml,
    /// The letter as a PDF file (needs `channel: letter` and `-o FILE`).
    Pdf,
}

pub fn run(library_dir: &Path, args: RenderArgs) -> u8 {
    let library = match load_library(library_dir) {
        Ok(library) => library,
        Err(status) => return status,
    };
    let origin = input_name(&args.request);
    let message = match request_message(&library, &args.request) {
        Ok(message) => message,
        Err(status) => return status,
    };
    let bytes = match args.format {
        Format::Text => {
            let mut out = String::new();
            if let Some(subject) = &message.subject {
                out.push_str(subject);
                out.push_str("\n\n");
            }
            out.push_str(&message.text);
            out.into_bytes()
        }
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&message).unwrap_or_default();
            json.push('\n');
            json.into_bytes()
        }
        Format::Html => match &message.html {
            Some(html) => html.clone().into_bytes(),
            None => {
                eprintln!(
                    "error: {origin}: --format html is for email; this request is for the {} channel",
                    message.document.channel
                );
                return EXIT_BAD_INPUT;
            }
        },
        Format::Eml => {
            let settings = match super::send::load_config(args.config.as_deref()) {
                Ok(config) => config.map(|config| config.email).unwrap_or_default(),
                Err(message) => {
                    eprintln!("error: {message}");
                    return EXIT_BAD_INPUT;
                }
            };
            match email::render(&library, &message.document, &settings, Utc::now()) {
                Ok(email) => email.mime,
                Err(err) => {
                    eprintln!("error: {origin}: {err}");
                    return EXIT_BAD_INPUT;
                }
            }
        }
        Format::Pdf => match pdf_bytes(&message, &args, origin) {
            Ok(bytes) => bytes,
            Err(status) => return status,
        },
    };
    if let Err(message) = write_output(args.output.as_deref(), &bytes) {
        eprintln!("error: {message}");
        return EXIT_BAD_INPUT;
    }
    print_findings(&message.findings);
    if crate::lint::has_errors(&message.findings) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Prints findings to standard error, one a line.
pub(super) fn print_findings(findings: &[crate::lint::Finding]) {
    for finding in findings {
        eprintln!(
            "{}: {}:{}: {} [{}]",
            match finding.severity {
                crate::lint::Severity::Error => "error",
                crate::lint::Severity::Warning => "warning",
                crate::lint::Severity::Suggestion => "suggestion",
            },
            finding.line,
            finding.column,
            finding.message,
            finding.rule
        );
    }
}

/// The letter as PDF, or the exit status after printing why it cannot be produced.
fn pdf_bytes(message: &Message, args: &RenderArgs, origin: &str) -> Result<Vec<u8>, u8> {
    use std::io::IsTerminal;
    if args.output.is_none() && std::io::stdout().is_terminal() {
        eprintln!("error: --format pdf writes a binary file; give it a name with -o FILE");
        return Err(EXIT_BAD_INPUT);
    }
    if !(args.large_print_size.is_finite() && (14.0..=24.0).contains(&args.large_print_size)) {
        eprintln!(
            "error: --large-print-size {} is not accepted; give a size from 14 to 24 points",
            args.large_print_size
        );
        return Err(EXIT_BAD_INPUT);
    }
    let settings = LetterSettings {
        large_print_size: args.large_print_size,
        ..LetterSettings::default()
    };
    letter::render(&message.document, &message.findings, &settings).map_err(|err| {
        eprintln!("error: {origin}: {err}");
        match err {
            LetterError::Refused { .. } => EXIT_FINDINGS,
            _ => EXIT_BAD_INPUT,
        }
    })
}
