//! The tool registrations: `PROVIDER`, `SPEC_HASH`, `TOOL_NAMES`, `SCOPES`, `TOOL_SCOPES` and one
//! `ToolDef` per tool in `TOOLS`.

use proc_macro2::TokenStream;
use quote::quote;

use super::consts::SchemaConsts;
use super::doc::{ident, string};
use crate::ir::{Api, LinkPaging, PageKind, ResponseRule, Tool};

pub fn registrations(api: &Api, spec_hash: &str, schemas: &SchemaConsts) -> TokenStream {
    let provider = string(&api.provider);
    let spec_hash = string(spec_hash);
    let names = api.tools.iter().map(|tool| string(&tool.name));
    let defs = api.tools.iter().map(|tool| tool_def(tool, api, schemas));
    let scopes = api.scopes.iter().map(|scope| string(scope));
    let tool_scopes = api.tools.iter().map(|tool| {
        let name = string(&tool.name);
        let scopes = tool.scopes.iter().map(|scope| string(scope));
        quote!((#name, &[#(#scopes),*]))
    });
    // The module is `include!`d into a user's (often private) module, which uses some of these
    // and not others; it has no inner attributes (an `include!`d file cannot), so each export
    // says for itself that going unused is fine. `TOOLS` allowed also keeps every type it
    // reaches alive, so a module not wired up yet builds without warnings too.
    quote! {
        /// The Alter provider id these tools call through.
        #[allow(dead_code)]
        pub const PROVIDER: &str = #provider;

        /// The first 12 hex digits of the SHA-256 of the API document these tools came from.
        #[allow(dead_code)]
        pub const SPEC_HASH: &str = #spec_hash;

        /// The tool names, in allowlist order.
        #[allow(dead_code)]
        pub const TOOL_NAMES: &[&str] = &[#(#names),*];

        /// The OAuth scopes these tools need, and no broader ones: grant exactly these in Alter.
        #[allow(dead_code)]
        pub const SCOPES: &[&str] = &[#(#scopes),*];

        /// Each tool's OAuth scopes, in allowlist order.
        #[allow(dead_code)]
        pub const TOOL_SCOPES: &[(&str, &[&str])] = &[#(#tool_scopes),*];

        /// The tools, in allowlist order.
        #[allow(dead_code)]
        pub static TOOLS: &[::alter_mcp_runtime::ToolDef] = &[#(#defs),*];
    }
}

fn tool_def(tool: &Tool, api: &Api, schemas: &SchemaConsts) -> TokenStream {
    let name = string(&tool.name);
    let title = string(&tool.title);
    let description = string(&tool.description);
    let schema = schemas.name(&tool.schemas.input);
    let operation_id = string(&tool.operation_id);
    let a = tool.annotations;
    let (read_only, destructive, idempotent, open_world) =
        (a.read_only, a.destructive, a.idempotent, a.open_world);
    let response = match &api.response {
        ResponseRule::HttpStatus => quote!(::alter_mcp_runtime::ResponseRule::HttpStatus),
        ResponseRule::OkField {
            ok_field,
            error_field,
        } => {
            let (ok_field, error_field) = (string(ok_field), string(error_field));
            quote!(::alter_mcp_runtime::ResponseRule::OkField { ok_field: #ok_field, error_field: #error_field })
        }
    };
    let input = ident(&tool.input_type);
    // A tool without an output schema (a `204`) answers text only, whatever its type.
    let output = match (&tool.schemas.output, output_type(tool, api)) {
        (Some(schema), Some(output)) => {
            let schema = schemas.name(schema);
            quote!(Some(::alter_mcp_runtime::OutputDef {
                schema: #schema,
                read: ::alter_mcp_runtime::output::<#output>,
            }))
        }
        _ => quote!(None),
    };
    quote! {
        ::alter_mcp_runtime::ToolDef {
            name: #name,
            title: #title,
            description: #description,
            input_schema: #schema,
            provider: PROVIDER,
            operation_id: #operation_id,
            annotations: ::alter_mcp_runtime::Annotations {
                read_only: #read_only,
                destructive: #destructive,
                idempotent: #idempotent,
                open_world: #open_world,
            },
            response: #response,
            build: ::alter_mcp_runtime::build::<#input>,
            output: #output,
            spec_hash: SPEC_HASH,
        }
    }
}

/// The tool's output struct name, when it has one.
fn output_type(tool: &Tool, api: &Api) -> Option<proc_macro2::Ident> {
    let output = tool.output.as_ref()?;
    api.types.get(output.type_id).map(|def| ident(&def.name))
}

/// `impl ToolOutput` for each tool's output struct, saying how a non-object answer is wrapped.
pub fn output_impls(api: &Api) -> Vec<TokenStream> {
    let mut done = std::collections::BTreeSet::new();
    api.tools
        .iter()
        .filter_map(|tool| {
            let name = output_type(tool, api)?;
            // Tools that answer the same object share its type, and its one impl.
            if !done.insert(name.to_string()) {
                return None;
            }
            let output = tool.output.as_ref()?;
            let wrap = output.wrap.map(|key| {
                let key = string(key);
                quote!(const WRAP: Option<&'static str> = Some(#key);)
            });
            let paging = output.link_paging.as_ref().map(link_paging);
            Some(quote! {
                impl ::alter_mcp_runtime::ToolOutput for #name { #wrap #paging }
            })
        })
        .collect()
}

/// `const LINK_PAGING`: the query inputs a next link may set, and their JSON types.
fn link_paging(paging: &LinkPaging) -> TokenStream {
    let field = string(&paging.field);
    let params = paging.params.iter().map(|param| {
        let (wire, input) = (string(&param.wire), string(&param.input));
        let kind = match param.kind {
            PageKind::String => quote!(String),
            PageKind::Integer => quote!(Integer),
            PageKind::Number => quote!(Number),
            PageKind::Boolean => quote!(Boolean),
        };
        quote! {
            ::alter_mcp_runtime::PageParam {
                wire: #wire,
                input: #input,
                kind: ::alter_mcp_runtime::PageKind::#kind,
            }
        }
    });
    quote! {
        const LINK_PAGING: Option<::alter_mcp_runtime::LinkPaging> =
            Some(::alter_mcp_runtime::LinkPaging { field: #field, params: &[#(#params),*] });
    }
}
