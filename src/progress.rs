//! Progress on a terminal: a bar over the bytes the inputs give (a
//! counting reader around each input, given to the library's `Inputs`)
//! and a spinner over a count.

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
    /// A bar over `passes` reads of the inputs, fed by a counting reader
    /// around each of them.
    pub fn bar(cli: &Cli, inputs: Inputs, passes: u64) -> (Inputs, Progress) {
        let total = inputs.sources().iter().filter_map(|s| s.size()).sum::<u64>() * passes;
        if total < PROGRESS_MIN_BYTES {
            return (inputs, Progress::none());
        }
        let style = "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}";
        let progress = Progress::start(cli, indicatif::ProgressBar::new(total), style);
        let Some(counter) = progress.counter.clone() else {
            return (inputs, progress);
        };
        let wrap = move |inner| -> Box<dyn Read + Send> {
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
            Progress::start(cli, indicatif::ProgressBar::new_spinner(), template)
        } else {
            Progress::none()
        }
    }

    fn none() -> Progress {
        Progress {
            counter: None,
            stop: Arc::default(),
            thread: None,
        }
    }

    /// Shows `bar` at the counter's value until stopped, when standard
    /// error is a terminal and `--quiet` is not given.
    fn start(cli: &Cli, bar: indicatif::ProgressBar, template: &str) -> Progress {
        if cli.quiet || !std::io::stderr().is_terminal() {
            return Progress::none();
        }
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        let (counter, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
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

    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
