//! The `returns` grammar: which response fields a tool returns (a projection).
//!
//! ```text
//! returns := list | "[]" "." inner
//! list    := item ("," item)*
//! item    := name ["[]"] ["." inner]
//! inner   := item | "{" list "}"
//! name    := one or more characters other than , . { } [ ] and whitespace
//! ```
//!
//! `items[].{id,summary,start.dateTime},nextPageToken` keeps `nextPageToken` and, of each
//! element of the array `items`, `id`, `summary` and `dateTime` of `start`. A name alone keeps
//! the whole field. `[]` steps into an array's elements and is required before selecting
//! inside one. A response that is itself an array is selected with a leading `[]`:
//! `[].{number,title}` keeps `number` and `title` of each element. Whitespace between tokens
//! is ignored.

/// A parsed `returns`: fields of the response object, or (`elements`) of each element of a
/// response that is an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returns {
    /// Written with a leading `[]`: the response is an array.
    pub elements: bool,
    pub selection: Selection,
}

/// The fields selected at one level, in the order first written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    pub fields: Vec<Selected>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// The wire name.
    pub name: String,
    /// Written with `[]`: the field is an array and the rest applies to its elements.
    pub elements: bool,
    /// `None`: the whole field; `Some`: only these of its fields.
    pub inner: Option<Selection>,
}

impl Selection {
    /// Adds one selected field, merging with an earlier mention (`start.date,start.dateTime`
    /// selects both; a whole field stays whole).
    pub fn add(&mut self, field: Selected) {
        let Some(existing) = self.fields.iter_mut().find(|f| f.name == field.name) else {
            self.fields.push(field);
            return;
        };
        existing.elements |= field.elements;
        existing.inner = match (existing.inner.take(), field.inner) {
            (Some(mut left), Some(right)) => {
                for f in right.fields {
                    left.add(f);
                }
                Some(left)
            }
            _ => None,
        };
    }

    /// Adds a plain dotted path (`response_metadata.next_cursor`).
    pub fn add_path(&mut self, path: &str) {
        let mut names = path.split('.').rev();
        let Some(last) = names.next() else {
            return;
        };
        let mut field = Selected {
            name: last.to_owned(),
            elements: false,
            inner: None,
        };
        for name in names {
            field = Selected {
                name: name.to_owned(),
                elements: false,
                inner: Some(Selection {
                    fields: vec![field],
                }),
            };
        }
        self.add(field);
    }
}

/// Parses a `returns` value; `Err` says what was expected and at which character (1-based).
pub fn parse(text: &str) -> Result<Returns, String> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
    };
    if parser.eat('[') {
        if !parser.eat(']') {
            return Err(parser.expected("`]`"));
        }
        if !parser.eat('.') {
            return Err(parser.expected("`.` after the leading `[]` (`[].{a,b}`)"));
        }
        let selection = parser.inner()?;
        parser.skip_space();
        return match parser.peek() {
            None => Ok(Returns {
                elements: true,
                selection,
            }),
            Some(c) => Err(parser.expected(&format!(
                "the end after `[].…`, found `{c}` (with a leading `[]`, list the fields in `{{}}`)"
            ))),
        };
    }
    let selection = parser.list()?;
    parser.skip_space();
    match parser.peek() {
        None => Ok(Returns {
            elements: false,
            selection,
        }),
        Some(c) => Err(parser.expected(&format!("`,` or the end, found `{c}`"))),
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        let found = self.peek() == Some(c);
        if found {
            self.at += 1;
        }
        found
    }

    fn expected(&self, what: &str) -> String {
        format!("expected {what} at character {}", self.at + 1)
    }

    fn list(&mut self) -> Result<Selection, String> {
        let mut selection = Selection::default();
        loop {
            selection.add(self.item()?);
            if !self.eat(',') {
                return Ok(selection);
            }
        }
    }

    fn item(&mut self) -> Result<Selected, String> {
        let name = self.name()?;
        let elements = if self.eat('[') {
            if !self.eat(']') {
                return Err(self.expected("`]`"));
            }
            true
        } else {
            false
        };
        let inner = match self.eat('.') {
            true => Some(self.inner()?),
            false => None,
        };
        Ok(Selected {
            name,
            elements,
            inner,
        })
    }

    /// What follows a `.`: one item, or a list in braces.
    fn inner(&mut self) -> Result<Selection, String> {
        if self.eat('{') {
            let list = self.list()?;
            if !self.eat('}') {
                return Err(self.expected("`,` or `}`"));
            }
            return Ok(list);
        }
        let mut one = Selection::default();
        one.add(self.item()?);
        Ok(one)
    }

    fn name(&mut self) -> Result<String, String> {
        self.skip_space();
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| !c.is_whitespace() && !",.{}[]".contains(c))
        {
            self.at += 1;
        }
        if self.at == start {
            return Err(self.expected("a field name"));
        }
        Ok(self.chars[start..self.at].iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(name: &str) -> Selected {
        Selected {
            name: name.to_owned(),
            elements: false,
            inner: None,
        }
    }

    #[test]
    fn parses_nested_lists_arrays_and_paths() {
        let parsed = parse("items[].{id, summary,start.dateTime}, nextPageToken")
            .unwrap()
            .selection;
        let start = Selected {
            name: "start".to_owned(),
            elements: false,
            inner: Some(Selection {
                fields: vec![whole("dateTime")],
            }),
        };
        let items = Selected {
            name: "items".to_owned(),
            elements: true,
            inner: Some(Selection {
                fields: vec![whole("id"), whole("summary"), start],
            }),
        };
        assert_eq!(
            parsed,
            Selection {
                fields: vec![items, whole("nextPageToken")]
            }
        );
    }

    #[test]
    fn repeated_fields_merge_and_whole_wins() {
        let parsed = parse("start.date,start.dateTime,end.date,end")
            .unwrap()
            .selection;
        assert_eq!(parsed.fields.len(), 2);
        let start = parsed.fields[0].inner.as_ref().unwrap();
        assert_eq!(start.fields, vec![whole("date"), whole("dateTime")]);
        assert_eq!(parsed.fields[1], whole("end"));
        let mut with_path = parse("ok").unwrap().selection;
        with_path.add_path("response_metadata.next_cursor");
        assert_eq!(
            with_path.fields[1].inner.as_ref().unwrap().fields,
            vec![whole("next_cursor")]
        );
    }

    #[test]
    fn a_leading_empty_index_selects_inside_a_root_array() {
        let parsed = parse(" [] . {number, title, user.login}").unwrap();
        assert!(parsed.elements);
        let names: Vec<&str> = parsed
            .selection
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["number", "title", "user"]);
        let one = parse("[].id").unwrap();
        assert_eq!(
            (one.elements, one.selection.fields),
            (true, vec![whole("id")])
        );
        assert!(!parse("items[].id").unwrap().elements);
    }

    #[test]
    fn errors_say_what_was_expected_where() {
        let cases = [
            ("", "expected a field name at character 1"),
            ("items[.id", "expected `]` at character 7"),
            ("items.{id", "expected `,` or `}` at character 10"),
            ("a,,b", "expected a field name at character 3"),
            ("a b", "expected `,` or the end, found `b` at character 3"),
            ("a.", "expected a field name at character 3"),
            (
                "[]",
                "expected `.` after the leading `[]` (`[].{a,b}`) at character 3",
            ),
            ("[.id", "expected `]` at character 2"),
            ("[].{id", "expected `,` or `}` at character 7"),
            (
                "[].id,title",
                "expected the end after `[].…`, found `,` (with a leading `[]`, list the fields in `{}`) at character 6",
            ),
            ("a,[].b", "expected a field name at character 3"),
        ];
        for (text, message) in cases {
            assert_eq!(parse(text).unwrap_err(), message, "{text:?}");
        }
    }
}
