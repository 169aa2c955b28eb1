//! Live workspace checks (issue 11) as the front ends run them: `check --live` and the
//! pre-flight of `create`/`attach`. The workspace is resolved as every Azure command resolves
//! it (arguments > settings > `config.json` > `az configure` defaults, the emulator's demo
//! workspace on loopback); a workspace that cannot be resolved or read is one [`LiveFailure`],
//! and the offline findings stand.

use super::{Connection, Target, client, describe_ws, workspace};
use crate::arm::{ArmClient, ArmError, Workspace};
use crate::check::{CheckOptions, CheckResult, Diagnostic};
use crate::live::run::apply_settings;
use crate::live::{LiveCache, LiveOutcome, LiveReport, SpecFacts, SystemClock, Ttls, fetch, findings};
use crate::text::{LineIndex, PositionEncoding};
use std::path::Path;
use std::sync::Arc;

/// Why the live checks of a spec could not run: the workspace (when one was resolved) and the
/// error. [`LiveFailure::message`] is the one line a front end shows.
#[derive(Debug)]
pub struct LiveFailure {
    /// "workspace `demo-ws` (resource group `demo-rg`, from …) at <endpoint>", when one was
    /// resolved.
    pub workspace: Option<String>,
    pub error: ArmError,
}

impl LiveFailure {
    /// "live checks skipped: workspace `w` (…) could not be read: <why>".
    pub fn message(&self) -> String {
        match &self.workspace {
            Some(ws) => format!("live checks skipped: {ws} could not be read: {}", self.error),
            None => format!("live checks skipped: no workspace to check against: {}", self.error),
        }
    }
}

/// What live checks share within one run: the client and the cache (so that many specs of
/// one workspace cost the calls of one, see `live::cache`).
pub struct LiveChecker<'c> {
    conn: &'c Connection,
    client: ArmClient,
    cache: LiveCache,
}

impl<'c> LiveChecker<'c> {
    /// A checker for `conn`; fails only when the endpoint cannot be used at all.
    pub fn new(conn: &'c Connection) -> Result<Self, ArmError> {
        Ok(LiveChecker {
            conn,
            client: client(conn)?,
            cache: LiveCache::new(Arc::new(SystemClock::new()), Ttls::default()),
        })
    }

    /// The live check of an already checked spec found at `spec_path` (which decides the
    /// workspace, as for `create`); `None` when it is no compute spec.
    pub async fn check(
        &self,
        spec_path: Option<&Path>,
        text: &str,
        offline: &CheckResult,
        options: &CheckOptions,
    ) -> Result<Option<(Workspace, LiveOutcome)>, LiveFailure> {
        check_in_workspace(self.conn, &self.client, &self.cache, spec_path, text, offline, options).await
    }
}

/// The live check of an already checked spec found at `spec_path`, in the workspace `conn`
/// resolves for it, through a client and cache the caller keeps (the language server keeps
/// one of each for its whole run); `None` when it is no compute spec.
pub async fn check_in_workspace(
    conn: &Connection,
    client: &ArmClient,
    cache: &LiveCache,
    spec_path: Option<&Path>,
    text: &str,
    offline: &CheckResult,
    options: &CheckOptions,
) -> Result<Option<(Workspace, LiveOutcome)>, LiveFailure> {
    let target = Target { spec: None, search_from: spec_path.map(Path::to_path_buf), ..Target::default() };
    let ws = workspace(conn, &target).map_err(|error| LiveFailure { workspace: None, error })?;
    match crate::live::check_document(cache, client, &ws, text, offline, options).await {
        Ok(outcome) => Ok(outcome.map(|o| (ws, o))),
        Err(error) => Err(LiveFailure { workspace: Some(format!("{} at {}", describe_ws(&ws), conn.endpoint)), error }),
    }
}

/// The client for `conn`, as the operations build it.
pub fn live_client(conn: &Connection) -> Result<ArmClient, ArmError> {
    client(conn)
}

/// The pre-flight of `create`/`attach`: the live findings for the spec as it will be sent
/// (under `name`, which `--name` may have changed) in `ws`. An error means the workspace could
/// not be read.
pub(crate) async fn preflight(
    client: &ArmClient,
    ws: &Workspace,
    text: &str,
    checked: &CheckResult,
    name: &str,
) -> Result<Option<LiveReport>, ArmError> {
    let Some(mut spec) = SpecFacts::read(checked) else { return Ok(None) };
    if let Some(field) = spec.name.as_mut() {
        field.value = name.to_string();
    }
    let cache = LiveCache::new(Arc::new(SystemClock::new()), Ttls::default());
    let facts = fetch::workspace_facts(&cache, client, ws, &spec).await?;
    let mut report = findings(&spec, &facts);
    apply_settings(&CheckOptions::default(), text, checked, &mut report.diagnostics);
    Ok(Some(report))
}

/// "line 3:7 AML809 Needs …" per finding, placed in characters as `check` prints them.
pub(crate) fn placed(text: &str, diagnostics: &[&Diagnostic]) -> Vec<String> {
    let index = LineIndex::new(text);
    diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(text, d.range.start(), PositionEncoding::Utf32);
            format!("line {}:{} {} {}", at.line + 1, at.col + 1, d.code, d.message)
        })
        .collect()
}
