//! Spec → ARM `ComputeResource` body, exactly as azure-ai-ml 1.35.2 sends it for the same YAML
//! (`load_compute` + `begin_create_or_update`): the SDK's defaults, enum casing, ISO-8601
//! durations, subnet expansion and identity map. ARM-form specs pass through. Every body then
//! loses the fields the REST spec marks read-only (`read_only`), `name` among them: ARM takes
//! the name from the URL, and the SDK leaves it out of the wire body too.
//!
//! The input is a typed spec (`spec::model::ComputeSpec`) that `actions` read from a document
//! `check` passed; this module never checks a spec itself. Secrets from the spec live only in
//! the returned body.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::error::ArmError;
use super::read_only;
use super::workspace::Workspace;
use crate::spec::kinds::ComputeKind;
use crate::spec::model::{
    ArmBody, CliSpec, ComputeSpec, CustomApplication, IdentitySpec, Schedule, Script, SetupScripts, SpecBody,
};

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

/// Where the body goes and where the spec's relative paths start.
#[derive(Clone, Copy, Debug, Default)]
pub struct BodyContext<'a> {
    /// Where computes other than clusters are placed (the SDK replaces their `location` by
    /// it), and where a cluster without `location` goes.
    pub workspace_location: Option<&'a str>,
    /// The spec file; a relative `ssh_private_key_file` is relative to its folder.
    pub spec_path: Option<&'a Path>,
    /// The home folder `~` stands for in a key file's path.
    pub home: Option<&'a Path>,
}

/// The compute name and the PUT body for a spec, with the read-only fields it had removed.
pub fn prepare_body(spec: &ComputeSpec, ws: &Workspace, at: BodyContext) -> Result<PreparedBody, ArmError> {
    let ctx = Ctx {
        ws,
        workspace_location: at.workspace_location,
        base_dir: at.spec_path.and_then(Path::parent),
        home: at.home,
    };
    let (name, mut body) = match &spec.body {
        SpecBody::Arm(written) => arm_passthrough(written, &ctx)?,
        SpecBody::Cli(cli) => {
            let name = cli
                .name
                .clone()
                .filter(|n| !n.is_empty())
                .ok_or_else(|| ArmError::Spec("`name` is required.".to_string()))?;
            let body = match spec.kind {
                ComputeKind::AmlCompute => aml_compute(cli, &ctx)?,
                ComputeKind::ComputeInstance => compute_instance(cli, &ctx)?,
                ComputeKind::VirtualMachine => virtual_machine(cli, &ctx)?,
                ComputeKind::Kubernetes => kubernetes(cli, &ctx)?,
                ComputeKind::SynapseSpark => synapse_spark(cli, &ctx)?,
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

fn string(value: &Option<String>) -> Option<Value> {
    value.clone().map(Value::String)
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value.clone().filter(|s| !s.is_empty())
}

fn required(value: &Option<String>, key: &str) -> Result<String, ArmError> {
    non_empty(value).ok_or_else(|| ArmError::Spec(format!("`{key}` is required.")))
}

/// `tags` as strings.
fn tags(spec: &CliSpec) -> Option<Value> {
    let tags = spec.tags.as_ref()?;
    Some(Value::Object(tags.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()))
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

fn identity(identity: &IdentitySpec) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), Value::String(identity_type(&identity.kind)));
    let map: Map<String, Value> = identity.user_assigned.iter().map(|id| (id.clone(), json!({}))).collect();
    if !map.is_empty() {
        out.insert("userAssignedIdentities".into(), Value::Object(map));
    }
    Value::Object(out)
}

fn looks_like_subnet_id(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.starts_with("/subscriptions/") && lower.contains("/resourcegroups/") && lower.contains("/providers/")
}

/// `network_settings` → `{id}`, expanding a bare subnet name with `vnet_name` in the workspace's
/// subscription and resource group.
fn subnet(spec: &CliSpec, ws: &Workspace) -> Result<Option<Value>, ArmError> {
    let Some(net) = &spec.network_settings else { return Ok(None) };
    match (non_empty(&net.vnet_name), non_empty(&net.subnet)) {
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
fn envelope(spec: &CliSpec, location: String, properties: Value) -> Value {
    let mut out = Map::new();
    out.insert("location".into(), Value::String(location));
    out.insert("properties".into(), properties);
    insert_opt(&mut out, "identity", spec.identity.as_ref().map(identity));
    insert_opt(&mut out, "tags", tags(spec));
    Value::Object(out)
}

// ---- kinds -----------------------------------------------------------------------------------

fn aml_compute(spec: &CliSpec, ctx: &Ctx) -> Result<Value, ArmError> {
    let mut p = Map::new();
    p.insert("osType".into(), json!("Linux"));
    p.insert("vmSize".into(), json!(spec.size.clone().unwrap_or_else(|| DEFAULT_VM_SIZE.to_string())));
    if let Some(tier) = &spec.tier {
        let pascal = match tier.to_ascii_lowercase().as_str() {
            "dedicated" => "Dedicated".to_string(),
            "low_priority" | "lowpriority" => "LowPriority".to_string(),
            _ => tier.split('_').map(capitalize).collect(),
        };
        p.insert("vmPriority".into(), json!(pascal));
    }
    if let Some(ssh) = &spec.ssh_settings {
        let mut creds = Map::new();
        insert_opt(&mut creds, "adminUserName", string(&ssh.admin_username));
        insert_opt(
            &mut creds,
            "adminUserPassword",
            ssh.admin_password.as_ref().map(|p| Value::String(p.expose().clone())),
        );
        insert_opt(&mut creds, "adminUserSshPublicKey", string(&ssh.ssh_key_value));
        p.insert("userAccountCredentials".into(), Value::Object(creds));
    }
    let mut scale = Map::new();
    scale.insert("maxNodeCount".into(), json!(spec.max_instances.unwrap_or(4)));
    scale.insert("minNodeCount".into(), json!(spec.min_instances.unwrap_or(0)));
    let idle = spec.idle_time_before_scale_down.unwrap_or(120);
    if idle != 0 {
        scale.insert("nodeIdleTimeBeforeScaleDown".into(), json!(iso_duration(idle)));
    }
    p.insert("scaleSettings".into(), Value::Object(scale));
    insert_opt(&mut p, "subnet", subnet(spec, ctx.ws)?);
    let remote = match spec.ssh_public_access_enabled {
        Some(true) => "Enabled",
        Some(false) => "Disabled",
        None => "NotSpecified",
    };
    p.insert("remoteLoginPortPublicAccess".into(), json!(remote));
    p.insert("enableNodePublicIp".into(), json!(spec.enable_node_public_ip.unwrap_or(true)));

    let mut props = Map::new();
    props.insert("computeType".into(), json!("AmlCompute"));
    insert_opt(&mut props, "description", string(&spec.description));
    props.insert("properties".into(), Value::Object(p));
    props.insert("disableLocalAuth".into(), json!(spec.ssh_settings.is_none()));
    let location = match non_empty(&spec.location) {
        Some(l) => l,
        None => ctx.workspace_location()?,
    };
    Ok(envelope(spec, location, Value::Object(props)))
}

fn compute_instance(spec: &CliSpec, ctx: &Ctx) -> Result<Value, ArmError> {
    let mut p = Map::new();
    p.insert("vmSize".into(), json!(spec.size.clone().unwrap_or_else(|| DEFAULT_VM_SIZE.to_string())));
    insert_opt(&mut p, "subnet", subnet(spec, ctx.ws)?);
    let public_access = spec.ssh_public_access_enabled;
    let ssh = spec.ssh_settings.as_ref();
    let mut disable_local_auth = true;
    if public_access.is_some() || ssh.is_some() {
        let mut s = Map::new();
        s.insert("sshPublicAccess".into(), json!(if public_access == Some(true) { "Enabled" } else { "Disabled" }));
        insert_opt(&mut s, "adminPublicKey", ssh.and_then(|n| string(&n.ssh_key_value)));
        p.insert("sshSettings".into(), Value::Object(s));
        disable_local_auth = public_access != Some(true);
    }
    if let Some(owner) = &spec.create_on_behalf_of {
        let mut user = Map::new();
        insert_opt(&mut user, "objectId", string(&owner.user_object_id));
        insert_opt(&mut user, "tenantId", string(&owner.user_tenant_id));
        p.insert("personalComputeInstanceSettings".into(), json!({ "assignedUser": user }));
    }
    let idle = match spec.idle_time_before_shutdown_minutes.filter(|m| *m != 0) {
        Some(minutes) => Some(format!("PT{minutes}M")),
        None => non_empty(&spec.idle_time_before_shutdown),
    };
    insert_opt(&mut p, "idleTimeBeforeShutdown", idle.map(Value::String));
    p.insert("enableNodePublicIp".into(), json!(spec.enable_node_public_ip.unwrap_or(true)));
    p.insert("enableSSO".into(), json!(spec.enable_sso.unwrap_or(true)));
    p.insert("enableRootAccess".into(), json!(spec.enable_root_access.unwrap_or(true)));
    p.insert("releaseQuotaOnStop".into(), json!(spec.release_quota_on_stop.unwrap_or(false)));
    p.insert("enableOSPatching".into(), json!(spec.enable_os_patching.unwrap_or(false)));
    p.insert("applicationSharingPolicy".into(), json!("Shared"));
    p.insert("computeInstanceAuthorizationType".into(), json!("personal"));
    insert_opt(&mut p, "schedules", spec.schedules.as_deref().map(schedules));
    insert_opt(&mut p, "setupScripts", spec.setup_scripts.as_ref().map(setup_scripts));
    insert_opt(&mut p, "customServices", custom_services(&spec.custom_applications)?);

    let mut props = Map::new();
    props.insert("computeType".into(), json!("ComputeInstance"));
    insert_opt(&mut props, "description", string(&spec.description));
    props.insert("properties".into(), Value::Object(p));
    props.insert("disableLocalAuth".into(), json!(disable_local_auth));
    Ok(envelope(spec, ctx.workspace_location()?, Value::Object(props)))
}

fn schedules(list: &[Schedule]) -> Value {
    let mut out = Vec::new();
    for item in list {
        let mut s = Map::new();
        insert_opt(&mut s, "action", string(&item.action));
        s.insert("status".into(), json!(item.state.clone().unwrap_or_else(|| "Enabled".to_string())));
        if let Some(trigger) = &item.trigger {
            let time_zone = trigger.time_zone.clone().unwrap_or_else(|| "UTC".to_string());
            let start_time = string(&trigger.start_time);
            match trigger.kind.clone().unwrap_or_default().to_ascii_lowercase().as_str() {
                "cron" => {
                    let mut c = Map::new();
                    insert_opt(&mut c, "expression", string(&trigger.expression));
                    insert_opt(&mut c, "startTime", start_time);
                    c.insert("timeZone".into(), json!(time_zone));
                    c.insert("triggerType".into(), json!("Cron"));
                    s.insert("triggerType".into(), json!("Cron"));
                    s.insert("cron".into(), Value::Object(c));
                }
                "recurrence" => {
                    let mut r = Map::new();
                    insert_opt(&mut r, "frequency", trigger.frequency.as_deref().map(|f| json!(snake_to_camel(f))));
                    insert_opt(&mut r, "interval", trigger.interval.map(|i| json!(i)));
                    if let Some(pattern) = &trigger.schedule {
                        let list = |values: &Option<Vec<Value>>| values.clone().map(Value::Array);
                        let mut sched = Map::new();
                        sched.insert("hours".into(), list(&pattern.hours).unwrap_or(Value::Null));
                        sched.insert("minutes".into(), list(&pattern.minutes).unwrap_or(Value::Null));
                        insert_opt(&mut sched, "weekDays", list(&pattern.week_days));
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
    json!({ "computeStartStop": out })
}

fn snake_to_camel(value: &str) -> String {
    let mut parts = value.split('_');
    let first = parts.next().unwrap_or_default().to_string();
    first + &parts.map(capitalize).collect::<String>()
}

fn setup_scripts(scripts: &SetupScripts) -> Value {
    let script = |s: &Script| -> Value {
        let mut m = Map::new();
        m.insert("scriptSource".into(), json!("workspaceStorage"));
        insert_opt(&mut m, "scriptData", string(&s.path));
        insert_opt(&mut m, "scriptArguments", string(&s.command));
        // The SDK writes "Nonem" when timeout_minutes is absent (a bug the service rejects); we
        // leave the timeout out instead.
        insert_opt(&mut m, "timeout", s.timeout_minutes.map(|t| json!(format!("{t}m"))));
        Value::Object(m)
    };
    let mut out = Map::new();
    insert_opt(&mut out, "startupScript", scripts.startup_script.as_ref().map(script));
    insert_opt(&mut out, "creationScript", scripts.creation_script.as_ref().map(script));
    json!({ "scripts": out })
}

fn custom_services(apps: &[CustomApplication]) -> Result<Option<Value>, ArmError> {
    if apps.is_empty() {
        return Ok(None);
    }
    let mut names = Vec::new();
    let mut published_ports = Vec::new();
    let mut out = Vec::new();
    for app in apps {
        let name = app.name.clone().unwrap_or_default();
        if names.contains(&name) {
            return Err(ArmError::Spec(
                "Value of application_name must be unique across all custom applications.".to_string(),
            ));
        }
        names.push(name.clone());
        let mut s = Map::new();
        s.insert("name".into(), json!(name));
        s.insert("image".into(), json!({ "type": "docker", "reference": app.image_reference }));
        if let Some(endpoints) = &app.endpoints {
            let mut list = Vec::new();
            for e in endpoints {
                for (what, port) in [("target_port", e.target), ("published_port", e.published)] {
                    if let Some(p) = port
                        && !(1025 < p && p < 65535)
                    {
                        return Err(ArmError::Spec(format!("Value of {what} must be between 1025 and 65535.")));
                    }
                }
                if let Some(p) = e.published {
                    if published_ports.contains(&p) {
                        return Err(ArmError::Spec(
                            "Value of published_port must be unique across all custom applications.".to_string(),
                        ));
                    }
                    published_ports.push(p);
                }
                list.push(
                    json!({ "name": "connect", "target": e.target, "published": e.published, "protocol": "http" }),
                );
            }
            s.insert("endpoints".into(), Value::Array(list));
        }
        if !app.environment_variables.is_empty() {
            let vars: Map<String, Value> = app
                .environment_variables
                .iter()
                .map(|(k, v)| (k.clone(), json!({ "type": "local", "value": v })))
                .collect();
            s.insert("environmentVariables".into(), Value::Object(vars));
        }
        if !app.bind_mounts.is_empty() {
            let list: Vec<Value> = app
                .bind_mounts
                .iter()
                .map(|m| json!({ "type": "bind", "readOnly": false, "source": m.source, "target": m.target }))
                .collect();
            s.insert("volumes".into(), Value::Array(list));
        }
        s.insert("docker".into(), json!({ "privileged": true }));
        s.insert("type".into(), json!(app.kind.clone().unwrap_or_else(|| "docker".to_string())));
        out.push(Value::Object(s));
    }
    Ok(Some(Value::Array(out)))
}

fn virtual_machine(spec: &CliSpec, ctx: &Ctx) -> Result<Value, ArmError> {
    let Some(ssh) = &spec.ssh_settings else {
        return Err(ArmError::Spec(
            "an attached virtual machine needs ssh_settings (admin_username with admin_password or \
             ssh_private_key_file) so Azure ML can sign in to it."
                .to_string(),
        ));
    };
    let mut account = Map::new();
    insert_opt(&mut account, "username", string(&ssh.admin_username));
    insert_opt(&mut account, "password", ssh.admin_password.as_ref().map(|p| Value::String(p.expose().clone())));
    if let Some(file) = &ssh.ssh_private_key_file {
        let key_path = match (home_relative(file, ctx.home), ctx.base_dir) {
            (Some(in_home), _) => in_home,
            (None, Some(dir)) if Path::new(file).is_relative() => dir.join(file),
            (None, _) => Path::new(file).to_path_buf(),
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
    p.insert("sshPort".into(), json!(ssh.ssh_port.unwrap_or(22)));
    p.insert("administratorAccount".into(), Value::Object(account));
    let mut props = Map::new();
    props.insert("computeType".into(), json!("VirtualMachine"));
    props.insert("resourceId".into(), json!(required(&spec.resource_id, "resource_id")?));
    insert_opt(&mut props, "description", string(&spec.description));
    props.insert("properties".into(), Value::Object(p));
    let mut out = Map::new();
    out.insert("location".into(), json!(ctx.workspace_location()?));
    insert_opt(&mut out, "tags", tags(spec));
    out.insert("properties".into(), Value::Object(props));
    Ok(Value::Object(out))
}

/// `~` and `~/…` in the home folder, as the SDK's `os.path.expanduser` reads
/// `ssh_private_key_file`; None for any other path (or when no home folder is known).
fn home_relative(file: &str, home: Option<&Path>) -> Option<std::path::PathBuf> {
    let rest = if file == "~" { "" } else { file.strip_prefix("~/").or_else(|| file.strip_prefix("~\\"))? };
    Some(home?.join(rest))
}

fn kubernetes(spec: &CliSpec, ctx: &Ctx) -> Result<Value, ArmError> {
    let location = ctx.workspace_location()?;
    let mut p = match &spec.properties {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    p.insert("namespace".into(), json!(spec.namespace.clone().unwrap_or_else(|| "default".to_string())));
    let mut props = Map::new();
    props.insert("computeType".into(), json!("Kubernetes"));
    insert_opt(&mut props, "resourceId", string(&spec.resource_id));
    props.insert("computeLocation".into(), json!(location));
    insert_opt(&mut props, "description", string(&spec.description));
    props.insert("properties".into(), Value::Object(p));
    Ok(envelope(spec, location, Value::Object(props)))
}

fn synapse_spark(spec: &CliSpec, ctx: &Ctx) -> Result<Value, ArmError> {
    let mut props = Map::new();
    props.insert("computeType".into(), json!("SynapseSpark"));
    props.insert("resourceId".into(), json!(required(&spec.resource_id, "resource_id")?));
    insert_opt(&mut props, "description", string(&spec.description));
    Ok(envelope(spec, ctx.workspace_location()?, Value::Object(props)))
}

// ---- ARM form --------------------------------------------------------------------------------

/// An ARM body as written, less `$schema` (an editor hint, not part of the resource); the
/// read-only fields go afterwards, as for every body.
fn arm_passthrough(written: &ArmBody, ctx: &Ctx) -> Result<(String, Value), ArmError> {
    let mut body = written.0.clone();
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
