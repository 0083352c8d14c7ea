//! Gutenberg block delimiters: `<!-- wp:name {json} -->` … `<!-- /wp:name -->`
//! and void `<!-- wp:name {json} /-->`.
//!
//! The delimiters are removed and the HTML between them kept, as WordPress
//! renders static blocks. Their attributes are used where the HTML lacks
//! what a static site needs: a code block's `language` becomes a
//! `data-lang` on its `<pre>`, an embed block's `url` becomes an iframe.
//! Void blocks without HTML are dynamic (WordPress renders them at view
//! time: latest posts, archives…); they cannot be reproduced and are
//! reported in [`Stripped::dynamic`].

use std::collections::BTreeMap;

/// True when `content` was written by the block editor.
pub fn has_blocks(content: &str) -> bool {
    content.contains("<!-- wp:")
}

/// The result of [`strip`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stripped {
    /// The content without block delimiters.
    pub html: String,
    /// Blocks met, by name (`core/` left out), with their count.
    pub blocks: BTreeMap<String, u64>,
    /// Dynamic blocks dropped, by name, with their count.
    pub dynamic: BTreeMap<String, u64>,
}

/// A parsed delimiter.
struct Delimiter<'a> {
    closing: bool,
    void: bool,
    name: &'a str,
    attrs: Option<serde_json::Value>,
    end: usize,
}

/// Parses a block delimiter starting at `at` (a `<!--`).
fn delimiter(s: &str, at: usize) -> Option<Delimiter<'_>> {
    let b = s.as_bytes();
    let mut p = at + 4;
    let ws = |p: &mut usize| {
        let start = *p;
        while *p < b.len() && b[*p].is_ascii_whitespace() {
            *p += 1;
        }
        *p > start
    };
    if !ws(&mut p) {
        return None;
    }
    let closing = b.get(p) == Some(&b'/');
    if closing {
        p += 1;
    }
    if !s[p..].starts_with("wp:") {
        return None;
    }
    p += 3;
    let name_start = p;
    while p < b.len() && (b[p].is_ascii_alphanumeric() || matches!(b[p], b'_' | b'-' | b'/')) {
        p += 1;
    }
    let name = s[name_start..p].strip_prefix("core/").unwrap_or(&s[name_start..p]);
    if name.is_empty() || !ws(&mut p) {
        return None;
    }
    let mut attrs = None;
    if b.get(p) == Some(&b'{') {
        // The JSON ends at a `}` followed by whitespace and `-->` or `/-->`.
        let mut q = p;
        let end = loop {
            let rel = memchr::memchr(b'}', &b[q..])?;
            q += rel + 1;
            let mut r = q;
            while r < b.len() && b[r].is_ascii_whitespace() {
                r += 1;
            }
            if r > q && (s[r..].starts_with("-->") || s[r..].starts_with("/-->")) {
                break q;
            }
        };
        attrs = serde_json::from_str(&s[p..end]).ok();
        p = end;
        ws(&mut p);
    }
    let void = s[p..].starts_with("/-->");
    if void {
        p += 1;
    }
    if !s[p..].starts_with("-->") {
        return None;
    }
    Some(Delimiter {
        closing,
        void,
        name,
        attrs,
        end: p + 3,
    })
}

/// How deep reusable blocks are expanded inside one another.
const MAX_REUSE: usize = 8;

/// Removes block delimiters, applying the attributes described in the
/// module doc.
pub fn strip(content: &str) -> Stripped {
    strip_with(content, &|_| None)
}

/// [`strip`], with reusable blocks (`<!-- wp:block {"ref":N} /-->`)
/// replaced by the content of the `wp_block` item `N` that `reusable`
/// gives, as WordPress renders them (its blocks stripped in turn; one
/// that includes itself shows nothing there, as in WordPress, and is
/// reported with the dynamic blocks, like a reference to no block).
pub fn strip_with(content: &str, reusable: &dyn Fn(i64) -> Option<String>) -> Stripped {
    let mut out = Stripped {
        html: String::with_capacity(content.len()),
        ..Stripped::default()
    };
    strip_into(content, reusable, &mut Vec::new(), &mut out);
    out
}

/// [`strip_with`] into `out`, inside the reusable blocks of `chain`.
fn strip_into(content: &str, reusable: &dyn Fn(i64) -> Option<String>, chain: &mut Vec<i64>, out: &mut Stripped) {
    let mut last = 0;
    let mut pending_lang: Option<String> = None;
    let mut search = 0;
    while let Some(rel) = memchr::memmem::find(&content.as_bytes()[search..], b"<!--") {
        let at = search + rel;
        let Some(d) = delimiter(content, at) else {
            search = at + 4;
            continue;
        };
        push_segment(&mut out.html, &content[last..at], &mut pending_lang);
        last = d.end;
        search = d.end;
        if d.closing {
            pending_lang = None;
            continue;
        }
        *out.blocks.entry(d.name.to_string()).or_default() += 1;
        let attr = |k: &str| {
            d.attrs
                .as_ref()
                .and_then(|a| a.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        if d.void {
            let id = (d.name == "block" && chain.len() < MAX_REUSE)
                .then(|| {
                    d.attrs
                        .as_ref()
                        .and_then(|a| a.get("ref"))
                        .and_then(serde_json::Value::as_i64)
                })
                .flatten()
                .filter(|id| !chain.contains(id));
            match id.and_then(|id| Some((id, reusable(id)?))) {
                Some((id, text)) => {
                    chain.push(id);
                    strip_into(&text, reusable, chain, out);
                    chain.pop();
                }
                None => *out.dynamic.entry(d.name.to_string()).or_default() += 1,
            }
            continue;
        }
        pending_lang = attr("language").or_else(|| attr("lang")).filter(|l| is_lang(l));
        let is_embed = d.name == "embed" || d.name.starts_with("core-embed/") || d.name.starts_with("embed/");
        if is_embed && let Some(src) = attr("url").as_deref().and_then(super::shortcodes::embed_url) {
            // The wrapper holds the bare URL: show the player instead.
            if let Some(close) = memchr::memmem::find(&content.as_bytes()[d.end..], b"<!-- /wp:") {
                // The block's caption stays under the player.
                let inner = &content[d.end..d.end + close];
                let caption = inner
                    .find("<figcaption")
                    .and_then(|i| {
                        inner[i..]
                            .find("</figcaption>")
                            .map(|j| &inner[i..i + j + "</figcaption>".len()])
                    })
                    .unwrap_or("");
                out.html.push_str(&format!(
                    "<figure><iframe src=\"{src}\" width=\"560\" height=\"315\" frameborder=\"0\" allowfullscreen></iframe>{caption}</figure>"
                ));
                last = d.end + close;
                search = last;
            }
        }
    }
    push_segment(&mut out.html, &content[last..], &mut pending_lang);
}

/// Copies HTML between delimiters, giving the first `<pre` the pending
/// language.
fn push_segment(out: &mut String, seg: &str, lang: &mut Option<String>) {
    if let Some(l) = lang.as_deref()
        && let Some(i) = seg.find("<pre")
    {
        let after = i + 4;
        out.push_str(&seg[..after]);
        out.push_str(&format!(" data-lang=\"{l}\""));
        out.push_str(&seg[after..]);
        *lang = None;
        return;
    }
    out.push_str(seg);
}

fn is_lang(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'#' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_go_html_stays() {
        let s = strip(
            "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:heading {\"level\":3} -->\n<h3>Two</h3>\n<!-- /wp:heading -->",
        );
        assert_eq!(s.html, "\n<p>One</p>\n\n\n\n<h3>Two</h3>\n");
        assert_eq!(s.blocks.get("paragraph"), Some(&1));
        assert_eq!(s.blocks.get("heading"), Some(&1));
    }

    #[test]
    fn reusable_blocks_are_expanded_and_a_loop_stops() {
        let reusable = |id: i64| match id {
            7 => Some("<!-- wp:paragraph --><p>Signed</p><!-- /wp:paragraph -->".to_string()),
            8 => Some("<p>Loop</p><!-- wp:block {\"ref\":8} /-->".to_string()),
            _ => None,
        };
        let s = strip_with(
            "<p>A</p><!-- wp:block {\"ref\":7} /--><!-- wp:block {\"ref\":9} /-->",
            &reusable,
        );
        assert_eq!(s.html, "<p>A</p><p>Signed</p>");
        assert_eq!(s.dynamic.get("block"), Some(&1));
        let s = strip_with("<!-- wp:block {\"ref\":8} /-->", &reusable);
        assert_eq!(s.html, "<p>Loop</p>");
        assert_eq!(s.dynamic.get("block"), Some(&1));
    }

    #[test]
    fn an_embed_keeps_its_caption() {
        let s = strip(
            "<!-- wp:embed {\"url\":\"https://youtu.be/abcDEF12345\"} --><figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">\nhttps://youtu.be/abcDEF12345\n</div><figcaption>Au tour</figcaption></figure><!-- /wp:embed -->",
        );
        assert!(
            s.html.ends_with("</iframe><figcaption>Au tour</figcaption></figure>"),
            "{}",
            s.html
        );
    }

    #[test]
    fn code_language_and_embeds_come_from_attributes() {
        let s = strip(
            "<!-- wp:code {\"language\":\"python\"} --><pre class=\"wp-block-code\"><code>print(1)</code></pre><!-- /wp:code -->",
        );
        assert_eq!(
            s.html,
            "<pre data-lang=\"python\" class=\"wp-block-code\"><code>print(1)</code></pre>"
        );
        let s = strip(
            "<!-- wp:embed {\"url\":\"https://www.youtube.com/watch?v=abcDEF12345\",\"type\":\"video\"} --><figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=abcDEF12345\n</div></figure><!-- /wp:embed -->",
        );
        assert!(
            s.html
                .starts_with("<figure><iframe src=\"https://www.youtube.com/embed/abcDEF12345\""),
            "{}",
            s.html
        );
    }

    #[test]
    fn dynamic_blocks_are_reported_and_other_comments_kept() {
        let s = strip("<!-- wp:latest-posts {\"postsToShow\":3} /--><p>x</p><!-- a comment --><!--more-->");
        assert_eq!(s.html, "<p>x</p><!-- a comment --><!--more-->");
        assert_eq!(s.dynamic.get("latest-posts"), Some(&1));
    }

    #[test]
    fn namespaced_blocks_and_json_with_braces() {
        let s =
            strip("<!-- wp:acme/box {\"style\":{\"color\":{\"text\":\"#fff\"}}} --><div>in</div><!-- /wp:acme/box -->");
        assert_eq!(s.html, "<div>in</div>");
        assert_eq!(s.blocks.get("acme/box"), Some(&1));
        assert!(!has_blocks(&s.html));
    }
}
