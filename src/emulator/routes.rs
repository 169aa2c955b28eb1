//! Request handling: faults, auth, `api-version`, then the ARM routes for computes, async
//! operations, vmSizes and usages. Paths are parsed by hand because ARM matches its fixed
//! segments (`resourceGroups`, the provider namespace, …) case-insensitively.

use super::faults::{FaultsPatch, Injected};
use super::rest_schema::{self, RestSchema};
use super::state::{self, Operation, Step, StepAction, Store, StoredCompute, compute_key};
use super::validate::{self, Rejection};
use super::wire::{self, ErrorDetail, ErrorResponse, PROVIDER, Page, Usage, UsageName, VirtualMachineSize};
use super::{App, ConnKey};
use super::{immutable, names};
use crate::check::catalog::Catalog;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::sync::Arc;

const PAGE_SIZE: usize = 2;

/// A reply before it becomes an HTTP response.
pub struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Option<Value>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply { status, headers: Vec::new(), body: Some(body) }
    }

    fn empty(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: None }
    }

    /// ARM's own envelope: `{"error":{"code","message"}}`.
    fn arm_error(status: u16, code: &str, message: impl Into<String>) -> Reply {
        let body = ErrorResponse { error: ErrorDetail::new(code, message) };
        Reply::json(status, serde_json::to_value(body).unwrap_or(Value::Null))
    }

    /// The compute resource provider's envelope (a superset of ARM's).
    fn rp_error(rejection: Rejection, location: &str) -> Reply {
        Reply::json(rejection.status, wire::rp_error_body(&rejection.detail, location))
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match self.body {
            Some(body) => {
                let mut r = (status, body.to_string()).into_response();
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
                r
            }
            None => status.into_response(),
        };
        let headers = response.headers_mut();
        let request_id = wire::new_guid();
        for (name, value) in [("x-ms-request-id", &request_id), ("x-ms-correlation-request-id", &request_id)] {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.insert(name, v);
            }
        }
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        }
        response
    }
}

fn rejection(status: u16, code: &str, message: impl Into<String>) -> Rejection {
    Rejection { status, detail: ErrorDetail::new(code, message) }
}

/// A path segment with its `%XX` escapes decoded (a `+` is a plus sign in a path).
fn decode_segment(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// A query parameter (name compared without case), decoded as a form component (`+` is a space).
fn query_param(uri: &Uri, name: &str) -> Option<String> {
    url::form_urlencoded::parse(uri.query()?.as_bytes())
        .find_map(|(k, v)| k.eq_ignore_ascii_case(name).then(|| v.into_owned()))
}

#[derive(Debug, Clone, PartialEq)]
enum Route {
    Workspace { sub: String, rg: String, ws: String },
    Computes { sub: String, rg: String, ws: String },
    Compute { sub: String, rg: String, ws: String, name: String },
    Action { sub: String, rg: String, ws: String, name: String, action: String },
    NameAvailability { sub: String, rg: String, ws: String },
    VmSizes { sub: String, loc: String },
    Usages { sub: String, loc: String },
    OperationStatus { sub: String, id: String },
    OperationResult { sub: String, id: String },
}

impl Route {
    fn subscription(&self) -> &str {
        match self {
            Route::Workspace { sub, .. }
            | Route::Computes { sub, .. }
            | Route::Compute { sub, .. }
            | Route::Action { sub, .. }
            | Route::NameAvailability { sub, .. }
            | Route::VmSizes { sub, .. }
            | Route::Usages { sub, .. }
            | Route::OperationStatus { sub, .. }
            | Route::OperationResult { sub, .. } => sub,
        }
    }
}

fn parse_route(path: &str) -> Option<Route> {
    let segs: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(decode_segment).collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let is = |i: usize, lit: &str| s.get(i).is_some_and(|x| x.eq_ignore_ascii_case(lit));
    if !is(0, "subscriptions") || s.len() < 2 {
        return None;
    }
    let sub = s[1].to_string();
    if is(2, "resourceGroups") && is(4, "providers") && is(5, PROVIDER) && is(6, "workspaces") && s.len() >= 8 {
        let (rg, ws) = (s[3].to_string(), s[7].to_string());
        return match s.len() {
            8 => Some(Route::Workspace { sub, rg, ws }),
            9 if is(8, "computes") => Some(Route::Computes { sub, rg, ws }),
            9 if is(8, "checkComputeNameAvailability") => Some(Route::NameAvailability { sub, rg, ws }),
            10 if is(8, "computes") => Some(Route::Compute { sub, rg, ws, name: s[9].to_string() }),
            11 if is(8, "computes") && ["start", "stop", "restart"].iter().any(|a| is(10, a)) => {
                Some(Route::Action { sub, rg, ws, name: s[9].to_string(), action: s[10].to_ascii_lowercase() })
            }
            _ => None,
        };
    }
    if is(2, "providers") && is(3, PROVIDER) && is(4, "locations") && s.len() >= 7 {
        let loc = s[5].to_string();
        return match s.len() {
            7 if is(6, "vmSizes") => Some(Route::VmSizes { sub, loc }),
            7 if is(6, "usages") => Some(Route::Usages { sub, loc }),
            8 if is(6, "computeOperationsStatus") => Some(Route::OperationStatus { sub, id: s[7].to_string() }),
            8 if is(6, "computeOperationsResults") => Some(Route::OperationResult { sub, id: s[7].to_string() }),
            _ => None,
        };
    }
    None
}

/// Refuses a path that could name something other than what it spells: an empty, `.` or `..`
/// segment (raw or percent-encoded), an encoded `/` or `\`, or a resource group or workspace
/// that breaks ARM's rules (`arm::ids` has the rules and their sources). ARM treats such
/// paths as errors; a permissive emulator would hide a client that sends them.
fn check_path(path: &str) -> Result<(), Reply> {
    let raw: Vec<&str> = path.split('/').skip(1).collect();
    let bad = |message: String| Reply::arm_error(400, "InvalidRequestUri", message);
    for (i, seg) in raw.iter().enumerate() {
        let decoded = decode_segment(seg);
        let last_and_empty = seg.is_empty() && i + 1 == raw.len();
        if (seg.is_empty() && !last_and_empty) || decoded == "." || decoded == ".." || decoded.contains(['/', '\\']) {
            return Err(bad(format!(
                "The request path '{path}' has an empty, '.', '..' or encoded '/' segment; every segment must name a \
                 resource."
            )));
        }
    }
    let segs: Vec<String> = raw.iter().filter(|s| !s.is_empty()).map(|s| decode_segment(s)).collect();
    let at = |i: usize, lit: &str| segs.get(i).is_some_and(|x| x.eq_ignore_ascii_case(lit));
    if at(0, "subscriptions") && at(2, "resourceGroups") {
        let refuse = |r: Rejection| Reply::arm_error(r.status, &r.detail.code, r.detail.message);
        if let Some(rg) = segs.get(3) {
            validate::check_resource_group(rg).map_err(refuse)?;
        }
        if at(6, "workspaces")
            && let Some(ws) = segs.get(7)
        {
            validate::check_workspace_name(ws).map_err(refuse)?;
        }
        if at(8, "computes")
            && let Some(name) = segs.get(9)
        {
            validate::check_path_name(name).map_err(refuse)?;
        }
    }
    Ok(())
}

fn authorized(app: &App, headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer") && token.trim() == app.token
}

fn unauthorized(headers: &HeaderMap) -> Reply {
    let message = if headers.contains_key(header::AUTHORIZATION) {
        "The access token is invalid or has expired."
    } else {
        "Authentication failed. The 'Authorization' header is missing."
    };
    Reply::arm_error(401, "AuthenticationFailed", message)
        .header("www-authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/common\"")
}

/// The fallback handler: every ARM request lands here.
pub async fn arm(
    State(app): State<Arc<App>>,
    ConnectInfo(conn): ConnectInfo<ConnKey>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    app.log_request(method.as_str(), uri.path_and_query().map_or(uri.path(), |p| p.as_str()));
    let (slow, injected, forbidden) = {
        let mut inner = app.lock();
        (inner.faults.slow_reply, inner.faults.take_next(), inner.faults.forbid_all)
    };
    if let Some(delay) = slow {
        tokio::time::sleep(delay).await;
    }
    match injected {
        Injected::Drop => {
            conn.kill();
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        Injected::Throttle => {
            return Reply::arm_error(
                429,
                "TooManyRequests",
                "The request was throttled (injected by the emulator). Retry after the delay in Retry-After.",
            )
            .header("retry-after", "1")
            .into_response();
        }
        Injected::Fail => {
            return Reply::arm_error(
                500,
                "InternalServerError",
                "An internal error occurred (injected by the emulator).",
            )
            .into_response();
        }
        Injected::None => {}
    }
    if !authorized(&app, &headers) {
        return unauthorized(&headers).into_response();
    }
    if forbidden {
        return Reply::arm_error(
            403,
            "AuthorizationFailed",
            format!(
                "The client does not have authorization to perform action over scope '{}' or the scope is invalid \
                 (injected by the emulator).",
                uri.path()
            ),
        )
        .into_response();
    }
    let Some(api_version) = query_param(&uri, "api-version").filter(|v| !v.trim().is_empty()) else {
        return Reply::arm_error(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
        .into_response();
    };
    if let Err(refusal) = check_path(uri.path()) {
        return refusal.into_response();
    }
    let Some(route) = parse_route(uri.path()) else {
        return Reply::arm_error(
            404,
            "InvalidResourceType",
            format!("The resource type for '{}' could not be found in the namespace '{PROVIDER}'.", uri.path()),
        )
        .into_response();
    };
    if !wire::is_guid(route.subscription()) {
        return Reply::arm_error(
            404,
            "SubscriptionNotFound",
            format!("The subscription '{}' could not be found.", route.subscription()),
        )
        .into_response();
    }
    let ctx = Ctx { app: &app, api_version, uri: &uri };
    let mut inner = app.lock();
    let now = wire::now_ms();
    let mut dirty = inner.store.advance(now);
    let failing: Vec<String> = inner.faults.fail_provisioning_for.clone();
    let reply = ctx.dispatch(&mut inner.store, &mut dirty, &method, route, &body, &failing, now);
    if dirty {
        app.persist(&inner.store);
    }
    reply.into_response()
}

struct Ctx<'a> {
    app: &'a App,
    api_version: String,
    uri: &'a Uri,
}

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn dispatch(
        &self,
        store: &mut Store,
        dirty: &mut bool,
        method: &Method,
        route: Route,
        body: &[u8],
        failing: &[String],
        now: u64,
    ) -> Reply {
        let not_allowed =
            || Reply::arm_error(405, "MethodNotAllowed", format!("The HTTP method '{method}' is not supported here."));
        match route {
            Route::Workspace { sub, rg, ws } if method == Method::PUT => {
                self.put_workspace(store, dirty, &sub, &rg, &ws, body)
            }
            Route::Workspace { sub, rg, ws } => {
                if method != Method::GET {
                    return not_allowed();
                }
                let key = self.workspace(store, dirty, &sub, &rg, &ws);
                Reply::json(200, store.workspaces[&key].to_resource())
            }
            Route::Computes { sub, rg, ws } => {
                if method != Method::GET {
                    return not_allowed();
                }
                let key = self.workspace(store, dirty, &sub, &rg, &ws);
                self.list(store, &key)
            }
            Route::Compute { sub, rg, ws, name } => {
                let key = self.workspace(store, dirty, &sub, &rg, &ws);
                match *method {
                    Method::GET => self.get(store, &key, &name),
                    Method::PUT => self.put(store, dirty, &key, &name, body, failing, now),
                    Method::DELETE => self.delete(store, dirty, &key, &name, now),
                    _ => not_allowed(),
                }
            }
            Route::Action { sub, rg, ws, name, action } => {
                if method != Method::POST {
                    return not_allowed();
                }
                let key = self.workspace(store, dirty, &sub, &rg, &ws);
                self.action(store, dirty, &key, &name, &action, now)
            }
            Route::NameAvailability { sub, rg, ws } => {
                if method != Method::POST {
                    return not_allowed();
                }
                let key = self.workspace(store, dirty, &sub, &rg, &ws);
                let location = store.workspaces[&key].location.clone();
                match names::check_availability(store, &location, body) {
                    Ok(answer) => Reply::json(200, answer),
                    Err(r) => Reply::rp_error(r, &location),
                }
            }
            Route::VmSizes { loc, .. } => {
                if method != Method::GET {
                    return not_allowed();
                }
                Reply::json(200, serde_json::to_value(vm_sizes(&loc)).unwrap_or(Value::Null))
            }
            Route::Usages { sub, loc } => {
                if method != Method::GET {
                    return not_allowed();
                }
                Reply::json(200, serde_json::to_value(usages(store, &sub, &loc)).unwrap_or(Value::Null))
            }
            Route::OperationStatus { sub, id } | Route::OperationResult { sub, id } if method != Method::GET => {
                let _ = (sub, id);
                not_allowed()
            }
            Route::OperationStatus { sub, id } => match store.operations.get(&id) {
                Some(op) if op.subscription.eq_ignore_ascii_case(&sub) => {
                    let status = op.status(now);
                    let mut reply = Reply::json(200, serde_json::to_value(&status).unwrap_or(Value::Null));
                    if status.status == "InProgress" {
                        reply = reply.header("retry-after", "1");
                    }
                    reply
                }
                _ => Reply::arm_error(404, "NotFound", format!("The operation '{id}' was not found.")),
            },
            Route::OperationResult { sub, id } => match store.operations.get(&id) {
                Some(op) if op.subscription.eq_ignore_ascii_case(&sub) => {
                    let status = op.status(now);
                    match (status.status.as_str(), status.error) {
                        ("InProgress", _) => Reply::empty(202)
                            .header("location", self.operation_url(op, "computeOperationsResults"))
                            .header("retry-after", "1"),
                        (_, Some(error)) => {
                            Reply::json(400, serde_json::to_value(ErrorResponse { error }).unwrap_or(Value::Null))
                        }
                        _ => Reply::empty(200),
                    }
                }
                _ => Reply::arm_error(404, "NotFound", format!("The operation '{id}' was not found.")),
            },
        }
    }

    fn workspace(&self, store: &mut Store, dirty: &mut bool, sub: &str, rg: &str, ws: &str) -> String {
        let (key, created) = store.workspace_or_create(sub, rg, ws, &self.app.default_location);
        *dirty |= created;
        key
    }

    /// `PUT …/workspaces/{ws}` with `{"location": …}`: creates the workspace in that region, so
    /// tests can have workspaces in several regions (others are created on first use in the
    /// default region). Simplified from `Workspaces_CreateOrUpdate`: it completes at once, and a
    /// workspace cannot move to another region (its computes live there).
    fn put_workspace(&self, store: &mut Store, dirty: &mut bool, sub: &str, rg: &str, ws: &str, body: &[u8]) -> Reply {
        let location = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|b| b.get("location").and_then(Value::as_str).map(str::to_string))
            .filter(|l| !l.trim().is_empty());
        let Some(location) = location else {
            return Reply::arm_error(400, "LocationRequired", "The workspace body must have a 'location'.");
        };
        let key = state::ws_key(sub, rg, ws);
        if let Some(existing) = store.workspaces.get(&key) {
            if !state::same_region(&existing.location, &location) {
                return Reply::arm_error(
                    409,
                    "InvalidResourceLocation",
                    format!(
                        "The workspace '{ws}' already exists in location '{}'; it cannot be moved to '{location}'.",
                        existing.location
                    ),
                );
            }
            return Reply::json(200, existing.to_resource());
        }
        let (key, _) = store.workspace_or_create(sub, rg, ws, &location);
        *dirty = true;
        Reply::json(201, store.workspaces[&key].to_resource())
    }

    fn operation_url(&self, op: &Operation, kind: &str) -> String {
        format!(
            "{}/subscriptions/{}/providers/{PROVIDER}/locations/{}/{kind}/{}?api-version={}&service=new",
            self.app.base, op.subscription, op.location, op.id, self.api_version
        )
    }

    fn new_operation(&self, store: &mut Store, ws_key: &str, due_ms: u64, error: Option<ErrorDetail>) -> Operation {
        let ws = &store.workspaces[ws_key];
        let op = Operation {
            id: wire::new_guid(),
            subscription: ws.subscription.clone(),
            location: ws.location.clone(),
            due_ms,
            error,
        };
        store.operations.insert(op.id.clone(), op.clone());
        op
    }

    fn not_found(&self, store: &Store, ws_key: &str, name: &str) -> Reply {
        let ws = &store.workspaces[ws_key];
        Reply::arm_error(
            404,
            "ResourceNotFound",
            format!(
                "The Resource '{PROVIDER}/workspaces/{}/computes/{name}' under resource group '{}' was not found.",
                ws.name, ws.resource_group
            ),
        )
    }

    fn get(&self, store: &Store, ws_key: &str, name: &str) -> Reply {
        match store.computes.get(&compute_key(ws_key, name)) {
            Some(c) => Reply::json(200, c.to_resource()),
            None => self.not_found(store, ws_key, name),
        }
    }

    fn list(&self, store: &Store, ws_key: &str) -> Reply {
        let prefix = format!("{ws_key}/");
        let all: Vec<&StoredCompute> = store
            .computes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(_, c)| c)
            .collect();
        let skip = match query_param(self.uri, "$skipToken") {
            None => 0,
            Some(token) => match token.parse::<usize>() {
                Ok(n) => n,
                Err(_) => {
                    return Reply::arm_error(400, "BadRequest", format!("The $skipToken '{token}' is not valid."));
                }
            },
        };
        let value: Vec<Value> = all.iter().skip(skip).take(PAGE_SIZE).map(|c| c.to_resource()).collect();
        let next = skip + PAGE_SIZE;
        let next_link = (next < all.len()).then(|| {
            format!("{}{}?api-version={}&$skipToken={next}", self.app.base, self.uri.path(), self.api_version)
        });
        Reply::json(200, serde_json::to_value(Page { value, next_link }).unwrap_or(Value::Null))
    }

    #[allow(clippy::too_many_arguments)]
    fn put(
        &self,
        store: &mut Store,
        dirty: &mut bool,
        ws_key: &str,
        name: &str,
        body: &[u8],
        failing: &[String],
        now: u64,
    ) -> Reply {
        let ws = store.workspaces[ws_key].clone();
        let rp = |r: Rejection| Reply::rp_error(r, &ws.location);
        let mut request: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => {
                return rp(rejection(
                    400,
                    "InvalidRequestContent",
                    format!("The request content was invalid and could not be deserialized: {e}"),
                ));
            }
        };
        // Secrets go first, so no later step (error text, storage) can see them.
        validate::scrub_secrets(&mut request);
        let normalized = match validate::normalize(name, &request, &ws.location) {
            Ok(n) => n,
            Err(r) => return rp(r),
        };
        // Then the body must be a `ComputeResource` as the REST spec defines it (secrets are
        // null by now, which optional fields allow; violations name paths and rules, never values).
        let violations = RestSchema::embedded().validate(&request, rest_schema::embedded_exceptions());
        if !violations.is_empty() {
            let details: Vec<ErrorDetail> = violations
                .iter()
                .map(|v| ErrorDetail {
                    target: Some(v.path.clone()),
                    ..ErrorDetail::new("InvalidRequestContent", v.to_string())
                })
                .collect();
            let mut detail = ErrorDetail::new(
                "InvalidRequestContent",
                format!(
                    "The request body is not a valid ComputeResource for api-version 2025-12-01 ({} problem{}): {}.",
                    violations.len(),
                    if violations.len() == 1 { "" } else { "s" },
                    violations.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("; ")
                ),
            );
            detail.details = details;
            return rp(Rejection { status: 400, detail });
        }
        let key = compute_key(ws_key, name);
        let existing = store.computes.get(&key).cloned();
        if let Some(old) = &existing {
            if let Err(r) = check_replaceable(old, normalized.compute_type) {
                return rp(r);
            }
            if let Err(r) = immutable::check_location(old, &normalized.compute_location) {
                return rp(r);
            }
            if let Err(r) = immutable::check_unchanged(old, &normalized.properties) {
                return rp(r);
            }
        } else if names::taken_in_region(store, name, &ws.location) {
            return rp(rejection(
                409,
                "Conflict",
                format!(
                    "Compute name '{name}' is not available. Reason: AlreadyExists. Message: {}",
                    names::TAKEN_MESSAGE
                ),
            ));
        }
        let mut compute = StoredCompute {
            subscription: ws.subscription.clone(),
            resource_group: ws.resource_group.clone(),
            workspace: ws.name.clone(),
            name: existing.as_ref().map(|c| c.name.clone()).unwrap_or_else(|| name.to_string()),
            location: normalized.location,
            tags: normalized.tags,
            identity: normalized.identity,
            compute_type: normalized.compute_type.to_string(),
            compute_location: normalized.compute_location,
            description: normalized.description,
            resource_id: normalized.resource_id,
            disable_local_auth: normalized.disable_local_auth,
            provisioning_state: if existing.is_some() { "Updating" } else { "Creating" }.to_string(),
            provisioning_errors: None,
            is_attached: normalized.is_attached,
            created_on: existing.as_ref().map(|c| c.created_on.clone()).unwrap_or_else(wire::now_iso),
            modified_on: wire::now_iso(),
            properties: normalized.properties,
            pending: Vec::new(),
        };
        if let Some(old) = &existing {
            carry_over_runtime_state(old, &mut compute);
        }
        if let Err(r) = check_quota(store, &compute, existing.as_ref().map(|_| key.as_str())) {
            return rp(r);
        }
        let delay = self.app.delay_ms();
        let due = now + delay;
        let fails = failing.iter().any(|n| n.eq_ignore_ascii_case(name));
        let (first, op_error) = if fails {
            let errors = provisioning_errors(&compute);
            let error = ErrorDetail {
                code: "ComputeProvisioningFailed".into(),
                message: format!("Provisioning of compute '{name}' failed with {} errors.", errors.len()),
                target: Some(name.to_string()),
                details: errors.clone(),
            };
            (StepAction::ProvisionFailed { errors }, Some(error))
        } else {
            (StepAction::Provisioned, None)
        };
        compute.pending.push(Step { due_ms: due, action: first });
        if compute.compute_type == "AmlCompute" && !fails {
            compute.pending.push(Step { due_ms: due + delay, action: StepAction::AllocationSteady });
        }
        let op = self.new_operation(store, ws_key, due, op_error);
        let body = compute.to_resource();
        store.computes.insert(key, compute);
        *dirty = true;
        Reply::json(if existing.is_some() { 200 } else { 201 }, body)
            .header("azure-asyncoperation", self.operation_url(&op, "computeOperationsStatus"))
            .header("retry-after", "1")
    }

    fn delete(&self, store: &mut Store, dirty: &mut bool, ws_key: &str, name: &str, now: u64) -> Reply {
        let location = store.workspaces[ws_key].location.clone();
        let action = query_param(self.uri, "underlyingResourceAction");
        let action = match action.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("delete") => "Delete",
            Some("detach") => "Detach",
            _ => {
                return Reply::rp_error(
                    rejection(
                        400,
                        "BadRequest",
                        "The query parameter 'underlyingResourceAction' is required and must be 'Delete' or 'Detach'.",
                    ),
                    &location,
                );
            }
        };
        let key = compute_key(ws_key, name);
        let delay = self.app.delay_ms();
        let Some(compute) = store.computes.get_mut(&key) else {
            return Reply::empty(204);
        };
        if action == "Detach" && !compute.is_attached {
            return Reply::rp_error(
                rejection(
                    400,
                    "BadRequest",
                    format!(
                        "Compute '{name}' is a {} created by Azure Machine Learning; it cannot be detached. Use \
                         underlyingResourceAction=Delete.",
                        compute.compute_type
                    ),
                ),
                &location,
            );
        }
        let due = match compute.pending.iter().find(|s| matches!(s.action, StepAction::Removed)) {
            Some(step) => step.due_ms,
            None => {
                compute.provisioning_state = "Deleting".into();
                compute.modified_on = wire::now_iso();
                if compute.is_instance() {
                    compute.set_instance_state("Deleting", "Delete", "InProgress");
                }
                compute.pending = vec![Step { due_ms: now + delay, action: StepAction::Removed }];
                now + delay
            }
        };
        let op = self.new_operation(store, ws_key, due, None);
        *dirty = true;
        Reply::empty(202)
            .header("azure-asyncoperation", self.operation_url(&op, "computeOperationsStatus"))
            .header("location", self.operation_url(&op, "computeOperationsResults"))
            .header("retry-after", "1")
    }

    fn action(&self, store: &mut Store, dirty: &mut bool, ws_key: &str, name: &str, action: &str, now: u64) -> Reply {
        let location = store.workspaces[ws_key].location.clone();
        let key = compute_key(ws_key, name);
        let delay = self.app.delay_ms();
        let Some(compute) = store.computes.get_mut(&key) else {
            return self.not_found(store, ws_key, name);
        };
        let (operation, allowed_from, during, after) = match action {
            "start" => ("Start", "Stopped", "Starting", "Running"),
            "stop" => ("Stop", "Running", "Stopping", "Stopped"),
            _ => ("Restart", "Running", "Restarting", "Running"),
        };
        if !compute.is_instance() {
            return Reply::rp_error(
                rejection(
                    400,
                    "BadRequest",
                    format!(
                        "{operation} is only supported for compute instances; '{name}' is a {}.",
                        compute.compute_type
                    ),
                ),
                &location,
            );
        }
        let current = compute.instance_state().unwrap_or("Unknown").to_string();
        if compute.provisioning_state != "Succeeded" || !compute.pending.is_empty() || current != allowed_from {
            return Reply::rp_error(
                rejection(
                    409,
                    "Conflict",
                    format!(
                        "Cannot {} compute instance '{name}' while it is in state '{current}' (provisioningState \
                         '{}'); it must be '{allowed_from}'.",
                        operation.to_ascii_lowercase(),
                        compute.provisioning_state
                    ),
                ),
                &location,
            );
        }
        compute.set_instance_state(during, operation, "InProgress");
        compute.modified_on = wire::now_iso();
        compute.pending = vec![Step {
            due_ms: now + delay,
            action: StepAction::InstanceState { state: after.into(), operation: operation.into() },
        }];
        let op = self.new_operation(store, ws_key, now + delay, None);
        *dirty = true;
        Reply::empty(202)
            .header("azure-asyncoperation", self.operation_url(&op, "computeOperationsStatus"))
            .header("location", self.operation_url(&op, "computeOperationsResults"))
            .header("retry-after", "1")
    }
}

/// Whether a PUT may replace `old` with a compute of `compute_type`.
fn check_replaceable(old: &StoredCompute, compute_type: &str) -> Result<(), Rejection> {
    let name = &old.name;
    match old.provisioning_state.as_str() {
        "Deleting" => {
            return Err(rejection(
                409,
                "Conflict",
                format!("Compute '{name}' is being deleted; wait for it to finish."),
            ));
        }
        "Creating" | "Updating" => {
            return Err(rejection(
                409,
                "Conflict",
                format!(
                    "Compute '{name}' has an operation in progress ({}); wait for it to finish.",
                    old.provisioning_state
                ),
            ));
        }
        "Failed" => {
            return Err(rejection(
                400,
                "BadRequest",
                format!("Compute '{name}' is in a failed state. Delete it before creating it again."),
            ));
        }
        _ => {}
    }
    if old.compute_type != compute_type {
        return Err(rejection(
            409,
            "Conflict",
            format!(
                "Compute '{name}' already exists with computeType '{}'; it cannot become '{compute_type}'.",
                old.compute_type
            ),
        ));
    }
    Ok(())
}

/// An update keeps an instance's state. A cluster's node counts start over, as the live
/// service's update reply shows (`currentNodeCount: null`, then `0` and `Resizing`).
fn carry_over_runtime_state(old: &StoredCompute, new: &mut StoredCompute) {
    let keys: &[&str] = match new.compute_type.as_str() {
        "ComputeInstance" => &["state", "lastOperation", "createdBy", "connectivityEndpoints"],
        _ => &[],
    };
    for k in keys {
        if let Some(v) = old.properties.get(*k) {
            new.properties[*k] = v.clone();
        }
    }
    if new.identity.is_none() {
        new.identity = old.identity.clone();
    }
}

/// Refuses a compute that would take a family or regional total over its limit.
fn check_quota(store: &Store, compute: &StoredCompute, except: Option<&str>) -> Result<(), Rejection> {
    let Some(demand) = compute.core_demand() else { return Ok(()) };
    let used = store.usage(&compute.subscription, &compute.compute_location, except);
    let (family_used, family_limit, total_used, total_limit, tier) = if demand.low_priority {
        let fam = used.by_family.get(&demand.family).map(|u| u.1).unwrap_or(0);
        (
            fam,
            -1,
            used.low_priority,
            store.limit("TotalLowPriorityCores", state::TOTAL_LOW_PRIORITY_LIMIT),
            "LowPriority",
        )
    } else {
        let fam = used.by_family.get(&demand.family).map(|u| u.0).unwrap_or(0);
        (
            fam,
            store.family_limit(&demand.family),
            used.dedicated,
            store.limit("TotalDedicatedCores", state::TOTAL_DEDICATED_LIMIT),
            "Dedicated",
        )
    };
    let exceeded = |what: String, limit: i64, current: i64| {
        rejection(
            400,
            "QuotaExceeded",
            format!(
                "Operation results in exceeding quota limits of {what}. Maximum allowed: {limit}, Current in use: \
                 {current}, Additional requested: {}. Request a quota increase or use a smaller size or node count.",
                demand.cores
            ),
        )
    };
    let display = state::family_display(&demand.family);
    if family_limit >= 0 && family_used + demand.cores > family_limit {
        return Err(exceeded(format!("{display} Cluster {tier} vCPUs"), family_limit, family_used));
    }
    if total_used + demand.cores > total_limit {
        return Err(exceeded(format!("Total Cluster {tier} Regional vCPUs"), total_limit, total_used));
    }
    let clusters_limit = store.limit("TotalClusters", state::TOTAL_CLUSTERS_LIMIT);
    if compute.compute_type == "AmlCompute" && except.is_none() && used.clusters + 1 > clusters_limit {
        return Err(exceeded("Total Clusters".into(), clusters_limit, used.clusters));
    }
    Ok(())
}

/// The errors a compute named in `fail_provisioning_for` ends with.
fn provisioning_errors(compute: &StoredCompute) -> Vec<ErrorDetail> {
    let name = &compute.name;
    let size = compute.properties.get("vmSize").and_then(Value::as_str).unwrap_or("the requested size");
    vec![
        ErrorDetail::new(
            "AllocationFailed",
            format!(
                "Compute '{name}': could not allocate nodes of size {size} in '{}' (failure injected by the emulator).",
                compute.compute_location
            ),
        ),
        ErrorDetail::new(
            "NetworkConfigurationFailed",
            format!(
                "Compute '{name}': the network security rules block outbound traffic the nodes need (failure \
                 injected by the emulator)."
            ),
        ),
        ErrorDetail::new(
            "ProvisioningTimeout",
            format!("Compute '{name}': provisioning did not finish in time (failure injected by the emulator)."),
        ),
    ]
}

/// `…/locations/{loc}/vmSizes`: the catalog's sizes offered in `loc` (all of them when the
/// catalog does not know the region's offer), current ones only, shaped as the REST spec's
/// `VirtualMachineSize__list` example.
///
/// Prices: Linux pay-as-you-go is the catalog's price for the region (data/vm-prices.tsv, the
/// Azure retail price snapshot); low priority applies that size's eastus low-priority discount
/// (the only region the snapshot has low-priority prices for) to the region's price; Windows
/// adds a licence of $0.046 per vCPU-hour, about what the retail prices charge on top of Linux
/// (the example's Standard_DS1_v2: $0.07 Linux, $0.13 Windows), undiscounted at low priority.
/// A size the snapshot has no price for in the region gets an estimate from its vCPUs, GPUs
/// and memory. All are estimates, as the real `estimatedVMPrices` are.
fn vm_sizes(location: &str) -> Page<VirtualMachineSize> {
    let catalog = Catalog::get();
    let known = catalog.region(location).is_some_and(|r| r.availability_known);
    let value = catalog
        .sizes
        .iter()
        .filter(|s| !known || s.offered_in(location))
        .filter(|s| !s.retired.is_some_and(validate::is_past))
        // The list is Azure ML's: a size no ML compute may use (per the catalog) is not on it.
        .filter(|s| s.kinds.iter().any(|k| ["amlcompute", "computeinstance"].contains(k)))
        .map(|s| {
            let mut types = Vec::new();
            if s.kinds.contains(&"amlcompute") {
                types.push("AmlCompute".to_string());
            }
            if s.kinds.contains(&"computeinstance") {
                types.push("ComputeInstance".to_string());
            }
            let (linux, low_ratio) = linux_price(catalog, s, location);
            let licence = f64::from(s.vcpus) * WINDOWS_LICENCE_PER_VCPU_HOUR;
            let mut prices = vec![price(linux, "Linux", "Standard"), price(linux + licence, "Windows", "Standard")];
            if s.low_priority {
                prices.push(price(linux * low_ratio, "Linux", "LowPriority"));
                prices.push(price(linux * low_ratio + licence, "Windows", "LowPriority"));
            }
            VirtualMachineSize {
                name: s.name.to_string(),
                family: s.family.to_string(),
                v_cpus: s.vcpus,
                gpus: s.gpus,
                os_vhd_size_mb: 1_047_552,
                max_resource_volume_mb: (s.memory_gib * 2048.0) as u64,
                memory_gb: s.memory_gib,
                low_priority_capable: s.low_priority,
                premium_io: true,
                estimated_vm_prices: wire::EstimatedVmPrices {
                    billing_currency: "USD".into(),
                    unit_of_measure: "OneHour".into(),
                    values: prices,
                },
                supported_compute_types: types,
            }
        })
        .collect();
    Page { value, next_link: None }
}

/// What a Windows licence adds per vCPU-hour (see [`vm_sizes`]).
const WINDOWS_LICENCE_PER_VCPU_HOUR: f64 = 0.046;

/// The Linux pay-as-you-go price of a size in a region, and the share of it a low-priority
/// node costs.
fn linux_price(catalog: &Catalog, size: &crate::check::catalog::VmSize, location: &str) -> (f64, f64) {
    let synthetic = f64::from(size.vcpus) * 0.048 + f64::from(size.gpus) * 0.9 + size.memory_gib * 0.004;
    let linux = catalog.price(size, location).map_or(synthetic, |p| p.payg);
    let ratio = catalog
        .price(size, catalog.prices_of.low_priority_region)
        .and_then(|p| p.low_priority.filter(|_| p.payg > 0.0).map(|low| low / p.payg))
        .unwrap_or(0.2);
    (linux, ratio)
}

/// Rounded to the cent, as the service shows them; never below one cent.
fn price(amount: f64, os: &str, tier: &str) -> wire::EstimatedVmPrice {
    let cents = ((amount * 100.0).round() / 100.0).max(0.01);
    wire::EstimatedVmPrice { retail_price: cents, os_type: os.into(), vm_tier: tier.into() }
}

/// `…/locations/{loc}/usages`, shaped as the live recording: regional totals, then per family
/// dedicated and low-priority vCPUs, computed from the emulator's own computes.
fn usages(store: &Store, sub: &str, location: &str) -> Page<Usage> {
    let catalog = Catalog::get();
    let known = catalog.region(location).is_some_and(|r| r.availability_known);
    let used = store.usage(sub, location, None);
    let mut families: Vec<&str> = Vec::new();
    for s in catalog.sizes.iter().filter(|s| !known || s.offered_in(location)) {
        if !families.contains(&s.family) {
            families.push(s.family);
        }
    }
    for f in used.by_family.keys() {
        if !families.contains(&f.as_str()) {
            families.push(f);
        }
    }
    let sub_id = format!("/subscriptions/{sub}");
    let usage = |kind: &str, value: &str, localized: String, current: i64, limit: i64, id: String| Usage {
        unit: "Count".into(),
        current_value: current,
        limit,
        name: UsageName { value: value.into(), localized_value: localized },
        kind: format!("{PROVIDER}/{kind}/usages"),
        id,
    };
    let mut value = vec![
        usage(
            "totalClusters",
            "TotalClusters",
            "Total Clusters".into(),
            used.clusters,
            store.limit("TotalClusters", state::TOTAL_CLUSTERS_LIMIT),
            sub_id.clone(),
        ),
        usage(
            "totalDedicatedCores",
            "TotalDedicatedCores",
            "Total Cluster Dedicated Regional vCPUs".into(),
            used.dedicated,
            store.limit("TotalDedicatedCores", state::TOTAL_DEDICATED_LIMIT),
            sub_id.clone(),
        ),
    ];
    let family_used = |f: &str| used.by_family.get(f).copied().unwrap_or((0, 0));
    for f in &families {
        value.push(usage(
            "vmFamily/dedicatedCores",
            f,
            format!("{} Cluster Dedicated vCPUs", state::family_display(f)),
            family_used(f).0,
            store.family_limit(f),
            format!("{sub_id}/usages/{f}"),
        ));
    }
    value.push(usage(
        "totalLowPriorityCores",
        "TotalLowPriorityCores",
        "Total Cluster Low Priority Regional vCPUs".into(),
        used.low_priority,
        store.limit("TotalLowPriorityCores", state::TOTAL_LOW_PRIORITY_LIMIT),
        sub_id.clone(),
    ));
    for f in &families {
        value.push(usage(
            "vmFamily/lowPriorityCores",
            f,
            format!("{} Cluster LowPriority vCPUs", state::family_display(f)),
            family_used(f).1,
            -1,
            format!("{sub_id}/usages/{f}"),
        ));
    }
    Page { value, next_link: None }
}

/// `GET /_emulator/faults`.
pub async fn get_faults(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if !authorized(&app, &headers) {
        return unauthorized(&headers).into_response();
    }
    let patch = app.lock().faults.to_patch();
    Reply::json(200, serde_json::to_value(patch).unwrap_or(Value::Null)).into_response()
}

/// `POST /_emulator/faults` with a JSON `FaultsPatch`; replies with all faults.
pub async fn set_faults(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&app, &headers) {
        return unauthorized(&headers).into_response();
    }
    let patch: FaultsPatch = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => return Reply::arm_error(400, "BadRequest", format!("Invalid faults JSON: {e}")).into_response(),
    };
    let mut inner = app.lock();
    inner.faults.apply(patch);
    Reply::json(200, serde_json::to_value(inner.faults.to_patch()).unwrap_or(Value::Null)).into_response()
}

/// `GET /_emulator/quota`: the quota limits set (see `state::Store::limits`).
pub async fn get_quota(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if !authorized(&app, &headers) {
        return unauthorized(&headers).into_response();
    }
    let limits = app.lock().store.limits.clone();
    Reply::json(200, serde_json::to_value(limits).unwrap_or(Value::Null)).into_response()
}

/// `POST /_emulator/quota` with `{"standardNCADSA100v4Family": 96, "TotalDedicatedCores": null}`:
/// sets limits by usage name (`null` restores the default); replies with all limits set.
pub async fn set_quota(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&app, &headers) {
        return unauthorized(&headers).into_response();
    }
    let patch: std::collections::BTreeMap<String, Option<i64>> = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            return Reply::arm_error(
                400,
                "BadRequest",
                format!("Invalid quota JSON (an object of usage name to limit or null): {e}"),
            )
            .into_response();
        }
    };
    let mut inner = app.lock();
    for (name, limit) in patch {
        match limit {
            Some(limit) => inner.store.limits.insert(name.to_ascii_lowercase(), limit),
            None => inner.store.limits.remove(&name.to_ascii_lowercase()),
        };
    }
    app.persist(&inner.store);
    Reply::json(200, serde_json::to_value(&inner.store.limits).unwrap_or(Value::Null)).into_response()
}

/// `GET /_emulator/requests`: the request log.
pub async fn get_requests(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if !authorized(&app, &headers) {
        return unauthorized(&headers).into_response();
    }
    let log = app.lock().requests.clone();
    Reply::json(200, serde_json::to_value(log).unwrap_or(Value::Null)).into_response()
}

/// `GET /_emulator/state`: the store as it would be persisted (no secrets in it).
pub async fn get_state(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if !authorized(&app, &headers) {
        return unauthorized(&headers).into_response();
    }
    let inner = app.lock();
    Reply::json(200, serde_json::to_value(&inner.store).unwrap_or(Value::Null)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_parse_case_insensitively() {
        let sub = "00000000-0000-0000-0000-000000000000";
        let r = parse_route(&format!(
            "/subscriptions/{sub}/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws/computes/c1/Stop"
        ));
        assert_eq!(
            r,
            Some(Route::Action {
                sub: sub.into(),
                rg: "rg".into(),
                ws: "ws".into(),
                name: "c1".into(),
                action: "stop".into()
            })
        );
        let r = parse_route(&format!("/subscriptions/{sub}/providers/{PROVIDER}/locations/eastus/vmSizes"));
        assert_eq!(r, Some(Route::VmSizes { sub: sub.into(), loc: "eastus".into() }));
        assert_eq!(parse_route("/subscriptions"), None);
    }

    #[test]
    fn query_values_are_decoded() {
        let uri: Uri = "/x?api-version=2024-04-01&%24skipToken=2".parse().unwrap();
        assert_eq!(query_param(&uri, "$skipToken").as_deref(), Some("2"));
        assert_eq!(query_param(&uri, "API-VERSION").as_deref(), Some("2024-04-01"));
        let uri: Uri = "/x?underlyingResourceAction=De%6Cete&q=a+b%2Bc&flag".parse().unwrap();
        assert_eq!(query_param(&uri, "underlyingResourceAction").as_deref(), Some("Delete"));
        assert_eq!(query_param(&uri, "q").as_deref(), Some("a b+c"), "`+` is a space in a query, `%2B` a plus");
        assert_eq!(query_param(&uri, "flag").as_deref(), Some(""));
    }

    #[test]
    fn path_segments_are_percent_decoded_and_keep_plus_signs() {
        assert_eq!(decode_segment("a%2Fb+c"), "a/b+c");
        assert_eq!(decode_segment("%2E%2e"), "..");
        assert_eq!(decode_segment("100%"), "100%", "a stray percent sign stays");
    }
}
