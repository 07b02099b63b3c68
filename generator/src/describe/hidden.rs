//! Characters that change what text says without being seen: direction controls (U+202E
//! shows `txt.exe` as `exe.txt`), zero-width characters, Unicode tag characters (invisible
//! copies of ASCII, enough to smuggle a whole sentence past a reviewer) and the other
//! default-ignorable format characters. A document's text reaches the model and doc comments
//! only without them: they can hide instructions from the person reviewing the tools, and
//! rustc refuses direction controls in a doc comment. Each removal is reported
//! (`allowlist/apply/hidden.rs`).

use serde_json::Value;

/// Whether `c` is removed from text the model or a doc comment gets. The set is Unicode's
/// `Default_Ignorable_Code_Point` (soft hyphen, combining grapheme joiner, Hangul fillers,
/// Khmer and Mongolian format characters, zero-width characters, direction marks, embeddings,
/// overrides and isolates, invisible operators, variation selectors, tag characters) plus the
/// Arabic letter mark and the interlinear annotation characters, which can hide text too.
pub fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// `text` without hidden characters; the line and paragraph separators (U+2028, U+2029),
/// which break lines where nothing shows it, become line breaks.
pub fn strip(text: &str) -> String {
    if !text.chars().any(|c| is_hidden(c) || is_separator(c)) {
        return text.to_owned();
    }
    text.chars()
        .filter(|c| !is_hidden(*c))
        .map(|c| if is_separator(c) { '\n' } else { c })
        .collect()
}

fn is_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// The hidden characters of `text`, each once, in order of appearance.
pub fn found(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| is_hidden(*c)) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The hidden characters of the text (`description`, `title`, `summary`) inside a schema
/// kept as JSON, removed in place: such a schema reaches the model as it is. Values the
/// provider reads (`enum`, `default`, property names) are data and stay.
pub fn strip_json_text(value: &mut Value) -> Vec<char> {
    let mut removed = Vec::new();
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                match (key.as_str(), member) {
                    ("description" | "title" | "summary", Value::String(text)) => {
                        for c in found(text) {
                            if !removed.contains(&c) {
                                removed.push(c);
                            }
                        }
                        *text = strip(text);
                    }
                    ("enum" | "default" | "const" | "example" | "examples", _) => {}
                    (_, member) => merge(&mut removed, strip_json_text(member)),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                merge(&mut removed, strip_json_text(item));
            }
        }
        _ => {}
    }
    removed
}

fn merge(into: &mut Vec<char>, more: Vec<char>) {
    for c in more {
        if !into.contains(&c) {
            into.push(c);
        }
    }
}

/// `U+202E (right-to-left override), U+E0049 (tag)`: the characters, named where it helps.
pub fn names(chars: &[char]) -> String {
    chars
        .iter()
        .map(|&c| match name(c) {
            Some(name) => format!("U+{:04X} ({name})", u32::from(c)),
            None => format!("U+{:04X}", u32::from(c)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00AD}' => "soft hyphen",
        '\u{061C}' => "Arabic letter mark",
        '\u{200B}' => "zero width space",
        '\u{200C}' => "zero width non-joiner",
        '\u{200D}' => "zero width joiner",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "pop directional formatting",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2060}' => "word joiner",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        '\u{FEFF}' => "zero width no-break space",
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => "variation selector",
        '\u{E0000}'..='\u{E007F}' => "tag",
        '\u{FFF9}'..='\u{FFFB}' => "interlinear annotation",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_found_stripped_and_named() {
        let text = "List \u{202E}txt.exe\u{202C} files\u{200B}.\u{E0049}\u{E0067}\u{2028}Next";
        assert_eq!(strip(text), "List txt.exe files.\nNext");
        let chars = found(text);
        assert_eq!(
            chars,
            ['\u{202E}', '\u{202C}', '\u{200B}', '\u{E0049}', '\u{E0067}']
        );
        assert_eq!(
            names(&chars[..2]),
            "U+202E (right-to-left override), U+202C (pop directional formatting)"
        );
        assert_eq!(names(&['\u{E0049}']), "U+E0049 (tag)");
        for visible in ['a', 'é', '—', '…', '\u{1F600}', '中', '\n', '\u{00A0}'] {
            assert!(!is_hidden(visible), "{visible:?}");
        }
        for invisible in [
            '\u{2066}', '\u{2069}', '\u{200E}', '\u{061C}', '\u{FEFF}', '\u{2060}',
        ] {
            assert!(is_hidden(invisible), "{invisible:?}");
        }
        assert_eq!(strip("plain"), "plain");
    }

    #[test]
    fn json_text_is_stripped_but_data_stays() {
        let mut schema = serde_json::json!({
            "description": "a\u{200B}b",
            "properties": {
                "description": {"type": "string", "title": "t\u{2066}x"},
                "mode": {"enum": ["\u{200B}raw"], "default": "\u{200B}raw"}
            },
            "oneOf": [{"description": "\u{E0041}"}]
        });
        let mut removed = strip_json_text(&mut schema);
        removed.sort_unstable();
        assert_eq!(removed, ['\u{200B}', '\u{2066}', '\u{E0041}']);
        assert_eq!(schema["description"], "ab");
        assert_eq!(schema["properties"]["description"]["title"], "tx");
        assert_eq!(schema["properties"]["mode"]["enum"][0], "\u{200B}raw");
        assert_eq!(schema["oneOf"][0]["description"], "");
    }
}
