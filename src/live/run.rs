//! One document's live check as a host runs it (`check --live`, the editor, the pre-flight of
//! `create`): read the spec's facts from the offline result, fetch the workspace's facts
//! through the shared cache, find, apply the user's settings to the new findings, and merge.

use super::cache::LiveCache;
use super::facts::{SpecFacts, WorkspaceFacts};
use super::{LiveReport, fetch, findings, merge_with_offline};
use crate::arm::{ArmClient, ArmError, Workspace};
use crate::check::{CheckOptions, CheckResult, Diagnostic, Severity};

/// What a live check of one document gives.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveOutcome {
    pub facts: WorkspaceFacts,
    /// The live findings (settings applied) and the cost estimate.
    pub report: LiveReport,
    /// The offline findings with the live ones merged in (see [`merge_with_offline`]).
    pub diagnostics: Vec<Diagnostic>,
}

impl LiveOutcome {
    /// The error-level live findings: what a pre-flight refuses to send a PUT over.
    pub fn blocking(&self) -> Vec<&Diagnostic> {
        self.report.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect()
    }
}

/// Drops the live findings the spec's suppression comments (`# aml-compute-ls: disable …`) and
/// the settings switch off, and applies severity overrides: what `check_text` does for the
/// offline ones, so a code silenced there is silenced here too (docs/settings.md).
pub fn apply_settings(options: &CheckOptions, text: &str, offline: &CheckResult, diagnostics: &mut Vec<Diagnostic>) {
    crate::check::apply_suppressions(text, &offline.parsed, diagnostics);
    options.apply(diagnostics);
}

/// The live check of an already checked document (`text` is what was checked); `None` when it
/// is no compute spec. An error means the workspace could not be read at all (no sign-in, 403,
/// no network): the host says so once and keeps the offline findings.
pub async fn check_document(
    cache: &LiveCache,
    client: &ArmClient,
    ws: &Workspace,
    text: &str,
    offline: &CheckResult,
    options: &CheckOptions,
) -> Result<Option<LiveOutcome>, ArmError> {
    let Some(spec) = SpecFacts::read(offline) else { return Ok(None) };
    let facts = fetch::workspace_facts(cache, client, ws, &spec).await?;
    let mut report = findings(&spec, &facts);
    apply_settings(options, text, offline, &mut report.diagnostics);
    let diagnostics = merge_with_offline(&offline.diagnostics, &spec, &facts, &report);
    Ok(Some(LiveOutcome { facts, report, diagnostics }))
}
