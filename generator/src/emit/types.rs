//! Named types → Rust structs and enums. Only types the tools' inputs reach are emitted, in
//! name order; a member that would make a type contain itself is boxed.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{doc, ident, string};
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

/// Every type the tools' model-visible inputs reach, in name order.
pub fn types(api: &Api) -> Vec<TokenStream> {
    let roots = api
        .tools
        .iter()
        .flat_map(|tool| &tool.inputs)
        .filter(|input| matches!(input.value, InputValue::Model { .. }))
        .map(|input| &input.schema);
    let by_name: BTreeMap<&str, TypeId> = api
        .types
        .reachable(roots)
        .into_iter()
        .filter_map(|id| api.types.get(id).map(|t| (t.name.as_str(), id)))
        .collect();
    by_name
        .into_values()
        .filter_map(|id| api.types.get(id).map(|def| type_def(id, def, &api.types)))
        .collect()
}

fn type_def(id: TypeId, def: &TypeDef, types: &TypeSpace) -> TokenStream {
    let docs = doc(def.description.as_deref());
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Enum { values } => {
            let variants =
                naming::variant_names(values)
                    .into_iter()
                    .zip(values)
                    .map(|(variant, wire)| {
                        let variant = ident(&variant);
                        let wire = string(wire);
                        quote!(#[serde(rename = #wire)] #variant,)
                    });
            quote! {
                #docs
                #[derive(Debug, Clone, Copy, PartialEq, Eq, ::alter_mcp_runtime::serde::Deserialize, ::alter_mcp_runtime::serde::Serialize)]
                #[serde(crate = "::alter_mcp_runtime::serde")]
                #[allow(clippy::enum_variant_names)]
                pub enum #name { #(#variants)* }
            }
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
                .map(|(property, rust)| struct_field(id, property, rust, types));
            let (deny, flatten) = match (additional, extra_name) {
                (Some(schema), Some(rust)) => {
                    let rust = ident(&rust);
                    let values = rust_type(schema, types, false);
                    (
                        quote!(),
                        quote! {
                            /// Further properties, by name.
                            #[serde(flatten)]
                            pub #rust: ::std::collections::BTreeMap<String, #values>,
                        },
                    )
                }
                _ => (quote!(, deny_unknown_fields), quote!()),
            };
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, ::alter_mcp_runtime::serde::Deserialize, ::alter_mcp_runtime::serde::Serialize)]
                #[serde(crate = "::alter_mcp_runtime::serde" #deny)]
                pub struct #name { #(#fields)* #flatten }
            }
        }
    }
}

/// A struct member; optional ones are left out when serializing (they are request data).
fn struct_field(owner: TypeId, property: &Property, rust: &str, types: &TypeSpace) -> TokenStream {
    let docs = doc(description(&property.schema, types));
    let wire = string(&property.name);
    let boxed =
        matches!(property.schema.kind, Kind::Named(target) if types.reaches(target, owner, true));
    let ty = rust_type(&property.schema, types, boxed);
    let rust = ident(rust);
    if property.required {
        quote! {
            #docs
            #[serde(rename = #wire)]
            pub #rust: #ty,
        }
    } else {
        quote! {
            #docs
            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
            pub #rust: Option<#ty>,
        }
    }
}
