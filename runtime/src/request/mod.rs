//! The provider request: what a tool asks of the provider, as plain data. A generated tool
//! builds a [`ProviderRequest`] from its typed input: the method, the URL with its path values
//! encoded, query, headers, and a body with its encoding (JSON, form, multipart files decoded
//! from base64 arguments, raw text or bytes).
//!
//! The lowest layer but `env`: it uses no other part of the crate, and every layer above
//! builds, checks or encodes requests with it.

mod encoding;
mod method;
mod provider_request;
pub(crate) mod upload;

pub use encoding::{BodyEncoding, EncodedBody, Style, scalar_to_string};
pub use method::Method;
pub use provider_request::ProviderRequest;
