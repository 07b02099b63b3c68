//! Google Calendar v3 answers (`https://www.googleapis.com/calendar/v3/...`), shaped like the
//! real API's `Event`, `Events`, `CalendarList` and `FreeBusyResponse` resources.

use serde_json::{Value, json};

use super::{Call, ProviderAnswer};
use crate::util::{hex, random_bytes};

/// The signed-in user whose calendar the fake grant reaches.
pub const USER_EMAIL: &str = "alex.morgan@example.com";
const TIME_ZONE: &str = "Europe/Berlin";

pub(super) fn answer(segments: &[String], call: &Call) -> ProviderAnswer {
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = call.method.as_str();
    match (method, segments.as_slice()) {
        ("GET", ["calendar", "v3", "calendars", id, "events"]) => list_events(id, call),
        ("POST", ["calendar", "v3", "calendars", _, "events"]) => insert_event(call),
        ("POST", ["calendar", "v3", "calendars", _, "events", "quickAdd"]) => quick_add(call),
        ("GET", ["calendar", "v3", "calendars", _, "events", id]) => {
            ProviderAnswer::json(200, &event_with_id(id))
        }
        ("PATCH" | "PUT", ["calendar", "v3", "calendars", _, "events", id]) => {
            let mut event = event_with_id(id);
            merge(&mut event, call.body.as_ref());
            event["updated"] = json!("2026-01-12T10:02:17.318Z");
            event["sequence"] = json!(1);
            ProviderAnswer::json(200, &event)
        }
        ("DELETE", ["calendar", "v3", "calendars", _, "events", _]) => ProviderAnswer::empty(204),
        ("GET", ["calendar", "v3", "users", "me", "calendarList"]) => {
            ProviderAnswer::json(200, &calendar_list())
        }
        ("POST", ["calendar", "v3", "freeBusy"]) => free_busy(call),
        _ => error(404, "notFound", "Not Found"),
    }
}

/// Google's JSON error envelope.
fn error(code: u16, reason: &str, message: &str) -> ProviderAnswer {
    ProviderAnswer::json(
        code,
        &json!({
            "error": {
                "errors": [{"domain": "global", "reason": reason, "message": message}],
                "code": code,
                "message": message,
            }
        }),
    )
}

fn event(id: &str, summary: &str, start: &str, end: &str, extra: Value) -> Value {
    let mut event = json!({
        "kind": "calendar#event",
        "etag": "\"3412987654321000\"",
        "id": id,
        "status": "confirmed",
        "htmlLink": format!("https://www.google.com/calendar/event?eid={id}"),
        "created": "2026-01-05T09:12:44.000Z",
        "updated": "2026-01-05T09:12:44.517Z",
        "summary": summary,
        "creator": {"email": USER_EMAIL, "self": true},
        "organizer": {"email": USER_EMAIL, "self": true},
        "start": {"dateTime": start, "timeZone": TIME_ZONE},
        "end": {"dateTime": end, "timeZone": TIME_ZONE},
        "iCalUID": format!("{id}@google.com"),
        "sequence": 0,
        "reminders": {"useDefault": true},
        "eventType": "default",
    });
    merge(&mut event, Some(&extra));
    event
}

/// The events on the fake calendar.
fn canned_events() -> Vec<Value> {
    vec![
        event(
            "3q7k1m2n4p6r8s0t2v4x6z8b0d",
            "Daily standup",
            "2026-01-12T09:30:00+01:00",
            "2026-01-12T09:45:00+01:00",
            json!({
                "description": "Yesterday / today / blockers.",
                "location": "https://meet.google.com/abc-defg-hij",
                "recurringEventId": "3q7k1m2n4p6r8s0t2v4x6z8b0d",
                "attendees": [
                    {"email": USER_EMAIL, "organizer": true, "self": true, "responseStatus": "accepted"},
                    {"email": "priya.shah@example.com", "responseStatus": "accepted"},
                    {"email": "sam.lee@example.com", "responseStatus": "needsAction"}
                ],
            }),
        ),
        event(
            "5b1c3d5f7h9j1l3n5p7r9t1v3x",
            "1:1 with Priya",
            "2026-01-12T14:00:00+01:00",
            "2026-01-12T14:30:00+01:00",
            json!({
                "attendees": [
                    {"email": USER_EMAIL, "organizer": true, "self": true, "responseStatus": "accepted"},
                    {"email": "priya.shah@example.com", "responseStatus": "tentative"}
                ],
            }),
        ),
        event(
            "7d9f1h3j5l7n9p1r3t5v7x9z1b",
            "Quarterly planning review",
            "2026-01-14T10:00:00+01:00",
            "2026-01-14T11:30:00+01:00",
            json!({"location": "Room 4.12 (Berlin office)"}),
        ),
    ]
}

fn matches_query(event: &Value, query: &str) -> bool {
    let query = query.to_lowercase();
    ["summary", "description", "location"].iter().any(|field| {
        event[field]
            .as_str()
            .is_some_and(|text| text.to_lowercase().contains(&query))
    })
}

/// `events.list`: the canned events filtered by `q` (with one matching event made up when
/// nothing matches, so any query finds something), limited by `maxResults`.
fn list_events(calendar_id: &str, call: &Call) -> ProviderAnswer {
    let mut items = canned_events();
    if let Some(q) = call.query("q").filter(|q| !q.is_empty()) {
        items.retain(|event| matches_query(event, q));
        if items.is_empty() {
            items.push(event(
                "9f1h3j5l7n9p1r3t5v7x9z1b3d",
                &format!("{q} sync"),
                "2026-01-13T16:00:00+01:00",
                "2026-01-13T16:30:00+01:00",
                json!({}),
            ));
        }
    }
    match call.query("maxResults").map(str::parse::<usize>) {
        Some(Ok(max)) if max > 0 => items.truncate(max),
        Some(_) => return error(400, "invalid", "Invalid value for maxResults"),
        None => {}
    }
    let summary = if calendar_id == "primary" {
        USER_EMAIL
    } else {
        calendar_id
    };
    ProviderAnswer::json(
        200,
        &json!({
            "kind": "calendar#events",
            "etag": "\"p32ofplf7tvmqa0o\"",
            "summary": summary,
            "description": "",
            "updated": "2026-01-05T09:12:44.517Z",
            "timeZone": TIME_ZONE,
            "accessRole": "owner",
            "defaultReminders": [{"method": "popup", "minutes": 10}],
            "nextSyncToken": "CPjD0Yu1_IoDEPjD0Yu1_IoDGAUggICA6Oj0uQI=",
            "items": items,
        }),
    )
}

fn event_with_id(id: &str) -> Value {
    let mut event = canned_events().swap_remove(0);
    event["id"] = json!(id);
    event["htmlLink"] = json!(format!("https://www.google.com/calendar/event?eid={id}"));
    event["iCalUID"] = json!(format!("{id}@google.com"));
    event
}

fn new_event_id() -> String {
    hex(&random_bytes::<13>())
}

/// `events.insert`: Google requires `start` and `end`; the answer echoes the event with ids.
fn insert_event(call: &Call) -> ProviderAnswer {
    let Some(body @ Value::Object(_)) = call.body.as_ref() else {
        return error(400, "required", "Missing end time.");
    };
    for (field, message) in [
        ("end", "Missing end time."),
        ("start", "Missing start time."),
    ] {
        if !body.get(field).is_some_and(Value::is_object) {
            return error(400, "required", message);
        }
    }
    let id = new_event_id();
    let mut event = event(&id, "(No title)", "", "", json!({}));
    merge(&mut event, Some(body));
    ProviderAnswer::json(200, &event)
}

/// `events.quickAdd`: the `text` query parameter becomes the summary.
fn quick_add(call: &Call) -> ProviderAnswer {
    let Some(text) = call.query("text").filter(|t| !t.is_empty()) else {
        return error(400, "required", "Required parameter: text");
    };
    let event = event(
        &new_event_id(),
        text,
        "2026-01-13T12:00:00+01:00",
        "2026-01-13T13:00:00+01:00",
        json!({}),
    );
    ProviderAnswer::json(200, &event)
}

fn calendar_list() -> Value {
    let entry = |id: &str, summary: &str, role: &str, color: &str, extra: Value| {
        let mut entry = json!({
            "kind": "calendar#calendarListEntry",
            "etag": "\"1736069564517000\"",
            "id": id,
            "summary": summary,
            "timeZone": TIME_ZONE,
            "colorId": "14",
            "backgroundColor": color,
            "foregroundColor": "#000000",
            "selected": true,
            "accessRole": role,
            "defaultReminders": [],
            "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
        });
        merge(&mut entry, Some(&extra));
        entry
    };
    json!({
        "kind": "calendar#calendarList",
        "etag": "\"p33k9vbfhs6vmq0o\"",
        "nextSyncToken": "CKjL8YK1_IoDEhdhbGV4Lm1vcmdhbkBleGFtcGxlLmNvbQ==",
        "items": [
            entry(USER_EMAIL, USER_EMAIL, "owner", "#9fe1e7", json!({
                "primary": true,
                "defaultReminders": [{"method": "popup", "minutes": 10}],
            })),
            entry("c_8k2m4n6p8r0t2v4x6z8b0d2f4h@group.calendar.google.com", "Team holidays", "writer", "#f83a22", json!({})),
            entry("en.german#holiday@group.v.calendar.google.com", "Holidays in Germany", "reader", "#16a765", json!({
                "description": "Holidays and Observances in Germany",
            })),
        ],
    })
}

/// `freebusy.query`: one busy block per requested calendar.
fn free_busy(call: &Call) -> ProviderAnswer {
    let body = call.body.clone().unwrap_or(Value::Null);
    let (Some(min), Some(max)) = (body["timeMin"].as_str(), body["timeMax"].as_str()) else {
        return error(400, "required", "Missing timeMin or timeMax.");
    };
    let mut calendars = serde_json::Map::new();
    for item in body["items"].as_array().into_iter().flatten() {
        if let Some(id) = item["id"].as_str() {
            let busy = json!({"busy": [
                {"start": "2026-01-12T08:30:00Z", "end": "2026-01-12T08:45:00Z"},
                {"start": "2026-01-12T13:00:00Z", "end": "2026-01-12T13:30:00Z"}
            ]});
            calendars.insert(id.to_owned(), busy);
        }
    }
    ProviderAnswer::json(
        200,
        &json!({"kind": "calendar#freeBusy", "timeMin": min, "timeMax": max, "calendars": calendars}),
    )
}

/// Shallow merge of `patch`'s top-level fields into `target` (PATCH semantics).
fn merge(target: &mut Value, patch: Option<&Value>) {
    if let (Value::Object(target), Some(Value::Object(patch))) = (target, patch) {
        for (key, value) in patch {
            target.insert(key.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{ProviderUrl, answer as route, call_from};

    fn call(method: &str, url: &str, params: Value, body: Option<Value>) -> (u16, Value) {
        let url = ProviderUrl::parse(url).unwrap();
        let call = call_from(method, &url, Some(&params), body.as_ref());
        let answer = route(&url, &call);
        let value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        (answer.status, value)
    }

    const EVENTS: &str = "https://www.googleapis.com/calendar/v3/calendars/primary/events";

    #[test]
    fn list_filters_by_query_and_limits() {
        let (status, body) = call(
            "GET",
            EVENTS,
            json!({"q": "standup", "maxResults": 10}),
            None,
        );
        assert_eq!(status, 200);
        assert_eq!(body["kind"], "calendar#events");
        assert_eq!(body["items"].as_array().unwrap().len(), 1);
        assert_eq!(body["items"][0]["summary"], "Daily standup");
        let (_, body) = call("GET", EVENTS, json!({"q": "budget"}), None);
        assert_eq!(body["items"][0]["summary"], "budget sync");
        let (_, body) = call("GET", EVENTS, json!({"maxResults": 2}), None);
        assert_eq!(body["items"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn insert_requires_times_and_delete_is_empty() {
        let (status, body) = call("POST", EVENTS, json!({}), Some(json!({"summary": "x"})));
        assert_eq!(
            (status, body["error"]["message"].as_str()),
            (400, Some("Missing end time."))
        );
        let times = json!({"summary": "Lunch", "start": {"dateTime": "2026-01-13T12:00:00Z"}, "end": {"dateTime": "2026-01-13T13:00:00Z"}});
        let (status, body) = call("POST", EVENTS, json!({}), Some(times));
        assert_eq!((status, body["summary"].as_str()), (200, Some("Lunch")));
        let (status, _) = call("DELETE", &format!("{EVENTS}/abc"), json!({}), None);
        assert_eq!(status, 204);
    }

    #[test]
    fn unknown_paths_are_google_404s() {
        let (status, body) = call(
            "GET",
            "https://www.googleapis.com/calendar/v3/nope",
            json!({}),
            None,
        );
        assert_eq!((status, body["error"]["code"].as_u64()), (404, Some(404)));
    }
}
