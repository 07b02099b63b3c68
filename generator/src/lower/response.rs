//! Success responses (`2xx` and `default`) of allowlisted operations: every `$ref` they reach
//! is followed, and the JSON body is lowered as output types. A dangling or external reference
//! is a warning with its pointer, not an error: output types are lenient, so the value it meant
//! is read as any JSON (a response that cannot be found is left out, and the tool answers as
//! text). Operations that are not allowlisted are never lowered.

use openapiv3::{ReferenceOr, Response, Responses, StatusCode};

use super::Lowerer;
use super::body::is_json;
use crate::diagnostic::child;
use crate::ir;

impl<'d> Lowerer<'d> {
    /// Checks every success response and returns the one a tool's output would follow.
    pub(super) fn response(
        &mut self,
        responses: &'d Responses,
        pointer: &str,
        prefix: &str,
    ) -> Option<ir::Response> {
        let mut success: Vec<((u8, u16), String, &'d ReferenceOr<Response>)> = responses
            .responses
            .iter()
            .filter_map(|(code, response)| Some((rank(code)?, code.to_string(), response)))
            .collect();
        if let Some(default) = &responses.default {
            success.push(((2, 0), "default".to_owned(), default));
        }
        // Stable: equal ranks keep document order.
        success.sort_by_key(|(rank, _, _)| *rank);
        let at = format!("{pointer}/responses");
        let mut chosen = None;
        for (_, status, response) in success {
            // A response that cannot be found is left out with a warning, like a schema.
            self.output = true;
            let resolved = self.resolve_response(response, &child(&at, &status));
            self.output = false;
            let Some((response, pointer)) = resolved else {
                continue;
            };
            self.check_content(response, &pointer);
            if chosen.is_none() {
                chosen = Some(ir::Response {
                    status,
                    output: self.output_type(response, &pointer, prefix),
                    link_header: response
                        .headers
                        .keys()
                        .any(|name| name.eq_ignore_ascii_case("link")),
                    pointer,
                });
            }
        }
        chosen
    }

    /// The JSON body read as output types: lenient (nothing required, further properties
    /// kept, enums and tagged unions read as plain values, read-only fields kept); `None`
    /// without a JSON body or a schema for it. Inline types are named `<Tool>Output...`.
    fn output_type(
        &mut self,
        response: &'d Response,
        pointer: &str,
        prefix: &str,
    ) -> Option<ir::Schema> {
        let (media_type, media) = response.content.iter().find(|(k, _)| is_json(k))?;
        let schema = media.schema.as_ref()?;
        let at = format!(
            "{}/schema",
            child(&format!("{pointer}/content"), media_type)
        );
        self.output = true;
        let lowered = self.schema(schema.into(), &at, &format!("{prefix}Output"));
        self.output = false;
        Some(lowered)
    }

    /// Follows the schema of every media type, all the way down (as output: a dangling
    /// reference is a warning).
    fn check_content(&mut self, response: &'d Response, pointer: &str) {
        self.output = true;
        for (media_type, media) in &response.content {
            if let Some(schema) = &media.schema {
                let at = format!(
                    "{}/schema",
                    child(&format!("{pointer}/content"), media_type)
                );
                self.check_schema(schema.into(), at);
            }
        }
        self.output = false;
    }
}

/// `(0, code)` for a `2xx` code, `(1, 0)` for `2XX`; `None` for other statuses.
fn rank(code: &StatusCode) -> Option<(u8, u16)> {
    match code {
        StatusCode::Code(n @ 200..=299) => Some((0, *n)),
        StatusCode::Range(2) => Some((1, 0)),
        _ => None,
    }
}
