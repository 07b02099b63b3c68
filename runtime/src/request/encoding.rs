//! How values become URL and body text: OpenAPI query styles (`form`, `spaceDelimited`,
//! `pipeDelimited`, `deepObject`), `application/x-www-form-urlencoded` bodies and
//! `multipart/form-data` bodies (text parts, then file parts). Pure functions;
//! [`crate::ProviderRequest`] calls them.
//!
//! The multipart encoder is written by hand (reqwest's streaming `Form` hides the bytes) so the
//! exact body can be hashed, audited and tested.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use super::upload::FilePart;

/// How a query parameter or form field holding an array or object is written (OpenAPI
/// `style` with `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Style {
    /// `style: form, explode: true` (the default): an array repeats the key (`a=1&a=2`); an
    /// object spreads its members as parameters (`x=1&y=2`).
    #[default]
    Form,
    /// `style: form, explode: false`: `a=1,2`; an object `a=x,1,y,2`.
    FormJoined,
    /// `style: spaceDelimited`: `a=1%202`.
    SpaceDelimited,
    /// `style: pipeDelimited`: `a=1|2`.
    PipeDelimited,
    /// `style: deepObject`: `a[x]=1&a[y]=2`, nesting the brackets (`a[x][z]=1`). OpenAPI
    /// defines it for objects only; arrays follow the bracket convention of the APIs that use
    /// it (Stripe, Rails): `a[0]=x&a[1]=y`, `a[x][0]=z`; a scalar is `a=1`.
    DeepObject,
}

impl Style {
    fn delimiter(self) -> Option<&'static str> {
        match self {
            Style::FormJoined => Some(","),
            Style::SpaceDelimited => Some(" "),
            Style::PipeDelimited => Some("|"),
            Style::Form | Style::DeepObject => None,
        }
    }
}

/// How the request body goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BodyEncoding {
    /// `application/json` (the default).
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`: the body object's fields as `name=value` pairs.
    Form,
    /// `multipart/form-data`: the body object's fields as text parts, then the file parts
    /// ([`crate::ProviderRequest::body_file`]).
    Multipart,
}

impl BodyEncoding {
    /// The media type, without parameters.
    pub fn media_type(self) -> &'static str {
        match self {
            BodyEncoding::Json => "application/json",
            BodyEncoding::Form => "application/x-www-form-urlencoded",
            BodyEncoding::Multipart => "multipart/form-data",
        }
    }
}

/// A body ready to send: its `Content-Type` and exact bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedBody {
    /// The `Content-Type` header value, multipart boundary included.
    pub content_type: String,
    /// The body exactly as sent.
    pub bytes: Vec<u8>,
}

/// A query value as `(name, value)` pairs: a scalar, or an array meaning "repeat the key".
/// `null` gives nothing.
pub(crate) fn query_pairs(name: &str, value: Value, style: Style) -> Vec<(String, Value)> {
    if style == Style::DeepObject {
        let mut out = Vec::new();
        deep_pairs(name, value, &mut out);
        return out;
    }
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => match style.delimiter() {
            Some(delimiter) => vec![(name.to_owned(), Value::String(joined(&items, delimiter)))],
            None => vec![(name.to_owned(), Value::Array(items))],
        },
        Value::Object(map) => match style.delimiter() {
            Some(delimiter) => {
                let flat: Vec<Value> = map
                    .into_iter()
                    .flat_map(|(k, v)| [Value::String(k), v])
                    .collect();
                vec![(name.to_owned(), Value::String(joined(&flat, delimiter)))]
            }
            None => map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        },
        scalar => vec![(name.to_owned(), scalar)],
    }
}

/// A path or header value (`style: simple`): arrays comma-joined, objects as
/// `key,value,key,value`; `null` is no value.
pub(crate) fn simple_text(value: Value) -> Option<String> {
    let (_, text) = query_pairs("", value, Style::FormJoined)
        .into_iter()
        .next()?;
    Some(text_of(&text))
}

/// `name[key]` and `name[index]` pairs of a `deepObject`, nesting the brackets; `null` members
/// are left out.
fn deep_pairs(name: &str, value: Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, value) in map {
                deep_pairs(&format!("{name}[{key}]"), value, out);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.into_iter().enumerate() {
                deep_pairs(&format!("{name}[{index}]"), value, out);
            }
        }
        scalar => out.push((name.to_owned(), scalar)),
    }
}

/// Items joined by `delimiter`; an object or array item as its JSON text.
fn joined(items: &[Value], delimiter: &str) -> String {
    items
        .iter()
        .map(text_of)
        .collect::<Vec<_>>()
        .join(delimiter)
}

/// A scalar as URL text, anything else as compact JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) => value.to_string(),
        scalar => scalar_to_string(scalar),
    }
}

/// Whether a value is (or holds) a JSON object, which form fields send as JSON text.
fn has_object(value: &Value) -> bool {
    match value {
        Value::Object(_) => true,
        Value::Array(items) => items.iter().any(has_object),
        _ => false,
    }
}

/// The `name=value` pairs of a form body. Scalars as text; arrays of scalars per `style`
/// (repeated keys by default); `deepObject` objects as `name[key]`; any other object, or an
/// array holding objects, as its JSON text.
pub(crate) fn form_pairs(
    fields: &Map<String, Value>,
    styles: &[(String, Style)],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, value) in fields {
        let style = styles
            .iter()
            .find(|(n, _)| n == name)
            .map_or(Style::Form, |(_, s)| *s);
        let pairs = match value {
            _ if style == Style::DeepObject => query_pairs(name, value.clone(), style),
            v if has_object(v) => vec![(name.clone(), Value::String(v.to_string()))],
            v => query_pairs(name, v.clone(), style),
        };
        for (key, value) in pairs {
            match value {
                Value::Array(items) => {
                    out.extend(items.iter().map(|item| (key.clone(), text_of(item))));
                }
                other => out.push((key, text_of(&other))),
            }
        }
    }
    out
}

/// `application/x-www-form-urlencoded` bytes (the WHATWG serializer: space as `+`).
pub(crate) fn urlencode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", form_escape(k), form_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Everything but `*-._`, letters and digits is percent-encoded; spaces become `+`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b' ');

fn form_escape(text: &str) -> String {
    utf8_percent_encode(text, FORM)
        .to_string()
        .replace(' ', "+")
}

/// A `multipart/form-data` body: text parts (one per scalar, one per item of an array of
/// scalars, and one `application/json` part per object or array holding objects), then one
/// part per file with its file name and media type, its bytes as they are.
pub(crate) fn multipart(
    fields: &Map<String, Value>,
    files: &[(String, FilePart)],
    boundary: &str,
) -> Result<Vec<u8>, String> {
    let mut out = String::new();
    for (name, value) in fields {
        let parts: Vec<(String, bool)> = match value {
            Value::Null => Vec::new(),
            v if has_object(v) => vec![(v.to_string(), true)],
            Value::Array(items) => items.iter().map(|i| (text_of(i), false)).collect(),
            scalar => vec![(scalar_to_string(scalar), false)],
        };
        for (text, json) in parts {
            if text.contains(boundary) {
                return Err(format!(
                    "`{name}`: the value contains the multipart boundary"
                ));
            }
            out.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n",
                part_name(name)
            ));
            if json {
                out.push_str("Content-Type: application/json\r\n");
            }
            out.push_str("\r\n");
            out.push_str(&text);
            out.push_str("\r\n");
        }
    }
    let mut out = out.into_bytes();
    for (name, file) in files {
        let bytes = file.content.bytes();
        if contains(bytes, boundary.as_bytes()) {
            return Err(format!(
                "`{name}`: the file contains the multipart boundary"
            ));
        }
        let filename = file.filename.as_deref().unwrap_or(name);
        let content_type = file
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n\
             Content-Type: {content_type}\r\n\r\n",
            part_name(name),
            part_name(filename)
        );
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(out)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A field or file name inside a quoted `name="..."` (the HTML spec's escapes).
fn part_name(name: &str) -> String {
    name.replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace('"', "%22")
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
mod tests;
