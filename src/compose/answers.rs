//! Checks a part's answers against its template's questions and turns them into values:
//! what the template body may branch on, and what phrases may show.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Problem;
use super::format::{format_date, format_money, parse_money};
use crate::library::body::BodyValue;
use crate::library::{QuestionKind, Template};
use crate::request::{Answer, Language};

/// The longest short-text answer.
pub const SHORT_TEXT_MAX: usize = 200;
/// The longest free-text answer.
pub const FREE_TEXT_MAX: usize = 5_000;

/// A part's answers, checked.
#[derive(Debug, Clone, Default)]
pub struct CheckedAnswers {
    /// What the body sees: radio values, lists of check box values, and `true` for answered
    /// text, date, money and free-text questions. Never the text itself.
    pub for_body: BTreeMap<String, BodyValue>,
    /// Values filled into `{answers.ID}` placeholders, already formatted for the language.
    pub placeholder_values: BTreeMap<String, String>,
    /// Free-text answers, by question, as paragraphs (split at blank lines), each on one
    /// line with single spaces.
    pub free_text: BTreeMap<String, Vec<String>>,
}

/// Checks `answers` against `template`; every problem goes into `problems`.
pub fn check_answers(
    template: &Template,
    answers: &BTreeMap<String, Answer>,
    language: Language,
    part: usize,
    problems: &mut Vec<Problem>,
) -> CheckedAnswers {
    let mut checked = CheckedAnswers::default();
    let problem = |question: &str, message: String| Problem {
        part: Some(part),
        template: Some(template.id.to_string()),
        question: Some(question.to_string()),
        message,
    };
    for (question_id, _) in answers.iter() {
        if template.question(question_id).is_none() {
            let known = template
                .spec
                .questions
                .iter()
                .map(|q| q.id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(problem(
                question_id,
                if known.is_empty() {
                    "the template asks no questions; remove this answer".to_string()
                } else {
                    format!("the template has no such question; its questions are: {known}")
                },
            ));
        }
    }
    for question in &template.spec.questions {
        let id = question.id.as_str();
        let answer = answers.get(id).filter(|answer| !is_blank(answer));
        let Some(answer) = answer else {
            if question.required {
                let accepted = if question.kind.has_options() {
                    format!("; one of: {}", question.allowed_values())
                } else {
                    String::new()
                };
                problems.push(problem(
                    id,
                    format!(
                        "an answer is required (\"{}\"){accepted}",
                        question.label.trim_end_matches('?')
                    ),
                ));
            }
            let empty = match question.kind {
                QuestionKind::Checkboxes => BodyValue::Choices(Vec::new()),
                QuestionKind::Radio => BodyValue::None,
                _ => BodyValue::Answered(false),
            };
            checked.for_body.insert(id.to_string(), empty);
            continue;
        };
        match question.kind {
            QuestionKind::Radio => match answer {
                Answer::One(value) if question.options.iter().any(|c| &c.value == value) => {
                    checked
                        .for_body
                        .insert(id.to_string(), BodyValue::Choice(value.clone()));
                }
                other => problems.push(problem(
                    id,
                    format!(
                        "{} is not allowed; choose one of: {}",
                        other.describe(),
                        question.allowed_values()
                    ),
                )),
            },
            QuestionKind::Checkboxes => {
                let values: &[String] = match answer {
                    Answer::Many(values) => values,
                    Answer::One(value) => std::slice::from_ref(value),
                    other => {
                        problems.push(problem(
                            id,
                            format!(
                                "{} is not a list of check box values; choose any of: {}",
                                other.describe(),
                                question.allowed_values()
                            ),
                        ));
                        continue;
                    }
                };
                let unknown: Vec<&String> = values
                    .iter()
                    .filter(|value| !question.options.iter().any(|c| &c.value == *value))
                    .collect();
                if !unknown.is_empty() {
                    problems.push(problem(
                        id,
                        format!(
                            "{} {} not allowed; choose any of: {}",
                            unknown
                                .iter()
                                .map(|v| format!("\"{v}\""))
                                .collect::<Vec<_>>()
                                .join(", "),
                            if unknown.len() == 1 { "is" } else { "are" },
                            question.allowed_values()
                        ),
                    ));
                    continue;
                }
                // Keep the order the options are declared in, once each.
                let ordered: Vec<String> = question
                    .options
                    .iter()
                    .filter(|c| values.contains(&c.value))
                    .map(|c| c.value.clone())
                    .collect();
                checked
                    .for_body
                    .insert(id.to_string(), BodyValue::Choices(ordered));
            }
            QuestionKind::Text | QuestionKind::FreeText => {
                let Answer::One(text) = answer else {
                    problems.push(problem(
                        id,
                        format!(
                            "{} is not text; write the answer as text",
                            answer.describe()
                        ),
                    ));
                    continue;
                };
                let text = if text.contains('\r') {
                    text.replace("\r\n", "\n").trim().to_string()
                } else {
                    text.trim().to_string()
                };
                if let Some(bad) = text.chars().find(|c| c.is_control() && *c != '\n') {
                    problems.push(problem(
                        id,
                        format!(
                            "the answer holds a control character (U+{:04X}); only printable text is accepted",
                            bad as u32
                        ),
                    ));
                    continue;
                }
                if super::holes::has_marker(&text) {
                    problems.push(problem(
                        id,
                        "the answer holds reserved characters (U+E000, U+E001)".into(),
                    ));
                    continue;
                }
                if question.kind == QuestionKind::Text {
                    if text.contains('\n') {
                        problems.push(problem(
                            id,
                            format!(
                                "this is a short text question: one line of up to {SHORT_TEXT_MAX} characters; free text is accepted only by a free-text question{}",
                                free_text_questions(template)
                            ),
                        ));
                        continue;
                    }
                    if text.chars().count() > SHORT_TEXT_MAX {
                        problems.push(problem(
                            id,
                            format!(
                                "the answer is {} characters; a short text answer may have up to {SHORT_TEXT_MAX}",
                                text.chars().count()
                            ),
                        ));
                        continue;
                    }
                    checked.placeholder_values.insert(id.to_string(), text);
                } else {
                    if text.chars().count() > FREE_TEXT_MAX {
                        problems.push(problem(
                            id,
                            format!(
                                "the answer is {} characters; free text may have up to {FREE_TEXT_MAX}",
                                text.chars().count()
                            ),
                        ));
                        continue;
                    }
                    checked
                        .free_text
                        .insert(id.to_string(), free_text_paragraphs(&text));
                }
                checked
                    .for_body
                    .insert(id.to_string(), BodyValue::Answered(true));
            }
            QuestionKind::Date => {
                let parsed = match answer {
                    Answer::One(text) => parse_date(text.trim()),
                    _ => None,
                };
                match parsed {
                    Some(date) => {
                        checked
                            .placeholder_values
                            .insert(id.to_string(), format_date(date, language));
                        checked
                            .for_body
                            .insert(id.to_string(), BodyValue::Answered(true));
                    }
                    None => problems.push(problem(
                        id,
                        format!(
                            "{} is not a date; write it as YYYY-MM-DD, such as 2026-12-01",
                            answer.describe()
                        ),
                    )),
                }
            }
            QuestionKind::Money => {
                let pence = match answer {
                    Answer::One(text) => parse_money(text),
                    Answer::Number(number) if number.is_finite() && *number >= 0.0 => {
                        parse_money(&format!("{number:.2}"))
                    }
                    _ => None,
                };
                match pence {
                    Some(pence) => {
                        checked
                            .placeholder_values
                            .insert(id.to_string(), format_money(pence));
                        checked
                            .for_body
                            .insert(id.to_string(), BodyValue::Answered(true));
                    }
                    None => problems.push(problem(
                        id,
                        format!(
                            "{} is not an amount of money; write pounds and pence, such as 30.00",
                            answer.describe()
                        ),
                    )),
                }
            }
        }
    }
    let one_of = &template.spec.answer_at_least_one_of;
    if !one_of.is_empty()
        && !one_of
            .iter()
            .any(|id| answers.get(id).is_some_and(|answer| !is_blank(answer)))
    {
        problems.push(Problem {
            part: Some(part),
            template: Some(template.id.to_string()),
            question: None,
            message: format!(
                "answer at least one of these questions: {}",
                one_of
                    .iter()
                    .map(|id| {
                        let label = template.question(id).map_or("", |q| q.label.as_str());
                        format!("`{id}` (\"{}\")", label.trim_end_matches('?'))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    for condition in &template.spec.only_when {
        let holds = matches!(answers.get(&condition.question), Some(Answer::One(value)) if *value == condition.equals);
        // A missing required answer is already reported; otherwise the condition speaks.
        let missing_required = !answers.contains_key(&condition.question)
            && template
                .question(&condition.question)
                .is_some_and(|q| q.required);
        if !holds && !missing_required {
            problems.push(problem(&condition.question, condition.message.clone()));
        }
    }
    checked
}

/// A free-text answer's paragraphs (split at blank lines), each on one line with single
/// spaces, empty ones left out.
fn free_text_paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|paragraph| {
            let mut joined = String::with_capacity(paragraph.len());
            for word in paragraph.split_whitespace() {
                if !joined.is_empty() {
                    joined.push(' ');
                }
                joined.push_str(word);
            }
            joined
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// A date answer as chrono reads a date (`2026-12-14`), the usual form read by hand first.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |number, byte| {
            byte.is_ascii_digit()
                .then(|| number * 10 + u32::from(byte - b'0'))
        })
    };
    if bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10))
    {
        return i32::try_from(year)
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, month, day));
    }
    text.parse().ok()
}

fn is_blank(answer: &Answer) -> bool {
    match answer {
        Answer::One(text) => text.trim().is_empty(),
        Answer::Many(values) => values.is_empty(),
        _ => false,
    }
}

fn free_text_questions(template: &Template) -> String {
    let ids: Vec<&str> = template
        .spec
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::FreeText)
        .map(|q| q.id.as_str())
        .collect();
    if ids.is_empty() {
        " (this template has none)".to_string()
    } else {
        format!(" (here: {})", ids.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_as_chrono_reads_them() {
        for text in [
            "2026-12-14",
            "2026-02-29",
            "2028-02-29",
            "2026-13-01",
            "2026-00-10",
            "0000-01-01",
            "2026-1-14",
            "+2026-12-14",
            "2026/12/14",
            "2026-12-1x",
            "２０２６-12-14",
            "",
        ] {
            assert_eq!(parse_date(text), text.parse::<NaiveDate>().ok(), "{text}");
        }
    }

    #[test]
    fn free_text_keeps_paragraphs_and_single_spaces() {
        assert_eq!(
            free_text_paragraphs("the  town\nwhere you\twere born\n\n\n\nand when  "),
            vec!["the town where you were born", "and when"]
        );
    }
}
