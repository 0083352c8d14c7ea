//! The site's menu: the export's menu (its `nav_menu_item`s, each in a
//! `nav_menu` term) as links of the new site, or, when the export has no
//! menu, what WordPress shows then (`wp_page_menu`): the top-level pages in
//! their order. Made after the second pass, which gives the titles the
//! first pass does not keep; each generator writes it in its own form
//! ([`Generator::project`](super::ssg::Generator::project)).
//!
//! An entry leads where WordPress's did: a post or page to its new URL, a
//! category or tag to its term's page, a custom link to the written item
//! it names on the old site, or as it is to another site (`http`, `https`
//! and `mailto` only). An entry whose post is not written is left out and
//! reported, its sub-entries shown in its place, as WordPress's walker
//! shows orphans. The theme shows two levels: deeper entries go under
//! their top-level ancestor.

use super::archives::Published;
use super::links::LinkMap;
use super::plan::Plan;
use super::report::{DroppedLink, MenuReport};
use super::ssg::Ssg;
use crate::model::Item;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A menu entry as the export gives it (`nav_menu_item` and its postmeta).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Source {
    /// The entry's own id (`wp:post_id`), which sub-entries name.
    id: i64,
    /// The menu's slug and name (its `nav_menu` term).
    menu: (String, String),
    /// `_menu_item_menu_item_parent`: the entry it is under, 0 at the top.
    parent: i64,
    /// `menu_order`: its place in the menu.
    order: i64,
    /// Its title, empty for the title of what it leads to.
    title: String,
    /// What it leads to.
    target: Target,
}

/// What a menu entry leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A post, page or other item, by id.
    Item(i64),
    /// A term of a taxonomy, by id.
    Term(String, i64),
    /// A URL as written (custom links).
    Url(String),
    /// Something the new site has no page for (a post type's archive).
    Other(String),
}

impl Source {
    /// The menu entry an item is, if it is a published one.
    pub(super) fn of(item: &Item) -> Option<Source> {
        if item.kind != "nav_menu_item" || item.status != "publish" {
            return None;
        }
        let meta = |k: &str| item.meta.iter().find(|m| m.key == k).map_or("", |m| m.value.trim());
        let number = |k: &str| meta(k).parse::<i64>().unwrap_or(0);
        let menu = item.terms.iter().find(|t| t.taxonomy == "nav_menu")?;
        let target = match meta("_menu_item_type") {
            "post_type" => Target::Item(number("_menu_item_object_id")),
            "taxonomy" => Target::Term(meta("_menu_item_object").to_string(), number("_menu_item_object_id")),
            "custom" => Target::Url(meta("_menu_item_url").to_string()),
            other => Target::Other(other.to_string()),
        };
        Some(Source {
            id: item.id?,
            menu: (menu.slug.clone().unwrap_or_default(), menu.name.clone()),
            parent: number("_menu_item_menu_item_parent"),
            order: item.menu_order,
            title: text(item.title.as_deref().unwrap_or("")),
            target,
        })
    }
}

/// A link of the site's menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// What it shows.
    pub title: String,
    /// Where it leads; none for a heading (a custom link to `#`).
    pub url: Option<String>,
    /// The entries under it.
    pub children: Vec<Link>,
}

/// The export's menus, gathered in the first pass.
#[derive(Debug, Default)]
pub(super) struct Menus {
    /// Every published menu entry, in export order.
    pub(super) sources: Vec<Source>,
    /// Term id → (taxonomy, name as shown), for entries that lead to a term.
    pub(super) terms: HashMap<i64, (String, String)>,
}

/// What makes the menu's links, after the second pass.
pub(super) struct Context<'a> {
    pub(super) plan: &'a Plan,
    pub(super) links: &'a LinkMap<'a>,
    /// The titles the second pass found.
    pub(super) titles: &'a Titles,
    /// The terms that have a page.
    pub(super) published: &'a Published,
    pub(super) ssg: Ssg,
}

/// The titles of written items the menu needs, which the first pass does
/// not keep: found in the second pass ([`Titles::see`]).
#[derive(Debug, Default)]
pub(super) struct Titles {
    /// The items named by entries with no title of their own.
    wanted: HashSet<i64>,
    /// With no menu: the top-level pages are the menu.
    of_pages: bool,
    /// Id → title, of the items wanted.
    found: HashMap<i64, String>,
    /// With no menu: the top-level pages written, with their `menu_order`.
    pages: Vec<(i64, i64)>,
}

impl Titles {
    /// Keeps what the menu needs of an item that is written (as a draft
    /// or not): its title.
    pub(super) fn see(&mut self, item: &Item, plan: &Plan) {
        let Some(id) = item.id else { return };
        let top_page = || {
            item.kind == "page"
                && item
                    .parent
                    .filter(|&p| p > 0)
                    .is_none_or(|p| !matches!(plan.for_id(p), Some(Ok(_))))
        };
        if self.of_pages && top_page() {
            self.pages.push((id, item.menu_order));
        } else if !self.wanted.contains(&id) {
            return;
        }
        self.found.insert(id, item.title.clone().unwrap_or_default());
    }
}

impl Menus {
    /// The menu the site shows: one named like a site's main menu
    /// (`main`, `primary`, `header`, `top`, `principal`, `navigation`),
    /// else the one with the most entries, the first of them in the export.
    fn shown(&self) -> Option<&(String, String)> {
        let mut counts: Vec<(&(String, String), usize)> = Vec::new();
        for s in &self.sources {
            match counts.iter_mut().find(|(m, _)| **m == s.menu) {
                Some((_, n)) => *n += 1,
                None => counts.push((&s.menu, 1)),
            }
        }
        const MAIN: &[&str] = &["main", "primary", "header", "top", "principal", "navigation"];
        let named = counts.iter().find(|((slug, name), _)| {
            let words = |s: &str| {
                s.to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| MAIN.contains(&w))
            };
            words(slug) || words(name)
        });
        named
            .or_else(|| counts.iter().rev().max_by_key(|(_, n)| *n))
            .map(|(m, _)| *m)
    }

    /// What the second pass must find for the menu: the titles of the
    /// items its entries with no title of their own lead to, or, with no
    /// menu, the top-level pages.
    pub(super) fn titles(&self, plan: &Plan) -> Titles {
        let Some(menu) = self.shown() else {
            return Titles {
                of_pages: true,
                ..Titles::default()
            };
        };
        let wanted = self
            .sources
            .iter()
            .filter(|s| s.menu == *menu && s.title.is_empty())
            .filter_map(|s| match s.target {
                Target::Item(id) if matches!(plan.for_id(id), Some(Ok(_))) => Some(id),
                _ => None,
            })
            .collect();
        Titles {
            wanted,
            ..Titles::default()
        }
    }

    /// The links of the site's menu, and what became of the export's.
    pub(super) fn links(&self, cx: &Context<'_>) -> (Vec<Link>, Option<MenuReport>) {
        let Some(menu) = self.shown() else {
            return (page_links(cx), None);
        };
        let mut report = MenuReport {
            name: menu.1.clone(),
            others: Vec::new(),
            links: 0,
            dropped: Vec::new(),
        };
        for s in &self.sources {
            if s.menu != *menu && !report.others.contains(&s.menu.1) {
                report.others.push(s.menu.1.clone());
            }
        }
        let mut entries: Vec<(&Source, Link)> = Vec::new();
        for s in self.sources.iter().filter(|s| s.menu == *menu) {
            match self.link(s, cx) {
                Ok(link) => entries.push((s, link)),
                Err(reason) => report.dropped.push(DroppedLink {
                    id: s.id,
                    title: s.title.clone(),
                    reason,
                }),
            }
        }
        report.links = entries.len();
        (tree(entries), Some(report))
    }

    /// One entry's link, or why it has none.
    fn link(&self, s: &Source, cx: &Context<'_>) -> Result<Link, String> {
        let (url, title) = match &s.target {
            Target::Item(id) => match cx.plan.for_id(*id) {
                Some(Ok(p)) if !p.draft => (Some(p.url.clone()), cx.titles.found.get(id).cloned()),
                Some(Ok(_)) => return Err(format!("item {id} is written as a draft")),
                Some(Err(skip)) => return Err(format!("item {id} is not written: {skip}")),
                None => return Err(format!("item {id} is not in the export")),
            },
            Target::Term(taxonomy, id) => {
                let Some((tax, name)) = self.terms.get(id).filter(|(t, _)| t == taxonomy) else {
                    return Err(format!("{taxonomy} {id} is not in the export"));
                };
                if !cx.published.has_term(tax, name) {
                    return Err(format!("no published post is in the {tax} {name:?}"));
                }
                match cx.ssg.term_url(tax, name) {
                    Some(url) => (Some(url), Some(name.clone())),
                    None => return Err(format!("the site has no page for the {tax} {name:?}")),
                }
            }
            Target::Url(url) => (Some(custom_url(url, cx)?), None),
            Target::Other(kind) => return Err(format!("the site has no page for a menu entry of type {kind:?}")),
        };
        let title = Some(s.title.clone())
            .filter(|t| !t.is_empty())
            .or(title.map(|t| text(&t)))
            .unwrap_or_default();
        if title.is_empty() {
            return Err("it has no title".to_string());
        }
        Ok(Link {
            title,
            url: url.filter(|u| !u.is_empty()),
            children: Vec::new(),
        })
    }
}

/// Where a custom link leads on the new site: a written item it names on
/// the old site, the home page, a path or fragment of this site, or
/// another site's page; a link that would run (`javascript:`) or leads to
/// an old page not written has none.
fn custom_url(url: &str, cx: &Context<'_>) -> Result<String, String> {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') {
        // WordPress's heading of a sub-menu.
        return Ok(String::new());
    }
    if let Some(new) = cx.links.rewrite(url) {
        return Ok(new);
    }
    if cx.links.is_home(url) {
        return Ok("/".to_string());
    }
    if cx.links.is_site(url) {
        return Err(format!("{url} is a page of the old site that is not written"));
    }
    if url.starts_with('/') && !url.starts_with("//") && !url.contains(['\\', '"', '<', '>']) {
        return Ok(url.to_string());
    }
    crate::transform::sanitize::safe_url(url).ok_or_else(|| format!("{url:?} is not an http, https or mailto link"))
}

/// The menu of an export without one: its top-level pages by
/// `menu_order`, then title.
fn page_links(cx: &Context<'_>) -> Vec<Link> {
    let mut links: Vec<(i64, Link)> = cx
        .titles
        .pages
        .iter()
        .filter_map(|&(id, order)| {
            let Some(Ok(p)) = cx.plan.for_id(id) else { return None };
            let title = text(cx.titles.found.get(&id)?);
            (!title.is_empty() && !p.draft).then(|| {
                (
                    order,
                    Link {
                        title,
                        url: Some(p.url.clone()),
                        children: Vec::new(),
                    },
                )
            })
        })
        .collect();
    links.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.title.cmp(&y.title)));
    links.into_iter().map(|(_, l)| l).collect()
}

/// The entries as two levels, each level by `menu_order`: an entry under
/// its top-level ancestor among the linked ones (a parent left out, or a
/// cycle, makes it top-level).
fn tree(mut entries: Vec<(&Source, Link)>) -> Vec<Link> {
    entries.sort_by_key(|(s, _)| (s.order, s.id));
    let parent: HashMap<i64, i64> = entries.iter().map(|(s, _)| (s.id, s.parent)).collect();
    // Up at most 64 levels (bounded work on any menu); a cycle, or a
    // deeper entry, is top-level.
    let top = |id: i64| {
        let mut at = id;
        let mut seen = HashSet::from([id]);
        for _ in 0..64 {
            match parent.get(&at) {
                Some(&p) if p != 0 && parent.contains_key(&p) => {
                    if !seen.insert(p) {
                        return id;
                    }
                    at = p;
                }
                _ => return at,
            }
        }
        id
    };
    let tops: Vec<i64> = entries.iter().map(|(s, _)| top(s.id)).collect();
    let mut out: Vec<Link> = Vec::new();
    let mut place: HashMap<i64, usize> = HashMap::new();
    for ((s, link), &t) in entries.iter().zip(&tops) {
        if t == s.id {
            place.insert(s.id, out.len());
            out.push(link.clone());
        }
    }
    for ((s, link), &t) in entries.into_iter().zip(&tops) {
        if t != s.id
            && let Some(&i) = place.get(&t)
        {
            out[i].children.push(link);
        }
    }
    out
}

/// A title as text: tags removed (as PHP's `strip_tags`), references
/// decoded, spaces trimmed.
fn text(title: &str) -> String {
    let out = crate::transform::slug::strip_tags(title);
    crate::read::decoded(out.split_whitespace().collect::<Vec<_>>().join(" ").as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(id: i64, parent: i64, order: i64) -> Source {
        Source {
            id,
            menu: ("m".into(), "M".into()),
            parent,
            order,
            title: format!("t{id}"),
            target: Target::Url(String::new()),
        }
    }

    fn link(s: &Source) -> Link {
        Link {
            title: s.title.clone(),
            url: None,
            children: Vec::new(),
        }
    }

    fn shape(links: &[Link]) -> Vec<(String, Vec<String>)> {
        links
            .iter()
            .map(|l| (l.title.clone(), l.children.iter().map(|c| c.title.clone()).collect()))
            .collect()
    }

    #[test]
    fn entries_nest_two_levels_in_menu_order() {
        // 3 under 1, 4 under 3 (shown under 1), 5 under a parent left out,
        // 6 and 7 under each other.
        let sources = [
            source(1, 0, 2),
            source(2, 0, 1),
            source(3, 1, 5),
            source(4, 3, 4),
            source(5, 99, 9),
            source(6, 7, 7),
            source(7, 6, 8),
        ];
        let links = tree(sources.iter().map(|s| (s, link(s))).collect());
        let want = [
            ("t2", vec![]),
            ("t1", vec!["t4", "t3"]),
            ("t6", vec![]),
            ("t7", vec![]),
            ("t5", vec![]),
        ];
        let want: Vec<(String, Vec<String>)> = want
            .iter()
            .map(|(t, c)| (t.to_string(), c.iter().map(|c| c.to_string()).collect()))
            .collect();
        assert_eq!(shape(&links), want);
    }

    #[test]
    fn the_main_menu_is_the_one_named_so_else_the_largest() {
        let mut menus = Menus::default();
        for (i, m) in ["footer", "social", "social", "footer", "social"].iter().enumerate() {
            let mut s = source(i as i64 + 1, 0, 0);
            s.menu = (m.to_string(), m.to_string());
            menus.sources.push(s);
        }
        assert_eq!(menus.shown().map(|m| m.0.as_str()), Some("social"));
        let mut s = source(9, 0, 0);
        s.menu = ("menu-1".into(), "Menu principal".into());
        menus.sources.push(s);
        assert_eq!(menus.shown().map(|m| m.0.as_str()), Some("menu-1"));
    }

    #[test]
    fn titles_are_text() {
        assert_eq!(text(" <i class=\"x\"></i> Caf&eacute;  &amp; th&#233; "), "Café & thé");
    }
}
