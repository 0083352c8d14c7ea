//! One post body, from WordPress's stored content to Markdown, through
//! WordPress's own filters in WordPress's order (`the_content`
//! priorities): first the code shortcodes (SyntaxHighlighter's priority 7:
//! their content is code, kept byte for byte and out of every later step),
//! `[embed]` and bare URLs alone on their line or paragraph (priority 8);
//! then block delimiters (block content skips wpautop, as in WordPress),
//! else wpautop; then shortcode_unautop for the shortcodes expanded here,
//! the other shortcodes, and finally HTML → Markdown with internal links
//! rewritten (what is nested too deep to follow written as text, and
//! counted).
//!
//! The footnotes of the block editor live outside the content, in the
//! `footnotes` postmeta (JSON: `[{"id": …, "content": …}, …]`). For a body
//! with the footnotes block or a reference, their list is rendered as
//! WordPress renders the footnotes block, but at the end of the HTML (where
//! Markdown puts footnote definitions anyway), and the block is no longer
//! reported as dynamic; the converter turns the list and the references
//! into GFM footnotes.

use crate::transform::autop::{shortcode_unautop, wpautop};
use crate::transform::blocks;
use crate::transform::html;
use crate::transform::shortcodes::{self, Media};
use std::collections::BTreeMap;

/// A converted body and what the conversion met.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// The Markdown, with the generator's summary divider for `<!--more-->`.
    pub markdown: String,
    /// The body had a summary divider.
    pub more: bool,
    /// Shortcodes kept as written, with counts.
    pub unknown_shortcodes: BTreeMap<String, u64>,
    /// Elements kept as raw HTML, with counts.
    pub raw_html: BTreeMap<String, u64>,
    /// Dynamic blocks that could not be rendered, with counts.
    pub dynamic_blocks: BTreeMap<String, u64>,
    /// `[gallery]` ids that are not attachments of the export.
    pub missing_attachments: Vec<i64>,
    /// `[gallery]`s that show no image.
    pub empty_galleries: u64,
    /// Every image's URL, as written in the HTML.
    pub images: Vec<String>,
    /// Footnote references without a text (kept as their number), by id.
    pub missing_footnotes: Vec<String>,
    /// Footnote texts without a reference (still written), by id.
    pub unreferenced_footnotes: Vec<String>,
    /// Elements nested too deep to follow, whose content is written as
    /// text, with counts (see [`html::MAX_DEPTH`]).
    pub flattened: BTreeMap<String, u64>,
}

/// What converting a body needs from the rest of the site.
pub struct Context<'a> {
    /// The export's attachments, and the item's own, for `[gallery]`,
    /// `[audio]` and `[video]`.
    pub media: Media<'a>,
    /// The content of the reusable block (`wp_block` item) with this id.
    pub reusable: &'a dyn Fn(i64) -> Option<String>,
    /// The new URL of an old one of the site, for internal links.
    pub link: &'a dyn Fn(&str) -> Option<String>,
    /// What `<!--more-->` becomes.
    pub more: &'a str,
    /// The item's `footnotes` postmeta, if any: the block editor's
    /// footnotes, as JSON.
    pub footnotes: Option<&'a str>,
}

/// The footnotes of a `footnotes` postmeta, `(id, content HTML)` in order;
/// `None` when it is not the JSON WordPress writes.
fn parse_footnotes(json: &str) -> Option<Vec<(String, String)>> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let notes = value
        .as_array()?
        .iter()
        .filter_map(|n| {
            let id = n.get("id")?.as_str()?.trim();
            let content = n.get("content").and_then(|c| c.as_str()).unwrap_or("");
            (!id.is_empty()).then(|| (id.to_string(), content.to_string()))
        })
        .collect();
    Some(notes)
}

/// The footnotes list as WordPress renders the footnotes block.
fn footnotes_list(notes: &[(String, String)]) -> String {
    let attr = crate::transform::shortcodes::esc_attr;
    let mut html = String::from("<ol class=\"wp-block-footnotes\">");
    for (i, (id, content)) in notes.iter().enumerate() {
        let id = attr(id);
        html.push_str(&format!(
            "<li id=\"{id}\">{content} <a href=\"#{id}-link\" aria-label=\"Jump to footnote reference {}\">↩︎</a></li>",
            i + 1
        ));
    }
    html.push_str("</ol>");
    html
}

/// The HTML WordPress would render for `content`: WordPress's filters,
/// before the conversion to Markdown.
pub fn filtered_html(content: &str, cx: &Context<'_>) -> (String, Body) {
    let mut body = Body::default();
    // Priorities 7 and 8: code shortcodes (as placeholders until the end),
    // embeds.
    let early = shortcodes::expand_before_autop(content);
    let mut html = if blocks::has_blocks(&early.html) {
        let stripped = blocks::strip_with(&early.html, cx.reusable);
        body.dynamic_blocks = stripped.dynamic;
        stripped.html
    } else {
        wpautop(&early.html, true)
    };
    // The footnotes, for a body that has the block or a reference.
    if let Some(notes) = cx.footnotes.and_then(parse_footnotes)
        && (body.dynamic_blocks.remove("footnotes").is_some() || content.contains("data-fn"))
        && !notes.is_empty()
    {
        html.push('\n');
        html.push_str(&footnotes_list(&notes));
    }
    let html = shortcode_unautop(&html, shortcodes::handled());
    let expanded = shortcodes::expand_after_autop(&html, &cx.media);
    body.unknown_shortcodes = expanded.unknown;
    body.missing_attachments = expanded.missing_attachments;
    body.empty_galleries = expanded.empty_galleries;
    (early.restore(expanded.html), body)
}

/// Converts one body.
pub fn convert(content: &str, cx: &Context<'_>) -> Body {
    let (html, mut body) = filtered_html(content, cx);
    let converted = html::html_to_markdown_with(&html, cx.link, cx.more);
    for name in converted.raw_html {
        *body.raw_html.entry(name).or_default() += 1;
    }
    for name in converted.flattened {
        *body.flattened.entry(name).or_default() += 1;
    }
    body.more = converted.more;
    body.images = converted.images;
    body.missing_footnotes = converted.missing_footnotes;
    body.unreferenced_footnotes = converted.unreferenced_footnotes;
    body.markdown = converted.markdown;
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0b1c3c1f-1a2b-4c5d-8e9f-a0b1c2d3e4f5";
    const B: &str = "7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9";

    /// A reference as the block editor writes it, with a stale number.
    fn r(id: &str) -> String {
        format!(r##"<sup data-fn="{id}" class="fn"><a href="#{id}" id="{id}-link">9</a></sup>"##)
    }

    fn convert_with(content: &str, footnotes: Option<&str>) -> Body {
        let keep = |_: &str| None;
        let cx = Context {
            media: Media::NONE,
            reusable: &|_| None,
            link: &keep,
            more: "<!--more-->",
            footnotes,
        };
        convert(content, &cx)
    }

    fn meta(notes: &[(&str, &str)]) -> String {
        let v: Vec<_> = notes
            .iter()
            .map(|(id, content)| serde_json::json!({"content": content, "id": id}))
            .collect();
        serde_json::to_string(&v).unwrap()
    }

    #[test]
    fn code_shortcodes_and_embeds_come_before_wpautop() {
        let keep = |_: &str| None;
        let cx = Context {
            media: Media::NONE,
            reusable: &|_| None,
            link: &keep,
            more: "<!--more-->",
            footnotes: None,
        };
        let content = "Code:\n\n[code lang=\"html\"]\n<p>A</p>\n\n<p>B</p>\n[/code]\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nSee [embed]https://example.com/[/embed] here.";
        let (html, body) = filtered_html(content, &cx);
        assert_eq!(
            html,
            "<p>Code:</p>\n<pre><code class=\"language-html\">&lt;p&gt;A&lt;/p&gt;\n\n&lt;p&gt;B&lt;/p&gt;\n</code></pre>\n<p><iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" width=\"560\" height=\"315\" frameborder=\"0\" allowfullscreen></iframe></p>\n<p>See <a href=\"https://example.com/\">https://example.com/</a> here.</p>\n"
        );
        assert!(body.unknown_shortcodes.is_empty());
    }

    #[test]
    fn footnotes_become_gfm_footnotes_in_order_of_first_reference() {
        // The meta lists B first: the numbers follow the text.
        let content = format!(
            "<!-- wp:paragraph -->\n<p>Clay{} and ash{}, clay again{}.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->",
            r(A),
            r(B),
            r(A)
        );
        let notes = meta(&[
            (
                B,
                "Wood ash, <em>sieved</em>, from <a href=\"https://ash.example/\">the stove</a>.",
            ),
            (A, "Stoneware clay."),
        ]);
        let body = convert_with(&content, Some(&notes));
        assert_eq!(
            body.markdown,
            "Clay[^1] and ash[^2], clay again[^1].\n\n[^1]: Stoneware clay.\n\n[^2]: Wood ash, *sieved*, from [the stove](https://ash.example/)."
        );
        assert!(body.dynamic_blocks.is_empty(), "{:?}", body.dynamic_blocks);
        assert!(body.missing_footnotes.is_empty());
        assert!(body.unreferenced_footnotes.is_empty());
    }

    #[test]
    fn footnotes_in_lists_and_quotes_and_on_several_lines() {
        let content = format!(
            "<!-- wp:list -->\n<ul><li>One{}</li><li>Two</li></ul>\n<!-- /wp:list -->\n\n<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>Quoted{}</p></blockquote>\n<!-- /wp:quote -->\n\n<!-- wp:footnotes /-->",
            r(A),
            r(B)
        );
        let notes = meta(&[(A, "First line<br>second line"), (B, "In a quote.")]);
        let body = convert_with(&content, Some(&notes));
        assert_eq!(
            body.markdown,
            "- One[^1]\n- Two\n\n> Quoted[^2]\n\n[^1]: First line\\\n    second line\n\n[^2]: In a quote."
        );
    }

    #[test]
    fn without_meta_references_keep_their_number_and_are_reported() {
        let content = format!(
            "<!-- wp:paragraph -->\n<p>One{} two{}</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->",
            r(A),
            r(B)
        );
        for meta in [None, Some("not json ["), Some("{\"id\":1}")] {
            let body = convert_with(&content, meta);
            assert_eq!(body.markdown, "One<sup>1</sup> two<sup>2</sup>", "{meta:?}");
            assert_eq!(body.missing_footnotes, [A, B]);
            // The block was not rendered.
            assert_eq!(body.dynamic_blocks.get("footnotes"), Some(&1));
        }
        // A meta without the text of one reference.
        let body = convert_with(&content, Some(&meta(&[(A, "Only A.")])));
        assert_eq!(body.markdown, "One[^1] two<sup>2</sup>\n\n[^1]: Only A.");
        assert_eq!(body.missing_footnotes, [B]);
        assert!(body.dynamic_blocks.is_empty());
    }

    #[test]
    fn footnotes_nobody_refers_to_are_still_written() {
        let content = format!("<!-- wp:paragraph -->\n<p>One{}</p>\n<!-- /wp:paragraph -->", r(A));
        let body = convert_with(&content, Some(&meta(&[(B, "Orphan."), (A, "A.")])));
        assert_eq!(body.markdown, "One[^1]\n\n[^1]: A.\n\n[^2]: Orphan.");
        assert_eq!(body.unreferenced_footnotes, [B]);
        // A body with neither the block nor a reference has no footnotes.
        let body = convert_with("<p>Plain</p>", Some(&meta(&[(A, "A.")])));
        assert_eq!(body.markdown, "Plain");
    }
}
