//! Every real spec in ../shared/corpus/real is a test. Invalid specs must report what
//! MANIFEST.tsv says they fail with; valid specs must report nothing, except the reviewed
//! findings listed, each with its reason, in tests/corpus-expectations.tsv.
//!
//! The corpus folder can be moved with AML_CORPUS_DIR; without it (a fresh clone) these tests are
//! shown as ignored.

use aml_compute_ls::check::{CheckOptions, check_text};
use aml_compute_ls::syntax::text::{LineIndex, PositionEncoding};
use std::collections::BTreeSet;

use crate::support;
use support::corpus;

/// (file, line, code) triples from the expectations file.
fn expectations() -> BTreeSet<(String, usize, String)> {
    let text = include_str!("../corpus-expectations.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() == 4 && !cols[3].trim().is_empty(), "expectation without a reason: {l}");
            (cols[0].to_string(), cols[1].parse().expect("line number"), cols[2].to_string())
        })
        .collect()
}

#[test]
#[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]
fn corpus_reports_exactly_the_reviewed_findings() {
    let dir = corpus::dir();
    let manifest = corpus::read("MANIFEST.tsv");
    let expected = expectations();
    let mut actual = BTreeSet::new();
    let mut checked = 0;
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, status) = (cols[0], cols[2]);
        if status != "valid" && status != "invalid" {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let result = check_text(&text, Some(file), &CheckOptions::default());
        let index = LineIndex::new(&text);
        for d in &result.diagnostics {
            let line = index.line_col(&text, d.range.start(), PositionEncoding::Utf16).line as usize + 1;
            actual.insert((file.to_string(), line, d.code.id()));
        }
        if status == "invalid" {
            assert!(
                result.diagnostics.iter().any(|d| d.severity == aml_compute_ls::check::Severity::Error),
                "{file} is invalid but no error was reported"
            );
        }
        checked += 1;
    }
    assert!(checked >= 80, "only {checked} corpus specs found");
    let unexpected: Vec<_> = actual.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&actual).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "false positives (not in tests/corpus-expectations.tsv): {unexpected:#?}\nfalse negatives (expected, not reported): {missing:#?}"
    );
}
