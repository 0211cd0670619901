//! Template bodies at work: what a body sees, its rendered form read into paragraphs and
//! list items of phrase and free-text markers, and a memo of those renders.
//!
//! A body sees only the answers as values it may branch on (option values and "answered"
//! flags, never a name or typed text) and a few facts of the message. Everything it sees is
//! drawn from the library's own values, so a body is rendered once per combination and the
//! result remembered: a busy service renders each combination once.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use super::{Library, MARK_END, MARK_START, Phrase, Template, describe_tera_error};
use crate::document::{BlockKind, SharedStr};
use crate::request::{Channel, Service};

/// The most body renders remembered; past it, bodies are rendered each time. Each
/// combination of a template's answers is one entry, so real libraries stay far below it.
pub const MEMO_LIMIT: usize = 4096;

/// What a body sees of one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyValue {
    /// A radio question with no answer.
    None,
    /// The value of the option a radio question chose.
    Choice(String),
    /// The values of the check boxes ticked, in the order the options are declared.
    Choices(Vec<String>),
    /// Whether a text, date, money or free-text question was answered.
    Answered(bool),
}

impl BodyValue {
    fn to_tera(&self) -> tera::Value {
        match self {
            BodyValue::None => tera::Value::none(),
            BodyValue::Choice(value) => tera::Value::from(value.as_str()),
            BodyValue::Choices(values) => tera::Value::from(values.clone()),
            BodyValue::Answered(answered) => tera::Value::from(*answered),
        }
    }
}

/// Everything a template body may branch on.
#[derive(Debug, Clone, Copy)]
pub struct BodyFacts<'a> {
    /// The part's answers, by question id.
    pub answers: &'a BTreeMap<String, BodyValue>,
    pub channel: Channel,
    pub service: Service,
    /// The application was made on paper.
    pub paper: bool,
    /// The customer gave an email address.
    pub has_email: bool,
}

impl BodyFacts<'_> {
    fn context(&self) -> tera::Context {
        let answers: BTreeMap<String, tera::Value> = self
            .answers
            .iter()
            .map(|(question, value)| (question.clone(), value.to_tera()))
            .collect();
        let mut context = tera::Context::new();
        context.insert_value("answers", tera::Value::from(answers));
        context.insert("channel", self.channel.as_str());
        context.insert("service", self.service.as_str());
        context.insert("fast_track", &(self.service == Service::FastTrack));
        context.insert("paper", &self.paper);
        context.insert("has_email", &self.has_email);
        context
    }

    /// A key that differs whenever the facts differ: each text is written after its length,
    /// each list after its count, each answer after a tag of its kind.
    pub(crate) fn memo_key(&self, template: &str) -> Vec<u8> {
        fn number(key: &mut Vec<u8>, n: usize) {
            key.extend_from_slice(&n.to_le_bytes());
        }
        fn text(key: &mut Vec<u8>, text: &str) {
            number(key, text.len());
            key.extend_from_slice(text.as_bytes());
        }
        let mut key = Vec::with_capacity(128);
        text(&mut key, template);
        text(&mut key, self.channel.as_str());
        text(&mut key, self.service.as_str());
        key.push(u8::from(self.paper));
        key.push(u8::from(self.has_email));
        for (question, value) in self.answers {
            text(&mut key, question);
            match value {
                BodyValue::None => key.push(b'n'),
                BodyValue::Choice(choice) => {
                    key.push(b'c');
                    text(&mut key, choice);
                }
                BodyValue::Choices(choices) => {
                    key.push(b'l');
                    number(&mut key, choices.len());
                    choices.iter().for_each(|choice| text(&mut key, choice));
                }
                BodyValue::Answered(answered) => key.push(if *answered { b'y' } else { b'f' }),
            }
        }
        key
    }
}

/// A paragraph or one list item of a rendered body, before phrases are filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub kind: BlockKind,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// The template's own punctuation and spacing.
    Text(SharedStr),
    /// A phrase the body placed.
    Phrase(Arc<Phrase>),
    /// Where the answer to a free-text question goes (the question id).
    FreeText(SharedStr),
}

/// Remembered renders, by [`BodyFacts::memo_key`].
#[derive(Debug, Default)]
pub(super) struct BodyMemo {
    renders: RwLock<HashMap<Vec<u8>, Arc<[Unit]>>>,
}

impl BodyMemo {
    fn len(&self) -> usize {
        self.renders.read().map_or(0, |renders| renders.len())
    }

    fn clear(&self) {
        if let Ok(mut renders) = self.renders.write() {
            renders.clear();
        }
    }
}

impl Library {
    /// The body of `template` for `facts`, as paragraphs and list items. Rendered once per
    /// combination of facts, then remembered.
    pub fn body(&self, template: &Template, facts: &BodyFacts) -> Result<Arc<[Unit]>, String> {
        let key = facts.memo_key(&template.id);
        if let Ok(renders) = self.bodies.renders.read()
            && let Some(units) = renders.get(&key)
        {
            return Ok(Arc::clone(units));
        }
        let rendered = self
            .tera
            .render(&template.id, &facts.context())
            .map_err(|err| format!("the template failed: {}", describe_tera_error(&err)))?;
        let units: Arc<[Unit]> = parse_body(&rendered, &self.phrases)?.into();
        if let Ok(mut renders) = self.bodies.renders.write()
            && renders.len() < MEMO_LIMIT
        {
            renders.insert(key, Arc::clone(&units));
        }
        Ok(units)
    }

    /// How many body renders are remembered.
    pub fn remembered_bodies(&self) -> usize {
        self.bodies.len()
    }

    /// Forgets every remembered render (to measure or test rendering from scratch).
    pub fn forget_bodies(&self) {
        self.bodies.clear();
    }
}

/// Reads a rendered body: paragraphs separated by blank lines, list items starting `- ` or
/// `1. `, lines of one paragraph joined by a space.
pub fn parse_body(
    rendered: &str,
    phrases: &BTreeMap<String, Arc<Phrase>>,
) -> Result<Vec<Unit>, String> {
    let mut units: Vec<Unit> = Vec::new();
    let mut paragraph_open = false;
    for line in rendered.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            paragraph_open = false;
            continue;
        }
        let (kind, content) = if let Some(rest) = trimmed.strip_prefix("- ") {
            (BlockKind::Bullets, rest)
        } else if let Some(rest) = numbered_item(trimmed) {
            (BlockKind::Numbered, rest)
        } else {
            (BlockKind::Paragraph, trimmed)
        };
        let items = parse_line(content, phrases)?;
        if kind == BlockKind::Paragraph && paragraph_open {
            if let Some(last) = units.last_mut() {
                last.items.push(Item::Text(" ".into()));
                last.items.extend(items);
            }
            continue;
        }
        paragraph_open = kind == BlockKind::Paragraph;
        units.push(Unit { kind, items });
    }
    Ok(units)
}

fn numbered_item(line: &str) -> Option<&str> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    line[digits..].strip_prefix(". ")
}

fn parse_line(line: &str, phrases: &BTreeMap<String, Arc<Phrase>>) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(MARK_START) {
        if start > 0 {
            items.push(Item::Text(rest[..start].into()));
        }
        let after = &rest[start + MARK_START.len_utf8()..];
        let end = after
            .find(MARK_END)
            .ok_or_else(|| "the body produced a broken phrase marker".to_string())?;
        let marker = &after[..end];
        match marker.split_once(':') {
            Some(("p", id)) => {
                let phrase = phrases
                    .get(id)
                    .ok_or_else(|| format!("phrase `{id}` is not in the library"))?;
                items.push(Item::Phrase(Arc::clone(phrase)));
            }
            Some(("f", question)) => items.push(Item::FreeText(question.into())),
            _ => return Err(format!("the body produced an unknown marker `{marker}`")),
        }
        rest = &after[end + MARK_END.len_utf8()..];
    }
    if !rest.is_empty() {
        items.push(Item::Text(rest.into()));
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{PhraseText, Segment};

    fn p(id: &str) -> String {
        format!("{MARK_START}p:{id}{MARK_END}")
    }

    fn library_of(ids: &[&str]) -> BTreeMap<String, Arc<Phrase>> {
        ids.iter()
            .map(|id| {
                let phrase = Phrase {
                    id: (*id).into(),
                    en: PhraseText {
                        raw: id.to_string(),
                        segments: vec![Segment::Text((*id).into())],
                    },
                    cy: None,
                    review: None,
                    file: "phrases/test.yaml".into(),
                    line: 1,
                };
                (id.to_string(), Arc::new(phrase))
            })
            .collect()
    }

    fn ids(unit: &Unit) -> Vec<String> {
        unit.items
            .iter()
            .map(|item| match item {
                Item::Text(text) => format!("text:{text}"),
                Item::Phrase(phrase) => format!("phrase:{}", phrase.id),
                Item::FreeText(question) => format!("free:{question}"),
            })
            .collect()
    }

    #[test]
    fn paragraphs_and_lists() {
        let phrases = library_of(&["a", "b", "c", "d", "e"]);
        let body = format!(
            "{}\n{}\n\n- {}\n\n- {}\n1. {}\n",
            p("a"),
            p("b"),
            p("c"),
            p("d"),
            p("e")
        );
        let units = parse_body(&body, &phrases).unwrap();
        let kinds: Vec<BlockKind> = units.iter().map(|unit| unit.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Paragraph,
                BlockKind::Bullets,
                BlockKind::Bullets,
                BlockKind::Numbered
            ]
        );
        assert_eq!(ids(&units[0]), ["phrase:a", "text: ", "phrase:b"]);
        assert_eq!(ids(&units[1]), ["phrase:c"]);
        assert_eq!(ids(&units[2]), ["phrase:d"]);
        assert_eq!(ids(&units[3]), ["phrase:e"]);
    }

    #[test]
    fn free_text_and_punctuation_keep_their_places() {
        let phrases = library_of(&["a"]);
        let body = format!("{} ({MARK_START}f:details{MARK_END}).", p("a"));
        let units = parse_body(&body, &phrases).unwrap();
        assert_eq!(
            ids(&units[0]),
            ["phrase:a", "text: (", "free:details", "text:)."]
        );
    }

    #[test]
    fn unknown_phrases_and_broken_markers_are_errors() {
        let phrases = library_of(&["a"]);
        assert_eq!(
            parse_body(&p("zz"), &phrases).unwrap_err(),
            "phrase `zz` is not in the library"
        );
        assert_eq!(
            parse_body(&format!("{MARK_START}p:a"), &phrases).unwrap_err(),
            "the body produced a broken phrase marker"
        );
        assert_eq!(
            parse_body(&format!("{MARK_START}x:a{MARK_END}"), &phrases).unwrap_err(),
            "the body produced an unknown marker `x:a`"
        );
    }

    #[test]
    fn memo_keys_differ_whenever_the_facts_differ() {
        let mut answers = BTreeMap::new();
        answers.insert(
            "documents".to_string(),
            BodyValue::Choices(vec!["a".into(), "b".into()]),
        );
        let facts = BodyFacts {
            answers: &answers,
            channel: Channel::Email,
            service: Service::Standard,
            paper: false,
            has_email: true,
        };
        let base = facts.memo_key("t");
        assert_eq!(base, facts.memo_key("t"));
        let mut joined = BTreeMap::new();
        joined.insert(
            "documents".to_string(),
            BodyValue::Choices(vec!["a:1:b".into()]),
        );
        let variants = [
            facts.memo_key("u"),
            BodyFacts {
                channel: Channel::Letter,
                ..facts
            }
            .memo_key("t"),
            BodyFacts {
                service: Service::FastTrack,
                ..facts
            }
            .memo_key("t"),
            BodyFacts {
                paper: true,
                ..facts
            }
            .memo_key("t"),
            BodyFacts {
                has_email: false,
                ..facts
            }
            .memo_key("t"),
            BodyFacts {
                answers: &joined,
                ..facts
            }
            .memo_key("t"),
        ];
        for variant in variants {
            assert_ne!(variant, base);
        }
    }
}
