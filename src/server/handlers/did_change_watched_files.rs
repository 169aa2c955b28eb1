//! `workspace/didChangeWatchedFiles`: a file that specs read may have changed (an attached VM's
//! key file, a `config.json`), so the open specs are checked again.

use crate::server::backend::Backend;
use crate::server::validation;
use tower_lsp_server::ls_types::DidChangeWatchedFilesParams;

pub(in crate::server) async fn handle(server: &Backend, _: DidChangeWatchedFilesParams) {
    validation::refresh_diagnostics(&server.client, &server.state).await;
}
