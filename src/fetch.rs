//! HTTP downloads (`--download-media`): one [`crate::http`] agent shared by
//! a bounded pool of worker threads, retries by the HTTP client's policy
//! (transient failures, `429` and some `5xx`, honouring `Retry-After`), and
//! each file written as every output is ([`crate::output`]: a temporary
//! file beside it, renamed when complete), so an interrupted run resumes by
//! skipping the files already there. A file is fetched only from a
//! public address unless private ones are allowed (the HTTP client's
//! private-address rule, redirects included), only from the host it names
//! (a redirect may change the scheme or `www.`, not the site), and up to a
//! size limit (after decompression: a small gzip-encoded "image" may
//! inflate to gigabytes).

use crate::http::{self, ErrorKind, Resolve, Retry, SystemResolver};
use crate::output::{Durability, Output};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One file to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// Where it is.
    pub url: String,
    /// Where it goes.
    pub dest: PathBuf,
}

/// What became of one download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Downloaded now.
    Fetched {
        /// Its size.
        bytes: u64,
        /// Requests made (more than 1 after retries).
        attempts: u32,
    },
    /// Already there from an earlier run: not requested.
    Present,
    /// Not downloaded.
    Failed {
        /// Why, for the report.
        error: String,
        /// Requests made.
        attempts: u32,
    },
}

/// How to download.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Downloads at the same time.
    pub jobs: usize,
    /// When to try a file again.
    pub retry: Retry,
    /// How names are resolved.
    pub resolver: Arc<dyn Resolve>,
    /// Connect to private and loopback addresses (an old site on this
    /// machine or the local network). Off by default: an export names any
    /// URL it likes as an attachment's.
    pub allow_private: bool,
    /// The largest file written, in bytes (after decompression).
    pub max_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            jobs: 4,
            retry: Retry {
                retries: 3,
                backoff: Duration::from_millis(500),
                max_retry_after: Duration::from_secs(60),
            },
            resolver: Arc::new(SystemResolver),
            allow_private: false,
            max_bytes: 256 << 20,
        }
    }
}

/// Downloads every file of `list`, `settings.jobs` at a time, calling
/// `done` after each. The outcomes are in the order of `list`.
pub fn download_all(list: &[Download], settings: &Settings, done: &(dyn Fn() + Sync)) -> Vec<Outcome> {
    let agent = http::Agent::new(
        settings.resolver.clone(),
        &http::Options {
            user_agent: http::user_agent("WordPress export migration"),
            connect_timeout: Duration::from_secs(15),
            response_timeout: Some(Duration::from_secs(60)),
            total_timeout: Some(Duration::from_secs(30 * 60)),
            max_redirects: 5,
            allow_private: settings.allow_private,
        },
    );
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; list.len()]);
    std::thread::scope(|scope| {
        for _ in 0..settings.jobs.clamp(1, 64).min(list.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(d) = list.get(i) else { break };
                    let outcome = fetch_one(&agent, d, settings);
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(outcome);
                    }
                    done();
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|o| {
            o.unwrap_or(Outcome::Failed {
                error: "not attempted".into(),
                attempts: 0,
            })
        })
        .collect()
}

/// Why one attempt failed, with what the retry policy decides on.
enum Failure {
    /// The request failed.
    Request(ErrorKind, String),
    /// The server answered with this status, and maybe a `Retry-After`.
    Status(u16, Option<Duration>, String),
    /// Another attempt would fail the same way (a file error, a page).
    Final(String),
}

fn fetch_one(agent: &http::Agent, d: &Download, settings: &Settings) -> Outcome {
    let retry = &settings.retry;
    if d.dest.is_file() {
        return Outcome::Present;
    }
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (error, wait) = match attempt(agent, d, settings.max_bytes) {
            Ok(bytes) => return Outcome::Fetched { bytes, attempts },
            Err(Failure::Request(kind, error)) => (error, retry.after_error(kind, attempts)),
            Err(Failure::Status(status, after, error)) => (error, retry.after_status(status, after, attempts)),
            Err(Failure::Final(error)) => (error, None),
        };
        match wait {
            Some(w) => std::thread::sleep(w),
            None => return Outcome::Failed { error, attempts },
        }
    }
}

fn attempt(agent: &http::Agent, d: &Download, max_bytes: u64) -> Result<u64, Failure> {
    // As a browser sends it: a space or a non-ASCII letter percent-encoded.
    let url = url::Url::parse(d.url.trim()).map_err(|e| Failure::Final(format!("not a URL ({e})")))?;
    let mut resp = agent.get(url.as_str()).call().map_err(|e| {
        let (kind, detail) = http::classify(&e, &d.url);
        Failure::Request(kind, detail)
    })?;
    // Redirects may go from http to https or add `www.`, not elsewhere.
    let landed = ureq::ResponseExt::get_uri(&resp).to_string();
    if crate::site::host_of(&landed) != crate::site::host_of(url.as_str()) {
        return Err(Failure::Final(format!("redirected to another host ({landed})")));
    }
    let status = resp.status();
    if !status.is_success() {
        let after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(http::retry_after);
        return Err(Failure::Status(status.as_u16(), after, format!("HTTP {status}")));
    }
    // A page instead of the file: the site sends its home or 404 page.
    if resp.body().mime_type() == Some("text/html") && !is_html_name(&d.dest) {
        return Err(Failure::Final("the server sent an HTML page, not the file".into()));
    }
    let io = |what: &str, e: std::io::Error| Failure::Final(format!("{what} {}: {e}", d.dest.display()));
    if let Some(dir) = d.dest.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io("cannot create the directory of", e))?;
    }
    let out = Output::create(&d.dest, Durability::Unsynced).map_err(|e| io("cannot create", e))?;
    let mut file = std::io::BufWriter::new(out.writer().map_err(|e| io("cannot create", e))?);
    let mut body = std::io::Read::take(resp.body_mut().as_reader(), max_bytes.saturating_add(1));
    let bytes = match std::io::copy(&mut body, &mut file) {
        Ok(n) if n > max_bytes => {
            return Err(Failure::Final(format!(
                "larger than {} MiB (--media-max-size)",
                max_bytes >> 20
            )));
        }
        Ok(n) => n,
        Err(e) => {
            // Cut off mid-body: the network, maybe worth another try (the
            // temporary file goes with `out`).
            let (kind, detail) = http::classify_io(&e, &d.url);
            return Err(Failure::Request(kind, detail));
        }
    };
    file.flush().map_err(|e| io("cannot write", e))?;
    drop(file);
    out.commit().map_err(|e| io("cannot rename to", e))?;
    Ok(bytes)
}

fn is_html_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::MapResolver;

    fn one(url: &str, settings: &Settings) -> Outcome {
        let dir = tempfile::tempdir().unwrap();
        let list = [Download {
            url: url.into(),
            dest: dir.path().join("x.jpg"),
        }];
        download_all(&list, settings, &|| ()).remove(0)
    }

    #[test]
    fn private_addresses_follow_the_setting_and_names_go_through_the_resolver() {
        let quick = Retry {
            retries: 3,
            backoff: Duration::from_millis(1),
            max_retry_after: Duration::from_millis(1),
        };
        let refusing = Settings {
            retry: quick.clone(),
            allow_private: false,
            ..Settings::default()
        };
        let Outcome::Failed { error, attempts } = one("http://127.0.0.1:9/x.jpg", &refusing) else {
            panic!("a private address is refused when not allowed");
        };
        assert!(error.contains("private address 127.0.0.1"), "{error}");
        assert_eq!(attempts, 1, "a refusal is not retried");

        let resolver = Arc::new(MapResolver::new().nxdomain("old.test"));
        let mapped = Settings {
            retry: quick,
            resolver: resolver.clone(),
            ..Settings::default()
        };
        let Outcome::Failed { error, attempts } = one("http://old.test/x.jpg", &mapped) else {
            panic!("a missing name fails");
        };
        assert!(error.contains("no such host"), "{error}");
        assert_eq!(attempts, 2, "a missing name gets one confirmation");
        assert_eq!(*resolver.asked.lock().unwrap(), ["old.test", "old.test"]);
    }
}
