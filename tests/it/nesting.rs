//! Nesting a user can type never overflows the stack (issue 14, defect 3): every shape of deep
//! nesting, 100,000 levels, is parsed, checked, completed, hovered, outlined, offered code
//! actions and rendered on a thread with a 256 KiB stack. The deep part gets one `AML013` and
//! the rest of the document is still read.

use aml_compute_ls::check::{CheckOptions, CheckResult, check_text};
use aml_compute_ls::ide;
use aml_compute_ls::report::{self, FileReport, Style};
use aml_compute_ls::syntax::text::TextRange;

const LEVELS: usize = 100_000;
const SMALL_STACK: usize = 256 * 1024;

/// Runs `work` on a thread with a small stack, as a busy server thread would have.
fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(SMALL_STACK).spawn(work).unwrap().join().expect("no panic")
}

/// Every engine feature on one text, at the start, the deepest point and the end.
fn exercise(path: &'static str, text: String) -> CheckResult {
    on_small_stack(move || {
        let options = CheckOptions::default();
        let result = check_text(&text, Some(path), &options);
        for offset in [0, text.len() / 2, text.len().saturating_sub(1), text.len()] {
            let offset = (0..=offset).rev().find(|i| text.is_char_boundary(*i)).unwrap();
            let _ = ide::complete(&text, offset, &result, &options);
            let _ = ide::hover(&text, offset, &result);
            let _ = ide::code_actions(&text, TextRange::new(offset, offset), &result);
        }
        let _ = ide::document_symbols(&text, &result);
        let files = [FileReport { path, text: &text, result: &result }];
        let _ = report::render_human(&files, Style { color: false });
        let _ = report::render_json(&files);
        let _ = report::render_sarif(&files);
        result
    })
}

fn too_deep_count(result: &CheckResult) -> usize {
    result.diagnostics.iter().filter(|d| d.code.slug == "too-deep").count()
}

/// A valid cluster spec with `deep` as the value of an unknown key in the middle: the keys
/// after it must still be read (a missing `type` would say they were not).
fn cluster_with(deep: &str) -> String {
    format!("name: c1\nx: {deep}\ntype: amlcompute\nsize: Standard_DS3_v2\n")
}

fn assert_rest_is_read(result: &CheckResult) {
    assert_eq!(too_deep_count(result), 1, "{:#?}", &result.diagnostics[..result.diagnostics.len().min(5)]);
    assert_eq!(result.kind().map(|k| k.id()), Some("amlcompute"), "the keys after the deep value are read");
    let root = result.parsed.root.as_ref().unwrap();
    assert_eq!(root.get("size").and_then(|n| n.as_str()), Some("Standard_DS3_v2"));
}

#[test]
fn deep_flow_sequences_in_yaml() {
    let deep = format!("{}{}", "[".repeat(LEVELS), "]".repeat(LEVELS));
    assert_rest_is_read(&exercise("a.yml", cluster_with(&deep)));
}

#[test]
fn unclosed_deep_flow_sequences_in_yaml() {
    let deep = "[".repeat(LEVELS);
    let result = exercise("a.yml", cluster_with(&deep));
    assert_eq!(too_deep_count(&result), 1);
}

#[test]
fn deep_flow_mappings_of_sequences_in_yaml() {
    let deep = format!("{}1{}", "{b: [".repeat(LEVELS), "]}".repeat(LEVELS));
    assert_rest_is_read(&exercise("a.yml", cluster_with(&deep)));
}

#[test]
fn deep_block_sequences_on_one_line() {
    let deep = format!("\n  {}1", "- ".repeat(LEVELS));
    assert_rest_is_read(&exercise("a.yml", cluster_with(&deep)));
}

#[test]
fn deep_block_mappings_by_indentation() {
    let mut deep = String::new();
    for level in 1..=3_000 {
        deep.push('\n');
        deep.push_str(&" ".repeat(level));
        deep.push_str("k:");
    }
    deep.push_str(" 1");
    assert_rest_is_read(&exercise("a.yml", cluster_with(&deep)));
}

#[test]
fn deep_block_sequences_by_indentation() {
    let mut deep = String::new();
    for level in 1..=3_000 {
        deep.push('\n');
        deep.push_str(&" ".repeat(level));
        deep.push('-');
    }
    deep.push_str(" 1");
    assert_rest_is_read(&exercise("a.yml", cluster_with(&deep)));
}

#[test]
fn deep_json_arrays_and_objects() {
    let arrays = format!("{}{}", "[".repeat(LEVELS), "]".repeat(LEVELS));
    let objects = format!("{}1{}", "{\"b\": [".repeat(LEVELS), "]}".repeat(LEVELS));
    for deep in [arrays, objects] {
        let text = format!(
            "{{\"name\": \"c1\", \"x\": {deep}, \"properties\": {{\"computeType\": \"AmlCompute\", \"properties\": {{\"vmSize\": \"Standard_DS3_v2\"}}}}}}"
        );
        let result = exercise("a.json", text);
        assert_eq!(too_deep_count(&result), 1);
        assert_eq!(result.kind().map(|k| k.id()), Some("amlcompute"), "the members after the deep value are read");
    }
}

#[test]
fn unclosed_deep_json_from_stdin_shape() {
    // `check -` reads stdin with no file name: the text decides the format.
    let result = exercise("-", "[".repeat(LEVELS));
    assert!(too_deep_count(&result) <= 1);
}

#[test]
fn nesting_up_to_the_limit_is_read_without_a_finding() {
    let depth = aml_compute_ls::syntax::MAX_NESTING - 1;
    let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let result = exercise("a.yml", cluster_with(&deep));
    assert_eq!(too_deep_count(&result), 0);
}
