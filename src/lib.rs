//! aml-compute-ls: the engine behind the language server, the `check` CLI and the Azure
//! commands for Azure Machine Learning compute-target specs. The command line itself (argument
//! parsing, prompts, tables) is the binary's own (`src/cli/`): the language server and the CLI
//! share `actions`, `check` and `report`, never each other.

pub mod actions;
pub mod arm;
pub mod check;
pub mod diagnostic;
pub mod emulator;
pub mod ide;
pub mod live;
pub mod report;
pub mod server;
pub mod spec;
pub mod syntax;
#[cfg(test)]
mod test_corpus;
pub mod text;

/// Tests that fail when a dependency against the layers comes back (docs/architecture.md).
#[cfg(test)]
mod layering;
