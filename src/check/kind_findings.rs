//! Findings about which compute kind a document is: a compute-shaped file with no `type`, a
//! `$schema` (or modeline) that names another kind than `type`, and a file given to `check`
//! that is no compute spec at all.
//!
//! Sources: azure-ai-ml 1.35.2 `load_compute` reads `type` to pick the entity class and fails
//! with "Unknown compute type: None" without it; it never reads `$schema`, which is only for
//! editors (yaml-language-server), so `type` decides and a disagreeing `$schema` is a warning.

use crate::check::schema::SchemaSet;
use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use crate::spec::kinds::{self, ComputeKind, Detection, Evidence, SpecForm};
use crate::syntax::text::TextRange;
use crate::syntax::{Comment, Node, Parsed};

/// The CLI kinds whose schema has a field for every top-level key of the document.
fn kinds_that_fit(root: &Node) -> Vec<ComputeKind> {
    let set = SchemaSet::get();
    let keys: Vec<&str> =
        root.as_mapping().unwrap_or(&[]).iter().map(|e| e.key.text.as_str()).filter(|k| *k != "$schema").collect();
    ComputeKind::CLI
        .iter()
        .copied()
        .filter(|kind| {
            set.lookup(&kind.schema_ref(SpecForm::Cli))
                .map(|id| set.node(id))
                .is_some_and(|schema| keys.iter().all(|k| schema.property(k).is_some()))
        })
        .collect()
}

/// One error on the first key of a compute-shaped document with no `type`, with a fix that
/// inserts `type:` for each kind its keys fit.
pub fn missing_type(text: &str, root: &Node, detection: &Detection, json: bool) -> Diagnostic {
    let fits = kinds_that_fit(root);
    let names: Vec<&str> = fits.iter().filter_map(|k| k.cli_type()).collect();
    let hint = match names.as_slice() {
        [] => String::new(),
        [one] => format!(" Its fields are a {}'s: add `type: {one}`.", kinds_display(&fits)),
        _ => format!(
            " Its fields fit `type:` {}.",
            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        ),
    };
    let mut d = Diagnostic::new(
        codes::MISSING_COMPUTE_TYPE,
        detection.range,
        format!("This compute spec has no `type`, so the CLI fails with \"Unknown compute type: None\".{hint}"),
    );
    let Some(first) = root.as_mapping().and_then(|entries| entries.iter().find(|e| e.key.text != "$schema")) else {
        return d;
    };
    let edit = |name: &str| {
        if json {
            TextEdit::insert(first.key_range.start(), format!("\"type\": \"{name}\", "))
        } else {
            let line_start = text[..first.key_range.start()].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let indent = &text[line_start..first.key_range.start()];
            let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
            TextEdit::insert(first.key_range.start(), format!("type: {name}{newline}{indent}"))
        }
    };
    for name in &names {
        let fix = Fix::new(format!("Set `type: {name}`"), vec![edit(name)]);
        d = d.with_fix(if names.len() == 1 { Fix { preferred: true, ..fix } } else { fix });
    }
    d
}

fn kinds_display(kinds: &[ComputeKind]) -> String {
    kinds.first().map(|k| k.display_name().to_string()).unwrap_or_default()
}

/// A warning when the modeline or `$schema` names another kind than `type` (which decides),
/// or when `$schema` is not a string; with a fix to the URL that matches `type`.
pub fn schema_disagreement(root: &Node, comments: &[Comment], detection: &Detection) -> Option<Diagnostic> {
    if !matches!(detection.evidence, Evidence::TypeField | Evidence::ComputeTypeField) {
        return None;
    }
    if let Some(value) = root.get("$schema")
        && value.as_str().is_none()
        && !value.is_null()
    {
        return Some(Diagnostic::new(
            codes::SCHEMA_MISMATCH,
            value.range,
            "`$schema` is not a URL string; editors cannot use it, and the CLI ignores it.".to_string(),
        ));
    }
    let ((schema_kind, schema_form), evidence, range) = kinds::declared_schema(root, comments)?;
    let agrees = schema_form == detection.form && (schema_kind.is_none() || schema_kind == detection.kind);
    if agrees {
        return None;
    }
    let kind = detection.kind?;
    let what = match evidence {
        Evidence::Modeline => "The `yaml-language-server` modeline",
        _ => "`$schema`",
    };
    let named = match schema_kind {
        Some(k) => format!("{} schema", k.a_display_name()),
        None => "ARM request body schema".to_string(),
    };
    let decider = match detection.form {
        SpecForm::Cli => "`type`",
        SpecForm::Arm => "`properties.computeType`",
    };
    let mut d = Diagnostic::new(
        codes::SCHEMA_MISMATCH,
        range,
        format!(
            "{what} names the {named}, but {decider} says this is {}; the CLI goes by {decider}, so editors using this schema will show the wrong fields.",
            kind.a_display_name()
        ),
    );
    if evidence == Evidence::SchemaKey
        && let (SpecForm::Cli, Some(url)) = (detection.form, kind.published_schema_url())
    {
        let value = root.get("$schema").map(|v| v.range).unwrap_or(range);
        let quoted = root.get("$schema").and_then(Node::as_scalar).is_some_and(|s| s.is_quoted());
        let new_text = if quoted { format!("\"{url}\"") } else { url.to_string() };
        d = d.with_fix(Fix::preferred(
            format!("Use the {} schema", kind.display_name()),
            vec![TextEdit::replace(value, new_text)],
        ));
    }
    Some(d)
}

/// Why a file given to `check` by name is no compute spec: the CLI fails on it. `None` when
/// it is a spec (or a deployment template, which has its own finding).
pub fn not_a_spec(text: &str, parsed: &Parsed, detection: Option<&Detection>) -> Option<Diagnostic> {
    if detection.is_some() {
        return None;
    }
    let root = parsed.root.as_ref();
    if root.is_some_and(|r| kinds::deployment_template(r).is_some()) {
        return None;
    }
    let start = text.len() - text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']).len();
    let (range, what) = match root.filter(|node| !node.is_null()) {
        None => (TextRange::empty(start), "The file holds no document (it is empty or only comments)"),
        Some(node) if node.as_sequence().is_some() => (first_line(text, node.range), "The file is a list"),
        Some(node) if node.as_mapping().is_none() => (first_line(text, node.range), "The file is a single value"),
        Some(node) => (first_line(text, node.range), "This file has no `type` (and no field a compute spec has)"),
    };
    Some(Diagnostic::new(
        codes::NOT_A_COMPUTE_SPEC,
        range,
        format!(
            "{what}, so it is not a compute spec: `az ml compute create --file` needs a mapping with `name` and `type`."
        ),
    ))
}

/// The part of a range on its first line (a whole list would underline the file).
fn first_line(text: &str, range: TextRange) -> TextRange {
    let start = range.start().min(text.len());
    let end = text[start..].find(['\n', '\r']).map_or(range.end(), |i| (start + i).min(range.end()));
    TextRange::new(start, end.max(start))
}

#[cfg(test)]
mod tests {
    use crate::check::{CheckOptions, check_text};
    use crate::diagnostic::apply_edits;

    fn codes(text: &str, path: &str) -> Vec<String> {
        check_text(text, Some(path), &CheckOptions::default()).diagnostics.iter().map(|d| d.code.id()).collect()
    }

    #[test]
    fn a_compute_shaped_file_without_type_gets_one_error_and_a_type_fix() {
        let text = "name: cpu-cluster\nmin_instances: 0\nmax_instances: 4\nidle_time_before_scale_down: 120\n";
        let result = check_text(text, Some("c.yml"), &CheckOptions::default());
        assert_eq!(result.diagnostics.len(), 1, "{:?}", result.diagnostics);
        let d = &result.diagnostics[0];
        assert_eq!(d.code.id(), "AML110");
        assert_eq!(&text[d.range.start()..d.range.end()], "name");
        let fix = d.fixes.iter().find(|f| f.preferred).expect("one kind fits");
        let fixed = apply_edits(text, &fix.edits);
        assert!(fixed.starts_with("type: amlcompute\nname: cpu-cluster\n"), "{fixed}");
        assert!(codes(&fixed, "c.yml").is_empty(), "{:?}", codes(&fixed, "c.yml"));
    }

    #[test]
    fn a_schema_naming_another_kind_than_type_is_one_warning_with_a_fix() {
        let text = "$schema: https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json\nname: cpu-cluster\ntype: amlcompute\nmax_instances: 4\n";
        let result = check_text(text, Some("c.yml"), &CheckOptions::default());
        let ids: Vec<String> = result.diagnostics.iter().map(|d| d.code.id()).collect();
        assert_eq!(ids, vec!["AML117"], "{:?}", result.diagnostics);
        let d = &result.diagnostics[0];
        assert_eq!(d.severity, crate::check::Severity::Warning);
        let fixed = apply_edits(text, &d.fixes[0].edits);
        assert!(fixed.contains("latest/amlCompute.schema.json"), "{fixed}");
        assert!(codes(&fixed, "c.yml").is_empty());
    }

    #[test]
    fn a_non_string_schema_is_a_warning_not_an_error() {
        let text = "$schema: 42\nname: cpu-cluster\ntype: amlcompute\nmax_instances: 4\n";
        let result = check_text(text, Some("c.yml"), &CheckOptions::default());
        let found: Vec<(String, crate::check::Severity)> =
            result.diagnostics.iter().map(|d| (d.code.id(), d.severity)).collect();
        assert_eq!(found, vec![("AML117".to_string(), crate::check::Severity::Warning)]);
    }

    #[test]
    fn files_that_are_no_spec_say_why_only_when_asked() {
        let named = CheckOptions { require_spec: true, ..CheckOptions::default() };
        for (text, why) in [
            ("", "no document"),
            ("# just a comment\n", "no document"),
            ("- a\n- b\n", "a list"),
            ("hello\n", "a single value"),
            ("apiVersion: v1\nkind: Pod\n", "no `type`"),
        ] {
            let result = check_text(text, Some("x.yml"), &CheckOptions::default());
            assert!(result.diagnostics.is_empty(), "{text:?} is silent by default: {:?}", result.diagnostics);
            let result = check_text(text, Some("x.yml"), &named);
            assert_eq!(result.diagnostics.len(), 1, "{text:?}: {:?}", result.diagnostics);
            let d = &result.diagnostics[0];
            assert!(d.code.id() == "AML118" && d.message.contains(why), "{text:?}: {}", d.message);
        }
        let with_comment = check_text("# aml-compute-ls: disable AML118\n", Some("x.yml"), &named);
        assert!(with_comment.diagnostics.is_empty());
        let spec = check_text("name: a\ntype: amlcompute\n", Some("x.yml"), &CheckOptions::default());
        assert!(super::not_a_spec("", &spec.parsed, spec.detection.as_ref()).is_none());
    }
}
