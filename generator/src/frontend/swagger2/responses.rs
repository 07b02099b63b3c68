//! Swagger 2.0 responses: `schema` → `content` under the JSON type `produces` names (else
//! `application/json`), `headers` get a `schema`, `examples` become each media type's example.

use serde_json::{Map, Value, json};

use super::{Swagger, extensions, params};
use crate::diagnostic::child;

/// `default`, a status code (`200`, `2XX`) or an extension.
fn is_response_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    key == "default"
        || key.starts_with("x-")
        || (bytes.len() == 3
            && (b'1'..=b'5').contains(&bytes[0])
            && (bytes[1..].iter().all(u8::is_ascii_digit) || key[1..].eq_ignore_ascii_case("XX")))
}

/// The media type a response schema is listed under.
fn response_media(produces: &[String]) -> String {
    let json = produces.iter().find(|p| {
        let p = p.to_ascii_lowercase();
        p.starts_with("application/json") || (p.starts_with("application/") && p.contains("+json"))
    });
    match (json, produces.first()) {
        (Some(json), _) => json.clone(),
        (None, Some(first)) if !first.contains('*') => first.clone(),
        _ => "application/json".to_owned(),
    }
}

impl Swagger<'_> {
    pub(super) fn responses(
        &mut self,
        responses: Option<&Value>,
        pointer: &str,
        produces: &[String],
    ) -> Value {
        let mut out = Map::new();
        let Some(Value::Object(responses)) = responses else {
            return Value::Object(out);
        };
        let base = format!("{pointer}/responses");
        for (code, response) in responses {
            if !is_response_key(code) {
                continue;
            }
            if code.starts_with("x-") {
                out.insert(code.clone(), response.clone());
                continue;
            }
            let at = child(&base, code);
            out.insert(code.clone(), self.response(response, &at, &at, produces));
        }
        Value::Object(out)
    }

    /// One response, now at `at`, originally at `from`.
    pub(super) fn response(
        &mut self,
        response: &Value,
        at: &str,
        from: &str,
        produces: &[String],
    ) -> Value {
        if let Some(reference) = response.get("$ref") {
            return json!({ "$ref": reference });
        }
        let Value::Object(response) = response else {
            return json!({"description": ""});
        };
        let mut out = Map::new();
        let description = response
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        out.insert("description".into(), json!(description));
        extensions(response, &mut out);
        if let Some(schema) = response.get("schema") {
            let media = response_media(produces);
            let mut media_type = json!({ "schema": schema });
            if let Some(example) = response.get("examples").and_then(|e| e.get(&media)) {
                media_type["example"] = example.clone();
            }
            let schema_at = format!("{}/schema", child(&format!("{at}/content"), &media));
            self.origins
                .record(schema_at.clone(), format!("{from}/schema"));
            self.renames.push((format!("{from}/schema"), schema_at));
            out.insert("content".into(), json!({ media: media_type }));
        }
        if let Some(Value::Object(headers)) = response.get("headers") {
            let mut converted = Map::new();
            for (name, header) in headers {
                let Value::Object(header) = header else {
                    continue;
                };
                let mut entry = Map::new();
                if let Some(text @ Value::String(_)) = header.get("description") {
                    entry.insert("description".into(), text.clone());
                }
                entry.insert("schema".into(), params::schema_of(header));
                let header_at = child(&format!("{at}/headers"), name);
                self.origins.record(
                    format!("{header_at}/schema"),
                    child(&format!("{from}/headers"), name),
                );
                converted.insert(name.clone(), Value::Object(entry));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_keys_and_media_types() {
        for key in ["200", "2XX", "default", "x-a", "404"] {
            assert!(is_response_key(key), "{key}");
        }
        for key in ["20", "abc", "600", "2X0"] {
            assert!(!is_response_key(key), "{key}");
        }
        let list = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            response_media(&list(&[
                "application/xml",
                "application/json; charset=utf-8"
            ])),
            "application/json; charset=utf-8"
        );
        assert_eq!(response_media(&list(&["text/plain"])), "text/plain");
        assert_eq!(response_media(&list(&["*/*"])), "application/json");
        assert_eq!(response_media(&[]), "application/json");
    }
}
