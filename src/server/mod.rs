//! The HTTP service: the staff web page and the JSON API, on axum.
//!
//! - [`api`]: the JSON routes (`/api/...`, `/healthz`), answering what the command line prints.
//! - [`page`]: the server-rendered staff page, which works without JavaScript.
//! - [`openapi`]: the OpenAPI 3.1 description, built from the same route table as the router.
//! - [`auth`]: the optional `COMMS_API_TOKEN` check (bearer token or login cookie).
//! - [`error`]: the JSON error every route answers with.
//! - [`log`]: the log's line format, and the batches a serving thread writes it in.
//!
//! `comms serve` runs [`serve_on_threads`]: one thread per core, each with its own runtime,
//! socket and copy of the library, so that no memory is shared while messages are built.
//!
//! Every request passes through [`guard`]: bodies over [`BODY_LIMIT`] are refused with 413
//! before they are read, slow requests are cut after [`REQUEST_TIMEOUT`], and one log line
//! records the method, the route pattern, the status and the time, never a value a user sent.

pub mod api;
pub mod auth;
pub mod download;
pub mod error;
pub mod form;
pub mod log;
pub mod openapi;
pub mod page;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::library::Library;
use crate::message::shape::Shapes;
use crate::render::email::EmailSettings;
use error::ApiError;

/// Request bodies larger than this are refused with 413.
pub const BODY_LIMIT: usize = 256 * 1024;
/// Requests that take longer than this (including a slow upload) are cut with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What every handler shares: the library, loaded once and read-only, and the access token.
#[derive(Debug)]
pub struct AppState {
    pub library: Library,
    /// When set, every request must carry it (see [`auth`]).
    pub token: Option<String>,
    /// Requests taking longer are cut with 408 ([`REQUEST_TIMEOUT`] unless a test says otherwise).
    pub timeout: Duration,
    /// Sender names and addresses for `.eml` downloads.
    pub email: EmailSettings,
    /// The shapes of the messages rendered so far (library wording only, no values).
    pub shapes: Shapes,
}

impl AppState {
    pub fn new(library: Library, token: Option<String>) -> Self {
        AppState {
            library,
            token,
            timeout: REQUEST_TIMEOUT,
            email: EmailSettings::default(),
            shapes: Shapes::default(),
        }
    }
}

pub type Shared = Arc<AppState>;

/// The whole service as a router, for `comms serve` and for tests.
pub fn router(state: AppState) -> Router {
    let state = Arc::new(state);
    let mut router = Router::new();
    for route in api::ROUTES {
        router = router.route(route.path, (route.handler)());
    }
    let mut router = router
        .route("/", get(page::show).post(page::submit))
        .route("/download", axum::routing::post(page::download))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/assets/style.css", get(page::stylesheet))
        .route("/assets/page.js", get(page::script))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    // Without a token every request is let in: no layer to pass through.
    if state.token.is_some() {
        router = router.layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ));
    }
    router
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "there is nothing at this address; the API is described at /api/openapi.json and the staff page is at /",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this address does not take that method; see /api/openapi.json for the methods each route takes",
    )
}

/// Size limit, timeout and the access log, around every request.
async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // The route pattern (`/api/templates/{id}`), never the path itself: a path can carry
    // anything a caller typed.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let too_large = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
        .is_some_and(|length| length > BODY_LIMIT as u64);
    let response = if too_large {
        error::too_large().into_response()
    } else {
        match tokio::time::timeout(state.timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request took longer than {} seconds and was stopped; send it again",
                    state.timeout.as_secs_f32()
                ),
            )
            .into_response(),
        }
    };
    tracing::info!(
        method = method.as_str(),
        route = route.as_ref().map_or("(no route)", MatchedPath::as_str),
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight and returns.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Serves on `addr` until SIGTERM or Ctrl-C with one thread per state, each thread with its
/// own single-threaded runtime, its own listening socket on the one address (`SO_REUSEPORT`:
/// the kernel shares connections out among the sockets) and its own state. Give each state
/// its own copy of the library: then nothing a request touches is shared between threads,
/// and no reference count or memo lock moves between cores (two threads building messages
/// from one library were each a quarter slower). The bound address goes to `on_bound` once
/// every socket listens.
pub fn serve_on_threads(
    addr: SocketAddr,
    states: Vec<AppState>,
    on_bound: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let mut bound = addr;
    let mut threads = Vec::new();
    let mut starts = Vec::new();
    let mut failure = None;
    for (index, state) in states.into_iter().enumerate() {
        // The first socket finds the port when `addr` asks for any (port 0); the others
        // take the same one. Each thread waits to be told to start, which it is once every
        // socket listens.
        let (listening_sender, listening) = std::sync::mpsc::channel();
        let (start, started) = std::sync::mpsc::channel::<bool>();
        let thread = std::thread::Builder::new()
            .name(format!("comms-serve-{index}"))
            .spawn(move || -> std::io::Result<()> {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async move {
                    let listener = match shared_listener(bound) {
                        Ok(listener) => listener,
                        Err(err) => {
                            let _ = listening_sender.send(Err(err));
                            return Ok(());
                        }
                    };
                    let _ = listening_sender.send(listener.local_addr());
                    if started.recv() != Ok(true) {
                        return Ok(());
                    }
                    log::batch_this_thread();
                    let flusher = tokio::spawn(log::flush_periodically());
                    let served = serve(listener, state).await;
                    flusher.abort();
                    log::flush_this_thread();
                    served
                })
            })?;
        threads.push(thread);
        starts.push(start);
        match listening.recv() {
            Ok(Ok(addr)) => bound = addr,
            Ok(Err(err)) => {
                failure = Some(err);
                break;
            }
            Err(_) => {
                failure = Some(std::io::Error::other("a server thread failed to start"));
                break;
            }
        }
    }
    for start in &starts {
        let _ = start.send(failure.is_none());
    }
    if failure.is_none() {
        on_bound(bound);
    }
    let mut result = failure.map_or(Ok(()), Err);
    for thread in threads {
        match thread.join() {
            Ok(Ok(())) => {}
            Ok(Err(err)) => result = result.and(Err(err)),
            Err(_) => {
                result = result.and(Err(std::io::Error::other(
                    "a server thread stopped unexpectedly",
                )))
            }
        }
    }
    result
}

/// A listening socket on `addr` that other sockets of this process may share.
fn shared_listener(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    // Only sockets of the same user may share the port.
    #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos"))))]
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
