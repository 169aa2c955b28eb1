//! Is the spec's name free? AML801 (taken by another type), AML802 (exists: creating updates
//! it), AML803 (used elsewhere in the region).

use super::facts::{SpecFacts, WorkspaceFacts};
use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use crate::spec::kinds::ComputeKind;

/// - AML801: a PUT cannot change an existing compute's `computeType`; the service answers a
///   conflict (the emulator's `Conflict`, modelled on the REST spec's "This call will overwrite
///   a compute if it exists", which only ever replaces a compute with one of its own type).
/// - AML802: the REST spec's PUT "will overwrite a compute if it exists": `create` on an
///   existing name updates that compute, so the user should know what is there now.
/// - AML803: the Studio form: the name "must be unique across all existing computes within an
///   Azure region. You'll see an alert if the name chosen is not unique"; the answer comes from
///   `checkComputeNameAvailability` (see `arm::live`). An `Invalid` answer is left to the
///   offline name rules (AML2xx), which say why.
pub fn check(spec: &SpecFacts, facts: &WorkspaceFacts, out: &mut Vec<Diagnostic>) {
    let Some(name) = &spec.name else { return };
    if let Some(existing) = facts.compute(&name.value) {
        let wanted = spec.compute_type();
        if existing.compute_type.eq_ignore_ascii_case(wanted) {
            out.push(Diagnostic::new(
                codes::COMPUTE_EXISTS,
                name.range,
                format!(
                    "`{}` exists in workspace `{}` ({}); {} updates it.",
                    existing.name,
                    facts.workspace,
                    existing.status_line(),
                    if spec.kind.is_attached() { "attaching" } else { "creating" }
                ),
            ));
        } else {
            let rename = free_name(spec, facts);
            let theirs = ComputeKind::from_arm_type(&existing.compute_type)
                .map_or_else(|| format!("a `{}` compute", existing.compute_type), |k| k.a_display_name());
            out.push(Diagnostic::new(
                codes::NAME_TAKEN_BY_OTHER_TYPE,
                name.range,
                format!(
                    "`{}` is already {theirs} ({}) in workspace `{}`; the service does not change a compute's type, \
                     so creating {} by this name fails. Choose another name, or delete the existing compute first.",
                    existing.name,
                    existing.status_line(),
                    facts.workspace,
                    spec.kind.a_display_name()
                ),
            )
            .with_fixes(rename));
        }
        return;
    }
    let Some(answer) = &facts.name_availability else { return };
    if answer.available || answer.reason.as_deref().is_some_and(|r| r.eq_ignore_ascii_case("Invalid")) {
        return;
    }
    let said = answer.message.as_deref().map_or(String::new(), |m| format!(" The service says: {m}"));
    out.push(
        Diagnostic::new(
            codes::NAME_TAKEN_IN_REGION,
            name.range,
            format!(
                "`{}` is already used by a compute in another workspace in {}; compute names must be unique across all \
             computes within an Azure region. Choose another name.{said}",
                name.value, facts.region
            ),
        )
        .with_fixes(free_name(spec, facts)),
    );
}

/// A name no compute of the workspace has: the spec's name with `-2`, `-3`, … (shortened to
/// keep within 16 characters, the length the service and the ARM naming rules both accept, see
/// `check::rules::names`). Whether it is free in the rest of the region is for the next live
/// check to say, once the user has picked it; so the fix is offered, not preferred.
fn free_name(spec: &SpecFacts, facts: &WorkspaceFacts) -> Vec<Fix> {
    const AGREED_MAX: usize = 16;
    let Some(name) = &spec.name else { return Vec::new() };
    let base: String = name.value.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let base = base.trim_end_matches('-');
    (2..100)
        .map(|n| {
            let suffix = format!("-{n}");
            let kept = base.len().min(AGREED_MAX - suffix.len());
            format!("{}{suffix}", base[..kept].trim_end_matches('-'))
        })
        .find(|candidate| facts.compute(candidate).is_none())
        .map(|free| {
            let quoted = format!("{q}{free}{q}", q = spec.name_quote);
            vec![Fix::new(format!("Rename to `{free}`"), vec![TextEdit::replace(name.range, quoted)])]
        })
        .unwrap_or_default()
}
