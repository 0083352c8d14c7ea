//! Astro content collections: posts in `src/content/blog/`, pages in
//! `src/content/pages/`, served without the `src/content` prefix; YAML
//! front matter with the blog template's `pubDate`, `updatedDate` and
//! `heroImage`.
//!
//! wxr writes the project around them: `package.json`, `astro.config.mjs`
//! with the site's URL, one collection per folder and the comment data
//! (`src/content.config.ts`), and pages that show every entry at the URL of
//! its file, the paginated home page, the category and tag lists, an Atom
//! feed and a 404 page. Astro escapes every value a page shows but the
//! sanitized comment text, the excerpts and the content.

use super::{Entry, Generator, Place, SiteInfo, origin_at_top, url_under};
use crate::emit::markdown::front_matter::{Fields, Value, json};
use std::borrow::Cow;

/// Astro.
pub(super) struct Astro;

impl Generator for Astro {
    fn about(&self) -> &'static str {
        "Astro content collections"
    }

    fn feed_url(&self) -> Option<&'static str> {
        Some("/feed.xml")
    }

    fn serve(&self) -> Option<&'static str> {
        Some("npm install && npm run dev")
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
        if e.sticky {
            f.put("sticky", Value::Bool(true));
        }
        f.put_list("categories", &e.categories);
        f.put_list("tags", &e.tags);
        // Pages of their own that lead here (wxr's [...slug].astro).
        f.put_list("aliases", e.aliases);
        f.put_str("author", e.author.as_deref());
        f.put_str("heroImage", e.featured.as_deref());
        if e.url != self.url(e.path) {
            f.put("permalink", Value::Str(e.url.to_string()));
        }
        origin_at_top(&mut f, e.origin, e.meta);
        f
    }

    fn static_dir(&self) -> &'static str {
        "public/"
    }

    fn data_dir(&self) -> &'static str {
        "src/data/comments"
    }
    fn reserved(&self) -> &'static [&'static str] {
        // The collection of the comment data, and the theme's lists.
        &["comments", "page", "categories", "tags"]
    }

    fn project(&self, site: &SiteInfo<'_>) -> Vec<(String, Cow<'static, str>)> {
        let mut files: Vec<(String, Cow<'static, str>)> = THEME
            .iter()
            .map(|(path, text)| (path.to_string(), Cow::Borrowed(*text)))
            .collect();
        files.push(("public/wxr.css".to_string(), Cow::Borrowed(super::STYLE)));
        let url = site.base_url.trim_end_matches('/');
        let config = format!(
            "import {{ defineConfig }} from \"astro/config\";\n\nexport default defineConfig({{ site: {} }});\n",
            serde_json::to_string(if url.is_empty() { "http://localhost" } else { url }).unwrap_or_default()
        );
        files.push(("astro.config.mjs".to_string(), Cow::Owned(config)));
        let mut about = site.fields();
        about.put("words", Value::Map(site.words().fields()));
        about.put("menu", site.menu_value());
        let text = json(&about).unwrap_or_default();
        files.push(("src/wxr.json".to_string(), Cow::Owned(text)));
        files
    }
}

/// wxr's Astro project (see the module's comment).
const THEME: &[(&str, &str)] = &[
    ("package.json", include_str!("theme/astro/package.json")),
    (
        "src/content.config.ts",
        include_str!("theme/astro/src/content.config.ts"),
    ),
    ("src/wxr.ts", include_str!("theme/astro/src/wxr.ts")),
    (
        "src/layouts/Base.astro",
        include_str!("theme/astro/src/layouts/Base.astro"),
    ),
    (
        "src/components/Thread.astro",
        include_str!("theme/astro/src/components/Thread.astro"),
    ),
    (
        "src/components/Comments.astro",
        include_str!("theme/astro/src/components/Comments.astro"),
    ),
    (
        "src/components/Summaries.astro",
        include_str!("theme/astro/src/components/Summaries.astro"),
    ),
    (
        "src/components/Redirect.astro",
        include_str!("theme/astro/src/components/Redirect.astro"),
    ),
    (
        "src/pages/[...slug].astro",
        include_str!("theme/astro/src/pages/[...slug].astro"),
    ),
    (
        "src/pages/index.astro",
        include_str!("theme/astro/src/pages/index.astro"),
    ),
    (
        "src/pages/page/[page].astro",
        include_str!("theme/astro/src/pages/page/[page].astro"),
    ),
    ("src/pages/404.astro", include_str!("theme/astro/src/pages/404.astro")),
    (
        "src/pages/categories.astro",
        include_str!("theme/astro/src/pages/categories.astro"),
    ),
    ("src/pages/tags.astro", include_str!("theme/astro/src/pages/tags.astro")),
    (
        "src/pages/feed.xml.ts",
        include_str!("theme/astro/src/pages/feed.xml.ts"),
    ),
];
