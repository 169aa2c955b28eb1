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
    one_malloc_arena();
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

/// One allocator arena for the whole server (glibc). glibc gives each new thread an arena of its
/// own, up to eight per core, and memory freed in one cannot serve another: with the runtime's
/// workers and the pool that runs the checks each holding one, 1.0 to 1.5 MiB of the server's
/// resident size was arenas' free space (docs/benchmarks.md, "Language server RSS"). The
/// threads seldom allocate at the same moment, so sharing one lock costs nothing measurable.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn one_malloc_arena() {
    // SAFETY: `mallopt` changes a setting of glibc's allocator and takes the allocator's lock
    // to do it; no memory is handed out or read, and nothing else in the process depends on
    // how many arenas there are.
    let ok = unsafe { libc::mallopt(libc::M_ARENA_MAX, 1) };
    // 0 means glibc refused the setting: the server still runs, with more arenas.
    debug_assert_eq!(ok, 1, "glibc accepts M_ARENA_MAX");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn one_malloc_arena() {}
