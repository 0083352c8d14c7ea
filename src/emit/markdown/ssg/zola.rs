//! Zola: `content/posts/slug.md` and `content/pages/…`, a page with child
//! pages a section (`_index.md`); TOML front matter, where only Zola's own
//! keys may stand at the top: terms go under `taxonomies`, wxr's fields
//! under `extra`, and a section's page fields (dates, terms) under
//! `extra` too. The summary divider is `<!-- more -->`.

use super::{Entry, Generator, Place, url_under};
use crate::emit::markdown::front_matter::{Fields, Syntax, Value};
use crate::transform::slug::decode_slug;

/// Zola.
pub(super) struct Zola;

impl Generator for Zola {
    fn about(&self) -> &'static str {
        "Zola content with TOML front matter"
    }

    fn path(&self, p: &Place<'_>) -> String {
        let slug = p.slug;
        match p.kind {
            "post" => format!("content/posts/{slug}.md"),
            "page" if p.parent => format!("{}{slug}/_index.md", p.nested("content/pages/")),
            "page" => format!("{}{slug}.md", p.nested("content/pages/")),
            k => format!("content/{k}/{slug}.md"),
        }
    }

    fn url(&self, path: &str) -> String {
        url_under(path, "content")
    }

    fn syntax(&self) -> Syntax {
        Syntax::Toml
    }

    fn front_matter(&self, e: Entry<'_>) -> Fields {
        let mut f = Fields::default();
        let draft = e.draft;
        // Zola writes an alias's page at the path as given: a
        // percent-encoded one would land in a directory named `%ce%b5…`,
        // which no server maps the URL to.
        let aliases: Vec<String> = e.aliases.iter().map(|a| decode_slug(a)).collect();
        let mut tax = Fields::default();
        tax.put_list("categories", &e.categories);
        tax.put_list("tags", &e.tags);
        for (t, names) in &e.taxonomies {
            tax.put_list(t, names);
        }
        // Where the item came from; Zola only allows its own keys at the top.
        let mut extra = e.origin;
        f.put("title", Value::Str(e.title));
        if e.path.ends_with("/_index.md") {
            // A page with child pages is a Zola section, whose front
            // matter refuses page fields: its URL is its directory, and
            // its dates and terms go under `extra`.
            f.put("draft", Value::Bool(draft));
            f.put_list("aliases", &aliases);
            f.put_str("description", e.summary.as_deref());
            extra.put_str("wp_date", e.date.as_deref());
            extra.put_str("wp_updated", e.modified.as_deref());
            if !tax.0.is_empty() {
                extra.put("wp_taxonomies", Value::Map(tax));
            }
        } else {
            f.put_str("date", e.date.as_deref());
            f.put_str("updated", e.modified.as_deref());
            f.put("draft", Value::Bool(draft));
            f.put("slug", Value::Str(e.slug.to_string()));
            f.put_list("aliases", &aliases);
            f.put_str("description", e.summary.as_deref());
            if !tax.0.is_empty() {
                f.put("taxonomies", Value::Map(tax));
            }
        }
        if !extra.0.is_empty() {
            if let Some(meta) = e.meta {
                extra.put("wp_meta", meta);
            }
            f.put("extra", Value::Map(extra));
        } else if let Some(meta) = e.meta {
            f.put("wp_meta", meta);
        }
        f
    }

    fn more(&self) -> &'static str {
        "<!-- more -->"
    }

    fn static_dir(&self) -> &'static str {
        "static/"
    }

    fn data_dir(&self) -> &'static str {
        "data/comments"
    }
}
