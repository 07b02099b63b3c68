//! Checks of each `params.<X>` table on its own, before the document is consulted: settings
//! that contradict each other (`fixed` with `default`, `required = true` with either).

use super::{Allowlist, ParamSettings, ToolEntry};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Checks every `params.<X>` of `tool[i]`.
pub(super) fn check(allowlist: &Allowlist, i: usize, entry: &ToolEntry, out: &mut Diagnostics) {
    for (param, settings) in &entry.params {
        let key = format!("tool[{i}].params.{param}");
        if settings.fixed.is_some() && settings.default.is_some() {
            out.push(
                Diagnostic::new(allowlist.key(&key), "`fixed` and `default` are both set").help(
                    "keep `fixed` to always send the value, or `default` to let the model choose",
                ),
            );
        }
        check_required(allowlist, &key, settings, out);
        let other = settings.fixed.is_some()
            || settings.default.is_some()
            || settings.name.is_some()
            || settings.description.is_some()
            || settings.ty.is_some()
            || settings.required.is_some();
        if settings.omit == Some(true) && other {
            out.push(
                Diagnostic::new(
                    allowlist.key(&key),
                    "`omit = true` leaves the input out of the tool, so its other settings have no effect",
                )
                .help("remove `omit`, or the other settings"),
            );
        }
        // `required = true` with `fixed` is reported by `check_required`, more precisely.
        let visible = settings.name.is_some()
            || settings.description.is_some()
            || settings.ty.is_some()
            || settings.required == Some(false);
        if settings.fixed.is_some() && visible {
            out.push(
                Diagnostic::new(
                    allowlist.key(&key),
                    "a `fixed` value is hidden from the model, so `name`, `type`, `description` and `required` have no effect",
                )
                .help("remove them, or replace `fixed` with `default`"),
            );
        }
        if settings
            .name
            .as_deref()
            .is_some_and(|n| n.trim().is_empty())
        {
            out.push(
                Diagnostic::new(allowlist.key(format!("{key}.name")), "`name` is empty")
                    .help("give the name the model should see"),
            );
        }
    }
}

/// `required = true` says the model must give the value, which `fixed` (hidden from the model)
/// and `default` (the model may leave it out) both contradict.
fn check_required(
    allowlist: &Allowlist,
    key: &str,
    settings: &ParamSettings,
    out: &mut Diagnostics,
) {
    if settings.required != Some(true) {
        return;
    }
    let (message, help) = if settings.fixed.is_some() {
        (
            "`required = true` contradicts `fixed`: a fixed value is hidden from the model, which cannot be required to give it",
            "remove `required = true` to always send the fixed value, or remove `fixed` to have the model give it",
        )
    } else if settings.default.is_some() {
        (
            "`required = true` contradicts `default`: a field with a default may be left out",
            "remove `default` to have the model always give the value, or remove `required = true`",
        )
    } else {
        return;
    };
    out.push(Diagnostic::new(allowlist.key(format!("{key}.required")), message).help(help));
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::diagnostic::At;
    use crate::input::Source;

    /// The keys and messages of the problems in one tool's `params`.
    fn problems(params: &str) -> Vec<(At, String)> {
        let text = format!("provider = \"p\"\nspec = \"s\"\n[[tool]]\noperation = \"x\"\n{params}");
        let source = Source {
            path: PathBuf::from("a/allowlist.toml"),
            text,
        };
        let allowlist = Allowlist::parse(&source).expect("parses");
        let mut out = Diagnostics::new();
        check(&allowlist, 0, &allowlist.file.tools[0], &mut out);
        assert!(out.iter().all(|d| d.help.is_some()), "{out}");
        out.into_iter()
            .map(|d| (d.location.at, d.message))
            .collect()
    }

    #[test]
    fn required_true_contradicts_default_and_fixed() {
        let found = problems(
            "params.a = { required = true, default = 1 }\nparams.b = { required = true, fixed = \"x\" }\n",
        );
        let keys: Vec<&At> = found.iter().map(|(at, _)| at).collect();
        assert_eq!(
            keys,
            [
                &At::Key("tool[0].params.a.required".to_owned()),
                &At::Key("tool[0].params.b.required".to_owned()),
            ]
        );
        assert!(found[0].1.contains("contradicts `default`"), "{found:?}");
        assert!(found[1].1.contains("contradicts `fixed`"), "{found:?}");
    }

    #[test]
    fn required_alone_or_consistent_is_accepted() {
        let ok = "params.a = { required = true }\nparams.b = { required = false }\n\
                  params.c = { required = false, default = 1 }\nparams.d = { required = true, name = \"dd\" }\n";
        assert_eq!(problems(ok), []);
        // `required = false` on a fixed value does nothing, like `name` there.
        let found = problems("params.a = { required = false, fixed = 1 }\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, At::Key("tool[0].params.a".to_owned()));
        assert!(found[0].1.contains("no effect"), "{found:?}");
    }
}
