//! Allowlist descriptions are `minijinja` templates over the operation's fields, so an allowlist
//! can reuse the document's text (`{{ summary }}. {{ description | cap(200) }}`) instead of
//! copying it. Text without `{{`/`{%` renders as itself. Undefined variables are errors, so a
//! typo never silently renders as nothing.

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::clean::{cap, clean};

/// What a template sees.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// The Alter provider id.
    pub provider: String,
    /// The tool's name as the model sees it.
    pub tool: String,
    pub operation_id: String,
    pub method: String,
    pub path: String,
    /// Cleaned (see [`clean`]), not capped; `""` when the document has none.
    pub summary: String,
    pub description: String,
    /// As the document has them.
    pub raw_summary: String,
    pub raw_description: String,
    /// The operation's parameters and top-level body fields, in document order.
    pub parameters: Vec<ParamContext>,
    /// For a `params.X.description` template: that parameter.
    pub param: Option<ParamContext>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParamContext {
    /// The wire name.
    pub name: String,
    /// `path`, `query`, `header`, `body field` or `body`.
    #[serde(rename = "in")]
    pub location: String,
    pub required: bool,
    /// Cleaned, not capped; `""` when the document has none.
    pub description: String,
}

/// Renders `source`; `Err` is minijinja's message (with the line) for a diagnostic.
pub fn render(source: &str, context: &Context) -> Result<String, String> {
    if !source.contains("{{") && !source.contains("{%") && !source.contains("{#") {
        return Ok(source.trim().to_owned());
    }
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("cap", |text: String, max: usize| cap(&text, max));
    env.add_filter("clean", |text: String| clean(&text));
    let rendered = env
        .render_str(source, minijinja::value::Serde(context))
        .map_err(|error| describe_error(&error))?;
    Ok(rendered.trim().to_owned())
}

fn describe_error(error: &minijinja::Error) -> String {
    let mut message = error.to_string();
    if let Some(line) = error.line() {
        message.push_str(&format!(" (template line {line})"));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context {
            provider: "google".into(),
            tool: "list_events".into(),
            operation_id: "calendar.events.list".into(),
            method: "GET".into(),
            path: "/calendars/{calendarId}/events".into(),
            summary: "List events".into(),
            description: "Returns events on the specified calendar.".into(),
            raw_summary: "List events".into(),
            raw_description: "Returns events on the specified calendar.".into(),
            parameters: vec![ParamContext {
                name: "q".into(),
                location: "query".into(),
                required: false,
                description: "Free text search terms.".into(),
            }],
            param: None,
        }
    }

    #[test]
    fn renders_operation_fields_and_filters() {
        let out = render(
            "{{ summary }} ({{ method }} {{ path }}, {{ provider }}): {{ description | cap(20) }} \
             Inputs: {% for p in parameters %}{{ p.name }}{% endfor %}",
            &context(),
        )
        .expect("renders");
        assert_eq!(
            out,
            "List events (GET /calendars/{calendarId}/events, google): Returns events on… Inputs: q"
        );
    }

    #[test]
    fn plain_text_is_itself_even_with_json_braces() {
        let text = r#"Like {"date": "2025-06-03"}."#;
        assert_eq!(render(text, &context()).expect("plain"), text);
    }

    #[test]
    fn undefined_variables_and_syntax_errors_are_errors() {
        let error = render("{{ sumary }}", &context()).unwrap_err();
        assert!(error.contains("undefined"), "{error}");
        let error = render("ok\n{% if %}", &context()).unwrap_err();
        assert!(error.contains("line 2"), "{error}");
    }
}
