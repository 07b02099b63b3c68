//! The provider request: what a tool asks of the provider, as plain data. A generated tool
//! builds a [`ProviderRequest`] from its typed input: the [`Method`], the URL with its path
//! values encoded, query (in OpenAPI's styles), headers, and a body with its encoding (JSON,
//! form, multipart files from base64 arguments, raw text or bytes).
//!
//! May use `env` only; every layer above builds, checks or encodes requests with it.

mod encoding;
mod method;
mod provider_request;
pub(crate) mod upload;

pub use encoding::{BodyEncoding, EncodedBody, Style, scalar_to_string};
pub use method::Method;
pub use provider_request::ProviderRequest;
