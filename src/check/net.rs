//! The network phase of `wxr check`: fetching each pingback source page once.
//!
//! The HTTP client itself is [`crate::http`]'s (the agent, name resolution
//! behind [`Resolve`] with the private-address refusal, the failure
//! [`ErrorKind`]s, the retry policy and `Retry-After`). This module owns
//! what is the audit's: redirects followed by hand one hop at a time and
//! recorded with their status codes and cookies (loops are a repeated URL
//! *and* cookie state), one deadline per source spanning every hop and the
//! body (names resolved under it), a body cap applied after decompression,
//! and a pool of workers in which each host's sources are fetched one at a
//! time, an interval apart; and the [`probe`] that proves the network
//! works before a source that could not be reached is judged. What a page
//! says is [`super::page`]'s business.

use crate::http::{self, Retry};
use crate::http::{ErrorKind, Resolve};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
            user_agent: http::user_agent("WordPress pingback audit"),
            allow_private: false,
        }
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
    /// The wait the final response's `Retry-After` asks for.
    #[serde(skip)]
    pub retry_after: Option<Duration>,
}

impl Fetch {
    /// No answer came, for a reason a machine without a working network
    /// would give too ([`ErrorKind::on_the_way`]).
    pub fn failed_on_the_way(&self) -> bool {
        self.status.is_none() && self.error.as_ref().is_some_and(|e| e.kind.on_the_way())
    }

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
    agent: http::Agent,
    opts: NetOptions,
    retry: Retry,
}

impl Client {
    /// A client resolving names with `resolver`.
    pub fn new(resolver: Arc<dyn Resolve>, opts: NetOptions) -> Client {
        let agent = http::Agent::new(
            resolver,
            &http::Options {
                user_agent: opts.user_agent.clone(),
                connect_timeout: opts.connect_timeout,
                response_timeout: None,
                // Each request gets what is left of its source's deadline.
                total_timeout: None,
                max_redirects: 0,
                allow_private: opts.allow_private,
            },
        );
        let retry = Retry {
            retries: opts.retries,
            backoff: opts.backoff,
            max_retry_after: opts.max_retry_after,
        };
        Client { agent, opts, retry }
    }

    /// Fetches `url` with retries for transient failures.
    pub fn fetch(&self, url: &str) -> Fetch {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut f = self.chain(url);
            f.attempts = attempt;
            let wait = match (&f.error, f.status) {
                (Some(e), _) => self.retry.after_error(e.kind, attempt),
                (None, Some(status)) => self.retry.after_status(status, f.retry_after, attempt),
                (None, None) => None,
            };
            match wait {
                Some(w) => std::thread::sleep(w),
                None => return f,
            }
        }
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
            if let Err(e) = self.agent.resolve_within(&url, left) {
                return Fetch::failed(ErrorKind::from(&e), e.to_string(), hops);
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
                    let (kind, detail) = http::classify(&e, &url);
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
                retry_after: header("retry-after").and_then(|s| http::retry_after(&s)),
                hops,
                ..Fetch::default()
            };
            if (200..300).contains(&status) {
                let cap = self.opts.max_body;
                let mut reader = resp.body_mut().as_reader().take(cap.saturating_add(1));
                let mut body = Vec::new();
                if let Err(e) = reader.read_to_end(&mut body) {
                    let (kind, detail) = http::classify_io(&e, &url);
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

/// Proves that the network works before a source that could not be
/// reached is judged: `url` (`--probe-url`) looked up and requested as a
/// source is, redirects and retries included, on private and loopback
/// addresses too (the user named it). Any HTTP answer proves it; the
/// error says why none came.
pub fn probe(resolver: Arc<dyn Resolve>, opts: &NetOptions, url: &str) -> Result<(), String> {
    let client = Client::new(
        resolver,
        NetOptions {
            allow_private: true,
            ..opts.clone()
        },
    );
    let f = client.fetch(url);
    match f.error {
        Some(e) if f.hops.is_empty() => Err(e.detail),
        _ => Ok(()),
    }
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
