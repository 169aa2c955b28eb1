//! VM size and region rules (AML301–AML307), against the catalog in `data/`.
//!
//! Sources: Azure ML's size list (SkyPilot's `az_ml_vms.csv`) and the ML `vmSizes` API
//! (`supportedComputeTypes`, `lowPriorityCapable`), concept-compute-target.md (series supported
//! by clusters and instances), the Azure retail price snapshot (which sizes each region offers)
//! and the Azure retirement notices; data/README.md cites each with its date.
//!
//! AML308: azure-ai-ml sends `size` as written (`fields.Str`, _schema/compute/aml_compute.py
//! line 31 and compute_instance.py line 56; `vm_size=self.size`), and no size in the service's
//! `vmSizes` list has a space (data/vm-sizes.tsv; ../shared/research/azure-compute-facts.md
//! §3.7): `'Standard_DS3_v2 '` names no size, whatever our case-insensitive lookup finds.

use super::{RuleContext, requote};
use crate::check::catalog::{Catalog, Region, VmSize, series_of};
use crate::check::suggest::{closest, distance};
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
    let trimmed = name.trim();
    if trimmed != name && !trimmed.is_empty() {
        out.push(
            Diagnostic::new(
                codes::SIZE_WHITESPACE,
                entry.value.range,
                format!("The size `{name}` has spaces around it; the CLI sends them and no VM size is called that. Write `{trimmed}`."),
            )
            .with_fix(Fix::safe(
                format!("Remove the spaces: `{trimmed}`"),
                vec![TextEdit::replace(entry.value.range, requote(&entry.value, trimmed))],
            )),
        );
        return;
    }
    let Some(size) = catalog.size(name) else {
        out.push(unknown_size(entry, name, ctx.kind, catalog));
        return;
    };
    let range = entry.value.range;
    if size.retired.is_some() {
        out.push(retired_size(entry, size, ctx.kind, catalog));
        return;
    }
    if !size.offered_for(ctx.kind) && !size.unconfirmed_for(ctx.kind) {
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
        && size.region_count() > 0
        && !size.offered_in(r.name)
    {
        let mut d = Diagnostic::new(
            codes::SIZE_NOT_IN_REGION,
            range,
            format!(
                "`{}` is not offered in {} ({}); it is offered in {} region{}: {}.",
                size.name,
                r.display_name,
                r.name,
                size.region_count(),
                if size.region_count() == 1 { "" } else { "s" },
                nearby_regions(size, r, catalog)
            ),
        );
        if region_range.is_none() {
            d.message.push_str(" (Checked against the default location from your settings.)");
        }
        out.push(d);
    }
    if ctx.spec.low_priority && !size.low_priority && !size.unconfirmed_for(ctx.kind) {
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

/// Up to six regions offering the size, those of the spec's geography first.
fn nearby_regions(size: &VmSize, region: &Region, catalog: &Catalog) -> String {
    let mut offered: Vec<(bool, &str)> = size
        .regions()
        .map(|name| (catalog.region(name).is_none_or(|o| o.geography != region.geography), name))
        .collect();
    offered.sort();
    let mut list = offered.iter().take(6).map(|(_, n)| *n).collect::<Vec<_>>().join(", ");
    if offered.len() > 6 {
        list.push_str(", …");
    }
    list
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

fn unknown_size(entry: &Entry, name: &str, kind: ComputeKind, catalog: &Catalog) -> Diagnostic {
    let suggestions = size_suggestions(name, kind, catalog);
    let mut message = format!("`{name}` is not a VM size aml-compute-ls knows.");
    if let Some(first) = suggestions.first() {
        message.push_str(&format!(" Did you mean `{first}`?"));
    } else {
        message.push_str(" Check the name with `aml-compute-ls sizes` or `az ml compute list-sizes`.");
    }
    Diagnostic::new(codes::UNKNOWN_VM_SIZE, entry.value.range, message).with_fixes(change_to(entry, &suggestions))
}

/// Up to three current sizes for the kind close to `name`, from the same series when it has any
/// (`Standard_D` half-typed suggests D-series sizes, not `Standard_H8`): within the series,
/// the closest spellings, then the most used, in natural order.
fn size_suggestions<'c>(name: &str, kind: ComputeKind, catalog: &'c Catalog) -> Vec<&'c str> {
    let series = series_of(name.trim());
    let current = || catalog.sizes.iter().filter(move |s| s.retired.is_none() && s.offered_for(kind));
    let same_series: Vec<&VmSize> =
        current().filter(|s| !series.is_empty() && s.series().eq_ignore_ascii_case(series)).collect();
    if same_series.is_empty() {
        return closest(name, current().map(|s| s.name), 3);
    }
    let typed = name.trim().to_ascii_lowercase();
    let mut ranked: Vec<(usize, bool, usize, &VmSize)> = same_series
        .iter()
        .enumerate()
        .map(|(order, s)| {
            let lower = s.name.to_ascii_lowercase();
            // A name the user is still typing is a prefix of what they want: rank those by how
            // common they are, not by the letters still missing.
            let d = if lower.starts_with(&typed) { 0 } else { distance(&typed, &lower) };
            (d, !s.common, order, *s)
        })
        .collect();
    ranked.sort_by_key(|r| (r.0, r.1, r.2));
    let limit = (typed.len() / 3).clamp(1, 4);
    ranked.into_iter().filter(|r| r.0 <= limit).take(3).map(|r| r.3.name).collect()
}

/// AML305: the retirement date (or that Azure published none) and a current successor.
fn retired_size(entry: &Entry, size: &VmSize, kind: ComputeKind, catalog: &Catalog) -> Diagnostic {
    let range = entry.value.range;
    let replacement = successor(size, kind, catalog);
    let when = match size.retired_on() {
        Some(date) => format!("was retired on {date}"),
        None => "is retired (Azure published no retirement date)".to_string(),
    };
    let mut d = Diagnostic::new(
        codes::RETIRED_VM_SIZE,
        range,
        format!(
            "`{}` {when}; new computes cannot use it.{}",
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
    d
}

/// A `_Promo` size's successor is the same size at the regular price; any other retired size's
/// is the smallest current size of at least its shape.
fn successor<'c>(old: &VmSize, kind: ComputeKind, catalog: &'c Catalog) -> Option<&'c VmSize> {
    old.name
        .strip_suffix("_Promo")
        .and_then(|base| catalog.size(base))
        .filter(|s| s.retired.is_none() && s.offered_for(kind))
        .or_else(|| modern_replacement(old, kind, catalog))
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
    if let Some(region) = catalog.region(value)
        && value != region.name
    {
        out.push(
            Diagnostic::new(
                codes::LOCATION_DISPLAY_NAME,
                entry.value.range,
                format!(
                    "`{value}` is {}; ARM accepts it, but Azure reports and compares region names.",
                    if value.trim() == region.display_name {
                        format!("the display name of `{}`", region.name)
                    } else {
                        format!("`{}` written differently", region.name)
                    }
                ),
            )
            .with_fixes(change_to(entry, &[region.name])),
        );
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

#[cfg(test)]
mod tests {
    use crate::check::{CheckOptions, check_text};
    use crate::diagnostic::codes;

    fn size_findings(spec: &str) -> Vec<(String, String, Vec<String>)> {
        check_text(spec, Some("spec.yml"), &CheckOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code.family() == crate::diagnostic::Family::Sizes)
            .map(|d| (d.code.id(), d.message, d.fixes.iter().map(|f| f.title.clone()).collect()))
            .collect()
    }

    #[test]
    fn a_half_typed_size_gets_current_sizes_of_its_series_for_the_kind() {
        let found = size_findings("name: a\ntype: amlcompute\nsize: Standard_NC\nmax_instances: 1\n");
        let [(code, message, fixes)] = &found[..] else { panic!("{found:?}") };
        assert_eq!(code, "AML301");
        assert!(message.contains("Did you mean `Standard_NC"), "{message}");
        assert!(!fixes.is_empty() && fixes.len() <= 3, "{fixes:?}");
        for fix in fixes {
            let name = fix.trim_start_matches("Change to `").trim_end_matches('`');
            let size = crate::check::catalog::Catalog::get().size(name).unwrap();
            assert_eq!(size.series(), "NC", "{name}");
            assert!(size.retired.is_none() && size.offered_for(crate::spec::kinds::ComputeKind::AmlCompute), "{name}");
        }
    }

    #[test]
    fn a_region_display_name_or_other_spelling_gets_the_region_name_as_a_hint() {
        for written in ["West Europe", "WESTEUROPE", "WestEurope"] {
            let found = size_findings(&format!(
                "name: a\ntype: amlcompute\nsize: Standard_DS3_v2\nlocation: {written}\nmax_instances: 1\n"
            ));
            let [(code, message, fixes)] = &found[..] else { panic!("{written}: {found:?}") };
            assert_eq!(code, &codes::LOCATION_DISPLAY_NAME.id());
            assert!(message.contains("`westeurope`"), "{message}");
            assert_eq!(fixes, &vec!["Change to `westeurope`".to_string()]);
        }
        assert!(size_findings("name: a\ntype: amlcompute\nsize: Standard_DS3_v2\nlocation: westeurope\n").is_empty());
    }

    #[test]
    fn a_size_not_offered_in_a_non_us_region_is_an_error_and_unknown_regions_stay_silent() {
        let found = size_findings("name: a\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nlocation: japanwest\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "AML303");
        assert!(found[0].1.contains("japaneast"), "same-geography regions come first: {}", found[0].1);
        // Azure Government has no availability data: the rule says nothing there.
        assert!(
            size_findings("name: a\ntype: amlcompute\nsize: Standard_NC24ads_A100_v4\nlocation: usgovvirginia\n")
                .is_empty()
        );
    }
}
