//! What wxr wrote in a site folder, so that running it again is safe: the
//! manifest `_wxr/manifest.json` holds every file of the site wxr wrote
//! (pages, comment data, project, redirect files; not its own `_wxr/`
//! files or downloaded media) with the SHA-256 of what it wrote.
//!
//! [`SiteFiles::put`] decides each file's fate before writing it. A file
//! that is not there is created. One that holds what this run would
//! write is left untouched (its time too). One still as an earlier run
//! wrote it (its hash is in the manifest) is overwritten. Any other one
//! was edited since, or was never wxr's (the user's own `hugo.toml`): it
//! is left as it is and listed (`kept`), unless `--force` overwrites it
//! (`forced`). Files an earlier run wrote that this run does not are
//! listed as `stale`, and removed by `--prune` when still as wxr wrote
//! them ([`SiteFiles::finish`]).
//!
//! A run stopped midway (a signal, a full disk) must leave the next run
//! able to tell its files from the user's: before a file is written, its
//! path and hash are appended to the journal `_wxr/manifest.journal`,
//! which the next run reads with the manifest; the run that finishes
//! folds it into the manifest. Each file is written atomically
//! ([`crate::output`]), so none is ever half-written. A dry run decides
//! every fate and writes nothing.

use super::report::Files;
use super::{REPORT_DIR, write_file};
use crate::error::RunError;
use crate::output::ReadFiles;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The manifest's file, in the site folder.
const MANIFEST: &str = "manifest.json";
/// The journal of the files being written, in the site folder.
const JOURNAL: &str = "manifest.journal";

/// The manifest as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// Path in the site folder → SHA-256 (hex) of what wxr wrote there.
    files: BTreeMap<String, String>,
}

/// One line of the journal.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    path: String,
    sha256: String,
}

/// How to treat the files of the site folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct Care {
    /// Decide, write nothing.
    pub dry_run: bool,
    /// Overwrite files edited since wxr wrote them.
    pub force: bool,
    /// Remove stale files still as wxr wrote them.
    pub prune: bool,
}

/// The site folder's files as this run writes them.
pub(super) struct SiteFiles<'a> {
    dir: PathBuf,
    inputs: &'a ReadFiles,
    care: Care,
    /// What earlier runs wrote: every hash known for each path.
    known: HashMap<String, Vec<String>>,
    /// The manifest of this run: what it wrote, and what it kept of
    /// earlier runs' entries.
    next: BTreeMap<String, String>,
    /// The paths this run put (written or not).
    seen: HashSet<String>,
    journal: Option<std::fs::File>,
    /// What became of each file.
    pub files: Files,
}

/// Whether a run stopped while writing the site in `dir`.
pub(super) fn unfinished(dir: &Path) -> bool {
    dir.join(REPORT_DIR).join(JOURNAL).exists()
}

fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
    }
    s
}

impl<'a> SiteFiles<'a> {
    /// Reads what earlier runs wrote in `dir` (the manifest and the
    /// journal of a run that did not finish; neither is an error when
    /// absent).
    pub fn open(dir: &Path, inputs: &'a ReadFiles, care: Care) -> Result<SiteFiles<'a>, RunError> {
        let read_err = |name: &str, e: String| RunError::Output {
            target: format!("{}/{REPORT_DIR}{name}", dir.display()),
            source: std::io::Error::other(format!(
                "{e}: it is wxr's record of the files it wrote; remove it to treat every existing file as edited"
            )),
        };
        let mut known: HashMap<String, Vec<String>> = HashMap::new();
        let manifest = dir.join(REPORT_DIR).join(MANIFEST);
        match std::fs::read(&manifest) {
            Ok(bytes) => {
                let stored: Stored = serde_json::from_slice(&bytes).map_err(|e| read_err(MANIFEST, e.to_string()))?;
                for (path, hash) in stored.files {
                    known.entry(path).or_default().push(hash);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(read_err(MANIFEST, e.to_string())),
        }
        match std::fs::read_to_string(dir.join(REPORT_DIR).join(JOURNAL)) {
            Ok(text) => {
                let mut folders = HashSet::new();
                // The last line may have been cut by the stop: skipped.
                for entry in text.lines().filter_map(|l| serde_json::from_str::<Entry>(l).ok()) {
                    if let Some((folder, _)) = entry.path.rsplit_once('/') {
                        folders.insert(folder.to_string());
                    }
                    let hashes = known.entry(entry.path).or_default();
                    if !hashes.contains(&entry.sha256) {
                        hashes.push(entry.sha256);
                    }
                }
                if !care.dry_run {
                    folders.insert(String::new());
                    remove_temporary_files(dir, &folders);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(read_err(JOURNAL, e.to_string())),
        }
        Ok(SiteFiles {
            dir: dir.to_path_buf(),
            inputs,
            care,
            known,
            next: BTreeMap::new(),
            seen: HashSet::new(),
            journal: None,
            files: Files::default(),
        })
    }

    /// Notes in the journal that `rel` is being written with `hash`.
    fn note(&mut self, rel: &str, hash: &str) -> Result<(), RunError> {
        let path = self.dir.join(REPORT_DIR).join(JOURNAL);
        let err = |source| RunError::Output {
            target: path.display().to_string(),
            source,
        };
        if self.journal.is_none() {
            std::fs::create_dir_all(self.dir.join(REPORT_DIR)).map_err(err)?;
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(err)?;
            self.journal = Some(file);
        }
        let line = serde_json::to_string(&Entry {
            path: rel.to_string(),
            sha256: hash.to_string(),
        })
        .map_err(|e| err(e.into()))?;
        if let Some(j) = self.journal.as_mut() {
            j.write_all(format!("{line}\n").as_bytes()).map_err(err)?;
        }
        Ok(())
    }

    /// Writes `text` at `rel` (a path of safe components) in the site
    /// folder unless the file there was edited since wxr wrote it, and
    /// records its fate.
    pub fn put(&mut self, rel: &str, text: &str) -> Result<(), RunError> {
        let hash = sha256(text.as_bytes());
        self.seen.insert(rel.to_string());
        let existing = std::fs::read(self.dir.join(rel)).ok().map(|b| sha256(&b));
        let fate = match &existing {
            None => &mut self.files.created,
            Some(h) if *h == hash => &mut self.files.unchanged,
            Some(h) if self.known.get(rel).is_some_and(|k| k.contains(h)) => &mut self.files.overwritten,
            Some(_) if self.care.force => &mut self.files.forced,
            Some(_) => {
                self.files.kept.push(rel.to_string());
                // Still an edited file of wxr's next time.
                if let Some(old) = self.known.get(rel).and_then(|k| k.first()) {
                    self.next.insert(rel.to_string(), old.clone());
                }
                return Ok(());
            }
        };
        fate.push(rel.to_string());
        let unchanged = existing.as_ref() == Some(&hash);
        self.next.insert(rel.to_string(), hash.clone());
        if self.care.dry_run || unchanged {
            return Ok(());
        }
        self.note(rel, &hash)?;
        write_file(self.inputs, &self.dir, rel, text)
    }

    /// Lists (and with `--prune` removes) what earlier runs wrote that
    /// this one did not, then writes the manifest and removes the journal
    /// (not in a dry run). Returns what became of every file.
    pub fn finish(mut self) -> Result<Files, RunError> {
        let mut stale: Vec<(String, Vec<String>)> = self
            .known
            .drain()
            .filter(|(path, _)| !self.seen.contains(path))
            .collect();
        stale.sort();
        for (rel, hashes) in stale {
            let path = self.dir.join(&rel);
            let Ok(bytes) = std::fs::read(&path) else {
                // Gone already: nothing to list.
                continue;
            };
            let as_written = hashes.contains(&sha256(&bytes));
            if as_written && self.care.prune {
                if !self.care.dry_run {
                    std::fs::remove_file(&path).map_err(|source| RunError::Output {
                        target: path.display().to_string(),
                        source,
                    })?;
                    remove_empty_parents(&self.dir, &path);
                }
                self.files.pruned.push(rel);
            } else {
                if let Some(h) = hashes.into_iter().next() {
                    self.next.insert(rel.clone(), h);
                }
                self.files.stale.push(rel);
            }
        }
        self.files.kept.sort();
        self.files.forced.sort();
        if !self.care.dry_run {
            let stored = Stored {
                files: std::mem::take(&mut self.next),
            };
            let text = serde_json::to_string_pretty(&stored).map_err(|e| RunError::Output {
                target: format!("{}/{REPORT_DIR}{MANIFEST}", self.dir.display()),
                source: e.into(),
            })? + "\n";
            write_file(self.inputs, &self.dir, &format!("{REPORT_DIR}{MANIFEST}"), &text)?;
            self.journal = None;
            let journal = self.dir.join(REPORT_DIR).join(JOURNAL);
            match std::fs::remove_file(&journal) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(RunError::Output {
                        target: journal.display().to_string(),
                        source: e,
                    });
                }
                _ => {}
            }
        }
        Ok(self.files)
    }
}

/// Removes the temporary files (`.wxr-*.tmp`) that a run killed while
/// writing left in the `folders` of `dir` it was writing to: each would
/// have been renamed to a file of the journal.
fn remove_temporary_files(dir: &Path, folders: &HashSet<String>) {
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(".wxr-") && name.ends_with(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Removes the folders that `file`'s removal left empty, up to `dir`.
fn remove_empty_parents(dir: &Path, file: &Path) {
    let mut at = file.parent();
    while let Some(folder) = at {
        if folder == dir || !folder.starts_with(dir) || std::fs::remove_dir(folder).is_err() {
            break;
        }
        at = folder.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, care: Care, files: &[(&str, &str)]) -> Files {
        let inputs = ReadFiles::default();
        let mut site = SiteFiles::open(dir, &inputs, care).unwrap();
        for (rel, text) in files {
            site.put(rel, text).unwrap();
        }
        site.finish().unwrap()
    }

    #[test]
    fn a_rerun_overwrites_only_what_is_still_as_wxr_wrote_it() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let first = run(d, Care::default(), &[("a.md", "a1"), ("b.md", "b1"), ("c.md", "c1")]);
        assert_eq!(first.created, ["a.md", "b.md", "c.md"]);
        std::fs::write(d.join("b.md"), "edited").unwrap();
        std::fs::write(d.join("own.toml"), "mine").unwrap();
        let second = run(
            d,
            Care::default(),
            &[("a.md", "a2"), ("b.md", "b2"), ("c.md", "c1"), ("own.toml", "wxr's")],
        );
        assert_eq!(second.overwritten, ["a.md"]);
        assert_eq!(second.kept, ["b.md", "own.toml"]);
        assert_eq!(second.unchanged, ["c.md"]);
        assert_eq!(std::fs::read_to_string(d.join("a.md")).unwrap(), "a2");
        assert_eq!(std::fs::read_to_string(d.join("b.md")).unwrap(), "edited");
        assert_eq!(std::fs::read_to_string(d.join("own.toml")).unwrap(), "mine");
        // Still edited the next time; --force overwrites.
        let third = run(d, Care::default(), &[("a.md", "a2"), ("b.md", "b2"), ("c.md", "c1")]);
        assert_eq!(third.kept, ["b.md"]);
        let forced = Care {
            force: true,
            ..Care::default()
        };
        let fourth = run(d, forced, &[("a.md", "a2"), ("b.md", "b2"), ("c.md", "c1")]);
        assert_eq!(fourth.forced, ["b.md"]);
        assert_eq!(std::fs::read_to_string(d.join("b.md")).unwrap(), "b2");
        assert!(!d.join("_wxr/manifest.journal").exists());
    }

    #[test]
    fn stale_files_are_listed_and_pruned_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        run(d, Care::default(), &[("a.md", "a"), ("old/x/b.md", "b"), ("c.md", "c")]);
        std::fs::write(d.join("c.md"), "edited").unwrap();
        let second = run(d, Care::default(), &[("a.md", "a")]);
        assert_eq!(second.stale, ["c.md", "old/x/b.md"]);
        assert!(d.join("old/x/b.md").exists());
        let prune = Care {
            prune: true,
            ..Care::default()
        };
        let dry = run(d, Care { dry_run: true, ..prune }, &[("a.md", "a")]);
        assert_eq!(dry.pruned, ["old/x/b.md"]);
        assert!(d.join("old/x/b.md").exists(), "a dry run removes nothing");
        let third = run(d, prune, &[("a.md", "a")]);
        // The edited one stays, and stays listed.
        assert_eq!(third.pruned, ["old/x/b.md"]);
        assert_eq!(third.stale, ["c.md"]);
        assert!(!d.join("old").exists(), "the emptied folders go too");
        assert_eq!(std::fs::read_to_string(d.join("c.md")).unwrap(), "edited");
    }

    #[test]
    fn the_journal_of_a_stopped_run_makes_its_files_wxrs() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let inputs = ReadFiles::default();
        let mut site = SiteFiles::open(d, &inputs, Care::default()).unwrap();
        site.put("a.md", "a1").unwrap();
        // Stopped here: no manifest, only the journal (its last line cut).
        drop(site);
        let mut journal = std::fs::OpenOptions::new()
            .append(true)
            .open(d.join("_wxr/manifest.journal"))
            .unwrap();
        journal.write_all(b"{\"path\":\"b.m").unwrap();
        // And a temporary file that a kill left beside a journal's file.
        std::fs::write(d.join(".wxr-AbC123.tmp"), "a2 half").unwrap();
        assert!(!d.join("_wxr/manifest.json").exists());
        let next = run(d, Care::default(), &[("a.md", "a2")]);
        assert_eq!(next.overwritten, ["a.md"]);
        assert!(!d.join("_wxr/manifest.journal").exists());
        assert!(!d.join(".wxr-AbC123.tmp").exists(), "the temporary file is left");
    }

    #[test]
    fn a_damaged_manifest_is_an_error_that_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("_wxr")).unwrap();
        std::fs::write(dir.path().join("_wxr/manifest.json"), "{not json").unwrap();
        let inputs = ReadFiles::default();
        let Err(e) = SiteFiles::open(dir.path(), &inputs, Care::default()) else {
            panic!("read a damaged manifest");
        };
        assert!(e.to_string().contains("remove it"), "{e}");
    }
}
