//! Identical types emitted once. Lowering names an inline type after where it appears
//! (`CreateEventSendUpdates`, `DeleteEventSendUpdates`), so the same enum on four operations
//! becomes four types; here types with the same members, wire names, docs and role become one,
//! named by what their names share (`SendUpdates`).
//!
//! Only the Rust side changes: the tools' JSON Schemas are written before this (from the
//! unmerged types), so what `tools/list` shows and `allowlist.lock` records stay the same.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Kind, Schema, TypeDef, TypeId, TypeKind, TypeSpace};
use crate::naming;

/// `api`'s types with every set of identical types under one name. The types stay where they
/// are (ids keep pointing at the same definitions); `types.rs` emits one per name.
pub fn merged(api: &Api) -> TypeSpace {
    let roles = roles(api);
    let canon = identical(&api.types, &roles);
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (id, &first) in canon.iter().enumerate() {
        groups.entry(first).or_default().push(id);
    }
    let mut groups: Vec<Vec<&str>> = groups
        .into_values()
        .filter(|members| members.len() > 1)
        .map(|members| {
            let mut names: Vec<&str> = members
                .iter()
                .filter_map(|&id| api.types.types.get(id))
                .map(|def| def.name.as_str())
                .collect();
            names.sort_unstable();
            names
        })
        .collect();
    groups.sort();
    let mut taken: BTreeSet<String> = api.types.types.iter().map(|d| d.name.clone()).collect();
    taken.extend(api.tools.iter().map(|tool| tool.input_type.clone()));
    taken.extend(["String", "Vec", "Option", "Box", "Result", "Some", "None"].map(String::from));
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    for names in &groups {
        let name = shared_name(names, &taken);
        taken.insert(name.clone());
        for member in names {
            renames.insert((*member).to_owned(), name.clone());
        }
    }
    let mut types = api.types.clone();
    for def in &mut types.types {
        if let Some(name) = renames.get(&def.name) {
            def.name.clone_from(name);
        }
    }
    types
}

/// What besides its members sets a type's code apart: whether it is read leniently (an output
/// type) and, for a tool's output root, how the answer is wrapped and paged.
fn roles(api: &Api) -> BTreeMap<TypeId, String> {
    let roots: Vec<Schema> = api
        .tools
        .iter()
        .filter_map(|tool| tool.output.as_ref())
        .map(|output| Schema::of(Kind::Named(output.type_id)))
        .collect();
    let mut roles: BTreeMap<TypeId, String> = api
        .types
        .reachable(&roots)
        .into_iter()
        .map(|id| (id, "output".to_owned()))
        .collect();
    for output in api.tools.iter().filter_map(|tool| tool.output.as_ref()) {
        let role = format!("output root {:?} {:?}", output.wrap, output.link_paging);
        roles.insert(output.type_id, role);
    }
    roles
}

/// For each type, the first of the types identical to it. Types referring to identical types
/// are identical, so this repeats until nothing more merges.
fn identical(types: &TypeSpace, roles: &BTreeMap<TypeId, String>) -> Vec<usize> {
    let mut canon: Vec<usize> = (0..types.types.len()).collect();
    loop {
        let mut first_of: BTreeMap<String, usize> = BTreeMap::new();
        let mut next = canon.clone();
        for (id, def) in types.types.iter().enumerate() {
            let role = roles.get(&TypeId(id)).map_or("", String::as_str);
            let key = format!("{role}|{:?}", shape(def, &canon));
            next[id] = *first_of.entry(key).or_insert(id);
        }
        if next == canon {
            return canon;
        }
        canon = next;
    }
}

/// `def` without its name and origin, its references replaced by their first identical type.
fn shape(def: &TypeDef, canon: &[usize]) -> TypeDef {
    let mut kind = def.kind.clone();
    match &mut kind {
        TypeKind::Struct {
            properties,
            additional,
        } => {
            for property in properties {
                remap(&mut property.schema, canon);
            }
            if let Some(additional) = additional {
                remap(additional, canon);
            }
        }
        TypeKind::Union { variants, .. } => {
            for variant in variants {
                remap(&mut variant.schema, canon);
            }
        }
        TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => {}
    }
    TypeDef {
        name: String::new(),
        pointer: String::new(),
        description: def.description.clone(),
        kind,
    }
}

fn remap(schema: &mut Schema, canon: &[usize]) {
    match &mut schema.kind {
        Kind::Named(id) => *id = TypeId(canon.get(id.0).copied().unwrap_or(id.0)),
        Kind::Array(inner) | Kind::Map(inner) => remap(inner, canon),
        _ => {}
    }
}

/// The words the names end with in common (`CreateEventSendUpdates`, `DeleteEventSendUpdates`
/// → `SendUpdates`), unless that says too little (`Output`) or is taken; else the first
/// name in alphabetical order. Neither depends on the order of the document or allowlist.
fn shared_name(names: &[&str], taken: &BTreeSet<String>) -> String {
    let first = names.first().copied().unwrap_or("Type");
    let split: Vec<Vec<&str>> = names.iter().map(|name| words(name)).collect();
    let mut common = 0;
    while split.iter().all(|w| w.len() > common)
        && split
            .iter()
            .all(|w| w[w.len() - 1 - common] == split[0][split[0].len() - 1 - common])
    {
        common += 1;
    }
    let words = &split[0][split[0].len() - common..];
    let candidate = words.concat();
    let vague = matches!(words, [] | ["Input" | "Output" | "Value" | "Type"]);
    let usable = naming::type_name(&candidate, "") == candidate;
    let own = names.contains(&candidate.as_str());
    if vague || !usable || (taken.contains(&candidate) && !own) {
        return first.to_owned();
    }
    candidate
}

/// An UpperCamelCase name's words (`SendUpdates2` → `Send`, `Updates2`).
fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            out.push(&name[start..i]);
            start = i;
        }
    }
    out.push(&name[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_names_are_the_common_ending_when_it_says_enough() {
        let taken = BTreeSet::from(["Updates".to_owned(), "Shared".to_owned()]);
        let cases: &[(&[&str], &str)] = &[
            (
                &["CreateEventSendUpdates", "DeleteEventSendUpdates"],
                "EventSendUpdates",
            ),
            (
                &["CreateEventSendUpdates", "ListSendUpdates"],
                "SendUpdates",
            ),
            (&["ListAOutput", "ListBOutput"], "ListAOutput"),
            (&["AUpdates", "BUpdates"], "AUpdates"),
            (&["Alpha", "Beta"], "Alpha"),
            (&["Shared", "NotShared"], "Shared"),
            (&["ASelf", "BSelf"], "ASelf"),
        ];
        for (names, expected) in cases {
            assert_eq!(shared_name(names, &taken), *expected, "{names:?}");
        }
    }
}
