//! The loopback Alter backend: a hyper server on 127.0.0.1 that verifies every request like
//! the real backend, answers `/sdk/*` calls, records everything, and plays scripted faults.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{Notify, oneshot};
use tokio::task::{JoinHandle, JoinSet};

use crate::approvals::Approvals;
use crate::endpoints::{self, Answer, Ctx};
use crate::faults::{Fault, FaultRule};
use crate::record::{Endpoint, Recorded};
use crate::traffic::{InFlight, ResetConnection, Traffic};
use crate::users::User;
use crate::util::{now_unix, stable_uuid};
use crate::verify::Verifier;
use crate::{TEST_AGENT_ID, TEST_KEY};

/// Largest request body accepted (the real backend's limit is not documented).
const MAX_BODY: usize = 4 << 20;

/// Chooses the agent keys before starting a [`Backend`].
#[derive(Debug, Clone)]
pub struct BackendBuilder {
    keys: Vec<(String, String)>,
    users: Vec<User>,
}

impl BackendBuilder {
    /// Accepts `key` as the agent `agent_id`. The first key added is [`Backend::key`].
    pub fn key(mut self, key: &str, agent_id: &str) -> BackendBuilder {
        self.keys.push((key.to_owned(), agent_id.to_owned()));
        self
    }

    /// Knows the end user whose identity token is `user_token` (protocol §9): calls carrying
    /// it use that user's grant, which reaches `email`'s calendar (Google answers name `email`
    /// where the agent's own grant shows `alex.morgan@example.com`). Unknown tokens get 401
    /// `jwt_validation_error`.
    pub fn user(mut self, user_token: &str, email: &str) -> BackendBuilder {
        self.users.push(User {
            token: user_token.to_owned(),
            email: Some(email.to_owned()),
        });
        self
    }

    /// Knows a user who delegated nothing to the agent: calls get 409 `no_delegated_grant`.
    pub fn user_without_grants(mut self, user_token: &str) -> BackendBuilder {
        self.users.push(User {
            token: user_token.to_owned(),
            email: None,
        });
        self
    }

    /// Binds 127.0.0.1 on `port` (0: any free port) and serves in a background task.
    pub async fn start_on(self, port: u16) -> std::io::Result<Backend> {
        let keys = if self.keys.is_empty() {
            vec![(TEST_KEY.to_owned(), TEST_AGENT_ID.to_owned())]
        } else {
            self.keys
        };
        let verifier = Verifier::new(keys.iter().map(|(k, a)| (k.as_str(), a.as_str())));
        let shared = Arc::new(Shared {
            verifier,
            keys,
            users: self.users,
            records: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            approvals: Mutex::new(Approvals::default()),
            recorded: Notify::new(),
            delay: Mutex::new(Duration::ZERO),
            traffic: Traffic::default(),
        });
        let listener = bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
        let addr = listener.local_addr()?;
        let server = Server::spawn(listener, Arc::clone(&shared));
        Ok(Backend {
            addr,
            shared,
            server: Mutex::new(Some(server)),
        })
    }

    /// Starts on any free port.
    pub async fn start(self) -> std::io::Result<Backend> {
        self.start_on(0).await
    }
}

/// Binds with `SO_REUSEADDR`, so [`Backend::resume`] can take the same port back right after
/// [`Backend::stop`] even while old connections linger in `TIME_WAIT`.
fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(128)
}

pub(crate) struct Shared {
    verifier: Verifier,
    keys: Vec<(String, String)>,
    users: Vec<User>,
    records: Mutex<Vec<Recorded>>,
    faults: Mutex<Vec<FaultRule>>,
    approvals: Mutex<Approvals>,
    recorded: Notify,
    /// How long each `/sdk/*` answer is held back (a slow backend; zero by default).
    delay: Mutex<Duration>,
    traffic: Traffic,
}

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

struct Server {
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Server {
    fn spawn(listener: TcpListener, shared: Arc<Shared>) -> Server {
        let (shutdown, mut stop) = oneshot::channel();
        let task = tokio::spawn(async move {
            // Connections live in this set: when the loop ends, dropping it aborts them, so a
            // stopped backend really stops answering, even on kept-alive connections.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let shared = Arc::clone(&shared);
                        connections.spawn(async move {
                            let service = service_fn(move |req| handle(Arc::clone(&shared), req));
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        Server { shutdown, task }
    }
}

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, ResetConnection> {
    let counted = req.uri().path().starts_with("/sdk/");
    let in_flight = counted.then(|| InFlight::start(&shared.traffic));
    let (parts, body) = req.into_parts();
    let answer = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => {
            let body = collected.to_bytes();
            let target = parts
                .uri
                .path_and_query()
                .map_or("/", |pq| pq.as_str())
                .to_owned();
            if target.starts_with("/__test/") {
                crate::control::handle(&shared, parts.method.as_str(), &target, &body)
            } else {
                let answer = shared.answer(parts.method.as_str(), &target, &parts.headers, &body);
                let delay = *lock(&shared.delay);
                // Even a zero sleep waits for the timer's next 1 ms tick: only when asked.
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                answer
            }
        }
        Err(_) => Answer::error(413, "payload_too_large", "Request body too large."),
    };
    if let Some(delay) = answer.delay {
        // Dropped here (and counted as abandoned) if the client gives up first.
        tokio::time::sleep(delay).await;
    }
    if let Some(in_flight) = in_flight {
        in_flight.done();
    }
    if answer.reset {
        return Err(ResetConnection);
    }
    Ok(into_response(answer))
}

fn into_response(answer: Answer) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() = hyper::StatusCode::from_u16(answer.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

impl Shared {
    /// Verifies, answers and records one `/sdk/*` request.
    fn answer(
        &self,
        method: &str,
        target: &str,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Answer {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let endpoint = Endpoint::classify(method, path);
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let mut record = Recorded {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            endpoint,
            headers: headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.to_vec(),
            json: json.clone(),
            verified: false,
            agent_id: None,
            status: 0,
            error: None,
            faulted: false,
        };
        let answer = match self
            .verifier
            .verify(method, target, headers, body, now_unix())
        {
            Err(rejection) => Answer::error(rejection.status, rejection.code, &rejection.message),
            Ok(verified) => {
                record.verified = true;
                record.agent_id = Some(verified.agent_id.clone());
                let answer = match check_content(method, headers, body, json.as_ref()) {
                    Err(answer) => answer,
                    Ok(()) => {
                        let mut faults = lock(&self.faults);
                        let mut approvals = lock(&self.approvals);
                        let ctx = Ctx {
                            agent_id: &verified.agent_id,
                            faults: &mut faults,
                            approvals: &mut approvals,
                            users: &self.users,
                        };
                        endpoints::dispatch(ctx, endpoint, target, json.as_ref())
                    }
                };
                with_actor_id(answer, verified.caller.as_deref())
            }
        };
        record.status = answer.status;
        record.error.clone_from(&answer.error);
        record.faulted = answer.faulted;
        lock(&self.records).push(record);
        self.recorded.notify_waiters();
        answer
    }
}

/// A POST with a body must say `Content-Type: application/json` and be JSON.
fn check_content(
    method: &str,
    headers: &hyper::HeaderMap,
    body: &[u8],
    json: Option<&Value>,
) -> Result<(), Answer> {
    if method != "POST" || body.is_empty() {
        return Ok(());
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(Answer::error(
            415,
            "unsupported_media_type",
            "Content-Type must be application/json.",
        ));
    }
    if json.is_none() {
        return Err(Answer::json(
            422,
            &serde_json::json!({"detail": [{"type": "json_invalid", "loc": ["body"], "msg": "JSON decode error"}]}),
        ));
    }
    Ok(())
}

impl Shared {
    /// The agent id of the first key.
    pub(crate) fn agent_id(&self) -> &str {
        &self.keys[0].1
    }

    pub(crate) fn records(&self) -> Vec<Recorded> {
        lock(&self.records).clone()
    }

    pub(crate) fn clear_records(&self) {
        lock(&self.records).clear();
    }

    pub(crate) fn add_fault(&self, rule: FaultRule) {
        lock(&self.faults).push(rule);
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    /// `(in flight now, most in flight at once, abandoned)` for `/sdk/*` requests.
    pub(crate) fn traffic(&self) -> (usize, usize, usize) {
        let t = &self.traffic;
        (
            t.in_flight.load(Ordering::SeqCst),
            t.max_in_flight.load(Ordering::SeqCst),
            t.abandoned.load(Ordering::SeqCst),
        )
    }
}

/// §8: a request with `X-Alter-Caller` gets the caller's actor id back.
fn with_actor_id(mut answer: Answer, caller: Option<&str>) -> Answer {
    if let Some(caller) = caller {
        answer.headers.push((
            "x-alter-actor-id".into(),
            stable_uuid(&format!("actor:{caller}")),
        ));
    }
    answer
}

/// A running loopback Alter backend. Dropping it stops the server.
pub struct Backend {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: Mutex<Option<Server>>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Backend {
    /// Starts a backend that accepts [`TEST_KEY`] as agent [`TEST_AGENT_ID`].
    ///
    /// # Panics
    /// When no loopback port can be bound: a test environment problem, not a test outcome.
    pub async fn start() -> Backend {
        Backend::builder()
            .start()
            .await
            .expect("bind a loopback port for the fake Alter backend")
    }

    /// Configures keys before starting.
    pub fn builder() -> BackendBuilder {
        BackendBuilder {
            keys: Vec::new(),
            users: Vec::new(),
        }
    }

    /// `http://127.0.0.1:PORT`, the value for `ALTER_BASE_URL`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first accepted agent key (the value for `ALTER_MCP_AGENT_KEY`).
    pub fn key(&self) -> &str {
        &self.shared.keys[0].0
    }

    /// The agent id of [`Backend::key`].
    pub fn agent_id(&self) -> &str {
        &self.shared.keys[0].1
    }

    /// The id of this agent's grant for `provider` (what `/sdk/token` returns).
    pub fn grant_id(&self, provider: &str) -> String {
        endpoints::grant_id(self.agent_id(), provider)
    }

    /// Every `/sdk/*` request received so far, in order (control requests excluded).
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.records()
    }

    /// Verified requests to `endpoint`.
    pub fn calls(&self, endpoint: Endpoint) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.verified && r.endpoint == endpoint)
            .collect()
    }

    /// Verified `POST /sdk/proxy` requests.
    pub fn proxy_calls(&self) -> Vec<Recorded> {
        self.calls(Endpoint::Proxy)
    }

    /// Verified `POST /sdk/token` requests.
    pub fn token_calls(&self) -> Vec<Recorded> {
        self.calls(Endpoint::Token)
    }

    /// Verified audit posts.
    pub fn audit_calls(&self) -> Vec<Recorded> {
        self.calls(Endpoint::Audit)
    }

    /// Requests that failed verification.
    pub fn rejected(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| !r.verified)
            .collect()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.clear_records();
    }

    /// Waits until at least `count` requests are recorded (background audit posts arrive
    /// after the call returns); returns them, or what arrived by `timeout`.
    pub async fn wait_for_requests(&self, count: usize, timeout: Duration) -> Vec<Recorded> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.recorded.notified();
            let records = self.requests();
            if records.len() >= count || tokio::time::Instant::now() >= deadline {
                return records;
            }
            let _ = tokio::time::timeout_at(deadline, notified).await;
        }
    }

    /// The next `/sdk/proxy` or `/sdk/token` call gets `fault` instead of its answer.
    pub fn fail_next(&self, fault: Fault) {
        self.add_fault(FaultRule::once(fault));
    }

    /// Adds a fault rule (see [`FaultRule`] for scoping by endpoint, provider and count).
    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.add_fault(rule);
    }

    /// Holds back every `/sdk/*` answer by `delay` (recorded on arrival, answered later): a
    /// slow backend, so a call can be in flight while a test does something else.
    pub fn delay_answers(&self, delay: Duration) {
        *lock(&self.shared.delay) = delay;
    }

    /// Removes all fault rules.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// The most `/sdk/*` requests the backend was handling at once (since the last
    /// [`Backend::reset_traffic`]).
    pub fn max_in_flight(&self) -> usize {
        self.shared.traffic().1
    }

    /// `/sdk/*` requests being handled right now.
    pub fn in_flight(&self) -> usize {
        self.shared.traffic().0
    }

    /// `/sdk/*` requests whose client closed the connection before the answer was written
    /// (a cancelled or timed-out call that really dropped its HTTP request).
    pub fn abandoned(&self) -> usize {
        self.shared.traffic().2
    }

    /// Restarts the [`Backend::max_in_flight`] and [`Backend::abandoned`] counts.
    pub fn reset_traffic(&self) {
        let t = &self.shared.traffic;
        t.max_in_flight
            .store(t.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
        t.abandoned.store(0, Ordering::SeqCst);
    }

    /// Every approval handed out so far follows `plan` from now on (a human decides now).
    pub fn settle_approvals(&self, plan: &crate::ApprovalPlan) {
        lock(&self.shared.approvals).settle_all(plan);
    }

    /// Stops listening and drops open connections: clients now get connection errors.
    pub async fn stop(&self) {
        let server = lock(&self.server).take();
        if let Some(server) = server {
            let _ = server.shutdown.send(());
            let _ = server.task.await;
        }
    }

    /// Listens again on the same port after [`Backend::stop`], keeping keys, nonces, faults
    /// and recordings.
    pub async fn resume(&self) -> std::io::Result<()> {
        let mut server = lock(&self.server);
        if server.is_none() {
            let listener = bind(self.addr)?;
            *server = Some(Server::spawn(listener, Arc::clone(&self.shared)));
        }
        Ok(())
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some(server) = lock(&self.server).take() {
            let _ = server.shutdown.send(());
            server.task.abort();
        }
    }
}
