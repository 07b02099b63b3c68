//! A tool's typed output: the provider's JSON answer read into the generated output type and
//! written back, so `structuredContent` always fits the tool's `outputSchema`.
//!
//! Generated output types are lenient (every field optional, undocumented fields kept where
//! the document allows them) and the output schema they come with is never stricter than the
//! type: whatever the type reads, its JSON validates. A projection (`returns` in the allowlist)
//! is a type with fewer fields, so reading drops the rest.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::paging::{LinkPaging, PageLinks};

/// A generated output type: what a tool's `structuredContent` is.
pub trait ToolOutput: DeserializeOwned + Serialize {
    /// `Some(key)` when the provider's answer is not an object (an array or a scalar): it is
    /// read as `{key: answer}`, since clients of the 2025 protocol only take object outputs.
    const WRAP: Option<&'static str> = None;
    /// `Some` when the operation pages by `Link` header: the next page's arguments are added
    /// at the root under `field` (after wrapping), read through the type like the answer.
    const LINK_PAGING: Option<LinkPaging> = None;
}

/// Reads the provider's JSON answer into `T` and writes it back as the tool's structured
/// content; `links` are the answer's `Link` headers, for types that page by them. Generated
/// code sets `OutputDef::read` to `output::<TheOutputType>`.
pub fn output<T: ToolOutput>(answer: Value, links: &PageLinks) -> Result<Value, OutputError> {
    let mut answer = match T::WRAP {
        Some(key) => Value::Object(Map::from_iter([(key.to_owned(), answer)])),
        None => answer,
    };
    if let (Some(paging), Value::Object(object)) = (T::LINK_PAGING, &mut answer) {
        // The field is ours: whatever the provider put there is not the next page.
        object.remove(paging.field);
        if let Some(next) = links.next_page(&paging) {
            object.insert(paging.field.to_owned(), Value::Object(next));
        }
    }
    let typed: T = serde_path_to_error::deserialize(answer).map_err(|error| {
        let path = error.path().to_string();
        OutputError {
            path: (path != ".").then_some(path),
            message: error.into_inner().to_string(),
        }
    })?;
    serde_json::to_value(&typed).map_err(|error| OutputError {
        path: None,
        message: error.to_string(),
    })
}

/// [`output::<T>`](output) of a tool's output type: what [`OutputDef::read`] holds.
pub type OutputFn = fn(Value, &PageLinks) -> Result<Value, OutputError>;

/// A tool's structured output, what [`ToolDef::output`](super::ToolDef::output) holds: the
/// schema `tools/list` declares and the reader that makes every answer fit it, together so that
/// neither can be set without the other.
#[derive(Debug, Clone, Copy)]
pub struct OutputDef {
    /// The output JSON Schema (an object schema), as JSON text (checked at start-up).
    pub schema: &'static str,
    /// Reads a JSON answer into the output type and writes it back. Generated code sets this
    /// to [`output::<TheOutputType>`](output).
    pub read: OutputFn,
}

/// A provider answer that does not fit the tool's output type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputError {
    /// Where in the answer (`items[3].start`), as the structured content would name it.
    pub path: Option<String>,
    /// What is wrong, as serde says it.
    pub message: String,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.path {
            Some(path) => write!(f, "at `{path}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for OutputError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Serialize)]
    struct Page {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<Vec<Item>>,
    }

    #[derive(Deserialize, Serialize)]
    struct Item {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    }

    impl ToolOutput for Page {}

    #[derive(Deserialize, Serialize)]
    struct Wrapped {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<Vec<i64>>,
    }
    impl ToolOutput for Wrapped {
        const WRAP: Option<&'static str> = Some("items");
    }

    #[test]
    fn projects_and_names_the_path_of_a_misfit() {
        let none = &PageLinks::default();
        let out =
            output::<Page>(json!({"items": [{"id": "a", "x": 1}], "kind": "k"}), none).unwrap();
        assert_eq!(out, json!({"items": [{"id": "a"}]}));
        let error = output::<Page>(json!({"items": [{"id": "a"}, {"id": 7}]}), none).unwrap_err();
        assert_eq!(error.path.as_deref(), Some("items[1].id"));
        assert!(error.message.contains("expected a string"), "{error}");
        assert!(error.to_string().starts_with("at `items[1].id`: "));
    }

    #[test]
    fn wraps_answers_that_are_not_objects() {
        assert_eq!(
            output::<Wrapped>(json!([1, 2]), &PageLinks::default()).unwrap(),
            json!({"items": [1, 2]})
        );
        let error = output::<Wrapped>(json!(["x"]), &PageLinks::default()).unwrap_err();
        assert_eq!(error.path.as_deref(), Some("items[0]"));
    }

    #[derive(Deserialize, Serialize)]
    struct Paged {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<Vec<i64>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next_page: Option<NextPage>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct NextPage {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        page: Option<i64>,
    }

    impl ToolOutput for Paged {
        const WRAP: Option<&'static str> = Some("items");
        const LINK_PAGING: Option<LinkPaging> = Some(LinkPaging {
            field: "next_page",
            params: &[crate::tool::paging::PageParam {
                wire: "page",
                input: "page",
                kind: crate::tool::paging::PageKind::Integer,
            }],
        });
    }

    #[test]
    fn link_paged_answers_carry_the_next_page_through_the_type() {
        let url = reqwest::Url::parse("https://h/items?page=2").unwrap();
        let headers = |value: &str| vec![("link".to_owned(), value.to_owned())];
        let next = PageLinks::new(&headers(r#"<https://h/items?page=3>; rel="next""#), &url);
        assert_eq!(
            output::<Paged>(json!([1, 2]), &next).unwrap(),
            json!({"items": [1, 2], "next_page": {"page": 3}})
        );
        let last = PageLinks::new(&headers(r#"<https://h/items?page=1>; rel="first""#), &url);
        assert_eq!(
            output::<Paged>(json!([1]), &last).unwrap(),
            json!({"items": [1]})
        );
    }
}
