//! Schemas → IR types. Component objects, enums and unions become named types once per module
//! (by component name); inline ones get synthesized names (`<Parent><Field>`). `allOf` merges
//! into one struct and `oneOf`/`anyOf` becomes an enum where that is sound (see `compose.rs`);
//! what Rust cannot type soundly becomes any JSON value, its schema kept.

use openapiv3::{AdditionalProperties, Schema};
use serde_json::json;

use super::compose::{Merged, Object, TaggedBranch, Union};
use super::refs::SchemaRef;
pub(super) use super::view::View;
use super::{Lowerer, text};
use crate::ir::{self, IntWidth, Kind, Property, TypeDef, TypeId, TypeKind, Variant};
use crate::naming;

fn any() -> ir::Schema {
    ir::Schema::of(Kind::Json(json!({})))
}

/// What a schema becomes.
enum Plan<'d> {
    Struct(Object<'d>),
    StringEnum(Vec<String>),
    IntEnum(Vec<i64>),
    /// A tagged or untagged union (never `Single` or `Unsound`), and whether it was `anyOf`.
    Union(Union<'d>, bool),
    /// Another schema stands for this one (`allOf: [{$ref: X}]`, `oneOf: [X, null]`); the flag
    /// says a `null` branch was dropped.
    Alias(SchemaRef<'d>, String, bool),
    /// Any JSON value, its schema kept.
    Json,
    /// A scalar, array or map.
    Plain,
}

impl Plan<'_> {
    fn is_named(&self) -> bool {
        matches!(
            self,
            Plan::Struct(_) | Plan::StringEnum(_) | Plan::IntEnum(_) | Plan::Union(..)
        )
    }
}

/// Named types still to be completed once everything is lowered: a tagged union's payload is
/// its branch struct without the tag property, and that struct may still be being filled
/// (recursion) when the union is lowered.
#[derive(Debug, Default)]
pub(super) struct Pending {
    /// (payload, branch struct, tag property).
    payloads: Vec<(TypeId, TypeId, String)>,
    /// Unions with a `null` branch: every use of them is nullable.
    nullable: std::collections::BTreeSet<TypeId>,
}

impl<'d> Lowerer<'d> {
    /// Lowers a schema or reference found at `pointer`; `hint` names a type it may need.
    pub(super) fn schema(&mut self, item: SchemaRef<'d>, pointer: &str, hint: &str) -> ir::Schema {
        match item {
            SchemaRef::Inline(schema) => self.inline(schema, pointer, hint),
            SchemaRef::Ref(reference) => self.component(reference, pointer, hint),
        }
    }

    /// A referenced schema: objects, enums and unions become one named type per target
    /// (keyed by its JSON pointer); others are lowered in place.
    fn component(&mut self, reference: &'d str, from: &str, hint: &str) -> ir::Schema {
        if let Ok((_, pointer)) = self.find::<openapiv3::Schema>(reference)
            && let Some(id) = self.known().get(&pointer)
        {
            return self.named(*id);
        }
        let Some((target, pointer)) = self.resolve_schema(SchemaRef::Ref(reference), from) else {
            return any();
        };
        // After an alias chain the final target identifies the type.
        if let Some(id) = self.known().get(&pointer) {
            return self.named(*id);
        }
        let view = View::of(target);
        // A component is named after itself; a bundler's pointer (`#/paths/...`) after its use.
        // Output types are another reading of the same schema (lenient, read-only fields
        // kept), so a component's output type is `<Name>Output`.
        let suffix = if self.output { "Output" } else { "" };
        let type_name = match pointer.strip_prefix("/components/schemas/") {
            Some(name) => {
                let name = naming::type_name(&name.replace("~1", "/").replace("~0", "~"), "Type");
                format!("{name}{suffix}")
            }
            None => hint.to_owned(),
        };
        let plan = self.plan(target, &view, &pointer);
        if plan.is_named() {
            // Unique within the module: a component may be called `Option`, collide with an
            // input type, or match another component after case conversion (`a_b`, `AB`).
            let name = self.names.unique(&type_name);
            let id = self.new_type(&name, &pointer, &view, &plan);
            self.known_mut().insert(pointer.clone(), id);
            self.fill(id, plan);
            return self.named(id);
        }
        if self.aliases.contains(&pointer) {
            // A non-object schema that contains itself (`A: {items: {$ref: A}}`).
            return any();
        }
        self.aliases.push(pointer.clone());
        let schema = self.inline(target, &pointer, &type_name);
        self.aliases.pop();
        schema
    }

    /// Component types of the current reading (inputs or outputs).
    fn known(&self) -> &std::collections::BTreeMap<String, TypeId> {
        if self.output {
            &self.output_components
        } else {
            &self.components
        }
    }

    fn known_mut(&mut self) -> &mut std::collections::BTreeMap<String, TypeId> {
        if self.output {
            &mut self.output_components
        } else {
            &mut self.components
        }
    }

    fn named(&self, id: TypeId) -> ir::Schema {
        let mut schema = ir::Schema::of(Kind::Named(id));
        schema.nullable = self.pending.nullable.contains(&id);
        schema
    }

    fn inline(&mut self, schema: &'d Schema, pointer: &str, hint: &str) -> ir::Schema {
        let view = View::of(schema);
        let mut out = self.shape(schema, &view, pointer, hint);
        out.description = text(view.data.description.as_deref()).or(out.description);
        if let Some(default) = view.data.default.clone().filter(|d| !d.is_null()) {
            out.default = Some(default);
        }
        out.nullable |= view.data.nullable;
        out
    }

    /// Decides what a schema becomes, without lowering anything yet.
    fn plan(&self, schema: &'d Schema, view: &View<'d>, pointer: &str) -> Plan<'d> {
        if view.composite {
            let (branches, keyword) = match (view.one_of, view.any_of) {
                (branches, []) if !branches.is_empty() => (branches, "oneOf"),
                ([], branches) if !branches.is_empty() => (branches, "anyOf"),
                _ => return Plan::Json,
            };
            // Properties or `allOf` next to the union would have to hold in every branch.
            let mixed = !view.properties.is_empty()
                || !view.all_of.is_empty()
                || !matches!(view.typ, None | Some("object"));
            if mixed {
                return Plan::Json;
            }
            let discriminator = view.discriminator();
            return match self.plan_union(branches, keyword, pointer, discriminator) {
                Union::Single(item, at, nullable) => Plan::Alias(item, at, nullable),
                Union::Unsound => Plan::Json,
                // `type: object` leaves only the object branch valid: not a real union.
                Union::Untagged { .. } if view.typ.is_some() => Plan::Json,
                // A provider that adds a kind would make every answer fail to read.
                Union::Tagged { .. } if self.output => Plan::Json,
                union => Plan::Union(union, keyword == "anyOf"),
            };
        }
        if !view.all_of.is_empty() {
            return match self.merge_all_of(schema, pointer) {
                Merged::Single(item, at) => Plan::Alias(item, at, false),
                Merged::Object(object) => Plan::Struct(object),
                Merged::Unsound => Plan::Json,
            };
        }
        // Outputs read enums as plain values: providers add values before documenting them.
        let strings = view.string_enum();
        if !strings.is_empty() && !self.output {
            return Plan::StringEnum(strings);
        }
        let integers = view.int_enum();
        if !integers.is_empty() && !self.output {
            return Plan::IntEnum(integers);
        }
        if view.has_properties() {
            return Plan::Struct(Object::of(view, pointer));
        }
        Plan::Plain
    }

    fn shape(
        &mut self,
        schema: &'d Schema,
        view: &View<'d>,
        pointer: &str,
        hint: &str,
    ) -> ir::Schema {
        match self.plan(schema, view, pointer) {
            Plan::Json => ir::Schema::of(Kind::Json(self.untyped(schema, pointer))),
            Plan::Alias(item, at, nullable) => {
                let mut out = self.schema(item, &at, hint);
                out.nullable |= nullable;
                out
            }
            Plan::Plain => self.plain(schema, view, pointer, hint),
            plan => {
                let name = self.names.unique(hint);
                let id = self.new_type(&name, pointer, view, &plan);
                self.fill(id, plan);
                self.named(id)
            }
        }
    }

    /// Scalars, arrays and maps.
    fn plain(
        &mut self,
        schema: &'d Schema,
        view: &View<'d>,
        pointer: &str,
        hint: &str,
    ) -> ir::Schema {
        let kind = match view.typ {
            Some("string") => Kind::String,
            Some("integer") if view.format.as_deref() == Some("int32") && !self.output => {
                Kind::Integer(IntWidth::I32)
            }
            Some("integer") => Kind::Integer(IntWidth::I64),
            Some("number") => Kind::Number,
            Some("boolean") => Kind::Boolean,
            Some("array") => {
                let items = match view.items {
                    Some(items) => self.schema(
                        items.into(),
                        &format!("{pointer}/items"),
                        &format!("{hint}Item"),
                    ),
                    None => any(),
                };
                Kind::Array(Box::new(items))
            }
            Some("object") | None if view.typ.is_some() || view.additional.is_some() => {
                let object = Object::of(view, pointer);
                Kind::Map(Box::new(self.additional(&object, hint).unwrap_or_else(any)))
            }
            _ => Kind::Json(self.untyped(schema, pointer)),
        };
        let mut out = ir::Schema::of(kind);
        if !matches!(out.kind, Kind::Json(_)) {
            out.format = view.format.clone();
            out.keywords = view.keywords.clone();
        }
        out
    }

    /// A schema kept as portable JSON Schema; its references are still checked, since
    /// inlining turns one that points nowhere into `{}` without a word. An output's untyped
    /// value is written as any JSON (`{}`), so there only whether the schema says anything
    /// is kept, not its inlined references (in a large document they are most of it).
    fn untyped(&mut self, schema: &'d Schema, pointer: &str) -> serde_json::Value {
        self.check_schema(SchemaRef::Inline(schema), pointer.to_owned());
        if self.output {
            return Self::shallow(schema);
        }
        self.portable(schema)
    }

    /// Registers a named type; structs and unions are filled by [`Lowerer::fill`], after
    /// registration, so references back to the type end here instead of looping.
    fn new_type(&mut self, name: &str, pointer: &str, view: &View<'_>, plan: &Plan<'_>) -> TypeId {
        let id = TypeId(self.types.len());
        let mut description = text(view.data.description.as_deref());
        let kind = match plan {
            Plan::StringEnum(values) => TypeKind::Enum {
                values: values.clone(),
            },
            Plan::IntEnum(values) => TypeKind::IntEnum {
                values: values.clone(),
            },
            Plan::Union(union, any_of) => {
                let tag = match union {
                    Union::Tagged { property, .. } => Some((*property).to_owned()),
                    _ => None,
                };
                TypeKind::Union {
                    tag,
                    any_of: *any_of,
                    variants: Vec::new(),
                }
            }
            Plan::Struct(object) => {
                description = description.or_else(|| text(object.description));
                empty_struct()
            }
            Plan::Alias(..) | Plan::Json | Plan::Plain => empty_struct(),
        };
        self.types.push(TypeDef {
            name: name.to_owned(),
            pointer: pointer.to_owned(),
            description,
            kind,
        });
        id
    }

    /// Lowers the members of a struct or the branches of a union registered as `id`.
    fn fill(&mut self, id: TypeId, plan: Plan<'d>) {
        let Some(name) = self.types.get(id.0).map(|def| def.name.clone()) else {
            return;
        };
        let kind = match plan {
            Plan::Struct(object) => {
                let properties = self.members(&object, &name);
                let additional = self.additional(&object, &name).map(Box::new);
                TypeKind::Struct {
                    properties,
                    additional,
                }
            }
            Plan::Union(union, any_of) => {
                let (tag, variants, nullable) = self.variants(union, &name);
                if nullable {
                    self.pending.nullable.insert(id);
                }
                TypeKind::Union {
                    tag,
                    any_of,
                    variants,
                }
            }
            _ => return,
        };
        if let Some(def) = self.types.get_mut(id.0) {
            def.kind = kind;
        }
    }

    /// A union's variants, its tag property and whether it has a `null` branch.
    fn variants(&mut self, union: Union<'d>, name: &str) -> (Option<String>, Vec<Variant>, bool) {
        match union {
            Union::Untagged { branches, nullable } => {
                let mut variants = Vec::new();
                for (item, at, json_type) in branches {
                    let hint = naming::nested_type_name(name, json_type);
                    let mut schema = self.schema(item, &at, &hint);
                    // `null` is the use site's business (an `Option`), not a branch's.
                    schema.nullable = false;
                    let label = match &schema.kind {
                        Kind::Named(id) => self.types.get(id.0).map(|t| t.name.clone()),
                        _ => None,
                    };
                    let label = label.unwrap_or_else(|| naming::type_name(json_type, "Value"));
                    variants.push(Variant {
                        label,
                        tag_value: None,
                        schema,
                    });
                }
                (None, variants, nullable)
            }
            Union::Tagged {
                property,
                branches,
                nullable,
            } => {
                let variants = self.tagged_variants(property, branches, name);
                (Some(property.to_owned()), variants, nullable)
            }
            Union::Single(..) | Union::Unsound => (None, Vec::new(), false),
        }
    }

    /// One variant per discriminator value; a branch's values share one payload struct: the
    /// branch without its tag property (completed by [`Lowerer::finish_types`]).
    fn tagged_variants(
        &mut self,
        property: &str,
        branches: Vec<TaggedBranch<'d>>,
        name: &str,
    ) -> Vec<Variant> {
        let mut variants = Vec::new();
        for branch in branches {
            let first = branch.values.first().map_or("Variant", String::as_str);
            let payload_name = naming::nested_type_name(name, first);
            let hint = format!("{payload_name}Branch");
            let lowered = self.schema(branch.item, &branch.pointer, &hint);
            let schema = match lowered.kind {
                Kind::Named(source) => {
                    let payload = TypeId(self.types.len());
                    let description = self.types.get(source.0).and_then(|t| t.description.clone());
                    self.types.push(TypeDef {
                        name: self.names.unique(&payload_name),
                        pointer: branch.pointer.clone(),
                        description,
                        kind: empty_struct(),
                    });
                    let tag = property.to_owned();
                    self.pending.payloads.push((payload, source, tag));
                    ir::Schema::of(Kind::Named(payload))
                }
                // Only when the branch could not be read (already reported): keep it typed as
                // what it lowered to rather than drop it.
                _ => lowered,
            };
            for value in branch.values {
                variants.push(Variant {
                    label: value.clone(),
                    tag_value: Some(value),
                    schema: schema.clone(),
                });
            }
        }
        variants
    }

    /// Completes the payloads of tagged unions: each is its branch struct without the tag
    /// property, which serde writes itself.
    pub(super) fn finish_types(&mut self) {
        for (payload, source, tag) in std::mem::take(&mut self.pending.payloads) {
            let Some(TypeKind::Struct {
                properties,
                additional,
            }) = self.types.get(source.0).map(|def| def.kind.clone())
            else {
                continue;
            };
            let properties = properties.into_iter().filter(|p| p.name != tag).collect();
            if let Some(def) = self.types.get_mut(payload.0) {
                def.kind = TypeKind::Struct {
                    properties,
                    additional,
                };
            }
        }
    }

    /// The type of `additionalProperties`, if any are allowed.
    fn additional(&mut self, object: &Object<'d>, parent: &str) -> Option<ir::Schema> {
        let Some((additional, at)) = object.additional.as_ref() else {
            // JSON Schema allows any further property unless it says otherwise; an output
            // keeps them (providers answer more than they document).
            return self.output.then(any);
        };
        match additional {
            AdditionalProperties::Any(true) => Some(any()),
            AdditionalProperties::Any(false) => None,
            AdditionalProperties::Schema(schema) => {
                Some(self.schema((&**schema).into(), at, &format!("{parent}Value")))
            }
        }
    }

    /// An object's properties (see [`Lowerer::members`]).
    pub(super) fn properties(
        &mut self,
        view: &View<'d>,
        pointer: &str,
        parent: &str,
    ) -> Vec<Property> {
        self.members(&Object::of(view, pointer), parent)
    }

    /// An object's properties; `readOnly` ones are left out of inputs (OpenAPI says they
    /// SHOULD NOT be sent), `writeOnly` ones out of outputs. A nullable one is an `Option`,
    /// sent as `null` when the document requires it. In an output nothing is required:
    /// providers omit fields their documents require.
    fn members(&mut self, object: &Object<'d>, parent: &str) -> Vec<Property> {
        let mut out = Vec::new();
        for member in &object.members {
            let data = self
                .peek(member.item, &member.pointer)
                .map(|(schema, _)| &schema.schema_data);
            let skipped = match self.output {
                false => data.is_some_and(|d| d.read_only),
                true => data.is_some_and(|d| d.write_only),
            };
            if skipped {
                continue;
            }
            let hint = naming::nested_type_name(parent, member.name);
            let mut schema = self.schema(member.item, &member.pointer, &hint);
            let nullable = schema.nullable || data.is_some_and(|d| d.nullable);
            schema.nullable = nullable;
            let required = object.required.contains(member.name) && !self.output;
            out.push(Property {
                name: member.name.to_owned(),
                required: required && !nullable,
                required_nullable: required && nullable,
                schema,
            });
        }
        out
    }
}

fn empty_struct() -> TypeKind {
    TypeKind::Struct {
        properties: Vec::new(),
        additional: None,
    }
}
