//! Fetching the workspace facts a spec's live checks need, through `arm::live` and the shared
//! cache. The workspace's compute list is required (without it there is nothing to say, and
//! its error, say no sign-in or a 403, is the one status a host shows); the region's sizes and
//! usages and the name check are optional: a refused call leaves its part out, quietly (issue
//! 11: "where that call is refused, fall back quietly to the workspace's own list").

use super::cache::LiveCache;
use super::facts::{SpecFacts, WorkspaceFacts};
use crate::arm::{ArmClient, ArmError, Location, Workspace};
use crate::spec::kinds::ComputeKind;

/// The cache key of a workspace: the endpoint and its ARM id (the emulator and Azure differ).
pub fn workspace_key(client: &ArmClient, ws: &Workspace) -> String {
    format!("{}{}", client.endpoint(), ws.arm_id()).to_ascii_lowercase()
}

/// The facts for `spec` in `ws`.
pub async fn workspace_facts(
    cache: &LiveCache,
    client: &ArmClient,
    ws: &Workspace,
    spec: &SpecFacts,
) -> Result<WorkspaceFacts, ArmError> {
    let key = workspace_key(client, ws);
    let computes = cache.computes(&key, || client.list_computes(ws)).await?;
    let ws_region = cache.workspace_region(&key, || client.get_workspace_location(ws)).await?;
    // A cluster may live in another region than its workspace (`location`); everything else
    // is created in the workspace's region.
    let region = match (&spec.kind, &spec.location) {
        (ComputeKind::AmlCompute, Some(location)) => match Location::parse(&location.value) {
            Ok(l) => l.as_str().to_string(),
            Err(_) => ws_region.to_string(),
        },
        _ => ws_region.to_string(),
    };
    let scope = format!("{}/subscriptions/{}", client.endpoint(), ws.subscription_id);
    let (mut vm_sizes, mut usages, mut name_availability) = (None, None, None);
    if spec.uses_ml_sizes() {
        vm_sizes = cache
            .vm_sizes(&scope, &region, || client.list_region_vm_sizes(&ws.subscription_id, &region))
            .await
            .ok()
            .map(|s| s.as_ref().clone());
        usages = cache
            .usages(&scope, &region, || client.region_usages(&ws.subscription_id, &region))
            .await
            .ok()
            .map(|u| u.as_ref().clone());
        if let Some(name) = &spec.name
            && !computes.iter().any(|c| c.name.eq_ignore_ascii_case(&name.value))
        {
            let compute_type = spec.compute_type();
            name_availability = cache
                .name_availability(&key, &name.value, compute_type, || {
                    client.check_compute_name_availability(ws, &name.value, compute_type)
                })
                .await
                .ok()
                .flatten()
                .map(|a| a.as_ref().clone());
        }
    }
    Ok(WorkspaceFacts {
        workspace: ws.workspace_name.clone(),
        region,
        computes: computes.as_ref().clone(),
        vm_sizes,
        usages,
        name_availability,
    })
}
