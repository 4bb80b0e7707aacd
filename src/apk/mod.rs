//! The container layer: APK files and split bundles, read the way Android reads them.
//!
//! Owns: reading entries with caps ([`zip`]), telling a plain APK from a split bundle
//! (`.apks`, `.xapk`, `.apkm`) and finding its base, and the forensic view of the archive
//! (tamper anomalies and signer certificates, through `apk-info`: [`forensics`]).
//! It must not decode what is inside the entries (manifest, resources, DEX): the decoders do.

pub mod forensics;
pub mod guard;
pub mod zip;

use std::sync::Arc;

pub use zip::{Budget, Entry, Limits, ZipError, ZipIndex};

/// The manifest's path inside an APK.
pub const MANIFEST: &str = "AndroidManifest.xml";
/// The resource table's path inside an APK.
pub const RESOURCE_TABLE: &str = "resources.arsc";

/// An input's bytes, shared between our reader and `apk-info`'s (which wants an owned
/// `Read + Seek`): read into memory, or mapped (large files, see `analyze::Options`).
#[derive(Clone, Debug)]
pub enum SharedBytes {
    Owned(Arc<Vec<u8>>),
    Mapped(Arc<MappedFile>),
}

/// A file mapped read-only, with its open handle (for positional reads that should not touch
/// the mapping, such as `apk-info`'s).
///
/// Only the pages piaudit reads become resident, which is why large inputs are mapped: an
/// APK of mostly stored resources would otherwise sit in memory whole. If another process
/// truncates the file while it is mapped, reading the lost pages would raise SIGBUS; the
/// mapping is registered with [`guard`], which turns those pages into zeros and marks the
/// mapping [`truncated`](MappedFile::truncated) instead, so the caller can refuse the result.
#[derive(Debug)]
pub struct MappedFile {
    // Dropped before `map`: unregistered before it is unmapped.
    guard: guard::Registration,
    map: memmap2::Mmap,
    file: std::fs::File,
}

impl MappedFile {
    /// Maps `file` read-only. Fails where the mapping cannot be guarded (not Linux, or too
    /// many mappings at once): read the file instead.
    pub fn new(file: std::fs::File) -> std::io::Result<MappedFile> {
        // SAFETY: the mapping is read-only and private to this process; the bytes are only
        // ever read through `&[u8]`. A file changed by another process while mapped shows
        // the change; a truncation is caught by the guard (see the type's documentation).
        let map = unsafe { memmap2::Mmap::map(&file)? };
        let guard = guard::Registration::new(map.as_ptr(), map.len()).ok_or_else(|| {
            std::io::Error::other("the mapping cannot be guarded against truncation")
        })?;
        Ok(MappedFile { guard, map, file })
    }

    /// Whether the file was truncated while mapped and a read met the lost pages (which then
    /// read as zeros): what was read from it is not the file's content.
    pub fn truncated(&self) -> bool {
        self.guard.truncated()
    }

    /// The open file, for positional reads.
    pub fn file(&self) -> &std::fs::File {
        &self.file
    }

    /// Hands the whole file to `visit` a window at a time, straight from the mapping (no copy),
    /// and lets go of each window's pages once visited, so that reading every byte (hashing
    /// the input) does not leave the whole file resident in this process. The pages stay in
    /// the system's page cache; an entry read later maps them again.
    pub fn for_each_window(&self, mut visit: impl FnMut(&[u8])) {
        // 1 MiB: large enough that the per-window system calls do not count, small enough
        // that the window's pages are still cached when they are released.
        const WINDOW: usize = 1 << 20;
        let mut offset = 0;
        for window in self.map.chunks(WINDOW) {
            visit(window);
            #[cfg(unix)]
            // SAFETY: the mapping is a private, read-only file mapping that was never written,
            // so dropping its pages discards nothing: a later read maps the file's bytes again.
            // Advice that fails (an unsupported platform) only leaves the pages mapped.
            let _ = unsafe {
                self.map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    offset,
                    window.len(),
                )
            };
            offset += window.len();
        }
    }
}

impl AsRef<[u8]> for MappedFile {
    fn as_ref(&self) -> &[u8] {
        &self.map
    }
}

impl SharedBytes {
    /// In-memory bytes.
    pub fn owned(bytes: Vec<u8>) -> SharedBytes {
        SharedBytes::Owned(Arc::new(bytes))
    }
}

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            SharedBytes::Owned(bytes) => bytes,
            SharedBytes::Mapped(mapped) => (**mapped).as_ref(),
        }
    }
}

/// How the APKs of one app are laid out in a zip archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// A plain APK: the archive itself has `AndroidManifest.xml`.
    Apk,
    /// A bundle of split APKs: `base` and `splits` are entry names inside the archive.
    Bundle {
        /// `xapk`, `apkm` or `apks`.
        kind: &'static str,
        base: String,
        splits: Vec<String>,
    },
}

/// Why an input is not an app piaudit can read at all.
#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    #[error(transparent)]
    Zip(#[from] ZipError),
    #[error("no AndroidManifest.xml and no base APK in the archive")]
    NoManifest,
    #[error("an app bundle (.aab) is not an installable APK: build APKs from it with bundletool")]
    AppBundle,
}

/// Decides whether an archive is an APK or a bundle of splits, and which entry is the base.
///
/// `is_split(name)` tells whether the APK entry `name` is a split (its manifest has `split=`);
/// the caller decodes manifests, this module does not.
pub fn layout(
    index: &ZipIndex<'_>,
    is_split: &mut dyn FnMut(&str) -> Option<bool>,
) -> Result<Layout, ContainerError> {
    // An archive with its own manifest is an APK; one with code but no manifest (a JAR, a
    // stripped APK) is read for its code alone.
    if index.entry(MANIFEST).is_some() || index.entries().iter().any(|e| is_primary_dex(&e.name)) {
        return Ok(Layout::Apk);
    }
    if index.entry("BundleConfig.pb").is_some()
        && index.entry("base/manifest/AndroidManifest.xml").is_some()
    {
        return Err(ContainerError::AppBundle);
    }
    let apks: Vec<&str> = index
        .entries()
        .iter()
        .map(|e| e.name.as_str())
        .filter(|n| has_extension(n, ".apk"))
        // bundletool's standalone and universal APKs are alternatives, not splits
        .filter(|n| !n.starts_with("standalones/") && !n.starts_with("universal"))
        .collect();
    if apks.is_empty() {
        return Err(ContainerError::NoManifest);
    }
    let kind = if index.entry("manifest.json").is_some() {
        "xapk"
    } else if index.entry("toc.pb").is_some() {
        "apks"
    } else {
        "apkm"
    };
    let named = xapk_base_name(index)
        .into_iter()
        .chain(["base.apk".to_owned(), "splits/base-master.apk".to_owned()])
        .find(|n| apks.contains(&n.as_str()));
    let base = match named {
        Some(n) => n,
        None => apks
            .iter()
            .find(|n| is_split(n) == Some(false))
            .map(|n| (*n).to_owned())
            .ok_or(ContainerError::NoManifest)?,
    };
    let splits = apks
        .iter()
        .filter(|n| **n != base)
        .map(|n| (*n).to_owned())
        .collect();
    Ok(Layout::Bundle { kind, base, splits })
}

/// The base APK named by an XAPK's `manifest.json` (`split_apks[id=base].file`, else
/// `<package_name>.apk`).
fn xapk_base_name(index: &ZipIndex<'_>) -> Option<String> {
    let entry = index.entry("manifest.json")?;
    if entry.uncompressed_size > 1 << 20 {
        return None;
    }
    let mut budget = Budget::new(Limits::default());
    let (bytes, _) = index.read(entry, &mut budget).ok()?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let from_splits = json
        .get("split_apks")
        .and_then(|s| s.as_array())
        .and_then(|splits| {
            splits
                .iter()
                .find(|s| s.get("id").and_then(|i| i.as_str()) == Some("base"))
        })
        .and_then(|s| s.get("file"))
        .and_then(|f| f.as_str())
        .map(str::to_owned);
    from_splits.or_else(|| {
        json.get("package_name")
            .and_then(|p| p.as_str())
            .map(|p| format!("{p}.apk"))
    })
}

/// Whether `name` ends with `ext` (ASCII, any case). Byte-wise: entry names are hostile and
/// may hold any UTF-8, so slicing them at a byte offset could split a character.
pub fn has_extension(name: &str, ext: &str) -> bool {
    let (n, e) = (name.as_bytes(), ext.as_bytes());
    n.len() > e.len() && n[n.len() - e.len()..].eq_ignore_ascii_case(e)
}

/// Whether an entry name is a top-level DEX file Android loads (`classes.dex`, `classesN.dex`).
pub fn is_primary_dex(name: &str) -> bool {
    name.strip_prefix("classes")
        .and_then(|rest| rest.strip_suffix(".dex"))
        .is_some_and(|mid| {
            mid.is_empty() || (mid.bytes().all(|b| b.is_ascii_digit()) && mid != "1")
        })
}

/// The load order of `classesN.dex` (classes.dex = 1).
pub fn dex_order(name: &str) -> u32 {
    name.strip_prefix("classes")
        .and_then(|rest| rest.strip_suffix(".dex"))
        .map(|mid| {
            if mid.is_empty() {
                1
            } else {
                mid.parse().unwrap_or(u32::MAX)
            }
        })
        .unwrap_or(u32::MAX)
}

/// Whether an entry may carry code loaded at run time (plugin frameworks, packers):
/// DEX, JAR or APK files under `assets/` or `res/raw/`.
pub fn is_nested_code(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("assets/") || lower.starts_with("res/raw/"))
        && [".dex", ".jar", ".apk", ".zip"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dex_names_follow_android_rules() {
        assert!(is_primary_dex("classes.dex"));
        assert!(is_primary_dex("classes2.dex"));
        assert!(is_primary_dex("classes17.dex"));
        assert!(!is_primary_dex("classes1.dex"));
        assert!(!is_primary_dex("assets/classes.dex"));
        assert!(!is_primary_dex("classesX.dex"));
        assert!(has_extension("base.APK", ".apk"));
        assert!(!has_extension("��.apk\u{fffd}", ".apk"));
        assert!(!has_extension("�", ".apk"));
        assert_eq!(dex_order("classes.dex"), 1);
        assert_eq!(dex_order("classes10.dex"), 10);
    }
}
