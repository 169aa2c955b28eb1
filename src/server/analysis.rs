//! How a request gets the check result of a document's current text: the stored one when it
//! is current, a fresh check of a small text, or the check a big text's validation loop is
//! making. Requests run their own query off the async threads too, so a slow or panicking
//! request becomes an error reply and never blocks the protocol loop.

use super::backend::Backend;
use super::documents::{Analysis, Checked};
use super::state::lock;
use super::to_proto::Positions;
use super::validation::SMALL_TEXT;
use crate::check::{CheckOptions, check_text};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{MessageType, Uri};

impl Backend {
    /// Checks the current text of a document and runs `f` on the result, off the async
    /// threads. A panic anywhere in there becomes an error reply and a log line, not a dead
    /// server. A closed document answers `None`.
    pub(super) async fn with_analysis<T, F>(&self, uri: &Uri, what: &'static str, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Analysis, &Positions, &CheckOptions) -> T + Send + 'static,
    {
        let Some(analysis) = self.current_analysis(uri, what).await? else { return Ok(None) };
        let options = self.state.options();
        let encoding = self.state.caps().encoding;
        let joined = tokio::task::spawn_blocking(move || {
            let pos = Positions::new(&analysis.text, encoding);
            f(&analysis, &pos, &options)
        })
        .await;
        match joined {
            Ok(value) => Ok(Some(value)),
            Err(e) => {
                self.log(MessageType::ERROR, format!("{what} for {} failed: {e}", uri.as_str())).await;
                Err(Error::internal_error())
            }
        }
    }

    /// The analysis of a document's current text (`None` if it is not open): the stored one when
    /// it is current; for a small text, a fresh check; for a big one, the check its validation
    /// loop is making (a request never starts a second big check).
    async fn current_analysis(&self, uri: &Uri, what: &str) -> Result<Option<Arc<Analysis>>> {
        let generation = self.state.settings_generation.load(Ordering::SeqCst);
        let (revision, small, current) = {
            let docs = lock(&self.state.docs);
            let Some(doc) = docs.get(uri) else { return Ok(None) };
            match doc.current(generation) {
                Some(checked) => (doc.revision, None, Some(checked.clone())),
                None => {
                    let small = (doc.rope.len_bytes() <= SMALL_TEXT).then(|| (doc.rope.to_string(), doc.path.clone()));
                    (doc.revision, small, None)
                }
            }
        };
        if let Some(checked) = current {
            return self.usable(uri, what, checked).await;
        }
        if let Some((text, path)) = small {
            let options = self.state.options();
            let checked = tokio::task::spawn_blocking(move || {
                let result = check_text(&text, Some(&path), &options);
                Arc::new(Analysis { text, result })
            })
            .await
            .map_err(|e| e.to_string());
            return self.usable(uri, what, Checked { revision, generation, analysis: checked }).await;
        }
        loop {
            let analyzed = self.state.analyzed.notified();
            tokio::pin!(analyzed);
            analyzed.as_mut().enable();
            let found = {
                let docs = lock(&self.state.docs);
                let Some(doc) = docs.get(uri) else { return Ok(None) };
                doc.checked.as_ref().filter(|c| c.revision >= revision && c.generation >= generation).cloned()
            };
            if let Some(checked) = found {
                return self.usable(uri, what, checked).await;
            }
            analyzed.await;
        }
    }

    async fn usable(&self, uri: &Uri, what: &str, checked: Checked) -> Result<Option<Arc<Analysis>>> {
        match checked.analysis {
            Ok(analysis) => Ok(Some(analysis)),
            Err(e) => {
                self.log(MessageType::ERROR, format!("{what} for {} failed: {e}", uri.as_str())).await;
                Err(Error::internal_error())
            }
        }
    }
}
