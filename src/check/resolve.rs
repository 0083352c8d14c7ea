//! Resolving URLs to items of the export.
//!
//! This module owns the question "does this URL point to an item of the
//! export, and which one?", answered by item identity, not by string
//! equality: `http`/`https`, `www.`, old domains, percent-encoding, case,
//! `?p=N` forms, feed/AMP/pagination suffixes and bare slugs all lead to the
//! same item. It also owns the URL helpers the audit needs around that:
//! the pre-clean of stored URLs ([`clean_url`]), the deduplication key of
//! source URLs ([`source_key`]), the URL extraction WordPress runs on post
//! content ([`extract_urls`]) and the host classifications that keep the
//! audit from fetching staging or reserved hosts ([`is_private_host`],
//! [`is_reserved_host`]).
//!
//! [`SiteIndex::resolve`] applies its rules in a fixed order; the
//! [`Rule`] that matched is reported with the item id.

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use url::Url;

/// One item of the export as the resolver sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexItem {
    /// `wp:post_id`.
    pub id: i64,
    /// `wp:post_type`: "post", "page", "attachment", …
    pub kind: String,
    /// `wp:status`: "publish", "draft", "trash", …
    pub status: String,
    /// `wp:post_name` exactly as exported, often percent-encoded
    /// (`caf%c3%a9`); trashed items end with `__trashed`.
    pub slug: Option<String>,
    /// `<link>`, the permalink at export time.
    pub link: Option<String>,
    /// `<guid>`, often `http://blog.example/?p=12`, maybe on an old domain.
    pub guid: Option<String>,
    /// `wp:post_date`, site-local `YYYY-MM-DDTHH:MM:SS`.
    pub date: Option<String>,
    /// `wp:post_parent`, when the item has one.
    pub parent: Option<i64>,
}

/// The rule of [`SiteIndex::resolve`] that matched a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `?p=N`, `?page_id=N` or `?attachment_id=N`.
    QueryId,
    /// `/#N` or `/#post-N` on the home page.
    FragmentId,
    /// The item's permalink (`<link>`).
    Permalink,
    /// The item's permalink-shaped `<guid>`.
    Guid,
    /// A permalink or guid followed by a feed, AMP, pagination… suffix.
    PermalinkSuffix,
    /// The last path segment is the item's slug.
    Slug,
    /// The slug, shared by several items, told apart by the path's date.
    SlugDate,
    /// `/p/N`.
    PathId,
}

impl Rule {
    /// The rule's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::QueryId => "query_id",
            Rule::FragmentId => "fragment_id",
            Rule::Permalink => "permalink",
            Rule::Guid => "guid",
            Rule::PermalinkSuffix => "permalink_suffix",
            Rule::Slug => "slug",
            Rule::SlugDate => "slug_date",
            Rule::PathId => "path_id",
        }
    }
}

/// A URL resolved to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The item's id.
    pub id: i64,
    /// The rule that matched.
    pub rule: Rule,
}

/// The items of one export, indexed for [`SiteIndex::resolve`].
#[derive(Debug, Clone, Default)]
pub struct SiteIndex {
    /// Normalized hosts of the site ([`normalize_host`]).
    hosts: BTreeSet<String>,
    /// Normalized path segments of the home URL (`["blog"]`), stripped
    /// from every path.
    home: Vec<String>,
    items: HashMap<i64, IndexItem>,
    /// Normalized link path → ids.
    permalinks: HashMap<String, Vec<i64>>,
    /// Normalized path of permalink-shaped guids → ids.
    guids: HashMap<String, Vec<i64>>,
    /// Normalized slug → ids.
    slugs: HashMap<String, Vec<i64>>,
}

/// What an index lookup found.
enum Found<T> {
    None,
    One(T),
    Ambiguous,
}

fn lookup(map: &HashMap<String, Vec<i64>>, key: &str) -> Found<i64> {
    match map.get(key).map(Vec::as_slice) {
        None | Some([]) => Found::None,
        Some([id]) => Found::One(*id),
        Some(_) => Found::Ambiguous,
    }
}

fn push_unique(map: &mut HashMap<String, Vec<i64>>, key: String, id: i64) {
    let ids = map.entry(key).or_default();
    if !ids.contains(&id) {
        ids.push(id);
    }
}

impl SiteIndex {
    /// An index with no items. `base_site_url`, `base_blog_url` and
    /// `channel_link` come from the export header; `extra_self_domains` are
    /// the user's `--self-domain` hosts (bare hosts like `old.example`, or
    /// URLs). The home path (subdirectory installs) is taken from
    /// `base_blog_url`, else from `channel_link`.
    pub fn new(
        base_site_url: Option<&str>,
        base_blog_url: Option<&str>,
        channel_link: Option<&str>,
        extra_self_domains: &[String],
    ) -> SiteIndex {
        let mut index = SiteIndex::default();
        for url in [base_site_url, base_blog_url, channel_link].into_iter().flatten() {
            if let Some(url) = parse_http(url, None)
                && let Some(host) = host_key(&url)
            {
                index.hosts.insert(host);
            }
        }
        for extra in extra_self_domains {
            let host = normalize_host(extra);
            if !host.is_empty() {
                index.hosts.insert(host);
            }
        }
        if let Some(home) = [base_blog_url, channel_link]
            .into_iter()
            .flatten()
            .find_map(|u| parse_http(u, None))
        {
            index.home = path_segments(home.path());
        }
        index
    }

    /// Adds an item: its link host and the host of a guid of the
    /// `?p=N`/`?page_id=N` shape join the self-domain set; its link,
    /// permalink-shaped guid and slug are indexed.
    pub fn add_item(&mut self, item: IndexItem) {
        let id = item.id;
        if let Some(link) = item.link.as_deref().and_then(|l| parse_http(l, None)) {
            if let Some(host) = host_key(&link) {
                self.hosts.insert(host);
            }
            let segs = self.site_segments(link.path());
            if link.query().is_none() && !segs.is_empty() {
                push_unique(&mut self.permalinks, segs.join("/"), id);
            }
        }
        if let Some(guid) = item.guid.as_deref().and_then(|g| parse_http(g, None)) {
            if query_id(&guid).is_some() {
                if let Some(host) = host_key(&guid) {
                    self.hosts.insert(host);
                }
            } else {
                let segs = self.site_segments(guid.path());
                if guid.query().is_none() && !segs.is_empty() {
                    push_unique(&mut self.guids, segs.join("/"), id);
                }
            }
        }
        if let Some(slug) = item.slug.as_deref().map(normalize_slug)
            && !slug.is_empty()
        {
            push_unique(&mut self.slugs, slug, id);
        }
        self.items.insert(id, item);
    }

    /// True when the URL's host, normalized, is in the self-domain set.
    pub fn is_self_url(&self, url: &str) -> bool {
        parse_http(url, None)
            .and_then(|u| host_key(&u))
            .is_some_and(|h| self.hosts.contains(&h))
    }

    /// The normalized self hosts, sorted.
    pub fn self_hosts(&self) -> Vec<String> {
        self.hosts.iter().cloned().collect()
    }

    /// The item with this id, if indexed.
    pub fn item(&self, id: i64) -> Option<&IndexItem> {
        self.items.get(&id)
    }

    /// Resolves `url` (absolute, or relative to `base` when given) to an
    /// item. `None` when the URL is not on a self domain, points to no item,
    /// or could point to several.
    pub fn resolve(&self, url: &str, base: Option<&str>) -> Option<Resolved> {
        let url = parse_http(url, base)?;
        if !self.hosts.contains(&host_key(&url)?) {
            return None;
        }
        let found = |id, rule| Some(Resolved { id, rule });

        // Query ids come first: they name the item outright.
        for (name, value) in url.query_pairs() {
            if matches!(name.as_ref(), "p" | "page_id" | "attachment_id")
                && let Some(id) = positive_id(&value)
                && self.items.contains_key(&id)
            {
                return found(id, Rule::QueryId);
            }
        }

        let segs = self.site_segments(url.path());
        if segs.is_empty() {
            // The home page: only the legacy `/#123`, `/#post-123` forms.
            let frag = url.fragment()?;
            let id = positive_id(frag.strip_prefix("post-").unwrap_or(frag))?;
            return self.items.contains_key(&id).then_some(Resolved {
                id,
                rule: Rule::FragmentId,
            });
        }

        match self.exact(&segs.join("/")) {
            Found::One((id, rule)) => return found(id, rule),
            Found::Ambiguous => return None,
            Found::None => {}
        }

        let stripped = strip_suffixes(&segs);
        for prefix in &stripped {
            match self.exact(&prefix.join("/")) {
                Found::One((id, _)) => return found(id, Rule::PermalinkSuffix),
                Found::Ambiguous => return None,
                Found::None => {}
            }
        }

        // Slug fallback: the full path, else the path without its suffix.
        let slug_path = std::iter::once(&segs[..])
            .chain(stripped.iter().map(Vec::as_slice))
            .find(|p| p.last().is_some_and(|s| self.slugs.contains_key(s)));
        if let Some(path) = slug_path
            && let Some(hit) = self.by_slug(path)
        {
            return Some(hit);
        }

        if let [.., p, n] = &segs[..]
            && p == "p"
            && let Some(id) = positive_id(n)
            && self.items.contains_key(&id)
        {
            return found(id, Rule::PathId);
        }
        None
    }

    /// Rule 5: the permalink index, then the guid index.
    fn exact(&self, key: &str) -> Found<(i64, Rule)> {
        match lookup(&self.permalinks, key) {
            Found::One(id) => Found::One((id, Rule::Permalink)),
            Found::Ambiguous => Found::Ambiguous,
            Found::None => match lookup(&self.guids, key) {
                Found::One(id) => Found::One((id, Rule::Guid)),
                Found::Ambiguous => Found::Ambiguous,
                Found::None => Found::None,
            },
        }
    }

    /// Rule 7: the last segment as a slug, told apart by the path's date,
    /// then by the parent's slug as the previous segment.
    fn by_slug(&self, segs: &[String]) -> Option<Resolved> {
        let (last, before) = segs.split_last()?;
        let mut cands: Vec<&IndexItem> = self
            .slugs
            .get(last)?
            .iter()
            .filter_map(|id| self.items.get(id))
            .collect();
        let one = |c: &[&IndexItem], rule| match c {
            [item] => Some(Resolved { id: item.id, rule }),
            _ => None,
        };
        if cands.len() == 1 {
            return one(&cands, Rule::Slug);
        }
        if let Some(prefix) = path_date(before) {
            let dated: Vec<&IndexItem> = cands
                .iter()
                .copied()
                .filter(|i| i.date.as_deref().is_some_and(|d| d.starts_with(&prefix)))
                .collect();
            if dated.len() == 1 {
                return one(&dated, Rule::SlugDate);
            }
            if dated.len() > 1 {
                cands = dated;
            }
        }
        let prev = before.last()?;
        let children: Vec<&IndexItem> = cands
            .into_iter()
            .filter(|i| {
                i.parent
                    .and_then(|p| self.items.get(&p))
                    .and_then(|p| p.slug.as_deref())
                    .is_some_and(|s| normalize_slug(s) == *prev)
            })
            .collect();
        one(&children, Rule::Slug)
    }

    /// The normalized segments of a URL path, relative to the home path,
    /// without a leading `index.php` or a trailing one.
    fn site_segments(&self, path: &str) -> Vec<String> {
        let mut segs = path_segments(path);
        if !self.home.is_empty() && segs.starts_with(&self.home) {
            segs.drain(..self.home.len());
        }
        if segs.first().is_some_and(|s| s == "index.php") {
            segs.remove(0);
        }
        if segs.last().is_some_and(|s| s == "index.php") {
            segs.pop();
        }
        segs
    }
}

/// Parses a stored URL (pre-cleaned), relative to `base` when given; only
/// `http` and `https` URLs.
fn parse_http(raw: &str, base: Option<&str>) -> Option<Url> {
    let raw = clean_url(raw);
    let url = match base {
        Some(base) => Url::parse(&clean_url(base)).ok()?.join(&raw).ok()?,
        None => Url::parse(&raw).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The normalized host (and port) of a parsed URL.
fn host_key(url: &Url) -> Option<String> {
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
fn positive_id(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|&n: &i64| n > 0)
}

/// The id of a `?p=N`, `?page_id=N` or `?attachment_id=N` URL.
fn query_id(url: &Url) -> Option<i64> {
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
fn path_segments(path: &str) -> Vec<String> {
    decode_lower(path)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A slug as the slug index holds it: decoded, lowercase, `__trashed`
/// removed.
fn normalize_slug(slug: &str) -> String {
    let slug = decode_lower(slug.trim().trim_matches('/'));
    slug.strip_suffix("__trashed").unwrap_or(&slug).to_string()
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The path without one suffix group (feed, AMP, pagination…), most
/// specific first; never the empty path.
fn strip_suffixes(segs: &[String]) -> Vec<Vec<String>> {
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
fn path_date(segs: &[String]) -> Option<String> {
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

static ATTR_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+))"#).expect("constant regex")
});

static BARE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r##"(?i)\bhttps?://[^\s<>"'`{}|\\^\[\]«»“”‘’]+"##).expect("constant regex"));

/// Port of WordPress's `wp_extract_urls()`: every URL in a post's raw HTML,
/// quoted (`href=".."`, `src='..'`) or bare in the text, entity-decoded
/// (`&amp;` → `&`), in order of appearance, without duplicates. Absolute
/// URLs only when `http(s)`; relative and root-relative attribute values
/// are returned as written (the caller resolves them). Fragment-only
/// values and other schemes (`mailto:`, `javascript:`…) are left out.
pub fn extract_urls(html: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut spans = Vec::new();
    for caps in ATTR_RE.captures_iter(html) {
        let Some(m) = caps.get(1).or_else(|| caps.get(2)).or_else(|| caps.get(3)) else {
            continue;
        };
        spans.push(m.range());
        let value = decode_entities(m.as_str());
        let value = value.trim();
        if keep_href(value) {
            found.push((m.start(), value.to_string()));
        }
    }
    // Attribute values and bare matches both come in order of position.
    let mut span = spans.iter().peekable();
    for m in BARE_RE.find_iter(html) {
        while span.next_if(|r| r.end <= m.start()).is_some() {}
        if span.peek().is_some_and(|r| r.contains(&m.start())) {
            continue;
        }
        if let Some(url) = trim_bare(&decode_entities(m.as_str())) {
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

/// Character references decoded once: `&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&apos;`, `&nbsp;` and numeric ones.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos + 1..];
        let decoded = tail
            .bytes()
            .take(12)
            .position(|b| b == b';')
            .and_then(|end| Some((entity_char(&tail[..end])?, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity_char(name: &str) -> Option<char> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        }
    };
    Some(c)
}

/// A host without brackets, port or trailing dot, in lowercase.
fn bare_host(host: &str) -> String {
    let h = host.trim();
    let h = if let Some(rest) = h.strip_prefix('[') {
        rest.split_once(']').map_or(rest, |(inner, _)| inner)
    } else if h.matches(':').count() == 1 {
        h.split_once(':').map_or(h, |(name, _)| name)
    } else {
        h
    };
    let mut h = h.to_ascii_lowercase();
    if h.ends_with('.') {
        h.pop();
    }
    h
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || a == 0
        || (a == 100 && (64..=127).contains(&b))
}

fn private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || first & 0xffc0 == 0xfe80
        || first & 0xfe00 == 0xfc00
        || ip.to_ipv4_mapped().is_some_and(private_v4)
}

/// True for hosts that are `localhost`, end in `.localhost`, or are IP
/// literals (v4 or v6, brackets and a port allowed) in loopback, private
/// (10/8, 172.16/12, 192.168/16), link-local (169.254/16, fe80::/10),
/// unspecified, CGNAT (100.64/10), unique local (fc00::/7), 0.0.0.0/8 or
/// broadcast. IPv4 forms the URL parser accepts (`0x7f.1`) count too.
/// Used to refuse fetching staging copies.
pub fn is_private_host(host: &str) -> bool {
    let h = bare_host(host);
    if h.is_empty() {
        return false;
    }
    if let Ok(ip) = h.parse::<IpAddr>() {
        return match ip {
            IpAddr::V4(v4) => private_v4(v4),
            IpAddr::V6(v6) => private_v6(v6),
        };
    }
    match url::Host::parse(&h) {
        Ok(url::Host::Ipv4(v4)) => private_v4(v4),
        Ok(url::Host::Ipv6(v6)) => private_v6(v6),
        Ok(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Err(_) => false,
    }
}

/// True for RFC 2606/6761 names: the host is, or ends in, `.test`,
/// `.example`, `.invalid`, `.localhost`, `example.com`, `example.net`,
/// `example.org` or `example.edu`.
pub fn is_reserved_host(host: &str) -> bool {
    let h = bare_host(host);
    [
        "test",
        "example",
        "invalid",
        "localhost",
        "example.com",
        "example.net",
        "example.org",
        "example.edu",
    ]
    .iter()
    .any(|name| h == *name || h.strip_suffix(name).is_some_and(|r| r.ends_with('.')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, kind: &str, slug: &str, link: &str) -> IndexItem {
        IndexItem {
            id,
            kind: kind.into(),
            status: "publish".into(),
            slug: Some(slug.into()),
            link: Some(link.into()),
            ..IndexItem::default()
        }
    }

    fn site() -> SiteIndex {
        let home = Some("https://blog.example");
        let mut s = SiteIndex::new(home, home, home, &["Legacy.Example".to_string()]);
        s.add_item(IndexItem {
            guid: Some("http://old-blog.example/?p=12".into()),
            date: Some("2010-03-22T08:30:00".into()),
            ..item(12, "post", "hello-world", "https://blog.example/2010/03/hello-world/")
        });
        s.add_item(IndexItem {
            parent: Some(14),
            ..item(13, "page", "team", "https://blog.example/about/team/")
        });
        s.add_item(item(14, "page", "about", "https://blog.example/about/"));
        s.add_item(IndexItem {
            date: Some("2011-01-05T10:00:00".into()),
            ..item(15, "post", "caf%c3%a9", "https://blog.example/2011/01/caf%c3%a9/")
        });
        s.add_item(IndexItem {
            date: Some("2012-04-02T09:00:00".into()),
            ..item(16, "post", "news", "https://blog.example/2012/04/news/")
        });
        s.add_item(IndexItem {
            date: Some("2012-05-07T09:00:00".into()),
            ..item(17, "post", "news", "https://blog.example/2012/05/news/")
        });
        s.add_item(IndexItem {
            status: "trash".into(),
            date: Some("2013-02-01T09:00:00".into()),
            ..item(18, "post", "gone__trashed", "https://blog.example/?p=18")
        });
        s.add_item(IndexItem {
            guid: Some("https://blog.example/wp-content/uploads/2010/03/photo.jpg".into()),
            parent: Some(12),
            ..item(
                19,
                "attachment",
                "photo",
                "https://blog.example/2010/03/hello-world/photo/",
            )
        });
        // A second "team" page, under "careers".
        s.add_item(IndexItem {
            parent: Some(21),
            ..item(20, "page", "team", "https://blog.example/careers/team/")
        });
        s.add_item(item(21, "page", "careers", "https://blog.example/careers/"));
        s
    }

    /// Every URL resolves to `want`.
    fn expect(s: &SiteIndex, want: Option<(i64, Rule)>, urls: &[&str]) {
        for url in urls {
            let got = s.resolve(url, None).map(|r| (r.id, r.rule));
            assert_eq!(got, want, "resolve({url:?})");
        }
    }

    const B: &str = "https://blog.example";

    #[test]
    fn permalinks() {
        let s = site();
        let hello = Some((12, Rule::Permalink));
        expect(
            &s,
            hello,
            &[
                "https://blog.example/2010/03/hello-world/",
                "http://blog.example/2010/03/hello-world/",
                "https://www.blog.example/2010/03/hello-world",
                "HTTPS://WWW.BLOG.EXAMPLE./2010/03/Hello-World",
                "  <https://blog.example/2010/03/hello-world/>\n",
                "https://blog.example/2010/03/hello-world/#comment-3",
                "https://blog.example/2010/03/hello-world/?replytocom=3",
                "https://blog.example//2010//03/hello-world",
                "https://blog.example/index.php/2010/03/hello-world/",
                // Old domain (from the ?p= guid) and --self-domain.
                "http://old-blog.example/2010/03/hello-world/",
                "https://legacy.example/2010/03/hello-world/",
            ],
        );
        // Escapes in either case, raw UTF-8 IRI, uppercase, NFD.
        expect(
            &s,
            Some((15, Rule::Permalink)),
            &[
                "https://blog.example/2011/01/caf%C3%A9/",
                "https://blog.example/2011/01/caf%c3%a9",
                "https://blog.example/2011/01/café/",
                "https://blog.example/2011/01/CAFÉ/",
                "https://blog.example/2011/01/cafe%CC%81/",
            ],
        );
        // An attachment page: its own permalink wins over the suffix rule.
        expect(
            &s,
            Some((19, Rule::Permalink)),
            &["https://blog.example/2010/03/hello-world/photo/"],
        );
        expect(
            &s,
            Some((19, Rule::Guid)),
            &["https://blog.example/wp-content/uploads/2010/03/photo.jpg"],
        );
    }

    #[test]
    fn relative_urls() {
        let s = site();
        for (url, base, want) in [
            ("../hello-world/", "https://blog.example/2010/03/other/", Some(12)),
            ("/about/team/", "https://blog.example/2011/01/x/", Some(13)),
            ("?p=14", "https://blog.example/2011/01/x/", Some(14)),
            ("https://blog.example/about/", "https://other.example/", Some(14)),
            ("/about/", "https://other.example/", None),
            ("/about/team/", "not a url", None),
        ] {
            assert_eq!(s.resolve(url, Some(base)).map(|r| r.id), want, "{url:?} on {base:?}");
        }
    }

    #[test]
    fn query_and_fragment_ids() {
        let s = site();
        expect(
            &s,
            Some((12, Rule::QueryId)),
            &[
                "https://blog.example/?p=12",
                "http://old-blog.example/?p=12",
                "https://blog.example/?foo=1&amp;p=12",
                "https://blog.example/?p=999&p=12",
                "https://blog.example/some/path/?p=12",
            ],
        );
        expect(
            &s,
            Some((14, Rule::QueryId)),
            &[
                "https://blog.example/?page_id=14",
                "https://blog.example/?foo=1&#038;page_id=14",
            ],
        );
        expect(
            &s,
            Some((19, Rule::QueryId)),
            &["https://blog.example/index.php?attachment_id=19"],
        );
        expect(&s, Some((18, Rule::QueryId)), &["https://blog.example/?p=18"]);
        expect(&s, Some((12, Rule::FragmentId)), &["https://blog.example/#12"]);
        expect(&s, Some((13, Rule::FragmentId)), &["https://blog.example/#post-13"]);
        expect(
            &s,
            None,
            &[
                "https://blog.example/?p=999",
                "https://blog.example/?p=-12",
                "https://blog.example/?p=12abc",
                "https://blog.example/?post=12",
                "https://blog.example/#999",
                "https://blog.example/#comment-12",
                "https://blog.example/elsewhere/#12",
            ],
        );
    }

    #[test]
    fn suffixes() {
        let s = site();
        let urls: Vec<String> = [
            "amp/",
            "feed/",
            "feed/atom/",
            "feed/rss2",
            "trackback/",
            "embed/",
            "comment-page-2/#comments",
            "2/",
            "page/3/",
            "attachment/other-img/",
        ]
        .iter()
        .map(|suffix| format!("{B}/2010/03/hello-world/{suffix}"))
        .collect();
        let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
        expect(&s, Some((12, Rule::PermalinkSuffix)), &urls);
        expect(
            &s,
            Some((14, Rule::PermalinkSuffix)),
            &["https://blog.example/about/page/3/"],
        );
        expect(
            &s,
            None,
            &[
                "https://blog.example/2010/03/hello-world/comment-page-x/",
                "https://blog.example/2010/03/hello-world/feed/xml/",
            ],
        );
    }

    #[test]
    fn slugs_and_path_ids() {
        let s = site();
        expect(
            &s,
            Some((12, Rule::Slug)),
            &[
                "https://blog.example/hello-world/",
                "https://blog.example/hello-world/feed/",
            ],
        );
        expect(&s, Some((15, Rule::Slug)), &["https://blog.example/archives/caf%C3%A9"]);
        // A trashed item answers to its slug without "__trashed".
        expect(&s, Some((18, Rule::Slug)), &["https://blog.example/2013/02/gone/"]);
        // Two "news" posts: the path's date tells them apart, or nothing does.
        expect(
            &s,
            Some((16, Rule::SlugDate)),
            &["https://blog.example/2012/04/02/news/"],
        );
        expect(
            &s,
            Some((17, Rule::SlugDate)),
            &["https://blog.example/archives/2012/05/news"],
        );
        // Two "team" pages: the parent's slug tells them apart.
        expect(
            &s,
            Some((13, Rule::Slug)),
            &["https://blog.example/company/about/team/"],
        );
        expect(&s, Some((20, Rule::Slug)), &["https://blog.example/jobs/careers/team/"]);
        expect(&s, Some((12, Rule::PathId)), &["https://blog.example/p/12"]);
        expect(
            &s,
            None,
            &[
                "https://blog.example/news/",
                "https://blog.example/2012/06/news/",
                "https://blog.example/team/",
                "https://blog.example/p/999",
                "https://blog.example/no-such-post/",
            ],
        );
    }

    #[test]
    fn not_ours_or_nothing() {
        expect(
            &site(),
            None,
            &[
                "https://elsewhere.example/2010/03/hello-world/",
                "https://blog.example.evil/2010/03/hello-world/",
                "https://blog.example:8080/2010/03/hello-world/",
                "ftp://blog.example/2010/03/hello-world/",
                "mailto:me@blog.example",
                "https://blog.example/",
                "not a url",
                "/2010/03/hello-world/",
                "",
            ],
        );
    }

    #[test]
    fn subdirectory_install() {
        let mut s = SiteIndex::new(
            Some("https://example.net/blog/wp"),
            Some("https://example.net/blog"),
            Some("https://example.net/blog"),
            &[],
        );
        s.add_item(item(
            12,
            "post",
            "hello-world",
            "https://example.net/blog/2010/03/hello-world/",
        ));
        s.add_item(item(30, "page", "blog", "https://example.net/blog/blog/"));
        expect(
            &s,
            Some((12, Rule::Permalink)),
            &[
                "https://example.net/blog/2010/03/hello-world",
                "https://example.net/blog/index.php/2010/03/hello-world/",
                // Outside the home path, the path is taken as it is.
                "https://example.net/2010/03/hello-world/",
            ],
        );
        expect(
            &s,
            Some((12, Rule::PermalinkSuffix)),
            &["https://example.net/blog/2010/03/hello-world/feed/"],
        );
        expect(&s, Some((12, Rule::QueryId)), &["https://example.net/blog/?p=12"]);
        expect(
            &s,
            Some((12, Rule::FragmentId)),
            &[
                "https://example.net/blog/#12",
                "https://example.net/blog/index.php#post-12",
            ],
        );
        // A page whose slug is the home path's name is not the home page.
        expect(&s, Some((30, Rule::Permalink)), &["https://example.net/blog/blog/"]);
        expect(&s, None, &["https://example.net/blog/", "https://example.net/blog/#99"]);
        assert_eq!(s.self_hosts(), vec!["example.net".to_string()]);
    }

    #[test]
    fn self_domains() {
        let s = site();
        assert_eq!(
            s.self_hosts(),
            vec!["blog.example", "legacy.example", "old-blog.example"]
        );
        assert!(s.is_self_url("http://WWW.Old-Blog.Example/anything"));
        assert!(s.is_self_url("https://legacy.example"));
        assert!(!s.is_self_url("https://other.example/"));
        assert!(!s.is_self_url("/relative/path"));
        let t = SiteIndex::new(None, None, None, &["https://www.Old.Example:8443/x".into()]);
        assert_eq!(t.self_hosts(), vec!["old.example:8443"]);
        assert!(t.is_self_url("https://old.example:8443/"));
        assert!(!t.is_self_url("https://old.example/"));
        assert_eq!(s.item(13).map(|i| i.parent), Some(Some(14)));
        assert!(s.item(99).is_none());
        // A guid not of the ?p= shape does not make its host a self host.
        let mut u = SiteIndex::new(Some("https://a.example"), None, None, &[]);
        u.add_item(IndexItem {
            guid: Some("https://cdn.example/img.jpg".into()),
            ..item(1, "attachment", "img", "https://a.example/img/")
        });
        assert_eq!(u.self_hosts(), vec!["a.example"]);
    }

    #[test]
    fn rule_names() {
        use Rule::*;
        let names: Vec<&str> = [
            QueryId,
            FragmentId,
            Permalink,
            Guid,
            PermalinkSuffix,
            Slug,
            SlugDate,
            PathId,
        ]
        .into_iter()
        .map(Rule::as_str)
        .collect();
        assert_eq!(
            names,
            [
                "query_id",
                "fragment_id",
                "permalink",
                "guid",
                "permalink_suffix",
                "slug",
                "slug_date",
                "path_id"
            ]
        );
    }

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
    fn odd_inputs_do_not_panic() {
        let s = site();
        let long = format!("http://a.example/{}", ")".repeat(10_000));
        for input in [
            "%",
            "%%",
            "%zz",
            "%c3",
            "http://[",
            "http://[::1",
            "//",
            "?",
            "#",
            "&",
            "&#",
            "&#xFFFFFFFF;",
            "&#0;",
            "<>",
            "\"",
            "'",
            "http://a.example/%ff%fe",
            "é",
            "\u{0}",
            "https://blog.example/%ff/",
            "https://blog.example/p/99999999999999999999",
            "https://blog.example/?p=99999999999999999999",
            &long,
        ] {
            let _ = s.resolve(input, None);
            let _ = s.resolve(input, Some(input));
            let _ = s.is_self_url(input);
            let _ = (normalize_host(input), clean_url(input), source_key(input));
            let _ = (extract_urls(input), is_private_host(input), is_reserved_host(input));
        }
        assert_eq!(extract_urls(&long), ["http://a.example/"]);
        // An invalid UTF-8 escape is kept as it is, not lost.
        let mut t = SiteIndex::new(Some("https://blog.example"), None, None, &[]);
        t.add_item(item(1, "post", "x", "https://blog.example/%FF/"));
        expect(&t, Some((1, Rule::Permalink)), &["https://blog.example/%ff"]);
    }

    #[test]
    fn private_hosts() {
        for host in [
            "localhost",
            "LOCALHOST.",
            "dev.localhost",
            "localhost:8080",
            "127.0.0.1",
            "127.1.2.3:8080",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "0x7f.1",
            "2130706433",
            "::1",
            "[::1]",
            "[::1]:8080",
            "::",
            "[fe80::1]",
            "febf::1",
            "fc00::1",
            "fd12:3456::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_private_host(host), "{host:?} should be private");
        }
        for host in [
            "8.8.8.8",
            "172.15.0.1",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "169.255.0.1",
            "fec0::1",
            "fe00::1",
            "2606:4700::1",
            "[2606:4700::1]:443",
            "::ffff:8.8.8.8",
            "blog.example",
            "localhost.example.com",
            "notlocalhost",
            "",
        ] {
            assert!(!is_private_host(host), "{host:?} should not be private");
        }
    }

    #[test]
    fn reserved_hosts() {
        for host in [
            "test",
            "foo.test",
            "example",
            "blog.example",
            "x.invalid",
            "a.localhost",
            "example.com",
            "www.example.com",
            "EXAMPLE.ORG.",
            "example.net",
            "a.example.edu",
            "blog.example:8080",
        ] {
            assert!(is_reserved_host(host), "{host:?} should be reserved");
        }
        for host in [
            "notexample.com",
            "example.co",
            "testing.com",
            "contest",
            "blog.examples",
            "wordpress.org",
            "example.com.au",
            "",
        ] {
            assert!(!is_reserved_host(host), "{host:?} should not be reserved");
        }
    }
}
