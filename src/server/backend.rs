//! The LSP server: documents, settings, diagnostics scheduling, and the request handlers.
//!
//! Concurrency rules (DESIGN.md): document changes are applied to the store before the first
//! `.await`; no lock is held across an `.await`; checking runs in `spawn_blocking` on a text
//! snapshot, which also turns a panic into an error reply instead of a dead server.

use super::commands::{self, AzureSettings, CommandArgs, LspUi};
use super::config;
use super::documents::Document;
use super::to_proto::{self, Positions};
use crate::actions::Op;
use crate::check::{CheckOptions, CheckResult, check_text};
use crate::ide;
use crate::syntax::text::{PositionEncoding, TextRange};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
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
}

/// A checked snapshot of a document.
struct Analysis {
    text: String,
    result: CheckResult,
}

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
        Backend { client, state: Arc::new(State { options, ..State::default() }) }
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
        let Some((text, _, path)) = self.snapshot(uri) else { return Ok(None) };
        let options = self.options();
        let encoding = self.caps().encoding;
        let joined = tokio::task::spawn_blocking(move || {
            let result = check_text(&text, Some(&path), &options);
            let analysis = Analysis { text, result };
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

    /// Validates a document now, or, if a validation is running, once more when it ends with
    /// the newest text. Bursts of edits therefore cost at most one extra run, with no timer.
    fn schedule(&self, uri: Uri) {
        {
            let mut docs = lock(&self.state.docs);
            let Some(doc) = docs.get_mut(&uri) else { return };
            if doc.validating {
                doc.rerun = true;
                return;
            }
            doc.validating = true;
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
    // may find the version this loop already checked: skip it rather than publish it twice.
    let mut last_checked: Option<(i32, u64)> = None;
    loop {
        let snapshot = {
            let docs = lock(&state.docs);
            docs.get(&uri).map(|d| (d.rope.to_string(), d.version, d.path.clone()))
        };
        let Some((text, version, path)) = snapshot else { return };
        let generation = state.settings_generation.load(std::sync::atomic::Ordering::SeqCst);
        if last_checked != Some((version, generation)) {
            last_checked = Some((version, generation));
            check_and_publish(&client, &state, &uri, text, version, path).await;
        }
        let mut docs = lock(&state.docs);
        let Some(doc) = docs.get_mut(&uri) else { return };
        if doc.rerun {
            doc.rerun = false;
        } else {
            doc.validating = false;
            return;
        }
    }
}

async fn check_and_publish(client: &Client, state: &State, uri: &Uri, text: String, version: i32, path: String) {
    let options = state.options.read().unwrap_or_else(|e| e.into_inner()).clone();
    let caps = *state.caps.read().unwrap_or_else(|e| e.into_inner());
    let checked = tokio::task::spawn_blocking(move || {
        let result = check_text(&text, Some(&path), &options);
        let pos = Positions::new(&text, caps.encoding);
        result.diagnostics.iter().map(|d| to_proto::diagnostic(&pos, d)).collect::<Vec<_>>()
    })
    .await;
    match checked {
        Ok(diagnostics) => {
            // Never publish for a version the editor has already moved past.
            let current = lock(&state.docs).get(uri).map(|d| d.version);
            if current == Some(version) && !caps.pull_diagnostics {
                client.publish_diagnostics(uri.clone(), diagnostics, Some(version)).await;
            }
        }
        Err(e) => {
            let message = format!("checking {} failed: {e}", uri.as_str());
            eprintln!("aml-compute-ls: {message}");
            client.log_message(MessageType::ERROR, message).await;
        }
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
            docs.insert(doc.uri.clone(), Document::new(&doc.text, doc.version, path_of(&doc.uri)));
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
        }
        self.schedule(uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        lock(&self.state.docs).remove(&uri);
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
            Err(message) => {
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
