//! One Discovery method → one OpenAPI operation: its path template, parameters (in
//! `parameterOrder`), JSON request body, `200` response and OAuth scopes. What OpenAPI 3.0
//! cannot express is collected as problems for `x-alter-unsupported`.

use serde_json::{Map, Value, json};

use super::OAUTH2;
use super::schema::{self, Refs};
use crate::diagnostic::child;

/// What a method's conversion needs from the document.
pub(super) struct Context<'c> {
    pub refs: &'c Refs<'c>,
    pub root: Option<&'c str>,
    pub oauth2: bool,
}

/// A converted method, before it is placed in `paths`.
pub(super) struct Op {
    /// The OpenAPI path (`/v1/{name}`); `None` if the method has none usable.
    pub path: Option<String>,
    /// The lowercase HTTP method; `None` if OpenAPI has no slot for it.
    pub method: Option<&'static str>,
    pub operation: Map<String, Value>,
    /// What cannot be expressed, for `x-alter-unsupported`.
    pub problems: Vec<String>,
    /// Pointer suffix under the operation → the original pointer.
    pub origins: Vec<(String, String)>,
}

impl Context<'_> {
    pub fn operation(&self, method: &Value, pointer: &str) -> Op {
        let empty = Map::new();
        let m = method.as_object().unwrap_or(&empty);
        let mut op = Op {
            path: None,
            method: None,
            operation: Map::new(),
            problems: Vec::new(),
            origins: Vec::new(),
        };
        if !method.is_object() {
            op.problems.push("the method is not a JSON object".into());
        }
        let text = |key: &str| m.get(key).and_then(Value::as_str);
        if let Some(id) = text("id") {
            op.operation.insert("operationId".into(), id.into());
        }
        if let Some(description) = text("description") {
            op.operation
                .insert("description".into(), description.into());
        }
        if m.get("deprecated") == Some(&Value::Bool(true)) {
            op.operation.insert("deprecated".into(), true.into());
        }
        op.method = self.http_method(text("httpMethod"), &mut op.problems);
        let reserved = self.path(text("path"), &mut op);
        self.parameters(m, pointer, &reserved, &mut op);
        self.request(m, pointer, text("id"), &mut op);
        self.response(m, pointer, &mut op);
        self.security(m, pointer, &mut op);
        op
    }

    fn http_method(
        &self,
        method: Option<&str>,
        problems: &mut Vec<String>,
    ) -> Option<&'static str> {
        let Some(method) = method else {
            problems.push("the method has no `httpMethod`".into());
            return None;
        };
        let known = [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ];
        let found = known
            .into_iter()
            .find(|known| known.eq_ignore_ascii_case(method));
        if found.is_none() {
            problems.push(format!(
                "HTTP method `{method}` has no place in an OpenAPI 3.0 path item"
            ));
        }
        found
    }

    /// Sets the OpenAPI path (and servers, for a root-relative path); returns the names of the
    /// parameters written with reserved expansion (`{+name}`).
    fn path(&self, path: Option<&str>, op: &mut Op) -> Vec<String> {
        let Some(path) = path else {
            op.problems.push("the method has no `path`".into());
            return Vec::new();
        };
        let (converted, reserved) = match template(path) {
            Ok(converted) => converted,
            Err(problem) => {
                op.problems.push(problem);
                return Vec::new();
            }
        };
        if converted.starts_with('/') {
            // A leading `/` is relative to `rootUrl`, not to `servicePath`.
            if let Some(root) = self.root {
                let url = root.trim_end_matches('/');
                op.operation.insert("servers".into(), json!([{"url": url}]));
            }
            op.path = Some(converted);
        } else {
            op.path = Some(format!("/{converted}"));
        }
        reserved
    }

    /// `parameterOrder` first, then the others by name.
    fn parameters(&self, m: &Map<String, Value>, pointer: &str, reserved: &[String], op: &mut Op) {
        let Some(parameters) = m.get("parameters").and_then(Value::as_object) else {
            if m.get("parameters").is_some_and(|p| !p.is_null()) {
                op.problems.push("`parameters` is not an object".into());
            }
            return;
        };
        let mut names: Vec<&String> = Vec::new();
        let order = m.get("parameterOrder").and_then(Value::as_array);
        for name in order.into_iter().flatten().filter_map(Value::as_str) {
            if let Some((key, _)) = parameters.get_key_value(name)
                && !names.contains(&key)
            {
                names.push(key);
            }
        }
        let mut rest: Vec<&String> = parameters.keys().filter(|k| !names.contains(k)).collect();
        rest.sort();
        names.extend(rest);
        let mut out = Vec::new();
        for name in names {
            let original = child(&format!("{pointer}/parameters"), name);
            match parameter(
                self.refs,
                name,
                &parameters[name.as_str()],
                reserved.contains(name),
            ) {
                Ok(parameter) => {
                    let at = format!("/parameters/{}", out.len());
                    op.origins.push((format!("{at}/schema"), original.clone()));
                    op.origins.push((at, original));
                    out.push(parameter);
                }
                Err(problem) => op.problems.push(problem),
            }
        }
        if !out.is_empty() {
            op.operation.insert("parameters".into(), out.into());
        }
    }

    /// `request` (a schema `$ref`, rarely an inline schema) → a required JSON body, with the
    /// properties this method requires (`annotations.required`) listed beside it.
    fn request(&self, m: &Map<String, Value>, pointer: &str, id: Option<&str>, op: &mut Op) {
        let (source, request) = match m.get("request") {
            None | Some(Value::Null) => return,
            Some(source @ Value::Object(request)) => (source, request),
            Some(_) => {
                op.problems.push("`request` is not an object".into());
                return;
            }
        };
        let schema = schema::convert(self.refs, source);
        let mut body =
            json!({"required": true, "content": {"application/json": {"schema": schema}}});
        let target = match request.get("$ref").and_then(Value::as_str) {
            Some(name) => self.refs.schema(name),
            None => Some(request),
        };
        let required = id.map_or_else(Vec::new, |id| required_for(target, id));
        if !required.is_empty() {
            body["x-alter-required-properties"] = required.into();
        }
        op.operation.insert("requestBody".into(), body);
        let original = format!("{pointer}/request");
        op.origins.push((
            "/requestBody/content/application~1json/schema".into(),
            original.clone(),
        ));
        op.origins.push(("/requestBody".into(), original));
    }

    /// `response` → a `200` JSON response; none → a `200` without content (as APIs.guru does).
    fn response(&self, m: &Map<String, Value>, pointer: &str, op: &mut Op) {
        let mut ok = json!({"description": "Successful response"});
        match m.get("response") {
            None | Some(Value::Null) => {}
            Some(response @ Value::Object(_)) => {
                let schema = schema::convert(self.refs, response);
                ok["content"] = json!({"application/json": {"schema": schema}});
                op.origins
                    .push(("/responses/200".into(), format!("{pointer}/response")));
            }
            Some(_) => op.problems.push("`response` is not an object".into()),
        }
        op.operation.insert("responses".into(), json!({"200": ok}));
    }

    /// Each scope is an alternative: any one of them grants access.
    fn security(&self, m: &Map<String, Value>, pointer: &str, op: &mut Op) {
        let Some(scopes) = m.get("scopes").and_then(Value::as_array) else {
            return;
        };
        if !self.oauth2 || scopes.is_empty() {
            return;
        }
        let security: Vec<Value> = scopes
            .iter()
            .filter_map(Value::as_str)
            .map(|scope| json!({OAUTH2: [scope]}))
            .collect();
        op.operation.insert("security".into(), security.into());
        op.origins
            .push(("/security".into(), format!("{pointer}/scopes")));
    }
}

/// One Discovery parameter as an OpenAPI parameter object; `Err` says why it cannot be one.
pub(super) fn parameter(
    refs: &Refs<'_>,
    name: &str,
    source: &Value,
    reserved: bool,
) -> Result<Value, String> {
    let Some(p) = source.as_object() else {
        return Err(format!("parameter `{name}` is not a JSON object"));
    };
    let location = match p.get("location").and_then(Value::as_str) {
        Some(location @ ("path" | "query" | "header")) => location,
        Some(other) => {
            return Err(format!(
                "parameter `{name}` is sent in `{other}`, which OpenAPI 3.0 cannot express"
            ));
        }
        None => return Err(format!("parameter `{name}` has no `location`")),
    };
    let mut schema = schema::convert(refs, source);
    let description = schema.as_object_mut().and_then(|s| s.remove("description"));
    let required = location == "path" || p.get("required") == Some(&Value::Bool(true));
    let mut out = json!({"name": name, "in": location});
    if required {
        out["required"] = true.into();
    }
    if let Some(description) = description {
        out["description"] = description;
    }
    if p.get("deprecated") == Some(&Value::Bool(true)) {
        out["deprecated"] = true.into();
    }
    if p.get("repeated") == Some(&Value::Bool(true)) {
        match location {
            "path" => {
                return Err(format!(
                    "path parameter `{name}` is repeated, which OpenAPI 3.0 cannot express"
                ));
            }
            // The key is repeated: `?a=1&a=2`.
            "query" => {
                out["style"] = "form".into();
                out["explode"] = true.into();
            }
            _ => out["style"] = "simple".into(),
        }
        schema = json!({"type": "array", "items": schema});
    }
    out["schema"] = schema;
    if reserved && location == "path" {
        out["x-alter-reserved"] = true.into();
    }
    Ok(out)
}

/// The top-level properties of `schema` whose `annotations.required` names `method_id`.
fn required_for(schema: Option<&Map<String, Value>>, method_id: &str) -> Vec<Value> {
    let Some(properties) = schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut names: Vec<&String> = properties
        .iter()
        .filter(|(_, property)| {
            let methods = property.pointer("/annotations/required");
            methods
                .and_then(Value::as_array)
                .is_some_and(|ids| ids.iter().any(|id| id.as_str() == Some(method_id)))
        })
        .map(|(name, _)| name)
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Value::from(name.as_str()))
        .collect()
}

/// A Discovery path (RFC 6570 level 2 at most) as an OpenAPI path template: `{+name}` (reserved
/// expansion) becomes `{name}`, and its name is returned. Other operators cannot be expressed.
pub(super) fn template(path: &str) -> Result<(String, Vec<String>), String> {
    let mut out = String::with_capacity(path.len());
    let mut reserved = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let (literal, after) = rest.split_at(open);
        if literal.contains('}') {
            return Err(format!("the path `{path}` has an unmatched `}}`"));
        }
        out.push_str(literal);
        let Some(close) = after.find('}') else {
            return Err(format!("the path `{path}` has an unmatched `{{`"));
        };
        let expression = &after[1..close];
        let (name, is_reserved) = match expression.strip_prefix('+') {
            Some(name) => (name, true),
            None => (expression, false),
        };
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '%');
        if !valid {
            return Err(format!(
                "the path expression `{{{expression}}}` (URI template operators, lists or modifiers) cannot be expressed in an OpenAPI 3.0 path"
            ));
        }
        out.push('{');
        out.push_str(name);
        out.push('}');
        if is_reserved {
            reserved.push(name.to_owned());
        }
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("the path `{path}` has an unmatched `}}`"));
    }
    out.push_str(rest);
    Ok((out, reserved))
}
