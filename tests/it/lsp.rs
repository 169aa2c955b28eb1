//! The language server in-process: the real server loop on in-memory pipes, driven by a small
//! JSON-RPC client that speaks the wire protocol (Content-Length framing) like an editor.

use crate::support::lsp_client;

use lsp_client::{Client, TIMEOUT};
use serde_json::{Value, json};

fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

const BAD: &str = "name: cpu-cluster-1\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 3\nmax_instances: 2\n";
const URI: &str = "file:///work/specs/cluster.yml";

#[tokio::test]
async fn open_publishes_versioned_diagnostics_linked_only_to_public_docs() {
    let mut c = Client::default().await;
    let published = c.open(URI, BAD).await;
    assert_eq!(codes(&published), vec!["AML204", "AML401"]);
    let first = &published["diagnostics"][0];
    assert_eq!(first["range"], json!({"start": {"line": 0, "character": 17}, "end": {"line": 0, "character": 19}}));
    assert_eq!(first["source"], "aml-compute-ls");
    // A link only where the build was given a public docs URL; never a path on the build machine.
    match aml_compute_ls::diagnostic::docs::DOCS_URL {
        Some(base) => assert_eq!(first["codeDescription"]["href"], format!("{base}#aml204-name-hyphen-suffix")),
        None => assert!(first.get("codeDescription").is_none(), "{first}"),
    }
}

#[tokio::test]
async fn incremental_change_republishes_and_close_clears() {
    let mut c = Client::default().await;
    c.open(URI, BAD).await;
    // Replace `-1` in the name with `a` (an incremental edit).
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 17}, "end": {"line": 0, "character": 19}}, "text": "a"}
        ]}),
    )
    .await;
    let published = c.diagnostics_for_version(URI, 2).await;
    assert_eq!(codes(&published), vec!["AML401"]);
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}})).await;
    let cleared = c.diagnostics_where(URI, |p| p["diagnostics"].as_array().unwrap().is_empty()).await;
    assert!(cleared["version"].is_null());
}

#[tokio::test]
async fn a_burst_of_edits_never_publishes_a_stale_version_and_ends_on_the_last() {
    let mut c = Client::default().await;
    c.open(URI, BAD).await;
    let last = 1001;
    for version in 2..=last {
        // Alternate between a broken and a clean name; the last text is clean.
        let name = if version % 2 == 0 { "cpu-cluster-1" } else { "cpu-cluster" };
        c.change_full(URI, version, &format!("name: {name}\ntype: amlcompute\nmax_instances: 2\n")).await;
    }
    let mut seen = Vec::new();
    loop {
        let p = c.diagnostics_where(URI, |_| true).await;
        let v = p["version"].as_i64().unwrap();
        assert!(seen.last().is_none_or(|prev| v > *prev), "published version {v} after {seen:?}");
        seen.push(v);
        if v == last {
            assert!(codes(&p).is_empty(), "{p}");
            break;
        }
    }
    // Coalescing: far fewer publishes than edits.
    assert!(seen.len() < 200, "{} publishes for 1000 edits", seen.len());
}

#[tokio::test]
async fn utf8_positions_are_used_when_the_client_offers_them() {
    let (mut c, init) =
        Client::start(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}), Value::Null).await;
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    let published = c.open(URI, "description: 日本\nname: cpu-cluster-1\ntype: amlcompute\n").await;
    assert_eq!(published["diagnostics"][0]["range"]["start"], json!({"line": 1, "character": 17}));
    let (mut c16, init16) = Client::start(json!({}), Value::Null).await;
    assert_eq!(init16["result"]["capabilities"]["positionEncoding"], "utf-16");
    let published = c16.open(URI, "name: 日本-1\ntype: amlcompute\n").await;
    // `-` is after two CJK characters: UTF-16 column 8 (UTF-8 would be 12).
    let hyphen = published["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "AML204").unwrap();
    assert_eq!(hyphen["range"]["start"], json!({"line": 0, "character": 8}));
}

#[tokio::test]
async fn pull_diagnostics_when_the_client_supports_them() {
    let (mut c, init) = Client::start(
        json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}}),
        Value::Null,
    )
    .await;
    assert!(init["result"]["capabilities"]["diagnosticProvider"].is_object());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": BAD}}),
    )
    .await;
    let report = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": URI}})).await;
    assert_eq!(report["result"]["kind"], "full");
    let items: Vec<&str> =
        report["result"]["items"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(items, vec!["AML204", "AML401"]);
}

#[tokio::test]
async fn settings_from_init_options_change_notifications_and_configuration_requests() {
    let (mut c, _) = Client::start(json!({}), json!({"amlComputeLs": {"disable": ["AML401"]}})).await;
    assert_eq!(codes(&c.open(URI, BAD).await), vec!["AML204"]);
    // Pushed settings.
    c.notify("workspace/didChangeConfiguration", json!({"settings": {"amlComputeLs": {"rules": {"names": false}}}}))
        .await;
    let p = c.diagnostics_where(URI, |p| codes(p) == vec!["AML401"]).await;
    assert_eq!(p["version"], 1);
    // Pulled settings: a client with `workspace/configuration` is asked for the section.
    let (mut pulled, _) = Client::start(json!({"workspace": {"configuration": true}}), Value::Null).await;
    pulled.settings = json!({"severity": {"AML401": "hint"}});
    pulled.notify("workspace/didChangeConfiguration", json!({"settings": null})).await;
    pulled.open(URI, BAD).await;
    // Once the pulled settings apply, the open document is checked again with them.
    let is_hint =
        |p: &Value| p["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "AML401" && d["severity"] == 4);
    pulled.diagnostics_where(URI, is_hint).await;
}

#[tokio::test]
async fn unknown_methods_closed_documents_and_wild_positions_are_harmless() {
    let mut c = Client::default().await;
    let r = c.request("custom/nothing", json!({})).await;
    assert_eq!(r["error"]["code"], -32601);
    let closed = "file:///never/opened.yml";
    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": closed}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert!(hover["result"].is_null() && hover.get("error").is_none(), "{hover}");
    let completion = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": closed}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert!(completion["result"].is_null(), "{completion}");
    c.open(URI, BAD).await;
    for (line, character) in [(999, 0), (0, 999), (4, 4_000_000)] {
        let r = c
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}),
            )
            .await;
        assert!(r.get("error").is_none(), "{r}");
    }
    // An edit with a range past the end is clamped, not a crash.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 50, "character": 0}, "end": {"line": 60, "character": 3}}, "text": "tier: dedicated\n"}
        ]}),
    )
    .await;
    let p = c.diagnostics_for_version(URI, 2).await;
    assert_eq!(codes(&p), vec!["AML204", "AML401"]);
}

#[tokio::test]
async fn a_ten_megabyte_document_is_checked_and_other_requests_stay_answered() {
    let mut c = Client::default().await;
    let mut big = String::from("name: big-cluster\ntype: amlcompute\ntags:\n");
    let mut i = 0;
    while big.len() < 10 * 1024 * 1024 {
        big.push_str(&format!("  tag{i}: \"value number {i} padded to make the line longer\"\n"));
        i += 1;
    }
    let started = std::time::Instant::now();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": big}}),
    )
    .await;
    // Another document stays responsive while the big one is checked.
    let other = "file:///work/specs/small.yml";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": other, "languageId": "yaml", "version": 1, "text": BAD}}),
    )
    .await;
    let small = c.diagnostics_for_version(other, 1).await;
    assert_eq!(codes(&small), vec!["AML204", "AML401"]);
    let p = c.diagnostics_for_version(URI, 1).await;
    // Its only finding: Azure allows at most 50 tags (AML119).
    assert_eq!(codes(&p), vec!["AML119"]);
    assert!(started.elapsed() < TIMEOUT);
    // A slow request on the big document is cancelled on request.
    let id = 9_999;
    c.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": URI}}}))
        .await;
    c.notify("$/cancelRequest", json!({"id": id})).await;
    let reply = loop {
        let msg = c.next_message().await;
        if msg.get("id") == Some(&json!(id)) {
            break msg;
        }
    };
    assert_eq!(reply["error"]["code"], -32800, "{}", reply.to_string().chars().take(300).collect::<String>());
}

#[tokio::test]
async fn shutdown_then_exit_is_clean() {
    let mut c = Client::default().await;
    let r = c.request("shutdown", Value::Null).await;
    assert!(r["result"].is_null() && r.get("error").is_none());
}

/// Applies LSP text edits (UTF-16 positions) to a text.
fn apply_lsp_edits(text: &str, edits: &[Value]) -> String {
    let index = aml_compute_ls::syntax::text::LineIndex::new(text);
    let offset = |p: &Value| {
        index.offset(
            text,
            aml_compute_ls::syntax::text::LineCol {
                line: p["line"].as_u64().unwrap() as u32,
                col: p["character"].as_u64().unwrap() as u32,
            },
            aml_compute_ls::syntax::text::PositionEncoding::Utf16,
        )
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap().to_string()))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

async fn code_actions_at(c: &mut Client, line: u32, character: u32) -> Vec<Value> {
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}, "context": {"diagnostics": []}}),
        )
        .await;
    r["result"].as_array().unwrap().clone()
}

#[tokio::test]
async fn every_preferred_quick_fix_applies_and_rechecks_clean() {
    let mut c = Client::default().await;
    let mut text = BAD.to_string();
    let mut version = 1;
    let mut published = c.open(URI, &text).await;
    // Raising the maximum reveals that 3 idle nodes are billed (AML404); its fix sets the minimum to 0.
    for code in ["AML204", "AML401", "AML404"] {
        let d = published["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == code).unwrap().clone();
        let start = &d["range"]["start"];
        let actions = code_actions_at(
            &mut c,
            start["line"].as_u64().unwrap() as u32,
            start["character"].as_u64().unwrap() as u32,
        )
        .await;
        let fix = actions
            .iter()
            .find(|a| {
                a["kind"] == "quickfix"
                    && a["diagnostics"].as_array().is_some_and(|ds| ds.iter().any(|x| x["code"] == code))
            })
            .unwrap_or_else(|| panic!("no quick fix for {code}: {actions:#?}"))
            .clone();
        text = apply_lsp_edits(&text, fix["edit"]["changes"][URI].as_array().unwrap());
        version += 1;
        c.change_full(URI, version, &text).await;
        published = c.diagnostics_for_version(URI, version).await;
        assert!(!codes(&published).contains(&code.to_string()), "{code} survived `{}`:\n{text}", fix["title"]);
    }
    assert!(codes(&published).is_empty(), "{text}\n{published}");
}

#[tokio::test]
async fn the_disable_comment_action_silences_the_finding() {
    let mut c = Client::default().await;
    c.open(URI, BAD).await;
    let actions = code_actions_at(&mut c, 0, 17).await;
    let disable = actions.iter().find(|a| a["title"].as_str().unwrap().starts_with("Disable AML204")).unwrap();
    let text = apply_lsp_edits(BAD, disable["edit"]["changes"][URI].as_array().unwrap());
    assert!(text.starts_with("# aml-compute-ls: disable-next-line AML204\n"), "{text}");
    c.change_full(URI, 2, &text).await;
    assert_eq!(codes(&c.diagnostics_for_version(URI, 2).await), vec!["AML401"]);
}

#[tokio::test]
async fn source_action_adds_the_schema_url() {
    let mut c = Client::default().await;
    c.open(URI, "name: cpu\ntype: amlcompute\n").await;
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source"]}}),
        )
        .await;
    let actions = r["result"].as_array().unwrap();
    assert!(actions.iter().all(|a| a["kind"] == "source"), "{actions:#?}");
    let add = &actions[0];
    let text = apply_lsp_edits("name: cpu\ntype: amlcompute\n", add["edit"]["changes"][URI].as_array().unwrap());
    assert!(
        text.starts_with("$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\n"),
        "{text}"
    );
}

#[tokio::test]
async fn completion_works_in_half_typed_documents() {
    let mut c = Client::default().await;
    let text = "name: cpu\ntype: amlcompute\nlocation: eastus\nsize: \ntier: \nsiz\n";
    c.open(URI, text).await;
    let complete = |line: u32, character: u32| json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}});
    let labels = |r: &Value| -> Vec<String> {
        r["result"]["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
    };
    // VM sizes for a cluster in eastus, with their shape in the detail.
    let sizes = c.request("textDocument/completion", complete(3, 6)).await;
    let ds3 = sizes["result"]["items"].as_array().unwrap().iter().find(|i| i["label"] == "Standard_DS3_v2").unwrap();
    assert!(ds3["detail"].as_str().unwrap().contains("4 vCPUs"), "{ds3}");
    assert!(!labels(&sizes).contains(&"Standard_NC6".to_string()), "retired sizes are not offered");
    // Enum values.
    let tiers = labels(&c.request("textDocument/completion", complete(4, 6)).await);
    assert!(tiers.contains(&"low_priority".to_string()) && tiers.contains(&"dedicated".to_string()), "{tiers:?}");
    // A half-typed key: keys not yet present, replacing `siz`.
    let keys = c.request("textDocument/completion", complete(5, 3)).await;
    let size_key = keys["result"]["items"].as_array().unwrap().iter().find(|i| i["label"] == "size");
    assert!(size_key.is_none(), "`size` is already present");
    let max = keys["result"]["items"].as_array().unwrap().iter().find(|i| i["label"] == "max_instances").unwrap();
    assert_eq!(max["textEdit"]["range"]["start"], json!({"line": 5, "character": 0}));
    assert!(max["documentation"]["value"].as_str().is_some_and(|d| !d.is_empty()));
    // An empty file offers whole-spec snippets.
    let empty = "file:///work/specs/new.yml";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": empty, "languageId": "yaml", "version": 1, "text": ""}}),
    )
    .await;
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": empty}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    let snippets = r["result"]["items"].as_array().unwrap().iter().filter(|i| i["insertTextFormat"] == 2).count();
    assert!(snippets >= 5, "{r}");
}

#[tokio::test]
async fn hover_and_symbols_describe_the_spec() {
    let mut c = Client::default().await;
    let text = "name: cpu-cluster\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nmin_instances: 0\n";
    c.open(URI, text).await;
    let hover = |line: u32, character: u32| json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}});
    let card = c.request("textDocument/hover", hover(2, 10)).await;
    let md = card["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("24") && md.contains("A100"), "{md}");
    let key = c.request("textDocument/hover", hover(3, 2)).await;
    assert!(key["result"]["contents"]["value"].as_str().unwrap().contains("min_instances"), "{key}");
    let name = c.request("textDocument/hover", hover(0, 8)).await;
    assert!(name["result"]["contents"]["value"].as_str().unwrap().contains("24"), "{name}");
    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}})).await;
    let root = &symbols["result"][0];
    assert_eq!(root["name"], "cpu-cluster");
    let children: Vec<&str> =
        root["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(children, vec!["name", "type", "size", "min_instances"]);
}

#[tokio::test]
async fn a_key_file_missing_next_to_the_spec_is_reported_and_found_once_it_exists() {
    let dir = std::env::temp_dir().join(format!("aml-lsp-keyfile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let spec = "name: my-vm\ntype: virtualmachine\nresource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm\nssh_settings:\n  admin_username: azureuser\n  ssh_private_key_file: keys/vm.pem\n";
    let uri = format!("file://{}/vm.yml", dir.display());
    let mut c = Client::default().await;
    let published = c.open(&uri, spec).await;
    assert_eq!(codes(&published), vec!["AML507"]);
    assert_eq!(published["diagnostics"][0]["range"]["start"], json!({"line": 5, "character": 24}));
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    std::fs::write(dir.join("keys/vm.pem"), "not a real key").unwrap();
    let uri2 = format!("file://{}/vm2.yml", dir.display());
    let published = c.open(&uri2, spec).await;
    assert_eq!(codes(&published), Vec::<String>::new());
}
