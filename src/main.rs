//! The `aml-compute-ls` binary: the subcommands and their dispatch. Each subcommand's work is
//! in `cli/`, private to the binary; the library below it is shared with the language server.

mod cli;

use aml_compute_ls::actions::Op;
use clap::{Parser, Subcommand};
use cli::azure::{self, ActArgs, ComputeArgs, ListArgs, RegionArgs, SendArgs, StopArgs};
use cli::check::CheckArgs;
use cli::emulator::EmulatorArgs;
use cli::explain::ExplainArgs;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "aml-compute-ls",
    version,
    about = "Language server and checker for Azure Machine Learning compute specs",
    // A bare `aml-compute-ls` shows the full help (and exits 2, as any usage error).
    arg_required_else_help = true
)]
struct Cli {
    /// Run the language server on stdio (what editors pass; same as `lsp`).
    // Clients such as vscode-languageclient add `--stdio` on their own: a repeat is harmless.
    #[arg(long, overrides_with = "stdio")]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check compute spec files (YAML or JSON) and report problems.
    Check(CheckArgs),
    /// Run the language server over stdio (LSP 3.17).
    Lsp(LspArgs),
    /// Create the compute a spec describes (or update it if it exists).
    Create(SendArgs),
    /// Attach the existing resource a spec describes (VM, Kubernetes, Synapse, …).
    Attach(SendArgs),
    /// Show a compute's state.
    Status(ComputeArgs),
    /// List the workspace's computes.
    List(ListArgs),
    /// Start a compute instance.
    Start(ActArgs),
    /// Stop a compute instance.
    Stop(StopArgs),
    /// Restart a compute instance.
    Restart(ActArgs),
    /// Delete a compute (and, for attached computes, the underlying resource).
    Delete(ActArgs),
    /// Detach an attached compute, keeping the underlying resource.
    Detach(ActArgs),
    /// List the VM sizes offered in a region.
    Sizes(RegionArgs),
    /// Show core quota usage in a region.
    Usage(RegionArgs),
    /// Run the local ARM emulator on loopback until Ctrl-C.
    Emulator(EmulatorArgs),
    /// Explain a diagnostic code (`explain AML201`), or list every code.
    Explain(ExplainArgs),
    /// Print what the parser reads, as typed JSON (for the conformance referees).
    #[command(hide = true)]
    DebugParse(cli::debug_parse::DebugParseArgs),
}

#[derive(clap::Args)]
struct LspArgs {
    /// Accepted for clients that pass it (`lsp --stdio`); stdio is the only transport.
    #[arg(long, hide = true, overrides_with = "stdio")]
    stdio: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Some(Command::Check(args)) => cli::check::run(args),
        Some(Command::DebugParse(a)) => ExitCode::from(cli::debug_parse::run(a)),
        Some(Command::Explain(args)) => cli::explain::run(args),
        Some(Command::Create(a)) => ExitCode::from(azure::run(Op::Create, a.into())),
        Some(Command::Attach(a)) => ExitCode::from(azure::run(Op::Attach, a.into())),
        Some(Command::Status(a)) => ExitCode::from(azure::run(Op::Status, a.into())),
        Some(Command::List(a)) => ExitCode::from(azure::run(Op::List, a.into())),
        Some(Command::Start(a)) => ExitCode::from(azure::run(Op::Start, a.into())),
        Some(Command::Stop(a)) => ExitCode::from(azure::run(Op::Stop, a.into())),
        Some(Command::Restart(a)) => ExitCode::from(azure::run(Op::Restart, a.into())),
        Some(Command::Delete(a)) => ExitCode::from(azure::run(Op::Delete, a.into())),
        Some(Command::Detach(a)) => ExitCode::from(azure::run(Op::Detach, a.into())),
        Some(Command::Sizes(a)) => ExitCode::from(azure::run(Op::Sizes, a.into())),
        Some(Command::Usage(a)) => ExitCode::from(azure::run(Op::Usage, a.into())),
        Some(Command::Emulator(a)) => cli::emulator::run(a),
        Some(Command::Lsp(_)) => {
            aml_compute_ls::server::run_stdio();
            ExitCode::SUCCESS
        }
        None if cli.stdio => {
            aml_compute_ls::server::run_stdio();
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("usage: aml-compute-ls <check|lsp> … (see --help)");
            ExitCode::from(2)
        }
    }
}
