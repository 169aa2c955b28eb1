//! Values PyYAML reads differently from what a compute spec needs: unquoted dates and
//! timestamps (AML015).
//!
//! PyYAML 6.0.4's SafeLoader, which `az ml compute create --file` loads specs with
//! (`azure.ai.ml._utils.utils.load_yaml`), resolves a plain `2024-05-01` to a `datetime.date`
//! and `2026-01-01T18:00:00` to a `datetime.datetime` (the YAML 1.1 timestamp type). No field
//! of a compute spec takes a date: marshmallow's `fields.Str` refuses one with "Not a valid
//! string." (azure-ai-ml 1.35.2, `description`, tag values, a schedule's `start_time`), and an
//! impossible date (`2024-13-01`) makes the loader itself raise. So each such scalar, key or
//! value, is an error at the token with a fix that quotes it.

use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use crate::syntax::yaml::resolve_timestamp;
use crate::syntax::{Node, NodeKind, Scalar, ScalarStyle};
use crate::text::TextRange;

/// The findings for every plain date or timestamp in a YAML compute spec's tree.
pub fn timestamps(text: &str, root: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // The tree is at most `syntax::MAX_NESTING` deep; an explicit stack keeps this walk flat.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Mapping(entries) => {
                for e in entries.iter().rev() {
                    stack.push(&e.value);
                }
                for e in entries {
                    out.extend(timestamp(text, &e.key, e.key_range));
                }
            }
            NodeKind::Sequence(items) => stack.extend(items.iter().rev()),
            NodeKind::Scalar(s) => out.extend(timestamp(text, s, node.range)),
            NodeKind::Missing => {}
        }
    }
    out.sort_by_key(|d| (d.range.start, d.range.end));
    out
}

fn timestamp(text: &str, scalar: &Scalar, range: TextRange) -> Option<Diagnostic> {
    if scalar.style != ScalarStyle::Plain || range.is_empty() || explicitly_tagged(text, range.start()) {
        return None;
    }
    let stamp = resolve_timestamp(&scalar.text)?;
    let what = if stamp.time.is_some() { "timestamp" } else { "date" };
    let text = &scalar.text;
    let message = match stamp.invalid_reason() {
        Some(reason) => format!(
            "PyYAML, which the Azure ML CLI reads specs with, takes `{text}` for a {what} and fails on it ({reason}). Quote it to keep it text."
        ),
        None => format!(
            "PyYAML, which the Azure ML CLI reads specs with, takes `{text}` for a {what}, not text; the CLI refuses it (\"Not a valid string.\"). Quote it: \"{text}\"."
        ),
    };
    Some(
        Diagnostic::new(codes::YAML_TIMESTAMP, range, message)
            .with_fix(Fix::safe("Quote the value", vec![TextEdit::replace(range, format!("\"{text}\""))])),
    )
}

/// Whether the scalar at `start` has a tag written before it (`!!str 2024-05-01`): an explicit
/// tag picks PyYAML's constructor instead of the resolver (`!!str` keeps text), and the tags
/// it cannot construct are AML017 already.
fn explicitly_tagged(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '\t']);
    let word_start = before.rfind([' ', '\t', '\n', '{', '[', ',']).map_or(0, |i| i + 1);
    let word = &before[word_start..];
    word.starts_with('!') && word != "!!timestamp"
}

#[cfg(test)]
mod tests {
    use crate::check::{CheckOptions, check_text};
    use crate::diagnostic::codes;

    fn codes_of(text: &str) -> Vec<u16> {
        check_text(text, Some("spec.yml"), &CheckOptions::default()).diagnostics.iter().map(|d| d.code.number).collect()
    }

    #[test]
    fn dates_are_errors_in_compute_specs_and_silent_elsewhere() {
        let spec = "name: dev-instance\ntype: computeinstance\nsize: Standard_DS11_v2\ndescription: 2024-05-01\n";
        assert!(codes_of(spec).contains(&codes::YAML_TIMESTAMP.number), "{:?}", codes_of(spec));
        let quoted = spec.replace("2024-05-01", "\"2024-05-01\"");
        assert!(!codes_of(&quoted).contains(&codes::YAML_TIMESTAMP.number));
        let tagged = spec.replace("2024-05-01", "!!str 2024-05-01");
        assert!(!codes_of(&tagged).contains(&codes::YAML_TIMESTAMP.number));
        let workflow = "on: push\ndate: 2024-05-01\njobs:\n  a:\n    runs-on: ubuntu-latest\n";
        assert!(codes_of(workflow).is_empty(), "{:?}", codes_of(workflow));
    }

    #[test]
    fn unknown_tags_are_errors_only_in_compute_specs() {
        let spec = "name: dev-instance\ntype: computeinstance\nsize: !Ref InstanceSize\n";
        assert!(codes_of(spec).contains(&codes::UNKNOWN_YAML_TAG.number));
        let cloudformation =
            "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref Name\n";
        assert!(codes_of(cloudformation).is_empty(), "{:?}", codes_of(cloudformation));
    }
}
