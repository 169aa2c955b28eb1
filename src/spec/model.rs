//! A typed view of a compute spec over the document tree, the same for the CLI YAML form and
//! the ARM body form, so the domain rules are written once. Every field keeps its entry (key
//! and value ranges) so that findings and fixes land on the right text.

use super::kinds::{ComputeKind, SpecForm};
use crate::syntax::{Entry, Node};
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

/// The view's notion of where things live, per form.
pub struct SpecView<'a> {
    pub kind: ComputeKind,
    pub form: SpecForm,
    pub root: &'a Node,
    pub spec: Spec<'a>,
}

fn entry<'a>(node: Option<&'a Node>, key: &str) -> Option<&'a Entry> {
    node?.entry(key)
}

fn value(e: Option<&Entry>) -> Option<&Node> {
    e.map(|e| &e.value)
}

impl<'a> SpecView<'a> {
    pub fn new(root: &'a Node, kind: ComputeKind, form: SpecForm) -> Self {
        let spec = match form {
            SpecForm::Cli => cli_view(root),
            SpecForm::Arm => arm_view(root, kind),
        };
        SpecView { kind, form, root, spec }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_format() {
        let s = Secret::new("hunter2".to_string());
        assert_eq!(format!("{s} {s:?}"), "<redacted> Secret(<redacted>)");
        assert_eq!(s.expose(), "hunter2");
    }
}
