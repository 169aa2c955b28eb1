//! Open documents: text in a rope, the version, and the state of their validation.
//!
//! Lines are counted as LSP counts them (specification 3.17, "Text Documents": "`\n`, `\r\n` and
//! `\r`"): ropey is built without its `unicode_lines` feature, so U+2028, U+2029, U+0085, VT and FF
//! are ordinary characters here, as they are in the editor's positions.

use crate::check::CheckResult;
use crate::syntax::text::PositionEncoding;
use ropey::Rope;
use std::sync::Arc;

pub struct Document {
    pub rope: Rope,
    /// The version the client gave the text (it may repeat or go backwards: never trusted).
    pub version: i32,
    /// Bumped by the server on every change: what analyses are matched against.
    pub revision: u64,
    /// The file name part of the URI, for format detection (`.json`).
    pub path: String,
    /// The newest finished check, shared by diagnostics and requests.
    pub checked: Option<Checked>,
    /// The newest live findings (`server::live`), for the revision and settings they name.
    pub live: Option<Arc<LiveFound>>,
    /// Taken by whoever publishes this document's diagnostics (`server::publish`).
    pub publishing: PublishTurn,
}

/// A document's turn to publish: held from "is this still the current revision" to the
/// notification being queued, so publishes of one document go out in revision order.
pub type PublishTurn = Arc<tokio::sync::Mutex<()>>;

/// What the live checks found for one checked text.
pub struct LiveFound {
    /// The analysis they were found for: of one revision under one settings generation
    /// (requests match theirs against it).
    pub analysis: Arc<Analysis>,
    /// The offline findings with the live ones merged in.
    pub diagnostics: Vec<crate::diagnostic::Diagnostic>,
    /// The service's cost estimate, when the region prices the size.
    pub cost: Option<crate::live::CostEstimate>,
}

impl LiveFound {
    /// Whether these findings belong to `analysis` (the very check they extend).
    pub fn extends(&self, analysis: &Analysis) -> bool {
        std::ptr::eq(&*self.analysis, analysis)
    }
}

/// A checked snapshot of a document's text.
pub struct Analysis {
    pub text: String,
    pub result: CheckResult,
}

/// The outcome of checking one revision under one settings generation.
#[derive(Clone)]
pub struct Checked {
    pub revision: u64,
    pub generation: u64,
    /// The analysis, or why checking failed (a panic in the checker).
    pub analysis: Result<Arc<Analysis>, String>,
}

impl Document {
    pub fn new(text: &str, version: i32, path: String) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            revision: 0,
            path,
            checked: None,
            live: None,
            publishing: PublishTurn::default(),
        }
    }

    /// The newest analysis if it is of the current text under settings `generation` or newer.
    pub fn current(&self, generation: u64) -> Option<&Checked> {
        self.checked.as_ref().filter(|c| c.revision == self.revision && c.generation >= generation)
    }

    /// Byte offset of an LSP position, clamped to the document.
    pub fn offset(&self, line: u32, character: u32, encoding: PositionEncoding) -> usize {
        let line = line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let line_start = self.rope.line_to_byte(line);
        let slice = self.rope.line(line);
        let mut counted = 0usize;
        let mut bytes = 0usize;
        for ch in slice.chars() {
            if ch == '\n' || ch == '\r' {
                break;
            }
            let width = match encoding {
                PositionEncoding::Utf8 => ch.len_utf8(),
                PositionEncoding::Utf16 => ch.len_utf16(),
                PositionEncoding::Utf32 => 1,
            };
            if counted + width > character as usize {
                break;
            }
            counted += width;
            bytes += ch.len_utf8();
        }
        line_start + bytes
    }

    /// Applies one change: a replacement of a range, or the whole text when `range` is None.
    pub fn apply_change(&mut self, range: Option<((u32, u32), (u32, u32))>, text: &str, encoding: PositionEncoding) {
        match range {
            None => self.rope = Rope::from_str(text),
            Some(((sl, sc), (el, ec))) => {
                let start = self.offset(sl, sc, encoding);
                let end = self.offset(el, ec, encoding).max(start);
                let (start_char, end_char) = (self.rope.byte_to_char(start), self.rope.byte_to_char(end));
                self.rope.remove(start_char..end_char);
                self.rope.insert(start_char, text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_changes_respect_the_encoding() {
        let mut d = Document::new("name: 日本\nsize: x\n", 1, "a.yml".into());
        // Replace `x` (line 1, col 6) with a size.
        d.apply_change(Some(((1, 6), (1, 7))), "Standard_DS3_v2", PositionEncoding::Utf16);
        assert_eq!(d.rope.to_string(), "name: 日本\nsize: Standard_DS3_v2\n");
        // Append after the CJK text: UTF-16 column 8, UTF-8 column 12.
        d.apply_change(Some(((0, 8), (0, 8))), "!", PositionEncoding::Utf16);
        d.apply_change(Some(((0, 13), (0, 13))), "?", PositionEncoding::Utf8);
        assert_eq!(d.rope.line(0).to_string(), "name: 日本!?\n");
    }

    /// The line start offsets of `text` as LSP counts lines, written independently of ropey.
    fn lsp_line_starts(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 2;
                    continue;
                }
                b'\r' | b'\n' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        starts
    }

    /// The byte offset of an LSP position in `text`, by the specification's rules: a column past the
    /// line's end means the end of the line, a line past the end means the end of the text, and a
    /// column inside a character (half a surrogate pair) means the start of that character.
    fn reference_offset(text: &str, line: u32, character: u32, encoding: PositionEncoding) -> usize {
        let starts = lsp_line_starts(text);
        let Some(&start) = starts.get(line as usize) else { return text.len() };
        let end = starts.get(line as usize + 1).copied().unwrap_or(text.len());
        let content = text[start..end].trim_end_matches(['\n', '\r']);
        let mut counted = 0;
        for (at, ch) in content.char_indices() {
            let width = match encoding {
                PositionEncoding::Utf8 => ch.len_utf8(),
                PositionEncoding::Utf16 => ch.len_utf16(),
                PositionEncoding::Utf32 => 1,
            };
            if counted + width > character as usize {
                return start + at;
            }
            counted += width;
        }
        start + content.len()
    }

    #[test]
    fn unicode_line_separators_are_not_line_ends() {
        // If a dependency re-enabled ropey's `unicode_lines` feature, these would count as lines.
        for separator in ["\u{2028}", "\u{2029}", "\u{85}", "\u{b}", "\u{c}"] {
            let text = format!("name: a{separator}b\ntype: amlcompute\n");
            let mut d = Document::new(&text, 1, "a.yml".into());
            assert_eq!(d.rope.len_lines(), 3, "{separator:?}");
            // `type` is on LSP line 1, whatever the separator on line 0.
            d.apply_change(Some(((1, 0), (1, 4))), "kind", PositionEncoding::Utf16);
            assert_eq!(d.rope.to_string(), text.replace("type", "kind"), "{separator:?}");
        }
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let mut d = Document::new("a: 1\rb: 2\rc: 3", 1, "a.yml".into());
        assert_eq!(d.rope.len_lines(), 3);
        d.apply_change(Some(((1, 3), (1, 4))), "20", PositionEncoding::Utf16);
        assert_eq!(d.rope.to_string(), "a: 1\rb: 20\rc: 3");
        // Joining `\r` and a new `\n` makes one CRLF line end, as in the editor.
        d.apply_change(Some(((1, 5), (1, 5))), "", PositionEncoding::Utf16);
        d.apply_change(Some(((2, 0), (2, 0))), "\n", PositionEncoding::Utf16);
        assert_eq!(d.rope.to_string(), "a: 1\rb: 20\r\nc: 3");
        assert_eq!(d.rope.len_lines(), 3);
    }

    #[test]
    fn random_incremental_edits_equal_the_editor_text() {
        // Pieces with every kind of line end and separator, and characters of every UTF-16 width.
        const PIECES: &[&str] = &[
            "\n", "\r\n", "\r", "\u{2028}", "\u{2029}", "\u{85}", "\u{b}", "\u{c}", "a", "key: v", "日本", "🚀", "é",
            " ", "",
        ];
        let mut seed = 0x2026_1202_u64;
        let mut next = |bound: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % bound.max(1)
        };
        for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf8, PositionEncoding::Utf32] {
            for _ in 0..40 {
                let mut editor = String::new();
                for _ in 0..next(12) {
                    editor.push_str(PIECES[next(PIECES.len())]);
                }
                let mut d = Document::new(&editor, 1, "a.yml".into());
                for _ in 0..60 {
                    let lines = lsp_line_starts(&editor).len() as u32;
                    // Positions sometimes past the end of a line or of the document.
                    let mut position = || (next(lines as usize + 2) as u32, next(12) as u32);
                    let (a, b) = (position(), position());
                    let (start, end) = if a <= b { (a, b) } else { (b, a) };
                    let mut insert = String::new();
                    for _ in 0..next(4) {
                        insert.push_str(PIECES[next(PIECES.len())]);
                    }
                    let from = reference_offset(&editor, start.0, start.1, encoding);
                    let to = reference_offset(&editor, end.0, end.1, encoding).max(from);
                    editor.replace_range(from..to, &insert);
                    d.apply_change(Some((start, end)), &insert, encoding);
                    assert_eq!(d.rope.to_string(), editor, "{encoding:?} after replacing {start:?}..{end:?}");
                }
            }
        }
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let mut d = Document::new("a: 1\r\n", 1, "a.yml".into());
        assert_eq!(d.offset(0, 99, PositionEncoding::Utf16), 4);
        assert_eq!(d.offset(9, 0, PositionEncoding::Utf16), 6);
        d.apply_change(Some(((5, 0), (9, 9))), "b: 2\n", PositionEncoding::Utf16);
        assert_eq!(d.rope.to_string(), "a: 1\r\nb: 2\n");
    }
}
