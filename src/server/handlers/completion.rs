//! `textDocument/completion`.

use crate::ide;
use crate::server::backend::Backend;
use crate::server::to_proto;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CompletionList, CompletionParams, CompletionResponse};

pub(in crate::server) async fn handle(
    server: &Backend,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let uri = params.text_document_position.text_document.uri;
    let position = params.text_document_position.position;
    server
        .with_analysis(&uri, "completion", move |a, pos, options| {
            let items = ide::complete(&a.text, pos.offset(position), &a.result, options);
            let items = items.iter().map(|i| to_proto::completion_item(pos, i)).collect();
            CompletionResponse::List(CompletionList { is_incomplete: false, items })
        })
        .await
}
