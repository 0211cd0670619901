//! `comms render REQUEST`: one request to one message.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, load_library, read_input, write_output};
use crate::message::{MessageError, build_message};
use crate::request::parse_request;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Subject (if any), a blank line, then the body.
    Text,
    /// `{subject, text, html, findings}`.
    Json,
}

pub fn run(library_dir: &Path, args: RenderArgs) -> u8 {
    let library = match load_library(library_dir) {
        Ok(library) => library,
        Err(status) => return status,
    };
    let origin = if args.request == "-" {
        "<stdin>"
    } else {
        args.request.as_str()
    };
    let text = match read_input(&args.request) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_BAD_INPUT;
        }
    };
    let request = match parse_request(&text, origin) {
        Ok(request) => request,
        Err(err) => {
            eprintln!("error: {err}");
            return EXIT_BAD_INPUT;
        }
    };
    let message = match build_message(&library, &request) {
        Ok(message) => message,
        Err(MessageError::Compose(err)) => {
            eprintln!("error: {origin}: the request cannot be composed:");
            for problem in &err.problems {
                eprintln!("  {problem}");
            }
            return EXIT_BAD_INPUT;
        }
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
    };
    if let Err(message) = write_output(args.output.as_deref(), &bytes) {
        eprintln!("error: {message}");
        return EXIT_BAD_INPUT;
    }
    for finding in &message.findings {
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
    if crate::lint::has_errors(&message.findings) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
