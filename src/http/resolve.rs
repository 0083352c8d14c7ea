//! Names to addresses: the [`Resolve`] trait with the system's resolver and
//! a map for tests, the private-address rule ([`is_private_ip`],
//! [`is_private_host`]) and the reserved-domain rule ([`is_reserved_host`]),
//! and the resolver ureq is given, which applies the rule to every address
//! it connects to.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

/// A name that resolved into a private or loopback range, refused.
#[derive(Debug)]
pub(super) struct PrivateRefused(IpAddr);

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

/// True for loopback, private (10/8, 172.16/12, 192.168/16), link-local
/// (169.254/16, fe80::/10), unspecified, CGNAT (100.64/10), unique local
/// (fc00::/7), 0.0.0.0/8 and broadcast addresses, local-use NAT64
/// (64:ff9b:1::/48), and the IPv6 forms that carry an IPv4 address to one
/// of them: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
/// NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || a == 0
                || (a == 100 && (64..=127).contains(&b))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let v4 = |hi: u16, lo: u16| std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
            let carried = match s {
                [0, 0, 0, 0, 0, 0xffff | 0, hi, lo] | [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] | [0x2002, hi, lo, ..] => {
                    Some(v4(hi, lo))
                }
                _ => None,
            };
            v6.is_loopback()
                || v6.is_unspecified()
                || s[0] & 0xfe00 == 0xfc00
                || s[0] & 0xffc0 == 0xfe80
                || s[..3] == [0x64, 0xff9b, 1]
                || carried.is_some_and(|v4| is_private_ip(IpAddr::V4(v4)))
        }
    }
}

/// A host without brackets, port or trailing dot, in lowercase.
fn bare_host(host: &str) -> String {
    let h = host.trim();
    let h = if let Some(rest) = h.strip_prefix('[') {
        rest.split_once(']').map_or(rest, |(inner, _)| inner)
    } else if h.matches(':').count() == 1 {
        h.split_once(':').map_or(h, |(name, _)| name)
    } else {
        h
    };
    let mut h = h.to_ascii_lowercase();
    if h.ends_with('.') {
        h.pop();
    }
    h
}

/// True for hosts that are `localhost`, end in `.localhost`, or are IP
/// literals (v4 or v6, brackets and a port allowed) that
/// [`is_private_ip`] calls private. IPv4 forms the URL parser accepts
/// (`0x7f.1`) count too. Used to refuse fetching staging copies before
/// any name is resolved.
pub fn is_private_host(host: &str) -> bool {
    let h = bare_host(host);
    if h.is_empty() {
        return false;
    }
    if let Ok(ip) = h.parse::<IpAddr>() {
        return is_private_ip(ip);
    }
    match url::Host::parse(&h) {
        Ok(url::Host::Ipv4(v4)) => is_private_ip(IpAddr::V4(v4)),
        Ok(url::Host::Ipv6(v6)) => is_private_ip(IpAddr::V6(v6)),
        Ok(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Err(_) => false,
    }
}

/// True for RFC 2606/6761 names: the host is, or ends in, `.test`,
/// `.example`, `.invalid`, `.localhost`, `example.com`, `example.net`,
/// `example.org` or `example.edu`.
pub fn is_reserved_host(host: &str) -> bool {
    let h = bare_host(host);
    [
        "test",
        "example",
        "invalid",
        "localhost",
        "example.com",
        "example.net",
        "example.org",
        "example.edu",
    ]
    .iter()
    .any(|name| h == *name || h.strip_suffix(name).is_some_and(|r| r.ends_with('.')))
}

/// Addresses looked up ahead of a request ([`super::Agent::resolve_within`]).
pub(super) type Looked = Arc<Mutex<HashMap<(String, u16), Vec<SocketAddr>>>>;

/// ureq's side of the resolver: hands ureq the addresses looked up ahead
/// of the request (under the caller's deadline), or looks them up itself
/// for a name it was not given (a redirect ureq follows), and refuses
/// private ones unless `allow_private`: the one place the rule is applied.
#[derive(Debug)]
pub(super) struct Resolver {
    pub(super) inner: Arc<dyn Resolve>,
    pub(super) allow_private: bool,
    pub(super) looked: Looked,
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
/// resolver hangs (as the system's may).
pub(super) fn lookup(
    inner: &Arc<dyn Resolve>,
    host: &str,
    port: u16,
    within: Duration,
) -> Result<Vec<SocketAddr>, DnsFailure> {
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
            // IPv4 carried in IPv6: compatible, NAT64, 6to4; local NAT64.
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::c0a8:101",
            "2002:7f00:1::",
            "2002:a9fe:a9fe::1",
            "64:ff9b:1::5db8:d822",
        ] {
            assert!(is_private_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "100.128.0.1",
            "2606:2800:220:1::1",
            "172.32.0.1",
            "64:ff9b::93.184.216.34",
            "2002:5db8:d822::1",
            "::ffff:93.184.216.34",
        ] {
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

    #[test]
    fn private_hosts() {
        for host in [
            "localhost",
            "LOCALHOST.",
            "dev.localhost",
            "localhost:8080",
            "127.0.0.1",
            "127.1.2.3:8080",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "0x7f.1",
            "2130706433",
            "::1",
            "[::1]",
            "[::1]:8080",
            "::",
            "[fe80::1]",
            "febf::1",
            "fc00::1",
            "fd12:3456::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_private_host(host), "{host:?} should be private");
        }
        for host in [
            "8.8.8.8",
            "172.15.0.1",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "169.255.0.1",
            "fec0::1",
            "fe00::1",
            "2606:4700::1",
            "[2606:4700::1]:443",
            "::ffff:8.8.8.8",
            "blog.example",
            "localhost.example.com",
            "notlocalhost",
            "",
        ] {
            assert!(!is_private_host(host), "{host:?} should not be private");
        }
    }

    #[test]
    fn reserved_hosts() {
        for host in [
            "test",
            "foo.test",
            "example",
            "blog.example",
            "x.invalid",
            "a.localhost",
            "example.com",
            "www.example.com",
            "EXAMPLE.ORG.",
            "example.net",
            "a.example.edu",
            "blog.example:8080",
        ] {
            assert!(is_reserved_host(host), "{host:?} should be reserved");
        }
        for host in [
            "notexample.com",
            "example.co",
            "testing.com",
            "contest",
            "blog.examples",
            "wordpress.org",
            "example.com.au",
            "",
        ] {
            assert!(!is_reserved_host(host), "{host:?} should not be reserved");
        }
    }
}
