//! Reading: a WXR export, streamed, into model [`Record`]s.
//!
//! [`Reader`] pulls one record at a time: the channel header first (site,
//! authors, terms, gathered up to the first `<item>`), then each item with
//! its postmeta and comments. Memory is bounded by the largest single item.
//!
//! The layers, bottom up: [`input`] turns bytes into clean UTF-8; `xml`
//! resolves namespaces and reads text values the way WordPress's importer
//! does; this module knows the WXR vocabulary (every version since 1.0) and
//! normalizes values per the model contract. Problems become
//! [`Diagnostics`] (repairs and warnings) or an [`Error`] with a position.

pub mod error;
pub mod input;
pub mod values;
mod xml;

pub use error::{Error, ItemContext, Malformed};
pub use input::{InputStats, Source};

use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
use crate::model::{Author, Comment, CommentKind, Item, ItemTerm, Meta, Record, Site, Term};
use input::{Decoded, Prefetched};
use std::collections::{HashMap, VecDeque};
use std::io::Read;
use xml::{Ev, Ns, Xml, XmlError};

/// True for a namespace URI the reader takes for WordPress's `wp:`
/// elements: any WXR version, `http` or `https`, with or without `www.`
/// and the trailing slash.
pub(crate) fn is_wp_namespace(uri: &str) -> bool {
    xml::classify_uri(uri) == Ns::Wp
}

/// How to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Keep every complete item of a damaged file instead of failing.
    pub salvage: bool,
    /// Fail on the first repair.
    pub strict: bool,
}

/// Every element name WXR uses, whatever the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum F {
    // RSS
    Channel,
    Item,
    Title,
    Link,
    Description,
    Language,
    Generator,
    Guid,
    Category,
    /// RSS elements that carry nothing the model keeps (pubDate, image…).
    RssIgnored,
    Creator,
    Content,
    Excerpt,
    // channel
    WxrVersion,
    BaseSiteUrl,
    BaseBlogUrl,
    Author,
    AuthorId,
    AuthorLogin,
    AuthorEmail,
    AuthorDisplayName,
    AuthorFirstName,
    AuthorLastName,
    WpCategory,
    WpTag,
    WpTerm,
    TermId,
    CategoryNicename,
    CategoryParent,
    CatName,
    CategoryDescription,
    TagSlug,
    TagName,
    TagDescription,
    TermTaxonomy,
    TermSlug,
    TermParent,
    TermName,
    TermDescription,
    TermMeta,
    MetaKey,
    MetaValue,
    // item
    PostId,
    PostDate,
    PostDateGmt,
    PostModified,
    PostModifiedGmt,
    CommentStatus,
    PingStatus,
    PostName,
    Status,
    PostParent,
    MenuOrder,
    PostType,
    PostPassword,
    IsSticky,
    AttachmentUrl,
    PostMeta,
    Comment,
    CommentId,
    CommentAuthor,
    CommentAuthorEmail,
    CommentAuthorUrl,
    CommentAuthorIp,
    CommentDate,
    CommentDateGmt,
    CommentContent,
    CommentApproved,
    CommentType,
    CommentParent,
    CommentUserId,
    CommentMeta,
    Unknown,
}

fn classify(ns: Ns, local: &str) -> F {
    match ns {
        Ns::None => match local {
            "channel" => F::Channel,
            "item" => F::Item,
            "title" => F::Title,
            "link" => F::Link,
            "description" => F::Description,
            "language" => F::Language,
            "generator" => F::Generator,
            "guid" => F::Guid,
            "category" => F::Category,
            "pubDate" | "lastBuildDate" | "image" | "cloud" | "ttl" | "copyright" | "managingEditor" | "webMaster"
            | "docs" | "rating" | "textInput" | "skipHours" | "skipDays" | "comments" | "source" | "enclosure"
            | "author" => F::RssIgnored,
            _ => F::Unknown,
        },
        Ns::Dc if local == "creator" => F::Creator,
        Ns::Content if local == "encoded" => F::Content,
        Ns::Excerpt if local == "encoded" => F::Excerpt,
        Ns::Wp => match local {
            "wxr_version" => F::WxrVersion,
            "base_site_url" => F::BaseSiteUrl,
            "base_blog_url" => F::BaseBlogUrl,
            // WordPress.com has written `wp:wp_author` for `wp:author`.
            "author" | "wp_author" => F::Author,
            "author_id" => F::AuthorId,
            "author_login" => F::AuthorLogin,
            "author_email" => F::AuthorEmail,
            "author_display_name" => F::AuthorDisplayName,
            "author_first_name" => F::AuthorFirstName,
            "author_last_name" => F::AuthorLastName,
            "category" => F::WpCategory,
            "tag" => F::WpTag,
            "term" => F::WpTerm,
            "term_id" => F::TermId,
            "category_nicename" => F::CategoryNicename,
            "category_parent" => F::CategoryParent,
            "cat_name" => F::CatName,
            "category_description" => F::CategoryDescription,
            "tag_slug" => F::TagSlug,
            "tag_name" => F::TagName,
            "tag_description" => F::TagDescription,
            "term_taxonomy" => F::TermTaxonomy,
            "term_slug" => F::TermSlug,
            "term_parent" => F::TermParent,
            "term_name" => F::TermName,
            "term_description" => F::TermDescription,
            "termmeta" => F::TermMeta,
            "meta_key" => F::MetaKey,
            "meta_value" => F::MetaValue,
            "post_id" => F::PostId,
            "post_date" => F::PostDate,
            "post_date_gmt" => F::PostDateGmt,
            "post_modified" => F::PostModified,
            "post_modified_gmt" => F::PostModifiedGmt,
            "comment_status" => F::CommentStatus,
            "ping_status" => F::PingStatus,
            "post_name" => F::PostName,
            "status" => F::Status,
            "post_parent" => F::PostParent,
            "menu_order" => F::MenuOrder,
            "post_type" => F::PostType,
            "post_password" => F::PostPassword,
            "is_sticky" => F::IsSticky,
            "attachment_url" => F::AttachmentUrl,
            "postmeta" => F::PostMeta,
            "comment" => F::Comment,
            "comment_id" => F::CommentId,
            "comment_author" => F::CommentAuthor,
            "comment_author_email" => F::CommentAuthorEmail,
            "comment_author_url" => F::CommentAuthorUrl,
            "comment_author_IP" => F::CommentAuthorIp,
            "comment_date" => F::CommentDate,
            "comment_date_gmt" => F::CommentDateGmt,
            "comment_content" => F::CommentContent,
            "comment_approved" => F::CommentApproved,
            "comment_type" => F::CommentType,
            "comment_parent" => F::CommentParent,
            "comment_user_id" => F::CommentUserId,
            "commentmeta" => F::CommentMeta,
            _ => F::Unknown,
        },
        _ => F::Unknown,
    }
}

/// One child of the element being read.
enum Child {
    Open {
        f: F,
        empty: bool,
    },
    Category {
        domain: Option<String>,
        nicename: Option<String>,
        empty: bool,
    },
}

/// Distinct unknown element names reported one by one; more are counted.
const MAX_UNKNOWN_NAMES: usize = 1000;

/// An element that was skipped because wxr does not know it.
struct Unknown {
    qname: String,
    parent: &'static str,
    count: u64,
    first: Location,
}

/// Streams one WXR input into records. See the module doc.
pub struct Reader {
    xml: Xml,
    file: String,
    opts: ReadOptions,
    diags: Diagnostics,
    site: Site,
    /// Header records waiting to be returned.
    queue: VecDeque<Record>,
    /// The start tag of an item was read while looking for the header's end.
    item_open: bool,
    channel_depth: usize,
    done: bool,
    finished: bool,
    complete_items: u64,
    dropped_items: u64,
    /// Slug of each channel term by (taxonomy, name), for WXR 1.0's bare
    /// `<category>` elements.
    term_slugs: HashMap<(String, String), String>,
    unknown: Vec<Unknown>,
    unknown_index: HashMap<(String, &'static str), usize>,
    /// Unknown elements beyond [`MAX_UNKNOWN_NAMES`] distinct names.
    unknown_other: u64,
    /// Warnings about the item being read, flushed with its id.
    item_diags: Vec<Diagnostic>,
    current: Option<ItemContext>,
    /// Reused buffer for values that are parsed, not kept.
    scratch: String,
    /// An error was returned by the iterator: it yields nothing more.
    failed: bool,
}

/// Builds a [`Reader`] over any byte stream (plain or gzip-compressed XML):
///
/// ```
/// let xml = std::fs::File::open("fixtures/read/wxr-1.2-every-field.xml")?;
/// let reader = wxr::read::Reader::builder().name("every-field.xml").salvage(true).build(xml)?;
/// let items = reader.filter(|r| matches!(r, Ok(wxr::model::Record::Item(_)))).count();
/// assert!(items > 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReaderBuilder {
    opts: ReadOptions,
    name: Option<String>,
}

impl ReaderBuilder {
    /// How to read (salvage, strict).
    pub fn options(mut self, opts: ReadOptions) -> Self {
        self.opts = opts;
        self
    }

    /// Keep every complete item of a damaged file instead of failing.
    pub fn salvage(mut self, on: bool) -> Self {
        self.opts.salvage = on;
        self
    }

    /// Fail on the first repair instead of making it.
    pub fn strict(mut self, on: bool) -> Self {
        self.opts.strict = on;
        self
    }

    /// The input's name in messages (`-` when none is given).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Starts reading `input` (gzip recognized by its content) and reads
    /// its channel header.
    pub fn build<R: Read + Send + 'static>(self, input: R) -> Result<Reader, Error> {
        let file = self.name.unwrap_or_else(|| "-".to_string());
        let raw = input::decompress(Box::new(input)).map_err(|e| Error::Io {
            file: file.clone(),
            source: e,
        })?;
        Reader::from_decompressed(raw, file, self.opts)
    }

    /// Opens `source` and reads its channel header; named after it unless
    /// a name was given.
    pub fn open(self, source: &Source) -> Result<Reader, Error> {
        let file = self.name.clone().unwrap_or_else(|| source.display_name());
        let raw = source.open_raw().map_err(|e| Error::Io {
            file: file.clone(),
            source: e,
        })?;
        self.name(file).build(raw)
    }
}

impl Iterator for Reader {
    type Item = Result<Record, Error>;

    /// The next record; after an error, nothing more.
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.next_record() {
            Ok(r) => r.map(Ok),
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

impl Reader {
    /// A builder: the options and name of a reader over any byte stream.
    pub fn builder() -> ReaderBuilder {
        ReaderBuilder::default()
    }

    /// Opens `source` and reads its channel header.
    pub fn open(source: &Source, opts: ReadOptions) -> Result<Reader, Error> {
        Reader::builder().options(opts).open(source)
    }

    /// Reads decompressed bytes; `file` names them in messages.
    fn from_decompressed(raw: Box<dyn Read + Send>, file: String, opts: ReadOptions) -> Result<Reader, Error> {
        let decoded = Decoded::new(raw).map_err(|e| Error::Io {
            file: file.clone(),
            source: e,
        })?;
        let mut r = Reader {
            xml: Xml::new(Prefetched::new(decoded)),
            file,
            opts,
            diags: Diagnostics::new(),
            site: Site::default(),
            queue: VecDeque::new(),
            item_open: false,
            channel_depth: 0,
            done: false,
            finished: false,
            complete_items: 0,
            dropped_items: 0,
            term_slugs: HashMap::new(),
            unknown: Vec::new(),
            unknown_index: HashMap::new(),
            unknown_other: 0,
            item_diags: Vec::new(),
            current: None,
            scratch: String::new(),
            failed: false,
        };
        r.read_header()?;
        Ok(r)
    }

    /// The site, complete once the header has been read.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The input's name as given.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Items read completely so far.
    pub fn complete_items(&self) -> u64 {
        self.complete_items
    }

    /// Items dropped by `--salvage`.
    pub fn dropped_items(&self) -> u64 {
        self.dropped_items
    }

    /// What the decoding layer changed.
    pub fn input_stats(&self) -> InputStats {
        self.xml.input().stats()
    }

    /// Repairs and warnings so far (complete once `next_record` returned `None`).
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diags
    }

    /// Takes the diagnostics out of the reader.
    pub fn take_diagnostics(&mut self) -> Diagnostics {
        std::mem::take(&mut self.diags)
    }

    /// Takes the header records (site, authors, terms) gathered before the
    /// first item; `next_record` then continues with the items.
    pub fn take_header(&mut self) -> Vec<Record> {
        self.queue.drain(..).collect()
    }

    /// The next record, or `None` at the end of the input.
    pub fn next_record(&mut self) -> Result<Option<Record>, Error> {
        if let Some(r) = self.queue.pop_front() {
            return Ok(Some(r));
        }
        loop {
            if self.done {
                return Ok(None);
            }
            let step = if self.item_open {
                self.item_open = false;
                self.read_item().map(|i| Some(Record::Item(Box::new(i))))
            } else {
                self.channel_step()
            };
            match step {
                Ok(rec) => {
                    self.drain_fixes();
                    self.check_strict()?;
                    if let Some(rec) = rec {
                        return Ok(Some(rec));
                    }
                }
                Err(e) => {
                    self.drain_fixes();
                    if let (true, Error::Malformed(_)) = (self.opts.salvage, &e) {
                        self.salvage(e);
                        self.check_strict()?;
                        continue;
                    }
                    self.done = true;
                    return Err(e);
                }
            }
            if self.done {
                self.finish();
                self.check_strict()?;
            }
        }
    }

    // ----- header -------------------------------------------------------

    fn read_header(&mut self) -> Result<(), Error> {
        // The root element.
        loop {
            let found = match self.xml.next() {
                Ok(Ev::Start(t)) if t.ns == Ns::None && t.local == "rss" => break,
                Ok(Ev::Start(t) | Ev::Empty(t)) => {
                    format!("the root element is <{}>, not <rss>", t.qname())
                }
                Ok(Ev::Text(t)) if t.trim().is_empty() => continue,
                Ok(Ev::Text(_) | Ev::CData(_) | Ev::Ref(_)) => "it is not XML (text before any element)".to_string(),
                Ok(Ev::End { .. }) => "it is not XML (an end tag before any element)".to_string(),
                Ok(Ev::Eof) => "the file is empty or holds no XML element".to_string(),
                Ok(Ev::Comment(_) | Ev::Other) => continue,
                Err(e) => format!("it is not XML ({} at {}:{})", e.message, e.line, e.column),
            };
            return Err(self.not_wxr(found));
        }
        // The channel.
        loop {
            match self.child("rss") {
                Ok(Some(Child::Open {
                    f: F::Channel,
                    empty: false,
                    ..
                })) => break,
                Ok(Some(c)) => self.skip_child(c, "rss")?,
                Ok(None) => return Err(self.not_wxr("there is no <channel> element".into())),
                Err(e) if self.opts.salvage => {
                    self.salvage(e);
                    return Err(self.not_wxr("there is no readable <channel> element".into()));
                }
                Err(e) => return Err(e),
            }
        }
        self.channel_depth = self.xml.depth();
        // Header elements, up to the first item.
        loop {
            match self.child("channel") {
                Ok(Some(Child::Open { f: F::Item, empty, .. })) => {
                    if empty {
                        self.note(
                            Severity::Warning,
                            "wxr.empty_item",
                            "an empty <item/> was skipped".into(),
                        );
                        continue;
                    }
                    self.item_open = true;
                    break;
                }
                Ok(Some(c)) => match self.header_child(c) {
                    Ok(Some(rec)) => self.queue.push_back(rec),
                    Ok(None) => {}
                    Err(e @ Error::Malformed(_)) if self.opts.salvage => {
                        self.salvage(e);
                        break;
                    }
                    Err(e) => return Err(e),
                },
                Ok(None) => match self.after_channel() {
                    Ok(()) => break,
                    Err(e @ Error::Malformed(_)) if self.opts.salvage => {
                        self.salvage(e);
                        break;
                    }
                    Err(e) => return Err(e),
                },
                Err(e) if self.opts.salvage => {
                    self.salvage(e);
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        match &self.site.wxr_version {
            None => {
                return Err(self.not_wxr("there is no <wp:wxr_version> in the channel".into()));
            }
            Some(v) if !xml::is_version(v) => {
                return Err(self.not_wxr(format!("<wp:wxr_version> is {v:?}, expected a version such as 1.2")));
            }
            Some(_) => {}
        }
        self.queue.push_front(Record::Site(self.site.clone()));
        self.drain_fixes();
        self.check_strict()?;
        if self.done {
            self.finish();
        }
        Ok(())
    }

    /// The channel ended: read to the end of the document.
    fn after_channel(&mut self) -> Result<(), Error> {
        loop {
            match self.xml.next() {
                Ok(Ev::Eof) => break,
                Ok(Ev::End {
                    matched: false, qname, ..
                }) => {
                    let msg = format!("mismatched end tag </{qname}> after the channel");
                    return Err(self.malformed(self.xml.error_here(msg)));
                }
                // Exports concatenated by hand: a second channel, or items
                // after the first one, are read too.
                Ok(Ev::Start(t)) if t.ns == Ns::None && t.local == "rss" => {
                    self.note(
                        Severity::Warning,
                        "wxr.concatenated",
                        "a second export follows the first (concatenated files); it is read as part of the same site"
                            .into(),
                    );
                    return Ok(());
                }
                Ok(Ev::Start(t)) if t.ns == Ns::None && t.local == "channel" => {
                    self.note(
                        Severity::Notice,
                        "wxr.second_channel",
                        "a second <channel> follows the first; its content is read as part of the same site".into(),
                    );
                    return Ok(());
                }
                Ok(Ev::Start(t)) if t.ns == Ns::None && t.local == "item" => {
                    self.note(
                        Severity::Warning,
                        "wxr.item_outside_channel",
                        "an <item> after the end of the channel was read as part of the site".into(),
                    );
                    self.item_open = true;
                    return Ok(());
                }
                Ok(Ev::Start(_)) => self.skip_child(c_from(F::Unknown, false), "rss")?,
                Ok(_) => {}
                Err(e) => return Err(self.malformed(e)),
            }
        }
        if self.xml.depth() > 0 {
            let msg = format!("unexpected end of file inside <{}>", self.xml.current_qname());
            return Err(self.malformed(self.xml.error_here(msg)));
        }
        self.done = true;
        Ok(())
    }

    /// One child of `<channel>` after the header: an item, a late header
    /// element, or the end.
    fn channel_step(&mut self) -> Result<Option<Record>, Error> {
        match self.child("channel")? {
            // The channel of a second document (see `after_channel`).
            Some(Child::Open {
                f: F::Channel,
                empty: false,
            }) => Ok(None),
            Some(Child::Open {
                f: F::Item,
                empty: false,
                ..
            }) => {
                let item = self.read_item()?;
                Ok(Some(Record::Item(Box::new(item))))
            }
            Some(Child::Open {
                f: F::Item,
                empty: true,
                ..
            }) => {
                self.note(
                    Severity::Warning,
                    "wxr.empty_item",
                    "an empty <item/> was skipped".into(),
                );
                Ok(None)
            }
            Some(c) => {
                let late = matches!(
                    &c,
                    Child::Open {
                        f: F::Author | F::WpCategory | F::WpTag | F::WpTerm,
                        ..
                    }
                );
                let site_before = self.site.clone();
                let rec = self.header_child(c)?;
                if !late && self.site != site_before {
                    self.site = site_before;
                    self.note(
                        Severity::Warning,
                        "wxr.late_header",
                        "a site field after the first <item> was ignored (the site record was already written)".into(),
                    );
                }
                Ok(rec)
            }
            None => {
                self.after_channel()?;
                Ok(None)
            }
        }
    }

    /// Handles one child of the channel that is not an item.
    fn header_child(&mut self, c: Child) -> Result<Option<Record>, Error> {
        let Child::Open { f, empty, .. } = c else {
            self.skip_child(c, "channel")?;
            return Ok(None);
        };
        match f {
            F::Title => self.site.title = Some(self.text(empty)?),
            F::Link => self.site.link = self.trimmed(empty)?,
            F::Description => self.site.description = Some(self.text(empty)?),
            F::Language => self.site.language = self.trimmed(empty)?,
            F::Generator => self.site.generator = self.trimmed(empty)?,
            F::WxrVersion => self.site.wxr_version = Some(self.text(empty)?.trim().to_string()),
            F::BaseSiteUrl => self.site.base_site_url = self.trimmed(empty)?,
            F::BaseBlogUrl => self.site.base_blog_url = self.trimmed(empty)?,
            F::Author => return Ok(Some(Record::Author(self.read_author(empty)?))),
            F::WpCategory | F::WpTag | F::WpTerm => {
                let term = self.read_term(f, empty)?;
                if let (Some(name), Some(slug)) = (&term.name, &term.slug) {
                    self.term_slugs
                        .entry((term.taxonomy.clone(), name.clone()))
                        .or_insert_with(|| slug.clone());
                }
                return Ok(Some(Record::Term(term)));
            }
            F::RssIgnored | F::Category => self.skip_known(empty)?,
            _ => self.skip_child(c_from(f, empty), "channel")?,
        }
        Ok(None)
    }

    fn read_author(&mut self, empty: bool) -> Result<Author, Error> {
        let mut a = Author::default();
        if empty {
            return Ok(a);
        }
        while let Some(c) = self.child("wp:author")? {
            match c {
                Child::Open {
                    f: F::AuthorId, empty, ..
                } => {
                    a.id = self.id_field(empty, "wp:author_id")?;
                }
                Child::Open {
                    f: F::AuthorLogin,
                    empty,
                    ..
                } => a.login = self.trimmed(empty)?,
                Child::Open {
                    f: F::AuthorEmail,
                    empty,
                    ..
                } => a.email = self.trimmed(empty)?,
                Child::Open {
                    f: F::AuthorDisplayName,
                    empty,
                    ..
                } => a.display_name = values::exact(self.text(empty)?),
                Child::Open {
                    f: F::AuthorFirstName,
                    empty,
                    ..
                } => a.first_name = values::exact(self.text(empty)?),
                Child::Open {
                    f: F::AuthorLastName,
                    empty,
                    ..
                } => a.last_name = values::exact(self.text(empty)?),
                c => self.skip_child(c, "wp:author")?,
            }
        }
        Ok(a)
    }

    fn read_term(&mut self, kind: F, empty: bool) -> Result<Term, Error> {
        let (taxonomy, parent_name) = match kind {
            F::WpCategory => ("category", "wp:category"),
            F::WpTag => ("post_tag", "wp:tag"),
            _ => ("", "wp:term"),
        };
        let mut t = Term {
            taxonomy: taxonomy.to_string(),
            ..Term::default()
        };
        if empty {
            return Ok(t);
        }
        while let Some(c) = self.child(parent_name)? {
            match c {
                Child::Open {
                    f: F::TermId, empty, ..
                } => {
                    t.id = self.id_field(empty, "wp:term_id")?;
                }
                Child::Open {
                    f: F::CategoryNicename | F::TagSlug | F::TermSlug,
                    empty,
                    ..
                } => t.slug = self.trimmed(empty)?,
                Child::Open {
                    f: F::CatName | F::TagName | F::TermName,
                    empty,
                    ..
                } => t.name = values::exact(self.text(empty)?),
                Child::Open {
                    f: F::CategoryDescription | F::TagDescription | F::TermDescription,
                    empty,
                    ..
                } => t.description = values::exact(self.text(empty)?),
                Child::Open {
                    f: F::CategoryParent | F::TermParent,
                    empty,
                    ..
                } => t.parent = self.trimmed(empty)?,
                Child::Open {
                    f: F::TermTaxonomy,
                    empty,
                    ..
                } => {
                    t.taxonomy = self.text(empty)?.trim().to_string();
                }
                Child::Open {
                    f: F::TermMeta, empty, ..
                } => {
                    let m = self.read_meta(empty, "wp:termmeta")?;
                    t.meta.push(m);
                }
                c => self.skip_child(c, "wp:term")?,
            }
        }
        Ok(t)
    }

    fn read_meta(&mut self, empty: bool, parent: &'static str) -> Result<Meta, Error> {
        let mut m = Meta::default();
        if empty {
            return Ok(m);
        }
        while let Some(c) = self.child(parent)? {
            match c {
                Child::Open {
                    f: F::MetaKey, empty, ..
                } => m.key = self.text(empty)?,
                Child::Open {
                    f: F::MetaValue, empty, ..
                } => m.value = self.text(empty)?,
                c => self.skip_child(c, parent)?,
            }
        }
        Ok(m)
    }

    // ----- items --------------------------------------------------------

    /// Reads the item whose start tag was just read.
    fn read_item(&mut self) -> Result<Item, Error> {
        let (line, column) = self.xml.position();
        self.current = Some(ItemContext {
            id: None,
            title: None,
            line,
            column,
        });
        let mut item = Item::default();
        let mut bare: Vec<(String, String)> = Vec::new();
        while let Some(c) = self.child("item")? {
            match c {
                Child::Category {
                    domain,
                    nicename,
                    empty,
                } => {
                    let name = self.text(empty)?;
                    let taxonomy = match domain.as_deref().map(str::trim) {
                        None | Some("") => "category".to_string(),
                        Some("tag") => "post_tag".to_string(),
                        Some(d) => d.to_string(),
                    };
                    match nicename {
                        Some(slug) => {
                            let term = ItemTerm {
                                taxonomy,
                                slug: values::non_empty(&slug),
                                name,
                            };
                            if !item
                                .terms
                                .iter()
                                .any(|t| t.taxonomy == term.taxonomy && t.slug == term.slug)
                            {
                                item.terms.push(term);
                            }
                        }
                        None => bare.push((taxonomy, name)),
                    }
                }
                Child::Open { f, empty } => self.item_field(&mut item, f, empty)?,
            }
        }
        // WXR 1.0 wrote each term twice, once without its slug.
        for (taxonomy, name) in bare {
            if item.terms.iter().any(|t| t.taxonomy == taxonomy && t.name == name) {
                continue;
            }
            let slug = self.term_slugs.get(&(taxonomy.clone(), name.clone())).cloned();
            item.terms.push(ItemTerm { taxonomy, slug, name });
        }
        if item.id.is_none() {
            self.diags.push(Diagnostic {
                code: "wxr.item_without_id",
                severity: Severity::Notice,
                message: "this item has no usable wp:post_id (missing or 0); its id is null".into(),
                location: Some(Location {
                    file: self.file.clone(),
                    line,
                    column,
                }),
                item_id: None,
                count: 1,
            });
        }
        self.complete_items += 1;
        // Repairs inside the item carry its id, known only now.
        self.drain_fixes();
        self.current = None;
        for mut d in self.item_diags.drain(..) {
            d.item_id = item.id;
            self.diags.push(d);
        }
        Ok(item)
    }

    fn item_field(&mut self, item: &mut Item, f: F, empty: bool) -> Result<(), Error> {
        match f {
            F::Title => {
                let t = self.text(empty)?;
                if let Some(c) = &mut self.current {
                    c.title = Some(t.clone());
                }
                item.title = Some(t);
            }
            F::Link => item.link = self.trimmed(empty)?,
            F::Guid => item.guid = self.trimmed(empty)?,
            F::Creator => item.author = self.trimmed(empty)?,
            F::Content => item.content = self.text(empty)?,
            F::Excerpt => item.excerpt = self.text(empty)?,
            F::PostId => {
                item.id = self.id_field(empty, "wp:post_id")?;
                if let Some(c) = &mut self.current {
                    c.id = item.id;
                }
            }
            F::PostDate => item.date = self.date(empty, "wp:post_date", false)?,
            F::PostDateGmt => item.date_gmt = self.date(empty, "wp:post_date_gmt", true)?,
            F::PostModified => item.modified = self.date(empty, "wp:post_modified", false)?,
            F::PostModifiedGmt => item.modified_gmt = self.date(empty, "wp:post_modified_gmt", true)?,
            F::CommentStatus => item.comment_status = self.trimmed(empty)?,
            F::PingStatus => item.ping_status = self.trimmed(empty)?,
            F::PostName => item.slug = self.trimmed(empty)?,
            F::Status => item.status = self.scratch(empty, |_, s| s.trim().to_string())?,
            F::PostParent => {
                item.parent = self.id_field(empty, "wp:post_parent")?;
            }
            F::MenuOrder => {
                item.menu_order = self.int_field(empty, "wp:menu_order")?.unwrap_or(0);
            }
            F::PostType => item.kind = self.scratch(empty, |_, s| s.trim().to_string())?,
            F::PostPassword => item.password = values::exact(self.text(empty)?),
            F::IsSticky => item.sticky = self.scratch(empty, |_, s| s.trim() == "1")?,
            F::AttachmentUrl => item.attachment_url = self.trimmed(empty)?,
            F::PostMeta => item.meta.push(self.read_meta(empty, "wp:postmeta")?),
            F::Comment => item.comments.push(self.read_comment(empty)?),
            // `<description>` and `<pubDate>` of an item repeat what the
            // model has (excerpt, dates) in RSS form.
            F::Description | F::RssIgnored => self.skip_known(empty)?,
            _ => self.skip_child(Child::Open { f, empty }, "item")?,
        }
        Ok(())
    }

    fn read_comment(&mut self, empty: bool) -> Result<Comment, Error> {
        let mut c = Comment {
            kind: "comment".into(),
            status: "pending".into(),
            ..Comment::default()
        };
        if empty {
            return Ok(c);
        }
        while let Some(child) = self.child("wp:comment")? {
            let Child::Open { f, empty, .. } = child else {
                self.skip_child(child, "wp:comment")?;
                continue;
            };
            match f {
                F::CommentId => {
                    c.id = self.int_field(empty, "wp:comment_id")?;
                }
                F::CommentAuthor => c.author = values::exact(self.text(empty)?),
                F::CommentAuthorEmail => c.author_email = self.trimmed(empty)?,
                F::CommentAuthorUrl => c.author_url = self.trimmed(empty)?,
                F::CommentAuthorIp => c.author_ip = self.trimmed(empty)?,
                F::CommentDate => c.date = self.date(empty, "wp:comment_date", false)?,
                F::CommentDateGmt => c.date_gmt = self.date(empty, "wp:comment_date_gmt", true)?,
                F::CommentContent => c.content = self.text(empty)?,
                F::CommentApproved => c.status = self.scratch(empty, |_, s| values::comment_status(s))?,
                F::CommentType => c.kind = self.scratch(empty, |_, s| CommentKind::from(s))?,
                F::CommentParent => {
                    c.parent = self.id_field(empty, "wp:comment_parent")?;
                }
                F::CommentUserId => {
                    c.user_id = self.id_field(empty, "wp:comment_user_id")?;
                }
                F::CommentMeta => c.meta.push(self.read_meta(empty, "wp:commentmeta")?),
                f => self.skip_child(c_from(f, empty), "wp:comment")?,
            }
        }
        Ok(c)
    }

    // ----- element plumbing ---------------------------------------------

    /// The next child element of the element being read, or `None` at its
    /// end tag. Text between children is layout and is ignored.
    fn child(&mut self, parent: &str) -> Result<Option<Child>, Error> {
        loop {
            let ev = match self.xml.next() {
                Ok(ev) => ev,
                Err(e) => return Err(self.malformed(e)),
            };
            let (tag, empty) = match ev {
                Ev::Start(t) => (t, false),
                Ev::Empty(t) => (t, true),
                Ev::End { matched: true, .. } => return Ok(None),
                Ev::End {
                    matched: false, qname, ..
                } => {
                    let msg = format!("mismatched end tag </{qname}>");
                    let msg = format!("{msg}, expected </{}>", self.xml.current_qname());
                    return Err(self.malformed(self.xml.error_here(msg)));
                }
                Ev::Eof => break,
                _ => continue,
            };
            let f = classify(tag.ns, tag.local);
            if f == F::Category && parent == "item" {
                let domain = tag.attr("domain");
                let nicename = tag.attr("nicename");
                return Ok(Some(Child::Category {
                    domain,
                    nicename,
                    empty,
                }));
            }
            return Ok(Some(Child::Open { f, empty }));
        }
        // Nothing open: content after the document (read on by
        // `after_channel`) has ended.
        if self.xml.depth() == 0 {
            return Ok(None);
        }
        let msg = format!("unexpected end of file inside <{parent}>");
        Err(self.malformed(self.xml.error_here(msg)))
    }

    /// Skips a child wxr has no use for in this place, reporting it.
    fn skip_child(&mut self, c: Child, parent: &'static str) -> Result<(), Error> {
        let empty = match c {
            Child::Open { empty, .. } | Child::Category { empty, .. } => empty,
        };
        let key = (self.xml.last_qname().to_string(), parent);
        match self.unknown_index.get(&key) {
            Some(&i) => self.unknown[i].count += 1,
            None if self.unknown.len() < MAX_UNKNOWN_NAMES => {
                let (line, column) = self.xml.position();
                self.unknown_index.insert(key.clone(), self.unknown.len());
                self.unknown.push(Unknown {
                    qname: key.0,
                    parent,
                    count: 1,
                    first: Location {
                        file: self.file.clone(),
                        line,
                        column,
                    },
                });
            }
            None => self.unknown_other += 1,
        }
        self.skip_known(empty)
    }

    /// Skips an element whose content the model does not keep.
    fn skip_known(&mut self, empty: bool) -> Result<(), Error> {
        if empty {
            return Ok(());
        }
        self.xml.skip().map_err(|e| self.malformed(e))
    }

    /// The text of the element just opened.
    fn text(&mut self, empty: bool) -> Result<String, Error> {
        let mut s = String::new();
        if !empty {
            self.xml.read_text(&mut s).map_err(|e| self.malformed(e))?;
        }
        Ok(s)
    }

    /// Reads the element's text into a reused buffer and hands it to `f`:
    /// for values that are parsed or trimmed, not kept as they are.
    fn scratch<T>(&mut self, empty: bool, f: impl FnOnce(&mut Self, &str) -> T) -> Result<T, Error> {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        if !empty && let Err(e) = self.xml.read_text(&mut s) {
            self.scratch = s;
            return Err(self.malformed(e));
        }
        let v = f(self, &s);
        self.scratch = s;
        Ok(v)
    }

    /// The trimmed text, `None` when empty.
    fn trimmed(&mut self, empty: bool) -> Result<Option<String>, Error> {
        self.scratch(empty, |_, s| values::non_empty(s))
    }

    fn date(&mut self, empty: bool, what: &str, utc: bool) -> Result<Option<String>, Error> {
        self.scratch(empty, |r, v| match values::parse_date(v) {
            Ok(d) => d.map(|d| {
                if utc {
                    values::utc_form(d)
                } else {
                    values::local_form(d)
                }
            }),
            Err(values::Invalid) => {
                r.item_note(
                    Severity::Warning,
                    "wxr.bad_date",
                    format!("<{what}> {:?} is not a date; written as null", v.trim()),
                );
                None
            }
        })
    }

    fn id_field(&mut self, empty: bool, what: &str) -> Result<Option<i64>, Error> {
        self.scratch(empty, |r, v| {
            values::parse_id(v).unwrap_or_else(|values::Invalid| {
                r.bad_number(v, what);
                None
            })
        })
    }

    fn int_field(&mut self, empty: bool, what: &str) -> Result<Option<i64>, Error> {
        self.scratch(empty, |r, v| {
            values::parse_int(v).unwrap_or_else(|values::Invalid| {
                r.bad_number(v, what);
                None
            })
        })
    }

    fn bad_number(&mut self, v: &str, what: &str) {
        self.item_note(
            Severity::Warning,
            "wxr.bad_number",
            format!("<{what}> {:?} is not a number; written as null", v.trim()),
        );
    }

    // ----- diagnostics and errors ----------------------------------------

    fn location(&self) -> Location {
        let (line, column) = self.xml.position();
        Location {
            file: self.file.clone(),
            line,
            column,
        }
    }

    /// A diagnostic at the current position.
    fn here(&self, severity: Severity, code: &'static str, message: String) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message,
            location: Some(self.location()),
            item_id: None,
            count: 1,
        }
    }

    fn note(&mut self, severity: Severity, code: &'static str, message: String) {
        let d = self.here(severity, code, message);
        self.diags.push(d);
    }

    /// A diagnostic about the current item, given its id once known.
    fn item_note(&mut self, severity: Severity, code: &'static str, message: String) {
        let d = self.here(severity, code, message);
        if self.current.is_some() {
            self.item_diags.push(d);
        } else {
            self.diags.push(d);
        }
    }

    fn drain_fixes(&mut self) {
        let item_id = self.current.as_ref().and_then(|c| c.id);
        for fix in std::mem::take(&mut self.xml.fixes) {
            let d = Diagnostic {
                code: fix.code,
                severity: Severity::Repair,
                message: fix.message,
                location: Some(Location {
                    file: self.file.clone(),
                    line: fix.line,
                    column: fix.column,
                }),
                item_id,
                count: 1,
            };
            self.diags.push(d);
        }
        for (code, count) in std::mem::take(&mut self.xml.fixes_over) {
            self.diags.push(Diagnostic {
                code,
                severity: Severity::Repair,
                message: format!("{count} more repair(s) of this kind in the same place"),
                location: None,
                item_id,
                count,
            });
        }
    }

    fn check_strict(&self) -> Result<(), Error> {
        if !self.opts.strict {
            return Ok(());
        }
        if let Some(d) = self.diags.first_repair() {
            return Err(Error::Strict(Box::new(d.clone())));
        }
        if let Some(d) = self
            .input_diagnostics()
            .into_iter()
            .find(|d| d.severity == Severity::Repair)
        {
            return Err(Error::Strict(Box::new(d)));
        }
        Ok(())
    }

    /// Diagnostics for what the decoding layer changed.
    fn input_diagnostics(&self) -> Vec<Diagnostic> {
        let st = self.xml.input().stats();
        let at = |p: Option<(u64, u64)>| {
            p.map(|(line, column)| Location {
                file: self.file.clone(),
                line,
                column,
            })
        };
        let mut out = Vec::new();
        let mut push = |code, severity, message, location, count| {
            out.push(Diagnostic {
                code,
                severity,
                message,
                location,
                item_id: None,
                count,
            })
        };
        if let Some(label) = &st.unknown_label {
            push(
                "input.unknown_encoding",
                Severity::Warning,
                format!("the declared encoding {label:?} is unknown; read as UTF-8"),
                None,
                1,
            );
        }
        if st.invalid_bytes > 0 {
            push(
                "input.invalid_utf8",
                Severity::Repair,
                format!(
                    "{} byte(s) were not valid UTF-8 and were read as windows-1252 (the first is here)",
                    st.invalid_bytes
                ),
                at(st.first_invalid),
                st.invalid_bytes,
            );
        }
        if st.malformed_chunks > 0 {
            push(
                "input.malformed_bytes",
                Severity::Repair,
                format!(
                    "bytes that are not valid {} were replaced by U+FFFD (first near here)",
                    st.encoding
                ),
                at(st.first_malformed),
                st.malformed_chunks,
            );
        }
        let refs = self.xml.dropped_char_refs;
        if st.control_chars + refs > 0 {
            push(
                "input.control_chars",
                Severity::Repair,
                format!(
                    "removed {} control character(s) that XML 1.0 forbids{}",
                    st.control_chars + refs,
                    if st.first_control.is_some() {
                        " (the first is here)"
                    } else {
                        " (written as character references)"
                    }
                ),
                at(st.first_control),
                st.control_chars + refs,
            );
        }
        out
    }

    /// End of input: turn the counters into diagnostics (once).
    fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        for d in self.input_diagnostics() {
            self.diags.push(d);
        }
        for u in std::mem::take(&mut self.unknown) {
            let Unknown {
                qname,
                parent,
                count,
                first,
            } = u;
            self.diags.push(Diagnostic {
                code: "wxr.unknown_element",
                severity: Severity::Notice,
                message: format!(
                    "<{qname}> inside <{parent}> is not part of WXR; skipped {count} time(s) (the first is here)"
                ),
                location: Some(first),
                item_id: None,
                count,
            });
        }
        if self.unknown_other > 0 {
            self.diags.push(Diagnostic {
                code: "wxr.unknown_element",
                severity: Severity::Notice,
                message: format!(
                    "{} more element(s) of other names not part of WXR were skipped",
                    self.unknown_other
                ),
                location: None,
                item_id: None,
                count: self.unknown_other,
            });
        }
    }

    fn not_wxr(&mut self, reason: String) -> Error {
        self.done = true;
        Error::NotWxr {
            file: self.file.clone(),
            reason,
        }
    }

    fn malformed(&self, e: XmlError) -> Error {
        if e.io {
            return Error::Io {
                file: self.file.clone(),
                source: std::io::Error::other(e.message),
            };
        }
        Error::Malformed(Box::new(Malformed {
            location: Location {
                file: self.file.clone(),
                line: e.line,
                column: e.column,
            },
            message: e.message,
            item: self.current.clone(),
            complete_items: self.complete_items,
        }))
    }

    /// `--salvage`: report what the error cost and find the next item.
    fn salvage(&mut self, e: Error) {
        let Error::Malformed(m) = e else {
            return;
        };
        let Malformed {
            location,
            message,
            item,
            ..
        } = *m;
        let item_id = item.as_ref().and_then(|i| i.id);
        let mut what = match &item {
            Some(i) => {
                self.dropped_items += 1;
                let mut s = format!("dropped the item that starts at line {}", i.line);
                if let Some(t) = &i.title {
                    s += &format!(", {t:?}");
                }
                s
            }
            None => "skipped the damaged part".to_string(),
        };
        self.current = None;
        self.item_diags.clear();
        let resumed = self.resync();
        match resumed {
            Some(line) => what += &format!(", and resumed at the next <item> (line {line})"),
            None => what += ", and found no <item> after it",
        }
        self.diags.push(Diagnostic {
            code: "wxr.salvaged",
            severity: Severity::Warning,
            message: format!("the XML is not well-formed ({message}); --salvage {what}"),
            location: Some(location),
            item_id,
            count: 1,
        });
        if resumed.is_none() {
            self.done = true;
            self.finish();
        }
    }

    /// Moves to the start of the next `<item>` (its start tag read), past
    /// any damage: a tokenizer stopped by a syntax error is restarted at the
    /// next `<`. Returns the item's line, or `None` at the end of the input.
    fn resync(&mut self) -> Option<u64> {
        loop {
            if self.xml.at_item_start() {
                self.xml.collapse_to(self.channel_depth);
                self.item_open = true;
                return Some(self.xml.position().0);
            }
            if self.xml.is_dead() && !matches!(self.xml.restart(), Ok(true)) {
                return None;
            }
            if let Ok(Ev::Eof) = self.xml.next() {
                return None;
            }
        }
    }
}

/// A `Child` for an element known by its kind only.
fn c_from(f: F, empty: bool) -> Child {
    Child::Open { f, empty }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><wp:wxr_version>1.2</wp:wxr_version>
"#;

    /// Reads `items` (XML of `<item>` elements) inside a minimal export.
    fn read(items: &str, opts: ReadOptions) -> (Result<Vec<Item>, Error>, Diagnostics) {
        let xml = format!("{HEAD}{items}</channel></rss>");
        let mut r =
            match Reader::from_decompressed(Box::new(std::io::Cursor::new(xml.into_bytes())), "t.xml".into(), opts) {
                Ok(r) => r,
                Err(e) => return (Err(e), Diagnostics::new()),
            };
        let mut out = Vec::new();
        loop {
            match r.next_record() {
                Ok(Some(Record::Item(i))) => out.push(*i),
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => return (Err(e), r.take_diagnostics()),
            }
        }
        (Ok(out), r.take_diagnostics())
    }

    fn codes(d: &Diagnostics) -> Vec<&'static str> {
        d.groups().iter().map(|g| g.code).collect()
    }

    #[test]
    fn two_unsplit_scripts_are_read_between_the_outer_markers() {
        let body = "A <script>//<![CDATA[ x < 1 && y //]]></script> B <script>//<![CDATA[ z //]]></script> C";
        let (items, d) = read(
            &format!("<item><wp:post_id>1</wp:post_id><content:encoded><![CDATA[{body}]]></content:encoded></item>"),
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].content, body);
        assert_eq!(codes(&d), ["xml.cdata_unsplit"]);
    }

    #[test]
    fn markup_in_a_title_is_kept_as_text() {
        let (items, d) = read(
            "<item><title>a <b>bold</b> move<br/></title></item>",
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].title.as_deref(), Some("a <b>bold</b> move<br/>"));
        assert!(codes(&d).contains(&"xml.markup_in_text"));
    }

    #[test]
    fn whitespace_around_cdata_is_text_and_kept() {
        let (items, _) = read(
            "<item><content:encoded>\n  <![CDATA[x]]> <![CDATA[y]]>\n</content:encoded></item>",
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].content, "\n  x y\n");
    }

    #[test]
    fn a_mismatched_tag_in_an_item_names_the_item() {
        let (items, _) = read(
            "<item><title>T</title><wp:post_id>7</wp:post_id><wp:status>x</wp:post_type></item>",
            ReadOptions::default(),
        );
        let Err(Error::Malformed(m)) = items else {
            panic!("expected a malformed error")
        };
        assert_eq!(m.item.as_ref().and_then(|i| i.id), Some(7));
        assert_eq!(m.item.as_ref().and_then(|i| i.title.clone()).as_deref(), Some("T"));
        assert_eq!(m.complete_items, 0);
        assert!(m.message.contains("</wp:post_type>"), "{}", m.message);
    }

    #[test]
    fn salvage_skips_to_the_next_item() {
        let (items, d) = read(
            "<item><wp:post_id>1</wp:post_id></item>\
             <item><wp:post_id>2</wp:post_id><wp:status>x</wp:post_type><p></item>\
             <item><wp:post_id>3</wp:post_id></item>",
            ReadOptions {
                salvage: true,
                strict: false,
            },
        );
        let ids: Vec<_> = items.unwrap().iter().map(|i| i.id).collect();
        assert_eq!(ids, [Some(1), Some(3)]);
        assert_eq!(codes(&d), ["wxr.salvaged"]);
    }

    #[test]
    fn wxr_1_0_tags_are_post_tags_without_duplicates() {
        let (items, _) = read(
            r#"<item><category domain="tag"><![CDATA[News]]></category><category domain="tag" nicename="news"><![CDATA[News]]></category><category><![CDATA[Misc]]></category></item>"#,
            ReadOptions::default(),
        );
        let terms = &items.unwrap()[0].terms;
        assert_eq!(terms.len(), 2, "{terms:?}");
        assert_eq!(
            (terms[0].taxonomy.as_str(), terms[0].slug.as_deref()),
            ("post_tag", Some("news"))
        );
        assert_eq!(
            (terms[1].taxonomy.as_str(), terms[1].slug.as_deref()),
            ("category", None)
        );
    }

    #[test]
    fn forbidden_character_references_are_dropped_and_counted() {
        let (items, d) = read("<item><title>a&#12;b&#x1;c&#9;d</title></item>", ReadOptions::default());
        assert_eq!(items.unwrap()[0].title.as_deref(), Some("abc\td"));
        assert_eq!(
            d.groups()
                .iter()
                .find(|g| g.code == "input.control_chars")
                .map(|g| g.count),
            Some(2)
        );
    }

    #[test]
    fn strict_fails_on_the_first_repair() {
        let (items, _) = read(
            "<item><title>AT&T</title></item>",
            ReadOptions {
                salvage: false,
                strict: true,
            },
        );
        assert!(matches!(items, Err(Error::Strict(_))), "{items:?}");
    }

    #[test]
    fn a_file_without_items_or_version_is_not_wxr() {
        let r = Reader::from_decompressed(
            Box::new(std::io::Cursor::new(b"<rss><channel></channel></rss>".to_vec())),
            "x".into(),
            ReadOptions::default(),
        );
        assert!(matches!(r, Err(Error::NotWxr { .. })));
        let r = Reader::from_decompressed(
            Box::new(std::io::Cursor::new(Vec::new())),
            "x".into(),
            ReadOptions::default(),
        );
        assert!(matches!(r, Err(Error::NotWxr { .. })));
    }

    const SALVAGE: ReadOptions = ReadOptions {
        salvage: true,
        strict: false,
    };

    fn ids(items: &[Item]) -> Vec<Option<i64>> {
        items.iter().map(|i| i.id).collect()
    }

    #[test]
    fn markup_recovery_ends_with_the_leaf_not_a_nested_namesake() {
        let (items, _) = read(
            "<item><wp:post_id>1</wp:post_id><title>a <title>b</title> c</title><wp:status>publish</wp:status></item>\
             <item><wp:post_id>2</wp:post_id></item>",
            ReadOptions::default(),
        );
        let items = items.unwrap();
        assert_eq!(ids(&items), [Some(1), Some(2)]);
        assert_eq!(items[0].title.as_deref(), Some("a <title>b</title> c"));
        assert_eq!(items[0].status, "publish");
    }

    #[test]
    fn recovery_never_swallows_the_next_item() {
        let xml = "<item><title><![CDATA[First]]></titl><wp:post_id>1</wp:post_id></item>\
                   <item><title>Second</title><wp:post_id>2</wp:post_id></item>";
        let (strict, _) = read(xml, ReadOptions::default());
        assert!(matches!(strict, Err(Error::Malformed(_))), "{strict:?}");
        let (items, d) = read(xml, SALVAGE);
        let items = items.unwrap();
        assert_eq!(ids(&items), [Some(2)]);
        assert_eq!(items[0].title.as_deref(), Some("Second"));
        assert_eq!(codes(&d), ["wxr.salvaged"]);
    }

    #[test]
    fn salvage_survives_a_syntax_error_that_stops_the_tokenizer() {
        let (items, d) = read(
            "<item><wp:post_id>1</wp:post_id><title>x <!X></title></item>\
             <item><wp:post_id>2</wp:post_id></item><item><wp:post_id>3</wp:post_id></item>",
            SALVAGE,
        );
        assert_eq!(ids(&items.unwrap()), [Some(2), Some(3)]);
        assert_eq!(codes(&d), ["wxr.salvaged"]);
    }

    #[test]
    fn salvage_survives_damage_between_items_and_in_the_header() {
        let (items, _) = read(
            "<item><wp:post_id>1</wp:post_id></item></p><item><wp:post_id>2</wp:post_id></item>",
            SALVAGE,
        );
        assert_eq!(ids(&items.unwrap()), [Some(1), Some(2)]);
        let (items, _) = read(
            "<wp:category><wp:cat_name>x</wp:category_name></wp:category><item><wp:post_id>5</wp:post_id></item>",
            SALVAGE,
        );
        assert_eq!(ids(&items.unwrap()), [Some(5)]);
    }

    #[test]
    fn unsplit_cdata_keeps_the_source_form_of_what_follows_the_inner_marker() {
        let (items, _) = read(
            "<item><content:encoded><![CDATA[<code>x ]]>&lt;b&gt; y <!-- n --></code>]]></content:encoded></item>",
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].content, "<code>x ]]>&lt;b&gt; y <!-- n --></code>");
    }

    #[test]
    fn references_in_markup_recovery_are_decoded_like_the_rest() {
        let (items, _) = read(
            "<item><title>a &amp; <b>bold</b> &amp; c</title></item>",
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].title.as_deref(), Some("a & <b>bold</b> & c"));
    }

    #[test]
    fn content_after_the_channel_is_read_and_reported() {
        let xml = format!(
            "{HEAD}<item><wp:post_id>1</wp:post_id></item></channel>\
             <channel><item><wp:post_id>2</wp:post_id></item></channel>\
             <item><wp:post_id>3</wp:post_id></item></rss>"
        );
        let mut r = Reader::from_decompressed(
            Box::new(std::io::Cursor::new(xml.into_bytes())),
            "t".into(),
            ReadOptions::default(),
        )
        .unwrap();
        let mut got = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            if let Record::Item(i) = rec {
                got.push(i.id);
            }
        }
        assert_eq!(got, [Some(1), Some(2), Some(3)]);
        let d = r.take_diagnostics();
        assert!(codes(&d).contains(&"wxr.second_channel"));
        assert!(codes(&d).contains(&"wxr.item_outside_channel"));
    }

    #[test]
    fn an_empty_nicename_is_a_null_slug() {
        let (items, _) = read(
            r#"<item><category domain="category" nicename=""><![CDATA[X]]></category></item>"#,
            ReadOptions::default(),
        );
        assert_eq!(items.unwrap()[0].terms[0].slug, None);
    }

    #[test]
    fn salvage_goes_back_to_items_an_unclosed_comment_swallowed() {
        let (items, d) = read(
            "<item><wp:post_id>1</wp:post_id></item><!-- unclosed\n\
             <item><wp:post_id>2</wp:post_id></item><item><wp:post_id>3</wp:post_id></item>",
            SALVAGE,
        );
        assert_eq!(ids(&items.unwrap()), [Some(1), Some(2), Some(3)]);
        assert_eq!(codes(&d), ["wxr.salvaged"]);
    }

    #[test]
    fn concatenated_exports_are_read_whole() {
        let one = format!("{HEAD}<item><wp:post_id>1</wp:post_id></item></channel></rss>\n");
        let two = format!("{HEAD}<item><wp:post_id>2</wp:post_id></item></channel></rss>\n");
        let mut r = Reader::from_decompressed(
            Box::new(std::io::Cursor::new(format!("{one}{two}").into_bytes())),
            "t".into(),
            ReadOptions::default(),
        )
        .unwrap();
        let mut got = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            if let Record::Item(i) = rec {
                got.push(i.id);
            }
        }
        assert_eq!(got, [Some(1), Some(2)]);
        assert!(codes(&r.take_diagnostics()).contains(&"wxr.concatenated"));
    }
}
