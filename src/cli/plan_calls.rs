//! `comms plan-calls [REQUEST]`: when to phone a customer and what voicemail to leave.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{EXIT_BAD_INPUT, EXIT_OK, load_library, read_input, write_output};
use crate::plan::{Plan, PlanRequest, parse_plan_request, plan_calls};
use crate::request::Role;

#[derive(Debug, Args)]
pub struct PlanCallsArgs {
    /// The plan request (YAML or JSON file), or `-` for standard input. The options below
    /// fill or override its fields.
    pub request: Option<String>,
    /// examiner (09:00 to 20:00) or customer-service (08:00 to 20:00).
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// The customer's IANA time zone, such as America/New_York.
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// The customer's country, a two-letter code such as FR (countries with one time zone).
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
    /// The time now, RFC 3339 (default: the clock).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// The attempt about to be made, 1 to 3.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub attempt: Option<i64>,
    /// A time the customer cannot take a call, such as 12:00-14:00 (repeatable).
    #[arg(long, value_name = "WHEN")]
    pub unavailable: Vec<String>,
    /// Your first name, as the voicemails give it.
    #[arg(long, value_name = "NAME")]
    pub staff_first_name: Option<String>,
    /// The customer is happy to be called outside the usual hours.
    #[arg(long)]
    pub happy_outside_hours: bool,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Examiner,
    CustomerService,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The plan for a person to read.
    Text,
    /// The plan as one JSON object.
    Json,
}

pub fn run(library_dir: &Path, args: PlanCallsArgs) -> u8 {
    let library = match load_library(library_dir) {
        Ok(library) => library,
        Err(status) => return status,
    };
    let mut request = match &args.request {
        None => PlanRequest::default(),
        Some(path) => {
            let origin = if path == "-" {
                "<stdin>"
            } else {
                path.as_str()
            };
            let parsed = read_input(path).and_then(|text| parse_plan_request(&text, origin));
            match parsed {
                Ok(request) => request,
                Err(message) => {
                    eprintln!("error: {message}");
                    return EXIT_BAD_INPUT;
                }
            }
        }
    };
    apply_options(&mut request, &args);
    let plan = match plan_calls(&library, &request) {
        Ok(plan) => plan,
        Err(err) => {
            eprintln!("error: cannot plan the calls: {err}");
            return EXIT_BAD_INPUT;
        }
    };
    let bytes = match args.format {
        Format::Text => plan_text(&plan).into_bytes(),
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&plan).unwrap_or_default();
            json.push('\n');
            json.into_bytes()
        }
    };
    match write_output(args.output.as_deref(), &bytes) {
        Ok(()) => EXIT_OK,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_BAD_INPUT
        }
    }
}

fn apply_options(request: &mut PlanRequest, args: &PlanCallsArgs) {
    if let Some(role) = args.role {
        request.role = Some(match role {
            RoleArg::Examiner => Role::Examiner,
            RoleArg::CustomerService => Role::CustomerService,
        });
    }
    // An option names the customer's place afresh, replacing the file's zone or country.
    if args.time_zone.is_some() || args.country.is_some() {
        request.time_zone = args.time_zone.clone();
        request.customer.time_zone = None;
        request.country = args.country.clone();
    }
    if args.now.is_some() {
        request.now = args.now.clone();
    }
    if let Some(attempt) = args.attempt {
        request.attempt = Some(attempt.into());
    }
    if let Some(name) = &args.staff_first_name {
        request.staff.first_name = name.clone();
    }
    request.unavailable.extend(args.unavailable.iter().cloned());
    request.happy_outside_hours |= args.happy_outside_hours;
}

/// The plan as a person reads it.
pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Customer's time now: {} ({}); UK time {}",
        plan.now.customer_text, plan.time_zone, plan.now.uk_text
    );
    match &plan.calling_hours {
        Some(hours) => {
            let _ = writeln!(
                out,
                "Calling hours: {} to {} in the customer's time; office calls {} to {} UK time",
                hours.start, hours.end, plan.office_hours.start, plan.office_hours.end
            );
        }
        None => {
            let _ = writeln!(
                out,
                "Calling hours: any time the customer is available (they are happy to be called outside the usual hours); office calls {} to {} UK time",
                plan.office_hours.start, plan.office_hours.end
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{} {}",
        if plan.can_call_now {
            "CALL NOW."
        } else {
            "DO NOT CALL NOW."
        },
        plan.reason
    );
    if plan.send_email_instead {
        let _ = writeln!(out, "SEND AN EMAIL INSTEAD.");
    }
    for attempt in &plan.attempts {
        let when = attempt.when_text();
        let _ = writeln!(
            out,
            "\nAttempt {}: {} — UK time {}",
            attempt.number, when, attempt.at.uk_text
        );
        let _ = writeln!(out, "  If there is no answer, leave this voicemail:");
        let _ = writeln!(out, "  {}", attempt.voicemail.text);
    }
    if !plan.attempts.is_empty() {
        let _ = writeln!(out, "\nAfter the last attempt: {}", plan.after_last_attempt);
    }
    if let Some(hold) = &plan.hold {
        let _ = writeln!(
            out,
            "\nHold: use the reason \"{}\" for {} hours, until {}. {}",
            hold.reason, hold.hours, hold.until.customer_text, hold.why
        );
    }
    if !plan.notes.is_empty() {
        let _ = writeln!(out);
        for note in &plan.notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}
