//! wxr: WordPress exports (WXR) in, clean data out.
//!
//! The pipeline reads → models → transforms → emits (or checks), one
//! layer a module:
//!
//! * [`read`] streams a WXR file (any version, damaged or not, plain or
//!   gzip) into [`model::Record`]s, one item at a time; [`merge`] joins the
//!   parts of a site exported in several files, and its [`merge::Inputs`]
//!   opens them once per pass;
//! * [`model`] is the typed, normalized model (the JSON contract);
//! * [`site`] indexes every item by what identifies it on the old site and
//!   resolves any URL to an item;
//! * [`transform`] turns WordPress bodies into what a new site shows
//!   (blocks, wpautop, shortcodes, HTML → Markdown, slugs);
//! * [`emit`] writes records as the JSON model, JSON Lines, SQL, an SQLite
//!   database or a Markdown site for a static site generator;
//! * [`check`] audits the pingbacks and trackbacks, offline and over
//!   [`http`];
//! * [`convert`] is the driver: it opens the inputs and runs each job's
//!   passes, writing through [`output`] and failing with one
//!   [`error::RunError`];
//! * [`info`] summarizes an export; [`diag`] carries every repair and
//!   warning, so nothing is lost silently.
//!
//! Reading an export (here the bundled French blog post):
//!
//! ```
//! use wxr::model::Record;
//! let file = std::fs::File::open("fixtures/read/french-blog-post.xml")?;
//! let mut comments = 0;
//! for record in wxr::read::Reader::builder().name("french-blog-post.xml").build(file)? {
//!     if let Record::Item(item) = record? {
//!         comments += item.comments.iter().filter(|c| !c.kind.is_ping()).count();
//!     }
//! }
//! assert!(comments > 10);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Converting it, as `wxr convert` does:
//!
//! ```
//! use wxr::convert::{self, ConvertOptions, Inputs};
//! use wxr::read::{ReadOptions, Source};
//! let inputs = Inputs::new(vec![Source::from_arg("fixtures/read/french-blog-post.xml")], ReadOptions::default());
//! let out = tempfile::tempdir()?;
//! let mut opts = ConvertOptions::new(wxr::emit::Format::Jsonl);
//! opts.output = Some(out.path().join("blog.jsonl"));
//! let outcome = convert::convert(&inputs, &opts)?;
//! assert_eq!(outcome.items, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod check;
pub mod convert;
pub mod diag;
pub mod emit;
pub mod error;
pub mod fetch;
pub mod http;
pub mod info;
pub mod merge;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod read;
pub mod site;
pub mod transform;
