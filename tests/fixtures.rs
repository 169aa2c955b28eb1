//! Rule fixtures: every file under tests/fixtures/ is checked and its diagnostics compared
//! with the annotations written under the lines they label (see tests/support/mod.rs).
//! YAML fixtures carry their annotations inline; a JSON fixture `x.json` is compared with
//! `x.json.annotated`. Each preferred fix must also remove its finding.
//!
//! One test per fixture file, named by its path under tests/fixtures/ (`cargo test --test
//! fixtures yaml/duplicate-key` runs one); a failure lists every mismatch as `file:line`.
//! `UPDATE_EXPECT=1 cargo test --test fixtures` rewrites the annotations for review.

mod support;

use aml_compute_ls::check::Diagnostic;
use aml_compute_ls::diagnostic::{Family, Severity, apply_edits};
use aml_compute_ls::syntax::text::{LineIndex, PositionEncoding};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};

/// Fewer fixtures than this means the suite was not found, not that it is small.
const MIN_FIXTURES: usize = 10;
/// Fewer preferred fixes than this across the suite means the fix check exercises nothing.
const MIN_FIXES: usize = 20;

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let root = fixtures_root();
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    files.sort();
    let mut trials: Vec<Trial> = files
        .iter()
        .map(|path| {
            let name = path.strip_prefix(&root).unwrap_or(path).to_string_lossy().replace('\\', "/");
            let path = path.clone();
            Trial::test(name, move || Fixture::read(&path)?.verify())
        })
        .collect();
    trials.push(Trial::test("suite::has_fixtures_and_preferred_fixes", move || suite_is_exercised(&files)));
    libtest_mimic::run(&args, trials).exit_code()
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A path as written from the repository's root, as `cargo test` is run.
fn shown(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path).display().to_string()
}

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

/// Guards against a suite that passes because it ran nothing.
fn suite_is_exercised(files: &[PathBuf]) -> Result<(), Failed> {
    if files.len() < MIN_FIXTURES {
        return Err(format!("only {} fixtures under {}", files.len(), shown(&fixtures_root())).into());
    }
    let mut fixes = 0;
    for path in files {
        let fixture = Fixture::read(path)?;
        let diagnostics = support::diagnostics_of(&fixture.source, &fixture.name);
        fixes += diagnostics.iter().filter(|d| d.fixes.iter().any(|f| f.preferred)).count();
    }
    if fixes < MIN_FIXES {
        return Err(format!("only {fixes} preferred fixes across the fixtures (at least {MIN_FIXES} expected)").into());
    }
    Ok(())
}

/// One fixture: the text that is checked and where its expected annotations are.
struct Fixture {
    /// The fixture file.
    path: PathBuf,
    /// The path handed to the checker (it picks the format and the kind by it).
    name: String,
    /// What is checked: the YAML without its annotation lines, or the JSON file as it is.
    source: String,
    /// The file holding the expected rendering: the YAML fixture itself, or `x.json.annotated`.
    expected_path: PathBuf,
    /// For each line of `source`, its 1-based line number in the fixture file.
    file_lines: Vec<usize>,
}

impl Fixture {
    fn read(path: &Path) -> Result<Fixture, Failed> {
        let raw = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let is_json = path.extension().is_some_and(|e| e == "json");
        let (source, expected_path) = if is_json {
            let mut annotated = path.to_path_buf().into_os_string();
            annotated.push(".annotated");
            (raw.clone(), PathBuf::from(annotated))
        } else {
            (support::strip_annotations(&raw), path.to_path_buf())
        };
        // Annotation lines are only in the YAML fixture's own text; JSON keeps them apart.
        let file_lines = raw
            .split_inclusive('\n')
            .enumerate()
            .filter(|(_, line)| is_json || !support::is_annotation(line.trim_end_matches(['\n', '\r'])))
            .map(|(i, _)| i + 1)
            .collect();
        Ok(Fixture {
            path: path.to_path_buf(),
            name: path.to_string_lossy().into_owned(),
            source,
            expected_path,
            file_lines,
        })
    }

    /// `file:line` of a 0-based line of the checked text, as an editor opens it.
    fn location(&self, source_line: usize) -> String {
        let line = self.file_lines.get(source_line).copied().unwrap_or(source_line + 1);
        format!("{}:{line}", shown(&self.path))
    }

    /// Compares the annotations, then tries every preferred fix; lists every problem found.
    fn verify(&self) -> Result<(), Failed> {
        let diagnostics = support::diagnostics_of(&self.source, &self.name);
        let mut problems = self.annotation_mismatches(&diagnostics)?;
        problems.extend(self.failed_fixes(&diagnostics));
        if problems.is_empty() { Ok(()) } else { Err(problems.join("\n").into()) }
    }

    fn annotation_mismatches(&self, diagnostics: &[Diagnostic]) -> Result<Vec<String>, Failed> {
        let actual = support::render(&self.source, diagnostics);
        let expected = std::fs::read_to_string(&self.expected_path).unwrap_or_default();
        if actual == expected {
            return Ok(Vec::new());
        }
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&self.expected_path, &actual)
                .map_err(|e| format!("{}: {e}", self.expected_path.display()))?;
            return Ok(Vec::new());
        }
        let (want, got) = (labelled(&expected), labelled(&actual));
        let mut problems = Vec::new();
        for (line, annotation) in missing_from(&got, &want) {
            problems.push(format!("{}: expected, not reported: {annotation}", self.location(line)));
        }
        for (line, annotation) in missing_from(&want, &got) {
            problems.push(format!("{}: reported, not expected: {annotation}", self.location(line)));
        }
        if problems.is_empty() {
            // The same annotations under the same lines, so the text around them differs: a
            // stale `.annotated` copy of a changed JSON fixture, or annotations in another order.
            let line = expected.lines().zip(actual.lines()).take_while(|(e, a)| e == a).count() + 1;
            problems.push(format!(
                "{}:{line}: the rendering differs from here on, though every annotation matches",
                shown(&self.expected_path)
            ));
        }
        problems.push(format!("(UPDATE_EXPECT=1 re-renders {} for review)", shown(&self.expected_path)));
        Ok(problems)
    }

    /// Applying a diagnostic's preferred fix must make that finding go away and must not break
    /// the document's syntax.
    fn failed_fixes(&self, diagnostics: &[Diagnostic]) -> Vec<String> {
        let source = &self.source;
        let index = LineIndex::new(source);
        let syntax_errors = |ds: &[Diagnostic]| {
            ds.iter().filter(|d| d.code.family() == Family::Syntax && d.severity == Severity::Error).count()
        };
        let syntax_errors_before = syntax_errors(diagnostics);
        let mut problems = Vec::new();
        for d in diagnostics {
            let Some(fix) = d.fixes.iter().find(|f| f.preferred) else { continue };
            let fixed = apply_edits(source, &fix.edits);
            let after = support::diagnostics_of(&fixed, &self.name);
            // The same finding on the same text at the same place: when a fix removes a line,
            // a different finding of the same code can move up to this offset.
            let original = &source[d.range.start()..d.range.end()];
            let still = after.iter().any(|a| {
                a.code == d.code
                    && a.range.start == d.range.start
                    && fixed.get(a.range.start()..a.range.end()) == Some(original)
            });
            let breaks_syntax = d.code.family() != Family::Syntax && syntax_errors(&after) > syntax_errors_before;
            if still || breaks_syntax {
                let line = index.line_col(source, d.range.start(), PositionEncoding::Utf32).line as usize;
                let why = if still { "the finding is still there" } else { "it introduced a syntax error" };
                problems.push(format!(
                    "{}: preferred fix `{}` for {} did not work ({why}); the fixed text:\n{fixed}",
                    self.location(line),
                    fix.title,
                    d.code.id()
                ));
            }
        }
        problems
    }
}

/// Each annotation of a rendering with the 0-based line of checked text it labels.
fn labelled(rendering: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut source_line = None::<usize>;
    for line in rendering.lines() {
        if support::is_annotation(line) {
            out.push((source_line.unwrap_or(0), line.to_string()));
        } else {
            source_line = Some(source_line.map_or(0, |n| n + 1));
        }
    }
    out
}

/// The entries of `these` not in `other`, counting repeats (a multiset difference).
fn missing_from(other: &[(usize, String)], these: &[(usize, String)]) -> Vec<(usize, String)> {
    let mut left: Vec<&(usize, String)> = other.iter().collect();
    let mut out = Vec::new();
    for entry in these {
        match left.iter().position(|o| *o == entry) {
            Some(i) => {
                left.swap_remove(i);
            }
            None => out.push(entry.clone()),
        }
    }
    out
}
