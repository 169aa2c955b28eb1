//! The checker: parse, detect the kind, validate against the schema, run the domain rules,
//! and apply suppressions and settings. Pure and synchronous; it never panics on any input.

pub mod catalog;
pub mod edits;
pub mod fix_all;
pub mod kind_findings;
pub mod local_files;
pub mod placeholders;
pub mod rules;
pub mod schema;
pub mod suggest;
pub mod validate;
pub mod values;

pub use crate::diagnostic::*;
use crate::spec::kinds::{self, ComputeKind, Detection, SpecForm};
use crate::spec::model::SpecView;
use crate::syntax::text::{LineIndex, TextRange};
use crate::syntax::{self, Format, Parsed};
use schema::SchemaSet;

/// Settings that change what is reported (LSP settings, CLI flags).
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Region to check VM sizes against when a spec has no `location`.
    pub default_location: Option<String>,
    /// Rule families (`names`, `sizes`, …, see `Code::family`) that are switched off.
    pub disabled_families: Vec<String>,
    /// Codes switched off, by id (`AML404`) or slug.
    pub disabled_codes: Vec<String>,
    /// Severity overrides by code id or slug.
    pub severity_overrides: Vec<(String, Severity)>,
    /// Whether to check that files the spec names exist, and how (`None`: not checked).
    pub local_files: Option<local_files::LocalFiles>,
    /// The document was named on purpose (a file given to `check`): if it is no compute spec,
    /// say so as an error, as the CLI fails on it. Folder scans and editors leave it off, so
    /// unrelated YAML and JSON stay silent.
    pub require_spec: bool,
}

/// Everything known about one checked document.
#[derive(Debug)]
pub struct CheckResult {
    pub parsed: Parsed,
    pub detection: Option<Detection>,
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckResult {
    pub fn kind(&self) -> Option<ComputeKind> {
        self.detection.as_ref().and_then(|d| d.kind)
    }
}

/// Keys whose values are secrets: placeholders in them are reported without echoing, and the
/// outline never shows them.
pub(crate) const SECRET_KEYS: &[&str] = &[
    "admin_password",
    "adminUserPassword",
    "password",
    "privateKeyData",
    "databricksAccessToken",
    "relayConnectionString",
    "serviceBusConnectionString",
    "key",
];

/// What `check` and `create` both say about an ARM deployment template.
pub const DEPLOYMENT_TEMPLATE_MESSAGE: &str = "This is an ARM deployment template (`resources[]`), not a compute spec: \
     its computes are not checked, and `create` cannot send it. Deploy it with `az deployment group create`, or put \
     each compute's resource body (`name`, `location`, `properties.computeType`) in a file of its own.";

pub fn check_text(text: &str, path: Option<&str>, options: &CheckOptions) -> CheckResult {
    let format = Format::detect(path, text);
    let parsed = syntax::parse(text, format);
    let detection = kinds::detect(parsed.root.as_ref(), &parsed.comments);
    let mut diagnostics = parsed.diagnostics.clone();
    if options.require_spec
        && let Some(not_a_spec) = kind_findings::not_a_spec(text, &parsed, detection.as_ref())
    {
        diagnostics.push(not_a_spec);
    }
    if detection.is_none()
        && let Some(range) = parsed.root.as_ref().and_then(kinds::deployment_template)
    {
        diagnostics.push(Diagnostic::new(codes::DEPLOYMENT_TEMPLATE, range, DEPLOYMENT_TEMPLATE_MESSAGE));
    }
    if let (Some(root), Some(detection)) = (parsed.root.as_ref(), detection.as_ref()) {
        let mut semantic = Vec::new();
        match detection.kind {
            Some(kind) => {
                check_spec(text, &parsed, root, kind, detection.form, options, &mut semantic);
                if let Some(files) = &options.local_files {
                    let spec_path = path.map(std::path::Path::new);
                    semantic.extend(local_files::missing_files(root, detection, spec_path, files));
                }
            }
            None if detection.evidence == kinds::Evidence::ComputeShapedKeys => {
                semantic.push(kind_findings::missing_type(text, root, detection, format == Format::Json))
            }
            None => semantic.push(unknown_kind(root, detection, format == Format::Json)),
        }
        if let Some(disagreement) = kind_findings::schema_disagreement(root, &parsed.comments, detection) {
            // A non-string `$schema` is this warning, not a type error.
            semantic.retain(|d| !(d.code == codes::WRONG_TYPE && d.range == disagreement.range));
            semantic.push(disagreement);
        }
        let placeholder_ranges = placeholders::check(root, SECRET_KEYS, &mut semantic);
        semantic.retain(|d| {
            d.code == codes::UNFILLED_PLACEHOLDER || !placeholder_ranges.iter().any(|r| overlaps(*r, d.range))
        });
        drop_schema_duplicates(&mut semantic);
        // Staged diagnostics: in YAML a syntax error's line shows only the syntax error (the
        // tree there is a guess); in JSON, whose lines can hold a whole document, only findings
        // that touch the error's range are dropped.
        let errors: Vec<TextRange> =
            diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.range).collect();
        if format == Format::Yaml && !errors.is_empty() {
            let index = LineIndex::new(text);
            let error_lines: Vec<usize> = errors.iter().map(|r| index.line_of(r.start())).collect();
            semantic.retain(|d| !error_lines.contains(&index.line_of(d.range.start())));
        } else {
            semantic.retain(|d| !errors.iter().any(|r| overlaps(*r, d.range)));
        }
        diagnostics.extend(semantic);
    }
    apply_suppressions(text, &parsed, &mut diagnostics);
    apply_options(options, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code.number));
    diagnostics.dedup_by(|a, b| a.range == b.range && a.code == b.code && a.message == b.message);
    CheckResult { parsed, detection, diagnostics }
}

fn check_spec(
    text: &str,
    parsed: &Parsed,
    root: &syntax::Node,
    kind: ComputeKind,
    form: SpecForm,
    options: &CheckOptions,
    out: &mut Vec<Diagnostic>,
) {
    let set = SchemaSet::get();
    let json = parsed.format == Format::Json;
    if let Some(schema) = set.lookup(&kind.schema_ref(form)) {
        let mut validator =
            validate::Validator { set, text, comments: &parsed.comments, kind, form, json, out: Vec::new() };
        validator.validate_root(root, schema);
        out.extend(validator.out);
    }
    let view = SpecView::new(root, kind, form);
    let ctx = rules::RuleContext {
        text,
        root,
        kind,
        form,
        json,
        spec: &view.spec,
        default_location: options.default_location.as_deref(),
    };
    rules::run_all(&ctx, out);
}

fn unknown_kind(root: &syntax::Node, detection: &Detection, json: bool) -> Diagnostic {
    let (candidates, field): (Vec<&str>, &str) = match detection.form {
        SpecForm::Cli => (ComputeKind::CLI.iter().filter_map(|k| k.cli_type()).collect(), "type"),
        SpecForm::Arm => (ComputeKind::ALL.iter().map(|k| k.arm_type()).collect(), "computeType"),
    };
    let value = match detection.form {
        SpecForm::Cli => root.get("type"),
        SpecForm::Arm => root.get_path(&["properties", "computeType"]),
    };
    let shown = value.and_then(|v| v.scalar_text()).filter(|t| !t.is_empty());
    let list = candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let Some(shown) = shown else {
        // Point at the key: an empty value has an empty range.
        let key_range = match detection.form {
            SpecForm::Cli => root.entry("type").map(|e| e.key_range),
            SpecForm::Arm => root.get("properties").and_then(|p| p.entry("computeType")).map(|e| e.key_range),
        };
        let consequence = match detection.form {
            SpecForm::Cli => "the CLI fails with \"Unknown compute type: None\"",
            SpecForm::Arm => "the service cannot tell which compute to create",
        };
        return Diagnostic::new(
            codes::MISSING_COMPUTE_TYPE,
            key_range.unwrap_or(detection.range),
            format!("`{field}` has no value; {consequence}. Use one of {list}."),
        );
    };
    let mut d = Diagnostic::new(
        codes::UNKNOWN_COMPUTE_TYPE,
        detection.range,
        format!("`{shown}` is not a compute type; use one of {list}."),
    );
    if detection.form == SpecForm::Cli && ComputeKind::from_arm_type(shown).is_some_and(|k| k.cli_type().is_none()) {
        d.message.push_str(&format!(
            " {} has no CLI YAML form: describe it as an ARM body with `properties.computeType: {}`.",
            capitalized(&ComputeKind::from_arm_type(shown).unwrap().a_display_name()),
            ComputeKind::from_arm_type(shown).unwrap().arm_type()
        ));
    }
    let suggestions = suggest::closest(shown, candidates.iter().copied(), 2);
    let quote = |s: &str| if json { format!("\"{s}\"") } else { s.to_string() };
    if let Some(v) = value {
        d = d.with_fixes(
            suggestions
                .iter()
                .map(|s| Fix::new(format!("Change to `{s}`"), vec![TextEdit::replace(v.range, quote(s))])),
        );
        if d.fixes.len() == 1 {
            d.fixes[0].preferred = true;
        }
    }
    d
}

fn overlaps(a: TextRange, b: TextRange) -> bool {
    a.start < b.end && b.start < a.end || a == b
}

/// When a domain rule and a generic schema check flag the same token, keep the rule's more
/// specific finding.
fn drop_schema_duplicates(diagnostics: &mut Vec<Diagnostic>) {
    let specific: Vec<TextRange> =
        diagnostics.iter().filter(|d| d.code.number >= 200 || d.code.number == 113).map(|d| d.range).collect();
    diagnostics.retain(|d| {
        let generic = matches!(d.code.slug, "wrong-type" | "out-of-range" | "invalid-enum");
        !(generic && specific.contains(&d.range))
    });
}

/// Honours `# aml-compute-ls: disable-next-line AML201 name-length` (codes optional: none
/// means all) and `# aml-compute-ls: disable AML404` for the whole file. JSON takes the same
/// text in `//` comments.
fn apply_suppressions(text: &str, parsed: &Parsed, diagnostics: &mut Vec<Diagnostic>) {
    if diagnostics.is_empty() || !parsed.comments.iter().any(|c| c.text.trim_start().starts_with("aml-compute-ls:")) {
        return;
    }
    let index = LineIndex::new(text);
    let mut rules: Vec<(Option<usize>, Vec<String>)> = Vec::new();
    for comment in &parsed.comments {
        let body = comment.text.trim();
        let Some(rest) = body.strip_prefix("aml-compute-ls:") else { continue };
        let rest = rest.trim();
        let (scope, codes_text) = if let Some(r) = rest.strip_prefix("disable-next-line") {
            (Some(index.line_of(comment.range.start()) + 1), r)
        } else if let Some(r) = rest.strip_prefix("disable-line") {
            (Some(index.line_of(comment.range.start())), r)
        } else if let Some(r) = rest.strip_prefix("disable") {
            (None, r)
        } else {
            continue;
        };
        let wanted: Vec<String> = codes_text.split([',', ' ']).filter(|s| !s.is_empty()).map(String::from).collect();
        rules.push((scope, wanted));
    }
    if rules.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let line = index.line_of(d.range.start());
        !rules.iter().any(|(scope, wanted)| {
            scope.is_none_or(|l| l == line)
                && (wanted.is_empty() || wanted.iter().any(|w| Code::find(w) == Some(d.code)))
        })
    });
}

fn apply_options(options: &CheckOptions, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain(|d| {
        !options.disabled_families.iter().any(|f| f == d.code.family())
            && !options.disabled_codes.iter().any(|c| Code::find(c) == Some(d.code))
    });
    for d in diagnostics.iter_mut() {
        if let Some((_, severity)) = options.severity_overrides.iter().find(|(c, _)| Code::find(c) == Some(d.code)) {
            d.severity = *severity;
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
}
