//! What to write when a tool is over its budget: the largest inputs with the keys that leave
//! them out, and a `returns` projection that fits, built from the response's fields.

use super::Budget;
use crate::ir::{InputValue, Kind, Property, Tool, TypeDef, TypeKind, TypeSpace};
use crate::tool_schema::Sizes;

/// How many of the largest inputs a warning names, at most.
const MAX_NAMED: usize = 6;

/// How deep a suggested `returns` selects inside fields (`items[].{start.{dateTime}}` is 2).
const MAX_SELECT_DEPTH: usize = 2;

/// The largest inputs, enough of them to remove `excess` bytes, with the allowlist keys that
/// leave them out.
pub(super) fn inputs(tool: &Tool, sizes: &Sizes<'_>, excess: usize, index: usize) -> String {
    let whole = tool.schemas.input.len();
    let mut costs: Vec<(usize, &str, bool)> = tool
        .inputs
        .iter()
        .filter_map(|input| match &input.value {
            InputValue::Model { required, .. } => Some((
                sizes.of(&input.schema, false, whole).unwrap_or(whole) + input.wire_name.len() + 3,
                input.wire_name.as_str(),
                *required,
            )),
            InputValue::Fixed(_) => None,
        })
        .collect();
    costs.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut named = Vec::new();
    let mut removed = 0;
    for (bytes, name, required) in costs {
        if removed >= excess || named.len() == MAX_NAMED {
            break;
        }
        removed += bytes;
        named.push((bytes, name, required));
    }
    let largest: Vec<String> = named
        .iter()
        .map(|(bytes, name, _)| format!("`{name}` ({bytes} bytes)"))
        .collect();
    let keys: Vec<String> = named
        .iter()
        .map(|(_, name, required)| match required {
            false => format!("params.{} = {{ omit = true }}", toml_key(name)),
            true => format!("params.{} = {{ fixed = … }}", toml_key(name)),
        })
        .collect();
    format!(
        "its largest inputs are {}; leave out those the model does not need, in `tool[{index}]`: \
         {} (a required input can only be fixed: `params.X = {{ fixed = … }}`); or shorten \
         nested descriptions with `param_description_max`; or accept the size by writing \
         `schema_max_bytes = {}` in `tool[{index}]`",
        largest.join(", "),
        keys.join("; "),
        round_up(tool.schemas.input.len()),
    )
}

/// `returns = "…"` selecting the top-level fields that fit whole (the smallest first) and, of
/// those that do not, the fields of their objects (or of their array's elements) that fit, in
/// document order; `None` when nothing fits.
pub(super) fn returns(
    root: &TypeDef,
    types: &TypeSpace,
    sizes: &Sizes<'_>,
    budget: &Budget,
) -> Option<String> {
    let TypeKind::Struct { properties, .. } = &root.kind else {
        return None;
    };
    // Room for the root object's own keys, and a margin: fields are measured alone.
    let mut room = (budget.bytes - budget.bytes / 16).saturating_sub(64);
    let mut picker = Picker { types, sizes };
    let items = picker.select(properties, &mut room, 0);
    if items.is_empty() {
        return None;
    }
    Some(format!("returns = {}", toml_string(&items.join(","))))
}

struct Picker<'a> {
    types: &'a TypeSpace,
    sizes: &'a Sizes<'a>,
}

impl Picker<'_> {
    /// The smallest fields first, whole, while they fit; then, in document order, the
    /// fields inside those left over; the result in document order.
    fn select(&mut self, properties: &[Property], room: &mut usize, depth: usize) -> Vec<String> {
        // The grammar cannot spell some names; a projection leaves such a field out.
        let selectable: Vec<&Property> = properties
            .iter()
            .filter(|p| is_selectable(&p.name))
            .collect();
        // Fields that cannot fit whole (`None`) are only looked into.
        let mut by_size: Vec<(usize, usize)> = selectable
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let bytes = self.sizes.of(&p.schema, true, *room)?;
                Some((bytes + p.name.len() + 4, i))
            })
            .collect();
        by_size.sort_unstable();
        let mut chosen: Vec<Option<String>> = vec![None; selectable.len()];
        for (bytes, i) in by_size {
            if bytes <= *room {
                *room -= bytes;
                chosen[i] = Some(selectable[i].name.clone());
            }
        }
        if depth < MAX_SELECT_DEPTH {
            for (i, property) in selectable.iter().enumerate() {
                if chosen[i].is_none() {
                    chosen[i] = self.inside(property, room, depth);
                }
            }
        }
        chosen.into_iter().flatten().collect()
    }

    /// `name.{…}` or `name[].{…}`: the fields of an object (or of an array's objects) that fit.
    fn inside(&mut self, property: &Property, room: &mut usize, depth: usize) -> Option<String> {
        let (target, elements) = match &property.schema.kind {
            Kind::Array(items) => (items.as_ref(), true),
            _ => (&property.schema, false),
        };
        let Kind::Named(id) = target.kind else {
            return None;
        };
        let TypeKind::Struct { properties, .. } = &self.types.get(id)?.kind else {
            return None;
        };
        // The object's own keys (`type`, `properties`, `additionalProperties`, an array's
        // `items`) and the field's description.
        let overhead =
            property.name.len() + 96 + property.schema.description.as_ref().map_or(0, String::len);
        let mut inner_room = room.checked_sub(overhead)?;
        let inner = self.select(properties, &mut inner_room, depth + 1);
        if inner.is_empty() {
            return None;
        }
        *room = inner_room;
        let brackets = if elements { "[]" } else { "" };
        Some(format!(
            "{}{brackets}.{{{}}}",
            property.name,
            inner.join(",")
        ))
    }
}

/// A name `returns` can write (`allowlist/returns.rs`: no `,.{}[]` or whitespace).
fn is_selectable(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| matches!(c, ',' | '.' | '{' | '}' | '[' | ']') || c.is_whitespace())
}

/// A TOML key: bare when it can be, else quoted.
fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        name.to_owned()
    } else {
        toml_string(name)
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The size rounded up to the next KiB, for a budget that leaves a little room.
fn round_up(bytes: usize) -> usize {
    bytes.div_ceil(1024) * 1024
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_strings_are_toml() {
        assert_eq!(toml_key("conferenceData"), "conferenceData");
        assert_eq!(toml_key("filter[name]"), "\"filter[name]\"");
        assert_eq!(toml_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert!(is_selectable("nextPageToken"));
        assert!(!is_selectable("@odata.context"));
        assert_eq!(round_up(27503), 27648);
    }
}
