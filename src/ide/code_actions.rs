//! Code actions: the fixes the diagnostics carry, a per-line suppression comment for each
//! finding, and adding the `$schema` line that tells other editors what the file is.

use crate::check::{CheckResult, Diagnostic, Severity, TextEdit};
use crate::spec::kinds::{SpecForm, modeline_schema};
use crate::syntax::Format;
use crate::syntax::text::{LineIndex, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    QuickFix,
    /// A whole-file action such as adding `$schema` (LSP `source`).
    Source,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<TextEdit>,
    pub preferred: bool,
    /// Indices into the findings given (`result.diagnostics` for [`code_actions`]) of those
    /// this action resolves.
    pub diagnostics: Vec<usize>,
}

const SUPPRESS: &str = "aml-compute-ls: disable-next-line";

pub fn code_actions(text: &str, range: TextRange, result: &CheckResult) -> Vec<Action> {
    code_actions_for(text, range, result, &result.diagnostics)
}

/// The code actions for `diagnostics`, findings of the checked `result` and others for the same
/// text (the live findings merged in by the server, issue 11).
pub fn code_actions_for(text: &str, range: TextRange, result: &CheckResult, diagnostics: &[Diagnostic]) -> Vec<Action> {
    let json = result.parsed.format == Format::Json;
    let index = LineIndex::new(text);
    let mut actions = Vec::new();
    let mut suppressions: Vec<Action> = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if !(d.range.start <= range.end && range.start <= d.range.end) {
            continue;
        }
        let preferred = d.fixes.iter().filter(|f| f.preferred).count();
        for fix in &d.fixes {
            actions.push(Action {
                title: fix.title.clone(),
                kind: ActionKind::QuickFix,
                edits: fix.edits.clone(),
                preferred: fix.preferred && preferred == 1,
                diagnostics: vec![i],
            });
        }
        // A finding inside a value written over several lines gets no comment line: above its
        // line the comment would be part of the value (a block scalar's text) or end it.
        let inside_value = super::query::multi_line_scalar_at(&result.parsed, &index, d.range.start()).is_some();
        if !inside_value && let Some(action) = suppression(text, &index, d, i, json) {
            // Two findings of one code on one line share the comment.
            match suppressions.iter_mut().find(|a| a.title == action.title && a.edits == action.edits) {
                Some(existing) => existing.diagnostics.push(i),
                None => suppressions.push(action),
            }
        }
    }
    actions.extend(suppressions);
    actions.extend(add_schema(text, result));
    actions
}

/// "Disable AML201 for this line": a `disable-next-line` comment above the finding's line,
/// at that line's indentation, or the code added to such a comment already there.
fn suppression(text: &str, index: &LineIndex, d: &Diagnostic, i: usize, json: bool) -> Option<Action> {
    // A syntax error is not an opinion to silence: the file does not parse.
    if d.code.family() == crate::diagnostic::Family::Syntax && d.severity == Severity::Error {
        return None;
    }
    let code = d.code.id();
    let line = index.line_of(d.range.start());
    let line_range = index.line_range(text, line);
    let line_text = &text[line_range.start()..line_range.end()];
    let marker = if json { "//" } else { "#" };
    let edit = previous_suppression(text, index, line, marker)
        .map(|(end, codes)| {
            if codes.split([' ', ',']).any(|c| c == code) {
                None
            } else {
                Some(TextEdit::insert(end, format!(" {code}")))
            }
        })
        .unwrap_or_else(|| {
            let indent: String = line_text.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            let rest = &text[line_range.end()..];
            let eol = if rest.starts_with("\r\n") {
                "\r\n"
            } else if rest.starts_with('\r') {
                "\r"
            } else {
                "\n"
            };
            Some(TextEdit::insert(line_range.start(), format!("{indent}{marker} {SUPPRESS} {code}{eol}")))
        })?;
    Some(Action {
        title: format!("Disable {code} for this line"),
        kind: ActionKind::QuickFix,
        edits: vec![edit],
        preferred: false,
        diagnostics: vec![i],
    })
}

/// The end of a `disable-next-line` comment on the line above `line`, and its codes.
fn previous_suppression<'t>(text: &'t str, index: &LineIndex, line: usize, marker: &str) -> Option<(usize, &'t str)> {
    let above = index.line_range(text, line.checked_sub(1)?);
    let content = &text[above.start()..above.end()];
    let codes = content.trim_start().strip_prefix(marker)?.trim_start().strip_prefix(SUPPRESS)?;
    let trimmed = content.trim_end();
    Some((above.start() + trimmed.len(), codes))
}

/// "Add $schema for compute cluster": a YAML CLI spec of a kind with a published schema and
/// neither a `$schema` key nor a modeline gets the line at its top.
fn add_schema(text: &str, result: &CheckResult) -> Option<Action> {
    if result.parsed.format != Format::Yaml {
        return None;
    }
    let detection = result.detection.as_ref()?;
    let kind = detection.kind.filter(|_| detection.form == SpecForm::Cli)?;
    let url = kind.published_schema_url()?;
    if modeline_schema(&result.parsed.comments).is_some() || result.parsed.root.as_ref()?.entry("$schema").is_some() {
        return None;
    }
    let eol = if text.contains("\r\n") {
        "\r\n"
    } else if text.contains('\r') && !text.contains('\n') {
        "\r"
    } else {
        "\n"
    };
    let at = insertion_point(&crate::syntax::normalize_line_ends(text));
    Some(Action {
        title: format!("Add $schema for {}", kind.display_name()),
        kind: ActionKind::Source,
        edits: vec![TextEdit::insert(at, format!("$schema: {url}{eol}"))],
        preferred: false,
        diagnostics: Vec::new(),
    })
}

/// The start of the document's first line, after a byte-order mark, and after the directives
/// and `---` marker that open the document if it has them.
fn insertion_point(text: &str) -> usize {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut at = start;
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        let content = line.trim_end();
        pos += line.len();
        if content.starts_with('%') || content == "---" {
            at = pos;
        } else if content.is_empty() || content.starts_with('#') {
            continue;
        } else {
            break;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, Fix, apply_edits, check_text};

    fn check(text: &str, path: &str) -> CheckResult {
        check_text(text, Some(path), &CheckOptions::default())
    }

    fn ids(result: &CheckResult) -> Vec<String> {
        result.diagnostics.iter().map(|d| d.code.id()).collect()
    }

    fn apply(text: &str, action: &Action) -> String {
        apply_edits(text, &action.edits)
    }

    const LONG_NAME: &str = "name: my-cluster-name-that-is-far-too-long\ntype: amlcompute\nsize: Standard_DS3_v2\n";

    #[test]
    fn a_diagnostics_fix_becomes_a_preferred_quick_fix() {
        let result = check(LONG_NAME, "c.yml");
        assert_eq!(ids(&result), vec!["AML201"]);
        let actions = code_actions(LONG_NAME, TextRange::empty(10), &result);
        let fix = actions.iter().find(|a| a.title.starts_with("Shorten to")).expect("the shorten fix");
        assert_eq!((fix.kind, fix.preferred, fix.diagnostics.clone()), (ActionKind::QuickFix, true, vec![0]));
        let fixed = apply(LONG_NAME, fix);
        assert!(check(&fixed, "c.yml").diagnostics.is_empty(), "{fixed}");
    }

    #[test]
    fn findings_away_from_the_range_give_no_quick_fixes() {
        let result = check(LONG_NAME, "c.yml");
        let size_line = LONG_NAME.find("size").unwrap();
        let actions = code_actions(LONG_NAME, TextRange::new(size_line, size_line + 4), &result);
        assert!(actions.iter().all(|a| a.kind == ActionKind::Source), "{actions:?}");
        // A range that ends where the finding starts touches it.
        let actions = code_actions(LONG_NAME, TextRange::new(0, 6), &result);
        assert!(actions.iter().any(|a| a.title.starts_with("Shorten to")));
    }

    #[test]
    fn several_preferred_fixes_for_one_finding_are_not_preferred() {
        let mut result = check(LONG_NAME, "c.yml");
        let d = &mut result.diagnostics[0];
        d.fixes = vec![
            Fix::preferred("A", vec![TextEdit::insert(0, "a")]),
            Fix::preferred("B", vec![TextEdit::insert(0, "b")]),
        ];
        let actions = code_actions(LONG_NAME, TextRange::empty(10), &result);
        let quick: Vec<&Action> = actions.iter().filter(|a| a.title.len() == 1).collect();
        assert_eq!(quick.len(), 2);
        assert!(quick.iter().all(|a| !a.preferred));
    }

    #[test]
    fn the_disable_comment_silences_the_finding_it_is_offered_for() {
        let result = check(LONG_NAME, "c.yml");
        let actions = code_actions(LONG_NAME, TextRange::empty(10), &result);
        let disable = actions.iter().find(|a| a.title == "Disable AML201 for this line").unwrap();
        assert_eq!(disable.diagnostics, vec![0]);
        let edited = apply(LONG_NAME, disable);
        assert!(edited.starts_with("# aml-compute-ls: disable-next-line AML201\nname: my-cluster"), "{edited}");
        assert!(check(&edited, "c.yml").diagnostics.is_empty(), "{:?}", ids(&check(&edited, "c.yml")));
    }

    #[test]
    fn the_disable_comment_takes_the_lines_indentation() {
        let text = "name: cpu-cluster\ntype: amlcompute\nidentity:\n  type: bogus\n";
        let result = check(text, "c.yml");
        assert_eq!(result.diagnostics.len(), 1, "{:?}", ids(&result));
        let code = result.diagnostics[0].code.id();
        let at = text.find("bogus").unwrap();
        let actions = code_actions(text, TextRange::empty(at), &result);
        let disable = actions.iter().find(|a| a.title == format!("Disable {code} for this line")).unwrap();
        let edited = apply(text, disable);
        assert!(
            edited.contains(&format!("identity:\n  # aml-compute-ls: disable-next-line {code}\n  type: bogus\n")),
            "{edited}"
        );
        assert!(check(&edited, "c.yml").diagnostics.is_empty(), "{:?}", ids(&check(&edited, "c.yml")));
    }

    #[test]
    fn a_second_code_joins_the_disable_comment_above() {
        let text = "name: a\ntype: amlcompute\nsize: Standard_DS3_v2\n# aml-compute-ls: disable-next-line AML113\nmin_instances: -1\n";
        let result = check(text, "c.yml");
        let code = result.diagnostics.iter().find(|d| d.range.start() > text.find("min_").unwrap()).unwrap().code.id();
        let at = text.find("-1").unwrap();
        let actions = code_actions(text, TextRange::empty(at), &result);
        let disable = actions.iter().find(|a| a.title == format!("Disable {code} for this line")).unwrap();
        let edited = apply(text, disable);
        assert!(
            edited.contains(&format!("# aml-compute-ls: disable-next-line AML113 {code}\nmin_instances: -1")),
            "{edited}"
        );
        let after = check(&edited, "c.yml");
        assert!(!after.diagnostics.iter().any(|d| d.code.id() == code), "{:?}", ids(&after));
    }

    #[test]
    fn json_specs_get_a_slash_slash_disable_comment_that_works() {
        let text = "{\n  \"name\": \"a-very-long-aks-compute-name\",\n  \"properties\": {\n    \"computeType\": \"AKS\"\n  }\n}\n";
        let result = check(text, "a.json");
        let d = result.diagnostics.iter().position(|d| d.code.id() == "AML201").expect("name too long");
        let at = result.diagnostics[d].range.start();
        let actions = code_actions(text, TextRange::empty(at), &result);
        let disable = actions.iter().find(|a| a.title == "Disable AML201 for this line").unwrap();
        let edited = apply(text, disable);
        assert!(edited.contains("{\n  // aml-compute-ls: disable-next-line AML201\n  \"name\""), "{edited}");
        let after = check(&edited, "a.json");
        assert_eq!(after.diagnostics.len(), result.diagnostics.len() - 1, "{:?}", ids(&after));
        assert!(!ids(&after).contains(&"AML201".to_string()));
        assert!(!actions.iter().any(|a| a.kind == ActionKind::Source), "no $schema for JSON");
    }

    #[test]
    fn a_cli_spec_without_a_schema_is_offered_one() {
        let text = "# my cluster\nname: cpu-cluster\ntype: amlcompute\n";
        let result = check(text, "c.yml");
        let actions = code_actions(text, TextRange::empty(0), &result);
        let add = actions.iter().find(|a| a.kind == ActionKind::Source).unwrap();
        assert_eq!(add.title, "Add $schema for compute cluster");
        let edited = apply(text, add);
        assert_eq!(
            edited,
            "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\n# my cluster\nname: cpu-cluster\ntype: amlcompute\n"
        );
        let after = check(&edited, "c.yml");
        assert!(after.diagnostics.is_empty());
        // `type` still decides the kind; the added `$schema` agrees with it (no AML117).
        assert_eq!(after.detection.unwrap().evidence, crate::spec::kinds::Evidence::TypeField);
        // After the document marker when there is one.
        let marked = "---\nname: cpu-cluster\ntype: amlcompute\n";
        let add = code_actions(marked, TextRange::empty(0), &check(marked, "c.yml")).pop().unwrap();
        assert!(apply(marked, &add).starts_with("---\n$schema: "));
    }

    #[test]
    fn no_schema_action_when_the_kind_is_already_declared_or_has_no_published_schema() {
        for text in [
            "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: a1b\ntype: amlcompute\n",
            "# yaml-language-server: $schema=https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: abc\ntype: amlcompute\n",
            "name: pool\ntype: synapsespark\nresource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/w/bigDataPools/p\n",
            "apiVersion: v1\nkind: Pod\n",
        ] {
            let actions = code_actions(text, TextRange::empty(0), &check(text, "c.yml"));
            assert!(!actions.iter().any(|a| a.kind == ActionKind::Source), "{text}");
        }
    }

    #[test]
    #[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]
    fn every_disable_action_on_real_invalid_specs_silences_its_finding() {
        let mut checked = 0;
        for (name, text) in crate::test_corpus::files("specs-invalid") {
            let result = check(&text, &name);
            for (i, d) in result.diagnostics.iter().enumerate() {
                let actions = code_actions(&text, d.range, &result);
                let Some(disable) =
                    actions.iter().find(|a| a.title.starts_with("Disable") && a.diagnostics.contains(&i))
                else {
                    continue;
                };
                let after = check(&apply(&text, disable), &name);
                let shift = usize::from(disable.edits[0].new_text.contains('\n'));
                let line = LineIndex::new(&text).line_of(d.range.start()) + shift;
                let index = LineIndex::new(&apply(&text, disable));
                assert!(
                    !after.diagnostics.iter().any(|a| a.code == d.code && index.line_of(a.range.start()) == line),
                    "{name}: {} on line {line} survives",
                    d.code.id()
                );
                checked += 1;
            }
        }
        assert!(checked > 0);
    }

    #[test]
    fn a_finding_inside_a_multi_line_value_gets_no_suppression_comment() {
        use crate::check::{Diagnostic, codes};
        let text = "name: a\ntype: amlcompute\ndescription: |\n  first line\n  second line\nsize: Standard_DS3_v2\n";
        for (needle, inside) in [("second", true), ("first", true), ("description", false), ("size", false)] {
            let mut result = check(text, "c.yml");
            let at = text.find(needle).unwrap();
            result.diagnostics = vec![Diagnostic::new(codes::NAME_LENGTH, TextRange::new(at, at + 3), "x")];
            let actions = code_actions(text, TextRange::new(at, at), &result);
            let offered = actions.iter().any(|a| a.title.starts_with("Disable"));
            assert_eq!(offered, !inside, "{needle}: {actions:?}");
        }
        let folded = "name: a\ntype: amlcompute\ndescription: a plain value\n  folded here\n";
        let mut result = check(folded, "c.yml");
        let at = folded.find("folded").unwrap();
        result.diagnostics = vec![Diagnostic::new(codes::NAME_LENGTH, TextRange::new(at, at + 3), "x")];
        assert!(!code_actions(folded, TextRange::new(at, at), &result).iter().any(|a| a.title.starts_with("Disable")));
    }
}
