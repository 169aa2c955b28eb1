//! Resource tags (AML119): names the CLI refuses, and ARM's tag limits.
//!
//! Sources:
//! - ARM's tag limits, which the service applies to every resource it creates, computes
//!   included, and which neither azure-ai-ml nor our schemas check: at most 50 tags; a tag name
//!   at most 512 characters and without `<`, `>`, `%`, `&`, `\`, `?`, `/`; a value at most 256
//!   characters (learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations;
//!   the ARM `ProxyResourceWithTags.tags` reference repeats the forbidden characters).
//! - azure-ai-ml 1.35.2 `ComputeSchema.tags = fields.Dict(keys=fields.Str(), values=fields.Str())`
//!   (_schema/compute/compute.py line 27): a tag name YAML reads as a number, boolean, null or
//!   date fails with `"tags": {"1": {"key": ["Not a valid string."]}}`. ARM bodies are JSON,
//!   whose keys are always strings.

use super::RuleContext;
use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use crate::spec::kinds::SpecForm;
use crate::syntax::{ScalarStyle, ScalarValue};

const MAX_TAGS: usize = 50;
const MAX_NAME_CHARS: usize = 512;
const MAX_VALUE_CHARS: usize = 256;
const FORBIDDEN_IN_NAMES: &[char] = &['<', '>', '%', '&', '\\', '?', '/'];

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let Some(tags) = ctx.root.entry("tags") else { return };
    let Some(entries) = tags.value.as_mapping() else { return };
    if entries.len() > MAX_TAGS {
        out.push(Diagnostic::new(
            codes::INVALID_TAG,
            tags.key_range,
            format!(
                "Azure allows at most {MAX_TAGS} tags on a resource; this spec gives {}. Remove {}.",
                entries.len(),
                entries.len() - MAX_TAGS
            ),
        ));
    }
    for entry in entries {
        let name = &entry.key;
        if ctx.form == SpecForm::Cli && name.value != ScalarValue::Str && name.style == ScalarStyle::Plain {
            let quoted = format!("\"{}\"", name.text);
            out.push(
                Diagnostic::new(
                    codes::INVALID_TAG,
                    entry.key_range,
                    format!(
                        "The tag name `{}` is read as {} {}, and tag names must be strings: the CLI fails with \"Not a valid string\". Quote it: {quoted}.",
                        name.text,
                        article(name.value.type_name()),
                        name.value.type_name()
                    ),
                )
                .with_fix(Fix::preferred(format!("Quote it: {quoted}"), vec![TextEdit::replace(entry.key_range, quoted)])),
            );
            continue;
        }
        let chars = name.text.chars().count();
        if chars > MAX_NAME_CHARS {
            out.push(Diagnostic::new(
                codes::INVALID_TAG,
                entry.key_range,
                format!("A tag name is at most {MAX_NAME_CHARS} characters; this one has {chars}."),
            ));
        }
        let forbidden: Vec<String> =
            FORBIDDEN_IN_NAMES.iter().filter(|c| name.text.contains(**c)).map(|c| format!("`{c}`")).collect();
        if !forbidden.is_empty() {
            out.push(Diagnostic::new(
                codes::INVALID_TAG,
                entry.key_range,
                format!(
                    "A tag name cannot contain {}; Azure refuses `{}`. Tag names may not use < > % & \\ ? /.",
                    forbidden.join(", "),
                    shorten(&name.text)
                ),
            ));
        }
        if let Some(value) = entry.value.as_str() {
            let chars = value.chars().count();
            if chars > MAX_VALUE_CHARS {
                out.push(Diagnostic::new(
                    codes::INVALID_TAG,
                    entry.value.range,
                    format!("A tag value is at most {MAX_VALUE_CHARS} characters; this one has {chars}."),
                ));
            }
        }
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(37).collect::<String>())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{CheckOptions, check_text};
    use crate::diagnostic::apply_edits;

    const CLUSTER: &str = "name: cpu-cluster\ntype: amlcompute\nmax_instances: 2\n";

    fn found(tags: &str) -> Vec<(String, String)> {
        let text = format!("{CLUSTER}tags:\n{tags}");
        let result = check_text(&text, Some("c.yml"), &CheckOptions::default());
        result.diagnostics.iter().map(|d| (d.code.id(), text[d.range.start()..d.range.end()].to_string())).collect()
    }

    #[test]
    fn arm_tag_limits_are_errors_at_the_tag() {
        let fifty: String = (0..50).map(|i| format!("  k{i}: v\n")).collect();
        assert!(found(&fifty).is_empty());
        let fifty_one = format!("{fifty}  k50: v\n");
        assert_eq!(found(&fifty_one), vec![("AML119".to_string(), "tags".to_string())]);
        let long_name = "k".repeat(513);
        assert_eq!(found(&format!("  {long_name}: v\n")), vec![("AML119".to_string(), long_name)]);
        assert!(found(&format!("  {}: v\n", "k".repeat(512))).is_empty());
        for name in ["a<b", "a/b", "50%", "a&b", "a?b", "'a\\b'"] {
            assert_eq!(found(&format!("  {name}: v\n")).len(), 1, "{name}");
        }
        let long_value = "v".repeat(257);
        assert_eq!(found(&format!("  k: {long_value}\n")), vec![("AML119".to_string(), long_value)]);
        assert!(found(&format!("  k: {}\n", "v".repeat(256))).is_empty());
    }

    #[test]
    fn a_tag_name_yaml_reads_as_a_number_is_an_error_with_a_quoting_fix() {
        assert_eq!(found("  1: a\n"), vec![("AML119".to_string(), "1".to_string())]);
        assert_eq!(found("  true: a\n"), vec![("AML119".to_string(), "true".to_string())]);
        assert!(found("  '1': a\n").is_empty());
        let text = format!("{CLUSTER}tags:\n  1: a\n");
        let result = check_text(&text, Some("c.yml"), &CheckOptions::default());
        let fixed = apply_edits(&text, &result.diagnostics[0].fixes[0].edits);
        assert!(check_text(&fixed, Some("c.yml"), &CheckOptions::default()).diagnostics.is_empty(), "{fixed}");
    }

    #[test]
    fn arm_bodies_get_the_limits_too() {
        let tags: Vec<String> = (0..51).map(|i| format!("\"k{i}\": \"v\"")).collect();
        let body = format!(
            r#"{{"location": "eastus", "tags": {{{}}}, "properties": {{"computeType": "AmlCompute", "properties": {{"vmSize": "Standard_DS3_v2", "scaleSettings": {{"maxNodeCount": 2}}}}}}}}"#,
            tags.join(", ")
        );
        let result = check_text(&body, Some("body.json"), &CheckOptions::default());
        let ids: Vec<String> = result.diagnostics.iter().map(|d| d.code.id()).collect();
        assert_eq!(ids, vec!["AML119"], "{:?}", result.diagnostics);
    }
}
