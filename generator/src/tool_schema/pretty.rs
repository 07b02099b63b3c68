//! A tool schema's JSON text laid out for people: the generated module holds each schema this
//! way, so a change to one keyword is a one-line diff. Only whitespace outside strings is
//! added, so the runtime parses exactly the value `tools/list` serves compactly.

use std::collections::BTreeMap;

/// The widest line [`pretty`] writes a container on, when it fits.
const WIDTH: usize = 100;

/// Compact JSON text laid out as `rustfmt` would: a container that fits on its line
/// (`{"type": "string"}`, a short `enum`) stays on it, any other has one member per line,
/// two spaces per level. Only whitespace outside strings is added, so the text parses to
/// exactly the compact one's value.
pub fn pretty(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let closes = closing_brackets(bytes);
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' => {
                let end = string_end(bytes, i);
                out.push_str(&compact[i..end]);
                i = end;
                continue;
            }
            b'{' | b'[' => {
                let close = closes.get(&i).copied().unwrap_or(bytes.len() - 1);
                if close - i < WIDTH {
                    let flat = flat(&compact[i..=close]);
                    let column = out.len() - out.rfind('\n').map_or(0, |n| n + 1);
                    // The comma or bracket that follows stays on the line too.
                    if column + flat.len() < WIDTH {
                        out.push_str(&flat);
                        i = close + 1;
                        continue;
                    }
                }
                out.push(c as char);
                depth += 1;
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c as char);
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            b':' => out.push_str(": "),
            _ => {
                let start = i;
                while i < bytes.len() && !b"\"{}[],:".contains(&bytes[i]) {
                    i += 1;
                }
                out.push_str(&compact[start..i]);
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A container on one line: `{"a": 1, "b": [2, 3]}`.
fn flat(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = String::with_capacity(compact.len() + compact.len() / 4);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i);
                out.push_str(&compact[i..end]);
                i = end;
                continue;
            }
            b',' => out.push_str(", "),
            b':' => out.push_str(": "),
            _ => {
                let start = i;
                while i < bytes.len() && !b"\",:".contains(&bytes[i]) {
                    i += 1;
                }
                out.push_str(&compact[start..i]);
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Where each `{` or `[` is closed, by the index of the opening one.
fn closing_brackets(bytes: &[u8]) -> BTreeMap<usize, usize> {
    let mut closes = BTreeMap::new();
    let mut open = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = string_end(bytes, i);
                continue;
            }
            b'{' | b'[' => open.push(i),
            b'}' | b']' => {
                if let Some(start) = open.pop() {
                    closes.insert(start, i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    closes
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// The index just past the string starting at `start` (a `"`).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::pretty;

    #[test]
    fn pretty_text_is_the_same_json() {
        let compact = r#"{"type":"object","properties":{"a":{"type":"string","description":"x, \"y\": {z}","enum":["b","c,]"]},"b":{},"c":[],"d":[{"e":1},2],"long":{"description":"a description that does not fit on one line with the rest","type":"string"}},"required":["a"]}"#;
        let text = pretty(compact);
        assert_eq!(
            text,
            r#"{
  "type": "object",
  "properties": {
    "a": {"type": "string", "description": "x, \"y\": {z}", "enum": ["b", "c,]"]},
    "b": {},
    "c": [],
    "d": [{"e": 1}, 2],
    "long": {
      "description": "a description that does not fit on one line with the rest",
      "type": "string"
    }
  },
  "required": ["a"]
}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        let original: serde_json::Value = serde_json::from_str(compact).unwrap();
        assert_eq!(parsed, original);
        // Nothing but whitespace outside strings was added.
        let mut squeezed = String::new();
        let mut in_string = false;
        let mut escaped = false;
        for c in text.chars() {
            if in_string || !c.is_whitespace() {
                squeezed.push(c);
            }
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                _ => {}
            }
        }
        assert_eq!(squeezed, compact);
    }
}
