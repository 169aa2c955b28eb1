//! `textDocument/codeAction`: the quick fixes and source actions of the `ide` layer, for the
//! offline findings and the live ones once known for the text (`server::live`), and the Azure
//! commands for clients without code lenses (Helix).

use super::code_lens::known_exists;
use crate::diagnostic::Diagnostic;
use crate::ide;
use crate::server::backend::Backend;
use crate::server::documents::Analysis;
use crate::server::state::lock;
use crate::server::to_proto::{self, Positions};
use crate::server::{commands, live};
use crate::syntax::text::TextRange;
use std::collections::HashMap;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub(in crate::server) async fn handle(
    server: &Backend,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri.clone();
    let unfiltered = params.context.only.is_none();
    let azure = server.state.azure();
    let status = lock(&server.state.statuses).get(&uri).cloned();
    let state = server.state.clone();
    let response = server
        .with_analysis(&uri.clone(), "code actions", move |a, pos, _| {
            let found = live::found_for(&state, &uri, a);
            let findings = found.as_ref().map_or(&a.result.diagnostics, |f| &f.diagnostics);
            let mut actions = code_actions(a, findings, pos, &uri, &params);
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

/// Converts the ide layer's actions for `findings` (of `a`'s text) to LSP code actions,
/// honouring the client's `only` filter.
fn code_actions(
    a: &Analysis,
    findings: &[Diagnostic],
    pos: &Positions,
    uri: &Uri,
    params: &CodeActionParams,
) -> CodeActionResponse {
    let start = pos.offset(params.range.start);
    let range = TextRange::new(start, pos.offset(params.range.end).max(start));
    let wanted = params.context.only.as_ref();
    ide::code_actions_for(&a.text, range, &a.result, findings)
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
                .filter_map(|i| findings.get(*i))
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
