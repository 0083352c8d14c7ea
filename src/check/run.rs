//! The run driver: the passes over the export and the network, in the
//! order of the design (`../shared/docs/check-design.md`, 2.4).
//!
//! A first pass indexes the items and gathers the pings (checking each
//! item's thread on the way); the offline rules then judge each ping,
//! and the self-pings get a second pass reading their source items'
//! content. Unless `--offline`, each external source is fetched once
//! (through the cache), and the network rules judge the pings from it; a
//! source that could not be reached is judged only once the probe
//! (`--probe-url`) has answered, proving the network works.
//! The findings are filtered (`--ignore`), sorted, and put in the report
//! with the exit code they call for.

use super::rules::{Ping, Target, duplicates, network, selfping, source, state, structure};
use super::{Finding, Options, Outcome, SourceResult, cache, fetch_form, net, now_utc, page, report, source_host};
use crate::error::RunError;
use crate::merge::Inputs;
use crate::model::{CommentKind, Item, Record, Site};
use crate::site::{self, IndexItem, SiteIndex};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::AtomicU64;

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
}

impl Scan {
    /// The site index, built at the first call.
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

    /// Gathers one item: indexes it, checks its thread, keeps its pings.
    fn item(&mut self, item: &Item) {
        let target = Target {
            id: item.id,
            status: item.status.clone(),
            link: item.link.clone(),
            title: item
                .title
                .as_deref()
                .map(|t| crate::read::decoded(t.trim()))
                .filter(|t| !t.is_empty()),
            kind: item.kind.clone(),
            ping_status: item.ping_status.clone(),
        };
        self.index().add_item(IndexItem::of(item));
        structure::thread(item, &target, &mut self.findings);
        for c in &item.comments {
            if let Some(id) = c.id {
                match self.comment_ids.entry(id) {
                    std::collections::hash_map::Entry::Occupied(_) => self.repeated_ids.push((id, target.clone())),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(target.id);
                    }
                }
            }
            if !c.kind.is_ping() {
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
}

/// Runs the audit on `inputs` (opened once, or twice when self-pings need
/// their source posts; standard input must be spooled for that);
/// `fetched` counts sources fetched.
pub fn run(inputs: &Inputs, opts: &Options, fetched: Option<&AtomicU64>) -> Result<Outcome, RunError> {
    let sources = inputs.sources();
    let started_at = now_utc();
    // The cache is read before the export: a file that cannot be one is
    // refused at once.
    let cache = if opts.offline {
        None
    } else {
        Some(cache::Cache::load(opts.cache.as_deref(), opts.max_cache_age).map_err(|e| cache_err(opts, e))?)
    };
    let mut scan = Scan {
        self_domains: opts.self_domains.clone(),
        ..Scan::default()
    };
    let mut merged = inputs.open()?;
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
    structure::duplicate_ids(&scan.comment_ids, &scan.repeated_ids, &mut findings);

    // The offline rules; what is left goes to the network.
    let mut network: Vec<&Ping> = Vec::new();
    let mut self_checks: Vec<(&Ping, i64)> = Vec::new();
    let mut self_pings = 0u64;
    let mut skipped: BTreeMap<&'static str, u64> = BTreeMap::new();
    for p in &scan.pings {
        state::check(p, &mut findings);
        let Some(url) = source::syntax(p, &mut findings) else {
            continue;
        };
        if index.is_self_url(&url) {
            self_pings += 1;
            if let Some(source) = selfping::resolve(p, &url, &index, opts.partial_export, &mut findings) {
                self_checks.push((p, source));
            }
            continue;
        }
        if let Some(reason) = source::unfetchable(p, &url, opts, &mut findings) {
            *skipped.entry(reason).or_default() += 1;
            continue;
        }
        network.push(p);
    }
    duplicates::check(&scan.pings, &mut findings);
    if !self_checks.is_empty() {
        let wanted: HashSet<i64> = self_checks.iter().map(|(_, s)| *s).collect();
        let links = self_links(inputs, &index, &wanted)?;
        selfping::backlinks(&self_checks, &links, &mut findings);
    }

    // Network: each unique source once.
    let mut results: BTreeMap<String, SourceResult> = BTreeMap::new();
    let mut inconclusive = false;
    let mut diagnostics = Vec::new();
    let fetch_url = |p: &Ping| fetch_form(p.url.as_deref().unwrap_or_default());
    if opts.offline {
        let n: BTreeSet<String> = network.iter().map(|p| fetch_url(p)).collect();
        *skipped.entry("offline").or_default() += n.len() as u64;
    } else if let Some(cache) = cache.filter(|_| !network.is_empty()) {
        let urls: BTreeSet<String> = network.iter().map(|p| fetch_url(p)).collect();
        results = fetch(&urls, cache, opts, fetched)?;
        if let Some(d) = network_unproven(&results, opts) {
            inconclusive = true;
            diagnostics.push(d);
        }
        for p in &network {
            let u = fetch_url(p);
            let Some(r) = results.get(&u) else { continue };
            if inconclusive && r.fetch.failed_on_the_way() {
                continue;
            }
            network::check(p, r, &index, &mut findings);
        }
    }
    if opts.offline {
        diagnostics.push(report::Diagnostic {
            code: "check.skipped".to_string(),
            message: format!(
                "--offline: {} not fetched",
                crate::diag::counted(
                    skipped.get("offline").copied().unwrap_or(0),
                    "external source",
                    "external sources"
                )
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
        inputs: sources,
        opts,
        started_at,
        pings: scan.pings.len() as u64,
        pingbacks: scan.pings.iter().filter(|p| p.kind == CommentKind::Pingback).count() as u64,
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

/// The second pass, for the self-pings: each `wanted` source item with
/// the items its content links to.
fn self_links(
    inputs: &Inputs,
    index: &SiteIndex,
    wanted: &HashSet<i64>,
) -> Result<HashMap<i64, BTreeSet<i64>>, RunError> {
    let mut links: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    let mut merged = inputs.open()?;
    while let Some(rec) = merged.next_record()? {
        if let Record::Item(item) = rec
            && let Some(id) = item.id.filter(|id| wanted.contains(id))
        {
            links.entry(id).or_default().extend(selfping::links(&item, index));
        }
    }
    Ok(links)
}

/// A failure to read or write the cache.
fn cache_err(opts: &Options, source: std::io::Error) -> RunError {
    RunError::Output {
        target: opts.cache.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        source,
    }
}

/// Each of `urls` from `cache`, or fetched and read now; the cache is
/// then updated.
fn fetch(
    urls: &BTreeSet<String>,
    mut cache: cache::Cache,
    opts: &Options,
    fetched: Option<&AtomicU64>,
) -> Result<BTreeMap<String, SourceResult>, RunError> {
    let mut results = BTreeMap::new();
    let mut to_fetch = Vec::new();
    for u in urls {
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
    cache.store(&results).map_err(|e| cache_err(opts, e))?;
    Ok(results)
}

/// `check.network_unavailable`, when a fresh fetch got no answer on the
/// way to its server and the probe (`--probe-url`) gets none either: the
/// failures may be this machine's (no DNS, no route), so none of them is
/// judged. Nothing is probed when every source answered.
fn network_unproven(results: &BTreeMap<String, SourceResult>, opts: &Options) -> Option<report::Diagnostic> {
    let failed: Vec<&String> = results
        .iter()
        .filter(|(_, r)| !r.from_cache && r.fetch.failed_on_the_way())
        .map(|(u, _)| u)
        .collect();
    if failed.is_empty() {
        return None;
    }
    let hosts: BTreeSet<String> = failed.iter().map(|u| source_host(u)).collect();
    let why = net::probe(opts.resolver.clone(), &opts.net, &opts.probe_url).err()?;
    Some(report::Diagnostic {
        code: "check.network_unavailable".to_string(),
        message: format!(
            "{} on {} could not be reached, and neither could the probe {} (--probe-url): {why}; the network looks unavailable, so none of them is judged; rerun when online, or use --offline",
            crate::diag::counted(failed.len() as u64, "source", "sources"),
            crate::diag::counted(hosts.len() as u64, "host", "hosts"),
            opts.probe_url
        ),
    })
}

/// The `sources` of the report: every distinct stored source URL.
fn source_entries(
    pings: &[Ping],
    results: &BTreeMap<String, SourceResult>,
    index: &SiteIndex,
) -> Vec<report::SourceEntry> {
    let mut by_url: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for p in pings {
        let Some(u) = p.url.as_deref().map(site::clean_url).filter(|u| !u.is_empty()) else {
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
                key: site::source_key(&url),
                host: source_host(&url),
                url,
                is_self,
                resolved_item_id: resolved,
                comment_ids,
                fetch,
            }
        })
        .collect()
}
