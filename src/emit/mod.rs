//! Emitting: model records out to a writer, in one of the output formats.
//!
//! An [`Emitter`] receives records in export order and writes as it goes;
//! JSON Lines never holds more than one record, and the JSON document holds
//! only the channel header until the first item arrives.

pub mod json;
pub mod markdown;

use crate::model::Record;
use std::io;

/// A sink for records.
pub trait Emitter {
    /// Writes (or buffers) one record.
    fn record(&mut self, record: &Record) -> io::Result<()>;
    /// Completes the output and flushes it. Returns how many header records
    /// (authors, terms) arrived after the first item and could not be placed.
    fn finish(&mut self) -> io::Result<u64>;
}

/// The output formats of `wxr convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document of the model.
    Json,
    /// One JSON record per line.
    Jsonl,
}

/// An emitter for `format` writing to `w`.
pub fn emitter<'w, W: io::Write + 'w>(format: Format, w: W) -> Box<dyn Emitter + 'w> {
    match format {
        Format::Json => Box::new(json::JsonDocument::new(w)),
        Format::Jsonl => Box::new(json::JsonLines::new(w)),
    }
}
