//! Does the spec change what an existing compute of its name cannot change? AML804 (the
//! service refuses the change), AML805 (it may refuse it: the sources are unsure).
//!
//! Sources, property by property:
//! - a cluster's region: a resource cannot move; ARM's `InvalidResourceLocation` ("Troubleshoot
//!   common Azure deployment errors");
//! - SSH public access: the Studio form, "SSH access cannot be changed after creation"; for
//!   clusters the REST spec (2025-12-01, `remoteLoginPortPublicAccess`): `NotSpecified` "can be
//!   default only during cluster creation time, after creation it will be either enabled or
//!   disabled", and it resolves to closed with a VNet, open without one;
//! - a cluster's VM size, priority and subnet: the REST spec's update (`Compute_Update`, body
//!   `ClusterUpdateProperties`) carries only scale settings;
//! - an instance's subnet: set only at creation (the Studio's advanced settings; the REST spec
//!   has no operation that moves an instance);
//! - an instance's VM size: the Studio resizes an instance only while it is stopped, and no
//!   document says whether a PUT with another size does the same, so this is information.

use super::facts::{Field, SpecFacts, SshAccess, WorkspaceFacts};
use crate::arm::Compute;
use crate::diagnostic::{Diagnostic, codes};
use crate::spec::kinds::ComputeKind;
use crate::syntax::text::TextRange;
use serde_json::Value;

pub fn check(spec: &SpecFacts, facts: &WorkspaceFacts, out: &mut Vec<Diagnostic>) {
    let Some(name) = &spec.name else { return };
    let Some(existing) = facts.compute(&name.value) else { return };
    if !existing.compute_type.eq_ignore_ascii_case(spec.compute_type()) {
        return;
    }
    let props = existing.raw.pointer("/properties/properties").cloned().unwrap_or(Value::Null);
    let str_at = |pointer: &str| props.pointer(pointer).and_then(Value::as_str).map(str::to_string);
    let existing_subnet = props.pointer("/subnet/id").or_else(|| props.get("subnet")).and_then(Value::as_str);
    let refused =
        |range: TextRange, message: String| Diagnostic::new(codes::IMMUTABLE_PROPERTY_CHANGED, range, message);
    let cname = &existing.name;
    match spec.kind {
        ComputeKind::AmlCompute => {
            if let (Some(location), Some(now)) = (&spec.location, &existing.location)
                && !same_region(&location.value, now)
            {
                out.push(refused(
                    location.range,
                    format!(
                        "`{cname}` exists in {now}; a compute cannot move to another region (ARM answers \
                         InvalidResourceLocation). Keep `{now}`, or choose another name for a cluster in {}.",
                        location.value
                    ),
                ));
            }
            let (asked, range, defaulted) = spec.size_or_default();
            if let Some(now) = str_at("/vmSize")
                && !asked.eq_ignore_ascii_case(&now)
            {
                out.push(refused(
                    range,
                    format!(
                        "`{cname}` exists with size `{now}`; this spec asks for `{asked}`{}, and a cluster's size \
                         cannot change after creation (only its node counts and idle time can). Keep `{now}`, or \
                         delete the cluster to recreate it.",
                        default_note(defaulted)
                    ),
                ));
            }
            let now_low = str_at("/vmPriority").is_some_and(|p| p.eq_ignore_ascii_case("LowPriority"));
            if now_low != spec.low_priority {
                let (now, asked) = if now_low { ("low priority", "dedicated") } else { ("dedicated", "low priority") };
                out.push(refused(
                    spec.tier.unwrap_or(spec.anchor),
                    format!(
                        "`{cname}` exists as a {now} cluster; its tier cannot change to {asked} after creation. Keep \
                         the {now} tier, or delete the cluster to recreate it."
                    ),
                ));
            }
            let now = resolve_cluster_ssh(str_at("/remoteLoginPortPublicAccess").as_deref(), existing_subnet.is_some());
            let spec_in_vnet = spec.subnet.is_some();
            let asked = match spec.ssh_public_access.as_ref().map(|f| f.value) {
                Some(SshAccess::Enabled) => true,
                Some(SshAccess::Disabled) => false,
                Some(SshAccess::NotSpecified) | None => !spec_in_vnet,
            };
            if let Some(now) = now
                && now != asked
            {
                out.push(ssh_changed(spec, cname, now, asked));
            }
            subnet_changed(spec, existing, existing_subnet, out);
        }
        ComputeKind::ComputeInstance => {
            let now = str_at("/sshSettings/sshPublicAccess").is_some_and(|a| a.eq_ignore_ascii_case("Enabled"));
            let asked = matches!(spec.ssh_public_access.as_ref().map(|f| f.value), Some(SshAccess::Enabled));
            if now != asked {
                out.push(ssh_changed(spec, cname, now, asked));
            }
            subnet_changed(spec, existing, existing_subnet, out);
            let (asked, range, defaulted) = spec.size_or_default();
            if let Some(now) = str_at("/vmSize")
                && !asked.eq_ignore_ascii_case(&now)
            {
                let state = existing.state.as_deref().unwrap_or("unknown");
                let advice = if state.eq_ignore_ascii_case("Stopped") {
                    "the Studio resizes a stopped instance, but whether an update by PUT does is not documented"
                } else {
                    "the Studio resizes an instance only while it is stopped; stop it first, and even then an update \
                     by PUT may be refused"
                };
                out.push(Diagnostic::new(
                    codes::CHANGE_MAY_BE_REFUSED,
                    range,
                    format!(
                        "`{cname}` exists with size `{now}` and is {state}; this spec asks for `{asked}`{}; {advice}.",
                        default_note(defaulted)
                    ),
                ));
            }
        }
        _ => {}
    }
}

/// Regions compare as ARM's do: `East US` is `eastus`.
fn same_region(a: &str, b: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    squash(a) == squash(b)
}

/// A cluster's current SSH access: `NotSpecified` is closed in a VNet and open without one.
fn resolve_cluster_ssh(value: Option<&str>, in_vnet: bool) -> Option<bool> {
    match value?.to_ascii_lowercase().as_str() {
        "enabled" => Some(true),
        "disabled" => Some(false),
        "notspecified" => Some(!in_vnet),
        _ => None,
    }
}

fn default_note(defaulted: bool) -> &'static str {
    if defaulted { " (the default: the spec names no size)" } else { "" }
}

fn on_off(open: bool) -> &'static str {
    if open { "enabled" } else { "disabled" }
}

fn ssh_changed(spec: &SpecFacts, cname: &str, now: bool, asked: bool) -> Diagnostic {
    let (range, how) = match &spec.ssh_public_access {
        Some(Field { range, .. }) => (*range, String::new()),
        None => (spec.anchor, " (the spec does not set it, so it asks for the default)".to_string()),
    };
    Diagnostic::new(
        codes::IMMUTABLE_PROPERTY_CHANGED,
        range,
        format!(
            "`{cname}` exists with SSH public access {}; this spec asks for {}{how}, and SSH access cannot be changed \
             after creation. Set it back to {}, or delete the compute to recreate it.",
            on_off(now),
            on_off(asked),
            on_off(now)
        ),
    )
}

/// (virtual network, subnet) of a subnet id, or of a subnet name with its `vnet_name`.
fn subnet_parts(value: &str, vnet: Option<&str>) -> (Option<String>, String) {
    let lower = value.to_ascii_lowercase();
    if lower.contains('/') {
        let segments: Vec<&str> = lower.split('/').collect();
        let after = |key: &str| segments.iter().position(|s| *s == key).and_then(|i| segments.get(i + 1));
        (after("virtualnetworks").map(|s| s.to_string()), after("subnets").map_or(lower.clone(), |s| s.to_string()))
    } else {
        (vnet.map(str::to_ascii_lowercase), lower)
    }
}

fn subnet_changed(spec: &SpecFacts, existing: &Compute, now: Option<&str>, out: &mut Vec<Diagnostic>) {
    let asked = spec.subnet.as_ref().map(|s| subnet_parts(&s.value, spec.vnet_name.as_ref().map(|v| v.value.as_str())));
    let current = now.map(|id| subnet_parts(id, None));
    let same = match (&asked, &current) {
        (None, None) => true,
        (Some((asked_vnet, asked_subnet)), Some((vnet, subnet))) => {
            asked_subnet == subnet && (asked_vnet.is_none() || asked_vnet == vnet)
        }
        _ => false,
    };
    if same {
        return;
    }
    let shown = |parts: &Option<(Option<String>, String)>| match parts {
        None => "no virtual network".to_string(),
        Some((Some(vnet), subnet)) => format!("subnet `{subnet}` of virtual network `{vnet}`"),
        Some((None, subnet)) => format!("subnet `{subnet}`"),
    };
    let range = spec.subnet.as_ref().map_or(spec.anchor, |s| s.range);
    out.push(Diagnostic::new(
        codes::IMMUTABLE_PROPERTY_CHANGED,
        range,
        format!(
            "`{}` exists in {}; this spec asks for {}, and a compute's network cannot change after creation. Keep \
             its network, or delete the compute to recreate it.",
            existing.name,
            shown(&current),
            shown(&asked)
        ),
    ));
}
