//! Unfilled template placeholders (AML113): `<CLUSTER_NAME>`, `<SUBSCRIPTION_ID>`, and the
//! truncated `<SUBSCRIPTION_ID/` seen in real examples. One finding per value, and it
//! silences the other findings on that value, so a template shows one clear message instead
//! of a cascade of name and resource-id errors.

use crate::diagnostic::{Diagnostic, codes};
use crate::syntax::text::TextRange;
use crate::syntax::{Node, NodeKind};

/// The placeholders in a text, as (start, end) byte offsets.
pub fn find(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let start = i;
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'-' | b' ')) {
                j += 1;
            }
            let body = &text[start + 1..j];
            let word_like =
                body.len() >= 2 && body.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && !body.ends_with(' ');
            if word_like {
                let closed = bytes.get(j) == Some(&b'>');
                let cut_short = matches!(bytes.get(j), None | Some(b'/'));
                if closed || cut_short {
                    let end = if closed { j + 1 } else { j };
                    out.push((start, end));
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

pub fn contains_placeholder(text: &str) -> bool {
    !find(text).is_empty()
}

/// Reports placeholders in every string value and returns the ranges of the values that
/// hold them.
pub fn check(root: &Node, secret_keys: &[&str], out: &mut Vec<Diagnostic>) -> Vec<TextRange> {
    let mut ranges = Vec::new();
    walk(root, None, secret_keys, out, &mut ranges);
    ranges
}

fn walk(node: &Node, key: Option<&str>, secret_keys: &[&str], out: &mut Vec<Diagnostic>, ranges: &mut Vec<TextRange>) {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                walk(&e.value, Some(&e.key.text), secret_keys, out, ranges);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                walk(item, key, secret_keys, out, ranges);
            }
        }
        NodeKind::Scalar(_) => {
            let Some(text) = node.as_str() else { return };
            let found = find(text);
            if found.is_empty() {
                return;
            }
            let field = key.map_or(String::new(), |k| format!("`{k}` "));
            let message = if key.is_some_and(|k| secret_keys.contains(&k)) {
                format!(
                    "{field}still holds a template placeholder; fill in the real value before creating the compute."
                )
            } else {
                let names: Vec<&str> = found.iter().map(|(s, e)| &text[*s..*e]).collect();
                format!(
                    "{field}still holds the template placeholder{} {}; replace {} with the real value before creating the compute.",
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", "),
                    if names.len() == 1 { "it" } else { "them" }
                )
            };
            out.push(Diagnostic::new(codes::UNFILLED_PLACEHOLDER, node.range, message));
            ranges.push(node.range);
        }
        NodeKind::Missing => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_closed_and_truncated_placeholders_only() {
        assert_eq!(find("<ATTACHED_SPARK_POOL_NAME>"), vec![(0, 26)]);
        assert_eq!(find("/subscriptions/<SUBSCRIPTION_ID/resourceGroups").len(), 1);
        assert_eq!(find("/subscriptions/<SUB>/resourceGroups/<RG>/x").len(), 2);
        assert!(find("a < b").is_empty());
        assert!(find("x<1>").is_empty());
        assert!(find("plain").is_empty());
    }
}
