//! `textDocument/documentSymbol`: the outline.

use crate::ide;
use crate::server::backend::Backend;
use crate::server::to_proto;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentSymbolParams, DocumentSymbolResponse};

pub(in crate::server) async fn handle(
    server: &Backend,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    server
        .with_analysis(&params.text_document.uri, "document symbols", |a, pos, _| {
            let symbols = ide::document_symbols(&a.text, &a.result);
            DocumentSymbolResponse::Nested(symbols.iter().map(|s| to_proto::symbol(pos, s)).collect())
        })
        .await
}
