//! Live workspace checks in the editor: the in-process server pointed at a real emulator on
//! loopback publishes a document's offline diagnostics first, then the same version again with
//! the live findings merged, never out of order; a pulling client is asked to pull again and
//! gets them; code actions and hovers use them; suppressions apply; a burst of edits makes a
//! bounded number of calls; `amlComputeLs.live: "off"` stops the calls, and a workspace that
//! refuses us is one information message.

use crate::support::lsp_client::Client;
use aml_compute_ls::arm::{ArmClient, ClientOptions, Credential, Workspace};
use aml_compute_ls::emulator::{EMULATOR_TOKEN, EmulatorConfig, Faults, RunningEmulator};
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
    emulator_with_a_cluster_and(Faults::default()).await
}

async fn emulator_with_a_cluster_and(faults: Faults) -> RunningEmulator {
    let config = EmulatorConfig { provisioning_delay: Duration::from_millis(20), faults, ..EmulatorConfig::default() };
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
    let message = three_opens_then_one_quiet_message(&mut c, "unreachable", "unreachable").await;
    assert!(message.contains("workspace `live-ws`"), "{message}");
}

fn publishes_of<'a>(c: &'a Client, uri: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    c.backlog_iter()
        .filter(move |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .map(|m| &m["params"])
}

/// Issue 11: "a stale answer is never published". The emulator answers slowly, so live
/// answers come back while the next edits arrive; every publish for the document must be for
/// a version no older than the one before it, and AML801 only for a text with the taken name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_racing_slow_live_answers_never_publish_out_of_order() {
    let slow = Faults { slow_reply: Some(Duration::from_millis(15)), ..Faults::default() };
    let emulator = emulator_with_a_cluster_and(slow).await;
    let (mut c, _) = Client::start(json!({}), settings(&emulator, "on")).await;
    let uri = "file:///tmp/aml-lsp-live/race.yml";
    let text = |version: i64| {
        // Even versions take the cluster's name (AML801); odd ones a new name (a name check).
        let name = if version % 2 == 0 { "cpu-cluster".to_string() } else { format!("nb-race-{version}") };
        format!("name: {name}\ntype: computeinstance\nsize: Standard_DS3_v2\n")
    };
    c.open(uri, &text(1)).await;
    let last = 40;
    for version in 2..=last {
        c.change_full(uri, version, &text(version)).await;
        tokio::time::sleep(Duration::from_millis((version as u64 % 4) * 7)).await;
    }
    c.diagnostics_where(uri, |p| p["version"] == last && codes(p).contains(&"AML801".to_string())).await;
    let versions: Vec<i64> = publishes_of(&c, uri).map(|p| p["version"].as_i64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "published out of order: {versions:?}");
    for p in publishes_of(&c, uri).filter(|p| codes(p).contains(&"AML801".to_string())) {
        assert_eq!(p["version"].as_i64().unwrap() % 2, 0, "AML801 published for a free name: {p}");
    }
    emulator.stop().await;
}

/// A client that pulls diagnostics (with refresh) gets the live findings too: the server asks
/// it to pull again when they arrive, and the pull then has them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pulling_client_is_asked_to_pull_again_and_gets_the_live_findings() {
    let emulator = emulator_with_a_cluster().await;
    let caps = json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}});
    let (mut c, init) = Client::start(caps, settings(&emulator, "on")).await;
    assert!(!init["result"]["capabilities"]["diagnosticProvider"].is_null(), "{init}");
    let uri = "file:///tmp/aml-lsp-live/pulled.yml";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
            "text": "name: cpu-cluster\ntype: computeinstance\nsize: Standard_DS3_v2\n"}}),
    )
    .await;
    while !c.server_requests.iter().any(|m| m["method"] == "workspace/diagnostic/refresh") {
        c.next_message().await;
    }
    let pulled = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}})).await;
    let items: Vec<&str> =
        pulled["result"]["items"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(items.contains(&"AML801"), "{pulled}");
    // Pulls say it all: nothing is pushed to such a client.
    assert_eq!(publishes_of(&c, uri).count(), 0);
    emulator.stop().await;
}

/// A client without pull support is never sent a refresh request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pushing_client_gets_no_refresh_request() {
    let emulator = emulator_with_a_cluster().await;
    let (mut c, _) = Client::start(json!({"textDocument": {"diagnostic": {}}}), settings(&emulator, "on")).await;
    let uri = "file:///tmp/aml-lsp-live/pushed.yml";
    c.open(uri, "name: cpu-cluster\ntype: computeinstance\nsize: Standard_DS3_v2\n").await;
    c.diagnostics_where(uri, |p| codes(p).contains(&"AML801".to_string())).await;
    assert!(!c.server_requests.iter().any(|m| m["method"] == "workspace/diagnostic/refresh"));
    emulator.stop().await;
}

fn action_titles(reply: &Value) -> Vec<String> {
    reply["result"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_string()).collect()
}

/// Code actions see the live findings: a name taken by another type offers a rename, a size the
/// region does not offer offers the closest sizes it does, each tied to its live diagnostic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_offer_the_fixes_of_live_findings() {
    let emulator = emulator_with_a_cluster().await;
    let (mut c, _) = Client::start(json!({}), settings(&emulator, "on")).await;
    let uri = "file:///tmp/aml-lsp-live/actions.yml";
    c.open(uri, "name: cpu-cluster\ntype: computeinstance\nsize: Standard_DS3_v9\n").await;
    let live = c
        .diagnostics_where(uri, |p| {
            let found = codes(p);
            found.contains(&"AML801".to_string()) && found.contains(&"AML806".to_string())
        })
        .await;
    let name_range = json!({"start": {"line": 0, "character": 6}, "end": {"line": 0, "character": 6}});
    let context = json!({"diagnostics": live["diagnostics"].clone()});
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": name_range, "context": context.clone()}),
        )
        .await;
    assert!(action_titles(&actions).contains(&"Rename to `cpu-cluster-2`".to_string()), "{actions}");
    let rename =
        actions["result"].as_array().unwrap().iter().find(|a| a["title"] == "Rename to `cpu-cluster-2`").unwrap();
    assert_eq!(rename["diagnostics"][0]["code"], "AML801", "{rename}");
    assert_eq!(rename["edit"]["changes"][uri][0]["newText"], "cpu-cluster-2");

    let size_range = json!({"start": {"line": 2, "character": 8}, "end": {"line": 2, "character": 8}});
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": size_range, "context": context}),
        )
        .await;
    let change = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == "AML806" && a["title"].as_str().unwrap().starts_with("Change to `"))
        .unwrap_or_else(|| panic!("no fix for AML806: {actions}"));
    assert_eq!(change["title"], "Change to `Standard_DS3_v2`", "{change}");
    emulator.stop().await;
}

fn hover_text(reply: &Value) -> String {
    reply["result"]["contents"]["value"].as_str().unwrap_or_default().to_string()
}

/// Cost on the size: the service's estimate once the live checks have read the region's list;
/// the catalog's, with its date, when live checks are off (or the workspace cannot be read).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_on_the_size_shows_the_estimated_cost_live_or_from_the_catalog() {
    let emulator = emulator_with_a_cluster().await;
    let spec = "name: cpu-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 1\nmax_instances: 4\n";
    let on_size = |uri: &str| json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 10}});

    let (mut c, _) = Client::start(json!({}), settings(&emulator, "on")).await;
    let uri = "file:///tmp/aml-lsp-live/cost.yml";
    c.open(uri, spec).await;
    c.diagnostics_where(uri, |p| codes(p).contains(&"AML802".to_string())).await;
    let hover = hover_text(&c.request("textDocument/hover", on_size(uri)).await);
    assert!(hover.contains("Estimated cost (USD, Linux, dedicated):"), "{hover}");
    assert!(hover.contains("at 1 node,") && hover.contains("at 4 nodes of Standard_DS3_v2 in eastus"), "{hover}");
    assert!(hover.contains("(the service's estimate; actual bills differ)"), "{hover}");

    let mut offline_settings = settings(&emulator, "off");
    offline_settings["amlComputeLs"]["location"] = json!("westeurope");
    let (mut c, _) = Client::start(json!({}), offline_settings).await;
    c.open(uri, spec).await;
    let hover = hover_text(&c.request("textDocument/hover", on_size(uri)).await);
    assert!(hover.contains("Estimated cost (USD, Linux, dedicated):"), "{hover}");
    assert!(hover.contains("Standard_DS3_v2 in westeurope (catalog estimate, prices of "), "{hover}");
    assert!(hover.contains("; not connected; actual bills differ)"), "{hover}");
    emulator.stop().await;
}

/// Live findings honour `# aml-compute-ls: disable…` comments and the `disable` setting, as
/// offline ones do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_findings_honour_suppression_comments_and_disabled_settings() {
    let emulator = emulator_with_a_cluster().await;
    let mut with_disabled = settings(&emulator, "on");
    with_disabled["amlComputeLs"]["disable"] = json!(["AML802"]);
    let (mut c, _) = Client::start(json!({}), with_disabled).await;

    let commented = "file:///tmp/aml-lsp-live/commented.yml";
    let text =
        "name: cpu-cluster\ntype: computeinstance\n# aml-compute-ls: disable-next-line AML806\nsize: Standard_DS3_v9\n";
    c.open(commented, text).await;
    let live = c.diagnostics_where(commented, |p| codes(p).contains(&"AML801".to_string())).await;
    assert!(!codes(&live).contains(&"AML806".to_string()), "the comment silences it: {live}");

    let set = "file:///tmp/aml-lsp-live/setting.yml";
    c.open(set, "name: cpu-cluster\ntype: amlcompute\nsize: Standard_DS3_v9\n").await;
    let live = c.diagnostics_where(set, |p| codes(p).contains(&"AML806".to_string())).await;
    assert!(!codes(&live).contains(&"AML802".to_string()), "the setting silences it: {live}");
    emulator.stop().await;
}

/// Issue 11: "typing … makes a bounded number of calls". 1,000 edits across 20 open specs of
/// one workspace, each edit a new compute-instance name, within a minute: at most 10 ARM calls
/// (the workspace, the region's sizes, the computes, the usages, and 6 name checks a minute;
/// docs/commands.md, `live::cache`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_a_thousand_edits_across_twenty_documents_makes_a_bounded_number_of_calls() {
    const CALL_BUDGET: usize = 10;
    let emulator = emulator_with_a_cluster().await;
    let before = emulator.requests().len();
    let (mut c, _) = Client::start(json!({}), settings(&emulator, "on")).await;
    let uris: Vec<String> = (0..20).map(|d| format!("file:///tmp/aml-lsp-live/burst-{d}.yml")).collect();
    let text = |name: &str| format!("name: {name}\ntype: computeinstance\nsize: Standard_DS3_v2\n");
    for (d, uri) in uris.iter().enumerate() {
        c.open(uri, &text(&format!("nb-{d}"))).await;
    }
    let last = 51;
    for version in 2..last {
        for (d, uri) in uris.iter().enumerate() {
            c.change_full(uri, version, &text(&format!("nb-{d}-{version}"))).await;
        }
    }
    // The last edit of each takes the cluster's name, so its live publish is recognisable.
    for uri in &uris {
        c.change_full(uri, last, &text("cpu-cluster")).await;
    }
    let settled = |c: &Client| {
        uris.iter()
            .all(|uri| publishes_of(c, uri).any(|p| p["version"] == last && codes(p).contains(&"AML801".to_string())))
    };
    while !settled(&c) {
        c.next_message().await;
    }
    let calls: Vec<String> = emulator.requests()[before..].iter().map(|r| format!("{r:?}")).collect();
    assert!(calls.len() <= CALL_BUDGET, "{} calls: {calls:#?}", calls.len());
    emulator.stop().await;
}

/// Opens three specs on `c` and checks that the live checks failed quietly: offline findings
/// only, one information message for the whole session (returned), no AML8xx finding on any file.
async fn three_opens_then_one_quiet_message(c: &mut Client, prefix: &str, what: &str) -> String {
    for i in 0..3 {
        let uri = format!("file:///tmp/aml-lsp-live/{prefix}-{i}.yml");
        let offline = c.open(&uri, "name: some-cluster\ntype: amlcompute\nmax_instances: 2\n").await;
        assert!(!codes(&offline).iter().any(|c| c.starts_with("AML8")), "{what}: {offline}");
    }
    let message = c
        .notification_where("window/showMessage", |m| {
            m["params"]["message"].as_str().unwrap_or("").contains("live checks skipped")
        })
        .await;
    assert_eq!(message["params"]["type"], 3, "{what}: information: {message}");
    // Later answers have had their time, and a request is still served.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let first = format!("file:///tmp/aml-lsp-live/{prefix}-0.yml");
    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": first}})).await;
    assert!(symbols.get("result").is_some(), "{what}: {symbols}");
    let said = c.backlog_iter().filter(|m| m["method"] == "window/showMessage").count();
    assert_eq!(said, 1, "{what}: one message per server start, not one per document");
    let live = c
        .backlog_iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .filter(|m| codes(&m["params"]).iter().any(|c| c.starts_with("AML8")))
        .count();
    assert_eq!(live, 0, "{what}: no per-file diagnostic");
    message["params"]["message"].as_str().unwrap_or_default().to_string()
}

/// A workspace that signs us in but refuses access (403), or refuses the token (401): one
/// information message per server start, and no live diagnostic on any file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_workspace_is_one_information_message_and_no_diagnostic() {
    for (what, faults, token) in [
        ("403", Faults { forbid_all: true, ..Faults::default() }, None),
        ("401", Faults::default(), Some("not-the-emulator-token")),
    ] {
        let config = EmulatorConfig { faults, ..EmulatorConfig::default() };
        let emulator = RunningEmulator::start(config).await.unwrap();
        let mut refused = settings(&emulator, "on");
        if let Some(token) = token {
            refused["amlComputeLs"]["accessToken"] = json!(token);
        }
        let (mut c, _) = Client::start(json!({}), refused).await;
        let message = three_opens_then_one_quiet_message(&mut c, &format!("refused-{what}"), what).await;
        assert!(!message.contains(EMULATOR_TOKEN), "{what}: {message}");
        emulator.stop().await;
    }
}

/// No credential at all (no `az`/`azd` on the PATH, no service principal, and managed identity
/// left out by `AZURE_TOKEN_CREDENTIALS=dev`, as on a laptop): the server, run as its own process
/// with that environment and Azure's public endpoint, says so once and publishes no live
/// finding. Nothing leaves the machine: every credential fails before a request could be signed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credential_at_all_is_one_information_message_and_no_diagnostic() {
    let empty = std::env::temp_dir().join(format!("aml-lsp-live-no-credential-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let empty_path = empty.to_string_lossy().into_owned();
    let env = [
        ("PATH", empty_path.as_str()),
        ("HOME", empty_path.as_str()),
        ("AZURE_CONFIG_DIR", empty_path.as_str()),
        ("AZURE_TENANT_ID", ""),
        ("AZURE_CLIENT_ID", ""),
        ("AZURE_CLIENT_SECRET", ""),
        ("AZURE_FEDERATED_TOKEN_FILE", ""),
        // Without it, the server would probe the instance metadata address, off loopback.
        ("AZURE_TOKEN_CREDENTIALS", "dev"),
    ];
    let settings = json!({"amlComputeLs": {"subscriptionId": SUB, "resourceGroup": "rg", "workspaceName": "live-ws"}});
    let (mut c, _) =
        Client::spawn_binary_with_env(env!("CARGO_BIN_EXE_aml-compute-ls"), &env, json!({}), settings).await;
    let message = three_opens_then_one_quiet_message(&mut c, "no-credential", "no credential").await;
    assert!(message.contains("no credential could get a token"), "{message}");
    let _ = std::fs::remove_dir_all(&empty);
}
