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
//!
//! This module owns the options and the driver, [`write_site`]: the two
//! passes, the batches converted on every core, the writer thread, and the
//! site's own files. What differs between generators is in [`ssg`]; the
//! first pass is [`index`], the plan [`plan`], one item's conversion `item`
//! (with [`body`], [`comments`] and [`front_matter`]), internal links
//! `links`, media [`media`], the site's menu [`menus`], the old site's
//! archives and feeds [`archives`], redirect files `redirects`, what
//! earlier runs wrote `manifest`, and the report [`report`].

pub mod archives;
pub mod body;
pub mod comments;
pub mod front_matter;
pub mod index;
mod item;
mod links;
mod manifest;
pub mod media;
pub mod menus;
pub mod plan;
mod redirects;
pub mod report;
pub mod ssg;

use crate::diag::Diagnostics;
use crate::error::RunError;
use crate::fetch::{self, Download, Outcome};
use crate::merge::{Inputs, Merged};
use crate::model::{Item, Record};
use crate::output::{Durability, Output, ReadFiles};
use crate::pipeline::Feed;
use front_matter::Syntax;
use item::Rendered;
use links::LinkMap;
use media::{Local, MediaMap};
use plan::{Plan, Planned, Policy};
use rayon::prelude::*;
use report::{MediaDownload, SiteReport, Skipped};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use ssg::Ssg;

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

/// The folder of the site where wxr writes its own files, the report
/// (`wxr-report.json`: the titles of drafts and trashed items skipped) and
/// `media.json`: one that no generator publishes (Jekyll copies every
/// other file and folder of the site, but none named `_…`).
pub const REPORT_DIR: &str = "_wxr/";

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
    /// Overwrite files edited since wxr wrote them.
    pub force: bool,
    /// Remove stale files (written by an earlier run, not by this one).
    pub prune: bool,
    /// Postmeta keys to copy into the front matter (`wp_meta`), with
    /// PHP-serialized values decoded.
    pub meta_keys: Vec<String>,
    /// Download the site's media and point the site at the local copies.
    pub download: Option<fetch::Settings>,
    /// Show a progress bar while downloading.
    pub download_bar: bool,
}

/// Whether a run stopped while writing the site in `dir` (its journal is
/// there, see [`manifest`]).
pub fn unfinished(dir: &Path) -> bool {
    manifest::unfinished(dir)
}

/// Items converted together on all cores, and the text size that closes a
/// batch early (large items): memory stays bounded by a few items.
const BATCH_ITEMS: usize = 64;
const BATCH_BYTES: u64 = 8 << 20;

/// Writes the site of `inputs`. They are opened twice: the plan is made
/// from a first pass, the pages are written in the second (standard input
/// must be spooled).
pub fn write_site(inputs: &Inputs, opts: &Options) -> Result<SiteReport, RunError> {
    // The site may be written into the export's folder, but no file of it
    // over an input.
    let inputs_read = inputs.files();
    let index = index::first_pass(inputs, opts.download.is_some())?;
    // Where WordPress answered `?p=N`: its home, in a folder or not.
    let home = [&index.site.base_blog_url, &index.site.link]
        .into_iter()
        .flatten()
        .find(|u| u.contains("://"))
        .map_or_else(
            || "/".to_string(),
            |u| format!("{}/", plan::url_path(u.trim()).trim_end_matches('/')),
        );
    let hosts = index.items.self_hosts();
    let plan = Plan::make(
        index.items.items(),
        &plan::Home {
            path: &home,
            hosts: &hosts,
        },
        &opts.policy,
        opts.ssg,
    );
    let mut report = SiteReport {
        collisions: plan.collisions.clone(),
        orphan_pages: plan.orphan_pages.clone(),
        redirects_dropped: plan.dropped.clone(),
        ..SiteReport::default()
    };
    let mut links = LinkMap::new(&index.items, &plan, &index.attachments);
    if let Some(settings) = &opts.download {
        // Downloaded before the pages are written, so that the pages point
        // only at the copies that exist.
        let site = &index.site;
        let site_urls = [&site.link, &site.base_site_url, &site.base_blog_url];
        let map = MediaMap::new(
            &index.items,
            site_urls.into_iter().flatten().map(String::as_str),
            opts.ssg.static_dir(),
        );
        // The files of what is published only: the attachments of the
        // items written (or of none), and the URLs their bodies show.
        let attachments = index.media.iter().filter(|m| index.published(m, &plan)).map(|m| &m.url);
        let shown = index
            .media_urls
            .iter()
            .filter(|(_, items)| items.iter().any(|&i| matches!(plan.decisions.get(i), Some(Ok(_)))))
            .map(|(url, _)| url);
        let (files, collisions) = media::settle(attachments.chain(shown).filter_map(|url| map.local(url)));
        report.collisions.extend(collisions);
        report.media = download_media(&files, settings, opts);
        links.available = files
            .into_iter()
            .zip(&report.media)
            .filter(|(_, d)| !matches!(d.outcome, Some(Outcome::Failed { .. })))
            .map(|(l, _)| (l.source, l.url))
            .collect();
        links.media = Some(map);
    }
    let mut merged = inputs.open()?;
    let mut used: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    // Three stages at once, through the pipeline: the reading thread
    // reads the next batch while the current one is converted on every
    // core, and this thread writes the files of the one before. Files are
    // written in export order, so the output does not depend on the
    // threads.
    let mut titles = index.menus.titles(&plan);
    let mut published = archives::Published::default();
    let mut batches = Batches {
        merged: &mut merged,
        plan: &plan,
        titles: &mut titles,
        published: &mut published,
        categories: &index.categories,
        next: 0,
        done: false,
    };
    let (index_ref, links_ref, report_ref, used_ref) = (&index, &links, &mut report, &mut used);
    let produce = move |feed: &Feed<Vec<(String, String)>>| -> Result<(), RunError> {
        let mut batch = batches.next(&mut report_ref.skipped)?;
        while !batch.is_empty() {
            let mut skipped = Vec::new();
            let (rendered, next) = rayon::join(
                || {
                    batch
                        .par_iter()
                        .map(|(item, planned)| item::render_item(item, planned, index_ref, links_ref, opts))
                        .collect::<Result<Vec<Rendered>, _>>()
                },
                || batches.next(&mut skipped),
            );
            let mut files = Vec::new();
            for r in rendered? {
                for img in &r.images {
                    let ids = used_ref.entry(img.clone()).or_default();
                    if let Some(id) = r.written.id
                        && !ids.contains(&id)
                    {
                        ids.push(id);
                    }
                }
                files.extend(r.files);
                report_ref.written.push(r.written);
            }
            report_ref.skipped.append(&mut skipped);
            // A stopped writer failed: its error is the one to report.
            if !feed.send(files) {
                break;
            }
            batch = next?;
        }
        Ok(())
    };
    let care = manifest::Care {
        dry_run: opts.dry_run,
        force: opts.force,
        prune: opts.prune,
    };
    let mut site_files = manifest::SiteFiles::open(&opts.out_dir, &inputs_read, care)?;
    let write = |files: &Vec<(String, String)>| files.iter().try_for_each(|(path, text)| site_files.put(path, text));
    let (converted, written) = crate::pipeline::run(2, produce, write);
    written.and(converted)?;
    let archived = index.archives.redirects(&archives::Context {
        home: &home,
        plan: &plan,
        categories: &index.categories,
        published: &published,
        ssg: opts.ssg,
    });
    for (path, page) in &archived.pages {
        site_files.put(path, page)?;
    }
    report.archives = archived.kept;
    report.redirects_dropped.extend(archived.dropped);
    if !opts.redirects.is_empty() {
        let rules = redirects::Rules::of(&plan, &archived.rules);
        for r in &opts.redirects {
            let (name, text) = rules.file(*r, opts.ssg);
            site_files.put(&name, &text)?;
            report.redirect_files.push(name);
        }
    }
    let (menu, menu_report) = index.menus.links(&menus::Context {
        plan: &plan,
        links: &links,
        titles: &titles,
        published: &published,
        ssg: opts.ssg,
    });
    report.menu = menu_report;
    write_project(&index, &menu, opts, &mut site_files, &mut report)?;
    report.files = site_files.finish()?;
    if !opts.dry_run {
        let manifest = index::media_manifest(&index, &plan, used);
        write_file_with(&inputs_read, &opts.out_dir, &format!("{REPORT_DIR}media.json"), |w| {
            write_json(w, &manifest)
        })?;
    }
    let diags: Diagnostics = merged.take_diagnostics();
    report.diagnostics = diags.groups().to_vec();
    if !opts.dry_run {
        write_file_with(
            &inputs_read,
            &opts.out_dir,
            &format!("{REPORT_DIR}wxr-report.json"),
            |w| write_json(w, &report),
        )?;
    }
    Ok(report)
}

/// Writes the generator's project around the content (see
/// [`Generator::project`](ssg::Generator::project)); a file of it the user
/// changed (or had before) is left as it is ([`manifest`]).
fn write_project(
    index: &index::Index,
    menu: &[menus::Link],
    opts: &Options,
    files: &mut manifest::SiteFiles<'_>,
    report: &mut SiteReport,
) -> Result<(), RunError> {
    let site = &index.site;
    let base_url = [&site.link, &site.base_blog_url]
        .into_iter()
        .flatten()
        .map(|u| u.trim())
        .filter_map(|u| url::Url::parse(u).ok())
        .find(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        // The new site's URLs start at its root (a blog in a folder moves
        // to the root): its origin.
        .map_or_else(|| "/".to_string(), |u| format!("{}/", u.origin().ascii_serialization()));
    let taxonomies: Vec<String> = index.taxonomies.iter().cloned().collect();
    let info = ssg::SiteInfo {
        title: site.title.as_deref().unwrap_or("").trim(),
        description: site.description.as_deref().unwrap_or("").trim(),
        language: site.language.as_deref().unwrap_or("").trim(),
        base_url: &base_url,
        taxonomies: &taxonomies,
        menu,
    };
    for (path, text) in opts.ssg.project(&info) {
        files.put(&path, &text)?;
        report.project.push(path);
    }
    Ok(())
}

/// Downloads the media files (none in a dry run), `--download-media`.
fn download_media(media: &[Local], settings: &fetch::Settings, opts: &Options) -> Vec<MediaDownload> {
    let list: Vec<Download> = media
        .iter()
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
        .iter()
        .zip(outcomes)
        .map(|(l, outcome)| MediaDownload {
            url: l.source.clone(),
            file: l.file.clone(),
            outcome,
        })
        .collect()
}

/// The second pass's items in batches, with the items that are not written
/// set aside in the report as they come.
struct Batches<'a> {
    merged: &'a mut Merged,
    plan: &'a Plan,
    /// What the menu needs of the items written.
    titles: &'a mut menus::Titles,
    /// The terms and authors of the items published.
    published: &'a mut archives::Published,
    categories: &'a index::Categories,
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
                    title: if matches!(skip, plan::Skip::Private | plan::Skip::NotPublic(_)) {
                        String::new()
                    } else {
                        item.title.clone().unwrap_or_default()
                    },
                    reason: skip.to_string(),
                }),
                Ok(planned) => {
                    self.titles.see(&item, self.plan);
                    if !planned.draft {
                        self.published.see(&item, self.categories);
                    }
                    bytes += crate::info::item_bytes(&item);
                    batch.push((item, planned));
                }
            }
        }
        Ok(batch)
    }
}

/// `value` as pretty JSON and a newline.
fn write_json(w: &mut dyn Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    w.write_all(
        b"
",
    )
}

/// Writes `rel` (a path made of safe components) under `dir`, atomically,
/// unless it is one of the files `inputs` read.
fn write_file(inputs: &ReadFiles, dir: &Path, rel: &str, text: &str) -> Result<(), RunError> {
    write_file_with(inputs, dir, rel, |w| w.write_all(text.as_bytes()))
}

/// Writes `rel` under `dir` as [`write_file`] does, streamed through
/// `write` (buffered): a large report is never held as one string.
fn write_file_with(
    inputs: &ReadFiles,
    dir: &Path,
    rel: &str,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), RunError> {
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
    let out = Output::create_sparing(&path, Durability::Unsynced, inputs).map_err(out_err)?;
    out.writer()
        .and_then(|w| {
            let mut w = std::io::BufWriter::with_capacity(64 * 1024, w);
            write(&mut w)?;
            w.flush()
        })
        .map_err(out_err)?;
    out.commit().map_err(out_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_file_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let none = ReadFiles::default();
        assert!(write_file(&none, dir.path(), "../x.md", "x").is_err());
        assert!(write_file(&none, dir.path(), "/etc/x.md", "x").is_err());
        assert!(write_file(&none, dir.path(), "a//b.md", "x").is_err());
        write_file(&none, dir.path(), "a/b.md", "ok").unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("a/b.md")).unwrap(), "ok");
    }
}
