//! Is the spec's size offered here, for this kind and tier? AML806, AML807, AML808, from the
//! region's `vmSizes` list (`GET …/locations/{region}/vmSizes`, REST spec 2025-12-01): what the
//! service lists is what it offers to Azure ML in that region now; `supportedComputeTypes`
//! says for which kinds (`az ml compute list-sizes --type` filters on it), and
//! `lowPriorityCapable` whether low priority is possible. The Studio form warns that
//! "supported VM sizes may be restricted in your region". Live data wins over the offline
//! catalog (`live::merge_with_offline`).

use super::facts::{SpecFacts, WorkspaceFacts};
use crate::check::suggest::closest;
use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};

pub fn check(spec: &SpecFacts, facts: &WorkspaceFacts, out: &mut Vec<Diagnostic>) {
    if !spec.uses_ml_sizes() {
        return;
    }
    let (Some(size), Some(listed)) = (&spec.size, facts.vm_sizes.as_ref()) else { return };
    if listed.is_empty() {
        return;
    }
    let wanted = spec.compute_type();
    let Some(found) = facts.vm_size(&size.value) else {
        let usable = listed.iter().filter(|s| s.info.supports(wanted)).map(|s| s.info.name.as_str());
        let suggestions = closest(&size.value, usable, 3);
        let mut message = format!(
            "`{}` is not offered to Azure ML in {} now (the region's VM size list has {} sizes).",
            size.value,
            facts.region,
            listed.len()
        );
        if let Some(first) = suggestions.first() {
            message.push_str(&format!(" Did you mean `{first}`?"));
        } else {
            message.push_str(" `aml-compute-ls sizes` lists what is offered.");
        }
        let mut fixes: Vec<Fix> = suggestions
            .iter()
            .map(|s| {
                Fix::new(
                    format!("Change to `{s}`"),
                    vec![TextEdit::replace(size.range, format!("{q}{s}{q}", q = spec.size_quote))],
                )
            })
            .collect();
        if let [only] = fixes.as_mut_slice() {
            only.preferred = true;
        }
        out.push(Diagnostic::new(codes::SIZE_NOT_OFFERED_HERE, size.range, message).with_fixes(fixes));
        return;
    };
    if !found.info.supports(wanted) {
        let kinds = if found.info.supported_compute_types.is_empty() {
            "no compute type".to_string()
        } else {
            found.info.supported_compute_types.join(", ")
        };
        out.push(Diagnostic::new(
            codes::SIZE_NOT_FOR_KIND_HERE,
            size.range,
            format!(
                "`{}` is offered in {} for {kinds} only, not for {}s (`supportedComputeTypes` of the region's VM size \
                 list).",
                found.info.name,
                facts.region,
                spec.kind.display_name()
            ),
        ));
    }
    if spec.low_priority && !found.info.low_priority_capable {
        out.push(Diagnostic::new(
            codes::LOW_PRIORITY_NOT_OFFERED_HERE,
            spec.tier.unwrap_or(size.range),
            format!(
                "`{}` cannot run at low priority in {} (`lowPriorityCapable` is false in the region's VM size list); \
                 use the dedicated tier or a size that can.",
                found.info.name, facts.region
            ),
        ));
    }
}
