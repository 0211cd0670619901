//! Lint: the house-style rules of the guidance, run on a composed document or on any text.
//! Findings, never silent fixes; every finding says which rule, where, and what to write instead.

use serde::Serialize;

use crate::document::SourceKind;

/// How serious a finding is. Error-level findings stop a message being sent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Suggestion,
    Warning,
    Error,
}

/// One breach of the house style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// 1-based line in the text the finding points into (the body, or the subject).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The exact text that breaks the rule.
    pub text: String,
    /// What to write instead, when the rule knows.
    pub suggestion: Option<String>,
    /// Where the text came from.
    pub source: SourceKind,
}

/// True when any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|finding| finding.severity == Severity::Error)
}
