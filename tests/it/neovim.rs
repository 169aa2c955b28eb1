//! End to end over stdio with a real client: headless Neovim, set up with the plugin shipped in
//! `editors/neovim/`, opens a spec copied from `examples/`, receives diagnostics, requests
//! completion, applies a quick fix, and runs `:AmlCompute` against a loopback emulator. The Lua
//! driver is `editors/neovim/test/e2e.lua`; it writes a JSON results file that this test checks.
//! Every check is on what the user sees (`vim.diagnostic.get`, completion items, the edited
//! buffer, code lenses), so the same checks hold whether diagnostics are pushed (0.7) or
//! pulled (0.11+).
//!
//! Two Neovims: the old one (`nvim` on PATH or `AML_NVIM`; CI installs Debian's 0.7.2) runs the
//! `setup{}` plugin; a current one (0.11+, named by `AML_NVIM_CURRENT`, which
//! `editors/neovim/test/install-current-nvim.sh` installs from PyPI) runs both `setup{}` and
//! the native `vim.lsp.enable("aml_compute_ls")`. Where `build.rs` finds one missing, its
//! tests are shown as ignored with that reason; CI requires both.

use aml_compute_ls::emulator::{EmulatorConfig, RunningEmulator};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
/// The whole Neovim run; each wait inside the driver has its own, shorter timeout.
const RUN_TIMEOUT: Duration = Duration::from_secs(90);
const WAIT_TIMEOUT_MS: &str = "10000";

/// The old Neovim: `AML_NVIM` (as build.rs found it), else `nvim` on PATH.
fn old_nvim() -> String {
    option_env!("AML_NVIM").unwrap_or("nvim").to_string()
}

/// The current Neovim (0.11+) build.rs found through `AML_NVIM_CURRENT`.
#[cfg(has_nvim_current)]
fn current_nvim() -> String {
    env!("AML_NVIM_CURRENT_FOUND").to_string()
}

fn nvim_version(nvim: &str) -> Option<String> {
    let out = Command::new(nvim).arg("--version").stdin(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_string())
}

/// A broken spec left on disk and never opened: nothing may diagnose it.
const UNOPENED_SPEC: &str = "name: x\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 9\nmax_instances: 1\n";

fn scratch_project(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aml-nvim-e2e-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".azureml")).unwrap();
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    for name in ["cpu-cluster.yml", "gpu-cluster-low-priority.yml", "aks-inference.json"] {
        std::fs::copy(Path::new(MANIFEST).join("examples").join(name), dir.join("specs").join(name)).unwrap();
    }
    std::fs::write(dir.join("specs/unopened.yml"), UNOPENED_SPEC).unwrap();
    dir.canonicalize().unwrap()
}

struct Run {
    status: String,
    stdout: String,
    stderr: String,
    lsp_log: String,
    results: String,
}

impl Run {
    fn fail(&self, message: &str) -> ! {
        panic!(
            "{message}\n--- nvim exit: {}\n--- results JSON:\n{}\n--- nvim stdout:\n{}\n--- nvim stderr:\n{}\n--- lsp.log (tail):\n{}",
            self.status, self.results, self.stdout, self.stderr, self.lsp_log
        )
    }
}

/// How the driver sets the client up: `plugin` (`require("aml_compute_ls").setup{}`) or
/// `native` (`vim.lsp.config` + `vim.lsp.enable`, 0.11+).
fn run_nvim(nvim: &str, dir: &Path, setup: &str, endpoint: &str) -> Run {
    let plugin = Path::new(MANIFEST).join("editors/neovim");
    let driver = plugin.join("test/e2e.lua");
    let out = dir.join("results.json");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let stdout_path = dir.join("nvim.stdout");
    let stderr_path = dir.join("nvim.stderr");
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", driver.display()))
        .current_dir(dir)
        .env("AML_E2E_PLUGIN", &plugin)
        .env("AML_E2E_BIN", env!("CARGO_BIN_EXE_aml-compute-ls"))
        .env("AML_E2E_DIR", dir)
        .env("AML_E2E_OUT", &out)
        .env("AML_E2E_TIMEOUT", WAIT_TIMEOUT_MS)
        .env("AML_E2E_SETUP", setup)
        .env("AML_E2E_ENDPOINT", endpoint)
        // Keep Neovim's state, cache and LSP log inside the scratch directory.
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("nvim starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break format!("{status}");
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break format!("killed after {} s", RUN_TIMEOUT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| format!("<{}: {e}>", p.display()));
    let lsp_log = ["cache/nvim/lsp.log", "state/nvim/lsp.log"]
        .iter()
        .map(|p| home.join(p))
        .find(|p| p.exists())
        .map(|p| {
            let text = read(&p);
            let tail: Vec<&str> = text.lines().rev().take(60).collect();
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        })
        .unwrap_or_else(|| "<no lsp.log>".to_string());
    Run { status, stdout: read(&stdout_path), stderr: read(&stderr_path), lsp_log, results: read(&out) }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// Runs the driver with a fresh emulator on loopback and checks everything the user sees.
/// `pulled` says which transport this set-up is expected to use, only so that both stay covered
/// on a real client: the other checks are the same either way.
fn user_sees_diagnostics_completion_fixes_and_commands(nvim: &str, setup: &str, label: &str, pulled: bool) {
    let Some(version) = nvim_version(nvim) else {
        panic!("`{nvim}` does not run; this end-to-end test needs it");
    };
    eprintln!("using {version} ({setup})");

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let emulator = runtime
        .block_on(RunningEmulator::start(EmulatorConfig {
            provisioning_delay: Duration::from_millis(50),
            ..EmulatorConfig::default()
        }))
        .expect("the emulator starts on loopback");
    let dir = scratch_project(label);
    let run = run_nvim(nvim, &dir, setup, &emulator.endpoint());
    runtime.block_on(emulator.stop());
    let r: Value = match serde_json::from_str(&run.results) {
        Ok(v) => v,
        Err(e) => run.fail(&format!("no usable results file: {e}")),
    };
    let check = |ok: bool, what: &str| {
        if !ok {
            run.fail(what);
        }
    };
    if let Some(err) = r.get("error").and_then(Value::as_str) {
        run.fail(&format!("the Lua driver failed: {err}"));
    }
    check(run.status.contains("exit status: 0"), "nvim did not exit cleanly");

    // Attached through the shipped plugin, with the project root found by walking up.
    check(r["client_name"] == "aml_compute_ls", "client name");
    check(r["filetype"] == "yaml", "the spec is detected as YAML");
    check(r["setup"] == setup, "the driver used the set-up asked for");
    check(
        r["pull_diagnostics"] == pulled,
        if pulled {
            "diagnostics are pulled (the plugin takes workspace/diagnostic/refresh)"
        } else {
            "diagnostics are pushed"
        },
    );
    check(r["omnifunc"] == "v:lua.vim.lsp.omnifunc", "omnifunc is the LSP's");
    check(r["root_dir"].as_str() == dir.to_str(), "root_dir is the directory holding .azureml/");

    // The example is clean; the edit brings AML204 (name) and AML401 (min > max).
    let before = strings(&r["codes_before"]);
    check(before.is_empty(), &format!("the example has no diagnostics, got {before:?}"));
    let after_edit = strings(&r["codes_after_edit"]);
    check(after_edit.contains(&"AML204".to_string()), "AML204 after renaming to cpu-cluster-1");
    check(after_edit.contains(&"AML401".to_string()), "AML401 after min_instances > max_instances");
    check(
        !after_edit.contains(&"AML103".to_string()),
        "AML103 (the empty `tier:`) is disabled by the settings given to setup()",
    );
    let in_vim = strings(&r["vim_diagnostic_codes"]);
    check(in_vim.contains(&"AML204".to_string()), "vim.diagnostic holds AML204");

    // Completion: enum values after `tier: `, keys on an empty top-level line.
    let tier = strings(&r["completion_tier"]);
    check(
        tier.contains(&"low_priority".to_string()) && tier.contains(&"dedicated".to_string()),
        &format!("completion after `tier: ` offers low_priority and dedicated, got {tier:?}"),
    );
    let top = strings(&r["completion_top_level"]);
    check(
        top.contains(&"description".to_string()),
        &format!("completion on an empty top-level line offers `description`, got {top:?}"),
    );
    check(
        !top.contains(&"name".to_string()) && !top.contains(&"tier".to_string()),
        &format!("completion does not offer keys already present, got {top:?}"),
    );

    // Code actions: the preferred quick fix renames; a "Disable" action exists too.
    let titles: Vec<String> = r["code_actions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["title"].as_str())
        .map(String::from)
        .collect();
    check(titles.iter().any(|t| t == "Rename to `cpu-cluster1`"), &format!("a rename quick fix, got {titles:?}"));
    check(
        titles.iter().any(|t| t.starts_with("Disable AML204")),
        &format!("a \"Disable AML204 for this line\" action, got {titles:?}"),
    );
    check(r["applied_action"] == "Rename to `cpu-cluster1`", "the preferred quick fix is the rename");
    let after_fix = strings(&r["codes_after_fix"]);
    check(!after_fix.contains(&"AML204".to_string()), "AML204 is gone after the quick fix");
    check(after_fix.contains(&"AML401".to_string()), "AML401 is untouched by the rename");
    let text = r["text_after_fix"].as_str().unwrap_or("");
    check(text.lines().any(|l| l == "name: cpu-cluster1"), "the buffer holds the renamed name");

    // Settings changed at runtime (workspace/didChangeConfiguration) take effect.
    let after_settings = strings(&r["codes_after_settings_change"]);
    check(after_settings.contains(&"AML103".to_string()), "AML103 is back once the settings no longer disable it");

    // Attachment rules and the nvim-lspconfig table.
    check(r["second_spec_client_reused"] == true, "a second spec under the same root reuses the client");
    check(r["json_filetype"] == "json" && r["json_attached"] == true, "the JSON spec attaches");
    check(r["plain_yaml_attached"] == false, "plain YAML does not attach");
    check(r["client_count"] == 1, "one client for the one root");
    check(strings(&r["lspconfig_cmd"]) == ["aml-compute-ls", "--stdio"], "lspconfig cmd");
    check(r["lspconfig_root"].as_str() == dir.to_str(), "lspconfig root_dir for a spec");
    check(r["lspconfig_plain_root"].is_null(), "lspconfig root_dir is nil for plain YAML");

    // Documents not open in the editor get no diagnostics, pushed or pulled.
    let after_second = strings(&r["codes_after_second_settings_change"]);
    check(
        !after_second.contains(&"AML401".to_string()) && after_second.contains(&"AML103".to_string()),
        &format!("a second settings change reaches the open spec, got {after_second:?}"),
    );
    let late = strings(&r["diagnostics_for_documents_not_open"]);
    check(late.is_empty(), &format!("diagnostics arrived for documents not open: {late:?}"));
    check(r["closed_buffer_recreated"] == false, "no diagnostics recreate the wiped JSON spec's buffer");
    check(r["unopened_buffer_created"] == false, "no diagnostics create a buffer for the unopened spec");

    check_commands(&run, &r["commands"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `:AmlCompute` against the emulator, the status code lenses and the confirmations.
fn check_commands(run: &Run, c: &Value) {
    let check = |ok: bool, what: &str| {
        if !ok {
            run.fail(&format!("{what}\n--- commands: {c:#}"));
        }
    };
    check(c["exists"] == true, ":AmlCompute is defined");
    check(
        strings(&c["completion_st"]) == ["start", "status", "stop"],
        "`:AmlCompute st<Tab>` completes the subcommands",
    );
    let all = strings(&c["completion_all"]);
    for sub in ["create", "status", "list", "start", "stop", "delete"] {
        check(all.contains(&sub.to_string()), &format!("`:AmlCompute <Tab>` offers {sub}"));
    }
    let lenses = strings(&c["lenses_before"]);
    check(lenses.contains(&"Create compute in demo-ws".to_string()), "a create lens naming the workspace");
    check(lenses.iter().any(|t| t.starts_with("Status: unknown")), "a status lens before anything ran");

    let create = &c["create"];
    check(create["ok"] == true, "create succeeds once confirmed");
    check(create["status_line"].as_str().is_some_and(|s| s.starts_with("Succeeded")), "create waits for Succeeded");
    let asked = strings(&create["asked"]);
    check(
        asked.len() == 1 && asked[0].contains("gpu-cluster") && asked[0].contains("billable"),
        "create asks first, through vim.ui.select, naming the compute and that it is billable",
    );
    check(
        strings(&c["lenses_after_create"]).iter().any(|t| t.starts_with("Status: Succeeded")),
        "the status lens shows the new state",
    );
    check(c["status"]["ok"] == true && strings(&c["status"]["asked"]).is_empty(), "status runs without asking");
    check(strings(&c["list"]["computes"]).contains(&"gpu-cluster".to_string()), "list shows the new compute");
    check(
        c["delete_declined"]["ok"] == false && strings(&c["delete_declined"]["asked"]).len() == 1,
        "delete asks, and a declined delete does nothing",
    );
    check(
        c["status_after_declined"]["status_line"].as_str().is_some_and(|s| s.starts_with("Succeeded")),
        "the compute is still there after a declined delete",
    );
    check(c["delete"]["ok"] == true, "a confirmed delete succeeds");
    check(
        c["status_after_delete"]["status_line"].as_str().is_some_and(|s| s.starts_with("Not created")),
        "the compute is gone after the delete",
    );
    check(
        c["unknown"]["ok"] == false
            && c["unknown"]["message"].as_str().is_some_and(|m| m.contains("unknown subcommand \"frobnicate\"")),
        "an unknown subcommand says so",
    );
}

#[test]
#[cfg_attr(not(has_nvim), ignore = "needs Neovim 0.7+: install `nvim` or set AML_NVIM")]
fn old_neovim_with_setup_sees_diagnostics_completion_fixes_and_commands() {
    user_sees_diagnostics_completion_fixes_and_commands(&old_nvim(), "plugin", "old-plugin", false);
}

#[test]
#[cfg_attr(
    not(has_nvim_current),
    ignore = "needs Neovim 0.11+: set AML_NVIM_CURRENT (editors/neovim/test/install-current-nvim.sh prints one)"
)]
fn current_neovim_with_setup_sees_diagnostics_completion_fixes_and_commands() {
    #[cfg(has_nvim_current)]
    user_sees_diagnostics_completion_fixes_and_commands(&current_nvim(), "plugin", "current-plugin", true);
    #[cfg(not(has_nvim_current))]
    panic!("build.rs found no Neovim 0.11+: set AML_NVIM_CURRENT");
}

#[test]
#[cfg_attr(
    not(has_nvim_current),
    ignore = "needs Neovim 0.11+: set AML_NVIM_CURRENT (editors/neovim/test/install-current-nvim.sh prints one)"
)]
fn current_neovim_with_vim_lsp_enable_sees_diagnostics_completion_fixes_and_commands() {
    #[cfg(has_nvim_current)]
    user_sees_diagnostics_completion_fixes_and_commands(&current_nvim(), "native", "current-native", false);
    #[cfg(not(has_nvim_current))]
    panic!("build.rs found no Neovim 0.11+: set AML_NVIM_CURRENT");
}
