//! `wxr check`: the pingback and trackback audit.
//!
//! This module owns the audit itself, as designed in
//! `../shared/docs/check-design.md`: it reads the export (streaming, like
//! every command), indexes its items so that any URL can be resolved to an
//! item by identity ([`resolve`]), and produces [`Finding`]s with stable
//! codes in four offline families — thread structure, source URL syntax,
//! moderation and target state, self-pingbacks (checked against the source
//! post's own content, read in a second pass) — and, unless `--offline`,
//! a network family from fetching each external source once ([`net`])
//! and reading it ([`page`]), with [`cache`] keeping fetches between
//! runs. [`report`] writes the result; [`cleaned`] writes a copy of the
//! export without the pings to delete.

pub mod cache;
pub mod cleaned;
pub mod codes;
pub mod net;
pub mod page;
pub mod report;
pub mod resolve;

use crate::convert::RunError;
use crate::merge::Merged;
use crate::model::{Comment, Item, Record, Site};
use crate::read::{ReadOptions, Source};
use codes::{Case, Code};
use net::{ErrorKind, Fetch, NetOptions, Resolve};
use resolve::{IndexItem, SiteIndex};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

/// The version of the JSON report's schema.
pub const REPORT_VERSION: u32 = 1;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing to do.
    Info,
    /// Probably broken, or could not be verified: a human should look.
    Warning,
    /// Broken with high confidence.
    Error,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A structural fact, or a definitive answer (404, 410, NXDOMAIN).
    Certain,
    /// Strong signals.
    Likely,
    /// Weak signals.
    Heuristic,
}

/// Where a finding was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// From the export alone.
    Offline,
    /// From fetching the source.
    Network,
}

/// What to do about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Delete the comment.
    Delete,
    /// Point the comment at `new_value` instead.
    RewriteSource,
    /// Give the comment the parent `new_value`.
    Reparent,
    /// Mark the comment as spam.
    MarkSpam,
    /// Look at it.
    Review,
    /// Nothing.
    None,
}

/// A finding's suggested fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// The action.
    pub action: Action,
    /// The new value for `rewrite_source` and `reparent`.
    pub new_value: Value,
}

/// One finding about one comment (or the export).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code, such as `ping.source.http_not_found`.
    pub code: String,
    /// Severity (fixed per code; `ping.backlink.missing` is an error for
    /// pingbacks and a warning for trackbacks).
    pub severity: Severity,
    /// Confidence.
    pub confidence: Confidence,
    /// Offline or network.
    #[serde(rename = "where")]
    pub phase: Phase,
    /// The item holding the comment.
    pub item_id: Option<i64>,
    /// Its status.
    pub item_status: Option<String>,
    /// Its permalink.
    pub item_link: Option<String>,
    /// The comment.
    pub comment_id: Option<i64>,
    /// `comment`, `pingback`, `trackback`.
    pub comment_type: Option<String>,
    /// `approved`, `pending`, `spam`, `trash`.
    pub comment_status: Option<String>,
    /// The ping's source URL as stored.
    pub source_url: Option<String>,
    /// One sentence for a human.
    pub message: String,
    /// Facts behind it, per code.
    pub evidence: Value,
    /// What to do.
    pub fix: Fix,
}

/// Everything `check` needs to know.
#[derive(Debug, Clone)]
pub struct Options {
    /// How to read the export.
    pub read: ReadOptions,
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
}

impl Options {
    /// The defaults of the command line.
    pub fn new() -> Options {
        Options {
            read: ReadOptions::default(),
            offline: false,
            fail_on: Some(Severity::Error),
            ignore: Vec::new(),
            self_domains: Vec::new(),
            net: NetOptions::default(),
            resolver: Arc::new(net::SystemResolver),
            cache: None,
            max_cache_age: Duration::from_secs(7 * 24 * 3600),
            partial_export: false,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::new()
    }
}

/// A pingback or trackback, with what the audit needs of its item.
#[derive(Debug, Clone)]
struct Ping {
    item: Target,
    comment_id: Option<i64>,
    kind: String,
    status: String,
    url: Option<String>,
    akismet_spam: bool,
    /// Position in the export (ties are broken by it).
    order: usize,
}

/// The item a comment is on.
#[derive(Debug, Clone)]
struct Target {
    id: Option<i64>,
    status: String,
    link: Option<String>,
    kind: String,
    ping_status: Option<String>,
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

/// Seconds since the Unix epoch, now.
fn epoch_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn now_utc() -> String {
    utc_form(epoch_secs())
}

fn utc_form(secs: u64) -> String {
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Builds findings with the comment's and item's fields filled in.
struct Maker<'a> {
    item: &'a Target,
    comment_id: Option<i64>,
    kind: Option<&'a str>,
    status: Option<&'a str>,
    url: Option<&'a str>,
}

impl Maker<'_> {
    /// A finding of `code` on this comment, with the catalog's policy for
    /// it: for a trackback, and in `case` when one is given.
    fn find(&self, code: Code, phase: Phase, case: Option<Case>, message: String, evidence: Value) -> Finding {
        let trackback = self.kind == Some("trackback");
        let policy = code.policy(|c| Some(c) == case || (c == Case::Trackback && trackback));
        Finding {
            code: code.as_str().to_string(),
            severity: policy.severity,
            confidence: policy.confidence,
            phase,
            item_id: self.item.id,
            item_status: Some(self.item.status.clone()),
            item_link: self.item.link.clone(),
            comment_id: self.comment_id,
            comment_type: self.kind.map(str::to_string),
            comment_status: self.status.map(str::to_string),
            source_url: self.url.map(str::to_string),
            message,
            evidence,
            fix: Fix {
                action: policy.action,
                new_value: Value::Null,
            },
        }
    }

    /// A finding from the export alone.
    fn offline(&self, code: Code, message: String, evidence: Value) -> Finding {
        self.find(code, Phase::Offline, None, message, evidence)
    }

    /// A finding from fetching the source.
    fn network(&self, code: Code, message: String, evidence: Value) -> Finding {
        self.find(code, Phase::Network, None, message, evidence)
    }
}

fn maker(p: &Ping) -> Maker<'_> {
    Maker {
        item: &p.item,
        comment_id: p.comment_id,
        kind: Some(&p.kind),
        status: Some(&p.status),
        url: p.url.as_deref(),
    }
}

fn id_text(id: Option<i64>) -> String {
    id.map_or_else(|| "without id".to_string(), |n| format!("#{n}"))
}

/// What the first pass gathers.
#[derive(Default)]
struct Scan {
    site: Site,
    /// `--self-domain`.
    self_domains: Vec<String>,
    /// Built at the first item (the channel header comes before it).
    index: Option<SiteIndex>,
    pings: Vec<Ping>,
    findings: Vec<Finding>,
    /// comment id → the item it first appears on (16 bytes a comment: an
    /// export has millions of comments).
    comment_ids: HashMap<i64, Option<i64>>,
    /// Every later appearance of a comment id, with its item.
    repeated_ids: Vec<(i64, Target)>,
    comments: u64,
}

impl Scan {
    fn index(&mut self) -> &mut SiteIndex {
        let (site, extra) = (&self.site, &self.self_domains);
        self.index.get_or_insert_with(|| {
            SiteIndex::new(
                site.base_site_url.as_deref(),
                site.base_blog_url.as_deref(),
                site.link.as_deref(),
                extra,
            )
        })
    }

    fn item(&mut self, item: &Item) {
        let target = Target {
            id: item.id,
            status: item.status.clone(),
            link: item.link.clone(),
            kind: item.kind.clone(),
            ping_status: item.ping_status.clone(),
        };
        if let Some(id) = item.id {
            self.index().add_item(IndexItem {
                id,
                kind: item.kind.clone(),
                status: item.status.clone(),
                slug: item.slug.clone(),
                link: item.link.clone(),
                guid: item.guid.clone(),
                date: item.date.clone(),
                parent: item.parent,
            });
        }
        self.structure(item, &target);
        for c in &item.comments {
            self.comments += 1;
            if let Some(id) = c.id {
                match self.comment_ids.entry(id) {
                    std::collections::hash_map::Entry::Occupied(_) => self.repeated_ids.push((id, target.clone())),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(target.id);
                    }
                }
            }
            if !matches!(c.kind.as_str(), "pingback" | "trackback") {
                continue;
            }
            self.pings.push(Ping {
                item: target.clone(),
                comment_id: c.id,
                kind: c.kind.clone(),
                status: c.status.clone(),
                url: c.author_url.clone(),
                akismet_spam: c
                    .meta
                    .iter()
                    .any(|m| m.key == "akismet_result" && m.value.trim() == "true"),
                order: self.pings.len(),
            });
        }
    }

    /// Family A: thread structure within one item.
    fn structure(&mut self, item: &Item, target: &Target) {
        let ids: HashMap<i64, &Comment> = item.comments.iter().filter_map(|c| c.id.map(|id| (id, c))).collect();
        let in_cycle = cycle_members(&ids);
        for c in &item.comments {
            let m = Maker {
                item: target,
                comment_id: c.id,
                kind: Some(&c.kind),
                status: Some(&c.status),
                url: c.author_url.as_deref().filter(|_| c.kind != "comment"),
            };
            let Some(parent) = c.parent else { continue };
            if matches!(c.kind.as_str(), "pingback" | "trackback") {
                self.findings.push(m.offline(
                    Code::PingParentSet,
                    format!(
                        "this {} has a parent comment (#{parent}); WordPress never sets one",
                        c.kind
                    ),
                    json!({ "parent": parent }),
                ));
            }
            if Some(parent) == c.id {
                self.findings.push(m.offline(
                    Code::CommentParentSelf,
                    "the comment is its own parent".to_string(),
                    json!({ "parent": parent }),
                ));
                continue;
            }
            if !ids.contains_key(&parent) {
                self.findings.push(m.offline(
                    Code::CommentOrphan,
                    format!("replies to comment #{parent}, which is not on this item"),
                    json!({ "parent": parent }),
                ));
                continue;
            }
            let cycle = c.id.is_some_and(|id| in_cycle.contains(&id));
            if cycle {
                self.findings.push(m.offline(
                    Code::CommentParentCycle,
                    "following the parents comes back to this comment".to_string(),
                    json!({ "parent": parent }),
                ));
            } else if c.id.is_some_and(|id| parent > id) {
                self.findings.push(m.offline(
                    Code::CommentParentAfterChild,
                    format!(
                        "its parent #{parent} has a higher id: the WordPress importer inserts comments by id and would lose the thread"
                    ),
                    json!({ "parent": parent }),
                ));
            }
        }
    }
}

/// The comments (by id) that are their own ancestors. Each has at most one
/// parent, so one walk per comment, never revisiting a comment already
/// walked, finds every cycle in linear time.
fn cycle_members(ids: &HashMap<i64, &Comment>) -> HashSet<i64> {
    let mut walked: HashMap<i64, usize> = HashMap::with_capacity(ids.len());
    let mut members = HashSet::new();
    let mut starts: Vec<i64> = ids.keys().copied().collect();
    starts.sort_unstable();
    for (walk, start) in starts.into_iter().enumerate() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(id) = at {
            match walked.get(&id) {
                // Back on this walk's own path: a cycle from `id` on.
                Some(&w) if w == walk => {
                    if let Some(pos) = path.iter().position(|p| *p == id) {
                        members.extend(&path[pos..]);
                    }
                    break;
                }
                Some(_) => break,
                None => {}
            }
            let Some(c) = ids.get(&id) else { break };
            walked.insert(id, walk);
            path.push(id);
            at = c.parent;
        }
    }
    members
}

/// Runs the audit on `sources`. `progress` counts input bytes read, then
/// `fetched` counts sources fetched.
pub fn run(
    sources: &[Source],
    opts: &Options,
    progress: Option<Arc<AtomicU64>>,
    fetched: Option<&AtomicU64>,
) -> Result<Outcome, RunError> {
    let started_at = now_utc();
    if let Some(cache) = &opts.cache {
        let same = |p: &std::path::Path| match (std::fs::canonicalize(p), std::fs::canonicalize(cache)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if sources.iter().any(|s| matches!(s, Source::Path(p) if same(p))) {
            return Err(RunError::Output {
                target: cache.display().to_string(),
                source: std::io::Error::other("the cache file is an input; give --cache another file"),
            });
        }
    }
    let (sources, _spool) = crate::convert::spool_stdin(sources)?;
    let mut scan = Scan {
        self_domains: opts.self_domains.clone(),
        ..Scan::default()
    };
    let mut merged = Merged::open(&sources, opts.read, progress)?;
    while let Some(rec) = merged.next_record()? {
        match rec {
            Record::Site(s) => scan.site = s,
            Record::Item(i) => scan.item(&i),
            Record::Author(_) | Record::Term(_) => {}
        }
    }
    drop(merged);
    scan.index();
    let index = scan.index.take().unwrap_or_default();
    let mut findings = std::mem::take(&mut scan.findings);
    duplicate_ids(&scan.comment_ids, &scan.repeated_ids, &mut findings);

    // Offline families B, C, D; what is left goes to the network.
    let mut network: Vec<&Ping> = Vec::new();
    let mut self_checks: Vec<(&Ping, i64)> = Vec::new();
    let mut self_pings = 0u64;
    let mut skipped: BTreeMap<&'static str, u64> = BTreeMap::new();
    for p in &scan.pings {
        state_findings(p, &mut findings);
        let Some(url) = syntax_findings(p, &mut findings) else {
            continue;
        };
        if index.is_self_url(&url) {
            self_pings += 1;
            if let Some(source) = self_findings(p, &url, &index, opts.partial_export, &mut findings) {
                self_checks.push((p, source));
            }
            continue;
        }
        if is_reserved(&url, opts) {
            let m = maker(p);
            findings.push(m.offline(
                Code::SourceReservedDomain,
                "the source is on a reserved domain (RFC 2606), which can never be a live page".to_string(),
                json!({ "host": host_of(&url) }),
            ));
            *skipped.entry("reserved").or_default() += 1;
            continue;
        }
        if is_private(&url) && !opts.net.allow_private {
            let m = maker(p);
            findings.push(m.offline(
                Code::SourcePrivateAddress,
                "the source is on a private or loopback address (a staging copy?); not fetched".to_string(),
                json!({ "host": host_of(&url) }),
            ));
            *skipped.entry("private").or_default() += 1;
            continue;
        }
        network.push(p);
    }
    duplicate_findings(&scan.pings, &mut findings);
    if !self_checks.is_empty() {
        self_backlinks(&sources, opts, &index, &self_checks, &mut findings)?;
    }

    // Network: each unique source once.
    let mut results: BTreeMap<String, SourceResult> = BTreeMap::new();
    let mut inconclusive = false;
    let mut diagnostics = Vec::new();
    let fetch_url = |p: &Ping| fetch_form(p.url.as_deref().unwrap_or_default());
    if opts.offline {
        let n: BTreeSet<String> = network.iter().map(|p| fetch_url(p)).collect();
        *skipped.entry("offline").or_default() += n.len() as u64;
    } else if !network.is_empty() {
        let urls: BTreeSet<String> = network.iter().map(|p| fetch_url(p)).collect();
        let cache_err = |source| RunError::Output {
            target: opts.cache.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
            source,
        };
        let mut cache = cache::Cache::load(opts.cache.as_deref(), opts.max_cache_age).map_err(cache_err)?;
        let mut to_fetch = Vec::new();
        for u in &urls {
            match cache.get(u) {
                Some(r) => {
                    results.insert(u.clone(), r);
                }
                None => to_fetch.push(u.clone()),
            }
        }
        let client = net::Client::new(opts.resolver.clone(), opts.net.clone());
        for (u, fetch) in net::fetch_all(&client, &to_fetch, fetched) {
            let page = fetch.status.filter(|s| (200..300).contains(s)).map(|_| {
                page::read(
                    &fetch.body,
                    fetch.content_type.as_deref(),
                    fetch.final_url.as_deref().unwrap_or(&u),
                    fetch.truncated,
                )
            });
            let mut fetch = fetch;
            fetch.body = Vec::new();
            results.insert(
                u,
                SourceResult {
                    fetch,
                    page,
                    from_cache: false,
                    fetched_at: now_utc(),
                },
            );
        }
        // Offline machine: every fresh fetch failed before reaching a server.
        let fresh: Vec<&SourceResult> = results.values().filter(|r| !r.from_cache).collect();
        let hosts: BTreeSet<String> = results
            .iter()
            .filter(|(_, r)| !r.from_cache)
            .map(|(u, _)| host_of(u))
            .collect();
        if hosts.len() >= NETWORK_GUARD_HOSTS
            && fresh
                .iter()
                .all(|r| r.fetch.error.as_ref().is_some_and(|e| e.kind.unreachable()))
        {
            inconclusive = true;
            diagnostics.push(report::Diagnostic {
                code: "check.network_unavailable".to_string(),
                message: format!(
                    "all {} sources on {} hosts failed before reaching a server (DNS or connect): the network looks unavailable, so no source is condemned; rerun when online, or use --offline",
                    fresh.len(),
                    hosts.len()
                ),
            });
        }
        cache.store(&results).map_err(cache_err)?;
        for p in &network {
            let u = fetch_url(p);
            let Some(r) = results.get(&u) else { continue };
            if inconclusive && r.fetch.error.as_ref().is_some_and(|e| e.kind.unreachable()) {
                continue;
            }
            network_findings(p, r, &index, &mut findings);
        }
    }
    if opts.offline {
        diagnostics.push(report::Diagnostic {
            code: "check.skipped".to_string(),
            message: format!(
                "--offline: {} external source(s) not fetched",
                skipped.get("offline").copied().unwrap_or(0)
            ),
        });
    }

    findings.retain(|f| {
        !opts
            .ignore
            .iter()
            .any(|i| f.code == *i || f.code.starts_with(&format!("{i}.")))
    });
    findings.sort_by(|a, b| {
        (a.item_id, a.comment_id, &a.code, &a.source_url).cmp(&(b.item_id, b.comment_id, &b.code, &b.source_url))
    });
    let failing = opts
        .fail_on
        .is_some_and(|min| findings.iter().any(|f| f.severity >= min));
    let exit_code = if failing {
        1
    } else if inconclusive {
        4
    } else {
        0
    };
    let report = report::Report::build(report::Parts {
        site: &scan.site,
        inputs: &sources,
        opts,
        started_at,
        pings: scan.pings.len() as u64,
        pingbacks: scan.pings.iter().filter(|p| p.kind == "pingback").count() as u64,
        self_pings,
        sources: source_entries(&scan.pings, &results, &index),
        skipped,
        findings,
        diagnostics,
        exit_code,
        self_hosts: index.self_hosts(),
    });
    Ok(Outcome { report, exit_code })
}

/// Below this many distinct hosts, failures are reported one by one even
/// when all of them failed at DNS or connect: a small blog's few dead
/// sources must not pass for an offline machine.
const NETWORK_GUARD_HOSTS: usize = 3;

/// The URL fetched for a stored source: cleaned, fragment removed.
fn fetch_form(raw: &str) -> String {
    let clean = resolve::clean_url(raw);
    match url::Url::parse(&clean) {
        Ok(mut u) => {
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => clean,
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

fn is_reserved(url: &str, opts: &Options) -> bool {
    let host = host_of(url);
    resolve::is_reserved_host(&host) && !opts.resolver.serves(&host)
}

fn is_private(url: &str) -> bool {
    resolve::is_private_host(&host_of(url))
}

/// `comment.id_duplicate`: one comment id on several comments.
fn duplicate_ids(first: &HashMap<i64, Option<i64>>, repeats: &[(i64, Target)], findings: &mut Vec<Finding>) {
    let mut times: HashMap<i64, usize> = HashMap::new();
    for (id, _) in repeats {
        *times.entry(*id).or_insert(1) += 1;
    }
    let mut sorted: Vec<&(i64, Target)> = repeats.iter().collect();
    sorted.sort_by_key(|(id, _)| *id);
    for (id, t) in sorted {
        let n = times.get(id).copied().unwrap_or(2);
        let first_item = first.get(id).copied().flatten();
        let m = Maker {
            item: t,
            comment_id: Some(*id),
            kind: None,
            status: None,
            url: None,
        };
        findings.push(m.offline(
            Code::CommentIdDuplicate,
            format!(
                "comment id {id} is used {n} times in the export (first on item {}); importers key on it",
                id_text(first_item)
            ),
            json!({ "occurrences": n, "first_item_id": first_item }),
        ));
    }
}

/// Family C: moderation state of the ping and state of its item.
fn state_findings(p: &Ping, findings: &mut Vec<Finding>) {
    let m = maker(p);
    match p.status.as_str() {
        "spam" => findings.push(m.offline(
            Code::StatusSpam,
            format!("this {} is marked as spam", p.kind),
            json!({}),
        )),
        "pending" => findings.push(m.offline(
            Code::StatusPending,
            format!("this {} was never moderated: it was never shown", p.kind),
            json!({}),
        )),
        "trash" | "post-trashed" => findings.push(m.offline(
            Code::StatusTrash,
            format!("this {} is in the trash", p.kind),
            json!({ "status": p.status }),
        )),
        _ => {}
    }
    if p.akismet_spam && p.status != "spam" {
        findings.push(m.offline(
            Code::AkismetSpam,
            "Akismet judged it spam, but it is not marked as spam".to_string(),
            json!({ "akismet_result": "true" }),
        ));
    }
    if p.item.status != "publish" {
        findings.push(m.offline(
            Code::TargetNotPublished,
            format!(
                "the item it is on is not published ({}): the {} is invisible",
                p.item.status, p.kind
            ),
            json!({ "item_status": p.item.status }),
        ));
    }
    if p.item.ping_status.as_deref() == Some("closed") {
        findings.push(m.offline(
            Code::TargetPingsClosed,
            "pings are closed on this item: a new one would be refused".to_string(),
            json!({}),
        ));
    }
    if !matches!(p.item.kind.as_str(), "post" | "page") {
        findings.push(m.offline(
            Code::TargetUnusualType,
            format!("the item it is on is of type {}", p.item.kind),
            json!({ "item_type": p.item.kind }),
        ));
    }
}

/// Family B: the source URL. Returns the cleaned URL when it can be
/// fetched or resolved.
fn syntax_findings(p: &Ping, findings: &mut Vec<Finding>) -> Option<String> {
    let m = maker(p);
    let raw = p.url.as_deref().unwrap_or_default();
    let clean = resolve::clean_url(raw);
    if clean.is_empty() {
        findings.push(m.offline(
            Code::SourceMissing,
            format!("this {} has no source URL", p.kind),
            json!({}),
        ));
        return None;
    }
    let parsed = match url::Url::parse(&clean) {
        Ok(u) => u,
        Err(e) => {
            findings.push(m.offline(
                Code::SourceMalformed,
                format!("the source URL is not an absolute URL ({e})"),
                json!({ "url": raw }),
            ));
            return None;
        }
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        if parsed.cannot_be_a_base() && !parsed.has_host() && clean.contains("://") {
            findings.push(m.offline(
                Code::SourceMalformed,
                "the source URL is not an absolute URL".to_string(),
                json!({ "url": raw }),
            ));
        } else {
            findings.push(m.offline(
                Code::SourceUnsupportedScheme,
                format!("the source is a {}: URL, not a web page", parsed.scheme()),
                json!({ "scheme": parsed.scheme() }),
            ));
        }
        return None;
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        findings.push(m.offline(
            Code::SourceMalformed,
            "the source URL has no host".to_string(),
            json!({ "url": raw }),
        ));
        return None;
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        findings.push(m.offline(
            Code::SourceHasCredentials,
            "the source URL holds a user name or password; not fetched".to_string(),
            json!({}),
        ));
        return None;
    }
    Some(clean)
}

/// Family D, first part: a ping from this site. Returns the source item
/// to check for a backlink, when it is published.
fn self_findings(p: &Ping, url: &str, index: &SiteIndex, partial: bool, findings: &mut Vec<Finding>) -> Option<i64> {
    let m = maker(p);
    let resolved = index.resolve(url, None);
    findings.push(m.offline(
        Code::SelfPing,
        match &resolved {
            Some(r) => format!("a self-ping from item #{}", r.id),
            None => "a self-ping".to_string(),
        },
        json!({
            "source_item_id": resolved.as_ref().map(|r| r.id),
            "rule": resolved.as_ref().map(|r| r.rule.as_str()),
        }),
    ));
    let Some(r) = resolved else {
        findings.push(m.find(
            Code::SelfUnresolved,
            Phase::Offline,
            partial.then_some(Case::PartialExport),
            "the source is on this site but is no item of the export: the post was deleted, or the export is partial".to_string(),
            json!({ "host": host_of(url), "partial_export": partial }),
        ));
        return None;
    };
    if Some(r.id) == p.item.id {
        findings.push(m.offline(
            Code::SelfSameItem,
            "the item pings itself".to_string(),
            json!({ "source_item_id": r.id, "rule": r.rule.as_str() }),
        ));
        return None;
    }
    let status = index.item(r.id).map_or("", |i| i.status.as_str());
    if status != "publish" {
        findings.push(m.offline(
            Code::SelfSourceNotPublished,
            format!("the linking item #{} is not published ({status})", r.id),
            json!({ "source_item_id": r.id, "source_status": status }),
        ));
        return None;
    }
    Some(r.id)
}

/// Family D, second part: a second pass over the export reads each source
/// item's content and looks for a link to the target, the way WordPress
/// found the link when it sent the ping (`wp_extract_urls`).
fn self_backlinks(
    sources: &[Source],
    opts: &Options,
    index: &SiteIndex,
    checks: &[(&Ping, i64)],
    findings: &mut Vec<Finding>,
) -> Result<(), RunError> {
    let wanted: HashSet<i64> = checks.iter().map(|(_, s)| *s).collect();
    let mut links: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    let mut merged = Merged::open(sources, opts.read, None)?;
    while let Some(rec) = merged.next_record()? {
        if let Record::Item(item) = rec
            && let Some(id) = item.id.filter(|id| wanted.contains(id))
        {
            let set = links.entry(id).or_default();
            for u in resolve::extract_urls(&item.content) {
                if let Some(r) = index.resolve(&u, item.link.as_deref()) {
                    set.insert(r.id);
                }
            }
        }
    }
    for (p, source) in checks {
        let found = links.get(source);
        if p.item.id.is_some_and(|t| found.is_some_and(|s| s.contains(&t))) {
            continue;
        }
        let m = maker(p);
        findings.push(m.offline(
            Code::SelfNoBacklink,
            format!("item #{source} no longer links to this item: the link was edited out"),
            json!({
                "source_item_id": source,
                "links_to_items": found.map(|s| s.iter().copied().collect::<Vec<_>>()).unwrap_or_default(),
            }),
        ));
    }
    Ok(())
}

/// `ping.duplicate` and `ping.duplicate_cross_type`.
fn duplicate_findings(pings: &[Ping], findings: &mut Vec<Finding>) {
    let mut groups: BTreeMap<(Option<i64>, String), Vec<&Ping>> = BTreeMap::new();
    for p in pings {
        if let Some(key) = p.url.as_deref().and_then(resolve::source_key) {
            groups.entry((p.item.id, key)).or_default().push(p);
        }
    }
    for ((_, key), group) in groups {
        if group.len() < 2 {
            continue;
        }
        for kind in ["pingback", "trackback"] {
            let same: Vec<&&Ping> = group.iter().filter(|p| p.kind == kind).collect();
            if same.len() < 2 {
                continue;
            }
            let kept = same
                .iter()
                .filter(|p| p.status == "approved")
                .min_by_key(|p| p.order)
                .or_else(|| same.iter().min_by_key(|p| p.order))
                .copied();
            let Some(kept) = kept else { continue };
            for p in same.iter().filter(|p| p.order != kept.order) {
                let exact = resolve::clean_url(p.url.as_deref().unwrap_or_default())
                    == resolve::clean_url(kept.url.as_deref().unwrap_or_default());
                findings.push(maker(p).offline(
                    Code::Duplicate,
                    format!(
                        "the same source already pinged this item ({}comment {})",
                        if exact { "" } else { "in another form, " },
                        id_text(kept.comment_id)
                    ),
                    json!({ "variant": if exact { "exact" } else { "normalized" }, "kept_comment_id": kept.comment_id, "key": key }),
                ));
            }
        }
        let kinds: BTreeSet<&str> = group.iter().map(|p| p.kind.as_str()).collect();
        if kinds.len() > 1
            && let Some(p) = group.iter().find(|p| p.kind == "trackback")
        {
            findings.push(maker(p).offline(
                Code::DuplicateCrossType,
                "the same source sent both a pingback and a trackback to this item".to_string(),
                json!({ "key": key }),
            ));
        }
    }
}

/// The code of a fetch that failed before any response.
fn error_code(kind: ErrorKind) -> Code {
    use ErrorKind as K;
    match kind {
        K::DnsNxdomain => Code::SourceDnsNxdomain,
        K::DnsError => Code::SourceDnsError,
        K::ConnectRefused => Code::SourceConnectRefused,
        K::ConnectTimeout => Code::SourceConnectTimeout,
        K::ConnectionReset => Code::SourceConnectionReset,
        K::Tls => Code::SourceTlsError,
        K::Timeout => Code::SourceTimeout,
        K::Protocol => Code::SourceProtocolError,
        K::RedirectLimit => Code::SourceRedirectLimit,
        K::RedirectLoop => Code::SourceRedirectLoop,
        K::RedirectInvalid => Code::SourceRedirectInvalid,
        K::PrivateAddress => Code::SourcePrivateAddress,
    }
}

/// The code of a final response that is no success.
fn status_code(status: u16) -> Code {
    match status {
        404 => Code::SourceHttpNotFound,
        410 => Code::SourceHttpGone,
        401 | 403 | 407 => Code::SourceHttpForbidden,
        429 => Code::SourceHttpRateLimited,
        500..=599 => Code::SourceHttpServerError,
        // 4xx, and what is neither a success, a redirect nor an error.
        _ => Code::SourceHttpClientError,
    }
}

/// Families E to H for one ping from its source's result.
fn network_findings(p: &Ping, r: &SourceResult, index: &SiteIndex, findings: &mut Vec<Finding>) {
    let m = maker(p);
    let f = &r.fetch;
    let hops = || json!(f.hops);
    let attempts = f.attempts;
    if let Some(e) = &f.error
        && f.status.is_none()
    {
        findings.push(m.network(
            error_code(e.kind),
            format!("the source could not be fetched: {}", e.detail),
            json!({ "error": e.detail, "attempts": attempts, "hops": hops() }),
        ));
        return;
    }
    let Some(status) = f.status else { return };
    let original = p.url.as_deref().map(fetch_form).unwrap_or_default();
    let final_url = f.final_url.clone().unwrap_or_default();
    let redirected = f.hops.len() > 1;
    if !(200..300).contains(&status) {
        findings.push(m.network(
            status_code(status),
            format!("the source answers HTTP {status}"),
            json!({ "status": status, "final_url": final_url, "attempts": attempts, "hops": hops() }),
        ));
        if matches!(status, 401 | 403 | 407 | 429) {
            findings.push(m.network(
                Code::BacklinkUnverifiable,
                format!("the page could not be read (HTTP {status}), so the link back is unknown"),
                json!({ "reason": status }),
            ));
        }
        return;
    }
    // A 2xx, maybe after redirects.
    let path = |u: &str| url::Url::parse(u).map(|u| u.path().to_string()).unwrap_or_default();
    if redirected && path(&final_url) == "/" && path(&original) != "/" {
        findings.push(m.network(
            Code::SourceRedirectToRoot,
            format!("the source page redirects to the home page {final_url}: the page is gone"),
            json!({ "final_url": final_url, "hops": hops() }),
        ));
        return;
    }
    let permanent = f.hops.iter().any(|h| matches!(h.status, 301 | 308));
    let redirect_code = if permanent {
        Code::SourceRedirectPermanent
    } else {
        Code::SourceRedirectTemporary
    };
    let Some(page) = &r.page else { return };
    if f.truncated {
        findings.push(m.network(
            Code::SourceTruncated,
            format!(
                "the page is larger than the body limit; its first {} bytes were examined",
                f.bytes_read
            ),
            json!({ "bytes_read": f.bytes_read }),
        ));
    }
    if page.charset_fallback {
        findings.push(m.network(
            Code::SourceCharsetFallback,
            format!(
                "the page's character set was unknown or its bytes invalid; read as {}",
                page.charset
            ),
            json!({ "charset": page.charset }),
        ));
    }
    if !page.html && !page.plain {
        findings.push(m.network(
            Code::SourceNotHtml,
            format!(
                "the source is not a web page ({})",
                f.content_type.as_deref().unwrap_or("no Content-Type")
            ),
            json!({ "content_type": f.content_type }),
        ));
    }
    // The backlink.
    let target = p.item.id;
    let mut found = None;
    let mut elsewhere = BTreeSet::new();
    let mut links_to_site = 0;
    for l in &page.links {
        if let Some(res) = index.resolve(&l.url, None) {
            links_to_site += 1;
            if Some(res.id) == target {
                found.get_or_insert((l.clone(), res.rule));
            } else {
                elsewhere.insert(res.id);
            }
        } else if index.is_self_url(&l.url) {
            links_to_site += 1;
        }
    }
    if let Some((link, rule)) = &found {
        let canonical = p.item.link.as_deref().map(fetch_form);
        if canonical.as_deref() != Some(fetch_form(&link.url).as_str()) {
            findings.push(m.network(
                Code::BacklinkVariant,
                "the page links back, in another form than the item's permalink".to_string(),
                json!({ "href": link.href, "rule": rule.as_str() }),
            ));
        }
        if redirected {
            let msg = if permanent {
                "the source moved permanently; it still links back"
            } else {
                "the source redirects temporarily; it still links back"
            };
            let mut moved = m.find(
                redirect_code,
                Phase::Network,
                Some(Case::LinksBack),
                format!("{msg}: {final_url}"),
                json!({ "final_url": final_url, "hops": hops() }),
            );
            if moved.fix.action == Action::RewriteSource {
                moved.fix.new_value = json!(final_url);
            }
            findings.push(moved);
        }
        return;
    }
    if redirected {
        findings.push(m.network(
            redirect_code,
            format!("the source redirects to {final_url}"),
            json!({ "final_url": final_url, "hops": hops() }),
        ));
    }
    let reason = if page.undecodable {
        Some("charset")
    } else if f.truncated {
        Some("truncated")
    } else if f.error.is_some() {
        // The body broke off: what was read was examined, but a missing
        // link cannot be concluded.
        Some("incomplete")
    } else if !page.html && !page.plain {
        Some("not_html")
    } else if f.bytes_read == 0 {
        Some("empty")
    } else {
        None
    };
    if let Some(reason) = reason {
        findings.push(m.network(
            Code::BacklinkUnverifiable,
            format!("no link back was found, but the page could not be read whole ({reason})"),
            json!({ "reason": reason }),
        ));
        return;
    }
    findings.push(m.network(
        Code::BacklinkMissing,
        if elsewhere.is_empty() {
            "the source page no longer links to this item".to_string()
        } else {
            "the source page no longer links to this item (it links to other items of the site)".to_string()
        },
        json!({ "links_to_site": links_to_site, "links_to_items": elsewhere, "title": page.title }),
    ));
}

/// The `sources` of the report: every distinct stored source URL.
fn source_entries(
    pings: &[Ping],
    results: &BTreeMap<String, SourceResult>,
    index: &SiteIndex,
) -> Vec<report::SourceEntry> {
    let mut by_url: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for p in pings {
        let Some(u) = p.url.as_deref().map(resolve::clean_url).filter(|u| !u.is_empty()) else {
            continue;
        };
        let ids = by_url.entry(u).or_default();
        if let Some(id) = p.comment_id {
            ids.push(id);
        }
    }
    by_url
        .into_iter()
        .map(|(url, mut comment_ids)| {
            comment_ids.sort_unstable();
            comment_ids.dedup();
            let is_self = index.is_self_url(&url);
            let resolved = if is_self {
                index.resolve(&url, None).map(|r| r.id)
            } else {
                None
            };
            let fetch = results.get(&fetch_form(&url)).map(|r| report::FetchEntry::of(r, index));
            report::SourceEntry {
                key: resolve::source_key(&url),
                host: host_of(&url),
                url,
                is_self,
                resolved_item_id: resolved,
                comment_ids,
                fetch,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(id: i64, parent: Option<i64>) -> Comment {
        Comment {
            id: Some(id),
            parent,
            ..Comment::default()
        }
    }

    #[test]
    fn cycles_are_found_in_linear_time() {
        // A chain of 30,000 replies (quadratic walking would take minutes),
        // a three-comment cycle, and a reply hanging off the cycle.
        let mut comments: Vec<Comment> = (1..=30_000).map(|i| comment(i, (i > 1).then(|| i - 1))).collect();
        comments.extend([
            comment(40_001, Some(40_003)),
            comment(40_002, Some(40_001)),
            comment(40_003, Some(40_002)),
            comment(40_004, Some(40_001)),
        ]);
        let ids: HashMap<i64, &Comment> = comments.iter().map(|c| (c.id.unwrap_or(0), c)).collect();
        let started = std::time::Instant::now();
        let members = cycle_members(&ids);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(members, [40_001, 40_002, 40_003].into_iter().collect());
    }
}
