//! The one check an operation makes of its spec: the same engine and options as `check` on
//! the command line, errors said at `line:column` in characters as its human report counts
//! them, and, for a spec that passes, the typed spec the request body is built from.

use super::SpecFile;
use crate::arm::{ArmError, BodyContext, Workspace, prepare_body};
use crate::check::{CheckOptions, CheckResult, DEPLOYMENT_TEMPLATE_MESSAGE, Severity, check_text};
use crate::spec::kinds::deployment_template;
use crate::spec::model::ComputeSpec;
use crate::text::{LineIndex, PositionEncoding};
use serde_json::Value;
use std::path::Path;

/// How many errors a refusal lists; the count says how many more there are.
const ERRORS_SHOWN: usize = 3;

/// Checks the spec as `aml-compute-ls check` would (the spec's path decides YAML or JSON).
pub(crate) fn check(spec: &SpecFile) -> CheckResult {
    let path = spec.path.as_ref().map(|p| p.to_string_lossy());
    check_text(&spec.text, path.as_deref(), &CheckOptions::default())
}

/// Why a spec with errors is refused, naming the file and the first few errors; None when it
/// has none.
pub(crate) fn errors(spec: &SpecFile, result: &CheckResult) -> Option<String> {
    let index = LineIndex::new(&spec.text);
    let errors: Vec<String> = result
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let at = index.line_col(&spec.text, d.range.start(), PositionEncoding::Utf32);
            format!("line {}:{} {} {}", at.line + 1, at.col + 1, d.code, d.message)
        })
        .collect();
    if errors.is_empty() {
        return None;
    }
    let more = match errors.len().checked_sub(ERRORS_SHOWN) {
        Some(n) if n > 0 => format!(" (and {n} more)"),
        _ => String::new(),
    };
    let (one, them) = if errors.len() == 1 { ("", "it") } else { ("s", "them") };
    let place = spec.path.as_ref().map_or(String::new(), |p| format!(" in {}", p.display()));
    Some(format!(
        "The spec has {} error{one}; fix {them}{place} first:\n  {}{more}",
        errors.len(),
        errors.iter().take(ERRORS_SHOWN).map(String::as_str).collect::<Vec<_>>().join("\n  ")
    ))
}

/// The typed spec of a checked document, or why it cannot be sent at all (an ARM deployment
/// template, no compute spec, a compute type this tool does not know), in the words `check`
/// uses too.
pub(crate) fn typed(spec: &SpecFile, result: &CheckResult) -> Result<ComputeSpec, ArmError> {
    let shown = spec.path.as_ref().map_or_else(|| "the spec".to_string(), |p| p.display().to_string());
    let (Some(root), Some(detection)) = (result.parsed.root.as_ref(), result.detection.as_ref()) else {
        if result.parsed.root.as_ref().and_then(deployment_template).is_some() {
            return Err(ArmError::Spec(format!("{shown}: {DEPLOYMENT_TEMPLATE_MESSAGE}")));
        }
        return Err(ArmError::Spec(format!(
            "{shown} is not a compute spec: it has no `type:` (CLI YAML) or `properties.computeType` (ARM body)."
        )));
    };
    let Some(kind) = detection.kind else {
        return Err(ArmError::Spec(format!("{shown} names a compute type this tool does not know.")));
    };
    Ok(ComputeSpec::read(root, kind, detection.form))
}

/// The compute name and the PUT body for a spec's text: checked once, refused with its errors,
/// then built by `arm::body`. `workspace_location` is where computes other than clusters go
/// (see `BodyContext`); `~` in a key file's path is the process's home folder.
pub fn request_body(
    text: &str,
    path: Option<&Path>,
    ws: &Workspace,
    workspace_location: Option<&str>,
) -> Result<(String, Value), ArmError> {
    let spec = SpecFile { path: path.map(Path::to_path_buf), text: text.to_string() };
    let result = check(&spec);
    if let Some(errors) = errors(&spec, &result) {
        return Err(ArmError::Spec(errors));
    }
    let typed = typed(&spec, &result)?;
    let home = crate::spec::local_path::home_dir();
    let at = BodyContext { workspace_location, spec_path: path, home: home.as_deref() };
    prepare_body(&typed, ws, at).map(|p| (p.name, p.body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn spec(text: &str) -> SpecFile {
        SpecFile { path: Some(PathBuf::from("specs/bad.yml")), text: text.to_string() }
    }

    #[test]
    fn errors_are_placed_in_characters_as_the_human_report_places_them() {
        // `bogus` is at column 36 in characters (as `check` prints it) but 38 in bytes: `é` is two.
        let s = spec("name: cpu-cluster\ntype: amlcompute\nssh_settings: {admin_username: éé, bogus: 1}\n");
        let message = errors(&s, &check(&s)).expect("an unknown key is an error");
        assert!(message.contains("line 3:36 AML"), "{message}");
        assert!(message.starts_with("The spec has 1 error; fix it in specs/bad.yml first:"), "{message}");
    }

    #[test]
    fn a_refusal_lists_three_errors_and_counts_the_rest() {
        let s = spec("name: c\ntype: amlcompute\na: 1\nb: 2\nc: 3\nd: 4\ne: 5\n");
        let message = errors(&s, &check(&s)).unwrap();
        assert!(message.starts_with("The spec has "), "{message}");
        assert_eq!(message.matches("\n  line ").count(), 3, "{message}");
        assert!(message.ends_with("more)"), "{message}");
    }

    #[test]
    fn a_document_that_is_no_compute_spec_is_refused_in_checks_words() {
        let s = spec("jobs:\n  build: {}\n");
        let refusal = typed(&s, &check(&s)).unwrap_err();
        assert!(refusal.to_string().contains("specs/bad.yml is not a compute spec"), "{refusal}");
    }
}
