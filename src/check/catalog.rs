//! The VM size and region catalog embedded from `data/` (see data/README.md for sources).

use crate::spec::kinds::ComputeKind;
use std::collections::HashMap;
use std::sync::OnceLock;

const VM_SIZES_TSV: &str = include_str!("../../data/vm-sizes.tsv");
const REGIONS_TSV: &str = include_str!("../../data/regions.tsv");

#[derive(Debug, Clone)]
pub struct VmSize {
    pub name: &'static str,
    pub family: &'static str,
    pub vcpus: u32,
    pub memory_gib: f64,
    pub gpus: u32,
    /// `None` for CPU-only sizes.
    pub gpu_model: Option<&'static str>,
    pub low_priority: bool,
    /// Which kinds may use it: ids as in `ComputeKind::id` (`amlcompute`, `aks`, …).
    pub kinds: Vec<&'static str>,
    /// Regions with data where the size is offered; empty means no data.
    pub regions: Vec<&'static str>,
    /// Retirement date (`YYYY-MM-DD`) for retired sizes.
    pub retired: Option<&'static str>,
    /// Sizes the Azure ML docs use most; completion lists them first.
    pub common: bool,
}

impl VmSize {
    pub fn offered_for(&self, kind: ComputeKind) -> bool {
        self.kinds.contains(&kind.id())
    }

    pub fn offered_in(&self, region: &str) -> bool {
        self.regions.iter().any(|r| r.eq_ignore_ascii_case(region))
    }

    /// "4 vCPUs · 14 GiB" or "6 vCPUs · 112 GiB · 1× V100 16GB".
    pub fn summary(&self) -> String {
        let mem = if self.memory_gib.fract() == 0.0 {
            format!("{}", self.memory_gib as i64)
        } else {
            format!("{}", self.memory_gib)
        };
        let mut s = format!("{} vCPU{} · {mem} GiB", self.vcpus, if self.vcpus == 1 { "" } else { "s" });
        if self.gpus > 0 {
            s.push_str(&format!(" · {}× {}", self.gpus, self.gpu_model.unwrap_or("GPU")));
        }
        s
    }
}

#[derive(Debug, Clone)]
pub struct Region {
    pub name: &'static str,
    pub display_name: &'static str,
    pub geography: &'static str,
    /// Whether the catalog knows which sizes this region offers.
    pub availability_known: bool,
}

#[derive(Debug)]
pub struct Catalog {
    pub sizes: Vec<VmSize>,
    by_lower_name: HashMap<String, usize>,
    pub regions: Vec<Region>,
}

impl Catalog {
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::parse(VM_SIZES_TSV, REGIONS_TSV))
    }

    fn parse(sizes_tsv: &'static str, regions_tsv: &'static str) -> Catalog {
        let dash = |s: &'static str| if s == "-" || s.is_empty() { None } else { Some(s) };
        let sizes: Vec<VmSize> = sizes_tsv
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(|line| {
                let c: Vec<&'static str> = line.split('\t').collect();
                if c.len() < 11 {
                    return None;
                }
                Some(VmSize {
                    name: c[0],
                    family: c[1],
                    vcpus: c[2].parse().ok()?,
                    memory_gib: c[3].parse().ok()?,
                    gpus: c[4].parse().ok()?,
                    gpu_model: dash(c[5]),
                    low_priority: c[6] == "yes",
                    kinds: c[7].split(',').filter(|k| !k.is_empty() && *k != "-").collect(),
                    regions: dash(c[8]).map(|r| r.split(' ').collect()).unwrap_or_default(),
                    retired: dash(c[9]),
                    common: c[10] == "yes",
                })
            })
            .collect();
        let by_lower_name = sizes.iter().enumerate().map(|(i, s)| (s.name.to_ascii_lowercase(), i)).collect();
        let regions = regions_tsv
            .lines()
            .skip(1)
            .filter_map(|line| {
                let c: Vec<&'static str> = line.split('\t').collect();
                (c.len() >= 4).then(|| Region {
                    name: c[0],
                    display_name: c[1],
                    geography: c[2],
                    availability_known: c[3] == "yes",
                })
            })
            .collect();
        Catalog { sizes, by_lower_name, regions }
    }

    /// A size by name, case-insensitively (the service accepts `STANDARD_DS3_V2`).
    pub fn size(&self, name: &str) -> Option<&VmSize> {
        self.by_lower_name.get(&name.trim().to_ascii_lowercase()).map(|&i| &self.sizes[i])
    }

    /// A region by its name (`eastus`), or by its display name (`East US`), which the
    /// service also accepts.
    pub fn region(&self, name: &str) -> Option<&Region> {
        let squashed: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        self.regions.iter().find(|r| r.name.eq_ignore_ascii_case(&squashed))
    }

    /// Why a region name is not one the catalog knows, with a did-you-mean; `None` when it is
    /// known. One wording for a spec's `location` and for a `--location` argument.
    pub fn unknown_region_message(&self, name: &str) -> Option<String> {
        if self.region(name).is_some() {
            return None;
        }
        let mut message = format!(
            "`{name}` is not an Azure region name aml-compute-ls knows; region names look like `eastus` or `westeurope`."
        );
        if let Some(first) = self.region_suggestions(name).first() {
            message.push_str(&format!(" Did you mean `{first}`?"));
        }
        Some(message)
    }

    /// The known region names closest to a mistyped one, best first.
    pub fn region_suggestions(&self, name: &str) -> Vec<&'static str> {
        crate::check::suggest::closest(name, self.regions.iter().map(|r| r.name), 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_loads_every_row() {
        let catalog = Catalog::get();
        let rows = VM_SIZES_TSV.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
        assert_eq!(catalog.sizes.len(), rows, "a row failed to parse");
        let ds3 = catalog.size("STANDARD_DS3_V2").unwrap();
        assert_eq!((ds3.vcpus, ds3.memory_gib), (4, 14.0));
        assert!(ds3.offered_for(ComputeKind::AmlCompute));
        assert!(catalog.region("East US").is_some());
        assert!(catalog.regions.iter().any(|r| r.availability_known));
    }

    #[test]
    fn every_region_named_by_a_size_is_a_known_region() {
        let catalog = Catalog::get();
        for size in &catalog.sizes {
            for r in &size.regions {
                let region = catalog.region(r).unwrap_or_else(|| panic!("{} names unknown region {r}", size.name));
                assert!(region.availability_known, "{r} has sizes but is not marked availability_known");
            }
        }
    }
}
