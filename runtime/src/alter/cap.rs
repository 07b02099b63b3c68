//! Response size limits: answers are read as a stream and reading stops at the limit, so a
//! huge provider body is never held in memory whole; what was read is cut to the limit and
//! marked truncated, and the tool result says so.
//!
//! Proxy mode gets the body inside Alter's JSON envelope (`body_b64`, §4). The envelope read
//! is capped at the base64 size of the body limit plus headroom. If even that is exceeded, the
//! envelope cannot be parsed as JSON, so [`salvage_envelope`] takes `status_code` and `headers`
//! from before `body_b64` (the order Alter writes them) and decodes the base64 that arrived;
//! when that shape is not there, the answer is a clear error instead.

use base64::Engine as _;
use serde_json::Value;

/// Reads `response`'s body chunk by chunk, stopping after `max` bytes. Returns the bytes
/// (at most `max`) and whether the body was longer. Dropping the response on a cut closes
/// the connection, so the rest is never downloaded.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    max: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let expected = response.content_length().unwrap_or(0);
    let mut body = Vec::with_capacity(usize::try_from(expected).unwrap_or(max).min(max));
    while let Some(chunk) = response.chunk().await? {
        let room = max - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// Cuts `body` to at most `max` bytes; a cut text body ends at a whole UTF-8 character so it
/// stays readable. Returns whether anything was cut.
pub(crate) fn cut(body: &mut Vec<u8>, max: usize) -> bool {
    if body.len() <= max {
        return false;
    }
    body.truncate(max);
    end_at_char_boundary(body);
    true
}

/// Drops a trailing partial UTF-8 character (from a cut) from text; binary stays as it is.
pub(crate) fn end_at_char_boundary(body: &mut Vec<u8>) {
    if let Err(error) = std::str::from_utf8(body)
        && error.error_len().is_none()
    {
        body.truncate(error.valid_up_to());
    }
}

/// The parts of a proxy envelope that was cut short: status and headers, and the body bytes
/// decoded from the base64 that arrived. `None` when the envelope does not have that shape.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Salvaged {
    pub status_code: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub(crate) fn salvage_envelope(envelope: &[u8]) -> Option<Salvaged> {
    const KEY: &[u8] = b"\"body_b64\"";
    let at = envelope.windows(KEY.len()).position(|w| w == KEY)?;
    // Everything before `"body_b64"` is a JSON object missing its end: close it and parse.
    let head = std::str::from_utf8(&envelope[..at]).ok()?.trim_end();
    let head = head.strip_suffix(',').unwrap_or(head);
    let Value::Object(head) = serde_json::from_str(&format!("{head}}}")).ok()? else {
        return None;
    };
    let status_code = u16::try_from(head.get("status_code")?.as_u64()?).ok()?;
    let headers = match head.get("headers") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => map
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect(),
        Some(_) => return None,
    };
    let rest = std::str::from_utf8(&envelope[at + KEY.len()..]).ok()?;
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let b64 = rest.strip_prefix('"')?;
    let end = b64
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
        .unwrap_or(b64.len());
    // Whole 4-character groups only: a cut group does not decode.
    let whole = &b64[..end - end % 4];
    let body = base64::engine::general_purpose::STANDARD
        .decode(whole)
        .ok()?;
    Some(Salvaged {
        status_code,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_keeps_whole_characters() {
        let mut text = "aé".as_bytes().to_vec(); // 61 c3 a9
        assert!(cut(&mut text, 2));
        assert_eq!(text, b"a");
        let mut short = b"abc".to_vec();
        assert!(!cut(&mut short, 3));
        assert_eq!(short, b"abc");
        let mut binary = vec![0xff, 0xfe, 0xfd];
        assert!(cut(&mut binary, 2));
        assert_eq!(binary, [0xff, 0xfe], "binary is cut at the byte");
    }

    #[test]
    fn a_cut_envelope_keeps_status_headers_and_the_decoded_prefix() {
        let body = "{\"items\":[1,2,3]}".repeat(10);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&body);
        let envelope = format!(
            "{{\"status_code\": 200, \"headers\": {{\"content-type\": \"application/json\"}}, \"body_b64\": \"{b64}\", \"body_truncated\": false}}"
        );
        let cut_at = envelope.find("body_b64").unwrap() + 50;
        let salvaged = salvage_envelope(&envelope.as_bytes()[..cut_at]).unwrap();
        assert_eq!(salvaged.status_code, 200);
        assert_eq!(
            salvaged.headers,
            [("content-type".to_owned(), "application/json".to_owned())]
        );
        assert!(!salvaged.body.is_empty());
        assert!(body.as_bytes().starts_with(&salvaged.body));
        // Compact JSON, as serde writes it, works the same.
        let compact = format!("{{\"status_code\":404,\"headers\":{{}},\"body_b64\":\"{b64}");
        assert_eq!(
            salvage_envelope(compact.as_bytes()).unwrap().status_code,
            404
        );
    }

    #[test]
    fn other_shapes_are_not_salvaged() {
        for bad in [
            &b"{\"body_b64\": \"AAAA"[..],
            b"{\"status_code\": \"x\", \"body_b64\": \"AAAA",
            b"{\"status_code\": 200, \"headers\": 3, \"body_b64\": \"AAAA",
            b"<html>",
            b"{\"status_code\": 200, \"body_b64\": 12",
        ] {
            assert_eq!(
                salvage_envelope(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
