//! The Azure operations as a user runs them, shared by the CLI and the language server so both
//! say the same things: refuse a spec with errors, resolve the workspace, ask before anything
//! billable or destructive, report progress, and end with a message that says what happened
//! and where to look. The front ends supply the questions' answers and show the progress.

mod connection;
mod live;
mod spec_check;

use crate::arm::{
    ArmClient, ArmError, BodyContext, Compute, ComputeName, InstanceAction, Location, OperationStatus,
    UnderlyingAction, Workspace, WorkspaceId, prepare_body, resolve_workspace,
};
use crate::check::{Diagnostic, Severity};
pub use connection::{Connection, DEMO_WORKSPACE};
pub use live::{LiveChecker, LiveFailure, check_in_workspace, live_client};
use serde::Serialize;
pub use spec_check::request_body;
use std::future::Future;
use std::path::PathBuf;

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Attach,
    Status,
    List,
    Start,
    Stop,
    Restart,
    Delete,
    Detach,
    Sizes,
    Usage,
}

impl Op {
    pub fn parse(command: &str) -> Option<Op> {
        Some(match command.trim_start_matches("aml.") {
            "create" => Op::Create,
            "attach" => Op::Attach,
            "status" => Op::Status,
            "list" => Op::List,
            "start" => Op::Start,
            "stop" => Op::Stop,
            "restart" => Op::Restart,
            "delete" => Op::Delete,
            "detach" => Op::Detach,
            "sizes" => Op::Sizes,
            "usage" => Op::Usage,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Attach => "attach",
            Op::Status => "status",
            Op::List => "list",
            Op::Start => "start",
            Op::Stop => "stop",
            Op::Restart => "restart",
            Op::Delete => "delete",
            Op::Detach => "detach",
            Op::Sizes => "sizes",
            Op::Usage => "usage",
        }
    }
}

/// A spec the operation starts from: its text, and its path when it is a file.
#[derive(Clone, Debug, Default)]
pub struct SpecFile {
    pub path: Option<PathBuf>,
    pub text: String,
}

/// What the user pointed the operation at.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub spec: Option<SpecFile>,
    /// A compute name, when no spec gives it (or to override the spec's).
    pub name: Option<String>,
    /// A region, for `sizes` and `usage`.
    pub location: Option<String>,
    /// A folder to look for the workspace config from when there is no spec (an editor's
    /// workspace folder).
    pub search_from: Option<PathBuf>,
}

/// How a front end talks to the user while an operation runs.
pub trait Ui: Send {
    /// Asks a yes/no question; `action` labels the "yes" button ("Create", "Delete").
    fn confirm(&mut self, question: &str, action: &str) -> impl Future<Output = bool> + Send;
    /// Shows progress ("Creating cpu-cluster: InProgress (12 s)").
    fn progress(&mut self, message: &str) -> impl Future<Output = ()> + Send;
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ComputeSummary {
    pub name: String,
    #[serde(rename = "type")]
    pub compute_type: String,
    pub state: String,
    pub status_line: String,
    pub location: Option<String>,
    pub vm_size: Option<String>,
}

impl From<&Compute> for ComputeSummary {
    fn from(c: &Compute) -> Self {
        ComputeSummary {
            name: c.name.clone(),
            compute_type: c.compute_type.clone(),
            state: c.state.clone().or_else(|| c.provisioning_state.clone()).unwrap_or_else(|| "Unknown".into()),
            status_line: c.status_line(),
            location: c.location.clone(),
            vm_size: c.vm_size.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SizeSummary {
    pub name: String,
    pub vcpus: i64,
    pub memory_gb: f64,
    pub gpus: i64,
    pub low_priority_capable: bool,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UsageSummary {
    pub name: String,
    pub current: i64,
    pub limit: i64,
}

/// The result of an operation, as the front ends show it (the LSP returns it as JSON).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub ok: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compute: Option<ComputeSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub computes: Vec<ComputeSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sizes: Vec<SizeSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub usages: Vec<UsageSummary>,
    /// Things the user should know that did not stop the operation (an unknown region).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The request itself was wrong (a missing or invalid name, id or region): nothing was
    /// sent. The CLI exits 2 for these, as for any usage error.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub usage_error: bool,
}

impl Outcome {
    fn failed(message: impl Into<String>) -> Self {
        Outcome { ok: false, message: message.into(), ..Outcome::default() }
    }

    fn usage(error: &ArmError) -> Self {
        Outcome { usage_error: true, ..Outcome::failed(error.to_string()) }
    }

    fn done(message: impl Into<String>) -> Self {
        Outcome { ok: true, message: message.into(), ..Outcome::default() }
    }
}

/// A link to the compute in Azure ML studio.
fn studio_link(ws: &Workspace, name: &str) -> String {
    format!("https://ml.azure.com/compute/{name}/details?wsid={}", ws.arm_id())
}

/// " See it at <studio link>" for Azure; nothing for the emulator.
fn see_it(conn: &Connection, ws: &Workspace, name: &str) -> String {
    if conn.is_local() { String::new() } else { format!(" See it at {}", studio_link(ws, name)) }
}

/// " or <studio link>" for Azure; nothing for the emulator.
fn where_to_look(conn: &Connection, ws: &Workspace, name: &str) -> String {
    if conn.is_local() { String::new() } else { format!(" or {}", studio_link(ws, name)) }
}

fn describe_ws(ws: &Workspace) -> String {
    format!("workspace `{}` (resource group `{}`, from {})", ws.workspace_name, ws.resource_group, ws.source)
}

fn client(conn: &Connection) -> Result<ArmClient, ArmError> {
    ArmClient::new(&conn.endpoint, conn.credential.clone(), conn.options.clone())
}

/// The workspace, its ids checked (`arm::ids`) before anything is sent.
fn workspace(conn: &Connection, target: &Target) -> Result<Workspace, ArmError> {
    // The search starts in the spec's folder; for a folder, in the folder itself (a folder is
    // taken as the start as it is, so messages name `ws/.azureml/config.json`, not `ws/./…`).
    let spec_path = target.spec.as_ref().and_then(|s| s.path.as_deref()).or(target.search_from.as_deref());
    let ws = match (resolve_workspace(&conn.explicit, &conn.settings, spec_path, &conn.env), &conn.fallback_workspace) {
        (Ok(ws), _) => ws,
        (Err(ArmError::Workspace(_)), Some(fallback)) => fallback.clone(),
        (Err(e), _) => return Err(e),
    };
    WorkspaceId::parse(&ws)?;
    Ok(ws)
}

/// The compute name: explicit, else the spec's `name` (both forms keep it at the top level).
fn compute_name(target: &Target) -> Option<String> {
    if let Some(n) = &target.name {
        return Some(n.clone());
    }
    let spec = target.spec.as_ref()?;
    let result = spec_check::check(spec);
    result.detection.as_ref()?;
    result.parsed.root.as_ref()?.get("name")?.as_str().map(String::from)
}

/// The compute an operation acts on, checked against the name rules (`arm::ids`), or the
/// usage error that says how to name one. Nothing is sent for a name that fails.
fn named(op: Op, target: &Target, name: Option<String>) -> Result<String, ArmError> {
    let name = name.ok_or_else(|| {
        ArmError::InvalidArgument(format!("`{}` needs a compute name (--name) or a spec that has one.", op.name()))
    })?;
    let from = if target.name.is_some() { "--name" } else { "the spec's `name`" };
    ComputeName::parse(&name).map_err(|e| match e {
        ArmError::InvalidArgument(m) => ArmError::InvalidArgument(format!("{from}: {m}")),
        other => other,
    })?;
    Ok(name)
}

/// Runs one operation to its end. `cancel` resolves when the user stops waiting.
pub async fn run<U: Ui>(
    op: Op,
    target: &Target,
    conn: &Connection,
    ui: &mut U,
    cancel: impl Future<Output = ()> + Send,
) -> Outcome {
    // What the user should know even when the operation then fails (a forced pre-flight).
    let mut warnings = Vec::new();
    let mut outcome = match run_inner(op, target, conn, ui, cancel, &mut warnings).await {
        Ok(outcome) => outcome,
        Err(e) if e.is_usage() => Outcome::usage(&e),
        // "Fix the spec" only helps when a spec was sent.
        Err(ArmError::BadRequest { code, message, details }) if !matches!(op, Op::Create | Op::Attach) => {
            Outcome::failed(format!(
                "Azure rejected the request ({code}): {message}{}.",
                crate::arm::error::details_suffix(&details)
            ))
        }
        Err(e) => Outcome::failed(e.to_string()),
    };
    warnings.append(&mut outcome.warnings);
    outcome.warnings = warnings;
    outcome
}

async fn run_inner<U: Ui>(
    op: Op,
    target: &Target,
    conn: &Connection,
    ui: &mut U,
    cancel: impl Future<Output = ()> + Send,
    warnings: &mut Vec<String>,
) -> Result<Outcome, ArmError> {
    // An endpoint that cannot be used (plain http off this machine) is said before anything else.
    client(conn)?;
    match op {
        Op::Create | Op::Attach => create(op, target, conn, ui, cancel, warnings).await,
        Op::Status => status(target, conn).await,
        Op::List => list(target, conn).await,
        Op::Start | Op::Stop | Op::Restart => instance_action(op, target, conn, ui, cancel).await,
        Op::Delete | Op::Detach => delete(op, target, conn, ui, cancel).await,
        Op::Sizes => sizes(target, conn).await,
        Op::Usage => usage(target, conn).await,
    }
}

async fn create<U: Ui>(
    op: Op,
    target: &Target,
    conn: &Connection,
    ui: &mut U,
    cancel: impl Future<Output = ()> + Send,
    warnings: &mut Vec<String>,
) -> Result<Outcome, ArmError> {
    let Some(spec) = target.spec.as_ref() else {
        return Ok(Outcome::failed(format!("`{}` needs a spec file that describes the compute.", op.name())));
    };
    // The spec is checked once, here; the body is built from what that check passed.
    let checked = spec_check::check(spec);
    if let Some(errors) = spec_check::errors(spec, &checked) {
        return Ok(Outcome::failed(errors));
    }
    let typed = spec_check::typed(spec, &checked)?;
    // `--name` wins over the spec's name (the PUT goes to the name given); both are checked
    // before the first request.
    let name = named(op, target, target.name.clone().or_else(|| typed.name().map(String::from)))?;
    let ws = workspace(conn, target)?;
    let client = client(conn)?;
    let location = client.get_workspace_location(&ws).await?;
    let at = BodyContext {
        workspace_location: Some(&location),
        spec_path: spec.path.as_deref(),
        home: conn.env.home.as_deref(),
    };
    let prepared = prepare_body(&typed, &ws, at)?;
    let body = prepared.body;
    let renamed = if prepared.name == name {
        String::new()
    } else {
        format!(" (named by --name; the spec's name is `{}`)", prepared.name)
    };
    let left_out = match prepared.left_out.len() {
        0 => String::new(),
        n => format!(
            " Left out {n} read-only field{} that only Azure sets: {}.",
            if n == 1 { "" } else { "s" },
            prepared.left_out.join(", ")
        ),
    };
    let kind = body.pointer("/properties/computeType").and_then(|v| v.as_str()).unwrap_or("compute").to_string();
    let attached = body.pointer("/properties/resourceId").is_some_and(|v| !v.is_null());
    // The pre-flight (issue 11): the live checks of `check --live`, before anything is sent.
    match live::preflight(&client, &ws, &spec.text, &checked, &name).await {
        Ok(Some(report)) => {
            let blocking: Vec<&Diagnostic> =
                report.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
            if !blocking.is_empty() {
                let place = spec.path.as_ref().map_or(String::new(), |p| format!(" ({})", p.display()));
                let reasons = live::placed(&spec.text, &blocking).join("\n  ");
                if !conn.force {
                    return Ok(Outcome {
                        workspace: Some(ws.workspace_name.clone()),
                        ..Outcome::failed(format!(
                            "Nothing was sent: the pre-flight checks against {} found what Azure would refuse{place}:\n  {reasons}\nFix the spec, or pass --force to send it anyway.",
                            describe_ws(&ws)
                        ))
                    });
                }
                warnings.push(format!(
                    "sending anyway (--force) although the pre-flight checks against {} found{place}:\n  {reasons}",
                    describe_ws(&ws)
                ));
            }
        }
        Ok(None) => {}
        // The PUT may still be allowed where a list is not: the request goes on without them.
        Err(e) => warnings.push(format!("pre-flight checks skipped: {} could not be read: {e}", describe_ws(&ws))),
    }
    if op == Op::Create && attached && kind != "AKS" {
        ui.progress(&format!("`{name}` attaches an existing resource; creating it means attaching it.")).await;
    }
    let existing = client.get_compute(&ws, &name).await?;
    let verb = if attached { "Attach" } else { "Create" };
    let shape = shape_of(&body);
    let question = match &existing {
        Some(current) => format!(
            "`{name}`{renamed} already exists in {} ({}). It will be updated{}.{left_out} Continue?",
            describe_ws(&ws),
            current.status_line(),
            changes(current, &body).map_or(String::new(), |c| format!(": {c}"))
        ),
        None if attached => format!("Attach `{name}`{renamed} ({kind}) to {}?{left_out}", describe_ws(&ws)),
        None => format!(
            "{verb} {kind} `{name}`{renamed}{shape} in {}? This starts billable resources.{left_out}",
            describe_ws(&ws)
        ),
    };
    let action = if existing.is_some() { "Update" } else { verb };
    if !ui.confirm(&question, action).await {
        return Ok(Outcome { workspace: Some(ws.workspace_name.clone()), ..Outcome::failed("Nothing was changed.") });
    }
    ui.progress(&format!("Sending `{name}` to {}…", ws.workspace_name)).await;
    let operation = client.begin_create_or_update(&ws, &name, &body).await?;
    let done_verb = if existing.is_some() {
        "Updated"
    } else if attached {
        "Attached"
    } else {
        "Created"
    };
    if conn.no_wait {
        return Ok(Outcome {
            workspace: Some(ws.workspace_name.clone()),
            ..Outcome::done(format!(
                "{verb} request for `{name}` accepted; it continues in Azure. Check it with `aml-compute-ls status --name {name}`{}.{left_out}",
                where_to_look(conn, &ws, &name)
            ))
        });
    }
    let computed = wait(operation, &name, ui, cancel).await;
    let mut outcome = finish(computed, conn, &ws, &name, done_verb)?;
    outcome.message.push_str(&left_out);
    Ok(outcome)
}

/// " (Standard_DS3_v2, 0–4 nodes)" for messages.
fn shape_of(body: &serde_json::Value) -> String {
    let props = body.pointer("/properties/properties");
    let size = props
        .and_then(|p| p.get("vmSize").or_else(|| p.get("agentVmSize")).or_else(|| p.get("virtualMachineSize")))
        .and_then(|v| v.as_str());
    let nodes = props.and_then(|p| p.get("scaleSettings")).map(|s| {
        format!(
            "{}–{} nodes",
            s.get("minNodeCount").and_then(|v| v.as_i64()).unwrap_or(0),
            s.get("maxNodeCount").and_then(|v| v.as_i64()).unwrap_or(0)
        )
    });
    match (size, nodes) {
        (Some(s), Some(n)) => format!(" ({s}, {n})"),
        (Some(s), None) => format!(" ({s})"),
        (None, Some(n)) => format!(" ({n})"),
        (None, None) => String::new(),
    }
}

/// What an update changes, in words, for the fields people care about.
fn changes(current: &Compute, body: &serde_json::Value) -> Option<String> {
    let props = body.pointer("/properties/properties")?;
    let mut out = Vec::new();
    let new_size = props.get("vmSize").and_then(|v| v.as_str());
    if let (Some(old), Some(new)) = (current.vm_size.as_deref(), new_size)
        && !old.eq_ignore_ascii_case(new)
    {
        out.push(format!("size {old} → {new}"));
    }
    let scale = props.get("scaleSettings");
    for (label, old, key) in
        [("min nodes", current.min_nodes, "minNodeCount"), ("max nodes", current.max_nodes, "maxNodeCount")]
    {
        let new = scale.and_then(|s| s.get(key)).and_then(|v| v.as_i64());
        if let (Some(o), Some(n)) = (old, new)
            && o != n
        {
            out.push(format!("{label} {o} → {n}"));
        }
    }
    (!out.is_empty()).then(|| out.join(", "))
}

async fn wait<U: Ui>(
    operation: crate::arm::Operation,
    name: &str,
    ui: &mut U,
    cancel: impl Future<Output = ()> + Send,
) -> Result<Option<Compute>, ArmError> {
    // The client reports status through a synchronous callback; a channel carries each report
    // to the (async) front end while the operation is still running.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let label = name.to_string();
    let mut progress = move |s: &OperationStatus| {
        let pct = s.percent_complete.map_or(String::new(), |p| format!(" {p:.0}%"));
        let _ = tx.send(format!("`{label}`: {}{pct} ({} s)", s.status, s.elapsed.as_secs()));
    };
    let waiting = operation.wait(&mut progress, cancel);
    tokio::pin!(waiting);
    loop {
        tokio::select! {
            result = &mut waiting => {
                while let Ok(message) = rx.try_recv() {
                    ui.progress(&message).await;
                }
                return result;
            }
            Some(message) = rx.recv() => ui.progress(&message).await,
        }
    }
}

fn finish(
    result: Result<Option<Compute>, ArmError>,
    conn: &Connection,
    ws: &Workspace,
    name: &str,
    verb: &str,
) -> Result<Outcome, ArmError> {
    match result {
        Ok(compute) => {
            let summary = compute.as_ref().map(ComputeSummary::from);
            let state = summary.as_ref().map_or(String::new(), |s| format!(": {}", s.status_line));
            Ok(Outcome {
                ok: true,
                message: format!("{verb} `{name}` in {}{state}.{}", ws.workspace_name, see_it(conn, ws, name)),
                workspace: Some(ws.workspace_name.clone()),
                compute: summary,
                ..Outcome::default()
            })
        }
        Err(ArmError::Cancelled) => Ok(Outcome {
            ok: true,
            message: format!(
                "Stopped waiting. The operation on `{name}` continues in Azure; check it with `aml-compute-ls status --name {name}`{}.",
                where_to_look(conn, ws, name)
            ),
            workspace: Some(ws.workspace_name.clone()),
            ..Outcome::default()
        }),
        Err(e) => Err(e),
    }
}

async fn status(target: &Target, conn: &Connection) -> Result<Outcome, ArmError> {
    let name = named(Op::Status, target, compute_name(target))?;
    let ws = workspace(conn, target)?;
    match client(conn)?.get_compute(&ws, &name).await? {
        Some(c) => Ok(Outcome {
            ok: true,
            message: format!("`{name}` in {}: {}", ws.workspace_name, c.status_line()),
            workspace: Some(ws.workspace_name.clone()),
            compute: Some(ComputeSummary::from(&c)),
            ..Outcome::default()
        }),
        None => Ok(Outcome {
            ok: true,
            message: format!("`{name}` does not exist in {} yet.", describe_ws(&ws)),
            workspace: Some(ws.workspace_name.clone()),
            compute: Some(ComputeSummary {
                name,
                state: "NotCreated".into(),
                status_line: "Not created".into(),
                ..ComputeSummary::default()
            }),
            ..Outcome::default()
        }),
    }
}

async fn list(target: &Target, conn: &Connection) -> Result<Outcome, ArmError> {
    let ws = workspace(conn, target)?;
    let computes = client(conn)?.list_computes(&ws).await?;
    let summaries: Vec<ComputeSummary> = computes.iter().map(ComputeSummary::from).collect();
    Ok(Outcome {
        ok: true,
        message: format!(
            "{} compute{} in {}.",
            summaries.len(),
            if summaries.len() == 1 { "" } else { "s" },
            describe_ws(&ws)
        ),
        workspace: Some(ws.workspace_name.clone()),
        computes: summaries,
        ..Outcome::default()
    })
}

async fn instance_action<U: Ui>(
    op: Op,
    target: &Target,
    conn: &Connection,
    ui: &mut U,
    cancel: impl Future<Output = ()> + Send,
) -> Result<Outcome, ArmError> {
    let name = named(op, target, compute_name(target))?;
    let ws = workspace(conn, target)?;
    let (action, verb, done) = match op {
        Op::Start => (InstanceAction::Start, "Start", "Started"),
        Op::Stop => (InstanceAction::Stop, "Stop", "Stopped"),
        _ => (InstanceAction::Restart, "Restart", "Restarted"),
    };
    if op != Op::Stop
        && !ui
            .confirm(
                &format!("{verb} compute instance `{name}` in {}? A running instance is billed.", describe_ws(&ws)),
                verb,
            )
            .await
    {
        return Ok(Outcome::failed("Nothing was changed."));
    }
    let client = client(conn)?;
    let operation = client.begin_instance_action(&ws, &name, action).await?;
    if conn.no_wait {
        return Ok(Outcome::done(format!("{verb} request for `{name}` accepted; it continues in Azure.")));
    }
    let result = wait(operation, &name, ui, cancel).await;
    let result = match result {
        // An action's operation has no body: read the instance's new state.
        Ok(None) => client.get_compute(&ws, &name).await,
        other => other,
    };
    finish(result, conn, &ws, &name, done)
}

async fn delete<U: Ui>(
    op: Op,
    target: &Target,
    conn: &Connection,
    ui: &mut U,
    cancel: impl Future<Output = ()> + Send,
) -> Result<Outcome, ArmError> {
    let name = named(op, target, compute_name(target))?;
    let ws = workspace(conn, target)?;
    let client = client(conn)?;
    let Some(existing) = client.get_compute(&ws, &name).await? else {
        return Ok(Outcome::done(format!(
            "`{name}` does not exist in {}; nothing to {}.",
            describe_ws(&ws),
            op.name()
        )));
    };
    let (action, question, label) = if op == Op::Detach {
        if !existing.is_attached {
            return Ok(Outcome::failed(format!(
                "`{name}` was created by Azure ML, not attached; use delete to remove it."
            )));
        }
        (
            UnderlyingAction::Detach,
            format!("Detach `{name}` from {}? The underlying resource is kept.", describe_ws(&ws)),
            "Detach",
        )
    } else {
        let what = if existing.is_attached { " and the underlying resource" } else { "" };
        (
            UnderlyingAction::Delete,
            format!("Delete `{name}`{what} from {}? This cannot be undone.", describe_ws(&ws)),
            "Delete",
        )
    };
    if !ui.confirm(&question, label).await {
        return Ok(Outcome { workspace: Some(ws.workspace_name.clone()), ..Outcome::failed("Nothing was deleted.") });
    }
    let operation = client.begin_delete(&ws, &name, action).await?;
    if conn.no_wait {
        return Ok(Outcome::done(format!("{label} request for `{name}` accepted; it continues in Azure.")));
    }
    let done = if op == Op::Detach { "Detached" } else { "Deleted" };
    match wait(operation, &name, ui, cancel).await {
        Ok(_) => Ok(Outcome {
            workspace: Some(ws.workspace_name.clone()),
            ..Outcome::done(format!("{done} `{name}` from {}.", ws.workspace_name))
        }),
        Err(e) => finish(Err(e), conn, &ws, &name, done),
    }
}

fn location_of(target: &Target, ws_location: Option<String>) -> Option<String> {
    target
        .location
        .clone()
        .or_else(|| {
            let spec = target.spec.as_ref()?;
            let result = spec_check::check(spec);
            result.parsed.root.as_ref()?.get("location")?.as_str().map(String::from)
        })
        .or(ws_location)
}

/// The region of `sizes`/`usage`, checked, with a warning when the catalog does not know it
/// (the same region in a spec gets AML3xx there).
fn region(op: Op, target: &Target) -> Result<(String, Vec<String>), ArmError> {
    let Some(given) = location_of(target, None) else {
        return Err(ArmError::InvalidArgument(format!(
            "`{}` needs a region: pass --location (e.g. eastus) or use a spec with `location`.",
            op.name()
        )));
    };
    let location = Location::parse(&given)?.as_str().to_string();
    let catalog = crate::check::catalog::Catalog::get();
    let mut warnings = Vec::new();
    if catalog.region(&location).is_none() {
        let mut near: Vec<(usize, &str)> = catalog
            .regions
            .iter()
            .map(|r| (crate::check::suggest::distance(&location, r.name), r.name))
            .filter(|(d, _)| *d <= 3)
            .collect();
        near.sort();
        let hint = near.first().map_or(String::new(), |(_, n)| format!(" Did you mean `{n}`?"));
        warnings.push(format!(
            "`{given}` is not an Azure region this tool knows ({} known); asking Azure anyway.{hint}",
            catalog.regions.len()
        ));
    }
    Ok((location, warnings))
}

async fn sizes(target: &Target, conn: &Connection) -> Result<Outcome, ArmError> {
    let (location, warnings) = region(Op::Sizes, target)?;
    let ws = workspace(conn, target)?;
    let sizes = client(conn)?.list_vm_sizes(&ws.subscription_id, &location).await?;
    let summaries: Vec<SizeSummary> = sizes
        .iter()
        .map(|s| SizeSummary {
            name: s.name.clone(),
            vcpus: s.vcpus.unwrap_or(0),
            memory_gb: s.memory_gb.unwrap_or(0.0),
            gpus: s.gpus.unwrap_or(0),
            low_priority_capable: s.low_priority_capable,
        })
        .collect();
    Ok(Outcome {
        ok: true,
        message: format!("{} VM sizes offered in {location}.", summaries.len()),
        workspace: Some(ws.workspace_name.clone()),
        sizes: summaries,
        warnings,
        ..Outcome::default()
    })
}

async fn usage(target: &Target, conn: &Connection) -> Result<Outcome, ArmError> {
    let (location, warnings) = region(Op::Usage, target)?;
    let ws = workspace(conn, target)?;
    let usages = client(conn)?.list_usages(&ws.subscription_id, &location).await?;
    let summaries: Vec<UsageSummary> = usages
        .iter()
        .map(|u| UsageSummary { name: u.localized_name.clone(), current: u.current, limit: u.limit })
        .collect();
    Ok(Outcome {
        ok: true,
        message: format!("{} quota entries in {location}.", summaries.len()),
        workspace: Some(ws.workspace_name.clone()),
        usages: summaries,
        warnings,
        ..Outcome::default()
    })
}
