//! Which way diagnostics travel, and when they are sent again: a client that pulls and takes
//! `workspace/diagnostic/refresh` pulls; any other client gets them pushed. After a settings
//! change or a changed file on disk, every open document's diagnostics are renewed (re-published,
//! or a refresh request); a document the editor does not have open gets none, either way.

use crate::support::lsp_client;

use lsp_client::Client;
use serde_json::{Value, json};

const BAD: &str = "name: cpu-cluster-1\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 3\nmax_instances: 2\n";
const OPEN: &str = "file:///work/specs/open.yml";
const CLOSED: &str = "file:///work/specs/closed.yml";
const NEVER_OPENED: &str = "file:///work/specs/never-opened.yml";

fn codes(params: &Value) -> Vec<String> {
    let list = params.get("diagnostics").or_else(|| params.get("items")).and_then(Value::as_array);
    list.into_iter().flatten().filter_map(|d| d["code"].as_str()).map(String::from).collect()
}

fn disable(code: &str) -> Value {
    json!({"settings": {"amlComputeLs": {"disable": [code]}}})
}

/// Publishes with diagnostics for `uri` among the notifications seen so far.
fn non_empty_publishes(c: &Client, uri: &str) -> usize {
    c.backlog_iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .filter(|m| !codes(&m["params"]).is_empty())
        .count()
}

#[tokio::test]
async fn a_client_that_pulls_without_refresh_gets_pushes_that_follow_settings_changes() {
    // Neovim 0.11/0.12: `textDocument.diagnostic` but no `workspace.diagnostics.refreshSupport`.
    let (mut c, init) = Client::start(json!({"textDocument": {"diagnostic": {}}}), Value::Null).await;
    assert!(init["result"]["capabilities"]["diagnosticProvider"].is_null(), "{init}");
    assert_eq!(codes(&c.open(OPEN, BAD).await), ["AML204", "AML401"]);
    c.notify("workspace/didChangeConfiguration", disable("AML401")).await;
    c.diagnostics_where(OPEN, |p| codes(p) == ["AML204"]).await;
}

/// The codes of a pull for the open document.
async fn pull(c: &mut Client) -> Vec<String> {
    codes(&c.request("textDocument/diagnostic", json!({"textDocument": {"uri": OPEN}})).await["result"])
}

fn refreshes(c: &Client) -> usize {
    c.server_requests.iter().filter(|m| m["method"] == "workspace/diagnostic/refresh").count()
}

/// Reads (answering server requests) until the server has asked for `n` refreshes in all;
/// `next_message` times out if it never does.
async fn wait_for_refreshes(c: &mut Client, n: usize) {
    while refreshes(c) < n {
        c.next_message().await;
    }
}

#[tokio::test]
async fn a_pulling_client_is_asked_to_pull_again_after_settings_and_file_changes() {
    let caps = json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}});
    let (mut c, init) = Client::start(caps, Value::Null).await;
    assert!(init["result"]["capabilities"]["diagnosticProvider"].is_object(), "{init}");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": OPEN, "languageId": "yaml", "version": 1, "text": BAD}}),
    )
    .await;
    assert_eq!(pull(&mut c).await, ["AML204", "AML401"]);
    assert_eq!(refreshes(&c), 0);

    c.notify("workspace/didChangeConfiguration", disable("AML401")).await;
    wait_for_refreshes(&mut c, 1).await;
    assert_eq!(pull(&mut c).await, ["AML204"]);

    // A changed file on disk asks for a new pull too.
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": "file:///work/id_rsa", "type": 1}]})).await;
    wait_for_refreshes(&mut c, 2).await;

    // Nothing is pushed to a pulling client, and a document that is not open has nothing.
    assert_eq!(non_empty_publishes(&c, OPEN), 0);
    let report = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": NEVER_OPENED}})).await;
    assert_eq!(report["result"]["kind"], "full");
    assert!(codes(&report["result"]).is_empty(), "{report}");
}

#[tokio::test]
async fn pushed_diagnostics_follow_file_changes_and_never_reach_closed_or_unopened_documents() {
    let (mut c, _) = Client::start(json!({}), Value::Null).await;
    assert_eq!(codes(&c.open(OPEN, BAD).await), ["AML204", "AML401"]);
    assert_eq!(codes(&c.open(CLOSED, BAD).await), ["AML204", "AML401"]);
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": CLOSED}})).await;
    c.diagnostics_where(CLOSED, |p| codes(p).is_empty()).await;
    let before = non_empty_publishes(&c, CLOSED);

    // A changed file re-checks what is open (a new publish at the same version).
    let publishes_before = c.backlog_iter().filter(|m| m["params"]["uri"] == OPEN).count();
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": "file:///work/id_rsa", "type": 1}]})).await;
    c.diagnostics_where(OPEN, |p| codes(p) == ["AML204", "AML401"]).await;
    assert!(c.backlog_iter().filter(|m| m["params"]["uri"] == OPEN).count() > publishes_before);

    // So does a settings change; the closed and the never-opened documents get nothing.
    c.notify("workspace/didChangeConfiguration", disable("AML204")).await;
    c.diagnostics_where(OPEN, |p| codes(p) == ["AML401"]).await;
    c.request("textDocument/hover", json!({"textDocument": {"uri": OPEN}, "position": {"line": 0, "character": 0}}))
        .await;
    assert_eq!(non_empty_publishes(&c, CLOSED), before);
    assert!(c.backlog_iter().all(|m| m["params"]["uri"] != NEVER_OPENED));
}
