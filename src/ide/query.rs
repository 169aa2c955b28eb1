//! Where the cursor is: the one answer completion, hover and code actions share.
//!
//! Two questions, both read from the parse result (tree and tokens), never by re-lexing:
//! - `node_at`: which key or scalar value of the tree is under the cursor, and its path (hover).
//! - `cursor_at`: what the cursor is about to write (completion), which must work on the
//!   half-typed line the tree can only guess at: a key being typed, the value after `key:`, a
//!   fresh line under a mapping, a new `- ` list item, a spot inside a flow collection or a
//!   JSON object. Block YAML is read line by line from the tokens and indentation; flow
//!   collections and JSON by a small state machine over the tokens.
//!
//! Both are linear in the document at worst and allocate per line or per query, never per
//! token kept; the path stops growing past `syntax::MAX_NESTING` levels of flow nesting.

use crate::syntax::text::{LineIndex, TextRange};
use crate::syntax::{Comment, Format, MAX_NESTING, Node, NodeKind, Parsed, ScalarStyle, Token, TokenKind};

/// One step of a path through a document: a mapping key or "an item of a list".
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    Key(String),
    Item,
}

impl PathSegment {
    pub fn key(name: impl Into<String>) -> Self {
        PathSegment::Key(name.into())
    }

    /// The key's name; `None` for a list item.
    pub fn as_key(&self) -> Option<&str> {
        match self {
            PathSegment::Key(k) => Some(k),
            PathSegment::Item => None,
        }
    }
}

/// The keys of a path, `None` when it goes through a list item (for comparing with fixed
/// top-level paths like `["properties", "computeType"]`).
pub fn keys_only(path: &[PathSegment]) -> Option<Vec<&str>> {
    path.iter().map(PathSegment::as_key).collect()
}

/// What the cursor is on in `node_at`.
#[derive(Debug)]
pub enum Hit<'a> {
    /// A mapping key, with its range.
    Key(TextRange),
    /// A scalar value.
    Value(&'a Node),
}

/// The key or scalar value of the tree under `offset` (a cursor just after a token is on
/// it), with the path to it: for a key, the path ends in that key.
pub fn node_at(root: &Node, offset: usize) -> Option<(Vec<PathSegment>, Hit<'_>)> {
    let mut path = Vec::new();
    let mut node = root;
    // A loop, not recursion: the tree is at most `MAX_NESTING` deep, but the walk needs no stack.
    loop {
        match &node.kind {
            NodeKind::Mapping(entries) => {
                let mut next = None;
                for e in entries {
                    if e.key_range.touches(offset) {
                        path.push(PathSegment::Key(e.key.text.clone()));
                        return Some((path, Hit::Key(e.key_range)));
                    }
                    if !e.value.range.is_empty() && e.value.range.touches(offset) {
                        path.push(PathSegment::Key(e.key.text.clone()));
                        next = Some(&e.value);
                        break;
                    }
                }
                node = next?;
            }
            NodeKind::Sequence(items) => {
                node = items.iter().find(|i| !i.range.is_empty() && i.range.touches(offset))?;
                path.push(PathSegment::Item);
            }
            NodeKind::Scalar(_) => return Some((path, Hit::Value(node))),
            NodeKind::Missing => return None,
        }
    }
}

/// What the text at the cursor is, for completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A key of the mapping at the cursor's path: an existing key, a word being typed, or a
    /// blank spot on a fresh line where a key can go.
    Key,
    /// The value of the field the path ends in (after `key:`, typed or not yet).
    Value,
    /// Just after a block list's `- `: the item may be a scalar or start a mapping. The path
    /// ends in `Item`.
    ItemStart,
    /// An item of a flow list or JSON array (`[x, ‸]`). The path ends in `Item`.
    Item,
}

/// The cursor's context for completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub place: Place,
    /// For `Key` and `ItemStart`: the path of the mapping (or item) the key goes in. For
    /// `Value` and `Item`: the path of the value, ending in its key or `Item`.
    pub path: Vec<PathSegment>,
    /// For `Key`: the keys the mapping already has, other than the one at the cursor.
    pub present_keys: Vec<String>,
    /// The text a completion replaces: the word, key or scalar (with its quotes) at the
    /// cursor, or an empty range at it.
    pub span: TextRange,
    /// The quote a YAML scalar at the cursor opens with.
    pub quote: Option<char>,
    /// The scalar at the cursor is a YAML block scalar (`|`, `>`) or spans lines.
    pub multi_line: bool,
    /// For `Key`: a `:` already follows the word (the key exists; only its name changes).
    pub colon_follows: bool,
    /// For `Value`: the cursor is right after `key:` with no space, so a value needs one.
    pub needs_space: bool,
    /// For `Key`: column 0 of a YAML line at the top level (whole-document snippets fit).
    pub top_level_start: bool,
}

impl Cursor {
    /// A fresh (blank or half-typed) line: a key place with no `:` after it yet.
    pub fn is_fresh_line(&self) -> bool {
        matches!(self.place, Place::Key | Place::ItemStart) && !self.colon_follows
    }
}

/// `offset` moved onto a character boundary, past a byte-order mark, and off the middle of a
/// CRLF (the end of the line is the only place a cursor can be there).
pub fn clamp_offset(text: &str, offset: usize) -> usize {
    // Before a byte-order mark is the start of the text after it.
    let first = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut offset = offset.clamp(first, text.len().max(first));
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n') {
        offset -= 1;
    }
    offset
}

/// Whether `offset` is inside a comment (after its marker).
pub fn in_comment(parsed: &Parsed, offset: usize) -> bool {
    parsed.comments.iter().any(|c| c.range.start() < offset && offset <= c.range.end())
}

/// The scalar holding `offset` on one of its later lines (a block scalar's body, a plain or
/// quoted scalar folded over lines), or `None`. Such a line is text of the value: a line
/// inserted before it (a comment) would change or break the value.
pub fn multi_line_scalar_at(parsed: &Parsed, index: &LineIndex, offset: usize) -> Option<TextRange> {
    let later_line = |range: TextRange| {
        range.start() < offset && offset <= range.end() && index.line_of(range.start()) != index.line_of(offset)
    };
    let before = parsed.tokens.partition_point(|t| t.range.start() < offset);
    let token = before.checked_sub(1).map(|i| parsed.tokens[i]);
    if let Some(t) = token.filter(|t| matches!(t.kind, TokenKind::Scalar(_)) && later_line(t.range)) {
        return Some(t.range);
    }
    match parsed.root.as_ref().and_then(|r| node_at(r, offset)) {
        Some((_, Hit::Value(node))) if later_line(node.range) => Some(node.range),
        _ => None,
    }
}

/// The completion context at `offset` (see `clamp_offset`), or `None` where nothing can be
/// written: inside a comment, outside every JSON value, under a scalar, past the nesting limit.
pub fn cursor_at(text: &str, parsed: &Parsed, offset: usize) -> Option<Cursor> {
    let offset = clamp_offset(text, offset);
    if in_comment(parsed, offset) {
        return None;
    }
    match parsed.format {
        Format::Json => Flow::new(text, &parsed.tokens, 0, parsed.tokens.len(), Vec::new(), false).run(offset),
        Format::Yaml => {
            let index = LineIndex::new(text);
            // A scalar the tree reads over several lines (a folded plain scalar, a block
            // scalar's body, a quoted string) holds the cursor on its later lines: the line
            // alone would look like a key being typed.
            if let Some((path, Hit::Value(node))) = parsed.root.as_ref().and_then(|r| node_at(r, offset))
                && node.range.start() < offset
                && index.line_of(node.range.start()) != index.line_of(offset)
            {
                return Some(Cursor {
                    place: if path.last() == Some(&PathSegment::Item) { Place::Item } else { Place::Value },
                    path,
                    present_keys: Vec::new(),
                    span: node.range,
                    quote: text[node.range.start()..].chars().next().filter(|c| *c == '"' || *c == '\''),
                    multi_line: true,
                    colon_follows: false,
                    needs_space: false,
                    top_level_start: false,
                });
            }
            Block::new(text, &parsed.tokens, &parsed.comments, index).cursor(offset)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Block YAML

/// One line's shape, read from its tokens.
#[derive(Clone, Copy, Debug, Default)]
struct Line {
    /// Column (bytes from the line start) of the first `- ` and how many open items here.
    first_dash: Option<usize>,
    dashes: usize,
    /// Where the content after the indentation and `- ` markers starts.
    content_col: usize,
    /// The key of `key: value` content (its token's range; empty for `: value`).
    key: Option<TextRange>,
    /// No token follows the key's `:` on this line (the value is a nested block, or missing).
    value_empty: bool,
    /// Nothing but whitespace, comments, a document marker or the inside of a multi-line scalar.
    blank: bool,
}

impl Line {
    fn first_col(&self) -> usize {
        self.first_dash.unwrap_or(self.content_col)
    }
}

struct Block<'t> {
    text: &'t str,
    tokens: &'t [Token],
    comments: &'t [Comment],
    index: LineIndex,
    /// For each line, the index of the first token starting on or after its start (one more
    /// entry at the end), so a line's tokens are a slice.
    line_tokens: Vec<u32>,
}

impl<'t> Block<'t> {
    fn new(text: &'t str, tokens: &'t [Token], comments: &'t [Comment], index: LineIndex) -> Self {
        let mut line_tokens = Vec::with_capacity(index.line_count() + 1);
        let mut t = 0usize;
        for line in 0..index.line_count() {
            let start = index.line_start(line);
            while t < tokens.len() && tokens[t].range.start() < start {
                t += 1;
            }
            line_tokens.push(t as u32);
        }
        line_tokens.push(tokens.len() as u32);
        Block { text, tokens, comments, index, line_tokens }
    }

    fn tokens_of(&self, line: usize) -> &'t [Token] {
        &self.tokens[self.line_tokens[line] as usize..self.line_tokens[line + 1] as usize]
    }

    /// A line's start and text; a byte-order mark before the first line is no part of it
    /// (columns count from after it, as the scanner's do).
    fn line_text(&self, line: usize) -> (usize, &'t str) {
        let r = self.index.line_range(self.text, line);
        let bom = if line == 0 && self.text.starts_with('\u{feff}') { 3 } else { 0 };
        let start = (r.start() + bom).min(r.end());
        (start, &self.text[start..r.end()])
    }

    /// The shape of `line` from its tokens that start before `until`.
    fn line(&self, line: usize, until: usize) -> Line {
        let (start, content) = self.line_text(line);
        let all = self.tokens_of(line);
        let tokens = &all[..all.partition_point(|t| t.range.start() < until)];
        let mut out = Line::default();
        let mut i = 0;
        if matches!(tokens.first().map(|t| t.kind), Some(TokenKind::DocStart | TokenKind::DocEnd)) {
            out.blank = true;
            return out;
        }
        while let Some(t) = tokens.get(i).filter(|t| t.kind == TokenKind::Dash) {
            out.first_dash.get_or_insert(t.range.start() - start);
            out.dashes += 1;
            i += 1;
        }
        let after_markers = match i {
            0 => 0,
            _ => tokens[i - 1].range.end() - start,
        };
        let bytes = content.as_bytes();
        let limit = until.min(start + content.len()).saturating_sub(start).max(after_markers);
        let mut col = after_markers;
        while col < limit.min(bytes.len()) && matches!(bytes[col], b' ' | b'\t') {
            col += 1;
        }
        out.content_col = tokens.get(i).map_or(col, |t| t.range.start() - start);
        out.blank = out.dashes == 0 && tokens.is_empty();
        let (first, second) = (tokens.get(i), tokens.get(i + 1));
        match (first.map(|t| t.kind), second.map(|t| t.kind)) {
            (Some(TokenKind::Scalar(style)), Some(TokenKind::Colon)) if !is_block(style) => {
                out.key = first.map(|t| t.range);
                out.value_empty = tokens.len() == i + 2;
            }
            (Some(TokenKind::Colon), _) => {
                out.key = first.map(|t| TextRange::empty(t.range.start()));
                out.value_empty = tokens.len() == i + 1;
            }
            _ => {}
        }
        out
    }

    fn key_text(&self, range: TextRange) -> String {
        unquote(&self.text[range.start()..range.end()]).to_string()
    }

    fn cursor(&self, offset: usize) -> Option<Cursor> {
        // Inside a scalar that started on an earlier line (a block scalar's body, a quoted
        // string over several lines): the cursor is in that value, read from its first line.
        let before = self.tokens.partition_point(|t| t.range.start() < offset);
        if let Some(t) = before.checked_sub(1).map(|i| self.tokens[i])
            && matches!(t.kind, TokenKind::Scalar(_))
            && offset <= t.range.end()
            && self.index.line_of(t.range.start()) != self.index.line_of(offset)
        {
            let mut cursor = self.cursor_on_line(t.range.start())?;
            cursor.span = t.range;
            cursor.multi_line = true;
            return Some(cursor);
        }
        if let Some(flow) = self.flow_around(offset) {
            return flow;
        }
        self.cursor_on_line(offset)
    }

    fn cursor_on_line(&self, offset: usize) -> Option<Cursor> {
        let line_no = self.index.line_of(offset);
        let (line_start, full) = self.line_text(line_no);
        let offset = offset.clamp(line_start, line_start + full.len());
        let prefix = &full[..offset - line_start];
        // Inside a `---` or `...` marker nothing can be written.
        if let Some(marker) =
            self.tokens_of(line_no).first().filter(|t| matches!(t.kind, TokenKind::DocStart | TokenKind::DocEnd))
            && offset > marker.range.start()
            && offset < marker.range.end()
        {
            return None;
        }
        let here = self.line(line_no, offset);
        let (mut path, present_keys) = self.enclosing(line_no, here)?;
        if let Some(key) = here.key {
            // Value position: the value typed so far, up to its comment.
            let colon =
                self.tokens_of(line_no).iter().find(|t| t.kind == TokenKind::Colon && t.range.start() >= key.end())?;
            let after_colon = colon.range.end() - line_start;
            let mut start = after_colon;
            while start < full.len() && matches!(full.as_bytes()[start], b' ' | b'\t') {
                start += 1;
            }
            let start = start.min(prefix.len().max(after_colon));
            let mut value_tokens = self.tokens_of(line_no).iter().filter(|t| t.range.start() > colon.range.start());
            // The value runs to its comment, or the end of the line.
            let comment = self
                .comments
                .iter()
                .map(|c| c.range.start())
                .find(|c| (line_start + start..line_start + full.len()).contains(c));
            let value_end = full[..comment.map_or(full.len(), |c| c - line_start)].trim_end().len().max(start);
            let typed = &full[start..value_end];
            let first = value_tokens.next();
            let multi_line = first.is_some_and(|t| {
                matches!(t.kind, TokenKind::Scalar(style) if is_block(style))
                    || self.index.line_of(t.range.end()) != line_no
            });
            if typed.starts_with(['&', '*', '!']) || first.is_some_and(|t| is_flow_start(t.kind)) {
                return None;
            }
            path.push(PathSegment::Key(self.key_text(key)));
            return Some(Cursor {
                place: Place::Value,
                path,
                present_keys: Vec::new(),
                span: TextRange::new(line_start + start, (line_start + value_end).max(offset)),
                quote: typed.chars().next().filter(|c| *c == '"' || *c == '\''),
                multi_line,
                colon_follows: false,
                needs_space: prefix.ends_with(':'),
                top_level_start: false,
            });
        }
        // Key position: the word typed so far, and the rest of it after the cursor.
        let word_start = line_start + here.content_col;
        let after = &full[offset - line_start..];
        let word_rest = after.find(|c: char| c.is_whitespace() || c == ':' || c == '#').unwrap_or(after.len());
        let colon_follows = after[word_rest..].trim_start().starts_with(':');
        let typed_nothing = word_start >= offset && word_rest == 0;
        Some(Cursor {
            place: if here.dashes > 0 && typed_nothing { Place::ItemStart } else { Place::Key },
            path,
            present_keys,
            span: TextRange::new(word_start, offset + word_rest),
            quote: None,
            multi_line: false,
            colon_follows,
            needs_space: false,
            top_level_start: here.content_col == 0 && here.dashes == 0,
        })
    }

    /// The path of the mapping whose keys sit at `here.content_col` on line `line_no`, and the
    /// keys it already has on other lines. `None` when the position cannot hold a key (under
    /// a scalar value).
    fn enclosing(&self, line_no: usize, here: Line) -> Option<(Vec<PathSegment>, Vec<String>)> {
        let col = here.content_col;
        let mut reversed: Vec<PathSegment> = Vec::new();
        let mut siblings: Vec<String> = Vec::new();
        // While `collecting`, lines at `col` are keys of the cursor's own mapping.
        let mut collecting = here.dashes == 0;
        let mut threshold = here.first_dash.unwrap_or(col);
        let mut in_item = here.dashes > 0;
        reversed.extend((0..here.dashes).map(|_| PathSegment::Item));

        for line in line_no + 1..self.index.line_count() {
            let l = self.line(line, usize::MAX);
            if l.blank {
                continue;
            }
            if l.first_col() < col {
                break;
            }
            if l.dashes == 0
                && l.content_col == col
                && let Some(k) = l.key
            {
                siblings.push(self.key_text(k));
            }
        }

        for line in (0..line_no).rev() {
            let l = self.line(line, usize::MAX);
            if l.blank {
                continue;
            }
            if collecting {
                if l.content_col == col
                    && let Some(k) = l.key
                {
                    siblings.push(self.key_text(k));
                    if let Some(first) = l.first_dash {
                        // This line opens the list item the cursor's mapping belongs to.
                        reversed.extend((0..l.dashes).map(|_| PathSegment::Item));
                        threshold = first;
                        in_item = true;
                        collecting = false;
                    }
                    continue;
                }
                if l.first_col() >= col {
                    continue;
                }
            } else if in_item {
                // Looking for the key that holds the list; other items of the list are skipped. A
                // block sequence may sit at its key's own indentation.
                let compact_parent = l.dashes == 0 && l.content_col == threshold && l.key.is_some() && l.value_empty;
                if l.first_col() >= threshold && !compact_parent {
                    continue;
                }
            } else if l.content_col == threshold && l.dashes > 0 && l.key.is_some() {
                // The line opens the list item that holds the mapping found so far.
                reversed.extend((0..l.dashes).map(|_| PathSegment::Item));
                threshold = l.first_dash.unwrap_or(threshold);
                in_item = true;
                continue;
            } else if l.first_col() >= threshold {
                continue;
            }
            // A parent candidate: it must be a key whose value is the nested block.
            let key = l.key.filter(|_| l.value_empty)?;
            reversed.push(PathSegment::Key(self.key_text(key)));
            collecting = false;
            match l.first_dash {
                Some(first) => {
                    reversed.extend((0..l.dashes).map(|_| PathSegment::Item));
                    threshold = first;
                    in_item = true;
                }
                None => {
                    threshold = l.content_col;
                    in_item = false;
                    if threshold == 0 {
                        break;
                    }
                }
            }
        }
        reversed.reverse();
        Some((reversed, siblings))
    }

    /// The context inside a flow collection (`{a: 1, b: ‸}`, `[x, ‸]`) that holds `offset`,
    /// `Some(None)` when the spot cannot hold anything, `None` outside any flow collection.
    fn flow_around(&self, offset: usize) -> Option<Option<Cursor>> {
        // The outermost flow collection open at the cursor. The scanner ends every open flow
        // collection at a line indented no deeper than the line that opened it (a forgotten
        // bracket), and so does this walk.
        let mut depth = 0usize;
        let mut open: Option<(usize, usize)> = None; // (token index, indentation of its line)
        let mut line = usize::MAX;
        for (i, t) in self.tokens.iter().enumerate() {
            if t.range.start() >= offset {
                break;
            }
            let t_line = self.index.line_of(t.range.start());
            if t_line != line {
                line = t_line;
                if let Some((_, indent)) = open
                    && self.indent(t_line) <= indent
                    && !matches!(t.kind, TokenKind::FlowSeqEnd | TokenKind::FlowMapEnd | TokenKind::Comma)
                {
                    depth = 0;
                    open = None;
                }
            }
            match t.kind {
                TokenKind::FlowSeqStart | TokenKind::FlowMapStart => {
                    if depth == 0 {
                        open = Some((i, self.indent(t_line)));
                    }
                    depth += 1;
                }
                TokenKind::FlowSeqEnd | TokenKind::FlowMapEnd if depth > 0 => {
                    depth -= 1;
                    if depth == 0 {
                        open = None;
                    }
                }
                _ => {}
            }
        }
        let (first, indent) = open?;
        if self.index.line_of(offset) != self.index.line_of(self.tokens[first].range.start())
            && self.indent(self.index.line_of(offset)) <= indent
        {
            return None;
        }
        // Where the collection ends: its closing bracket, or the dedented line that cuts it.
        let mut depth = 0usize;
        let mut end = self.tokens.len();
        for (i, t) in self.tokens.iter().enumerate().skip(first) {
            if i > first
                && self.first_on_line(i)
                && self.indent(self.index.line_of(t.range.start())) <= indent
                && !matches!(t.kind, TokenKind::FlowSeqEnd | TokenKind::FlowMapEnd | TokenKind::Comma)
            {
                end = i;
                break;
            }
            match t.kind {
                TokenKind::FlowSeqStart | TokenKind::FlowMapStart => depth += 1,
                TokenKind::FlowSeqEnd | TokenKind::FlowMapEnd => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        // The collection is the value of a key or a list item: its path is the block context
        // at its opening bracket.
        let base = match self.cursor_on_line_before_flow(self.tokens[first].range.start()) {
            Some(path) => path,
            None => return Some(None),
        };
        Some(Flow::new(self.text, self.tokens, first, end, base, true).run(offset))
    }

    /// The path of the value that starts at `at` (a flow collection's opening bracket).
    fn cursor_on_line_before_flow(&self, at: usize) -> Option<Vec<PathSegment>> {
        let line_no = self.index.line_of(at);
        let here = self.line(line_no, at);
        let (mut path, _) = self.enclosing(line_no, here)?;
        // Without a key on its line the collection is a list item (`- [a, b]`, and `enclosing`
        // already ended the path in `Item`) or the root.
        if let Some(key) = here.key {
            path.push(PathSegment::Key(self.key_text(key)));
        }
        Some(path)
    }

    fn indent(&self, line: usize) -> usize {
        let (_, content) = self.line_text(line);
        content.bytes().take_while(|b| matches!(b, b' ' | b'\t')).count()
    }

    fn first_on_line(&self, i: usize) -> bool {
        i == 0
            || self.index.line_of(self.tokens[i - 1].range.start()) != self.index.line_of(self.tokens[i].range.start())
    }
}

fn is_block(style: ScalarStyle) -> bool {
    matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
}

fn is_flow_start(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::FlowSeqStart | TokenKind::FlowMapStart)
}

/// A key's text without its quotes (escapes are left as written: keys in specs have none).
fn unquote(raw: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = raw.strip_prefix(q) {
            return inner.strip_suffix(q).unwrap_or(inner);
        }
    }
    raw
}

// ---------------------------------------------------------------------------------------------
// Flow collections and JSON

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Key,
    Colon,
    Value,
    Comma,
}

#[derive(Debug)]
struct Frame {
    object: bool,
    path: Vec<PathSegment>,
    keys: Vec<String>,
    last_key: Option<String>,
    expect: Expect,
    id: usize,
    /// Deeper than the parser reads (`MAX_NESTING`): nothing to offer, and no path is kept,
    /// so a 100,000-deep document costs linear time, not a path copy per level.
    too_deep: bool,
}

/// A walk over the tokens `first..end` of a flow collection (or a whole JSON document).
struct Flow<'t> {
    text: &'t str,
    tokens: &'t [Token],
    first: usize,
    end: usize,
    base: Vec<PathSegment>,
    yaml: bool,
}

impl<'t> Flow<'t> {
    fn new(text: &'t str, tokens: &'t [Token], first: usize, end: usize, base: Vec<PathSegment>, yaml: bool) -> Self {
        Flow { text, tokens, first, end, base, yaml }
    }

    fn run(self, offset: usize) -> Option<Cursor> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut next_id = 0usize;
        // (frame id, place, span, path)
        let mut snapshot: Option<(usize, Place, TextRange, Vec<PathSegment>)> = None;
        let mut cursor_token: Option<usize> = None;
        let mut siblings: Option<Vec<String>> = None;
        let base_depth = self.base.len();
        let mut i = self.first;
        loop {
            let token = self.tokens[..self.end].get(i).copied();
            i += 1;
            if snapshot.is_none() {
                let (between, inside) = match token {
                    None => (true, None),
                    Some(t) if t.range.start() >= offset => (true, None),
                    Some(t) if t.kind == TokenKind::Skipped && t.range.start() < offset && offset < t.range.end() => {
                        return None;
                    }
                    Some(Token { kind: TokenKind::Scalar(_), range })
                        if range.start() < offset && offset <= range.end() =>
                    {
                        (false, Some(range))
                    }
                    _ => (false, None),
                };
                if between || inside.is_some() {
                    let top = stack.last()?;
                    if top.too_deep {
                        return None;
                    }
                    let span = inside.unwrap_or(TextRange::empty(offset));
                    let place = match (top.object, top.expect, inside.is_some()) {
                        (true, Expect::Key, _) => Place::Key,
                        (true, Expect::Value, _) => Place::Value,
                        (false, Expect::Value, _) => Place::Item,
                        // A word after a complete member with no `,` between: the parser reads
                        // it as the next member (and reports the comma), and so does this.
                        (true, Expect::Comma, true) => Place::Key,
                        (false, Expect::Comma, true) => Place::Item,
                        _ => return None,
                    };
                    let mut path = top.path.clone();
                    match place {
                        Place::Value => path.push(PathSegment::Key(top.last_key.clone()?)),
                        Place::Item => path.push(PathSegment::Item),
                        _ => {}
                    }
                    snapshot = Some((top.id, place, span, path));
                    cursor_token = inside.map(|r| r.start());
                }
            }
            let Some(t) = token else { break };
            match t.kind {
                TokenKind::FlowMapStart | TokenKind::FlowSeqStart => {
                    let too_deep = stack.len() + base_depth >= MAX_NESTING;
                    let mut path = Vec::new();
                    match stack.last_mut() {
                        Some(parent) => {
                            if !too_deep {
                                path = parent.path.clone();
                                path.push(if parent.object {
                                    PathSegment::Key(parent.last_key.clone().unwrap_or_default())
                                } else {
                                    PathSegment::Item
                                });
                            }
                            parent.expect = Expect::Comma;
                        }
                        None => path = self.base.clone(),
                    }
                    let object = t.kind == TokenKind::FlowMapStart;
                    stack.push(Frame {
                        object,
                        path,
                        keys: Vec::new(),
                        last_key: None,
                        expect: if object { Expect::Key } else { Expect::Value },
                        id: next_id,
                        too_deep,
                    });
                    next_id += 1;
                }
                TokenKind::FlowMapEnd | TokenKind::FlowSeqEnd => {
                    if let Some(frame) = stack.pop()
                        && snapshot.as_ref().is_some_and(|s| s.0 == frame.id)
                    {
                        siblings = Some(frame.keys);
                        break;
                    }
                }
                TokenKind::Colon => {
                    if let Some(top) = stack.last_mut() {
                        top.expect = Expect::Value;
                    }
                }
                TokenKind::Comma => {
                    if let Some(top) = stack.last_mut() {
                        top.expect = if top.object { Expect::Key } else { Expect::Value };
                    }
                }
                TokenKind::Scalar(style) => {
                    let Some(top) = stack.last_mut() else { continue };
                    // A JSON key must be a string; YAML flow keys may be plain.
                    let may_be_key = self.yaml || style != ScalarStyle::Plain;
                    let key_place = matches!(top.expect, Expect::Key | Expect::Comma);
                    if top.object && key_place && may_be_key {
                        let key = unquote(&self.text[t.range.start()..t.range.end()]).to_string();
                        if cursor_token != Some(t.range.start()) {
                            top.keys.push(key.clone());
                        }
                        top.last_key = Some(key);
                        top.expect = Expect::Colon;
                    } else if top.object && top.expect == Expect::Key {
                        top.expect = Expect::Colon;
                    } else {
                        top.expect = Expect::Comma;
                    }
                }
                _ => {
                    if let Some(top) = stack.last_mut() {
                        top.expect =
                            if top.object && top.expect == Expect::Key { Expect::Colon } else { Expect::Comma };
                    }
                }
            }
        }
        let (id, place, span, path) = snapshot?;
        let siblings = siblings.or_else(|| stack.into_iter().find(|f| f.id == id).map(|f| f.keys)).unwrap_or_default();
        let colon_follows = self.text[span.end()..].trim_start().starts_with(':');
        let quote = self.text[span.start()..span.end()].chars().next().filter(|c| *c == '"' || *c == '\'');
        Some(Cursor {
            place,
            path,
            present_keys: if place == Place::Key { siblings } else { Vec::new() },
            span,
            quote: quote.filter(|_| self.yaml),
            multi_line: false,
            colon_follows,
            needs_space: false,
            top_level_start: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    const CURSOR: &str = "‸";

    /// The text without its `‸` marker, and the cursor there.
    fn at(marked: &str, format: Format) -> (String, Option<Cursor>) {
        let offset = marked.find(CURSOR).expect("cursor marker");
        let text = marked.replacen(CURSOR, "", 1);
        let parsed = parse(&text, format);
        let cursor = cursor_at(&text, &parsed, offset);
        (text, cursor)
    }

    fn yaml(marked: &str) -> (String, Cursor) {
        let (text, cursor) = at(marked, Format::Yaml);
        (text, cursor.unwrap_or_else(|| panic!("no cursor in {marked:?}")))
    }

    fn json(marked: &str) -> (String, Cursor) {
        let (text, cursor) = at(marked, Format::Json);
        (text, cursor.unwrap_or_else(|| panic!("no cursor in {marked:?}")))
    }

    fn path(segments: &[&str]) -> Vec<PathSegment> {
        segments.iter().map(|s| if *s == "-" { PathSegment::Item } else { PathSegment::key(*s) }).collect()
    }

    fn spanned(text: &str, cursor: &Cursor) -> String {
        text[cursor.span.start()..cursor.span.end()].to_string()
    }

    #[test]
    fn a_yaml_key_being_typed_is_a_fresh_key_of_its_mapping() {
        let (text, c) = yaml("name: a\nsiz‸\ntype: amlcompute\n");
        assert_eq!(
            (c.place, c.path.clone(), c.present_keys.clone()),
            (Place::Key, path(&[]), vec!["type".to_string(), "name".to_string()])
        );
        assert_eq!(spanned(&text, &c), "siz");
        assert!(c.is_fresh_line() && c.top_level_start);
    }

    #[test]
    fn a_cursor_on_an_existing_yaml_key_covers_the_whole_key() {
        let (text, c) = yaml("name: a\nti‸er: dedicated\n");
        assert_eq!((c.place, c.colon_follows), (Place::Key, true));
        assert_eq!(spanned(&text, &c), "tier");
        assert!(!c.is_fresh_line());
    }

    #[test]
    fn a_yaml_value_is_spanned_up_to_its_comment() {
        let (text, c) = yaml("name: a\ntier: ded‸icated  # note\n");
        assert_eq!((c.place, c.path.clone()), (Place::Value, path(&["tier"])));
        assert_eq!(spanned(&text, &c), "dedicated");
        assert_eq!(c.quote, None);
    }

    #[test]
    fn right_after_a_colon_the_value_is_empty_and_needs_a_space() {
        let (_, c) = yaml("name: a\ntier:‸\n");
        assert_eq!((c.place, c.path.clone(), c.needs_space), (Place::Value, path(&["tier"]), true));
        assert!(c.span.is_empty());
        let (_, c) = yaml("name: a\ntier: ‸\n");
        assert_eq!((c.place, c.needs_space), (Place::Value, false));
    }

    #[test]
    fn a_quoted_yaml_value_keeps_its_quotes_in_the_span() {
        let (text, c) = yaml("ssh:\n  size: \"Stan‸\" # c\n");
        assert_eq!((c.place, c.path.clone(), c.quote), (Place::Value, path(&["ssh", "size"]), Some('"')));
        assert_eq!(spanned(&text, &c), "\"Stan\"");
        let (text, c) = yaml("size: 'Sta‸\n");
        assert_eq!((c.quote, spanned(&text, &c).as_str()), (Some('\''), "'Sta"));
    }

    #[test]
    fn a_half_typed_line_under_a_mapping_is_a_key_of_that_mapping() {
        let (text, c) = yaml("ssh_settings:\n  admin_username: me\n  si‸\nname: a\n");
        assert_eq!((c.place, c.path.clone()), (Place::Key, path(&["ssh_settings"])));
        assert_eq!(c.present_keys, vec!["admin_username".to_string()]);
        assert_eq!(spanned(&text, &c), "si");
        assert!(!c.top_level_start);
    }

    #[test]
    fn a_blank_line_takes_the_mapping_its_indentation_names() {
        let text = "ssh_settings:\n  admin_username: me\n‸\n";
        let (_, c) = yaml(&text.replace("‸", "  ‸"));
        assert_eq!((c.place, c.path.clone()), (Place::Key, path(&["ssh_settings"])));
        assert!(c.is_fresh_line() && c.span.is_empty());
        let (_, c) = yaml(text);
        assert_eq!(
            (c.place, c.path.clone(), c.present_keys.clone()),
            (Place::Key, path(&[]), vec!["ssh_settings".to_string()])
        );
        assert!(c.top_level_start);
    }

    #[test]
    fn a_lone_dash_starts_a_list_item() {
        let (_, c) = yaml("identity:\n  ids:\n    - ‸\n");
        assert_eq!((c.place, c.path.clone()), (Place::ItemStart, path(&["identity", "ids", "-"])));
        // Compact style: the dash at its key's own indentation.
        let (_, c) = yaml("identity:\n  ids:\n  - ‸\n");
        assert_eq!(c.path, path(&["identity", "ids", "-"]));
        // A word after the dash is the item mapping's first key being typed.
        let (text, c) = yaml("ids:\n  - res‸\n");
        assert_eq!((c.place, c.path.clone(), spanned(&text, &c).as_str()), (Place::Key, path(&["ids", "-"]), "res"));
    }

    #[test]
    fn nested_lists_of_mappings_give_an_item_per_dash() {
        let apps = "apps:\n  - name: app\n    endpoints:\n      - target: 8787\n";
        let (_, c) = yaml(&format!("{apps}        ‸\n"));
        assert_eq!((c.place, c.path.clone()), (Place::Key, path(&["apps", "-", "endpoints", "-"])));
        assert_eq!(c.present_keys, vec!["target".to_string()]);
        let (_, c) = yaml(&format!("{apps}    ‸\n"));
        assert_eq!(c.path, path(&["apps", "-"]));
        let mut keys = c.present_keys.clone();
        keys.sort();
        assert_eq!(keys, vec!["endpoints".to_string(), "name".to_string()]);
        let (_, c) = yaml("apps:\n  - name: app\n    endpoints:\n      - target: ‸\n");
        assert_eq!((c.place, c.path.clone()), (Place::Value, path(&["apps", "-", "endpoints", "-", "target"])));
        let (_, c) = yaml("a:\n  - - x: ‸\n");
        assert_eq!(c.path, path(&["a", "-", "-", "x"]));
    }

    #[test]
    fn flow_mappings_give_keys_and_values() {
        let (_, c) = yaml("x: {a: 1, b: ‸}\n");
        assert_eq!((c.place, c.path.clone()), (Place::Value, path(&["x", "b"])));
        let (text, c) = yaml("x: {a: 1, b‸}\n");
        assert_eq!(
            (c.place, c.path.clone(), c.present_keys.clone()),
            (Place::Key, path(&["x"]), vec!["a".to_string()])
        );
        assert_eq!(spanned(&text, &c), "b");
        let (_, c) = yaml("x: {a: 1, ‸, c: 2}\n");
        assert_eq!(c.present_keys, vec!["a".to_string(), "c".to_string()]);
        let (text, c) = yaml("- {a: 'q‸'}\n");
        assert_eq!((c.path.clone(), c.quote, spanned(&text, &c).as_str()), (path(&["-", "a"]), Some('\''), "'q'"));
    }

    #[test]
    fn flow_sequences_give_items() {
        let (_, c) = yaml("days: [monday, ‸]\n");
        assert_eq!((c.place, c.path.clone()), (Place::Item, path(&["days", "-"])));
        let (text, c) = yaml("days: [mon‸]\n");
        assert_eq!((c.place, spanned(&text, &c).as_str()), (Place::Item, "mon"));
        let (_, c) = yaml("s:\n  days: [[a], {k: [‸]}]\n");
        assert_eq!(c.path, path(&["s", "days", "-", "k", "-"]));
    }

    #[test]
    fn an_unclosed_flow_collection_ends_at_a_dedented_line() {
        let (_, c) = yaml("days: [monday,\n  ‸\n");
        assert_eq!((c.place, c.path.clone()), (Place::Item, path(&["days", "-"])));
        let (_, c) = yaml("days: [monday,\nname: a\n‸\n");
        assert_eq!((c.place, c.path.clone()), (Place::Key, path(&[])));
        assert!(c.present_keys.contains(&"name".to_string()), "{:?}", c.present_keys);
    }

    #[test]
    fn block_and_folded_scalars_hold_the_cursor_on_every_line() {
        for indicator in ["|", ">", "|-"] {
            let (text, c) = yaml(&format!("script: {indicator}\n  echo one\n  ec‸ho two: x\nname: a\n"));
            assert_eq!((c.place, c.path.clone(), c.multi_line), (Place::Value, path(&["script"]), true), "{indicator}");
            assert!(spanned(&text, &c).starts_with(indicator) && spanned(&text, &c).ends_with("two: x"), "{indicator}");
        }
        let (_, c) = yaml("script: |‸\n  echo\n");
        assert!(c.multi_line);
    }

    #[test]
    fn a_plain_scalar_folded_over_lines_holds_the_cursor_on_its_continuation() {
        let (text, c) = yaml("description: a long\n  text that fo‸lds\nname: a\n");
        assert_eq!((c.place, c.path.clone(), c.multi_line), (Place::Value, path(&["description"]), true));
        assert_eq!(spanned(&text, &c), "a long\n  text that folds");
        let (_, c) = yaml("d: \"a quoted\n  str‸ing\"\n");
        assert_eq!((c.path.clone(), c.quote, c.multi_line), (path(&["d"]), Some('"'), true));
    }

    #[test]
    fn crlf_line_ends_are_no_part_of_keys_or_values() {
        let (_, c) = yaml("name: a\r\nssh:\r\n  admin_username: me\r\n  ‸\r\n");
        assert_eq!(
            (c.place, c.path.clone(), c.present_keys.clone()),
            (Place::Key, path(&["ssh"]), vec!["admin_username".to_string()])
        );
        let (text, c) = yaml("tier: ded‸\r\nname: a\r\n");
        assert_eq!(spanned(&text, &c), "ded");
        let (text, c) = yaml("name: a\r\nsi‸\r\n");
        assert_eq!((c.place, spanned(&text, &c).as_str()), (Place::Key, "si"));
    }

    #[test]
    fn nowhere_to_write_gives_no_cursor() {
        assert!(at("name: a # comm‸ent\n", Format::Yaml).1.is_none());
        assert!(at("name: a\n  ‸\n", Format::Yaml).1.is_none(), "under a scalar");
        assert!(at("x: &anchor ‸\n", Format::Yaml).1.is_none());
        assert!(at("{\"a\": 1} xy‸z", Format::Json).1.is_none(), "after the JSON document");
        assert!(at("‸{\"a\": 1}", Format::Json).1.is_none(), "before it");
    }

    #[test]
    fn json_keys_values_and_items() {
        let (text, c) = json("{\n  \"name\": \"a\",\n  \"agentV‸\"\n}\n");
        assert_eq!(
            (c.place, c.path.clone(), c.present_keys.clone()),
            (Place::Key, path(&[]), vec!["name".to_string()])
        );
        assert_eq!(spanned(&text, &c), "\"agentV\"");
        let (_, c) = json("{\"properties\": {\"computeType\": ‸}}");
        assert_eq!((c.place, c.path.clone()), (Place::Value, path(&["properties", "computeType"])));
        assert!(c.span.is_empty());
        let (text, c) = json("{\"properties\": {\"computeType\": \"AK‸S\"}}");
        assert_eq!((c.place, spanned(&text, &c).as_str(), c.quote), (Place::Value, "\"AKS\"", None));
        let (_, c) = json("{\"a\": [1, ‸]}");
        assert_eq!((c.place, c.path.clone()), (Place::Item, path(&["a", "-"])));
        let (_, c) = json("{\"a\": [{\"b\": 1, ‸}]}");
        assert_eq!(
            (c.place, c.path.clone(), c.present_keys.clone()),
            (Place::Key, path(&["a", "-"]), vec!["b".to_string()])
        );
    }

    #[test]
    fn json_keys_after_the_cursor_are_present_too() {
        let (_, c) = json("{\n  \"name\": \"aks1\",\n  ‸\n  \"properties\": {\"computeType\": \"AKS\"}\n}\n");
        assert_eq!(c.present_keys, vec!["name".to_string(), "properties".to_string()]);
        assert_eq!(c.path, path(&[]));
    }

    #[test]
    fn unclosed_and_broken_json_still_has_a_cursor() {
        let (_, c) = json("{\"properties\": {\"x\": 1, ‸");
        assert_eq!(
            (c.place, c.path.clone(), c.present_keys.clone()),
            (Place::Key, path(&["properties"]), vec!["x".to_string()])
        );
        let (_, c) = json("{\"properties\": {\"x\": ‸\n");
        assert_eq!((c.place, c.path.clone()), (Place::Value, path(&["properties", "x"])));
        let (_, c) = json("{\"a\": 1 \"b‸");
        assert_eq!((c.place, c.present_keys.clone()), (Place::Key, vec!["a".to_string()]));
        let (_, c) = json("{\"a\": 1,, ‸}");
        assert_eq!(c.place, Place::Key);
    }

    #[test]
    fn the_cursor_in_json_nested_past_the_limit_has_no_context() {
        let deep = format!("{{\"a\": {}‸{}}}", "[".repeat(MAX_NESTING + 5), "]".repeat(MAX_NESTING + 5));
        assert!(at(&deep, Format::Json).1.is_none());
        let deep = format!("x: {}‸{}\n", "[".repeat(MAX_NESTING + 5), "]".repeat(MAX_NESTING + 5));
        assert!(at(&deep, Format::Yaml).1.is_none());
    }

    #[test]
    fn node_at_names_the_key_or_value_and_its_path() {
        let text = "a:\n  - b: x\n    c: [y, z]\n";
        let root = parse(text, Format::Yaml).root.unwrap();
        let (p, hit) = node_at(&root, text.find('c').unwrap()).unwrap();
        assert_eq!(p, path(&["a", "-", "c"]));
        assert!(matches!(hit, Hit::Key(r) if &text[r.start()..r.end()] == "c"));
        let (p, hit) = node_at(&root, text.find('z').unwrap()).unwrap();
        assert_eq!(p, path(&["a", "-", "c", "-"]));
        assert!(matches!(hit, Hit::Value(n) if n.scalar_text() == Some("z")));
        let json = "{\"p\": {\"q\": [true]}}";
        let root = parse(json, Format::Json).root.unwrap();
        let (p, _) = node_at(&root, json.find("true").unwrap()).unwrap();
        assert_eq!(p, path(&["p", "q", "-"]));
        assert_eq!(keys_only(&p), None);
        assert_eq!(keys_only(&path(&["p", "q"])), Some(vec!["p", "q"]));
    }

    #[test]
    fn offsets_clamp_to_characters_and_off_crlf() {
        assert_eq!(clamp_offset("é", 1), 0);
        assert_eq!(clamp_offset("a\r\nb", 2), 1);
        assert_eq!(clamp_offset("ab", 9), 2);
        assert_eq!(clamp_offset("\u{feff}a", 0), 3);
    }
}
