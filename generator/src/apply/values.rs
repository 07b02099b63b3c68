//! Checking allowlist values against field types: `fixed` and `default` values must fit, and
//! `type` may retype scalars only.

use serde_json::Value;

use crate::allowlist::ScalarType;
use crate::ir::{IntWidth, Kind, Schema, TypeKind, TypeSpace};

/// Retypes a scalar (or string enum) in place; false if the schema is not a scalar.
pub(super) fn retype(schema: &mut Schema, ty: ScalarType, types: &TypeSpace) -> bool {
    let scalar = match &schema.kind {
        Kind::String | Kind::Integer(_) | Kind::Number | Kind::Boolean => true,
        Kind::Named(id) => matches!(
            types.get(*id).map(|t| &t.kind),
            Some(TypeKind::Enum { .. } | TypeKind::IntEnum { .. })
        ),
        Kind::Array(_) | Kind::Map(_) | Kind::Json(_) | Kind::Bytes | Kind::File { .. } => false,
    };
    if !scalar {
        return false;
    }
    let description = schema.description.take();
    *schema = Schema::of(match ty {
        ScalarType::String => Kind::String,
        ScalarType::Integer => Kind::Integer(IntWidth::I64),
        ScalarType::Number => Kind::Number,
        ScalarType::Boolean => Kind::Boolean,
    });
    schema.description = description;
    true
}

/// Whether `value` is a valid value of `schema`; `Err` says what was expected. Defaults must
/// be scalars (they are emitted as `unwrap_or(literal)`); fixed values may be any JSON.
pub(super) fn fits(
    value: &Value,
    schema: &Schema,
    types: &TypeSpace,
    scalar_only: bool,
) -> Result<(), String> {
    let ok = match &schema.kind {
        // Bytes and files come from the model (a literal would have to be base64 in the
        // allowlist, and a file its content): never fixed or defaulted.
        kind if kind.is_file() || *kind == Kind::Bytes => {
            return Err(
                "a value the model gives (files and binary bodies are not fixed or defaulted)"
                    .to_owned(),
            );
        }
        Kind::String => value.is_string(),
        Kind::Integer(IntWidth::I32) => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Kind::Integer(IntWidth::I64) => value.is_i64(),
        Kind::Number => value.is_number(),
        Kind::Boolean => value.is_boolean(),
        Kind::Named(id) => match types.get(*id).map(|t| &t.kind) {
            Some(TypeKind::Enum { values }) => {
                if value
                    .as_str()
                    .is_some_and(|v| values.iter().any(|x| x == v))
                {
                    return Ok(());
                }
                let list: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
                return Err(format!("one of {}", list.join(", ")));
            }
            Some(TypeKind::IntEnum { values }) => {
                if value.as_i64().is_some_and(|v| values.contains(&v)) {
                    return Ok(());
                }
                let list: Vec<String> = values.iter().map(i64::to_string).collect();
                return Err(format!("one of {}", list.join(", ")));
            }
            // A fixed value is sent as written; a union may be any of its branches' types.
            Some(TypeKind::Union { .. }) if !scalar_only => !value.is_null(),
            _ if scalar_only => return Err(scalar_only_message()),
            _ => value.is_object(),
        },
        Kind::Array(items) if !scalar_only => match value.as_array() {
            Some(values) => {
                return values
                    .iter()
                    .try_for_each(|v| fits(v, items, types, false))
                    .map_err(|e| format!("an array of {e}"));
            }
            None => false,
        },
        Kind::Map(_) if !scalar_only => value.is_object(),
        Kind::Json(_) if !scalar_only => !value.is_null(),
        Kind::Array(_) | Kind::Map(_) | Kind::Json(_) | Kind::Bytes | Kind::File { .. } => {
            return Err(scalar_only_message());
        }
    };
    if ok {
        Ok(())
    } else {
        Err(expected(&schema.kind).to_owned())
    }
}

fn scalar_only_message() -> String {
    "a scalar field (defaults are supported on strings, integers, numbers, booleans and enums)"
        .to_owned()
}

fn expected(kind: &Kind) -> &'static str {
    match kind {
        Kind::String => "a string",
        Kind::Integer(IntWidth::I32) => "an integer (int32)",
        Kind::Integer(IntWidth::I64) => "an integer",
        Kind::Number => "a number",
        Kind::Boolean => "a boolean",
        Kind::Array(_) => "an array",
        Kind::Map(_) | Kind::Named(_) => "an object",
        Kind::Json(_) => "a JSON value",
        Kind::Bytes => "base64 text",
        Kind::File { .. } => "a file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{TypeDef, TypeId};

    fn enum_space() -> TypeSpace {
        TypeSpace {
            types: vec![TypeDef {
                name: "OrderBy".to_owned(),
                pointer: String::new(),
                description: None,
                kind: TypeKind::Enum {
                    values: vec!["startTime".to_owned(), "updated".to_owned()],
                },
            }],
        }
    }

    #[test]
    fn defaults_must_match_the_field_type() {
        let types = enum_space();
        let int32 = Schema::of(Kind::Integer(IntWidth::I32));
        assert_eq!(fits(&Value::from(10), &int32, &types, true), Ok(()));
        assert!(fits(&Value::from("10"), &int32, &types, true).is_err());
        assert!(fits(&Value::from(1_i64 << 40), &int32, &types, true).is_err());
        let order = Schema::of(Kind::Named(TypeId(0)));
        assert_eq!(fits(&Value::from("updated"), &order, &types, true), Ok(()));
        assert_eq!(
            fits(&Value::from("created"), &order, &types, true),
            Err("one of \"startTime\", \"updated\"".to_owned())
        );
        let list = Schema::of(Kind::Array(Box::new(Schema::of(Kind::String))));
        assert!(fits(&serde_json::json!(["a"]), &list, &types, true).is_err());
        assert_eq!(
            fits(&serde_json::json!(["a"]), &list, &types, false),
            Ok(())
        );
        assert!(fits(&serde_json::json!(["a", 1]), &list, &types, false).is_err());
    }

    #[test]
    fn integer_enum_defaults_must_be_one_of_the_values() {
        let types = TypeSpace {
            types: vec![TypeDef {
                name: "Level".to_owned(),
                pointer: String::new(),
                description: None,
                kind: TypeKind::IntEnum {
                    values: vec![0, 10],
                },
            }],
        };
        let level = Schema::of(Kind::Named(TypeId(0)));
        assert_eq!(fits(&Value::from(10), &level, &types, true), Ok(()));
        assert_eq!(
            fits(&Value::from(5), &level, &types, true),
            Err("one of 0, 10".to_owned())
        );
        assert!(fits(&Value::from("10"), &level, &types, true).is_err());
        let mut retyped = level.clone();
        assert!(retype(&mut retyped, ScalarType::String, &types));
    }

    #[test]
    fn retype_changes_scalars_only() {
        let types = enum_space();
        let mut ts = Schema::of(Kind::Number);
        ts.description = Some("Timestamp".to_owned());
        ts.format = Some("double".to_owned());
        assert!(retype(&mut ts, ScalarType::String, &types));
        let mut expected = Schema::of(Kind::String);
        expected.description = Some("Timestamp".to_owned());
        assert_eq!(ts, expected);
        let mut list = Schema::of(Kind::Array(Box::new(Schema::of(Kind::String))));
        assert!(!retype(&mut list, ScalarType::String, &types));
    }
}
