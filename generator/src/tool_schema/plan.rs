//! Where each named type of one tool's schema is written, so that a schema grows with the
//! number of distinct types it reaches and not with how deeply they nest:
//!
//! * inline at its use, as clients like best, when it is used once (or is small);
//! * once under `$defs`, referenced with `$ref`, when it is recursive, or used more than once
//!   and inlining it at every use would repeat more than [`SHARED_INLINE_MAX`] bytes;
//! * under `$defs` too when inlining would put properties deeper than [`MAX_INLINE_DEPTH`]
//!   levels (decided while writing, in `writer.rs`);
//! * as an open object (`{"type":"object"}`) past an output schema's depth cut (`reduce.rs`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::writer::Writer;
use crate::ir::{Schema, TypeDef, TypeId, TypeKind, TypeSpace, mentions};

/// The deepest property level an inlined object reaches (the root's properties are level 1);
/// an object that would go deeper is written under `$defs`.
pub(super) const MAX_INLINE_DEPTH: usize = 6;

/// How many bytes inlining a shared type at its second and later uses may add, in total,
/// before it is written once under `$defs` instead.
pub(super) const SHARED_INLINE_MAX: u64 = 2048;

/// What `writer.rs` does with named types.
#[derive(Debug, Default)]
pub(super) struct Placement {
    /// Written once under `$defs`, referenced everywhere.
    pub defs: BTreeSet<TypeId>,
    /// Output objects past the depth cut, written as `{"type":"object"}`.
    pub open: BTreeSet<TypeId>,
}

/// What a module's schemas share: the types, which of them are recursive and the inline size
/// of each (both computed once per module).
pub(super) struct Context<'a> {
    pub types: &'a TypeSpace,
    recursive: BTreeSet<TypeId>,
    /// Each type's size written inline with everything it reaches (saturating), by type and
    /// output mode.
    sizes: RefCell<BTreeMap<(TypeId, bool), u64>>,
}

impl<'a> Context<'a> {
    pub(super) fn new(types: &'a TypeSpace) -> Self {
        Context {
            types,
            recursive: recursive(types),
            sizes: RefCell::new(BTreeMap::new()),
        }
    }

    /// The placement of the types `roots` reach, `open` being written as open objects.
    pub(super) fn placement(
        &self,
        roots: &[&Schema],
        open: BTreeSet<TypeId>,
        output: bool,
    ) -> Placement {
        let uses = self.uses(roots, &open);
        let defs = uses
            .iter()
            .filter(|(id, count)| {
                self.recursive.contains(id)
                    || (**count > 1
                        && (**count as u64 - 1).saturating_mul(self.size(**id, output))
                            > SHARED_INLINE_MAX)
            })
            .map(|(id, _)| *id)
            .collect();
        Placement { defs, open }
    }

    /// How often each type is mentioned: by the roots, and once per body of every type they
    /// reach (bodies of `open` types are not written, so not counted).
    fn uses(&self, roots: &[&Schema], open: &BTreeSet<TypeId>) -> BTreeMap<TypeId, usize> {
        let mut counts: BTreeMap<TypeId, usize> = BTreeMap::new();
        let mut stack = Vec::new();
        for root in roots {
            mentions(root, false, &mut stack);
        }
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            *counts.entry(id).or_default() += 1;
            if !open.contains(&id) && seen.insert(id) {
                body_mentions(self.types.get(id), &mut stack);
            }
        }
        counts
    }

    /// The size of `id` written inline with everything it reaches, recursive types (always
    /// `$ref`s) counted as their reference.
    fn size(&self, id: TypeId, output: bool) -> u64 {
        if let Some(size) = self.sizes.borrow().get(&(id, output)) {
            return *size;
        }
        let Some(def) = self.types.get(id) else {
            return 0;
        };
        let own = self.own_size(def, output);
        let mut children = Vec::new();
        body_mentions(Some(def), &mut children);
        // Memoized before the children, so a cycle through a type not marked recursive (there
        // is none) could not recurse forever.
        self.sizes.borrow_mut().insert((id, output), own);
        let total = children
            .into_iter()
            .filter(|child| !self.recursive.contains(child))
            .fold(own, |sum, child| {
                sum.saturating_add(self.size(child, output))
            });
        self.sizes.borrow_mut().insert((id, output), total);
        total
    }

    /// The size of `def`'s body with every named type in it written as a `$ref`.
    fn own_size(&self, def: &TypeDef, output: bool) -> u64 {
        let placement = Placement::default();
        let mut writer = Writer::new(self.types, &placement, output).stub();
        let body = writer.body(def);
        writer.finish(body).len() as u64
    }
}

/// Named types mentioned by a type's members or branches.
fn body_mentions(def: Option<&TypeDef>, out: &mut Vec<TypeId>) {
    match def.map(|def| &def.kind) {
        Some(TypeKind::Struct {
            properties,
            additional,
        }) => {
            for property in properties {
                mentions(&property.schema, false, out);
            }
            if let Some(additional) = additional {
                mentions(additional, false, out);
            }
        }
        Some(TypeKind::Union { variants, .. }) => {
            for variant in variants {
                mentions(&variant.schema, false, out);
            }
        }
        _ => {}
    }
}

/// The property level at which each named type `roots` reach is first used: the roots are
/// level 1, an object's members one level deeper, a union's branches at the union's level.
#[derive(Debug)]
pub(super) struct Levels(BTreeMap<TypeId, usize>);

impl Levels {
    pub(super) fn of(types: &TypeSpace, roots: &[&Schema]) -> Levels {
        let mut levels: BTreeMap<TypeId, usize> = BTreeMap::new();
        let mut queue: VecDeque<(TypeId, usize)> = VecDeque::new();
        let mut start = Vec::new();
        for root in roots {
            mentions(root, false, &mut start);
        }
        queue.extend(start.into_iter().map(|id| (id, 1)));
        // Edges weigh 0 (union branches) or 1 (members): a 0-1 breadth-first search.
        while let Some((id, level)) = queue.pop_front() {
            if levels.get(&id).is_some_and(|known| *known <= level) {
                continue;
            }
            levels.insert(id, level);
            let def = types.get(id);
            let mut next = Vec::new();
            body_mentions(def, &mut next);
            let union = matches!(def.map(|d| &d.kind), Some(TypeKind::Union { .. }));
            for child in next {
                if union {
                    queue.push_front((child, level));
                } else {
                    queue.push_back((child, level + 1));
                }
            }
        }
        Levels(levels)
    }

    /// The deepest level of an object.
    pub(super) fn deepest(&self, types: &TypeSpace) -> usize {
        self.objects(types)
            .map(|(_, level)| level)
            .max()
            .unwrap_or(0)
    }

    /// The objects at `cut` or deeper.
    pub(super) fn past(&self, types: &TypeSpace, cut: usize) -> BTreeSet<TypeId> {
        self.objects(types)
            .filter(|(_, level)| *level >= cut)
            .map(|(id, _)| id)
            .collect()
    }

    fn objects<'s>(&'s self, types: &'s TypeSpace) -> impl Iterator<Item = (TypeId, usize)> + 's {
        self.0.iter().filter_map(|(id, level)| {
            matches!(types.get(*id)?.kind, TypeKind::Struct { .. }).then_some((*id, *level))
        })
    }
}

/// The types that contain themselves, through any number of steps: those in a strongly
/// connected component of more than one type, or with an edge to themselves (Tarjan's
/// algorithm, iterative: real documents nest deeper than a thread's stack allows).
fn recursive(types: &TypeSpace) -> BTreeSet<TypeId> {
    let count = types.types.len();
    let edges: Vec<Vec<usize>> = (0..count)
        .map(|i| {
            let mut out = Vec::new();
            body_mentions(types.get(TypeId(i)), &mut out);
            out.into_iter()
                .map(|id| id.0)
                .filter(|j| *j < count)
                .collect()
        })
        .collect();
    let mut index = vec![usize::MAX; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut out = BTreeSet::new();
    for start in 0..count {
        if index[start] != usize::MAX {
            continue;
        }
        // (node, next edge to follow)
        let mut calls = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut edge)) = calls.last_mut() {
            if let Some(&child) = edges[node].get(*edge) {
                *edge += 1;
                if index[child] == usize::MAX {
                    index[child] = next_index;
                    low[child] = next_index;
                    next_index += 1;
                    stack.push(child);
                    on_stack[child] = true;
                    calls.push((child, 0));
                } else if on_stack[child] {
                    low[node] = low[node].min(index[child]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                let looped = component.len() > 1 || edges[node].contains(&node);
                if looped {
                    out.extend(component.into_iter().map(TypeId));
                }
            }
        }
    }
    out
}

/// The schemas a type's JSON Schema starts from: an output struct's members.
pub(super) fn members(def: &TypeDef) -> Vec<&Schema> {
    match &def.kind {
        TypeKind::Struct {
            properties,
            additional,
        } => properties
            .iter()
            .map(|p| &p.schema)
            .chain(additional.as_deref())
            .collect(),
        _ => Vec::new(),
    }
}
