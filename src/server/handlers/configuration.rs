//! Settings: `workspace/didChangeConfiguration`, and reading them with `workspace/configuration`
//! (also at `initialized`). The settings themselves are parsed in `server/config.rs`.

use crate::server::backend::Backend;
use crate::server::commands::AzureSettings;
use crate::server::config;
use crate::server::validation;
use std::sync::atomic::Ordering;
use tower_lsp_server::ls_types::{ConfigurationItem, DidChangeConfigurationParams, MessageType};

/// `workspace/didChangeConfiguration`: settings sent with the notification are applied; a
/// client that serves `workspace/configuration` is asked for them instead.
pub(in crate::server) async fn handle(server: &Backend, params: DidChangeConfigurationParams) {
    let has_section = params.settings.get(config::SECTION).is_some();
    if has_section || (!params.settings.is_null() && !server.state.caps().configuration) {
        apply_settings(server, &params.settings).await;
    } else {
        pull_settings(server).await;
    }
    validation::refresh_diagnostics(&server.client, &server.state).await;
}

/// Takes new settings: the checker's options and the Azure settings, then every open document
/// is checked again under them (requests wait for that). Bad settings are logged, not fatal.
pub(super) async fn apply_settings(server: &Backend, value: &serde_json::Value) {
    let (options, warnings) = config::parse(value);
    let section = value.get(config::SECTION).unwrap_or(value);
    *server.state.azure.write().unwrap_or_else(|e| e.into_inner()) = AzureSettings::from_json(section);
    *server.state.options.write().unwrap_or_else(|e| e.into_inner()) = options;
    server.state.settings_generation.fetch_add(1, Ordering::SeqCst);
    validation::revalidate_all(&server.client, &server.state);
    for w in warnings {
        server.log(MessageType::WARNING, format!("settings: {w}")).await;
    }
}

/// Asks the client for the settings section, when it serves `workspace/configuration`.
pub(super) async fn pull_settings(server: &Backend) {
    if !server.state.caps().configuration {
        return;
    }
    let items = vec![ConfigurationItem { scope_uri: None, section: Some(config::SECTION.to_string()) }];
    match server.client.configuration(items).await {
        Ok(values) => {
            if let Some(v) = values.into_iter().next().filter(|v| !v.is_null()) {
                apply_settings(server, &v).await;
            }
        }
        Err(e) => server.log(MessageType::WARNING, format!("could not read settings: {e}")).await,
    }
}
