//! Compute kinds and how a document says which one it describes.
//!
//! Order of evidence (DESIGN.md, "Schema association"): a `# yaml-language-server: $schema=`
//! modeline, then a top-level `$schema` key, then `type:` (CLI v2 YAML) or
//! `properties.computeType` (ARM body). A document with none of these is not a compute spec
//! and gets syntax checks only.

use crate::syntax::text::TextRange;
use crate::syntax::{Comment, Node};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComputeKind {
    AmlCompute,
    ComputeInstance,
    VirtualMachine,
    Kubernetes,
    SynapseSpark,
    Aks,
    HdInsight,
    Databricks,
    DataLakeAnalytics,
    DataFactory,
}

/// How the spec is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpecForm {
    /// The YAML (or JSON) that `az ml compute create --file` takes, with `type:`.
    Cli,
    /// An ARM `ComputeResource` body with `properties.computeType`.
    Arm,
}

impl ComputeKind {
    pub const ALL: [ComputeKind; 10] = [
        ComputeKind::AmlCompute,
        ComputeKind::ComputeInstance,
        ComputeKind::VirtualMachine,
        ComputeKind::Kubernetes,
        ComputeKind::SynapseSpark,
        ComputeKind::Aks,
        ComputeKind::HdInsight,
        ComputeKind::Databricks,
        ComputeKind::DataLakeAnalytics,
        ComputeKind::DataFactory,
    ];

    /// The kinds a CLI v2 YAML `type:` can name.
    pub const CLI: [ComputeKind; 5] = [
        ComputeKind::AmlCompute,
        ComputeKind::ComputeInstance,
        ComputeKind::VirtualMachine,
        ComputeKind::Kubernetes,
        ComputeKind::SynapseSpark,
    ];

    /// The `type:` value in CLI v2 YAML, if the kind has one.
    pub fn cli_type(self) -> Option<&'static str> {
        Some(match self {
            ComputeKind::AmlCompute => "amlcompute",
            ComputeKind::ComputeInstance => "computeinstance",
            ComputeKind::VirtualMachine => "virtualmachine",
            ComputeKind::Kubernetes => "kubernetes",
            ComputeKind::SynapseSpark => "synapsespark",
            _ => return None,
        })
    }

    /// The ARM `computeType` discriminator.
    pub fn arm_type(self) -> &'static str {
        match self {
            ComputeKind::AmlCompute => "AmlCompute",
            ComputeKind::ComputeInstance => "ComputeInstance",
            ComputeKind::VirtualMachine => "VirtualMachine",
            ComputeKind::Kubernetes => "Kubernetes",
            ComputeKind::SynapseSpark => "SynapseSpark",
            ComputeKind::Aks => "AKS",
            ComputeKind::HdInsight => "HDInsight",
            ComputeKind::Databricks => "Databricks",
            ComputeKind::DataLakeAnalytics => "DataLakeAnalytics",
            ComputeKind::DataFactory => "DataFactory",
        }
    }

    /// What people call it, for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            ComputeKind::AmlCompute => "compute cluster",
            ComputeKind::ComputeInstance => "compute instance",
            ComputeKind::VirtualMachine => "attached virtual machine",
            ComputeKind::Kubernetes => "attached Kubernetes cluster",
            ComputeKind::SynapseSpark => "attached Synapse Spark pool",
            ComputeKind::Aks => "AKS inference cluster",
            ComputeKind::HdInsight => "attached HDInsight cluster",
            ComputeKind::Databricks => "attached Databricks workspace",
            ComputeKind::DataLakeAnalytics => "attached Data Lake Analytics account",
            ComputeKind::DataFactory => "attached Data Factory",
        }
    }

    /// The display name with its indefinite article: "a compute cluster", "an AKS inference cluster".
    pub fn a_display_name(self) -> String {
        let name = self.display_name();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
        format!("{article} {name}")
    }

    /// A short identifier for JSON output and settings: the CLI type, or the lower-cased ARM type.
    pub fn id(self) -> &'static str {
        match self {
            ComputeKind::Aks => "aks",
            ComputeKind::HdInsight => "hdinsight",
            ComputeKind::Databricks => "databricks",
            ComputeKind::DataLakeAnalytics => "datalakeanalytics",
            ComputeKind::DataFactory => "datafactory",
            other => other.cli_type().unwrap(),
        }
    }

    pub fn from_cli_type(value: &str) -> Option<ComputeKind> {
        let lower = value.trim().to_ascii_lowercase();
        ComputeKind::CLI.into_iter().find(|k| k.cli_type() == Some(lower.as_str()))
    }

    pub fn from_arm_type(value: &str) -> Option<ComputeKind> {
        ComputeKind::ALL.into_iter().find(|k| k.arm_type().eq_ignore_ascii_case(value.trim()))
    }

    /// Attached computes point at an existing Azure resource instead of creating one.
    pub fn is_attached(self) -> bool {
        !matches!(self, ComputeKind::AmlCompute | ComputeKind::ComputeInstance)
    }

    /// The root schema (file, or file#pointer) for this kind in this form.
    pub fn schema_ref(self, form: SpecForm) -> String {
        match (form, self.cli_type()) {
            (SpecForm::Cli, Some(t)) => format!("{t}.schema.json"),
            _ => format!("arm-compute.schema.json#/definitions/Resource_{}", self.arm_type()),
        }
    }

    /// The schema URL the Azure ML docs publish for this kind (CLI form only).
    pub fn published_schema_url(self) -> Option<&'static str> {
        Some(match self {
            ComputeKind::AmlCompute => "https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json",
            ComputeKind::ComputeInstance => "https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json",
            ComputeKind::VirtualMachine => "https://azuremlschemas.azureedge.net/latest/vmCompute.schema.json",
            ComputeKind::Kubernetes => "https://azuremlschemas.azureedge.net/latest/kubernetesCompute.schema.json",
            _ => return None,
        })
    }
}

/// Where the kind came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    Modeline,
    SchemaKey,
    TypeField,
    ComputeTypeField,
    /// No `type`, no `computeType`, no schema: only keys that belong to compute specs.
    ComputeShapedKeys,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Detection {
    pub kind: Option<ComputeKind>,
    pub form: SpecForm,
    pub evidence: Evidence,
    /// The range of the text that gave the evidence (modeline, `$schema` value, `type` value).
    pub range: TextRange,
}

/// Maps a schema URL (ours or the published ones) to a kind and form.
pub fn kind_from_schema_url(url: &str) -> Option<(Option<ComputeKind>, SpecForm)> {
    let file = url.trim().rsplit(['/', '\\']).next().unwrap_or("").to_ascii_lowercase();
    let file = file.split(['#', '?']).next().unwrap_or("");
    let kind = match file {
        "amlcompute.schema.json" => ComputeKind::AmlCompute,
        "computeinstance.schema.json" => ComputeKind::ComputeInstance,
        "vmcompute.schema.json" | "virtualmachine.schema.json" => ComputeKind::VirtualMachine,
        "kubernetescompute.schema.json" | "kubernetes.schema.json" | "kubernetescompute.json" => {
            ComputeKind::Kubernetes
        }
        "synapsespark.schema.json" | "synapsesparkcompute.schema.json" => ComputeKind::SynapseSpark,
        "arm-compute.schema.json" => return Some((None, SpecForm::Arm)),
        _ => return None,
    };
    Some((Some(kind), SpecForm::Cli))
}

const MODELINE: &str = "yaml-language-server:";

/// The `$schema=` URL of a `# yaml-language-server: $schema=…` comment, with its range.
pub fn modeline_schema(comments: &[Comment]) -> Option<(String, TextRange)> {
    comments.iter().find_map(|c| {
        let rest = c.text.trim_start().strip_prefix(MODELINE)?.trim_start();
        let url = rest.strip_prefix("$schema=")?.trim();
        Some((url.to_string(), c.range))
    })
}

/// Decides what a document describes. `None` means it is not a compute spec.
///
/// `type:` (CLI YAML) or `properties.computeType` (ARM) decides, as the CLI does: azure-ai-ml's
/// `load_compute` picks the entity class from `type` and never reads `$schema`. A modeline or
/// `$schema` decides only when there is no type (a half-typed document), and a document with
/// compute-shaped keys and neither is a spec of unknown kind, so that it gets one clear error.
pub fn detect(root: Option<&Node>, comments: &[Comment]) -> Option<Detection> {
    let root = root?;
    root.as_mapping()?;
    let by_type = detect_by_type(root);
    // `type:` with no value yet is a half-typed document: the schema may still say the kind.
    let typed = by_type.as_ref().is_some_and(|d| d.kind.is_some() || !type_is_empty(root, d.form));
    if typed {
        return by_type;
    }
    if let Some(((kind, form), evidence, range)) = declared_schema(root, comments) {
        return Some(Detection { kind, form, evidence, range });
    }
    by_type.or_else(|| compute_shaped_without_type(root))
}

/// Whether the field that decides the kind is there but holds nothing (`type:` alone).
fn type_is_empty(root: &Node, form: SpecForm) -> bool {
    let value = match form {
        SpecForm::Cli => root.get("type"),
        SpecForm::Arm => root.get_path(&["properties", "computeType"]),
    };
    value.is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()))
}

/// The kind and form a modeline or a `$schema` key names, with which one and its range.
pub fn declared_schema(
    root: &Node,
    comments: &[Comment],
) -> Option<((Option<ComputeKind>, SpecForm), Evidence, TextRange)> {
    modeline_schema(comments)
        .and_then(|(url, range)| kind_from_schema_url(&url).map(|k| (k, Evidence::Modeline, range)))
        .or_else(|| {
            let node = root.get("$schema")?;
            kind_from_schema_url(node.as_str()?).map(|k| (k, Evidence::SchemaKey, node.range))
        })
}

/// A mapping with no `type` whose keys are a compute spec's: it is meant as one, and the CLI
/// would fail on it ("Unknown compute type: None").
fn compute_shaped_without_type(root: &Node) -> Option<Detection> {
    let entries = root.as_mapping()?;
    if root.get("type").is_some() || root.get("properties").is_some() {
        return None;
    }
    let hits: Vec<&str> = entries.iter().map(|e| e.key.text.as_str()).filter(|k| COMPUTE_KEYS.contains(k)).collect();
    let has_name = root.get("name").is_some();
    // `size` and `tier` alone are common words in other files; with `name` and one more
    // compute key the intent is clear.
    let specific = hits.iter().any(|k| !matches!(*k, "size" | "tier"));
    let meant = hits.len() >= 2 || (has_name && specific);
    let first = entries.first()?;
    meant.then_some(Detection {
        kind: None,
        form: SpecForm::Cli,
        evidence: Evidence::ComputeShapedKeys,
        range: first.key_range,
    })
}

pub fn deployment_template(root: &Node) -> Option<TextRange> {
    let entry = root.entry("resources")?;
    entry.value.as_sequence()?;
    let schema_says = root
        .get("$schema")
        .and_then(Node::as_str)
        .is_some_and(|s| s.to_ascii_lowercase().contains("deploymenttemplate.json"));
    (schema_says || root.get("contentVersion").is_some()).then_some(entry.key_range)
}

fn detect_by_type(root: &Node) -> Option<Detection> {
    if let Some(properties) = root.get("properties")
        && let Some(ct) = properties.get("computeType")
    {
        let kind = ct.as_str().and_then(ComputeKind::from_arm_type);
        return Some(Detection { kind, form: SpecForm::Arm, evidence: Evidence::ComputeTypeField, range: ct.range });
    }
    let type_node = root.get("type")?;
    let kind = type_node.as_str().and_then(ComputeKind::from_cli_type);
    if kind.is_none() && !looks_like_cli_spec(root) {
        return None;
    }
    Some(Detection { kind, form: SpecForm::Cli, evidence: Evidence::TypeField, range: type_node.range })
}

/// Keys that only compute specs have (the CLI's YAML forms).
pub const COMPUTE_KEYS: &[&str] = &[
    "size",
    "min_instances",
    "max_instances",
    "idle_time_before_scale_down",
    "tier",
    "ssh_settings",
    "ssh_public_access_enabled",
    "network_settings",
    "idle_time_before_shutdown_minutes",
    "resource_id",
    "enable_node_public_ip",
];

/// A `type:` with an unknown value makes a compute spec only when the rest of the mapping
/// looks like one; otherwise we would flag Kubernetes manifests and CI workflows.
fn looks_like_cli_spec(root: &Node) -> bool {
    let entries = root.as_mapping().unwrap_or(&[]);
    let has_name = entries.iter().any(|e| e.key.text == "name");
    let hits = entries.iter().filter(|e| COMPUTE_KEYS.contains(&e.key.text.as_str())).count();
    has_name && hits >= 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, parse};

    fn detect_text(text: &str) -> Option<Detection> {
        let parsed = parse(text, Format::detect(None, text));
        detect(parsed.root.as_ref(), &parsed.comments)
    }

    #[test]
    fn type_field_is_matched_case_insensitively() {
        let d = detect_text("name: a\ntype: AmlCompute\n").unwrap();
        assert_eq!(d.kind, Some(ComputeKind::AmlCompute));
        assert_eq!(d.evidence, Evidence::TypeField);
    }

    #[test]
    fn type_decides_over_a_modeline_and_a_schema_key_as_the_cli_does() {
        let d = detect_text(
            "# yaml-language-server: $schema=https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json\n$schema: https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json\ntype: amlcompute\n",
        )
        .unwrap();
        assert_eq!((d.kind, d.evidence), (Some(ComputeKind::AmlCompute), Evidence::TypeField));
    }

    #[test]
    fn without_a_type_the_modeline_wins_over_the_schema_key() {
        let d = detect_text(
            "# yaml-language-server: $schema=https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json\n$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: x\n",
        )
        .unwrap();
        assert_eq!((d.kind, d.evidence), (Some(ComputeKind::ComputeInstance), Evidence::Modeline));
    }

    #[test]
    fn compute_shaped_keys_without_a_type_make_a_spec_of_unknown_kind() {
        let d = detect_text("name: cpu-cluster\nmin_instances: 0\nmax_instances: 4\n").unwrap();
        assert_eq!((d.kind, d.evidence), (None, Evidence::ComputeShapedKeys));
        // Other files that happen to share a word stay silent.
        assert!(detect_text("name: my-app\nsize: 10\n").is_none());
        assert!(detect_text("name: CI\non: [push]\njobs: {}\n").is_none());
        assert!(detect_text("$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\ncommand: python x.py\ncompute: azureml:cpu-cluster\n").is_none());
        assert!(detect_text("services:\n  web:\n    image: nginx\n").is_none());
    }

    #[test]
    fn arm_body_is_detected_by_compute_type() {
        let d = detect_text(r#"{"name":"aks1","properties":{"computeType":"AKS"}}"#).unwrap();
        assert_eq!((d.kind, d.form), (Some(ComputeKind::Aks), SpecForm::Arm));
    }

    #[test]
    fn unrelated_yaml_is_not_a_spec() {
        assert!(detect_text("apiVersion: v1\nkind: Pod\n").is_none());
        assert!(detect_text("type: object\nproperties: {}\n").is_none());
        assert!(detect_text("- a\n- b\n").is_none());
    }

    #[test]
    fn unknown_type_with_compute_fields_is_a_spec_of_unknown_kind() {
        let d = detect_text("name: a\ntype: aks\nsize: Standard_DS3_v2\n").unwrap();
        assert_eq!(d.kind, None);
    }
}
