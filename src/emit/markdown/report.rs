//! The report of a run, `_wxr/wxr-report.json` in the site directory: the items
//! written (with what their conversion met, and what was nested too deep
//! to follow), the items skipped and why, path collisions, orphan pages,
//! redirect files and the old URLs left out of them, media downloads and
//! the diagnostics of reading.

use crate::diag::counted;
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
    /// `[gallery]`s that show no image, left out.
    pub empty_galleries: u64,
    /// It has no title: its date stands for it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub untitled: bool,
    /// Footnote references without a text (kept as their number), by id.
    pub missing_footnotes: Vec<String>,
    /// Footnote texts no reference points at (still written), by id.
    pub unreferenced_footnotes: Vec<String>,
    /// Comments not published, by status.
    pub comments_skipped: BTreeMap<String, u64>,
    /// Replies whose parent is not published.
    pub orphan_comments: Vec<i64>,
    /// What was nested too deep to follow, kept flattened (absent when
    /// nothing was).
    #[serde(skip_serializing_if = "TooDeep::is_empty")]
    pub too_deep: TooDeep,
}

/// What of one item was nested too deep to follow, and kept flattened;
/// each part absent when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TooDeep {
    /// Elements of the body nested deeper than the conversion follows
    /// ([`crate::transform::html::MAX_DEPTH`] levels), whose content is
    /// written as text: by name, with counts.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub html: BTreeMap<String, u64>,
    /// Comments (written inline) whose text was nested that deep, by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comment_html: Vec<i64>,
    /// Replies below the deepest level of a thread
    /// ([`super::comments::MAX_DEPTH`]), shown at that level, by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<i64>,
}

impl TooDeep {
    /// True when nothing was too deep.
    pub fn is_empty(&self) -> bool {
        self.html.is_empty() && self.comment_html.is_empty() && self.replies.is_empty()
    }

    /// What was flattened, in words.
    fn describe(&self) -> String {
        let html = crate::transform::html::MAX_DEPTH;
        let thread = super::comments::MAX_DEPTH;
        let mut parts = Vec::new();
        if !self.html.is_empty() {
            let n: u64 = self.html.values().sum();
            parts.push(format!(
                "{} of the body below {html} levels written as text",
                counted(n, "element", "elements")
            ));
        }
        if !self.comment_html.is_empty() {
            let n = counted(self.comment_html.len() as u64, "comment", "comments");
            parts.push(format!("the HTML of {n} below {html} levels written as text"));
        }
        if !self.replies.is_empty() {
            let n = counted(self.replies.len() as u64, "reply", "replies");
            parts.push(format!("{n} below {thread} levels shown at level {thread}"));
        }
        parts.join("; ")
    }
}

/// Items named in the closing lines for what was nested too deep; the
/// others are counted.
const TOO_DEEP_LINES: usize = 10;

/// Items (or files) named in each closing line without `-v`.
const CAUSE_NAMES: usize = 5;

/// The first `shown` of `items`, comma-separated, then how many more
/// there are and `hint`.
/// `n` items, in words.
fn items(n: usize) -> String {
    counted(n as u64, "item", "items")
}

/// `n` files, in words.
fn files(n: usize) -> String {
    counted(n as u64, "file", "files")
}

fn first_named(items: &[String], shown: usize, hint: &str) -> String {
    let mut s = items.iter().take(shown).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > shown {
        s.push_str(&format!(" and {} more{hint}", items.len() - shown));
    }
    s
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

/// An old URL left out of the aliases (and the redirect files, unless
/// its reason says they have it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DroppedRedirect {
    /// The old URL, path and query, as the export gives it.
    pub old: String,
    /// The new URL it would have led to.
    pub new: String,
    /// Why it is left out.
    pub reason: String,
}

/// The site's menu (see [`menus`](super::menus)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MenuReport {
    /// The export's menu the site shows.
    pub name: String,
    /// Its entries shown.
    pub links: usize,
    /// Its entries left out, with the reason.
    pub dropped: Vec<DroppedLink>,
    /// The export's other menus, not shown.
    pub others: Vec<String>,
}

/// A menu entry left out of the site's menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DroppedLink {
    /// The entry's id (a `nav_menu_item`).
    pub id: i64,
    /// Its own title, maybe empty.
    pub title: String,
    /// Why it is left out.
    pub reason: String,
}

/// What became of the files of the site (pages, comment data, project,
/// redirect files) against what earlier runs wrote (`_wxr/manifest.json`);
/// the report gives the number of files created, overwritten and
/// unchanged, and the paths of the others.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Files {
    /// Not there before.
    #[serde(serialize_with = "count")]
    pub created: Vec<String>,
    /// Still as an earlier run wrote them: replaced.
    #[serde(serialize_with = "count")]
    pub overwritten: Vec<String>,
    /// Holding what this run would write: not touched.
    #[serde(serialize_with = "count")]
    pub unchanged: Vec<String>,
    /// Changed since wxr wrote them, or never wxr's: left as they are.
    pub kept: Vec<String>,
    /// Changed since wxr wrote them, overwritten by `--force`.
    pub forced: Vec<String>,
    /// Written by an earlier run, not by this one: left (`--prune`
    /// removes those still as wxr wrote them).
    pub stale: Vec<String>,
    /// Stale files removed by `--prune`.
    pub pruned: Vec<String>,
}

fn count<S: serde::Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(v.len() as u64)
}

/// What a run did: written to `_wxr/wxr-report.json` in the site directory.
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
    /// The files of the generator's project (configuration, theme).
    pub project: Vec<String>,
    /// What became of each file of the site (see [`Files`]).
    pub files: Files,
    /// Old URLs left out of the aliases (and of the redirect files, unless
    /// the reason says they have it), with the reason (absent when none
    /// was).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirects_dropped: Vec<DroppedRedirect>,
    /// The export's menu shown by the site, when it has one (the site
    /// shows its top-level pages otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub menu: Option<MenuReport>,
    /// The old site's archive and feed URLs, and where each leads (see
    /// [`archives`](super::archives)).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub archives: Vec<super::archives::ArchiveRedirect>,
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
                "item      {}  ({}){}",
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
        let f = &self.files;
        for p in &f.created {
            writeln!(w, "create    {p}")?;
        }
        for p in &f.overwritten {
            writeln!(w, "overwrite {p}")?;
        }
        for p in &f.forced {
            writeln!(w, "overwrite {p}  (changed since wxr wrote it: --force)")?;
        }
        for p in &f.kept {
            writeln!(
                w,
                "keep      {p}  (changed since wxr wrote it, or not wxr's: left as it is)"
            )?;
        }
        for p in &f.pruned {
            writeln!(w, "prune     {p}")?;
        }
        for p in &f.stale {
            writeln!(w, "stale     {p}  (no longer written: --prune removes it)")?;
        }
        writeln!(w, "unchanged: {}", counted(f.unchanged.len() as u64, "file", "files"))
    }

    /// What a re-run left alone or found stale, with what to do about it.
    fn files_lines(&self, dry_run: bool) -> Vec<String> {
        let f = &self.files;
        let would = |did: &str, will: &str| if dry_run { will.to_string() } else { did.to_string() };
        let mut lines = Vec::new();
        let list = |paths: &[String]| first_named(paths, CAUSE_NAMES, "");
        if !f.kept.is_empty() {
            lines.push(format!(
                "warning: {} changed since wxr wrote them (or not wxr's) {} as they are: {} \
                 (--force overwrites them)",
                files(f.kept.len()),
                would("left", "would be left"),
                list(&f.kept)
            ));
        }
        if !f.forced.is_empty() {
            lines.push(format!(
                "{} {} changed since wxr wrote them (--force): {}",
                would("overwrote", "would overwrite"),
                files(f.forced.len()),
                list(&f.forced)
            ));
        }
        if !f.stale.is_empty() {
            lines.push(format!(
                "{}, written by an earlier run and not by this one, {}: {} \
                 (--prune removes those still as wxr wrote them)",
                counted(f.stale.len() as u64, "stale file", "stale files"),
                would("left", "would be left"),
                list(&f.stale)
            ));
        }
        if !f.pruned.is_empty() {
            lines.push(format!(
                "{} {}: {}",
                would("removed", "would remove"),
                counted(f.pruned.len() as u64, "stale file", "stale files"),
                list(&f.pruned)
            ));
        }
        lines
    }

    /// A line for each item (the first [`TOO_DEEP_LINES`]) with content
    /// nested too deep to follow, saying what was flattened.
    fn too_deep_lines(&self) -> Vec<String> {
        let deep: Vec<&Written> = self.written.iter().filter(|w| !w.too_deep.is_empty()).collect();
        let mut lines: Vec<String> = deep
            .iter()
            .take(TOO_DEEP_LINES)
            .map(|w| {
                let item = w.id.map_or_else(|| w.path.clone(), |id| format!("item {id}"));
                format!(
                    "{item} is nested too deep, kept flat: {} (see _wxr/wxr-report.json)",
                    w.too_deep.describe()
                )
            })
            .collect();
        if deep.len() > TOO_DEEP_LINES {
            lines.push(format!(
                "and {} nested too deep (see _wxr/wxr-report.json)",
                counted((deep.len() - TOO_DEEP_LINES) as u64, "more item", "more items")
            ));
        }
        lines
    }

    /// What was skipped or degraded, by cause: a line each, naming the
    /// first [`CAUSE_NAMES`] items (every one when `verbose`).
    fn cause_lines(&self, verbose: bool) -> Vec<String> {
        let names = |items: &[String]| {
            first_named(
                items,
                if verbose { items.len() } else { CAUSE_NAMES },
                " (-v lists them)",
            )
        };
        let item = |w: &Written| w.id.map_or_else(|| w.path.clone(), |id| format!("#{id}"));
        let mut lines = Vec::new();
        // Skipped items by reason, the most frequent first.
        let mut reasons: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for s in self.skipped.iter().filter(|s| !super::plan::not_content(&s.r#type)) {
            let name = s.id.map_or_else(|| s.r#type.clone(), |id| format!("#{id}"));
            reasons.entry(s.reason.as_str()).or_default().push(name);
        }
        let mut reasons: Vec<_> = reasons.into_iter().collect();
        reasons.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
        for (reason, ids) in reasons {
            lines.push(format!("skipped {}: {reason}: {}", items(ids.len()), names(&ids)));
        }
        // What the conversion kept as written or could not render, by
        // name, with the items it is in.
        type Field = fn(&Written) -> &BTreeMap<String, u64>;
        let kinds: [((&str, &str), Field, &str, &str); 3] = [
            (
                (
                    "unknown shortcode kept as written",
                    "unknown shortcodes kept as written",
                ),
                |w| &w.unknown_shortcodes,
                "[",
                "]",
            ),
            (
                ("dynamic block not rendered", "dynamic blocks not rendered"),
                |w| &w.dynamic_blocks,
                "",
                "",
            ),
            (
                ("element kept as raw HTML", "elements kept as raw HTML"),
                |w| &w.raw_html,
                "<",
                ">",
            ),
        ];
        for ((one, many), field, open, close) in kinds {
            let mut by_name: BTreeMap<&str, (u64, Vec<String>)> = BTreeMap::new();
            for w in &self.written {
                for (name, n) in field(w) {
                    let e = by_name.entry(name.as_str()).or_default();
                    e.0 += n;
                    e.1.push(item(w));
                }
            }
            if by_name.is_empty() {
                continue;
            }
            let mut by_name: Vec<_> = by_name.into_iter().collect();
            by_name.sort_by_key(|(_, (_, items))| std::cmp::Reverse(items.len()));
            let total: u64 = by_name.iter().map(|(_, (n, _))| n).sum();
            let listed: Vec<String> = by_name
                .iter()
                .map(|(name, (_, items))| {
                    if verbose {
                        format!("{open}{name}{close} in {}", items.join(" "))
                    } else {
                        format!("{open}{name}{close} in {}", self::items(items.len()))
                    }
                })
                .collect();
            lines.push(format!("{}: {}", counted(total, one, many), names(&listed)));
        }
        let with =
            |f: fn(&Written) -> bool| -> Vec<String> { self.written.iter().filter(|w| f(w)).map(item).collect() };
        for (what, list) in [
            (
                "[gallery] images missing from the export in",
                with(|w| !w.missing_attachments.is_empty()),
            ),
            (
                "[gallery] left out, showing no image (no image attached to the post) in",
                with(|w| w.empty_galleries > 0),
            ),
            ("no title (their date stands for it) in", with(|w| w.untitled)),
            (
                "footnote references without a text in",
                with(|w| !w.missing_footnotes.is_empty()),
            ),
            (
                "replies to an unpublished comment shown at the top in",
                with(|w| !w.orphan_comments.is_empty()),
            ),
        ] {
            if !list.is_empty() {
                lines.push(format!("{what} {}: {}", items(list.len()), names(&list)));
            }
        }
        lines
    }

    /// The menu entries left out, and the menus not shown.
    fn menu_lines(&self, verbose: bool) -> Vec<String> {
        let Some(menu) = &self.menu else { return Vec::new() };
        let mut lines = Vec::new();
        if !menu.dropped.is_empty() {
            let why: Vec<String> = menu
                .dropped
                .iter()
                .map(|d| format!("#{} ({})", d.id, d.reason))
                .collect();
            let shown = if verbose { why.len() } else { CAUSE_NAMES };
            lines.push(format!(
                "menu {:?}: {} of its {} left out: {}",
                menu.name,
                menu.dropped.len(),
                counted((menu.dropped.len() + menu.links) as u64, "entry", "entries"),
                first_named(&why, shown, " (-v lists them)")
            ));
        }
        if !menu.others.is_empty() {
            lines.push(format!(
                "the site shows the menu {:?}; not shown: {}",
                menu.name,
                menu.others
                    .iter()
                    .map(|m| format!("{m:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        lines
    }

    /// What was written (or would be, in a dry run), and what became of
    /// the media downloads (`--download-media`): the closing lines, the
    /// items of each cause all named when `verbose`.
    pub fn closing_lines(&self, opts: &super::Options, verbose: bool) -> Vec<String> {
        let dry_run = opts.dry_run;
        let collisions = match self.collisions.len() {
            0 => String::new(),
            n => format!(", {} suffixed", counted(n as u64, "path collision", "path collisions")),
        };
        let f = &self.files;
        let skipped = self
            .skipped
            .iter()
            .filter(|s| !super::plan::not_content(&s.r#type))
            .count();
        let mut lines = vec![format!(
            "{}, {} skipped{collisions}; {} {}, {} overwritten, {} unchanged (see _wxr/wxr-report.json)",
            counted(self.written.len() as u64, "post or page", "posts and pages"),
            items(skipped),
            files(f.created.len() + f.forced.len()),
            if dry_run { "to create" } else { "created" },
            f.overwritten.len(),
            f.unchanged.len(),
        )];
        // What is no page of a site, by type, the most frequent first.
        let mut machinery: BTreeMap<&str, u64> = BTreeMap::new();
        for s in self.skipped.iter().filter(|s| super::plan::not_content(&s.r#type)) {
            *machinery.entry(s.r#type.as_str()).or_default() += 1;
        }
        if !machinery.is_empty() {
            let mut kinds: Vec<(&str, u64)> = machinery.into_iter().collect();
            kinds.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
            let kinds: Vec<String> = kinds
                .iter()
                .map(|(kind, n)| match *kind {
                    "attachment" => format!("{} (in _wxr/media.json)", counted(*n, "attachment", "attachments")),
                    "nav_menu_item" => counted(*n, "menu item", "menu items"),
                    "revision" => counted(*n, "revision", "revisions"),
                    kind => format!("{n} {kind}"),
                })
                .collect();
            lines.push(format!("not pages of a site: {}", kinds.join(", ")));
        }
        lines.extend(self.files_lines(dry_run));
        lines.extend(self.cause_lines(verbose));
        lines.extend(self.too_deep_lines());
        lines.extend(self.menu_lines(verbose));
        if !self.archives.is_empty() {
            lines.push(format!(
                "{} of category, tag and author archives and feeds lead to their new pages",
                counted(self.archives.len() as u64, "old URL", "old URLs")
            ));
        }
        if !self.redirects_dropped.is_empty() {
            lines.push(format!(
                "{} left out of the aliases or redirect files \
                 (see redirects_dropped in _wxr/wxr-report.json)",
                counted(self.redirects_dropped.len() as u64, "old URL", "old URLs")
            ));
        }
        if !dry_run && opts.download.is_some() {
            let count =
                |f: fn(&Outcome) -> bool| self.media.iter().filter(|d| d.outcome.as_ref().is_some_and(f)).count();
            let failed = count(|o| matches!(o, Outcome::Failed { .. }));
            lines.push(format!(
                "media: {} downloaded, {} already there, {failed} failed{}",
                count(|o| matches!(o, Outcome::Fetched { .. })),
                count(|o| matches!(o, Outcome::Present)),
                if failed > 0 {
                    " (listed in _wxr/wxr-report.json; run again to retry them)"
                } else {
                    ""
                }
            ));
        }
        if let (false, Some(serve)) = (dry_run, opts.ssg.serve()) {
            lines.push(match opts.out_dir.to_str() {
                Some("" | ".") => format!("next: {serve}"),
                _ => format!("next: cd {} && {serve}", shell_word(&opts.out_dir.to_string_lossy())),
            });
        }
        lines
    }
}

/// The folder `word` as one word of a POSIX shell: as it is when it has
/// only safe characters, else in single quotes (and never read as an
/// option).
fn shell_word(word: &str) -> String {
    if word.starts_with('-') {
        return shell_word(&format!("./{word}"));
    }
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+=@%,:".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
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

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn the_closing_lines_group_what_was_lost_by_cause() {
        let mut report = super::SiteReport::default();
        let with = |id: i64, name: &str, n: u64| {
            let mut w = written(Some(id), TooDeep::default());
            w.unknown_shortcodes.insert(name.to_string(), n);
            w
        };
        report.written = (1..=8).map(|i| with(i, "foo", 2)).collect();
        report.written.push(with(9, "bar", 1));
        for id in 20..23 {
            report.skipped.push(super::Skipped {
                id: Some(id),
                r#type: "post".into(),
                title: String::new(),
                reason: "status draft not selected (see --status)".into(),
            });
        }
        let lines = report.cause_lines(false);
        assert_eq!(
            lines,
            [
                "skipped 3 items: status draft not selected (see --status): #20, #21, #22",
                "17 unknown shortcodes kept as written: [foo] in 8 items, [bar] in 1 item",
            ]
        );
        let all = report.cause_lines(true).join("\n");
        assert!(all.contains("[foo] in #1 #2 #3 #4 #5 #6 #7 #8"), "{all}");
    }

    #[test]
    fn the_next_step_names_the_folder_as_one_shell_word() {
        assert_eq!(shell_word("site"), "site");
        assert_eq!(shell_word("../blogs/mon-blog.fr"), "../blogs/mon-blog.fr");
        assert_eq!(shell_word("mon blog"), "'mon blog'");
        assert_eq!(shell_word("it's $(x)"), "'it'\\''s $(x)'");
        assert_eq!(shell_word("-rf"), "./-rf");
        assert_eq!(shell_word("café"), "'café'");
    }

    use super::*;

    fn written(id: Option<i64>, too_deep: TooDeep) -> Written {
        Written {
            id,
            path: format!("content/posts/{}/index.md", id.unwrap_or(0)),
            url: String::new(),
            draft: false,
            comments: 0,
            unknown_shortcodes: BTreeMap::new(),
            raw_html: BTreeMap::new(),
            dynamic_blocks: BTreeMap::new(),
            missing_attachments: Vec::new(),
            empty_galleries: 0,
            untitled: false,
            missing_footnotes: Vec::new(),
            unreferenced_footnotes: Vec::new(),
            comments_skipped: BTreeMap::new(),
            orphan_comments: Vec::new(),
            too_deep,
        }
    }

    #[test]
    fn items_nested_too_deep_are_named_in_the_closing_lines_and_the_report() {
        let all = TooDeep {
            html: [("div".to_string(), 3), ("p".to_string(), 1)].into(),
            comment_html: vec![8],
            replies: vec![11, 12],
        };
        let mut report = SiteReport::default();
        report.written.push(written(Some(1), TooDeep::default()));
        report.written.push(written(Some(2), all));
        report.written.push(written(
            None,
            TooDeep {
                replies: vec![5],
                ..TooDeep::default()
            },
        ));
        let lines = report.too_deep_lines();
        assert_eq!(
            lines,
            [
                "item 2 is nested too deep, kept flat: 4 elements of the body below 64 levels written as text; \
                 the HTML of 1 comment below 64 levels written as text; 2 replies below 10 levels shown at \
                 level 10 (see _wxr/wxr-report.json)",
                "content/posts/0/index.md is nested too deep, kept flat: 1 reply below 10 levels shown at \
                 level 10 (see _wxr/wxr-report.json)",
            ]
        );
        // In the report, only what there is.
        let json = serde_json::to_value(&report.written).unwrap();
        assert!(json[0].get("too_deep").is_none(), "{json}");
        assert_eq!(json[2]["too_deep"], serde_json::json!({"replies": [5]}));
        // Ten items are named, the others counted.
        for id in 3..15 {
            report.written.push(written(
                Some(id),
                TooDeep {
                    replies: vec![1],
                    ..TooDeep::default()
                },
            ));
        }
        let lines = report.too_deep_lines();
        assert_eq!(lines.len(), TOO_DEEP_LINES + 1);
        assert_eq!(
            lines[TOO_DEEP_LINES],
            "and 4 more items nested too deep (see _wxr/wxr-report.json)"
        );
    }
}
