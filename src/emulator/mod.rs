//! A local emulator of Azure Resource Manager for Azure ML computes: a real HTTP server on
//! 127.0.0.1 that speaks the `Microsoft.MachineLearningServices` computes API (create, get,
//! list with paging, delete/detach, start/stop/restart, async operations, vmSizes, usages,
//! checkComputeNameAvailability; `PUT` of a workspace puts it in a region),
//! requires a bearer token, moves provisioning states over time, persists its state, and
//! injects faults on request. Tests and `aml-compute-ls --emulator` use it.
//!
//! Control endpoints (bearer token required, no `api-version`, never faulted):
//! `GET|POST /_emulator/faults` (JSON [`FaultsPatch`]), `GET|POST /_emulator/quota` (quota
//! limits by usage name, such as `{"standardNCADSA100v4Family": 96}`), `GET /_emulator/state` and
//! `GET /_emulator/requests` (the request log: method and raw path of every ARM request, in
//! order, never headers or bodies, so no secret is in it).

mod faults;
mod immutable;
mod names;
pub mod rest_schema;
mod routes;
mod state;
mod validate;
mod wire;

pub use faults::{Faults, FaultsPatch};
pub use validate::COMPUTE_TYPES;

use axum::Router;
use axum::extract::connect_info::Connected;
use axum::routing::get;
use axum::serve::{IncomingStream, Listener};
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The bearer token the emulator accepts unless configured otherwise.
pub const EMULATOR_TOKEN: &str = "emulator-token";

#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// 0 picks any free port.
    pub port: u16,
    /// The bearer token requests must carry.
    pub token: String,
    /// How long each state step takes (Creating→Succeeded, Stopping→Stopped, …).
    pub provisioning_delay: Duration,
    /// Where to keep the state as JSON across restarts.
    pub state_file: Option<PathBuf>,
    pub faults: Faults,
    /// The region of workspaces created on first use.
    pub default_location: String,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            port: 0,
            token: EMULATOR_TOKEN.to_string(),
            provisioning_delay: Duration::from_millis(200),
            state_file: None,
            faults: Faults::default(),
            default_location: "eastus".to_string(),
        }
    }
}

/// Shared server state. The mutex is never held across an `.await`.
pub(crate) struct App {
    base: String,
    token: String,
    delay: Duration,
    default_location: String,
    state_file: Option<PathBuf>,
    inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    store: state::Store,
    faults: Faults,
    requests: Vec<LoggedRequest>,
}

/// One ARM request as it arrived: the method and the path and query exactly as sent (before
/// any decoding), so a test can see what a client really asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path_and_query: String,
}

impl LoggedRequest {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.path_and_query.split('?').next().unwrap_or_default()
    }
}

/// The log keeps the first this many requests (a long soak must not grow without bound).
const REQUEST_LOG_LIMIT: usize = 100_000;

impl App {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (every change is one
        // assignment), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn delay_ms(&self) -> u64 {
        self.delay.as_millis() as u64
    }

    fn log_request(&self, method: &str, path_and_query: &str) {
        let mut inner = self.lock();
        if inner.requests.len() < REQUEST_LOG_LIMIT {
            inner
                .requests
                .push(LoggedRequest { method: method.to_string(), path_and_query: path_and_query.to_string() });
        }
    }

    fn persist(&self, store: &state::Store) {
        if let Some(path) = &self.state_file
            && let Err(e) = store.save(path)
        {
            eprintln!("aml-compute-ls emulator: could not write state file {}: {e}", path.display());
        }
    }
}

/// A running emulator; [`RunningEmulator::stop`] shuts it down.
pub struct RunningEmulator {
    pub addr: SocketAddr,
    app: Arc<App>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl RunningEmulator {
    /// Binds 127.0.0.1 (never another interface) and starts serving. With a state file, the
    /// file is written once before serving, so a place that cannot be written fails here,
    /// with its path, instead of losing every change later.
    pub async fn start(config: EmulatorConfig) -> io::Result<RunningEmulator> {
        let store = match &config.state_file {
            Some(path) => {
                let store = state::Store::load(path).map_err(|e| {
                    io::Error::new(e.kind(), format!("cannot read its state file {}: {e}", path.display()))
                })?;
                store.save(path).map_err(|e| {
                    io::Error::new(e.kind(), format!("cannot write its state file {}: {e}", path.display()))
                })?;
                store
            }
            None => state::Store::default(),
        };
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let app = Arc::new(App {
            base: format!("http://{addr}"),
            token: config.token,
            delay: config.provisioning_delay,
            default_location: config.default_location,
            state_file: config.state_file,
            inner: Mutex::new(Inner { store, faults: config.faults, requests: Vec::new() }),
        });
        let router = Router::new()
            .route("/_emulator/faults", get(routes::get_faults).post(routes::set_faults))
            .route("/_emulator/quota", get(routes::get_quota).post(routes::set_quota))
            .route("/_emulator/state", get(routes::get_state))
            .route("/_emulator/requests", get(routes::get_requests))
            .fallback(routes::arm)
            .with_state(app.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let server =
            axum::serve(KillableListener { inner: listener }, router.into_make_service_with_connect_info::<ConnKey>())
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                });
        let task = tokio::spawn(async move {
            let _ = server.await;
        });
        Ok(RunningEmulator { addr, app, shutdown: Some(tx), task })
    }

    /// Every ARM request received so far, in order (see [`LoggedRequest`]).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.app.lock().requests.clone()
    }

    /// `http://127.0.0.1:PORT`, the ARM endpoint to give a client.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish for up to two seconds, then aborts.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let abort = self.task.abort_handle();
        if tokio::time::timeout(Duration::from_secs(2), &mut self.task).await.is_err() {
            abort.abort();
            let _ = (&mut self.task).await;
        }
    }
}

/// Blocking entry for `aml-compute-ls emulator [--port N]`: serves until Ctrl-C. `on_ready`
/// gets the endpoint once the port is bound (the front end says how to use it).
pub fn run_blocking(config: EmulatorConfig, on_ready: impl FnOnce(&str)) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let emulator = RunningEmulator::start(config).await?;
        on_ready(&emulator.endpoint());
        tokio::signal::ctrl_c().await?;
        emulator.stop().await;
        Ok(())
    })
}

/// Per-connection info handed to handlers: lets a handler close its own connection without
/// a reply (the `drop_next` fault).
#[derive(Debug, Clone)]
pub(crate) struct ConnKey {
    #[allow(dead_code)]
    remote: SocketAddr,
    kill: Arc<AtomicBool>,
}

impl ConnKey {
    fn kill(&self) {
        self.kill.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for ConnKey {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

struct KillableListener {
    inner: TcpListener,
}

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = ConnKey;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, remote)) => {
                    let kill = Arc::new(AtomicBool::new(false));
                    return (KillableStream { inner: stream, kill: kill.clone() }, ConnKey { remote, kill });
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnKey { remote: self.inner.local_addr()?, kill: Arc::new(AtomicBool::new(false)) })
    }
}

/// A TCP stream that fails every write once killed, so hyper drops the connection before
/// a single byte of the reply goes out.
struct KillableStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

impl KillableStream {
    fn killed(&self) -> bool {
        self.kill.load(Ordering::SeqCst)
    }
}

fn aborted() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "connection dropped by fault injection")
}

impl AsyncRead for KillableStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
