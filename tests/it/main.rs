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
mod catalog_lsp;
mod cli;
mod cli_azure;
mod cli_fix_explain;
mod corpus;
mod docs;
mod emulator;
mod emulator_live;
mod fuzz_regressions;
mod hostile_names;
mod line_ends;
mod live_checks;
mod live_cli;
mod live_docs;
mod lsp;
mod lsp_commands;
mod lsp_frames;
mod lsp_live;
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

/// Cargo makes a test binary of each `tests/*.rs` and `tests/*/main.rs`, and each links the whole
/// crate again: a new integration test belongs in a module here.
#[test]
fn integration_tests_stay_in_one_binary() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut targets = Vec::new();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".rs") {
            targets.push(name);
        } else if path.join("main.rs").is_file() {
            targets.push(format!("{name}/main.rs"));
        }
    }
    targets.sort();
    assert_eq!(
        targets,
        ["fixtures.rs", "it/main.rs", "lsp_latency.rs"],
        "move new test files into tests/it/ as modules"
    );
}
