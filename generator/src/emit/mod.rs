//! IR → Rust tokens, split by what is emitted: `tools.rs` (registrations), `input.rs` (input
//! structs and their requests), `types.rs` (shared structs and enums), `doc.rs` (doc comments
//! and literals).
//!
//! Invariant: the output has no inner attributes or `//!` comments and names everything by
//! absolute path (`::alter_mcp_runtime::...`) or prelude type, so it can be `include!`d into
//! any module.

mod doc;
mod enums;
mod input;
mod tools;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;

/// The whole module. `spec_hash` names the document version (see `Source::spec_hash`).
pub fn module(api: &Api, spec_hash: &str) -> TokenStream {
    let registrations = tools::registrations(api, spec_hash);
    let inputs = api.tools.iter().map(|tool| input::input(tool, &api.types));
    let outputs = tools::output_impls(api);
    let types = types::types(api);
    quote! {
        #registrations
        #(#inputs)*
        #(#outputs)*
        #(#types)*
    }
}
