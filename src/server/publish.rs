//! Who may publish a document's diagnostics, and in what order. The offline check and the live
//! check of one document finish on their own tasks; each asks "is my revision still the
//! document's?" and then sends. Between the two steps an edit can come and its offline check
//! publish, so a live answer for the old text would land after the new one (issue 11: "a stale
//! answer is never published"). Both steps are therefore taken under the document's
//! [`PublishTurn`]: a publish for an older revision either goes out before the newer one's
//! (which replaces it, LSP 3.17 "PublishDiagnostics Notification": each one is the full set) or
//! not at all.

use super::documents::{Document, PublishTurn};
use super::state::{State, lock};
use std::future::Future;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

/// Runs `send` if `still_current` holds for the open document, both under its publish turn;
/// returns whether it sent. A closed document sends nothing.
pub(super) async fn when_current<F, Fut>(
    state: &State,
    uri: &Uri,
    still_current: impl Fn(&Document) -> bool,
    send: F,
) -> bool
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(turn) = lock(&state.docs).get(uri).map(|d| d.publishing.clone()) else { return false };
    let _turn = turn.lock().await;
    if !lock(&state.docs).get(uri).is_some_and(still_current) {
        return false;
    }
    send().await;
    true
}

/// Publishes `diagnostics` for `version` if the document is still at `revision`.
pub(super) async fn diagnostics_if_current(
    client: &Client,
    state: &State,
    uri: &Uri,
    revision: u64,
    version: i32,
    diagnostics: Vec<Diagnostic>,
) -> bool {
    when_current(
        state,
        uri,
        |d| d.revision == revision,
        || client.publish_diagnostics(uri.clone(), diagnostics, Some(version)),
    )
    .await
}

/// Clears a closed document's diagnostics after any publish that was under way for it.
pub(super) async fn cleared_on_close(client: &Client, turn: PublishTurn, uri: Uri) {
    let _turn = turn.lock().await;
    client.publish_diagnostics(uri, Vec::new(), None).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// The race this module exists for: a publish for revision 1 passes its check, and its
    /// sending is slow; meanwhile an edit makes revision 2, whose publish must wait its turn
    /// and go out after it, never before.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_publish_for_an_older_revision_goes_out_before_the_newer_one() {
        let state = Arc::new(State::default());
        let uri = Uri::from_str("file:///tmp/publish/a.yml").unwrap();
        let mut doc = Document::new("name: a\n", 1, "a.yml".into());
        doc.revision = 1;
        lock(&state.docs).insert(uri.clone(), doc);
        let sent: Arc<Mutex<Vec<u64>>> = Arc::default();

        let (older_state, older_uri, older_sent) = (state.clone(), uri.clone(), sent.clone());
        let (checked_tx, checked_rx) = tokio::sync::oneshot::channel();
        let older = tokio::spawn(async move {
            when_current(
                &older_state,
                &older_uri,
                |d| d.revision == 1,
                || async move {
                    // Checked and about to send: let the edit in now, then send slowly.
                    checked_tx.send(()).unwrap();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    older_sent.lock().unwrap().push(1);
                },
            )
            .await
        });
        checked_rx.await.unwrap();
        lock(&state.docs).get_mut(&uri).unwrap().revision = 2;
        let newer_sent = sent.clone();
        let newer = when_current(
            &state,
            &uri,
            |d| d.revision == 2,
            || async move {
                newer_sent.lock().unwrap().push(2);
            },
        )
        .await;
        assert!(older.await.unwrap() && newer);
        assert_eq!(*sent.lock().unwrap(), [1, 2], "the newer revision's publish came last");
    }

    #[tokio::test]
    async fn a_revision_already_left_behind_is_not_sent() {
        let state = State::default();
        let uri = Uri::from_str("file:///tmp/publish/b.yml").unwrap();
        let mut doc = Document::new("name: b\n", 1, "b.yml".into());
        doc.revision = 2;
        lock(&state.docs).insert(uri.clone(), doc);
        let sent = when_current(&state, &uri, |d| d.revision == 1, || async { panic!("sent a stale publish") }).await;
        assert!(!sent);
        lock(&state.docs).clear();
        assert!(!when_current(&state, &uri, |_| true, || async { panic!("sent for a closed document") }).await);
    }
}
