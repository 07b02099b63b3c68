//! A tool's input struct (the fields the model fills) and its `ToolInput` impl, which builds
//! the provider request with the wire names, fixed literals and defaults.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::doc::{self, doc, ident, string};
use super::types::{complexity_allow, description, rust_type};
use crate::ir::{BodyEncoding, Input, InputValue, Kind, Method, Style, Target, Tool, TypeSpace};
use crate::naming;

/// The input struct and its `ToolInput` impl.
pub fn input(tool: &Tool, types: &TypeSpace) -> TokenStream {
    let name = ident(&tool.input_type);
    let wire = tool
        .inputs
        .iter()
        .filter(|i| matches!(i.value, InputValue::Model { .. }))
        .map(|i| i.wire_name.as_str());
    let mut rust_names = naming::field_names(wire).into_iter();
    let fields: Vec<(&Input, String)> = tool
        .inputs
        .iter()
        .filter(|i| matches!(i.value, InputValue::Model { .. }))
        .filter_map(|i| rust_names.next().map(|n| (i, n)))
        .collect();
    let members = fields.iter().map(|(input, rust)| field(input, rust, types));
    let docs = doc(Some(&format!("Input of the `{}` tool.", tool.name)));
    let body = request(tool, &fields, types);
    // A wire value such as 3.14159 is data, not a badly written `PI`.
    let floats = tool.inputs.iter().any(|input| match &input.value {
        InputValue::Fixed(value)
        | InputValue::Model {
            default: Some(value),
            ..
        } => has_float(value),
        InputValue::Model { default: None, .. } => false,
    });
    let allow = floats.then(|| quote!(#[allow(clippy::approx_constant)]));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::alter_mcp_runtime::serde::Deserialize)]
        #[serde(crate = "::alter_mcp_runtime::serde", deny_unknown_fields)]
        pub struct #name { #(#members)* }

        impl ::alter_mcp_runtime::ToolInput for #name {
            #allow
            fn into_request(self) -> ::alter_mcp_runtime::ProviderRequest {
                #body
            }
        }
    }
}

/// Whether a JSON value holds a non-integer number.
fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

fn field(input: &Input, rust: &str, types: &TypeSpace) -> TokenStream {
    let InputValue::Model { name, required, .. } = &input.value else {
        return quote!();
    };
    let docs = doc(description(&input.schema, types));
    let ty = rust_type(&input.schema, types, false);
    let allow = complexity_allow(&input.schema, !*required, false);
    let serde = if *required {
        doc::serde_attr(rust, name, &[])
    } else {
        doc::serde_attr(rust, name, &[quote!(default)])
    };
    let rust = ident(rust);
    let ty = if *required { ty } else { quote!(Option<#ty>) };
    quote! {
        #docs
        #allow
        #serde
        pub #rust: #ty,
    }
}

/// The body of `into_request`: one builder call per input, in document order.
fn request(tool: &Tool, fields: &[(&Input, String)], types: &TypeSpace) -> TokenStream {
    let method = method(tool.method);
    let url = string(&tool.url);
    let new = quote!(::alter_mcp_runtime::ProviderRequest::new(#method, #url));
    let calls: Vec<TokenStream> = tool
        .inputs
        .iter()
        .map(|input| {
            let value = match &input.value {
                InputValue::Fixed(value) => doc::value(value),
                InputValue::Model { default, .. } => {
                    let rust = fields
                        .iter()
                        .find(|(i, _)| std::ptr::eq(*i, input))
                        .map_or("invalid_name", |(_, r)| r.as_str());
                    model_value(input, &ident(rust), default.as_ref(), types)
                }
            };
            match upload_call(tool, input, &value) {
                Some(call) => call,
                None => call(input.target, input.json, &string(&input.wire_name), &value),
            }
        })
        .collect();
    if calls.is_empty() {
        return new;
    }
    let calls = encoding(tool).into_iter().chain(calls);
    quote! {
        let mut request = #new;
        #(#calls)*
        request
    }
}

/// The builder call that puts one value where it goes.
fn call(
    target: Target,
    json: bool,
    wire: &proc_macro2::Literal,
    value: &TokenStream,
) -> TokenStream {
    match target {
        Target::Path { .. } if json => quote!(request.path_json(#wire, #value);),
        Target::Query(_) if json => quote!(request.query_json(#wire, #value);),
        Target::Header if json => quote!(request.header_json(#wire, #value);),
        Target::Path { reserved: false } => quote!(request.path(#wire, #value);),
        Target::Path { reserved: true } => quote!(request.path_reserved(#wire, #value);),
        Target::Query(Style::Form) => quote!(request.query(#wire, #value);),
        Target::Query(other) => {
            let style = style(other);
            quote!(request.query_style(#wire, #value, #style);)
        }
        Target::Header => quote!(request.header(#wire, #value);),
        Target::BodyField(Style::Form) => quote!(request.body_field(#wire, #value);),
        Target::BodyField(other) => {
            let style = style(other);
            quote!(request.body_field_style(#wire, #value, #style);)
        }
        Target::Body => quote!(request.body(#value);),
        Target::ContentType => quote!(request.content_type(#value);),
    }
}

/// The builder call of a value that is not JSON: a raw body's text or bytes, or multipart
/// file parts (a field, or the entries of a free-form body of files).
fn upload_call(tool: &Tool, input: &Input, value: &TokenStream) -> Option<TokenStream> {
    let wire = string(&input.wire_name);
    match (&tool.body_encoding, input.target, &input.schema.kind) {
        (BodyEncoding::Raw(media_type), Target::Body, kind) => {
            let media_type = string(media_type);
            Some(match kind {
                Kind::Bytes => quote!(request.body_bytes(#value, #media_type);),
                _ => quote!(request.body_text(#value, #media_type);),
            })
        }
        (BodyEncoding::Multipart, Target::BodyField(_), kind) if kind.is_file() => {
            let default_type = string(&file_type(kind));
            Some(quote!(request.body_file(#wire, #value, #default_type);))
        }
        (BodyEncoding::Multipart, Target::Body, Kind::Map(values)) if values.kind.is_file() => {
            let default_type = string(&file_type(&values.kind));
            let entries = match &input.value {
                InputValue::Model { required: true, .. } => quote!(#value),
                _ => quote!(#value.into_iter().flatten()),
            };
            Some(quote! {
                for (name, file) in #entries {
                    request.body_file(&name, file, #default_type);
                }
            })
        }
        _ => None,
    }
}

/// The media type of a file part the model gives none for.
fn file_type(kind: &Kind) -> String {
    match kind {
        Kind::File {
            content_type: Some(declared),
        } => declared.clone(),
        Kind::Array(items) => file_type(&items.kind),
        _ => "application/octet-stream".to_owned(),
    }
}

/// `request.encoding(...)` for a tool that sends a form or multipart body.
fn encoding(tool: &Tool) -> Option<TokenStream> {
    let has_body = tool
        .inputs
        .iter()
        .any(|i| matches!(i.target, Target::BodyField(_) | Target::Body));
    let variant = match tool.body_encoding {
        BodyEncoding::Form => quote!(Form),
        BodyEncoding::Multipart => quote!(Multipart),
        BodyEncoding::Json | BodyEncoding::Raw(_) => return None,
    };
    has_body.then(|| quote!(request.encoding(::alter_mcp_runtime::BodyEncoding::#variant);))
}

/// `self.x`, or `self.x` with its default applied.
fn model_value(
    input: &Input,
    rust: &proc_macro2::Ident,
    default: Option<&Value>,
    types: &TypeSpace,
) -> TokenStream {
    let Some(default) = default else {
        return quote!(self.#rust);
    };
    match &input.schema.kind {
        Kind::String => {
            let literal = doc::scalar(default);
            quote!(self.#rust.as_deref().unwrap_or(#literal))
        }
        Kind::Number => {
            let literal = doc::float(default.as_f64().unwrap_or(0.0));
            quote!(self.#rust.unwrap_or(#literal))
        }
        Kind::Named(id) => {
            match types
                .get(*id)
                .and_then(|def| super::enums::variant_path(def, default))
            {
                Some(variant) => quote!(self.#rust.unwrap_or(#variant)),
                None => quote!(self.#rust),
            }
        }
        _ => {
            let literal = doc::scalar(default);
            quote!(self.#rust.unwrap_or(#literal))
        }
    }
}

/// `::alter_mcp_runtime::Style::X`.
fn style(style: Style) -> TokenStream {
    let variant = match style {
        Style::Form => quote!(Form),
        Style::FormJoined => quote!(FormJoined),
        Style::SpaceDelimited => quote!(SpaceDelimited),
        Style::PipeDelimited => quote!(PipeDelimited),
        Style::DeepObject => quote!(DeepObject),
    };
    quote!(::alter_mcp_runtime::Style::#variant)
}

fn method(method: Method) -> TokenStream {
    let variant = match method {
        Method::Get => quote!(Get),
        Method::Put => quote!(Put),
        Method::Post => quote!(Post),
        Method::Delete => quote!(Delete),
        Method::Options => quote!(Options),
        Method::Head => quote!(Head),
        Method::Patch => quote!(Patch),
        Method::Trace => quote!(Trace),
    };
    quote!(::alter_mcp_runtime::Method::#variant)
}
