//! Typed compute specs over the document tree, for two readers:
//!
//! - [`Spec`], for the domain rules: the same fields for the CLI YAML form and the ARM body
//!   form, so each rule is written once; every field keeps its entry (key and value ranges) so
//!   that findings and fixes land on the right text.
//! - [`ComputeSpec`], for the request body (`arm::body`): the values a spec gives, read with
//!   the conversions azure-ai-ml's marshmallow schemas apply (`2.5` as an integer is 2, `"yes"`
//!   as a boolean is true), so the body builder reads fields, not string keys.
//!
//! Secrets from a spec (`ssh_settings.admin_password`) are [`Secret`]s here, so neither the
//! typed spec's `Debug` nor any message can show them; the one place that sends them is the
//! request body (`expose`). An ARM body is kept as written, and its `Debug` shows its keys only.

use super::kinds::{ComputeKind, SpecForm};
use crate::syntax::{Entry, Node, NodeKind, ScalarValue};
use serde_json::{Map, Value, json};
use std::fmt;

/// A value that must never be printed: passwords, private keys, tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The secret itself, for the one place that must send it (the ARM request body).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The typed view. Fields are `None` when the spec does not set them.
#[derive(Debug, Clone, Default)]
pub struct Spec<'a> {
    pub name: Option<&'a Entry>,
    pub location: Option<&'a Entry>,
    pub size: Option<&'a Entry>,
    pub tier: Option<&'a Entry>,
    pub min_nodes: Option<&'a Entry>,
    pub max_nodes: Option<&'a Entry>,
    pub idle_before_scale_down: Option<&'a Entry>,
    pub idle_shutdown_minutes: Option<&'a Entry>,
    pub idle_shutdown_iso: Option<&'a Entry>,
    pub ssh_public_access: Option<&'a Entry>,
    pub ssh_settings: Option<&'a Entry>,
    pub admin_password: Option<&'a Entry>,
    pub ssh_public_key: Option<&'a Entry>,
    pub ssh_private_key: Option<&'a Entry>,
    /// `network_settings` (CLI) or `properties.properties.subnet` (ARM).
    pub network_settings: Option<&'a Entry>,
    pub vnet_name: Option<&'a Entry>,
    pub subnet: Option<&'a Entry>,
    pub identity_type: Option<&'a Entry>,
    pub user_assigned_identities: Option<&'a Entry>,
    pub agent_count: Option<&'a Entry>,
    pub cluster_purpose: Option<&'a Entry>,
    pub custom_applications: Option<&'a Entry>,
    pub low_priority: bool,
}

fn entry<'a>(node: Option<&'a Node>, key: &str) -> Option<&'a Entry> {
    node?.entry(key)
}

fn value(e: Option<&Entry>) -> Option<&Node> {
    e.map(|e| &e.value)
}

impl<'a> Spec<'a> {
    /// The fields of the spec at `root`, found where its form keeps them.
    pub fn read(root: &'a Node, kind: ComputeKind, form: SpecForm) -> Self {
        match form {
            SpecForm::Cli => cli_view(root),
            SpecForm::Arm => arm_view(root, kind),
        }
    }
}

fn cli_view(root: &Node) -> Spec<'_> {
    let ssh = entry(Some(root), "ssh_settings");
    let net = entry(Some(root), "network_settings");
    let identity = entry(Some(root), "identity");
    let tier = entry(Some(root), "tier");
    Spec {
        name: entry(Some(root), "name"),
        location: entry(Some(root), "location"),
        size: entry(Some(root), "size"),
        tier,
        min_nodes: entry(Some(root), "min_instances"),
        max_nodes: entry(Some(root), "max_instances"),
        idle_before_scale_down: entry(Some(root), "idle_time_before_scale_down"),
        idle_shutdown_minutes: entry(Some(root), "idle_time_before_shutdown_minutes"),
        idle_shutdown_iso: entry(Some(root), "idle_time_before_shutdown"),
        ssh_public_access: entry(Some(root), "ssh_public_access_enabled"),
        ssh_settings: ssh,
        admin_password: entry(value(ssh), "admin_password"),
        ssh_public_key: entry(value(ssh), "ssh_key_value"),
        ssh_private_key: entry(value(ssh), "ssh_private_key_file"),
        network_settings: net,
        vnet_name: entry(value(net), "vnet_name"),
        subnet: entry(value(net), "subnet"),
        identity_type: entry(value(identity), "type"),
        user_assigned_identities: entry(value(identity), "user_assigned_identities"),
        agent_count: None,
        cluster_purpose: None,
        custom_applications: entry(Some(root), "custom_applications"),
        low_priority: value(tier).and_then(Node::scalar_text).is_some_and(|t| t.eq_ignore_ascii_case("low_priority")),
    }
}

fn arm_view(root: &Node, kind: ComputeKind) -> Spec<'_> {
    let compute = root.get("properties");
    let props = compute.and_then(|c| c.get("properties"));
    let scale = entry(props, "scaleSettings");
    let identity = entry(Some(root), "identity");
    let (ssh, password, public_key, private_key, access) = match kind {
        ComputeKind::AmlCompute => {
            let creds = entry(props, "userAccountCredentials");
            (
                creds,
                entry(value(creds), "adminUserPassword"),
                entry(value(creds), "adminUserSshPublicKey"),
                None,
                entry(props, "remoteLoginPortPublicAccess"),
            )
        }
        ComputeKind::ComputeInstance => {
            let ssh = entry(props, "sshSettings");
            (ssh, None, entry(value(ssh), "adminPublicKey"), None, entry(value(ssh), "sshPublicAccess"))
        }
        ComputeKind::VirtualMachine | ComputeKind::HdInsight => {
            let account = entry(props, "administratorAccount");
            (
                account,
                entry(value(account), "password"),
                entry(value(account), "publicKeyData"),
                entry(value(account), "privateKeyData"),
                None,
            )
        }
        _ => (None, None, None, None, None),
    };
    let size = match kind {
        ComputeKind::Aks => entry(props, "agentVmSize"),
        ComputeKind::VirtualMachine => entry(props, "virtualMachineSize"),
        _ => entry(props, "vmSize"),
    };
    let tier = entry(props, "vmPriority");
    let subnet_holder = entry(props, "subnet");
    Spec {
        name: entry(Some(root), "name"),
        location: entry(Some(root), "location").or_else(|| entry(compute, "computeLocation")),
        size,
        tier,
        min_nodes: entry(value(scale), "minNodeCount"),
        max_nodes: entry(value(scale), "maxNodeCount"),
        idle_before_scale_down: entry(value(scale), "nodeIdleTimeBeforeScaleDown"),
        idle_shutdown_minutes: None,
        idle_shutdown_iso: entry(props, "idleTimeBeforeShutdown"),
        ssh_public_access: access,
        ssh_settings: ssh,
        admin_password: password,
        ssh_public_key: public_key,
        ssh_private_key: private_key,
        network_settings: subnet_holder,
        vnet_name: None,
        subnet: entry(value(subnet_holder), "id"),
        identity_type: entry(value(identity), "type"),
        user_assigned_identities: entry(value(identity), "userAssignedIdentities"),
        agent_count: entry(props, "agentCount"),
        cluster_purpose: entry(props, "clusterPurpose"),
        custom_applications: entry(props, "customServices"),
        low_priority: value(tier).and_then(Node::scalar_text).is_some_and(|t| t.eq_ignore_ascii_case("LowPriority")),
    }
}

// ---- the spec a request body is built from ---------------------------------------------------

/// A compute spec, typed for the request body. `actions` builds it only from a document that
/// `check` found free of errors (one check per operation), so what it holds is what the rules
/// accepted; reading it never fails (a missing or mistyped value is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct ComputeSpec {
    pub kind: ComputeKind,
    pub body: SpecBody,
}

/// The two ways a spec is written.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecBody {
    /// `az ml compute create` YAML.
    Cli(Box<CliSpec>),
    /// An ARM `ComputeResource` body, sent as written.
    Arm(ArmBody),
}

/// An ARM body as written, as JSON. It may hold secrets (`adminUserPassword`), so its `Debug`
/// names only its top-level keys.
#[derive(Clone, PartialEq)]
pub struct ArmBody(pub Value);

impl fmt::Debug for ArmBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self.0.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        write!(f, "ArmBody({keys:?})")
    }
}

/// The fields of the CLI YAML form that reach the request body, over every kind (the kind
/// decides which are sent). Names are the YAML's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CliSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub size: Option<String>,
    /// `tags`, each value as its text.
    pub tags: Option<Vec<(String, String)>>,
    pub identity: Option<IdentitySpec>,
    pub resource_id: Option<String>,
    pub ssh_settings: Option<SshSettings>,
    pub network_settings: Option<NetworkSettings>,
    pub ssh_public_access_enabled: Option<bool>,
    pub enable_node_public_ip: Option<bool>,
    // AmlCompute
    pub tier: Option<String>,
    pub min_instances: Option<i64>,
    pub max_instances: Option<i64>,
    pub idle_time_before_scale_down: Option<i64>,
    // ComputeInstance
    pub create_on_behalf_of: Option<AssignedUser>,
    pub idle_time_before_shutdown_minutes: Option<i64>,
    pub idle_time_before_shutdown: Option<String>,
    pub enable_sso: Option<bool>,
    pub enable_root_access: Option<bool>,
    pub release_quota_on_stop: Option<bool>,
    pub enable_os_patching: Option<bool>,
    /// `schedules.compute_start_stop` (empty when `schedules` has none).
    pub schedules: Option<Vec<Schedule>>,
    pub setup_scripts: Option<SetupScripts>,
    pub custom_applications: Vec<CustomApplication>,
    // Kubernetes
    pub namespace: Option<String>,
    /// Free-form `properties`, as JSON.
    pub properties: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdentitySpec {
    /// As written (`system_assigned,user_assigned`).
    pub kind: String,
    /// The `resource_id`s of `user_assigned_identities`.
    pub user_assigned: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SshSettings {
    pub admin_username: Option<String>,
    pub admin_password: Option<Secret<String>>,
    pub ssh_key_value: Option<String>,
    /// A path, as written; the file is read only when the body is built.
    pub ssh_private_key_file: Option<String>,
    pub ssh_port: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkSettings {
    pub vnet_name: Option<String>,
    pub subnet: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssignedUser {
    pub user_object_id: Option<String>,
    pub user_tenant_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    pub action: Option<String>,
    pub state: Option<String>,
    pub trigger: Option<Trigger>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trigger {
    /// `cron` or `recurrence`, as written.
    pub kind: Option<String>,
    pub time_zone: Option<String>,
    pub start_time: Option<String>,
    pub expression: Option<String>,
    pub frequency: Option<String>,
    pub interval: Option<i64>,
    pub schedule: Option<RecurrencePattern>,
}

/// A recurrence's `schedule`: each field a list of JSON values (a single value becomes a list).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecurrencePattern {
    pub hours: Option<Vec<Value>>,
    pub minutes: Option<Vec<Value>>,
    pub week_days: Option<Vec<Value>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetupScripts {
    pub startup_script: Option<Script>,
    pub creation_script: Option<Script>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    pub path: Option<String>,
    pub command: Option<String>,
    pub timeout_minutes: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomApplication {
    pub name: Option<String>,
    /// The `type`, as written.
    pub kind: Option<String>,
    pub image_reference: Option<String>,
    /// None when the application has no `endpoints` list (an empty list is kept).
    pub endpoints: Option<Vec<AppEndpoint>>,
    pub environment_variables: Vec<(String, String)>,
    pub bind_mounts: Vec<BindMount>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppEndpoint {
    pub target: Option<i64>,
    pub published: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BindMount {
    pub source: Option<String>,
    pub target: Option<String>,
}

impl ComputeSpec {
    /// Reads the spec at `root`, of the kind and form detection found.
    pub fn read(root: &Node, kind: ComputeKind, form: SpecForm) -> ComputeSpec {
        let body = match form {
            SpecForm::Arm => SpecBody::Arm(ArmBody(to_json(root))),
            SpecForm::Cli => SpecBody::Cli(Box::new(CliSpec::read(root))),
        };
        ComputeSpec { kind, body }
    }

    /// The compute name the spec gives (the top-level `name` in both forms), if any.
    pub fn name(&self) -> Option<&str> {
        match &self.body {
            SpecBody::Cli(cli) => cli.name.as_deref(),
            SpecBody::Arm(ArmBody(body)) => body.get("name").and_then(Value::as_str),
        }
    }
}

impl CliSpec {
    fn read(root: &Node) -> CliSpec {
        CliSpec {
            name: text(root, "name"),
            description: text(root, "description"),
            location: text(root, "location"),
            size: text(root, "size"),
            tags: present(root, "tags").and_then(Node::as_mapping).map(|entries| {
                entries
                    .iter()
                    .map(|e| (e.key.text.clone(), e.value.scalar_text().unwrap_or_default().to_string()))
                    .collect()
            }),
            identity: present(root, "identity").map(|node| IdentitySpec {
                kind: text(node, "type").unwrap_or_default(),
                user_assigned: items(node, "user_assigned_identities").filter_map(|i| text(i, "resource_id")).collect(),
            }),
            resource_id: text(root, "resource_id"),
            ssh_settings: present(root, "ssh_settings").map(|ssh| SshSettings {
                admin_username: text(ssh, "admin_username"),
                admin_password: text(ssh, "admin_password").map(Secret::new),
                ssh_key_value: text(ssh, "ssh_key_value"),
                ssh_private_key_file: text(ssh, "ssh_private_key_file"),
                ssh_port: int(ssh, "ssh_port"),
            }),
            network_settings: present(root, "network_settings")
                .map(|net| NetworkSettings { vnet_name: text(net, "vnet_name"), subnet: text(net, "subnet") }),
            ssh_public_access_enabled: boolean(root, "ssh_public_access_enabled"),
            enable_node_public_ip: boolean(root, "enable_node_public_ip"),
            tier: text(root, "tier"),
            min_instances: int(root, "min_instances"),
            max_instances: int(root, "max_instances"),
            idle_time_before_scale_down: int(root, "idle_time_before_scale_down"),
            create_on_behalf_of: present(root, "create_on_behalf_of").map(|owner| AssignedUser {
                user_object_id: text(owner, "user_object_id"),
                user_tenant_id: text(owner, "user_tenant_id"),
            }),
            idle_time_before_shutdown_minutes: int(root, "idle_time_before_shutdown_minutes"),
            idle_time_before_shutdown: text(root, "idle_time_before_shutdown"),
            enable_sso: boolean(root, "enable_sso"),
            enable_root_access: boolean(root, "enable_root_access"),
            release_quota_on_stop: boolean(root, "release_quota_on_stop"),
            enable_os_patching: boolean(root, "enable_os_patching"),
            schedules: present(root, "schedules")
                .map(|node| items(node, "compute_start_stop").map(Schedule::read).collect()),
            setup_scripts: present(root, "setup_scripts").map(|node| SetupScripts {
                startup_script: present(node, "startup_script").map(Script::read),
                creation_script: present(node, "creation_script").map(Script::read),
            }),
            custom_applications: items(root, "custom_applications").map(CustomApplication::read).collect(),
            namespace: text(root, "namespace"),
            properties: present(root, "properties").map(to_json),
        }
    }
}

impl Schedule {
    fn read(item: &Node) -> Schedule {
        Schedule {
            action: text(item, "action"),
            state: text(item, "state"),
            trigger: present(item, "trigger").map(|t| Trigger {
                kind: text(t, "type"),
                time_zone: text(t, "time_zone"),
                start_time: text(t, "start_time"),
                expression: text(t, "expression"),
                frequency: text(t, "frequency"),
                interval: int(t, "interval"),
                schedule: present(t, "schedule").map(|p| RecurrencePattern {
                    hours: values(p, "hours"),
                    minutes: values(p, "minutes"),
                    week_days: values(p, "week_days"),
                }),
            }),
        }
    }
}

impl Script {
    fn read(node: &Node) -> Script {
        Script {
            path: text(node, "path"),
            command: text(node, "command"),
            timeout_minutes: int(node, "timeout_minutes"),
        }
    }
}

impl CustomApplication {
    fn read(app: &Node) -> CustomApplication {
        CustomApplication {
            name: text(app, "name"),
            kind: text(app, "type"),
            image_reference: present(app, "image").and_then(|i| text(i, "reference")),
            endpoints: present(app, "endpoints").and_then(Node::as_sequence).map(|list| {
                list.iter().map(|e| AppEndpoint { target: int(e, "target"), published: int(e, "published") }).collect()
            }),
            environment_variables: present(app, "environment_variables")
                .and_then(Node::as_mapping)
                .unwrap_or_default()
                .iter()
                .map(|v| (v.key.text.clone(), v.value.scalar_text().unwrap_or_default().to_string()))
                .collect(),
            bind_mounts: items(app, "bind_mounts")
                .map(|m| BindMount { source: text(m, "source"), target: text(m, "target") })
                .collect(),
        }
    }
}

/// The value at `key`, unless it is absent or null.
fn present<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.get(key).filter(|n| !n.is_null())
}

/// A scalar's text, whatever it resolves to (`size: 2` gives "2").
fn text(node: &Node, key: &str) -> Option<String> {
    present(node, key).and_then(Node::scalar_text).map(str::to_string)
}

/// An integer; a float is truncated and a numeric string parsed, as marshmallow's Integer
/// field does (2.5 → 2, "3" → 3).
fn int(node: &Node, key: &str) -> Option<i64> {
    let n = present(node, key)?;
    n.as_i64().or_else(|| n.as_f64().map(|f| f.trunc() as i64)).or_else(|| n.scalar_text()?.trim().parse().ok())
}

/// A boolean, with the strings marshmallow's Boolean field takes (`yes`, `off`, `1`, …).
fn boolean(node: &Node, key: &str) -> Option<bool> {
    let n = present(node, key)?;
    n.as_bool().or_else(|| match n.scalar_text()?.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    })
}

/// The items of a sequence at `key` (none when it is absent or not a sequence).
fn items<'a>(node: &'a Node, key: &str) -> impl Iterator<Item = &'a Node> {
    present(node, key).and_then(Node::as_sequence).unwrap_or_default().iter()
}

/// A list of JSON values at `key`; a single value becomes a list of one.
fn values(node: &Node, key: &str) -> Option<Vec<Value>> {
    let n = present(node, key)?;
    Some(match n.as_sequence() {
        Some(items) => items.iter().map(to_json).collect(),
        None => vec![to_json(n)],
    })
}

/// The tree as JSON: a YAML 1.1 scalar as what it resolves to, a missing value as null.
pub fn to_json(node: &Node) -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_format() {
        let s = Secret::new("hunter2".to_string());
        assert_eq!(format!("{s} {s:?}"), "<redacted> Secret(<redacted>)");
        assert_eq!(s.expose(), "hunter2");
    }

    fn read_yaml(text: &str, kind: ComputeKind) -> ComputeSpec {
        let parsed = crate::syntax::parse(text, crate::syntax::Format::Yaml);
        ComputeSpec::read(parsed.root.as_ref().unwrap(), kind, SpecForm::Cli)
    }

    fn cli(spec: &ComputeSpec) -> &CliSpec {
        match &spec.body {
            SpecBody::Cli(cli) => cli,
            SpecBody::Arm(_) => panic!("not the CLI form"),
        }
    }

    #[test]
    fn values_are_read_with_the_sdks_conversions() {
        let spec = read_yaml(
            "name: 123\ntype: amlcompute\nmax_instances: 2.5\nmin_instances: \"1\"\nenable_node_public_ip: \"no\"\n\
             ssh_public_access_enabled: on\nlocation: null\ntags: {team: ml, n: 3}\n",
            ComputeKind::AmlCompute,
        );
        let c = cli(&spec);
        assert_eq!((spec.name(), c.max_instances, c.min_instances), (Some("123"), Some(2), Some(1)));
        assert_eq!((c.enable_node_public_ip, c.ssh_public_access_enabled), (Some(false), Some(true)));
        assert_eq!(c.location, None, "null is no value");
        assert_eq!(c.tags, Some(vec![("team".into(), "ml".into()), ("n".into(), "3".into())]));
    }

    #[test]
    fn nested_settings_and_lists_are_typed() {
        let spec = read_yaml(
            "name: ci\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger:\n        \
             type: recurrence\n        frequency: day\n        schedule: {hours: 18, minutes: [0, 30]}\n\
             custom_applications:\n  - name: app\n    endpoints: []\n    environment_variables: {A: 1}\n",
            ComputeKind::ComputeInstance,
        );
        let c = cli(&spec);
        let schedules = c.schedules.as_ref().unwrap();
        let pattern = schedules[0].trigger.as_ref().unwrap().schedule.as_ref().unwrap();
        assert_eq!(pattern.hours, Some(vec![json!(18)]), "a single value becomes a list");
        assert_eq!(pattern.minutes, Some(vec![json!(0), json!(30)]));
        let app = &c.custom_applications[0];
        assert_eq!(app.endpoints, Some(vec![]), "an empty endpoints list is kept");
        assert_eq!(app.environment_variables, vec![("A".to_string(), "1".to_string())]);
    }

    #[test]
    fn the_typed_spec_never_prints_a_secret() {
        let cli_spec = read_yaml(
            "name: c\ntype: amlcompute\nssh_settings:\n  admin_username: u\n  admin_password: Pw-SECRET-1\n",
            ComputeKind::AmlCompute,
        );
        let password = cli(&cli_spec).ssh_settings.as_ref().unwrap().admin_password.as_ref().unwrap();
        assert_eq!(password.expose(), "Pw-SECRET-1");
        let arm = crate::syntax::parse(
            r#"{"name": "c", "properties": {"computeType": "AmlCompute", "properties": {"userAccountCredentials": {"adminUserPassword": "Pw-SECRET-2"}}}}"#,
            crate::syntax::Format::Json,
        );
        let arm_spec = ComputeSpec::read(arm.root.as_ref().unwrap(), ComputeKind::AmlCompute, SpecForm::Arm);
        let shown = format!("{cli_spec:?} {arm_spec:?} {cli_spec:#?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("ArmBody([\"name\", \"properties\"])"), "{shown}");
    }
}
