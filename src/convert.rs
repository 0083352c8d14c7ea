//! `wxr convert` and `wxr info`, wired: inputs → merged records → emitter
//! or summary, with atomic output files.
//!
//! Output to a file goes to a temporary file beside it, renamed over the
//! target only when everything succeeded: a failed run never leaves a
//! partial file behind. Standard output is streamed (a consumer sees the
//! records as they are read); its exit code tells whether the stream is
//! complete.

use crate::diag::Diagnostics;
use crate::emit::{self, Emitter, Format};
use crate::info::{InputSummary, Summary};
use crate::merge::Merged;
use crate::model::Record;
use crate::output::{Durability, Output};
use crate::read::{self, ReadOptions, Source};
use std::fmt;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// What to convert to, and where.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// The output format.
    pub format: Format,
    /// The output file; standard output when `None`.
    pub output: Option<PathBuf>,
    /// How to read the inputs.
    pub read: ReadOptions,
    /// `--format sqlite`: add to the database instead of replacing it.
    pub append: bool,
    /// Which pingbacks and trackbacks to keep.
    pub pings: crate::merge::PingFilter,
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

/// Why a run failed.
#[derive(Debug)]
pub enum RunError {
    /// Reading an input failed (exit code 3).
    Input(read::Error),
    /// Writing the output failed (exit code 5).
    Output {
        /// The output as named (`-` for standard output).
        target: String,
        /// The I/O error.
        source: io::Error,
    },
}

impl RunError {
    /// The process exit code: 3 for input errors, 5 for output errors.
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Input(e) => e.exit_code(),
            RunError::Output { .. } => 5,
        }
    }

    /// True when standard output was closed by its reader (`| head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, RunError::Output { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Input(e) => e.fmt(f),
            RunError::Output { target, source } => {
                write!(f, "{target}: cannot write the output: {source}")
            }
        }
    }
}

impl std::error::Error for RunError {}

impl From<read::Error> for RunError {
    fn from(e: read::Error) -> Self {
        RunError::Input(e)
    }
}

/// Converts `sources` into one output.
pub fn convert(
    sources: &[Source],
    opts: &ConvertOptions,
    progress: Option<Arc<AtomicU64>>,
) -> Result<Outcome, RunError> {
    // Inputs are opened (and their headers checked) before any output exists.
    let mut merged = Merged::open(sources, opts.read, progress)?.with_pings(opts.pings.clone());
    if opts.format == Format::Sqlite {
        return write_database(&mut merged, opts);
    }
    match &opts.output {
        None => {
            let stdout = io::stdout();
            let w = BufWriter::with_capacity(256 * 1024, stdout.lock());
            emit_all(&mut merged, stream(opts.format, w), "-")
        }
        Some(path) => {
            let target = path.display().to_string();
            let out_err = |source| RunError::Output {
                target: target.clone(),
                source,
            };
            let out = Output::create(path, Durability::Synced).map_err(out_err)?;
            let w = BufWriter::with_capacity(256 * 1024, out.file());
            let outcome = emit_all(&mut merged, stream(opts.format, w), &target)?;
            out.commit().map_err(out_err)?;
            Ok(outcome)
        }
    }
}

/// The emitter of a stream format (any but SQLite).
fn stream<'w, W: Write + 'w>(format: Format, w: W) -> Box<dyn Emitter + 'w> {
    emit::emitter(format, w).expect("--format sqlite is written by write_database")
}

/// `--format sqlite`: a new database in a temporary file renamed over the
/// target when complete, or `--append` into the target in one transaction.
fn write_database(merged: &mut Merged, opts: &ConvertOptions) -> Result<Outcome, RunError> {
    use crate::emit::sql::sqlite::SqliteDb;
    let Some(path) = &opts.output else {
        return Err(RunError::Output {
            target: "-".to_string(),
            source: io::Error::other("--format sqlite writes a database file: name it with -o FILE"),
        });
    };
    let target = path.display().to_string();
    let out_err = |source| RunError::Output {
        target: target.clone(),
        source,
    };
    // Appending to a file that is not there is writing a new one (and a
    // failed run must not leave an empty file behind).
    if opts.append && path.exists() {
        let db = SqliteDb::append(path).map_err(|e| out_err(e.into()))?;
        return emit_all(merged, Box::new(db), &target);
    }
    let out = Output::create(path, Durability::Synced).map_err(out_err)?;
    let Some(tmp) = out.temp_path() else {
        return Err(out_err(io::Error::other(
            "an SQLite database is written to a regular file, not a device or a pipe",
        )));
    };
    let db = SqliteDb::create(tmp).map_err(|e| out_err(e.into()))?;
    let outcome = emit_all(merged, Box::new(db), &target)?;
    out.commit().map_err(out_err)?;
    Ok(outcome)
}

/// Records handed from the reading thread to the writing thread at once.
const BATCH_RECORDS: usize = 256;
/// Text bytes after which a batch is handed over early (large items).
const BATCH_BYTES: u64 = 1 << 20;
/// Batches in flight: memory stays bounded by a few batches.
const BATCHES_IN_FLIGHT: usize = 4;

/// Reads on one thread and writes on another (serializing JSON costs about
/// as much as parsing XML), through a small bounded channel: the output is
/// the same, in the same order, as a single-threaded run.
fn emit_all(merged: &mut Merged, mut emitter: Box<dyn Emitter + '_>, target: &str) -> Result<Outcome, RunError> {
    let out_err = |source| RunError::Output {
        target: target.to_string(),
        source,
    };
    let mut outcome = Outcome::default();
    let reader = &mut *merged;
    let (read_result, write_result) = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Record>>(BATCHES_IN_FLIGHT);
        // Written batches come back to be freed by the thread that
        // allocated them: freeing across threads makes the allocator contend.
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Vec<Record>>();
        let producer = scope.spawn(move || -> Result<(), read::Error> {
            let mut batch = Vec::with_capacity(BATCH_RECORDS);
            let mut bytes = 0;
            loop {
                let rec = match reader.next_record() {
                    Ok(Some(rec)) => rec,
                    Ok(None) => break,
                    Err(e) => {
                        // What was read before the error is written first.
                        if !batch.is_empty() {
                            let _ = tx.send(batch);
                        }
                        return Err(e);
                    }
                };
                while let Ok(done) = done_rx.try_recv() {
                    drop(done);
                }
                if let Record::Item(i) = &rec {
                    bytes += crate::info::item_bytes(i);
                }
                batch.push(rec);
                if batch.len() >= BATCH_RECORDS || bytes >= BATCH_BYTES {
                    bytes = 0;
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_RECORDS));
                    if tx.send(full).is_err() {
                        // The writer stopped on an output error.
                        return Ok(());
                    }
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            Ok(())
        });
        let mut written: io::Result<()> = Ok(());
        'batches: for batch in rx {
            for rec in &batch {
                if let Record::Item(i) = rec {
                    outcome.items += 1;
                    outcome.comments += i.comments.len() as u64;
                }
                if let Err(e) = emitter.record(rec) {
                    written = Err(e);
                    break 'batches;
                }
            }
            // If the reader has finished, it frees nothing more: drop here.
            if let Err(std::sync::mpsc::SendError(batch)) = done_tx.send(batch) {
                drop(batch);
            }
        }
        let read = producer.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (read, written)
    });
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

/// Reads `sources` and summarizes them.
pub fn info(sources: &[Source], read: ReadOptions, progress: Option<Arc<AtomicU64>>) -> Result<Summary, RunError> {
    let mut merged = Merged::open(sources, read, progress)?;
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

/// Standard input cannot be read twice: copies it to a temporary file and
/// returns the sources with that file in its place (kept while the path lives).
pub fn spool_stdin(sources: &[Source]) -> Result<(Vec<Source>, Option<tempfile::TempPath>), RunError> {
    if !sources.contains(&Source::Stdin) {
        return Ok((sources.to_vec(), None));
    }
    let out_err = |source| RunError::Output {
        target: "a temporary copy of standard input".into(),
        source,
    };
    let mut tmp = tempfile::NamedTempFile::new().map_err(out_err)?;
    std::io::copy(&mut std::io::stdin().lock(), &mut tmp).map_err(out_err)?;
    let path = tmp.into_temp_path();
    let sources = sources
        .iter()
        .map(|s| {
            if *s == Source::Stdin {
                Source::Path(path.to_path_buf())
            } else {
                s.clone()
            }
        })
        .collect();
    Ok((sources, Some(path)))
}
