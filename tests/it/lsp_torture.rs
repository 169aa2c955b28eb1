//! LSP torture (issue 14): random sessions against the real binary over stdio. Opens, incremental
//! edits (positions past the end, ranges inside surrogate pairs, deletes of everything, several
//! changes per notification, megabyte pastes and their undo), requests at random positions,
//! malformed frames and cancel floods, all pipelined as an impatient editor would send them.
//!
//! Asserted: every request is answered; the server's copy of every document equals the client's
//! (read back with the test-only request); the diagnostics published for each document's last
//! version equal `check` on the client's final text; `shutdown` + `exit` end the process with
//! status 0 within 2 s. A failure names the seed and the step, so it can be replayed.
//!
//! `cargo test --test it lsp_torture::` runs a smoke version. The full run (50 sessions × 500
//! operations, 20,000 edits for the memory figure) is ignored by default:
//! `AML_TORTURE_SESSIONS=50 AML_TORTURE_OPS=500 cargo test --test it lsp_torture:: -- --ignored --nocapture`
//! (`AML_TORTURE_PASTES=0` without the megabyte pastes; `AML_TORTURE_FIRST_SEED=n` replays from
//! session n; `AML_TEST_TIMEOUT_SECS` raises the per-message wait on a slow debug build).

use crate::support::lsp_client;

use aml_compute_ls::check::check_text;
use aml_compute_ls::syntax::text::{LineIndex, PositionEncoding};
use lsp_client::Client;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_aml-compute-ls");

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// The client's model of a document: LSP's rules, written independently of the server.

/// Line start offsets; LSP 3.17 counts `\n`, `\r\n` and `\r` as line ends, nothing else.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            starts.push(i + 2);
            i += 2;
            continue;
        }
        if matches!(bytes[i], b'\r' | b'\n') {
            starts.push(i + 1);
        }
        i += 1;
    }
    starts
}

fn width(ch: char, encoding: PositionEncoding) -> usize {
    match encoding {
        PositionEncoding::Utf8 => ch.len_utf8(),
        PositionEncoding::Utf16 => ch.len_utf16(),
        PositionEncoding::Utf32 => 1,
    }
}

/// A position's byte offset: a column past the end of its line means the line's end, a line past
/// the end means the end of the text, and a column inside a character (half a surrogate pair)
/// means that character's start.
fn offset(text: &str, line: u64, character: u64, encoding: PositionEncoding) -> usize {
    let starts = line_starts(text);
    let Some(&start) = starts.get(line as usize) else { return text.len() };
    let end = starts.get(line as usize + 1).copied().unwrap_or(text.len());
    let content = text[start..end].trim_end_matches(['\n', '\r']);
    let mut counted = 0u64;
    for (at, ch) in content.char_indices() {
        let w = width(ch, encoding) as u64;
        if counted + w > character {
            return start + at;
        }
        counted += w;
    }
    start + content.len()
}

/// The length of each line in the encoding's units (line ends excluded).
fn line_lengths(text: &str, encoding: PositionEncoding) -> Vec<usize> {
    let starts = line_starts(text);
    (0..starts.len())
        .map(|i| {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            text[starts[i]..end].trim_end_matches(['\n', '\r']).chars().map(|c| width(c, encoding)).sum()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// What the sessions are made of.

const PIECES: &[&str] = &[
    "\n",
    "\r\n",
    "\r",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\u{b}",
    "\u{c}",
    "  ",
    "\t",
    "a",
    "name: ",
    "cpu-cluster",
    "type: amlcompute\n",
    "size: Standard_DS3_v2\n",
    "min_instances: 0\nmax_instances: 4\n",
    "location: eastus\n",
    "tier: low_priority\n",
    "- ",
    ": ",
    "\"",
    "'",
    "{",
    "}",
    "[",
    "]",
    ",",
    "#",
    "&a ",
    "*a",
    "---\n",
    "日本",
    "é",
    "🚀",
    "👩‍👩‍👧",
    "\u{feff}",
    "\u{fffd}",
    "\"computeType\": \"AmlCompute\"",
    "ssh_public_access_enabled: true\n",
    "admin_password: S3cr3t-Passw0rd\n",
];

fn seed_texts() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for dir in ["examples", "tests/fixtures/yaml", "tests/fixtures/json"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".annotated") {
                continue;
            }
            texts.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    texts
}

/// A megabyte-sized paste of spec-shaped text (block mappings and lists; the checker's
/// pathological shapes are the engine's fuzzing's business).
fn big_paste(rng: &mut Rng, bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 100);
    let shape = rng.below(3);
    let mut i = 0;
    while text.len() < bytes {
        match shape {
            0 => text.push_str(&format!("  tag{i}: \"value {i} with ünïcödé and 🚀\"\n")),
            1 => text.push_str(&format!("  - item-{i}\r\n")),
            _ => text.push_str(&format!("# comment {i}\u{2028}still the same line\rkey{i}: {i}\n")),
        }
        i += 1;
    }
    text
}

/// A malformed frame, and the reply it must get (id, error code), if any.
fn malformed(rng: &mut Rng, id: i64) -> (Vec<u8>, Option<(Value, i64)>) {
    let frame = |body: &[u8]| [format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(), body].concat();
    match rng.below(13) {
        0 => (
            frame(format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{{"#).as_bytes()),
            Some((json!(id), -32700)),
        ),
        1 => (
            format!("Content-Length: x{id}\r\n\r\n{{\"jsonrpc\":\"2.0\",\"id\":{id}}}").into_bytes(),
            Some((json!(id), -32700)),
        ),
        2 => (
            format!(
                "Content-Type: application/vscode-jsonrpc\r\n\r\n{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"x\"}}"
            )
            .into_bytes(),
            Some((json!(id), -32700)),
        ),
        3 => {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"x"}}"#);
            (
                format!(
                    "Content-Length: {}\r\nContent-Type: application/json; charset=utf-16\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes(),
                Some((json!(id), -32700)),
            )
        }
        4 => (
            frame(
                &[format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"x","params":{{"a":""#).as_bytes(), b"\xff\xfe\"}}"]
                    .concat(),
            ),
            Some((json!(id), -32700)),
        ),
        5 => (frame(b"[1, 2, 3]"), Some((Value::Null, -32600))),
        6 => (
            frame(format!(r#"{{"jsonrpc":"1.0","id":{id},"method":"textDocument/hover"}}"#).as_bytes()),
            Some((json!(id), -32600)),
        ),
        7 => (
            frame(format!(r#"{{"jsonrpc":"2.0","id":{{"n":{id}}},"method":"x"}}"#).as_bytes()),
            Some((json!({"n": id}), -32600)),
        ),
        8 => (
            frame(format!(r#"{{"jsonrpc":"2.0","id":{id}.5,"method":"x"}}"#).as_bytes()),
            Some((json!(id as f64 + 0.5), -32600)),
        ),
        9 => (
            frame(format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"$/aml/unknown"}}"#).as_bytes()),
            Some((json!(id), -32601)),
        ),
        10 => {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/documentSymbol","params":{{}}}}"#);
            (format!("Content-Length: {}\r\n\r\n{body}", body.len() / 2).into_bytes(), Some((json!(id), -32700)))
        }
        11 => {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/documentSymbol","params":{{}}}}"#);
            (format!("Content-Length: {}\r\n\r\n{body}", body.len() + 3000).into_bytes(), Some((json!(id), -32700)))
        }
        _ => (b"\x00garbage that is no header\r\n\r\n}}}\n".to_vec(), None),
    }
}

// ---------------------------------------------------------------------------------------------
// A session.

struct Doc {
    name: String,
    text: String,
    version: i64,
}

#[derive(Default, Debug, Clone)]
struct Figures {
    latencies: Vec<Duration>,
    operations: usize,
    edits: usize,
    requests: usize,
    malformed: usize,
    cancels: usize,
    pasted_bytes: usize,
    max_rss_kb: u64,
}

impl std::ops::AddAssign for Figures {
    fn add_assign(&mut self, o: Figures) {
        self.operations += o.operations;
        self.edits += o.edits;
        self.requests += o.requests;
        self.malformed += o.malformed;
        self.cancels += o.cancels;
        self.pasted_bytes += o.pasted_bytes;
        self.max_rss_kb = self.max_rss_kb.max(o.max_rss_kb);
        self.latencies.extend(o.latencies);
    }
}

fn rss_kb(c: &Client) -> u64 {
    let Some(pid) = c.child.as_ref().and_then(|ch| ch.id()) else { return 0 };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct Session {
    rng: Rng,
    c: Client,
    encoding: PositionEncoding,
    docs: BTreeMap<String, Doc>,
    closed: Vec<(String, String)>,
    seeds: Vec<(String, String)>,
    /// Requests sent and not yet answered: id → the error code that must come back, if fixed.
    pending: HashMap<String, Option<i64>>,
    /// When each pending request was sent, and how long the answered ones took.
    sent_at: HashMap<String, Instant>,
    latencies: Vec<Duration>,
    next_version: i64,
    next_raw_id: i64,
    figures: Figures,
    allow_big: bool,
    seed: u64,
    /// What was sent, for the failure report.
    log: Vec<String>,
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // `AML_TORTURE_FULL_LOG=1` prints every step.
            let tail =
                if std::env::var_os("AML_TORTURE_FULL_LOG").is_some() { 0 } else { self.log.len().saturating_sub(25) };
            eprintln!(
                "torture session seed {} failed; its last steps:\n  {}",
                self.seed,
                self.log[tail..].join("\n  ")
            );
        }
    }
}

fn key(id: &Value) -> String {
    id.to_string()
}

impl Session {
    async fn start(seed: u64, allow_big: bool) -> Session {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let utf8 = rng.chance(50);
        let capabilities =
            if utf8 { json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}) } else { json!({}) };
        let (c, init) =
            Client::spawn_binary_with_env(BIN, &[("AML_COMPUTE_LS_TEST_HOOKS", "1")], capabilities, Value::Null).await;
        let encoding = match init["result"]["capabilities"]["positionEncoding"].as_str() {
            Some("utf-8") => PositionEncoding::Utf8,
            _ => PositionEncoding::Utf16,
        };
        Session {
            rng,
            c,
            encoding,
            docs: BTreeMap::new(),
            closed: Vec::new(),
            seeds: seed_texts(),
            pending: HashMap::new(),
            sent_at: HashMap::new(),
            latencies: Vec::new(),
            next_version: 1,
            next_raw_id: 1_000_000,
            figures: Figures::default(),
            allow_big,
            seed,
            log: Vec::new(),
        }
    }

    fn uri(name: &str) -> String {
        format!("file:///torture/{name}")
    }

    fn version(&mut self) -> i64 {
        self.next_version += 1;
        self.next_version
    }

    async fn open(&mut self) {
        let (name, text) = match self.closed.pop().filter(|_| self.rng.chance(30)) {
            Some(reopened) => reopened,
            None => {
                let (name, text) = self.rng.pick(&self.seeds).clone();
                (format!("{}-{name}", self.rng.below(1000)), text)
            }
        };
        if self.docs.contains_key(&name) {
            return;
        }
        let version = self.version();
        self.c
            .notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": Session::uri(&name), "languageId": "yaml", "version": version, "text": text}}),
            )
            .await;
        self.log.push(format!("open {name} v{version}"));
        self.docs.insert(name.clone(), Doc { name, text, version });
    }

    fn random_doc(&mut self) -> Option<String> {
        let names: Vec<String> = self.docs.keys().cloned().collect();
        (!names.is_empty()).then(|| self.rng.pick(&names).clone())
    }

    /// A position in the document: mostly valid, sometimes past a line's end or the text's end,
    /// sometimes in the middle of a surrogate pair.
    fn position(&mut self, text: &str) -> (u64, u64) {
        let lengths = line_lengths(text, self.encoding);
        match self.rng.below(20) {
            0 => (self.rng.below(lengths.len() + 50) as u64, self.rng.below(200) as u64),
            1 => (u32::MAX as u64, u32::MAX as u64),
            2 => {
                // Inside a surrogate pair, when there is one.
                let starts = line_starts(text);
                for (line, start) in starts.iter().enumerate() {
                    let end = starts.get(line + 1).copied().unwrap_or(text.len());
                    let mut col = 0;
                    for ch in text[*start..end].chars() {
                        if ch.len_utf16() == 2 && self.rng.chance(50) {
                            return (line as u64, col as u64 + 1);
                        }
                        col += width(ch, self.encoding);
                    }
                }
                (0, 1)
            }
            _ => {
                let line = self.rng.below(lengths.len());
                (line as u64, self.rng.below(lengths[line] + 3) as u64)
            }
        }
    }

    fn insert_text(&mut self) -> String {
        if self.allow_big && self.rng.chance(2) {
            let size = (1 << 20) + self.rng.below(2 << 20);
            self.figures.pasted_bytes += size;
            return big_paste(&mut self.rng, size);
        }
        let mut s = String::new();
        for _ in 0..self.rng.below(5) {
            let piece = PIECES[self.rng.below(PIECES.len())];
            s.push_str(piece);
        }
        s
    }

    async fn edit(&mut self) {
        let Some(name) = self.random_doc() else { return self.open().await };
        let mut text = self.docs[&name].text.clone();
        if text.len() > 4 << 20 {
            // The user gives up on a huge document and clears it (this bounds the run's time).
            let version = self.version();
            let everything = json!({"range": {"start": {"line": 0, "character": 0}, "end": {"line": u32::MAX, "character": u32::MAX}}, "text": ""});
            return self.send_change(&name, version, vec![everything], String::new()).await;
        }
        let mut changes = Vec::new();
        let mut undo_paste = None;
        for _ in 0..1 + self.rng.below(3) {
            let change = match self.rng.below(12) {
                0 => {
                    // Delete everything.
                    text.clear();
                    json!({"range": {"start": {"line": 0, "character": 0}, "end": {"line": u32::MAX, "character": u32::MAX}}, "text": ""})
                }
                1 => {
                    let new = self.insert_text();
                    text = new.clone();
                    json!({"text": new})
                }
                _ => {
                    let a = self.position(&text);
                    let b = self.position(&text);
                    // Mostly ordered ranges; sometimes reversed, which the server treats as empty.
                    let (start, end) = if a <= b || self.rng.chance(10) { (a, b) } else { (b, a) };
                    let insert = self.insert_text();
                    let from = offset(&text, start.0, start.1, self.encoding);
                    let to = offset(&text, end.0, end.1, self.encoding).max(from);
                    if insert.len() > 100_000 && self.rng.chance(85) {
                        undo_paste = Some((from, insert.len()));
                    }
                    text.replace_range(from..to, &insert);
                    json!({"range": {"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}}, "text": insert})
                }
            };
            changes.push(change);
        }
        let version = self.version();
        self.send_change(&name, version, changes, text).await;
        // An editor's undo of a big paste comes right after it.
        if let Some((from, len)) = undo_paste {
            let text = self.docs[&name].text.clone();
            if text.len() >= from + len {
                let (s, e) = (position_of(&text, from, self.encoding), position_of(&text, from + len, self.encoding));
                let mut undone = text.clone();
                undone.replace_range(from..from + len, "");
                let version = self.version();
                let change = json!({"range": {"start": {"line": s.0, "character": s.1}, "end": {"line": e.0, "character": e.1}}, "text": ""});
                self.send_change(&name, version, vec![change], undone).await;
            }
        }
    }

    async fn send_change(&mut self, name: &str, version: i64, changes: Vec<Value>, text: String) {
        let summary: Vec<String> = changes
            .iter()
            .map(|c| {
                format!(
                    "{}+{}b",
                    c.get("range").map_or("full".into(), |r| r.to_string()),
                    c["text"].as_str().unwrap().len()
                )
            })
            .collect();
        self.log.push(format!("change {name} v{version}: {}", summary.join("; ")));
        self.c
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": Session::uri(name), "version": version}, "contentChanges": changes}),
            )
            .await;
        let doc = self.docs.get_mut(name).unwrap();
        doc.text = text;
        doc.version = version;
        self.figures.edits += 1;
    }

    async fn request(&mut self) {
        let name = self.random_doc().unwrap_or_else(|| "never-opened.yml".into());
        let text = self.docs.get(&name).map(|d| d.text.clone()).unwrap_or_default();
        let uri = Session::uri(&name);
        let (line, character) = self.position(&text);
        let position = json!({"line": line, "character": character});
        let kind = self.rng.below(8);
        let (method, params) = match kind {
            0 => ("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": position})),
            1 => ("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": position})),
            2 => ("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})),
            3 => (
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": {"start": position, "end": position}, "context": {"diagnostics": []}}),
            ),
            4 => ("textDocument/codeLens", json!({"textDocument": {"uri": uri}})),
            5 => ("textDocument/hover", json!({"textDocument": {"uri": uri}})),
            _ => ("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": position})),
        };
        let id = self.c.send_request(method, params).await;
        self.log.push(format!("request {id} {method} {name} {line}:{character}"));
        // A hover without a position must be refused with InvalidParams, not ignored.
        let expected = (kind == 5).then_some(-32602);
        self.expect_reply(json!(id), expected);
        self.figures.requests += 1;
    }

    async fn malformed(&mut self) {
        self.next_raw_id += 1;
        let (bytes, reply) = malformed(&mut self.rng, self.next_raw_id);
        self.log.push(format!("malformed {:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(80)])));
        self.c.send_raw(&bytes).await;
        if let Some((id, code)) = reply {
            // Replies with a null id cannot be told apart: wait for this one now.
            if id.is_null() {
                let r = self.await_reply(&id).await;
                assert_eq!(r["error"]["code"], code, "reply to a malformed frame: {r}");
            } else {
                self.expect_reply(id, Some(code));
            }
        }
        self.figures.malformed += 1;
    }

    async fn cancel_flood(&mut self) {
        let Some(name) = self.random_doc() else { return };
        let id = self
            .c
            .send_request("textDocument/documentSymbol", json!({"textDocument": {"uri": Session::uri(&name)}}))
            .await;
        self.expect_reply(json!(id), None);
        self.figures.requests += 1;
        for i in 0..50 {
            let target = match i % 5 {
                0 => json!(id),
                1 => json!(id + 1000 + i),
                2 => json!(format!("no-such-{i}")),
                3 => json!(-1),
                _ => json!(id),
            };
            self.c.notify("$/cancelRequest", json!({"id": target})).await;
        }
        self.figures.cancels += 50;
        self.log.push(format!("cancel flood on {id}"));
    }

    async fn close(&mut self) {
        let Some(name) = self.random_doc() else { return };
        self.c.notify("textDocument/didClose", json!({"textDocument": {"uri": Session::uri(&name)}})).await;
        let doc = self.docs.remove(&name).unwrap();
        self.log.push(format!("close {name}"));
        self.closed.push((doc.name, doc.text));
    }

    /// The server's copy of a document equals the client's.
    async fn verify_text(&mut self, name: &str) {
        let id = self
            .c
            .send_request("amlComputeLs/debug/documentText", json!({"textDocument": {"uri": Session::uri(name)}}))
            .await;
        let r = self.await_reply(&json!(id)).await;
        let doc = &self.docs[name];
        let server = r["result"]["text"].as_str().unwrap_or_else(|| panic!("no text for {name}: {r}"));
        if server != doc.text {
            let at = server.bytes().zip(doc.text.bytes()).take_while(|(a, b)| a == b).count();
            panic!(
                "the server's text of {name} differs from the client's at byte {at} ({} vs {} bytes)\nserver: {:?}\nclient: {:?}",
                server.len(),
                doc.text.len(),
                &server[floor(server, at.saturating_sub(40))..floor(server, (at + 40).min(server.len()))],
                &doc.text[floor(&doc.text, at.saturating_sub(40))..floor(&doc.text, (at + 40).min(doc.text.len()))],
            );
        }
        assert_eq!(r["result"]["version"], doc.version);
    }

    fn expect_reply(&mut self, id: Value, expected: Option<i64>) {
        self.sent_at.insert(key(&id), Instant::now());
        self.pending.insert(key(&id), expected);
    }

    /// Reads one message: notifications are kept for later, replies to pending requests checked.
    /// Returns the message.
    async fn route(&mut self) -> Value {
        let msg = self.c.next_message().await;
        if msg.get("method").is_some() {
            if msg.get("id").is_none() {
                self.c.keep(msg.clone());
            }
            return msg;
        }
        if let Some(sent) = msg.get("id").and_then(|id| self.sent_at.remove(&key(id))) {
            self.latencies.push(sent.elapsed());
        }
        if let Some(id) = msg.get("id")
            && let Some(expected) = self.pending.remove(&key(id))
        {
            match expected {
                Some(code) => assert_eq!(msg["error"]["code"], code, "reply to {id}: {msg}"),
                None => assert!(
                    msg.get("result").is_some() || msg["error"]["code"] == -32800,
                    "reply to {id} is an error: {msg}"
                ),
            }
        }
        msg
    }

    /// Waits for the reply with this id, checking the others that arrive meanwhile.
    async fn await_reply(&mut self, id: &Value) -> Value {
        loop {
            let msg = self.route().await;
            if msg.get("method").is_none() && msg.get("id") == Some(id) {
                return msg;
            }
        }
    }

    /// Waits until every request sent has its reply.
    async fn drain(&mut self) {
        let deadline = Instant::now() + lsp_client::message_timeout();
        while !self.pending.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if tokio::time::timeout(left, self.route()).await.is_err() {
                panic!("unanswered requests: {:?}", self.pending.keys().collect::<Vec<_>>());
            }
        }
    }

    /// The `publishDiagnostics` parameters for this version of a document (waiting for them).
    async fn published(&mut self, uri: &str, version: i64) -> Value {
        loop {
            let found = self.c.backlog_iter().find(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == version
            });
            if let Some(found) = found {
                return found["params"].clone();
            }
            self.route().await;
        }
    }

    /// The diagnostics published for the last version of each open document are `check`'s.
    async fn verify_diagnostics(&mut self) {
        let names: Vec<String> = self.docs.keys().cloned().collect();
        for name in names {
            let (text, version) = (self.docs[&name].text.clone(), self.docs[&name].version);
            self.log.push(format!("expect diagnostics of {name} v{version}"));
            let published = self.published(&Session::uri(&name), version).await;
            // As the server checks it: the file's path, and the settings of an empty section.
            let path = format!("/torture/{name}");
            let options = aml_compute_ls::server::config::parse(&Value::Null).0;
            let expected = check_text(&text, Some(&path), &options);
            let index = LineIndex::new(&text);
            let want: Vec<Finding> = expected
                .diagnostics
                .iter()
                .map(|d| {
                    let s = index.line_col(&text, d.range.start(), self.encoding);
                    let e = index.line_col(&text, d.range.end(), self.encoding);
                    (d.code.id(), (s.line, s.col), (e.line, e.col))
                })
                .collect();
            let got: Vec<Finding> = published["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    let p = |v: &Value| (v["line"].as_u64().unwrap() as u32, v["character"].as_u64().unwrap() as u32);
                    (d["code"].as_str().unwrap().to_string(), p(&d["range"]["start"]), p(&d["range"]["end"]))
                })
                .collect();
            assert_eq!(got, want, "diagnostics of {name} v{version}");
        }
    }

    async fn run(mut self, operations: usize) -> Figures {
        self.open().await;
        for step in 0..operations {
            let op = self.rng.below(100);
            match op {
                0..=9 => self.open().await,
                10..=54 => self.edit().await,
                55..=79 => self.request().await,
                80..=84 => self.malformed().await,
                85..=86 => self.cancel_flood().await,
                87..=90 => self.close().await,
                _ => {
                    if let Some(name) = self.random_doc() {
                        self.verify_text(&name).await;
                    }
                }
            }
            if step % 50 == 49 {
                self.figures.max_rss_kb = self.figures.max_rss_kb.max(rss_kb(&self.c));
            }
            self.figures.operations += 1;
        }
        self.drain().await;
        let names: Vec<String> = self.docs.keys().cloned().collect();
        for name in &names {
            self.verify_text(name).await;
        }
        self.verify_diagnostics().await;
        self.figures.max_rss_kb = self.figures.max_rss_kb.max(rss_kb(&self.c));
        let started = Instant::now();
        let id = self.c.send_request("shutdown", Value::Null).await;
        let reply = self.c.reply_within(&json!(id), Duration::from_secs(2)).await.expect("shutdown answered in 2 s");
        assert!(reply.get("error").is_none(), "{reply}");
        self.c.notify("exit", Value::Null).await;
        let status = self.c.wait_exit(Duration::from_secs(2)).await.expect("the server exits in 2 s");
        assert_eq!(status.code(), Some(0), "exit status");
        assert!(started.elapsed() < Duration::from_secs(4));
        let mut figures = self.figures.clone();
        figures.latencies = std::mem::take(&mut self.latencies);
        figures
    }
}

/// A diagnostic as compared: code, start and end (line, column).
type Finding = (String, (u32, u32), (u32, u32));

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The LSP position of a byte offset, by the client's rules.
fn position_of(text: &str, at: usize, encoding: PositionEncoding) -> (u64, u64) {
    let starts = line_starts(text);
    let line = starts.partition_point(|s| *s <= at) - 1;
    let col: usize = text[starts[line]..at].chars().map(|c| width(c, encoding)).sum();
    (line as u64, col as u64)
}

async fn run_sessions(sessions: u64, operations: usize, allow_big: bool) -> Figures {
    let started = Instant::now();
    let mut total = Figures::default();
    // `AML_TORTURE_FIRST_SEED` replays a failed session.
    let first = std::env::var("AML_TORTURE_FIRST_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    for seed in first..first + sessions {
        let session = Session::start(seed, allow_big).await;
        let figures = session.run(operations).await;
        if sessions > 5 {
            eprintln!("session {seed} done after {:?}", started.elapsed());
        }
        total += figures;
    }
    total.latencies.sort();
    let at = |q: usize| total.latencies.get(total.latencies.len() * q / 100).copied().unwrap_or_default();
    eprintln!(
        "replies: p50 {:?}, p99 {:?}, slowest {:?} (pipelined: includes waiting behind earlier messages and checks)",
        at(50),
        at(99),
        total.latencies.last().copied().unwrap_or_default()
    );
    eprintln!(
        "LSP torture: {sessions} sessions × {operations} operations in {:?}: 0 crashes, 0 unanswered requests; \
         {} edits, {} requests, {} malformed frames, {} cancels, {} MB pasted; peak RSS {} MB",
        started.elapsed(),
        total.edits,
        total.requests,
        total.malformed,
        total.cancels,
        total.pasted_bytes >> 20,
        total.max_rss_kb >> 10,
    );
    total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn torture_smoke() {
    let figures = run_sessions(5, 200, false).await;
    assert!(figures.requests > 150 && figures.edits > 300 && figures.malformed > 20, "{figures:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long run for the figures: AML_TORTURE_SESSIONS / AML_TORTURE_OPS"]
async fn torture_long() {
    let sessions = std::env::var("AML_TORTURE_SESSIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let operations = std::env::var("AML_TORTURE_OPS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    // `AML_TORTURE_PASTES=0` leaves out the megabyte pastes (much faster on a debug build).
    let pastes = std::env::var("AML_TORTURE_PASTES").map_or(true, |v| v != "0");
    run_sessions(sessions, operations, pastes).await;
}

/// Memory stays bounded over many edits of one document: the resident size after the last edit
/// is within a margin of the size after the first tenth.
async fn memory_over_edits(edits: usize) {
    let (mut c, _) =
        Client::spawn_binary_with_env(BIN, &[("AML_COMPUTE_LS_TEST_HOOKS", "1")], json!({}), Value::Null).await;
    let uri = "file:///torture/memory.yml";
    let mut text = include_str!("../../examples/cpu-cluster.yml").to_string();
    c.open(uri, &text).await;
    let mut rng = Rng(0x5EED);
    let mut samples = Vec::new();
    let mut inserted: Option<(usize, String)> = None;
    for i in 0..edits {
        // Insert a piece, then delete it again (an edit and its undo), so the text keeps its
        // size and any growth in memory is the server's.
        let ((line, col), end, insert) = match inserted.take() {
            None => {
                let lengths = line_lengths(&text, PositionEncoding::Utf16);
                let line = rng.below(lengths.len());
                let col = rng.below(lengths[line] + 1);
                let at = offset(&text, line as u64, col as u64, PositionEncoding::Utf16);
                let piece = PIECES[rng.below(PIECES.len())].to_string();
                inserted = Some((at, piece.clone()));
                ((line, col), (line, col), piece)
            }
            Some((at, piece)) => {
                let (start, end) = (
                    position_of(&text, at, PositionEncoding::Utf16),
                    position_of(&text, at + piece.len(), PositionEncoding::Utf16),
                );
                ((start.0 as usize, start.1 as usize), (end.0 as usize, end.1 as usize), String::new())
            }
        };
        let from = offset(&text, line as u64, col as u64, PositionEncoding::Utf16);
        let to = offset(&text, end.0 as u64, end.1 as u64, PositionEncoding::Utf16);
        text.replace_range(from..to, &insert);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [
                {"range": {"start": {"line": line, "character": col}, "end": {"line": end.0, "character": end.1}}, "text": insert}
            ]}),
        )
        .await;
        if i % (edits / 10) == edits / 10 - 1 {
            let r = c.request("amlComputeLs/debug/documentText", json!({"textDocument": {"uri": uri}})).await;
            assert_eq!(r["result"]["text"].as_str(), Some(text.as_str()), "after {} edits", i + 1);
            samples.push(rss_kb(&c));
        }
    }
    let first = samples[0];
    let last = *samples.last().unwrap();
    eprintln!("RSS over {edits} edits (KB, every tenth): {samples:?}");
    // Room for allocator noise, none for growth with the number of edits.
    assert!(last <= first + first / 4 + 4 * 1024, "RSS grew from {first} KB to {last} KB over {edits} edits");
    let id = c.send_request("shutdown", Value::Null).await;
    c.reply_to(&json!(id)).await;
    c.notify("exit", Value::Null).await;
    assert_eq!(c.wait_exit(Duration::from_secs(2)).await.and_then(|s| s.code()), Some(0));
}

fn threads(c: &Client) -> u64 {
    let Some(pid) = c.child.as_ref().and_then(|ch| ch.id()) else { return 0 };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}

/// A client that opens hundreds of documents at once does not get a thread for each: the
/// checks share a bounded pool, and every document is still checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_opens_uses_a_bounded_number_of_threads() {
    let (mut c, _) =
        Client::spawn_binary_with_env(BIN, &[("AML_COMPUTE_LS_TEST_HOOKS", "1")], json!({}), Value::Null).await;
    let text = include_str!("../../examples/cpu-cluster.yml");
    let documents = 300;
    let mut most = 0;
    for i in 0..documents {
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": format!("file:///flood/{i}.yml"), "languageId": "yaml", "version": 1, "text": text}}),
        )
        .await;
        most = most.max(threads(&c));
    }
    let mut checked = std::collections::HashSet::new();
    while checked.len() < documents {
        let message = c.next_message().await;
        if message["method"] == "textDocument/publishDiagnostics" {
            checked.insert(message["params"]["uri"].as_str().unwrap_or_default().to_string());
        }
        most = most.max(threads(&c));
    }
    // The main thread, two workers, the blocking pool, and a few of the runtime's own.
    let bound = 1 + 2 + aml_compute_ls::server::MAX_BLOCKING_THREADS as u64 + 4;
    assert!(most > 0, "the server's threads could not be read");
    assert!(most <= bound, "{most} threads for {documents} documents opened at once (at most {bound})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_over_edits_smoke() {
    memory_over_edits(2_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long run for the figures"]
async fn memory_stays_bounded_over_twenty_thousand_edits() {
    memory_over_edits(20_000).await;
}
