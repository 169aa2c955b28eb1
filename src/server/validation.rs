//! Checking documents as they change, and publishing what is found.
//!
//! Each open document has at most one validation loop. It checks the newest text, publishes
//! only if that text is still current, and keeps the result, so requests on an unchanged
//! document cost only their own query. A big document waits for a quiet moment before it is
//! checked (a paste followed by an undo checks only the undo), and a check made stale by an
//! edit to a small text is abandoned rather than waited for. Checks run in `spawn_blocking` on
//! a text snapshot, which also turns a panic into a log line instead of a dead server.

use super::documents::{Analysis, Checked};
use super::state::{State, lock};
use super::to_proto::{self, Positions};
use crate::check::check_text;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{MessageType, Uri};

/// Texts up to this size are checked on demand by a request that finds no current analysis;
/// bigger ones are left to their validation loop, so requests never start a second big check.
pub(super) const SMALL_TEXT: usize = 256 * 1024;
/// A text bigger than this is checked only after it has stayed unchanged this long.
const LARGE_TEXT: usize = 1024 * 1024;
const QUIET_PERIOD: Duration = Duration::from_millis(150);
/// A big document edited without pause is still checked at least this often.
const MAX_POSTPONEMENT: Duration = Duration::from_secs(2);

/// Validates a document now, or, if a validation is running, once more when it ends with
/// the newest text. Bursts of edits therefore cost at most one extra run, with no timer.
pub(super) fn schedule(client: &Client, state: &Arc<State>, uri: Uri) {
    {
        let mut loops = lock(&state.validating);
        if let Some(rerun) = loops.get_mut(&uri) {
            *rerun = true;
            return;
        }
        loops.insert(uri.clone(), false);
    }
    tokio::spawn(validate_loop(client.clone(), state.clone(), uri));
}

/// After something other than a document's text changed (settings, files on disk): pushed
/// diagnostics are checked and published again for every open document; a pulling client is
/// asked to pull again. Documents the editor does not have open get neither.
pub(super) async fn refresh_diagnostics(client: &Client, state: &Arc<State>) {
    if state.caps().pull_diagnostics {
        let _ = client.workspace_diagnostic_refresh().await;
    } else {
        revalidate_all(client, state);
    }
}

/// Schedules a check of every open document.
pub(super) fn revalidate_all(client: &Client, state: &Arc<State>) {
    let uris: Vec<Uri> = lock(&state.docs).keys().cloned().collect();
    for uri in uris {
        schedule(client, state, uri);
    }
}

async fn validate_loop(client: Client, state: Arc<State>, uri: Uri) {
    // A change can be applied before its own `schedule` call asks for a rerun, so the rerun
    // may find the revision this loop already checked: skip it rather than publish it twice.
    let mut last_checked: Option<(u64, u64)> = None;
    let mut postponed = Duration::ZERO;
    loop {
        let current = lock(&state.docs).get(&uri).map(|d| (d.revision, d.rope.len_bytes()));
        if let Some((revision, len)) = current {
            // A big text waits for the editing to pause: a paste undone at once is never checked.
            if len > LARGE_TEXT && postponed < MAX_POSTPONEMENT {
                tokio::time::sleep(QUIET_PERIOD).await;
                postponed += QUIET_PERIOD;
                if lock(&state.docs).get(&uri).map(|d| d.revision) != Some(revision) {
                    continue;
                }
            }
            postponed = Duration::ZERO;
            let snapshot = {
                let docs = lock(&state.docs);
                docs.get(&uri).map(|d| (d.rope.to_string(), d.version, d.revision, d.path.clone()))
            };
            let generation = state.settings_generation.load(Ordering::SeqCst);
            if let Some((text, version, revision, path)) = snapshot
                && last_checked != Some((revision, generation))
            {
                last_checked = Some((revision, generation));
                check_and_publish(&client, &state, &uri, text, version, revision, path).await;
            }
        }
        // Run again if a change (or a reopening) asked for it meanwhile; else this loop ends.
        let mut loops = lock(&state.validating);
        match loops.get_mut(&uri) {
            Some(rerun) if *rerun => *rerun = false,
            _ => {
                loops.remove(&uri);
                return;
            }
        }
    }
}

/// Resolves when the document has moved past `revision` (or closed).
async fn superseded(state: &State, uri: &Uri, revision: u64) {
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if lock(&state.docs).get(uri).is_none_or(|d| d.revision != revision) {
            return;
        }
    }
}

/// Resolves when the document has moved past `revision` to a small text, and no other abandoned
/// check is still running (so abandoned checks never pile up on the blocking pool).
async fn superseded_by_small_text(state: &State, uri: &Uri, revision: u64) {
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let newer_small = match lock(&state.docs).get(uri) {
            Some(d) => d.revision != revision && d.rope.len_bytes() <= SMALL_TEXT,
            None => true,
        };
        if newer_small && state.abandoned_checks.load(Ordering::SeqCst) == 0 {
            return;
        }
    }
}

async fn check_and_publish(
    client: &Client,
    state: &Arc<State>,
    uri: &Uri,
    text: String,
    version: i32,
    revision: u64,
    path: String,
) {
    let options = state.options();
    let caps = state.caps();
    let generation = state.settings_generation.load(Ordering::SeqCst);
    let permit = if text.len() > SMALL_TEXT {
        let waiting = state.big_checks.0.clone().acquire_owned();
        tokio::select! {
            permit = waiting => permit.ok(),
            // Superseded while waiting for its turn: the loop goes on with the newer text.
            () = superseded(state, uri, revision) => return,
        }
    } else {
        None
    };
    let mut task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let result = check_text(&text, Some(&path), &options);
        let pos = Positions::new(&text, caps.encoding);
        let diagnostics = result.diagnostics.iter().map(|d| to_proto::diagnostic(&pos, d)).collect::<Vec<_>>();
        (Arc::new(Analysis { text, result }), diagnostics)
    });
    let checked = tokio::select! {
        joined = &mut task => joined,
        () = superseded_by_small_text(state, uri, revision) => {
            // The text this check is for is gone. Let it finish on its own, counted, and move on
            // to the newest text instead of waiting for it.
            let abandoned = state.abandoned_checks.clone();
            abandoned.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let _ = task.await;
                abandoned.fetch_sub(1, Ordering::SeqCst);
            });
            return;
        }
    };
    let (analysis, diagnostics) = match checked {
        Ok((analysis, diagnostics)) => (Ok(analysis), Some(diagnostics)),
        Err(e) => {
            let message = format!("checking {} failed: {e}", uri.as_str());
            eprintln!("aml-compute-ls: {message}");
            client.log_message(MessageType::ERROR, message).await;
            (Err(e.to_string()), None)
        }
    };
    let live_analysis = analysis.clone();
    // Keep the result for requests (waking those that wait for it), and never publish for a
    // revision the editor has already moved past.
    let current = {
        let mut docs = lock(&state.docs);
        match docs.get_mut(uri) {
            Some(doc) => {
                doc.checked = Some(Checked { revision, generation, analysis });
                doc.revision == revision
            }
            None => false,
        }
    };
    state.analyzed.notify_waiters();
    let Some(diagnostics) = diagnostics else { return };
    if !current {
        return;
    }
    let published = caps.pull_diagnostics
        || super::publish::diagnostics_if_current(client, state, uri, revision, version, diagnostics).await;
    // The live findings follow, merged with these, for the same version (`server::live`).
    if published && let Ok(analysis) = live_analysis {
        super::live::spawn(client, state, uri, analysis, version, revision, generation);
    }
}
