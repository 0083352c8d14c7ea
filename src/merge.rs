//! Merging: several WXR inputs (a site exported in parts) read as one
//! stream of records.
//!
//! Each input's channel header is read when it is opened, so the merged
//! header (site, authors, terms) comes before any item, as the model wants.
//! Authors are identified by login and terms by taxonomy and slug: when a
//! later input repeats one identically it is dropped, when it differs the
//! first wins and the conflict is reported. Within one input everything is
//! kept as exported. Items are identified by `wp:post_id`: an item repeated byte for
//! byte in another input is dropped with a notice, any other repeat is kept
//! and reported as a warning.
//!
//! That needs every id seen so far, the one thing that grows with the
//! export. One input keeps them in an `IdSet` (WordPress numbers posts,
//! pages and attachments from one counter, so ids come in dense runs that
//! fit in bitmaps: well under a byte per item; scattered ids take about 21
//! bytes each at the peak, as in a hash set); several inputs keep, per id,
//! the input it came from and a hash of the item (about 59 bytes per item
//! at the peak).

use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
use crate::error::RunError;
use crate::model::{Author, Item, Record, Site, Term};
use crate::output::{ReadFiles, Unfinished};
use crate::read::{Error, ReadOptions, Reader, Source};
use std::collections::hash_map::{DefaultHasher, Entry};
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Where an item id was first seen, with several inputs.
struct Seen {
    input: usize,
    /// Hash of the whole item.
    hash: u64,
}

/// The ids of the items read so far.
enum SeenIds {
    /// One input: only whether an id was seen.
    One(IdSet),
    /// Several inputs: where each id was first seen, and what it held.
    Several(HashMap<i64, Seen>),
}

/// Consecutive ids sharing one bitmap in an [`IdSet`].
const BLOCK: i64 = 1024;
const WORDS: usize = BLOCK as usize / 64;
/// Ids a block must receive between two sorts to get a bitmap (128 bytes,
/// about what 16 ids take one by one in a hash set).
const MIN_DENSE: usize = 16;
/// Loose ids added between two sorts.
const RECENT: usize = 4096;

/// A set of ids in little memory. Ids go in one by one (`loose`), and the
/// last [`RECENT`] of them are also listed (`recent`); when that list is
/// full it is sorted, and each block of [`BLOCK`] consecutive ids that got
/// at least [`MIN_DENSE`] of them gets a bitmap (`dense`), which takes the
/// block's loose ids and every later one. Sorting a list of fixed length
/// every [`RECENT`] ids keeps inserting linear, and the set never takes
/// much more room than a hash set of its loose ids.
struct IdSet {
    dense: HashMap<i64, Box<[u64; WORDS]>>,
    loose: HashSet<i64>,
    recent: Vec<i64>,
}

impl IdSet {
    fn new() -> IdSet {
        IdSet {
            dense: HashMap::new(),
            loose: HashSet::new(),
            recent: Vec::with_capacity(RECENT),
        }
    }

    /// Adds `id`; false when it was there already.
    fn insert(&mut self, id: i64) -> bool {
        let (block, bit) = (id.div_euclid(BLOCK), id.rem_euclid(BLOCK) as usize);
        if let Some(bits) = self.dense.get_mut(&block) {
            let (word, mask) = (bit / 64, 1u64 << (bit % 64));
            let new = bits[word] & mask == 0;
            bits[word] |= mask;
            return new;
        }
        if !self.loose.insert(id) {
            return false;
        }
        self.recent.push(id);
        if self.recent.len() >= RECENT {
            self.compact();
        }
        true
    }

    /// Gives a bitmap to every block that got enough of the recent ids,
    /// moving its loose ids into it.
    fn compact(&mut self) {
        let mut recent = std::mem::take(&mut self.recent);
        recent.sort_unstable();
        for run in recent.chunk_by(|a, b| a.div_euclid(BLOCK) == b.div_euclid(BLOCK)) {
            if run.len() < MIN_DENSE {
                continue;
            }
            // The first id of the block: `id - id.rem_euclid(BLOCK)`, which
            // cannot overflow, nor can adding the offsets below BLOCK.
            let start = run[0] - run[0].rem_euclid(BLOCK);
            let mut bits = Box::new([0u64; WORDS]);
            for bit in 0..BLOCK as usize {
                if self.loose.remove(&(start + bit as i64)) {
                    bits[bit / 64] |= 1u64 << (bit % 64);
                }
            }
            self.dense.insert(start.div_euclid(BLOCK), bits);
        }
        recent.clear();
        self.recent = recent;
    }
}

/// Which pingbacks and trackbacks a conversion keeps (`--pingbacks`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PingFilter {
    /// Every one.
    #[default]
    Keep,
    /// None.
    Drop,
    /// All but these comments (the ones a check report marks for
    /// deletion).
    Except(Arc<HashSet<crate::model::CommentRef>>),
}

/// The metadata of the file standard input reads, without reading it.
fn stdin_metadata() -> std::io::Result<std::fs::Metadata> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        std::fs::File::from(std::io::stdin().as_fd().try_clone_to_owned()?).metadata()
    }
    #[cfg(not(unix))]
    Err(std::io::Error::other("not looked at"))
}

/// What every opened input goes through before it is read, as stored
/// (compressed for a `.gz`): the binary counts the bytes for its progress
/// bar this way.
pub type Wrap = Arc<dyn Fn(Box<dyn Read + Send>) -> Box<dyn Read + Send> + Send + Sync>;

/// The inputs of a run: the export (or its parts), how to read them,
/// which pings to keep and the files the run writes (none of which may be
/// an input), opened once per pass. Standard input is read once:
/// a run of several passes [`spools`](Inputs::spool_stdin) it to a
/// temporary file first.
pub struct Inputs {
    sources: Vec<Source>,
    read: ReadOptions,
    pings: PingFilter,
    wrap: Option<Wrap>,
    /// The temporary copy of standard input, removed when dropped, and
    /// its place in the list of unfinished files.
    spool: Option<(tempfile::TempPath, Unfinished)>,
    stdin_read: AtomicBool,
    /// The files the run writes, none of which may be an input.
    outputs: Vec<PathBuf>,
    /// Files the run reads besides the export (`--check-report`).
    also_read: Vec<PathBuf>,
}

impl std::fmt::Debug for Inputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inputs")
            .field("sources", &self.sources)
            .field("read", &self.read)
            .field("pings", &self.pings)
            .field("outputs", &self.outputs)
            .field("also_read", &self.also_read)
            .finish_non_exhaustive()
    }
}

impl Inputs {
    /// The inputs, read with `read`.
    pub fn new(sources: Vec<Source>, read: ReadOptions) -> Inputs {
        Inputs {
            sources,
            read,
            pings: PingFilter::Keep,
            wrap: None,
            spool: None,
            stdin_read: AtomicBool::new(false),
            outputs: Vec::new(),
            also_read: Vec::new(),
        }
    }

    /// Names the files the run will write (`-o`, `--cache`…), so that
    /// [`Inputs::refuse_outputs`] refuses the run when one of them is one
    /// of the inputs.
    pub fn with_outputs(mut self, outputs: Vec<PathBuf>) -> Inputs {
        self.outputs = outputs;
        self
    }

    /// Names files the run reads besides the export (the report of
    /// `--check-report`), which no output may replace either.
    pub fn with_also_read(mut self, files: Vec<PathBuf>) -> Inputs {
        self.also_read = files;
        self
    }

    /// The input files, by device and inode (standard input's too, when it
    /// is redirected from a file), and those of
    /// [`Inputs::with_also_read`]; one that cannot be looked at is left
    /// for opening it to fail.
    pub fn files(&self) -> ReadFiles {
        let mut files = ReadFiles::default();
        for source in &self.sources {
            let meta = match source {
                Source::Path(p) => std::fs::metadata(p),
                Source::Stdin => stdin_metadata(),
            };
            if let Ok(m) = meta {
                files.add(&m, source.display_name());
            }
        }
        for path in &self.also_read {
            if let Ok(m) = std::fs::metadata(path) {
                files.add(&m, path.display().to_string());
            }
        }
        files
    }

    /// Refuses a run one of whose outputs ([`Inputs::with_outputs`]) is one
    /// of its inputs, before anything is read: the output would replace
    /// the export.
    pub fn refuse_outputs(&self) -> Result<(), RunError> {
        if self.outputs.is_empty() {
            return Ok(());
        }
        let files = self.files();
        for output in &self.outputs {
            files.refuse(output).map_err(|source| RunError::Output {
                target: output.display().to_string(),
                source,
            })?;
        }
        Ok(())
    }

    /// Keeps only the pingbacks and trackbacks `pings` lets through.
    pub fn with_pings(mut self, pings: PingFilter) -> Inputs {
        self.pings = pings;
        self
    }

    /// Passes every opened input through `wrap` (a counting reader).
    pub fn with_wrap(mut self, wrap: Wrap) -> Inputs {
        self.wrap = Some(wrap);
        self
    }

    /// The inputs as given (standard input as `-` even when spooled).
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// How they are read.
    pub fn read_options(&self) -> ReadOptions {
        self.read
    }

    /// Copies standard input, when it is one of the inputs, to a temporary
    /// file, so that it can be read once per pass.
    pub fn spool_stdin(&mut self) -> std::io::Result<()> {
        if self.spool.is_some() || !self.sources.contains(&Source::Stdin) {
            return Ok(());
        }
        let (mut tmp, unfinished) = Unfinished::make(tempfile::NamedTempFile::new, |t| t.path())?;
        if let Err(e) = std::io::copy(&mut std::io::stdin().lock(), &mut tmp) {
            // The file is removed before it leaves the list.
            drop(tmp);
            drop(unfinished);
            return Err(e);
        }
        self.spool = Some((tmp.into_temp_path(), unfinished));
        Ok(())
    }

    /// Opens every input for one pass and reads its header.
    pub fn open(&self) -> Result<Merged, Error> {
        let mut readers = Vec::with_capacity(self.sources.len());
        for source in &self.sources {
            let name = source.display_name();
            let io_err = |e| Error::Io {
                file: name.clone(),
                source: e,
            };
            let raw = match (source, &self.spool) {
                (Source::Stdin, Some((spool, _))) => Source::Path(spool.to_path_buf()).open_raw(),
                (Source::Stdin, None) if self.stdin_read.swap(true, Ordering::Relaxed) => Err(std::io::Error::other(
                    "standard input was read already: it can be read only once",
                )),
                _ => source.open_raw(),
            }
            .map_err(io_err)?;
            let raw = match &self.wrap {
                Some(wrap) => wrap(raw),
                None => raw,
            };
            readers.push(Reader::builder().options(self.read).name(name).build(raw)?);
        }
        Ok(Merged::from_readers(readers).with_pings(self.pings.clone()))
    }
}

/// A stream of records over one or more inputs. See the module doc.
pub struct Merged {
    readers: Vec<Reader>,
    current: usize,
    header: VecDeque<Record>,
    ids: SeenIds,
    diags: Diagnostics,
    skipped_identical: u64,
    pings: PingFilter,
    pings_dropped: u64,
}

impl Merged {
    /// Merges readers that are already open.
    pub fn from_readers(mut readers: Vec<Reader>) -> Merged {
        let mut diags = Diagnostics::new();
        let mut site: Option<Site> = None;
        let mut authors: Vec<Author> = Vec::new();
        let mut terms: Vec<Term> = Vec::new();
        let mut author_index = HashMap::new();
        let mut term_index = HashMap::new();
        for (n, r) in readers.iter_mut().enumerate() {
            let file = r.file().to_string();
            for rec in r.take_header() {
                match rec {
                    Record::Site(s) => match &site {
                        None => site = Some(s),
                        Some(first)
                            if first.base_site_url != s.base_site_url || first.base_blog_url != s.base_blog_url =>
                        {
                            diags.push(note(
                                Severity::Warning,
                                "merge.different_sites",
                                format!(
                                    "{file} was exported from another site ({:?}); the first input's site is kept",
                                    s.base_blog_url.as_deref().unwrap_or("?")
                                ),
                                &file,
                            ));
                        }
                        Some(_) => {}
                    },
                    Record::Author(a) => {
                        let key = a.login.clone();
                        match first_seen(&mut author_index, key, n, authors.len()) {
                            Repeat::New => authors.push(a),
                            Repeat::Earlier(i) if authors[i] == a => {}
                            Repeat::Earlier(_) => diags.push(note(
                                Severity::Warning,
                                "merge.author_conflict",
                                format!(
                                    "author {:?} differs from the one in an earlier input; the first is kept",
                                    a.login.as_deref().unwrap_or("")
                                ),
                                &file,
                            )),
                        }
                    }
                    Record::Term(t) => {
                        let key = t.slug.clone().map(|slug| (t.taxonomy.clone(), slug));
                        match first_seen(&mut term_index, key, n, terms.len()) {
                            Repeat::New => terms.push(t),
                            Repeat::Earlier(i) if terms[i] == t => {}
                            Repeat::Earlier(_) => diags.push(note(
                                Severity::Warning,
                                "merge.term_conflict",
                                format!(
                                    "{} {:?} differs from the one in an earlier input; the first is kept",
                                    t.taxonomy,
                                    t.slug.as_deref().unwrap_or("")
                                ),
                                &file,
                            )),
                        }
                    }
                    Record::Item(_) => {}
                }
            }
        }
        let mut header = VecDeque::new();
        header.push_back(Record::Site(site.unwrap_or_default()));
        header.extend(authors.into_iter().map(Record::Author));
        header.extend(terms.into_iter().map(Record::Term));
        let ids = if readers.len() > 1 {
            SeenIds::Several(HashMap::new())
        } else {
            SeenIds::One(IdSet::new())
        };
        Merged {
            readers,
            current: 0,
            header,
            ids,
            diags,
            skipped_identical: 0,
            pings: PingFilter::Keep,
            pings_dropped: 0,
        }
    }

    /// Leaves out the pingbacks and trackbacks `filter` does not keep
    /// (counted, and reported by [`Merged::take_diagnostics`]).
    pub fn with_pings(mut self, filter: PingFilter) -> Merged {
        self.pings = filter;
        self
    }

    /// The next record of the merged stream.
    pub fn next_record(&mut self) -> Result<Option<Record>, Error> {
        if let Some(r) = self.header.pop_front() {
            return Ok(Some(r));
        }
        while self.current < self.readers.len() {
            match self.readers[self.current].next_record()? {
                None => self.current += 1,
                Some(Record::Item(mut item)) => {
                    if self.is_identical_repeat(&item) {
                        continue;
                    }
                    if self.pings != PingFilter::Keep {
                        let before = item.comments.len();
                        let pings = &self.pings;
                        let of = |comment| crate::model::CommentRef { item: item.id, comment };
                        item.comments.retain(|c| {
                            !c.kind.is_ping()
                                || matches!(pings, PingFilter::Except(refs) if c.id.is_none_or(|id| !refs.contains(&of(id))))
                        });
                        self.pings_dropped += (before - item.comments.len()) as u64;
                    }
                    return Ok(Some(Record::Item(item)));
                }
                Some(other) => return Ok(Some(other)),
            }
        }
        Ok(None)
    }

    /// Records the item's id; true when the same item was already written.
    fn is_identical_repeat(&mut self, item: &Item) -> bool {
        let Some(id) = item.id else { return false };
        let input = self.current;
        let file = |m: &Merged| m.readers[input].file().to_string();
        let map = match &mut self.ids {
            SeenIds::One(set) => {
                if !set.insert(id) {
                    let file = file(self);
                    let message = format!("item id {id} appears again in the same input; both items are kept");
                    let mut d = note(Severity::Warning, "wxr.duplicate_id", message, &file);
                    d.item_id = Some(id);
                    self.diags.push(d);
                }
                return false;
            }
            SeenIds::Several(map) => map,
        };
        let hash = hash_item(item);
        match map.entry(id) {
            Entry::Vacant(v) => {
                v.insert(Seen { input, hash });
                false
            }
            Entry::Occupied(o) => {
                let first_input = o.get().input;
                let same = o.get().hash == hash;
                let file = file(self);
                if same && first_input != input {
                    self.skipped_identical += 1;
                    self.diags.push(note(
                        Severity::Notice,
                        "merge.duplicate_identical",
                        format!(
                            "item {id} is repeated identically from {}; written once",
                            self.readers[first_input].file()
                        ),
                        &file,
                    ));
                    return true;
                }
                let message = if first_input == input {
                    format!("item id {id} appears again in the same input; both items are kept")
                } else {
                    format!(
                        "item id {id} was already used in {} by a different item; both are kept",
                        self.readers[first_input].file()
                    )
                };
                let mut d = note(Severity::Warning, "wxr.duplicate_id", message, &file);
                d.item_id = Some(id);
                self.diags.push(d);
                false
            }
        }
    }

    /// Items dropped because another input had them identically.
    pub fn skipped_identical(&self) -> u64 {
        self.skipped_identical
    }

    /// The readers, for their statistics.
    pub fn readers(&self) -> &[Reader] {
        &self.readers
    }

    /// Every diagnostic: each input's, then the merge's own.
    pub fn take_diagnostics(&mut self) -> Diagnostics {
        let mut all = Diagnostics::new();
        for r in &mut self.readers {
            all.extend(r.take_diagnostics());
        }
        all.extend(std::mem::take(&mut self.diags));
        if self.pings_dropped > 0 {
            all.push(Diagnostic {
                code: "convert.pings_dropped",
                severity: Severity::Notice,
                message: format!(
                    "{} left out ({})",
                    crate::diag::counted(self.pings_dropped, "pingback or trackback", "pingbacks and trackbacks"),
                    match self.pings {
                        PingFilter::Drop => "--pingbacks drop",
                        _ => "--pingbacks verified: the check report marks them for deletion",
                    }
                ),
                location: None,
                item_id: None,
                count: self.pings_dropped,
            });
            self.pings_dropped = 0;
        }
        all
    }
}

/// Whether a header record repeats one of an earlier input.
enum Repeat {
    /// Keep it: first of its key, keyless, or repeated within one input
    /// (an input is written as it is).
    New,
    /// An earlier input had the same key, at this index.
    Earlier(usize),
}

/// Looks `key` up, recording it (from input `input`, to be stored at
/// `index`) when it is new.
fn first_seen<K: std::hash::Hash + Eq>(
    seen: &mut HashMap<K, (usize, usize)>,
    key: Option<K>,
    input: usize,
    index: usize,
) -> Repeat {
    let Some(key) = key else { return Repeat::New };
    match seen.entry(key) {
        Entry::Vacant(v) => {
            v.insert((index, input));
            Repeat::New
        }
        Entry::Occupied(o) if o.get().1 == input => Repeat::New,
        Entry::Occupied(o) => Repeat::Earlier(o.get().0),
    }
}

fn note(severity: Severity, code: &'static str, message: String, file: &str) -> Diagnostic {
    Diagnostic {
        code,
        severity,
        message,
        location: Some(Location::file(file)),
        item_id: None,
        count: 1,
    }
}

fn hash_item(item: &Item) -> u64 {
    let mut h = DefaultHasher::new();
    item.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inserts `ids` into an [`IdSet`] and a plain hash set: the answers
    /// must agree.
    fn agree(ids: impl IntoIterator<Item = i64>) -> IdSet {
        let mut set = IdSet::new();
        let mut plain = HashSet::new();
        for id in ids {
            assert_eq!(set.insert(id), plain.insert(id), "id {id}");
        }
        set
    }

    #[test]
    fn dense_ids_end_in_bitmaps() {
        // Posts with revisions between them: every third id, and repeats.
        let ids = (1..600_000).step_by(3).chain((1..600_000).step_by(7));
        let set = agree(ids);
        assert!(set.loose.len() < RECENT, "{} loose ids", set.loose.len());
        assert!(set.dense.len() <= 600_000 / BLOCK as usize + 1);
    }

    #[test]
    fn sparse_and_extreme_ids_stay_loose_and_are_found() {
        let mut seed = 7u64;
        let mut ids = Vec::new();
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ids.push(seed as i64);
        }
        ids.extend([i64::MIN, i64::MAX, -1, 0, 1, -1024, 1023, 1024, i64::MIN + 1023]);
        let again = ids.clone();
        let set = agree(ids.into_iter().chain(again));
        assert!(set.dense.is_empty());
    }

    #[test]
    fn blocks_turn_dense_while_ids_arrive_in_any_order() {
        // A dense run read backwards, mixed with a sparse one, and negatives.
        let ids = (0..50_000)
            .rev()
            .flat_map(|i| [i, i * 100_003, -i])
            .chain((0..50_000).map(|i| i * 2));
        let set = agree(ids);
        assert!(!set.dense.is_empty());
    }
}
