//! The language server's entry point for tower-lsp: `Backend` holds the client handle and the
//! shared [`State`], and its `LanguageServer` impl hands each LSP method to its module in
//! `handlers/`.
//!
//! How the pieces share the work (DESIGN.md, docs/reliability.md): every message runs as its
//! own task (`transport.rs`); document changes are applied to the store before the first
//! `.await`; no lock is held across an `.await`; checks run in `spawn_blocking` on a text
//! snapshot, one validation loop per document (`validation.rs`), and requests reuse the latest
//! result (`analysis.rs`).

use super::config;
use super::handlers::{self, debug_document_text::TEST_HOOKS_ENV};
use super::state::State;
use super::validation;
use std::sync::{Arc, RwLock};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

pub struct Backend {
    pub(super) client: Client,
    pub(super) state: Arc<State>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        // Until the client sends settings, the defaults are what an empty settings section means.
        let options = RwLock::new(config::parse(&serde_json::Value::Null).0);
        let test_hooks = std::env::var(TEST_HOOKS_ENV).is_ok_and(|v| v == "1");
        Backend { client, state: Arc::new(State { options, test_hooks, ..State::default() }) }
    }

    /// A line in the client's log, and on standard error.
    pub(super) async fn log(&self, typ: MessageType, message: String) {
        eprintln!("aml-compute-ls: {message}");
        self.client.log_message(typ, message).await;
    }

    /// Checks a document (again), see `validation::schedule`.
    pub(super) fn schedule(&self, uri: Uri) {
        validation::schedule(&self.client, &self.state, uri);
    }

    /// `amlComputeLs/debug/documentText` (test hooks only), see `handlers::debug_document_text`.
    pub async fn debug_document_text(&self, params: serde_json::Value) -> Result<serde_json::Value> {
        handlers::debug_document_text::handle(self, params).await
    }

    /// `window/workDoneProgress/cancel`, which tower-lsp leaves to a custom method.
    pub async fn progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        handlers::work_done_progress_cancel::handle(self, params).await
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        handlers::initialize::handle(self, params).await
    }

    async fn initialized(&self, _: InitializedParams) {
        handlers::initialize::initialized(self).await
    }

    async fn shutdown(&self) -> Result<()> {
        // Nothing to flush: the transport ends the session at `exit` without waiting for work.
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        handlers::did_open::handle(self, params).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        handlers::did_change::handle(self, params).await
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        handlers::did_close::handle(self, params).await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        handlers::configuration::handle(self, params).await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        handlers::did_change_watched_files::handle(self, params).await
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        handlers::diagnostic_pull::handle(self, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        handlers::completion::handle(self, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        handlers::hover::handle(self, params).await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        handlers::document_symbol::handle(self, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        handlers::code_action::handle(self, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        handlers::code_lens::handle(self, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<serde_json::Value>> {
        handlers::execute_command::handle(self, params).await
    }
}
