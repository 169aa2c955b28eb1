//! Every input checks in time linear in its size (issue 14, defect 4): for each shape that
//! was quadratic or could be, doubling the input must not much more than double the time.
//! Ratios, not absolute times, so the test holds on a busy machine; best of a few runs, and
//! sizes small enough for a debug build.

use aml_compute_ls::check::{CheckOptions, check_text};
use aml_compute_ls::ide;
use aml_compute_ls::report::{self, FileReport, Style};
use aml_compute_ls::syntax::text::TextRange;
use std::time::{Duration, Instant};

/// Everything a user can trigger on a document: the check, the editor features at its end and
/// in its middle, and the human report.
fn work(path: &str, text: &str) {
    let options = CheckOptions::default();
    let result = check_text(text, Some(path), &options);
    for offset in [text.len() / 2, text.len()] {
        let offset = (0..=offset).rev().find(|i| text.is_char_boundary(*i)).unwrap();
        let _ = ide::complete(text, offset, &result, &options);
        let _ = ide::hover(text, offset, &result);
        let _ = ide::code_actions(text, TextRange::new(offset, offset), &result);
    }
    let _ = ide::document_symbols(text, &result);
    let _ = report::render_human(&[FileReport { path, text, result: &result }], Style { color: false });
}

fn best_of(runs: usize, path: &str, text: &str) -> Duration {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            work(path, text);
            started.elapsed()
        })
        .min()
        .unwrap()
}

/// Asserts that the time grows at most 1.5 times as fast as the size in bytes from `make(n)`
/// to `make(2n)` (so < 3 when the bytes double), trying a few times before failing, since one
/// slow run on a shared machine says nothing.
fn assert_linear(name: &str, path: &str, n: usize, make: impl Fn(usize) -> String) {
    let (small, large) = (make(n), make(2 * n));
    let allowed = 1.5 * large.len() as f64 / small.len() as f64;
    let mut ratios = Vec::new();
    for _ in 0..3 {
        let ratio = best_of(3, path, &large).as_secs_f64() / best_of(3, path, &small).as_secs_f64().max(1e-6);
        if ratio < allowed {
            return;
        }
        ratios.push(ratio);
    }
    panic!(
        "{name}: doubling the input from {} to {} bytes multiplied the time by {ratios:?}",
        small.len(),
        large.len()
    );
}

const HEAD: &str = "name: c1\ntype: amlcompute\nsize: Standard_DS3_v2\n";

#[test]
fn duplicate_keys_in_yaml() {
    // Known and unknown keys, each repeated: duplicate-key and unknown-field findings alike.
    assert_linear("duplicate YAML keys", "a.yml", 2_000, |n| format!("{HEAD}{}", "tier: dedicated\nx: 1\n".repeat(n)));
}

#[test]
fn unknown_keys_in_yaml() {
    assert_linear("unknown YAML keys", "a.yml", 3_000, |n| {
        HEAD.to_string() + &(0..n).map(|i| format!("unknown_key_{i}: 1\n")).collect::<String>()
    });
}

#[test]
fn keys_with_empty_values_and_comments() {
    assert_linear("empty values with comments", "a.yml", 3_000, |n| {
        HEAD.to_string() + &(0..n).map(|i| format!("k{i}: # note {i}\n")).collect::<String>()
    });
}

#[test]
fn syntax_errors_among_findings() {
    // Each line a syntax error (`a: b: c`) next to an unknown key: the staging that hides
    // findings on error lines must not compare every finding with every error.
    assert_linear("syntax errors", "a.yml", 2_000, |n| {
        HEAD.to_string() + &(0..n).map(|i| format!("e{i}: b: c\nu{i}: 1\n")).collect::<String>()
    });
}

#[test]
fn flow_mapping_of_many_entries() {
    assert_linear("flow mapping", "a.yml", 4_000, |n| {
        format!("{HEAD}tags: {{{}}}\n", (0..n).map(|i| format!("k{i}: v")).collect::<Vec<_>>().join(", "))
    });
}

#[test]
fn flow_sequence_of_many_items() {
    assert_linear("flow sequence", "a.yml", 8_000, |n| {
        format!("{HEAD}tags: [{}]\n", (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(", "))
    });
}

#[test]
fn wrong_typed_items_of_a_flow_sequence() {
    // Each item a finding (identities are mappings), past the cap: only those shown are written.
    assert_linear("wrong-typed items", "a.yml", 8_000, |n| {
        let items: Vec<String> = (0..n).map(|i| format!("'{i}'")).collect();
        format!("{HEAD}identity:\n  type: user_assigned\n  user_assigned_identities: [{}]\n", items.join(", "))
    });
}

#[test]
fn duplicate_and_unknown_keys_in_json() {
    assert_linear("JSON keys", "a.json", 3_000, |n| {
        let members: Vec<String> =
            (0..n).flat_map(|i| [format!("\"k{i}\": 1"), "\"computeType\": \"AmlCompute\"".to_string()]).collect();
        format!("{{\"name\": \"c1\", \"properties\": {{{}}}}}", members.join(", "))
    });
}

/// Keys whose decoded text differs from their source (escapes, doubled quotes) are copied
/// into the duplicate-key maps; the duplicates' messages are written after the cap.
#[test]
fn duplicate_keys_with_escapes() {
    assert_linear("escaped YAML keys", "a.yml", 2_000, |n| format!("{HEAD}{}", "\"a\\tb\": 1\n'c''d': 2\n".repeat(n)));
    assert_linear("escaped JSON keys", "a.json", 2_000, |n| {
        format!(
            "{{\"name\": \"c1\", \"properties\": {{\"computeType\": \"AmlCompute\"{}}}}}",
            ", \"a\\u0062\": 1".repeat(n)
        )
    });
}

#[test]
fn unquoted_json_keys() {
    assert_linear("unquoted JSON keys", "a.json", 3_000, |n| {
        format!("{{{}}}", (0..n).map(|i| format!("k{i}: 1")).collect::<Vec<_>>().join(", "))
    });
}

#[test]
fn unclosed_quotes_over_a_deepening_tail() {
    // Each line opens a quote that never closes, one space deeper than the last.
    assert_linear("unclosed quotes", "a.yml", 300, |n| {
        HEAD.to_string() + "x:\n" + &(1..=n).map(|i| format!("{}\"q{i}\n", " ".repeat(i))).collect::<String>()
    });
}

#[test]
fn one_long_line_of_findings() {
    assert_linear("long line", "a.yml", 4_000, |n| format!("{HEAD}tags: [{}]\n", ",".repeat(n)));
}

#[test]
fn suppression_comments_and_findings() {
    assert_linear("suppressions", "a.yml", 2_000, |n| {
        HEAD.to_string()
            + &(0..n).map(|i| format!("# aml-compute-ls: disable-next-line AML101\nk{i}: 1\n")).collect::<String>()
    });
}

#[test]
fn placeholders_everywhere() {
    assert_linear("placeholders", "a.yml", 3_000, |n| {
        HEAD.to_string() + &(0..n).map(|i| format!("k{i}: <VALUE_{i}>\n")).collect::<String>()
    });
}

#[test]
fn many_list_items_of_mappings() {
    assert_linear("list of mappings", "a.yml", 2_000, |n| {
        format!(
            "{HEAD}identity:\n  type: user_assigned\n  user_assigned_identities:\n{}",
            (0..n).map(|i| format!("    - resource_id: /subscriptions/x/{i}\n      extra: 1\n")).collect::<String>()
        )
    });
}
