//! The agent key: a secret, checked locally for syntax (protocol §0) and never shown; and the
//! key derived from it for MCP task ids ([`TaskKey`]), derived here because only the agent
//! holds the key.
//!
//! Invariant: the key text leaves this module only through [`AgentKey::expose`], whose callers
//! are the signing-key derivation (`signing.rs`), the task-id-key derivation below and the
//! sensitive `x-api-key` header value. `Debug` and `Display` are redacted, and syntax errors
//! describe the problem without echoing the key.

use std::fmt;

use aws_lc_rs::error::Unspecified;
use aws_lc_rs::hmac;

use super::error::Error;

const LEGACY_PREFIX: &str = "alter_key_";
const LEGACY_LEN: usize = 40;
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const SCOPED_TYPES: [&str; 4] = ["rk", "ak", "dk", "pk"];
const SCOPED_RANDOM_LEN: usize = 22;
const CHECKSUM_LEN: usize = 6;

/// An Alter agent API key.
///
/// Accepted forms: legacy `alter_key_` + 40 of `[A-Za-z0-9_-]`, or scoped
/// `alter_<rk|ak|dk|pk>_<22 base32>_<6 base32 CRC-32 checksum>`.
#[derive(Clone, PartialEq, Eq)]
pub struct AgentKey(String);

impl AgentKey {
    /// Checks the key's syntax. The error never contains the key.
    pub fn new(key: impl Into<String>) -> Result<AgentKey, Error> {
        let key = key.into();
        match syntax_problem(&key) {
            None => Ok(AgentKey(key)),
            Some(problem) => Err(Error::config(format!(
                "the agent key is not a valid Alter key ({problem}); expected \
                 'alter_key_' plus 40 characters of [A-Za-z0-9_-], or \
                 'alter_<rk|ak|dk|pk>_<22 base32 characters>_<6-character checksum>' \
                 (the value is not shown)"
            ))),
        }
    }

    /// The key text, for the places that need it (see the module invariant).
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AgentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AgentKey(<redacted>)")
    }
}

impl fmt::Display for AgentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted agent key>")
    }
}

impl std::str::FromStr for AgentKey {
    type Err = Error;

    fn from_str(key: &str) -> Result<AgentKey, Error> {
        AgentKey::new(key)
    }
}

/// Domain separation: this key signs task ids and nothing else.
const TASK_KEY_LABEL: &[u8] = b"alter-mcp-task-id-v1";

/// `HMAC-SHA256(agent key, "alter-mcp-task-id-v1")`, derived once per agent: authenticates the
/// ids of approvals held as MCP tasks (`mcp/task_id.rs`), so that only a copy with the same
/// agent key accepts them.
pub(crate) struct TaskKey(hmac::Key);

impl TaskKey {
    pub(crate) fn derive(key: &AgentKey) -> TaskKey {
        let outer = hmac::Key::new(hmac::HMAC_SHA256, key.expose().as_bytes());
        let derived = hmac::sign(&outer, TASK_KEY_LABEL);
        TaskKey(hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()))
    }

    /// The MAC of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> hmac::Tag {
        hmac::sign(&self.0, message)
    }

    /// Checks `tag` against the MAC of `message`, in constant time.
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> Result<(), Unspecified> {
        hmac::verify(&self.0, message, tag)
    }
}

impl fmt::Debug for TaskKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TaskKey(<redacted>)")
    }
}

/// What is wrong with `key`, in words that reveal nothing of its content.
fn syntax_problem(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        return Some("it is empty");
    }
    if let Some(random) = key.strip_prefix(LEGACY_PREFIX) {
        if random.len() != LEGACY_LEN {
            return Some("a legacy key has exactly 40 characters after 'alter_key_'");
        }
        if !random
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Some("a legacy key uses only A-Z, a-z, 0-9, '-' and '_'");
        }
        return None;
    }
    let Some(rest) = key.strip_prefix("alter_") else {
        return Some("it does not start with 'alter_'");
    };
    let parts: Vec<&str> = rest.split('_').collect();
    let [key_type, random, checksum] = parts[..] else {
        return Some("a scoped key has four '_'-separated parts");
    };
    if !SCOPED_TYPES.contains(&key_type) {
        return Some("unknown key type");
    }
    let is_base32 = |s: &str| s.bytes().all(|b| BASE32.contains(&b));
    if random.len() != SCOPED_RANDOM_LEN || !is_base32(random) {
        return Some("the random part is not 22 lower-case base32 characters");
    }
    if checksum.len() != CHECKSUM_LEN || !is_base32(checksum) {
        return Some("the checksum is not 6 lower-case base32 characters");
    }
    if scoped_checksum(&format!("{key_type}:{random}")) != checksum {
        return Some("the checksum does not match; was the key copied incompletely?");
    }
    None
}

/// The backend's 6-character checksum: CRC-32 (zlib) of `type:random`, 5 bits per
/// character, least significant first.
fn scoped_checksum(body: &str) -> String {
    let crc = crc32(body.as_bytes());
    (0..CHECKSUM_LEN)
        .map(|i| BASE32[((crc >> (5 * i)) & 0x1f) as usize] as char)
        .collect()
}

/// CRC-32/ISO-HDLC, the zlib `crc32`; bitwise because keys are short and checked once.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGACY: &str = "alter_key_DOCexample000000000000000000000000000000";
    // Checksums computed with Python's zlib.crc32, as the official SDK does.
    const SCOPED: &str = "alter_ak_abcdefghijklmnopqrstuv_v7lnv3";
    const SCOPED_2: &str = "alter_rk_mzxw6ytboi2dkmzxw6ytbo_i66fcw";

    #[test]
    fn crc32_matches_zlib() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn accepts_both_formats() {
        for key in [LEGACY, SCOPED, SCOPED_2] {
            assert!(AgentKey::new(key).is_ok(), "{key}");
        }
    }

    #[test]
    fn rejects_bad_keys_without_echoing_them() {
        let bad = [
            "",
            "alter_key_short",
            "alter_key_DOCexample00000000000000000000000000000!",
            "sk_live_abcdefghijklmnopqrstuvwxyz0123456789",
            "alter_xx_abcdefghijklmnopqrstuv_v7lnv3",
            "alter_ak_abcdefghijklmnopqrstuw_v7lnv3",
            "alter_ak_abcdefghijklmnopqrstuv_v7lnv4",
            "alter_ak_ABCDEFGHIJKLMNOPQRSTUV_v7lnv3",
            "alter_ak_abcdefghijklmnopqrstuv",
        ];
        for key in bad {
            let error = AgentKey::new(key).expect_err(key);
            let shown = format!("{error} {error:?} {}", error.tool_message());
            assert!(key.is_empty() || !shown.contains(key), "{shown}");
            assert!(shown.contains("not a valid Alter key"), "{shown}");
        }
    }

    #[test]
    fn debug_and_display_are_redacted() {
        let key = AgentKey::new(LEGACY).unwrap();
        assert_eq!(format!("{key:?}"), "AgentKey(<redacted>)");
        assert!(!format!("{key}").contains("DOCexample"));
        assert_eq!(key.expose(), LEGACY);
    }
}
