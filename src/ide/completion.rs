//! Completion. (Being written; see the contract below.)

use crate::check::{CheckOptions, CheckResult};
use crate::syntax::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Field,
    Value,
    EnumMember,
    Boolean,
    VmSize,
    Region,
    Url,
    Snippet,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown beside the label (a VM size's "4 vCPUs · 14 GiB").
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Text to insert; LSP snippet syntax (`$1`, `${1:name}`) when `is_snippet`.
    pub insert_text: String,
    pub is_snippet: bool,
    /// Sorts ascending; common items first.
    pub sort_text: String,
    /// The text the item replaces (the partial word under the cursor), if any.
    pub replace_range: Option<TextRange>,
}

/// Completion items at byte `offset` of `text` (already checked into `result`).
pub fn complete(text: &str, offset: usize, result: &CheckResult, options: &CheckOptions) -> Vec<CompletionItem> {
    let _ = (text, offset, result, options);
    Vec::new()
}
