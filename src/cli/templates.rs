//! `comms templates`: the templates staff can pick, with their questions.

use std::path::Path;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{EXIT_BAD_INPUT, EXIT_OK, load_library, write_output};
use crate::library::templates::Condition;
use crate::library::{Library, Question};
use crate::request::Channel;

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// A template as listed to people and programs.
#[derive(Debug, Serialize)]
pub struct TemplateSummary<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub purpose: &'a str,
    pub channels: &'a [Channel],
    pub asks_for_reply: bool,
    pub last_resort: bool,
    /// An automatic mailbox reply: no greeting, no member of staff, no other templates.
    pub automatic: bool,
    /// Questions of which at least one must be answered.
    pub answer_at_least_one_of: &'a [String],
    /// Conditions on the answers without which the template must not be used.
    pub only_when: &'a [Condition],
    pub questions: &'a [Question],
}

pub fn summaries(library: &Library) -> Vec<TemplateSummary<'_>> {
    library
        .templates
        .values()
        .map(|template| TemplateSummary {
            id: &template.id,
            name: &template.spec.name,
            purpose: &template.spec.purpose,
            channels: &template.spec.channels,
            asks_for_reply: template.spec.asks_for_reply,
            last_resort: template.spec.last_resort,
            automatic: template.spec.automatic,
            answer_at_least_one_of: &template.spec.answer_at_least_one_of,
            only_when: &template.spec.only_when,
            questions: &template.spec.questions,
        })
        .collect()
}

pub fn run(library_dir: &Path, args: TemplatesArgs) -> u8 {
    let library = match load_library(library_dir) {
        Ok(library) => library,
        Err(status) => return status,
    };
    let list = summaries(&library);
    let out = match args.format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&list).unwrap_or_default();
            json.push('\n');
            json
        }
        Format::Text => {
            let mut out = String::new();
            for template in &list {
                let channels: Vec<&str> = template.channels.iter().map(|c| c.as_str()).collect();
                out.push_str(&format!(
                    "{}  ({})\n  {}\n  {}\n",
                    template.id,
                    channels.join(", "),
                    template.name,
                    template.purpose
                ));
                for question in template.questions {
                    let required = if question.required { ", required" } else { "" };
                    out.push_str(&format!(
                        "  - {} ({}{}): {}\n",
                        question.id,
                        question.kind.as_str(),
                        required,
                        question.label
                    ));
                    for choice in &question.options {
                        out.push_str(&format!("      {}: {}\n", choice.value, choice.label));
                    }
                }
                if !template.answer_at_least_one_of.is_empty() {
                    out.push_str(&format!(
                        "  answer at least one of: {}\n",
                        template.answer_at_least_one_of.join(", ")
                    ));
                }
                for condition in template.only_when {
                    out.push_str(&format!(
                        "  only when {} is {}: {}\n",
                        condition.question, condition.equals, condition.message
                    ));
                }
                if template.last_resort {
                    out.push_str("  only when completely necessary\n");
                }
                if template.automatic {
                    out.push_str(
                        "  an automatic reply: no greeting or staff name, and sent on its own\n",
                    );
                }
                out.push('\n');
            }
            out
        }
    };
    match write_output(None, out.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_BAD_INPUT
        }
    }
}
