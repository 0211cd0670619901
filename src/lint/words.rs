//! Words for the rules that compare text: runs of letters and digits (with apostrophes inside
//! them), compared without case, each reduced to a 64-bit hash.

/// A hasher for keys that are already hashes (word and sequence hashes, indexes): it keeps
/// them as they are instead of hashing them again.
#[derive(Debug, Clone, Copy, Default)]
pub struct PassThroughHasher(u64);

impl std::hash::Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(PRIME);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }

    fn write_u32(&mut self, value: u32) {
        self.0 = u64::from(value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

pub type PassThrough = std::hash::BuildHasherDefault<PassThroughHasher>;

/// One word: its byte range in the text and the hash of its lower-case form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub hash: u64,
}

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// The words of `text`, in order. ASCII text takes a fast path; other letters are lowered
/// with Unicode rules.
pub fn words(text: &str) -> Vec<Word> {
    let bytes = text.as_bytes();
    let mut found = Vec::with_capacity(text.len() / 6);
    let mut index = 0;
    while index < bytes.len() {
        let (ch, width) = char_at(text, index);
        if !ch.is_alphanumeric() {
            index += width;
            continue;
        }
        let start = index;
        let mut hash = OFFSET;
        while index < bytes.len() {
            let (ch, width) = char_at(text, index);
            if ch.is_ascii_alphanumeric() {
                hash = (hash ^ u64::from(ch.to_ascii_lowercase() as u8)).wrapping_mul(PRIME);
            } else if ch == '\'' || ch == '’' {
                // An apostrophe inside a word (customer’s) belongs to it; one at its end does not.
                let next = text[index + width..].chars().next();
                if !next.is_some_and(char::is_alphanumeric) {
                    break;
                }
                hash = (hash ^ u64::from(b'\'')).wrapping_mul(PRIME);
            } else if ch.is_alphanumeric() {
                for lower in ch.to_lowercase() {
                    hash = (hash ^ lower as u64).wrapping_mul(PRIME);
                }
            } else {
                break;
            }
            index += width;
        }
        found.push(Word {
            start,
            end: index,
            hash,
        });
    }
    found
}

/// The character at byte `index` of `text` (a char boundary) and its width in bytes.
fn char_at(text: &str, index: usize) -> (char, usize) {
    let byte = text.as_bytes()[index];
    if byte < 0x80 {
        return (byte as char, 1);
    }
    let ch = text[index..].chars().next().unwrap_or('\u{FFFD}');
    (ch, ch.len_utf8())
}

/// One hash for a run of word hashes.
pub fn sequence_hash(words: &[Word]) -> u64 {
    words.iter().fold(OFFSET, |hash, word| {
        (hash ^ word.hash).wrapping_mul(PRIME).rotate_left(29)
    })
}

/// The share of `expected`'s distinct words that `found` also holds (0.0 to 1.0).
pub fn overlap(expected: &str, found: &str) -> f64 {
    let wanted: std::collections::HashSet<u64> = words(expected).iter().map(|w| w.hash).collect();
    if wanted.is_empty() {
        return 0.0;
    }
    let have: std::collections::HashSet<u64> = words(found).iter().map(|w| w.hash).collect();
    wanted.intersection(&have).count() as f64 / wanted.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_ignore_case_and_fold_curly_apostrophes() {
        let a: Vec<u64> = words("Customer’s DOC, e.g.")
            .iter()
            .map(|w| w.hash)
            .collect();
        let b: Vec<u64> = words("customer's doc e g").iter().map(|w| w.hash).collect();
        assert_eq!(a, b);
        let ranges: Vec<(usize, usize)> = words("  ab c’ Siân")
            .iter()
            .map(|w| (w.start, w.end))
            .collect();
        assert_eq!(ranges, vec![(2, 4), (5, 6), (10, 15)]);
    }
}
