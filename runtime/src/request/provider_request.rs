//! The provider request a tool produces from its typed input: method, URL with encoded path
//! parameters, query, headers and body (with its encoding). Pure data; the [`crate::Agent`]
//! decides how it travels.
//!
//! Invariants (checked by [`ProviderRequest::validate`] before anything is sent):
//! - A parameter value never changes the URL's scheme, host, port or path structure: path
//!   values are percent-encoded, and `.`/`..` segments are refused.
//! - Header values hold no control characters (CR/LF would split the header).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::{Map, Value};

use super::encoding::{self, BodyEncoding, EncodedBody, Style};
use super::method::Method;
use super::upload::{Base64, FilePart, FileParts, check_media_type, summary};

/// Everything but unreserved characters is encoded in a path segment: like the official SDK,
/// `/` is encoded too, so a value such as `../x` or `a?b` can never change the path.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A reserved-expansion path value (`{+name}`): like [`PATH_SEGMENT`] but `/` stays, so the
/// value may span segments (`projects/p/locations/l`).
const PATH_RESERVED: &AsciiSet = &PATH_SEGMENT.remove(b'/');

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
    /// How the body goes on the wire.
    encoding: BodyEncoding,
    /// Form fields whose arrays are not sent as repeated keys.
    field_styles: Vec<(String, Style)>,
    /// File parts of a multipart body, by field name, sent after its text fields.
    files: Vec<(String, FilePart)>,
    /// A whole body that is not JSON or a form: its bytes and media type.
    raw: Option<RawBody>,
    /// The model's media type for `raw`, replacing the tool's.
    raw_type: Option<String>,
    /// A value that could not be turned into JSON or is refused (a `..` path value, a header
    /// value with CR/LF); the first one found. No builder call can panic.
    error: Option<String>,
    /// `scheme://host[:port]` of the template: the only origin this request may go to.
    origin: Option<String>,
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
            encoding: BodyEncoding::Json,
            field_styles: Vec::new(),
            files: Vec::new(),
            raw: None,
            raw_type: None,
            error: None,
            origin: origin_of(url_template),
        }
    }

    /// Replaces the `{name}` placeholder with `value`, percent-encoded as one path segment.
    pub fn path(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        let Some(text) = self.scalar_text(name, value) else {
            return self;
        };
        if text == "." || text == ".." {
            // Encoding does not help: URL parsers read `%2E%2E` as `..` too.
            self.fail(name, "`.` and `..` are not valid path values");
            return self;
        }
        let placeholder = format!("{{{name}}}");
        let encoded = utf8_percent_encode(&text, PATH_SEGMENT).to_string();
        self.url = self.url.replace(&placeholder, &encoded);
        self
    }

    /// Replaces the `{name}` placeholder of a reserved expansion (`{+name}` in Google's
    /// documents): percent-encoded like [`ProviderRequest::path`] except `/`, so the value may
    /// name a resource path (`projects/p/topics/t`). `.` and `..` segments are refused.
    pub fn path_reserved(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        let Some(text) = self.scalar_text(name, value) else {
            return self;
        };
        if text
            .split('/')
            .any(|segment| segment == "." || segment == "..")
        {
            self.fail(name, "a `.` or `..` segment would change the path");
            return self;
        }
        let placeholder = format!("{{{name}}}");
        let encoded = utf8_percent_encode(&text, PATH_RESERVED).to_string();
        self.url = self.url.replace(&placeholder, &encoded);
        self
    }

    /// Adds a query parameter (`style: form, explode: true`): arrays repeat the key, objects
    /// spread their members; `null` (an absent `Option`) adds nothing.
    pub fn query(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        self.query_style(name, value, Style::Form)
    }

    /// Adds a query parameter written in `style` (see [`Style`]).
    pub fn query_style(&mut self, name: &str, value: impl Serialize, style: Style) -> &mut Self {
        if let Some(value) = self.json_value(name, value) {
            self.query.extend(encoding::query_pairs(name, value, style));
        }
        self
    }

    /// Adds a header parameter; `null` adds nothing. A value with a control character (CR,
    /// LF, NUL...) is refused: it could end the header and start another.
    pub fn header(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        if let Some(text) = self.scalar_text(name, value) {
            if text.chars().any(|c| c.is_control() && c != '\t') {
                self.fail(
                    name,
                    "header values may not contain control characters (CR, LF, ...)",
                );
                return self;
            }
            self.headers.push((name.to_owned(), text));
        }
        self
    }

    /// Adds a query parameter whose value is JSON text (OpenAPI `content: application/json`):
    /// `{"a":1}` or, for a string, `"abc"` with its quotes; `null` adds nothing.
    pub fn query_json(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        if let Some(text) = self.json_text(name, value) {
            self.query.push((name.to_owned(), Value::String(text)));
        }
        self
    }

    /// Adds a header whose value is JSON text (see [`ProviderRequest::query_json`]).
    pub fn header_json(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        if let Some(text) = self.json_text(name, value) {
            self.headers.push((name.to_owned(), text));
        }
        self
    }

    /// Replaces the `{name}` placeholder with JSON text (see [`ProviderRequest::query_json`]),
    /// percent-encoded as one path segment like [`ProviderRequest::path`].
    pub fn path_json(&mut self, name: &str, value: impl Serialize) -> &mut Self {
        if let Some(text) = self.json_text(name, value) {
            let encoded = utf8_percent_encode(&text, PATH_SEGMENT).to_string();
            self.url = self.url.replace(&format!("{{{name}}}"), &encoded);
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

    /// Sets one field of a form body whose arrays are written in `style` rather than as
    /// repeated keys (see [`Style`]); otherwise like [`ProviderRequest::body_field`].
    pub fn body_field_style(
        &mut self,
        name: &str,
        value: impl Serialize,
        style: Style,
    ) -> &mut Self {
        self.field_styles.retain(|(n, _)| n != name);
        self.field_styles.push((name.to_owned(), style));
        self.body_field(name, value)
    }

    /// Adds the file parts of multipart field `name` (one file, an optional one, or several);
    /// a part without a file name is named `name`, one without a type is `default_type`.
    pub fn body_file(
        &mut self,
        name: &str,
        parts: impl FileParts,
        default_type: &str,
    ) -> &mut Self {
        self.encoding = BodyEncoding::Multipart;
        for mut part in parts.into_file_parts() {
            part.filename.get_or_insert_with(|| name.to_owned());
            part.content_type
                .get_or_insert_with(|| default_type.to_owned());
            self.files.push((name.to_owned(), part));
        }
        self
    }

    /// Sets the whole body to bytes of `media_type` (a binary body: `image/png`,
    /// `application/octet-stream`); `None` sends no body.
    pub fn body_bytes(&mut self, value: impl Into<Option<Base64>>, media_type: &str) -> &mut Self {
        if let Some(value) = value.into() {
            self.raw = Some(RawBody {
                content_type: media_type.to_owned(),
                bytes: value.into_bytes(),
                text: false,
            });
        }
        self
    }

    /// Sets the whole body to `text` of `media_type` (`text/plain`, `message/rfc822`, XML),
    /// sent as its UTF-8 bytes; `None` sends no body.
    pub fn body_text(&mut self, text: impl Into<Option<String>>, media_type: &str) -> &mut Self {
        if let Some(text) = text.into() {
            self.raw = Some(RawBody {
                content_type: media_type.to_owned(),
                bytes: text.into_bytes(),
                text: true,
            });
        }
        self
    }

    /// The media type the model gives for a body set with [`ProviderRequest::body_bytes`] or
    /// [`ProviderRequest::body_text`] (its `content_type` input); `None` keeps the tool's.
    pub fn content_type(&mut self, media_type: Option<String>) -> &mut Self {
        let Some(media_type) = media_type else {
            return self;
        };
        if let Err(why) = check_media_type(&media_type) {
            self.fail("content_type", &why);
            return self;
        }
        self.raw_type = Some(media_type);
        self
    }

    /// Sends the body as `encoding` (default JSON). Form and multipart bodies are objects of
    /// fields set with [`ProviderRequest::body_field`].
    pub fn encoding(&mut self, encoding: BodyEncoding) -> &mut Self {
        self.encoding = encoding;
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

    /// The HTTP method.
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

    /// Header parameters in the order the tool added them, values as sent.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body as a JSON value: the whole body, or the object of its fields whatever
    /// [`ProviderRequest::body_encoding`] it travels in.
    pub fn json_body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// How the body's fields travel (JSON, form or multipart).
    pub fn body_encoding(&self) -> BodyEncoding {
        self.encoding
    }

    /// The file parts of a multipart body, by field name.
    pub fn file_parts(&self) -> &[(String, FilePart)] {
        &self.files
    }

    /// A whole body that is not JSON or a form ([`ProviderRequest::body_bytes`],
    /// [`ProviderRequest::body_text`]): the media type it is sent as, and its bytes.
    pub fn raw_body(&self) -> Option<(&str, &[u8])> {
        let raw = self.raw.as_ref()?;
        let media_type = self.raw_type.as_deref().unwrap_or(&raw.content_type);
        Some((media_type, &raw.bytes))
    }

    /// The media type of a body Alter's proxy cannot forward (it carries JSON bodies only,
    /// protocol §4), and whether the body holds content no JSON body could carry (a raw body
    /// or files, as opposed to form fields); `None` for a JSON body or none.
    pub fn non_json_body(&self) -> Option<(String, bool)> {
        if let Some((media_type, _)) = self.raw_body() {
            return Some((media_type.to_owned(), true));
        }
        if !self.files.is_empty() {
            return Some((BodyEncoding::Multipart.media_type().to_owned(), true));
        }
        match (self.encoding, &self.body) {
            (BodyEncoding::Json, _) | (_, None) => None,
            (encoding, Some(_)) => Some((encoding.media_type().to_owned(), false)),
        }
    }

    /// The body's bytes and `Content-Type`, `None` without a body. `boundary` separates the
    /// parts of a multipart body (give a fresh random one per request).
    pub fn encode_body(&self, boundary: &str) -> Result<Option<EncodedBody>, String> {
        if let Some((media_type, bytes)) = self.raw_body() {
            return Ok(Some(EncodedBody {
                content_type: media_type.to_owned(),
                bytes: bytes.to_vec(),
            }));
        }
        let empty = Map::new();
        let body = match (&self.body, self.files.is_empty()) {
            (Some(body), _) => body,
            (None, false) => &Value::Null,
            (None, true) => return Ok(None),
        };
        let fields = match body {
            Value::Object(map) => map,
            Value::Null => &empty,
            _ if self.encoding == BodyEncoding::Json => &empty,
            _ => return Err("a form body must be an object of fields".to_owned()),
        };
        let (content_type, bytes) = match self.encoding {
            BodyEncoding::Json => (
                BodyEncoding::Json.media_type().to_owned(),
                serde_json::to_vec(body).map_err(|e| format!("the body is not JSON: {e}"))?,
            ),
            BodyEncoding::Form => (
                BodyEncoding::Form.media_type().to_owned(),
                encoding::urlencode(&encoding::form_pairs(fields, &self.field_styles)).into_bytes(),
            ),
            BodyEncoding::Multipart => (
                format!("multipart/form-data; boundary={boundary}"),
                encoding::multipart(fields, &self.files, boundary)?,
            ),
        };
        Ok(Some(EncodedBody {
            content_type,
            bytes,
        }))
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
        self.check_destination()
    }

    /// The final URL goes to the template's origin, with no dot segment and no fragment.
    fn check_destination(&self) -> Result<(), String> {
        let origin = origin_of(&self.url);
        if origin.is_none() || origin != self.origin {
            return Err(format!(
                "the request URL must stay on {}; refusing to send it elsewhere",
                self.origin.as_deref().unwrap_or("the tool's fixed host")
            ));
        }
        let path = self.url.split(['?', '#']).next().unwrap_or("");
        let after_authority = path.splitn(4, '/').nth(3).unwrap_or("");
        let dot = after_authority.split('/').any(|segment| {
            let lower = segment.to_ascii_lowercase().replace("%2e", ".");
            lower == "." || lower == ".."
        });
        if dot || self.url.contains('#') {
            return Err("the request URL must not contain `.`/`..` segments or a `#`".to_owned());
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

    /// The value as compact JSON text; `None` for `null` (not sent).
    fn json_text(&mut self, name: &str, value: impl Serialize) -> Option<String> {
        match self.json_value(name, value)? {
            Value::Null => None,
            value => Some(value.to_string()),
        }
    }

    /// Path and header values are single texts (OpenAPI `style: simple`): arrays are joined
    /// with commas, objects as `key,value,key,value`.
    fn scalar_text(&mut self, name: &str, value: impl Serialize) -> Option<String> {
        let value = self.json_value(name, value)?;
        encoding::simple_text(value)
    }

    fn fail(&mut self, name: &str, why: &str) {
        if self.error.is_none() {
            self.error = Some(format!("`{name}`: {why}"));
        }
    }
}

/// A whole body that is not JSON or a form fields' object.
#[derive(Clone, PartialEq)]
struct RawBody {
    content_type: String,
    bytes: Vec<u8>,
    /// Set from text (shown as text in `Debug`).
    text: bool,
}

impl std::fmt::Debug for RawBody {
    /// The size and a digest, not the bytes (a request is logged and fingerprinted).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.text { "text" } else { "bytes" };
        write!(f, "{kind} {} ({})", self.content_type, summary(&self.bytes))
    }
}

/// `scheme://host[:port]` of an absolute http(s) URL whose host is fixed (no `{placeholder}`
/// before the path); `None` otherwise.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains(['{', '}', '@']) || authority.is_empty() {
        return None;
    }
    let parsed = reqwest::Url::parse(&format!("{scheme}://{authority}/")).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.origin().ascii_serialization())
}

#[cfg(test)]
mod tests;
