//! The errors every ARM call can end in. Callers branch on the variant (retry later, ask for a
//! login, show the provisioning errors); the `Display` text is a complete message for a person:
//! what happened and what to do next. No variant ever carries a token or a secret from a spec.

use std::fmt;
use std::time::Duration;

/// One error from ARM's error envelope (`error`, `error.details[]`, `provisioningErrors[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub target: Option<String>,
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code.is_empty(), &self.target) {
            (true, Some(target)) => write!(f, "{} (at {target})", self.message),
            (true, None) => write!(f, "{}", self.message),
            (false, Some(target)) => write!(f, "{}: {} (at {target})", self.code, self.message),
            (false, None) => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ArmError {
    /// No token could be had, or ARM refused the one we sent (401/403).
    #[error(
        "Azure refused the request or no sign-in was found: {0}. Sign in with `az login` (or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET) and make sure the account has access to the workspace, then try again."
    )]
    Auth(String),
    /// ARM answered 429 more often than the retry budget allows.
    #[error("Azure is throttling requests (HTTP 429) and still was after the retries allowed. {}", throttled_advice(.retry_after))]
    Throttled { retry_after: Option<Duration> },
    /// 409: the compute is busy (another operation runs) or the name is taken.
    #[error(
        "Azure reported a conflict ({code}): {message}. Wait for the running operation on this compute to finish, or choose another name, then try again."
    )]
    Conflict { code: String, message: String },
    /// 404 where a resource was required.
    #[error(
        "{what} was not found. Check the subscription, resource group, workspace and compute names (and that your account can see them)."
    )]
    NotFound { what: String },
    /// 400: the service rejected the request body.
    #[error("Azure rejected the request ({code}): {message}{}. Fix the spec and try again.", details_suffix(.details))]
    BadRequest { code: String, message: String, details: Vec<ErrorDetail> },
    /// 5xx after the retries allowed, or another unexpected status.
    #[error("Azure answered with HTTP {status}: {message}. This is usually temporary; try again in a few minutes.")]
    Server { status: u16, message: String },
    /// The connection failed (DNS, TLS, reset) after the retries allowed.
    #[error(
        "Could not reach Azure: {0}. Check the network connection, proxy settings and the ARM endpoint, then try again."
    )]
    Transport(String),
    /// A request (all its attempts), or a long-running operation as a whole, took too long.
    /// `what` says what was awaited; `waited` is the real time spent.
    #[error("{what}; gave up after {}. The operation may still complete in Azure; check its status later with `aml-compute-ls status`.", human_duration(*.waited))]
    Timeout { waited: Duration, what: String },
    /// The server asked (Retry-After) to wait longer than this tool waits on its own.
    #[error("Azure asked to wait {} before retrying {what}, longer than the {} this tool waits by itself; nothing more was sent. Try again after that time.", human_duration(*.asked), human_duration(*.limit))]
    WaitTooLong { what: String, asked: Duration, limit: Duration },
    /// A reply body over the size limit; it was not read.
    #[error("The reply to {what} is larger than {} MiB, far more than any compute reply; it was not read. Check that the endpoint is Azure Resource Manager.", .limit / (1024 * 1024))]
    TooLarge { what: String, limit: u64 },
    /// The long-running operation ended `Failed` or `Canceled`; every error Azure gave.
    #[error("The operation ended in state {state}.{} Fix the cause, then delete the failed compute (a failed compute keeps its name) and create it again.", provisioning_suffix(.errors))]
    Provisioning { state: String, errors: Vec<ErrorDetail> },
    /// No workspace could be resolved: what is missing and where we looked.
    #[error("{0}")]
    Workspace(String),
    /// A non-loopback endpoint without https.
    #[error(
        "The ARM endpoint {0} does not use https. Only loopback endpoints (127.0.0.1, ::1, localhost) may use plain http; use an https:// endpoint."
    )]
    InsecureEndpoint(String),
    /// The caller stopped waiting; the operation goes on in Azure.
    #[error("Stopped waiting for the operation. It continues in Azure; check it later with `aml-compute-ls status`.")]
    Cancelled,
    /// The spec cannot be turned into a request body.
    #[error("The spec cannot be sent to Azure: {0}")]
    Spec(String),
    /// A name or id given to the command breaks its rule (see `arm::ids`); nothing was sent.
    #[error("{0} Nothing was sent to Azure.")]
    InvalidArgument(String),
}

impl ArmError {
    /// Whether the user asked for something impossible (a bad name or id, an insecure
    /// endpoint): the CLI exits 2 for these, as for any usage error.
    pub fn is_usage(&self) -> bool {
        matches!(self, ArmError::InvalidArgument(_) | ArmError::InsecureEndpoint(_))
    }
}

fn throttled_advice(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!("Azure asked to wait {} before the next request; try again then.", human_duration(*d)),
        None => "Wait a minute and try again.".to_string(),
    }
}

pub(crate) fn details_suffix(details: &[ErrorDetail]) -> String {
    if details.is_empty() {
        return String::new();
    }
    let list: Vec<String> = details.iter().map(|d| d.to_string()).collect();
    format!(" ({})", list.join("; "))
}

fn provisioning_suffix(errors: &[ErrorDetail]) -> String {
    match errors.len() {
        0 => " Azure gave no error details.".to_string(),
        1 => format!(" Azure reported: {}.", errors[0]),
        n => {
            let list: Vec<String> = errors.iter().enumerate().map(|(i, e)| format!("({}) {e}", i + 1)).collect();
            format!(" Azure reported {n} errors: {}.", list.join("; "))
        }
    }
}

/// `90 s` → "1 min 30 s"; sub-second values in ms (tests use them).
pub(crate) fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms} ms");
    }
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s} s"));
    }
    parts.join(" ")
}
