//! docs/diagnostics.md's live workspace findings (AML8xx): each section's **Bad** example gets
//! its code and its **Fixed** example does not, against the example workspace the page
//! describes (`ml-ws` in eastus, built here exactly as the page lists it).

use aml_compute_ls::arm::live::{NameAvailability, RegionVmSize};
use aml_compute_ls::arm::{Compute, Usage};
use aml_compute_ls::check::{CheckOptions, check_text};
use aml_compute_ls::diagnostic::codes::{ALL, Code, Family};
use aml_compute_ls::live::{self, SpecFacts, WorkspaceFacts};
use serde_json::json;

const DOC: &str = include_str!("../../docs/diagnostics.md");

/// The section of a code, from its heading to the next `## ` outside code blocks.
fn section(code: &Code) -> &'static str {
    let heading = format!("## {} {}\n", code.id(), code.slug);
    let start = DOC.find(&heading).unwrap_or_else(|| panic!("no section {heading}"));
    let mut end = DOC.len();
    let mut offset = start + heading.len();
    let mut in_code = false;
    for line in DOC[offset..].split_inclusive('\n') {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with("## ") {
            end = offset;
            break;
        }
        offset += line.len();
    }
    &DOC[start..end]
}

/// The ```yaml block after `**label**`.
fn example(body: &str, label: &str) -> String {
    let after = body.split(&format!("**{label}**")).nth(1).unwrap_or_else(|| panic!("no {label}"));
    let block = after.split("```yaml\n").nth(1).unwrap_or_else(|| panic!("no yaml block after {label}"));
    block.split("```").next().unwrap().to_string()
}

fn size(name: &str, family: &str, vcpus: i64, types: &[&str], low: bool) -> RegionVmSize {
    RegionVmSize::from_json(&json!({"name": name, "family": family, "vCPUs": vcpus, "lowPriorityCapable": low,
        "supportedComputeTypes": types, "estimatedVMPrices": {"billingCurrency": "USD", "unitOfMeasure": "OneHour",
        "values": [{"retailPrice": 1.0, "osType": "Linux", "vmTier": "Standard"}]}}))
}

fn usage(kind: &str, name: &str, current: i64, limit: i64) -> Usage {
    Usage {
        name: name.into(),
        localized_name: String::new(),
        current,
        limit,
        unit: "Count".into(),
        kind: format!("Microsoft.MachineLearningServices/{kind}/usages"),
    }
}

/// The example workspace of the page's "Live workspace checks" section.
fn example_workspace(name: &str) -> WorkspaceFacts {
    let both = ["AmlCompute", "ComputeInstance"];
    WorkspaceFacts {
        workspace: "ml-ws".into(),
        region: "eastus".into(),
        computes: vec![
            Compute::from_json(json!({"name": "cpu-cluster", "properties": {"computeType": "AmlCompute",
                "provisioningState": "Succeeded", "properties": {"vmSize": "Standard_DS3_v2", "vmPriority": "Dedicated",
                "remoteLoginPortPublicAccess": "Disabled", "currentNodeCount": 2,
                "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 4}}}})),
            Compute::from_json(json!({"name": "notebook", "properties": {"computeType": "ComputeInstance",
                "provisioningState": "Succeeded", "properties": {"vmSize": "Standard_DS3_v2", "state": "Running",
                "sshSettings": {"sshPublicAccess": "Disabled"}}}})),
        ],
        vm_sizes: Some(vec![
            size("Standard_DS3_v2", "standardDSv2Family", 4, &both, true),
            size("Standard_DS4_v2", "standardDSv2Family", 8, &both, true),
            size("Standard_NC24ads_A100_v4", "standardNCADSA100v4Family", 24, &both, true),
            size("Standard_ND96asr_v4", "standardNDASv4_A100Family", 96, &["AmlCompute"], false),
        ]),
        usages: Some(vec![
            usage("totalClusters", "TotalClusters", 3, 200),
            usage("totalDedicatedCores", "TotalDedicatedCores", 100, 500),
            usage("vmFamily/dedicatedCores", "standardNCADSA100v4Family", 48, 96),
        ]),
        // The other eastus workspace's compute.
        name_availability: Some(if name.eq_ignore_ascii_case("team-notebook") {
            NameAvailability { available: false, reason: Some("AlreadyExists".into()), message: None }
        } else {
            NameAvailability { available: true, reason: None, message: None }
        }),
    }
}

fn live_codes(text: &str) -> Vec<String> {
    let result = check_text(text, Some("spec.yml"), &CheckOptions::default());
    let spec = SpecFacts::read(&result).expect("the example is a compute spec");
    let name = spec.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
    live::findings(&spec, &example_workspace(&name)).diagnostics.iter().map(|d| d.code.id()).collect()
}

#[test]
fn every_live_bad_example_gets_its_code_against_the_example_workspace_and_every_fixed_one_does_not() {
    let mut problems = Vec::new();
    let live_codes_documented: Vec<&Code> = ALL.iter().filter(|c| c.family() == Family::Workspace).collect();
    assert!(live_codes_documented.len() >= 10);
    for code in live_codes_documented {
        let body = section(code);
        let id = code.id();
        let bad = live_codes(&example(body, "Bad"));
        if !bad.contains(&id) {
            problems.push(format!("{id}: the Bad example gives {bad:?}"));
        }
        let fixed = live_codes(&example(body, "Fixed"));
        if fixed.contains(&id) {
            problems.push(format!("{id}: the Fixed example still gives {fixed:?}"));
        }
    }
    assert!(problems.is_empty(), "docs/diagnostics.md live examples are wrong:\n  {}", problems.join("\n  "));
}
