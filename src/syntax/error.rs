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
    /// Empty while `unwritten` holds what it will say (see `write_message`).
    pub message: String,
    pub fixes: Vec<SyntaxFix>,
    /// A duplicate key's finding is recorded without its message: a document may repeat a key
    /// two million times, and only the findings shown (at most `check::MAX_DIAGNOSTICS`) need
    /// words. `check_text` writes them after the cap.
    pub unwritten: Option<UnwrittenDuplicate>,
}

/// What a duplicate key's message will say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnwrittenDuplicate {
    pub key: KeyText,
    /// The 1-based line where the key is first set.
    pub first_line: u32,
    /// YAML and JSON word the finding differently.
    pub json: bool,
}

/// A key's decoded text, as a range of the parsed text when it reads the same there (almost
/// always: a plain YAML key, or a quoted key without escapes), else a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyText {
    Source(TextRange),
    Decoded(Box<str>),
}

impl KeyText {
    /// `decoded` is the key's text, `range` its token (quotes included) in `source`.
    pub fn new(source: &str, range: TextRange, decoded: &str) -> Self {
        let (start, end) = (range.start(), range.end());
        if source.get(start..end) == Some(decoded) {
            return KeyText::Source(range);
        }
        if end >= start + 2 && source.get(start + 1..end - 1) == Some(decoded) {
            return KeyText::Source(TextRange::new(start + 1, end - 1));
        }
        KeyText::Decoded(decoded.into())
    }

    /// The key as a map key that borrows `source` where it can (see `new`).
    pub fn into_cow(self, source: &str) -> std::borrow::Cow<'_, str> {
        match self {
            KeyText::Source(r) => std::borrow::Cow::Borrowed(source.get(r.start()..r.end()).unwrap_or_default()),
            KeyText::Decoded(text) => std::borrow::Cow::Owned(text.into()),
        }
    }

    pub fn get<'a>(&'a self, source: &'a str) -> &'a str {
        match self {
            KeyText::Source(r) => source.get(r.start()..r.end()).unwrap_or_default(),
            KeyText::Decoded(text) => text,
        }
    }
}

impl SyntaxError {
    pub fn new(kind: SyntaxErrorKind, range: TextRange, message: impl Into<String>) -> Self {
        SyntaxError { kind, range, message: message.into(), fixes: Vec::new(), unwritten: None }
    }

    /// A key set twice in one mapping, at its second `range`; the message is written later.
    pub fn duplicate_key(range: TextRange, duplicate: UnwrittenDuplicate) -> Self {
        SyntaxError {
            kind: SyntaxErrorKind::DuplicateKey,
            range,
            message: String::new(),
            fixes: Vec::new(),
            unwritten: Some(duplicate),
        }
    }

    /// Writes the message of an error recorded without one; `source` is the parsed text.
    pub fn write_message(&mut self, source: &str) {
        if let Some(duplicate) = self.unwritten.take() {
            self.message = duplicate.message(source);
        }
    }

    pub fn with_fix(mut self, fix: SyntaxFix) -> Self {
        self.fixes.push(fix);
        self
    }
}

impl UnwrittenDuplicate {
    /// The finding's words, as PyYAML and JSON loaders behave: the later value wins.
    pub fn message(&self, source: &str) -> String {
        let (key, line) = (self.key.get(source), self.first_line);
        if self.json {
            format!("\"{key}\" is already set on line {line}; only this later value is used. Remove one of them.")
        } else {
            format!(
                "`{key}` is already set on line {line}; the YAML loader keeps only this later value. Remove one of them."
            )
        }
    }
}
