//! How messages travel between the client and the service for one session.
//!
//! tower-lsp's own `Server` stops reading at the first undecodable frame, runs at most four
//! handlers at once (so slow requests hold up everything behind them, cancellations included),
//! and waits for every handler after `exit`. This loop replaces it: frames come from our
//! [`FrameReader`], which refuses bad ones without ending the session; every handler runs as
//! its own task; replies, notifications and server requests are written whole by one writer;
//! and the session ends at `exit` (or the end of the input) without waiting for work in flight.

use super::backend::Backend;
use super::frames::{Frame, FrameReader, METHOD_NOT_FOUND};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::future::Future;
use std::task::Poll;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower::Service;
use tower_lsp_server::jsonrpc::Response;
use tower_lsp_server::{ClientSocket, LspService};

/// How long replies already being computed may still be written after the session ends.
const DRAIN: Duration = Duration::from_millis(500);

/// How a session ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionEnd {
    /// The client sent `shutdown` before the end.
    pub shutdown_requested: bool,
    /// The session ended with `exit` (rather than the end of the input).
    pub exit_received: bool,
}

impl SessionEnd {
    /// LSP 3.17 "exit": 0 if `shutdown` came first, otherwise 1 (also when the client vanished).
    pub fn exit_code(self) -> i32 {
        if self.shutdown_requested { 0 } else { 1 }
    }
}

/// Serves one LSP session on a pair of byte streams until `exit` or the end of the input.
pub async fn serve<I, O>(input: I, output: O) -> SessionEnd
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let (service, socket) = LspService::build(Backend::new)
        .custom_method("window/workDoneProgress/cancel", Backend::progress_cancel)
        .custom_method(super::DEBUG_TEXT_METHOD, Backend::debug_document_text)
        .finish();
    let (out_tx, out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let (server_requests, responses) = socket.split();
    let reading = read_loop(input, service, responses, out_tx);
    let writing = write_loop(output, out_rx, server_requests);
    tokio::pin!(reading, writing);
    let mut written_all = false;
    let end = loop {
        tokio::select! {
            end = &mut reading => break end,
            // The client stopped reading: go on reading its input until `exit` or the end.
            () = &mut writing, if !written_all => written_all = true,
        }
    };
    // Replies already computed get a moment to be written, bounded even if the client has
    // stopped reading and the pipe is full.
    if !written_all {
        let _ = tokio::time::timeout(DRAIN, &mut writing).await;
    }
    end
}

type Responses = <ClientSocket as tower_lsp_server::Loopback>::ResponseSink;
type ServerRequests = <ClientSocket as tower_lsp_server::Loopback>::RequestStream;

fn send(out: &mpsc::UnboundedSender<Vec<u8>>, message: &impl serde::Serialize) {
    if let Ok(body) = serde_json::to_vec(message) {
        // A closed channel means the writer has stopped: the client is gone.
        let _ = out.send(body);
    }
}

async fn read_loop<I: AsyncRead + Unpin>(
    input: I,
    mut service: LspService<Backend>,
    mut responses: Responses,
    out: mpsc::UnboundedSender<Vec<u8>>,
) -> SessionEnd {
    let mut frames = FrameReader::new(input);
    let mut end = SessionEnd::default();
    while let Some(frame) = frames.next().await {
        let request = match frame {
            Frame::Refused(refusal) => {
                eprintln!("aml-compute-ls: refused a message: {}", refusal.message);
                if let Some(reply) = refusal.reply() {
                    send(&out, &reply);
                }
                continue;
            }
            Frame::Response(response) => {
                if responses.send(response).await.is_err() {
                    eprintln!("aml-compute-ls: a reply from the client arrived after the session closed");
                }
                continue;
            }
            Frame::Request(request) => request,
        };
        let method = request.method().to_string();
        // LSP 3.17 "$ Notifications and Requests": a `$/` request the server does not implement
        // (it implements none) must be answered with MethodNotFound. tower-lsp stays silent.
        if let (true, Some(id)) = (method.starts_with("$/"), request.id()) {
            let id = serde_json::to_value(id).unwrap_or(Value::Null);
            let message = format!("`{method}` is not a request this server handles");
            send(&out, &json!({"jsonrpc": "2.0", "id": id, "error": {"code": METHOD_NOT_FOUND, "message": message}}));
            continue;
        }
        if method == "shutdown" && request.id().is_some() {
            end.shutdown_requested = true;
        }
        if std::future::poll_fn(|cx| service.poll_ready(cx)).await.is_err() {
            break;
        }
        let mut reply = Box::pin(service.call(request));
        // The first poll happens here, in arrival order: handlers apply document changes before
        // their first `.await`, so edits land in the order they were sent, and a request sees
        // every change sent before it. What is left of a handler runs as its own task.
        match std::future::poll_fn(|cx| Poll::Ready(reply.as_mut().poll(cx))).await {
            Poll::Ready(result) => deliver(&out, result),
            Poll::Pending => {
                let out = out.clone();
                tokio::spawn(async move { deliver(&out, reply.await) });
            }
        }
        if method == "exit" {
            end.exit_received = true;
            break;
        }
    }
    end
}

fn deliver<E>(out: &mpsc::UnboundedSender<Vec<u8>>, result: Result<Option<Response>, E>) {
    if let Ok(Some(response)) = result {
        send(out, &response);
    }
}

/// Writes replies and server messages, one whole frame at a time, until every sender is gone
/// (the reader ends with the session; handler tasks end with their request).
async fn write_loop<O: AsyncWrite + Unpin>(
    mut output: O,
    mut out: mpsc::UnboundedReceiver<Vec<u8>>,
    mut server_requests: ServerRequests,
) {
    let mut requests_open = true;
    loop {
        let body = tokio::select! {
            biased;
            message = out.recv() => match message {
                Some(body) => body,
                None => break,
            },
            request = server_requests.next(), if requests_open => match request {
                Some(request) => match serde_json::to_vec(&request) {
                    Ok(body) => body,
                    Err(_) => continue,
                },
                None => {
                    requests_open = false;
                    continue;
                }
            },
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let written = async {
            output.write_all(header.as_bytes()).await?;
            output.write_all(&body).await?;
            output.flush().await
        };
        if written.await.is_err() {
            // The client closed its end: nothing more can be delivered.
            break;
        }
    }
    let _ = output.shutdown().await;
}
