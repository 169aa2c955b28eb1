//! Compute names across the emulator's workspaces: `POST …/workspaces/{ws}/checkComputeNameAvailability`
//! and the region-wide uniqueness a create must respect.
//!
//! Sources for the operation (it is not in the published REST spec, 2025-12-01 or earlier):
//! - the v1 SDK `azureml-core`, `azureml/core/compute/computeinstance.py`,
//!   `ComputeInstance._validate_name`: `POST {workspace}/checkComputeNameAvailability` with
//!   `api-version` = its `MLC_WORKSPACE_API_VERSION`, body
//!   `{"Name": name, "Type": "Microsoft.BatchAI/DataScienceInstance"}`; it reads `nameAvailable`,
//!   `reason` and `message` from the reply and refuses the name when `nameAvailable` is false;
//! - the Azure ML docs (how-to-create-manage-compute-instance.md) list the RBAC action
//!   `Microsoft.MachineLearningServices/workspaces/checkComputeNameAvailability/action` as
//!   needed to create a compute instance, and the monitoring reference lists the activity
//!   `CheckComputeNameAvailability`, "Check if a compute name is already in use";
//! - the reply's shape and `reason` values are ARM's common `CheckNameAvailabilityResponse`
//!   (common-types v3 `types.json`: `nameAvailable`, `reason` ∈ {`Invalid`, `AlreadyExists`},
//!   `message`); nothing documents which of them this operation fills, so the emulator fills all;
//! - region-wide uniqueness: the Studio form says a compute name "must be unique across all
//!   existing computes within an Azure region".

use super::state::{Store, ws_key};
use super::validate::{self, Rejection, canonical_compute_type};
use super::wire::ErrorDetail;
use serde_json::{Value, json};

/// What the emulator says when a name is taken (also in the 409 of a create).
pub const TAKEN_MESSAGE: &str = "Compute with this name already exists. Compute name needs to be unique across all \
     existing computes within an Azure region.";

/// Whether any compute of any workspace in `region` (any subscription) has `name`.
pub fn taken_in_region(store: &Store, name: &str, region: &str) -> bool {
    store.computes.values().any(|c| {
        c.name.eq_ignore_ascii_case(name)
            && store
                .workspaces
                .get(&ws_key(&c.subscription, &c.resource_group, &c.workspace))
                .is_some_and(|w| super::state::same_region(&w.location, region))
    })
}

/// The body value under `key`, matched without regard to case (the v1 SDK sends `Name`).
fn field<'a>(body: &'a Value, key: &str) -> Option<&'a Value> {
    body.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

/// The `checkComputeNameAvailability` reply for a request body in the workspace's `region`.
pub fn check_availability(store: &Store, region: &str, body: &[u8]) -> Result<Value, Rejection> {
    let bad = |message: String| Rejection { status: 400, detail: ErrorDetail::new("BadRequest", message) };
    let request: Value = serde_json::from_slice(body)
        .map_err(|e| bad(format!("The request content was invalid and could not be deserialized: {e}")))?;
    let Some(name) = field(&request, "name").and_then(Value::as_str) else {
        return Err(bad("The request body must have a string 'Name', the compute name to check.".to_string()));
    };
    let compute_type = field(&request, "type").and_then(Value::as_str).and_then(|t| {
        if t.eq_ignore_ascii_case("Microsoft.BatchAI/DataScienceInstance") {
            Some("ComputeInstance")
        } else {
            canonical_compute_type(t.rsplit('/').next().unwrap_or(t))
        }
    });
    if let Err(r) = validate::check_name(name, compute_type) {
        return Ok(json!({"nameAvailable": false, "reason": "Invalid", "message": r.detail.message}));
    }
    if taken_in_region(store, name, region) {
        return Ok(json!({"nameAvailable": false, "reason": "AlreadyExists", "message": TAKEN_MESSAGE}));
    }
    Ok(json!({"nameAvailable": true, "reason": null, "message": null}))
}
