//! Document symbols: the spec's keys as an outline, under one `Compute` root for a compute spec.

use crate::check::CheckResult;
use crate::syntax::text::TextRange;
use crate::syntax::{Entry, Node, NodeKind, ScalarValue};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// The compute itself (root).
    Compute,
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

/// Scalar details longer than this are cut (an SSH key would fill the outline).
const MAX_DETAIL: usize = 60;

pub fn document_symbols(text: &str, result: &CheckResult) -> Vec<Symbol> {
    let Some(root) = result.parsed.root.as_ref() else { return Vec::new() };
    let children = children_of(root);
    let Some(detection) = result.detection.as_ref() else { return children };
    let name_node = root.get("name").filter(|n| n.as_str().is_some_and(|s| !s.trim().is_empty()));
    let name = name_node.and_then(Node::as_str).map_or("(unnamed compute)".to_string(), |s| s.trim().to_string());
    let detail = detection.kind.map_or("unknown compute type".to_string(), |k| k.display_name().to_string());
    let range = if root.range.is_empty() { TextRange::new(0, text.len()) } else { root.range };
    vec![Symbol {
        name,
        detail: Some(detail),
        kind: SymbolKind::Compute,
        range,
        selection_range: name_node.map_or(TextRange::empty(range.start()), |n| n.range),
        children,
    }]
}

fn children_of(node: &Node) -> Vec<Symbol> {
    match &node.kind {
        NodeKind::Mapping(entries) => entries.iter().map(entry_symbol).collect(),
        NodeKind::Sequence(items) => items.iter().enumerate().map(|(i, item)| item_symbol(i, item)).collect(),
        _ => Vec::new(),
    }
}

fn entry_symbol(entry: &Entry) -> Symbol {
    let range = entry.key_range.cover(entry.value.range);
    // Nothing under a secret key is shown, whatever its shape (a password typed as a list).
    let secret = crate::check::SECRET_KEYS.contains(&entry.key.text.as_str()) && !entry.value.is_null();
    Symbol {
        name: entry.key.text.clone(),
        detail: if secret { Some("<redacted>".to_string()) } else { scalar_detail(&entry.value) },
        kind: kind_of(&entry.value),
        range,
        selection_range: entry.key_range,
        children: if secret { Vec::new() } else { children_of(&entry.value) },
    }
}

/// A list item is named by its `name`, `action` or `resource_id`, else by its index.
fn item_symbol(index: usize, item: &Node) -> Symbol {
    let label = ["name", "action", "resource_id"]
        .iter()
        .find_map(|k| item.get(k).and_then(Node::scalar_text).filter(|s| !s.is_empty()).map(String::from));
    let (name, detail) = match (label, item.as_scalar()) {
        (Some(label), _) => (label, Some(format!("[{index}]"))),
        (None, Some(_)) => (format!("[{index}]"), scalar_detail(item)),
        (None, None) => (format!("[{index}]"), None),
    };
    Symbol {
        name,
        detail,
        kind: kind_of(item),
        range: item.range,
        selection_range: item.range,
        children: children_of(item),
    }
}

fn scalar_detail(node: &Node) -> Option<String> {
    let text = node.scalar_text()?;
    if text.chars().count() > MAX_DETAIL {
        return Some(format!("{}…", text.chars().take(MAX_DETAIL - 1).collect::<String>()));
    }
    Some(text.to_string())
}

fn kind_of(node: &Node) -> SymbolKind {
    match &node.kind {
        NodeKind::Mapping(_) => SymbolKind::Object,
        NodeKind::Sequence(_) => SymbolKind::Array,
        NodeKind::Missing => SymbolKind::Null,
        NodeKind::Scalar(s) => match s.value {
            ScalarValue::Null => SymbolKind::Null,
            ScalarValue::Bool(_) => SymbolKind::Boolean,
            ScalarValue::Int(_) | ScalarValue::Float(_) => SymbolKind::Number,
            ScalarValue::Str => SymbolKind::String,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, check_text};

    fn symbols(text: &str, path: &str) -> Vec<Symbol> {
        let result = check_text(text, Some(path), &CheckOptions::default());
        document_symbols(text, &result)
    }

    fn corpus(name: &str) -> String {
        crate::test_corpus::read(&format!("specs-valid/{name}"))
    }

    fn names(symbols: &[Symbol]) -> Vec<&str> {
        symbols.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    #[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]
    fn a_compute_spec_is_one_compute_symbol_named_after_its_name() {
        let text = corpus("azure-sdk-for-python__sdk__ml__azure-ai-ml__tests__test_configs__compute__compute-aml.yaml");
        let out = symbols(&text, "aml.yaml");
        assert_eq!(out.len(), 1);
        let root = &out[0];
        assert_eq!((root.name.as_str(), root.kind), ("banchaml", SymbolKind::Compute));
        assert_eq!(root.detail.as_deref(), Some("compute cluster"));
        assert_eq!(&text[root.selection_range.start()..root.selection_range.end()], "banchaml");
        assert_eq!(names(&root.children)[..4], ["name", "type", "description", "size"]);
        let ssh = root.children.iter().find(|s| s.name == "ssh_settings").unwrap();
        assert_eq!(ssh.kind, SymbolKind::Object);
        assert_eq!(names(&ssh.children), vec!["admin_username", "ssh_key_value", "admin_password"]);
        let password = &ssh.children[2];
        assert_eq!(password.detail.as_deref(), Some("<redacted>"));
        assert!(ssh.children[1].detail.as_deref().unwrap().ends_with('…'));
        let max = root.children.iter().find(|s| s.name == "max_instances").unwrap();
        assert_eq!((max.kind, max.detail.as_deref()), (SymbolKind::Number, Some("2")));
        assert_eq!(&text[max.range.start()..max.range.end()], "max_instances: 2");
        let identity = root.children.iter().find(|s| s.name == "identity").unwrap();
        let uai = identity.children.iter().find(|s| s.name == "user_assigned_identities").unwrap();
        assert_eq!(uai.kind, SymbolKind::Array);
        assert!(uai.children[0].name.ends_with("userAssignedIdentities/x"), "{}", uai.children[0].name);
        assert_eq!(uai.children[0].detail.as_deref(), Some("[0]"));
    }

    #[test]
    #[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]
    fn schedule_items_are_named_by_their_action() {
        let text = corpus(
            "azure-sdk-for-python__sdk__ml__azure-ai-ml__tests__test_configs__compute__compute-ci-schedules.yaml",
        );
        let out = symbols(&text, "ci.yaml");
        let schedules = out[0].children.iter().find(|s| s.name == "schedules").unwrap();
        let list = &schedules.children[0];
        assert_eq!(names(&list.children), vec!["stop", "start"]);
        let week_days = &list.children[1].children.iter().find(|s| s.name == "trigger").unwrap().children;
        let days = week_days
            .iter()
            .find(|s| s.name == "schedule")
            .unwrap()
            .children
            .iter()
            .find(|s| s.name == "week_days")
            .unwrap();
        assert_eq!(names(&days.children), vec!["[0]", "[1]"]);
        assert_eq!(days.children[0].detail.as_deref(), Some("monday"));
    }

    #[test]
    fn an_unnamed_arm_body_is_an_unnamed_compute() {
        let text = "{\"properties\": {\"computeType\": \"AKS\", \"properties\": {\"agentCount\": 3}}}";
        let out = symbols(text, "a.json");
        assert_eq!(out[0].name, "(unnamed compute)");
        assert_eq!(out[0].detail.as_deref(), Some("AKS inference cluster"));
        assert_eq!(names(&out[0].children), vec!["properties"]);
        assert_eq!(names(&out[0].children[0].children), vec!["computeType", "properties"]);
    }

    #[test]
    fn other_documents_list_their_top_level_keys() {
        let out = symbols("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n", "pod.yaml");
        assert_eq!(names(&out), vec!["apiVersion", "kind", "metadata"]);
        assert_eq!(names(&out[2].children), vec!["name"]);
        assert!(symbols("", "empty.yaml").is_empty());
    }

    #[test]
    fn a_half_typed_key_is_still_listed() {
        let out = symbols("name: a\ntype: amlcompute\nsiz\n", "c.yml");
        let last = out[0].children.last().unwrap();
        assert_eq!((last.name.as_str(), last.kind), ("siz", SymbolKind::Null));
    }
}
