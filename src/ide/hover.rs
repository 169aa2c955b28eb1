//! Hover: field documentation on keys; on values, what the value means (a VM size's card, a
//! region, the compute kind, the name rules), else the field's documentation.

use super::query::{Hit, PathSegment, keys_only, node_at};
use super::schema_info::{
    document_schema, field_docs, kinds_with_field, schema_at, size_card, spec_location, type_label,
};
use crate::check::CheckResult;
use crate::check::catalog::Catalog;
use crate::check::rules::names::{agreed_length, length_limits};
use crate::check::schema::{Schema, SchemaSet, ValueKind};
use crate::spec::kinds::{ComputeKind, Evidence, SpecForm};
use crate::syntax::text::TextRange;
use crate::syntax::{Format, Node};

#[derive(Clone, Debug, PartialEq)]
pub struct HoverInfo {
    /// Markdown.
    pub markdown: String,
    /// The token the hover is about.
    pub range: TextRange,
}

pub fn hover(text: &str, offset: usize, result: &CheckResult) -> Option<HoverInfo> {
    let root = result.parsed.root.as_ref()?;
    let offset = offset.min(text.len());
    let (path, hit) = node_at(root, offset)?;
    let form = result
        .detection
        .as_ref()
        .map_or(if result.parsed.format == Format::Json { SpecForm::Arm } else { SpecForm::Cli }, |d| d.form);
    let schema = field_schema(result, &path, form);
    let info = match hit {
        Hit::Key(range) => {
            let schema = schema?;
            HoverInfo { markdown: field_markdown(&path, schema, form), range }
        }
        Hit::Value(node) => {
            let markdown = value_markdown(node, &path, schema, result, form)?;
            HoverInfo { markdown, range: node.range }
        }
    };
    // A hover never shows a secret value, whatever field or message would quote it.
    Some(HoverInfo { markdown: result.secrets.redact(&info.markdown, info.range), ..info })
}

/// The field's schema in the detected kind, or else in the first kind that has it.
fn field_schema(result: &CheckResult, path: &[PathSegment], form: SpecForm) -> Option<&'static Schema> {
    let set = SchemaSet::get();
    if let Some((root, Some(_))) = document_schema(result) {
        return schema_at(root, path).map(|id| set.node(id));
    }
    let kinds: &[ComputeKind] = if form == SpecForm::Cli { &ComputeKind::CLI } else { &ComputeKind::ALL };
    kinds.iter().find_map(|k| schema_at(set.lookup(&k.schema_ref(form))?, path)).map(|id| set.node(id))
}

fn field_markdown(path: &[PathSegment], schema: &Schema, form: SpecForm) -> String {
    let name = path.iter().rev().find_map(PathSegment::as_key).unwrap_or("item");
    let mut title = format!("**`{name}`**");
    let label = type_label(schema);
    if !label.is_empty() {
        title.push_str(&format!(" · {label}"));
    }
    let mut parts = vec![title];
    let docs = field_docs(schema);
    if let Some(d) = &docs {
        parts.push(d.clone());
    }
    let values = schema.enum_strings();
    if !values.is_empty() && !docs.as_deref().unwrap_or("").contains("Allowed values") {
        let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        parts.push(format!("Allowed values: {}", list.join(", ")));
    }
    if schema.secret {
        parts.push("_Secret: keep it out of source control._".to_string());
    }
    let kinds = kinds_with_field(path, form);
    if !kinds.is_empty() {
        let names: Vec<String> =
            kinds.iter().map(|k| format!("{} (`{}`)", k.display_name(), kind_id(*k, form))).collect();
        parts.push(format!("Used by: {}", names.join(", ")));
    }
    parts.join("\n\n")
}

fn kind_id(kind: ComputeKind, form: SpecForm) -> &'static str {
    match form {
        SpecForm::Cli => kind.cli_type().unwrap_or(kind.arm_type()),
        SpecForm::Arm => kind.arm_type(),
    }
}

fn value_markdown(
    node: &Node,
    path: &[PathSegment],
    schema: Option<&Schema>,
    result: &CheckResult,
    form: SpecForm,
) -> Option<String> {
    let text = node.scalar_text()?;
    let segs = keys_only(path).unwrap_or_default();
    let value_kind = schema.and_then(|s| s.value_kind);
    if (form == SpecForm::Cli && segs == ["type"]) || segs == ["properties", "computeType"] {
        return Some(kind_markdown(text, result));
    }
    if value_kind == Some(ValueKind::VmSize) {
        let location = spec_location(result.parsed.root.as_ref(), None);
        return Some(match Catalog::get().size(text) {
            Some(size) => {
                let mut card = size_card(size, location.as_deref());
                if let Some(cost) = cluster_cost(result) {
                    card.push_str(&format!("\n- Cluster: {cost}"));
                }
                card
            }
            None => format!("`{text}` is not in the VM size catalog; check the name with `az vm list-sizes`."),
        });
    }
    let node_count = ["min_instances", "max_instances", "minNodeCount", "maxNodeCount"];
    if path.last().and_then(PathSegment::as_key).is_some_and(|k| node_count.contains(&k))
        && let (Some(schema), Some(cost)) = (schema, cluster_cost(result))
    {
        return Some(format!("{}\n\nCost: {cost}", field_markdown(path, schema, form)));
    }
    if value_kind == Some(ValueKind::Location) {
        return Some(match Catalog::get().region(text) {
            Some(r) => format!(
                "**{}** (`{}`)\n\n- Geography: {}\n- VM size availability: {}",
                r.display_name,
                r.name,
                r.geography,
                if r.availability_known { "known to the catalog" } else { "no data in the catalog" }
            ),
            None => format!("`{text}` is not a known Azure region."),
        });
    }
    if value_kind == Some(ValueKind::ComputeName) || segs == ["name"] {
        return Some(name_markdown(text, result.kind()));
    }
    let schema = schema?;
    Some(field_markdown(path, schema, form))
}

/// A compute cluster's estimated hourly cost from its minimum to its maximum node count, at its
/// tier's price in its location (the catalog's price snapshot; always an estimate with a date).
fn cluster_cost(result: &CheckResult) -> Option<String> {
    if result.kind() != Some(ComputeKind::AmlCompute) {
        return None;
    }
    let root = result.parsed.root.as_ref()?;
    let scale = root.get_path(&["properties", "properties", "scaleSettings"]);
    let count = |cli: &str, arm: &str| {
        root.get(cli)
            .or_else(|| scale.and_then(|s| s.get(arm)))
            .and_then(Node::as_i64)
            .and_then(|n| u64::try_from(n).ok())
    };
    let min = count("min_instances", "minNodeCount").unwrap_or(0);
    let max = count("max_instances", "maxNodeCount")?;
    let size = root.get("size").or_else(|| root.get_path(&["properties", "properties", "vmSize"]))?.as_str()?;
    let catalog = Catalog::get();
    let size = catalog.size(size)?;
    let location = spec_location(Some(root), None)?;
    let tier = root.get("tier").or_else(|| root.get_path(&["properties", "properties", "vmPriority"]));
    let low_priority = tier
        .and_then(Node::scalar_text)
        .is_some_and(|t| t.eq_ignore_ascii_case("low_priority") || t.eq_ignore_ascii_case("lowpriority"));
    catalog.cluster_cost_text(size, &location, min.min(max), max, low_priority)
}

fn kind_markdown(value: &str, result: &CheckResult) -> String {
    let Some(detection) = result.detection.as_ref() else {
        return format!("`{value}` does not make this file a compute spec.");
    };
    let Some(kind) = detection.kind else {
        let list: Vec<String> = match detection.form {
            SpecForm::Cli => ComputeKind::CLI.iter().filter_map(|k| k.cli_type()).map(|t| format!("`{t}`")).collect(),
            SpecForm::Arm => ComputeKind::ALL.iter().map(|k| format!("`{}`", k.arm_type())).collect(),
        };
        return format!("`{value}` is not a compute type. Use one of {}.", list.join(", "));
    };
    let mut lines =
        vec![format!("**{}** (`{}`)", capitalize(kind.display_name()), kind_id(kind, detection.form)), String::new()];
    lines.push(match detection.form {
        SpecForm::Cli => "- Form: CLI v2 YAML (`az ml compute create --file`)".to_string(),
        SpecForm::Arm => format!("- Form: ARM request body (`properties.computeType: {}`)", kind.arm_type()),
    });
    let evidence = match detection.evidence {
        Evidence::Modeline => "the `yaml-language-server` modeline",
        Evidence::SchemaKey => "the `$schema` key",
        Evidence::TypeField => "the `type` field",
        Evidence::ComputeTypeField => "`properties.computeType`",
        Evidence::ComputeShapedKeys => "its keys (it has no `type`)",
    };
    lines.push(format!("- Detected from: {evidence}"));
    lines.push(format!(
        "- {}",
        if kind.is_attached() { "Attaches an existing Azure resource" } else { "Azure ML creates and manages it" }
    ));
    if detection.form == SpecForm::Cli
        && let Some(url) = kind.published_schema_url()
    {
        lines.push(format!("- Schema: {url}"));
    }
    lines.join("\n")
}

fn name_markdown(name: &str, kind: Option<ComputeKind>) -> String {
    let (title, limits) = match kind {
        Some(k) => {
            let (min, max) = length_limits(k);
            let limits = match agreed_length(k) {
                Some((low, high)) => format!("{min}–{max} characters ({low}–{high} to satisfy every source)"),
                None => format!("{min}–{max} characters"),
            };
            (format!("**Compute name rules** for {}", k.a_display_name()), limits)
        }
        None => (
            "**Compute name rules**".to_string(),
            "3–24 characters for clusters and instances, 2–16 for AKS, 3–16 for other attached computes".to_string(),
        ),
    };
    let count = name.chars().count();
    [
        title,
        String::new(),
        format!("- {limits} (`{name}` has {count})"),
        "- letters, digits and `-` only".to_string(),
        "- starts with a letter".to_string(),
        "- a `-` must be followed by a letter later on (`cpu-cluster-1` is rejected)".to_string(),
        "- unique among the computes of the workspace's region".to_string(),
    ]
    .join("\n")
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, check_text};

    fn hover_at(text: &str, needle: &str, path: &str) -> Option<HoverInfo> {
        let offset = text.find(needle).unwrap_or_else(|| panic!("{needle} not in text")) + 1;
        let result = check_text(text, Some(path), &CheckOptions::default());
        hover(text, offset, &result)
    }

    fn corpus(name: &str) -> String {
        crate::test_corpus::read(&format!("specs-valid/{name}"))
    }

    const CLUSTER: &str = "name: cpu-cluster\ntype: amlcompute\nsize: Standard_NC6s_v3\nlocation: eastus\ntier: dedicated\nmin_instances: 0\n";

    #[test]
    fn a_key_shows_its_documentation_type_default_and_kinds() {
        let h = hover_at(CLUSTER, "size:", "c.yml").unwrap();
        assert_eq!(&CLUSTER[h.range.start()..h.range.end()], "size");
        assert!(h.markdown.starts_with("**`size`** · string"), "{}", h.markdown);
        assert!(h.markdown.contains("VM size of each node"));
        assert!(h.markdown.contains("Default: `Standard_DS3_v2`"));
        assert!(h.markdown.contains("Used by: compute cluster (`amlcompute`), compute instance (`computeinstance`)"));
        let h = hover_at(CLUSTER, "tier:", "c.yml").unwrap();
        assert!(h.markdown.contains("Allowed values: `dedicated`, `low_priority`"), "{}", h.markdown);
        let h = hover_at(CLUSTER, "name:", "c.yml").unwrap();
        assert!(h.markdown.contains("synapsespark"), "every kind has a name: {}", h.markdown);
    }

    #[test]
    #[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]
    fn nested_keys_in_real_specs_are_documented() {
        let text = corpus(
            "azure-sdk-for-python__sdk__ml__azure-ai-ml__tests__test_configs__compute__compute-ci-schedules.yaml",
        );
        let h = hover_at(&text, "expression", "ci.yml").unwrap();
        assert!(h.markdown.starts_with("**`expression`** · string"), "{}", h.markdown);
        assert!(h.markdown.contains("Used by: compute instance (`computeinstance`)"), "{}", h.markdown);
        let h = hover_at(&text, "week_days", "ci.yml").unwrap();
        assert!(h.markdown.contains("list of string"), "{}", h.markdown);
    }

    #[test]
    fn a_vm_size_value_shows_its_card() {
        let h = hover_at(CLUSTER, "Standard_NC6s_v3", "c.yml").unwrap();
        assert_eq!(&CLUSTER[h.range.start()..h.range.end()], "Standard_NC6s_v3");
        let size = Catalog::get().size("Standard_NC6s_v3").unwrap();
        assert!(h.markdown.starts_with("**Standard_NC6s_v3**"), "{}", h.markdown);
        assert!(h.markdown.contains(&format!("- vCPUs: {}", size.vcpus)));
        assert!(h.markdown.contains("- GPUs: 1×"), "{}", h.markdown);
        assert!(h.markdown.contains("compute cluster (`amlcompute`)"));
        let no_data = Catalog::get().sizes.iter().find(|s| s.region_count() == 0).map(|s| s.name);
        if let Some(name) = no_data {
            let text = format!("name: a\ntype: amlcompute\nsize: {name}\n");
            assert!(hover_at(&text, name, "c.yml").unwrap().markdown.contains("no region data"));
        }
        let retired =
            Catalog::get().sizes.iter().find(|s| s.retired.is_some() && s.offered_for(ComputeKind::AmlCompute));
        if let Some(size) = retired {
            let text = format!("name: a\ntype: amlcompute\nsize: {}\n", size.name);
            let h = hover_at(&text, size.name, "c.yml").unwrap();
            let expected = match size.retired_on() {
                Some(date) => format!("**Retired** on {date}"),
                None => "**Retired** (Azure published no date)".to_string(),
            };
            assert!(h.markdown.contains(&expected), "{}", h.markdown);
        }
    }

    #[test]
    fn a_size_hover_shows_its_price_and_a_clusters_cost_range_as_dated_estimates() {
        let text = "name: gpu\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nlocation: eastus\nmin_instances: 0\nmax_instances: 4\n";
        let h = hover_at(text, "Standard_NC24ads_A100_v4", "c.yml").unwrap();
        assert!(
            h.markdown.contains("- Price: ≈ $3.67/h, low priority ≈ $0.49/h in eastus (estimates; pay-as-you-go prices of 2026-06-18, low-priority prices of 2024-09-19)"),
            "{}",
            h.markdown
        );
        assert!(
            h.markdown.contains("- Cluster: ≈ $0–$14.69/h for 0–4 nodes of Standard_NC24ads_A100_v4 in eastus (estimate, prices of 2026-06-18)"),
            "{}",
            h.markdown
        );
        assert!(h.markdown.contains("; offered in eastus"), "{}", h.markdown);
        let h = hover_at(text, " 4\n", "c.yml").unwrap();
        assert!(h.markdown.contains("Cost: ≈ $0–$14.69/h for 0–4 nodes"), "{}", h.markdown);
        // Low priority clusters are priced at the low-priority rate, where the snapshot has one.
        let low = text.replace("min_instances: 0", "tier: low_priority\nmin_instances: 1");
        let h = hover_at(&low, " 4\n", "c.yml").unwrap();
        assert!(h.markdown.contains("Cost: ≈ $0.49–$1.96/h for 1–4 nodes"), "{}", h.markdown);
        assert!(h.markdown.contains("low priority, estimate, prices of 2024-09-19"), "{}", h.markdown);
        // A region where the size is not offered says so, and has no price.
        let japan = text.replace("eastus", "japanwest");
        let h = hover_at(&japan, "Standard_NC24ads_A100_v4", "c.yml").unwrap();
        assert!(h.markdown.contains("**not offered in japanwest**"), "{}", h.markdown);
        assert!(!h.markdown.contains('$'), "{}", h.markdown);
    }

    #[test]
    fn the_name_value_shows_the_name_rules_for_the_kind() {
        let h = hover_at(CLUSTER, "cpu-cluster", "c.yml").unwrap();
        assert!(h.markdown.contains("for a compute cluster"), "{}", h.markdown);
        assert!(h.markdown.contains("3–24 characters (`cpu-cluster` has 11)"), "{}", h.markdown);
        assert!(h.markdown.contains("must be followed by a letter"));
        assert!(h.markdown.contains("region"));
        let text = "name: k8s\ntype: kubernetes\n";
        let k8s = hover_at(text, "k8s", "k.yml").unwrap().markdown;
        assert!(k8s.contains("2–24 characters (3–16 to satisfy every source)"), "{k8s}");
        let aks = r#"{"name": "aks1", "properties": {"computeType": "AKS"}}"#;
        assert!(hover_at(aks, "aks1", "a.json").unwrap().markdown.contains("2–16 characters"));
    }

    #[test]
    fn the_type_value_shows_the_detected_kind_and_form() {
        let h = hover_at(CLUSTER, "amlcompute", "c.yml").unwrap();
        assert_eq!(&CLUSTER[h.range.start()..h.range.end()], "amlcompute");
        assert!(h.markdown.starts_with("**Compute cluster** (`amlcompute`)"), "{}", h.markdown);
        assert!(h.markdown.contains("CLI v2 YAML"));
        let arm = "{\"name\": \"aks1\", \"properties\": {\"computeType\": \"AKS\"}}";
        let h = hover_at(arm, "\"AKS\"", "a.json").unwrap();
        assert_eq!(&arm[h.range.start()..h.range.end()], "\"AKS\"");
        assert!(
            h.markdown.contains("AKS inference cluster") && h.markdown.contains("ARM request body"),
            "{}",
            h.markdown
        );
        let unknown = "name: a\ntype: aks\nsize: Standard_DS3_v2\n";
        assert!(hover_at(unknown, "aks", "u.yml").unwrap().markdown.contains("is not a compute type"));
    }

    #[test]
    fn a_region_value_shows_its_display_name_and_geography() {
        let h = hover_at(CLUSTER, "eastus", "c.yml").unwrap();
        let region = Catalog::get().region("eastus").unwrap();
        assert!(h.markdown.starts_with("**East US** (`eastus`)"), "{}", h.markdown);
        assert!(h.markdown.contains(&format!("- Geography: {}", region.geography)));
    }

    #[test]
    fn arm_keys_list_the_arm_kinds_that_have_them() {
        let arm = "{\"name\": \"aks1\", \"properties\": {\"computeType\": \"AKS\", \"properties\": {\"agentVmSize\": \"Standard_D3_v2\"}}}";
        let h = hover_at(arm, "\"agentVmSize\"", "a.json").unwrap();
        assert!(h.markdown.starts_with("**`agentVmSize`**"), "{}", h.markdown);
        assert!(h.markdown.contains("Used by: AKS inference cluster (`AKS`)"), "{}", h.markdown);
        let h = hover_at(arm, "Standard_D3_v2", "a.json").unwrap();
        assert!(h.markdown.starts_with("**Standard_D3_v2**"), "{}", h.markdown);
    }

    #[test]
    fn other_values_show_their_field_and_unknown_keys_show_nothing() {
        let h = hover_at(CLUSTER, "dedicated", "c.yml").unwrap();
        assert!(h.markdown.starts_with("**`tier`**"));
        let text = "name: a\ntype: amlcompute\nbogus_key: 1\n";
        assert!(hover_at(text, "bogus_key", "c.yml").is_none());
    }
}
