//! The Azure commands in the editor, end to end: the language server (in-process, over the wire
//! protocol) talks to a real emulator on loopback. Confirmations go through
//! `window/showMessageRequest`, progress through `$/progress`, results come back as JSON.

use crate::support::lsp_client;

use aml_compute_ls::emulator::{EmulatorConfig, RunningEmulator};
use lsp_client::Client;
use serde_json::{Value, json};
use std::time::Duration;

const SPEC: &str = "name: lens-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 0\nmax_instances: 2\n";

async fn setup(answer: Option<&str>) -> (Client, RunningEmulator, String) {
    setup_with(answer, Duration::from_millis(100), false).await
}

/// A server (in-process, or the real binary over stdio) pointed at a fresh emulator, with a
/// cluster spec open.
async fn setup_with(answer: Option<&str>, step: Duration, over_stdio: bool) -> (Client, RunningEmulator, String) {
    let emulator =
        RunningEmulator::start(EmulatorConfig { provisioning_delay: step, ..EmulatorConfig::default() }).await.unwrap();
    let settings = json!({"amlComputeLs": {
        "endpoint": emulator.endpoint(),
        "subscriptionId": "00000000-0000-0000-0000-000000000000",
        "resourceGroup": "rg",
        "workspaceName": "lens-ws",
    }});
    let capabilities =
        json!({"window": {"workDoneProgress": true}, "workspace": {"codeLens": {"refreshSupport": true}}});
    let (mut client, init) = if over_stdio {
        Client::spawn_binary(env!("CARGO_BIN_EXE_aml-compute-ls"), capabilities, settings).await
    } else {
        Client::start(capabilities, settings).await
    };
    let commands = init["result"]["capabilities"]["executeCommandProvider"]["commands"].as_array().unwrap().clone();
    assert!(commands.iter().any(|c| c == "aml.create") && commands.iter().any(|c| c == "aml.sizes"));
    client.answer = answer.map(String::from);
    let dir = std::env::temp_dir().join(format!("aml-lsp-cmd-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cluster.yml");
    std::fs::write(&path, SPEC).unwrap();
    let uri = format!("file://{}", path.display());
    client.open(&uri, SPEC).await;
    (client, emulator, uri)
}

#[tokio::test]
async fn create_honours_the_name_argument_and_refuses_a_hostile_one_without_a_request() {
    let (mut c, emulator, uri) = setup(Some("Create")).await;
    let result = execute(&mut c, "aml.create", json!({"uri": uri, "name": "renamed-lens"})).await;
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["compute"]["name"], "renamed-lens", "{result}");
    assert!(result["message"].as_str().unwrap().contains("`renamed-lens`"), "{result}");
    let question = c
        .server_requests
        .iter()
        .find(|m| m["method"] == "window/showMessageRequest")
        .and_then(|m| m["params"]["message"].as_str())
        .unwrap()
        .to_string();
    assert!(question.contains("`renamed-lens` (named by --name; the spec's name is `lens-cluster`)"), "{question}");
    let paths: Vec<String> = emulator.requests().iter().map(|r| r.path().to_string()).collect();
    assert!(paths.iter().all(|p| !p.contains("lens-cluster")), "the spec's name was touched: {paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("/computes/renamed-lens")), "{paths:?}");
    let before = emulator.requests().len();
    for hostile in ["..", "a/b", "%2e%2e", ""] {
        for command in ["aml.create", "aml.status", "aml.delete", "aml.stop"] {
            let result = execute(&mut c, command, json!({"uri": uri, "name": hostile})).await;
            assert_eq!(result["ok"], false, "{command} {hostile:?}: {result}");
            assert_eq!(result["usageError"], true, "{command} {hostile:?}: {result}");
        }
    }
    assert_eq!(emulator.requests().len(), before, "{:?}", &emulator.requests()[before..]);
    emulator.stop().await;
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

async fn execute(client: &mut Client, command: &str, args: Value) -> Value {
    let r = client.request("workspace/executeCommand", json!({"command": command, "arguments": [args]})).await;
    assert!(r.get("error").is_none(), "{r}");
    r["result"].clone()
}

fn notifications<'a>(client: &'a Client, method: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    client.backlog_iter().filter(move |m| m["method"] == method)
}

#[tokio::test]
async fn create_asks_first_reports_progress_and_refreshes_the_status_lens() {
    let (mut c, emulator, uri) = setup(Some("Create")).await;
    let result = execute(&mut c, "aml.create", json!({"uri": uri})).await;
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["compute"]["name"], "lens-cluster");
    assert!(result["compute"]["statusLine"].as_str().unwrap().starts_with("Succeeded"), "{result}");
    // The emulator's workspace exists nowhere else: no Azure ML studio link for it.
    assert!(!result["message"].as_str().unwrap().contains("ml.azure.com"), "{result}");
    // It asked before creating anything billable, naming the workspace and the shape.
    let asked: Vec<&Value> = c.server_requests.iter().filter(|m| m["method"] == "window/showMessageRequest").collect();
    assert_eq!(asked.len(), 1);
    let question = asked[0]["params"]["message"].as_str().unwrap();
    assert!(
        question.contains("lens-cluster") && question.contains("`lens-ws`") && question.contains("billable"),
        "{question}"
    );
    // Progress: a token was created, then begin … end.
    assert!(c.server_requests.iter().any(|m| m["method"] == "window/workDoneProgress/create"));
    c.notification_where("$/progress", |m| m["params"]["value"]["kind"] == "end").await;
    let kinds: Vec<String> =
        notifications(&c, "$/progress").map(|m| m["params"]["value"]["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds.first().map(String::as_str), Some("begin"), "{kinds:?}");
    assert_eq!(kinds.last().map(String::as_str), Some("end"), "{kinds:?}");
    // The closing message (it may arrive just after the reply).
    c.notification_where("window/showMessage", |m| m["params"]["type"] == 3).await;
    // The status lens now shows the state, and the client was asked to refresh lenses.
    assert!(c.server_requests.iter().any(|m| m["method"] == "workspace/codeLens/refresh"));
    let lenses = c.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).await;
    let titles: Vec<&str> =
        lenses["result"].as_array().unwrap().iter().map(|l| l["command"]["title"].as_str().unwrap()).collect();
    // It exists now: the same command updates it.
    assert!(titles.contains(&"Update compute in lens-ws"), "{titles:?}");
    assert!(titles.iter().any(|t| t.starts_with("Status: Succeeded")), "{titles:?}");
    // The same commands are code actions (for Helix).
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
        )
        .await;
    assert!(actions["result"].as_array().unwrap().iter().any(|a| a["command"]["command"] == "aml.delete"));
    // And the list shows it.
    let list = execute(&mut c, "aml.list", json!({"uri": uri})).await;
    assert_eq!(list["computes"][0]["name"], "lens-cluster");
    emulator.stop().await;
}

async fn lens_titles(c: &mut Client, uri: &str) -> Vec<String> {
    let lenses = c.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).await;
    lenses["result"].as_array().unwrap().iter().map(|l| l["command"]["title"].as_str().unwrap().to_string()).collect()
}

async fn action_commands(c: &mut Client, uri: &str) -> Vec<String> {
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
        )
        .await;
    actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["command"]["command"].as_str().map(String::from))
        .collect()
}

/// Background refreshes (the VS Code status bar and Compute view) pass `"quiet": true`: no
/// message, no progress, no question, whatever the outcome. Issue 13.
#[tokio::test]
async fn quiet_commands_never_pop_up() {
    let (mut c, emulator, uri) = setup(Some("Create")).await;
    let popups = |c: &Client| {
        c.backlog_iter().filter(|m| m["method"] == "window/showMessage").count()
            + c.server_requests
                .iter()
                .filter(|m| {
                    m["method"] == "window/showMessageRequest" || m["method"] == "window/workDoneProgress/create"
                })
                .count()
    };
    // A status that finds nothing, a list, a file that cannot be read, and a create (which
    // would have to ask): all answered, none shown.
    let status = execute(&mut c, "aml.status", json!({"uri": uri, "quiet": true})).await;
    assert_eq!(status["compute"]["state"], "NotCreated", "{status}");
    assert_eq!(execute(&mut c, "aml.list", json!({"uri": uri, "quiet": true})).await["ok"], true);
    let missing = uri.replace("cluster.yml", "missing.yml");
    let unreadable = execute(&mut c, "aml.status", json!({"uri": missing, "quiet": true})).await;
    assert_eq!(unreadable["ok"], false, "{unreadable}");
    // A region this tool does not know is a warning, which a quiet command only logs.
    let sizes = execute(&mut c, "aml.sizes", json!({"uri": uri, "location": "narniawest", "quiet": true})).await;
    assert!(sizes["warnings"].as_array().is_some_and(|w| !w.is_empty()), "{sizes}");
    let create = execute(&mut c, "aml.create", json!({"uri": uri, "quiet": true})).await;
    assert_eq!(create["ok"], false, "a quiet create must not go ahead without asking: {create}");
    assert_eq!(popups(&c), 0, "{:?}", c.backlog_iter().collect::<Vec<_>>());
    // The same status asked for by the user is shown.
    execute(&mut c, "aml.status", json!({"uri": uri})).await;
    c.notification_where("window/showMessage", |m| m["params"]["type"] == 3).await;
    emulator.stop().await;
}

/// The lens says "Update" for a compute that exists, and a compute known not to exist is not
/// offered delete/start/stop. Issue 13.
#[tokio::test]
async fn lens_and_actions_follow_whether_the_compute_exists() {
    let (mut c, emulator, uri) = setup(Some("Create")).await;
    assert!(lens_titles(&mut c, &uri).await.contains(&"Create compute in lens-ws".to_string()));
    execute(&mut c, "aml.status", json!({"uri": uri, "quiet": true})).await;
    let titles = lens_titles(&mut c, &uri).await;
    assert!(
        titles.contains(&"Create compute in lens-ws".to_string())
            && titles.contains(&"Status: Not created".to_string()),
        "{titles:?}"
    );
    let commands = action_commands(&mut c, &uri).await;
    assert!(
        commands.contains(&"aml.create".to_string()) && !commands.contains(&"aml.delete".to_string()),
        "{commands:?}"
    );
    assert_eq!(execute(&mut c, "aml.create", json!({"uri": uri})).await["ok"], true);
    assert!(lens_titles(&mut c, &uri).await.contains(&"Update compute in lens-ws".to_string()));
    assert!(action_commands(&mut c, &uri).await.contains(&"aml.delete".to_string()));
    // Renamed in the editor: that compute's existence is unknown again.
    c.change_full(&uri, 2, &SPEC.replace("lens-cluster", "other-cluster")).await;
    c.diagnostics_for_version(&uri, 2).await;
    assert!(lens_titles(&mut c, &uri).await.contains(&"Create compute in lens-ws".to_string()));
    emulator.stop().await;
}

/// A workspace folder's `config.json` is named as it is, without `/./`. Issue 13.
#[tokio::test]
async fn a_folders_workspace_config_is_named_without_dot_segments() {
    let emulator = RunningEmulator::start(EmulatorConfig::default()).await.unwrap();
    let settings = json!({"amlComputeLs": {"endpoint": emulator.endpoint()}});
    let (mut c, _) = Client::start(json!({}), settings).await;
    let dir = std::env::temp_dir().join(format!("aml-lsp-cmd-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(dir.join(".azureml")).unwrap();
    std::fs::write(
        dir.join(".azureml/config.json"),
        r#"{"subscription_id": "00000000-0000-0000-0000-000000000000", "resource_group": "rg", "workspace_name": "ws"}"#,
    )
    .unwrap();
    let list = execute(&mut c, "aml.list", json!({"uri": format!("file://{}", dir.display()), "quiet": true})).await;
    let message = list["message"].as_str().unwrap();
    assert!(message.contains(&format!("{}/.azureml/config.json", dir.display())), "{message}");
    assert!(!message.contains("/./"), "{message}");
    emulator.stop().await;
}

#[tokio::test]
async fn delete_declined_changes_nothing() {
    let (mut c, emulator, uri) = setup(Some("Create")).await;
    assert_eq!(execute(&mut c, "aml.create", json!({"uri": uri})).await["ok"], true);
    c.answer = Some("Cancel".into());
    let result = execute(&mut c, "aml.delete", json!({"uri": uri})).await;
    assert_eq!(result["ok"], false);
    assert!(result["message"].as_str().unwrap().contains("Nothing was deleted"), "{result}");
    let status = execute(&mut c, "aml.status", json!({"uri": uri})).await;
    assert!(status["compute"]["statusLine"].as_str().unwrap().starts_with("Succeeded"), "{status}");
    // Confirmed, it goes.
    c.answer = Some("Delete".into());
    assert_eq!(execute(&mut c, "aml.delete", json!({"uri": uri})).await["ok"], true);
    let status = execute(&mut c, "aml.status", json!({"uri": uri})).await;
    assert_eq!(status["compute"]["state"], "NotCreated", "{status}");
    emulator.stop().await;
}

#[tokio::test]
async fn a_spec_with_errors_is_refused_and_service_errors_are_shown() {
    let (mut c, emulator, uri) = setup(Some("Create")).await;
    let broken = "name: lens-cluster-1\ntype: amlcompute\nmin_instances: 3\nmax_instances: 2\n";
    c.change_full(&uri, 2, broken).await;
    c.diagnostics_for_version(&uri, 2).await;
    let result = execute(&mut c, "aml.create", json!({"uri": uri})).await;
    assert_eq!(result["ok"], false);
    let message = result["message"].as_str().unwrap();
    assert!(message.contains("2 errors") && message.contains("AML204") && message.contains("line 1"), "{message}");
    assert!(!c.server_requests.iter().any(|m| m["method"] == "window/showMessageRequest"), "asked despite errors");
    c.notification_where("window/showMessage", |m| m["params"]["type"] == 1).await;
    // A compute instance command on a cluster is the service's error, shown as it is.
    c.change_full(&uri, 3, SPEC).await;
    c.diagnostics_for_version(&uri, 3).await;
    let result = execute(&mut c, "aml.stop", json!({"uri": uri})).await;
    assert_eq!(result["ok"], false, "{result}");
    // Unknown command names are an error reply, not a crash.
    let r = c.request("workspace/executeCommand", json!({"command": "aml.nope", "arguments": []})).await;
    assert!(r.get("error").is_some());
    emulator.stop().await;
}

#[tokio::test]
async fn over_stdio_the_binary_creates_with_confirmation_and_progress() {
    let (mut c, emulator, uri) = setup_with(Some("Create"), Duration::from_millis(100), true).await;
    let result = execute(&mut c, "aml.create", json!({"uri": uri})).await;
    assert_eq!(result["ok"], true, "{result}");
    assert!(c.server_requests.iter().any(|m| m["method"] == "window/showMessageRequest"));
    c.notification_where("$/progress", |m| m["params"]["value"]["kind"] == "end").await;
    let status = execute(&mut c, "aml.status", json!({"uri": uri, "quiet": true})).await;
    assert!(status["compute"]["statusLine"].as_str().unwrap().starts_with("Succeeded"), "{status}");
    let r = c.request("shutdown", Value::Null).await;
    assert!(r.get("error").is_none());
    emulator.stop().await;
}

#[tokio::test]
async fn cancelling_the_progress_stops_waiting_and_says_the_operation_continues() {
    // Each provisioning step takes 3 s, so the create is still running when we cancel.
    let (mut c, emulator, uri) = setup_with(Some("Create"), Duration::from_secs(3), false).await;
    let id = 777;
    c.send(json!({"jsonrpc": "2.0", "id": id, "method": "workspace/executeCommand", "params": {
        "command": "aml.create", "arguments": [{"uri": uri}], "workDoneToken": "user-token"
    }}))
    .await;
    // Wait until the operation is under way (progress has begun), then press cancel.
    c.notification_where("$/progress", |m| {
        m["params"]["token"] == "user-token" && m["params"]["value"]["kind"] == "begin"
    })
    .await;
    c.notify("window/workDoneProgress/cancel", json!({"token": "user-token"})).await;
    let reply = loop {
        let msg = c.next_message().await;
        if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
            break msg;
        }
    };
    let message = reply["result"]["message"].as_str().unwrap();
    assert!(message.contains("Stopped waiting") && message.contains("continues in Azure"), "{message}");
    // And it does continue: the emulator finishes the compute.
    let mut finished = false;
    for _ in 0..40 {
        let status = execute(&mut c, "aml.status", json!({"uri": uri, "quiet": true})).await;
        if status["compute"]["statusLine"].as_str().unwrap_or("").starts_with("Succeeded") {
            finished = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(finished, "the create did not finish after the cancel");
    emulator.stop().await;
}
