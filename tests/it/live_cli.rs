//! `check --live` and the pre-flight of `create` end to end: the real binary against an
//! emulator this test runs on loopback (so the test can set it up, lower its quota and read its
//! request log), pointed at with `--endpoint`.

use aml_compute_ls::actions::DEMO_WORKSPACE;
use aml_compute_ls::arm::{ArmClient, ClientOptions, Credential, Workspace};
use aml_compute_ls::emulator::{EMULATOR_TOKEN, EmulatorConfig, RunningEmulator};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary with `args` and the demo workspace named explicitly (so no `az configure`
/// default of the machine running the tests is used), off the async threads.
async fn run(endpoint: &str, args: &[&str]) -> Run {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_aml-compute-ls"));
    command
        .args(args)
        .args(["--endpoint", endpoint, "--subscription", DEMO_WORKSPACE.0, "-g", DEMO_WORKSPACE.1])
        .args(["-w", DEMO_WORKSPACE.2])
        .stdin(std::process::Stdio::null());
    let out = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn spec_file(test: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aml-live-cli-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spec.yml");
    std::fs::write(&path, text).unwrap();
    path
}

fn demo() -> Workspace {
    Workspace {
        subscription_id: DEMO_WORKSPACE.0.into(),
        resource_group: DEMO_WORKSPACE.1.into(),
        workspace_name: DEMO_WORKSPACE.2.into(),
        source: "the test".into(),
    }
}

async fn emulator() -> RunningEmulator {
    let config = EmulatorConfig { provisioning_delay: Duration::from_millis(50), ..EmulatorConfig::default() };
    RunningEmulator::start(config).await.unwrap()
}

/// Creates a compute in the demo workspace and waits for it.
async fn create(emulator: &RunningEmulator, name: &str, body: Value) {
    let options = ClientOptions { poll_interval: Duration::from_millis(50), ..ClientOptions::default() };
    let client = ArmClient::new(&emulator.endpoint(), Credential::Static(EMULATOR_TOKEN.into()), options).unwrap();
    let op = client.begin_create_or_update(&demo(), name, &body).await.unwrap();
    op.wait(&mut |_| {}, std::future::pending()).await.unwrap();
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_live_reports_a_name_taken_by_another_type_in_human_json_and_sarif() {
    let emulator = emulator().await;
    let cluster = json!({"location": "eastus", "properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "Standard_DS3_v2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2}}}});
    create(&emulator, "cpu-cluster", cluster).await;
    let spec = spec_file("taken", "name: cpu-cluster\ntype: computeinstance\nsize: Standard_DS3_v2\n");
    let endpoint = emulator.endpoint();

    let human = run(&endpoint, &["check", "--live", path(&spec)]).await;
    assert_eq!(human.code, 1, "an error-level live finding fails the check\n{}\n{}", human.stdout, human.stderr);
    assert!(human.stdout.contains("AML801"), "{}", human.stdout);
    assert!(human.stdout.contains("spec.yml:1:7"), "placed on the name: {}", human.stdout);

    let json = run(&endpoint, &["check", "--live", "--format", "json", path(&spec)]).await;
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let codes: Vec<&str> = doc
        .pointer("/files/0/diagnostics")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["AML801"], "{}", json.stdout);

    let sarif = run(&endpoint, &["check", "--live", "--format", "sarif", path(&spec)]).await;
    assert!(sarif.stdout.contains("\"ruleId\": \"AML801\""), "{}", sarif.stdout);

    // Without --live nothing is asked of the workspace.
    let before = emulator.requests().len();
    let offline =
        std::process::Command::new(env!("CARGO_BIN_EXE_aml-compute-ls")).args(["check", path(&spec)]).output().unwrap();
    assert_eq!(offline.status.code(), Some(0));
    assert_eq!(emulator.requests().len(), before);
    emulator.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_live_warns_of_quota_short_at_max_with_the_numbers() {
    let emulator = emulator().await;
    let spec = spec_file(
        "quota",
        "name: gpu-cluster\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nmin_instances: 0\nmax_instances: 2\n",
    );
    let out = run(&emulator.endpoint(), &["check", "--live", path(&spec)]).await;
    assert_eq!(out.code, 0, "a warning does not fail the check\n{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("AML810"), "{}", out.stdout);
    assert!(
        out.stdout.contains("Needs 48 standardNCADSA100v4Family vCPUs at max; 24 of 24 free in eastus"),
        "{}",
        out.stdout
    );
    assert!(!out.stderr.contains("live checks skipped"), "{}", out.stderr);
    emulator.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_live_without_a_reachable_workspace_keeps_the_offline_findings_and_says_why_once() {
    // A loopback port with nothing listening.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let endpoint = format!("http://{closed}");
    let spec = spec_file("unreachable", "name: cpu-cluster\ntype: amlcompute\nmax_instances: 2\nbogus: 1\n");
    let dir = spec.parent().unwrap();
    std::fs::write(dir.join("other.yml"), "name: other-cluster\ntype: amlcompute\nmax_instances: 2\n").unwrap();
    let out = run(&endpoint, &["check", "--live", "--format", "json", path(dir)]).await;
    assert_eq!(out.code, 1, "the offline error decides the exit code\n{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc.pointer("/files").unwrap().as_array().unwrap().len(), 2, "{}", out.stdout);
    assert!(out.stdout.contains("\"AML1") || out.stdout.contains("\"AML2"), "offline findings: {}", out.stdout);
    assert!(!out.stdout.contains("AML8"), "{}", out.stdout);
    let skipped: Vec<&str> = out.stderr.lines().filter(|l| l.contains("live checks skipped")).collect();
    assert_eq!(skipped.len(), 1, "one line for the workspace, not one per file: {}", out.stderr);
    assert!(skipped[0].starts_with("warning: live checks skipped: workspace `demo-ws`"), "{}", skipped[0]);
    assert!(skipped[0].contains("Could not reach Azure") && skipped[0].contains(&closed.to_string()), "{}", skipped[0]);
    assert!(skipped[0].ends_with("The offline findings stand."), "{}", skipped[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_is_refused_before_the_put_over_quota_at_creation_and_force_sends_it() {
    let emulator = emulator().await;
    let endpoint = emulator.endpoint();
    let lowered = reqwest::Client::new()
        .post(format!("{endpoint}/_emulator/quota"))
        .bearer_auth(EMULATOR_TOKEN)
        .json(&json!({"standardDSv2Family": 4}))
        .send()
        .await
        .unwrap();
    assert!(lowered.status().is_success());
    // Two DS3_v2 nodes at creation need 8 vCPUs; the family has 4.
    let spec = spec_file(
        "preflight",
        "name: cpu-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 2\nmax_instances: 2\n",
    );
    let puts = |e: &RunningEmulator| e.requests().iter().filter(|r| r.method == "PUT").count();

    let refused = run(&endpoint, &["create", path(&spec), "--yes"]).await;
    assert_eq!(refused.code, 1, "{}\n{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("Nothing was sent"), "{}", refused.stderr);
    assert!(refused.stderr.contains("line 4:16 AML809"), "{}", refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(puts(&emulator), 0, "no PUT for a refused create: {:?}", emulator.requests());

    let forced = run(&endpoint, &["create", path(&spec), "--yes", "--force"]).await;
    assert_eq!(puts(&emulator), 1, "{:?}", emulator.requests());
    assert_eq!(forced.code, 1, "{}\n{}", forced.stdout, forced.stderr);
    assert!(forced.stderr.contains("warning: sending anyway (--force)"), "{}", forced.stderr);
    // What the emulator said, as it said it.
    assert!(forced.stderr.contains("Azure rejected the request (QuotaExceeded)"), "{}", forced.stderr);
    emulator.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pre_flight_checks_the_name_the_request_goes_to() {
    let emulator = emulator().await;
    let cluster = json!({"location": "eastus", "properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "Standard_DS3_v2", "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 2}}}});
    create(&emulator, "cpu-cluster", cluster).await;
    let spec = spec_file("renamed", "name: my-notebook\ntype: computeinstance\nsize: Standard_DS3_v2\n");
    let before = emulator.requests().len();
    // `--name` sends the instance under the cluster's name: the type cannot change.
    let refused = run(&emulator.endpoint(), &["create", path(&spec), "--name", "cpu-cluster", "--yes"]).await;
    assert_eq!(refused.code, 1, "{}\n{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("AML801"), "{}", refused.stderr);
    assert!(emulator.requests()[before..].iter().all(|r| r.method != "PUT"), "{:?}", emulator.requests());
    // Under its own name it is created.
    let created = run(&emulator.endpoint(), &["create", path(&spec), "--yes"]).await;
    assert_eq!(created.code, 0, "{}\n{}", created.stdout, created.stderr);
    assert!(created.stdout.contains("Created `my-notebook`"), "{}", created.stdout);
    emulator.stop().await;
}

#[test]
fn check_live_runs_against_the_in_process_emulator_and_its_arguments_need_live() {
    let spec = spec_file(
        "inprocess",
        "name: gpu-cluster\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nmin_instances: 0\nmax_instances: 2\n",
    );
    let state = spec.with_file_name("state.json");
    let bin = || std::process::Command::new(env!("CARGO_BIN_EXE_aml-compute-ls"));
    let out = bin()
        .args(["check", "--live", "--emulator", "--emulator-state", path(&state), "--format", "json", path(&spec)])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("\"AML810\""), "{stdout}");

    let out = bin().args(["check", "--emulator", path(&spec)]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add --live"));
    assert!(out.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_live_with_a_refused_sign_in_says_so_once_and_keeps_the_offline_result() {
    let emulator = emulator().await;
    let spec = spec_file("signin", "name: cpu-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmax_instances: 2\n");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_aml-compute-ls"));
    command
        .args(["check", "--live", "--endpoint", &emulator.endpoint(), path(&spec)])
        .args(["--subscription", DEMO_WORKSPACE.0, "-g", DEMO_WORKSPACE.1, "-w", DEMO_WORKSPACE.2])
        .env("AML_COMPUTE_LS_TOKEN", "not-the-emulators-token");
    let out = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "the clean offline result stands\n{stdout}\n{stderr}");
    assert!(stdout.contains("0 errors"), "{stdout}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning: live checks skipped")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("Azure refused the request or no sign-in was found"), "{}", lines[0]);
    assert!(!stderr.contains("not-the-emulators-token"), "the token is never shown: {stderr}");
    emulator.stop().await;
}
