//! Body shape checks for the `/sdk/*` endpoints, answered like FastAPI/pydantic would: 422
//! with `{"detail": [{"type", "loc", "msg"}]}`. Strict on purpose (unknown keys are refused), so
//! a client that sends a misspelt or misplaced field fails its test.

use serde_json::{Map, Value, json};

use crate::endpoints::Answer;
use crate::providers::ProviderUrl;
use crate::util::is_canonical_uuid;

/// FastAPI's request validation answer: 422 with a list of problems.
pub(crate) fn invalid(field: &str, kind: &str, message: &str) -> Answer {
    let loc: Vec<&str> = std::iter::once("body")
        .chain(field.split('.').filter(|s| !s.is_empty()))
        .collect();
    Answer::json(
        422,
        &json!({"detail": [{"type": kind, "loc": loc, "msg": message}]}),
    )
}

pub(crate) fn with_object(
    json: Option<&Value>,
    f: impl FnOnce(&Map<String, Value>) -> Answer,
) -> Answer {
    match json {
        Some(Value::Object(body)) => f(body),
        Some(_) => invalid(
            "",
            "model_attributes_type",
            "Input should be a valid dictionary",
        ),
        None => invalid("", "missing", "Field required"),
    }
}

/// Refuses keys outside `allowed` (pydantic `extra="forbid"`), so a client typo is caught.
fn only_keys(body: &Map<String, Value>, allowed: &[&str]) -> Result<(), Answer> {
    match body.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(invalid(
            key,
            "extra_forbidden",
            "Extra inputs are not permitted",
        )),
        None => Ok(()),
    }
}

/// An optional string field: absent or null is `None`, any other non-string is a 422.
pub(crate) fn opt_str<'b>(
    body: &'b Map<String, Value>,
    field: &str,
) -> Result<Option<&'b str>, Answer> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(invalid(
            field,
            "string_type",
            "Input should be a valid string",
        )),
    }
}

fn req_str<'b>(body: &'b Map<String, Value>, field: &str) -> Result<&'b str, Answer> {
    opt_str(body, field)?.ok_or_else(|| invalid(field, "missing", "Field required"))
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Reserved provider headers the SDK refuses to forward (§4); the backend injects credentials.
const RESERVED_HEADERS: &[&str] = &[
    "host",
    "authorization",
    "proxy-authorization",
    "authentication",
    "cookie",
    "set-cookie",
    "x-api-key",
    "x-auth-token",
    "x-amz-security-token",
    "x-amz-date",
    "x-amz-content-sha256",
    "x-goog-authorization",
    "x-goog-iam-authorization-token",
    "x-stripe-account",
    "x-shopify-access-token",
    "x-http-method",
    "x-http-method-override",
    "x-method-override",
];

pub(crate) fn method_field(body: &Map<String, Value>, field: &str) -> Result<String, Answer> {
    let method = req_str(body, field)?;
    if METHODS.contains(&method) {
        Ok(method.to_owned())
    } else {
        Err(invalid(
            field,
            "enum",
            "Input should be an upper-case HTTP method",
        ))
    }
}

pub(crate) fn url_field(body: &Map<String, Value>, field: &str) -> Result<ProviderUrl, Answer> {
    ProviderUrl::parse(req_str(body, field)?).ok_or_else(|| {
        invalid(
            field,
            "url_parsing",
            "Input should be an absolute http(s) URL",
        )
    })
}

pub(crate) fn check_proxy_body(body: &Map<String, Value>) -> Result<(), Answer> {
    only_keys(
        body,
        &[
            "method",
            "url",
            "grant_id",
            "provider_id",
            "account",
            "label",
            "user_token",
            "app_user_id",
            "body",
            "headers",
            "query_params",
            "reason",
        ],
    )?;
    for field in ["account", "label", "user_token", "app_user_id", "reason"] {
        opt_str(body, field)?;
    }
    match body.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(headers)) => {
            for (name, value) in headers {
                if !value.is_string() {
                    return Err(invalid(
                        &format!("headers.{name}"),
                        "string_type",
                        "Input should be a valid string",
                    ));
                }
                if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                    return Err(invalid(
                        &format!("headers.{name}"),
                        "value_error",
                        "Reserved header",
                    ));
                }
            }
        }
        Some(_) => {
            return Err(invalid(
                "headers",
                "dict_type",
                "Input should be a valid dictionary",
            ));
        }
    }
    match body.get("query_params") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(params)) => {
            let scalar = |v: &Value| !v.is_object() && !v.is_array();
            match params
                .iter()
                .find(|(_, v)| !(scalar(v) || v.as_array().is_some_and(|a| a.iter().all(scalar))))
            {
                Some((name, _)) => Err(invalid(
                    &format!("query_params.{name}"),
                    "value_error",
                    "Query values are scalars or lists of scalars",
                )),
                None => Ok(()),
            }
        }
        Some(_) => Err(invalid(
            "query_params",
            "dict_type",
            "Input should be a valid dictionary",
        )),
    }
}

/// `/sdk/token`: keys, the always-present `reason`, and `request: {method, url}`; returns the
/// provider URL.
pub(crate) fn check_token_body(body: &Map<String, Value>) -> Result<ProviderUrl, Answer> {
    only_keys(
        body,
        &[
            "provider_id",
            "grant_id",
            "reason",
            "request",
            "user_token",
            "app_user_id",
            "account",
            "label",
        ],
    )?;
    if !body.contains_key("reason") {
        return Err(invalid("reason", "missing", "Field required"));
    }
    for field in ["reason", "user_token", "app_user_id", "account", "label"] {
        opt_str(body, field)?;
    }
    let request = match body.get("request") {
        Some(Value::Object(request)) => request,
        Some(_) => {
            return Err(invalid(
                "request",
                "model_attributes_type",
                "Input should be a valid dictionary",
            ));
        }
        None => return Err(invalid("request", "missing", "Field required")),
    };
    only_keys(request, &["method", "url"]).map_err(|_| {
        invalid(
            "request",
            "extra_forbidden",
            "Extra inputs are not permitted",
        )
    })?;
    method_field(request, "method").map_err(|_| {
        invalid(
            "request.method",
            "enum",
            "Input should be an upper-case HTTP method",
        )
    })?;
    let url = url_field(request, "url").map_err(|_| {
        invalid(
            "request.url",
            "url_parsing",
            "Input should be an absolute http(s) URL",
        )
    })?;
    Ok(url)
}

/// `/sdk/oauth/audit/api-call`: the row's fields and their types (§3 step 3).
pub(crate) fn check_audit_body(body: &Map<String, Value>) -> Result<(), Answer> {
    only_keys(
        body,
        &[
            "grant_id",
            "provider_id",
            "token_generation",
            "method",
            "url",
            "request_headers",
            "request_body",
            "response_status",
            "response_headers",
            "response_body",
            "latency_ms",
            "reason",
            "context",
        ],
    )?;
    for field in ["grant_id", "provider_id", "method", "url"] {
        req_str(body, field)?;
    }
    for field in ["grant_id", "token_generation"] {
        if opt_str(body, field)?.is_some_and(|id| !is_canonical_uuid(id)) {
            return Err(invalid(
                field,
                "uuid_parsing",
                "Input should be a valid UUID",
            ));
        }
    }
    for field in ["response_status", "latency_ms"] {
        if body.get(field).and_then(Value::as_u64).is_none() {
            return Err(invalid(
                field,
                "int_type",
                "Input should be a non-negative integer",
            ));
        }
    }
    for field in ["request_headers", "response_headers", "context"] {
        if !matches!(body.get(field), None | Some(Value::Null | Value::Object(_))) {
            return Err(invalid(
                field,
                "dict_type",
                "Input should be a valid dictionary",
            ));
        }
    }
    for field in ["response_body", "reason"] {
        opt_str(body, field)?;
    }
    Ok(())
}
