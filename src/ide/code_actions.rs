//! Code actions. (Being written.)

use crate::check::{CheckResult, TextEdit};
use crate::syntax::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    QuickFix,
    /// A whole-file action such as adding `$schema` (LSP `source`).
    Source,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<TextEdit>,
    pub preferred: bool,
    /// Indices into `result.diagnostics` of the findings this action resolves.
    pub diagnostics: Vec<usize>,
}

pub fn code_actions(text: &str, range: TextRange, result: &CheckResult) -> Vec<Action> {
    let _ = (text, range, result);
    Vec::new()
}
