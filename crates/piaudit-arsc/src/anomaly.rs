//! Structural anomalies found while opening a resource table: things that are wrong but
//! survivable (clamped chunks, garbage chunks, duplicate packages or type chunks, entry offsets
//! outside their chunk). Owns the capped anomaly log; it must not turn anomalies into errors.

use std::fmt;

/// Keep at most this many anomalies with details; the rest are only counted.
pub const MAX_ANOMALIES: usize = 100;

/// Keep at most this many anomalies of one kind (a crafted table repeats one defect millions
/// of times).
pub const MAX_PER_KIND: usize = 16;

/// What kind of defect an [`Anomaly`] records. [`AnomalyKind::as_str`] gives its stable
/// kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnomalyKind {
    /// A chunk declares a size past the end of its container; it was clamped.
    ChunkOutOfBounds,
    /// A chunk header that cannot be read (header size smaller than 8 or larger than the
    /// chunk); the rest of its container was skipped.
    BadChunk,
    /// A chunk of a type that does not belong where it was found, skipped (with the run of
    /// such chunks it starts).
    UnknownChunk,
    /// Something other than a string pool where a string pool was expected, skipped (the
    /// APKEditor `TableConfuser`).
    StringPoolGarbageChunk,
    /// A string pool (global, type or key) is missing or unreadable; it reads as empty.
    MissingStringPool,
    /// A string pool's declared count does not fit its offset array; clamped.
    StringCountMismatch,
    /// String offsets that point past the string data (those strings read as empty).
    StringOffsetsOutOfBounds,
    /// The table header declares no packages, or none could be read.
    NoPackages,
    /// The package count in the table header disagrees with the package chunks present.
    PackageCountMismatch,
    /// A second package with an id already seen, skipped.
    DuplicatePackageId,
    /// A package header of an unexpected size.
    PackageHeaderSize,
    /// A type or type-spec chunk with type id 0, skipped.
    BadTypeId,
    /// A type chunk's entry index array does not fit in the chunk; the chunk was skipped.
    TypeEntriesOutOfBounds,
    /// A second type chunk with the same type id and configuration, skipped.
    DuplicateTypeChunk,
    /// Entries whose offsets point outside their type chunk, or that are too short to read.
    EntryOutOfBounds,
}

impl AnomalyKind {
    const ALL: [AnomalyKind; 15] = [
        AnomalyKind::ChunkOutOfBounds,
        AnomalyKind::BadChunk,
        AnomalyKind::UnknownChunk,
        AnomalyKind::StringPoolGarbageChunk,
        AnomalyKind::MissingStringPool,
        AnomalyKind::StringCountMismatch,
        AnomalyKind::StringOffsetsOutOfBounds,
        AnomalyKind::NoPackages,
        AnomalyKind::PackageCountMismatch,
        AnomalyKind::DuplicatePackageId,
        AnomalyKind::PackageHeaderSize,
        AnomalyKind::BadTypeId,
        AnomalyKind::TypeEntriesOutOfBounds,
        AnomalyKind::DuplicateTypeChunk,
        AnomalyKind::EntryOutOfBounds,
    ];

    /// Stable kebab-case name (`duplicate-package-id`).
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::ChunkOutOfBounds => "chunk-out-of-bounds",
            AnomalyKind::BadChunk => "bad-chunk",
            AnomalyKind::UnknownChunk => "unknown-chunk",
            AnomalyKind::StringPoolGarbageChunk => "string-pool-garbage-chunk",
            AnomalyKind::MissingStringPool => "missing-string-pool",
            AnomalyKind::StringCountMismatch => "string-count-mismatch",
            AnomalyKind::StringOffsetsOutOfBounds => "string-offsets-out-of-bounds",
            AnomalyKind::NoPackages => "no-packages",
            AnomalyKind::PackageCountMismatch => "package-count-mismatch",
            AnomalyKind::DuplicatePackageId => "duplicate-package-id",
            AnomalyKind::PackageHeaderSize => "package-header-size",
            AnomalyKind::BadTypeId => "bad-type-id",
            AnomalyKind::TypeEntriesOutOfBounds => "type-entries-out-of-bounds",
            AnomalyKind::DuplicateTypeChunk => "duplicate-type-chunk",
            AnomalyKind::EntryOutOfBounds => "entry-out-of-bounds",
        }
    }

    fn index(self) -> usize {
        AnomalyKind::ALL
            .iter()
            .position(|&k| k == self)
            .unwrap_or(0)
    }
}

impl fmt::Display for AnomalyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One survivable structural defect, with a human-readable detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// Category.
    pub kind: AnomalyKind,
    /// Specifics (offsets, counts).
    pub detail: String,
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

/// Anomaly list capped at [`MAX_PER_KIND`] per kind and [`MAX_ANOMALIES`] in all, plus a count
/// of dropped ones.
#[derive(Debug, Clone, Default)]
pub(crate) struct AnomalyLog {
    pub(crate) kept: Vec<Anomaly>,
    pub(crate) dropped: u32,
    per_kind: [u8; AnomalyKind::ALL.len()],
}

impl AnomalyLog {
    pub(crate) fn record(&mut self, kind: AnomalyKind, detail: impl FnOnce() -> String) {
        let count = &mut self.per_kind[kind.index()];
        if self.kept.len() < MAX_ANOMALIES && usize::from(*count) < MAX_PER_KIND {
            *count += 1;
            self.kept.push(Anomaly {
                kind,
                detail: detail(),
            });
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_caps_per_kind_and_in_all() {
        let mut log = AnomalyLog::default();
        for _ in 0..40 {
            log.record(AnomalyKind::BadChunk, || "x".into());
        }
        assert_eq!(log.kept.len(), MAX_PER_KIND);
        assert_eq!(log.dropped, 40 - MAX_PER_KIND as u32);
        for kind in AnomalyKind::ALL {
            for _ in 0..20 {
                log.record(kind, String::new);
            }
        }
        assert!(log.kept.len() <= MAX_ANOMALIES);
        assert_eq!(AnomalyKind::ALL.len(), 15);
        for (i, k) in AnomalyKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
            assert!(
                k.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
            );
        }
    }
}
