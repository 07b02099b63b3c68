//! Slack Web API answers (`https://slack.com/api/<method>`). Like the real API, failures are
//! mostly HTTP 200 with `{"ok": false, "error": "..."}`; an unknown method is a 404.

use serde_json::{Value, json};

use super::{Call, ProviderAnswer};

/// A channel id Slack answers `channel_not_found` for, to exercise `ok: false` handling.
pub const UNKNOWN_CHANNEL: &str = crate::SLACK_UNKNOWN_CHANNEL;
/// The timestamp Slack gives the posted message.
pub const POSTED_TS: &str = "1712345678.123456";
const BOT_USER: &str = "U07AGENT01";
const BOT_ID: &str = "B07AGENT01";
const TEAM: &str = "T01EXAMPLE";

pub(super) fn answer(segments: &[String], call: &Call) -> ProviderAnswer {
    let name = match segments {
        [api, name] if api == "api" => name.as_str(),
        _ => "",
    };
    let result = match name {
        "chat.postMessage" => post_message(call),
        "chat.update" => update(call),
        "chat.delete" => delete(call),
        "conversations.list" => Ok(conversations_list(call)),
        "conversations.history" => history(call),
        "users.info" => users_info(call),
        "reactions.add" => reactions_add(call),
        _ => {
            let body = json!({"ok": false, "error": "unknown_method", "req_method": name});
            return slack_json(404, &body);
        }
    };
    match result {
        Ok(body) => slack_json(200, &body),
        Err(code) => slack_json(200, &json!({"ok": false, "error": code})),
    }
}

fn slack_json(status: u16, body: &Value) -> ProviderAnswer {
    let mut answer = ProviderAnswer::json(status, body);
    answer.headers = vec![
        (
            "content-type".into(),
            "application/json; charset=utf-8".into(),
        ),
        (
            "x-slack-req-id".into(),
            "7f8e9d0c1b2a39485766aabbccddeeff".into(),
        ),
    ];
    answer
}

/// The channel argument; `channel_not_found` when missing or the unknown test channel.
fn channel(call: &Call) -> Result<String, &'static str> {
    match call.arg("channel") {
        Some(channel) if channel != UNKNOWN_CHANNEL => Ok(channel),
        _ => Err("channel_not_found"),
    }
}

fn bot_message(text: &str, ts: &str) -> Value {
    json!({
        "user": BOT_USER,
        "type": "message",
        "ts": ts,
        "bot_id": BOT_ID,
        "app_id": "A07AGENT01",
        "text": text,
        "team": TEAM,
        "bot_profile": {
            "id": BOT_ID,
            "app_id": "A07AGENT01",
            "name": "Alter Agent",
            "deleted": false,
            "team_id": TEAM,
        },
    })
}

fn post_message(call: &Call) -> Result<Value, &'static str> {
    let channel = channel(call)?;
    let has_content = ["blocks", "attachments"]
        .iter()
        .any(|field| call.arg(field).is_some());
    let text = call.arg("text").unwrap_or_default();
    if text.is_empty() && !has_content {
        return Err("no_text");
    }
    let mut message = bot_message(&text, POSTED_TS);
    if let Some(thread) = call.arg("thread_ts") {
        message["thread_ts"] = json!(thread);
    }
    Ok(json!({"ok": true, "channel": channel, "ts": POSTED_TS, "message": message}))
}

fn update(call: &Call) -> Result<Value, &'static str> {
    let channel = channel(call)?;
    let ts = call.arg("ts").ok_or("message_not_found")?;
    let text = call.arg("text").unwrap_or_default();
    Ok(json!({
        "ok": true,
        "channel": channel,
        "ts": ts,
        "text": text,
        "message": {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "text": text, "edited": {"user": BOT_USER, "ts": "1712345699.000200"}},
    }))
}

fn delete(call: &Call) -> Result<Value, &'static str> {
    let channel = channel(call)?;
    let ts = call.arg("ts").ok_or("message_not_found")?;
    Ok(json!({"ok": true, "channel": channel, "ts": ts}))
}

fn conversations_list(call: &Call) -> Value {
    let channel = |id: &str, name: &str, general: bool, members: u32, purpose: &str| {
        json!({
            "id": id, "name": name, "is_channel": true, "is_group": false, "is_im": false,
            "is_mpim": false, "is_private": false, "created": 1_609_459_200,
            "is_archived": false, "is_general": general, "name_normalized": name,
            "is_shared": false, "is_member": true, "num_members": members,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": purpose, "creator": "U01ALEXM01", "last_set": 1_609_459_200},
        })
    };
    let mut channels = vec![
        channel(
            "C0123456789",
            "general",
            true,
            42,
            "Company-wide announcements.",
        ),
        channel(
            "C0987654321",
            "eng-standup",
            false,
            12,
            "Async standup notes.",
        ),
        channel("C0246813579", "random", false, 40, "Non-work banter."),
    ];
    if let Some(Ok(limit @ 1..)) = call.arg("limit").map(|l| l.parse::<usize>()) {
        channels.truncate(limit);
    }
    json!({"ok": true, "channels": channels, "response_metadata": {"next_cursor": ""}})
}

fn history(call: &Call) -> Result<Value, &'static str> {
    channel(call)?;
    let message = |user: &str, text: &str, ts: &str| json!({"type": "message", "user": user, "text": text, "ts": ts, "team": TEAM});
    Ok(json!({
        "ok": true,
        "messages": [
            message("U01PRIYA01", "Deploy is green, shipping at 3pm.", "1712345600.000100"),
            message("U01ALEXM01", "Standup moved to 9:45 tomorrow.", "1712345500.000200"),
        ],
        "has_more": false,
        "pin_count": 0,
        "channel_actions_ts": null,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": ""},
    }))
}

fn users_info(call: &Call) -> Result<Value, &'static str> {
    let user = call.arg("user").ok_or("user_not_found")?;
    Ok(json!({
        "ok": true,
        "user": {
            "id": user, "team_id": TEAM, "name": "priya.shah", "deleted": false,
            "real_name": "Priya Shah", "tz": "Europe/Berlin", "tz_label": "Central European Time",
            "tz_offset": 3600, "is_admin": false, "is_owner": false, "is_bot": false,
            "updated": 1_712_000_000,
            "profile": {
                "real_name": "Priya Shah", "display_name": "priya", "title": "Staff Engineer",
                "email": "priya.shah@example.com",
                "image_72": "https://avatars.slack-edge.com/2024-01-01/priya_72.png",
            },
        },
    }))
}

fn reactions_add(call: &Call) -> Result<Value, &'static str> {
    channel(call)?;
    call.arg("timestamp").ok_or("no_item_specified")?;
    call.arg("name").ok_or("invalid_name")?;
    Ok(json!({"ok": true}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{ProviderUrl, answer as route, call_from};

    fn call(method: &str, url: &str, body: Value) -> (u16, Value) {
        let url = ProviderUrl::parse(url).unwrap();
        let call = call_from(method, &url, None, Some(&body));
        let answer = route(&url, &call);
        (answer.status, serde_json::from_slice(&answer.body).unwrap())
    }

    #[test]
    fn post_message_answers_like_slack() {
        let url = "https://slack.com/api/chat.postMessage";
        let (status, body) = call(
            "POST",
            url,
            json!({"channel": "C0123456789", "text": "hello"}),
        );
        assert_eq!(status, 200);
        assert_eq!(body["ok"], true);
        assert_eq!(body["ts"], POSTED_TS);
        assert_eq!(body["message"]["text"], "hello");
        let (_, body) = call(
            "POST",
            url,
            json!({"channel": UNKNOWN_CHANNEL, "text": "x"}),
        );
        assert_eq!(
            (body["ok"].as_bool(), body["error"].as_str()),
            (Some(false), Some("channel_not_found"))
        );
        let (_, body) = call("POST", url, json!({"channel": "C1"}));
        assert_eq!(body["error"], "no_text");
    }

    #[test]
    fn unknown_methods_are_404() {
        let (status, body) = call("POST", "https://slack.com/api/chat.nope", json!({}));
        assert_eq!(
            (status, body["error"].as_str()),
            (404, Some("unknown_method"))
        );
    }
}
