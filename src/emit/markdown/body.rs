//! One post body, from WordPress's stored content to Markdown, through
//! WordPress's own filters in WordPress's order: block delimiters (block
//! content skips wpautop, as in WordPress), else wpautop; then
//! shortcode_unautop for the shortcodes expanded here, the shortcodes, and
//! finally HTML → Markdown with internal links rewritten.

use super::html;
use crate::transform::autop::{shortcode_unautop, wpautop};
use crate::transform::blocks;
use crate::transform::shortcodes::{self, Attachment};
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
    /// Every image's URL, as written in the HTML.
    pub images: Vec<String>,
}

/// What converting a body needs from the rest of the site.
pub struct Context<'a> {
    /// The attachment with this id, for `[gallery]`.
    pub attachment: &'a dyn Fn(i64) -> Option<Attachment>,
    /// The new URL of an old one of the site, for internal links.
    pub link: &'a dyn Fn(&str) -> Option<String>,
    /// What `<!--more-->` becomes.
    pub more: &'a str,
}

/// The HTML WordPress would render for `content`: WordPress's filters,
/// before the conversion to Markdown.
pub fn filtered_html(content: &str, cx: &Context<'_>) -> (String, Body) {
    let mut body = Body::default();
    let html = if blocks::has_blocks(content) {
        let stripped = blocks::strip(content);
        body.dynamic_blocks = stripped.dynamic;
        stripped.html
    } else {
        wpautop(content, true)
    };
    let html = shortcode_unautop(&html, shortcodes::HANDLED);
    let expanded = shortcodes::expand(&html, cx.attachment);
    body.unknown_shortcodes = expanded.unknown;
    body.missing_attachments = expanded.missing_attachments;
    (expanded.html, body)
}

/// Converts one body.
pub fn convert(content: &str, cx: &Context<'_>) -> Body {
    let (html, mut body) = filtered_html(content, cx);
    let converted = html::html_to_markdown_with(&html, cx.link, cx.more);
    for name in converted.raw_html {
        *body.raw_html.entry(name).or_default() += 1;
    }
    body.more = converted.more;
    body.images = converted.images;
    body.markdown = converted.markdown;
    body
}
