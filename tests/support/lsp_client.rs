//! An LSP client for tests: drives the server over the wire protocol (Content-Length framing)
//! like an editor, either in-process on in-memory pipes or as the real binary over stdio.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// How long to wait for any message: [`TIMEOUT`], or `AML_TEST_TIMEOUT_SECS` (for long runs on a
/// debug build of a loaded machine).
pub fn message_timeout() -> Duration {
    std::env::var("AML_TEST_TIMEOUT_SECS").ok().and_then(|v| v.parse().ok()).map(Duration::from_secs).unwrap_or(TIMEOUT)
}

pub struct Client {
    writer: Box<dyn AsyncWrite + Unpin + Send>,
    reader: BufReader<Box<dyn AsyncRead + Unpin + Send>>,
    /// The server process, when the client runs the binary (killed on drop).
    pub child: Option<tokio::process::Child>,
    next_id: i64,
    /// Notifications and server requests read while waiting for something else.
    backlog: VecDeque<Value>,
    /// What to answer to `workspace/configuration`.
    pub settings: Value,
    /// The button to press on `window/showMessageRequest` (None: dismiss).
    pub answer: Option<String>,
    /// Every request the server sent to the client, in order.
    pub server_requests: Vec<Value>,
    /// Every notification the server sent, in order.
    pub notifications: Vec<Value>,
}

impl Client {
    /// Starts a server with these client capabilities and initialization options.
    pub async fn start(capabilities: Value, init_options: Value) -> (Client, Value) {
        let (client_end, server_end) = tokio::io::duplex(1 << 22);
        let (server_read, server_write) = tokio::io::split(server_end);
        tokio::spawn(aml_compute_ls::server::serve(server_read, server_write));
        let (read, write) = tokio::io::split(client_end);
        Client::connect(Box::new(read), Box::new(write), None, capabilities, init_options).await
    }

    /// Runs the `aml-compute-ls --stdio` binary and talks to it over its standard streams.
    pub async fn spawn_binary(binary: &str, capabilities: Value, init_options: Value) -> (Client, Value) {
        Client::spawn_binary_with_env(binary, &[], capabilities, init_options).await
    }

    /// Like [`Client::spawn_binary`], with extra environment variables for the server.
    pub async fn spawn_binary_with_env(
        binary: &str,
        env: &[(&str, &str)],
        capabilities: Value,
        init_options: Value,
    ) -> (Client, Value) {
        let mut child = tokio::process::Command::new(binary)
            .arg("--stdio")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            // `AML_TEST_SERVER_STDERR=1` shows the server's log, for debugging a test.
            .stderr(if std::env::var_os("AML_TEST_SERVER_STDERR").is_some() {
                std::process::Stdio::inherit()
            } else {
                std::process::Stdio::null()
            })
            .kill_on_drop(true)
            .spawn()
            .expect("the server binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        Client::connect(Box::new(stdout), Box::new(stdin), Some(child), capabilities, init_options).await
    }

    async fn connect(
        read: Box<dyn AsyncRead + Unpin + Send>,
        write: Box<dyn AsyncWrite + Unpin + Send>,
        child: Option<tokio::process::Child>,
        capabilities: Value,
        init_options: Value,
    ) -> (Client, Value) {
        let mut client = Client {
            writer: write,
            reader: BufReader::new(read),
            child,
            next_id: 1,
            backlog: VecDeque::new(),
            settings: Value::Null,
            answer: None,
            server_requests: Vec::new(),
            notifications: Vec::new(),
        };
        let init = client
            .request("initialize", json!({"capabilities": capabilities, "initializationOptions": init_options}))
            .await;
        client.notify("initialized", json!({})).await;
        (client, init)
    }

    pub async fn default() -> Client {
        Client::start(json!({}), Value::Null).await.0
    }

    pub async fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        let frame = [format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes(), body].concat();
        self.writer.write_all(&frame).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    /// Writes bytes as they are: for malformed frames.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    /// Sends a request without waiting for its reply; returns its id.
    pub async fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await;
        id
    }

    /// Waits for the reply with this id (`null` included), keeping notifications for later.
    pub async fn reply_to(&mut self, id: &Value) -> Value {
        loop {
            let msg = self.next_message().await;
            if msg.get("id") == Some(id) && msg.get("method").is_none() {
                return msg;
            }
            if msg.get("method").is_some() && msg.get("id").is_none() {
                self.backlog.push_back(msg);
            }
        }
    }

    /// Keeps a notification for [`Client::diagnostics_where`] and friends.
    pub fn keep(&mut self, msg: Value) {
        self.backlog.push_back(msg);
    }

    /// Like [`Client::reply_to`], but gives up after `limit` (`None`: no reply came).
    pub async fn reply_within(&mut self, id: &Value, limit: std::time::Duration) -> Option<Value> {
        tokio::time::timeout(limit, self.reply_to(id)).await.ok()
    }

    /// Waits for the server process to end, for at most `limit`.
    pub async fn wait_exit(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let child = self.child.as_mut().expect("a server process");
        tokio::time::timeout(limit, child.wait()).await.ok().map(|r| r.unwrap())
    }

    async fn read_message(&mut self) -> Value {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).await.unwrap();
            assert!(n > 0, "server closed the stream");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Reads one message, answering server requests on the way.
    pub async fn next_message(&mut self) -> Value {
        let msg = tokio::time::timeout(message_timeout(), self.read_message())
            .await
            .expect("timed out waiting for the server");
        if msg.get("method").is_some() && msg.get("id").is_none() {
            self.notifications.push(msg.clone());
        }
        if msg.get("method").is_some() && msg.get("id").is_some() {
            let result = match msg["method"].as_str().unwrap() {
                "workspace/configuration" => json!([self.settings.clone()]),
                "window/showMessageRequest" => match &self.answer {
                    Some(title) => json!({ "title": title }),
                    None => Value::Null,
                },
                _ => Value::Null,
            };
            self.server_requests.push(msg.clone());
            self.send(json!({"jsonrpc": "2.0", "id": msg["id"].clone(), "result": result})).await;
        }
        msg
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params).await;
        self.reply_to(&json!(id)).await
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params})).await;
    }

    /// The next `publishDiagnostics` for `uri` that satisfies `accept`.
    pub async fn diagnostics_where(&mut self, uri: &str, accept: impl Fn(&Value) -> bool) -> Value {
        loop {
            let msg = match self.backlog.pop_front() {
                Some(m) => m,
                None => self.next_message().await,
            };
            if msg["method"] == "textDocument/publishDiagnostics"
                && msg["params"]["uri"] == uri
                && accept(&msg["params"])
            {
                return msg["params"].clone();
            }
        }
    }

    pub async fn diagnostics_for_version(&mut self, uri: &str, version: i64) -> Value {
        self.diagnostics_where(uri, |p| p["version"] == version).await
    }

    pub async fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        )
        .await;
        self.diagnostics_for_version(uri, 1).await
    }

    pub async fn change_full(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        )
        .await;
    }

    /// Every notification seen so far.
    pub fn backlog_iter(&self) -> impl Iterator<Item = &Value> {
        self.notifications.iter()
    }

    /// Waits for a notification (already seen, or still to come) that satisfies `accept`.
    pub async fn notification_where(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(found) = self.notifications.iter().find(|m| m["method"] == method && accept(m)) {
            return found.clone();
        }
        loop {
            let msg = self.next_message().await;
            if msg.get("id").is_none() && msg["method"] == method && accept(&msg) {
                return msg;
            }
            if msg.get("method").is_some() && msg.get("id").is_none() {
                self.backlog.push_back(msg);
            }
        }
    }
}
