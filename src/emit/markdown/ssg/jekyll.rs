//! Jekyll: posts in `_posts/YYYY-MM-DD-slug.md` (served at
//! `/YYYY/MM/DD/slug/`), drafts in `_drafts/`, pages at their paths; YAML
//! front matter with a `permalink` and `redirect_from` (the
//! jekyll-redirect-from plugin) for the old URLs.
//!
//! Jekyll runs Liquid over every page, where `{% for x in y %}` in a post
//! stops the build and `{{ "now" | date: "%Y" }}` prints the year: each file
//! says `render_with_liquid: false` (Jekyll 4.0 and later), which turns
//! Liquid off for the page and the excerpt Jekyll makes from it.

use super::{Entry, Generator, Place, dir_url, file_stem, origin_at_top};
use crate::emit::markdown::front_matter::{Fields, Value};

/// Jekyll.
pub(super) struct Jekyll;

impl Generator for Jekyll {
    fn about(&self) -> &'static str {
        "Jekyll _posts and _drafts"
    }

    fn path(&self, p: &Place<'_>) -> String {
        let slug = p.slug;
        match p.kind {
            "post" if p.draft => format!("_drafts/{slug}.md"),
            "post" => {
                let day = p.date.and_then(|d| d.get(..10)).unwrap_or("1970-01-01");
                format!("_posts/{day}-{slug}.md")
            }
            "page" => format!("{}{slug}/index.md", p.nested("")),
            // Collections need configuration; pages render as they are.
            k => format!("{k}/{slug}/index.md"),
        }
    }

    fn url(&self, path: &str) -> String {
        let p = file_stem(path);
        // `_posts/2010-02-08-slug` is served as `/2010/02/08/slug/`.
        // With a `--path` template the name may be anything: one whose
        // first 11 bytes end inside a character is not taken as dated.
        if let Some((day, slug)) = p
            .strip_prefix("_posts/")
            .filter(|r| r.len() > 11)
            .and_then(|r| r.split_at_checked(11))
        {
            return format!("/{}/{}/", day.trim_end_matches('-').replace('-', "/"), slug);
        }
        dir_url(p.strip_prefix("_drafts").unwrap_or(p))
    }

    fn reserved(&self) -> &'static [&'static str] {
        // Folders Jekyll's default `exclude` leaves out of the site.
        &["node_modules", "vendor", "gemfiles"]
    }

    fn front_matter(&self, e: Entry<'_>) -> Fields {
        let mut f = Fields::default();
        f.put(
            "layout",
            Value::Str(if e.kind == "page" { "page" } else { "post" }.into()),
        );
        f.put("title", Value::Str(e.title));
        f.put_str("date", e.date.as_deref());
        f.put_str("last_modified_at", e.modified.as_deref());
        f.put_list("categories", &e.categories);
        f.put_list("tags", &e.tags);
        for (tax, names) in &e.taxonomies {
            f.put_list(tax, names);
        }
        f.put_str("author", e.author.as_deref());
        f.put_str("excerpt", e.summary.as_deref());
        if e.more {
            f.put("excerpt_separator", Value::Str(self.more().into()));
        }
        f.put("permalink", Value::Str(e.url.to_string()));
        f.put_list("redirect_from", e.aliases);
        f.put_str("image", e.featured.as_deref());
        f.put("render_with_liquid", Value::Bool(false));
        origin_at_top(&mut f, e.origin, e.meta);
        f
    }

    fn static_dir(&self) -> &'static str {
        ""
    }

    fn data_dir(&self) -> &'static str {
        "_data/comments"
    }
}
