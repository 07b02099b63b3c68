//! Telling the MCP client what a waiting tool call is waiting for: progress notifications
//! (when the request carried a progress token) and log messages, both carrying the approval
//! link, so a human can act while the call waits.
//!
//! Invariant: a notification that cannot be delivered never fails the call; it is logged.

use std::sync::atomic::{AtomicU8, Ordering};

use rmcp::model::ProgressNotificationParam;
use serde_json::json;

use super::call::Client;

/// The lowest MCP log level the client asked for (`logging/setLevel`), as a number from 0
/// (`debug`) to 7 (`emergency`). Until the client sets one, everything is sent.
#[derive(Debug, Default)]
pub(crate) struct LogLevel(AtomicU8);

/// The level of approval messages: `notice`, "normal but significant".
const NOTICE: u8 = 2;

impl LogLevel {
    /// Records the level the client asked for.
    #[allow(deprecated)] // MCP logging is deprecated by SEP-2577; older clients still use it.
    pub(crate) fn set(&self, level: rmcp::model::LoggingLevel) {
        use rmcp::model::LoggingLevel as L;
        let rank = match level {
            L::Debug => 0,
            L::Info => 1,
            L::Notice => 2,
            L::Warning => 3,
            L::Error => 4,
            L::Critical => 5,
            L::Alert => 6,
            L::Emergency => 7,
        };
        self.0.store(rank, Ordering::Relaxed);
    }

    fn wants_notices(&self) -> bool {
        self.0.load(Ordering::Relaxed) <= NOTICE
    }
}

/// Sends notifications about one call to its client.
#[derive(Debug)]
pub(crate) struct Notifier<'a> {
    client: Option<&'a Client>,
    log_level: &'a LogLevel,
    sent: u32,
}

impl<'a> Notifier<'a> {
    pub(crate) fn new(client: Option<&'a Client>, log_level: &'a LogLevel) -> Notifier<'a> {
        Notifier {
            client,
            log_level,
            sent: 0,
        }
    }

    /// A progress notification with `message`, when the client asked for progress. Clients
    /// that reset their request timeout on progress keep waiting while these arrive.
    pub(crate) async fn progress(&mut self, message: &str) {
        let Some(client) = self.client else { return };
        let Some(token) = client.progress_token.clone() else {
            return;
        };
        self.sent += 1;
        let param =
            ProgressNotificationParam::new(token, f64::from(self.sent)).with_message(message);
        if let Err(error) = client.peer.notify_progress(param).await {
            tracing::debug!(%error, "progress notification not delivered");
        }
    }

    /// A `notice` log message whose data is `message` plus `fields` (e.g. `approval_url`),
    /// unless the client asked for fewer messages.
    #[allow(deprecated)] // MCP logging is deprecated by SEP-2577; older clients still use it.
    pub(crate) async fn log(&self, message: &str, fields: serde_json::Value) {
        let Some(client) = self.client else { return };
        if !self.log_level.wants_notices() {
            return;
        }
        let mut data = json!({ "message": message });
        if let (Some(data), serde_json::Value::Object(fields)) = (data.as_object_mut(), fields) {
            data.extend(fields);
        }
        let mut param = rmcp::model::LoggingMessageNotificationParam::new(
            rmcp::model::LoggingLevel::Notice,
            data,
        );
        param.logger = Some("alter".to_owned());
        if let Err(error) = client.peer.notify_logging_message(param).await {
            tracing::debug!(%error, "log notification not delivered");
        }
    }
}
