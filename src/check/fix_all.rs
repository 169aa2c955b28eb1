//! The fixes `check --fix` applies together: each finding's one safe fix (it changes how the
//! spec is written, never what it asks for; a did-you-mean or a changed value needs a person to
//! choose), skipping any fix whose edits touch text an earlier fix already changes, so that all
//! of them apply in one pass.

use crate::check::CheckResult;
use crate::diagnostic::{Code, TextEdit};
use crate::syntax::text::TextRange;

/// The edits of every safe fix that can be applied together, with the code each fixes.
pub fn preferred_fix_edits(result: &CheckResult) -> Vec<(Code, Vec<TextEdit>)> {
    let mut taken: Vec<TextRange> = Vec::new();
    let mut chosen = Vec::new();
    for diagnostic in &result.diagnostics {
        let mut safe = diagnostic.fixes.iter().filter(|f| f.safe);
        let (Some(fix), None) = (safe.next(), safe.next()) else { continue };
        if fix.edits.is_empty() || fix.edits.iter().any(|e| taken.iter().any(|t| touches(*t, e.range))) {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| e.range));
        chosen.push((diagnostic.code, fix.edits.clone()));
    }
    chosen
}

/// Whether two edit ranges cannot both be applied in one pass: they overlap, or both insert
/// at the same point (their order would be a guess), or one inserts strictly inside the other.
fn touches(a: TextRange, b: TextRange) -> bool {
    if a.start() == a.end() && b.start() == b.end() {
        return a.start() == b.start();
    }
    a.start() < b.end() && b.start() < a.end()
        || (a.start() == a.end() && b.start() < a.start() && a.start() < b.end())
        || (b.start() == b.end() && a.start() < b.start() && b.start() < a.end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, check_text};
    use crate::diagnostic::apply_edits;

    #[test]
    fn overlapping_and_same_point_edits_touch_but_neighbours_do_not() {
        let r = TextRange::new;
        assert!(touches(r(0, 5), r(4, 8)));
        assert!(touches(r(3, 3), r(3, 3)));
        assert!(touches(r(3, 3), r(0, 5)));
        assert!(!touches(r(0, 5), r(5, 8)));
        assert!(!touches(r(5, 5), r(0, 5)));
    }

    #[test]
    fn mechanical_fixes_of_a_spec_apply_together_and_leave_it_clean_of_those_codes() {
        let text = "name: cpu-cluster\ntype: amlcompute\nmax_instances: \"4\"\nidle_time_before_scale_down: \"120\"\n";
        let result = check_text(text, Some("c.yml"), &CheckOptions::default());
        let fixes = preferred_fix_edits(&result);
        assert_eq!(fixes.len(), 2, "{:?}", result.diagnostics);
        let edits: Vec<TextEdit> = fixes.iter().flat_map(|(_, e)| e.clone()).collect();
        let fixed = apply_edits(text, &edits);
        let after = check_text(&fixed, Some("c.yml"), &CheckOptions::default());
        for (code, _) in &fixes {
            assert!(!after.diagnostics.iter().any(|d| d.code == *code), "{} survives in\n{fixed}", code.id());
        }
    }
}
