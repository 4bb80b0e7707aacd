//! The extraction pipeline for one input: bytes → [`AppFacts`].
//!
//! Owns the order of the stages and the rule that a failing stage records a problem and the
//! others go on. Each stage's knowledge lives in its own module (`apk`, `manifest`,
//! `resources`, `code`, `native`, `discovery`); this module only wires them. It must not
//! judge anything (that is the rules' job).

use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::apk::{self, Budget, Layout, Limits, SharedBytes, ZipIndex};
use crate::discovery::StringFindings;
use crate::facts::{Anomaly, AppFacts, InputFile};
use crate::resources::Resources;
use crate::{code, manifest, native};

/// What the caller decides about one extraction.
#[derive(Debug, Clone)]
pub struct Options {
    /// Caps on inflating entries.
    pub limits: Limits,
    /// Largest input file read, in bytes.
    pub max_input: u64,
    /// Keep every string resource in `AppFacts.strings` (large; `inspect --strings`).
    pub keep_strings: bool,
    /// Map input files of at least this many bytes instead of reading them (`None`: never;
    /// `--no-mmap`). See [`apk::MappedFile`] for the trade.
    pub map_inputs_from: Option<u64>,
}

/// Inputs from this size on are mapped by default: below it, reading costs little memory.
pub const DEFAULT_MAP_FROM: u64 = 8 << 20;

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            max_input: 4 << 30,
            keep_strings: false,
            map_inputs_from: Some(DEFAULT_MAP_FROM),
        }
    }
}

/// What extraction needs that is built once and shared by every app of a scan: the
/// sensitive-API index and the SDK catalogue's class matcher.
pub struct Context {
    pub apis: code::ApiIndex,
    pub owners: Box<dyn code::ClassOwner + Send + Sync>,
    /// The policy analyser: with one, string resources are classified for policy discovery
    /// as the resource table is read, and kept in `AppFacts.strings` only when
    /// [`Options::keep_strings`] asks; without one, they are all kept for the caller.
    pub policy: Option<Arc<piaudit_policy::Analyzer>>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            apis: code::ApiIndex::default(),
            owners: Box::new(code::NoOwners),
            policy: None,
        }
    }
}

/// Agree-button texts kept per app at most.
const MAX_AGREE_TEXTS: usize = 256;

/// Where an app's string resources go as its resource tables are read (see [`Context::policy`]).
struct StringSink<'c> {
    analyzer: Option<&'c piaudit_policy::Analyzer>,
    findings: StringFindings,
    keep: bool,
    /// UI wording and layouts (`layouts`): fed the same strings, and every layout.
    ui: crate::layouts::UiScan,
    /// Agree-button texts among the strings (see [`Extraction::agree_texts`]).
    agree_texts: Vec<(u32, String, String)>,
}

impl<'c> StringSink<'c> {
    fn new(ctx: &'c Context, opts: &Options) -> StringSink<'c> {
        let analyzer = ctx.policy.as_deref();
        StringSink {
            analyzer,
            findings: StringFindings::default(),
            keep: opts.keep_strings || analyzer.is_none(),
            ui: crate::layouts::UiScan::default(),
            agree_texts: Vec::new(),
        }
    }

    /// The findings, when strings were classified here.
    fn finish(self) -> Option<StringFindings> {
        self.analyzer.map(|_| self.findings)
    }
}

/// An input piaudit cannot read as an app at all. Anything less is a `problem` in the facts.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    // Not a `source`: the message already shows it (else `{:#}` printed it twice).
    #[error("cannot read: {0}")]
    Io(std::io::Error),
    #[error("file is {size} bytes, over the limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
    #[error("empty file")]
    Empty,
    #[error("not an APK: {0}")]
    NotApk(String),
    #[error("not an APK: {0}")]
    Container(apk::ContainerError),
    #[error("not a regular file ({0}): not read")]
    NotRegular(&'static str),
    #[error("the file was truncated by another process while it was scanned; scan it again")]
    Changed,
    #[error("{name}: {error}")]
    Member {
        name: String,
        error: Box<InputError>,
    },
}

/// What kind of file a non-regular file is, for the error that names it.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_char_device() {
            return "a character device";
        } else if t.is_block_device() {
            return "a block device";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Opens `path` for reading only if it is a regular file (a symbolic link is followed to
/// one), checked before opening (so a FIFO never blocks the open) and again on the open
/// handle (so a file swapped for another kind in between is caught). Returns its size.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), InputError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular(file_kind(&meta)));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Non-blocking open: a FIFO put in the file's place returns at once (then is refused).
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(InputError::NotRegular(file_kind(&meta)));
    }
    Ok((file, meta.len()))
}

impl From<std::io::Error> for InputError {
    fn from(e: std::io::Error) -> Self {
        InputError::Io(e)
    }
}

impl From<apk::ContainerError> for InputError {
    fn from(e: apk::ContainerError) -> Self {
        InputError::Container(e)
    }
}

/// Everything decoded from one app, beyond the facts: the manifest tree for `inspect --xml`,
/// the bundled files that may hold a policy, for evidence.
pub struct Extraction {
    pub facts: AppFacts,
    /// The decoded manifest as XML text, when it decoded.
    pub manifest_xml: Option<String>,
    /// What the code scan found, for the SDK and API stages.
    pub code: code::CodeFacts,
    /// Paths of every file in the app's APKs (SDK and packer signatures match asset paths).
    pub files: Vec<String>,
    /// Bundled files that may hold a privacy policy (`discovery::is_candidate`), with bytes.
    pub policy_files: Vec<(String, Vec<u8>)>,
    /// What the string resources hold for policy discovery, when the context had a policy
    /// analyser (else the strings are in `facts.strings`).
    pub strings: Option<StringFindings>,
    /// String resources whose default, Chinese or English text is an agree button's
    /// (`piaudit_graph::is_agree_text`): (resource id, `name`, text), for buttons whose text
    /// the code sets by resource id.
    pub agree_texts: Vec<(u32, String, String)>,
}

/// Reads and analyses one input path: an APK, a split bundle, a directory of splits, or a
/// bare DEX / JAR.
pub fn analyze_path(path: &Path, ctx: &Context, opts: &Options) -> Result<Extraction, InputError> {
    let shown = crate::term::shown_path(path);
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return analyze_split_dir(path, ctx, opts);
    }
    let shared = open_input(path, opts)?;
    let input = InputFile {
        path: shown,
        sha256: hash_shared(&shared),
        size: shared.as_ref().len() as u64,
    };
    let extraction = analyze_shared(input, shared.clone(), ctx, opts);
    // Truncated while read: whatever the analysis made of the zeros, it is not this file.
    still_whole(&shared)?;
    extraction
}

/// Reads or maps one regular file within `opts.max_input` (the size is checked before any
/// byte is read): mapped from `opts.map_inputs_from` bytes on, else read.
fn open_input(path: &Path, opts: &Options) -> Result<SharedBytes, InputError> {
    let (file, size) = open_regular(path)?;
    if size > opts.max_input {
        return Err(InputError::TooLarge {
            size,
            limit: opts.max_input,
        });
    }
    if size == 0 {
        return Err(InputError::Empty);
    }
    if opts.map_inputs_from.is_some_and(|from| size >= from) {
        // A file that cannot be mapped (some file systems) is read instead.
        if let Ok(mapped) = file.try_clone().and_then(apk::MappedFile::new) {
            return Ok(SharedBytes::Mapped(Arc::new(mapped)));
        }
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // One byte past the size seen: a file that grows while read is cut at the cap, not read on.
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, opts.max_input.min(size.saturating_add(1))),
        &mut bytes,
    )?;
    if bytes.is_empty() {
        return Err(InputError::Empty);
    }
    Ok(SharedBytes::owned(bytes))
}

/// SHA-256 of an input's bytes (a mapped one a window at a time, see [`hash_mapped`]).
fn hash_shared(shared: &SharedBytes) -> String {
    match shared {
        SharedBytes::Mapped(mapped) => hash_mapped(mapped),
        SharedBytes::Owned(bytes) => hex::encode(Sha256::digest(bytes.as_slice())),
    }
}

/// An error when a mapped input was truncated while it was read (its lost pages read as
/// zeros, see [`apk::MappedFile`]): the facts came from bytes that are no longer the file's.
fn still_whole(shared: &SharedBytes) -> Result<(), InputError> {
    match shared {
        SharedBytes::Mapped(mapped) if mapped.truncated() => Err(InputError::Changed),
        _ => Ok(()),
    }
}

/// SHA-256 of a mapped input, read through the mapping a window at a time (see
/// [`apk::MappedFile::for_each_window`]: no copy, and the windows do not stay resident).
fn hash_mapped(mapped: &apk::MappedFile) -> String {
    let mut hasher = Sha256::new();
    mapped.for_each_window(|window| hasher.update(window));
    hex::encode(hasher.finalize())
}

fn input_file(path: &str, bytes: &[u8]) -> InputFile {
    InputFile {
        path: path.to_owned(),
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as u64,
    }
}

/// Analyses in-memory bytes named `path` (for reports only).
pub fn analyze_bytes(
    path: &str,
    bytes: Vec<u8>,
    ctx: &Context,
    opts: &Options,
) -> Result<Extraction, InputError> {
    let input = input_file(path, &bytes);
    analyze_shared(input, SharedBytes::owned(bytes), ctx, opts)
}

/// Analyses one input's bytes; `input` names and hashes them.
fn analyze_shared(
    input: InputFile,
    shared: SharedBytes,
    ctx: &Context,
    opts: &Options,
) -> Result<Extraction, InputError> {
    let path = input.path.clone();
    let path = path.as_str();
    let bytes = shared.as_ref();
    let mut facts = AppFacts {
        input,
        ..AppFacts::default()
    };
    if piaudit_dex::is_dex(bytes) {
        facts.container = "dex".to_owned();
        let mut code = code::CodeScan::new(&ctx.apis, ctx.owners.as_ref(), Vec::new());
        let file = Path::new(path)
            .file_name()
            .map_or(path.into(), |f| f.to_string_lossy());
        code.add_dex(&file, bytes, &mut facts);
        code.finish(&mut facts);
        return Ok(Extraction {
            facts,
            manifest_xml: None,
            code: code.facts,
            files: Vec::new(),
            policy_files: Vec::new(),
            strings: None,
            agree_texts: Vec::new(),
        });
    }
    if !apk::zip::looks_like_zip(bytes) && bytes.len() < 22 {
        return Err(InputError::NotApk(
            "too short to be a zip archive".to_owned(),
        ));
    }
    let index = ZipIndex::parse(bytes, &opts.limits).map_err(apk::ContainerError::from)?;
    let mut budget = Budget::new(opts.limits);
    if crate::jvm::is_java_archive(&index) {
        // An SDK's .aar or .jar of class files, vetted before integration.
        let mut code = code::CodeFacts::default();
        let kind = crate::jvm::read_archive(
            &index,
            &mut budget,
            &opts.limits,
            &ctx.apis,
            &mut facts,
            &mut code,
        );
        facts.container = kind.to_owned();
        finish(&mut facts);
        return Ok(Extraction {
            facts,
            manifest_xml: None,
            code,
            files: index.entries().iter().map(|e| e.name.clone()).collect(),
            policy_files: Vec::new(),
            strings: None,
            agree_texts: Vec::new(),
        });
    }

    // Every read is charged to the app's budget, probes included: entries may share one
    // stream (1,000 names for one 8 MiB deflate stream), and each read inflates it again.
    let mut split_probe = |name: &str| -> Option<bool> {
        let entry = index.entry(name)?;
        let (inner, _) = index.read(entry, &mut budget).ok()?;
        let inner_index = ZipIndex::parse(&inner, &opts.limits).ok()?;
        let m = inner_index.entry(apk::MANIFEST)?;
        let (mbytes, _) = inner_index.read(m, &mut budget).ok()?;
        let axml = manifest::parse_axml(&mbytes, None).ok()?;
        Some(axml.root.attr("split").is_some())
    };
    let layout = apk::layout(&index, &mut split_probe)?;
    match layout {
        Layout::Apk => {
            let has_manifest = index.entry(apk::MANIFEST).is_some();
            facts.container = if has_manifest { "apk" } else { "jar" }.to_owned();
            let forensics = apk::forensics::examine(shared.clone(), &index, None);
            absorb_forensics(&mut facts, forensics);
            let mut code = code::CodeScan::new(&ctx.apis, ctx.owners.as_ref(), Vec::new());
            let mut strings = StringSink::new(ctx, opts);
            let xml = analyze_apk(
                &index,
                &mut budget,
                opts,
                &mut facts,
                &mut code,
                &mut strings,
                None,
            );
            code.finish(&mut facts);
            let policy_files = read_policy_candidates(&[(None, &index)], &mut budget, &mut facts);
            facts.ui = std::mem::take(&mut strings.ui).finish();
            finish(&mut facts);
            Ok(Extraction {
                facts,
                manifest_xml: xml,
                code: code.facts,
                files: index.entries().iter().map(|e| e.name.clone()).collect(),
                policy_files,
                agree_texts: std::mem::take(&mut strings.agree_texts),
                strings: strings.finish(),
            })
        }
        Layout::Bundle { kind, base, splits } => {
            facts.container = kind.to_owned();
            let mut inner = Vec::new();
            for name in std::iter::once(&base).chain(splits.iter()) {
                let Some(entry) = index.entry(name) else {
                    continue;
                };
                match index.read(entry, &mut budget) {
                    Ok((bytes, _)) => inner.push((name.clone(), SharedBytes::owned(bytes))),
                    Err(e) => facts.problem("container", format!("{name}: {e}")),
                }
            }
            Ok(analyze_splits(inner, &mut budget, ctx, opts, facts))
        }
    }
}

/// A directory of split APKs (`base.apk`, `split_*.apk`, `config.*.apk`) is one app. Its
/// members are opened like single inputs (regular files only, mapped when large: never read
/// wholly into memory together), within `opts.max_input` together.
fn analyze_split_dir(dir: &Path, ctx: &Context, opts: &Options) -> Result<Extraction, InputError> {
    let names = split_members(dir)?;
    if names.is_empty() {
        return Err(InputError::NotApk(
            "directory holds no .apk files".to_owned(),
        ));
    }
    // The sizes together first: nothing is read (or hashed) of an app over the limit.
    let total = names
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .fold(0u64, u64::saturating_add);
    if total > opts.max_input {
        return Err(InputError::TooLarge {
            size: total,
            limit: opts.max_input,
        });
    }
    let mut inner = Vec::new();
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    for p in &names {
        let name = p
            .file_name()
            .map(|n| crate::term::shown_path(Path::new(n)))
            .unwrap_or_default();
        let member = |error| InputError::Member {
            name: name.clone(),
            error: Box::new(error),
        };
        let room = Options {
            max_input: opts.max_input.saturating_sub(size),
            ..opts.clone()
        };
        let shared = open_input(p, &room).map_err(member)?;
        match &shared {
            SharedBytes::Mapped(mapped) => mapped.for_each_window(|w| hasher.update(w)),
            SharedBytes::Owned(bytes) => hasher.update(bytes.as_slice()),
        }
        size += shared.as_ref().len() as u64;
        inner.push((name, shared));
    }
    // Base first: the one whose manifest has no `split` attribute (base.apk by convention).
    let mut budget = Budget::new(opts.limits);
    let mut keyed: Vec<((bool, bool), (String, SharedBytes))> = inner
        .into_iter()
        .map(|(name, bytes)| {
            let base = is_base_apk(bytes.as_ref(), opts, &mut budget);
            ((!base, name != "base.apk"), (name, bytes))
        })
        .collect();
    keyed.sort_by_key(|(key, _)| *key);
    let inner: Vec<(String, SharedBytes)> = keyed.into_iter().map(|(_, member)| member).collect();
    let facts = AppFacts {
        input: InputFile {
            path: crate::term::shown_path(dir),
            // The hash of a directory is over its APKs' bytes in file-name order.
            sha256: hex::encode(hasher.finalize()),
            size,
        },
        container: "split-dir".to_owned(),
        ..AppFacts::default()
    };
    let members: Vec<SharedBytes> = inner.iter().map(|(_, b)| b.clone()).collect();
    let extraction = analyze_splits(inner, &mut budget, ctx, opts, facts);
    members.iter().try_for_each(still_whole)?;
    Ok(extraction)
}

/// The `*.apk` files of a directory of splits, in file-name order (the order its hash is over).
pub fn split_members(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("apk")))
        .collect();
    names.sort();
    Ok(names)
}

fn is_base_apk(bytes: &[u8], opts: &Options, budget: &mut Budget) -> bool {
    let Ok(index) = ZipIndex::parse(bytes, &opts.limits) else {
        return false;
    };
    index
        .entry(apk::MANIFEST)
        .and_then(|m| index.read(m, budget).ok())
        .and_then(|(m, _)| manifest::parse_axml(&m, None).ok())
        .is_some_and(|axml| axml.root.attr("split").is_none())
}

/// The base APK first, then its splits: the base gives the manifest, every APK gives code,
/// native libraries, strings and files.
fn analyze_splits(
    inner: Vec<(String, SharedBytes)>,
    budget: &mut Budget,
    ctx: &Context,
    opts: &Options,
    mut facts: AppFacts,
) -> Extraction {
    let mut xml = None;
    let mut files = Vec::new();
    let mut policy_files = Vec::new();
    let mut code = code::CodeScan::new(&ctx.apis, ctx.owners.as_ref(), Vec::new());
    let mut strings = StringSink::new(ctx, opts);
    for (i, (name, shared)) in inner.into_iter().enumerate() {
        let index = match ZipIndex::parse(shared.as_ref(), &opts.limits) {
            Ok(ix) => ix,
            Err(e) => {
                facts.problem("container", format!("{name}: {e}"));
                continue;
            }
        };
        files.extend(index.entries().iter().map(|e| e.name.clone()));
        let split = if i == 0 { None } else { Some(name.as_str()) };
        if split.is_none() {
            absorb_forensics(
                &mut facts,
                apk::forensics::examine(shared.clone(), &index, Some(&name)),
            );
        }
        let manifest = analyze_apk(
            &index,
            budget,
            opts,
            &mut facts,
            &mut code,
            &mut strings,
            split,
        );
        if split.is_none() {
            xml = manifest;
        }
        policy_files.extend(read_policy_candidates(
            &[(split, &index)],
            budget,
            &mut facts,
        ));
    }
    code.finish(&mut facts);
    facts.ui = std::mem::take(&mut strings.ui).finish();
    finish(&mut facts);
    Extraction {
        facts,
        manifest_xml: xml,
        code: code.facts,
        files,
        policy_files,
        agree_texts: std::mem::take(&mut strings.agree_texts),
        strings: strings.finish(),
    }
}

/// Reads the bundled files that may hold a privacy policy, within the discovery caps.
fn read_policy_candidates(
    apks: &[(Option<&str>, &ZipIndex<'_>)],
    budget: &mut Budget,
    facts: &mut AppFacts,
) -> Vec<(String, Vec<u8>)> {
    use crate::discovery::{
        MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES, candidate_priority, is_candidate,
    };
    let mut candidates: Vec<(Option<&str>, &ZipIndex<'_>, &apk::Entry)> = apks
        .iter()
        .flat_map(|(split, index)| index.entries().iter().map(move |e| (*split, *index, e)))
        .filter(|(_, _, e)| is_candidate(&e.name) && e.uncompressed_size <= MAX_FILE_BYTES)
        .collect();
    candidates.sort_by_key(|(_, _, e)| (candidate_priority(&e.name), e.name.clone()));
    let mut out = Vec::new();
    let mut total = 0u64;
    for (split, index, entry) in candidates.into_iter().take(MAX_FILES) {
        if total + entry.uncompressed_size > MAX_TOTAL_BYTES {
            break;
        }
        let name = match split {
            Some(s) => format!("{s}!{}", entry.name),
            None => entry.name.clone(),
        };
        match index.read(entry, budget) {
            Ok((bytes, _)) if bytes.len() as u64 <= MAX_FILE_BYTES => {
                total += bytes.len() as u64;
                out.push((name, bytes));
            }
            Ok(_) => facts.problem("policy", format!("{name}: larger than declared; skipped")),
            Err(e) => facts.problem("policy", format!("{name}: {e}")),
        }
    }
    out
}

fn absorb_forensics(facts: &mut AppFacts, f: apk::forensics::Forensics) {
    facts.signers.extend(f.signers);
    facts.anomalies.extend(f.anomalies);
    for p in f.problems {
        facts.problem("signature", p);
    }
}

/// One APK's entries. `split` is None for the base (which owns the manifest), or the split's
/// name. Returns the decoded manifest XML of the base.
fn analyze_apk(
    index: &ZipIndex<'_>,
    budget: &mut Budget,
    opts: &Options,
    facts: &mut AppFacts,
    code: &mut code::CodeScan<'_>,
    strings: &mut StringSink<'_>,
    split: Option<&str>,
) -> Option<String> {
    let at = |entry: &str| match split {
        Some(s) => format!("{s}!{entry}"),
        None => entry.to_owned(),
    };
    let read =
        |name: &str, budget: &mut Budget, facts: &mut AppFacts, stage: &str| -> Option<Vec<u8>> {
            let entry = index.entry(name)?;
            match index.read(entry, budget) {
                Ok((bytes, _)) => Some(bytes),
                Err(e) => {
                    facts.problem(stage, e.to_string());
                    None
                }
            }
        };

    // Resources first: the manifest's references resolve through them.
    // The table borrows its bytes, which live as long as it is used (to the manifest): a
    // stored table (the norm: Android wants it stored) straight from the archive, without a
    // copy or a charge to the inflation budget, like native libraries; else inflated.
    let arsc_stored = index
        .entry(apk::RESOURCE_TABLE)
        .and_then(|entry| index.stored_slice(entry).ok().flatten());
    let arsc_inflated = match arsc_stored {
        Some(_) => None,
        None => read(apk::RESOURCE_TABLE, budget, facts, "resources"),
    };
    let resources =
        arsc_stored
            .or(arsc_inflated.as_deref())
            .and_then(|bytes| match Resources::parse(bytes) {
                Ok(r) => Some(r),
                Err(e) => {
                    facts.problem("resources", e);
                    facts.anomalies.push(Anomaly {
                        source: "resources".to_owned(),
                        kind: "resources-unreadable".to_owned(),
                        detail: at(apk::RESOURCE_TABLE),
                        severity: "high".to_owned(),
                    });
                    None
                }
            });
    if let Some(res) = &resources {
        for (kind, detail) in res.anomalies() {
            facts.anomalies.push(Anomaly {
                source: "resources".to_owned(),
                kind,
                detail: format!("{}: {detail}", at(apk::RESOURCE_TABLE)),
                severity: "medium".to_owned(),
            });
        }
        // Counts and locales from the entry index alone; then one pass over the strings
        // discovery reads (or all of them when asked), none held unless asked (framework-res
        // has 152k in 2,200 configurations).
        let mut locales: std::collections::BTreeSet<String> =
            std::mem::take(&mut facts.resources.locales)
                .into_iter()
                .collect();
        for (locale, n) in res.string_counts() {
            facts.resources.string_count += n as u64;
            if !locales.contains(locale) {
                locales.insert(locale.to_owned());
            }
        }
        facts.resources.locales = locales.into_iter().collect();
        if strings.keep {
            facts.strings.reserve(res.string_count());
        }
        let wanted = if strings.keep {
            |_: &piaudit_arsc::Config| true
        } else {
            crate::discovery::is_policy_config
        };
        let mut agree_names: Vec<(String, String)> = Vec::new();
        res.for_each_string_where(wanted, |config, name, locale, value| {
            let policy_config = crate::discovery::is_policy_config(config);
            if policy_config {
                strings.ui.add_string(name, locale, value);
                if agree_names.len() < MAX_AGREE_TEXTS && piaudit_graph::is_agree_text(value) {
                    agree_names.push((name.to_owned(), value.to_owned()));
                }
            }
            if let Some(analyzer) = strings.analyzer
                && policy_config
            {
                strings.findings.add(name, locale, value, analyzer);
            }
            if strings.keep {
                facts.strings.push(crate::facts::StringResource {
                    name: name.to_owned(),
                    locale: locale.to_owned(),
                    value: value.to_owned(),
                });
            }
        });
        for (name, text) in agree_names {
            if let Some(id) = res.id_of(&format!("string/{name}")) {
                strings.agree_texts.push((id, name, text));
            }
        }
    }

    let mut xml = None;
    if split.is_none() {
        if let Some(bytes) = read(apk::MANIFEST, budget, facts, "manifest") {
            match manifest::parse_axml(&bytes, resources.as_ref()) {
                Ok(axml) => {
                    for a in axml.anomalies() {
                        facts.anomalies.push(Anomaly {
                            source: "manifest".to_owned(),
                            kind: crate::resources::anomaly_kind(&format!("{a:?}")),
                            detail: a.to_string(),
                            severity: "medium".to_owned(),
                        });
                    }
                    manifest::fill_facts(&axml.root, resources.as_ref(), facts);
                    if let (Some(res), Some(icon)) = (
                        resources.as_ref(),
                        crate::icons::icon_reference(&axml.root, facts),
                    ) {
                        let mut read_icon = |name: &str| {
                            let entry = index.entry(name)?;
                            if entry.uncompressed_size > crate::icons::MAX_ICON_BYTES {
                                return None;
                            }
                            index.read(entry, budget).ok().map(|(b, _)| b)
                        };
                        let mut reader = crate::icons::IconReader {
                            resources: res,
                            read: &mut read_icon,
                        };
                        facts.launcher_icon = Some(reader.describe(&icon));
                    }
                    xml = Some(manifest::to_xml(&axml.root));
                }
                Err(e) => facts.problem("manifest", format!("AndroidManifest.xml: {e}")),
            }
        } else if index.entry(apk::MANIFEST).is_none() {
            facts.problem("manifest", "no AndroidManifest.xml");
        }
        if let Some(path) = facts.flags.network_security_config.clone() {
            if index.entry(&path).is_some() {
                let nsc = read(&path, budget, facts, "manifest")
                    .and_then(|b| manifest::parse_axml(&b, resources.as_ref()).ok());
                facts.flags.nsc_cleartext_permitted =
                    nsc.and_then(|x| manifest::nsc_cleartext_permitted(&x.root));
            }
        }
    }

    read_layouts(index, budget, resources.as_ref(), &mut strings.ui);

    // Code: classes*.dex in load order, then code nested in assets.
    let mut dex_names: Vec<&str> = index
        .entries()
        .iter()
        .map(|e| e.name.as_str())
        .filter(|n| apk::is_primary_dex(n))
        .collect();
    dex_names.sort_by_key(|n| apk::dex_order(n));
    if split.is_none() {
        code.set_startup(startup_classes(facts));
    }
    for name in dex_names {
        if let Some(bytes) = read(name, budget, facts, "dex") {
            code.add_dex(&at(name), &bytes, facts);
        }
    }
    let nested: Vec<&str> = index
        .entries()
        .iter()
        .map(|e| e.name.as_str())
        .filter(|n| apk::is_nested_code(n))
        .collect();
    for name in nested {
        let Some(bytes) = read(name, budget, facts, "dex") else {
            continue;
        };
        if piaudit_dex::is_dex(&bytes) {
            code.add_dex(&at(name), &bytes, facts);
        } else if apk::zip::looks_like_zip(&bytes) {
            match ZipIndex::parse(&bytes, &opts.limits) {
                Ok(inner) => {
                    for e in inner
                        .entries()
                        .iter()
                        .filter(|e| apk::is_primary_dex(&e.name))
                    {
                        match inner.read(e, budget) {
                            Ok((dex, _)) => {
                                code.add_dex(&format!("{}!{}", at(name), e.name), &dex, facts)
                            }
                            Err(err) => {
                                facts.problem("dex", format!("{}!{}: {err}", at(name), e.name))
                            }
                        }
                    }
                }
                Err(e) => facts.problem("dex", format!("{}: {e}", at(name))),
            }
        }
    }

    // Native libraries: every stored one is read in place; a compressed one is inflated only
    // when no other copy of the same library (another ABI's build) is read (see
    // `native::Selection`).
    let libs: Vec<(&str, &str, &apk::zip::Entry, Option<&[u8]>)> = index
        .entries()
        .iter()
        .filter_map(|entry| {
            let (abi, file) = native::lib_path(&entry.name)?;
            Some((abi, file, entry, index.stored_slice(entry).ok().flatten()))
        })
        .collect();
    let selection = native::Selection::new(
        libs.iter()
            .map(|(abi, file, _, s)| (*abi, *file, s.is_some())),
    );
    for (abi, file, entry, stored) in libs {
        let size = entry.uncompressed_size;
        let lib = match (stored, selection.read_from(file)) {
            (Some(slice), _) => native::describe(abi, file, size, Ok(slice)),
            (None, Some(chosen)) if chosen != abi => native::not_read(abi, file, size, chosen),
            (None, _) => match index.read(entry, budget) {
                Ok((bytes, _)) => native::describe(abi, file, size, Ok(&bytes)),
                Err(e) => native::describe(abi, file, size, Err(e.to_string())),
            },
        };
        facts.native_libs.push(lib);
    }
    xml
}

/// Decodes the APK's layout files into `ui`, within its caps (a layout that does not decode
/// is skipped: layouts are evidence, not structure).
fn read_layouts(
    index: &ZipIndex<'_>,
    budget: &mut Budget,
    resources: Option<&Resources<'_>>,
    ui: &mut crate::layouts::UiScan,
) {
    for entry in index
        .entries()
        .iter()
        .filter(|e| crate::layouts::is_layout(&e.name))
    {
        if !ui.wants_layout(entry.uncompressed_size) {
            break;
        }
        let Ok((bytes, _)) = index.read(entry, budget) else {
            continue;
        };
        if let Ok(axml) = manifest::parse_axml(&bytes, resources) {
            ui.add_layout(&entry.name, bytes.len() as u64, &axml.root, resources);
        }
    }
}

/// The classes whose start-up code runs before the user does anything.
fn startup_classes(facts: &AppFacts) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    if let Some(app) = &facts.application_class {
        out.push((app.clone(), "application"));
    }
    if let Some(launcher) = facts.components.iter().find(|c| c.launcher) {
        // An activity-alias launches its target activity.
        let class = launcher
            .target
            .clone()
            .unwrap_or_else(|| launcher.name.clone());
        out.push((class, "launcher-activity"));
    }
    out
}

/// Final tidying once every APK of the app is in.
fn finish(facts: &mut AppFacts) {
    if facts.target_sdk_effective == 0 {
        facts.target_sdk_effective = facts.target_sdk.or(facts.min_sdk).unwrap_or(1);
    }
}
