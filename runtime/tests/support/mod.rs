//! A tiny loopback HTTP peer for the runtime's own tests: it records every request and answers
//! with a handler the test supplies, and it checks the Alter signature of `/sdk/*` calls. The
//! full protocol-checking backend lives in the workspace's `tests/` crate.

#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lc_rs::{digest, hmac};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

pub const KEY: &str = "alter_key_DOCexample000000000000000000000000000000";

/// The grant id the tests' token answers carry.
pub const GRANT: &str = "0b9f2d4e-8a7c-4f1e-9d3b-2c5a6e7f8091";

/// An agent with the test key against the peer at `url`, in `mode`, with a 5 s timeout.
pub fn agent(url: &str, mode: alter_mcp_runtime::Mode) -> alter_mcp_runtime::Agent {
    alter_mcp_runtime::Agent::builder(alter_mcp_runtime::AgentKey::new(KEY).unwrap())
        .base_url(url)
        .mode(mode)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// One request as the peer saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// What the peer answers.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.to_string().into_bytes(),
            delay: Duration::ZERO,
        }
    }

    pub fn raw(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A running loopback peer.
pub struct Peer {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Peer {
    pub async fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Peer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, log) = (handler.clone(), log.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let (handler, log) = (handler.clone(), log.clone());
                        async move { Ok::<_, Infallible>(answer(request, &*handler, &log).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Peer { url, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits until a request to `path` arrives (background posts), up to 5 s.
    pub async fn wait_for(&self, path: &str) -> Seen {
        for _ in 0..100 {
            if let Some(seen) = self.seen().into_iter().find(|s| s.target == path) {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no request to {path} arrived; saw {:?}", self.seen());
    }
}

async fn answer(
    request: hyper::Request<Incoming>,
    handler: &Handler,
    log: &Mutex<Vec<Seen>>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let seen = Seen {
        method: parts.method.to_string(),
        target: parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    v.to_str().unwrap_or("<non-ascii>").to_owned(),
                )
            })
            .collect(),
        body,
    };
    log.lock().unwrap().push(seen.clone());
    let reply = handler(&seen);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = hyper::Response::builder().status(reply.status);
    for (name, value) in reply.headers {
        response = response.header(name, value);
    }
    response.body(Full::new(Bytes::from(reply.body))).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Recomputes the signature of a `/sdk/*` request from its headers and body, independently
/// of the runtime's code (no query in our targets, so the canonical path is the path).
pub fn assert_signed(seen: &Seen) {
    let sha = hex(digest::digest(&digest::SHA256, &seen.body).as_ref());
    assert_eq!(seen.header("x-alter-content-sha256"), Some(sha.as_str()));
    assert_eq!(seen.header("x-api-key"), Some(KEY));
    let nonce = seen.header("x-alter-nonce").expect("nonce");
    assert_eq!(nonce.len(), 32);
    let timestamp: u64 = seen.header("x-alter-timestamp").unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(now.abs_diff(timestamp) < 60);
    let mut text = format!(
        "{}\n{}\n{timestamp}\n{nonce}\n{sha}\n",
        seen.method, seen.target
    );
    if let Some(context) = seen.header("x-alter-context") {
        text.push_str(&format!("\nactor-context:{context}"));
        assert_eq!(
            seen.header("x-alter-signature-v2"),
            seen.header("x-alter-signature")
        );
    }
    let outer = hmac::Key::new(hmac::HMAC_SHA256, KEY.as_bytes());
    let k = hmac::sign(&outer, b"alter-signing-v1");
    let key = hmac::Key::new(hmac::HMAC_SHA256, k.as_ref());
    let expected = hex(hmac::sign(&key, text.as_bytes()).as_ref());
    assert_eq!(seen.header("x-alter-signature"), Some(expected.as_str()));
}
