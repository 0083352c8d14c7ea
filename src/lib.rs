//! wxr: WordPress exports (WXR) in, clean data out.
//!
//! The pipeline reads → models → emits:
//!
//! * [`read`] streams a WXR file (any version, damaged or not) into
//!   [`model::Record`]s, one item at a time;
//! * [`merge`] joins several inputs (a site exported in parts) into one
//!   stream of records;
//! * [`emit`] writes records as the JSON model or JSON Lines;
//! * [`info`] summarizes an export;
//! * [`diag`] carries every repair and warning, so nothing is lost silently.
//!
//! ```no_run
//! use wxr::read::{Reader, ReadOptions, Source};
//! let mut reader = Reader::open(&Source::from_arg("export.xml"), ReadOptions::default(), None)?;
//! while let Some(record) = reader.next_record()? {
//!     println!("{record:?}");
//! }
//! # Ok::<(), wxr::read::Error>(())
//! ```

pub mod check;
pub mod convert;
pub mod diag;
pub mod emit;
pub mod fetch;
pub mod http;
pub mod info;
pub mod merge;
pub mod model;
pub mod output;
pub mod read;
pub mod site;
pub mod transform;
