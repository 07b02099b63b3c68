//! Named types → Rust structs (enums and unions: `enums.rs`). Only types the tools' inputs reach are emitted, in
//! name order; a member that would make a type contain itself is boxed.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{doc, ident, serde_attr};
use super::enums;
use crate::ir::{
    Api, InputValue, IntWidth, Kind, Property, Schema, TypeDef, TypeId, TypeKind, TypeSpace,
};
use crate::naming;

/// The Rust type of a schema; `boxed` wraps a named type in `Box` (recursion).
pub fn rust_type(schema: &Schema, types: &TypeSpace, boxed: bool) -> TokenStream {
    match &schema.kind {
        Kind::String => quote!(String),
        Kind::Integer(IntWidth::I32) => quote!(i32),
        Kind::Integer(IntWidth::I64) => quote!(i64),
        Kind::Number => quote!(f64),
        Kind::Boolean => quote!(bool),
        Kind::Array(items) => {
            let items = rust_type(items, types, false);
            quote!(Vec<#items>)
        }
        Kind::Map(values) => {
            let values = rust_type(values, types, false);
            quote!(::std::collections::BTreeMap<String, #values>)
        }
        Kind::Json(_) => quote!(::alter_mcp_runtime::serde_json::Value),
        Kind::Bytes => quote!(::alter_mcp_runtime::Base64),
        Kind::File { .. } => quote!(::alter_mcp_runtime::FilePart),
        Kind::Named(id) => {
            let name = ident(types.get(*id).map_or("invalid_name", |t| t.name.as_str()));
            if boxed {
                quote!(Box<#name>)
            } else {
                quote!(#name)
            }
        }
    }
}

/// [`rust_type`] for a member of an output type: a JSON number stays the number it was
/// (`serde_json::Number`, so `3600` is not written back as `3600.0`).
fn member_type(schema: &Schema, types: &TypeSpace, boxed: bool, output: bool) -> TokenStream {
    if !output {
        return rust_type(schema, types, boxed);
    }
    match &schema.kind {
        Kind::Number => quote!(::alter_mcp_runtime::serde_json::Number),
        Kind::Array(items) => {
            let items = member_type(items, types, false, true);
            quote!(Vec<#items>)
        }
        Kind::Map(values) => {
            let values = member_type(values, types, false, true);
            quote!(::std::collections::BTreeMap<String, #values>)
        }
        _ => rust_type(schema, types, boxed),
    }
}

/// `#[allow(clippy::type_complexity)]` for a field whose type clippy would score above its
/// threshold (250: ten points per type path, times its nesting depth): deeply nested arrays and
/// maps are the API's own shape, and a type alias per field would only move the nesting.
pub fn complexity_allow(schema: &Schema, optional: bool, boxed: bool) -> TokenStream {
    let score = if optional {
        10 + type_score(schema, 2, boxed)
    } else {
        type_score(schema, 1, boxed)
    };
    if score > 250 {
        quote!(#[allow(clippy::type_complexity)])
    } else {
        quote!()
    }
}

fn type_score(schema: &Schema, depth: u64, boxed: bool) -> u64 {
    let own = 10 * depth;
    match &schema.kind {
        Kind::Array(items) => own + type_score(items, depth + 1, false),
        Kind::Map(values) => own + 10 * (depth + 1) + type_score(values, depth + 1, false),
        Kind::Named(_) if boxed => own + 10 * (depth + 1),
        _ => own,
    }
}

/// The doc text of a field: its own description, else its type's.
pub fn description<'a>(schema: &'a Schema, types: &'a TypeSpace) -> Option<&'a str> {
    schema
        .description
        .as_deref()
        .or_else(|| match &schema.kind {
            Kind::Named(id) => types.get(*id).and_then(|t| t.description.as_deref()),
            _ => None,
        })
}

/// Every type the tools' model-visible inputs and their outputs reach, in name order.
pub fn types(api: &Api) -> Vec<TokenStream> {
    let roots = api
        .tools
        .iter()
        .flat_map(|tool| &tool.inputs)
        .filter(|input| matches!(input.value, InputValue::Model { .. }))
        .map(|input| &input.schema);
    let output_roots: Vec<Schema> = api
        .tools
        .iter()
        .filter_map(|tool| tool.output.as_ref())
        .map(|output| Schema::of(Kind::Named(output.type_id)))
        .collect();
    // Output types are lowered apart from input types (see `lower/response.rs`), so no type
    // is both; outputs are read leniently.
    let outputs = api.types.reachable(&output_roots);
    let by_name: BTreeMap<&str, TypeId> = api
        .types
        .reachable(roots.chain(&output_roots))
        .into_iter()
        .filter_map(|id| api.types.get(id).map(|t| (t.name.as_str(), id)))
        .collect();
    let mut out: Vec<TokenStream> = by_name
        .values()
        .filter_map(|id| {
            let def = api.types.get(*id)?;
            Some(type_def(*id, def, &api.types, outputs.contains(id)))
        })
        .collect();
    let needs_helper = by_name.values().any(|id| {
        matches!(
            api.types.get(*id).map(|t| &t.kind),
            Some(TypeKind::Struct { properties, .. }) if properties.iter().any(keeps_null)
        )
    });
    if needs_helper {
        out.push(explicit_null_helper());
    }
    out
}

/// An optional nullable member: `null` and absent mean different things to the provider
/// (`PATCH` clears a field with `null`), so it is an `Option<Option<T>>`: absent → `None`
/// (not sent), `null` → `Some(None)` (sent as `null`).
fn keeps_null(property: &Property) -> bool {
    !property.required && !property.required_nullable && property.schema.nullable
}

/// serde reads an explicit `null` as `None` for any `Option`; this keeps it as `Some(None)`
/// (an absent field is `None` through `#[serde(default)]`).
fn explicit_null_helper() -> TokenStream {
    quote! {
        /// Reads a present field, `null` included, as `Some(...)` (absent fields default to `None`).
        fn explicit_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
        where
            D: ::alter_mcp_runtime::serde::Deserializer<'de>,
            T: ::alter_mcp_runtime::serde::Deserialize<'de>,
        {
            <Option<T> as ::alter_mcp_runtime::serde::Deserialize>::deserialize(deserializer).map(Some)
        }
    }
}

/// `output`: a type of a tool's output, which never refuses fields it does not know (a
/// projection drops them; otherwise the type keeps them in its extra map).
fn type_def(id: TypeId, def: &TypeDef, types: &TypeSpace, output: bool) -> TokenStream {
    match &def.kind {
        TypeKind::Enum { values } => enums::string_enum(def, values),
        TypeKind::IntEnum { values } => enums::int_enum(def, values),
        TypeKind::Union { tag, variants, .. } => {
            enums::union(id, def, tag.as_deref(), variants, types)
        }
        TypeKind::Struct {
            properties,
            additional,
        } => {
            let wire = properties.iter().map(|p| p.name.as_str());
            let extra = additional.is_some().then_some("additional_properties");
            let mut names = naming::field_names(wire.chain(extra));
            let extra_name = additional.as_ref().and_then(|_| names.pop());
            let fields = properties
                .iter()
                .zip(&names)
                .map(|(property, rust)| struct_field(id, property, rust, types, output));
            let (deny, flatten) = match (additional, extra_name) {
                (Some(schema), Some(rust)) => {
                    let rust = ident(&rust);
                    let values = member_type(schema, types, false, output);
                    let map = Schema::of(Kind::Map(schema.clone()));
                    let allow = complexity_allow(&map, false, false);
                    (
                        quote!(),
                        quote! {
                            /// Further properties, by name.
                            #allow
                            #[serde(flatten)]
                            pub #rust: ::std::collections::BTreeMap<String, #values>,
                        },
                    )
                }
                _ if output => (quote!(), quote!()),
                _ => (quote!(, deny_unknown_fields), quote!()),
            };
            let docs = doc(def.description.as_deref());
            let name = ident(&def.name);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, ::alter_mcp_runtime::serde::Deserialize, ::alter_mcp_runtime::serde::Serialize)]
                #[serde(crate = "::alter_mcp_runtime::serde" #deny)]
                pub struct #name { #(#fields)* #flatten }
            }
        }
    }
}

/// A struct member; optional ones are left out when serializing when absent.
fn struct_field(
    owner: TypeId,
    property: &Property,
    rust: &str,
    types: &TypeSpace,
    output: bool,
) -> TokenStream {
    let docs = doc(description(&property.schema, types));
    let boxed =
        matches!(property.schema.kind, Kind::Named(target) if types.reaches(target, owner, true));
    let ty = member_type(&property.schema, types, boxed, output);
    let mut allow = complexity_allow(&property.schema, !property.required, boxed);
    let skip = quote!(skip_serializing_if = "Option::is_none");
    let (rest, ty) = if property.required_nullable {
        // The document requires the key; `null` is a value, so `None` is sent as `null`.
        (vec![quote!(default)], quote!(Option<#ty>))
    } else if keeps_null(property) {
        let nested = Schema::of(Kind::Array(Box::new(property.schema.clone())));
        allow = complexity_allow(&nested, true, boxed);
        let reader = quote!(deserialize_with = "explicit_null");
        (
            vec![quote!(default), reader, skip],
            quote!(Option<Option<#ty>>),
        )
    } else if property.required {
        (Vec::new(), ty)
    } else {
        (vec![quote!(default), skip], quote!(Option<#ty>))
    };
    let serde = serde_attr(rust, &property.name, &rest);
    let rust = ident(rust);
    quote! {
        #docs
        #allow
        #serde
        pub #rust: #ty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_deeply_nested_fields_allow_type_complexity() {
        let map = |s: Schema| Schema::of(Kind::Map(Box::new(s)));
        let array = |s: Schema| Schema::of(Kind::Array(Box::new(s)));
        // Option<BTreeMap<String, Vec<Vec<BTreeMap<String, Value>>>>> scores 300 (a real API's).
        let deep = map(array(array(map(Schema::of(Kind::Json(
            serde_json::Value::Null,
        ))))));
        assert!(!complexity_allow(&deep, true, false).is_empty());
        assert!(complexity_allow(&deep, false, false).is_empty());
        let shallow = map(array(Schema::of(Kind::String)));
        assert!(complexity_allow(&shallow, true, false).is_empty());
    }
}
