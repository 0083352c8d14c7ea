//! Internal links: an old URL of the site resolved through the
//! [`SiteIndex`] to the new URL of the written item, or to the local copy
//! of a media file (`--download-media`).

use super::media::MediaMap;
use super::plan::Plan;
use crate::site::SiteIndex;
use crate::transform::shortcodes::Attachment;
use std::collections::HashMap;

/// Internal links: an old URL resolved to an item of the site index, and
/// that item's new URL.
pub(super) struct LinkMap<'a> {
    items: &'a SiteIndex,
    plan: &'a Plan,
    /// The attachments, by id: their files.
    files: &'a HashMap<i64, Attachment>,
    /// The site's media files, with `--download-media`.
    pub(super) media: Option<MediaMap<'a>>,
    /// The URLs of their copies in the site (downloaded now or before),
    /// by the URL each was fetched from.
    pub(super) available: HashMap<String, String>,
}

impl<'a> LinkMap<'a> {
    pub(super) fn new(items: &'a SiteIndex, plan: &'a Plan, files: &'a HashMap<i64, Attachment>) -> LinkMap<'a> {
        LinkMap {
            items,
            plan,
            files,
            media: None,
            available: HashMap::new(),
        }
    }

    /// The URL of the local copy of a media file of the old site.
    pub(super) fn local_media(&self, href: &str) -> Option<String> {
        let local = self.media.as_ref()?.local(href)?;
        self.available.get(&local.source).cloned()
    }

    /// Whether `href` is the old site's home page.
    pub(super) fn is_home(&self, href: &str) -> bool {
        self.items.is_home(href)
    }

    /// Whether `href` is a URL of the old site.
    pub(super) fn is_site(&self, href: &str) -> bool {
        self.items.is_self_url(href)
    }

    /// The new URL of `href` when it points at an item of the old site
    /// that is written; an attachment page leads to the written item the
    /// file was uploaded to.
    pub(super) fn rewrite(&self, href: &str) -> Option<String> {
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

    /// [`Self::rewrite`] for a link in a body: an attachment's page is its
    /// file instead (the copy in the site, when downloaded), as a static
    /// site has no attachment pages: the image a thumbnail links to opens.
    pub(super) fn rewrite_in_body(&self, href: &str) -> Option<String> {
        let file = self
            .items
            .resolve(href, None)
            .and_then(|r| self.items.item(r.id))
            .filter(|i| i.kind == "attachment")
            .and_then(|i| i.id.and_then(|id| self.files.get(&id)))
            .map(|a| self.local_media(&a.url).unwrap_or_else(|| a.url.clone()));
        file.or_else(|| self.rewrite(href))
    }
}
