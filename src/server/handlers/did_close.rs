//! `textDocument/didClose`: the document is forgotten and its pushed diagnostics cleared.

use crate::server::backend::Backend;
use crate::server::publish;
use crate::server::state::lock;
use tower_lsp_server::ls_types::DidCloseTextDocumentParams;

pub(in crate::server) async fn handle(server: &Backend, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let closed = lock(&server.state.docs).remove(&uri);
    // Requests waiting for this document's analysis answer `null` now.
    server.state.analyzed.notify_waiters();
    if !server.state.caps().pull_diagnostics {
        let turn = closed.map(|doc| doc.publishing).unwrap_or_default();
        publish::cleared_on_close(&server.client, turn, uri).await;
    }
}
