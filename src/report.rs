//! Renders check results for people (rustc-style, with the source line and carets), for
//! programs (`--format json`, LSP-style positions) and for code scanning (SARIF 2.1.0).

use crate::check::secrets::{Secrets, column_at};
use crate::check::{CheckResult, Diagnostic, Severity, codes};
use crate::diagnostic::docs;
use crate::syntax::text::{LineIndex, PositionEncoding, TextRange};
use crate::syntax::{Node, NodeKind};
use serde::Serialize;
use serde_json::{Value, json};

/// One checked file, as the reports see it.
pub struct FileReport<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub result: &'a CheckResult,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn summarize(files: &[FileReport]) -> Summary {
    let mut s = Summary::default();
    for d in files.iter().flat_map(|f| &f.result.diagnostics) {
        match d.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            _ => s.infos += 1,
        }
    }
    s
}

// The JSON report's shape, serialised straight to text (no `serde_json::Value` tree: a
// report of 10,000 files holds no map per position). Field order is output order.

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    kind: Option<&'static str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    range: JsonRange,
    severity: &'static str,
    code: String,
    slug: &'static str,
    message: &'a str,
    fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    preferred: bool,
    /// `None` (null) when withheld.
    edits: Option<Vec<JsonEdit<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    withheld: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    range: JsonRange,
    #[serde(rename = "newText")]
    new_text: &'a str,
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    character: u32,
}

fn json_range(index: &LineIndex, text: &str, range: TextRange) -> JsonRange {
    let position = |offset: usize| {
        let lc = index.line_col(text, offset, PositionEncoding::Utf16);
        JsonPosition { line: lc.line, character: lc.col }
    };
    JsonRange { start: position(range.start()), end: position(range.end()) }
}

fn diagnostic_json<'a>(index: &LineIndex, text: &str, d: &'a Diagnostic, secrets: &[TextRange]) -> JsonDiagnostic<'a> {
    let fixes = d
        .fixes
        .iter()
        .map(|fix| {
            // A fix whose edits touch a secret value would print the secret: say it exists,
            // and leave its edits to the editor or `check --fix`.
            let touches_secret = fix
                .edits
                .iter()
                .any(|e| secrets.iter().any(|s| s.start() <= e.range.end() && e.range.start() <= s.end()));
            let edits = (!touches_secret).then(|| {
                fix.edits
                    .iter()
                    .map(|e| JsonEdit { range: json_range(index, text, e.range), new_text: &e.new_text })
                    .collect()
            });
            JsonFix {
                title: &fix.title,
                preferred: fix.preferred,
                edits,
                withheld: touches_secret.then_some("the edits touch a secret value"),
            }
        })
        .collect();
    JsonDiagnostic {
        range: json_range(index, text, d.range),
        severity: d.severity.as_str(),
        code: d.code.id(),
        slug: d.code.slug,
        message: &d.message,
        fixes,
    }
}

/// The ranges of every value held under a secret key (`admin_password`, …), at any depth.
fn secret_value_ranges(result: &CheckResult) -> Vec<TextRange> {
    let mut ranges = Vec::new();
    let mut pending: Vec<&Node> = result.parsed.root.iter().collect();
    while let Some(node) = pending.pop() {
        match &node.kind {
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    if crate::check::SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(entry.key.text.as_str())) {
                        ranges.push(entry.value.range);
                    } else {
                        pending.push(&entry.value);
                    }
                }
            }
            NodeKind::Sequence(items) => pending.extend(items),
            NodeKind::Scalar(_) | NodeKind::Missing => {}
        }
    }
    ranges
}

pub fn render_json(files: &[FileReport]) -> String {
    let summary = summarize(files);
    let files_json = files
        .iter()
        .map(|f| {
            let index = LineIndex::new(f.text);
            let secrets = secret_value_ranges(f.result);
            JsonFile {
                path: f.path,
                kind: f.result.kind().map(|k| k.id()),
                diagnostics: f
                    .result
                    .diagnostics
                    .iter()
                    .map(|d| diagnostic_json(&index, f.text, d, &secrets))
                    .collect(),
            }
        })
        .collect();
    let doc = JsonReport {
        version: 1,
        files: files_json,
        summary: JsonSummary { errors: summary.errors, warnings: summary.warnings },
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

pub fn render_sarif(files: &[FileReport]) -> String {
    let rules: Vec<Value> = codes::ALL
        .iter()
        .map(|c| {
            let mut rule = json!({
                "id": c.id(),
                "name": c.slug,
                "shortDescription": {"text": c.summary},
                "defaultConfiguration": {"level": sarif_level(c.default_severity)},
            });
            // The code's page travels in the report itself; a link only where a public docs
            // URL was configured at build time.
            if let Some(page) = docs::section(c) {
                rule["help"] = json!({"text": page, "markdown": page});
            }
            if let Some(url) = docs::link(c) {
                rule["helpUri"] = json!(url);
            }
            rule
        })
        .collect();
    let mut results = Vec::new();
    for f in files {
        let index = LineIndex::new(f.text);
        for d in &f.result.diagnostics {
            let start = index.line_col(f.text, d.range.start(), PositionEncoding::Utf16);
            let end = index.line_col(f.text, d.range.end(), PositionEncoding::Utf16);
            let rule_index = codes::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            results.push(json!({
                "ruleId": d.code.id(),
                "ruleIndex": rule_index,
                "level": sarif_level(d.severity),
                "message": {"text": d.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path.replace('\\', "/")},
                        "region": {
                            "startLine": start.line + 1,
                            "startColumn": start.col + 1,
                            "endLine": end.line + 1,
                            "endColumn": end.col + 1,
                            "snippet": {"text": snippet(f.text, &index, d.range, &f.result.secrets)},
                        }
                    }
                }],
            }));
        }
    }
    let mut driver = json!({"name": "aml-compute-ls", "version": env!("CARGO_PKG_VERSION"), "rules": rules});
    if let Some(url) = docs::DOCS_URL {
        driver["informationUri"] = json!(url);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// The source text of a finding for SARIF viewers: its lines (at most a few hundred
/// characters), secret values masked.
fn snippet(text: &str, index: &LineIndex, range: TextRange, secrets: &Secrets) -> String {
    const MAX_CHARS: usize = 400;
    let first = index.line_of(range.start());
    let last = index.line_of(range.end()).max(first);
    let start = index.line_start(first);
    let end = index.line_range(text, last).end().max(start);
    let end = text[start..end].char_indices().nth(MAX_CHARS).map_or(end, |(i, _)| start + i);
    secrets.mask_source(text, TextRange::new(start, end)).0
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

/// How much of a long line the human report shows around a finding (characters each side).
const CONTEXT_CHARS: usize = 60;
/// The most characters of a finding the human report underlines on its first line.
const MAX_UNDERLINED_CHARS: usize = 120;

/// The piece of a finding's first line the human report prints: secret values masked, long
/// lines cut to a window around the finding (with `…`), tabs shown as spaces, and where the
/// carets go under it.
struct Excerpt {
    text: String,
    caret_start: usize,
    caret_len: usize,
}

impl Excerpt {
    fn new(text: &str, index: &LineIndex, line_no: usize, range: TextRange, secrets: &Secrets) -> Excerpt {
        let line = index.line_range(text, line_no);
        let at = |offset: usize| floor_char_boundary(text, offset.clamp(line.start(), line.end()));
        let start = at(range.start());
        let end = at(range.end()).max(start);
        // Cut to whole characters around the finding.
        let before = text[line.start()..start]
            .char_indices()
            .rev()
            .nth(CONTEXT_CHARS - 1)
            .map_or(line.start(), |(i, _)| line.start() + i);
        let underlined_end = text[start..end].char_indices().nth(MAX_UNDERLINED_CHARS).map_or(end, |(i, _)| start + i);
        let after = text[underlined_end..line.end()]
            .char_indices()
            .nth(CONTEXT_CHARS)
            .map_or(line.end(), |(i, _)| underlined_end + i);
        let (masked, columns) = secrets.mask_source(text, TextRange::new(before, after));
        let lead = if before > line.start() { "…" } else { "" };
        let tail = if after < line.end() { "…" } else { "" };
        let caret_start = column_at(&columns, start) + lead.chars().count();
        let caret_len = column_at(&columns, underlined_end).saturating_sub(column_at(&columns, start)).max(1);
        // Control characters would move the terminal's cursor: show them as spaces.
        let shown: String = masked.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        Excerpt { text: format!("{lead}{shown}{tail}"), caret_start, caret_len }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Terminal styling; off when the output is not a terminal or NO_COLOR is set.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
}

fn severity_label(s: Severity, style: Style) -> String {
    match s {
        Severity::Error => style.paint("1;31", "error"),
        Severity::Warning => style.paint("1;33", "warning"),
        Severity::Information => style.paint("1;36", "info"),
        Severity::Hint => style.paint("1;32", "hint"),
    }
}

/// rustc-style output: the message, the place, the source line with carets under the range,
/// and the fixes on offer.
pub fn render_human(files: &[FileReport], style: Style) -> String {
    let mut out = String::new();
    for f in files {
        let index = LineIndex::new(f.text);
        for d in &f.result.diagnostics {
            let start = index.line_col(f.text, d.range.start(), PositionEncoding::Utf32);
            let line_no = start.line as usize;
            let excerpt = Excerpt::new(f.text, &index, line_no, d.range, &f.result.secrets);
            let gutter = (line_no + 1).to_string().len();
            let pad = " ".repeat(gutter);
            out.push_str(&format!(
                "{}{}: {}\n",
                severity_label(d.severity, style),
                style.paint("1", &format!("[{}]", d.code.id())),
                style.paint("1", &d.message)
            ));
            out.push_str(&format!(
                "{pad}{} {}:{}:{}\n",
                style.paint("1;34", "-->"),
                f.path,
                line_no + 1,
                start.col + 1
            ));
            out.push_str(&format!("{pad} {}\n", style.paint("1;34", "|")));
            out.push_str(&format!(
                "{} {} {}\n",
                style.paint("1;34", &(line_no + 1).to_string()),
                style.paint("1;34", "|"),
                excerpt.text
            ));
            out.push_str(&format!(
                "{pad} {} {}{}\n",
                style.paint("1;34", "|"),
                " ".repeat(excerpt.caret_start),
                style
                    .paint(if d.severity == Severity::Error { "1;31" } else { "1;33" }, &"^".repeat(excerpt.caret_len))
            ));
            for fix in &d.fixes {
                out.push_str(&format!("{pad} {} fix: {}\n", style.paint("1;34", "="), fix.title));
            }
            out.push_str(&format!(
                "{pad} {} {}: {} ({})\n\n",
                style.paint("1;34", "="),
                "help",
                d.code.summary,
                d.code.slug
            ));
        }
    }
    let s = summarize(files);
    let checked = files.len();
    let specs = files.iter().filter(|f| f.result.detection.is_some()).count();
    out.push_str(&format!(
        "checked {checked} file{} ({specs} compute spec{}): {} error{}, {} warning{}, {} note{}\n",
        if checked == 1 { "" } else { "s" },
        if specs == 1 { "" } else { "s" },
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.infos,
        if s.infos == 1 { "" } else { "s" },
    ));
    out
}
