//! Paging by the provider's `Link: <…>; rel="next"` header: the next page's target turned into
//! the tool arguments that ask for it (`{"page": 3, "per_page": 30}`), which the tool's result
//! carries (`next_page`) so the model can call again.
//!
//! Invariant: a result names a next page only when the model can ask for it: every query
//! parameter of the next link that differs from the call just made is one of the tool's inputs
//! and reads as that input's type. A link that needs anything else (a parameter the tool does
//! not take, a path-based cursor) gives no `next_page`, and a warning in the log.

use reqwest::Url;
use serde_json::{Map, Number, Value};

/// How a tool's output pages by `Link` header. Generated code sets it as
/// [`ToolOutput::LINK_PAGING`](crate::ToolOutput::LINK_PAGING).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkPaging {
    /// The result field that carries the next page's arguments (`next_page`).
    pub field: &'static str,
    /// The query parameters the tool takes as inputs, which a next link may set.
    pub params: &'static [PageParam],
}

/// One query parameter a next link may carry, and the input that takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageParam {
    /// The name in the query (`per_page`).
    pub wire: &'static str,
    /// The input's name, as the model sees it.
    pub input: &'static str,
    /// The input's JSON type.
    pub kind: PageKind,
}

/// The JSON type of a [`PageParam`]'s input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// A JSON string: the query value is passed as is.
    String,
    /// A JSON integer: the query value must parse as one.
    Integer,
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// What an answer's headers say about further pages, beside the query the call sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageLinks {
    /// The query of the `rel="next"` target, resolved against the request URL, decoded.
    next: Option<Vec<(String, String)>>,
    /// The query the call sent, decoded.
    sent: Vec<(String, String)>,
}

impl PageLinks {
    /// Reads the `Link` headers of an answer to a request for `url` (for tests and embedding;
    /// the server builds these itself). An unparsable `url` reads as no links.
    pub fn read(headers: &[(String, String)], url: &str) -> PageLinks {
        match Url::parse(url) {
            Ok(url) => PageLinks::new(headers, &url),
            Err(_) => PageLinks::default(),
        }
    }

    /// Reads the `Link` headers of an answer to a request for `url`.
    pub(crate) fn new(headers: &[(String, String)], url: &Url) -> PageLinks {
        PageLinks {
            next: super::link::next_query(headers, url),
            sent: url.query_pairs().into_owned().collect(),
        }
    }

    /// The arguments of the next page, under the names the model sees; `None` when there is
    /// no next link, or when this tool cannot ask for its page (logged).
    pub(crate) fn next_page(&self, paging: &LinkPaging) -> Option<Map<String, Value>> {
        let next = self.next.as_ref()?;
        let mut arguments = Map::new();
        let mut changed = false;
        let mut missing = Vec::new();
        for (name, value) in next {
            let was_sent = self.sent.iter().any(|(k, v)| k == name && v == value);
            changed |= !was_sent;
            let param = paging.params.iter().find(|p| p.wire == name);
            match param.and_then(|p| Some((p.input, typed(p.kind, value)?))) {
                Some((input, value)) if !arguments.contains_key(input) => {
                    arguments.insert(input.to_owned(), value);
                }
                // Sent as it was: the model gives it again with the same arguments.
                _ if was_sent => {}
                _ => missing.push(name.as_str()),
            }
        }
        if !missing.is_empty() || !changed {
            tracing::warn!(
                parameters = ?missing,
                "the provider's next-page link needs more than this tool's inputs; the result names no next page"
            );
            return None;
        }
        Some(arguments)
    }
}

/// A query value as the input's JSON type; `None` when it does not read as one.
fn typed(kind: PageKind, value: &str) -> Option<Value> {
    match kind {
        PageKind::String => Some(Value::String(value.to_owned())),
        PageKind::Integer => value.parse::<i64>().ok().map(Value::from),
        PageKind::Number => value
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        PageKind::Boolean => value.parse::<bool>().ok().map(Value::Bool),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PAGING: LinkPaging = LinkPaging {
        field: "next_page",
        params: &[
            PageParam {
                wire: "page",
                input: "page",
                kind: PageKind::Integer,
            },
            PageParam {
                wire: "per_page",
                input: "page_size",
                kind: PageKind::Integer,
            },
            PageParam {
                wire: "state",
                input: "state",
                kind: PageKind::String,
            },
        ],
    };

    fn links(url: &str, link: &str) -> PageLinks {
        let headers = vec![("Link".to_owned(), link.to_owned())];
        PageLinks::new(&headers, &Url::parse(url).unwrap())
    }

    #[test]
    fn next_link_becomes_the_inputs_under_the_models_names() {
        let page = links(
            "https://api.github.com/repos/o/r/issues?state=open&page=2&per_page=30",
            r#"<https://api.github.com/repositories/1/issues?state=open&page=3&per_page=30>; rel="next", <https://api.github.com/repositories/1/issues?page=9>; rel="last""#,
        );
        let next = page.next_page(&PAGING).unwrap();
        assert_eq!(
            Value::Object(next),
            json!({"state": "open", "page": 3, "page_size": 30})
        );
        // The first page: the request sent no page at all.
        let first = links(
            "https://h/issues",
            r#"<https://h/issues?page=2>; rel="next""#,
        );
        assert_eq!(
            first.next_page(&PAGING).map(Value::Object),
            Some(json!({"page": 2}))
        );
    }

    #[test]
    fn no_next_link_no_next_page() {
        let last = links(
            "https://h/issues?page=9",
            r#"<https://h/issues?page=1>; rel="first""#,
        );
        assert_eq!(last.next_page(&PAGING), None);
        let none = PageLinks::new(&[], &Url::parse("https://h/x").unwrap());
        assert_eq!(none.next_page(&PAGING), None);
    }

    #[test]
    fn a_page_the_tool_cannot_ask_for_is_not_offered() {
        // A cursor the tool does not take.
        let cursor = links(
            "https://h/x?page=1",
            r#"<https://h/x?after=abc>; rel="next""#,
        );
        assert_eq!(cursor.next_page(&PAGING), None);
        // A path-based next page: the query is what was sent.
        let path = links(
            "https://h/x?page=1",
            r#"<https://h/x/p2?page=1>; rel="next""#,
        );
        assert_eq!(path.next_page(&PAGING), None);
        // A value that does not read as the input's type.
        let word = links("https://h/x", r#"<https://h/x?page=two>; rel="next""#);
        assert_eq!(word.next_page(&PAGING), None);
        // A parameter the tool does not take, sent unchanged (a fixed value), is fine.
        let fixed = links(
            "https://h/x?org=a&page=1",
            r#"<https://h/x?org=a&page=2>; rel="next""#,
        );
        assert_eq!(
            fixed.next_page(&PAGING).map(Value::Object),
            Some(json!({"page": 2}))
        );
    }

    #[test]
    fn values_read_as_their_input_types() {
        assert_eq!(typed(PageKind::Integer, "30"), Some(json!(30)));
        assert_eq!(typed(PageKind::Integer, "3.5"), None);
        assert_eq!(typed(PageKind::Number, "3.5"), Some(json!(3.5)));
        assert_eq!(typed(PageKind::Boolean, "true"), Some(json!(true)));
        assert_eq!(typed(PageKind::Boolean, "1"), None);
        assert_eq!(typed(PageKind::String, "a b"), Some(json!("a b")));
    }
}
