//! Shared test helpers: inline diagnostic annotations.
//!
//! An annotation is a comment line under the line it labels:
//!
//! ```yaml
//! name: my-cluster-name-that-is-far-too-long
//! #     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[AML201]: A compute cluster name must be …
//! ```
//!
//! The carets sit under the diagnostic's range (columns in characters). A range that starts
//! at column 0 is written `#^^^`: the `#` stands for column 0. A range that runs past the end
//! of its first line ends its carets with `…`.
#![allow(dead_code)]

/// The same locator the unit tests use: one answer for every test.
#[path = "../../src/test_corpus.rs"]
pub mod corpus;

pub mod capture;
pub mod lsp_client;
pub mod shared;

use aml_compute_ls::check::{CheckOptions, Diagnostic, check_text};
use aml_compute_ls::syntax::text::{LineIndex, PositionEncoding};

/// True for the comment lines this harness writes.
pub fn is_annotation(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('#') else { return false };
    let trimmed = rest.trim_start_matches(' ');
    trimmed.starts_with('^') && trimmed.contains(['[']) && trimmed.contains("]: ")
}

pub fn strip_annotations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if !is_annotation(line.trim_end_matches(['\n', '\r'])) {
            out.push_str(line);
        }
    }
    out
}

fn annotation(text: &str, index: &LineIndex, d: &Diagnostic) -> (usize, String) {
    let start = index.line_col(text, d.range.start(), PositionEncoding::Utf32);
    let line = start.line as usize;
    let line_range = index.line_range(text, line);
    let end_offset = d.range.end().min(line_range.end());
    let width = text[d.range.start().min(end_offset)..end_offset].chars().count().max(1);
    let continues = d.range.end() > line_range.end();
    let col = start.col as usize;
    let carets = if col == 0 {
        format!("#{}", "^".repeat(width.saturating_sub(1)))
    } else {
        format!("#{}{}", " ".repeat(col - 1), "^".repeat(width))
    };
    // A one-character range at column 0 still needs a caret to be recognisable.
    let carets = if carets == "#" { "#^".to_string() } else { carets };
    let ellipsis = if continues { "…" } else { "" };
    (line, format!("{carets}{ellipsis} {}[{}]: {}", d.severity.as_str(), d.code.id(), d.message.replace('\n', " ")))
}

/// The source with an annotation line under each diagnostic's first line.
pub fn render(source: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(source);
    let mut by_line: Vec<Vec<String>> = vec![Vec::new(); index.line_count()];
    for d in diagnostics {
        let (line, text) = annotation(source, &index, d);
        by_line[line].push(text);
    }
    let newline = if source.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::new();
    for (i, line) in source.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if by_line.get(i).is_some_and(|v| !v.is_empty()) {
            if !line.ends_with('\n') {
                out.push_str(newline);
            }
            for a in &by_line[i] {
                out.push_str(a);
                out.push_str(newline);
            }
        }
    }
    out
}

/// Checks `source` as if it were at `path`.
pub fn diagnostics_of(source: &str, path: &str) -> Vec<Diagnostic> {
    check_text(source, Some(path), &CheckOptions::default()).diagnostics
}
