//! A loopback Alter backend for end-to-end tests: it verifies requests exactly as
//! `alter-protocol.md` says the real backend does, answers `/sdk/*` with realistic provider
//! responses, records everything, and plays scripted faults.
//!
//! ```no_run
//! # async fn demo() {
//! use alter_mcp_e2e::{Backend, Fault};
//! let backend = Backend::start().await;
//! // ALTER_BASE_URL = backend.base_url(), ALTER_MCP_AGENT_KEY = backend.key()
//! backend.fail_next(Fault::agent_revoked());
//! // ... drive a client ...
//! let calls = backend.proxy_calls();
//! # let _ = calls;
//! # }
//! ```

mod approvals;
mod backend;
pub mod client;
mod control;
mod endpoints;
mod faults;
pub mod providers;
mod record;
mod traffic;
mod users;
pub mod util;
mod validate;
pub mod verify;

pub use approvals::ApprovalPlan;
pub use backend::{Backend, BackendBuilder};
pub use endpoints::{expected_answer, grant_id};
pub use faults::{Fault, FaultRule};
pub use providers::ProviderAnswer;
pub use record::{Endpoint, Recorded};

/// The default agent key: the legacy format, `alter_key_` and 40 characters of `[A-Za-z0-9_-]`.
/// A test value with no meaning outside this backend.
pub const TEST_KEY: &str = "alter_key_e2eLoopbackTestKey_0123456789abcdef-XYZ0";

/// The agent id [`TEST_KEY`] belongs to.
pub const TEST_AGENT_ID: &str = "8d3f6a2e-4b1c-4e7d-9a5f-0c2b4d6e8f10";

/// A channel id the fake Slack answers `channel_not_found` for.
pub const SLACK_UNKNOWN_CHANNEL: &str = "C0NOTFOUND0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_key_has_the_legacy_format() {
        let rest = TEST_KEY.strip_prefix("alter_key_").expect("prefix");
        assert_eq!(rest.len(), 40);
        assert!(
            rest.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        );
        assert!(util::is_canonical_uuid(TEST_AGENT_ID));
    }
}
