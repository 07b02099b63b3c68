//! The tools we ship are generated from `specs/`, documents we write ourselves. Generated from
//! the providers' own documents with the same allowlist, they must come out the same: the same
//! tool names, the same inputs, the same types and the same required inputs. The only
//! differences allowed are listed below, each with its reason, and each must still occur (a
//! fixed difference must leave the list).

use std::path::{Path, PathBuf};

use alter_mcp_conformance::{ABSENT, UPSTREAM_DIR};
use serde_json::Value;

/// `(provider, upstream file, input path, why)`: a difference between our document and the
/// upstream one that is on purpose, for every tool where it occurs. Besides these, fields the
/// upstream document describes as "Read-only" in prose are `readOnly` in ours, so they are not
/// inputs there (checked from the upstream description, not listed).
#[rustfmt::skip]
const KNOWN: &[(&str, &str, &str, &str)] = &[
    // Google's Discovery document (revision 20261030) is newer than APIs.guru's OpenAPI
    // conversion, which our document follows (see its header).
    ("google-calendar", "discovery.json", "/birthdayProperties", "newer than our source"),
    ("google-calendar", "discovery.json", "/eventLabelId", "newer than our source"),
    ("google-calendar", "discovery.json", "/eventLabelVersion", "newer than our source"),
    ("google-calendar", "discovery.json", "/showOwnOrganizationOnly", "newer than our source"),
    // Untyped upstream; an object in ours, since strict clients flag an input that constrains
    // nothing, and Google sends `{}` there.
    ("google-calendar", "openapi.json", "/workingLocationProperties/homeOffice", "typed"),
    ("google-calendar", "discovery.json", "/workingLocationProperties/homeOffice", "typed"),
];

#[test]
fn google_calendar_tools_match_the_openapi_conversion() {
    compare("google-calendar", "openapi.json");
}

#[test]
fn google_calendar_tools_match_the_discovery_document() {
    compare("google-calendar", "discovery.json");
}

#[test]
fn slack_tools_match_the_openapi_conversion() {
    compare("slack", "openapi.json");
}

#[test]
fn slack_tools_match_the_swagger_document() {
    compare("slack", "swagger2.json");
}

/// One tool as the model sees it.
#[derive(Debug, PartialEq)]
struct Tool {
    name: String,
    schema: Value,
}

fn tools(allowlist: &Path) -> Vec<Tool> {
    let generated = alter_mcp_gen::generate(allowlist).unwrap_or_else(|d| panic!("{d}"));
    // The input schemas as `tools/list` serves them, from the generator's own data.
    generated
        .tools
        .iter()
        .map(|tool| Tool {
            name: tool.name.clone(),
            schema: serde_json::from_str(&tool.input_schema).expect("JSON Schema"),
        })
        .collect()
}

/// The allowlist of `specs/<provider>`, pointed at an upstream document instead.
fn allowlist_for(provider: &str, upstream: &Path) -> PathBuf {
    let ours = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(provider)
        .join("allowlist.toml");
    let text = std::fs::read_to_string(&ours).expect("our allowlist");
    let spec_line = text
        .lines()
        .find(|l| l.starts_with("spec = "))
        .expect("a spec line");
    let replaced = text.replace(
        spec_line,
        &format!("spec = {:?}", upstream.display().to_string()),
    );
    // `returns` projections name fields of our documents' responses; upstream's response
    // schemas are looser (Slack's `objs_user` is an array of `anyOf`), and this test compares
    // inputs, so they are left out here, and with them the size budget their lean outputs
    // keep (upstream's whole `Events` answer is over 16 KiB).
    let replaced: String = replaced
        .lines()
        .filter(|line| !line.starts_with("returns = "))
        .map(|line| format!("{line}\n"))
        .collect();
    let replaced = format!("schema_max_bytes = 1000000\n{replaced}");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("specs-vs-upstream")
        .join(provider);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let name = format!(
        "{}.toml",
        upstream.file_stem().unwrap_or_default().to_string_lossy()
    );
    std::fs::write(dir.join(&name), replaced).expect("written");
    dir.join(name)
}

fn compare(provider: &str, file: &str) {
    let Some(upstream) = UPSTREAM_DIR.map(Path::new) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs the upstream documents: {ABSENT:?}"
        );
        eprintln!("SKIPPED: the upstream documents are absent");
        return;
    };
    let ours_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(provider)
        .join("allowlist.toml");
    let ours = tools(&ours_path);
    let theirs = tools(&allowlist_for(
        provider,
        &upstream.join(provider).join(file),
    ));
    let names = |tools: &[Tool]| tools.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&theirs), "the same tools");
    let mut differences = Vec::new();
    for (a, b) in ours.iter().zip(&theirs) {
        differ(&a.name, "", &a.schema, &b.schema, &mut differences);
    }
    let known: Vec<&str> = KNOWN
        .iter()
        .filter(|k| k.0 == provider && k.1 == file)
        .map(|k| k.2)
        .collect();
    let read_only = |d: &Difference| {
        d.what == "only upstream"
            && d.upstream_description
                .to_ascii_lowercase()
                .contains("read-only")
    };
    let unexplained: Vec<&Difference> = differences
        .iter()
        .filter(|d| !known.contains(&d.at.as_str()) && !read_only(d))
        .collect();
    assert!(
        unexplained.is_empty(),
        "{provider}/{file}: unexplained differences:\n{unexplained:#?}"
    );
    for at in known {
        assert!(
            differences.iter().any(|d| d.at == at),
            "{provider}/{file}: `{at}` no longer differs; remove it from KNOWN"
        );
    }
}

#[derive(Debug)]
#[allow(dead_code, reason = "printed when a test fails")]
struct Difference {
    tool: String,
    at: String,
    what: String,
    upstream_description: String,
}

/// Where two input schemas differ in names, types or required-ness (descriptions, enums and
/// formats may differ: the documents are different snapshots of one API).
fn differ(tool: &str, at: &str, a: &Value, b: &Value, out: &mut Vec<Difference>) {
    let mut push = |what: String| {
        out.push(Difference {
            tool: tool.to_owned(),
            at: at.to_owned(),
            what,
            upstream_description: b["description"].as_str().unwrap_or_default().to_owned(),
        })
    };
    if a.get("type") != b.get("type") {
        push(format!("type {:?} vs {:?}", a.get("type"), b.get("type")));
        return;
    }
    let required = |s: &Value| {
        let mut r: Vec<String> = s["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        r.sort();
        r
    };
    let (ra, rb) = (required(a), required(b));
    if ra != rb {
        push(format!("required {ra:?} vs {rb:?}"));
    }
    if let (Some(pa), Some(pb)) = (a["properties"].as_object(), b["properties"].as_object()) {
        for (name, sa) in pa {
            let here = format!("{at}/{name}");
            match pb.get(name) {
                Some(sb) => differ(tool, &here, sa, sb, out),
                None => out.push(Difference {
                    tool: tool.to_owned(),
                    at: here,
                    what: "only in ours".to_owned(),
                    upstream_description: String::new(),
                }),
            }
        }
        for (name, sb) in pb.iter().filter(|(n, _)| !pa.contains_key(*n)) {
            out.push(Difference {
                tool: tool.to_owned(),
                at: format!("{at}/{name}"),
                what: "only upstream".to_owned(),
                upstream_description: sb["description"].as_str().unwrap_or_default().to_owned(),
            });
        }
    }
    if let (Some(ia), Some(ib)) = (a.get("items"), b.get("items")) {
        differ(tool, &format!("{at}[]"), ia, ib, out);
    }
}
