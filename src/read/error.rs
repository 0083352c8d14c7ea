//! The reader's error type: what stopped reading, where, and what to do.

use crate::diag::{Diagnostic, Location};
use std::fmt;

/// The item being read when an error happened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ItemContext {
    /// `wp:post_id`, when it had been read.
    pub id: Option<i64>,
    /// `<title>`, when it had been read.
    pub title: Option<String>,
    /// Where the `<item>` started.
    pub line: u64,
    /// Its column.
    pub column: u64,
}

/// Why reading an export stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be opened or read.
    Io {
        /// The input as named by the user.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The input is not a WordPress export at all.
    NotWxr {
        /// The input as named by the user.
        file: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// The XML is not well-formed (mismatched tags, a truncated file).
    Malformed(Box<Malformed>),
    /// `--strict` was given and the input needed a repair.
    Strict(Box<Diagnostic>),
}

/// Where and why the XML stopped being well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Malformed {
    /// Where.
    pub location: Location,
    /// What the XML parser or the element stack found.
    pub message: String,
    /// The item being read, if any.
    pub item: Option<ItemContext>,
    /// Items read completely before the error, in this input.
    pub complete_items: u64,
}

impl Error {
    /// Process exit code for this error (3: input error).
    pub fn exit_code(&self) -> i32 {
        3
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { file, source } => write!(f, "{file}: cannot read the input: {source}"),
            Error::NotWxr { file, reason } => {
                write!(f, "not a WordPress export (WXR): {file}: {reason}")?;
                write!(f, "\n  hint: export the site again from Tools → Export in WordPress")
            }
            Error::Malformed(m) => {
                let Malformed {
                    location,
                    message,
                    item,
                    complete_items,
                } = &**m;
                write!(f, "{location}: the XML is not well-formed: {message}")?;
                if let Some(item) = item {
                    write!(f, "\n  while reading the item that starts at line {}", item.line)?;
                    if let Some(id) = item.id {
                        write!(f, ", id {id}")?;
                    }
                    if let Some(title) = &item.title {
                        write!(f, ", title {title:?}")?;
                    }
                }
                let read = if *complete_items == 1 { "was" } else { "were" };
                write!(
                    f,
                    "\n  {} {read} read before it",
                    crate::diag::counted(*complete_items, "complete item", "complete items")
                )
            }
            Error::Strict(d) => write!(f, "{d}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
