//! Open documents: text in a rope, the version, and the state of their validation.

use crate::syntax::text::PositionEncoding;
use ropey::Rope;

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    /// The file name part of the URI, for format detection (`.json`).
    pub path: String,
    /// A validation task is running for this document.
    pub validating: bool,
    /// The text changed while validating: run once more with the newest text.
    pub rerun: bool,
}

impl Document {
    pub fn new(text: &str, version: i32, path: String) -> Self {
        Document { rope: Rope::from_str(text), version, path, validating: false, rerun: false }
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

    #[test]
    fn positions_past_the_end_clamp() {
        let mut d = Document::new("a: 1\r\n", 1, "a.yml".into());
        assert_eq!(d.offset(0, 99, PositionEncoding::Utf16), 4);
        assert_eq!(d.offset(9, 0, PositionEncoding::Utf16), 6);
        d.apply_change(Some(((5, 0), (9, 9))), "b: 2\n", PositionEncoding::Utf16);
        assert_eq!(d.rope.to_string(), "a: 1\r\nb: 2\n");
    }
}
