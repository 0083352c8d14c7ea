//! Hugo: page bundles under `content/` (`content/posts/slug/index.md`),
//! a page with child pages a branch bundle (`_index.md`); YAML front
//! matter with `aliases` for the old URLs.
//!
//! Hugo runs shortcodes anywhere in the content, in code too, before the
//! Markdown: `{{< youtube abc >}}` in a comment is run, and a shortcode it
//! does not know (`{{% notice %}}`) or a delimiter never closed stops the
//! build. Each one is written in Hugo's escape, which Hugo shows as the
//! text it escapes: `{{< … >}}` as `{{</* … */>}}` and `{{% … %}}` as
//! `{{%/* … */%}}`, up to the first closing delimiter, as Hugo reads it. A
//! delimiter never closed is escaped up to the end of the content, where
//! the escape's closing delimiter goes in an HTML comment, which Hugo
//! shows as nothing.

use super::{Entry, Generator, Place, SiteInfo, origin_at_top, url_under};
use crate::emit::markdown::front_matter::{Fields, Value, toml};
use std::borrow::Cow;

/// Hugo.
pub(super) struct Hugo;

impl Generator for Hugo {
    fn about(&self) -> &'static str {
        "Hugo page bundles"
    }

    fn feed_url(&self) -> Option<&'static str> {
        Some("/index.xml")
    }

    fn serve(&self) -> Option<&'static str> {
        Some("hugo server")
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

    fn reserved(&self) -> &'static [&'static str] {
        // The posts section and the default taxonomies.
        &["posts", "tags", "categories"]
    }

    fn term_url(&self, taxonomy: &str, name: &str) -> Option<String> {
        let list = super::term_list(taxonomy).or_else(|| declared(taxonomy).then_some(taxonomy))?;
        Some(format!("/{list}/{}/", term_path(&term_name(name))))
    }

    fn front_matter(&self, e: Entry<'_>) -> Fields {
        let mut f = Fields::default();
        f.put("title", Value::Str(e.title));
        f.put_str("date", e.date.as_deref());
        f.put_str("lastmod", e.modified.as_deref());
        f.put("draft", Value::Bool(e.draft));
        if e.sticky {
            f.put("sticky", Value::Bool(true));
        }
        if e.kind == "page" && e.order != 0 {
            f.put("weight", Value::Int(e.order));
        }
        f.put("slug", Value::Str(e.slug.to_string()));
        if e.url != self.url(e.path) {
            f.put("url", Value::Str(e.url.to_string()));
        }
        f.put_list("aliases", e.aliases);
        f.put_str("summary", e.summary.as_deref());
        let terms = |names: &[String]| names.iter().map(|n| term_name(n).into_owned()).collect::<Vec<_>>();
        f.put_list("categories", &terms(&e.categories));
        f.put_list("tags", &terms(&e.tags));
        for (tax, names) in &e.taxonomies {
            f.put_list(tax, &terms(names));
        }
        f.put_str("author", e.author.as_deref());
        if let Some(img) = &e.featured {
            f.put_list("images", std::slice::from_ref(img));
        }
        origin_at_top(&mut f, e.origin, e.meta);
        f
    }

    fn escape<'a>(&self, content: &'a str) -> Cow<'a, str> {
        escape_shortcodes(content)
    }

    fn static_dir(&self) -> &'static str {
        "static/"
    }

    fn data_dir(&self) -> &'static str {
        "data/comments"
    }

    fn project(&self, site: &SiteInfo<'_>) -> Vec<(String, Cow<'static, str>)> {
        let mut files = vec![("hugo.toml".to_string(), Cow::Owned(config(site)))];
        files.extend(
            THEME
                .iter()
                .map(|(path, text)| (format!("themes/wxr/{path}"), Cow::Borrowed(*text))),
        );
        files.push(("themes/wxr/static/wxr.css".to_string(), Cow::Borrowed(super::STYLE)));
        for words in super::words::LANGUAGES {
            let text = toml(&words.text_fields());
            files.push((format!("themes/wxr/i18n/{}.toml", words.key), Cow::Owned(text)));
        }
        files
    }
}

/// wxr's Hugo theme (`themes/wxr/`): home page with the posts (sticky ones
/// first) and pagination, post and page layouts with their terms, the
/// comment threads and pings of `data/comments/`, term lists, a 404 page
/// (Hugo makes the RSS feeds itself); with the style sheet and a
/// translation file for each language of [`super::words::LANGUAGES`].
const THEME: &[(&str, &str)] = &[
    (
        "layouts/_default/baseof.html",
        include_str!("theme/hugo/layouts/_default/baseof.html"),
    ),
    (
        "layouts/_default/single.html",
        include_str!("theme/hugo/layouts/_default/single.html"),
    ),
    (
        "layouts/_default/list.html",
        include_str!("theme/hugo/layouts/_default/list.html"),
    ),
    ("layouts/index.html", include_str!("theme/hugo/layouts/index.html")),
    ("layouts/404.html", include_str!("theme/hugo/layouts/404.html")),
    (
        "layouts/partials/summary.html",
        include_str!("theme/hugo/layouts/partials/summary.html"),
    ),
    (
        "layouts/partials/pager.html",
        include_str!("theme/hugo/layouts/partials/pager.html"),
    ),
    (
        "layouts/partials/date.html",
        include_str!("theme/hugo/layouts/partials/date.html"),
    ),
    (
        "layouts/partials/terms.html",
        include_str!("theme/hugo/layouts/partials/terms.html"),
    ),
    (
        "layouts/partials/comments.html",
        include_str!("theme/hugo/layouts/partials/comments.html"),
    ),
    (
        "layouts/partials/comment.html",
        include_str!("theme/hugo/layouts/partials/comment.html"),
    ),
];

/// `hugo.toml`: the site's title, tagline, language and URL, wxr's theme,
/// the taxonomies the posts use, and raw HTML allowed in the Markdown
/// (wxr keeps embeds, figures and iframes as HTML, which Hugo's default
/// renderer drops).
fn config(site: &SiteInfo<'_>) -> String {
    let mut f = Fields::default();
    f.put("baseURL", Value::Str(site.base_url.to_string()));
    f.put("title", Value::Str(site.title.to_string()));
    if !site.language.is_empty() {
        // Hugo before 0.158 reads `languageCode`, later ones `locale`.
        f.put("languageCode", Value::Str(site.language.to_string()));
        f.put("locale", Value::Str(site.language.to_string()));
    }
    f.put("defaultContentLanguage", Value::Str(site.language_key()));
    f.put("theme", Value::Str("wxr".into()));
    // Hugo before 0.128 reads `paginate`, later ones `pagination`.
    f.put("paginate", Value::Int(10));
    let mut pagination = Fields::default();
    pagination.put("pagerSize", Value::Int(10));
    f.put("pagination", Value::Map(pagination));
    let mut params = Fields::default();
    params.put("description", Value::Str(site.description.to_string()));
    f.put("params", Value::Map(params));
    let mut taxonomies = Fields::default();
    taxonomies.put("category", Value::Str("categories".into()));
    taxonomies.put("tag", Value::Str("tags".into()));
    for t in site.taxonomies.iter().filter(|t| declared(t)) {
        taxonomies.put(t, Value::Str(t.clone()));
    }
    f.put("taxonomies", Value::Map(taxonomies));
    if !site.menu.is_empty() {
        let mut menus = Fields::default();
        menus.put("main", menu(site.menu));
        f.put("menus", Value::Map(menus));
    }
    let mut renderer = Fields::default();
    renderer.put("unsafe", Value::Bool(true));
    let mut goldmark = Fields::default();
    goldmark.put("renderer", Value::Map(renderer));
    // WordPress shows a URL in a post's text as text, not as a link.
    let mut extensions = Fields::default();
    extensions.put("linkify", Value::Bool(false));
    goldmark.put("extensions", Value::Map(extensions));
    let mut markup = Fields::default();
    markup.put("goldmark", Value::Map(goldmark));
    f.put("markup", Value::Map(markup));
    toml(&f)
}

/// Whether a taxonomy (other than categories and tags) is declared in the
/// configuration: when its name can be a folder of the site (a term's
/// pages are under it); any other stays a field of the page.
fn declared(t: &str) -> bool {
    t.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        && !t.starts_with(['_', '-'])
        && !Hugo.reserved().contains(&t)
        && t != "post_format"
}

/// The site's menu as Hugo's `[[menus.main]]` entries, two levels: each
/// with its `weight` (its place), the sub-entries naming their `parent`.
fn menu(links: &[crate::emit::markdown::menus::Link]) -> Value {
    let mut entries = Vec::new();
    let entry = |id: String, link: &crate::emit::markdown::menus::Link, weight: usize, parent: Option<&str>| {
        let mut e = Fields::default();
        e.put("identifier", Value::Str(id));
        e.put("name", Value::Str(link.title.clone()));
        e.put_str("url", link.url.as_deref());
        e.put("weight", Value::Int(weight as i64 + 1));
        e.put_str("parent", parent);
        Value::Map(e)
    };
    for (i, top) in links.iter().enumerate() {
        let id = format!("wxr-{}", i + 1);
        entries.push(entry(id.clone(), top, i, None));
        for (j, child) in top.children.iter().enumerate() {
            entries.push(entry(format!("{id}-{}", j + 1), child, j, Some(&id)));
        }
    }
    Value::List(entries)
}

/// The path Hugo gives a term's page: its name with letters, digits,
/// marks and `.` `_` `~` `+` `@` `-` kept, each run of spaces a `-` (none
/// at the start or after a `-`), the rest dropped, in lower case (Hugo's
/// `MakePathSanitized`); `#`, `%`, `/` and `\` percent-encoded, as the
/// browser must ask for them.
fn term_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let (mut hyphen, mut was_hyphen) = (false, false);
    for c in name.chars() {
        let allowed = matches!(c, '.' | '/' | '\\' | '_' | '#' | '+' | '~' | '-' | '@')
            || crate::transform::slug::letter_digit_or_mark(c);
        if allowed {
            was_hyphen = c == '-';
            if hyphen && !was_hyphen {
                out.push('-');
            }
            hyphen = false;
            match c {
                '#' => out.push_str("%23"),
                '/' => out.push_str("%2F"),
                '\\' => out.push_str("%5C"),
                c => out.extend(c.to_lowercase()),
            }
        } else if !out.is_empty() && !was_hyphen && c.is_whitespace() {
            hyphen = true;
        }
    }
    out
}

/// A term's name as Hugo may take it: Hugo makes the folder of the term's
/// page from the name with its `/` and `.` kept, so `../../dist` would be
/// the page `/dist/` (over an item's), `..` stops the build and `a\b` is a
/// folder Windows refuses. A slash or backslash becomes its look-alike
/// (`TV∕Radio`), dots and spaces at the start go.
fn term_name(name: &str) -> Cow<'_, str> {
    if !name.contains(['/', '\\']) && !name.starts_with(['.', ' ']) {
        return Cow::Borrowed(name);
    }
    let name = name.replace('/', "\u{2215}").replace('\\', "\u{2216}");
    let kept = name.trim_start_matches(['.', ' ']);
    Cow::Owned(if kept.is_empty() {
        "\u{2024}".repeat(name.len())
    } else {
        kept.to_string()
    })
}

/// `content` with each shortcode delimiter in Hugo's escape (see the
/// module's comment).
fn escape_shortcodes(content: &str) -> Cow<'_, str> {
    let mut out = String::new();
    // Bytes of `content` written to `out`, and where to look next.
    let (mut done, mut from) = (0, 0);
    while let Some(found) = content[from..].find("{{") {
        let at = from + found;
        let close = match content.as_bytes().get(at + 2) {
            Some(b'<') => ">}}",
            Some(b'%') => "%}}",
            _ => {
                from = at + 1;
                continue;
            }
        };
        let inside = at + 3;
        out.push_str(&content[done..inside]);
        out.push_str("/*");
        match content[inside..].find(close) {
            Some(n) => {
                out.push_str(&content[inside..inside + n]);
                out.push_str("*/");
                out.push_str(close);
                done = inside + n + close.len();
                from = done;
            }
            None => {
                out.push_str(&content[inside..]);
                out.push_str("\n\n<!-- */");
                out.push_str(close);
                out.push_str(" -->");
                done = content.len();
                break;
            }
        }
    }
    if done == 0 {
        return Cow::Borrowed(content);
    }
    out.push_str(&content[done..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{escape_shortcodes, term_name};

    #[test]
    fn term_names_make_no_folder_outside_their_taxonomy() {
        for (name, given) in [
            ("Café au lait", "Café au lait"),
            ("TV/Radio", "TV∕Radio"),
            ("../../dist", "∕..∕dist"),
            ("..", "․․"),
            (".hidden", "hidden"),
            ("C:\\x", "C:∖x"),
        ] {
            assert_eq!(term_name(name), given, "{name:?}");
        }
    }

    #[test]
    fn shortcode_delimiters_are_escaped() {
        for (content, escaped) in [
            ("no shortcode {{ here }} {{", "no shortcode {{ here }} {{"),
            ("{{< youtube abc >}}", "{{</* youtube abc */>}}"),
            (
                "`{{% notice %}}` and {{%notice%}}",
                "`{{%/* notice */%}}` and {{%/*notice*/%}}",
            ),
            ("{{< a {{% b %}} >}} c >}}", "{{</* a {{% b %}} */>}} c >}}"),
            ("{{{< x >}}}", "{{{</* x */>}}}"),
            ("{{<>}}", "{{</**/>}}"),
            // Hugo's own escape, in the text: shown as written.
            ("{{</* x */>}}", "{{</*/* x */*/>}}"),
            ("{{< x */>}}", "{{</* x */*/>}}"),
            ("a {{< b\n\n```\n{{% c >}}\n```", "a {{</* b\n\n```\n{{% c */>}}\n```"),
            // Never closed.
            (
                "a {{< b\n\n```\n{{% c\n```",
                "a {{</* b\n\n```\n{{% c\n```\n\n<!-- */>}} -->",
            ),
            ("{{% a >}} b", "{{%/* a >}} b\n\n<!-- */%}} -->"),
        ] {
            assert_eq!(escape_shortcodes(content), escaped, "{content:?}");
        }
    }
}
