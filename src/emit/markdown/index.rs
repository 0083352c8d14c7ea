//! The first pass over the export: the site-level data the second pass
//! needs (`Index`: the site, its authors, categories and attachments, the
//! [`SiteIndex`] of every item, media URLs), and `media.json`, the manifest
//! of the site's attachments and of the images the bodies show.

use super::plan::Plan;
use crate::error::RunError;
use crate::merge::Inputs;
use crate::model::{Record, Site};
use crate::site::{IndexItem, SiteIndex};
use crate::transform::shortcodes::{Attachment, media_kind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Everything the second pass needs from the first.
pub(super) struct Index {
    /// The channel: the site's title and URLs.
    pub(super) site: Site,
    /// Every item, found by its old URLs: the plan is made from it, and
    /// internal links are resolved through it.
    pub(super) items: SiteIndex,
    /// Author login → display name.
    pub(super) authors: HashMap<String, String>,
    /// Category slug → (name, parent slug).
    pub(super) categories: Categories,
    /// Attachments by id, for `[gallery]` and featured images.
    pub(super) attachments: HashMap<i64, Attachment>,
    /// The attachments of each post, by the post's id, in WordPress's
    /// gallery order (menu order, then id).
    pub(super) attached: HashMap<i64, Vec<i64>>,
    /// The content of each reusable block (`wp_block` item), by id.
    pub(super) reusable: HashMap<i64, String>,
    /// Every attachment, for the media manifest.
    pub(super) media: Vec<MediaEntry>,
    /// The taxonomies items use, other than categories, tags and menus.
    pub(super) taxonomies: BTreeSet<String>,
    /// The export's menus.
    pub(super) menus: super::menus::Menus,
    /// The old site's archives (tags, authors).
    pub(super) archives: super::archives::Archives,
    /// URLs in the bodies that may be media files (`--download-media`),
    /// each with the items (positions in `items`) whose bodies have it.
    pub(super) media_urls: BTreeMap<String, Vec<usize>>,
}

impl Index {
    /// Whether an attachment is a file of the new site: not private, and
    /// uploaded to no item or to one that is written. The media of a
    /// draft or a private post stay out of the site and of `media.json`.
    pub(super) fn published(&self, m: &MediaEntry, plan: &Plan) -> bool {
        let parent_written = match m.parent.filter(|&p| p > 0) {
            None => true,
            Some(p) => matches!(plan.for_id(p), Some(Ok(_))),
        };
        parent_written && m.status != "private" && m.status != "trash"
    }
}

/// An attachment's file: its `wp:attachment_url`, else its `<link>` when
/// that is the file itself (some exporters write it so), else its guid.
fn attachment_file(item: &crate::model::Item) -> Option<String> {
    item.attachment_url
        .clone()
        .or_else(|| item.link.clone().filter(|u| media_kind(u).is_some()))
        .or_else(|| item.guid.clone())
}

/// Category slug → (name as shown, parent slug).
pub(super) type Categories = HashMap<String, (String, Option<String>)>;

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
    /// Its status (`inherit`, `private`…), to leave private files out.
    #[serde(skip)]
    pub status: String,
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

/// `media.json`: every attachment, and every image the bodies show with
/// the attachment it is a resized copy of.
#[derive(Debug, Serialize)]
pub(super) struct Manifest {
    attachments: Vec<MediaEntry>,
    used: Vec<UsedImage>,
}

pub(super) fn media_manifest(index: &Index, plan: &Plan, used: BTreeMap<String, Vec<i64>>) -> Manifest {
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
        attachments: index
            .media
            .iter()
            .filter(|m| index.published(m, plan))
            .cloned()
            .collect(),
        used,
    }
}

/// Reads the inputs once and keeps what the second pass needs; with
/// `find_media`, also the URLs in the bodies that may be media files.
pub(super) fn first_pass(inputs: &Inputs, find_media: bool) -> Result<Index, RunError> {
    let mut merged = inputs.open()?;
    let mut index = Index {
        site: Site::default(),
        items: SiteIndex::default(),
        authors: HashMap::new(),
        categories: HashMap::new(),
        attachments: HashMap::new(),
        attached: HashMap::new(),
        reusable: HashMap::new(),
        media: Vec::new(),
        taxonomies: BTreeSet::new(),
        menus: super::menus::Menus::default(),
        archives: super::archives::Archives::default(),
        media_urls: BTreeMap::new(),
    };
    // (parent, menu order, id) of every attachment uploaded to a post.
    let mut attached = Vec::new();
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
                index.archives.add_author(&a);
                if let Some(login) = a.login {
                    // As WordPress shows it: references decoded.
                    let name = a
                        .display_name
                        .map(|n| super::item::shown_text(&n))
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| login.clone());
                    index.authors.insert(login, name);
                }
            }
            Record::Term(t) => {
                index.archives.add_term(&t);
                let name = t.name.as_deref().map(super::item::term_name);
                if let (Some(id), Some(name)) = (t.id, &name) {
                    index.menus.terms.insert(id, (t.taxonomy.clone(), name.clone()));
                }
                if t.taxonomy == "category"
                    && let (Some(slug), Some(name)) = (t.slug, name)
                {
                    index.categories.insert(slug, (name, t.parent));
                }
            }
            Record::Item(item) => {
                if let Some(entry) = super::menus::Source::of(&item) {
                    index.menus.sources.push(entry);
                }
                if item.kind == "wp_block"
                    && let Some(id) = item.id
                {
                    index.reusable.insert(id, item.content.clone());
                }
                if item.kind == "attachment"
                    && let (Some(id), Some(url)) = (item.id, attachment_file(&item))
                {
                    let meta = |k: &str| item.meta.iter().find(|m| m.key == k).map(|m| m.value.clone());
                    let alt = meta("_wp_attachment_image_alt");
                    if let Some(parent) = item.parent.filter(|&p| p > 0) {
                        attached.push((parent, item.menu_order, id));
                    }
                    index.media.push(MediaEntry {
                        id: Some(id),
                        url: url.clone(),
                        file: meta("_wp_attached_file"),
                        parent: item.parent,
                        title: item.title.clone(),
                        alt: alt.clone(),
                        caption: (!item.excerpt.is_empty()).then(|| item.excerpt.clone()),
                        status: item.status.clone(),
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
                for t in &item.terms {
                    if super::item::is_other_taxonomy(&t.taxonomy) {
                        index.taxonomies.insert(t.taxonomy.clone());
                    }
                    // A category or tag the channel does not list (an
                    // export of a few posts lists none).
                    if t.taxonomy == "category"
                        && let Some(slug) = &t.slug
                    {
                        index
                            .categories
                            .entry(slug.clone())
                            .or_insert_with(|| (super::item::term_name(&t.name), None));
                    }
                    index.archives.add_item_term(t);
                }
                if find_media {
                    let pos = index.items.items().len();
                    for url in crate::site::extract_urls(&item.content) {
                        let items = index.media_urls.entry(url).or_default();
                        if items.last() != Some(&pos) {
                            items.push(pos);
                        }
                    }
                }
                index.items.add_item(IndexItem::of(&item));
            }
        }
    }
    attached.sort_unstable();
    for (parent, _, id) in attached {
        index.attached.entry(parent).or_default().push(id);
    }
    Ok(index)
}
