//! `textDocument/diagnostic`: the findings of the document's current text, for a client that
//! pulls them (see `initialize::pulls_with_refresh`).

use crate::server::backend::Backend;
use crate::server::to_proto;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

pub(in crate::server) async fn handle(
    server: &Backend,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let items = server
        .with_analysis(&params.text_document.uri, "diagnostics", |a, pos, _| {
            a.result.diagnostics.iter().map(|d| to_proto::diagnostic(pos, d)).collect()
        })
        .await?
        .unwrap_or_default();
    Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
    })))
}
