//! The Azure subcommands of the CLI (`create`, `status`, …): argument handling, prompts, a
//! progress spinner on a terminal, and table or JSON output around `actions::run`.

use aml_compute_ls::actions::{self, Connection, Op, Outcome, SpecFile, Target, Ui};
use aml_compute_ls::arm::client::Notifier;
use aml_compute_ls::arm::{ClientOptions, PartialWorkspace};
use aml_compute_ls::emulator::{EMULATOR_TOKEN, EmulatorConfig, RunningEmulator};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
}

/// Everything an Azure subcommand may be given; each subcommand's own argument struct (below)
/// fills in only what it takes, so `--help` lists only those.
#[derive(Debug, Clone, Default)]
pub struct AzureArgs {
    pub spec: Option<PathBuf>,
    pub name: Option<String>,
    pub subscription: Option<String>,
    pub resource_group: Option<String>,
    pub workspace: Option<String>,
    pub location: Option<String>,
    pub endpoint: Option<String>,
    pub emulator: bool,
    pub emulator_state: Option<PathBuf>,
    pub yes: bool,
    pub no_wait: bool,
    pub force: bool,
    pub output: OutputFormat,
}

/// Which workspace (each falls back to editor settings, a `config.json` and `az configure`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct WorkspaceArgs {
    /// Azure subscription id.
    #[arg(long)]
    pub subscription: Option<String>,
    /// Resource group of the workspace.
    #[arg(long, short = 'g')]
    pub resource_group: Option<String>,
    /// Azure ML workspace name.
    #[arg(long, short = 'w')]
    pub workspace: Option<String>,
}

/// Where the requests go (the Azure commands and `check --live`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct EndpointArgs {
    /// Resource Manager endpoint (sovereign clouds, or a running emulator such as http://127.0.0.1:8080).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Run against an in-process local emulator: try everything with no Azure account.
    #[arg(long)]
    pub emulator: bool,
    /// Where the `--emulator` keeps its state between runs.
    #[arg(long, value_name = "FILE")]
    pub emulator_state: Option<PathBuf>,
}

/// Where the requests go, and how the answer is shown.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConnectArgs {
    #[command(flatten)]
    pub endpoint: EndpointArgs,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value = "table")]
    pub output: OutputFormat,
}

/// `create` and `attach`.
#[derive(clap::Args, Debug, Clone)]
pub struct SendArgs {
    /// The spec file (YAML or JSON) that describes the compute.
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// The compute name, overriding the spec's `name` (the request goes to this name).
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Answer yes to the confirmation (needed when not on a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Return once Azure accepted the request instead of waiting for it to finish.
    #[arg(long)]
    pub no_wait: bool,
    /// Send the request even when the pre-flight live checks find an error (a name taken by
    /// another type, a size not offered here, quota that cannot hold the nodes at creation).
    #[arg(long)]
    pub force: bool,
}

/// The compute a command acts on, and where: `status`, and the base of `start`, `stop`, … .
#[derive(clap::Args, Debug, Clone)]
pub struct ComputeArgs {
    /// A spec file whose `name` names the compute.
    #[arg(value_name = "SPEC")]
    pub spec: Option<PathBuf>,
    /// The compute name (instead of, or overriding, the spec's `name`).
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `start`, `restart`, `delete` and `detach`: they ask first.
#[derive(clap::Args, Debug, Clone)]
pub struct ActArgs {
    #[command(flatten)]
    pub compute: ComputeArgs,
    /// Answer yes to the confirmation (needed when not on a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Return once Azure accepted the request instead of waiting for it to finish.
    #[arg(long)]
    pub no_wait: bool,
}

/// `stop` (of a compute instance): nothing is billed by stopping, so it does not ask.
#[derive(clap::Args, Debug, Clone)]
pub struct StopArgs {
    #[command(flatten)]
    pub compute: ComputeArgs,
    /// Return once Azure accepted the request instead of waiting for it to finish.
    #[arg(long)]
    pub no_wait: bool,
}

/// `list`.
#[derive(clap::Args, Debug, Clone)]
pub struct ListArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `sizes` and `usage`.
#[derive(clap::Args, Debug, Clone)]
pub struct RegionArgs {
    /// The region (eastus, westus2, …); else the `location` of SPEC.
    #[arg(long)]
    pub location: Option<String>,
    /// A spec file whose `location` names the region.
    #[arg(value_name = "SPEC")]
    pub spec: Option<PathBuf>,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

fn base(workspace: WorkspaceArgs, connect: ConnectArgs) -> AzureArgs {
    AzureArgs {
        subscription: workspace.subscription,
        resource_group: workspace.resource_group,
        workspace: workspace.workspace,
        endpoint: connect.endpoint.endpoint,
        emulator: connect.endpoint.emulator,
        emulator_state: connect.endpoint.emulator_state,
        output: connect.output,
        ..AzureArgs::default()
    }
}

impl From<SendArgs> for AzureArgs {
    fn from(a: SendArgs) -> Self {
        AzureArgs {
            spec: Some(a.spec),
            name: a.name,
            yes: a.yes,
            no_wait: a.no_wait,
            force: a.force,
            ..base(a.workspace, a.connect)
        }
    }
}

impl From<ComputeArgs> for AzureArgs {
    fn from(c: ComputeArgs) -> Self {
        AzureArgs { spec: c.spec, name: c.name, ..base(c.workspace, c.connect) }
    }
}

impl From<ActArgs> for AzureArgs {
    fn from(a: ActArgs) -> Self {
        AzureArgs { yes: a.yes, no_wait: a.no_wait, ..a.compute.into() }
    }
}

impl From<StopArgs> for AzureArgs {
    fn from(a: StopArgs) -> Self {
        AzureArgs { no_wait: a.no_wait, ..a.compute.into() }
    }
}

impl From<ListArgs> for AzureArgs {
    fn from(a: ListArgs) -> Self {
        base(a.workspace, a.connect)
    }
}

impl From<RegionArgs> for AzureArgs {
    fn from(a: RegionArgs) -> Self {
        AzureArgs { spec: a.spec, location: a.location, ..base(a.workspace, a.connect) }
    }
}

/// Prompts on the terminal and shows a spinner there; plain lines elsewhere.
struct CliUi {
    yes: bool,
    tty: bool,
    spinner: usize,
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

impl Ui for CliUi {
    async fn confirm(&mut self, question: &str, action: &str) -> bool {
        if self.yes {
            return true;
        }
        if !std::io::stdin().is_terminal() {
            eprintln!("{question}\nNot on a terminal, so nothing was done: pass --yes to {}.", action.to_lowercase());
            return false;
        }
        self.clear_line();
        eprint!("{question} [{action}? y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let read = tokio::task::spawn_blocking(move || std::io::stdin().lock().read_line(&mut answer).map(|_| answer));
        matches!(read.await, Ok(Ok(a)) if matches!(a.trim().to_lowercase().as_str(), "y" | "yes"))
    }

    async fn progress(&mut self, message: &str) {
        if self.tty {
            self.spinner = (self.spinner + 1) % SPINNER.len();
            eprint!("\r\x1b[2K{} {message}", SPINNER[self.spinner]);
            let _ = std::io::stderr().flush();
        } else {
            eprintln!("{message}");
        }
    }
}

impl CliUi {
    fn clear_line(&self) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
    }
}

fn partial(args: &AzureArgs) -> PartialWorkspace {
    PartialWorkspace {
        subscription_id: args.subscription.clone(),
        resource_group: args.resource_group.clone(),
        workspace_name: args.workspace.clone(),
    }
}

fn default_state_file() -> PathBuf {
    std::env::temp_dir().join("aml-compute-ls-emulator.json")
}

/// Runs one Azure subcommand; returns the process exit code.
pub fn run(op: Op, args: AzureArgs) -> u8 {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 2;
        }
    };
    runtime.block_on(run_async(op, args))
}

async fn run_async(op: Op, args: AzureArgs) -> u8 {
    let spec = match &args.spec {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(SpecFile { path: Some(path.clone()), text }),
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return 2;
            }
        },
        None => None,
    };
    if matches!(op, Op::Create | Op::Attach) && spec.is_none() {
        eprintln!("error: `{}` needs the spec file: aml-compute-ls {} SPEC", op.name(), op.name());
        return 2;
    }
    let Some((conn, emulator)) = connect(&args).await else { return 1 };
    let target = Target { spec, name: args.name.clone(), location: args.location.clone(), search_from: None };
    let mut ui = CliUi { yes: args.yes, tty: std::io::stderr().is_terminal(), spinner: 0 };
    let cancel = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let outcome = actions::run(op, &target, &conn, &mut ui, cancel).await;
    ui.clear_line();
    print_outcome(&outcome, args.output);
    if let Some(e) = emulator {
        e.stop().await;
    }
    if outcome.usage_error { 2 } else { u8::from(!outcome.ok) }
}

/// The connection `args` ask for (starting the in-process emulator for `--emulator`), or None
/// when the emulator cannot start (said on stderr). Stop the emulator when done.
pub async fn connect(args: &AzureArgs) -> Option<(Connection, Option<RunningEmulator>)> {
    let mut emulator: Option<RunningEmulator> = None;
    let conn = if args.emulator {
        let state_file = args.emulator_state.clone().unwrap_or_else(default_state_file);
        let config = EmulatorConfig { state_file: Some(state_file.clone()), ..EmulatorConfig::default() };
        match RunningEmulator::start(config).await {
            Ok(running) => {
                let endpoint = running.endpoint();
                eprintln!(
                    "Using the local emulator at {endpoint} (no Azure account needed; state in {}).",
                    state_file.display()
                );
                emulator = Some(running);
                Connection::new(Some(&endpoint), Some(EMULATOR_TOKEN.to_string()))
            }
            Err(e) => {
                // Not a usage error: the place for the state (or the port) is the problem.
                eprintln!("error: cannot start the emulator: {e}");
                return None;
            }
        }
    } else {
        Connection::new(args.endpoint.as_deref(), std::env::var("AML_COMPUTE_LS_TOKEN").ok())
    };
    let tty = std::io::stderr().is_terminal();
    let conn = Connection {
        options: ClientOptions {
            // Said on stderr whatever the output format, so a slow Azure is never a silent one.
            notify: Some(Notifier(std::sync::Arc::new(move |message: &str| {
                // On a terminal the notice replaces the spinner's line; elsewhere it is a plain line.
                let clear = if tty { "\r\x1b[2K" } else { "" };
                eprintln!("{clear}{message}");
            }))),
            ..conn.options
        },
        explicit: partial(args),
        no_wait: args.no_wait,
        force: args.force,
        ..conn
    };
    Some((conn, emulator))
}

fn print_outcome(outcome: &Outcome, format: OutputFormat) {
    for warning in &outcome.warnings {
        eprintln!("warning: {warning}");
    }
    if format == OutputFormat::Json {
        println!("{}", serde_json::to_string_pretty(outcome).unwrap_or_default());
        return;
    }
    if !outcome.computes.is_empty() {
        let rows: Vec<Vec<String>> = outcome
            .computes
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.compute_type.clone(),
                    c.status_line.clone(),
                    c.vm_size.clone().unwrap_or_default(),
                    c.location.clone().unwrap_or_default(),
                ]
            })
            .collect();
        print_table(&["NAME", "TYPE", "STATUS", "SIZE", "LOCATION"], &rows);
    }
    if !outcome.sizes.is_empty() {
        let rows: Vec<Vec<String>> = outcome
            .sizes
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.vcpus.to_string(),
                    format!("{}", s.memory_gb),
                    s.gpus.to_string(),
                    if s.low_priority_capable { "yes".into() } else { "no".into() },
                ]
            })
            .collect();
        print_table(&["NAME", "VCPUS", "MEMORY_GB", "GPUS", "LOW_PRIORITY"], &rows);
    }
    if !outcome.usages.is_empty() {
        let rows: Vec<Vec<String>> =
            outcome.usages.iter().map(|u| vec![u.name.clone(), u.current.to_string(), u.limit.to_string()]).collect();
        print_table(&["QUOTA", "CURRENT", "LIMIT"], &rows);
    }
    if outcome.ok {
        println!("{}", outcome.message);
    } else {
        eprintln!("error: {}", outcome.message);
    }
}

fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    println!("{}", line(header.iter().map(|h| h.to_string()).collect()));
    for row in rows {
        println!("{}", line(row.clone()));
    }
}
