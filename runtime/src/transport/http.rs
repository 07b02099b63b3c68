//! MCP over streamable HTTP (`--http ADDR`): rmcp's streamable HTTP service at `/mcp`, a
//! health check at `/healthz`, served with hyper (HTTP/1.1), shut down gracefully.
//!
//! Invariants:
//! - Stateless: no MCP session and nothing per user is kept between requests (rmcp's legacy
//!   session mode is off, JSON answers where possible), so any copy of the server can answer
//!   any request and several copies can sit behind an ordinary load balancer.
//! - Each request's bearer token becomes that call's `user_token` (see `http_gate.rs`), and
//!   goes nowhere else.
//! - On shutdown no new connection is accepted; requests in flight get the grace period to
//!   finish, then whatever remains is dropped.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, GetTaskParams, GetTaskResult,
    ListToolsResult, PaginatedRequestParams, ServerConfig, Tool, UpdateTaskParams,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::http_gate::{Body, Policy, admit, json_response};
use super::http_options::HttpOptions;
use crate::mcp::server::Server;

/// A slow client gets this long to send its request head.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

type McpService = StreamableHttpService<Shared, NeverSessionManager>;

/// Serves `server` over HTTP on `options.addr` until `shutdown` completes, then drains.
/// Logs `serving MCP over HTTP addr=IP:PORT` once listening (the port is the real one when
/// `addr` asked for port 0).
pub async fn serve_http(
    server: Server,
    options: HttpOptions,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let listener = TcpListener::bind(options.addr).await.map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot listen on {}: {e}", options.addr))
    })?;
    let addr = listener.local_addr()?;
    let stop_mcp = CancellationToken::new();
    let app = Arc::new(App {
        mcp: mcp_service(Arc::new(server), &options, addr, stop_mcp.clone()),
        policy: Policy {
            max_body_bytes: options.max_body_bytes,
            allow_anonymous: options.allow_anonymous,
        },
    });
    tracing::info!(
        %addr,
        max_body_bytes = options.max_body_bytes,
        shutdown_grace_s = options.shutdown_grace.as_secs(),
        allow_anonymous = options.allow_anonymous,
        "serving MCP over HTTP at /mcp (health: /healthz)"
    );
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => serve_connection(&graceful, Arc::clone(&app), stream),
                Err(error) => {
                    // Out of file descriptors and the like: back off rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    let open = graceful.count();
    tracing::info!(
        open_connections = open,
        "shutting down: no new connections; waiting for requests in flight"
    );
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all requests finished; stopped"),
        () = tokio::time::sleep(options.shutdown_grace) => {
            tracing::warn!(grace_s = options.shutdown_grace.as_secs(), "shutdown grace period over; dropping the requests still open");
        }
    }
    stop_mcp.cancel();
    Ok(())
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C). The handlers are installed when this is called (it
/// must be called inside a tokio runtime), not when the future is first polled, so a signal
/// that arrives while the server is still starting is not lost (or fatal).
pub fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM received"),
                    _ = int.recv() => tracing::info!("SIGINT received"),
                },
                (Err(error), _) | (_, Err(error)) => {
                    tracing::warn!(%error, "cannot watch SIGTERM/SIGINT; only Ctrl-C stops the server");
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("Ctrl-C received");
        }
    }
}

fn serve_connection(graceful: &GracefulShutdown, app: Arc<App>, stream: tokio::net::TcpStream) {
    let service = service_fn(move |request| {
        let app = Arc::clone(&app);
        async move { Ok::<_, Infallible>(app.handle(request).await) }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service);
    let connection = graceful.watch(connection);
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "HTTP connection ended with an error");
        }
    });
}

/// rmcp's service, stateless, with the DNS-rebinding checks suited to the bind address.
fn mcp_service(
    server: Arc<Server>,
    options: &HttpOptions,
    bound: SocketAddr,
    stop: CancellationToken,
) -> McpService {
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_max_request_body_bytes(options.max_body_bytes)
        .with_cancellation_token(stop);
    if !options.allowed_hosts.is_empty() {
        config = config.with_allowed_hosts(options.allowed_hosts.clone());
    } else if bound.ip().is_loopback() {
        // rmcp's default Host list is the loopback names. A browser page must not reach a
        // loopback server either: only loopback origins may call it.
        config = config.with_allowed_origins([
            "http://localhost:*",
            "http://127.0.0.1:*",
            "http://[::1]:*",
        ]);
    } else {
        tracing::info!(
            "not checking the Host header (bound to a non-loopback address); set --allowed-host to check it"
        );
        config = config.disable_allowed_hosts();
    }
    StreamableHttpService::new(
        move || Ok(Shared(Arc::clone(&server))),
        Arc::new(NeverSessionManager::default()),
        config,
    )
}

struct App {
    mcp: McpService,
    policy: Policy,
}

impl App {
    async fn handle(&self, mut request: Request<Incoming>) -> Response<Body> {
        let started = Instant::now();
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let response = match (path.as_str(), &method) {
            ("/healthz", &Method::GET | &Method::HEAD) => health(),
            ("/mcp", _) => match admit(&mut request, self.policy) {
                Ok(()) => self.mcp.handle(request).await,
                Err(refused) => refused.into_response(),
            },
            _ => json_response(
                StatusCode::NOT_FOUND,
                "not_found",
                "MCP is served at /mcp and health at /healthz.",
            ),
        };
        tracing::debug!(%method, path, status = response.status().as_u16(), elapsed_ms = started.elapsed().as_millis(), "HTTP request");
        response
    }
}

/// `200 {"status":"ok"}`: the process is up and accepting (a draining server has stopped
/// accepting, so its health check fails to connect).
fn health() -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"{\"status\":\"ok\"}")).boxed());
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The one [`Server`], shared by the handler rmcp makes for each request. It forwards every
/// `ServerHandler` method `Server` implements: when `mcp/handler.rs` overrides another one,
/// forward it here too, or HTTP clients get rmcp's default for it.
struct Shared(Arc<Server>);

impl ServerHandler for Shared {
    fn get_info(&self) -> ServerConfig {
        self.0.get_info()
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        self.0.list_tools(request, context).await
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.0.call_tool(request, context).await
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.0.get_tool(name)
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, ErrorData> {
        self.0.get_task(request, context).await
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.0.cancel_task(request, context).await
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.0.update_task(request, context).await
    }

    /// Accepted, and changes nothing: stateless HTTP keeps no session to hold a level in, and
    /// the one `Server` serves every user, so one client's level must not govern another's
    /// notifications. Notifications within a call are sent at their own level (approval links
    /// at `notice`) as if no level had been set. See README, "Serving many users over HTTP".
    // MCP logging is deprecated by SEP-2577; clients of the 2025-11-25 protocol still use it.
    #[allow(deprecated)]
    async fn set_level(
        &self,
        _request: rmcp::model::SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        Ok(())
    }
}
