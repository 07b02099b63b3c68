//! The tools' JSON Schemas as named constants: each distinct schema once, pretty-printed, so a
//! change to one keyword is a one-line diff and a schema that several tools share (one output
//! type answering four operations) is written once. The runtime parses each text once at
//! start-up, so clients still get compact JSON.

use std::collections::BTreeMap;

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::doc::{doc, ident, raw_string};
use crate::ir::{Api, Tool};
use crate::naming::Scope;
use crate::tool_schema::pretty;

/// Every distinct schema text of a module, with the constant that holds it.
#[derive(Debug)]
pub struct SchemaConsts {
    /// Schema text → index into `consts`.
    by_text: BTreeMap<String, usize>,
    consts: Vec<SchemaConst>,
}

#[derive(Debug)]
struct SchemaConst {
    name: String,
    text: String,
    /// `` `tool` input``/`` `tool` output``: who uses it, for the doc comment.
    users: Vec<String>,
}

/// Which of a tool's two schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Output,
}

impl SchemaConsts {
    /// Names each distinct schema after the Rust type it describes (`ListEventsInput` →
    /// `LIST_EVENTS_INPUT_SCHEMA`, `EventOutput` → `EVENT_OUTPUT_SCHEMA`). Where one type
    /// has several schemas (an output reduced differently per tool), the later ones are named
    /// after their first tool (`GET_EVENT_OUTPUT_SCHEMA`). Names follow allowlist order, so
    /// they are deterministic.
    pub fn new(api: &Api) -> SchemaConsts {
        let mut scope = Scope::new();
        for taken in [
            "PROVIDER",
            "SPEC_HASH",
            "TOOL_NAMES",
            "SCOPES",
            "TOOL_SCOPES",
            "TOOLS",
        ] {
            scope.reserve(taken);
        }
        let mut consts = SchemaConsts {
            by_text: BTreeMap::new(),
            consts: Vec::new(),
        };
        for tool in &api.tools {
            consts.add(tool, Side::Input, &tool.schemas.input, api, &mut scope);
            if let (Some(text), Some(_)) = (&tool.schemas.output, &tool.output) {
                consts.add(tool, Side::Output, text, api, &mut scope);
            }
        }
        consts
    }

    fn add(&mut self, tool: &Tool, side: Side, text: &str, api: &Api, scope: &mut Scope) {
        let user = match side {
            Side::Input => format!("`{}` input", tool.name),
            Side::Output => format!("`{}` output", tool.name),
        };
        if let Some(&index) = self.by_text.get(text) {
            self.consts[index].users.push(user);
            return;
        }
        let type_name = match side {
            Side::Input => Some(tool.input_type.as_str()),
            Side::Output => tool
                .output
                .as_ref()
                .and_then(|output| api.types.get(output.type_id))
                .map(|def| def.name.as_str()),
        };
        let by_type = type_name.map(|name| format!("{}_SCHEMA", name.to_shouty_snake_case()));
        let suffix = match side {
            Side::Input => "INPUT_SCHEMA",
            Side::Output => "OUTPUT_SCHEMA",
        };
        let by_tool = format!("{}_{suffix}", tool.name.to_shouty_snake_case());
        let name = match by_type {
            Some(name) if scope.is_free(&name) => scope.unique(&name),
            _ => scope.unique(&by_tool),
        };
        self.by_text.insert(text.to_owned(), self.consts.len());
        self.consts.push(SchemaConst {
            name,
            text: text.to_owned(),
            users: vec![user],
        });
    }

    /// The constant holding `text` (which [`SchemaConsts::new`] saw).
    pub fn name(&self, text: &str) -> Ident {
        let name = self
            .by_text
            .get(text)
            .and_then(|&index| self.consts.get(index))
            .map_or("INVALID_SCHEMA", |c| c.name.as_str());
        ident(name)
    }

    /// The constants, in the order of their first use.
    pub fn items(&self) -> TokenStream {
        let items = self.consts.iter().map(|c| {
            let docs = doc(Some(&format!("The JSON Schema of {}.", c.users.join(", "))));
            let name = ident(&c.name);
            let text = raw_string(&pretty(&c.text));
            quote! {
                #docs
                const #name: &str = #text;
            }
        });
        quote!(#(#items)*)
    }
}
