//! Schemas → IR types. Component object schemas and string enums become named types once per
//! module (by component name); inline ones get synthesized names (`<Parent><Field>`). What Rust
//! cannot type precisely (`oneOf`, `anyOf`, no `type`) becomes any JSON value, its schema kept.

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::refs::SchemaRef;
use super::{Lowerer, text};
use crate::diagnostic::child;
use crate::ir::{self, IntWidth, Kind, Property, TypeDef, TypeId, TypeKind};
use crate::naming;

/// One shape for every way openapiv3 can hold a schema (typed variants or `Any`).
pub(super) struct View<'d> {
    typ: Option<&'d str>,
    format: Option<String>,
    enumeration: Vec<Value>,
    properties: Vec<(&'d String, &'d ReferenceOr<Box<Schema>>)>,
    required: &'d [String],
    additional: Option<&'d AdditionalProperties>,
    items: Option<&'d ReferenceOr<Box<Schema>>>,
    /// Kept JSON Schema keywords, in a fixed order.
    keywords: Vec<(String, Value)>,
    /// `oneOf`, `anyOf` or `not`.
    composite: bool,
    all_of: &'d [ReferenceOr<Schema>],
    data: &'d SchemaData,
}

impl<'d> View<'d> {
    pub(super) fn of(schema: &'d Schema) -> View<'d> {
        let mut view = View {
            typ: None,
            format: None,
            enumeration: Vec::new(),
            properties: Vec::new(),
            required: &[],
            additional: None,
            items: None,
            keywords: Vec::new(),
            composite: false,
            all_of: &[],
            data: &schema.schema_data,
        };
        match &schema.schema_kind {
            SchemaKind::Type(ty) => view.typed(ty),
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => {
                view.composite = true;
            }
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::Any(any) => {
                view.typ = any.typ.as_deref();
                view.format = any.format.clone();
                view.enumeration = any.enumeration.clone();
                view.properties = any.properties.iter().collect();
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.composite =
                    !any.one_of.is_empty() || !any.any_of.is_empty() || any.not.is_some();
                view.all_of = &any.all_of;
                let numbers = (
                    any.minimum,
                    any.exclusive_minimum,
                    any.maximum,
                    any.exclusive_maximum,
                );
                view.bounds(
                    numbers.0.map(f64_value),
                    numbers.1,
                    numbers.2.map(f64_value),
                    numbers.3,
                );
                view.keyword("multipleOf", any.multiple_of.map(f64_value));
                view.lengths(any.min_length, any.max_length, any.pattern.as_deref());
                view.item_counts(
                    any.min_items,
                    any.max_items,
                    any.unique_items.unwrap_or(false),
                );
            }
        }
        view
    }

    fn typed(&mut self, ty: &'d Type) {
        match ty {
            Type::String(s) => {
                self.typ = Some("string");
                self.format = format_text(&s.format);
                self.enumeration = s.enumeration.iter().flatten().map(|v| json!(v)).collect();
                self.lengths(s.min_length, s.max_length, s.pattern.as_deref());
            }
            Type::Integer(i) => {
                self.typ = Some("integer");
                self.format = format_text(&i.format);
                self.keyword_enum(i.enumeration.iter().flatten().map(|v| json!(v)).collect());
                self.bounds(
                    i.minimum.map(Value::from),
                    Some(i.exclusive_minimum),
                    i.maximum.map(Value::from),
                    Some(i.exclusive_maximum),
                );
                self.keyword("multipleOf", i.multiple_of.map(Value::from));
            }
            Type::Number(n) => {
                self.typ = Some("number");
                self.format = format_text(&n.format);
                self.keyword_enum(
                    n.enumeration
                        .iter()
                        .flatten()
                        .map(|v| f64_value(*v))
                        .collect(),
                );
                self.bounds(
                    n.minimum.map(f64_value),
                    Some(n.exclusive_minimum),
                    n.maximum.map(f64_value),
                    Some(n.exclusive_maximum),
                );
                self.keyword("multipleOf", n.multiple_of.map(f64_value));
            }
            Type::Boolean(_) => self.typ = Some("boolean"),
            Type::Object(o) => {
                self.typ = Some("object");
                self.properties = o.properties.iter().collect();
                self.required = &o.required;
                self.additional = o.additional_properties.as_ref();
            }
            Type::Array(a) => {
                self.typ = Some("array");
                self.items = a.items.as_ref();
                self.item_counts(a.min_items, a.max_items, a.unique_items);
            }
        }
    }

    /// An object with named properties (a struct).
    pub(super) fn has_properties(&self) -> bool {
        !self.composite && matches!(self.typ, None | Some("object")) && !self.properties.is_empty()
    }

    /// The values of a string enum, duplicates removed; empty if this is not one.
    fn string_enum(&self) -> Vec<String> {
        if self.composite || !matches!(self.typ, None | Some("string")) {
            return Vec::new();
        }
        let mut values: Vec<String> = Vec::new();
        for value in &self.enumeration {
            match value {
                Value::String(s) if !values.contains(s) => values.push(s.clone()),
                Value::String(_) | Value::Null => {}
                _ => return Vec::new(),
            }
        }
        values
    }

    /// Whether this schema becomes a named type when it is a component.
    fn is_nameable(&self) -> bool {
        self.has_properties() || !self.string_enum().is_empty()
    }

    fn keyword(&mut self, name: &str, value: Option<Value>) {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            self.keywords.push((name.to_owned(), value));
        }
    }

    fn keyword_enum(&mut self, values: Vec<Value>) {
        if !values.is_empty() {
            self.keywords
                .push(("enum".to_owned(), Value::Array(values)));
        }
    }

    /// OpenAPI 3.0's boolean `exclusiveMinimum` becomes JSON Schema 2020-12's numeric form.
    fn bounds(
        &mut self,
        min: Option<Value>,
        min_ex: Option<bool>,
        max: Option<Value>,
        max_ex: Option<bool>,
    ) {
        let exclusive = |flag: Option<bool>, plain: &str, strict: &str| {
            if flag == Some(true) {
                strict.to_owned()
            } else {
                plain.to_owned()
            }
        };
        let min_key = exclusive(min_ex, "minimum", "exclusiveMinimum");
        let max_key = exclusive(max_ex, "maximum", "exclusiveMaximum");
        self.keyword(&min_key, min);
        self.keyword(&max_key, max);
    }

    fn lengths(&mut self, min: Option<usize>, max: Option<usize>, pattern: Option<&str>) {
        self.keyword("minLength", min.map(Value::from));
        self.keyword("maxLength", max.map(Value::from));
        self.keyword("pattern", pattern.map(Value::from));
    }

    fn item_counts(&mut self, min: Option<usize>, max: Option<usize>, unique: bool) {
        self.keyword("minItems", min.map(Value::from));
        self.keyword("maxItems", max.map(Value::from));
        self.keyword("uniqueItems", unique.then_some(Value::Bool(true)));
    }
}

fn f64_value(n: f64) -> Value {
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

fn format_text<T: Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => serde_json::to_value(item)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned)),
        VariantOrUnknownOrEmpty::Unknown(text) => Some(text.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn any() -> ir::Schema {
    ir::Schema::of(Kind::Json(json!({})))
}

impl<'d> Lowerer<'d> {
    /// Lowers a schema or reference found at `pointer`; `hint` names a type it may need.
    pub(super) fn schema(&mut self, item: SchemaRef<'d>, pointer: &str, hint: &str) -> ir::Schema {
        match item {
            SchemaRef::Inline(schema) => self.inline(schema, pointer, hint),
            SchemaRef::Ref(reference) => self.component(reference, pointer, hint),
        }
    }

    /// A referenced schema: object schemas and string enums become one named type per target
    /// (keyed by its JSON pointer); others are lowered in place.
    fn component(&mut self, reference: &'d str, from: &str, hint: &str) -> ir::Schema {
        if let Ok((_, pointer)) = self.find::<openapiv3::Schema>(reference)
            && let Some(id) = self.components.get(&pointer)
        {
            return ir::Schema::of(Kind::Named(*id));
        }
        let Some((target, pointer)) = self.resolve_schema(SchemaRef::Ref(reference), from) else {
            return any();
        };
        // After an alias chain the final target identifies the type.
        if let Some(id) = self.components.get(&pointer) {
            return ir::Schema::of(Kind::Named(*id));
        }
        let view = View::of(target);
        // A component is named after itself; a bundler's pointer (`#/paths/...`) after its use.
        let type_name = match pointer.strip_prefix("/components/schemas/") {
            Some(name) => naming::type_name(&name.replace("~1", "/").replace("~0", "~"), "Type"),
            None => hint.to_owned(),
        };
        if view.is_nameable() {
            // Unique within the module: a component may be called `Option`, collide with an
            // input type, or match another component after case conversion (`a_b`, `AB`).
            let name = self.names.unique(&type_name);
            let id = self.new_type(&name, &pointer, &view);
            self.components.insert(pointer.clone(), id);
            self.fill(id, &view, &pointer);
            return ir::Schema::of(Kind::Named(id));
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

    fn inline(&mut self, schema: &'d Schema, pointer: &str, hint: &str) -> ir::Schema {
        let view = View::of(schema);
        let mut out = self.shape(schema, &view, pointer, hint);
        out.description = text(view.data.description.as_deref()).or(out.description);
        if let Some(default) = view.data.default.clone().filter(|d| !d.is_null()) {
            out.default = Some(default);
        }
        out
    }

    fn shape(
        &mut self,
        schema: &'d Schema,
        view: &View<'d>,
        pointer: &str,
        hint: &str,
    ) -> ir::Schema {
        if view.composite {
            return ir::Schema::of(Kind::Json(self.untyped(schema, pointer)));
        }
        if !view.all_of.is_empty() {
            // `allOf: [{$ref: X}]` is the usual way to describe a reference; more is not typed.
            return match view.all_of {
                [only] if view.typ.is_none() && view.properties.is_empty() => {
                    self.schema(only.into(), &format!("{pointer}/allOf/0"), hint)
                }
                _ => ir::Schema::of(Kind::Json(self.untyped(schema, pointer))),
            };
        }
        if !view.string_enum().is_empty() || view.has_properties() {
            let name = self.names.unique(hint);
            let id = self.new_type(&name, pointer, view);
            self.fill(id, view, pointer);
            return ir::Schema::of(Kind::Named(id));
        }
        let kind = match view.typ {
            Some("string") => Kind::String,
            Some("integer") if view.format.as_deref() == Some("int32") => {
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
            Some("object") | None if view.typ.is_some() || view.additional.is_some() => Kind::Map(
                Box::new(self.additional(view, pointer, hint).unwrap_or_else(any)),
            ),
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
    /// inlining turns one that points nowhere into `{}` without a word.
    fn untyped(&mut self, schema: &'d Schema, pointer: &str) -> Value {
        self.check_schema(SchemaRef::Inline(schema), pointer.to_owned());
        self.portable(schema)
    }

    fn new_type(&mut self, name: &str, pointer: &str, view: &View<'_>) -> TypeId {
        let id = TypeId(self.types.len());
        let values = view.string_enum();
        let kind = if values.is_empty() {
            TypeKind::Struct {
                properties: Vec::new(),
                additional: None,
            }
        } else {
            TypeKind::Enum { values }
        };
        self.types.push(TypeDef {
            name: name.to_owned(),
            pointer: pointer.to_owned(),
            description: text(view.data.description.as_deref()),
            kind,
        });
        id
    }

    /// Lowers a struct's members into the type registered as `id`.
    fn fill(&mut self, id: TypeId, view: &View<'d>, pointer: &str) {
        let Some(def) = self.types.get(id.0) else {
            return;
        };
        if matches!(def.kind, TypeKind::Enum { .. }) {
            return;
        }
        let name = def.name.clone();
        let properties = self.properties(view, pointer, &name);
        let additional = self.additional(view, pointer, &name).map(Box::new);
        if let Some(def) = self.types.get_mut(id.0) {
            def.kind = TypeKind::Struct {
                properties,
                additional,
            };
        }
    }

    /// The type of `additionalProperties`, if any are allowed.
    fn additional(&mut self, view: &View<'d>, pointer: &str, parent: &str) -> Option<ir::Schema> {
        match view.additional? {
            AdditionalProperties::Any(true) => Some(any()),
            AdditionalProperties::Any(false) => None,
            AdditionalProperties::Schema(schema) => {
                let at = format!("{pointer}/additionalProperties");
                Some(self.schema((&**schema).into(), &at, &format!("{parent}Value")))
            }
        }
    }

    /// An object's properties; `readOnly` ones are left out (every generated type is request
    /// data, and OpenAPI says they SHOULD NOT be sent). Nullable ones are never required.
    pub(super) fn properties(
        &mut self,
        view: &View<'d>,
        pointer: &str,
        parent: &str,
    ) -> Vec<Property> {
        let mut out = Vec::new();
        for (name, property) in &view.properties {
            let item: SchemaRef<'d> = (*property).into();
            let data = self.peek_schema(item).map(|s| &s.schema_data);
            if data.is_some_and(|d| d.read_only) {
                continue;
            }
            let nullable = data.is_some_and(|d| d.nullable);
            let at = child(&format!("{pointer}/properties"), name);
            let schema = self.schema(item, &at, &naming::nested_type_name(parent, name));
            out.push(Property {
                name: (*name).clone(),
                required: view.required.contains(name) && !nullable,
                schema,
            });
        }
        out
    }

    /// Follows references quietly (problems are reported when the schema is lowered).
    fn peek_schema(&self, mut item: SchemaRef<'d>) -> Option<&'d Schema> {
        for _ in 0..32 {
            match item {
                SchemaRef::Inline(schema) => return Some(schema),
                SchemaRef::Ref(reference) => {
                    item = self.find::<Schema>(reference).ok()?.0.into();
                }
            }
        }
        None
    }
}
