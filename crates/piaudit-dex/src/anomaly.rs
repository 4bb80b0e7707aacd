//! Structural anomalies found while opening a DEX file: things that are wrong but survivable
//! (clamped tables, a bad map list, size mismatches). Owns the capped anomaly log; it must not
//! turn anomalies into errors.

use std::fmt;

/// Keep at most this many anomalies with details; the rest are only counted.
pub const MAX_ANOMALIES: usize = 100;

/// What kind of defect an [`Anomaly`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnomalyKind {
    /// Header `file_size` differs from the bytes present (or from the v41 container size).
    FileSizeMismatch,
    /// An id table does not fit in the file; it was clamped to the entries that fit.
    TableClamped,
    /// Two header tables (or a table and the header) overlap.
    TableOverlap,
    /// A table offset is not 4-byte aligned.
    TableMisaligned,
    /// `data_off`/`data_size` do not describe a range inside the file.
    DataSectionOutOfBounds,
    /// `map_off` is zero.
    MissingMap,
    /// The map list is out of bounds, misaligned or truncated.
    MapOutOfBounds,
    /// A map item lies outside the file.
    MapItemOutOfBounds,
    /// Map items are not in increasing offset order, or fixed-size sections overlap.
    MapOverlap,
    /// A map item type is unknown or appears twice.
    MapBadItemType,
    /// The map and the header disagree about an id table.
    MapHeaderMismatch,
    /// `header_size` is larger than this version's header (the extra bytes are ignored).
    HeaderSizeUnusual,
    /// An id table declares more entries than the format allows (type and proto ids: 65535);
    /// it was clamped to the limit.
    TableOverFormatLimit,
    /// The string data is out of order and there are too many strings to index their ends
    /// within the memory budget: strings are left unresolved.
    StringsUnindexed,
}

impl fmt::Display for AnomalyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
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

/// Anomaly list capped at [`MAX_ANOMALIES`] entries plus a count of dropped ones.
#[derive(Debug, Clone, Default)]
pub(crate) struct AnomalyLog {
    pub(crate) kept: Vec<Anomaly>,
    pub(crate) dropped: u32,
}

impl AnomalyLog {
    pub(crate) fn record(&mut self, kind: AnomalyKind, detail: impl FnOnce() -> String) {
        if self.kept.len() < MAX_ANOMALIES {
            self.kept.push(Anomaly {
                kind,
                detail: detail(),
            });
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }
}
