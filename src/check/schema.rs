//! The JSON Schemas in `schemas/`, compiled once into a graph the validator, completion and
//! hover walk. We interpret the draft-07 subset those files use plus our `x-` keywords (see
//! schemas/README.md) instead of using a general validator, because every finding must land
//! on the right token of a tolerant tree, say what to do, and carry its fix.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded schema files, by file name.
pub const SCHEMA_FILES: &[(&str, &str)] = &[
    ("common.schema.json", include_str!("../../schemas/common.schema.json")),
    ("amlcompute.schema.json", include_str!("../../schemas/amlcompute.schema.json")),
    ("computeinstance.schema.json", include_str!("../../schemas/computeinstance.schema.json")),
    ("virtualmachine.schema.json", include_str!("../../schemas/virtualmachine.schema.json")),
    ("kubernetes.schema.json", include_str!("../../schemas/kubernetes.schema.json")),
    ("synapsespark.schema.json", include_str!("../../schemas/synapsespark.schema.json")),
    ("arm-compute.schema.json", include_str!("../../schemas/arm-compute.schema.json")),
];

pub type SchemaId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    Null,
}

impl JsonType {
    fn parse(s: &str) -> Option<JsonType> {
        Some(match s {
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "string" => JsonType::String,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "boolean" => JsonType::Boolean,
            "null" => JsonType::Null,
            _ => return None,
        })
    }

    pub fn describe(self) -> &'static str {
        match self {
            JsonType::Object => "a mapping",
            JsonType::Array => "a list",
            JsonType::String => "a string",
            JsonType::Integer => "an integer",
            JsonType::Number => "a number",
            JsonType::Boolean => "a boolean (true or false)",
            JsonType::Null => "null",
        }
    }
}

/// The draft-07 `format`s the schemas use; any other is refused when the schemas compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringFormat {
    /// RFC 3339 `date-time`: `2026-01-01T18:00:00Z`, `2026-01-01T18:00:00.5+01:00`.
    DateTime,
    /// `8-4-4-4-12` hexadecimal digits.
    Uuid,
}

impl StringFormat {
    fn parse(name: &str) -> Option<StringFormat> {
        match name {
            "date-time" => Some(StringFormat::DateTime),
            "uuid" => Some(StringFormat::Uuid),
            _ => None,
        }
    }

    /// What a value of this format looks like, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            StringFormat::DateTime => "an RFC 3339 date and time such as 2026-01-01T18:00:00Z",
            StringFormat::Uuid => "a GUID such as 00000000-0000-0000-0000-000000000000",
        }
    }

    pub fn matches(self, text: &str) -> bool {
        match self {
            StringFormat::Uuid => {
                let groups: Vec<&str> = text.split('-').collect();
                groups.len() == 5
                    && groups
                        .iter()
                        .zip([8, 4, 4, 4, 12])
                        .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
            }
            StringFormat::DateTime => is_rfc3339_date_time(text),
        }
    }
}

/// RFC 3339 section 5.6 `date-time`, with the field ranges checked (not the calendar).
fn is_rfc3339_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit);
    let number = |from: usize, n: usize| text[from..from + n].parse::<u32>().unwrap_or(u32::MAX);
    if b.len() < 20 || !digits(0, 4) || b[4] != b'-' || !digits(5, 2) || b[7] != b'-' || !digits(8, 2) {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ') || !digits(11, 2) || b[13] != b':' || !digits(14, 2) || b[16] != b':' {
        return false;
    }
    if !digits(17, 2) || !(1..=12).contains(&number(5, 2)) || !(1..=31).contains(&number(8, 2)) {
        return false;
    }
    if number(11, 2) > 23 || number(14, 2) > 59 || number(17, 2) > 60 {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len()
                && digits(i + 1, 2)
                && b[i + 3] == b':'
                && digits(i + 4, 2)
                && number(i + 1, 2) <= 23
                && number(i + 4, 2) <= 59
        }
        _ => false,
    }
}

/// What a string field means (`x-valueKind`, schemas/README.md): completion, hover and the
/// value checks in `values` branch on it. Any other name fails compilation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    ComputeName,
    VmSize,
    Location,
    /// An ARM resource id, of one of the schema's `x-armResourceTypes`.
    ArmId,
    /// A subnet name or a full subnet resource id.
    Subnet,
    IsoDuration,
    Cron,
    SshPublicKey,
    FilePath,
    DateTime,
    TimeZone,
    Uuid,
    Fqdn,
    Cidr,
    IpAddress,
}

impl ValueKind {
    /// Every kind with its name in the schemas.
    const NAMES: [(&'static str, ValueKind); 15] = [
        ("computeName", ValueKind::ComputeName),
        ("vmSize", ValueKind::VmSize),
        ("location", ValueKind::Location),
        ("armId", ValueKind::ArmId),
        ("subnet", ValueKind::Subnet),
        ("isoDuration", ValueKind::IsoDuration),
        ("cron", ValueKind::Cron),
        ("sshPublicKey", ValueKind::SshPublicKey),
        ("filePath", ValueKind::FilePath),
        ("dateTime", ValueKind::DateTime),
        ("timeZone", ValueKind::TimeZone),
        ("uuid", ValueKind::Uuid),
        ("fqdn", ValueKind::Fqdn),
        ("cidr", ValueKind::Cidr),
        ("ipAddress", ValueKind::IpAddress),
    ];

    fn parse(name: &str) -> Option<ValueKind> {
        Self::NAMES.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }

    /// The name the schemas use.
    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, k)| *k == self).map_or("", |(n, _)| n)
    }
}

/// Why a set of schema files does not compile: each names the file and what to change.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("{file}: not valid JSON: {source}")]
    Json { file: String, source: serde_json::Error },
    #[error("a `$ref` names the unknown schema file {file}")]
    UnknownFile { file: String },
    #[error("{reference} does not exist")]
    MissingTarget { reference: String },
    #[error(
        "{file}: the schema keyword `{keyword}` is not implemented by aml-compute-ls's validator \
         (implement it in check/schema.rs and check/validate.rs, or remove it)"
    )]
    UnknownKeyword { file: String, keyword: String },
    #[error("{file}: bad `pattern` {pattern:?}: {source}")]
    BadPattern { file: String, pattern: String, source: regex::Error },
    #[error("{file}: the `format` {format:?} is not implemented by the validator")]
    UnknownFormat { file: String, format: String },
    #[error(
        "{file}: the `x-valueKind` {kind:?} is not one the validator knows (schemas/README.md lists them; \
         add it to ValueKind in check/schema.rs, or remove it)"
    )]
    UnknownValueKind { file: String, kind: String },
}

/// Every keyword the schemas may use: what the validator implements, annotations it shows
/// (or keeps for other tools), and our `x-` keywords. Anything else fails compilation, so a
/// schema can never say something the validator silently ignores.
const KEYWORDS: &[&str] = &[
    // Structure and values.
    "$ref",
    "$schema",
    "definitions",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "propertyNames",
    "items",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "pattern",
    "format",
    "oneOf",
    "anyOf",
    "discriminator",
    // Annotations.
    "title",
    "description",
    "markdownDescription",
    "default",
    "examples",
    "readOnly",
    "deprecated",
    "deprecationMessage",
    // Ours (schemas/README.md).
    "x-caseInsensitive",
    "x-caseTransform",
    "x-secret",
    "x-valueKind",
    "x-unit",
    "x-armResourceTypes",
    // Kept for readers and other tools; no validation meaning.
    "x-discriminator",
    "x-supportedComputeType",
];

#[derive(Clone, Debug, PartialEq)]
pub enum Additional {
    Forbidden,
    Any,
    Schema(SchemaId),
}

/// How enum values compare, following the SDK's `StringTransformedEnum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumCasing {
    Exact,
    /// Compared lower-cased (`Dedicated` = `dedicated`).
    Lower,
    /// CamelCase turned into snake_case, then lower-cased (`SystemAssigned` = `system_assigned`).
    CamelToSnake,
}

#[derive(Clone, Debug)]
pub struct Schema {
    pub types: Vec<JsonType>,
    pub properties: Vec<(String, SchemaId)>,
    pub required: Vec<String>,
    pub additional: Additional,
    pub items: Option<SchemaId>,
    pub enum_values: Option<Vec<Value>>,
    pub casing: EnumCasing,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    /// `pattern`, compiled (unanchored, as draft-07 says).
    pub pattern: Option<regex::Regex>,
    pub format: Option<StringFormat>,
    /// `propertyNames`: the schema every key of a mapping must meet.
    pub property_names: Option<SchemaId>,
    pub one_of: Vec<SchemaId>,
    pub discriminator: Option<(String, Vec<(String, SchemaId)>)>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub markdown_description: Option<String>,
    pub default: Option<Value>,
    pub examples: Vec<Value>,
    pub read_only: bool,
    pub deprecated: bool,
    pub deprecation_message: Option<String>,
    pub secret: bool,
    pub value_kind: Option<ValueKind>,
    pub arm_resource_types: Vec<String>,
    /// `seconds` or `minutes` for integer durations.
    pub unit: Option<String>,
}

impl Default for Schema {
    fn default() -> Self {
        Schema {
            types: Vec::new(),
            properties: Vec::new(),
            required: Vec::new(),
            additional: Additional::Any,
            items: None,
            enum_values: None,
            casing: EnumCasing::Exact,
            minimum: None,
            maximum: None,
            exclusive_minimum: None,
            exclusive_maximum: None,
            min_length: None,
            max_length: None,
            min_items: None,
            pattern: None,
            format: None,
            property_names: None,
            one_of: Vec::new(),
            discriminator: None,
            title: None,
            description: None,
            markdown_description: None,
            default: None,
            examples: Vec::new(),
            read_only: false,
            deprecated: false,
            deprecation_message: None,
            secret: false,
            value_kind: None,
            arm_resource_types: Vec::new(),
            unit: None,
        }
    }
}

impl Schema {
    pub fn property(&self, name: &str) -> Option<SchemaId> {
        self.properties.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
    }

    pub fn allows(&self, t: JsonType) -> bool {
        self.types.is_empty()
            || self.types.contains(&t)
            || (t == JsonType::Integer && self.types.contains(&JsonType::Number))
    }

    /// Enum values as strings (the only kind our schemas use).
    pub fn enum_strings(&self) -> Vec<&str> {
        self.enum_values.iter().flatten().filter_map(Value::as_str).collect()
    }

    /// The documentation to show for this schema: markdown if present.
    pub fn docs(&self) -> Option<&str> {
        self.markdown_description.as_deref().or(self.description.as_deref())
    }
}

pub fn normalize_enum(value: &str, casing: EnumCasing) -> String {
    match casing {
        // azure-ai-ml's camel_to_snake splits on commas and strips each part
        // (_utils/utils.py `_csv_parser`): `system_assigned, user_assigned` is the combined type.
        EnumCasing::CamelToSnake if value.contains(',') => {
            value.split(',').map(|part| normalize_enum(part.trim(), casing)).collect::<Vec<_>>().join(",")
        }
        _ => normalized_chars(value, casing).collect(),
    }
}

/// Whether two enum values are equal once normalised, without building either (but for the
/// rare comma-separated combined value): the validator compares every enum value of a
/// document against each allowed value.
pub fn enum_values_equal(a: &str, b: &str, casing: EnumCasing) -> bool {
    match casing {
        EnumCasing::Exact => a == b,
        EnumCasing::CamelToSnake if a.contains(',') || b.contains(',') => {
            normalize_enum(a, casing) == normalize_enum(b, casing)
        }
        // Enum values are ASCII in practice: compared byte by byte, with no Unicode case tables.
        _ if a.is_ascii() && b.is_ascii() => AsciiNormalized::new(a, casing).eq(AsciiNormalized::new(b, casing)),
        _ => normalized_chars(a, casing).eq(normalized_chars(b, casing)),
    }
}

/// The bytes of `normalize_enum`'s result for ASCII text (not `Exact`), one at a time: what
/// `normalized_chars` gives for such text.
struct AsciiNormalized<'a> {
    bytes: std::slice::Iter<'a, u8>,
    snake: bool,
    prev_lower: bool,
    /// The folded byte owed after an inserted `_`.
    pending: Option<u8>,
}

impl<'a> AsciiNormalized<'a> {
    fn new(value: &'a str, casing: EnumCasing) -> Self {
        AsciiNormalized {
            bytes: value.as_bytes().iter(),
            snake: casing == EnumCasing::CamelToSnake,
            prev_lower: false,
            pending: None,
        }
    }
}

impl Iterator for AsciiNormalized<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if let Some(b) = self.pending.take() {
            return Some(b);
        }
        let b = *self.bytes.next()?;
        let underscore = self.snake && b.is_ascii_uppercase() && self.prev_lower;
        self.prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
        let folded = b.to_ascii_lowercase();
        if underscore {
            self.pending = Some(folded);
            Some(b'_')
        } else {
            Some(folded)
        }
    }
}

/// The characters of `normalize_enum`'s result, one at a time.
fn normalized_chars(value: &str, casing: EnumCasing) -> impl Iterator<Item = char> + '_ {
    let mut prev_lower = false;
    value.chars().flat_map(move |ch| {
        let underscore = casing == EnumCasing::CamelToSnake && ch.is_uppercase() && prev_lower;
        prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        let folded = match casing {
            EnumCasing::Exact => None,
            _ => Some(ch.to_lowercase()),
        };
        underscore
            .then_some('_')
            .into_iter()
            .chain(folded.into_iter().flatten().chain((casing == EnumCasing::Exact).then_some(ch)))
    })
}

/// All compiled schemas.
#[derive(Debug)]
pub struct SchemaSet {
    nodes: Vec<Schema>,
    named: HashMap<String, SchemaId>,
}

impl SchemaSet {
    /// The embedded set, compiled on first use.
    pub fn get() -> &'static SchemaSet {
        static SET: OnceLock<SchemaSet> = OnceLock::new();
        SET.get_or_init(|| SchemaSet::compile(SCHEMA_FILES).expect("embedded schemas compile"))
    }

    pub fn node(&self, id: SchemaId) -> &Schema {
        &self.nodes[id]
    }

    /// Every compiled schema, for questions about the whole set (which fields are secret).
    pub fn nodes(&self) -> &[Schema] {
        &self.nodes
    }

    /// A schema by `file` (its root) or `file#/json/pointer`.
    pub fn lookup(&self, reference: &str) -> Option<SchemaId> {
        let key = if reference.contains('#') { reference.to_string() } else { format!("{reference}#") };
        self.named.get(&key).copied()
    }

    pub fn compile(files: &[(&str, &str)]) -> Result<SchemaSet, SchemaError> {
        let mut docs = HashMap::new();
        for (name, text) in files {
            let value: Value =
                serde_json::from_str(text).map_err(|source| SchemaError::Json { file: name.to_string(), source })?;
            docs.insert(name.to_string(), value);
        }
        let mut compiler = Compiler { docs: &docs, nodes: Vec::new(), named: HashMap::new() };
        for (name, _) in files {
            compiler.compile_ref(name, "")?;
        }
        let (mut nodes, mut named) = (compiler.nodes, compiler.named);
        nodes.shrink_to_fit();
        named.shrink_to_fit();
        Ok(SchemaSet { nodes, named })
    }
}

struct Compiler<'d> {
    docs: &'d HashMap<String, Value>,
    nodes: Vec<Schema>,
    named: HashMap<String, SchemaId>,
}

impl<'d> Compiler<'d> {
    fn compile_ref(&mut self, file: &str, pointer: &str) -> Result<SchemaId, SchemaError> {
        let key = format!("{file}#{pointer}");
        if let Some(id) = self.named.get(&key) {
            return Ok(*id);
        }
        // Borrowed from the parsed files, not `self`: a copy of each target (whole files for
        // their roots) was most of what compiling allocated.
        let docs: &'d HashMap<String, Value> = self.docs;
        let doc = docs.get(file).ok_or_else(|| SchemaError::UnknownFile { file: file.to_string() })?;
        let value = doc.pointer(pointer).ok_or_else(|| SchemaError::MissingTarget { reference: key.clone() })?;
        // Reserve the id before compiling children so recursive references terminate.
        let id = self.nodes.len();
        self.nodes.push(Schema::default());
        self.named.insert(key, id);
        let schema = self.build(file, value)?;
        self.nodes[id] = schema;
        Ok(id)
    }

    fn resolve(&mut self, file: &str, reference: &str) -> Result<SchemaId, SchemaError> {
        let (target_file, pointer) = match reference.split_once('#') {
            Some(("", p)) => (file.to_string(), p.to_string()),
            Some((f, p)) => (f.to_string(), p.to_string()),
            None => (reference.to_string(), String::new()),
        };
        self.compile_ref(&target_file, &pointer)
    }

    fn child(&mut self, file: &str, value: &Value) -> Result<SchemaId, SchemaError> {
        if let Some(r) = value.get("$ref").and_then(Value::as_str)
            && value.as_object().is_some_and(|o| o.len() == 1 || only_annotations(o))
        {
            let target = self.resolve(file, r)?;
            if value.as_object().is_some_and(|o| o.len() == 1) {
                return Ok(target);
            }
            // A `$ref` with its own description: copy the target and overlay the annotations.
            let mut schema = self.nodes[target].clone();
            let overlay = self.build(file, &strip_ref(value))?;
            overlay_annotations(&mut schema, overlay);
            let id = self.nodes.len();
            self.nodes.push(schema);
            return Ok(id);
        }
        let schema = self.build(file, value)?;
        let id = self.nodes.len();
        self.nodes.push(schema);
        Ok(id)
    }

    fn build(&mut self, file: &str, value: &Value) -> Result<Schema, SchemaError> {
        let Some(obj) = value.as_object() else {
            // `true`/`false` schemas.
            return Ok(Schema::default());
        };
        if let Some(unknown) = obj.keys().find(|k| !KEYWORDS.contains(&k.as_str())) {
            return Err(SchemaError::UnknownKeyword { file: file.to_string(), keyword: unknown.clone() });
        }
        let mut s = Schema::default();
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let target = self.resolve(file, r)?;
            s = self.nodes[target].clone();
        }
        match obj.get("type") {
            Some(Value::String(t)) => s.types = JsonType::parse(t).into_iter().collect(),
            Some(Value::Array(ts)) => {
                s.types = ts.iter().filter_map(|t| t.as_str().and_then(JsonType::parse)).collect()
            }
            _ => {}
        }
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for (name, sub) in props {
                let id = self.child(file, sub)?;
                s.properties.push((name.clone(), id));
            }
        }
        if let Some(req) = obj.get("required").and_then(Value::as_array) {
            s.required = req.iter().filter_map(|v| v.as_str().map(String::from)).collect();
        }
        match obj.get("additionalProperties") {
            Some(Value::Bool(false)) => s.additional = Additional::Forbidden,
            Some(Value::Bool(true)) => s.additional = Additional::Any,
            Some(sub) => s.additional = Additional::Schema(self.child(file, sub)?),
            // Without the keyword a `$ref` keeps what its target said.
            None => {}
        }
        if let Some(items) = obj.get("items") {
            s.items = Some(self.child(file, items)?);
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            s.enum_values = Some(values.clone());
        }
        if let Some(c) = obj.get("const") {
            s.enum_values = Some(vec![c.clone()]);
        }
        if obj.get("x-caseInsensitive").and_then(Value::as_bool) == Some(true) {
            s.casing = EnumCasing::Lower;
        }
        match obj.get("x-caseTransform").and_then(Value::as_str) {
            Some("lower") => s.casing = EnumCasing::Lower,
            Some("camelToSnake") => s.casing = EnumCasing::CamelToSnake,
            _ => {}
        }
        let num = |k: &str| obj.get(k).and_then(Value::as_f64);
        s.minimum = num("minimum").or(s.minimum);
        s.maximum = num("maximum").or(s.maximum);
        s.exclusive_minimum = num("exclusiveMinimum").or(s.exclusive_minimum);
        s.exclusive_maximum = num("exclusiveMaximum").or(s.exclusive_maximum);
        let count = |k: &str| obj.get(k).and_then(Value::as_u64).map(|n| n as usize);
        s.min_length = count("minLength").or(s.min_length);
        s.max_length = count("maxLength").or(s.max_length);
        s.min_items = count("minItems").or(s.min_items);
        if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
            let compiled = regex::Regex::new(pattern).map_err(|source| SchemaError::BadPattern {
                file: file.to_string(),
                pattern: pattern.to_string(),
                source,
            })?;
            s.pattern = Some(compiled);
        }
        if let Some(format) = obj.get("format").and_then(Value::as_str) {
            s.format =
                Some(StringFormat::parse(format).ok_or_else(|| SchemaError::UnknownFormat {
                    file: file.to_string(),
                    format: format.to_string(),
                })?);
        }
        if let Some(names) = obj.get("propertyNames") {
            s.property_names = Some(self.child(file, names)?);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = obj.get(key).and_then(Value::as_array) {
                for b in branches {
                    let id = self.child(file, b)?;
                    s.one_of.push(id);
                }
            }
        }
        if let Some(d) = obj.get("discriminator").and_then(Value::as_object) {
            let prop = d.get("propertyName").and_then(Value::as_str).unwrap_or("type").to_string();
            let mut mapping = Vec::new();
            for (k, v) in d.get("mapping").and_then(Value::as_object).into_iter().flatten() {
                if let Some(r) = v.as_str() {
                    mapping.push((k.clone(), self.resolve(file, r)?));
                }
            }
            s.discriminator = Some((prop, mapping));
        }
        let text = |k: &str| obj.get(k).and_then(Value::as_str).map(String::from);
        s.title = text("title").or(s.title);
        s.description = text("description").or(s.description);
        s.markdown_description = text("markdownDescription").or(s.markdown_description);
        s.default = obj.get("default").cloned().or(s.default);
        if let Some(ex) = obj.get("examples").and_then(Value::as_array) {
            s.examples = ex.clone();
        }
        s.read_only |= obj.get("readOnly").and_then(Value::as_bool) == Some(true);
        s.deprecated |= obj.get("deprecated").and_then(Value::as_bool) == Some(true);
        s.deprecation_message = text("deprecationMessage").or(s.deprecation_message);
        s.secret |= obj.get("x-secret").and_then(Value::as_bool) == Some(true);
        if let Some(kind) = obj.get("x-valueKind") {
            let parsed = kind.as_str().and_then(ValueKind::parse);
            s.value_kind = Some(parsed.ok_or_else(|| SchemaError::UnknownValueKind {
                file: file.to_string(),
                kind: kind.as_str().map_or_else(|| kind.to_string(), String::from),
            })?);
        }
        s.unit = text("x-unit").or(s.unit);
        if let Some(types) = obj.get("x-armResourceTypes").and_then(Value::as_array) {
            s.arm_resource_types = types.iter().filter_map(|v| v.as_str().map(String::from)).collect();
        }
        Ok(s)
    }
}

fn only_annotations(obj: &Map<String, Value>) -> bool {
    const ANNOTATIONS: &[&str] = &[
        "$ref",
        "description",
        "markdownDescription",
        "default",
        "examples",
        "readOnly",
        "deprecated",
        "deprecationMessage",
        "title",
        "x-secret",
        "x-valueKind",
        "x-unit",
        "x-armResourceTypes",
    ];
    obj.keys().all(|k| ANNOTATIONS.contains(&k.as_str()))
}

fn strip_ref(value: &Value) -> Value {
    let mut obj = value.as_object().cloned().unwrap_or_default();
    obj.remove("$ref");
    Value::Object(obj)
}

fn overlay_annotations(base: &mut Schema, overlay: Schema) {
    // The annotations beside a `$ref` win over the target's own.
    base.title = overlay.title.or(base.title.take());
    base.description = overlay.description.or(base.description.take());
    base.markdown_description = overlay.markdown_description.or(base.markdown_description.take());
    base.default = overlay.default.or(base.default.take());
    base.deprecation_message = overlay.deprecation_message.or(base.deprecation_message.take());
    base.value_kind = overlay.value_kind.or(base.value_kind.take());
    base.unit = overlay.unit.or(base.unit.take());
    if !overlay.examples.is_empty() {
        base.examples = overlay.examples;
    }
    if !overlay.arm_resource_types.is_empty() {
        base.arm_resource_types = overlay.arm_resource_types;
    }
    base.read_only |= overlay.read_only;
    base.deprecated |= overlay.deprecated;
    base.secret |= overlay.secret;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyword_the_validator_does_not_implement_is_refused() {
        for keyword in ["patternProperties", "allOf", "if", "uniqueItems", "minProperties"] {
            let schema = format!(r#"{{"type":"object","{keyword}":{{}}}}"#);
            let err = SchemaSet::compile(&[("t.schema.json", &schema)]).err();
            assert!(
                matches!(&err, Some(SchemaError::UnknownKeyword { keyword: k, .. }) if k == keyword),
                "{keyword}: {err:?}"
            );
            assert!(err.unwrap().to_string().contains(&format!("`{keyword}` is not implemented")));
        }
        let err = SchemaSet::compile(&[("t.schema.json", r#"{"type":"string","format":"email"}"#)]).err();
        assert!(matches!(&err, Some(SchemaError::UnknownFormat { format, .. }) if format == "email"), "{err:?}");
        assert!(SchemaSet::compile(SCHEMA_FILES).is_ok());
    }

    #[test]
    fn an_unknown_value_kind_is_refused_and_known_ones_parse_once() {
        for bad in [r#""vmsize""#, r#""""#, "3"] {
            let schema = format!(r#"{{"type":"string","x-valueKind":{bad}}}"#);
            let err = SchemaSet::compile(&[("t.schema.json", &schema)]).err();
            assert!(
                matches!(&err, Some(SchemaError::UnknownValueKind { file, .. }) if file == "t.schema.json"),
                "{err:?}"
            );
        }
        for (name, kind) in ValueKind::NAMES {
            assert_eq!(ValueKind::parse(name), Some(kind));
            assert_eq!(kind.name(), name);
            let schema = format!(r#"{{"type":"string","x-valueKind":"{name}"}}"#);
            let set = SchemaSet::compile(&[("t.schema.json", &schema)]).unwrap();
            assert_eq!(set.node(set.lookup("t.schema.json").unwrap()).value_kind, Some(kind));
        }
        // A `$ref` with its own `x-valueKind` overlays the target's.
        let set = SchemaSet::compile(&[(
            "a.json",
            r##"{"definitions":{"S":{"type":"string","x-valueKind":"armId"}},"properties":{"x":{"$ref":"#/definitions/S","x-valueKind":"subnet"}}}"##,
        )])
        .unwrap();
        let root = set.node(set.lookup("a.json").unwrap());
        assert_eq!(set.node(root.property("x").unwrap()).value_kind, Some(ValueKind::Subnet));
    }

    #[test]
    fn broken_references_and_patterns_say_which() {
        let err = SchemaSet::compile(&[("a.json", r##"{"properties":{"x":{"$ref":"b.json"}}}"##)]).err();
        assert!(matches!(&err, Some(SchemaError::UnknownFile { file }) if file == "b.json"), "{err:?}");
        let err = SchemaSet::compile(&[("a.json", r##"{"properties":{"x":{"$ref":"#/definitions/N"}}}"##)]).err();
        assert!(matches!(&err, Some(SchemaError::MissingTarget { reference }) if reference == "a.json#/definitions/N"));
        let err = SchemaSet::compile(&[("a.json", r#"{"type":"string","pattern":"("}"#)]).err();
        assert!(matches!(&err, Some(SchemaError::BadPattern { pattern, .. }) if pattern == "("), "{err:?}");
        let err = SchemaSet::compile(&[("a.json", "{")]).err();
        assert!(matches!(&err, Some(SchemaError::Json { file, .. }) if file == "a.json"), "{err:?}");
    }

    #[test]
    fn date_times_and_uuids_are_recognised() {
        let dt = StringFormat::DateTime;
        for ok in ["2026-01-01T18:00:00Z", "2026-12-31t23:59:60.123+01:00", "2026-01-01 18:00:00-05:30"] {
            assert!(dt.matches(ok), "{ok}");
        }
        for bad in [
            "2026-01-01",
            "2026-13-01T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T18:00:00",
            "2026-01-01T18:00:00.Z",
        ] {
            assert!(!dt.matches(bad), "{bad}");
        }
        assert!(StringFormat::Uuid.matches("0a1B2c3d-0000-4000-8000-00000000000f"));
        assert!(!StringFormat::Uuid.matches("0a1b2c3d-0000-4000-8000-00000000000"));
        assert!(!StringFormat::Uuid.matches("0a1b2c3d00004000800000000000000f"));
    }

    #[test]
    fn embedded_schemas_compile_and_roots_resolve() {
        let set = SchemaSet::get();
        for (file, _) in SCHEMA_FILES {
            assert!(set.lookup(file).is_some(), "{file}");
        }
        let aml = set.node(set.lookup("amlcompute.schema.json").unwrap());
        assert!(aml.property("min_instances").is_some());
        assert_eq!(aml.additional, Additional::Forbidden);
    }

    #[test]
    fn camel_to_snake_matches_the_sdk_transform() {
        assert_eq!(normalize_enum("SystemAssigned", EnumCasing::CamelToSnake), "system_assigned");
        assert_eq!(normalize_enum("system_assigned", EnumCasing::CamelToSnake), "system_assigned");
        assert_eq!(normalize_enum("lowpriority", EnumCasing::Lower), "lowpriority");
        assert_eq!(normalize_enum("LowPriority", EnumCasing::Exact), "LowPriority");
        assert_eq!(normalize_enum("İx", EnumCasing::Lower), "İx".to_lowercase());
        for (a, b, casing, equal) in [
            ("SystemAssigned", "system_assigned", EnumCasing::CamelToSnake, true),
            ("systemAssigned", "SystemAssigned", EnumCasing::CamelToSnake, true),
            ("System_Assigned", "system_assigned", EnumCasing::CamelToSnake, true),
            ("SystemAssigned", "systemassigned", EnumCasing::CamelToSnake, false),
            ("Dedicated", "dedicated", EnumCasing::Lower, true),
            ("Dedicated", "dedicated", EnumCasing::Exact, false),
            ("dedicate", "dedicated", EnumCasing::Lower, false),
            ("SystemAssigned, UserAssigned", "system_assigned,user_assigned", EnumCasing::CamelToSnake, true),
            ("SystemAssigned,UserAssigned", "system_assigned", EnumCasing::CamelToSnake, false),
            ("ÉtéAssigned", "été_assigned", EnumCasing::CamelToSnake, true),
            ("Été", "été", EnumCasing::Lower, true),
            ("Été", "ete", EnumCasing::Lower, false),
            ("a1B", "a1_b", EnumCasing::CamelToSnake, true),
            ("AB", "a_b", EnumCasing::CamelToSnake, false),
            ("aB", "a_b", EnumCasing::Lower, false),
        ] {
            assert_eq!(enum_values_equal(a, b, casing), equal, "{a} {b} {casing:?}");
            assert_eq!(equal, normalize_enum(a, casing) == normalize_enum(b, casing), "{a} {b} {casing:?}");
        }
        // The ASCII path gives the same text as the general one.
        for value in ["SystemAssigned", "systemAssigned", "System_Assigned", "a1B2c", "ABC", "x", ""] {
            for casing in [EnumCasing::Lower, EnumCasing::CamelToSnake] {
                let ascii: String = AsciiNormalized::new(value, casing).map(char::from).collect();
                assert_eq!(ascii, normalized_chars(value, casing).collect::<String>(), "{value} {casing:?}");
            }
        }
    }

    #[test]
    fn refs_with_annotations_keep_the_target_structure() {
        let set = SchemaSet::compile(&[(
            "a.json",
            r##"{"definitions":{"N":{"type":"integer","minimum":0}},"properties":{"x":{"$ref":"#/definitions/N","description":"X"}}}"##,
        )])
        .unwrap();
        let root = set.node(set.lookup("a.json").unwrap());
        let x = set.node(root.property("x").unwrap());
        assert_eq!(x.types, vec![JsonType::Integer]);
        assert_eq!(x.minimum, Some(0.0));
        assert_eq!(x.description.as_deref(), Some("X"));
    }
}
