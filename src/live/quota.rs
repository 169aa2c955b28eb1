//! Does the quota hold the compute? AML809 (the nodes allocated at creation do not fit: the
//! create fails) and AML810 (the maximum does not fit: the cluster cannot scale that far).
//!
//! Sources: the region's `usages` (`GET …/locations/{region}/usages`, REST spec 2025-12-01,
//! `Usage__list`; the live Az PowerShell recording shows the names used here: per family
//! `vmFamily/dedicatedCores` and `vmFamily/lowPriorityCores` named by the family, and the
//! regional `totalDedicatedCores`, `totalLowPriorityCores`, `totalClusters`; a limit of -1 is
//! unlimited). how-to-manage-quotas.md: dedicated and low-priority vCPUs are counted per VM family
//! and per region, shared by clusters and instances, and a cluster allocates its minimum nodes
//! when created and more only up to the quota; a request over the quota fails with
//! `QuotaExceeded` ("Operation results in exceeding quota limits"). Where to ask for more is
//! that page's "Request quota and limit increases".

use super::facts::{SpecFacts, WorkspaceFacts};
use crate::arm::Usage;
use crate::check::catalog::Catalog;
use crate::diagnostic::{Diagnostic, codes};
use crate::spec::kinds::ComputeKind;
use crate::syntax::text::TextRange;

/// Where the messages send the user for more quota.
pub const REQUEST_MORE: &str =
    "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas#request-quota-and-limit-increases";

/// A usage line that limits the compute, with what is free of it for this spec.
struct Limit<'a> {
    usage: &'a Usage,
    free: i64,
    /// How the message names it: the family name, or "dedicated"/"low-priority".
    what: String,
}

fn kind_of(usage: &Usage, suffix: &str) -> bool {
    usage.kind.to_ascii_lowercase().ends_with(&suffix.to_ascii_lowercase())
}

/// The vCPUs and family of a size: the region's listing first, else the offline catalog.
fn shape(name: &str, facts: &WorkspaceFacts) -> Option<(i64, String)> {
    if let Some(listed) = facts.vm_size(name)
        && let (Some(vcpus), Some(family)) = (listed.info.vcpus, &listed.info.family)
    {
        return Some((vcpus, family.clone()));
    }
    let size = Catalog::get().size(name)?;
    Some((i64::from(size.vcpus), size.family.to_string()))
}

pub fn check(spec: &SpecFacts, facts: &WorkspaceFacts, out: &mut Vec<Diagnostic>) {
    if !spec.uses_ml_sizes() {
        return;
    }
    let Some(usages) = &facts.usages else { return };
    let (size_name, _, _) = spec.size_or_default();
    let Some((vcpus, family)) = shape(size_name, facts) else { return };
    let low = spec.low_priority && spec.kind == ComputeKind::AmlCompute;
    let (family_suffix, total_suffix, tier) = if low {
        ("vmFamily/lowPriorityCores/usages", "totalLowPriorityCores/usages", "low-priority")
    } else {
        ("vmFamily/dedicatedCores/usages", "totalDedicatedCores/usages", "dedicated")
    };
    // What the compute of this name holds now comes back when it is updated.
    let held = |for_family: bool| -> i64 {
        let Some(existing) = spec.name.as_ref().and_then(|n| facts.compute(&n.value)) else { return 0 };
        if !existing.compute_type.eq_ignore_ascii_case(spec.compute_type()) {
            return 0;
        }
        let Some((their_vcpus, their_family)) = existing.vm_size.as_deref().and_then(|s| shape(s, facts)) else {
            return 0;
        };
        if for_family && !their_family.eq_ignore_ascii_case(&family) {
            return 0;
        }
        let their_low =
            existing.raw.pointer("/properties/properties/vmPriority").and_then(|v| v.as_str()) == Some("LowPriority");
        if their_low != low {
            return 0;
        }
        let nodes = if spec.kind == ComputeKind::ComputeInstance {
            1
        } else {
            existing.current_nodes.or(existing.min_nodes).unwrap_or(0)
        };
        nodes * their_vcpus
    };
    let mut limits: Vec<Limit> = Vec::new();
    if let Some(u) = usages.iter().find(|u| kind_of(u, family_suffix) && u.name.eq_ignore_ascii_case(&family)) {
        limits.push(Limit { usage: u, free: u.limit - u.current + held(true), what: format!("{family} vCPUs") });
    }
    if let Some(u) = usages.iter().find(|u| kind_of(u, total_suffix)) {
        limits.push(Limit { usage: u, free: u.limit - u.current + held(false), what: format!("{tier} vCPUs") });
    }
    limits.retain(|l| l.usage.limit >= 0);
    let Some(tightest) = limits.iter().min_by_key(|l| l.free) else { return };
    let (min, max) = spec.node_counts();
    let at_creation = min * vcpus;
    let detail = |l: &Limit| {
        format!(
            "{} of {} free in {} ({})",
            l.free.max(0),
            l.usage.limit,
            facts.region,
            if l.usage.localized_name.is_empty() { &l.usage.name } else { &l.usage.localized_name }
        )
    };
    if at_creation > tightest.free {
        let (range, what) = match spec.kind {
            ComputeKind::ComputeInstance => (spec.size.as_ref().map_or(spec.anchor, |s| s.range), "its VM".to_string()),
            _ => (
                spec.min_nodes.as_ref().map_or(spec.anchor, |m| m.range),
                format!("{min} node{} at creation (`min_instances`)", if min == 1 { "" } else { "s" }),
            ),
        };
        out.push(Diagnostic::new(
            codes::QUOTA_EXCEEDED_AT_CREATION,
            range,
            format!(
                "Needs {at_creation} {} for {what}; {}. The create fails with QuotaExceeded: use fewer or smaller \
                 nodes, or request more quota ({REQUEST_MORE}).",
                tightest.what,
                detail(tightest)
            ),
        ));
        return;
    }
    if spec.kind == ComputeKind::AmlCompute {
        if spec.name.as_ref().and_then(|n| facts.compute(&n.value)).is_none()
            && let Some(clusters) = usages.iter().find(|u| kind_of(u, "totalClusters/usages"))
            && clusters.limit >= 0
            && clusters.current >= clusters.limit
        {
            out.push(Diagnostic::new(
                codes::QUOTA_EXCEEDED_AT_CREATION,
                spec.anchor,
                format!(
                    "The subscription already has {} of {} clusters in {}; another one cannot be created. Delete a \
                     cluster or request more quota ({REQUEST_MORE}).",
                    clusters.current, clusters.limit, facts.region
                ),
            ));
            return;
        }
        let at_max = max * vcpus;
        if at_max > tightest.free {
            let range: TextRange = spec.max_nodes.as_ref().map_or(spec.anchor, |m| m.range);
            let reachable = tightest.free.max(0) / vcpus.max(1);
            out.push(Diagnostic::new(
                codes::QUOTA_SHORT_AT_MAX,
                range,
                format!(
                    "Needs {at_max} {} at max; {}. The cluster can grow to {reachable} of its {max} nodes until more \
                     quota is free; request more at {REQUEST_MORE}.",
                    tightest.what,
                    detail(tightest)
                ),
            ));
        }
    }
}
