//! One case file: the words one template case sends on one channel in one language, as a
//! reviewer reads them in a pull request.
//!
//! ```text
//! request-new-photo, case every-reason: email, en
//! Answers: reasons = shadows, glare
//!
//! Subject: Your passport application: we need a new photo
//!
//! Dear Mrs Jones,
//! ...
//!
//! -- phrases shown (id, hash of its text) --
//! greeting.dear-title 5c1f09d2
//! photo.intro 0b7e4a13
//! ```
//!
//! The closing list names every phrase the message shows with a short hash of its text in the
//! file's language, so that `comms snapshot --check` can name the phrases whose text changed
//! even when their words moved or vanished.

use std::collections::BTreeMap;

use crate::cases::CaseRun;
use crate::document::{Document, SourcedText};
use crate::library::Library;
use crate::message::Message;
use crate::request::{Answer, Channel, Language, Service};

/// The line that opens the list of phrases at the end of every case file.
pub const PHRASES_MARKER: &str = "-- phrases shown (id, hash of its text) --";

/// Marks where a letter's page ends in its file: `-- page 2 --` starts the second page.
const PAGE_BREAK: &str = "-- page";

/// The snapshot of one case run.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// Path under `snapshots/cases/`: `TEMPLATE/CASE.CHANNEL.LANGUAGE.txt`.
    pub path: String,
    pub template: String,
    pub case: String,
    pub channel: Channel,
    pub language: Language,
    /// The whole file.
    pub contents: String,
    /// Phrase id to the hash of its text, for every phrase the message shows.
    pub phrases: BTreeMap<String, String>,
    /// Byte offset in `contents` where the message (subject and body) starts.
    pub message_start: usize,
    /// The composed subject and body with the source of every byte, to attribute changed
    /// words to phrases.
    pub sourced: SourcedText,
}

impl CaseFile {
    /// The file's contents before the closing list of phrases.
    pub fn body(&self) -> &str {
        split_contents(&self.contents).0
    }
}

/// The path of a run's file under `snapshots/cases/`.
pub fn file_path(run: &CaseRun<'_>) -> String {
    format!(
        "{}/{}.{}.{}.txt",
        run.template.id, run.case.name, run.channel, run.language
    )
}

/// Builds the case file of one run from its rendered message.
pub fn render(library: &Library, run: &CaseRun<'_>, message: &Message) -> Result<CaseFile, String> {
    let document = &message.document;
    let mut contents = format!(
        "{}, case {}: {}, {}\n",
        run.template.id, run.case.name, run.channel, run.language
    );
    contents.push_str(&describe_case(run));
    contents.push('\n');
    let message_start = contents.len();
    if let Some(subject) = &message.subject {
        contents.push_str("Subject: ");
        contents.push_str(subject);
        contents.push_str("\n\n");
    }
    let text = channel_text(message)?;
    contents.push_str(text.trim_end());
    contents.push_str("\n\n");
    contents.push_str(PHRASES_MARKER);
    contents.push('\n');
    let phrases = phrases_shown(library, document);
    for (id, hash) in &phrases {
        contents.push_str(id);
        contents.push(' ');
        contents.push_str(hash);
        contents.push('\n');
    }
    Ok(CaseFile {
        path: file_path(run),
        template: run.template.id.to_string(),
        case: run.case.name.clone(),
        channel: run.channel,
        language: run.language,
        contents,
        phrases,
        message_start,
        sourced: sourced_message(document),
    })
}

/// The words of the message on its channel, as the customer meets them: for a letter, the
/// text a PDF reader extracts from it (address window, date, reference, page numbers
/// included); for email, phone and voicemail, the message text the pipeline renders.
fn channel_text(message: &Message) -> Result<String, String> {
    let text = match message.document.channel {
        Channel::Letter => crate::render::letter::extracted_text(&message.document)
            .map_err(|err| format!("the letter cannot be laid out: {err}"))?,
        Channel::Email | Channel::Voicemail | Channel::Phone | Channel::Sms => message.text.clone(),
    };
    Ok(visible_page_breaks(&text))
}

/// Text extracted from a PDF ends each page with a form feed; a reviewer sees a line instead.
fn visible_page_breaks(text: &str) -> String {
    let pages: Vec<&str> = text
        .trim_end_matches(['\u{c}', '\n'])
        .split('\u{c}')
        .collect();
    if pages.len() == 1 {
        return pages.concat();
    }
    pages
        .iter()
        .enumerate()
        .map(|(index, page)| {
            if index == 0 {
                page.trim_end().to_string()
            } else {
                format!("\n\n{PAGE_BREAK} {} --\n\n{}", index + 1, page.trim())
            }
        })
        .collect()
}

/// The second line of a case file: the answers, the service and large print.
fn describe_case(run: &CaseRun<'_>) -> String {
    let mut parts: Vec<String> = run
        .case
        .answers
        .iter()
        .map(|(question, answer)| format!("{question} = {}", describe_answer(answer)))
        .collect();
    if parts.is_empty() {
        parts.push("none".into());
    }
    let mut line = format!("Answers: {}", parts.join("; "));
    let service = run.case.service.unwrap_or(Service::Standard);
    if service != Service::Standard {
        line.push_str(&format!("; service: {}", service.as_str()));
    }
    if run.case.large_print {
        line.push_str("; large print");
    }
    line.push('\n');
    line
}

fn describe_answer(answer: &Answer) -> String {
    let one_line = |text: &str| text.replace('\r', "").replace('\n', "\\n");
    match answer {
        Answer::Many(values) => values
            .iter()
            .map(|value| one_line(value))
            .collect::<Vec<_>>()
            .join(", "),
        Answer::One(value) => one_line(value),
        Answer::Number(number) => number.to_string(),
        Answer::Flag(flag) => flag.to_string(),
    }
}

/// Every phrase the document shows (its text or a value filled into it), with the hash of
/// the phrase's text in the document's language.
fn phrases_shown(library: &Library, document: &Document) -> BTreeMap<String, String> {
    let lines = document
        .subject
        .iter()
        .chain(document.blocks.iter().flat_map(|block| block.lines.iter()));
    let mut phrases = BTreeMap::new();
    for span in lines.flat_map(|line| line.spans.iter()) {
        if let Some(id) = span.source.phrase_id()
            && !phrases.contains_key(id)
        {
            let text = library
                .phrase(id)
                .and_then(|phrase| phrase.text(document.language))
                .map_or("", |text| text.raw.as_str());
            phrases.insert(id.to_string(), text_hash(text));
        }
    }
    phrases
}

/// The subject (when there is one), a blank line, and the body, with their sources: the
/// same words as the message part of the file, for attributing changes to phrases.
fn sourced_message(document: &Document) -> SourcedText {
    let mut sourced = SourcedText::default();
    if let Some(subject) = &document.subject {
        sourced.push_plain("Subject: ");
        sourced.push_inline(subject);
        sourced.push_plain("\n\n");
    }
    let body = document.body_sourced();
    let offset = sourced.text.len();
    sourced.text.push_str(&body.text);
    sourced
        .ranges
        .extend(body.ranges.into_iter().map(|mut range| {
            range.start += offset;
            range.end += offset;
            range
        }));
    sourced
}

/// A short, stable hash of a phrase's text: 8 hex digits of 64-bit FNV-1a, folded.
pub fn text_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:08x}", (hash ^ (hash >> 32)) as u32)
}

/// Splits a case file into the text before its list of phrases and that list. A file with no
/// list (edited by hand) is all text and shows no phrases.
pub fn split_contents(contents: &str) -> (&str, BTreeMap<String, String>) {
    let marker = format!("\n{PHRASES_MARKER}\n");
    let Some(position) = contents.rfind(&marker) else {
        return (contents, BTreeMap::new());
    };
    let phrases = contents[position + marker.len()..]
        .lines()
        .filter_map(|line| {
            let (id, hash) = line.trim().split_once(' ')?;
            Some((id.to_string(), hash.trim().to_string()))
        })
        .collect();
    (&contents[..position + 1], phrases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_hash_is_stable_and_tells_texts_apart() {
        assert_eq!(text_hash("photo"), text_hash("photo"));
        assert_ne!(text_hash("new photo"), text_hash("fresh photo"));
        assert_eq!(text_hash("").len(), 8);
    }

    #[test]
    fn page_breaks_become_visible_lines() {
        assert_eq!(
            visible_page_breaks("first page\n1\n\u{c}second page\n2\n\u{c}"),
            "first page\n1\n\n-- page 2 --\n\nsecond page\n2"
        );
        assert_eq!(visible_page_breaks("one page\n1\n\u{c}"), "one page\n1");
    }

    #[test]
    fn split_contents_reads_back_the_phrase_list() {
        let contents =
            format!("a, case b: email, en\n\nHello\n\n{PHRASES_MARKER}\np.one 0000abcd\n");
        let (body, phrases) = split_contents(&contents);
        assert_eq!(body, "a, case b: email, en\n\nHello\n\n");
        assert_eq!(phrases.get("p.one").map(String::as_str), Some("0000abcd"));
        let (body, phrases) = split_contents("hand written\n");
        assert_eq!(body, "hand written\n");
        assert!(phrases.is_empty());
    }
}
