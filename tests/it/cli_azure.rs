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

/// The binary with exactly these arguments, HOME and the working folder set to `home` (so no
/// real Azure CLI configuration or `config.json` is found), and no terminal.
fn run_plain(home: &std::path::Path, args: &[&str]) -> Run {
    let out = bin()
        .args(args)
        .env("HOME", home)
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

fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A home folder with the key `examples/attached-vm.yml` names (`~/.ssh/id_rsa`).
fn home_with_key(tag: &str) -> std::path::PathBuf {
    let home = temp(tag);
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::write(
        home.join(".ssh/id_rsa"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    home
}

#[test]
fn every_example_goes_through_create_or_attach_with_the_emulator() {
    let home = home_with_key("examples");
    let state = home.join("state.json");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // Attached kinds attach; everything else (AKS included) is created.
        let attach =
            ["type: virtualmachine", "type: kubernetes", "type: synapsespark"].iter().any(|t| text.contains(t));
        let command = if attach { "attach" } else { "create" };
        let p = path.to_str().unwrap();
        let r = run_plain(&home, &[command, p, "--emulator", "--emulator-state", state.to_str().unwrap(), "--yes"]);
        assert_eq!(r.code, 0, "{command} {p}:\n{}\n{}", r.stdout, r.stderr);
        names.push(path.file_name().unwrap().to_string_lossy().to_string());
    }
    assert!(names.iter().any(|n| n == "attached-vm.yml"), "{names:?}");
}

#[test]
fn name_overrides_the_spec_for_create_and_attach() {
    let home = home_with_key("rename");
    let state = home.join("state.json");
    let st = state.to_str().unwrap();
    let r = run_plain(
        &home,
        &[
            "create",
            &example("cpu-cluster.yml"),
            "--name",
            "renamed-cluster",
            "--emulator",
            "--emulator-state",
            st,
            "--yes",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Created `renamed-cluster`"), "{}", r.stdout);
    let r = run_plain(
        &home,
        &["attach", &example("attached-vm.yml"), "--name", "vm-renamed", "--emulator", "--emulator-state", st, "--yes"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Attached `vm-renamed`"), "{}", r.stdout);
    let list = run_plain(&home, &["list", "--emulator", "--emulator-state", st, "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let names: Vec<&str> = doc["computes"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["renamed-cluster", "vm-renamed"], "the spec's names must not be touched");
}

#[test]
fn an_arm_template_gets_the_same_words_from_check_and_create() {
    let home = temp("template");
    let template = home.join("template.json");
    std::fs::write(
        &template,
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "contentVersion": "1.0.0.0",
 "resources": [{"type": "Microsoft.MachineLearningServices/workspaces/computes", "name": "ws/k8s",
   "properties": {"computeType": "Kubernetes"}}]}"#,
    )
    .unwrap();
    let t = template.to_str().unwrap();
    let checked = run_plain(&home, &["check", t]);
    let created = run_plain(
        &home,
        &["create", t, "--emulator", "--emulator-state", home.join("s.json").to_str().unwrap(), "--yes"],
    );
    assert_eq!(created.code, 1, "{}", created.stderr);
    let words = aml_compute_ls::check::DEPLOYMENT_TEMPLATE_MESSAGE;
    assert!(checked.stdout.contains(words), "check said: {}", checked.stdout);
    assert!(created.stderr.contains(words), "create said: {}", created.stderr);
}

#[test]
fn the_no_workspace_error_names_the_real_setting_keys() {
    let home = temp("nows");
    let r = run_plain(&home, &["status", "--name", "cpu-cluster", "--endpoint", "https://management.azure.com"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for key in
        ["amlComputeLs.subscriptionId", "amlComputeLs.resourceGroup", "amlComputeLs.workspaceName", "--resource-group"]
    {
        assert!(r.stderr.contains(key), "{key} missing: {}", r.stderr);
    }
    assert!(!r.stderr.contains("aml.workspace"), "{}", r.stderr);
    // The keys named are the keys the editor settings are read from.
    let settings = aml_compute_ls::server::commands::AzureSettings::from_json(&serde_json::json!({
        "subscriptionId": "s", "resourceGroup": "g", "workspaceName": "w"}));
    assert_eq!(settings.workspace.workspace_name.as_deref(), Some("w"));
}

#[test]
fn usage_errors_exit_2() {
    let home = temp("usage");
    let st = home.join("s.json");
    let st = st.to_str().unwrap();
    for args in [
        vec!["status", "--emulator", "--emulator-state", st],
        vec!["sizes", "--emulator", "--emulator-state", st],
        vec!["usage", "--emulator", "--emulator-state", st],
        vec!["list", "--endpoint", "http://example.com"],
        vec!["status", "--name", "a/b", "--emulator", "--emulator-state", st],
        vec!["create"],
    ] {
        let r = run_plain(&home, &args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.starts_with("error") || r.stderr.contains("\nerror"), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn an_unknown_region_warns_and_still_asks() {
    let home = temp("narnia");
    let st = home.join("s.json");
    let r =
        run_plain(&home, &["sizes", "--location", "narnia", "--emulator", "--emulator-state", st.to_str().unwrap()]);
    assert!(r.stderr.contains("warning: `narnia` is not an Azure region this tool knows"), "{}", r.stderr);
    let r =
        run_plain(&home, &["usage", "--location", "eastus2x", "--emulator", "--emulator-state", st.to_str().unwrap()]);
    assert!(r.stderr.contains("Did you mean `eastus2`?"), "{}", r.stderr);
    let r =
        run_plain(&home, &["sizes", "--location", "eastus", "--emulator", "--emulator-state", st.to_str().unwrap()]);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn emulator_messages_say_what_happened_and_nothing_else() {
    let home = temp("wording");
    let st = home.join("s.json");
    let st = st.to_str().unwrap();
    let created =
        run_plain(&home, &["create", &example("cpu-cluster.yml"), "--emulator", "--emulator-state", st, "--yes"]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let list = run_plain(&home, &["list", "--emulator", "--emulator-state", st]);
    assert!(!list.stdout.contains("from command arguments"), "{}", list.stdout);
    assert!(list.stdout.contains("the emulator's demo workspace"), "{}", list.stdout);
    assert!(!created.stdout.contains("ml.azure.com"), "{}", created.stdout);
    // `start` on a cluster: no spec was used, so no "Fix the spec".
    let started = run_plain(&home, &["start", "--name", "cpu-cluster", "--emulator", "--emulator-state", st, "--yes"]);
    assert_eq!(started.code, 1, "{}", started.stderr);
    assert!(started.stderr.contains("only supported for compute instances"), "{}", started.stderr);
    assert!(!started.stderr.contains("Fix the spec"), "{}", started.stderr);
}

#[test]
fn an_unwritable_emulator_state_fails_and_says_where() {
    let home = temp("readonly");
    let blocked = home.join("not-a-folder");
    std::fs::write(&blocked, "a file where a folder should be").unwrap();
    let state = blocked.join("state.json");
    let r = run_plain(
        &home,
        &["create", &example("cpu-cluster.yml"), "--emulator", "--emulator-state", state.to_str().unwrap(), "--yes"],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(&state.display().to_string()), "{}", r.stderr);
    assert!(!r.stdout.contains("Created"), "{}", r.stdout);
}

#[test]
fn a_running_emulator_says_how_to_use_it_and_loopback_endpoints_get_its_workspace() {
    use std::io::BufRead;
    let home = temp("serve");
    let mut child = bin()
        .args(["emulator", "--port", "0", "--step-seconds", "0.01"])
        .current_dir(&home)
        .env("HOME", &home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut banner = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.starts_with("Press Ctrl-C") {
            break;
        }
    }
    let endpoint = banner
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("aml-compute-ls emulator listening on "))
        .unwrap_or_else(|| panic!("{banner}"))
        .to_string();
    assert!(banner.contains(&format!("aml-compute-ls list --endpoint {endpoint}")), "{banner}");
    assert!(banner.contains("demo-ws") && banner.contains("amlComputeLs.endpoint"), "{banner}");
    // Exactly what the banner says works, with no workspace configured anywhere.
    let r = run_plain(&home, &["create", &example("cpu-cluster.yml"), "--endpoint", &endpoint, "--yes"]);
    let list = run_plain(&home, &["list", "--endpoint", &endpoint]);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("cpu-cluster"), "{}", list.stdout);
}

#[test]
fn each_subcommand_shows_only_its_options_and_a_bare_call_shows_all() {
    let home = temp("help");
    let help = |cmd: &str| run_plain(&home, &[cmd, "--help"]).stdout;
    for cmd in ["create", "attach", "status", "list", "start", "stop", "restart", "delete", "detach", "sizes", "usage"]
    {
        let h = help(cmd);
        assert!(!h.contains("--stdio"), "{cmd} shows --stdio:\n{h}");
        assert_eq!(h.contains("--location"), cmd == "sizes" || cmd == "usage", "{cmd}:\n{h}");
        assert_eq!(h.contains("--yes"), !["status", "list", "sizes", "usage", "stop"].contains(&cmd), "{cmd}:\n{h}");
        assert_eq!(h.contains("--name"), !["list", "sizes", "usage"].contains(&cmd), "{cmd}:\n{h}");
        assert_eq!(h.contains("--no-wait"), !["status", "list", "sizes", "usage"].contains(&cmd), "{cmd}:\n{h}");
    }
    // `--stdio` is no longer on every subcommand, yet what clients pass still starts the server.
    for args in [&["--stdio"][..], &["--stdio", "--stdio"], &["lsp", "--stdio"], &["lsp"]] {
        // With no client on stdin the server sees end of input without `shutdown`, which LSP
        // makes exit status 1; a usage error would be 2.
        let r = run_plain(&home, args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("Usage:"), "{args:?}: {}", r.stderr);
    }
    let bare = run_plain(&home, &[]);
    assert_eq!(bare.code, 2);
    let all = bare.stdout + &bare.stderr;
    for cmd in ["check", "lsp", "create", "status", "emulator"] {
        assert!(all.contains(&format!("  {cmd} ")), "{cmd} missing from:\n{all}");
    }
}
