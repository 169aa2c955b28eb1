//! One test per live finding, over hand-built workspace facts shaped as the service replies.

use super::*;
use crate::arm::live::{NameAvailability, RegionVmSize};
use crate::arm::{Compute, Usage};
use crate::check::{CheckOptions, Severity, check_text};
use serde_json::{Value, json};

fn spec(text: &str) -> SpecFacts {
    let path = if text.trim_start().starts_with('{') { "spec.json" } else { "spec.yml" };
    SpecFacts::read(&check_text(text, Some(path), &CheckOptions::default())).expect("a compute spec")
}

fn cluster(name: &str, size: &str, props: Value) -> Compute {
    let mut inner = json!({"vmSize": size, "vmPriority": "Dedicated", "remoteLoginPortPublicAccess": "Disabled",
        "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 4}, "currentNodeCount": 2, "targetNodeCount": 2});
    if let (Some(o), Some(extra)) = (inner.as_object_mut(), props.as_object()) {
        for (k, v) in extra {
            o.insert(k.clone(), v.clone());
        }
    }
    Compute::from_json(json!({"name": name, "location": "eastus", "properties": {"computeType": "AmlCompute",
        "provisioningState": "Succeeded", "properties": inner}}))
}

fn instance(name: &str, size: &str, state: &str, ssh: &str) -> Compute {
    Compute::from_json(json!({"name": name, "location": "eastus", "properties": {"computeType": "ComputeInstance",
        "provisioningState": "Succeeded", "properties": {"vmSize": size, "state": state,
        "sshSettings": {"sshPublicAccess": ssh}}}}))
}

fn size(name: &str, family: &str, vcpus: i64, types: &[&str], low: bool) -> RegionVmSize {
    RegionVmSize::from_json(&json!({"name": name, "family": family, "vCPUs": vcpus, "gpus": 0, "memoryGB": 16.0,
        "lowPriorityCapable": low, "supportedComputeTypes": types,
        "estimatedVMPrices": {"billingCurrency": "USD", "unitOfMeasure": "OneHour", "values": [
            {"retailPrice": 3.67, "osType": "Linux", "vmTier": "Standard"},
            {"retailPrice": 0.73, "osType": "Linux", "vmTier": "LowPriority"}]}}))
}

fn usage(kind: &str, name: &str, localized: &str, current: i64, limit: i64) -> Usage {
    Usage {
        name: name.into(),
        localized_name: localized.into(),
        current,
        limit,
        unit: "Count".into(),
        kind: format!("Microsoft.MachineLearningServices/{kind}/usages"),
    }
}

const A100: &str = "Standard_NC24ads_A100_v4";
const A100_FAMILY: &str = "standardNCADSA100v4Family";

/// A workspace in eastus: a GPU cluster and a notebook, three sizes, and A100 quota half used.
fn workspace() -> WorkspaceFacts {
    WorkspaceFacts {
        workspace: "ws".into(),
        region: "eastus".into(),
        computes: vec![
            cluster("gpu-cluster", A100, json!({})),
            instance("notebook", "Standard_DS3_v2", "Running", "Disabled"),
        ],
        vm_sizes: Some(vec![
            size("Standard_DS3_v2", "standardDSv2Family", 4, &["AmlCompute", "ComputeInstance"], true),
            size(A100, A100_FAMILY, 24, &["AmlCompute", "ComputeInstance"], true),
            size("Standard_ND96asr_v4", "standardNDASv4_A100Family", 96, &["AmlCompute"], false),
        ]),
        usages: Some(vec![
            usage("totalClusters", "TotalClusters", "Total Clusters", 3, 200),
            usage("totalDedicatedCores", "TotalDedicatedCores", "Total Cluster Dedicated Regional vCPUs", 100, 500),
            usage(
                "vmFamily/dedicatedCores",
                A100_FAMILY,
                "Standard NCADSA100v4 Family Cluster Dedicated vCPUs",
                48,
                96,
            ),
            usage(
                "vmFamily/dedicatedCores",
                "standardDSv2Family",
                "Standard DSv2 Family Cluster Dedicated vCPUs",
                4,
                100,
            ),
            usage(
                "totalLowPriorityCores",
                "TotalLowPriorityCores",
                "Total Cluster Low Priority Regional vCPUs",
                90,
                100,
            ),
            usage(
                "vmFamily/lowPriorityCores",
                A100_FAMILY,
                "Standard NCADSA100v4 Family Cluster LowPriority vCPUs",
                0,
                -1,
            ),
        ]),
        name_availability: None,
    }
}

fn codes_of(report: &LiveReport) -> Vec<String> {
    report.diagnostics.iter().map(|d| d.code.id()).collect()
}

/// The text a finding points at.
fn at<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    &text[d.range.start()..d.range.end()]
}

#[test]
fn a_name_taken_by_another_type_is_an_error_on_the_name() {
    let text = "name: notebook\ntype: amlcompute\nsize: Standard_DS3_v2\nmax_instances: 2\n";
    let report = findings(&spec(text), &workspace());
    let [d] = &report.diagnostics[..] else { panic!("{:?}", report.diagnostics) };
    assert_eq!((d.code, d.severity, at(text, d)), (codes::NAME_TAKEN_BY_OTHER_TYPE, Severity::Error, "notebook"));
    assert!(
        d.message.contains("is already a compute instance (Succeeded · Running) in workspace `ws`"),
        "{}",
        d.message
    );
}

/// The rename a taken name offers: free in the workspace, within 16 characters, quoted as the
/// name was (JSON's `"` kept).
#[test]
fn a_taken_name_offers_a_rename_to_a_name_the_workspace_does_not_hold() {
    let text = "name: notebook\ntype: amlcompute\nsize: Standard_DS3_v2\n";
    let mut facts = workspace();
    facts.computes.push(instance("notebook-2", "Standard_DS3_v2", "Running", "Disabled"));
    let report = findings(&spec(text), &facts);
    let fixes = &report.diagnostics[0].fixes;
    assert_eq!(fixes.len(), 1, "{fixes:?}");
    assert_eq!(fixes[0].title, "Rename to `notebook-3`");
    assert_eq!(fixes[0].edits[0].new_text, "notebook-3");

    let long = "name: a-very-long-notebook\ntype: amlcompute\n";
    facts.computes.push(instance("a-very-long-notebook", "Standard_DS3_v2", "Running", "Disabled"));
    let renamed = &findings(&spec(long), &facts).diagnostics[0].fixes[0].edits[0].new_text;
    assert_eq!(renamed, "a-very-long-no-2");

    let json = r#"{"name": "notebook", "type": "amlcompute"}"#;
    let d =
        findings(&spec(json), &workspace()).diagnostics.into_iter().find(|d| d.code == codes::NAME_TAKEN_BY_OTHER_TYPE);
    let fix = &d.expect("AML801 in JSON").fixes[0];
    assert_eq!(fix.edits[0].new_text, "\"notebook-2\"");
}

#[test]
fn the_same_type_is_information_with_the_current_state() {
    let text = format!(
        "name: GPU-cluster\ntype: amlcompute\nsize: {A100}\nmax_instances: 4\nssh_public_access_enabled: false\n"
    );
    let report = findings(&spec(&text), &workspace());
    assert_eq!(codes_of(&report), ["AML802"]);
    let d = &report.diagnostics[0];
    assert_eq!(d.severity, Severity::Information);
    assert_eq!(d.message, "`gpu-cluster` exists in workspace `ws` (Succeeded · 2/4 nodes); creating updates it.");
}

#[test]
fn a_name_used_elsewhere_in_the_region_is_an_error_unless_the_answer_is_invalid_or_yes() {
    let text = "name: shared-nb\ntype: computeinstance\nsize: Standard_DS3_v2\n";
    let mut facts = workspace();
    facts.name_availability = Some(NameAvailability {
        available: false,
        reason: Some("AlreadyExists".into()),
        message: Some("Taken.".into()),
    });
    let report = findings(&spec(text), &facts);
    assert_eq!(codes_of(&report), ["AML803"]);
    assert!(report.diagnostics[0].message.contains("another workspace in eastus"));
    assert!(report.diagnostics[0].message.ends_with("The service says: Taken."));
    facts.name_availability =
        Some(NameAvailability { available: false, reason: Some("Invalid".into()), message: None });
    assert!(findings(&spec(text), &facts).diagnostics.is_empty(), "the offline name rules say why");
    facts.name_availability = Some(NameAvailability { available: true, reason: None, message: None });
    assert!(findings(&spec(text), &facts).diagnostics.is_empty());
}

#[test]
fn changing_a_clusters_ssh_access_is_an_error_on_the_changed_line() {
    let text = format!(
        "name: gpu-cluster\ntype: amlcompute\nsize: {A100}\nmax_instances: 4\nssh_public_access_enabled: true\n"
    );
    let report = findings(&spec(&text), &workspace());
    let d = report.diagnostics.iter().find(|d| d.code == codes::IMMUTABLE_PROPERTY_CHANGED).expect("AML804");
    assert_eq!((d.severity, at(&text, d)), (Severity::Error, "true"));
    assert!(d.message.contains("exists with SSH public access disabled; this spec asks for enabled"), "{}", d.message);
    // Not setting it asks for the default, open without a VNet: a change too, shown on the name.
    let text = format!("name: gpu-cluster\ntype: amlcompute\nsize: {A100}\nmax_instances: 4\n");
    let report = findings(&spec(&text), &workspace());
    let d = report.diagnostics.iter().find(|d| d.code == codes::IMMUTABLE_PROPERTY_CHANGED).expect("AML804");
    assert_eq!(at(&text, d), "gpu-cluster");
    assert!(d.message.contains("does not set it"), "{}", d.message);
}

#[test]
fn changing_a_clusters_size_tier_or_network_is_an_error_on_each_line() {
    let text = "name: gpu-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\ntier: low_priority\nmax_instances: 4\n\
                ssh_public_access_enabled: false\nnetwork_settings:\n  vnet_name: vnet\n  subnet: default\n";
    let report = findings(&spec(text), &workspace());
    let changed: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == codes::IMMUTABLE_PROPERTY_CHANGED)
        .map(|d| at(text, d))
        .collect();
    assert_eq!(changed, ["Standard_DS3_v2", "low_priority", "default"]);
    let moved = format!(
        "name: gpu-cluster\ntype: amlcompute\nsize: {A100}\nlocation: East US 2\nmax_instances: 4\nssh_public_access_enabled: false\n"
    );
    let moved_report = findings(&spec(&moved), &workspace());
    let d = moved_report.diagnostics.iter().find(|d| d.code == codes::IMMUTABLE_PROPERTY_CHANGED).expect("AML804");
    assert_eq!(at(&moved, d), "East US 2");
    assert!(d.message.contains("exists in eastus; a compute cannot move"), "{}", d.message);
    let same = moved.replace("East US 2", "East US");
    assert_eq!(codes_of(&findings(&spec(&same), &workspace())), ["AML802"]);
    let network = report.diagnostics.iter().find(|d| at(text, d) == "default").unwrap();
    assert!(
        network
            .message
            .contains("exists in no virtual network; this spec asks for subnet `default` of virtual network `vnet`")
    );
}

#[test]
fn an_instance_keeps_its_ssh_access_and_a_resize_is_information() {
    let text = "name: notebook\ntype: computeinstance\nsize: Standard_DS4_v2\nssh_public_access_enabled: true\nssh_settings:\n  ssh_key_value: ssh-rsa AAAA\n";
    let report = findings(&spec(text), &workspace());
    let got: Vec<(String, Severity, &str)> =
        report.diagnostics.iter().map(|d| (d.code.id(), d.severity, at(text, d))).collect();
    assert!(got.contains(&("AML804".into(), Severity::Error, "true")), "{got:?}");
    let resize = report.diagnostics.iter().find(|d| d.code == codes::CHANGE_MAY_BE_REFUSED).expect("AML805");
    assert_eq!((resize.severity, at(text, resize)), (Severity::Information, "Standard_DS4_v2"));
    assert!(
        resize.message.contains("is Running; this spec asks for `Standard_DS4_v2`; the Studio resizes"),
        "{}",
        resize.message
    );
    // A spec without a size asks for the default size, which is a change too.
    let text = "name: gpu-cluster\ntype: amlcompute\nmax_instances: 4\nssh_public_access_enabled: false\n".to_string();
    let report = findings(&spec(&text), &workspace());
    let d = report.diagnostics.iter().find(|d| d.code == codes::IMMUTABLE_PROPERTY_CHANGED).expect("AML804");
    assert_eq!(at(&text, d), "gpu-cluster");
    assert!(d.message.contains("asks for `Standard_DS3_v2` (the default: the spec names no size)"), "{}", d.message);
}

#[test]
fn a_size_the_region_does_not_list_is_an_error_with_the_closest_listed_sizes() {
    let text = "name: new-cluster\ntype: amlcompute\nsize: \"Standard_DS3_v3\"\nmax_instances: 2\n";
    let report = findings(&spec(text), &workspace());
    let d = report.diagnostics.iter().find(|d| d.code == codes::SIZE_NOT_OFFERED_HERE).expect("AML806");
    assert_eq!(at(text, d), "\"Standard_DS3_v3\"");
    assert!(
        d.message.contains("not offered to Azure ML in eastus now")
            && d.message.contains("Did you mean `Standard_DS3_v2`?")
    );
    assert_eq!(d.fixes[0].edits[0].new_text, "\"Standard_DS3_v2\"", "the fix keeps the quotes");
}

#[test]
fn a_size_offered_for_another_kind_or_without_low_priority_is_an_error() {
    let text = "name: new-nb\ntype: computeinstance\nsize: Standard_ND96asr_v4\n";
    let report = findings(&spec(text), &workspace());
    assert_eq!(codes_of(&report), ["AML807"]);
    assert!(report.diagnostics[0].message.contains("for AmlCompute only, not for compute instances"));
    let text = "name: new-cluster\ntype: amlcompute\nsize: Standard_ND96asr_v4\ntier: low_priority\nmax_instances: 1\n";
    let report = findings(&spec(text), &workspace());
    let d = report.diagnostics.iter().find(|d| d.code == codes::LOW_PRIORITY_NOT_OFFERED_HERE).expect("AML808");
    assert_eq!(at(text, d), "low_priority");
}

#[test]
fn the_maximum_over_free_quota_is_a_warning_with_the_numbers() {
    let text = format!("name: new-gpu\ntype: amlcompute\nsize: {A100}\nmin_instances: 0\nmax_instances: 4\n");
    let report = findings(&spec(&text), &workspace());
    let [d] = &report.diagnostics[..] else { panic!("{:?}", report.diagnostics) };
    assert_eq!((d.code, d.severity, at(&text, d)), (codes::QUOTA_SHORT_AT_MAX, Severity::Warning, "4"));
    assert!(
        d.message.starts_with("Needs 96 standardNCADSA100v4Family vCPUs at max; 48 of 96 free in eastus"),
        "{}",
        d.message
    );
    assert!(d.message.contains("can grow to 2 of its 4 nodes") && d.message.contains(quota::REQUEST_MORE));
}

#[test]
fn nodes_allocated_at_creation_over_free_quota_are_an_error_on_the_minimum() {
    let text = format!("name: new-gpu\ntype: amlcompute\nsize: {A100}\nmin_instances: 3\nmax_instances: 4\n");
    let report = findings(&spec(&text), &workspace());
    let [d] = &report.diagnostics[..] else { panic!("{:?}", report.diagnostics) };
    assert_eq!((d.code, d.severity, at(&text, d)), (codes::QUOTA_EXCEEDED_AT_CREATION, Severity::Error, "3"));
    assert!(d.message.starts_with("Needs 72 standardNCADSA100v4Family vCPUs for 3 nodes at creation"), "{}", d.message);
    // An instance allocates its one VM at creation.
    let mut facts = workspace();
    facts.usages.as_mut().unwrap()[2].current = 80;
    let text = format!("name: new-nb\ntype: computeinstance\nsize: {A100}\n");
    let report = findings(&spec(&text), &facts);
    assert_eq!(codes_of(&report), ["AML809"]);
    assert_eq!(at(&text, &report.diagnostics[0]), A100);
}

#[test]
fn updating_a_cluster_counts_the_nodes_it_already_holds_as_free() {
    // gpu-cluster holds 2 × 24 of the 48 used: growing it to max 4 needs 96 of 48 + 48 free.
    let text = format!(
        "name: gpu-cluster\ntype: amlcompute\nsize: {A100}\nmax_instances: 4\nssh_public_access_enabled: false\n"
    );
    assert_eq!(codes_of(&findings(&spec(&text), &workspace())), ["AML802"]);
}

#[test]
fn low_priority_draws_on_the_regional_low_priority_total_and_cluster_count_is_a_limit() {
    let text = format!("name: new-low\ntype: amlcompute\nsize: {A100}\ntier: low_priority\nmax_instances: 1\n");
    let report = findings(&spec(&text), &workspace());
    let [d] = &report.diagnostics[..] else { panic!("{:?}", report.diagnostics) };
    assert_eq!(d.code, codes::QUOTA_SHORT_AT_MAX);
    assert!(d.message.contains("Needs 24 low-priority vCPUs at max; 10 of 100 free"), "{}", d.message);
    let mut facts = workspace();
    facts.usages.as_mut().unwrap()[0].current = 200;
    let report = findings(&spec("name: one-more\ntype: amlcompute\nsize: Standard_DS3_v2\nmax_instances: 1\n"), &facts);
    assert_eq!(codes_of(&report), ["AML809"]);
    assert!(report.diagnostics[0].message.contains("200 of 200 clusters"));
}

#[test]
fn cost_is_per_node_at_min_and_at_max_in_the_listed_currency() {
    let text = format!("name: new-gpu\ntype: amlcompute\nsize: {A100}\nmin_instances: 1\nmax_instances: 2\n");
    let cost = findings(&spec(&text), &workspace()).cost.expect("priced");
    assert_eq!((cost.per_node, cost.at_min(), cost.at_max()), (3.67, 3.67, 7.34));
    assert_eq!(
        cost.text(),
        "Estimated cost (USD, Linux, dedicated): $3.67/h per node, $3.67/h at 1 node, $7.34/h at 2 nodes of \
         Standard_NC24ads_A100_v4 in eastus (the service's estimate; actual bills differ)"
    );
    let low = format!("name: new-gpu\ntype: amlcompute\nsize: {A100}\ntier: low_priority\nmax_instances: 2\n");
    assert_eq!(findings(&spec(&low), &workspace()).cost.unwrap().per_node, 0.73);
    let nb = findings(&spec("name: nb2\ntype: computeinstance\nsize: Standard_DS3_v2\n"), &workspace()).cost.unwrap();
    assert!(
        nb.text().starts_with("Estimated cost (USD, Linux, dedicated): $3.67/h per node of Standard_DS3_v2"),
        "{}",
        nb.text()
    );
    let mut facts = workspace();
    facts.vm_sizes = None;
    assert_eq!(findings(&spec(&text), &facts).cost, None);
}

#[test]
fn offline_the_catalog_prices_stand_in_with_their_date() {
    let catalog = crate::check::catalog::Catalog::get();
    let text = "name: c\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 0\nmax_instances: 4\n";
    let cost = offline_estimate(&spec(text), "westeurope").expect("the catalog prices it");
    let payg = catalog.price(catalog.size("Standard_DS3_v2").unwrap(), "westeurope").unwrap().payg;
    assert_eq!((cost.per_node, cost.at_max(), cost.region.as_str()), (payg, payg * 4.0, "westeurope"));
    assert!(cost.text().contains(&format!("catalog estimate, prices of {}; not connected", catalog.prices_of.payg_of)));
    // A cluster's own location wins over the default region.
    let located = offline_estimate(&spec(&format!("{text}location: eastus\n")), "westeurope").unwrap();
    assert_eq!(located.region, "eastus");
    assert_eq!(offline_estimate(&spec("name: c\ntype: kubernetes\nresource_id: x\n"), "eastus"), None);
}

#[test]
fn without_sizes_or_usages_those_checks_are_skipped() {
    let mut facts = workspace();
    facts.vm_sizes = None;
    facts.usages = None;
    let text = "name: new-cluster\ntype: amlcompute\nsize: Standard_Bogus\nmin_instances: 99\nmax_instances: 99\n";
    assert!(findings(&spec(text), &facts).diagnostics.is_empty());
}

#[test]
fn an_arm_body_gets_the_same_findings() {
    let text = format!(
        r#"{{"name": "gpu-cluster", "properties": {{"computeType": "AmlCompute", "properties": {{"vmSize": "{A100}",
        "remoteLoginPortPublicAccess": "Enabled", "scaleSettings": {{"minNodeCount": 0, "maxNodeCount": 4}}}}}}}}"#
    );
    let report = findings(&spec(&text), &workspace());
    assert_eq!(codes_of(&report), ["AML802", "AML804"]);
    assert_eq!(at(&text, &report.diagnostics[1]), "\"Enabled\"");
}

#[test]
fn live_sizes_replace_the_offline_size_findings() {
    // Offline, the catalog says the A100 size is not in japanwest; live, the region lists it.
    let text = format!("name: new-gpu\ntype: amlcompute\nsize: {A100}\nlocation: japanwest\nmax_instances: 1\n");
    let offline = check_text(&text, Some("spec.yml"), &CheckOptions::default()).diagnostics;
    assert!(offline.iter().any(|d| d.code == codes::SIZE_NOT_IN_REGION));
    let facts = workspace();
    let spec = spec(&text);
    let live = findings(&spec, &facts);
    let merged = merge_with_offline(&offline, &spec, &facts, &live);
    assert!(merged.iter().all(|d| d.code != codes::SIZE_NOT_IN_REGION), "{merged:?}");
    // Without a live list the offline finding stays.
    let mut no_sizes = workspace();
    no_sizes.vm_sizes = None;
    let merged = merge_with_offline(&offline, &spec, &no_sizes, &findings(&spec, &no_sizes));
    assert!(merged.iter().any(|d| d.code == codes::SIZE_NOT_IN_REGION));
    // A retired size keeps its offline finding, which says more than "not offered here".
    let text = "name: old\ntype: amlcompute\nsize: Standard_NC6\nmax_instances: 1\n";
    let offline = check_text(text, Some("spec.yml"), &CheckOptions::default()).diagnostics;
    let old = super::facts::SpecFacts::read(&check_text(text, Some("spec.yml"), &CheckOptions::default())).unwrap();
    let merged = merge_with_offline(&offline, &old, &facts, &findings(&old, &facts));
    let codes: Vec<String> = merged.iter().map(|d| d.code.id()).collect();
    assert!(codes.contains(&"AML305".to_string()) && !codes.contains(&"AML806".to_string()), "{codes:?}");
}

#[test]
fn an_attached_compute_that_exists_is_updated_by_attaching() {
    let mut facts = workspace();
    facts.computes.push(Compute::from_json(json!({"name": "dsvm", "properties": {"computeType": "VirtualMachine",
        "provisioningState": "Succeeded", "isAttachedCompute": true}})));
    let text = "name: dsvm\ntype: virtualmachine\nresource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/dsvm\n";
    let report = findings(&spec(text), &facts);
    assert_eq!(codes_of(&report), ["AML802"]);
    assert!(
        report.diagnostics[0].message.ends_with("(Succeeded); attaching updates it."),
        "{}",
        report.diagnostics[0].message
    );
    assert_eq!(report.cost, None, "attached computes are not priced");
}
