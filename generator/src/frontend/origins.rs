//! Where each part of a converted document came from: converted JSON pointer prefixes mapped to
//! the original document's pointers, so diagnostics point into the file the user wrote.

use crate::diagnostic::{At, Diagnostic, Diagnostics};

/// Converted pointer prefix → original pointer. Lookups take the longest recorded prefix that
/// ends on a segment boundary and append the rest of the pointer; unrecorded pointers are
/// returned unchanged (conversions that keep a node in place need not record it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    entries: Vec<(String, String)>,
}

impl Origins {
    /// Records that the node now at `converted` was at `original`.
    pub fn record(&mut self, converted: impl Into<String>, original: impl Into<String>) {
        self.entries.push((converted.into(), original.into()));
    }

    /// The original pointer of `pointer` (a pointer into the converted document).
    pub fn original(&self, pointer: &str) -> String {
        let best = self
            .entries
            .iter()
            .filter(|(prefix, _)| {
                pointer == prefix
                    || (pointer.starts_with(prefix.as_str())
                        && pointer.as_bytes().get(prefix.len()) == Some(&b'/'))
            })
            .max_by_key(|(prefix, _)| prefix.len());
        match best {
            Some((prefix, original)) => format!("{original}{}", &pointer[prefix.len()..]),
            None => pointer.to_owned(),
        }
    }

    /// Rewrites the pointers of diagnostics about `file` into the original document.
    pub fn remap(&self, diagnostics: Diagnostics, file: &std::path::Path) -> Diagnostics {
        if self.entries.is_empty() {
            return diagnostics;
        }
        let map = |mut diagnostic: Diagnostic| {
            for location in
                std::iter::once(&mut diagnostic.location).chain(diagnostic.related.as_deref_mut())
            {
                if location.file == file
                    && let At::Pointer(pointer) = &location.at
                {
                    location.at = At::Pointer(self.original(pointer));
                }
            }
            diagnostic
        };
        diagnostics.into_iter().map(map).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_on_a_segment_boundary_wins() {
        let mut origins = Origins::default();
        origins.record("/components/schemas", "/definitions");
        origins.record(
            "/paths/~1a/post/requestBody",
            "/paths/~1a/post/parameters/2",
        );
        assert_eq!(
            origins.original("/components/schemas/Pet/properties/id"),
            "/definitions/Pet/properties/id"
        );
        assert_eq!(
            origins.original("/paths/~1a/post/requestBody/content"),
            "/paths/~1a/post/parameters/2/content"
        );
        assert_eq!(
            origins.original("/components/schemasX"),
            "/components/schemasX"
        );
        assert_eq!(origins.original("/paths/~1a/post"), "/paths/~1a/post");
    }
}
