//! The internal guidance corpus for `guidance-copy`: every run of `min_words` words of the
//! guidance, hashed, so that free text copying one is found in one pass. The corpus is given at
//! run time (`comms lint --guidance DIR`); it is never shipped inside messages.

use std::collections::HashSet;

use super::words::{PassThrough, Word, sequence_hash, words};

#[derive(Debug, Clone, Default)]
pub struct GuidanceCorpus {
    min_words: usize,
    sequences: HashSet<u64, PassThrough>,
    /// How many documents were read, for reports.
    pub documents: usize,
}

impl GuidanceCorpus {
    /// Hashes every run of `min_words` words of each text.
    pub fn build<'a>(min_words: usize, texts: impl IntoIterator<Item = &'a str>) -> GuidanceCorpus {
        let min_words = min_words.max(2);
        let mut corpus = GuidanceCorpus {
            min_words,
            ..GuidanceCorpus::default()
        };
        for text in texts {
            corpus.documents += 1;
            let found: Vec<Word> = words(text);
            for window in found.windows(min_words) {
                corpus.sequences.insert(sequence_hash(window));
            }
        }
        corpus
    }

    pub fn min_words(&self) -> usize {
        self.min_words
    }

    /// Byte ranges of the text of `found` copied from the guidance: runs of words in which
    /// every word belongs to a run of `min_words` that the guidance holds.
    pub fn copied(&self, found: &[Word]) -> Vec<(usize, usize)> {
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut covered_until = 0usize;
        for (index, window) in found.windows(self.min_words).enumerate() {
            if !self.sequences.contains(&sequence_hash(window)) {
                continue;
            }
            let (start, end) = (window[0].start, window[self.min_words - 1].end);
            match runs.last_mut() {
                Some(last) if index < covered_until => last.1 = end,
                _ => runs.push((start, end)),
            }
            covered_until = index + self.min_words;
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_runs_are_merged_and_short_echoes_ignored() {
        let corpus = GuidanceCorpus::build(
            4,
            ["You must check the application and case notes before contacting a customer."],
        );
        let text = "Hello. You must check the application and case notes today. You must check.";
        let runs = corpus.copied(&words(text));
        assert_eq!(runs.len(), 1);
        assert_eq!(
            &text[runs[0].0..runs[0].1],
            "You must check the application and case notes"
        );
    }
}
