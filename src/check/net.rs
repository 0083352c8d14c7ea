//! The network phase of `wxr check`: fetching each pingback source page once.
//!
//! This module owns the HTTP side: name resolution behind a [`Resolve`]
//! trait (the system's, or a map in tests, so that fixture URLs can use
//! real-looking names without any DNS), a refusal of private addresses
//! after resolution, redirects followed by hand one hop at a time and
//! recorded with their status codes and cookies (loops are a repeated URL
//! *and* cookie state), one deadline per source spanning every hop and the
//! body, a body cap applied after decompression, retries with backoff for
//! transient failures only (honouring `Retry-After`), and a pool of workers
//! in which each host's sources are fetched one at a time, an interval
//! apart. It classifies failures into [`ErrorKind`]s from typed errors;
//! what a page says is [`super::page`]'s business.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::io::{self, Read};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsFailure {
    /// The name does not exist.
    NxDomain(String),
    /// The resolver failed for now (no network, server failure, timeout).
    Temporary(String),
}

impl fmt::Display for DnsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsFailure::NxDomain(m) => write!(f, "no such host: {m}"),
            DnsFailure::Temporary(m) => write!(f, "name resolution failed: {m}"),
        }
    }
}

impl std::error::Error for DnsFailure {}

/// Turns host names into addresses.
pub trait Resolve: Send + Sync + fmt::Debug {
    /// The addresses of `host` (port `port`).
    fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, DnsFailure>;
    /// Whether this resolver answers for `host` itself (a test map): such
    /// hosts are exempt from the reserved-domain rule.
    fn serves(&self, _host: &str) -> bool {
        false
    }
}

/// The operating system's resolver (`getaddrinfo`). The standard library
/// gives no error code, so "does not exist" is told from "failed for now"
/// by glibc's messages.
#[derive(Debug, Default)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, DnsFailure> {
        match (host, port).to_socket_addrs() {
            Ok(addrs) => {
                let v: Vec<SocketAddr> = addrs.collect();
                if v.is_empty() {
                    Err(DnsFailure::NxDomain(format!("{host} has no address")))
                } else {
                    Ok(v)
                }
            }
            Err(e) => {
                let m = e.to_string();
                let lower = m.to_ascii_lowercase();
                // glibc's EAI_NONAME and EAI_NODATA. macOS says "nodename nor
                // servname provided, or not known" both for a missing name and
                // when offline, so that one stays a temporary failure.
                if (lower.contains("name or service not known") || lower.contains("no address associated"))
                    && !lower.contains("nodename nor servname")
                {
                    Err(DnsFailure::NxDomain(m))
                } else {
                    Err(DnsFailure::Temporary(m))
                }
            }
        }
    }
}

/// A resolver for tests: names map to local addresses, chosen names fail.
/// A name it does not know fails as non-existent and is recorded in
/// [`MapResolver::unknown`], so a test can prove nothing leaked.
#[derive(Debug, Default)]
pub struct MapResolver {
    map: HashMap<String, SocketAddr>,
    nxdomain: HashSet<String>,
    temporary: HashSet<String>,
    slow: HashMap<String, Duration>,
    /// Every name asked for that the map does not know.
    pub unknown: Mutex<Vec<String>>,
    /// Every name asked for.
    pub asked: Mutex<Vec<String>>,
}

impl MapResolver {
    /// An empty map.
    pub fn new() -> Self {
        MapResolver::default()
    }

    /// `host` (any port) resolves to `addr`.
    pub fn map(mut self, host: &str, addr: SocketAddr) -> Self {
        self.map.insert(host.to_ascii_lowercase(), addr);
        self
    }

    /// `host` does not exist.
    pub fn nxdomain(mut self, host: &str) -> Self {
        self.nxdomain.insert(host.to_ascii_lowercase());
        self
    }

    /// Resolving `host` fails for now.
    pub fn temporary(mut self, host: &str) -> Self {
        self.temporary.insert(host.to_ascii_lowercase());
        self
    }

    /// Resolving `host` takes `delay` before it answers.
    pub fn slow(mut self, host: &str, delay: Duration) -> Self {
        self.slow.insert(host.to_ascii_lowercase(), delay);
        self
    }
}

impl Resolve for MapResolver {
    fn resolve(&self, host: &str, _port: u16) -> Result<Vec<SocketAddr>, DnsFailure> {
        let host = host.to_ascii_lowercase();
        if let Ok(mut a) = self.asked.lock() {
            a.push(host.clone());
        }
        if let Some(d) = self.slow.get(&host) {
            std::thread::sleep(*d);
        }
        if let Some(addr) = self.map.get(&host) {
            return Ok(vec![*addr]);
        }
        if self.nxdomain.contains(&host) {
            return Err(DnsFailure::NxDomain(format!("{host}: Name or service not known")));
        }
        if self.temporary.contains(&host) {
            return Err(DnsFailure::Temporary(format!(
                "{host}: Temporary failure in name resolution"
            )));
        }
        if let Ok(mut u) = self.unknown.lock() {
            u.push(host.clone());
        }
        Err(DnsFailure::NxDomain(format!("{host} is not in the test resolver")))
    }

    fn serves(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.map.contains_key(&host)
            || self.nxdomain.contains(&host)
            || self.temporary.contains(&host)
            || self.slow.contains_key(&host)
    }
}

/// A source that resolved into a private or loopback range, refused.
#[derive(Debug)]
struct PrivateRefused(IpAddr);

impl fmt::Display for PrivateRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "resolves to the private address {} (--allow-private fetches it)",
            self.0
        )
    }
}

impl std::error::Error for PrivateRefused {}

/// True for loopback, private, link-local, shared and unspecified addresses.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private_ip(IpAddr::V4(v4)))
        }
    }
}

/// Addresses looked up by [`Client::lookup`] for the request being made.
type Looked = Arc<Mutex<HashMap<(String, u16), Vec<SocketAddr>>>>;

/// ureq's side of the resolver: hands ureq the addresses the client looked
/// up (under the source's deadline, private ones refused), or looks them
/// up itself for a name it was not given.
#[derive(Debug)]
struct Resolver {
    inner: Arc<dyn Resolve>,
    allow_private: bool,
    looked: Looked,
}

impl ureq::unversioned::resolver::Resolver for Resolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let host = uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") { 443 } else { 80 });
        let known = self
            .looked
            .lock()
            .ok()
            .and_then(|m| m.get(&(host.clone(), port)).cloned());
        let addrs = match known {
            Some(a) => a,
            None => {
                lookup(&self.inner, &host, port, *timeout.after).map_err(|e| ureq::Error::Io(io::Error::other(e)))?
            }
        };
        let mut out = self.empty();
        for a in addrs.into_iter().take(16) {
            if !self.allow_private && is_private_ip(a.ip()) {
                return Err(ureq::Error::Io(io::Error::other(PrivateRefused(a.ip()))));
            }
            out.push(a);
        }
        Ok(out)
    }
}

/// Resolves `host` on its own thread, so that `within` holds even when the
/// resolver hangs (as ureq's own resolver does).
fn lookup(inner: &Arc<dyn Resolve>, host: &str, port: u16, within: Duration) -> Result<Vec<SocketAddr>, DnsFailure> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let (inner, h) = (inner.clone(), host.to_string());
    std::thread::spawn(move || {
        let _ = tx.send(inner.resolve(&h, port));
    });
    rx.recv_timeout(within).unwrap_or_else(|_| {
        Err(DnsFailure::Temporary(format!(
            "{host}: no answer within {} ms",
            within.as_millis()
        )))
    })
}

/// How to fetch.
#[derive(Debug, Clone)]
pub struct NetOptions {
    /// Sources fetched at the same time (each host one at a time).
    pub concurrency: usize,
    /// Pause between two requests to the same host.
    pub host_interval: Duration,
    /// Deadline of one source: every hop, the body included.
    pub timeout: Duration,
    /// Deadline of one connection setup.
    pub connect_timeout: Duration,
    /// Retries after the first attempt, for transient failures.
    pub retries: u32,
    /// First wait before a retry; doubled each time.
    pub backoff: Duration,
    /// The longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// Redirect hops followed.
    pub max_redirects: u32,
    /// Bytes of body read, after decompression.
    pub max_body: u64,
    /// The `User-Agent`.
    pub user_agent: String,
    /// Fetch sources on private and loopback addresses.
    pub allow_private: bool,
}

impl Default for NetOptions {
    fn default() -> Self {
        NetOptions {
            concurrency: 8,
            host_interval: Duration::from_secs(1),
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            max_redirects: 10,
            max_body: 1 << 20,
            user_agent: format!("wxr/{} (WordPress pingback audit)", env!("CARGO_PKG_VERSION")),
            allow_private: false,
        }
    }
}

/// How a fetch failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The name does not exist.
    DnsNxdomain,
    /// Resolution failed for now.
    DnsError,
    /// The server refused the connection.
    ConnectRefused,
    /// Connecting took too long.
    ConnectTimeout,
    /// The connection was reset or closed early.
    ConnectionReset,
    /// TLS failed.
    Tls,
    /// The response did not complete in time.
    Timeout,
    /// The server did not speak HTTP properly.
    Protocol,
    /// More redirects than allowed.
    RedirectLimit,
    /// A redirect came back to a URL already visited, with the same cookies.
    RedirectLoop,
    /// A redirect without a usable `Location`.
    RedirectInvalid,
    /// The name resolves to a private address.
    PrivateAddress,
}

impl ErrorKind {
    /// Worth another attempt.
    fn transient(self) -> bool {
        matches!(
            self,
            ErrorKind::DnsError | ErrorKind::ConnectTimeout | ErrorKind::ConnectionReset | ErrorKind::Timeout
        )
    }

    /// Failed before reaching any server (the machine may be offline).
    pub fn unreachable(self) -> bool {
        matches!(
            self,
            ErrorKind::DnsNxdomain | ErrorKind::DnsError | ErrorKind::ConnectRefused | ErrorKind::ConnectTimeout
        )
    }
}

/// A failed fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchError {
    /// The class.
    pub kind: ErrorKind,
    /// The error as the client gave it.
    pub detail: String,
}

/// One request of a redirect chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// Its status.
    pub status: u16,
    /// Its `Location`, for a redirect.
    pub location: Option<String>,
}

/// What fetching one source gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fetch {
    /// Attempts made (retries included).
    pub attempts: u32,
    /// The failure, if it failed.
    pub error: Option<FetchError>,
    /// Every request, redirects included.
    pub hops: Vec<Hop>,
    /// The URL of the final response.
    pub final_url: Option<String>,
    /// The final status.
    pub status: Option<u16>,
    /// The final `Content-Type`.
    pub content_type: Option<String>,
    /// The final body, up to the cap (2xx responses only).
    #[serde(skip)]
    pub body: Vec<u8>,
    /// Bytes read.
    pub bytes_read: u64,
    /// More body than the cap.
    pub truncated: bool,
    /// `Retry-After` of the final response, in seconds.
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Fetch {
    fn failed(kind: ErrorKind, detail: impl Into<String>, hops: Vec<Hop>) -> Fetch {
        Fetch {
            error: Some(FetchError {
                kind,
                detail: detail.into(),
            }),
            hops,
            ..Fetch::default()
        }
    }
}

/// The HTTP client of a check.
pub struct Client {
    agent: ureq::Agent,
    opts: NetOptions,
    resolver: Arc<dyn Resolve>,
    looked: Looked,
}

impl Client {
    /// A client resolving names with `resolver`.
    pub fn new(resolver: Arc<dyn Resolve>, opts: NetOptions) -> Client {
        let config = ureq::Agent::config_builder()
            // A proxy from the environment would resolve the sources
            // itself, past the private-address check and the DNS codes.
            .proxy(None)
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(opts.user_agent.as_str())
            .timeout_connect(Some(opts.connect_timeout))
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
        Client {
            agent,
            opts,
            resolver,
            looked,
        }
    }

    /// Looks up the host of `url` within `left`, for the request about to
    /// be made (ureq gets the addresses through [`Resolver`]); a failure is
    /// the fetch's.
    fn prepare(&self, url: &str, left: Duration) -> Result<(), (ErrorKind, String)> {
        let Ok(u) = url::Url::parse(url) else { return Ok(()) };
        let Some(host) = u.host_str() else { return Ok(()) };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        let port = u.port_or_known_default().unwrap_or(80);
        let addrs = lookup(&self.resolver, &host, port, left).map_err(|e| match e {
            DnsFailure::NxDomain(_) => (ErrorKind::DnsNxdomain, e.to_string()),
            DnsFailure::Temporary(_) => (ErrorKind::DnsError, e.to_string()),
        })?;
        // Private addresses are refused where ureq takes them, in Resolver.
        if let Ok(mut m) = self.looked.lock() {
            m.insert((host, port), addrs);
        }
        Ok(())
    }

    /// Fetches `url` with retries for transient failures.
    pub fn fetch(&self, url: &str) -> Fetch {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut f = self.chain(url);
            f.attempts = attempt;
            let wait = match (&f.error, f.status) {
                (Some(e), _) if e.kind.transient() => Some(self.backoff(attempt, None)),
                // One confirmation of a name that does not exist.
                (Some(e), _) if e.kind == ErrorKind::DnsNxdomain && attempt == 1 => Some(self.opts.backoff),
                (None, Some(408 | 429 | 500 | 502 | 503 | 504)) => Some(self.backoff(attempt, f.retry_after)),
                _ => None,
            };
            match wait {
                Some(w) if attempt <= self.opts.retries => std::thread::sleep(w),
                _ => return f,
            }
        }
    }

    /// The wait before retry `attempt`: the server's `Retry-After` (capped),
    /// else the backoff doubled per attempt with ±20% jitter.
    fn backoff(&self, attempt: u32, retry_after: Option<u64>) -> Duration {
        if let Some(s) = retry_after {
            return Duration::from_secs(s).min(self.opts.max_retry_after);
        }
        let base = self.opts.backoff * 2u32.saturating_pow(attempt.saturating_sub(1)).min(64);
        // Jitter from the clock's nanoseconds: no need for a random generator.
        let nanos = u64::from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos()),
        );
        let jitter = 0.8 + (nanos % 400) as f64 / 1000.0;
        base.mul_f64(jitter)
    }

    /// One attempt: the redirect chain and the final body.
    fn chain(&self, start: &str) -> Fetch {
        let deadline = Instant::now() + self.opts.timeout;
        let mut hops: Vec<Hop> = Vec::new();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        // Cookies by host: a redirect to another site does not get them.
        let mut jar: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut url = start.to_string();
        loop {
            let host = url::Url::parse(&url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
                .unwrap_or_default();
            let cookies = jar
                .iter()
                .filter(|((h, _), _)| *h == host)
                .map(|((_, k), v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            if !seen.insert((url.clone(), cookies.clone())) {
                return Fetch::failed(ErrorKind::RedirectLoop, format!("{url} again"), hops);
            }
            let Some(left) = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) else {
                return Fetch::failed(ErrorKind::Timeout, "the deadline passed during redirects", hops);
            };
            if let Err((kind, detail)) = self.prepare(&url, left) {
                return Fetch::failed(kind, detail, hops);
            }
            let mut req = self
                .agent
                .get(&url)
                .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1");
            if !cookies.is_empty() {
                req = req.header("Cookie", &cookies);
            }
            let resp = req.config().timeout_global(Some(left)).build().call();
            let mut resp = match resp {
                Ok(r) => r,
                Err(e) => {
                    let (kind, detail) = classify(&e, &url);
                    return Fetch::failed(kind, detail, hops);
                }
            };
            let status = resp.status().as_u16();
            for v in resp.headers().get_all("set-cookie") {
                if let Some((k, v)) = v
                    .to_str()
                    .ok()
                    .and_then(|c| c.split(';').next())
                    .and_then(|c| c.split_once('='))
                {
                    jar.insert((host.clone(), k.trim().to_string()), v.trim().to_string());
                }
            }
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            if (300..400).contains(&status) && status != 304 {
                let location = header("location");
                hops.push(Hop {
                    url: url.clone(),
                    status,
                    location: location.clone(),
                });
                let Some(location) = location else {
                    return Fetch::failed(ErrorKind::RedirectInvalid, format!("{status} without Location"), hops);
                };
                let next = url::Url::parse(&url).and_then(|base| base.join(location.trim()));
                let next = match next {
                    Ok(n) if !n.username().is_empty() || n.password().is_some() => {
                        return Fetch::failed(ErrorKind::RedirectInvalid, "redirect to a URL with credentials", hops);
                    }
                    Ok(n) if matches!(n.scheme(), "http" | "https") => n,
                    Ok(n) => {
                        return Fetch::failed(
                            ErrorKind::RedirectInvalid,
                            format!("redirect to a {} URL", n.scheme()),
                            hops,
                        );
                    }
                    Err(e) => {
                        return Fetch::failed(ErrorKind::RedirectInvalid, format!("Location {location:?}: {e}"), hops);
                    }
                };
                if hops.len() > self.opts.max_redirects as usize {
                    return Fetch::failed(
                        ErrorKind::RedirectLimit,
                        format!("more than {} redirects", self.opts.max_redirects),
                        hops,
                    );
                }
                url = next.to_string();
                continue;
            }
            hops.push(Hop {
                url: url.clone(),
                status,
                location: None,
            });
            let mut f = Fetch {
                final_url: Some(url.clone()),
                status: Some(status),
                content_type: header("content-type"),
                retry_after: header("retry-after").and_then(|s| retry_after(&s)),
                hops,
                ..Fetch::default()
            };
            if (200..300).contains(&status) {
                let cap = self.opts.max_body;
                let mut reader = resp.body_mut().as_reader().take(cap.saturating_add(1));
                let mut body = Vec::new();
                if let Err(e) = reader.read_to_end(&mut body) {
                    let (kind, detail) = classify_io(&e, &url);
                    f.error = Some(FetchError { kind, detail });
                }
                f.bytes_read = body.len() as u64;
                if f.bytes_read > cap {
                    f.truncated = true;
                    body.truncate(cap as usize);
                    f.bytes_read = cap;
                }
                f.body = body;
            }
            return f;
        }
    }
}

/// `Retry-After` in seconds: a number, or an HTTP date.
fn retry_after(v: &str) -> Option<u64> {
    let v = v.trim();
    if let Ok(n) = v.parse() {
        return Some(n);
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some(
        u64::try_from(when.timestamp())
            .unwrap_or(0)
            .saturating_sub(super::epoch_secs()),
    )
}

/// Classifies a client error, from its type wherever ureq gives one.
fn classify(e: &ureq::Error, url: &str) -> (ErrorKind, String) {
    use ureq::Timeout as T;
    let detail = e.to_string();
    let kind = match e {
        ureq::Error::Timeout(T::Connect) => ErrorKind::ConnectTimeout,
        ureq::Error::Timeout(T::Resolve) => ErrorKind::DnsError,
        ureq::Error::Timeout(_) => ErrorKind::Timeout,
        ureq::Error::HostNotFound => ErrorKind::DnsNxdomain,
        ureq::Error::Io(io) => return classify_io(io, url),
        ureq::Error::ConnectionFailed => ErrorKind::ConnectRefused,
        ureq::Error::TooManyRedirects => ErrorKind::RedirectLimit,
        ureq::Error::Tls(_) => ErrorKind::Tls,
        _ => ErrorKind::Protocol,
    };
    (kind, detail)
}

fn classify_io(e: &io::Error, url: &str) -> (ErrorKind, String) {
    if let Some(inner) = e.get_ref() {
        if let Some(d) = inner.downcast_ref::<DnsFailure>() {
            let kind = match d {
                DnsFailure::NxDomain(_) => ErrorKind::DnsNxdomain,
                DnsFailure::Temporary(_) => ErrorKind::DnsError,
            };
            return (kind, d.to_string());
        }
        if let Some(p) = inner.downcast_ref::<PrivateRefused>() {
            return (ErrorKind::PrivateAddress, p.to_string());
        }
    }
    let detail = e.to_string();
    let tls = url.starts_with("https:")
        && (e.kind() == io::ErrorKind::InvalidData || format!("{e:?}").to_ascii_lowercase().contains("rustls"));
    let kind = match e.kind() {
        _ if tls => ErrorKind::Tls,
        io::ErrorKind::ConnectionRefused => ErrorKind::ConnectRefused,
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::UnexpectedEof
        | io::ErrorKind::NotConnected => ErrorKind::ConnectionReset,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ErrorKind::Timeout,
        _ if detail.to_ascii_lowercase().contains("timed out") || detail.contains("timeout") => ErrorKind::Timeout,
        _ => ErrorKind::Protocol,
    };
    (kind, detail)
}

/// Fetches every URL once: `opts.concurrency` workers, each taking one
/// host's URLs at a time and fetching them in turn, `host_interval` apart.
/// `done` counts finished sources (for a progress bar).
pub fn fetch_all(client: &Client, urls: &[String], done: Option<&AtomicU64>) -> BTreeMap<String, Fetch> {
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in urls {
        let host = url::Url::parse(u)
            .ok()
            .and_then(|p| p.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        by_host.entry(host).or_default().push(u.clone());
    }
    let queue: Mutex<VecDeque<Vec<String>>> = Mutex::new(by_host.into_values().collect());
    let results: Mutex<BTreeMap<String, Fetch>> = Mutex::new(BTreeMap::new());
    let workers = client.opts.concurrency.max(1).min(urls.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let group = match queue.lock() {
                        Ok(mut q) => q.pop_front(),
                        Err(_) => None,
                    };
                    let Some(group) = group else { break };
                    for (n, u) in group.iter().enumerate() {
                        if n > 0 {
                            std::thread::sleep(client.opts.host_interval);
                        }
                        let f = client.fetch(u);
                        if let Ok(mut r) = results.lock() {
                            r.insert(u.clone(), f);
                        }
                        if let Some(d) = done {
                            d.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "100.128.0.1", "2606:2800:220:1::1", "172.32.0.1"] {
            assert!(!is_private_ip(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn the_map_resolver_records_unknown_names() {
        let r = MapResolver::new()
            .map("a.test", "127.0.0.1:9".parse().unwrap())
            .nxdomain("gone.test");
        assert!(r.resolve("A.test", 80).is_ok());
        assert!(matches!(r.resolve("gone.test", 80), Err(DnsFailure::NxDomain(_))));
        assert!(r.resolve("leak.example", 80).is_err());
        assert_eq!(*r.unknown.lock().unwrap(), ["leak.example"]);
        assert!(r.serves("gone.test") && !r.serves("leak.example"));
    }
}
