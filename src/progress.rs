//! Progress on a terminal: a bar over the bytes the inputs give (a
//! counting reader around each input, given to the library's `Inputs`),
//! named after the pass over them it counts, and a spinner over a count.

use crate::cli::Cli;
use std::io::{IsTerminal, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use wxr::convert::Inputs;

/// Inputs smaller than this get no progress bar.
const PROGRESS_MIN_BYTES: u64 = 8 * 1024 * 1024;

/// A progress display on a terminal, redrawn every 100 ms from a counter.
pub struct Progress {
    pub counter: Option<Arc<AtomicU64>>,
    /// The pass over the inputs being read (1 for the first).
    pass: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Counts the bytes read through it.
struct Counting {
    inner: Box<dyn Read + Send>,
    counter: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Progress {
    /// A bar over the size of the inputs, for each read of them in turn,
    /// named by `passes` (`["reading"]`, or `["indexing", "writing"]` for
    /// two reads): a counting reader around each input counts the bytes,
    /// and each time the first input is opened again a pass begins.
    pub fn bar(cli: &Cli, inputs: Inputs, passes: &'static [&'static str]) -> (Inputs, Progress) {
        let total = inputs.sources().iter().filter_map(|s| s.size()).sum::<u64>();
        if total < PROGRESS_MIN_BYTES {
            return (inputs, Progress::none());
        }
        let style = "{msg} {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}";
        let progress = Progress::start(cli, indicatif::ProgressBar::new(total), style, passes);
        let Some(counter) = progress.counter.clone() else {
            return (inputs, progress);
        };
        let (pass, sources) = (progress.pass.clone(), inputs.sources().len().max(1) as u64);
        let opened = AtomicU64::new(0);
        let wrap = move |inner| -> Box<dyn Read + Send> {
            let n = opened.fetch_add(1, Ordering::Relaxed);
            if n.is_multiple_of(sources) {
                counter.store(0, Ordering::Relaxed);
                pass.store(n / sources + 1, Ordering::Relaxed);
            }
            Box::new(Counting {
                inner,
                counter: counter.clone(),
            })
        };
        (inputs.with_wrap(Arc::new(wrap)), progress)
    }

    /// A spinner over a count (`{pos}` in `template`), when `wanted`.
    pub fn spinner(cli: &Cli, wanted: bool, template: &str) -> Progress {
        if wanted {
            Progress::start(cli, indicatif::ProgressBar::new_spinner(), template, &[])
        } else {
            Progress::none()
        }
    }

    fn none() -> Progress {
        Progress {
            counter: None,
            pass: Arc::default(),
            stop: Arc::default(),
            thread: None,
        }
    }

    /// Shows `bar` at the counter's value until stopped, when standard
    /// error is a terminal and `--quiet` is not given; with `passes`, its
    /// message names the pass (`pass 2/2: writing`), and it starts again
    /// at each.
    fn start(cli: &Cli, bar: indicatif::ProgressBar, template: &str, passes: &'static [&'static str]) -> Progress {
        if cli.quiet || !std::io::stderr().is_terminal() {
            return Progress::none();
        }
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        let (counter, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
        let pass = Arc::new(AtomicU64::new(0));
        let (c, s, p) = (counter.clone(), stop.clone(), pass.clone());
        let thread = std::thread::spawn(move || {
            let mut shown = 0;
            while !s.load(Ordering::Relaxed) {
                let now = p.load(Ordering::Relaxed);
                if now != shown {
                    shown = now;
                    bar.reset();
                    bar.set_message(pass_name(passes, now));
                }
                bar.set_position(c.load(Ordering::Relaxed));
                bar.tick();
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        Progress {
            counter: Some(counter),
            pass,
            stop,
            thread: Some(thread),
        }
    }

    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What the bar says of pass `n` (1 for the first) of `passes`: its name,
/// with its number when there are several.
fn pass_name(passes: &[&str], n: u64) -> String {
    let name = usize::try_from(n)
        .ok()
        .and_then(|n| passes.get(n.checked_sub(1)?))
        .copied()
        .unwrap_or("reading");
    match passes.len() {
        0 | 1 => name.to_string(),
        all => format!("pass {n}/{all}: {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::pass_name;

    #[test]
    fn a_pass_is_named_and_numbered_when_there_are_several() {
        assert_eq!(pass_name(&["reading"], 1), "reading");
        let two = ["indexing", "writing"];
        assert_eq!(pass_name(&two, 1), "pass 1/2: indexing");
        assert_eq!(pass_name(&two, 2), "pass 2/2: writing");
        // An input opened once more than planned is still a read.
        assert_eq!(pass_name(&two, 3), "pass 3/2: reading");
    }
}
