//! Swagger 2.0 `securityDefinitions` → OpenAPI 3.0 `securitySchemes` (basic → http basic;
//! OAuth2 flows renamed: application → clientCredentials, accessCode → authorizationCode).

use serde_json::{Map, Value, json};

/// Every definition that can be expressed; others are left out (the guard reports
/// operations that still name them only if their shape breaks the document).
pub fn schemes(definitions: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (name, definition) in definitions {
        if let Some(scheme) = scheme(definition) {
            out.insert(name.clone(), scheme);
        }
    }
    Value::Object(out)
}

fn scheme(definition: &Value) -> Option<Value> {
    let definition = definition.as_object()?;
    let text = |key: &str| definition.get(key).and_then(Value::as_str).unwrap_or("");
    let mut out = match text("type") {
        "basic" => json!({"type": "http", "scheme": "basic"}),
        "apiKey" => {
            let location = text("in");
            if !matches!(location, "query" | "header") {
                return None;
            }
            json!({"type": "apiKey", "in": location, "name": text("name")})
        }
        "oauth2" => {
            let scopes = scopes(definition.get("scopes"));
            let (flow, urls): (&str, &[&str]) = match text("flow") {
                "implicit" => ("implicit", &["authorizationUrl"]),
                "password" => ("password", &["tokenUrl"]),
                "application" => ("clientCredentials", &["tokenUrl"]),
                "accessCode" => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                _ => return None,
            };
            let mut body = Map::new();
            for url in urls {
                body.insert((*url).into(), json!(text(url)));
            }
            body.insert("scopes".into(), scopes);
            json!({"type": "oauth2", "flows": { flow: body }})
        }
        _ => return None,
    };
    if let (Some(text @ Value::String(_)), Value::Object(out)) =
        (definition.get("description"), &mut out)
    {
        out.insert("description".into(), text.clone());
    }
    Some(out)
}

/// Scope name → description, descriptions made strings.
fn scopes(scopes: Option<&Value>) -> Value {
    let mut out = Map::new();
    if let Some(Value::Object(scopes)) = scopes {
        for (name, description) in scopes {
            let description = match description {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            out.insert(name.clone(), Value::String(description));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_definition_converts() {
        let definitions = json!({
            "basic": {"type": "basic", "description": "d"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "app": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {"a": "A"}},
            "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a",
                     "tokenUrl": "https://t", "scopes": {"b": 1}},
            "odd": {"type": "apiKey", "in": "body", "name": "k"},
            "worse": 3
        });
        let out = schemes(definitions.as_object().expect("object"));
        assert_eq!(
            out,
            json!({
                "basic": {"type": "http", "scheme": "basic", "description": "d"},
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "app": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {"a": "A"}}}},
                "code": {"type": "oauth2", "flows": {"authorizationCode": {
                    "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {"b": "1"}}}}
            })
        );
    }
}
