//! What a PUT may not change on an existing compute. The service answers such a PUT with an
//! error instead of silently recreating the compute, and so does the emulator.
//!
//! Sources, property by property:
//! - the compute type: a PUT cannot turn one kind into another (the emulator's `Conflict`,
//!   checked before this module in `routes::check_replaceable`);
//! - SSH public access (`remoteLoginPortPublicAccess` of a cluster, `sshSettings.sshPublicAccess`
//!   of an instance): the Studio creation form says "SSH access cannot be changed after
//!   creation", and the REST spec (2025-12-01, `AmlComputeProperties.remoteLoginPortPublicAccess`)
//!   says `NotSpecified` "can be default only during cluster creation time, after creation it
//!   will be either enabled or disabled";
//! - a cluster's VM size, priority and subnet: the REST spec's update operation
//!   (`Compute_Update`, body `ClusterUpdateParameters` → `ClusterUpdateProperties`) carries only
//!   `scaleSettings`, so nothing else of a cluster can change after creation;
//! - an instance's subnet: an instance's network is fixed when it is created (the Studio form
//!   sets it under "Advanced settings" at creation only; the REST spec offers no operation that
//!   moves it);
//! - an instance's VM size: the Studio resizes a *stopped* instance only, so the emulator
//!   accepts a new size for a stopped instance and refuses it otherwise.
//!
//! - the region (`location`, `computeLocation`): a resource cannot move; ARM's
//!   `InvalidResourceLocation` ("Troubleshoot common Azure deployment errors": the resource
//!   already exists in another location, and one with the same name cannot be created in a new
//!   one), checked by [`check_location`].
//!
//! The error code is ARM's `PropertyChangeNotAllowed` ("Troubleshoot common Azure deployment
//! errors": some properties cannot be changed on a deployed resource). No recording shows the
//! compute resource provider's own wording for this refusal; the message is ours.

use super::state::StoredCompute;
use super::validate::Rejection;
use super::wire::ErrorDetail;
use serde_json::Value;

/// One immutable property: how a user calls it and how to read it from stored properties.
struct Immutable {
    label: &'static str,
    read: fn(&Value) -> Option<String>,
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_string)
}

fn subnet_id(p: &Value) -> Option<String> {
    let subnet = p.get("subnet")?;
    text(subnet.get("id").or(Some(subnet))).map(|s| s.to_ascii_lowercase())
}

/// `NotSpecified` resolves as the REST spec says: closed when the cluster has a VNet, else open.
fn cluster_ssh(p: &Value) -> Option<String> {
    let value = text(p.get("remoteLoginPortPublicAccess")).unwrap_or_else(|| "NotSpecified".into());
    Some(match value.as_str() {
        "NotSpecified" if subnet_id(p).is_some() => "Disabled".to_string(),
        "NotSpecified" => "Enabled".to_string(),
        other => other.to_string(),
    })
}

fn cluster_priority(p: &Value) -> Option<String> {
    Some(text(p.get("vmPriority")).unwrap_or_else(|| "Dedicated".to_string()))
}

fn vm_size(p: &Value) -> Option<String> {
    text(p.get("vmSize")).map(|s| s.to_ascii_lowercase())
}

fn instance_ssh(p: &Value) -> Option<String> {
    Some(text(p.pointer("/sshSettings/sshPublicAccess")).unwrap_or_else(|| "Disabled".to_string()))
}

const CLUSTER: &[Immutable] = &[
    Immutable { label: "vmSize", read: vm_size },
    Immutable { label: "vmPriority", read: cluster_priority },
    Immutable { label: "remoteLoginPortPublicAccess", read: cluster_ssh },
    Immutable { label: "subnet", read: subnet_id },
];

const INSTANCE: &[Immutable] = &[
    Immutable { label: "sshSettings.sshPublicAccess", read: instance_ssh },
    Immutable { label: "subnet", read: subnet_id },
];

fn shown(v: &Option<String>) -> String {
    v.as_deref().map_or_else(|| "none".to_string(), |s| format!("'{s}'"))
}

/// Refuses a PUT whose `new_properties` (normalized, not yet stored) change an immutable
/// property of `old`, naming every property changed and its current value.
pub fn check_unchanged(old: &StoredCompute, new_properties: &Value) -> Result<(), Rejection> {
    let list = match old.compute_type.as_str() {
        "AmlCompute" => CLUSTER,
        "ComputeInstance" => INSTANCE,
        _ => return Ok(()),
    };
    let mut changed: Vec<String> = Vec::new();
    for property in list {
        let (now, asked) = ((property.read)(&old.properties), (property.read)(new_properties));
        if now != asked {
            changed.push(format!("{} (now {}, requested {})", property.label, shown(&now), shown(&asked)));
        }
    }
    if old.is_instance()
        && vm_size(&old.properties) != vm_size(new_properties)
        && old.instance_state() != Some("Stopped")
    {
        changed.push(format!(
            "vmSize (now {}, requested {}; an instance can be resized only while it is stopped)",
            shown(&vm_size(&old.properties)),
            shown(&vm_size(new_properties))
        ));
    }
    if changed.is_empty() {
        return Ok(());
    }
    let name = &old.name;
    Err(Rejection {
        status: 400,
        detail: ErrorDetail::new(
            "PropertyChangeNotAllowed",
            format!(
                "Compute '{name}' already exists and these properties cannot be changed after creation: {}. Delete \
                 the compute and create it again to change them.",
                changed.join("; ")
            ),
        ),
    })
}

/// Refuses a PUT that would move an existing compute to another region.
pub fn check_location(old: &StoredCompute, new_location: &str) -> Result<(), Rejection> {
    if super::state::same_region(&old.compute_location, new_location) {
        return Ok(());
    }
    Err(Rejection {
        status: 409,
        detail: ErrorDetail::new(
            "InvalidResourceLocation",
            format!(
                "The resource '{}' already exists in location '{}'. A resource with the same name cannot be created \
                 in location '{new_location}'. Select another name, or delete the compute first.",
                old.name, old.compute_location
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_clusters_unspecified_ssh_access_resolves_by_its_subnet() {
        assert_eq!(cluster_ssh(&json!({"remoteLoginPortPublicAccess": "NotSpecified"})).as_deref(), Some("Enabled"));
        let with_vnet = json!({"remoteLoginPortPublicAccess": "NotSpecified", "subnet": {"id": "/x/subnets/s"}});
        assert_eq!(cluster_ssh(&with_vnet).as_deref(), Some("Disabled"));
        assert_eq!(cluster_ssh(&json!({"remoteLoginPortPublicAccess": "Disabled"})).as_deref(), Some("Disabled"));
    }
}
