//! `textDocument/diagnostic`: the findings of the document's current text, for a client that
//! pulls them (see `initialize::pulls_with_refresh`): the offline ones, with the live ones
//! merged in once they are known for that text (`server::live` asks the client to pull again
//! when they arrive).

use crate::server::backend::Backend;
use crate::server::{live, to_proto};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub(in crate::server) async fn handle(
    server: &Backend,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let (state, uri) = (server.state.clone(), params.text_document.uri.clone());
    let items = server
        .with_analysis(&params.text_document.uri, "diagnostics", move |a, pos, _| {
            let found = live::found_for(&state, &uri, a);
            let diagnostics = found.as_ref().map_or(&a.result.diagnostics, |f| &f.diagnostics);
            diagnostics.iter().map(|d| to_proto::diagnostic(pos, d)).collect()
        })
        .await?
        .unwrap_or_default();
    Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
    })))
}
