//! `textDocument/didChange`: the changes are applied to the stored text (before any `.await`,
//! so changes apply in the order they came), then the document is checked again.

use crate::server::backend::Backend;
use crate::server::state::lock;
use std::sync::atomic::Ordering;
use tower_lsp_server::ls_types::DidChangeTextDocumentParams;

pub(in crate::server) async fn handle(server: &Backend, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let encoding = server.state.caps().encoding;
    {
        let mut docs = lock(&server.state.docs);
        let Some(doc) = docs.get_mut(&uri) else { return };
        for change in &params.content_changes {
            let range = change.range.map(|r| ((r.start.line, r.start.character), (r.end.line, r.end.character)));
            doc.apply_change(range, &change.text, encoding);
        }
        doc.version = params.text_document.version;
        doc.revision = server.state.revisions.fetch_add(1, Ordering::SeqCst) + 1;
    }
    server.schedule(uri);
}
