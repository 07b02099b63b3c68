//! Composition keywords, decided on the document before anything is lowered: `allOf` merged
//! into one object, and `oneOf`/`anyOf` turned into a Rust enum only when serde decodes it
//! soundly (a nullable pair, a `discriminator`, or branches of distinct JSON types). Anything
//! else stays a JSON value whose schema is kept, which is always sound.

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, Discriminator, ReferenceOr, Schema};

use super::Lowerer;
use super::refs::{SchemaRef, local_pointer};
use super::view::View;
use crate::diagnostic::child;

/// How deep `allOf` and aliases are followed while planning; deeper is treated as unsound.
const MAX_DEPTH: usize = 32;

/// An object's members, from one schema or merged from the branches of an `allOf`.
#[derive(Debug, Clone, Default)]
pub(super) struct Object<'d> {
    pub(super) members: Vec<Member<'d>>,
    pub(super) required: BTreeSet<&'d str>,
    /// `additionalProperties` and its pointer.
    pub(super) additional: Option<(&'d AdditionalProperties, String)>,
    /// The first description found, outermost first.
    pub(super) description: Option<&'d str>,
}

#[derive(Debug, Clone)]
pub(super) struct Member<'d> {
    pub(super) name: &'d str,
    pub(super) item: SchemaRef<'d>,
    /// JSON pointer of the property's schema.
    pub(super) pointer: String,
}

impl<'d> Object<'d> {
    /// The object `view` describes, found at `pointer`.
    pub(super) fn of(view: &View<'d>, pointer: &str) -> Object<'d> {
        let mut object = Object::default();
        object.add(view, pointer);
        object
    }

    /// Adds one part; `false` when it redefines a property differently or brings a second
    /// `additionalProperties` schema, which a single struct cannot express.
    fn add(&mut self, view: &View<'d>, pointer: &str) -> bool {
        for (name, item) in &view.properties {
            let item: SchemaRef<'d> = (*item).into();
            if let Some(existing) = self.members.iter().find(|m| m.name == name.as_str()) {
                if !same(existing.item, item) {
                    return false;
                }
                continue;
            }
            self.members.push(Member {
                name: name.as_str(),
                item,
                pointer: child(&format!("{pointer}/properties"), name),
            });
        }
        self.required
            .extend(view.required.iter().map(String::as_str));
        match (view.additional, &self.additional) {
            (None | Some(AdditionalProperties::Any(false)), _) => {}
            (Some(extra), None) => {
                self.additional = Some((extra, format!("{pointer}/additionalProperties")));
            }
            (Some(extra), Some((existing, _))) if extra == *existing => {}
            (Some(_), Some(_)) => return false,
        }
        if self.description.is_none() {
            self.description = view
                .data
                .description
                .as_deref()
                .filter(|d| !d.trim().is_empty());
        }
        true
    }
}

/// Whether two property schemas are the same (the same reference, or equal definitions).
fn same(a: SchemaRef<'_>, b: SchemaRef<'_>) -> bool {
    match (a, b) {
        (SchemaRef::Ref(a), SchemaRef::Ref(b)) => a == b,
        (SchemaRef::Inline(a), SchemaRef::Inline(b)) => a == b,
        _ => false,
    }
}

/// What an `allOf` amounts to.
#[derive(Debug)]
pub(super) enum Merged<'d> {
    /// One branch constrains the value and the rest only annotate it (`allOf: [{$ref: X}]`
    /// plus a description): the value is that branch.
    Single(SchemaRef<'d>, String),
    /// Object branches, members unioned.
    Object(Object<'d>),
    /// Conflicting, non-object or cyclic branches.
    Unsound,
}

/// How a `oneOf`/`anyOf` becomes Rust.
#[derive(Debug)]
pub(super) enum Union<'d> {
    /// One real branch (others only `null`): that branch, nullable if a `null` one was dropped.
    Single(SchemaRef<'d>, String, bool),
    /// A `discriminator` over object branches: an internally tagged enum.
    Tagged {
        property: &'d str,
        branches: Vec<TaggedBranch<'d>>,
        nullable: bool,
    },
    /// Branches of distinct JSON types: an untagged enum serde cannot get wrong.
    Untagged {
        branches: Vec<(SchemaRef<'d>, String, &'static str)>,
        nullable: bool,
    },
    Unsound,
}

#[derive(Debug)]
pub(super) struct TaggedBranch<'d> {
    pub(super) item: SchemaRef<'d>,
    pub(super) pointer: String,
    /// The discriminator values that select this branch.
    pub(super) values: Vec<String>,
}

impl<'d> Lowerer<'d> {
    /// Follows references quietly, with the target's pointer (problems are reported when the
    /// schema is lowered or checked).
    pub(super) fn peek(&self, mut item: SchemaRef<'d>, at: &str) -> Option<(&'d Schema, String)> {
        let mut pointer = at.to_owned();
        for _ in 0..MAX_DEPTH {
            match item {
                SchemaRef::Inline(schema) => return Some((schema, pointer)),
                SchemaRef::Ref(reference) => {
                    let (target, target_pointer) = self.find::<Schema>(reference).ok()?;
                    item = target.into();
                    pointer = target_pointer;
                }
            }
        }
        None
    }

    /// Merges an `allOf` (with the schema's own properties, nested `allOf`s and references
    /// followed) into one object, or finds the single branch that constrains the value.
    pub(super) fn merge_all_of(&self, schema: &'d Schema, pointer: &str) -> Merged<'d> {
        let mut object = Object::default();
        // Parts that constrain the value: (is an object, the part, its pointer, its depth).
        let mut parts: Vec<(bool, SchemaRef<'d>, String, usize)> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![(SchemaRef::Inline(schema), pointer.to_owned(), 0)];
        while let Some((item, at, depth)) = stack.pop() {
            let Some((target, target_at)) = self.peek(item, &at) else {
                return Merged::Unsound;
            };
            if depth > MAX_DEPTH {
                return Merged::Unsound;
            }
            // A part reached twice (a diamond, or a cycle) adds nothing the second time.
            if !seen.insert(target_at.clone()) {
                continue;
            }
            let view = View::of(target);
            if view.composite {
                return Merged::Unsound;
            }
            // Branches are pushed reversed so members keep document order.
            for (i, branch) in view.all_of.iter().enumerate().rev() {
                stack.push((branch.into(), format!("{target_at}/allOf/{i}"), depth + 1));
            }
            let has_members = !view.properties.is_empty() || view.additional.is_some();
            let object_like = matches!(view.typ, None | Some("object"))
                && view.items.is_none()
                && view.enumeration.is_empty();
            if object_like && has_members {
                if !object.add(&view, &target_at) {
                    return Merged::Unsound;
                }
                parts.push((true, item, at, depth));
            } else if !object_like && view.all_of.is_empty() && !view.is_annotation_only() {
                parts.push((false, item, at, depth));
            } else if object.description.is_none() {
                object.description = view.data.description.as_deref();
            }
        }
        match parts.as_slice() {
            // `allOf: [{$ref: X}]`: X itself (a component keeps its own type and name).
            [(_, item, at, depth)] if *depth > 0 => Merged::Single(*item, at.clone()),
            _ if !object.members.is_empty() && parts.iter().all(|(is_object, ..)| *is_object) => {
                Merged::Object(object)
            }
            _ => Merged::Unsound,
        }
    }

    /// Plans a `oneOf`/`anyOf` (`branches` at `pointer/keyword`).
    pub(super) fn plan_union(
        &self,
        branches: &'d [ReferenceOr<Schema>],
        keyword: &str,
        pointer: &str,
        discriminator: Option<&'d Discriminator>,
    ) -> Union<'d> {
        let mut nullable = false;
        let mut real = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let at = format!("{pointer}/{keyword}/{i}");
            let item: SchemaRef<'d> = branch.into();
            let Some((target, _)) = self.peek(item, &at) else {
                return Union::Unsound;
            };
            let view = View::of(target);
            if view.is_null_only() {
                nullable = true;
                continue;
            }
            nullable |= view.data.nullable;
            real.push((item, at));
        }
        if real.len() == 1 {
            let (item, at) = real.remove(0);
            return Union::Single(item, at, nullable);
        }
        if real.is_empty() {
            return Union::Unsound;
        }
        if let Some(discriminator) = discriminator {
            return self.plan_tagged(discriminator, real, nullable);
        }
        let mut types = BTreeSet::new();
        let mut out = Vec::new();
        for (item, at) in real {
            let Some(json_type) = self.json_type(item, &at, 0) else {
                return Union::Unsound;
            };
            // A JSON integer is also a number: serde would not know which one was meant.
            let clash = match json_type {
                "integer" => types.contains("number"),
                "number" => types.contains("integer"),
                _ => false,
            };
            if clash || !types.insert(json_type) {
                return Union::Unsound;
            }
            out.push((item, at, json_type));
        }
        Union::Untagged {
            branches: out,
            nullable,
        }
    }

    /// The one JSON type every value of a schema has, if the Rust type for it accepts exactly
    /// that type (`None` for untyped schemas, unions and `nullable` ones).
    fn json_type(&self, item: SchemaRef<'d>, at: &str, depth: usize) -> Option<&'static str> {
        let (schema, at) = self.peek(item, at)?;
        let view = View::of(schema);
        // `nullable` is left to the union (its use site becomes an `Option`).
        if view.composite || depth > MAX_DEPTH {
            return None;
        }
        if !view.all_of.is_empty() {
            return match self.merge_all_of(schema, &at) {
                Merged::Object(_) => Some("object"),
                Merged::Single(item, at) => self.json_type(item, &at, depth + 1),
                Merged::Unsound => None,
            };
        }
        match view.typ {
            Some("string") => Some("string"),
            Some("integer") => Some("integer"),
            Some("number") => Some("number"),
            Some("boolean") => Some("boolean"),
            Some("array") => Some("array"),
            Some("object") => Some("object"),
            None if !view.properties.is_empty() || view.additional.is_some() => Some("object"),
            None if !view.string_enum().is_empty() => Some("string"),
            _ => None,
        }
    }

    /// A tagged enum when every branch is an object whose discriminator property (if it has
    /// one) is a string, and every discriminator value selects exactly one branch.
    fn plan_tagged(
        &self,
        discriminator: &'d Discriminator,
        real: Vec<(SchemaRef<'d>, String)>,
        nullable: bool,
    ) -> Union<'d> {
        let property = discriminator.property_name.as_str();
        let mut taken = BTreeSet::new();
        let mut branches = Vec::new();
        for (item, at) in real {
            let Some(values) = self.tag_values(discriminator, item, &at) else {
                return Union::Unsound;
            };
            if values.is_empty() || !values.iter().all(|v| taken.insert(v.clone())) {
                return Union::Unsound;
            }
            branches.push(TaggedBranch {
                item,
                pointer: at,
                values,
            });
        }
        if property.is_empty() {
            return Union::Unsound;
        }
        Union::Tagged {
            property,
            branches,
            nullable,
        }
    }

    /// The discriminator values of one branch: the mapping's keys that point to it, else the
    /// values its tag property allows, else (a reference) the component's name. `None` when
    /// the branch is no object or its tag property is not a string.
    fn tag_values(
        &self,
        discriminator: &'d Discriminator,
        item: SchemaRef<'d>,
        at: &str,
    ) -> Option<Vec<String>> {
        let (schema, target_at) = self.peek(item, at)?;
        let view = View::of(schema);
        let object = if view.all_of.is_empty() {
            (view.has_properties() && view.enumeration.is_empty())
                .then(|| Object::of(&view, &target_at))?
        } else {
            match self.merge_all_of(schema, &target_at) {
                Merged::Object(object) => object,
                _ => return None,
            }
        };
        let property = discriminator.property_name.as_str();
        let allowed = match object.members.iter().find(|m| m.name == property) {
            Some(member) => {
                let (tag, _) = self.peek(member.item, &member.pointer)?;
                let tag = View::of(tag);
                let values = tag.string_enum();
                if !values.is_empty() {
                    Some(values)
                } else if tag.typ == Some("string") && tag.enumeration.is_empty() {
                    None
                } else {
                    return None;
                }
            }
            None => None,
        };
        let mapped: Vec<String> = discriminator
            .mapping
            .iter()
            .filter(|(_, target)| points_to(target, item, &target_at))
            .map(|(value, _)| value.clone())
            .collect();
        let values = if !mapped.is_empty() {
            mapped
        } else if let Some(allowed) = &allowed {
            allowed.clone()
        } else {
            match item {
                SchemaRef::Ref(_) => {
                    let name = target_at.strip_prefix("/components/schemas/")?;
                    vec![name.replace("~1", "/").replace("~0", "~")]
                }
                SchemaRef::Inline(_) => return None,
            }
        };
        // A value the branch itself rejects would make the enum accept what the API refuses.
        match &allowed {
            Some(allowed) if !values.iter().all(|v| allowed.contains(v)) => None,
            _ => Some(values),
        }
    }
}

/// Whether a mapping target (`#/components/schemas/Dog` or a bare `Dog`) names this branch.
fn points_to(target: &str, item: SchemaRef<'_>, resolved: &str) -> bool {
    let pointer = if target.starts_with('#') {
        local_pointer(target)
    } else {
        Some(child("/components/schemas", target))
    };
    let Some(pointer) = pointer else {
        return false;
    };
    let direct = match item {
        SchemaRef::Ref(reference) => local_pointer(reference),
        SchemaRef::Inline(_) => None,
    };
    pointer == resolved || direct.as_deref() == Some(pointer.as_str())
}
