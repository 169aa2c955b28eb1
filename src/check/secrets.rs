//! Secret values in a document: where they are, and how to keep them out of everything we
//! show (messages, fix titles, hover, the source lines the reports print).
//!
//! A value is secret when its key is one the schemas mark `x-secret` (DESIGN.md invariant 5),
//! whatever its shape: a password typed as a number or a list is still a password.

use super::schema::SchemaSet;
use crate::diagnostic::Diagnostic;
use crate::syntax::text::TextRange;
use crate::syntax::{Node, NodeKind};
use std::sync::LazyLock;

/// Keys whose values are secrets: every field the schemas mark `x-secret`, read from the
/// compiled schemas on first use, so a field marked there is masked with no second list to
/// keep in step. Placeholders in them are reported without echoing, the outline never shows
/// them, and [`Secrets`] masks them everywhere else.
pub static SECRET_KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| secret_keys_of(SchemaSet::get()));

/// The names of the properties whose schema is secret (its own `x-secret`, or one it takes
/// through `$ref`), sorted and without duplicates.
pub fn secret_keys_of(set: &SchemaSet) -> Vec<&str> {
    let mut keys: Vec<&str> = set
        .nodes()
        .iter()
        .flat_map(|schema| &schema.properties)
        .filter(|(_, id)| set.node(*id).secret)
        .map(|(name, _)| name.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// What stands in for a secret wherever it would be shown.
pub const MASK: &str = "•••";

/// Secrets shorter than this are only masked where their own range is shown: replacing every
/// `1` in every message would garble the messages and tell nothing anyway.
const MIN_SCRUBBED_LEN: usize = 4;

/// The secret values of one document.
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    /// The values' ranges (whole values, in text order).
    pub ranges: Vec<TextRange>,
    /// The texts they could be echoed as: decoded scalars and their source text, longest first.
    texts: Vec<String>,
}

impl Secrets {
    pub fn find(root: Option<&Node>, text: &str) -> Secrets {
        let mut secrets = Secrets::default();
        let Some(root) = root else { return secrets };
        // An explicit stack: the tree is shallow (the parsers cap nesting), but this walk
        // should not depend on it.
        let mut stack: Vec<(&Node, bool)> = vec![(root, false)];
        while let Some((node, inside_secret)) = stack.pop() {
            match &node.kind {
                NodeKind::Mapping(entries) => {
                    for e in entries.iter().rev() {
                        let secret = inside_secret || SECRET_KEYS.contains(&e.key.text.as_str());
                        if secret && !inside_secret && !e.value.range.is_empty() {
                            secrets.ranges.push(e.value.range);
                            if let Some(source) = text.get(e.value.range.start()..e.value.range.end()) {
                                secrets.texts.push(source.to_string());
                            }
                        }
                        stack.push((&e.value, secret));
                    }
                }
                NodeKind::Sequence(items) => stack.extend(items.iter().rev().map(|i| (i, inside_secret))),
                NodeKind::Scalar(s) if inside_secret => {
                    secrets.texts.push(s.text.clone());
                    if let Some(source) = text.get(node.range.start()..node.range.end()) {
                        secrets.texts.push(source.to_string());
                    }
                }
                _ => {}
            }
        }
        secrets.ranges.sort_unstable();
        secrets.texts.retain(|t| !t.trim().is_empty());
        secrets.texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
        secrets.texts.dedup();
        secrets
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `range` shares a byte with a secret value.
    pub fn touches(&self, range: TextRange) -> bool {
        let i = self.ranges.partition_point(|r| r.end <= range.start);
        self.ranges.get(i).is_some_and(|r| r.start < range.end || (r.start == range.start && range.is_empty()))
    }

    /// `shown` with every secret text replaced by the mask. Short secrets are replaced only
    /// when `about` (the range the text describes) touches a secret.
    pub fn redact(&self, shown: &str, about: TextRange) -> String {
        let near = self.touches(about);
        let mut out = shown.to_string();
        for secret in &self.texts {
            if (near || secret.chars().count() >= MIN_SCRUBBED_LEN) && out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    /// Scrubs messages and fix titles (edits keep the real text: they are applied, not shown).
    pub fn scrub(&self, diagnostics: &mut [Diagnostic]) {
        if self.texts.is_empty() {
            return;
        }
        for d in diagnostics {
            d.message = self.redact(&d.message, d.range);
            for fix in &mut d.fixes {
                fix.title = self.redact(&fix.title, d.range);
            }
        }
    }

    /// The text of `range` (a piece of one line) with secret values replaced by the mask,
    /// and a map from byte offsets in `range` to character columns in what is returned, so
    /// carets still point at the right place.
    pub fn mask_source(&self, text: &str, range: TextRange) -> (String, Vec<(usize, usize)>) {
        let mut out = String::new();
        let mut columns = Vec::new();
        let mut column = 0;
        let mut at = range.start();
        let first = self.ranges.partition_point(|r| r.end() <= range.start());
        for secret in self.ranges[first..].iter().take_while(|r| r.start() < range.end()) {
            let plain_end = secret.start().max(at).min(range.end());
            for (i, ch) in text[at..plain_end].char_indices() {
                columns.push((at + i, column));
                out.push(ch);
                column += 1;
            }
            let masked_end = secret.end().min(range.end());
            if masked_end > plain_end {
                columns.push((plain_end, column));
                out.push_str(MASK);
                column += MASK.chars().count();
            }
            at = masked_end.max(plain_end);
        }
        for (i, ch) in text[at..range.end()].char_indices() {
            columns.push((at + i, column));
            out.push(ch);
            column += 1;
        }
        columns.push((range.end(), column));
        (out, columns)
    }
}

/// The column of byte `offset` in a `mask_source` map (the last column at or before it).
pub fn column_at(columns: &[(usize, usize)], offset: usize) -> usize {
    let i = columns.partition_point(|(at, _)| *at <= offset);
    columns.get(i.saturating_sub(1)).map_or(0, |(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::schema::SCHEMA_FILES;
    use crate::syntax::{Format, parse};

    /// The property names the schema files mark `"x-secret": true` on the property itself, read
    /// from the raw JSON (not the compiled graph the engine derives its list from).
    fn marked_secret_in_schema_files() -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        for (file, text) in SCHEMA_FILES {
            let schema: serde_json::Value = serde_json::from_str(text).unwrap();
            let mut stack = vec![&schema];
            while let Some(node) = stack.pop() {
                match node {
                    serde_json::Value::Object(map) => {
                        let properties = map.get("properties").and_then(|p| p.as_object());
                        for (name, property) in properties.into_iter().flatten() {
                            if property.get("x-secret") == Some(&serde_json::Value::Bool(true)) {
                                found.push((*file, name.clone()));
                            }
                        }
                        stack.extend(map.values());
                    }
                    serde_json::Value::Array(items) => stack.extend(items),
                    _ => {}
                }
            }
        }
        found
    }

    #[test]
    fn every_field_a_schema_marks_secret_is_masked() {
        let marked = marked_secret_in_schema_files();
        assert!(marked.len() >= 8, "{marked:?}");
        for (file, field) in marked {
            let text = format!("outer:\n  {field}: hunter2-secret-value\n");
            let root = parse(&text, Format::Yaml).root;
            let secrets = Secrets::find(root.as_ref(), &text);
            assert!(
                secrets.touches(TextRange::new(text.find("hunter2").unwrap(), text.len() - 1)),
                "{file} marks `{field}` x-secret, but its value is not masked"
            );
            assert_eq!(secrets.redact("got hunter2-secret-value", TextRange::empty(0)), format!("got {MASK}"));
        }
    }

    #[test]
    fn secret_keys_come_from_the_compiled_schemas_through_refs_and_nesting() {
        let schema = r##"{
            "definitions": {"password": {"type": "string", "x-secret": true}},
            "properties": {
                "login": {"$ref": "#/definitions/password"},
                "described": {"$ref": "#/definitions/password", "description": "Its own words."},
                "nested": {"type": "object", "properties": {"token": {"type": "string", "x-secret": true}}},
                "list": {"type": "array", "items": {"properties": {"key": {"x-secret": true}}}},
                "user": {"type": "string"}
            }
        }"##;
        let set = SchemaSet::compile(&[("t.schema.json", schema)]).unwrap();
        assert_eq!(secret_keys_of(&set), vec!["described", "key", "login", "token"]);
    }

    #[test]
    fn passwords_of_any_shape_are_found_and_masked_in_source() {
        let text = "a: 1\nadmin_password: hunter22\nkey: [x1, 77815512345]\n";
        let root = parse(text, Format::Yaml).root;
        let secrets = Secrets::find(root.as_ref(), text);
        assert_eq!(secrets.ranges.len(), 2);
        let line = TextRange::new(5, 29);
        let (shown, columns) = secrets.mask_source(text, line);
        assert_eq!(shown, format!("admin_password: {MASK}"));
        assert_eq!(column_at(&columns, 21), 16);
        assert_eq!(secrets.redact("Quote it: \"77815512345\"", TextRange::new(0, 1)), format!("Quote it: \"{MASK}\""));
        // A short secret is only masked where the text is about it.
        assert_eq!(secrets.redact("x1 y", TextRange::new(0, 1)), "x1 y");
        assert_eq!(secrets.redact("x1 y", TextRange::new(36, 38)), format!("{MASK} y"));
    }
}
