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
use crate::output::Output;
use std::io::{self, BufWriter};

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
#[non_exhaustive]
pub enum Format {
    /// One JSON document of the model.
    Json,
    /// One JSON record per line.
    Jsonl,
    /// An SQL script for a dialect.
    Sql(sql::Dialect),
    /// An SQLite database file.
    Sqlite,
}

/// An emitter for `format` writing to `out`. A stream format writes to any
/// output, buffered; an SQLite database needs a file (a new one, or an
/// existing one it adds to), not standard output, a device or a pipe.
pub fn emitter(format: Format, out: &Output) -> io::Result<Box<dyn Emitter + '_>> {
    let stream = || out.writer().map(|w| BufWriter::with_capacity(256 * 1024, w));
    Ok(match format {
        Format::Json => Box::new(json::JsonDocument::new(stream()?)),
        Format::Jsonl => Box::new(json::JsonLines::new(stream()?)),
        Format::Sql(dialect) => Box::new(sql::script::SqlScript::new(stream()?, dialect)),
        Format::Sqlite => {
            let Some(path) = out.file_path() else {
                return Err(io::Error::other(
                    "an SQLite database is written to a file, not to standard output, a device or a pipe",
                ));
            };
            Box::new(match out {
                Output::Existing(_) => sql::sqlite::SqliteDb::append(path)?,
                _ => sql::sqlite::SqliteDb::create(path)?,
            })
        }
    })
}
