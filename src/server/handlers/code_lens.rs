//! `textDocument/codeLens`: the Azure command for the spec (create or attach, named for what
//! the server last saw of the compute) and its status, at the top of the file.

use crate::actions::{ComputeSummary, Op};
use crate::server::backend::Backend;
use crate::server::commands;
use crate::server::documents::Analysis;
use crate::server::state::lock;
use crate::syntax::text::TextRange;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CodeLens, CodeLensParams};

pub(in crate::server) async fn handle(server: &Backend, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let azure = server.state.azure();
    let status = lock(&server.state.statuses).get(&uri).cloned();
    let lens_uri = uri.clone();
    let lenses = server
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
            status_cmd.title =
                format!("Status: {}", status.map_or_else(|| "unknown (click to check)".to_string(), |c| c.status_line));
            vec![
                CodeLens { range: top, command: Some(create), data: None },
                CodeLens { range: top, command: Some(status_cmd), data: None },
            ]
        })
        .await?;
    Ok(lenses)
}

/// Whether the spec's compute exists, from the last status the server saw for this document;
/// unknown when there was none or it was for another name (the spec was renamed since).
pub(super) fn known_exists(a: &Analysis, status: Option<&ComputeSummary>) -> Option<bool> {
    let status = status?;
    let name = a.result.parsed.root.as_ref()?.get("name")?.as_str()?;
    (name == status.name).then(|| commands::exists(&status.state))
}
