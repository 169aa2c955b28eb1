//! `window/workDoneProgress/cancel`: the user pressed cancel on a command's progress.

use super::execute_command::token_text;
use crate::server::backend::Backend;
use crate::server::state::lock;
use tower_lsp_server::ls_types::WorkDoneProgressCancelParams;

pub(in crate::server) async fn handle(server: &Backend, params: WorkDoneProgressCancelParams) {
    if let Some(sender) = lock(&server.state.cancels).remove(&token_text(&params.token)) {
        let _ = sender.send(());
    }
}
