//! Live workspace checks in the editor (issue 11, "How it behaves"): after a document's offline
//! diagnostics are published, its live findings (AML8xx) are fetched through one cache shared
//! by every document and published again, merged, for the same version, and only if the
//! document is still at the revision and settings they were found for; they are kept on the
//! document for requests (a pulling client is asked to pull again, code actions and hovers
//! use them). Failure is quiet: a missing workspace says nothing, and a workspace that cannot
//! be read (no sign-in, network, 403) is one information message per server start.
//! `amlComputeLs.live: "off"` turns it off.

use super::documents::{Analysis, Document, LiveFound};
use super::publish;
use super::state::{State, lock};
use super::to_proto::{self, Positions};
use crate::actions::{Connection, check_in_workspace, live_client};
use crate::arm::{ArmClient, ClientOptions};
use crate::live::{LiveCache, SystemClock, Ttls};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{MessageType, Uri};

/// A client kept for reuse, with the endpoint and token it was built for.
type KeptClient = (String, Option<String>, Arc<ArmClient>);

/// What the live checks keep for the whole server run.
pub(super) struct LiveState {
    cache: LiveCache,
    /// The client of the current endpoint and token, kept so that its sign-in is reused.
    client: Mutex<Option<KeptClient>>,
    /// Whether this server start already said that the workspace cannot be read.
    failure_said: AtomicBool,
}

impl Default for LiveState {
    fn default() -> Self {
        LiveState {
            cache: LiveCache::new(Arc::new(SystemClock::new()), Ttls::default()),
            client: Mutex::new(None),
            failure_said: AtomicBool::new(false),
        }
    }
}

impl LiveState {
    /// The client for `conn` (a new one when the endpoint or token changed); None when the
    /// endpoint cannot be used (the Azure commands say why when they run).
    fn client_for(&self, conn: &Connection, token: Option<&String>) -> Option<Arc<ArmClient>> {
        let mut kept = lock(&self.client);
        if let Some((endpoint, t, client)) = kept.as_ref()
            && *endpoint == conn.endpoint
            && t.as_ref() == token
        {
            return Some(client.clone());
        }
        // A background check does not wait long on a workspace: one retry, half a minute in all.
        let quick = Connection {
            options: ClientOptions {
                max_retries: 1,
                retry_base: Duration::from_millis(250),
                timeout: Duration::from_secs(20),
                request_budget: Duration::from_secs(30),
                ..conn.options.clone()
            },
            ..conn.clone()
        };
        let client = Arc::new(live_client(&quick).ok()?);
        *kept = Some((conn.endpoint.clone(), token.cloned(), client.clone()));
        Some(client)
    }
}

/// Starts the live check of a document whose offline diagnostics were just published for
/// `version` at `revision` under settings `generation`.
pub(super) fn spawn(
    client: &Client,
    state: &Arc<State>,
    uri: &Uri,
    analysis: Arc<Analysis>,
    version: i32,
    revision: u64,
    generation: u64,
) {
    let azure = state.azure();
    if !azure.live {
        return;
    }
    let (client, state, uri) = (client.clone(), state.clone(), uri.clone());
    tokio::spawn(async move {
        // A task spawned here runs next on this thread, before the writer that sends the offline
        // publish just queued; and with a warm cache the whole live check runs without
        // waiting. Step aside first, so the offline diagnostics are never delayed by it.
        tokio::task::yield_now().await;
        let conn = azure.connection();
        let Some(arm) = state.live.client_for(&conn, azure.access_token.as_ref()) else { return };
        // Only a file has a folder to look for the workspace's config.json from.
        let path = uri.to_file_path().filter(|_| uri.scheme().as_str().eq_ignore_ascii_case("file"));
        let options = state.options();
        let found = check_in_workspace(
            &conn,
            &arm,
            &state.live.cache,
            path.as_deref().map(Path::new),
            &analysis.text,
            &analysis.result,
            &options,
        )
        .await;
        let outcome = match found {
            Ok(Some((_, outcome))) => outcome,
            Ok(None) => return,
            // No workspace configured: nothing to say.
            Err(failure) if failure.workspace.is_none() => return,
            Err(failure) => {
                if !state.live.failure_said.swap(true, Ordering::SeqCst) {
                    let message = format!("Azure ML: {} Offline checks go on.", failure.message());
                    client.show_message(MessageType::INFO, message).await;
                }
                return;
            }
        };
        let found = Arc::new(LiveFound {
            analysis: analysis.clone(),
            diagnostics: outcome.diagnostics,
            cost: outcome.report.cost,
        });
        // Kept for requests (pulls, code actions, hovers) only while the document is at this
        // revision and the settings at this generation.
        let current =
            |d: &Document| d.revision == revision && state.settings_generation.load(Ordering::SeqCst) == generation;
        {
            let mut docs = lock(&state.docs);
            match docs.get_mut(&uri) {
                Some(doc) if current(doc) => doc.live = Some(found.clone()),
                _ => return,
            }
        }
        if state.caps().pull_diagnostics {
            // A pulling client pulls again and gets them (`handlers::diagnostic_pull`).
            let _ = client.workspace_diagnostic_refresh().await;
            return;
        }
        let pos = Positions::new(&analysis.text, state.caps().encoding);
        let diagnostics = found.diagnostics.iter().map(|d| to_proto::diagnostic(&pos, d)).collect();
        // Never publish for a text or settings the editor has moved past, nor after its newer
        // publish (`server::publish`).
        publish::when_current(&state, &uri, current, || {
            client.publish_diagnostics(uri.clone(), diagnostics, Some(version))
        })
        .await;
    });
}

/// The live findings kept for `analysis` (the very check they extend), if any.
pub(super) fn found_for(state: &State, uri: &Uri, analysis: &Analysis) -> Option<Arc<LiveFound>> {
    lock(&state.docs).get(uri).and_then(|d| d.live.clone()).filter(|l| l.extends(analysis))
}
