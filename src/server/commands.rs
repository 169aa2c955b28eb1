//! The Azure commands in the editor: `workspace/executeCommand` for `aml.create`, `aml.status`
//! and the rest, the code lenses at the top of a spec, and the same commands as code actions
//! for clients without code lenses (Helix). The work itself is `actions::run`, shared with the
//! CLI; this file supplies the editor's way of asking (`window/showMessageRequest`) and of
//! showing progress (`$/progress`, cancellable).

use crate::actions::{self, Connection, Op, Outcome, SpecFile, Target, Ui};
use crate::arm::client::Notifier;
use crate::arm::{ClientOptions, Credential, PartialWorkspace, WorkspaceEnv, resolve_workspace};
use crate::cli_azure::{PUBLIC_ENDPOINT, is_loopback};
use crate::emulator::EMULATOR_TOKEN;
use serde_json::{Value, json};
use std::path::PathBuf;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Cancellable, Client, OngoingProgress, Unbounded};

/// Every command the server executes.
pub const COMMANDS: &[&str] = &[
    "aml.create",
    "aml.attach",
    "aml.status",
    "aml.list",
    "aml.start",
    "aml.stop",
    "aml.restart",
    "aml.delete",
    "aml.detach",
    "aml.sizes",
];

/// Azure settings from `amlComputeLs` (see docs/settings.md).
#[derive(Clone, Debug, Default)]
pub struct AzureSettings {
    pub workspace: PartialWorkspace,
    pub endpoint: Option<String>,
    pub access_token: Option<String>,
}

impl AzureSettings {
    pub fn from_json(section: &Value) -> Self {
        let text = |k: &str| section.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from);
        AzureSettings {
            workspace: PartialWorkspace {
                subscription_id: text("subscriptionId"),
                resource_group: text("resourceGroup"),
                workspace_name: text("workspaceName"),
            },
            endpoint: text("endpoint"),
            access_token: text("accessToken"),
        }
    }

    pub fn connection(&self) -> Connection {
        let endpoint = self.endpoint.clone().unwrap_or_else(|| PUBLIC_ENDPOINT.to_string());
        // A static token is only ever sent to this machine (the emulator).
        let credential = if is_loopback(&endpoint) {
            Credential::Static(self.access_token.clone().unwrap_or_else(|| EMULATOR_TOKEN.to_string()))
        } else {
            Credential::AzureIdentity
        };
        Connection {
            fallback_workspace: crate::cli_azure::demo_workspace_for(&endpoint),
            endpoint,
            credential,
            options: ClientOptions::default(),
            explicit: PartialWorkspace::default(),
            settings: self.workspace.clone(),
            env: WorkspaceEnv::from_process(),
            no_wait: false,
        }
    }

    /// "in demo-ws" for lens titles, or why no workspace resolves.
    pub fn workspace_label(&self, spec_path: Option<&std::path::Path>) -> Option<String> {
        let conn = self.connection();
        resolve_workspace(&conn.explicit, &conn.settings, spec_path, &conn.env)
            .ok()
            .or(conn.fallback_workspace)
            .map(|w| w.workspace_name)
    }
}

/// The argument of every command: `{ "uri"?: string, "name"?: string, "location"?: string }`.
#[derive(Debug, Default)]
pub struct CommandArgs {
    pub uri: Option<Uri>,
    pub name: Option<String>,
    pub location: Option<String>,
    /// Background refreshes (a status bar polling `aml.status`): no pop-ups, no progress.
    pub quiet: bool,
}

impl CommandArgs {
    pub fn parse(arguments: &[Value]) -> CommandArgs {
        let first = arguments.first().cloned().unwrap_or(Value::Null);
        // Accept a bare URI string too, as some clients pass lens arguments that way.
        if let Some(s) = first.as_str() {
            return CommandArgs { uri: s.parse().ok(), ..CommandArgs::default() };
        }
        let text = |k: &str| first.get(k).and_then(Value::as_str).map(String::from);
        CommandArgs {
            uri: text("uri").and_then(|u| u.parse().ok()),
            name: text("name"),
            location: text("location"),
            quiet: first.get("quiet").and_then(Value::as_bool).unwrap_or(false),
        }
    }
}

/// The file path of a `file:` URI.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let decoded = percent_decode(rest);
    // file:///C:/x on Windows; file:///home/x elsewhere.
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Builds the target of a command: the open document's current text when it is open, else
/// the file on disk.
pub fn target(args: &CommandArgs, open_text: Option<String>) -> Result<Target, String> {
    // A folder (an editor's workspace folder) names where to look for the workspace config.
    if let Some(dir) = args.uri.as_ref().and_then(uri_path).filter(|p| p.is_dir()) {
        return Ok(Target {
            spec: None,
            name: args.name.clone(),
            location: args.location.clone(),
            search_from: Some(dir),
        });
    }
    let spec = match &args.uri {
        Some(uri) => {
            let path = uri_path(uri);
            let text = match open_text {
                Some(t) => t,
                None => match &path {
                    Some(p) => std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
                    None => return Err(format!("{} is not a file", uri.as_str())),
                },
            };
            Some(SpecFile { path, text })
        }
        None => None,
    };
    Ok(Target { spec, name: args.name.clone(), location: args.location.clone(), search_from: None })
}

/// Asks through `window/showMessageRequest` and reports through `$/progress`.
pub struct LspUi {
    pub client: Client,
    pub progress: Option<OngoingProgress<Unbounded, Cancellable>>,
    /// A background command (`"quiet": true`): it never pops up a question, so anything that
    /// would need one is declined and changes nothing.
    pub quiet: bool,
}

impl Ui for LspUi {
    async fn confirm(&mut self, question: &str, action: &str) -> bool {
        if self.quiet {
            self.client
                .log_message(MessageType::INFO, format!("not asked (quiet command), so declined: {question}"))
                .await;
            return false;
        }
        let choice = self
            .client
            .show_message_request(
                MessageType::WARNING,
                question,
                Some(vec![
                    MessageActionItem { title: action.to_string(), properties: Default::default() },
                    MessageActionItem { title: "Cancel".to_string(), properties: Default::default() },
                ]),
            )
            .await;
        matches!(choice, Ok(Some(item)) if item.title == action)
    }

    async fn progress(&mut self, message: &str) {
        match &self.progress {
            Some(p) => p.report_with_message(message, None).await,
            None => self.client.log_message(MessageType::INFO, message).await,
        }
    }
}

/// The JSON a command returns, and the message the user sees.
pub fn outcome_json(outcome: &Outcome) -> Value {
    serde_json::to_value(outcome).unwrap_or_else(|_| json!({"ok": false, "message": "internal error"}))
}

/// Runs a command to its end.
pub async fn execute(
    op: Op,
    target: Target,
    conn: Connection,
    ui: &mut LspUi,
    cancel: impl Future<Output = ()> + Send,
) -> Outcome {
    // A slow Azure is said in the editor's log: what is awaited, and for how long still.
    let mut conn = conn;
    let client = ui.client.clone();
    let runtime = tokio::runtime::Handle::current();
    conn.options.notify = Some(Notifier(std::sync::Arc::new(move |message: &str| {
        let (client, message) = (client.clone(), message.to_string());
        runtime.spawn(async move { client.log_message(MessageType::WARNING, message).await });
    })));
    let outcome = actions::run(op, &target, &conn, ui, cancel).await;
    // Warnings (an unknown region) are shown as such; the result's message follows as usual.
    // A quiet (background) command only logs them.
    for warning in &outcome.warnings {
        if ui.quiet {
            ui.client.log_message(MessageType::WARNING, warning).await;
        } else {
            ui.client.show_message(MessageType::WARNING, warning).await;
        }
    }
    outcome
}

/// The title of each command, for code actions and lenses.
pub fn title(op: Op, workspace: Option<&str>) -> String {
    let ws = workspace.map_or(String::new(), |w| format!(" in {w}"));
    match op {
        Op::Create => format!("Create compute{ws}"),
        Op::Attach => format!("Attach compute{ws}"),
        Op::Status => "Show compute status".to_string(),
        Op::List => format!("List computes{ws}"),
        Op::Start => "Start compute instance".to_string(),
        Op::Stop => "Stop compute instance".to_string(),
        Op::Restart => "Restart compute instance".to_string(),
        Op::Delete => format!("Delete compute{ws}"),
        Op::Detach => format!("Detach compute{ws}"),
        Op::Sizes => "List VM sizes for this region".to_string(),
        Op::Usage => "Show quota usage".to_string(),
    }
}

/// Whether a compute exists, from the state `aml.status` last reported for it (`NotCreated`
/// when the workspace has no such compute; see `actions::status`).
pub fn exists(state: &str) -> bool {
    state != "NotCreated"
}

/// The lens and code-action title of `op` once the compute's existence is known: creating a
/// compute that exists updates it (the same PUT; `actions::create` asks "Update").
pub fn known_title(op: Op, workspace: Option<&str>, exists: Option<bool>) -> String {
    match (op, exists) {
        (Op::Create, Some(true)) => {
            format!("Update compute{}", workspace.map_or(String::new(), |w| format!(" in {w}")))
        }
        _ => title(op, workspace),
    }
}

/// `ops_for` without the commands that need an existing compute when it is known not to exist
/// (delete, detach, start, stop, restart would only fail).
pub fn ops_for_known(kind: Option<crate::spec::kinds::ComputeKind>, exists: Option<bool>) -> Vec<Op> {
    let needs_compute = |op: &Op| matches!(op, Op::Delete | Op::Detach | Op::Start | Op::Stop | Op::Restart);
    ops_for(kind).into_iter().filter(|op| exists != Some(false) || !needs_compute(op)).collect()
}

/// The commands that make sense for a spec of this kind.
pub fn ops_for(kind: Option<crate::spec::kinds::ComputeKind>) -> Vec<Op> {
    use crate::spec::kinds::ComputeKind;
    let Some(kind) = kind else { return Vec::new() };
    let mut ops = if kind.is_attached() && kind != ComputeKind::Aks { vec![Op::Attach] } else { vec![Op::Create] };
    ops.push(Op::Status);
    if kind == ComputeKind::ComputeInstance {
        ops.extend([Op::Start, Op::Stop, Op::Restart]);
    }
    ops.push(if kind.is_attached() { Op::Detach } else { Op::Delete });
    ops.extend([Op::List, Op::Sizes]);
    ops
}

pub fn command(op: Op, uri: &Uri, workspace: Option<&str>) -> Command {
    Command {
        title: title(op, workspace),
        command: format!("aml.{}", op.name()),
        arguments: Some(vec![json!({ "uri": uri.as_str() })]),
    }
}
