//! The static site generators: what differs between them, behind the
//! [`Generator`] trait, one file each, and the [`REGISTRY`] that `--ssg`
//! lists and parses.
//!
//! A generator decides where an item goes and the URL it is served at,
//! the names and placement of its front matter fields and their usual
//! syntax, its summary divider, where static files and comment data go,
//! and how the text of a page is kept from its template or shortcode
//! syntax ([`Generator::escape`]). Adding one is a file here, its `mod`
//! line and its registry line.
//!
//! The generators know nothing of the site plan: the plan asks them where
//! an item goes (a [`Place`] in, a path and URL out), and the item's
//! [`Entry`] carries the path, URL, slug and old URLs the plan settled.

mod astro;
mod eleventy;
mod hugo;
mod jekyll;
mod plain;
mod words;
mod zola;

pub use words::{Words, language_key};

use super::front_matter::{Fields, Syntax, Value};
use super::menus::Link;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What differs between static site generators.
pub trait Generator: Sync {
    /// What it writes, in a few words (the help of `--ssg`).
    fn about(&self) -> &'static str;

    /// Where an item goes, relative to the site directory, `/`-separated.
    fn path(&self, place: &Place<'_>) -> String;

    /// The URL path the file at `path` is served at (`/posts/slug/`).
    fn url(&self, path: &str) -> String;

    /// The names of the generator's own sections, taxonomies and ignored
    /// folders, which a top-level page or a post type's folder must not
    /// take: in Hugo a page `content/posts/index.md` would make every post
    /// a resource of that one page, and `content/tags/` is the tag list.
    fn reserved(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether a top-level folder named `name` is one of the
    /// [`reserved`](Generator::reserved) ones; Jekyll matches its
    /// excludes as prefixes.
    fn taken(&self, name: &str) -> bool {
        self.reserved().contains(&name)
    }

    /// Whether the file at `path` can be served at a URL of its front
    /// matter (`--keep-urls`): [`Generator::front_matter`] writes the
    /// field when the entry's URL is not the one of its path.
    fn sets_url(&self, _path: &str) -> bool {
        true
    }

    /// The front matter syntax the generator reads by default.
    fn syntax(&self) -> Syntax {
        Syntax::Yaml
    }

    /// The front matter of an item: the generator's field names, in its
    /// order, with wxr's own fields (`wp_id`, `wp_link`, `wp_meta`) where
    /// the generator allows them.
    fn front_matter(&self, entry: Entry<'_>) -> Fields;

    /// What `<!--more-->` becomes.
    fn more(&self) -> &'static str {
        "<!--more-->"
    }

    /// The content of a page (the body, and the comments written inline)
    /// as the generator must read it to show it as written: what it would
    /// run as a shortcode escaped in its own syntax (Hugo, Zola). A
    /// generator that runs a template language over the whole content is
    /// told not to in the front matter instead (Jekyll, Eleventy). Front
    /// matter values and comment data files are data to every generator,
    /// never templates.
    fn escape<'a>(&self, content: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(content)
    }

    /// Where files served as they are go (media, redirect files), with a
    /// trailing `/`; empty for the site directory itself.
    fn static_dir(&self) -> &'static str;

    /// Where comment data files go.
    fn data_dir(&self) -> &'static str;

    /// The syntax of comment data files: YAML, or JSON for a generator
    /// that reads no YAML without a plugin.
    fn data_syntax(&self) -> Syntax {
        Syntax::Yaml
    }

    /// The project around the content, so that the generator builds the
    /// site as it is: its configuration, made from the export, and wxr's
    /// theme (layouts that show the posts, pages, terms, comments and
    /// pings). Paths relative to the site directory; none for a generator
    /// that is content only.
    fn project(&self, _site: &SiteInfo<'_>) -> Vec<(String, Cow<'static, str>)> {
        Vec::new()
    }

    /// The URL of the page of a term (`taxonomy` as WordPress names it:
    /// `category`, `post_tag`…) in wxr's theme, if it has one: by
    /// default the term's anchor on the list of categories or tags.
    fn term_url(&self, taxonomy: &str, name: &str) -> Option<String> {
        Some(format!("/{}/#{}", term_list(taxonomy)?, anchor(name)))
    }

    /// The URL of the site's feed in wxr's theme, where the old feeds
    /// lead; none for a generator that is content only.
    fn feed_url(&self) -> Option<&'static str> {
        None
    }

    /// The shell command, run in the site folder, that builds the
    /// project and serves it for a look (the run's last line says it);
    /// none for a generator that is content only.
    fn serve(&self) -> Option<&'static str> {
        None
    }
}

/// The site as the export describes it, for a generator's configuration.
#[derive(Debug, Clone)]
pub struct SiteInfo<'a> {
    /// The title (`<title>` of the channel), maybe empty.
    pub title: &'a str,
    /// The tagline (`<description>`), maybe empty.
    pub description: &'a str,
    /// The language, as WordPress writes it (`fr-FR`), maybe empty.
    pub language: &'a str,
    /// The origin the site is served at, ending with `/`
    /// (`https://blog.example/`), or `/` when the export has none.
    pub base_url: &'a str,
    /// The taxonomies the items use other than categories and tags, by
    /// the name their front matter field has (any text).
    pub taxonomies: &'a [String],
    /// The site's menu.
    pub menu: &'a [Link],
}

/// wxr's style sheet, the same for every generator's theme.
const STYLE: &str = include_str!("theme/wxr.css");

impl SiteInfo<'_> {
    /// The words of the site's language.
    pub fn words(&self) -> &'static Words {
        Words::of(&self.language_key())
    }

    /// The site as the fields of a data file: `title`, `description`,
    /// `lang` (the language's key) and `url` (without a trailing `/`).
    pub fn fields(&self) -> Fields {
        let mut f = Fields::default();
        f.put("title", Value::Str(self.title.to_string()));
        f.put("description", Value::Str(self.description.to_string()));
        f.put("lang", Value::Str(self.language_key()));
        f.put("url", Value::Str(self.base_url.trim_end_matches('/').to_string()));
        f
    }

    /// The menu as data: a list of `title`, `url` (absent for a heading)
    /// and `children` (absent when none), as the themes read it.
    pub fn menu_value(&self) -> Value {
        fn list(links: &[Link]) -> Value {
            Value::List(
                links
                    .iter()
                    .map(|l| {
                        let mut f = Fields::default();
                        f.put("title", Value::Str(l.title.clone()));
                        f.put_str("url", l.url.as_deref());
                        if !l.children.is_empty() {
                            f.put("children", list(&l.children));
                        }
                        Value::Map(f)
                    })
                    .collect(),
            )
        }
        list(self.menu)
    }

    /// The language's primary subtag, lower case (`fr`), `en` when none:
    /// the name of the theme's translation file.
    pub fn language_key(&self) -> String {
        words::language_key(self.language)
    }
}

/// Every generator, by its `--ssg` name, in the order `--help` lists them.
pub static REGISTRY: &[(&str, &dyn Generator)] = &[
    ("hugo", &hugo::Hugo),
    ("jekyll", &jekyll::Jekyll),
    ("zola", &zola::Zola),
    ("astro", &astro::Astro),
    ("eleventy", &eleventy::Eleventy),
    ("plain", &plain::Plain),
];

/// A generator of the [`REGISTRY`]: the handle the writer passes around.
/// It dereferences to the [`Generator`].
#[derive(Clone, Copy)]
pub struct Ssg {
    name: &'static str,
    generator: &'static dyn Generator,
}

impl Ssg {
    /// The generator registered as `name`.
    pub fn named(name: &str) -> Option<Ssg> {
        Ssg::all().find(|s| s.name == name)
    }

    /// Every registered generator, in the registry's order.
    pub fn all() -> impl Iterator<Item = Ssg> {
        REGISTRY.iter().map(|&(name, generator)| Ssg { name, generator })
    }

    /// Its `--ssg` name.
    pub fn name(self) -> &'static str {
        self.name
    }
}

impl std::ops::Deref for Ssg {
    type Target = dyn Generator;

    fn deref(&self) -> &Self::Target {
        self.generator
    }
}

impl std::fmt::Debug for Ssg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Ssg").field(&self.name).finish()
    }
}

/// What decides where an item goes.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The post type: `post`, `page`, or a custom type.
    pub kind: &'a str,
    /// The slugs of a page's written ancestors, outermost first.
    pub dirs: &'a [String],
    /// The item's slug, safe as a path component.
    pub slug: &'a str,
    /// `post_date`, `YYYY-MM-DDTHH:MM:SS`.
    pub date: Option<&'a str>,
    /// Written as a draft.
    pub draft: bool,
    /// A page with written child pages: Hugo and Zola then need a section
    /// (`_index.md`), since a page cannot hold pages.
    pub parent: bool,
}

impl Place<'_> {
    /// `root` followed by the directories of the page's ancestors.
    fn nested(&self, root: &str) -> String {
        let mut p = root.to_string();
        for d in self.dirs {
            p.push_str(d);
            p.push('/');
        }
        p
    }
}

/// An item's front matter before a generator names and places its fields.
#[derive(Debug)]
pub struct Entry<'a> {
    /// The post type.
    pub kind: &'a str,
    /// Its file, relative to the site directory, `/`-separated.
    pub path: &'a str,
    /// The URL path it is served at (`/posts/slug/`).
    pub url: &'a str,
    /// The slug (decoded).
    pub slug: &'a str,
    /// Written as a draft.
    pub draft: bool,
    /// Old URL paths that must lead here (permalink, old slugs),
    /// percent-decoded: the folders their alias pages are written in, as a
    /// server maps a request to a file.
    pub aliases: &'a [String],
    /// The title.
    pub title: String,
    /// Published, with the UTC offset when known.
    pub date: Option<String>,
    /// A sticky post, shown first on the home page.
    pub sticky: bool,
    /// `menu_order`: the order of a page among its siblings.
    pub order: i64,
    /// Last modified, with the UTC offset when known.
    pub modified: Option<String>,
    /// The author's display name.
    pub author: Option<String>,
    /// Category names, each preceded by its ancestors.
    pub categories: Vec<String>,
    /// Tag names.
    pub tags: Vec<String>,
    /// Term names of the other taxonomies, by taxonomy.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// The excerpt.
    pub summary: Option<String>,
    /// The featured image's URL.
    pub featured: Option<String>,
    /// The body has a summary divider.
    pub more: bool,
    /// Where the item came from: `wp_id`, `wp_link`.
    pub origin: Fields,
    /// The postmeta of `--meta`, written as `wp_meta`.
    pub meta: Option<Value>,
}

/// Appends wxr's own fields at the top level, after the generator's:
/// where every generator but Zola takes them.
fn origin_at_top(f: &mut Fields, origin: Fields, meta: Option<Value>) {
    f.0.extend(origin.0);
    if let Some(meta) = meta {
        f.put("wp_meta", meta);
    }
}

/// The URL of the file at `path` served from under `root`:
/// `root/a/b.md`, `root/a/b/index.md` and `root/a/b/_index.md` are `/a/b/`.
fn url_under(path: &str, root: &str) -> String {
    let p = file_stem(path);
    dir_url(p.strip_prefix(root).unwrap_or(p))
}

/// `path` without its file name when that is `index.md` or `_index.md`,
/// else without `.md`.
fn file_stem(path: &str) -> &str {
    path.strip_suffix("_index.md")
        .or_else(|| path.strip_suffix("index.md"))
        .or_else(|| path.strip_suffix(".md"))
        .unwrap_or(path)
}

/// The folder of the theme's list of the terms of `taxonomy` (as
/// WordPress names it), for categories and tags: `/categories/`, `/tags/`
/// in every generator.
pub(crate) fn term_list(taxonomy: &str) -> Option<&'static str> {
    match taxonomy {
        "category" => Some("categories"),
        "post_tag" => Some("tags"),
        _ => None,
    }
}

/// The anchor of a term's name on the theme's list of categories or tags
/// (Jekyll's `slugify: "latin"`, and the `anchor` of the Eleventy and
/// Astro themes): accents removed, lower case, every run of other
/// characters than `a-z` and `0-9` a `-`, none at either end.
pub(crate) fn anchor(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    dashed(name.nfkd().filter(|&c| !is_combining_mark(c)))
}

/// `chars` lower case, every run of other characters than `a-z` and
/// `0-9` a `-`, none at either end: the slugs of the themes' anchors and
/// of Zola's term pages, after their own transliteration.
pub(super) fn dashed(chars: impl IntoIterator<Item = char>) -> String {
    let mut out = String::new();
    for c in chars {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    if out.ends_with('-') {
        out.pop();
    }
    out
}

/// `p` as a directory URL: `/p/`, or `/` for nothing.
fn dir_url(p: &str) -> String {
    let p = p.trim_matches('/');
    if p.is_empty() {
        "/".to_string()
    } else {
        format!("/{p}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ssg(name: &str) -> Ssg {
        Ssg::named(name).unwrap()
    }

    #[test]
    fn urls_follow_each_generator() {
        assert_eq!(ssg("hugo").url("content/posts/café/index.md"), "/posts/café/");
        assert_eq!(ssg("jekyll").url("_posts/2010-02-08-slug.md"), "/2010/02/08/slug/");
        assert_eq!(ssg("zola").url("content/posts/s.md"), "/posts/s/");
        assert_eq!(ssg("astro").url("src/content/blog/s.md"), "/blog/s/");
        assert_eq!(ssg("eleventy").url("about/index.md"), "/about/");
        assert_eq!(ssg("jekyll").url("_posts/éééééé.md"), "/_posts/éééééé/");
    }

    #[test]
    fn term_pages_are_where_each_theme_puts_them() {
        for (ssg_name, taxonomy, name, url) in [
            ("hugo", "category", "Café au lait", "/categories/café-au-lait/"),
            ("hugo", "post_tag", "C++ & C#", "/tags/c++-c%23/"),
            ("hugo", "post_tag", "a - Ünï  Test", "/tags/a-ünï-test/"),
            ("zola", "category", "Café au lait", "/categories/cafe-au-lait/"),
            ("zola", "post_tag", "C++ & C#", "/tags/c-c/"),
            ("jekyll", "category", "Café au lait", "/categories/#cafe-au-lait"),
            ("eleventy", "post_tag", "  Ünï -- Test!", "/tags/#uni-test"),
            ("astro", "category", "Référencement", "/categories/#referencement"),
        ] {
            assert_eq!(
                ssg(ssg_name).term_url(taxonomy, name).as_deref(),
                Some(url),
                "{ssg_name} {name}"
            );
        }
        assert_eq!(ssg("jekyll").term_url("genre", "x"), None);
        assert_eq!(ssg("plain").term_url("category", "x"), None);
    }

    #[test]
    fn the_registry_names_each_generator_once() {
        let names: Vec<&str> = Ssg::all().map(Ssg::name).collect();
        let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for name in names {
            assert_eq!(ssg(name).name(), name);
        }
        // `--ssg`'s default.
        assert!(Ssg::named("hugo").is_some());
        assert!(Ssg::named("").is_none());
    }
}
