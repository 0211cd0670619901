//! An index of approved phrases by their three-word sequences, for `similar-phrase`: free text
//! that repeats most of a phrase's sequences says what the phrase says.

use std::collections::HashMap;

use super::words::{PassThrough, Word, sequence_hash, words};

/// Words per indexed sequence.
pub const SEQUENCE: usize = 3;

#[derive(Debug, Clone, Default)]
pub struct PhraseIndex {
    phrases: Vec<IndexedPhrase>,
    /// Sequence hash to (phrase, position of the sequence in the phrase).
    postings: HashMap<u64, Vec<(u32, u32)>, PassThrough>,
}

#[derive(Debug, Clone)]
struct IndexedPhrase {
    id: String,
    words: usize,
    sequences: usize,
}

/// A phrase that free text resembles, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Resemblance {
    pub phrase: String,
    /// Byte range of the resembling words in the text searched.
    pub start: usize,
    pub end: usize,
    /// Share of the phrase's sequences found.
    pub share: f64,
}

impl PhraseIndex {
    /// Indexes `(id, literal text)` pairs; a phrase may be given once per language.
    pub fn build<'a>(texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> PhraseIndex {
        let mut index = PhraseIndex::default();
        for (id, text) in texts {
            let found: Vec<Word> = words(text);
            if found.len() < SEQUENCE {
                continue;
            }
            let number = index.phrases.len() as u32;
            let mut sequences = 0u32;
            for window in found.windows(SEQUENCE) {
                let posting = index.postings.entry(sequence_hash(window)).or_default();
                if !posting.iter().any(|(phrase, _)| *phrase == number) {
                    posting.push((number, sequences));
                    sequences += 1;
                }
            }
            index.phrases.push(IndexedPhrase {
                id: id.to_string(),
                words: found.len(),
                sequences: sequences as usize,
            });
        }
        index
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Phrases of at least `min_words` words whose sequences the words `found` repeat in a share of at
    /// least `threshold`, best first, one per phrase id.
    pub fn resemblances(
        &self,
        found: &[Word],
        min_words: usize,
        threshold: f64,
    ) -> Vec<Resemblance> {
        struct Seen {
            found: Vec<bool>,
            count: usize,
            start: usize,
            end: usize,
        }
        let mut seen: Vec<Option<Seen>> = Vec::new();
        for window in found.windows(SEQUENCE) {
            let Some(posting) = self.postings.get(&sequence_hash(window)) else {
                continue;
            };
            for &(phrase, position) in posting {
                let indexed = &self.phrases[phrase as usize];
                if indexed.words < min_words {
                    continue;
                }
                if seen.is_empty() {
                    seen.resize_with(self.phrases.len(), || None);
                }
                let entry = seen[phrase as usize].get_or_insert_with(|| Seen {
                    found: vec![false; indexed.sequences],
                    count: 0,
                    start: window[0].start,
                    end: window[SEQUENCE - 1].end,
                });
                if let Some(slot) = entry.found.get_mut(position as usize)
                    && !*slot
                {
                    *slot = true;
                    entry.count += 1;
                }
                entry.end = window[SEQUENCE - 1].end;
            }
        }
        let mut out: Vec<Resemblance> = seen
            .into_iter()
            .enumerate()
            .filter_map(|(phrase, seen)| {
                let seen = seen?;
                let indexed = &self.phrases[phrase];
                let share = seen.count as f64 / indexed.sequences.max(1) as f64;
                (share >= threshold).then(|| Resemblance {
                    phrase: indexed.id.clone(),
                    start: seen.start,
                    end: seen.end,
                    share,
                })
            })
            .collect();
        out.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.phrase.cmp(&b.phrase)));
        let mut ids = std::collections::HashSet::new();
        out.retain(|r| ids.insert(r.phrase.clone()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_wording_resembles_and_other_wording_does_not() {
        let index = PhraseIndex::build([(
            "photo.intro",
            "We need a new photo of you because the photo you sent does not meet the rules",
        )]);
        let close =
            "Hello. we need a new photo of you because the photo you sent does not meet our rules.";
        let found = index.resemblances(&words(close), 5, 0.8);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].phrase, "photo.intro");
        assert_eq!(&close[found[0].start..found[0].start + 2], "we");
        assert!(
            index
                .resemblances(&words("Your photo was lovely."), 5, 0.8)
                .is_empty()
        );
    }
}
