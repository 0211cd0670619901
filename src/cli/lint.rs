//! `comms lint [FILE|-]`: lint any text against the library's house-style rules, as if typed
//! by staff. Exit 0 when nothing is an error, 1 when something is, 2 for bad input or rules.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, load_library, read_input, write_output};
use crate::lint::{Finding, has_errors, lint_text};

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The text file to lint, or `-` for standard input.
    #[arg(default_value = "-")]
    pub file: String,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = LintFormat::Line)]
    pub format: LintFormat,
    /// A folder of internal guidance (`.txt` and `.md` files) that free text must not copy.
    #[arg(long, value_name = "DIR")]
    pub guidance: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// One finding a line: `FILE:LINE:COLUMN: severity: message [rule]`.
    Line,
    /// `{"findings": [...]}`.
    Json,
}

/// What `--format json` prints.
#[derive(serde::Serialize)]
struct LintOutput<'a> {
    findings: &'a [Finding],
}

pub fn run(library_dir: &Path, args: LintArgs) -> u8 {
    let mut library = match load_library(library_dir) {
        Ok(library) => library,
        Err(status) => return status,
    };
    if let Some(dir) = &args.guidance {
        match read_guidance(dir) {
            Ok(texts) => library
                .rules
                .attach_guidance(texts.iter().map(String::as_str)),
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_BAD_INPUT;
            }
        }
    }
    let text = match read_input(&args.file) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_BAD_INPUT;
        }
    };
    let findings = lint_text(&library.rules, &text);
    let origin = if args.file == "-" {
        "<stdin>"
    } else {
        args.file.as_str()
    };
    let output = match args.format {
        LintFormat::Line => findings
            .iter()
            .map(|finding| format!("{}\n", line_report(origin, finding)))
            .collect::<String>(),
        LintFormat::Json => {
            let mut json = serde_json::to_string_pretty(&LintOutput {
                findings: &findings,
            })
            .unwrap_or_default();
            json.push('\n');
            json
        }
    };
    if let Err(message) = write_output(None, output.as_bytes()) {
        eprintln!("error: {message}");
        return EXIT_BAD_INPUT;
    }
    if has_errors(&findings) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `FILE:LINE:COLUMN: severity: message [rule] “text” → suggestion`
pub fn line_report(origin: &str, finding: &Finding) -> String {
    let mut line = format!(
        "{origin}:{}:{}: {}: {} [{}] “{}”",
        finding.line,
        finding.column,
        finding.severity.as_str(),
        finding.message,
        finding.rule,
        shorten(&finding.text)
    );
    if let Some(suggestion) = &finding.suggestion {
        line.push_str(" → ");
        line.push_str(&shorten(suggestion));
    }
    line
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        short.push('…');
    }
    short
}

/// The text of every `.txt` and `.md` file in the guidance folder.
fn read_guidance(dir: &Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|err| {
        format!(
            "--guidance {}: cannot read the folder: {err}",
            dir.display()
        )
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "txt" || ext == "md")
        })
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!(
            "--guidance {}: the folder holds no .txt or .md files",
            dir.display()
        ));
    }
    paths
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path)
                .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}
