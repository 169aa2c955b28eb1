//! `textDocument/didOpen`: the document is stored, then checked.

use crate::server::backend::Backend;
use crate::server::documents::Document;
use crate::server::state::{lock, path_of};
use std::sync::atomic::Ordering;
use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

pub(in crate::server) async fn handle(server: &Backend, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    {
        let mut docs = lock(&server.state.docs);
        let mut document = Document::new(&doc.text, doc.version, path_of(&doc.uri));
        document.revision = server.state.revisions.fetch_add(1, Ordering::SeqCst) + 1;
        docs.insert(doc.uri.clone(), document);
    }
    server.schedule(doc.uri);
}
