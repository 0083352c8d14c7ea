//! Astro content collections: posts in `src/content/blog/`, pages in
//! `src/content/pages/`, served without the `src/content` prefix; YAML
//! front matter with the blog template's `pubDate`, `updatedDate` and
//! `heroImage`.

use super::{Entry, Generator, Place, origin_at_top, url_under};
use crate::emit::markdown::front_matter::{Fields, Value};

/// Astro.
pub(super) struct Astro;

impl Generator for Astro {
    fn about(&self) -> &'static str {
        "Astro content collections"
    }

    fn path(&self, p: &Place<'_>) -> String {
        let slug = p.slug;
        match p.kind {
            "post" => format!("src/content/blog/{slug}.md"),
            "page" => format!("{}{slug}.md", p.nested("src/content/pages/")),
            k => format!("src/content/{k}/{slug}.md"),
        }
    }

    fn url(&self, path: &str) -> String {
        url_under(path, "src/content")
    }

    fn front_matter(&self, e: Entry<'_>) -> Fields {
        let mut f = Fields::default();
        f.put("title", Value::Str(e.title));
        f.put_str("description", e.summary.as_deref());
        f.put_str("pubDate", e.date.as_deref());
        f.put_str("updatedDate", e.modified.as_deref());
        f.put("draft", Value::Bool(e.draft));
        f.put_list("categories", &e.categories);
        f.put_list("tags", &e.tags);
        f.put_str("author", e.author.as_deref());
        f.put_str("heroImage", e.featured.as_deref());
        origin_at_top(&mut f, e.origin, e.meta);
        f
    }

    fn static_dir(&self) -> &'static str {
        "public/"
    }

    fn data_dir(&self) -> &'static str {
        "src/data/comments"
    }
}
