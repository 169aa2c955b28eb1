//! Where the Azure operations go and how they sign in, built in one place for the CLI and the
//! language server: the endpoint (Azure's public cloud unless one is given), the credential (a
//! static token only for a loopback endpoint, Azure sign-in everywhere else) and, for the
//! emulator on this machine, its demo workspace as the last fallback.

use crate::arm::{
    ClientOptions, Credential, PUBLIC_CLOUD_ENDPOINT, PartialWorkspace, Workspace, WorkspaceEnv, is_loopback,
};
use crate::emulator::EMULATOR_TOKEN;

/// The workspace the emulator serves when nothing else names one: subscription, resource
/// group, workspace.
pub const DEMO_WORKSPACE: (&str, &str, &str) = ("00000000-0000-0000-0000-000000000000", "demo-rg", "demo-ws");

/// Where and how to reach Azure (or the emulator).
#[derive(Clone)]
pub struct Connection {
    pub endpoint: String,
    pub credential: Credential,
    pub options: ClientOptions,
    pub explicit: PartialWorkspace,
    pub settings: PartialWorkspace,
    pub env: WorkspaceEnv,
    /// Return once the operation is accepted instead of waiting for it to finish.
    pub no_wait: bool,
    /// Send a `create`/`attach` even when its pre-flight live checks find an error.
    pub force: bool,
    /// The workspace to use when nothing names one (the emulator's demo workspace for a
    /// loopback endpoint); its `source` says so in every message.
    pub fallback_workspace: Option<Workspace>,
}

impl Connection {
    /// A connection to `endpoint` (Azure's public cloud when None). A loopback endpoint gets
    /// `static_token` (else the emulator's token) and the demo workspace as the fallback;
    /// any other endpoint signs in through Azure, and `static_token` is not used: a fixed
    /// token never leaves this machine. Workspace layers, client options, `no_wait` and `force` start
    /// empty for the caller to fill in.
    pub fn new(endpoint: Option<&str>, static_token: Option<String>) -> Connection {
        let endpoint = endpoint.unwrap_or(PUBLIC_CLOUD_ENDPOINT).to_string();
        let credential = if is_loopback(&endpoint) {
            Credential::Static(static_token.unwrap_or_else(|| EMULATOR_TOKEN.to_string()))
        } else {
            Credential::AzureIdentity
        };
        Connection {
            fallback_workspace: demo_workspace_for(&endpoint),
            endpoint,
            credential,
            options: ClientOptions::default(),
            explicit: PartialWorkspace::default(),
            settings: PartialWorkspace::default(),
            env: WorkspaceEnv::from_process(),
            no_wait: false,
            force: false,
        }
    }

    /// Whether the connection goes to this machine (the emulator): its workspaces exist
    /// nowhere else, so no Azure ML studio link is offered for them.
    pub fn is_local(&self) -> bool {
        is_loopback(&self.endpoint)
    }
}

/// The emulator's demo workspace, used when nothing names a workspace and the endpoint is on
/// this machine (`--emulator`, or `--endpoint http://127.0.0.1:PORT` of a running emulator):
/// Azure has no workspace there to fall back on, and failing would only get in the way.
fn demo_workspace_for(endpoint: &str) -> Option<Workspace> {
    is_loopback(endpoint).then(|| Workspace {
        subscription_id: DEMO_WORKSPACE.0.to_string(),
        resource_group: DEMO_WORKSPACE.1.to_string(),
        workspace_name: DEMO_WORKSPACE.2.to_string(),
        source: "the emulator's demo workspace, as nothing else named one".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_static_token_and_the_demo_workspace_are_only_for_loopback() {
        let local = Connection::new(Some("http://127.0.0.1:8080"), Some("t".into()));
        assert!(matches!(&local.credential, Credential::Static(t) if t == "t"));
        assert_eq!(local.fallback_workspace.map(|w| w.workspace_name), Some("demo-ws".to_string()));
        assert!(
            matches!(Connection::new(Some("http://[::1]:9"), None).credential, Credential::Static(t) if t == EMULATOR_TOKEN)
        );

        for remote in [None, Some("https://management.usgovcloudapi.net"), Some("http://127.evil.example")] {
            let conn = Connection::new(remote, Some("t".into()));
            assert!(matches!(conn.credential, Credential::AzureIdentity), "{remote:?}");
            assert!(conn.fallback_workspace.is_none(), "{remote:?}");
        }
        assert_eq!(Connection::new(None, None).endpoint, PUBLIC_CLOUD_ENDPOINT);
    }
}
