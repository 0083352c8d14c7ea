//! The error of a run, at the library's boundary: the input could not be
//! read (exit code 3) or the output could not be written (exit code 5).
//! Every stage (conversion, Markdown site, check) fails with it.

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
