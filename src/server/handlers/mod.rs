//! One module per LSP method (or a close group of them), each with a `handle` function that
//! `Backend`'s `LanguageServer` impl calls. Handlers change state before their first `.await`
//! (documents are applied in arrival order), hold no lock across an `.await`, and run any
//! checking or query off the async threads (`Backend::with_analysis`).

pub(super) mod code_action;
pub(super) mod code_lens;
pub(super) mod completion;
pub(super) mod configuration;
pub(super) mod debug_document_text;
pub(super) mod diagnostic_pull;
pub(super) mod did_change;
pub(super) mod did_change_watched_files;
pub(super) mod did_close;
pub(super) mod did_open;
pub(super) mod document_symbol;
pub(super) mod execute_command;
pub(super) mod hover;
pub(super) mod initialize;
pub(super) mod work_done_progress_cancel;
