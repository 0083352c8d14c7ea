//! The `wxr` binary: parses arguments, turns them into library options
//! (`cli`), calls the driver (`wxr::convert`), prints, and maps the result
//! to an exit code. Progress bars count the bytes the inputs give. On
//! SIGINT or SIGTERM the run's temporary files are removed before the
//! process ends by the signal.

mod cli;
mod progress;

/// A line on standard error; a closed standard error is not an error of
/// the run (`eprintln!` would panic).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

use clap::Parser;
use cli::{Cli, Command, ConvertJob};
use progress::Progress;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use wxr::convert::{self, RunError};
use wxr::diag::{Diagnostics, Severity};

fn main() -> ExitCode {
    let cli = Cli::parse();
    #[cfg(unix)]
    stop_cleanly_on_signals();
    let code = match &cli.command {
        Command::Convert(args) => run_convert(&cli, args),
        Command::Info(args) => run_info(&cli, args),
        Command::Check(args) => run_check(&cli, args),
    };
    ExitCode::from(code.unwrap_or_else(|e| e))
}

/// On SIGINT or SIGTERM, removes the run's temporary files (a partial
/// output may be gigabytes) and ends the process by the signal, as if it
/// had not been caught: a shell shows exit status 130 or 143, and a
/// script's loop stops. A signal ignored when wxr starts (a background job
/// of a script, `nohup`) stays ignored.
#[cfg(unix)]
fn stop_cleanly_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let caught: Vec<i32> = [SIGINT, SIGTERM]
        .into_iter()
        .filter(|&s| !ignored_at_start(s))
        .collect();
    if caught.is_empty() {
        return;
    }
    let Ok(mut signals) = signal_hook::iterator::Signals::new(&caught) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            wxr::output::remove_unfinished();
            if let Some(dir) = STOPPED_SITE.get() {
                say_if_unfinished(dir);
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
}

/// The folder of the site being written, for the line that a stopped run
/// prints.
#[cfg(unix)]
static STOPPED_SITE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// Says that the site in `dir` is incomplete, when a run stopped while
/// writing it, and how to finish it.
fn say_if_unfinished(dir: &std::path::Path) {
    if wxr::emit::markdown::unfinished(dir) {
        say!(
            "wxr: the site in {} is incomplete: run the same command again to finish it \
             (every file written is whole; those you changed are left alone)",
            dir.display()
        );
    }
}

/// Whether `signal` was ignored when the process started, as Linux shows
/// it (`SigIgn` in `/proc/self/status`); elsewhere none is taken to be.
#[cfg(unix)]
fn ignored_at_start(signal: i32) -> bool {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| (1..=64).contains(&signal) && mask & (1 << (signal - 1)) != 0)
}

/// A usage error: the message, exit code 2.
fn usage(message: String) -> u8 {
    say!("wxr: {message}");
    2
}

fn run_convert(cli: &Cli, args: &cli::ConvertArgs) -> Result<u8, u8> {
    let job = cli::ConvertJob::try_from(args).map_err(usage)?;
    let (pings, warnings) = args.pings.filter().map_err(usage)?;
    for w in warnings {
        say!("wxr: warning: {w}");
    }
    let inputs = args
        .read
        .inputs()
        .map_err(usage)?
        .with_pings(pings)
        .with_outputs(args.outputs())
        .with_also_read(args.pings.check_report.iter().cloned().collect());
    match job {
        ConvertJob::Records(opts) => {
            let (inputs, progress) = Progress::bar(cli, inputs, &["reading"]);
            let outcome = convert::convert(&inputs, &opts).map_err(fail);
            progress.stop();
            let outcome = outcome?;
            report(cli, &outcome.diagnostics);
            note(cli, &format!("wxr: {}", outcome.closing_line()));
        }
        ConvertJob::Site(mut opts) => {
            opts.download_bar = !cli.quiet && std::io::stderr().is_terminal();
            // Two passes over the inputs: the bar counts each in turn.
            let (mut inputs, progress) = Progress::bar(cli, inputs, &["indexing the export", "writing the site"]);
            #[cfg(unix)]
            let _ = STOPPED_SITE.set(opts.out_dir.clone());
            let site = convert::site(&mut inputs, &opts);
            progress.stop();
            let site = site.map_err(|e| {
                let code = fail(e);
                say_if_unfinished(&opts.out_dir);
                code
            })?;
            if opts.dry_run {
                let _ = site.write_plan(&mut std::io::stdout().lock());
            }
            for line in site.closing_lines(&opts, cli.verbose) {
                note(cli, &format!("wxr: {line}"));
            }
        }
    }
    Ok(0)
}

fn run_info(cli: &Cli, args: &cli::InfoArgs) -> Result<u8, u8> {
    let (inputs, progress) = Progress::bar(cli, args.read.inputs().map_err(usage)?, &["reading"]);
    let summary = convert::info(&inputs).map_err(fail);
    progress.stop();
    let summary = summary?;
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        cli::InfoFormat::Text => summary.write_text(&mut out),
        cli::InfoFormat::Json => serde_json::to_writer_pretty(&mut out, &summary)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
    };
    written.and_then(|()| out.flush()).map_err(|e| output_error("-", e))?;
    Ok(0)
}

fn run_check(cli: &Cli, args: &cli::CheckArgs) -> Result<u8, u8> {
    let opts = wxr::check::Options::try_from(args).map_err(usage)?;
    // Checked before any network: the cleaned copy is of one file, and
    // each output has its own.
    let cleaned = args.cleaned().map_err(usage)?;
    args.distinct_outputs().map_err(usage)?;
    let inputs = args.read.inputs().map_err(usage)?.with_outputs(args.outputs());
    let (mut inputs, progress) = Progress::bar(cli, inputs, &["reading"]);
    let fetching = Progress::spinner(cli, !args.offline, "{spinner} {pos} source(s) fetched {elapsed}");
    let fetched = fetching.counter.clone().unwrap_or_default();
    let outcome = convert::check(&mut inputs, &opts, Some(&fetched)).map_err(fail);
    progress.stop();
    fetching.stop();
    let outcome = outcome?;
    let report = &outcome.report;
    let (format, s) = (args.format.into(), &report.summary);
    let written = match &args.output {
        Some(path) => wxr::output::write_atomically(path, |w| report.write(format, w, cli.verbose)),
        None if cli.quiet && args.format == cli::CheckFormat::Human => {
            writeln!(std::io::stdout(), "{}", s.summary_line())
        }
        None => {
            let mut out = std::io::stdout().lock();
            report.write(format, &mut out, cli.verbose).and_then(|()| out.flush())
        }
    };
    let target = args.output.as_ref().map_or("-".into(), |p| p.display().to_string());
    written.map_err(|e| output_error(&target, e))?;
    let min = opts.fail_on.unwrap_or(wxr::check::Severity::Error);
    let cleaned_paths = cleaned.as_ref().map(|(i, o)| (i.as_path(), o.as_path()));
    let stats = wxr::check::repair(report, min, args.emit_delete_ids.as_deref(), cleaned_paths).map_err(fail)?;
    if let (Some(stats), Some((_, path))) = (stats, &cleaned) {
        let (removed, reparented) = (stats.removed, stats.reparented);
        note(
            cli,
            &format!(
                "wxr: {}: {} removed, {} re-parented",
                path.display(),
                wxr::diag::counted(removed, "comment", "comments"),
                wxr::diag::counted(reparented, "reply", "replies")
            ),
        );
    }
    if args.output.is_some() || args.format != cli::CheckFormat::Human {
        note(cli, &format!("wxr: {}", s.closing_line()));
    }
    Ok(u8::try_from(outcome.exit_code).unwrap_or(1))
}

/// Prints the error and gives its exit code (0 for a closed standard
/// output: `| head` is not a failure).
fn fail(e: RunError) -> u8 {
    if e.is_broken_pipe() {
        return 0;
    }
    say!("wxr: error: {e}");
    if let RunError::Input(input) = &e {
        match input {
            wxr::read::Error::Malformed(_) => say!(
                "  hint: the export is damaged (often a download cut short); export it again, or run with --salvage to keep every complete item"
            ),
            wxr::read::Error::Strict(_) => say!("  (--strict turns repairs into errors)"),
            _ => {}
        }
    }
    u8::try_from(e.exit_code()).unwrap_or(1)
}

fn output_error(target: &str, source: std::io::Error) -> u8 {
    fail(RunError::Output {
        target: target.to_string(),
        source,
    })
}

/// A closing line, unless `--quiet`.
fn note(cli: &Cli, line: &str) {
    if !cli.quiet {
        say!("{line}");
    }
}

/// Prints diagnostics on standard error according to the verbosity.
fn report(cli: &Cli, d: &Diagnostics) {
    let min = if cli.verbose {
        Severity::Notice
    } else {
        Severity::Warning
    };
    if !cli.quiet {
        let _ = d.write_human(&mut std::io::stderr().lock(), min);
    }
}
