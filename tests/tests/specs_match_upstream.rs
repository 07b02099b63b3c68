//! Checks our hand-written OpenAPI documents (`specs/<provider>/openapi.yaml`) against the
//! providers' real documents in `../shared/specs/upstream/<provider>/openapi.json`: same
//! operations, paths, parameters, body fields, types, formats, enums, required-ness, scopes and
//! servers. Every difference must be listed below with its reason; a listed difference that no
//! longer exists is reported too, so the lists stay true.

// In a directory of its own, so Cargo does not take it for a test target.
#[path = "specs_match_upstream/openapi.rs"]
mod openapi;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;

use serde_json::Value;

use openapi::{Doc, Mode, Op, SchemaCompare, is_true, properties, required, serialization, str_at};

/// The providers' documents live beside the repository, not in it (`/work/shared` next to
/// `/work/main`).
const UPSTREAM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/specs/upstream");
const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs");

/// Names `requestBody.required` in [`REQUIRED_DEVIATIONS`].
const BODY: &str = "(request body)";

/// Upstream parameters we leave out (provider, name): credentials and transport switches only.
const OMITTED_PARAMS: &[(&str, &str)] = &[
    // Credentials in the query string: Alter authenticates every call itself.
    ("google-calendar", "key"),
    ("google-calendar", "oauth_token"),
    // Transport switches: response format (JSON, the only value, is the default), partial-response
    // field mask, pretty-printing, and quota attribution (userIp is its deprecated form).
    ("google-calendar", "alt"),
    ("google-calendar", "fields"),
    ("google-calendar", "prettyPrint"),
    ("google-calendar", "quotaUser"),
    ("google-calendar", "userIp"),
    // The credential: Alter sends it as `Authorization: Bearer`.
    ("slack", "token"),
];

/// Upstream body fields we leave out (provider, operationId, fields). None at present: our
/// Google `Event` has every upstream field (the output-only ones `readOnly`).
const OMITTED_BODY_FIELDS: &[(&str, &str, &[&str])] = &[];

/// Where our required-ness differs from upstream's (provider, operationId, field).
const REQUIRED_DEVIATIONS: &[(&str, &str, &str)] = &[
    // Upstream leaves these bodies optional although they hold required fields.
    ("slack", "chat_postMessage", BODY),
    ("slack", "chat_update", BODY),
    ("slack", "chat_delete", BODY),
    // Arguments Slack requires but upstream does not mark (chat.delete channel/ts,
    // conversations.history channel, users.info user) are marked in specs/slack/allowlist.toml
    // instead, so our document agrees with upstream and both generate the same tools.
];

/// Success-response properties we declare that upstream's schema lacks (provider, op, path).
const RESPONSE_ADDITIONS: &[(&str, &str, &str)] = &[
    // The live API pages with it; upstream's own example response shows it, its schema does not.
    ("slack", "conversations_history", "response_metadata"),
];

#[test]
fn google_calendar_spec_matches_upstream() {
    assert_matches_upstream("google-calendar");
}

#[test]
fn slack_spec_matches_upstream() {
    assert_matches_upstream("slack");
}

/// The checker itself must notice a wrong type and an unlisted missing parameter.
#[test]
fn checker_reports_a_retyped_and_a_dropped_parameter() {
    let Some(up) = load_upstream("slack") else {
        return;
    };
    let mut ours = Doc::load(&format!("{SPECS}/slack/openapi.yaml"));
    let params = ours
        .root
        .pointer_mut("/paths/~1conversations.list/get/parameters")
        .and_then(Value::as_array_mut)
        .expect("conversations.list has parameters");
    for param in params.iter_mut() {
        if param["name"] == "limit" {
            param["schema"]["type"] = "string".into();
        }
    }
    params.retain(|param| param["name"] != "cursor");
    let problems = Checker::new("slack", &ours, &up).run();
    let found = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(
        found("parameter `limit`: type: ours string, upstream integer"),
        "{problems:#?}"
    );
    assert!(found("upstream parameter `cursor`"), "{problems:#?}");
}

fn assert_matches_upstream(provider: &str) {
    let Some(up) = load_upstream(provider) else {
        return;
    };
    let ours = Doc::load(&format!("{SPECS}/{provider}/openapi.yaml"));
    let problems = Checker::new(provider, &ours, &up).run();
    assert!(
        problems.is_empty(),
        "specs/{provider}/openapi.yaml disagrees with {}/{provider}/openapi.json ({} problems; \
         fix the spec, or list a deliberate deviation with its reason in this test):\n  - {}",
        UPSTREAM,
        problems.len(),
        problems.join("\n  - ")
    );
}

/// The upstream document, or `None` after a notice on the terminal when it is absent.
fn load_upstream(provider: &str) -> Option<Doc> {
    let path = format!("{UPSTREAM}/{provider}/openapi.json");
    if Path::new(&path).is_file() {
        return Some(Doc::load(&path));
    }
    // Written to the real stderr, not through eprintln!, so the test harness cannot hide it.
    let _ = writeln!(
        std::io::stderr(),
        "skipping: {path} not found (the providers' documents live beside the repository in \
         ../shared/specs/upstream); specs/{provider}/openapi.yaml was NOT checked"
    );
    None
}

/// Compares one document against upstream, collecting every problem.
struct Checker<'a> {
    provider: &'a str,
    ours: &'a Doc,
    up: &'a Doc,
    problems: Vec<String>,
    /// Deviation and omission entries that matched a real difference.
    used: RefCell<BTreeSet<String>>,
}

impl<'a> Checker<'a> {
    fn new(provider: &'a str, ours: &'a Doc, up: &'a Doc) -> Self {
        let (problems, used) = (Vec::new(), RefCell::default());
        Checker {
            provider,
            ours,
            up,
            problems,
            used,
        }
    }

    fn run(mut self) -> Vec<String> {
        let (ours_servers, up_servers) = (self.ours.servers(), self.up.servers());
        if ours_servers != up_servers {
            let problem = format!("servers: ours {ours_servers:?}, upstream {up_servers:?}");
            self.problems.push(problem);
        }
        let (ours_ops, up_ops) = (self.ours.operations(), self.up.operations());
        if ours_ops.is_empty() {
            self.problems.push("our document has no operations".into());
        }
        for (id, ours_op) in &ours_ops {
            match up_ops.get(id) {
                Some(up_op) => self.check_operation(id, ours_op, up_op),
                None => self.fail(id, "no upstream operation has this operationId".into()),
            }
        }
        self.check_lists_are_used();
        self.problems
    }

    fn fail(&mut self, id: &str, problem: String) {
        self.problems.push(format!("{id}: {problem}"));
    }

    fn check_operation(&mut self, id: &str, ours: &Op<'_>, up: &Op<'_>) {
        if (ours.method, ours.path) != (up.method, up.path) {
            let (ours, up) = ((ours.method, ours.path), (up.method, up.path));
            self.fail(
                id,
                format!("method and path: ours {ours:?}, upstream {up:?}"),
            );
        }
        for result in [
            self.check_parameters(id, ours, up),
            self.check_body(id, ours, up),
            self.check_success(id, ours, up),
        ] {
            if let Err(problem) = result {
                self.fail(id, problem);
            }
        }
        self.check_security(id, ours, up);
    }

    fn check_parameters(&mut self, id: &str, ours: &Op<'_>, up: &Op<'_>) -> Result<(), String> {
        let (ours_params, up_params) = (self.ours.parameters(ours)?, self.up.parameters(up)?);
        for (name, o) in &ours_params {
            let Some(u) = up_params.get(name) else {
                self.fail(
                    id,
                    format!("parameter `{name}` is not an upstream parameter"),
                );
                continue;
            };
            let (o_in, u_in) = (str_at(o, "in"), str_at(u, "in"));
            if o_in != u_in {
                self.fail(
                    id,
                    format!("parameter `{name}`: in: ours {o_in:?}, upstream {u_in:?}"),
                );
            }
            let (o_ser, u_ser) = (serialization(o), serialization(u));
            if o_ser != u_ser {
                let problem = format!("style/explode: ours {o_ser:?}, upstream {u_ser:?}");
                self.fail(id, format!("parameter `{name}`: {problem}"));
            }
            self.check_required(id, name, is_true(o, "required"), is_true(u, "required"));
            for problem in self.compare(id, Mode::Request, &o["schema"], &u["schema"]) {
                self.fail(id, format!("parameter `{name}`{problem}"));
            }
        }
        for (name, u) in &up_params {
            if !ours_params.contains_key(name) && !self.omitted_param(name) {
                let place = str_at(u, "in").unwrap_or("?");
                let what = format!("upstream parameter `{name}` (in {place}) is missing");
                self.fail(id, format!("{what}; add it, or list it in OMITTED_PARAMS"));
            }
        }
        Ok(())
    }

    fn check_body(&mut self, id: &str, ours: &Op<'_>, up: &Op<'_>) -> Result<(), String> {
        let (o, u) = match (self.ours.body(ours)?, self.up.body(up)?) {
            (None, None) => return Ok(()),
            (Some(_), None) => return Err("ours has a request body, upstream has none".into()),
            (None, Some(u)) => return Err(format!("upstream has a `{}` body, ours none", u.media)),
            (Some(o), Some(u)) => (o, u),
        };
        if o.media != "application/json" {
            self.fail(
                id,
                format!("our body is `{}`, not application/json", o.media),
            );
        }
        self.check_required(id, BODY, o.required, u.required);
        let (o_props, u_props) = (properties(o.schema), properties(u.schema));
        for (name, o_prop) in o_props.into_iter().flatten() {
            let Some(u_prop) = u_props.and_then(|p| p.get(name)) else {
                self.fail(id, format!("body field `{name}` is not an upstream field"));
                continue;
            };
            for problem in self.compare(id, Mode::Request, o_prop, u_prop) {
                self.fail(id, format!("body field `{name}`{problem}"));
            }
        }
        for name in u_props.into_iter().flatten().map(|(name, _)| name) {
            if !o_props.is_some_and(|p| p.contains_key(name)) && !self.omitted_body(id, name) {
                let what = format!("upstream body field `{name}` is missing");
                self.fail(
                    id,
                    format!("{what}; add it, or list it in OMITTED_BODY_FIELDS"),
                );
            }
        }
        let (o_req, u_req) = (required(o.schema), required(u.schema));
        for name in o_req.union(&u_req) {
            self.check_required(id, name, o_req.contains(name), u_req.contains(name));
        }
        Ok(())
    }

    fn check_success(&mut self, id: &str, ours: &Op<'_>, up: &Op<'_>) -> Result<(), String> {
        match (self.ours.success(ours)?, self.up.success(up)?) {
            (None, None) => {}
            (Some(_), None) => self.fail(id, "ours has a 200 JSON body, upstream none".into()),
            (None, Some(_)) => self.fail(id, "upstream has a 200 JSON body, ours none".into()),
            (Some(o), Some(u)) => {
                for problem in self.compare(id, Mode::Response, o, u) {
                    self.fail(id, format!("200 response{problem}"));
                }
            }
        }
        Ok(())
    }

    /// Compares the alternatives of scope sets: any one requirement object suffices, and its
    /// schemes' scopes are pooled (upstream Calendar names each scope under two equal schemes).
    fn check_security(&mut self, id: &str, ours: &Op<'_>, up: &Op<'_>) {
        let (o, u) = (scope_sets(ours), scope_sets(up));
        if o != u {
            self.fail(id, format!("security scopes: ours {o:?}, upstream {u:?}"));
        }
        let requirements = ours.op.get("security").and_then(Value::as_array);
        let requirements = requirements
            .into_iter()
            .flatten()
            .filter_map(Value::as_object);
        for (scheme, scopes) in requirements.flatten() {
            let pointer = format!("/components/securitySchemes/{scheme}/flows");
            let flows = self.ours.root.pointer(&pointer).and_then(Value::as_object);
            let declared: Vec<&Value> = flows.into_iter().flatten().map(|(_, f)| f).collect();
            for scope in scopes
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !declared
                    .iter()
                    .any(|flow| flow["scopes"].get(scope).is_some())
                {
                    self.fail(id, format!("scope `{scope}` is not declared by `{scheme}`"));
                }
            }
        }
    }

    /// Different required-ness must be listed, and a listed difference must still exist.
    fn check_required(&mut self, id: &str, field: &str, ours: bool, up: bool) {
        let listed = REQUIRED_DEVIATIONS.contains(&(self.provider, id, field));
        let problem = match (ours == up, listed) {
            (true, false) => return,
            (false, true) => return self.mark_used(format!("required {id} {field}")),
            (false, false) => format!("ours {ours}, upstream {up}; list it in REQUIRED_DEVIATIONS"),
            (true, true) => "listed in REQUIRED_DEVIATIONS but agrees with upstream".to_owned(),
        };
        self.fail(id, format!("`{field}` required: {problem}"));
    }

    fn omitted_param(&self, name: &str) -> bool {
        let listed = OMITTED_PARAMS.contains(&(self.provider, name));
        if listed {
            self.mark_used(format!("param {name}"));
        }
        listed
    }

    fn omitted_body(&self, id: &str, name: &str) -> bool {
        let listed = OMITTED_BODY_FIELDS.iter().any(|&(provider, op, fields)| {
            (provider, op) == (self.provider, id) && fields.contains(&name)
        });
        if listed {
            self.mark_used(format!("body {id} {name}"));
        }
        listed
    }

    fn response_addition(&self, id: &str, path: &str) -> bool {
        let listed = RESPONSE_ADDITIONS.contains(&(self.provider, id, path));
        if listed {
            self.mark_used(format!("response {id} {path}"));
        }
        listed
    }

    fn mark_used(&self, entry: String) {
        self.used.borrow_mut().insert(entry);
    }

    /// Every entry of the lists above, for this provider, must have matched a real difference.
    fn check_lists_are_used(&mut self) {
        let p = self.provider;
        let mut expected: Vec<String> = Vec::new();
        let params = OMITTED_PARAMS.iter().filter(|e| e.0 == p);
        expected.extend(params.map(|e| format!("param {}", e.1)));
        for (_, id, fields) in OMITTED_BODY_FIELDS.iter().filter(|e| e.0 == p) {
            expected.extend(fields.iter().map(|f| format!("body {id} {f}")));
        }
        let required = REQUIRED_DEVIATIONS.iter().filter(|e| e.0 == p);
        expected.extend(required.map(|e| format!("required {} {}", e.1, e.2)));
        let additions = RESPONSE_ADDITIONS.iter().filter(|e| e.0 == p);
        expected.extend(additions.map(|e| format!("response {} {}", e.1, e.2)));
        for entry in expected {
            if !self.used.borrow().contains(&entry) {
                let problem = format!("listed deviation `{entry}` matches no difference");
                self.problems
                    .push(format!("{problem}; remove it from the list"));
            }
        }
    }

    /// Compares a schema of ours with upstream's; each problem starts with the property path.
    fn compare(&self, id: &str, mode: Mode, ours: &Value, up: &Value) -> Vec<String> {
        let may_be_extra = |path: &str| self.response_addition(id, path);
        let (docs, may_be_extra) = ((self.ours, self.up), &may_be_extra);
        let schemas = SchemaCompare {
            ours: docs.0,
            up: docs.1,
            mode,
            may_be_extra,
        };
        schemas.run(ours, up)
    }
}

/// The alternative requirement objects of an operation, each as its pooled set of scopes.
fn scope_sets(op: &Op<'_>) -> BTreeSet<BTreeSet<String>> {
    let requirements = op.op.get("security").and_then(Value::as_array);
    let pooled = |requirement: &Value| -> BTreeSet<String> {
        let by_scheme = requirement.as_object().into_iter().flatten();
        let scopes = by_scheme.flat_map(|(_, s)| s.as_array().into_iter().flatten());
        scopes
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    requirements.into_iter().flatten().map(pooled).collect()
}
