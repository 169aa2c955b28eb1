//! Document symbols. (Being written.)

use crate::check::CheckResult;
use crate::syntax::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// The compute itself (root).
    Compute,
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

pub fn document_symbols(text: &str, result: &CheckResult) -> Vec<Symbol> {
    let _ = (text, result);
    Vec::new()
}
