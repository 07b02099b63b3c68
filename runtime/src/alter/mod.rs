//! The Alter client: an [`Agent`](agent::Agent) holds the agent key and sends a provider
//! request through Alter (protocol §1–§9), in proxy mode (`/sdk/proxy`: Alter calls the
//! provider) or retrieve mode (`/sdk/token`, then this process calls the provider and posts the
//! audit row); it signs every call, retries what is safe to repeat, bounds every wait and read,
//! waits on human approvals, and maps every answer to a [`ProviderResponse`](response::ProviderResponse)
//! or one typed, secret-free [`Error`](error::Error) whose text tells the model what to do.
//!
//! Uses only `env` and `request`: it knows nothing of tools or MCP, so it serves any caller
//! (the `Agent` alone is a public Alter client).

pub(crate) mod agent;
pub(crate) mod cap;
pub(crate) mod context;
pub(crate) mod error;
pub(crate) mod error_text;
pub(crate) mod key;
pub(crate) mod limits;
pub(crate) mod mapping;
pub(crate) mod poll;
pub(crate) mod preflight;
pub(crate) mod proxy;
pub(crate) mod response;
pub(crate) mod retrieve;
pub(crate) mod retry;
pub(crate) mod signing;
pub mod trace;
pub(crate) mod user_token;
pub(crate) mod wire;
