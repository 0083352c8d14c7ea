//! The report of `wxr check` and its formats.
//!
//! [`Report`] is the JSON contract (`report_version` 1): every key always
//! present, `null` or `[]` when absent, keys and lists in a deterministic
//! order. The human format groups findings by post, worst first, each
//! with why and what to do, then lists the source hosts with the most
//! findings and the comment ids of each action; JSON Lines writes one record per
//! line (`source`, `finding`, then `summary`); Markdown is a summary table
//! and a section per severity; HTML is [`super::html`]. The fetch cache is
//! [`super::cache`].

use super::{Action, Finding, Options, Severity, SourceResult, net};
use crate::diag::counted;
use crate::model::Site;
use crate::read::Source;
use crate::transform::html::markdown_text;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

/// A run-level message (`check.network_unavailable`, `check.skipped`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Its code.
    pub code: String,
    /// What happened.
    pub message: String,
}

/// A link on a source page that points to this site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfLink {
    /// As written.
    pub href: String,
    /// The item it resolves to.
    pub resolved_item_id: Option<i64>,
    /// The rule that resolved it.
    pub rule: Option<String>,
}

/// What fetching a source gave, in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchEntry {
    /// Attempts (retries included).
    pub attempts: u32,
    /// Came from the cache.
    pub from_cache: bool,
    /// When.
    pub fetched_at: String,
    /// The failure.
    pub error: Option<net::FetchError>,
    /// Every request.
    pub hops: Vec<net::Hop>,
    /// The final URL.
    pub final_url: Option<String>,
    /// The final status.
    pub status: Option<u16>,
    /// The final `Content-Type`.
    pub content_type: Option<String>,
    /// The charset the page was read in.
    pub charset: Option<String>,
    /// Bytes read.
    pub bytes_read: u64,
    /// Larger than the body limit.
    pub truncated: bool,
    /// `<title>`.
    pub title: Option<String>,
    /// Links to this site.
    pub self_links: Vec<SelfLink>,
}

impl FetchEntry {
    /// The report's view of a result.
    pub fn of(r: &SourceResult, index: &crate::site::SiteIndex) -> FetchEntry {
        let page = r.page.as_ref();
        FetchEntry {
            attempts: r.fetch.attempts,
            from_cache: r.from_cache,
            fetched_at: r.fetched_at.clone(),
            error: r.fetch.error.clone(),
            hops: r.fetch.hops.clone(),
            final_url: r.fetch.final_url.clone(),
            status: r.fetch.status,
            content_type: r.fetch.content_type.clone(),
            charset: page.map(|p| p.charset.clone()).filter(|c| !c.is_empty()),
            bytes_read: r.fetch.bytes_read,
            truncated: r.fetch.truncated,
            title: page.and_then(|p| p.title.clone()),
            self_links: page
                .map(|p| {
                    p.links
                        .iter()
                        .filter(|l| index.is_self_url(&l.url))
                        .map(|l| {
                            let res = index.resolve(&l.url, None);
                            SelfLink {
                                href: l.href.clone(),
                                resolved_item_id: res.as_ref().map(|r| r.id),
                                rule: res.map(|r| r.rule.as_str().to_string()),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// One distinct source URL of the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// As stored (cleaned: whitespace trimmed, `&amp;` decoded).
    pub url: String,
    /// The normalized key duplicates are found by.
    pub key: Option<String>,
    /// Its host.
    pub host: String,
    /// On this site.
    #[serde(rename = "self")]
    pub is_self: bool,
    /// The item a self source resolves to.
    pub resolved_item_id: Option<i64>,
    /// The pings from it.
    pub comment_ids: Vec<i64>,
    /// The fetch, when one was made.
    pub fetch: Option<FetchEntry>,
}

/// The tool that wrote the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// `wxr`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The export checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    /// The inputs as named.
    pub paths: Vec<String>,
    /// The channel `<link>`.
    pub site_link: Option<String>,
    /// `wp:base_site_url`.
    pub base_site_url: Option<String>,
    /// `wp:base_blog_url`.
    pub base_blog_url: Option<String>,
    /// `wp:wxr_version`.
    pub wxr_version: Option<String>,
}

/// The options that shaped the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOptions {
    /// `--offline`.
    pub offline: bool,
    /// `--fail-on` (`never` when none).
    pub fail_on: String,
    /// `--ignore`.
    pub ignore: Vec<String>,
    /// The hosts taken as this site.
    pub self_domains: Vec<String>,
    /// `--timeout`, in milliseconds.
    pub timeout_ms: u64,
    /// `--retries`.
    pub retries: u32,
    /// `--max-redirects`.
    pub max_redirects: u32,
    /// `--max-body-size`.
    pub max_body_bytes: u64,
    /// `--user-agent`.
    pub user_agent: String,
    /// `--cache`.
    pub cache: Option<String>,
}

/// Counts of sources not fetched, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// `--offline`.
    pub offline: u64,
    /// Private or loopback addresses.
    pub private: u64,
    /// Reserved domains.
    pub reserved: u64,
}

/// Findings by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BySeverity {
    /// Errors.
    pub error: u64,
    /// Warnings.
    pub warning: u64,
    /// Infos.
    pub info: u64,
}

/// The summary of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Pingbacks and trackbacks.
    pub pings: u64,
    /// Pingbacks.
    pub pingbacks: u64,
    /// Trackbacks.
    pub trackbacks: u64,
    /// Pings from this site.
    pub self_pings: u64,
    /// Distinct source URLs.
    pub sources_unique: u64,
    /// Distinct source hosts.
    pub hosts_unique: u64,
    /// Sources fetched now.
    pub fetched: u64,
    /// Sources taken from the cache.
    pub cached: u64,
    /// Sources not fetched.
    pub skipped: Skipped,
    /// Findings by severity.
    pub findings: BySeverity,
    /// Findings by code (sorted).
    pub by_code: BTreeMap<String, u64>,
    /// Findings by suggested action.
    pub actions: BTreeMap<String, u64>,
    /// Run-level messages.
    pub diagnostics: Vec<Diagnostic>,
    /// The exit code of the run.
    pub exit_code: i32,
}

impl Summary {
    /// `12 pings checked: 1 error, 2 warnings, 3 info`.
    pub fn closing_line(&self) -> String {
        let f = &self.findings;
        format!(
            "{} checked: {}, {}, {} info",
            counted(self.pings, "ping", "pings"),
            counted(f.error, "error", "errors"),
            counted(f.warning, "warning", "warnings"),
            f.info
        )
    }

    /// The counts the human and HTML reports open with: the pings, and
    /// their sources.
    pub fn counts(&self) -> [String; 2] {
        [
            format!(
                "{} ({}, {}) · {}",
                counted(self.pings, "ping", "pings"),
                counted(self.pingbacks, "pingback", "pingbacks"),
                counted(self.trackbacks, "trackback", "trackbacks"),
                counted(self.self_pings, "self-ping", "self-pings")
            ),
            format!(
                "{} on {} · fetched {} · cached {} · skipped {}",
                counted(self.sources_unique, "unique source", "unique sources"),
                counted(self.hosts_unique, "host", "hosts"),
                self.fetched,
                self.cached,
                self.skipped.offline + self.skipped.private + self.skipped.reserved
            ),
        ]
    }

    /// `Summary: 1 error · 2 warnings · 3 info`, the human report's last
    /// line (and its only one with `--quiet`).
    pub fn summary_line(&self) -> String {
        let f = &self.findings;
        format!(
            "Summary: {} · {} · {} info",
            counted(f.error, "error", "errors"),
            counted(f.warning, "warning", "warnings"),
            f.info
        )
    }
}

/// The formats of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReportFormat {
    /// A table for people.
    Human,
    /// The versioned JSON document.
    Json,
    /// One record per line: sources, findings, summary.
    Jsonl,
    /// Markdown.
    Markdown,
    /// One self-contained HTML page: a table that sorts, with filters.
    Html,
}

/// The whole report (JSON schema version 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always 1.
    pub report_version: u32,
    /// The tool.
    pub tool: Tool,
    /// The export.
    pub export: Export,
    /// The options.
    pub options: ReportOptions,
    /// Start, UTC.
    pub started_at: String,
    /// End, UTC.
    pub finished_at: String,
    /// Counts.
    pub summary: Summary,
    /// Every distinct source, by URL.
    pub sources: Vec<SourceEntry>,
    /// Every finding, by item, comment and code.
    pub findings: Vec<Finding>,
}

/// What [`Report::build`] is made of.
pub struct Parts<'a> {
    pub(super) site: &'a Site,
    pub(super) inputs: &'a [Source],
    pub(super) opts: &'a Options,
    pub(super) started_at: String,
    pub(super) pings: u64,
    pub(super) pingbacks: u64,
    pub(super) self_pings: u64,
    pub(super) sources: Vec<SourceEntry>,
    pub(super) skipped: BTreeMap<&'static str, u64>,
    pub(super) findings: Vec<Finding>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) exit_code: i32,
    pub(super) self_hosts: Vec<String>,
}

impl Report {
    /// Assembles the report and its summary.
    pub fn build(p: Parts<'_>) -> Report {
        let mut by_code = BTreeMap::new();
        // Every action, zero included: the keys are part of the schema.
        let mut actions: BTreeMap<String, u64> = ["delete", "rewrite_source", "reparent", "mark_spam", "review"]
            .into_iter()
            .map(|a| (a.to_string(), 0))
            .collect();
        let mut sev = BySeverity::default();
        for f in &p.findings {
            *by_code.entry(f.code.clone()).or_insert(0) += 1;
            if f.fix.action != Action::None {
                *actions.entry(f.fix.action.as_str().to_string()).or_insert(0) += 1;
            }
            match f.severity {
                Severity::Error => sev.error += 1,
                Severity::Warning => sev.warning += 1,
                Severity::Info => sev.info += 1,
            }
        }
        let fetches = p.sources.iter().filter_map(|s| s.fetch.as_ref());
        let (cached, fetched) = fetches.fold((0, 0), |(c, f), e| if e.from_cache { (c + 1, f) } else { (c, f + 1) });
        let hosts: std::collections::BTreeSet<&str> = p.sources.iter().map(|s| s.host.as_str()).collect();
        let opts = p.opts;
        Report {
            report_version: super::REPORT_VERSION,
            tool: Tool {
                name: "wxr".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            export: Export {
                paths: p
                    .inputs
                    .iter()
                    .map(|s| match s {
                        Source::Stdin => "-".to_string(),
                        Source::Path(path) => path.display().to_string(),
                    })
                    .collect(),
                site_link: p.site.link.clone(),
                base_site_url: p.site.base_site_url.clone(),
                base_blog_url: p.site.base_blog_url.clone(),
                wxr_version: p.site.wxr_version.clone(),
            },
            options: ReportOptions {
                offline: opts.offline,
                fail_on: opts.fail_on.map_or("never", Severity::as_str).to_string(),
                ignore: opts.ignore.clone(),
                self_domains: p.self_hosts,
                timeout_ms: opts.net.timeout.as_millis() as u64,
                retries: opts.net.retries,
                max_redirects: opts.net.max_redirects,
                max_body_bytes: opts.net.max_body,
                user_agent: opts.net.user_agent.clone(),
                cache: opts.cache.as_ref().map(|c| c.display().to_string()),
            },
            started_at: p.started_at,
            finished_at: super::now_utc(),
            summary: Summary {
                pings: p.pings,
                pingbacks: p.pingbacks,
                trackbacks: p.pings - p.pingbacks,
                self_pings: p.self_pings,
                sources_unique: p.sources.len() as u64,
                hosts_unique: hosts.len() as u64,
                fetched,
                cached,
                skipped: Skipped {
                    offline: p.skipped.get("offline").copied().unwrap_or(0),
                    private: p.skipped.get("private").copied().unwrap_or(0),
                    reserved: p.skipped.get("reserved").copied().unwrap_or(0),
                },
                findings: sev,
                by_code,
                actions,
                diagnostics: p.diagnostics,
                exit_code: p.exit_code,
            },
            sources: p.sources,
            findings: p.findings,
        }
    }

    /// The comments whose findings at or above `min` say `delete`, by item
    /// and comment id, sorted.
    pub fn to_delete(&self, min: Severity) -> Vec<crate::model::CommentRef> {
        let mut refs: Vec<crate::model::CommentRef> = self
            .findings
            .iter()
            .filter(|f| f.severity >= min && f.fix.action == Action::Delete)
            .filter_map(|f| {
                Some(crate::model::CommentRef {
                    item: f.item_id,
                    comment: f.comment_id?,
                })
            })
            .collect();
        refs.sort_unstable();
        refs.dedup();
        refs
    }

    /// The ids of [`Report::to_delete`], sorted (WordPress's own comment
    /// ids, as `wp comment delete` takes them).
    pub fn delete_ids(&self, min: Severity) -> Vec<i64> {
        let mut ids: Vec<i64> = self.to_delete(min).iter().map(|r| r.comment).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Reads the report `wxr check --format json` wrote to `path`.
    pub fn load(path: &std::path::Path) -> Result<Report, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a `wxr check --format json` report: {e}", path.display()))
    }

    /// The pings a conversion keeps with `--pingbacks verified`: all but
    /// those the report marks for deletion, at any severity; with what the
    /// user should know about the report (made offline, inconclusive).
    pub fn ping_filter(&self) -> (crate::merge::PingFilter, Vec<String>) {
        let mut warnings = Vec::new();
        if self.options.offline {
            warnings.push(
                "the report was made --offline: external sources were not fetched, so only offline findings leave pings out"
                    .to_string(),
            );
        }
        if self.summary.exit_code == 4 {
            warnings.push(
                "the report is inconclusive (the network looked unavailable): only the pings it could judge are left out"
                    .to_string(),
            );
        }
        let refs = self.to_delete(Severity::Info);
        (
            crate::merge::PingFilter::Except(std::sync::Arc::new(refs.into_iter().collect())),
            warnings,
        )
    }

    /// The report in `format` (infos in the human format with `verbose`).
    pub fn write(&self, format: ReportFormat, w: &mut dyn Write, verbose: bool) -> io::Result<()> {
        match format {
            ReportFormat::Human => self.write_human(w, verbose),
            ReportFormat::Json => self.write_json(w),
            ReportFormat::Jsonl => self.write_jsonl(w),
            ReportFormat::Markdown => self.write_markdown(w),
            ReportFormat::Html => super::html::write(self, w),
        }
    }

    /// The JSON document, pretty-printed.
    pub fn write_json(&self, w: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        w.write_all(b"\n")
    }

    /// One record per line: sources, findings, then the summary.
    pub fn write_jsonl(&self, w: &mut dyn Write) -> io::Result<()> {
        let line = |w: &mut dyn Write, tag: &str, v: serde_json::Value| -> io::Result<()> {
            let mut obj = serde_json::Map::new();
            obj.insert("record".into(), tag.into());
            if let serde_json::Value::Object(m) = v {
                obj.extend(m);
            }
            serde_json::to_writer(&mut *w, &obj)?;
            w.write_all(b"\n")
        };
        for s in &self.sources {
            line(w, "source", serde_json::to_value(s)?)?;
        }
        for f in &self.findings {
            line(w, "finding", serde_json::to_value(f)?)?;
        }
        let mut summary = serde_json::to_value(&self.summary)?;
        if let serde_json::Value::Object(m) = &mut summary {
            m.insert("report_version".into(), self.report_version.into());
        }
        line(w, "summary", summary)
    }

    /// Findings in severity order, then by code, item and comment.
    pub(super) fn by_severity(&self, min: Severity) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self.findings.iter().filter(|f| f.severity >= min).collect();
        v.sort_by(|a, b| {
            (std::cmp::Reverse(a.severity), &a.code, a.item_id, a.comment_id).cmp(&(
                std::cmp::Reverse(b.severity),
                &b.code,
                b.item_id,
                b.comment_id,
            ))
        });
        v
    }

    /// The human report, for the blogger: counts, then the findings
    /// grouped by post (its title), worst first, each with why and what
    /// to do (infos with `verbose`), the source hosts with the most
    /// findings, what to do over all with the comment ids it concerns,
    /// and the summary.
    pub fn write_human(&self, w: &mut dyn Write, verbose: bool) -> io::Result<()> {
        let s = &self.summary;
        writeln!(w, "wxr check {}", self.export.paths.join(" "))?;
        for line in s.counts() {
            writeln!(w, "  {line}")?;
        }
        let shown = self.by_severity(if verbose { Severity::Info } else { Severity::Warning });
        for group in by_item(&shown) {
            writeln!(w)?;
            writeln!(w, "{}", item_heading(group[0]))?;
            for f in group {
                let source = match (f.source_url.as_deref(), f.comment_type.as_deref()) {
                    (Some(u), _) => format!("  {}", terminal_text(&short_url(u))),
                    (None, Some("pingback" | "trackback")) => "  (no source)".to_string(),
                    (None, _) => String::new(),
                };
                writeln!(
                    w,
                    "  {:<7}  {}{source}  [{}]",
                    f.severity.as_str(),
                    comment_name(f),
                    f.code
                )?;
                writeln!(w, "           {}", terminal_text(&sentence(&f.message)))?;
                if let Some(todo) = todo(f) {
                    writeln!(w, "           → {todo}")?;
                }
            }
        }
        let mut hosts: HashMap<String, (u64, BTreeMap<&str, u64>)> = HashMap::new();
        for f in self.findings.iter().filter(|f| f.severity >= Severity::Warning) {
            if let Some(h) = f
                .source_url
                .as_deref()
                .map(super::source_host)
                .filter(|h| !h.is_empty())
            {
                let e = hosts.entry(h).or_default();
                e.0 += 1;
                *e.1.entry(f.code.as_str()).or_default() += 1;
            }
        }
        if !hosts.is_empty() {
            let mut hosts: Vec<(String, HostTally<'_>)> = hosts.into_iter().collect();
            hosts.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
            let top: Vec<String> = hosts
                .iter()
                .take(10)
                .map(|(h, (n, codes))| {
                    let main = codes.iter().max_by_key(|(_, n)| **n).map_or("", |(c, _)| *c);
                    format!("{} {n} ({})", terminal_text(h), main.rsplit('.').next().unwrap_or(main))
                })
                .collect();
            writeln!(w)?;
            writeln!(w, "By source host: {}", top.join(" · "))?;
        }
        for d in &s.diagnostics {
            writeln!(w, "{}: {}", d.code, terminal_text(&d.message))?;
        }
        let todo = self.to_do(if verbose { Severity::Info } else { Severity::Warning });
        if !todo.is_empty() {
            writeln!(w)?;
            writeln!(w, "To do:")?;
            for (action, ids) in &todo {
                let limit = if verbose { ids.len() } else { IDS_SHOWN };
                let mut list: Vec<String> = ids.iter().take(limit).map(|c| c.to_string()).collect();
                if ids.len() > limit {
                    list.push(format!("and {} more (-v lists them)", ids.len() - limit));
                }
                writeln!(w, "  {}: {}", action_phrase(*action, ids.len()), list.join(", "))?;
            }
        }
        writeln!(w, "{}", s.summary_line())?;
        let deletes = self.delete_ids(Severity::Error).len() as u64;
        if deletes > 0 {
            writeln!(
                w,
                "Hint: --emit-delete-ids ids.txt writes the {} of the errors to delete, for wp comment delete \
                 (--fail-on warning adds the warnings'); --write-cleaned out.xml writes the export without them.",
                counted(deletes, "id", "ids")
            )?;
        }
        if !verbose && s.findings.info > 0 {
            writeln!(
                w,
                "(-v lists the {})",
                counted(s.findings.info, "info finding", "info findings")
            )?;
        }
        Ok(())
    }

    /// Every action some finding at or above `min` suggests, with the ids
    /// of the comments it concerns (sorted, each once), in the order of
    /// [`Action`].
    pub fn to_do(&self, min: Severity) -> BTreeMap<Action, Vec<i64>> {
        let mut todo: BTreeMap<Action, Vec<i64>> = BTreeMap::new();
        for f in self.findings.iter().filter(|f| f.severity >= min) {
            if let (Some(id), true) = (f.comment_id, f.fix.action != Action::None) {
                todo.entry(f.fix.action).or_default().push(id);
            }
        }
        for ids in todo.values_mut() {
            ids.sort_unstable();
            ids.dedup();
        }
        todo
    }

    /// A Markdown report: summary table, then a section per severity.
    pub fn write_markdown(&self, w: &mut dyn Write) -> io::Result<()> {
        let s = &self.summary;
        writeln!(w, "# Pingback audit: {}\n", self.export.paths.join(", "))?;
        writeln!(w, "| | count |\n| --- | ---: |")?;
        for (k, v) in [
            ("pings", s.pings),
            ("pingbacks", s.pingbacks),
            ("trackbacks", s.trackbacks),
            ("self-pings", s.self_pings),
            ("unique sources", s.sources_unique),
            ("fetched", s.fetched),
            ("errors", s.findings.error),
            ("warnings", s.findings.warning),
            ("info", s.findings.info),
        ] {
            writeln!(w, "| {k} | {v} |")?;
        }
        for d in &s.diagnostics {
            writeln!(w, "\n> **{}**: {}", d.code, d.message)?;
        }
        let all = self.by_severity(Severity::Info);
        for sev in [Severity::Error, Severity::Warning, Severity::Info] {
            let list: Vec<&&Finding> = all.iter().filter(|f| f.severity == sev).collect();
            if list.is_empty() {
                continue;
            }
            writeln!(w, "\n## {} ({})\n", sev.as_str(), list.len())?;
            for f in list {
                // Source URLs and messages (a page's title) come from
                // strangers: a link only to a web page, the rest as text.
                let source = f.source_url.as_deref().unwrap_or("");
                let source = match crate::transform::sanitize::safe_url(source) {
                    Some(url) => format!("<{url}>"),
                    None => markdown_text(source),
                };
                writeln!(
                    w,
                    "* `{}` comment {} on item {} {source} | {}",
                    f.code,
                    f.comment_id.map_or_else(|| "-".into(), |c| format!("#{c}")),
                    f.item_id.map_or_else(|| "-".into(), |c| format!("#{c}")),
                    markdown_text(&f.message).replace('|', "\\|")
                )?;
            }
        }
        Ok(())
    }
}

/// How many comment ids each action of the human report lists without
/// `-v`.
const IDS_SHOWN: usize = 20;

/// Text from strangers (titles, messages quoting a page) for a terminal:
/// control characters, which could move the cursor or change colours,
/// shown as spaces.
fn terminal_text(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A finding's message as a sentence: its first letter upper case, a
/// full stop at its end.
pub(super) fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with(['.', '!', '?', ')']) {
        out.push('.');
    }
    out
}

/// `findings` (in severity order) grouped by item: the group of the item
/// with the worst finding first, then by item id; the export's own
/// findings (no item) last. Within a group, the findings keep their order.
pub(super) fn by_item<'a>(findings: &[&'a Finding]) -> Vec<Vec<&'a Finding>> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    let mut at: HashMap<Option<i64>, usize> = HashMap::new();
    for f in findings {
        let i = *at.entry(f.item_id).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(f);
    }
    groups.sort_by_key(|g| {
        let worst = g.iter().map(|f| f.severity).max();
        (std::cmp::Reverse(worst), g[0].item_id.is_none(), g[0].item_id)
    });
    groups
}

/// The heading of an item's findings: its title and id, its status when
/// it is not published.
pub(super) fn item_heading(f: &Finding) -> String {
    let Some(id) = f.item_id else {
        return "The export".to_string();
    };
    let status = match f.item_status.as_deref() {
        Some("publish") | None => String::new(),
        Some(s) => format!(", {}", terminal_text(s)),
    };
    match &f.item_title {
        Some(t) => format!("\u{201c}{}\u{201d} (#{id}{status})", terminal_text(t)),
        None => format!("Item #{id} (no title{status})"),
    }
}

/// The comment a finding is about: `pingback 153`, `comment 170`.
pub(super) fn comment_name(f: &Finding) -> String {
    let kind = f.comment_type.as_deref().unwrap_or("comment");
    match f.comment_id {
        Some(id) => format!("{kind} {id}"),
        None if f.item_id.is_some() => format!("{kind} without id"),
        None => "-".to_string(),
    }
}

/// What to do about one finding, in words, naming the comment; none when
/// nothing is to be done.
pub(super) fn todo(f: &Finding) -> Option<String> {
    let id = f
        .comment_id
        .map_or_else(|| "the comment without id".to_string(), |c| format!("comment {c}"));
    let value = match &f.fix.new_value {
        serde_json::Value::String(s) => terminal_text(s),
        v => v.to_string(),
    };
    Some(match f.fix.action {
        Action::Delete => format!("delete {id}"),
        Action::RewriteSource => format!("point {id} at {value}"),
        Action::Reparent if matches!(f.fix.new_value.as_i64(), None | Some(0)) => {
            format!("move {id} to the top of its thread")
        }
        Action::Reparent => format!("give {id} the parent {value}"),
        Action::MarkSpam => format!("mark {id} as spam"),
        Action::Review => format!("look at {id}"),
        Action::None => return None,
    })
}

/// An action on `n` comments, as the list of what to do says it:
/// `delete 3 comments`, `mark 1 comment as spam`.
pub(super) fn action_phrase(a: Action, n: usize) -> String {
    let n = counted(n as u64, "comment", "comments");
    match a {
        Action::Delete => format!("delete {n}"),
        Action::RewriteSource => format!("rewrite the source of {n}"),
        Action::Reparent => format!("re-parent {n}"),
        Action::MarkSpam => format!("mark {n} as spam"),
        Action::Review => format!("look at {n}"),
        Action::None => format!("leave {n} as they are"),
    }
}

/// Findings of one source host: their count, and the count per code.
type HostTally<'a> = (u64, BTreeMap<&'a str, u64>);

/// A URL without its scheme, shortened for a table.
fn short_url(u: &str) -> String {
    let s = u.trim_start_matches("https://").trim_start_matches("http://");
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s.to_string()
    }
}
