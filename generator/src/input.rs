//! Reading input files: the raw text (hashed for the `@generated` header) and structured
//! parsing of JSON or YAML documents. Format detection lives here; YAML is read straight into
//! typed models (never through `serde_json::Value`, which would turn `version: 1.10` into 1.1).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::diagnostic::{At, Diagnostic, Location};

/// One input file, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// The SHA-256 of the file's bytes, hex, shortened to 16 digits for the header.
    pub fn short_hash(&self) -> String {
        let digest = Sha256::digest(self.text.as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// The first 12 hex digits of the SHA-256 of the file's bytes: the `spec` field of each
    /// call's audit context, so an audit row names the document version a tool came from.
    pub fn spec_hash(&self) -> String {
        self.short_hash()[..12].to_owned()
    }

    /// The text to parse: without the byte order mark some editors write first (Azure DevOps'
    /// documents start with one), which JSON parsers refuse; the hashes keep the file's bytes.
    pub fn content(&self) -> &str {
        self.text.strip_prefix('\u{FEFF}').unwrap_or(&self.text)
    }
}

/// Reads a UTF-8 file. Only a regular file: a device (`/dev/zero`), a pipe or a directory
/// named by mistake would block or never end, so it is refused before it is opened.
pub fn read(path: &Path) -> Result<Source, Diagnostic> {
    if let Ok(metadata) = std::fs::metadata(path)
        && !metadata.is_file()
    {
        return Err(Diagnostic::new(
            Location::file(path),
            format!("{} is not a regular file", path.display()),
        )
        .help("name the document or allowlist file itself (a JSON or YAML file on disk)"));
    }
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Source {
            path: path.to_owned(),
            text,
        }),
        Err(error) => Err(Diagnostic::new(
            Location::file(path),
            format!("cannot read {}: {error}", path.display()),
        )
        .help("check the path (relative paths are resolved from the current directory, or from the allowlist for `spec`)")),
    }
}

/// The two document formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

/// `.json` is JSON, `.yaml`/`.yml` YAML; otherwise a document starting with `{` is JSON.
pub fn detect_format(source: &Source) -> Format {
    let extension = source
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("json") => Format::Json,
        Some("yaml" | "yml") => Format::Yaml,
        _ if source.content().trim_start().starts_with('{') => Format::Json,
        _ => Format::Yaml,
    }
}

/// Parses a JSON or YAML document into `T`. Errors carry the JSON pointer serde reached, or the
/// line and column of a syntax error.
pub fn parse<T: DeserializeOwned>(source: &Source) -> Result<T, Diagnostic> {
    let (message, at) = match detect_format(source) {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(source.content());
            let result = serde_path_to_error::deserialize(&mut de);
            match result {
                Ok(value) => match de.end() {
                    Ok(()) => return Ok(value),
                    Err(inner) => (inner.to_string(), At::Line(inner.line(), inner.column())),
                },
                Err(error) => {
                    let pointer = pointer_of(error.path());
                    let inner = error.into_inner();
                    let at = if inner.is_syntax() || inner.is_eof() || pointer.is_empty() {
                        At::Line(inner.line(), inner.column())
                    } else {
                        At::Pointer(pointer)
                    };
                    (inner.to_string(), at)
                }
            }
        }
        Format::Yaml => {
            let de = yaml_serde::Deserializer::from_str(source.content());
            match serde_path_to_error::deserialize(de) {
                Ok(value) => return Ok(value),
                Err(error) => {
                    let pointer = pointer_of(error.path());
                    let inner = error.into_inner();
                    let at = match inner.location() {
                        Some(l) if pointer.is_empty() => At::Line(l.line(), l.column()),
                        _ if !pointer.is_empty() => At::Pointer(pointer),
                        _ => At::File,
                    };
                    (inner.to_string(), at)
                }
            }
        }
    };
    let location = Location {
        file: source.path.clone(),
        at,
    };
    Err(
        Diagnostic::new(location, format!("invalid document: {message}"))
            .help("fix the syntax so the document is valid JSON or YAML"),
    )
}

/// Parses a JSON or YAML document as a JSON value. An integer beyond 64 bits, which
/// `serde_json::Value` cannot hold (OpenAI's document bounds an integer by
/// ±9223372036854776000), is read as the nearest float instead of failing the document.
pub fn parse_value(source: &Source) -> Result<serde_json::Value, Diagnostic> {
    parse::<Lenient>(source).map(|lenient| lenient.0)
}

/// A JSON value whose 128-bit integers become floats (see [`parse_value`]).
struct Lenient(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor)
    }
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = Lenient;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Lenient, E> {
        Ok(Lenient(v.into()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Lenient, E> {
        Ok(Lenient(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Lenient, E> {
        Ok(Lenient(v.into()))
    }

    #[allow(clippy::cast_precision_loss, reason = "the nearest float is the point")]
    fn visit_i128<E>(self, v: i128) -> Result<Lenient, E> {
        Ok(Lenient((v as f64).into()))
    }

    #[allow(clippy::cast_precision_loss, reason = "the nearest float is the point")]
    fn visit_u128<E>(self, v: u128) -> Result<Lenient, E> {
        Ok(Lenient((v as f64).into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Lenient, E> {
        Ok(Lenient(
            serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into),
        ))
    }

    fn visit_str<E>(self, v: &str) -> Result<Lenient, E> {
        Ok(Lenient(v.into()))
    }

    fn visit_string<E>(self, v: String) -> Result<Lenient, E> {
        Ok(Lenient(v.into()))
    }

    fn visit_unit<E>(self) -> Result<Lenient, E> {
        Ok(Lenient(serde_json::Value::Null))
    }

    fn visit_none<E>(self) -> Result<Lenient, E> {
        Ok(Lenient(serde_json::Value::Null))
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Lenient, D::Error> {
        serde::Deserialize::deserialize(d)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient, A::Error> {
        let mut items = Vec::new();
        while let Some(Lenient(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Lenient(serde_json::Value::Array(items)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Lenient, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((key, Lenient(value))) = map.next_entry::<String, Lenient>()? {
            out.insert(key, value);
        }
        Ok(Lenient(serde_json::Value::Object(out)))
    }
}

/// A serde path (`paths./x.get.parameters[0]`) as a JSON pointer (`/paths/~1x/get/parameters/0`).
pub fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer = crate::diagnostic::child(&pointer, key);
            }
            Segment::Unknown => break,
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    fn source(name: &str, text: &str) -> Source {
        Source {
            path: PathBuf::from(name),
            text: text.to_owned(),
        }
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        paths: std::collections::BTreeMap<String, Vec<u32>>,
    }

    #[test]
    #[cfg(unix)]
    fn only_regular_files_are_read() {
        let device = read(Path::new("/dev/zero")).unwrap_err();
        assert!(device.message.contains("not a regular file"), "{device:?}");
        let directory = read(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_err();
        assert!(
            directory.message.contains("not a regular file"),
            "{directory:?}"
        );
    }

    #[test]
    fn formats_are_detected() {
        assert_eq!(detect_format(&source("a.json", "x")), Format::Json);
        assert_eq!(detect_format(&source("a.YML", "{")), Format::Yaml);
        assert_eq!(detect_format(&source("a", " {\"a\":1}")), Format::Json);
        assert_eq!(detect_format(&source("a", "a: 1")), Format::Yaml);
    }

    #[test]
    fn type_errors_point_into_the_document() {
        let yaml = source("a.yaml", "paths:\n  /x/y:\n    - 1\n    - nope\n");
        let error = parse::<Doc>(&yaml).unwrap_err();
        assert_eq!(error.location.at, At::Pointer("/paths/~1x~1y/1".to_owned()));
        let json = source("a.json", r#"{"paths": {"/x": [1, "nope"]}}"#);
        let error = parse::<Doc>(&json).unwrap_err();
        assert_eq!(error.location.at, At::Pointer("/paths/~1x/1".to_owned()));
    }

    #[test]
    fn integers_beyond_64_bits_are_read_as_floats() {
        for name in ["a.yaml", "a.json"] {
            let text = r#"{"minimum": -9223372036854776000, "maximum": 340282366920938463463374607431768211455, "n": 3}"#;
            let value = parse_value(&source(name, text)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                value["minimum"],
                serde_json::json!(-9.223_372_036_854_776e18)
            );
            assert!(value["maximum"].is_f64(), "{value}");
            assert_eq!(value["n"], serde_json::json!(3));
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_document() {
        for name in ["a.json", "a.yaml", "a"] {
            let text = "\u{FEFF}{\"paths\": {\"/x\": [1]}}";
            let doc = parse::<Doc>(&source(name, text)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(doc.paths["/x"], [1]);
        }
        let with = source("a.json", "\u{FEFF}{}");
        assert_ne!(with.short_hash(), source("a.json", "{}").short_hash());
    }

    #[test]
    fn syntax_errors_give_a_line() {
        let error = parse::<Doc>(&source("a.json", "{\n\"paths\": }")).unwrap_err();
        assert_eq!(error.location.at, At::Line(2, 10));
        // YAML messages carry the line themselves; the pointer says how far parsing got.
        let error = parse::<Doc>(&source("a.yaml", "paths:\n  a: 'unterminated\n")).unwrap_err();
        assert!(error.message.contains("at line 3 column 1"), "{error}");
        let error = parse::<Doc>(&source("a.yaml", "'unterminated\n")).unwrap_err();
        assert_eq!(error.location.at, At::Line(2, 1), "{error}");
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(source("a", "").short_hash(), "e3b0c44298fc1c14");
    }
}
