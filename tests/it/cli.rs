//! The `check` command end to end: the real binary on real files, stdin, every output
//! format and every exit status.

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aml-compute-ls"))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("aml-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const BAD: &str = "name: cpu-cluster-1\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 3\nmax_instances: 2\n";

#[test]
fn bundled_examples_are_clean_and_exit_zero() {
    // A new user's machine may lack the key the attached-VM example names (`~/.ssh/id_rsa`):
    // that is a warning (AML507), never an error, so the quick start still exits 0.
    let home = temp_dir("examples-home");
    let out =
        bin().args(["check", concat!(env!("CARGO_MANIFEST_DIR"), "/examples")]).env("HOME", &home).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("0 errors"), "{stdout}");
}

#[test]
fn errors_exit_one_and_human_output_shows_the_line_with_carets() {
    let dir = temp_dir("human");
    let file = dir.join("cluster.yml");
    std::fs::write(&file, BAD).unwrap();
    let out = bin().args(["check", file.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[AML204]"), "{stdout}");
    assert!(stdout.contains("cluster.yml:1:18"), "{stdout}");
    assert!(stdout.contains("1 | name: cpu-cluster-1\n  |                  ^^"), "{stdout}");
    assert!(stdout.contains("fix: Rename to `cpu-cluster1`"), "{stdout}");
}

#[test]
fn json_output_is_one_document_with_lsp_positions() {
    let dir = temp_dir("json");
    std::fs::write(dir.join("a.yml"), BAD).unwrap();
    // A CJK description before the error checks that columns count UTF-16 units.
    std::fs::write(dir.join("b.yaml"), "description: 日本\nname: x\ntype: amlcompute\n").unwrap();
    std::fs::write(dir.join("notes.yml"), "just: some yaml\n").unwrap();
    let out = bin().args(["check", "--format", "json", dir.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON document");
    assert_eq!(doc["version"], 1);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    let a = files.iter().find(|f| f["path"].as_str().unwrap().ends_with("a.yml")).unwrap();
    assert_eq!(a["kind"], "amlcompute");
    let codes: Vec<&str> = a["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["AML204", "AML401"]);
    let first = &a["diagnostics"][0];
    assert_eq!(first["range"]["start"], serde_json::json!({"line": 0, "character": 17}));
    assert_eq!(first["slug"], "name-hyphen-suffix");
    assert_eq!(first["severity"], "error");
    let b = files.iter().find(|f| f["path"].as_str().unwrap().ends_with("b.yaml")).unwrap();
    assert_eq!(b["diagnostics"][0]["code"], "AML201");
    assert_eq!(b["diagnostics"][0]["range"]["start"], serde_json::json!({"line": 1, "character": 6}));
    let notes = files.iter().find(|f| f["path"].as_str().unwrap().ends_with("notes.yml")).unwrap();
    assert!(notes["kind"].is_null() && notes["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(doc["summary"]["errors"], 3);
}

#[test]
fn sarif_output_names_rules_and_one_based_regions() {
    let dir = temp_dir("sarif");
    let file = dir.join("a.yml");
    std::fs::write(&file, BAD).unwrap();
    let out = bin().args(["check", "--format", "sarif", file.to_str().unwrap()]).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert!(run["tool"]["driver"]["rules"].as_array().unwrap().iter().any(|r| r["id"] == "AML204"));
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "AML204");
    assert_eq!(result["level"], "error");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startColumn"], 18);
}

#[test]
fn stdin_is_read_with_a_dash() {
    let mut child =
        bin().args(["check", "--format", "json", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"{\"name\": \"aks1\", \"properties\": {\"computeType\": \"AKS\", \"properties\": {\"agentCount\": 1, \"agentVmSize\": \"Standard_DS3_v2\"}}}").unwrap();
    let out = child.wait_with_output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["files"][0]["path"], "<stdin>");
    assert_eq!(doc["files"][0]["kind"], "aks");
    assert_eq!(doc["files"][0]["diagnostics"][0]["code"], "AML406");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn location_flag_and_disable_flag_change_what_is_reported() {
    let dir = temp_dir("flags");
    let file = dir.join("a.yml");
    std::fs::write(&file, "name: gpu\ntype: amlcompute\nsize: Standard_ND96isr_H100_v5\nmin_instances: 1\n").unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(file.to_str().unwrap());
        let out = bin().args(&args).output().unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(run(&[]), vec!["AML404"]);
    assert!(run(&["--location", "northeurope"]).contains(&"AML303".to_string()));
    assert!(run(&["--disable", "AML404"]).is_empty());
    assert!(run(&["--disable", "nodes"]).is_empty());
}

#[test]
fn usage_and_io_errors_exit_two() {
    let out = bin().args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["check", "/definitely/not/here.yml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/definitely/not/here.yml"));
    let out = bin().args(["check", "--disable", "nonsense", "x.yml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn check_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = bin()
        .arg("check")
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    out
}

/// Issue 14, defect 3: deep JSON through stdin used to abort the process on a stack overflow.
#[test]
fn deep_json_on_stdin_is_one_finding_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    for format in ["human", "json", "sarif"] {
        let out = check_stdin(&["--format", format], deep.as_bytes());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.code().is_some(), "killed by a signal: {:?}", out.status);
        assert!(stdout.contains("AML013"), "{format}: {}", &stdout[..stdout.len().min(2000)]);
    }
}

/// Issue 14, defect 8: a name folded over two lines with a non-ASCII character made the human
/// output panic, and the JSON output end the finding at the start of the next line.
#[test]
fn a_folded_name_with_non_ascii_characters_is_reported_on_the_value() {
    let text = "name: my-clüster\n  more-name\ntype: amlcompute\nsize: Standard_DS3_v2\n";
    let human = check_stdin(&[], text.as_bytes());
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(1), "{stdout}\n{}", String::from_utf8_lossy(&human.stderr));
    assert!(stdout.contains("error[AML202]") && stdout.contains("`ü` is not allowed"), "{stdout}");
    assert!(stdout.contains("1 | name: my-clüster\n  |       ^^^^^^^^^^\n"), "{stdout}");
    let json = check_stdin(&["--format", "json"], text.as_bytes());
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let finding =
        doc["files"][0]["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "AML202").cloned().unwrap();
    // The whole folded value: from `m` on line 0 to the end of `more-name` on line 1.
    assert_eq!(finding["range"]["start"], serde_json::json!({"line": 0, "character": 6}));
    assert_eq!(finding["range"]["end"], serde_json::json!({"line": 1, "character": 11}));
}

/// Issue 14, defect 9: the human output printed the source line of findings next to a password.
#[test]
fn human_and_sarif_output_mask_passwords_in_the_source_lines() {
    let secret = "S3cr3t-Passw0rd-77";
    let text = format!(
        "name: c1\ntype: amlcompute\nsize: Standard_DS3_v2\nssh_settings: {{admin_username: azureuser, admin_password: {secret}, bad_key: 1}}\n"
    );
    for format in ["human", "json", "sarif"] {
        let out = check_stdin(&["--format", format], text.as_bytes());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("AML101"), "{format}: the finding next to the password is reported\n{stdout}");
        assert!(!stdout.contains(secret) && !stdout.contains("S3cr3t"), "{format}: {stdout}");
    }
}
