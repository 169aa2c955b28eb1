//! The `jsonschema` crate, which no one here wrote, referees `schemas/` and our own schema
//! interpreter (`check::schema` + `check::validate`):
//!
//! - every schema file is valid draft-07;
//! - every example, and every real valid corpus spec, validates against the published schemas;
//! - on every fixture, the published schemas and our validator agree on whether the spec has a
//!   schema error, except where `tests/schema-referee-differences.tsv` says why they may not.
//!
//! Specs are read into JSON values with our own parser: PyYAML referees the parser separately
//! (docs/conformance.md), this test referees the schemas and the validator.

use aml_compute_ls::check::schema::SCHEMA_FILES;
use aml_compute_ls::check::{CheckOptions, Code, Family, Severity, check_text};
use aml_compute_ls::spec::kinds::SpecForm;
use aml_compute_ls::syntax::{Node, NodeKind, ScalarValue};
use jsonschema::{Retrieve, Uri, Validator};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::Path;

use crate::support;

const BASE: &str = "https://aml-compute-ls.invalid/schemas/";

/// Serves the embedded schema files by their URL under `BASE`; nothing else is fetched.
struct EmbeddedSchemas;

impl Retrieve for EmbeddedSchemas {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().strip_prefix(BASE).ok_or_else(|| format!("no network here: {}", uri.as_str()))?;
        let text = SCHEMA_FILES.iter().find(|(file, _)| *file == name).ok_or_else(|| format!("no schema {name}"))?.1;
        Ok(serde_json::from_str(text)?)
    }
}

fn schema_value(file: &str) -> Value {
    let text = SCHEMA_FILES.iter().find(|(f, _)| *f == file).unwrap_or_else(|| panic!("no schema {file}")).1;
    serde_json::from_str(text).unwrap()
}

fn validator(file: &str) -> Validator {
    jsonschema::draft7::options()
        .with_base_uri(format!("{BASE}{file}"))
        .with_retriever(EmbeddedSchemas)
        .build(&schema_value(file))
        .unwrap_or_else(|e| panic!("{file} does not compile in jsonschema: {e}"))
}

/// A parsed value as JSON, the way the CLI hands it to its schemas.
fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            Value::Object(entries.iter().map(|e| (e.key.text.clone(), to_json(&e.value))).collect::<Map<_, _>>())
        }
        NodeKind::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Missing => Value::Null,
        NodeKind::Scalar(s) => match s.value {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(b) => json!(b),
            ScalarValue::Int(i) => json!(i),
            ScalarValue::Float(f) => json!(f),
            ScalarValue::Str => json!(s.text),
        },
    }
}

/// Which schema file the published set would apply to a spec, and the spec as JSON.
fn instance(path: &str, text: &str) -> Option<(String, Value)> {
    let result = check_text(text, Some(path), &CheckOptions::default());
    let detection = result.detection.as_ref()?;
    let kind = detection.kind?;
    let file = match detection.form {
        SpecForm::Cli => kind.schema_ref(SpecForm::Cli),
        SpecForm::Arm => "arm-compute.schema.json".to_string(),
    };
    Some((file, to_json(result.parsed.root.as_ref()?)))
}

fn errors(validators: &mut BTreeMap<String, Validator>, file: &str, value: &Value) -> Vec<String> {
    let v = validators.entry(file.to_string()).or_insert_with(|| validator(file));
    v.iter_errors(value).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

/// The reviewed differences: (code or file name, reason).
fn reviewed_differences() -> BTreeMap<String, String> {
    include_str!("../schema-referee-differences.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (what, reason) = l.split_once('\t').unwrap_or_else(|| panic!("no reason: {l}"));
            assert!(!reason.trim().is_empty(), "a difference without a reason: {l}");
            (what.to_string(), reason.to_string())
        })
        .collect()
}

fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml" || e == "json") {
                files.push((path.to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_schema_is_valid_draft_07_and_compiles() {
    for (file, _) in SCHEMA_FILES {
        let schema = schema_value(file);
        assert!(jsonschema::draft7::meta::is_valid(&schema), "{file} is not a valid draft-07 schema");
        validator(file);
    }
}

#[test]
fn every_example_validates_against_the_published_schemas() {
    let mut validators = BTreeMap::new();
    let mut checked = 0;
    for (path, text) in files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")) {
        let (file, value) = instance(&path, &text).unwrap_or_else(|| panic!("{path} is not a compute spec"));
        let found = errors(&mut validators, &file, &value);
        assert!(found.is_empty(), "{path} against {file}:\n  {}", found.join("\n  "));
        checked += 1;
    }
    assert!(checked >= 5);
}

#[test]
#[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]
fn every_real_valid_spec_validates_against_the_published_schemas() {
    let reviewed = reviewed_differences();
    let mut validators = BTreeMap::new();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, text) in support::corpus::files("specs-valid") {
        let Some((file, value)) = instance(&path, &text) else { continue };
        let name = Path::new(&path).file_name().unwrap().to_string_lossy().into_owned();
        let found = errors(&mut validators, &file, &value);
        match (found.is_empty(), reviewed.contains_key(&name)) {
            (false, false) => problems.push(format!("{name} against {file}:\n    {}", found.join("\n    "))),
            (true, true) => problems.push(format!("{name} now validates: remove it from the reviewed differences")),
            _ => {}
        }
        checked += 1;
    }
    assert!(checked > 20, "only {checked} compute specs in the corpus");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// On each fixture (annotations removed): does our checker report an error, and does the
/// published schema reject it? Our domain rules (families 2xx–7xx: name rules, the VM catalog,
/// node math, SSH keys, ids) say more than a schema can, so an error only from them is no
/// difference. Any other difference needs a reviewed reason: by code, for a schema-family
/// (1xx) finding no JSON schema can express, or by file.
#[test]
fn the_published_schemas_and_our_validator_agree_on_every_fixture() {
    let reviewed = reviewed_differences();
    let mut validators = BTreeMap::new();
    let (mut both_reject, mut both_accept, mut only_ours_by_rules, mut only_ours_reviewed, mut only_theirs_reviewed) =
        (0, 0, 0, 0, 0);
    let mut unexplained = Vec::new();
    for (path, text) in files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")) {
        if path.ends_with(".annotated") {
            continue;
        }
        let text = support::strip_annotations(&text);
        let result = check_text(&text, Some(&path), &CheckOptions::default());
        // Only documents both sides can read: a syntax error leaves nothing to validate.
        if result.diagnostics.iter().any(|d| d.code.family() == Family::Syntax && d.severity == Severity::Error) {
            continue;
        }
        let Some((file, value)) = instance(&path, &text) else { continue };
        let name = Path::new(&path).file_name().unwrap().to_string_lossy().into_owned();
        let ours: Vec<Code> =
            result.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.code).collect();
        let found = errors(&mut validators, &file, &value);
        match (ours.is_empty(), found.is_empty()) {
            (false, false) => both_reject += 1,
            (true, true) => both_accept += 1,
            (true, false) if reviewed.contains_key(&name) => only_theirs_reviewed += 1,
            (true, false) => unexplained.push(format!("{name}: only jsonschema rejects it: {found:?}")),
            (false, true) => {
                let unreviewed: Vec<String> = ours
                    .iter()
                    .filter(|c| !c.family().is_domain_rule() && !reviewed.contains_key(&c.id()))
                    .map(|c| c.id())
                    .collect();
                if ours.iter().all(|c| c.family().is_domain_rule()) {
                    only_ours_by_rules += 1;
                } else if unreviewed.is_empty() {
                    only_ours_reviewed += 1;
                } else {
                    unexplained.push(format!("{name}: only ours rejects it, with {unreviewed:?}"));
                }
            }
        }
    }
    let total = both_reject + both_accept + only_ours_by_rules + only_ours_reviewed + only_theirs_reviewed;
    println!(
        "schema referee on {total} fixtures: both reject {both_reject}, both accept {both_accept}; \
         only ours, by a domain rule {only_ours_by_rules}, by a reviewed schema-family code {only_ours_reviewed}; \
         only jsonschema, reviewed {only_theirs_reviewed}; unexplained {}",
        unexplained.len()
    );
    assert!(total > 100, "only {total} fixtures compared");
    assert!(unexplained.is_empty(), "unreviewed disagreements:\n  {}", unexplained.join("\n  "));
}
