//! Hover. (Being written.)

use crate::check::CheckResult;
use crate::syntax::text::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct HoverInfo {
    /// Markdown.
    pub markdown: String,
    /// The token the hover is about.
    pub range: TextRange,
}

pub fn hover(text: &str, offset: usize, result: &CheckResult) -> Option<HoverInfo> {
    let _ = (text, offset, result);
    None
}
