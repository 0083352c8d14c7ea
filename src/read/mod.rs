//! Reading: a WXR export, streamed, into model [`Record`]s.
//!
//! [`Reader`] pulls one record at a time: the channel header first (site,
//! authors, terms, gathered up to the first `<item>`), then each item with
//! its postmeta and comments. Memory is bounded by the largest single item.
//!
//! The layers, bottom up: `input` turns bytes into clean UTF-8; `xml`
//! resolves namespaces and reads text values the way WordPress's importer
//! does; the rest of this module knows the WXR vocabulary (every version
//! since 1.0) and normalizes values per the model contract. Problems become
//! [`Diagnostics`] (repairs and warnings) or an [`Error`] with a position.
//!
//! The module map:
//!
//! * this file: [`ReadOptions`], [`Reader`] (its [`ReaderBuilder`], its
//!   [`Iterator`] of records and the loop that drives the others);
//! * `vocabulary`: the element names of WXR and their lookup;
//! * `element`: the next child element, skipping, and reading text values;
//! * `channel`: the channel header (site, authors, terms) and what follows
//!   the channel;
//! * `item`: an item with its terms, postmeta and comments;
//! * `recovery`: `--salvage`, dropping a damaged item and resuming at the
//!   next `<item>`;
//! * `diagnostics`: repairs, warnings, `--strict` and the errors;
//! * `error`, `values`: the error type, and the normalization of values.

mod channel;
mod diagnostics;
mod element;
mod error;
mod input;
mod item;
mod recovery;
#[cfg(test)]
mod testing;
mod values;
mod vocabulary;
mod xml;

pub use error::{Error, ItemContext, Malformed};
pub use input::{InputStats, Source};
pub(crate) use xml::decoded;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Record, Site};
use element::Unknown;
use input::Prefetched;
pub(crate) use input::{Decoded, Wide};
use std::collections::{HashMap, VecDeque};
use std::io::Read;
use xml::{Ns, Xml};

/// True for a namespace URI the reader takes for WordPress's `wp:`
/// elements: any WXR version, `http` or `https`, with or without `www.`
/// and the trailing slash.
pub(crate) fn is_wp_namespace(uri: &str) -> bool {
    xml::classify_uri(uri) == Ns::Wp
}

/// How to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Keep every complete item of a damaged file instead of failing.
    pub salvage: bool,
    /// Fail on the first repair.
    pub strict: bool,
}

impl ReadOptions {
    /// These options with `--salvage` on or off.
    pub fn with_salvage(mut self, on: bool) -> Self {
        self.salvage = on;
        self
    }

    /// These options with `--strict` on or off.
    pub fn with_strict(mut self, on: bool) -> Self {
        self.strict = on;
        self
    }
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
    /// Unknown elements beyond [`element::MAX_UNKNOWN_NAMES`] distinct names.
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
}
