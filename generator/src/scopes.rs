//! Least privilege: the OAuth scopes a tool needs, picked from its operation's security
//! requirements, so the Alter grant can be exactly as narrow as the exposed tools.
//!
//! An operation's `security` lists alternatives; each is a set of scopes needed together (for
//! Google Discovery, one scope per alternative: any one of them grants access). The rule, in
//! order, picks one alternative:
//! 1. fewest scopes;
//! 2. the most scopes marked read-only (`.readonly`, `:read`, `.read`, `readonly`);
//! 3. the deepest names: Google and Slack name a narrower scope by extending a broader one
//!    (`calendar` ⊃ `calendar.events` ⊃ `calendar.events.readonly`; `chat:write` ⊃
//!    `chat:write:bot`);
//! 4. the first in the document.
//!
//! An allowlist `scopes = [...]` (per tool, or for the whole module) replaces the pick.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Location};

/// The scopes of the narrowest alternative (see the module docs); empty without any.
pub fn narrowest(alternatives: &[Vec<String>]) -> Vec<String> {
    alternatives
        .iter()
        .enumerate()
        .min_by_key(|(index, alternative)| (rank(alternative), *index))
        .map(|(_, alternative)| alternative.clone())
        .unwrap_or_default()
}

/// Lower is narrower: fewer scopes, then more read-only ones, then deeper names.
fn rank(alternative: &[String]) -> (usize, Reverse<usize>, Reverse<usize>) {
    let read_only = alternative.iter().filter(|s| is_read_only(s)).count();
    let depth = alternative.iter().map(|s| depth(s)).sum();
    (alternative.len(), Reverse(read_only), Reverse(depth))
}

/// Every tool's scopes, once each, sorted, without a scope another in the set already covers
/// (`calendar.events` grants what `calendar.events.readonly` does).
pub fn union<'a>(per_tool: impl IntoIterator<Item = &'a Vec<String>>) -> Vec<String> {
    let all: BTreeSet<&String> = per_tool.into_iter().flatten().collect();
    all.iter()
        .filter(|scope| !all.iter().any(|other| covers(other, scope)))
        .map(|scope| (*scope).clone())
        .collect()
}

/// Whether `broad` names a scope that `narrow` extends (`chat:write` and `chat:write:bot`).
fn covers(broad: &str, narrow: &str) -> bool {
    narrow
        .strip_prefix(broad)
        .is_some_and(|rest| rest.starts_with(['.', ':']))
}

/// An allowlist `scopes` list: an error if it has an empty or repeated entry.
pub fn check_list(scopes: &[String], key: Location) -> Option<Diagnostic> {
    let mut seen = BTreeSet::new();
    for scope in scopes {
        let scope = scope.trim();
        if scope.is_empty() || scope.contains(char::is_whitespace) {
            return Some(
                Diagnostic::new(key, format!("`{scope}` is not a scope"))
                    .help("give each scope as one string without spaces, e.g. \"users:read\""),
            );
        }
        if !seen.insert(scope) {
            return Some(
                Diagnostic::new(key, format!("`{scope}` is listed twice"))
                    .help("list each scope once"),
            );
        }
    }
    None
}

/// The part of a scope that names it: Google's URL scopes by their last path segment.
fn name(scope: &str) -> &str {
    scope.rsplit('/').next().unwrap_or(scope)
}

fn is_read_only(scope: &str) -> bool {
    let name = name(scope).to_ascii_lowercase();
    name.ends_with(".readonly")
        || name.ends_with(":read")
        || name.ends_with(".read")
        || name == "readonly"
}

fn depth(scope: &str) -> usize {
    name(scope).split(['.', ':']).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alternatives(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|a| a.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    }

    const G: &str = "https://www.googleapis.com/auth/";

    #[test]
    fn picks_the_narrowest_alternative() {
        let g = |s: &str| format!("{G}{s}");
        let list = [
            g("calendar"),
            g("calendar.events"),
            g("calendar.events.readonly"),
            g("calendar.readonly"),
        ];
        let one_each: Vec<Vec<String>> = list.iter().map(|s| vec![s.clone()]).collect();
        assert_eq!(narrowest(&one_each), vec![g("calendar.events.readonly")]);
        assert_eq!(
            narrowest(&one_each[..2]),
            vec![g("calendar.events")],
            "deeper wins without a read-only one"
        );
        let slack = alternatives(&[&["channels:read"], &["groups:read"], &["im:read"]]);
        assert_eq!(narrowest(&slack), vec!["channels:read"], "document order");
        let together = alternatives(&[&["chat:write:user", "chat:write:bot"], &["chat:write"]]);
        assert_eq!(narrowest(&together), vec!["chat:write"], "fewest first");
        assert!(narrowest(&[]).is_empty());
    }

    #[test]
    fn unions_are_sorted_unique_and_minimal() {
        let a = vec!["b".to_owned(), "a".to_owned()];
        let b = vec!["a".to_owned()];
        assert_eq!(union([&a, &b]), vec!["a", "b"]);
        let g = |s: &str| format!("{G}{s}");
        let tools = [
            vec![g("calendar.events.readonly")],
            vec![g("calendar.events")],
            vec![g("calendar.readonly")],
        ];
        assert_eq!(
            union(&tools),
            vec![g("calendar.events"), g("calendar.readonly")]
        );
    }

    #[test]
    fn lists_are_checked() {
        let key = Location::key(std::path::Path::new("a.toml"), "scopes");
        assert!(check_list(&["a".into(), "b".into()], key.clone()).is_none());
        assert!(check_list(&["a".into(), "a".into()], key.clone()).is_some());
        assert!(check_list(&[" ".into()], key).is_some());
    }
}
