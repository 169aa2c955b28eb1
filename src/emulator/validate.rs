//! What the compute resource provider checks on `PUT …/computes/{name}`, and the defaults it
//! fills in. Secrets are removed here, before anything is stored.

use super::wire::{self, ErrorDetail};
use crate::check::catalog::Catalog;
use serde_json::{Map, Value, json};

/// The `computeType` discriminator values of the REST spec, in their canonical spelling.
pub const COMPUTE_TYPES: [&str; 10] = [
    "AmlCompute",
    "ComputeInstance",
    "AKS",
    "Kubernetes",
    "VirtualMachine",
    "HDInsight",
    "Databricks",
    "DataLakeAnalytics",
    "DataFactory",
    "SynapseSpark",
];

/// Request keys whose values are secrets: never stored, never returned, never written.
const SECRET_KEYS: [&str; 10] = [
    "adminUserPassword",
    "password",
    "privateKeyData",
    "databricksAccessToken",
    "relayConnectionString",
    "serviceBusConnectionString",
    "connectionString",
    "userKubeConfig",
    "adminKubeConfig",
    "primaryKey",
];

pub const DEFAULT_VM_SIZE: &str = "STANDARD_DS3_V2";

/// A validation failure: HTTP status and the error to put in the envelope.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub status: u16,
    pub detail: ErrorDetail,
}

fn bad(code: &str, message: impl Into<String>) -> Rejection {
    Rejection { status: 400, detail: ErrorDetail::new(code, message) }
}

/// A validated create/update request, secrets removed and defaults filled in.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub compute_type: &'static str,
    pub location: String,
    pub compute_location: String,
    pub tags: Value,
    pub identity: Option<Value>,
    pub description: Value,
    pub resource_id: Value,
    pub disable_local_auth: bool,
    pub is_attached: bool,
    pub properties: Value,
}

pub fn canonical_compute_type(value: &str) -> Option<&'static str> {
    COMPUTE_TYPES.into_iter().find(|t| t.eq_ignore_ascii_case(value))
}

/// Name rules as the service words them: letters, digits and `-`, starting with a letter, a
/// `-` followed later by at least one letter, and 3-24 characters for clusters and instances
/// (2-16 for the attached kinds, the older limit the service still applies to them).
pub fn check_name(name: &str, compute_type: Option<&str>) -> Result<(), Rejection> {
    let (min, max) = match compute_type {
        Some("AmlCompute" | "ComputeInstance") | None => (3, 24),
        Some(_) => (2, 16),
    };
    let len = name.chars().count();
    let chars_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let starts_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let dash_ok = name.rfind('-').is_none_or(|i| name[i + 1..].chars().any(|c| c.is_ascii_alphabetic()));
    if (min..=max).contains(&len) && chars_ok && starts_ok && dash_ok {
        return Ok(());
    }
    Err(bad(
        "InvalidResourceName",
        format!(
            "Compute name '{name}' is invalid. It can include letters, digits and dashes. It must start with a letter, \
             end with a letter or digit, a dash must be followed later by at least one letter, and it must be between \
             {min} and {max} characters long."
        ),
    ))
}

/// A compute name in a request path (GET, DELETE, actions): the characters and lengths any
/// compute kind may have (2-24, letters, digits and `-`, starting with a letter), so nothing
/// else (dots, escapes, spaces) is ever looked up.
pub fn check_path_name(name: &str) -> Result<(), Rejection> {
    let ok = (2..=24).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        return Ok(());
    }
    Err(bad(
        "InvalidResourceName",
        format!(
            "Compute name '{}' is invalid: letters, digits and dashes, starting with a letter.",
            name.escape_debug()
        ),
    ))
}

/// A resource group name as ARM's `ResourceGroupNameParameter` allows it (common-types v3:
/// 1-90 of `[-\w._()]`), not ending with a period (Azure's resource-name-rules).
pub fn check_resource_group(rg: &str) -> Result<(), Rejection> {
    let len = rg.chars().count();
    if (1..=90).contains(&len) && rg.chars().all(|c| c.is_alphanumeric() || "-_.()".contains(c)) && !rg.ends_with('.') {
        return Ok(());
    }
    Err(bad("InvalidResourceGroupName", format!("Resource group name '{}' is invalid.", rg.escape_debug())))
}

/// A workspace name as `WorkspaceNameParameter` allows it: `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$`.
pub fn check_workspace_name(ws: &str) -> Result<(), Rejection> {
    let ok = (3..=33).contains(&ws.len())
        && ws.starts_with(|c: char| c.is_ascii_alphanumeric())
        && ws.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        return Ok(());
    }
    Err(bad("InvalidWorkspaceName", format!("Workspace name '{}' is invalid.", ws.escape_debug())))
}

/// Replaces every secret value with `null`, at any depth (the key stays, as ARM shows it).
pub fn scrub_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if SECRET_KEYS.iter().any(|s| s.eq_ignore_ascii_case(k)) {
                    *v = Value::Null;
                } else if k == "sslConfiguration" {
                    if let Some(ssl) = v.as_object_mut() {
                        for secret in ["key", "cert"] {
                            if let Some(x) = ssl.get_mut(secret) {
                                *x = Value::Null;
                            }
                        }
                    }
                } else {
                    scrub_secrets(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(scrub_secrets),
        _ => {}
    }
}

fn inner_properties(props: &Map<String, Value>) -> Result<Map<String, Value>, Rejection> {
    match props.get("properties") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(_) => Err(bad("BadRequest", "properties.properties must be an object.")),
    }
}

/// Validates a PUT body (already secret-free) for compute `name` in a workspace located at
/// `workspace_location`.
pub fn normalize(name: &str, body: &Value, workspace_location: &str) -> Result<Normalized, Rejection> {
    let Some(top) = body.as_object() else {
        return Err(bad("BadRequest", "The request body must be a JSON object (a ComputeResource)."));
    };
    let Some(props) = top.get("properties").and_then(Value::as_object) else {
        return Err(bad("BadRequest", "The request body must have 'properties' with a 'computeType'."));
    };
    let compute_type = match props.get("computeType") {
        None | Some(Value::Null) => {
            return Err(bad(
                "BadRequest",
                "properties.computeType is required. Valid values: ".to_string() + &COMPUTE_TYPES.join(", "),
            ));
        }
        Some(v) => {
            let raw = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
            canonical_compute_type(&raw).ok_or_else(|| {
                bad("BadRequest", format!("Unknown computeType '{raw}'. Valid values: {}.", COMPUTE_TYPES.join(", ")))
            })?
        }
    };
    check_name(name, Some(compute_type))?;
    let location = top.get("location").and_then(Value::as_str).unwrap_or(workspace_location).to_string();
    let compute_location = props.get("computeLocation").and_then(Value::as_str).unwrap_or(&location).to_string();
    let resource_id = props.get("resourceId").cloned().unwrap_or(Value::Null);
    let inner = inner_properties(props)?;
    let is_attached = match compute_type {
        "AmlCompute" | "ComputeInstance" => false,
        "AKS" => !resource_id.is_null(),
        _ => true,
    };
    if is_attached {
        let rid = resource_id.as_str().unwrap_or_default();
        if !rid.to_ascii_lowercase().starts_with("/subscriptions/") {
            return Err(bad(
                "BadRequest",
                format!(
                    "properties.resourceId must be the ARM id of the existing resource to attach as a {compute_type} \
                     compute (got {resource_id})."
                ),
            ));
        }
    }
    let properties = match compute_type {
        "AmlCompute" => aml_compute(inner, &compute_location)?,
        "ComputeInstance" => compute_instance(name, inner, &compute_location)?,
        "Kubernetes" => kubernetes(inner),
        _ => Value::Object(inner),
    };
    let identity = match top.get("identity") {
        None | Some(Value::Null) => None,
        Some(Value::Object(id)) => Some(identity(id)?),
        Some(_) => return Err(bad("BadRequest", "identity must be an object.")),
    };
    Ok(Normalized {
        compute_type,
        location,
        compute_location,
        tags: top.get("tags").cloned().filter(|t| !t.is_null()).unwrap_or_else(|| json!({})),
        identity,
        description: props.get("description").cloned().unwrap_or(Value::Null),
        resource_id,
        disable_local_auth: props.get("disableLocalAuth").and_then(Value::as_bool).unwrap_or(false),
        is_attached,
        properties,
    })
}

fn identity(id: &Map<String, Value>) -> Result<Value, Rejection> {
    let kind = id.get("type").and_then(Value::as_str).unwrap_or("None");
    let valid = ["None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned"];
    let Some(kind) = valid.into_iter().find(|v| v.replace(' ', "").eq_ignore_ascii_case(&kind.replace(' ', ""))) else {
        return Err(bad("BadRequest", format!("identity.type '{kind}' is not one of {}.", valid.join(", "))));
    };
    let mut out = json!({ "type": kind });
    if kind.contains("SystemAssigned") {
        out["principalId"] = json!(wire::new_guid());
        out["tenantId"] = json!(wire::new_guid());
    }
    if kind.contains("UserAssigned") {
        let Some(uai) = id.get("userAssignedIdentities").and_then(Value::as_object).filter(|m| !m.is_empty()) else {
            return Err(bad("BadRequest", "identity.userAssignedIdentities is required for a UserAssigned identity."));
        };
        let filled: Map<String, Value> = uai
            .keys()
            .map(|k| (k.clone(), json!({ "principalId": wire::new_guid(), "clientId": wire::new_guid() })))
            .collect();
        out["userAssignedIdentities"] = Value::Object(filled);
    }
    Ok(out)
}

fn check_vm_size(size_name: &str, kind_id: &str, region: &str) -> Result<(), Rejection> {
    let catalog = Catalog::get();
    let Some(size) = catalog.size(size_name) else {
        return Err(bad(
            "BadRequest",
            format!(
                "The specified VM size '{size_name}' is not supported. Use the vmSizes API to list supported sizes."
            ),
        ));
    };
    if let Some(date) = size.retired.filter(|d| is_past(d)) {
        return Err(bad(
            "BadRequest",
            format!("The VM size '{size_name}' was retired on {date} and can no longer be used."),
        ));
    }
    if !size.kinds.contains(&kind_id) {
        return Err(bad("BadRequest", format!("The VM size '{size_name}' is not supported for this compute type.")));
    }
    let region_known = catalog.region(region).is_some_and(|r| r.availability_known);
    if region_known && !size.offered_in(region) {
        return Err(bad("BadRequest", format!("The VM size '{size_name}' is not available in region '{region}'.")));
    }
    Ok(())
}

/// Whether a `YYYY-MM-DD` date is today or earlier.
pub fn is_past(date: &str) -> bool {
    let today = wire::now_iso();
    date.len() == 10 && date <= &today[..10]
}

fn or_null(inner: &Map<String, Value>, key: &str) -> Value {
    inner.get(key).cloned().unwrap_or(Value::Null)
}

fn aml_compute(inner: Map<String, Value>, region: &str) -> Result<Value, Rejection> {
    let scale = inner.get("scaleSettings").and_then(Value::as_object);
    let Some(max) = scale.and_then(|s| s.get("maxNodeCount")) else {
        return Err(bad("BadRequest", "properties.properties.scaleSettings.maxNodeCount is required for AmlCompute."));
    };
    let Some(max) = max.as_i64().filter(|m| *m >= 0) else {
        return Err(bad(
            "BadRequest",
            format!("scaleSettings.maxNodeCount must be a non-negative integer (got {max})."),
        ));
    };
    let min = match scale.and_then(|s| s.get("minNodeCount")) {
        None | Some(Value::Null) => 0,
        Some(v) => v.as_i64().filter(|m| *m >= 0).ok_or_else(|| {
            bad("BadRequest", format!("scaleSettings.minNodeCount must be a non-negative integer (got {v})."))
        })?,
    };
    if min > max {
        return Err(bad(
            "BadRequest",
            format!("scaleSettings.minNodeCount ({min}) must be less than or equal to maxNodeCount ({max})."),
        ));
    }
    let vm_size = inner.get("vmSize").and_then(Value::as_str).unwrap_or(DEFAULT_VM_SIZE).to_string();
    check_vm_size(&vm_size, "amlcompute", region)?;
    let priority = or_null(&inner, "vmPriority");
    match priority.as_str() {
        None if priority.is_null() => {}
        Some("Dedicated") => {}
        Some("LowPriority") => {
            if !Catalog::get().size(&vm_size).is_some_and(|s| s.low_priority) {
                return Err(bad("BadRequest", format!("The VM size '{vm_size}' does not support LowPriority.")));
            }
        }
        _ => return Err(bad("BadRequest", format!("vmPriority must be Dedicated or LowPriority (got {priority})."))),
    }
    let idle = scale.and_then(|s| s.get("nodeIdleTimeBeforeScaleDown")).cloned().unwrap_or(Value::Null);
    // The order and the nulls are the 201 body of the recorded cassette.
    let mut p = json!({
        "vmSize": vm_size,
        "vmPriority": priority,
        "scaleSettings": { "maxNodeCount": max, "minNodeCount": min, "nodeIdleTimeBeforeScaleDown": idle },
        "subnet": or_null(&inner, "subnet"),
        "currentNodeCount": null,
        "targetNodeCount": null,
        "nodeStateCounts": null,
        "allocationState": null,
        "errors": null,
        "remoteLoginPortPublicAccess": inner.get("remoteLoginPortPublicAccess").cloned().unwrap_or(json!("NotSpecified")),
        "osType": inner.get("osType").cloned().unwrap_or(json!("Linux")),
        "virtualMachineImage": or_null(&inner, "virtualMachineImage"),
        "isolatedNetwork": inner.get("isolatedNetwork").cloned().unwrap_or(json!(false)),
        "enableNodePublicIp": inner.get("enableNodePublicIp").cloned().unwrap_or(json!(true)),
    });
    overlay_rest(&mut p, inner);
    Ok(p)
}

/// Copies request keys the defaults did not mention (userAccountCredentials, propertyBag, …).
fn overlay_rest(p: &mut Value, inner: Map<String, Value>) {
    let Some(obj) = p.as_object_mut() else { return };
    for (k, v) in inner {
        obj.entry(k).or_insert(v);
    }
}

fn compute_instance(name: &str, inner: Map<String, Value>, region: &str) -> Result<Value, Rejection> {
    let vm_size = inner.get("vmSize").and_then(Value::as_str).unwrap_or(DEFAULT_VM_SIZE).to_string();
    check_vm_size(&vm_size, "computeinstance", region)?;
    let subnet = or_null(&inner, "subnet");
    if inner.get("enableNodePublicIp") == Some(&json!(false)) && subnet.is_null() {
        // The service's reply in the `compute_instance_with_no_public_ip` cassette; the
        // emulator's workspaces have no private endpoint, so a subnet stands in for one.
        return Err(bad("UserError", "Provided EnableNodePublicIp 'False' requires workspace private endpoint."));
    }
    let ssh_in = inner.get("sshSettings").and_then(Value::as_object).cloned().unwrap_or_default();
    let ssh_access = ssh_in.get("sshPublicAccess").and_then(Value::as_str).unwrap_or("Disabled").to_string();
    let ssh = json!({
        "sshPublicAccess": ssh_access,
        "adminUserName": "azureuser",
        "sshPort": if ssh_access == "Enabled" { 50000 } else { 4001 },
        "adminPublicKey": ssh_in.get("adminPublicKey").cloned().unwrap_or(Value::Null),
    });
    let schedules = match inner.get("schedules") {
        Some(Value::Object(s)) => {
            let entries: Vec<Value> = s
                .get("computeStartStop")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|e| {
                            let mut e = e.clone();
                            if let Some(o) = e.as_object_mut() {
                                o.entry("triggerType").or_insert(json!("Cron"));
                                o.entry("recurrence").or_insert(Value::Null);
                                o.entry("cron").or_insert(Value::Null);
                                o.entry("status").or_insert(json!("Enabled"));
                                o.insert("id".into(), json!(wire::new_guid()));
                                o.insert("provisioningStatus".into(), json!("Completed"));
                            }
                            e
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({ "computeStartStop": entries })
        }
        _ => json!({ "computeStartStop": [] }),
    };
    let host = format!("https://{}.{}.instances.azureml.ms", name.to_ascii_lowercase(), region.to_ascii_lowercase());
    let mut p = json!({
        "vmSize": vm_size,
        "subnet": subnet,
        "sshSettings": ssh,
        "autologgerSettings": null,
        "errors": [],
        "connectivityEndpoints": { "publicIpAddress": "20.0.0.4", "privateIpAddress": "10.0.0.4" },
        "applications": [
            { "displayName": "Jupyter", "endpointUri": format!("{host}/tree/") },
            { "displayName": "Jupyter Lab", "endpointUri": format!("{host}/lab") },
        ],
        "state": "Creating",
        "lastOperation": {
            "operationName": "Create",
            "operationTime": wire::now_iso(),
            "operationStatus": "InProgress",
            "operationTrigger": "User",
        },
        "createdBy": {
            "userName": "emulator@example.com",
            "userOrgId": "00000000-0000-0000-0000-000000000000",
            "userId": "00000000-0000-0000-0000-000000000000",
        },
        "applicationSharingPolicy": inner.get("applicationSharingPolicy").cloned().unwrap_or(json!("Shared")),
        "computeInstanceAuthorizationType": inner.get("computeInstanceAuthorizationType").cloned().unwrap_or(json!("personal")),
        "personalComputeInstanceSettings": or_null(&inner, "personalComputeInstanceSettings"),
        "setupScripts": or_null(&inner, "setupScripts"),
        "schedules": schedules,
        "dataMounts": null,
        "dataDisks": null,
        "containers": null,
        "updateStatus": null,
        "versions": { "runtime": "3.0.02209.0006" },
        "customServices": inner.get("customServices").cloned().unwrap_or(json!([])),
        "osImageMetadata": {
            "currentImageVersion": "24.01.19",
            "latestImageVersion": "24.01.19",
            "isLatestOsImageVersion": true,
        },
    });
    overlay_rest(&mut p, inner);
    Ok(p)
}

fn kubernetes(inner: Map<String, Value>) -> Value {
    let resources = json!({ "cpu": "1", "memory": "4Gi", "nvidia.com/gpu": null });
    let mut p = json!({
        "relayConnectionString": null,
        "serviceBusConnectionString": null,
        "extensionPrincipalId": null,
        "extensionInstanceReleaseTrain": "stable",
        "vcName": null,
        "namespace": "default",
        "defaultInstanceType": "defaultInstanceType",
        "instanceTypes": {
            "defaultInstanceType": {
                "nodeSelector": null,
                "resources": { "requests": resources, "limits": resources },
            }
        },
    });
    if let Some(obj) = p.as_object_mut() {
        for (k, v) in inner {
            if !v.is_null() || !obj.contains_key(&k) {
                obj.insert(k, v);
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_service_rules() {
        for ok in ["cpu-cluster", "gpu-cluster", "basic-example-i", "abc", "hello2", "ci-a1"] {
            assert!(check_name(ok, Some("AmlCompute")).is_ok(), "{ok}");
        }
        for bad in ["cpu-cluster-1", "ci-40986653", "-hello", "1hello", "hello-", "hello_world", "hello.world", "ab"] {
            assert!(check_name(bad, Some("AmlCompute")).is_err(), "{bad}");
        }
        assert!(check_name(&"a".repeat(25), Some("ComputeInstance")).is_err());
        assert!(check_name("ab", Some("Kubernetes")).is_ok());
        assert!(check_name(&"a".repeat(17), Some("Kubernetes")).is_err());
    }

    #[test]
    fn secrets_are_nulled_at_any_depth() {
        let mut v = json!({"properties": {"properties": {
            "administratorAccount": {"username": "u", "password": "p", "privateKeyData": "k"},
            "userAccountCredentials": {"adminUserName": "a", "adminUserPassword": "pw"},
            "sslConfiguration": {"status": "Enabled", "key": "secret"},
            "databricksAccessToken": "dapi"}}});
        scrub_secrets(&mut v);
        let s = v.to_string();
        for secret in ["\"p\"", "\"k\"", "\"pw\"", "secret", "dapi"] {
            assert!(!s.contains(secret), "{secret} in {s}");
        }
        assert!(s.contains("\"username\":\"u\""));
    }
}
