//! Completion: keys, values and whole-spec snippets, on half-typed documents.
//!
//! The context (which mapping the cursor is in, key or value position, what to replace) comes
//! from `query::cursor_at`, the one answer to "where is the cursor" the IDE features share.
//! The schema of the detected kind (cached `SchemaSet`) then says what may go there, and the
//! catalog gives VM sizes and regions.

use super::query::{self, Cursor, PathSegment, Place, keys_only};
use super::schema_info::{
    branch_fields, document_schema, field_docs, is_json, is_object, non_null_types, properties, schema_at,
    spec_location, type_label, value_text,
};
use crate::check::catalog::{Catalog, usd};
use crate::check::schema::{JsonType, Schema, SchemaSet, ValueKind};
use crate::check::{CheckOptions, CheckResult};
use crate::spec::kinds::{ComputeKind, SpecForm, modeline_schema};
use crate::syntax::text::TextRange;
use crate::syntax::{Node, ScalarValue};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Field,
    Value,
    EnumMember,
    Boolean,
    VmSize,
    Region,
    Url,
    Snippet,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown beside the label (a VM size's "4 vCPUs · 14 GiB").
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Text to insert; LSP snippet syntax (`$1`, `${1:name}`) when `is_snippet`.
    pub insert_text: String,
    pub is_snippet: bool,
    /// Sorts ascending; common items first.
    pub sort_text: String,
    /// The text the item replaces (the partial word under the cursor), if any.
    pub replace_range: Option<TextRange>,
}

/// Completion items at byte `offset` of `text` (already checked into `result`).
pub fn complete(text: &str, offset: usize, result: &CheckResult, options: &CheckOptions) -> Vec<CompletionItem> {
    let offset = query::clamp_offset(text, offset);
    if query::in_comment(&result.parsed, offset) {
        return Vec::new();
    }
    let json = is_json(result);
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return empty_document_items(json, offset);
    }
    let Some(at) = query::cursor_at(text, &result.parsed, offset) else { return Vec::new() };
    // Inside a block scalar or a string over several lines there is nothing to offer.
    if at.multi_line {
        return Vec::new();
    }
    let context = Context { at, json };
    let mut items = Vec::new();
    match context.at.place {
        Place::Key | Place::ItemStart => key_items(&context, result, &mut items),
        Place::Value | Place::Item => value_items(&context, &context.at.path, result, options, &mut items),
    }
    items
}

// ---------------------------------------------------------------------------------------------
// Context

/// The query's answer for the cursor, and the document's format.
#[derive(Debug)]
struct Context {
    at: Cursor,
    json: bool,
}

impl Context {
    /// `key:‸` in YAML needs a space before the value.
    fn value_prefix(&self) -> &'static str {
        if self.at.needs_space { " " } else { "" }
    }
}

// ---------------------------------------------------------------------------------------------
// Items

fn item(
    label: impl Into<String>,
    kind: CompletionKind,
    insert_text: impl Into<String>,
    sort_text: String,
) -> CompletionItem {
    CompletionItem {
        label: label.into(),
        kind,
        detail: None,
        documentation: None,
        insert_text: insert_text.into(),
        is_snippet: false,
        sort_text,
        replace_range: None,
    }
}

fn key_items(ctx: &Context, result: &CheckResult, out: &mut Vec<CompletionItem>) {
    let set = SchemaSet::get();
    let schema = document_schema(result).or_else(|| {
        // An ARM body whose kind is not known yet: every ARM kind's fields.
        ctx.json.then(|| set.lookup("arm-compute.schema.json").map(|id| (id, None))).flatten()
    });
    let Some((root, _)) = schema else {
        if !ctx.json && ctx.at.path.is_empty() {
            unknown_kind_key_items(ctx, modeline_schema(&result.parsed.comments).is_some(), out);
        }
        return;
    };
    let Some(mapping) = schema_at(root, &ctx.at.path) else { return };
    let mapping_schema = set.node(mapping);
    if !is_object(mapping_schema) && ctx.at.path.last() == Some(&PathSegment::Item) {
        // A new item of a list of scalars (`week_days:` then `- `): offer the item values.
        value_items_for(ctx, &ctx.at.path, Some(mapping_schema), Vec::new(), result, &CheckOptions::default(), out);
        return;
    }
    let has_modeline = modeline_schema(&result.parsed.comments).is_some();
    for (name, id) in properties(mapping) {
        let s = set.node(id);
        if s.read_only || ctx.at.present_keys.iter().any(|k| k == name) || (name == "$schema" && has_modeline) {
            continue;
        }
        let required = mapping_schema.required.iter().any(|r| r == name);
        let rank = if s.deprecated {
            '2'
        } else if required {
            '0'
        } else {
            '1'
        };
        let mut it = item(name, CompletionKind::Field, key_insert(ctx, name, s), format!("{rank}{name}"));
        let label = type_label(s);
        it.detail = (!label.is_empty()).then(|| if required { format!("{label} (required)") } else { label });
        it.documentation = field_docs(s);
        it.replace_range = Some(ctx.at.span);
        out.push(it);
    }
}

fn key_insert(ctx: &Context, name: &str, schema: &Schema) -> String {
    let key = if ctx.json { format!("\"{name}\"") } else { name.to_string() };
    if ctx.at.colon_follows {
        return key;
    }
    let nested = non_null_types(schema).iter().all(|t| matches!(t, JsonType::Object | JsonType::Array))
        && !schema.types.is_empty();
    if nested && !ctx.json { format!("{key}:") } else { format!("{key}: ") }
}

/// Keys for a YAML document whose kind is not known yet, and the snippets at its top.
fn unknown_kind_key_items(ctx: &Context, has_modeline: bool, out: &mut Vec<CompletionItem>) {
    let docs = [
        (
            "type",
            "Kind of compute: one of `amlcompute`, `computeinstance`, `virtualmachine`, `kubernetes`, `synapsespark`.",
        ),
        ("name", "Name of the compute target."),
        ("$schema", "URL of the editor schema for this file; ignored by the CLI. It also tells the editor the kind."),
    ];
    for (i, (name, doc)) in docs.iter().enumerate() {
        if ctx.at.present_keys.iter().any(|k| k == name) || (*name == "$schema" && has_modeline) {
            continue;
        }
        let mut it = item(*name, CompletionKind::Field, key_insert(ctx, name, &Schema::default()), format!("0{i}"));
        it.detail = Some("string".to_string());
        it.documentation = Some(doc.to_string());
        it.replace_range = Some(ctx.at.span);
        out.push(it);
    }
    if ctx.at.top_level_start {
        for mut s in yaml_snippets() {
            s.replace_range = Some(ctx.at.span);
            out.push(s);
        }
    }
}

fn value_items(
    ctx: &Context,
    path: &[PathSegment],
    result: &CheckResult,
    options: &CheckOptions,
    out: &mut Vec<CompletionItem>,
) {
    let set = SchemaSet::get();
    let root = document_schema(result).map(|(root, _)| root);
    let field = root.and_then(|root| schema_at(root, path)).map(|id| set.node(id));
    // A discriminated mapping (a cron or recurrence trigger) offers every branch's value.
    let mut values: Vec<&str> = Vec::new();
    if let (Some(root), Some((PathSegment::Key(name), parent_path))) = (root, path.split_last())
        && let Some(parent) = schema_at(root, parent_path)
    {
        for id in branch_fields(parent, name) {
            for v in set.node(id).enum_strings() {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
        }
    }
    value_items_for(ctx, path, field, values, result, options, out);
}

fn value_items_for(
    ctx: &Context,
    path: &[PathSegment],
    field: Option<&Schema>,
    branch_values: Vec<&str>,
    result: &CheckResult,
    options: &CheckOptions,
    out: &mut Vec<CompletionItem>,
) {
    let form = result.detection.as_ref().map_or(if ctx.json { SpecForm::Arm } else { SpecForm::Cli }, |d| d.form);
    let segs = keys_only(path).unwrap_or_default();
    let push = |out: &mut Vec<CompletionItem>, mut it: CompletionItem| {
        it.replace_range = Some(ctx.at.span);
        out.push(it);
    };
    // The kind itself: offered whatever the current value, since it is what decides the schema.
    if form == SpecForm::Cli && segs == ["type"] {
        for (i, kind) in ComputeKind::CLI.iter().enumerate() {
            let t = kind.cli_type().unwrap_or_default();
            let mut it = item(t, CompletionKind::EnumMember, value_insert(ctx, t, true), format!("{i}"));
            it.detail = Some(kind.display_name().to_string());
            it.documentation = Some(format!("Describes {} (`az ml compute create --file`).", kind.a_display_name()));
            push(out, it);
        }
        return;
    }
    if segs == ["properties", "computeType"] && (ctx.json || form == SpecForm::Arm) {
        for (i, kind) in ComputeKind::ALL.iter().enumerate() {
            let t = kind.arm_type();
            let mut it = item(t, CompletionKind::EnumMember, value_insert(ctx, t, true), format!("{i:02}"));
            it.detail = Some(kind.display_name().to_string());
            push(out, it);
        }
        return;
    }
    if segs == ["$schema"] {
        for (i, kind) in ComputeKind::CLI.iter().enumerate() {
            let Some(url) = kind.published_schema_url() else { continue };
            let mut it = item(url, CompletionKind::Url, value_insert(ctx, url, true), format!("{i}"));
            it.detail = Some(kind.display_name().to_string());
            push(out, it);
        }
        return;
    }
    let Some(field) = field else { return };
    let docs = field_docs(field);
    match field.value_kind {
        Some(ValueKind::VmSize) => {
            size_items(ctx, result, options, out);
            return;
        }
        Some(ValueKind::Location) => {
            for region in &Catalog::get().regions {
                let mut it = item(
                    region.name,
                    CompletionKind::Region,
                    value_insert(ctx, region.name, true),
                    region.name.to_string(),
                );
                it.detail = Some(region.display_name.to_string());
                it.documentation = Some(format!(
                    "**{}** (`{}`) · {}{}",
                    region.display_name,
                    region.name,
                    region.geography,
                    if region.availability_known { "" } else { "\n\nNo VM size availability data for this region." }
                ));
                push(out, it);
            }
            return;
        }
        _ => {}
    }
    let default = field.default.as_ref().map(value_text);
    let values = if branch_values.len() > 1 { branch_values } else { field.enum_strings() };
    if !values.is_empty() {
        for (i, v) in values.iter().enumerate() {
            let mut it = item(*v, CompletionKind::EnumMember, value_insert(ctx, v, true), format!("{i:02}"));
            if default.as_deref() == Some(*v) {
                it.detail = Some("default".to_string());
            }
            it.documentation = docs.clone();
            push(out, it);
        }
        return;
    }
    if field.allows(JsonType::Boolean) && !field.types.is_empty() {
        for (i, v) in ["true", "false"].iter().enumerate() {
            let mut it = item(*v, CompletionKind::Boolean, value_insert(ctx, v, false), format!("{i}"));
            if default.as_deref() == Some(*v) {
                it.detail = Some("default".to_string());
            }
            it.documentation = docs.clone();
            push(out, it);
        }
    }
}

fn size_items(ctx: &Context, result: &CheckResult, options: &CheckOptions, out: &mut Vec<CompletionItem>) {
    let catalog = Catalog::get();
    let kind = result.kind();
    let root = result.parsed.root.as_ref();
    let region = spec_location(root, options.default_location.as_deref())
        .and_then(|l| catalog.region(l.as_str()))
        .filter(|r| r.availability_known);
    let low_priority = root.is_some_and(|r| {
        let tier = r.get("tier").or_else(|| r.get_path(&["properties", "properties", "vmPriority"]));
        tier.and_then(Node::scalar_text)
            .is_some_and(|t| t.eq_ignore_ascii_case("low_priority") || t.eq_ignore_ascii_case("lowpriority"))
    });
    // The catalog is in natural order (D2s before D16s); the sort text keeps that order, common
    // sizes first, since clients sort by it as plain text.
    for (order, size) in catalog.sizes.iter().enumerate() {
        if size.retired.is_some()
            || kind.is_some_and(|k| !size.offered_for(k))
            || region.is_some_and(|r| !size.offered_in(r.name))
            || (low_priority && !size.low_priority)
        {
            continue;
        }
        let rank = if size.common { '0' } else { '1' };
        let mut it =
            item(size.name, CompletionKind::VmSize, value_insert(ctx, size.name, true), format!("{rank}{order:04}"));
        let dates = &catalog.prices_of;
        let price = region.and_then(|r| catalog.price(size, r.name)).map(|p| match p.low_priority {
            Some(low) => format!(
                " · ≈ {}/h, low priority ≈ {}/h (estimates, prices of {} / {})",
                usd(p.payg),
                usd(low),
                dates.payg_of,
                dates.low_priority_of
            ),
            None if size.low_priority => format!(
                " · ≈ {}/h, low priority price unknown here (estimate, prices of {})",
                usd(p.payg),
                dates.payg_of
            ),
            None => format!(" · ≈ {}/h (estimate, prices of {})", usd(p.payg), dates.payg_of),
        });
        it.detail = Some(size.summary() + price.as_deref().unwrap_or(""));
        it.documentation = Some(super::schema_info::size_card(size, region.map(|r| r.name)));
        it.replace_range = Some(ctx.at.span);
        out.push(it);
    }
}

fn value_insert(ctx: &Context, value: &str, is_string: bool) -> String {
    let body = if ctx.json {
        if is_string { format!("\"{value}\"") } else { value.to_string() }
    } else if let Some(q) = ctx.at.quote {
        format!("{q}{value}{q}")
    } else if is_string && crate::syntax::yaml::resolve_plain(value) != ScalarValue::Str {
        format!("'{value}'")
    } else {
        value.to_string()
    };
    format!("{}{body}", ctx.value_prefix())
}

// ---------------------------------------------------------------------------------------------
// Snippets

const SUBSCRIPTION: &str = "${2:00000000-0000-0000-0000-000000000000}";

/// One whole-spec snippet per CLI kind. `$` outside placeholders is escaped for LSP snippets.
fn yaml_snippets() -> Vec<CompletionItem> {
    let schema_line =
        |kind: ComputeKind| kind.published_schema_url().map(|u| format!("\\$schema: {u}\n")).unwrap_or_default();
    let specs: Vec<(ComputeKind, &str, String)> = vec![
        (
            ComputeKind::AmlCompute,
            "compute cluster",
            format!(
                "{}name: ${{1:cpu-cluster}}\ntype: amlcompute\nsize: ${{2:Standard_DS3_v2}}\nmin_instances: ${{3:0}}\nmax_instances: ${{4:4}}\nidle_time_before_scale_down: ${{5:120}}\n$0",
                schema_line(ComputeKind::AmlCompute)
            ),
        ),
        (
            ComputeKind::ComputeInstance,
            "compute instance",
            format!(
                "{}name: ${{1:my-instance}}\ntype: computeinstance\nsize: ${{2:Standard_DS3_v2}}\nidle_time_before_shutdown_minutes: ${{3:60}}\n$0",
                schema_line(ComputeKind::ComputeInstance)
            ),
        ),
        (
            ComputeKind::VirtualMachine,
            "attached virtual machine",
            format!(
                "{}name: ${{1:my-vm}}\ntype: virtualmachine\nresource_id: /subscriptions/{SUBSCRIPTION}/resourceGroups/${{3:my-resource-group}}/providers/Microsoft.Compute/virtualMachines/${{4:my-vm}}\nssh_settings:\n  admin_username: ${{5:azureuser}}\n  ssh_private_key_file: ${{6:~/.ssh/id_rsa}}\n$0",
                schema_line(ComputeKind::VirtualMachine)
            ),
        ),
        (
            ComputeKind::Kubernetes,
            "attached Kubernetes cluster",
            format!(
                "{}name: ${{1:k8s-compute}}\ntype: kubernetes\nresource_id: /subscriptions/{SUBSCRIPTION}/resourceGroups/${{3:my-resource-group}}/providers/Microsoft.Kubernetes/connectedClusters/${{4:my-cluster}}\nnamespace: ${{5:default}}\nidentity:\n  type: system_assigned\n$0",
                schema_line(ComputeKind::Kubernetes)
            ),
        ),
        (
            ComputeKind::SynapseSpark,
            "attached Synapse Spark pool",
            format!(
                "name: ${{1:spark-pool}}\ntype: synapsespark\nresource_id: /subscriptions/{SUBSCRIPTION}/resourceGroups/${{3:my-resource-group}}/providers/Microsoft.Synapse/workspaces/${{4:my-workspace}}/bigDataPools/${{5:my-pool}}\nidentity:\n  type: system_assigned\n$0"
            ),
        ),
    ];
    specs
        .into_iter()
        .enumerate()
        .map(|(i, (kind, label, body))| CompletionItem {
            label: format!("{label} ({})", kind.cli_type().unwrap_or_default()),
            kind: CompletionKind::Snippet,
            detail: Some(format!("Whole spec for {}", kind.a_display_name())),
            documentation: Some(format!("```yaml\n{}```", unescape_snippet(&body))),
            insert_text: body,
            is_snippet: true,
            sort_text: format!("9{i}"),
            replace_range: None,
        })
        .collect()
}

fn arm_aks_snippet() -> CompletionItem {
    let body = format!(
        "{{\n  \"name\": \"${{1:aks-compute}}\",\n  \"location\": \"${{3:eastus}}\",\n  \"properties\": {{\n    \"computeType\": \"AKS\",\n    \"resourceId\": \"/subscriptions/{}/resourceGroups/${{4:my-resource-group}}/providers/Microsoft.ContainerService/managedClusters/${{5:my-aks}}\",\n    \"properties\": {{\n      \"agentCount\": ${{6:3}},\n      \"agentVmSize\": \"${{7:Standard_D3_v2}}\",\n      \"clusterPurpose\": \"${{8:FastProd}}\"\n    }}\n  }}\n}}\n$0",
        SUBSCRIPTION
    );
    CompletionItem {
        label: "AKS inference cluster (ARM JSON)".to_string(),
        kind: CompletionKind::Snippet,
        detail: Some("ARM body of an AKS inference cluster".to_string()),
        documentation: Some(format!("```json\n{}```", unescape_snippet(&body))),
        insert_text: body,
        is_snippet: true,
        sort_text: "90".to_string(),
        replace_range: None,
    }
}

fn empty_document_items(json: bool, offset: usize) -> Vec<CompletionItem> {
    if json {
        return vec![arm_aks_snippet()];
    }
    let ctx = Context {
        at: Cursor {
            place: Place::Key,
            path: Vec::new(),
            present_keys: Vec::new(),
            span: TextRange::empty(offset),
            quote: None,
            multi_line: false,
            colon_follows: false,
            needs_space: false,
            top_level_start: true,
        },
        json: false,
    };
    let mut out = yaml_snippets();
    let mut keys = Vec::new();
    unknown_kind_key_items(&ctx, false, &mut keys);
    keys.retain(|k| k.kind == CompletionKind::Field);
    out.extend(keys);
    out
}

/// The text a snippet inserts with every placeholder at its default.
fn unescape_snippet(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '$' => {
                if chars.peek() == Some(&'{') {
                    chars.next();
                    while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                        chars.next();
                    }
                    if chars.peek() == Some(&':') {
                        chars.next();
                    }
                    // The default runs to the matching `}` (defaults here hold no braces).
                    for d in chars.by_ref() {
                        if d == '}' {
                            break;
                        }
                        out.push(d);
                    }
                } else {
                    while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                        chars.next();
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Severity, check_text};

    const CURSOR: &str = "‸";

    fn complete_with(marked: &str, path: Option<&str>, options: &CheckOptions) -> (String, Vec<CompletionItem>) {
        let offset = marked.find(CURSOR).expect("cursor marker");
        let text = marked.replacen(CURSOR, "", 1);
        let result = check_text(&text, path, options);
        let items = complete(&text, offset, &result, options);
        (text, items)
    }

    fn complete_yaml(marked: &str) -> (String, Vec<CompletionItem>) {
        complete_with(marked, Some("spec.yml"), &CheckOptions::default())
    }

    fn labels(items: &[CompletionItem]) -> Vec<&str> {
        items.iter().map(|i| i.label.as_str()).collect()
    }

    fn find<'a>(items: &'a [CompletionItem], label: &str) -> &'a CompletionItem {
        items.iter().find(|i| i.label == label).unwrap_or_else(|| panic!("no {label} in {:?}", labels(items)))
    }

    fn replaced<'a>(text: &'a str, item: &CompletionItem) -> &'a str {
        let r = item.replace_range.expect("replace range");
        &text[r.start()..r.end()]
    }

    #[test]
    fn an_empty_yaml_file_offers_one_snippet_per_cli_kind_and_the_identifying_keys() {
        let (_, items) = complete_yaml("‸");
        let snippets: Vec<&CompletionItem> = items.iter().filter(|i| i.kind == CompletionKind::Snippet).collect();
        assert_eq!(snippets.len(), 5, "{:?}", labels(&items));
        for kind in ComputeKind::CLI {
            let s = snippets
                .iter()
                .find(|s| s.insert_text.contains(&format!("type: {}\n", kind.cli_type().unwrap())))
                .unwrap_or_else(|| panic!("no snippet for {kind:?}"));
            assert!(s.is_snippet);
            assert!(s.insert_text.contains("${1:"), "{}", s.insert_text);
        }
        let cluster = snippets.iter().find(|s| s.label.contains("amlcompute")).unwrap();
        assert!(
            cluster
                .insert_text
                .starts_with("\\$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\n")
        );
        for key in ["type", "name", "$schema"] {
            assert_eq!(find(&items, key).kind, CompletionKind::Field);
        }
        assert!(!items.iter().any(|i| i.label.contains("ARM")));
    }

    #[test]
    fn an_empty_json_file_offers_the_arm_aks_snippet() {
        let (_, items) = complete_with("‸", Some("compute.json"), &CheckOptions::default());
        assert_eq!(labels(&items), vec!["AKS inference cluster (ARM JSON)"]);
        assert!(items[0].is_snippet);
        assert!(items[0].insert_text.contains("\"computeType\": \"AKS\""));
        assert!(items[0].insert_text.contains("\"agentVmSize\": \"${7:Standard_D3_v2}\""));
    }

    #[test]
    fn every_snippet_expands_to_a_spec_the_checker_accepts() {
        let mut all = yaml_snippets();
        all.push(arm_aks_snippet());
        for snippet in all {
            let text = unescape_snippet(&snippet.insert_text);
            let path = if text.starts_with('{') { "s.json" } else { "s.yml" };
            let result = check_text(&text, Some(path), &CheckOptions::default());
            assert!(result.kind().is_some(), "{}: kind not detected\n{text}", snippet.label);
            let bad: Vec<_> = result
                .diagnostics
                .iter()
                .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
                .map(|d| format!("{} {}", d.code.id(), d.message))
                .collect();
            assert!(bad.is_empty(), "{}:\n{text}\n{bad:#?}", snippet.label);
        }
    }

    #[test]
    fn a_half_typed_key_offers_the_missing_fields_and_replaces_the_word() {
        let (text, items) = complete_yaml("name: cpu-cluster\ntype: amlcompute\nsiz‸\nmin_instances: 0\n");
        let size = find(&items, "size");
        assert_eq!(size.insert_text, "size: ");
        assert_eq!(replaced(&text, size), "siz");
        assert_eq!(size.kind, CompletionKind::Field);
        assert!(size.documentation.as_deref().unwrap().contains("Default: `Standard_DS3_v2`"));
        let names = labels(&items);
        for absent in ["name", "type", "min_instances", "id", "created_on", "provisioning_state"] {
            assert!(!names.contains(&absent), "{absent} offered: {names:?}");
        }
        assert!(names.contains(&"ssh_settings") && names.contains(&"max_instances"));
        assert_eq!(find(&items, "ssh_settings").insert_text, "ssh_settings:");
    }

    #[test]
    fn a_key_typed_before_an_existing_colon_is_completed_without_a_second_colon() {
        let (text, items) = complete_yaml("name: a\ntype: amlcompute\nti‸er: dedicated\n");
        let tier = find(&items, "tier");
        assert_eq!(tier.insert_text, "tier");
        assert_eq!(replaced(&text, tier), "tier");
    }

    #[test]
    fn size_values_are_the_kinds_sizes_with_common_ones_first() {
        let (text, items) = complete_yaml("name: a\ntype: amlcompute\nsize: ‸\n");
        let catalog = Catalog::get();
        assert!(!items.is_empty());
        assert!(items.iter().all(|i| i.kind == CompletionKind::VmSize));
        for it in &items {
            let size = catalog.size(&it.label).unwrap();
            assert!(size.offered_for(ComputeKind::AmlCompute) && size.retired.is_none(), "{}", it.label);
            assert_eq!(it.detail.as_deref(), Some(size.summary().as_str()));
        }
        let mut sorted = items.clone();
        sorted.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
        assert!(catalog.size(&sorted[0].label).unwrap().common);
        // Numbers sort as numbers (issue 13): D2s before D4s before D16s.
        let order: Vec<&str> = sorted.iter().map(|i| i.label.as_str()).collect();
        let at = |name: &str| order.iter().position(|l| *l == name).unwrap_or_else(|| panic!("no {name}"));
        assert!(
            at("Standard_D2s_v3") < at("Standard_D4s_v3") && at("Standard_D4s_v3") < at("Standard_D16s_v3"),
            "{order:?}"
        );
        let ds3 = find(&items, "Standard_DS3_v2");
        assert_eq!(ds3.insert_text, "Standard_DS3_v2");
        assert_eq!(replaced(&text, ds3), "");
        assert!(ds3.documentation.as_deref().unwrap().contains("- vCPUs: 4"));
        // Sizes only other kinds may use are left out.
        let aks_only = catalog.sizes.iter().find(|s| !s.offered_for(ComputeKind::AmlCompute)).unwrap();
        assert!(!labels(&items).contains(&aks_only.name));
        let retired = catalog.sizes.iter().find(|s| s.retired.is_some() && s.offered_for(ComputeKind::AmlCompute));
        if let Some(retired) = retired {
            assert!(!labels(&items).contains(&retired.name));
        }
    }

    #[test]
    fn sizes_complete_in_natural_order_with_prices_where_the_region_has_them() {
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\nlocation: eastus\nsize: Standard_D‸\n");
        let mut sorted = items.clone();
        sorted.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
        let rare: Vec<&str> = sorted
            .iter()
            .filter(|i| !Catalog::get().size(&i.label).unwrap().common)
            .map(|i| i.label.as_str())
            .collect();
        let at = |name: &str| rare.iter().position(|l| *l == name).unwrap_or_else(|| panic!("no {name}"));
        assert!(at("Standard_D2ds_v5") < at("Standard_D16ds_v5"), "D2 before D16: {rare:?}");
        assert!(at("Standard_D16ds_v5") < at("Standard_D96ds_v5"), "D16 before D96: {rare:?}");
        let a100 = find(&items, "Standard_NC24ads_A100_v4");
        assert_eq!(
            a100.detail.as_deref(),
            Some(
                "24 vCPUs · 220 GiB · 1× A100 80GB · ≈ $3.67/h, low priority ≈ $0.49/h (estimates, prices of 2026-06-18 / 2024-09-19)"
            )
        );
        assert!(
            a100.documentation.as_deref().unwrap().contains("- Price: ≈ $3.67/h, low priority ≈ $0.49/h in eastus")
        );
        // Without a location there is no price in the detail (no region to price in).
        let (_, anywhere) = complete_yaml("name: a\ntype: amlcompute\nsize: ‸\n");
        assert!(!find(&anywhere, "Standard_NC24ads_A100_v4").detail.as_deref().unwrap().contains('$'));
    }

    #[test]
    fn a_typed_size_prefix_is_replaced() {
        let (text, items) = complete_yaml("name: a\ntype: computeinstance\nsize: Stan‸\n");
        assert_eq!(replaced(&text, find(&items, "Standard_DS3_v2")), "Stan");
        let (text, items) = complete_yaml("name: a\ntype: computeinstance\nsize: \"Stan‸\" # comment\n");
        let ds3 = find(&items, "Standard_DS3_v2");
        assert_eq!(replaced(&text, ds3), "\"Stan\"");
        assert_eq!(ds3.insert_text, "\"Standard_DS3_v2\"");
    }

    #[test]
    fn sizes_are_limited_to_the_region_when_it_has_data() {
        let catalog = Catalog::get();
        let (region, missing) = catalog
            .regions
            .iter()
            .filter(|r| r.availability_known)
            .find_map(|r| {
                catalog
                    .sizes
                    .iter()
                    .find(|s| s.offered_for(ComputeKind::AmlCompute) && s.retired.is_none() && !s.offered_in(r.name))
                    .map(|s| (r.name, s.name))
            })
            .expect("a region without some cluster size");
        let (_, everywhere) = complete_yaml("name: a\ntype: amlcompute\nsize: ‸\n");
        assert!(labels(&everywhere).contains(&missing));
        let (_, here) = complete_yaml(&format!("name: a\ntype: amlcompute\nlocation: {region}\nsize: ‸\n"));
        assert!(!labels(&here).contains(&missing), "{missing} offered in {region}");
        assert!(!here.is_empty());
        let options = CheckOptions { default_location: Some(region.to_string()), ..CheckOptions::default() };
        let (_, by_default) = complete_with("name: a\ntype: amlcompute\nsize: ‸\n", Some("a.yml"), &options);
        assert_eq!(labels(&by_default), labels(&here));
    }

    #[test]
    fn an_empty_line_inside_ssh_settings_offers_its_sub_keys() {
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\nssh_settings:\n  ‸\nmin_instances: 0\n");
        let mut names = labels(&items);
        names.sort();
        assert_eq!(names, vec!["admin_password", "admin_username", "ssh_key_value"]);
        assert_eq!(find(&items, "admin_username").detail.as_deref(), Some("string (required)"));
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\nssh_settings:\n  admin_username: me\n  ‸\n");
        assert!(!labels(&items).contains(&"admin_username"));
        // Back at column 0 the root's keys are offered again.
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\nssh_settings:\n  admin_username: me\n‸\n");
        assert!(labels(&items).contains(&"size") && !labels(&items).contains(&"ssh_settings"));
    }

    #[test]
    fn list_items_get_the_item_mappings_keys() {
        let base = "name: a\ntype: amlcompute\nidentity:\n  type: user_assigned\n  user_assigned_identities:\n";
        let (_, items) = complete_yaml(&format!("{base}    - ‸\n"));
        assert_eq!(labels(&items), vec!["resource_id"], "the other fields are read-only");
        let (_, items) = complete_yaml(&format!("{base}    - resource_id: /x\n      ‸\n"));
        assert!(items.is_empty(), "{:?}", labels(&items));
        // Compact style: the dash at the key's own indentation.
        let (_, items) = complete_yaml(&format!("{base}  - ‸\n"));
        assert_eq!(labels(&items), vec!["resource_id"]);
        let app = "name: a\ntype: computeinstance\ncustom_applications:\n  - name: app\n    endpoints:\n      - target: 8787\n";
        let (_, items) = complete_yaml(&format!("{app}        ‸\n"));
        assert_eq!(labels(&items), vec!["published"]);
        let (_, items) = complete_yaml(&format!("{app}    ‸\n"));
        let names = labels(&items);
        assert!(names.contains(&"image") && !names.contains(&"name") && !names.contains(&"endpoints"), "{names:?}");
    }

    #[test]
    fn schedule_and_custom_application_values_come_from_their_enums() {
        let base = "name: a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n";
        let (_, items) = complete_yaml(&format!("{base}    - action: ‸\n"));
        assert_eq!(labels(&items), vec!["start", "stop"]);
        let (_, items) = complete_yaml(&format!("{base}    - action: stop\n      trigger:\n        type: ‸\n"));
        assert_eq!(labels(&items), vec!["cron", "recurrence"]);
        let (_, items) = complete_yaml(&format!(
            "{base}    - action: stop\n      trigger:\n        type: recurrence\n        frequency: ‸\n"
        ));
        assert!(labels(&items).contains(&"week"));
        let (_, items) = complete_yaml(&format!(
            "{base}    - action: stop\n      trigger:\n        type: recurrence\n        schedule:\n          week_days:\n            - ‸\n"
        ));
        assert!(labels(&items).contains(&"monday"), "{:?}", labels(&items));
        let (_, items) = complete_yaml(&format!("{base}    - action: stop\n      ‸\n"));
        assert!(labels(&items).contains(&"trigger") && !labels(&items).contains(&"action"));
        let (_, items) = complete_yaml("name: a\ntype: computeinstance\ncustom_applications:\n  - name: app\n    ‸\n");
        assert!(labels(&items).contains(&"image") && labels(&items).contains(&"endpoints"));
    }

    #[test]
    fn enum_fields_offer_their_values_with_the_field_documentation() {
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\ntier: ‸\n");
        assert_eq!(labels(&items), vec!["dedicated", "low_priority"]);
        assert_eq!(find(&items, "dedicated").detail.as_deref(), Some("default"));
        assert!(items[0].documentation.as_deref().unwrap().contains("Node priority"));
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\nidentity:\n  type: ‸\n");
        assert!(labels(&items).contains(&"system_assigned"));
        // Right after the colon the value gets its separating space.
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\ntier:‸\n");
        assert_eq!(find(&items, "low_priority").insert_text, " low_priority");
    }

    #[test]
    fn boolean_fields_offer_true_and_false() {
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\nenable_node_public_ip: ‸\n");
        assert_eq!(labels(&items), vec!["true", "false"]);
        assert!(items.iter().all(|i| i.kind == CompletionKind::Boolean));
        assert_eq!(find(&items, "true").detail.as_deref(), Some("default"));
    }

    #[test]
    fn location_offers_regions_with_display_names() {
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\nlocation: ‸\n");
        let eastus = find(&items, "eastus");
        assert_eq!(eastus.kind, CompletionKind::Region);
        assert_eq!(eastus.detail.as_deref(), Some("East US"));
    }

    #[test]
    fn schema_and_type_values_name_the_kinds() {
        let (_, items) = complete_yaml("$schema: ‸\nname: a\ntype: amlcompute\n");
        let urls = labels(&items);
        assert!(urls.contains(&"https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json"));
        assert!(urls.contains(&"https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json"));
        assert!(items.iter().all(|i| i.kind == CompletionKind::Url));
        let (_, items) = complete_yaml("name: a\ntype: ‸\n");
        assert_eq!(
            labels(&items),
            vec!["amlcompute", "computeinstance", "virtualmachine", "kubernetes", "synapsespark"]
        );
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\ndescription: ‸\n");
        assert!(items.is_empty(), "free text has no values to offer");
    }

    #[test]
    fn a_yaml_file_of_unknown_kind_offers_the_identifying_keys_and_snippets() {
        let (_, items) = complete_yaml("name: my-compute\n‸\n");
        let names = labels(&items);
        assert!(names.contains(&"type") && names.contains(&"$schema") && !names.contains(&"name"), "{names:?}");
        assert_eq!(items.iter().filter(|i| i.kind == CompletionKind::Snippet).count(), 5);
    }

    #[test]
    fn flow_lists_and_mappings_get_their_items_values_and_keys() {
        let base = "name: a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger:\n        type: recurrence\n        schedule:\n";
        let (text, items) = complete_yaml(&format!("{base}          week_days: [monday, tue‸]\n"));
        let tuesday = find(&items, "tuesday");
        assert_eq!((replaced(&text, tuesday), tuesday.insert_text.as_str()), ("tue", "tuesday"));
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\nssh_settings: {admin_username: me, ‸}\n");
        let mut names = labels(&items);
        names.sort();
        assert_eq!(names, vec!["admin_password", "ssh_key_value"]);
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\nidentity: {type: ‸}\n");
        assert!(labels(&items).contains(&"system_assigned"), "{:?}", labels(&items));
    }

    #[test]
    fn a_byte_order_mark_is_never_replaced_and_is_no_part_of_a_key() {
        let (text, items) = complete_yaml("\u{feff}ty‸\nname: a\n");
        let it = find(&items, "type");
        assert_eq!(replaced(&text, it), "ty");
        assert!(!labels(&items).contains(&"name"));
    }

    #[test]
    fn nothing_is_offered_in_a_block_scalar_or_a_document_marker() {
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\ndescription: |\n  some ti‸\n");
        assert!(items.is_empty(), "{:?}", labels(&items));
        let (_, items) = complete_yaml("-‸--\nname: a\ntype: amlcompute\n");
        assert!(items.is_empty(), "{:?}", labels(&items));
    }

    #[test]
    fn nothing_is_offered_inside_a_comment() {
        let (_, items) = complete_yaml("name: a\ntype: amlcompute\n# siz‸\n");
        assert!(items.is_empty());
    }

    #[test]
    fn json_keys_and_values_are_quoted() {
        let body = "{\n  \"name\": \"aks1\",\n  \"properties\": {\n    \"computeType\": \"AKS\",\n    \"properties\": {\n      \"agentCount\": 3,\n      ";
        let (text, items) =
            complete_with(&format!("{body}\"agentV‸\"\n    }}\n  }}\n}}\n"), Some("c.json"), &CheckOptions::default());
        let size_key = find(&items, "agentVmSize");
        assert_eq!(size_key.insert_text, "\"agentVmSize\": ");
        assert_eq!(replaced(&text, size_key), "\"agentV\"");
        assert!(!labels(&items).contains(&"agentCount"));
        assert!(!labels(&items).contains(&"systemServices"), "read-only fields are not offered");

        let (text, items) = complete_with(
            &format!("{body}\"agentVmSize\": \"Sta‸\"\n    }}\n  }}\n}}\n"),
            Some("c.json"),
            &CheckOptions::default(),
        );
        let d3 = find(&items, "Standard_D3_v2");
        assert_eq!(d3.insert_text, "\"Standard_D3_v2\"");
        assert_eq!(replaced(&text, d3), "\"Sta\"");
        let catalog = Catalog::get();
        assert!(items.iter().all(|i| catalog.size(&i.label).unwrap().offered_for(ComputeKind::Aks)));

        let (_, items) = complete_with(
            "{\n  \"name\": \"aks1\",\n  \"properties\": {\n    \"computeType\": ‸\n  }\n}\n",
            Some("c.json"),
            &CheckOptions::default(),
        );
        assert!(labels(&items).contains(&"AKS") && labels(&items).contains(&"AmlCompute"));
        assert_eq!(find(&items, "AKS").insert_text, "\"AKS\"");
        let (_, items) = complete_with(
            "{\n  \"name\": \"aks1\",\n  \"properties\": {\n    \"computeType\": \"AKS\",\n    \"disableLocalAuth\": ‸\n  }\n}\n",
            Some("c.json"),
            &CheckOptions::default(),
        );
        assert_eq!(labels(&items), vec!["true", "false"]);
        assert_eq!(items[0].insert_text, "true");
    }

    #[test]
    fn json_keys_at_the_root_skip_present_ones() {
        let (text, items) = complete_with(
            "{\n  \"name\": \"aks1\",\n  ‸\n  \"properties\": {\"computeType\": \"AKS\"}\n}\n",
            Some("c.json"),
            &CheckOptions::default(),
        );
        let names = labels(&items);
        assert!(names.contains(&"location") && !names.contains(&"name") && !names.contains(&"properties"), "{names:?}");
        assert_eq!(replaced(&text, find(&items, "location")), "");
    }

    #[test]
    #[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]
    fn no_feature_panics_at_any_offset_of_the_real_specs() {
        let mut files = crate::test_corpus::files("specs-valid");
        files.extend(crate::test_corpus::files("specs-invalid"));
        assert!(no_feature_panics_at_any_offset(files) > 10);
    }

    #[test]
    fn no_feature_panics_at_any_offset_of_the_examples() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        assert!(no_feature_panics_at_any_offset(files) >= 5);
    }

    /// Runs completion and hover at every offset, and symbols and code actions once, on each
    /// file; returns how many files were checked.
    fn no_feature_panics_at_any_offset(specs: Vec<(String, String)>) -> usize {
        let mut files = 0;
        for (path, text) in specs {
            let options = CheckOptions::default();
            let result = check_text(&text, Some(&path), &options);
            for offset in (0..=text.len()).filter(|o| text.is_char_boundary(*o)) {
                let items = complete(&text, offset, &result, &options);
                for it in &items {
                    let between_cr_lf = offset > 0 && text.as_bytes()[offset - 1] == b'\r';
                    if let Some(r) = it.replace_range.filter(|_| !between_cr_lf) {
                        assert!(r.start() <= offset && offset <= r.end(), "{path}@{offset}: {r:?}");
                    }
                }
                let _ = crate::ide::hover(&text, offset, &result);
            }
            let _ = crate::ide::document_symbols(&text, &result);
            let _ = crate::ide::code_actions(&text, TextRange::new(0, text.len()), &result);
            files += 1;
        }
        files
    }

    #[test]
    #[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]
    fn keys_are_offered_on_a_new_line_of_every_valid_real_spec() {
        let mut checked = 0;
        for (path, text) in crate::test_corpus::files("specs-valid") {
            if !path.ends_with("yml") && !path.ends_with("yaml") {
                continue;
            }
            let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let text = format!("{}{eol}", text.trim_end());
            let options = CheckOptions::default();
            let result = check_text(&text, Some(&path), &options);
            if result.kind().is_none() {
                continue;
            }
            let items = complete(&text, text.len(), &result, &options);
            assert!(!items.is_empty(), "{path}");
            assert!(
                !labels(&items).contains(&"name") && !labels(&items).contains(&"type"),
                "{path}: {:?}",
                labels(&items)
            );
            checked += 1;
        }
        assert!(checked > 10, "only {checked} YAML compute specs in the corpus");
    }
}
