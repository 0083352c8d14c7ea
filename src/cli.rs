//! The command line: clap definitions and help text, and their
//! conversion into the library's options (`TryFrom`, with the usage errors
//! clap cannot express). Nothing here does work.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;
use wxr::check;
use wxr::convert::{ConvertOptions, Inputs};
use wxr::emit::markdown::{self, CommentsMode, Redirects, Ssg, front_matter::Syntax, plan::Policy};
use wxr::emit::{Format, sql::Dialect};
use wxr::merge::PingFilter;
use wxr::read::{ReadOptions, Source};

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
  wxr convert export.xml --format markdown --ssg hugo -o site/
  wxr convert export.xml --format markdown --ssg jekyll --status publish,draft --redirects netlify -o site/
  wxr convert export.xml --format markdown --download-media -o site/   media copied into the site
  wxr convert export.xml --format sqlite -o blog.db
  wxr convert export.xml --format sql --dialect postgres | psql -v ON_ERROR_STOP=1 blog
  wxr convert export.xml --format sql --dialect mysql -o blog.sql; mariadb blog < blog.sql

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
    /// Convert WXR exports into the JSON model, JSON Lines, a Markdown site,
    /// SQL or an SQLite database.
    #[command(after_help = CONVERT_EXAMPLES)]
    Convert(ConvertArgs),
    /// Summarize what an export holds: counts, dates, repairs and warnings.
    #[command(after_help = INFO_EXAMPLES)]
    Info(InfoArgs),
    /// Audit the pingbacks and trackbacks: which are broken, and why.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
}

const CHECK_EXAMPLES: &str = "\
Examples:
  wxr check export.xml                         offline checks, then each source fetched once
  wxr check export.xml --offline               no network: structure, state, self-pings
  wxr check export.xml --format json -o report.json
  wxr check export.xml --emit-delete-ids ids.txt   then: wp comment delete $(cat ids.txt) --force
  wxr check export.xml --write-cleaned clean.xml   the export without the broken pings
  wxr convert export.xml --format markdown --pingbacks verified --check-report report.json -o site/

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage error, 3 input error, 4 inconclusive (a source could not be
reached, and neither could --probe-url), 5 output error.";

/// `wxr check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// No network: only what the export itself shows.
    #[arg(long)]
    pub offline: bool,
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Leave out a finding code, or every code under a prefix
    /// (`ping.source.redirect`); repeatable.
    #[arg(long, value_name = "CODE")]
    pub ignore: Vec<String>,
    /// Another host of this site (an old domain); repeatable.
    #[arg(long, value_name = "HOST")]
    pub self_domain: Vec<String>,
    /// The export holds only part of the site (some posts, authors or
    /// dates): a self-ping from a post not in it is a warning, not an error.
    #[arg(long)]
    pub partial_export: bool,
    /// Sources fetched at the same time (one at a time per host).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Deadline of one source, every redirect and the body included (seconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0)]
    pub timeout: f64,
    /// Retries of a transient failure (timeout, reset, 408, 429, 500, 502,
    /// 503, 504).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,
    /// Redirects followed.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_redirects: u32,
    /// Bytes of page read (after decompression); e.g. 1MiB, 500KB.
    #[arg(long, value_name = "SIZE", default_value = "1MiB", value_parser = parse_size)]
    pub max_body_size: u64,
    /// Pause between two requests to one host (seconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub host_interval: f64,
    /// Fetch sources on private and loopback addresses (staging copies).
    #[arg(long)]
    pub allow_private: bool,
    /// The User-Agent sent.
    #[arg(long, value_name = "STRING", value_parser = header_value)]
    pub user_agent: Option<String>,
    /// A URL that must answer before a source that could not be reached
    /// (no such name, no connection, a timeout…) is judged: asked only
    /// then, looked up and fetched (any HTTP answer will do). If it does
    /// not answer either, the network looks unavailable: those sources
    /// get no finding and the run is inconclusive (exit code 4).
    #[arg(long, value_name = "URL", default_value = check::DEFAULT_PROBE_URL, value_parser = web_url)]
    pub probe_url: String,
    /// Keep fetch results in FILE (`--cache=FILE`; `.wxr-check-cache.jsonl`
    /// when no file is named) between runs: successes and 404/410 only,
    /// failures that may pass are always tried again.
    #[arg(
        long,
        value_name = "FILE",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ".wxr-check-cache.jsonl"
    )]
    pub cache: Option<PathBuf>,
    /// Cache entries older than this are fetched again (days).
    #[arg(long, value_name = "DAYS", default_value_t = 7.0)]
    pub max_cache_age: f64,
    /// Write the ids of the comments to delete (findings at or above
    /// --fail-on), one per line, for `wp comment delete`.
    #[arg(long, value_name = "FILE")]
    pub emit_delete_ids: Option<PathBuf>,
    /// Write a copy of the export without the comments to delete (their
    /// replies re-parented); everything else byte for byte.
    #[arg(long, value_name = "FILE")]
    pub write_cleaned: Option<PathBuf>,
}

/// `check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A table for people.
    Human,
    /// The report as one JSON document.
    Json,
    /// One record per line: sources, findings, summary.
    Jsonl,
    /// Markdown (for an issue or a wiki).
    Markdown,
    /// One self-contained HTML page: a table that sorts, filters by
    /// severity and action (-o report.html).
    Html,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
    /// Never: a pure report.
    Never,
}

/// The value of an option that is sent as an HTTP header.
fn header_value(s: &str) -> Result<String, String> {
    wxr::http::check_header_value(s).map(|()| s.to_string())
}

/// An http or https URL with a host.
fn web_url(s: &str) -> Result<String, String> {
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(u.to_string()),
        Ok(_) => Err("an http or https URL with a host is needed".into()),
        Err(e) => Err(format!("not a URL: {e}")),
    }
}

/// A size such as `1MiB`, `500KB`, `2M` or `65536`.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("{s:?} is not a size"))?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        u => return Err(format!("unknown size unit {u:?}")),
    };
    let v = n * mult;
    if !(1.0..=1024.0 * 1024.0 * 1024.0).contains(&v) {
        return Err("the size must be between 1 byte and 1 GiB".into());
    }
    Ok(v as u64)
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
    /// Output file (written atomically; standard output by default), or the
    /// site directory for --format markdown.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub markdown: MarkdownArgs,
    #[command(flatten)]
    pub sql: SqlArgs,
    #[command(flatten)]
    pub pings: PingArgs,
}

/// Which pings a conversion keeps.
#[derive(Debug, Args)]
#[command(next_help_heading = "Pingbacks and trackbacks")]
pub struct PingArgs {
    /// keep: every pingback and trackback; drop: none; verified: those a
    /// `wxr check` report (--check-report) does not mark for deletion.
    #[arg(long, value_enum, default_value_t = PingsArg::Keep)]
    pub pingbacks: PingsArg,
    /// The JSON report of `wxr check --format json`, for --pingbacks verified.
    #[arg(long, value_name = "REPORT.json")]
    pub check_report: Option<PathBuf>,
}

/// `--pingbacks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PingsArg {
    /// Keep them all.
    Keep,
    /// Drop them all.
    Drop,
    /// Keep those the check report does not mark for deletion.
    Verified,
}

/// Options of `--format sql` and `--format sqlite`.
#[derive(Debug, Args)]
#[command(next_help_heading = "SQL (--format sql, --format sqlite)")]
pub struct SqlArgs {
    /// The database the script is for, with --format sql.
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
    /// With --format sqlite: add to an existing wxr database (in one
    /// transaction) instead of replacing the file. Authors, terms and items
    /// it already holds are not added twice.
    #[arg(long)]
    pub append: bool,
}

/// `--dialect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL 12 and later.
    Postgres,
    /// MySQL 8, MariaDB 10.5 and later.
    Mysql,
}

/// Options of `--format markdown`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Markdown (--format markdown)")]
pub struct MarkdownArgs {
    /// The static site generator to write for.
    #[arg(long, default_value = "hugo", value_parser = ssg_parser())]
    pub ssg: Ssg,
    /// Front matter syntax (default: the generator's own; TOML for Zola).
    #[arg(long, value_enum)]
    pub front_matter: Option<FrontMatterArg>,
    /// Item statuses to write, comma-separated; not published ones become drafts.
    #[arg(long, value_delimiter = ',', default_value = "publish", value_name = "STATUS,...")]
    pub status: Vec<String>,
    /// Also write private and password-protected items (as drafts).
    #[arg(long)]
    pub include_private: bool,
    /// Where comment threads go.
    #[arg(long, value_enum, default_value_t = CommentsArg::Data)]
    pub comments: CommentsArg,
    /// Transliterate slugs to ASCII for file names.
    #[arg(long)]
    pub ascii_slugs: bool,
    /// File path of each item instead of the generator's layout, with
    /// {type} {year} {month} {day} {slug} {id} {parents}; e.g.
    /// "{type}/{year}/{month}/{slug}.md".
    #[arg(long, value_name = "TEMPLATE")]
    pub path: Option<String>,
    /// Serve each published post and page at its exact WordPress path
    /// (a permalink ending in /), instead of the generator's own URL: the
    /// web's links land on the page itself. Other old URLs still redirect.
    #[arg(long)]
    pub keep_urls: bool,
    /// Redirect files to write from the old URLs, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KIND,...")]
    pub redirects: Vec<RedirectsArg>,
    /// Print what would be created, overwritten, left alone or pruned;
    /// write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite the files changed since wxr wrote them (left alone and
    /// listed otherwise).
    #[arg(long)]
    pub force: bool,
    /// Remove the files an earlier run wrote that this one does not, when
    /// they are still as wxr wrote them (listed as stale otherwise).
    #[arg(long)]
    pub prune: bool,
    /// Download the site's media (attachments, and the files bodies show or
    /// link to on the site's hosts) into the site and point the pages at
    /// the copies; the originals are preferred over resized copies. A rerun
    /// skips the files already there.
    #[arg(long)]
    pub download_media: bool,
    /// With --download-media: also fetch from private and loopback
    /// addresses (an old site on this machine or the local network).
    #[arg(long)]
    pub allow_private: bool,
    /// With --download-media: the largest file fetched (after
    /// decompression); e.g. 1GiB, 500MB.
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub media_max_size: u64,
    /// Downloads at the same time, with --download-media.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub media_jobs: u16,
    /// Postmeta keys to copy into the front matter as `wp_meta`,
    /// comma-separated; PHP-serialized values are decoded.
    #[arg(long, value_delimiter = ',', value_name = "KEY,...")]
    pub meta: Vec<String>,
}

/// `--ssg`: the generators of the registry, each with what it writes.
fn ssg_parser() -> impl TypedValueParser<Value = Ssg> {
    PossibleValuesParser::new(Ssg::all().map(|s| PossibleValue::new(s.name()).help(s.about())))
        .try_map(|name| Ssg::named(&name).ok_or("not a registered generator"))
}

/// `--front-matter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FrontMatterArg {
    /// YAML between `---`.
    Yaml,
    /// TOML between `+++`.
    Toml,
    /// A JSON object.
    Json,
}

/// `--comments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CommentsArg {
    /// A data file per post in the generator's data directory.
    Data,
    /// A section at the end of each post.
    Inline,
    /// No comments.
    None,
}

/// `--redirects`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RedirectsArg {
    /// Netlify _redirects.
    Netlify,
    /// nginx rules.
    Nginx,
    /// Apache .htaccess.
    Apache,
    /// old,new CSV.
    Csv,
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
    /// A tree of Markdown files for a static site generator (-o DIR).
    Markdown,
    /// An SQL script (schema and data) for --dialect sqlite, postgres or mysql.
    Sql,
    /// An SQLite database file (-o FILE).
    Sqlite,
}

/// Formats of `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InfoFormat {
    /// A readable summary.
    Text,
    /// The summary as JSON.
    Json,
}

/// What `wxr convert` was asked for.
pub enum ConvertJob {
    /// Records into one output.
    Records(ConvertOptions),
    /// A Markdown site.
    Site(Box<markdown::Options>),
}

impl ReadArgs {
    /// The inputs, read as asked.
    pub fn inputs(&self) -> Result<Inputs, String> {
        if self.inputs.iter().filter(|i| *i == "-").count() > 1 {
            return Err("standard input (-) can be read only once".into());
        }
        let read = ReadOptions::default()
            .with_salvage(self.salvage)
            .with_strict(self.strict);
        Ok(Inputs::new(
            self.inputs.iter().map(|a| Source::from_arg(a)).collect(),
            read,
        ))
    }
}

impl ConvertArgs {
    /// The files the run writes: the output (the site's folder with
    /// --format markdown).
    pub fn outputs(&self) -> Vec<PathBuf> {
        self.output.iter().cloned().collect()
    }
}

impl PingArgs {
    /// `--pingbacks` and `--check-report` as a filter, with the warnings
    /// about the report.
    pub fn filter(&self) -> Result<(PingFilter, Vec<String>), String> {
        match (self.pingbacks, &self.check_report) {
            (PingsArg::Keep, None) => Ok((PingFilter::Keep, Vec::new())),
            (PingsArg::Drop, None) => Ok((PingFilter::Drop, Vec::new())),
            (PingsArg::Verified, Some(path)) => Ok(check::report::Report::load(path)?.ping_filter()),
            (PingsArg::Verified, None) => Err(
                "--pingbacks verified needs the report of `wxr check --format json` (--check-report REPORT.json)"
                    .into(),
            ),
            (_, Some(_)) => Err("--check-report goes with --pingbacks verified".into()),
        }
    }
}

impl TryFrom<&ConvertArgs> for ConvertJob {
    type Error = String;

    fn try_from(args: &ConvertArgs) -> Result<ConvertJob, String> {
        let format = match (args.format, args.sql.dialect) {
            (OutputFormat::Markdown, _) => return markdown_options(args).map(|o| ConvertJob::Site(Box::new(o))),
            (OutputFormat::Sql, None) => return Err("--format sql needs --dialect sqlite, postgres or mysql".into()),
            (OutputFormat::Sql, Some(d)) => Format::Sql(match d {
                DialectArg::Sqlite => Dialect::Sqlite,
                DialectArg::Postgres => Dialect::Postgres,
                DialectArg::Mysql => Dialect::Mysql,
            }),
            (_, Some(_)) => return Err("--dialect is for --format sql".into()),
            (OutputFormat::Json, None) => Format::Json,
            (OutputFormat::Jsonl, None) => Format::Jsonl,
            (OutputFormat::Sqlite, None) => Format::Sqlite,
        };
        if format == Format::Sqlite && args.output.is_none() {
            return Err("--format sqlite writes a database file: name it with -o FILE".into());
        }
        if args.sql.append && format != Format::Sqlite {
            return Err("--append adds to an SQLite database: use it with --format sqlite".into());
        }
        let mut opts = ConvertOptions::new(format);
        opts.output = args.output.clone();
        opts.append = args.sql.append;
        Ok(ConvertJob::Records(opts))
    }
}

fn markdown_options(args: &ConvertArgs) -> Result<markdown::Options, String> {
    let Some(out_dir) = args.output.clone() else {
        return Err("--format markdown writes a site: give its directory with -o DIR".into());
    };
    let m = &args.markdown;
    if let Some(t) = &m.path {
        markdown::plan::check_template(t)?;
    }
    let ssg = m.ssg;
    Ok(markdown::Options {
        ssg,
        syntax: match m.front_matter {
            Some(FrontMatterArg::Yaml) => Syntax::Yaml,
            Some(FrontMatterArg::Toml) => Syntax::Toml,
            Some(FrontMatterArg::Json) => Syntax::Json,
            None => ssg.syntax(),
        },
        out_dir,
        policy: Policy {
            statuses: m.status.iter().map(|s| s.trim().to_string()).collect(),
            include_private: m.include_private,
            ascii_slugs: m.ascii_slugs,
            path_template: m.path.clone(),
            keep_urls: m.keep_urls,
        },
        comments: match m.comments {
            CommentsArg::Data => CommentsMode::Data,
            CommentsArg::Inline => CommentsMode::Inline,
            CommentsArg::None => CommentsMode::None,
        },
        redirects: m
            .redirects
            .iter()
            .map(|r| match r {
                RedirectsArg::Netlify => Redirects::Netlify,
                RedirectsArg::Nginx => Redirects::Nginx,
                RedirectsArg::Apache => Redirects::Apache,
                RedirectsArg::Csv => Redirects::Csv,
            })
            .collect(),
        dry_run: m.dry_run,
        force: m.force,
        prune: m.prune,
        meta_keys: m.meta.clone(),
        download: m.download_media.then(|| wxr::fetch::Settings {
            jobs: usize::from(m.media_jobs),
            allow_private: m.allow_private,
            max_bytes: m.media_max_size,
            ..wxr::fetch::Settings::default()
        }),
        download_bar: false,
    })
}

impl TryFrom<&CheckArgs> for check::Options {
    type Error = String;

    fn try_from(args: &CheckArgs) -> Result<check::Options, String> {
        let seconds = |name: &str, v: f64, unit: f64| match Duration::try_from_secs_f64(v * unit) {
            Ok(d) if !(name == "--timeout" && d.is_zero()) => Ok(d),
            _ => Err(format!(
                "{name} must be a positive number{}",
                if unit > 1.0 { " of days" } else { " of seconds" }
            )),
        };
        let mut opts = check::Options::new();
        opts.offline = args.offline;
        opts.fail_on = match args.fail_on {
            FailOn::Error => Some(check::Severity::Error),
            FailOn::Warning => Some(check::Severity::Warning),
            FailOn::Info => Some(check::Severity::Info),
            FailOn::Never => None,
        };
        opts.ignore = args.ignore.clone();
        opts.self_domains = args.self_domain.clone();
        opts.partial_export = args.partial_export;
        opts.net.concurrency = usize::from(args.concurrency);
        opts.net.timeout = seconds("--timeout", args.timeout, 1.0)?;
        opts.net.connect_timeout = opts.net.timeout.min(Duration::from_secs(10));
        opts.net.retries = args.retries;
        opts.net.max_redirects = args.max_redirects;
        opts.net.max_body = args.max_body_size;
        opts.net.host_interval = seconds("--host-interval", args.host_interval, 1.0)?;
        opts.net.allow_private = args.allow_private;
        if let Some(ua) = &args.user_agent {
            opts.net.user_agent = ua.clone();
        }
        opts.probe_url = args.probe_url.clone();
        opts.cache = args.cache.clone();
        opts.max_cache_age = seconds("--max-cache-age", args.max_cache_age, 86400.0)?;
        Ok(opts)
    }
}

impl CheckArgs {
    /// The files the run writes: the report, the ids, the cleaned copy and
    /// the cache.
    pub fn outputs(&self) -> Vec<PathBuf> {
        [&self.output, &self.emit_delete_ids, &self.write_cleaned, &self.cache]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }

    /// Refuses two outputs that name the same file (`-o x
    /// --emit-delete-ids x`, by any name): the second would replace the
    /// first. A device or a pipe (`/dev/stdout`) may take several.
    pub fn distinct_outputs(&self) -> Result<(), String> {
        let named = [
            ("-o", &self.output),
            ("--emit-delete-ids", &self.emit_delete_ids),
            ("--write-cleaned", &self.write_cleaned),
            ("--cache", &self.cache),
        ];
        let mut seen: Vec<(&str, &PathBuf, wxr::output::Destination)> = Vec::new();
        for (flag, path) in named {
            let Some(path) = path else { continue };
            let Some(to) = wxr::output::Destination::of(path) else {
                continue;
            };
            if let Some((first, first_path, _)) = seen.iter().find(|(_, _, d)| *d == to) {
                return Err(format!(
                    "{first} {} and {flag} {} name the same file: each output needs its own",
                    first_path.display(),
                    path.display()
                ));
            }
            seen.push((flag, path, to));
        }
        Ok(())
    }

    /// The export `--write-cleaned` copies: exactly one input file.
    pub fn cleaned(&self) -> Result<Option<(PathBuf, PathBuf)>, String> {
        match (&self.write_cleaned, self.read.inputs.as_slice()) {
            (None, _) => Ok(None),
            (Some(out), [input]) if input != "-" => Ok(Some((PathBuf::from(input), out.clone()))),
            (Some(_), _) => Err("--write-cleaned needs exactly one input file (not standard input)".into()),
        }
    }
}

impl From<CheckFormat> for check::report::ReportFormat {
    fn from(f: CheckFormat) -> Self {
        match f {
            CheckFormat::Human => Self::Human,
            CheckFormat::Json => Self::Json,
            CheckFormat::Jsonl => Self::Jsonl,
            CheckFormat::Markdown => Self::Markdown,
            CheckFormat::Html => Self::Html,
        }
    }
}
