//! The normalized model: the serde types of the JSON contract in
//! `../shared/spec/model.md` (version 1).
//!
//! Field order here is the key order of every JSON and JSON Lines document
//! wxr writes, so it is part of the output's stability: add fields at the end
//! of a struct, never rename or remove one. Every field is always serialized;
//! "absent in the export" is `None` (JSON `null`) or an empty list.

use serde::Serialize;

/// The version of the model contract written as `model_version`.
pub const MODEL_VERSION: u32 = 1;

/// Channel-level facts about the exported site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Site {
    /// `<title>` of the channel.
    pub title: Option<String>,
    /// `<link>` of the channel.
    pub link: Option<String>,
    /// `<description>` (the site's tagline).
    pub description: Option<String>,
    /// `<language>`, such as `fr-FR`.
    pub language: Option<String>,
    /// `wp:base_site_url`.
    pub base_site_url: Option<String>,
    /// `wp:base_blog_url`.
    pub base_blog_url: Option<String>,
    /// `wp:wxr_version`, always of the form `N.N` once reading succeeded.
    pub wxr_version: Option<String>,
    /// `<generator>`, such as `https://wordpress.org/?v=6.4.2`.
    pub generator: Option<String>,
}

/// A `wp:author` of the channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Author {
    /// `wp:author_id` (`0` or absent becomes `None`).
    pub id: Option<i64>,
    /// `wp:author_login`: the key items refer to through `dc:creator`.
    pub login: Option<String>,
    /// `wp:author_email`.
    pub email: Option<String>,
    /// `wp:author_display_name`.
    pub display_name: Option<String>,
    /// `wp:author_first_name`.
    pub first_name: Option<String>,
    /// `wp:author_last_name`.
    pub last_name: Option<String>,
}

/// A key/value pair of postmeta, termmeta or commentmeta. Values are kept
/// as exported (PHP-serialized values stay serialized).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Meta {
    /// `wp:meta_key`.
    pub key: String,
    /// `wp:meta_value`.
    pub value: String,
}

/// A term of the channel: `wp:category`, `wp:tag` or `wp:term`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Term {
    /// `wp:term_id` (`0` or absent becomes `None`).
    pub id: Option<i64>,
    /// `category`, `post_tag`, `nav_menu` or any custom taxonomy.
    pub taxonomy: String,
    /// The term's slug (`category_nicename`, `tag_slug`, `term_slug`).
    pub slug: Option<String>,
    /// The term's name (`cat_name`, `tag_name`, `term_name`).
    pub name: Option<String>,
    /// The term's description, `None` when empty.
    pub description: Option<String>,
    /// Slug of the parent term, `None` at the top.
    pub parent: Option<String>,
    /// `wp:termmeta` entries in export order.
    pub meta: Vec<Meta>,
}

/// A term attached to an item through `<category domain=… nicename=…>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct ItemTerm {
    /// The taxonomy (`domain`); WXR 1.0's `tag` is normalized to `post_tag`.
    pub taxonomy: String,
    /// The term's slug (`nicename`); `None` only for a bare WXR 1.0
    /// `<category>` whose slug the channel does not give.
    pub slug: Option<String>,
    /// The term's name (the element's text).
    pub name: String,
}

/// A comment of the export named by its item's id and its own: comment ids
/// are unique in one WordPress database, not across merged exports or in a
/// crafted file, so a deletion is keyed by both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommentRef {
    /// `wp:post_id` of the item (none when the item has no id).
    pub item: Option<i64>,
    /// `wp:comment_id`.
    pub comment: i64,
}

impl std::fmt::Display for CommentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.item {
            Some(item) => write!(f, "{} on item {item}", self.comment),
            None => write!(f, "{} on an item without id", self.comment),
        }
    }
}

/// One `wp:comment` of an item: a comment, pingback or trackback.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Comment {
    /// `wp:comment_id`.
    pub id: Option<i64>,
    /// `comment`, `pingback`, `trackback` or another type (`""` becomes `comment`).
    #[serde(rename = "type")]
    pub kind: CommentKind,
    /// `approved`, `pending`, `spam`, `trash` or the exported value.
    pub status: String,
    /// `wp:comment_parent` (`0` becomes `None`).
    pub parent: Option<i64>,
    /// `wp:comment_author`.
    pub author: Option<String>,
    /// `wp:comment_author_email`.
    pub author_email: Option<String>,
    /// `wp:comment_author_url`: for a pingback, the linking page.
    pub author_url: Option<String>,
    /// `wp:comment_author_IP`.
    pub author_ip: Option<String>,
    /// `wp:comment_date`, site-local, `YYYY-MM-DDTHH:MM:SS`.
    pub date: Option<String>,
    /// `wp:comment_date_gmt`, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub date_gmt: Option<String>,
    /// `wp:comment_content`, raw HTML.
    pub content: String,
    /// `wp:comment_user_id` (`0` becomes `None`).
    pub user_id: Option<i64>,
    /// `wp:commentmeta` entries in export order.
    pub meta: Vec<Meta>,
}

/// `wp:comment_type`: what a comment is. Serialized as the exported
/// string, so the model's `type` field is the same text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum CommentKind {
    /// An ordinary comment (`comment`, or an empty type).
    #[default]
    Comment,
    /// A pingback: another blog's post linked here (`pingback`).
    Pingback,
    /// A trackback: another blog announced a link (`trackback`).
    Trackback,
    /// Any other type, as exported (plugins' `review`, `webmention`…).
    Other(String),
}

impl CommentKind {
    /// The type as the model writes it.
    pub fn as_str(&self) -> &str {
        match self {
            CommentKind::Comment => "comment",
            CommentKind::Pingback => "pingback",
            CommentKind::Trackback => "trackback",
            CommentKind::Other(s) => s,
        }
    }

    /// A pingback or a trackback: a notice from another site, not words
    /// of a visitor.
    pub fn is_ping(&self) -> bool {
        matches!(self, CommentKind::Pingback | CommentKind::Trackback)
    }
}

impl From<&str> for CommentKind {
    /// The exported `wp:comment_type`, trimmed; `""` is a comment.
    fn from(s: &str) -> CommentKind {
        match s.trim() {
            "" | "comment" => CommentKind::Comment,
            "pingback" => CommentKind::Pingback,
            "trackback" => CommentKind::Trackback,
            other => CommentKind::Other(other.to_string()),
        }
    }
}

impl std::fmt::Display for CommentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CommentKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One `<item>`: a post, page, attachment, menu item or custom post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Item {
    /// `wp:post_id`, `None` only when the export has none (or `0`).
    pub id: Option<i64>,
    /// `wp:post_type`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `wp:status`.
    pub status: String,
    /// `<title>`.
    pub title: Option<String>,
    /// `wp:post_name`, exactly as exported (often percent-encoded).
    pub slug: Option<String>,
    /// `<link>`: the permalink when the export was made.
    pub link: Option<String>,
    /// `<guid>`.
    pub guid: Option<String>,
    /// `dc:creator`: the author's login.
    pub author: Option<String>,
    /// `wp:post_date`, site-local, `YYYY-MM-DDTHH:MM:SS`.
    pub date: Option<String>,
    /// `wp:post_date_gmt`, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub date_gmt: Option<String>,
    /// `content:encoded`: raw post HTML exactly as exported.
    pub content: String,
    /// `excerpt:encoded`.
    pub excerpt: String,
    /// `wp:post_parent` (`0` becomes `None`).
    pub parent: Option<i64>,
    /// `wp:menu_order`.
    pub menu_order: i64,
    /// `wp:comment_status` (`open`, `closed`).
    pub comment_status: Option<String>,
    /// `wp:ping_status` (`open`, `closed`).
    pub ping_status: Option<String>,
    /// `wp:post_password` (`""` becomes `None`).
    pub password: Option<String>,
    /// `wp:is_sticky` is `1`.
    pub sticky: bool,
    /// `wp:attachment_url` of an attachment.
    pub attachment_url: Option<String>,
    /// Terms from `<category domain=… nicename=…>`, in export order, deduplicated.
    pub terms: Vec<ItemTerm>,
    /// `wp:postmeta` entries in export order.
    pub meta: Vec<Meta>,
    /// `wp:comment` entries in export order.
    pub comments: Vec<Comment>,
    /// `wp:post_modified`, site-local (exports from WordPress 6.x carry it).
    pub modified: Option<String>,
    /// `wp:post_modified_gmt`, UTC.
    pub modified_gmt: Option<String>,
}

/// One record of the stream a reader produces, in export order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record {
    /// The channel header, once, before the first author, term or item.
    Site(Site),
    /// A `wp:author`.
    Author(Author),
    /// A `wp:category`, `wp:tag` or `wp:term`.
    Term(Term),
    /// An `<item>`.
    Item(Box<Item>),
}
