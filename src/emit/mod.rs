//! Emitting: model records out to a writer, in one of the output formats.
//!
//! An [`Emitter`] receives records in export order and writes as it goes;
//! JSON Lines never holds more than one record, and the JSON document holds
//! only the channel header until the first item arrives.

pub mod json;
pub mod markdown;
pub mod sql;

use crate::diag::Diagnostics;
use crate::model::Record;
use std::io;

/// A sink for records.
pub trait Emitter {
    /// Writes (or buffers) one record.
    fn record(&mut self, record: &Record) -> io::Result<()>;
    /// Completes the output and flushes it. Returns what the format had to
    /// report (records it could not place, references it could not resolve).
    fn finish(&mut self) -> io::Result<Diagnostics>;
}

/// The output formats of `wxr convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document of the model.
    Json,
    /// One JSON record per line.
    Jsonl,
    /// An SQL script for a dialect.
    Sql(sql::Dialect),
    /// An SQLite database file (written by [`sql::sqlite`], not through
    /// [`emitter`]).
    Sqlite,
}

/// An emitter for `format` writing to `w`; `None` for [`Format::Sqlite`],
/// which writes a database file rather than a stream.
pub fn emitter<'w, W: io::Write + 'w>(format: Format, w: W) -> Option<Box<dyn Emitter + 'w>> {
    Some(match format {
        Format::Json => Box::new(json::JsonDocument::new(w)),
        Format::Jsonl => Box::new(json::JsonLines::new(w)),
        Format::Sql(dialect) => Box::new(sql::script::SqlScript::new(w, dialect)),
        Format::Sqlite => return None,
    })
}
