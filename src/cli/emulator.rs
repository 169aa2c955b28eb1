//! `emulator`: the local ARM emulator on loopback until Ctrl-C, with a banner that says how
//! to point the other commands and an editor at it.

use aml_compute_ls::actions::DEMO_WORKSPACE;
use aml_compute_ls::emulator::{EMULATOR_TOKEN, EmulatorConfig};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Keep the emulator's state in this file so it survives a restart.
    #[arg(long, value_name = "FILE")]
    pub state: Option<std::path::PathBuf>,
    /// Seconds each provisioning step takes.
    #[arg(long, default_value_t = 0.2)]
    pub step_seconds: f64,
}

/// Runs the emulator until Ctrl-C.
pub fn run(args: EmulatorArgs) -> ExitCode {
    let config = EmulatorConfig {
        port: args.port,
        state_file: args.state,
        provisioning_delay: std::time::Duration::from_secs_f64(args.step_seconds.max(0.0)),
        ..Default::default()
    };
    match aml_compute_ls::emulator::run_blocking(config, |endpoint| eprintln!("{}", banner(endpoint))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not a usage error: the port or the state file is the problem.
            eprintln!("error: the emulator stopped: {e}");
            ExitCode::from(1)
        }
    }
}

/// What `aml-compute-ls emulator` prints once it listens: how to point the other commands and
/// an editor at it, and which workspace they get.
fn banner(endpoint: &str) -> String {
    let (sub, rg, ws) = DEMO_WORKSPACE;
    format!(
        "aml-compute-ls emulator listening on {endpoint}\n\
         Bearer token: {EMULATOR_TOKEN} (sent automatically to loopback endpoints).\n\
         Point the other commands at it with --endpoint, for example:\n\
         \x20 aml-compute-ls create examples/cpu-cluster.yml --endpoint {endpoint} --yes\n\
         \x20 aml-compute-ls list --endpoint {endpoint}\n\
         They use its demo workspace `{ws}` (subscription {sub}, resource group `{rg}`) unless you name another \
         with --subscription, -g and -w.\n\
         In an editor, set amlComputeLs.endpoint to {endpoint}.\n\
         Press Ctrl-C to stop."
    )
}
