//! A small unsigned control API under `/__test/`, for scripts and manual runs against the
//! `fake-alter` binary (in-process tests use [`crate::Backend`]'s methods instead):
//!
//! * `POST /__test/faults` with a fault spec (see `FaultSpec`) adds a fault rule;
//! * `DELETE /__test/faults` removes them all;
//! * `GET /__test/requests` lists what was recorded; `DELETE /__test/requests` forgets it;
//! * `GET /__test/traffic` says how many `/sdk/*` requests are in flight, the most at once, and
//!   how many were abandoned by their client.
//!
//! The backend only ever listens on 127.0.0.1, and the real backend has no such paths.

use serde_json::{Value, json};

use crate::backend::Shared;
use crate::endpoints::Answer;
use crate::faults::FaultSpec;
use crate::record::Recorded;

pub(crate) fn handle(shared: &Shared, method: &str, target: &str, body: &[u8]) -> Answer {
    let path = target.split('?').next().unwrap_or(target);
    match (method, path) {
        ("POST", "/__test/faults") => match serde_json::from_slice::<FaultSpec>(body)
            .map_err(|e| e.to_string())
            .and_then(|spec| spec.into_rule(shared.agent_id()))
        {
            Ok(rule) => {
                shared.add_fault(rule);
                Answer::json(201, &json!({"status": "added"}))
            }
            Err(message) => Answer::error(400, "invalid_fault", &message),
        },
        ("DELETE", "/__test/faults") => {
            shared.clear_faults();
            Answer::json(200, &json!({"status": "cleared"}))
        }
        ("GET", "/__test/requests") => {
            let list: Vec<Value> = shared.records().iter().map(summary).collect();
            Answer::json(200, &Value::Array(list))
        }
        ("GET", "/__test/traffic") => {
            let (in_flight, max_in_flight, abandoned) = shared.traffic();
            Answer::json(
                200,
                &json!({"in_flight": in_flight, "max_in_flight": max_in_flight, "abandoned": abandoned}),
            )
        }
        ("DELETE", "/__test/requests") => {
            shared.clear_records();
            Answer::json(200, &json!({"status": "cleared"}))
        }
        _ => Answer::json(404, &json!({"detail": "Not Found"})),
    }
}

/// A recorded request as JSON, without the agent key.
fn summary(record: &Recorded) -> Value {
    json!({
        "method": record.method,
        "path": record.path,
        "query": record.query,
        "endpoint": format!("{:?}", record.endpoint),
        "verified": record.verified,
        "status": record.status,
        "error": record.error,
        "faulted": record.faulted,
        "signature_v2": record.header("x-alter-signature-v2").is_some(),
        "context": record.context(),
        "body": record.json,
    })
}
