//! How a paged operation's next page is asked for, found by its shape:
//!
//! - **A token in the answer** (`nextPageToken`, Slack's `response_metadata.next_cursor`) and an
//!   input that takes it back ([`pagination`]).
//! - **A `Link: <…>; rel="next"` header** (RFC 8288; GitHub's REST API), when the operation has
//!   no such token ([`link_paging`]): the runtime reads the next link's query and the result
//!   carries those of its values that are the tool's inputs, as `next_page`. An operation pages
//!   this way when its success response documents a `Link` header, or, for documents that do
//!   not declare response headers, when it answers a top-level array and takes a `page` query
//!   input. Either way it needs query inputs the next link can set.

use crate::ir::{
    Input, InputValue, IntWidth, Kind, LinkPaging, PageKind, PageParam, Pagination, Property,
    Schema, Target, TypeDef, TypeId, TypeKind, TypeSpace,
};

/// The result field a Link-paged tool carries the next page's arguments in.
pub(super) const NEXT_PAGE: &str = "next_page";

/// A page token in the output (at the root, or one object down: Slack's
/// `response_metadata.next_cursor`) whose input takes it back: `nextPageToken` → `pageToken`,
/// `next_cursor` → `cursor`, `NextToken` → `NextToken`, `nextMarker` → `marker`.
pub(super) fn pagination(
    properties: &[Property],
    types: &TypeSpace,
    inputs: &[Input],
) -> Option<Pagination> {
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

/// Paging by `Link` header, when the operation's shape says so (see the module docs): every
/// scalar query input the model fills is a value a next link may set.
pub(super) fn link_paging(
    link_header: bool,
    root_is_array: bool,
    inputs: &[Input],
    types: &TypeSpace,
) -> Option<LinkPaging> {
    let params: Vec<PageParam> = inputs
        .iter()
        .filter_map(|input| {
            let InputValue::Model { name, .. } = &input.value else {
                return None;
            };
            if !matches!(input.target, Target::Query(_)) || input.json {
                return None;
            }
            Some(PageParam {
                wire: input.wire_name.clone(),
                input: name.clone(),
                kind: page_kind(&input.schema, types)?,
            })
        })
        .collect();
    let page_input = params.iter().any(|p| {
        matches!(
            normalized(&p.wire).as_str(),
            "page" | "pagenumber" | "pageno"
        )
    });
    (!params.is_empty() && (link_header || (root_is_array && page_input))).then(|| LinkPaging {
        field: NEXT_PAGE.to_owned(),
        params,
    })
}

/// The JSON type a query value of this input is read as; `None` for arrays and objects, which
/// a next link cannot be mapped back onto one input reliably.
fn page_kind(schema: &Schema, types: &TypeSpace) -> Option<PageKind> {
    match &schema.kind {
        Kind::String => Some(PageKind::String),
        Kind::Integer(_) => Some(PageKind::Integer),
        Kind::Number => Some(PageKind::Number),
        Kind::Boolean => Some(PageKind::Boolean),
        Kind::Named(id) => match types.get(*id).map(|t| &t.kind) {
            Some(TypeKind::Enum { .. }) => Some(PageKind::String),
            Some(TypeKind::IntEnum { .. }) => Some(PageKind::Integer),
            _ => None,
        },
        _ => None,
    }
}

/// The `next_page` member of a Link-paged output, registering its struct (`name`) in `types`:
/// each input it can carry, typed as the runtime writes it, none required.
pub(super) fn next_page_property(
    paging: &LinkPaging,
    name: String,
    pointer: String,
    types: &mut TypeSpace,
) -> Property {
    let properties = paging
        .params
        .iter()
        .map(|param| Property {
            name: param.input.clone(),
            required: false,
            required_nullable: false,
            schema: Schema::of(match param.kind {
                PageKind::String => Kind::String,
                PageKind::Integer => Kind::Integer(IntWidth::I64),
                PageKind::Number => Kind::Number,
                PageKind::Boolean => Kind::Boolean,
            }),
        })
        .collect();
    types.types.push(TypeDef {
        name,
        pointer,
        description: None,
        kind: TypeKind::Struct {
            properties,
            additional: None,
        },
    });
    let id = TypeId(types.types.len() - 1);
    Property {
        name: paging.field.clone(),
        required: false,
        required_nullable: false,
        schema: Schema {
            description: Some(
                "The arguments for the next page, from the provider's `Link` header: call again \
                 with the same arguments and these. Absent on the last page."
                    .to_owned(),
            ),
            ..Schema::of(Kind::Named(id))
        },
    }
}

/// The sentence the tool's description ends with, when it pages.
pub(super) fn describe(token: Option<&Pagination>, link: Option<&LinkPaging>) -> Option<String> {
    if let Some(paging) = token {
        return Some(format!(
            "\n\nPaged: when the result has `{}`, call again with `{}` set to that value for the next page.",
            paging.token, paging.input
        ));
    }
    link.map(|paging| {
        format!(
            "\n\nPaged: when the result has `{0}`, call again with the same arguments plus those in `{0}` (they replace yours) for the next page.",
            paging.field
        )
    })
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
