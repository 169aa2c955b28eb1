//! Compute name rules (AML201–AML204).
//!
//! Source: the service's `InvalidResourceName` messages and the Studio create forms
//! (MicrosoftDocs/azure-ai-docs how-to-create-compute-instance.md and
//! how-to-create-attach-compute-cluster.md): 3–24 characters for instances and clusters,
//! letters, digits and `-`, starting with a letter, and a `-` must be followed later by a
//! letter. AKS inference clusters keep the older 2–16 limit, which the Studio attach form still
//! enforces. For the other attached kinds the sources disagree: the ARM naming rules
//! (resource-name-rules.md, `workspaces/computes`) say 2–16, while the service and Studio accept
//! the 3–24 names of clusters and instances; outside 2–24 is an error, and a name in 2–24 but
//! outside 3–16 (what both allow) is a warning naming both sources. See
//! research/azure-compute-facts.md §2.

use super::{RuleContext, requote};
use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use crate::spec::kinds::ComputeKind;
use crate::syntax::text::TextRange;

/// The lengths no source allows outside of: an error there.
pub fn length_limits(kind: ComputeKind) -> (usize, usize) {
    match kind {
        ComputeKind::AmlCompute | ComputeKind::ComputeInstance => (3, 24),
        ComputeKind::Aks => (2, 16),
        _ => (2, 24),
    }
}

/// For attached kinds, the lengths every source allows (3–16): a name inside `length_limits`
/// but outside these is a warning that names the disagreeing sources.
pub fn agreed_length(kind: ComputeKind) -> Option<(usize, usize)> {
    match kind {
        ComputeKind::AmlCompute | ComputeKind::ComputeInstance | ComputeKind::Aks => None,
        _ => Some((3, 16)),
    }
}

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let Some(entry) = ctx.spec.name else { return };
    let Some(name) = entry.value.as_str() else { return };
    if super::super::placeholders::contains_placeholder(name) {
        return;
    }
    let source = ctx.text.get(entry.value.range.start()..entry.value.range.end()).unwrap_or("");
    out.extend(check_name(name, source, entry.value.range, ctx.kind, |candidate| requote(&entry.value, candidate)));
}

/// Where the name's characters sit in the text: after the opening quote of a quoted value, at
/// the start of a plain one. `None` when the text is not the name written out (a name folded
/// over two lines, or with escapes): findings about one character then cover the whole value,
/// since an offset into the name is no offset into the text.
fn name_start(name: &str, source: &str, range: TextRange) -> Option<usize> {
    if source == name {
        return Some(range.start());
    }
    let quoted = source.len() == name.len() + 2
        && (source.starts_with('"') || source.starts_with('\''))
        && source.get(1..source.len() - 1) == Some(name);
    quoted.then_some(range.start() + 1)
}

/// Checks one name; `source` is the value's text as written (`range` in the document) and
/// `quote` renders a replacement in the document's quoting.
pub fn check_name(
    name: &str,
    source: &str,
    range: TextRange,
    kind: ComputeKind,
    quote: impl Fn(&str) -> String,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let (min, max) = length_limits(kind);
    let inner = name_start(name, source, range);
    // The range of `len` bytes of the name from byte `at`, or the whole value.
    let part = |at: usize, len: usize| inner.map_or(range, |start| TextRange::new(start + at, start + at + len));
    let fixed = suggest_valid(name, max);
    let fix = |title: &str| {
        fixed
            .as_ref()
            .filter(|f| f.as_str() != name)
            .map(|f| Fix::preferred(format!("{title} `{f}`"), vec![TextEdit::replace(range, quote(f))]))
    };
    let len = name.chars().count();
    if len < min || len > max {
        let mut d = Diagnostic::new(
            codes::NAME_LENGTH,
            range,
            format!("The name of {} must be {min}-{max} characters long (this one has {len}).", kind.a_display_name()),
        );
        if len > max {
            d = d.with_fixes(fix("Shorten to"));
        }
        out.push(d);
    } else if let Some((agreed_min, agreed_max)) = agreed_length(kind)
        && (len < agreed_min || len > agreed_max)
    {
        out.push(
            Diagnostic::new(
                codes::NAME_LENGTH,
                range,
                format!(
                    "The name of {} has {len} characters: the service and Studio accept 3-24, but the ARM naming rules \
                     (resource-name-rules.md) say 2-16; a name of {agreed_min}-{agreed_max} characters satisfies both.",
                    kind.a_display_name()
                ),
            )
            .with_severity(crate::diagnostic::Severity::Warning),
        );
    }
    if let Some((i, bad)) = name.char_indices().find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-')) {
        let shown = if bad == ' ' { "a space".to_string() } else { format!("`{bad}`") };
        out.push(
            Diagnostic::new(
                codes::NAME_CHARACTERS,
                part(i, bad.len_utf8()),
                format!("A compute name may contain only letters, digits and `-`; {shown} is not allowed."),
            )
            .with_fixes(fix("Rename to")),
        );
    }
    if let Some(first) = name.chars().next()
        && !first.is_ascii_alphabetic()
    {
        out.push(
            Diagnostic::new(codes::NAME_START, part(0, first.len_utf8()), "A compute name must start with a letter.")
                .with_fixes(fix("Rename to")),
        );
    }
    if let Some(dash) = name.rfind('-')
        && !name[dash + 1..].chars().any(|c| c.is_ascii_alphabetic())
    {
        let message = if dash + 1 == name.len() {
            "A compute name cannot end with `-`.".to_string()
        } else {
            format!(
                "The service rejects a compute name whose last `-` is followed only by digits (`{}`); a `-` must be followed by a letter.",
                &name[dash..]
            )
        };
        out.push(
            Diagnostic::new(codes::NAME_HYPHEN_SUFFIX, part(dash, name.len() - dash), message)
                .with_fixes(fix("Rename to")),
        );
    }
    out
}

/// A valid name close to `name`: invalid characters become `-`, a leading non-letter gets a
/// letter prefix, a digits-only tail loses its `-`, and the result is cut to `max`.
pub fn suggest_valid(name: &str, max: usize) -> Option<String> {
    let mut s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let mut s = s.trim_matches('-').to_string();
    if !s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        s.insert(0, 'c');
    }
    s = s.chars().take(max).collect();
    loop {
        let trimmed = s.trim_end_matches('-').to_string();
        s = trimmed;
        match s.rfind('-') {
            Some(d) if !s[d + 1..].chars().any(|c| c.is_ascii_alphabetic()) => {
                s.remove(d);
            }
            _ => break,
        }
    }
    (s.len() >= 2).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slugs(name: &str, kind: ComputeKind) -> Vec<&'static str> {
        check_name(name, name, TextRange::new(0, name.len()), kind, str::to_string)
            .iter()
            .map(|d| d.code.slug)
            .collect()
    }

    #[test]
    fn service_test_vectors() {
        for ok in ["cpu-cluster", "gpu-cluster", "basic-example-i", "abc", "hello2", "ci-a1"] {
            assert!(slugs(ok, ComputeKind::ComputeInstance).is_empty(), "{ok}");
        }
        assert_eq!(slugs("cpu-cluster-1", ComputeKind::AmlCompute), vec!["name-hyphen-suffix"]);
        assert_eq!(slugs("ci-40986653", ComputeKind::ComputeInstance), vec!["name-hyphen-suffix"]);
        assert_eq!(slugs("-hello", ComputeKind::AmlCompute), vec!["name-start"]);
        assert_eq!(slugs("1hello", ComputeKind::AmlCompute), vec!["name-start"]);
        assert_eq!(slugs("hello-", ComputeKind::AmlCompute), vec!["name-hyphen-suffix"]);
        assert_eq!(slugs("hello_world", ComputeKind::AmlCompute), vec!["name-characters"]);
        assert_eq!(slugs("hello.world", ComputeKind::AmlCompute), vec!["name-characters"]);
        assert_eq!(slugs("ab", ComputeKind::AmlCompute), vec!["name-length"]);
        assert_eq!(slugs("abcdefghijklmnopqrstuvwxy", ComputeKind::AmlCompute), vec!["name-length"]);
        assert_eq!(slugs("abcdefghijklmnopq", ComputeKind::Aks), vec!["name-length"]);
        assert!(slugs("ab", ComputeKind::Aks).is_empty());
    }

    #[test]
    fn suggestions_are_valid_names() {
        for bad in ["cpu-cluster-1", "1hello", "hello_world", "my-cluster-name-that-is-far-too-long", "a--b-"] {
            let s = suggest_valid(bad, 24).unwrap();
            assert!(slugs(&s, ComputeKind::AmlCompute).is_empty(), "{bad} -> {s}");
        }
    }
}
