//! The `Link` response header (RFC 8288): which target a provider names as the next page.
//!
//! GitHub and many REST APIs page a listing with
//! `Link: <https://api.github.com/repositories/1/issues?page=3>; rel="next", <…?page=9>; rel="last"`.
//! The crates that parse this split on every comma and drop quoting, so a URI or a quoted
//! parameter holding a comma breaks them; the grammar is small, so it is read here, exactly:
//!
//! ```text
//! Link       = #link-value                       (comma-separated, empty elements allowed)
//! link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//! link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
//! ```
//!
//! `rel` holds space-separated relation types, compared case-insensitively; only its first
//! occurrence in a link-value counts (§3.3). A malformed link-value is skipped, not fatal: the
//! others still count.

use reqwest::Url;

/// One link-value: its target as written (a URI reference) and its relation types, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub target: String,
    pub rels: Vec<String>,
}

/// The links of every `Link` header in `headers` (several headers are one list, RFC 9110 §5.3).
pub(crate) fn links(headers: &[(String, String)]) -> Vec<Link> {
    headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("link"))
        .flat_map(|(_, value)| parse(value))
        .collect()
}

/// The query of the first link with relation `next`, resolved against `base` (the URL the
/// answer came from), as decoded name/value pairs. `None` without such a link, or when its
/// target is not a URL.
pub(crate) fn next_query(
    headers: &[(String, String)],
    base: &Url,
) -> Option<Vec<(String, String)>> {
    let link = links(headers)
        .into_iter()
        .find(|link| link.rels.iter().any(|rel| rel == "next"))?;
    let url = base.join(&link.target).ok()?;
    Some(url.query_pairs().into_owned().collect())
}

/// Parses one header value.
pub(crate) fn parse(value: &str) -> Vec<Link> {
    let mut scanner = Scanner {
        chars: value.chars().collect(),
        at: 0,
    };
    let mut out = Vec::new();
    loop {
        scanner.skip(|c| c == ',' || is_space(c));
        if scanner.peek().is_none() {
            return out;
        }
        if let Some(link) = scanner.link_value() {
            out.push(link);
        }
        // Whatever is left of this element (a malformed one entirely) up to the next comma.
        scanner.skip_element();
    }
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

struct Scanner {
    chars: Vec<char>,
    at: usize,
}

impl Scanner {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip(&mut self, what: impl Fn(char) -> bool) {
        while self.peek().is_some_and(&what) {
            self.at += 1;
        }
    }

    fn take(&mut self, what: impl Fn(char) -> bool) -> String {
        let start = self.at;
        self.skip(what);
        self.chars[start..self.at].iter().collect()
    }

    /// `"<" URI-Reference ">" *( OWS ";" OWS link-param )`; `None` when malformed.
    fn link_value(&mut self) -> Option<Link> {
        if self.peek() != Some('<') {
            return None;
        }
        self.at += 1;
        let target = self.take(|c| c != '>');
        if self.peek() != Some('>') {
            return None;
        }
        self.at += 1;
        // Not a URI reference (an unclosed `<` ran into the next element).
        if target.contains(|c: char| c.is_whitespace() || c == '<' || c == '"') {
            return None;
        }
        let mut rels = None;
        loop {
            self.skip(is_space);
            if self.peek() != Some(';') {
                break;
            }
            self.at += 1;
            self.skip(is_space);
            let (name, value) = self.param()?;
            if name.eq_ignore_ascii_case("rel") && rels.is_none() {
                let value = value.unwrap_or_default().to_ascii_lowercase();
                rels = Some(value.split_ascii_whitespace().map(str::to_owned).collect());
            }
        }
        Some(Link {
            target,
            rels: rels.unwrap_or_default(),
        })
    }

    /// `token BWS [ "=" BWS ( token / quoted-string ) ]`.
    fn param(&mut self) -> Option<(String, Option<String>)> {
        let name = self.take(|c| !matches!(c, '=' | ';' | ',' | '"') && !is_space(c));
        if name.is_empty() {
            return None;
        }
        self.skip(is_space);
        if self.peek() != Some('=') {
            return Some((name, None));
        }
        self.at += 1;
        self.skip(is_space);
        let value = if self.peek() == Some('"') {
            self.quoted()?
        } else {
            self.take(|c| !matches!(c, ';' | ',') && !is_space(c))
        };
        Some((name, Some(value)))
    }

    /// A quoted-string, unescaped; `None` when it never closes.
    fn quoted(&mut self) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            match self.peek()? {
                '"' => {
                    self.at += 1;
                    return Some(out);
                }
                '\\' => {
                    self.at += 1;
                    out.push(self.peek()?);
                }
                c => out.push(c),
            }
            self.at += 1;
        }
    }

    /// Up to the comma that ends this element, stepping over quoted strings and `<…>`.
    fn skip_element(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                ',' => return,
                '"' => {
                    if self.quoted().is_none() {
                        return;
                    }
                    continue;
                }
                '<' => {
                    self.skip(|c| c != '>');
                }
                _ => {}
            }
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rels_and_targets(value: &str) -> Vec<(String, Vec<String>)> {
        parse(value)
            .into_iter()
            .map(|l| (l.target, l.rels))
            .collect()
    }

    fn owned(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn reads_githubs_header() {
        let value = r#"<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", <https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <https://api.github.com/repositories/1300192/issues?page=515>; rel="last", <https://api.github.com/repositories/1300192/issues?page=1>; rel="first""#;
        let links = rels_and_targets(value);
        assert_eq!(links.len(), 4);
        assert_eq!(
            links[1],
            (
                "https://api.github.com/repositories/1300192/issues?page=4".to_owned(),
                owned(&["next"])
            )
        );
        assert_eq!(links[3].1, owned(&["first"]));
    }

    #[test]
    fn several_rels_unquoted_values_case_and_spacing() {
        let value = "</p?page=2> ;REL = \"Next  LAST\";title=x, <http://e.com/p?page=1>;rel=prev";
        assert_eq!(
            rels_and_targets(value),
            vec![
                ("/p?page=2".to_owned(), owned(&["next", "last"])),
                ("http://e.com/p?page=1".to_owned(), owned(&["prev"])),
            ]
        );
    }

    #[test]
    fn commas_and_semicolons_inside_uris_and_quotes_do_not_split() {
        let value = r#"<https://h/x?ids=1,2;3&page=2>; title="a, b; \"c\""; rel="next", <https://h/x?page=9>; rel="last""#;
        let links = parse(value);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].target, "https://h/x?ids=1,2;3&page=2");
        assert_eq!(links[0].rels, owned(&["next"]));
        assert_eq!(links[1].rels, owned(&["last"]));
    }

    #[test]
    fn only_the_first_rel_counts_and_malformed_values_are_skipped() {
        let value =
            r#"<a>; rel="prev"; rel="next", garbage; rel="next", <b; rel="next", , <c>; rel=next"#;
        // `<b; rel="next", , <c>` never closes before `<c>`: that whole element is skipped.
        assert_eq!(
            rels_and_targets(value),
            vec![("a".to_owned(), owned(&["prev"]))]
        );
        let none = parse(r#"<https://h/x>; title="never closed"#);
        assert_eq!(none, Vec::new());
        assert_eq!(parse(""), Vec::new());
        assert_eq!(parse("<x>").first().map(|l| l.rels.len()), Some(0));
    }

    #[test]
    fn next_query_resolves_relative_and_absolute_targets() {
        let base = Url::parse("https://api.example.com/v1/items?page=1&per_page=30").unwrap();
        let header = |value: &str| vec![("Link".to_owned(), value.to_owned())];
        let pairs = |items: &[(&str, &str)]| {
            items
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let absolute = r#"<https://api.example.com/v1/items?page=2&per_page=30>; rel="next""#;
        assert_eq!(
            next_query(&header(absolute), &base),
            Some(pairs(&[("page", "2"), ("per_page", "30")]))
        );
        let query_only = r#"<?page=3&q=a%20b+c>; rel="next""#;
        assert_eq!(
            next_query(&header(query_only), &base),
            Some(pairs(&[("page", "3"), ("q", "a b c")]))
        );
        let path = r#"</v1/items?cursor=abc%3D%3D>; rel="next""#;
        assert_eq!(
            next_query(&header(path), &base),
            Some(pairs(&[("cursor", "abc==")]))
        );
        // No `next` relation, no header, another header's name.
        assert_eq!(next_query(&header(r#"<?page=9>; rel="last""#), &base), None);
        assert_eq!(next_query(&[], &base), None);
        let other = vec![("X-Link".to_owned(), r#"<?page=2>; rel="next""#.to_owned())];
        assert_eq!(next_query(&other, &base), None);
    }

    #[test]
    fn several_link_headers_are_one_list() {
        let headers = vec![
            ("link".to_owned(), r#"<?page=1>; rel="prev""#.to_owned()),
            ("LINK".to_owned(), r#"<?page=3>; rel="next""#.to_owned()),
        ];
        let base = Url::parse("https://h/x?page=2").unwrap();
        let next = next_query(&headers, &base).unwrap();
        assert_eq!(next, vec![("page".to_owned(), "3".to_owned())]);
    }
}
