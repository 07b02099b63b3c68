//! Part of `specs_match_upstream`: reads OpenAPI documents as plain JSON values (so upstream's
//! oddities never stop a parse) and compares a schema of ours with upstream's.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// One parsed document, with its file name for messages.
pub struct Doc {
    pub name: String,
    pub root: Value,
}

/// One operation: where it sits and what it says.
pub struct Op<'a> {
    pub method: &'a str,
    pub path: &'a str,
    item: &'a Value,
    pub op: &'a Value,
}

/// A request body: its media type, its resolved schema and whether it is required.
pub struct Body<'a> {
    pub media: &'a str,
    pub schema: &'a Value,
    pub required: bool,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Doc {
    /// Reads `path` as YAML (`.yaml`) or JSON (anything else).
    pub fn load(path: &str) -> Doc {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        let root = if path.ends_with(".yaml") {
            yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"))
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"))
        };
        let name = path.to_owned();
        Doc { name, root }
    }

    /// Follows local `$ref`s (`#/components/...`) to the node they name.
    pub fn resolve<'a>(&'a self, mut node: &'a Value) -> Result<&'a Value, String> {
        for _ in 0..16 {
            let Some(reference) = str_at(node, "$ref") else {
                return Ok(node);
            };
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| format!("{}: external $ref `{reference}`", self.name))?;
            node = self
                .root
                .pointer(pointer)
                .ok_or_else(|| format!("{}: dangling $ref `{reference}`", self.name))?;
        }
        Err(format!("{}: $ref chain longer than 16", self.name))
    }

    /// The server URLs, in order.
    pub fn servers(&self) -> Vec<&str> {
        let list = self.root.get("servers").and_then(Value::as_array);
        let urls = list.into_iter().flatten().filter_map(|s| str_at(s, "url"));
        urls.collect()
    }

    /// Every operation, by operationId.
    pub fn operations(&self) -> BTreeMap<&str, Op<'_>> {
        let mut ops = BTreeMap::new();
        let paths = self.root.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let id = str_at(op, "operationId").unwrap_or("(no operationId)");
                let path = path.as_str();
                ops.insert(
                    id,
                    Op {
                        method,
                        path,
                        item,
                        op,
                    },
                );
            }
        }
        ops
    }

    /// Path-level then operation-level parameters (the latter win), resolved, by name.
    pub fn parameters<'a>(&'a self, op: &Op<'a>) -> Result<BTreeMap<&'a str, &'a Value>, String> {
        let mut out = BTreeMap::new();
        for list in [op.item.get("parameters"), op.op.get("parameters")] {
            for param in list.and_then(Value::as_array).into_iter().flatten() {
                let param = self.resolve(param)?;
                out.insert(str_at(param, "name").unwrap_or("(unnamed)"), param);
            }
        }
        Ok(out)
    }

    /// The request body, preferring JSON, then form encoding (Slack's upstream bodies).
    pub fn body<'a>(&'a self, op: &Op<'a>) -> Result<Option<Body<'a>>, String> {
        let Some(body) = op.op.get("requestBody") else {
            return Ok(None);
        };
        let body = self.resolve(body)?;
        let content = body.get("content").and_then(Value::as_object);
        let preferred = ["application/json", "application/x-www-form-urlencoded"];
        let media = preferred
            .into_iter()
            .find(|m| content.is_some_and(|c| c.contains_key(*m)))
            .or_else(|| content.and_then(|c| c.keys().next().map(String::as_str)))
            .ok_or_else(|| format!("{}: request body without content", self.name))?;
        let schema = content
            .and_then(|c| c.get(media))
            .and_then(|m| m.get("schema"))
            .ok_or_else(|| format!("{}: request body `{media}` without schema", self.name))?;
        let schema = self.resolve(schema)?;
        let required = is_true(body, "required");
        Ok(Some(Body {
            media,
            schema,
            required,
        }))
    }

    /// The JSON schema of the `200` response, if it has content.
    pub fn success<'a>(&'a self, op: &Op<'a>) -> Result<Option<&'a Value>, String> {
        let Some(response) = op.op.pointer("/responses/200") else {
            return Err(format!("{}: no `200` response", self.name));
        };
        let response = self.resolve(response)?;
        match response.pointer("/content/application~1json/schema") {
            Some(schema) => self.resolve(schema).map(Some),
            None => Ok(None),
        }
    }
}

pub fn str_at<'a>(node: &'a Value, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Value::as_str)
}

pub fn is_true(node: &Value, key: &str) -> bool {
    node.get(key).and_then(Value::as_bool) == Some(true)
}

pub fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

pub fn required(schema: &Value) -> BTreeSet<&str> {
    let list = schema.get("required").and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The effective `style` and `explode` of a parameter (OpenAPI 3.0 defaults applied).
pub fn serialization(param: &Value) -> (&str, bool) {
    let default = match str_at(param, "in") {
        Some("query" | "cookie") => "form",
        _ => "simple",
    };
    let style = str_at(param, "style").unwrap_or(default);
    let explode = param.get("explode").and_then(Value::as_bool);
    (style, explode.unwrap_or(style == "form"))
}

#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    /// Inputs: enums must agree both ways.
    Request,
    /// Outputs: ours may be looser (no enum, fewer properties).
    Response,
}

/// Compares a schema of ours with upstream's, recursively, following `$ref`s on both sides.
#[derive(Clone, Copy)]
pub struct SchemaCompare<'a> {
    pub ours: &'a Doc,
    pub up: &'a Doc,
    pub mode: Mode,
    /// Whether a property path of ours (`response_metadata`) may be absent upstream.
    pub may_be_extra: &'a dyn Fn(&str) -> bool,
}

impl SchemaCompare<'_> {
    /// Every disagreement; each message starts with `, at <path>` unless it is about the root.
    pub fn run(self, ours: &Value, up: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(ours, up, "", &mut out);
        out
    }

    fn walk(self, ours_raw: &Value, up_raw: &Value, at: &str, out: &mut Vec<String>) {
        let (o, u) = match (self.ours.resolve(ours_raw), self.up.resolve(up_raw)) {
            (Ok(o), Ok(u)) => (o, u),
            (Err(e), _) | (_, Err(e)) => return out.push(format!("{}: {e}", show(at))),
        };
        if is_true(o, "readOnly") && ![up_raw, u].into_iter().any(says_read_only) {
            let at = show(at);
            out.push(format!(
                "{at}: readOnly, but upstream does not say Read-only"
            ));
        }
        let alternatives = alternatives(u);
        if !alternatives.is_empty() {
            return self.walk_alternatives(o, &alternatives, at, out);
        }
        let Some(u_type) = str_at(u, "type") else {
            return; // upstream says nothing about this value's type
        };
        let o_type = str_at(o, "type").unwrap_or("(none)");
        if o_type != u_type {
            let at = show(at);
            return out.push(format!("{at}: type: ours {o_type}, upstream {u_type}"));
        }
        let (o_format, u_format) = (str_at(o, "format"), str_at(u, "format"));
        if o_format != u_format {
            let at = show(at);
            out.push(format!(
                "{at}: format: ours {o_format:?}, upstream {u_format:?}"
            ));
        }
        let (o_enum, u_enum) = (enum_set(o), enum_set(u));
        let strict = self.mode == Mode::Request || o_enum.is_some();
        if strict && o_enum != u_enum {
            let at = show(at);
            out.push(format!("{at}: enum: ours {o_enum:?}, upstream {u_enum:?}"));
        }
        match (u_type, o.get("items"), u.get("items")) {
            ("array", Some(oi), Some(ui)) => self.walk(oi, ui, &format!("{at}[]"), out),
            ("object", _, _) => self.walk_object(o, u, at, out),
            _ => {}
        }
    }

    fn walk_object(self, o: &Value, u: &Value, at: &str, out: &mut Vec<String>) {
        let u_props = properties(u);
        for (name, o_prop) in properties(o).into_iter().flatten() {
            let child = match at {
                "" => name.clone(),
                _ => format!("{at}.{name}"),
            };
            match u_props.and_then(|p| p.get(name)) {
                Some(u_prop) => self.walk(o_prop, u_prop, &child, out),
                None if (self.may_be_extra)(&child) => {}
                None => out.push(format!("{}: not an upstream property", show(&child))),
            }
        }
        // A map (`additionalProperties: {schema}`) must be a map upstream too.
        if let Some(o_values) = map_values(o) {
            match map_values(u) {
                Some(u_values) => self.walk(o_values, u_values, &format!("{at}{{}}"), out),
                None => out.push(format!("{}: ours is a map, upstream is not", show(at))),
            }
        }
    }

    /// Ours must fit at least one of upstream's alternatives.
    fn walk_alternatives(self, o: &Value, alts: &[&Value], at: &str, out: &mut Vec<String>) {
        let mut first = None;
        for alternative in alts {
            let mut trial = Vec::new();
            self.walk(o, alternative, at, &mut trial);
            if trial.is_empty() {
                return;
            }
            first.get_or_insert(trial);
        }
        let first = first.iter().flatten().map(|p| p.trim_start_matches(", "));
        let first = first.collect::<Vec<_>>().join("; ");
        let (at, n) = (show(at), alts.len());
        out.push(format!(
            "{at}: fits none of upstream's {n} alternatives (first: {first})"
        ));
    }
}

fn map_values(schema: &Value) -> Option<&Value> {
    schema.get("additionalProperties").filter(|a| a.is_object())
}

fn enum_set(schema: &Value) -> Option<BTreeSet<String>> {
    let values = schema.get("enum")?.as_array()?;
    Some(values.iter().map(Value::to_string).collect())
}

/// Upstream's `anyOf`/`oneOf` branches, also where Slack's conversion put them under a typeless
/// `items` (a Swagger tuple rewritten, see the upstream README); bare `nullable` branches dropped.
fn alternatives(u: &Value) -> Vec<&Value> {
    let direct = u.get("anyOf").or_else(|| u.get("oneOf"));
    let tuple = || {
        let items = u.get("items").filter(|_| u.get("type").is_none())?;
        items.get("anyOf").or_else(|| items.get("oneOf"))
    };
    let list = direct.or_else(tuple).and_then(Value::as_array);
    let typed = |b: &&Value| {
        ["$ref", "type", "properties"]
            .iter()
            .any(|k| b.get(k).is_some())
    };
    list.into_iter().flatten().filter(typed).collect()
}

fn says_read_only(node: &Value) -> bool {
    str_at(node, "description").is_some_and(|d| d.to_lowercase().contains("read-only"))
}

fn show(at: &str) -> String {
    match at {
        "" => String::new(),
        _ => format!(", at `{at}`"),
    }
}
