//! End to end over stdio with a real client: headless Neovim, set up with the plugin shipped in
//! `editors/neovim/`, opens a spec copied from `examples/`, receives diagnostics, requests
//! completion and applies a quick fix. The Lua driver is `editors/neovim/test/e2e.lua`; it
//! writes a JSON results file that this test checks.
//!
//! Needs `nvim` on PATH, or `AML_NVIM` naming one (CI installs Debian's `neovim`, 0.7.2). Where
//! `build.rs` finds none, the test is shown as ignored with that reason; CI requires it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
/// The whole Neovim run; each wait inside the driver has its own, shorter timeout.
const RUN_TIMEOUT: Duration = Duration::from_secs(90);
const WAIT_TIMEOUT_MS: &str = "10000";

/// The Neovim to drive: `AML_NVIM` (as build.rs found it), else `nvim` on PATH.
fn nvim() -> String {
    option_env!("AML_NVIM").unwrap_or("nvim").to_string()
}

fn nvim_version() -> Option<String> {
    let out = Command::new(nvim()).arg("--version").stdin(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_string())
}

fn scratch_project() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aml-nvim-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".azureml")).unwrap();
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    for name in ["cpu-cluster.yml", "gpu-cluster-low-priority.yml", "aks-inference.json"] {
        std::fs::copy(Path::new(MANIFEST).join("examples").join(name), dir.join("specs").join(name)).unwrap();
    }
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

fn run_nvim(dir: &Path) -> Run {
    let plugin = Path::new(MANIFEST).join("editors/neovim");
    let driver = plugin.join("test/e2e.lua");
    let out = dir.join("results.json");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let stdout_path = dir.join("nvim.stdout");
    let stderr_path = dir.join("nvim.stderr");
    let mut child = Command::new(nvim())
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", driver.display()))
        .current_dir(dir)
        .env("AML_E2E_PLUGIN", &plugin)
        .env("AML_E2E_BIN", env!("CARGO_BIN_EXE_aml-compute-ls"))
        .env("AML_E2E_DIR", dir)
        .env("AML_E2E_OUT", &out)
        .env("AML_E2E_TIMEOUT", WAIT_TIMEOUT_MS)
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

#[test]
#[cfg_attr(not(has_nvim), ignore = "needs Neovim 0.7+: install `nvim` or set AML_NVIM")]
fn neovim_opens_a_spec_gets_diagnostics_completion_and_applies_a_quick_fix() {
    let Some(version) = nvim_version() else {
        panic!("`{}` does not run; this end-to-end test needs Neovim 0.7+", nvim());
    };
    eprintln!("using {version}");

    let dir = scratch_project();
    let run = run_nvim(&dir);
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
    check(r["omnifunc"] == "v:lua.vim.lsp.omnifunc", "on_attach sets omnifunc");
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
    check(in_vim.contains(&"AML204".to_string()), "vim.diagnostic holds the pushed AML204");

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

    let _ = std::fs::remove_dir_all(&dir);
}
