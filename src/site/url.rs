//! URLs as the site index compares them: the pre-clean of stored URLs
//! ([`clean_url`]), host and path normalization, the deduplication key of
//! source URLs ([`source_key`]) and the URL extraction WordPress runs on post
//! content ([`extract_urls`]). The host classifications that keep the
//! audit from fetching staging or reserved hosts are the HTTP client's
//! ([`crate::http::is_private_host`], [`crate::http::is_reserved_host`]).

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;
pub use url::Url;

/// Parses a stored URL (pre-cleaned), relative to `base` when given; only
/// `http` and `https` URLs.
pub(super) fn parse_http(raw: &str, base: Option<&str>) -> Option<Url> {
    let raw = clean_url(raw);
    let url = match base {
        Some(base) => Url::parse(&clean_url(base)).ok()?.join(&raw).ok()?,
        None => Url::parse(&raw).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The normalized host (and port) of a parsed URL.
pub(super) fn host_key(url: &Url) -> Option<String> {
    let host = url.host_str().filter(|h| !h.is_empty())?;
    Some(host_with_port(host, url.port()))
}

/// One trailing dot and one leading `www.` removed; ports other than 80
/// and 443 kept as `:port`. `host` is already lowercase ASCII.
fn host_with_port(host: &str, port: Option<u16>) -> String {
    let host = host.strip_suffix('.').unwrap_or(host);
    let host = host
        .strip_prefix("www.")
        .filter(|rest| !rest.is_empty())
        .unwrap_or(host);
    match port {
        Some(port) if port != 80 && port != 443 => format!("{host}:{port}"),
        _ => host.to_string(),
    }
}

/// The normalized host (and port) of an absolute `http(s)` URL, as the
/// index compares hosts ([`normalize_host`]).
pub fn host_of(url: &str) -> Option<String> {
    host_key(&parse_http(url, None)?)
}

/// The URL without WordPress's resize suffix: `a-300x200.jpg` → `a.jpg`.
pub fn original_size(url: &str) -> Option<String> {
    let (stem, ext) = url.rsplit_once('.')?;
    let (base, size) = stem.rsplit_once('-')?;
    let (w, h) = size.split_once('x')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    (digits(w) && digits(h) && !ext.contains('/')).then(|| format!("{base}.{ext}"))
}

/// Host normalization: lowercase, IDNA to ASCII, one trailing dot removed,
/// one leading `www.` removed. A port other than 80 and 443 is kept as
/// `:port`. Accepts a bare host (`Blog.Example:8080`) or a URL.
pub fn normalize_host(host: &str) -> String {
    let host = host.trim();
    let parsed = if host.contains("://") {
        Url::parse(host).ok()
    } else {
        Url::parse(&format!("http://{host}/")).ok()
    };
    match parsed.as_ref().and_then(host_key) {
        Some(key) => key,
        None => host_with_port(&host.to_lowercase(), None),
    }
}

/// Pre-clean of a stored URL: ASCII whitespace and control characters
/// trimmed (and control characters inside removed); wrapping `<…>` or
/// quotes stripped; `&amp;`, `&#038;` and `&#38;` decoded once.
pub fn clean_url(raw: &str) -> String {
    let junk = |c: char| c.is_ascii_whitespace() || c.is_ascii_control();
    let mut s = raw.trim_matches(junk);
    while let Some(inner) = [('<', '>'), ('"', '"'), ('\'', '\'')]
        .into_iter()
        .find_map(|(open, close)| s.strip_prefix(open)?.strip_suffix(close))
    {
        s = inner.trim_matches(junk);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        out.push('&');
        let tail = &rest[pos..];
        let len = ["&amp;", "&#038;", "&#38;"]
            .into_iter()
            .find(|e| tail.starts_with(e))
            .map_or(1, str::len);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out.retain(|c| !c.is_ascii_control());
    out
}

/// A positive decimal id, digits only.
pub(super) fn positive_id(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|&n: &i64| n > 0)
}

/// The id of a `?p=N`, `?page_id=N` or `?attachment_id=N` URL.
pub(super) fn query_id(url: &Url) -> Option<i64> {
    url.query_pairs()
        .filter(|(name, _)| matches!(name.as_ref(), "p" | "page_id" | "attachment_id"))
        .find_map(|(_, value)| positive_id(&value))
}

/// Percent-decoded (when that gives UTF-8, else as it is), NFC, lowercase.
fn decode_lower(s: &str) -> String {
    match String::from_utf8(crate::transform::slug::percent_decode(s)) {
        Ok(decoded) => decoded.nfc().collect::<String>().to_lowercase(),
        Err(_) => s.to_lowercase(),
    }
}

/// A path as its normalized segments: decoded, lowercase, no empty ones.
pub(super) fn path_segments(path: &str) -> Vec<String> {
    decode_lower(path)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A slug as the slug index holds it: decoded, lowercase, `__trashed`
/// removed.
pub(super) fn normalize_slug(slug: &str) -> String {
    let slug = decode_lower(slug.trim().trim_matches('/'));
    slug.strip_suffix("__trashed").unwrap_or(&slug).to_string()
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The path without one suffix group (feed, AMP, pagination…), most
/// specific first; never the empty path.
pub(super) fn strip_suffixes(segs: &[String]) -> Vec<Vec<String>> {
    let n = segs.len();
    let mut out = Vec::new();
    if let [.., prev, last] = segs {
        let two = match prev.as_str() {
            "feed" => matches!(last.as_str(), "rss" | "rss2" | "atom" | "rdf"),
            "page" => is_number(last),
            "attachment" => true,
            _ => false,
        };
        if two && n > 2 {
            out.push(segs[..n - 2].to_vec());
        }
    }
    if let Some(last) = segs.last() {
        let one = matches!(last.as_str(), "amp" | "feed" | "trackback" | "embed")
            || last.strip_prefix("comment-page-").is_some_and(is_number)
            || is_number(last);
        if one && n > 1 {
            out.push(segs[..n - 1].to_vec());
        }
    }
    out
}

/// The date a path carries as `/YYYY(/MM(/DD))/`, as the prefix of an
/// item date: `2010`, `2010-03` or `2010-03-22`.
pub(super) fn path_date(segs: &[String]) -> Option<String> {
    let two_digits = |s: &String, max: u32| s.len() == 2 && s.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v));
    let start = segs.iter().position(|s| s.len() == 4 && is_number(s))?;
    let mut date = segs[start].clone();
    if let Some(month) = segs.get(start + 1).filter(|s| two_digits(s, 12)) {
        date = format!("{date}-{month}");
        if let Some(day) = segs.get(start + 2).filter(|s| two_digits(s, 31)) {
            date = format!("{date}-{day}");
        }
    }
    Some(date)
}

/// `%XX` of unreserved characters decoded, other escapes in uppercase.
fn normalize_escapes(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match crate::transform::slug::octet_at(b, i) {
            Some(v) if v.is_ascii_alphanumeric() || b"-._~".contains(&v) => {
                out.push(v);
                i += 3;
            }
            Some(v) => {
                out.extend_from_slice(format!("%{v:02X}").as_bytes());
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Query parameters that only track the visitor.
fn is_tracking_param(param: &str) -> bool {
    let name = param.split('=').next().unwrap_or(param);
    let name = String::from_utf8_lossy(&crate::transform::slug::percent_decode(name)).to_ascii_lowercase();
    name.starts_with("utm_") || name == "fbclid" || name == "gclid"
}

/// Deduplication key of a source URL: pre-cleaned and parsed; scheme
/// dropped; host normalized ([`normalize_host`]); path case kept, `%XX` of
/// unreserved characters decoded and other escapes uppercase, trailing `/`
/// dropped; query parameters sorted, without `utm_*`, `fbclid` and `gclid`;
/// fragment dropped. `None` unless the URL is absolute `http(s)` with a
/// host.
pub fn source_key(url: &str) -> Option<String> {
    let url = parse_http(url, None)?;
    let mut key = host_key(&url)?;
    key.push_str(normalize_escapes(url.path()).trim_end_matches('/'));
    let mut params: Vec<String> = url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !is_tracking_param(p))
        .map(normalize_escapes)
        .collect();
    params.sort();
    if !params.is_empty() {
        key.push('?');
        key.push_str(&params.join("&"));
    }
    Some(key)
}

/// The HTML attributes whose values are URLs: links, images and their
/// `srcset`s, lazy-loaded sources, video posters.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "srcset", "data-src", "poster"];

/// An attribute naming a URL, in HTML or in a handled shortcode
/// (`[audio mp3="…"]`): its name, then its value quoted or bare.
static ATTR_RE: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<&str> = URL_ATTRIBUTES.to_vec();
    for a in crate::transform::shortcodes::media_attributes() {
        if !names.contains(a) {
            names.push(a);
        }
    }
    let names: Vec<String> = names.iter().map(|a| regex::escape(a)).collect();
    Regex::new(&format!(
        r#"(?i)\b({})\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+))"#,
        names.join("|")
    ))
    .expect("constant regex")
});

static BARE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r##"(?i)\bhttps?://[^\s<>"'`{}|\\^\[\]«»“”‘’]+"##).expect("constant regex"));

/// Port of WordPress's `wp_extract_urls()`: every URL in a post's raw HTML,
/// in an attribute (`href`, `src`, each URL of a `srcset`, `data-src`,
/// `poster`, and the media attributes of the handled shortcodes such as
/// `[audio mp3="…"]`; quoted or not) or bare in the text, its character
/// references decoded (`&amp;` → `&`), in order of appearance, without
/// duplicates. Absolute URLs only when `http(s)`; relative and
/// root-relative attribute values are returned as written (the caller
/// resolves them). Fragment-only values and other schemes (`mailto:`,
/// `javascript:`…) are left out. The pingback audit and the media
/// download both find a post's URLs here.
pub fn extract_urls(html: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut spans = Vec::new();
    for caps in ATTR_RE.captures_iter(html) {
        let Some(m) = caps.get(2).or_else(|| caps.get(3)).or_else(|| caps.get(4)) else {
            continue;
        };
        spans.push(m.range());
        let value = crate::read::decoded(m.as_str());
        if caps[1].eq_ignore_ascii_case("srcset") {
            // `a.jpg 300w, b.jpg 2x`: each URL before its descriptor.
            for candidate in value.split(',').filter_map(|c| c.split_whitespace().next()) {
                if keep_href(candidate) {
                    found.push((m.start(), candidate.to_string()));
                }
            }
        } else if keep_href(value.trim()) {
            found.push((m.start(), value.trim().to_string()));
        }
    }
    // Attribute values and bare matches both come in order of position.
    let mut span = spans.iter().peekable();
    for m in BARE_RE.find_iter(html) {
        while span.next_if(|r| r.end <= m.start()).is_some() {}
        if span.peek().is_some_and(|r| r.contains(&m.start())) {
            continue;
        }
        if let Some(url) = trim_bare(&crate::read::decoded(m.as_str())) {
            found.push((m.start(), url));
        }
    }
    found.sort_by_key(|(pos, _)| *pos);
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .filter_map(|(_, url)| seen.insert(url.clone()).then_some(url))
        .collect()
}

/// An attribute value worth returning: `http(s)`, or relative.
fn keep_href(value: &str) -> bool {
    if value.is_empty() || value.starts_with('#') {
        return false;
    }
    match value.split_once(':') {
        Some((scheme, _))
            if scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
        }
        _ => true,
    }
}

/// A bare URL from the text, cut at whitespace or markup and without
/// trailing punctuation (a `)` is kept when it closes a `(` of the URL).
fn trim_bare(s: &str) -> Option<String> {
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
        .unwrap_or(s.len());
    let mut url = &s[..end];
    let open = url.matches('(').count();
    let mut close = url.matches(')').count();
    while let Some(last) = url.chars().next_back() {
        match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' => {}
            ')' if close > open => close -= 1,
            _ => break,
        }
        // Every character stripped is ASCII.
        url = &url[..url.len() - 1];
    }
    Url::parse(url)
        .ok()
        .filter(|u| u.host_str().is_some_and(|h| !h.is_empty()))
        .map(|_| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_normalize() {
        for (input, want) in [
            ("Blog.Example", "blog.example"),
            ("WWW.Blog.Example.", "blog.example"),
            ("www.www.blog.example", "www.blog.example"),
            ("bücher.example", "xn--bcher-kva.example"),
            ("blog.example:8080", "blog.example:8080"),
            ("blog.example:443", "blog.example"),
            ("https://www.blog.example/path", "blog.example"),
            ("[::1]:8080", "[::1]:8080"),
            ("  blog.example  ", "blog.example"),
        ] {
            assert_eq!(normalize_host(input), want, "{input:?}");
        }
    }

    #[test]
    fn urls_clean() {
        for (input, want) in [
            ("  https://a.example/?x=1&amp;y=2 \r\n", "https://a.example/?x=1&y=2"),
            ("<https://a.example/>", "https://a.example/"),
            ("\"https://a.example/\"", "https://a.example/"),
            ("'https://a.example/'", "https://a.example/"),
            ("https://a.example/?a&#038;b&#38;c", "https://a.example/?a&b&c"),
            ("https://a.example/?a&amp;amp;b", "https://a.example/?a&amp;b"),
            ("https://a.example/?a&b", "https://a.example/?a&b"),
            ("\u{1}https://a.example/\tx\u{7f}", "https://a.example/x"),
            ("\"", "\""),
            ("", ""),
        ] {
            assert_eq!(clean_url(input), want, "{input:?}");
        }
    }

    #[test]
    fn source_keys() {
        let same = [
            (
                "http://www.blog.example/post/?utm_source=x&b=2&a=1#frag",
                "https://blog.example/post?a=1&b=2",
            ),
            (
                "https://blog.example/post/?fbclid=abc&gclid=1&UTM_medium=m",
                "https://blog.example/post",
            ),
            ("https://blog.example/%7euser/", "https://blog.example/~user"),
            ("https://blog.example/caf%c3%a9", "https://blog.example/caf%C3%A9"),
            ("https://blog.example/café", "https://blog.example/caf%C3%A9"),
            ("https://blog.example/?a=1&amp;b=2", "https://blog.example?b=2&a=1"),
            ("HTTPS://BLOG.EXAMPLE:443/post", "http://blog.example/post"),
        ];
        for (a, b) in same {
            assert_eq!(source_key(a), source_key(b), "{a:?} vs {b:?}");
            assert!(source_key(a).is_some(), "{a:?}");
        }
        assert_eq!(
            source_key("http://www.blog.example/post/?b=2&a=1").as_deref(),
            Some("blog.example/post?a=1&b=2")
        );
        let different = [
            ("https://blog.example/post", "https://blog.example/Post"),
            ("https://blog.example/post", "https://blog.example/post2"),
            ("https://blog.example/post?a=1", "https://blog.example/post?a=2"),
            ("https://blog.example/post", "https://other.example/post"),
            ("https://blog.example/post", "https://blog.example:8080/post"),
            ("https://blog.example/a%2Fb", "https://blog.example/a/b"),
        ];
        for (a, b) in different {
            assert_ne!(source_key(a), source_key(b), "{a:?} vs {b:?}");
        }
        for bad in ["ftp://blog.example/x", "/relative", "", "mailto:a@b.example", "http://"] {
            assert_eq!(source_key(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn urls_extracted() {
        let html = r##"<p>See <a href="https://a.example/one/">one</a> and
            <a href='/two/'>two</a>. Also http://b.example/three. (http://c.example/four)
            <img src="https://a.example/img.jpg?x=1&amp;y=2" alt="">
            again <a href="https://a.example/one/">dup</a>, <a href="mailto:x@y.example">m</a>
            <a href="#top">top</a> <a HREF = ../rel/x.html>rel</a> <a href="javascript:void(0)">j</a>
            Wiki: https://en.wikipedia.org/wiki/Foo_(bar), query http://d.example/x?a=1&amp;b=2!
            “https://e.example/quoted” <a href="">empty</a> http://b.example/three
            not xhttp://f.example/ nor http:// alone.
            <a href="https://h.example/as-written.">h</a></p>"##;
        assert_eq!(
            extract_urls(html),
            [
                "https://a.example/one/",
                "/two/",
                "http://b.example/three",
                "http://c.example/four",
                "https://a.example/img.jpg?x=1&y=2",
                "../rel/x.html",
                "https://en.wikipedia.org/wiki/Foo_(bar)",
                "http://d.example/x?a=1&b=2",
                "https://e.example/quoted",
                "https://h.example/as-written.",
            ]
        );
        assert!(extract_urls("").is_empty());
        assert!(extract_urls("no links & no &amp; entities;").is_empty());
    }

    #[test]
    fn urls_of_media_attributes_srcsets_and_shortcodes() {
        let html = r##"<img src="/a.jpg" srcset="/a-300x200.jpg 300w, /a-1024x768.jpg 1024w,/a.jpg 2x">
            [audio mp3='https://x.example/s.mp3'] <img data-src=/lazy.png>
            see https://x.example/doc.pdf, (or https://x.example/b.png) <a href="#top">top</a>
            <a href="/caf&eacute;/?a=1&#038;b=2">e</a>"##;
        assert_eq!(
            extract_urls(html),
            [
                "/a.jpg",
                "/a-300x200.jpg",
                "/a-1024x768.jpg",
                "https://x.example/s.mp3",
                "/lazy.png",
                "https://x.example/doc.pdf",
                "https://x.example/b.png",
                "/café/?a=1&b=2",
            ]
        );
        // `wma` was missing from a list written apart from the handlers.
        assert_eq!(
            extract_urls(r#"[audio wma="/up/s.wma"][video wmv='/up/v.wmv' poster="/up/p.jpg"]"#),
            ["/up/s.wma", "/up/v.wmv", "/up/p.jpg"]
        );
        for a in crate::transform::shortcodes::media_attributes() {
            assert_eq!(extract_urls(&format!("[x {a}=\"/up/f\"]")), ["/up/f"], "{a}");
        }
    }

    #[test]
    fn resized_images_lead_to_their_original() {
        assert_eq!(
            original_size("https://s.example/up/cat-300x200.jpg").as_deref(),
            Some("https://s.example/up/cat.jpg")
        );
        assert_eq!(original_size("https://s.example/up/cat.jpg"), None);
        assert_eq!(original_size("https://s.example/up/a-b.jpg"), None);
    }
}
