//! The LSP server: documents, settings, diagnostics scheduling, and the request handlers.
//!
//! Concurrency rules (DESIGN.md): document changes are applied to the store before the first
//! `.await`; no lock is held across an `.await`; checking runs in `spawn_blocking` on a text
//! snapshot, which also turns a panic into an error reply instead of a dead server.
//!
//! Scheduling: each open document has at most one validation loop. It checks the newest text,
//! publishes only if that text is still current, and keeps the result, so requests on an
//! unchanged document cost only their own query. A big document waits for a quiet moment before
//! it is checked (a paste followed by an undo checks only the undo), and a check made stale by an
//! edit to a small text is abandoned rather than waited for.

use super::commands::{self, AzureSettings, CommandArgs, LspUi};
use super::config;
use super::documents::{Analysis, Checked, Document};
use super::to_proto::{self, Positions};
use crate::actions::Op;
use crate::check::{CheckOptions, check_text};
use crate::ide;
use crate::syntax::text::{PositionEncoding, TextRange};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

#[derive(Clone, Copy, Debug)]
struct ClientCaps {
    encoding: PositionEncoding,
    pull_diagnostics: bool,
    configuration: bool,
    work_done_progress: bool,
    code_lens_refresh: bool,
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
struct State {
    docs: Mutex<HashMap<Uri, Document>>,
    options: RwLock<CheckOptions>,
    /// Bumped on every settings change, so a document is re-checked even at the same version.
    settings_generation: std::sync::atomic::AtomicU64,
    caps: RwLock<ClientCaps>,
    azure: RwLock<AzureSettings>,
    /// The last known status line of the compute each open spec describes (for code lenses).
    statuses: Mutex<HashMap<Uri, crate::actions::ComputeSummary>>,
    /// Running commands' progress tokens, and how to tell them the user cancelled.
    cancels: Mutex<HashMap<String, tokio::sync::oneshot::Sender<()>>>,
    next_token: std::sync::atomic::AtomicU64,
    /// The documents with a validation loop running, and whether it must run once more.
    validating: Mutex<HashMap<Uri, bool>>,
    /// Source of document revisions: unique across documents and reopenings, so an analysis
    /// of a closed document's text can never pass for one of its reopened text.
    revisions: std::sync::atomic::AtomicU64,
    /// Woken whenever a document's analysis is stored or a document closes.
    analyzed: tokio::sync::Notify,
    /// Checks abandoned because their text went stale, still running on the blocking pool.
    abandoned_checks: Arc<AtomicUsize>,
    /// Permits to check a big text: fewer than the cores, so checks of several big documents
    /// never take the CPU from reading messages and answering requests.
    big_checks: BigChecks,
    /// The test-only request [`DEBUG_TEXT_METHOD`] answers (see [`TEST_HOOKS_ENV`]).
    test_hooks: bool,
}

/// One permit fewer than the cores (at least one).
struct BigChecks(Arc<tokio::sync::Semaphore>);

impl Default for BigChecks {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        BigChecks(Arc::new(tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))))
    }
}

/// Texts up to this size are checked on demand by a request that finds no current analysis;
/// bigger ones are left to their validation loop, so requests never start a second big check.
const SMALL_TEXT: usize = 256 * 1024;
/// A text bigger than this is checked only after it has stayed unchanged this long.
const LARGE_TEXT: usize = 1024 * 1024;
const QUIET_PERIOD: Duration = Duration::from_millis(150);
/// A big document edited without pause is still checked at least this often.
const MAX_POSTPONEMENT: Duration = Duration::from_secs(2);

/// Set to `1` to enable [`DEBUG_TEXT_METHOD`], which tests use to compare the server's copy of
/// a document with the editor's. Off by default: the request then does not exist.
pub const TEST_HOOKS_ENV: &str = "AML_COMPUTE_LS_TEST_HOOKS";
/// Test-only request: `{"textDocument": {"uri"}}` → `{"version", "text"}` (null if not open).
pub const DEBUG_TEXT_METHOD: &str = "amlComputeLs/debug/documentText";

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere must not wedge the server: a poisoned lock still holds valid data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The document's path as `check` takes it: the file's path for a `file:` URI (so that files a
/// spec names are found beside it), else the URI's last segment (enough to tell YAML from JSON).
fn path_of(uri: &Uri) -> String {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    match uri.to_file_path().filter(|_| is_file) {
        Some(path) => path.to_string_lossy().into_owned(),
        None => uri.as_str().rsplit('/').next().unwrap_or("").to_string(),
    }
}

impl Backend {
    pub fn new(client: Client) -> Self {
        // Until the client sends settings, the defaults are what an empty settings section means.
        let options = RwLock::new(config::parse(&serde_json::Value::Null).0);
        let test_hooks = std::env::var(TEST_HOOKS_ENV).is_ok_and(|v| v == "1");
        Backend { client, state: Arc::new(State { options, test_hooks, ..State::default() }) }
    }

    fn caps(&self) -> ClientCaps {
        *self.state.caps.read().unwrap_or_else(|e| e.into_inner())
    }

    fn options(&self) -> CheckOptions {
        self.state.options.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    async fn log(&self, typ: MessageType, message: String) {
        eprintln!("aml-compute-ls: {message}");
        self.client.log_message(typ, message).await;
    }

    /// The current text, version and file name of an open document.
    fn snapshot(&self, uri: &Uri) -> Option<(String, i32, String)> {
        let docs = lock(&self.state.docs);
        docs.get(uri).map(|d| (d.rope.to_string(), d.version, d.path.clone()))
    }

    /// Checks the current text of a document and runs `f` on the result, off the async
    /// threads. A panic anywhere in there becomes an error reply and a log line, not a dead
    /// server. A closed document answers `None`.
    async fn with_analysis<T, F>(&self, uri: &Uri, what: &'static str, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Analysis, &Positions, &CheckOptions) -> T + Send + 'static,
    {
        let Some(analysis) = self.current_analysis(uri, what).await? else { return Ok(None) };
        let options = self.options();
        let encoding = self.caps().encoding;
        let joined = tokio::task::spawn_blocking(move || {
            let pos = Positions::new(&analysis.text, encoding);
            f(&analysis, &pos, &options)
        })
        .await;
        match joined {
            Ok(value) => Ok(Some(value)),
            Err(e) => {
                self.log(MessageType::ERROR, format!("{what} for {} failed: {e}", uri.as_str())).await;
                Err(Error::internal_error())
            }
        }
    }

    /// The analysis of a document's current text (`None` if it is not open): the stored one when
    /// it is current; for a small text, a fresh check; for a big one, the check its validation
    /// loop is making (a request never starts a second big check).
    async fn current_analysis(&self, uri: &Uri, what: &str) -> Result<Option<Arc<Analysis>>> {
        let generation = self.state.settings_generation.load(Ordering::SeqCst);
        let (revision, small, current) = {
            let docs = lock(&self.state.docs);
            let Some(doc) = docs.get(uri) else { return Ok(None) };
            match doc.current(generation) {
                Some(checked) => (doc.revision, None, Some(checked.clone())),
                None => {
                    let small = (doc.rope.len_bytes() <= SMALL_TEXT).then(|| (doc.rope.to_string(), doc.path.clone()));
                    (doc.revision, small, None)
                }
            }
        };
        if let Some(checked) = current {
            return self.usable(uri, what, checked).await;
        }
        if let Some((text, path)) = small {
            let options = self.options();
            let checked = tokio::task::spawn_blocking(move || {
                let result = check_text(&text, Some(&path), &options);
                Arc::new(Analysis { text, result })
            })
            .await
            .map_err(|e| e.to_string());
            return self.usable(uri, what, Checked { revision, generation, analysis: checked }).await;
        }
        loop {
            let analyzed = self.state.analyzed.notified();
            tokio::pin!(analyzed);
            analyzed.as_mut().enable();
            let found = {
                let docs = lock(&self.state.docs);
                let Some(doc) = docs.get(uri) else { return Ok(None) };
                doc.checked.as_ref().filter(|c| c.revision >= revision && c.generation >= generation).cloned()
            };
            if let Some(checked) = found {
                return self.usable(uri, what, checked).await;
            }
            analyzed.await;
        }
    }

    async fn usable(&self, uri: &Uri, what: &str, checked: Checked) -> Result<Option<Arc<Analysis>>> {
        match checked.analysis {
            Ok(analysis) => Ok(Some(analysis)),
            Err(e) => {
                self.log(MessageType::ERROR, format!("{what} for {} failed: {e}", uri.as_str())).await;
                Err(Error::internal_error())
            }
        }
    }

    /// Validates a document now, or, if a validation is running, once more when it ends with
    /// the newest text. Bursts of edits therefore cost at most one extra run, with no timer.
    fn schedule(&self, uri: Uri) {
        {
            let mut loops = lock(&self.state.validating);
            if let Some(rerun) = loops.get_mut(&uri) {
                *rerun = true;
                return;
            }
            loops.insert(uri.clone(), false);
        }
        let client = self.client.clone();
        let state = self.state.clone();
        tokio::spawn(validate_loop(client, state, uri));
    }

    /// After something other than a document's text changed (settings, files on disk): pushed
    /// diagnostics are checked and published again for every open document; a pulling client is
    /// asked to pull again. Documents the editor does not have open get neither.
    async fn refresh_diagnostics(&self) {
        if self.caps().pull_diagnostics {
            let _ = self.client.workspace_diagnostic_refresh().await;
        } else {
            self.revalidate_all();
        }
    }

    fn revalidate_all(&self) {
        let uris: Vec<Uri> = lock(&self.state.docs).keys().cloned().collect();
        for uri in uris {
            self.schedule(uri);
        }
    }

    async fn apply_settings(&self, value: &serde_json::Value) {
        let (options, warnings) = config::parse(value);
        let section = value.get(config::SECTION).unwrap_or(value);
        *self.state.azure.write().unwrap_or_else(|e| e.into_inner()) = AzureSettings::from_json(section);
        *self.state.options.write().unwrap_or_else(|e| e.into_inner()) = options;
        self.state.settings_generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Open documents are checked again under the new settings (requests wait for that).
        self.revalidate_all();
        for w in warnings {
            self.log(MessageType::WARNING, format!("settings: {w}")).await;
        }
    }

    async fn pull_settings(&self) {
        if !self.caps().configuration {
            return;
        }
        let items = vec![ConfigurationItem { scope_uri: None, section: Some(config::SECTION.to_string()) }];
        match self.client.configuration(items).await {
            Ok(values) => {
                if let Some(v) = values.into_iter().next().filter(|v| !v.is_null()) {
                    self.apply_settings(&v).await;
                }
            }
            Err(e) => self.log(MessageType::WARNING, format!("could not read settings: {e}")).await,
        }
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
    state: &State,
    uri: &Uri,
    text: String,
    version: i32,
    revision: u64,
    path: String,
) {
    let options = state.options.read().unwrap_or_else(|e| e.into_inner()).clone();
    let caps = *state.caps.read().unwrap_or_else(|e| e.into_inner());
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
    if let Some(diagnostics) = diagnostics
        && current
        && !caps.pull_diagnostics
    {
        client.publish_diagnostics(uri.clone(), diagnostics, Some(version)).await;
    }
}

/// Whether diagnostics are pulled (`textDocument/diagnostic`) rather than pushed. Only for a
/// client that both pulls and takes `workspace/diagnostic/refresh` (LSP 3.17,
/// `DiagnosticWorkspaceClientCapabilities.refreshSupport`): a pulling client re-pulls only
/// when the document changes, so without refresh it would keep stale diagnostics after a
/// settings change. Neovim 0.11/0.12 pulls without refresh; such clients get pushes.
fn pulls_with_refresh(capabilities: &ClientCapabilities) -> bool {
    let pulls = capabilities.text_document.as_ref().and_then(|t| t.diagnostic.as_ref()).is_some();
    let refreshes = capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.diagnostics.as_ref())
        .and_then(|d| d.refresh_support)
        .unwrap_or(false);
    pulls && refreshes
}

fn negotiate_encoding(params: &InitializeParams) -> PositionEncoding {
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

fn encoding_kind(e: PositionEncoding) -> PositionEncodingKind {
    match e {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = ClientCaps {
            encoding: negotiate_encoding(&params),
            pull_diagnostics: pulls_with_refresh(&params.capabilities),
            configuration: params.capabilities.workspace.as_ref().and_then(|w| w.configuration).unwrap_or(false),
            work_done_progress: params.capabilities.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
            code_lens_refresh: params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
        };
        *self.state.caps.write().unwrap_or_else(|e| e.into_inner()) = caps;
        if let Some(init) = params.initialization_options.as_ref() {
            self.apply_settings(init).await;
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "aml-compute-ls".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding_kind(caps.encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                })),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![":".into(), " ".into(), "-".into(), "\"".into()]),
                    ..Default::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: commands::COMMANDS.iter().map(|c| c.to_string()).collect(),
                    work_done_progress_options: WorkDoneProgressOptions { work_done_progress: Some(true) },
                }),
                code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
                document_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::SOURCE]),
                    ..Default::default()
                })),
                diagnostic_provider: caps.pull_diagnostics.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("aml-compute-ls".into()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: false,
                        ..Default::default()
                    })
                }),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.pull_settings().await;
        let caps = self.caps();
        self.log(
            MessageType::INFO,
            format!(
                "aml-compute-ls {} ready ({:?} positions, {} diagnostics)",
                env!("CARGO_PKG_VERSION"),
                caps.encoding,
                if caps.pull_diagnostics { "pull" } else { "push" }
            ),
        )
        .await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        {
            let mut docs = lock(&self.state.docs);
            let mut document = Document::new(&doc.text, doc.version, path_of(&doc.uri));
            document.revision = self.state.revisions.fetch_add(1, Ordering::SeqCst) + 1;
            docs.insert(doc.uri.clone(), document);
        }
        self.schedule(doc.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let encoding = self.caps().encoding;
        {
            let mut docs = lock(&self.state.docs);
            let Some(doc) = docs.get_mut(&uri) else { return };
            for change in &params.content_changes {
                let range = change.range.map(|r| ((r.start.line, r.start.character), (r.end.line, r.end.character)));
                doc.apply_change(range, &change.text, encoding);
            }
            doc.version = params.text_document.version;
            doc.revision = self.state.revisions.fetch_add(1, Ordering::SeqCst) + 1;
        }
        self.schedule(uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        lock(&self.state.docs).remove(&uri);
        // Requests waiting for this document's analysis answer `null` now.
        self.state.analyzed.notify_waiters();
        if !self.caps().pull_diagnostics {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let has_section = params.settings.get(config::SECTION).is_some();
        if has_section || (!params.settings.is_null() && !self.caps().configuration) {
            self.apply_settings(&params.settings).await;
        } else {
            self.pull_settings().await;
        }
        self.refresh_diagnostics().await;
    }

    /// A file that specs read may have changed (an attached VM's key file, a `config.json`):
    /// the open specs are checked again.
    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        self.refresh_diagnostics().await;
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let items = self
            .with_analysis(&params.text_document.uri, "diagnostics", |a, pos, _| {
                a.result.diagnostics.iter().map(|d| to_proto::diagnostic(pos, d)).collect()
            })
            .await?
            .unwrap_or_default();
        Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
            },
        )))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        self.with_analysis(&uri, "completion", move |a, pos, options| {
            let items = ide::complete(&a.text, pos.offset(position), &a.result, options);
            let items = items.iter().map(|i| to_proto::completion_item(pos, i)).collect();
            CompletionResponse::List(CompletionList { is_incomplete: false, items })
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let hover = self
            .with_analysis(&uri, "hover", move |a, pos, _| {
                ide::hover(&a.text, pos.offset(position), &a.result).map(|h| Hover {
                    contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown }),
                    range: Some(pos.range(h.range)),
                })
            })
            .await?;
        Ok(hover.flatten())
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.with_analysis(&params.text_document.uri, "document symbols", |a, pos, _| {
            let symbols = ide::document_symbols(&a.text, &a.result);
            DocumentSymbolResponse::Nested(symbols.iter().map(|s| to_proto::symbol(pos, s)).collect())
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let unfiltered = params.context.only.is_none();
        let azure = self.azure();
        let status = lock(&self.state.statuses).get(&uri).cloned();
        let response = self
            .with_analysis(&uri.clone(), "code actions", move |a, pos, _| {
                let mut actions = code_actions(a, pos, &uri, &params);
                // The Azure commands as code actions, for clients without code lenses (Helix).
                if unfiltered {
                    let ws = azure.workspace_label(commands::uri_path(&uri).as_deref());
                    let exists = known_exists(a, status.as_ref());
                    for op in commands::ops_for_known(a.result.kind(), exists) {
                        let mut command = commands::command(op, &uri, ws.as_deref());
                        command.title = commands::known_title(op, ws.as_deref(), exists);
                        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: format!("Azure ML: {}", command.title),
                            command: Some(command),
                            ..Default::default()
                        }));
                    }
                }
                actions
            })
            .await?;
        Ok(response)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let azure = self.azure();
        let status = lock(&self.state.statuses).get(&uri).cloned();
        let lens_uri = uri.clone();
        let lenses = self
            .with_analysis(&uri, "code lenses", move |a, pos, _| {
                let ops = commands::ops_for(a.result.kind());
                let Some(first) = ops.first().copied() else { return Vec::new() };
                let top = pos.range(TextRange::empty(0));
                let ws = azure.workspace_label(commands::uri_path(&lens_uri).as_deref());
                let mut create = commands::command(first, &lens_uri, ws.as_deref());
                create.title = commands::known_title(first, ws.as_deref(), known_exists(a, status.as_ref()));
                if ws.is_none() {
                    create.title.push_str(" (no workspace configured yet)");
                }
                let mut status_cmd = commands::command(Op::Status, &lens_uri, ws.as_deref());
                status_cmd.title = format!(
                    "Status: {}",
                    status.map_or_else(|| "unknown (click to check)".to_string(), |c| c.status_line)
                );
                vec![
                    CodeLens { range: top, command: Some(create), data: None },
                    CodeLens { range: top, command: Some(status_cmd), data: None },
                ]
            })
            .await?;
        Ok(lenses)
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<serde_json::Value>> {
        let Some(op) = Op::parse(&params.command).filter(|_| commands::COMMANDS.contains(&params.command.as_str()))
        else {
            return Err(Error::invalid_params(format!("unknown command `{}`", params.command)));
        };
        let args = CommandArgs::parse(&params.arguments);
        let open_text = args.uri.as_ref().and_then(|u| self.snapshot(u)).map(|(text, _, _)| text);
        let target = match commands::target(&args, open_text) {
            Ok(t) => t,
            Err(error) => {
                let message = error.to_string();
                if !args.quiet {
                    self.client.show_message(MessageType::ERROR, &message).await;
                }
                return Ok(Some(serde_json::json!({"ok": false, "message": message})));
            }
        };
        let conn = self.azure().connection();
        // Progress on the client's token, or on one we create when the client supports it.
        let n = self.state.next_token.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let token = match params.work_done_progress_params.work_done_token {
            Some(t) => Some(t),
            None if self.caps().work_done_progress && !args.quiet => {
                let t = NumberOrString::String(format!("aml-compute-ls/{n}"));
                self.client.create_work_done_progress(t.clone()).await.ok().map(|_| t)
            }
            None => None,
        };
        let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel::<()>();
        let token_key = token.as_ref().map(token_text);
        if let Some(key) = &token_key {
            lock(&self.state.cancels).insert(key.clone(), cancel_tx);
        }
        let progress = match token {
            Some(t) => {
                Some(self.client.progress(t, format!("Azure ML: {}", op.name())).with_cancel_button().begin().await)
            }
            None => None,
        };
        let mut ui = LspUi { client: self.client.clone(), progress, quiet: args.quiet };
        let cancel = async move {
            // Only a real cancel stops the wait; the sender going away does not.
            if cancel_rx.await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        let outcome = commands::execute(op, target, conn, &mut ui, cancel).await;
        if let Some(key) = token_key {
            lock(&self.state.cancels).remove(&key);
        }
        if let Some(p) = ui.progress.take() {
            p.finish_with_message(if outcome.ok { "done" } else { "failed" }).await;
        }
        if !args.quiet {
            let typ = if outcome.ok { MessageType::INFO } else { MessageType::ERROR };
            self.client.show_message(typ, &outcome.message).await;
        }
        if let (Some(uri), Some(compute)) = (&args.uri, &outcome.compute) {
            lock(&self.state.statuses).insert(uri.clone(), compute.clone());
            if self.caps().code_lens_refresh {
                let _ = self.client.code_lens_refresh().await;
            }
        }
        Ok(Some(commands::outcome_json(&outcome)))
    }
}

/// Whether the spec's compute exists, from the last status the server saw for this document;
/// unknown when there was none or it was for another name (the spec was renamed since).
fn known_exists(a: &Analysis, status: Option<&crate::actions::ComputeSummary>) -> Option<bool> {
    let status = status?;
    let name = a.result.parsed.root.as_ref()?.get("name")?.as_str()?;
    (name == status.name).then(|| commands::exists(&status.state))
}

fn token_text(token: &NumberOrString) -> String {
    match token {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s.clone(),
    }
}

impl Backend {
    fn azure(&self) -> AzureSettings {
        self.state.azure.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// [`DEBUG_TEXT_METHOD`]: the server's copy of a document, when [`TEST_HOOKS_ENV`] is set.
    pub async fn debug_document_text(&self, params: serde_json::Value) -> Result<serde_json::Value> {
        if !self.state.test_hooks {
            return Err(Error::method_not_found());
        }
        let uri = params["textDocument"]["uri"]
            .as_str()
            .and_then(|u| u.parse::<Uri>().ok())
            .ok_or_else(|| Error::invalid_params("expected `textDocument.uri`"))?;
        Ok(match self.snapshot(&uri) {
            Some((text, version, _)) => serde_json::json!({"version": version, "text": text}),
            None => serde_json::Value::Null,
        })
    }

    /// `window/workDoneProgress/cancel`: the user pressed cancel on a command's progress.
    pub async fn progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        if let Some(sender) = lock(&self.state.cancels).remove(&token_text(&params.token)) {
            let _ = sender.send(());
        }
    }
}

/// Converts the ide layer's actions to LSP code actions, honouring the client's `only` filter.
fn code_actions(a: &Analysis, pos: &Positions, uri: &Uri, params: &CodeActionParams) -> CodeActionResponse {
    let start = pos.offset(params.range.start);
    let range = TextRange::new(start, pos.offset(params.range.end).max(start));
    let wanted = params.context.only.as_ref();
    ide::code_actions(&a.text, range, &a.result)
        .iter()
        .filter_map(|action| {
            let kind = match action.kind {
                ide::ActionKind::QuickFix => CodeActionKind::QUICKFIX,
                ide::ActionKind::Source => CodeActionKind::SOURCE,
            };
            if let Some(only) = wanted
                && !only.iter().any(|o| kind.as_str().starts_with(o.as_str()))
            {
                return None;
            }
            let edits = action.edits.iter().map(|e| pos.text_edit(e)).collect();
            let diagnostics: Vec<_> = action
                .diagnostics
                .iter()
                .filter_map(|i| a.result.diagnostics.get(*i))
                .map(|d| to_proto::diagnostic(pos, d))
                .collect();
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: action.title.clone(),
                kind: Some(kind),
                diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..Default::default()
                }),
                is_preferred: action.preferred.then_some(true),
                ..Default::default()
            }))
        })
        .collect()
}
