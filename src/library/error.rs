//! Errors found while loading the library, each located by file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

/// One thing wrong with the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryError {
    pub file: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: u64,
    /// 1-based; 0 when unknown.
    pub column: u64,
    pub message: String,
}

impl LibraryError {
    pub fn at(file: &Path, line: u64, column: u64, message: impl Into<String>) -> Self {
        LibraryError {
            file: file.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        LibraryError::at(file, 0, 0, message)
    }
}

impl fmt::Display for LibraryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match (self.line, self.column) {
            (0, _) => write!(f, "{file}: {}", self.message),
            (line, 0) => write!(f, "{file}:{line}: {}", self.message),
            (line, column) => write!(f, "{file}:{line}:{column}: {}", self.message),
        }
    }
}

/// Every error in a library that refused to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryErrors(pub Vec<LibraryError>);

impl fmt::Display for LibraryErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(
            f,
            "the library has {count} error{}:",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.0 {
            writeln!(f, "  {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LibraryErrors {}

/// Turns a serde-saphyr error into a located library error.
pub fn yaml_error(file: &Path, err: &serde_saphyr::Error) -> LibraryError {
    let location = err.location();
    LibraryError::at(
        file,
        location.map_or(0, |l| l.line()),
        location.map_or(0, |l| l.column()),
        format!("not valid YAML here: {}", err.without_snippet()),
    )
}
