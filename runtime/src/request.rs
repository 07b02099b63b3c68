//! The provider request a tool produces from its typed input: method, URL with encoded path
//! parameters, query, headers and body. Pure data; the [`crate::Agent`] decides how it travels.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::{Map, Value};

/// The HTTP methods an OpenAPI operation can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// The upper-case name, as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// Safe methods change nothing on the provider's side (RFC 9110 §9.2.1).
    pub fn is_safe(self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Options | Method::Trace
        )
    }

    /// Idempotent methods may be repeated with the same effect (RFC 9110 §9.2.2).
    pub fn is_idempotent(self) -> bool {
        self.is_safe() || matches!(self, Method::Put | Method::Delete)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything but unreserved characters is encoded in a path segment: like the official SDK,
/// `/` is encoded too, so a value such as `../x` or `a?b` can never change the path.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One request to a provider, built by a generated tool from its validated input.
///
/// Builder methods take any `Serialize` value; `None` (JSON `null`) means "not sent".
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRequest {
    method: Method,
    url: String,
    query: Vec<(String, Value)>,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    /// A value that could not be turned into JSON. Generated types always serialize, so this
    /// stays `None` in practice; it exists so that no builder call can panic.
    error: Option<String>,
}

impl ProviderRequest {
    /// Starts a request to `url_template`, an absolute URL whose path may hold `{name}`
    /// placeholders that [`ProviderRequest::path`] fills.
    pub fn new(method: Method, url_template: &str) -> Self {
        ProviderRequest {
            method,
            url: url_template.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            error: None,
        }
    }

    /// Replaces the `{name}` placeholder with `value`, percent-encoded as one path segment.
    pub fn path(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        let Some(text) = self.scalar_text(name, value) else {
            return self;
        };
        let placeholder = format!("{{{name}}}");
        let encoded = utf8_percent_encode(&text, PATH_SEGMENT).to_string();
        self.url = self.url.replace(&placeholder, &encoded);
        self
    }

    /// Adds a query parameter. Arrays repeat the key (`style: form, explode: true`); `null`
    /// (an absent `Option`) adds nothing.
    pub fn query(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        if let Some(value) = self.json_value(name, value)
            && !value.is_null()
        {
            self.query.push((name.to_owned(), value));
        }
        self
    }

    /// Adds a header parameter; `null` adds nothing.
    pub fn header(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        if let Some(text) = self.scalar_text(name, value) {
            self.headers.push((name.to_owned(), text));
        }
        self
    }

    /// Sets one field of a JSON object body; `null` (an absent `Option`) leaves it out.
    pub fn body_field(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        let Some(value) = self.json_value(name, value) else {
            return self;
        };
        if value.is_null() {
            return self;
        }
        match self.body.get_or_insert_with(|| Value::Object(Map::new())) {
            Value::Object(map) => {
                map.insert(name.to_owned(), value);
            }
            _ => self.fail(name, "the body is not a JSON object"),
        }
        self
    }

    /// Sets the whole JSON body.
    pub fn body(&mut self, value: impl Serialize) -> &mut Self {
        if let Some(value) = self.json_value("body", value)
            && !value.is_null()
        {
            self.body = Some(value);
        }
        self
    }

    pub fn method(&self) -> Method {
        self.method
    }

    /// The URL with path parameters filled in and no query string.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Query parameters in the order the tool added them, values as JSON.
    pub fn query_params(&self) -> &[(String, Value)] {
        &self.query
    }

    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    pub fn json_body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// Checks that the request is complete: every value serialized and every `{placeholder}`
    /// filled. The agent calls this before anything is sent.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        if let Some(start) = self.url.find('{') {
            let rest = &self.url[start..];
            let end = rest.find('}').map_or(rest.len(), |i| i + 1);
            return Err(format!("path parameter {} was not filled in", &rest[..end]));
        }
        Ok(())
    }

    fn json_value(&mut self, name: &str, value: impl Serialize) -> Option<Value> {
        match serde_json::to_value(value) {
            Ok(value) => Some(value),
            Err(error) => {
                self.fail(name, &error.to_string());
                None
            }
        }
    }

    /// Path and header values are single scalars; arrays are joined with commas
    /// (OpenAPI `style: simple`).
    fn scalar_text(&mut self, name: &str, value: impl Serialize) -> Option<String> {
        match self.json_value(name, value)? {
            Value::Null => None,
            Value::String(s) => Some(s),
            Value::Array(items) => Some(
                items
                    .iter()
                    .map(scalar_to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            other => Some(scalar_to_string(&other)),
        }
    }

    fn fail(&mut self, name: &str, why: &str) {
        if self.error.is_none() {
            self.error = Some(format!("`{name}`: {why}"));
        }
    }
}

/// The text form of a JSON scalar as it goes in a URL: strings unquoted, booleans lower-case.
pub fn scalar_to_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_values_cannot_change_the_path() {
        let mut r = ProviderRequest::new(Method::Get, "https://h/c/{id}/events");
        r.path("id", "../x?y#z/ä");
        assert_eq!(r.url(), "https://h/c/..%2Fx%3Fy%23z%2F%C3%A4/events");
        assert!(r.validate().is_ok());
    }

    #[test]
    fn none_values_are_not_sent_and_arrays_repeat() {
        let mut r = ProviderRequest::new(Method::Post, "https://h/x");
        r.query("a", None::<i32>)
            .query("b", vec!["x", "y"])
            .query("c", 10)
            .body_field("d", None::<String>)
            .body_field("e", true);
        assert_eq!(r.query_params().len(), 2);
        assert_eq!(r.json_body(), Some(&serde_json::json!({"e": true})));
    }

    #[test]
    fn unfilled_placeholder_is_an_error() {
        let r = ProviderRequest::new(Method::Get, "https://h/c/{calendarId}/events");
        assert_eq!(
            r.validate().unwrap_err(),
            "path parameter {calendarId} was not filled in"
        );
    }
}
