//! A tolerant JSON parser producing the same tree as the YAML parser.
//!
//! It accepts `//` and `/* */` comments (ARM templates allow them) and recovers from missing
//! commas, trailing commas, unclosed strings and brackets, so a half-typed document still
//! yields a tree.

use super::error::{Edit, KeyText, SyntaxError, SyntaxErrorKind, SyntaxFix, UnwrittenDuplicate};
use super::text::{LineIndex, TextRange};
use super::tree::{Comment, Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue, Token, TokenKind};

#[derive(Debug, Default)]
pub struct JsonParse {
    pub root: Option<Node>,
    pub comments: Vec<Comment>,
    /// Punctuation, strings and bare words in source order, as the parser read them.
    pub tokens: Vec<Token>,
    pub errors: Vec<SyntaxError>,
}

pub fn parse(text: &str) -> JsonParse {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        comments: Vec::new(),
        tokens: Vec::new(),
        errors: Vec::new(),
        depth: 0,
        too_deep: false,
        lines: None,
    };
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    p.skip_trivia();
    let root = if p.pos < p.bytes.len() { Some(p.parse_value()) } else { None };
    p.skip_trivia();
    if p.pos < p.bytes.len() {
        let start = p.pos;
        p.error(
            SyntaxErrorKind::JsonSyntax,
            TextRange::new(start, p.bytes.len()),
            "Unexpected text after the end of the JSON document.",
        );
    }
    p.errors.sort_by_key(|d| (d.range.start, d.range.end));
    // Kept for the whole life of the document: no spare capacity.
    p.tokens.shrink_to_fit();
    JsonParse { root, comments: p.comments, tokens: p.tokens, errors: p.errors }
}

/// Deep nesting is legal JSON but no spec needs it; skipping what is deeper keeps the stack
/// safe (RFC 8259 §9 lets a parser limit nesting).
const MAX_DEPTH: usize = super::MAX_NESTING;

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    comments: Vec<Comment>,
    tokens: Vec<Token>,
    errors: Vec<SyntaxError>,
    depth: usize,
    /// Whether the one "nested too deeply" diagnostic has been given.
    too_deep: bool,
    /// Built on the first duplicate key, to name its first line without rescanning the text.
    lines: Option<LineIndex>,
}

impl<'t> Parser<'t> {
    fn error(&mut self, code: SyntaxErrorKind, range: TextRange, message: impl Into<String>) {
        self.errors.push(SyntaxError::new(code, range, message));
    }

    fn token(&mut self, kind: TokenKind, start: usize, end: usize) {
        self.tokens.push(Token { kind, range: TextRange::new(start, end) });
    }

    /// Records the one-byte punctuation at the current position as `kind` and steps over it.
    fn punct(&mut self, kind: TokenKind) {
        self.token(kind, self.pos, self.pos + 1);
        self.pos += 1;
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_trivia(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    let start = self.pos;
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                    let end = if self.bytes[self.pos - 1] == b'\r' { self.pos - 1 } else { self.pos };
                    self.comments.push(Comment {
                        range: TextRange::new(start, end),
                        text: self.text[start + 2..end].to_string(),
                    });
                }
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    let start = self.pos;
                    let close = self.text[start + 2..].find("*/").map(|i| start + 2 + i);
                    match close {
                        Some(c) => {
                            self.pos = c + 2;
                            self.comments.push(Comment {
                                range: TextRange::new(start, self.pos),
                                text: self.text[start + 2..c].to_string(),
                            });
                        }
                        None => {
                            self.pos = self.bytes.len();
                            self.error(
                                SyntaxErrorKind::JsonSyntax,
                                TextRange::new(start, start + 2),
                                "This `/*` comment is never closed with `*/`.",
                            );
                        }
                    }
                }
                _ => break,
            }
        }
    }

    fn parse_value(&mut self) -> Node {
        self.skip_trivia();
        let start = self.pos;
        let Some(b) = self.peek() else {
            self.error(SyntaxErrorKind::JsonSyntax, TextRange::empty(start), "Expected a value here.");
            return Node::missing(start);
        };
        if self.depth >= MAX_DEPTH && matches!(b, b'{' | b'[') {
            return self.skip_too_deep(start);
        }
        match b {
            b'{' => self.parse_object(),
            b'[' => self.parse_array(),
            b'"' => {
                let (scalar, range) = self.parse_string();
                self.token(TokenKind::Scalar(ScalarStyle::DoubleQuoted), range.start(), range.end());
                Node { kind: NodeKind::Scalar(scalar), range }
            }
            _ => self.parse_literal(),
        }
    }

    /// Skips a value that would nest too deeply, up to its matching bracket (strings and
    /// comments inside are skipped whole), and reports it once per document.
    fn skip_too_deep(&mut self, start: usize) -> Node {
        if !self.too_deep {
            self.too_deep = true;
            self.error(
                SyntaxErrorKind::TooDeep,
                TextRange::new(start, start + 1),
                format!(
                    "Arrays and objects are nested more than {MAX_DEPTH} levels deep here; aml-compute-ls does not read or check what is inside. No compute spec needs this depth."
                ),
            );
        }
        let mut open = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'{' | b'[' => open += 1,
                b'}' | b']' => open -= 1,
                b'"' => {
                    self.parse_string_quietly();
                    if open == 0 {
                        break;
                    }
                    continue;
                }
                b'/' if matches!(self.bytes.get(self.pos + 1), Some(b'/' | b'*')) => {
                    self.skip_trivia();
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
            if open == 0 {
                break;
            }
        }
        self.token(TokenKind::Skipped, start, self.pos);
        Node::missing(start)
    }

    /// Reads past a string without keeping it or reporting problems inside it.
    fn parse_string_quietly(&mut self) {
        let kept = self.errors.len();
        let _ = self.parse_string();
        self.errors.truncate(kept);
    }

    fn parse_literal(&mut self) -> Node {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if matches!(b, b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'{' | b'[') {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            // A structural character where a value should be, e.g. `"a": ,`.
            self.error(SyntaxErrorKind::JsonSyntax, TextRange::new(start, start + 1), "Expected a value here.");
            return Node::missing(start);
        }
        while !self.text.is_char_boundary(self.pos) {
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        let range = TextRange::new(start, self.pos);
        self.token(TokenKind::Scalar(ScalarStyle::Plain), start, self.pos);
        let value = match raw {
            "true" => Some(ScalarValue::Bool(true)),
            "false" => Some(ScalarValue::Bool(false)),
            "null" => Some(ScalarValue::Null),
            _ => parse_number(raw),
        };
        let value = value.unwrap_or_else(|| {
            self.error(
                SyntaxErrorKind::JsonSyntax,
                range,
                format!(
                    "`{raw}` is not a JSON value; strings need double quotes, and true, false and null are lower case."
                ),
            );
            ScalarValue::Str
        });
        Node { kind: NodeKind::Scalar(Scalar { text: raw.to_string(), style: ScalarStyle::Plain, value }), range }
    }

    fn parse_string(&mut self) -> (Scalar, TextRange) {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    self.pos += 1;
                    let scalar = Scalar { text: out, style: ScalarStyle::DoubleQuoted, value: ScalarValue::Str };
                    return (scalar, TextRange::new(start, self.pos));
                }
                b'\n' | b'\r' => break,
                b'\\' => {
                    self.pos += 1;
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'/' => out.push('/'),
                        b'\\' => out.push('\\'),
                        b'"' => out.push('"'),
                        b'u' => {
                            match hex4(self.text, self.pos) {
                                Some(high @ 0xD800..=0xDBFF)
                                    if self.text.get(self.pos + 4..self.pos + 6) == Some("\\u")
                                        && let Some(low @ 0xDC00..=0xDFFF) = hex4(self.text, self.pos + 6) =>
                                {
                                    // A UTF-16 surrogate pair is one character (RFC 8259 §7).
                                    self.pos += 10;
                                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                                }
                                Some(code) => {
                                    self.pos += 4;
                                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                                }
                                None => {
                                    let r = TextRange::new(self.pos - 2, self.pos);
                                    self.error(
                                        SyntaxErrorKind::JsonSyntax,
                                        r,
                                        "`\\u` must be followed by four hex digits.",
                                    );
                                }
                            }
                        }
                        _ => {
                            // Skip the whole character after the backslash: it may take several bytes.
                            let at = self.pos - 1;
                            self.pos = at + self.text[at..].chars().next().map_or(1, char::len_utf8);
                            let r = TextRange::new(at - 1, self.pos);
                            self.error(SyntaxErrorKind::JsonSyntax, r, "Unknown escape sequence in a JSON string.");
                        }
                    }
                }
                _ => {
                    let ch = self.text[self.pos..].chars().next().unwrap();
                    out.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        // Unclosed: the string ends at the end of its line.
        let range = TextRange::new(start, self.pos);
        self.errors.push(
            SyntaxError::new(SyntaxErrorKind::UnclosedQuote, range, "This string never closes; add `\"` at its end.")
                .with_fix(SyntaxFix::preferred("Close the string", vec![Edit::insert(self.pos, "\"")])),
        );
        (Scalar { text: out, style: ScalarStyle::DoubleQuoted, value: ScalarValue::Str }, range)
    }

    fn parse_object(&mut self) -> Node {
        let start = self.pos;
        self.punct(TokenKind::FlowMapStart);
        self.depth += 1;
        let mut entries: Vec<Entry> = Vec::new();
        // Keys seen so far with their first range: duplicate checks stay linear in big objects.
        // Keyed by the source text where the key reads the same, so no copy per key.
        let mut seen: std::collections::HashMap<std::borrow::Cow<'_, str>, TextRange> =
            std::collections::HashMap::new();
        let mut last_comma: Option<usize> = None;
        loop {
            self.skip_trivia();
            match self.peek() {
                None => {
                    self.unclosed(start, '}');
                    break;
                }
                Some(b'}') => {
                    if let Some(c) = last_comma.take() {
                        self.trailing_comma(c);
                    }
                    self.punct(TokenKind::FlowMapEnd);
                    break;
                }
                Some(b',') => {
                    let r = TextRange::new(self.pos, self.pos + 1);
                    self.error(SyntaxErrorKind::JsonSyntax, r, "A comma with no member before it.");
                    self.punct(TokenKind::Comma);
                    continue;
                }
                Some(b']') => {
                    let r = TextRange::new(self.pos, self.pos + 1);
                    self.error(
                        SyntaxErrorKind::JsonSyntax,
                        r,
                        "`]` closes an array, but an object is open here; use `}`.",
                    );
                    self.punct(TokenKind::FlowMapEnd);
                    break;
                }
                _ => {}
            }
            if !entries.is_empty() && last_comma.is_none() {
                self.error(SyntaxErrorKind::JsonSyntax, TextRange::empty(self.pos), "Missing `,` between members.");
            }
            last_comma = None;
            let key_start = self.pos;
            let (key, key_range) = if self.peek() == Some(b'"') {
                let (key, range) = self.parse_string();
                self.token(TokenKind::Scalar(ScalarStyle::DoubleQuoted), range.start(), range.end());
                (key, range)
            } else {
                // An unquoted key: read it as a literal and say how to fix it.
                let node = self.parse_literal();
                let text = node.scalar_text().unwrap_or("").to_string();
                let range = node.range;
                if !range.is_empty() {
                    // `parse_literal` may have just said the text is no JSON value; this says more.
                    if self.errors.last().is_some_and(|d| d.range == range) {
                        self.errors.pop();
                    }
                    self.errors.push(
                        SyntaxError::new(
                            SyntaxErrorKind::JsonSyntax,
                            range,
                            format!("Object keys must be strings in double quotes: \"{text}\"."),
                        )
                        .with_fix(SyntaxFix::safe("Quote the key", vec![Edit::replace(range, format!("\"{text}\""))])),
                    );
                } else {
                    self.pos = (key_start + 1).min(self.bytes.len());
                }
                (Scalar::string(text, ScalarStyle::Plain), range)
            };
            self.skip_trivia();
            let has_colon = self.peek() == Some(b':');
            let value = if has_colon {
                self.punct(TokenKind::Colon);
                self.skip_trivia();
                if matches!(self.peek(), Some(b',' | b'}') | None) {
                    self.error(
                        SyntaxErrorKind::JsonSyntax,
                        TextRange::empty(self.pos),
                        format!("`{}` has no value.", key.text),
                    );
                    Node::missing(self.pos)
                } else {
                    self.parse_value()
                }
            } else {
                self.error(SyntaxErrorKind::JsonSyntax, key_range, format!("Expected `:` after \"{}\".", key.text));
                Node::missing(key_range.end())
            };
            if let Some(previous) = seen.get(key.text.as_str()) {
                let lines = self.lines.get_or_insert_with(|| LineIndex::new(self.text));
                let first_line = lines.line_of(previous.start()) as u32 + 1;
                let key = KeyText::new(self.text, key_range, &key.text);
                self.errors
                    .push(SyntaxError::duplicate_key(key_range, UnwrittenDuplicate { key, first_line, json: true }));
            } else {
                let source = self.text;
                seen.insert(KeyText::new(source, key_range, &key.text).into_cow(source), key_range);
            }
            entries.push(Entry { key, key_range, value, has_colon });
            self.skip_trivia();
            if self.peek() == Some(b',') {
                last_comma = Some(self.pos);
                self.punct(TokenKind::Comma);
            }
        }
        self.depth -= 1;
        Node { kind: NodeKind::Mapping(entries), range: TextRange::new(start, self.pos) }
    }

    fn parse_array(&mut self) -> Node {
        let start = self.pos;
        self.punct(TokenKind::FlowSeqStart);
        self.depth += 1;
        let mut items = Vec::new();
        let mut last_comma: Option<usize> = None;
        loop {
            self.skip_trivia();
            match self.peek() {
                None => {
                    self.unclosed(start, ']');
                    break;
                }
                Some(b']') => {
                    if let Some(c) = last_comma.take() {
                        self.trailing_comma(c);
                    }
                    self.punct(TokenKind::FlowSeqEnd);
                    break;
                }
                Some(b'}') => {
                    let r = TextRange::new(self.pos, self.pos + 1);
                    self.error(
                        SyntaxErrorKind::JsonSyntax,
                        r,
                        "`}` closes an object, but an array is open here; use `]`.",
                    );
                    self.punct(TokenKind::FlowSeqEnd);
                    break;
                }
                Some(b',') => {
                    let r = TextRange::new(self.pos, self.pos + 1);
                    self.error(SyntaxErrorKind::JsonSyntax, r, "A comma with no item before it.");
                    self.punct(TokenKind::Comma);
                    continue;
                }
                _ => {}
            }
            if !items.is_empty() && last_comma.is_none() {
                self.error(SyntaxErrorKind::JsonSyntax, TextRange::empty(self.pos), "Missing `,` between items.");
            }
            last_comma = None;
            let before = self.pos;
            items.push(self.parse_value());
            if self.pos == before {
                // A stray `:` where an item should be; other bytes here were read as words.
                if self.peek() == Some(b':') {
                    self.punct(TokenKind::Colon);
                } else {
                    self.pos += 1;
                }
            }
            self.skip_trivia();
            if self.peek() == Some(b',') {
                last_comma = Some(self.pos);
                self.punct(TokenKind::Comma);
            }
        }
        self.depth -= 1;
        Node { kind: NodeKind::Sequence(items), range: TextRange::new(start, self.pos) }
    }

    fn trailing_comma(&mut self, at: usize) {
        let range = TextRange::new(at, at + 1);
        self.errors.push(
            SyntaxError::new(SyntaxErrorKind::TrailingComma, range, "JSON does not allow a comma after the last item.")
                .with_fix(SyntaxFix::safe("Remove the trailing comma", vec![Edit::delete(range)])),
        );
    }

    fn unclosed(&mut self, open: usize, closer: char) {
        let opener = &self.text[open..open + 1];
        self.errors.push(
            SyntaxError::new(
                SyntaxErrorKind::UnclosedBracket,
                TextRange::new(open, open + 1),
                format!("This `{opener}` is never closed; add `{closer}` at its end."),
            )
            .with_fix(SyntaxFix::preferred(
                format!("Insert `{closer}`"),
                vec![Edit::insert(self.bytes.len(), closer.to_string())],
            )),
        );
    }
}

/// The four hex digits of a `\\u` escape at `at` (digits only: no sign, unlike `from_str_radix`).
fn hex4(text: &str, at: usize) -> Option<u32> {
    let hex = text.get(at..at + 4)?;
    hex.bytes().all(|b| b.is_ascii_hexdigit()).then(|| u32::from_str_radix(hex, 16).ok()).flatten()
}

fn parse_number(raw: &str) -> Option<ScalarValue> {
    let body = raw.strip_prefix('-').unwrap_or(raw);
    let valid = !body.is_empty()
        && body.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && !(body.len() > 1 && body.starts_with('0') && body.as_bytes()[1].is_ascii_digit());
    if !valid {
        return None;
    }
    if body.bytes().all(|b| b.is_ascii_digit()) {
        return raw
            .parse::<i64>()
            .ok()
            .map(ScalarValue::Int)
            .or_else(|| raw.parse::<f64>().ok().map(ScalarValue::Float));
    }
    raw.parse::<f64>().ok().filter(|f| f.is_finite()).map(ScalarValue::Float)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_of(text: &str) -> Vec<SyntaxErrorKind> {
        parse(text).errors.iter().map(|d| d.kind).collect()
    }

    #[test]
    fn parses_a_compute_resource() {
        let text = r#"{"name": "aks1", "properties": {"computeType": "AKS", "properties": {"agentCount": 3, "x": 1.5, "b": true, "n": null}}}"#;
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let root = parsed.root.unwrap();
        assert_eq!(root.get_path(&["properties", "computeType"]).unwrap().as_str(), Some("AKS"));
        assert_eq!(root.get_path(&["properties", "properties", "agentCount"]).unwrap().as_i64(), Some(3));
        assert!(root.get_path(&["properties", "properties", "n"]).unwrap().is_null());
    }

    #[test]
    fn a_surrogate_pair_escape_is_one_character_and_a_lone_surrogate_is_a_replacement() {
        let decoded = |text: &str| {
            let parsed = parse(text);
            assert!(parsed.errors.is_empty(), "{text}: {:?}", parsed.errors);
            parsed.root.unwrap().get("a").unwrap().as_str().unwrap().to_string()
        };
        assert_eq!(decoded(r#"{"a": "\ud83d\ude00"}"#), "\u{1F600}");
        assert_eq!(decoded(r#"{"a": "x\uD83D\uDE00y"}"#), "x\u{1F600}y");
        assert_eq!(decoded(r#"{"a": "\ud83d"}"#), "\u{fffd}");
        assert_eq!(decoded(r#"{"a": "\ude00\ud83d"}"#), "\u{fffd}\u{fffd}");
        assert_eq!(decoded(r#"{"a": "\ud83dx"}"#), "\u{fffd}x");
        assert_eq!(decoded(r#"{"a": "\u00e9"}"#), "é");
        assert_eq!(kinds_of(r#"{"a": "\u+0e9"}"#), vec![SyntaxErrorKind::JsonSyntax]);
        // An unknown escape of a character of several bytes is one error, not a panic.
        assert_eq!(kinds_of("{\"a\": \"\\é\"}"), vec![SyntaxErrorKind::JsonSyntax]);
    }

    #[test]
    fn trailing_commas_are_reported_with_a_fix() {
        assert_eq!(
            kinds_of("{\"a\": [1, 2,], \"b\": 1,}"),
            vec![SyntaxErrorKind::TrailingComma, SyntaxErrorKind::TrailingComma]
        );
    }

    #[test]
    fn missing_commas_and_unclosed_brackets_recover() {
        let parsed = parse("{\"a\": 1 \"b\": 2");
        let kinds: Vec<_> = parsed.errors.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, vec![SyntaxErrorKind::UnclosedBracket, SyntaxErrorKind::JsonSyntax]);
        assert_eq!(parsed.root.unwrap().get("b").unwrap().as_i64(), Some(2));
    }

    #[test]
    fn comments_are_allowed_and_collected() {
        let parsed = parse("{\n// note\n\"a\": 1 /* x */\n}");
        assert!(parsed.errors.is_empty());
        assert_eq!(parsed.comments.len(), 2);
    }

    #[test]
    fn duplicate_keys_and_unquoted_keys_are_reported() {
        assert_eq!(kinds_of("{\"a\": 1, \"a\": 2}"), vec![SyntaxErrorKind::DuplicateKey]);
        assert_eq!(kinds_of("{a: 1}"), vec![SyntaxErrorKind::JsonSyntax]);
    }

    #[test]
    fn a_duplicate_key_is_recorded_without_words_until_they_are_written() {
        let text = "{\"a\": 1,\n \"a\\u0062\": 2, \"a\": 3, \"ab\": 4}";
        let mut errors = parse(text).errors;
        assert!(errors.iter().all(|e| e.message.is_empty() && e.unwritten.is_some()), "{errors:?}");
        for e in &mut errors {
            e.write_message(text);
        }
        assert_eq!(
            errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
            [
                "\"a\" is already set on line 1; only this later value is used. Remove one of them.",
                "\"ab\" is already set on line 2; only this later value is used. Remove one of them.",
            ]
        );
    }

    #[test]
    fn unclosed_string_stops_at_end_of_line() {
        let parsed = parse("{\"a\": \"abc\n, \"b\": 1}");
        assert_eq!(parsed.errors[0].kind, SyntaxErrorKind::UnclosedQuote);
        assert_eq!(parsed.root.unwrap().get("b").unwrap().as_i64(), Some(1));
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "{",
            "[",
            "\"",
            "{\"a\"",
            "{\"a\":",
            "[1,,2]",
            "}",
            "{]",
            "[}",
            "tru",
            "-",
            "1e999",
            "\"\\u12\"",
            "/*",
            "{\"é\":ü}",
        ] {
            let _ = parse(s);
        }
        let deep = "[".repeat(10_000);
        let _ = parse(&deep);
    }
}
