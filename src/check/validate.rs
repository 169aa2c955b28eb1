//! Schema validation of a document tree: unknown, missing, mistyped and out-of-range fields,
//! each reported at the token that explains it (a key for unknown fields, the value for bad
//! values, the parent key for missing fields), with the fix when there is an obvious one.

use super::edits;
use super::schema::{Additional, JsonType, Schema, SchemaId, SchemaSet, ValueKind, enum_values_equal};
use super::suggest::closest;
use super::values;
use crate::diagnostic::{Diagnostic, DiagnosticTag, Fix, Severity, TextEdit, codes};
use crate::spec::kinds::{ComputeKind, SpecForm};
use crate::syntax::text::TextRange;
use crate::syntax::{Comment, Entry, Node, NodeKind, ScalarStyle, ScalarValue};
use std::collections::{HashMap, HashSet};

pub struct Validator<'a> {
    pub set: &'a SchemaSet,
    pub text: &'a str,
    pub comments: &'a [Comment],
    pub kind: ComputeKind,
    pub form: SpecForm,
    pub json: bool,
    pub out: Vec<Diagnostic>,
    /// The unknown keys whose findings in `out` are not written yet (see `UnknownKey`).
    unknown_keys: Vec<UnknownKey>,
    /// The wrong-typed values whose findings in `out` are not written yet (see `WrongType`).
    wrong_types: Vec<WrongType>,
}

/// An unknown key's finding, kept as its place and code until it is known to be shown: its
/// words and fixes (the "did you mean" search, the edit that removes the entry) are written
/// by `Validator::write_unknown_keys` for the findings within the cap (`MAX_DIAGNOSTICS`)
/// only, so a document of a million unknown keys costs a million small records, not a
/// million messages that are then dropped.
struct UnknownKey {
    key_range: TextRange,
    /// The schema of the mapping the key is in.
    schema: SchemaId,
    /// The other kinds that have this field (`FIELD_OF_OTHER_KIND` when there are some).
    owners: Vec<ComputeKind>,
}

/// A wrong-typed value's finding, kept as its place and schema until it is known to be shown:
/// its words (the field, the expected type, the value, a hint) and fixes are written by
/// `Validator::write_wrong_types` for the findings within the cap only, so a list of a million
/// wrong-typed items costs a million small records, not a million messages that are dropped.
struct WrongType {
    range: TextRange,
    /// The schema the value does not fit.
    schema: SchemaId,
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

/// The path of keys to a value (`[]` for a list item), as a chain of links on the walk's own
/// stack frames: a step down costs no allocation, however many entries a mapping has.
struct PathLink<'p> {
    parent: Option<&'p PathLink<'p>>,
    segment: &'p str,
    depth: usize,
}

/// The segment that stands for "each item of a list", as `find_path` reads it.
const ITEM: &str = "[]";

/// Where a value sits, for messages and for finding the field in other kinds' schemas.
#[derive(Clone, Copy)]
struct Place<'p> {
    path: Option<&'p PathLink<'p>>,
    /// The key that names this value, if any (missing values are reported there).
    key_range: Option<TextRange>,
    /// Whether the value is a node of the tree (not a key walked as a value), so that its
    /// finding can be written later from the node found again in the tree.
    in_tree: bool,
}

impl<'p> Place<'p> {
    fn child(link: &'p PathLink<'p>, key_range: Option<TextRange>) -> Place<'p> {
        Place { path: Some(link), key_range, in_tree: true }
    }

    fn link(&self, segment: &'p str) -> PathLink<'p> {
        PathLink { parent: self.path, segment, depth: self.depth() + 1 }
    }

    fn depth(&self) -> usize {
        self.path.map_or(0, |l| l.depth)
    }

    fn last(&self) -> Option<&'p str> {
        self.path.map(|l| l.segment)
    }

    /// The segments from the root, for the rare finding that looks the path up elsewhere.
    fn segments(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.depth());
        let mut link = self.path;
        while let Some(l) = link {
            out.push(l.segment.to_string());
            link = l.parent;
        }
        out.reverse();
        out
    }

    fn field(&self) -> String {
        match self.path {
            Some(last) if last.segment == ITEM => FieldAt::ItemOf(last.parent.map_or("list", |p| p.segment)),
            Some(last) => FieldAt::Key(last.segment),
            None => FieldAt::Document,
        }
        .words()
    }
}

/// A collection the walk of `Validator::write_wrong_types` is in, with what is left of it.
enum Open<'n> {
    Entries(std::slice::Iter<'n, Entry>),
    /// The items, and the name of the list they are items of.
    Items(std::slice::Iter<'n, Node>, &'n str),
}

/// What names a value's field in a message: the key it is the value of, or the list it is an
/// item of (`list` for a list that is the document, `[]` for a list in a list).
#[derive(Clone, Copy)]
enum FieldAt<'p> {
    Document,
    Key(&'p str),
    ItemOf(&'p str),
}

impl FieldAt<'_> {
    fn words(self) -> String {
        match self {
            FieldAt::ItemOf(list) => format!("each item of `{list}`"),
            FieldAt::Key(key) => format!("`{key}`"),
            FieldAt::Document => "the document".to_string(),
        }
    }
}

impl<'a> Validator<'a> {
    pub fn new(
        set: &'a SchemaSet,
        text: &'a str,
        comments: &'a [Comment],
        kind: ComputeKind,
        form: SpecForm,
        json: bool,
    ) -> Self {
        Validator {
            set,
            text,
            comments,
            kind,
            form,
            json,
            out: Vec::new(),
            unknown_keys: Vec::new(),
            wrong_types: Vec::new(),
        }
    }

    pub fn validate_root(&mut self, root: &Node, schema: SchemaId) {
        let first_key = root.as_mapping().and_then(|e| e.first()).map(|e| e.key_range);
        self.walk(root, schema, Place { path: None, key_range: first_key, in_tree: true });
    }

    /// Whether `range` is an alias (`*name`): the values and keys an alias brings all carry its
    /// range, so their findings are written during the walk and have no fixes.
    fn is_alias(&self, range: TextRange) -> bool {
        self.text.as_bytes().get(range.start()) == Some(&b'*')
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
            self.walk_discriminated(node, id, prop, mapping, place);
            return;
        }
        if !schema.one_of.is_empty() && schema.types.is_empty() && schema.properties.is_empty() {
            self.walk_one_of(node, &schema.one_of.clone(), place);
            return;
        }
        if !self.check_type(node, id, place) {
            return;
        }
        if schema.enum_values.is_some() {
            self.check_enum(node, schema, place);
        }
        self.check_number(node, schema, place);
        self.check_string(node, schema, place);
        if let Some(value_kind) = schema.value_kind {
            self.out.extend(values::check(value_kind, node, &schema.arm_resource_types));
        }
        match &node.kind {
            NodeKind::Mapping(entries) => self.walk_mapping(node, entries, id, place),
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
                    let link = place.link(ITEM);
                    for item in items {
                        // A finding about the whole item (a missing field) goes on its first key,
                        // not over every line of the item.
                        let anchor = item.as_mapping().and_then(|e| e.first()).map_or(item.range, |e| e.key_range);
                        self.walk(item, item_schema, Place::child(&link, Some(anchor)));
                    }
                }
            }
            _ => {}
        }
    }

    fn walk_discriminated(
        &mut self,
        node: &Node,
        id: SchemaId,
        prop: &str,
        mapping: &[(String, SchemaId)],
        place: Place,
    ) {
        if !self.check_type(node, id, place) {
            return;
        }
        let schema = self.set.node(id);
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
                let branch =
                    mapping.iter().find(|(k, _)| enum_values_equal(k, text, casing) || k.eq_ignore_ascii_case(text));
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
        let mut best: Option<(Vec<Diagnostic>, Vec<UnknownKey>, Vec<WrongType>)> = None;
        for &b in branches {
            let saved = std::mem::take(&mut self.out);
            let saved_keys = std::mem::take(&mut self.unknown_keys);
            let saved_types = std::mem::take(&mut self.wrong_types);
            self.walk(node, b, place);
            let found = std::mem::replace(&mut self.out, saved);
            let found_keys = std::mem::replace(&mut self.unknown_keys, saved_keys);
            let found_types = std::mem::replace(&mut self.wrong_types, saved_types);
            if best.as_ref().is_none_or(|(prev, _, _)| found.len() < prev.len()) {
                let done = found.is_empty();
                best = Some((found, found_keys, found_types));
                if done {
                    break;
                }
            }
        }
        let (found, found_keys, found_types) = best.unwrap_or_default();
        self.out.extend(found);
        self.unknown_keys.extend(found_keys);
        self.wrong_types.extend(found_types);
    }

    /// Reports a type mismatch; returns whether the value is worth checking further.
    fn check_type(&mut self, node: &Node, id: SchemaId, place: Place) -> bool {
        let schema = self.set.node(id);
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
            if self.form == SpecForm::Cli && place.depth() == 1 && place.last() == Some("type") {
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
        // A value an alias brought has the alias's range, as do the other values it brought:
        // its finding is written now, so that findings sharing a range keep their own words.
        let from_alias = self.is_alias(node.range);
        if place.in_tree && !from_alias {
            self.out.push(Diagnostic::new(codes::WRONG_TYPE, node.range, String::new()));
            self.wrong_types.push(WrongType { range: node.range, schema: id });
            return false;
        }
        self.out.push(self.wrong_type(node, schema, &place.field()));
        false
    }

    /// The finding for a value of a type the schema does not allow (and no more specific case).
    fn wrong_type(&self, node: &Node, schema: &Schema, field: &str) -> Diagnostic {
        let expected: Vec<&str> = schema.types.iter().map(|t| t.describe()).collect();
        let mut d = Diagnostic::new(
            codes::WRONG_TYPE,
            node.range,
            format!("{field} must be {}, not {}.", expected.join(" or "), describe_value(node, schema)),
        );
        d.fixes = self.type_fixes(node, schema);
        if let Some(hint) = self.type_hint(node, schema) {
            d.message.push(' ');
            d.message.push_str(&hint);
        }
        d
    }

    /// Writes the message and fixes of the wrong-type findings among `shown` (the findings left
    /// after the cap), found again in the tree under `root`.
    pub fn write_wrong_types(&self, root: &Node, shown: &mut [Diagnostic]) {
        let unwritten = |d: &Diagnostic| d.message.is_empty() && d.code == codes::WRONG_TYPE;
        // Sorted lists searched by bisection: there are at most a few hundred wanted, and every
        // record and every node of the tree is looked up once.
        let mut wanted: Vec<TextRange> = shown.iter().filter(|d| unwritten(d)).map(|d| d.range).collect();
        if wanted.is_empty() {
            return;
        }
        wanted.sort_unstable();
        let mut records: Vec<(TextRange, SchemaId)> = self
            .wrong_types
            .iter()
            .filter(|w| wanted.binary_search(&w.range).is_ok())
            .map(|w| (w.range, w.schema))
            .collect();
        records.sort_unstable_by_key(|r| r.0);
        let record = |range: TextRange| records.binary_search_by_key(&range, |r| r.0).ok().map(|i| records[i].1);
        // One walk of the tree finds each wanted value with the words that name its field, as
        // `Place::field` says them: the key it is the value of, or the list it is an item of.
        // The walk keeps an iterator per open collection, not a list of every node.
        let mut found: HashMap<TextRange, (&Node, String)> = HashMap::with_capacity(wanted.len());
        let mut open: Vec<Open> = Vec::new();
        let mut next = Some((root, FieldAt::Document));
        loop {
            if let Some((node, at)) = next.take() {
                if let Some(schema) = record(node.range)
                    && !self.set.node(schema).allows(node_type(node))
                {
                    found.insert(node.range, (node, at.words()));
                }
                match &node.kind {
                    NodeKind::Mapping(entries) => open.push(Open::Entries(entries.iter())),
                    NodeKind::Sequence(items) => {
                        let list = match at {
                            FieldAt::Document => "list",
                            FieldAt::Key(key) => key,
                            FieldAt::ItemOf(_) => ITEM,
                        };
                        open.push(Open::Items(items.iter(), list));
                    }
                    NodeKind::Scalar(_) | NodeKind::Missing => {}
                }
            }
            let Some(top) = open.last_mut() else { break };
            next = match top {
                Open::Entries(entries) => entries.next().map(|e| (&e.value, FieldAt::Key(e.key.text.as_str()))),
                Open::Items(items, list) => items.next().map(|item| (item, FieldAt::ItemOf(list))),
            };
            if next.is_none() {
                open.pop();
            }
        }
        for d in shown.iter_mut().filter(|d| unwritten(d)) {
            let (Some((node, field)), Some(schema)) = (found.get(&d.range), record(d.range)) else {
                continue;
            };
            let written = self.wrong_type(node, self.set.node(schema), field);
            *d = Diagnostic { severity: d.severity, ..written };
        }
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
        if allowed.iter().any(|a| enum_values_equal(a, text, schema.casing)) {
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
        // The value as shown is written only for a value out of range.
        let fail = |bound: String| format!("{} must be {bound} (got {}).", place.field(), self.shown(node, schema));
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
                match schema.value_kind {
                    Some(ValueKind::Cidr) => {
                        format!("{} must be an IPv4 CIDR range such as 10.0.0.0/16.", place.field())
                    }
                    Some(ValueKind::IpAddress) => {
                        format!("{} must be an IPv4 address such as 10.0.0.10.", place.field())
                    }
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

    fn walk_mapping(&mut self, node: &Node, entries: &[Entry], id: SchemaId, place: Place) {
        let schema = self.set.node(id);
        // Where this mapping is in the other kinds' schemas, found at the first unknown key:
        // each unknown key then costs one lookup per kind, not a walk from their roots.
        let mut in_other_kinds: Option<Vec<(ComputeKind, SchemaId)>> = None;
        // The keys given here, for the unknown keys an alias brought (built at the first).
        let mut present: Option<HashSet<&str>> = None;
        for entry in entries {
            if !entry.has_colon {
                // Half-typed key: the parser already reported it, and completion will offer keys.
                continue;
            }
            if let Some(names) = schema.property_names {
                // A key checked as the string it is (an identity's resource id, say).
                let key = Node { kind: NodeKind::Scalar(entry.key.clone()), range: entry.key_range };
                let key_place = Place { path: place.path, key_range: Some(entry.key_range), in_tree: false };
                self.walk(&key, names, key_place);
            }
            let link = place.link(&entry.key.text);
            let child_place = Place::child(&link, Some(entry.key_range));
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
                        let in_other_kinds = in_other_kinds.get_or_insert_with(|| self.other_kinds_at(place));
                        let owners = in_other_kinds
                            .iter()
                            .filter(|(_, at)| {
                                step(self.set, *at, &entry.key.text).is_some_and(|f| !self.set.node(f).read_only)
                            })
                            .map(|(k, _)| *k)
                            .collect::<Vec<_>>();
                        // Keys an alias brought all have the alias's range: written now, each in
                        // its own words, as wrong-typed values from aliases are (`check_type`);
                        // written after the cap they would be merged into one.
                        if self.is_alias(entry.key_range) {
                            let present =
                                present.get_or_insert_with(|| entries.iter().map(|e| e.key.text.as_str()).collect());
                            self.out.push(self.unknown_field(present, entry, schema, &owners));
                            continue;
                        }
                        let code = if owners.is_empty() { codes::UNKNOWN_FIELD } else { codes::FIELD_OF_OTHER_KIND };
                        self.out.push(Diagnostic::new(code, entry.key_range, String::new()));
                        self.unknown_keys.push(UnknownKey { key_range: entry.key_range, schema: id, owners });
                    }
                },
            }
        }
        // A schema requires a few fields: a scan of the entries for each stays linear.
        for required in &schema.required {
            if entries.iter().any(|e| &e.key.text == required) {
                continue;
            }
            self.missing_field(node, entries, required, schema, place);
        }
    }

    /// Writes the message and fixes of the unknown-key findings among `shown` (the findings
    /// left after the cap), found in the tree under `root`.
    pub fn write_unknown_keys(&self, root: &Node, shown: &mut [Diagnostic]) {
        let unwritten = |d: &Diagnostic| {
            d.message.is_empty() && (d.code == codes::UNKNOWN_FIELD || d.code == codes::FIELD_OF_OTHER_KIND)
        };
        let wanted: HashSet<TextRange> = shown.iter().filter(|d| unwritten(d)).map(|d| d.range).collect();
        if wanted.is_empty() {
            return;
        }
        // One walk of the tree finds each wanted key's entry and the mapping it is in.
        let mut found: HashMap<TextRange, (&Entry, &[Entry])> = HashMap::with_capacity(wanted.len());
        let mut pending = vec![root];
        while let Some(node) = pending.pop() {
            match &node.kind {
                NodeKind::Mapping(entries) => {
                    for entry in entries {
                        if wanted.contains(&entry.key_range) {
                            found.insert(entry.key_range, (entry, entries.as_slice()));
                        }
                        pending.push(&entry.value);
                    }
                }
                NodeKind::Sequence(items) => pending.extend(items),
                NodeKind::Scalar(_) | NodeKind::Missing => {}
            }
        }
        let records: HashMap<TextRange, &UnknownKey> =
            self.unknown_keys.iter().filter(|u| wanted.contains(&u.key_range)).map(|u| (u.key_range, u)).collect();
        // The keys given in each mapping, built once per mapping that has a shown finding.
        let mut present_in: HashMap<*const Entry, HashSet<&str>> = HashMap::new();
        for d in shown.iter_mut().filter(|d| unwritten(d)) {
            let (Some((entry, siblings)), Some(record)) = (found.get(&d.range), records.get(&d.range)) else {
                continue;
            };
            let present = present_in
                .entry(siblings.as_ptr())
                .or_insert_with(|| siblings.iter().map(|e| e.key.text.as_str()).collect());
            let written = self.unknown_field(present, entry, self.set.node(record.schema), &record.owners);
            *d = Diagnostic { severity: d.severity, ..written };
        }
    }

    fn unknown_field(
        &self,
        present: &HashSet<&str>,
        entry: &Entry,
        schema: &Schema,
        owners: &[ComputeKind],
    ) -> Diagnostic {
        let key = &entry.key.text;
        let remove = Fix::new(format!("Remove `{key}`"), vec![edits::remove_entry(self.text, entry, self.json)]);
        if !owners.is_empty() {
            let names: Vec<String> =
                owners.iter().map(|k| format!("{}s ({})", k.display_name(), self.kind_label(*k))).collect();
            let mut fix = remove;
            fix.preferred = true;
            return Diagnostic::new(
                codes::FIELD_OF_OTHER_KIND,
                entry.key_range,
                format!(
                    "`{key}` is a field of {}, not of {}s ({}); the CLI rejects it here.",
                    names.join(" and "),
                    self.kind.display_name(),
                    self.kind_label(self.kind)
                ),
            )
            .with_fix(fix);
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
        Diagnostic::new(codes::UNKNOWN_FIELD, entry.key_range, message).with_fixes(fixes)
    }

    fn kind_label(&self, kind: ComputeKind) -> String {
        match self.form {
            SpecForm::Cli => format!("type: {}", kind.cli_type().unwrap_or(kind.arm_type())),
            SpecForm::Arm => format!("computeType: {}", kind.arm_type()),
        }
    }

    /// The other kinds of the same form, each with its schema at `place` where it has one.
    fn other_kinds_at(&self, place: Place) -> Vec<(ComputeKind, SchemaId)> {
        let kinds: &[ComputeKind] = match self.form {
            SpecForm::Cli => &ComputeKind::CLI,
            SpecForm::Arm => &ComputeKind::ALL,
        };
        let path = place.segments();
        kinds
            .iter()
            .copied()
            .filter(|k| *k != self.kind)
            .filter_map(|k| {
                let root = self.set.lookup(&k.schema_ref(self.form))?;
                Some((k, find_path(self.set, root, &path)?))
            })
            .collect()
    }

    fn missing_field(&mut self, node: &Node, entries: &[Entry], required: &str, schema: &Schema, place: Place) {
        let range = place.key_range.unwrap_or(node.range);
        let child = schema.property(required).map(|id| self.set.node(id));
        let (code, message, value) = if required == "type" && self.form == SpecForm::Cli && place.path.is_none() {
            let t = self.kind.cli_type().unwrap_or("");
            (
                codes::MISSING_COMPUTE_TYPE,
                format!("The spec has no `type`; the CLI fails with \"Unknown compute type: None\". Add `type: {t}`."),
                t.to_string(),
            )
        } else {
            let what = child.and_then(|c| c.description.as_deref()).map(first_sentence).unwrap_or_default();
            let within = if place.path.is_none() { String::new() } else { format!(" in {}", place.field()) };
            (
                codes::MISSING_FIELD,
                format!("`{required}` is required{within}. {what}").trim_end().to_string(),
                child.map(placeholder_value).unwrap_or_default(),
            )
        };
        // A mapping an alias brought is written at its anchor: an entry added at the alias would
        // break the file, so such a finding has no fix (as other findings from aliases).
        let from_alias = self.is_alias(node.range);
        let fix = edits::insert_entry(self.text, node, entries, required, &value, self.json)
            .filter(|_| !from_alias)
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
    use crate::check::{CheckOptions, MAX_DIAGNOSTICS, check_text};

    fn cluster_with_unknown_keys(n: usize, extra: &str) -> String {
        let keys: String = (0..n).map(|i| format!("unknown_key_{i}: 1\n")).collect();
        format!("name: c1\ntype: amlcompute\nsize: Standard_DS3_v2\n{extra}{keys}")
    }

    #[test]
    fn unknown_keys_are_counted_by_the_walk_and_written_only_when_shown() {
        let text = cluster_with_unknown_keys(2_000, "");
        let parsed = crate::syntax::parse(&text, crate::syntax::Format::Yaml);
        let set = SchemaSet::get();
        let root = parsed.root.as_ref().unwrap();
        let mut validator = Validator::new(set, &text, &parsed.comments, ComputeKind::AmlCompute, SpecForm::Cli, false);
        validator.validate_root(root, set.lookup("amlcompute.schema.json").unwrap());
        // The walk builds no message and no fix for any of them: that is what keeps a document
        // of a million unknown keys linear and cheap.
        assert_eq!(validator.out.len(), 2_000);
        assert!(
            validator.out.iter().all(|d| d.code == codes::UNKNOWN_FIELD && d.message.is_empty() && d.fixes.is_empty())
        );
        // Those shown are written in full; the others never are.
        let mut shown: Vec<Diagnostic> = validator.out.drain(..3).collect();
        validator.write_unknown_keys(root, &mut shown);
        assert_eq!(
            shown[0].message,
            "`unknown_key_0` is not a field of a compute cluster. Remove it or check the spelling."
        );
        assert_eq!(shown[2].fixes.len(), 1);
        assert_eq!(shown[2].fixes[0].title, "Remove `unknown_key_2`");
    }

    #[test]
    fn findings_past_the_cap_are_counted_exactly_and_those_shown_are_whole() {
        // 2,000 unknown keys (errors) after a misspelt field (a "did you mean").
        let text = cluster_with_unknown_keys(2_000, "max_instance: 2\n");
        let result = check_text(&text, Some("c.yml"), &CheckOptions::default());
        let d = &result.diagnostics;
        assert_eq!(d.len(), MAX_DIAGNOSTICS + 1);
        assert!(d.iter().all(|d| !d.message.is_empty()));
        let misspelt = d.iter().find(|d| &text[d.range.start()..d.range.end()] == "max_instance").unwrap();
        assert_eq!(
            misspelt.message,
            "`max_instance` is not a field of a compute cluster. Did you mean `max_instances`?"
        );
        assert_eq!(misspelt.fixes[0].title, "Rename to `max_instances`");
        let unknown = d.iter().filter(|d| d.code == codes::UNKNOWN_FIELD);
        assert!(unknown.clone().all(|d| d.fixes.last().is_some_and(|f| f.title.starts_with("Remove `"))));
        // The findings of the head alone come first; then the unknown keys, 2,001 in all.
        let head =
            check_text(&cluster_with_unknown_keys(0, "max_instance: 2\n"), Some("c.yml"), &CheckOptions::default());
        let cut = head.diagnostics.len() + 2_000 - MAX_DIAGNOSTICS;
        let last = &d[MAX_DIAGNOSTICS];
        assert_eq!(last.code, codes::TOO_MANY_FINDINGS);
        assert_eq!(last.severity, Severity::Error);
        let expected = format!("{cut} more findings from here on are not shown, {cut} of them errors");
        assert!(last.message.starts_with(&expected), "{}", last.message);
        let first_cut = 2_000 - cut;
        assert!(text[last.range.start()..].starts_with(&format!("unknown_key_{first_cut}:")));
    }

    #[test]
    fn wrong_typed_items_are_counted_by_the_walk_and_written_only_when_shown() {
        // Each item of `user_assigned_identities` must be a mapping; quoted numbers get a hint.
        let items: Vec<String> = (0..2_000).map(|i| format!("'{i}'")).collect();
        let text = format!(
            "name: c1\ntype: amlcompute\nsize: Standard_DS3_v2\nidentity:\n  type: user_assigned\n  user_assigned_identities: [{}]\n",
            items.join(", ")
        );
        let parsed = crate::syntax::parse(&text, crate::syntax::Format::Yaml);
        let set = SchemaSet::get();
        let root = parsed.root.as_ref().unwrap();
        let mut validator = Validator::new(set, &text, &parsed.comments, ComputeKind::AmlCompute, SpecForm::Cli, false);
        validator.validate_root(root, set.lookup("amlcompute.schema.json").unwrap());
        // The walk builds no message and no fix for any item: a list of a million wrong-typed
        // items stays linear and cheap.
        let wrong: Vec<Diagnostic> = validator.out.drain(..).filter(|d| d.code == codes::WRONG_TYPE).collect();
        assert_eq!(wrong.len(), 2_000);
        assert!(wrong.iter().all(|d| d.message.is_empty() && d.fixes.is_empty()));
        // Those shown are written in full, each from its own item; the others never are.
        let mut shown = wrong[1_998..].to_vec();
        validator.write_wrong_types(root, &mut shown);
        assert_eq!(
            shown[0].message,
            "each item of `user_assigned_identities` must be a mapping, not the string `1998`. Remove the quotes."
        );
        assert_eq!(&text[shown[1].range.start()..shown[1].range.end()], "'1999'");
        assert!(shown[1].message.contains("`1999`"), "{}", shown[1].message);
    }

    #[test]
    fn a_wrong_typed_value_is_written_as_it_was_before_the_cap() {
        // A value, an item of a list in the document, and a quoted number with its fix.
        let text = "name: c1\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: \"2\"\nmax_instances: [1]\n";
        let result = check_text(text, Some("c.yml"), &CheckOptions::default());
        let wrong: Vec<&Diagnostic> = result.diagnostics.iter().filter(|d| d.code == codes::WRONG_TYPE).collect();
        assert_eq!(wrong.len(), 2, "{wrong:?}");
        assert_eq!(wrong[1].message, "`max_instances` must be an integer, not a list.");
        assert!(wrong.iter().all(|d| !d.message.is_empty()));
    }

    #[test]
    fn a_field_of_another_kind_is_named_when_written() {
        // `schedules` is a compute instance's field.
        let text = "name: c1\ntype: amlcompute\nsize: Standard_DS3_v2\nschedules: {}\n";
        let result = check_text(text, Some("c.yml"), &CheckOptions::default());
        let d = result.diagnostics.iter().find(|d| d.code == codes::FIELD_OF_OTHER_KIND).unwrap();
        assert!(d.message.starts_with("`schedules` is a field of compute instances"), "{}", d.message);
        assert!(d.fixes[0].preferred);
    }

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
