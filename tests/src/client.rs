//! A tiny HTTP/1.1 client that signs like the SDK, for tests that talk to the backend directly
//! (including deliberately wrong requests a real client would never send).

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::util::{hex, now_unix, random_bytes, sha256_hex};
use crate::verify::{SignedParts, mac_hex, signing_key};

/// The headers the official SDK would send for this request (§2.1), signed with `api_key`.
/// `parts.content_sha256` is filled in from `body`. For tests that talk to the backend directly.
pub fn sign_headers(api_key: &str, mut parts: SignedParts, body: &[u8]) -> Vec<(String, String)> {
    parts.content_sha256 = sha256_hex(body);
    let key = signing_key(api_key);
    let mut headers = vec![
        ("x-api-key".to_owned(), api_key.to_owned()),
        ("X-Alter-Timestamp".to_owned(), parts.timestamp.clone()),
        ("X-Alter-Nonce".to_owned(), parts.nonce.clone()),
        (
            "X-Alter-Content-SHA256".to_owned(),
            parts.content_sha256.clone(),
        ),
    ];
    if parts.has_identity() {
        let signature = mac_hex(&key, &parts.v2_string());
        headers.push(("X-Alter-Signature".to_owned(), signature.clone()));
        headers.push(("X-Alter-Signature-V2".to_owned(), signature));
    } else {
        let signature = mac_hex(&key, &parts.legacy_string());
        headers.push(("X-Alter-Signature".to_owned(), signature));
    }
    let optional = [
        ("X-Alter-Scope-Constraints", &parts.scope_constraints),
        ("X-Alter-Request-Rule", &parts.request_rule),
        ("X-Alter-Caller", &parts.caller),
        ("X-Alter-Caller-Type", &parts.caller_type),
        ("X-Alter-Actor-ID", &parts.actor_id),
        ("X-Alter-Context", &parts.context),
    ];
    for (name, value) in optional {
        if !value.is_empty() {
            headers.push((name.to_owned(), value.clone()));
        }
    }
    headers
}

/// A response as raw parts.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request on a fresh connection (`Connection: close`) and reads the whole answer.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<RawResponse> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse_response(&raw).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed HTTP response")
    })
}

fn parse_response(raw: &[u8]) -> Option<RawResponse> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Some(RawResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

/// Signs and sends requests as one agent key.
#[derive(Clone)]
pub struct SigningClient {
    addr: SocketAddr,
    key: String,
}

impl std::fmt::Debug for SigningClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningClient")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SigningClient {
    pub fn new(addr: SocketAddr, key: &str) -> SigningClient {
        SigningClient {
            addr,
            key: key.to_owned(),
        }
    }

    /// Fresh timestamp and nonce for `method` and `target`; fill identity fields as needed.
    pub fn parts(method: &str, target: &str) -> SignedParts {
        SignedParts {
            method: method.to_owned(),
            target: target.to_owned(),
            timestamp: now_unix().to_string(),
            nonce: hex(&random_bytes::<16>()),
            ..SignedParts::default()
        }
    }

    /// The signed headers for `parts` and `body`, plus `Content-Type` when there is a body.
    pub fn headers(&self, parts: SignedParts, body: &[u8]) -> Vec<(String, String)> {
        let mut headers = sign_headers(&self.key, parts, body);
        if !body.is_empty() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        headers
    }

    /// Signs `parts` over `body` and sends it.
    pub async fn send_parts(
        &self,
        parts: SignedParts,
        body: &[u8],
    ) -> std::io::Result<RawResponse> {
        let (method, target) = (parts.method.clone(), parts.target.clone());
        let headers = self.headers(parts, body);
        send(self.addr, &method, &target, &headers, body).await
    }

    /// POSTs `body` as compact JSON with an optional audit context.
    pub async fn post(
        &self,
        target: &str,
        body: &Value,
        context: Option<&Value>,
    ) -> std::io::Result<RawResponse> {
        let mut parts = SigningClient::parts("POST", target);
        if let Some(context) = context {
            parts.context = context.to_string();
        }
        self.send_parts(parts, body.to_string().as_bytes()).await
    }

    /// A signed GET with an empty body.
    pub async fn get(&self, target: &str) -> std::io::Result<RawResponse> {
        self.send_parts(SigningClient::parts("GET", target), b"")
            .await
    }
}
