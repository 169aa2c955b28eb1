//! Files whose lines end with a lone CR (classic Mac OS, some generators) read exactly like the
//! same files with LF (issue 14, defect 7): the same findings on the same lines and columns,
//! hover and completion on every line, and fixes that keep the file's line ends.

use aml_compute_ls::check::{CheckOptions, CheckResult, check_text};
use aml_compute_ls::ide;
use aml_compute_ls::report::{self, FileReport};
use aml_compute_ls::syntax::text::{LineIndex, PositionEncoding};

const EXAMPLES: &[(&str, &str)] = &[
    ("cpu-cluster.yml", include_str!("../../examples/cpu-cluster.yml")),
    ("compute-instance.yml", include_str!("../../examples/compute-instance.yml")),
    ("attached-vm.yml", include_str!("../../examples/attached-vm.yml")),
    ("gpu-cluster-low-priority.yml", include_str!("../../examples/gpu-cluster-low-priority.yml")),
    ("aks-inference.json", include_str!("../../examples/aks-inference.json")),
];

/// Findings as (code, line, column, message): comparable across line-end styles.
fn findings(text: &str, result: &CheckResult) -> Vec<(String, u32, u32, String)> {
    let index = LineIndex::new(text);
    result
        .diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(text, d.range.start(), PositionEncoding::Utf16);
            (d.code.id(), at.line, at.col, d.message.clone())
        })
        .collect()
}

fn check(path: &str, text: &str) -> CheckResult {
    check_text(text, Some(path), &CheckOptions::default())
}

#[test]
fn examples_with_cr_line_ends_check_like_lf() {
    for (path, lf) in EXAMPLES {
        // Plus a finding on a later line, to see it lands on the same line.
        let lf = if path.ends_with(".yml") { format!("{lf}max_instances: -1\n") } else { lf.to_string() };
        let cr = lf.replace('\n', "\r");
        let want = findings(&lf, &check(path, &lf));
        let got = findings(&cr, &check(path, &cr));
        assert_eq!(got, want, "{path}");
        assert_eq!(LineIndex::new(&cr).line_count(), LineIndex::new(&lf).line_count());
    }
}

#[test]
fn hover_and_completion_work_on_every_line_of_a_cr_file() {
    let lf = "name: cpu-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmax_instances: 4\n";
    let cr = lf.replace('\n', "\r");
    let result = check("a.yml", &cr);
    assert!(result.diagnostics.is_empty(), "{:#?}", result.diagnostics);
    let index = LineIndex::new(&cr);
    for line in 0..4 {
        let start = index.line_start(line);
        let hover = ide::hover(&cr, start + 1, &result);
        assert!(hover.is_some(), "no hover on line {}", line + 1);
    }
    // A new key on a new line: the keys of a compute cluster are offered.
    let typed = format!("{cr}idle");
    let result = check("a.yml", &typed);
    let items = ide::complete(&typed, typed.len(), &result, &CheckOptions::default());
    assert!(items.iter().any(|i| i.label == "idle_time_before_scale_down"), "{:?}", items.len());
}

#[test]
fn fixes_in_a_cr_file_insert_cr_line_ends() {
    // A virtual machine needs `resource_id`: its fix adds a line.
    let cr = "name: vm1\rtype: virtualmachine\rssh_settings:\r  admin_username: u\r";
    let result = check("a.yml", cr);
    let edits: Vec<&str> = result
        .diagnostics
        .iter()
        .flat_map(|d| &d.fixes)
        .flat_map(|f| &f.edits)
        .map(|e| e.new_text.as_str())
        .filter(|t| t.contains(['\n', '\r']))
        .collect();
    assert!(!edits.is_empty(), "expected a fix that adds a line: {:#?}", result.diagnostics);
    assert!(edits.iter().all(|t| !t.contains('\n')), "{edits:?}");
}

#[test]
fn the_reports_put_cr_findings_on_their_line() {
    let cr = "name: cpu-cluster\rtype: amlcompute\rsize: Standard_DS3_v2\rmax_instances: -1\r";
    let result = check("a.yml", cr);
    let files = [FileReport { path: "a.yml", text: cr, result: &result }];
    let json: serde_json::Value = serde_json::from_str(&report::render_json(&files)).unwrap();
    let first = &json["files"][0]["diagnostics"][0];
    assert_eq!(first["range"]["start"]["line"], 3, "{first}");
    let human = report::render_human(&files, report::Style { color: false });
    assert!(human.contains("a.yml:4:16") && human.contains("4 | max_instances: -1\n"), "{human}");
}

#[test]
fn mixing_cr_with_lf_is_reported_with_a_fix() {
    let text = "name: a\ntype: amlcompute\rsize: Standard_DS3_v2\n";
    let result = check("a.yml", text);
    let mixed: Vec<_> = result.diagnostics.iter().filter(|d| d.code.slug == "mixed-line-endings").collect();
    assert_eq!(mixed.len(), 1, "{:#?}", result.diagnostics);
    assert!(mixed[0].message.contains("2 LF and 1 CR"), "{}", mixed[0].message);
    let fixed = aml_compute_ls::diagnostic::apply_edits(text, &mixed[0].fixes[0].edits);
    assert_eq!(fixed, text.replace('\r', "\n"));
}
