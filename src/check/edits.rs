//! Text edits the fixes share: removing a mapping entry, adding one, renaming a key.

use crate::diagnostic::TextEdit;
use crate::syntax::text::TextRange;
use crate::syntax::{Entry, Node};

/// A key as it must be written in the document's syntax.
pub fn key_text(key: &str, json: bool) -> String {
    if json { format!("\"{key}\"") } else { key.to_string() }
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end_with_newline(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1)
}

/// Removes an entry. In YAML the whole lines go when the key starts its line; in JSON the
/// member and one neighbouring comma go.
pub fn remove_entry(text: &str, entry: &Entry, json: bool) -> TextEdit {
    let end = entry.value.range.end().max(entry.key_range.end());
    if json {
        let bytes = text.as_bytes();
        let mut start = entry.key_range.start();
        let mut stop = end;
        // Take the comma after the member, or else the one before it.
        let mut j = stop;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if bytes.get(j) == Some(&b',') {
            stop = j + 1;
        } else {
            let mut i = start;
            while i > 0 && bytes[i - 1].is_ascii_whitespace() {
                i -= 1;
            }
            if i > 0 && bytes[i - 1] == b',' {
                start = i - 1;
            }
        }
        let ls = line_start(text, start);
        if text[ls..start].trim().is_empty() && text[stop..line_end_with_newline(text, stop)].trim().is_empty() {
            return TextEdit::delete(TextRange::new(ls, line_end_with_newline(text, stop)));
        }
        return TextEdit::delete(TextRange::new(start, stop));
    }
    let ls = line_start(text, entry.key_range.start());
    if text[ls..entry.key_range.start()].trim().is_empty() {
        TextEdit::delete(TextRange::new(ls, line_end_with_newline(text, end)))
    } else {
        // The key follows `- ` on its line: keep the dash, drop the entry.
        TextEdit::delete(TextRange::new(entry.key_range.start(), end))
    }
}

/// Adds `key: value` to a mapping, after its last entry and at its indentation.
pub fn insert_entry(
    text: &str,
    mapping: &Node,
    entries: &[Entry],
    key: &str,
    value: &str,
    json: bool,
) -> Option<TextEdit> {
    if json {
        let value = if value.is_empty() || value.parse::<f64>().is_err() && value != "true" && value != "false" {
            format!("\"{value}\"")
        } else {
            value.to_string()
        };
        return Some(match entries.last() {
            Some(last) => {
                let indent = indentation(text, last.key_range.start());
                TextEdit::insert(last.value.range.end(), format!(",\n{indent}\"{key}\": {value}"))
            }
            None => TextEdit::insert(mapping.range.start() + 1, format!("\"{key}\": {value}")),
        });
    }
    let last = entries.last()?;
    let indent = " ".repeat(text[line_start(text, last.key_range.start())..last.key_range.start()].chars().count());
    let end = last.value.range.end().max(last.key_range.end());
    let insert_at = line_end_with_newline(text, end);
    let value_text = if value.is_empty() { String::new() } else { format!(" {value}") };
    if insert_at == text.len() && !text.ends_with('\n') {
        Some(TextEdit::insert(insert_at, format!("\n{indent}{key}:{value_text}")))
    } else {
        Some(TextEdit::insert(insert_at, format!("{indent}{key}:{value_text}\n")))
    }
}

fn indentation(text: &str, offset: usize) -> String {
    let ls = line_start(text, offset);
    text[ls..offset].chars().take_while(|c| c.is_whitespace()).collect()
}
