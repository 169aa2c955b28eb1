//! The language server over stdio. Only this module names LSP types.

mod backend;
pub mod commands;
pub mod config;
mod documents;
mod to_proto;

pub use backend::Backend;
use tower_lsp_server::{LspService, Server};

/// Serves LSP on any byte streams (stdio in production, in-memory pipes in tests).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = LspService::build(Backend::new)
        .custom_method("window/workDoneProgress/cancel", Backend::progress_cancel)
        .finish();
    Server::new(input, output, socket).serve(service).await;
}

/// Runs the server on standard input and output until the client says `exit`.
pub fn run_stdio() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime starts");
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
}
