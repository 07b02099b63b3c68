//! What the model never sees: credentials (Alter injects them) and transport parameters the
//! runtime controls. Every parameter left out here is recorded in [`ir::Omitted`] with its
//! reason, so a tool never silently has fewer inputs than its operation.
//!
//! The rules, in order:
//! 1. a parameter matching an `apiKey` security scheme (`in` + `name`);
//! 2. the `Authorization` and `Proxy-Authorization` headers;
//! 3. a bearer token sent in the request (`access_token`, RFC 6750 §2.3; Google's `oauth_token`;
//!    Slack's `token`) in the query, a header or a form field, when the operation is secured by
//!    OAuth 2, OpenID Connect or HTTP authentication;
//! 4. Google APIs (a server on `googleapis.com`): the API `key`, and the system parameters
//!    (`alt`, `fields`, `prettyPrint`, ...) that change the response's shape or attribution;
//!    the tool always asks for the default JSON response of the whole resource;
//! 5. `Accept` and `Content-Type` headers, which OpenAPI says are ignored (the runtime sets them).
//!
//! An operation whose every way of authenticating needs a credential Alter cannot inject (an
//! API key in a cookie) is an error when it is selected.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement, SecurityScheme};

use super::Lowerer;
use crate::ir::{Body, BodyEncoding, OmitReason, Omitted, ParamIn};

/// Bearer-token names (rule 3).
const BEARER_NAMES: &[&str] = &["access_token", "oauth_token", "token"];

/// Google's system parameters (rule 4), from every Discovery document's top-level `parameters`.
const GOOGLE_SYSTEM: &[&str] = &[
    "$.xgafv",
    "alt",
    "callback",
    "fields",
    "prettyPrint",
    "quotaUser",
    "upload_protocol",
    "uploadType",
    "userIp",
];

/// Where a value travels, for the rules above (form fields are body properties).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Carrier {
    Param(ParamIn),
    FormField,
}

impl<'d> Lowerer<'d> {
    /// Why the value `name` sent as `carrier` is not a model input, if it is not.
    pub(super) fn omit_reason(
        &self,
        op: &'d openapiv3::Operation,
        carrier: Carrier,
        name: &str,
    ) -> Option<OmitReason> {
        let header = |wanted: &str| {
            carrier == Carrier::Param(ParamIn::Header) && name.eq_ignore_ascii_case(wanted)
        };
        if self.api_key_params().iter().any(|(location, key)| {
            carrier == Carrier::Param(*location)
                && (key == name || (*location == ParamIn::Header && key.eq_ignore_ascii_case(name)))
        }) || header("authorization")
            || header("proxy-authorization")
        {
            return Some(OmitReason::Credential);
        }
        let in_request = carrier != Carrier::Param(ParamIn::Path);
        if in_request && BEARER_NAMES.contains(&name) && self.uses_token_auth(op) {
            return Some(OmitReason::Credential);
        }
        if self.google && carrier == Carrier::Param(ParamIn::Query) {
            if name == "key" {
                return Some(OmitReason::Credential);
            }
            if GOOGLE_SYSTEM.contains(&name) {
                return Some(OmitReason::Transport);
            }
        }
        if header("accept") || header("content-type") {
            return Some(OmitReason::Transport);
        }
        None
    }

    /// Takes credential fields out of a form or multipart body (Slack's `token` form field).
    pub(super) fn omit_form_fields(
        &self,
        op: &'d openapiv3::Operation,
        body: Option<&mut Body>,
        omitted: &mut Vec<Omitted>,
    ) {
        let Some(Body::Fields {
            properties,
            encoding: BodyEncoding::Form | BodyEncoding::Multipart,
            ..
        }) = body
        else {
            return;
        };
        properties.retain(|property| {
            match self.omit_reason(op, Carrier::FormField, &property.name) {
                Some(reason) => {
                    omitted.push(Omitted {
                        name: property.name.clone(),
                        reason,
                    });
                    false
                }
                None => true,
            }
        });
    }

    /// `(location, name)` of every apiKey security scheme sent in a query or header.
    fn api_key_params(&self) -> Vec<(ParamIn, String)> {
        self.schemes()
            .filter_map(|(_, scheme)| match scheme {
                SecurityScheme::APIKey { location, name, .. } => match location {
                    APIKeyLocation::Query => Some((ParamIn::Query, name.clone())),
                    APIKeyLocation::Header => Some((ParamIn::Header, name.clone())),
                    APIKeyLocation::Cookie => None,
                },
                _ => None,
            })
            .collect()
    }

    fn schemes(&self) -> impl Iterator<Item = (&'d String, &'d SecurityScheme)> {
        self.doc
            .components
            .iter()
            .flat_map(|c| c.security_schemes.iter())
            .filter_map(|(name, scheme)| match scheme {
                ReferenceOr::Item(scheme) => Some((name, scheme)),
                ReferenceOr::Reference { .. } => None,
            })
    }

    /// The operation's security requirements, else the document's.
    fn requirements(&self, op: &'d openapiv3::Operation) -> &'d [SecurityRequirement] {
        op.security
            .as_deref()
            .or(self.doc.security.as_deref())
            .unwrap_or(&[])
    }

    /// The scopes of each security requirement that uses OAuth 2 or OpenID Connect, in
    /// document order; requirements with neither are left out (they need no scope).
    pub(super) fn oauth_scopes(&self, op: &'d openapiv3::Operation) -> Vec<Vec<String>> {
        let is_oauth = |name: &String| {
            self.schemes().any(|(scheme_name, scheme)| {
                scheme_name == name
                    && matches!(
                        scheme,
                        SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. }
                    )
            })
        };
        self.requirements(op)
            .iter()
            .filter(|requirement| requirement.keys().any(is_oauth))
            .map(|requirement| {
                let mut scopes: Vec<String> = Vec::new();
                for (_, list) in requirement.iter().filter(|(name, _)| is_oauth(name)) {
                    for scope in list {
                        if !scopes.contains(scope) {
                            scopes.push(scope.clone());
                        }
                    }
                }
                scopes
            })
            .collect()
    }

    /// Whether the operation authenticates with a token (OAuth 2, OpenID Connect, HTTP).
    fn uses_token_auth(&self, op: &'d openapiv3::Operation) -> bool {
        self.requirements(op)
            .iter()
            .flat_map(|r| r.keys())
            .any(|name| {
                self.schemes().any(|(scheme_name, scheme)| {
                    scheme_name == name
                        && matches!(
                            scheme,
                            SecurityScheme::OAuth2 { .. }
                                | SecurityScheme::OpenIDConnect { .. }
                                | SecurityScheme::HTTP { .. }
                        )
                })
            })
    }

    /// Reports a selected operation whose every security requirement needs a cookie credential.
    pub(super) fn check_injectable(&mut self, op: &'d openapiv3::Operation, pointer: &str) {
        let requirements = self.requirements(op);
        if requirements.is_empty() {
            return;
        }
        let cookie = |name: &String| {
            self.schemes().any(|(scheme_name, scheme)| {
                scheme_name == name
                    && matches!(
                        scheme,
                        SecurityScheme::APIKey {
                            location: APIKeyLocation::Cookie,
                            ..
                        }
                    )
            })
        };
        let blocked: Vec<&String> = requirements
            .iter()
            .filter_map(|r| r.keys().find(|name| cookie(name)))
            .collect();
        if blocked.len() == requirements.len() {
            let names: Vec<String> = blocked.iter().map(|n| format!("`{n}`")).collect();
            self.error(
                pointer,
                format!(
                    "the operation authenticates only with an API key in a cookie ({}), which Alter cannot inject",
                    names.join(", ")
                ),
                "Alter injects credentials as a header or query parameter; leave this operation out of the allowlist, or describe a header/query way to authenticate if the API has one",
            );
        }
    }
}

/// Whether a server URL is a Google API's (rule 4).
pub(super) fn is_google_server(url: &str) -> bool {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    let host = rest.to_ascii_lowercase();
    host == "googleapis.com" || host.ends_with(".googleapis.com")
}
