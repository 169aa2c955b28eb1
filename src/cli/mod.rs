//! The command-line front end: one module per subcommand family. These modules belong to the
//! binary, not to the library: the library's front-end-neutral work is `actions` (Azure),
//! `check` and `report`, which the language server calls too.

pub mod azure;
pub mod check;
pub mod debug_parse;
pub mod emulator;
pub mod explain;

use std::io::Write;
use std::process::ExitCode;

/// Writes to standard output; a closed pipe (`| head`) is an error exit, not a panic.
pub fn write_stdout(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}
