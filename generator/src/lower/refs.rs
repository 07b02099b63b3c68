//! Following local `$ref`s, through chains, without looping, and checking every reference a
//! schema reaches when it is not lowered into types (responses, untyped values). A reference
//! is either a component (`#/components/<section>/<name>`) or, as bundlers write them, any
//! other JSON pointer into the document (`#/paths/~1pets/get/parameters/0`); the targets of
//! the latter are collected once, when the document is parsed ([`Targets`]). External
//! references are reported: the document must be self-contained.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, Components, Parameter, ReferenceOr, RequestBody, Response, Schema,
    SchemaKind, Type,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Lowerer;
use crate::diagnostic::{Diagnostic, child};

/// Longer `$ref` chains than this are treated as cycles.
const MAX_HOPS: usize = 32;

/// The sections of `components`; a reference to `#/components/<one of these>/<name>` names a
/// component, anything else local is a plain JSON pointer.
const SECTIONS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// A schema or a reference to one; openapiv3 boxes some schemas and not others.
#[derive(Debug, Clone, Copy)]
pub(super) enum SchemaRef<'d> {
    Ref(&'d str),
    Inline(&'d Schema),
}

impl<'d> From<&'d ReferenceOr<Schema>> for SchemaRef<'d> {
    fn from(value: &'d ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'d> From<&'d ReferenceOr<Box<Schema>>> for SchemaRef<'d> {
    fn from(value: &'d ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

/// Definitions reached by references that are not components (`#/paths/...`), keyed by JSON
/// pointer (escaped form), parsed as each kind of object a reference may expect.
#[derive(Debug, Default)]
pub(super) struct Targets {
    schemas: BTreeMap<String, ReferenceOr<Schema>>,
    parameters: BTreeMap<String, ReferenceOr<Parameter>>,
    request_bodies: BTreeMap<String, ReferenceOr<RequestBody>>,
    responses: BTreeMap<String, ReferenceOr<Response>>,
}

impl Targets {
    /// Collects the target of every local non-component reference in `document`.
    pub(super) fn collect(document: &Value) -> Targets {
        let mut references = BTreeSet::new();
        collect_refs(document, &mut references);
        let mut targets = Targets::default();
        for pointer in references {
            let Some(value) = document.pointer(&pointer) else {
                continue;
            };
            insert(&mut targets.schemas, &pointer, value);
            insert(&mut targets.parameters, &pointer, value);
            insert(&mut targets.request_bodies, &pointer, value);
            insert(&mut targets.responses, &pointer, value);
        }
        targets
    }

    /// Whether `text` may hold a local reference that is not to a component, so
    /// [`Targets::collect`] is worth a second parse of the document.
    pub(super) fn needed(text: &str) -> bool {
        text.match_indices("#/").any(|(i, _)| {
            let rest = &text[i..];
            let end = rest
                .find(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                .unwrap_or(rest.len());
            local_pointer(&rest[..end]).is_some_and(|p| plain_component(&p).is_none())
        })
    }
}

fn insert<T: DeserializeOwned>(
    map: &mut BTreeMap<String, ReferenceOr<T>>,
    at: &str,
    value: &Value,
) {
    if let Ok(parsed) = serde_json::from_value(value.clone()) {
        map.insert(at.to_owned(), parsed);
    }
}

/// Every local `$ref` that is not a plain component reference, as a JSON pointer.
fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let Some(pointer) = local_pointer(reference)
                && plain_component(&pointer).is_none()
            {
                out.insert(pointer);
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The JSON pointer of a local reference (`#/a/%7Bid%7D` → `/a/{id}`): the fragment is
/// percent-decoded, `~0`/`~1` escapes are kept. `None` for an external reference.
pub(super) fn local_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    Some(percent_decode(fragment))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// `(section, name)` when `pointer` is `/components/<section>/<name>`.
fn plain_component(pointer: &str) -> Option<(&str, String)> {
    let rest = pointer.strip_prefix("/components/")?;
    let (section, name) = rest.split_once('/')?;
    if !SECTIONS.contains(&section) || name.is_empty() || name.contains('/') {
        return None;
    }
    Some((section, name.replace("~1", "/").replace("~0", "~")))
}

/// A kind of object a reference can point to.
pub(super) trait Section: Sized + 'static {
    /// Its section of `components`.
    const NAME: &'static str;
    fn component<'d>(components: &'d Components, name: &str) -> Option<&'d ReferenceOr<Self>>;
    fn target<'d>(targets: &'d Targets, pointer: &str) -> Option<&'d ReferenceOr<Self>>;
}

macro_rules! section {
    ($ty:ty, $name:literal, $field:ident) => {
        impl Section for $ty {
            const NAME: &'static str = $name;
            fn component<'d>(c: &'d Components, name: &str) -> Option<&'d ReferenceOr<Self>> {
                c.$field.get(name)
            }
            fn target<'d>(t: &'d Targets, pointer: &str) -> Option<&'d ReferenceOr<Self>> {
                t.$field.get(pointer)
            }
        }
    };
}

section!(Schema, "schemas", schemas);
section!(Parameter, "parameters", parameters);
section!(RequestBody, "requestBodies", request_bodies);
section!(Response, "responses", responses);

/// Why a reference cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RefProblem {
    External,
    /// A component of another section (`#/components/parameters/X` where a schema belongs).
    WrongPlace,
    /// Nothing at that pointer.
    Missing,
}

/// Where a local reference points: a component name, or another JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RefTarget {
    Component(String),
    Pointer(String),
}

/// Classifies a reference expected to point to an object of `section`.
pub(super) fn ref_target(reference: &str, section: &str) -> Result<RefTarget, RefProblem> {
    let pointer = local_pointer(reference).ok_or(RefProblem::External)?;
    match plain_component(&pointer) {
        Some((s, name)) if s == section => Ok(RefTarget::Component(name)),
        Some(_) => Err(RefProblem::WrongPlace),
        None => Ok(RefTarget::Pointer(pointer)),
    }
}

/// The component name a schema reference points to (`#/components/schemas/Event` → `Event`).
#[cfg(test)]
pub(super) fn component_name(reference: &str, section: &str) -> Result<String, RefProblem> {
    match ref_target(reference, section)? {
        RefTarget::Component(name) => Ok(name),
        RefTarget::Pointer(_) => Err(RefProblem::Missing),
    }
}

impl<'d> Lowerer<'d> {
    pub(super) fn resolve_parameter(
        &mut self,
        item: &'d ReferenceOr<Parameter>,
        at: &str,
    ) -> Option<(&'d Parameter, String)> {
        self.follow(item, at)
    }

    pub(super) fn resolve_request_body(
        &mut self,
        item: &'d ReferenceOr<RequestBody>,
        at: &str,
    ) -> Option<(&'d RequestBody, String)> {
        self.follow(item, at)
    }

    pub(super) fn resolve_response(
        &mut self,
        item: &'d ReferenceOr<Response>,
        at: &str,
    ) -> Option<(&'d Response, String)> {
        self.follow(item, at)
    }

    /// Follows a schema reference chain to the schema itself and its pointer.
    pub(super) fn resolve_schema(
        &mut self,
        mut item: SchemaRef<'d>,
        at: &str,
    ) -> Option<(&'d Schema, String)> {
        let mut pointer = at.to_owned();
        for _ in 0..MAX_HOPS {
            let reference = match item {
                SchemaRef::Inline(schema) => return Some((schema, pointer)),
                SchemaRef::Ref(reference) => reference,
            };
            let (target, target_pointer) = self.lookup::<Schema>(reference, &pointer)?;
            item = target.into();
            pointer = target_pointer;
        }
        self.cycle(&pointer);
        None
    }

    fn follow<T: Section>(
        &mut self,
        mut item: &'d ReferenceOr<T>,
        at: &str,
    ) -> Option<(&'d T, String)> {
        let mut pointer = at.to_owned();
        for _ in 0..MAX_HOPS {
            let reference = match item {
                ReferenceOr::Item(value) => return Some((value, pointer)),
                ReferenceOr::Reference { reference } => reference,
            };
            (item, pointer) = self.lookup::<T>(reference, &pointer)?;
        }
        self.cycle(&pointer);
        None
    }

    /// One hop, quietly: the object a reference points to and its pointer.
    pub(super) fn find<T: Section>(
        &self,
        reference: &str,
    ) -> Result<(&'d ReferenceOr<T>, String), RefProblem> {
        let (doc, targets) = (self.doc, self.targets);
        match ref_target(reference, T::NAME)? {
            RefTarget::Component(name) => {
                let found = doc.components.as_ref().and_then(|c| T::component(c, &name));
                let pointer = child(&format!("/components/{}", T::NAME), &name);
                found.map(|t| (t, pointer)).ok_or(RefProblem::Missing)
            }
            RefTarget::Pointer(pointer) => T::target(targets, &pointer)
                .map(|t| (t, pointer))
                .ok_or(RefProblem::Missing),
        }
    }

    /// One hop: the object a reference points to, or a diagnostic at `from`.
    fn lookup<T: Section>(
        &mut self,
        reference: &str,
        from: &str,
    ) -> Option<(&'d ReferenceOr<T>, String)> {
        let section = T::NAME;
        let found = self.find::<T>(reference);
        let dangling = matches!(found, Err(RefProblem::Missing | RefProblem::External));
        let (message, help) = match found {
            Ok(found) => return Some(found),
            Err(RefProblem::External) => (
                format!("external `$ref` `{reference}` is not supported"),
                format!(
                    "copy the definition into this document under `components/{section}` and refer to it as `#/components/{section}/<name>`"
                ),
            ),
            Err(RefProblem::WrongPlace) => (
                format!("`$ref` `{reference}` does not point into `#/components/{section}/`"),
                format!("refer to a definition as `#/components/{section}/<name>`"),
            ),
            Err(RefProblem::Missing) => (
                format!("`$ref` `{reference}` points to nothing"),
                match ref_target(reference, section) {
                    Ok(RefTarget::Component(name)) => format!(
                        "define `{name}` under `components/{section}`, or fix the reference"
                    ),
                    _ => format!(
                        "fix the reference: a JSON pointer to a {section} definition in this document"
                    ),
                },
            ),
        };
        if dangling && self.output {
            // Output types are lenient: what the reference meant is read as any JSON value.
            let warning = Diagnostic::new(
                self.at(from),
                format!("{message}: the tool's output takes any value there (ignored)"),
            )
            .help(help);
            self.warn(warning);
            return None;
        }
        self.error(from, message, help);
        None
    }

    /// Visits a schema and everything it reaches; each reference is followed once per
    /// module (what it reaches does not depend on where it is used, and a problem there is
    /// reported at its first use), so recursive schemas end.
    pub(super) fn check_schema(&mut self, root: SchemaRef<'d>, at: String) {
        let mut stack = vec![(root, at)];
        while let Some((item, pointer)) = stack.pop() {
            let (schema, pointer) = match item {
                SchemaRef::Inline(schema) => (schema, pointer),
                SchemaRef::Ref(reference) => {
                    if !self.checked.insert(reference) {
                        continue;
                    }
                    match self.resolve_schema(item, &pointer) {
                        Some(found) => found,
                        None => continue,
                    }
                }
            };
            // Reversed, so problems are reported in document order.
            let children = subschemas(schema);
            stack.extend(
                children
                    .into_iter()
                    .rev()
                    .map(|(sub, path)| (sub, format!("{pointer}{path}"))),
            );
        }
    }

    fn cycle(&mut self, pointer: &str) {
        self.error(
            pointer,
            "`$ref`s form a cycle that never reaches a definition",
            "make one of the references point to an actual definition",
        );
    }
}

/// The schemas directly inside `schema`, each with its pointer relative to it.
fn subschemas(schema: &Schema) -> Vec<(SchemaRef<'_>, String)> {
    let mut out = Vec::new();
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => list("oneOf", one_of, &mut out),
        SchemaKind::AnyOf { any_of } => list("anyOf", any_of, &mut out),
        SchemaKind::AllOf { all_of } => list("allOf", all_of, &mut out),
        SchemaKind::Not { not } => out.push((SchemaRef::from(&**not), "/not".to_owned())),
        SchemaKind::Any(any) => {
            list("oneOf", &any.one_of, &mut out);
            list("anyOf", &any.any_of, &mut out);
            list("allOf", &any.all_of, &mut out);
            if let Some(not) = &any.not {
                out.push((SchemaRef::from(&**not), "/not".to_owned()));
            }
            let additional = any.additional_properties.as_ref();
            members(&any.properties, any.items.as_ref(), additional, &mut out);
        }
        SchemaKind::Type(Type::Object(object)) => {
            let additional = object.additional_properties.as_ref();
            members(&object.properties, None, additional, &mut out);
        }
        SchemaKind::Type(Type::Array(array)) => {
            members([], array.items.as_ref(), None, &mut out);
        }
        SchemaKind::Type(_) => {}
    }
    out
}

/// The members of `allOf`, `oneOf` or `anyOf`.
fn list<'s>(name: &str, items: &'s [ReferenceOr<Schema>], out: &mut Vec<(SchemaRef<'s>, String)>) {
    for (i, item) in items.iter().enumerate() {
        out.push((SchemaRef::from(item), format!("/{name}/{i}")));
    }
}

/// Properties, `items` and `additionalProperties`.
fn members<'s>(
    properties: impl IntoIterator<Item = (&'s String, &'s ReferenceOr<Box<Schema>>)>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    additional: Option<&'s AdditionalProperties>,
    out: &mut Vec<(SchemaRef<'s>, String)>,
) {
    for (name, property) in properties {
        out.push((property.into(), child("/properties", name)));
    }
    if let Some(items) = items {
        out.push((items.into(), "/items".to_owned()));
    }
    if let Some(AdditionalProperties::Schema(schema)) = additional {
        out.push(((&**schema).into(), "/additionalProperties".to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_names() {
        let table = [
            (
                "#/components/schemas/Event",
                "schemas",
                Ok("Event".to_owned()),
            ),
            (
                "#/components/schemas/a~1b~0c",
                "schemas",
                Ok("a/b~c".to_owned()),
            ),
            (
                "#/components/parameters/x",
                "schemas",
                Err(RefProblem::WrongPlace),
            ),
            ("#/definitions/Event", "schemas", Err(RefProblem::Missing)),
            (
                "#/components/schemas/Foo%20Bar",
                "schemas",
                Ok("Foo Bar".to_owned()),
            ),
            (
                "other.yaml#/components/schemas/X",
                "schemas",
                Err(RefProblem::External),
            ),
            ("https://x/y.json", "schemas", Err(RefProblem::External)),
        ];
        for (reference, section, expected) in table {
            assert_eq!(component_name(reference, section), expected, "{reference}");
        }
    }
}
