//! The `aml-compute-ls` binary: argument parsing and file IO around the library.

use aml_compute_ls::actions::Op;
use aml_compute_ls::check::catalog::Catalog;
use aml_compute_ls::check::local_files::LocalFiles;
use aml_compute_ls::check::{CheckOptions, CheckResult, Severity, check_text};
use aml_compute_ls::cli_azure::{self, ActArgs, ListArgs, RegionArgs, SendArgs, StatusArgs, StopArgs};
use aml_compute_ls::diagnostic::{Code, codes, docs};
use aml_compute_ls::report::{self, FileReport, Style};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
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
    Status(StatusArgs),
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
    DebugParse(aml_compute_ls::debug_parse::DebugParseArgs),
}

#[derive(clap::Args)]
struct LspArgs {
    /// Accepted for clients that pass it (`lsp --stdio`); stdio is the only transport.
    #[arg(long, hide = true, overrides_with = "stdio")]
    stdio: bool,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// A code (`AML201`, `201`) or slug (`name-length`); none lists every code.
    #[arg(value_name = "CODE")]
    code: Option<String>,
}

#[derive(clap::Args)]
struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Keep the emulator's state in this file so it survives a restart.
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,
    /// Seconds each provisioning step takes.
    #[arg(long, default_value_t = 0.2)]
    step_seconds: f64,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
    Sarif,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    /// Region to check VM sizes against when a spec has no `location`.
    #[arg(long, value_name = "REGION")]
    location: Option<String>,
    /// Switch off a code (AML404) or slug (idle-nodes-billed), or a family (sizes). Repeatable.
    #[arg(long, value_name = "CODE")]
    disable: Vec<String>,
    /// Apply every safe fix (quoting, punctuation, line endings) in place, then report what is left.
    #[arg(long)]
    fix: bool,
    /// Files or folders to check; `-` reads one spec from standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
}

const FAMILIES: &[&str] =
    &["syntax", "schema", "names", "sizes", "nodes", "security", "network", "resource-ids", "workspace"];

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
        Some(Command::Check(args)) => run_check(args),
        Some(Command::DebugParse(a)) => ExitCode::from(aml_compute_ls::debug_parse::run(a)),
        Some(Command::Explain(args)) => run_explain(args),
        Some(Command::Create(a)) => ExitCode::from(cli_azure::run(Op::Create, a.into())),
        Some(Command::Attach(a)) => ExitCode::from(cli_azure::run(Op::Attach, a.into())),
        Some(Command::Status(a)) => ExitCode::from(cli_azure::run(Op::Status, a.into())),
        Some(Command::List(a)) => ExitCode::from(cli_azure::run(Op::List, a.into())),
        Some(Command::Start(a)) => ExitCode::from(cli_azure::run(Op::Start, a.into())),
        Some(Command::Stop(a)) => ExitCode::from(cli_azure::run(Op::Stop, a.into())),
        Some(Command::Restart(a)) => ExitCode::from(cli_azure::run(Op::Restart, a.into())),
        Some(Command::Delete(a)) => ExitCode::from(cli_azure::run(Op::Delete, a.into())),
        Some(Command::Detach(a)) => ExitCode::from(cli_azure::run(Op::Detach, a.into())),
        Some(Command::Sizes(a)) => ExitCode::from(cli_azure::run(Op::Sizes, a.into())),
        Some(Command::Usage(a)) => ExitCode::from(cli_azure::run(Op::Usage, a.into())),
        Some(Command::Emulator(a)) => {
            let config = aml_compute_ls::emulator::EmulatorConfig {
                port: a.port,
                state_file: a.state,
                provisioning_delay: std::time::Duration::from_secs_f64(a.step_seconds.max(0.0)),
                ..Default::default()
            };
            match aml_compute_ls::emulator::run_blocking(config, |endpoint| {
                eprintln!("{}", cli_azure::emulator_banner(endpoint))
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    // Not a usage error: the port or the state file is the problem.
                    eprintln!("error: the emulator stopped: {e}");
                    ExitCode::from(1)
                }
            }
        }
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

/// A file's text, or why it could not be read.
struct Input {
    path: String,
    text: Result<String, String>,
    /// Named on the command line (or `-`), not found in a folder: it must be a compute spec.
    named: bool,
}

fn run_check(args: CheckArgs) -> ExitCode {
    let mut options = CheckOptions {
        default_location: args.location.clone(),
        local_files: Some(LocalFiles::on_disk()),
        ..CheckOptions::default()
    };
    for d in &args.disable {
        if FAMILIES.contains(&d.as_str()) {
            options.disabled_families.push(d.clone());
        } else if aml_compute_ls::diagnostic::Code::find(d).is_some() {
            options.disabled_codes.push(d.clone());
        } else {
            eprintln!("error: --disable {d}: not a diagnostic code, slug or family ({})", FAMILIES.join(", "));
            return ExitCode::from(2);
        }
    }
    if let Some(message) = args.location.as_deref().and_then(|l| Catalog::get().unknown_region_message(l)) {
        eprintln!("warning: --location: {message} VM sizes are not checked against a region.");
    }
    if args.fix && args.paths.iter().any(|p| p == "-") {
        eprintln!("error: --fix rewrites files in place, so it cannot take `-` (standard input)");
        return ExitCode::from(2);
    }
    let mut inputs = Vec::new();
    let mut io_failed = false;
    for p in &args.paths {
        if p == "-" {
            let mut text = String::new();
            let read = std::io::stdin().read_to_string(&mut text).map(|_| text).map_err(|e| e.to_string());
            inputs.push(Input { path: "<stdin>".to_string(), text: read, named: true });
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = collect_specs(path, &mut found) {
                eprintln!("error: {p}: {e}");
                io_failed = true;
            }
            found.sort();
            inputs.extend(found.into_iter().map(|f| Input {
                path: f.display().to_string(),
                text: read_text(&f),
                named: false,
            }));
        } else {
            inputs.push(Input { path: p.clone(), text: read_text(path), named: true });
        }
    }
    let options = FileOptions { found: options.clone(), named: CheckOptions { require_spec: true, ..options } };
    let mut results = check_all(&inputs, &options);
    if args.fix {
        match fix_in_place(&mut inputs, &mut results, &options) {
            Ok(()) => {}
            Err(()) => io_failed = true,
        }
    }
    let mut reports = Vec::new();
    for (input, result) in inputs.iter().zip(&results) {
        match (&input.text, result) {
            (Ok(text), Some(result)) => reports.push(FileReport { path: &input.path, text, result }),
            (Err(e), _) => {
                eprintln!("error: {}: {e}", input.path);
                io_failed = true;
            }
            _ => {}
        }
    }
    let rendered = match args.format {
        OutputFormat::Json => report::render_json(&reports) + "\n",
        OutputFormat::Sarif => report::render_sarif(&reports) + "\n",
        OutputFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            report::render_human(&reports, Style { color })
        }
    };
    if write_stdout(&rendered) != ExitCode::SUCCESS {
        return ExitCode::from(2);
    }
    if io_failed {
        return ExitCode::from(2);
    }
    let has_errors = reports.iter().any(|r| r.result.diagnostics.iter().any(|d| d.severity == Severity::Error));
    ExitCode::from(u8::from(has_errors))
}

/// How many times `--fix` re-checks and fixes a file: a fix can uncover another finding (a
/// quoted value that is then out of range), and a fix that does not converge must not loop.
const MAX_FIX_PASSES: usize = 5;

/// Applies each finding's safe fix to every file and writes the files that changed;
/// `results` become those of the fixed text. Prints what changed and what could not be fixed.
fn fix_in_place(inputs: &mut [Input], results: &mut [Option<CheckResult>], options: &FileOptions) -> Result<(), ()> {
    let mut failed = false;
    for (input, result) in inputs.iter_mut().zip(results.iter_mut()) {
        let (Ok(text), Some(checked)) = (&mut input.text, result.as_mut()) else { continue };
        let original = text.clone();
        let mut fixed_codes: Vec<String> = Vec::new();
        for _ in 0..MAX_FIX_PASSES {
            let edits = aml_compute_ls::check::fix_all::preferred_fix_edits(checked);
            if edits.is_empty() {
                break;
            }
            fixed_codes.extend(edits.iter().map(|(code, _)| code.id()));
            let next = aml_compute_ls::diagnostic::apply_edits(
                text,
                &edits.into_iter().flat_map(|(_, e)| e).collect::<Vec<_>>(),
            );
            if next == *text {
                break;
            }
            *text = next;
            *checked = check_text(text, Some(&input.path), options.for_input(input.named));
        }
        if *text == original {
            continue;
        }
        if let Err(e) = std::fs::write(&input.path, text.as_bytes()) {
            eprintln!("error: {}: cannot write the fixed file: {e}", input.path);
            *text = original;
            *checked = check_text(text, Some(&input.path), options.for_input(input.named));
            failed = true;
            continue;
        }
        fixed_codes.sort();
        let count = fixed_codes.len();
        fixed_codes.dedup();
        eprintln!(
            "fixed {count} finding{} in {} ({})",
            if count == 1 { "" } else { "s" },
            input.path,
            fixed_codes.join(", ")
        );
    }
    if failed { Err(()) } else { Ok(()) }
}

fn run_explain(args: ExplainArgs) -> ExitCode {
    let Some(wanted) = args.code else {
        let mut list = String::new();
        for code in codes::ALL {
            list.push_str(&format!(
                "{}  {:<28} {:<11} {}\n",
                code.id(),
                code.slug,
                code.default_severity.as_str(),
                code.summary
            ));
        }
        return write_stdout(&list);
    };
    let Some(code) = Code::find(&wanted) else {
        eprintln!("error: `{wanted}` is not a diagnostic code or slug; `aml-compute-ls explain` lists them all");
        return ExitCode::from(2);
    };
    match docs::section(&code) {
        Some(page) => {
            let online = docs::link(&code).map(|url| format!("\nOnline: {url}\n")).unwrap_or_default();
            write_stdout(&format!("{page}\n{online}"))
        }
        None => {
            eprintln!("error: {} has no documentation page (a bug: please report it)", code.id());
            ExitCode::from(1)
        }
    }
}

/// Writes to standard output; a closed pipe (`| head`) is an error exit, not a panic.
fn write_stdout(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
}

/// The options for files found in folders, and for files named on purpose (which must be
/// compute specs).
struct FileOptions {
    found: CheckOptions,
    named: CheckOptions,
}

impl FileOptions {
    fn for_input(&self, named: bool) -> &CheckOptions {
        if named { &self.named } else { &self.found }
    }
}

/// Checks files on all cores; results keep the input order.
fn check_all(inputs: &[Input], options: &FileOptions) -> Vec<Option<CheckResult>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(inputs.len().max(1));
    let chunk = inputs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|i| i.text.as_ref().ok().map(|t| check_text(t, Some(&i.path), options.for_input(i.named))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

/// YAML and JSON files under a folder, skipping hidden folders and build outputs.
fn collect_specs(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.file_type()?.is_dir() {
            if !name.starts_with('.') && name != "node_modules" && name != "target" {
                collect_specs(&path, out)?;
            }
        } else if [".yml", ".yaml", ".json"].iter().any(|ext| name.to_ascii_lowercase().ends_with(ext)) {
            out.push(path);
        }
    }
    Ok(())
}
