//! The id of an approval held as an MCP task (SEP-2663): everything `tasks/get` needs, carried
//! in the id itself and authenticated, so any copy of the server answers it and nothing lives
//! in one process's memory.
//!
//! Layout (version 1), then URL-safe base64 without padding:
//! `1 | created_at u64 | expires_at u64 | tool (u8 len) | approval id (u8 len) |
//!  approval URL (u16 len) | request URL (u16 len, may be empty) | MAC (32 bytes)`,
//! integers big-endian, times in Unix seconds. The MAC is HMAC-SHA-256 under [`TaskKey`] over
//! a label, the bytes before it, and the calling user (none, or the SHA-256 of their bearer
//! token), so the user is bound without being written into the id.
//!
//! Invariants:
//! - An id is accepted only with the key of the deployment that issued it (the agent key) and
//!   the same caller; anything changed, foreign or truncated is [`Refused`], never a panic,
//!   and decoding does no I/O. The MAC is checked (in constant time) before any field is
//!   trusted, expiry included.
//! - The id is not secret from its holder (base64 is not encryption): it shows the tool, the
//!   approval id and link, the request URL of a read and the times; it is unforgeable.
//! - Neither the agent key nor [`TaskKey`] is ever formatted.

use aws_lc_rs::{digest, hmac};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::alter::key::TaskKey;
use crate::alter::user_token::UserToken;

const VERSION: u8 = 1;
/// Prefixed to every MAC input, so a MAC of another kind can never pass for a task id's.
const MAC_LABEL: &[u8] = b"alter-mcp task id v1\0";
const MAC_LEN: usize = 32;
/// The longest approval link or request URL an id carries (ids travel in the `Mcp-Name`
/// HTTP header; load balancers refuse very long headers).
pub(crate) const MAX_URL_LEN: usize = 1024;
/// Longer text than any id this server writes: refused before decoding.
const MAX_ID_LEN: usize = 4096;

/// What a task id says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaskId {
    pub tool: String,
    pub approval_id: String,
    pub approval_url: String,
    /// The provider URL of a read (its `Link` headers are resolved against it); empty for
    /// other calls.
    pub request_url: String,
    pub created_at: u64,
    /// After this, the id is refused without asking Alter.
    pub expires_at: u64,
}

/// Why a task id was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Not an id this server writes (bad base64, wrong version, cut short).
    Malformed,
    /// Well formed, but the MAC does not match: changed, another caller's, or another
    /// deployment's. Which of these is deliberately not told.
    NotIssuedToCaller,
    /// Authentic, but past its `expires_at`.
    Expired { expired_at: u64 },
}

impl TaskId {
    /// The id text, bound to `user`. `None` when a field is too long to carry.
    pub(crate) fn encode(&self, key: &TaskKey, user: Option<&UserToken>) -> Option<String> {
        let mut bytes = vec![VERSION];
        bytes.extend_from_slice(&self.created_at.to_be_bytes());
        bytes.extend_from_slice(&self.expires_at.to_be_bytes());
        put_short(&mut bytes, &self.tool)?;
        put_short(&mut bytes, &self.approval_id)?;
        put_long(&mut bytes, &self.approval_url)?;
        put_long(&mut bytes, &self.request_url)?;
        let tag = mac(key, &bytes, user);
        bytes.extend_from_slice(tag.as_ref());
        Some(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Reads and authenticates `text` for `user` at Unix time `now`.
    pub(crate) fn decode(
        key: &TaskKey,
        text: &str,
        user: Option<&UserToken>,
        now: u64,
    ) -> Result<TaskId, Refused> {
        if text.len() > MAX_ID_LEN {
            return Err(Refused::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| Refused::Malformed)?;
        if bytes.len() <= MAC_LEN || bytes[0] != VERSION {
            return Err(Refused::Malformed);
        }
        let (signed, tag) = bytes.split_at(bytes.len() - MAC_LEN);
        let id = parse(signed).ok_or(Refused::Malformed)?;
        key.verify(&mac_input(signed, user), tag)
            .map_err(|_| Refused::NotIssuedToCaller)?;
        if now > id.expires_at {
            return Err(Refused::Expired {
                expired_at: id.expires_at,
            });
        }
        Ok(id)
    }
}

fn mac(key: &TaskKey, signed: &[u8], user: Option<&UserToken>) -> hmac::Tag {
    key.sign(&mac_input(signed, user))
}

/// Label, the id's bytes, then the caller: `0`, or `1` and the SHA-256 of their token.
fn mac_input(signed: &[u8], user: Option<&UserToken>) -> Vec<u8> {
    let mut input = Vec::with_capacity(MAC_LABEL.len() + signed.len() + 33);
    input.extend_from_slice(MAC_LABEL);
    input.extend_from_slice(signed);
    match user {
        None => input.push(0),
        Some(token) => {
            input.push(1);
            input.extend_from_slice(
                digest::digest(&digest::SHA256, token.expose().as_bytes()).as_ref(),
            );
        }
    }
    input
}

fn put_short(bytes: &mut Vec<u8>, text: &str) -> Option<()> {
    bytes.push(u8::try_from(text.len()).ok()?);
    bytes.extend_from_slice(text.as_bytes());
    Some(())
}

fn put_long(bytes: &mut Vec<u8>, text: &str) -> Option<()> {
    if text.len() > MAX_URL_LEN {
        return None;
    }
    bytes.extend_from_slice(&u16::try_from(text.len()).ok()?.to_be_bytes());
    bytes.extend_from_slice(text.as_bytes());
    Some(())
}

/// The fields of `signed` (version byte included); `None` unless they fill it exactly.
fn parse(signed: &[u8]) -> Option<TaskId> {
    let mut reader = Reader(signed.get(1..)?);
    let created_at = reader.u64()?;
    let expires_at = reader.u64()?;
    let tool = reader.short()?;
    let approval_id = reader.short()?;
    let approval_url = reader.long()?;
    let request_url = reader.long()?;
    reader.0.is_empty().then_some(TaskId {
        tool,
        approval_id,
        approval_url,
        request_url,
        created_at,
        expires_at,
    })
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }

    fn text(&mut self, n: usize) -> Option<String> {
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }

    /// Text after a one-byte length.
    fn short(&mut self) -> Option<String> {
        let n = self.u8()?;
        self.text(usize::from(n))
    }

    /// Text after a two-byte length.
    fn long(&mut self) -> Option<String> {
        let n = self.u16()?;
        self.text(usize::from(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alter::key::AgentKey;

    fn key(text: &str) -> TaskKey {
        TaskKey::derive(&AgentKey::new(text).unwrap())
    }

    const KEY: &str = "alter_key_DOCexample000000000000000000000000000000";
    const OTHER_KEY: &str = "alter_key_DOCexample000000000000000000000000000001";

    fn sample() -> TaskId {
        TaskId {
            tool: "send_slack".into(),
            approval_id: "11111111-2222-4333-8444-555555555555".into(),
            approval_url:
                "https://app.alterauth.com/approvals/11111111-2222-4333-8444-555555555555".into(),
            request_url: String::new(),
            created_at: 1_767_225_600,
            expires_at: 1_767_225_600 + 600,
        }
    }

    #[test]
    fn an_id_round_trips_for_its_caller_and_is_url_safe() {
        let user = UserToken::new("eyJ.user-a.sig");
        let mut id = sample();
        id.request_url =
            "https://www.googleapis.com/calendar/v3/calendars/primary/events?q=a".into();
        let text = id.encode(&key(KEY), Some(&user)).unwrap();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{text}"
        );
        let read = TaskId::decode(&key(KEY), &text, Some(&user), id.created_at).unwrap();
        assert_eq!(read, id);
        let anonymous = sample().encode(&key(KEY), None).unwrap();
        assert_eq!(
            TaskId::decode(&key(KEY), &anonymous, None, 0).unwrap(),
            sample()
        );
    }

    #[test]
    fn another_caller_another_deployment_or_anonymous_is_refused() {
        let user = UserToken::new("eyJ.user-a.sig");
        let text = sample().encode(&key(KEY), Some(&user)).unwrap();
        let now = sample().created_at;
        let other = UserToken::new("eyJ.user-b.sig");
        for (key, user) in [
            (key(KEY), Some(&other)),
            (key(KEY), None),
            (key(OTHER_KEY), Some(&user)),
        ] {
            assert_eq!(
                TaskId::decode(&key, &text, user, now),
                Err(Refused::NotIssuedToCaller)
            );
        }
        let anonymous = sample().encode(&key(KEY), None).unwrap();
        assert_eq!(
            TaskId::decode(&key(KEY), &anonymous, Some(&user), now),
            Err(Refused::NotIssuedToCaller),
            "an anonymous caller's task is not every user's"
        );
    }

    #[test]
    fn every_changed_byte_is_refused() {
        let text = sample().encode(&key(KEY), None).unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(&text).unwrap();
        for i in 0..bytes.len() {
            for flip in [0x01, 0x80] {
                let mut changed = bytes.clone();
                changed[i] ^= flip;
                let changed = URL_SAFE_NO_PAD.encode(&changed);
                let refused = TaskId::decode(&key(KEY), &changed, None, 0).unwrap_err();
                assert!(
                    matches!(refused, Refused::Malformed | Refused::NotIssuedToCaller),
                    "byte {i}: {refused:?}"
                );
            }
        }
        // A later expiry written in by hand is a changed id, not a longer-lived one.
        let mut later = bytes.clone();
        later[9..17].copy_from_slice(&u64::MAX.to_be_bytes());
        let later = URL_SAFE_NO_PAD.encode(&later);
        assert_eq!(
            TaskId::decode(&key(KEY), &later, None, 0),
            Err(Refused::NotIssuedToCaller)
        );
    }

    #[test]
    fn malformed_ids_are_refused_without_panicking() {
        let text = sample().encode(&key(KEY), None).unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(&text).unwrap();
        let mut cases: Vec<String> = vec![
            String::new(),
            "not base64!".into(),
            "a".repeat(MAX_ID_LEN + 1),
            URL_SAFE_NO_PAD.encode([VERSION]),
            text[..text.len() - 1].to_owned(),
        ];
        for cut in [1, 10, 40, bytes.len() - MAC_LEN] {
            cases.push(URL_SAFE_NO_PAD.encode(&bytes[..cut]));
        }
        let mut version = bytes.clone();
        version[0] = 2;
        cases.push(URL_SAFE_NO_PAD.encode(&version));
        for case in cases {
            let refused = TaskId::decode(&key(KEY), &case, None, 0).unwrap_err();
            assert!(
                matches!(refused, Refused::Malformed | Refused::NotIssuedToCaller),
                "{case:?}: {refused:?}"
            );
        }
    }

    #[test]
    fn an_authentic_id_past_its_expiry_is_refused_as_expired() {
        let id = sample();
        let text = id.encode(&key(KEY), None).unwrap();
        assert!(TaskId::decode(&key(KEY), &text, None, id.expires_at).is_ok());
        assert_eq!(
            TaskId::decode(&key(KEY), &text, None, id.expires_at + 1),
            Err(Refused::Expired {
                expired_at: id.expires_at
            })
        );
    }

    #[test]
    fn fields_too_long_to_carry_are_not_encoded() {
        let mut id = sample();
        id.approval_url = format!("https://a/{}", "x".repeat(MAX_URL_LEN));
        assert_eq!(id.encode(&key(KEY), None), None);
        let mut id = sample();
        id.tool = "t".repeat(256);
        assert_eq!(id.encode(&key(KEY), None), None);
    }

    #[test]
    fn the_key_never_shows() {
        let shown = format!("{:?}", key(KEY));
        assert!(!shown.contains("DOCexample"), "{shown}");
    }
}
