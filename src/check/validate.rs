//! Schema validation of a document tree: unknown, missing, mistyped and out-of-range fields,
//! each reported at the token that explains it (a key for unknown fields, the value for bad
//! values, the parent key for missing fields), with the fix when there is an obvious one.

use super::edits;
use super::schema::{Additional, JsonType, Schema, SchemaId, SchemaSet, normalize_enum};
use super::suggest::closest;
use super::values;
use crate::diagnostic::{Diagnostic, DiagnosticTag, Fix, Severity, TextEdit, codes};
use crate::spec::kinds::{ComputeKind, SpecForm};
use crate::syntax::text::TextRange;
use crate::syntax::{Comment, Entry, Node, NodeKind, ScalarStyle, ScalarValue};
use std::collections::HashSet;

pub struct Validator<'a> {
    pub set: &'a SchemaSet,
    pub text: &'a str,
    pub comments: &'a [Comment],
    pub kind: ComputeKind,
    pub form: SpecForm,
    pub json: bool,
    pub out: Vec<Diagnostic>,
}

fn node_type(node: &Node) -> JsonType {
    match &node.kind {
        NodeKind::Mapping(_) => JsonType::Object,
        NodeKind::Sequence(_) => JsonType::Array,
        NodeKind::Missing => JsonType::Null,
        NodeKind::Scalar(s) => match s.value {
            ScalarValue::Null => JsonType::Null,
            ScalarValue::Bool(_) => JsonType::Boolean,
            ScalarValue::Int(_) => JsonType::Integer,
            ScalarValue::Float(_) => JsonType::Number,
            ScalarValue::Str => JsonType::String,
        },
    }
}

/// Where a value sits, for messages and for finding the field in other kinds' schemas.
#[derive(Clone, Copy)]
struct Place<'p> {
    path: &'p [String],
    /// The key that names this value, if any (missing values are reported there).
    key_range: Option<TextRange>,
}

impl Place<'_> {
    fn field(&self) -> String {
        match self.path.last() {
            Some(last) if last == "[]" => {
                let parent = self.path.iter().rev().nth(1).map(String::as_str).unwrap_or("list");
                format!("each item of `{parent}`")
            }
            Some(last) => format!("`{last}`"),
            None => "the document".to_string(),
        }
    }
}

impl<'a> Validator<'a> {
    pub fn validate_root(&mut self, root: &Node, schema: SchemaId) {
        let path = Vec::new();
        let first_key = root.as_mapping().and_then(|e| e.first()).map(|e| e.key_range);
        self.walk(root, schema, Place { path: &path, key_range: first_key });
    }

    fn shown(&self, node: &Node, schema: &Schema) -> String {
        if schema.secret {
            return "the value".to_string();
        }
        match node.scalar_text() {
            Some(t) if t.chars().count() > 60 => format!("`{}…`", t.chars().take(57).collect::<String>()),
            Some(t) => format!("`{t}`"),
            None => format!("this {}", node.type_name()),
        }
    }

    fn walk(&mut self, node: &Node, id: SchemaId, place: Place) {
        let schema = self.set.node(id);
        if let Some((prop, mapping)) = &schema.discriminator {
            self.walk_discriminated(node, schema, prop, mapping, place);
            return;
        }
        if !schema.one_of.is_empty() && schema.types.is_empty() && schema.properties.is_empty() {
            self.walk_one_of(node, &schema.one_of.clone(), place);
            return;
        }
        if !self.check_type(node, schema, place) {
            return;
        }
        if schema.enum_values.is_some() {
            self.check_enum(node, schema, place);
        }
        self.check_number(node, schema, place);
        self.check_string(node, schema, place);
        if let Some(value_kind) = &schema.value_kind {
            self.out.extend(values::check(value_kind, node, &schema.arm_resource_types));
        }
        match &node.kind {
            NodeKind::Mapping(entries) => self.walk_mapping(node, entries, schema, place),
            NodeKind::Sequence(items) => {
                if let Some(min) = schema.min_items
                    && items.len() < min
                {
                    self.out.push(Diagnostic::new(
                        codes::OUT_OF_RANGE,
                        place.key_range.unwrap_or(node.range),
                        format!("{} needs at least {min} item{}.", place.field(), if min == 1 { "" } else { "s" }),
                    ));
                }
                if let Some(item_schema) = schema.items {
                    let mut path = place.path.to_vec();
                    path.push("[]".to_string());
                    for item in items {
                        // A finding about the whole item (a missing field) goes on its first key,
                        // not over every line of the item.
                        let anchor = item.as_mapping().and_then(|e| e.first()).map_or(item.range, |e| e.key_range);
                        self.walk(item, item_schema, Place { path: &path, key_range: Some(anchor) });
                    }
                }
            }
            _ => {}
        }
    }

    fn walk_discriminated(
        &mut self,
        node: &Node,
        schema: &Schema,
        prop: &str,
        mapping: &[(String, SchemaId)],
        place: Place,
    ) {
        if !self.check_type(node, schema, place) {
            return;
        }
        let Some(entries) = node.as_mapping() else { return };
        let chosen = entries.iter().find(|e| e.key.text == prop);
        let allowed: Vec<&str> = mapping.iter().map(|(k, _)| k.as_str()).collect();
        match chosen.map(|e| (&e.value, e)) {
            None => {
                self.out.push(Diagnostic::new(
                    codes::MISSING_FIELD,
                    place.key_range.unwrap_or(node.range),
                    format!("{} needs `{prop}`: one of {}.", place.field(), list(&allowed)),
                ));
            }
            Some((value, _)) => {
                let text = value.scalar_text().unwrap_or("");
                let casing = schema.casing;
                let branch = mapping.iter().find(|(k, _)| {
                    normalize_enum(k, casing) == normalize_enum(text, casing) || k.eq_ignore_ascii_case(text)
                });
                match branch {
                    Some((_, branch_id)) => self.walk(node, *branch_id, place),
                    None => {
                        let mut d = Diagnostic::new(
                            codes::INVALID_ENUM,
                            if value.is_null() { place.key_range.unwrap_or(value.range) } else { value.range },
                            format!("`{prop}` must be one of {} (got {}).", list(&allowed), self.shown(value, schema)),
                        );
                        d.fixes = self.enum_fixes(value, &allowed);
                        self.out.push(d);
                    }
                }
            }
        }
    }

    /// Validates against the branch that fits best: the one with the fewest findings.
    fn walk_one_of(&mut self, node: &Node, branches: &[SchemaId], place: Place) {
        let mut best: Option<Vec<Diagnostic>> = None;
        for &b in branches {
            let saved = std::mem::take(&mut self.out);
            self.walk(node, b, place);
            let found = std::mem::replace(&mut self.out, saved);
            if best.as_ref().is_none_or(|prev| found.len() < prev.len()) {
                let done = found.is_empty();
                best = Some(found);
                if done {
                    break;
                }
            }
        }
        self.out.extend(best.unwrap_or_default());
    }

    /// Reports a type mismatch; returns whether the value is worth checking further.
    fn check_type(&mut self, node: &Node, schema: &Schema, place: Place) -> bool {
        let actual = node_type(node);
        if schema.allows(actual) {
            return true;
        }
        // Text the CLI reads with int() as another number than YAML would without the quotes
        // (`" 120 "`, `"010"`): the fix writes the number (rules::coercions).
        if self.form == SpecForm::Cli
            && schema.allows(JsonType::Integer)
            && let Some(value) = super::rules::coercions::marshmallow_int(node)
            && node.as_scalar().map(|s| crate::syntax::yaml::resolve_plain(&s.text)) != Some(ScalarValue::Int(value))
        {
            self.out.push(super::rules::coercions::integer_hint(node, &place.field(), value));
            return false;
        }
        // The CLI's marshmallow fields are not strict: `"4"` loads as 4 and `"false"` as false
        // (but int() refuses what only YAML reads as an integer: `"0x10"`, `"1__0"`).
        if self.form == SpecForm::Cli
            && let Some(scalar) = node.as_scalar().filter(|s| s.is_quoted())
            && unquoted_fits(&scalar.text, schema)
            && (!matches!(crate::syntax::yaml::resolve_plain(&scalar.text), ScalarValue::Int(_))
                || super::rules::coercions::marshmallow_int(node).is_some())
        {
            self.out.push(
                Diagnostic::new(
                    codes::WRONG_TYPE,
                    node.range,
                    format!(
                        "{} is {}; the CLI accepts the quoted text, but writing it without quotes says what it is.",
                        place.field(),
                        JsonType::describe(schema.types.first().copied().unwrap_or(JsonType::String))
                    ),
                )
                .with_severity(Severity::Hint)
                .with_fix(Fix::safe("Remove the quotes", vec![TextEdit::replace(node.range, scalar.text.clone())])),
            );
            return false;
        }
        // marshmallow's Boolean also takes 1/0, y/n and the like (rules::coercions).
        if self.form == SpecForm::Cli
            && schema.allows(JsonType::Boolean)
            && let Some(value) = super::rules::coercions::marshmallow_bool(node)
        {
            self.out.push(super::rules::coercions::boolean_hint(node, &place.field(), value));
            return false;
        }
        // Integers given as fractions are truncated by the SDK rather than rejected.
        if actual == JsonType::Number && schema.allows(JsonType::Integer) {
            let f = node.as_f64().unwrap_or(0.0);
            let truncated = f.trunc() as i64;
            // A secret's digits are not shown, not even truncated.
            let (to_what, use_what) = if schema.secret {
                ("a whole number".to_string(), "Use the whole number".to_string())
            } else {
                (truncated.to_string(), format!("Use {truncated}"))
            };
            self.out.push(
                Diagnostic::new(
                    codes::WRONG_TYPE,
                    node.range,
                    format!(
                        "{} takes a whole number; the CLI truncates {} to {to_what}. Write {to_what} to say so.",
                        place.field(),
                        self.shown(node, schema)
                    ),
                )
                .with_severity(Severity::Warning)
                .with_fix(Fix::preferred(use_what, vec![TextEdit::replace(node.range, truncated.to_string())])),
            );
            return false;
        }
        let expected: Vec<&str> = schema.types.iter().map(|t| t.describe()).collect();
        let expected = expected.join(" or ");
        if actual == JsonType::Null {
            let range = place.key_range.unwrap_or(node.range);
            if self.form == SpecForm::Cli && place.path.len() == 1 && place.path[0] == "type" {
                let t = self.kind.cli_type().unwrap_or("");
                let edit = TextEdit::replace(
                    TextRange::new(range.start(), node.range.end().max(range.end())),
                    format!("type: {t}"),
                );
                self.out.push(
                    Diagnostic::new(
                        codes::MISSING_COMPUTE_TYPE,
                        range,
                        format!("`type` has no value, so the CLI fails with \"Unknown compute type: None\". This file's `$schema` says it is {}: use `type: {t}`.", self.kind.a_display_name()),
                    )
                    .with_fix(Fix::preferred(format!("Set `type: {t}`"), vec![edit])),
                );
                return false;
            }
            let comment_note = self.comment_after(range).map_or(String::new(), |c| {
                format!(" (`#{}` after it is a YAML comment, not a value)", c.text.trim_end())
            });
            self.out.push(Diagnostic::new(
                codes::WRONG_TYPE,
                range,
                format!("{} has no value{comment_note}; it needs {expected}.", place.field()),
            ));
            return false;
        }
        let mut d = Diagnostic::new(
            codes::WRONG_TYPE,
            node.range,
            format!("{} must be {expected}, not {}.", place.field(), describe_value(node, schema)),
        );
        d.fixes = self.type_fixes(node, schema);
        if let Some(hint) = self.type_hint(node, schema) {
            d.message.push(' ');
            d.message.push_str(&hint);
        }
        self.out.push(d);
        false
    }

    fn comment_after(&self, key_range: TextRange) -> Option<&Comment> {
        let line_end = self.text[key_range.end()..].find('\n').map_or(self.text.len(), |i| key_range.end() + i);
        // Comments come in text order: find the first after the key by bisection.
        let first = self.comments.partition_point(|c| c.range.start() < key_range.end());
        self.comments.get(first).filter(|c| c.range.start() < line_end)
    }

    fn type_hint(&self, node: &Node, schema: &Schema) -> Option<String> {
        let text = node.as_str()?;
        if schema.allows(JsonType::Integer)
            && let Some(seconds) = iso_duration_seconds(text)
        {
            let minutes = self.unit_is_minutes(schema);
            let n = if minutes { seconds / 60 } else { seconds };
            let unit = if minutes { "minutes" } else { "seconds" };
            return Some(format!("`{text}` is an ISO-8601 duration; this field counts {unit}: {n}."));
        }
        if schema.allows(JsonType::String) {
            return None;
        }
        if matches!(node.as_scalar().map(|s| s.style), Some(ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)) {
            return Some("Remove the quotes.".to_string());
        }
        None
    }

    fn unit_is_minutes(&self, schema: &Schema) -> bool {
        schema.unit.as_deref() == Some("minutes")
            || schema.description.as_deref().is_some_and(|d| d.contains("minutes") && !d.contains("seconds"))
    }

    fn type_fixes(&self, node: &Node, schema: &Schema) -> Vec<Fix> {
        let Some(scalar) = node.as_scalar() else {
            // A single value where a list is expected: wrap it.
            return Vec::new();
        };
        let mut fixes = Vec::new();
        if schema.allows(JsonType::String) && !scalar.is_quoted() {
            let title = if schema.secret { "Quote it".to_string() } else { format!("Quote it: \"{}\"", scalar.text) };
            fixes.push(Fix::safe(
                title,
                vec![TextEdit::replace(node.range, format!("\"{}\"", scalar.text.replace('"', "\\\"")))],
            ));
        }
        if scalar.value == ScalarValue::Str {
            if unquoted_fits(&scalar.text, schema) && scalar.is_quoted() {
                let plain = if self.json { scalar.text.to_lowercase() } else { scalar.text.clone() };
                let title =
                    if schema.secret { "Remove the quotes".to_string() } else { format!("Remove the quotes: {plain}") };
                fixes.push(Fix::safe(title, vec![TextEdit::replace(node.range, plain)]));
            }
            if schema.allows(JsonType::Integer)
                && let Some(seconds) = iso_duration_seconds(&scalar.text)
            {
                let n = if self.unit_is_minutes(schema) { seconds / 60 } else { seconds };
                fixes.push(Fix::safe(format!("Use {n}"), vec![TextEdit::replace(node.range, n.to_string())]));
            }
            if schema.allows(JsonType::Array) && !self.json {
                fixes.push(Fix::preferred(
                    "Make it a one-item list",
                    vec![TextEdit::replace(
                        node.range,
                        format!("[{}]", &self.text[node.range.start()..node.range.end()]),
                    )],
                ));
            }
        }
        fixes
    }

    fn check_enum(&mut self, node: &Node, schema: &Schema, place: Place) {
        let Some(text) = node.scalar_text() else { return };
        let allowed = schema.enum_strings();
        if allowed.is_empty() {
            return;
        }
        let want = normalize_enum(text, schema.casing);
        if allowed.iter().any(|a| normalize_enum(a, schema.casing) == want) {
            return;
        }
        let mut d = Diagnostic::new(
            codes::INVALID_ENUM,
            node.range,
            format!("{} must be one of {} (got {}).", place.field(), list(&allowed), self.shown(node, schema)),
        );
        d.fixes = self.enum_fixes(node, &allowed);
        if let Some(first) = d.fixes.first() {
            d.message.push_str(&format!(" {}?", first.title.replace("Change to", "Did you mean")));
        }
        self.out.push(d);
    }

    fn enum_fixes(&self, node: &Node, allowed: &[&str]) -> Vec<Fix> {
        let text = node.scalar_text().unwrap_or("");
        let quote = match node.as_scalar().map(|s| s.style) {
            Some(ScalarStyle::DoubleQuoted) => "\"",
            Some(ScalarStyle::SingleQuoted) => "'",
            _ => "",
        };
        let mut fixes: Vec<Fix> = closest(text, allowed.iter().copied(), 2)
            .into_iter()
            .map(|c| {
                Fix::new(format!("Change to `{c}`"), vec![TextEdit::replace(node.range, format!("{quote}{c}{quote}"))])
            })
            .collect();
        if fixes.len() == 1 {
            fixes[0].preferred = true;
        }
        fixes
    }

    fn check_number(&mut self, node: &Node, schema: &Schema, place: Place) {
        let Some(value) = node.as_f64() else { return };
        let shown = self.shown(node, schema);
        let fail = |bound: String| format!("{} must be {bound} (got {shown}).", place.field());
        let bound = if let Some(min) = schema.minimum.filter(|m| value < *m) {
            Some(format!("at least {}", fmt_num(min)))
        } else if let Some(max) = schema.maximum.filter(|m| value > *m) {
            Some(format!("at most {}", fmt_num(max)))
        } else if let Some(min) = schema.exclusive_minimum.filter(|m| value <= *m) {
            Some(format!("greater than {}", fmt_num(min)))
        } else {
            schema.exclusive_maximum.filter(|m| value >= *m).map(|max| format!("less than {}", fmt_num(max)))
        };
        let message = bound.map(fail);
        if let Some(message) = message {
            self.out.push(Diagnostic::new(codes::OUT_OF_RANGE, node.range, message));
        }
    }

    fn check_string(&mut self, node: &Node, schema: &Schema, place: Place) {
        let Some(text) = node.as_str() else { return };
        let len = text.chars().count();
        if let Some(min) = schema.min_length
            && len < min
        {
            let message = if len == 0 {
                format!("{} is empty.", place.field())
            } else {
                format!("{} must be at least {min} characters long.", place.field())
            };
            self.out.push(Diagnostic::new(codes::OUT_OF_RANGE, node.range, message));
        }
        if let Some(max) = schema.max_length
            && len > max
        {
            self.out.push(Diagnostic::new(
                codes::OUT_OF_RANGE,
                node.range,
                format!("{} must be at most {max} characters long (it has {len}).", place.field()),
            ));
        }
        if let Some(pattern) = &schema.pattern
            && !pattern.is_match(text)
        {
            self.out.push(Diagnostic::new(
                codes::INVALID_FORMAT,
                node.range,
                match schema.value_kind.as_deref() {
                    Some("cidr") => format!("{} must be an IPv4 CIDR range such as 10.0.0.0/16.", place.field()),
                    Some("ipAddress") => format!("{} must be an IPv4 address such as 10.0.0.10.", place.field()),
                    _ => format!(
                        "{} does not have the expected form (it must match `{}`).",
                        place.field(),
                        pattern.as_str()
                    ),
                },
            ));
        }
        if let Some(format) = schema.format
            && !format.matches(text)
        {
            self.out.push(Diagnostic::new(
                codes::INVALID_FORMAT,
                node.range,
                format!("{} must be {}.", place.field(), format.describe()),
            ));
        }
    }

    fn walk_mapping(&mut self, node: &Node, entries: &[Entry], schema: &Schema, place: Place) {
        // The keys given, looked up once per unknown key: a mapping of many unknown keys must
        // cost linear, not quadratic, time.
        let mut present: Option<HashSet<&str>> = None;
        for entry in entries {
            if !entry.has_colon {
                // Half-typed key: the parser already reported it, and completion will offer keys.
                continue;
            }
            if let Some(names) = schema.property_names {
                // A key checked as the string it is (an identity's resource id, say).
                let key = Node { kind: NodeKind::Scalar(entry.key.clone()), range: entry.key_range };
                let key_place = Place { path: place.path, key_range: Some(entry.key_range) };
                self.walk(&key, names, key_place);
            }
            let mut path = place.path.to_vec();
            path.push(entry.key.text.clone());
            let child_place = Place { path: &path, key_range: Some(entry.key_range) };
            match schema.property(&entry.key.text) {
                Some(child) => {
                    let child_schema = self.set.node(child);
                    if child_schema.read_only {
                        self.out.push(
                            Diagnostic::new(
                                codes::READ_ONLY_FIELD,
                                entry.key_range,
                                format!(
                                    "`{}` is read-only: the service sets it and ignores what the spec says.",
                                    entry.key.text
                                ),
                            )
                            .with_tag(DiagnosticTag::Unnecessary)
                            .with_fix(Fix::preferred(
                                format!("Remove `{}`", entry.key.text),
                                vec![edits::remove_entry(self.text, entry, self.json)],
                            )),
                        );
                        continue;
                    }
                    if child_schema.deprecated {
                        let why = child_schema
                            .deprecation_message
                            .clone()
                            .unwrap_or_else(|| "It may stop working in a later API version.".to_string());
                        self.out.push(
                            Diagnostic::new(
                                codes::DEPRECATED_FIELD,
                                entry.key_range,
                                format!("`{}` is deprecated. {why}", entry.key.text),
                            )
                            .with_tag(DiagnosticTag::Deprecated),
                        );
                    }
                    self.walk(&entry.value, child, child_place);
                }
                None => match &schema.additional {
                    Additional::Schema(extra) => self.walk(&entry.value, *extra, child_place),
                    Additional::Any => {}
                    Additional::Forbidden => {
                        let present =
                            present.get_or_insert_with(|| entries.iter().map(|e| e.key.text.as_str()).collect());
                        self.unknown_field(present, entry, schema, &path)
                    }
                },
            }
        }
        for required in &schema.required {
            let given = match &present {
                Some(present) => present.contains(required.as_str()),
                None => entries.iter().any(|e| &e.key.text == required),
            };
            if given {
                continue;
            }
            self.missing_field(node, entries, required, schema, place);
        }
    }

    fn unknown_field(&mut self, present: &HashSet<&str>, entry: &Entry, schema: &Schema, path: &[String]) {
        let key = &entry.key.text;
        let remove = Fix::new(format!("Remove `{key}`"), vec![edits::remove_entry(self.text, entry, self.json)]);
        let owners = self.other_kinds_with(path);
        if !owners.is_empty() {
            let names: Vec<String> =
                owners.iter().map(|k| format!("{}s ({})", k.display_name(), self.kind_label(*k))).collect();
            let mut fix = remove;
            fix.preferred = true;
            self.out.push(
                Diagnostic::new(
                    codes::FIELD_OF_OTHER_KIND,
                    entry.key_range,
                    format!(
                        "`{key}` is a field of {}, not of {}s ({}); the CLI rejects it here.",
                        names.join(" and "),
                        self.kind.display_name(),
                        self.kind_label(self.kind)
                    ),
                )
                .with_fix(fix),
            );
            return;
        }
        // Suggest only fields not already given (a scan of the schema's few properties, not of
        // the document's possibly many keys).
        let candidates = schema
            .properties
            .iter()
            .filter(|(n, id)| !n.starts_with('$') && !self.set.node(*id).read_only && !present.contains(n.as_str()))
            .map(|(n, _)| n.as_str());
        let suggestions = closest(key, candidates, 3);
        let mut message = format!("`{key}` is not a field of {}.", self.kind.a_display_name());
        let mut fixes: Vec<Fix> = suggestions
            .iter()
            .map(|s| {
                Fix::new(
                    format!("Rename to `{s}`"),
                    vec![TextEdit::replace(entry.key_range, edits::key_text(s, self.json))],
                )
            })
            .collect();
        if let Some(first) = suggestions.first() {
            message.push_str(&format!(" Did you mean `{first}`?"));
            fixes[0].preferred = suggestions.len() == 1;
        } else {
            message.push_str(" Remove it or check the spelling.");
        }
        fixes.push(remove);
        self.out.push(Diagnostic::new(codes::UNKNOWN_FIELD, entry.key_range, message).with_fixes(fixes));
    }

    fn kind_label(&self, kind: ComputeKind) -> String {
        match self.form {
            SpecForm::Cli => format!("type: {}", kind.cli_type().unwrap_or(kind.arm_type())),
            SpecForm::Arm => format!("computeType: {}", kind.arm_type()),
        }
    }

    /// The other kinds of the same form whose schema has a field at `path`.
    fn other_kinds_with(&self, path: &[String]) -> Vec<ComputeKind> {
        let kinds: &[ComputeKind] = match self.form {
            SpecForm::Cli => &ComputeKind::CLI,
            SpecForm::Arm => &ComputeKind::ALL,
        };
        kinds
            .iter()
            .copied()
            .filter(|k| *k != self.kind)
            .filter(|k| {
                let Some(root) = self.set.lookup(&k.schema_ref(self.form)) else { return false };
                find_path(self.set, root, path).is_some_and(|id| !self.set.node(id).read_only)
            })
            .collect()
    }

    fn missing_field(&mut self, node: &Node, entries: &[Entry], required: &str, schema: &Schema, place: Place) {
        let range = place.key_range.unwrap_or(node.range);
        let child = schema.property(required).map(|id| self.set.node(id));
        let (code, message, value) = if required == "type" && self.form == SpecForm::Cli && place.path.is_empty() {
            let t = self.kind.cli_type().unwrap_or("");
            (
                codes::MISSING_COMPUTE_TYPE,
                format!("The spec has no `type`; the CLI fails with \"Unknown compute type: None\". Add `type: {t}`."),
                t.to_string(),
            )
        } else {
            let what = child.and_then(|c| c.description.as_deref()).map(first_sentence).unwrap_or_default();
            let within = if place.path.is_empty() { String::new() } else { format!(" in {}", place.field()) };
            (
                codes::MISSING_FIELD,
                format!("`{required}` is required{within}. {what}").trim_end().to_string(),
                child.map(placeholder_value).unwrap_or_default(),
            )
        };
        let fix = edits::insert_entry(self.text, node, entries, required, &value, self.json)
            .map(|e| Fix::preferred(format!("Add `{required}`"), vec![e]));
        self.out.push(Diagnostic::new(code, range, message).with_fixes(fix));
    }
}

/// Follows mapping keys (and `[]` for list items) through a schema.
pub fn find_path(set: &SchemaSet, mut id: SchemaId, path: &[String]) -> Option<SchemaId> {
    for seg in path {
        id = step(set, id, seg)?;
    }
    Some(id)
}

fn step(set: &SchemaSet, id: SchemaId, seg: &str) -> Option<SchemaId> {
    let s = set.node(id);
    if seg == "[]" {
        return s.items;
    }
    if let Some(p) = s.property(seg) {
        return Some(p);
    }
    let branches =
        s.one_of.iter().copied().chain(s.discriminator.iter().flat_map(|(_, m)| m.iter().map(|(_, id)| *id)));
    for b in branches.collect::<Vec<_>>() {
        if let Some(found) = step(set, b, seg) {
            return Some(found);
        }
    }
    match s.additional {
        Additional::Schema(extra) => Some(extra),
        _ => None,
    }
}

/// Whether a quoted text, written without its quotes, would have a type the schema allows
/// (`"4"` where an integer is wanted).
fn unquoted_fits(text: &str, schema: &Schema) -> bool {
    match crate::syntax::yaml::resolve_plain(text) {
        ScalarValue::Bool(_) => schema.allows(JsonType::Boolean),
        ScalarValue::Int(_) => schema.allows(JsonType::Integer),
        ScalarValue::Float(_) => schema.allows(JsonType::Number),
        _ => false,
    }
}

fn placeholder_value(schema: &Schema) -> String {
    if let Some(d) = &schema.default {
        return match d {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
    }
    if let Some(first) = schema.enum_strings().first() {
        return first.to_string();
    }
    String::new()
}

fn first_sentence(text: &str) -> String {
    let mut search_from = 0;
    while let Some(i) = text[search_from..].find(". ").map(|i| i + search_from) {
        let word = text[..i].rsplit(' ').next().unwrap_or("");
        if !matches!(word, "e.g" | "i.e" | "etc" | "vs") {
            return text[..=i].to_string();
        }
        search_from = i + 2;
    }
    text.to_string()
}

fn describe_value(node: &Node, schema: &Schema) -> String {
    let kind = node.type_name();
    if schema.secret {
        return format!("a {kind}");
    }
    match (&node.kind, node.scalar_text()) {
        (NodeKind::Scalar(s), Some(text)) if s.value == ScalarValue::Str => format!("the string `{text}`"),
        (NodeKind::Scalar(_), Some(text)) => format!("the {kind} `{text}`"),
        _ => format!("a {kind}"),
    }
}

fn list(values: &[&str]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 { format!("{}", n as i64) } else { format!("{n}") }
}

/// Seconds in an ISO-8601 duration such as `PT1H30M` or `P1DT2H` (no years or months).
pub fn iso_duration_seconds(text: &str) -> Option<i64> {
    let rest = text.trim().strip_prefix(['P', 'p'])?;
    let (date, time) = match rest.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut total = 0i64;
    let mut any = false;
    let mut parse_part = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for ch in part.chars() {
            if ch.is_ascii_digit() || ch == '.' {
                number.push(ch);
                continue;
            }
            let factor = units.iter().find(|(u, _)| u.eq_ignore_ascii_case(&ch))?.1;
            let value: f64 = number.parse().ok()?;
            total += (value * factor as f64) as i64;
            number.clear();
            any = true;
        }
        number.is_empty().then_some(())
    };
    parse_part(date, &[('W', 604_800), ('D', 86_400)])?;
    if let Some(t) = time {
        parse_part(t, &[('H', 3600), ('M', 60), ('S', 1)])?;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations_convert_to_seconds() {
        assert_eq!(iso_duration_seconds("PT2M"), Some(120));
        assert_eq!(iso_duration_seconds("PT1M40S"), Some(100));
        assert_eq!(iso_duration_seconds("P1DT1H"), Some(90_000));
        assert_eq!(iso_duration_seconds("PT"), None);
        assert_eq!(iso_duration_seconds("120"), None);
        assert_eq!(iso_duration_seconds("P1Y"), None);
    }
}
