//! Plain Markdown files, for no generator in particular: `posts/slug.md`,
//! `pages/…/slug.md`, YAML front matter with the common field names.

use super::{Entry, Generator, Place, origin_at_top, url_under};
use crate::emit::markdown::front_matter::{Fields, Value};

/// Plain Markdown.
pub(super) struct Plain;

impl Generator for Plain {
    fn about(&self) -> &'static str {
        "Plain Markdown files"
    }

    fn path(&self, p: &Place<'_>) -> String {
        let slug = p.slug;
        match p.kind {
            "post" => format!("posts/{slug}.md"),
            "page" => format!("{}{slug}.md", p.nested("pages/")),
            k => format!("{k}/{slug}.md"),
        }
    }

    fn url(&self, path: &str) -> String {
        url_under(path, "")
    }

    fn sets_url(&self, _path: &str) -> bool {
        // Content only: no URL of its own.
        false
    }

    fn term_url(&self, _taxonomy: &str, _name: &str) -> Option<String> {
        // Content only: no term pages.
        None
    }

    fn front_matter(&self, e: Entry<'_>) -> Fields {
        let mut f = Fields::default();
        f.put("title", Value::Str(e.title));
        f.put_str("date", e.date.as_deref());
        f.put_str("updated", e.modified.as_deref());
        f.put("draft", Value::Bool(e.draft));
        f.put("slug", Value::Str(e.slug.to_string()));
        f.put_list("categories", &e.categories);
        f.put_list("tags", &e.tags);
        f.put_str("author", e.author.as_deref());
        f.put_str("excerpt", e.summary.as_deref());
        f.put_list("aliases", e.aliases);
        origin_at_top(&mut f, e.origin, e.meta);
        f
    }

    fn static_dir(&self) -> &'static str {
        ""
    }

    fn data_dir(&self) -> &'static str {
        "data/comments"
    }
}
