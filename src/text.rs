//! Byte ranges and the conversion between byte offsets and line/column positions.
//!
//! Everything inside the engine speaks UTF-8 byte offsets. Editors speak lines and columns
//! counted in UTF-16 code units (LSP's default) or UTF-8 bytes (when negotiated), and the
//! `check --format json` output uses UTF-16 like LSP. This module is the one place that
//! converts, and it clamps: an out-of-range position never panics.

/// A half-open range of UTF-8 byte offsets into a document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "range start {start} after end {end}");
        Self { start: start as u32, end: end.max(start) as u32 }
    }

    pub fn empty(at: usize) -> Self {
        Self::new(at, at)
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start() <= offset && offset < self.end()
    }

    /// Like `contains`, but also true at the end offset: a cursor just after a token is "on" it.
    pub fn touches(self, offset: usize) -> bool {
        self.start() <= offset && offset <= self.end()
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// How columns are counted in a line/column position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
    Utf32,
}

/// A zero-based line and column, columns counted in the chosen encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of one text, for fast offset ⇄ line/column conversion.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`: the line ends LSP counts (its `Position`
/// definition) and the ones YAML 1.1 (§5.4, line break characters, as PyYAML reads them) and
/// JSON (RFC 8259 §2, whitespace) treat as whitespace between tokens. The `\r` of a CRLF
/// belongs to the terminator, so a position on a CRLF line never lands between `\r` and `\n`.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0u32];
        for (i, b) in bytes.iter().enumerate() {
            let ends_line = *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                line_starts.push(i as u32 + 1);
            }
        }
        Self { line_starts, len: text.len() as u32 }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The zero-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = (offset as u32).min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len) as usize
    }

    /// The byte range of a line's content, without its `\n`, `\r\n` or `\r`.
    pub fn line_range(&self, text: &str, line: usize) -> TextRange {
        let start = self.line_start(line);
        let mut end =
            if line + 1 < self.line_starts.len() { self.line_starts[line + 1] as usize - 1 } else { self.len as usize };
        // `end` is now before the terminator's last byte; a CRLF has one more to drop.
        if end > start && text.as_bytes().get(end) == Some(&b'\n') && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        TextRange::new(start, end.max(start))
    }

    /// Converts a byte offset to a line/column in `encoding`. An offset inside a multi-byte
    /// character is moved back to the character's start; offsets past the end clamp.
    pub fn line_col(&self, text: &str, offset: usize, encoding: PositionEncoding) -> LineCol {
        let offset = clamp_to_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let prefix = &text[start..offset];
        let col = match encoding {
            PositionEncoding::Utf8 => prefix.len(),
            PositionEncoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
            PositionEncoding::Utf32 => prefix.chars().count(),
        };
        LineCol { line: line as u32, col: col as u32 }
    }

    /// Converts a line/column in `encoding` to a byte offset. Lines past the end clamp to the
    /// end of the text; columns past the end of a line clamp to the end of that line (before
    /// its terminator); a column inside a surrogate pair rounds down to the character start.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: PositionEncoding) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return text.len();
        }
        let range = self.line_range(text, line);
        let content = &text[range.start()..range.end()];
        let wanted = pos.col as usize;
        let mut counted = 0usize;
        for (byte_idx, ch) in content.char_indices() {
            let width = match encoding {
                PositionEncoding::Utf8 => ch.len_utf8(),
                PositionEncoding::Utf16 => ch.len_utf16(),
                PositionEncoding::Utf32 => 1,
            };
            if counted + width > wanted {
                return range.start() + byte_idx;
            }
            counted += width;
        }
        range.end()
    }
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str, offset: usize, enc: PositionEncoding) -> (LineCol, usize) {
        let index = LineIndex::new(text);
        let lc = index.line_col(text, offset, enc);
        (lc, index.offset(text, lc, enc))
    }

    #[test]
    fn ascii_offsets_map_to_line_and_column() {
        let text = "name: a\ntype: b\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 8, PositionEncoding::Utf16), LineCol { line: 1, col: 0 });
        assert_eq!(index.line_col(text, 12, PositionEncoding::Utf16), LineCol { line: 1, col: 4 });
        assert_eq!(roundtrip(text, 12, PositionEncoding::Utf16).1, 12);
    }

    #[test]
    fn cjk_counts_one_utf16_unit_and_three_bytes() {
        let text = "description: 日本語 x";
        let x = text.find('x').unwrap();
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, x, PositionEncoding::Utf16).col, 17);
        assert_eq!(index.line_col(text, x, PositionEncoding::Utf8).col, 23);
        assert_eq!(index.line_col(text, x, PositionEncoding::Utf32).col, 17);
        assert_eq!(roundtrip(text, x, PositionEncoding::Utf16).1, x);
    }

    #[test]
    fn emoji_counts_two_utf16_units() {
        let text = "tags:\n  a: \"🚀b\"";
        let b = text.find('b').unwrap();
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, b, PositionEncoding::Utf16), LineCol { line: 1, col: 8 });
        assert_eq!(index.line_col(text, b, PositionEncoding::Utf32).col, 7);
        // A column in the middle of the surrogate pair rounds down to the emoji's start.
        let mid = index.offset(text, LineCol { line: 1, col: 7 }, PositionEncoding::Utf16);
        assert_eq!(mid, text.find('🚀').unwrap());
    }

    #[test]
    fn crlf_terminators_are_not_part_of_the_line() {
        let text = "a: 1\r\nbb: 2\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_range(text, 0), TextRange::new(0, 4));
        assert_eq!(index.line_col(text, 6, PositionEncoding::Utf16), LineCol { line: 1, col: 0 });
        // A column past the end of a CRLF line clamps before the `\r`.
        assert_eq!(index.offset(text, LineCol { line: 0, col: 99 }, PositionEncoding::Utf16), 4);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "a: 1\rbb: 2\r\ncc: 3\n\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 5);
        assert_eq!(index.line_range(text, 0), TextRange::new(0, 4));
        assert_eq!(index.line_range(text, 1), TextRange::new(5, 10));
        assert_eq!(index.line_range(text, 2), TextRange::new(12, 17));
        assert_eq!(index.line_range(text, 3), TextRange::new(18, 18));
        assert_eq!(index.line_col(text, 5, PositionEncoding::Utf16), LineCol { line: 1, col: 0 });
        assert_eq!(index.offset(text, LineCol { line: 1, col: 99 }, PositionEncoding::Utf16), 10);
        assert_eq!(index.offset(text, LineCol { line: 4, col: 0 }, PositionEncoding::Utf16), 19);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "a: 1";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, LineCol { line: 7, col: 3 }, PositionEncoding::Utf16), 4);
        assert_eq!(index.line_col(text, 99, PositionEncoding::Utf16), LineCol { line: 0, col: 4 });
    }

    #[test]
    fn offset_inside_a_multibyte_char_moves_to_its_start() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1, PositionEncoding::Utf16).col, 0);
    }
}
