//! The site plan: which items become files, where, under which URL, and
//! which old URLs must lead to them. Made from a first pass over the export
//! (the [`SiteIndex`](crate::site::SiteIndex) of every item, small), before any body is converted, so
//! that pages nest under parents that come later in the file, internal
//! links can be rewritten, and collisions are settled deterministically.

use super::redirects;
use super::report::DroppedRedirect;
use super::ssg::{Place, Ssg};
use crate::site::IndexItem;
use crate::transform::slug::{ascii_slug, decode_slug, safe_component, sanitize_title, served_slug};
use std::collections::{BTreeSet, HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;

/// Post types that are WordPress's own machinery, never content.
const INTERNAL_TYPES: &[&str] = &[
    "nav_menu_item",
    "revision",
    "customize_changeset",
    "custom_css",
    "oembed_cache",
    "user_request",
    "wp_block",
    "wp_template",
    "wp_template_part",
    "wp_global_styles",
    "wp_navigation",
    "wp_font_family",
    "wp_font_face",
];

/// Whether items of post type `kind` are never pages of a site:
/// attachments (files, in `media.json`) and WordPress's machinery.
pub(super) fn not_content(kind: &str) -> bool {
    kind == "attachment" || INTERNAL_TYPES.contains(&kind)
}

/// Post types of plugins that hold records, not pages: contact-form
/// submissions (with the sender's e-mail and IP address in the body),
/// form definitions, orders, outboxes, field groups, page-builder parts.
const RECORD_TYPES: &[&str] = &[
    "feedback",
    "wpcf7_contact_form",
    "flamingo_contact",
    "flamingo_inbound",
    "wpforms",
    "wpforms_entry",
    "nf_sub",
    "ap_outbox",
    "ap_extrafield",
    "vc_grid_item",
    "product_variation",
    "shop_order",
    "shop_order_refund",
    "shop_coupon",
    "shop_webhook",
    "acf-field",
    "acf-field-group",
    "acf-post-type",
    "acf-taxonomy",
    "scheduled-action",
    "jp_pay_order",
    "jp_pay_product",
    "jp_mem_plan",
    "amp_validated_url",
    "mc4wp-form",
    "elementor_library",
    "et_pb_layout",
    "fl-builder-template",
    "wp_log",
];

/// Longest file name component written, in bytes.
const MAX_COMPONENT: usize = 120;

/// Where the WordPress site was: the path of its home (`/`, or `/blog/`
/// for a site in a folder), where it answered `?p=N`, and its hosts.
#[derive(Debug, Clone, Copy)]
pub struct Home<'a> {
    /// The home path, ending in `/`.
    pub path: &'a str,
    /// The site's own hosts, normalized ([`crate::site::url::normalize_host`]);
    /// none known: every link is the site's.
    pub hosts: &'a [String],
}

impl Home<'_> {
    /// A site at `/` whose hosts are not known.
    pub const ROOT: Home<'static> = Home { path: "/", hosts: &[] };

    /// Whether `link` is a URL of the site: relative, or on one of its
    /// hosts. A link elsewhere (an attachment's file on a CDN, a post a
    /// plugin points to another site) is no old URL of this one.
    fn owns(&self, link: &str) -> bool {
        self.hosts.is_empty()
            || !link.trim().contains("://")
            || crate::site::url::host_of(link).is_some_and(|h| self.hosts.contains(&h))
    }
}

/// Which items are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Statuses written (`publish` by default); others are skipped.
    pub statuses: BTreeSet<String>,
    /// Write private and password-protected items (as drafts).
    pub include_private: bool,
    /// Transliterate slugs to ASCII for paths.
    pub ascii_slugs: bool,
    /// `--path`: a file path with `{type}`, `{year}`, `{month}`, `{day}`,
    /// `{slug}`, `{id}` and `{parents}` (slugs of parent pages), instead
    /// of the generator's layout.
    pub path_template: Option<String>,
    /// `--keep-urls`: each published item served at its WordPress path
    /// ([`kept_url`]).
    pub keep_urls: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            statuses: ["publish".to_string()].into(),
            include_private: false,
            ascii_slugs: false,
            path_template: None,
            keep_urls: false,
        }
    }
}

/// Where one item goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The file, relative to the site directory, with `/` separators.
    pub path: String,
    /// The URL path it will have on the new site (`/posts/slug/`).
    pub url: String,
    /// The slug used (decoded, for display and front matter).
    pub slug: String,
    /// Written as a draft.
    pub draft: bool,
    /// Old URL paths that must lead here (permalink, old slugs).
    pub aliases: Vec<String>,
    /// Old URLs for the redirect files only: with a query (`/?p=12`), or
    /// a path that can have no alias page
    /// ([`has_alias_page`](redirects::has_alias_page)).
    pub query_urls: Vec<String>,
}

/// Why an item is not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// WordPress machinery (menu items, revisions…) or an attachment.
    NotContent(String),
    /// A post type WordPress does not show as a page: a plugin's records
    /// (contact-form submissions, orders…), or a type whose items have no
    /// public permalink (`?post_type=…&p=N`). Its titles are not reported
    /// either: they may hold a sender's name or address.
    NotPublic(String),
    /// Private or password-protected, without `--include-private`.
    Private,
    /// A status not asked for.
    Status(String),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::NotContent(kind) => write!(f, "{kind} items are not pages of the site"),
            Skip::NotPublic(kind) => write!(
                f,
                "{kind} items are not public on the old site (no public permalink): not published"
            ),
            Skip::Private => {
                f.write_str("private or password-protected (use --include-private to write it as a draft)")
            }
            Skip::Status(s) => write!(f, "status {s} not selected (see --status)"),
        }
    }
}

/// The decision for every item of the index, in order.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// One per index entry.
    pub decisions: Vec<Result<Planned, Skip>>,
    /// Paths that collided and got a suffix: (wanted, given).
    pub collisions: Vec<(String, String)>,
    /// Pages whose parent is not written, placed at the top.
    pub orphan_pages: Vec<Option<i64>>,
    /// Old URLs left out, with the reason (see [`Plan::settle_old_urls`]).
    pub dropped: Vec<DroppedRedirect>,
    by_id: HashMap<i64, usize>,
}

impl Plan {
    /// The decision for item `id`.
    pub fn for_id(&self, id: i64) -> Option<&Result<Planned, Skip>> {
        self.by_id.get(&id).and_then(|&i| self.decisions.get(i))
    }

    /// Makes the plan for `entries` (export order) of a site whose home
    /// page was at the path `home` (`/`, or `/blog/` for a WordPress in a
    /// folder), where its `?p=N` URLs were.
    pub fn make(entries: &[IndexItem], site: &Home, policy: &Policy, ssg: Ssg) -> Plan {
        let mut plan = Plan::default();
        for (i, e) in entries.iter().enumerate() {
            if let Some(id) = e.id {
                plan.by_id.entry(id).or_insert(i);
            }
        }
        let written: Vec<bool> = entries.iter().map(|e| plan.skip(e, policy).is_none()).collect();
        let kinds: Vec<String> = entries
            .iter()
            .map(|e| match e.kind.as_str() {
                "post" | "page" => e.kind.clone(),
                k => type_dir(k, &|d| ssg.taken(d)),
            })
            .collect();
        let mut slugs: Vec<String> = entries.iter().map(|e| slug_of(e, policy.ascii_slugs)).collect();
        // The folders a top-level page must leave alone: the generator's
        // own and those of the post types written. Such a page gets a
        // suffix before its child pages take its slug as their folder.
        let mut folders: HashSet<&str> = HashSet::new();
        for (i, e) in entries.iter().enumerate() {
            if written[i] && e.kind != "post" && e.kind != "page" {
                folders.insert(&kinds[i]);
            }
        }
        let taken = |name: &str| ssg.taken(name) || folders.contains(name);
        let mut renamed: HashMap<usize, String> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let top = e.kind == "page" && written[i] && !plan.has_written_parent(entries, e, &written);
            if top && taken(slugs[i].as_str()) {
                let suffixed = unreserved(format!("{}-2", slugs[i]), &taken);
                renamed.insert(i, std::mem::replace(&mut slugs[i], suffixed));
            }
        }
        // Pages that will have written pages under them.
        let parents: BTreeSet<i64> = entries
            .iter()
            .zip(&written)
            .filter(|(e, w)| e.kind == "page" && **w)
            .filter_map(|(e, _)| e.parent)
            .collect();
        let mut taken = Taken::default();
        // The WordPress paths kept as URLs (`--keep-urls`), each once.
        let mut kept: HashSet<String> = HashSet::new();
        for (i, e) in entries.iter().enumerate() {
            let decision = match plan.skip(e, policy) {
                Some(skip) => Err(skip),
                None => {
                    let draft = e.status != "publish" || e.password;
                    let dirs = if e.kind == "page" {
                        plan.ancestors(entries, &slugs, i, policy)
                    } else {
                        Vec::new()
                    };
                    let parent = e.kind == "page" && e.id.is_some_and(|id| parents.contains(&id));
                    let place = |slug: &str| match &policy.path_template {
                        Some(t) => from_template(t, e, &dirs, slug),
                        None => ssg.path(&Place {
                            kind: &kinds[i],
                            dirs: &dirs,
                            slug,
                            date: e.date.as_deref(),
                            draft,
                            parent,
                        }),
                    };
                    let wanted = place(&slugs[i]);
                    let path = unique(&wanted, &mut taken);
                    // The slug the file has: generators take a `slug`
                    // field for the URL (Hugo, Zola), which must be the
                    // suffixed one.
                    let slug = format!("{}{}", slugs[i], suffix_given(&wanted, &path));
                    if let Some(slug) = renamed.get(&i) {
                        plan.collisions.push((place(slug), path.clone()));
                    } else if path != wanted {
                        plan.collisions.push((wanted, path.clone()));
                    }
                    let url = policy
                        .keep_urls
                        .then(|| kept_url(e, draft, ssg, &path))
                        .flatten()
                        .filter(|u| kept.insert(redirects::decoded(u)))
                        .unwrap_or_else(|| ssg.url(&path));
                    let (aliases, query_urls) = old_urls(e, site, &url);
                    Ok(Planned {
                        path,
                        url,
                        slug,
                        draft,
                        aliases,
                        query_urls,
                    })
                }
            };
            plan.decisions.push(decision);
        }
        plan.attachment_pages(entries, site);
        plan.settle_old_urls(ssg);
        plan
    }

    /// Whether page `e`'s parent is a page that is written.
    fn has_written_parent(&self, entries: &[IndexItem], e: &IndexItem, written: &[bool]) -> bool {
        e.parent
            .and_then(|p| self.by_id.get(&p))
            .is_some_and(|&p| entries[p].kind == "page" && written[p])
    }

    /// Keeps the old URLs that can lead to their item, each once: an old
    /// URL that a redirect file could not hold safely (see
    /// [`redirects::check`]), that is the new URL of a page or one of the
    /// generator's folders (an alias page there would replace it), or
    /// that an item before already has is left out, with the reason.
    /// Aliases in front matter and the redirect files then hold the same
    /// old URLs.
    fn settle_old_urls(&mut self, ssg: Ssg) {
        const NO_ALIAS_PAGE: &str = "a character some file systems refuse in a folder name \
            (\" * : < > ? \\ |, or a name ending in . or space): no alias page, only the redirect files \
            (--redirects) have it";
        let key = |url: &str| redirects::decoded(url).trim_end_matches('/').to_string();
        let mut owner: HashMap<String, String> = HashMap::new();
        for p in self.decisions.iter().flatten() {
            owner.insert(key(&p.url), p.url.clone());
        }
        for name in ssg.reserved() {
            owner.insert(key(&format!("/{name}/")), format!("/{name}/"));
        }
        // Old URLs whose alias page is a file (`/2019/05/post.html`: the
        // generators write the page at that name): no alias page can be
        // in a folder of that name (`/2019/05/post.html/photo/`, an
        // attachment page under a `.html` permalink), which stops Hugo
        // and Jekyll.
        let files: HashSet<String> = self
            .decisions
            .iter()
            .flatten()
            .flat_map(|p| &p.aliases)
            .map(|a| redirects::decoded(a))
            .filter(|a| a.ends_with(".html"))
            .collect();
        let under_file = |old: &str| {
            let path = redirects::decoded(old);
            path.match_indices('/')
                .map(|(i, _)| &path[..i])
                .find(|folder| files.contains(*folder))
                .map(str::to_string)
        };
        // The old URLs kept, site-wide.
        let mut kept: HashSet<String> = HashSet::new();
        let mut dropped = Vec::new();
        for p in self.decisions.iter_mut().flatten() {
            // Old paths kept for the redirect files only.
            let mut redirect_only = Vec::new();
            for (alias, list) in [(true, &mut p.aliases), (false, &mut p.query_urls)] {
                list.retain(|old| {
                    let k = key(old);
                    let reason = match (redirects::check(old, &p.url), owner.get(&k)) {
                        (Err(reason), _) => reason.to_string(),
                        (Ok(None), _) => return false,
                        (Ok(Some(_)), Some(first)) if *first != p.url => {
                            if kept.contains(&k) {
                                format!("already redirected to {first}")
                            } else {
                                format!("the URL of {first} on the new site")
                            }
                        }
                        (Ok(Some(_)), _) => {
                            owner.insert(k.clone(), p.url.clone());
                            // Once, if the item has it twice.
                            if !kept.insert(k) {
                                return false;
                            }
                            let reason = if !alias {
                                return true;
                            } else if !redirects::has_alias_page(old) {
                                NO_ALIAS_PAGE.to_string()
                            } else if let Some(file) = under_file(old) {
                                format!(
                                    "in a folder named as the page of the old URL {file}: no alias page, \
                                     only the redirect files (--redirects) have it"
                                )
                            } else {
                                return true;
                            };
                            redirect_only.push(old.clone());
                            dropped.push(DroppedRedirect {
                                old: old.clone(),
                                new: p.url.clone(),
                                reason,
                            });
                            return false;
                        }
                    };
                    dropped.push(DroppedRedirect {
                        old: old.clone(),
                        new: p.url.clone(),
                        reason,
                    });
                    false
                });
            }
            p.query_urls.splice(0..0, redirect_only);
        }
        self.dropped = dropped;
    }

    /// Attachment pages (`/post/photo/`, `/?attachment_id=ID`) lead to the
    /// written item the file was uploaded to, as its aliases.
    /// Each URL is added once: the URLs a parent has are kept in sets
    /// while its attachments are added (a post with thousands of
    /// attachments must not compare each URL with all the others).
    fn attachment_pages(&mut self, entries: &[IndexItem], site: &Home) {
        let home = site.path;
        let mut known: HashMap<usize, (HashSet<String>, HashSet<String>)> = HashMap::new();
        for e in entries.iter().filter(|e| e.kind == "attachment") {
            let Some(&pi) = e.parent.and_then(|p| self.by_id.get(&p)) else {
                continue;
            };
            let Some(Ok(parent)) = self.decisions.get_mut(pi) else {
                continue;
            };
            let (aliases, mut queries) = old_urls(e, site, &parent.url);
            if let Some(id) = e.id {
                queries.push(format!("{home}?attachment_id={id}"));
            }
            let (known_aliases, known_queries) = known.entry(pi).or_insert_with(|| {
                (
                    parent.aliases.iter().cloned().collect(),
                    parent.query_urls.iter().cloned().collect(),
                )
            });
            // An attachment whose link is its file (or a CDN's copy of
            // it): that URL is the file's, never a page of the post.
            for a in aliases.into_iter().filter(|a| !is_file_url(a)) {
                if known_aliases.insert(a.clone()) {
                    parent.aliases.push(a);
                }
            }
            for q in queries {
                if known_queries.insert(q.clone()) {
                    parent.query_urls.push(q);
                }
            }
        }
    }

    fn skip(&self, e: &IndexItem, policy: &Policy) -> Option<Skip> {
        if not_content(&e.kind) {
            return Some(Skip::NotContent(e.kind.clone()));
        }
        let custom = e.kind != "post" && e.kind != "page";
        if custom && (RECORD_TYPES.contains(&e.kind.as_str()) || !has_public_permalink(e)) {
            return Some(Skip::NotPublic(e.kind.clone()));
        }
        if (e.status == "private" || e.password) && !policy.include_private {
            return Some(Skip::Private);
        }
        if e.status != "private" && !policy.statuses.contains(&e.status) {
            return Some(Skip::Status(e.status.clone()));
        }
        None
    }

    /// The slugs of a page's written ancestors, outermost first.
    fn ancestors(&mut self, entries: &[IndexItem], slugs: &[String], i: usize, policy: &Policy) -> Vec<String> {
        let mut dirs = Vec::new();
        let mut seen = BTreeSet::new();
        let mut cur = entries[i].parent;
        while let Some(pid) = cur {
            if !seen.insert(pid) || seen.len() > 32 {
                break;
            }
            match self.by_id.get(&pid) {
                Some(&p) if entries[p].kind == "page" && self.skip(&entries[p], policy).is_none() => {
                    dirs.push(slugs[p].clone());
                    cur = entries[p].parent;
                }
                _ => {
                    self.orphan_pages.push(entries[i].id);
                    break;
                }
            }
        }
        dirs.reverse();
        dirs
    }
}

/// Whether WordPress gave a custom type's item a public permalink: a path
/// (`/portfolio/work/`), or a query naming it by its type's query variable
/// (`?portfolio=work`), not by `post_type` and id, which is the link of a
/// type that is not publicly queryable.
fn has_public_permalink(e: &IndexItem) -> bool {
    let Some(link) = e.link.as_deref().and_then(|l| url::Url::parse(l.trim()).ok()) else {
        return false;
    };
    !link.query_pairs().any(|(k, _)| k == "post_type")
}

/// The slug for paths: `post_name` decoded, else WordPress's slug of the
/// title, else the id; made safe as a path component.
///
/// A slug WordPress could not have made (upper case, spaces, `$`, `{`,
/// `~`…, which a plugin or a hand-edited export can hold) is made again
/// by WordPress's `sanitize_title`, since each generator makes a URL of a
/// file name its own way (Hugo lower-cases it and drops such characters)
/// and the plan must know the URL it will have. It is written in NFC, as
/// WordPress normalizes titles, with only the characters every generator
/// serves unchanged ([`served_slug`]: no emoji, no CJK punctuation, which
/// Hugo drops from paths). A leading `_` or `-` goes:
/// Jekyll, Eleventy and Astro leave out files and folders named `_…`.
/// `index` becomes `index-2`.
fn slug_of(e: &IndexItem, ascii: bool) -> String {
    let base = match e.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => decode_slug(s),
        None => decode_slug(&sanitize_title(&e.title)),
    };
    let base = if wordpress_shaped(&base) {
        base
    } else {
        decode_slug(&sanitize_title(&base))
    };
    let base = if ascii {
        ascii_slug(&base)
    } else {
        served_slug(&base.nfc().collect::<String>())
    };
    let fallback = match e.id {
        Some(id) => format!("{}-{id}", type_dir(&e.kind, &|_| false)),
        None => "item".to_string(),
    };
    let base = base.trim_start_matches(['_', '-']);
    // `index` is a folder's own page to Zola and Astro (and `_index` to
    // Hugo): `pages/index.md` would be served at `/pages/index/` by one
    // and at `/pages/` by another.
    let base = if base == "index" { "index-2" } else { base };
    component(base, &fallback)
}

/// `name` (which does not start with `_`) safe as a path component: a
/// Windows device name (`con`) gets `-1` where [`safe_component`] would
/// put a `_` in front, which Jekyll, Eleventy and Astro would leave out.
fn component(name: &str, fallback: &str) -> String {
    let safe = safe_component(name, MAX_COMPONENT, fallback);
    if safe.starts_with('_') {
        safe_component(&format!("{name}-1"), MAX_COMPONENT, fallback)
    } else {
        safe
    }
}

/// Whether a decoded slug holds only what `sanitize_title` leaves: letters
/// that are not upper case, digits, combining marks (of any script), `-`,
/// `_` and the `%` of an octet it kept encoded.
fn wordpress_shaped(slug: &str) -> bool {
    slug.chars().all(|c| {
        matches!(c, '-' | '_' | '%')
            || (c.is_alphanumeric() && !c.is_uppercase())
            || unicode_normalization::char::is_combining_mark(c)
    })
}

/// The folder of a custom post type's items: the type's name as
/// WordPress's `sanitize_key` leaves it (lower-case ASCII letters, digits,
/// `_` and `-`), without a leading `_` or `-`, safe as a path component;
/// a custom type that becomes `post` or `page` (`Post`), and one of the
/// generator's `reserved` names, get `-type`: no type takes the posts'
/// folder or a section of the generator.
fn type_dir(kind: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let key: String = kind
        .chars()
        .filter_map(|c| {
            let c = c.to_ascii_lowercase();
            (c.is_ascii_alphanumeric() || c == '_' || c == '-').then_some(c)
        })
        .collect();
    let dir = component(key.trim_start_matches(['_', '-']), "item");
    let other = (dir == "post" || dir == "page") && dir != kind;
    if other || taken(&dir) {
        unreserved(format!("{dir}-type"), taken)
    } else {
        dir
    }
}

/// `name` (a folder the generator has taken, made another) or, when the
/// generator takes it too (Jekyll leaves out all that starts with
/// `node_modules`), `wp-` before it.
fn unreserved(name: String, taken: &dyn Fn(&str) -> bool) -> String {
    if taken(&name) { format!("wp-{name}") } else { name }
}

/// Checks a `--path` template: relative, no `..`, a `.md` file.
pub fn check_template(t: &str) -> Result<(), String> {
    if t.starts_with('/') || t.contains('\\') || t.split('/').any(|c| c == ".." || c == "." || c.is_empty()) {
        return Err(format!(
            "--path {t:?}: the path must be relative, with no empty, `.` or `..` part"
        ));
    }
    if !t.ends_with(".md") {
        return Err(format!("--path {t:?}: the path must end in .md"));
    }
    if !t.contains("{slug}") && !t.contains("{id}") {
        return Err(format!("--path {t:?}: the path must contain {{slug}} or {{id}}"));
    }
    Ok(())
}

/// A `--path` template filled in; every value is a safe path component.
fn from_template(t: &str, e: &IndexItem, dirs: &[String], slug: &str) -> String {
    let date = e.date.as_deref().unwrap_or("");
    let part = |r: std::ops::Range<usize>, d: &str| {
        date.get(r)
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or(d)
            .to_string()
    };
    let kind = type_dir(&e.kind, &|_| false);
    let id = e.id.map_or_else(|| "no-id".to_string(), |i| i.to_string());
    let parents = if dirs.is_empty() { String::new() } else { dirs.join("/") };
    let filled = t
        .replace("{type}", &kind)
        .replace("{year}", &part(0..4, "0000"))
        .replace("{month}", &part(5..7, "00"))
        .replace("{day}", &part(8..10, "00"))
        .replace("{slug}", slug)
        .replace("{id}", &id)
        .replace("{parents}", &parents);
    // An empty {parents} leaves an empty component: drop it.
    filled
        .split('/')
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// The paths given so far, compared as macOS and Windows compare file
/// names (without case, and NFC and NFD forms of a name as one), and where
/// the search for a free suffix resumes.
#[derive(Default)]
pub(super) struct Taken {
    /// Lower-cased paths given.
    paths: HashSet<String>,
    /// For each family of suffixed paths (see [`unique`]), the first `n`
    /// not yet tried: every smaller one was found taken, and paths are never
    /// given back, so the search for the next free one starts there.
    next: HashMap<(String, String), u64>,
    /// Candidate paths looked up, for the tests.
    #[cfg(test)]
    probes: u64,
}

/// `wanted`, or `wanted` with `-2`, `-3`… before its extension, whichever
/// is free first. The search for a suffix resumes where the last one of
/// the same family stopped, so that many items wanting one path cost one
/// look-up each, not one per item before them.
pub(super) fn unique(wanted: &str, taken: &mut Taken) -> String {
    let key = |p: &str| p.nfc().collect::<String>().to_lowercase();
    if taken.paths.insert(key(wanted)) {
        return wanted.to_string();
    }
    let (stem, ext) = stem_and_ext(wanted);
    // The family: what the lower-cased candidates are made of. `-` and
    // the digits are neither cased nor ignored by case mapping, so the
    // lower case of `{stem}-{n}{ext}` is that of `{stem}-`, then `{n}`,
    // then that of `{ext}` after a digit, whatever the case of `wanted`.
    let family = (key(&format!("{stem}-")), key(&format!("0{ext}")));
    let next = taken.next.entry(family).or_insert(2);
    loop {
        let n = *next;
        *next += 1;
        #[cfg(test)]
        {
            taken.probes += 1;
        }
        let candidate = format!("{stem}-{n}{ext}");
        if taken.paths.insert(key(&candidate)) {
            return candidate;
        }
    }
}

/// Where [`unique`] puts a suffix: the last component (before its
/// extension), or the directory of an `index.md`.
fn stem_and_ext(wanted: &str) -> (&str, &str) {
    match wanted.rsplit_once("/index.md") {
        Some((dir, "")) => (dir, "/index.md"),
        _ => match wanted.rsplit_once('.') {
            Some((s, _)) => (s, &wanted[s.len()..]),
            None => (wanted, ""),
        },
    }
}

/// The suffix [`unique`] gave `wanted` to make `path` (`-2`), empty when
/// it gave none.
fn suffix_given<'a>(wanted: &str, path: &'a str) -> &'a str {
    let (stem, ext) = stem_and_ext(wanted);
    path.get(stem.len()..path.len().saturating_sub(ext.len()))
        .filter(|_| path != wanted)
        .unwrap_or("")
}

/// Old URLs of an item: the permalink's path and the old-slug variants
/// (as aliases), and the query forms WordPress answers at `home` (`?p=`,
/// `?page_id=`).
/// The URL path item `e` had on WordPress, to serve it at with
/// `--keep-urls`: a permalink that is a path ending in `/` (a generator
/// makes a folder of it), that a redirect file could hold (no control
/// character, no `..`), that every file system can hold as folders, and
/// whose first folder is not one of the generator's own (`/tags/`), for
/// a file whose URL the generator lets a field set. Percent-decoded, as
/// the plan's URLs are. None for a draft (its link is `?p=N`) or any
/// other.
fn kept_url(e: &IndexItem, draft: bool, ssg: Ssg, file: &str) -> Option<String> {
    let path = url_path(e.link.as_deref()?);
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let usable = !draft
        && path.len() > 1
        && path.starts_with('/')
        && path.ends_with('/')
        && !path.contains('?')
        && !ssg.taken(&redirects::decoded(first))
        && redirects::check(&path, "/").is_ok_and(|ok| ok.is_some())
        && redirects::has_alias_page(&path)
        && ssg.sets_url(file);
    usable.then(|| redirects::decoded(&path))
}

fn old_urls(e: &IndexItem, site: &Home, new_url: &str) -> (Vec<String>, Vec<String>) {
    let home = site.path;
    let mut aliases = Vec::new();
    let mut queries = Vec::new();
    if let Some(link) = e.link.as_deref().filter(|l| site.owns(l)) {
        let path = url_path(link);
        if path.contains('?') {
            queries.push(path);
        } else if !path.is_empty() {
            for old in &e.old_slugs {
                if let Some(stripped) = path.trim_end_matches('/').rsplit_once('/') {
                    let variant = format!("{}/{}/", stripped.0, old);
                    if variant != path {
                        aliases.push(variant);
                    }
                }
            }
            aliases.insert(0, path);
        }
    }
    if let Some(id) = e.id {
        let q = match e.kind.as_str() {
            "page" => format!("{home}?page_id={id}"),
            _ => format!("{home}?p={id}"),
        };
        if !queries.contains(&q) {
            queries.push(q);
        }
    }
    // A static front page's link is the home page, which stays the new
    // site's own: no alias there.
    aliases.retain(|a| a != new_url && a.trim_end_matches('/') != home.trim_end_matches('/'));
    aliases.dedup();
    (aliases, queries)
}

/// The path (and query) of a URL, without scheme and host.
pub fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = match rest.find('/') {
        Some(i) if url.contains("://") => &rest[i..],
        None if url.contains("://") => "/",
        _ => rest,
    };
    let path = path.split('#').next().unwrap_or("");
    // `//a//b/` is `/a/b/` to WordPress too.
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/') && !out.contains('?')) {
            out.push(c);
        }
    }
    out
}

/// Whether an old URL (a path) names a file rather than a page: one under
/// `/wp-content/`, or with a media or document file's extension.
fn is_file_url(path: &str) -> bool {
    path.contains("/wp-content/") || super::media::has_media_extension(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ssg(name: &str) -> Ssg {
        Ssg::named(name).unwrap()
    }

    fn post(id: i64, slug: &str, title: &str) -> IndexItem {
        IndexItem {
            id: Some(id),
            kind: "post".into(),
            status: "publish".into(),
            title: title.into(),
            slug: (!slug.is_empty()).then(|| slug.to_string()),
            date: Some("2010-02-08T09:15:00".into()),
            link: Some(format!("http://blog.example/2010/02/{slug}/")),
            ..IndexItem::default()
        }
    }

    #[test]
    fn keep_urls_takes_only_paths_a_site_can_serve() {
        let with_link = |id: i64, link: &str| IndexItem {
            link: Some(link.to_string()),
            ..post(id, &format!("p{id}"), "T")
        };
        let entries = vec![
            post(1, "caf%C3%A9", "Café"),
            with_link(2, "http://blog.example/p2.html"),
            with_link(3, "http://blog.example/tags/p3/"),
            with_link(4, "http://blog.example/a%0Ab/"),
            with_link(5, "http://blog.example/a:b/"),
            with_link(6, "http://blog.example/2010/02/caf%C3%A9/"),
            IndexItem {
                status: "draft".into(),
                ..with_link(7, "http://blog.example/?p=7")
            },
        ];
        let policy = Policy {
            keep_urls: true,
            statuses: ["publish".to_string(), "draft".to_string()].into(),
            ..Policy::default()
        };
        let plan = Plan::make(&entries, &Home::ROOT, &policy, ssg("hugo"));
        let urls: Vec<&str> = plan
            .decisions
            .iter()
            .map(|d| d.as_ref().unwrap().url.as_str())
            .collect();
        assert_eq!(
            urls,
            [
                "/2010/02/café/",
                // Not a folder, Hugo's tag list, a line break, a colon.
                "/posts/p2/",
                "/posts/p3/",
                "/posts/p4/",
                "/posts/p5/",
                // The same path as the first: its own.
                "/posts/p6/",
                "/posts/p7/",
            ]
        );
        let first = plan.decisions[0].as_ref().unwrap();
        assert!(first.aliases.is_empty(), "its own URL is no alias: {:?}", first.aliases);
        assert_eq!(plan.decisions[1].as_ref().unwrap().aliases, ["/p2.html"]);
    }

    #[test]
    fn only_types_with_a_public_permalink_are_published() {
        let typed = |id, kind: &str, link: Option<&str>| IndexItem {
            kind: kind.into(),
            link: link.map(str::to_string),
            ..post(id, &format!("item-{id}"), "")
        };
        let entries = [
            typed(1, "portfolio", Some("http://blog.example/portfolio/item-1/")),
            typed(2, "portfolio", Some("http://blog.example/?portfolio=item-2")),
            // Not publicly queryable: WordPress links it by type and id.
            typed(3, "secret", Some("http://blog.example/?post_type=secret&p=3")),
            typed(4, "secret", None),
            // Contact-form submissions, even with a path for a link.
            typed(5, "feedback", Some("http://blog.example/feedback/item-5/")),
            typed(
                6,
                "wpcf7_contact_form",
                Some("http://blog.example/?post_type=wpcf7_contact_form&p=6"),
            ),
            // Posts and pages are pages whatever their link.
            typed(7, "post", None),
            typed(8, "page", Some("http://blog.example/?page_id=8")),
        ];
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("hugo"));
        let not_public = |k: &str| Err(Skip::NotPublic(k.into()));
        assert!(plan.decisions[0].is_ok() && plan.decisions[1].is_ok());
        assert_eq!(plan.decisions[2], not_public("secret"));
        assert_eq!(plan.decisions[3], not_public("secret"));
        assert_eq!(plan.decisions[4], not_public("feedback"));
        assert_eq!(plan.decisions[5], not_public("wpcf7_contact_form"));
        assert!(plan.decisions[6].is_ok() && plan.decisions[7].is_ok());
    }

    #[test]
    fn paths_slugs_and_collisions() {
        let mut p2 = post(2, "", "Même titre");
        p2.status = "draft".into();
        let entries = vec![post(1, "meme-titre", "Même titre"), p2, post(3, "caf%c3%a9", "Café")];
        let policy = Policy {
            statuses: ["publish".into(), "draft".into()].into(),
            ..Policy::default()
        };
        let plan = Plan::make(&entries, &Home::ROOT, &policy, ssg("hugo"));
        let paths: Vec<_> = plan
            .decisions
            .iter()
            .map(|d| d.as_ref().map(|p| p.path.clone()).unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                "content/posts/meme-titre/index.md",
                "content/posts/meme-titre-2/index.md",
                "content/posts/café/index.md"
            ]
        );
        assert_eq!(plan.collisions.len(), 1);
        assert!(plan.decisions[1].as_ref().unwrap().draft);
        // The slug field of the suffixed one is its folder's name.
        assert_eq!(plan.decisions[1].as_ref().unwrap().slug, "meme-titre-2");
        let plan = Plan::make(&entries, &Home::ROOT, &policy, ssg("zola"));
        assert_eq!(
            plan.decisions[1].as_ref().unwrap().path,
            "content/posts/meme-titre-2.md"
        );
        assert_eq!(plan.decisions[1].as_ref().unwrap().slug, "meme-titre-2");
    }

    /// The suffixing as it was first written: probing from `-2` each time.
    fn unique_by_probing(wanted: &str, taken: &mut BTreeSet<String>) -> String {
        let key = |p: &str| p.nfc().collect::<String>().to_lowercase();
        if taken.insert(key(wanted)) {
            return wanted.to_string();
        }
        let (stem, ext) = match wanted.rsplit_once("/index.md") {
            Some((dir, "")) => (dir.to_string(), "/index.md".to_string()),
            _ => match wanted.rsplit_once('.') {
                Some((s, e)) => (s.to_string(), format!(".{e}")),
                None => (wanted.to_string(), String::new()),
            },
        };
        (2..)
            .map(|n| format!("{stem}-{n}{ext}"))
            .find(|p| taken.insert(key(p)))
            .unwrap_or_else(|| wanted.to_string())
    }

    #[test]
    fn collisions_get_the_suffixes_probing_from_2_gives() {
        let wanted = [
            "a/x.md",
            "a/x.md",
            "a/x-2.md",
            "a/X.md",
            "a/x-3.md",
            "a/x.md",
            "a/x/index.md",
            "a/X/INDEX.md",
            "a/x/index.md",
            "a/X/index.md",
            "a/x-2/index.md",
            "a/x.md",
            "b/ΣΑΣ.md",
            "b/σας.md",
            "b/ΣΑΣ.md",
            "b/σας-2.md",
            "b/ΣΑΣ/index.md",
            "b/σας/index.md",
            "b/ΣΑΣ/index.md",
            "noext",
            "noext",
            "NOEXT-2",
            "noext",
            "c.tar.gz",
            "C.TAR.gz",
            "c.tar-2.gz",
            "c.tar.gz",
            "İ.md",
            "i̇.md",
            "İ.md",
        ];
        let mut now = Taken::default();
        let mut before = BTreeSet::new();
        for w in wanted {
            assert_eq!(unique(w, &mut now), unique_by_probing(w, &mut before), "{w}");
        }
        // And a long mixed sequence of such paths.
        let stems = ["p/a", "p/A", "p/a-2", "p/A-3", "p/ΣΑΣ", "p/σας", "p/ΣΑΣ-2", "p/x.y"];
        let exts = [".md", "/index.md", "/INDEX.md", "", ".tar.gz", "-2.md", ".MD"];
        let mut seed = 12345u64;
        for _ in 0..2000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (seed >> 33) as usize;
            let w = format!("{}{}", stems[r % stems.len()], exts[(r / stems.len()) % exts.len()]);
            assert_eq!(unique(&w, &mut now), unique_by_probing(&w, &mut before), "{w}");
        }
    }

    #[test]
    fn many_items_wanting_one_path_cost_one_look_up_each() {
        let mut taken = Taken::default();
        let n = 2000;
        for i in 0..n {
            let (w, stem) = if i % 2 == 0 {
                ("posts/same.md", "posts/same")
            } else {
                ("posts/SAME.md", "posts/SAME")
            };
            let want = if i == 0 {
                w.to_string()
            } else {
                format!("{stem}-{}.md", i + 1)
            };
            assert_eq!(unique(w, &mut taken), want);
        }
        // The first is free; each other one finds its suffix at the first try.
        assert_eq!(taken.probes, n - 1);
    }

    #[test]
    fn each_old_url_of_many_attachments_is_added_to_their_post_once() {
        let mut entries = vec![post(1, "hello", "Hello")];
        for id in 2..2002 {
            let link = if id % 2 == 0 {
                "http://blog.example/2010/02/hello/shared/".to_string()
            } else {
                format!("http://blog.example/2010/02/hello/photo-{id}/")
            };
            entries.push(IndexItem {
                id: Some(id),
                kind: "attachment".into(),
                status: "inherit".into(),
                parent: Some(1),
                link: Some(link),
                ..IndexItem::default()
            });
        }
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("hugo"));
        let p = plan.decisions[0].as_ref().unwrap();
        assert_eq!(p.aliases.len(), 1 + 1 + 1000);
        assert_eq!(
            p.aliases[..3],
            ["/2010/02/hello/", "/2010/02/hello/shared/", "/2010/02/hello/photo-3/"]
        );
        assert_eq!(p.query_urls.len(), 1 + 2 * 2000);
        assert_eq!(p.query_urls[..3], ["/?p=1", "/?p=2", "/?attachment_id=2"]);
    }

    #[test]
    fn private_password_and_status_policy() {
        let mut private = post(1, "a", "A");
        private.status = "private".into();
        let mut locked = post(2, "b", "B");
        locked.password = true;
        let mut trash = post(3, "c", "C");
        trash.status = "trash".into();
        let mut menu = post(4, "d", "D");
        menu.kind = "nav_menu_item".into();
        let plan = Plan::make(
            &[private, locked, trash, menu],
            &Home::ROOT,
            &Policy::default(),
            ssg("hugo"),
        );
        assert_eq!(plan.decisions[0], Err(Skip::Private));
        assert_eq!(plan.decisions[1], Err(Skip::Private));
        assert_eq!(plan.decisions[2], Err(Skip::Status("trash".into())));
        assert_eq!(plan.decisions[3], Err(Skip::NotContent("nav_menu_item".into())));
    }

    #[test]
    fn pages_nest_under_parents_that_come_later() {
        let mut child = post(8, "child", "Child");
        child.kind = "page".into();
        child.parent = Some(10);
        let mut parent = post(10, "parent", "Parent");
        parent.kind = "page".into();
        let plan = Plan::make(&[child, parent], &Home::ROOT, &Policy::default(), ssg("hugo"));
        assert_eq!(
            plan.decisions[0].as_ref().unwrap().path,
            "content/parent/child/index.md"
        );
        assert_eq!(plan.decisions[0].as_ref().unwrap().url, "/parent/child/");
    }

    #[test]
    fn path_templates() {
        let policy = Policy {
            path_template: Some("{type}/{year}/{month}/{slug}.md".into()),
            ..Policy::default()
        };
        let plan = Plan::make(&[post(5, "hello", "Hello")], &Home::ROOT, &policy, ssg("plain"));
        assert_eq!(plan.decisions[0].as_ref().unwrap().path, "post/2010/02/hello.md");
        assert!(check_template("../{slug}.md").is_err());
        assert!(check_template("/abs/{slug}.md").is_err());
        assert!(check_template("{year}/x.md").is_err());
        assert!(check_template("{slug}").is_err());
        assert!(check_template("{parents}/{slug}/index.md").is_ok());
    }

    #[test]
    fn a_static_front_page_and_a_file_are_no_aliases() {
        let mut front = post(7, "home", "Home");
        front.kind = "page".into();
        front.link = Some("http://blog.example/".into());
        let plan = Plan::make(&[front], &Home::ROOT, &Policy::default(), ssg("hugo"));
        assert!(plan.decisions[0].as_ref().unwrap().aliases.is_empty());
        assert!(is_file_url("/wp-content/uploads/2013/05/port.jpg"));
        assert!(is_file_url("/files/menu.pdf"));
        assert!(!is_file_url("/2013/05/port/"));
    }

    #[test]
    fn old_urls_become_aliases_and_redirects() {
        let mut e = post(7, "new-slug", "T");
        e.old_slugs = vec!["old-slug".into()];
        let plan = Plan::make(&[e], &Home::ROOT, &Policy::default(), ssg("hugo"));
        let p = plan.decisions[0].as_ref().unwrap();
        assert_eq!(p.aliases, ["/2010/02/new-slug/", "/2010/02/old-slug/"]);
        assert_eq!(p.query_urls, ["/?p=7"]);
        // WordPress in a folder answered `?p=7` there.
        let mut e = post(7, "new-slug", "T");
        e.link = Some("http://blog.example/blog/2010/02/new-slug/".into());
        let plan = Plan::make(
            &[e],
            &Home {
                path: "/blog/",
                hosts: &[],
            },
            &Policy::default(),
            ssg("hugo"),
        );
        assert_eq!(plan.decisions[0].as_ref().unwrap().query_urls, ["/blog/?p=7"]);
        assert_eq!(url_path("https://blog.example/?page_id=2"), "/?page_id=2");
        assert_eq!(url_path("https://blog.example//greek/a//"), "/greek/a/");
    }

    #[test]
    fn attachment_pages_lead_to_the_item_they_belong_to() {
        let attachment = |id: i64, parent: Option<i64>, link: &str| IndexItem {
            id: Some(id),
            kind: "attachment".into(),
            status: "inherit".into(),
            parent,
            link: Some(link.into()),
            ..IndexItem::default()
        };
        let mut draft = post(8, "later", "Later");
        draft.status = "draft".into();
        let entries = [
            post(7, "hello", "Hello"),
            attachment(20, Some(7), "http://blog.example/2010/02/hello/photo/"),
            attachment(21, Some(7), "http://blog.example/?attachment_id=21"),
            attachment(22, Some(8), "http://blog.example/2010/02/later/map/"),
            attachment(23, None, "http://blog.example/loose/"),
            draft,
        ];
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("hugo"));
        let p = plan.decisions[0].as_ref().unwrap();
        assert_eq!(p.aliases, ["/2010/02/hello/", "/2010/02/hello/photo/"]);
        assert_eq!(
            p.query_urls,
            ["/?p=7", "/?p=20", "/?attachment_id=20", "/?attachment_id=21", "/?p=21"]
        );
        // The parent is not written, or there is none: nothing to lead to.
        assert!(plan.decisions[3].is_err() && plan.decisions[5].is_err());
        let all: Vec<&String> = plan.decisions.iter().flatten().flat_map(|p| &p.aliases).collect();
        assert!(!all.iter().any(|a| a.contains("map") || a.contains("loose")));
    }

    /// An attachment page under a `.html` permalink cannot have an alias
    /// page (a folder named as a file), and a link on another host (an
    /// image on a CDN) is no old URL of the site.
    #[test]
    fn file_permalinks_and_other_hosts_give_no_alias_pages() {
        let attachment = |id: i64, link: &str| IndexItem {
            id: Some(id),
            kind: "attachment".into(),
            status: "inherit".into(),
            parent: Some(7),
            link: Some(link.into()),
            ..IndexItem::default()
        };
        let mut old = post(7, "old", "Old");
        old.link = Some("http://blog.example/2019/05/old.html".into());
        let entries = [
            old,
            attachment(20, "http://blog.example/2019/05/old.html/view/"),
            attachment(21, "https://cdn.example/blog/view-2"),
        ];
        let hosts = ["blog.example".to_string()];
        let site = Home {
            path: "/",
            hosts: &hosts,
        };
        let plan = Plan::make(&entries, &site, &Policy::default(), ssg("hugo"));
        let p = plan.decisions[0].as_ref().unwrap();
        assert_eq!(p.aliases, ["/2019/05/old.html"]);
        // The redirect files still have the attachment page, not the CDN's URL.
        assert!(p.query_urls.contains(&"/2019/05/old.html/view/".to_string()));
        assert!(!p.query_urls.iter().chain(&p.aliases).any(|u| u.contains("view-2")));
        assert_eq!(plan.dropped.len(), 1);
        assert!(plan.dropped[0].reason.contains("/2019/05/old.html"));
        // With no host known, every link is the site's.
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("hugo"));
        let p = plan.decisions[0].as_ref().unwrap();
        assert!(p.aliases.contains(&"/blog/view-2".to_string()));
    }

    fn paths(plan: &Plan) -> Vec<&str> {
        plan.decisions
            .iter()
            .map(|d| d.as_ref().map_or("-", |p| p.path.as_str()))
            .collect()
    }

    #[test]
    fn hostile_post_types_are_folders_inside_the_site() {
        let typed = |id, kind: &str| IndexItem {
            kind: kind.into(),
            link: Some(format!("http://blog.example/t/item-{id}/")),
            ..post(id, &format!("item-{id}"), "")
        };
        let long = "x".repeat(300);
        let entries = [
            typed(1, "CON"),
            typed(2, "a\\b"),
            typed(3, &long),
            typed(4, "../../x"),
            typed(5, "Post"),
            typed(6, "tags"),
            typed(7, ".hidden"),
            typed(8, "__"),
        ];
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("hugo"));
        assert_eq!(
            paths(&plan)[..2],
            ["content/con-1/item-1/index.md", "content/ab/item-2/index.md"]
        );
        assert_eq!(
            plan.decisions[2].as_ref().unwrap().path.len(),
            "content//item-3/index.md".len() + 120
        );
        assert_eq!(
            paths(&plan)[3..],
            [
                "content/x/item-4/index.md",
                "content/post-type/item-5/index.md",
                "content/tags-type/item-6/index.md",
                "content/hidden/item-7/index.md",
                "content/item/item-8/index.md",
            ]
        );
        for ssg in Ssg::all() {
            let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg);
            for p in plan.decisions.iter().flatten() {
                assert!(
                    p.path.split('/').all(|c| !c.is_empty() && !c.starts_with(['.', '_'])
                        || c == "_con"
                        || c == "_index.md"
                        || c == "_posts"
                        || c == "_drafts"),
                    "{}: {}",
                    ssg.name(),
                    p.path
                );
            }
        }
    }

    #[test]
    fn slugs_are_made_as_wordpress_makes_them() {
        let entries = [
            post(1, "new $slug {x};", "A"),
            post(2, "Upper-Case", "B"),
            post(3, "backup~", "C"),
            post(4, ".hidden", "D"),
            post(5, "_private-looking", "E"),
            post(6, "caf%c3%a9", "F"),
            post(7, "%e0%a4%b9%e0%a4%bf%e0%a4%a8%e0%a5%8d%e0%a4%a6%e0%a5%80", "G"),
            post(8, "~~~", "H"),
            post(9, "CON", "I"),
        ];
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("hugo"));
        let slugs: Vec<&str> = plan.decisions.iter().flatten().map(|p| p.slug.as_str()).collect();
        assert_eq!(
            slugs,
            [
                "new-slug-x",
                "upper-case",
                "backup",
                "hidden",
                "private-looking",
                "café",
                "हिन्दी",
                "post-8",
                "con-1"
            ]
        );
        // The old URL leads to the new one.
        assert_eq!(
            plan.decisions[0].as_ref().unwrap().aliases,
            ["/2010/02/new $slug {x};/"]
        );
    }

    #[test]
    fn top_level_pages_leave_the_generators_folders_alone() {
        let page = |id, slug: &str, parent: Option<i64>| IndexItem {
            kind: "page".into(),
            parent,
            link: Some(format!("http://blog.example/{slug}/")),
            ..post(id, slug, "")
        };
        let portfolio = IndexItem {
            kind: "portfolio".into(),
            link: Some("http://blog.example/portfolio/work/".into()),
            ..post(5, "work", "")
        };
        let entries = [
            page(1, "posts", None),
            page(2, "child", Some(1)),
            page(3, "tags", Some(4)),
            page(4, "about", None),
            portfolio,
            page(6, "portfolio", None),
        ];
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("hugo"));
        assert_eq!(
            paths(&plan),
            [
                "content/posts-2/_index.md",
                "content/posts-2/child/index.md",
                "content/about/tags/index.md",
                "content/about/_index.md",
                "content/portfolio/work/index.md",
                "content/portfolio-2/index.md",
            ]
        );
        assert_eq!(
            plan.collisions,
            [
                (
                    "content/posts/_index.md".to_string(),
                    "content/posts-2/_index.md".to_string()
                ),
                (
                    "content/portfolio/index.md".to_string(),
                    "content/portfolio-2/index.md".to_string()
                ),
            ]
        );
        // `/posts/` is Hugo's list of posts: no alias page replaces it.
        let first = plan.decisions[0].as_ref().unwrap();
        assert!(first.aliases.is_empty(), "{:?}", first.aliases);
        assert_eq!(plan.dropped[0].old, "/posts/");
        assert_eq!(plan.dropped[0].reason, "the URL of /posts/ on the new site");
        // Zola's pages are under `pages/`, but `/posts/` is its section of
        // the posts, which the page's old URL must not replace.
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("zola"));
        assert_eq!(paths(&plan)[0], "content/pages/posts-2/_index.md");
        assert!(plan.decisions[0].as_ref().unwrap().aliases.is_empty());
    }

    #[test]
    fn jekyll_leaves_out_what_starts_with_an_exclude() {
        let page = |id, slug: &str| IndexItem {
            kind: "page".into(),
            ..post(id, slug, "")
        };
        let modules = IndexItem {
            kind: "node_modules".into(),
            link: Some("http://blog.example/node_modules/x/".into()),
            ..post(3, "x", "")
        };
        let entries = [page(1, "node_modules"), page(2, "vendor"), modules, page(4, "_index")];
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("jekyll"));
        assert_eq!(
            paths(&plan),
            [
                "wp-node_modules-2/index.md",
                "wp-vendor-2/index.md",
                "wp-node_modules-type/x/index.md",
                "index-2/index.md"
            ]
        );
    }

    #[test]
    fn names_that_one_file_system_holds_as_one_are_collisions() {
        let entries = [
            post(1, "caf\u{e9}", "A"),
            post(2, "cafe\u{301}", "B"),
            post(3, "A-B", "C"),
            post(4, "a-b", "D"),
        ];
        let plan = Plan::make(&entries, &Home::ROOT, &Policy::default(), ssg("plain"));
        assert_eq!(
            paths(&plan),
            ["posts/café.md", "posts/café-2.md", "posts/a-b.md", "posts/a-b-2.md"]
        );
        assert_eq!(plan.collisions.len(), 2);
    }

    #[test]
    fn old_urls_that_cannot_lead_to_their_item_are_left_out_and_reported() {
        let mut hostile = post(1, "one", "One");
        hostile.link = Some("http://blog.example/f/../../etc/passwd".into());
        hostile.old_slugs = vec!["x\ny".into()];
        // Its old URL is the new URL of another page.
        let mut taker = post(2, "two", "Two");
        taker.link = Some("http://blog.example/posts/three/".into());
        let three = post(3, "three", "Three");
        let plan = Plan::make(&[hostile, taker, three], &Home::ROOT, &Policy::default(), ssg("hugo"));
        let all: Vec<&String> = plan.decisions.iter().flatten().flat_map(|p| &p.aliases).collect();
        assert_eq!(all, ["/2010/02/three/"]);
        let reasons: Vec<(&str, &str)> = plan
            .dropped
            .iter()
            .map(|d| (d.old.as_str(), d.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].1.contains(".."), "{reasons:?}");
        assert_eq!(reasons[1].0, "/f/../../etc/x\ny/");
        assert!(reasons[1].1.contains("control"), "{reasons:?}");
        assert_eq!(
            reasons[2],
            ("/posts/three/", "the URL of /posts/three/ on the new site")
        );
    }

    #[test]
    fn a_link_with_whitespace_around_is_the_old_url() {
        let mut item = crate::model::Item {
            id: Some(3),
            kind: "post".into(),
            status: "publish".into(),
            slug: Some("x".into()),
            link: Some("\n    http://blog.example/2010/02/x/ \n".into()),
            ..crate::model::Item::default()
        };
        item.guid = Some(" http://blog.example/?p=3\n".into());
        let plan = Plan::make(&[IndexItem::of(&item)], &Home::ROOT, &Policy::default(), ssg("hugo"));
        let p = plan.decisions[0].as_ref().unwrap();
        assert_eq!(p.aliases, ["/2010/02/x/"]);
        assert!(plan.dropped.is_empty(), "{:?}", plan.dropped);
    }
}
