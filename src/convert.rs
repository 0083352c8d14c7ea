//! The driver: the one place where a run's inputs are opened and its
//! passes run. `wxr convert`, `wxr info` and `wxr check` come here with
//! their [`Inputs`]; each job gets them opened once per pass it needs
//! (standard input spooled first when it needs two), and every failure
//! comes back as one [`RunError`]. Before anything is read, a job whose
//! outputs ([`Inputs::with_outputs`]) include one of its inputs is refused.
//!
//! * [`convert`]: records → an [`Emitter`] of a stream format or SQLite,
//!   into an [`Output`] (standard output streamed as records are read, a
//!   file replaced atomically);
//! * [`site`]: the Markdown site of [`crate::emit::markdown`] (two passes);
//! * [`check`]: the audit of [`crate::check`] (two passes);
//! * [`info`]: the summary of [`crate::info`].

use crate::diag::Diagnostics;
use crate::emit::{self, Emitter, Format};
pub use crate::error::RunError;
use crate::info::{InputSummary, Summary};
pub use crate::merge::Inputs;
use crate::merge::Merged;
use crate::model::Record;
use crate::output::{Durability, Output};
use crate::read;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;

/// What to convert to, and where.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConvertOptions {
    /// The output format.
    pub format: Format,
    /// The output file; standard output when `None`.
    pub output: Option<PathBuf>,
    /// `--format sqlite`: add to the database instead of replacing it.
    pub append: bool,
}

impl ConvertOptions {
    /// `format` to standard output.
    pub fn new(format: Format) -> ConvertOptions {
        ConvertOptions {
            format,
            output: None,
            append: false,
        }
    }
}

/// What a successful run did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Items written.
    pub items: u64,
    /// Comments written (inside the items).
    pub comments: u64,
    /// Items dropped by `--salvage`.
    pub dropped: u64,
    /// Repeated items written once.
    pub duplicates_skipped: u64,
    /// Every repair and warning.
    pub diagnostics: Diagnostics,
}

impl Outcome {
    /// `converted 2 items with 24 comments; 1 warning`.
    pub fn closing_line(&self) -> String {
        use crate::diag::counted;
        let mut line = format!(
            "converted {} with {}",
            counted(self.items, "item", "items"),
            counted(self.comments, "comment", "comments")
        );
        if self.dropped > 0 {
            line += &format!(
                "; {} dropped (--salvage)",
                counted(self.dropped, "damaged item", "damaged items")
            );
        }
        if self.duplicates_skipped > 0 {
            line += &format!(
                "; {} written once",
                counted(self.duplicates_skipped, "repeated item", "repeated items")
            );
        }
        line + &self.diagnostics.tally()
    }
}

/// Converts the inputs into one output.
pub fn convert(inputs: &Inputs, opts: &ConvertOptions) -> Result<Outcome, RunError> {
    inputs.refuse_outputs()?;
    // Inputs are opened (and their headers checked) before any output exists.
    let mut merged = inputs.open()?;
    let target = opts
        .output
        .as_ref()
        .map_or("-".to_string(), |p| p.display().to_string());
    let out_err = |source| RunError::Output {
        target: target.clone(),
        source,
    };
    let out = match &opts.output {
        None => Ok(Output::Stdout),
        Some(path) if opts.format == Format::Sqlite => Output::database(path, opts.append),
        Some(path) => Output::create(path, Durability::Synced),
    }
    .map_err(out_err)?;
    let emitter = emit::emitter(opts.format, &out).map_err(out_err)?;
    let outcome = emit_all(&mut merged, emitter, &target)?;
    out.commit().map_err(out_err)?;
    Ok(outcome)
}

/// Writes the Markdown site of the inputs (two passes: the plan, then the
/// pages).
pub fn site(
    inputs: &mut Inputs,
    opts: &emit::markdown::Options,
) -> Result<emit::markdown::report::SiteReport, RunError> {
    inputs.refuse_outputs()?;
    spool(inputs)?;
    emit::markdown::write_site(inputs, opts)
}

/// Audits the pingbacks and trackbacks of the inputs (two passes when
/// self-pings need their source posts); `fetched` counts the sources
/// fetched, for a progress display.
pub fn check(
    inputs: &mut Inputs,
    opts: &crate::check::Options,
    fetched: Option<&AtomicU64>,
) -> Result<crate::check::Outcome, RunError> {
    inputs.refuse_outputs()?;
    spool(inputs)?;
    crate::check::run(inputs, opts, fetched)
}

/// Standard input, when it is an input, copied to a temporary file.
fn spool(inputs: &mut Inputs) -> Result<(), RunError> {
    inputs.spool_stdin().map_err(|source| RunError::Output {
        target: "a temporary copy of standard input".into(),
        source,
    })
}

/// Records handed from the reading thread to the writing thread at once.
const BATCH_RECORDS: usize = 256;
/// Text bytes after which a batch is handed over early (large items).
const BATCH_BYTES: u64 = 1 << 20;
/// Batches in flight: memory stays bounded by a few batches.
const BATCHES_IN_FLIGHT: usize = 4;

/// Reads on one thread and writes on another (serializing JSON costs about
/// as much as parsing XML), through the [`pipeline`](crate::pipeline).
fn emit_all(merged: &mut Merged, mut emitter: Box<dyn Emitter + '_>, target: &str) -> Result<Outcome, RunError> {
    let out_err = |source| RunError::Output {
        target: target.to_string(),
        source,
    };
    let mut outcome = Outcome::default();
    let reader = &mut *merged;
    let produce = move |feed: &crate::pipeline::Feed<Vec<Record>>| -> Result<(), read::Error> {
        let mut batch = Vec::with_capacity(BATCH_RECORDS);
        let mut bytes = 0;
        loop {
            let rec = match reader.next_record() {
                Ok(Some(rec)) => rec,
                Ok(None) => break,
                Err(e) => {
                    // What was read before the error is written first.
                    if !batch.is_empty() {
                        feed.send(batch);
                    }
                    return Err(e);
                }
            };
            if let Record::Item(i) = &rec {
                bytes += crate::info::item_bytes(i);
            }
            batch.push(rec);
            if batch.len() >= BATCH_RECORDS || bytes >= BATCH_BYTES {
                bytes = 0;
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_RECORDS));
                if !feed.send(full) {
                    // The writer stopped on an output error.
                    return Ok(());
                }
            }
        }
        if !batch.is_empty() {
            feed.send(batch);
        }
        Ok(())
    };
    let consume = |batch: &Vec<Record>| -> io::Result<()> {
        for rec in batch {
            if let Record::Item(i) = rec {
                outcome.items += 1;
                outcome.comments += i.comments.len() as u64;
            }
            emitter.record(rec)?;
        }
        Ok(())
    };
    let (read_result, write_result) = crate::pipeline::run(BATCHES_IN_FLIGHT, produce, consume);
    read_result?;
    write_result.map_err(out_err)?;
    let reported = emitter.finish().map_err(out_err)?;
    drop(emitter);
    outcome.dropped = merged.readers().iter().map(|r| r.dropped_items()).sum();
    outcome.duplicates_skipped = merged.skipped_identical();
    outcome.diagnostics = merged.take_diagnostics();
    outcome.diagnostics.extend(reported);
    Ok(outcome)
}

/// Reads the inputs and summarizes them.
pub fn info(inputs: &Inputs) -> Result<Summary, RunError> {
    let mut merged = inputs.open()?;
    let mut summary = Summary::default();
    while let Some(rec) = merged.next_record()? {
        summary.add(&rec);
    }
    summary.inputs = merged
        .readers()
        .iter()
        .map(|r| InputSummary {
            file: r.file().to_string(),
            encoding: r.input_stats().encoding.to_string(),
            complete_items: r.complete_items(),
            dropped_items: r.dropped_items(),
        })
        .collect();
    summary.set_diagnostics(&merged.take_diagnostics());
    Ok(summary)
}
