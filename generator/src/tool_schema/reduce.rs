//! An output schema over the size budget is reduced, never refused: the output type still
//! reads and returns the whole answer, and the schema only says less about it. The steps, each
//! taken only when the one before does not fit:
//!
//! 1. descriptions below the top-level fields are left out;
//! 2. objects from level `N` down are written as open objects (`{"type":"object"}`; the
//!    top-level fields' values are level 1), for the largest `N` that fits;
//! 3. no description at all, every object below the root open;
//! 4. the root itself an open object.
//!
//! Each step only loosens the schema, so whatever the output type writes still validates
//! (ARCHITECTURE.md: "the output schema is never stricter than that type").

use std::collections::BTreeSet;

use super::plan::{Context, Levels, Placement, members};
use super::writer::{Descriptions, Writer, typed};
use crate::ir::{Reduced, Reduction, Schema, TypeDef, TypeId};

/// How many budgets a reduced schema's whole size is measured up to (for the warning; past
/// it, writing it all would cost more than it tells).
const MEASURE_MAX: usize = 16;

/// The output schema of `root` within `budget` bytes, and how it was reduced, if it was.
/// `measure` also writes a reduced schema in full, for its size ([`Reduced::full`]); without
/// it, writing stops as soon as a step is surely over the budget (`--all`).
pub(super) fn within(
    context: &Context<'_>,
    root: &TypeDef,
    budget: usize,
    measure: bool,
) -> (String, Option<Reduced>) {
    let roots = members(root);
    let attempt = Attempt {
        context,
        root,
        roots: &roots,
        budget,
    };
    // The first two steps open nothing: one placement serves both.
    let whole = context.placement(&roots, BTreeSet::new(), true);
    if let Some(text) = attempt.write(&whole, Descriptions::All) {
        return (text, None);
    }
    let full = match measure {
        true => attempt.measure(&whole),
        false => None,
    };
    let reduced = |text: String, rule| (text, Some(Reduced { full, rule }));
    if let Some(text) = attempt.write(&whole, Descriptions::TopLevel) {
        return reduced(text, Reduction::NestedDescriptions);
    }
    let levels = Levels::of(context.types, &roots);
    // The largest cut that fits: the size grows with the cut.
    let (mut fits, mut low, mut over) = (None, 1, levels.deepest(context.types) + 1);
    while low < over {
        let cut = low + (over - low) / 2;
        match attempt.cut(&levels.past(context.types, cut), Descriptions::TopLevel) {
            Some(text) => {
                fits = Some((cut, text));
                low = cut + 1;
            }
            None => over = cut,
        }
    }
    if let Some((cut, text)) = fits {
        return reduced(text, Reduction::Depth(cut));
    }
    if let Some(text) = attempt.cut(&levels.past(context.types, 1), Descriptions::None) {
        return reduced(text, Reduction::Bare);
    }
    let mut text = String::new();
    typed("object").write(&mut text);
    reduced(text, Reduction::Open)
}

struct Attempt<'a> {
    context: &'a Context<'a>,
    root: &'a TypeDef,
    roots: &'a [&'a Schema],
    budget: usize,
}

impl Attempt<'_> {
    /// The schema with `open` objects open, if it fits.
    fn cut(&self, open: &BTreeSet<TypeId>, descriptions: Descriptions) -> Option<String> {
        let placement = self.context.placement(self.roots, open.clone(), true);
        self.write(&placement, descriptions)
    }

    /// The schema, if it fits.
    fn write(&self, placement: &Placement, descriptions: Descriptions) -> Option<String> {
        let mut writer = Writer::new(self.context.types, placement, true)
            .descriptions(descriptions)
            .limit(self.budget);
        let body = writer.body(self.root);
        if writer.overflowed() {
            return None;
        }
        let text = writer.finish(body);
        (text.len() <= self.budget).then_some(text)
    }

    /// The size of the whole schema, up to [`MEASURE_MAX`] budgets.
    fn measure(&self, placement: &Placement) -> Option<usize> {
        let limit = self.budget.saturating_mul(MEASURE_MAX);
        let mut writer = Writer::new(self.context.types, placement, true).limit(limit);
        let body = writer.body(self.root);
        if writer.overflowed() {
            return None;
        }
        Some(writer.finish(body).len())
    }
}
