//! What the IDE features share about schemas and documents: the root schema of a checked
//! document, the properties a mapping may hold (across `oneOf` branches), and field
//! documentation. Everything reads the cached `SchemaSet`; nothing compiles per call.

use super::query::PathSegment;
use crate::check::CheckResult;
use crate::check::catalog::{Catalog, VmSize};
use crate::check::schema::{JsonType, Schema, SchemaId, SchemaSet};
use crate::check::validate;
use crate::spec::kinds::{ComputeKind, SpecForm};
use crate::syntax::{Format, Node};
use serde_json::Value;

/// The schema a checked document is validated against, with its kind and form when known.
/// A document of unknown kind in ARM form still gets the ARM root (a `oneOf` over all kinds).
pub(crate) fn document_schema(result: &CheckResult) -> Option<(SchemaId, Option<ComputeKind>)> {
    let set = SchemaSet::get();
    let detection = result.detection.as_ref()?;
    match (detection.kind, detection.form) {
        (Some(kind), form) => set.lookup(&kind.schema_ref(form)).map(|id| (id, Some(kind))),
        (None, SpecForm::Arm) => set.lookup("arm-compute.schema.json").map(|id| (id, None)),
        (None, SpecForm::Cli) => None,
    }
}

pub(crate) fn is_json(result: &CheckResult) -> bool {
    result.parsed.format == Format::Json
}

/// The schema at `path` under `root`.
pub(crate) fn schema_at(root: SchemaId, path: &[PathSegment]) -> Option<SchemaId> {
    find_path(SchemaSet::get(), root, path)
}

/// `validate::find_path` spells a list item `[]`; this is the one place the IDE's typed paths
/// meet that spelling.
fn find_path(set: &SchemaSet, root: SchemaId, path: &[PathSegment]) -> Option<SchemaId> {
    let spelled: Vec<String> = path
        .iter()
        .map(|s| match s {
            PathSegment::Key(k) => k.clone(),
            PathSegment::Item => "[]".to_string(),
        })
        .collect();
    validate::find_path(set, root, &spelled)
}

/// The properties a mapping schema allows, including those of its `oneOf` and discriminator
/// branches (a schedule trigger is cron or recurrence), first occurrence wins.
pub(crate) fn properties(id: SchemaId) -> Vec<(&'static str, SchemaId)> {
    let mut out = Vec::new();
    collect_properties(SchemaSet::get(), id, &mut out, 0);
    out
}

fn collect_properties(set: &'static SchemaSet, id: SchemaId, out: &mut Vec<(&'static str, SchemaId)>, depth: usize) {
    if depth > 4 {
        return;
    }
    let s = set.node(id);
    for (name, pid) in &s.properties {
        if !out.iter().any(|(n, _)| *n == name.as_str()) {
            out.push((name.as_str(), *pid));
        }
    }
    let branches = s.one_of.iter().copied().chain(s.discriminator.iter().flat_map(|(_, m)| m.iter().map(|(_, b)| *b)));
    for b in branches.collect::<Vec<_>>() {
        collect_properties(set, b, out, depth + 1);
    }
}

/// Every schema a field named `name` has in a mapping and its `oneOf`/discriminator branches.
pub(crate) fn branch_fields(id: SchemaId, name: &str) -> Vec<SchemaId> {
    fn walk(set: &SchemaSet, id: SchemaId, name: &str, out: &mut Vec<SchemaId>, depth: usize) {
        if depth > 4 {
            return;
        }
        let s = set.node(id);
        if let Some(p) = s.property(name)
            && !out.contains(&p)
        {
            out.push(p);
        }
        let branches =
            s.one_of.iter().copied().chain(s.discriminator.iter().flat_map(|(_, m)| m.iter().map(|(_, b)| *b)));
        for b in branches.collect::<Vec<_>>() {
            walk(set, b, name, out, depth + 1);
        }
    }
    let mut out = Vec::new();
    walk(SchemaSet::get(), id, name, &mut out, 0);
    out
}

/// The value kinds of a schema, ignoring `null` (ARM fields are nullable).
pub(crate) fn non_null_types(schema: &Schema) -> Vec<JsonType> {
    schema.types.iter().copied().filter(|t| *t != JsonType::Null).collect()
}

pub(crate) fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Object => "mapping",
        JsonType::Array => "list",
        JsonType::String => "string",
        JsonType::Integer => "integer",
        JsonType::Number => "number",
        JsonType::Boolean => "boolean",
        JsonType::Null => "null",
    }
}

/// "string", "integer or string", "list of string"; empty when the schema says nothing.
pub(crate) fn type_label(schema: &Schema) -> String {
    let set = SchemaSet::get();
    let types = non_null_types(schema);
    let names: Vec<String> = types
        .iter()
        .map(|t| match (t, schema.items) {
            (JsonType::Array, Some(items)) => {
                let inner = non_null_types(set.node(items));
                match inner.as_slice() {
                    [one] => format!("list of {}", type_name(*one)),
                    _ => "list".to_string(),
                }
            }
            _ => type_name(*t).to_string(),
        })
        .collect();
    names.join(" or ")
}

pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The field's documentation: its markdown description (or plain description), then its
/// default and deprecation when the description does not already say them.
pub(crate) fn field_docs(schema: &Schema) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let docs = schema.docs().unwrap_or("");
    if !docs.is_empty() {
        parts.push(docs.to_string());
    }
    if let Some(default) = &schema.default
        && !docs.contains("Default:")
    {
        parts.push(format!("Default: `{}`", value_text(default)));
    }
    if schema.deprecated {
        let msg = schema.deprecation_message.as_deref().unwrap_or("This field is deprecated.");
        if !docs.contains(msg) {
            parts.push(format!("_Deprecated:_ {msg}"));
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Whether a schema describes a mapping with named fields.
pub(crate) fn is_object(schema: &Schema) -> bool {
    schema.types.contains(&JsonType::Object) || (!schema.properties.is_empty() && schema.types.is_empty())
}

/// The spec's region: the document's `location` (or ARM `properties.computeLocation`),
/// else the configured default.
pub(crate) fn spec_location(root: Option<&Node>, default_location: Option<&str>) -> Option<String> {
    let from_doc = root.and_then(|r| {
        r.get("location")
            .and_then(Node::as_str)
            .or_else(|| r.get_path(&["properties", "computeLocation"]).and_then(Node::as_str))
    });
    from_doc.or(default_location).map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// The schemas of every kind that has a field at `path` in `form`, in `ComputeKind` order.
pub(crate) fn kinds_with_field(path: &[PathSegment], form: SpecForm) -> Vec<ComputeKind> {
    let set = SchemaSet::get();
    let kinds: &[ComputeKind] = match form {
        SpecForm::Cli => &ComputeKind::CLI,
        SpecForm::Arm => &ComputeKind::ALL,
    };
    kinds
        .iter()
        .copied()
        .filter(|k| set.lookup(&k.schema_ref(form)).is_some_and(|root| find_path(set, root, path).is_some()))
        .collect()
}

/// A VM size as markdown: what it is, who may use it, where, what it costs (in `region`, or
/// else where the catalog knows both prices), and whether it is retired.
pub(crate) fn size_card(size: &VmSize, region: Option<&str>) -> String {
    let catalog = Catalog::get();
    let mut lines = vec![format!("**{}** · {} family", size.name, size.family), String::new()];
    lines.push(format!("- vCPUs: {}", size.vcpus));
    lines.push(format!("- Memory: {} GiB", fmt_num(size.memory_gib)));
    if size.gpus > 0 {
        lines.push(format!("- GPUs: {}× {}", size.gpus, size.gpu_model.unwrap_or("GPU")));
    } else {
        lines.push("- GPUs: none".to_string());
    }
    lines.push(format!("- Low priority: {}", if size.low_priority { "yes" } else { "no" }));
    let kinds: Vec<String> = ComputeKind::ALL
        .iter()
        .filter(|k| size.offered_for(**k))
        .map(|k| format!("{} (`{}`)", k.display_name(), k.id()))
        .collect();
    lines.push(format!("- Compute kinds: {}", if kinds.is_empty() { "none".to_string() } else { kinds.join(", ") }));
    let unconfirmed: Vec<String> = ComputeKind::ALL
        .iter()
        .filter(|k| size.unconfirmed_for(**k))
        .map(|k| format!("{} (`{}`)", k.display_name(), k.id()))
        .collect();
    if !unconfirmed.is_empty() {
        lines.push(format!(
            "- Not confirmed for: {} (Azure ML's size list does not include it; `az ml compute list-sizes` tells)",
            unconfirmed.join(", ")
        ));
    }
    let known = catalog.regions.iter().filter(|r| r.availability_known).count();
    let region = region.and_then(|r| catalog.region(r));
    if size.region_count() == 0 {
        lines.push("- Regions: no region data".to_string());
    } else {
        let here = match region {
            Some(r) if r.availability_known && size.offered_in(r.name) => format!("; offered in {}", r.name),
            Some(r) if r.availability_known => format!("; **not offered in {}**", r.name),
            _ => String::new(),
        };
        lines.push(format!("- Regions: offered in {} of the {known} regions with data{here}", size.region_count()));
    }
    let priced_in = region.map_or(catalog.prices_of.low_priority_region, |r| r.name);
    if let Some(price) = catalog.price_text(size, priced_in) {
        lines.push(format!("- Price: {price}"));
    }
    match (size.retired, size.retired_on()) {
        (Some(_), Some(date)) => lines.push(format!("- **Retired** on {date}: new computes cannot use it")),
        (Some(_), None) => {
            lines.push("- **Retired** (Azure published no date): new computes cannot use it".to_string())
        }
        _ => {}
    }
    lines.join("\n")
}

pub(crate) fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 { format!("{}", n as i64) } else { format!("{n}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_properties_include_both_branches() {
        let set = SchemaSet::get();
        let root = set.lookup("computeinstance.schema.json").unwrap();
        let path = [
            PathSegment::key("schedules"),
            PathSegment::key("compute_start_stop"),
            PathSegment::Item,
            PathSegment::key("trigger"),
        ];
        let trigger = schema_at(root, &path).unwrap();
        let names: Vec<&str> = properties(trigger).iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"expression"), "{names:?}");
        assert!(names.contains(&"frequency"), "{names:?}");
    }

    #[test]
    fn size_is_a_field_of_clusters_and_instances_only() {
        let kinds = kinds_with_field(&[PathSegment::key("size")], SpecForm::Cli);
        assert_eq!(kinds, vec![ComputeKind::AmlCompute, ComputeKind::ComputeInstance]);
    }
}
