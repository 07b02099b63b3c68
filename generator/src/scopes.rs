//! Least privilege: the OAuth scopes a tool needs, picked from its operation's security
//! requirements, so the Alter grant can be exactly as narrow as the exposed tools.
//!
//! An operation's `security` lists alternatives; each is a set of scopes needed together (for
//! Google Discovery, one scope per alternative: any one of them grants access). The rule, in
//! order, picks one alternative:
//! 1. fewest scopes;
//! 2. the most scopes naming the operation's resource (Google's `calendar.events.owned` for
//!    `calendar.events.insert`, rather than `calendar.app.created`, which reaches only
//!    calendars the app made);
//! 3. the most scopes marked read-only (`.readonly`, `:read`, `.read`, `readonly`);
//! 4. the deepest names: Google and Slack name a narrower scope by extending a broader one
//!    (`calendar` ⊃ `calendar.events` ⊃ `calendar.events.readonly`; `chat:write` ⊃
//!    `chat:write:bot`);
//! 5. the first in the document.
//!
//! A heuristic over names: when its pick does not fit (a scope that reaches only some of the
//! resources the tool is meant for), the allowlist's `scopes` says which.
//!
//! An allowlist `scopes = [...]` (per tool, or for the whole module) replaces the pick.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Location};

/// The scopes of the narrowest alternative (see the module docs); empty without any.
pub fn narrowest(alternatives: &[Vec<String>], operation_id: &str) -> Vec<String> {
    let words: Vec<String> = operation_id
        .split(['.', '_', '/', ' ', '-'])
        .map(str::to_ascii_lowercase)
        .collect();
    alternatives
        .iter()
        .enumerate()
        .min_by_key(|(index, alternative)| (rank(alternative, &words), *index))
        .map(|(_, alternative)| alternative.clone())
        .unwrap_or_default()
}

/// Lower is narrower: fewer scopes, then more naming the operation's resource, then more
/// read-only ones, then deeper names.
fn rank(alternative: &[String], words: &[String]) -> (usize, [Reverse<usize>; 3]) {
    let count = |f: &dyn Fn(&str) -> bool| alternative.iter().filter(|s| f(s)).count();
    let resource = count(&|s| names_resource(s, words));
    let read_only = count(&is_read_only);
    let depth = alternative.iter().map(|s| depth(s)).sum();
    (
        alternative.len(),
        [Reverse(resource), Reverse(read_only), Reverse(depth)],
    )
}

/// A scope naming the operation's resource (`calendar.events.owned` for
/// `calendar.events.insert`; its first segment, the API, does not count).
fn names_resource(scope: &str, words: &[String]) -> bool {
    name(scope)
        .to_ascii_lowercase()
        .split(['.', ':'])
        .skip(1)
        .any(|segment| words.iter().any(|w| w == segment))
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
        let list = "calendar.events.list";
        assert_eq!(
            narrowest(&one_each, list),
            vec![g("calendar.events.readonly")]
        );
        assert_eq!(
            narrowest(&one_each[..2], list),
            vec![g("calendar.events")],
            "deeper wins without a read-only one"
        );
        let slack = alternatives(&[&["channels:read"], &["groups:read"], &["im:read"]]);
        assert_eq!(
            narrowest(&slack, "conversations_list"),
            vec!["channels:read"],
            "document order"
        );
        let together = alternatives(&[&["chat:write:user", "chat:write:bot"], &["chat:write"]]);
        assert_eq!(
            narrowest(&together, "x"),
            vec!["chat:write"],
            "fewest first"
        );
        assert!(narrowest(&[], "x").is_empty());
        let insert = [
            vec![g("calendar")],
            vec![g("calendar.app.created")],
            vec![g("calendar.events")],
            vec![g("calendar.events.owned")],
        ];
        assert_eq!(
            narrowest(&insert, "calendar.events.insert"),
            vec![g("calendar.events.owned")],
            "the operation's resource before depth"
        );
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
