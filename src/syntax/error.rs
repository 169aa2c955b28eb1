//! What the parsers report: syntax problems in their own terms, with the edits that fix them.
//!
//! The parsers know what went wrong and where, but not how the product numbers and ranks its
//! findings; `check` turns each error into a `Diagnostic` with its stable code (the `AML0xx`
//! family), so `syntax` depends on nothing of ours but `text`.

use crate::text::TextRange;

/// Which syntax problem an error is; each maps to one diagnostic code in `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxErrorKind {
    /// YAML that does not parse (a stray `:`, a key without `:`, leftover text).
    YamlSyntax,
    /// JSON that does not parse (a missing `,`, an unquoted key, a bad literal).
    JsonSyntax,
    /// A line indented in a way its block does not allow.
    BadIndentation,
    /// A key given twice in one mapping.
    DuplicateKey,
    /// A tab in YAML indentation.
    TabIndentation,
    /// A quoted string that never closes.
    UnclosedQuote,
    /// A `[` or `{` that never closes.
    UnclosedBracket,
    /// A comma after the last item of a JSON array or object.
    TrailingComma,
    /// YAML that parses but that compute specs do not use (anchors, tags, complex keys).
    UnsupportedYaml,
    /// A second YAML document in the file.
    MultipleDocuments,
    /// Collections nested deeper than `MAX_NESTING`.
    TooDeep,
    /// A UTF-8 byte-order mark at the start.
    ByteOrderMark,
    /// More than one kind of line ending.
    MixedLineEndings,
    /// A tab between tokens, after a value or inside a plain scalar, where PyYAML's scanner
    /// refuses it.
    Tab,
    /// A tag PyYAML's safe loader has no constructor for (`!Ref`, `!!python/object`).
    UnknownTag,
}

/// One text replacement in byte offsets of the parsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

impl Edit {
    pub fn replace(range: TextRange, new_text: impl Into<String>) -> Self {
        Edit { range, new_text: new_text.into() }
    }

    pub fn insert(at: usize, new_text: impl Into<String>) -> Self {
        Edit { range: TextRange::empty(at), new_text: new_text.into() }
    }

    pub fn delete(range: TextRange) -> Self {
        Edit { range, new_text: String::new() }
    }
}

/// A mechanical repair the parser can name, with how sure it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxFix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The one obvious repair.
    pub preferred: bool,
    /// The repair changes only how the text is written, never what it means.
    pub safe: bool,
}

impl SyntaxFix {
    /// A repair that is one choice among others.
    pub fn new(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        SyntaxFix { title: title.into(), edits, preferred: false, safe: false }
    }

    /// The obvious repair, which may change meaning (closing a string where it guesses).
    pub fn preferred(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        SyntaxFix { title: title.into(), edits, preferred: true, safe: false }
    }

    /// The obvious repair that keeps the document's meaning.
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        SyntaxFix { title: title.into(), edits, preferred: true, safe: true }
    }
}

/// One syntax problem: what, where, a message that says how to fix it, and the fixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub range: TextRange,
    pub message: String,
    pub fixes: Vec<SyntaxFix>,
}

impl SyntaxError {
    pub fn new(kind: SyntaxErrorKind, range: TextRange, message: impl Into<String>) -> Self {
        SyntaxError { kind, range, message: message.into(), fixes: Vec::new() }
    }

    pub fn with_fix(mut self, fix: SyntaxFix) -> Self {
        self.fixes.push(fix);
        self
    }
}
