//! The document tree both parsers build: mappings, sequences and scalars with byte ranges.
//!
//! The tree is deliberately small and format-neutral so that the schema validator, the
//! spec model and the IDE features work the same on YAML and JSON.

use super::text::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// The value's own text: a scalar's token (with quotes), or a collection from its first
    /// to its last token. A missing value has an empty range where it was expected.
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Mapping(Vec<Entry>),
    Sequence(Vec<Node>),
    Scalar(Scalar),
    /// A value the text does not give (e.g. `key:` at the end of a half-typed line, or a
    /// key without a colon). It reads as YAML null.
    Missing,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Scalar,
    pub key_range: TextRange,
    pub value: Node,
    /// False when the key was typed without its `:` yet (half-typed documents).
    pub has_colon: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The decoded text (quotes removed, escapes resolved, block scalars folded).
    pub text: String,
    pub style: ScalarStyle,
    pub value: ScalarValue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// What a scalar resolves to. YAML plain scalars follow YAML 1.1 as PyYAML (and so the
/// Azure ML SDK and CLI) resolves them: `yes`/`on` are booleans, `010` is octal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScalarValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

impl ScalarValue {
    pub fn type_name(self) -> &'static str {
        match self {
            ScalarValue::Null => "null",
            ScalarValue::Bool(_) => "boolean",
            ScalarValue::Int(_) => "integer",
            ScalarValue::Float(_) => "number",
            ScalarValue::Str => "string",
        }
    }
}

impl Scalar {
    pub fn string(text: impl Into<String>, style: ScalarStyle) -> Self {
        Scalar { text: text.into(), style, value: ScalarValue::Str }
    }

    pub fn is_quoted(&self) -> bool {
        matches!(self.style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
    }
}

impl Node {
    pub fn missing(at: usize) -> Self {
        Node { kind: NodeKind::Missing, range: TextRange::empty(at) }
    }

    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text when it is a string (quoted, or plain text that is not a number,
    /// boolean or null).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) if s.value == ScalarValue::Str => Some(&s.text),
            _ => None,
        }
    }

    /// The scalar's text whatever it resolves to (`2` gives "2").
    pub fn scalar_text(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            NodeKind::Scalar(Scalar { value: ScalarValue::Int(n), .. }) => Some(*n),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.kind {
            NodeKind::Scalar(Scalar { value: ScalarValue::Int(n), .. }) => Some(*n as f64),
            NodeKind::Scalar(Scalar { value: ScalarValue::Float(f), .. }) => Some(*f),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Scalar(Scalar { value: ScalarValue::Bool(b), .. }) => Some(*b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Missing | NodeKind::Scalar(Scalar { value: ScalarValue::Null, .. }))
    }

    /// The entry for `key` in a mapping (first match; duplicates are reported by the parser).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?.iter().find(|e| e.key.text == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follows a path of mapping keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The JSON-ish type name used in messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Mapping(_) => "mapping",
            NodeKind::Sequence(_) => "list",
            NodeKind::Scalar(s) => s.value.type_name(),
            NodeKind::Missing => "null",
        }
    }
}

/// A comment in the source (`# …` in YAML, `// …` or `/* … */` tolerated in JSON).
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub range: TextRange,
    /// The comment's text after the marker, untrimmed.
    pub text: String,
}

/// One token of the source, kept after parsing for the cursor query (`ide::query`). It carries
/// only its kind and range (12 bytes, no text), so keeping every token of a 10 MB document
/// costs one flat vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: TextRange,
}

/// What a token is. JSON uses the flow kinds: `{`/`}` are `FlowMapStart`/`FlowMapEnd`, a
/// string is a double-quoted scalar and a bare word (number, literal, or a mistake) a plain one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// `- ` opening a block sequence item.
    Dash,
    /// `:` ending a mapping key.
    Colon,
    /// `? ` opening an explicit mapping key.
    Question,
    /// `,` between flow items.
    Comma,
    FlowSeqStart,
    FlowSeqEnd,
    FlowMapStart,
    FlowMapEnd,
    /// `---`
    DocStart,
    /// `...`
    DocEnd,
    /// A scalar in the given style; a block scalar's range covers its indented lines.
    Scalar(ScalarStyle),
    /// Text the parser skipped without reading (nesting past `MAX_NESTING`).
    Skipped,
}
