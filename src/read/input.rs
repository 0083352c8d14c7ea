//! Byte input: opening a file or standard input, gzip, character decoding,
//! and scrubbing what XML forbids, before the XML tokenizer sees anything.
//!
//! The XML tokenizer (quick-xml) needs valid UTF-8 and passes control
//! characters through, while real exports are Latin-1 files, UTF-8 files with
//! a few stray windows-1252 bytes, or carry form feeds pasted from Word. This
//! layer turns any of them into clean UTF-8, chunk by chunk (memory does not
//! grow with the file), and counts every change it makes:
//!
//! * a UTF-8 BOM is skipped; a UTF-16 or UTF-32 BOM selects that encoding,
//!   and so does an XML declaration written in UTF-16 or UTF-32 without one
//!   (`<?` as two or four bytes per character);
//! * UTF-32, which encoding_rs does not decode, is decoded here
//!   ([`decode_utf32`]); a code unit that is no character (a surrogate, or
//!   above U+10FFFF) or a truncated last unit becomes U+FFFD;
//! * the encoding declared in the XML prolog (`ISO-8859-1`, `windows-1252`,
//!   …) is honoured through encoding_rs, with WHATWG labels (so `ISO-8859-1`
//!   decodes as windows-1252, which is what WordPress sites meant);
//! * in a UTF-8 file, each byte that is not valid UTF-8 is read as the
//!   windows-1252 character it most likely was;
//! * C0 control characters other than tab, LF and CR, which XML 1.0 forbids,
//!   are removed.
//!
//! Positions (line and column, in characters) of the first repair of each
//! kind are kept for the report.

use encoding_rs::{Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

/// Size of one raw read.
const CHUNK: usize = 128 * 1024;
/// How many bytes are examined for a BOM and an XML declaration, and how
/// far a declaration that has started is followed.
const SNIFF: usize = 1024;
const SNIFF_MAX: usize = 8 * 1024;

/// Where an export is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file; `.gz` content is recognized by its magic bytes, not its name.
    Path(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
}

impl Source {
    /// Parses a command-line argument: `-` is standard input.
    pub fn from_arg(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    /// The name used in messages: the path as given, or `-`.
    pub fn display_name(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Stdin => "-".to_string(),
        }
    }

    /// The size in bytes of a file source, for progress reporting.
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
        }
    }

    /// Opens the bytes, decompressing gzip (several members too).
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        decompress(self.open_raw()?)
    }

    /// Opens the bytes as they are stored (compressed for a `.gz`).
    pub fn open_raw(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Source::Path(p) => Box::new(std::fs::File::open(p)?),
            Source::Stdin => Box::new(io::stdin()),
        })
    }
}

/// The bytes of `raw`, decompressed when they are gzip (recognized by
/// their content, not a name): the one place where wxr tells gzip apart.
pub(crate) fn decompress(raw: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    let mut buffered = BufReader::with_capacity(CHUNK, raw);
    let head = buffered.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(GzMembers {
            dec: Some(flate2::bufread::GzDecoder::new(buffered)),
        }))
    } else {
        Ok(Box::new(buffered))
    }
}

/// Gzip members one after another, as `gzip -d` reads them; zero bytes
/// padding the end (some download and archive tools add them) are ignored,
/// any other data after the last member is an error.
struct GzMembers<R: BufRead> {
    dec: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(dec) = self.dec.as_mut() else { return Ok(0) };
            let n = dec.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // One member ended: another, zero padding, or the end.
            let Some(dec) = self.dec.take() else { return Ok(0) };
            let mut inner = dec.into_inner();
            if inner.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
                self.dec = Some(flate2::bufread::GzDecoder::new(inner));
                continue;
            }
            loop {
                let head = inner.fill_buf()?;
                if head.is_empty() {
                    return Ok(0);
                }
                if head.iter().any(|&b| b != 0) {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "data after the end of the gzip stream",
                    ));
                }
                let n = head.len();
                inner.consume(n);
            }
        }
    }
}

/// What the decoding layer changed, with the first position of each change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputStats {
    /// The encoding the bytes were read as.
    pub encoding: &'static str,
    /// The label in the XML declaration, when there was one.
    pub declared: Option<String>,
    /// A declared label encoding_rs does not know (read as UTF-8).
    pub unknown_label: Option<String>,
    /// A BOM was found and skipped.
    pub bom: bool,
    /// Forbidden control characters removed.
    pub control_chars: u64,
    /// Line and column of the first one.
    pub first_control: Option<(u64, u64)>,
    /// Invalid UTF-8 bytes re-read as windows-1252.
    pub invalid_bytes: u64,
    /// Line and column of the first one.
    pub first_invalid: Option<(u64, u64)>,
    /// Chunks in which a non-UTF-8 decoder met malformed sequences
    /// (replaced by U+FFFD).
    pub malformed_chunks: u64,
    /// Line and column of the start of the first such chunk.
    pub first_malformed: Option<(u64, u64)>,
    /// UTF-32 code units that are no character (replaced by U+FFFD).
    pub invalid_units: u64,
    /// Line and column of the first one.
    pub first_invalid_unit: Option<(u64, u64)>,
}

/// A UTF-16 or UTF-32 export, as its first bytes tell it: a BOM, or the
/// `<?` of its XML declaration in two or four bytes a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wide {
    /// UTF-32, else UTF-16.
    pub utf32: bool,
    /// Big-endian, else little-endian.
    pub big_endian: bool,
    /// It starts with a byte order mark.
    pub bom: bool,
}

impl Wide {
    /// The encoding of a file starting with `head` (8 bytes are enough),
    /// when it is UTF-16 or UTF-32. UTF-32 is asked first: its
    /// little-endian BOM starts like UTF-16's (a UTF-16 file starting with
    /// U+0000 is no XML), as in XML 1.0's appendix F.
    pub fn sniff(head: &[u8]) -> Option<Wide> {
        let wide = |utf32, big_endian, bom| Some(Wide { utf32, big_endian, bom });
        if head.starts_with(b"\xFF\xFE\0\0") {
            wide(true, false, true)
        } else if head.starts_with(b"\0\0\xFE\xFF") {
            wide(true, true, true)
        } else if head.starts_with(b"<\0\0\0?\0\0\0") {
            wide(true, false, false)
        } else if head.starts_with(b"\0\0\0<\0\0\0?") {
            wide(true, true, false)
        } else if head.starts_with(b"\xFF\xFE") {
            wide(false, false, true)
        } else if head.starts_with(b"\xFE\xFF") {
            wide(false, true, true)
        } else if head.starts_with(b"<\0?\0") {
            wide(false, false, false)
        } else if head.starts_with(b"\0<\0?") {
            wide(false, true, false)
        } else {
            None
        }
    }

    /// The length of its BOM (0 without one).
    pub fn bom_len(self) -> usize {
        match (self.bom, self.utf32) {
            (false, _) => 0,
            (true, false) => 2,
            (true, true) => 4,
        }
    }

    /// Its name, as encoding_rs spells them.
    pub fn name(self) -> &'static str {
        match (self.utf32, self.big_endian) {
            (true, false) => UTF_32LE,
            (true, true) => UTF_32BE,
            (false, false) => UTF_16LE.name(),
            (false, true) => UTF_16BE.name(),
        }
    }
}

enum Mode {
    Utf8,
    /// UTF-32, big-endian when true.
    Utf32(bool),
    /// A non-UTF-8 decoder, and whether it was told the input ended.
    Other(Decoder, bool),
}

/// Clean UTF-8 over raw export bytes, a chunk at a time: handed to the
/// XML reader through [`Prefetched`], or read as a [`Read`] by the cleaner
/// of `wxr check`, which copies UTF-16 and UTF-32 exports. See the module
/// doc.
pub(crate) struct Decoded {
    inner: Box<dyn Read + Send>,
    raw: Vec<u8>,
    /// Bytes of `raw` not yet decoded (an incomplete UTF-8 sequence, or the
    /// sniffed prefix).
    raw_len: usize,
    eof: bool,
    out: Vec<u8>,
    out_pos: usize,
    mode: Mode,
    /// Line and column at the end of what was produced so far.
    line: u64,
    col: u64,
    stats: InputStats,
}

impl Decoded {
    /// Sniffs the encoding from the first bytes and prepares decoding.
    pub fn new(mut inner: Box<dyn Read + Send>) -> io::Result<Decoded> {
        let mut raw = vec![0u8; CHUNK];
        let mut len = 0;
        let mut eof = false;
        // Read until the declaration is complete (or clearly absent), however
        // the source splits its reads.
        while len < SNIFF_MAX && (len < SNIFF || declaration_open(&raw[..len])) {
            let n = read_retry(&mut inner, &mut raw[len..SNIFF_MAX])?;
            if n == 0 {
                eof = true;
                break;
            }
            len += n;
        }
        let mut stats = InputStats::default();
        let head = &raw[..len];
        let (mode, skip, name) = if head.starts_with(b"\xEF\xBB\xBF") {
            stats.bom = true;
            (Mode::Utf8, 3, UTF_8.name())
        } else if let Some(wide) = Wide::sniff(head) {
            stats.bom = wide.bom;
            let mode = match (wide.utf32, wide.big_endian) {
                (true, big_endian) => Mode::Utf32(big_endian),
                (false, false) => Mode::Other(UTF_16LE.new_decoder_without_bom_handling(), false),
                (false, true) => Mode::Other(UTF_16BE.new_decoder_without_bom_handling(), false),
            };
            (mode, wide.bom_len(), wide.name())
        } else {
            stats.declared = declared_encoding(head);
            match stats.declared.as_deref().map(|l| {
                (
                    l,
                    Encoding::for_label(l.as_bytes()).filter(|&e| e != encoding_rs::REPLACEMENT),
                )
            }) {
                None => (Mode::Utf8, 0, UTF_8.name()),
                // Unknown, or one of the unsafe encodings (ISO-2022-KR…) that
                // encoding_rs maps to "replacement", which decodes all to U+FFFD.
                Some((label, None)) => {
                    stats.unknown_label = Some(label.to_string());
                    (Mode::Utf8, 0, UTF_8.name())
                }
                // A UTF-16 label on bytes we just read as ASCII is wrong.
                Some((_, Some(e))) if e == UTF_8 || e == UTF_16LE || e == UTF_16BE => (Mode::Utf8, 0, UTF_8.name()),
                Some((_, Some(e))) => (Mode::Other(e.new_decoder_without_bom_handling(), false), 0, e.name()),
            }
        };
        stats.encoding = name;
        raw.copy_within(skip..len, 0);
        Ok(Decoded {
            inner,
            raw,
            raw_len: len - skip,
            eof,
            out: Vec::with_capacity(CHUNK + CHUNK / 2),
            out_pos: 0,
            mode,
            line: 1,
            col: 1,
            stats,
        })
    }

    /// What was changed so far.
    pub fn stats(&self) -> &InputStats {
        &self.stats
    }

    /// Hands out the next decoded chunk, taking `spare` as the buffer for
    /// the one after (so buffers are recycled). `None` at the end.
    fn next_chunk(&mut self, mut spare: Vec<u8>) -> io::Result<Option<Vec<u8>>> {
        while self.out_pos >= self.out.len() {
            if !self.refill()? {
                return Ok(None);
            }
        }
        spare.clear();
        std::mem::swap(&mut self.out, &mut spare);
        spare.drain(..self.out_pos);
        self.out_pos = 0;
        Ok(Some(spare))
    }

    /// Decodes the next chunk into `out`. Returns false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.out_pos = 0;
        loop {
            if !self.eof && self.raw_len < self.raw.len() {
                let n = read_retry(&mut self.inner, &mut self.raw[self.raw_len..])?;
                if n == 0 {
                    self.eof = true;
                }
                self.raw_len += n;
            }
            if self.raw_len == 0 && self.eof {
                if let Mode::Other(d, finished @ false) = &mut self.mode {
                    // Flush a decoder holding an incomplete sequence.
                    *finished = true;
                    let mut tail = vec![0u8; 16];
                    let (_, _, written, bad) = d.decode_to_utf8(&[], &mut tail, true);
                    self.out.extend_from_slice(&tail[..written]);
                    if bad {
                        self.note_malformed();
                    }
                }
                break;
            }
            let mut first_invalid = None;
            let mut first_invalid_unit = None;
            let consumed = match &mut self.mode {
                Mode::Utf8 => decode_utf8(
                    &self.raw[..self.raw_len],
                    self.eof,
                    &mut self.out,
                    &mut self.stats.invalid_bytes,
                    &mut first_invalid,
                ),
                &mut Mode::Utf32(big_endian) => decode_utf32(
                    &self.raw[..self.raw_len],
                    big_endian,
                    self.eof,
                    &mut self.out,
                    &mut self.stats.invalid_units,
                    &mut first_invalid_unit,
                ),
                Mode::Other(d, finished) => {
                    *finished = self.eof;
                    let src = &self.raw[..self.raw_len];
                    let start = self.out.len();
                    let need = d.max_utf8_buffer_length(src.len()).unwrap_or(src.len() * 3 + 16);
                    self.out.resize(start + need, 0);
                    let (_, read, written, bad) = d.decode_to_utf8(src, &mut self.out[start..], self.eof);
                    self.out.truncate(start + written);
                    if bad {
                        self.note_malformed();
                    }
                    read
                }
            };
            self.raw.copy_within(consumed..self.raw_len, 0);
            self.raw_len -= consumed;
            if let (Some(off), None) = (first_invalid, self.stats.first_invalid) {
                self.stats.first_invalid = Some(self.position_at(off));
            }
            if let (Some(off), None) = (first_invalid_unit, self.stats.first_invalid_unit) {
                self.stats.first_invalid_unit = Some(self.position_at(off));
            }
            if !self.out.is_empty() || self.eof {
                break;
            }
        }
        if self.out.is_empty() {
            return Ok(false);
        }
        self.scrub_and_count();
        Ok(!self.out.is_empty() || !self.eof || self.raw_len > 0)
    }

    fn note_malformed(&mut self) {
        self.stats.malformed_chunks += 1;
        if self.stats.first_malformed.is_none() {
            self.stats.first_malformed = Some((self.line, self.col));
        }
    }

    /// Line and column of byte `off` of `out`, which starts at the current
    /// line and column.
    fn position_at(&self, off: usize) -> (u64, u64) {
        advance(self.line, self.col, &self.out[..off])
    }

    /// Removes forbidden control characters from `out` and moves the line
    /// and column past it, in one pass for the common clean chunk.
    fn scrub_and_count(&mut self) {
        let bad = has_forbidden(&self.out);
        if bad {
            let first = self.out.iter().position(|&b| is_forbidden(b)).unwrap_or(0);
            if self.stats.first_control.is_none() {
                self.stats.first_control = Some(self.position_at(first));
            }
        }
        (self.line, self.col) = advance(self.line, self.col, &self.out);
        if bad {
            let before = self.out.len();
            self.out.retain(|&b| !is_forbidden(b));
            self.stats.control_chars += (before - self.out.len()) as u64;
        }
    }
}

impl Read for Decoded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos >= self.out.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = (self.out.len() - self.out_pos).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// The most text kept for positions since the start of the current item
/// (or header element). Real items are a few MB at most; more means a
/// damaged file whose tokenizer would otherwise buffer the rest of it.
const KEEP_LIMIT: u64 = 256 << 20;

/// Chunks decoded ahead of the parser.
const CHUNKS_AHEAD: usize = 4;

/// A [`Decoded`] stream run on its own thread, a few chunks ahead of the
/// XML parser: reading the file, validating and scrubbing it costs about a
/// sixth of the parse, and the machine has a second core.
///
/// It also keeps the chunks already read since a point the parser chose
/// ([`Prefetched::release_before`]), so that positions can be computed from
/// the text afterwards ([`Prefetched::scan`]).
pub(crate) struct Prefetched {
    rx: Receiver<io::Result<Vec<u8>>>,
    back: Sender<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
    /// Stream offset of `cur[0]`.
    base: u64,
    /// Chunks before `cur` still kept, and the stream offset of the first.
    kept: VecDeque<Vec<u8>>,
    kept_base: u64,
    /// Chunks to read again after a [`Prefetched::rewind`], before new ones.
    pending: VecDeque<Vec<u8>>,
    /// Bytes in `kept`, bounded by `keep_limit` ([`KEEP_LIMIT`]).
    kept_bytes: u64,
    keep_limit: u64,
    done: bool,
    stats: Arc<Mutex<InputStats>>,
}

impl Prefetched {
    /// Starts decoding `d` on a new thread.
    pub fn new(mut d: Decoded) -> Prefetched {
        let stats = Arc::new(Mutex::new(d.stats().clone()));
        let (tx, rx): (SyncSender<io::Result<Vec<u8>>>, _) = sync_channel(CHUNKS_AHEAD);
        let (back, spares) = channel::<Vec<u8>>();
        let shared = stats.clone();
        std::thread::spawn(move || {
            loop {
                let spare = spares.try_recv().unwrap_or_default();
                let next = d.next_chunk(spare);
                *shared.lock().unwrap_or_else(PoisonError::into_inner) = d.stats().clone();
                let end = !matches!(next, Ok(Some(_)));
                let msg = match next {
                    Ok(Some(chunk)) => Ok(chunk),
                    Ok(None) => Ok(Vec::new()),
                    Err(e) => Err(e),
                };
                // The parser went away: stop.
                if tx.send(msg).is_err() || end {
                    break;
                }
            }
        });
        Prefetched::with(rx, back, false, stats)
    }

    /// A stream that is already at its end, to stand in while a tokenizer
    /// is replaced.
    pub fn placeholder() -> Prefetched {
        let (_, rx) = sync_channel(0);
        let (back, _) = channel();
        Prefetched::with(rx, back, true, Arc::new(Mutex::new(InputStats::default())))
    }

    /// A stream at its start over the chunks `rx` delivers.
    fn with(
        rx: Receiver<io::Result<Vec<u8>>>,
        back: Sender<Vec<u8>>,
        done: bool,
        stats: Arc<Mutex<InputStats>>,
    ) -> Prefetched {
        Prefetched {
            rx,
            back,
            cur: Vec::new(),
            pos: 0,
            base: 0,
            kept: VecDeque::new(),
            kept_base: 0,
            pending: VecDeque::new(),
            kept_bytes: 0,
            keep_limit: KEEP_LIMIT,
            done,
            stats,
        }
    }

    /// Stream offset of the next byte to be read.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Lets go of the kept chunks that end before stream offset `off`.
    pub fn release_before(&mut self, off: u64) {
        while let Some(front) = self.kept.front() {
            let end = self.kept_base + front.len() as u64;
            if end > off {
                break;
            }
            self.kept_base = end;
            if let Some(chunk) = self.kept.pop_front() {
                self.kept_bytes -= chunk.len() as u64;
                let _ = self.back.send(chunk);
            }
        }
    }

    /// Calls `f` on the kept text between stream offsets `from` and `to`, in
    /// order (`from` must not be before what was released).
    pub fn scan(&self, from: u64, to: u64, mut f: impl FnMut(&[u8])) {
        let mut start = self.kept_base;
        for chunk in self.kept.iter().chain(std::iter::once(&self.cur)) {
            let end = start + chunk.len() as u64;
            let (a, b) = (from.max(start), to.min(end));
            if a < b {
                f(&chunk[(a - start) as usize..(b - start) as usize]);
            }
            if end >= to {
                break;
            }
            start = end;
        }
    }

    /// What the decoding has changed so far (it runs ahead of the parser).
    pub fn stats(&self) -> InputStats {
        self.stats.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Read for Prefetched {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl Prefetched {
    /// Waits for the next chunk once the current one is used up.
    #[cold]
    fn next_chunk_wait(&mut self) -> io::Result<()> {
        while self.pos >= self.cur.len() {
            let chunk = match self.pending.pop_front() {
                Some(c) => c,
                None if self.done => break,
                None => match self.rx.recv() {
                    Ok(Ok(c)) if c.is_empty() => {
                        self.done = true;
                        break;
                    }
                    Ok(Ok(c)) => c,
                    Ok(Err(e)) => {
                        self.done = true;
                        return Err(e);
                    }
                    Err(_) => {
                        self.done = true;
                        break;
                    }
                },
            };
            if self.kept_bytes + self.cur.len() as u64 > self.keep_limit {
                self.done = true;
                self.pending.clear();
                return Err(io::Error::other(format!(
                    "one element holds more than {} MiB of text: the export is damaged (an unclosed CDATA section, comment or quote?)",
                    self.keep_limit >> 20
                )));
            }
            let used = std::mem::replace(&mut self.cur, chunk);
            if self.kept.is_empty() {
                self.kept_base = self.base;
            }
            self.base += used.len() as u64;
            self.pos = 0;
            if !used.is_empty() {
                self.kept_bytes += used.len() as u64;
                self.kept.push_back(used);
            }
        }
        Ok(())
    }

    /// Reads again from stream offset `off`, which must still be kept
    /// (after a syntax error, `--salvage`). Returns false when it is not.
    pub fn rewind(&mut self, off: u64) -> bool {
        if off < self.kept_base || off > self.offset() {
            return false;
        }
        let mut chunks: Vec<Vec<u8>> = self.kept.drain(..).collect();
        chunks.push(std::mem::take(&mut self.cur));
        let mut start = self.kept_base;
        let mut i = 0;
        while i + 1 < chunks.len() && start + chunks[i].len() as u64 <= off {
            start += chunks[i].len() as u64;
            i += 1;
        }
        let mut rest = chunks.split_off(i);
        self.kept_bytes = chunks.iter().map(|c| c.len() as u64).sum();
        self.kept.extend(chunks);
        let mut rest = rest.drain(..);
        self.cur = rest.next().unwrap_or_default();
        for c in rest.rev() {
            self.pending.push_front(c);
        }
        self.base = start;
        self.pos = (off - start) as usize;
        true
    }

    /// The stream offset of the first `<item>` start tag at or after `off`
    /// in the text in memory (kept, current and not yet read chunks); or,
    /// when there is none, `Err` with an offset before which there is none.
    pub fn find_item_from(&self, off: u64) -> Result<u64, u64> {
        const PAT: &[u8] = b"<item";
        let mut state = 0;
        let mut start = self.kept_base;
        for chunk in self
            .kept
            .iter()
            .chain(std::iter::once(&self.cur))
            .chain(self.pending.iter())
        {
            let end = start + chunk.len() as u64;
            if end > off {
                let from = off.saturating_sub(start) as usize;
                let mut i = from;
                while i < chunk.len() {
                    let b = chunk[i];
                    if state == PAT.len() {
                        if matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r') {
                            return Ok(start + i as u64 - PAT.len() as u64);
                        }
                        state = 0;
                    }
                    if state == 0 {
                        match memchr::memchr(b'<', &chunk[i..]) {
                            Some(j) => {
                                i += j + 1;
                                state = 1;
                            }
                            None => break,
                        }
                        continue;
                    }
                    state = if b == PAT[state] {
                        state + 1
                    } else {
                        usize::from(b == b'<')
                    };
                    i += 1;
                }
            }
            start = end;
        }
        // A start tag may begin in the last bytes searched.
        Err(start.saturating_sub(PAT.len() as u64).max(off))
    }
}

impl BufRead for Prefetched {
    /// The tokenizer calls this for nearly every byte it peeks at: the
    /// common case (bytes left in the chunk) stays small enough to inline.
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.cur.len() {
            self.next_chunk_wait()?;
        }
        Ok(&self.cur[self.pos.min(self.cur.len())..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.cur.len());
    }
}

/// C0 controls other than tab, LF and CR: not allowed anywhere in XML 1.0.
#[inline]
fn is_forbidden(b: u8) -> bool {
    b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r'
}

/// True when `bytes` holds a forbidden control character. Written over
/// fixed blocks with a byte accumulator so that it vectorizes.
fn has_forbidden(bytes: &[u8]) -> bool {
    let mut blocks = bytes.chunks_exact(64);
    for block in &mut blocks {
        let mut acc = 0u8;
        for &b in block {
            acc |= ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) as u8;
        }
        if acc != 0 {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| is_forbidden(b))
}

/// Moves a line/column position past `bytes` (UTF-8; columns count characters).
pub(crate) fn advance(line: u64, col: u64, bytes: &[u8]) -> (u64, u64) {
    match memchr::memrchr(b'\n', bytes) {
        None => (line, col + count_chars(bytes)),
        Some(last) => (line + count_newlines(bytes), 1 + count_chars(&bytes[last + 1..])),
    }
}

/// Number of `\n` bytes.
#[inline]
pub(crate) fn count_newlines(bytes: &[u8]) -> u64 {
    if bytes.len() < 64 {
        return bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    }
    bytecount::count(bytes, b'\n') as u64
}

/// Number of UTF-8 characters: bytes that are not continuation bytes.
#[inline]
pub(crate) fn count_chars(bytes: &[u8]) -> u64 {
    if bytes.len() < 64 {
        return bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64;
    }
    bytecount::num_chars(bytes) as u64
}

/// Appends the valid UTF-8 of `src` to `out`, re-reading invalid bytes as
/// windows-1252. Keeps an incomplete trailing sequence for the next chunk
/// unless `eof`. Returns how many bytes of `src` were used.
fn decode_utf8(
    src: &[u8],
    eof: bool,
    out: &mut Vec<u8>,
    invalid: &mut u64,
    first_invalid: &mut Option<usize>,
) -> usize {
    if simdutf8::basic::from_utf8(src).is_ok() {
        out.extend_from_slice(src);
        return src.len();
    }
    let mut i = 0;
    while i < src.len() {
        match std::str::from_utf8(&src[i..]) {
            Ok(_) => {
                out.extend_from_slice(&src[i..]);
                return src.len();
            }
            Err(e) => {
                let valid = e.valid_up_to();
                out.extend_from_slice(&src[i..i + valid]);
                i += valid;
                let bad_len = match e.error_len() {
                    Some(n) => n,
                    None if eof => src.len() - i,
                    // An incomplete sequence at the end of the chunk.
                    None => return i,
                };
                for &b in &src[i..i + bad_len] {
                    if first_invalid.is_none() {
                        *first_invalid = Some(out.len());
                    }
                    *invalid += 1;
                    let mut tmp = [0u8; 4];
                    out.extend_from_slice(windows_1252(b).encode_utf8(&mut tmp).as_bytes());
                }
                i += bad_len;
            }
        }
    }
    i
}

/// Names of the UTF-32 encodings, as encoding_rs would spell them.
const UTF_32LE: &str = "UTF-32LE";
const UTF_32BE: &str = "UTF-32BE";

/// Appends the UTF-8 of the UTF-32 code units of `src` to `out`. A unit
/// that is no character (a surrogate, or above U+10FFFF) becomes U+FFFD and
/// is counted in `invalid`, as are the one to three bytes of a truncated
/// last unit at `eof`; before the end such bytes wait for the next chunk.
/// `first_invalid` gets the offset in `out` of the first replacement.
/// Returns how many bytes of `src` were used.
fn decode_utf32(
    src: &[u8],
    big_endian: bool,
    eof: bool,
    out: &mut Vec<u8>,
    invalid: &mut u64,
    first_invalid: &mut Option<usize>,
) -> usize {
    let mut units = src.chunks_exact(4);
    out.reserve(src.len());
    for unit in &mut units {
        let bytes = [unit[0], unit[1], unit[2], unit[3]];
        let value = if big_endian {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        };
        if value < 0x80 {
            out.push(value as u8);
            continue;
        }
        let c = char::from_u32(value).unwrap_or_else(|| {
            first_invalid.get_or_insert(out.len());
            *invalid += 1;
            char::REPLACEMENT_CHARACTER
        });
        let mut tmp = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
    }
    let used = src.len() - units.remainder().len();
    if eof && used < src.len() {
        first_invalid.get_or_insert(out.len());
        *invalid += 1;
        out.extend_from_slice("\u{FFFD}".as_bytes());
        return src.len();
    }
    used
}

/// The windows-1252 character of one byte (encoding_rs maps all 256).
fn windows_1252(b: u8) -> char {
    let mut d = WINDOWS_1252.new_decoder_without_bom_handling();
    let mut s = String::with_capacity(4);
    let _ = d.decode_to_string(&[b], &mut s, true);
    s.chars().next().unwrap_or('\u{FFFD}')
}

/// True when `head` starts (after blank lines) an XML declaration that
/// does not end in it yet.
fn declaration_open(head: &[u8]) -> bool {
    let head = head.trim_ascii_start();
    (head.starts_with(b"<?xml") || b"<?xml".starts_with(head)) && memchr::memmem::find(head, b"?>").is_none()
}

/// The `encoding="…"` of an XML declaration at the start of `head` (blank
/// lines before it, a common WordPress plugin mistake, are allowed).
fn declared_encoding(head: &[u8]) -> Option<String> {
    let head = head.trim_ascii_start().strip_prefix(b"<?xml")?;
    let end = memchr::memmem::find(head, b"?>")?;
    let decl = &head[..end];
    let at = memchr::memmem::find(decl, b"encoding")?;
    let rest = &decl[at + "encoding".len()..];
    let rest = rest.trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let rest = &rest[1..];
    let close = memchr::memchr(quote, rest)?;
    std::str::from_utf8(&rest[..close]).ok().map(|s| s.trim().to_string())
}

fn read_retry(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn decode(bytes: &[u8]) -> (String, InputStats) {
        let d = Decoded::new(Box::new(io::Cursor::new(bytes.to_vec()))).unwrap();
        let mut p = Prefetched::new(d);
        let mut s = String::new();
        p.read_to_string(&mut s).unwrap();
        (s, p.stats())
    }

    #[test]
    fn utf8_passes_through_and_bom_is_skipped() {
        let (s, st) = decode("\u{FEFF}<a>café 😀</a>".as_bytes());
        assert_eq!(s, "<a>café 😀</a>");
        assert!(st.bom);
        assert_eq!(st.invalid_bytes, 0);
    }

    #[test]
    fn invalid_utf8_is_read_as_windows_1252_with_position() {
        let (s, st) = decode(b"<a>\nok\n  caf\xE9 \x92s</a>");
        assert_eq!(s, "<a>\nok\n  café ’s</a>");
        assert_eq!(st.invalid_bytes, 2);
        assert_eq!(st.first_invalid, Some((3, 6)));
    }

    #[test]
    fn declared_latin1_is_decoded_as_windows_1252() {
        let (s, st) = decode(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>\xE9t\xE9 \x93q\x94 \x80</a>");
        assert!(s.ends_with("<a>été “q” €</a>"), "{s}");
        assert_eq!(st.encoding, "windows-1252");
        assert_eq!(st.declared.as_deref(), Some("ISO-8859-1"));
    }

    #[test]
    fn control_characters_are_removed_and_counted() {
        let (s, st) = decode(b"<a>\tx\x0C\ny\x01\x1Fz\r\n</a>");
        assert_eq!(s, "<a>\tx\nyz\r\n</a>");
        assert_eq!(st.control_chars, 3);
        assert_eq!(st.first_control, Some((1, 6)));
    }

    #[test]
    fn multibyte_sequence_split_across_chunks_is_kept() {
        let mut bytes = b"<a>".to_vec();
        bytes.resize(CHUNK - 1, b'x');
        bytes.extend_from_slice("é€😀</a>".as_bytes());
        let (s, st) = decode(&bytes);
        assert!(s.ends_with("xé€😀</a>"));
        assert_eq!(st.invalid_bytes, 0);
    }

    #[test]
    fn truncated_sequence_at_eof_is_repaired() {
        let (s, st) = decode(b"<a>x\xE2\x82");
        assert_eq!(s, "<a>xâ‚");
        assert_eq!(st.invalid_bytes, 2);
    }
}

#[cfg(test)]
mod utf16_tests {
    use super::*;

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<a>é😀</a>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (s, stats) = tests::decode(&bytes);
        assert_eq!(s, "<a>é😀</a>");
        assert_eq!(stats.encoding, "UTF-16LE");
    }

    #[test]
    fn prefetched_keeps_text_until_released() {
        let mut bytes = vec![b'a'; CHUNK * 2];
        bytes.extend_from_slice(b"\nxyz");
        let mut p = Prefetched::new(Decoded::new(Box::new(io::Cursor::new(bytes))).unwrap());
        let mut all = Vec::new();
        p.read_to_end(&mut all).unwrap();
        let mut lines = 0;
        p.scan(0, all.len() as u64, |b| {
            lines += b.iter().filter(|&&c| c == b'\n').count()
        });
        assert_eq!(lines, 1);
        p.release_before(CHUNK as u64 * 2);
        let mut seen = 0;
        p.scan(CHUNK as u64 * 2, all.len() as u64, |b| seen += b.len());
        assert_eq!(seen, 4);
    }

    /// Hands out one byte per read, as a slow pipe may.
    struct Trickle(Vec<u8>, usize);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.1 >= self.0.len() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[self.1];
            self.1 += 1;
            Ok(1)
        }
    }

    fn decode_from(r: impl Read + Send + 'static) -> (String, InputStats) {
        let mut p = Prefetched::new(Decoded::new(Box::new(r)).unwrap());
        let mut s = String::new();
        p.read_to_string(&mut s).unwrap();
        (s, p.stats())
    }

    #[test]
    fn a_declaration_after_blank_lines_or_split_across_reads_is_honoured() {
        let (s, st) = decode_from(io::Cursor::new(
            b"\n\n<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?><t>\xA3\xF3d\xBC</t>".to_vec(),
        ));
        assert!(s.ends_with("<t>Łódź</t>"), "{s}");
        assert_eq!(st.invalid_bytes, 0);
        let mut long = b"<?xml version=\"1.0\"".to_vec();
        long.resize(1500, b' ');
        long.extend_from_slice(b" encoding=\"windows-1252\"?><t>\x93q\x94</t>");
        let (s, _) = decode_from(Trickle(long, 0));
        assert!(s.ends_with("<t>“q”</t>"), "{s}");
    }

    #[test]
    fn utf16_without_a_bom_is_recognized() {
        let bytes: Vec<u8> = "<?xml version=\"1.0\"?><t>é</t>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (s, st) = decode_from(io::Cursor::new(bytes));
        assert!(s.ends_with("<t>é</t>"), "{s}");
        assert_eq!(st.control_chars, 0);
    }

    #[test]
    fn unsafe_encodings_are_not_used() {
        let (s, st) = decode_from(io::Cursor::new(
            b"<?xml version=\"1.0\" encoding=\"ISO-2022-KR\"?><t>ok</t>".to_vec(),
        ));
        assert!(s.ends_with("<t>ok</t>"), "{s}");
        assert_eq!(st.unknown_label.as_deref(), Some("ISO-2022-KR"));
    }

    #[test]
    fn kept_text_is_capped() {
        let bytes = vec![b'x'; CHUNK * 12];
        let mut p = Prefetched::new(Decoded::new(Box::new(io::Cursor::new(bytes))).unwrap());
        p.keep_limit = (CHUNK * 4) as u64;
        let mut sink = Vec::new();
        let err = p.read_to_end(&mut sink).unwrap_err();
        assert!(err.to_string().contains("more than"), "{err}");
        assert!(sink.len() <= CHUNK * 6, "stopped near the limit, read {}", sink.len());
    }

    #[test]
    fn item_starts_are_found_across_chunks_and_read_again() {
        let mut bytes = vec![b'x'; CHUNK - 3];
        bytes.extend_from_slice(b"<item><t>a</t></item>");
        let mut p = Prefetched::new(Decoded::new(Box::new(io::Cursor::new(bytes.clone()))).unwrap());
        let mut all = Vec::new();
        p.read_to_end(&mut all).unwrap();
        let at = p.find_item_from(10).unwrap();
        assert_eq!(at, (CHUNK - 3) as u64);
        assert!(p.rewind(at));
        let mut again = Vec::new();
        p.read_to_end(&mut again).unwrap();
        assert_eq!(again, b"<item><t>a</t></item>");
        assert!(p.find_item_from(at + 1).is_err());
    }
}

#[cfg(test)]
mod utf32_tests {
    use super::*;

    fn units(values: &[u32], big_endian: bool) -> Vec<u8> {
        let order = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
        values.iter().flat_map(|&v| order(v)).collect()
    }

    fn text(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    #[test]
    fn utf32_with_a_bom_is_decoded_in_either_byte_order() {
        for big_endian in [false, true] {
            let mut values = vec![0xFEFF];
            values.extend(text("<a>é€😀</a>"));
            let (s, st) = tests::decode(&units(&values, big_endian));
            assert_eq!(s, "<a>é€😀</a>");
            assert!(st.bom);
            assert_eq!(st.encoding, if big_endian { "UTF-32BE" } else { "UTF-32LE" });
            assert_eq!((st.invalid_units, st.control_chars, st.malformed_chunks), (0, 0, 0));
        }
    }

    #[test]
    fn utf32_without_a_bom_is_recognized_by_its_declaration() {
        for big_endian in [false, true] {
            let (s, st) = tests::decode(&units(&text("<?xml version=\"1.0\"?><t>é</t>"), big_endian));
            assert_eq!(s, "<?xml version=\"1.0\"?><t>é</t>");
            assert!(!st.bom);
            assert_eq!(st.encoding, if big_endian { "UTF-32BE" } else { "UTF-32LE" });
        }
    }

    #[test]
    fn units_that_are_no_character_are_replaced_and_counted() {
        let mut values = vec![0xFEFF];
        values.extend(text("<a>\nx"));
        values.extend([0xD800, 0x11_0000, 0xFFFF_FFFF]);
        values.extend(text("y</a>"));
        let mut bytes = units(&values, false);
        bytes.extend_from_slice(&[b'z', 0]);
        let (s, st) = tests::decode(&bytes);
        assert_eq!(s, "<a>\nx\u{FFFD}\u{FFFD}\u{FFFD}y</a>\u{FFFD}");
        assert_eq!(st.invalid_units, 4);
        assert_eq!(st.first_invalid_unit, Some((2, 2)));
    }

    /// Hands out at most seven bytes per read, which splits most units.
    struct Sevens(io::Cursor<Vec<u8>>);

    impl Read for Sevens {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(7);
            self.0.read(&mut buf[..n])
        }
    }

    #[test]
    fn a_unit_split_across_reads_is_kept_whole() {
        let mut values = vec![0xFEFF];
        values.extend(text("<a>"));
        values.resize(CHUNK / 4 + 100, u32::from('x'));
        values.extend(text("é😀</a>"));
        let bytes = units(&values, true);
        let d = Decoded::new(Box::new(Sevens(io::Cursor::new(bytes)))).unwrap();
        let mut all = Vec::new();
        Prefetched::new(d).read_to_end(&mut all).unwrap();
        let s = String::from_utf8(all).unwrap();
        assert!(s.starts_with("<a>xx") && s.ends_with("xé😀</a>"), "{s}");
        assert_eq!(s.chars().count(), values.len() - 1);
    }
}
