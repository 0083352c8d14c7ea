//! JSON and JSON Lines output of the model (`../shared/spec/model.md`).
//!
//! Both formats serialize the same serde types, so their field names and
//! order cannot drift apart. JSON Lines writes each record on its own line
//! with a leading `"record"` field (`site`, `author`, `term`, `item`); the
//! site record also carries `model_version`. The JSON document is pretty
//! printed with two-space indentation, items streamed one by one.

use super::Emitter;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::model::{Author, MODEL_VERSION, Record, Site, Term};
use serde::Serialize;
use std::io::{self, Write};

/// JSON Lines: one record per line.
pub struct JsonLines<W: Write> {
    w: W,
    buf: Vec<u8>,
}

impl<W: Write> JsonLines<W> {
    /// Writes to `w` (buffer it: records are written piecewise).
    pub fn new(w: W) -> Self {
        JsonLines {
            w,
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    fn tagged<T: Serialize>(&mut self, tag: &str, value: &T) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, value)?;
        // `{"record":"item",` then the object's own fields.
        self.w.write_all(b"{\"record\":\"")?;
        self.w.write_all(tag.as_bytes())?;
        self.w.write_all(b"\",")?;
        self.w.write_all(&self.buf[1..])?;
        self.w.write_all(b"\n")
    }
}

#[derive(Serialize)]
struct VersionedSite<'a> {
    model_version: u32,
    #[serde(flatten)]
    site: &'a Site,
}

impl<W: Write> Emitter for JsonLines<W> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        match record {
            Record::Site(s) => self.tagged(
                "site",
                &VersionedSite {
                    model_version: MODEL_VERSION,
                    site: s,
                },
            ),
            Record::Author(a) => self.tagged("author", a),
            Record::Term(t) => self.tagged("term", t),
            Record::Item(i) => self.tagged("item", i),
        }
    }

    fn finish(&mut self) -> io::Result<Diagnostics> {
        self.w.flush()?;
        Ok(Diagnostics::new())
    }
}

/// One JSON document: `model_version`, `site`, `authors`, `terms`, `items`.
pub struct JsonDocument<W: Write> {
    w: W,
    site: Option<Site>,
    authors: Vec<Author>,
    terms: Vec<Term>,
    items_started: bool,
    items: u64,
    late: u64,
    buf: Vec<u8>,
}

impl<W: Write> JsonDocument<W> {
    /// Writes to `w` (buffer it: the document is written piecewise).
    pub fn new(w: W) -> Self {
        JsonDocument {
            w,
            site: None,
            authors: Vec::new(),
            terms: Vec::new(),
            items_started: false,
            items: 0,
            late: 0,
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    /// Writes `value` pretty-printed, every line after the first indented
    /// by `indent` spaces.
    fn nested<T: Serialize>(&mut self, value: &T, indent: &str) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer_pretty(&mut self.buf, value)?;
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', &self.buf) {
            self.w.write_all(&self.buf[start..=nl])?;
            self.w.write_all(indent.as_bytes())?;
            start = nl + 1;
        }
        self.w.write_all(&self.buf[start..])
    }

    fn list<T: Serialize>(&mut self, name: &str, values: &[T]) -> io::Result<()> {
        write!(self.w, "  \"{name}\": [")?;
        for (i, v) in values.iter().enumerate() {
            self.w.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            self.nested(v, "    ")?;
        }
        self.w.write_all(if values.is_empty() { b"],\n" } else { b"\n  ],\n" })
    }

    fn start_items(&mut self) -> io::Result<()> {
        self.items_started = true;
        write!(self.w, "{{\n  \"model_version\": {MODEL_VERSION},\n  \"site\": ")?;
        let site = self.site.take().unwrap_or_default();
        self.nested(&site, "  ")?;
        self.w.write_all(b",\n")?;
        let authors = std::mem::take(&mut self.authors);
        self.list("authors", &authors)?;
        let terms = std::mem::take(&mut self.terms);
        self.list("terms", &terms)?;
        self.w.write_all(b"  \"items\": [")
    }
}

impl<W: Write> Emitter for JsonDocument<W> {
    fn record(&mut self, record: &Record) -> io::Result<()> {
        match record {
            Record::Item(item) => {
                if !self.items_started {
                    self.start_items()?;
                }
                self.w.write_all(if self.items == 0 { b"\n    " } else { b",\n    " })?;
                self.items += 1;
                self.nested(item, "    ")
            }
            _ if self.items_started => {
                self.late += 1;
                Ok(())
            }
            Record::Site(s) => {
                self.site = Some(s.clone());
                Ok(())
            }
            Record::Author(a) => {
                self.authors.push(a.clone());
                Ok(())
            }
            Record::Term(t) => {
                self.terms.push(t.clone());
                Ok(())
            }
        }
    }

    fn finish(&mut self) -> io::Result<Diagnostics> {
        if !self.items_started {
            self.start_items()?;
        }
        self.w
            .write_all(if self.items == 0 { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
        self.w.flush()?;
        let mut diagnostics = Diagnostics::new();
        if self.late > 0 {
            diagnostics.push(Diagnostic {
                code: "wxr.late_header",
                severity: Severity::Warning,
                message: format!(
                    "{} after the first item; the JSON document lists them before the items, so they are only in --format jsonl",
                    crate::diag::counted(self.late, "author or term record came", "author and term records came")
                ),
                location: None,
                item_id: None,
                count: self.late,
            });
        }
        Ok(diagnostics)
    }
}
