//! Swagger 2.0 path items and operations: parameters (path-level ones merged, `$ref`s to
//! global ones followed), body and `formData` parameters → `requestBody`, responses' `schema`
//! → `content`. What OpenAPI 3.0 cannot say marks the operation `x-alter-unsupported`.

use serde_json::{Map, Value, json};

use super::{Swagger, extensions, params, strings};
use crate::diagnostic::child;
use crate::frontend::guard::{METHODS, mark};

/// A parameter with its `$ref` followed.
#[derive(Clone)]
struct Param<'a> {
    /// The parameter object (or the unresolved `$ref` object).
    value: &'a Value,
    /// Where the parameter object is in the original document.
    original: String,
    /// `in`, `name`, if readable.
    location: Option<&'a str>,
    name: Option<&'a str>,
}

impl Param<'_> {
    fn is_bodyish(&self) -> bool {
        matches!(self.location, Some("body" | "formData"))
    }

    fn same(&self, other: &Param<'_>) -> bool {
        self.name.is_some() && self.name == other.name && self.location == other.location
    }
}

/// The parts of an operation's request built from its parameters.
#[derive(Default)]
struct Request {
    parameters: Vec<Value>,
    body: Option<Value>,
}

const JSON_DEFAULT: &str = "application/json";

fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == JSON_DEFAULT || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<'a> Swagger<'a> {
    pub(super) fn path_item(&mut self, item: &'a Map<String, Value>, pointer: &str) -> Value {
        let mut out = Map::new();
        if let Some(reference) = item.get("$ref") {
            out.insert("$ref".into(), reference.clone());
            return Value::Object(out);
        }
        for key in ["summary", "description"] {
            if let Some(text @ Value::String(_)) = item.get(key) {
                out.insert(key.into(), text.clone());
            }
        }
        extensions(item, &mut out);
        let shared = self.resolve_all(item.get("parameters"), &format!("{pointer}/parameters"));
        let mut reasons = Vec::new();
        let mut kept = Vec::new();
        for param in shared.iter().filter(|p| !p.is_bodyish()) {
            match self.simple(param) {
                Ok(converted) => {
                    let at = format!("{pointer}/parameters/{}", kept.len());
                    self.origins
                        .record(format!("{at}/schema"), param.original.clone());
                    self.origins.record(at, param.original.clone());
                    kept.push(converted);
                }
                Err(why) => reasons.push(why),
            }
        }
        if !kept.is_empty() {
            out.insert("parameters".into(), Value::Array(kept));
        }
        let inherited: Vec<Param<'a>> = shared.into_iter().filter(Param::is_bodyish).collect();
        for method in METHODS {
            if let Some(Value::Object(operation)) = item.get(method) {
                let at = child(pointer, method);
                let converted = self.operation(operation, &at, &inherited, &reasons);
                out.insert(method.into(), converted);
            }
        }
        Value::Object(out)
    }

    fn resolve_all(&self, list: Option<&'a Value>, pointer: &str) -> Vec<Param<'a>> {
        let Some(Value::Array(list)) = list else {
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .map(|(i, value)| self.resolve(value, format!("{pointer}/{i}")))
            .collect()
    }

    /// Follows local `$ref`s (`#/parameters/X`, or anywhere in a bundled document).
    fn resolve(&self, value: &'a Value, original: String) -> Param<'a> {
        let (mut object, mut original) = (value, original);
        for _ in 0..8 {
            let pointer = object.get("$ref").and_then(Value::as_str);
            let Some(pointer) = pointer.and_then(|r| r.strip_prefix('#')) else {
                break;
            };
            match lookup(self.doc, pointer) {
                Some(found) => (object, original) = (found, pointer.to_owned()),
                None => break,
            }
        }
        Param {
            value: if object.is_object() { object } else { value },
            original,
            location: object.get("in").and_then(Value::as_str),
            name: object.get("name").and_then(Value::as_str),
        }
    }

    /// A non-body parameter: a `$ref` to a global one stays a reference.
    fn simple(&self, param: &Param<'_>) -> Result<Value, String> {
        let global = param.original.strip_prefix("/parameters/");
        let Some(global) = global.filter(|g| !g.contains('/')) else {
            return params::simple(param.value);
        };
        let reference = format!("#/parameters/{global}");
        match self.bad_parameters.iter().find(|(r, _)| *r == reference) {
            Some((_, why)) => Err(why.clone()),
            None => Ok(json!({ "$ref": reference })),
        }
    }

    fn operation(
        &mut self,
        operation: &'a Map<String, Value>,
        pointer: &str,
        inherited: &[Param<'a>],
        reasons: &[String],
    ) -> Value {
        let mut out = Map::new();
        for key in [
            "tags",
            "summary",
            "description",
            "externalDocs",
            "operationId",
            "deprecated",
            "security",
        ] {
            if let Some(value) = operation.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        extensions(operation, &mut out);
        for reason in reasons {
            mark(&mut out, &format!("{reason}; fix the path's parameters"));
        }
        let consumes = match operation.get("consumes") {
            Some(list) => strings(Some(list)),
            None => self.consumes.clone(),
        };
        let produces = match operation.get("produces") {
            Some(list) => strings(Some(list)),
            None => self.produces.clone(),
        };
        let own = self.resolve_all(
            operation.get("parameters"),
            &format!("{pointer}/parameters"),
        );
        // There is one body at most: the operation's own replaces the path's, whatever its name.
        let own_body = own.iter().any(|o| o.location == Some("body"));
        let mut all: Vec<Param<'a>> = inherited
            .iter()
            .filter(|p| !own.iter().any(|o| o.same(p)))
            .filter(|p| !(own_body && p.location == Some("body")))
            .cloned()
            .collect();
        all.extend(own);
        let request = self.request(&all, pointer, &consumes, &mut out);
        if !request.parameters.is_empty() {
            out.insert("parameters".into(), Value::Array(request.parameters));
        }
        if let Some(body) = request.body {
            out.insert("requestBody".into(), body);
        }
        out.insert(
            "responses".into(),
            self.responses(operation.get("responses"), pointer, &produces),
        );
        Value::Object(out)
    }

    fn request(
        &mut self,
        all: &[Param<'a>],
        pointer: &str,
        consumes: &[String],
        out: &mut Map<String, Value>,
    ) -> Request {
        let mut request = Request::default();
        let (mut bodies, mut forms) = (Vec::new(), Vec::new());
        for param in all {
            match param.location {
                Some("body") => bodies.push(param),
                Some("formData") => forms.push(param),
                _ => match self.simple(param) {
                    Ok(converted) => {
                        let at = format!("{pointer}/parameters/{}", request.parameters.len());
                        self.origins
                            .record(format!("{at}/schema"), param.original.clone());
                        self.origins.record(at, param.original.clone());
                        request.parameters.push(converted);
                    }
                    Err(why) => {
                        let at = &param.original;
                        mark(out, &format!("{why} (at `{at}`); fix the parameter"));
                    }
                },
            }
        }
        let at = format!("{pointer}/requestBody");
        match (bodies.as_slice(), forms.is_empty()) {
            ([], true) => {}
            ([body], true) => request.body = Some(self.body(body, &at, consumes)),
            ([], false) => request.body = self.form(&forms, &at, consumes, out),
            _ => mark(
                out,
                "the operation has more than one body parameter, or both a body and form parameters; keep one kind",
            ),
        }
        request
    }

    /// A `body` parameter → a request body with a media type per `consumes` type.
    fn body(&mut self, param: &Param<'_>, at: &str, consumes: &[String]) -> Value {
        let schema = param
            .value
            .get("schema")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut types: Vec<&str> = consumes
            .iter()
            .map(String::as_str)
            .filter(|t| is_json(t))
            .collect();
        if types.is_empty() {
            types = consumes.iter().map(String::as_str).collect();
        }
        if types.is_empty() {
            types.push(JSON_DEFAULT);
        }
        let mut content = Map::new();
        for media in types {
            let media_at = child(&format!("{at}/content"), media);
            let from = format!("{}/schema", param.original);
            if param.original.starts_with("/paths/")
                && !self.renames.iter().any(|(o, _)| *o == from)
            {
                self.renames
                    .push((from.clone(), format!("{media_at}/schema")));
            }
            self.origins.record(format!("{media_at}/schema"), from);
            self.origins.record(media_at, param.original.clone());
            content.insert(media.into(), json!({ "schema": schema }));
        }
        self.origins
            .record(format!("{at}/content"), param.original.clone());
        self.origins.record(at, param.original.clone());
        let mut body = Map::new();
        if let Some(text @ Value::String(_)) = param.value.get("description") {
            body.insert("description".into(), text.clone());
        }
        body.insert("content".into(), Value::Object(content));
        if param.value.get("required").and_then(Value::as_bool) == Some(true) {
            body.insert("required".into(), Value::Bool(true));
        }
        Value::Object(body)
    }
}

/// The node at a JSON pointer (without `#`) of the original document.
fn lookup<'a>(doc: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
    let mut segments = pointer.strip_prefix('/')?.split('/');
    let mut node = doc.get(&unescape(segments.next()?))?;
    for segment in segments {
        node = match node {
            Value::Object(map) => map.get(&unescape(segment))?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The media type of a form body: multipart if a field is a file or `consumes` lists only
/// multipart, else URL-encoded.
fn form_media(forms: &[&Param<'_>], consumes: &[String]) -> &'static str {
    const URLENCODED: &str = "application/x-www-form-urlencoded";
    const MULTIPART: &str = "multipart/form-data";
    let has_file = forms
        .iter()
        .any(|p| p.value.get("type").and_then(Value::as_str) == Some("file"));
    let lists = |media: &str| {
        consumes
            .iter()
            .any(|c| c.to_ascii_lowercase().starts_with(media))
    };
    if has_file || (lists(MULTIPART) && !lists(URLENCODED)) {
        MULTIPART
    } else {
        URLENCODED
    }
}

impl<'a> Swagger<'a> {
    /// `formData` parameters → one form body whose properties are the fields.
    fn form(
        &mut self,
        forms: &[&Param<'a>],
        at: &str,
        consumes: &[String],
        out: &mut Map<String, Value>,
    ) -> Option<Value> {
        let media = form_media(forms, consumes);
        let media_at = child(&format!("{at}/content"), media);
        let schema_at = format!("{media_at}/schema");
        let (mut properties, mut required, mut encoding) = (Map::new(), Vec::new(), Map::new());
        for param in forms {
            let Some(name) = param.name else {
                mark(
                    out,
                    &format!(
                        "a form parameter has no name (at `{}`); name it",
                        param.original
                    ),
                );
                continue;
            };
            let Value::Object(object) = param.value else {
                continue;
            };
            let mut schema = params::schema_of(object);
            if let (Some(text @ Value::String(_)), Value::Object(schema)) =
                (object.get("description"), &mut schema)
            {
                schema.insert("description".into(), text.clone());
            }
            if schema.get("type").and_then(Value::as_str) == Some("array") {
                let format = object.get("collectionFormat").and_then(Value::as_str);
                match params::collection(format, "formData") {
                    Ok((style, explode)) => {
                        encoding.insert(
                            name.into(),
                            json!({"style": style.unwrap_or("form"), "explode": explode}),
                        );
                    }
                    Err(why) => mark(
                        out,
                        &format!("form field `{name}`: {why}; change the field"),
                    ),
                }
            }
            if object.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(json!(name));
            }
            self.origins.record(
                child(&format!("{schema_at}/properties"), name),
                param.original.clone(),
            );
            properties.insert(name.into(), schema);
        }
        let first = forms.first()?.original.clone();
        for pointer in [at.to_owned(), format!("{at}/content"), media_at, schema_at] {
            self.origins.record(pointer, first.clone());
        }
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = Value::Array(required.clone());
        }
        let mut media_type = json!({ "schema": schema });
        if !encoding.is_empty() {
            media_type["encoding"] = Value::Object(encoding);
        }
        let mut body = json!({ "content": { media: media_type } });
        if !required.is_empty() {
            body["required"] = Value::Bool(true);
        }
        Some(body)
    }
}
