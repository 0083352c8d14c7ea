//! The XML layer: quick-xml events with namespaces resolved to the few
//! vocabularies WXR uses, exact line:column positions, and the leaf-text
//! rules of WordPress exports (CDATA, entities, old exporters' damage).
//!
//! quick-xml is run with end-name checks off and dangling `&` allowed: this
//! layer keeps its own element stack, so a mismatched end tag becomes a
//! precise error (or, inside a text field after a CDATA section, the
//! recovery WordPress's importer applies) instead of an opaque failure.
//! Namespaces are matched on their URI (`http` or `https`, with or without a
//! trailing slash, any WXR version), never on the prefix string; a prefix
//! nobody declared falls back to its conventional meaning, as a repair.

use super::input::{Prefetched, advance};
use quick_xml::events::Event;
use quick_xml::events::attributes::Attributes;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

/// The vocabularies of a WXR file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// No prefix: RSS 2.0 elements.
    None,
    /// `http://wordpress.org/export/N.N/`.
    Wp,
    /// `http://purl.org/rss/1.0/modules/content/`.
    Content,
    /// `http://wordpress.org/export/N.N/excerpt/`.
    Excerpt,
    /// `http://purl.org/dc/elements/1.1/`.
    Dc,
    /// Anything else.
    Other,
}

/// Classifies a namespace URI.
pub(crate) fn classify_uri(uri: &str) -> Ns {
    let u = uri.trim().to_ascii_lowercase();
    let u = u
        .strip_prefix("http://")
        .or_else(|| u.strip_prefix("https://"))
        .unwrap_or(&u);
    let u = u.strip_prefix("www.").unwrap_or(u).trim_end_matches('/');
    if let Some(rest) = u.strip_prefix("wordpress.org/export/") {
        let (version, tail) = match rest.split_once('/') {
            Some((v, t)) => (v, Some(t)),
            None => (rest, None),
        };
        return match (is_version(version), tail) {
            (true, None) => Ns::Wp,
            (true, Some("excerpt")) => Ns::Excerpt,
            _ => Ns::Other,
        };
    }
    match u {
        "purl.org/rss/1.0/modules/content" => Ns::Content,
        "purl.org/dc/elements/1.1" => Ns::Dc,
        _ => Ns::Other,
    }
}

/// `N.N`, as WXR versions are written.
pub(crate) fn is_version(s: &str) -> bool {
    match s.split_once('.') {
        Some((a, b)) => {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// An element start, resolved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tag<'a> {
    pub ns: Ns,
    pub local: &'a str,
    /// Everything between `<` and `>` (name and attributes).
    pub raw: &'a str,
    name_len: usize,
}

impl<'a> Tag<'a> {
    /// The qualified name as written.
    pub fn qname(&self) -> &'a str {
        &self.raw[..self.name_len]
    }

    /// The value of attribute `name` with entities decoded, if present.
    pub fn attr(&self, name: &str) -> Option<String> {
        let mut attrs = Attributes::new(self.raw, self.name_len);
        attrs.with_checks(false);
        for a in attrs.flatten() {
            if a.key.0 == name {
                let mut out = String::with_capacity(a.value.len());
                decode_entities(&a.value, &mut out);
                return Some(out);
            }
        }
        None
    }
}

/// One event, resolved.
#[derive(Debug)]
pub(crate) enum Ev<'a> {
    Start(Tag<'a>),
    Empty(Tag<'a>),
    End {
        qname: &'a str,
        /// The name matched the innermost open element, which is now closed.
        matched: bool,
        /// Open elements after this end tag.
        depth: usize,
    },
    Text(&'a str),
    CData(&'a str),
    /// An entity or character reference, without `&` and `;`.
    Ref(&'a str),
    /// A comment's text.
    Comment(&'a str),
    /// A processing instruction, declaration or doctype (ignored by readers).
    Other,
    Eof,
}

/// A position-carrying problem found by this layer: a well-formedness error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError {
    pub message: String,
    pub line: u64,
    pub column: u64,
    /// Reading the input failed (a broken gzip stream, a disk error), as
    /// opposed to the XML being wrong.
    pub io: bool,
}

/// How a damaged text value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recovery {
    /// Markup appeared in the text: it is kept as text, references are
    /// still decoded.
    Markup,
    /// A CDATA section ended early (an unsplit inner `]]>`): the rest is the
    /// source's characters, references and markers included.
    Raw,
}

/// A repair this layer made, drained by the WXR reader into diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fix {
    pub code: &'static str,
    pub message: String,
    pub line: u64,
    pub column: u64,
}

struct Frame {
    /// End of this element's qname in `names`.
    name_end: usize,
    /// Length of `bindings` before this element's declarations.
    bindings_len: usize,
}

/// Offsets in the decoded stream, and the known line and column of one of
/// them. Positions are computed only when asked for (an item starts, a
/// repair or an error is reported), by counting from the anchor over the
/// bytes the input layer keeps since then: no per-event bookkeeping.
struct Pos {
    /// Where the last event started.
    ev: u64,
    /// Where the tokenizer is (after the last event).
    last: u64,
    /// An offset with its line and column.
    anchor: (u64, u64, u64),
    /// The last position computed, to count on from it: positions asked
    /// for in order cost one pass over the text in all.
    cache: std::cell::Cell<(u64, u64, u64)>,
}

/// Repairs kept with their position between two drains (one item); more
/// are only counted, so a pathological item cannot fill memory.
const MAX_FIXES: usize = 1000;

/// The namespace declarations in scope: every declaration in document
/// order (an element's own are dropped when it closes), and for each prefix
/// the stack of its bindings, so that a name resolves in constant time
/// however many declarations are in scope.
#[derive(Default)]
struct Bindings {
    order: Vec<String>,
    by_prefix: HashMap<String, Vec<Ns>>,
}

impl Bindings {
    /// Number of declarations in scope.
    fn len(&self) -> usize {
        self.order.len()
    }

    fn push(&mut self, prefix: &str, ns: Ns) {
        self.by_prefix.entry(prefix.to_string()).or_default().push(ns);
        self.order.push(prefix.to_string());
    }

    /// Drops the declarations after the first `len`.
    fn truncate(&mut self, len: usize) {
        while self.order.len() > len {
            let Some(prefix) = self.order.pop() else { break };
            if let Some(stack) = self.by_prefix.get_mut(&prefix) {
                stack.pop();
                if stack.is_empty() {
                    self.by_prefix.remove(&prefix);
                }
            }
        }
    }

    /// The namespace `prefix` is bound to by the innermost declaration.
    fn get(&self, prefix: &str) -> Option<Ns> {
        self.by_prefix.get(prefix).and_then(|stack| stack.last().copied())
    }
}

/// Distinct undeclared prefixes remembered (each reported once), and the
/// most bytes they may take; uses of further ones are only counted. The
/// four conventional prefixes (`wp`, `content`, `excerpt`, `dc`) are always
/// remembered.
pub(super) const MAX_UNDECLARED: usize = 1000;
const MAX_UNDECLARED_BYTES: usize = 64 * 1024;

/// Prefixes used without a declaration.
#[derive(Default)]
struct Undeclared {
    /// The ones reported, once each.
    seen: HashSet<String>,
    /// Bytes in `seen`.
    bytes: usize,
    /// Elements named with a prefix that is neither declared nor in `seen`
    /// once `seen` is full.
    other: u64,
}

impl Undeclared {
    /// Records a use of the undeclared `prefix`, read as `ns`: true the
    /// first time this prefix is met, when it is to be reported.
    fn first_use(&mut self, prefix: &str, ns: Ns) -> bool {
        if self.seen.contains(prefix) {
            return false;
        }
        let room = self.seen.len() < MAX_UNDECLARED && self.bytes + prefix.len() <= MAX_UNDECLARED_BYTES;
        if room || ns != Ns::Other {
            self.bytes += prefix.len();
            self.seen.insert(prefix.to_string());
            true
        } else {
            self.other += 1;
            false
        }
    }
}

/// Elements this deep or shallower move the anchor when they start
/// (rss, channel, items and header elements), so the input layer keeps no
/// more than about one item of text.
const ANCHOR_DEPTH: usize = 3;

/// Line and column of `off` (not before the anchor).
fn locate(input: &Prefetched, pos: &Pos, off: u64) -> (u64, u64) {
    let cached = pos.cache.get();
    let (from, mut line, mut col) = if cached.0 >= pos.anchor.0 && cached.0 <= off {
        cached
    } else {
        pos.anchor
    };
    let to = off.max(from);
    input.scan(from, to, |bytes| (line, col) = advance(line, col, bytes));
    pos.cache.set((to, line, col));
    (line, col)
}

/// A quick-xml tokenizer configured for this layer: it checks nothing this
/// layer checks itself, and keeps text exactly as written.
fn tokenizer(input: Prefetched) -> quick_xml::Reader<Prefetched> {
    let mut r = quick_xml::Reader::from_reader(input);
    let c = r.config_mut();
    c.trim_text(false);
    c.check_end_names = false;
    c.allow_unmatched_ends = true;
    c.allow_dangling_amp = true;
    c.expand_empty_elements = false;
    r
}

/// The XML reader. See the module doc.
pub(crate) struct Xml {
    r: quick_xml::Reader<Prefetched>,
    /// Stream offset where the current tokenizer started (it is replaced
    /// after a syntax error, see [`Xml::restart`]).
    reader_base: u64,
    /// The tokenizer met a syntax error: quick-xml reads nothing after one.
    dead: bool,
    /// Where that error was (stream offset).
    error_at: Option<u64>,
    /// No `<item>` starts before this offset (already searched).
    no_item_before: u64,
    /// The last event was the start of an `<item>`.
    item_start: bool,
    buf: Vec<u8>,
    names: String,
    frames: Vec<Frame>,
    bindings: Bindings,
    pos: Pos,
    /// Prefixes used without a declaration.
    undeclared: Undeclared,
    /// Repairs not yet drained.
    pub fixes: Vec<Fix>,
    /// Repairs beyond [`MAX_FIXES`] not yet drained, counted by code.
    pub fixes_over: BTreeMap<&'static str, u64>,
    /// The current tag's text (name and attributes).
    tag: String,
    /// The name of the text element being read.
    leaf: String,
    /// Bytes of a control character reference (`&#12;`) dropped.
    pub dropped_char_refs: u64,
}

impl Xml {
    pub fn new(input: Prefetched) -> Xml {
        Xml {
            r: tokenizer(input),
            reader_base: 0,
            dead: false,
            error_at: None,
            no_item_before: 0,
            item_start: false,
            buf: Vec::with_capacity(64 * 1024),
            names: String::new(),
            frames: Vec::new(),
            bindings: Bindings::default(),
            pos: Pos {
                ev: 0,
                last: 0,
                anchor: (0, 1, 1),
                cache: std::cell::Cell::new((0, 1, 1)),
            },
            undeclared: Undeclared::default(),
            fixes: Vec::new(),
            fixes_over: BTreeMap::new(),
            tag: String::new(),
            leaf: String::new(),
            dropped_char_refs: 0,
        }
    }

    /// The decoding layer underneath.
    pub fn input(&self) -> &Prefetched {
        self.r.get_ref()
    }

    /// Line and column where the last event started.
    pub fn position(&self) -> (u64, u64) {
        locate(self.r.get_ref(), &self.pos, self.pos.ev)
    }

    /// Elements named with an undeclared prefix beyond the
    /// [`MAX_UNDECLARED`] distinct ones reported one by one.
    pub fn undeclared_other(&self) -> u64 {
        self.undeclared.other
    }

    /// Number of open elements.
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    /// The qualified name of the innermost open element.
    pub fn current_qname(&self) -> &str {
        let start = self.frames.iter().rev().nth(1).map_or(0, |f| f.name_end);
        match self.frames.last() {
            Some(f) => &self.names[start..f.name_end],
            None => "",
        }
    }

    /// The qualified name of the last start or empty-element tag read.
    pub fn last_qname(&self) -> &str {
        let end = self
            .tag
            .bytes()
            .position(|b| b.is_ascii_whitespace() || b == b'/')
            .unwrap_or(self.tag.len());
        &self.tag[..end]
    }

    /// Makes the element just opened a child of the element at `depth`,
    /// closing whatever damage left open in between (salvage resync).
    pub fn collapse_to(&mut self, depth: usize) {
        if self.frames.len() <= depth + 1 {
            return;
        }
        let name = self.current_qname().to_string();
        self.unwind_to(depth);
        self.names.push_str(&name);
        self.frames.push(Frame {
            name_end: self.names.len(),
            bindings_len: self.bindings.len(),
        });
    }

    /// Closes every element above `depth` (recovery after damage).
    pub fn unwind_to(&mut self, depth: usize) {
        if self.frames.len() > depth {
            let f = &self.frames[depth];
            self.bindings.truncate(f.bindings_len);
            let start = if depth == 0 { 0 } else { self.frames[depth - 1].name_end };
            self.names.truncate(start);
            self.frames.truncate(depth);
        }
    }

    fn error(&self, message: String) -> XmlError {
        let (line, column) = self.position();
        XmlError {
            message,
            line,
            column,
            io: false,
        }
    }

    /// An error at the current event's position.
    pub fn error_here(&self, message: impl Into<String>) -> XmlError {
        self.error(message.into())
    }

    /// The next event.
    pub fn next(&mut self) -> Result<Ev<'_>, XmlError> {
        self.buf.clear();
        self.pos.ev = self.pos.last;
        self.item_start = false;
        let event = match self.r.read_event_into(&mut self.buf) {
            Ok(e) => e,
            Err(e) => {
                self.dead = true;
                let at = (self.reader_base + self.r.error_position()).max(self.pos.ev);
                self.error_at = Some(at);
                let (line, column) = locate(self.r.get_ref(), &self.pos, at);
                return Err(XmlError {
                    message: e.to_string(),
                    line,
                    column,
                    io: matches!(e, quick_xml::Error::Io(_)),
                });
            }
        };
        self.pos.last = self.reader_base + self.r.buffer_position();
        let fixes_before = self.fixes.len();
        let ev = match event {
            Event::Start(s) => {
                self.tag.clear();
                self.tag.push_str(&s);
                let before = self.bindings.len();
                let Some((ns, local, name_len)) =
                    open_tag(&self.tag, &mut self.bindings, &mut self.undeclared, &mut self.fixes)
                else {
                    let (line, column) = locate(self.r.get_ref(), &self.pos, self.pos.ev);
                    return Err(XmlError {
                        message: "an element start tag without a name".into(),
                        line,
                        column,
                        io: false,
                    });
                };
                self.names.push_str(&self.tag[..name_len]);
                self.frames.push(Frame {
                    name_end: self.names.len(),
                    bindings_len: before,
                });
                self.item_start = ns == Ns::None && &self.tag[local..name_len] == "item";
                if self.frames.len() <= ANCHOR_DEPTH {
                    let (line, col) = locate(self.r.get_ref(), &self.pos, self.pos.ev);
                    self.pos.anchor = (self.pos.ev, line, col);
                    self.r.get_mut().release_before(self.pos.ev);
                }
                Ev::Start(Tag {
                    ns,
                    local: &self.tag[local..name_len],
                    raw: &self.tag,
                    name_len,
                })
            }
            Event::Empty(s) => {
                self.tag.clear();
                self.tag.push_str(&s);
                let before = self.bindings.len();
                let tag = open_tag(&self.tag, &mut self.bindings, &mut self.undeclared, &mut self.fixes);
                self.bindings.truncate(before);
                let Some((ns, local, name_len)) = tag else {
                    let (line, column) = locate(self.r.get_ref(), &self.pos, self.pos.ev);
                    return Err(XmlError {
                        message: "an empty-element tag without a name".into(),
                        line,
                        column,
                        io: false,
                    });
                };
                Ev::Empty(Tag {
                    ns,
                    local: &self.tag[local..name_len],
                    raw: &self.tag,
                    name_len,
                })
            }
            Event::End(e) => {
                self.tag.clear();
                self.tag.push_str(&e);
                let start = self.frames.iter().rev().nth(1).map_or(0, |f| f.name_end);
                let matched = match self.frames.last() {
                    Some(f) => self.names[start..f.name_end] == *self.tag,
                    None => false,
                };
                if matched {
                    let f = self.frames.pop().map_or(0, |f| f.bindings_len);
                    self.bindings.truncate(f);
                    self.names.truncate(start);
                }
                Ev::End {
                    qname: &self.tag,
                    matched,
                    depth: self.frames.len(),
                }
            }
            Event::Text(t) => Ev::Text(borrowed(t.into_inner())),
            Event::CData(c) => Ev::CData(borrowed(c.into_inner())),
            Event::GeneralRef(r) => Ev::Ref(borrowed(r.into_inner())),
            Event::Comment(c) => Ev::Comment(borrowed(c.into_inner())),
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) => Ev::Other,
            Event::Eof => Ev::Eof,
        };
        if self.fixes.len() > fixes_before {
            let (line, column) = locate(self.r.get_ref(), &self.pos, self.pos.ev);
            for f in &mut self.fixes[fixes_before..] {
                (f.line, f.column) = (line, column);
            }
        }
        Ok(ev)
    }

    /// Records a repair; past [`MAX_FIXES`] waiting ones only counts it.
    fn fix(&mut self, f: Fix) {
        if self.fixes.len() < MAX_FIXES {
            self.fixes.push(f);
        } else {
            *self.fixes_over.entry(f.code).or_default() += 1;
        }
    }

    /// True when the last event was the start of an `<item>`.
    pub fn at_item_start(&self) -> bool {
        self.item_start
    }

    /// True when the tokenizer stopped on a syntax error.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    /// Starts a new tokenizer at the next `<` at least one byte further
    /// on, after a syntax error (`--salvage`). The element stack is kept.
    /// Returns false at the end of the input.
    pub fn restart(&mut self) -> Result<bool, XmlError> {
        let old = std::mem::replace(&mut self.r, tokenizer(Prefetched::placeholder()));
        let mut input = old.into_inner();
        // An unclosed comment, CDATA section or quote makes the tokenizer
        // read on to the end: go back to the first item start after the
        // error, if the text is still in memory.
        let searched = self
            .error_at
            .take()
            .map(|at| input.find_item_from((at + 1).max(self.no_item_before)));
        if let Some(Err(before)) = searched {
            // Searched once: the next search starts there (linear in all).
            self.no_item_before = before;
        }
        if let Some(Ok(item)) = searched
            && input.rewind(item)
        {
            self.reader_base = input.offset();
            self.pos.last = self.reader_base;
            self.r = tokenizer(input);
            self.dead = false;
            return Ok(true);
        }
        // Step over at least one byte when the failed tokenizer consumed
        // nothing, so that restarting always makes progress.
        let mut skip = usize::from(input.offset() == self.reader_base);
        let found = loop {
            let buf = match input.fill_buf() {
                Ok(b) => b,
                Err(e) => {
                    self.r = tokenizer(input);
                    return Err(self.error(e.to_string()));
                }
            };
            if buf.is_empty() {
                break false;
            }
            let from = skip.min(buf.len());
            match memchr::memchr(b'<', &buf[from..]) {
                Some(i) => {
                    input.consume(from + i);
                    break true;
                }
                None => {
                    let n = buf.len();
                    input.consume(n);
                    skip = skip.saturating_sub(n);
                }
            }
        };
        self.reader_base = input.offset();
        self.pos.last = self.reader_base;
        self.r = tokenizer(input);
        self.dead = false;
        Ok(found)
    }

    /// Skips the element just opened, with everything inside it.
    pub fn skip(&mut self) -> Result<(), XmlError> {
        let mut open = 1usize;
        loop {
            match self.next()? {
                Ev::Start(_) => open += 1,
                Ev::End { matched: true, .. } => {
                    open -= 1;
                    if open == 0 {
                        return Ok(());
                    }
                }
                Ev::End {
                    matched: false, qname, ..
                } => {
                    let found = format!("mismatched end tag </{qname}>");
                    let msg = format!("{found}, expected </{}>", self.current_qname());
                    return Err(self.error(msg));
                }
                Ev::Eof => {
                    let msg = format!("unexpected end of file inside <{}>", self.current_qname());
                    return Err(self.error(msg));
                }
                _ => {}
            }
        }
    }

    /// Reads the text of the element just opened, up to and including its
    /// end tag, appending it to `out`.
    ///
    /// Character data, references (decoded once) and CDATA sections are
    /// concatenated exactly as XML defines the element's text, whitespace
    /// included; so the split sequence `]]]]><![CDATA[>` gives `]]>`.
    /// Damage is repaired the way WordPress's importer reads it and noted in
    /// [`Xml::fixes`]: a CDATA section whose inner `]]>` was not split is
    /// read up to the outer marker; markup inside a text element is kept as
    /// text.
    pub fn read_text(&mut self, out: &mut String) -> Result<(), XmlError> {
        let depth = self.frames.len();
        let mut leaf = std::mem::take(&mut self.leaf);
        leaf.clear();
        leaf.push_str(self.current_qname());
        let result = self.read_text_inner(out, &leaf, depth);
        self.leaf = leaf;
        result
    }

    fn read_text_inner(&mut self, out: &mut String, leaf: &str, depth: usize) -> Result<(), XmlError> {
        // How the text is being read: as XML text, or after damage as the
        // source's characters (see `Recovery`).
        let mut mode: Option<Recovery> = None;
        let mut saw_cdata = false;
        // Where the last CDATA section's content ends in `out`, and the
        // source form of everything read after it (for Recovery::Raw).
        let mut cdata_end = 0;
        let mut raw_tail = String::new();
        // Where the element starts, located only if a repair is reported.
        let start = self.pos.ev;
        loop {
            let ev = self.next()?;
            if let Some(mode) = mode {
                match ev {
                    // The leaf closed: its own frame, or (after damage left
                    // other elements open) its own name.
                    Ev::End {
                        matched: true,
                        depth: d,
                        ..
                    } if d < depth => break,
                    Ev::End {
                        matched: false, qname, ..
                    } if qname == leaf => {
                        self.unwind_to(depth - 1);
                        break;
                    }
                    Ev::End { qname, .. } => push3(out, "</", qname, ">"),
                    Ev::Start(t) if t.ns == Ns::None && t.local == "item" => {
                        return Err(self.error(format!("an <item> starts inside <{leaf}>, which was never closed")));
                    }
                    Ev::Start(t) => push3(out, "<", t.raw, ">"),
                    Ev::Empty(t) => push3(out, "<", t.raw, "/>"),
                    Ev::Text(t) => out.push_str(t),
                    Ev::CData(c) if mode == Recovery::Raw => push3(out, "<![CDATA[", c, "]]>"),
                    Ev::CData(c) => out.push_str(c),
                    Ev::Ref(r) if mode == Recovery::Raw => push3(out, "&", r, ";"),
                    Ev::Ref(r) => {
                        let r = r.to_string();
                        self.push_ref(&r, out, leaf);
                    }
                    Ev::Comment(c) => push3(out, "<!--", c, "-->"),
                    Ev::Other => {}
                    Ev::Eof => return Err(self.error(format!("unexpected end of file inside <{leaf}>"))),
                }
                continue;
            }
            // Damage switches to recovery: markup inside the text, or (after
            // a CDATA section) a `]]>` or end tag that shows an inner `]]>`
            // was not split. After a CDATA section the rest is re-read from
            // its source form, as WordPress's importer reads it.
            let trigger = match &ev {
                Ev::End { matched: true, .. } => break,
                Ev::End { matched: false, .. } => saw_cdata,
                Ev::Start(t) if t.ns == Ns::None && t.local == "item" => false,
                Ev::Start(_) | Ev::Empty(_) => true,
                Ev::Text(t) => saw_cdata && memchr::memmem::find(t.as_bytes(), b"]]>").is_some(),
                _ => false,
            };
            if trigger {
                let m = if saw_cdata { Recovery::Raw } else { Recovery::Markup };
                if m == Recovery::Raw {
                    out.truncate(cdata_end);
                    out.push_str(&raw_tail);
                }
                match ev {
                    Ev::End { qname, .. } => push3(out, "</", qname, ">"),
                    Ev::Start(t) => push3(out, "<", t.raw, ">"),
                    Ev::Empty(t) => push3(out, "<", t.raw, "/>"),
                    Ev::Text(t) => out.push_str(t),
                    _ => {}
                }
                mode = Some(m);
                continue;
            }
            match ev {
                Ev::End { qname, .. } => {
                    let msg = format!("mismatched end tag </{qname}>, expected </{leaf}>");
                    return Err(self.error(msg));
                }
                Ev::Start(_) | Ev::Empty(_) => {
                    return Err(self.error(format!("an <item> starts inside <{leaf}>, which was never closed")));
                }
                Ev::Text(t) => {
                    let amp = memchr::memchr(b'&', t.as_bytes()).is_some();
                    out.push_str(t);
                    if saw_cdata {
                        raw_tail.push_str(t);
                    }
                    if amp {
                        let (line, column) = self.position();
                        self.fix(Fix {
                            code: "xml.dangling_ampersand",
                            message: format!("a bare `&` in <{leaf}> was kept as text (it should be `&amp;`)"),
                            line,
                            column,
                        });
                    }
                }
                Ev::CData(c) => {
                    out.push_str(c);
                    saw_cdata = true;
                    cdata_end = out.len();
                    raw_tail.clear();
                }
                Ev::Ref(r) => {
                    let r = r.to_string();
                    if saw_cdata {
                        push3(&mut raw_tail, "&", &r, ";");
                    }
                    self.push_ref(&r, out, leaf);
                }
                Ev::Comment(c) => {
                    if saw_cdata {
                        push3(&mut raw_tail, "<!--", c, "-->");
                    }
                }
                Ev::Other => {}
                Ev::Eof => return Err(self.error(format!("unexpected end of file inside <{leaf}>"))),
            }
        }
        if let Some(mode) = mode {
            let (line, column) = locate(self.r.get_ref(), &self.pos, start);
            let trimmed = out.trim_end_matches(|c: char| c.is_ascii_whitespace()).len();
            if mode == Recovery::Raw && out[..trimmed].ends_with("]]>") && cdata_end + 3 <= trimmed {
                out.truncate(trimmed - 3);
                out.insert_str(cdata_end, "]]>");
                self.fix(Fix {
                    code: "xml.cdata_unsplit",
                    message: format!(
                        "<{leaf}> holds a CDATA section whose inner `]]>` was not split; read everything between the outer markers, as WordPress's importer does"
                    ),
                    line,
                    column,
                });
            } else {
                self.fix(Fix {
                    code: "xml.markup_in_text",
                    message: format!("markup inside <{leaf}> was kept as text"),
                    line,
                    column,
                });
            }
        }
        Ok(())
    }

    /// Decodes one reference into `out`, noting what cannot be decoded.
    fn push_ref(&mut self, r: &str, out: &mut String, leaf: &str) {
        match resolve_ref(r) {
            Resolved::Text(s) => out.push_str(s),
            Resolved::Char(c) => out.push(c),
            Resolved::Forbidden => self.dropped_char_refs += 1,
            Resolved::Invalid => {
                out.push('&');
                out.push_str(r);
                out.push(';');
                let (line, column) = self.position();
                self.fix(Fix {
                    code: "xml.invalid_char_ref",
                    message: format!("character reference `&{r};` in <{leaf}> is not a valid character; kept as text"),
                    line,
                    column,
                });
            }
            Resolved::Unknown => {
                out.push('&');
                out.push_str(r);
                out.push(';');
                let (line, column) = self.position();
                self.fix(Fix {
                    code: "xml.unknown_entity",
                    message: format!("unknown entity `&{r};` in <{leaf}> kept as text"),
                    line,
                    column,
                });
            }
        }
    }
}

fn push3(out: &mut String, a: &str, b: &str, c: &str) {
    out.push_str(a);
    out.push_str(b);
    out.push_str(c);
}

/// The text of an event read from the buffer. quick-xml only builds owned
/// text when it expands empty elements, which this reader does not ask for.
fn borrowed(c: std::borrow::Cow<'_, str>) -> &str {
    match c {
        std::borrow::Cow::Borrowed(s) => s,
        std::borrow::Cow::Owned(_) => "",
    }
}

/// Resolves the name of a start tag, applying its namespace declarations
/// to `bindings`. Returns the namespace, where the local name starts and
/// the length of the qualified name; `None` when the tag has no name.
fn open_tag(
    raw: &str,
    bindings: &mut Bindings,
    undeclared: &mut Undeclared,
    fixes: &mut Vec<Fix>,
) -> Option<(Ns, usize, usize)> {
    let name_len = raw
        .bytes()
        .position(|b| b.is_ascii_whitespace() || b == b'/')
        .unwrap_or(raw.len());
    if name_len == 0 {
        return None;
    }
    if raw.len() > name_len && memchr::memmem::find(raw.as_bytes(), b"xmlns").is_some() {
        let mut attrs = Attributes::new(raw, name_len);
        attrs.with_checks(false);
        for a in attrs.flatten() {
            if let Some(prefix) = a.key.0.strip_prefix("xmlns:") {
                let mut uri = String::new();
                decode_entities(&a.value, &mut uri);
                bindings.push(prefix, classify_uri(&uri));
            }
        }
    }
    let (ns, local) = resolve(&raw[..name_len], bindings, undeclared, fixes);
    Some((ns, local, name_len))
}

/// Resolves a qualified name against the bindings in scope.
/// Returns the namespace and where the local name starts. The first use of
/// each undeclared prefix adds a repair to `fixes` (at most
/// [`MAX_UNDECLARED`] and the four conventional ones in a whole document).
fn resolve(qname: &str, bindings: &Bindings, undeclared: &mut Undeclared, fixes: &mut Vec<Fix>) -> (Ns, usize) {
    let Some(colon) = memchr::memchr(b':', qname.as_bytes()) else {
        return (Ns::None, 0);
    };
    let prefix = &qname[..colon];
    let local = prefix.len() + 1;
    if let Some(ns) = bindings.get(prefix) {
        return (ns, local);
    }
    let ns = match prefix {
        "wp" => Ns::Wp,
        "content" => Ns::Content,
        "excerpt" => Ns::Excerpt,
        "dc" => Ns::Dc,
        _ => Ns::Other,
    };
    if undeclared.first_use(prefix, ns) {
        let meaning = match ns {
            Ns::Wp => "the WordPress export namespace",
            Ns::Content => "the RSS content namespace",
            Ns::Excerpt => "the WordPress excerpt namespace",
            Ns::Dc => "the Dublin Core namespace",
            _ => "an unknown namespace",
        };
        fixes.push(Fix {
            code: "xml.undeclared_prefix",
            message: format!("namespace prefix `{prefix}` is used but never declared; read as {meaning}"),
            // The caller knows the position.
            line: 0,
            column: 0,
        });
    }
    (ns, local)
}

enum Resolved {
    Text(&'static str),
    Char(char),
    /// A reference to a character XML forbids: dropped.
    Forbidden,
    Invalid,
    Unknown,
}

/// Resolves a reference name (without `&` and `;`): character references,
/// the five XML entities, then the HTML names WordPress lets through.
fn resolve_ref(r: &str) -> Resolved {
    if let Some(num) = r.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        return match code.and_then(char::from_u32) {
            Some(c) if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => Resolved::Forbidden,
            Some(c) => Resolved::Char(c),
            None => Resolved::Invalid,
        };
    }
    if let Some(s) = quick_xml::escape::resolve_predefined_entity(r) {
        return Resolved::Text(s);
    }
    match quick_xml::escape::resolve_html5_entity(r) {
        Some(s) => Resolved::Text(s),
        None => Resolved::Unknown,
    }
}

/// The longest reference name looked for after a `&`: HTML's longest
/// (`CounterClockwiseContourIntegral`) with room for numeric references
/// with leading zeros. The bound keeps a text of many `&`s linear.
const MAX_REFERENCE: usize = 40;

/// `s` with its character references decoded, as [`decode_entities`]
/// does: a name as WordPress showed it (`Fran&ccedil;ois`).
pub(crate) fn decoded(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    decode_entities(s, &mut out);
    out
}

/// Decodes the character references of markup text: numeric ones, XML's
/// five and HTML's named ones, once (`&amp;amp;` → `&amp;`). Unknown or
/// invalid ones are kept as written; references to characters XML forbids
/// (controls other than tab and line ends) are dropped. The one decoder of
/// attribute values, for the reader and for URLs found in post HTML.
pub(crate) fn decode_entities(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.bytes().take(MAX_REFERENCE + 1).position(|b| b == b';');
        match semi {
            Some(semi) if semi > 0 && !after[..semi].contains(['&', ' ']) => {
                match resolve_ref(&after[..semi]) {
                    Resolved::Text(t) => out.push_str(t),
                    Resolved::Char(c) => out.push(c),
                    Resolved::Forbidden => {}
                    Resolved::Invalid | Resolved::Unknown => {
                        out.push_str(&rest[amp..amp + semi + 2]);
                    }
                }
                rest = &after[semi + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::input::Decoded;

    fn xml_of(text: String) -> Xml {
        let d = Decoded::new(Box::new(std::io::Cursor::new(text.into_bytes()))).unwrap();
        Xml::new(Prefetched::new(d))
    }

    /// The namespace of every start or empty element, in order.
    fn namespaces(xml: &mut Xml) -> Vec<(String, Ns)> {
        let mut out = Vec::new();
        loop {
            match xml.next().unwrap() {
                Ev::Start(t) | Ev::Empty(t) => out.push((t.qname().to_string(), t.ns)),
                Ev::Eof => return out,
                _ => {}
            }
        }
    }

    #[test]
    fn the_innermost_declaration_of_a_prefix_counts_until_its_element_ends() {
        let wp = "http://wordpress.org/export/1.2/";
        let dc = "http://purl.org/dc/elements/1.1/";
        let mut xml = xml_of(format!(
            r#"<r xmlns:a="{wp}"><a:x/><s xmlns:a="{dc}"><a:x/><e xmlns:a="urn:other"/><a:x/></s><a:x/></r>"#
        ));
        let got: Vec<Ns> = namespaces(&mut xml).into_iter().map(|(_, ns)| ns).collect();
        use Ns::*;
        assert_eq!(got, [None, Wp, None, Dc, None, Dc, Wp]);
        assert!(xml.fixes.is_empty());
    }

    #[test]
    fn undeclared_prefixes_are_remembered_up_to_a_bound_and_the_rest_counted() {
        let extra = 300;
        let mut doc = String::from("<r>");
        for i in 0..MAX_UNDECLARED + extra {
            doc.push_str(&format!("<p{i}:x/><p{i}:y/>"));
        }
        // The conventional prefixes are reported by name even after the flood.
        doc.push_str("<excerpt:encoded/><wp:post_id/></r>");
        let mut xml = xml_of(doc);
        let got = namespaces(&mut xml);
        assert_eq!(got[got.len() - 2], ("excerpt:encoded".to_string(), Ns::Excerpt));
        assert_eq!(got[got.len() - 1], ("wp:post_id".to_string(), Ns::Wp));
        let reported: Vec<&str> = xml.fixes.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(reported.len(), MAX_UNDECLARED + 2, "one repair per remembered prefix");
        assert!(reported[0].contains("`p0`"), "{}", reported[0]);
        assert!(reported[MAX_UNDECLARED].contains("`excerpt`"));
        assert!(reported[MAX_UNDECLARED + 1].contains("`wp`"));
        // Each element with a prefix beyond the bound is counted.
        assert_eq!(xml.undeclared_other(), 2 * extra as u64);
    }

    #[test]
    fn namespace_uris_are_matched_by_pattern() {
        assert_eq!(classify_uri("http://wordpress.org/export/1.2/"), Ns::Wp);
        assert_eq!(classify_uri("https://wordpress.org/export/1.0"), Ns::Wp);
        assert_eq!(classify_uri("http://wordpress.org/export/1.1/excerpt/"), Ns::Excerpt);
        assert_eq!(classify_uri("https://wordpress.org/export/1.2/excerpt"), Ns::Excerpt);
        assert_eq!(classify_uri("http://purl.org/rss/1.0/modules/content/"), Ns::Content);
        assert_eq!(classify_uri("http://purl.org/dc/elements/1.1/"), Ns::Dc);
        assert_eq!(classify_uri("http://wordpress.org/export/abc/"), Ns::Other);
        assert_eq!(classify_uri("http://example.com/not-wordpress/"), Ns::Other);
    }

    #[test]
    fn attribute_entities_are_decoded_once() {
        let mut s = String::new();
        decode_entities("a &amp;amp; &#233;&eacute; &bogus; AT&T", &mut s);
        assert_eq!(s, "a &amp; éé &bogus; AT&T");
    }

    #[test]
    fn references_are_bounded_and_forbidden_characters_dropped() {
        let mut s = String::new();
        decode_entities(
            "&CounterClockwiseContourIntegral;&#0;&#1;&#x9;&#x0000000000000000000000000000000000000041;",
            &mut s,
        );
        assert_eq!(s, "\u{2233}\t&#x0000000000000000000000000000000000000041;");
        // Many `&` before one `;`: each is kept, in one pass.
        let text = format!("{};", "&".repeat(100_000));
        let mut s = String::new();
        decode_entities(&text, &mut s);
        assert_eq!(s, text);
    }
}
