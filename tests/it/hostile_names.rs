//! Hostile names for every Azure command, end to end: the real binary against an emulator
//! started here, whose request log shows the exact paths it received. A name or id that breaks
//! its rule must be refused as a usage error (exit 2) with no request at all; a valid name may
//! only ever reach its own compute's path (plus the workspace read that `create` needs and the
//! status URLs of its operations). The emulator itself refuses dot segments, encoded slashes
//! and invalid resource groups and workspaces in raw paths.
//!
//! `cargo test --test it hostile_names:: -- --nocapture` prints the figures kept in docs/reliability.md.

use aml_compute_ls::emulator::{EMULATOR_TOKEN, EmulatorConfig, LoggedRequest, RunningEmulator};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const WS_PATH: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo-rg/providers/Microsoft.MachineLearningServices/workspaces/demo-ws";

/// Names a user can type by accident or on purpose; none is a valid compute name.
fn hostile_names() -> Vec<String> {
    vec![
        "..".into(),
        ".".into(),
        "a/b".into(),
        "%2e%2e".into(),
        "%2E%2E".into(),
        "../x".into(),
        "../../..".into(),
        "a%2Fb".into(),
        "".into(),
        " ".into(),
        "x".repeat(300),
        "clüster".into(),
        "名前".into(),
        "a\\b".into(),
        "a?b=c".into(),
        "a#b".into(),
        "-leading".into(),
    ]
}

/// (command, whether it takes a spec)
const COMMANDS: &[(&str, bool)] = &[
    ("status", false),
    ("delete", false),
    ("stop", false),
    ("start", false),
    ("restart", false),
    ("detach", false),
    ("create", true),
    ("attach", true),
];

fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(endpoint: &str, home: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_aml-compute-ls"))
        .args(args)
        .args(["--endpoint", endpoint])
        .args(if ["status", "list", "sizes", "usage", "stop"].contains(&args[0]) { &[][..] } else { &["--yes"][..] })
        .env("HOME", home)
        .env("AML_COMPUTE_LS_TOKEN", EMULATOR_TOKEN)
        .env_remove("AZURE_CONFIG_DIR")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .current_dir(home)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aml-hostile-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn emulator() -> RunningEmulator {
    RunningEmulator::start(EmulatorConfig { provisioning_delay: Duration::from_millis(20), ..Default::default() })
        .await
        .unwrap()
}

fn spec_for(command: &str) -> String {
    example(if command == "attach" { "attached-vm.yml" } else { "cpu-cluster.yml" })
}

/// A home folder with the key `examples/attached-vm.yml` names (`~/.ssh/id_rsa`).
fn home_with_key(tag: &str) -> PathBuf {
    let home = temp(tag);
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::write(
        home.join(".ssh/id_rsa"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    home
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_hostile_compute_name_reaches_the_network_for_any_command() {
    let emu = emulator().await;
    let endpoint = emu.endpoint();
    let home = home_with_key("names");
    let mut runs = 0;
    for (command, takes_spec) in COMMANDS {
        for name in hostile_names() {
            let spec = spec_for(command);
            let mut args = vec![*command];
            if *takes_spec {
                args.push(&spec);
            }
            let flag = format!("--name={name}");
            args.push(&flag);
            let r = run(&endpoint, &home, &args);
            runs += 1;
            assert_eq!(r.code, 2, "{command} --name {name:?}: exit {}\n{}\n{}", r.code, r.stdout, r.stderr);
            assert!(
                r.stderr.contains("is not a valid compute name") && r.stderr.contains("Nothing was sent"),
                "{command} --name {name:?}: {}",
                r.stderr
            );
            let seen = emu.requests();
            assert!(seen.is_empty(), "{command} --name {name:?} sent {seen:?}");
        }
    }
    println!(
        "hostile compute names: {runs} runs ({} commands x {} names), 0 requests sent",
        COMMANDS.len(),
        hostile_names().len()
    );
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_workspace_ids_and_regions_are_refused_before_any_request() {
    let emu = emulator().await;
    let endpoint = emu.endpoint();
    let home = home_with_key("ids");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["status", "--name", "cpu-cluster", "-g", ".."], "resource group"),
        (vec!["status", "--name", "cpu-cluster", "-g", "%2e"], "resource group"),
        (vec!["delete", "--name", "cpu-cluster", "-g", "a/b"], "resource group"),
        (vec!["delete", "--name", "cpu-cluster", "-g", "rg."], "resource group"),
        (vec!["stop", "--name", "cpu-cluster", "-w", ".."], "workspace name"),
        (vec!["list", "-w", "../x"], "workspace name"),
        (vec!["list", "--subscription", ".."], "subscription id"),
        (vec!["sizes", "--location", "../x"], "region"),
        (vec!["usage", "--location", "east/us"], "region"),
        (vec!["sizes", "--location", "%2e%2e"], "region"),
    ];
    for (args, what) in &cases {
        let mut full = args.clone();
        if !full.contains(&"--subscription") {
            full.extend(["--subscription", SUB]);
        }
        if !full.contains(&"-g") {
            full.extend(["-g", "demo-rg"]);
        }
        if !full.contains(&"-w") {
            full.extend(["-w", "demo-ws"]);
        }
        let r = run(&endpoint, &home, &full);
        assert_eq!(r.code, 2, "{args:?}: exit {}\n{}", r.code, r.stderr);
        assert!(r.stderr.contains(&format!("is not a valid {what}")), "{args:?}: {}", r.stderr);
        assert!(emu.requests().is_empty(), "{args:?} sent {:?}", emu.requests());
    }
    println!("hostile workspace ids and regions: {} runs, 0 requests sent", cases.len());
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spec_whose_name_is_hostile_sends_nothing() {
    let emu = emulator().await;
    let home = home_with_key("specname");
    for name in ["..", "a/b", "%2e%2e"] {
        let spec = home.join("hostile.yml");
        std::fs::write(&spec, format!("name: \"{name}\"\ntype: amlcompute\nsize: Standard_DS3_v2\n")).unwrap();
        for command in ["create", "status", "delete"] {
            let r = run(&emu.endpoint(), &home, &[command, spec.to_str().unwrap()]);
            assert_ne!(r.code, 0, "{command} with name {name:?} succeeded: {}", r.stdout);
            assert!(emu.requests().is_empty(), "{command} with name {name:?} sent {:?}", emu.requests());
        }
    }
    emu.stop().await;
}

/// The paths a command on `name` may reach: the workspace (read, for create), the compute, its
/// actions, and the status URLs of operations in the subscription; and the reads of create's
/// pre-flight (the compute list, the region's sizes and usages, the name check, whose name is
/// in the body), none of which has a name in its path.
fn allowed(request: &LoggedRequest, name: &str) -> bool {
    let path = request.path();
    let compute = format!("{WS_PATH}/computes/{name}");
    let operations = format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/locations/");
    let preflight = (request.method == "GET"
        && (path == format!("{WS_PATH}/computes")
            || (path.starts_with(&operations) && (path.ends_with("/vmSizes") || path.ends_with("/usages")))))
        || (request.method == "POST" && path == format!("{WS_PATH}/checkComputeNameAvailability"));
    (path == WS_PATH && request.method == "GET")
        || preflight
        || path == compute
        || ["start", "stop", "restart"].iter().any(|a| path == format!("{compute}/{a}"))
        || (path.starts_with(&operations) && path.contains("/computeOperations") && request.method == "GET")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_name_only_ever_reaches_its_own_compute() {
    let emu = emulator().await;
    let endpoint = emu.endpoint();
    let home = home_with_key("valid");
    let steps: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["create".into(), example("compute-instance.yml"), "--name".into(), "other-instance".into()],
            "other-instance",
        ),
        (vec!["create".into(), example("cpu-cluster.yml")], "cpu-cluster"),
        (vec!["attach".into(), example("attached-vm.yml"), "--name".into(), "vm-renamed".into()], "vm-renamed"),
        (vec!["status".into(), "--name".into(), "cpu-cluster".into()], "cpu-cluster"),
        (vec!["stop".into(), "--name".into(), "other-instance".into()], "other-instance"),
        (vec!["start".into(), "--name".into(), "other-instance".into()], "other-instance"),
        (vec!["restart".into(), "--name".into(), "other-instance".into()], "other-instance"),
        (vec!["detach".into(), "--name".into(), "vm-renamed".into()], "vm-renamed"),
        (vec!["delete".into(), "--name".into(), "cpu-cluster".into()], "cpu-cluster"),
    ];
    let mut seen_before = 0;
    let mut total = 0;
    for (args, name) in &steps {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run(&endpoint, &home, &refs);
        assert_eq!(r.code, 0, "{args:?}:\n{}\n{}", r.stdout, r.stderr);
        assert!(r.stdout.contains(&format!("`{name}`")), "{args:?} does not name `{name}`: {}", r.stdout);
        let log = emu.requests();
        let new = &log[seen_before..];
        assert!(!new.is_empty(), "{args:?} sent nothing");
        for request in new {
            assert!(allowed(request, name), "{args:?} reached {} {}", request.method, request.path_and_query);
        }
        total += new.len();
        seen_before = log.len();
    }
    println!("valid names: {} commands, {total} requests, all on the named compute's path", steps.len());
    emu.stop().await;
}

/// One raw HTTP/1.1 request (a client library would normalise the dot segments away).
async fn raw_request(emu: &RunningEmulator, method: &str, path: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(emu.addr).await.unwrap();
    let body = if method == "PUT" {
        r#"{"location":"eastus","properties":{"computeType":"AmlCompute","properties":{"vmSize":"STANDARD_DS3_V2"}}}"#
    } else {
        ""
    };
    let request = format!(
        "{method} {path}?api-version=2025-12-01 HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {EMULATOR_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        emu.addr,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.unwrap();
    let text = String::from_utf8_lossy(&reply);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_refuses_paths_that_could_name_something_else() {
    let emu = emulator().await;
    let p = "/providers/Microsoft.MachineLearningServices/workspaces";
    let cases = [
        ("GET", format!("/subscriptions/{SUB}/resourceGroups/../{p}/demo-ws")),
        ("GET", format!("/subscriptions/{SUB}/resourceGroups/%2e%2e{p}/demo-ws")),
        ("GET", format!("/subscriptions/{SUB}/resourceGroups/%2E{p}/demo-ws")),
        ("GET", format!("/subscriptions/{SUB}/resourceGroups/a%2Fb{p}/demo-ws")),
        ("GET", format!("/subscriptions/{SUB}/resourceGroups/rg.{p}/demo-ws")),
        ("GET", format!("/subscriptions/{SUB}/resourceGroups/demo-rg{p}/..")),
        ("GET", format!("/subscriptions/{SUB}/resourceGroups/demo-rg{p}/demo-ws/computes/..")),
        ("DELETE", format!("/subscriptions/{SUB}/resourceGroups/demo-rg{p}/demo-ws/computes/%2e%2e")),
        ("PUT", format!("/subscriptions/{SUB}/resourceGroups/demo-rg{p}/demo-ws/computes/a%2Fb")),
        ("POST", format!("/subscriptions/{SUB}/resourceGroups/demo-rg{p}/demo-ws/computes/./stop")),
        ("GET", format!("/subscriptions/{SUB}/resourceGroups//demo-rg{p}/demo-ws")),
        ("GET", format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/locations/%2e%2e/vmSizes")),
    ];
    for (method, path) in &cases {
        let status = raw_request(&emu, method, path).await;
        assert!((400..500).contains(&status), "{method} {path} answered {status}");
    }
    // Nothing was created on the way.
    let state: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/_emulator/state", emu.endpoint()))
        .bearer_auth(EMULATOR_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(state["workspaces"].as_object().is_none_or(|w| w.is_empty()), "{state}");
    assert!(state["computes"].as_object().is_none_or(|c| c.is_empty()), "{state}");
    // A valid path still works.
    assert_eq!(raw_request(&emu, "GET", &format!("/subscriptions/{SUB}/resourceGroups/demo-rg{p}/demo-ws")).await, 200);
    println!("raw hostile paths: {} refused by the emulator, 0 resources created", cases.len());
    emu.stop().await;
}
