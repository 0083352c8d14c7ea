//! Outputs, written one way everywhere: standard output, `convert -o`,
//! the SQLite database, `check -o`, `--emit-delete-ids`,
//! `--write-cleaned`, the cache of `check` and every file of a Markdown
//! site.
//!
//! A regular file is replaced atomically: the output goes to a temporary
//! file beside it (same file system), which is renamed over the target only
//! when the run succeeded, so a failed run never leaves a partial or
//! clobbered file. A replaced file keeps its permissions; a new one gets
//! the usual ones (0666 less the umask), not a temporary file's private
//! 0600. A symbolic link is followed: the file it points to is replaced,
//! the link kept. A device or a pipe (`-o /dev/stdout`) is written in
//! place: renaming a file over it would replace it.
//!
//! Every temporary file of a run (an output's, and the copy of standard
//! input that [`crate::merge`] makes) is listed while it exists, so that a
//! run stopped by a signal removes them on its way out
//! ([`remove_unfinished`]). No output replaces an input of the run
//! ([`ReadFiles`]): the outputs named on the command line are refused
//! before anything is read, the files of a site as each is made.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The temporary files that exist, and whether they are being removed.
struct Listing {
    stopping: bool,
    paths: Vec<PathBuf>,
}

static UNFINISHED: Mutex<Listing> = Mutex::new(Listing {
    stopping: false,
    paths: Vec::new(),
});

fn listing() -> MutexGuard<'static, Listing> {
    UNFINISHED.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A temporary file's place in the list of unfinished files; dropping it
/// takes the file off the list, so it is dropped after the file is renamed
/// or removed.
#[derive(Debug)]
pub struct Unfinished(PathBuf);

impl Unfinished {
    /// Makes a temporary file with `make` and lists it at once (under the
    /// list's lock: an interruption finds every file that exists). Refused
    /// once [`remove_unfinished`] has run.
    pub(crate) fn make<T>(
        make: impl FnOnce() -> io::Result<T>,
        path: impl FnOnce(&T) -> &Path,
    ) -> io::Result<(T, Unfinished)> {
        let mut list = listing();
        if list.stopping {
            return Err(io::Error::other("the run is being stopped"));
        }
        let made = make()?;
        let path = path(&made).to_path_buf();
        list.paths.push(path.clone());
        Ok((made, Unfinished(path)))
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        let mut list = listing();
        if let Some(i) = list.paths.iter().position(|p| *p == self.0) {
            list.paths.swap_remove(i);
        }
    }
}

/// Removes every temporary file of the run that is still listed, for a
/// process about to end (the binary calls it on SIGINT and SIGTERM): no
/// temporary file can be made after it. A target is never touched; a
/// temporary file whose rename is under way is either renamed already
/// (the target is complete) or removed (the target is as it was).
pub fn remove_unfinished() {
    let mut list = listing();
    list.stopping = true;
    for path in list.paths.drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// Whether a replaced file must be on the disk before the run reports
/// success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Flushed to the disk (`fsync`) before the rename, and the rename
    /// itself made durable: for one output that a run exists to make.
    Synced,
    /// Renamed without waiting for the disk: for the thousands of small
    /// files of a site, which a crash leaves either old or new, never
    /// partial.
    Unsynced,
}

/// The files a run reads, by device and inode: an output that is one of
/// them, by whatever name (`./x`, a symbolic or a hard link), is refused
/// rather than written over its input. Only regular files count: devices
/// and pipes are written in place, never replaced.
#[derive(Debug, Clone, Default)]
pub struct ReadFiles {
    #[cfg(unix)]
    files: Vec<(u64, u64, String)>,
}

impl ReadFiles {
    /// Adds the file `meta` describes, read under `name`.
    pub fn add(&mut self, meta: &std::fs::Metadata, name: String) {
        #[cfg(unix)]
        if meta.is_file() {
            use std::os::unix::fs::MetadataExt;
            self.files.push((meta.dev(), meta.ino(), name));
        }
        #[cfg(not(unix))]
        let _ = (meta, name);
    }

    /// Refuses `output` when it leads to one of the files read (nothing
    /// there is a new file, which is fine).
    pub fn refuse(&self, output: &Path) -> io::Result<()> {
        match std::fs::metadata(output) {
            Ok(m) => self.check(&m),
            Err(_) => Ok(()),
        }
    }

    /// Refuses the existing output `meta` describes when it is one of the
    /// files read.
    fn check(&self, meta: &std::fs::Metadata) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Some((_, _, name)) = self
                .files
                .iter()
                .find(|(dev, ino, _)| meta.is_file() && (*dev, *ino) == (meta.dev(), meta.ino()))
            {
                return Err(io::Error::other(format!(
                    "it is the input {name} (the same file): an output never replaces an input"
                )));
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        Ok(())
    }
}

/// Where an output path writes, the same for every name of one file (a
/// symbolic or hard link, `./x`, a file not made yet), so that two outputs
/// of a run can be told apart: [`Destination::of`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// An existing file, by device and inode.
    #[cfg(unix)]
    Inode(u64, u64),
    /// A file to be made, or a directory, by its canonical path (an
    /// existing file too where there are no inodes).
    Path(PathBuf),
}

impl Destination {
    /// Where `path` writes; `None` for a device or a pipe, which is
    /// written in place and may take several outputs one after another.
    pub fn of(path: &Path) -> Option<Destination> {
        match std::fs::metadata(path) {
            #[cfg(unix)]
            Ok(m) if m.is_file() => {
                use std::os::unix::fs::MetadataExt;
                Some(Destination::Inode(m.dev(), m.ino()))
            }
            Ok(m) if !m.is_file() && !m.is_dir() => None,
            Ok(_) => Some(Destination::Path(
                std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            )),
            // Not there yet (a link may lead there): its folder, canonical,
            // and its name.
            Err(_) => {
                let target = resolve_links(path);
                let dir = parent_dir(&target);
                let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
                Some(Destination::Path(match target.file_name() {
                    Some(name) => dir.join(name),
                    None => target,
                }))
            }
        }
    }
}

/// An output being written: standard output, a file in place (devices,
/// pipes), an existing database that its writer edits (`--append`), or a
/// temporary file that [`Output::commit`] renames over the target.
#[derive(Debug)]
pub enum Output {
    /// Standard output, streamed as it is written.
    Stdout,
    /// Written where it is.
    InPlace(File),
    /// An existing file that a writer opens and edits itself, in its own
    /// transaction (an SQLite database with `--append`).
    Existing(PathBuf),
    /// A temporary file beside the target.
    Replace {
        /// The temporary file.
        tmp: tempfile::NamedTempFile,
        /// The file it replaces (links followed).
        target: PathBuf,
        /// Synced before the rename or not.
        durability: Durability,
        /// The permissions of the file it replaces, kept.
        keep: Option<std::fs::Permissions>,
        /// Its place in the list of unfinished files (after `tmp`: the
        /// file goes first).
        unfinished: Unfinished,
    },
}

impl Output {
    /// Starts writing `path`: opens a device or a pipe in place, otherwise
    /// makes a temporary file beside the target.
    pub fn create(path: &Path, durability: Durability) -> io::Result<Output> {
        Output::create_sparing(path, durability, &ReadFiles::default())
    }

    /// [`Output::create`], refusing a `path` that is one of `inputs` (with
    /// the look at the path it makes anyway): for outputs only known once
    /// the inputs are read, such as the files of a site.
    pub fn create_sparing(path: &Path, durability: Durability, inputs: &ReadFiles) -> io::Result<Output> {
        // One look at the path in the common case, a new file (a site
        // writes thousands). A link is asked about where it leads:
        // `/dev/stdout` leads through `/proc/self/fd/1` to a pipe that has
        // no name to follow.
        let (target, found) = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => (resolve_links(path), std::fs::metadata(path).ok()),
            Ok(m) => (path.to_path_buf(), Some(m)),
            Err(_) => (path.to_path_buf(), None),
        };
        if let Some(m) = &found {
            inputs.check(m)?;
        }
        if found.as_ref().is_some_and(|m| !m.is_file() && !m.is_dir()) {
            return Ok(Output::InPlace(std::fs::OpenOptions::new().write(true).open(path)?));
        }
        let (tmp, unfinished) = Unfinished::make(|| temp_beside(&target), |t| t.path())?;
        Ok(Output::Replace {
            tmp,
            target,
            durability,
            keep: found.filter(|m| m.is_file()).map(|m| m.permissions()),
            unfinished,
        })
    }

    /// A database file at `path`, for a writer that opens it itself
    /// (SQLite): with `append`, an existing file to add to in place; else
    /// a temporary file that replaces `path`, as [`Output::create`] makes
    /// it. A device or a pipe is refused without being opened: a database
    /// needs a file it can seek in.
    pub fn database(path: &Path, append: bool) -> io::Result<Output> {
        match std::fs::metadata(path) {
            Ok(m) if !m.is_file() && !m.is_dir() => Err(io::Error::other(
                "an SQLite database is written to a file, not to a device or a pipe",
            )),
            Ok(m) if append && m.is_file() => Ok(Output::Existing(path.to_path_buf())),
            _ => Output::create(path, Durability::Synced),
        }
    }

    /// The stream to write to (unbuffered: writers buffer as suits them).
    pub fn writer(&self) -> io::Result<Box<dyn Write + '_>> {
        match self {
            Output::Stdout => Ok(Box::new(io::stdout().lock())),
            Output::InPlace(f) => Ok(Box::new(f)),
            Output::Replace { tmp, .. } => Ok(Box::new(tmp.as_file())),
            Output::Existing(p) => Err(io::Error::other(format!(
                "{}: an existing database is added to by its own writer, not streamed into",
                p.display()
            ))),
        }
    }

    /// The file a writer that opens its file itself (SQLite) works on:
    /// the temporary file of a replacement, or the existing file it adds
    /// to. `None` for standard output, a device or a pipe, which such a
    /// writer cannot use.
    pub fn file_path(&self) -> Option<&Path> {
        match self {
            Output::Stdout | Output::InPlace(_) => None,
            Output::Existing(p) => Some(p),
            Output::Replace { tmp, .. } => Some(tmp.path()),
        }
    }

    /// Completes the output: a temporary file replaces the target,
    /// keeping the permissions of a file it replaces.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Output::Stdout => io::stdout().flush(),
            Output::InPlace(mut f) => f.flush(),
            Output::Existing(_) => Ok(()),
            Output::Replace {
                tmp,
                target,
                durability,
                keep,
                unfinished,
            } => {
                if durability == Durability::Synced {
                    tmp.as_file().sync_all()?;
                }
                if let Some(permissions) = keep {
                    tmp.as_file().set_permissions(permissions)?;
                }
                tmp.persist(&target).map_err(|e| e.error)?;
                drop(unfinished);
                #[cfg(unix)]
                if durability == Durability::Synced
                    && let Ok(d) = File::open(parent_dir(&target))
                {
                    // Best effort: make the rename itself durable.
                    let _ = d.sync_all();
                }
                Ok(())
            }
        }
    }
}

/// Writes `path` through `write` (buffered), as [`Output`] does: durably,
/// and only when `write` succeeded.
pub fn write_atomically<T, E: From<io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, E>,
) -> Result<T, E> {
    let out = Output::create(path, Durability::Synced)?;
    let mut w = BufWriter::with_capacity(256 * 1024, out.writer()?);
    let value = write(&mut w)?;
    w.flush()?;
    drop(w);
    out.commit()?;
    Ok(value)
}

/// Follows symbolic links (to where they point, even if nothing is there
/// yet).
fn resolve_links(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&p) {
                Ok(t) if t.is_absolute() => p = t,
                Ok(t) => p = p.parent().map_or_else(|| t.clone(), |d| d.join(&t)),
                Err(_) => break,
            },
            _ => break,
        }
    }
    p
}

/// The directory a file is in (`.` for a bare name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file in the target's directory, so the final rename stays
/// on one file system. It is created like any new file (mode 0666 less the
/// umask), not with a temporary file's private 0600.
fn temp_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(".wxr-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(parent_dir(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        let r: io::Result<()> = write_atomically(&path, |w| {
            w.write_all(b"new, partial")?;
            Err(io::Error::other("failed"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.txt"], "no temporary file is left");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_modes_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_atomically(&link, |w| w.write_all(b"new")).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write_atomically(&fifo, |w| w.write_all(b"through the pipe")).unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe");
        assert!(!std::fs::metadata(&fifo).unwrap().is_file(), "the pipe is still a pipe");
    }
}
