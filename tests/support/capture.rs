//! A loopback HTTP server that records the exact bytes of every PUT body and answers just
//! enough of ARM for `create`/`attach --no-wait`: the workspace (location `eastus`), a 404 for
//! a compute that was not PUT yet, and 201 for a PUT.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One captured request: method, path (with query) and body bytes.
#[derive(Clone, Debug)]
pub struct Captured {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

pub struct CaptureServer {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Captured>>>,
    task: tokio::task::JoinHandle<()>,
}

impl CaptureServer {
    pub async fn start() -> CaptureServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests: Arc<Mutex<Vec<Captured>>> = Arc::default();
        let log = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else { return };
                    let (status, body) = answer(&request, &log.lock().unwrap());
                    log.lock().unwrap().push(request);
                    let reply = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(reply.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        CaptureServer { addr, requests, task }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The PUT bodies so far, with their paths.
    pub fn puts(&self) -> Vec<Captured> {
        self.requests.lock().unwrap().iter().filter(|r| r.method == "PUT").cloned().collect()
    }
}

impl Drop for CaptureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn answer(request: &Captured, earlier: &[Captured]) -> (&'static str, String) {
    let path = request.path.split('?').next().unwrap_or_default();
    match request.method.as_str() {
        "PUT" => ("201 Created", r#"{"properties":{"provisioningState":"Creating"}}"#.to_string()),
        "GET" if path.contains("/computes/") => {
            if earlier.iter().any(|r| r.method == "PUT" && r.path.split('?').next() == Some(path)) {
                ("200 OK", r#"{"properties":{"provisioningState":"Succeeded"}}"#.to_string())
            } else {
                ("404 Not Found", r#"{"error":{"code":"ResourceNotFound","message":"not found"}}"#.to_string())
            }
        }
        "GET" => ("200 OK", r#"{"location":"eastus"}"#.to_string()),
        _ => ("405 Method Not Allowed", r#"{"error":{"code":"MethodNotAllowed","message":"no"}}"#.to_string()),
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Captured> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next()?.split_whitespace();
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let length: usize = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < header_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(Captured { method, path, body: buf[header_end..].to_vec() })
}
