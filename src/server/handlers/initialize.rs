//! `initialize` and `initialized`: what the client can do, what the server offers, and the
//! first settings.

use super::configuration;
use crate::server::backend::Backend;
use crate::server::commands;
use crate::server::state::ClientCaps;
use crate::syntax::text::PositionEncoding;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub(in crate::server) async fn handle(server: &Backend, params: InitializeParams) -> Result<InitializeResult> {
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
    *server.state.caps.write().unwrap_or_else(|e| e.into_inner()) = caps;
    if let Some(init) = params.initialization_options.as_ref() {
        configuration::apply_settings(server, init).await;
    }
    Ok(InitializeResult {
        server_info: Some(ServerInfo {
            name: "aml-compute-ls".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        capabilities: server_capabilities(caps),
        offset_encoding: None,
    })
}

/// `initialized`: the settings are pulled (when the client serves them), then a log line says
/// what was negotiated.
pub(in crate::server) async fn initialized(server: &Backend) {
    configuration::pull_settings(server).await;
    let caps = server.state.caps();
    server
        .log(
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

fn server_capabilities(caps: ClientCaps) -> ServerCapabilities {
    ServerCapabilities {
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
