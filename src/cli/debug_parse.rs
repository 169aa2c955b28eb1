//! `debug-parse`: what our parsers read, printed in a form an outside referee can compare.
//!
//! The conformance scripts (`conformance/pyyaml/`) load the same text with PyYAML and compare
//! the two value trees, so both sides print one canonical, typed JSON encoding:
//!
//! | value                 | encoding                                   |
//! |-----------------------|--------------------------------------------|
//! | null (or no value)    | `{"null": null}`                           |
//! | boolean               | `{"bool": true}`                           |
//! | integer               | `{"int": "-12"}` (decimal text: any size)  |
//! | float                 | `{"float": "0.5"}`, `"inf"`, `"-inf"`, `"nan"` |
//! | string                | `{"str": "text"}`                          |
//! | timestamp             | `{"timestamp": "2026-01-01T18:00:00"}` (ISO 8601, as Python's `isoformat`) |
//! | date                  | `{"date": "2024-05-01"}`                   |
//! | mapping               | `{"map": [[key, value], …]}` (keys typed too, in document order) |
//! | sequence              | `{"seq": [value, …]}`                      |
//!
//! Our tree has no timestamp or date type: the YAML parser keeps those plain scalars as text, and
//! this command prints the `date`/`timestamp` PyYAML would build from them (the same pattern,
//! `syntax::yaml::resolve_timestamp`; an impossible date stays `str`). Each file gives
//! one JSON line: its path, whether parsing failed (a diagnostic of severity error), the
//! diagnostics and the value. The command is hidden: it is for referees, not users.

use aml_compute_ls::diagnostic::Severity;
use aml_compute_ls::syntax::{self, Format, Node, NodeKind, Scalar, ScalarValue};
use serde_json::{Value, json};
use std::io::{Read, Write};

#[derive(clap::Args, Debug, Clone)]
pub struct DebugParseArgs {
    /// Which parser to use; by default the file name (or sniffing) decides, as `check` does.
    #[arg(long, value_enum)]
    pub format: Option<DebugFormat>,
    /// Files to parse; `-` reads standard input. Each gives one JSON line.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DebugFormat {
    Yaml,
    Json,
}

/// Runs the command; the exit code is 2 when a file cannot be read, else 0 (a file that does
/// not parse is a result, reported in its line, not a failure of the command).
pub fn run(args: DebugParseArgs) -> u8 {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut status = 0;
    for file in &args.files {
        let line = match read(file) {
            Ok(bytes) => describe(file, &bytes, args.format),
            Err(e) => {
                status = 2;
                json!({ "path": file, "read_error": e.to_string() })
            }
        };
        if writeln!(out, "{line}").is_err() {
            return 2;
        }
    }
    status
}

fn read(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(file)
    }
}

/// One file's line: parse result, diagnostics and the typed value.
pub fn describe(path: &str, bytes: &[u8], format: Option<DebugFormat>) -> Value {
    let Ok(text) = std::str::from_utf8(bytes) else {
        // PyYAML refuses undecodable input too; `check` reports it as an unreadable file.
        return json!({ "path": path, "fails": true, "not_utf8": true, "diagnostics": [], "value": null });
    };
    let format = match format {
        Some(DebugFormat::Yaml) => Format::Yaml,
        Some(DebugFormat::Json) => Format::Json,
        None => Format::detect(Some(path), text),
    };
    let mut parsed = syntax::parse(text, format);
    for error in &mut parsed.errors {
        error.write_message(text);
    }
    let syntax_diagnostics = aml_compute_ls::check::syntax_errors::diagnostics(&parsed.errors);
    let diagnostics: Vec<Value> = syntax_diagnostics
        .iter()
        .map(|d| {
            json!({
                "code": d.code.id(),
                "severity": d.severity.as_str(),
                "start": d.range.start(),
                "end": d.range.end(),
                "message": d.message,
            })
        })
        .collect();
    let fails = syntax_diagnostics.iter().any(|d| d.severity == Severity::Error);
    let value = parsed.root.as_ref().map_or_else(|| json!({ "null": null }), encode);
    json!({
        "path": path,
        "format": match format { Format::Yaml => "yaml", Format::Json => "json" },
        "fails": fails,
        "diagnostics": diagnostics,
        "value": value,
    })
}

/// The canonical typed encoding of a node (see the module comment).
pub fn encode(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            let pairs: Vec<Value> =
                entries.iter().map(|e| Value::Array(vec![encode_scalar(&e.key), encode(&e.value)])).collect();
            json!({ "map": pairs })
        }
        NodeKind::Sequence(items) => json!({ "seq": items.iter().map(encode).collect::<Vec<_>>() }),
        NodeKind::Scalar(s) => encode_scalar(s),
        NodeKind::Missing => json!({ "null": null }),
    }
}

fn encode_scalar(s: &Scalar) -> Value {
    match s.value {
        ScalarValue::Null => json!({ "null": null }),
        ScalarValue::Bool(b) => json!({ "bool": b }),
        ScalarValue::Int(n) => json!({ "int": n.to_string() }),
        ScalarValue::Float(f) => json!({ "float": float_text(f) }),
        // The tree keeps dates and timestamps as text; PyYAML builds a `date`/`datetime`, which
        // `check` reports (AML015). Print what PyYAML builds so only real differences remain.
        ScalarValue::Str if s.style == syntax::ScalarStyle::Plain => {
            match syntax::yaml::resolve_timestamp(&s.text).filter(|t| t.invalid_reason().is_none()) {
                Some(t) if t.time.is_some() => json!({ "timestamp": t.isoformat() }),
                Some(t) => json!({ "date": t.isoformat() }),
                None => json!({ "str": s.text }),
            }
        }
        ScalarValue::Str => json!({ "str": s.text }),
    }
}

/// Python's spelling of the special values; finite values in Rust's shortest round-trip form,
/// which Python's `float()` reads back to the same number.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{f:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(text: &str) -> Value {
        describe("t.yml", text.as_bytes(), Some(DebugFormat::Yaml))["value"].clone()
    }

    #[test]
    fn scalars_are_typed_as_yaml_1_1_resolves_them() {
        assert_eq!(
            value_of("a: yes\nb: 0x1F\nc: .inf\nd: ~\ne: '1'\nf: -1.5\n"),
            json!({ "map": [
                [{ "str": "a" }, { "bool": true }],
                [{ "str": "b" }, { "int": "31" }],
                [{ "str": "c" }, { "float": "inf" }],
                [{ "str": "d" }, { "null": null }],
                [{ "str": "e" }, { "str": "1" }],
                [{ "str": "f" }, { "float": "-1.5" }],
            ]})
        );
    }

    #[test]
    fn sequences_missing_values_and_empty_documents() {
        assert_eq!(value_of("- x\n-\n"), json!({ "seq": [{ "str": "x" }, { "null": null }] }));
        assert_eq!(value_of("# only a comment\n"), json!({ "null": null }));
    }

    #[test]
    fn errors_make_the_file_fail_and_warnings_do_not() {
        let broken = describe("t.yml", b"a: 'open\n", Some(DebugFormat::Yaml));
        assert_eq!(broken["fails"], json!(true));
        assert_eq!(broken["diagnostics"][0]["code"], json!("AML002"));
        let bom = describe("t.yml", "\u{feff}a: 1\n".as_bytes(), Some(DebugFormat::Yaml));
        assert_eq!(bom["fails"], json!(false));
        assert_eq!(bom["value"], json!({ "map": [[{ "str": "a" }, { "int": "1" }]] }));
    }

    #[test]
    fn undecodable_bytes_fail() {
        assert_eq!(describe("t.yml", b"a: \xff\n", None)["fails"], json!(true));
    }

    #[test]
    fn json_files_use_the_json_parser() {
        let line = describe("t.json", br#"{"a": [1, 2.5, null, true]}"#, None);
        assert_eq!(line["format"], json!("json"));
        assert_eq!(
            line["value"],
            json!({ "map": [[{ "str": "a" }, { "seq": [{ "int": "1" }, { "float": "2.5" }, { "null": null }, { "bool": true }] }]] })
        );
    }
}
