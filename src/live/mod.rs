//! Live workspace checks (AML8xx, issue 11): what a spec asks for against what the workspace
//! holds now: the name (taken by another type, exists, used elsewhere in the region), changes
//! the service refuses on an existing compute, whether the region offers the size for this kind
//! and tier, whether the quota holds it, and what it would cost.
//!
//! [`findings`] is pure: spec facts (`facts::SpecFacts`, read from a checked document) and
//! workspace facts (`facts::WorkspaceFacts`) in, diagnostics and a cost estimate out. Fetching
//! the workspace facts is `fetch`, through `arm::live`, with `cache` bounding the calls. Hosts
//! (the server, `check --live`, the create pre-flight) run the offline check and then
//! [`run::check_document`], which fetches, finds, applies the settings and merges.

pub mod cache;
mod changes;
pub mod cost;
pub mod facts;
pub mod fetch;
mod names;
mod quota;
pub mod run;
mod sizes;

pub use cache::{Clock, LiveCache, SystemClock, Ttls};
pub use cost::{CostEstimate, PriceSource, offline_estimate};
pub use facts::{Field, SpecFacts, SshAccess, WorkspaceFacts};
pub use run::{LiveOutcome, check_document};

use crate::diagnostic::{Diagnostic, codes};

/// What the live checks found for one spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveReport {
    /// AML8xx findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The estimated cost, when the region prices the size.
    pub cost: Option<CostEstimate>,
}

/// Every live finding for a spec against the workspace as it is now.
pub fn findings(spec: &SpecFacts, facts: &WorkspaceFacts) -> LiveReport {
    let mut diagnostics = Vec::new();
    names::check(spec, facts, &mut diagnostics);
    changes::check(spec, facts, &mut diagnostics);
    sizes::check(spec, facts, &mut diagnostics);
    quota::check(spec, facts, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code.number));
    LiveReport { diagnostics, cost: cost::estimate(spec, facts) }
}

/// The offline findings the region's live size list answers better: unknown size (when the
/// region lists it), size not for the kind, not in the region, no low priority. The live list
/// wins when both exist (issue 11: "Live data wins over the offline catalog").
const SUPERSEDED_BY_LIVE_SIZES: [crate::diagnostic::Code; 4] =
    [codes::UNKNOWN_VM_SIZE, codes::SIZE_NOT_FOR_KIND, codes::SIZE_NOT_IN_REGION, codes::LOW_PRIORITY_NOT_SUPPORTED];

/// The offline findings with the live ones added: offline size findings give way to the live
/// list when the region's list was fetched, and a retired size (AML305) keeps its offline
/// finding, which says more than "not offered here".
pub fn merge_with_offline(
    offline: &[Diagnostic],
    spec: &SpecFacts,
    facts: &WorkspaceFacts,
    live: &LiveReport,
) -> Vec<Diagnostic> {
    let live_sizes = spec.uses_ml_sizes() && facts.vm_sizes.as_ref().is_some_and(|s| !s.is_empty());
    let retired = offline.iter().any(|d| d.code == codes::RETIRED_VM_SIZE);
    let mut merged: Vec<Diagnostic> =
        offline.iter().filter(|d| !(live_sizes && SUPERSEDED_BY_LIVE_SIZES.contains(&d.code))).cloned().collect();
    merged.extend(live.diagnostics.iter().filter(|d| !(retired && d.code == codes::SIZE_NOT_OFFERED_HERE)).cloned());
    merged.sort_by_key(|d| (d.range.start, d.range.end, d.code.number));
    merged
}

#[cfg(test)]
mod tests;
