//! The tool registrations: `PROVIDER`, `SPEC_HASH`, `TOOL_NAMES` and one `ToolDef` per tool in
//! `TOOLS`.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{ident, raw_string, string};
use crate::ir::{Api, ResponseRule, Tool};
use crate::schema::input_schema;

pub fn registrations(api: &Api, spec_hash: &str) -> TokenStream {
    let provider = string(&api.provider);
    let spec_hash = string(spec_hash);
    let names = api.tools.iter().map(|tool| string(&tool.name));
    let defs = api.tools.iter().map(|tool| tool_def(tool, api));
    quote! {
        /// The Alter provider id these tools call through.
        pub const PROVIDER: &str = #provider;

        /// The first 12 hex digits of the SHA-256 of the API document these tools came from.
        pub const SPEC_HASH: &str = #spec_hash;

        /// The tool names, in allowlist order.
        pub const TOOL_NAMES: &[&str] = &[#(#names),*];

        /// The tools, in allowlist order.
        pub static TOOLS: &[::alter_mcp_runtime::ToolDef] = &[#(#defs),*];
    }
}

fn tool_def(tool: &Tool, api: &Api) -> TokenStream {
    let name = string(&tool.name);
    let title = string(&tool.title);
    let description = string(&tool.description);
    let schema = raw_string(&input_schema(tool, &api.types));
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
            spec_hash: SPEC_HASH,
        }
    }
}
