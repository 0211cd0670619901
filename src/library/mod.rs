//! The library: approved phrases, templates and their questions, loaded once from a folder,
//! validated, then read-only and shared across threads. The one thing that grows after
//! loading is a bounded memo of rendered template bodies ([`body`]).
//!
//! Layout of a library folder:
//!
//! - `phrases/*.yaml`: phrase id to English and Welsh text ([`phrases`]).
//! - `templates/ID.yaml` and `templates/ID.tera`: a template's questions and body ([`templates`]).
//! - `rules/ID.yaml`: the house-style lint rules ([`crate::lint::rules`]), optional.
//!
//! A library with any error refuses to load and reports all of them, each with file, line and
//! column.

pub mod body;
pub mod error;
pub mod phrases;
pub mod templates;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{LibraryError, LibraryErrors};
pub use phrases::{Phrase, PhraseText, Placeholder, Segment};
pub use templates::{Case, Choice, Question, QuestionKind, Template, TemplateSpec};

/// Marks where a template body placed a phrase or free text. Private-use code points, so no
/// phrase, answer or template text can forge one: compose rejects them in values.
pub const MARK_START: char = '\u{E000}';
pub const MARK_END: char = '\u{E001}';

/// Phrases that compose itself uses around the templates' own.
pub mod structural {
    /// "Dear Mrs Jones," when the customer gave a title.
    pub const GREETING_TITLE: &str = "greeting.dear-title";
    /// "Dear Siân Jones," when they did not.
    pub const GREETING_NAME: &str = "greeting.dear-name";
    /// "Yours sincerely,"
    pub const SIGN_OFF: &str = "sign-off.yours-sincerely";
    /// The member of staff's first name under the sign-off.
    pub const SIGN_OFF_NAME: &str = "sign-off.name";
    /// "HM Passport Office" under the name.
    pub const SIGN_OFF_ORGANISATION: &str = "sign-off.organisation";
    /// Added once when a Fast Track application is asked for a reply.
    pub const FAST_TRACK: &str = "fast-track.will-not-progress";
    /// The subject of a Customer Services Management team email.
    pub const CSMT_SUBJECT: &str = "subject.csmt";

    pub const ALL: [&str; 7] = [
        GREETING_TITLE,
        GREETING_NAME,
        SIGN_OFF,
        SIGN_OFF_NAME,
        SIGN_OFF_ORGANISATION,
        FAST_TRACK,
        CSMT_SUBJECT,
    ];
}

/// A loaded, validated library.
pub struct Library {
    pub root: PathBuf,
    pub phrases: BTreeMap<String, Arc<Phrase>>,
    pub templates: BTreeMap<String, Template>,
    /// The house-style rules, with the phrase index they read.
    pub rules: crate::lint::RuleSet,
    tera: tera::Tera,
    bodies: body::BodyMemo,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("root", &self.root)
            .field("phrases", &self.phrases.len())
            .field("templates", &self.templates.len())
            .field("rules", &self.rules.rules.len())
            .finish()
    }
}

impl Library {
    /// Loads the library in `root` (the folder holding `phrases/` and `templates/`).
    pub fn load(root: &Path) -> Result<Library, LibraryErrors> {
        let mut errors = Vec::new();
        let phrases = load_phrases(&root.join("phrases"), &mut errors);
        let templates = load_templates(&root.join("templates"), &mut errors);
        let rules = load_rules(&root.join("rules"), &mut errors);
        Library::assemble(root, phrases, templates, rules, errors)
    }

    /// True when `other` holds the same phrases, templates and rules, as two loads of
    /// unchanged files do.
    pub fn same_content(&self, other: &Library) -> bool {
        self.phrases == other.phrases
            && format!("{:?}", self.templates) == format!("{:?}", other.templates)
            && format!("{:?}", self.rules.rules) == format!("{:?}", other.rules.rules)
    }

    /// Builds a library from sources in memory: `(path, text)` pairs whose paths start with
    /// `phrases/`, `templates/` or `rules/`. Used by tests and benchmarks.
    pub fn from_sources(files: &[(&str, &str)]) -> Result<Library, LibraryErrors> {
        let mut errors = Vec::new();
        let mut phrases = BTreeMap::new();
        let mut sorted: Vec<_> = files.to_vec();
        sorted.sort();
        for (path, text) in &sorted {
            if path.starts_with("phrases/") {
                phrases::read_phrase_file(Path::new(path), text, &mut phrases, &mut errors);
            }
        }
        let mut templates = BTreeMap::new();
        for (path, text) in &sorted {
            if let Some(id) = path
                .strip_prefix("templates/")
                .and_then(|name| name.strip_suffix(".yaml"))
            {
                let body_path = format!("templates/{id}.tera");
                let body = sorted
                    .iter()
                    .find(|(p, _)| *p == body_path)
                    .map(|(_, body)| body.to_string());
                if let Some(template) = templates::read_template(
                    id,
                    Path::new(path),
                    text,
                    Path::new(&body_path),
                    body,
                    &mut errors,
                ) {
                    templates.insert(id.to_string(), template);
                }
            }
        }
        let rules = sorted
            .iter()
            .filter(|(path, _)| path.starts_with("rules/") && path.ends_with(".yaml"))
            .filter_map(|(path, text)| {
                crate::lint::rules::read_rule_file(Path::new(path), text, &mut errors)
            })
            .collect();
        Library::assemble(Path::new("."), phrases, templates, rules, errors)
    }

    fn assemble(
        root: &Path,
        phrases: BTreeMap<String, Arc<Phrase>>,
        templates: BTreeMap<String, Template>,
        rules: Vec<crate::lint::Rule>,
        mut errors: Vec<LibraryError>,
    ) -> Result<Library, LibraryErrors> {
        let tera = build_tera(&phrases, &templates, &mut errors);
        check_references(&phrases, &templates, &mut errors);
        if errors.is_empty() {
            let rules = crate::lint::RuleSet::new(rules, &phrases);
            Ok(Library {
                root: root.to_path_buf(),
                phrases,
                templates,
                rules,
                tera,
                bodies: body::BodyMemo::default(),
            })
        } else {
            Err(LibraryErrors(errors))
        }
    }

    pub fn phrase(&self, id: &str) -> Option<&Phrase> {
        self.phrases.get(id).map(|phrase| &**phrase)
    }

    pub fn template(&self, id: &str) -> Option<&Template> {
        self.templates.get(id)
    }
}

fn sorted_entries(dir: &Path, extension: &str, errors: &mut Vec<LibraryError>) -> Vec<PathBuf> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            errors.push(LibraryError::whole_file(
                dir,
                format!("cannot read the folder: {err}"),
            ));
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    paths.sort();
    paths
}

fn read_text(path: &Path, errors: &mut Vec<LibraryError>) -> Option<String> {
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(err) => {
                let offset = err.utf8_error().valid_up_to();
                let before = &err.as_bytes()[..offset];
                let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
                errors.push(LibraryError::at(
                    path,
                    line,
                    0,
                    "the file is not UTF-8 text; save it as UTF-8",
                ));
                None
            }
        },
        Err(err) => {
            errors.push(LibraryError::whole_file(
                path,
                format!("cannot read: {err}"),
            ));
            None
        }
    }
}

fn load_phrases(dir: &Path, errors: &mut Vec<LibraryError>) -> BTreeMap<String, Arc<Phrase>> {
    let mut phrases = BTreeMap::new();
    for path in sorted_entries(dir, "yaml", errors) {
        if let Some(text) = read_text(&path, errors) {
            phrases::read_phrase_file(&path, &text, &mut phrases, errors);
        }
    }
    phrases
}

/// Reads `rules/*.yaml`; a library without a `rules/` folder has no rules.
fn load_rules(dir: &Path, errors: &mut Vec<LibraryError>) -> Vec<crate::lint::Rule> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut rules = Vec::new();
    for path in sorted_entries(dir, "yaml", errors) {
        if let Some(text) = read_text(&path, errors)
            && let Some(rule) = crate::lint::rules::read_rule_file(&path, &text, errors)
        {
            rules.push(rule);
        }
    }
    rules
}

fn load_templates(dir: &Path, errors: &mut Vec<LibraryError>) -> BTreeMap<String, Template> {
    let mut templates = BTreeMap::new();
    for body_path in sorted_entries(dir, "tera", errors) {
        if !body_path.with_extension("yaml").exists() {
            errors.push(LibraryError::whole_file(
                &body_path,
                format!(
                    "a template body with no declaration: expected {} beside it",
                    body_path.with_extension("yaml").display()
                ),
            ));
        }
    }
    for spec_path in sorted_entries(dir, "yaml", errors) {
        let id = spec_path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(spec_text) = read_text(&spec_path, errors) else {
            continue;
        };
        let body_path = spec_path.with_extension("tera");
        let body = body_path
            .exists()
            .then(|| read_text(&body_path, errors))
            .flatten();
        if let Some(template) =
            templates::read_template(&id, &spec_path, &spec_text, &body_path, body, errors)
        {
            templates.insert(id, template);
        }
    }
    templates
}

fn build_tera(
    phrases: &BTreeMap<String, Arc<Phrase>>,
    templates: &BTreeMap<String, Template>,
    errors: &mut Vec<LibraryError>,
) -> tera::Tera {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    // Hashed: looked up for every phrase of every message.
    let ids: Arc<HashSet<String>> = Arc::new(phrases.keys().cloned().collect());
    tera.register_function(
        "phrase",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let id: &str = kwargs.must_get("id")?;
            if !ids.contains(id) {
                return Err(tera::Error::message(format!(
                    "phrase(id=\"{id}\") names a phrase that is not in phrases/"
                )));
            }
            // Built by hand: this runs for every phrase of every message.
            let mut marker = String::with_capacity(id.len() + 8);
            marker.push(MARK_START);
            marker.push_str("p:");
            marker.push_str(id);
            marker.push(MARK_END);
            Ok(marker)
        },
    );
    tera.register_function(
        "free_text",
        |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let question: &str = kwargs.must_get("question")?;
            Ok(format!("{MARK_START}f:{question}{MARK_END}"))
        },
    );
    for template in templates.values() {
        if let Err(err) = tera.add_raw_template(&template.id, &template.body) {
            let (line, column) = tera_location(&err);
            errors.push(LibraryError::at(
                &template.body_file,
                line,
                column,
                describe_tera_error(&err),
            ));
        }
    }
    tera
}

fn tera_location(err: &tera::Error) -> (u64, u64) {
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            (span.start_line as u64, span.start_col as u64 + 1)
        }
        _ => (0, 0),
    }
}

/// A Tera error in one line, with its own message and no terminal art.
pub fn describe_tera_error(err: &tera::Error) -> String {
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) => format!("template syntax: {}", report.message()),
        tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut message = report.message().to_string();
            let mut source = std::error::Error::source(err);
            while let Some(inner) = source {
                message = format!("{message}: {inner}");
                source = inner.source();
            }
            format!("{message} (body line {})", span.start_line)
        }
        _ => err.to_string(),
    }
}

/// Phrase ids written literally in template bodies and declarations must exist.
fn check_references(
    phrases: &BTreeMap<String, Arc<Phrase>>,
    templates: &BTreeMap<String, Template>,
    errors: &mut Vec<LibraryError>,
) {
    let any_template = !templates.is_empty();
    if any_template {
        for id in structural::ALL {
            if !phrases.contains_key(id) {
                errors.push(LibraryError::whole_file(
                    Path::new("phrases"),
                    format!(
                        "the library needs the phrase `{id}`, which compose adds around templates"
                    ),
                ));
            }
        }
    }
    let pattern = regex::Regex::new(r#"phrase\(\s*id\s*=\s*"([^"]*)"\s*\)"#).expect("valid regex");
    for template in templates.values() {
        for (line_index, line) in template.body.lines().enumerate() {
            for captures in pattern.captures_iter(line) {
                let id = &captures[1];
                if !phrases.contains_key(id) {
                    let column = captures
                        .get(0)
                        .map_or(0, |m| line[..m.start()].chars().count());
                    errors.push(LibraryError::at(
                        &template.body_file,
                        line_index as u64 + 1,
                        column as u64 + 1,
                        format!("phrase `{id}` does not exist in phrases/"),
                    ));
                }
            }
        }
        let spec = &template.spec;
        let named = spec.subject.iter().map(|id| ("subject", id)).chain(
            spec.required_paragraphs
                .iter()
                .map(|id| ("required_paragraphs", id)),
        );
        for (field, id) in named {
            if !phrases.contains_key(id) {
                errors.push(LibraryError::whole_file(
                    &template.spec_file,
                    format!("`{field}` names phrase `{id}`, which does not exist in phrases/"),
                ));
            }
        }
        for (index, case) in spec.cases.iter().enumerate() {
            let line = template.case_lines.get(index).copied().unwrap_or(0);
            for question in case.answers.keys() {
                if template.question(question).is_none() {
                    errors.push(LibraryError::at(
                        &template.spec_file,
                        line,
                        0,
                        format!(
                            "case `{}` answers question `{question}`, which the template does not declare",
                            case.name
                        ),
                    ));
                }
            }
        }
    }
}
