//! Secrets never leave the engine in anything it shows (issue 14, defect 9): every field the
//! schemas mark `x-secret`, given as a string and as a number, next to findings of every
//! kind, in every output: messages, fix titles, code-action titles, hover, completion, the
//! outline, and the human, JSON and SARIF reports.

use aml_compute_ls::check::{CheckOptions, CheckResult, check_text};
use aml_compute_ls::ide;
use aml_compute_ls::report::{self, FileReport, Style};
use aml_compute_ls::syntax::text::TextRange;

/// The secret fields, read from the schemas (`"x-secret": true`), with the path of mappings
/// that holds each one in the ARM body or CLI spec.
fn secret_fields() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut stack = vec![(String::new(), &schema)];
        while let Some((at, node)) = stack.pop() {
            match node {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                        for (name, prop) in props {
                            if prop.get("x-secret") == Some(&serde_json::Value::Bool(true)) {
                                out.push((path.file_name().unwrap().to_string_lossy().to_string(), name.clone()));
                            }
                        }
                    }
                    stack.extend(map.iter().map(|(k, v)| (format!("{at}/{k}"), v)));
                }
                serde_json::Value::Array(items) => stack.extend(items.iter().map(|v| (at.clone(), v))),
                _ => {}
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

const SECRET_TEXT: &str = "Sup3r-S3cret-Passw0rd";
const SECRET_NUMBER: &str = "77815512345";

/// Specs with the secret field `field` holding `value`, with findings around it: an unknown
/// key on its line, a bad name, and (for the ARM form) several nesting shapes.
fn specs(field: &str, value: &str) -> Vec<(&'static str, String)> {
    let quoted = format!("\"{value}\"");
    let mut specs = vec![
        (
            "block.yml",
            format!(
                "name: c_1\ntype: amlcompute\nsize: Standard_DS3_v2\nssh_settings:\n  admin_username: azureuser\n  {field}: {value}\n  bad_key: 1\n"
            ),
        ),
        (
            "flow.yml",
            format!(
                "name: c_1\ntype: virtualmachine\nresource_id: x\nssh_settings: {{admin_username: u, {field}: {value}, port: x}}\n"
            ),
        ),
        ("wrong.yml", format!("name: ci1\ntype: computeinstance\nssh_settings:\n  {field}: [{value}]\n")),
        ("list.yml", format!("name: c1\ntype: amlcompute\n{field}:\n  - {value}\n  - {value}.5\n")),
    ];
    for json_value in [value.to_string(), quoted.clone()] {
        specs.push((
            "arm.json",
            format!(
                "{{\"name\": \"c_1\", \"properties\": {{\"computeType\": \"AmlCompute\", \"properties\": {{\"userAccountCredentials\": {{\"adminUserName\": \"u\", \"{field}\": {json_value}}}, \"scaleSettings\": {{\"maxNodeCount\": -1}}}}}}}}"
            ),
        ));
        specs.push((
            "vm.json",
            format!(
                "{{\"name\": \"vm1\", \"properties\": {{\"computeType\": \"VirtualMachine\", \"properties\": {{\"administratorAccount\": {{\"username\": 1, \"{field}\": {json_value}}}}}}}}}"
            ),
        ));
        specs.push((
            "aks.json",
            format!(
                "{{\"name\": \"k\", \"properties\": {{\"computeType\": \"Kubernetes\", \"properties\": {{\"{field}\": {json_value}, \"x\": 1}}}}}}"
            ),
        ));
    }
    specs
}

fn assert_hidden(what: &str, shown: &str, value: &str) {
    assert!(!shown.contains(value), "{what} shows the secret:\n{shown}");
}

fn check_everything(path: &str, text: &str, value: &str) {
    let options = CheckOptions::default();
    let result: CheckResult = check_text(text, Some(path), &options);
    assert!(!result.secrets.is_empty(), "{path}: no secret found in\n{text}");
    let what = format!("{path} ({text:?})");
    for d in &result.diagnostics {
        assert_hidden(&what, &d.message, value);
        for f in &d.fixes {
            assert_hidden(&what, &f.title, value);
        }
    }
    for offset in 0..=text.len() {
        if let Some(h) = ide::hover(text, offset, &result) {
            assert_hidden(&what, &h.markdown, value);
        }
        for item in ide::complete(text, offset, &result, &options) {
            assert_hidden(&what, &item.label, value);
            assert_hidden(&what, item.detail.as_deref().unwrap_or(""), value);
            assert_hidden(&what, item.documentation.as_deref().unwrap_or(""), value);
        }
    }
    for action in ide::code_actions(text, TextRange::new(0, text.len()), &result) {
        assert_hidden(&what, &action.title, value);
    }
    let mut stack = ide::document_symbols(text, &result);
    while let Some(s) = stack.pop() {
        assert_hidden(&what, &format!("{} {:?}", s.name, s.detail), value);
        stack.extend(s.children);
    }
    let files = [FileReport { path, text, result: &result }];
    assert_hidden(&what, &report::render_human(&files, Style { color: false }), value);
    assert_hidden(&what, &report::render_json(&files), value);
    assert_hidden(&what, &report::render_sarif(&files), value);
}

#[test]
fn the_secret_fields_are_the_ones_the_engine_masks() {
    let fields = secret_fields();
    assert!(fields.len() >= 8, "{fields:?}");
    for (_, field) in &fields {
        assert!(
            aml_compute_ls::check::SECRET_KEYS.contains(&field.as_str()),
            "`{field}` is marked x-secret in the schemas but the engine does not treat it as secret"
        );
    }
}

#[test]
fn no_output_shows_a_secret_string_or_number_in_any_secret_field() {
    let mut checked = 0;
    for (_, field) in secret_fields() {
        for value in [SECRET_TEXT, SECRET_NUMBER] {
            for (path, text) in specs(&field, value) {
                check_everything(path, &text, value);
                checked += 1;
            }
        }
    }
    assert!(checked >= 100, "{checked}");
}
