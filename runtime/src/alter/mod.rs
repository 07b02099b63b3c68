//! The Alter client: an [`Agent`](agent::Agent) holds the agent key and sends a provider
//! request through Alter, in proxy mode (`/sdk/proxy`, Alter calls the provider) or retrieve
//! mode (`/sdk/token`, then this process calls the provider and posts the audit row). It
//! signs every call, retries only what is safe to repeat, bounds every wait and read, reads a
//! held call's approval, carries the audit context (traces), and turns every answer into a
//! `ProviderResponse` or one typed, secret-free [`Error`](error::Error) with the text that
//! tells the model what to do.
//!
//! May use `env` and `request`; knows nothing of tools or MCP (the `Agent` alone is a public
//! Alter client).

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
