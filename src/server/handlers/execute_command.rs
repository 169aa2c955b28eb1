//! `workspace/executeCommand`: the Azure commands. Each runs as its own task (it never blocks
//! other requests), reports progress on the client's token or one the server creates, and can
//! be cancelled from that progress (`work_done_progress_cancel`).

use crate::actions::Op;
use crate::server::backend::Backend;
use crate::server::commands::{self, CommandArgs, LspUi};
use crate::server::state::lock;
use std::sync::atomic::Ordering;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, MessageType, NumberOrString};

pub(in crate::server) async fn handle(
    server: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<serde_json::Value>> {
    let Some(op) = Op::parse(&params.command).filter(|_| commands::COMMANDS.contains(&params.command.as_str())) else {
        return Err(Error::invalid_params(format!("unknown command `{}`", params.command)));
    };
    let client = &server.client;
    let state = &server.state;
    let args = CommandArgs::parse(&params.arguments);
    let open_text = args.uri.as_ref().and_then(|u| state.snapshot(u)).map(|(text, _, _)| text);
    let target = match commands::target(&args, open_text) {
        Ok(t) => t,
        Err(error) => {
            let message = error.to_string();
            if !args.quiet {
                client.show_message(MessageType::ERROR, &message).await;
            }
            return Ok(Some(serde_json::json!({"ok": false, "message": message})));
        }
    };
    let conn = state.azure().connection();
    // Progress on the client's token, or on one we create when the client supports it.
    let n = state.next_token.fetch_add(1, Ordering::SeqCst);
    let token = match params.work_done_progress_params.work_done_token {
        Some(t) => Some(t),
        None if state.caps().work_done_progress && !args.quiet => {
            let t = NumberOrString::String(format!("aml-compute-ls/{n}"));
            client.create_work_done_progress(t.clone()).await.ok().map(|_| t)
        }
        None => None,
    };
    let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel::<()>();
    let token_key = token.as_ref().map(token_text);
    if let Some(key) = &token_key {
        lock(&state.cancels).insert(key.clone(), cancel_tx);
    }
    let progress = match token {
        Some(t) => Some(client.progress(t, format!("Azure ML: {}", op.name())).with_cancel_button().begin().await),
        None => None,
    };
    let mut ui = LspUi { client: client.clone(), progress, quiet: args.quiet };
    let cancel = async move {
        // Only a real cancel stops the wait; the sender going away does not.
        if cancel_rx.await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let outcome = commands::execute(op, target, conn, &mut ui, cancel).await;
    if let Some(key) = token_key {
        lock(&state.cancels).remove(&key);
    }
    if let Some(p) = ui.progress.take() {
        p.finish_with_message(if outcome.ok { "done" } else { "failed" }).await;
    }
    if !args.quiet {
        let typ = if outcome.ok { MessageType::INFO } else { MessageType::ERROR };
        client.show_message(typ, &outcome.message).await;
    }
    if let (Some(uri), Some(compute)) = (&args.uri, &outcome.compute) {
        lock(&state.statuses).insert(uri.clone(), compute.clone());
        if state.caps().code_lens_refresh {
            let _ = client.code_lens_refresh().await;
        }
    }
    Ok(Some(commands::outcome_json(&outcome)))
}

/// The key a progress token is filed under while its command runs.
pub(super) fn token_text(token: &NumberOrString) -> String {
    match token {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s.clone(),
    }
}
