//! Every naming decision in one place: tool names, Rust type, field and variant names (keywords,
//! leading digits, punctuation, collisions) and titles. Renaming a Rust item never changes a name
//! the model or the provider sees: serde keeps those.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// MCP hosts and LLM providers accept tool names matching `^[a-zA-Z0-9_-]{1,64}$`.
pub const MAX_TOOL_NAME: usize = 64;

/// Words Rust reserves in some edition; `self`, `Self`, `super` and `crate` cannot even be raw
/// identifiers, so every keyword gets a trailing `_` instead (`type` → `type_`).
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `name` is acceptable as a tool name everywhere (`^[a-zA-Z0-9_-]{1,64}$`).
pub fn is_valid_tool_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOOL_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The default tool name for an operation id (`calendar.events.list` → `calendar_events_list`,
/// `GET /calendars/{id}` → `get_calendars_id`): `[a-z0-9_]` only, since several clients reject
/// dots. Too-long names are shortened readably (see [`shorten_words`]); two operations that end
/// up with one name are an error for the caller to report, never a silently renamed tool.
pub fn default_tool_name(operation_id: &str) -> String {
    let snake = ascii_words(operation_id).to_snake_case();
    if snake.is_empty() {
        return "tool".to_owned();
    }
    shorten_words(&snake)
}

/// `name` made distinct by a short hash of `key`, still within [`MAX_TOOL_NAME`].
pub fn with_hash(name: &str, key: &str) -> String {
    let hash = format!("{:06x}", fnv1a(key.as_bytes()) & 0x00ff_ffff);
    let keep = MAX_TOOL_NAME - hash.len() - 1;
    let stem = name
        .get(..keep.min(name.len()))
        .unwrap_or(name)
        .trim_end_matches('_');
    format!("{stem}_{hash}")
}

/// Fits a snake_case name into [`MAX_TOOL_NAME`] and stays readable: the longest word loses
/// its last letter until everything fits (no word below 3 letters); if that is not enough,
/// words are dropped from the middle, keeping the first and the last ones. Deterministic.
fn shorten_words(name: &str) -> String {
    let mut words: Vec<String> = name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let length = |words: &[String]| {
        words.iter().map(String::len).sum::<usize>() + words.len().saturating_sub(1)
    };
    while length(&words) > MAX_TOOL_NAME {
        let Some(longest) = (0..words.len())
            .filter(|&i| words[i].len() > 3)
            .max_by_key(|&i| (words[i].len(), std::cmp::Reverse(i)))
        else {
            break;
        };
        words[longest].pop();
    }
    while length(&words) > MAX_TOOL_NAME && words.len() > 2 {
        words.remove(words.len() / 2);
    }
    let mut joined = words.join("_");
    joined.truncate(MAX_TOOL_NAME);
    joined.trim_end_matches('_').to_owned()
}

/// Whether the model can see an input under `name`: LLM providers accept tool input property
/// names matching `^[a-zA-Z0-9_.-]{1,64}$` (the Anthropic API rejects a tool with any other).
pub fn is_valid_input_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOOL_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The name the model sees for a parameter or body field: its wire name when valid, else the
/// runs of allowed characters joined by `_` (`filter[name]` → `filter_name`, `$top` → `top`),
/// cut with a hash past 64 characters. The wire name itself never changes.
pub fn input_name(wire: &str) -> String {
    if is_valid_input_name(wire) {
        return wire.to_owned();
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    let joined = wire
        .split(|c: char| !allowed(c))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let name = if joined.is_empty() {
        "param".to_owned()
    } else {
        joined
    };
    shorten(name, wire)
}

/// `name` if it fits [`MAX_TOOL_NAME`], else a prefix plus a short hash of `original`.
fn shorten(name: String, original: &str) -> String {
    if name.len() <= MAX_TOOL_NAME {
        return name;
    }
    let hash = format!("{:08x}", fnv1a(original.as_bytes()));
    let keep = MAX_TOOL_NAME - hash.len() - 1;
    // Names here are ASCII, so any index is a char boundary; stay safe anyway.
    let stem = name.get(..keep).unwrap_or("tool").trim_end_matches('_');
    format!("{stem}_{hash}")
}

/// `base`, or when `taken` says it is in use, `base_2`, `base_3`... cut so the result still
/// fits [`MAX_TOOL_NAME`] (tool names and model-visible input names share that limit).
pub fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while taken(&name) {
        let suffix = format!("_{n}");
        let keep = base.len().min(MAX_TOOL_NAME - suffix.len());
        let stem = base.get(..keep).unwrap_or(base).trim_end_matches('_');
        name = format!("{stem}{suffix}");
        n += 1;
    }
    name
}

/// A human title from a tool name: `list_events` → `List events`.
pub fn title_from_name(name: &str) -> String {
    let words = name.replace(['_', '-'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_owned(),
    }
}

/// An UpperCamelCase Rust type name for `text`; `fallback` when nothing usable is left.
pub fn type_name(text: &str, fallback: &str) -> String {
    upper_camel(text, fallback, "T")
}

/// An UpperCamelCase enum variant for a wire value (`start-time` → `StartTime`, `1h` → `V1h`,
/// `+` → `Value`).
pub fn variant_name(value: &str) -> String {
    upper_camel(value, "Value", "V")
}

/// The variant of an integer enum value: `V1`, `Neg1` for -1 (distinct values, distinct
/// names, so no numbering is ever needed).
pub fn int_variant_name(value: i64) -> String {
    if value < 0 {
        format!("Neg{}", value.unsigned_abs())
    } else {
        format!("V{value}")
    }
}

/// A snake_case Rust field name for a wire name (`maxResults` → `max_results`, `type` → `type_`,
/// `2fa` → `_2fa`, `x.y-z` → `x_y_z`).
pub fn field_name(wire: &str) -> String {
    let snake = ascii_words(wire).to_snake_case();
    let name = if snake.is_empty() {
        "field".to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        snake
    };
    unkeyword(name)
}

/// The name of the input struct of a tool (`list_events` → `ListEventsInput`).
pub fn input_type_name(tool_name: &str) -> String {
    format!("{}Input", type_prefix(tool_name))
}

/// The prefix of inline types synthesized for a tool's inputs (`list_events` → `ListEvents`).
pub fn type_prefix(tool_name: &str) -> String {
    type_name(tool_name, "Tool")
}

/// The name of an inline type nested in `parent` under `member` (`Event` + `start` →
/// `EventStart`).
pub fn nested_type_name(parent: &str, member: &str) -> String {
    format!("{parent}{}", upper_camel(member, "Field", "T"))
}

/// Rust variant names for an enum's wire values, unique within the enum.
pub fn variant_names(values: &[String]) -> Vec<String> {
    let mut scope = Scope::new();
    values
        .iter()
        .map(|v| scope.unique(&variant_name(v)))
        .collect()
}

/// Rust field names for a struct's wire names, unique within the struct.
pub fn field_names<'a>(wire_names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut scope = Scope::new();
    wire_names
        .into_iter()
        .map(|w| scope.unique(&field_name(w)))
        .collect()
}

fn upper_camel(text: &str, fallback: &str, digit_prefix: &str) -> String {
    let camel = ascii_words(text).to_upper_camel_case();
    let name = if camel.is_empty() {
        fallback.to_owned()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{camel}")
    } else {
        camel
    };
    unkeyword(name)
}

/// Keeps ASCII letters and digits; everything else separates words. Word boundaries inside
/// `camelCase` survive, so heck still splits them.
fn ascii_words(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn unkeyword(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Hands out names unique within one scope (a module's types, a struct's fields, an enum's
/// variants): a taken name gets the first free numeric suffix.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Scope::default()
    }

    /// Marks `name` as taken, without renaming.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Whether `name` is still free.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// `base` if free, else `base2`, `base3`... (`base_2` for snake_case names).
    pub fn unique(&mut self, base: &str) -> String {
        // snake_case names take `_2`; UpperCamelCase ones `2` (`Self_` → `Self2`, which is
        // no keyword, while `Self_2` would not be UpperCamelCase).
        let separator = if base.starts_with(|c: char| c.is_lowercase() || c == '_') {
            "_"
        } else {
            ""
        };
        let mut name = base.to_owned();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{}{separator}{n}", base.trim_end_matches('_'));
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// FNV-1a, 32 bits: a stable, dependency-free hash for shortening names.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |hash, &b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_name_table() {
        let table = [
            ("maxResults", "max_results"),
            ("calendarId", "calendar_id"),
            ("type", "type_"),
            ("self", "self_"),
            ("Self", "self_"),
            ("2fa", "_2fa"),
            ("x.y-z", "x_y_z"),
            ("include_all_metadata", "include_all_metadata"),
            ("X-Request-Id", "x_request_id"),
            ("$top", "top"),
            ("", "field"),
            ("---", "field"),
            ("café", "caf"),
            ("crate", "crate_"),
            ("super", "super_"),
            ("a b", "a_b"),
            ("名前", "field"),
            ("fooBar", "foo_bar"),
        ];
        for (wire, expected) in table {
            assert_eq!(field_name(wire), expected, "field_name({wire:?})");
        }
    }

    #[test]
    fn variant_and_type_names() {
        let table = [
            ("startTime", "StartTime"),
            ("updated", "Updated"),
            ("start-time", "StartTime"),
            ("1h", "V1h"),
            ("+", "Value"),
            ("", "Value"),
            ("self", "Self_"),
            ("ALL_CAPS", "AllCaps"),
        ];
        for (value, expected) in table {
            assert_eq!(variant_name(value), expected, "variant_name({value:?})");
        }
        assert_eq!(type_name("calendar.events.list", "T"), "CalendarEventsList");
        assert_eq!(type_name("3d-model", "T"), "T3dModel");
        assert_eq!(input_type_name("list_events"), "ListEventsInput");
        assert_eq!(nested_type_name("Event", "start"), "EventStart");
        assert_eq!(
            nested_type_name("ListEvents", "orderBy"),
            "ListEventsOrderBy"
        );
    }

    #[test]
    fn tool_names() {
        let table = [
            ("calendar.events.list", "calendar_events_list"),
            ("chat_postMessage", "chat_post_message"),
            (
                "GET /calendars/{calendarId}/events",
                "get_calendars_calendar_id_events",
            ),
            ("", "tool"),
        ];
        for (id, expected) in table {
            assert_eq!(default_tool_name(id), expected, "default_tool_name({id:?})");
            assert!(is_valid_tool_name(expected));
        }
        // Long names lose letters from their longest words first, then middle words.
        let long = "admin.conversations.restrictAccess.removeGroupFromAllowlistedWorkspaces";
        let short = default_tool_name(long);
        assert_eq!(
            short,
            "admin_convers_restric_access_remove_group_from_allowlis_workspac"
        );
        assert!(
            short.len() <= MAX_TOOL_NAME && is_valid_tool_name(&short),
            "{short}"
        );
        let words = format!("a{}", "_b".repeat(40));
        let cut = default_tool_name(&words);
        assert!(
            cut.len() <= MAX_TOOL_NAME && cut.starts_with("a_b") && cut.ends_with("_b"),
            "{cut}"
        );
        assert_eq!(default_tool_name(&"a".repeat(80)).len(), MAX_TOOL_NAME);
    }

    #[test]
    fn derived_names_are_made_valid_and_unique() {
        let table = [
            ("limit", "limit"),
            ("X-Api-Version", "X-Api-Version"),
            ("filter[name]", "filter_name"),
            ("page[size]", "page_size"),
            ("$top", "top"),
            ("fields[]", "fields"),
            ("a b", "a_b"),
            ("名前", "param"),
        ];
        for (wire, expected) in table {
            assert_eq!(input_name(wire), expected, "input_name({wire:?})");
            assert!(is_valid_input_name(expected));
        }
        let long = format!("{}[x]", "f".repeat(70));
        let short = input_name(&long);
        assert!(is_valid_input_name(&short), "{short}");
        assert_ne!(short, input_name(&format!("{}[y]", "f".repeat(70))));
        let taken = ["get_pet", "get_pet_2"];
        assert_eq!(unique_name("get_pet", |n| taken.contains(&n)), "get_pet_3");
        assert_eq!(unique_name("free", |n| taken.contains(&n)), "free");
        let full = "x".repeat(64);
        let renamed = unique_name(&full, |n| n == full);
        assert_eq!(renamed, format!("{}_2", "x".repeat(62)));
        assert!(is_valid_tool_name(&renamed));
    }

    #[test]
    fn tool_name_validity() {
        let table = [
            ("list_events", true),
            ("a-b_C9", true),
            ("", false),
            ("pets.get", false),
            ("get pet", false),
            ("pets/get", false),
            ("émoji", false),
        ];
        for (name, valid) in table {
            assert_eq!(is_valid_tool_name(name), valid, "{name:?}");
        }
        assert!(is_valid_tool_name(&"x".repeat(64)));
        assert!(!is_valid_tool_name(&"x".repeat(65)));
    }

    #[test]
    fn titles() {
        let table = [
            ("list_events", "List events"),
            ("send-slack", "Send slack"),
            ("x", "X"),
        ];
        for (name, expected) in table {
            assert_eq!(title_from_name(name), expected);
        }
    }

    #[test]
    fn names_stay_unique_after_case_conversion() {
        let values = ["asc", "ASC", "a-sc", "+", "-", "self", "Self"].map(str::to_owned);
        assert_eq!(
            variant_names(&values),
            ["Asc", "Asc2", "ASc", "Value", "Value2", "Self_", "Self2"]
        );
        assert_eq!(
            field_names(["maxResults", "max_results", "type", "Type"]),
            ["max_results", "max_results_2", "type_", "type_2"]
        );
    }

    #[test]
    fn scopes_make_names_unique() {
        let mut types = Scope::new();
        types.reserve("ListEventsInput");
        assert_eq!(types.unique("ListEventsInput"), "ListEventsInput2");
        assert_eq!(types.unique("Event"), "Event");
        assert_eq!(types.unique("Event"), "Event2");
        assert_eq!(types.unique("Event"), "Event3");
        let mut fields = Scope::new();
        assert_eq!(fields.unique("max_results"), "max_results");
        assert_eq!(fields.unique("max_results"), "max_results_2");
        assert_eq!(fields.unique("type_"), "type_");
        assert_eq!(fields.unique("type_"), "type_2");
    }
}
