//! The old site's media for `--download-media`: which URLs are files of the
//! site (its hosts and its attachments' hosts; uploads paths, attachment
//! URLs and media file extensions), where each goes in the new site (the
//! same path under the generator's static directory, so `/wp-content/…`
//! URLs keep their shape), and which file to fetch: the original when a
//! `-300x200` resized copy of a known attachment is shown.

use crate::site::original_size;
use crate::transform::shortcodes;
use crate::transform::slug::safe_component;
use regex::Regex;
use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

/// The HTML attributes whose values may be media files.
const HTML_ATTRIBUTES: &[&str] = &["src", "href", "poster", "srcset", "data-src"];

/// URLs in attributes (HTML, and the handled shortcodes' media attributes
/// such as `[audio mp3="…"]`) and bare http(s) URLs in text.
static URLS: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<String> = HTML_ATTRIBUTES.iter().map(|a| regex::escape(a)).collect();
    for a in shortcodes::media_attributes()
        .iter()
        .filter(|a| !HTML_ATTRIBUTES.contains(a))
    {
        names.push(regex::escape(a));
    }
    Regex::new(&format!(
        r#"(?i)\b(?:{})\s*=\s*(?:"([^"]*)"|'([^']*)')|(https?://[^\s"'<>\[\]()]+)"#,
        names.join("|")
    ))
    .expect("a valid regex")
});

/// Adds to `out` every URL of `content` that may be a media file: the
/// candidates for [`MediaMap::local`], found before the bodies are converted.
pub fn find_urls(content: &str, out: &mut BTreeSet<String>) {
    for c in URLS.captures_iter(content) {
        let Some(m) = c.get(1).or(c.get(2)).or(c.get(3)) else {
            continue;
        };
        // A srcset lists URLs with their sizes.
        for part in m.as_str().split(',') {
            if let Some(url) = part.split_whitespace().next()
                && url.contains('/')
            {
                out.insert(url.replace("&amp;", "&"));
            }
        }
    }
}

/// A media file of the old site, as it will be on the new one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Local {
    /// The file, relative to the site directory.
    pub file: String,
    /// Its URL on the new site (root-relative).
    pub url: String,
    /// The URL to download it from.
    pub source: String,
}

/// Maps the old site's media URLs to local files.
#[derive(Debug, Clone, Default)]
pub struct MediaMap {
    /// Hosts whose files are downloaded, lower-cased, without `www.`.
    hosts: Vec<String>,
    /// `scheme://host` of the site, for root-relative URLs.
    origin: Option<String>,
    /// Attachment URLs without scheme, `www.` or query: the originals.
    attachments: HashSet<String>,
    /// The generator's static directory (`static/`, `public/`, or none).
    static_dir: &'static str,
}

/// Extensions of files a post links to or shows.
const MEDIA_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp", "ico", "tif", "tiff", "heic", "pdf", "mp3", "m4a",
    "ogg", "oga", "wav", "flac", "mp4", "m4v", "mov", "webm", "ogv", "avi", "wmv", "zip", "gz", "doc", "docx", "xls",
    "xlsx", "ppt", "pptx", "odt", "ods", "odp", "epub", "txt", "csv", "key",
];

impl MediaMap {
    /// A map for a site at `site_urls` (link, base URLs) with these
    /// attachment URLs, writing under `static_dir`.
    pub fn new<'a>(
        site_urls: impl IntoIterator<Item = &'a str>,
        attachment_urls: impl IntoIterator<Item = &'a str>,
        static_dir: &'static str,
    ) -> MediaMap {
        let mut map = MediaMap {
            static_dir,
            ..MediaMap::default()
        };
        for u in site_urls {
            if let Some(h) = crate::site::host_of(u) {
                if map.origin.is_none() {
                    let scheme = if u.starts_with("https:") { "https" } else { "http" };
                    let raw_host = u.split("://").nth(1).and_then(|r| r.split(['/', '?', '#']).next());
                    map.origin = raw_host.map(|rh| format!("{scheme}://{rh}"));
                }
                if !map.hosts.contains(&h) {
                    map.hosts.push(h);
                }
            }
        }
        for u in attachment_urls {
            if let Some(h) = crate::site::host_of(u)
                && !map.hosts.contains(&h)
            {
                map.hosts.push(h);
            }
            map.attachments.insert(key(u));
        }
        map
    }

    /// The local file for `url` when it is a media file of the site.
    pub fn local(&self, url: &str) -> Option<Local> {
        let url = url.trim();
        let absolute = if url.starts_with("//") {
            format!("https:{url}")
        } else if url.starts_with('/') {
            format!("{}{url}", self.origin.as_deref()?)
        } else {
            url.to_string()
        };
        let host = crate::site::host_of(&absolute)?;
        if !self.hosts.contains(&host) {
            return None;
        }
        let bare = absolute.split(['?', '#']).next().unwrap_or("");
        let path = super::plan::url_path(bare);
        let is_attachment = self.attachments.contains(&key(bare));
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        let is_media = ext
            .as_deref()
            .is_some_and(|e| !e.contains('/') && MEDIA_EXTENSIONS.contains(&e));
        if !(is_attachment || is_media || path.contains("/wp-content/uploads/")) || path.ends_with('/') {
            return None;
        }
        // Prefer the original over a resized copy of a known attachment.
        let (source, path) = match original_size(bare) {
            Some(orig) if self.attachments.contains(&key(&orig)) => {
                let p = super::plan::url_path(&orig);
                (orig, p)
            }
            _ => (bare.to_string(), path),
        };
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| safe_component(&percent_decode(s), 200, "_"))
            .collect();
        if segments.is_empty() {
            return None;
        }
        let file = format!("{}{}", self.static_dir, segments.join("/"));
        let url = segments.iter().fold(String::new(), |mut acc, s| {
            acc.push('/');
            acc.push_str(&encode_segment(s));
            acc
        });
        Some(Local { file, url, source })
    }
}

/// An attachment URL compared without scheme, `www.` and query.
fn key(url: &str) -> String {
    let bare = url.split(['?', '#']).next().unwrap_or("");
    let rest = bare.split_once("://").map_or(bare, |(_, r)| r);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    match rest.split_once('/') {
        Some((host, path)) => format!("{}/{path}", host.to_lowercase()),
        None => rest.to_lowercase(),
    }
}

/// A URL path segment as the file name the web server read it as:
/// every `%XX` decoded when the result is UTF-8, else the segment as it is.
/// (A decoded `/` or control character is made safe by [`safe_component`].)
fn percent_decode(s: &str) -> String {
    String::from_utf8(crate::transform::slug::percent_decode(s)).unwrap_or_else(|_| s.to_string())
}

/// A path segment as a URL: characters that end or break a URL encoded.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ' ' | '%' | '?' | '#' | '(' | ')' | '<' | '>' | '"' | '\'' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> MediaMap {
        MediaMap::new(
            ["https://blog.example/"],
            [
                "https://blog.example/wp-content/uploads/2010/05/photo.jpg",
                "https://cdn.example/files/2011/report.pdf",
            ],
            "static/",
        )
    }

    #[test]
    fn candidate_urls_in_attributes_shortcodes_srcsets_and_text() {
        let mut found = BTreeSet::new();
        find_urls(
            r##"<img src="/a.jpg" srcset="/a-300x200.jpg 300w, /a-1024x768.jpg 1024w"> [audio mp3='https://x.example/s.mp3']
see https://x.example/doc.pdf, (or https://x.example/b.png) <a href="#top">top</a>"##,
            &mut found,
        );
        let want = [
            "/a-1024x768.jpg",
            "/a-300x200.jpg",
            "/a.jpg",
            "https://x.example/b.png",
            "https://x.example/doc.pdf",
            "https://x.example/s.mp3",
        ];
        assert_eq!(found.iter().map(String::as_str).collect::<Vec<_>>(), want);
    }

    #[test]
    fn every_media_attribute_of_a_handled_shortcode_is_a_candidate() {
        // `wma` was missing from the list written apart from the handlers.
        let mut found = BTreeSet::new();
        find_urls(
            r#"[audio wma="/up/s.wma"][video wmv='/up/v.wmv' poster="/up/p.jpg"]"#,
            &mut found,
        );
        assert_eq!(
            found.iter().map(String::as_str).collect::<Vec<_>>(),
            ["/up/p.jpg", "/up/s.wma", "/up/v.wmv"]
        );
        for a in shortcodes::media_attributes() {
            let mut found = BTreeSet::new();
            find_urls(&format!("[x {a}=\"/up/f\"]"), &mut found);
            assert!(found.contains("/up/f"), "{a}");
        }
    }

    #[test]
    fn site_files_keep_their_path_under_the_static_dir() {
        let l = map()
            .local("http://www.blog.example/wp-content/uploads/2010/05/other.png?w=1024")
            .unwrap();
        assert_eq!(l.file, "static/wp-content/uploads/2010/05/other.png");
        assert_eq!(l.url, "/wp-content/uploads/2010/05/other.png");
        assert_eq!(l.source, "http://www.blog.example/wp-content/uploads/2010/05/other.png");
    }

    #[test]
    fn resized_copies_of_attachments_become_the_original() {
        let l = map()
            .local("https://blog.example/wp-content/uploads/2010/05/photo-300x200.jpg")
            .unwrap();
        assert_eq!(l.url, "/wp-content/uploads/2010/05/photo.jpg");
        assert_eq!(l.source, "https://blog.example/wp-content/uploads/2010/05/photo.jpg");
        // Not an attachment's copy: kept as it is.
        let l = map()
            .local("https://blog.example/wp-content/uploads/2010/05/x-300x200.jpg")
            .unwrap();
        assert_eq!(l.url, "/wp-content/uploads/2010/05/x-300x200.jpg");
    }

    #[test]
    fn attachment_hosts_root_relative_and_other_hosts() {
        let m = map();
        assert_eq!(
            m.local("https://cdn.example/files/2011/report.pdf").unwrap().file,
            "static/files/2011/report.pdf"
        );
        let l = m.local("/wp-content/uploads/a.gif").unwrap();
        assert_eq!(l.source, "https://blog.example/wp-content/uploads/a.gif");
        assert_eq!(m.local("https://elsewhere.example/wp-content/uploads/a.gif"), None);
        // Pages of the site are not media.
        assert_eq!(m.local("https://blog.example/2010/05/hello/"), None);
        assert_eq!(m.local("https://blog.example/about"), None);
    }

    #[test]
    fn names_are_decoded_made_safe_and_cannot_climb() {
        let m = map();
        let l = m
            .local("https://blog.example/wp-content/uploads/%C3%A9t%C3%A9%20(1).jpg")
            .unwrap();
        assert_eq!(l.file, "static/wp-content/uploads/été (1).jpg");
        assert_eq!(l.url, "/wp-content/uploads/été%20%281%29.jpg");
        let l = m
            .local("https://blog.example/wp-content/uploads/../../etc/a%2F..%2Fb.png")
            .unwrap();
        assert!(!l.file.split('/').any(|s| s == ".." || s.is_empty()), "{}", l.file);
        let l = m.local("https://blog.example/wp-content/uploads/CON.jpg").unwrap();
        assert_eq!(l.file, "static/wp-content/uploads/_CON.jpg");
    }
}
