//! Untrusted text made safe to publish: the HTML of comments, and the URLs
//! commenters and pinging sites give. Comment HTML is cut down by ammonia
//! to a safe subset: no `script`, `style`, `iframe`, form or SVG element,
//! no event handler or `style` attribute, link and image URLs `http`,
//! `https`, `mailto` or relative only, and every link `rel="nofollow ugc"`,
//! as WordPress marks links in comments. A URL given as a commenter's site
//! or a ping's source is kept only when it is `http`, `https` or `mailto`,
//! and is written so that neither Markdown nor HTML can be broken out of.
//! A link to another host written without a scheme (`//host`, `/\host`,
//! which browsers take as `//host`) is made `https://host`, so that it is
//! plainly an outside link. An excerpt, which the themes show as HTML, is
//! cut down to the same subset, its links left unmarked. The brackets of
//! both are written as character references ([`markdown_inert`]), since
//! Hugo renders an excerpt as Markdown too, and a theme may do the same
//! with comment data.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The schemes a published link may have.
const SCHEMES: &[&str] = &["http", "https", "mailto"];

/// The safe subset, with links marked `rel` (or left as they are).
fn safe_subset(rel: Option<&'static str>) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.url_schemes(SCHEMES.iter().copied().collect::<HashSet<_>>())
        .url_relative(ammonia::UrlRelative::Custom(Box::new(same_host_or_https)))
        .link_rel(rel);
    b
}

/// A relative URL as written when it stays on the site; one that leads to
/// another host (`//host/x`, `/\host/x`, `\\host`, as a browser resolves
/// it) as the `https` URL it is.
fn same_host_or_https(url: &str) -> Option<Cow<'_, str>> {
    static BASE: LazyLock<url::Url> = LazyLock::new(|| url::Url::parse("https://site.invalid/").expect("a URL"));
    let joined = BASE.join(url).ok()?;
    if joined.host_str() == Some("site.invalid") {
        Some(Cow::Borrowed(url))
    } else {
        Some(Cow::Owned(joined.into()))
    }
}

static COMMENT_HTML: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| safe_subset(Some("nofollow ugc")));

static EXCERPT_HTML: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| safe_subset(None));

/// A comment's HTML (after wpautop) with everything that could run or
/// lead anywhere but a web page removed, its text kept.
pub fn comment_html(html: &str) -> String {
    COMMENT_HTML.clean(html).to_string()
}

/// `html` with `[` and `]` written `&#91;` and `&#93;`, which HTML shows
/// as brackets and Markdown takes as text: Hugo, whose Markdown keeps raw
/// HTML (and so any URL), made `[x](javascript:…)` in an excerpt a link
/// that runs.
pub fn markdown_inert(html: String) -> String {
    if html.contains(['[', ']']) {
        html.replace('[', "&#91;").replace(']', "&#93;")
    } else {
        html
    }
}

/// A post's excerpt, which generators show as HTML (Hugo renders the
/// `summary` field as Markdown), cut down to the same safe subset with its
/// links as they are: text without `<` is kept as it is. Made
/// [`markdown_inert`].
pub fn excerpt_html(text: &str) -> String {
    markdown_inert(if text.contains('<') {
        EXCERPT_HTML.clean(text).to_string()
    } else {
        text.to_string()
    })
}

/// `url` when it is an `http`, `https` or `mailto` URL (as a browser
/// parses it), as written, with the characters that end a Markdown link
/// destination or an HTML attribute (`(`, `)`, `<`, `>`, quotes, `\`,
/// `` ` ``, `[`, `]`, `*`, whitespace and controls) percent-encoded. `None`
/// for any other scheme (`javascript:`, `data:`…) and for what is not a
/// URL.
pub fn safe_url(url: &str) -> Option<String> {
    let cleaned = crate::site::clean_url(url);
    let parsed = url::Url::parse(&cleaned).ok()?;
    if !SCHEMES.contains(&parsed.scheme()) {
        return None;
    }
    if parsed.scheme() != "mailto" && parsed.host_str().is_none_or(str::is_empty) {
        return None;
    }
    let mut out = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        if matches!(c, '(' | ')' | '<' | '>' | '"' | '\'' | '\\' | '`' | '[' | ']' | '*')
            || c.is_whitespace()
            || c.is_control()
        {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_keep_their_markup_and_links_and_lose_what_runs() {
        let clean = excerpt_html(
            r#"A <em>short</em> <a href="/x/">one</a> <script>alert("x")</script><img src=x onerror=alert(1)>"#,
        );
        assert_eq!(clean, r#"A <em>short</em> <a href="/x/">one</a> <img src="x">"#);
        assert_eq!(excerpt_html("Plain & simple"), "Plain & simple");
    }

    #[test]
    fn excerpts_have_no_markdown_link_syntax() {
        assert_eq!(
            excerpt_html("[md](javascript:alert(1)) ![i](javascript:x)"),
            "&#91;md&#93;(javascript:alert(1)) !&#91;i&#93;(javascript:x)"
        );
        assert_eq!(
            excerpt_html("<em>[r]</em>\n\n[r]: javascript:alert(1)"),
            "<em>&#91;r&#93;</em>\n\n&#91;r&#93;: javascript:alert(1)"
        );
        // What HTML shows is the text as written.
        let shown: String = scraper::Html::parse_fragment(&excerpt_html(r#"a [b](c) <a href="/x[1]">d</a>"#))
            .root_element()
            .text()
            .collect();
        assert_eq!(shown, "a [b](c) d");
    }

    #[test]
    fn comment_html_keeps_text_and_drops_what_runs() {
        let html = r#"<p>Hi <b>there</b> <a href="https://a.example/" onclick="x()">site</a></p>
<script>alert(1)</script><iframe src="https://evil.example/"></iframe>
<svg onload="alert(2)"><circle/></svg><img src="x.png" onerror="alert(3)">
<a href="javascript:alert(4)">j</a><a href="data:text/html,<script>">d</a>
<p style="position:fixed">styled</p><form action="/x"><input name="q"></form>"#;
        let clean = comment_html(html);
        for gone in [
            "<script",
            "alert(1)",
            "<iframe",
            "<svg",
            "onload",
            "onerror",
            "onclick",
            "javascript:",
            "data:",
            "style=",
            "<form",
            "<input",
        ] {
            assert!(!clean.contains(gone), "{gone} in {clean}");
        }
        for kept in ["Hi <b>there</b>", "site</a>", "styled", "<img src=\"x.png\">", ">j</a>"] {
            assert!(clean.contains(kept), "{kept} not in {clean}");
        }
        assert!(
            clean.contains(r#"<a href="https://a.example/" rel="nofollow ugc">"#),
            "{clean}"
        );
    }

    #[test]
    fn comment_links_to_another_host_say_so() {
        for (href, out) in [
            ("//evil.example/x", "https://evil.example/x"),
            ("/\\evil.example/x", "https://evil.example/x"),
            ("\\\\evil.example", "https://evil.example/"),
            ("/2010/05/post/", "/2010/05/post/"),
            ("post/#c1", "post/#c1"),
        ] {
            let clean = comment_html(&format!(r#"<a href="{href}">l</a>"#));
            assert_eq!(clean, format!(r#"<a href="{out}" rel="nofollow ugc">l</a>"#), "{href}");
        }
        assert_eq!(
            markdown_inert("<p>[a](javascript:x)</p>".into()),
            "<p>&#91;a&#93;(javascript:x)</p>"
        );
    }

    #[test]
    fn only_web_and_mail_urls_are_kept_and_cannot_break_out() {
        assert_eq!(
            safe_url("http://x.example/)[click](javascript:alert(1)").as_deref(),
            Some("http://x.example/%29%5Bclick%5D%28javascript:alert%281%29")
        );
        assert_eq!(
            safe_url(" https://a.example/a b\"c'<d> ").as_deref(),
            Some("https://a.example/a%20b%22c%27%3Cd%3E")
        );
        assert_eq!(safe_url("mailto:me@a.example").as_deref(), Some("mailto:me@a.example"));
        // As written: no slash added, no case changed.
        assert_eq!(
            safe_url("https://Pieter.example.org").as_deref(),
            Some("https://Pieter.example.org")
        );
        assert_eq!(safe_url("java\tscript:alert(1)"), None);
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "//a.example/",
            "/relative",
            "",
            "http://",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?}");
        }
    }
}
