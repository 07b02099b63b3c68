//! JSON Schema constructs newer than OpenAPI 3.0's dialect (type arrays, `null`, `const`,
//! tuple `items`, `$defs`), rewritten in place as their OpenAPI 3.0 equivalents. Shared by the
//! OpenAPI 3.1 front end and the Swagger 2.0 one (documents such as Slack's use them there too).
//! Keywords whose values openapiv3 cannot read (a negative `minLength`, a `type` that is a
//! number) are dropped here, so one odd schema never makes the whole document unreadable.

use serde_json::{Map, Value, json};

use crate::diagnostic::child;

pub(crate) mod keywords;
mod sanitize;
#[cfg(test)]
mod tests;

/// One normalization run over a document: the `$defs` hoisted so far and the `$ref` renames.
#[derive(Debug, Default)]
pub struct Normalizer {
    /// Hoisted `$defs`, waiting to be placed in `components/schemas`.
    pub hoisted: Vec<Hoisted>,
    /// Old pointer (no `#`) → new pointer, applied to every `$ref` by [`rewrite_refs`].
    pub renames: Vec<(String, String)>,
    /// Component schema names in use.
    taken: std::collections::BTreeSet<String>,
}

/// A `$defs` entry moved to `components/schemas/<name>`.
#[derive(Debug)]
pub struct Hoisted {
    pub name: String,
    pub schema: Value,
    /// Where it was, in the converted document.
    pub from: String,
}

impl Normalizer {
    /// A run that knows the component schema names already taken.
    pub fn new<I: IntoIterator<Item = String>>(taken: I) -> Self {
        Normalizer {
            taken: taken.into_iter().collect(),
            ..Normalizer::default()
        }
    }

    /// Normalizes `schema`, which sits at `pointer`; hoisted `$defs` are named `<parent>_<Name>`.
    pub fn schema(&mut self, schema: &mut Value, pointer: &str, parent: &str) {
        self.visit(schema, pointer, parent, 0);
    }

    /// Normalizes the hoisted schemas (which may hoist more) and returns them all.
    pub fn drain_hoisted(&mut self) -> Vec<Hoisted> {
        let mut done = Vec::new();
        while !self.hoisted.is_empty() {
            let batch = std::mem::take(&mut self.hoisted);
            for mut hoisted in batch {
                let at = child("/components/schemas", &hoisted.name);
                self.visit(&mut hoisted.schema, &at, &hoisted.name.clone(), 0);
                done.push(hoisted);
            }
        }
        done
    }

    fn unique(&mut self, wanted: String) -> String {
        let mut name = wanted.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{wanted}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    fn visit(&mut self, node: &mut Value, pointer: &str, parent: &str, depth: usize) {
        match node {
            Value::Bool(true) => *node = json!({}),
            Value::Bool(false) => *node = json!({"not": {}}),
            Value::Object(_) => {}
            _ => {
                let original = node.take();
                *node = json!({ "x-alter-invalid-schema": original });
            }
        }
        let Value::Object(map) = node else { return };
        // Deeper than any real schema: stop rather than overflow the stack.
        if depth > 200 {
            map.clear();
            return;
        }
        self.hoist(map, pointer, parent);
        keywords::tuple_items(map);
        self.children(map, pointer, parent, depth);
        keywords::rewrite(map);
        keywords::null_branches(map);
    }

    /// Moves `$defs` (and draft-4 `definitions`) out to components.
    fn hoist(&mut self, map: &mut Map<String, Value>, pointer: &str, parent: &str) {
        for keyword in ["$defs", "definitions"] {
            let Some(defs) = map.remove(keyword) else {
                continue;
            };
            let Value::Object(defs) = defs else { continue };
            let base = child(pointer, keyword);
            for (name, schema) in defs {
                let new = self.unique(format!("{parent}_{name}"));
                let from = child(&base, &name);
                self.renames
                    .push((from.clone(), child("/components/schemas", &new)));
                // `#/$defs/X` written as if the schema were the document root.
                let rootish = child(&format!("/{keyword}"), &name);
                if !self.renames.iter().any(|(old, _)| *old == rootish) {
                    self.renames
                        .push((rootish, child("/components/schemas", &new)));
                }
                self.hoisted.push(Hoisted {
                    name: new,
                    schema,
                    from,
                });
            }
        }
    }

    fn children(
        &mut self,
        map: &mut Map<String, Value>,
        pointer: &str,
        parent: &str,
        depth: usize,
    ) {
        for keyword in ["properties", "patternProperties", "dependentSchemas"] {
            if let Some(Value::Object(entries)) = map.get_mut(keyword) {
                let base = child(pointer, keyword);
                let mut required = Vec::new();
                for (name, sub) in entries.iter_mut() {
                    // Draft 3: `required: true` on the property itself.
                    if let Some(sub) = sub.as_object_mut()
                        && let Some(Value::Bool(flag)) = sub.get("required").cloned()
                    {
                        sub.remove("required");
                        if flag && keyword == "properties" {
                            required.push(name.clone());
                        }
                    }
                    self.visit(sub, &child(&base, name), parent, depth + 1);
                }
                if !required.is_empty() {
                    keywords::add_required(map, required);
                }
            }
        }
        for keyword in keywords::SINGLE {
            match map.get_mut(*keyword) {
                // `additionalProperties: false` stays a boolean (OpenAPI 3.0 allows it).
                Some(Value::Bool(_)) if keywords::BOOL_OK.contains(keyword) => {}
                Some(sub) => self.visit(sub, &child(pointer, keyword), parent, depth + 1),
                None => {}
            }
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(items)) = map.get_mut(keyword) {
                let base = child(pointer, keyword);
                for (i, sub) in items.iter_mut().enumerate() {
                    self.visit(sub, &format!("{base}/{i}"), parent, depth + 1);
                }
            }
        }
    }
}

/// Rewrites every `$ref` of `document` whose target starts with a renamed pointer (on a
/// segment boundary). Example values and extensions are left alone.
pub fn rewrite_refs(document: &mut Value, renames: &[(String, String)]) {
    if renames.is_empty() {
        return;
    }
    rewrite_in(document, renames, 0);
}

fn rewrite_in(node: &mut Value, renames: &[(String, String)], depth: usize) {
    if depth > 400 {
        return;
    }
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                // A `$defs` entry inside a hoisted one was renamed relative to its parent's new
                // place, so renames may apply in turn.
                for _ in 0..8 {
                    match renamed(reference, renames) {
                        Some(new) if new != *reference => *reference = new,
                        _ => break,
                    }
                }
            }
            for (key, value) in map.iter_mut() {
                // `default` is also a response code, so only examples are skipped as data.
                if !matches!(key.as_str(), "example" | "examples") && !key.starts_with("x-") {
                    rewrite_in(value, renames, depth + 1);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_in(item, renames, depth + 1)),
        _ => {}
    }
}

/// The rewritten reference, if a rename applies (longest prefix wins).
fn renamed(reference: &str, renames: &[(String, String)]) -> Option<String> {
    let pointer = reference.strip_prefix('#')?;
    let (old, new) = renames
        .iter()
        .filter(|(old, _)| {
            pointer == old
                || (pointer.starts_with(old.as_str())
                    && pointer.as_bytes().get(old.len()) == Some(&b'/'))
        })
        .max_by_key(|(old, _)| old.len())?;
    Some(format!("#{new}{}", &pointer[old.len()..]))
}
