//! `textDocument/hover`: the `ide` layer's hover, and on the spec's size the estimated cost
//! (issue 11, "Cost"): the service's prices once the live checks have read the region's size
//! list for this text, else the offline catalog's, with their date, in the `location` the spec
//! or the settings give.

use crate::check::CheckOptions;
use crate::ide;
use crate::live::{CostEstimate, SpecFacts, offline_estimate};
use crate::server::backend::Backend;
use crate::server::documents::Analysis;
use crate::server::live;
use crate::server::state::State;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Uri};

pub(in crate::server) async fn handle(server: &Backend, params: HoverParams) -> Result<Option<Hover>> {
    let uri = params.text_document_position_params.text_document.uri;
    let position = params.text_document_position_params.position;
    let (state, cost_uri) = (server.state.clone(), uri.clone());
    let hover = server
        .with_analysis(&uri, "hover", move |a, pos, options| {
            let offset = pos.offset(position);
            let info = ide::hover(&a.text, offset, &a.result);
            let cost = cost(&state, &cost_uri, a, options).filter(|c| c.anchor.touches(offset));
            let (markdown, range) = match (info, cost) {
                (Some(h), Some(c)) => (format!("{}\n\n---\n\n{}", h.markdown, c.text()), h.range),
                (Some(h), None) => (h.markdown, h.range),
                (None, Some(c)) => (c.text(), c.anchor),
                (None, None) => return None,
            };
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
                range: Some(pos.range(range)),
            })
        })
        .await?;
    Ok(hover.flatten())
}

/// The estimated cost of the spec: the live one kept for this text, else the catalog's.
fn cost(state: &State, uri: &Uri, a: &Analysis, options: &CheckOptions) -> Option<CostEstimate> {
    if let Some(priced) = live::found_for(state, uri, a).and_then(|f| f.cost.clone()) {
        return Some(priced);
    }
    let spec = SpecFacts::read(&a.result)?;
    let region = spec.location.as_ref().map(|l| l.value.clone()).or_else(|| options.default_location.clone())?;
    offline_estimate(&spec, &region)
}
