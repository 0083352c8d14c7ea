//! HTTP downloads (`--download-media`): one ureq agent shared by a bounded
//! pool of worker threads, retries with backoff on network errors, `429` and
//! `5xx` (honouring `Retry-After`), and each file written to `NAME.part` and
//! renamed when complete, so an interrupted run resumes by skipping the files
//! already there.

use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    /// Retries after the first attempt, for errors that may pass.
    pub retries: u32,
    /// The first wait before a retry; it doubles each time.
    pub backoff: Duration,
    /// The longest wait a server's `Retry-After` may ask for.
    pub max_wait: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            jobs: 4,
            retries: 3,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// Downloads every file of `list`, `settings.jobs` at a time, calling
/// `done` after each. The outcomes are in the order of `list`.
pub fn download_all(list: &[Download], settings: &Settings, done: &(dyn Fn() + Sync)) -> Vec<Outcome> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .user_agent(concat!(
            "wxr/",
            env!("CARGO_PKG_VERSION"),
            " (WordPress export migration)"
        ))
        .max_redirects(5)
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .timeout_global(Some(Duration::from_secs(30 * 60)))
        .build()
        .into();
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

/// Why one attempt failed, and whether another may succeed (after the
/// server's `Retry-After`, when it gave one).
enum Failure {
    Retry(String, Option<Duration>),
    Final(String),
}

fn fetch_one(agent: &ureq::Agent, d: &Download, s: &Settings) -> Outcome {
    if d.dest.is_file() {
        return Outcome::Present;
    }
    let mut attempts = 0;
    loop {
        attempts += 1;
        match attempt(agent, d, s) {
            Ok(bytes) => return Outcome::Fetched { bytes, attempts },
            Err(Failure::Retry(_, wait)) if attempts <= s.retries => {
                let backoff = s.backoff.saturating_mul(1 << (attempts - 1).min(16));
                std::thread::sleep(wait.unwrap_or(backoff));
            }
            Err(Failure::Retry(error, _) | Failure::Final(error)) => return Outcome::Failed { error, attempts },
        }
    }
}

fn attempt(agent: &ureq::Agent, d: &Download, s: &Settings) -> Result<u64, Failure> {
    let mut resp = agent.get(&d.url).call().map_err(|e| match e {
        // The network may come back; a bad name, URL or certificate will not.
        ureq::Error::Io(_) | ureq::Error::Timeout(_) | ureq::Error::ConnectionFailed | ureq::Error::BodyStalled => {
            Failure::Retry(e.to_string(), None)
        }
        e => Failure::Final(e.to_string()),
    })?;
    let status = resp.status();
    if status.as_u16() == 429 || status.is_server_error() {
        let wait = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|secs| Duration::from_secs(secs).min(s.max_wait));
        return Err(Failure::Retry(format!("HTTP {status}"), wait));
    }
    if !status.is_success() {
        return Err(Failure::Final(format!("HTTP {status}")));
    }
    // A page instead of the file: the site sends its home or 404 page.
    if resp.body().mime_type() == Some("text/html") && !is_html_name(&d.dest) {
        return Err(Failure::Final("the server sent an HTML page, not the file".into()));
    }
    let io = |what: &str, e: std::io::Error| Failure::Final(format!("{what} {}: {e}", d.dest.display()));
    if let Some(dir) = d.dest.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io("cannot create the directory of", e))?;
    }
    let part = part_path(&d.dest);
    let mut file = std::io::BufWriter::new(std::fs::File::create(&part).map_err(|e| io("cannot create", e))?);
    let copied = std::io::copy(&mut resp.body_mut().as_reader(), &mut file);
    let bytes = match copied {
        Ok(n) => n,
        Err(e) => {
            drop(file);
            let _ = std::fs::remove_file(&part);
            // Cut off mid-body: the network, worth another try.
            return Err(Failure::Retry(e.to_string(), None));
        }
    };
    file.flush().map_err(|e| io("cannot write", e))?;
    drop(file);
    std::fs::rename(&part, &d.dest).map_err(|e| io("cannot rename to", e))?;
    Ok(bytes)
}

/// `NAME.part`, beside `dest`.
fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    dest.with_file_name(name)
}

fn is_html_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}
