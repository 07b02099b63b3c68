//! Bytes a model sends: MCP arguments are JSON text, so a file or a binary body arrives as
//! base64 (the tool's schema says `contentEncoding: base64`). [`Base64`] decodes it while the
//! arguments are read, so text that is not base64 is an argument error naming the field, and
//! nothing is sent. [`FilePart`] is one file of a multipart body.
//!
//! `Debug` shows a value's size and a digest, never its bytes: requests are logged and
//! compared (`mcp/approval.rs` fingerprints them), and a file can be megabytes.

use std::fmt;

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig, general_purpose};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Padding optional: models drop it as often as they keep it.
const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Bytes given as base64 text: the standard or the URL-safe alphabet, padding optional, line
/// breaks and other ASCII whitespace ignored.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Base64(Vec<u8>);

impl Base64 {
    /// Wraps bytes that are already decoded.
    pub fn new(bytes: Vec<u8>) -> Self {
        Base64(bytes)
    }

    /// Decodes base64 text; the error says what is wrong.
    pub fn decode(text: &str) -> Result<Self, String> {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if compact.starts_with("data:") {
            return Err(
                "not valid base64: give the bytes' base64 alone, not a `data:` URL".to_owned(),
            );
        }
        let engine = match compact.contains(['-', '_']) {
            true => URL_SAFE,
            false => STANDARD,
        };
        engine
            .decode(compact.as_bytes())
            .map(Base64)
            .map_err(|e| format!("not valid base64 ({e})"))
    }

    /// The decoded bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The decoded bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({})", summary(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Base64::decode(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&general_purpose::STANDARD.encode(&self.0))
    }
}

/// One file of a multipart body, as the model gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FilePart {
    /// The file's bytes.
    pub content: Base64,
    /// The part's file name; the field's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// The part's media type; the field's default (the document's, else
    /// `application/octet-stream`) when absent.
    #[serde(
        default,
        deserialize_with = "media_type",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file with `content` and neither a filename nor a media type.
    pub fn new(content: Vec<u8>) -> Self {
        FilePart {
            content: Base64(content),
            filename: None,
            content_type: None,
        }
    }
}

/// What a generated multipart file field holds: one file, an optional one, or several.
pub trait FileParts {
    /// The files to send, in order; none for an absent optional file.
    fn into_file_parts(self) -> Vec<FilePart>;
}

impl FileParts for FilePart {
    fn into_file_parts(self) -> Vec<FilePart> {
        vec![self]
    }
}

impl FileParts for Option<FilePart> {
    fn into_file_parts(self) -> Vec<FilePart> {
        self.into_iter().collect()
    }
}

impl FileParts for Vec<FilePart> {
    fn into_file_parts(self) -> Vec<FilePart> {
        self
    }
}

impl FileParts for Option<Vec<FilePart>> {
    fn into_file_parts(self) -> Vec<FilePart> {
        self.unwrap_or_default()
    }
}

/// `type/subtype` with optional parameters, no range (`image/*`), nothing that could end a
/// header: what may go in a `Content-Type`.
pub fn check_media_type(text: &str) -> Result<(), String> {
    let essence = text.split(';').next().unwrap_or("").trim();
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'+-.^_`|~".contains(&b))
    };
    let valid = essence
        .split_once('/')
        .is_some_and(|(kind, sub)| token(kind) && token(sub))
        && !text.chars().any(|c| c.is_control());
    match valid {
        true => Ok(()),
        false => Err(format!(
            "{text:?} is not a media type (give one such as `image/png` or `text/plain`)"
        )),
    }
}

fn media_type<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    if let Some(text) = &text {
        check_media_type(text).map_err(serde::de::Error::custom)?;
    }
    Ok(text)
}

/// `N bytes, sha256 abcdef012345`: what identifies bytes without showing them.
pub(crate) fn summary(bytes: &[u8]) -> String {
    format!("{} bytes, sha256 {}", bytes.len(), &sha256_hex(bytes)[..12])
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    digest(&SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_in_either_alphabet_with_or_without_padding() {
        let bytes = vec![0xfb, 0xff, 0x00, 0x41];
        for text in ["+/8AQQ==", "+/8AQQ", "-_8AQQ", "+/8A\nQQ==\n"] {
            assert_eq!(
                Base64::decode(text).map(Base64::into_bytes),
                Ok(bytes.clone()),
                "{text}"
            );
        }
        assert_eq!(Base64::decode("").map(Base64::into_bytes), Ok(Vec::new()));
        for bad in ["abc$", "a", "data:image/png;base64,AAAA"] {
            let error = Base64::decode(bad).unwrap_err();
            assert!(error.starts_with("not valid base64"), "{bad}: {error}");
        }
        let round = serde_json::to_string(&Base64::new(bytes)).unwrap();
        assert_eq!(round, r#""+/8AQQ==""#);
    }

    #[test]
    fn debug_shows_size_and_digest_not_bytes() {
        let shown = format!("{:?}", Base64::new(b"secret file".to_vec()));
        assert!(shown.starts_with("Base64(11 bytes, sha256 "), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn file_parts_are_checked_when_read() {
        let part: FilePart = serde_json::from_value(serde_json::json!({
            "content": "aGk=", "filename": "a.txt", "content_type": "text/plain; charset=utf-8"
        }))
        .unwrap();
        assert_eq!(part.content.bytes(), b"hi");
        for bad in [
            serde_json::json!({"content": "aGk=", "content_type": "image/*"}),
            serde_json::json!({"content": "aGk=", "content_type": "text/plain\r\nX: 1"}),
            serde_json::json!({"content": "aGk=", "size": 2}),
            serde_json::json!({"filename": "a"}),
        ] {
            assert!(
                serde_json::from_value::<FilePart>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
