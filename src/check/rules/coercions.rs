//! Values the CLI's marshmallow fields take beyond their JSON type, and what they become: the
//! schema validator asks here before it calls a value the wrong type.
//!
//! Source: marshmallow 3.26.2 (the version azure-ai-ml 1.35.2 resolves to), `fields.Boolean`
//! (marshmallow/fields.py, the `truthy` and `falsy` sets at lines 1167–1206, compared with `in`,
//! so `1.0` matches `1`). azure-ai-ml declares its boolean fields with that class
//! (`_schema/compute/aml_compute.py` lines 41 and 45, `_schema/compute/compute_instance.py`
//! lines 60 and 71–82), so `ssh_public_access_enabled: 1` loads as `true`. ARM request bodies
//! go to the REST API as they are, where a boolean is a JSON boolean: CLI specs only.
//!
//! Integers: marshmallow's non-strict `fields.Integer` calls Python's `int()` on a string
//! (marshmallow/fields.py, `Number._format_num`), which skips surrounding whitespace and reads
//! leading zeros and `_` between digits as decimal: `" 120 "` is 120 and `"010"` is 10 (where
//! YAML 1.1 reads a plain `010` as the octal 8, so removing the quotes would change the value).

use crate::diagnostic::{Diagnostic, Fix, Severity, TextEdit, codes};
use crate::syntax::{Node, ScalarValue};

/// The strings marshmallow's `Boolean` reads as true and as false (case as listed: `tRUE` is
/// not one of them).
const TRUTHY: &[&str] = &["t", "T", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "yes", "Yes", "YES", "1"];
const FALSY: &[&str] = &["f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "n", "N", "no", "No", "NO", "0"];

/// What marshmallow's `Boolean` makes of a value that is not a boolean already: `Some` for
/// `1`/`0` (integer or float) and the listed strings, `None` for what it refuses.
pub fn marshmallow_bool(node: &Node) -> Option<bool> {
    let scalar = node.as_scalar()?;
    match scalar.value {
        ScalarValue::Int(1) => Some(true),
        ScalarValue::Int(0) => Some(false),
        ScalarValue::Float(1.0) => Some(true),
        ScalarValue::Float(0.0) => Some(false),
        ScalarValue::Str if TRUTHY.contains(&scalar.text.as_str()) => Some(true),
        ScalarValue::Str if FALSY.contains(&scalar.text.as_str()) => Some(false),
        _ => None,
    }
}

/// What marshmallow's `Integer` makes of a string, as Python's `int(text)` reads it: optional
/// whitespace around an optional sign and decimal digits, single `_` allowed between digits.
pub fn marshmallow_int(node: &Node) -> Option<i64> {
    let scalar = node.as_scalar().filter(|s| s.value == ScalarValue::Str)?;
    let text = scalar.text.trim();
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let parts: Vec<&str> = digits.split('_').collect();
    if parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let value: i64 = parts.concat().parse().ok()?;
    Some(if negative { -value } else { value })
}

/// A hint on an integer field given as a string the CLI reads with `int()` but YAML would not
/// read as the same integer without its quotes, with a fix that writes the number.
pub fn integer_hint(node: &Node, field: &str, value: i64) -> Diagnostic {
    let written = node.as_scalar().map_or(String::new(), |s| s.text.clone());
    Diagnostic::new(
        codes::WRONG_TYPE,
        node.range,
        format!(
            "{field} is an integer; the CLI reads the text `{written}` as {value} (marshmallow's Integer field calls int()), \
             but {value} says what it is."
        ),
    )
    .with_severity(Severity::Hint)
    .with_fix(Fix::safe(format!("Write {value}"), vec![TextEdit::replace(node.range, value.to_string())]))
}

/// A hint (not an error: the CLI sends the boolean) on a boolean field written as `1`, `0`,
/// `y`, … with a fix that writes `true` or `false`.
pub fn boolean_hint(node: &Node, field: &str, value: bool) -> Diagnostic {
    let written = node.as_scalar().map_or(String::new(), |s| s.text.clone());
    let word = if value { "true" } else { "false" };
    Diagnostic::new(
        codes::WRONG_TYPE,
        node.range,
        format!(
            "{field} is a boolean; the CLI reads `{written}` as {word} (marshmallow's Boolean field takes 1/0, yes/no, \
             on/off, y/n, t/f), but `{word}` says what it is."
        ),
    )
    .with_severity(Severity::Hint)
    .with_fix(Fix::safe(format!("Write {word}"), vec![TextEdit::replace(node.range, word)]))
}

#[cfg(test)]
mod tests {
    use crate::check::{CheckOptions, Severity, check_text};
    use crate::diagnostic::apply_edits;

    const CLUSTER: &str = "name: cpu-cluster\ntype: amlcompute\nmax_instances: 2\n";

    fn found(extra: &str) -> Vec<(String, Severity, String)> {
        let text = format!("{CLUSTER}{extra}");
        let result = check_text(&text, Some("c.yml"), &CheckOptions::default());
        result.diagnostics.iter().map(|d| (d.code.id(), d.severity, d.message.clone())).collect()
    }

    #[test]
    fn booleans_written_as_one_zero_or_marshmallow_words_are_a_hint_with_a_fix() {
        for (written, word) in [
            ("1", "true"),
            ("0", "false"),
            ("1.0", "true"),
            ("'1'", "true"),
            ("\"0\"", "false"),
            ("y", "true"),
            ("N", "false"),
            ("t", "true"),
        ] {
            let extra = format!("enable_node_public_ip: {written}\n");
            let all = found(&extra);
            assert_eq!(all.len(), 1, "{written}: {all:?}");
            let (code, severity, message) = &all[0];
            assert_eq!((code.as_str(), *severity), ("AML103", Severity::Hint), "{written}: {message}");
            assert!(message.contains(&format!("as {word}")), "{written}: {message}");
            let text = format!("{CLUSTER}{extra}");
            let result = check_text(&text, Some("c.yml"), &CheckOptions::default());
            let fixed = apply_edits(&text, &result.diagnostics[0].fixes[0].edits);
            assert!(fixed.ends_with(&format!("enable_node_public_ip: {word}\n")), "{fixed}");
            assert!(check_text(&fixed, Some("c.yml"), &CheckOptions::default()).diagnostics.is_empty());
        }
    }

    #[test]
    fn values_marshmallow_refuses_stay_errors() {
        for written in ["2", "maybe", "tRUE", "0.5", "-1"] {
            let all = found(&format!("enable_node_public_ip: {written}\n"));
            assert!(
                all.iter().any(|(code, severity, _)| code == "AML103" && *severity == Severity::Error),
                "{written}: {all:?}"
            );
        }
    }

    #[test]
    fn integers_as_text_are_read_as_python_int_reads_them() {
        // Where YAML reads the unquoted text as the same number, the fix just removes the quotes.
        let cases = [("\" 120 \"", "120"), ("'010'", "10"), ("\"1_000\"", "1_000"), ("'+5'", "+5"), ("'4'", "4")];
        for (written, number) in cases {
            let text = format!("{CLUSTER}idle_time_before_scale_down: {written}\n");
            let result = check_text(&text, Some("c.yml"), &CheckOptions::default());
            assert_eq!(result.diagnostics.len(), 1, "{written}: {:?}", result.diagnostics);
            let d = &result.diagnostics[0];
            assert_eq!((d.code.id(), d.severity), ("AML103".to_string(), Severity::Hint), "{written}");
            let fixed = apply_edits(&text, &d.fixes[0].edits);
            assert!(fixed.ends_with(&format!("idle_time_before_scale_down: {number}\n")), "{written}: {fixed}");
        }
        for refused in ["'1__0'", "'_1'", "'1.0'", "'0x10'", "' '"] {
            let text = format!("{CLUSTER}idle_time_before_scale_down: {refused}\n");
            let result = check_text(&text, Some("c.yml"), &CheckOptions::default());
            assert!(
                result.diagnostics.iter().any(|d| d.code.id() == "AML103" && d.severity == Severity::Error),
                "{refused}: {:?}",
                result.diagnostics
            );
        }
    }

    #[test]
    fn arm_bodies_get_no_leniency() {
        let text = r#"{"location": "eastus", "properties": {"computeType": "AmlCompute", "properties": {"vmSize": "Standard_DS3_v2", "enableNodePublicIp": 1, "scaleSettings": {"maxNodeCount": 2}}}}"#;
        let result = check_text(text, Some("body.json"), &CheckOptions::default());
        assert!(
            result.diagnostics.iter().any(|d| d.code.id() == "AML103" && d.severity == Severity::Error),
            "{:?}",
            result.diagnostics
        );
    }
}
