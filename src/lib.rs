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
mod layering {
    use std::path::{Path, PathBuf};

    /// Every `.rs` file under `src/<dir>`, with its text.
    fn sources(dir: &str) -> Vec<(PathBuf, String)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
            for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path, text));
                }
            }
        }
        let mut out = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir), &mut out);
        assert!(!out.is_empty(), "no sources under src/{dir}");
        out
    }

    #[test]
    fn arm_builds_on_spec_and_never_on_check() {
        let uses_check = regex::Regex::new(r"crate::check\b|crate::\{[^}]*\bcheck\b|super::super::check\b").unwrap();
        for (path, text) in sources("arm") {
            let found: Vec<&str> = text.lines().filter(|l| uses_check.is_match(l)).collect();
            assert!(found.is_empty(), "{} imports `check`: {found:?}", path.display());
        }
    }

    #[test]
    fn the_command_line_modules_belong_to_the_binary() {
        let lib = include_str!("lib.rs");
        let declares_cli = regex::Regex::new(r"(?m)^\s*(pub(\([a-z]+\))?\s+)?mod\s+(cli\w*|debug_parse)\b").unwrap();
        assert!(!declares_cli.is_match(lib), "src/lib.rs declares a command-line module");
        assert!(include_str!("main.rs").contains("\nmod cli;"), "src/main.rs no longer declares its `cli` modules");
    }
}
