//! The names the model sees for a tool's inputs, made unique. A name the allowlist gives
//! (`params.X.name`) is kept; a derived one that collides with another (a path parameter
//! and a body field both called `id`) is renamed after where it goes (`body_id`), so every
//! operation of a document becomes a usable tool without hand-written renames.

use super::Candidate;
use crate::ir::{InputValue, Target};
use crate::naming;

/// Makes the model-visible names of `candidates` unique, given names first, then derived ones
/// in order. Returns the pairs `(first, second)` of given names that collide, which only the
/// allowlist's author can resolve.
pub(super) fn resolve(candidates: &mut [Candidate]) -> Vec<(usize, usize)> {
    let mut taken: Vec<(String, usize)> = Vec::new();
    let mut conflicts = Vec::new();
    for given in [true, false] {
        for (i, candidate) in candidates.iter_mut().enumerate() {
            if candidate.named != given {
                continue;
            }
            let target = candidate.input.target;
            let InputValue::Model { name, .. } = &mut candidate.input.value else {
                continue;
            };
            if let Some((_, first)) = taken.iter().find(|(n, _)| n == name) {
                if given {
                    conflicts.push((*first, i));
                    continue;
                }
                let base = naming::input_name(&format!("{}_{name}", prefix(target)));
                *name = naming::unique_name(&base, |n| taken.iter().any(|(t, _)| t == n));
            }
            taken.push((name.clone(), i));
        }
    }
    conflicts
}

fn prefix(target: Target) -> &'static str {
    match target {
        Target::Path { .. } => "path",
        Target::Query(_) => "query",
        Target::Header | Target::ContentType => "header",
        Target::BodyField(_) => "body",
        Target::Body => "request",
    }
}
