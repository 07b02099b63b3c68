//! IR → Rust tokens, split by what is emitted: `tools.rs` (registrations), `consts.rs` (each
//! distinct JSON Schema once, as a pretty-printed constant), `input.rs` (input structs and their
//! requests), `types.rs` (shared structs), `enums.rs` (enums and unions), `merge.rs` (identical
//! types emitted once), `doc.rs` (doc comments and literals).
//!
//! Invariant: the output has no inner attributes or `//!` comments and names everything by
//! absolute path (`::alter_mcp_runtime::...`) or prelude type, so it can be `include!`d into
//! any module.

mod consts;
mod doc;
mod enums;
mod input;
mod merge;
mod tools;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;

/// The whole module. `spec_hash` names the document version (see `Source::spec_hash`).
pub fn module(api: &Api, spec_hash: &str) -> TokenStream {
    let api = &Api {
        provider: api.provider.clone(),
        response: api.response.clone(),
        tools: api.tools.clone(),
        types: merge::merged(api),
        scopes: api.scopes.clone(),
        warnings: Vec::new(),
    };
    let schemas = consts::SchemaConsts::new(api);
    let registrations = tools::registrations(api, spec_hash, &schemas);
    let inputs = api.tools.iter().map(|tool| input::input(tool, &api.types));
    let outputs = tools::output_impls(api);
    let types = types::types(api);
    // Last: the Rust items read first, the schema texts (most of the bytes) after them.
    let schema_consts = schemas.items();
    quote! {
        #registrations
        #(#inputs)*
        #(#outputs)*
        #(#types)*
        #schema_consts
    }
}
