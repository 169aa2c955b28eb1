//! The emulator's own wire types, written from the ARM REST spec for
//! `Microsoft.MachineLearningServices` (2024-04-01 .. 2025-12-01) and the recorded traffic in
//! `corpus/real/recordings`. They are deliberately not shared with `crate::arm`, so the client
//! and the emulator can only agree by both matching the service.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub const PROVIDER: &str = "Microsoft.MachineLearningServices";
pub const COMPUTE_RESOURCE_TYPE: &str = "Microsoft.MachineLearningServices/workspaces/computes";
pub const WORKSPACE_RESOURCE_TYPE: &str = "Microsoft.MachineLearningServices/workspaces";

/// The common-types v3 `ErrorDetail`: `code`, `message`, `target`, `details`, `additionalInfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

impl ErrorDetail {
    pub fn new(code: &str, message: impl Into<String>) -> ErrorDetail {
        ErrorDetail { code: code.to_string(), message: message.into(), target: None, details: Vec::new() }
    }
}

/// `{"error": ErrorDetail}`: the envelope ARM itself (auth, throttling, routing) replies with, and
/// the element type of `provisioningErrors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorDetail,
}

/// The richer envelope the compute resource provider (`machinelearningcompute`) replies with for
/// its own validation errors, as in the `compute_instance_with_no_public_ip` cassette. It is a
/// superset of [`ErrorResponse`], so clients that read `error.code`/`error.message` work with both.
pub fn rp_error_body(detail: &ErrorDetail, location: &str) -> Value {
    json!({
        "error": {
            "code": detail.code,
            "severity": null,
            "message": detail.message,
            "messageFormat": null,
            "messageParameters": null,
            "referenceCode": null,
            "detailsUri": null,
            "target": detail.target,
            "details": detail.details,
            "innerError": null,
            "debugInfo": null,
            "additionalInfo": null,
        },
        "correlation": { "operation": random_hex(32), "request": random_hex(16) },
        "environment": location,
        "location": location,
        "time": now_iso(),
        "componentName": "machinelearningcompute",
    })
}

/// The body of `GET …/computeOperationsStatus/{id}` (ARM's Azure-AsyncOperation resource).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationStatus {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

/// `{value: [...], nextLink}` as every ARM list returns it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub value: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// One entry of `…/locations/{loc}/vmSizes`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualMachineSize {
    pub name: String,
    pub family: String,
    #[serde(rename = "vCPUs")]
    pub v_cpus: u32,
    pub gpus: u32,
    #[serde(rename = "osVhdSizeMB")]
    pub os_vhd_size_mb: u64,
    #[serde(rename = "maxResourceVolumeMB")]
    pub max_resource_volume_mb: u64,
    #[serde(rename = "memoryGB")]
    pub memory_gb: f64,
    pub low_priority_capable: bool,
    #[serde(rename = "premiumIO")]
    pub premium_io: bool,
    #[serde(rename = "estimatedVMPrices")]
    pub estimated_vm_prices: EstimatedVmPrices,
    pub supported_compute_types: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EstimatedVmPrices {
    pub billing_currency: String,
    pub unit_of_measure: String,
    pub values: Vec<EstimatedVmPrice>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EstimatedVmPrice {
    pub retail_price: f64,
    pub os_type: String,
    pub vm_tier: String,
}

/// One entry of `…/locations/{loc}/usages`, shaped as the live Az PowerShell recording.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub unit: String,
    pub current_value: i64,
    pub limit: i64,
    pub name: UsageName,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageName {
    pub value: String,
    pub localized_value: String,
}

/// Milliseconds since the Unix epoch. Pending transitions are stored in wall-clock time so
/// that they survive a restart of the emulator with a state file.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// The service's timestamp format: `2023-01-25T22:55:02.345922+00:00`.
pub fn now_iso() -> String {
    let micros = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0);
    iso_from_micros(micros)
}

pub fn iso_from_micros(micros: u64) -> String {
    let secs = micros / 1_000_000;
    let frac = micros % 1_000_000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:06}+00:00", rem / 3600, (rem / 60) % 60, rem % 60)
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// 64 random bits from the standard library's per-process random hasher keys.
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u64(now_ms());
    h.finish()
}

pub fn random_hex(len: usize) -> String {
    let mut s = String::with_capacity(len + 16);
    while s.len() < len {
        s.push_str(&format!("{:016x}", random_u64()));
    }
    s.truncate(len);
    s
}

/// A version-4-shaped GUID.
pub fn new_guid() -> String {
    let h = random_hex(32);
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits, as ARM requires of a subscription id.
pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    parts.len() == 5 && parts.iter().zip(lens).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_use_the_service_format() {
        assert_eq!(iso_from_micros(0), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(iso_from_micros(1_674_687_302_345_922), "2023-01-25T22:55:02.345922+00:00");
    }

    #[test]
    fn generated_guids_are_guids() {
        let g = new_guid();
        assert!(is_guid(&g), "{g}");
        assert_ne!(g, new_guid());
        assert!(!is_guid("not-a-guid"));
    }
}
