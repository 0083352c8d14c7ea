//! Zola: `content/posts/slug.md` and `content/pages/…`, a page with child
//! pages a section (`_index.md`); TOML front matter, where only Zola's own
//! keys may stand at the top: terms go under `taxonomies`, wxr's fields
//! under `extra`, and a section's page fields (dates, terms) under
//! `extra` too. The summary divider is `<!-- more -->`.
//!
//! Zola runs shortcodes anywhere in the content, in code too, before the
//! Markdown: `{{ name(key=value, …) }}`, and `{% name(…) %}` with a body up
//! to `{% end %}`; one it does not know, and a body shortcode or an
//! `{% end %}` alone, stop the build. Everything else (`{{ "now" | date }}`,
//! `{% for x in y %}`) is text to it. Each shortcode, as Zola's grammar
//! reads it, is written in Zola's escape, which Zola shows as the text it
//! escapes: `{{/* … */}}`, and a body's `{%/* … */%}` and `{%/* end */%}`,
//! whose text Zola shows as it is. A body shortcode or an `{% end %}` alone
//! gets the other half in an HTML comment, and an empty body an empty
//! comment, which Zola shows as nothing. Not shown as written: Zola's
//! escape in the text itself (shown as what it escapes), a `*/}}` or `*/%}`
//! in a string argument (Zola's escape ends there), and arrays nested more
//! than [`MAX_ARRAY_DEPTH`] deep, taken as text; and an escaped body whose
//! shortcodes inside mix the two forms does not build.

use super::{Entry, Generator, Place, SiteInfo, url_under};
use crate::emit::markdown::front_matter::{Fields, Syntax, Value, toml};
use std::borrow::Cow;

/// wxr's Zola theme, in Tera: the home page with the latest posts, the
/// posts' section paginated, post and page layouts with their terms and the
/// comment threads and pings of `data/comments/` (`load_data`), term lists
/// and pages, a 404 page; Zola makes the Atom feed. Tera escapes every
/// value but the sanitized comment text, the excerpts and the content.
const THEME: &[(&str, &str)] = &[
    ("templates/base.html", include_str!("theme/zola/templates/base.html")),
    (
        "templates/macros.html",
        include_str!("theme/zola/templates/macros.html"),
    ),
    ("templates/page.html", include_str!("theme/zola/templates/page.html")),
    (
        "templates/section.html",
        include_str!("theme/zola/templates/section.html"),
    ),
    ("templates/index.html", include_str!("theme/zola/templates/index.html")),
    (
        "templates/taxonomy_list.html",
        include_str!("theme/zola/templates/taxonomy_list.html"),
    ),
    (
        "templates/taxonomy_single.html",
        include_str!("theme/zola/templates/taxonomy_single.html"),
    ),
    ("templates/404.html", include_str!("theme/zola/templates/404.html")),
    // An old URL's page: a refresh, with the URL escaped (Zola's own puts
    // it unescaped in a script).
    (
        "templates/internal/alias.html",
        include_str!("theme/zola/templates/internal/alias.html"),
    ),
];

/// `config.toml`: the site's title, tagline, language and URL, every
/// taxonomy the pages use (Zola refuses any other), WordPress's Unicode
/// slugs kept as they are, the Atom feed, links to missing anchors only
/// warned about (old posts link to their old theme's `#wrapper`), and the
/// theme's words.
fn config(site: &SiteInfo<'_>) -> String {
    let mut f = Fields::default();
    let url = site.base_url.trim_end_matches('/');
    f.put(
        "base_url",
        Value::Str(if url.is_empty() { "/".into() } else { url.to_string() }),
    );
    f.put("title", Value::Str(site.title.to_string()));
    f.put("description", Value::Str(site.description.to_string()));
    f.put("default_language", Value::Str(site.language_key()));
    f.put("compile_sass", Value::Bool(false));
    f.put("build_search_index", Value::Bool(false));
    f.put("generate_feeds", Value::Bool(true));
    f.put("feed_filenames", Value::List(vec![Value::Str("atom.xml".into())]));
    let names = ["categories", "tags"]
        .into_iter()
        .map(str::to_string)
        .chain(site.taxonomies.iter().cloned());
    let taxonomies = names
        .map(|name| {
            let mut t = Fields::default();
            t.put("name", Value::Str(name));
            Value::Map(t)
        })
        .collect();
    f.put("taxonomies", Value::List(taxonomies));
    let mut slugify = Fields::default();
    slugify.put("paths", Value::Str("safe".into()));
    f.put("slugify", Value::Map(slugify));
    let mut links = Fields::default();
    links.put("internal_level", Value::Str("warn".into()));
    f.put("link_checker", Value::Map(links));
    let mut w = Fields::default();
    w.put("lang", Value::Str(site.language_key()));
    w.0.extend(site.words().fields().0);
    let mut extra = Fields::default();
    extra.put("wxr", Value::Map(w));
    if !site.menu.is_empty() {
        extra.put("menu", site.menu_value());
    }
    f.put("extra", Value::Map(extra));
    toml(&f)
}

/// The path Zola gives a term's page (its `slugify.taxonomies = "on"`,
/// the `slug` crate): transliterated to ASCII, lower case, every run of
/// other characters than `a-z` and `0-9` a `-`, none at either end.
fn slugify(name: &str) -> String {
    super::dashed(name.chars().flat_map(|c| {
        let ascii = if c.is_ascii() {
            c.to_string()
        } else {
            deunicode::deunicode_char(c).unwrap_or("-").to_string()
        };
        ascii.chars().collect::<Vec<char>>()
    }))
}

/// Zola.
pub(super) struct Zola;

impl Generator for Zola {
    fn about(&self) -> &'static str {
        "Zola content with TOML front matter"
    }

    fn feed_url(&self) -> Option<&'static str> {
        Some("/atom.xml")
    }

    fn serve(&self) -> Option<&'static str> {
        Some("zola serve")
    }

    fn term_url(&self, taxonomy: &str, name: &str) -> Option<String> {
        Some(format!("/{}/{}/", super::term_list(taxonomy)?, slugify(name)))
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

    fn sets_url(&self, path: &str) -> bool {
        // A section's URL is its folder.
        !path.ends_with("/_index.md")
    }

    fn reserved(&self) -> &'static [&'static str] {
        // The sections wxr writes, and the default taxonomies.
        &["posts", "pages", "tags", "categories"]
    }

    fn syntax(&self) -> Syntax {
        Syntax::Toml
    }

    fn front_matter(&self, e: Entry<'_>) -> Fields {
        let mut f = Fields::default();
        let draft = e.draft;
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
            f.put_list("aliases", e.aliases);
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
            if e.url != self.url(e.path) {
                // Zola's `path` has no leading slash.
                f.put("path", Value::Str(e.url.trim_start_matches('/').to_string()));
            }
            f.put_list("aliases", e.aliases);
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
        let mut files = vec![("config.toml".to_string(), Cow::Owned(config(site)))];
        files.extend(
            THEME
                .iter()
                .map(|(path, text)| (path.to_string(), Cow::Borrowed(*text))),
        );
        files.push(("static/wxr.css".to_string(), Cow::Borrowed(super::STYLE)));
        // The posts' section, which the home page and the feed list.
        let posts = "+++\nsort_by = \"date\"\npaginate_by = 10\n+++\n";
        files.push(("content/posts/_index.md".to_string(), Cow::Borrowed(posts)));
        files
    }
}

/// Array arguments nested deeper than this are taken as text (the grammar
/// is matched by recursion).
pub(super) const MAX_ARRAY_DEPTH: usize = 32;

/// What a shortcode delimiter opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `{{ name(…) }}`.
    Inline,
    /// `{% name(…) %}`, a body's start.
    Start,
    /// `{% end %}`.
    End,
}

/// A shortcode delimiter of the content, `at..end`.
#[derive(Debug, Clone, Copy)]
struct Token {
    at: usize,
    end: usize,
    kind: Kind,
    /// Already in Zola's escape (`{{/*`, `{%/*`).
    escaped: bool,
}

/// `content` with its shortcodes in Zola's escape (see the module's
/// comment).
fn escape_shortcodes(content: &str) -> Cow<'_, str> {
    let tokens = tokens(content);
    if tokens.iter().all(|t| t.escaped && t.kind == Kind::Inline) {
        return Cow::Borrowed(content);
    }
    // A body's start and its end, by a stack: what is between them is
    // balanced.
    let mut partner: Vec<Option<usize>> = vec![None; tokens.len()];
    let mut open = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            Kind::Start => open.push(i),
            Kind::End => {
                if let Some(s) = open.pop() {
                    partner[s] = Some(i);
                    partner[i] = Some(s);
                }
            }
            Kind::Inline => {}
        }
    }
    // Empty bodies (Zola needs at least a character) get an empty comment.
    let empty = |i: usize| partner[i].is_some_and(|e| e > i && tokens[e].at == tokens[i].end);
    let mut out = String::with_capacity(content.len() + 16);
    let mut done = 0;
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        out.push_str(&content[done..t.at]);
        match (t.kind, partner[i]) {
            (Kind::Start, Some(e)) if e > i => {
                // Zola shows an escaped body as it is: only the delimiters
                // around it are escaped.
                escaped(&mut out, content, t);
                let mut inner = t.end;
                for j in i..e {
                    if empty(j) {
                        out.push_str(&content[inner..tokens[j].end]);
                        out.push_str("<!-- -->");
                        inner = tokens[j].end;
                    }
                }
                out.push_str(&content[inner..tokens[e].at]);
                escaped(&mut out, content, &tokens[e]);
                done = tokens[e].end;
                i = e + 1;
                continue;
            }
            (Kind::Start, _) => {
                escaped(&mut out, content, t);
                out.push_str("<!--{%/* end */%}-->");
            }
            (Kind::End, _) => {
                out.push_str("<!--{%/* wxr() */%}-->");
                escaped(&mut out, content, t);
            }
            (Kind::Inline, _) => escaped(&mut out, content, t),
        }
        done = t.end;
        i += 1;
    }
    out.push_str(&content[done..]);
    Cow::Owned(out)
}

/// Appends the delimiter `t` in Zola's escape: `/*` after its opening two
/// characters, `*/` before its closing two.
fn escaped(out: &mut String, content: &str, t: &Token) {
    let text = &content[t.at..t.end];
    if t.escaped {
        out.push_str(text);
    } else {
        out.push_str(&text[..2]);
        out.push_str("/*");
        out.push_str(&text[2..text.len() - 2]);
        out.push_str("*/");
        out.push_str(&text[text.len() - 2..]);
    }
}

/// The shortcode delimiters of `content`, in order, as Zola's grammar
/// (`content.pest`) finds them: a delimiter's text is not searched again.
fn tokens(content: &str) -> Vec<Token> {
    let b = content.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'{', &b[i..]) {
        let at = i + found;
        match token_at(b, at) {
            Some(t) => {
                i = t.end;
                out.push(t);
            }
            None => i = at + 1,
        }
    }
    out
}

/// The shortcode delimiter at `at`, if one starts there.
fn token_at(b: &[u8], at: usize) -> Option<Token> {
    let curly = match b.get(at + 1)? {
        b'{' => true,
        b'%' => false,
        _ => return None,
    };
    let mut c = Grammar { b, i: at + 2 };
    let escaped = c.eat(b"/*");
    let close: &[u8] = match (curly, escaped) {
        (true, false) => b"}}",
        (true, true) => b"*/}}",
        (false, false) => b"%}",
        (false, true) => b"*/%}",
    };
    c.ws();
    let body = c.i;
    let kind = if !curly && c.eat(b"end") && c.ws() && c.eat(close) {
        Kind::End
    } else {
        c.i = body;
        if !(c.sc_def() && c.ws() && c.eat(close)) {
            return None;
        }
        if curly { Kind::Inline } else { Kind::Start }
    };
    // Two ASCII characters close every delimiter: `end` is on a character
    // boundary.
    Some(Token {
        at,
        end: c.i,
        kind,
        escaped,
    })
}

/// Zola's shortcode grammar, matched from `i` as pest does (ordered
/// choice, greedy repetition, whitespace between tokens): each rule moves
/// `i` past what it matched, or fails and leaves `i` anywhere.
struct Grammar<'a> {
    b: &'a [u8],
    i: usize,
}

impl Grammar<'_> {
    fn eat(&mut self, t: &[u8]) -> bool {
        let found = self.b[self.i..].starts_with(t);
        if found {
            self.i += t.len();
        }
        found
    }

    /// Whitespace, any amount; always true (to chain).
    fn ws(&mut self) -> bool {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
        true
    }

    fn eat_while(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let n = self.b[self.i..].iter().take_while(|&&c| f(c)).count();
        self.i += n;
        n
    }

    /// `ident ~ "(" ~ kwargs* ~ ")"`.
    fn sc_def(&mut self) -> bool {
        if !(self.ident() && self.ws() && self.eat(b"(")) {
            return false;
        }
        loop {
            let before = self.i;
            if !(self.ws() && self.kwargs()) {
                self.i = before;
                break;
            }
        }
        self.ws() && self.eat(b")")
    }

    /// `kwarg ~ ("," ~ kwarg)*`.
    fn kwargs(&mut self) -> bool {
        if !self.kwarg() {
            return false;
        }
        loop {
            let before = self.i;
            if !(self.ws() && self.eat(b",") && self.ws() && self.kwarg()) {
                self.i = before;
                return true;
            }
        }
    }

    /// `ident ~ "=" ~ literal`.
    fn kwarg(&mut self) -> bool {
        self.ident() && self.ws() && self.eat(b"=") && self.ws() && self.literal(0)
    }

    /// `('a'..'z' | 'A'..'Z' | "_") ~ ('a'..'z' | 'A'..'Z' | "_" | '0'..'9')*`.
    fn ident(&mut self) -> bool {
        let first = self
            .b
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
        first && self.eat_while(|c| c.is_ascii_alphanumeric() || c == b'_') > 0
    }

    /// `boolean | string | float | int | array`.
    fn literal(&mut self, depth: usize) -> bool {
        let before = self.i;
        let alternatives: [&dyn Fn(&mut Self) -> bool; 5] = [
            &|g| g.eat(b"true") || g.eat(b"false"),
            &Self::string,
            &Self::float,
            &Self::int,
            &|g| g.array(depth),
        ];
        for alternative in alternatives {
            if alternative(self) {
                return true;
            }
            self.i = before;
        }
        false
    }

    /// Between two double quotes, single quotes or backquotes.
    fn string(&mut self) -> bool {
        let Some(&quote @ (b'"' | b'\'' | b'`')) = self.b.get(self.i) else {
            return false;
        };
        match memchr::memchr(quote, &self.b[self.i + 1..]) {
            Some(n) => {
                self.i += n + 2;
                true
            }
            None => false,
        }
    }

    /// `"-"? ~ ("0" ~ "." ~ digit+ | '1'..'9' ~ digit* ~ "." ~ digit+)`.
    fn float(&mut self) -> bool {
        self.eat(b"-");
        let whole = if self.eat(b"0") {
            true
        } else {
            self.b.get(self.i).is_some_and(|c| (b'1'..=b'9').contains(c)) && self.eat_while(|c| c.is_ascii_digit()) > 0
        };
        whole && self.eat(b".") && self.eat_while(|c| c.is_ascii_digit()) > 0
    }

    /// `"-"? ~ ("0" | '1'..'9' ~ digit*)`.
    fn int(&mut self) -> bool {
        self.eat(b"-");
        self.eat(b"0")
            || (self.b.get(self.i).is_some_and(|c| (b'1'..=b'9').contains(c))
                && self.eat_while(|c| c.is_ascii_digit()) > 0)
    }

    /// `"[" ~ (literal ~ ",")* ~ literal? ~ "]"`. The literal that ends
    /// the repetition (one not followed by `,`) is the optional one: it is
    /// matched once, not again (twice per level is exponential in the
    /// depth).
    fn array(&mut self, depth: usize) -> bool {
        if depth >= MAX_ARRAY_DEPTH || !self.eat(b"[") {
            return false;
        }
        loop {
            let before = self.i;
            if !(self.ws() && self.literal(depth + 1)) {
                self.i = before;
                break;
            }
            let after = self.i;
            if !(self.ws() && self.eat(b",")) {
                self.i = after;
                break;
            }
        }
        self.ws() && self.eat(b"]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcodes_are_escaped() {
        for (content, escaped) in [
            // Text to Zola.
            (
                r#"{{ "now" | date: "%Y" }} {% for x in y %}{% endfor %} {{ a }} {% raw %} {{ a(1) }} {{ a(b=c) }}"#,
                None,
            ),
            (r#"{{ youtube(id="abc") }}"#, Some(r#"{{/* youtube(id="abc") */}}"#)),
            (
                "{{super()}} {{ a( b = -1.5 , c=[1, 'x', [true],], d=`e`)\n}}",
                Some("{{/*super()*/}} {{/* a( b = -1.5 , c=[1, 'x', [true],], d=`e`)\n*/}}"),
            ),
            // Not a literal: `01`, `1.`, `truex`.
            ("{{ a(b=01) }} {{ a(b=1.) }} {{ a(b=truex) }}", None),
            // Already escaped: as it is.
            ("{{/* a() */}}", None),
            (
                "{% note(kind=\"tip\") %}a {{ b() }} body{% end %}",
                Some("{%/* note(kind=\"tip\") */%}a {{ b() }} body{%/* end */%}"),
            ),
            (
                "{% a() %}{% b() %} x {% end %}{% end %}",
                Some("{%/* a() */%}{% b() %} x {% end %}{%/* end */%}"),
            ),
            ("{% a() %}{% end %}", Some("{%/* a() */%}<!-- -->{%/* end */%}")),
            (
                "{% a() %}{% b() %}{% end %}{% end %}",
                Some("{%/* a() */%}{% b() %}<!-- -->{% end %}{%/* end */%}"),
            ),
            ("a lone {% end %}.", Some("a lone <!--{%/* wxr() */%}-->{%/* end */%}.")),
            (
                "{% a() %} never ended",
                Some("{%/* a() */%}<!--{%/* end */%}--> never ended"),
            ),
            (
                "{%end%} {% a() %}",
                Some("<!--{%/* wxr() */%}-->{%/*end*/%} {%/* a() */%}<!--{%/* end */%}-->"),
            ),
        ] {
            let got = escape_shortcodes(content);
            assert_eq!(got, escaped.unwrap_or(content), "{content:?}");
            assert_eq!(matches!(got, Cow::Borrowed(_)), escaped.is_none(), "{content:?}");
        }
    }

    #[test]
    fn deep_or_unterminated_arguments_neither_hang_nor_overflow() {
        let deep = format!("{{{{ a(b={}1{}) }}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(escape_shortcodes(&deep), deep);
        let fine = format!(
            "{{{{ a(b={}1{}) }}}}",
            "[".repeat(MAX_ARRAY_DEPTH),
            "]".repeat(MAX_ARRAY_DEPTH)
        );
        assert!(escape_shortcodes(&fine).starts_with("{{/*"));
        let open = "{{ a(b=\"".repeat(20_000);
        assert_eq!(escape_shortcodes(&open), open);
    }
}
