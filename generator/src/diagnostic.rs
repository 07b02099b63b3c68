//! Problems found in the inputs, each pointing at where it came from (a file plus a JSON pointer
//! or TOML key path) and saying what to do. Every phase collects all of its problems and reports
//! them together, so one run shows everything that needs fixing.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in an input file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input file, as the user named it (relative paths stay relative).
    pub file: PathBuf,
    /// Where inside it.
    pub at: At,
}

/// A position inside a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The file as a whole.
    File,
    /// A JSON pointer into an OpenAPI document (`/paths/~1chat.postMessage/post`).
    Pointer(String),
    /// A TOML key path in an allowlist (`tool[2].params.calendarId`).
    Key(String),
    /// A line and column (1-based), when the file does not even parse.
    Line(usize, usize),
}

impl Location {
    /// The file as a whole.
    pub fn file(file: &Path) -> Self {
        Location {
            file: file.to_owned(),
            at: At::File,
        }
    }

    /// A JSON pointer into `file` (`/paths/~1events/get`).
    pub fn pointer(file: &Path, pointer: impl Into<String>) -> Self {
        Location {
            file: file.to_owned(),
            at: At::Pointer(pointer.into()),
        }
    }

    /// A TOML key path in an allowlist (`tool[2].params.calendarId`).
    pub fn key(file: &Path, key: impl Into<String>) -> Self {
        Location {
            file: file.to_owned(),
            at: At::Key(key.into()),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.at {
            At::File => write!(f, "{file}"),
            At::Pointer(pointer) => write!(f, "{file}#{pointer}"),
            At::Key(key) => write!(f, "{file} (key `{key}`)"),
            At::Line(line, column) => write!(f, "{file}:{line}:{column}"),
        }
    }
}

/// One problem with the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the problem is (for allowlist problems: the allowlist entry).
    pub location: Location,
    /// A second place worth looking at (for allowlist problems: the spec node it refers to).
    /// Boxed to keep `Result<_, Diagnostic>` small.
    pub related: Option<Box<Location>>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at `location`, without help or a related place.
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            location,
            related: None,
            message: message.into(),
            help: None,
        }
    }

    /// Adds what to do about it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a second place worth looking at.
    pub fn related(mut self, location: Location) -> Self {
        self.related = Some(Box::new(location));
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        write!(f, "  --> {}", self.location)?;
        if let Some(related) = &self.related {
            write!(f, "\n  --> {related}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// All problems of one phase (never empty when returned as an error).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Records one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Records every problem of `other`, after these.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems were reported.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems, in the order they were reported.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Ends a phase: `Ok(value)` when nothing was reported, else every problem at once.
    pub fn finish<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        write!(
            f,
            "{count} problem{} found",
            if count == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Appends `segment` to a JSON pointer.
pub fn child(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_segment(segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(
            child("/paths", "/chat.postMessage"),
            "/paths/~1chat.postMessage"
        );
        assert_eq!(escape_segment("a~b/c"), "a~0b~1c");
    }

    #[test]
    fn display_names_file_pointer_and_help() {
        let d = Diagnostic::new(
            Location::key(Path::new("a/allowlist.toml"), "tool[0].operation"),
            "unknown operation `x`",
        )
        .related(Location::pointer(Path::new("a/openapi.yaml"), "/paths"))
        .help("did you mean `y`?");
        assert_eq!(
            d.to_string(),
            "error: unknown operation `x`\n  --> a/allowlist.toml (key `tool[0].operation`)\n  \
             --> a/openapi.yaml#/paths\n  help: did you mean `y`?"
        );
        let all = Diagnostics::from(d);
        assert!(all.to_string().ends_with("1 problem found"));
    }
}
