//! One item made ready to write: its body converted, its front matter
//! (the generator's fields, the categories with their ancestors, the
//! `--meta` postmeta decoded), its comments inline or as a data file, its
//! content escaped for the generator ([`super::ssg::Generator::escape`]),
//! and its entry in the report.

use super::index::Index;
use super::links::LinkMap;
use super::plan::Planned;
use super::report::{TooDeep, Written};
use super::ssg::{Entry, Words, language_key};
use super::{CommentsMode, Options, body, comments, front_matter};
use crate::error::RunError;
use crate::model::Item;
use front_matter::{Fields, Value};
use std::collections::BTreeMap;

/// One item made ready to write: its report entry and its files.
pub(super) struct Rendered {
    /// Its entry in the report.
    pub(super) written: Written,
    /// Its files: (path in the site, text).
    pub(super) files: Vec<(String, String)>,
    /// The images its body shows, for `media.json`.
    pub(super) images: Vec<String>,
}

/// Converts one item (body, front matter, comments) without writing.
pub(super) fn render_item(
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
    let link = |href: &str| links.rewrite_in_body(href).or_else(|| links.local_media(href));
    let attached = item
        .id
        .and_then(|id| index.attached.get(&id))
        .map_or(&[][..], Vec::as_slice);
    let reusable = |id: i64| index.reusable.get(&id).cloned();
    let cx = body::Context {
        media: crate::transform::shortcodes::Media {
            attachment: &attachment,
            attached,
        },
        reusable: &reusable,
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
    // The comment data file's name: the item's id, or for an item without
    // one (old exports), a key the front matter names (`wp_comments`).
    let data = (opts.comments == CommentsMode::Data && !thread.is_empty()).then(|| match item.id {
        Some(id) => (id.to_string(), false),
        None => (keyless(planned), true),
    });
    let named = data.as_ref().filter(|(_, named)| *named).map(|(key, _)| key.as_str());
    let fields = fields(item, planned, index, opts, body.more, &link, named);
    let mut text = front_matter::render(&fields, opts.syntax).map_err(|e| fail(&planned.path, e))?;
    text.push('\n');
    let mut content = body.markdown;
    let mut too_deep = TooDeep {
        html: body.flattened,
        ..TooDeep::default()
    };
    if opts.comments == CommentsMode::Inline && !thread.is_empty() {
        let words = Words::of(&language_key(index.site.language.as_deref().unwrap_or("")));
        let (markdown, flattened) = thread.markdown(words);
        content.push_str("\n\n");
        content.push_str(markdown.trim_end());
        too_deep.comment_html = flattened;
    }
    text.push_str(&opts.ssg.escape(&content));
    text.push('\n');
    let mut files = vec![(planned.path.clone(), text)];
    if let Some((key, _)) = &data {
        let json = opts.ssg.data_syntax() == front_matter::Syntax::Json;
        let name = format!("{}/{key}.{}", opts.ssg.data_dir(), if json { "json" } else { "yaml" });
        let data = thread.data(item.id);
        let text = if json {
            front_matter::json(&data)
        } else {
            front_matter::yaml(&data)
        };
        files.push((name.clone(), text.map_err(|e| fail(&name, e))?));
    }
    if opts.comments != CommentsMode::None {
        too_deep.replies = thread.flattened;
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
        empty_galleries: body.empty_galleries,
        untitled: untitled(item),
        missing_footnotes: body.missing_footnotes,
        unreferenced_footnotes: body.unreferenced_footnotes,
        comments_skipped: thread.skipped,
        orphan_comments: thread.orphans,
        too_deep,
    };
    Ok(Rendered {
        written,
        files,
        images: body.images,
    })
}

/// The comments of a thread; recursion as deep as the thread
/// ([`comments::MAX_DEPTH`] at most).
fn count_nodes(nodes: &[comments::Node]) -> u64 {
    nodes.iter().map(|n| 1 + count_nodes(&n.replies)).sum()
}

/// The key of the comment data file of an item without an id: its slug
/// (at most 60 bytes) and a hash of its path, which is the site's only:
/// two items of one slug in two folders, or a slug of digits like another
/// item's id, keep a file each.
fn keyless(planned: &Planned) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(planned.path.as_bytes());
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let slug = crate::transform::slug::safe_component(&planned.slug, 60, "item");
    format!("{slug}-{hash}")
}

/// The front matter of one item, with the generator's own field names.
/// `link` gives the new URL of an old one (the featured image's local copy);
/// `data_key` is the name of the comment data file of an item without id.
fn fields(
    item: &Item,
    planned: &Planned,
    index: &Index,
    opts: &Options,
    more: bool,
    link: &dyn Fn(&str) -> Option<String>,
    data_key: Option<&str>,
) -> Fields {
    let author = item
        .author
        .as_ref()
        .map(|login| index.authors.get(login).cloned().unwrap_or_else(|| login.clone()));
    let tags: Vec<String> = item
        .terms
        .iter()
        .filter(|t| t.taxonomy == "post_tag")
        .map(|t| term_name(&t.name))
        .filter(|n| !n.is_empty())
        .collect();
    let mut taxonomies: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in item.terms.iter().filter(|t| is_other_taxonomy(&t.taxonomy)) {
        taxonomies
            .entry(t.taxonomy.clone())
            .or_default()
            .push(term_name(&t.name));
    }
    let featured = item
        .meta
        .iter()
        .find(|m| m.key == "_thumbnail_id")
        .and_then(|m| m.value.trim().parse::<i64>().ok())
        .and_then(|id| index.attachments.get(&id))
        .map(|a| link(&a.url).unwrap_or_else(|| a.url.clone()));
    let mut origin = Fields::default();
    if let Some(id) = item.id {
        origin.put("wp_id", Value::Int(id));
    }
    origin.put_list("authors", &co_authors(item, index));
    origin.put_str("wp_comments", data_key);
    origin.put_str("wp_link", item.link.as_deref());
    let aliases: Vec<String> = planned.aliases.iter().map(|a| super::redirects::decoded(a)).collect();
    opts.ssg.front_matter(Entry {
        kind: &item.kind,
        path: &planned.path,
        url: &planned.url,
        slug: &planned.slug,
        draft: planned.draft,
        aliases: &aliases,
        title: shown_title(item),
        date: front_matter::date_with_offset(item.date.as_deref(), item.date_gmt.as_deref()),
        sticky: item.sticky,
        order: item.menu_order,
        modified: front_matter::date_with_offset(item.modified.as_deref(), item.modified_gmt.as_deref()),
        author,
        categories: category_names(item, index),
        tags,
        taxonomies,
        summary: (!item.excerpt.trim().is_empty())
            .then(|| crate::transform::sanitize::excerpt_html(item.excerpt.trim())),
        featured,
        more,
        origin,
        meta: selected_meta(item, &opts.meta_keys),
    })
}

/// An item's title as WordPress shows it (its references decoded, as the
/// page's HTML reads them: `Tom &amp; Jerry` is `Tom & Jerry`, trimmed),
/// or its date (`2013-05-14`) when it has none, which a generator would
/// show as an empty heading and link (empty without a date either).
pub(super) fn shown_title(item: &Item) -> String {
    let title = shown_text(item.title.as_deref().unwrap_or(""));
    if !title.is_empty() {
        return title;
    }
    item.date
        .as_deref()
        .and_then(|d| d.get(..10))
        .unwrap_or_default()
        .to_string()
}

/// Whether an item has no title of its own (see [`shown_title`]).
fn untitled(item: &Item) -> bool {
    shown_text(item.title.as_deref().unwrap_or("")).is_empty()
}

/// A term's name as WordPress shows it: WordPress keeps `&`, `<` and `>`
/// of a name as references (`News &amp; Events`), which every theme would
/// escape again.
pub(super) fn term_name(name: &str) -> String {
    shown_text(name)
}

/// A name or title as WordPress's page shows it: its references decoded,
/// and decoded once more for an export that encoded them twice (`Tom
/// &amp;amp; Jerry`, which the importer stores as `Tom &amp; Jerry`),
/// trimmed as the importer trims it.
pub(super) fn shown_text(text: &str) -> String {
    let once = crate::read::decoded(text.trim());
    if once.contains('&') {
        crate::read::decoded(&once).trim().to_string()
    } else {
        once.trim().to_string()
    }
}

/// Whether a term of `taxonomy` is written under its taxonomy's name: any
/// but categories and tags (their own fields), menus (not content) and
/// Co-Authors Plus's `author` (the `authors` field: a taxonomy named
/// `author` would be a second `author` key).
pub(super) fn is_other_taxonomy(taxonomy: &str) -> bool {
    !matches!(taxonomy, "category" | "post_tag" | "nav_menu" | "author")
}

/// The authors Co-Authors Plus lists for an item (its `author` terms,
/// whose names are logins), by display name, each once.
fn co_authors(item: &Item, index: &Index) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in item.terms.iter().filter(|t| t.taxonomy == "author") {
        let login = term_name(&t.name);
        let name = index.authors.get(&login).cloned().unwrap_or(login);
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
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
            // A number stays one (PHP's INF and NAN have no YAML or TOML
            // spelling every generator reads: text).
            Php::Float(x) if x.is_finite() => Value::Float(x),
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
    // An empty `<category>` (some exporters write one) is no category.
    for t in item
        .terms
        .iter()
        .filter(|t| t.taxonomy == "category" && !term_name(&t.name).is_empty())
    {
        let mut chain = vec![term_name(&t.name)];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_meta_becomes_data() {
        let v = meta_value(r#"a:2:{s:5:"sizes";a:2:{i:0;s:5:"small";i:1;s:5:"large";}s:5:"width";i:640;}"#);
        let yaml = front_matter::yaml(&Fields(vec![("m".into(), v)])).unwrap();
        assert_eq!(yaml, "m:\n  sizes:\n  - small\n  - large\n  width: 640\n");
        assert_eq!(meta_value("plain"), Value::Str("plain".into()));
    }
}
