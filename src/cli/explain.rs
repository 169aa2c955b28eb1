//! `explain`: a diagnostic code's documentation page, or the list of every code.

use super::write_stdout;
use aml_compute_ls::diagnostic::{Code, codes, docs};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// A code (`AML201`, `201`) or slug (`name-length`); none lists every code.
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
}

/// Prints one code's documentation, or the table of every code.
pub fn run(args: ExplainArgs) -> ExitCode {
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
