//! Live workspace checks in the editor: the in-process server pointed at a real emulator on
//! loopback publishes a document's offline diagnostics first, then the same version again with
//! the live findings merged; `amlComputeLs.live: "off"` stops the calls.

use crate::support::lsp_client::Client;
use aml_compute_ls::arm::{ArmClient, ClientOptions, Credential, Workspace};
use aml_compute_ls::emulator::{EMULATOR_TOKEN, EmulatorConfig, RunningEmulator};
use serde_json::{Value, json};
use std::time::Duration;

const SUB: &str = "00000000-0000-0000-0000-000000000000";

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn emulator_with_a_cluster() -> RunningEmulator {
    let config = EmulatorConfig { provisioning_delay: Duration::from_millis(20), ..EmulatorConfig::default() };
    let emulator = RunningEmulator::start(config).await.unwrap();
    let options = ClientOptions { poll_interval: Duration::from_millis(20), ..ClientOptions::default() };
    let arm = ArmClient::new(&emulator.endpoint(), Credential::Static(EMULATOR_TOKEN.into()), options).unwrap();
    let ws = Workspace {
        subscription_id: SUB.into(),
        resource_group: "rg".into(),
        workspace_name: "live-ws".into(),
        source: "the test".into(),
    };
    let body = json!({"location": "eastus", "properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "Standard_DS3_v2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2}}}});
    let op = arm.begin_create_or_update(&ws, "cpu-cluster", &body).await.unwrap();
    op.wait(&mut |_| {}, std::future::pending()).await.unwrap();
    emulator
}

fn settings(emulator: &RunningEmulator, live: &str) -> Value {
    json!({"amlComputeLs": {"endpoint": emulator.endpoint(), "subscriptionId": SUB, "resourceGroup": "rg",
        "workspaceName": "live-ws", "live": live}})
}

#[tokio::test]
async fn live_findings_follow_the_offline_ones_for_the_same_version() {
    let emulator = emulator_with_a_cluster().await;
    let (mut c, _) = Client::start(json!({}), settings(&emulator, "on")).await;
    let uri = "file:///tmp/aml-lsp-live/notebook.yml";
    let text = "name: cpu-cluster\ntype: computeinstance\nsize: Standard_DS3_v2\n";
    let offline = c.open(uri, text).await;
    assert!(!codes(&offline).contains(&"AML801".to_string()), "offline first: {offline}");
    let live = c.diagnostics_where(uri, |p| p["version"] == 1 && codes(p).contains(&"AML801".to_string())).await;
    assert_eq!(live["version"], 1);

    // An edit: offline diagnostics for version 2 at once, then the live ones for version 2.
    let renamed = "name: fresh-notebook\ntype: computeinstance\nsize: Standard_DS3_v2\n";
    c.change_full(uri, 2, renamed).await;
    let offline = c.diagnostics_for_version(uri, 2).await;
    assert!(!codes(&offline).iter().any(|c| c.starts_with("AML8")), "{offline}");
    emulator.stop().await;
}

#[tokio::test]
async fn live_off_makes_no_call_to_the_workspace() {
    let emulator = emulator_with_a_cluster().await;
    let before = emulator.requests().len();
    let (mut c, _) = Client::start(json!({}), settings(&emulator, "off")).await;
    let uri = "file:///tmp/aml-lsp-live/off.yml";
    let offline = c.open(uri, "name: cpu-cluster\ntype: computeinstance\nsize: Standard_DS3_v2\n").await;
    assert!(!codes(&offline).contains(&"AML801".to_string()), "{offline}");
    // A request after the open is answered after the check: any live fetch would have started.
    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})).await;
    assert!(symbols.get("result").is_some(), "{symbols}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(emulator.requests().len(), before, "{:?}", emulator.requests());
    emulator.stop().await;
}

#[tokio::test]
async fn an_unreadable_workspace_is_one_information_message_and_no_diagnostic() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let settings = json!({"amlComputeLs": {"endpoint": format!("http://{closed}"), "subscriptionId": SUB,
        "resourceGroup": "rg", "workspaceName": "live-ws"}});
    let (mut c, _) = Client::start(json!({}), settings).await;
    for i in 0..3 {
        let uri = format!("file:///tmp/aml-lsp-live/unreachable-{i}.yml");
        let offline = c.open(&uri, "name: some-cluster\ntype: amlcompute\nmax_instances: 2\n").await;
        assert!(!codes(&offline).iter().any(|c| c.starts_with("AML8")), "{offline}");
    }
    let message = c
        .notification_where("window/showMessage", |m| {
            m["params"]["message"].as_str().unwrap_or("").contains("live checks skipped")
        })
        .await;
    assert_eq!(message["params"]["type"], 3, "information: {message}");
    assert!(message["params"]["message"].as_str().unwrap().contains("workspace `live-ws`"), "{message}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": "file:///tmp/aml-lsp-live/unreachable-0.yml"}}),
        )
        .await;
    assert!(symbols.get("result").is_some());
    let said = c.backlog_iter().filter(|m| m["method"] == "window/showMessage").count();
    assert_eq!(said, 1, "one message per server start, not one per document");
}
