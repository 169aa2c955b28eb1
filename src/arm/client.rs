//! The ARM REST client for Azure ML computes: one HTTP stack (reqwest with rustls), bearer
//! tokens from `auth`, bounded retries with backoff and jitter for 429/5xx/timeouts/dropped
//! connections, and long-running operations handed back as `Operation`s.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::auth::{Credential, TokenSource, scope_for};
use super::computes::{Compute, InstanceAction, UnderlyingAction, Usage, VmSizeInfo, collect_error};
use super::error::{ArmError, ErrorDetail, human_duration};
use super::ids::{ComputeName, Location, SubscriptionId, WorkspaceId, location_path};
use super::lro::{OpKind, Operation};
use super::workspace::Workspace;

/// The public-cloud ARM endpoint.
pub const PUBLIC_CLOUD_ENDPOINT: &str = "https://management.azure.com";
/// The api-version azure-ai-ml 1.35.2 uses.
pub const DEFAULT_API_VERSION: &str = "2025-12-01";

#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub api_version: String,
    /// Per request.
    pub timeout: Duration,
    /// Retries after the first attempt, for 429, 5xx, timeouts and dropped connections.
    pub max_retries: u32,
    /// The first backoff; it doubles on each retry (plus up to 50% jitter).
    pub retry_base: Duration,
    /// How long `Operation::wait` waits in all.
    pub lro_timeout: Duration,
    /// Between status polls when Azure gives no Retry-After.
    pub poll_interval: Duration,
    /// One call in all: every attempt, retry and backoff of one request fits in it, so a
    /// server that never answers (or trickles) costs this long at most, not
    /// `timeout × (1 + max_retries)`.
    pub request_budget: Duration,
    /// The longest `Retry-After` waited for; a server asking for more gets an error that says
    /// how long it asked for, at once, instead of a silent wait.
    pub max_retry_after: Duration,
    /// A reply body larger than this is not read (no compute reply comes near it).
    pub max_response_bytes: usize,
    /// After this long without an answer, and then as often, `notify` says what is awaited.
    pub slow_notice: Duration,
    /// Where "still waiting for …" notices go (the CLI's stderr, the editor's log).
    pub notify: Option<Notifier>,
}

/// A callback for notices while a request is slow.
#[derive(Clone)]
pub struct Notifier(pub Arc<dyn Fn(&str) + Send + Sync>);

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notifier")
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            api_version: DEFAULT_API_VERSION.to_string(),
            timeout: Duration::from_secs(60),
            max_retries: 4,
            retry_base: Duration::from_secs(1),
            lro_timeout: Duration::from_secs(30 * 60),
            poll_interval: Duration::from_secs(5),
            request_budget: Duration::from_secs(120),
            max_retry_after: Duration::from_secs(60),
            max_response_bytes: 32 * 1024 * 1024,
            slow_notice: Duration::from_secs(10),
            notify: None,
        }
    }
}

/// Backoff never grows past this, whatever the options say.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// A cheap-to-clone client for one ARM endpoint.
#[derive(Clone)]
pub struct ArmClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// Scheme, host and port, no trailing slash.
    pub(crate) endpoint: String,
    pub(crate) origin: url::Origin,
    pub(crate) tokens: TokenSource,
    pub(crate) options: ClientOptions,
}

impl std::fmt::Debug for ArmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArmClient")
            .field("endpoint", &self.inner.endpoint)
            .field("tokens", &self.inner.tokens)
            .field("options", &self.inner.options)
            .finish()
    }
}

/// A successful response: status, headers and the parsed body (Null when empty).
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

impl ArmClient {
    /// A client for `endpoint` (`https://management.azure.com`, a sovereign cloud, or the
    /// emulator). Plain http is refused unless the host is loopback, and so is a static token.
    pub fn new(endpoint: &str, credential: Credential, options: ClientOptions) -> Result<Self, ArmError> {
        let endpoint = endpoint.trim().trim_end_matches('/').to_string();
        let origin = http_origin(&endpoint)
            .ok_or_else(|| ArmError::InsecureEndpoint(format!("{endpoint} (not an http(s) URL)")))?;
        let loopback = is_loopback(&endpoint);
        let https = matches!(&origin, url::Origin::Tuple(scheme, _, _) if scheme == "https");
        if !https && !loopback {
            return Err(ArmError::InsecureEndpoint(endpoint));
        }
        if matches!(credential, Credential::Static(_)) && !loopback {
            return Err(ArmError::Auth(format!(
                "a fixed token is only accepted for a loopback endpoint such as the emulator, not {endpoint}"
            )));
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.timeout.min(Duration::from_secs(30)))
            .user_agent(concat!("aml-compute-ls/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ArmError::Transport(sanitize_reqwest(&e)))?;
        // The public cloud's token scope is its origin's, however the endpoint was written
        // (`https://management.azure.com:443/`).
        let public = http_origin(PUBLIC_CLOUD_ENDPOINT).is_some_and(|o| o == origin);
        let scope = scope_for(if public { PUBLIC_CLOUD_ENDPOINT } else { &endpoint });
        let tokens = TokenSource::new(credential, scope);
        Ok(ArmClient { inner: Arc::new(Inner { http, endpoint, origin, tokens, options }) })
    }

    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    pub fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    /// The compute's URL, from checked segments: a name or id that breaks its rule is an
    /// `InvalidArgument` error here, before any request.
    pub(crate) fn compute_url(&self, ws: &Workspace, name: &str) -> Result<String, ArmError> {
        let id = WorkspaceId::parse(ws)?;
        let name = ComputeName::parse(name)?;
        Ok(format!("{}{}", self.inner.endpoint, id.compute_path(&name)))
    }

    fn workspace_base(&self, ws: &Workspace) -> Result<String, ArmError> {
        Ok(format!("{}{}", self.inner.endpoint, WorkspaceId::parse(ws)?.path()))
    }

    fn location_base(&self, subscription_id: &str, location: &str) -> Result<String, ArmError> {
        let subscription = SubscriptionId::parse(subscription_id)?;
        let location = Location::parse(location)?;
        Ok(format!("{}{}", self.inner.endpoint, location_path(&subscription, &location)))
    }

    pub(crate) fn with_api_version(&self, url: &str) -> String {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}api-version={}", self.inner.options.api_version)
    }

    /// The compute, or None when the workspace has no compute by that name.
    pub async fn get_compute(&self, ws: &Workspace, name: &str) -> Result<Option<Compute>, ArmError> {
        let url = self.with_api_version(&self.compute_url(ws, name)?);
        match self.send(Method::GET, &url, None).await {
            Ok(reply) => Ok(Some(Compute::from_json(reply.body))),
            Err(ArmError::NotFound { what }) if !what.starts_with("The parent of") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The workspace's region. Computes other than clusters are created there, and a cluster
    /// spec without `location` goes there too (the SDK reads the workspace the same way).
    pub async fn get_workspace_location(&self, ws: &Workspace) -> Result<String, ArmError> {
        let url = self.with_api_version(&self.workspace_base(ws)?);
        let reply = self.send(Method::GET, &url, None).await?;
        reply.body.get("location").and_then(|l| l.as_str()).map(String::from).ok_or_else(|| ArmError::Server {
            status: 200,
            message: format!("The workspace `{}` was read, but its reply has no location.", ws.workspace_name),
        })
    }

    /// Every compute in the workspace, following `nextLink`.
    pub async fn list_computes(&self, ws: &Workspace) -> Result<Vec<Compute>, ArmError> {
        let url = self.with_api_version(&format!("{}/computes", self.workspace_base(ws)?));
        let items = self.list_paged(url).await?;
        Ok(items.into_iter().map(Compute::from_json).collect())
    }

    /// PUT the body; the operation is long-running (create, update or attach).
    pub async fn begin_create_or_update(
        &self,
        ws: &Workspace,
        name: &str,
        body: &Value,
    ) -> Result<Operation, ArmError> {
        let resource_url = self.compute_url(ws, name)?;
        let reply = self.send(Method::PUT, &self.with_api_version(&resource_url), Some(body)).await?;
        Ok(Operation::from_reply(self.clone(), OpKind::CreateOrUpdate, resource_url, name, reply))
    }

    /// DELETE with `underlyingResourceAction=Delete|Detach`.
    pub async fn begin_delete(
        &self,
        ws: &Workspace,
        name: &str,
        action: UnderlyingAction,
    ) -> Result<Operation, ArmError> {
        let resource_url = self.compute_url(ws, name)?;
        let url = format!("{}&underlyingResourceAction={}", self.with_api_version(&resource_url), action.as_str());
        let reply = self.send(Method::DELETE, &url, None).await?;
        Ok(Operation::from_reply(self.clone(), OpKind::Delete, resource_url, name, reply))
    }

    /// POST start, stop or restart to a compute instance.
    pub async fn begin_instance_action(
        &self,
        ws: &Workspace,
        name: &str,
        action: InstanceAction,
    ) -> Result<Operation, ArmError> {
        let resource_url = self.compute_url(ws, name)?;
        let url = self.with_api_version(&format!("{resource_url}/{}", action.path()));
        let reply = self.send(Method::POST, &url, None).await?;
        Ok(Operation::from_reply(self.clone(), OpKind::Action, resource_url, name, reply))
    }

    /// The VM sizes Azure ML offers in a region (not paged).
    pub async fn list_vm_sizes(&self, subscription_id: &str, location: &str) -> Result<Vec<VmSizeInfo>, ArmError> {
        let url = self.with_api_version(&format!("{}/vmSizes", self.location_base(subscription_id, location)?));
        let items = self.list_paged(url).await?;
        Ok(items.iter().map(VmSizeInfo::from_json).collect())
    }

    /// Quota usage of a region (paged).
    pub async fn list_usages(&self, subscription_id: &str, location: &str) -> Result<Vec<Usage>, ArmError> {
        let url = self.with_api_version(&format!("{}/usages", self.location_base(subscription_id, location)?));
        let items = self.list_paged(url).await?;
        Ok(items.iter().map(Usage::from_json).collect())
    }

    pub(crate) async fn list_paged(&self, first: String) -> Result<Vec<Value>, ArmError> {
        let mut out = Vec::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > 1000 {
                return Err(ArmError::Server {
                    status: 200,
                    message: "the list did not end after 1000 pages (nextLink keeps repeating)".to_string(),
                });
            }
            let reply = self.send(Method::GET, &url, None).await?;
            if let Some(items) = reply.body.get("value").and_then(Value::as_array) {
                out.extend(items.iter().cloned());
            }
            next = reply.body.get("nextLink").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
        }
        Ok(out)
    }

    /// One request with retries, all within `request_budget`. 2xx → Ok; everything else
    /// becomes the matching ArmError.
    pub(crate) async fn send(&self, method: Method, url: &str, body: Option<&Value>) -> Result<Reply, ArmError> {
        let opts = &self.inner.options;
        // Tokens go only to the endpoint's own origin (nextLink and status URLs come from the
        // server, and must not carry our token elsewhere).
        let origin = http_origin(url);
        if origin.as_ref() != Some(&self.inner.origin) {
            return Err(ArmError::Transport(format!(
                "the server pointed to {} which is not the configured endpoint {}; refusing to send credentials there",
                origin.map_or_else(|| "an invalid URL".to_string(), |o| o.ascii_serialization()),
                self.inner.endpoint
            )));
        }
        let started = Instant::now();
        let deadline = started + opts.request_budget;
        let what = format!("{method} {}", resource_from_url(url));
        let mut attempt: u32 = 0;
        let mut reauthenticated = false;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(timed_out(&what, started, attempt));
            }
            let token = self.inner.tokens.token().await?;
            let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.secret()))
                .map_err(|_| ArmError::Auth("the access token contains characters not allowed in a header".into()))?;
            auth.set_sensitive(true);
            let attempt_timeout = opts.timeout.min(remaining);
            let mut request = self.inner.http.request(method.clone(), url).header(AUTHORIZATION, auth);
            if let Some(body) = body {
                request = request.header(CONTENT_TYPE, "application/json").body(body.to_string());
            } else if method == Method::POST || method == Method::PUT {
                request = request.header(reqwest::header::CONTENT_LENGTH, "0");
            }
            let exchange = read_reply(request, opts.max_response_bytes);
            let outcome = match self.with_notices(exchange, attempt_timeout, &what, started, deadline).await {
                Some(result) => result,
                None => Err(Failure::TimedOut),
            };
            let (status, headers, bytes) = match outcome {
                Ok(parts) => parts,
                Err(Failure::TooLarge) => {
                    return Err(ArmError::TooLarge { what, limit: opts.max_response_bytes as u64 });
                }
                Err(failure) => {
                    let error = match failure {
                        Failure::Http(e) if !e.is_timeout() => ArmError::Transport(sanitize_reqwest(&e)),
                        _ => timed_out(&what, started, attempt + 1),
                    };
                    let pause = backoff(opts.retry_base, attempt);
                    if attempt < opts.max_retries && Instant::now() + pause < deadline {
                        tokio::time::sleep(pause).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(with_attempts(error, attempt));
                }
            };
            let body: Value = if bytes.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
            };
            if status.is_success() {
                return Ok(Reply { status, headers, body });
            }
            let retry_after = retry_after(&headers);
            match status.as_u16() {
                401 if !reauthenticated => {
                    // The token may have been revoked or expired early: sign in afresh once.
                    self.inner.tokens.invalidate().await;
                    reauthenticated = true;
                    continue;
                }
                429 | 500 | 502 | 503 | 504 if attempt < opts.max_retries => {
                    if let Some(asked) = retry_after.filter(|d| *d > opts.max_retry_after) {
                        return Err(ArmError::WaitTooLong { what, asked, limit: opts.max_retry_after });
                    }
                    let pause = backoff(opts.retry_base, attempt).max(retry_after.unwrap_or_default());
                    if Instant::now() + pause >= deadline {
                        return Err(error_for(status, &body, retry_after, url, attempt));
                    }
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                    continue;
                }
                _ => return Err(error_for(status, &body, retry_after, url, attempt)),
            }
        }
    }

    /// Runs one exchange with a timeout; while it runs, every `slow_notice` says what is
    /// awaited and for how long the budget still lasts. None when the timeout hit.
    async fn with_notices<T>(
        &self,
        exchange: impl Future<Output = T>,
        timeout: Duration,
        what: &str,
        started: Instant,
        deadline: Instant,
    ) -> Option<T> {
        let opts = &self.inner.options;
        let timer = tokio::time::sleep(timeout);
        tokio::pin!(exchange, timer);
        let mut next_notice = opts.slow_notice;
        loop {
            let notice = tokio::time::sleep_until((started + next_notice).into());
            tokio::select! {
                result = &mut exchange => return Some(result),
                _ = &mut timer => return None,
                _ = notice => {
                    if let Some(notify) = &opts.notify {
                        (notify.0)(&format!(
                            "Still waiting for Azure to answer {what} ({} so far; giving up in {}).",
                            human_duration(started.elapsed()),
                            human_duration(deadline.saturating_duration_since(Instant::now()))
                        ));
                    }
                    next_notice += opts.slow_notice.max(Duration::from_millis(10));
                }
            }
        }
    }
}

/// Why one exchange produced no reply.
enum Failure {
    Http(reqwest::Error),
    TimedOut,
    TooLarge,
}

fn timed_out(what: &str, started: Instant, attempts: u32) -> ArmError {
    let tries = if attempts > 1 { format!(", {attempts} attempts") } else { String::new() };
    ArmError::Timeout { waited: started.elapsed(), what: format!("Azure did not answer {what}{tries}") }
}

/// Sends the request and reads the reply, refusing (without reading on) a body over `limit`
/// bytes, whether its Content-Length says so up front or it just keeps coming.
async fn read_reply(
    request: reqwest::RequestBuilder,
    limit: usize,
) -> Result<(StatusCode, HeaderMap, Vec<u8>), Failure> {
    let mut response = request.send().await.map_err(Failure::Http)?;
    let status = response.status();
    let headers = response.headers().clone();
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Failure::TooLarge);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Failure::Http)? {
        if bytes.len() + chunk.len() > limit {
            return Err(Failure::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((status, headers, bytes))
}

fn with_attempts(error: ArmError, retries: u32) -> ArmError {
    match error {
        ArmError::Transport(m) if retries > 0 => ArmError::Transport(format!("{m} (after {} attempts)", retries + 1)),
        other => other,
    }
}

/// The ArmError for a non-2xx reply.
fn error_for(status: StatusCode, body: &Value, retry_after: Option<Duration>, url: &str, retries: u32) -> ArmError {
    let error = body.get("error").unwrap_or(body);
    let code = error.get("code").and_then(Value::as_str).unwrap_or("").to_string();
    let message = match error.get("message").and_then(Value::as_str) {
        Some(m) if !m.is_empty() => m.trim_end_matches('.').to_string(),
        _ => match body {
            Value::String(s) if !s.trim().is_empty() => s.chars().take(500).collect(),
            _ => status.canonical_reason().unwrap_or("no message").to_string(),
        },
    };
    let mut details: Vec<ErrorDetail> = Vec::new();
    if let Some(list) = error.get("details").and_then(Value::as_array) {
        for d in list {
            collect_error(d, &mut details);
        }
    }
    match status.as_u16() {
        401 | 403 => ArmError::Auth(if code.is_empty() {
            format!("HTTP {}: {message}", status.as_u16())
        } else {
            format!("HTTP {} {code}: {message}", status.as_u16())
        }),
        404 => {
            let parent = matches!(
                code.as_str(),
                "ParentResourceNotFound"
                    | "ResourceGroupNotFound"
                    | "SubscriptionNotFound"
                    | "WorkspaceNotFound"
                    | "InvalidSubscriptionId"
            );
            let what = resource_from_url(url);
            ArmError::NotFound {
                what: if parent {
                    format!("The parent of {what} ({code}: {message})")
                } else if code.is_empty() {
                    what
                } else {
                    format!("{what} ({code}: {message})")
                },
            }
        }
        409 => ArmError::Conflict { code: or_unknown(code), message },
        400 | 422 => ArmError::BadRequest { code: or_unknown(code), message, details },
        429 => ArmError::Throttled { retry_after },
        s => ArmError::Server {
            status: s,
            message: if retries > 0 { format!("{message} (after {} attempts)", retries + 1) } else { message },
        },
    }
}

fn or_unknown(code: String) -> String {
    if code.is_empty() { "Unknown".to_string() } else { code }
}

/// "compute 'x' in workspace 'w'" (or the path) for NotFound messages.
fn resource_from_url(url: &str) -> String {
    let path = url.split('?').next().unwrap_or(url);
    let segments: Vec<&str> = path.split('/').collect();
    let after = |key: &str| {
        segments.iter().position(|s| s.eq_ignore_ascii_case(key)).and_then(|i| segments.get(i + 1)).copied()
    };
    match (after("computes"), after("workspaces"), after("locations")) {
        (Some(c), Some(w), _) => format!("Compute '{c}' in workspace '{w}'"),
        (None, Some(w), _) => format!("Workspace '{w}'"),
        (_, _, Some(l)) => format!("Location '{l}'"),
        _ => "The requested resource".to_string(),
    }
}

/// Retry-After in seconds (or `retry-after-ms` / `x-ms-retry-after-ms`), capped at 10 minutes.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let d = if let Some(ms) =
        get("retry-after-ms").or_else(|| get("x-ms-retry-after-ms")).and_then(|v| v.parse::<u64>().ok())
    {
        Duration::from_millis(ms)
    } else {
        let v = get("retry-after")?;
        if let Ok(secs) = v.parse::<f64>() { Duration::from_secs_f64(secs.max(0.0)) } else { http_date_delay(v)? }
    };
    Some(d.min(Duration::from_secs(600)))
}

/// The delay until an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, RFC 9110 §5.6.7); zero
/// for a date already past.
fn http_date_delay(value: &str) -> Option<Duration> {
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// base · 2^attempt plus up to 50 % jitter, capped.
pub(crate) fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.min(16)).min(MAX_BACKOFF);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let jitter = exp.mul_f64((nanos % 1000) as f64 / 2000.0);
    (exp + jitter).min(MAX_BACKOFF)
}

/// A reqwest error's text without its URL (status URLs are signed).
fn sanitize_reqwest(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        let text = err.to_string();
        let text = match text.find(" for url (") {
            Some(at) => text[..at].to_string(),
            None => text,
        };
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = err.source();
    }
    parts.join(": ")
}

/// Whether an endpoint is on this machine: `localhost` (or a `*.localhost` name, which
/// resolves to loopback by RFC 6761 §6.3) or a loopback IP address. Only such an endpoint may
/// use plain http or receive a static token. The address is parsed, so `127.evil.example` is
/// no loopback; a string that is no URL is not one either.
pub fn is_loopback(endpoint: &str) -> bool {
    url::Url::parse(endpoint.trim()).ok().and_then(|u| u.host().map(|h| h.to_owned())).is_some_and(|host| match host {
        url::Host::Domain(name) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    })
}

/// The scheme, host and port of an http(s) URL; None for anything else.
fn http_origin(url: &str) -> Option<url::Origin> {
    let parsed = url::Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.origin())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_decided_by_the_parsed_host_not_by_its_first_characters() {
        for yes in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:9",
            "http://LOCALHOST",
            "http://emulator.localhost:80/",
            "http://[::1]:8080",
            "http://user@127.0.0.1/",
        ] {
            assert!(is_loopback(yes), "{yes}");
        }
        for no in [
            "http://127.evil.example",
            "https://management.azure.com",
            "http://localhost.evil.example",
            "http://[::2]",
            "http://10.0.0.1",
            "127.0.0.1:8080",
            "",
        ] {
            assert!(!is_loopback(no), "{no}");
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port_with_default_ports_filled_in() {
        let origin = http_origin("https://Management.Azure.com").unwrap();
        assert_eq!(http_origin("https://management.azure.com:443/x?y=1"), Some(origin.clone()));
        assert_ne!(http_origin("http://management.azure.com/x"), Some(origin.clone()));
        assert_ne!(http_origin("https://management.azure.com:8443/x"), Some(origin.clone()));
        assert_ne!(http_origin("https://management.azure.com.evil.example/x"), Some(origin));
        assert_eq!(http_origin("ftp://example.com"), None);
        assert_eq!(http_origin("not a url"), None);
    }

    #[test]
    fn retry_after_reads_seconds_milliseconds_and_http_dates() {
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_str(v).unwrap());
            }
            h
        };
        assert_eq!(retry_after(&headers(&[("retry-after", "7")])), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "250")])), Some(Duration::from_millis(250)));
        let in_a_minute = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(60));
        let d = retry_after(&headers(&[("retry-after", &in_a_minute)])).unwrap();
        assert!(d > Duration::from_secs(55) && d <= Duration::from_secs(60), "{d:?}");
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        assert_eq!(retry_after(&headers(&[("retry-after", &past)])), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        // Capped at ten minutes, whatever the server asks.
        assert_eq!(retry_after(&headers(&[("retry-after", "86400")])), Some(Duration::from_secs(600)));
    }
}
