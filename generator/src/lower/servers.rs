//! Servers: the URL every tool of an operation calls. The allowlist's `base_url`, else the
//! operation's, path item's or document's first server, variables at their defaults. https as
//! it is; http only to a loopback host; plain http to any other host becomes https, with a
//! warning (a credential never travels in clear); anything else (none, relative, a templated
//! host) is an error asking for `base_url`.

use openapiv3::{PathItem, Server};

use super::{BaseUrl, Lowerer};
use crate::diagnostic::{Diagnostic, Location};

impl<'d> Lowerer<'d> {
    /// The allowlist's `base_url`, else the document's first server; `Err` holds the problem,
    /// reported only if an operation without its own servers needs it.
    pub(super) fn document_base(
        &self,
        base_url: Option<&BaseUrl>,
    ) -> Result<ServerUrl, Diagnostic> {
        if let Some(base) = base_url {
            return check_server_url(&base.url)
                .map(|checked| checked.at(base.location.clone(), "`base_url`"))
                .map_err(|why| {
                    Diagnostic::new(base.location.clone(), format!("`base_url` {why}"))
                        .help("use an absolute https URL, e.g. `https://api.example.com/v1`")
                });
        }
        match self.doc.servers.first() {
            Some(server) => check_server_url(&server_url(server))
                .map(|checked| checked.at(self.at("/servers/0/url"), "the server URL"))
                .map_err(|why| {
                    Diagnostic::new(self.at("/servers/0/url"), format!("the server URL {why}"))
                        .help("use an absolute https URL, or set `base_url = \"https://...\"` in the allowlist")
                }),
            None => Err(Diagnostic::new(self.at("/servers"), "the document names no server")
                .help("add `servers: [{url: \"https://...\"}]`, or set `base_url` in the allowlist")),
        }
    }

    /// The operation's servers, else the path item's, else the document base.
    pub(super) fn server(
        &mut self,
        op: &openapiv3::Operation,
        item: &PathItem,
        pointer: &str,
        item_pointer: &str,
        base: &Result<ServerUrl, Diagnostic>,
    ) -> Option<String> {
        let own = [(&op.servers, pointer), (&item.servers, item_pointer)];
        if let Some((servers, at)) = own.into_iter().find(|(s, _)| !s.is_empty()) {
            let url = servers.first().map(server_url).unwrap_or_default();
            let at = format!("{at}/servers/0/url");
            return match check_server_url(&url) {
                Ok(checked) => {
                    let server = checked.at(self.at(&at), "the server URL");
                    if let Some(warning) = server.warning {
                        self.warn(warning);
                    }
                    Some(server.url)
                }
                Err(why) => {
                    self.error(
                        &at,
                        format!("the server URL {why}"),
                        "use an absolute https URL",
                    );
                    None
                }
            };
        }
        match base {
            Ok(server) => {
                if let Some(warning) = &server.warning {
                    self.warn(warning.clone());
                }
                Some(server.url.clone())
            }
            Err(diagnostic) => {
                if !self.out.iter().any(|d| d == diagnostic) {
                    self.out.push(diagnostic.clone());
                }
                None
            }
        }
    }
}

/// A server's URL with its variables replaced by their defaults.
fn server_url(server: &Server) -> String {
    let mut url = server.url.clone();
    if let Some(variables) = &server.variables {
        for (name, variable) in variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    url
}

/// A server URL ready to use, and what to say about it.
pub(super) struct ServerUrl {
    url: String,
    warning: Option<Diagnostic>,
}

/// A checked server URL: https, or http to a loopback host; `upgraded_from`: the document
/// said plain `http://` to another host.
pub(super) struct Checked {
    pub(super) url: String,
    pub(super) upgraded_from: Option<String>,
}

impl Checked {
    /// The URL, with the upgrade warning pointing at `location` (`what` names it).
    fn at(self, location: Location, what: &str) -> ServerUrl {
        let warning = self.upgraded_from.map(|http| {
            Diagnostic::new(
                location,
                format!(
                    "{what} `{http}` is plain http: the tools call `{}` instead, so no \
                     credential travels in clear",
                    self.url
                ),
            )
            .help("if the API is served over https at another address, set `base_url` in the allowlist (`--base-url` with `--all`)")
        });
        ServerUrl {
            url: self.url,
            warning,
        }
    }
}

/// An absolute https URL without a trailing `/`, or an http one to a loopback host (a local
/// test server); http to any other host is upgraded to https. `Err` says what is wrong.
pub(super) fn check_server_url(url: &str) -> Result<Checked, String> {
    let url = url.trim().trim_end_matches('/');
    let scheme = |prefix: &str| {
        url.get(..prefix.len())
            .filter(|s| s.eq_ignore_ascii_case(prefix))
            .and_then(|_| url.get(prefix.len()..))
    };
    let (rest, http) = match (scheme("https://"), scheme("http://")) {
        (Some(rest), _) => (rest, false),
        (None, Some(rest)) => (rest, true),
        (None, None) => return Err(format!("`{url}` is not an absolute https URL")),
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || url.contains(['{', '}', '?', '#', ' ', '@']) {
        return Err(format!("`{url}` is not a usable server URL"));
    }
    if !http || is_loopback(host) {
        return Ok(Checked {
            url: url.to_owned(),
            upgraded_from: None,
        });
    }
    Ok(Checked {
        url: format!("https://{rest}"),
        upgraded_from: Some(url.to_owned()),
    })
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port (the hosts the runtime sends
/// plain http to).
fn is_loopback(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    )
}
