//! Spec → ARM `ComputeResource` body, exactly as azure-ai-ml 1.35.2 sends it for the same YAML
//! (`load_compute` + `begin_create_or_update`): the SDK's defaults, enum casing, ISO-8601
//! durations, subnet expansion and identity map. ARM-form specs pass through. Every body then
//! loses the fields the REST spec marks read-only (`read_only`), `name` among them: ARM takes
//! the name from the URL, and the SDK leaves it out of the wire body too. Secrets from the spec
//! live only in the returned body.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::error::ArmError;
use super::read_only;
use super::workspace::Workspace;
use crate::check::{CheckOptions, Severity, check_text};
use crate::spec::kinds::{ComputeKind, SpecForm};
use crate::syntax::text::{LineIndex, PositionEncoding};
use crate::syntax::{Node, NodeKind, ScalarValue};

/// The SDK's default VM size (`ComputeDefaults.VMSIZE`).
const DEFAULT_VM_SIZE: &str = "STANDARD_DS3_V2";

/// A PUT body ready to send, and what was left out of the spec on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedBody {
    /// The spec's compute name.
    pub name: String,
    pub body: Value,
    /// The read-only fields removed (`properties.provisioningState`, …), for the confirmation.
    /// `name`, which every body loses, is not listed.
    pub left_out: Vec<String>,
}

/// The compute name and the PUT body for a spec (see [`prepare_body`]).
pub fn request_body(
    text: &str,
    path: Option<&Path>,
    ws: &Workspace,
    workspace_location: Option<&str>,
) -> Result<(String, Value), ArmError> {
    prepare_body(text, path, ws, workspace_location).map(|p| (p.name, p.body))
}

/// The compute name and the PUT body for a spec, with the read-only fields it had removed.
/// `workspace_location` is where computes other than clusters are placed (the SDK replaces
/// their `location` by it) and where a cluster without `location` goes. `~` in a key file's
/// path is the process's home folder (`HOME`, else `USERPROFILE`).
pub fn prepare_body(
    text: &str,
    path: Option<&Path>,
    ws: &Workspace,
    workspace_location: Option<&str>,
) -> Result<PreparedBody, ArmError> {
    let home = ["HOME", "USERPROFILE"].iter().find_map(|k| std::env::var_os(k).filter(|v| !v.is_empty()));
    prepare_body_with_home(text, path, ws, workspace_location, home.as_deref().map(Path::new))
}

/// [`prepare_body`] with the home folder given (the caller's `WorkspaceEnv` has it).
pub fn prepare_body_with_home(
    text: &str,
    path: Option<&Path>,
    ws: &Workspace,
    workspace_location: Option<&str>,
    home: Option<&Path>,
) -> Result<PreparedBody, ArmError> {
    let path_str = path.map(|p| p.to_string_lossy().into_owned());
    let result = check_text(text, path_str.as_deref(), &CheckOptions::default());
    let shown = path_str.clone().unwrap_or_else(|| "the spec".to_string());
    let errors: Vec<String> = {
        let index = LineIndex::new(text);
        result
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let at = index.line_col(text, d.range.start(), PositionEncoding::Utf8);
                format!("{}:{}: {} {}", at.line + 1, at.col + 1, d.code.id(), d.message)
            })
            .collect()
    };
    if !errors.is_empty() {
        return Err(ArmError::Spec(format!(
            "{shown} has {} error{}; fix {} first: {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "it" } else { "them" },
            errors.join("; ")
        )));
    }
    if let Some(refusal) = not_a_compute_spec(&result, &shown) {
        return Err(refusal);
    }
    let (Some(root), Some(detection)) = (result.parsed.root.as_ref(), result.detection.as_ref()) else {
        return Err(ArmError::Spec(format!("{shown} is not a compute spec.")));
    };
    let Some(kind) = detection.kind else {
        return Err(ArmError::Spec(format!("{shown} names a compute type this tool does not know.")));
    };
    let ctx = Ctx { ws, workspace_location, base_dir: path.and_then(Path::parent), home };
    let (name, mut body) = match detection.form {
        SpecForm::Arm => arm_passthrough(root, &ctx)?,
        SpecForm::Cli => {
            let name = req_str(root, "name")?;
            let body = match kind {
                ComputeKind::AmlCompute => aml_compute(root, &ctx)?,
                ComputeKind::ComputeInstance => compute_instance(root, &ctx)?,
                ComputeKind::VirtualMachine => virtual_machine(root, &ctx)?,
                ComputeKind::Kubernetes => kubernetes(root, &ctx)?,
                ComputeKind::SynapseSpark => synapse_spark(root, &ctx)?,
                other => {
                    return Err(ArmError::Spec(format!(
                        "{} has no CLI YAML form; write it as an ARM body with properties.computeType.",
                        other.a_display_name()
                    )));
                }
            };
            (name, body)
        }
    };
    let compute_type = body.pointer("/properties/computeType").and_then(Value::as_str).unwrap_or_default().to_string();
    let mut left_out = read_only::strip(&mut body, &compute_type);
    left_out.retain(|p| p != "name");
    Ok(PreparedBody { name, body, left_out })
}

/// Why a checked document cannot be sent at all (an ARM deployment template, or no compute
/// spec), in the words `check` uses too; `shown` names the file.
pub fn not_a_compute_spec(result: &crate::check::CheckResult, shown: &str) -> Option<ArmError> {
    if result.detection.is_some() {
        return None;
    }
    if result.parsed.root.as_ref().and_then(crate::spec::kinds::deployment_template).is_some() {
        return Some(ArmError::Spec(format!("{shown}: {}", crate::check::DEPLOYMENT_TEMPLATE_MESSAGE)));
    }
    Some(ArmError::Spec(format!(
        "{shown} is not a compute spec: it has no `type:` (CLI YAML) or `properties.computeType` (ARM body)."
    )))
}

struct Ctx<'a> {
    ws: &'a Workspace,
    workspace_location: Option<&'a str>,
    base_dir: Option<&'a Path>,
    home: Option<&'a Path>,
}

impl Ctx<'_> {
    fn workspace_location(&self) -> Result<String, ArmError> {
        self.workspace_location.map(str::to_string).ok_or_else(|| {
            ArmError::Spec(
                "the workspace's location is unknown, and Azure ML places this compute in the workspace's region; \
                 read the workspace first (or give the cluster a `location`)."
                    .to_string(),
            )
        })
    }
}

// ---- tree helpers ----------------------------------------------------------------------------

fn present<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.get(key).filter(|n| !n.is_null())
}

fn opt_str(node: &Node, key: &str) -> Option<String> {
    present(node, key).and_then(|n| n.scalar_text()).map(str::to_string)
}

fn req_str(node: &Node, key: &str) -> Result<String, ArmError> {
    opt_str(node, key).filter(|s| !s.is_empty()).ok_or_else(|| ArmError::Spec(format!("`{key}` is required.")))
}

/// Integers; floats are truncated as marshmallow's Integer field does (2.5 → 2).
fn opt_int(node: &Node, key: &str) -> Option<i64> {
    let n = present(node, key)?;
    n.as_i64().or_else(|| n.as_f64().map(|f| f.trunc() as i64)).or_else(|| n.scalar_text()?.trim().parse().ok())
}

fn opt_bool(node: &Node, key: &str) -> Option<bool> {
    let n = present(node, key)?;
    n.as_bool().or_else(|| match n.scalar_text()?.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    })
}

/// The tree as JSON (for free-form maps and pass-through).
pub(crate) fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            let mut map = Map::new();
            for e in entries {
                map.insert(e.key.text.clone(), to_json(&e.value));
            }
            Value::Object(map)
        }
        NodeKind::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Scalar(s) => match s.value {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(b) => Value::Bool(b),
            ScalarValue::Int(i) => json!(i),
            ScalarValue::Float(f) => serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null),
            ScalarValue::Str => Value::String(s.text.clone()),
        },
        NodeKind::Missing => Value::Null,
    }
}

/// `tags` as strings.
fn tags(root: &Node) -> Option<Value> {
    let entries = present(root, "tags")?.as_mapping()?;
    let mut map = Map::new();
    for e in entries {
        map.insert(e.key.text.clone(), Value::String(e.value.scalar_text().unwrap_or_default().to_string()));
    }
    Some(Value::Object(map))
}

/// Seconds → ISO-8601 duration as Python's isodate writes a timedelta: 100 → PT1M40S,
/// 86400 → P1D, 90061 → P1DT1H1M1S.
pub fn iso_duration(seconds: i64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    let (h, m, s) = (rest / 3600, (rest % 3600) / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if h > 0 || m > 0 || s > 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if s > 0 {
            out.push_str(&format!("{s}S"));
        }
    }
    if out == "P" {
        out.push_str("T0S");
    }
    out
}

/// `system_assigned,user_assigned` → `SystemAssigned,UserAssigned`.
fn identity_type(value: &str) -> String {
    value
        .split(',')
        .map(|part| {
            let part = part.trim();
            if part.contains('_') || part.chars().all(|c| c.is_ascii_lowercase()) {
                part.split('_').map(capitalize).collect::<String>()
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn identity(root: &Node) -> Option<Value> {
    let node = present(root, "identity")?;
    let kind = identity_type(&opt_str(node, "type").unwrap_or_default());
    let mut out = Map::new();
    out.insert("type".into(), Value::String(kind));
    if let Some(items) = present(node, "user_assigned_identities").and_then(Node::as_sequence) {
        let mut map = Map::new();
        for item in items {
            if let Some(id) = opt_str(item, "resource_id") {
                map.insert(id, json!({}));
            }
        }
        if !map.is_empty() {
            out.insert("userAssignedIdentities".into(), Value::Object(map));
        }
    }
    Some(Value::Object(out))
}

fn looks_like_subnet_id(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.starts_with("/subscriptions/") && lower.contains("/resourcegroups/") && lower.contains("/providers/")
}

/// `network_settings` → `{id}`, expanding a bare subnet name with `vnet_name` in the workspace's
/// subscription and resource group.
fn subnet(root: &Node, ws: &Workspace) -> Result<Option<Value>, ArmError> {
    let Some(net) = present(root, "network_settings") else { return Ok(None) };
    let vnet = opt_str(net, "vnet_name").filter(|s| !s.is_empty());
    let subnet = opt_str(net, "subnet").filter(|s| !s.is_empty());
    match (vnet, subnet) {
        (Some(_), None) => Err(ArmError::Spec(
            "network_settings.vnet_name is set but network_settings.subnet is not; Azure needs the subnet too."
                .to_string(),
        )),
        (_, None) => Ok(None),
        (_, Some(s)) if looks_like_subnet_id(&s) => Ok(Some(json!({ "id": s }))),
        (vnet, Some(s)) => Ok(Some(json!({
            "id": format!(
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/{}/subnets/{s}",
                ws.subscription_id,
                ws.resource_group,
                vnet.unwrap_or_else(|| "None".to_string())
            )
        }))),
    }
}

fn insert_opt(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        map.insert(key.to_string(), v);
    }
}

/// The envelope around `properties` (no `name`: ARM takes it from the URL).
fn envelope(root: &Node, location: String, properties: Value) -> Value {
    let mut out = Map::new();
    out.insert("location".into(), Value::String(location));
    out.insert("properties".into(), properties);
    insert_opt(&mut out, "identity", identity(root));
    insert_opt(&mut out, "tags", tags(root));
    Value::Object(out)
}

// ---- kinds -----------------------------------------------------------------------------------

fn aml_compute(root: &Node, ctx: &Ctx) -> Result<Value, ArmError> {
    let mut p = Map::new();
    p.insert("osType".into(), json!("Linux"));
    p.insert("vmSize".into(), json!(opt_str(root, "size").unwrap_or_else(|| DEFAULT_VM_SIZE.to_string())));
    if let Some(tier) = opt_str(root, "tier") {
        let pascal = match tier.to_ascii_lowercase().as_str() {
            "dedicated" => "Dedicated".to_string(),
            "low_priority" | "lowpriority" => "LowPriority".to_string(),
            _ => tier.split('_').map(capitalize).collect(),
        };
        p.insert("vmPriority".into(), json!(pascal));
    }
    let ssh = present(root, "ssh_settings");
    if let Some(ssh) = ssh {
        let mut creds = Map::new();
        insert_opt(&mut creds, "adminUserName", opt_str(ssh, "admin_username").map(Value::String));
        insert_opt(&mut creds, "adminUserPassword", opt_str(ssh, "admin_password").map(Value::String));
        insert_opt(&mut creds, "adminUserSshPublicKey", opt_str(ssh, "ssh_key_value").map(Value::String));
        p.insert("userAccountCredentials".into(), Value::Object(creds));
    }
    let mut scale = Map::new();
    scale.insert("maxNodeCount".into(), json!(opt_int(root, "max_instances").unwrap_or(4)));
    scale.insert("minNodeCount".into(), json!(opt_int(root, "min_instances").unwrap_or(0)));
    let idle = opt_int(root, "idle_time_before_scale_down").unwrap_or(120);
    if idle != 0 {
        scale.insert("nodeIdleTimeBeforeScaleDown".into(), json!(iso_duration(idle)));
    }
    p.insert("scaleSettings".into(), Value::Object(scale));
    insert_opt(&mut p, "subnet", subnet(root, ctx.ws)?);
    let remote = match opt_bool(root, "ssh_public_access_enabled") {
        Some(true) => "Enabled",
        Some(false) => "Disabled",
        None => "NotSpecified",
    };
    p.insert("remoteLoginPortPublicAccess".into(), json!(remote));
    p.insert("enableNodePublicIp".into(), json!(opt_bool(root, "enable_node_public_ip").unwrap_or(true)));

    let mut props = Map::new();
    props.insert("computeType".into(), json!("AmlCompute"));
    insert_opt(&mut props, "description", opt_str(root, "description").map(Value::String));
    props.insert("properties".into(), Value::Object(p));
    props.insert("disableLocalAuth".into(), json!(ssh.is_none()));
    let location = match opt_str(root, "location").filter(|l| !l.is_empty()) {
        Some(l) => l,
        None => ctx.workspace_location()?,
    };
    Ok(envelope(root, location, Value::Object(props)))
}

fn compute_instance(root: &Node, ctx: &Ctx) -> Result<Value, ArmError> {
    let mut p = Map::new();
    p.insert("vmSize".into(), json!(opt_str(root, "size").unwrap_or_else(|| DEFAULT_VM_SIZE.to_string())));
    insert_opt(&mut p, "subnet", subnet(root, ctx.ws)?);
    let public_access = opt_bool(root, "ssh_public_access_enabled");
    let ssh = present(root, "ssh_settings");
    let mut disable_local_auth = true;
    if public_access.is_some() || ssh.is_some() {
        let mut s = Map::new();
        s.insert("sshPublicAccess".into(), json!(if public_access == Some(true) { "Enabled" } else { "Disabled" }));
        insert_opt(&mut s, "adminPublicKey", ssh.and_then(|n| opt_str(n, "ssh_key_value")).map(Value::String));
        p.insert("sshSettings".into(), Value::Object(s));
        disable_local_auth = public_access != Some(true);
    }
    if let Some(owner) = present(root, "create_on_behalf_of") {
        let mut user = Map::new();
        insert_opt(&mut user, "objectId", opt_str(owner, "user_object_id").map(Value::String));
        insert_opt(&mut user, "tenantId", opt_str(owner, "user_tenant_id").map(Value::String));
        p.insert("personalComputeInstanceSettings".into(), json!({ "assignedUser": user }));
    }
    let idle = match opt_int(root, "idle_time_before_shutdown_minutes").filter(|m| *m != 0) {
        Some(minutes) => Some(format!("PT{minutes}M")),
        None => opt_str(root, "idle_time_before_shutdown").filter(|s| !s.is_empty()),
    };
    insert_opt(&mut p, "idleTimeBeforeShutdown", idle.map(Value::String));
    p.insert("enableNodePublicIp".into(), json!(opt_bool(root, "enable_node_public_ip").unwrap_or(true)));
    p.insert("enableSSO".into(), json!(opt_bool(root, "enable_sso").unwrap_or(true)));
    p.insert("enableRootAccess".into(), json!(opt_bool(root, "enable_root_access").unwrap_or(true)));
    p.insert("releaseQuotaOnStop".into(), json!(opt_bool(root, "release_quota_on_stop").unwrap_or(false)));
    p.insert("enableOSPatching".into(), json!(opt_bool(root, "enable_os_patching").unwrap_or(false)));
    p.insert("applicationSharingPolicy".into(), json!("Shared"));
    p.insert("computeInstanceAuthorizationType".into(), json!("personal"));
    insert_opt(&mut p, "schedules", schedules(root));
    insert_opt(&mut p, "setupScripts", setup_scripts(root));
    insert_opt(&mut p, "customServices", custom_services(root)?);

    let mut props = Map::new();
    props.insert("computeType".into(), json!("ComputeInstance"));
    insert_opt(&mut props, "description", opt_str(root, "description").map(Value::String));
    props.insert("properties".into(), Value::Object(p));
    props.insert("disableLocalAuth".into(), json!(disable_local_auth));
    Ok(envelope(root, ctx.workspace_location()?, Value::Object(props)))
}

fn schedules(root: &Node) -> Option<Value> {
    let items = present(root, "schedules")?;
    let list = present(items, "compute_start_stop").and_then(Node::as_sequence).unwrap_or(&[]);
    let mut out = Vec::new();
    for item in list {
        let mut s = Map::new();
        insert_opt(&mut s, "action", opt_str(item, "action").map(Value::String));
        s.insert("status".into(), json!(opt_str(item, "state").unwrap_or_else(|| "Enabled".to_string())));
        if let Some(trigger) = present(item, "trigger") {
            let time_zone = opt_str(trigger, "time_zone").unwrap_or_else(|| "UTC".to_string());
            let start_time = opt_str(trigger, "start_time").map(Value::String);
            match opt_str(trigger, "type").unwrap_or_default().to_ascii_lowercase().as_str() {
                "cron" => {
                    let mut c = Map::new();
                    insert_opt(&mut c, "expression", opt_str(trigger, "expression").map(Value::String));
                    insert_opt(&mut c, "startTime", start_time);
                    c.insert("timeZone".into(), json!(time_zone));
                    c.insert("triggerType".into(), json!("Cron"));
                    s.insert("triggerType".into(), json!("Cron"));
                    s.insert("cron".into(), Value::Object(c));
                }
                "recurrence" => {
                    let mut r = Map::new();
                    insert_opt(&mut r, "frequency", opt_str(trigger, "frequency").map(|f| json!(snake_to_camel(&f))));
                    insert_opt(&mut r, "interval", opt_int(trigger, "interval").map(|i| json!(i)));
                    if let Some(pattern) = present(trigger, "schedule") {
                        let list = |key: &str| -> Option<Value> {
                            let n = present(pattern, key)?;
                            Some(match n.as_sequence() {
                                Some(items) => Value::Array(items.iter().map(to_json).collect()),
                                None => Value::Array(vec![to_json(n)]),
                            })
                        };
                        let mut sched = Map::new();
                        sched.insert("hours".into(), list("hours").unwrap_or(Value::Null));
                        sched.insert("minutes".into(), list("minutes").unwrap_or(Value::Null));
                        insert_opt(&mut sched, "weekDays", list("week_days"));
                        sched.retain(|_, v| !v.is_null());
                        r.insert("schedule".into(), Value::Object(sched));
                    }
                    insert_opt(&mut r, "startTime", start_time);
                    r.insert("timeZone".into(), json!(time_zone));
                    r.insert("triggerType".into(), json!("Recurrence"));
                    s.insert("triggerType".into(), json!("Recurrence"));
                    s.insert("recurrence".into(), Value::Object(r));
                }
                _ => {}
            }
        }
        out.push(Value::Object(s));
    }
    Some(json!({ "computeStartStop": out }))
}

fn snake_to_camel(value: &str) -> String {
    let mut parts = value.split('_');
    let first = parts.next().unwrap_or_default().to_string();
    first + &parts.map(capitalize).collect::<String>()
}

fn setup_scripts(root: &Node) -> Option<Value> {
    let node = present(root, "setup_scripts")?;
    let script = |key: &str| -> Option<Value> {
        let s = present(node, key)?;
        let mut m = Map::new();
        m.insert("scriptSource".into(), json!("workspaceStorage"));
        insert_opt(&mut m, "scriptData", opt_str(s, "path").map(Value::String));
        insert_opt(&mut m, "scriptArguments", opt_str(s, "command").map(Value::String));
        // The SDK writes "Nonem" when timeout_minutes is absent (a bug the service rejects); we
        // leave the timeout out instead.
        insert_opt(&mut m, "timeout", opt_int(s, "timeout_minutes").map(|t| json!(format!("{t}m"))));
        Some(Value::Object(m))
    };
    let mut scripts = Map::new();
    insert_opt(&mut scripts, "startupScript", script("startup_script"));
    insert_opt(&mut scripts, "creationScript", script("creation_script"));
    Some(json!({ "scripts": scripts }))
}

fn custom_services(root: &Node) -> Result<Option<Value>, ArmError> {
    let Some(apps) = present(root, "custom_applications").and_then(Node::as_sequence) else { return Ok(None) };
    if apps.is_empty() {
        return Ok(None);
    }
    let mut names = Vec::new();
    let mut published_ports = Vec::new();
    let mut out = Vec::new();
    for app in apps {
        let name = opt_str(app, "name").unwrap_or_default();
        if names.contains(&name) {
            return Err(ArmError::Spec(
                "Value of application_name must be unique across all custom applications.".to_string(),
            ));
        }
        names.push(name.clone());
        let mut s = Map::new();
        s.insert("name".into(), json!(name));
        let reference = present(app, "image").and_then(|i| opt_str(i, "reference"));
        s.insert("image".into(), json!({ "type": "docker", "reference": reference }));
        if let Some(endpoints) = present(app, "endpoints").and_then(Node::as_sequence) {
            let mut list = Vec::new();
            for e in endpoints {
                let target = opt_int(e, "target");
                let published = opt_int(e, "published");
                for (what, port) in [("target_port", target), ("published_port", published)] {
                    if let Some(p) = port
                        && !(1025 < p && p < 65535)
                    {
                        return Err(ArmError::Spec(format!("Value of {what} must be between 1025 and 65535.")));
                    }
                }
                if let Some(p) = published {
                    if published_ports.contains(&p) {
                        return Err(ArmError::Spec(
                            "Value of published_port must be unique across all custom applications.".to_string(),
                        ));
                    }
                    published_ports.push(p);
                }
                list.push(json!({ "name": "connect", "target": target, "published": published, "protocol": "http" }));
            }
            s.insert("endpoints".into(), Value::Array(list));
        }
        if let Some(vars) = present(app, "environment_variables").and_then(Node::as_mapping)
            && !vars.is_empty()
        {
            let mut m = Map::new();
            for v in vars {
                m.insert(
                    v.key.text.clone(),
                    json!({ "type": "local", "value": v.value.scalar_text().unwrap_or_default() }),
                );
            }
            s.insert("environmentVariables".into(), Value::Object(m));
        }
        if let Some(mounts) = present(app, "bind_mounts").and_then(Node::as_sequence)
            && !mounts.is_empty()
        {
            let list: Vec<Value> = mounts
                .iter()
                .map(|m| {
                    json!({ "type": "bind", "readOnly": false, "source": opt_str(m, "source"), "target": opt_str(m, "target") })
                })
                .collect();
            s.insert("volumes".into(), Value::Array(list));
        }
        s.insert("docker".into(), json!({ "privileged": true }));
        s.insert("type".into(), json!(opt_str(app, "type").unwrap_or_else(|| "docker".to_string())));
        out.push(Value::Object(s));
    }
    Ok(Some(Value::Array(out)))
}

fn virtual_machine(root: &Node, ctx: &Ctx) -> Result<Value, ArmError> {
    let Some(ssh) = present(root, "ssh_settings") else {
        return Err(ArmError::Spec(
            "an attached virtual machine needs ssh_settings (admin_username with admin_password or \
             ssh_private_key_file) so Azure ML can sign in to it."
                .to_string(),
        ));
    };
    let mut account = Map::new();
    insert_opt(&mut account, "username", opt_str(ssh, "admin_username").map(Value::String));
    insert_opt(&mut account, "password", opt_str(ssh, "admin_password").map(Value::String));
    if let Some(file) = opt_str(ssh, "ssh_private_key_file") {
        let key_path = match (home_relative(&file, ctx.home), ctx.base_dir) {
            (Some(in_home), _) => in_home,
            (None, Some(dir)) if Path::new(&file).is_relative() => dir.join(&file),
            (None, _) => Path::new(&file).to_path_buf(),
        };
        let content = std::fs::read_to_string(&key_path).map_err(|e| {
            ArmError::Spec(format!(
                "ssh_settings.ssh_private_key_file {} could not be read ({e}); a relative path is relative to the \
                 spec's folder, and `~/` is your home folder.",
                key_path.display()
            ))
        })?;
        account.insert("privateKeyData".into(), Value::String(content));
    }
    let mut p = Map::new();
    p.insert("sshPort".into(), json!(opt_int(ssh, "ssh_port").unwrap_or(22)));
    p.insert("administratorAccount".into(), Value::Object(account));
    let mut props = Map::new();
    props.insert("computeType".into(), json!("VirtualMachine"));
    props.insert("resourceId".into(), json!(req_str(root, "resource_id")?));
    insert_opt(&mut props, "description", opt_str(root, "description").map(Value::String));
    props.insert("properties".into(), Value::Object(p));
    let mut out = Map::new();
    out.insert("location".into(), json!(ctx.workspace_location()?));
    insert_opt(&mut out, "tags", tags(root));
    out.insert("properties".into(), Value::Object(props));
    Ok(Value::Object(out))
}

/// `~` and `~/…` in the home folder, as the SDK's `os.path.expanduser` reads
/// `ssh_private_key_file`; None for any other path (or when no home folder is known).
fn home_relative(file: &str, home: Option<&Path>) -> Option<std::path::PathBuf> {
    let rest = if file == "~" { "" } else { file.strip_prefix("~/").or_else(|| file.strip_prefix("~\\"))? };
    Some(home?.join(rest))
}

fn kubernetes(root: &Node, ctx: &Ctx) -> Result<Value, ArmError> {
    let location = ctx.workspace_location()?;
    let mut p = match present(root, "properties").map(to_json) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    p.insert("namespace".into(), json!(opt_str(root, "namespace").unwrap_or_else(|| "default".to_string())));
    let mut props = Map::new();
    props.insert("computeType".into(), json!("Kubernetes"));
    insert_opt(&mut props, "resourceId", opt_str(root, "resource_id").map(Value::String));
    props.insert("computeLocation".into(), json!(location));
    insert_opt(&mut props, "description", opt_str(root, "description").map(Value::String));
    props.insert("properties".into(), Value::Object(p));
    Ok(envelope(root, location, Value::Object(props)))
}

fn synapse_spark(root: &Node, ctx: &Ctx) -> Result<Value, ArmError> {
    let mut props = Map::new();
    props.insert("computeType".into(), json!("SynapseSpark"));
    props.insert("resourceId".into(), json!(req_str(root, "resource_id")?));
    insert_opt(&mut props, "description", opt_str(root, "description").map(Value::String));
    Ok(envelope(root, ctx.workspace_location()?, Value::Object(props)))
}

// ---- ARM form --------------------------------------------------------------------------------

/// An ARM body as written, less `$schema` (an editor hint, not part of the resource); the
/// read-only fields go afterwards, as for every body.
fn arm_passthrough(root: &Node, ctx: &Ctx) -> Result<(String, Value), ArmError> {
    let mut body = to_json(root);
    let Some(obj) = body.as_object_mut() else {
        return Err(ArmError::Spec("an ARM compute body must be an object.".to_string()));
    };
    let name =
        obj.get("name").and_then(Value::as_str).map(str::to_string).filter(|n| !n.is_empty()).ok_or_else(|| {
            ArmError::Spec("the ARM body has no `name`; add the compute's name at the top level.".to_string())
        })?;
    obj.remove("$schema");
    if !obj.contains_key("location") || obj.get("location").is_some_and(Value::is_null) {
        obj.insert("location".into(), json!(ctx.workspace_location()?));
    }
    Ok((name, body))
}
