//! Description text as the model reads it: HTML and Markdown links reduced to text, reference
//! boilerplate dropped, whitespace tidied ([`clean`]), and long text cut at a sentence or word
//! boundary ([`cap`]). Every token of a description is paid for in the model's context on
//! every `tools/list`, so text that tells the model nothing it can act on goes.
//!
//! Boilerplate dropped, each for a reason (found in the upstream documents under
//! `../shared/specs/upstream`):
//! * Google's `Optional.` sentence (127 parameters): the schema's `required` list says it.
//! * Google's `Learn more about ...` sentences: they pointed at links the Discovery text lost,
//!   so they promise a page the model cannot open.
//! * Sentences linking to an anchor of the same web page (Slack's `See [authorship](#authorship)
//!   below.`, `check the [Types section](#types)`): the model sees no such page.
//!
//! Kept on purpose: `Deprecated ...` (the model should avoid the parameter), `Read-only.` (the
//! provider ignores the field), defaults (`The default is False.`).

/// HTML entities we decode by name; numeric ones (`&#39;`, `&#x27;`) are decoded too.
const ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", " "),
    ("mdash", "—"),
    ("ndash", "–"),
    ("hellip", "…"),
];

/// Tags that end a line of text.
const BLOCK_TAGS: &[&str] = &[
    "br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4",
];
/// Inline tags, dropped leaving their text. Only known HTML tags go: `<unique>` in
/// `{"requestId": "<unique>"}` is a placeholder the model must read.
const INLINE_TAGS: &[&str] = &[
    "a",
    "b",
    "i",
    "em",
    "strong",
    "code",
    "pre",
    "tt",
    "span",
    "u",
    "s",
    "small",
    "sub",
    "sup",
    "table",
    "td",
    "th",
    "tbody",
    "thead",
    "blockquote",
    "hr",
    "img",
    "kbd",
    "var",
    "cite",
];

/// The text with HTML, Markdown links and boilerplate reduced (see the module docs), and no
/// hidden characters (`hidden.rs`; numeric entities are decoded first, so `&#x202E;` goes too).
pub fn clean(text: &str) -> String {
    let text = super::hidden::strip(&decode_numeric_hidden(text));
    let text = strip_tags(&text);
    let text = drop_boilerplate(&text);
    let text = unlink(&text);
    let text = decode_entities(&text);
    tidy(&text)
}

/// `text` if it has at most `max` characters; else its longest prefix ending at a sentence end
/// (when that keeps at least half), else at a word boundary, followed by `…`.
pub fn cap(text: &str, max: usize) -> String {
    if text.chars().count() <= max || max == 0 {
        return text.to_owned();
    }
    // Room for the ellipsis.
    let room: String = text.chars().take(max.saturating_sub(1)).collect();
    let sentence_end = room
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && room[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .next_back();
    let cut = match sentence_end {
        Some(end) if room[..end].chars().count() * 2 >= max => end,
        _ => room
            .rfind(char::is_whitespace)
            .filter(|&i| i > 0)
            .unwrap_or(room.len()),
    };
    let kept = room[..cut]
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '('));
    format!("{kept}…")
}

/// Removes HTML tags (`<b>`, `</p>`, `<a href=...>`), turning block tags into line breaks. A `<`
/// that does not open a tag (`a < b`) stays.
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        let tag = after
            .find('>')
            .filter(|&end| is_tag && !after[..end].contains('\n'))
            .map(|end| (end, tag_name(&after[..end])))
            .filter(|(_, name)| {
                BLOCK_TAGS.contains(&name.as_str()) || INLINE_TAGS.contains(&name.as_str())
            });
        match tag {
            Some((end, name)) => {
                if BLOCK_TAGS.contains(&name.as_str()) {
                    out.push('\n');
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `b` for `b`, `/b`, `br/` or `a href="..."`.
fn tag_name(inside: &str) -> String {
    inside
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// `[text](url)` → `text`.
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let link = rest[open + 1..].find("](").and_then(|close| {
            let label = &rest[open + 1..open + 1 + close];
            let target = &rest[open + 1 + close + 2..];
            let end = target.find(')')?;
            let clean_label = !label.contains(['[', '\n']);
            let clean_target = !target[..end].contains(char::is_whitespace);
            (clean_label && clean_target).then_some((label, open + 1 + close + 2 + end + 1))
        });
        match link {
            Some((label, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(label);
                rest = &rest[end..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Numeric entities of hidden characters (`&#x200B;`), decoded so that stripping sees them.
fn decode_numeric_hidden(text: &str) -> String {
    if !text.contains("&#") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("&#") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let hidden = after
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| entity(&after[..end]).map(|c| (c, end)))
            .filter(|(c, _)| c.chars().all(super::hidden::is_hidden));
        match hidden {
            Some((_, end)) => rest = &after[end + 1..],
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let decoded = after
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| entity(&after[..end]).map(|c| (c, end)));
        match decoded {
            Some((text, end)) => {
                out.push_str(&text);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<String> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    ENTITIES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, text)| (*text).to_owned())
}

/// Drops the boilerplate sentences the module docs list.
fn drop_boilerplate(text: &str) -> String {
    sentences(text)
        .into_iter()
        .filter(|sentence| {
            let s = sentence.trim();
            !(s == "Optional." || s.starts_with("Learn more about") || s.contains("](#"))
        })
        .collect()
}

/// Sentences, each with the whitespace that follows it, so joining them gives the text back.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let ends = matches!(bytes[i], b'.' | b'!' | b'?')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace);
        if ends {
            let mut end = i + 1;
            while bytes.get(end).is_some_and(u8::is_ascii_whitespace) {
                end += 1;
            }
            out.push(&text[start..end]);
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Collapses runs of spaces inside lines (keeping indentation, which Markdown lists use) and
/// runs of blank lines; trims line ends.
fn tidy(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let indent = &line[..line.len() - line.trim_start().len()];
        let line = if words.is_empty() {
            words
        } else {
            format!("{indent}{words}")
        };
        if line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::{cap, clean};

    #[test]
    fn cleans_html_links_entities_and_boilerplate() {
        let cases = [
            ("Optional. The maximum number.", "The maximum number."),
            ("Can contain HTML. Optional.", "Can contain HTML."),
            ("Optional. At most 50.", "At most 50."),
            (
                "Posts <b>bold</b> text &amp; more.",
                "Posts bold text & more.",
            ),
            ("One<br>two<p>three</p>", "One\ntwo\nthree"),
            (
                r#"See <a href="https://x">this</a>, send "<unique>"."#,
                r#"See this, send "<unique>"."#,
            ),
            ("a < b and c &lt;d&gt; &#39;x&#x27;", "a < b and c <d> 'x'"),
            (
                "The [IDP Group](https://slack.com/help/x) ID.",
                "The IDP Group ID.",
            ),
            (
                "Pass true to post as the user. See [authorship](#authorship) below.",
                "Pass true to post as the user.",
            ),
            (
                "Token for the next page. Learn more about incremental synchronization.",
                "Token for the next page.",
            ),
            ("Deprecated and ignored.", "Deprecated and ignored."),
            ("spaced   out \n\n\n\n next ", "spaced out\n\n next"),
            ("- item\n  more", "- item\n  more"),
            ("Is [x] a link? no (really).", "Is [x] a link? no (really)."),
            ("R&D & more", "R&D & more"),
            (
                "Lists files\u{202E}gnp.exe\u{202C}.\u{200B} Hidden&#x200B;&#8206;.",
                "Lists filesgnp.exe. Hidden.",
            ),
            (
                "\u{E0049}\u{E0067}\u{E006E}Ignore nothing.",
                "Ignore nothing.",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "{input:?}");
        }
    }

    #[test]
    fn caps_at_a_sentence_or_word_boundary() {
        let text = "First sentence here. Second sentence is much longer than the rest.";
        assert_eq!(cap(text, 200), text);
        assert_eq!(cap(text, 40), "First sentence here.…");
        assert_eq!(cap("aaaa bbbb cccc dddd", 12), "aaaa bbbb…");
        assert_eq!(cap("unbrokenwordthatislong", 8), "unbroke…");
        assert!(cap(&"é ".repeat(100), 21).chars().count() <= 21);
    }
}
