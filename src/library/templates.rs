//! Templates: the questions staff answer and the Tera body that picks phrases from the answers.
//!
//! Each template is two files side by side in `templates/`: `ID.yaml` declares the name,
//! purpose, channels, questions and cases; `ID.tera` is the body. The body may only call
//! `phrase(id="...")` and `free_text(question="...")` and arrange them with blank lines and
//! `- ` / `1. ` list markers; customer-facing words belong in phrases, never in the body.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::error::{LibraryError, yaml_error};
use crate::document::SharedStr;
use crate::request::{Answer, Channel, Language, Service};

/// A template as loaded: its declaration and its body.
#[derive(Debug, Clone)]
pub struct Template {
    pub id: SharedStr,
    pub spec: TemplateSpec,
    /// The Tera body, as written.
    pub body: String,
    pub spec_file: PathBuf,
    pub body_file: PathBuf,
    /// Line of each question in the spec file, by question index.
    pub question_lines: Vec<u64>,
    /// Line of each case in the spec file, by case index.
    pub case_lines: Vec<u64>,
}

impl Template {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.spec
            .questions
            .iter()
            .find(|question| question.id == id)
    }
}

/// What the `ID.yaml` file declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    /// The name staff pick from the list.
    pub name: String,
    /// When to use it, in a sentence.
    pub purpose: String,
    /// Channels this template can be sent on.
    pub channels: Vec<Channel>,
    /// The phrase used as the email subject when this template is the first part.
    #[serde(default)]
    pub subject: Option<String>,
    /// Asks the customer for documents or information: adds the Fast Track phrase on
    /// Fast Track applications.
    #[serde(default)]
    pub asks_for_reply: bool,
    /// Only for when it is completely necessary (the 915 letter).
    #[serde(default)]
    pub last_resort: bool,
    /// An automatic reply set on a mailbox: it knows neither the customer's name nor who
    /// reads the email, so it has no greeting, is signed by HM Passport Office alone, and
    /// goes on its own.
    #[serde(default)]
    pub automatic: bool,
    /// Sent in the Customer Services Management team house format.
    #[serde(default)]
    pub house_format: Option<HouseFormat>,
    /// Phrase ids of mandated paragraphs that must appear word for word.
    #[serde(default)]
    pub required_paragraphs: Vec<String>,
    /// Conditions on the answers without which the template must not be used.
    #[serde(default)]
    pub only_when: Vec<Condition>,
    /// Questions of which at least one must be answered (each may be optional on its own).
    #[serde(default)]
    pub answer_at_least_one_of: Vec<String>,
    /// The guidance allows this template to give the customer a contact centre number.
    #[serde(default)]
    pub allows_contact_centre: bool,
    #[serde(default)]
    pub questions: Vec<Question>,
    /// Named sets of answers that together show every phrase the template can show.
    #[serde(default)]
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseFormat {
    /// Customer Services Management team: subject "HM Passport Office Enquiries" and initials.
    Csmt,
}

/// A rule on the answers, such as "phone contact was tried three times".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub question: String,
    pub equals: String,
    /// Shown to staff when the condition does not hold.
    pub message: String,
}

/// One on-screen question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    /// The question as staff see it.
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
    pub kind: QuestionKind,
    #[serde(default)]
    pub required: bool,
    /// The values a radio or check box question allows, with the labels staff see.
    #[serde(default)]
    pub options: Vec<Choice>,
}

impl Question {
    pub fn allowed_values(&self) -> String {
        self.options
            .iter()
            .map(|choice| choice.value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One of the options.
    Radio,
    /// Any of the options.
    Checkboxes,
    /// One line of text, filled into phrases as `{answers.ID}`.
    Text,
    /// Paragraphs typed by staff, placed by `free_text(question="ID")` and marked as free text.
    FreeText,
    /// A date, YYYY-MM-DD, shown as DD Month YYYY.
    Date,
    /// An amount of money, shown as £30.00.
    Money,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Radio => "radio",
            QuestionKind::Checkboxes => "checkboxes",
            QuestionKind::Text => "text",
            QuestionKind::FreeText => "free_text",
            QuestionKind::Date => "date",
            QuestionKind::Money => "money",
        }
    }

    pub fn has_options(self) -> bool {
        matches!(self, QuestionKind::Radio | QuestionKind::Checkboxes)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A named set of answers, used by `comms check` and the snapshot guard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub answers: std::collections::BTreeMap<String, Answer>,
    /// The service of the application in this case; standard when absent.
    #[serde(default)]
    pub service: Option<Service>,
    /// Languages to render; both when absent.
    #[serde(default)]
    pub languages: Option<Vec<Language>>,
    /// Channels to render; every channel of the template when absent.
    #[serde(default)]
    pub channels: Option<Vec<Channel>>,
    #[serde(default)]
    pub large_print: bool,
}

#[derive(Debug, Deserialize)]
struct Locations {
    #[serde(default)]
    questions: Vec<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    cases: Vec<Spanned<serde::de::IgnoredAny>>,
}

/// Reads `ID.yaml` and `ID.tera`. Returns the template, or pushes every problem into `errors`.
pub fn read_template(
    id: &str,
    spec_file: &Path,
    spec_source: &str,
    body_file: &Path,
    body: Option<String>,
    errors: &mut Vec<LibraryError>,
) -> Option<Template> {
    if !super::phrases::valid_id(id) {
        errors.push(LibraryError::whole_file(
            spec_file,
            format!("template id `{id}` (the file name) may use only a-z, 0-9, `.`, `-` and `_`"),
        ));
    }
    let spec = match serde_saphyr::from_str::<TemplateSpec>(spec_source) {
        Ok(spec) => Some(spec),
        Err(err) => {
            errors.push(yaml_error(spec_file, &err));
            None
        }
    };
    // Read a second time for the lines of questions and cases, which the spec itself drops.
    let locations: Option<Locations> = serde_saphyr::from_str::<LocationsMap>(spec_source)
        .ok()
        .map(|map| map.0);
    let Some(body) = body else {
        errors.push(LibraryError::whole_file(
            spec_file,
            format!(
                "template `{id}` has no body: expected {} beside it",
                body_file.display()
            ),
        ));
        return None;
    };
    let spec = spec?;
    let question_lines: Vec<u64> = locations
        .as_ref()
        .map(|l| l.questions.iter().map(|q| q.referenced.line()).collect())
        .unwrap_or_default();
    let case_lines: Vec<u64> = locations
        .as_ref()
        .map(|l| l.cases.iter().map(|c| c.referenced.line()).collect())
        .unwrap_or_default();
    let line_of = |lines: &[u64], index: usize| lines.get(index).copied().unwrap_or(0);

    if spec.channels.is_empty() {
        errors.push(LibraryError::whole_file(
            spec_file,
            "`channels` is empty; list at least one of email, letter, voicemail, phone, sms",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (index, question) in spec.questions.iter().enumerate() {
        let line = line_of(&question_lines, index);
        if !seen.insert(question.id.as_str()) {
            errors.push(LibraryError::at(
                spec_file,
                line,
                0,
                format!("question `{}` is declared twice", question.id),
            ));
        }
        if question.kind.has_options() && question.options.is_empty() {
            errors.push(LibraryError::at(
                spec_file,
                line,
                0,
                format!(
                    "question `{}` is {} but has no options; add `options: [{{value, label}}]`",
                    question.id,
                    question.kind.as_str()
                ),
            ));
        }
        if !question.kind.has_options() && !question.options.is_empty() {
            errors.push(LibraryError::at(
                spec_file,
                line,
                0,
                format!(
                    "question `{}` is {} and cannot have options; only radio and checkboxes do",
                    question.id,
                    question.kind.as_str()
                ),
            ));
        }
    }
    for condition in &spec.only_when {
        let Some(question) = spec.questions.iter().find(|q| q.id == condition.question) else {
            errors.push(LibraryError::whole_file(
                spec_file,
                format!(
                    "`only_when` names question `{}`, which the template does not declare",
                    condition.question
                ),
            ));
            continue;
        };
        if question.kind.has_options()
            && !question.options.iter().any(|c| c.value == condition.equals)
        {
            errors.push(LibraryError::whole_file(
                spec_file,
                format!(
                    "`only_when` expects question `{}` to equal `{}`, which is not one of its values ({})",
                    question.id,
                    condition.equals,
                    question.allowed_values()
                ),
            ));
        }
    }
    for question in &spec.answer_at_least_one_of {
        if !spec.questions.iter().any(|q| &q.id == question) {
            errors.push(LibraryError::whole_file(
                spec_file,
                format!(
                    "`answer_at_least_one_of` names question `{question}`, which the template does not declare"
                ),
            ));
        }
    }
    check_body_has_no_prose(body_file, &body, errors);
    // A template with errors is still returned: the library refuses to load anyway, and the
    // checks that span files (unknown phrases, Tera syntax) can then list their errors too.
    Some(Template {
        id: id.into(),
        spec,
        body,
        spec_file: spec_file.to_path_buf(),
        body_file: body_file.to_path_buf(),
        question_lines,
        case_lines,
    })
}

/// A map read only for the locations of its `questions` and `cases` entries.
struct LocationsMap(Locations);

impl<'de> Deserialize<'de> for LocationsMap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor;
        impl<'de> serde::de::Visitor<'de> for MapVisitor {
            type Value = LocationsMap;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a template declaration")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<LocationsMap, A::Error> {
                let mut locations = Locations {
                    questions: Vec::new(),
                    cases: Vec::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "questions" => locations.questions = map.next_value()?,
                        "cases" => locations.cases = map.next_value()?,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(LocationsMap(locations))
            }
        }
        deserializer.deserialize_map(MapVisitor)
    }
}

/// Customer-facing sentences live only in phrases: outside its `{{ }}`, `{% %}` and `{# #}`
/// tags, a body may hold only spacing, punctuation, list markers and numbers.
pub fn check_body_has_no_prose(file: &Path, body: &str, errors: &mut Vec<LibraryError>) {
    for (line_index, column, word) in prose_outside_tags(body) {
        errors.push(LibraryError::at(
            file,
            line_index as u64 + 1,
            column as u64 + 1,
            format!(
                "the template writes its own words (`{word}`); customer-facing wording belongs in a phrase: add it to phrases/ and use {{{{ phrase(id=\"...\") }}}}"
            ),
        ));
    }
}

/// Words found outside template tags: (0-based line, 0-based column, the word).
fn prose_outside_tags(body: &str) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    let mut depth_end: Option<&str> = None;
    for (line_index, line) in body.lines().enumerate() {
        let mut rest = line;
        let mut column = 0usize;
        while !rest.is_empty() {
            if let Some(end) = depth_end {
                match rest.find(end) {
                    Some(position) => {
                        let skip = position + end.len();
                        column += rest[..skip].chars().count();
                        rest = &rest[skip..];
                        depth_end = None;
                    }
                    None => rest = "",
                }
                continue;
            }
            let next_tag = ["{{", "{%", "{#"]
                .iter()
                .filter_map(|open| rest.find(open).map(|position| (position, *open)))
                .min();
            let (text, after) = match next_tag {
                Some((position, open)) => {
                    depth_end = Some(match open {
                        "{{" => "}}",
                        "{%" => "%}",
                        _ => "#}",
                    });
                    (&rest[..position], &rest[position + 2..])
                }
                None => (rest, ""),
            };
            if let Some(word) = first_word(text) {
                let offset = text[..text.find(&word).unwrap_or(0)].chars().count();
                found.push((line_index, column + offset, word));
            }
            column += text.chars().count()
                + if after.len() < rest.len() - text.len() {
                    2
                } else {
                    0
                };
            rest = after;
        }
    }
    found
}

fn first_word(text: &str) -> Option<String> {
    let start = text.find(char::is_alphabetic)?;
    let word: String = text[start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '\'' || *c == '’')
        .collect();
    Some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_prose_is_found_outside_tags_only() {
        let body = "{{ phrase(id=\"a.b\") }}\n\n- {{ phrase(id=\"c\") }}\n{# a comment #}\nPlease reply.\n";
        let found = prose_outside_tags(body);
        assert_eq!(found, vec![(4, 0, "Please".to_string())]);
    }

    #[test]
    fn tag_spanning_lines_is_skipped() {
        let body = "{% if answers.x\n  and answers.y %}\n{{ phrase(id=\"a\") }}, {{ phrase(id=\"b\") }}.\n";
        assert!(prose_outside_tags(body).is_empty());
    }

    #[test]
    fn spec_errors_are_located() {
        let mut errors = Vec::new();
        let spec = "name: N\npurpose: P\nchannels: [email]\nquestions:\n  - id: q\n    label: Q\n    kind: radio\n";
        let template = read_template(
            "t",
            Path::new("templates/t.yaml"),
            spec,
            Path::new("templates/t.tera"),
            Some(String::new()),
            &mut errors,
        );
        // Still returned, so that checks across files can add their own errors.
        assert!(template.is_some());
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "templates/t.yaml:5: question `q` is radio but has no options; add `options: [{value, label}]`"
        );
    }
}
