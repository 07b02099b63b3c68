//! A tool's structured output: its `<Tool>Output` struct made from the lowered success
//! response (a root that is not an object is wrapped, see [`ir::Output::wrap`]), the
//! pagination it offers (`paging.rs`), and the allowlist's `returns` projection applied to it.

use std::collections::BTreeSet;

use super::paging::{self, NEXT_PAGE};
use super::returns::{self, Returns, Selected, Selection};
use crate::allowlist::{Allowlist, ToolEntry};
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::{
    Input, Kind, Operation, Output, Property, Schema, Tool, TypeDef, TypeId, TypeKind, TypeSpace,
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
            root_elements: false,
        };
        tool.output = builder.build(types, &tool.inputs);
        let sentence = tool
            .output
            .as_ref()
            .and_then(|o| paging::describe(o.pagination.as_ref(), o.link_paging.as_ref()));
        if let Some(sentence) = sentence {
            tool.description.push_str(&sentence);
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
    /// `returns` selects inside a root array (`[].{…}`): its `items` are shown as `[]`.
    pub root_elements: bool,
}

impl OutputBuilder<'_> {
    /// The tool's output, registering its types in `types`; `None` when the operation has no
    /// typed JSON success body (a `204`, or a body schema that is `{}`).
    pub fn build(mut self, types: &mut TypeSpace, inputs: &[Input]) -> Option<Output> {
        let returns = self.returns();
        let response = self.operation.response.as_ref();
        let root = response
            .and_then(|r| r.output.as_ref())
            .filter(|root| !is_untyped(root));
        let Some(root) = root else {
            if returns.is_some() {
                self.error(
                    "`returns` has nothing to select: the operation documents no JSON response body",
                    "remove `returns`",
                );
            }
            return None;
        };
        let (kind, wrap, description) = root_struct(root, types);
        let members = match &kind {
            TypeKind::Struct { properties, .. } => properties.as_slice(),
            _ => &[],
        };
        let pagination = paging::pagination(members, types, inputs);
        // A token in the answer wins; `next_page` must not hide a field of the answer.
        let link_paging = match &pagination {
            None if !members.iter().any(|p| p.name == NEXT_PAGE) => {
                let link_header = response.is_some_and(|r| r.link_header);
                paging::link_paging(link_header, wrap == Some("items"), inputs, types)
            }
            _ => None,
        };
        let selection = returns.and_then(|r| self.selection(r, wrap));
        // Tools answering the same object unprojected share its type (`EventOutput`).
        if let (None, None, None, Kind::Named(id)) = (&selection, wrap, &link_paging, &root.kind) {
            return Some(Output {
                type_id: *id,
                wrap,
                pagination,
                link_paging,
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
        let mut kind = match selection {
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
        if let (Some(paging), TypeKind::Struct { properties, .. }) = (&link_paging, &mut kind) {
            // Added after the projection: the model needs it to ask for more.
            let prefix = naming::type_prefix(&self.operation.tool_name);
            let next = unique_type_name(&format!("{prefix}NextPage"), types, self.taken);
            properties.push(paging::next_page_property(
                paging,
                next,
                self.pointer(),
                types,
            ));
        }
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
            link_paging,
        })
    }

    fn returns(&mut self) -> Option<Returns> {
        let text = self.entry.returns.as_deref()?;
        match returns::parse(text) {
            Ok(returns) => Some(returns),
            Err(why) => {
                self.error(
                    &format!("invalid `returns` = {text:?}: {why}"),
                    "write fields as `a,b.c,list[].{x,y}`, or `[].{x,y}` for a response that is an array (see README.md, \"Typed outputs and lean responses\")",
                );
                None
            }
        }
    }

    /// The projection of the output struct: a root array's elements (`[].{…}`) are the wrapped
    /// `items`' elements. A leading `[]` on a response that is not an array, or fields named
    /// on one that is, are errors.
    fn selection(&mut self, returns: Returns, wrap: Option<&str>) -> Option<Selection> {
        let root_array = wrap == Some("items");
        match (returns.elements, root_array) {
            (true, true) => {
                self.root_elements = true;
                Some(Selection {
                    fields: vec![Selected {
                        name: "items".to_owned(),
                        elements: true,
                        inner: Some(returns.selection),
                    }],
                })
            }
            (true, false) => {
                self.error(
                    "`returns` starts with `[]`, but the response is not an array",
                    "write the response's fields without the leading `[]`",
                );
                None
            }
            (false, true) if returns.selection.fields.iter().any(|f| f.name != "items") => {
                let names: Vec<&str> = returns
                    .selection
                    .fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect();
                self.error(
                    "`returns` names fields, but the response is an array",
                    &format!(
                        "select fields of its elements with a leading `[]`: `[].{{{}}}`",
                        names.join(",")
                    ),
                );
                None
            }
            (false, _) => Some(returns.selection),
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
            // A root array's elements are written `[].…` (the field `at` is then empty).
            let wrapped = path.is_empty() && self.builder.root_elements && property.name == "items";
            let at = match wrapped {
                true => String::new(),
                false => format!("{path}{}", property.name),
            };
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
        // An empty `at`: the elements of a root array (`[].{…}`), which cannot be kept whole.
        let (at, help) = match at {
            "" => (
                "[]",
                "leave `returns` out: the whole answer is kept".to_owned(),
            ),
            _ => (at, format!("select `{at}` as a whole")),
        };
        self.builder.error(
            &format!("`returns` selects fields inside `{at}`, which is not an object with documented fields"),
            &help,
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
