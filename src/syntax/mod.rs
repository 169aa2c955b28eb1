//! The two tolerant parsers (YAML and JSON) that build one tree shape, keep their tokens for
//! the cursor query, and report syntax problems as their own `SyntaxError`s.
//!
//! Layering: `syntax` imports nothing of ours but `text`; `check` turns its errors into
//! diagnostics.

pub mod error;
pub mod json;
pub mod tree;
pub mod yaml;

/// The text-position types, re-exported so `syntax::text::TextRange` keeps naming them; the
/// module itself sits below `syntax` (and `diagnostic`), which import nothing else of ours.
pub use crate::text;

pub use error::{Edit, KeyText, SyntaxError, SyntaxErrorKind, SyntaxFix, UnwrittenDuplicate};
use std::borrow::Cow;
use text::TextRange;

/// How deep collections may nest in either format. Compute specs nest less than ten levels;
/// the limit keeps every recursive walk over the tree (checks, completion, hover, symbols,
/// dropping the tree) within a small, fixed stack. Deeper values get one `AML013` and are
/// skipped; the rest of the document is read as usual.
pub const MAX_NESTING: usize = 32;

/// The text with every lone `\r` turned into `\n`, byte for byte, so offsets do not move.
///
/// A lone CR ends a line for LSP (`Position`), YAML 1.1 (§5.4, as PyYAML reads it) and JSON
/// (RFC 8259 §2 whitespace), but the parsers and rules look for `\n`; giving them this view
/// keeps every range valid in the original text. CRLF stays as it is.
pub fn normalize_line_ends(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    // Most texts have no CR at all: one vectorised search says so.
    if !memchr::memchr_iter(b'\r', bytes).any(lone_cr) {
        return Cow::Borrowed(text);
    }
    let normalized: Vec<u8> = (0..bytes.len()).map(|i| if lone_cr(i) { b'\n' } else { bytes[i] }).collect();
    // Only ASCII bytes changed, so the text is still UTF-8.
    Cow::Owned(String::from_utf8(normalized).unwrap_or_else(|_| text.to_string()))
}
pub use tree::{Comment, Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue, Token, TokenKind};

/// Which surface syntax a document is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// Picks the format from a file name, falling back to sniffing the text: JSON documents
    /// start with `{` (YAML specs never do in practice).
    pub fn detect(path: Option<&str>, text: &str) -> Format {
        if let Some(p) = path {
            let lower = p.to_ascii_lowercase();
            if lower.ends_with(".json") || lower.ends_with(".jsonc") {
                return Format::Json;
            }
            if lower.ends_with(".yml") || lower.ends_with(".yaml") {
                return Format::Yaml;
            }
        }
        if text.trim_start_matches('\u{feff}').trim_start().starts_with('{') { Format::Json } else { Format::Yaml }
    }
}

/// A parsed document: the tree, its comments and the syntax errors.
#[derive(Debug)]
pub struct Parsed {
    pub format: Format,
    pub root: Option<Node>,
    pub comments: Vec<Comment>,
    /// Every token in source order (comments excluded), for the cursor query.
    pub tokens: Vec<Token>,
    pub errors: Vec<SyntaxError>,
    /// Where YAML aliases (`*name`) were expanded into the tree: the ranges of every value they
    /// brought. A fix there would rewrite the alias, so none is offered.
    pub aliases: Vec<TextRange>,
}

pub fn parse(original: &str, format: Format) -> Parsed {
    let text = &*normalize_line_ends(original);
    let (root, comments, tokens, mut errors, aliases) = match format {
        Format::Yaml => {
            let p = yaml::parse(text);
            (p.root, p.comments, p.tokens, p.errors, p.aliases)
        }
        Format::Json => {
            let p = json::parse(text);
            (p.root, p.comments, p.tokens, p.errors, Vec::new())
        }
    };
    errors.extend(text_level_diagnostics(original));
    errors.sort_by_key(|d| (d.range.start, d.range.end));
    Parsed { format, root, comments, tokens, errors, aliases }
}

/// Byte-order mark and line-ending findings, which do not depend on the format.
fn text_level_diagnostics(text: &str) -> Vec<SyntaxError> {
    let mut out = Vec::new();
    if text.starts_with('\u{feff}') {
        out.push(
            SyntaxError::new(
                SyntaxErrorKind::ByteOrderMark,
                TextRange::new(0, 3),
                "The file starts with a UTF-8 byte-order mark. The Azure ML CLI reads it, but some tools do not; save the file as UTF-8 without BOM.",
            )
            .with_fix(SyntaxFix::safe("Remove the byte-order mark", vec![Edit::delete(TextRange::new(0, 3))])),
        );
    }
    // Every line end with its kind: 0 = CRLF, 1 = LF, 2 = a lone CR.
    const NAMES: [&str; 3] = ["CRLF", "LF", "CR"];
    const TEXTS: [&str; 3] = ["\r\n", "\n", "\r"];
    let bytes = text.as_bytes();
    let mut ends: Vec<(usize, usize)> = Vec::new();
    let mut counts = [0usize; 3];
    let mut i = 0;
    while i < bytes.len() {
        let kind = match (bytes[i], bytes.get(i + 1)) {
            (b'\r', Some(b'\n')) => 0,
            (b'\n', _) => 1,
            (b'\r', _) => 2,
            _ => {
                i += 1;
                continue;
            }
        };
        ends.push((i, kind));
        counts[kind] += 1;
        i += TEXTS[kind].len();
    }
    if counts.iter().filter(|c| **c > 0).count() > 1 {
        // The most common kind wins (CRLF, then LF, on a tie); point at the first other one.
        let major = (0..3).max_by_key(|k| (counts[*k], 3 - k)).unwrap_or(1);
        let (line, &(at, minor)) = ends.iter().enumerate().find(|(_, (_, k))| *k != major).unwrap();
        let edits: Vec<Edit> = ends
            .iter()
            .filter(|(_, k)| *k != major)
            .map(|&(at, k)| Edit::replace(TextRange::new(at, at + TEXTS[k].len()), TEXTS[major]))
            .collect();
        let tally: Vec<String> =
            (0..3).filter(|k| counts[*k] > 0).map(|k| format!("{} {}", counts[k], NAMES[k])).collect();
        let tally = match tally.as_slice() {
            [a, b] => format!("{a} and {b}"),
            _ => format!("{}, {} and {}", tally[0], tally[1], tally[2]),
        };
        out.push(
            SyntaxError::new(
                SyntaxErrorKind::MixedLineEndings,
                TextRange::new(at, at + TEXTS[minor].len()),
                format!(
                    "The file mixes line endings: {tally}. Line {} ends with {}; use {} throughout.",
                    line + 1,
                    NAMES[minor],
                    NAMES[major]
                ),
            )
            .with_fix(SyntaxFix::safe(format!("Convert all line endings to {}", NAMES[major]), edits)),
        );
    }
    out
}
