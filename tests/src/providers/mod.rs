//! Canned provider answers: what Google Calendar and Slack would answer to a proxied request,
//! chosen by method and URL. Realistic enough that tools see real response shapes.

pub(crate) mod google;
mod slack;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

/// The providers this backend holds grants for, and the one host each may reach.
pub const PROVIDERS: &[(&str, &str)] = &[("google", "www.googleapis.com"), ("slack", "slack.com")];

/// The host a provider's grant may call, when the provider is known.
pub fn allowed_host(provider: &str) -> Option<&'static str> {
    PROVIDERS
        .iter()
        .find(|(id, _)| *id == provider)
        .map(|(_, host)| *host)
}

/// A provider's HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ProviderAnswer {
    /// A JSON answer.
    pub fn json(status: u16, body: &Value) -> ProviderAnswer {
        ProviderAnswer {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=UTF-8".into(),
            )],
            body: body.to_string().into_bytes(),
        }
    }

    /// An empty answer (`204 No Content`).
    pub fn empty(status: u16) -> ProviderAnswer {
        ProviderAnswer {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// [`ProviderAnswer::approval_result`] as the bytes Alter sends: fields in the SDK model's
    /// order (`status_code`, `headers`, `body_b64`, ...), as Pydantic writes them. Clients that
    /// salvage a cut envelope rely on status and headers coming before the body.
    pub fn approval_result_bytes(&self) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct Wire<'a> {
            status_code: u16,
            headers: Map<String, Value>,
            body_b64: String,
            body_truncated: bool,
            duration_ms: u64,
            credential_hint: Option<&'a str>,
        }
        let wire = Wire {
            status_code: self.status,
            headers: self
                .headers
                .iter()
                .map(|(name, value)| (name.clone(), Value::String(value.clone())))
                .collect(),
            body_b64: STANDARD.encode(&self.body),
            body_truncated: false,
            duration_ms: 87,
            credential_hint: None,
        };
        serde_json::to_vec(&wire).unwrap_or_default()
    }

    /// The `ApprovalResult` object `/sdk/proxy` (and `/result`) answers with (§4).
    pub fn approval_result(&self, approval_id: Option<&str>) -> Value {
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect();
        let mut result = json!({
            "status_code": self.status,
            "headers": headers,
            "body_b64": STANDARD.encode(&self.body),
            "body_truncated": false,
            "duration_ms": 87,
            "credential_hint": null,
        });
        if let Some(id) = approval_id {
            result["approval_id"] = json!(id);
        }
        result
    }
}

/// An absolute provider URL split into what routing needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderUrl {
    pub scheme: String,
    pub host: String,
    /// Decoded path segments (`["calendar", "v3", "calendars", "primary", "events"]`).
    pub segments: Vec<String>,
    /// The query pairs written in the URL itself.
    pub query: Vec<(String, String)>,
}

impl ProviderUrl {
    /// Parses `scheme://host/path?query`; `None` when it is not an absolute http(s) URL.
    pub fn parse(url: &str) -> Option<ProviderUrl> {
        let (scheme, rest) = url.split_once("://")?;
        if scheme != "https" && scheme != "http" {
            return None;
        }
        let rest = rest.split('#').next().unwrap_or(rest);
        let (authority, path_and_query) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, "/"),
        };
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (n, v) = p.split_once('=').unwrap_or((p, ""));
                let decode = |t: &str| {
                    percent_decode_str(&t.replace('+', " "))
                        .decode_utf8_lossy()
                        .into_owned()
                };
                (decode(n), decode(v))
            })
            .collect();
        Some(ProviderUrl {
            scheme: scheme.to_owned(),
            host: authority.to_ascii_lowercase(),
            segments,
            query,
        })
    }
}

/// The arguments of one provider call: query (URL query, then `query_params` overriding it)
/// and the JSON body.
#[derive(Debug, Clone, Default)]
pub struct Call {
    pub method: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Call {
    /// The first query value named `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A Slack-style argument: from the JSON body first, then the query; scalars as text.
    pub fn arg(&self, name: &str) -> Option<String> {
        let from_body = self
            .body
            .as_ref()
            .and_then(|b| b.get(name))
            .and_then(|v| match v {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            });
        from_body
            .or_else(|| self.query(name).map(str::to_owned))
            .filter(|v| !v.is_empty())
    }
}

/// Builds the call from the proxy request's URL and its `query_params` object.
pub fn call_from(
    method: &str,
    url: &ProviderUrl,
    params: Option<&Value>,
    body: Option<&Value>,
) -> Call {
    let mut query = url.query.clone();
    if let Some(Value::Object(params)) = params {
        for (name, value) in params {
            query.retain(|(n, _)| n != name);
            let values = match value {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            for value in values {
                let text = match value {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                query.push((name.clone(), text));
            }
        }
    }
    Call {
        method: method.to_ascii_uppercase(),
        query,
        body: body.cloned(),
    }
}

/// The provider's answer to `call` at `url`. Unknown URLs get the provider's own 404.
pub fn answer(url: &ProviderUrl, call: &Call) -> ProviderAnswer {
    match url.host.as_str() {
        "www.googleapis.com" => google::answer(&url.segments, call),
        "slack.com" => slack::answer(&url.segments, call),
        _ => ProviderAnswer::json(404, &json!({"error": "not_found"})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_provider_urls() {
        let url = ProviderUrl::parse(
            "https://www.googleapis.com/calendar/v3/calendars/a%40b.c/events?q=x+y",
        )
        .unwrap();
        assert_eq!(url.host, "www.googleapis.com");
        assert_eq!(
            url.segments,
            ["calendar", "v3", "calendars", "a@b.c", "events"]
        );
        assert_eq!(url.query, [("q".to_owned(), "x y".to_owned())]);
        assert!(ProviderUrl::parse("ftp://x/y").is_none());
        assert!(ProviderUrl::parse("https://user@x/y").is_none());
    }

    #[test]
    fn query_params_override_the_url_query_and_arrays_repeat() {
        let url = ProviderUrl::parse("https://h/p?a=1&b=2").unwrap();
        let params = json!({"a": 3, "c": ["x", "y"], "d": true});
        let call = call_from("get", &url, Some(&params), None);
        assert_eq!(call.method, "GET");
        let pairs: Vec<String> = call.query.iter().map(|(n, v)| format!("{n}={v}")).collect();
        assert_eq!(pairs, ["b=2", "a=3", "c=x", "c=y", "d=true"]);
    }

    #[test]
    fn approval_result_encodes_the_body() {
        let result = ProviderAnswer::json(200, &json!({"ok": true})).approval_result(None);
        assert_eq!(result["body_b64"], "eyJvayI6dHJ1ZX0=");
        assert_eq!(result["status_code"], 200);
        assert!(result.get("approval_id").is_none());
        assert_eq!(
            ProviderAnswer::empty(204).approval_result(None)["body_b64"],
            ""
        );
    }
}
