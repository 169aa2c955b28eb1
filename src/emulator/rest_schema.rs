//! The REST spec's `ComputeResource` as a referee for PUT bodies: readOnly fields absent,
//! types, required fields, closed enums (those without `x-ms-enum.modelAsString: true`) and no
//! field the definitions do not have. The emulator refuses a body that breaks it, as ARM's
//! request validation would, so a wrong body from any client fails here too.
//!
//! Source: `compute_resource.rest.json`, the definitions reachable from `ComputeResource` in
//! machineLearningServices.json 2025-12-01 and common-types v3 (Azure/azure-rest-api-specs,
//! MIT), with descriptions and client-generator hints removed; `tests/wire.rs` regenerates it
//! from those files and fails when it drifts. Where azure-ai-ml 1.35.2 and that file disagree,
//! `wire_exceptions.json` lists the difference and the reason it is accepted.
//!
//! Only the Swagger 2.0 subset those definitions use is read: `$ref` (local), `allOf`,
//! `discriminator` with `x-ms-discriminator-value`, `properties`, `required`,
//! `additionalProperties`, `items`, `type`, `enum` with `x-ms-enum`, `readOnly`, `x-nullable`.

use serde_json::{Map, Value};
use std::sync::OnceLock;

/// One way a body breaks the definitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where, concretely: `properties.properties.schedules.computeStartStop[0].id`.
    pub path: String,
    /// Where, in the exceptions' syntax (`[]` for any item, `*` for any map key).
    pub pattern: String,
    /// `read-only`, `unknown-field`, `type`, `required`, `enum`, `discriminator`.
    pub kind: &'static str,
    /// What is wrong, with the allowed values or type. Never the value itself (it may be a secret).
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", if self.path.is_empty() { "(body)" } else { &self.path }, self.message)
    }
}

/// A reviewed difference between what clients send and the definitions.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exception {
    /// A compute type, or `*` for all.
    pub compute_type: String,
    pub path: String,
    pub kind: String,
    pub reason: String,
}

impl Exception {
    fn covers(&self, compute_type: &str, v: &Violation) -> bool {
        (self.compute_type == "*" || self.compute_type.eq_ignore_ascii_case(compute_type))
            && self.path == v.pattern
            && self.kind == v.kind
    }
}

/// A set of definitions with `ComputeResource` among them.
pub struct RestSchema {
    definitions: Map<String, Value>,
}

const EMBEDDED: &str = include_str!("compute_resource.rest.json");
const EMBEDDED_EXCEPTIONS: &str = include_str!("wire_exceptions.json");

impl RestSchema {
    /// `{"definitions": {...}}` with local `#/definitions/…` references.
    pub fn from_json(doc: &Value) -> Option<RestSchema> {
        let definitions = doc.get("definitions")?.as_object()?.clone();
        definitions.contains_key("ComputeResource").then_some(RestSchema { definitions })
    }

    /// The definitions built into the emulator.
    pub fn embedded() -> &'static RestSchema {
        static SCHEMA: OnceLock<RestSchema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            let doc: Value = serde_json::from_str(EMBEDDED).unwrap_or(Value::Null);
            RestSchema::from_json(&doc).unwrap_or(RestSchema { definitions: Map::new() })
        })
    }

    /// The JSON text of the embedded definitions (tests compare it with the REST spec).
    pub fn embedded_text() -> &'static str {
        EMBEDDED
    }

    /// Every violation of `ComputeResource` in `body`, the reviewed exceptions left out.
    pub fn validate(&self, body: &Value, exceptions: &[Exception]) -> Vec<Violation> {
        let mut out = Vec::new();
        if let Some(root) = self.definitions.get("ComputeResource") {
            self.check(root, body, String::new(), String::new(), &mut out, 0);
        }
        let compute_type = body.pointer("/properties/computeType").and_then(Value::as_str).unwrap_or_default();
        out.retain(|v| !exceptions.iter().any(|e| e.covers(compute_type, v)));
        out
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut current = schema;
        for _ in 0..16 {
            match current.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
                Some(name) => match self.definitions.get(name) {
                    Some(def) => current = def,
                    None => return current,
                },
                None => return current,
            }
        }
        current
    }

    fn is_read_only(&self, schema: &Value) -> bool {
        schema.get("readOnly") == Some(&Value::Bool(true))
            || self.resolve(schema).get("readOnly") == Some(&Value::Bool(true))
    }

    /// Properties, required names and `additionalProperties` of a schema and its `allOf` parents.
    fn flatten<'a>(&'a self, schema: &'a Value, shape: &mut Shape<'a>, depth: usize) {
        let schema = self.resolve(schema);
        if depth > 32 {
            return;
        }
        for parent in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.flatten(parent, shape, depth + 1);
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            shape.structured = true;
            for (k, v) in props {
                shape.properties.insert(k.as_str(), v);
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            shape.required.extend(required.iter().filter_map(Value::as_str));
        }
        if let Some(extra) = schema.get("additionalProperties") {
            shape.additional = Some(extra);
        }
        if schema.get("x-nullable") == Some(&Value::Bool(true)) {
            shape.nullable = true;
        }
        if let Some(t) = schema.get("type").and_then(Value::as_str) {
            shape.kind = Some(t);
        }
        if schema.get("allOf").is_some() && shape.kind.is_none() {
            shape.kind = Some("object");
        }
    }

    /// The subtype a discriminated schema names for `value`, if the schema is discriminated.
    fn subtype<'a>(&'a self, schema: &'a Value, value: &Value) -> Option<Result<&'a Value, String>> {
        let schema = self.resolve(schema);
        let field = schema.get("discriminator")?.as_str()?;
        let wanted = value.get(field)?.as_str()?;
        let base_name = self.definitions.iter().find(|(_, d)| std::ptr::eq(*d, schema)).map(|(n, _)| n.clone())?;
        let base_ref = format!("#/definitions/{base_name}");
        let mut names = Vec::new();
        for (name, def) in &self.definitions {
            let inherits = def.get("allOf").and_then(Value::as_array).is_some_and(|parents| {
                parents.iter().any(|p| p.get("$ref").and_then(Value::as_str) == Some(&base_ref))
            });
            if !inherits {
                continue;
            }
            let value_name = def.get("x-ms-discriminator-value").and_then(Value::as_str).unwrap_or(name);
            if value_name == wanted {
                return Some(Ok(def));
            }
            names.push(value_name.to_string());
        }
        names.sort();
        Some(Err(format!("`{field}` must be one of {}", names.join(", "))))
    }

    fn check(
        &self,
        schema: &Value,
        value: &Value,
        path: String,
        pattern: String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        let violation = |kind: &'static str, message: String, out: &mut Vec<Violation>| {
            out.push(Violation { path: path.clone(), pattern: pattern.clone(), kind, message })
        };
        let mut schema = self.resolve(schema);
        match self.subtype(schema, value) {
            Some(Ok(sub)) => schema = sub,
            Some(Err(message)) => {
                violation("discriminator", message, out);
                return;
            }
            None => {}
        }
        let mut shape = Shape::default();
        self.flatten(schema, &mut shape, 0);
        if value.is_null() {
            if !shape.nullable {
                violation("type", format!("null is not allowed (expected {})", shape.kind.unwrap_or("a value")), out);
            }
            return;
        }
        match shape.kind {
            Some("object") | None if shape.structured || shape.additional.is_some() => {
                let Some(map) = value.as_object() else {
                    violation("type", "expected an object".to_string(), out);
                    return;
                };
                self.check_object(&shape, map, &path, &pattern, out, depth);
            }
            Some("object") if !value.is_object() => violation("type", "expected an object".to_string(), out),
            Some("array") => {
                let Some(items) = value.as_array() else {
                    violation("type", "expected an array".to_string(), out);
                    return;
                };
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item_schema, item, format!("{path}[{i}]"), format!("{pattern}[]"), out, depth + 1);
                    }
                }
            }
            Some("string") => match value.as_str() {
                None => violation("type", "expected a string".to_string(), out),
                Some(s) => {
                    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
                        let open = schema.pointer("/x-ms-enum/modelAsString") == Some(&Value::Bool(true));
                        if !open && !allowed.iter().any(|a| a.as_str() == Some(s)) {
                            let list: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                            violation("enum", format!("must be one of {}", list.join(", ")), out);
                        }
                    }
                }
            },
            Some("integer") if !(value.is_i64() || value.is_u64()) => {
                violation("type", "expected an integer".to_string(), out)
            }
            Some("number") if !value.is_number() => violation("type", "expected a number".to_string(), out),
            Some("boolean") if !value.is_boolean() => violation("type", "expected a boolean".to_string(), out),
            _ => {}
        }
    }

    fn check_object(
        &self,
        shape: &Shape,
        map: &Map<String, Value>,
        path: &str,
        pattern: &str,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        let join = |base: &str, key: &str| if base.is_empty() { key.to_string() } else { format!("{base}.{key}") };
        for (key, child) in map {
            let (child_path, child_pattern) = (join(path, key), join(pattern, key));
            if let Some(prop) = shape.properties.get(key.as_str()) {
                // JSON null for an optional field reads as "not given" (ARM's deserializers
                // treat it so); a null required field is reported as missing below.
                if child.is_null() && !shape.required.contains(&key.as_str()) && !self.is_read_only(prop) {
                    continue;
                }
                if self.is_read_only(prop) {
                    out.push(Violation {
                        path: child_path,
                        pattern: child_pattern,
                        kind: "read-only",
                        message: "is read-only: only Azure sets it, a PUT must not send it".to_string(),
                    });
                } else {
                    self.check(prop, child, child_path, child_pattern, out, depth + 1);
                }
                continue;
            }
            match shape.additional {
                Some(Value::Bool(true)) => {}
                // A null map value reads as "not given", as for optional fields.
                Some(Value::Object(_)) if child.is_null() => {}
                Some(extra @ Value::Object(_)) => {
                    self.check(extra, child, child_path, join(pattern, "*"), out, depth + 1)
                }
                _ if !shape.structured => {}
                _ => out.push(Violation {
                    path: child_path,
                    pattern: child_pattern,
                    kind: "unknown-field",
                    message: "is not a field of this object in the REST spec".to_string(),
                }),
            }
        }
        for name in &shape.required {
            let read_only = shape.properties.get(name).is_some_and(|p| self.is_read_only(p));
            if map.get(*name).is_none_or(Value::is_null) && !read_only {
                out.push(Violation {
                    path: join(path, name),
                    pattern: join(pattern, name),
                    kind: "required",
                    message: "is required".to_string(),
                });
            }
        }
    }
}

#[derive(Default)]
struct Shape<'a> {
    properties: PropertyMap<'a>,
    required: Vec<&'a str>,
    additional: Option<&'a Value>,
    nullable: bool,
    kind: Option<&'a str>,
    /// Has `properties` somewhere: unknown keys are violations unless `additionalProperties`.
    structured: bool,
}

type PropertyMap<'a> = std::collections::BTreeMap<&'a str, &'a Value>;

/// The exceptions built into the emulator (`wire_exceptions.json`).
pub fn embedded_exceptions() -> &'static [Exception] {
    static EXCEPTIONS: OnceLock<Vec<Exception>> = OnceLock::new();
    EXCEPTIONS.get_or_init(|| serde_json::from_str(EMBEDDED_EXCEPTIONS).unwrap_or_default())
}

/// The JSON text of the embedded exceptions.
pub fn embedded_exceptions_text() -> &'static str {
    EMBEDDED_EXCEPTIONS
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_embedded_definitions_and_exceptions_load() {
        assert!(RestSchema::embedded().definitions.len() > 50);
        assert!(embedded_exceptions().iter().all(|e| !e.reason.trim().is_empty()));
    }

    #[test]
    fn a_minimal_cluster_passes_and_mistakes_are_named() {
        let schema = RestSchema::embedded();
        let good = json!({"location": "eastus", "properties": {"computeType": "AmlCompute",
            "properties": {"vmSize": "STANDARD_DS3_V2", "scaleSettings": {"maxNodeCount": 2, "minNodeCount": 0}}}});
        assert_eq!(schema.validate(&good, &[]), vec![]);
        let bad = json!({"name": "x", "location": "eastus", "properties": {"computeType": "AmlCompute",
            "provisioningState": "Succeeded",
            "properties": {"vmSize": 3, "osType": "Solaris", "vmSizee": "x", "scaleSettings": {"minNodeCount": 0}}}});
        let found: Vec<(String, &str)> = schema.validate(&bad, &[]).into_iter().map(|v| (v.path, v.kind)).collect();
        for want in [
            ("name", "read-only"),
            ("properties.provisioningState", "read-only"),
            ("properties.properties.vmSize", "type"),
            ("properties.properties.vmSizee", "unknown-field"),
            ("properties.properties.scaleSettings.maxNodeCount", "required"),
        ] {
            assert!(found.iter().any(|(p, k)| p == want.0 && *k == want.1), "{want:?} not in {found:?}");
        }
        // osType is modelAsString: other values are open.
        assert!(!found.iter().any(|(p, _)| p == "properties.properties.osType"), "{found:?}");
    }

    #[test]
    fn an_unknown_compute_type_is_a_discriminator_violation() {
        let v = RestSchema::embedded().validate(&json!({"properties": {"computeType": "Quantum"}}), &[]);
        assert!(v.iter().any(|v| v.kind == "discriminator" && v.message.contains("AmlCompute")), "{v:?}");
    }
}
