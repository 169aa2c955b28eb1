//! The Azure subcommands end to end: the real binary with `--emulator` (a real HTTP server on
//! loopback, started in the process), every command, both output formats, prompts, and a proof
//! that no secret reaches the output or a file.

use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aml-compute-ls"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(state: &std::path::Path, args: &[&str]) -> Run {
    let out = bin()
        .args(args)
        .args(["--emulator", "--emulator-state", state.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("aml-cli-azure-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/cpu-cluster.yml");

#[test]
fn create_list_status_delete_round_trip_with_the_emulator() {
    let dir = temp("roundtrip");
    let state = dir.join("state.json");
    let created = run(&state, &["create", EXAMPLE, "--yes"]);
    assert_eq!(created.code, 0, "{}\n{}", created.stdout, created.stderr);
    assert!(created.stdout.contains("Created `cpu-cluster` in demo-ws: Succeeded"), "{}", created.stdout);
    // The emulator's workspace exists nowhere else: no Azure ML studio link for it.
    assert!(!created.stdout.contains("ml.azure.com"), "{}", created.stdout);
    // A second run sees the first (state file), and says it will update.
    let again = run(&state, &["create", EXAMPLE, "--yes"]);
    assert!(again.stdout.contains("Updated `cpu-cluster`"), "{}\n{}", again.stdout, again.stderr);
    let list = run(&state, &["list"]);
    assert!(list.stdout.lines().next().unwrap().starts_with("NAME"), "{}", list.stdout);
    assert!(list.stdout.contains("cpu-cluster  AmlCompute"), "{}", list.stdout);
    let status = run(&state, &["status", "--name", "cpu-cluster", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(doc["compute"]["vmSize"], "Standard_DS3_v2");
    assert_eq!(doc["ok"], true);
    let deleted = run(&state, &["delete", "--name", "cpu-cluster", "--yes"]);
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    let gone = run(&state, &["status", "--name", "cpu-cluster", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&gone.stdout).unwrap();
    assert_eq!(doc["compute"]["state"], "NotCreated");
}

#[test]
fn without_a_terminal_billable_commands_need_yes() {
    let dir = temp("noyes");
    let state = dir.join("state.json");
    let declined = run(&state, &["create", EXAMPLE]);
    assert_eq!(declined.code, 1);
    assert!(declined.stderr.contains("pass --yes"), "{}", declined.stderr);
    let list = run(&state, &["list", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert!(doc.get("computes").is_none_or(|c| c.as_array().unwrap().is_empty()), "{doc}");
}

#[test]
fn no_wait_returns_once_accepted_and_sizes_and_usage_answer() {
    let dir = temp("nowait");
    let state = dir.join("state.json");
    let r = run(&state, &["create", EXAMPLE, "--yes", "--no-wait"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("accepted; it continues in Azure"), "{}", r.stdout);
    let sizes = run(&state, &["sizes", "--location", "eastus", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&sizes.stdout).unwrap();
    assert!(doc["sizes"].as_array().unwrap().iter().any(|s| s["name"] == "Standard_DS3_v2"), "{doc}");
    let usage = run(&state, &["usage", "--location", "eastus"]);
    assert_eq!(usage.code, 0, "{}", usage.stderr);
    assert!(usage.stdout.starts_with("QUOTA"), "{}", usage.stdout);
}

#[test]
fn a_spec_with_errors_is_refused_before_anything_is_sent() {
    let dir = temp("refused");
    let spec = dir.join("bad.yml");
    std::fs::write(&spec, "name: bad-cluster-1\ntype: amlcompute\nmin_instances: 3\nmax_instances: 2\n").unwrap();
    let r = run(&dir.join("state.json"), &["create", spec.to_str().unwrap(), "--yes"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("The spec has 2 errors") && r.stderr.contains("line 1:"), "{}", r.stderr);
}

#[test]
fn no_secret_reaches_the_output_or_the_emulator_state() {
    let dir = temp("secrets");
    let password = "Pa55-word-never-to-be-seen";
    let private_key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-do-not-print\n-----END OPENSSH PRIVATE KEY-----\n";
    std::fs::write(dir.join("id_test"), private_key).unwrap();
    let spec = dir.join("vm.yml");
    std::fs::write(
        &spec,
        format!(
            "name: vm-attached\ntype: virtualmachine\nresource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1\nssh_settings:\n  admin_username: azureuser\n  # aml-compute-ls: disable-next-line AML502\n  admin_password: {password}\n  ssh_private_key_file: id_test\n"
        ),
    )
    .unwrap();
    let state = dir.join("state.json");
    let mut outputs = String::new();
    for args in [
        vec!["attach", spec.to_str().unwrap(), "--yes"],
        vec!["status", spec.to_str().unwrap(), "-o", "json"],
        vec!["list", "-o", "json"],
        vec!["detach", spec.to_str().unwrap(), "--yes"],
    ] {
        let r = run(&state, &args);
        outputs.push_str(&r.stdout);
        outputs.push_str(&r.stderr);
    }
    assert!(outputs.contains("Attached `vm-attached`"), "{outputs}");
    let state_text = std::fs::read_to_string(&state).unwrap();
    for secret in [password, "do-not-print", "emulator-token"] {
        assert!(!outputs.contains(secret), "`{secret}` was printed:\n{outputs}");
        assert!(!state_text.contains(secret), "`{secret}` was written to the state file");
    }
}
