//! Every rule's own examples: text it must flag and text it must let through. `comms check`
//! and the test suite run them all, so a rule cannot drift from what its file says it does.
//!
//! An example is a string (text typed by staff, in the body of a composed message), or a map
//! that sets where the text came from and the facts of the message:
//!
//! ```yaml
//! examples:
//!   flag:
//!     - Please send your ppt.
//!     - { text: "HM Passport Office Enquiries", field: subject, csmt: true, initials: SB }
//!   pass:
//!     - { text: "CF10 1AA", source: placeholder }
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use super::RuleSet;
use super::guidance::GuidanceCorpus;
use super::rules::{Kind, Rule};
use super::similar::PhraseIndex;
use super::{Facts, Field, Finding, Mandated, lint_fields};
use crate::document::{Source, SourcedText, Span};
use crate::request::Language;

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ExampleSpec {
    Text(String),
    Detailed(Box<DetailedExample>),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetailedExample {
    pub text: String,
    /// Where `text` came from; free text when absent.
    #[serde(default)]
    pub source: Option<ExampleSource>,
    /// The placeholder's name, for `source: placeholder`.
    #[serde(default)]
    pub placeholder: Option<String>,
    /// Approved phrase text placed before `text` in the same paragraph.
    #[serde(default)]
    pub before: Option<String>,
    #[serde(default)]
    pub field: Option<Field>,
    #[serde(default)]
    pub language: Language,
    #[serde(default)]
    pub csmt: bool,
    #[serde(default)]
    pub initials: Option<String>,
    #[serde(default)]
    pub allows_contact_centre: bool,
    /// Names of the rule's mandated paragraphs the message requires.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Customer details (names, reference, address lines) known to the message.
    #[serde(default)]
    pub customer: Vec<String>,
    /// Guidance text to compare with, for `guidance-copy`.
    #[serde(default)]
    pub guidance: Option<String>,
    /// Approved phrases to compare with, for `similar-phrase`: id to text.
    #[serde(default)]
    pub phrases: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExampleSource {
    Phrase,
    Placeholder,
    FreeText,
    Template,
}

impl ExampleSpec {
    pub fn detailed(&self) -> DetailedExample {
        match self {
            ExampleSpec::Text(text) => DetailedExample {
                text: text.clone(),
                ..DetailedExample::default()
            },
            ExampleSpec::Detailed(detailed) => (**detailed).clone(),
        }
    }
}

/// Lints one example with its rule alone; an error if it names what the rule lacks.
pub fn lint_example(
    rule: &Rule,
    library_rules: &RuleSet,
    example: &ExampleSpec,
) -> Result<Vec<Finding>, String> {
    let example = example.detailed();
    let phrase_index = if example.phrases.is_empty() {
        library_rules.phrase_index.clone()
    } else {
        PhraseIndex::build(
            example
                .phrases
                .iter()
                .map(|(id, text)| (id.as_str(), text.as_str())),
        )
    };
    let guidance = match (&rule.kind, &example.guidance) {
        (Kind::GuidanceCopy { min_words }, Some(text)) => {
            Some(GuidanceCorpus::build(*min_words, [text.as_str()]))
        }
        _ => library_rules.guidance.clone(),
    };
    let rules = RuleSet::from_parts(vec![rule.clone()], phrase_index, guidance);
    let mut required = Vec::new();
    for name in &example.requires {
        let paragraph = match &rule.kind {
            Kind::RequiredParagraph { paragraphs } => paragraphs.get(name),
            _ => None,
        };
        let Some(paragraph) = paragraph else {
            return Err(format!(
                "the example requires paragraph `{name}`, which this rule's `paragraphs:` does not have"
            ));
        };
        let text = match example.language {
            Language::En => &paragraph.en,
            Language::Cy => paragraph.cy.as_ref().unwrap_or(&paragraph.en),
        };
        required.push(Mandated::from_marked_text(name, text));
    }
    let source = match example.source.unwrap_or(ExampleSource::FreeText) {
        ExampleSource::Phrase => Source::Phrase {
            id: "example".into(),
        },
        ExampleSource::Placeholder => Source::Placeholder {
            phrase: "example".into(),
            name: example
                .placeholder
                .clone()
                .unwrap_or_else(|| "answers.example".into())
                .into(),
        },
        ExampleSource::FreeText => Source::FreeText {
            template: "example".into(),
            question: "example".into(),
        },
        ExampleSource::Template => Source::Template {
            template: "example".into(),
        },
    };
    let mut text = SourcedText::default();
    if let Some(before) = &example.before {
        text.push_span(&Span {
            text: before.as_str().into(),
            source: Source::Phrase {
                id: "example".into(),
            },
        });
    }
    text.push_span(&Span {
        text: example.text.as_str().into(),
        source,
    });
    let facts = Facts {
        composed: true,
        language: example.language,
        allows_contact_centre: example.allows_contact_centre,
        csmt: example.csmt,
        initials: example.initials.clone(),
        required: required.into(),
        customer_details: super::customer_details(example.customer.iter().map(String::as_str)),
        first_block: None,
    };
    let empty = SourcedText::default();
    match example.field.unwrap_or(Field::Body) {
        Field::Body => Ok(lint_fields(&rules, &text, None, &facts)),
        Field::Subject => Ok(lint_fields(&rules, &empty, Some(&text), &facts)),
        Field::Recipient => Err(
            "an example's `field` is `body` or `subject`; rules do not read the recipient".into(),
        ),
    }
}

/// Runs every example of every rule; each problem names the rule file and example.
pub fn check_examples(rules: &RuleSet) -> Vec<String> {
    let mut problems = Vec::new();
    for rule in &rules.rules {
        let groups = [(true, &rule.examples.flag), (false, &rule.examples.pass)];
        for (must_flag, examples) in groups {
            for (index, spanned) in examples.iter().enumerate() {
                let example = &spanned.value;
                let location = format!("{}:{}", rule.file.display(), spanned.referenced.line());
                let label = format!(
                    "{} example {} (“{}”)",
                    if must_flag { "flag" } else { "pass" },
                    index + 1,
                    shorten(&example.detailed().text)
                );
                match lint_example(rule, rules, example) {
                    Err(reason) => problems.push(format!("{location}: {label}: {reason}")),
                    Ok(findings) => {
                        let flagged: Vec<&Finding> =
                            findings.iter().filter(|f| f.rule == rule.id).collect();
                        if must_flag && flagged.is_empty() {
                            problems.push(format!(
                                "{location}: {label} is not flagged by rule `{}`",
                                rule.id
                            ));
                        }
                        if let Some(finding) = flagged.first().filter(|_| !must_flag) {
                            problems.push(format!(
                                "{location}: {label} is flagged by rule `{}` at “{}”, but must pass",
                                rule.id, finding.text
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        short.push('…');
    }
    short
}
