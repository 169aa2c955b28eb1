//! Bearer tokens for ARM. `AzureIdentity` walks the documented chain of azure_identity 1.x
//! credentials; `Static` is a fixed token, accepted only for loopback endpoints (the emulator).
//! Tokens are cached until five minutes before they expire, and never appear in `Debug`,
//! `Display`, logs or error messages.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use azure_core::credentials::{Secret, TokenCredential};
use azure_identity::{
    ClientSecretCredential, DeveloperToolsCredential, ManagedIdentityCredential, WorkloadIdentityCredential,
};
use tokio::sync::Mutex;

use super::error::ArmError;

/// How the client gets its bearer token.
#[derive(Clone)]
pub enum Credential {
    /// A fixed token; only for loopback endpoints such as the emulator.
    Static(String),
    /// In order: client secret from AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET;
    /// workload identity (AZURE_FEDERATED_TOKEN_FILE); developer tools (`az login`, then azd);
    /// managed identity (only where one is plausible: IDENTITY_ENDPOINT, MSI_ENDPOINT or an
    /// Azure VM).
    AzureIdentity,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Static(_) => f.write_str("Credential::Static(<redacted>)"),
            Credential::AzureIdentity => f.write_str("Credential::AzureIdentity"),
        }
    }
}

/// Named credentials, tried in order.
type Chain = Vec<(&'static str, Arc<dyn TokenCredential>)>;

/// Refresh this long before the token's expiry.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

struct Cached {
    token: Secret,
    /// Seconds since the Unix epoch.
    expires_at: u64,
}

/// Hands out tokens for one scope, with caching.
pub(crate) struct TokenSource {
    credential: Credential,
    scope: String,
    cache: Mutex<Option<Cached>>,
    chain: Mutex<Option<Chain>>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource").field("credential", &self.credential).field("scope", &self.scope).finish()
    }
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The token scope for an ARM endpoint: `https://management.azure.com/.default` for the public
/// cloud, `<endpoint>/.default` for sovereign clouds.
pub(crate) fn scope_for(endpoint: &str) -> String {
    let base = endpoint.trim_end_matches('/');
    format!("{base}/.default")
}

impl TokenSource {
    pub(crate) fn new(credential: Credential, scope: String) -> Self {
        TokenSource { credential, scope, cache: Mutex::new(None), chain: Mutex::new(None) }
    }

    /// A valid token (from the cache when it has more than five minutes left).
    pub(crate) async fn token(&self) -> Result<Secret, ArmError> {
        if let Credential::Static(token) = &self.credential {
            return Ok(Secret::new(token.clone()));
        }
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && cached.expires_at > now_secs() + REFRESH_MARGIN.as_secs()
        {
            return Ok(cached.token.clone());
        }
        let (token, expires_at) = self.fetch().await?;
        *cache = Some(Cached { token: token.clone(), expires_at });
        Ok(token)
    }

    /// Forget the cached token (after a 401, so the next request signs in afresh).
    pub(crate) async fn invalidate(&self) {
        *self.cache.lock().await = None;
    }

    async fn fetch(&self) -> Result<(Secret, u64), ArmError> {
        let mut chain_guard = self.chain.lock().await;
        if chain_guard.is_none() {
            *chain_guard = Some(build_chain().await?);
        }
        let chain = chain_guard.as_ref().expect("chain was just built");
        let mut failures = Vec::new();
        for (name, credential) in chain {
            match credential.get_token(&[self.scope.as_str()], None).await {
                Ok(token) => {
                    let expires = token.expires_on.unix_timestamp().max(0) as u64;
                    return Ok((token.token, expires));
                }
                Err(e) => failures.push(format!("{name}: {}", first_line(&e.to_string()))),
            }
        }
        Err(ArmError::Auth(format!("no credential could get a token for {} ({})", self.scope, failures.join("; "))))
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(300).collect();
    if line.chars().count() > 300 {
        out.push('…');
    }
    out
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// The kinds of credential the chain may try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AllowedCredentials {
    environment: bool,
    workload_identity: bool,
    developer_tools: bool,
    managed_identity: bool,
}

/// What `AZURE_TOKEN_CREDENTIALS` allows, read as the Azure Identity libraries read it (their
/// `DefaultAzureCredentialEnvVars`): `dev` keeps the developer tools, `prod` the credentials of
/// a deployed app (environment, workload identity, managed identity), a credential's name keeps
/// that one; unset or empty keeps all. `dev` also spares a laptop the managed-identity probe.
fn allowed_credentials(setting: Option<&str>) -> Result<AllowedCredentials, ArmError> {
    let only = |environment, workload_identity, developer_tools, managed_identity| AllowedCredentials {
        environment,
        workload_identity,
        developer_tools,
        managed_identity,
    };
    let value = setting.unwrap_or("").trim().to_ascii_lowercase();
    Ok(match value.as_str() {
        "" => only(true, true, true, true),
        "dev" => only(false, false, true, false),
        "prod" => only(true, true, false, true),
        "environmentcredential" => only(true, false, false, false),
        "workloadidentitycredential" => only(false, true, false, false),
        "managedidentitycredential" => only(false, false, false, true),
        // Both are tried by azure_identity's developer tools credential, `az` first.
        "azureclicredential" | "azuredeveloperclicredential" => only(false, false, true, false),
        _ => {
            return Err(ArmError::Auth(format!(
                "AZURE_TOKEN_CREDENTIALS is `{}`; use dev, prod, EnvironmentCredential, WorkloadIdentityCredential, \
                 ManagedIdentityCredential, AzureCliCredential or AzureDeveloperCliCredential",
                setting.unwrap_or("")
            )));
        }
    })
}

/// The credentials worth trying in this environment, in the documented order.
async fn build_chain() -> Result<Chain, ArmError> {
    let mut chain: Vec<(&'static str, Arc<dyn TokenCredential>)> = Vec::new();
    let mut problems = Vec::new();
    let allowed = allowed_credentials(std::env::var("AZURE_TOKEN_CREDENTIALS").ok().as_deref())?;
    if allowed.environment && env_set("AZURE_TENANT_ID") && env_set("AZURE_CLIENT_ID") && env_set("AZURE_CLIENT_SECRET")
    {
        let tenant = std::env::var("AZURE_TENANT_ID").unwrap_or_default();
        let client = std::env::var("AZURE_CLIENT_ID").unwrap_or_default();
        let secret = Secret::new(std::env::var("AZURE_CLIENT_SECRET").unwrap_or_default());
        match ClientSecretCredential::new(&tenant, client, secret, None) {
            Ok(c) => chain.push(("client secret (AZURE_CLIENT_SECRET)", c)),
            Err(e) => problems.push(format!("client secret: {}", first_line(&e.to_string()))),
        }
    }
    if allowed.workload_identity && env_set("AZURE_FEDERATED_TOKEN_FILE") {
        match WorkloadIdentityCredential::new(None) {
            Ok(c) => chain.push(("workload identity (AZURE_FEDERATED_TOKEN_FILE)", c)),
            Err(e) => problems.push(format!("workload identity: {}", first_line(&e.to_string()))),
        }
    }
    if allowed.developer_tools {
        match DeveloperToolsCredential::new(None) {
            Ok(c) => chain.push(("developer tools (az login, azd auth login)", c)),
            Err(e) => problems.push(format!("developer tools: {}", first_line(&e.to_string()))),
        }
    }
    let plausible =
        allowed.managed_identity && tokio::task::spawn_blocking(managed_identity_plausible).await.unwrap_or(false);
    if plausible {
        match ManagedIdentityCredential::new(None) {
            Ok(c) => chain.push(("managed identity", c)),
            Err(e) => problems.push(format!("managed identity: {}", first_line(&e.to_string()))),
        }
    }
    if chain.is_empty() {
        return Err(ArmError::Auth(format!("no credential could be set up ({})", problems.join("; "))));
    }
    Ok(chain)
}

/// Managed identity only where one can exist: App Service/Functions/Arc set IDENTITY_ENDPOINT
/// or MSI_ENDPOINT; on an Azure VM the IMDS answers at 169.254.169.254, which we probe briefly
/// so that a laptop does not wait for the credential's own long timeout.
fn managed_identity_plausible() -> bool {
    if env_set("IDENTITY_ENDPOINT") || env_set("MSI_ENDPOINT") {
        return true;
    }
    let addr = std::net::SocketAddr::from(([169, 254, 169, 254], 80));
    std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_token_credentials_narrows_the_chain_as_the_azure_identity_libraries_do() {
        let all = allowed_credentials(None).unwrap();
        assert!(all.environment && all.workload_identity && all.developer_tools && all.managed_identity);
        assert_eq!(allowed_credentials(Some(" ")).unwrap(), all);
        let dev = allowed_credentials(Some("dev")).unwrap();
        assert!(dev.developer_tools && !dev.managed_identity && !dev.environment && !dev.workload_identity);
        let prod = allowed_credentials(Some("PROD")).unwrap();
        assert!(!prod.developer_tools && prod.managed_identity && prod.environment && prod.workload_identity);
        let managed = allowed_credentials(Some("ManagedIdentityCredential")).unwrap();
        assert!(managed.managed_identity && !managed.developer_tools && !managed.environment);
        assert!(allowed_credentials(Some("AzureCliCredential")).unwrap().developer_tools);
        let wrong = allowed_credentials(Some("laptop")).unwrap_err().to_string();
        assert!(wrong.contains("`laptop`") && wrong.contains("dev, prod"), "{wrong}");
    }
}
