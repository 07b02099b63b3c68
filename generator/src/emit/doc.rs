//! Doc comments from spec text, and literals from JSON values.
//!
//! Spec descriptions are arbitrary Markdown. Rustdoc would compile fenced or indented code
//! blocks as doctests and clippy flags lazy list continuations, so the text is normalized:
//! lines trimmed, code fences marked `text`, list continuation lines indented.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::Value;

/// `#[doc = "..."]` attributes for `text` (nothing for `None` or blank text).
pub fn doc(text: Option<&str>) -> TokenStream {
    let lines = doc_lines(text.unwrap_or(""));
    let lines = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// The lines of a doc comment, normalized (see the module docs).
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    // Control characters have no business in a comment (a bare CR is even an error), nor
    // have hidden ones (rustc refuses direction controls there); document text is already
    // without them, this keeps any other text safe to compile.
    let text: String = crate::describe::hidden::strip(&text)
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut list_indent: Option<usize> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if line.starts_with("```") || line.starts_with("~~~") {
            out.push(if in_fence {
                "```".to_owned()
            } else {
                "```text".to_owned()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_owned());
            continue;
        }
        if line.is_empty() {
            list_indent = None;
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        let escaped = escape_markdown(line);
        if let Some(width) = list_marker_width(line) {
            list_indent = Some(width);
            out.push(escaped);
        } else if let Some(width) = list_indent {
            out.push(format!("{}{escaped}", " ".repeat(width)));
        } else {
            out.push(escaped);
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// Keeps rustdoc from reading spec text as links or HTML: `[`, `]`, `<` and `>` are escaped
/// and bare URLs become autolinks, except inside `code spans`.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let at_word_start = out.is_empty() || out.ends_with([' ', '(', '"', '\'']);
        if !in_code
            && at_word_start
            && (rest.starts_with("https://") || rest.starts_with("http://"))
        {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '"', '\'']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        match c {
            '`' => in_code = !in_code,
            '[' | ']' | '<' | '>' if !in_code => out.push('\\'),
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The width of a Markdown list marker and its space (`- `, `* `, `12. `).
/// Markdown indents an item's content past the marker and all its spaces (`-   x` → 4), up to
/// four; with five or more the content is an indented code block after one space.
fn list_marker_width(line: &str) -> Option<usize> {
    let marker = if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) {
        1
    } else {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let rest = line.get(digits..)?;
        if !(digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") "))) {
            return None;
        }
        digits + 1
    };
    let spaces = line[marker..].bytes().take_while(|b| *b == b' ').count();
    Some(marker + if spaces > 4 { 1 } else { spaces })
}

/// `#[serde(...)]` for a member named `rust` in Rust and `wire` on the wire: `rename` only
/// where the two differ, then `rest` (`default`, ...); nothing when both are empty.
pub fn serde_attr(rust: &str, wire: &str, rest: &[TokenStream]) -> TokenStream {
    let rename = (rust != wire).then(|| {
        let wire = string(wire);
        quote!(rename = #wire)
    });
    let args: Vec<&TokenStream> = rename.iter().chain(rest).collect();
    if args.is_empty() {
        return quote!();
    }
    quote!(#[serde(#(#args),*)])
}

/// A string literal.
pub fn string(text: &str) -> Literal {
    Literal::string(text)
}

/// A raw string literal (`r#"..."#`) with enough `#`s for `text`; JSON reads far better raw.
pub fn raw_string(text: &str) -> TokenStream {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    match format!("r{fence}\"{text}\"{fence}").parse::<Literal>() {
        Ok(literal) => quote!(#literal),
        Err(_) => {
            let literal = Literal::string(text);
            quote!(#literal)
        }
    }
}

/// A Rust expression for a JSON value: scalars as literals, anything else through `json!`.
pub fn value(value: &Value) -> TokenStream {
    match value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => scalar(value),
        other => {
            let tokens = json_tokens(other);
            quote!(::alter_mcp_runtime::serde_json::json!(#tokens))
        }
    }
}

/// A literal for a JSON scalar (`null` → `()`, which serializes as `null`).
pub fn scalar(value: &Value) -> TokenStream {
    match value {
        Value::String(s) => {
            let literal = Literal::string(s);
            quote!(#literal)
        }
        Value::Bool(b) => quote!(#b),
        Value::Number(n) => number(n),
        _ => quote!(()),
    }
}

/// Integers outside `i32` get a suffix: a fixed value is passed as `impl Serialize`, where an
/// unsuffixed literal would be inferred as `i32` and overflow.
fn number(n: &serde_json::Number) -> TokenStream {
    if let Some(i) = n.as_i64() {
        let abs = i.unsigned_abs();
        let literal = if i32::try_from(i).is_ok() {
            Literal::u64_unsuffixed(abs)
        } else {
            format!("{abs}i64")
                .parse()
                .unwrap_or_else(|_| Literal::u64_suffixed(abs))
        };
        if i < 0 {
            quote!(-#literal)
        } else {
            quote!(#literal)
        }
    } else if let Some(u) = n.as_u64() {
        let literal = Literal::u64_suffixed(u);
        quote!(#literal)
    } else {
        float(n.as_f64().unwrap_or(0.0))
    }
}

/// An `f64` literal (always with a `.` or exponent, so it never reads as an integer).
pub fn float(f: f64) -> TokenStream {
    // `f64_unsuffixed` panics on NaN and infinities; JSON numbers never are, but stay safe.
    let f = if f.is_finite() { f } else { 0.0 };
    let literal = Literal::f64_unsuffixed(f.abs());
    if f < 0.0 {
        quote!(-#literal)
    } else {
        quote!(#literal)
    }
}

/// JSON as tokens for `serde_json::json!`.
fn json_tokens(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(null),
        Value::Array(items) => {
            let items = items.iter().map(json_tokens);
            quote!([#(#items),*])
        }
        Value::Object(map) => {
            let entries = map.iter().map(|(k, v)| {
                let key = Literal::string(k);
                let value = json_tokens(v);
                quote!(#key: #value)
            });
            quote!({#(#entries),*})
        }
        scalar_value => scalar(scalar_value),
    }
}

/// An identifier; names come from `naming`, which only produces valid ones, but a bad name
/// must not panic `Ident::new`.
pub fn ident(name: &str) -> Ident {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name != "_"
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    Ident::new(if valid { name } else { "invalid_name" }, Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_is_normalized() {
        let text = "  Title line.  \r\n\r\n\r\nSteps:\n- one\ncontinued\n\t- two\n\n```json\n{\"a\": 1}\n```\n  indented code\n";
        assert_eq!(
            doc_lines(text),
            [
                "Title line.",
                "",
                "Steps:",
                "- one",
                "  continued",
                "- two",
                "",
                "```text",
                "{\"a\": 1}",
                "```",
                "indented code",
            ]
        );
        assert_eq!(doc_lines("```\nunclosed"), ["```text", "unclosed", "```"]);
        assert!(doc_lines(" \n\n ").is_empty());
        assert_eq!(doc_lines("1. a\nb"), ["1. a", "   b"]);
        assert_eq!(doc_lines("-   a\n> b"), ["-   a", "    \\> b"]);
        assert_eq!(doc_lines("2)  a\nb"), ["2)  a", "    b"]);
        assert_eq!(doc_lines("a\u{0}b\u{7}\rc"), ["ab", "c"]);
        assert_eq!(
            doc_lines("rtl \u{202E}override\u{2066} isolate\u{E0041}"),
            ["rtl override isolate"]
        );
        assert_eq!(
            doc_lines("e.g. [{\"id\": 1}] or <unique>, see https://x.test/a. Keep `[a]<b>`."),
            [r#"e.g. \[{"id": 1}\] or \<unique\>, see <https://x.test/a>. Keep `[a]<b>`."#]
        );
    }

    #[test]
    fn raw_strings_pick_enough_hashes() {
        assert_eq!(raw_string(r#"{"a":1}"#).to_string(), r###"r#"{"a":1}"#"###);
        assert_eq!(
            raw_string(r##"say "#" "##).to_string(),
            r####"r##"say "#" "##"####
        );
    }

    #[test]
    fn values_become_literals() {
        assert_eq!(value(&Value::from(10)).to_string(), "10");
        assert_eq!(value(&Value::from(-3)).to_string(), "- 3");
        assert_eq!(value(&Value::from(1.5)).to_string(), "1.5");
        assert_eq!(float(10.0).to_string(), "10.0");
        assert_eq!(
            value(&Value::from(3_000_000_000_i64)).to_string(),
            "3000000000i64"
        );
        assert_eq!(
            value(&Value::from(i64::MIN)).to_string(),
            "- 9223372036854775808i64"
        );
        assert_eq!(
            value(&Value::from(u64::MAX)).to_string(),
            "18446744073709551615u64"
        );
        assert_eq!(value(&Value::from("a\"b")).to_string(), r#""a\"b""#);
        assert_eq!(
            value(&serde_json::json!(["a", {"k": null}])).to_string(),
            r#":: alter_mcp_runtime :: serde_json :: json ! (["a" , { "k" : null }])"#
        );
    }

    #[test]
    fn identifiers_never_panic() {
        assert_eq!(ident("max_results").to_string(), "max_results");
        assert_eq!(ident("1x").to_string(), "invalid_name");
        assert_eq!(ident("").to_string(), "invalid_name");
    }
}
