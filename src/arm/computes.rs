//! What the client reads back from ARM: computes, VM sizes and usages, parsed leniently
//! (real responses carry undocumented fields and nulls everywhere).

use serde_json::Value;

use super::error::ErrorDetail;

/// A compute resource as ARM returns it; `raw` keeps the whole body.
#[derive(Clone, Debug, PartialEq)]
pub struct Compute {
    pub name: String,
    pub compute_type: String,
    pub location: Option<String>,
    pub provisioning_state: Option<String>,
    /// Compute instances only: Running, Stopped, …
    pub state: Option<String>,
    pub vm_size: Option<String>,
    pub current_nodes: Option<i64>,
    pub target_nodes: Option<i64>,
    pub min_nodes: Option<i64>,
    pub max_nodes: Option<i64>,
    pub is_attached: bool,
    pub provisioning_errors: Vec<ErrorDetail>,
    pub raw: Value,
}

impl Compute {
    pub fn from_json(raw: Value) -> Compute {
        let props = raw.get("properties").cloned().unwrap_or(Value::Null);
        let inner = props.get("properties").cloned().unwrap_or(Value::Null);
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let i = |v: &Value, k: &str| v.get(k).and_then(Value::as_i64);
        let scale = inner.get("scaleSettings").cloned().unwrap_or(Value::Null);
        let mut provisioning_errors = errors_from_list(props.get("provisioningErrors"));
        for e in errors_from_list(inner.get("errors")) {
            if !provisioning_errors.contains(&e) {
                provisioning_errors.push(e);
            }
        }
        Compute {
            name: s(&raw, "name").unwrap_or_default(),
            compute_type: s(&props, "computeType").unwrap_or_default(),
            location: s(&raw, "location").or_else(|| s(&props, "computeLocation")),
            provisioning_state: s(&props, "provisioningState"),
            state: s(&inner, "state"),
            vm_size: s(&inner, "vmSize").or_else(|| s(&inner, "virtualMachineSize")),
            current_nodes: i(&inner, "currentNodeCount"),
            target_nodes: i(&inner, "targetNodeCount"),
            min_nodes: i(&scale, "minNodeCount"),
            max_nodes: i(&scale, "maxNodeCount"),
            is_attached: props.get("isAttachedCompute").and_then(Value::as_bool).unwrap_or(false),
            provisioning_errors,
            raw,
        }
    }

    /// One line for status bars and lists: "Succeeded · 2/4 nodes", "Succeeded · Stopped",
    /// "Creating", "Failed · 2 errors".
    pub fn status_line(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.push(self.provisioning_state.clone().unwrap_or_else(|| "Unknown".to_string()));
        if let Some(state) = &self.state {
            parts.push(state.clone());
        }
        if self.compute_type.eq_ignore_ascii_case("AmlCompute") {
            let current = self.current_nodes.unwrap_or(0);
            match (self.max_nodes, self.target_nodes) {
                (Some(max), Some(target)) if target != current => {
                    parts.push(format!("{current}/{max} nodes (scaling to {target})"))
                }
                (Some(max), _) => parts.push(format!("{current}/{max} nodes")),
                (None, _) => {}
            }
        }
        match self.provisioning_errors.len() {
            0 => {}
            1 => parts.push("1 error".to_string()),
            n => parts.push(format!("{n} errors")),
        }
        parts.join(" · ")
    }
}

/// The errors in a list of ARM error responses (`[{error:{…}}]`) or plain details (`[{code,…}]`),
/// with nested `details` flattened after their parent.
pub(crate) fn errors_from_list(list: Option<&Value>) -> Vec<ErrorDetail> {
    let mut out = Vec::new();
    if let Some(items) = list.and_then(Value::as_array) {
        for item in items {
            collect_error(item.get("error").unwrap_or(item), &mut out);
        }
    }
    out
}

/// An error object and its `details`, depth first.
pub(crate) fn collect_error(error: &Value, out: &mut Vec<ErrorDetail>) {
    if !error.is_object() {
        return;
    }
    let s = |k: &str| error.get(k).and_then(Value::as_str).map(str::to_string);
    let code = s("code").unwrap_or_default();
    let message = s("message").unwrap_or_default();
    if !code.is_empty() || !message.is_empty() {
        out.push(ErrorDetail { code, message, target: s("target").filter(|t| !t.is_empty()) });
    }
    if let Some(details) = error.get("details").and_then(Value::as_array) {
        for d in details {
            collect_error(d, out);
        }
    }
}

/// What DELETE does to the underlying resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnderlyingAction {
    /// Delete the compute and the resource it created (clusters, instances).
    Delete,
    /// Remove an attached compute from the workspace and leave the resource alone.
    Detach,
}

impl UnderlyingAction {
    pub fn as_str(self) -> &'static str {
        match self {
            UnderlyingAction::Delete => "Delete",
            UnderlyingAction::Detach => "Detach",
        }
    }
}

/// Compute-instance power actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceAction {
    Start,
    Stop,
    Restart,
}

impl InstanceAction {
    pub fn path(self) -> &'static str {
        match self {
            InstanceAction::Start => "start",
            InstanceAction::Stop => "stop",
            InstanceAction::Restart => "restart",
        }
    }
}

/// One VM size a region offers to Azure ML.
#[derive(Clone, Debug, PartialEq)]
pub struct VmSizeInfo {
    pub name: String,
    pub family: Option<String>,
    pub vcpus: Option<i64>,
    pub memory_gb: Option<f64>,
    pub gpus: Option<i64>,
    pub low_priority_capable: bool,
    pub supported_compute_types: Vec<String>,
}

impl VmSizeInfo {
    pub fn from_json(v: &Value) -> VmSizeInfo {
        VmSizeInfo {
            name: v.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
            family: v.get("family").and_then(Value::as_str).map(str::to_string),
            vcpus: v.get("vCPUs").and_then(Value::as_i64),
            memory_gb: v.get("memoryGB").and_then(Value::as_f64),
            gpus: v.get("gpus").and_then(Value::as_i64),
            low_priority_capable: v.get("lowPriorityCapable").and_then(Value::as_bool).unwrap_or(false),
            supported_compute_types: v
                .get("supportedComputeTypes")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default(),
        }
    }

    /// `az ml compute list-sizes --type X`: a case-insensitive filter on supportedComputeTypes.
    pub fn supports(&self, compute_type: &str) -> bool {
        self.supported_compute_types.iter().any(|t| t.eq_ignore_ascii_case(compute_type))
    }
}

/// One quota usage line of a region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    pub name: String,
    pub localized_name: String,
    pub current: i64,
    /// `-1` means unlimited (shared low-priority pools).
    pub limit: i64,
    pub unit: String,
    /// The usage `type`, e.g. `Microsoft.MachineLearningServices/vmFamily/dedicatedCores/usages`.
    pub kind: String,
}

impl Usage {
    pub fn from_json(v: &Value) -> Usage {
        let name = v.get("name");
        let s = |v: Option<&Value>, k: &str| {
            v.and_then(|v| v.get(k)).and_then(Value::as_str).unwrap_or_default().to_string()
        };
        Usage {
            name: s(name, "value"),
            localized_name: s(name, "localizedValue"),
            current: v.get("currentValue").and_then(Value::as_i64).unwrap_or(0),
            limit: v.get("limit").and_then(Value::as_i64).unwrap_or(0),
            unit: s(Some(v), "unit"),
            kind: s(Some(v), "type"),
        }
    }
}
