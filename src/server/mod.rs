//! The language server over stdio. Only this module names LSP types.

mod analysis;
mod backend;
pub mod commands;
pub mod config;
mod documents;
mod frames;
mod handlers;
mod live;
mod publish;
mod state;
mod to_proto;
mod transport;
mod validation;

pub use backend::Backend;
pub use handlers::debug_document_text::{DEBUG_TEXT_METHOD, TEST_HOOKS_ENV};
pub use transport::{SessionEnd, serve};

/// Threads for blocking work: the checks (`spawn_blocking`) and tokio's reads of stdin and
/// writes to stdout. Tokio's default, 512, let a client that opens a few hundred documents at
/// once start a thread for each (165 seen, 5 MB more resident); 16 still leaves room for stdin
/// and stdout while 14 big documents are being checked, and the rest wait their turn.
pub const MAX_BLOCKING_THREADS: usize = 16;

/// Runs the server on standard input and output until the client says `exit`, then ends the
/// process with LSP's exit code (0 after `shutdown`, else 1).
pub fn run_stdio() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .enable_all()
        .build()
        .expect("tokio runtime starts");
    let end = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // A check still running, or tokio's blocked read of stdin (the client may keep it open after
    // `exit`), must not keep the process alive: LSP's `exit` means exit now.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    std::process::exit(end.exit_code());
}
