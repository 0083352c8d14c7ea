//! The report of a run, `wxr-report.json` in the site directory: the items
//! written (with what their conversion met), the items skipped and why,
//! path collisions, orphan pages, redirect files, media downloads and the
//! diagnostics of reading.

use crate::fetch::Outcome;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// One written item in the report.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    /// `wp:post_id`.
    pub id: Option<i64>,
    /// The file.
    pub path: String,
    /// Its URL on the new site.
    pub url: String,
    /// Written as a draft.
    pub draft: bool,
    /// Comments and pings published.
    pub comments: u64,
    /// Shortcodes kept as written.
    pub unknown_shortcodes: BTreeMap<String, u64>,
    /// Elements kept as raw HTML.
    pub raw_html: BTreeMap<String, u64>,
    /// Dynamic blocks not rendered.
    pub dynamic_blocks: BTreeMap<String, u64>,
    /// `[gallery]` ids missing from the export.
    pub missing_attachments: Vec<i64>,
    /// Footnote references without a text (kept as their number), by id.
    pub missing_footnotes: Vec<String>,
    /// Footnote texts no reference points at (still written), by id.
    pub unreferenced_footnotes: Vec<String>,
    /// Comments not published, by status.
    pub comments_skipped: BTreeMap<String, u64>,
    /// Replies whose parent is not published.
    pub orphan_comments: Vec<i64>,
}

/// One skipped item in the report.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// `wp:post_id`.
    pub id: Option<i64>,
    /// Post type.
    pub r#type: String,
    /// Title (empty for private items: the report sits in the site's tree).
    pub title: String,
    /// Why.
    pub reason: String,
}

/// What a run did: written to `wxr-report.json` in the site directory.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SiteReport {
    /// Items written.
    pub written: Vec<Written>,
    /// Items not written, with the reason.
    pub skipped: Vec<Skipped>,
    /// Paths that collided: (wanted, given).
    pub collisions: Vec<(String, String)>,
    /// Pages whose parent is not written.
    pub orphan_pages: Vec<Option<i64>>,
    /// Redirect files written.
    pub redirect_files: Vec<String>,
    /// Media downloads (`--download-media`), one per file.
    pub media: Vec<MediaDownload>,
    /// Repairs and warnings of reading, by code.
    pub diagnostics: Vec<crate::diag::Group>,
}

impl SiteReport {
    /// The plan, one line per file written, item skipped, collision and
    /// download (what `--dry-run` prints).
    pub fn write_plan(&self, w: &mut dyn Write) -> std::io::Result<()> {
        for f in &self.written {
            writeln!(
                w,
                "write {}  ({}){}",
                f.path,
                f.url,
                if f.draft { "  draft" } else { "" }
            )?;
        }
        for s in &self.skipped {
            writeln!(w, "skip  {} {:?}: {}", s.r#type, s.title, s.reason)?;
        }
        for (wanted, given) in &self.collisions {
            writeln!(w, "collision: {wanted} -> {given}")?;
        }
        for d in &self.media {
            writeln!(w, "download {}  -> {}", d.url, d.file)?;
        }
        Ok(())
    }

    /// What was written (or would be, in a dry run), and what became of
    /// the media downloads (`--download-media`): the closing lines.
    pub fn closing_lines(&self, opts: &super::Options) -> Vec<String> {
        let dry_run = opts.dry_run;
        let collisions = match self.collisions.len() {
            0 => String::new(),
            n => format!(", {n} path collision(s) suffixed"),
        };
        let mut lines = vec![format!(
            "{} {} file(s), skipped {} item(s) (see wxr-report.json){collisions}",
            if dry_run { "would write" } else { "wrote" },
            self.written.len(),
            self.skipped.len(),
        )];
        if !dry_run && opts.download.is_some() {
            let count =
                |f: fn(&Outcome) -> bool| self.media.iter().filter(|d| d.outcome.as_ref().is_some_and(f)).count();
            let failed = count(|o| matches!(o, Outcome::Failed { .. }));
            lines.push(format!(
                "media: {} downloaded, {} already there, {failed} failed{}",
                count(|o| matches!(o, Outcome::Fetched { .. })),
                count(|o| matches!(o, Outcome::Present)),
                if failed > 0 {
                    " (listed in wxr-report.json; run again to retry them)"
                } else {
                    ""
                }
            ));
        }
        lines
    }
}

/// One media file of `--download-media` in the report.
#[derive(Debug, Clone, Serialize)]
pub struct MediaDownload {
    /// Where it was fetched from.
    pub url: String,
    /// The file in the site directory.
    pub file: String,
    /// What happened (absent in a dry run).
    #[serde(flatten)]
    pub outcome: Option<Outcome>,
}
