//! Live workspace checks end to end: facts fetched from the real emulator over loopback through
//! `arm::live` and the shared cache, and the findings they give for a few specs.

use aml_compute_ls::arm::{ArmClient, ArmError, ClientOptions, Credential, Workspace};
use aml_compute_ls::check::{CheckOptions, Code, Family, check_text};
use aml_compute_ls::emulator::{EMULATOR_TOKEN, EmulatorConfig, RunningEmulator};
use aml_compute_ls::live::{self, LiveCache, LiveReport, SpecFacts, SystemClock, Ttls};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const SUB: &str = "0e745469-49f8-48c9-873b-24ca87143db1";

fn options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(5),
        max_retries: 1,
        retry_base: Duration::from_millis(10),
        lro_timeout: Duration::from_secs(30),
        poll_interval: Duration::from_millis(50),
        ..ClientOptions::default()
    }
}

fn workspace(name: &str) -> Workspace {
    Workspace {
        subscription_id: SUB.into(),
        resource_group: "rg".into(),
        workspace_name: name.into(),
        source: "the test".into(),
    }
}

async fn create(client: &ArmClient, ws: &Workspace, name: &str, body: Value) {
    let op = client.begin_create_or_update(ws, name, &body).await.expect("the emulator accepts the body");
    op.wait(&mut |_| {}, std::future::pending()).await.expect("provisioned");
}

fn cluster(size: &str, min: i64, max: i64, ssh: &str) -> Value {
    json!({"location": "eastus", "properties": {"computeType": "AmlCompute", "properties": {"vmSize": size,
        "remoteLoginPortPublicAccess": ssh, "scaleSettings": {"minNodeCount": min, "maxNodeCount": max}}}})
}

/// An emulator with `cpu-cluster` (2 × 4 vCPUs, SSH closed) and `gpu-cluster` (1 × 24 A100
/// vCPUs, all of the family's 24) in `ws-main`, and `notebook` in `ws-other` of the same region.
async fn populated() -> (RunningEmulator, ArmClient) {
    let config = EmulatorConfig { provisioning_delay: Duration::from_millis(50), ..EmulatorConfig::default() };
    let emulator = RunningEmulator::start(config).await.unwrap();
    let client = ArmClient::new(&emulator.endpoint(), Credential::Static(EMULATOR_TOKEN.into()), options()).unwrap();
    let ws = workspace("ws-main");
    create(&client, &ws, "cpu-cluster", cluster("Standard_DS3_v2", 2, 4, "Disabled")).await;
    create(&client, &ws, "gpu-cluster", cluster("Standard_NC24ads_A100_v4", 1, 1, "Disabled")).await;
    let notebook = json!({"location": "eastus", "properties": {"computeType": "ComputeInstance",
        "properties": {"vmSize": "Standard_DS3_v2"}}});
    create(&client, &workspace("ws-other"), "notebook", notebook).await;
    (emulator, client)
}

async fn check_live(cache: &LiveCache, client: &ArmClient, text: &str) -> (LiveReport, String) {
    let result = check_text(text, Some("spec.yml"), &CheckOptions::default());
    let spec = SpecFacts::read(&result).expect("a compute spec");
    let facts = live::fetch::workspace_facts(cache, client, &workspace("ws-main"), &spec).await.expect("facts");
    (live::findings(&spec, &facts), facts.region)
}

fn codes(report: &LiveReport) -> Vec<String> {
    report.diagnostics.iter().map(|d| d.code.id()).collect()
}

#[tokio::test]
async fn findings_for_specs_against_the_emulators_workspace() {
    let (emulator, client) = populated().await;
    let cache = LiveCache::new(Arc::new(SystemClock::new()), Ttls::default());

    // A compute instance name used in another workspace of the region.
    let (report, _) = check_live(&cache, &client, "name: notebook\ntype: computeinstance\n").await;
    assert_eq!(codes(&report), ["AML803"]);

    // The name of a cluster, for an instance.
    let (report, _) = check_live(&cache, &client, "name: cpu-cluster\ntype: computeinstance\n").await;
    assert_eq!(codes(&report), ["AML801"]);

    // The cluster itself, asking to open SSH.
    let text = "name: cpu-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 2\nmax_instances: 4\nssh_public_access_enabled: true\n";
    let (report, _) = check_live(&cache, &client, text).await;
    assert_eq!(codes(&report), ["AML802", "AML804"]);
    assert!(
        report.diagnostics[0].message.contains("exists in workspace `ws-main` (Succeeded"),
        "{}",
        report.diagnostics[0].message
    );

    // A second A100 cluster: the family's 24 GPU vCPUs are all held by gpu-cluster.
    let text = "name: gpu-two\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nmin_instances: 0\nmax_instances: 2\n";
    let (report, region) = check_live(&cache, &client, text).await;
    assert_eq!((codes(&report), region.as_str()), (vec!["AML810".to_string()], "eastus"));
    assert!(
        report.diagnostics[0]
            .message
            .starts_with("Needs 48 standardNCADSA100v4Family vCPUs at max; 0 of 24 free in eastus"),
        "{}",
        report.diagnostics[0].message
    );
    let cost = report.cost.expect("the region prices the size");
    assert_eq!((cost.currency.as_str(), cost.unit.as_str(), cost.max_nodes), ("USD", "OneHour", 2));
    assert!(cost.per_node > 1.0, "{cost:?}");
    let text = "name: gpu-two\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nmin_instances: 1\nmax_instances: 2\n";
    assert_eq!(codes(&check_live(&cache, &client, text).await.0), ["AML809"]);

    // A cluster in another region, where the size is not offered.
    let text =
        "name: gpu-jp\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nlocation: japanwest\nmax_instances: 1\n";
    let (report, region) = check_live(&cache, &client, text).await;
    assert_eq!((codes(&report), region.as_str()), (vec!["AML806".to_string()], "japanwest"));

    // A spec with nothing to say.
    let (report, _) =
        check_live(&cache, &client, "name: fresh-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmax_instances: 2\n")
            .await;
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    emulator.stop().await;
}

#[tokio::test]
async fn documents_share_the_cache_so_repeated_checks_cost_no_more_calls() {
    let (emulator, client) = populated().await;
    let before = emulator.requests().len();
    let cache = LiveCache::new(Arc::new(SystemClock::new()), Ttls::default());
    let specs = [
        "name: cpu-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmax_instances: 4\n",
        "name: new-one\ntype: amlcompute\nsize: Standard_DS3_v2\nmax_instances: 4\n",
        "name: new-nb\ntype: computeinstance\nsize: Standard_DS3_v2\n",
    ];
    for _ in 0..20 {
        for text in specs {
            check_live(&cache, &client, text).await;
        }
    }
    let calls: Vec<String> = emulator.requests()[before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path().rsplit('/').next().unwrap()))
        .collect();
    let count = |what: &str| calls.iter().filter(|c| c.as_str() == what).count();
    assert_eq!(count("GET computes"), 1, "{calls:?}");
    assert_eq!(count("GET ws-main"), 1, "the workspace's region, {calls:?}");
    assert_eq!((count("GET vmSizes"), count("GET usages")), (1, 1), "{calls:?}");
    assert_eq!(count("POST checkComputeNameAvailability"), 2, "one per new name: {calls:?}");
    assert_eq!(calls.len(), 6, "{calls:?}");
    emulator.stop().await;
}

#[tokio::test]
async fn without_a_valid_sign_in_the_fetch_fails_once_with_the_auth_error() {
    let (emulator, _) = populated().await;
    let refused = ArmClient::new(&emulator.endpoint(), Credential::Static("wrong-token".into()), options()).unwrap();
    let cache = LiveCache::new(Arc::new(SystemClock::new()), Ttls::default());
    let result =
        check_text("name: x-cluster\ntype: amlcompute\nmax_instances: 1\n", Some("s.yml"), &CheckOptions::default());
    let spec = SpecFacts::read(&result).unwrap();
    let before = emulator.requests().len();
    let first = live::fetch::workspace_facts(&cache, &refused, &workspace("ws-main"), &spec).await;
    assert!(matches!(first, Err(ArmError::Auth(_))), "{first:?}");
    // One fetch is one request, plus the client's one retry with a fresh token after a 401.
    let one_fetch = emulator.requests().len() - before;
    assert!((1..=2).contains(&one_fetch), "{one_fetch}");
    for _ in 0..10 {
        let got = live::fetch::workspace_facts(&cache, &refused, &workspace("ws-main"), &spec).await;
        assert!(matches!(got, Err(ArmError::Auth(_))), "{got:?}");
    }
    assert_eq!(emulator.requests().len() - before, one_fetch, "the refusal is kept, not asked again per document");
    emulator.stop().await;
}

#[tokio::test]
async fn a_documents_live_check_merges_with_the_offline_findings_and_honours_the_settings() {
    let (emulator, client) = populated().await;
    let cache = LiveCache::new(Arc::new(SystemClock::new()), Ttls::default());
    let ws = workspace("ws-main");
    // Offline the catalog says the A100 size is not in japanwest (AML303); live, the region's
    // list says so too (AML806), and only the live finding is kept.
    let text = "name: cpu-cluster\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nlocation: japanwest\nmax_instances: 1\nssh_public_access_enabled: false\n";
    let options = CheckOptions::default();
    let offline = check_text(text, Some("spec.yml"), &options);
    assert!(offline.diagnostics.iter().any(|d| d.code.id() == "AML303"));
    let outcome = live::check_document(&cache, &client, &ws, text, &offline, &options).await.unwrap().expect("a spec");
    let merged: Vec<String> = outcome.diagnostics.iter().map(|d| d.code.id()).collect();
    assert!(merged.contains(&"AML806".to_string()) && !merged.contains(&"AML303".to_string()), "{merged:?}");
    assert!(merged.contains(&"AML802".to_string()) && merged.contains(&"AML804".to_string()), "{merged:?}");
    let blocking: Vec<(String, &str)> =
        outcome.blocking().iter().map(|d| (d.code.id(), &text[d.range.start()..d.range.end()])).collect();
    let size = "Standard_NC24ads_A100_v4";
    assert_eq!(
        blocking,
        [("AML804".into(), size), ("AML806".into(), size), ("AML804".into(), "japanwest")],
        "what a pre-flight refuses over: the size and the region of the existing cluster, and the size here"
    );

    // Settings switch live codes off and change their severity like offline ones.
    let options = CheckOptions {
        disabled_codes: vec![Code::find("size-not-offered-here").unwrap()],
        severity_overrides: vec![(Code::find("AML804").unwrap(), aml_compute_ls::check::Severity::Warning)],
        ..CheckOptions::default()
    };
    let outcome = live::check_document(&cache, &client, &ws, text, &offline, &options).await.unwrap().unwrap();
    assert!(outcome.blocking().is_empty(), "{:?}", outcome.report.diagnostics);
    let options = CheckOptions { disabled_families: vec![Family::Workspace], ..CheckOptions::default() };
    let outcome = live::check_document(&cache, &client, &ws, text, &offline, &options).await.unwrap().unwrap();
    assert!(outcome.report.diagnostics.is_empty());

    // A file that is no compute spec has no live check.
    let other = check_text("jobs: {}\n", Some("ci.yml"), &CheckOptions::default());
    assert_eq!(
        live::check_document(&cache, &client, &ws, "jobs: {}\n", &other, &CheckOptions::default()).await.unwrap(),
        None
    );
    emulator.stop().await;
}

#[tokio::test]
async fn the_quota_warning_reads_as_the_issue_asks_against_a_workspace_with_96_a100_vcpus() {
    let config = EmulatorConfig { provisioning_delay: Duration::from_millis(50), ..EmulatorConfig::default() };
    let emulator = RunningEmulator::start(config).await.unwrap();
    let set = reqwest::Client::new()
        .post(format!("{}/_emulator/quota", emulator.endpoint()))
        .bearer_auth(EMULATOR_TOKEN)
        .json(&json!({"standardNCADSA100v4Family": 96}))
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success());
    let client = ArmClient::new(&emulator.endpoint(), Credential::Static(EMULATOR_TOKEN.into()), options()).unwrap();
    create(&client, &workspace("ws-main"), "gpu-cluster", cluster("Standard_NC24ads_A100_v4", 2, 4, "Disabled")).await;
    let cache = LiveCache::new(Arc::new(SystemClock::new()), Ttls::default());
    let text = "name: gpu-two\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nmax_instances: 4\n";
    let (report, _) = check_live(&cache, &client, text).await;
    assert_eq!(codes(&report), ["AML810"]);
    let message = &report.diagnostics[0].message;
    assert!(
        message.starts_with("Needs 96 standardNCADSA100v4Family vCPUs at max; 48 of 96 free in eastus"),
        "{message}"
    );
    emulator.stop().await;
}
