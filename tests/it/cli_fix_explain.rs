//! `check --fix`, fix edits in `check --format json`, `explain`, `--location` checking, docs
//! links and key files that do not exist: the real binary on real files.

use serde_json::Value;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aml-compute-ls"))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("aml-cli-fix-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Two mechanical fixes (quoted numbers) and one finding that needs a person (an unknown key
/// with several candidate names).
const FIXABLE: &str = "name: cpu-cluster\ntype: amlcompute\nmax_instances: \"4\"\nidle_time_before_scale_down: \"120\"\nmax_instance: 4\n";

#[test]
fn fix_applies_every_mechanical_fix_in_place_and_reports_what_is_left() {
    let dir = temp_dir("inplace");
    let file = dir.join("cluster.yml");
    std::fs::write(&file, FIXABLE).unwrap();
    let out = bin().args(["check", "--fix", file.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let fixed = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        fixed,
        "name: cpu-cluster\ntype: amlcompute\nmax_instances: 4\nidle_time_before_scale_down: 120\nmax_instance: 4\n"
    );
    assert!(stderr.contains("fixed 2 findings in") && stderr.contains("(AML103)"), "{stderr}");
    // What could not be fixed is still reported, and still fails the run.
    assert!(stdout.contains("error[AML101]") && !stdout.contains("AML103"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn fix_leaves_a_clean_file_untouched_and_refuses_stdin() {
    let dir = temp_dir("clean");
    let file = dir.join("cluster.yml");
    let clean = "name: cpu-cluster\ntype: amlcompute\nmax_instances: 4\n";
    std::fs::write(&file, clean).unwrap();
    let before = std::fs::metadata(&file).unwrap().modified().unwrap();
    let out = bin().args(["check", "--fix", file.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), before);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("fixed"));
    let out = bin().args(["check", "--fix", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input"));
}

#[test]
fn json_output_carries_each_fix_with_its_edits() {
    let dir = temp_dir("json");
    let file = dir.join("cluster.yml");
    std::fs::write(&file, FIXABLE).unwrap();
    let out = bin().args(["check", "--format", "json", file.to_str().unwrap()]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = doc["files"][0]["diagnostics"].as_array().unwrap();
    let quoted = diagnostics.iter().find(|d| d["code"] == "AML103").expect("an AML103");
    let fix = &quoted["fixes"][0];
    assert_eq!(fix["preferred"], true, "{fix}");
    assert_eq!(fix["edits"][0]["newText"], "4", "{fix}");
    assert_eq!(fix["edits"][0]["range"]["start"], serde_json::json!({"line": 2, "character": 15}), "{fix}");
    let unknown = diagnostics.iter().find(|d| d["code"] == "AML101").expect("an AML101");
    assert!(unknown["fixes"].as_array().unwrap().len() >= 2, "{unknown}");
}

#[test]
fn json_fixes_never_print_a_secret_value() {
    let dir = temp_dir("secret");
    let file = dir.join("vm.yml");
    let spec = "name: my-vm\ntype: virtualmachine\nresource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm\nssh_settings:\n  admin_username: azureuser\n  admin_password: 77815512345\n";
    std::fs::write(&file, spec).unwrap();
    let out = bin().args(["check", "--format", "json", file.to_str().unwrap()]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixes: Vec<&Value> = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["fixes"].as_array().unwrap())
        .filter(|f| f["withheld"].is_string())
        .collect();
    assert!(!fixes.is_empty(), "{doc}");
    for fix in fixes {
        assert!(fix["edits"].is_null() && !fix["edits"].to_string().contains("77815512345"), "{fix}");
    }
}

#[test]
fn explain_prints_a_codes_page_from_the_binary_and_lists_every_code() {
    let out = bin().args(["explain", "AML201"]).current_dir(std::env::temp_dir()).output().unwrap();
    let page = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(page.starts_with("## AML201 name-length\n") && page.contains("**Bad**"), "{page}");
    assert!(!page.contains("## AML202"), "{page}");
    let by_slug = bin().args(["explain", "name-length"]).output().unwrap();
    assert_eq!(by_slug.stdout, out.stdout);
    let list = bin().arg("explain").output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.lines().any(|l| l.starts_with("AML201  name-length")), "{list}");
    let unknown = bin().args(["explain", "AML999"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("`AML999` is not a diagnostic code"));
}

#[test]
fn reports_never_link_to_a_path_on_the_build_machine() {
    let dir = temp_dir("links");
    let file = dir.join("cluster.yml");
    std::fs::write(&file, FIXABLE).unwrap();
    for format in ["json", "sarif", "human"] {
        let out = bin().args(["check", "--format", format, file.to_str().unwrap()]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("file://") && !stdout.contains(env!("CARGO_MANIFEST_DIR")), "{format}: {stdout}");
    }
    let out = bin().args(["check", "--format", "sarif", file.to_str().unwrap()]).output().unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = &sarif["runs"][0]["tool"]["driver"]["rules"][0];
    assert!(rule["help"]["text"].as_str().unwrap().starts_with("## AML001 yaml-syntax"), "{rule}");
}

#[test]
fn an_unknown_location_argument_warns_with_a_suggestion() {
    let dir = temp_dir("location");
    let file = dir.join("cluster.yml");
    std::fs::write(&file, "name: cpu-cluster\ntype: amlcompute\nmax_instances: 4\n").unwrap();
    let out = bin().args(["check", "--location", "eastuss", file.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: --location: `eastuss` is not an Azure region") && stderr.contains("`eastus`"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(0));
    let known = bin().args(["check", "--location", "westeurope", file.to_str().unwrap()]).output().unwrap();
    assert!(!String::from_utf8_lossy(&known.stderr).contains("warning"));
}

#[test]
fn a_missing_key_file_and_a_tilde_path_are_warnings_and_check_still_passes() {
    let home = temp_dir("home");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/attached-vm.yml");
    let without = bin().args(["check", "--format", "json", example]).env("HOME", &home).output().unwrap();
    let doc: Value = serde_json::from_slice(&without.stdout).unwrap();
    let found = &doc["files"][0]["diagnostics"];
    let codes: Vec<(&str, &str)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, vec![("AML507", "warning"), ("AML509", "warning")], "{found}");
    assert!(found[0]["message"].as_str().unwrap().contains(&format!("{}/.ssh/id_rsa", home.display())), "{found}");
    // The key lives on the machine that attaches, not necessarily the one that checks (CI).
    assert_eq!(without.status.code(), Some(0));
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::write(home.join(".ssh/id_rsa"), "not a real key").unwrap();
    let with = bin().args(["check", "--format", "json", example]).env("HOME", &home).output().unwrap();
    let doc: Value = serde_json::from_slice(&with.stdout).unwrap();
    let found = &doc["files"][0]["diagnostics"];
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["code"], "AML509", "{found}");
    assert_eq!(with.status.code(), Some(0));
}
