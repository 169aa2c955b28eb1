//! docs/diagnostics.md stays in step with the engine: every code has a section headed
//! `## AML201 name-length`, no section documents a code that does not exist, and each
//! section's **Bad** example produces its code while its **Fixed** example does not.
//!
//! In the examples, a line ending in `␍` (U+240D) stands for a line ending in CRLF.

use aml_compute_ls::check::local_files::LocalFiles;
use aml_compute_ls::check::{CheckOptions, check_text};
use aml_compute_ls::diagnostic::codes::{ALL, Code, Family};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const DOC: &str = include_str!("../../docs/diagnostics.md");

/// Codes documented ahead of the engine: their Bad example must NOT yet produce them, so
/// this list (and the note in the doc) has to be cleaned up once the engine catches up.
const KNOWN_NOT_EMITTED: &[&str] = &[];

struct Section<'a> {
    heading: &'a str,
    body: &'a str,
}

fn sections() -> Vec<Section<'static>> {
    let mut out = Vec::new();
    // Headings only count outside code blocks.
    let mut starts = Vec::new();
    let mut offset = 0;
    let mut in_code = false;
    for line in DOC.split_inclusive('\n') {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with("## ") {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(DOC.len());
    for pair in starts.windows(2) {
        let text = &DOC[pair[0]..pair[1]];
        let (heading, body) = text.split_once('\n').unwrap_or((text, ""));
        out.push(Section { heading: heading.trim_start_matches("## ").trim(), body });
    }
    out
}

/// The first ```yaml or ```json block after the line `**label**`, with `␍` turned into CR.
fn example(body: &str, label: &str) -> Option<(&'static str, String)> {
    let marker = format!("**{label}**");
    let at = body.lines().position(|l| l.trim() == marker)?;
    let mut lines = body.lines().skip(at + 1);
    let lang = loop {
        let line = lines.next()?;
        if line.starts_with("## ") {
            return None;
        }
        match line.trim_end() {
            "```yaml" => break "yaml",
            "```json" => break "json",
            _ => {}
        }
    };
    let mut text = String::new();
    for line in lines {
        if line.starts_with("```") {
            let text = text.replace("\u{240d}\n", "\r\n");
            return Some((if lang == "yaml" { "x.yml" } else { "x.json" }, text));
        }
        text.push_str(line);
        text.push('\n');
    }
    None
}

/// The codes a doc example gets, as `check file.yml` reports them, with the on-disk checks against a
/// home folder that holds `~/.ssh/id_rsa` and nothing else.
fn codes_of(path: &str, text: &str) -> Vec<String> {
    let home = PathBuf::from("/home/docs-example");
    let key = home.join(".ssh/id_rsa");
    let files = LocalFiles { home: Some(home), is_file: Arc::new(move |p: &Path| p == key) };
    let options = CheckOptions { local_files: Some(files), require_spec: true, ..CheckOptions::default() };
    check_text(text, Some(path), &options).diagnostics.iter().map(|d| d.code.id()).collect()
}

fn expected_heading(code: &Code) -> String {
    format!("{} {}", code.id(), code.slug)
}

#[test]
fn every_code_has_a_section_and_every_section_a_code() {
    let sections = sections();
    let headings: Vec<&str> = sections.iter().map(|s| s.heading).collect();
    let mut problems = Vec::new();
    for code in ALL {
        let want = expected_heading(code);
        if !headings.contains(&want.as_str()) {
            problems.push(format!("no section `## {want}`"));
        }
    }
    for heading in &headings {
        if !heading.starts_with("AML") {
            continue;
        }
        let id = heading.split_whitespace().next().unwrap_or("");
        match Code::find(id) {
            Some(code) if expected_heading(&code) == *heading => {}
            Some(code) => problems.push(format!("`## {heading}` should read `## {}`", expected_heading(&code))),
            None => problems.push(format!("`## {heading}` documents a code that does not exist")),
        }
    }
    let mut seen = headings.clone();
    seen.sort();
    for pair in seen.windows(2) {
        if pair[0] == pair[1] {
            problems.push(format!("`## {}` appears twice", pair[0]));
        }
    }
    assert!(problems.is_empty(), "docs/diagnostics.md is out of step:\n  {}", problems.join("\n  "));
}

#[test]
fn every_bad_example_produces_its_code_and_every_fixed_one_does_not() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for section in sections() {
        let Some(code) = section.heading.split_whitespace().next().and_then(Code::find) else { continue };
        let id = code.id();
        // Live workspace findings need a workspace: tests/it/live_docs.rs checks their examples
        // against the example workspace the doc describes.
        if code.family() == Family::Workspace {
            checked += 1;
            continue;
        }
        let pending = KNOWN_NOT_EMITTED.contains(&id.as_str());
        match example(section.body, "Bad") {
            None => problems.push(format!("{id}: no ```yaml/```json block after **Bad**")),
            Some((path, text)) => {
                let got = codes_of(path, &text);
                if pending && got.contains(&id) {
                    problems.push(format!(
                        "{id}: the engine now emits it; remove it from KNOWN_NOT_EMITTED and drop the note in the doc"
                    ));
                } else if !pending && !got.contains(&id) {
                    problems.push(format!("{id}: the Bad example gives {got:?}, not {id}"));
                }
            }
        }
        match example(section.body, "Fixed") {
            None => problems.push(format!("{id}: no ```yaml/```json block after **Fixed**")),
            Some((path, text)) => {
                let got = codes_of(path, &text);
                if got.contains(&id) {
                    problems.push(format!("{id}: the Fixed example still gives {id} ({got:?})"));
                }
            }
        }
        checked += 1;
    }
    assert_eq!(checked, ALL.len(), "expected one section per code");
    assert!(problems.is_empty(), "docs/diagnostics.md examples are wrong:\n  {}", problems.join("\n  "));
}
