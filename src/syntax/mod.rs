//! Text, positions and the two tolerant parsers (YAML and JSON) that build one tree shape.

pub mod json;
pub mod text;
pub mod tree;
pub mod yaml;

use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use text::TextRange;
pub use tree::{Comment, Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue};

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

/// A parsed document: the tree, its comments and the syntax diagnostics.
#[derive(Debug)]
pub struct Parsed {
    pub format: Format,
    pub root: Option<Node>,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(text: &str, format: Format) -> Parsed {
    let (root, comments, mut diagnostics) = match format {
        Format::Yaml => {
            let p = yaml::parse(text);
            (p.root, p.comments, p.diagnostics)
        }
        Format::Json => {
            let p = json::parse(text);
            (p.root, p.comments, p.diagnostics)
        }
    };
    diagnostics.extend(text_level_diagnostics(text));
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    Parsed { format, root, comments, diagnostics }
}

/// Byte-order mark and line-ending findings, which do not depend on the format.
fn text_level_diagnostics(text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if text.starts_with('\u{feff}') {
        out.push(
            Diagnostic::new(
                codes::BYTE_ORDER_MARK,
                TextRange::new(0, 3),
                "The file starts with a UTF-8 byte-order mark. The Azure ML CLI reads it, but some tools do not; save the file as UTF-8 without BOM.",
            )
            .with_fix(Fix::safe("Remove the byte-order mark", vec![TextEdit::delete(TextRange::new(0, 3))])),
        );
    }
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    if crlf > 0 && lf > 0 {
        // Point at the first line ending of the minority kind.
        let use_crlf = crlf >= lf;
        let bytes = text.as_bytes();
        let first_odd = (0..bytes.len()).find(|&i| bytes[i] == b'\n' && ((i > 0 && bytes[i - 1] == b'\r') != use_crlf));
        let at = first_odd.unwrap_or(0);
        let edits: Vec<TextEdit> = (0..bytes.len())
            .filter(|&i| bytes[i] == b'\n' && ((i > 0 && bytes[i - 1] == b'\r') != use_crlf))
            .map(|i| if use_crlf { TextEdit::insert(i, "\r") } else { TextEdit::delete(TextRange::new(i - 1, i)) })
            .collect();
        let (major, minor) = if use_crlf { ("CRLF", "LF") } else { ("LF", "CRLF") };
        let line = text[..at].matches('\n').count();
        let start = if !use_crlf && at > 0 { at - 1 } else { at };
        out.push(
            Diagnostic::new(
                codes::MIXED_LINE_ENDINGS,
                TextRange::new(start, at + 1),
                format!("The file mixes line endings: {crlf} CRLF and {lf} LF. Line {} ends with {minor}; use {major} throughout.", line + 1),
            )
            .with_fix(Fix::safe(format!("Convert all line endings to {major}"), edits)),
        );
    }
    out
}
