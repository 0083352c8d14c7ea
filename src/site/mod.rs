//! The site index: every item of the export, found by what identifies it
//! on the old site, built once in the first pass and shared by every job
//! that asks "which item is this URL?" (internal links of the Markdown
//! site, redirects, `wxr check`'s self-pings and backlinks).
//!
//! The question is answered by item identity, not by string equality:
//! `http`/`https`, `www.`, old domains, percent-encoding, case, raw
//! Unicode, `?p=N` forms, feed/AMP/pagination suffixes, old slugs and bare
//! slugs all lead to the same item. [`SiteIndex::resolve`] applies its
//! rules in a fixed order; the [`Rule`] that matched is reported with the
//! item id. The URL normalizations it rests on are in [`url`].

pub mod url;

pub use self::url::{clean_url, extract_urls, host_of, normalize_host, original_size, source_key};
use self::url::{
    host_key, normalize_slug, parse_http, path_date, path_segments, positive_id, query_id, strip_suffixes,
};
use crate::model::Item;
use std::collections::{BTreeSet, HashMap};

/// One item of the export as the index keeps it: what identifies it on
/// the old site, and what the site plan needs to place it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexItem {
    /// `wp:post_id`.
    pub id: Option<i64>,
    /// `wp:post_type`: "post", "page", "attachment", …
    pub kind: String,
    /// `wp:status`: "publish", "draft", "trash", …
    pub status: String,
    /// Title, kept only when there is no slug to derive one from (a large
    /// export's titles would otherwise stay in memory for nothing).
    pub title: String,
    /// `wp:post_name` exactly as exported, often percent-encoded
    /// (`caf%c3%a9`); trashed items end with `__trashed`.
    pub slug: Option<String>,
    /// `<link>`, the permalink at export time.
    pub link: Option<String>,
    /// `<guid>`, often `http://blog.example/?p=12`, maybe on an old domain.
    pub guid: Option<String>,
    /// `wp:post_date`, site-local `YYYY-MM-DDTHH:MM:SS`.
    pub date: Option<String>,
    /// `wp:post_parent`, when the item has one.
    pub parent: Option<i64>,
    /// Has a password (one of spaces only is none: the importer's regex
    /// parser trims it, and nobody set it as a password).
    pub password: bool,
    /// The file of an attachment (`wp:attachment_url`, else its guid).
    pub attachment_url: Option<String>,
    /// `_wp_old_slug` values: slugs the item had before, which WordPress
    /// still redirects.
    pub old_slugs: Vec<String>,
}

impl IndexItem {
    /// The index's view of an item.
    pub fn of(item: &Item) -> IndexItem {
        IndexItem {
            id: item.id,
            kind: item.kind.clone(),
            status: item.status.clone(),
            title: if item.slug.as_deref().is_some_and(|s| !s.trim().is_empty()) {
                String::new()
            } else {
                item.title.clone().unwrap_or_default()
            },
            slug: item.slug.clone(),
            // Hand-edited or pretty-printed exports put whitespace around them.
            link: item.link.as_deref().map(|l| l.trim().to_string()),
            guid: item.guid.as_deref().map(|g| g.trim().to_string()),
            date: item.date.clone(),
            parent: item.parent,
            password: item.password.as_deref().is_some_and(|p| !p.trim().is_empty()),
            attachment_url: (item.kind == "attachment")
                .then(|| item.attachment_url.clone().or_else(|| item.guid.clone()))
                .flatten(),
            old_slugs: item
                .meta
                .iter()
                .filter(|m| m.key == "_wp_old_slug" && !m.value.trim().is_empty())
                .map(|m| m.value.trim().to_string())
                .collect(),
        }
    }
}

/// The rule of [`SiteIndex::resolve`] that matched a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `?p=N`, `?page_id=N` or `?attachment_id=N`.
    QueryId,
    /// `/#N` or `/#post-N` on the home page.
    FragmentId,
    /// The item's permalink (`<link>`).
    Permalink,
    /// The item's permalink-shaped `<guid>`.
    Guid,
    /// A permalink or guid followed by a feed, AMP, pagination… suffix.
    PermalinkSuffix,
    /// The last path segment is the item's slug.
    Slug,
    /// The slug, shared by several items, told apart by the path's date.
    SlugDate,
    /// The last path segment is one of the item's old slugs
    /// (`_wp_old_slug`).
    OldSlug,
    /// `/p/N`.
    PathId,
}

impl Rule {
    /// The rule's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::QueryId => "query_id",
            Rule::FragmentId => "fragment_id",
            Rule::Permalink => "permalink",
            Rule::Guid => "guid",
            Rule::PermalinkSuffix => "permalink_suffix",
            Rule::Slug => "slug",
            Rule::SlugDate => "slug_date",
            Rule::OldSlug => "old_slug",
            Rule::PathId => "path_id",
        }
    }
}

/// A URL resolved to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The item's id.
    pub id: i64,
    /// The rule that matched.
    pub rule: Rule,
}

/// The items of one export, indexed for [`SiteIndex::resolve`].
#[derive(Debug, Clone, Default)]
pub struct SiteIndex {
    /// Normalized hosts of the site ([`normalize_host`]).
    hosts: BTreeSet<String>,
    /// Normalized path segments of the home URL (`["blog"]`), stripped
    /// from every path.
    home: Vec<String>,
    /// Every item, in export order.
    items: Vec<IndexItem>,
    /// id → the item's place in `items` (the last one with that id).
    by_id: HashMap<i64, usize>,
    /// Normalized link path → items ([`SiteIndex::permalink_key`]).
    permalinks: KeyMap,
    /// Normalized path of permalink-shaped guids → items.
    guids: KeyMap,
    /// Normalized slug → items.
    slugs: KeyMap,
    /// Normalized old slug (`_wp_old_slug`) → items.
    old_slugs: KeyMap,
    /// Attachment file URL ([`source_key`]) → items, the first counting.
    files: KeyMap,
}

/// Items by a text key: a link path, a slug, a file URL. A key is held as
/// its 64-bit hash under this run's random hash key, not as text (each
/// item keeps the text its keys come from, and a large export's keys
/// would be held twice). Hashes may collide, so every candidate is
/// checked against the key its item gives ([`SiteIndex::find`]).
#[derive(Debug, Clone, Default)]
struct KeyMap {
    hasher: std::hash::RandomState,
    map: HashMap<u64, Places>,
}

/// Places in [`SiteIndex::items`] under one hash, in export order; one
/// place needs no allocation.
#[derive(Debug, Clone)]
enum Places {
    One(usize),
    Many(Vec<usize>),
}

impl KeyMap {
    fn insert(&mut self, key: &str, pos: usize) {
        use std::collections::hash_map::Entry;
        use std::hash::BuildHasher;
        match self.map.entry(self.hasher.hash_one(key)) {
            Entry::Vacant(e) => {
                e.insert(Places::One(pos));
            }
            Entry::Occupied(mut e) => {
                let places = e.get_mut();
                match places {
                    Places::One(p) if *p == pos => {}
                    Places::One(p) => *places = Places::Many(vec![*p, pos]),
                    // Items are added in order: a repeat is the last one.
                    Places::Many(v) if v.last() == Some(&pos) => {}
                    Places::Many(v) => v.push(pos),
                }
            }
        }
    }

    fn candidates(&self, key: &str) -> &[usize] {
        use std::hash::BuildHasher;
        match self.map.get(&self.hasher.hash_one(key)) {
            None => &[],
            Some(Places::One(p)) => std::slice::from_ref(p),
            Some(Places::Many(v)) => v,
        }
    }
}

/// First path segments of WordPress's own URLs, which never name an item
/// by their last segment: term and author archives, search, files.
const NOT_ITEM_BASES: &[&str] = &[
    "category",
    "tag",
    "author",
    "search",
    "type",
    "wp-content",
    "wp-includes",
    "wp-admin",
    "wp-json",
];

/// What an index lookup found.
enum Found<T> {
    None,
    One(T),
    Ambiguous,
}

/// Which key of an item a [`KeyMap`] holds.
#[derive(Clone, Copy)]
enum Key {
    Permalink,
    Guid,
    Slug,
    OldSlug,
    File,
}

/// The item's slug as the slug index holds it ([`normalize_slug`]).
fn slug_key(item: &IndexItem) -> Option<String> {
    item.slug.as_deref().map(normalize_slug).filter(|s| !s.is_empty())
}

/// The item's old slugs, normalized as its slug is.
fn old_slug_keys(item: &IndexItem) -> impl Iterator<Item = String> + '_ {
    item.old_slugs
        .iter()
        .map(|s| normalize_slug(s))
        .filter(|s| !s.is_empty())
}

/// An attachment's file URL as [`source_key`] compares it.
fn file_key(item: &IndexItem) -> Option<String> {
    item.attachment_url.as_deref().and_then(source_key)
}

impl SiteIndex {
    /// An index with no items. `base_site_url`, `base_blog_url` and
    /// `channel_link` come from the export header; `extra_self_domains` are
    /// the user's `--self-domain` hosts (bare hosts like `old.example`, or
    /// URLs). The home path (subdirectory installs) is taken from
    /// `base_blog_url`, else from `channel_link`.
    pub fn new(
        base_site_url: Option<&str>,
        base_blog_url: Option<&str>,
        channel_link: Option<&str>,
        extra_self_domains: &[String],
    ) -> SiteIndex {
        let mut index = SiteIndex::default();
        for url in [base_site_url, base_blog_url, channel_link].into_iter().flatten() {
            if let Some(url) = parse_http(url, None)
                && let Some(host) = host_key(&url)
            {
                index.hosts.insert(host);
            }
        }
        for extra in extra_self_domains {
            let host = normalize_host(extra);
            if !host.is_empty() {
                index.hosts.insert(host);
            }
        }
        if let Some(home) = [base_blog_url, channel_link]
            .into_iter()
            .flatten()
            .find_map(|u| parse_http(u, None))
        {
            index.home = path_segments(home.path());
        }
        index
    }

    /// Adds an item: its link host and the host of a guid of the
    /// `?p=N`/`?page_id=N` shape join the self-domain set; its link,
    /// permalink-shaped guid, slug and old slugs are indexed. An item
    /// without an id is kept (in [`SiteIndex::items`]) but no URL leads to
    /// it.
    pub fn add_item(&mut self, item: IndexItem) {
        let pos = self.items.len();
        if let Some(id) = item.id {
            self.index_urls(&item, pos);
            self.by_id.insert(id, pos);
        }
        self.items.push(item);
    }

    fn index_urls(&mut self, item: &IndexItem, pos: usize) {
        // The link's host, and a `?p=N` guid's, are the site's; not an
        // attachment's link, which may be its file on a CDN.
        if item.kind != "attachment"
            && let Some(link) = item.link.as_deref().and_then(|l| parse_http(l, None))
            && let Some(host) = host_key(&link)
        {
            self.hosts.insert(host);
        }
        if let Some(guid) = item.guid.as_deref().and_then(|g| parse_http(g, None))
            && query_id(&guid).is_some()
            && let Some(host) = host_key(&guid)
        {
            self.hosts.insert(host);
        }
        let keys = [
            (Key::Permalink, self.permalink_key(item)),
            (Key::Guid, self.guid_key(item)),
            (Key::Slug, slug_key(item)),
            (Key::File, file_key(item)),
        ];
        for (which, key) in keys {
            if let Some(key) = key {
                self.map_mut(which).insert(&key, pos);
            }
        }
        for old in old_slug_keys(item) {
            self.old_slugs.insert(&old, pos);
        }
    }

    fn map(&self, which: Key) -> &KeyMap {
        match which {
            Key::Permalink => &self.permalinks,
            Key::Guid => &self.guids,
            Key::Slug => &self.slugs,
            Key::OldSlug => &self.old_slugs,
            Key::File => &self.files,
        }
    }

    fn map_mut(&mut self, which: Key) -> &mut KeyMap {
        match which {
            Key::Permalink => &mut self.permalinks,
            Key::Guid => &mut self.guids,
            Key::Slug => &mut self.slugs,
            Key::OldSlug => &mut self.old_slugs,
            Key::File => &mut self.files,
        }
    }

    /// The item's permalink as the index compares paths: its link's
    /// segments relative to the home path (links with a query are not
    /// paths).
    fn permalink_key(&self, item: &IndexItem) -> Option<String> {
        let link = parse_http(item.link.as_deref()?, None)?;
        let segs = self.site_segments(link.path());
        (link.query().is_none() && !segs.is_empty()).then(|| segs.join("/"))
    }

    /// A permalink-shaped guid, as [`SiteIndex::permalink_key`]. An
    /// attachment's guid is the URL of its file, not of a page.
    fn guid_key(&self, item: &IndexItem) -> Option<String> {
        if item.kind == "attachment" {
            return None;
        }
        let guid = parse_http(item.guid.as_deref()?, None)?;
        if query_id(&guid).is_some() {
            return None;
        }
        let segs = self.site_segments(guid.path());
        (guid.query().is_none() && !segs.is_empty()).then(|| segs.join("/"))
    }

    /// The items that give `key` in map `which`, without repeating an id,
    /// each as the last item with its id (as [`SiteIndex::item`] finds it).
    fn find(&self, which: Key, key: &str) -> Vec<&IndexItem> {
        let candidates = self.map(which).candidates(key);
        let mut found: Vec<&IndexItem> = Vec::with_capacity(candidates.len().min(8));
        let mut seen = std::collections::HashSet::new();
        for &pos in candidates {
            let Some(item) = self.items.get(pos) else { continue };
            let gives = match which {
                Key::Permalink => self.permalink_key(item).as_deref() == Some(key),
                Key::Guid => self.guid_key(item).as_deref() == Some(key),
                Key::Slug => slug_key(item).as_deref() == Some(key),
                Key::OldSlug => old_slug_keys(item).any(|k| k == key),
                Key::File => file_key(item).as_deref() == Some(key),
            };
            if let (true, Some(id)) = (gives, item.id)
                && let Some(current) = self.item(id)
                && seen.insert(id)
            {
                found.push(current);
            }
        }
        found
    }

    /// One item under `key`, or none, or several.
    fn lookup(&self, which: Key, key: &str) -> Found<i64> {
        match self.find(which, key).as_slice() {
            [] => Found::None,
            [item] => item.id.map_or(Found::None, Found::One),
            _ => Found::Ambiguous,
        }
    }

    /// The attachment whose file `url` is, or of which it is a resized copy
    /// (`photo-300x200.jpg` of `photo.jpg`). URLs compare as [`source_key`]
    /// does: any scheme, `www.` or not, escapes normalized.
    pub fn attachment(&self, url: &str) -> Option<&IndexItem> {
        let find = |u: &str| {
            let key = source_key(u)?;
            self.find(Key::File, &key).first().copied()
        };
        find(url).or_else(|| find(&original_size(url)?))
    }

    /// True when the URL's host, normalized, is in the self-domain set.
    pub fn is_self_url(&self, url: &str) -> bool {
        parse_http(url, None)
            .and_then(|u| host_key(&u))
            .is_some_and(|h| self.hosts.contains(&h))
    }

    /// True when `url` is the home page of the site (on a self domain, at
    /// the home path, with no query).
    pub fn is_home(&self, url: &str) -> bool {
        parse_http(url, None).is_some_and(|u| {
            host_key(&u).is_some_and(|h| self.hosts.contains(&h))
                && u.query().is_none_or(str::is_empty)
                && self.site_segments(u.path()).is_empty()
        })
    }

    /// The normalized self hosts, sorted.
    pub fn self_hosts(&self) -> Vec<String> {
        self.hosts.iter().cloned().collect()
    }

    /// The item with this id, if indexed.
    pub fn item(&self, id: i64) -> Option<&IndexItem> {
        self.by_id.get(&id).and_then(|&i| self.items.get(i))
    }

    /// Every item, in export order.
    pub fn items(&self) -> &[IndexItem] {
        &self.items
    }

    /// Resolves `url` (absolute, or relative to `base` when given) to an
    /// item. `None` when the URL is not on a self domain, points to no item,
    /// or could point to several.
    pub fn resolve(&self, url: &str, base: Option<&str>) -> Option<Resolved> {
        let url = parse_http(url, base)?;
        if !self.hosts.contains(&host_key(&url)?) {
            return None;
        }
        let found = |id, rule| Some(Resolved { id, rule });

        // Query ids come first: they name the item outright.
        for (name, value) in url.query_pairs() {
            if matches!(name.as_ref(), "p" | "page_id" | "attachment_id")
                && let Some(id) = positive_id(&value)
                && self.by_id.contains_key(&id)
            {
                return found(id, Rule::QueryId);
            }
        }

        let segs = self.site_segments(url.path());
        if segs.is_empty() {
            // The home page: only the legacy `/#123`, `/#post-123` forms.
            let frag = url.fragment()?;
            let id = positive_id(frag.strip_prefix("post-").unwrap_or(frag))?;
            return self.by_id.contains_key(&id).then_some(Resolved {
                id,
                rule: Rule::FragmentId,
            });
        }

        match self.exact(&segs.join("/")) {
            Found::One((id, rule)) => return found(id, rule),
            Found::Ambiguous => return None,
            Found::None => {}
        }

        let stripped = strip_suffixes(&segs);
        for prefix in &stripped {
            match self.exact(&prefix.join("/")) {
                Found::One((id, _)) => return found(id, Rule::PermalinkSuffix),
                Found::Ambiguous => return None,
                Found::None => {}
            }
        }

        // Slug fallback: the full path, else the path without its suffix;
        // never under WordPress's own bases (`/category/news/` is the
        // archive of a term, `/wp-content/…` a file, whatever the slugs).
        let paths = || std::iter::once(&segs[..]).chain(stripped.iter().map(Vec::as_slice));
        if !NOT_ITEM_BASES.contains(&segs[0].as_str()) {
            let slug_path = paths().find(|p| p.last().is_some_and(|s| !self.find(Key::Slug, s).is_empty()));
            if let Some(path) = slug_path
                && let Some(hit) = self.by_slug(path)
            {
                return Some(hit);
            }
            // An old slug, as WordPress redirects it: only when no item has
            // the slug now.
            if slug_path.is_none()
                && let Some(id) = paths().find_map(|p| match self.lookup(Key::OldSlug, p.last()?) {
                    Found::One(id) => Some(id),
                    _ => None,
                })
            {
                return found(id, Rule::OldSlug);
            }
        }

        if let [.., p, n] = &segs[..]
            && p == "p"
            && let Some(id) = positive_id(n)
            && self.by_id.contains_key(&id)
        {
            return found(id, Rule::PathId);
        }
        None
    }

    /// Rule 5: the permalink index, then the guid index.
    fn exact(&self, key: &str) -> Found<(i64, Rule)> {
        match self.lookup(Key::Permalink, key) {
            Found::One(id) => Found::One((id, Rule::Permalink)),
            Found::Ambiguous => Found::Ambiguous,
            Found::None => match self.lookup(Key::Guid, key) {
                Found::One(id) => Found::One((id, Rule::Guid)),
                Found::Ambiguous => Found::Ambiguous,
                Found::None => Found::None,
            },
        }
    }

    /// Rule 7: the last segment as a slug, told apart by the path's date,
    /// then by the parent's slug as the previous segment.
    fn by_slug(&self, segs: &[String]) -> Option<Resolved> {
        let (last, before) = segs.split_last()?;
        let mut cands = self.find(Key::Slug, last);
        let one = |c: &[&IndexItem], rule| match c {
            [item] => item.id.map(|id| Resolved { id, rule }),
            _ => None,
        };
        if cands.len() == 1 {
            return one(&cands, Rule::Slug);
        }
        if let Some(prefix) = path_date(before) {
            let dated: Vec<&IndexItem> = cands
                .iter()
                .copied()
                .filter(|i| i.date.as_deref().is_some_and(|d| d.starts_with(&prefix)))
                .collect();
            if dated.len() == 1 {
                return one(&dated, Rule::SlugDate);
            }
            if dated.len() > 1 {
                cands = dated;
            }
        }
        let prev = before.last()?;
        let children: Vec<&IndexItem> = cands
            .into_iter()
            .filter(|i| {
                i.parent
                    .and_then(|p| self.item(p))
                    .and_then(|p| p.slug.as_deref())
                    .is_some_and(|s| normalize_slug(s) == *prev)
            })
            .collect();
        one(&children, Rule::Slug)
    }

    /// The normalized segments of a URL path, relative to the home path,
    /// without a leading `index.php` or a trailing one.
    fn site_segments(&self, path: &str) -> Vec<String> {
        let mut segs = path_segments(path);
        if !self.home.is_empty() && segs.starts_with(&self.home) {
            segs.drain(..self.home.len());
        }
        if segs.first().is_some_and(|s| s == "index.php") {
            segs.remove(0);
        }
        if segs.last().is_some_and(|s| s == "index.php") {
            segs.pop();
        }
        segs
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, kind: &str, slug: &str, link: &str) -> IndexItem {
        IndexItem {
            id: Some(id),
            kind: kind.into(),
            status: "publish".into(),
            slug: Some(slug.into()),
            link: Some(link.into()),
            ..IndexItem::default()
        }
    }

    fn site() -> SiteIndex {
        let home = Some("https://blog.example");
        let mut s = SiteIndex::new(home, home, home, &["Legacy.Example".to_string()]);
        s.add_item(IndexItem {
            guid: Some("http://old-blog.example/?p=12".into()),
            date: Some("2010-03-22T08:30:00".into()),
            ..item(12, "post", "hello-world", "https://blog.example/2010/03/hello-world/")
        });
        s.add_item(IndexItem {
            parent: Some(14),
            ..item(13, "page", "team", "https://blog.example/about/team/")
        });
        s.add_item(item(14, "page", "about", "https://blog.example/about/"));
        s.add_item(IndexItem {
            date: Some("2011-01-05T10:00:00".into()),
            ..item(15, "post", "caf%c3%a9", "https://blog.example/2011/01/caf%c3%a9/")
        });
        s.add_item(IndexItem {
            date: Some("2012-04-02T09:00:00".into()),
            ..item(16, "post", "news", "https://blog.example/2012/04/news/")
        });
        s.add_item(IndexItem {
            date: Some("2012-05-07T09:00:00".into()),
            ..item(17, "post", "news", "https://blog.example/2012/05/news/")
        });
        s.add_item(IndexItem {
            status: "trash".into(),
            date: Some("2013-02-01T09:00:00".into()),
            ..item(18, "post", "gone__trashed", "https://blog.example/?p=18")
        });
        s.add_item(IndexItem {
            guid: Some("https://blog.example/wp-content/uploads/2010/03/photo.jpg".into()),
            attachment_url: Some("https://blog.example/wp-content/uploads/2010/03/photo.jpg".into()),
            parent: Some(12),
            ..item(
                19,
                "attachment",
                "photo",
                "https://blog.example/2010/03/hello-world/photo/",
            )
        });
        // A second "team" page, under "careers".
        s.add_item(IndexItem {
            parent: Some(21),
            ..item(20, "page", "team", "https://blog.example/careers/team/")
        });
        s.add_item(item(21, "page", "careers", "https://blog.example/careers/"));
        s
    }

    /// Every URL resolves to `want`.
    fn expect(s: &SiteIndex, want: Option<(i64, Rule)>, urls: &[&str]) {
        for url in urls {
            let got = s.resolve(url, None).map(|r| (r.id, r.rule));
            assert_eq!(got, want, "resolve({url:?})");
        }
    }

    const B: &str = "https://blog.example";

    #[test]
    fn permalinks() {
        let s = site();
        let hello = Some((12, Rule::Permalink));
        expect(
            &s,
            hello,
            &[
                "https://blog.example/2010/03/hello-world/",
                "http://blog.example/2010/03/hello-world/",
                "https://www.blog.example/2010/03/hello-world",
                "HTTPS://WWW.BLOG.EXAMPLE./2010/03/Hello-World",
                "  <https://blog.example/2010/03/hello-world/>\n",
                "https://blog.example/2010/03/hello-world/#comment-3",
                "https://blog.example/2010/03/hello-world/?replytocom=3",
                "https://blog.example//2010//03/hello-world",
                "https://blog.example/index.php/2010/03/hello-world/",
                // Old domain (from the ?p= guid) and --self-domain.
                "http://old-blog.example/2010/03/hello-world/",
                "https://legacy.example/2010/03/hello-world/",
            ],
        );
        // Escapes in either case, raw UTF-8 IRI, uppercase, NFD.
        expect(
            &s,
            Some((15, Rule::Permalink)),
            &[
                "https://blog.example/2011/01/caf%C3%A9/",
                "https://blog.example/2011/01/caf%c3%a9",
                "https://blog.example/2011/01/café/",
                "https://blog.example/2011/01/CAFÉ/",
                "https://blog.example/2011/01/cafe%CC%81/",
            ],
        );
        // An attachment page: its own permalink wins over the suffix rule.
        expect(
            &s,
            Some((19, Rule::Permalink)),
            &["https://blog.example/2010/03/hello-world/photo/"],
        );
        // Its file is no page (WordPress's `url_to_postid` finds nothing
        // there either): the attachment is found by its file instead.
        expect(&s, None, &["https://blog.example/wp-content/uploads/2010/03/photo.jpg"]);
        for file in [
            "https://blog.example/wp-content/uploads/2010/03/photo.jpg",
            "http://www.blog.example/wp-content/uploads/2010/03/photo-300x200.jpg",
        ] {
            assert_eq!(s.attachment(file).and_then(|a| a.id), Some(19), "{file}");
        }
        assert!(
            s.attachment("https://blog.example/wp-content/uploads/2010/03/other.jpg")
                .is_none()
        );
    }

    #[test]
    fn relative_urls() {
        let s = site();
        for (url, base, want) in [
            ("../hello-world/", "https://blog.example/2010/03/other/", Some(12)),
            ("/about/team/", "https://blog.example/2011/01/x/", Some(13)),
            ("?p=14", "https://blog.example/2011/01/x/", Some(14)),
            ("https://blog.example/about/", "https://other.example/", Some(14)),
            ("/about/", "https://other.example/", None),
            ("/about/team/", "not a url", None),
        ] {
            assert_eq!(s.resolve(url, Some(base)).map(|r| r.id), want, "{url:?} on {base:?}");
        }
    }

    #[test]
    fn query_and_fragment_ids() {
        let s = site();
        expect(
            &s,
            Some((12, Rule::QueryId)),
            &[
                "https://blog.example/?p=12",
                "http://old-blog.example/?p=12",
                "https://blog.example/?foo=1&amp;p=12",
                "https://blog.example/?p=999&p=12",
                "https://blog.example/some/path/?p=12",
            ],
        );
        expect(
            &s,
            Some((14, Rule::QueryId)),
            &[
                "https://blog.example/?page_id=14",
                "https://blog.example/?foo=1&#038;page_id=14",
            ],
        );
        expect(
            &s,
            Some((19, Rule::QueryId)),
            &["https://blog.example/index.php?attachment_id=19"],
        );
        expect(&s, Some((18, Rule::QueryId)), &["https://blog.example/?p=18"]);
        expect(&s, Some((12, Rule::FragmentId)), &["https://blog.example/#12"]);
        expect(&s, Some((13, Rule::FragmentId)), &["https://blog.example/#post-13"]);
        expect(
            &s,
            None,
            &[
                "https://blog.example/?p=999",
                "https://blog.example/?p=-12",
                "https://blog.example/?p=12abc",
                "https://blog.example/?post=12",
                "https://blog.example/#999",
                "https://blog.example/#comment-12",
                "https://blog.example/elsewhere/#12",
            ],
        );
    }

    #[test]
    fn suffixes() {
        let s = site();
        let urls: Vec<String> = [
            "amp/",
            "feed/",
            "feed/atom/",
            "feed/rss2",
            "trackback/",
            "embed/",
            "comment-page-2/#comments",
            "2/",
            "page/3/",
            "attachment/other-img/",
        ]
        .iter()
        .map(|suffix| format!("{B}/2010/03/hello-world/{suffix}"))
        .collect();
        let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
        expect(&s, Some((12, Rule::PermalinkSuffix)), &urls);
        expect(
            &s,
            Some((14, Rule::PermalinkSuffix)),
            &["https://blog.example/about/page/3/"],
        );
        expect(
            &s,
            None,
            &[
                "https://blog.example/2010/03/hello-world/comment-page-x/",
                "https://blog.example/2010/03/hello-world/feed/xml/",
            ],
        );
    }

    #[test]
    fn slugs_and_path_ids() {
        let s = site();
        expect(
            &s,
            Some((12, Rule::Slug)),
            &[
                "https://blog.example/hello-world/",
                "https://blog.example/hello-world/feed/",
            ],
        );
        expect(&s, Some((15, Rule::Slug)), &["https://blog.example/archives/caf%C3%A9"]);
        // A trashed item answers to its slug without "__trashed".
        expect(&s, Some((18, Rule::Slug)), &["https://blog.example/2013/02/gone/"]);
        // Two "news" posts: the path's date tells them apart, or nothing does.
        expect(
            &s,
            Some((16, Rule::SlugDate)),
            &["https://blog.example/2012/04/02/news/"],
        );
        expect(
            &s,
            Some((17, Rule::SlugDate)),
            &["https://blog.example/archives/2012/05/news"],
        );
        // Two "team" pages: the parent's slug tells them apart.
        expect(
            &s,
            Some((13, Rule::Slug)),
            &["https://blog.example/company/about/team/"],
        );
        expect(&s, Some((20, Rule::Slug)), &["https://blog.example/jobs/careers/team/"]);
        expect(&s, Some((12, Rule::PathId)), &["https://blog.example/p/12"]);
        expect(
            &s,
            None,
            &[
                "https://blog.example/news/",
                "https://blog.example/2012/06/news/",
                "https://blog.example/team/",
                "https://blog.example/p/999",
                "https://blog.example/no-such-post/",
            ],
        );
    }

    #[test]
    fn not_ours_or_nothing() {
        expect(
            &site(),
            None,
            &[
                "https://elsewhere.example/2010/03/hello-world/",
                "https://blog.example.evil/2010/03/hello-world/",
                "https://blog.example:8080/2010/03/hello-world/",
                "ftp://blog.example/2010/03/hello-world/",
                "mailto:me@blog.example",
                "https://blog.example/",
                "not a url",
                "/2010/03/hello-world/",
                "",
            ],
        );
    }

    #[test]
    fn subdirectory_install() {
        let mut s = SiteIndex::new(
            Some("https://example.net/blog/wp"),
            Some("https://example.net/blog"),
            Some("https://example.net/blog"),
            &[],
        );
        s.add_item(item(
            12,
            "post",
            "hello-world",
            "https://example.net/blog/2010/03/hello-world/",
        ));
        s.add_item(item(30, "page", "blog", "https://example.net/blog/blog/"));
        expect(
            &s,
            Some((12, Rule::Permalink)),
            &[
                "https://example.net/blog/2010/03/hello-world",
                "https://example.net/blog/index.php/2010/03/hello-world/",
                // Outside the home path, the path is taken as it is.
                "https://example.net/2010/03/hello-world/",
            ],
        );
        expect(
            &s,
            Some((12, Rule::PermalinkSuffix)),
            &["https://example.net/blog/2010/03/hello-world/feed/"],
        );
        expect(&s, Some((12, Rule::QueryId)), &["https://example.net/blog/?p=12"]);
        expect(
            &s,
            Some((12, Rule::FragmentId)),
            &[
                "https://example.net/blog/#12",
                "https://example.net/blog/index.php#post-12",
            ],
        );
        // A page whose slug is the home path's name is not the home page.
        expect(&s, Some((30, Rule::Permalink)), &["https://example.net/blog/blog/"]);
        expect(&s, None, &["https://example.net/blog/", "https://example.net/blog/#99"]);
        assert_eq!(s.self_hosts(), vec!["example.net".to_string()]);
    }

    #[test]
    fn self_domains() {
        let s = site();
        assert_eq!(
            s.self_hosts(),
            vec!["blog.example", "legacy.example", "old-blog.example"]
        );
        assert!(s.is_self_url("http://WWW.Old-Blog.Example/anything"));
        assert!(s.is_self_url("https://legacy.example"));
        assert!(!s.is_self_url("https://other.example/"));
        assert!(!s.is_self_url("/relative/path"));
        let t = SiteIndex::new(None, None, None, &["https://www.Old.Example:8443/x".into()]);
        assert_eq!(t.self_hosts(), vec!["old.example:8443"]);
        assert!(t.is_self_url("https://old.example:8443/"));
        assert!(!t.is_self_url("https://old.example/"));
        assert_eq!(s.item(13).map(|i| i.parent), Some(Some(14)));
        assert!(s.item(99).is_none());
        // A guid not of the ?p= shape does not make its host a self host.
        let mut u = SiteIndex::new(Some("https://a.example"), None, None, &[]);
        u.add_item(IndexItem {
            guid: Some("https://cdn.example/img.jpg".into()),
            ..item(1, "attachment", "img", "https://a.example/img/")
        });
        // Nor does an attachment's link, which may be its file on a CDN.
        u.add_item(item(2, "attachment", "photo", "https://images.cdn.example/photo"));
        assert_eq!(u.self_hosts(), vec!["a.example"]);
    }

    #[test]
    fn old_slugs_lead_to_the_item_unless_a_slug_is_taken() {
        let mut s = site();
        s.add_item(IndexItem {
            old_slugs: vec!["bonjour".into(), "about".into(), "  ".into()],
            ..item(22, "post", "hello-again", "https://blog.example/2014/01/hello-again/")
        });
        expect(
            &s,
            Some((22, Rule::OldSlug)),
            &[
                "https://blog.example/2014/01/bonjour/",
                "https://blog.example/2014/01/Bonjour/amp/",
                "https://blog.example/bonjour",
            ],
        );
        // "about" is a page's slug now: the page wins, as in WordPress.
        expect(&s, Some((14, Rule::Slug)), &["https://blog.example/2014/01/about/"]);
    }

    #[test]
    fn wordpress_bases_and_files_are_not_items() {
        let s = site();
        expect(
            &s,
            None,
            &[
                "https://blog.example/category/about/",
                "https://blog.example/tag/caf%C3%A9/",
                "https://blog.example/author/about/",
                "https://blog.example/wp-content/uploads/2010/03/photo.jpg",
            ],
        );
        // The attachment page is the attachment; its file is not.
        expect(
            &s,
            Some((19, Rule::Permalink)),
            &["https://blog.example/2010/03/hello-world/photo/"],
        );
    }

    #[test]
    fn a_hash_that_collides_finds_nothing() {
        // The maps hold hashes: a place filed under a key its item does
        // not give (what a collision would look like) is not a match.
        let mut s = site();
        let pos = s.items().iter().position(|i| i.id == Some(14)).unwrap();
        for which in [Key::Permalink, Key::Guid, Key::Slug, Key::OldSlug, Key::File] {
            s.map_mut(which).insert("2010/03/hello-world", pos);
        }
        expect(
            &s,
            Some((12, Rule::Permalink)),
            &["https://blog.example/2010/03/hello-world/"],
        );
        s.slugs.insert("nobody", pos);
        expect(&s, None, &["https://blog.example/nobody/"]);
        assert!(s.find(Key::Slug, "nobody").is_empty());
        assert_eq!(s.find(Key::Slug, "about").len(), 1);
    }

    #[test]
    fn rule_names() {
        use Rule::*;
        let names: Vec<&str> = [
            QueryId,
            FragmentId,
            Permalink,
            Guid,
            PermalinkSuffix,
            Slug,
            SlugDate,
            OldSlug,
            PathId,
        ]
        .into_iter()
        .map(Rule::as_str)
        .collect();
        assert_eq!(
            names,
            [
                "query_id",
                "fragment_id",
                "permalink",
                "guid",
                "permalink_suffix",
                "slug",
                "slug_date",
                "old_slug",
                "path_id"
            ]
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let s = site();
        let long = format!("http://a.example/{}", ")".repeat(10_000));
        for input in [
            "%",
            "%%",
            "%zz",
            "%c3",
            "http://[",
            "http://[::1",
            "//",
            "?",
            "#",
            "&",
            "&#",
            "&#xFFFFFFFF;",
            "&#0;",
            "<>",
            "\"",
            "'",
            "http://a.example/%ff%fe",
            "é",
            "\u{0}",
            "https://blog.example/%ff/",
            "https://blog.example/p/99999999999999999999",
            "https://blog.example/?p=99999999999999999999",
            &long,
        ] {
            let _ = s.resolve(input, None);
            let _ = s.resolve(input, Some(input));
            let _ = s.is_self_url(input);
            let _ = (normalize_host(input), clean_url(input), source_key(input));
            let _ = (
                extract_urls(input),
                crate::http::is_private_host(input),
                crate::http::is_reserved_host(input),
            );
        }
        assert_eq!(extract_urls(&long), ["http://a.example/"]);
        // An invalid UTF-8 escape is kept as it is, not lost.
        let mut t = SiteIndex::new(Some("https://blog.example"), None, None, &[]);
        t.add_item(item(1, "post", "x", "https://blog.example/%FF/"));
        expect(&t, Some((1, Rule::Permalink)), &["https://blog.example/%ff"]);
    }
}
