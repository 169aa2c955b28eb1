//! Editor features over a checked document, in plain types (no LSP types: `server/` converts).
//! Every function is pure and synchronous and works on half-typed documents.

pub mod code_actions;
pub mod completion;
pub mod hover;
pub mod query;
mod schema_info;
pub mod symbols;

pub use code_actions::{Action, ActionKind, code_actions, code_actions_for};
pub use completion::{CompletionItem, CompletionKind, complete};
pub use hover::{HoverInfo, hover};
pub use symbols::{Symbol, SymbolKind, document_symbols};
