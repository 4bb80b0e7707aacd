//! Shared by the stage benchmarks (`benches/stages.rs`) and the inflate floor
//! (`examples/inflate_floor.rs`): which inputs exist on this machine, and which zip entries
//! piaudit reads from an app, inflated with piaudit's own bounded reader.
//!
//! It must not decode anything: the floor is "bytes we must inflate", nothing more. Missing
//! inputs are skipped, never an error, so a fresh checkout benchmarks what it has.

#![allow(dead_code)] // each user takes the parts it needs

use std::path::{Path, PathBuf};

use piaudit::apk::{self, Budget, Limits, ZipIndex};

/// The Debian package `android-framework-res` installs this large, resource-heavy APK.
pub const FRAMEWORK_RES: &str = "/usr/share/android-framework-res/framework-res.apk";
/// The registry corpus the oracle tests download (absent on a fresh checkout).
pub const CORPUS_DIR: &str = "target/corpus/apks";
/// Files read as one app by piaudit.
const APP_EXTENSIONS: [&str; 7] = ["apk", "apks", "xapk", "apkm", "jar", "dex", "zip"];

/// A named set of inputs, loaded into memory once.
pub struct InputSet {
    pub name: &'static str,
    pub inputs: Vec<Input>,
}

/// One input file and its bytes.
pub struct Input {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl InputSet {
    pub fn total_bytes(&self) -> u64 {
        self.inputs.iter().map(|i| i.bytes.len() as u64).sum()
    }
}

/// The repository root (benches and examples run from the package root, but be explicit).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The app files directly in `dir`, sorted; empty when `dir` does not exist.
pub fn app_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| APP_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(x)))
        })
        .collect();
    files.sort();
    files
}

fn load(name: &'static str, paths: Vec<PathBuf>) -> Option<InputSet> {
    let inputs: Vec<Input> = paths
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            Some(Input { path, bytes })
        })
        .collect();
    if inputs.is_empty() {
        eprintln!("bench: no inputs for `{name}`, skipped");
        return None;
    }
    Some(InputSet { name, inputs })
}

/// The input sets present on this machine: `samples`, `framework-res`, `corpus`.
pub fn input_sets() -> Vec<InputSet> {
    let root = repo_root();
    [
        load("samples", app_files(&root.join("samples"))),
        load("framework-res", vec![PathBuf::from(FRAMEWORK_RES)]),
        load("corpus", app_files(&root.join(CORPUS_DIR))),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Whether piaudit inflates this entry of an APK: every `classes*.dex`, the manifest, the
/// resource table, and the privacy-policy candidates under `assets/` and `res/raw/` (within
/// discovery's per-file cap; its per-app caps are applied in [`read_needed`]).
pub fn is_needed_entry(entry: &apk::Entry) -> bool {
    let name = entry.name.as_str();
    apk::is_primary_dex(name)
        || name == apk::MANIFEST
        || name == apk::RESOURCE_TABLE
        || (piaudit::discovery::is_candidate(name)
            && entry.uncompressed_size <= piaudit::discovery::MAX_FILE_BYTES)
}

/// One inflated entry.
pub struct Inflated {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Inflates the entries piaudit reads from one input. A bundle (no manifest, no DEX, inner
/// `*.apk` entries) is opened one level down, as piaudit opens it. A bare DEX is returned as
/// is. Unreadable entries are skipped: the floor counts only work that succeeds.
pub fn inflate_needed(bytes: &[u8]) -> Vec<Inflated> {
    if piaudit_dex::is_dex(bytes) {
        return vec![Inflated {
            name: "classes.dex".to_owned(),
            bytes: bytes.to_vec(),
        }];
    }
    let limits = Limits::default();
    let mut budget = Budget::new(limits);
    let Ok(index) = ZipIndex::parse(bytes, &limits) else {
        return Vec::new();
    };
    let mut out = read_needed(&index, &mut budget);
    if out.is_empty() {
        let inner_apks: Vec<_> = index
            .entries()
            .iter()
            .filter(|e| e.name.to_ascii_lowercase().ends_with(".apk"))
            .collect();
        for entry in inner_apks {
            let Ok((inner, _)) = index.read(entry, &mut budget) else {
                continue;
            };
            if let Ok(inner_index) = ZipIndex::parse(&inner, &limits) {
                out.extend(read_needed(&inner_index, &mut budget));
            }
        }
    }
    out
}

fn read_needed(index: &ZipIndex<'_>, budget: &mut Budget) -> Vec<Inflated> {
    use piaudit::discovery::{MAX_FILES, MAX_TOTAL_BYTES, is_candidate};
    let mut policy_files = 0usize;
    let mut policy_bytes = 0u64;
    let mut out = Vec::new();
    for entry in index.entries().iter().filter(|e| is_needed_entry(e)) {
        if is_candidate(&entry.name) {
            policy_files += 1;
            policy_bytes = policy_bytes.saturating_add(entry.uncompressed_size);
            if policy_files > MAX_FILES || policy_bytes > MAX_TOTAL_BYTES {
                continue;
            }
        }
        if let Ok((bytes, _)) = index.read(entry, budget) {
            out.push(Inflated {
                name: entry.name.clone(),
                bytes,
            });
        }
    }
    out
}
