//! [`DEBUG_TEXT_METHOD`], a test-only request: the server's copy of a document, so tests can
//! compare it with the editor's. It exists only when [`TEST_HOOKS_ENV`] is set.

use crate::server::backend::Backend;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

/// Set to `1` to enable [`DEBUG_TEXT_METHOD`]. Off by default: the request then does not exist.
pub const TEST_HOOKS_ENV: &str = "AML_COMPUTE_LS_TEST_HOOKS";
/// Test-only request: `{"textDocument": {"uri"}}` → `{"version", "text"}` (null if not open).
pub const DEBUG_TEXT_METHOD: &str = "amlComputeLs/debug/documentText";

pub(in crate::server) async fn handle(server: &Backend, params: serde_json::Value) -> Result<serde_json::Value> {
    if !server.state.test_hooks {
        return Err(Error::method_not_found());
    }
    let uri = params["textDocument"]["uri"]
        .as_str()
        .and_then(|u| u.parse::<Uri>().ok())
        .ok_or_else(|| Error::invalid_params("expected `textDocument.uri`"))?;
    Ok(match server.state.snapshot(&uri) {
        Some((text, version, _)) => serde_json::json!({"version": version, "text": text}),
        None => serde_json::Value::Null,
    })
}
