//! Words for the rules that compare text: runs of letters and digits (with apostrophes inside
//! them), compared without case, each reduced to a 64-bit hash.

/// One word: its byte range in the text and the hash of its lower-case form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub hash: u64,
}

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// The words of `text`, in order.
pub fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some(&(_, ch)) = chars.peek() {
            if ch.is_alphanumeric() {
                break;
            }
            chars.next();
        }
        let &(start, _) = chars.peek()?;
        let mut end = start;
        let mut hash = OFFSET;
        while let Some(&(index, ch)) = chars.peek() {
            let inner_apostrophe = (ch == '\'' || ch == '’') && index > start;
            if !(ch.is_alphanumeric() || inner_apostrophe) {
                break;
            }
            let folded = if ch == '’' { '\'' } else { ch };
            for lower in folded.to_lowercase() {
                hash = (hash ^ lower as u64).wrapping_mul(PRIME);
            }
            end = index + ch.len_utf8();
            chars.next();
        }
        Some(Word { start, end, hash })
    })
}

/// One hash for a run of word hashes.
pub fn sequence_hash(words: &[Word]) -> u64 {
    words.iter().fold(OFFSET, |hash, word| {
        (hash ^ word.hash).wrapping_mul(PRIME).rotate_left(29)
    })
}

/// The share of `expected`'s distinct words that `found` also holds (0.0 to 1.0).
pub fn overlap(expected: &str, found: &str) -> f64 {
    let wanted: std::collections::HashSet<u64> = words(expected).map(|w| w.hash).collect();
    if wanted.is_empty() {
        return 0.0;
    }
    let have: std::collections::HashSet<u64> = words(found).map(|w| w.hash).collect();
    wanted.intersection(&have).count() as f64 / wanted.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_ignore_case_and_fold_curly_apostrophes() {
        let a: Vec<u64> = words("Customer’s DOC, e.g.").map(|w| w.hash).collect();
        let b: Vec<u64> = words("customer's doc e g").map(|w| w.hash).collect();
        assert_eq!(a, b);
        let ranges: Vec<(usize, usize)> = words("  ab c").map(|w| (w.start, w.end)).collect();
        assert_eq!(ranges, vec![(2, 4), (5, 6)]);
    }
}
