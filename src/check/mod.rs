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
pub mod secrets;
pub mod suggest;
pub mod syntax_errors;
pub mod validate;
pub mod values;
pub mod yaml_values;

pub use crate::diagnostic::*;
use crate::spec::kinds::{self, ComputeKind, Detection, SpecForm};
use crate::spec::model::Spec;
use crate::syntax::text::{LineIndex, TextRange};
use crate::syntax::{self, Format, Parsed};
use schema::SchemaSet;
use std::collections::{HashMap, HashSet};

/// Settings that change what is reported (LSP settings, CLI flags).
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Region to check VM sizes against when a spec has no `location`.
    pub default_location: Option<String>,
    /// Rule families that are switched off.
    pub disabled_families: Vec<Family>,
    /// Codes switched off.
    pub disabled_codes: Vec<Code>,
    /// Severities that replace codes' defaults.
    pub severity_overrides: Vec<(Code, Severity)>,
    /// Whether to check that files the spec names exist, and how (`None`: not checked).
    pub local_files: Option<local_files::LocalFiles>,
    /// The document was named on purpose (a file given to `check`): if it is no compute spec,
    /// say so as an error, as the CLI fails on it. Folder scans and editors leave it off, so
    /// unrelated YAML and JSON stay silent.
    pub require_spec: bool,
}

impl CheckOptions {
    /// Drops the findings whose code or family is switched off and applies the severity
    /// overrides: what `check_text` does last, and what live checks do to their own findings.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics
            .retain(|d| !self.disabled_families.contains(&d.code.family()) && !self.disabled_codes.contains(&d.code));
        for d in diagnostics.iter_mut() {
            if let Some((_, severity)) = self.severity_overrides.iter().find(|(c, _)| *c == d.code) {
                d.severity = *severity;
            }
        }
    }
}

/// Everything known about one checked document.
#[derive(Debug)]
pub struct CheckResult {
    pub parsed: Parsed,
    pub detection: Option<Detection>,
    pub diagnostics: Vec<Diagnostic>,
    /// The secret values, to mask wherever source text or values are shown.
    pub secrets: secrets::Secrets,
}

impl CheckResult {
    pub fn kind(&self) -> Option<ComputeKind> {
        self.detection.as_ref().and_then(|d| d.kind)
    }
}

pub use secrets::SECRET_KEYS;

/// What `check` and `create` both say about an ARM deployment template.
pub const DEPLOYMENT_TEMPLATE_MESSAGE: &str = "This is an ARM deployment template (`resources[]`), not a compute spec: \
     its computes are not checked, and `create` cannot send it. Deploy it with `az deployment group create`, or put \
     each compute's resource body (`name`, `location`, `properties.computeType`) in a file of its own.";

/// The most findings reported for one file. Past this, one `AML014` at the first finding left
/// out says how many more there are (and has the severity of the worst of them), so an editor
/// or a terminal is never flooded and `check` still fails when an error was cut.
pub const MAX_DIAGNOSTICS: usize = 500;

pub fn check_text(original: &str, path: Option<&str>, options: &CheckOptions) -> CheckResult {
    // Lone CRs end lines; the rules below look for `\n`, so they read a same-length view.
    let normalized = syntax::normalize_line_ends(original);
    let text = &*normalized;
    let format = Format::detect(path, text);
    let parsed = syntax::parse(original, format);
    let detection = kinds::detect(parsed.root.as_ref(), &parsed.comments);
    let mut diagnostics = syntax_errors::diagnostics(&parsed.errors);
    if detection.is_none() {
        // Other tools read YAML with their own tags (CloudFormation's `!Ref`); only a compute
        // spec is read by PyYAML's safe loader, so only there is an unknown tag an error.
        diagnostics.retain(|d| d.code != codes::UNKNOWN_YAML_TAG);
    }
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
    // The schema validation, kept to write the findings it left unwritten once the cap is known.
    let mut validation = None;
    if let (Some(root), Some(detection)) = (parsed.root.as_ref(), detection.as_ref()) {
        let mut semantic = Vec::new();
        match detection.kind {
            Some(kind) => {
                validation = check_spec(text, &parsed, root, kind, detection.form, options, &mut semantic);
                if format == Format::Yaml {
                    semantic.extend(yaml_values::timestamps(text, root));
                }
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
        let placeholder_ranges = RangeSet::new(placeholders::check(root, &SECRET_KEYS, &mut semantic));
        semantic.retain(|d| d.code == codes::UNFILLED_PLACEHOLDER || !placeholder_ranges.overlaps(d.range));
        drop_schema_duplicates(&mut semantic);
        // A finding on a value an alias brought points at the alias; editing there would
        // replace the alias, so such findings keep their message and lose their fixes.
        if !parsed.aliases.is_empty() {
            for d in &mut semantic {
                if parsed.aliases.binary_search_by_key(&d.range.start(), |r| r.start()).is_ok() {
                    d.fixes.clear();
                }
            }
        }
        // Staged diagnostics: in YAML a syntax error's line shows only the syntax error (the
        // tree there is a guess); in JSON, whose lines can hold a whole document, only findings
        // that touch the error's range are dropped.
        let errors: Vec<TextRange> =
            diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.range).collect();
        if format == Format::Yaml && !errors.is_empty() {
            let index = LineIndex::new(text);
            let error_lines: HashSet<usize> = errors.iter().map(|r| index.line_of(r.start())).collect();
            semantic.retain(|d| !error_lines.contains(&index.line_of(d.range.start())));
        } else {
            let errors = RangeSet::new(errors);
            semantic.retain(|d| !errors.overlaps(d.range));
        }
        // Moved, not copied, when there is nothing before them: a list of millions of findings
        // is then never held twice.
        if diagnostics.is_empty() {
            diagnostics = semantic;
        } else {
            diagnostics.extend(semantic);
        }
    }
    apply_suppressions(text, &parsed, &mut diagnostics);
    options.apply(&mut diagnostics);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code.number));
    diagnostics.dedup_by(|a, b| a.range == b.range && a.code == b.code && a.message == b.message);
    cap(&mut diagnostics, MAX_DIAGNOSTICS);
    syntax_errors::write_unwritten(text, &parsed.errors, &mut diagnostics);
    if let (Some(validation), Some(root)) = (&validation, parsed.root.as_ref()) {
        validation.write_unknown_keys(root, &mut diagnostics);
        validation.write_wrong_types(root, &mut diagnostics);
    }
    if matches!(normalized, std::borrow::Cow::Owned(_)) {
        keep_line_ends(original, &mut diagnostics);
    }
    // Every finding, whichever stage made it (a JSON syntax error quotes the bad token), is
    // scrubbed of secret values.
    let secrets = secrets::Secrets::find(parsed.root.as_ref(), text);
    secrets.scrub(&mut diagnostics);
    CheckResult { parsed, detection, diagnostics, secrets }
}

/// Keeps the first `max` findings (they are sorted by position) and adds one that says how
/// many were cut.
fn cap(diagnostics: &mut Vec<Diagnostic>, max: usize) {
    if diagnostics.len() <= max {
        return;
    }
    // Counted in place, then dropped: no copy of the findings left out.
    let cut = &diagnostics[max..];
    let worst = cut.iter().map(|d| d.severity).min().unwrap_or(Severity::Information);
    let errors = cut.iter().filter(|d| d.severity == Severity::Error).count();
    let (cut_count, cut_start) = (cut.len(), cut[0].range.start());
    diagnostics.truncate(max);
    let of_them = match errors {
        0 => String::new(),
        1 => ", 1 of them an error".to_string(),
        n => format!(", {n} of them errors"),
    };
    diagnostics.push(
        Diagnostic::new(
            codes::TOO_MANY_FINDINGS,
            TextRange::empty(cut_start),
            format!(
                "{} more findings from here on are not shown{of_them}: aml-compute-ls reports at most {max} per file. Fix the ones above and check again.",
                cut_count
            ),
        )
        .with_severity(worst),
    );
}

/// In a file whose lines end with a lone CR, line breaks that fixes insert do too.
fn keep_line_ends(original: &str, diagnostics: &mut [Diagnostic]) {
    let lone_cr = original.matches('\r').count() - original.matches("\r\n").count();
    if lone_cr * 2 < original.matches('\n').count() + lone_cr {
        return;
    }
    for edit in diagnostics.iter_mut().flat_map(|d| d.fixes.iter_mut()).flat_map(|f| f.edits.iter_mut()) {
        if edit.new_text.contains('\n') {
            edit.new_text = edit.new_text.replace("\r\n", "\n").replace('\n', "\r");
        }
    }
}

/// A set of ranges that answers "does any of them overlap this one?" in O(log n), so that
/// filtering n findings against n ranges stays O(n log n).
struct RangeSet {
    /// Sorted by start.
    ranges: Vec<TextRange>,
    /// `max_end[i]`: the largest end among `ranges[..=i]`.
    max_end: Vec<u32>,
    exact: HashSet<TextRange>,
}

impl RangeSet {
    fn new(mut ranges: Vec<TextRange>) -> Self {
        ranges.sort_unstable();
        let mut max_end = Vec::with_capacity(ranges.len());
        let mut running = 0;
        for r in &ranges {
            running = running.max(r.end);
            max_end.push(running);
        }
        let exact = ranges.iter().copied().collect();
        RangeSet { ranges, max_end, exact }
    }

    /// Whether some range shares a byte with `range`, or equals it (two empty ranges at one
    /// offset: a finding at a missing value).
    fn overlaps(&self, range: TextRange) -> bool {
        // Ranges starting before `range` ends overlap it when one of them ends after its start.
        let before_end = self.ranges.partition_point(|r| r.start < range.end);
        (before_end > 0 && self.max_end[before_end - 1] > range.start) || self.exact.contains(&range)
    }
}

/// Validates and runs the rules; returns the validation, whose unknown-key and wrong-type
/// findings are written once the cap has picked the findings shown.
fn check_spec<'a>(
    text: &'a str,
    parsed: &'a Parsed,
    root: &syntax::Node,
    kind: ComputeKind,
    form: SpecForm,
    options: &CheckOptions,
    out: &mut Vec<Diagnostic>,
) -> Option<validate::Validator<'a>> {
    let set = SchemaSet::get();
    let json = parsed.format == Format::Json;
    let mut validation = None;
    if let Some(schema) = set.lookup(&kind.schema_ref(form)) {
        let mut validator = validate::Validator::new(set, text, &parsed.comments, kind, form, json);
        validator.validate_root(root, schema);
        // Moved into an empty `out` (the usual case), not copied: the validator is kept, and its
        // buffer need not be.
        if out.is_empty() {
            *out = std::mem::take(&mut validator.out);
        } else {
            out.extend(std::mem::take(&mut validator.out));
        }
        validation = Some(validator);
    }
    let spec = Spec::read(root, kind, form);
    let ctx = rules::RuleContext {
        text,
        root,
        kind,
        form,
        json,
        spec: &spec,
        default_location: options.default_location.as_deref(),
    };
    rules::run_all(&ctx, out);
    validation
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

/// When a domain rule and a generic schema check flag the same token, keep the rule's more
/// specific finding.
fn drop_schema_duplicates(diagnostics: &mut Vec<Diagnostic>) {
    // Sorted and searched by bisection: there are few of them, and each of possibly millions
    // of generic findings is looked up (a bisection of a few costs less than a hash).
    let mut specific: Vec<TextRange> = diagnostics
        .iter()
        .filter(|d| d.code.family().is_domain_rule() || d.code == codes::UNFILLED_PLACEHOLDER)
        .map(|d| d.range)
        .collect();
    if specific.is_empty() {
        return;
    }
    specific.sort_unstable();
    let generic = [codes::WRONG_TYPE, codes::OUT_OF_RANGE, codes::INVALID_ENUM];
    diagnostics.retain(|d| !(generic.contains(&d.code) && specific.binary_search(&d.range).is_ok()));
}

/// Honours `# aml-compute-ls: disable-next-line AML201 name-length` (codes optional: none
/// means all) and `# aml-compute-ls: disable AML404` for the whole file. JSON takes the same
/// text in `//` comments.
pub(crate) fn apply_suppressions(text: &str, parsed: &Parsed, diagnostics: &mut Vec<Diagnostic>) {
    if diagnostics.is_empty() || !parsed.comments.iter().any(|c| c.text.trim_start().starts_with("aml-compute-ls:")) {
        return;
    }
    let index = LineIndex::new(text);
    // Per line and for the whole file: `None` switches every code off, else the codes named.
    let mut by_line: HashMap<usize, Option<HashSet<Code>>> = HashMap::new();
    let mut whole_file: Option<Option<HashSet<Code>>> = None;
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
        let words: Vec<&str> = codes_text.split([',', ' ']).filter(|s| !s.is_empty()).collect();
        let slot = match scope {
            Some(line) => by_line.entry(line).or_insert_with(|| Some(HashSet::new())),
            None => whole_file.get_or_insert_with(|| Some(HashSet::new())),
        };
        if words.is_empty() {
            *slot = None;
        } else if let Some(codes) = slot {
            // A name that is no code switches nothing off, as before.
            codes.extend(words.iter().filter_map(|w| Code::find(w)));
        }
    }
    if by_line.is_empty() && whole_file.is_none() {
        return;
    }
    let switched_off =
        |rule: &Option<HashSet<Code>>, code: Code| rule.as_ref().is_none_or(|codes| codes.contains(&code));
    diagnostics.retain(|d| {
        let line = index.line_of(d.range.start());
        let file_wide = whole_file.as_ref().is_some_and(|rule| switched_off(rule, d.code));
        let on_line = by_line.get(&line).is_some_and(|rule| switched_off(rule, d.code));
        !(file_wide || on_line)
    });
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
}
