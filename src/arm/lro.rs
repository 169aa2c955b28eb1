//! Long-running operations: PUT, DELETE and instance actions answer at once and finish later.
//! We follow `Azure-AsyncOperation` (else `Location`, else the resource's own
//! `provisioningState`), honour `Retry-After`, and stop at a terminal state, the LRO timeout or
//! the caller's cancel signal.

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::client::{ArmClient, Reply, retry_after};
use super::computes::{Compute, collect_error};
use super::error::{ArmError, ErrorDetail};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpKind {
    CreateOrUpdate,
    Delete,
    Action,
}

/// One status report while waiting.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationStatus {
    /// As Azure spells it: InProgress, Succeeded, Failed, Canceled, Creating, …
    pub status: String,
    pub percent_complete: Option<f64>,
    pub elapsed: Duration,
}

/// How the operation is followed.
#[derive(Clone, Debug)]
enum Tracker {
    /// `Azure-AsyncOperation`: a status document `{status, percentComplete, error}`.
    AsyncOperation(String),
    /// `Location`: 202 while running, 200/204 when done.
    Location(String),
    /// No header: the resource's provisioningState (PUT) or its disappearance (DELETE).
    Resource,
    /// Finished in the first reply.
    Done,
}

/// A started long-running operation.
pub struct Operation {
    client: ArmClient,
    kind: OpKind,
    resource_url: String,
    name: String,
    tracker: Tracker,
    first_wait: Option<Duration>,
    initial_body: Value,
}

impl std::fmt::Debug for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operation").field("kind", &self.kind).field("name", &self.name).finish_non_exhaustive()
    }
}

impl Operation {
    pub(crate) fn from_reply(client: ArmClient, kind: OpKind, resource_url: String, name: &str, reply: Reply) -> Self {
        let header = |h: &HeaderMap, n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
        let tracker = if let Some(url) = header(&reply.headers, "azure-asyncoperation") {
            Tracker::AsyncOperation(url)
        } else if let Some(url) = header(&reply.headers, "location") {
            Tracker::Location(url)
        } else {
            match (kind, reply.status) {
                (OpKind::Delete, StatusCode::NO_CONTENT) | (OpKind::Delete, StatusCode::OK) => Tracker::Done,
                (OpKind::CreateOrUpdate, _) if terminal(provisioning_state(&reply.body).as_deref()) => Tracker::Done,
                (OpKind::Action, StatusCode::OK) | (OpKind::Action, StatusCode::NO_CONTENT) => Tracker::Done,
                _ => Tracker::Resource,
            }
        };
        Operation {
            client,
            kind,
            resource_url,
            name: name.to_string(),
            tracker,
            first_wait: retry_after(&reply.headers),
            initial_body: reply.body,
        }
    }

    /// The URL polled for status (Azure-AsyncOperation, else Location), if Azure gave one.
    pub fn status_url(&self) -> Option<&str> {
        match &self.tracker {
            Tracker::AsyncOperation(u) | Tracker::Location(u) => Some(u),
            _ => None,
        }
    }

    /// The body of the first reply (for a PUT, the resource as accepted, e.g. `Creating`).
    pub fn initial_body(&self) -> &Value {
        &self.initial_body
    }

    /// Polls until a terminal state, the LRO timeout, or `cancel` resolves (then
    /// `Err(Cancelled)`: the operation continues in Azure). Calls `progress` with each status.
    /// On success of a create/update or an instance action, GETs and returns the compute; a
    /// delete returns None. A failed operation gives `ArmError::Provisioning` with every error
    /// from the status document and from the resource's `provisioningErrors`.
    pub async fn wait(
        self,
        progress: &mut (dyn FnMut(&OperationStatus) + Send),
        cancel: impl Future<Output = ()> + Send,
    ) -> Result<Option<Compute>, ArmError> {
        let started = Instant::now();
        let opts = self.client.options().clone();
        let deadline = started + opts.lro_timeout;
        tokio::pin!(cancel);

        let mut next_wait = match self.tracker {
            Tracker::Done => None,
            // A poll sooner than a huge Retry-After asks is harmless; a silent hour-long wait is not.
            _ => Some(self.first_wait.unwrap_or(opts.poll_interval).min(opts.max_retry_after)),
        };
        let mut last_status =
            Status { state: "InProgress".to_string(), percent: None, errors: Vec::new(), retry_after: None };
        if matches!(self.tracker, Tracker::Done) {
            last_status.state = match self.kind {
                OpKind::CreateOrUpdate => provisioning_state(&self.initial_body).unwrap_or_else(|| "Succeeded".into()),
                _ => "Succeeded".to_string(),
            };
        }
        while let Some(wait) = next_wait {
            let now = Instant::now();
            if now >= deadline {
                return Err(ArmError::Timeout {
                    waited: started.elapsed(),
                    what: format!("The operation on `{}` did not finish", self.name),
                });
            }
            let wait = wait.min(deadline - now);
            tokio::select! {
                biased;
                _ = &mut cancel => return Err(ArmError::Cancelled),
                _ = tokio::time::sleep(wait) => {}
            }
            let status = tokio::select! {
                biased;
                _ = &mut cancel => return Err(ArmError::Cancelled),
                s = self.poll() => s?,
            };
            progress(&OperationStatus {
                status: status.state.clone(),
                percent_complete: status.percent,
                elapsed: started.elapsed(),
            });
            next_wait = if terminal(Some(&status.state)) {
                None
            } else {
                Some(status.retry_after.unwrap_or(opts.poll_interval).min(opts.max_retry_after))
            };
            last_status = status;
        }
        if matches!(self.tracker, Tracker::Done) {
            progress(&OperationStatus {
                status: last_status.state.clone(),
                percent_complete: Some(100.0),
                elapsed: started.elapsed(),
            });
        }
        self.finish(last_status).await
    }

    async fn finish(self, status: Status) -> Result<Option<Compute>, ArmError> {
        let succeeded = status.state.eq_ignore_ascii_case("Succeeded");
        if !succeeded {
            let mut errors = status.errors;
            // The resource's provisioningErrors hold what the status document may not.
            if self.kind != OpKind::Delete
                && let Ok(Some(compute)) = self.get_resource().await
            {
                for e in compute.provisioning_errors {
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                }
            }
            return Err(ArmError::Provisioning { state: status.state, errors });
        }
        match self.kind {
            OpKind::Delete => Ok(None),
            OpKind::CreateOrUpdate | OpKind::Action => {
                let compute = self.get_resource().await?.ok_or_else(|| ArmError::NotFound {
                    what: format!("Compute '{}' (the operation succeeded but the compute is gone)", self.name),
                })?;
                if compute.provisioning_state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("Failed")) {
                    return Err(ArmError::Provisioning {
                        state: "Failed".to_string(),
                        errors: compute.provisioning_errors.clone(),
                    });
                }
                Ok(Some(compute))
            }
        }
    }

    async fn get_resource(&self) -> Result<Option<Compute>, ArmError> {
        let url = self.client.with_api_version(&self.resource_url);
        match self.client.send(Method::GET, &url, None).await {
            Ok(reply) => Ok(Some(Compute::from_json(reply.body))),
            Err(ArmError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn poll(&self) -> Result<Status, ArmError> {
        match &self.tracker {
            Tracker::AsyncOperation(url) | Tracker::Location(url) => {
                let reply = self.client.send(Method::GET, url, None).await?;
                // A status document says InProgress until told otherwise; a Location URL
                // answers 202 while running and 200 or 204 when done, often with no body.
                let via_location = matches!(self.tracker, Tracker::Location(_));
                let default =
                    if via_location && reply.status != StatusCode::ACCEPTED { "Succeeded" } else { "InProgress" };
                let state = reply.body.get("status").and_then(Value::as_str).unwrap_or(default).to_string();
                let mut errors = Vec::new();
                if let Some(error) = reply.body.get("error") {
                    collect_error(error, &mut errors);
                }
                Ok(Status {
                    state,
                    percent: reply.body.get("percentComplete").and_then(Value::as_f64),
                    errors,
                    retry_after: retry_after(&reply.headers),
                })
            }
            Tracker::Resource => {
                let url = self.client.with_api_version(&self.resource_url);
                match self.client.send(Method::GET, &url, None).await {
                    Ok(reply) => {
                        let compute = Compute::from_json(reply.body);
                        let state = compute.provisioning_state.clone().unwrap_or_else(|| "InProgress".to_string());
                        let state = if self.kind == OpKind::Delete && terminal(Some(&state)) && state != "Failed" {
                            "Deleting".to_string()
                        } else {
                            state
                        };
                        Ok(Status {
                            state,
                            percent: None,
                            errors: compute.provisioning_errors,
                            retry_after: retry_after(&reply.headers),
                        })
                    }
                    Err(ArmError::NotFound { .. }) if self.kind == OpKind::Delete => Ok(Status {
                        state: "Succeeded".to_string(),
                        percent: Some(100.0),
                        errors: Vec::new(),
                        retry_after: None,
                    }),
                    Err(e) => Err(e),
                }
            }
            Tracker::Done => Ok(Status {
                state: "Succeeded".to_string(),
                percent: Some(100.0),
                errors: Vec::new(),
                retry_after: None,
            }),
        }
    }
}

struct Status {
    state: String,
    percent: Option<f64>,
    errors: Vec<ErrorDetail>,
    retry_after: Option<Duration>,
}

fn provisioning_state(body: &Value) -> Option<String> {
    body.pointer("/properties/provisioningState").and_then(Value::as_str).map(str::to_string)
}

fn terminal(state: Option<&str>) -> bool {
    state.is_some_and(|s| ["Succeeded", "Failed", "Canceled", "Cancelled"].iter().any(|t| t.eq_ignore_ascii_case(s)))
}
