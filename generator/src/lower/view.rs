//! One read-only view of a schema, whichever way openapiv3 holds it (typed variants or `Any`):
//! what lowering asks of a schema (its type, enum values, members, composition keywords) and
//! the JSON Schema keywords kept for the tool's input schema.

use openapiv3::{
    AdditionalProperties, Discriminator, ReferenceOr, Schema, SchemaData, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde::Serialize;
use serde_json::{Value, json};

/// One shape for every way openapiv3 can hold a schema (typed variants or `Any`).
pub(super) struct View<'d> {
    pub(super) typ: Option<&'d str>,
    pub(super) format: Option<String>,
    pub(super) enumeration: Vec<Value>,
    pub(super) properties: Vec<(&'d String, &'d ReferenceOr<Box<Schema>>)>,
    pub(super) required: &'d [String],
    pub(super) additional: Option<&'d AdditionalProperties>,
    pub(super) items: Option<&'d ReferenceOr<Box<Schema>>>,
    /// Kept JSON Schema keywords, in a fixed order.
    pub(super) keywords: Vec<(String, Value)>,
    /// `oneOf`, `anyOf` or `not`.
    pub(super) composite: bool,
    pub(super) one_of: &'d [ReferenceOr<Schema>],
    pub(super) any_of: &'d [ReferenceOr<Schema>],
    pub(super) all_of: &'d [ReferenceOr<Schema>],
    pub(super) data: &'d SchemaData,
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
            one_of: &[],
            any_of: &[],
            all_of: &[],
            data: &schema.schema_data,
        };
        match &schema.schema_kind {
            SchemaKind::Type(ty) => view.typed(ty),
            SchemaKind::OneOf { one_of } => {
                view.composite = true;
                view.one_of = one_of;
            }
            SchemaKind::AnyOf { any_of } => {
                view.composite = true;
                view.any_of = any_of;
            }
            SchemaKind::Not { .. } => view.composite = true,
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
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
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
                self.enumeration = i.enumeration.iter().map(|v| json!(v)).collect();
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
    pub(super) fn string_enum(&self) -> Vec<String> {
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

    /// The values of an integer enum (`type: integer`), duplicates removed; empty if this is
    /// not one.
    pub(super) fn int_enum(&self) -> Vec<i64> {
        if self.composite || self.typ != Some("integer") {
            return Vec::new();
        }
        let mut values: Vec<i64> = Vec::new();
        for value in &self.enumeration {
            match value.as_i64() {
                Some(n) if !values.contains(&n) => values.push(n),
                Some(_) => {}
                None if value.is_null() => {}
                None => return Vec::new(),
            }
        }
        values
    }

    /// Only `null` fits: `{type: "null"}`, `{enum: [null]}` or `{nullable: true}` with nothing
    /// else (Slack's `anyOf: [{$ref: X}, {nullable: true, title: ...}]`).
    pub(super) fn is_null_only(&self) -> bool {
        if self.typ == Some("null") {
            return true;
        }
        let bare = self.typ.is_none()
            && !self.composite
            && self.all_of.is_empty()
            && self.properties.is_empty()
            && self.additional.is_none()
            && self.items.is_none();
        bare && if self.enumeration.is_empty() {
            self.data.nullable
        } else {
            self.enumeration.iter().all(Value::is_null)
        }
    }

    /// No constraint at all besides annotations (`description`, `title`, `default`...):
    /// an `allOf` branch that adds nothing to the value.
    pub(super) fn is_annotation_only(&self) -> bool {
        self.typ.is_none()
            && !self.composite
            && self.all_of.is_empty()
            && self.properties.is_empty()
            && self.additional.is_none()
            && self.items.is_none()
            && self.enumeration.is_empty()
            && self.keywords.is_empty()
    }

    pub(super) fn discriminator(&self) -> Option<&'d Discriminator> {
        self.data.discriminator.as_ref()
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

pub(super) fn f64_value(n: f64) -> Value {
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
