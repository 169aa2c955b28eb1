//! VM size and region rules (AML301–AML306), against the catalog in `data/`.
//!
//! Sources: the ML `vmSizes` API (`supportedComputeTypes`, `lowPriorityCapable`, per-region
//! lists), concept-compute-target.md (series supported by clusters and instances), and the
//! Azure retirement notices; data/README.md cites each.

use super::{RuleContext, requote};
use crate::check::catalog::{Catalog, VmSize};
use crate::check::suggest::closest;
use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use crate::spec::kinds::ComputeKind;
use crate::syntax::Entry;

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let catalog = Catalog::get();
    let region = check_location(ctx, catalog, out);
    let Some(entry) = ctx.spec.size else { return };
    let Some(name) = entry.value.as_str() else { return };
    if crate::check::placeholders::contains_placeholder(name) {
        return;
    }
    let Some(size) = catalog.size(name) else {
        out.push(unknown_size(entry, name, catalog));
        return;
    };
    let range = entry.value.range;
    if let Some(date) = size.retired {
        let replacement = modern_replacement(size, ctx.kind, catalog);
        let mut d = Diagnostic::new(
            codes::RETIRED_VM_SIZE,
            range,
            format!(
                "`{}` was retired on {date}; new computes cannot use it.{}",
                size.name,
                replacement.map_or(String::new(), |r| format!(
                    " `{}` ({}) is a current size of the same shape.",
                    r.name,
                    r.summary()
                ))
            ),
        );
        if let Some(r) = replacement {
            d = d.with_fix(Fix::new(
                format!("Use `{}`", r.name),
                vec![TextEdit::replace(range, requote(&entry.value, r.name))],
            ));
        }
        out.push(d);
        return;
    }
    if !size.offered_for(ctx.kind) {
        let usable: Vec<&str> = size.kinds.iter().map(|k| kind_plural(k)).collect();
        let where_ = if usable.is_empty() { "no Azure ML compute".to_string() } else { usable.join(", ") };
        out.push(Diagnostic::new(
            codes::SIZE_NOT_FOR_KIND,
            range,
            format!("`{}` is not offered for {}s; it is usable for {where_}.", size.name, ctx.kind.display_name()),
        ));
    }
    if let Some((region_name, region_range)) = region
        && let Some(r) = catalog.region(region_name)
        && r.availability_known
        && !size.regions.is_empty()
        && !size.offered_in(r.name)
    {
        let mut d = Diagnostic::new(
            codes::SIZE_NOT_IN_REGION,
            range,
            format!(
                "`{}` is not offered in {} ({}); it is offered in {}.",
                size.name,
                r.display_name,
                r.name,
                size.regions.iter().take(6).copied().collect::<Vec<_>>().join(", ")
                    + if size.regions.len() > 6 { ", …" } else { "" }
            ),
        );
        if region_range.is_none() {
            d.message.push_str(" (Checked against the default location from your settings.)");
        }
        out.push(d);
    }
    if ctx.spec.low_priority && !size.low_priority {
        let tier = ctx.spec.tier.map_or(range, |t| t.value.range);
        out.push(Diagnostic::new(
            codes::LOW_PRIORITY_NOT_SUPPORTED,
            tier,
            format!(
                "`{}` cannot run at low priority; use the dedicated tier or a size that supports low priority.",
                size.name
            ),
        ));
    }
}

fn kind_plural(id: &str) -> &'static str {
    match id {
        "amlcompute" => "compute clusters",
        "computeinstance" => "compute instances",
        "aks" => "AKS inference clusters",
        "kubernetes" => "Kubernetes computes",
        "virtualmachine" => "attached VMs",
        _ => "other computes",
    }
}

fn unknown_size(entry: &Entry, name: &str, catalog: &Catalog) -> Diagnostic {
    let suggestions = closest(name, catalog.sizes.iter().map(|s| s.name), 3);
    let mut message = format!("`{name}` is not a VM size aml-compute-ls knows.");
    if let Some(first) = suggestions.first() {
        message.push_str(&format!(" Did you mean `{first}`?"));
    } else {
        message.push_str(" Check the name with `aml-compute-ls sizes` or `az ml compute list-sizes`.");
    }
    Diagnostic::new(codes::UNKNOWN_VM_SIZE, entry.value.range, message).with_fixes(change_to(entry, &suggestions))
}

/// The smallest current size usable for the kind with at least the same vCPUs, GPUs and memory.
fn modern_replacement<'c>(old: &VmSize, kind: ComputeKind, catalog: &'c Catalog) -> Option<&'c VmSize> {
    catalog
        .sizes
        .iter()
        .filter(|s| {
            s.retired.is_none()
                && s.offered_for(kind)
                && s.gpus >= old.gpus
                && s.vcpus >= old.vcpus
                && s.memory_gib >= old.memory_gib
        })
        .filter(|s| (old.gpus == 0) == (s.gpus == 0))
        .min_by(|a, b| (a.gpus, a.vcpus, a.memory_gib as u64).cmp(&(b.gpus, b.vcpus, b.memory_gib as u64)))
}

/// Checks `location` and returns the region to check sizes against, with the range of the
/// `location` value when it came from the spec.
fn check_location<'a>(
    ctx: &'a RuleContext,
    catalog: &Catalog,
    out: &mut Vec<Diagnostic>,
) -> Option<(&'a str, Option<crate::syntax::text::TextRange>)> {
    let Some(entry) = ctx.spec.location else {
        return ctx.default_location.map(|l| (l, None));
    };
    let value = entry.value.as_str()?;
    if crate::check::placeholders::contains_placeholder(value) {
        return None;
    }
    if ctx.form == crate::spec::kinds::SpecForm::Cli && ctx.kind != ComputeKind::AmlCompute {
        out.push(
            Diagnostic::new(
                codes::IGNORED_FIELD,
                entry.key_range,
                format!("`location` only applies to compute clusters; {} is always created in the workspace's region, and the CLI ignores this value.", ctx.kind.a_display_name()),
            )
            .with_fix(Fix::new("Remove `location`", vec![crate::check::edits::remove_entry(ctx.text, entry, ctx.json)])),
        );
    }
    if let Some(message) = catalog.unknown_region_message(value) {
        let suggestions = catalog.region_suggestions(value);
        out.push(
            Diagnostic::new(codes::UNKNOWN_LOCATION, entry.value.range, message)
                .with_fixes(change_to(entry, &suggestions)),
        );
        return None;
    }
    Some((value, Some(entry.value.range)))
}

/// "Change to …" fixes for the suggestions; a single suggestion is the preferred fix.
fn change_to(entry: &Entry, suggestions: &[&str]) -> Vec<Fix> {
    let mut fixes: Vec<Fix> = suggestions
        .iter()
        .map(|s| {
            Fix::new(format!("Change to `{s}`"), vec![TextEdit::replace(entry.value.range, requote(&entry.value, s))])
        })
        .collect();
    if let [only] = fixes.as_mut_slice() {
        only.preferred = true;
    }
    fixes
}
