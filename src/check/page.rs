//! What a fetched source page says: its character set, title and links.
//!
//! The charset comes from a byte order mark, else the `Content-Type`
//! header, else a `<meta>` in the first 1024 bytes, else UTF-8 when the
//! bytes are valid UTF-8, else windows-1252 (what browsers fall back to).
//! HTML is read by html5ever's tokenizer, as a browser tokenizes it, and
//! the links are the `href` of every `<a>` and `<area>` tag, resolved
//! against the first `<base href>` or the page's final URL; the title is
//! the text of the first `<title>`. A `text/plain` page's links are the
//! URLs written in its text.
//!
//! No tree is built: html5ever's tree builder walks the stack of open
//! elements at each tag, so a page of deeply nested elements (1 MiB of
//! `<div>`s) took minutes, and the title and the links need no tree. What
//! the tree builder tells the tokenizer is done here instead: the text of
//! `<title>` and `<textarea>`, of `<script>`, `<style>`, `<xmp>`,
//! `<iframe>`, `<noembed>`, `<noframes>` and `<noscript>` (scripting on,
//! as in a browser), and all after `<plaintext>`, is text, not tags, except
//! inside SVG and MathML (left at the first HTML tag that ends them, as
//! the tree builder leaves them). The one difference with a tree: a link
//! is counted once per tag written, where the tree builder copies an `<a>`
//! left open into each following paragraph.

use encoding_rs::Encoding;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use std::cell::RefCell;

/// A link on a page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// As written in the page (entities decoded).
    pub href: String,
    /// Resolved to an absolute URL.
    pub url: String,
}

/// A decoded page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Page {
    /// HTML (or XHTML); otherwise links come from plain text, or none.
    pub html: bool,
    /// `text/plain`.
    pub plain: bool,
    /// The charset used.
    pub charset: String,
    /// The declared charset was unknown, or bytes were invalid in it.
    pub charset_fallback: bool,
    /// The declared charset cannot be decoded (the WHATWG "replacement"
    /// encodings such as ISO-2022-KR): the links are unknown.
    #[serde(default)]
    pub undecodable: bool,
    /// `<title>`, whitespace collapsed.
    pub title: Option<String>,
    /// Every link, in page order.
    pub links: Vec<Link>,
}

/// The media type of a `Content-Type` value, lowercased.
pub fn media_type(content_type: Option<&str>) -> Option<String> {
    content_type.map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

fn header_charset(content_type: Option<&str>) -> Option<String> {
    let ct = content_type?;
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset")).then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// A `<meta charset>` or `<meta http-equiv content="…; charset=…">` in the
/// first 1024 bytes.
fn meta_charset(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(1024)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<meta") {
        let tag_end = rest[i..].find('>').map_or(rest.len(), |e| i + e);
        let tag = &rest[i..tag_end];
        if let Some(c) = tag.find("charset") {
            let v = tag[c + 7..].trim_start();
            if let Some(v) = v.strip_prefix('=') {
                let v = v.trim_start().trim_start_matches(['"', '\'']);
                let end = v
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || "-_:.".contains(ch)))
                    .unwrap_or(v.len());
                if end > 0 {
                    return Some(v[..end].to_string());
                }
            }
        }
        rest = &rest[tag_end..];
    }
    None
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let t = start.trim_start_matches('\u{feff}').trim_start();
    t.starts_with("<!doctype html") || t.starts_with("<html") || t.starts_with("<head") || t.starts_with("<body")
}

/// Decodes `body` (a response of type `content_type` from `final_url`;
/// `truncated` when the body was cut at the size limit, maybe within a
/// character).
pub fn read(body: &[u8], content_type: Option<&str>, final_url: &str, truncated: bool) -> Page {
    let media = media_type(content_type);
    let html = match media.as_deref() {
        Some("text/html" | "application/xhtml+xml") => true,
        None | Some("" | "application/octet-stream") => looks_like_html(body),
        _ => false,
    };
    let plain = media.as_deref() == Some("text/plain");
    let mut page = Page {
        html,
        plain,
        ..Page::default()
    };
    if !html && !plain {
        return page;
    }
    let header = header_charset(content_type);
    let meta = if html && header.is_none() {
        meta_charset(body)
    } else {
        None
    };
    let declared = header.as_ref().or(meta.as_ref());
    let (encoding, unknown_label) = match Encoding::for_bom(body) {
        Some((e, _)) => (e, false),
        None => match declared {
            Some(label) => match Encoding::for_label(label.as_bytes()) {
                // A <meta> cannot declare UTF-16: the bytes it is read from
                // are ASCII-compatible (the HTML rule: take it as UTF-8).
                Some(e) if meta.is_some() && (e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE) => {
                    (encoding_rs::UTF_8, false)
                }
                Some(e) => (e, false),
                None => (fallback(body, truncated), true),
            },
            None => (fallback(body, truncated), false),
        },
    };
    if encoding == encoding_rs::REPLACEMENT {
        page.charset = encoding.name().to_ascii_lowercase();
        page.undecodable = true;
        return page;
    }
    let (text, used, errors) = encoding.decode(body);
    page.charset = used.name().to_ascii_lowercase();
    // A character cut by the size limit is not a wrong charset.
    let cut_only = truncated && used == encoding_rs::UTF_8 && cut_utf8(body);
    page.charset_fallback = unknown_label || (errors && !cut_only);
    let base = url::Url::parse(final_url).ok();
    if plain {
        page.links = crate::site::extract_urls(&text)
            .into_iter()
            .filter_map(|href| {
                let url = url::Url::parse(&href).ok()?;
                Some(Link {
                    href,
                    url: url.to_string(),
                })
            })
            .collect();
        return page;
    }
    let found = tokens(&text);
    page.title = found
        .title
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    let join = |b: Option<&url::Url>, h: &str| match b {
        Some(b) => b.join(h.trim()).ok(),
        None => url::Url::parse(h.trim()).ok(),
    };
    let base = found.base.and_then(|h| join(base.as_ref(), &h)).or(base);
    for href in found.hrefs {
        if let Some(u) = join(base.as_ref(), &href).filter(|u| matches!(u.scheme(), "http" | "https")) {
            page.links.push(Link {
                href,
                url: u.to_string(),
            });
        }
    }
    page
}

/// What the tags of a page give.
#[derive(Debug, Default)]
struct Found {
    /// The text of the first `<title>` (a space for each tag in it).
    title: Option<String>,
    /// Within that first `<title>`.
    in_title: bool,
    /// The `href` of the first `<base href>`.
    base: Option<String>,
    /// The `href` of each `<a>` and `<area>`, in page order.
    hrefs: Vec<String>,
    /// Open `<svg>` and `<math>` elements (foreign content).
    foreign: usize,
    /// Tokens seen: the work done, one step per token.
    tokens: u64,
}

/// The HTML elements that end SVG and MathML content (the tree builder's
/// "breakout" list; `<font>` only with its attributes, taken here as
/// always).
const BREAKOUT: &str = "b big blockquote body br center code dd div dl dt em embed font h1 h2 h3 h4 h5 h6 head hr i \
    img li listing menu meta nobr ol p pre ruby s small span strike strong sub sup table tt u ul var";

impl Found {
    /// One tag: what it says, and the state the tokenizer goes on in.
    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if self.in_title {
            // Only in foreign content can a title hold tags.
            if tag.kind == TagKind::EndTag && name == "title" {
                self.in_title = false;
            } else if let Some(t) = &mut self.title {
                t.push(' ');
            }
        }
        let attr = |n: &str| {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == n)
                .map(|a| a.value.to_string())
        };
        if tag.kind == TagKind::EndTag {
            if self.foreign > 0 && (matches!(name, "svg" | "math")) {
                self.foreign -= 1;
            } else if self.foreign > 0 && matches!(name, "br" | "p") {
                self.foreign = 0;
            }
            return TokenSinkResult::Continue;
        }
        match name {
            "a" | "area" => self.hrefs.extend(attr("href")),
            "base" if self.base.is_none() => self.base = attr("href"),
            "title" if self.title.is_none() => {
                self.title = Some(String::new());
                self.in_title = !tag.self_closing || self.foreign == 0;
            }
            _ => {}
        }
        if self.foreign > 0 {
            if matches!(name, "svg" | "math") && !tag.self_closing {
                self.foreign += 1;
            } else if BREAKOUT.split_ascii_whitespace().any(|b| b == name) {
                self.foreign = 0;
            } else {
                return TokenSinkResult::Continue;
            }
        }
        // HTML content (a self-closing flag means nothing on these).
        match name {
            "svg" | "math" if !tag.self_closing => {
                self.foreign = 1;
                TokenSinkResult::Continue
            }
            "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

/// Collects [`Found`] from the tokens.
struct Sink(RefCell<Found>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut found = self.0.borrow_mut();
        found.tokens += 1;
        match token {
            Token::TagToken(tag) => found.tag(&tag),
            Token::CharacterTokens(text) if found.in_title => {
                if let Some(t) = &mut found.title {
                    t.push_str(&text);
                }
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }

    /// `<![CDATA[` starts a CDATA section in SVG and MathML only.
    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.0.borrow().foreign > 0
    }
}

/// The title, base and links of an HTML page, in one pass of the
/// tokenizer.
fn tokens(text: &str) -> Found {
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Found::default())), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    // The sink never asks for a script to run, so one call reads it all.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    std::mem::take(&mut *tokenizer.sink.0.borrow_mut())
}

/// UTF-8 when the bytes are (a cut-off body may end within a character),
/// else windows-1252.
fn fallback(body: &[u8], truncated: bool) -> &'static Encoding {
    if std::str::from_utf8(body).is_ok() || (truncated && cut_utf8(body)) {
        encoding_rs::UTF_8
    } else {
        encoding_rs::WINDOWS_1252
    }
}

/// Valid UTF-8 but for an incomplete character at the very end.
fn cut_utf8(body: &[u8]) -> bool {
    matches!(std::str::from_utf8(body), Err(e) if e.error_len().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_base_and_entities_are_decoded() {
        let html = br#"<html><head><title> Re:  hello </title><base href="http://blog.test/2009/"></head>
            <body><a href="05/hello/">x</a><area href="/?p=12&amp;x=1"><a href="mailto:a@b">m</a>
            <!-- <a href="http://hidden.test/">no</a> --></body></html>"#;
        let p = read(html, Some("text/html"), "http://other.test/page", false);
        assert_eq!(p.title.as_deref(), Some("Re: hello"));
        let urls: Vec<&str> = p.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["http://blog.test/2009/05/hello/", "http://blog.test/?p=12&x=1"]);
    }

    #[test]
    fn charset_from_header_meta_bom_and_fallback() {
        let latin1 = b"<html><title>caf\xe9</title></html>";
        let p = read(latin1, Some("text/html; charset=iso-8859-1"), "http://a.test/", false);
        assert_eq!(p.title.as_deref(), Some("café"));
        assert!(!p.charset_fallback);
        let meta = b"<html><head><meta charset=\"windows-1252\"><title>\x93q\x94</title></head></html>";
        assert_eq!(
            read(meta, Some("text/html"), "http://a.test/", false).title.as_deref(),
            Some("\u{201c}q\u{201d}")
        );
        let bom = b"\xef\xbb\xbf<html><title>caf\xc3\xa9</title></html>";
        assert_eq!(
            read(bom, Some("text/html; charset=iso-8859-1"), "http://a.test/", false)
                .title
                .as_deref(),
            Some("café")
        );
        let bogus = read(
            b"<title>x\xff</title>",
            Some("text/html; charset=x-bogus"),
            "http://a.test/",
            false,
        );
        assert!(bogus.charset_fallback);
        assert_eq!(bogus.charset, "windows-1252");
    }

    #[test]
    fn plain_text_and_other_types() {
        let p = read(
            b"see http://blog.test/2009/05/hello/ for more",
            Some("text/plain"),
            "http://a.test/x",
            false,
        );
        assert_eq!(p.links.len(), 1);
        assert!(!read(b"%PDF-1.4", Some("application/pdf"), "http://a.test/", false).html);
        assert!(read(b"<!DOCTYPE html><a href=/x>", None, "http://a.test/", false).html);
    }

    #[test]
    fn cut_characters_meta_utf16_and_undecodable_charsets() {
        // The limit cut "é" in half: still UTF-8, no fallback.
        let cut = read(
            b"<a href=\"http://b.test/\">caf\xc3",
            Some("text/html"),
            "http://a.test/",
            true,
        );
        assert_eq!(cut.charset, "utf-8");
        assert!(!cut.charset_fallback);
        assert_eq!(cut.links.len(), 1);
        let utf16 = read(
            b"<meta charset=utf-16><a href=\"/x\">x</a>",
            Some("text/html"),
            "http://a.test/",
            false,
        );
        assert_eq!(utf16.charset, "utf-8");
        assert_eq!(utf16.links.len(), 1, "read as UTF-8, links found");
        let kr = read(
            b"<a href=\"/x\">x</a>",
            Some("text/html; charset=iso-2022-kr"),
            "http://a.test/",
            false,
        );
        assert!(kr.undecodable && kr.links.is_empty());
    }

    #[test]
    fn raw_text_is_text_and_svg_is_left_where_the_tree_builder_leaves_it() {
        let html = br#"<title>Re: <a href="/in-title">x</a></title>
            <script>document.write('<a href="/in-script">')</script><style><a href="/in-style"></style>
            <textarea><a href="/in-textarea"></textarea><noscript><a href="/in-noscript"></noscript>
            <iframe><a href="/in-iframe"></iframe><xmp><a href="/in-xmp"></xmp>
            <svg><style><a href="/svg-style"></style><p><script><a href="/after-svg-script"></script>
            <a href="/kept">k</a><plaintext><a href="/in-plaintext">"#;
        let p = read(html, Some("text/html"), "http://a.test/", false);
        assert_eq!(p.title.as_deref(), Some(r#"Re: <a href="/in-title">x</a>"#));
        let urls: Vec<&str> = p.links.iter().map(|l| l.url.as_str()).collect();
        // In SVG <style> holds tags; the <p> ends the SVG, so the next
        // <script> is script again.
        assert_eq!(urls, ["http://a.test/svg-style", "http://a.test/kept"]);
    }

    #[test]
    fn a_link_counts_once_per_tag_written() {
        // The tree builder put a copy of the unclosed <a> in the second
        // paragraph: two links where the page has one.
        let html = br#"<p><a href="http://blog.test/x/">one</p><p>two</p>"#;
        let p = read(html, Some("text/html"), "http://a.test/", false);
        assert_eq!(p.links.len(), 1);
    }

    #[test]
    fn deep_nesting_is_read_in_one_pass() {
        // 1 MiB of nested <div>s (about 120 s of CPU through the tree
        // builder), then a link and the title: each tag is one token, and
        // a token is one step of constant work.
        let depth = (1 << 20) / 5;
        let html = format!(
            "{}<a href=\"http://blog.test/x/\">x</a><title>Deep</title>",
            "<div>".repeat(depth)
        );
        let found = tokens(&html);
        assert_eq!(found.hrefs, ["http://blog.test/x/"]);
        assert_eq!(found.title.as_deref(), Some("Deep"));
        // <div>s, <a>, "x", </a>, <title>, "Deep", </title>, end of file.
        assert_eq!(found.tokens, depth as u64 + 7);
        let p = read(html.as_bytes(), Some("text/html"), "http://a.test/", false);
        assert_eq!((p.links.len(), p.title.as_deref()), (1, Some("Deep")));
    }
}
