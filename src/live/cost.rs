//! What the compute would cost, from `estimatedVMPrices` of the region's `vmSizes` list (REST
//! spec 2025-12-01, `VirtualMachineSize.estimatedVMPrices`: `billingCurrency`, `unitOfMeasure`,
//! and a retail price per OS and tier). The service calls them estimates and so do we. When
//! not connected, the offline catalog's prices stand in, with their date (data/README.md: the
//! Azure retail price snapshot). This is data for a hover or a code lens, not a finding.

use super::facts::{SpecFacts, WorkspaceFacts};
use crate::check::catalog::{Catalog, usd};
use crate::spec::kinds::ComputeKind;
use crate::syntax::text::TextRange;

/// The estimated cost of the compute a spec describes, in the currency the service gave.
#[derive(Clone, Debug, PartialEq)]
pub struct CostEstimate {
    pub size: String,
    pub region: String,
    /// `USD`, as `billingCurrency` says.
    pub currency: String,
    /// `OneHour`, as `unitOfMeasure` says.
    pub unit: String,
    /// `Standard` (dedicated) or `LowPriority`, as `vmTier` says.
    pub tier: String,
    pub per_node: f64,
    /// Cluster node counts; an instance is one node.
    pub min_nodes: i64,
    pub max_nodes: i64,
    /// Where a hover or lens shows it: the size, else the name.
    pub anchor: TextRange,
    pub source: PriceSource,
}

/// Where the prices come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PriceSource {
    /// The region's `vmSizes` list, read now.
    Region,
    /// The offline catalog's snapshot, of this date (`YYYY-MM-DD`).
    Catalog { prices_of: &'static str },
}

impl CostEstimate {
    pub fn at_min(&self) -> f64 {
        self.per_node * self.min_nodes as f64
    }

    pub fn at_max(&self) -> f64 {
        self.per_node * self.max_nodes as f64
    }

    fn amount(&self, value: f64) -> String {
        if self.currency.eq_ignore_ascii_case("USD") { usd(value) } else { format!("{value:.2} {}", self.currency) }
    }

    /// "Estimated cost (USD, Linux, dedicated): $0.23/h per node, $0/h at 0 nodes, $0.92/h at 4
    /// nodes of Standard_DS3_v2 in eastus".
    pub fn text(&self) -> String {
        let per =
            if self.unit.eq_ignore_ascii_case("OneHour") { "/h".to_string() } else { format!(" per {}", self.unit) };
        let tier = if self.tier.eq_ignore_ascii_case("LowPriority") { "low priority" } else { "dedicated" };
        let mut text =
            format!("Estimated cost ({}, Linux, {tier}): {}{per} per node", self.currency, self.amount(self.per_node));
        if self.max_nodes != 1 || self.min_nodes != 1 {
            text.push_str(&format!(
                ", {}{per} at {} node{}, {}{per} at {} node{}",
                self.amount(self.at_min()),
                self.min_nodes,
                if self.min_nodes == 1 { "" } else { "s" },
                self.amount(self.at_max()),
                self.max_nodes,
                if self.max_nodes == 1 { "" } else { "s" }
            ));
        }
        let source = match &self.source {
            PriceSource::Region => "the service's estimate".to_string(),
            PriceSource::Catalog { prices_of } => format!("catalog estimate, prices of {prices_of}; not connected"),
        };
        text.push_str(&format!(" of {} in {} ({source}; actual bills differ)", self.size, self.region));
        text
    }
}

/// The estimate for a spec, when the region lists its size with a price for its tier.
pub fn estimate(spec: &SpecFacts, facts: &WorkspaceFacts) -> Option<CostEstimate> {
    if !spec.uses_ml_sizes() {
        return None;
    }
    let (size_name, _, _) = spec.size_or_default();
    let listed = facts.vm_size(size_name)?;
    let prices = listed.prices.as_ref()?;
    let tier = if spec.low_priority && spec.kind == ComputeKind::AmlCompute { "LowPriority" } else { "Standard" };
    let per_node = prices.find("Linux", tier)?;
    let (min_nodes, max_nodes) = spec.node_counts();
    Some(CostEstimate {
        size: listed.info.name.clone(),
        region: facts.region.clone(),
        currency: prices.billing_currency.clone(),
        unit: prices.unit_of_measure.clone(),
        tier: tier.to_string(),
        per_node,
        min_nodes,
        max_nodes,
        anchor: spec.size.as_ref().map_or(spec.anchor, |s| s.range),
        source: PriceSource::Region,
    })
}

/// The estimate from the offline catalog, for when the workspace cannot be read: the region is
/// the spec's `location` or the host's default; Linux prices, USD per hour.
pub fn offline_estimate(spec: &SpecFacts, region: &str) -> Option<CostEstimate> {
    if !spec.uses_ml_sizes() {
        return None;
    }
    let catalog = Catalog::get();
    let region = spec.location.as_ref().filter(|_| spec.kind == ComputeKind::AmlCompute).map_or(region, |l| &l.value);
    let size = catalog.size(spec.size_or_default().0)?;
    let price = catalog.price(size, region)?;
    let low = spec.low_priority && spec.kind == ComputeKind::AmlCompute;
    let (per_node, prices_of) = if low {
        (price.low_priority?, catalog.prices_of.low_priority_of)
    } else {
        (price.payg, catalog.prices_of.payg_of)
    };
    let (min_nodes, max_nodes) = spec.node_counts();
    Some(CostEstimate {
        size: size.name.to_string(),
        region: catalog.region(region).map_or(region, |r| r.name).to_string(),
        currency: "USD".into(),
        unit: "OneHour".into(),
        tier: if low { "LowPriority" } else { "Standard" }.into(),
        per_node,
        min_nodes,
        max_nodes,
        anchor: spec.size.as_ref().map_or(spec.anchor, |s| s.range),
        source: PriceSource::Catalog { prices_of },
    })
}
