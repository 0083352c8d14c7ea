//! The old site's media for `--download-media`: which URLs are files of the
//! site (its hosts and its attachments' hosts; uploads paths, attachment
//! URLs and media file extensions), where each goes in the new site (the
//! same path under the generator's static directory, so `/wp-content/…`
//! URLs keep their shape), and which file to fetch: the original when a
//! `-300x200` resized copy of a known attachment is shown.

use super::plan::{Taken, unique};
use crate::site::{SiteIndex, clean_url, host_of};
use crate::transform::slug::safe_component;
use std::collections::HashSet;

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
#[derive(Debug, Clone)]
pub struct MediaMap<'a> {
    /// The site's items: its hosts, and its attachments by file URL.
    index: &'a SiteIndex,
    /// Hosts of attachment files that are not the site's (a CDN),
    /// normalized as the index's are.
    file_hosts: HashSet<String>,
    /// `scheme://host` of the site, for root-relative URLs.
    origin: Option<String>,
    /// The generator's static directory (`static/`, `public/`, or none).
    static_dir: &'static str,
}

/// Extensions of files a post links to or shows.
const MEDIA_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "png", "gif", "webp", "avif", "svg", "bmp", "ico", "tif", "tiff", "heic", "pdf", "mp3",
    "m4a", "ogg", "oga", "wav", "flac", "wma", "mp4", "m4v", "mov", "webm", "ogv", "avi", "wmv", "flv", "zip", "gz",
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "epub", "txt", "csv", "key",
];

/// Whether the last segment of a URL's path has the extension of a file
/// a post links to or shows ([`MEDIA_EXTENSIONS`]).
pub(super) fn has_media_extension(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .is_some_and(|e| !e.contains('/') && MEDIA_EXTENSIONS.contains(&e.as_str()))
}

impl<'a> MediaMap<'a> {
    /// A map for the site of `index`, whose root-relative URLs are on the
    /// first of `site_urls` (link, base URLs) with a host, writing under
    /// `static_dir`.
    pub fn new<'u>(
        index: &'a SiteIndex,
        site_urls: impl IntoIterator<Item = &'u str>,
        static_dir: &'static str,
    ) -> MediaMap<'a> {
        let origin = site_urls.into_iter().find_map(|u| {
            host_of(u)?;
            let scheme = if u.starts_with("https:") { "https" } else { "http" };
            let raw_host = u.split("://").nth(1)?.split(['/', '?', '#']).next()?;
            Some(format!("{scheme}://{raw_host}"))
        });
        let file_hosts = index
            .items()
            .iter()
            .filter_map(|i| i.attachment_url.as_deref())
            .filter(|u| !index.is_self_url(u))
            .filter_map(host_of)
            .collect();
        MediaMap {
            index,
            file_hosts,
            origin,
            static_dir,
        }
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
        if !(self.index.is_self_url(&absolute) || self.file_hosts.contains(&host_of(&absolute)?)) {
            return None;
        }
        let bare = absolute.split(['?', '#']).next().unwrap_or("");
        let path = super::plan::url_path(bare);
        // The attachment this file is, or is a resized copy of.
        let original = self
            .index
            .attachment(bare)
            .and_then(|a| a.attachment_url.as_deref())
            .map(clean_url);
        if !(original.is_some() || has_media_extension(&path) || path.contains("/wp-content/uploads/"))
            || path.ends_with('/')
        {
            return None;
        }
        // The attachment's own file: the original of a resized copy.
        let (source, path) = match original {
            Some(orig) => {
                let orig = orig.split(['?', '#']).next().unwrap_or("").to_string();
                let p = super::plan::url_path(&orig);
                (orig, p)
            }
            None => (bare.to_string(), path),
        };
        let mut segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| safe_component(&percent_decode(s), MAX_NAME, "_"))
            .collect();
        // The file's own name keeps its extension when it is cut.
        if let (Some(last), Some(name)) = (segments.last_mut(), path.rsplit('/').next()) {
            *last = file_name(&percent_decode(name));
        }
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

/// Longest name of a folder or file written, in bytes.
const MAX_NAME: usize = 200;

/// A file name made safe ([`safe_component`]), cut to [`MAX_NAME`] bytes
/// before its extension, which stays: two long names cut to one prefix are
/// then one name, which [`settle`] tells apart.
fn file_name(name: &str) -> String {
    let Some((stem, ext)) = name
        .rsplit_once('.')
        .filter(|(s, e)| !s.is_empty() && (1..=10).contains(&e.len()) && e.bytes().all(|b| b.is_ascii_alphanumeric()))
    else {
        return safe_component(name, MAX_NAME, "_");
    };
    format!("{}.{ext}", safe_component(stem, MAX_NAME - ext.len() - 1, "_"))
}

/// The files to write for `wanted` (in order; a file fetched from one URL
/// once), each with a name of its own: names that one file system holds as
/// one file (`a:b.jpg`, made safe, and `a-b.jpg`; `Photo.JPG` and
/// `photo.jpg`; NFC and NFD; long names cut to one prefix) get `-2`, `-3`…
/// before the extension, as the plan suffixes pages. Returns the files and
/// the names changed, (wanted, given).
pub fn settle(wanted: impl IntoIterator<Item = Local>) -> (Vec<Local>, Vec<(String, String)>) {
    let mut sources = HashSet::new();
    let mut taken = Taken::default();
    let mut files = Vec::new();
    let mut renamed = Vec::new();
    for mut l in wanted {
        if !sources.insert(l.source.clone()) {
            continue;
        }
        let file = unique(&l.file, &mut taken);
        if file != l.file {
            let name = file.rsplit('/').next().unwrap_or(&file);
            l.url = match l.url.rsplit_once('/') {
                Some((dir, _)) => format!("{dir}/{}", encode_segment(name)),
                None => l.url,
            };
            renamed.push((std::mem::replace(&mut l.file, file.clone()), file));
        }
        files.push(l);
    }
    (files, renamed)
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
    use crate::site::IndexItem;

    fn index() -> SiteIndex {
        let mut index = SiteIndex::new(Some("https://blog.example/"), None, None, &[]);
        for (id, url) in [
            (1, "https://blog.example/wp-content/uploads/2010/05/photo.jpg"),
            (2, "https://cdn.example/files/2011/report.pdf"),
            (3, "http://www.blog.example/wp-content/uploads/2012/caf%C3%A9.png"),
        ] {
            index.add_item(IndexItem {
                id: Some(id),
                kind: "attachment".into(),
                attachment_url: Some(url.into()),
                ..IndexItem::default()
            });
        }
        index
    }

    fn map(index: &SiteIndex) -> MediaMap<'_> {
        MediaMap::new(index, ["https://blog.example/"], "static/")
    }

    #[test]
    fn site_files_keep_their_path_under_the_static_dir() {
        let l = map(&index())
            .local("http://www.blog.example/wp-content/uploads/2010/05/other.png?w=1024")
            .unwrap();
        assert_eq!(l.file, "static/wp-content/uploads/2010/05/other.png");
        assert_eq!(l.url, "/wp-content/uploads/2010/05/other.png");
        assert_eq!(l.source, "http://www.blog.example/wp-content/uploads/2010/05/other.png");
    }

    #[test]
    fn resized_copies_of_attachments_become_the_original() {
        let l = map(&index())
            .local("https://blog.example/wp-content/uploads/2010/05/photo-300x200.jpg")
            .unwrap();
        assert_eq!(l.url, "/wp-content/uploads/2010/05/photo.jpg");
        assert_eq!(l.source, "https://blog.example/wp-content/uploads/2010/05/photo.jpg");
        // Not an attachment's copy: kept as it is.
        let l = map(&index())
            .local("https://blog.example/wp-content/uploads/2010/05/x-300x200.jpg")
            .unwrap();
        assert_eq!(l.url, "/wp-content/uploads/2010/05/x-300x200.jpg");
        // Attachments are found as the site index finds them: any scheme,
        // `www.` or not, escapes normalized; the file is the attachment's.
        let l = map(&index())
            .local("https://blog.example/wp-content/uploads/2012/café-300x200.png")
            .unwrap();
        assert_eq!(
            l.source,
            "http://www.blog.example/wp-content/uploads/2012/caf%C3%A9.png"
        );
        assert_eq!(l.file, "static/wp-content/uploads/2012/café.png");
    }

    #[test]
    fn attachment_hosts_root_relative_and_other_hosts() {
        let index = index();
        let m = map(&index);
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
        let index = index();
        let m = map(&index);
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

    #[test]
    fn long_names_keep_their_extension_and_names_held_as_one_are_told_apart() {
        let index = index();
        let m = map(&index);
        let long = |c: &str| format!("https://blog.example/wp-content/uploads/{}{c}.jpeg", "x".repeat(300));
        let (a, b) = (m.local(&long("a")).unwrap(), m.local(&long("b")).unwrap());
        let name = a.file.rsplit('/').next().unwrap();
        assert!(name.ends_with(".jpeg") && name.len() == 200, "{name}");
        assert_eq!(a.file, b.file);
        let wanted = [
            a,
            b,
            m.local("https://blog.example/wp-content/uploads/Caf\u{e9}.png")
                .unwrap(),
            m.local("https://blog.example/wp-content/uploads/cafe\u{301}.PNG")
                .unwrap(),
            m.local("https://blog.example/wp-content/uploads/a:b.jpg").unwrap(),
            m.local("https://blog.example/wp-content/uploads/a-b.jpg").unwrap(),
            // The same file shown twice is one file.
            m.local("https://blog.example/wp-content/uploads/a-b.jpg").unwrap(),
        ];
        let (files, renamed) = settle(wanted);
        let names: Vec<&str> = files.iter().map(|l| l.file.rsplit('/').next().unwrap()).collect();
        assert_eq!(names.len(), 6);
        assert!(names[1].ends_with("-2.jpeg"), "{}", names[1]);
        assert_eq!(names[2..], ["Café.png", "cafe\u{301}-2.PNG", "a-b.jpg", "a-b-2.jpg"]);
        assert_eq!(files[5].url, "/wp-content/uploads/a-b-2.jpg");
        assert_eq!(renamed.len(), 3);
    }
}
