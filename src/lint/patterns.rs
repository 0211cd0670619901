//! Compiling what rule files match: regular expressions with the linear-time `regex` crate
//! (look-around and back-references refused with the reason), and word lists with
//! `aho-corasick`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;

/// Literal words, matched without regard to ASCII case unless the rule says otherwise.
/// Every match is reported (overlapping), so each rule can take its own longest.
pub fn literal_matcher(
    words: &[String],
    case_sensitive: bool,
    kind: MatchKind,
) -> Result<AhoCorasick, String> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(!case_sensitive)
        .match_kind(kind)
        .kind(Some(AhoCorasickKind::DFA))
        .build(words)
        .map_err(|err| err.to_string())
}

/// Compiles a rule pattern with the linear-time `regex` crate, explaining what it refuses.
pub fn compile_pattern(pattern: &str, case_sensitive: bool) -> Result<Regex, String> {
    if pattern.is_empty() {
        return Err("it is empty".into());
    }
    let regex = regex::RegexBuilder::new(&ascii_word_boundaries(pattern))
        .case_insensitive(!case_sensitive)
        .size_limit(1 << 22)
        .build()
        .map_err(|err| match err {
            regex::Error::Syntax(text) if text.contains("look-around") => {
                "it uses look-around ((?=, (?!, (?<=, (?<!), which cannot run in linear time; match the text itself and list approved wording under `exceptions:`".to_string()
            }
            regex::Error::Syntax(text) if text.contains("backreference") => {
                "it uses a back-reference (\\1), which cannot run in linear time".to_string()
            }
            regex::Error::Syntax(text) => {
                let last = text.lines().rev().find(|l| l.starts_with("error:")).unwrap_or("");
                format!("not a valid regular expression ({})", last.trim_start_matches("error: "))
            }
            regex::Error::CompiledTooBig(_) => {
                "it is too large to compile; split it into several patterns".to_string()
            }
            other => other.to_string(),
        })?;
    if regex.is_match("") {
        return Err("it matches empty text, so it would flag every position".into());
    }
    Ok(regex)
}

/// One expression for all of a rule's patterns, its case setting written inline, for the
/// [`regex::RegexSet`] that tells which rules can match a text at all.
pub fn set_source(patterns: &[&str], case_sensitive: bool) -> String {
    let alternatives: Vec<String> = patterns.iter().map(|p| format!("(?:{p})")).collect();
    format!(
        "{}(?:{})",
        if case_sensitive { "" } else { "(?i)" },
        ascii_word_boundaries(&alternatives.join("|"))
    )
}

/// Rewrites `\b` and `\B` as word boundaries on ASCII letters and digits. Unicode word
/// boundaries make the regex engine leave its fast automaton on any non-ASCII text (Siân,
/// curly apostrophes), and the rules' boundaries sit beside digits and English words anyway.
fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_become_ascii_and_escapes_stay() {
        assert_eq!(
            ascii_word_boundaries(r"\bab\B\\b\d"),
            r"(?-u:\b)ab(?-u:\B)\\b\d"
        );
        let regex = compile_pattern(r"\bppt\b", false).unwrap();
        assert!(regex.is_match("Siân’s ppt."));
        assert!(!regex.is_match("appt"));
    }

    #[test]
    fn lookaround_and_backreferences_are_refused_with_reasons() {
        let ahead = compile_pattern("fraud(?!ulent)", false).unwrap_err();
        assert!(ahead.contains("look-around"), "{ahead}");
        let back = compile_pattern(r"(\w+) \1", false).unwrap_err();
        assert!(back.contains("back-reference"), "{back}");
        let broken = compile_pattern("(unclosed", false).unwrap_err();
        assert!(
            broken.contains("not a valid regular expression"),
            "{broken}"
        );
        assert!(compile_pattern("x*", false).is_err());
    }
}
