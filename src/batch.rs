//! The batch driver: turns command-line paths and lists into the inputs to scan, and scans them
//! in parallel (one app per task) handing each outcome to the caller as soon as it is ready.
//!
//! Owns input discovery (walking directories for `*.apk`, `*.apks`, `*.xapk`, `*.apkm` and the
//! SDK archives `*.aar`, `*.jar`; a directory with a `base.apk` is one app of splits; `--from`
//! lists), the input key (SHA-256 of
//! the content, computed before scanning), the selection by `--shard` and `--resume`, and the
//! worker pool. Memory is bounded by the pool: each worker holds one app, and at most two
//! finished outcomes per worker wait for the caller. It must not format output (the reporters
//! do) nor decide exit codes (the CLI does).
//!
//! Shards split by the input's SHA-256, not by its path: the same corpus mounted at different
//! paths or listed in a different order on each machine still splits the same way, a copy of
//! one APK under two names lands in one shard, and the key is the one `--resume` matches
//! records by. The price is that every shard reads (hashes) every input once; inputs that
//! cannot be read at all are split by a hash of their path instead.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use crate::auditor::Auditor;
use crate::facts::InputFile;
use crate::report::evidence::Originals;
use crate::report::{AppRecord, Baseline};

/// File extensions scanned when walking directories: apps, split bundles, and the SDK archives
/// a developer vets (`.aar`, `.jar`), which an explicit path accepts too.
pub const APP_EXTENSIONS: [&str; 6] = ["apk", "apks", "xapk", "apkm", "aar", "jar"];

/// Deepest directory nesting a walk follows.
const MAX_WALK_DEPTH: usize = 64;

/// The inputs found, and what the walk met but did not take, counted by reason.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// Inputs to scan, in order. Every file with an app extension the walk meets is one,
    /// whatever its kind (a FIFO, a dangling link...): its scan then says why it is unreadable.
    pub inputs: Vec<PathBuf>,
    /// Paths given (command line or list) that do not exist.
    pub missing: Vec<PathBuf>,
    /// What the walk skipped, by reason (e.g. "symbolic link to a directory, not followed").
    pub skipped: BTreeMap<&'static str, usize>,
}

impl Discovered {
    fn skip(&mut self, reason: &'static str) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    /// Adds what `other` found after what this one did.
    pub fn extend(&mut self, other: Discovered) {
        self.inputs.extend(other.inputs);
        self.missing.extend(other.missing);
        for (reason, n) in other.skipped {
            *self.skipped.entry(reason).or_default() += n;
        }
    }
}

/// Expands paths into inputs: files as given (whatever their kind: reading decides);
/// directories walked (sorted, depth-first), except a directory holding `base.apk`, which is
/// one app made of splits. A path that does not exist is an input too (its record says so)
/// and is listed in [`Discovered::missing`].
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut out = Discovered::default();
    for p in paths {
        match std::fs::symlink_metadata(p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.missing.push(p.clone());
                out.inputs.push(p.clone());
            }
            // A directory given (a symbolic link to one too) is walked.
            _ if p.is_dir() => walk(p, &mut out, 0),
            _ => out.inputs.push(p.clone()),
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Discovered, depth: usize) {
    if depth > MAX_WALK_DEPTH {
        out.skip("directory nested deeper than 64 levels, not walked");
        return;
    }
    if std::fs::symlink_metadata(dir.join("base.apk")).is_ok() {
        out.inputs.push(dir.to_path_buf()); // a directory of splits
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        out.inputs.push(dir.to_path_buf()); // reported as unreadable
        return;
    };
    let mut entries: Vec<PathBuf> = Vec::new();
    for e in rd {
        match e {
            Ok(e) => entries.push(e.path()),
            Err(_) => out.skip("directory entry that cannot be read"),
        }
    }
    entries.sort();
    for e in entries {
        let Ok(meta) = std::fs::symlink_metadata(&e) else {
            out.skip("directory entry that cannot be read");
            continue;
        };
        if meta.is_dir() {
            walk(&e, out, depth + 1);
        } else if has_app_extension(&e) {
            // Regular files, and anything else named like an app (FIFO, socket, device, link
            // to any of those, dangling or looping link): scanning it gives its error record.
            out.inputs.push(e);
        } else if meta.file_type().is_symlink() && e.is_dir() {
            // Symbolic links to directories are not followed (no cycles).
            out.skip("symbolic link to a directory, not followed");
        }
    }
}

fn has_app_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| APP_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(x)))
}

/// Longest line accepted in a `--from` list.
const MAX_LIST_LINE: u64 = 64 << 10;

/// The paths of a `--from` list: one per line, as given (bytes, not converted; directories
/// are walked like command-line paths); blank lines are skipped, a trailing `\r` is dropped.
pub fn read_list<R: BufRead>(mut reader: R) -> std::io::Result<Discovered> {
    let mut paths = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LIST_LINE)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        if line.last() != Some(&b'\n') && n as u64 == MAX_LIST_LINE {
            return Err(std::io::Error::other(format!(
                "a line of the list is longer than {MAX_LIST_LINE} bytes"
            )));
        }
        let mut path = line.as_slice();
        while let [rest @ .., b'\n' | b'\r'] = path {
            path = rest;
        }
        if !path.iter().all(u8::is_ascii_whitespace) {
            paths.push(path_from_bytes(path));
        }
    }
    Ok(discover(&paths))
}

/// A path from its bytes, as the file system names it (not converted: a name that is not
/// UTF-8 stays the same name).
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// `--shard I/N`: this process scans the inputs whose key falls in bucket `I` of `N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("'{s}': expected I/N, e.g. 0/4"))?;
        let index: u64 = i
            .trim()
            .parse()
            .map_err(|_| format!("'{s}': I is not a number"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("'{s}': N is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!("'{s}': need 0 <= I < N"));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether this shard owns `input` (by its content hash; by its path when unreadable).
    pub fn owns(&self, input: &InputFile) -> bool {
        let digest = if input.sha256.len() >= 16 {
            u64::from_str_radix(input.sha256.get(..16).unwrap_or(""), 16).ok()
        } else {
            None
        };
        let bucket = digest.unwrap_or_else(|| {
            let h = Sha256::digest(input.path.as_bytes());
            h.iter()
                .take(8)
                .fold(0u64, |acc, b| acc << 8 | u64::from(*b))
        });
        bucket % self.count == self.index
    }
}

/// The input's path, SHA-256 and size, read before scanning. For a directory of splits, the
/// hash is over its `*.apk` files' bytes in file-name order, as the analysis defines it.
/// An input that cannot be read, or is larger than `max_input` (checked before hashing), gets
/// an empty hash (its scan then yields an error record).
pub fn input_file(path: &Path, max_input: u64) -> InputFile {
    let shown = crate::term::shown_path(path);
    let is_dir = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
    let members = if is_dir {
        crate::analyze::split_members(path)
    } else {
        Ok(vec![path.to_path_buf()])
    };
    match members.and_then(|m| hash_files(&m, max_input)) {
        Ok((sha256, size)) => InputFile {
            path: shown,
            sha256,
            size,
        },
        Err(_) => unhashed_input(path),
    }
}

/// The input's path and size, its hash left to the analysis (which reads the bytes anyway).
fn unhashed_input(path: &Path) -> InputFile {
    InputFile {
        path: crate::term::shown_path(path),
        sha256: String::new(),
        size: std::fs::metadata(path).map_or(0, |m| m.len()),
    }
}

/// SHA-256 and total size of the files' bytes, concatenated, streamed; regular files only,
/// and nothing is read when their sizes add up to more than `max_input`.
fn hash_files(paths: &[PathBuf], max_input: u64) -> std::io::Result<(String, u64)> {
    let mut files = Vec::with_capacity(paths.len());
    let mut total = 0u64;
    for path in paths {
        let (file, size) = crate::analyze::open_regular(path).map_err(std::io::Error::other)?;
        total = total.saturating_add(size);
        if total > max_input {
            return Err(std::io::Error::other("over the input size limit"));
        }
        files.push((file, size));
    }
    let mut hasher = Sha256::new();
    let mut read = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    for (file, size) in files {
        // Never more than the size seen: a file growing meanwhile is not read on.
        let mut f = file.take(size);
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(buf.get(..n).unwrap_or_default());
            read += n as u64;
        }
    }
    Ok((hex::encode(hasher.finalize()), read))
}

/// SHA-256 of a file, streamed.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    hash_files(&[path.to_path_buf()], u64::MAX).map(|(sha, _)| sha)
}

/// One scanned app: its record, and what evidence folders keep from the app when asked for.
pub struct Scanned {
    pub record: AppRecord,
    pub originals: Option<Originals>,
}

/// Scans one input into its record. Never fails: an unreadable input is an error record.
pub fn scan_one(
    auditor: &Auditor,
    path: &Path,
    input: InputFile,
    category_of: &dyn Fn(Option<&str>) -> Option<String>,
    baseline: &Baseline,
    keep_originals: bool,
) -> Scanned {
    let max_input = auditor.options().max_input;
    let hashed = |input: InputFile| {
        if input.sha256.is_empty() {
            input_file(path, max_input)
        } else {
            input
        }
    };
    // A panic in a decoder is a bug, but it must cost one record, not the batch.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let extraction = auditor.facts_by_package(path, category_of)?;
        let evaluation = auditor.rules().evaluate(&extraction.facts);
        let originals = keep_originals.then_some(Originals {
            manifest_xml: extraction.manifest_xml,
            policy_files: extraction.policy_files,
        });
        Ok::<_, crate::analyze::InputError>((extraction.facts, originals, evaluation))
    }));
    match result {
        Ok(Ok((facts, originals, evaluation))) => {
            // The analysis hashed what it actually read; prefer it to the hash taken before.
            let input = if facts.input.sha256.is_empty() {
                input
            } else {
                facts.input.clone()
            };
            Scanned {
                record: AppRecord::judged(input, facts, evaluation, baseline),
                originals,
            }
        }
        Ok(Err(e)) => Scanned {
            record: AppRecord::failed(hashed(input), e.to_string()),
            originals: None,
        },
        Err(_) => Scanned {
            record: AppRecord::failed(
                hashed(input),
                "internal error while decoding (please report this input)".to_owned(),
            ),
            originals: None,
        },
    }
}

/// How a batch runs.
pub struct Plan<'a> {
    /// Worker threads.
    pub jobs: usize,
    pub shard: Option<Shard>,
    /// (SHA-256, shown path) of inputs that already have a record (`--resume`): skipped.
    pub done: &'a HashSet<(String, String)>,
    pub baseline: &'a Baseline,
    /// Keep each app's decoded manifest and policy files (for evidence folders).
    pub keep_originals: bool,
}

/// What became of one input.
pub enum Outcome {
    Scanned {
        index: usize,
        scanned: Box<Scanned>,
    },
    /// `--resume`: the output already has a record for this content.
    AlreadyDone {
        index: usize,
        input: InputFile,
    },
    /// `--shard`: another shard scans it.
    OtherShard {
        index: usize,
    },
}

/// Hands the heap memory freed by the app just scanned back to the system. glibc's malloc
/// keeps freed blocks of big apps (tens of MB of inflated DEX, decoded pools) fragmented in
/// its arenas, so a long batch's peak RSS crept up over its largest app's; trimming after each
/// app keeps the peak at what the largest app needs alone. Other platforms: nothing to do.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel; it is thread-safe and
    // touches no memory piaudit holds.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Makes glibc's malloc give big buffers back to the system when they are freed. By default
/// its mmap threshold rises to the size of the largest block freed (up to 32 MiB), after which
/// an app's inflated DEX files and decoded tables come from the heap arenas and stay there,
/// fragmented: a batch then peaked ~10 MB above its largest app alone (65 vs 55 MB at
/// `--jobs 1` over the 29 distinct test apps; 55 MB with a fixed 128 KiB threshold, the
/// default's starting value, at the same speed). Process-wide; other platforms: nothing to do.
fn configure_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning; any thread may call it at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// The order in which inputs are started: as given with one job; with more, largest first
/// (longest-processing-time-first scheduling: the batch ends when its last app does, and a big
/// app started last would run alone while the other workers idle). Sizes come from file
/// metadata (a directory of splits: the sum of its files); an unreadable input counts as 0
/// and fails later, in the scan, with its error.
fn schedule(inputs: &[PathBuf], jobs: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    if jobs > 1 {
        let size = |path: &PathBuf| -> u64 {
            match std::fs::metadata(path) {
                Ok(m) if m.is_dir() => std::fs::read_dir(path)
                    .map(|entries| {
                        entries
                            .filter_map(Result::ok)
                            .filter_map(|e| e.metadata().ok())
                            .filter(std::fs::Metadata::is_file)
                            .map(|m| m.len())
                            .sum()
                    })
                    .unwrap_or(0),
                Ok(m) => m.len(),
                Err(_) => 0,
            }
        };
        let sizes: Vec<u64> = inputs.iter().map(size).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(sizes.get(i).copied().unwrap_or(0)));
    }
    order
}

/// Scans `inputs` by `plan`, calling `on_outcome` on the calling thread for each input as it
/// finishes (in completion order; with one job that is the order given, with more the
/// largest inputs start first, see [`schedule`]). `category_of` gives an app's type from the package it
/// declares (None when it declares none). When
/// `on_outcome` breaks (e.g. the output cannot be written), no further input is started.
pub fn run(
    auditor: &Auditor,
    inputs: &[PathBuf],
    plan: &Plan<'_>,
    category_of: &(dyn Fn(Option<&str>) -> Option<String> + Sync),
    mut on_outcome: impl FnMut(Outcome) -> ControlFlow<()>,
) -> Result<(), rayon::ThreadPoolBuildError> {
    let stop = AtomicBool::new(false);
    let stop = &stop;
    let jobs = plan.jobs.max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let (tx, rx) = mpsc::sync_channel::<Outcome>(jobs * 2);
    let order = schedule(inputs, jobs);
    configure_allocator();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            pool.install(|| {
                use rayon::prelude::*;
                // `par_bridge` hands the inputs out one at a time in `order`, to whichever
                // worker is free: largest first keeps one big app from running alone at the end.
                order
                    .into_iter()
                    .par_bridge()
                    .for_each_with(tx, |tx, index| {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let Some(path) = inputs.get(index) else {
                            return;
                        };
                        // Hash before scanning only when sharding or resuming needs it; the
                        // analysis hashes the bytes it reads anyway (hashing twice cost ~8%).
                        let input = if plan.shard.is_some() || !plan.done.is_empty() {
                            input_file(path, auditor.options().max_input)
                        } else {
                            unhashed_input(path)
                        };
                        let outcome = if plan.shard.is_some_and(|s| !s.owns(&input)) {
                            Outcome::OtherShard { index }
                        } else if !input.sha256.is_empty()
                            && plan
                                .done
                                .contains(&(input.sha256.clone(), input.path.clone()))
                        {
                            Outcome::AlreadyDone { index, input }
                        } else {
                            let scanned = scan_one(
                                auditor,
                                path,
                                input,
                                category_of,
                                plan.baseline,
                                plan.keep_originals,
                            );
                            release_free_memory();
                            Outcome::Scanned {
                                index,
                                scanned: Box::new(scanned),
                            }
                        };
                        // The receiver only goes away when the caller stops; then there is no one to tell.
                        let _ = tx.send(outcome);
                    });
            });
        });
        for outcome in rx {
            if on_outcome(outcome).is_break() {
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("1/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
        for bad in ["4/4", "1", "a/2", "0/0", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (0..3).map(|i| Shard { index: i, count: 3 }).collect();
        for n in 0..200u32 {
            let input = InputFile {
                path: format!("p{n}"),
                sha256: if n % 5 == 0 {
                    String::new()
                } else {
                    hex::encode(Sha256::digest(n.to_le_bytes()))
                },
                size: 0,
            };
            assert_eq!(shards.iter().filter(|s| s.owns(&input)).count(), 1);
        }
    }

    #[test]
    fn lists_skip_blank_lines_and_keep_spaces() -> std::io::Result<()> {
        let mut list = std::io::Cursor::new("a b.apk\r\n\n  \nc.apk".as_bytes());
        assert_eq!(
            read_list(&mut list)?.inputs,
            vec![PathBuf::from("a b.apk"), PathBuf::from("c.apk")]
        );
        Ok(())
    }
}
