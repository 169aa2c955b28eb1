//! The fields of a `ComputeResource` that only Azure writes: the REST spec marks them
//! `readOnly`, so a PUT must not carry them (ARM ignores some and rejects others). A body
//! pasted from a GET reply has them all; they are removed before the request and the
//! confirmation says which.
//!
//! Source: every `readOnly: true` reachable from `ComputeResource` in
//! machineLearningServices.json 2025-12-01 and common-types v3 (`Resource`,
//! `ManagedServiceIdentity`, `UserAssignedIdentity`), per `computeType`. `tests/wire.rs`
//! derives this table from those files and fails when they disagree.
//!
//! Path syntax: `.` between keys, `[]` for every item of an array, `*` for every value of a map.

use serde_json::Value;

/// Read-only for every compute type: the ARM envelope, the identity's ids, and `Compute`.
pub const COMMON: &[&str] = &[
    "id",
    "name",
    "type",
    "systemData",
    "identity.principalId",
    "identity.tenantId",
    "identity.userAssignedIdentities.*.principalId",
    "identity.userAssignedIdentities.*.clientId",
    "properties.provisioningState",
    "properties.createdOn",
    "properties.modifiedOn",
    "properties.provisioningErrors",
    "properties.isAttachedCompute",
];

/// Read-only only for one compute type, under `properties.properties`.
pub const BY_TYPE: &[(&str, &[&str])] = &[
    ("AKS", &["systemServices"]),
    (
        "AmlCompute",
        &[
            "allocationState",
            "allocationStateTransitionTime",
            "errors",
            "currentNodeCount",
            "targetNodeCount",
            "nodeStateCounts",
        ],
    ),
    (
        "ComputeInstance",
        &[
            "osImageMetadata",
            "connectivityEndpoints",
            "applications",
            "createdBy",
            "errors",
            "state",
            "schedules.computeStartStop[].id",
            "schedules.computeStartStop[].provisioningStatus",
            "sshSettings.adminUserName",
            "sshSettings.sshPort",
            "lastOperation",
            "containers",
            "dataDisks",
            "dataMounts",
            "versions",
        ],
    ),
];

/// Every read-only path of a compute type (matched case-insensitively), in the table's syntax.
pub fn paths_for(compute_type: &str) -> Vec<String> {
    let mut out: Vec<String> = COMMON.iter().map(|p| p.to_string()).collect();
    for (kind, inner) in BY_TYPE {
        if kind.eq_ignore_ascii_case(compute_type) {
            out.extend(inner.iter().map(|p| format!("properties.properties.{p}")));
        }
    }
    out
}

/// Removes every read-only field from `body`; returns the concrete paths removed
/// (`properties.properties.schedules.computeStartStop[0].id`), in table order.
pub fn strip(body: &mut Value, compute_type: &str) -> Vec<String> {
    let mut removed = Vec::new();
    for path in paths_for(compute_type) {
        let steps: Vec<&str> = path.split('.').collect();
        remove_at(body, &steps, String::new(), &mut removed);
    }
    removed
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") }
}

fn remove_at(value: &mut Value, steps: &[&str], at: String, removed: &mut Vec<String>) {
    let Some((step, rest)) = steps.split_first() else { return };
    let Some(map) = value.as_object_mut() else { return };
    if *step == "*" {
        for (key, child) in map.iter_mut() {
            remove_at(child, rest, join(&at, key), removed);
        }
        return;
    }
    let (key, each_item) = match step.strip_suffix("[]") {
        Some(key) => (key, true),
        None => (*step, false),
    };
    if rest.is_empty() && !each_item {
        if map.remove(key).is_some() {
            removed.push(join(&at, key));
        }
        return;
    }
    let Some(child) = map.get_mut(key) else { return };
    let here = join(&at, key);
    if each_item {
        if let Some(items) = child.as_array_mut() {
            for (i, item) in items.iter_mut().enumerate() {
                remove_at(item, rest, format!("{here}[{i}]"), removed);
            }
        }
    } else {
        remove_at(child, rest, here, removed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_read_only_fields_are_removed_and_named() {
        let mut body = json!({
            "name": "ci", "id": "/x", "location": "eastus",
            "identity": {"type": "SystemAssigned", "principalId": "p", "tenantId": "t",
                "userAssignedIdentities": {"/uai": {"principalId": "p", "clientId": "c"}}},
            "properties": {"computeType": "ComputeInstance", "provisioningState": "Succeeded",
                "properties": {"vmSize": "STANDARD_DS3_V2",
                    "sshSettings": {"sshPublicAccess": "Disabled", "adminUserName": "azureuser", "sshPort": 50000},
                    "schedules": {"computeStartStop": [{"id": "s1", "provisioningStatus": "Completed", "action": "Stop"}]}}}
        });
        let removed = strip(&mut body, "ComputeInstance");
        assert!(removed.contains(&"properties.properties.schedules.computeStartStop[0].id".to_string()), "{removed:?}");
        assert!(removed.contains(&"identity.userAssignedIdentities./uai.clientId".to_string()), "{removed:?}");
        assert_eq!(
            body,
            json!({
                "location": "eastus",
                "identity": {"type": "SystemAssigned", "userAssignedIdentities": {"/uai": {}}},
                "properties": {"computeType": "ComputeInstance",
                    "properties": {"vmSize": "STANDARD_DS3_V2", "sshSettings": {"sshPublicAccess": "Disabled"},
                        "schedules": {"computeStartStop": [{"action": "Stop"}]}}}
            })
        );
    }

    #[test]
    fn fields_read_only_for_one_kind_stay_on_another() {
        let mut body =
            json!({"properties": {"computeType": "VirtualMachine", "properties": {"sshPort": 22, "state": "x"}}});
        assert!(strip(&mut body, "VirtualMachine").is_empty());
        assert_eq!(body["properties"]["properties"]["sshPort"], 22);
    }
}
