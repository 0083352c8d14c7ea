//! The command line: clap definitions and help text. Nothing here does
//! work; `main` turns these into library options.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const MAIN_EXAMPLES: &str = "\
Examples:
  wxr info export.xml                       what is in the export
  wxr convert export.xml -o blog.json       the whole model as one JSON document
  wxr convert export.xml.gz --format jsonl  one record per line, to standard output
  wxr convert part1.xml part2.xml -o all.json   a site exported in several files

Exit codes: 0 success (warnings allowed), 2 usage error, 3 input error,
5 output error.";

const CONVERT_EXAMPLES: &str = "\
Examples:
  wxr convert export.xml -o blog.json
  wxr convert export.xml --format jsonl | jq -c 'select(.record == \"item\") | .title'
  curl -s https://example.com/export.xml | wxr convert - --format jsonl -o items.jsonl
  wxr convert damaged.xml --salvage -o rescued.json   keep every complete item
  wxr convert export.xml --strict -o blog.json        fail instead of repairing

With -o the file is written atomically: it appears only when the run succeeded.";

const INFO_EXAMPLES: &str = "\
Examples:
  wxr info export.xml
  wxr info export.xml --format json | jq .items_by_type
  wxr info part1.xml part2.xml";

/// wxr moves WordPress blogs out of their WXR exports.
#[derive(Debug, Parser)]
#[command(name = "wxr", version, about, after_help = MAIN_EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors on standard error.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print every warning and notice, not just a summary.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert WXR exports into the JSON model or JSON Lines.
    #[command(after_help = CONVERT_EXAMPLES)]
    Convert(ConvertArgs),
    /// Summarize what an export holds: counts, dates, repairs and warnings.
    #[command(after_help = INFO_EXAMPLES)]
    Info(InfoArgs),
}

/// How to read inputs (shared by the subcommands).
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// WXR files (`.xml` or `.xml.gz`); `-` reads standard input. Several
    /// files are merged into one site.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// On XML that is not well-formed, keep every complete item and report
    /// what was dropped instead of failing.
    #[arg(long)]
    pub salvage: bool,
    /// Fail on the first repair (control characters, bad bytes, unsplit
    /// CDATA…) instead of repairing it.
    #[arg(long)]
    pub strict: bool,
}

/// `wxr convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Json)]
    pub format: OutputFormat,
    /// Output file (written atomically); standard output by default.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `wxr info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = InfoFormat::Text)]
    pub format: InfoFormat,
}

/// Formats of `convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One JSON document of the model.
    Json,
    /// JSON Lines: one record (site, author, term, item) per line.
    Jsonl,
}

/// Formats of `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InfoFormat {
    /// A readable summary.
    Text,
    /// The summary as JSON.
    Json,
}
