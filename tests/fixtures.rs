//! Rule fixtures: every file under tests/fixtures/ is checked and its diagnostics compared
//! with the annotations written under the lines they label (see tests/support/mod.rs).
//! YAML fixtures carry their annotations inline; a JSON fixture `x.json` is compared with
//! `x.json.annotated`. `UPDATE_EXPECT=1 cargo test --test fixtures` rewrites them.

mod support;

use std::path::{Path, PathBuf};

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            fixture_files(&path, out);
        } else if let Some(ext) = path.extension().and_then(|e| e.to_str())
            && matches!(ext, "yml" | "yaml" | "json")
        {
            out.push(path);
        }
    }
}

fn diff_lines(expected: &str, actual: &str) -> String {
    let exp: Vec<&str> = expected.lines().collect();
    let act: Vec<&str> = actual.lines().collect();
    let mut report = String::new();
    for a in act.iter().filter(|l| support::is_annotation(l) && !exp.contains(l)) {
        report.push_str(&format!("  false positive (reported, not expected): {a}\n"));
    }
    for e in exp.iter().filter(|l| support::is_annotation(l) && !act.contains(l)) {
        report.push_str(&format!("  false negative (expected, not reported): {e}\n"));
    }
    if report.is_empty() && expected != actual {
        report.push_str("  annotations match but their placement differs (an annotation is under the wrong line)\n");
    }
    report
}

#[test]
fn every_fixture_reports_exactly_its_annotations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    files.sort();
    assert!(files.len() >= 10, "expected the fixture suite under {}", root.display());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = String::new();
    for path in &files {
        let raw = std::fs::read_to_string(path).unwrap();
        let is_json = path.extension().is_some_and(|e| e == "json");
        let (source, expected_path) = if is_json {
            let mut annotated = path.clone().into_os_string();
            annotated.push(".annotated");
            (raw.clone(), PathBuf::from(annotated))
        } else {
            (support::strip_annotations(&raw), path.clone())
        };
        let diagnostics = support::diagnostics_of(&source, &path.to_string_lossy());
        let actual = support::render(&source, &diagnostics);
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            if update {
                std::fs::write(&expected_path, &actual).unwrap();
            } else {
                failures.push_str(&format!("{}:\n{}", expected_path.display(), diff_lines(&expected, &actual)));
            }
        }
    }
    assert!(failures.is_empty(), "fixture mismatches (UPDATE_EXPECT=1 re-renders after review):\n{failures}");
}

/// Applying a diagnostic's preferred fix must make that finding go away and must not break
/// the document's syntax.
#[test]
fn preferred_fixes_remove_their_finding() {
    use aml_compute_ls::diagnostic::{Severity, apply_edits};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    let mut applied = 0;
    let mut failures = String::new();
    for path in &files {
        let raw = std::fs::read_to_string(path).unwrap();
        let source = support::strip_annotations(&raw);
        let name = path.to_string_lossy().to_string();
        let before = support::diagnostics_of(&source, &name);
        let syntax_errors_before =
            before.iter().filter(|d| d.code.number < 100 && d.severity == Severity::Error).count();
        for d in &before {
            let Some(fix) = d.fixes.iter().find(|f| f.preferred) else { continue };
            let fixed = apply_edits(&source, &fix.edits);
            let after = support::diagnostics_of(&fixed, &name);
            applied += 1;
            // The same finding on the same text at the same place: when a fix removes a line,
            // a different finding of the same code can move up to this offset.
            let original = &source[d.range.start()..d.range.end()];
            let still = after.iter().any(|a| {
                a.code == d.code
                    && a.range.start == d.range.start
                    && fixed.get(a.range.start()..a.range.end()) == Some(original)
            });
            let new_syntax = after.iter().filter(|d| d.code.number < 100 && d.severity == Severity::Error).count();
            if still || (d.code.number >= 100 && new_syntax > syntax_errors_before) {
                failures.push_str(&format!("{name}: fix `{}` for {} did not work:\n{fixed}\n", fix.title, d.code.id()));
            }
        }
    }
    assert!(applied >= 20, "only {applied} fixes exercised");
    assert!(failures.is_empty(), "{failures}");
}
