//! What the server keeps between messages: the open documents, the settings, what the client
//! can do, and the bookkeeping of running checks and commands. Every handler reads and changes
//! it through short lock scopes: no lock is ever held across an `.await`.

use super::commands::AzureSettings;
use super::documents::Document;
use crate::actions::ComputeSummary;
use crate::check::CheckOptions;
use crate::syntax::text::PositionEncoding;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use tower_lsp_server::ls_types::Uri;

/// What the client said it supports in `initialize`.
#[derive(Clone, Copy, Debug)]
pub(super) struct ClientCaps {
    pub encoding: PositionEncoding,
    pub pull_diagnostics: bool,
    pub configuration: bool,
    pub work_done_progress: bool,
    pub code_lens_refresh: bool,
}

impl Default for ClientCaps {
    fn default() -> Self {
        ClientCaps {
            encoding: PositionEncoding::Utf16,
            pull_diagnostics: false,
            configuration: false,
            work_done_progress: false,
            code_lens_refresh: false,
        }
    }
}

#[derive(Default)]
pub(super) struct State {
    pub docs: Mutex<HashMap<Uri, Document>>,
    pub options: RwLock<CheckOptions>,
    /// Bumped on every settings change, so a document is re-checked even at the same version.
    pub settings_generation: AtomicU64,
    pub caps: RwLock<ClientCaps>,
    pub azure: RwLock<AzureSettings>,
    /// The last known status line of the compute each open spec describes (for code lenses).
    pub statuses: Mutex<HashMap<Uri, ComputeSummary>>,
    /// Running commands' progress tokens, and how to tell them the user cancelled.
    pub cancels: Mutex<HashMap<String, tokio::sync::oneshot::Sender<()>>>,
    pub next_token: AtomicU64,
    /// The documents with a validation loop running, and whether it must run once more.
    pub validating: Mutex<HashMap<Uri, bool>>,
    /// Source of document revisions: unique across documents and reopenings, so an analysis
    /// of a closed document's text can never pass for one of its reopened text.
    pub revisions: AtomicU64,
    /// Woken whenever a document's analysis is stored or a document closes.
    pub analyzed: tokio::sync::Notify,
    /// Checks abandoned because their text went stale, still running on the blocking pool.
    pub abandoned_checks: Arc<AtomicUsize>,
    /// Permits to check a big text: fewer than the cores, so checks of several big documents
    /// never take the CPU from reading messages and answering requests.
    pub big_checks: BigChecks,
    /// The test-only request `DEBUG_TEXT_METHOD` answers (see `TEST_HOOKS_ENV`).
    pub test_hooks: bool,
    /// The live workspace checks' cache and client (`server::live`).
    pub live: super::live::LiveState,
}

/// One permit fewer than the cores (at least one).
pub(super) struct BigChecks(pub Arc<tokio::sync::Semaphore>);

impl Default for BigChecks {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        BigChecks(Arc::new(tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))))
    }
}

impl State {
    pub fn caps(&self) -> ClientCaps {
        *self.caps.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn options(&self) -> CheckOptions {
        self.options.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn azure(&self) -> AzureSettings {
        self.azure.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The current text, version and file name of an open document.
    pub fn snapshot(&self, uri: &Uri) -> Option<(String, i32, String)> {
        let docs = lock(&self.docs);
        docs.get(uri).map(|d| (d.rope.to_string(), d.version, d.path.clone()))
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not wedge the server: a poisoned lock still holds valid data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The document's path as `check` takes it: the file's path for a `file:` URI (so that files a
/// spec names are found beside it), else the URI's last segment (enough to tell YAML from JSON).
pub(super) fn path_of(uri: &Uri) -> String {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    match uri.to_file_path().filter(|_| is_file) {
        Some(path) => path.to_string_lossy().into_owned(),
        None => uri.as_str().rsplit('/').next().unwrap_or("").to_string(),
    }
}
