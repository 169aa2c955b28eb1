//! The integration tests, one module per area, in one test binary: as separate binaries each
//! linked the whole crate with axum, reqwest and azure_identity again (figures in
//! docs/benchmarks.md, "Test build"). `cargo test --test it lsp::` runs one module.
//!
//! Two test targets stay apart: `tests/fixtures.rs` (a data-driven harness, one test per
//! fixture file) and `tests/lsp_latency.rs` (a latency figure that must not share the cores with
//! other tests).

#[path = "../support/mod.rs"]
mod support;

mod arm;
mod arm_limits;
mod cli;
mod cli_azure;
mod cli_fix_explain;
mod corpus;
mod docs;
mod emulator;
mod fuzz_regressions;
mod hostile_names;
mod line_ends;
mod lsp;
mod lsp_commands;
mod lsp_frames;
mod lsp_pull_diagnostics;
mod lsp_torture;
mod neovim;
mod nesting;
mod robustness;
mod scaling;
mod schema_referee;
mod secrets;
mod secrets_everywhere;
mod wire;
