//! Which bytes from the client are LSP messages, and why the others are refused.
//!
//! The base protocol (LSP 3.17, "Base Protocol") frames each message as ASCII headers, a blank line
//! and a JSON-RPC 2.0 body of exactly `Content-Length` bytes, UTF-8 unless `Content-Type` names
//! another charset. A bad frame must not end the session: the reader answers it (JSON-RPC 2.0 §5.1
//! error codes, with the request's id when one can be recovered from the damaged body), then looks
//! for the next `Content-Length` header and carries on. Every frame handed on has been checked to
//! deserialize as tower-lsp's own message types, so nothing downstream can fail to decode it.

use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tower_lsp_server::jsonrpc::{Request, Response};

/// JSON-RPC 2.0 §5.1: the body is not JSON (or not text).
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC 2.0 §5.1: the JSON is not a valid request object.
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC 2.0 §5.1; LSP 3.17 "$ Notifications and Requests": an unknown `$/` request.
pub const METHOD_NOT_FOUND: i64 = -32601;

/// A header block longer than this is not a header block: the reader skips it as noise.
const MAX_HEADER_BYTES: usize = 16 * 1024;
/// The largest body accepted. A bigger declared length is treated as a bad header, so a corrupt
/// length can never make the server buffer gigabytes or swallow the rest of the session.
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;
/// How long a body that is already a complete JSON value may wait for the rest of an overstated
/// `Content-Length` before it is answered as a framing error (a client that waits for the reply
/// would otherwise wait forever).
const OVERSTATED_LENGTH_GRACE: Duration = Duration::from_millis(500);

const CONTENT_LENGTH: &[u8] = b"content-length";
const CONTENT_TYPE: &[u8] = b"content-type";

/// One thing read from the client.
#[derive(Debug)]
pub enum Frame {
    /// A valid request or notification.
    Request(Request),
    /// A valid response to a request the server sent.
    Response(Response),
    /// A frame that was refused: answer `reply` (when there is one) and go on reading.
    Refused(Refusal),
}

/// Why a frame was refused, and the error reply the client gets.
#[derive(Debug)]
pub struct Refusal {
    /// The id to answer with: the request's when it could be recovered, else `null`. `None` for a
    /// refused response or a notification, which get no reply.
    pub id: Option<Value>,
    pub code: i64,
    pub message: String,
}

impl Refusal {
    fn new(id: Option<Value>, code: i64, message: String) -> Self {
        Refusal { id, code, message }
    }

    /// The JSON-RPC error response for this refusal, if it gets one.
    pub fn reply(&self) -> Option<Value> {
        let id = self.id.clone()?;
        Some(json!({"jsonrpc": "2.0", "id": id, "error": {"code": self.code, "message": self.message}}))
    }
}

/// Reads frames from a byte stream, recovering from bad ones.
pub struct FrameReader<R> {
    input: R,
    buf: Vec<u8>,
    /// Where the unread bytes of `buf` start.
    pos: usize,
    /// One read's worth of bytes (a separate buffer keeps `fill` cancel-safe).
    chunk: Vec<u8>,
    eof: bool,
    /// The last frame's extent was unknown: skip to the next header before reading on. Done
    /// lazily, so the refusal is answered before the reader waits for more input.
    resync_pending: bool,
    /// Stream offset of `buf[0]`, for error messages.
    consumed: u64,
}

/// The parsed header block of a frame.
struct Headers {
    length: Result<usize, String>,
    charset_error: Option<String>,
    /// Bytes the block takes, blank line included.
    size: usize,
}

enum HeaderScan {
    Complete(Headers),
    /// More bytes are needed.
    Partial,
    /// The bytes at the frame start are not a header block.
    Noise,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(input: R) -> Self {
        FrameReader {
            input,
            buf: Vec::new(),
            pos: 0,
            chunk: vec![0; 256 * 1024],
            eof: false,
            resync_pending: false,
            consumed: 0,
        }
    }

    /// Reads more bytes; false at the end of the stream. Cancel-safe: an interrupted read loses
    /// nothing.
    async fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        let n = self.input.read(&mut self.chunk).await.unwrap_or(0);
        if n == 0 {
            self.eof = true;
            return false;
        }
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.consumed += self.pos as u64;
            self.pos = 0;
        }
        self.buf.extend_from_slice(&self.chunk[..n]);
        true
    }

    fn at(&self) -> u64 {
        self.consumed + self.pos as u64
    }

    /// The next frame, or `None` at the end of the input.
    pub async fn next(&mut self) -> Option<Frame> {
        if std::mem::take(&mut self.resync_pending) {
            self.resync(0).await;
        }
        loop {
            // Blank lines between frames are tolerated.
            while self.pos < self.buf.len() && matches!(self.buf[self.pos], b'\r' | b'\n' | b' ' | b'\t') {
                self.pos += 1;
            }
            if self.pos == self.buf.len() {
                if !self.fill().await {
                    return None;
                }
                continue;
            }
            let headers = match scan_headers(&self.buf[self.pos..]) {
                HeaderScan::Partial if !self.eof => {
                    self.fill().await;
                    continue;
                }
                HeaderScan::Partial => {
                    let skipped = self.buf.len() - self.pos;
                    self.pos = self.buf.len();
                    eprintln!("aml-compute-ls: ignored {skipped} bytes at the end of the input (no complete header)");
                    return None;
                }
                HeaderScan::Noise => {
                    let start = self.at();
                    let skipped = self.resync(1).await;
                    eprintln!(
                        "aml-compute-ls: skipped {skipped} bytes of unframed data at byte {start} (expected a `Content-Length` header)"
                    );
                    continue;
                }
                HeaderScan::Complete(h) => h,
            };
            let header_at = self.at();
            self.pos += headers.size;
            let length = match headers.length {
                Ok(length) => length,
                Err(problem) => {
                    // The body's extent is unknown: recover an id from what arrives with it, then
                    // skip to the next header.
                    self.settle(0).await;
                    let id = recover_id(up_to_next_header(&self.buf[self.pos..])).unwrap_or(Value::Null);
                    self.resync_pending = true;
                    return Some(Frame::Refused(Refusal::new(
                        Some(id),
                        PARSE_ERROR,
                        format!("bad frame header at byte {header_at}: {problem}"),
                    )));
                }
            };
            let overstated = |actual: usize, reader: &mut Self| {
                let id = recover_id(&reader.buf[reader.pos..reader.pos + actual]).unwrap_or(Value::Null);
                reader.pos += actual;
                Some(Frame::Refused(Refusal::new(
                    Some(id),
                    PARSE_ERROR,
                    format!(
                        "bad frame at byte {header_at}: `Content-Length: {length}` but the message ends after {actual} bytes"
                    ),
                )))
            };
            match self.read_body(length).await {
                Ok(()) => {}
                Err(BodyCut::Eof) => return None,
                Err(BodyCut::Overstated { actual }) => return overstated(actual, self),
            }
            let end = self.pos + length;
            let body = &self.buf[self.pos..end];
            let mut frame = match headers.charset_error {
                Some(problem) => Frame::Refused(Refusal::new(
                    Some(Value::Null),
                    PARSE_ERROR,
                    format!("frame at byte {header_at}: {problem}"),
                )),
                None => decode_body(body, header_at),
            };
            // The frames after an overstated length may have arrived with it: then the body is a
            // complete message followed by the next frame's header.
            if matches!(&frame, Frame::Refused(r) if r.code == PARSE_ERROR)
                && let Some(actual) = overstated_within(body)
            {
                return overstated(actual, self);
            }
            // A body that could not be decoded is answered with its id when one can be found,
            // also in bytes after an understated length: look up to the next header for it.
            if let Frame::Refused(refusal) = &mut frame
                && refusal.code == PARSE_ERROR
            {
                self.settle(length).await;
                let end = self.pos + length;
                let context = &self.buf[self.pos..end + up_to_next_header(&self.buf[end..]).len()];
                refusal.id = Some(recover_id(context).unwrap_or(Value::Null));
            }
            self.pos += length;
            return Some(frame);
        }
    }

    /// Waits until the body is buffered. Returns `Overstated` when the bytes that arrived hold a
    /// complete JSON value followed by another frame's header (or by silence): the declared
    /// length was too long, and waiting for it would swallow the next message or hang.
    async fn read_body(&mut self, length: usize) -> Result<(), BodyCut> {
        let mut searched: usize = 0;
        loop {
            let available = self.buf.len() - self.pos;
            if available >= length {
                return Ok(());
            }
            let partial = &self.buf[self.pos..];
            let from = searched.saturating_sub(CONTENT_LENGTH.len());
            if let Some(hit) = find_header_name(&partial[from..]) {
                let actual = from + hit;
                if is_complete_json(&partial[..actual]) {
                    return Err(BodyCut::Overstated { actual });
                }
            }
            searched = available;
            match tokio::time::timeout(OVERSTATED_LENGTH_GRACE, self.fill()).await {
                Ok(true) => {}
                Ok(false) => return Err(BodyCut::Eof),
                Err(_) => {
                    let partial = &self.buf[self.pos..];
                    if is_complete_json(partial) {
                        return Err(BodyCut::Overstated { actual: partial.len() });
                    }
                }
            }
        }
    }

    /// Reads what is still arriving after the first `from` unread bytes (stopping at the next
    /// header, after a short silence, or at 1 MiB), so that the id of a damaged message does not
    /// depend on how the pipe happened to split it. Offsets stay relative to `pos`, which `fill`
    /// may move.
    async fn settle(&mut self, from: usize) {
        let mut searched = from;
        loop {
            let unread = &self.buf[self.pos..];
            let look_from = searched.saturating_sub(CONTENT_LENGTH.len()).min(unread.len());
            if find_header_name(&unread[look_from..]).is_some() || unread.len() > (1 << 20) {
                return;
            }
            searched = unread.len();
            match tokio::time::timeout(Duration::from_millis(20), self.fill()).await {
                Ok(true) => {}
                _ => return,
            }
        }
    }

    /// Skips bytes up to the next header name, searching from `skip` bytes on
    /// and reading as needed. Skipped bytes are released as it goes. Returns how many it skipped.
    async fn resync(&mut self, skip: usize) -> usize {
        let mut skipped = 0;
        let mut from = skip.min(self.buf.len() - self.pos);
        loop {
            if let Some(hit) = find_header_name(&self.buf[self.pos + from..]) {
                self.pos += from + hit;
                return skipped + from + hit;
            }
            // Keep a tail that may hold the start of a header name split across reads.
            let available = self.buf.len() - self.pos;
            let release = available.saturating_sub(CONTENT_LENGTH.len() - 1).max(from);
            self.pos += release;
            skipped += release;
            from = 0;
            if !self.fill().await {
                skipped += self.buf.len() - self.pos;
                self.pos = self.buf.len();
                return skipped;
            }
        }
    }
}

/// Where the message really ends when a body holds a complete JSON value followed by another
/// frame's header: a valid body never does, so this is an overstated `Content-Length`.
fn overstated_within(body: &[u8]) -> Option<usize> {
    let hit = find_header_name(body)?;
    is_complete_json(&body[..hit]).then_some(hit)
}

/// The bytes before the next header name.
fn up_to_next_header(bytes: &[u8]) -> &[u8] {
    &bytes[..find_header_name(bytes).unwrap_or(bytes.len())]
}

enum BodyCut {
    Eof,
    Overstated { actual: usize },
}

/// Finds the next LSP header name, `Content-Length` or `Content-Type` (ASCII case-insensitive):
/// where the next frame may start. It runs over every byte of big bodies, so it jumps between
/// candidate first letters with `memchr`.
fn find_header_name(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'C', b'c', &bytes[from..]) {
        let at = from + i;
        let rest = &bytes[at..];
        let starts = |name: &[u8]| rest.get(..name.len()).is_some_and(|r| r.eq_ignore_ascii_case(name));
        if starts(CONTENT_LENGTH) || starts(CONTENT_TYPE) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn is_complete_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// Parses the header block at the start of `bytes` (LSP 3.17 "Header Part": `name: value` lines
/// ended by `\r\n`, then an empty line; a bare `\n` is tolerated).
fn scan_headers(bytes: &[u8]) -> HeaderScan {
    let mut at = 0;
    let mut length: Option<Result<usize, String>> = None;
    let mut charset_error = None;
    loop {
        let Some(eol) = bytes[at..].iter().position(|b| *b == b'\n') else {
            // An unfinished line must still look like the start of a header (or of the blank
            // line: a lone `\r` waiting for its `\n`).
            let line = &bytes[at..];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let name_end = line.iter().position(|b| *b == b':').unwrap_or(line.len());
            let plausible = line[..name_end].iter().all(|b| is_name_byte(*b))
                && line.iter().all(|b| is_header_byte(*b) || *b == b'\r')
                && (name_end > 0 || line.is_empty());
            if bytes.len() > MAX_HEADER_BYTES || !plausible {
                return HeaderScan::Noise;
            }
            return HeaderScan::Partial;
        };
        let line = &bytes[at..at + eol];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at += eol + 1;
        if line.is_empty() {
            return match length {
                Some(length) => HeaderScan::Complete(Headers { length, charset_error, size: at }),
                None => HeaderScan::Complete(Headers {
                    length: Err("no `Content-Length` header".into()),
                    charset_error,
                    size: at,
                }),
            };
        }
        if at > MAX_HEADER_BYTES || !line.iter().all(|b| is_header_byte(*b)) {
            return HeaderScan::Noise;
        }
        let Some(colon) = line.iter().position(|b| *b == b':') else { return HeaderScan::Noise };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|b| is_name_byte(*b)) {
            return HeaderScan::Noise;
        }
        // Header bytes are ASCII (checked above), so this is valid UTF-8.
        let value = String::from_utf8_lossy(&line[colon + 1..]).trim().to_string();
        if name.eq_ignore_ascii_case(b"content-length") {
            let parsed = parse_length(&value);
            length = Some(match (length, parsed) {
                (Some(Ok(a)), Ok(b)) if a != b => Err(format!("two different `Content-Length` headers ({a} and {b})")),
                (Some(Err(e)), _) | (_, Err(e)) => Err(e),
                (_, Ok(b)) => Ok(b),
            });
        } else if name.eq_ignore_ascii_case(b"content-type") {
            charset_error = charset_problem(&value);
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn is_header_byte(b: u8) -> bool {
    b == b'\t' || (0x20..0x7f).contains(&b)
}

fn parse_length(value: &str) -> Result<usize, String> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`Content-Length: {value}` is not a byte count"));
    }
    match value.parse::<usize>() {
        Ok(n) if n <= MAX_BODY_BYTES => Ok(n),
        _ => Err(format!("`Content-Length: {value}` is over the {} MiB limit", MAX_BODY_BYTES >> 20)),
    }
}

/// LSP 3.17 "Header Part": the charset defaults to utf-8, and `utf8` is accepted for backwards
/// compatibility; no other encoding is defined.
fn charset_problem(content_type: &str) -> Option<String> {
    let charset = content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())?;
    if charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8") {
        return None;
    }
    Some(format!("unsupported charset `{charset}` in `Content-Type` (LSP messages are UTF-8)"))
}

/// Decodes and checks one body. A body that cannot be decoded is refused with a `null` id, for
/// the reader to fill in from the bytes around it.
fn decode_body(body: &[u8], at: u64) -> Frame {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            let id = Value::Null;
            let where_ = e.valid_up_to();
            return Frame::Refused(Refusal::new(
                Some(id),
                PARSE_ERROR,
                format!("message at byte {at} is not UTF-8 (invalid byte at body offset {where_})"),
            ));
        }
    };
    let repaired;
    let text = if text.contains("\\u") || text.contains("\\U") {
        repaired = replace_lone_surrogates(text);
        repaired.as_str()
    } else {
        text
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Frame::Refused(Refusal::new(
                Some(Value::Null),
                PARSE_ERROR,
                format!("message at byte {at} is not valid JSON: {e}"),
            ));
        }
    };
    check_message(value, at)
}

/// JSON-RPC 2.0 §4 and §5: the shape of a request, notification or response.
fn check_message(value: Value, at: u64) -> Frame {
    let refuse = |id: Option<Value>, message: String| {
        Frame::Refused(Refusal::new(id, INVALID_REQUEST, format!("message at byte {at}: {message}")))
    };
    let Value::Object(fields) = &value else {
        let what = match &value {
            Value::Array(_) => "an array (LSP does not use JSON-RPC batches)",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return refuse(Some(Value::Null), format!("a message must be a JSON object, not {what}"));
    };
    let is_response = !fields.contains_key("method") && (fields.contains_key("result") || fields.contains_key("error"));
    let id = fields.get("id").cloned();
    // Replies go to requests only; a refused notification or response is logged, not answered.
    let reply_id = if is_response { None } else { id.clone() };
    if fields.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        let got = fields.get("jsonrpc").map_or("nothing".to_string(), |v| v.to_string());
        return refuse(reply_id, format!("`jsonrpc` must be \"2.0\" (got {got})"));
    }
    if let Some(id) = &id {
        let valid = match id {
            Value::String(_) | Value::Null => true,
            Value::Number(n) => n.is_i64(),
            _ => false,
        };
        if !valid {
            return refuse(reply_id, format!("`id` must be an integer or a string (got {id})"));
        }
    }
    if is_response {
        return match serde_json::from_value::<Response>(value) {
            Ok(response) => Frame::Response(response),
            Err(e) => refuse(None, format!("malformed response: {e}")),
        };
    }
    match fields.get("method") {
        Some(Value::String(_)) => {}
        Some(other) => return refuse(reply_id, format!("`method` must be a string (got {other})")),
        None => return refuse(reply_id, "no `method`, `result` or `error`".to_string()),
    }
    if let Some(params) = fields.get("params")
        && !matches!(params, Value::Object(_) | Value::Array(_) | Value::Null)
    {
        return refuse(reply_id, format!("`params` must be an object or an array (got {params})"));
    }
    match serde_json::from_value::<Request>(value) {
        Ok(request) => Frame::Request(request),
        Err(e) => refuse(reply_id, format!("malformed request: {e}")),
    }
}

/// Replaces `\u` escapes of unpaired UTF-16 surrogates with `\uFFFD`. RFC 8259 §8.2 leaves such
/// strings' meaning undefined and serde rejects them; the editor's text holds the lone surrogate
/// as one UTF-16 unit, and U+FFFD is one unit too, so positions stay aligned with the editor.
fn replace_lone_surrogates(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let surrogate = |at: usize| -> Option<u16> {
        let hex = bytes.get(at + 2..at + 6)?;
        if bytes[at] != b'\\' || !matches!(bytes[at + 1], b'u' | b'U') {
            return None;
        }
        let unit = u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
        (0xD800..=0xDFFF).contains(&unit).then_some(unit)
    };
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match surrogate(i) {
            Some(high) if high < 0xDC00 => {
                if surrogate(i + 6).is_some_and(|low| low >= 0xDC00) {
                    i += 12;
                } else {
                    out[i + 2..i + 6].copy_from_slice(b"FFFD");
                    i += 6;
                }
            }
            Some(_) => {
                out[i + 2..i + 6].copy_from_slice(b"FFFD");
                i += 6;
            }
            // Any other escape is two bytes long as far as surrogates are concerned (`\\` included).
            None => i += 2,
        }
    }
    // Only ASCII hex digits were replaced by ASCII, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Parses a body that may be damaged (invalid UTF-8 replaced), for the id only.
fn parse_lenient(bytes: &[u8]) -> Option<Value> {
    let text = String::from_utf8_lossy(bytes);
    serde_json::from_str(&replace_lone_surrogates(&text)).ok()
}

/// The request id in a damaged body: the value of a top-level `"id"` member, when it is an
/// integer or a string. Used only to address the error reply.
pub fn recover_id(bytes: &[u8]) -> Option<Value> {
    if let Some(Value::Object(fields)) = parse_lenient(bytes) {
        return fields.get("id").filter(|id| id.is_i64() || id.is_string()).cloned();
    }
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return None;
                }
            }
            b'"' => {
                let end = string_end(bytes, i)?;
                if depth == 1 && &bytes[i..end] == b"\"id\"" {
                    let mut j = end;
                    while bytes.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
                        j += 1;
                    }
                    if bytes.get(j) == Some(&b':') {
                        j += 1;
                        while bytes.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
                            j += 1;
                        }
                        let token_end = match bytes.get(j) {
                            Some(b'"') => string_end(bytes, j)?,
                            Some(b'-' | b'0'..=b'9') => {
                                j + 1 + bytes[j + 1..].iter().take_while(|b| b.is_ascii_digit()).count()
                            }
                            _ => return None,
                        };
                        let token = String::from_utf8_lossy(&bytes[j..token_end]);
                        return serde_json::from_str::<Value>(&token).ok().filter(|v| v.is_i64() || v.is_string());
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset just past the JSON string that starts at `start` (a `"`), if it is closed.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        while let Some(frame) = reader.next().await {
            out.push(frame);
        }
        out
    }

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#;

    fn refusal(f: &Frame) -> &Refusal {
        match f {
            Frame::Refused(r) => r,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn is_ping(f: &Frame) -> bool {
        matches!(f, Frame::Request(r) if r.method() == "ping")
    }

    /// Each bad frame is refused with the right code and id, and the next frame is still read.
    #[tokio::test]
    async fn every_bad_frame_is_refused_and_the_next_one_read() {
        let cases: Vec<(&str, Vec<u8>, i64, Value)> = vec![
            ("invalid JSON", frame(r#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"#), PARSE_ERROR, json!(1)),
            ("empty body", frame(""), PARSE_ERROR, Value::Null),
            ("bad length", b"Content-Length: abc\r\n\r\n{\"id\":2}".to_vec(), PARSE_ERROR, json!(2)),
            ("negative length", b"Content-Length: -5\r\n\r\n{}".to_vec(), PARSE_ERROR, Value::Null),
            ("huge length", b"Content-Length: 99999999999999999999\r\n\r\n{}".to_vec(), PARSE_ERROR, Value::Null),
            (
                "missing length",
                b"Content-Type: application/vscode-jsonrpc\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":3}".to_vec(),
                PARSE_ERROR,
                json!(3),
            ),
            (
                "unknown charset",
                {
                    let body = r#"{"jsonrpc":"2.0","id":4,"method":"x"}"#;
                    format!("Content-Length: {}\r\nContent-Type: text/json; charset=latin1\r\n\r\n{body}", body.len())
                        .into_bytes()
                },
                PARSE_ERROR,
                json!(4),
            ),
            (
                "invalid UTF-8",
                {
                    let body = b"{\"jsonrpc\":\"2.0\",\"id\":5,\"a\":\"\xff\"}";
                    [format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(), body].concat()
                },
                PARSE_ERROR,
                json!(5),
            ),
            ("array", frame("[1,2]"), INVALID_REQUEST, Value::Null),
            ("number", frame("42"), INVALID_REQUEST, Value::Null),
            ("jsonrpc 1.0", frame(r#"{"jsonrpc":"1.0","id":6,"method":"x"}"#), INVALID_REQUEST, json!(6)),
            ("no jsonrpc", frame(r#"{"id":"s","method":"x"}"#), INVALID_REQUEST, json!("s")),
            ("object id", frame(r#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#), INVALID_REQUEST, json!({"a": 1})),
            ("float id", frame(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#), INVALID_REQUEST, json!(1.5)),
            ("numeric method", frame(r#"{"jsonrpc":"2.0","id":8,"method":3}"#), INVALID_REQUEST, json!(8)),
            ("no method", frame(r#"{"jsonrpc":"2.0","id":9}"#), INVALID_REQUEST, json!(9)),
            (
                "string params",
                frame(r#"{"jsonrpc":"2.0","id":10,"method":"x","params":"p"}"#),
                INVALID_REQUEST,
                json!(10),
            ),
            ("garbage then frame", b"hello world\r\n".to_vec(), 0, Value::Null),
        ];
        for (name, bad, code, id) in cases {
            let input = [bad, frame(PING)].concat();
            let got = frames(&input).await;
            if code == 0 {
                assert_eq!(got.len(), 1, "{name}: {got:?}");
            } else {
                assert_eq!(got.len(), 2, "{name}: {got:?}");
                let r = refusal(&got[0]);
                assert_eq!((r.code, r.id.clone()), (code, Some(id)), "{name}: {}", r.message);
            }
            assert!(is_ping(got.last().unwrap()), "{name}: {got:?}");
        }
    }

    #[tokio::test]
    async fn a_wrong_length_never_swallows_the_next_frame() {
        // Understated: the body is cut; the rest is skipped up to the next header.
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"x"}"#;
        let short = format!("Content-Length: 10\r\n\r\n{body}").into_bytes();
        let got = frames(&[short, frame(PING)].concat()).await;
        assert_eq!(refusal(&got[0]).id, Some(json!(1)));
        assert!(is_ping(&got[1]), "{got:?}");
        // Overstated: the next header shows where the message really ended, whether or not the
        // declared length has arrived (here with the frames after it).
        let long = format!("Content-Length: 500\r\n\r\n{body}").into_bytes();
        let got = frames(&[long.clone(), frame(PING)].concat()).await;
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(refusal(&got[0]).message.contains("ends after"), "{got:?}");
        let got = frames(
            &[
                long,
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
                frame(PING),
            ]
            .concat(),
        )
        .await;
        assert_eq!(got.len(), 15, "{got:?}");
        assert!(refusal(&got[0]).message.contains("ends after"), "{got:?}");
        assert_eq!(refusal(&got[0]).id, Some(json!(1)));
        assert!(is_ping(&got[1]), "{got:?}");
    }

    #[tokio::test]
    async fn frames_without_a_length_are_each_answered() {
        let missing = |id: i64| {
            format!(
                "Content-Type: application/vscode-jsonrpc\r\n\r\n{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"x\"}}"
            )
            .into_bytes()
        };
        let got = frames(&[missing(1), missing(2), frame(PING)].concat()).await;
        let ids: Vec<_> = got.iter().take(2).map(|f| refusal(f).id.clone()).collect();
        assert_eq!(ids, vec![Some(json!(1)), Some(json!(2))], "{got:?}");
        assert!(is_ping(&got[2]), "{got:?}");
    }

    #[tokio::test]
    async fn an_overstated_length_on_the_last_message_is_answered_without_more_input() {
        let (mut client, server) = tokio::io::duplex(1024);
        let body = r#"{"jsonrpc":"2.0","id":3,"method":"x"}"#;
        tokio::io::AsyncWriteExt::write_all(&mut client, format!("Content-Length: 900\r\n\r\n{body}").as_bytes())
            .await
            .unwrap();
        let mut reader = FrameReader::new(server);
        let started = std::time::Instant::now();
        let got = reader.next().await.unwrap();
        assert_eq!(refusal(&got).id, Some(json!(3)));
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(client);
    }

    #[tokio::test]
    async fn lone_surrogates_become_replacement_characters() {
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":"\ud800x\udc00\\ud800\ud83d\ude80"}}"#;
        let got = frames(&frame(body)).await;
        let Frame::Request(r) = &got[0] else { panic!("{got:?}") };
        assert_eq!(r.params().unwrap()["a"], "\u{fffd}x\u{fffd}\\ud800🚀");
    }

    #[tokio::test]
    async fn headers_are_case_insensitive_and_utf8_charsets_accepted() {
        for header in ["content-length", "CONTENT-LENGTH"] {
            let input = format!(
                "{header}: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf8\r\n\r\n{PING}",
                PING.len()
            );
            assert!(is_ping(&frames(input.as_bytes()).await[0]));
        }
        // A bare `\n` between headers is tolerated, and blank lines between frames too.
        let input = format!("\r\nContent-Length: {}\n\n{PING}", PING.len());
        assert!(is_ping(&frames(input.as_bytes()).await[0]));
    }

    /// Reads `input` in chunks of the given sizes, as a pipe may deliver it.
    struct Chunked {
        data: Vec<u8>,
        at: usize,
        sizes: Vec<usize>,
        next: usize,
    }

    impl AsyncRead for Chunked {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            let size = self.sizes[self.next % self.sizes.len()].max(1);
            self.next += 1;
            let end = (self.at + size).min(self.data.len()).min(self.at + buf.remaining());
            let at = self.at;
            buf.put_slice(&self.data[at..end]);
            self.at = end;
            std::task::Poll::Ready(Ok(()))
        }
    }

    fn summary(frames: &[Frame]) -> Vec<String> {
        frames
            .iter()
            .map(|f| match f {
                Frame::Request(r) => format!("request {} {:?}", r.method(), r.id()),
                Frame::Response(r) => format!("response {:?}", r.id()),
                Frame::Refused(r) => format!("refused {} {:?}", r.code, r.id),
            })
            .collect()
    }

    /// However the bytes are split between reads, the same frames come out.
    #[tokio::test]
    async fn frames_do_not_depend_on_how_reads_split_the_stream() {
        let big = format!(r#"{{"jsonrpc":"2.0","method":"big","params":{{"t":"{}"}}}}"#, "x".repeat(70_000));
        let parts: Vec<Vec<u8>> = vec![
            frame(PING),
            b"Content-Length: abc\r\n\r\n{\"id\":2}".to_vec(),
            frame(&big),
            format!("Content-Length: 10\r\n\r\n{PING}").into_bytes(),
            frame(r#"{"jsonrpc":"2.0","id":3,"result":null}"#),
            b"noise\r\n".to_vec(),
            format!(
                "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{PING}",
                PING.len()
            )
            .into_bytes(),
            format!("Content-Length: 300\r\n\r\n{PING}").into_bytes(),
            frame(PING),
        ];
        let input = parts.concat();
        let whole = summary(&frames(&input).await);
        assert_eq!(whole.len(), 8, "{whole:#?}");
        let mut splits =
            vec![vec![1], vec![2], vec![3], vec![7, 1, 13], vec![4096], vec![65_536, 5], vec![20, 1, 1, 2]];
        let mut seed = 14u64;
        for _ in 0..20 {
            splits.push(
                (0..64)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        1 + (seed >> 33) as usize % 400
                    })
                    .collect(),
            );
        }
        for sizes in splits {
            let mut reader = FrameReader::new(Chunked { data: input.clone(), at: 0, sizes: sizes.clone(), next: 0 });
            let mut got = Vec::new();
            while let Some(frame) = reader.next().await {
                got.push(frame);
            }
            assert_eq!(summary(&got), whole, "reads of {sizes:?} bytes");
        }
    }

    #[test]
    fn refused_notifications_and_responses_get_no_reply() {
        let Frame::Refused(r) = check_message(json!({"jsonrpc": "1.0", "method": "x"}), 0) else { panic!() };
        assert!(r.reply().is_none());
        let Frame::Refused(r) = check_message(json!({"jsonrpc": "2.0", "id": 1, "error": {"code": "x"}}), 0) else {
            panic!()
        };
        assert!(r.reply().is_none());
    }

    #[test]
    fn ids_are_recovered_from_damaged_bodies() {
        assert_eq!(recover_id(br#"{"jsonrpc":"2.0","id":12,"method":"x","params":{"#), Some(json!(12)));
        assert_eq!(recover_id(br#"{"params":{"id":1},"id":"abc","#), Some(json!("abc")));
        assert_eq!(recover_id(br#"{"method":"x","params":{"id":1}"#), None);
        assert_eq!(recover_id(b"\xff\xfe"), None);
    }
}
