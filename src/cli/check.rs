//! `check`: reads spec files (or standard input), checks them on all cores, applies the safe
//! fixes with `--fix`, and renders the report as text, JSON or SARIF.

use super::azure::{self, AzureArgs, EndpointArgs, WorkspaceArgs};
use super::write_stdout;
use aml_compute_ls::actions::LiveChecker;
use aml_compute_ls::arm::ClientOptions;
use aml_compute_ls::check::catalog::Catalog;
use aml_compute_ls::check::local_files::LocalFiles;
use aml_compute_ls::check::{CheckOptions, CheckResult, Severity, check_text};
use aml_compute_ls::diagnostic::{Code, Family};
use aml_compute_ls::report::{self, FileReport, Style};
use clap::ValueEnum;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Region to check VM sizes against when a spec has no `location`.
    #[arg(long, value_name = "REGION")]
    pub location: Option<String>,
    /// Switch off a code (AML404) or slug (idle-nodes-billed), or a family (sizes). Repeatable.
    #[arg(long, value_name = "CODE")]
    pub disable: Vec<String>,
    /// Apply every safe fix (quoting, punctuation, line endings) in place, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Also check each spec against its workspace as it is now (AML801–AML810): a name taken
    /// by another type or elsewhere in the region, changes Azure refuses on an existing compute,
    /// sizes not offered in the region, quota that cannot hold the nodes. The workspace is
    /// resolved as for `create` (the arguments below, `config.json` near the spec, `az
    /// configure` defaults; with `--emulator`, its demo workspace). Read-only requests only. If
    /// the workspace cannot be resolved, reached or signed in to, one line on stderr says which
    /// and why, and the offline findings stand: the exit code then comes from them alone.
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub connect: EndpointArgs,
    /// Files or folders to check; `-` reads one spec from standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
}

/// Why a file's text could not be had.
#[derive(Debug, thiserror::Error)]
enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
}

/// A file's text, or why it could not be read.
struct Input {
    path: String,
    text: Result<String, ReadError>,
    /// Named on the command line (or `-`), not found in a folder: it must be a compute spec.
    named: bool,
}

/// Runs `check`; the exit code is 0 when no file has an error, 1 when one has, 2 when a file
/// cannot be read or written or the arguments are wrong.
pub fn run(args: CheckArgs) -> ExitCode {
    let mut options = CheckOptions {
        default_location: args.location.clone(),
        local_files: Some(LocalFiles::on_disk()),
        ..CheckOptions::default()
    };
    for d in &args.disable {
        if let Some(family) = Family::parse(d) {
            options.disabled_families.push(family);
        } else if let Some(code) = Code::find(d) {
            options.disabled_codes.push(code);
        } else {
            eprintln!("error: --disable {d}: not a diagnostic code, slug or family ({})", Family::names());
            return ExitCode::from(2);
        }
    }
    if let Some(message) = args.location.as_deref().and_then(|l| Catalog::get().unknown_region_message(l)) {
        eprintln!("warning: --location: {message} VM sizes are not checked against a region.");
    }
    let connect = &args.connect;
    if !args.live
        && (connect.emulator
            || connect.endpoint.is_some()
            || connect.emulator_state.is_some()
            || args.workspace.subscription.is_some()
            || args.workspace.resource_group.is_some()
            || args.workspace.workspace.is_some())
    {
        eprintln!("error: the workspace and endpoint arguments are for live checks: add --live (or leave them out)");
        return ExitCode::from(2);
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
            let read = std::io::stdin().read_to_string(&mut text).map(|_| text).map_err(ReadError::from);
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
    if args.live {
        match live_checks(&args, &inputs, &mut results, &options) {
            Ok(()) => {}
            Err(code) => return code,
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

/// Adds the live findings to each result (merged as `live::merge_with_offline` says). A
/// workspace that cannot be read is one line on stderr, once, and its files keep their
/// offline findings; `Err` is the exit code when the live checks cannot run at all.
fn live_checks(
    args: &CheckArgs,
    inputs: &[Input],
    results: &mut [Option<CheckResult>],
    options: &FileOptions,
) -> Result<(), ExitCode> {
    let azure_args = AzureArgs {
        subscription: args.workspace.subscription.clone(),
        resource_group: args.workspace.resource_group.clone(),
        workspace: args.workspace.workspace.clone(),
        endpoint: args.connect.endpoint.clone(),
        emulator: args.connect.emulator,
        emulator_state: args.connect.emulator_state.clone(),
        ..AzureArgs::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(|e| {
        eprintln!("error: cannot start the async runtime: {e}");
        ExitCode::from(2)
    })?;
    runtime.block_on(async {
        let Some((mut conn, emulator)) = azure::connect(&azure_args).await else { return Err(ExitCode::from(1)) };
        // A check waits on no workspace for long: one retry, and half a minute per request.
        conn.options = ClientOptions {
            max_retries: 1,
            retry_base: std::time::Duration::from_millis(250),
            timeout: std::time::Duration::from_secs(20),
            request_budget: std::time::Duration::from_secs(30),
            ..conn.options
        };
        let checker = match LiveChecker::new(&conn) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return Err(ExitCode::from(2));
            }
        };
        let mut said = Vec::new();
        for (input, result) in inputs.iter().zip(results.iter_mut()) {
            let (Some(result), Ok(text)) = (result.as_mut(), input.text.as_ref()) else { continue };
            let path = (input.path != "<stdin>").then(|| Path::new(&input.path));
            match checker.check(path, text, result, options.for_input(input.named)).await {
                Ok(Some((_, outcome))) => result.diagnostics = outcome.diagnostics,
                Ok(None) => {}
                Err(failure) => {
                    let message = failure.message();
                    if !said.contains(&message) {
                        eprintln!(
                            "warning: {} The offline findings stand.",
                            message.trim_end_matches('.').to_string() + "."
                        );
                        said.push(message);
                    }
                }
            }
        }
        if let Some(e) = emulator {
            e.stop().await;
        }
        Ok(())
    })
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

fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 { offset: e.utf8_error().valid_up_to() })
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
