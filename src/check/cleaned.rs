//! Writing a cleaned copy of an export.
//!
//! `wxr check --write-cleaned OUT.xml` writes a copy of the export without
//! the broken pingback and trackback comments. The copy is byte-identical to
//! the input except for two kinds of edits:
//!
//! * every removed `<wp:comment>` element is cut out, together with the
//!   spaces and tabs before it on its line and one line break after it
//!   (`\n` or `\r\n`), if present;
//! * a kept comment whose `<wp:comment_parent>` names a removed comment of the
//!   same item gets the nearest kept ancestor instead (or `0`); only the
//!   number inside `<wp:comment_parent>` is replaced, so a `<![CDATA[…]]>`
//!   wrapping and the whitespace around the number stay as they were.
//!
//! The input is scanned with quick-xml, so markup-like text inside CDATA
//! sections, XML comments and processing instructions is never mistaken for
//! an element. The work is done on bytes, never re-encoded, so UTF-8 and
//! ASCII-compatible single-byte encodings such as ISO-8859-1 are copied
//! unchanged (quick-xml only sees a copy in which every byte from 0x80 up is
//! masked as `x`, which keeps all offsets). A UTF-16 or UTF-32 export, told
//! by its first bytes as the reader tells it ([`Wide`]), is decoded to UTF-8
//! by the reader's own decoding ([`Decoded`], its repairs included: a
//! control character removed, a unit that is no character replaced), cleaned
//! as UTF-8, and written back in its encoding, byte order and BOM; the
//! offsets of its errors count bytes of that UTF-8.
//!
//! Memory stays bounded by the largest single `<item>`: bytes outside items
//! are copied straight through, and each `<item>…</item>` is buffered, edited
//! and written before the next one is read.
//!
//! Element names: `<item>` must be unprefixed (as in RSS). The comment
//! elements are matched by their exact local names `comment`, `comment_id`
//! and `comment_parent` (so `<wp:comment_content>` is never a comment), with
//! any prefix bound to a namespace the reader takes for WordPress's
//! (`http://wordpress.org/export/1.2/`, with or without the trailing slash,
//! `https`, any version), or the literal prefix `wp` when the export forgot
//! to declare it. A `<wp:comment>` is recognised only as a direct child of `<item>`, and
//! its id and parent only as direct children of the comment.

use crate::model::CommentRef;
use crate::read::{Decoded, Wide};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::sync::Arc;

use quick_xml::events::Event;
use quick_xml::name::{QName, ResolveResult};
use quick_xml::reader::NsReader;

/// What was done.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CleanStats {
    /// Number of `<wp:comment>` elements removed.
    pub removed: u64,
    /// Number of kept comments whose `<wp:comment_parent>` was rewritten
    /// because their parent was removed.
    pub reparented: u64,
    /// Number of `<item>` elements that were changed (at least one comment
    /// removed or re-parented).
    pub items: u64,
    /// Comments to delete that the file does not have.
    pub not_found: Vec<CommentRef>,
}

/// Why writing a cleaned copy failed.
#[derive(Debug)]
pub enum CleanError {
    /// Reading the input or writing the output failed (this includes a
    /// corrupt gzip stream).
    Io(io::Error),
    /// Comments to delete are not in the file: it is not the export the
    /// ids come from, or the cleaner did not recognize its comments.
    NotFound(Vec<CommentRef>),
    /// The input is not XML that can be scanned.
    Xml {
        /// Byte offset in the (decompressed) input where the problem was found.
        offset: u64,
        /// What was wrong.
        message: String,
    },
}

impl fmt::Display for CleanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CleanError::Io(e) => write!(f, "I/O error: {e}"),
            CleanError::NotFound(ids) => write!(
                f,
                "{} to delete {} not in the file ({}{}): nothing was written",
                crate::diag::counted(ids.len() as u64, "comment", "comments"),
                if ids.len() == 1 { "is" } else { "are" },
                ids.iter()
                    .take(5)
                    .map(CommentRef::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                if ids.len() > 5 { "…" } else { "" }
            ),
            CleanError::Xml { offset, message } => {
                write!(f, "XML error at byte {offset}: {message}")
            }
        }
    }
}

impl std::error::Error for CleanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CleanError::Io(e) => Some(e),
            CleanError::NotFound(_) | CleanError::Xml { .. } => None,
        }
    }
}

impl From<io::Error> for CleanError {
    fn from(e: io::Error) -> Self {
        CleanError::Io(e)
    }
}

/// Copies `input` (a WXR file, plain or gzip-compressed, detected by the
/// magic bytes `1f 8b`) to `output` (plain XML), removing every
/// `<wp:comment>` whose `<wp:comment_id>` is in `delete`.
///
/// A kept comment whose `<wp:comment_parent>` names a removed comment of the
/// same item gets the removed comment's own parent instead, transitively, so
/// a chain of removed ancestors resolves to the nearest kept one, or `0`.
///
/// The output is written to a temporary file in the directory of `output`,
/// synced, and renamed over `output` only on success; on failure `output` is
/// left untouched, and so it is when an id of `delete` is not in the file
/// ([`CleanError::NotFound`]). Offsets in [`CleanError::Xml`] count bytes
/// of the decompressed input.
pub fn write_cleaned(input: &Path, output: &Path, delete: &BTreeSet<CommentRef>) -> Result<CleanStats, CleanError> {
    // Opened as the reader opens it (gzip recognized by its content,
    // several members and zero padding read as `gzip -d` reads them), and
    // its encoding told from the same first bytes.
    let mut raw = crate::read::Source::Path(input.to_path_buf()).open()?;
    let mut head = Vec::with_capacity(8);
    (&mut raw).take(8).read_to_end(&mut head)?;
    let wide = Wide::sniff(&head);
    let raw: Box<dyn Read + Send> = Box::new(io::Cursor::new(head).chain(raw));
    crate::output::write_atomically(output, |w| {
        let stats = match wide {
            None => clean(BufReader::with_capacity(CHUNK, raw), w, delete)?,
            Some(wide) => {
                let text = BufReader::with_capacity(CHUNK, Decoded::new(raw)?);
                let mut out = WideWriter::new(wide, w)?;
                let stats = clean(text, &mut out, delete)?;
                out.finish()?;
                stats
            }
        };
        if stats.not_found.is_empty() {
            Ok(stats)
        } else {
            Err(CleanError::NotFound(stats.not_found))
        }
    })
}

/// The same as [`write_cleaned`] on an in-memory reader and writer (the
/// input must be plain XML here; no gzip detection).
///
/// On error, part of the output may already have been written.
pub fn clean<R: BufRead, W: Write>(
    input: R,
    mut output: W,
    delete: &BTreeSet<CommentRef>,
) -> Result<CleanStats, CleanError> {
    let mut src = Source::new(input);
    // quick-xml silently skips a UTF-8 byte order mark without counting it
    // in its positions; copy it ourselves so that positions stay exact.
    let mut shift = 0u64;
    while src.data.len() < UTF8_BOM.len() {
        if src.read_more()? == 0 {
            break;
        }
    }
    if src.data.starts_with(UTF8_BOM) {
        output.write_all(UTF8_BOM)?;
        src.skip_unread(UTF8_BOM.len());
        shift = UTF8_BOM.len() as u64;
    }

    let mut reader = NsReader::from_reader(src);
    {
        let config = reader.config_mut();
        config.allow_dangling_amp = true;
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }

    let mut cleaner = Cleaner {
        delete,
        stats: CleanStats::default(),
        found: BTreeSet::new(),
        base: 0,
        depth: 0,
        seen_root: false,
        item: None,
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let p0 = reader.buffer_position();
        let ev = match reader.read_resolved_event_into(&mut buf) {
            Ok((res, ev)) => classify(&res, &ev),
            Err(e) => {
                return Err(CleanError::from_xml(e, reader.error_position() + shift));
            }
        };
        let p1 = reader.buffer_position();
        let src = reader.get_mut();
        let at_eof = matches!(ev, Ev::Eof);
        cleaner
            .event(ev, p0, p1, src, &mut output)
            .map_err(|e| e.shifted(shift))?;
        if at_eof {
            break;
        }
    }
    output.flush()?;
    let mut stats = cleaner.stats;
    stats.not_found = delete.difference(&cleaner.found).copied().collect();
    Ok(stats)
}

/// Writes the UTF-8 it is given in the encoding of a UTF-16 or UTF-32
/// export, after that export's BOM if it had one. A character split
/// between two writes waits for its end.
struct WideWriter<W> {
    inner: W,
    wide: Wide,
    /// The start of a character not written yet.
    pending: Vec<u8>,
    encoded: Vec<u8>,
}

impl<W: Write> WideWriter<W> {
    fn new(wide: Wide, inner: W) -> io::Result<WideWriter<W>> {
        let mut w = WideWriter {
            inner,
            wide,
            pending: Vec::new(),
            encoded: Vec::new(),
        };
        if wide.bom {
            w.write_all("\u{feff}".as_bytes())?;
        }
        Ok(w)
    }

    /// Flushes; the text must not end within a character.
    fn finish(mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the cleaned text ends within a character",
            ));
        }
        self.inner.flush()
    }
}

impl<W: Write> Write for WideWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let text = match std::str::from_utf8(&self.pending) {
            Ok(t) => t,
            Err(e) if e.error_len().is_none() => std::str::from_utf8(&self.pending[..e.valid_up_to()]).unwrap_or(""),
            Err(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the cleaned text is not UTF-8",
                ));
            }
        };
        self.encoded.clear();
        let big_endian = self.wide.big_endian;
        for c in text.chars() {
            if self.wide.utf32 {
                let v = u32::from(c);
                self.encoded
                    .extend(if big_endian { v.to_be_bytes() } else { v.to_le_bytes() });
            } else {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    self.encoded.extend(if big_endian {
                        unit.to_be_bytes()
                    } else {
                        unit.to_le_bytes()
                    });
                }
            }
        }
        let used = text.len();
        self.inner.write_all(&self.encoded)?;
        self.pending.drain(..used);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

const CHUNK: usize = 64 * 1024;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl CleanError {
    fn from_xml(e: quick_xml::Error, offset: u64) -> Self {
        match e {
            quick_xml::Error::Io(arc) => {
                CleanError::Io(Arc::try_unwrap(arc).unwrap_or_else(|a| io::Error::new(a.kind(), a.to_string())))
            }
            other => CleanError::Xml {
                offset,
                message: other.to_string(),
            },
        }
    }

    fn shifted(self, shift: u64) -> Self {
        match self {
            CleanError::Xml { offset, message } => CleanError::Xml {
                offset: offset + shift,
                message,
            },
            other => other,
        }
    }
}

/// A [`BufRead`] that keeps every byte handed to quick-xml until told to
/// forget it, so that the exact input bytes of any event can be copied.
///
/// quick-xml 0.42 insists on UTF-8, but exports may be ISO-8859-1 and we must
/// not re-encode. So quick-xml is fed a masked copy in which every byte from
/// 0x80 up is replaced by `x`: all markup delimiters are ASCII, and no byte of
/// a UTF-8 or single-byte-encoded non-ASCII character is ASCII, so the
/// structure and every byte offset stay the same, while the original bytes
/// are kept in `data` for copying.
struct Source<R> {
    inner: R,
    /// Unflushed original input; `data[0]` is at absolute offset
    /// `Cleaner::base`.
    data: Vec<u8>,
    /// How much of `data` quick-xml has consumed.
    pos: usize,
    /// Masked copy of the not yet consumed tail of `data` (from `masked_pos`).
    masked: Vec<u8>,
    masked_pos: usize,
}

impl<R: BufRead> Source<R> {
    fn new(inner: R) -> Self {
        Source {
            inner,
            data: Vec::with_capacity(CHUNK),
            pos: 0,
            masked: Vec::with_capacity(CHUNK),
            masked_pos: 0,
        }
    }

    fn read_more(&mut self) -> io::Result<usize> {
        loop {
            match self.inner.fill_buf() {
                Ok(b) => {
                    let n = b.len();
                    self.data.extend_from_slice(b);
                    self.masked.extend(b.iter().map(|&c| if c >= 0x80 { b'x' } else { c }));
                    self.inner.consume(n);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Drops `n` leading bytes not yet seen by quick-xml (the BOM).
    fn skip_unread(&mut self, n: usize) {
        self.data.drain(..n);
        self.masked.drain(..n);
    }
}

impl<R: BufRead> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Source<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.masked_pos >= self.masked.len() {
            self.masked.clear();
            self.masked_pos = 0;
            self.read_more()?;
        }
        Ok(self.masked.get(self.masked_pos..).unwrap_or(&[]))
    }

    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.masked.len().saturating_sub(self.masked_pos));
        self.masked_pos += amt;
        self.pos = (self.pos + amt).min(self.data.len());
    }
}

/// Which of the names we care about an element has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    Item,
    Comment,
    CommentId,
    CommentParent,
    PostId,
    Other,
}

/// The part of a quick-xml event the cleaner needs; the bytes themselves are
/// taken from [`Source::data`] by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ev {
    Start(Name),
    End,
    Empty,
    Text,
    CData,
    /// An entity or character reference (`&amp;`, `&#49;`).
    Ref,
    Other,
    Eof,
}

fn name_of(res: &ResolveResult<'_>, name: QName<'_>) -> Name {
    let local = name.local_name();
    let local = local.as_ref();
    if name.prefix().is_none() {
        return if local == "item" { Name::Item } else { Name::Other };
    }
    let wp = match res {
        // The namespaces the reader takes for WordPress's.
        ResolveResult::Bound(ns) => crate::read::is_wp_namespace(ns.as_ref()),
        ResolveResult::Unknown(prefix) => prefix == "wp",
        ResolveResult::Unbound => false,
    };
    if !wp {
        return Name::Other;
    }
    match local {
        "comment" => Name::Comment,
        "comment_id" => Name::CommentId,
        "comment_parent" => Name::CommentParent,
        "post_id" => Name::PostId,
        _ => Name::Other,
    }
}

fn classify(res: &ResolveResult<'_>, ev: &Event<'_>) -> Ev {
    match ev {
        Event::Start(e) => Ev::Start(name_of(res, e.name())),
        Event::End(_) => Ev::End,
        Event::Empty(_) => Ev::Empty,
        Event::Text(_) => Ev::Text,
        Event::CData(_) => Ev::CData,
        Event::GeneralRef(_) => Ev::Ref,
        Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => Ev::Other,
        Event::Eof => Ev::Eof,
    }
}

/// One piece of text directly inside `<wp:comment_id>` or
/// `<wp:comment_parent>` that is not only whitespace.
#[derive(Debug, Clone)]
struct Piece {
    /// Absolute range of the whole piece (text, or `<![CDATA[…]]>`).
    raw: (u64, u64),
    /// Absolute range of the trimmed value inside it.
    value: (u64, u64),
    cdata: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    /// The item's `<wp:post_id>`.
    PostId,
    Id,
    Parent,
}

/// An open `<wp:comment_id>`, `<wp:comment_parent>` or `<wp:post_id>`.
#[derive(Debug)]
struct Field {
    kind: FieldKind,
    pieces: Vec<Piece>,
    /// Holds something other than text and CDATA (a child element or a
    /// reference), so its value is not a plain number we can read or edit.
    bad: bool,
}

/// The value of a comment's `<wp:comment_parent>` and where it is written.
#[derive(Debug, Clone)]
struct Parent {
    value: i64,
    pieces: Vec<Piece>,
}

#[derive(Debug, Default)]
struct Comment {
    /// Absolute offset of `<` of `<wp:comment>`.
    start: u64,
    /// Absolute offset just after `</wp:comment>`.
    end: u64,
    /// The last `<wp:comment_id>`, as the reader keeps it.
    id: Option<i64>,
    /// The last `<wp:comment_parent>`, as the reader keeps it.
    parent: Option<Parent>,
}

/// State while inside one `<item>`.
#[derive(Debug, Default)]
struct Item {
    /// Open elements below `<item>`.
    depth: usize,
    /// The last `<wp:post_id>`, as the reader keeps it.
    post_id: Option<i64>,
    comments: Vec<Comment>,
    current: Option<Comment>,
    field: Option<Field>,
}

struct Cleaner<'d> {
    delete: &'d BTreeSet<CommentRef>,
    stats: CleanStats,
    /// Comments of `delete` met in the file.
    found: BTreeSet<CommentRef>,
    /// Absolute offset of `Source::data[0]`.
    base: u64,
    /// Open elements in the document.
    depth: usize,
    seen_root: bool,
    item: Option<Item>,
}

fn xml_err(offset: u64, message: impl Into<String>) -> CleanError {
    CleanError::Xml {
        offset,
        message: message.into(),
    }
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Trimmed sub-range of `bytes`, relative to it.
fn trim_range(bytes: &[u8]) -> Option<(usize, usize)> {
    let start = bytes.iter().position(|&b| !is_xml_space(b))?;
    let end = bytes.iter().rposition(|&b| !is_xml_space(b))? + 1;
    Some((start, end))
}

/// The number a field holds, its pieces read from the source buffer whose
/// first byte is at absolute offset `base`.
fn field_number<R>(field: &Field, src: &Source<R>, base: u64) -> Option<i64> {
    let mut value = Vec::new();
    for piece in &field.pieces {
        let a = usize::try_from(piece.value.0.saturating_sub(base)).ok()?;
        let b = usize::try_from(piece.value.1.saturating_sub(base)).ok()?;
        value.extend_from_slice(src.data.get(a..b).unwrap_or(&[]));
    }
    parse_number(&value)
}

fn parse_number(bytes: &[u8]) -> Option<i64> {
    let (s, e) = trim_range(bytes)?;
    std::str::from_utf8(bytes.get(s..e)?).ok()?.parse().ok()
}

/// The nearest kept ancestor of each removed comment: `removed` maps each
/// removed comment to its parent (0 for none), and the first parent up the
/// chain that is not removed (or 0) is the answer. A cycle of removed comments (bad data), and
/// whatever leads into one, ends at 0. Each comment's answer is found
/// once and then reused by the comments below it, so a chain of removed
/// comments costs its length, not its length squared; `steps` counts the
/// parents looked up, at most two per removed comment.
fn nearest_kept(removed: &HashMap<i64, i64>, steps: &mut usize) -> HashMap<i64, i64> {
    let mut nearest: HashMap<i64, i64> = HashMap::with_capacity(removed.len());
    let mut path: Vec<i64> = Vec::new();
    let mut on_path: HashSet<i64> = HashSet::new();
    for &start in removed.keys() {
        path.clear();
        on_path.clear();
        let mut at = start;
        let answer = loop {
            *steps += 1;
            if at == 0 {
                break 0;
            }
            if let Some(&known) = nearest.get(&at) {
                break known;
            }
            let Some(&up) = removed.get(&at) else { break at };
            if !on_path.insert(at) {
                break 0;
            }
            path.push(at);
            at = up;
        };
        for id in path.drain(..) {
            nearest.insert(id, answer);
        }
    }
    nearest
}

impl Cleaner<'_> {
    /// Bytes of `[from, to)` (absolute) from the source buffer.
    fn slice<'a, R>(&self, src: &'a Source<R>, from: u64, to: u64) -> Option<&'a [u8]> {
        let a = usize::try_from(from.checked_sub(self.base)?).ok()?;
        let b = usize::try_from(to.checked_sub(self.base)?).ok()?;
        src.data.get(a..b)
    }

    /// Writes the source bytes before absolute offset `to` and forgets them.
    fn flush_to<R, W: Write>(&mut self, src: &mut Source<R>, to: u64, out: &mut W) -> Result<(), CleanError> {
        let n = to
            .checked_sub(self.base)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n <= src.data.len() && n <= src.pos)
            .ok_or_else(|| xml_err(to, "internal error: position outside the read buffer"))?;
        out.write_all(&src.data[..n])?;
        src.data.drain(..n);
        src.pos -= n;
        self.base = to;
        Ok(())
    }

    fn event<R, W: Write>(
        &mut self,
        ev: Ev,
        p0: u64,
        p1: u64,
        src: &mut Source<R>,
        out: &mut W,
    ) -> Result<(), CleanError> {
        match ev {
            Ev::Start(_) => {
                self.depth += 1;
                self.seen_root = true;
            }
            Ev::Empty => self.seen_root = true,
            Ev::End => self.depth = self.depth.saturating_sub(1),
            Ev::Eof => {
                if self.depth > 0 || self.item.is_some() {
                    return Err(xml_err(
                        p1,
                        format!(
                            "unexpected end of file: {} not closed",
                            crate::diag::counted(self.depth.max(1) as u64, "element", "elements")
                        ),
                    ));
                }
                if !self.seen_root {
                    return Err(xml_err(p1, "no root element"));
                }
                // Everything read is copied, whatever quick-xml reported.
                let end = self.base + src.data.len() as u64;
                src.pos = src.data.len();
                return self.flush_to(src, end, out);
            }
            _ => {}
        }

        let Some(item) = self.item.as_mut() else {
            if ev == Ev::Start(Name::Item) {
                self.flush_to(src, p0, out)?;
                self.item = Some(Item::default());
            } else if p1.saturating_sub(self.base) >= CHUNK as u64 {
                self.flush_to(src, p1, out)?;
            }
            return Ok(());
        };

        match ev {
            Ev::Start(name) => {
                if let Some(field) = item.field.as_mut() {
                    field.bad = true;
                } else if item.depth == 0 && name == Name::PostId {
                    item.field = Some(Field {
                        kind: FieldKind::PostId,
                        pieces: Vec::new(),
                        bad: false,
                    });
                } else if item.depth == 0 && name == Name::Comment {
                    item.current = Some(Comment {
                        start: p0,
                        ..Comment::default()
                    });
                } else if item.depth == 1 && item.current.is_some() {
                    let kind = match name {
                        Name::CommentId => Some(FieldKind::Id),
                        Name::CommentParent => Some(FieldKind::Parent),
                        _ => None,
                    };
                    item.field = kind.map(|kind| Field {
                        kind,
                        pieces: Vec::new(),
                        bad: false,
                    });
                }
                item.depth += 1;
            }
            Ev::Empty | Ev::Ref => {
                if let Some(field) = item.field.as_mut() {
                    field.bad = true;
                }
            }
            Ev::Text | Ev::CData => {
                if let Some(field) = item.field.as_mut() {
                    let a = usize::try_from(p0.saturating_sub(self.base)).unwrap_or(usize::MAX);
                    let b = usize::try_from(p1.saturating_sub(self.base)).unwrap_or(usize::MAX);
                    let raw = src.data.get(a..b).unwrap_or(&[]);
                    let (inner, off) = if ev == Ev::CData {
                        match raw.strip_prefix(b"<![CDATA[").and_then(|r| r.strip_suffix(b"]]>")) {
                            Some(inner) => (inner, 9u64),
                            None => {
                                field.bad = true;
                                (&[][..], 0)
                            }
                        }
                    } else {
                        (raw, 0)
                    };
                    if let Some((s, e)) = trim_range(inner) {
                        field.pieces.push(Piece {
                            raw: (p0, p1),
                            value: (p0 + off + s as u64, p0 + off + e as u64),
                            cdata: ev == Ev::CData,
                        });
                    }
                }
            }
            Ev::End => {
                if item.depth == 0 {
                    // `</item>`: quick-xml checked that the name matches.
                    let item = self.item.take().unwrap_or_default();
                    return self.finish_item(item, src, p1, out);
                }
                item.depth -= 1;
                // A field ends where it began: `<wp:post_id>` under `<item>`, the
                // others under `<wp:comment>`.
                let depth = item.depth;
                if let Some(field) = item
                    .field
                    .take_if(|f| depth == usize::from(f.kind != FieldKind::PostId))
                {
                    let number = if field.bad {
                        None
                    } else {
                        field_number(&field, src, self.base)
                    };
                    match (field.kind, item.current.as_mut()) {
                        // The last one counts, as in the reader that made
                        // the report.
                        (FieldKind::PostId, _) => item.post_id = number,
                        (FieldKind::Id, Some(comment)) => comment.id = number,
                        (FieldKind::Parent, Some(comment)) => {
                            comment.parent = number.map(|value| Parent {
                                value,
                                pieces: field.pieces,
                            });
                        }
                        (_, None) => {}
                    }
                } else if item.depth == 0
                    && let Some(mut comment) = item.current.take()
                {
                    comment.end = p1;
                    item.comments.push(comment);
                }
            }
            Ev::Other | Ev::Eof => {}
        }
        Ok(())
    }

    /// Edits and writes one complete item, `[self.base, end)`.
    fn finish_item<R, W: Write>(
        &mut self,
        item: Item,
        src: &mut Source<R>,
        end: u64,
        out: &mut W,
    ) -> Result<(), CleanError> {
        let start = self.base;
        let Some(bytes) = self.slice(src, start, end) else {
            return Err(xml_err(end, "internal error: item outside the read buffer"));
        };

        // Removed comments of this item: id → its parent (0 when unknown).
        let mut removed_parent: HashMap<i64, i64> = HashMap::new();
        let mut removed = vec![false; item.comments.len()];
        for (i, c) in item.comments.iter().enumerate() {
            if let Some(id) = c.id
                && let target = (CommentRef {
                    item: item.post_id,
                    comment: id,
                })
                && self.delete.contains(&target)
            {
                removed[i] = true;
                self.found.insert(target);
                removed_parent
                    .entry(id)
                    .or_insert_with(|| c.parent.as_ref().map_or(0, |p| p.value));
            }
        }
        if removed_parent.is_empty() {
            return self.flush_to(src, end, out);
        }
        let nearest = nearest_kept(&removed_parent, &mut 0);

        // Edits as (start, end, replacement), relative to the item.
        let rel = |x: u64| usize::try_from(x.saturating_sub(start)).unwrap_or(usize::MAX);
        let mut edits: Vec<(usize, usize, Vec<u8>)> = Vec::new();
        let mut n_removed = 0u64;
        let mut n_reparented = 0u64;
        for (i, c) in item.comments.iter().enumerate() {
            if removed[i] {
                let mut a = rel(c.start);
                let mut b = rel(c.end);
                if a > b || b > bytes.len() {
                    return Err(xml_err(c.start, "internal error: comment outside its item"));
                }
                while a > 0 && matches!(bytes[a - 1], b' ' | b'\t') {
                    a -= 1;
                }
                if bytes[b..].starts_with(b"\r\n") {
                    b += 2;
                } else if bytes[b..].starts_with(b"\n") {
                    b += 1;
                }
                edits.push((a, b, Vec::new()));
                n_removed += 1;
                continue;
            }
            let Some(parent) = &c.parent else { continue };
            let Some(&new_parent) = nearest.get(&parent.value).filter(|_| parent.value != 0) else {
                continue;
            };
            let number = new_parent.to_string().into_bytes();
            let edit = match parent.pieces.as_slice() {
                [one] => (rel(one.value.0), rel(one.value.1), number),
                [first, .., last] => {
                    // Several pieces (e.g. split CDATA): write one value.
                    let replacement = if parent.pieces.iter().any(|p| p.cdata) {
                        [&b"<![CDATA["[..], &number, b"]]>"].concat()
                    } else {
                        number
                    };
                    (rel(first.raw.0), rel(last.raw.1), replacement)
                }
                [] => continue,
            };
            if edit.0 > edit.1 || edit.1 > bytes.len() {
                return Err(xml_err(c.start, "internal error: parent outside its item"));
            }
            edits.push(edit);
            n_reparented += 1;
        }

        edits.sort_by_key(|e| e.0);
        let mut at = 0usize;
        for (a, b, replacement) in &edits {
            // Ranges never overlap; be safe anyway.
            let a = (*a).max(at);
            let b = (*b).max(a);
            out.write_all(&bytes[at..a])?;
            out.write_all(replacement)?;
            at = b;
        }
        out.write_all(&bytes[at..])?;

        self.stats.removed += n_removed;
        self.stats.reparented += n_reparented;
        self.stats.items += 1;

        let n = bytes.len();
        src.data.drain(..n);
        src.pos = src.pos.saturating_sub(n);
        self.base = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Comments of items without an id (the test exports' items have none).
    fn refs(v: &[i64]) -> Vec<CommentRef> {
        v.iter().map(|&comment| CommentRef { item: None, comment }).collect()
    }

    fn ids(v: &[i64]) -> BTreeSet<CommentRef> {
        refs(v).into_iter().collect()
    }

    fn run(input: &[u8], delete: &[i64]) -> (Vec<u8>, CleanStats) {
        let mut out = Vec::new();
        let stats = clean(input, &mut out, &ids(delete)).expect("clean");
        (out, stats)
    }

    fn run_str(input: &str, delete: &[i64]) -> (String, CleanStats) {
        let (out, stats) = run(input.as_bytes(), delete);
        (String::from_utf8(out).expect("utf-8"), stats)
    }

    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n\
<rss version=\"2.0\"\n\
\txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n\
\txmlns:wp=\"http://wordpress.org/export/1.2/\">\n\
<channel>\n\
\t<title>Blog</title>\n";
    const TAIL: &str = "</channel>\n</rss>\n";

    fn comment(id: &str, parent: &str, content: &str) -> String {
        format!(
            "\t\t<wp:comment>\n\
\t\t\t<wp:comment_id>{id}</wp:comment_id>\n\
\t\t\t<wp:comment_content><![CDATA[{content}]]></wp:comment_content>\n\
\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n\
\t\t</wp:comment>\n"
        )
    }

    fn doc(items: &[String]) -> String {
        let mut s = String::from(HEAD);
        for body in items {
            s.push_str("\t<item>\n\t\t<title>Post</title>\n");
            s.push_str(body);
            s.push_str("\t</item>\n");
        }
        s.push_str(TAIL);
        s
    }

    #[test]
    fn removes_one_of_three_exactly() {
        let input = doc(&[[
            comment("1", "0", "first"),
            comment("2", "0", "pingback"),
            comment("3", "0", "third"),
        ]
        .concat()]);
        let expected = doc(&[[comment("1", "0", "first"), comment("3", "0", "third")].concat()]);
        let (out, stats) = run(input.as_bytes(), &[2]);
        assert_eq!(out, expected.as_bytes());
        assert_eq!(
            stats,
            CleanStats {
                removed: 1,
                reparented: 0,
                items: 1,
                not_found: vec![]
            }
        );
    }

    #[test]
    fn literal_removal_range_is_line_based() {
        // Spaces before the element and exactly one newline after go; the
        // blank line after stays.
        let input = "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item>\n  \
<wp:comment><wp:comment_id>5</wp:comment_id></wp:comment>\n\nX\
<wp:comment><wp:comment_id>6</wp:comment_id></wp:comment>Y</item></channel></rss>";
        let (out, stats) = run_str(input, &[5, 6]);
        assert_eq!(
            out,
            "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item>\n\nXY</item></channel></rss>"
        );
        assert_eq!(stats.removed, 2);
    }

    #[test]
    fn cdata_ids_with_whitespace() {
        let input = doc(&[[
            comment("<![CDATA[10]]>", "0", "a"),
            comment(" <![CDATA[ 11 ]]>\n", "0", "b"),
            comment("<![CDATA[12]]>", "0", "c"),
        ]
        .concat()]);
        let expected = doc(&[comment("<![CDATA[10]]>", "0", "a")]);
        let (out, stats) = run_str(&input, &[11, 12]);
        assert_eq!(out, expected);
        assert_eq!(stats.removed, 2);
    }

    #[test]
    fn reparents_child_and_grandchild_chain() {
        // 1 (kept) <- 2 (removed) <- 3 (removed) <- 4 (kept) ; 2 <- 5 (kept)
        // 6 (removed, parent 0) <- 7 (kept)
        let input = doc(&[[
            comment("1", "0", "root"),
            comment("2", "1", "ping"),
            comment("3", "2", "ping"),
            comment("4", "3", "reply"),
            comment("5", "2", "reply"),
            comment("6", "0", "ping"),
            comment("7", "6", "reply"),
            comment("8", "1", "untouched"),
        ]
        .concat()]);
        let expected = doc(&[[
            comment("1", "0", "root"),
            comment("4", "1", "reply"),
            comment("5", "1", "reply"),
            comment("7", "0", "reply"),
            comment("8", "1", "untouched"),
        ]
        .concat()]);
        let (out, stats) = run_str(&input, &[2, 3, 6]);
        assert_eq!(out, expected);
        assert_eq!(
            stats,
            CleanStats {
                removed: 3,
                reparented: 3,
                items: 1,
                not_found: vec![]
            }
        );
    }

    #[test]
    fn parent_in_another_item_is_not_reparented() {
        // Comment 2 is removed from the first item; the second item's
        // comment naming parent 2 is not "of the same item".
        let input = doc(&[
            [comment("1", "0", "a"), comment("2", "0", "ping")].concat(),
            comment("3", "2", "other item"),
        ]);
        let expected = doc(&[comment("1", "0", "a"), comment("3", "2", "other item")]);
        let (out, stats) = run_str(&input, &[2]);
        assert_eq!(out, expected);
        assert_eq!(stats.reparented, 0);
        assert_eq!(stats.items, 1);
    }

    #[test]
    fn a_long_chain_of_removed_comments_is_resolved_once() {
        // Pings 1…N, each replying to the one before, all removed, each
        // with a kept reply: climbing from every reply to the top anew
        // would look up N²/2 parents.
        let n = 20_000i64;
        let removed: HashMap<i64, i64> = (1..=n).map(|i| (i, i - 1)).collect();
        let mut steps = 0;
        let nearest = nearest_kept(&removed, &mut steps);
        assert!(nearest.values().all(|&p| p == 0));
        assert_eq!(nearest.len(), n as usize);
        assert!(steps <= 2 * removed.len(), "{steps} steps for {n} comments");
        // Under a kept comment, and in a cycle (bad data), as before.
        let mut removed: HashMap<i64, i64> = (2..=n).map(|i| (i, i - 1)).collect();
        removed.extend([(-1, -2), (-2, -3), (-3, -1), (-4, -3)]);
        let mut steps = 0;
        let nearest = nearest_kept(&removed, &mut steps);
        assert!((2..=n).all(|i| nearest[&i] == 1));
        assert!([-1, -2, -3, -4].iter().all(|i| nearest[i] == 0));
        assert!(steps <= 2 * removed.len(), "{steps} steps");
        // Through the cleaner: each reply re-parented to the kept root.
        let mut body = comment("1", "0", "root");
        let mut expected = body.clone();
        for i in 2..=200 {
            body += &comment(&i.to_string(), &(i - 1).to_string(), "ping");
            let reply = comment(&(1000 + i).to_string(), &i.to_string(), "reply");
            body += &reply;
            expected += &comment(&(1000 + i).to_string(), "1", "reply");
        }
        let delete: Vec<i64> = (2..=200).collect();
        let (out, stats) = run_str(&doc(&[body]), &delete);
        assert_eq!(out, doc(&[expected]));
        assert_eq!((stats.removed, stats.reparented), (199, 199));
    }

    #[test]
    fn cdata_parent_stays_cdata() {
        let input = doc(&[[
            comment("<![CDATA[20]]>", "<![CDATA[0]]>", "root"),
            comment("<![CDATA[21]]>", "<![CDATA[20]]>", "ping"),
            comment("<![CDATA[22]]>", " <![CDATA[21]]> ", "reply"),
        ]
        .concat()]);
        // 20 is kept; 21 removed; 22's parent becomes 20, still in CDATA
        // and with its surrounding spaces.
        let expected = doc(&[[
            comment("<![CDATA[20]]>", "<![CDATA[0]]>", "root"),
            comment("<![CDATA[22]]>", " <![CDATA[20]]> ", "reply"),
        ]
        .concat()]);
        let (out, stats) = run_str(&input, &[21]);
        assert_eq!(out, expected);
        assert_eq!(stats.reparented, 1);

        // Removing the root too: the value becomes 0, still in CDATA.
        let expected = doc(&[comment("<![CDATA[22]]>", " <![CDATA[0]]> ", "reply")]);
        let (out, _) = run_str(&input, &[20, 21]);
        assert_eq!(out, expected);
    }

    #[test]
    fn one_byte_reads_give_the_same_result() {
        // Every chunk boundary falls inside some tag, CDATA or BOM.
        let body = doc(&[[
            comment("<![CDATA[1]]>", "0", "a]]]]><![CDATA[>b"),
            comment("2", "1", "ping"),
            comment("3", "<![CDATA[2]]>", "reply"),
        ]
        .concat()]);
        let input = [UTF8_BOM, body.as_bytes()].concat();
        let expected = [
            UTF8_BOM,
            doc(&[[
                comment("<![CDATA[1]]>", "0", "a]]]]><![CDATA[>b"),
                comment("3", "<![CDATA[1]]>", "reply"),
            ]
            .concat()])
            .as_bytes(),
        ]
        .concat();
        let mut out = Vec::new();
        let stats = clean(BufReader::with_capacity(1, &input[..]), &mut out, &ids(&[2])).expect("clean");
        assert_eq!(out, expected);
        assert_eq!(stats.reparented, 1);
    }

    #[test]
    fn a_comment_is_found_by_its_item_and_its_id() {
        let input = "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>\
<item><wp:post_id>1</wp:post_id><wp:post_id><![CDATA[ 2 ]]></wp:post_id>\
<wp:comment><wp:comment_id>5</wp:comment_id></wp:comment></item>\
<item><wp:post_id>3</wp:post_id><wp:comment><wp:comment_id>5</wp:comment_id><wp:post_id>9</wp:post_id></wp:comment></item>\
</channel></rss>";
        let at = |item| CommentRef {
            item: Some(item),
            comment: 5,
        };
        let mut out = Vec::new();
        // The last `<wp:post_id>` of the item counts, as in the reader; one
        // inside a comment is not the item's.
        let stats = clean(input.as_bytes(), &mut out, &[at(2)].into()).expect("clean");
        assert_eq!((stats.removed, stats.not_found.as_slice()), (1, &[][..]));
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.matches("<wp:comment_id>5</wp:comment_id>").count(), 1);
        assert!(out.contains("<wp:post_id>9</wp:post_id>"));
        let stats = clean(input.as_bytes(), &mut Vec::new(), &[at(1), at(9)].into()).expect("clean");
        assert_eq!((stats.removed, stats.not_found), (0, vec![at(1), at(9)]));
    }

    #[test]
    fn split_parent_value_is_rewritten_whole() {
        // A parent written in two CDATA pieces reads as 12; it is replaced
        // by one CDATA section.
        let input = doc(&[[
            comment("12", "0", "ping"),
            comment("13", "<![CDATA[1]]><![CDATA[2]]>", "reply"),
        ]
        .concat()]);
        let expected = doc(&[comment("13", "<![CDATA[0]]>", "reply")]);
        let (out, stats) = run_str(&input, &[12]);
        assert_eq!(out, expected);
        assert_eq!(stats.reparented, 1);
    }

    #[test]
    fn comment_markup_inside_cdata_is_text() {
        // The content of the post and of comment 1 quotes a whole comment,
        // including `]]]]><![CDATA[>` splits; only comment 2 is removed.
        let quoted = "<wp:comment><wp:comment_id>2</wp:comment_id></wp:comment>";
        let post =
            format!("\t\t<content:encoded><![CDATA[<p>{quoted}</p> a]]]]><![CDATA[>b {quoted}]]></content:encoded>\n");
        let input = doc(&[[
            post.clone(),
            comment("1", "0", quoted),
            comment("2", "0", "ping"),
            "\t\t<!-- <wp:comment><wp:comment_id>2</wp:comment_id></wp:comment> -->\n".into(),
        ]
        .concat()]);
        let expected = doc(&[[
            post,
            comment("1", "0", quoted),
            "\t\t<!-- <wp:comment><wp:comment_id>2</wp:comment_id></wp:comment> -->\n".into(),
        ]
        .concat()]);
        let (out, stats) = run_str(&input, &[2]);
        assert_eq!(out, expected);
        assert_eq!(stats.removed, 1);
    }

    #[test]
    fn similar_names_are_not_comments() {
        // <wp:comment_content> etc. must not be taken for <wp:comment>, and a
        // wp:comment nested deeper than a child of <item> is left alone.
        let input = "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item>\
<wp:commentx><wp:comment_id>1</wp:comment_id></wp:commentx>\
<wp:postmeta><wp:comment><wp:comment_id>1</wp:comment_id></wp:comment></wp:postmeta>\
<wp:comment_meta><wp:comment_id>1</wp:comment_id></wp:comment_meta>\
<x:comment xmlns:x=\"urn:other\"><x:comment_id>1</x:comment_id></x:comment>\
</item></channel></rss>";
        let (out, stats) = run_str(input, &[1]);
        assert_eq!(out, input);
        assert_eq!(
            stats,
            CleanStats {
                not_found: refs(&[1]),
                ..CleanStats::default()
            }
        );
    }

    #[test]
    fn other_prefix_bound_to_wordpress_namespace() {
        let input = "<rss xmlns:w=\"https://wordpress.org/export/1.1/\"><channel><item>\
<w:comment><w:comment_id>1</w:comment_id></w:comment>\
<w:comment><w:comment_id>2</w:comment_id><w:comment_parent>1</w:comment_parent></w:comment>\
</item></channel></rss>";
        let (out, stats) = run_str(input, &[1]);
        assert_eq!(
            out,
            "<rss xmlns:w=\"https://wordpress.org/export/1.1/\"><channel><item>\
<w:comment><w:comment_id>2</w:comment_id><w:comment_parent>0</w:comment_parent></w:comment>\
</item></channel></rss>"
        );
        assert_eq!(stats.reparented, 1);
    }

    #[test]
    fn undeclared_wp_prefix_still_works() {
        let input = "<rss><channel><item>\
<wp:comment><wp:comment_id>1</wp:comment_id></wp:comment>\n</item></channel></rss>";
        let (out, _) = run_str(input, &[1]);
        assert_eq!(out, "<rss><channel><item></item></channel></rss>");
    }

    #[test]
    fn crlf_line_endings() {
        let input = doc(&[[
            comment("1", "0", "a"),
            comment("2", "0", "ping"),
            comment("3", "2", "reply"),
        ]
        .concat()])
        .replace('\n', "\r\n");
        let expected = doc(&[[comment("1", "0", "a"), comment("3", "0", "reply")].concat()]).replace('\n', "\r\n");
        let (out, stats) = run_str(&input, &[2]);
        assert_eq!(out, expected);
        assert_eq!(stats.removed, 1);
        assert_eq!(stats.reparented, 1);
    }

    #[test]
    fn latin1_bytes_copied_unchanged() {
        let head = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n\
<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><title a=\"\xe9\">Caf\xe9</title><item>\n\
<title>D\xe9j\xe0 vu \xff</title>\n";
        let kept = b"<wp:comment><wp:comment_id>1</wp:comment_id>\
<wp:comment_content>Gr\xfc\xdfe &amp; \xe9</wp:comment_content></wp:comment>\n";
        let gone = b"<wp:comment><wp:comment_id>2</wp:comment_id>\
<wp:comment_content>\xe0\xe9</wp:comment_content></wp:comment>\n";
        let tail = b"</item><item><title>\xa9</title></item></channel></rss>\n";
        let input = [&head[..], kept, gone, tail].concat();
        let expected = [&head[..], kept, tail].concat();
        assert!(std::str::from_utf8(&input).is_err());
        let (out, stats) = run(&input, &[2]);
        assert_eq!(out, expected);
        assert_eq!(stats.removed, 1);
    }

    #[test]
    fn utf8_bom_is_kept() {
        let body = doc(&[[comment("1", "0", "a"), comment("2", "0", "ping")].concat()]);
        let input = [UTF8_BOM, body.as_bytes()].concat();
        let expected = [UTF8_BOM, doc(&[comment("1", "0", "a")]).as_bytes()].concat();
        let (out, _) = run(&input, &[2]);
        assert_eq!(out, expected);
    }

    #[test]
    fn nothing_to_delete_is_identity() {
        let input = [
            "\u{feff}",
            &doc(&[
                [comment("1", "0", "é <b>x</b>"), comment("2", "1", "]]]]><![CDATA[>")].concat(),
                "\t\t<wp:postmeta><wp:meta_value><![CDATA[a:1:{}]]></wp:meta_value></wp:postmeta>\n".into(),
            ]),
            "<!-- trailing -->\n",
        ]
        .concat();
        // Neither an empty set nor ids that do not occur change anything.
        for (delete, not_found) in [(&[][..], &[][..]), (&[99, -1][..], &[-1, 99][..])] {
            let (out, stats) = run_str(&input, delete);
            assert_eq!(out, input);
            assert_eq!(
                stats,
                CleanStats {
                    not_found: refs(not_found),
                    ..CleanStats::default()
                }
            );
        }
    }

    #[test]
    fn large_input_streams_identically() {
        // Many items, more than one read chunk, with removals in several.
        let mut items = Vec::new();
        let mut expected_items = Vec::new();
        for i in 0..400i64 {
            let a = comment(&(i * 2).to_string(), "0", &"x".repeat(300));
            let b = comment(&(i * 2 + 1).to_string(), &(i * 2).to_string(), "ping");
            items.push([a.clone(), b].concat());
            expected_items.push(a);
        }
        let input = doc(&items);
        assert!(input.len() > 3 * CHUNK);
        let delete: Vec<i64> = (0..400).map(|i| i * 2 + 1).collect();
        let (out, stats) = run_str(&input, &delete);
        assert_eq!(out, doc(&expected_items));
        assert_eq!(stats.removed, 400);
        assert_eq!(stats.items, 400);
    }

    #[test]
    fn gzip_input_via_write_cleaned() {
        use flate2::{Compression, write::GzEncoder};
        let input = doc(&[[
            comment("1", "0", "a"),
            comment("2", "1", "ping"),
            comment("3", "2", "reply"),
        ]
        .concat()]);
        let expected = doc(&[[comment("1", "0", "a"), comment("3", "1", "reply")].concat()]);
        let dir = tempfile::tempdir().expect("tempdir");
        let gz_path = dir.path().join("export.xml.gz");
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(input.as_bytes()).expect("gzip");
        std::fs::write(&gz_path, enc.finish().expect("gzip")).expect("write");
        let out_path = dir.path().join("cleaned.xml");
        let stats = write_cleaned(&gz_path, &out_path, &ids(&[2])).expect("write_cleaned");
        assert_eq!(std::fs::read(&out_path).expect("read"), expected.as_bytes());
        assert_eq!(
            stats,
            CleanStats {
                removed: 1,
                reparented: 1,
                items: 1,
                not_found: vec![]
            }
        );
        // Plain input through the file function, replacing an existing file;
        // no temporary files are left behind.
        let plain = dir.path().join("export.xml");
        std::fs::write(&plain, &input).expect("write");
        write_cleaned(&plain, &out_path, &ids(&[])).expect("write_cleaned");
        assert_eq!(std::fs::read(&out_path).expect("read"), input.as_bytes());
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["cleaned.xml", "export.xml", "export.xml.gz"]);
    }

    /// `text` in UTF-16 or UTF-32, either byte order, with a BOM or not.
    fn wide_bytes(text: &str, utf32: bool, big_endian: bool, bom: bool) -> Vec<u8> {
        let text = if bom {
            format!("\u{feff}{text}")
        } else {
            text.to_string()
        };
        let mut out = Vec::new();
        for c in text.chars() {
            let units: Vec<u32> = if utf32 {
                vec![u32::from(c)]
            } else {
                c.encode_utf16(&mut [0; 2]).iter().map(|&u| u32::from(u)).collect()
            };
            for u in units {
                match (utf32, big_endian) {
                    (true, true) => out.extend(u.to_be_bytes()),
                    (true, false) => out.extend(u.to_le_bytes()),
                    (false, true) => out.extend((u as u16).to_be_bytes()),
                    (false, false) => out.extend((u as u16).to_le_bytes()),
                }
            }
        }
        out
    }

    #[test]
    fn utf16_and_utf32_are_cleaned_in_their_own_encoding() {
        // The exports the reader reads: each encoding and byte order, with
        // a BOM or told by the declaration alone; the copy keeps them.
        let body = [
            comment("1", "0", "é, 😀 and ✓"),
            comment("2", "1", "ping from café.example"),
            comment("3", "2", "réponse 😀"),
        ]
        .concat();
        let kept = [comment("1", "0", "é, 😀 and ✓"), comment("3", "1", "réponse 😀")].concat();
        let dir = tempfile::tempdir().expect("tempdir");
        for (utf32, big_endian, bom) in [
            (false, false, true),
            (false, true, true),
            (false, false, false),
            (false, true, false),
            (true, false, true),
            (true, true, true),
            (true, false, false),
            (true, true, false),
        ] {
            let label = if utf32 { "UTF-32" } else { "UTF-16" };
            let head = HEAD.replace("UTF-8", label);
            let text = |items: &str| doc(&[items.to_string()]).replacen(HEAD, &head, 1);
            let input = dir.path().join("wide.xml");
            std::fs::write(&input, wide_bytes(&text(&body), utf32, big_endian, bom)).expect("write");
            let out = dir.path().join("clean.xml");
            let stats = write_cleaned(&input, &out, &ids(&[2])).expect("write_cleaned");
            let case = (label, big_endian, bom);
            assert_eq!((stats.removed, stats.reparented), (1, 1), "{case:?}");
            assert!(
                std::fs::read(&out).expect("read") == wide_bytes(&text(&kept), utf32, big_endian, bom),
                "{case:?}"
            );
        }
    }

    #[test]
    fn invalid_file_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out_path = dir.path().join("cleaned.xml");
        // Mismatched end tag inside an item.
        let bad = "<rss><channel><item><title>x</titel></item></channel></rss>";
        let in_path = dir.path().join("bad.xml");
        std::fs::write(&in_path, bad).expect("write");
        match write_cleaned(&in_path, &out_path, &ids(&[1])) {
            Err(CleanError::Xml { offset, message }) => {
                assert_eq!(offset, bad.find("</titel>").unwrap() as u64, "{message}");
            }
            other => panic!("expected an XML error, got {other:?}"),
        }
        assert!(!out_path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).expect("read_dir").count(), 1);

        // Truncated file: an item that never ends.
        let truncated = doc(&[comment("1", "0", "a")]);
        let truncated = &truncated[..truncated.find("</item>").unwrap()];
        std::fs::write(&in_path, truncated).expect("write");
        let err = write_cleaned(&in_path, &out_path, &ids(&[1])).unwrap_err();
        assert!(matches!(err, CleanError::Xml { .. }), "{err}");
        assert!(!out_path.exists());

        // Corrupt gzip.
        std::fs::write(&in_path, b"\x1f\x8b\x08\x00garbage").expect("write");
        let err = write_cleaned(&in_path, &out_path, &ids(&[1])).unwrap_err();
        assert!(matches!(err, CleanError::Io(_)), "{err}");
        assert!(!out_path.exists());

        // Missing input.
        let err = write_cleaned(&dir.path().join("nope.xml"), &out_path, &ids(&[])).unwrap_err();
        assert!(matches!(err, CleanError::Io(_)), "{err}");
        assert!(!out_path.exists());

        // Ids that are not in the file: not its export, or comments the
        // cleaner did not recognize; a copy without them would look clean.
        std::fs::write(&in_path, doc(&[comment("1", "0", "a")])).expect("write");
        let err = write_cleaned(&in_path, &out_path, &ids(&[1, 7, 8])).unwrap_err();
        assert!(
            matches!(&err, CleanError::NotFound(missing) if *missing == refs(&[7, 8])),
            "{err}"
        );
        assert!(!out_path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).expect("read_dir").count(), 1);
    }

    #[test]
    fn errors_do_not_panic() {
        let cases: [&[u8]; 8] = [
            b"",
            b"   ",
            b"<",
            b"<rss><channel><item><wp:comment><wp:comment_id>1",
            b"<rss><channel><item><![CDATA[</item></channel></rss>",
            b"<rss></channel>",
            b"<rss><channel><item></item></channel></rss><",
            b"\xef\xbb",
        ];
        for case in cases {
            let mut out = Vec::new();
            let r = clean(case, &mut out, &ids(&[1]));
            assert!(
                matches!(r, Err(CleanError::Xml { .. })),
                "{:?}: {r:?}",
                String::from_utf8_lossy(case)
            );
        }
    }
}
