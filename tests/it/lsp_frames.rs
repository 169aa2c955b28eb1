//! The real binary over stdio keeps serving after malformed frames (issue 14, defect 2), answers
//! unknown `$/` requests, and ends promptly at `exit` with LSP's exit code (defect 5).

use crate::support::lsp_client;

use lsp_client::Client;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_aml-compute-ls");
const URI: &str = "file:///work/specs/cluster.yml";
const SPEC: &str = "name: cpu-cluster-1\ntype: amlcompute\nsize: Standard_DS3_v2\n";

fn frame(body: &str) -> Vec<u8> {
    frame_bytes(body.as_bytes())
}

fn frame_bytes(body: &[u8]) -> Vec<u8> {
    [format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(), body].concat()
}

async fn server() -> Client {
    let (mut c, _) =
        Client::spawn_binary_with_env(BIN, &[("AML_COMPUTE_LS_TEST_HOOKS", "1")], json!({}), Value::Null).await;
    c.open(URI, SPEC).await;
    c
}

/// A normal request after the bad frame must still be answered, correctly.
async fn still_serving(c: &mut Client, after: &str) {
    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}})).await;
    assert_eq!(symbols["result"][0]["name"], "cpu-cluster-1", "after {after}: {symbols}");
}

/// A malformed input, its bytes, and the reply it must get (id and error code), if any.
type Case = (&'static str, Vec<u8>, Option<(Value, i64)>);

#[tokio::test]
async fn every_malformed_frame_is_answered_and_the_next_request_served() {
    let mut c = server().await;
    let unknown_charset = {
        let body = r#"{"jsonrpc":"2.0","id":104,"method":"textDocument/hover","params":{}}"#;
        format!(
            "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let invalid_utf8 =
        frame_bytes(b"{\"jsonrpc\":\"2.0\",\"id\":105,\"method\":\"x\",\"params\":{\"a\":\"\xc3\x28\"}}");
    let understated = {
        let body = r#"{"jsonrpc":"2.0","id":112,"method":"textDocument/documentSymbol","params":{}}"#;
        format!("Content-Length: 20\r\n\r\n{body}").into_bytes()
    };
    let overstated = {
        let body = r#"{"jsonrpc":"2.0","id":113,"method":"textDocument/documentSymbol","params":{}}"#;
        format!("Content-Length: 4000\r\n\r\n{body}").into_bytes()
    };
    // (case, bytes, the reply expected: id and error code)
    let cases: Vec<Case> = vec![
        (
            "invalid JSON",
            frame(r#"{"jsonrpc":"2.0","id":101,"method":"x","params":{"a":}"#),
            Some((json!(101), -32700)),
        ),
        (
            "bad Content-Length",
            b"Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":102}".to_vec(),
            Some((json!(102), -32700)),
        ),
        (
            "missing Content-Length",
            b"Content-Type: application/vscode-jsonrpc\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":103,\"method\":\"x\"}"
                .to_vec(),
            Some((json!(103), -32700)),
        ),
        ("unknown charset", unknown_charset, Some((json!(104), -32700))),
        ("invalid UTF-8", invalid_utf8, Some((json!(105), -32700))),
        ("array body", frame(r#"[{"jsonrpc":"2.0","id":106,"method":"x"}]"#), Some((Value::Null, -32600))),
        ("string body", frame(r#""hello""#), Some((Value::Null, -32600))),
        (
            "jsonrpc 1.0",
            frame(r#"{"jsonrpc":"1.0","id":107,"method":"textDocument/hover"}"#),
            Some((json!(107), -32600)),
        ),
        ("object id", frame(r#"{"jsonrpc":"2.0","id":{"n":108},"method":"x"}"#), Some((json!({"n": 108}), -32600))),
        ("float id", frame(r#"{"jsonrpc":"2.0","id":109.5,"method":"x"}"#), Some((json!(109.5), -32600))),
        (
            "unknown $/ request",
            frame(r#"{"jsonrpc":"2.0","id":110,"method":"$/unknown","params":{}}"#),
            Some((json!(110), -32601)),
        ),
        ("empty body", frame(""), Some((Value::Null, -32700))),
        ("understated length", understated, Some((json!(112), -32700))),
        ("overstated length", overstated, Some((json!(113), -32700))),
        ("huge length", b"Content-Length: 99999999999\r\n\r\n{\"id\":114}".to_vec(), Some((json!(114), -32700))),
        ("unknown $/ notification", frame(r#"{"jsonrpc":"2.0","method":"$/unknown","params":{}}"#), None),
        ("bad notification", frame(r#"{"jsonrpc":"1.0","method":"textDocument/didClose","params":{}}"#), None),
        ("garbage bytes", b"\x00\x01garbage\r\n\r\n{}}}\n".to_vec(), None),
        ("a response to nothing", frame(r#"{"jsonrpc":"2.0","id":999,"result":{"unexpected":true}}"#), None),
    ];
    for (case, bytes, expected) in cases {
        c.send_raw(&bytes).await;
        if let Some((id, code)) = expected {
            let reply =
                c.reply_within(&id, Duration::from_secs(10)).await.unwrap_or_else(|| panic!("{case}: no reply"));
            assert_eq!(reply["error"]["code"], code, "{case}: {reply}");
            assert!(reply["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{case}: {reply}");
        }
        still_serving(&mut c, case).await;
    }
    let end = c.request("shutdown", Value::Null).await;
    assert!(end.get("error").is_none(), "{end}");
    c.notify("exit", Value::Null).await;
    assert_eq!(c.wait_exit(Duration::from_secs(5)).await.and_then(|s| s.code()), Some(0));
}

#[tokio::test]
async fn a_lone_surrogate_is_kept_as_one_utf16_unit() {
    let mut c = server().await;
    // The editor's text holds a lone surrogate; JSON carries it as an escape serde refuses.
    let body = r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///work/specs/cluster.yml","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":6},"end":{"line":0,"character":6}},"text":"\ud800"}]}}"#;
    c.send_raw(&frame(body)).await;
    // One UTF-16 unit later, the edit lands where the editor put it.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 7}}, "text": "x"}
        ]}),
    )
    .await;
    let text = c.request("amlComputeLs/debug/documentText", json!({"textDocument": {"uri": URI}})).await;
    assert_eq!(text["result"]["text"], "name: \u{fffd}xcpu-cluster-1\ntype: amlcompute\nsize: Standard_DS3_v2\n");
    assert_eq!(text["result"]["version"], 3);
}

#[tokio::test]
async fn the_debug_request_does_not_exist_without_the_test_switch() {
    let (mut c, _) = Client::spawn_binary(BIN, json!({}), Value::Null).await;
    let r = c.request("amlComputeLs/debug/documentText", json!({"textDocument": {"uri": URI}})).await;
    assert_eq!(r["error"]["code"], -32601, "{r}");
}

fn big_spec(bytes: usize) -> String {
    let mut text = String::from("name: big-cluster\ntype: amlcompute\ntags:\n");
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&format!("  tag{i}: \"value number {i} padded to make the line longer\"\n"));
        i += 1;
    }
    text
}

#[tokio::test]
async fn shutdown_and_exit_end_the_process_within_two_seconds_while_a_big_document_is_checked() {
    let (mut c, _) = Client::spawn_binary(BIN, json!({}), Value::Null).await;
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": big_spec(5 << 20)}}),
    )
    .await;
    // Requests that must wait for the big check are in flight when the session ends.
    for _ in 0..6 {
        c.send_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 3, "character": 3}}),
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let id = c.send_request("shutdown", Value::Null).await;
    let reply = c.reply_within(&json!(id), Duration::from_secs(2)).await.expect("shutdown answered within 2 s");
    assert!(reply.get("error").is_none(), "{reply}");
    c.notify("exit", Value::Null).await;
    // The client keeps its end of stdin open, as editors may: the server must not wait for it.
    let status = c.wait_exit(Duration::from_secs(2)).await.expect("the server exits within 2 s of `exit`");
    assert_eq!(status.code(), Some(0));
    eprintln!("shutdown + exit took {:?}", started.elapsed());
}

#[tokio::test]
async fn exit_without_shutdown_ends_with_status_one() {
    let (mut c, _) = Client::spawn_binary(BIN, json!({}), Value::Null).await;
    c.notify("exit", Value::Null).await;
    let status = c.wait_exit(Duration::from_secs(2)).await.expect("the server exits");
    assert_eq!(status.code(), Some(1));
}
