//! The layers of `docs/architecture.md`, held by tests: each rule names a part of `src/` and
//! what it may not reach. A line that breaks one fails here with its file and line number.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/<dir>` (or the file `src/<dir>` itself), with its text.
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    fn walk(path: &Path, out: &mut Vec<(PathBuf, String)>) {
        if path.is_dir() {
            for entry in std::fs::read_dir(path).unwrap().map(Result::unwrap) {
                walk(&entry.path(), out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.to_path_buf(), std::fs::read_to_string(path).unwrap()));
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir), &mut out);
    // This file's patterns would match themselves.
    out.retain(|(path, _)| !path.ends_with("layering.rs"));
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out.sort();
    out
}

/// The lines of `files` that match `pattern`, as `file:line: text`.
fn offending_lines(files: &[(PathBuf, String)], pattern: &regex::Regex) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files {
        for (i, line) in text.lines().enumerate() {
            if pattern.is_match(line) {
                found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    found
}

/// Every path into this crate in `files` starts with one of `allowed` (`use crate::{a, b}`
/// groups included).
fn assert_imports_only(files: &[(PathBuf, String)], allowed: &[&str]) {
    // Built at run time so that this file's own text does not match.
    let marker = ["crate", "::"].concat();
    for (path, text) in files {
        for (i, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find(&marker) {
                let after = &rest[at + marker.len()..];
                let names: Vec<&str> = match after.strip_prefix('{') {
                    Some(group) => group[..group.find('}').unwrap_or(group.len())].split(',').map(str::trim).collect(),
                    None => vec![after],
                };
                for name in names.into_iter().filter(|n| !n.is_empty()) {
                    assert!(
                        allowed.iter().any(|a| name.starts_with(a)),
                        "{}:{}: may import only {allowed:?} of this crate: {line}",
                        path.display(),
                        i + 1
                    );
                }
                rest = after;
            }
        }
    }
}

/// `syntax` (and `text` below it) import nothing of ours but `text`, so parsing never depends
/// on checking or reporting.
#[test]
fn syntax_imports_nothing_of_ours_but_the_text_module() {
    let mut files = sources("syntax");
    assert!(files.len() >= 5, "{files:?}");
    files.extend(sources("text.rs"));
    assert_imports_only(&files, &["text"]);
}

/// `diagnostic` sits above `text` and beside `syntax`: it names no parser type, so the two
/// cannot import each other again.
#[test]
fn diagnostic_imports_nothing_of_ours_but_text_and_itself() {
    assert_imports_only(&sources("diagnostic"), &["text", "diagnostic"]);
}

/// `arm` builds requests from the typed spec (`spec::model`) and never re-runs the checker.
#[test]
fn arm_builds_on_spec_and_never_on_check() {
    let uses_check = regex::Regex::new(r"crate::check\b|crate::\{[^}]*\bcheck\b|super::super::check\b").unwrap();
    let found = offending_lines(&sources("arm"), &uses_check);
    assert!(found.is_empty(), "`arm` imports `check`:\n{}", found.join("\n"));
}

/// Only `server/` names LSP types: the engine (`ide`, `check`, …) answers with plain types that
/// `server/to_proto.rs` converts, so it can serve other hosts (the CLI, tests).
#[test]
fn only_the_server_names_lsp_types() {
    let lsp = regex::Regex::new(r"\b(tower_lsp\w*|ls_types|lsp_types)::").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let server = root.join("server");
    let mut found = Vec::new();
    for (path, text) in sources("") {
        if !path.starts_with(&server) {
            found.extend(offending_lines(&[(path, text)], &lsp));
        }
    }
    assert!(found.is_empty(), "LSP types outside src/server:\n{}", found.join("\n"));
}

/// The command line (argument parsing, prompts, tables) is the binary's own: the library does
/// not declare it, so neither the server nor the engine can reach it.
#[test]
fn the_command_line_modules_belong_to_the_binary() {
    let lib = include_str!("lib.rs");
    let declares_cli = regex::Regex::new(r"(?m)^\s*(pub(\([a-z]+\))?\s+)?mod\s+(cli\w*|debug_parse)\b").unwrap();
    assert!(!declares_cli.is_match(lib), "src/lib.rs declares a command-line module");
    assert!(include_str!("main.rs").contains("\nmod cli;"), "src/main.rs no longer declares its `cli` modules");
    let clap = regex::Regex::new(r"\bclap::|use clap\b").unwrap();
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("cli");
    let main = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("main.rs");
    let found: Vec<String> = sources("")
        .into_iter()
        .filter(|(path, _)| !path.starts_with(&cli) && *path != main)
        .flat_map(|file| offending_lines(&[file], &clap))
        .collect();
    assert!(found.is_empty(), "clap outside the binary's CLI:\n{}", found.join("\n"));
}
