//! A tolerant YAML parser for compute specs.
//!
//! It covers what spec files use (block mappings and sequences, flow collections, plain,
//! quoted and block scalars, comments, document markers) with exact byte ranges, and it never
//! fails: a broken or half-typed document still yields a tree, so completion and hover work
//! while the user types. Problems are reported as `SyntaxError`s with the tightest range we can
//! give. Plain scalars resolve as PyYAML (YAML 1.1) resolves them, because that is what the
//! Azure ML CLI and SDK load specs with.

use super::error::{Edit, KeyText, SyntaxError, SyntaxErrorKind, SyntaxFix, UnwrittenDuplicate};
use super::text::TextRange;
use super::tree::{Comment, Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue, TokenKind};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

/// The result of parsing one YAML text.
#[derive(Debug, Default)]
pub struct YamlParse {
    /// `None` for an empty document (only comments or whitespace).
    pub root: Option<Node>,
    pub comments: Vec<Comment>,
    /// The scanner's tokens without their decoded text.
    pub tokens: Vec<super::tree::Token>,
    pub errors: Vec<SyntaxError>,
    /// The aliases expanded into the tree, in source order: every range inside an expanded
    /// value is its alias's, so an edit at one would replace the alias, not the value.
    pub aliases: Vec<TextRange>,
}

pub fn parse(text: &str) -> YamlParse {
    let mut scanner = Scanner::new(text);
    scanner.run();
    let mut parser = Parser {
        text,
        tokens: scanner.tokens,
        pos: 0,
        errors: scanner.errors,
        depth: 0,
        too_deep: false,
        anchor_of_token: scanner.anchors,
        anchors: HashMap::new(),
        expanded: 0,
        expansion_capped: false,
        unexpanded_aliases: std::collections::HashSet::new(),
        expanded_aliases: Vec::new(),
    };
    let root = parser.parse_document();
    let mut errors = std::mem::take(&mut parser.errors);
    errors.sort_by_key(|d| (d.range.start, d.range.end));
    let tokens = parser.tokens.iter().map(Token::slim).collect();
    let mut aliases = parser.expanded_aliases;
    aliases.sort_by_key(|r| r.start());
    YamlParse { root, comments: scanner.comments, tokens, errors, aliases }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Dash,
    Colon,
    /// `? ` before an explicit key (YAML 1.1 §7.4.2; PyYAML writes keys over 128 characters
    /// this way).
    Question,
    /// `*name`: the node anchored `&name` before it.
    Alias(Rc<str>),
    Scalar(ScalarTok),
    FlowSeqStart,
    FlowSeqEnd,
    FlowMapStart,
    FlowMapEnd,
    Comma,
    DocStart,
    DocEnd,
}

/// A scalar token. A plain scalar's text is its range of the source, so scanning copies
/// nothing (a 10 MB file of `key: value` lines would otherwise allocate two strings a line,
/// then copy them again into the tree); the parser reads the text when it builds the node.
/// Quoted and block scalars keep their decoded text, shared so that the parser's many
/// look-aheads copy a pointer, not the text.
#[derive(Clone, Debug, PartialEq)]
enum ScalarTok {
    Plain,
    Decoded(Rc<Scalar>),
}

impl ScalarTok {
    fn style(&self) -> ScalarStyle {
        match self {
            ScalarTok::Plain => ScalarStyle::Plain,
            ScalarTok::Decoded(s) => s.style,
        }
    }

    fn is_quoted(&self) -> bool {
        matches!(self.style(), ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
    }

    /// The scalar's text: for a plain one, the source at `range`.
    fn text<'a>(&'a self, source: &'a str, range: TextRange) -> &'a str {
        match self {
            ScalarTok::Plain => &source[range.start()..range.end()],
            ScalarTok::Decoded(s) => &s.text,
        }
    }

    /// The tree's scalar for this token; a plain one resolves as PyYAML resolves it.
    fn to_scalar(&self, source: &str, range: TextRange) -> Scalar {
        match self {
            ScalarTok::Plain => {
                let raw = &source[range.start()..range.end()];
                Scalar { text: raw.to_string(), style: ScalarStyle::Plain, value: resolve_plain(raw) }
            }
            ScalarTok::Decoded(s) => Scalar::clone(s),
        }
    }
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    range: TextRange,
    line: u32,
    /// Column in indentation units (spaces; a tab in indentation counts as two).
    col: u32,
    first_in_line: bool,
}

impl Token {
    fn slim(&self) -> super::tree::Token {
        let kind = match &self.tok {
            Tok::Dash => TokenKind::Dash,
            Tok::Colon => TokenKind::Colon,
            Tok::Question => TokenKind::Question,
            Tok::Alias(_) => TokenKind::Scalar(ScalarStyle::Plain),
            Tok::Scalar(s) => TokenKind::Scalar(s.style()),
            Tok::FlowSeqStart => TokenKind::FlowSeqStart,
            Tok::FlowSeqEnd => TokenKind::FlowSeqEnd,
            Tok::FlowMapStart => TokenKind::FlowMapStart,
            Tok::FlowMapEnd => TokenKind::FlowMapEnd,
            Tok::Comma => TokenKind::Comma,
            Tok::DocStart => TokenKind::DocStart,
            Tok::DocEnd => TokenKind::DocEnd,
        };
        super::tree::Token { kind, range: self.range }
    }
}

struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    /// Indentation of the current line, for block scalars and flow recovery.
    line_indent: u32,
    /// Whether a token has been emitted on the current line yet.
    line_has_token: bool,
    /// Indentation of the lines where the open flow collections started.
    flow_stack: Vec<u32>,
    /// The last column computed on the current line, as (line start, offset, column): the next
    /// token's column counts on from there, so a long line costs linear, not quadratic, time.
    last_col: Cell<(usize, usize, u32)>,
    /// Where quoted scalars can close, computed once (see `QuoteIndex`).
    quotes: QuoteIndex,
    tokens: Vec<Token>,
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
    /// An anchor (`&name`) waiting for the token that starts the node it labels.
    pending_anchor: Option<(Rc<str>, TextRange)>,
    /// The anchor written before a token (name and where), by the token's index.
    anchors: HashMap<usize, (Rc<str>, TextRange)>,
}

const TAB_WIDTH: u32 = 2;

impl<'t> Scanner<'t> {
    fn new(text: &'t str) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            line: 0,
            line_start: 0,
            line_indent: 0,
            line_has_token: false,
            flow_stack: Vec::new(),
            last_col: Cell::new((usize::MAX, 0, 0)),
            quotes: QuoteIndex::new(text),
            tokens: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
            pending_anchor: None,
            anchors: HashMap::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn is_blank_or_end(&self, ahead: usize) -> bool {
        matches!(self.peek_at(ahead), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
    }

    fn in_flow(&self) -> bool {
        !self.flow_stack.is_empty()
    }

    fn run(&mut self) {
        if self.text.starts_with('\u{feff}') {
            self.pos = 3;
            self.line_start = 3;
        }
        while self.pos < self.bytes.len() {
            self.scan_line_start();
            self.scan_rest_of_line();
        }
    }

    /// Reads a line's indentation, document markers and directives.
    fn scan_line_start(&mut self) {
        let mut indent = 0u32;
        let mut tab_range: Option<TextRange> = None;
        while let Some(b) = self.peek() {
            match b {
                b' ' => indent += 1,
                b'\t' => {
                    indent += TAB_WIDTH;
                    let r = TextRange::empty(self.pos);
                    tab_range = Some(tab_range.map_or(TextRange::new(r.start(), r.start() + 1), |t| {
                        t.cover(TextRange::new(self.pos, self.pos + 1))
                    }));
                }
                _ => break,
            }
            self.pos += 1;
        }
        self.line_indent = indent;
        self.line_has_token = false;
        let at_content = !matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#'));
        if let (Some(tabs), false) = (tab_range, at_content && !self.in_flow()) {
            // PyYAML refuses a tab in the leading blanks of any line it scans: blank lines,
            // comment lines and lines inside a flow collection too.
            let blanks = TextRange::new(self.line_start, self.pos);
            let (title, replacement) = if at_content {
                ("Replace the indentation with spaces", " ".repeat(indent as usize))
            } else {
                ("Remove the blanks before the line's end or comment", String::new())
            };
            self.errors.push(
                SyntaxError::new(
                    SyntaxErrorKind::Tab,
                    tabs,
                    "A tab at the start of this line stops the Azure ML CLI: PyYAML allows tabs only inside quotes, comments and block scalars. Use spaces.",
                )
                .with_fix(SyntaxFix::safe(title, vec![Edit::replace(blanks, replacement)])),
            );
        }
        if let (Some(tabs), true) = (tab_range, at_content && !self.in_flow()) {
            let indentation = TextRange::new(self.line_start, self.pos);
            let spaces = " ".repeat(indent as usize);
            self.errors.push(
                SyntaxError::new(
                    SyntaxErrorKind::TabIndentation,
                    tabs,
                    "Tabs are not allowed in YAML indentation; indent with spaces.",
                )
                .with_fix(SyntaxFix::safe(
                    "Replace the indentation with spaces",
                    vec![Edit::replace(indentation, spaces)],
                )),
            );
        }
        if !at_content {
            return;
        }
        // A line indented no deeper than the line that opened a flow collection ends it:
        // the user most likely forgot the closing bracket.
        if let Some(&flow_indent) = self.flow_stack.first()
            && indent <= flow_indent
            && !matches!(self.peek(), Some(b']' | b'}' | b','))
        {
            self.flow_stack.clear();
        }
        if indent == 0 && self.pos == self.line_start {
            let rest = &self.bytes[self.pos..];
            let marker =
                |m: &[u8]| rest.starts_with(m) && matches!(rest.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
            if marker(b"---") {
                self.push(Tok::DocStart, self.pos, self.pos + 3);
                self.pos += 3;
            } else if marker(b"...") {
                self.push(Tok::DocEnd, self.pos, self.pos + 3);
                self.pos += 3;
            } else if rest.first() == Some(&b'%') {
                // A directive (%YAML, %TAG): nothing in it matters for a spec.
                self.skip_to_line_end();
            }
        }
    }

    fn skip_to_line_end(&mut self) {
        while let Some(b) = self.peek() {
            if b == b'\n' {
                break;
            }
            self.pos += 1;
        }
    }

    fn newline(&mut self) {
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    fn col_of(&self, offset: usize) -> u32 {
        // Indentation is spaces (tabs already reported), so for the first token on a line the
        // column is the indentation; later tokens count characters.
        if !self.line_has_token {
            return self.line_indent;
        }
        let (cached_line, cached_offset, cached_col) = self.last_col.get();
        let col = if cached_line == self.line_start && cached_offset <= offset {
            cached_col + self.text[cached_offset..offset].chars().count() as u32
        } else {
            let prefix = &self.text[self.line_start..offset];
            let leading: u32 = prefix
                .bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .map(|b| if b == b'\t' { TAB_WIDTH } else { 1 })
                .sum();
            let skipped = prefix.bytes().take_while(|b| *b == b' ' || *b == b'\t').count();
            leading + prefix[skipped..].chars().count() as u32
        };
        // Tokens start after the indentation, so counting on from here counts characters only.
        self.last_col.set((self.line_start, offset, col));
        col
    }

    fn push(&mut self, tok: Tok, start: usize, end: usize) {
        let col = self.col_of(start);
        let first_in_line = !self.line_has_token;
        self.line_has_token = true;
        self.attach_anchor();
        self.tokens.push(Token { tok, range: TextRange::new(start, end), line: self.line, col, first_in_line });
    }

    fn scan_rest_of_line(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => {
                    self.newline();
                    return;
                }
                b'\t' => self.report_tabs(),
                b' ' | b'\r' => self.pos += 1,
                b'#' => self.scan_comment(),
                b'-' if !self.in_flow() && self.is_blank_or_end(1) => {
                    self.push(Tok::Dash, self.pos, self.pos + 1);
                    self.pos += 1;
                }
                b':' if self.is_blank_or_end(1)
                    || (self.in_flow() && matches!(self.peek_at(1), Some(b',' | b']' | b'}')))
                    || self.follows_quoted_scalar() =>
                {
                    self.push(Tok::Colon, self.pos, self.pos + 1);
                    self.pos += 1;
                }
                b'[' | b'{' => {
                    let tok = if b == b'[' { Tok::FlowSeqStart } else { Tok::FlowMapStart };
                    self.push(tok, self.pos, self.pos + 1);
                    self.flow_stack.push(self.line_indent);
                    self.pos += 1;
                }
                b']' | b'}' if self.in_flow() => {
                    let tok = if b == b']' { Tok::FlowSeqEnd } else { Tok::FlowMapEnd };
                    self.push(tok, self.pos, self.pos + 1);
                    self.flow_stack.pop();
                    self.pos += 1;
                }
                b',' if self.in_flow() => {
                    self.push(Tok::Comma, self.pos, self.pos + 1);
                    self.pos += 1;
                }
                b'"' | b'\'' => self.scan_quoted(b),
                b'|' | b'>' if !self.in_flow() => self.scan_block_scalar(b),
                b'&' | b'!' => self.scan_node_property(b),
                b'*' => self.scan_alias(),
                b'?' if self.is_blank_or_end(1) => {
                    self.push(Tok::Question, self.pos, self.pos + 1);
                    self.pos += 1;
                }
                _ => self.scan_plain(),
            }
        }
    }

    /// Reports the run of blanks with a tab at `pos` and moves past it. PyYAML's scanner skips
    /// only spaces between tokens (`scan_to_next_token`, `scan_plain_spaces`,
    /// `scan_block_scalar_ignored_line` in PyYAML 6.0.4 `scanner.py`), so a tab after `:`, after
    /// a value, between flow items or after a block scalar indicator stops the CLI with "found
    /// character '\\t' that cannot start any token". Tabs inside quotes, comments and block
    /// scalar text are fine.
    fn report_tabs(&mut self) {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        let range = TextRange::new(start, self.pos);
        let at_line_end = matches!(self.peek(), None | Some(b'\n' | b'\r'));
        let (title, replacement) =
            if at_line_end { ("Remove the trailing tab", "") } else { ("Replace the tab with a space", " ") };
        self.errors.push(
            SyntaxError::new(
                SyntaxErrorKind::Tab,
                range,
                "A tab here stops the Azure ML CLI: PyYAML allows tabs only inside quotes, comments and block scalars (\"found character '\\t' that cannot start any token\"). Use a space.",
            )
            .with_fix(SyntaxFix::safe(title, vec![Edit::replace(range, replacement)])),
        );
    }

    fn follows_quoted_scalar(&self) -> bool {
        matches!(
            self.tokens.last(),
            Some(Token { tok: Tok::Scalar(s), range, .. })
                if s.is_quoted() && range.end() == self.pos
        )
    }

    fn scan_comment(&mut self) {
        let start = self.pos;
        self.skip_to_line_end();
        let mut end = self.pos;
        if end > start && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.comments.push(Comment { range: TextRange::new(start, end), text: self.text[start + 1..end].to_string() });
    }

    fn scan_node_property(&mut self, marker: u8) {
        let start = self.pos;
        // A verbatim tag (`!<tag:yaml.org,2002:str>`) may hold commas; it ends at `>`.
        if marker == b'!' && self.peek_at(1) == Some(b'<') {
            while let Some(b) = self.peek() {
                if matches!(b, b'\n' | b'\r') {
                    break;
                }
                self.pos += 1;
                if b == b'>' {
                    break;
                }
            }
        }
        while let Some(b) = self.peek() {
            if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}') {
                break;
            }
            self.pos += 1;
        }
        let property = &self.text[start..self.pos];
        if marker == b'!' && !safe_loader_constructs(property) {
            let range = TextRange::new(start, self.pos);
            // The tag and the blanks after it, so removing it leaves the value in place.
            let blanks = self.bytes[self.pos..].iter().take_while(|b| **b == b' ').count();
            self.errors.push(
                SyntaxError::new(
                    SyntaxErrorKind::UnknownTag,
                    range,
                    format!(
                        "The Azure ML CLI cannot read the tag `{property}`: PyYAML's safe loader has no constructor for it (\"could not determine a constructor for the tag\"). Write the value itself, without a tag."
                    ),
                )
                .with_fix(SyntaxFix::new(
                    format!("Remove the tag `{property}`"),
                    vec![Edit::delete(TextRange::new(start, self.pos + blanks))],
                )),
            );
            return;
        }
        if marker == b'&' {
            let name = &self.text[start + 1..self.pos];
            if name.is_empty() {
                self.errors.push(SyntaxError::new(
                    SyntaxErrorKind::YamlSyntax,
                    TextRange::new(start, self.pos),
                    "An anchor needs a name right after `&` (`&defaults`); the Azure ML CLI fails on an empty one.",
                ));
            } else {
                self.pending_anchor = Some((Rc::from(name), TextRange::new(start, self.pos)));
            }
            return;
        }
        self.errors.push(SyntaxError::new(
            SyntaxErrorKind::UnsupportedYaml,
            TextRange::new(start, self.pos),
            format!(
                "Tags (`{}`) are not used by compute specs; aml-compute-ls ignores it and checks the value as written.",
                &self.text[start..self.pos]
            ),
        ));
    }

    /// Gives the waiting anchor to the token about to be pushed.
    fn attach_anchor(&mut self) {
        if let Some(name) = self.pending_anchor.take() {
            self.anchors.insert(self.tokens.len(), name);
        }
    }

    fn scan_alias(&mut self) {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}') {
                break;
            }
            self.pos += 1;
        }
        let name: Rc<str> = Rc::from(&self.text[start + 1..self.pos]);
        self.push(Tok::Alias(name), start, self.pos);
    }

    fn scan_plain(&mut self) {
        let start = self.pos;
        let in_flow = self.in_flow();
        let mut end = self.pos;
        while let Some(b) = self.peek() {
            match b {
                b'\n' | b'\r' => break,
                b':' if self.is_blank_or_end(1) => break,
                b':' if in_flow && matches!(self.peek_at(1), Some(b',' | b']' | b'}' | b'[' | b'{')) => break,
                b'#' if self.pos > start && matches!(self.bytes[self.pos - 1], b' ' | b'\t') => break,
                b',' | b'[' | b']' | b'{' | b'}' if in_flow => break,
                _ => {}
            }
            self.pos += 1;
            if !matches!(b, b' ' | b'\t') {
                end = self.pos;
            }
        }
        // Multi-byte characters: `end` always lands after an ASCII byte or at a char end since
        // we only stop on ASCII bytes, so the slice is on char boundaries.
        self.pos = end.max(start + 1).min(self.bytes.len());
        while !self.text.is_char_boundary(self.pos) {
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        // A tab inside a plain scalar ends it for PyYAML, and the scanner then fails on the tab.
        let mut at = 0;
        while let Some(tab) = raw[at..].find('\t') {
            let first = start + at + tab;
            let run_start = start + raw[..at + tab].trim_end_matches([' ', '\t']).len();
            let run_end = first + raw[at + tab..].len() - raw[at + tab..].trim_start_matches([' ', '\t']).len();
            let range = TextRange::new(run_start.min(first), run_end);
            self.errors.push(
                SyntaxError::new(
                    SyntaxErrorKind::Tab,
                    range,
                    "A tab inside unquoted text stops the Azure ML CLI: PyYAML ends the text at the tab and then fails on it (\"found character '\\t' that cannot start any token\"). Quote the text or use a space.",
                )
                .with_fix(SyntaxFix::safe("Replace the tab with a space", vec![Edit::replace(range, " ")])),
            );
            at = run_end - start;
        }
        self.push(Tok::Scalar(ScalarTok::Plain), start, self.pos);
    }

    fn scan_quoted(&mut self, quote: u8) {
        let start = self.pos;
        let open_line = self.line;
        let open_line_indent = self.line_indent;
        let first_in_line = !self.line_has_token;
        let col = self.col_of(start);
        match self.find_closing_quote(quote) {
            Some(close) => {
                let body = &self.text[start + 1..close];
                let text = if quote == b'"' { unescape_double(body) } else { unescape_single(body) };
                // Count the lines the scalar spans so later tokens keep correct line numbers.
                let newlines = body.bytes().filter(|b| *b == b'\n').count();
                if newlines > 0 {
                    self.line += newlines as u32;
                    self.line_start = start + 1 + body.rfind('\n').unwrap() + 1;
                    self.line_indent = open_line_indent;
                }
                self.pos = close + 1;
                let style = if quote == b'"' { ScalarStyle::DoubleQuoted } else { ScalarStyle::SingleQuoted };
                self.line_has_token = true;
                self.attach_anchor();
                self.tokens.push(Token {
                    tok: Tok::Scalar(ScalarTok::Decoded(Rc::new(Scalar { text, style, value: ScalarValue::Str }))),
                    range: TextRange::new(start, self.pos),
                    line: open_line,
                    col,
                    first_in_line,
                });
            }
            None => {
                self.skip_to_line_end();
                let mut end = self.pos;
                if end > start && self.bytes[end - 1] == b'\r' {
                    end -= 1;
                }
                let q = quote as char;
                self.errors.push(
                    SyntaxError::new(
                        SyntaxErrorKind::UnclosedQuote,
                        TextRange::new(start, end),
                        format!("This string opens with {q} but never closes; add {q} at its end."),
                    )
                    .with_fix(SyntaxFix::preferred(
                        format!("Close the string with {q}"),
                        vec![Edit::insert(end, q.to_string())],
                    )),
                );
                let body = &self.text[(start + 1).min(end)..end];
                let style = if quote == b'"' { ScalarStyle::DoubleQuoted } else { ScalarStyle::SingleQuoted };
                self.push(
                    Tok::Scalar(ScalarTok::Decoded(Rc::new(Scalar {
                        text: body.to_string(),
                        style,
                        value: ScalarValue::Str,
                    }))),
                    start,
                    end,
                );
            }
        }
    }

    /// Finds the closing quote. A quoted string may span lines, but only while the following
    /// lines do not look like new mapping entries at or left of the opening line's
    /// indentation; otherwise the quote is treated as unclosed on its own line, so one missing
    /// quote does not swallow the rest of the file. Both searches use the precomputed
    /// `QuoteIndex`, so many unclosed quotes over a long indented tail stay linear.
    fn find_closing_quote(&self, quote: u8) -> Option<usize> {
        let close = self.quotes.closing(self.bytes, self.pos, quote)?;
        let stop = self.quotes.next_line_at_or_left_of(self.pos, self.line_indent);
        (close < stop).then_some(close)
    }

    fn scan_block_scalar(&mut self, indicator: u8) {
        let start = self.pos;
        self.pos += 1;
        let mut chomp = b' ';
        let mut explicit_indent: Option<u32> = None;
        while let Some(b) = self.peek() {
            match b {
                b'-' | b'+' => chomp = b,
                b'1'..=b'9' => explicit_indent = Some((b - b'0') as u32),
                _ => break,
            }
            self.pos += 1;
        }
        // Rest of the header line: only whitespace and a comment may follow.
        while let Some(b) = self.peek() {
            match b {
                b'\t' => self.report_tabs(),
                b' ' | b'\r' => self.pos += 1,
                b'#' => self.scan_comment(),
                b'\n' => break,
                _ => {
                    let s = self.pos;
                    self.skip_to_line_end();
                    self.errors.push(SyntaxError::new(
                        SyntaxErrorKind::YamlSyntax,
                        TextRange::new(s, self.pos),
                        "Text after a block scalar indicator must go on the following, indented lines.",
                    ));
                }
            }
        }
        let parent_indent = self.line_indent;
        let header_line = self.line;
        let header_col = self.col_of(start);
        let first_in_line = !self.line_has_token;
        let mut lines: Vec<&str> = Vec::new();
        let mut content_indent = explicit_indent.map(|n| parent_indent + n);
        let mut end = self.pos;
        // Consume following lines that are blank or indented deeper than the parent.
        let mut cursor = self.pos;
        loop {
            if cursor >= self.bytes.len() || self.bytes[cursor] != b'\n' {
                break;
            }
            let line_begin = cursor + 1;
            let line_end = self.text[line_begin..].find('\n').map_or(self.bytes.len(), |i| line_begin + i);
            let line = self.text[line_begin..line_end].trim_end_matches('\r');
            let indent = line.bytes().take_while(|b| *b == b' ').count() as u32;
            let blank = line.trim().is_empty();
            if !blank {
                if indent <= parent_indent {
                    break;
                }
                let ci = *content_indent.get_or_insert(indent);
                if indent < ci {
                    break;
                }
                end = line_begin + line.len();
            }
            lines.push(line);
            cursor = line_end;
            self.line += 1;
            self.line_start = line_begin;
        }
        let ci = content_indent.unwrap_or(parent_indent + 1) as usize;
        // Trailing blank lines belong to the chomping, not to the content.
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        let body: Vec<&str> = lines.iter().map(|l| if l.len() >= ci { &l[ci..] } else { "" }).collect();
        let mut text = if indicator == b'|' { body.join("\n") } else { fold_lines(&body) };
        if chomp != b'-' && !text.is_empty() {
            text.push('\n');
        }
        let style = if indicator == b'|' { ScalarStyle::Literal } else { ScalarStyle::Folded };
        self.pos = end.max(self.pos);
        // Move to the end of the last consumed line so the main loop continues after it.
        if cursor > self.pos {
            self.pos = cursor;
        }
        self.line_has_token = true;
        self.attach_anchor();
        self.tokens.push(Token {
            tok: Tok::Scalar(ScalarTok::Decoded(Rc::new(Scalar { text, style, value: ScalarValue::Str }))),
            range: TextRange::new(start, end.max(start + 1)),
            line: header_line,
            col: header_col,
            first_in_line,
        });
    }
}

fn fold_lines(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut pending_newlines = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            pending_newlines += 1;
            continue;
        }
        if i > 0 {
            if pending_newlines > 0 {
                out.push_str(&"\n".repeat(pending_newlines));
            } else {
                out.push(' ');
            }
        }
        pending_newlines = 0;
        out.push_str(line);
    }
    out
}

fn unescape_single(body: &str) -> String {
    fold_flow_lines(&body.replace("''", "'"))
}

fn unescape_double(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else { break };
        match e {
            'n' => out.push('\n'),
            't' | '\t' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'e' => out.push('\u{1b}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            'N' => out.push('\u{85}'),
            '_' => out.push('\u{a0}'),
            'L' => out.push('\u{2028}'),
            'P' => out.push('\u{2029}'),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            '\n' => {
                // An escaped line break joins the lines without a space.
                while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                    chars.next();
                }
            }
            other => out.push(other),
        }
    }
    fold_flow_lines(&out)
}

/// Folds line breaks inside a multi-line quoted scalar: a single break becomes a space,
/// and each empty line a newline.
fn fold_flow_lines(text: &str) -> String {
    if !text.contains('\n') {
        return text.to_string();
    }
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_matches([' ', '\t', '\r'])).collect();
    fold_lines(&lines)
}

/// Whether PyYAML 6.0.4's `SafeConstructor` builds a value for the tag written `property`:
/// the non-specific `!`, and the YAML 1.1 types it registers (`constructor.py`: null, bool,
/// int, float, binary, timestamp, omap, pairs, set, str, seq, map), as `!!type` or verbatim
/// `!<tag:yaml.org,2002:type>`. Any other tag (`!Ref`, `!!python/object`) is a
/// `ConstructorError`.
fn safe_loader_constructs(property: &str) -> bool {
    const TYPES: [&str; 12] =
        ["null", "bool", "int", "float", "binary", "timestamp", "omap", "pairs", "set", "str", "seq", "map"];
    let name = if property == "!" {
        return true;
    } else if let Some(verbatim) = property.strip_prefix("!<").and_then(|v| v.strip_suffix('>')) {
        verbatim.strip_prefix("tag:yaml.org,2002:")
    } else {
        property.strip_prefix("!!")
    };
    name.is_some_and(|n| TYPES.contains(&n))
}

/// Resolves a plain scalar as PyYAML's YAML 1.1 resolver does.
pub fn resolve_plain(raw: &str) -> ScalarValue {
    match raw {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarValue::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return ScalarValue::Bool(true);
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return ScalarValue::Bool(false);
        }
        _ => {}
    }
    if let Some(n) = resolve_int(raw) {
        return ScalarValue::Int(n);
    }
    if let Some(f) = resolve_float(raw) {
        return ScalarValue::Float(f);
    }
    ScalarValue::Str
}

fn split_sign(raw: &str) -> (i64, &str) {
    match raw.as_bytes().first() {
        Some(b'-') => (-1, &raw[1..]),
        Some(b'+') => (1, &raw[1..]),
        _ => (1, raw),
    }
}

fn resolve_int(raw: &str) -> Option<i64> {
    let (sign, body) = split_sign(raw);
    if body.is_empty() {
        return None;
    }
    let digits = |s: &str, radix: u32| -> Option<i64> {
        // Copied only when it has `_`, so reading `1` allocates nothing.
        let cleaned = without_underscores(s);
        if cleaned.is_empty() {
            return None;
        }
        i64::from_str_radix(&cleaned, radix).ok()
    };
    let value = if let Some(bin) = body.strip_prefix("0b") {
        digits(bin, 2)?
    } else if let Some(hex) = body.strip_prefix("0x") {
        digits(hex, 16)?
    } else if body.len() > 1 && body.starts_with('0') {
        if !body.bytes().all(|b| matches!(b, b'0'..=b'7' | b'_')) {
            return None;
        }
        digits(&body[1..], 8)?
    } else if body.contains(':') {
        // Sexagesimal (base 60), e.g. `1:30` is 90. Rare, but PyYAML reads it that way.
        let mut total: i64 = 0;
        for (i, part) in body.split(':').enumerate() {
            let ok_first = i == 0 && part.bytes().next().is_some_and(|b| (b'1'..=b'9').contains(&b));
            let ok_rest = i > 0 && (1..=2).contains(&part.len()) && part.parse::<u8>().is_ok_and(|v| v < 60);
            if !(ok_first || ok_rest) || !part.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
                return None;
            }
            total = total.checked_mul(60)?.checked_add(digits(part, 10)?)?;
        }
        total
    } else {
        if !body.bytes().next().is_some_and(|b| b.is_ascii_digit())
            || !body.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        {
            return None;
        }
        digits(body, 10)?
    };
    Some(sign * value)
}

fn resolve_float(raw: &str) -> Option<f64> {
    let (sign, body) = split_sign(raw);
    match body {
        ".inf" | ".Inf" | ".INF" => return Some(sign as f64 * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if sign == 1 && !raw.starts_with('+') => return Some(f64::NAN),
        _ => {}
    }
    // PyYAML needs a dot, allows `_`, and needs a sign in the exponent.
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let dot = mantissa.find('.')?;
    let (int_part, frac_part) = (&mantissa[..dot], &mantissa[dot + 1..]);
    let int_ok = int_part.is_empty()
        || (int_part.bytes().next().is_some_and(|b| b.is_ascii_digit())
            && int_part.bytes().all(|b| b.is_ascii_digit() || b == b'_'));
    let frac_ok = frac_part.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !int_ok || !frac_ok || (int_part.is_empty() && frac_part.is_empty()) {
        return None;
    }
    if let Some(exp) = exponent {
        let exp_ok = matches!(exp.as_bytes().first(), Some(b'+' | b'-'))
            && exp.len() > 1
            && exp[1..].bytes().all(|b| b.is_ascii_digit());
        if !exp_ok {
            return None;
        }
    }
    without_underscores(body).parse::<f64>().ok().map(|f| sign as f64 * f)
}

/// The digits of a YAML 1.1 number without its `_` separators.
fn without_underscores(digits: &str) -> Cow<'_, str> {
    if digits.contains('_') { Cow::Owned(digits.replace('_', "")) } else { Cow::Borrowed(digits) }
}

/// A plain scalar PyYAML reads as a date or a timestamp: the fields of its
/// `tag:yaml.org,2002:timestamp` pattern (PyYAML 6.0.4 `resolver.py`, the YAML 1.1 timestamp
/// type), before range checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    /// `None` for a date (`2024-05-01`).
    pub time: Option<TimeOfDay>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOfDay {
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Microseconds: PyYAML keeps the first six fraction digits.
    pub micros: u32,
    /// Offset from UTC in minutes; `None` when the text gives no zone.
    pub offset_minutes: Option<i32>,
}

impl Timestamp {
    /// Why PyYAML's constructor (Python's `datetime`) refuses these fields, if it does.
    pub fn invalid_reason(&self) -> Option<&'static str> {
        let leap = self.year.is_multiple_of(4) && (!self.year.is_multiple_of(100) || self.year.is_multiple_of(400));
        let days = match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Some("month must be in 1..12"),
        };
        if self.year == 0 {
            return Some("year 0 is out of range");
        }
        if self.day == 0 || self.day > days {
            return Some("day is out of range for month");
        }
        let t = self.time?;
        if t.hour > 23 {
            return Some("hour must be in 0..23");
        }
        if t.minute > 59 {
            return Some("minute must be in 0..59");
        }
        if t.second > 59 {
            return Some("second must be in 0..59");
        }
        None
    }

    /// The value as Python's `isoformat()` prints the `date` or `datetime` PyYAML builds.
    pub fn isoformat(&self) -> String {
        let date = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        let Some(t) = self.time else { return date };
        let mut out = format!("{date}T{:02}:{:02}:{:02}", t.hour, t.minute, t.second);
        if t.micros != 0 {
            out.push_str(&format!(".{:06}", t.micros));
        }
        if let Some(offset) = t.offset_minutes {
            let sign = if offset < 0 { '-' } else { '+' };
            out.push_str(&format!("{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60));
        }
        out
    }
}

/// Reads `raw` as PyYAML's timestamp pattern does:
/// `YYYY-MM-DD`, or `YYYY-M-D` then `T`/`t`/blanks, `H:MM:SS`, an optional `.fraction` and an
/// optional zone (`Z`, `+H`, `-HH:MM`, after optional blanks). `None` when it is not one.
pub fn resolve_timestamp(raw: &str) -> Option<Timestamp> {
    let b = raw.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, min: usize, max: usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i - start < min {
            return None;
        }
        raw[start..*i].parse().ok()
    };
    let expect = |i: &mut usize, c: u8| -> Option<()> { (b.get(*i) == Some(&c)).then(|| *i += 1) };
    let year = digits(&mut i, 4, 4)?;
    expect(&mut i, b'-')?;
    let month_start = i;
    let month = digits(&mut i, 1, 2)?;
    let month_len = i - month_start;
    expect(&mut i, b'-')?;
    let day_start = i;
    let day = digits(&mut i, 1, 2)?;
    let day_len = i - day_start;
    if i == b.len() {
        // A date alone needs two-digit month and day.
        return (month_len == 2 && day_len == 2).then_some(Timestamp { year, month, day, time: None });
    }
    match b[i] {
        b'T' | b't' => i += 1,
        b' ' | b'\t' => {
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        }
        _ => return None,
    }
    let hour = digits(&mut i, 1, 2)?;
    expect(&mut i, b':')?;
    let minute = digits(&mut i, 2, 2)?;
    expect(&mut i, b':')?;
    let second = digits(&mut i, 2, 2)?;
    let mut micros = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let fraction = &raw[start..i];
        let six: String = fraction.chars().chain(std::iter::repeat('0')).take(6).collect();
        micros = six.parse().unwrap_or(0);
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let mut offset_minutes = None;
    match b.get(i) {
        None => {
            if raw.ends_with([' ', '\t']) {
                return None;
            }
        }
        Some(b'Z') => {
            i += 1;
            offset_minutes = Some(0);
        }
        Some(&sign @ (b'+' | b'-')) => {
            i += 1;
            let hours = digits(&mut i, 1, 2)? as i32;
            let mut minutes = 0;
            if b.get(i) == Some(&b':') {
                i += 1;
                minutes = digits(&mut i, 2, 2)? as i32;
            }
            let total = hours * 60 + minutes;
            offset_minutes = Some(if sign == b'-' { -total } else { total });
        }
        _ => return None,
    }
    if i != b.len() {
        return None;
    }
    Some(Timestamp { year, month, day, time: Some(TimeOfDay { hour, minute, second, micros, offset_minutes }) })
}

/// Where quoted scalars can end, computed once per text in linear time.
///
/// A double-quoted scalar ends at a `"` preceded by an even run of backslashes (YAML 1.1
/// §4.6.8: `\` escapes the next character); a single-quoted one at the last quote of an odd
/// run of `'` (§4.6.7: `''` is an escaped quote). Both facts are local to the run, so they hold
/// whatever the opening quote's position. A scalar also cannot continue past a non-blank line
/// indented at or left of the line that opened it (our recovery rule, see
/// `find_closing_quote`).
struct QuoteIndex {
    /// Offsets of the `"` that close a double-quoted scalar, ascending.
    double_closers: Vec<u32>,
    /// Offsets of the `'` that close a single-quoted scalar opened before its run, ascending.
    single_closers: Vec<u32>,
    /// Start offsets of the non-blank lines and their indentation (spaces).
    line_starts: Vec<u32>,
    /// A min-segment tree over `line_indents` for "the next line indented at most n".
    indent_tree: Vec<u32>,
    leaves: usize,
}

impl QuoteIndex {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut double_closers = Vec::new();
        let mut single_closers = Vec::new();
        let mut backslashes = 0usize;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => backslashes += 1,
                b'"' => {
                    if backslashes.is_multiple_of(2) {
                        double_closers.push(i as u32);
                    }
                    backslashes = 0;
                }
                b'\'' => {
                    let run = bytes[i..].iter().take_while(|b| **b == b'\'').count();
                    if run % 2 == 1 {
                        single_closers.push((i + run - 1) as u32);
                    }
                    backslashes = 0;
                    i += run;
                    continue;
                }
                _ => backslashes = 0,
            }
            i += 1;
        }
        let mut line_starts = Vec::new();
        let mut line_indents = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let indent = bytes[at..].iter().take_while(|b| **b == b' ').count();
            let blank = matches!(bytes.get(at + indent), None | Some(b'\n' | b'\r'));
            if !blank {
                line_starts.push(at as u32);
                line_indents.push(indent as u32);
            }
            match memchr_newline(&bytes[at..]) {
                Some(n) => at += n + 1,
                None => break,
            }
        }
        let leaves = line_indents.len().next_power_of_two().max(1);
        let mut indent_tree = vec![u32::MAX; 2 * leaves];
        indent_tree[leaves..leaves + line_indents.len()].copy_from_slice(&line_indents);
        for node in (1..leaves).rev() {
            indent_tree[node] = indent_tree[2 * node].min(indent_tree[2 * node + 1]);
        }
        QuoteIndex { double_closers, single_closers, line_starts, indent_tree, leaves }
    }

    /// The offset of the quote that closes the scalar opened at `open`, ignoring line limits.
    fn closing(&self, bytes: &[u8], open: usize, quote: u8) -> Option<usize> {
        let after = open + 1;
        if quote == b'\'' {
            // The opening quote may start a run (`'''a'`): the run after it is read on its own.
            let run = bytes[after..].iter().take_while(|b| **b == b'\'').count();
            if run % 2 == 1 {
                return Some(after + run - 1);
            }
            let from = after + run;
            let i = self.single_closers.partition_point(|c| (*c as usize) < from);
            // A closer inside the opening run belongs to that run, already handled above.
            return self.single_closers.get(i).map(|c| *c as usize);
        }
        let i = self.double_closers.partition_point(|c| (*c as usize) < after);
        self.double_closers.get(i).map(|c| *c as usize)
    }

    /// The start of the first non-blank line after the one holding `offset` whose indentation
    /// is at most `indent`, or the end of the text.
    fn next_line_at_or_left_of(&self, offset: usize, indent: u32) -> usize {
        let first = self.line_starts.partition_point(|s| (*s as usize) <= offset);
        match self.first_leaf_at_most(first, indent) {
            Some(line) => self.line_starts[line] as usize,
            None => usize::MAX,
        }
    }

    /// The first leaf at or after `from` whose value is at most `limit`, in O(log n).
    fn first_leaf_at_most(&self, from: usize, limit: u32) -> Option<usize> {
        if from >= self.leaves {
            return None;
        }
        let mut node = from + self.leaves;
        // Climb until a right part of the tree holds a small enough value.
        if self.indent_tree[node] > limit {
            loop {
                if node == 1 {
                    return None;
                }
                if node.is_multiple_of(2) && self.indent_tree[node + 1] <= limit {
                    node += 1;
                    break;
                }
                node /= 2;
            }
        }
        // Descend to the leftmost such leaf.
        while node < self.leaves {
            node = if self.indent_tree[2 * node] <= limit { 2 * node } else { 2 * node + 1 };
        }
        Some(node - self.leaves)
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'\n')
}

/// How deep collections may nest. Compute specs nest less than ten levels; the limit keeps
/// every recursive walk over the tree (checks, completion, hover, drop) within a small stack.
pub const MAX_NESTING: usize = super::MAX_NESTING;

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
    errors: Vec<SyntaxError>,
    /// Collections open around the current token.
    depth: usize,
    /// Whether the one "nested too deeply" diagnostic has been given.
    too_deep: bool,
    /// The anchor (`&name`) written before a token, by the token's index (from the scanner).
    anchor_of_token: HashMap<usize, (Rc<str>, TextRange)>,
    /// The nodes anchored so far, by name; a later anchor of the same name replaces an earlier
    /// one, as in PyYAML.
    anchors: HashMap<Rc<str>, Rc<Anchored>>,
    /// Values copied by alias expansion so far (see `MAX_ALIAS_EXPANSION`).
    expanded: usize,
    /// Whether the one "aliases expand too far" diagnostic has been given.
    expansion_capped: bool,
    /// Aliases left as text (undefined, or past the expansion cap): not a merge error too.
    unexpanded_aliases: std::collections::HashSet<usize>,
    /// The aliases expanded into the tree.
    expanded_aliases: Vec<TextRange>,
}

/// The entries without those a later duplicate key overrides (indices from `check_duplicate`).
fn drop_overridden(mut entries: Vec<Entry>, overridden: &[usize]) -> Vec<Entry> {
    if overridden.is_empty() {
        return entries;
    }
    let mut drop = vec![false; entries.len()];
    for i in overridden {
        drop[*i] = true;
    }
    // In place: a mapping of two million repeats is not copied into a new vector.
    let mut index = 0;
    entries.retain(|_| {
        index += 1;
        !drop[index - 1]
    });
    entries
}

/// A node an anchor labels, with what expanding it costs.
struct Anchored {
    node: Node,
    /// Values in it (scalars, collections and mapping entries).
    size: usize,
    /// Collections nested in it, itself included.
    depth: usize,
}

/// How many values alias expansion may copy into one document. Real specs alias a few
/// settings; a "billion laughs" file (each anchor aliasing the previous one ten times) would
/// otherwise grow exponentially. Past the cap, aliases stay unexpanded (one AML011 says so), so
/// parsing stays linear in the text plus this constant.
pub const MAX_ALIAS_EXPANSION: usize = 10_000;

/// The number of values in `node` and how deeply its collections nest. The tree is at most
/// `MAX_NESTING` deep, so the recursion is bounded.
fn measure(node: &Node) -> (usize, usize) {
    match &node.kind {
        NodeKind::Mapping(entries) => entries.iter().fold((1, 1), |(size, depth), e| {
            let (s, d) = measure(&e.value);
            (size + 1 + s, depth.max(d + 1))
        }),
        NodeKind::Sequence(items) => items.iter().fold((1, 1), |(size, depth), item| {
            let (s, d) = measure(item);
            (size + s, depth.max(d + 1))
        }),
        NodeKind::Scalar(_) | NodeKind::Missing => (1, 0),
    }
}

/// A copy of `node` whose every range is `at` (the alias), so findings about an aliased value
/// point where it is used.
fn relocated(node: &Node, at: TextRange) -> Node {
    let kind = match &node.kind {
        NodeKind::Mapping(entries) => NodeKind::Mapping(
            entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_range: at,
                    value: relocated(&e.value, at),
                    has_colon: e.has_colon,
                })
                .collect(),
        ),
        NodeKind::Sequence(items) => NodeKind::Sequence(items.iter().map(|i| relocated(i, at)).collect()),
        other => other.clone(),
    };
    Node { kind, range: at }
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.pos + ahead)
    }

    fn advance(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn last_end(&self) -> usize {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)).map_or(0, |t| t.range.end())
    }

    fn error(&mut self, code: SyntaxErrorKind, range: TextRange, message: impl Into<String>) {
        self.errors.push(SyntaxError::new(code, range, message));
    }

    /// True when the token at `ahead` is a scalar followed by a colon on the same line: a key.
    fn is_key_at(&self, ahead: usize) -> bool {
        match (self.peek_at(ahead), self.peek_at(ahead + 1)) {
            (Some(Token { tok: Tok::Scalar(_), line, .. }), Some(Token { tok: Tok::Colon, line: l2, .. })) => {
                line == l2
            }
            _ => false,
        }
    }

    fn parse_document(&mut self) -> Option<Node> {
        if matches!(self.peek().map(|t| &t.tok), Some(Tok::DocStart)) {
            self.advance();
        }
        let mut root: Option<Node> = None;
        while let Some(t) = self.peek() {
            match t.tok {
                Tok::DocEnd => {
                    self.advance();
                }
                Tok::DocStart => {
                    let range = t.range;
                    let end = self.text.len();
                    self.errors.push(
                        SyntaxError::new(
                            SyntaxErrorKind::MultipleDocuments,
                            range,
                            "A compute spec file holds one YAML document; `---` starts a second one here. Put each compute in its own file.",
                        )
                        .with_fix(SyntaxFix::new(
                            "Remove the second document",
                            vec![Edit::delete(TextRange::new(range.start(), end))],
                        )),
                    );
                    break;
                }
                _ if root.is_none() => root = Some(self.parse_node(-1)),
                _ => {
                    let previous = root.take().unwrap();
                    let at = t.range;
                    let is_key_line = self.is_key_at(0);
                    if let (NodeKind::Scalar(_), true) = (&previous.kind, is_key_line) {
                        // A plain value on its own line followed by `key: value` lines. The
                        // classic case is a `$schema:` key that was lost from line one.
                        let colon = self.peek_at(1).unwrap().range;
                        let mut diagnostic = SyntaxError::new(
                            SyntaxErrorKind::YamlSyntax,
                            colon,
                            "Mapping values are not allowed here: the lines above are a plain value, not a `key: value` entry.",
                        );
                        if previous.scalar_text().is_some_and(|s| s.ends_with(".schema.json")) {
                            diagnostic = diagnostic.with_fix(SyntaxFix::preferred(
                                "Add the missing `$schema:` key",
                                vec![Edit::insert(previous.range.start(), "$schema: ")],
                            ));
                        }
                        self.errors.push(diagnostic);
                        root = Some(self.parse_node(-1));
                    } else {
                        let message = if matches!(t.tok, Tok::Colon) {
                            "Mapping values are not allowed here; is this line indented wrongly?"
                        } else {
                            "Unexpected content after the end of the document's top-level value."
                        };
                        self.error(SyntaxErrorKind::YamlSyntax, at, message);
                        let before = self.pos;
                        let _ = self.parse_node(-1);
                        if self.pos == before {
                            self.advance();
                        }
                        root = Some(previous);
                    }
                }
            }
        }
        root
    }

    /// Parses the node starting at the next token (see `parse_unlabelled_node`) and keeps it
    /// under the anchor written before that token, if any.
    fn parse_node(&mut self, parent_indent: i64) -> Node {
        let first = self.pos;
        let node = self.parse_unlabelled_node(parent_indent);
        if self.pos > first {
            self.label(first, &node);
        }
        node
    }

    /// The value an alias stands for, as PyYAML's composer gives it: a copy of the anchored
    /// node. An undefined alias is an error (PyYAML: "found undefined alias"); past
    /// `MAX_ALIAS_EXPANSION` or `MAX_NESTING` the alias stays unexpanded text.
    fn expand_alias(&mut self, name: &str, at: TextRange) -> Node {
        let text = &self.text[at.start()..at.end()];
        let unexpanded = Node { kind: NodeKind::Scalar(Scalar::string(text, ScalarStyle::Plain)), range: at };
        let Some(anchored) = self.anchors.get(name).cloned() else {
            self.error(
                SyntaxErrorKind::YamlSyntax,
                at,
                format!("`{text}` names no anchor defined before it (`&{name}`); the Azure ML CLI fails on it (\"found undefined alias\")."),
            );
            self.unexpanded_aliases.insert(at.start());
            return unexpanded;
        };
        if self.depth + anchored.depth > MAX_NESTING {
            self.report_too_deep(at);
            return Node::missing(at.start());
        }
        if self.expanded + anchored.size > MAX_ALIAS_EXPANSION {
            if !self.expansion_capped {
                self.expansion_capped = true;
                self.error(
                    SyntaxErrorKind::UnsupportedYaml,
                    at,
                    format!("Aliases here would copy more than {MAX_ALIAS_EXPANSION} values, so `{text}` and the aliases after it are not expanded or checked. No compute spec needs this; write the values out."),
                );
            }
            self.unexpanded_aliases.insert(at.start());
            return unexpanded;
        }
        self.expanded += anchored.size;
        self.expanded_aliases.push(at);
        relocated(&anchored.node, at)
    }

    /// Parses the node starting at the next token. A node on a later line must be indented
    /// deeper than `parent_indent`; otherwise the value is missing.
    fn parse_unlabelled_node(&mut self, parent_indent: i64) -> Node {
        let Some(t) = self.peek().cloned() else {
            return Node::missing(self.last_end());
        };
        if t.first_in_line && (t.col as i64) <= parent_indent {
            return Node::missing(self.last_end());
        }
        let opens_block = matches!(t.tok, Tok::Dash | Tok::Colon | Tok::Question) || self.is_key_at(0);
        if opens_block && self.depth >= MAX_NESTING {
            return self.skip_too_deep_block(&t, parent_indent);
        }
        match &t.tok {
            Tok::Dash => self.nested(|p| p.parse_block_sequence(t.col)),
            Tok::Scalar(_) if self.is_key_at(0) => self.nested(|p| p.parse_block_mapping(t.col)),
            Tok::Colon | Tok::Question => self.nested(|p| p.parse_block_mapping(t.col)),
            Tok::Scalar(ScalarTok::Plain) => self.parse_plain(parent_indent),
            Tok::Scalar(s) => {
                self.advance();
                Node { kind: NodeKind::Scalar(s.to_scalar(self.text, t.range)), range: t.range }
            }
            Tok::Alias(name) => {
                self.advance();
                self.expand_alias(name, t.range)
            }
            Tok::FlowSeqStart | Tok::FlowMapStart => {
                let node = self.parse_flow();
                if matches!(self.peek(), Some(Token { tok: Tok::Colon, line, .. }) if *line == t.line) {
                    // `[a, b]: value` — a collection as a key.
                    let colon = self.peek().unwrap().range;
                    self.error(SyntaxErrorKind::YamlSyntax, colon, "A list or mapping cannot be used as a key.");
                    self.advance();
                }
                node
            }
            Tok::FlowSeqEnd | Tok::FlowMapEnd | Tok::Comma => {
                self.advance();
                self.error(
                    SyntaxErrorKind::YamlSyntax,
                    t.range,
                    format!("Unexpected `{}`.", &self.text[t.range.start()..t.range.end()]),
                );
                Node::missing(t.range.start())
            }
            Tok::DocStart | Tok::DocEnd => Node::missing(self.last_end()),
        }
    }

    /// Parses one collection a level deeper.
    fn nested(&mut self, parse: impl FnOnce(&mut Self) -> Node) -> Node {
        self.depth += 1;
        let node = parse(self);
        self.depth -= 1;
        node
    }

    /// Reports nesting past `MAX_NESTING` (once per document) at the token that goes too deep.
    fn report_too_deep(&mut self, at: TextRange) {
        if self.too_deep {
            return;
        }
        self.too_deep = true;
        self.errors.push(SyntaxError::new(
            SyntaxErrorKind::TooDeep,
            at,
            format!(
                "Collections are nested more than {MAX_NESTING} levels deep here; aml-compute-ls does not read or check what is inside. No compute spec needs this depth."
            ),
        ));
    }

    /// Skips a block collection that would nest too deeply: every token up to the next line
    /// indented at or left of `parent_indent`. The rest of the document parses as usual.
    fn skip_too_deep_block(&mut self, first: &Token, parent_indent: i64) -> Node {
        self.report_too_deep(first.range);
        self.advance();
        while let Some(t) = self.peek() {
            let dedented = t.first_in_line && (t.col as i64) <= parent_indent;
            if dedented || matches!(t.tok, Tok::DocStart | Tok::DocEnd) {
                break;
            }
            self.pos += 1;
        }
        Node::missing(first.range.start())
    }

    /// Skips a flow collection that would nest too deeply, up to its matching bracket (or
    /// where the scanner cut it off).
    fn skip_too_deep_flow(&mut self, open: &Token) -> Node {
        self.report_too_deep(open.range);
        let mut open_brackets = 1usize;
        while let Some(t) = self.peek() {
            if t.first_in_line && self.flow_was_cut(t) {
                break;
            }
            match t.tok {
                Tok::FlowSeqStart | Tok::FlowMapStart => open_brackets += 1,
                Tok::FlowSeqEnd | Tok::FlowMapEnd => open_brackets -= 1,
                _ => {}
            }
            self.pos += 1;
            if open_brackets == 0 {
                break;
            }
        }
        Node::missing(open.range.start())
    }

    /// A plain scalar, folding continuation lines that are indented deeper than the parent.
    fn parse_plain(&mut self, parent_indent: i64) -> Node {
        let first = self.advance().unwrap();
        let Tok::Scalar(scalar) = &first.tok else { unreachable!() };
        let mut scalar = scalar.to_scalar(self.text, first.range);
        let mut range = first.range;
        let mut last_line = first.line;
        while let Some(next) = self.peek() {
            let continues = matches!(&next.tok, Tok::Scalar(ScalarTok::Plain))
                && next.first_in_line
                && (next.col as i64) > parent_indent
                && next.line > last_line
                && !self.is_key_at(0);
            if !continues {
                break;
            }
            let next = self.advance().unwrap();
            let Tok::Scalar(more) = &next.tok else { unreachable!() };
            let gap = next.line - last_line;
            scalar.text.push_str(&if gap > 1 { "\n".repeat(gap as usize - 1) } else { " ".to_string() });
            scalar.text.push_str(more.text(self.text, next.range));
            range = range.cover(next.range);
            last_line = next.line;
            scalar.value = resolve_plain(&scalar.text);
        }
        if last_line != first.line {
            // Multi-line plain scalars are always strings in practice.
            scalar.value = ScalarValue::Str;
        }
        Node { kind: NodeKind::Scalar(scalar), range }
    }

    fn parse_block_mapping(&mut self, indent: u32) -> Node {
        let start = self.peek().map_or(self.last_end(), |t| t.range.start());
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen = HashMap::new();
        let mut overridden: Vec<usize> = Vec::new();
        let mut first = true;
        while let Some(t) = self.peek().cloned() {
            if matches!(t.tok, Tok::DocStart | Tok::DocEnd) {
                break;
            }
            if t.first_in_line || first {
                if t.first_in_line && t.col < indent {
                    break;
                }
                if t.first_in_line && t.col > indent && !first {
                    self.error(
                        SyntaxErrorKind::BadIndentation,
                        t.range,
                        format!(
                            "This line is indented {} spaces but the mapping it continues is indented {}; align it with the keys above.",
                            t.col, indent
                        ),
                    );
                }
            } else {
                // Leftover tokens on a line whose entry is complete.
                self.error(
                    SyntaxErrorKind::YamlSyntax,
                    t.range,
                    "Unexpected text after the value; a line holds one `key: value`.",
                );
                self.advance();
                continue;
            }
            first = false;
            match &t.tok {
                Tok::Scalar(key) => {
                    self.advance();
                    let key = key.to_scalar(self.text, t.range);
                    let has_colon = matches!(self.peek(), Some(Token { tok: Tok::Colon, line, .. }) if *line == t.line);
                    if !has_colon {
                        self.error(
                            SyntaxErrorKind::YamlSyntax,
                            t.range,
                            format!("`{}` has no `:` after it; a mapping entry is written `key: value`.", key.text),
                        );
                        entries.push(Entry { key, key_range: t.range, value: Node::missing(t.range.end()), has_colon });
                        continue;
                    }
                    let colon = self.advance().unwrap();
                    let value = self.parse_mapping_value(indent, &colon);
                    overridden.extend(self.check_duplicate(&mut seen, &key, t.range, t.line, entries.len()));
                    entries.push(Entry { key, key_range: t.range, value, has_colon });
                }
                Tok::Question => {
                    self.advance();
                    let entry = self.parse_explicit_entry(indent, &t);
                    overridden.extend(self.check_duplicate(
                        &mut seen,
                        &entry.key,
                        entry.key_range,
                        t.line,
                        entries.len(),
                    ));
                    entries.push(entry);
                }
                Tok::Colon => {
                    self.advance();
                    self.error(SyntaxErrorKind::YamlSyntax, t.range, "A mapping entry needs a key before `:`.");
                    let key = Scalar { text: String::new(), style: ScalarStyle::Plain, value: ScalarValue::Null };
                    let value = self.parse_mapping_value(indent, &t);
                    entries.push(Entry { key, key_range: TextRange::empty(t.range.start()), value, has_colon: true });
                }
                Tok::Dash => {
                    self.error(
                        SyntaxErrorKind::YamlSyntax,
                        t.range,
                        "A list item cannot stand among the keys of a mapping; put it under a key, indented.",
                    );
                    let _ = self.parse_block_sequence(t.col);
                }
                _ => {
                    self.error(SyntaxErrorKind::YamlSyntax, t.range, "Expected a `key: value` entry here.");
                    let before = self.pos;
                    let _ = self.parse_node(indent as i64 - 1);
                    if self.pos == before {
                        self.advance();
                    }
                }
            }
        }
        let end = self.last_end().max(start);
        let entries = self.apply_merges(drop_overridden(entries, &overridden));
        Node { kind: NodeKind::Mapping(entries), range: TextRange::new(start, end) }
    }

    /// Applies YAML merge keys (`<<: {…}`, `<<: *defaults`, `<<: [*a, *b]`) as PyYAML 6.0.4's
    /// `SafeConstructor.flatten_mapping` does: the merged mappings' entries come first and the
    /// mapping's own keys win over them; in a list the first mapping wins; a later `<<` wins over
    /// an earlier one. Only a plain `<<` is a merge key (a quoted one is text). The merged
    /// mappings were flattened when they were built, so this never recurses. Anything but a
    /// mapping or a list of mappings is an error, as in PyYAML ("expected a mapping or list of
    /// mappings for merging").
    fn apply_merges(&mut self, entries: Vec<Entry>) -> Vec<Entry> {
        let is_merge = |e: &Entry| e.key.text == "<<" && e.key.style == ScalarStyle::Plain;
        if !entries.iter().any(is_merge) {
            return entries;
        }
        let mut own: Vec<Entry> = Vec::with_capacity(entries.len());
        // The sources in order of precedence, highest first.
        let mut sources: Vec<Node> = Vec::new();
        for entry in entries {
            if !is_merge(&entry) {
                own.push(entry);
                continue;
            }
            match entry.value.kind {
                NodeKind::Mapping(_) => sources.insert(0, entry.value),
                NodeKind::Sequence(items) => {
                    let mut valid = Vec::with_capacity(items.len());
                    for item in items {
                        if matches!(item.kind, NodeKind::Mapping(_)) {
                            valid.push(item);
                        } else if !self.unexpanded_aliases.contains(&item.range.start()) {
                            self.merge_error(item.range);
                        }
                    }
                    for (i, item) in valid.into_iter().enumerate() {
                        sources.insert(i, item);
                    }
                }
                _ if self.unexpanded_aliases.contains(&entry.value.range.start()) => {}
                _ => self.merge_error(entry.value.range),
            }
        }
        let mut taken: std::collections::HashSet<String> = own.iter().map(|e| e.key.text.clone()).collect();
        let mut merged: Vec<Entry> = Vec::new();
        for source in sources {
            let NodeKind::Mapping(source_entries) = source.kind else { continue };
            for e in source_entries {
                if taken.insert(e.key.text.clone()) {
                    merged.push(e);
                }
            }
        }
        merged.extend(own);
        merged
    }

    fn merge_error(&mut self, range: TextRange) {
        self.error(
            SyntaxErrorKind::YamlSyntax,
            range,
            "A merge key (`<<`) takes a mapping or a list of mappings; the Azure ML CLI fails on anything else (\"expected a mapping or list of mappings for merging\").",
        );
    }

    /// An explicit entry after its `?`: the key (on the `?` line or indented below it), then
    /// an optional `:` at the mapping's indentation (or on the key's line) with the value. No
    /// `:` means a null value, as in PyYAML. A list or mapping as a key is an error: PyYAML
    /// fails on it ("found unhashable key").
    fn parse_explicit_entry(&mut self, indent: u32, question: &Token) -> Entry {
        let key_node = match self.peek() {
            Some(t) if matches!(t.tok, Tok::Colon) && (t.first_in_line || t.line == question.line) => {
                Node::missing(question.range.end())
            }
            _ => self.parse_node(indent as i64),
        };
        let key_range = if matches!(key_node.kind, NodeKind::Missing) { question.range } else { key_node.range };
        let key = match key_node.kind {
            NodeKind::Scalar(s) => s,
            NodeKind::Missing => Scalar { text: String::new(), style: ScalarStyle::Plain, value: ScalarValue::Null },
            _ => {
                self.error(
                    SyntaxErrorKind::YamlSyntax,
                    key_range,
                    "A list or mapping cannot be used as a key: the Azure ML CLI fails on it (\"found unhashable key\").",
                );
                Scalar::string("", ScalarStyle::Plain)
            }
        };
        let colon_here = matches!(
            self.peek(),
            Some(Token { tok: Tok::Colon, first_in_line, col, line, .. })
                if (*first_in_line && *col == indent) || (!*first_in_line && *line == question.line)
        );
        if !colon_here {
            let end = key_range.end();
            return Entry { key, key_range, value: Node::missing(end), has_colon: true };
        }
        let colon = self.advance().unwrap();
        let value = self.parse_mapping_value(indent, &colon);
        Entry { key, key_range, value, has_colon: true }
    }

    fn parse_mapping_value(&mut self, indent: u32, colon: &Token) -> Node {
        let Some(next) = self.peek().cloned() else {
            return Node::missing(colon.range.end());
        };
        if matches!(next.tok, Tok::DocStart | Tok::DocEnd) {
            return Node::missing(colon.range.end());
        }
        if next.line == colon.line && !next.first_in_line {
            if self.is_key_at(0) {
                // `a: b: c` — a nested mapping cannot start on the same line.
                let inner_colon = self.peek_at(1).unwrap().range;
                self.error(
                    SyntaxErrorKind::YamlSyntax,
                    inner_colon,
                    "Mapping values are not allowed here: a value on the same line cannot start another `key: value`. Quote the value or move the inner mapping to its own indented line.",
                );
            }
            return self.parse_node(indent as i64);
        }
        // The value is on a later line. A block sequence may sit at the key's own indentation.
        if matches!(next.tok, Tok::Dash) && next.col == indent {
            return self.parse_block_sequence(indent);
        }
        let node = self.parse_node(indent as i64);
        if matches!(node.kind, NodeKind::Missing) {
            // `a: &x` with no value anchors a null: the anchor written on the colon's line
            // labels this empty value, not the next line's key.
            if let Some((name, at)) = self.anchor_of_token.get(&self.pos).cloned()
                && at.start() < self.peek().map_or(usize::MAX, |t| t.range.start())
                && self.text[colon.range.end()..at.start()].bytes().all(|b| b == b' ' || b == b'\t')
            {
                self.anchor_of_token.remove(&self.pos);
                let empty = Node::missing(colon.range.end());
                self.anchors.insert(name, Rc::new(Anchored { node: empty.clone(), size: 1, depth: 0 }));
                return empty;
            }
            return Node::missing(colon.range.end());
        }
        node
    }

    /// Reports a key already seen in this mapping and returns the index of the entry it
    /// overrides: PyYAML keeps the last value (`construct_mapping` assigns in order), so the
    /// tree keeps only that one too and no rule judges a value the CLI never reads. `seen`
    /// maps keys to their first line and latest entry, so a mapping with many keys (a 10 MB
    /// tag list) costs linear, not quadratic, time.
    fn check_duplicate(
        &mut self,
        seen: &mut HashMap<Cow<'t, str>, (u32, usize)>,
        key: &Scalar,
        range: TextRange,
        line: u32,
        index: usize,
    ) -> Option<usize> {
        // Merge keys may repeat: PyYAML merges every one of them (see `apply_merges`).
        if key.text == "<<" && key.style == ScalarStyle::Plain {
            return None;
        }
        if let Some((previous_line, previous_index)) = seen.get_mut(key.text.as_str()) {
            let first_line = *previous_line + 1;
            let overridden = std::mem::replace(previous_index, index);
            let key = KeyText::new(self.text, range, &key.text);
            self.errors.push(SyntaxError::duplicate_key(range, UnwrittenDuplicate { key, first_line, json: false }));
            Some(overridden)
        } else {
            // Keyed by the source text where the key reads the same, so no copy per key.
            let text: &'t str = self.text;
            seen.insert(KeyText::new(text, range, &key.text).into_cow(text), (line, index));
            None
        }
    }

    fn parse_block_sequence(&mut self, indent: u32) -> Node {
        let start = self.peek().map_or(self.last_end(), |t| t.range.start());
        let mut items = Vec::new();
        let mut first = true;
        while let Some(t) = self.peek().cloned() {
            if matches!(t.tok, Tok::DocStart | Tok::DocEnd) {
                break;
            }
            if t.first_in_line && t.col < indent {
                break;
            }
            if !matches!(t.tok, Tok::Dash) {
                if t.first_in_line && t.col == indent {
                    break;
                }
                self.error(
                    SyntaxErrorKind::BadIndentation,
                    t.range,
                    "This line is not a list item (`- …`) and is not indented under one.",
                );
                let before = self.pos;
                let _ = self.parse_node(indent as i64);
                if self.pos == before {
                    self.advance();
                }
                continue;
            }
            if t.first_in_line && t.col > indent && !first {
                self.error(
                    SyntaxErrorKind::BadIndentation,
                    t.range,
                    format!("This list item is indented {} spaces but the list is indented {}.", t.col, indent),
                );
            }
            first = false;
            let dash = self.advance().unwrap();
            let item = self.parse_node(indent as i64);
            let item = if matches!(item.kind, NodeKind::Missing) { Node::missing(dash.range.end()) } else { item };
            items.push(item);
        }
        let end = self.last_end().max(start);
        Node { kind: NodeKind::Sequence(items), range: TextRange::new(start, end) }
    }

    fn parse_flow(&mut self) -> Node {
        let open = self.advance().unwrap();
        if self.depth >= MAX_NESTING {
            return self.skip_too_deep_flow(&open);
        }
        self.nested(|p| p.parse_flow_body(open))
    }

    fn parse_flow_body(&mut self, open: Token) -> Node {
        let is_seq = matches!(open.tok, Tok::FlowSeqStart);
        let close_tok = if is_seq { Tok::FlowSeqEnd } else { Tok::FlowMapEnd };
        let mut items: Vec<Node> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen = HashMap::new();
        let mut overridden: Vec<usize> = Vec::new();
        let mut expect_item = true;
        loop {
            let Some(t) = self.peek().cloned() else {
                self.unclosed(&open, is_seq);
                break;
            };
            if t.tok == close_tok {
                self.advance();
                break;
            }
            // The scanner ends a flow collection when a line dedents to where it started; the
            // tokens that follow belong to the block structure again.
            if t.first_in_line && self.flow_was_cut(&t) {
                self.unclosed(&open, is_seq);
                break;
            }
            match t.tok {
                // `{? a: 1}` is `{a: 1}`: the indicator adds nothing our tree keeps.
                Tok::Question => {
                    self.advance();
                    continue;
                }
                Tok::Comma => {
                    self.advance();
                    if expect_item {
                        self.error(
                            SyntaxErrorKind::YamlSyntax,
                            t.range,
                            "Two commas in a row, or a comma with no item before it.",
                        );
                    }
                    expect_item = true;
                    continue;
                }
                Tok::FlowSeqEnd | Tok::FlowMapEnd | Tok::DocStart | Tok::DocEnd | Tok::Dash => {
                    self.advance();
                    let wanted = if is_seq { ']' } else { '}' };
                    self.error(SyntaxErrorKind::YamlSyntax, t.range, format!("Expected `{wanted}` or `,` here."));
                    continue;
                }
                _ => {}
            }
            if !expect_item {
                self.error(
                    SyntaxErrorKind::YamlSyntax,
                    TextRange::empty(t.range.start()),
                    "Missing `,` between items.",
                );
            }
            expect_item = false;
            let (key_node, key_range) = if matches!(t.tok, Tok::Colon) {
                (Node::missing(t.range.start()), TextRange::empty(t.range.start()))
            } else {
                let n = self.parse_flow_item();
                let r = n.range;
                (n, r)
            };
            if matches!(self.peek().map(|t| &t.tok), Some(Tok::Colon)) {
                let colon = self.advance().unwrap();
                let value = match self.peek().map(|t| &t.tok) {
                    Some(Tok::Comma | Tok::FlowSeqEnd | Tok::FlowMapEnd) | None => Node::missing(colon.range.end()),
                    _ => self.parse_flow_item(),
                };
                let key = match key_node.kind {
                    NodeKind::Scalar(s) => s,
                    _ => {
                        self.error(
                            SyntaxErrorKind::YamlSyntax,
                            key_range,
                            "A list or mapping cannot be used as a key.",
                        );
                        Scalar::string("", ScalarStyle::Plain)
                    }
                };
                let entry = Entry { key, key_range, value, has_colon: true };
                if is_seq {
                    let range = entry.key_range.cover(entry.value.range);
                    items.push(Node { kind: NodeKind::Mapping(vec![entry]), range });
                } else {
                    overridden.extend(self.check_duplicate(
                        &mut seen,
                        &entry.key,
                        entry.key_range,
                        t.line,
                        entries.len(),
                    ));
                    entries.push(entry);
                }
            } else if is_seq {
                items.push(key_node);
            } else {
                let key = match key_node.kind {
                    NodeKind::Scalar(s) => s,
                    _ => Scalar::string("", ScalarStyle::Plain),
                };
                entries.push(Entry { key, key_range, value: Node::missing(key_range.end()), has_colon: false });
            }
        }
        let range = TextRange::new(open.range.start(), self.last_end().max(open.range.end()));
        let kind = if is_seq {
            NodeKind::Sequence(items)
        } else {
            NodeKind::Mapping(self.apply_merges(drop_overridden(entries, &overridden)))
        };
        Node { kind, range }
    }

    fn flow_was_cut(&self, t: &Token) -> bool {
        // A token that the scanner produced in block context after the flow was cut: block
        // tokens like `key:` at the opening line's indentation or less.
        self.is_key_at(0) || matches!(t.tok, Tok::Dash)
    }

    /// Parses one flow item and keeps it under the anchor written before it, if any.
    fn parse_flow_item(&mut self) -> Node {
        let first = self.pos;
        let node = self.parse_unlabelled_flow_item();
        if self.pos > first {
            self.label(first, &node);
        }
        node
    }

    /// Keeps `node` under the anchor written before the token at `first`, if any.
    fn label(&mut self, first: usize, node: &Node) {
        if let Some((name, at)) = self.anchor_of_token.get(&first).cloned() {
            if self.anchors.contains_key(&name) {
                self.error(
                    SyntaxErrorKind::YamlSyntax,
                    at,
                    format!("The anchor `&{name}` is defined a second time; the Azure ML CLI fails on it (\"found duplicate anchor\"). Give it another name."),
                );
            }
            let (size, depth) = measure(node);
            self.anchors.insert(name, Rc::new(Anchored { node: node.clone(), size, depth }));
        }
    }

    fn parse_unlabelled_flow_item(&mut self) -> Node {
        let Some(t) = self.peek().cloned() else {
            return Node::missing(self.last_end());
        };
        match &t.tok {
            Tok::FlowSeqStart | Tok::FlowMapStart => self.parse_flow(),
            Tok::Alias(name) => {
                self.advance();
                self.expand_alias(name, t.range)
            }
            Tok::Scalar(s) => {
                self.advance();
                let mut scalar = s.to_scalar(self.text, t.range);
                let mut range = t.range;
                // Plain scalars in flow context may continue on the next line.
                let mut last_line = t.line;
                while let Some(Token { tok: Tok::Scalar(more), range: r, line, .. }) = self.peek().cloned() {
                    if more.style() != ScalarStyle::Plain
                        || scalar.style != ScalarStyle::Plain
                        || line == last_line
                        || self.is_key_at(0)
                    {
                        break;
                    }
                    last_line = line;
                    self.advance();
                    scalar.text.push(' ');
                    scalar.text.push_str(more.text(self.text, r));
                    scalar.value = ScalarValue::Str;
                    range = range.cover(r);
                }
                Node { kind: NodeKind::Scalar(scalar), range }
            }
            _ => Node::missing(t.range.start()),
        }
    }

    fn unclosed(&mut self, open: &Token, is_seq: bool) {
        let closer = if is_seq { "]" } else { "}" };
        let end = self.last_end().max(open.range.end());
        self.errors.push(
            SyntaxError::new(
                SyntaxErrorKind::UnclosedBracket,
                open.range,
                format!(
                    "This `{}` is never closed; add `{closer}` after the last item.",
                    &self.text[open.range.start()..open.range.end()]
                ),
            )
            .with_fix(SyntaxFix::preferred(format!("Insert `{closer}`"), vec![Edit::insert(end, closer)])),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(node: &Node) -> serde_json::Value {
        use serde_json::Value;
        match &node.kind {
            NodeKind::Mapping(entries) => {
                Value::Object(entries.iter().map(|e| (e.key.text.clone(), value(&e.value))).collect())
            }
            NodeKind::Sequence(items) => Value::Array(items.iter().map(value).collect()),
            NodeKind::Missing => Value::Null,
            NodeKind::Scalar(s) => match s.value {
                ScalarValue::Null => Value::Null,
                ScalarValue::Bool(b) => Value::Bool(b),
                ScalarValue::Int(n) => Value::from(n),
                ScalarValue::Float(f) => Value::from(f),
                ScalarValue::Str => Value::String(s.text.clone()),
            },
        }
    }

    fn parse_ok(text: &str) -> serde_json::Value {
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "unexpected errors: {:#?}", parsed.errors);
        parsed.root.as_ref().map_or(serde_json::Value::Null, value)
    }

    fn kinds_of(text: &str) -> Vec<SyntaxErrorKind> {
        parse(text).errors.iter().map(|d| d.kind).collect()
    }

    #[test]
    fn block_mapping_with_nested_sequence_of_mappings() {
        let v = parse_ok(
            "name: a\nidentity:\n  type: user_assigned\n  user_assigned_identities:\n    - resource_id: x\n      other: 2\n    - resource_id: y\nmax: 3\n",
        );
        assert_eq!(
            v,
            serde_json::json!({"name":"a","identity":{"type":"user_assigned","user_assigned_identities":[{"resource_id":"x","other":2},{"resource_id":"y"}]},"max":3})
        );
    }

    #[test]
    fn sequence_at_the_keys_indentation_is_the_keys_value() {
        let v = parse_ok("items:\n- a\n- b\nnext: 1\n");
        assert_eq!(v, serde_json::json!({"items":["a","b"],"next":1}));
    }

    #[test]
    fn flow_collections_and_quotes() {
        let v = parse_ok("hours: [0, 15]\ndays: ['monday', \"tue\\tday\"]\nm: {a: 1, b: x y}\ne: []\n");
        assert_eq!(v, serde_json::json!({"hours":[0,15],"days":["monday","tue\tday"],"m":{"a":1,"b":"x y"},"e":[]}));
    }

    #[test]
    fn yaml_1_1_scalars_resolve_as_pyyaml_does() {
        let v = parse_ok(
            "a: yes\nb: Off\nc: 010\nd: 0x1f\ne: 1.5\nf: 1e5\ng: ~\nh: '1'\ni: 1_000\nj: 1:30\nk: PT20M\nl:\n",
        );
        assert_eq!(
            v,
            serde_json::json!({"a":true,"b":false,"c":8,"d":31,"e":1.5,"f":"1e5","g":null,"h":"1","i":1000,"j":90,"k":"PT20M","l":null})
        );
    }

    #[test]
    fn comments_are_collected_and_hash_inside_values_is_kept() {
        let parsed = parse("# top\nname: a#b # trailing\nx: \"#q\"\n");
        assert_eq!(value(parsed.root.as_ref().unwrap()), serde_json::json!({"name":"a#b","x":"#q"}));
        let texts: Vec<&str> = parsed.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec![" top", " trailing"]);
    }

    #[test]
    fn block_scalars_keep_or_fold_lines() {
        let v = parse_ok("a: |\n  one\n  two\nb: >-\n  x\n  y\n\n  z\nc: 1\n");
        assert_eq!(v, serde_json::json!({"a":"one\ntwo\n","b":"x y\nz","c":1}));
    }

    #[test]
    fn multi_line_plain_and_quoted_scalars_fold() {
        let v = parse_ok("d: one\n  two\nq: \"a\n  b\"\n");
        assert_eq!(v, serde_json::json!({"d":"one two","q":"a b"}));
    }

    #[test]
    fn ranges_point_at_keys_and_values() {
        let text = "name: abc\nsize:  Standard_DS3_v2\n";
        let root = parse(text).root.unwrap();
        let entry = root.entry("size").unwrap();
        assert_eq!(&text[entry.key_range.start()..entry.key_range.end()], "size");
        assert_eq!(&text[entry.value.range.start()..entry.value.range.end()], "Standard_DS3_v2");
    }

    #[test]
    fn crlf_and_bom_are_transparent() {
        let v = parse_ok("\u{feff}name: a\r\ntype: b \r\n");
        assert_eq!(v, serde_json::json!({"name":"a","type":"b"}));
    }

    #[test]
    fn missing_schema_key_on_line_one_is_a_mapping_values_error_with_a_fix() {
        let text = "https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json\nname: minimal-example-i\ntype: computeinstance\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1, "{:#?}", parsed.errors);
        let d = &parsed.errors[0];
        assert_eq!(d.kind, SyntaxErrorKind::YamlSyntax);
        // Line 2, column 5 (1-based), as PyYAML reports it.
        assert_eq!(d.range.start(), text.find("name:").unwrap() + 4);
        assert_eq!(d.fixes[0].edits[0].new_text, "$schema: ");
        // The rest of the document is still a usable tree.
        assert_eq!(parsed.root.unwrap().get("type").unwrap().as_str(), Some("computeinstance"));
    }

    #[test]
    fn half_typed_key_without_colon_still_yields_an_entry() {
        let parsed = parse("name: a\nsiz\n");
        let root = parsed.root.unwrap();
        let entry = root.entry("siz").unwrap();
        assert!(!entry.has_colon);
        assert_eq!(kinds_of("name: a\nsiz\n"), vec![SyntaxErrorKind::YamlSyntax]);
    }

    #[test]
    fn empty_value_and_empty_document_parse() {
        assert_eq!(parse_ok("ssh_settings:\n"), serde_json::json!({"ssh_settings": null}));
        assert!(parse("").root.is_none());
        assert!(parse("# only a comment\n").root.is_none());
    }

    #[test]
    fn unclosed_quote_is_reported_on_its_line_only() {
        let parsed = parse("name: \"abc\ntype: amlcompute\n");
        assert_eq!(parsed.errors.iter().map(|d| d.kind).collect::<Vec<_>>(), vec![SyntaxErrorKind::UnclosedQuote]);
        assert_eq!(parsed.root.unwrap().get("type").unwrap().as_str(), Some("amlcompute"));
    }

    #[test]
    fn tabs_in_indentation_are_reported_with_a_fix() {
        let parsed = parse("a:\n\tb: 1\n");
        assert_eq!(parsed.errors[0].kind, SyntaxErrorKind::TabIndentation);
        assert_eq!(value(parsed.root.as_ref().unwrap()), serde_json::json!({"a":{"b":1}}));
    }

    #[test]
    fn duplicate_keys_are_reported_at_the_second() {
        let text = "a: 1\nb: 2\na: 3\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors[0].kind, SyntaxErrorKind::DuplicateKey);
        assert_eq!(parsed.errors[0].range.start(), 10);
    }

    #[test]
    fn a_duplicate_key_is_recorded_without_words_until_they_are_written() {
        let text = "a: 1\n'b''c': 2\na: 3\n'b''c': 4\n";
        let mut parsed = parse(text);
        assert!(parsed.errors.iter().all(|e| e.message.is_empty() && e.unwritten.is_some()), "{:?}", parsed.errors);
        for e in &mut parsed.errors {
            e.write_message(text);
        }
        assert_eq!(
            parsed.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
            [
                "`a` is already set on line 1; the YAML loader keeps only this later value. Remove one of them.",
                "`b'c` is already set on line 2; the YAML loader keeps only this later value. Remove one of them.",
            ]
        );
    }

    #[test]
    fn a_duplicate_key_keeps_only_the_later_value_as_pyyaml_does() {
        let parsed = parse("a: [1]\nb: 2\na: 3\nc: {x: 1, x: 2}\n");
        assert_eq!(
            parsed.errors.iter().map(|e| e.kind).collect::<Vec<_>>(),
            vec![SyntaxErrorKind::DuplicateKey, SyntaxErrorKind::DuplicateKey]
        );
        assert_eq!(value(parsed.root.as_ref().unwrap()), serde_json::json!({"b":2,"a":3,"c":{"x":2}}));
    }

    #[test]
    fn bad_indentation_keeps_the_entry() {
        let parsed = parse("a: 1\n  b: 2\nc: 3\n");
        assert_eq!(kinds_of("a: 1\n  b: 2\nc: 3\n"), vec![SyntaxErrorKind::BadIndentation]);
        let root = parsed.root.unwrap();
        assert!(root.get("b").is_some() && root.get("c").is_some());
    }

    #[test]
    fn a_second_document_is_reported() {
        assert_eq!(kinds_of("a: 1\n---\nb: 2\n"), vec![SyntaxErrorKind::MultipleDocuments]);
        assert!(kinds_of("---\na: 1\n").is_empty());
    }

    #[test]
    fn unclosed_flow_sequence_recovers_at_the_next_key() {
        let parsed = parse("hours: [0, 1\nminutes: [15]\n");
        assert_eq!(parsed.errors.iter().map(|d| d.kind).collect::<Vec<_>>(), vec![SyntaxErrorKind::UnclosedBracket]);
        let root = parsed.root.unwrap();
        assert_eq!(root.get("minutes").unwrap().as_sequence().unwrap().len(), 1);
    }

    #[test]
    fn same_line_nested_mapping_is_an_error() {
        assert_eq!(kinds_of("a: b: c\n"), vec![SyntaxErrorKind::YamlSyntax]);
    }

    #[test]
    fn aliases_expand_to_the_anchored_value_with_the_alias_range() {
        let text = "a: &x {p: 1}\nb: *x\nc: [&y s, *y]\n";
        assert_eq!(parse_ok(text), serde_json::json!({"a":{"p":1},"b":{"p":1},"c":["s","s"]}));
        let root = parse(text).root.unwrap();
        let b = root.entry("b").unwrap();
        let alias = text.find("*x").unwrap();
        assert_eq!(b.value.range, TextRange::new(alias, alias + 2));
        assert_eq!(b.value.as_mapping().unwrap()[0].key_range, TextRange::new(alias, alias + 2));
        // Undefined aliases, duplicate and empty anchors fail in PyYAML.
        assert_eq!(kinds_of("a: *nothing\n"), vec![SyntaxErrorKind::YamlSyntax]);
        assert_eq!(kinds_of("a: &x 1\nb: &x 2\n"), vec![SyntaxErrorKind::YamlSyntax]);
        assert_eq!(kinds_of("a: & x\n"), vec![SyntaxErrorKind::YamlSyntax]);
    }

    #[test]
    fn alias_expansion_is_capped_and_says_so() {
        // A "billion laughs": each level aliases the previous one ten times.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let items = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let parsed = parse(&text);
        let capped: Vec<_> = parsed.errors.iter().filter(|e| e.kind == SyntaxErrorKind::UnsupportedYaml).collect();
        assert_eq!(capped.len(), 1, "{:#?}", parsed.errors);
        assert!(capped[0].message.contains("not expanded"));
        let (size, _) = measure(parsed.root.as_ref().unwrap());
        assert!(size < 3 * MAX_ALIAS_EXPANSION, "{size}");
    }

    #[test]
    fn merge_keys_apply_as_pyyaml_does() {
        assert_eq!(parse_ok("c:\n  <<: {x: 1}\n  y: 2\n"), serde_json::json!({"c":{"x":1,"y":2}}));
        // Own keys win, wherever the merge is written.
        assert_eq!(parse_ok("c:\n  x: 2\n  <<: {x: 1}\n"), serde_json::json!({"c":{"x":2}}));
        // In a list the first mapping wins.
        assert_eq!(
            parse_ok("a: &a {x: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n"),
            serde_json::json!({"a":{"x":1},"b":{"x":2,"z":2},"c":{"x":1,"z":2}})
        );
        // Merges of merges are already flat.
        assert_eq!(
            parse_ok("a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b}\n"),
            serde_json::json!({"a":{"x":1},"b":{"x":1,"y":2},"c":{"x":1,"y":2}})
        );
        // Two merge keys in one mapping both merge, the later winning.
        assert_eq!(
            parse_ok("d: &d {a: 1, b: 1}\nc:\n  <<: *d\n  <<: {b: 2}\n"),
            serde_json::json!({"d":{"a":1,"b":1},"c":{"a":1,"b":2}})
        );
        // An anchor on an empty value anchors a null.
        assert_eq!(parse_ok("a: &x\nb: *x\n"), serde_json::json!({"a":null,"b":null}));
        // A quoted `<<` is an ordinary key; a merge of a scalar fails in PyYAML.
        assert_eq!(parse_ok("'<<': {x: 1}\n"), serde_json::json!({"<<":{"x":1}}));
        assert_eq!(kinds_of("<<: 1\n"), vec![SyntaxErrorKind::YamlSyntax]);
        assert_eq!(kinds_of("<<: [1]\n"), vec![SyntaxErrorKind::YamlSyntax]);
    }

    #[test]
    fn explicit_keys_read_as_pyyaml_does() {
        assert_eq!(parse_ok("? a\n: 1\n"), serde_json::json!({"a":1}));
        assert_eq!(parse_ok("? a\n"), serde_json::json!({"a":null}));
        assert_eq!(parse_ok("? |\n  block key\n: v\n"), serde_json::json!({"block key\n":"v"}));
        assert_eq!(parse_ok("- ? a\n  : 1\n"), serde_json::json!([{"a":1}]));
        assert_eq!(
            parse_ok("x: 1\ntags:\n  ? k\n  : v\n  b: 2\ny: 3\n"),
            serde_json::json!({"x":1,"tags":{"k":"v","b":2},"y":3})
        );
        assert_eq!(parse_ok("{? a: 1}\n"), serde_json::json!({"a":1}));
        // A mapping as a key is unhashable for PyYAML.
        assert_eq!(kinds_of("? a: 1\n: 2\n"), vec![SyntaxErrorKind::YamlSyntax]);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let samples = [
            "- - -",
            ":::",
            "[{]}",
            "a: [",
            "a: {b",
            "\"",
            "'",
            "|",
            ">\n",
            "a:\n  - b\n - c",
            "? x",
            "&",
            "*",
            "a: 'it''s'",
            "%YAML 1.2\n---\na: 1",
            "\u{feff}",
            "a:\t1",
            "- a: 1\n  b: 2\n- c",
            "é: ü\n  ñ",
            "a: \"\\u00e9\\x41\"",
            "a: |2\n   x",
            "[a, b]: c",
            "{a: 1}: b",
            "a: b\n...\nc: d",
        ];
        for s in samples {
            let _ = parse(s);
        }
    }
}
