//! Eleventy: posts in `posts/`, pages at their paths (`about/index.md`);
//! YAML front matter with a `permalink`, and drafts kept out of the
//! collections.
//!
//! Eleventy runs Markdown files through Liquid first, where
//! `{% for x in y %}` stops the build and `{{ "now" | date: "%Y" }}` prints
//! the year: each file says `templateEngineOverride: md`, Markdown only.

use super::{Entry, Generator, Place, origin_at_top, url_under};
use crate::emit::markdown::front_matter::{Fields, Value};

/// Eleventy.
pub(super) struct Eleventy;

impl Generator for Eleventy {
    fn about(&self) -> &'static str {
        "Eleventy"
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
        // Ignored by Eleventy, and the folder copied as it is.
        &["node_modules", "public"]
    }

    fn front_matter(&self, e: Entry<'_>) -> Fields {
        let mut f = Fields::default();
        f.put("title", Value::Str(e.title));
        f.put_str("date", e.date.as_deref());
        f.put("permalink", Value::Str(e.url.to_string()));
        f.put_list("tags", &e.tags);
        f.put_list("categories", &e.categories);
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
}
