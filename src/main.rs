//! The `wxr` binary: parses arguments, calls the library, maps the result
//! to an exit code, and shows progress and diagnostics on standard error.

mod cli;

/// A line on standard error; a closed standard error is not an error of
/// the run (`eprintln!` would panic).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

use clap::Parser;
use cli::{Cli, Command, InfoFormat, OutputFormat, ReadArgs};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use wxr::convert::{self, ConvertOptions, RunError};
use wxr::diag::{Diagnostics, Severity};
use wxr::emit::Format;
use wxr::fetch::Outcome;
use wxr::read::{ReadOptions, Source};

/// Inputs smaller than this get no progress bar.
const PROGRESS_MIN_BYTES: u64 = 8 * 1024 * 1024;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Convert(args) => run_convert(&cli, args),
        Command::Info(args) => run_info(&cli, args),
        Command::Check(args) => run_check(&cli, args),
    };
    ExitCode::from(code)
}

fn sources(read: &ReadArgs) -> Result<Vec<Source>, u8> {
    if read.inputs.iter().filter(|i| *i == "-").count() > 1 {
        say!("wxr: standard input (-) can be read only once");
        return Err(2);
    }
    Ok(read.inputs.iter().map(|a| Source::from_arg(a)).collect())
}

fn read_options(read: &ReadArgs) -> ReadOptions {
    ReadOptions {
        salvage: read.salvage,
        strict: read.strict,
    }
}

fn run_convert(cli: &Cli, args: &cli::ConvertArgs) -> u8 {
    let sources = match sources(&args.read) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if args.format == OutputFormat::Markdown {
        return run_markdown(cli, args, &sources);
    }
    let format = match args.format {
        OutputFormat::Json => Format::Json,
        OutputFormat::Jsonl => Format::Jsonl,
        OutputFormat::Sqlite => Format::Sqlite,
        OutputFormat::Sql => {
            use wxr::emit::sql::Dialect;
            match args.sql.dialect {
                Some(cli::DialectArg::Sqlite) => Format::Sql(Dialect::Sqlite),
                Some(cli::DialectArg::Postgres) => Format::Sql(Dialect::Postgres),
                Some(cli::DialectArg::Mysql) => Format::Sql(Dialect::Mysql),
                None => {
                    say!("wxr: --format sql needs --dialect sqlite, postgres or mysql");
                    return 2;
                }
            }
        }
        OutputFormat::Markdown => unreachable!("handled above"),
    };
    if format == Format::Sqlite && args.output.is_none() {
        say!("wxr: --format sqlite writes a database file: name it with -o FILE");
        return 2;
    }
    if args.sql.append && format != Format::Sqlite {
        say!("wxr: --append adds to an SQLite database: use it with --format sqlite");
        return 2;
    }
    if args.sql.dialect.is_some() && args.format != OutputFormat::Sql {
        say!("wxr: --dialect is for --format sql");
        return 2;
    }
    let pings = match ping_filter(&args.pings) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let opts = ConvertOptions {
        format,
        output: args.output.clone(),
        read: read_options(&args.read),
        append: args.sql.append,
        pings,
    };
    let progress = Progress::start(cli, &sources, 1);
    let result = convert::convert(&sources, &opts, progress.counter());
    progress.stop();
    match result {
        Ok(outcome) => {
            report(cli, &outcome.diagnostics);
            if !cli.quiet {
                let mut line = format!(
                    "wxr: converted {} item(s) with {} comment(s)",
                    outcome.items, outcome.comments
                );
                if outcome.dropped > 0 {
                    line += &format!("; {} damaged item(s) dropped (--salvage)", outcome.dropped);
                }
                if outcome.duplicates_skipped > 0 {
                    line += &format!("; {} repeated item(s) written once", outcome.duplicates_skipped);
                }
                say!("{line}{}", tally(&outcome.diagnostics));
            }
            0
        }
        Err(e) => fail(e),
    }
}

fn run_markdown(cli: &Cli, args: &cli::ConvertArgs, sources: &[Source]) -> u8 {
    use cli::{CommentsArg, FrontMatterArg, RedirectsArg};
    use wxr::emit::markdown::{self, CommentsMode, Redirects, front_matter::Syntax, plan::Policy};
    let Some(out_dir) = args.output.clone() else {
        say!("wxr: --format markdown writes a site: give its directory with -o DIR");
        return 2;
    };
    let m = &args.markdown;
    if let Some(Err(e)) = m.path.as_deref().map(markdown::plan::check_template) {
        say!("wxr: {e}");
        return 2;
    }
    let ssg = m.ssg;
    let pings = match ping_filter(&args.pings) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let opts = markdown::Options {
        pings,
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
        meta_keys: m.meta.clone(),
        read: read_options(&args.read),
        download: m.download_media.then(|| wxr::fetch::Settings {
            jobs: usize::from(m.media_jobs),
            ..wxr::fetch::Settings::default()
        }),
        progress: None,
        download_bar: !cli.quiet && std::io::stderr().is_terminal(),
    };
    // Two passes over the inputs: the bar counts both.
    let progress = Progress::start(cli, sources, 2);
    let opts = markdown::Options {
        progress: progress.counter(),
        ..opts
    };
    let result = markdown::write_site(sources, &opts);
    progress.stop();
    match result {
        Ok(report) => {
            if m.dry_run {
                let mut out = std::io::stdout().lock();
                for w in &report.written {
                    let _ = writeln!(
                        out,
                        "write {}  ({}){}",
                        w.path,
                        w.url,
                        if w.draft { "  draft" } else { "" }
                    );
                }
                for s in &report.skipped {
                    let _ = writeln!(out, "skip  {} {:?}: {}", s.r#type, s.title, s.reason);
                }
                for (wanted, given) in &report.collisions {
                    let _ = writeln!(out, "collision: {wanted} -> {given}");
                }
                for d in &report.media {
                    let _ = writeln!(out, "download {}  -> {}", d.url, d.file);
                }
            }
            if !cli.quiet {
                say!(
                    "wxr: {} {} file(s), skipped {} item(s) (see wxr-report.json){}",
                    if m.dry_run { "would write" } else { "wrote" },
                    report.written.len(),
                    report.skipped.len(),
                    if report.collisions.is_empty() {
                        String::new()
                    } else {
                        format!(", {} path collision(s) suffixed", report.collisions.len())
                    }
                );
                if m.download_media && !m.dry_run {
                    let count = |f: fn(&Outcome) -> bool| {
                        report
                            .media
                            .iter()
                            .filter(|d| d.outcome.as_ref().is_some_and(f))
                            .count()
                    };
                    let failed = count(|o| matches!(o, Outcome::Failed { .. }));
                    say!(
                        "wxr: media: {} downloaded, {} already there, {} failed{}",
                        count(|o| matches!(o, Outcome::Fetched { .. })),
                        count(|o| matches!(o, Outcome::Present)),
                        failed,
                        if failed > 0 {
                            " (listed in wxr-report.json; run again to retry them)"
                        } else {
                            ""
                        }
                    );
                }
            }
            0
        }
        Err(e) => fail(e),
    }
}

fn run_info(cli: &Cli, args: &cli::InfoArgs) -> u8 {
    let sources = match sources(&args.read) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let progress = Progress::start(cli, &sources, 1);
    let result = convert::info(&sources, read_options(&args.read), progress.counter());
    progress.stop();
    let summary = match result {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        InfoFormat::Text => summary.write_text(&mut out),
        InfoFormat::Json => serde_json::to_writer_pretty(&mut out, &summary)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => fail(RunError::Output {
            target: "-".into(),
            source: e,
        }),
    }
}

fn run_check(cli: &Cli, args: &cli::CheckArgs) -> u8 {
    use wxr::check::{self, Severity};
    let sources = match sources(&args.read) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let seconds = |name: &str, v: f64, unit: f64| match Duration::try_from_secs_f64(v * unit) {
        Ok(d) if !(name == "--timeout" && d.is_zero()) => Ok(d),
        _ => {
            say!(
                "wxr: {name} must be a positive number{}",
                if unit > 1.0 { " of days" } else { " of seconds" }
            );
            Err(2)
        }
    };
    let (timeout, host_interval, max_cache_age) = match (
        seconds("--timeout", args.timeout, 1.0),
        seconds("--host-interval", args.host_interval, 1.0),
        seconds("--max-cache-age", args.max_cache_age, 86400.0),
    ) {
        (Ok(t), Ok(h), Ok(m)) => (t, h, m),
        _ => return 2,
    };
    // Checked before any network: the cleaned copy is of one file.
    let cleaned_input = match (&args.write_cleaned, sources.as_slice()) {
        (None, _) => None,
        (Some(_), [Source::Path(p)]) => Some(p.clone()),
        (Some(_), _) => {
            say!("wxr: --write-cleaned needs exactly one input file (not standard input)");
            return 2;
        }
    };
    let mut opts = check::Options::new();
    opts.read = read_options(&args.read);
    opts.offline = args.offline;
    opts.fail_on = match args.fail_on {
        cli::FailOn::Error => Some(Severity::Error),
        cli::FailOn::Warning => Some(Severity::Warning),
        cli::FailOn::Info => Some(Severity::Info),
        cli::FailOn::Never => None,
    };
    opts.ignore = args.ignore.clone();
    opts.self_domains = args.self_domain.clone();
    opts.partial_export = args.partial_export;
    opts.net.concurrency = usize::from(args.concurrency);
    opts.net.timeout = timeout;
    opts.net.connect_timeout = opts.net.timeout.min(Duration::from_secs(10));
    opts.net.retries = args.retries;
    opts.net.max_redirects = args.max_redirects;
    opts.net.max_body = args.max_body_size;
    opts.net.host_interval = host_interval;
    opts.net.allow_private = args.allow_private;
    if let Some(ua) = &args.user_agent {
        opts.net.user_agent = ua.clone();
    }
    opts.cache = args.cache.clone();
    opts.max_cache_age = max_cache_age;

    let progress = Progress::start(cli, &sources, 1);
    let fetching = Progress::spinner(cli, !args.offline, "{spinner} {pos} source(s) fetched {elapsed}");
    let fetched = fetching.counter().unwrap_or_default();
    let result = check::run(&sources, &opts, progress.counter(), Some(&fetched));
    progress.stop();
    fetching.stop();
    let outcome = match result {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let report = &outcome.report;
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match args.format {
            cli::CheckFormat::Human => report.write_human(w, cli.verbose),
            cli::CheckFormat::Json => report.write_json(w),
            cli::CheckFormat::Jsonl => report.write_jsonl(w),
            cli::CheckFormat::Markdown => report.write_markdown(w),
        }
    };
    let written = match &args.output {
        Some(path) => wxr::output::write_atomically(path, |w| write(w)),
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            if cli.quiet && args.format == cli::CheckFormat::Human {
                let s = &report.summary;
                writeln!(
                    out,
                    "Summary: {} errors · {} warnings · {} info",
                    s.findings.error, s.findings.warning, s.findings.info
                )
            } else {
                write(&mut out).and_then(|()| out.flush())
            }
        }
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return fail(RunError::Output {
            target: args.output.as_ref().map_or("-".into(), |p| p.display().to_string()),
            source: e,
        });
    }
    let delete = report.delete_ids(opts.fail_on.unwrap_or(Severity::Error));
    if let Some(path) = &args.emit_delete_ids {
        let text: String = delete.iter().map(|id| format!("{id}\n")).collect();
        if let Err(e) = wxr::output::write_atomically(path, |w| w.write_all(text.as_bytes())) {
            return fail(RunError::Output {
                target: path.display().to_string(),
                source: e,
            });
        }
    }
    if let (Some(path), Some(input)) = (&args.write_cleaned, &cleaned_input) {
        let ids: std::collections::BTreeSet<i64> = delete.iter().copied().collect();
        match check::cleaned::write_cleaned(input, path, &ids) {
            Ok(stats) => {
                if !cli.quiet {
                    say!(
                        "wxr: {}: {} comment(s) removed, {} reply(ies) re-parented",
                        path.display(),
                        stats.removed,
                        stats.reparented
                    );
                }
            }
            Err(e) => {
                say!("wxr: error: {}: {e}", path.display());
                return 5;
            }
        }
    }
    if !cli.quiet && (args.output.is_some() || args.format != cli::CheckFormat::Human) {
        let s = &report.summary;
        say!(
            "wxr: {} ping(s) checked: {} error(s), {} warning(s), {} info",
            s.pings,
            s.findings.error,
            s.findings.warning,
            s.findings.info
        );
    }
    u8::try_from(outcome.exit_code).unwrap_or(1)
}

/// `--pingbacks` and `--check-report` as a filter, or a usage error.
fn ping_filter(args: &cli::PingArgs) -> Result<wxr::merge::PingFilter, u8> {
    use wxr::merge::PingFilter;
    match (args.pingbacks, &args.check_report) {
        (cli::PingsArg::Keep, None) => Ok(PingFilter::Keep),
        (cli::PingsArg::Drop, None) => Ok(PingFilter::Drop),
        (cli::PingsArg::Verified, Some(path)) => {
            let report: wxr::check::report::Report = match std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            {
                Ok(r) => r,
                Err(e) => {
                    say!("wxr: {}: not a `wxr check --format json` report: {e}", path.display());
                    return Err(2);
                }
            };
            if report.options.offline {
                say!(
                    "wxr: warning: {} was made --offline: external sources were not fetched, so only offline findings leave pings out",
                    path.display()
                );
            }
            if report.summary.exit_code == 4 {
                say!(
                    "wxr: warning: {} is inconclusive (the network looked unavailable): only the pings it could judge are left out",
                    path.display()
                );
            }
            let ids = report.delete_ids(wxr::check::Severity::Info);
            Ok(PingFilter::Except(Arc::new(ids.into_iter().collect())))
        }
        (cli::PingsArg::Verified, None) => {
            say!(
                "wxr: --pingbacks verified needs the report of `wxr check --format json` (--check-report REPORT.json)"
            );
            Err(2)
        }
        (_, Some(_)) => {
            say!("wxr: --check-report goes with --pingbacks verified");
            Err(2)
        }
    }
}

fn fail(e: RunError) -> u8 {
    if e.is_broken_pipe() {
        return 0;
    }
    say!("wxr: error: {e}");
    u8::try_from(e.exit_code()).unwrap_or(1)
}

/// Prints diagnostics on standard error according to the verbosity.
fn report(cli: &Cli, d: &Diagnostics) {
    if cli.quiet {
        return;
    }
    let min = if cli.verbose {
        Severity::Notice
    } else {
        Severity::Warning
    };
    let _ = d.write_human(&mut std::io::stderr().lock(), min);
}

/// `; 2 repair(s), 1 warning(s)` for the closing line.
fn tally(d: &Diagnostics) -> String {
    let count = |s| {
        d.groups()
            .iter()
            .filter(|g| g.severity == s)
            .map(|g| g.count)
            .sum::<u64>()
    };
    let (r, w, n) = (
        count(Severity::Repair),
        count(Severity::Warning),
        count(Severity::Notice),
    );
    let mut parts = Vec::new();
    if r > 0 {
        parts.push(format!("{r} repair(s)"));
    }
    if w > 0 {
        parts.push(format!("{w} warning(s)"));
    }
    if n > 0 {
        parts.push(format!("{n} notice(s)"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {}", parts.join(", "))
    }
}

/// A progress bar on a terminal, fed by the bytes the reader consumed.
struct Progress {
    counter: Option<Arc<AtomicU64>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// A bar over `passes` reads of `sources`.
    fn start(cli: &Cli, sources: &[Source], passes: u64) -> Progress {
        let total: u64 = sources.iter().filter_map(Source::size).sum::<u64>() * passes;
        let stop = Arc::new(AtomicBool::new(false));
        if cli.quiet || !std::io::stderr().is_terminal() || total < PROGRESS_MIN_BYTES {
            return Progress {
                counter: None,
                stop,
                thread: None,
            };
        }
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Progress::run(bar, stop)
    }

    /// A spinner over a count (`{pos}` in `template`), when `wanted` and
    /// standard error is a terminal.
    fn spinner(cli: &Cli, wanted: bool, template: &str) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        if cli.quiet || !wanted || !std::io::stderr().is_terminal() {
            return Progress {
                counter: None,
                stop,
                thread: None,
            };
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        Progress::run(bar, stop)
    }

    /// Shows `bar` at the counter's value every 100 ms until stopped.
    fn run(bar: indicatif::ProgressBar, stop: Arc<AtomicBool>) -> Progress {
        let counter = Arc::new(AtomicU64::new(0));
        let (c, s) = (counter.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                bar.set_position(c.load(Ordering::Relaxed));
                bar.tick();
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        Progress {
            counter: Some(counter),
            stop,
            thread: Some(thread),
        }
    }

    fn counter(&self) -> Option<Arc<AtomicU64>> {
        self.counter.clone()
    }

    fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
