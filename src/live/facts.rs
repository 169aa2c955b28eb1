//! The two inputs of the live checks: what a spec asks for (read from a checked document, each
//! value with its text range, the way the offline rules read it through `spec::model`) and
//! what the workspace holds now (fetched from ARM by `live::fetch`).

use crate::arm::Compute;
use crate::arm::Usage;
use crate::arm::live::{NameAvailability, RegionVmSize};
use crate::check::CheckResult;
use crate::check::placeholders::contains_placeholder;
use crate::spec::kinds::{ComputeKind, SpecForm};
use crate::spec::model::Spec;
use crate::syntax::text::TextRange;
use crate::syntax::{Entry, Node, ScalarStyle};

/// The size a cluster or instance gets when its spec names none: azure-ai-ml's default
/// (`STANDARD_DS3_V2`, which `arm::body` sends too), the service's as well.
pub const DEFAULT_VM_SIZE: &str = "Standard_DS3_v2";

/// A value the spec gives, and where its value is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Field<T> {
    pub value: T,
    pub range: TextRange,
}

/// SSH public access as the spec asks for it. The CLI form's `ssh_public_access_enabled` is a
/// boolean; the ARM form's `remoteLoginPortPublicAccess` also has `NotSpecified`, the REST
/// spec's default for clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SshAccess {
    Enabled,
    Disabled,
    NotSpecified,
}

/// What a spec asks for, as far as the live checks look.
#[derive(Clone, Debug, PartialEq)]
pub struct SpecFacts {
    pub kind: ComputeKind,
    /// Where a finding about the whole spec goes: the name's value, else the kind's.
    pub anchor: TextRange,
    pub name: Option<Field<String>>,
    /// How the name is quoted, so a rename keeps the style (JSON's `"` above all).
    pub name_quote: &'static str,
    pub location: Option<Field<String>>,
    pub size: Option<Field<String>>,
    /// How the size is quoted (`"`, `'` or nothing), so a fix keeps the style.
    pub size_quote: &'static str,
    pub low_priority: bool,
    /// The tier's value (`tier: low_priority`, `vmPriority`).
    pub tier: Option<TextRange>,
    pub min_nodes: Option<Field<i64>>,
    pub max_nodes: Option<Field<i64>>,
    pub ssh_public_access: Option<Field<SshAccess>>,
    /// A subnet name (with `vnet_name`) or a subnet resource id.
    pub subnet: Option<Field<String>>,
    pub vnet_name: Option<Field<String>>,
}

/// How a scalar field's value is quoted: `"`, `'` or nothing.
fn quote_of(entry: Option<&Entry>) -> &'static str {
    entry.and_then(|e| e.value.as_scalar()).map_or("", |s| match s.style {
        ScalarStyle::DoubleQuoted => "\"",
        ScalarStyle::SingleQuoted => "'",
        _ => "",
    })
}

/// The text of a scalar field, unless it is empty or an unfilled `<PLACEHOLDER>`.
fn text(entry: Option<&Entry>) -> Option<Field<String>> {
    let entry = entry?;
    let value = entry.value.scalar_text()?.trim();
    (!value.is_empty() && !contains_placeholder(value))
        .then(|| Field { value: value.to_string(), range: entry.value.range })
}

fn integer(entry: Option<&Entry>) -> Option<Field<i64>> {
    let entry = entry?;
    Some(Field { value: entry.value.as_i64()?, range: entry.value.range })
}

fn ssh_access(entry: Option<&Entry>) -> Option<Field<SshAccess>> {
    let entry = entry?;
    let access = match entry.value.as_bool() {
        Some(true) => SshAccess::Enabled,
        Some(false) => SshAccess::Disabled,
        None => match entry.value.scalar_text()?.trim().to_ascii_lowercase().as_str() {
            "enabled" => SshAccess::Enabled,
            "disabled" => SshAccess::Disabled,
            "notspecified" => SshAccess::NotSpecified,
            _ => return None,
        },
    };
    Some(Field { value: access, range: entry.value.range })
}

impl SpecFacts {
    /// The facts of a checked document; `None` when it is no compute spec of a known kind.
    pub fn read(result: &CheckResult) -> Option<SpecFacts> {
        let root: &Node = result.parsed.root.as_ref()?;
        let detection = result.detection.as_ref()?;
        let kind = detection.kind?;
        Some(SpecFacts::from_root(root, kind, detection.form, detection.range))
    }

    fn from_root(root: &Node, kind: ComputeKind, form: SpecForm, kind_range: TextRange) -> SpecFacts {
        let spec = &Spec::read(root, kind, form);
        let name = text(spec.name);
        SpecFacts {
            kind,
            anchor: name.as_ref().map_or(kind_range, |n| n.range),
            name,
            name_quote: quote_of(spec.name),
            location: text(spec.location),
            size: text(spec.size),
            size_quote: quote_of(spec.size),
            low_priority: spec.low_priority,
            tier: spec.tier.map(|t| t.value.range),
            min_nodes: integer(spec.min_nodes),
            max_nodes: integer(spec.max_nodes),
            ssh_public_access: ssh_access(spec.ssh_public_access),
            subnet: text(spec.subnet),
            vnet_name: text(spec.vnet_name),
        }
    }

    /// The size asked for, the default when the spec names none, and where to point: the
    /// size's value, else the anchor. The flag says whether it is the default.
    pub fn size_or_default(&self) -> (&str, TextRange, bool) {
        match &self.size {
            Some(size) => (size.value.as_str(), size.range, false),
            None => (DEFAULT_VM_SIZE, self.anchor, true),
        }
    }

    /// The ARM `computeType` the spec creates.
    pub fn compute_type(&self) -> &'static str {
        self.kind.arm_type()
    }

    /// Whether the service allocates VMs of a listed size for this kind (vmSizes, usages and
    /// prices apply): clusters and instances.
    pub fn uses_ml_sizes(&self) -> bool {
        matches!(self.kind, ComputeKind::AmlCompute | ComputeKind::ComputeInstance)
    }

    /// The nodes a cluster allocates when it is created and at most; an instance is one VM.
    /// A CLI spec without counts gets azure-ai-ml's defaults (0 and 4).
    pub fn node_counts(&self) -> (i64, i64) {
        match self.kind {
            ComputeKind::ComputeInstance => (1, 1),
            _ => (
                self.min_nodes.as_ref().map_or(0, |f| f.value.max(0)),
                self.max_nodes.as_ref().map_or(4, |f| f.value.max(0)),
            ),
        }
    }
}

/// What the workspace holds now, as far as it could be fetched. Missing parts (a refused call)
/// are `None` and their checks are skipped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkspaceFacts {
    /// The workspace's name, for messages.
    pub workspace: String,
    /// The region the sizes, usages and name check are for: a cluster's `location`, else the
    /// workspace's.
    pub region: String,
    pub computes: Vec<Compute>,
    pub vm_sizes: Option<Vec<RegionVmSize>>,
    pub usages: Option<Vec<Usage>>,
    /// The service's answer for the spec's name, when it was asked and answered.
    pub name_availability: Option<NameAvailability>,
}

impl WorkspaceFacts {
    /// The workspace's compute with this name (names compare without case, as ARM's do).
    pub fn compute(&self, name: &str) -> Option<&Compute> {
        self.computes.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The region's listing of a size.
    pub fn vm_size(&self, name: &str) -> Option<&RegionVmSize> {
        self.vm_sizes.as_ref()?.iter().find(|s| s.info.name.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, check_text};

    fn facts(text: &str, path: &str) -> SpecFacts {
        SpecFacts::read(&check_text(text, Some(path), &CheckOptions::default())).expect("a compute spec")
    }

    #[test]
    fn a_cli_cluster_gives_its_values_and_their_ranges() {
        let text = "name: gpu\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nmin_instances: 1\nmax_instances: 4\ntier: low_priority\nssh_public_access_enabled: false\n";
        let f = facts(text, "c.yml");
        assert_eq!(f.kind, ComputeKind::AmlCompute);
        assert_eq!(f.name.as_ref().map(|n| n.value.as_str()), Some("gpu"));
        assert_eq!(
            &text[f.size.as_ref().unwrap().range.start()..f.size.as_ref().unwrap().range.end()],
            "Standard_NC24ads_A100_v4"
        );
        assert_eq!(f.node_counts(), (1, 4));
        assert!(f.low_priority && f.tier.is_some());
        assert_eq!(f.ssh_public_access.as_ref().map(|s| s.value), Some(SshAccess::Disabled));
        assert_eq!(f.anchor, f.name.as_ref().unwrap().range);
    }

    #[test]
    fn an_arm_body_and_placeholders_are_read_too() {
        let text = r#"{"name": "<NAME>", "properties": {"computeType": "AmlCompute", "properties": {"vmSize": "Standard_DS3_v2",
            "remoteLoginPortPublicAccess": "NotSpecified", "scaleSettings": {"minNodeCount": 2, "maxNodeCount": 3}}}}"#;
        let f = facts(text, "c.json");
        assert_eq!(f.name, None, "a placeholder is no name");
        assert_eq!(f.ssh_public_access.as_ref().map(|s| s.value), Some(SshAccess::NotSpecified));
        assert_eq!(f.node_counts(), (2, 3));
        let instance = facts("name: nb\ntype: computeinstance\n", "i.yml");
        assert_eq!((instance.node_counts(), instance.size.is_none()), ((1, 1), true));
    }
}
