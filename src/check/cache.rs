//! `--cache FILE`: fetch results kept between runs.
//!
//! The file is JSON Lines, one [`SourceResult`] per source URL with the
//! time it was stored. Only the successful fetches and the definitive
//! `404`/`410` answers are kept; transient failures are never stored, so
//! they are always tried again. A file whose first line is no cache entry
//! is refused rather than overwritten, and so is anything but a regular
//! file (a named pipe would block the run).

use super::SourceResult;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One line of the cache file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheLine {
    url: String,
    /// Seconds since the epoch.
    stored_at: u64,
    result: SourceResult,
}

/// `--cache`: fetch results kept between runs.
#[derive(Debug, Default)]
pub struct Cache {
    path: Option<PathBuf>,
    entries: BTreeMap<String, CacheLine>,
}

fn not_a_cache() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "not a wxr check cache (its first line is no cache entry); give --cache another file",
    )
}

impl Cache {
    /// Reads the cache at `path` (a missing file is an empty cache),
    /// dropping entries older than `max_age` and lines it cannot read. A
    /// file that is not a cache at all (its first line is no cache entry)
    /// is refused rather than overwritten, and so is a pipe, a device or a
    /// folder.
    pub fn load(path: Option<&Path>, max_age: Duration) -> io::Result<Cache> {
        let mut cache = Cache {
            path: path.map(Path::to_path_buf),
            entries: BTreeMap::new(),
        };
        let Some(path) = path else { return Ok(cache) };
        // Opening a named pipe waits for a writer: it is looked at first.
        match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => {
                return Err(io::Error::other(
                    "not a regular file (a pipe, a device or a folder): the cache is read, then replaced; give --cache a file",
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(cache),
            _ => {}
        }
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(cache),
            Err(e) => return Err(e),
        };
        let now = super::epoch_secs();
        let mut first = true;
        for line in io::BufReader::new(file).lines() {
            let line = match line {
                Ok(l) => l,
                Err(_) if first => return Err(not_a_cache()),
                Err(_) => break,
            };
            if line.trim().is_empty() {
                continue;
            }
            let parsed = serde_json::from_str::<CacheLine>(&line);
            if first && parsed.is_err() {
                return Err(not_a_cache());
            }
            first = false;
            if let Ok(l) = parsed
                && now.saturating_sub(l.stored_at) <= max_age.as_secs()
            {
                cache.entries.insert(l.url.clone(), l);
            }
        }
        Ok(cache)
    }

    /// The cached result of `url`.
    pub fn get(&self, url: &str) -> Option<SourceResult> {
        self.entries.get(url).map(|l| SourceResult {
            from_cache: true,
            ..l.result.clone()
        })
    }

    /// Adds the results worth keeping and writes the file (atomically).
    pub fn store(&mut self, results: &BTreeMap<String, SourceResult>) -> io::Result<()> {
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        let now = super::epoch_secs();
        for (url, r) in results.iter().filter(|(_, r)| !r.from_cache) {
            let keep = r.fetch.error.is_none()
                && r.fetch
                    .status
                    .is_some_and(|s| (200..300).contains(&s) || s == 404 || s == 410);
            if keep {
                self.entries.insert(
                    url.clone(),
                    CacheLine {
                        url: url.clone(),
                        stored_at: now,
                        result: r.clone(),
                    },
                );
            }
        }
        crate::output::write_atomically(&path, |w| {
            for l in self.entries.values() {
                serde_json::to_writer(&mut *w, l)?;
                w.write_all(b"\n")?;
            }
            Ok(())
        })
    }
}
