//! The HTTP client of every job that goes on the network: `--download-media`
//! ([`crate::fetch`]) and `wxr check`'s fetcher ([`crate::check::net`]).
//!
//! It owns the ureq [`Agent`] (user agent, timeouts, no proxy from the
//! environment, wxr's own resolver), the one check of a header value
//! ([`check_header_value`], for the options sent as headers), name
//! resolution behind the [`Resolve`] trait (the system's, or a
//! [`MapResolver`] in tests) with the one
//! private-address rule, applied to every address connected to, redirects
//! included, unless [`Options::allow_private`]; the host classifications
//! made before any lookup ([`is_private_host`], [`is_reserved_host`]); the
//! classification of failures into [`ErrorKind`]s; and the one [`Retry`]
//! policy with its `Retry-After` parser. What a job does with a response
//! (files, redirect chains, pages) is the job's.
//!
//! Each job chooses `allow_private`: the audit fetches third-party URLs
//! found in comments and refuses private addresses unless
//! `--allow-private`; media downloads only ask the export's own site,
//! which may well be on the user's network or machine, so they allow them.

mod resolve;
mod retry;

pub use resolve::{DnsFailure, MapResolver, Resolve, SystemResolver, is_private_host, is_private_ip, is_reserved_host};
pub use retry::{ErrorKind, Retry, classify, classify_io, retry_after};

use resolve::{Looked, Resolver, lookup};
use std::sync::Arc;
use std::time::Duration;

/// The `User-Agent` of a job: the tool, its version and `purpose`.
pub fn user_agent(purpose: &str) -> String {
    format!("wxr/{} ({purpose})", env!("CARGO_PKG_VERSION"))
}

/// Whether `value` can be sent as the value of a header: no control
/// character but the tab (a line break would end the header, or start
/// another), as the HTTP client checks it. Every option that becomes a
/// header (`--user-agent`) is checked with it when it is parsed.
pub fn check_header_value(value: &str) -> Result<(), String> {
    ureq::http::HeaderValue::from_str(value)
        .map(drop)
        .map_err(|_| "a header value cannot hold a line break or another control character".to_string())
}

/// How to build an [`Agent`].
#[derive(Debug, Clone)]
pub struct Options {
    /// The `User-Agent`.
    pub user_agent: String,
    /// Deadline of one connection setup.
    pub connect_timeout: Duration,
    /// Deadline of the response headers of one request.
    pub response_timeout: Option<Duration>,
    /// Deadline of a whole request, redirects and body included (a request
    /// may set its own).
    pub total_timeout: Option<Duration>,
    /// Redirects ureq follows by itself (0: the caller follows them).
    pub max_redirects: u32,
    /// Connect to private and loopback addresses.
    pub allow_private: bool,
}

/// A ureq agent with wxr's resolver. Responses of any status are returned,
/// not turned into errors.
pub struct Agent {
    agent: ureq::Agent,
    user_agent: String,
    resolver: Arc<dyn Resolve>,
    looked: Looked,
}

impl Agent {
    /// An agent resolving names with `resolver`.
    pub fn new(resolver: Arc<dyn Resolve>, opts: &Options) -> Agent {
        let config = ureq::Agent::config_builder()
            // A proxy from the environment would resolve the names itself,
            // past the private-address rule and the DNS failure kinds.
            .proxy(None)
            .max_redirects(opts.max_redirects)
            .http_status_as_error(false)
            // Sent by each request instead (see `get`): the client would
            // panic on a value it cannot send.
            .user_agent(ureq::config::AutoHeaderValue::None)
            .timeout_connect(Some(opts.connect_timeout))
            .timeout_recv_response(opts.response_timeout)
            .timeout_global(opts.total_timeout)
            .build();
        let looked = Looked::default();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            Resolver {
                inner: resolver.clone(),
                allow_private: opts.allow_private,
                looked: looked.clone(),
            },
        );
        Agent {
            agent,
            user_agent: opts.user_agent.clone(),
            resolver,
            looked,
        }
    }

    /// A `GET` of `url` with the agent's `User-Agent`, to be sent with
    /// `.call()`. A `User-Agent` that [`check_header_value`] refuses makes
    /// the call fail.
    pub fn get(&self, url: &str) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
        self.agent.get(url).header("User-Agent", self.user_agent.as_str())
    }

    /// Looks up the host of `url` within `within`, ahead of the request
    /// about to be made, so that a hanging resolver cannot outlast the
    /// caller's deadline; the request then connects to these addresses
    /// (private ones are refused when it does). A URL without a host is
    /// left for the request to fail.
    pub fn resolve_within(&self, url: &str, within: Duration) -> Result<(), DnsFailure> {
        let Ok(u) = url::Url::parse(url) else { return Ok(()) };
        let Some(host) = u.host_str() else { return Ok(()) };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        let port = u.port_or_known_default().unwrap_or(80);
        let addrs = lookup(&self.resolver, &host, port, within)?;
        if let Ok(mut m) = self.looked.lock() {
            m.insert((host, port), addrs);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_agent_that_cannot_be_sent_fails_the_request() {
        assert!(check_header_value("wxr/1 (caf\u{e9}\tok)").is_ok());
        for bad in ["x\r\ny", "x\ny", "\u{7f}"] {
            assert!(check_header_value(bad).is_err(), "{bad:?}");
        }
        let agent = Agent::new(
            Arc::new(MapResolver::new()),
            &Options {
                user_agent: "x\r\ny".into(),
                connect_timeout: Duration::from_secs(1),
                response_timeout: None,
                total_timeout: None,
                max_redirects: 0,
                allow_private: true,
            },
        );
        assert!(agent.get("http://127.0.0.1:9/").call().is_err());
    }
}
