//! `wxr check`: the pingback and trackback audit, as designed in
//! `../shared/docs/check-design.md`.
//!
//! This module owns the audit's public face: [`run`] and its [`Options`],
//! the [`Finding`]s it produces and the [`Outcome`] it returns. The work
//! is split by job:
//!
//! - [`codes`]: the catalog of finding codes, with each code's family,
//!   severity, confidence and fix;
//! - [`Finding`] and its parts ([`Severity`], [`Confidence`], [`Phase`],
//!   [`Action`], [`Fix`]), the record of the report;
//! - `run`: the passes over the export and the network;
//! - `rules`: the checks, one file per family of codes (thread structure,
//!   source URL, moderation and target state, duplicates, self-pings,
//!   network);
//! - the site index ([`crate::site`]) resolves any URL to an item by
//!   identity;
//! - [`net`] fetches each external source once, [`page`] reads it, and
//!   [`cache`] keeps the fetches between runs;
//! - [`report`] writes the result (`html`: as one page); [`cleaned`] writes a copy of the
//!   export without the pings to delete.

pub mod cache;
pub mod cleaned;
pub mod codes;
mod finding;
mod html;
pub mod net;
pub mod page;
pub mod report;
mod rules;
mod run;

pub use finding::{Action, Confidence, Finding, Fix, Phase, Severity};
pub use run::run;

use crate::error::RunError;
use crate::http::Resolve;
use crate::site;
use net::{Fetch, NetOptions};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The version of the JSON report's schema.
pub const REPORT_VERSION: u32 = 1;

/// The repairs a report asks for: the ids of the comments whose findings
/// at or above `min` say `delete`, one per line, into `ids`; and a copy of
/// the export `input` without those comments into `cleaned`. Returns what
/// the copy changed; a copy that cannot be made is a [`RunError::Clean`]
/// carrying the [`cleaned::CleanError`], and `cleaned` is left as it was.
pub fn repair(
    report: &report::Report,
    min: Severity,
    ids: Option<&std::path::Path>,
    cleaned: Option<(&std::path::Path, &std::path::Path)>,
) -> Result<Option<cleaned::CleanStats>, RunError> {
    let delete = report.to_delete(min);
    if let Some(path) = ids {
        let ids = report.delete_ids(min);
        crate::output::write_atomically(path, |w| ids.iter().try_for_each(|id| writeln!(w, "{id}"))).map_err(
            |source| RunError::Output {
                target: path.display().to_string(),
                source,
            },
        )?;
    }
    let Some((input, output)) = cleaned else {
        return Ok(None);
    };
    let refs: std::collections::BTreeSet<_> = delete.into_iter().collect();
    cleaned::write_cleaned(input, output, &refs)
        .map(Some)
        .map_err(|source| RunError::Clean {
            input: input.display().to_string(),
            output: output.display().to_string(),
            source,
        })
}

/// Everything `check` needs to know.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// No network at all.
    pub offline: bool,
    /// The lowest severity that fails the run (`None`: never).
    pub fail_on: Option<Severity>,
    /// Codes (or code prefixes) not reported.
    pub ignore: Vec<String>,
    /// More hosts of this site (old domains).
    pub self_domains: Vec<String>,
    /// How to fetch.
    pub net: NetOptions,
    /// Resolves host names.
    pub resolver: Arc<dyn Resolve>,
    /// `--cache PATH`.
    pub cache: Option<PathBuf>,
    /// Cache entries older than this are fetched again.
    pub max_cache_age: Duration,
    /// The export holds only part of the site (`--partial-export`): a
    /// self-ping from a post not in it is a warning to review, not an error.
    pub partial_export: bool,
    /// `--probe-url`: asked when a source could not be reached; unless
    /// it answers, no such source is judged and the run is inconclusive.
    pub probe_url: String,
}

/// The `--probe-url` by default: a name that resolves and answers
/// wherever there is a network.
pub const DEFAULT_PROBE_URL: &str = "https://wordpress.org/";

impl Options {
    /// The defaults of the command line.
    pub fn new() -> Options {
        Options {
            offline: false,
            fail_on: Some(Severity::Error),
            ignore: Vec::new(),
            self_domains: Vec::new(),
            net: NetOptions::default(),
            resolver: Arc::new(crate::http::SystemResolver),
            cache: None,
            max_cache_age: Duration::from_secs(7 * 24 * 3600),
            partial_export: false,
            probe_url: DEFAULT_PROBE_URL.to_string(),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::new()
    }
}

/// What one source gave: the fetch, and the page read from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SourceResult {
    /// The fetch (body not kept).
    pub fetch: Fetch,
    /// The page, for a 2xx response.
    pub page: Option<page::Page>,
    /// Came from `--cache`.
    #[serde(default)]
    pub from_cache: bool,
    /// When it was fetched, `YYYY-MM-DDTHH:MM:SSZ`.
    pub fetched_at: String,
}

/// The result of a check: the report, and the exit code it calls for.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The report (its JSON form is the contract).
    pub report: report::Report,
    /// 0 clean, 1 findings at or above `--fail-on`, 4 inconclusive.
    pub exit_code: i32,
}

// Helpers of the run, the rules, the report and the fetcher: the clock,
// and the two forms of a URL they share.

/// Seconds since the Unix epoch, now.
fn epoch_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
fn now_utc() -> String {
    utc_form(epoch_secs())
}

/// `secs` since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc_form(secs: u64) -> String {
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The URL fetched for a stored source: cleaned, fragment removed.
fn fetch_form(raw: &str) -> String {
    let clean = site::clean_url(raw);
    match url::Url::parse(&clean) {
        Ok(mut u) => {
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => clean,
    }
}

/// The host of a source URL as written, lowercase (empty when it has
/// none): the name that is looked up and reported, where
/// [`site::host_of`](crate::site::host_of) gives the normalized key the
/// site index compares.
fn source_host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}
