//! A tool's structured output: its `<Tool>Output` struct made from the lowered success
//! response (a root that is not an object is wrapped, see [`ir::Output::wrap`]), the
//! pagination it offers, and the allowlist's `returns` projection applied to it.

use std::collections::BTreeSet;

use super::returns::{self, Selection};
use super::{Allowlist, ToolEntry};
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::{
    Input, InputValue, Kind, Operation, Output, Pagination, Property, Schema, Tool, TypeDef,
    TypeId, TypeKind, TypeSpace,
};
use crate::naming;

/// Gives every tool its output (allowlist order, so type names are stable) and tells the
/// model of a paged one how to get the next page.
pub(super) fn outputs(
    allowlist: &Allowlist,
    operations: &[Operation],
    tools: &mut [Tool],
    types: &mut TypeSpace,
    out: &mut Diagnostics,
) {
    let taken: BTreeSet<String> = tools.iter().map(|t| t.input_type.clone()).collect();
    let entries = allowlist.file.tools.iter().zip(operations);
    for (index, ((entry, operation), tool)) in entries.zip(tools.iter_mut()).enumerate() {
        let builder = OutputBuilder {
            allowlist,
            index,
            entry,
            operation,
            taken: &taken,
            out,
        };
        tool.output = builder.build(types, &tool.inputs);
        if let Some(paging) = tool.output.as_ref().and_then(|o| o.pagination.as_ref()) {
            tool.description.push_str(&format!(
                "\n\nPaged: when the result has `{}`, call again with `{}` set to that value for the next page.",
                paging.token, paging.input
            ));
        }
    }
}

/// One tool's output, as the allowlist entry at `index` asks for it.
struct OutputBuilder<'a> {
    pub allowlist: &'a Allowlist,
    pub index: usize,
    pub entry: &'a ToolEntry,
    pub operation: &'a Operation,
    /// Rust names in use outside the type space (the input structs).
    pub taken: &'a BTreeSet<String>,
    pub out: &'a mut Diagnostics,
}

impl OutputBuilder<'_> {
    /// The tool's output, registering its types in `types`; `None` when the operation has no
    /// typed JSON success body (a `204`, or a body schema that is `{}`).
    pub fn build(mut self, types: &mut TypeSpace, inputs: &[Input]) -> Option<Output> {
        let selection = self.selection();
        let root = self
            .operation
            .response
            .as_ref()
            .and_then(|r| r.output.as_ref())
            .filter(|root| !is_untyped(root));
        let Some(root) = root else {
            if selection.is_some() {
                self.error(
                    "`returns` has nothing to select: the operation documents no JSON response body",
                    "remove `returns`",
                );
            }
            return None;
        };
        let (kind, wrap, description) = root_struct(root, types);
        let pagination = match &kind {
            TypeKind::Struct { properties, .. } => pagination(properties, types, inputs),
            _ => None,
        };
        // Tools answering the same object unprojected share its type (`EventOutput`).
        if let (None, None, Kind::Named(id)) = (&selection, wrap, &root.kind) {
            return Some(Output {
                type_id: *id,
                wrap,
                pagination,
            });
        }
        // An inline root object is this response's own type (`<Tool>Output`): project it in
        // place. A shared one gets a projected copy.
        let own = match &root.kind {
            Kind::Named(id) if wrap.is_none() => types
                .get(*id)
                .filter(|def| def.pointer.starts_with(&self.pointer()))
                .map(|def| (*id, def.name.clone())),
            _ => None,
        };
        let name = match &own {
            Some((_, name)) => name.clone(),
            None => {
                let prefix = naming::type_prefix(&self.operation.tool_name);
                unique_type_name(&format!("{prefix}Output"), types, self.taken)
            }
        };
        let kind = match selection {
            Some(mut selection) => {
                if let Some(paging) = &pagination {
                    // The token is how the model asks for more; a projection never drops it.
                    selection.add_path(&paging.token);
                }
                let mut projector = Projector {
                    builder: &mut self,
                    types,
                };
                projector.project(&kind, &selection, &name, "")
            }
            None => kind,
        };
        let def = TypeDef {
            name,
            pointer: self.pointer(),
            description,
            kind,
        };
        let type_id = register(types, own.map(|(id, _)| id), def);
        Some(Output {
            type_id,
            wrap,
            pagination,
        })
    }

    fn selection(&mut self) -> Option<Selection> {
        let text = self.entry.returns.as_deref()?;
        match returns::parse(text) {
            Ok(selection) => Some(selection),
            Err(why) => {
                self.error(
                    &format!("invalid `returns` = {text:?}: {why}"),
                    "write fields as `a,b.c,list[].{x,y}` (see README.md, \"Lean responses\")",
                );
                None
            }
        }
    }

    fn pointer(&self) -> String {
        self.operation.response.as_ref().map_or_else(
            || self.operation.operation.pointer.clone(),
            |r| r.pointer.clone(),
        )
    }

    fn error(&mut self, message: &str, help: &str) {
        let key = Location::key(
            &self.allowlist.path,
            format!("tool[{}].returns", self.index),
        );
        let related = Location::pointer(&self.allowlist.spec_path, self.pointer());
        self.out
            .push(Diagnostic::new(key, message).related(related).help(help));
    }
}

/// Stores `def` in place of `own`'s kind, or as a new type.
fn register(types: &mut TypeSpace, own: Option<TypeId>, def: TypeDef) -> TypeId {
    if let Some(id) = own
        && let Some(slot) = types.types.get_mut(id.0)
    {
        slot.kind = def.kind;
        return id;
    }
    types.types.push(def);
    TypeId(types.types.len() - 1)
}

/// A schema that says nothing (`{}`): there is no type to declare.
fn is_untyped(schema: &Schema) -> bool {
    matches!(&schema.kind, Kind::Json(raw) if raw.as_object().is_some_and(|o| o.is_empty()))
}

/// The output struct's first shape: the root object's members, or one field holding a root
/// that is not an object (`items` for an array, `value` otherwise), with its description.
fn root_struct(
    root: &Schema,
    types: &TypeSpace,
) -> (TypeKind, Option<&'static str>, Option<String>) {
    if !root.nullable {
        match &root.kind {
            Kind::Named(id) => {
                if let Some(
                    def @ TypeDef {
                        kind: TypeKind::Struct { .. },
                        ..
                    },
                ) = types.get(*id)
                {
                    let description = root.description.clone().or(def.description.clone());
                    return (def.kind.clone(), None, description);
                }
            }
            Kind::Map(values) => {
                let kind = TypeKind::Struct {
                    properties: Vec::new(),
                    additional: Some(values.clone()),
                };
                return (kind, None, root.description.clone());
            }
            _ => {}
        }
    }
    let key = match root.kind {
        Kind::Array(_) => "items",
        _ => "value",
    };
    let kind = TypeKind::Struct {
        properties: vec![Property {
            name: key.to_owned(),
            required: false,
            required_nullable: false,
            schema: root.clone(),
        }],
        additional: None,
    };
    let description = format!("The provider's answer, under `{key}`.");
    (kind, Some(key), Some(description))
}

/// `base`, else `base2`, `base3`...: unused by the type space and by `taken`.
fn unique_type_name(base: &str, types: &TypeSpace, taken: &BTreeSet<String>) -> String {
    let used = |name: &str| taken.contains(name) || types.types.iter().any(|t| t.name == name);
    let mut name = base.to_owned();
    let mut n = 2;
    while used(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// A page token in the output (at the root, or one object down: Slack's
/// `response_metadata.next_cursor`) whose input takes it back: `nextPageToken` → `pageToken`,
/// `next_cursor` → `cursor`, `NextToken` → `NextToken`, `nextMarker` → `marker`.
fn pagination(properties: &[Property], types: &TypeSpace, inputs: &[Input]) -> Option<Pagination> {
    let mut candidates: Vec<(String, &Property)> =
        properties.iter().map(|p| (p.name.clone(), p)).collect();
    for property in properties {
        if let Kind::Named(id) = &property.schema.kind
            && let Some(TypeKind::Struct { properties, .. }) = types.get(*id).map(|t| &t.kind)
        {
            candidates.extend(
                properties
                    .iter()
                    .map(|p| (format!("{}.{}", property.name, p.name), p)),
            );
        }
    }
    candidates.into_iter().find_map(|(path, property)| {
        if property.schema.kind != Kind::String {
            return None;
        }
        let wanted = token_inputs(&property.name)?;
        inputs.iter().find_map(|input| match &input.value {
            InputValue::Model { name, .. } if wanted.contains(&normalized(&input.wire_name)) => {
                Some(Pagination {
                    token: path.clone(),
                    input: name.clone(),
                })
            }
            _ => None,
        })
    })
}

/// The normalized input names that take back a token named `name`, if it is one.
fn token_inputs(name: &str) -> Option<[String; 2]> {
    let name = normalized(name);
    // A sync token (Google's `nextSyncToken`) asks for changes later, not for the next page.
    let rest = name
        .strip_prefix("next")
        .filter(|rest| !rest.contains("sync"))?;
    ["token", "cursor", "marker"]
        .iter()
        .any(|end| rest.ends_with(end))
        .then(|| [rest.to_owned(), name.clone()])
}

fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Applies a selection to struct members, making a new struct type per projected object.
struct Projector<'b, 'a, 't> {
    builder: &'b mut OutputBuilder<'a>,
    types: &'t mut TypeSpace,
}

impl Projector<'_, '_, '_> {
    /// `kind` with only the selected members (undocumented fields dropped too).
    fn project(
        &mut self,
        kind: &TypeKind,
        selection: &Selection,
        name: &str,
        path: &str,
    ) -> TypeKind {
        let TypeKind::Struct { properties, .. } = kind else {
            return kind.clone();
        };
        for field in &selection.fields {
            if !properties.iter().any(|p| p.name == field.name) {
                self.unknown(&field.name, path, properties);
            }
        }
        let mut kept = Vec::new();
        for property in properties {
            let Some(field) = selection.fields.iter().find(|f| f.name == property.name) else {
                continue;
            };
            let at = format!("{path}{}", property.name);
            let schema = self.field(&property.schema, field, name, &at);
            kept.push(Property {
                schema,
                ..property.clone()
            });
        }
        TypeKind::Struct {
            properties: kept,
            additional: None,
        }
    }

    /// One selected member's schema: whole, or its selected fields (through `[]` for arrays).
    fn field(
        &mut self,
        schema: &Schema,
        field: &returns::Selected,
        parent: &str,
        at: &str,
    ) -> Schema {
        let is_array = matches!(schema.kind, Kind::Array(_));
        if field.elements && !is_array {
            self.builder.error(
                &format!("`returns` writes `{at}[]`, but `{at}` is not an array"),
                &format!("write `{at}` without `[]`"),
            );
            return schema.clone();
        }
        let Some(inner) = &field.inner else {
            return schema.clone();
        };
        let target = match &schema.kind {
            Kind::Array(items) if field.elements => items,
            Kind::Array(_) => {
                self.builder.error(
                    &format!("`returns` selects inside `{at}`, which is an array"),
                    &format!("write `{at}[].{{...}}` to select fields of its elements"),
                );
                return schema.clone();
            }
            _ => schema,
        };
        let nested = naming::nested_type_name(parent, &field.name);
        let inner_path = if field.elements {
            format!("{at}[].")
        } else {
            format!("{at}.")
        };
        let projected = match &target.kind {
            Kind::Named(id) => self.projected_struct(*id, target, inner, &nested, &inner_path),
            _ => None,
        };
        let Some(projected) = projected else {
            return self.not_an_object(at, schema);
        };
        match &schema.kind {
            Kind::Array(_) => Schema {
                kind: Kind::Array(Box::new(projected)),
                ..schema.clone()
            },
            _ => projected,
        }
    }

    /// A projected copy of the struct `id` (`None` when it is not a struct), named `name`.
    fn projected_struct(
        &mut self,
        id: TypeId,
        target: &Schema,
        inner: &Selection,
        name: &str,
        inner_path: &str,
    ) -> Option<Schema> {
        let def = self.types.get(id).cloned()?;
        if !matches!(def.kind, TypeKind::Struct { .. }) {
            return None;
        }
        let name = unique_type_name(name, self.types, self.builder.taken);
        // Registered before its members, so nested names come after it.
        let new_id = TypeId(self.types.types.len());
        self.types.types.push(TypeDef {
            name: name.clone(),
            ..def.clone()
        });
        let kind = self.project(&def.kind, inner, &name, inner_path);
        if let Some(slot) = self.types.types.get_mut(new_id.0) {
            slot.kind = kind;
        }
        Some(Schema {
            kind: Kind::Named(new_id),
            ..target.clone()
        })
    }

    fn not_an_object(&mut self, at: &str, schema: &Schema) -> Schema {
        self.builder.error(
            &format!("`returns` selects fields inside `{at}`, which is not an object with documented fields"),
            &format!("select `{at}` as a whole"),
        );
        schema.clone()
    }

    fn unknown(&mut self, name: &str, path: &str, properties: &[Property]) {
        let mut scored: Vec<(f64, &str)> = properties
            .iter()
            .map(|p| (strsim::jaro_winkler(name, &p.name), p.name.as_str()))
            .filter(|(score, _)| *score >= 0.7)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let near: Vec<String> = scored
            .iter()
            .take(3)
            .map(|(_, n)| format!("`{path}{n}`"))
            .collect();
        let all: Vec<&str> = properties.iter().map(|p| p.name.as_str()).collect();
        let help = match near.is_empty() {
            true => format!("the fields there are: {}", all.join(", ")),
            false => format!(
                "did you mean {}? (fields there: {})",
                near.join(" or "),
                all.join(", ")
            ),
        };
        let whose = if path.is_empty() {
            "the response".to_owned()
        } else {
            format!("`{}`", path.trim_end_matches('.'))
        };
        self.builder.error(
            &format!("`returns` names `{path}{name}`, but {whose} has no field `{name}`"),
            &help,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::token_inputs;

    #[test]
    fn page_tokens_name_the_inputs_that_take_them_back() {
        let cases: [(&str, Option<[&str; 2]>); 6] = [
            ("nextPageToken", Some(["pagetoken", "nextpagetoken"])),
            ("next_cursor", Some(["cursor", "nextcursor"])),
            ("NextToken", Some(["token", "nexttoken"])),
            ("nextMarker", Some(["marker", "nextmarker"])),
            ("nextSyncToken", None),
            ("next", None),
        ];
        for (name, wanted) in cases {
            assert_eq!(
                token_inputs(name),
                wanted.map(|w| w.map(str::to_owned)),
                "{name}"
            );
        }
        assert_eq!(token_inputs("pageToken"), None);
    }
}
