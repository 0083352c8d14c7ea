//! The error of a run, at the library's boundary: the input could not be
//! read (exit code 3), the output could not be written (exit code 5), or
//! `check --write-cleaned` could not make its copy of the export (3 when
//! the input is not XML it can scan, else 5). Every stage (conversion,
//! Markdown site, check) fails with it.

use crate::check::cleaned::CleanError;
use crate::read;
use std::fmt;
use std::io;

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
    /// Writing the cleaned copy of the export failed (exit code 3 when the
    /// export is not XML that can be scanned, else 5).
    Clean {
        /// The export copied, as named.
        input: String,
        /// The copy, as named.
        output: String,
        /// Why, as [`write_cleaned`](crate::check::cleaned::write_cleaned)
        /// says it.
        source: CleanError,
    },
}

impl RunError {
    /// The process exit code: 3 for input errors (an export the cleaned
    /// copy cannot scan is one), 5 for output errors.
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Input(e) => e.exit_code(),
            RunError::Clean {
                source: CleanError::Xml { .. },
                ..
            } => 3,
            RunError::Output { .. } | RunError::Clean { .. } => 5,
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
            RunError::Clean { input, output, source } => {
                write!(f, "{output}: cannot write the cleaned copy of {input}: {source}")
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
