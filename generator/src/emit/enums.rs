//! Enums: string enums, integer enums and unions (`oneOf`/`anyOf`), each (de)serializing
//! exactly the wire values, so what the model sends is what the provider receives.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::doc::{doc, ident, scalar, serde_attr, string};
use super::types::rust_type;
use crate::ir::{Kind, TypeDef, TypeId, TypeKind, TypeSpace, Variant};
use crate::naming;

fn derives(copy: bool) -> TokenStream {
    let base = if copy {
        quote!(Debug, Clone, Copy, PartialEq, Eq)
    } else {
        quote!(Debug, Clone, PartialEq)
    };
    quote!(#[derive(#base, ::alter_mcp_runtime::serde::Deserialize, ::alter_mcp_runtime::serde::Serialize)])
}

/// A string enum: one unit variant per wire value, renamed to it.
pub fn string_enum(def: &TypeDef, values: &[String]) -> TokenStream {
    let docs = doc(def.description.as_deref());
    let name = ident(&def.name);
    let derive = derives(true);
    let variants = naming::variant_names(values)
        .into_iter()
        .zip(values)
        .map(|(variant, wire)| {
            let serde = serde_attr(&variant, wire, &[]);
            let variant = ident(&variant);
            quote!(#serde #variant,)
        });
    quote! {
        #docs
        #derive
        #[serde(crate = "::alter_mcp_runtime::serde")]
        #[allow(clippy::enum_variant_names)]
        pub enum #name { #(#variants)* }
    }
}

/// An integer enum. serde cannot rename a variant to a number, so the enum converts through
/// `i64` (`try_from`/`into`): other integers are rejected naming the field, and the value
/// sent is exactly the integer received. (Keeping a plain `i64` would let any integer
/// through; a Rust enum makes the allowed values part of the type.)
pub fn int_enum(def: &TypeDef, values: &[i64]) -> TokenStream {
    let docs = doc(def.description.as_deref());
    let name = ident(&def.name);
    let derive = derives(true);
    let variants: Vec<_> = values
        .iter()
        .map(|v| ident(&naming::int_variant_name(*v)))
        .collect();
    let literals: Vec<TokenStream> = values.iter().map(|v| scalar(&Value::from(*v))).collect();
    let listed = values
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let message = string(&format!(
        "invalid value {{value}}, expected one of {listed}"
    ));
    quote! {
        #docs
        #derive
        #[serde(crate = "::alter_mcp_runtime::serde", try_from = "i64", into = "i64")]
        pub enum #name { #(#variants,)* }

        impl ::core::convert::TryFrom<i64> for #name {
            type Error = String;
            fn try_from(value: i64) -> Result<Self, Self::Error> {
                match value {
                    #(#literals => Ok(Self::#variants),)*
                    _ => Err(format!(#message)),
                }
            }
        }

        impl ::core::convert::From<#name> for i64 {
            fn from(value: #name) -> Self {
                match value {
                    #(#name::#variants => #literals,)*
                }
            }
        }
    }
}

/// A union: internally tagged when it has a discriminator (payloads are structs without the
/// tag property), else untagged with branches of distinct JSON types, so serde never picks
/// the wrong one. An array branch goes before an object branch: a struct would also accept
/// an array (as a sequence of its fields).
pub fn union(
    id: TypeId,
    def: &TypeDef,
    tag: Option<&str>,
    variants: &[Variant],
    types: &TypeSpace,
) -> TokenStream {
    let docs = doc(def.description.as_deref());
    let name = ident(&def.name);
    let derive = derives(false);
    let labels: Vec<String> = variants.iter().map(|v| v.label.clone()).collect();
    let mut named: Vec<(&Variant, String)> = variants
        .iter()
        .zip(naming::variant_names(&labels))
        .collect();
    if tag.is_none() {
        named.sort_by_key(|(variant, _)| is_object(&variant.schema.kind, types));
    }
    let members = named.iter().map(|(variant, rust_name)| {
        let rust = ident(rust_name);
        let boxed =
            matches!(variant.schema.kind, Kind::Named(target) if types.reaches(target, id, true));
        let ty = rust_type(&variant.schema, types, boxed);
        let docs = doc(super::types::description(&variant.schema, types));
        match &variant.tag_value {
            Some(wire) => {
                let serde = serde_attr(rust_name, wire, &[]);
                quote!(#docs #serde #rust(#ty),)
            }
            None => quote!(#docs #rust(#ty),),
        }
    });
    let mode = match tag {
        Some(tag) => {
            let tag = string(tag);
            quote!(tag = #tag)
        }
        None => quote!(untagged),
    };
    quote! {
        #docs
        #derive
        #[serde(crate = "::alter_mcp_runtime::serde", #mode)]
        #[allow(clippy::enum_variant_names, clippy::large_enum_variant)]
        pub enum #name { #(#members)* }
    }
}

fn is_object(kind: &Kind, types: &TypeSpace) -> bool {
    match kind {
        Kind::Map(_) => true,
        Kind::Named(id) => matches!(
            types.get(*id).map(|t| &t.kind),
            Some(TypeKind::Struct { .. } | TypeKind::Union { .. })
        ),
        _ => false,
    }
}

/// `Type::Variant` for a wire value of a string or integer enum (an allowlist default).
pub fn variant_path(def: &TypeDef, value: &Value) -> Option<TokenStream> {
    let variant = match &def.kind {
        TypeKind::Enum { values } => {
            let index = values
                .iter()
                .position(|v| Some(v.as_str()) == value.as_str())?;
            naming::variant_names(values).into_iter().nth(index)?
        }
        TypeKind::IntEnum { values } => {
            let wire = value.as_i64().filter(|n| values.contains(n))?;
            naming::int_variant_name(wire)
        }
        TypeKind::Struct { .. } | TypeKind::Union { .. } => return None,
    };
    let (ty, variant) = (ident(&def.name), ident(&variant));
    Some(quote!(#ty::#variant))
}
