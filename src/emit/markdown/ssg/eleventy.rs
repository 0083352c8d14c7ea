//! Eleventy: posts in `posts/`, pages at their paths (`about/index.md`);
//! YAML front matter with a `permalink`, and drafts kept out of the
//! collections.
//!
//! Eleventy runs Markdown files through Liquid first, where
//! `{% for x in y %}` stops the build and `{{ "now" | date: "%Y" }}` prints
//! the year: each file says `templateEngineOverride: md`, Markdown only.
//!
//! WordPress's tags are `wpTags`, not Eleventy's `tags`, which make
//! collections whose names would mix with Eleventy's own (`all`) and the
//! theme's. Comment data files are JSON, which Eleventy reads without a
//! plugin.

use super::{Entry, Generator, Place, SiteInfo, origin_at_top, url_under};
use crate::emit::markdown::front_matter::{Fields, Syntax, Value, json};
use std::borrow::Cow;

/// Eleventy.
pub(super) struct Eleventy;

impl Generator for Eleventy {
    fn about(&self) -> &'static str {
        "Eleventy"
    }

    fn feed_url(&self) -> Option<&'static str> {
        Some("/feed.xml")
    }

    fn serve(&self) -> Option<&'static str> {
        Some("npx @11ty/eleventy --serve")
    }

    fn path(&self, p: &Place<'_>) -> String {
        let slug = p.slug;
        match p.kind {
            "post" => format!("posts/{slug}.md"),
            "page" => format!("{}{slug}/index.md", p.nested("")),
            k => format!("{k}/{slug}.md"),
        }
    }

    fn url(&self, path: &str) -> String {
        url_under(path, "")
    }

    fn reserved(&self) -> &'static [&'static str] {
        // Ignored by Eleventy, the folder copied as it is, and the term
        // lists of wxr's theme.
        &["node_modules", "public", "categories", "tags"]
    }

    fn front_matter(&self, e: Entry<'_>) -> Fields {
        let mut f = Fields::default();
        f.put("title", Value::Str(e.title));
        f.put_str("date", e.date.as_deref());
        f.put("permalink", Value::Str(e.url.to_string()));
        // Pages of their own that lead here (wxr's aliases.njk).
        f.put_list("aliases", e.aliases);
        f.put_list("wpTags", &e.tags);
        f.put_list("categories", &e.categories);
        if e.sticky {
            f.put("sticky", Value::Bool(true));
        }
        f.put_str("author", e.author.as_deref());
        f.put_str("excerpt", e.summary.as_deref());
        if e.draft {
            f.put("draft", Value::Bool(true));
            f.put("eleventyExcludeFromCollections", Value::Bool(true));
        }
        f.put("templateEngineOverride", Value::Str("md".into()));
        origin_at_top(&mut f, e.origin, e.meta);
        f
    }

    fn static_dir(&self) -> &'static str {
        "public/"
    }

    fn data_dir(&self) -> &'static str {
        "_data/comments"
    }
    fn data_syntax(&self) -> Syntax {
        Syntax::Json
    }

    fn project(&self, site: &SiteInfo<'_>) -> Vec<(String, Cow<'static, str>)> {
        let mut files: Vec<(String, Cow<'static, str>)> = THEME
            .iter()
            .map(|(path, text)| (path.to_string(), Cow::Borrowed(*text)))
            .collect();
        files.push(("public/wxr.css".to_string(), Cow::Borrowed(super::STYLE)));
        files.push((
            "_data/site.json".to_string(),
            Cow::Owned(json(&site.fields()).unwrap_or_default()),
        ));
        let words = json(&site.words().fields()).unwrap_or_default();
        files.push(("_data/wxr.json".to_string(), Cow::Owned(words)));
        if !site.menu.is_empty() {
            let text = json(&site.menu_value()).unwrap_or_default();
            files.push(("_data/navigation.json".to_string(), Cow::Owned(text)));
        }
        files
    }
}

/// wxr's Eleventy project: its configuration (the posts collection, the
/// static folder, the date filter), the layouts of posts and pages with
/// the comment threads and pings of `_data/comments/`, the paginated home
/// page, the category and tag lists, an Atom feed, a 404 page and a page
/// at each old URL that leads to its post (`aliases.njk`), in
/// Nunjucks (which Eleventy has without a plugin). Every value but the
/// sanitized comment text and the pages' content is escaped there.
const THEME: &[(&str, &str)] = &[
    (
        "eleventy.config.cjs",
        include_str!("theme/eleventy/eleventy.config.cjs"),
    ),
    (
        "_includes/wxr/base.njk",
        include_str!("theme/eleventy/_includes/wxr/base.njk"),
    ),
    (
        "_includes/wxr/post.njk",
        include_str!("theme/eleventy/_includes/wxr/post.njk"),
    ),
    (
        "_includes/wxr/page.njk",
        include_str!("theme/eleventy/_includes/wxr/page.njk"),
    ),
    (
        "_includes/wxr/comments.njk",
        include_str!("theme/eleventy/_includes/wxr/comments.njk"),
    ),
    ("posts/posts.json", include_str!("theme/eleventy/posts/posts.json")),
    ("index.njk", include_str!("theme/eleventy/index.njk")),
    ("404.njk", include_str!("theme/eleventy/404.njk")),
    ("aliases.njk", include_str!("theme/eleventy/aliases.njk")),
    ("feed.njk", include_str!("theme/eleventy/feed.njk")),
    ("categories.njk", include_str!("theme/eleventy/categories.njk")),
    ("tags.njk", include_str!("theme/eleventy/tags.njk")),
];
