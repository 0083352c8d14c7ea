//! Hugo: page bundles under `content/` (`content/posts/slug/index.md`),
//! a page with child pages a branch bundle (`_index.md`); YAML front
//! matter with `aliases` for the old URLs.

use super::{Entry, Generator, Place, origin_at_top, url_under};
use crate::emit::markdown::front_matter::{Fields, Value};

/// Hugo.
pub(super) struct Hugo;

impl Generator for Hugo {
    fn about(&self) -> &'static str {
        "Hugo page bundles"
    }

    fn path(&self, p: &Place<'_>) -> String {
        let slug = p.slug;
        match p.kind {
            "post" => format!("content/posts/{slug}/index.md"),
            "page" if p.parent => format!("{}{slug}/_index.md", p.nested("content/")),
            "page" => format!("{}{slug}/index.md", p.nested("content/")),
            k => format!("content/{k}/{slug}/index.md"),
        }
    }

    fn url(&self, path: &str) -> String {
        url_under(path, "content")
    }

    fn front_matter(&self, e: Entry<'_>) -> Fields {
        let mut f = Fields::default();
        f.put("title", Value::Str(e.title));
        f.put_str("date", e.date.as_deref());
        f.put_str("lastmod", e.modified.as_deref());
        f.put("draft", Value::Bool(e.draft));
        f.put("slug", Value::Str(e.slug.to_string()));
        f.put_list("aliases", e.aliases);
        f.put_str("summary", e.summary.as_deref());
        f.put_list("categories", &e.categories);
        f.put_list("tags", &e.tags);
        for (tax, names) in &e.taxonomies {
            f.put_list(tax, names);
        }
        f.put_str("author", e.author.as_deref());
        if let Some(img) = &e.featured {
            f.put_list("images", std::slice::from_ref(img));
        }
        origin_at_top(&mut f, e.origin, e.meta);
        f
    }

    fn static_dir(&self) -> &'static str {
        "static/"
    }

    fn data_dir(&self) -> &'static str {
        "data/comments"
    }
}
