//! The old site's archives and feeds, and where each leads on the new
//! site: what WordPress served besides the posts and pages, at URLs that
//! the rest of the web links to.
//!
//! * A category's archive, `/category/<parents>/<slug>/` (and at its bare
//!   slug, which WordPress answers for a child category), `?cat=<id>`, a
//!   tag's, `/tag/<slug>/` and `?tag=<slug>`: the term's page of wxr's
//!   theme ([`Generator::term_url`](super::ssg::Generator::term_url)) when
//!   a published item is in it, else the theme's list of the taxonomy (the
//!   new site has no page for a term without posts), or the home page when
//!   no published item has a term of the taxonomy.
//! * An author's archive, `/author/<nicename>/` (WordPress's nicename is
//!   the login through `sanitize_title`) and `?author=<id>`: the home page
//!   (wxr's themes have no author pages), for the authors of a published
//!   item only: the others' logins were never public.
//! * The feeds, `/feed/` and its `rss2`, `rss`, `rdf`, `atom` forms,
//!   `/comments/feed/`, every archive's `feed/` and `?feed=…`: the
//!   generator's feed.
//!
//! Every old URL is under the old site's home (`/blog/…` for a WordPress
//! in a folder), checked as the items' old URLs are
//! ([`redirects::check_to`]), and left out with its reason when it is the
//! URL of a page of the new site or an old URL of an item already. Each
//! is a rule of the redirect files (`--redirects`) and, without a query,
//! a small page of its own in the generator's static folder that leads to
//! the new URL, as the alias pages of the items do.

use super::index::Categories;
use super::plan::Plan;
use super::redirects::{self, Rule};
use super::report::DroppedRedirect;
use super::ssg::Ssg;
use crate::model::{Author, Item, ItemTerm, Term};
use crate::transform::slug::{safe_component, sanitize_title};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How deep a category's ancestors are followed (a cycle in a crafted
/// export ends there).
const MAX_DEPTH: usize = 16;

/// Longest folder name of a redirect page, in bytes; a longer one is in
/// the redirect files only.
const MAX_FOLDER: usize = 200;

/// Why an old archive URL has no page of its own.
const NO_PAGE: &str = "a folder name some file systems refuse, or one the generator does not copy: \
    no page of its own, only the redirect files (--redirects) have it";

/// What the first pass keeps of the archives, besides the categories
/// (which the index keeps for the items' front matter).
#[derive(Debug, Default)]
pub(super) struct Archives {
    /// Category id → slug, for `?cat=<id>`.
    category_ids: BTreeMap<i64, String>,
    /// Tag slug → name as shown.
    tags: BTreeMap<String, String>,
    /// Author login → `wp:author_id`.
    authors: BTreeMap<String, Option<i64>>,
}

impl Archives {
    /// Keeps a term of the channel's list.
    pub(super) fn add_term(&mut self, t: &Term) {
        let (Some(slug), Some(name)) = (&t.slug, &t.name) else {
            return;
        };
        match t.taxonomy.as_str() {
            "category" => {
                if let Some(id) = t.id {
                    self.category_ids.insert(id, slug.clone());
                }
            }
            "post_tag" => {
                self.tags.insert(slug.clone(), super::item::term_name(name));
            }
            _ => {}
        }
    }

    /// Keeps a tag an item is in that the channel does not list (an
    /// export of a few posts lists none).
    pub(super) fn add_item_term(&mut self, t: &ItemTerm) {
        if let (Some(slug), "post_tag") = (&t.slug, t.taxonomy.as_str()) {
            self.tags
                .entry(slug.clone())
                .or_insert_with(|| super::item::term_name(&t.name));
        }
    }

    /// Keeps an author of the channel's list.
    pub(super) fn add_author(&mut self, a: &Author) {
        if let Some(login) = &a.login {
            self.authors.insert(login.clone(), a.id);
        }
    }
}

/// What of the archives the items written show, found in the second pass
/// ([`Published::see`]): the terms a published item is in (only they
/// have a page in the theme) and the authors of one.
#[derive(Debug, Default)]
pub(super) struct Published {
    /// (taxonomy, name as shown).
    terms: HashSet<(String, String)>,
    /// The taxonomies of `terms`.
    taxonomies: HashSet<String>,
    /// Logins.
    authors: HashSet<String>,
}

impl Published {
    /// Keeps the terms and the author of `item`, written and not a draft;
    /// a category puts its ancestors (of `categories`) on the site too.
    pub(super) fn see(&mut self, item: &Item, categories: &Categories) {
        if let Some(login) = &item.author {
            self.authors.insert(login.clone());
        }
        for t in &item.terms {
            if !self.taxonomies.contains(&t.taxonomy) {
                self.taxonomies.insert(t.taxonomy.clone());
            }
            self.terms.insert((t.taxonomy.clone(), super::item::term_name(&t.name)));
            if t.taxonomy == "category"
                && let Some(slug) = &t.slug
            {
                for parent in ancestors(slug, categories) {
                    self.terms
                        .insert(("category".to_string(), categories[parent].0.clone()));
                }
            }
        }
    }

    /// Whether a published item is in the term `name` of `taxonomy`.
    pub(super) fn has_term(&self, taxonomy: &str, name: &str) -> bool {
        self.terms.contains(&(taxonomy.to_string(), name.to_string()))
    }
}

/// What the archives' redirects are made from, after the second pass.
pub(super) struct Context<'a> {
    /// The old site's home path (`/`, `/blog/`).
    pub(super) home: &'a str,
    pub(super) plan: &'a Plan,
    pub(super) categories: &'a Categories,
    pub(super) published: &'a Published,
    pub(super) ssg: Ssg,
}

/// An old archive URL and where it leads, in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchiveRedirect {
    /// The old URL, path and query, as WordPress served it.
    pub old: String,
    /// Where it leads on the new site.
    pub new: String,
}

/// The archives' redirects: the rules of the redirect files, the pages
/// (path in the site, HTML), what the report lists.
#[derive(Debug, Default)]
pub(super) struct Redirected {
    pub(super) rules: Vec<Rule>,
    pub(super) pages: Vec<(String, String)>,
    pub(super) kept: Vec<ArchiveRedirect>,
    pub(super) dropped: Vec<DroppedRedirect>,
}

impl Archives {
    /// Where each old archive URL leads; nothing for a generator without
    /// a theme (no feed, no term pages).
    pub(super) fn redirects(&self, cx: &Context<'_>) -> Redirected {
        let mut out = Redirected::default();
        let Some(feed) = cx.ssg.feed_url() else {
            return out;
        };
        let home = cx.home;
        let mut wanted: Vec<(String, String)> = Vec::new();
        for form in [
            "feed/",
            "feed/rss2/",
            "feed/rss/",
            "feed/rdf/",
            "feed/atom/",
            "comments/feed/",
        ] {
            wanted.push((format!("{home}{form}"), feed.to_string()));
        }
        for form in ["rss2", "rss", "rdf", "atom", "comments-rss2"] {
            wanted.push((format!("{home}?feed={form}"), feed.to_string()));
        }
        let mut slugs: Vec<&String> = cx.categories.keys().collect();
        slugs.sort();
        let ids: HashMap<&String, i64> = self.category_ids.iter().map(|(id, s)| (s, *id)).collect();
        for slug in slugs {
            let name = &cx.categories[slug].0;
            let Some(new) = term_target("category", name, cx) else {
                continue;
            };
            let chain = category_chain(slug, cx.categories);
            let path = format!("{home}category/{chain}/");
            wanted.push((format!("{path}feed/"), feed.to_string()));
            wanted.push((path, new.clone()));
            if chain != *slug {
                wanted.push((format!("{home}category/{slug}/"), new.clone()));
            }
            if let Some(id) = ids.get(slug) {
                wanted.push((format!("{home}?cat={id}"), new));
            }
        }
        for (slug, name) in &self.tags {
            let Some(new) = term_target("post_tag", name, cx) else {
                continue;
            };
            wanted.push((format!("{home}tag/{slug}/feed/"), feed.to_string()));
            wanted.push((format!("{home}tag/{slug}/"), new.clone()));
            wanted.push((format!("{home}?tag={slug}"), new));
        }
        for (login, id) in self.authors.iter().filter(|(l, _)| cx.published.authors.contains(*l)) {
            let nicename = sanitize_title(&login.chars().take(50).collect::<String>());
            if nicename.is_empty() {
                continue;
            }
            wanted.push((format!("{home}author/{nicename}/feed/"), feed.to_string()));
            wanted.push((format!("{home}author/{nicename}/"), "/".to_string()));
            if let Some(id) = id {
                wanted.push((format!("{home}?author={id}"), "/".to_string()));
            }
        }
        let claimed = claimed(cx, &wanted);
        // The archive URLs kept, with where they lead.
        let mut kept: HashMap<String, String> = HashMap::new();
        for (old, new) in wanted {
            let (path, fragment) = match new.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (new.as_str(), None),
            };
            let drop = |reason: String| DroppedRedirect {
                old: old.clone(),
                new: new.clone(),
                reason,
            };
            let rule = match redirects::check_to(&old, &redirects::decoded(path), fragment) {
                Ok(Some(rule)) => rule,
                Ok(None) => continue,
                Err(reason) => {
                    out.dropped.push(drop(reason.to_string()));
                    continue;
                }
            };
            if let Some(first) = claimed.get(&key(&old)) {
                out.dropped.push(drop(format!("the URL of {first} on the new site")));
                continue;
            }
            if let Some(first) = kept.get(&key(&old)) {
                out.dropped.push(drop(format!("already redirected to {first}")));
                continue;
            }
            kept.insert(key(&old), new.clone());
            if !old.contains('?') {
                match page_path(&old, cx.ssg) {
                    Some(file) => out.pages.push((file, page(&rule.target()))),
                    None => out.dropped.push(drop(NO_PAGE.to_string())),
                }
            }
            out.kept.push(ArchiveRedirect {
                old,
                new: rule.target(),
            });
            out.rules.push(rule);
        }
        out
    }
}

/// Where a term's archive leads: its page when a published item is in
/// it, else the list of its taxonomy (`/categories/`), or the home page
/// when no published item has a term of it (Zola makes no list then);
/// none when the theme has no page for the taxonomy.
fn term_target(taxonomy: &str, name: &str, cx: &Context<'_>) -> Option<String> {
    let url = cx.ssg.term_url(taxonomy, name)?;
    if cx.published.has_term(taxonomy, name) {
        Some(url)
    } else if cx.published.taxonomies.contains(taxonomy) {
        Some(format!("/{}/", super::ssg::term_list(taxonomy)?))
    } else {
        Some("/".to_string())
    }
}

/// The slugs of the ancestors of category `slug` that `categories`
/// lists, its parent first: at most [`MAX_DEPTH`], and a cycle (a
/// crafted export) ends at the first category met again.
fn ancestors<'a>(slug: &'a str, categories: &'a Categories) -> Vec<&'a str> {
    let mut chain = vec![slug];
    let mut cur = categories.get(slug).and_then(|c| c.1.as_deref());
    while let Some(parent) = cur {
        if chain.len() > MAX_DEPTH || chain.contains(&parent) || !categories.contains_key(parent) {
            break;
        }
        chain.push(parent);
        cur = categories.get(parent).and_then(|c| c.1.as_deref());
    }
    chain.split_off(1)
}

/// A category's slug under its ancestors' (`parent/child`), as WordPress
/// writes its archive's path.
fn category_chain(slug: &str, categories: &Categories) -> String {
    let mut chain = ancestors(slug, categories);
    chain.reverse();
    chain.push(slug);
    chain.join("/")
}

/// A URL as the servers compare it, for collisions: decoded, without its
/// trailing `/`.
fn key(url: &str) -> String {
    redirects::decoded(url).trim_end_matches('/').to_string()
}

/// Those of the old URLs `wanted` that the plan gives already: an item's
/// new URL, one of its old ones, or one of the generator's own folders;
/// each with the new URL it is (or leads to). Only the keys of `wanted`
/// are kept: a plan of a million items adds no copy of its URLs.
fn claimed(cx: &Context<'_>, wanted: &[(String, String)]) -> HashMap<String, String> {
    let mut claimed: HashMap<String, Option<String>> = wanted.iter().map(|(old, _)| (key(old), None)).collect();
    let mut claim = |url: &str, new: &str| {
        if let Some(slot @ None) = claimed.get_mut(&key(url)) {
            *slot = Some(new.to_string());
        }
    };
    for p in cx.plan.decisions.iter().flatten() {
        for old in std::iter::once(&p.url).chain(&p.aliases).chain(&p.query_urls) {
            claim(old, &p.url);
        }
    }
    for name in cx.ssg.reserved() {
        let url = format!("/{name}/");
        claim(&url, &url);
    }
    claimed.into_iter().filter_map(|(k, v)| Some((k, v?))).collect()
}

/// The file of the page at the old path `old` (kept by
/// [`redirects::check`]) in the generator's static folder, when every
/// file system can hold each of its folders as it is (no `" * : < > ? \
/// |`, no name ending in `.` or space, no Windows device name like `con`,
/// none longer than [`MAX_FOLDER`]) and the generator copies its folder
/// (a generator whose static folder is the site's copies all but its own).
fn page_path(old: &str, ssg: Ssg) -> Option<String> {
    let path = redirects::decoded(old);
    let path = path.trim_start_matches('/');
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let usable = segments.iter().all(|s| safe_component(s, MAX_FOLDER, "") == *s)
        && (!ssg.static_dir().is_empty() || !ssg.taken(segments[0]));
    usable.then(|| format!("{}{path}index.html", ssg.static_dir()))
}

/// A page that leads to `target` (a URL path, percent-encoded, maybe with
/// a fragment): at once in a browser, and for search engines as the
/// page's canonical URL.
fn page(target: &str) -> String {
    let t = crate::transform::shortcodes::esc_attr(target);
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title>\n\
         <link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={t}\"></head>\n\
         <body><a href=\"{t}\">{t}</a></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::IndexItem;

    fn categories(list: &[(&str, &str, Option<&str>)]) -> Categories {
        list.iter()
            .map(|(slug, name, parent)| (slug.to_string(), (name.to_string(), parent.map(str::to_string))))
            .collect()
    }

    fn page(id: i64, slug: &str) -> IndexItem {
        IndexItem {
            id: Some(id),
            kind: "page".into(),
            status: "publish".into(),
            title: slug.into(),
            slug: Some(slug.into()),
            link: Some(format!("http://blog.example/{slug}/")),
            ..IndexItem::default()
        }
    }

    #[test]
    fn a_category_path_has_its_ancestors_and_a_cycle_ends() {
        let cats = categories(&[
            ("local", "Local", Some("news")),
            ("news", "News", None),
            ("a", "A", Some("b")),
            ("b", "B", Some("a")),
            ("lost", "Lost", Some("missing")),
        ]);
        assert_eq!(category_chain("local", &cats), "news/local");
        assert_eq!(category_chain("a", &cats), "b/a");
        assert_eq!(category_chain("lost", &cats), "lost");
    }

    /// The archives lead to the theme's pages; an old URL that is a page
    /// of the new site (a page at `/feed/`) stays that page.
    #[test]
    fn archives_lead_to_the_theme_and_leave_the_pages_alone() {
        let ssg = Ssg::named("jekyll").unwrap();
        let entries = [page(1, "feed")];
        let plan = Plan::make(&entries, &super::super::plan::Home::ROOT, &Default::default(), ssg);
        let cats = categories(&[
            ("local", "Local", Some("news")),
            ("news", "News", None),
            ("empty", "Empty", None),
        ]);
        let mut archives = Archives::default();
        archives.add_author(&Author {
            id: Some(3),
            login: Some("Jean Dupont".into()),
            ..Author::default()
        });
        archives.add_author(&Author {
            login: Some("nobody".into()),
            ..Author::default()
        });
        let item = Item {
            author: Some("Jean Dupont".into()),
            terms: vec![
                ItemTerm {
                    taxonomy: "category".into(),
                    slug: Some("local".into()),
                    name: "Local".into(),
                },
                ItemTerm {
                    taxonomy: "post_tag".into(),
                    slug: Some("caf%c3%a9".into()),
                    name: "Café".into(),
                },
            ],
            ..Item::default()
        };
        for t in &item.terms {
            archives.add_item_term(t);
        }
        let mut published = Published::default();
        published.see(&item, &cats);
        let out = archives.redirects(&Context {
            home: "/blog/",
            plan: &plan,
            categories: &cats,
            published: &published,
            ssg,
        });
        let kept: Vec<(&str, &str)> = out.kept.iter().map(|r| (r.old.as_str(), r.new.as_str())).collect();
        for want in [
            ("/blog/feed/", "/feed.xml"),
            ("/blog/?feed=atom", "/feed.xml"),
            ("/blog/category/news/local/", "/categories/#local"),
            ("/blog/category/local/", "/categories/#local"),
            // An ancestor of a post's category has it too.
            ("/blog/category/news/", "/categories/#news"),
            ("/blog/category/empty/", "/categories/"),
            ("/blog/tag/caf%c3%a9/", "/tags/#cafe"),
            ("/blog/?tag=caf%c3%a9", "/tags/#cafe"),
            ("/blog/author/jean-dupont/", "/"),
            ("/blog/?author=3", "/"),
        ] {
            assert!(kept.contains(&want), "{want:?} not in {kept:?}");
        }
        assert!(!kept.iter().any(|(old, _)| old.contains("nobody")), "{kept:?}");
        // With no published item in any category, there is no list of
        // them to lead to (Zola makes none): the home page.
        let none = archives.redirects(&Context {
            home: "/",
            plan: &plan,
            categories: &cats,
            published: &Published::default(),
            ssg,
        });
        let news = none.kept.iter().find(|r| r.old == "/category/news/").unwrap();
        assert_eq!(news.new, "/");
        // Two logins of one nicename: the second's archive is the first's.
        archives.add_author(&Author {
            login: Some("jean-dupont".into()),
            ..Author::default()
        });
        published.see(
            &Item {
                author: Some("jean-dupont".into()),
                ..Item::default()
            },
            &cats,
        );
        let twice = archives.redirects(&Context {
            home: "/",
            plan: &plan,
            categories: &cats,
            published: &published,
            ssg,
        });
        let again = twice.dropped.iter().find(|d| d.old == "/author/jean-dupont/").unwrap();
        assert_eq!(again.reason, "already redirected to /");
        // The page is at /feed/ on the new site: no page written over it.
        let mut home = archives.redirects(&Context {
            home: "/",
            plan: &plan,
            categories: &cats,
            published: &published,
            ssg,
        });
        assert!(home.kept.iter().all(|r| r.old != "/feed/"));
        let dropped = home.dropped.remove(0);
        assert_eq!(
            (dropped.old.as_str(), dropped.reason.as_str()),
            ("/feed/", "the URL of /feed/ on the new site")
        );
        assert!(
            home.pages
                .iter()
                .any(|(f, p)| f == "tag/café/index.html" && p.contains("url=/tags/#cafe\""))
        );
        assert!(home.pages.iter().all(|(f, _)| f != "feed/index.html"));
    }

    #[test]
    fn a_folder_no_file_system_takes_has_no_page() {
        let hugo = Ssg::named("hugo").unwrap();
        assert_eq!(page_path("/tag/a/", hugo).as_deref(), Some("static/tag/a/index.html"));
        assert_eq!(page_path("/tag/a%3Fb/", hugo), None);
        assert_eq!(page_path("/tag/a%2F%2Fb/", hugo), None);
        assert_eq!(page_path(&format!("/tag/{}/", "x".repeat(201)), hugo), None);
        assert_eq!(page_path("/tag/con/", hugo), None);
        assert_eq!(page_path("/tag/a./", hugo), None);
        assert_eq!(
            page_path("/tag/caf%C3%A9/", hugo).as_deref(),
            Some("static/tag/café/index.html")
        );
    }
}
