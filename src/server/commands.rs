//! The Azure commands in the editor: `workspace/executeCommand` for `aml.create`, `aml.status`
//! and the rest, the code lenses at the top of a spec, and the same commands as code actions
//! for clients without code lenses (Helix). The work itself is `actions::run`, shared with the
//! CLI; this file supplies the editor's way of asking (`window/showMessageRequest`) and of
//! showing progress (`$/progress`, cancellable).

use crate::actions::{self, Connection, Op, Outcome, SpecFile, Target, Ui};
use crate::arm::client::Notifier;
use crate::arm::{PartialWorkspace, resolve_workspace};
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
    /// `live`: whether documents are checked against the workspace too (on unless "off").
    pub live: bool,
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
            live: !matches!(section.get("live"), Some(Value::Bool(false)))
                && !text("live").is_some_and(|v| v.eq_ignore_ascii_case("off")),
        }
    }

    /// Where the commands go; `accessToken` is used only for a loopback endpoint.
    pub fn connection(&self) -> Connection {
        Connection {
            settings: self.workspace.clone(),
            ..Connection::new(self.endpoint.as_deref(), self.access_token.clone())
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

/// The file path of a `file:` URI on this machine: `file:///home/a/x.yml` is `/home/a/x.yml`,
/// and on Windows `file:///C:/Users/a/x.yml` (or `file:///c%3A/…`, as VS Code writes it) is
/// `C:\Users\a\x.yml` and `file://server/share/x.yml` is `\\server\share\x.yml`.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    file_uri_path(uri.as_str(), cfg!(windows)).map(PathBuf::from)
}

/// The path a `file:` URI names, spelled for Windows or for Unix. The URL parsing and
/// percent-decoding are the `url` crate's; what is ours is only how segments become a path
/// (drive letter, UNC share or root), kept apart from the platform so that both spellings are
/// tested on every platform. None for another scheme, an undecodable segment, a share on
/// Unix, or a Windows path with neither drive nor share.
fn file_uri_path(uri: &str, windows: bool) -> Option<String> {
    let url = url::Url::parse(uri).ok().filter(|u| u.scheme() == "file")?;
    let segments = url
        .path_segments()?
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8().ok().map(|d| d.into_owned()))
        .collect::<Option<Vec<String>>>()?;
    // `file://localhost/x` is `file:///x` (RFC 8089 §2); the parser already drops `localhost`.
    let share = url.host_str().filter(|h| !h.is_empty());
    if !windows {
        return share.is_none().then(|| format!("/{}", segments.join("/")));
    }
    if let Some(host) = share {
        return Some(format!("\\\\{host}\\{}", segments.join("\\")));
    }
    let (drive, rest) = segments.split_first()?;
    let letter = match drive.as_bytes() {
        // `C:` and the legacy `C|` (RFC 8089 appendix E.2.2).
        [letter, b':' | b'|'] if letter.is_ascii_alphabetic() => *letter as char,
        _ => return None,
    };
    Some(format!("{letter}:\\{}", rest.join("\\")))
}

/// Why a command's `uri` gives no spec to act on.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The URI is no `file:` URI of this machine (an unsaved buffer, a remote file system).
    #[error("{uri} is not a file on this machine; save the spec to a file first")]
    NotAFile { uri: String },
    /// The file is not open in the editor and cannot be read from disk.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
}

/// Builds the target of a command: the open document's current text when it is open, else
/// the file on disk.
pub fn target(args: &CommandArgs, open_text: Option<String>) -> Result<Target, TargetError> {
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
                    Some(p) => std::fs::read_to_string(p)
                        .map_err(|source| TargetError::Unreadable { path: p.clone(), source })?,
                    None => return Err(TargetError::NotAFile { uri: uri.as_str().to_string() }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_file_uris_name_drive_paths_whatever_the_platform_running_the_test() {
        let windows = |uri: &str| file_uri_path(uri, true);
        assert_eq!(windows("file:///C:/Users/x/spec.yml").as_deref(), Some(r"C:\Users\x\spec.yml"));
        // VS Code writes the drive's colon percent-encoded and the letter in lower case.
        assert_eq!(windows("file:///c%3A/x.yml").as_deref(), Some(r"c:\x.yml"));
        assert_eq!(windows("file:///c%3A/My%20Specs/gpu%2B.yml").as_deref(), Some(r"c:\My Specs\gpu+.yml"));
        assert_eq!(windows("file://server/share/spec.yml").as_deref(), Some(r"\\server\share\spec.yml"));
        assert_eq!(windows("file:///no-drive/spec.yml"), None);
    }

    #[test]
    fn unix_file_uris_name_rooted_paths() {
        let unix = |uri: &str| file_uri_path(uri, false);
        assert_eq!(unix("file:///home/a/My%20Specs/x.yml").as_deref(), Some("/home/a/My Specs/x.yml"));
        assert_eq!(unix("file://localhost/home/a/x.yml").as_deref(), Some("/home/a/x.yml"));
        // A Windows URI read on Unix is a Unix path with a colon in it, not a drive.
        assert_eq!(unix("file:///C:/Users/x/spec.yml").as_deref(), Some("/C:/Users/x/spec.yml"));
        assert_eq!(unix("file://server/share/spec.yml"), None);
        assert_eq!(unix("untitled:Untitled-1"), None);
        assert_eq!(unix("file:///bad%FF.yml"), None);
    }

    #[test]
    fn uri_path_uses_this_platforms_spelling() {
        let uri: Uri = "file:///c%3A/x.yml".parse().unwrap();
        let want = if cfg!(windows) { PathBuf::from(r"c:\x.yml") } else { PathBuf::from("/c:/x.yml") };
        assert_eq!(uri_path(&uri), Some(want));
    }
}
