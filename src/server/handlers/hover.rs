//! `textDocument/hover`.

use crate::ide;
use crate::server::backend::Backend;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

pub(in crate::server) async fn handle(server: &Backend, params: HoverParams) -> Result<Option<Hover>> {
    let uri = params.text_document_position_params.text_document.uri;
    let position = params.text_document_position_params.position;
    let hover = server
        .with_analysis(&uri, "hover", move |a, pos, _| {
            ide::hover(&a.text, pos.offset(position), &a.result).map(|h| Hover {
                contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown }),
                range: Some(pos.range(h.range)),
            })
        })
        .await?;
    Ok(hover.flatten())
}
