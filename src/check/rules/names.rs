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
//!
//! AML205: an attached Kubernetes compute's `namespace` is where Azure ML creates its
//! workloads, so it must be a name Kubernetes can give a namespace: a DNS label (RFC 1123) of
//! at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit
//! (kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names).
//! azure-ai-ml only checks that it is a string (`KubernetesComputeSchema.namespace`,
//! _schema/compute/kubernetes_compute.py line 14).

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
    check_namespace(ctx, out);
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

const MAX_NAMESPACE: usize = 63;

/// Whether `text` is an RFC 1123 DNS label, as Kubernetes requires of a namespace.
pub fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_NAMESPACE
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// A Kubernetes compute's `namespace` that no Kubernetes namespace can be called.
fn check_namespace(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    if ctx.kind != ComputeKind::Kubernetes || ctx.form != crate::spec::kinds::SpecForm::Cli {
        return;
    }
    let Some(entry) = ctx.root.entry("namespace") else { return };
    let Some(namespace) = entry.value.as_str() else { return };
    if is_dns_label(namespace) || super::super::placeholders::contains_placeholder(namespace) {
        return;
    }
    let len = namespace.chars().count();
    let why = if namespace.is_empty() {
        "it is empty".to_string()
    } else if len > MAX_NAMESPACE {
        format!("it has {len} characters, more than {MAX_NAMESPACE}")
    } else if namespace.starts_with('-') || namespace.ends_with('-') {
        "it starts or ends with `-`".to_string()
    } else {
        "it has characters other than lower-case letters, digits and `-`".to_string()
    };
    // The nearest label: lower case, other characters as `-`, trimmed of `-`, cut to 63.
    let mapped: String =
        namespace.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let mut suggestion: String = mapped.trim_matches('-').chars().take(MAX_NAMESPACE).collect();
    while suggestion.ends_with('-') {
        suggestion.pop();
    }
    let mut d = Diagnostic::new(
        codes::INVALID_NAMESPACE,
        entry.value.range,
        format!(
            "`{namespace}` cannot be a Kubernetes namespace: {why}. A namespace is a DNS label: at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit."
        ),
    );
    if is_dns_label(&suggestion) {
        d = d.with_fix(Fix::preferred(
            format!("Use `{suggestion}`"),
            vec![TextEdit::replace(entry.value.range, requote(&entry.value, &suggestion))],
        ));
    }
    out.push(d);
}

#[cfg(test)]
mod namespace_tests {
    use crate::check::{CheckOptions, check_text};
    use crate::diagnostic::apply_edits;

    const K8S: &str = "name: k8s-compute\ntype: kubernetes\nresource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/Microsoft.Kubernetes/connectedClusters/arc01\n";

    fn found(namespace: &str) -> Vec<(String, Vec<String>)> {
        let text = format!("{K8S}namespace: {namespace}\n");
        let result = check_text(&text, Some("k.yml"), &CheckOptions::default());
        result
            .diagnostics
            .iter()
            .map(|d| (d.code.id(), d.fixes.iter().map(|f| apply_edits(&text, &f.edits)).collect()))
            .collect()
    }

    #[test]
    fn a_namespace_must_be_a_dns_label() {
        assert!(found("default").is_empty());
        assert!(found(&"n".repeat(63)).is_empty());
        assert!(found("team-a1").is_empty());
        for bad in ["Bad_NS", "-ns", "ns-", "''", &"n".repeat(64), "a.b"] {
            let all = found(bad);
            assert_eq!(all.len(), 1, "{bad}: {all:?}");
            assert_eq!(all[0].0, "AML205", "{bad}");
        }
        let fixed = &found("Bad_NS")[0].1[0];
        assert!(fixed.ends_with("namespace: bad-ns\n"), "{fixed}");
        assert!(check_text(fixed, Some("k.yml"), &CheckOptions::default()).diagnostics.is_empty());
    }
}
