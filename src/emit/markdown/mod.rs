//! Markdown output for static site generators: one file per published post
//! and page, with front matter the generator reads, a body converted from
//! WordPress's HTML, comment threads, redirects from the old URLs, and a
//! report of everything written or skipped.
//!
//! Two passes over the export: the first builds a small index of every item
//! and makes the [`plan::Plan`] (paths, URLs, what is skipped and why); the
//! second converts each body and writes its file. Memory holds the index and
//! one item at a time. Standard input is first copied to a temporary file so
//! it can be read twice.

pub mod body;
pub mod comments;
pub mod front_matter;
pub mod media;
pub mod plan;

use crate::convert::RunError;
use crate::diag::Diagnostics;
use crate::fetch::{self, Download, Outcome};
use crate::merge::Merged;
use crate::model::{Item, Record, Site};
use crate::output::{Durability, Output};
use crate::read::{ReadOptions, Source};
use crate::site::{IndexItem, SiteIndex};
use crate::transform::shortcodes::Attachment;
use front_matter::{Fields, Syntax, Value};
use media::{Local, MediaMap};
use plan::{Plan, Planned, Policy};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The static site generators wxr writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ssg {
    /// Hugo: page bundles under `content/`.
    Hugo,
    /// Jekyll: `_posts/YYYY-MM-DD-slug.md`, `_drafts/`.
    Jekyll,
    /// Zola: `content/`, TOML front matter.
    Zola,
    /// Astro content collections: `src/content/`.
    Astro,
    /// Eleventy: `posts/`, pages at their paths.
    Eleventy,
    /// Plain Markdown files: `posts/`, `pages/`.
    Plain,
}

impl Ssg {
    /// Where an item goes, relative to the site directory.
    /// `parent` says the page has child pages under it: Hugo and Zola then
    /// need a section (`_index.md`), since a page cannot hold pages.
    pub fn path(
        self,
        kind: &str,
        dirs: &[String],
        slug: &str,
        date: Option<&str>,
        draft: bool,
        parent: bool,
    ) -> String {
        let nested = |root: &str| {
            let mut p = root.to_string();
            for d in dirs {
                p.push_str(d);
                p.push('/');
            }
            p
        };
        match (self, kind) {
            (Ssg::Hugo, "post") => format!("content/posts/{slug}/index.md"),
            (Ssg::Hugo, "page") if parent => format!("{}{slug}/_index.md", nested("content/")),
            (Ssg::Hugo, "page") => format!("{}{slug}/index.md", nested("content/")),
            (Ssg::Hugo, k) => format!("content/{k}/{slug}/index.md"),
            (Ssg::Jekyll, "post") if draft => format!("_drafts/{slug}.md"),
            (Ssg::Jekyll, "post") => {
                let day = date.and_then(|d| d.get(..10)).unwrap_or("1970-01-01");
                format!("_posts/{day}-{slug}.md")
            }
            (Ssg::Jekyll, "page") => format!("{}{slug}/index.md", nested("")),
            // Collections need configuration; pages render as they are.
            (Ssg::Jekyll, k) => format!("{k}/{slug}/index.md"),
            (Ssg::Zola, "post") => format!("content/posts/{slug}.md"),
            (Ssg::Zola, "page") if parent => format!("{}{slug}/_index.md", nested("content/pages/")),
            (Ssg::Zola, "page") => format!("{}{slug}.md", nested("content/pages/")),
            (Ssg::Zola, k) => format!("content/{k}/{slug}.md"),
            (Ssg::Astro, "post") => format!("src/content/blog/{slug}.md"),
            (Ssg::Astro, "page") => format!("{}{slug}.md", nested("src/content/pages/")),
            (Ssg::Astro, k) => format!("src/content/{k}/{slug}.md"),
            (Ssg::Eleventy, "post") => format!("posts/{slug}.md"),
            (Ssg::Eleventy, "page") => format!("{}{slug}/index.md", nested("")),
            (Ssg::Eleventy, k) => format!("{k}/{slug}.md"),
            (Ssg::Plain, "post") => format!("posts/{slug}.md"),
            (Ssg::Plain, "page") => format!("{}{slug}.md", nested("pages/")),
            (Ssg::Plain, k) => format!("{k}/{slug}.md"),
        }
    }

    /// The URL path a file gets on the built site.
    pub fn url(self, path: &str) -> String {
        let p = path
            .strip_suffix("_index.md")
            .or_else(|| path.strip_suffix("index.md"))
            .or_else(|| path.strip_suffix(".md"))
            .unwrap_or(path);
        let p = match self {
            Ssg::Hugo => p.strip_prefix("content").unwrap_or(p),
            Ssg::Zola => p.strip_prefix("content").unwrap_or(p),
            Ssg::Astro => p.strip_prefix("src/content").unwrap_or(p),
            Ssg::Jekyll => {
                // `_posts/2010-02-08-slug` is served as `/2010/02/08/slug/`.
                if let Some(rest) = p.strip_prefix("_posts/").filter(|r| r.len() > 11) {
                    let (day, slug) = rest.split_at(11);
                    return format!("/{}/{}/", day.trim_end_matches('-').replace('-', "/"), slug);
                }
                p.strip_prefix("_drafts").unwrap_or(p)
            }
            Ssg::Eleventy | Ssg::Plain => p,
        };
        let p = p.trim_matches('/');
        if p.is_empty() {
            "/".to_string()
        } else {
            format!("/{p}/")
        }
    }

    /// What `<!--more-->` becomes.
    pub fn more(self) -> &'static str {
        match self {
            Ssg::Zola => "<!-- more -->",
            _ => "<!--more-->",
        }
    }

    /// Where comment data files go.
    /// Where files served as they are go (media, redirect files).
    fn static_dir(self) -> &'static str {
        match self {
            Ssg::Hugo | Ssg::Zola => "static/",
            Ssg::Astro | Ssg::Eleventy => "public/",
            Ssg::Jekyll | Ssg::Plain => "",
        }
    }

    fn data_dir(self) -> &'static str {
        match self {
            Ssg::Hugo | Ssg::Zola | Ssg::Plain => "data/comments",
            Ssg::Jekyll | Ssg::Eleventy => "_data/comments",
            Ssg::Astro => "src/data/comments",
        }
    }
}

/// Where comments go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentsMode {
    /// A data file per post (the generator's data directory).
    Data,
    /// A section at the end of the post.
    Inline,
    /// Not written.
    None,
}

/// Redirect file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirects {
    /// Netlify `_redirects`.
    Netlify,
    /// nginx `location`/`if` rules.
    Nginx,
    /// Apache `.htaccess` rewrite rules.
    Apache,
    /// `old,new` lines.
    Csv,
}

/// How to write the site.
#[derive(Debug, Clone)]
pub struct Options {
    /// The generator.
    pub ssg: Ssg,
    /// Which pingbacks and trackbacks to keep.
    pub pings: crate::merge::PingFilter,
    /// The front matter syntax.
    pub syntax: Syntax,
    /// The site directory.
    pub out_dir: PathBuf,
    /// Which items are written.
    pub policy: Policy,
    /// Where comments go.
    pub comments: CommentsMode,
    /// Redirect files to write.
    pub redirects: Vec<Redirects>,
    /// Print the plan, write nothing.
    pub dry_run: bool,
    /// Postmeta keys to copy into the front matter (`wp_meta`), with
    /// PHP-serialized values decoded.
    pub meta_keys: Vec<String>,
    /// How to read the inputs.
    pub read: ReadOptions,
    /// Download the site's media and point the site at the local copies.
    pub download: Option<fetch::Settings>,
    /// Advanced by every byte read, over both passes (a progress bar).
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// Show a progress bar while downloading.
    pub download_bar: bool,
}

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

/// Items converted together on all cores, and the text size that closes a
/// batch early (large items): memory stays bounded by a few items.
const BATCH_ITEMS: usize = 64;
const BATCH_BYTES: u64 = 8 << 20;

/// Everything the second pass needs from the first.
struct Index {
    site: Site,
    /// Every item, found by its old URLs: the plan is made from it, and
    /// internal links are resolved through it.
    items: SiteIndex,
    authors: HashMap<String, String>,
    /// Category slug → (name, parent slug).
    categories: HashMap<String, (String, Option<String>)>,
    attachments: HashMap<i64, Attachment>,
    /// Every attachment, for the media manifest.
    media: Vec<MediaEntry>,
    /// URLs in the bodies that may be media files (`--download-media`).
    media_urls: BTreeSet<String>,
}

/// An attachment in `media.json`.
#[derive(Debug, Clone, Serialize)]
pub struct MediaEntry {
    /// `wp:post_id`.
    pub id: Option<i64>,
    /// The file's URL.
    pub url: String,
    /// `_wp_attached_file`: the path under the uploads directory.
    pub file: Option<String>,
    /// The item it was uploaded to.
    pub parent: Option<i64>,
    /// Title.
    pub title: Option<String>,
    /// Alternative text.
    pub alt: Option<String>,
    /// Caption.
    pub caption: Option<String>,
}

/// An image a body shows, in `media.json`.
#[derive(Debug, Clone, Serialize)]
pub struct UsedImage {
    /// As written in the body.
    pub url: String,
    /// The attachment it is a size of (`-300x200` removed), if any.
    pub attachment: Option<i64>,
    /// That attachment's original file, to prefer over a resized copy.
    pub original: Option<String>,
    /// Items showing it.
    pub items: Vec<i64>,
}

/// Writes the site for `sources`.
pub fn write_site(sources: &[Source], opts: &Options) -> Result<SiteReport, RunError> {
    let (sources, _spool) = crate::convert::spool_stdin(sources)?;
    let index = first_pass(&sources, opts.read, opts.progress.clone(), opts.download.is_some())?;
    let plan = Plan::make(index.items.items(), &opts.policy, opts.ssg);
    let mut report = SiteReport {
        collisions: plan.collisions.clone(),
        orphan_pages: plan.orphan_pages.clone(),
        ..SiteReport::default()
    };
    let mut links = LinkMap::new(&index.items, &plan);
    if let Some(settings) = &opts.download {
        // Downloaded before the pages are written, so that the pages point
        // only at the copies that exist.
        let site = &index.site;
        let site_urls = [&site.link, &site.base_site_url, &site.base_blog_url];
        let map = MediaMap::new(
            site_urls.into_iter().flatten().map(String::as_str),
            index.media.iter().map(|m| m.url.as_str()),
            opts.ssg.static_dir(),
        );
        let mut files: BTreeMap<String, Local> = BTreeMap::new();
        for url in index.media.iter().map(|m| &m.url).chain(&index.media_urls) {
            if let Some(l) = map.local(url) {
                files.entry(l.file.clone()).or_insert(l);
            }
        }
        report.media = download_media(files, settings, opts);
        links.available = report
            .media
            .iter()
            .filter(|d| !matches!(d.outcome, Some(Outcome::Failed { .. })))
            .map(|d| d.file.clone())
            .collect();
        links.media = Some(map);
    }
    let mut merged = Merged::open(&sources, opts.read, opts.progress.clone())?.with_pings(opts.pings.clone());
    let mut used: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    // Three stages at once: this thread reads the next batch while the
    // current one is converted on every core, and a writer thread writes
    // the files of the one before. Files are written in export order, so
    // the output does not depend on the threads.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(String, String)>>(2);
    std::thread::scope(|scope| -> Result<(), RunError> {
        let writer = scope.spawn(move || -> Result<(), RunError> {
            for files in rx {
                for (path, text) in &files {
                    write_file(&opts.out_dir, path, text)?;
                }
            }
            Ok(())
        });
        let mut batches = Batches {
            merged: &mut merged,
            plan: &plan,
            next: 0,
            done: false,
        };
        let converted = (|| -> Result<(), RunError> {
            let mut batch = batches.next(&mut report.skipped)?;
            while !batch.is_empty() {
                let mut skipped = Vec::new();
                let (rendered, next) = rayon::join(
                    || {
                        batch
                            .par_iter()
                            .map(|(item, planned)| render_item(item, planned, &index, &links, opts))
                            .collect::<Result<Vec<Rendered>, _>>()
                    },
                    || batches.next(&mut skipped),
                );
                let mut files = Vec::new();
                for r in rendered? {
                    for img in &r.images {
                        let ids = used.entry(img.clone()).or_default();
                        if let Some(id) = r.written.id
                            && !ids.contains(&id)
                        {
                            ids.push(id);
                        }
                    }
                    files.extend(r.files);
                    report.written.push(r.written);
                }
                report.skipped.append(&mut skipped);
                // A closed channel means the writer failed: its error is
                // the one to report.
                if !opts.dry_run && tx.send(files).is_err() {
                    break;
                }
                batch = next?;
            }
            Ok(())
        })();
        drop(tx);
        let written = writer.join().unwrap_or_else(|_| {
            Err(RunError::Output {
                target: opts.out_dir.display().to_string(),
                source: std::io::Error::other("the writer thread failed"),
            })
        });
        written.and(converted)
    })?;
    if !opts.dry_run {
        for r in &opts.redirects {
            let (name, text) = redirect_file(*r, opts.ssg, &plan);
            write_file(&opts.out_dir, &name, &text)?;
            report.redirect_files.push(name);
        }
    }
    if !opts.dry_run {
        let manifest = media_manifest(&index, used);
        let json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
        write_file(&opts.out_dir, "media.json", &(json + "\n"))?;
    }
    let diags: Diagnostics = merged.take_diagnostics();
    report.diagnostics = diags.groups().to_vec();
    if !opts.dry_run {
        let json = serde_json::to_string_pretty(&report).unwrap_or_default();
        write_file(&opts.out_dir, "wxr-report.json", &(json + "\n"))?;
    }
    Ok(report)
}

/// Downloads the media files (none in a dry run), `--download-media`.
fn download_media(media: BTreeMap<String, Local>, settings: &fetch::Settings, opts: &Options) -> Vec<MediaDownload> {
    let list: Vec<Download> = media
        .values()
        .map(|l| Download {
            url: l.source.clone(),
            dest: opts.out_dir.join(&l.file),
        })
        .collect();
    let outcomes = if opts.dry_run {
        vec![None; list.len()]
    } else {
        let bar = if opts.download_bar {
            indicatif::ProgressBar::new(list.len() as u64)
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} media files, eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let done = || bar.inc(1);
        let outcomes = fetch::download_all(&list, settings, &done);
        bar.finish_and_clear();
        outcomes.into_iter().map(Some).collect()
    };
    media
        .into_values()
        .zip(outcomes)
        .map(|(l, outcome)| MediaDownload {
            url: l.source,
            file: l.file,
            outcome,
        })
        .collect()
}

/// The second pass's items in batches, with the items that are not written
/// set aside in the report as they come.
struct Batches<'a> {
    merged: &'a mut Merged,
    plan: &'a Plan,
    /// Index of the next item in the plan.
    next: usize,
    done: bool,
}

impl<'a> Batches<'a> {
    /// The next items to write: up to [`BATCH_ITEMS`] or [`BATCH_BYTES`] of
    /// text; empty at the end.
    fn next(&mut self, skipped: &mut Vec<Skipped>) -> Result<Vec<(Box<Item>, &'a Planned)>, RunError> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while !self.done && batch.len() < BATCH_ITEMS && bytes < BATCH_BYTES {
            let Some(rec) = self.merged.next_record()? else {
                self.done = true;
                break;
            };
            let Record::Item(item) = rec else { continue };
            // The inputs changed since the first pass: stop at what was planned.
            let Some(decision) = self.plan.decisions.get(self.next) else {
                self.done = true;
                break;
            };
            self.next += 1;
            match decision {
                Err(skip) => skipped.push(Skipped {
                    id: item.id,
                    r#type: item.kind.clone(),
                    // The report sits in the site's tree: no private text.
                    title: if *skip == plan::Skip::Private {
                        String::new()
                    } else {
                        item.title.clone().unwrap_or_default()
                    },
                    reason: skip.to_string(),
                }),
                Ok(planned) => {
                    bytes += crate::info::item_bytes(&item);
                    batch.push((item, planned));
                }
            }
        }
        Ok(batch)
    }
}

/// `media.json`: every attachment, and every image the bodies show with
/// the attachment it is a resized copy of.
#[derive(Debug, Serialize)]
struct Manifest {
    attachments: Vec<MediaEntry>,
    used: Vec<UsedImage>,
}

fn media_manifest(index: &Index, used: BTreeMap<String, Vec<i64>>) -> Manifest {
    let used = used
        .into_iter()
        .map(|(url, items)| {
            let found = index.items.attachment(&url);
            UsedImage {
                attachment: found.and_then(|a| a.id),
                original: found.and_then(|a| a.attachment_url.clone()).filter(|u| *u != url),
                url,
                items,
            }
        })
        .collect();
    Manifest {
        attachments: index.media.clone(),
        used,
    }
}

fn first_pass(
    sources: &[Source],
    read: ReadOptions,
    progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    find_media: bool,
) -> Result<Index, RunError> {
    let mut merged = Merged::open(sources, read, progress)?;
    let mut index = Index {
        site: Site::default(),
        items: SiteIndex::default(),
        authors: HashMap::new(),
        categories: HashMap::new(),
        attachments: HashMap::new(),
        media: Vec::new(),
        media_urls: BTreeSet::new(),
    };
    while let Some(rec) = merged.next_record()? {
        match rec {
            Record::Site(s) => {
                index.items = SiteIndex::new(
                    s.base_site_url.as_deref(),
                    s.base_blog_url.as_deref(),
                    s.link.as_deref(),
                    &[],
                );
                index.site = s;
            }
            Record::Author(a) => {
                if let Some(login) = a.login {
                    let name = a
                        .display_name
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| login.clone());
                    index.authors.insert(login, name);
                }
            }
            Record::Term(t) if t.taxonomy == "category" => {
                if let (Some(slug), Some(name)) = (t.slug, t.name) {
                    index.categories.insert(slug, (name, t.parent));
                }
            }
            Record::Term(_) => {}
            Record::Item(item) => {
                if item.kind == "attachment"
                    && let (Some(id), Some(url)) = (item.id, item.attachment_url.clone().or(item.guid.clone()))
                {
                    let meta = |k: &str| item.meta.iter().find(|m| m.key == k).map(|m| m.value.clone());
                    let alt = meta("_wp_attachment_image_alt");
                    index.media.push(MediaEntry {
                        id: Some(id),
                        url: url.clone(),
                        file: meta("_wp_attached_file"),
                        parent: item.parent,
                        title: item.title.clone(),
                        alt: alt.clone(),
                        caption: (!item.excerpt.is_empty()).then(|| item.excerpt.clone()),
                    });
                    index.attachments.insert(
                        id,
                        Attachment {
                            url,
                            alt: alt.unwrap_or_default(),
                            caption: item.excerpt.clone(),
                        },
                    );
                }
                if find_media {
                    media::find_urls(&item.content, &mut index.media_urls);
                }
                index.items.add_item(IndexItem::of(&item));
            }
        }
    }
    Ok(index)
}

/// Internal links: an old URL resolved to an item of the site index, and
/// that item's new URL.
struct LinkMap<'a> {
    items: &'a SiteIndex,
    plan: &'a Plan,
    /// The site's media files, with `--download-media`.
    media: Option<MediaMap>,
    /// Their files that are in the site (downloaded now or before).
    available: HashSet<String>,
}

impl<'a> LinkMap<'a> {
    fn new(items: &'a SiteIndex, plan: &'a Plan) -> LinkMap<'a> {
        LinkMap {
            items,
            plan,
            media: None,
            available: HashSet::new(),
        }
    }

    /// The URL of the local copy of a media file of the old site.
    fn local_media(&self, href: &str) -> Option<String> {
        let local = self.media.as_ref()?.local(href)?;
        self.available.contains(&local.file).then_some(local.url)
    }

    /// The new URL of `href` when it points at an item of the old site
    /// that is written; an attachment page leads to the written item the
    /// file was uploaded to.
    fn rewrite(&self, href: &str) -> Option<String> {
        let id = self.items.resolve(href, None)?.id;
        let written = |id| match self.plan.for_id(id) {
            Some(Ok(p)) => Some(p.url.clone()),
            _ => None,
        };
        written(id).or_else(|| {
            let item = self.items.item(id).filter(|i| i.kind == "attachment")?;
            written(item.parent?)
        })
    }
}

/// One item made ready to write: its report entry and its files.
struct Rendered {
    written: Written,
    files: Vec<(String, String)>,
    images: Vec<String>,
}

/// Converts one item (body, front matter, comments) without writing.
fn render_item(
    item: &Item,
    planned: &Planned,
    index: &Index,
    links: &LinkMap,
    opts: &Options,
) -> Result<Rendered, RunError> {
    let fail = |target: &str, e: String| RunError::Output {
        target: target.to_string(),
        source: std::io::Error::other(e),
    };
    let attachment = |id: i64| index.attachments.get(&id).cloned();
    let link = |href: &str| links.rewrite(href).or_else(|| links.local_media(href));
    let cx = body::Context {
        attachment: &attachment,
        link: &link,
        more: opts.ssg.more(),
        footnotes: item
            .meta
            .iter()
            .find(|m| m.key == "footnotes")
            .map(|m| m.value.as_str()),
    };
    let body = body::convert(&item.content, &cx);
    let thread = comments::Thread::build(&item.comments);
    let mut fields = fields(item, planned, index, opts.ssg, body.more, &link);
    if let Some(meta) = selected_meta(item, &opts.meta_keys) {
        match (opts.ssg, fields.0.iter_mut().find(|(k, _)| k == "extra")) {
            (Ssg::Zola, Some((_, Value::Map(extra)))) => extra.put("wp_meta", meta),
            _ => fields.put("wp_meta", meta),
        }
    }
    let mut text = front_matter::render(&fields, opts.syntax).map_err(|e| fail(&planned.path, e))?;
    text.push('\n');
    text.push_str(&body.markdown);
    if opts.comments == CommentsMode::Inline && !thread.is_empty() {
        text.push_str("\n\n");
        text.push_str(thread.markdown().trim_end());
    }
    text.push('\n');
    let mut files = vec![(planned.path.clone(), text)];
    if opts.comments == CommentsMode::Data && !thread.is_empty() {
        let name = format!(
            "{}/{}.yaml",
            opts.ssg.data_dir(),
            item.id.map_or_else(|| planned.slug.clone(), |id| id.to_string())
        );
        let yaml = front_matter::yaml(&thread.data(item.id)).map_err(|e| fail(&name, e))?;
        files.push((name, yaml));
    }
    let written = Written {
        id: item.id,
        path: planned.path.clone(),
        url: planned.url.clone(),
        draft: planned.draft,
        comments: thread.pings.len() as u64 + count_nodes(&thread.comments),
        unknown_shortcodes: body.unknown_shortcodes,
        raw_html: body.raw_html,
        dynamic_blocks: body.dynamic_blocks,
        missing_attachments: body.missing_attachments,
        missing_footnotes: body.missing_footnotes,
        unreferenced_footnotes: body.unreferenced_footnotes,
        comments_skipped: thread.skipped,
        orphan_comments: thread.orphans,
    };
    Ok(Rendered {
        written,
        files,
        images: body.images,
    })
}

fn count_nodes(nodes: &[comments::Node]) -> u64 {
    nodes.iter().map(|n| 1 + count_nodes(&n.replies)).sum()
}

/// The front matter of one item, with the generator's own field names.
/// `link` gives the new URL of an old one (the featured image's local copy).
fn fields(
    item: &Item,
    planned: &Planned,
    index: &Index,
    ssg: Ssg,
    more: bool,
    link: &dyn Fn(&str) -> Option<String>,
) -> Fields {
    let mut f = Fields::default();
    let mut zola_section_extra: Vec<(&str, Option<Value>)> = Vec::new();
    let title = item.title.clone().unwrap_or_default();
    let date = front_matter::date_with_offset(item.date.as_deref(), item.date_gmt.as_deref());
    let modified = front_matter::date_with_offset(item.modified.as_deref(), item.modified_gmt.as_deref());
    let author = item
        .author
        .as_ref()
        .map(|login| index.authors.get(login).cloned().unwrap_or_else(|| login.clone()));
    let categories = category_names(item, index);
    let tags: Vec<String> = item
        .terms
        .iter()
        .filter(|t| t.taxonomy == "post_tag")
        .map(|t| t.name.clone())
        .collect();
    let mut taxonomies: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in item
        .terms
        .iter()
        .filter(|t| !matches!(t.taxonomy.as_str(), "category" | "post_tag" | "nav_menu"))
    {
        taxonomies.entry(t.taxonomy.clone()).or_default().push(t.name.clone());
    }
    let summary = (!item.excerpt.trim().is_empty()).then(|| item.excerpt.trim().to_string());
    let featured = item
        .meta
        .iter()
        .find(|m| m.key == "_thumbnail_id")
        .and_then(|m| m.value.trim().parse::<i64>().ok())
        .and_then(|id| index.attachments.get(&id))
        .map(|a| link(&a.url).unwrap_or_else(|| a.url.clone()));
    let draft = planned.draft;
    match ssg {
        Ssg::Hugo => {
            f.put("title", Value::Str(title));
            f.put_str("date", date.as_deref());
            f.put_str("lastmod", modified.as_deref());
            f.put("draft", Value::Bool(draft));
            f.put("slug", Value::Str(planned.slug.clone()));
            f.put_list("aliases", &planned.aliases);
            f.put_str("summary", summary.as_deref());
            f.put_list("categories", &categories);
            f.put_list("tags", &tags);
            for (tax, names) in &taxonomies {
                f.put_list(tax, names);
            }
            f.put_str("author", author.as_deref());
            if let Some(img) = &featured {
                f.put_list("images", std::slice::from_ref(img));
            }
        }
        Ssg::Jekyll => {
            f.put(
                "layout",
                Value::Str(if item.kind == "page" { "page" } else { "post" }.into()),
            );
            f.put("title", Value::Str(title));
            f.put_str("date", date.as_deref());
            f.put_str("last_modified_at", modified.as_deref());
            f.put_list("categories", &categories);
            f.put_list("tags", &tags);
            for (tax, names) in &taxonomies {
                f.put_list(tax, names);
            }
            f.put_str("author", author.as_deref());
            f.put_str("excerpt", summary.as_deref());
            if more {
                f.put("excerpt_separator", Value::Str(ssg.more().into()));
            }
            f.put("permalink", Value::Str(planned.url.clone()));
            f.put_list("redirect_from", &planned.aliases);
            f.put_str("image", featured.as_deref());
        }
        Ssg::Zola => {
            // Zola writes an alias's page at the path as given: a
            // percent-encoded one would land in a directory named `%ce%b5…`,
            // which no server maps the URL to.
            let aliases: Vec<String> = planned
                .aliases
                .iter()
                .map(|a| crate::transform::slug::decode_slug(a))
                .collect();
            let mut tax = Fields::default();
            tax.put_list("categories", &categories);
            tax.put_list("tags", &tags);
            for (t, names) in &taxonomies {
                tax.put_list(t, names);
            }
            f.put("title", Value::Str(title));
            if planned.path.ends_with("/_index.md") {
                // A page with child pages is a Zola section, whose front
                // matter refuses page fields: its URL is its directory, and
                // its dates and terms go under `extra` (below).
                f.put("draft", Value::Bool(draft));
                f.put_list("aliases", &aliases);
                f.put_str("description", summary.as_deref());
                zola_section_extra = vec![
                    ("wp_date", date.map(Value::Str)),
                    ("wp_updated", modified.map(Value::Str)),
                    ("wp_taxonomies", (!tax.0.is_empty()).then_some(Value::Map(tax))),
                ];
            } else {
                f.put_str("date", date.as_deref());
                f.put_str("updated", modified.as_deref());
                f.put("draft", Value::Bool(draft));
                f.put("slug", Value::Str(planned.slug.clone()));
                f.put_list("aliases", &aliases);
                f.put_str("description", summary.as_deref());
                if !tax.0.is_empty() {
                    f.put("taxonomies", Value::Map(tax));
                }
            }
        }
        Ssg::Astro => {
            f.put("title", Value::Str(title));
            f.put_str("description", summary.as_deref());
            f.put_str("pubDate", date.as_deref());
            f.put_str("updatedDate", modified.as_deref());
            f.put("draft", Value::Bool(draft));
            f.put_list("categories", &categories);
            f.put_list("tags", &tags);
            f.put_str("author", author.as_deref());
            f.put_str("heroImage", featured.as_deref());
        }
        Ssg::Eleventy => {
            f.put("title", Value::Str(title));
            f.put_str("date", date.as_deref());
            f.put("permalink", Value::Str(planned.url.clone()));
            f.put_list("tags", &tags);
            f.put_list("categories", &categories);
            f.put_str("author", author.as_deref());
            f.put_str("excerpt", summary.as_deref());
            if draft {
                f.put("draft", Value::Bool(true));
                f.put("eleventyExcludeFromCollections", Value::Bool(true));
            }
        }
        Ssg::Plain => {
            f.put("title", Value::Str(title));
            f.put_str("date", date.as_deref());
            f.put_str("updated", modified.as_deref());
            f.put("draft", Value::Bool(draft));
            f.put("slug", Value::Str(planned.slug.clone()));
            f.put_list("categories", &categories);
            f.put_list("tags", &tags);
            f.put_str("author", author.as_deref());
            f.put_str("excerpt", summary.as_deref());
            f.put_list("aliases", &planned.aliases);
        }
    }
    // Where the item came from; Zola only allows its own keys at the top.
    let mut origin = Fields::default();
    if let Some(id) = item.id {
        origin.put("wp_id", Value::Int(id));
    }
    origin.put_str("wp_link", item.link.as_deref());
    for (key, value) in zola_section_extra {
        if let Some(v) = value {
            origin.put(key, v);
        }
    }
    if ssg == Ssg::Zola {
        if !origin.0.is_empty() {
            f.put("extra", Value::Map(origin));
        }
    } else {
        f.0.extend(origin.0);
    }
    f
}

/// The postmeta asked for with `--meta`, PHP-serialized values decoded;
/// a key given several times is a list.
fn selected_meta(item: &Item, keys: &[String]) -> Option<Value> {
    let mut f = Fields::default();
    for key in keys {
        let values: Vec<Value> = item
            .meta
            .iter()
            .filter(|m| &m.key == key)
            .map(|m| meta_value(&m.value))
            .collect();
        match values.len() {
            0 => {}
            1 => f.put(key, values.into_iter().next().unwrap_or(Value::Str(String::new()))),
            _ => f.put(key, Value::List(values)),
        }
    }
    (!f.0.is_empty()).then_some(Value::Map(f))
}

fn meta_value(raw: &str) -> Value {
    use crate::transform::php::{self, Php};
    fn convert(v: Php) -> Value {
        match v {
            Php::Null => Value::Str(String::new()),
            Php::Bool(b) => Value::Bool(b),
            Php::Int(i) => Value::Int(i),
            Php::Float(x) => Value::Str(x.to_string()),
            Php::Str(s) => Value::Str(s),
            m @ Php::Map(_) if m.is_list() => match m {
                Php::Map(entries) => Value::List(entries.into_iter().map(|(_, v)| convert(v)).collect()),
                other => convert(other),
            },
            Php::Map(entries) => {
                let mut f = Fields::default();
                for (k, v) in entries {
                    f.put(&k, convert(v));
                }
                Value::Map(f)
            }
        }
    }
    match php::looks_serialized(raw).then(|| php::unserialize(raw)).flatten() {
        Some((v, _)) => convert(v),
        None => Value::Str(raw.to_string()),
    }
}

/// Category names of an item, each preceded by its ancestors (WordPress
/// lists a post in its categories' parents' archives too).
fn category_names(item: &Item, index: &Index) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in item.terms.iter().filter(|t| t.taxonomy == "category") {
        let mut chain = vec![t.name.clone()];
        let mut parent = t
            .slug
            .as_ref()
            .and_then(|s| index.categories.get(s))
            .and_then(|(_, p)| p.clone());
        let mut guard = 0;
        while let Some(p) = parent {
            guard += 1;
            if guard > 16 {
                break;
            }
            match index.categories.get(&p) {
                Some((name, pp)) => {
                    chain.push(name.clone());
                    parent = pp.clone();
                }
                None => break,
            }
        }
        for name in chain.into_iter().rev() {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// A redirect file from every old URL to the new one.
fn redirect_file(kind: Redirects, ssg: Ssg, plan: &Plan) -> (String, String) {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for p in plan.decisions.iter().flatten() {
        for old in p.aliases.iter().chain(&p.query_urls) {
            pairs.push((old, &p.url));
        }
    }
    let static_dir = ssg.static_dir();
    let mut text = String::new();
    let name = match kind {
        Redirects::Netlify => {
            for (old, new) in &pairs {
                match old.split_once('?') {
                    Some((path, query)) => {
                        let (k, v) = query.split_once('=').unwrap_or((query, ""));
                        text.push_str(&format!("{path} {k}={v} {new} 301!\n"));
                    }
                    None => text.push_str(&format!("{old} {new} 301\n")),
                }
            }
            format!("{static_dir}_redirects")
        }
        Redirects::Nginx => {
            for (old, new) in &pairs {
                match old.split_once('?') {
                    Some((_, query)) => text.push_str(&format!("if ($args = \"{query}\") {{ return 301 {new}; }}\n")),
                    None => text.push_str(&format!("location = {old} {{ return 301 {new}; }}\n")),
                }
            }
            "redirects.nginx.conf".to_string()
        }
        Redirects::Apache => {
            text.push_str("RewriteEngine On\n");
            for (old, new) in &pairs {
                match old.split_once('?') {
                    Some((path, query)) => {
                        let path = path.trim_start_matches('/');
                        text.push_str(&format!(
                            "RewriteCond %{{QUERY_STRING}} ^{}$\nRewriteRule ^{}$ {new}? [R=301,L]\n",
                            regex_escape(query),
                            regex_escape(path)
                        ));
                    }
                    None => text.push_str(&format!(
                        "RewriteRule ^{}/?$ {new} [R=301,L]\n",
                        regex_escape(old.trim_matches('/'))
                    )),
                }
            }
            format!("{static_dir}.htaccess")
        }
        Redirects::Csv => {
            text.push_str("old,new\n");
            for (old, new) in &pairs {
                text.push_str(&format!("{},{}\n", csv_field(old), csv_field(new)));
            }
            "redirects.csv".to_string()
        }
    };
    (name, text)
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes `rel` (a path made of safe components) under `dir`, atomically.
fn write_file(dir: &Path, rel: &str, text: &str) -> Result<(), RunError> {
    let out_err = |source| RunError::Output {
        target: format!("{}/{rel}", dir.display()),
        source,
    };
    // Plan paths are built from safe components; refuse anything else.
    if rel.split('/').any(|c| c.is_empty() || c == "." || c == "..") || rel.starts_with('/') {
        return Err(out_err(std::io::Error::other(
            "refusing a path outside the site directory",
        )));
    }
    let path = dir.join(rel);
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent).map_err(out_err)?;
    let out = Output::create(&path, Durability::Unsynced).map_err(out_err)?;
    out.file().write_all(text.as_bytes()).map_err(out_err)?;
    out.commit().map_err(out_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_each_generator() {
        assert_eq!(Ssg::Hugo.url("content/posts/café/index.md"), "/posts/café/");
        assert_eq!(Ssg::Jekyll.url("_posts/2010-02-08-slug.md"), "/2010/02/08/slug/");
        assert_eq!(Ssg::Zola.url("content/posts/s.md"), "/posts/s/");
        assert_eq!(Ssg::Astro.url("src/content/blog/s.md"), "/blog/s/");
        assert_eq!(Ssg::Eleventy.url("about/index.md"), "/about/");
    }

    #[test]
    fn serialized_meta_becomes_data() {
        let v = meta_value(r#"a:2:{s:5:"sizes";a:2:{i:0;s:5:"small";i:1;s:5:"large";}s:5:"width";i:640;}"#);
        let yaml = front_matter::yaml(&Fields(vec![("m".into(), v)])).unwrap();
        assert_eq!(yaml, "m:\n  sizes:\n  - small\n  - large\n  width: 640\n");
        assert_eq!(meta_value("plain"), Value::Str("plain".into()));
    }

    #[test]
    fn write_file_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_file(dir.path(), "../x.md", "x").is_err());
        assert!(write_file(dir.path(), "/etc/x.md", "x").is_err());
        assert!(write_file(dir.path(), "a//b.md", "x").is_err());
        write_file(dir.path(), "a/b.md", "ok").unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("a/b.md")).unwrap(), "ok");
    }
}
