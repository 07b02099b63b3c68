//! One tool's old shape against its new one → the changes a caller would notice, each marked
//! breaking or not. Shared by `alter-mcp-gen diff` and the lock check.

use serde::Serialize;
use serde_json::Value;

use crate::shape::{ParamShape, ToolShape, base_type, type_label};

/// One difference between two versions of a tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// A call that worked before may now fail (or do something else).
    pub breaking: bool,
    /// A stable tag for tools: `removed`, `renamed`, `type`, `format`, `required`, `param-removed`,
    /// `added`, `optional`, `location`, `enum-removed`, `enum-added`, `constraints`,
    /// `operation`, `request`, `input-schema`, `output-schema`, `output-field`, `annotation`,
    /// `deprecated`.
    pub kind: &'static str,
    /// For people: what changed, with the names involved.
    pub message: String,
}

impl Change {
    fn breaking(kind: &'static str, message: String) -> Change {
        Change {
            breaking: true,
            kind,
            message,
        }
    }

    fn benign(kind: &'static str, message: String) -> Change {
        Change {
            breaking: false,
            kind,
            message,
        }
    }
}

/// Every change from `old` to `new`, in a fixed order: the operation, the parameters (in the
/// new schema order, removals last), then hashes and annotations.
pub fn compare(old: &ToolShape, new: &ToolShape) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.operation != new.operation {
        changes.push(Change::breaking(
            "operation",
            format!("operation `{}` → `{}`", old.operation, new.operation),
        ));
    }
    if old.request != new.request {
        changes.push(Change::breaking(
            "request",
            format!("request `{}` → `{}`", old.request, new.request),
        ));
    }
    params(old, new, &mut changes);
    let params_changed = !changes.is_empty();
    if old.input_schema != new.input_schema && !params_changed {
        // Nothing the labels above name: wording, or (when the lock cannot tell) defaults,
        // constraints or nested fields.
        let known = |shape: &ToolShape| shape.params.iter().all(|p| !p.schema.is_null());
        let what = if known(old) && known(new) {
            "wording only (each parameter's schema is the same without descriptions)"
        } else {
            "descriptions, defaults, constraints or nested fields"
        };
        changes.push(Change::benign(
            "input-schema",
            format!(
                "input schema changed ({} → {}): {what}",
                old.input_schema, new.input_schema
            ),
        ));
    }
    output(old, new, &mut changes);
    annotations(old, new, &mut changes);
    changes
}

fn output(old: &ToolShape, new: &ToolShape, changes: &mut Vec<Change>) {
    match (&old.output_schema, &new.output_schema) {
        (Some(a), Some(b)) if a != b => {
            let before = changes.len();
            output_fields(&old.output, &new.output, changes);
            if changes.len() == before {
                changes.push(Change::benign(
                    "output-schema",
                    format!("output schema changed ({a} → {b}): nested fields, constraints or wording; review"),
                ));
            }
        }
        (Some(a), None) => changes.push(Change::breaking(
            "output-schema",
            format!("output schema removed (was {a})"),
        )),
        (None, Some(b)) => changes.push(Change::benign(
            "output-schema",
            format!("output schema added ({b})"),
        )),
        _ => {}
    }
}

/// Top-level result fields: one the model read may be gone or retyped (when both schemas are
/// known, in `diff`).
fn output_fields(old: &Value, new: &Value, changes: &mut Vec<Change>) {
    let (Some(before), Some(after)) = (
        old.get("properties").and_then(Value::as_object),
        new.get("properties").and_then(Value::as_object),
    ) else {
        return;
    };
    for (name, schema) in before {
        match after.get(name) {
            None => changes.push(Change::breaking(
                "output-field",
                format!("result field `{name}` removed"),
            )),
            Some(now) => {
                let (was, is) = (type_label(schema), type_label(now));
                if base_type(&was) != base_type(&is) {
                    changes.push(Change::breaking(
                        "output-field",
                        format!("result field `{name}` type changed: {was} → {is}"),
                    ));
                }
            }
        }
    }
    for (name, schema) in after.iter().filter(|(n, _)| !before.contains_key(*n)) {
        changes.push(Change::benign(
            "output-field",
            format!("new result field `{name}` ({})", type_label(schema)),
        ));
    }
}

fn annotations(old: &ToolShape, new: &ToolShape, changes: &mut Vec<Change>) {
    let keys: std::collections::BTreeSet<&String> = old
        .annotations
        .keys()
        .chain(new.annotations.keys())
        .collect();
    for key in keys {
        let (a, b) = (old.annotations.get(key), new.annotations.get(key));
        if a != b {
            let show = |v: Option<&Value>| v.map_or_else(|| "(none)".to_owned(), Value::to_string);
            // What a tool may do is a promise clients act on (auto-approving read-only tools).
            let breaking = key != "title";
            let message = format!("annotation `{key}`: {} → {}", show(a), show(b));
            changes.push(Change {
                breaking,
                kind: "annotation",
                message,
            });
        }
    }
}

/// Parameters: matched by name; an unmatched removed one and added one in the same place with
/// the same type are a rename.
fn params(old: &ToolShape, new: &ToolShape, changes: &mut Vec<Change>) {
    let mut removed: Vec<&ParamShape> = old
        .params
        .iter()
        .filter(|p| new.param(&p.name).is_none())
        .collect();
    for param in &new.params {
        match old.param(&param.name) {
            Some(before) => same_param(before, param, changes),
            None => {
                let renamed_from = removed.iter().position(|r| {
                    r.location == param.location && base_type(&r.ty) == base_type(&param.ty)
                });
                match renamed_from.map(|i| removed.remove(i)) {
                    Some(before) => renamed(before, param, changes),
                    None => added(param, changes),
                }
            }
        }
    }
    for param in removed {
        changes.push(Change::breaking(
            "param-removed",
            format!(
                "parameter `{}` ({}, {}) removed",
                param.name, param.location, param.ty
            ),
        ));
    }
}

fn renamed(before: &ParamShape, after: &ParamShape, changes: &mut Vec<Change>) {
    changes.push(Change::breaking(
        "renamed",
        format!(
            "parameter renamed `{}` → `{}` ({}, {})",
            before.name, after.name, after.location, after.ty
        ),
    ));
    if after.required && !before.required {
        changes.push(Change::breaking(
            "required",
            format!("parameter `{}` is now required", after.name),
        ));
    }
}

fn added(param: &ParamShape, changes: &mut Vec<Change>) {
    if param.required {
        changes.push(Change::breaking(
            "required",
            format!(
                "new required parameter `{}` ({}, {})",
                param.name, param.location, param.ty
            ),
        ));
    } else {
        changes.push(Change::benign(
            "added",
            format!(
                "new optional parameter `{}` ({}, {})",
                param.name, param.location, param.ty
            ),
        ));
    }
}

fn same_param(old: &ParamShape, new: &ParamShape, changes: &mut Vec<Change>) {
    let name = &new.name;
    if old.location != new.location {
        changes.push(Change::breaking(
            "location",
            format!(
                "parameter `{name}` moved: {} → {}",
                old.location, new.location
            ),
        ));
    }
    if base_type(&old.ty) != base_type(&new.ty) {
        changes.push(Change::breaking(
            "type",
            format!("parameter `{name}` type changed: {} → {}", old.ty, new.ty),
        ));
    } else if old.ty != new.ty {
        // A format is a hint (most clients never check it); worth a look, not a break.
        changes.push(Change::benign(
            "format",
            format!("parameter `{name}` format changed: {} → {}", old.ty, new.ty),
        ));
    }
    match (old.required, new.required) {
        (false, true) => changes.push(Change::breaking(
            "required",
            format!("parameter `{name}` is now required"),
        )),
        (true, false) => changes.push(Change::benign(
            "optional",
            format!("parameter `{name}` is now optional"),
        )),
        _ => {}
    }
    if base_type(&old.ty) == base_type(&new.ty) {
        details(old, new, changes);
    }
}

/// Enum values and other keywords, when both schemas are known (`diff`; the lock keeps
/// hashes only).
fn details(old: &ParamShape, new: &ParamShape, changes: &mut Vec<Change>) {
    if old.schema.is_null() || new.schema.is_null() || old.schema == new.schema {
        return;
    }
    let name = &new.name;
    let (before, after) = (enum_values(&old.schema), enum_values(&new.schema));
    let gone: Vec<&String> = before.iter().filter(|v| !after.contains(v)).collect();
    let new_values: Vec<&String> = after.iter().filter(|v| !before.contains(v)).collect();
    if !gone.is_empty() {
        changes.push(Change::breaking(
            "enum-removed",
            format!("parameter `{name}` no longer accepts {}", list(&gone)),
        ));
    }
    if !new_values.is_empty() {
        changes.push(Change::benign(
            "enum-added",
            format!("parameter `{name}` now also accepts {}", list(&new_values)),
        ));
    }
    if gone.is_empty() && new_values.is_empty() {
        changes.push(Change::benign(
            "constraints",
            format!("parameter `{name}`: schema details changed (defaults, limits or nested fields); review"),
        ));
    }
}

/// The `enum` values of a schema or of its array items, as JSON text.
fn enum_values(schema: &Value) -> Vec<String> {
    let values = schema
        .get("enum")
        .or_else(|| schema.get("items").and_then(|items| items.get("enum")));
    values
        .and_then(Value::as_array)
        .map(|values| values.iter().map(Value::to_string).collect())
        .unwrap_or_default()
}

fn list(values: &[&String]) -> String {
    values
        .iter()
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn param(name: &str, location: &str, ty: &str, required: bool) -> ParamShape {
        ParamShape {
            name: name.to_owned(),
            location: location.to_owned(),
            ty: ty.to_owned(),
            required,
            schema: Value::Null,
        }
    }

    fn tool(params: Vec<ParamShape>) -> ToolShape {
        ToolShape {
            name: "t".to_owned(),
            operation: "op".to_owned(),
            request: "GET https://x/a".to_owned(),
            input_schema: "h1".to_owned(),
            output_schema: None,
            annotations: [("readOnlyHint".to_owned(), json!(true))].into(),
            params,
            output: Value::Null,
        }
    }

    fn kinds(changes: &[Change]) -> Vec<(&str, bool)> {
        changes.iter().map(|c| (c.kind, c.breaking)).collect()
    }

    #[test]
    fn the_same_shape_has_no_changes() {
        let a = tool(vec![param("a", "query", "string", true)]);
        assert_eq!(compare(&a, &a.clone()), []);
    }

    #[test]
    fn each_parameter_change_is_named() {
        let old = tool(vec![
            param("keep", "query", "string", false),
            param("from", "query", "integer", false),
            param("gone", "path", "string", true),
            param("loose", "query", "boolean", true),
        ]);
        let mut new = tool(vec![
            param("keep", "query", "integer", true),
            param("to", "query", "integer", false),
            param("extra", "query", "string", false),
            param("must", "header", "string", true),
            param("loose", "query", "boolean", false),
        ]);
        new.input_schema = "h2".to_owned();
        let changes = compare(&old, &new);
        assert_eq!(
            kinds(&changes),
            [
                ("type", true),
                ("required", true),
                ("renamed", true),
                ("added", false),
                ("required", true),
                ("optional", false),
                ("param-removed", true),
            ],
            "{changes:#?}"
        );
        assert_eq!(
            changes[2].message,
            "parameter renamed `from` → `to` (query, integer)"
        );
    }

    #[test]
    fn hashes_and_annotations_are_reported_when_nothing_else_explains_them() {
        let old = tool(vec![]);
        let mut new = tool(vec![]);
        new.input_schema = "h2".to_owned();
        new.output_schema = Some("o".to_owned());
        new.annotations
            .insert("readOnlyHint".to_owned(), json!(false));
        assert_eq!(
            kinds(&compare(&old, &new)),
            [
                ("input-schema", false),
                ("output-schema", false),
                ("annotation", true)
            ]
        );
    }

    #[test]
    fn result_fields_removed_or_retyped_break() {
        let mut old = tool(vec![]);
        old.output_schema = Some("o1".to_owned());
        old.output = json!({"type": "object", "properties": {
            "id": {"type": "string"}, "count": {"type": "integer"}, "gone": {"type": "string"}
        }});
        let mut new = old.clone();
        new.output_schema = Some("o2".to_owned());
        new.output = json!({"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "count": {"type": "string"},
            "extra": {"type": "boolean"}
        }});
        let changes = compare(&old, &new);
        let messages: Vec<(&str, bool)> = changes
            .iter()
            .map(|c| (c.message.as_str(), c.breaking))
            .collect();
        assert_eq!(
            messages,
            [
                ("result field `count` type changed: integer → string", true),
                ("result field `gone` removed", true),
                ("new result field `extra` (boolean)", false),
            ]
        );
        // From the lock (hashes only), a change is named without guessing its effect.
        let (old, new) = (old.locked(), new.locked());
        assert_eq!(kinds(&compare(&old, &new)), [("output-schema", false)]);
    }

    #[test]
    fn a_format_alone_is_not_a_type_change() {
        let old = tool(vec![param("t", "query", "string", false)]);
        let new = tool(vec![param("t", "query", "string(date-time)", false)]);
        assert_eq!(kinds(&compare(&old, &new)), [("format", false)]);
    }

    #[test]
    fn enum_values_removed_break_and_added_do_not() {
        let mut old = param("mode", "query", "string", false);
        old.schema = json!({"type": "string", "enum": ["a", "b"]});
        let mut new = old.clone();
        new.schema = json!({"type": "string", "enum": ["b", "c"]});
        let changes = compare(&tool(vec![old]), &tool(vec![new]));
        assert_eq!(
            kinds(&changes),
            [("enum-removed", true), ("enum-added", false)]
        );
        assert_eq!(
            changes[0].message,
            "parameter `mode` no longer accepts \"a\""
        );
    }
}
