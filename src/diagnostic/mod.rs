//! The diagnostic vocabulary shared by every stage: syntax, schema and domain rules.
//!
//! `check` turns the parsers' own `syntax::SyntaxError`s into these and re-exports the
//! vocabulary; it sits above `text` and below `check`, `ide`, `report` and `server`.

pub mod codes;
pub mod docs;

use crate::text::TextRange;
pub use codes::{Code, Family};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "information" | "info" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// One text replacement, in byte offsets of the checked text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

impl TextEdit {
    pub fn replace(range: TextRange, new_text: impl Into<String>) -> Self {
        TextEdit { range, new_text: new_text.into() }
    }

    pub fn insert(at: usize, new_text: impl Into<String>) -> Self {
        TextEdit { range: TextRange::empty(at), new_text: new_text.into() }
    }

    pub fn delete(range: TextRange) -> Self {
        TextEdit { range, new_text: String::new() }
    }
}

/// A mechanical fix carried with its diagnostic, so a code action needs no other state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The single obvious fix; editors may apply it with one keystroke.
    pub preferred: bool,
    /// The fix changes only how the spec is written, never what it asks for (quoting,
    /// punctuation, line endings), so `check --fix` may apply it without a person choosing.
    pub safe: bool,
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<TextEdit>) -> Self {
        Fix { title: title.into(), edits, preferred: false, safe: false }
    }

    pub fn preferred(title: impl Into<String>, edits: Vec<TextEdit>) -> Self {
        Fix { title: title.into(), edits, preferred: true, safe: false }
    }

    /// A preferred fix that keeps the spec's meaning (see `safe`).
    pub fn safe(title: impl Into<String>, edits: Vec<TextEdit>) -> Self {
        Fix { title: title.into(), edits, preferred: true, safe: true }
    }
}

/// Extra tags editors render specially.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagnosticTag {
    Unnecessary,
    Deprecated,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub fixes: Vec<Fix>,
    pub tags: Vec<DiagnosticTag>,
}

impl Diagnostic {
    /// A diagnostic at the code's default severity.
    pub fn new(code: Code, range: TextRange, message: impl Into<String>) -> Self {
        Diagnostic {
            range,
            severity: code.default_severity,
            code,
            message: message.into(),
            fixes: Vec::new(),
            tags: Vec::new(),
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Self {
        self.fixes.extend(fixes);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_tag(mut self, tag: DiagnosticTag) -> Self {
        self.tags.push(tag);
        self
    }
}

/// Applies edits to a text (edits must not overlap). Used by tests and by the CLI's fix mode.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0usize;
    for edit in sorted {
        let start = edit.range.start().clamp(cursor, text.len());
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.new_text);
        cursor = edit.range.end().clamp(start, text.len());
    }
    out.push_str(&text[cursor..]);
    out
}
