//! Custom applications on compute instances (AML116): names and published ports must be
//! unique. Port bounds (strictly between 1025 and 65535) are in the schema; cron
//! expressions are checked by `check::values`.
//!
//! Source: azure-ai-ml `entities/_compute/_custom_applications.py` ("Value of
//! application_name/published_port must be unique across all custom applications.").

use super::RuleContext;
use crate::diagnostic::{Diagnostic, codes};
use crate::syntax::Node;

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let Some(apps) = ctx.spec.custom_applications.and_then(|e| e.value.as_sequence()) else { return };
    let mut names: Vec<(&str, &Node)> = Vec::new();
    let mut ports: Vec<(i64, &Node)> = Vec::new();
    for app in apps {
        if let Some(name) = app.get("name").filter(|n| n.as_str().is_some()) {
            let text = name.as_str().unwrap();
            if let Some((_, first)) = names.iter().find(|(n, _)| *n == text) {
                let line = line_of(ctx.text, first);
                out.push(Diagnostic::new(
                    codes::DUPLICATE_CUSTOM_APPLICATION,
                    name.range,
                    format!("Another custom application on line {line} is already named `{text}`; application names must be unique."),
                ));
            } else {
                names.push((text, name));
            }
        }
        for endpoint in app.get("endpoints").and_then(Node::as_sequence).unwrap_or(&[]) {
            let Some(published) = endpoint.get("published") else { continue };
            let Some(port) = published.as_i64() else { continue };
            if let Some((_, first)) = ports.iter().find(|(p, _)| *p == port) {
                let line = line_of(ctx.text, first);
                out.push(Diagnostic::new(
                    codes::DUPLICATE_CUSTOM_APPLICATION,
                    published.range,
                    format!("Port {port} is already published on line {line}; each `published` port must be unique across all custom applications."),
                ));
            } else {
                ports.push((port, published));
            }
        }
    }
}

fn line_of(text: &str, node: &Node) -> usize {
    text[..node.range.start()].matches('\n').count() + 1
}
