//! The `comms` command line: argument parsing and dispatch. Each command lives in its own
//! file; this is the only layer (with the HTTP service) that reads files or prints.
//!
//! Exit status: 0 success, 1 the thing checked has error-level problems, 2 bad input or
//! configuration.

pub mod check;
mod impact;
mod lint;
mod plan_calls;
mod render;
mod send;
mod serve;
mod snapshot;
pub mod templates;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::library::Library;

#[derive(Debug, Parser)]
#[command(
    name = "comms",
    version,
    about = "Build HM Passport Office customer messages from approved phrases"
)]
pub struct Cli {
    /// The library folder (holding phrases/ and templates/). Defaults to $COMMS_LIBRARY, the
    /// current folder when it holds a library, or the library shipped with comms.
    #[arg(long, global = true, value_name = "DIR")]
    pub library: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render one request (YAML or JSON file, `-` for stdin) to one message.
    Render(render::RenderArgs),
    /// List the templates and their questions.
    Templates(templates::TemplatesArgs),
    /// Validate the whole library: phrases, templates, lint rules and every template case.
    Check(check::CheckArgs),
    /// Write, or check with --check, the wording of every template case under snapshots/.
    Snapshot(snapshot::SnapshotArgs),
    /// List every template case whose message shows a phrase.
    Impact(impact::ImpactArgs),
    /// Plan calls to a customer: when to call, and the voicemail for each attempt.
    PlanCalls(plan_calls::PlanCallsArgs),
    /// Lint any text (a file, or `-` for stdin) against the house-style rules.
    Lint(lint::LintArgs),
    /// Compose, lint and send one email request through the configured SMTP server.
    Send(send::SendArgs),
    /// Serve the staff web page and the JSON API.
    Serve(serve::ServeArgs),
}

/// Exit status for success.
pub const EXIT_OK: u8 = 0;
/// Exit status when what was checked has error-level problems.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status for bad input or configuration.
pub const EXIT_BAD_INPUT: u8 = 2;

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                EXIT_BAD_INPUT
            } else {
                EXIT_OK
            });
        }
    };
    let library_dir = library_dir(cli.library.as_deref());
    let status = match cli.command {
        Command::Render(args) => render::run(&library_dir, args),
        Command::Templates(args) => templates::run(&library_dir, args),
        Command::Check(args) => check::run(&library_dir, args),
        Command::Snapshot(args) => snapshot::run(&library_dir, args),
        Command::Impact(args) => impact::run(&library_dir, args),
        Command::PlanCalls(args) => plan_calls::run(&library_dir, args),
        Command::Lint(args) => lint::run(&library_dir, args),
        Command::Send(args) => send::run(&library_dir, args),
        Command::Serve(args) => serve::run(&library_dir, args),
    };
    ExitCode::from(status)
}

/// Where the library is: the flag, `$COMMS_LIBRARY`, the current folder if it holds one, or
/// the library shipped with the source.
pub fn library_dir(flag: Option<&Path>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os("COMMS_LIBRARY") {
        return PathBuf::from(dir);
    }
    let here = PathBuf::from(".");
    if here.join("phrases").is_dir() && here.join("templates").is_dir() {
        return here;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads the library, printing its errors on failure.
pub fn load_library(dir: &Path) -> Result<Library, u8> {
    Library::load(dir).map_err(|errors| {
        eprint!("{errors}");
        EXIT_BAD_INPUT
    })
}

/// Reads a file's text, or stdin for `-`, naming the file in any error.
pub fn read_input(path: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|err| format!("<stdin>: cannot read: {err}"))?;
        bytes
    } else {
        std::fs::read(path).map_err(|err| format!("{path}: cannot read: {err}"))?
    };
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        format!(
            "{}: not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8",
            if path == "-" { "<stdin>" } else { path }
        )
    })
}

/// Writes output to a file, or stdout when no file is given.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    match path {
        Some(path) => std::fs::write(path, bytes)
            .map_err(|err| format!("{}: cannot write: {err}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(|err| format!("cannot write to standard output: {err}"))
        }
    }
}

/// Reads the request at `path` (`-` for stdin) and composes, lints and renders it, printing
/// any problem; the error is the exit status. Shared by `render` and `send`.
pub fn request_message(library: &Library, path: &str) -> Result<crate::message::Message, u8> {
    let origin = input_name(path);
    let request = read_input(path)
        .and_then(|text| {
            crate::request::parse_request(&text, origin).map_err(|err| err.to_string())
        })
        .map_err(|message| {
            eprintln!("error: {message}");
            EXIT_BAD_INPUT
        })?;
    crate::message::build_message(library, &request).map_err(|err| {
        let crate::message::MessageError::Compose(err) = err;
        eprintln!("error: {origin}: the request cannot be composed:");
        for problem in &err.problems {
            eprintln!("  {problem}");
        }
        EXIT_BAD_INPUT
    })
}

/// How an input path is named in messages: `<stdin>` for `-`.
pub fn input_name(path: &str) -> &str {
    if path == "-" { "<stdin>" } else { path }
}
