//! The Google Discovery front end end to end: one small Discovery fixture per construct
//! (`tests/fixtures/formats/discovery/<construct>/`) generated through `generate`, checked on
//! the generated input types, requests and input JSON schemas; then Google's real Calendar
//! document from the shared upstream specs.

mod support;

use support::{input_schema, upstream};

use std::path::{Path, PathBuf};

use alter_mcp_gen::{Generated, generate};
use serde_json::{Value, json};

fn fixture(construct: &str) -> Generated {
    let allowlist = format!("tests/fixtures/formats/discovery/{construct}/allowlist.toml");
    generate(&allowlist).unwrap_or_else(|e| panic!("{allowlist} generates:\n{e}"))
}

/// The text of the generated item `pub struct <name>` (up to its closing brace).
fn item<'c>(code: &'c str, header: &str) -> &'c str {
    let start = code.find(header).unwrap_or_else(|| panic!("no `{header}`"));
    let end = code[start..]
        .find("\n}")
        .map_or(code.len(), |e| start + e + 2);
    &code[start..end]
}

/// Where each name occurs in `text`, which must contain them all.
fn positions(text: &str, names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .map(|n| text.find(n).unwrap_or_else(|| panic!("no {n} in\n{text}")))
        .collect()
}

#[test]
fn parameters_keep_order_types_numbers_and_enum_descriptions() {
    let generated = fixture("params");
    let code = &generated.code;
    let input = item(code, "pub struct ListNotesInput");
    for field in [
        "pub user_id: String,",
        "pub max_results: Option<i32>,",
        "pub labels: Option<Vec<String>>,",
        "pub order: Option<ListNotesOrder>,",
        "pub show_deleted: Option<bool>,",
        "pub since: Option<String>,",
    ] {
        assert!(input.contains(field), "{field} in\n{input}");
    }
    // `parameterOrder` first, then the other parameters by name.
    let order = positions(
        input,
        &[
            "user_id:",
            "labels:",
            "max_results:",
            "order:",
            "show_deleted:",
            "since:",
        ],
    );
    assert!(order.is_sorted(), "{input}");
    assert!(code.contains("\"https://notes.googleapis.com/notes/v1/users/{userId}/notes\""));
    assert!(code.contains("request.query(\"labels\", self.labels);"));

    let schema = input_schema(&generated, "list_notes");
    let p = &schema["properties"];
    assert_eq!(
        p["maxResults"]["minimum"],
        json!(1),
        "numbers written as strings"
    );
    assert_eq!(p["maxResults"]["maximum"], json!(500));
    assert_eq!(p["maxResults"]["default"], json!(100));
    assert_eq!(p["showDeleted"]["default"], json!(false));
    assert_eq!(p["labels"]["type"], "array");
    assert_eq!(p["labels"]["items"], json!({"type": "string"}));
    assert_eq!(p["order"]["enum"], json!(["newest", "oldest"]));
    assert_eq!(
        p["order"]["description"],
        "Sort order.\n\n- `newest`: Newest first.\n- `oldest`: Oldest first."
    );
    assert_eq!(p["since"]["format"], "date-time");
    assert_eq!(schema["required"], json!(["userId"]));
}

#[test]
fn reserved_expansion_paths_use_the_parameter_name() {
    let generated = fixture("reserved");
    assert_eq!(generated.tool_names, ["get_thing", "cancel_thing"]);
    let code = &generated.code;
    assert!(
        code.contains("\"https://things.googleapis.com/v1/{name}\""),
        "{code}"
    );
    assert!(code.contains("\"https://things.googleapis.com/v1/{name}:cancel\""));
    assert!(!code.contains("projectsId"), "flatPath is not used");
    assert!(!code.contains("{+"));
    let schema = input_schema(&generated, "get_thing");
    assert_eq!(schema["required"], json!(["name"]));
    assert_eq!(
        schema["properties"]["name"]["pattern"],
        "^projects/[^/]+/things/[^/]+$"
    );
}

#[test]
fn request_and_response_bodies() {
    let generated = fixture("bodies");
    let code = &generated.code;
    let create = item(code, "pub struct CreateNoteInput");
    for field in [
        "pub title: ",
        "pub body: Option<String>,",
        "pub pinned: Option<bool>,",
    ] {
        assert!(create.contains(field), "{field} in\n{create}");
    }
    assert!(code.contains("request.body_field(\"title\", self.title);"));
    assert!(code.contains("\"https://notes.googleapis.com/notes/v1/notes\""));

    // No `response`: a tool all the same (APIs.guru writes a `200` without content).
    let delete = input_schema(&generated, "delete_note");
    assert_eq!(delete["required"], json!(["noteId"]));
    assert!(code.contains("\"https://notes.googleapis.com/notes/v1/notes/{noteId}\""));
    assert!(code.contains("::alter_mcp_runtime::Method::Delete"));

    // A required query parameter and no body.
    let quick = item(code, "pub struct QuickAddNoteInput");
    assert!(quick.contains("pub text: String,"), "{quick}");
    assert!(code.contains("request.query(\"text\", self.text);"));
    let quick_add = input_schema(&generated, "quick_add_note");
    assert_eq!(quick_add["required"], json!(["text"]));

    let query = item(code, "pub struct QueryNotesInput");
    assert!(query.contains("pub limit: Option<i32>,"), "{query}");
    assert!(code.contains("\"https://notes.googleapis.com/notes/v1/notes:query\""));
}

#[test]
fn schemas_any_maps_nested_objects_and_references() {
    let generated = fixture("schemas");
    let code = &generated.code;
    let input = item(code, "pub struct CreateThingInput");
    for field in [
        "pub payload: Option<::alter_mcp_runtime::serde_json::Value>,",
        "pub labels: Option<::std::collections::BTreeMap<String, String>>,",
        "pub owner: Option<Person>,",
        "pub count: Option<i32>,",
        "pub kind: Option<ThingKind>,",
        "pub where_: Option<ThingWhere>,",
    ] {
        assert!(input.contains(field), "{field} in\n{input}");
    }
    assert!(
        !input.contains("size"),
        "readOnly properties are not inputs"
    );
    // A property's boolean `required` becomes its parent's `required` list.
    assert!(item(code, "pub struct Person").contains("pub email: String,"));
    assert!(item(code, "pub struct ThingWhere").contains("pub lat: Option<f64>,"));

    let schema = input_schema(&generated, "create_thing");
    let p = &schema["properties"];
    assert_eq!(p["payload"], json!({"description": "Anything at all."}));
    assert_eq!(p["count"]["minimum"], json!(0));
    assert_eq!(p["count"]["default"], json!(1));
    assert_eq!(
        p["labels"]["additionalProperties"],
        json!({"type": "string"})
    );
    assert_eq!(p["owner"]["required"], json!(["email"]));
    assert_eq!(
        p["kind"]["description"],
        "- `SMALL`: Small.\n- `LARGE`: Large."
    );
}

#[test]
fn top_level_methods_and_nested_resources() {
    let generated = fixture("resources");
    assert_eq!(
        generated.tool_names,
        [
            "nest_ping",
            "nest_a_list",
            "nest_a_b_list",
            "nest_a_b_c_get"
        ]
    );
    let code = &generated.code;
    for url in ["ping", "a", "a/{aId}/b", "a/{aId}/b/{bId}/c"] {
        let url = format!("\"https://nest.googleapis.com/nest/v2/{url}\"");
        assert!(code.contains(&url), "{url}");
    }
    let input = item(code, "pub struct NestABCGetInput");
    let order = positions(input, &["a_id:", "b_id:"]);
    assert!(order.is_sorted(), "parameterOrder: {input}");
}

const CALENDAR: [&str; 8] = [
    "calendar.events.list",
    "calendar.events.insert",
    "calendar.events.get",
    "calendar.events.patch",
    "calendar.events.delete",
    "calendar.events.quickAdd",
    "calendar.calendarList.list",
    "calendar.freebusy.query",
];

#[test]
fn google_calendar_discovery_generates_the_calendar_tools() {
    let Some(spec) = upstream("google-calendar/discovery.json") else {
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("alter-mcp-gen-discovery");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let spec = spec.canonicalize().expect("absolute path");
    // Discovery's whole `Event` makes insert and patch schemas of about 25 KiB, over the
    // default 16 KiB budget (our own document trims it); this test is about the front end.
    let mut allowlist = format!(
        "provider = \"google\"\nspec = {:?}\nschema_max_bytes = 32768\n",
        spec.display().to_string()
    );
    for operation in CALENDAR {
        allowlist.push_str(&format!("\n[[tool]]\noperation = \"{operation}\"\n"));
    }
    std::fs::write(dir.join("allowlist.toml"), allowlist).expect("write");
    let generated = generate(dir.join("allowlist.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.tool_names.len(), 8);
    let code = &generated.code;
    assert!(
        code.contains("\"https://www.googleapis.com/calendar/v3/calendars/{calendarId}/events\""),
        "events.list URL"
    );
    assert!(code.contains("\"https://www.googleapis.com/calendar/v3/freeBusy\""));
    // Discovery lists each method's scopes (any one suffices); the narrowest is picked.
    let g = |s: &str| format!("https://www.googleapis.com/auth/{s}");
    let scopes = |name: &str| {
        let tool = generated.tools.iter().find(|t| t.name == name);
        tool.map(|t| t.scopes.clone()).unwrap_or_default()
    };
    assert_eq!(
        scopes("calendar_events_list"),
        [g("calendar.events.owned.readonly")]
    );
    assert_eq!(
        scopes("calendar_events_insert"),
        [g("calendar.events.owned")]
    );
    assert_eq!(
        scopes("calendar_calendar_list_list"),
        [g("calendar.calendarlist.readonly")]
    );
    assert_eq!(
        scopes("calendar_freebusy_query"),
        [g("calendar.events.freebusy")]
    );
    let list = input_schema(&generated, "calendar_events_list");
    let p = &list["properties"];
    assert_eq!(list["required"], json!(["calendarId"]));
    assert_eq!(p["maxResults"]["default"], json!(250));
    assert_eq!(p["eventTypes"]["type"], "array");
    assert_eq!(p["timeMin"]["format"], "date-time");
    let insert = item(code, "pub struct CalendarEventsInsertInput");
    assert!(insert.contains("pub start: "), "Event fields are inputs");
    let quick_add = input_schema(&generated, "calendar_events_quick_add");
    assert!(
        quick_add["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("text")))
    );

    // Until the credential rule drops them, Google's system parameters are tool inputs.
    let system = [
        "alt",
        "fields",
        "key",
        "oauth_token",
        "prettyPrint",
        "quotaUser",
        "userIp",
    ];
    let shown: Vec<&str> = system
        .into_iter()
        .filter(|name| p.get(*name).is_some())
        .collect();
    eprintln!("system parameters among calendar_events_list inputs: {shown:?}");
}

/// Runs the generator on a scratch Discovery document selecting `x.r.m`; returns its problems.
fn problems(name: &str, document: &Value) -> (PathBuf, alter_mcp_gen::Diagnostics) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen-discovery")
        .join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let spec = dir.join("discovery.json");
    std::fs::write(&spec, document.to_string()).expect("write");
    let allowlist =
        "provider = \"google\"\nspec = \"discovery.json\"\n\n[[tool]]\noperation = \"x.r.m\"\n";
    std::fs::write(dir.join("allowlist.toml"), allowlist).expect("write");
    let error = generate(dir.join("allowlist.toml")).expect_err("the case is invalid");
    (spec, error)
}

fn pointers(error: &alter_mcp_gen::Diagnostics) -> Vec<String> {
    error
        .iter()
        .map(|d| match &d.location.at {
            alter_mcp_gen::At::Pointer(p) => p.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn problems_point_into_the_discovery_document() {
    let mut document = json!({
        "kind": "discovery#restDescription",
        "schemas": {"A": {"type": "object", "properties": {"b": {"$ref": "Missing"}}}},
        "resources": {"r": {"methods": {"m": {
            "id": "x.r.m", "path": "m", "httpMethod": "POST", "request": {"$ref": "A"},
            "parameters": {"p": {"type": "string", "location": "path"}},
        }}}},
    });
    let (spec, error) = problems("no-root", &document);
    assert_eq!(pointers(&error), ["/rootUrl"], "{error}");
    assert!(error.iter().all(|d| d.location.file == spec));

    document["rootUrl"] = json!("https://x.googleapis.com/");
    // The path parameter `p` that path `m` has no place for is left out with a warning; the
    // dangling reference is an error.
    let (_, error) = problems("bad-parts", &document);
    assert_eq!(pointers(&error), ["/schemas/A/properties/b"], "{error}");
}

#[test]
fn a_document_of_the_wrong_shape_is_an_error_with_its_pointer() {
    let document = json!({"kind": "discovery#restDescription", "resources": ["r"]});
    let (spec, error) = problems("wrong-shape", &document);
    assert_eq!(pointers(&error), ["/resources"], "{error}");
    assert_eq!(error.iter().next().map(|d| &d.location.file), Some(&spec));
}

/// Each fixture with every member replaced by each wrong JSON type in turn, generated with its
/// allowlist: never a panic, and every problem names a file and says what to do.
#[test]
fn wrong_json_types_anywhere_are_reported_never_a_panic() {
    let wrong = [
        json!(null),
        json!(7),
        json!("x"),
        json!([]),
        json!({}),
        json!(true),
    ];
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen-discovery")
        .join("mutations");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let mut runs = 0;
    for construct in ["params", "bodies", "schemas"] {
        let fixture = Path::new("tests/fixtures/formats/discovery").join(construct);
        let text = std::fs::read_to_string(fixture.join("discovery.json")).expect("fixture");
        let original: Value = serde_json::from_str(&text).expect("JSON");
        let allowlist = fixture.join("allowlist.toml");
        std::fs::copy(&allowlist, dir.join("allowlist.toml")).expect("copy");
        let mut pointers = Vec::new();
        collect_pointers(&original, String::new(), &mut pointers);
        for pointer in &pointers {
            for value in &wrong {
                let mut doc = original.clone();
                if let Some(slot) = doc.pointer_mut(pointer) {
                    *slot = value.clone();
                }
                std::fs::write(dir.join("discovery.json"), doc.to_string()).expect("write");
                runs += 1;
                let Err(error) = generate(dir.join("allowlist.toml")) else {
                    continue;
                };
                for d in &error {
                    assert!(
                        d.help.as_deref().is_some_and(|h| !h.is_empty()),
                        "{pointer}: {d}"
                    );
                    assert!(d.location.file.starts_with(&dir), "{pointer}: {d}");
                }
            }
        }
    }
    assert!(runs > 300, "{runs}");
}

fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (format!("{at}/{}", escape(k)), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{at}/{i}"), v))
            .collect(),
        _ => Vec::new(),
    };
    for (pointer, child) in children {
        collect_pointers(child, pointer.clone(), out);
        out.push(pointer);
    }
}
