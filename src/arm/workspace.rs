//! Which Azure ML workspace a command acts on, resolved field by field from (highest first):
//! command arguments, editor settings, a `config.json` found upward from the spec's folder (as
//! `MLClient.from_config` searches), and the Azure CLI's `az configure` defaults with the CLI's
//! default subscription. A field may come from any layer, so an explicit workspace name can
//! combine with the subscription and resource group of a `config.json`.

use std::path::{Path, PathBuf};

use super::error::ArmError;

/// A fully resolved workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workspace {
    pub subscription_id: String,
    pub resource_group: String,
    pub workspace_name: String,
    /// Where the values came from: "command arguments", "editor settings", the path of a
    /// `config.json`, or "az configure defaults (~/.azure/config)". When fields came from
    /// different layers, each layer is named with the fields it gave.
    pub source: String,
}

impl Workspace {
    /// The ARM id of the workspace.
    pub fn arm_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.MachineLearningServices/workspaces/{}",
            self.subscription_id, self.resource_group, self.workspace_name
        )
    }
}

/// Some of the three fields, as one layer gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartialWorkspace {
    pub subscription_id: Option<String>,
    pub resource_group: Option<String>,
    pub workspace_name: Option<String>,
}

impl PartialWorkspace {
    fn is_empty(&self) -> bool {
        self.subscription_id.is_none() && self.resource_group.is_none() && self.workspace_name.is_none()
    }

    /// Blank strings count as absent (an empty editor setting means "not set").
    fn cleaned(&self) -> PartialWorkspace {
        let clean = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        PartialWorkspace {
            subscription_id: clean(&self.subscription_id),
            resource_group: clean(&self.resource_group),
            workspace_name: clean(&self.workspace_name),
        }
    }
}

/// The parts of the process environment resolution reads; tests build their own.
#[derive(Clone, Debug, Default)]
pub struct WorkspaceEnv {
    pub home: Option<PathBuf>,
    /// `AZURE_CONFIG_DIR`, which replaces `~/.azure` for the Azure CLI.
    pub azure_config_dir: Option<PathBuf>,
    /// `AZURE_SUBSCRIPTION_ID`.
    pub subscription_env: Option<String>,
    pub cwd: PathBuf,
}

impl WorkspaceEnv {
    pub fn from_process() -> Self {
        let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let home = non_empty("HOME").or_else(|| non_empty("USERPROFILE")).map(PathBuf::from);
        WorkspaceEnv {
            home,
            azure_config_dir: non_empty("AZURE_CONFIG_DIR").map(PathBuf::from),
            subscription_env: non_empty("AZURE_SUBSCRIPTION_ID").and_then(|v| v.into_string().ok()),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    /// The Azure CLI's configuration folder.
    fn azure_dir(&self) -> Option<PathBuf> {
        self.azure_config_dir.clone().or_else(|| self.home.as_ref().map(|h| h.join(".azure")))
    }
}

/// The config files `MLClient.from_config` looks for, in its order: each (folder, file) pair is
/// searched from the start folder up to 20 parents before the next pair is tried.
const CONFIG_CANDIDATES: [(Option<&str>, &str); 6] = [
    (Some(".azureml"), "config.json"),
    (Some(".azureml"), "project.json"),
    (Some("aml_config"), "config.json"),
    (Some("aml_config"), "project.json"),
    (None, "config.json"),
    (None, "project.json"),
];
const CONFIG_SEARCH_LEVELS: usize = 20;

pub fn resolve_workspace(
    explicit: &PartialWorkspace,
    settings: &PartialWorkspace,
    spec_path: Option<&Path>,
    env: &WorkspaceEnv,
) -> Result<Workspace, ArmError> {
    let mut layers: Vec<(String, PartialWorkspace)> = vec![
        ("command arguments".to_string(), explicit.cleaned()),
        ("editor settings".to_string(), settings.cleaned()),
    ];
    let start = config_search_start(spec_path, env);
    let mut notes = Vec::new();
    if let Some((path, partial)) = find_config_json(&start, &mut notes) {
        layers.push((path.display().to_string(), partial));
    }
    let az = az_cli_defaults(env, &mut notes);
    layers.push((az.0, az.1));

    let pick = |field: fn(&PartialWorkspace) -> &Option<String>| {
        layers.iter().find_map(|(source, p)| field(p).as_ref().map(|v| (v.clone(), source.clone())))
    };
    let sub = pick(|p| &p.subscription_id);
    let rg = pick(|p| &p.resource_group);
    let ws = pick(|p| &p.workspace_name);
    match (sub, rg, ws) {
        (Some(sub), Some(rg), Some(ws)) => {
            let source =
                describe_sources(&[("subscription_id", &sub.1), ("resource_group", &rg.1), ("workspace_name", &ws.1)]);
            Ok(Workspace { subscription_id: sub.0, resource_group: rg.0, workspace_name: ws.0, source })
        }
        (sub, rg, ws) => {
            let mut missing = Vec::new();
            if sub.is_none() {
                missing.push("subscription_id");
            }
            if rg.is_none() {
                missing.push("resource_group");
            }
            if ws.is_none() {
                missing.push("workspace_name");
            }
            Err(ArmError::Workspace(missing_message(&missing, &start, env, &notes)))
        }
    }
}

fn config_search_start(spec_path: Option<&Path>, env: &WorkspaceEnv) -> PathBuf {
    let Some(path) = spec_path else { return env.cwd.clone() };
    let path = if path.is_absolute() { path.to_path_buf() } else { env.cwd.join(path) };
    if path.is_dir() {
        return path;
    }
    path.parent().map(Path::to_path_buf).unwrap_or_else(|| env.cwd.clone())
}

/// One name when all fields came from one layer; otherwise each layer with its fields.
fn describe_sources(fields: &[(&str, &String)]) -> String {
    let mut groups: Vec<(&String, Vec<&str>)> = Vec::new();
    for (field, source) in fields {
        match groups.iter_mut().find(|(s, _)| s == source) {
            Some((_, list)) => list.push(field),
            None => groups.push((source, vec![field])),
        }
    }
    if groups.len() == 1 {
        return groups[0].0.clone();
    }
    groups.iter().map(|(source, list)| format!("{} from {source}", list.join(" and "))).collect::<Vec<_>>().join("; ")
}

fn find_config_json(start: &Path, notes: &mut Vec<String>) -> Option<(PathBuf, PartialWorkspace)> {
    for (dir, file) in CONFIG_CANDIDATES {
        let mut current = Some(start.to_path_buf());
        let mut level = 0;
        while let Some(folder) = current {
            let candidate = match dir {
                Some(d) => folder.join(d).join(file),
                None => folder.join(file),
            };
            if candidate.is_file() {
                match read_config_json(&candidate) {
                    Ok(p) if !p.is_empty() => return Some((candidate, p)),
                    Ok(_) => notes.push(format!(
                        "{} has none of subscription_id, resource_group, workspace_name or Scope",
                        candidate.display()
                    )),
                    Err(e) => notes.push(format!("{} could not be read: {e}", candidate.display())),
                }
            }
            if level >= CONFIG_SEARCH_LEVELS {
                break;
            }
            level += 1;
            current = folder.parent().map(Path::to_path_buf);
        }
    }
    None
}

fn read_config_json(path: &Path) -> Result<PartialWorkspace, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let value: serde_json::Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| format!("it is not valid JSON ({e})"))?;
    let get = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let mut partial = PartialWorkspace {
        subscription_id: get("subscription_id"),
        resource_group: get("resource_group"),
        workspace_name: get("workspace_name"),
    };
    // `Scope` holds the workspace's ARM id; segments 2, 4 and 8 are sub, group and name.
    if let Some(scope) = get("Scope").or_else(|| get("scope")) {
        let parts: Vec<&str> = scope.split('/').collect();
        let at = |i: usize| parts.get(i).filter(|s| !s.is_empty()).map(|s| s.to_string());
        partial.subscription_id = partial.subscription_id.or_else(|| at(2));
        partial.resource_group = partial.resource_group.or_else(|| at(4));
        partial.workspace_name = partial.workspace_name.or_else(|| at(8));
    }
    Ok(partial.cleaned())
}

/// `az configure --defaults group=… workspace=…` values and the CLI's subscription.
fn az_cli_defaults(env: &WorkspaceEnv, notes: &mut Vec<String>) -> (String, PartialWorkspace) {
    let dir = env.azure_dir();
    let config_path = dir.as_ref().map(|d| d.join("config"));
    let shown = match (&env.azure_config_dir, &config_path) {
        (Some(_), Some(p)) => p.display().to_string(),
        _ => "~/.azure/config".to_string(),
    };
    let source = format!("az configure defaults ({shown})");
    let mut partial = PartialWorkspace::default();
    if let Some(path) = &config_path
        && let Ok(text) = std::fs::read_to_string(path)
    {
        let defaults = ini_section(&text, "defaults");
        let get = |key: &str| defaults.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        partial.resource_group = get("group");
        partial.workspace_name = get("workspace");
    }
    partial.subscription_id = env.subscription_env.clone().or_else(|| {
        let profile = dir.as_ref()?.join("azureProfile.json");
        match default_subscription(&profile) {
            Ok(sub) => sub,
            Err(e) => {
                notes.push(format!("{} could not be read: {e}", profile.display()));
                None
            }
        }
    });
    (source, partial.cleaned())
}

/// Key/value pairs of one INI section (keys lower-cased; `=` or `:`; `#`/`;` comments).
fn ini_section(text: &str, section: &str) -> Vec<(String, String)> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.trim_start_matches('\u{feff}').lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            inside = line[1..line.len() - 1].trim().eq_ignore_ascii_case(section);
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(at) = line.find(['=', ':']) {
            let key = line[..at].trim().to_ascii_lowercase();
            let value = line[at + 1..].trim().to_string();
            out.push((key, value));
        }
    }
    out
}

/// The `isDefault` subscription in the CLI's `azureProfile.json` (the CLI writes it with a BOM).
fn default_subscription(profile: &Path) -> Result<Option<String>, String> {
    let text = match std::fs::read_to_string(profile) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let value: serde_json::Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| format!("it is not valid JSON ({e})"))?;
    let subs = value.get("subscriptions").and_then(|s| s.as_array());
    Ok(subs.and_then(|subs| {
        subs.iter()
            .find(|s| s.get("isDefault").and_then(|d| d.as_bool()) == Some(true))
            .and_then(|s| s.get("id"))
            .and_then(|id| id.as_str())
            .map(str::to_string)
    }))
}

fn missing_message(missing: &[&str], start: &Path, env: &WorkspaceEnv, notes: &[String]) -> String {
    let azure_dir = env
        .azure_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "~/.azure (no home folder is set)".to_string());
    let mut text = format!(
        "No Azure ML workspace is configured: {} {} not set. Looked in the command arguments (--subscription, \
         --resource-group, --workspace), the editor settings (amlComputeLs.subscriptionId, \
         amlComputeLs.resourceGroup, amlComputeLs.workspaceName), .azureml/config.json, aml_config/config.json and \
         config.json in {} and its parent folders, the `az configure` defaults in {azure_dir}/config, \
         AZURE_SUBSCRIPTION_ID and the default account in {azure_dir}/azureProfile.json.",
        join_words(missing),
        if missing.len() == 1 { "is" } else { "are" },
        start.display(),
    );
    for note in notes {
        text.push_str(&format!(" Note: {note}."));
    }
    text.push_str(
        " Give them as command arguments or editor settings, download the \
         workspace's config.json next to the spec, or run `az configure --defaults group=<rg> workspace=<name>`.",
    );
    text
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
