//! Following local `$ref`s (`#/components/<section>/<name>`), through chains, without looping,
//! and checking every reference a schema reaches when it is not lowered into types (responses,
//! untyped values). External references are reported: the document must be self-contained.

use std::collections::BTreeSet;

use openapiv3::{
    AdditionalProperties, Components, Parameter, ReferenceOr, RequestBody, Response, Schema,
    SchemaKind, Type,
};

use super::Lowerer;
use crate::diagnostic::child;

/// Longer `$ref` chains than this are treated as cycles.
const MAX_HOPS: usize = 32;

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

/// Finds a named component in one section of `components`.
type Getter<'d, T> = fn(&'d Components, &str) -> Option<&'d ReferenceOr<T>>;

/// Why a reference cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RefProblem {
    External,
    WrongPlace,
}

/// The component name a local reference points to (`#/components/schemas/Event` → `Event`).
pub(super) fn component_name(reference: &str, section: &str) -> Result<String, RefProblem> {
    let Some(pointer) = reference.strip_prefix('#') else {
        return Err(RefProblem::External);
    };
    let prefix = format!("/components/{section}/");
    let name = pointer
        .strip_prefix(&prefix)
        .ok_or(RefProblem::WrongPlace)?;
    if name.is_empty() || name.contains('/') {
        return Err(RefProblem::WrongPlace);
    }
    Ok(name.replace("~1", "/").replace("~0", "~"))
}

impl<'d> Lowerer<'d> {
    pub(super) fn resolve_parameter(
        &mut self,
        item: &'d ReferenceOr<Parameter>,
        at: &str,
    ) -> Option<(&'d Parameter, String)> {
        self.follow(item, at, "parameters", |c, n| c.parameters.get(n))
    }

    pub(super) fn resolve_request_body(
        &mut self,
        item: &'d ReferenceOr<RequestBody>,
        at: &str,
    ) -> Option<(&'d RequestBody, String)> {
        self.follow(item, at, "requestBodies", |c, n| c.request_bodies.get(n))
    }

    pub(super) fn resolve_response(
        &mut self,
        item: &'d ReferenceOr<Response>,
        at: &str,
    ) -> Option<(&'d Response, String)> {
        self.follow(item, at, "responses", |c, n| c.responses.get(n))
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
            let (target, target_pointer) =
                self.lookup(reference, &pointer, "schemas", |c, n| c.schemas.get(n))?;
            item = target.into();
            pointer = target_pointer;
        }
        self.cycle(&pointer);
        None
    }

    fn follow<T>(
        &mut self,
        mut item: &'d ReferenceOr<T>,
        at: &str,
        section: &str,
        get: Getter<'d, T>,
    ) -> Option<(&'d T, String)> {
        let mut pointer = at.to_owned();
        for _ in 0..MAX_HOPS {
            let reference = match item {
                ReferenceOr::Item(value) => return Some((value, pointer)),
                ReferenceOr::Reference { reference } => reference,
            };
            (item, pointer) = self.lookup(reference, &pointer, section, get)?;
        }
        self.cycle(&pointer);
        None
    }

    /// One hop: the component a reference names, or a diagnostic at `from`.
    fn lookup<T>(
        &mut self,
        reference: &str,
        from: &str,
        section: &str,
        get: Getter<'d, T>,
    ) -> Option<(&'d ReferenceOr<T>, String)> {
        let doc = self.doc;
        let name = match component_name(reference, section) {
            Ok(name) => name,
            Err(RefProblem::External) => {
                self.error(
                    from,
                    format!("external `$ref` `{reference}` is not supported"),
                    format!("copy the definition into this document under `components/{section}` and refer to it as `#/components/{section}/<name>`"),
                );
                return None;
            }
            Err(RefProblem::WrongPlace) => {
                self.error(
                    from,
                    format!("`$ref` `{reference}` does not point into `#/components/{section}/`"),
                    format!("refer to a definition as `#/components/{section}/<name>`"),
                );
                return None;
            }
        };
        let Some(target) = doc.components.as_ref().and_then(|c| get(c, &name)) else {
            self.error(
                from,
                format!("`$ref` `{reference}` points to nothing"),
                format!("define `{name}` under `components/{section}`, or fix the reference"),
            );
            return None;
        };
        Some((target, child(&format!("/components/{section}"), &name)))
    }

    /// Visits a schema and everything it reaches; each reference is followed once, so
    /// recursive schemas end.
    pub(super) fn check_schema(&mut self, root: SchemaRef<'d>, at: String) {
        let mut followed: BTreeSet<&'d str> = BTreeSet::new();
        let mut stack = vec![(root, at)];
        while let Some((item, pointer)) = stack.pop() {
            let (schema, pointer) = match item {
                SchemaRef::Inline(schema) => (schema, pointer),
                SchemaRef::Ref(reference) => {
                    if !followed.insert(reference) {
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
            (
                "#/definitions/Event",
                "schemas",
                Err(RefProblem::WrongPlace),
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
