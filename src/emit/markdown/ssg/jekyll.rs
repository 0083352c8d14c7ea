//! Jekyll: posts in `_posts/YYYY-MM-DD-slug.md` (served at
//! `/YYYY/MM/DD/slug/`), drafts in `_drafts/`, pages at their paths; YAML
//! front matter with a `permalink` and `redirect_from` (the
//! jekyll-redirect-from plugin) for the old URLs.
//!
//! Jekyll runs Liquid over every page, where `{% for x in y %}` in a post
//! stops the build and `{{ "now" | date: "%Y" }}` prints the year: each file
//! says `render_with_liquid: false` (Jekyll 4.0 and later), which turns
//! Liquid off for the page and the excerpt Jekyll makes from it.

use super::{Entry, Generator, Place, SiteInfo, dir_url, file_stem, origin_at_top};
use crate::emit::markdown::front_matter::{Fields, Value, yaml};
use crate::emit::markdown::redirects::encode_path;
use std::borrow::Cow;

/// Jekyll.
pub(super) struct Jekyll;

impl Generator for Jekyll {
    fn about(&self) -> &'static str {
        "Jekyll _posts and _drafts"
    }

    fn feed_url(&self) -> Option<&'static str> {
        Some("/feed.xml")
    }

    fn serve(&self) -> Option<&'static str> {
        Some("bundle install && bundle exec jekyll serve")
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
        // Folders Jekyll's default `exclude` leaves out of the site, and
        // the term lists of wxr's theme.
        &["node_modules", "vendor", "gemfiles", "categories", "tags"]
    }

    fn taken(&self, name: &str) -> bool {
        // Jekyll leaves out every path that starts with an exclude:
        // `node_modules-2` too.
        ["node_modules", "vendor", "gemfiles"]
            .iter()
            .any(|x| name.starts_with(x))
            || self.reserved().contains(&name)
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
        // jekyll-redirect-from percent-decodes the path itself.
        let aliases: Vec<String> = e.aliases.iter().map(|a| encode_path(a)).collect();
        f.put_list("redirect_from", &aliases);
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
    fn project(&self, site: &SiteInfo<'_>) -> Vec<(String, Cow<'static, str>)> {
        let mut files = vec![("_config.yml".to_string(), Cow::Owned(config(site)))];
        files.extend(
            THEME
                .iter()
                .map(|(path, text)| (path.to_string(), Cow::Borrowed(*text))),
        );
        files.push(("assets/wxr.css".to_string(), Cow::Borrowed(super::STYLE)));
        let text = yaml(&site.words().fields()).unwrap_or_default();
        files.push(("_data/wxr.yml".to_string(), Cow::Owned(text)));
        if !site.menu.is_empty() {
            let text = yaml(&site.menu_value()).unwrap_or_default();
            files.push(("_data/navigation.yml".to_string(), Cow::Owned(text)));
        }
        files
    }
}

/// wxr's Jekyll theme: the home page with the posts and pagination
/// (jekyll-paginate), post and page layouts with their terms, the comment
/// threads and pings of `_data/comments/`, the category and tag lists, a
/// 404 page, and a `Gemfile` with the plugins the site uses (the feed is
/// jekyll-feed's `feed.xml`). Jekyll does not escape what a layout shows:
/// every value but the sanitized comment text is escaped there.
const THEME: &[(&str, &str)] = &[
    ("Gemfile", include_str!("theme/jekyll/Gemfile")),
    (
        "_layouts/default.html",
        include_str!("theme/jekyll/_layouts/default.html"),
    ),
    ("_layouts/post.html", include_str!("theme/jekyll/_layouts/post.html")),
    ("_layouts/page.html", include_str!("theme/jekyll/_layouts/page.html")),
    ("_includes/date.html", include_str!("theme/jekyll/_includes/date.html")),
    (
        "_includes/comments.html",
        include_str!("theme/jekyll/_includes/comments.html"),
    ),
    (
        "_includes/comment.html",
        include_str!("theme/jekyll/_includes/comment.html"),
    ),
    ("index.html", include_str!("theme/jekyll/index.html")),
    ("404.html", include_str!("theme/jekyll/404.html")),
    (
        "categories/index.html",
        include_str!("theme/jekyll/categories/index.html"),
    ),
    ("tags/index.html", include_str!("theme/jekyll/tags/index.html")),
];

/// `_config.yml`: the site's title, tagline, language and URL, the
/// plugins (old URLs, feed, pagination) and ten posts a page.
fn config(site: &SiteInfo<'_>) -> String {
    let mut f = Fields::default();
    f.put("title", Value::Str(site.title.to_string()));
    f.put("description", Value::Str(site.description.to_string()));
    f.put("lang", Value::Str(site.language_key()));
    f.put("url", Value::Str(site.base_url.trim_end_matches('/').to_string()));
    f.put("baseurl", Value::Str(String::new()));
    let plugins = ["jekyll-redirect-from", "jekyll-feed", "jekyll-paginate"];
    f.put(
        "plugins",
        Value::List(plugins.iter().map(|p| Value::Str(p.to_string())).collect()),
    );
    f.put("paginate", Value::Int(10));
    f.put("paginate_path", Value::Str("/page/:num/".into()));
    let exclude = ["Gemfile", "Gemfile.lock"];
    f.put(
        "exclude",
        Value::List(exclude.iter().map(|p| Value::Str(p.to_string())).collect()),
    );
    yaml(&f).unwrap_or_default()
}
