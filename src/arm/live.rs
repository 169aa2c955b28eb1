//! The ARM calls behind live workspace checks: the VM sizes a region offers to Azure ML with
//! their estimated prices, a region's quota usage, whether a compute name is available, and
//! the workspace's computes and region. Results are typed; failures are [`ArmError`]s.
//!
//! Wire shapes:
//! - `GET …/locations/{loc}/vmSizes`: the REST spec's `VirtualMachineSizeListResult` (2025-12-01;
//!   example `VirtualMachineSize__list`), each entry with `estimatedVMPrices`
//!   (`billingCurrency`, `unitOfMeasure`, `values[{retailPrice, osType, vmTier}]`) and
//!   `supportedComputeTypes`;
//! - `GET …/locations/{loc}/usages`: `ListUsagesResult` (example `Usage__list`, and the live
//!   Az PowerShell recording `Get-AzMLServiceUsage`);
//! - `POST …/workspaces/{ws}/checkComputeNameAvailability`: not in the published REST spec. The
//!   v1 SDK (`azureml-core`, `ComputeInstance._validate_name`) posts `{"Name", "Type"}` and
//!   reads `nameAvailable`, `reason` and `message`; ARM's common `CheckNameAvailabilityResponse`
//!   (common-types v3) has the same fields, with `reason` `Invalid` or `AlreadyExists`. The type
//!   sent is the v1 SDK's, `Microsoft.BatchAI/DataScienceInstance`, for an instance, and the
//!   compute type otherwise (nothing documents other values).

use reqwest::Method;
use serde_json::{Value, json};

use super::client::ArmClient;
use super::computes::{Compute, Usage, VmSizeInfo};
use super::error::ArmError;
use super::ids::{Location, SubscriptionId, WorkspaceId, location_path};
use super::workspace::Workspace;

/// One estimated price of a size: per `unit_of_measure` (`OneHour`), in the list's currency.
#[derive(Clone, Debug, PartialEq)]
pub struct VmPrice {
    pub retail_price: f64,
    /// `Linux` or `Windows`.
    pub os_type: String,
    /// `Standard` (dedicated) or `LowPriority`.
    pub vm_tier: String,
}

/// `estimatedVMPrices` of a size.
#[derive(Clone, Debug, PartialEq)]
pub struct VmPrices {
    pub billing_currency: String,
    pub unit_of_measure: String,
    pub values: Vec<VmPrice>,
}

impl VmPrices {
    /// The price for an OS and tier (`Standard`, `LowPriority`), if listed.
    pub fn find(&self, os_type: &str, vm_tier: &str) -> Option<f64> {
        self.values
            .iter()
            .find(|p| p.os_type.eq_ignore_ascii_case(os_type) && p.vm_tier.eq_ignore_ascii_case(vm_tier))
            .map(|p| p.retail_price)
    }
}

/// A size a region offers to Azure ML, with its estimated prices when the service gave them.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionVmSize {
    pub info: VmSizeInfo,
    pub prices: Option<VmPrices>,
}

impl RegionVmSize {
    pub fn from_json(v: &Value) -> RegionVmSize {
        let prices = v.get("estimatedVMPrices").filter(|p| p.is_object()).map(|p| VmPrices {
            billing_currency: p.get("billingCurrency").and_then(Value::as_str).unwrap_or("USD").to_string(),
            unit_of_measure: p.get("unitOfMeasure").and_then(Value::as_str).unwrap_or("OneHour").to_string(),
            values: p
                .get("values")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|e| {
                            Some(VmPrice {
                                retail_price: e.get("retailPrice")?.as_f64()?,
                                os_type: e.get("osType").and_then(Value::as_str).unwrap_or("Linux").to_string(),
                                vm_tier: e.get("vmTier").and_then(Value::as_str).unwrap_or("Standard").to_string(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
        });
        RegionVmSize { info: VmSizeInfo::from_json(v), prices }
    }
}

/// The answer of `checkComputeNameAvailability`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameAvailability {
    pub available: bool,
    /// `Invalid` or `AlreadyExists` when not available.
    pub reason: Option<String>,
    pub message: Option<String>,
}

impl NameAvailability {
    pub fn from_json(v: &Value) -> NameAvailability {
        let text = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
        NameAvailability {
            // A reply without the field says nothing against the name.
            available: v.get("nameAvailable").and_then(Value::as_bool).unwrap_or(true),
            reason: text("reason"),
            message: text("message"),
        }
    }
}

/// The `Type` the name check sends for a compute type (`ComputeInstance`, `AmlCompute`, …).
pub fn availability_type(compute_type: &str) -> &str {
    if compute_type.eq_ignore_ascii_case("ComputeInstance") {
        "Microsoft.BatchAI/DataScienceInstance"
    } else {
        compute_type
    }
}

impl ArmClient {
    /// The VM sizes Azure ML offers in a region, with their estimated prices.
    pub async fn list_region_vm_sizes(
        &self,
        subscription_id: &str,
        location: &str,
    ) -> Result<Vec<RegionVmSize>, ArmError> {
        let path = location_path(&SubscriptionId::parse(subscription_id)?, &Location::parse(location)?);
        let url = self.with_api_version(&format!("{}{path}/vmSizes", self.endpoint()));
        let items = self.list_paged(url).await?;
        Ok(items.iter().map(RegionVmSize::from_json).collect())
    }

    /// A region's quota usage (the same call as [`ArmClient::list_usages`]).
    pub async fn region_usages(&self, subscription_id: &str, location: &str) -> Result<Vec<Usage>, ArmError> {
        self.list_usages(subscription_id, location).await
    }

    /// Whether `name` is free for a compute of `compute_type` (see the module doc for the wire
    /// shape). The name is sent in the body, never in the URL, so it needs no segment rule.
    pub async fn check_compute_name_availability(
        &self,
        ws: &Workspace,
        name: &str,
        compute_type: &str,
    ) -> Result<NameAvailability, ArmError> {
        let url = self.with_api_version(&format!(
            "{}{}/checkComputeNameAvailability",
            self.endpoint(),
            WorkspaceId::parse(ws)?.path()
        ));
        let body = json!({"Name": name, "Type": availability_type(compute_type)});
        let reply = self.send(Method::POST, &url, Some(&body)).await?;
        Ok(NameAvailability::from_json(&reply.body))
    }

    /// Every compute of the workspace (the same call as [`ArmClient::list_computes`]).
    pub async fn workspace_computes(&self, ws: &Workspace) -> Result<Vec<Compute>, ArmError> {
        self.list_computes(ws).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_from_the_spec_example_shape() {
        let v = json!({"name": "Standard_DS1_v2", "family": "standardDSv2Family", "vCPUs": 1, "lowPriorityCapable": true,
            "estimatedVMPrices": {"billingCurrency": "USD", "unitOfMeasure": "OneHour", "values": [
                {"retailPrice": 0.13, "osType": "Windows", "vmTier": "Standard"},
                {"retailPrice": 0.01, "osType": "Linux", "vmTier": "LowPriority"},
                {"retailPrice": 0.07, "osType": "Linux", "vmTier": "Standard"}]},
            "supportedComputeTypes": ["AmlCompute", "ComputeInstance", "MIR"]});
        let size = RegionVmSize::from_json(&v);
        let prices = size.prices.unwrap();
        assert_eq!((prices.find("linux", "standard"), prices.find("Linux", "LowPriority")), (Some(0.07), Some(0.01)));
        assert_eq!(prices.find("Windows", "LowPriority"), None);
        assert!(size.info.supports("computeinstance"));
        assert_eq!(RegionVmSize::from_json(&json!({"name": "x"})).prices, None);
    }

    #[test]
    fn an_answer_without_the_flag_does_not_refuse_the_name() {
        let taken =
            NameAvailability::from_json(&json!({"nameAvailable": false, "reason": "AlreadyExists", "message": "m"}));
        assert_eq!((taken.available, taken.reason.as_deref()), (false, Some("AlreadyExists")));
        assert!(NameAvailability::from_json(&json!({})).available);
        assert_eq!(availability_type("ComputeInstance"), "Microsoft.BatchAI/DataScienceInstance");
        assert_eq!(availability_type("AmlCompute"), "AmlCompute");
    }
}
