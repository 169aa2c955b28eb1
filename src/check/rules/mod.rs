//! Domain rules: what the service enforces beyond the schema's structure. One file per rule
//! family (names, sizes, node math, SSH, identity, network, applications and schedules, tags);
//! each rule's doc comment cites where the rule comes from.

pub mod apps;
pub mod coercions;
pub mod identity;
pub mod names;
pub mod network;
pub mod nodes;
pub mod sizes;
pub mod ssh;
pub mod tags;

use crate::diagnostic::Diagnostic;
use crate::spec::kinds::{ComputeKind, SpecForm};
use crate::spec::model::Spec;
use crate::syntax::Node;

/// What every rule sees.
pub struct RuleContext<'a> {
    pub text: &'a str,
    pub root: &'a Node,
    pub kind: ComputeKind,
    pub form: SpecForm,
    pub json: bool,
    pub spec: &'a Spec<'a>,
    /// The region to check sizes against when the spec has no `location`.
    pub default_location: Option<&'a str>,
}

pub fn run_all(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    names::check(ctx, out);
    sizes::check(ctx, out);
    nodes::check(ctx, out);
    ssh::check(ctx, out);
    identity::check(ctx, out);
    network::check(ctx, out);
    apps::check(ctx, out);
    tags::check(ctx, out);
}

/// Replacement text for a scalar that keeps its quoting style.
pub fn requote(node: &Node, new_value: &str) -> String {
    match node.as_scalar().map(|s| s.style) {
        Some(crate::syntax::ScalarStyle::DoubleQuoted) => format!("\"{new_value}\""),
        Some(crate::syntax::ScalarStyle::SingleQuoted) => format!("'{new_value}'"),
        _ => new_value.to_string(),
    }
}
