//! `wxr info`: what is in an export at a glance.
//!
//! A [`Summary`] is built record by record (nothing is kept but counters and
//! the largest item's size), then written for a human or as JSON.

use crate::diag::{Diagnostics, Group};
use crate::model::{Item, Record, Site};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// One input file's facts.
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    /// The input as named.
    pub file: String,
    /// The encoding it was read as.
    pub encoding: String,
    /// Items read completely.
    pub complete_items: u64,
    /// Items dropped by `--salvage`.
    pub dropped_items: u64,
}

/// The largest item, by the bytes of its text fields and comments.
#[derive(Debug, Clone, Serialize)]
pub struct LargestItem {
    /// `wp:post_id`.
    pub id: Option<i64>,
    /// `<title>`.
    pub title: Option<String>,
    /// Bytes of title, content, excerpt, meta values and comments.
    pub bytes: u64,
}

/// First and last item dates (site-local wall clock).
#[derive(Debug, Clone, Serialize)]
pub struct DateRange {
    /// The earliest `wp:post_date`.
    pub first: String,
    /// The latest `wp:post_date`.
    pub last: String,
}

/// Counts of an export. See the module doc.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Each input read.
    pub inputs: Vec<InputSummary>,
    /// The site (of the first input).
    pub site: Site,
    /// Number of items.
    pub items: u64,
    /// Items by type, then by status.
    pub items_by_type: BTreeMap<String, BTreeMap<String, u64>>,
    /// Number of comments, pingbacks and trackbacks.
    pub comments: u64,
    /// Comments by type, then by status.
    pub comments_by_type: BTreeMap<String, BTreeMap<String, u64>>,
    /// Number of authors.
    pub authors: u64,
    /// Number of channel terms.
    pub terms: u64,
    /// Channel terms by taxonomy.
    pub terms_by_taxonomy: BTreeMap<String, u64>,
    /// Number of attachments.
    pub attachments: u64,
    /// The largest item.
    pub largest_item: Option<LargestItem>,
    /// The range of item dates.
    pub date_range: Option<DateRange>,
    /// Every repair and warning, grouped by code.
    pub diagnostics: Vec<Group>,
}

impl Summary {
    /// Counts one record.
    pub fn add(&mut self, record: &Record) {
        match record {
            Record::Site(s) => self.site = s.clone(),
            Record::Author(_) => self.authors += 1,
            Record::Term(t) => {
                self.terms += 1;
                *self.terms_by_taxonomy.entry(t.taxonomy.clone()).or_default() += 1;
            }
            Record::Item(i) => self.add_item(i),
        }
    }

    fn add_item(&mut self, i: &Item) {
        self.items += 1;
        *self
            .items_by_type
            .entry(i.kind.clone())
            .or_default()
            .entry(i.status.clone())
            .or_default() += 1;
        if i.kind == "attachment" {
            self.attachments += 1;
        }
        for c in &i.comments {
            self.comments += 1;
            *self
                .comments_by_type
                .entry(c.kind.to_string())
                .or_default()
                .entry(c.status.clone())
                .or_default() += 1;
        }
        let bytes = item_bytes(i);
        if self.largest_item.as_ref().is_none_or(|l| bytes > l.bytes) {
            self.largest_item = Some(LargestItem {
                id: i.id,
                title: i.title.clone(),
                bytes,
            });
        }
        if let Some(d) = &i.date {
            match &mut self.date_range {
                None => {
                    self.date_range = Some(DateRange {
                        first: d.clone(),
                        last: d.clone(),
                    })
                }
                Some(r) => {
                    if *d < r.first {
                        r.first = d.clone();
                    }
                    if *d > r.last {
                        r.last = d.clone();
                    }
                }
            }
        }
    }

    /// Records the diagnostics of the run.
    pub fn set_diagnostics(&mut self, d: &Diagnostics) {
        self.diagnostics = d.groups().to_vec();
    }

    /// Writes the summary for a human.
    pub fn write_text(&self, w: &mut dyn Write) -> io::Result<()> {
        for i in &self.inputs {
            write!(w, "input:        {} ({}", i.file, i.encoding)?;
            if i.dropped_items > 0 {
                write!(
                    w,
                    ", {} dropped by --salvage",
                    crate::diag::counted(i.dropped_items, "item", "items")
                )?;
            }
            writeln!(w, ")")?;
        }
        let s = &self.site;
        writeln!(w, "WXR version:  {}", s.wxr_version.as_deref().unwrap_or("?"))?;
        write!(w, "site:         {}", s.title.as_deref().unwrap_or("(untitled)"))?;
        if let Some(l) = s.base_blog_url.as_ref().or(s.link.as_ref()) {
            write!(w, " — {l}")?;
        }
        if let Some(l) = &s.language {
            write!(w, " ({l})")?;
        }
        writeln!(w)?;
        if let Some(g) = &s.generator {
            writeln!(w, "generator:    {g}")?;
        }
        writeln!(w, "items:        {}", self.items)?;
        write_breakdown(w, &self.items_by_type)?;
        writeln!(w, "comments:     {}", self.comments)?;
        write_breakdown(w, &self.comments_by_type)?;
        writeln!(w, "authors:      {}", self.authors)?;
        writeln!(w, "terms:        {}", self.terms)?;
        for (tax, n) in &self.terms_by_taxonomy {
            writeln!(w, "  {tax:<14} {n}")?;
        }
        writeln!(w, "attachments:  {}", self.attachments)?;
        if let Some(l) = &self.largest_item {
            write!(w, "largest item: ")?;
            match l.id {
                Some(id) => write!(w, "id {id}")?,
                None => write!(w, "(no id)")?,
            }
            if let Some(t) = &l.title {
                write!(w, " {t:?}")?;
            }
            writeln!(w, ", {} bytes", l.bytes)?;
        }
        if let Some(r) = &self.date_range {
            writeln!(w, "dates:        {} … {}", r.first, r.last)?;
        }
        if self.diagnostics.is_empty() {
            writeln!(w, "repairs and warnings: none")?;
        } else {
            writeln!(w, "repairs and warnings:")?;
            for g in &self.diagnostics {
                writeln!(w, "  {} [{}] × {}", g.severity, g.code, g.count)?;
                for d in &g.examples {
                    write!(w, "    ")?;
                    if let Some(loc) = &d.location {
                        write!(w, "{loc}: ")?;
                    }
                    write!(w, "{}", d.message)?;
                    if let Some(id) = d.item_id {
                        write!(w, " (item {id})")?;
                    }
                    writeln!(w)?;
                }
            }
        }
        Ok(())
    }
}

fn write_breakdown(w: &mut dyn Write, m: &BTreeMap<String, BTreeMap<String, u64>>) -> io::Result<()> {
    for (kind, statuses) in m {
        let parts: Vec<String> = statuses.iter().map(|(s, n)| format!("{s} {n}")).collect();
        writeln!(w, "  {kind:<14} {}", parts.join(", "))?;
    }
    Ok(())
}

/// Bytes of an item's text: title, content, excerpt, meta values, comments.
pub fn item_bytes(i: &Item) -> u64 {
    let meta: usize = i.meta.iter().map(|m| m.key.len() + m.value.len()).sum();
    let comments: usize = i.comments.iter().map(|c| c.content.len()).sum();
    (i.title.as_deref().map_or(0, str::len) + i.content.len() + i.excerpt.len() + meta + comments) as u64
}
