//! Opening a DEX file: header validation, id-table bounds (clamped to the bytes present), map-list
//! checks and string-data bounds. Owns `Dex` and its structural invariants; it must not decode
//! code or class data (see `code.rs`, `class.rs`) and must never allocate by a declared count.

use crate::anomaly::{Anomaly, AnomalyKind, AnomalyLog};
use crate::error::DexError;
use crate::reader::{adler32, u32_at, uleb128};

/// Size of the header of DEX versions 035..=040.
pub const HEADER_SIZE: usize = 0x70;
/// Size of the header of DEX version 041 (adds `container_size` and `header_offset`).
pub const HEADER_SIZE_V41: usize = 0x78;
/// The "no index" marker used for optional indices (superclass, source file).
pub const NO_INDEX: u32 = 0xffff_ffff;

const ENDIAN_CONSTANT: u32 = 0x1234_5678;
const MIN_VERSION: u16 = 35;
const MAX_VERSION: u16 = 41;
const CONTAINER_VERSION: u16 = 41;

/// Returns true when `data` starts with a DEX magic of a version this crate reads (035..=041).
pub fn is_dex(data: &[u8]) -> bool {
    matches!(magic_version(data), Some(Ok(MIN_VERSION..=MAX_VERSION)))
}

/// Parses `dex\nNNN\0`: `None` if too short, `Some(Err)` if not a DEX magic.
fn magic_version(data: &[u8]) -> Option<Result<u16, DexError>> {
    let magic: [u8; 8] = data.get(..8)?.try_into().ok()?;
    let [b'd', b'e', b'x', b'\n', d0, d1, d2, 0] = magic else {
        return Some(Err(DexError::BadMagic(magic)));
    };
    if ![d0, d1, d2].iter().all(u8::is_ascii_digit) {
        return Some(Err(DexError::BadMagic(magic)));
    }
    let digit = |d: u8| u16::from(d - b'0');
    Some(Ok(digit(d0) * 100 + digit(d1) * 10 + digit(d2)))
}

/// A bounds-checked id table: every entry in `0..count` lies inside the data.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Table {
    pub(crate) off: u32,
    pub(crate) count: u32,
    pub(crate) entry_size: u32,
}

impl Table {
    /// Byte offset of entry `idx`, if it exists.
    #[inline]
    pub(crate) fn entry(&self, idx: u32) -> Option<usize> {
        if idx >= self.count {
            return None;
        }
        // Cannot overflow: the table was clamped to fit inside a slice.
        Some(self.off as usize + idx as usize * self.entry_size as usize)
    }

    fn end(&self) -> u64 {
        u64::from(self.off) + u64::from(self.count) * u64::from(self.entry_size)
    }
}

/// How the end of each string's character data is found.
#[derive(Debug, Clone)]
pub(crate) enum StringBounds {
    /// String data offsets increase with the index: string `i` ends before string `i + 1` starts.
    Ordered,
    /// Offsets are out of order: precomputed NUL position per string (`u32::MAX` when there is
    /// none before the next string's data, or when the string shares its data with another).
    Precomputed(Vec<u32>),
}

/// A parsed DEX file borrowing its bytes. Cheap to query; all accessors are bounds-checked.
#[derive(Debug, Clone)]
pub struct Dex<'a> {
    /// Everything offsets may point into (the file, or the v41 container), clamped to the input.
    pub(crate) data: &'a [u8],
    pub(crate) version: u16,
    pub(crate) header_offset: usize,
    pub(crate) header_size: usize,
    pub(crate) file_size: u32,
    pub(crate) checksum: u32,
    pub(crate) string_ids: Table,
    pub(crate) type_ids: Table,
    pub(crate) proto_ids: Table,
    pub(crate) field_ids: Table,
    pub(crate) method_ids: Table,
    pub(crate) class_defs: Table,
    pub(crate) call_site_ids: Table,
    pub(crate) method_handles: Table,
    pub(crate) string_bounds: StringBounds,
    pub(crate) anomalies: AnomalyLog,
}

// Header field offsets (relative to the header start).
const OFF_CHECKSUM: usize = 8;
const OFF_FILE_SIZE: usize = 32;
const OFF_HEADER_SIZE: usize = 36;
const OFF_ENDIAN_TAG: usize = 40;
const OFF_MAP: usize = 52;
const OFF_DATA_SIZE: usize = 104;
const OFF_CONTAINER_SIZE: usize = 112;
const OFF_HEADER_OFFSET: usize = 116;

/// (name, count field, offset field, entry size, map item type)
const ID_TABLES: [(&str, usize, usize, u32, u16); 6] = [
    ("string_ids", 56, 60, 4, 0x0001),
    ("type_ids", 64, 68, 4, 0x0002),
    ("proto_ids", 72, 76, 12, 0x0003),
    ("field_ids", 80, 84, 8, 0x0004),
    ("method_ids", 88, 92, 8, 0x0005),
    ("class_defs", 96, 100, 32, 0x0006),
];

const MAP_CALL_SITE_IDS: u16 = 0x0007;
const MAP_METHOD_HANDLES: u16 = 0x0008;
const MAP_ITEM_SIZE: u64 = 12;

/// Fixed entry size of a map item type, `Some(0)` for known variable-size types, `None` if unknown.
fn map_item_entry_size(item_type: u16) -> Option<u64> {
    match item_type {
        0x0001 | 0x0002 | 0x0007 => Some(4),
        0x0003 => Some(12),
        0x0004 | 0x0005 | 0x0008 => Some(8),
        0x0006 => Some(32),
        0x0000 | 0x1000..=0x1003 | 0x2000..=0x2006 | 0xf000 => Some(0),
        _ => None,
    }
}

impl<'a> Dex<'a> {
    /// Parses the DEX file at the start of `data` (for a v41 container, its first DEX).
    ///
    /// Fails only when the header itself is unusable (bad magic, unsupported version, big-endian,
    /// too short, bad header size). Defects elsewhere are clamped and listed in [`Dex::anomalies`].
    pub fn parse(data: &'a [u8]) -> Result<Self, DexError> {
        Self::parse_at(data, 0)
    }

    /// Parses the DEX whose header starts at `header_offset` in `data`.
    ///
    /// For v41 containers, `data` must be the whole container (header offsets are relative to
    /// its start) and `header_offset` the value from [`Dex::next_in_container`]. For older
    /// versions the DEX is read from `data[header_offset..]`.
    pub fn parse_at(data: &'a [u8], header_offset: usize) -> Result<Self, DexError> {
        let header_bytes = data.get(header_offset..).unwrap_or_default();
        let version = match magic_version(header_bytes) {
            None => {
                return Err(DexError::TooShort {
                    len: header_bytes.len(),
                    need: HEADER_SIZE,
                });
            }
            Some(result) => result?,
        };
        if !(MIN_VERSION..=MAX_VERSION).contains(&version) {
            return Err(DexError::UnsupportedVersion(version));
        }
        let need = if version >= CONTAINER_VERSION {
            HEADER_SIZE_V41
        } else {
            HEADER_SIZE
        };
        if header_bytes.len() < need {
            return Err(DexError::TooShort {
                len: header_bytes.len(),
                need,
            });
        }
        let field = |off: usize| u32_at(header_bytes, off).unwrap_or(0);
        let endian_tag = field(OFF_ENDIAN_TAG);
        if endian_tag != ENDIAN_CONSTANT {
            return Err(DexError::BadEndianTag(endian_tag));
        }
        let header_size = field(OFF_HEADER_SIZE);
        if (header_size as usize) < need || header_size as usize > header_bytes.len() {
            return Err(DexError::BadHeaderSize {
                header_size,
                version,
            });
        }
        let mut anomalies = AnomalyLog::default();
        if header_size as usize != need {
            anomalies.record(AnomalyKind::HeaderSizeUnusual, || {
                format!("header_size {header_size:#x}, expected {need:#x}")
            });
        }
        let file_size = field(OFF_FILE_SIZE);
        let (data, base) = if version >= CONTAINER_VERSION {
            (
                container_slice(data, header_offset, header_bytes, &mut anomalies)?,
                header_offset,
            )
        } else {
            if file_size as usize != header_bytes.len() {
                anomalies.record(AnomalyKind::FileSizeMismatch, || {
                    format!(
                        "header file_size {file_size} but {} bytes present; reading the bytes present",
                        header_bytes.len()
                    )
                });
            }
            (header_bytes, 0)
        };
        let header_end = base + header_size as usize;

        let mut tables = [Table::default(); 6];
        for (slot, &(name, count_off, off_off, entry_size, _)) in tables.iter_mut().zip(&ID_TABLES)
        {
            *slot = clamp_table(
                data,
                name,
                field(count_off),
                field(off_off),
                entry_size,
                &mut anomalies,
            );
            // Readers size per-id tables by these counts: the format's own limits keep them
            // small whatever the file claims (a file of zeros "holds" 134 M type ids).
            if matches!(name, "type_ids" | "proto_ids") && slot.count > MAX_TYPE_OR_PROTO_IDS {
                let declared = slot.count;
                anomalies.record(AnomalyKind::TableOverFormatLimit, || {
                    format!("{name}: {declared} entries, over the format's limit of {MAX_TYPE_OR_PROTO_IDS}")
                });
                slot.count = MAX_TYPE_OR_PROTO_IDS;
            }
        }
        check_table_overlaps(&tables, base, header_end, &mut anomalies);
        if version < CONTAINER_VERSION {
            check_data_section(
                data,
                field(OFF_DATA_SIZE),
                field(OFF_DATA_SIZE + 4),
                &mut anomalies,
            );
        }
        let [
            string_ids,
            type_ids,
            proto_ids,
            field_ids,
            method_ids,
            class_defs,
        ] = tables;
        let header_fields: [(u32, u32); 6] = ID_TABLES.map(|(_, c, o, _, _)| (field(c), field(o)));
        let map = check_map(data, field(OFF_MAP), &header_fields, &mut anomalies);
        let string_bounds = compute_string_bounds(data, &string_ids, &mut anomalies);
        Ok(Dex {
            data,
            version,
            header_offset: base,
            header_size: header_size as usize,
            file_size,
            checksum: field(OFF_CHECKSUM),
            string_ids,
            type_ids,
            proto_ids,
            field_ids,
            method_ids,
            class_defs,
            call_site_ids: map.call_site_ids,
            method_handles: map.method_handles,
            string_bounds,
            anomalies,
        })
    }

    /// DEX format version: 35..=41.
    pub fn version(&self) -> u16 {
        self.version
    }

    /// Structural anomalies found while parsing (at most [`crate::MAX_ANOMALIES`]).
    pub fn anomalies(&self) -> &[Anomaly] {
        &self.anomalies.kept
    }

    /// Number of anomalies beyond [`crate::MAX_ANOMALIES`] that were counted but not kept.
    pub fn anomalies_dropped(&self) -> u32 {
        self.anomalies.dropped
    }

    /// The `file_size` declared in the header.
    pub fn declared_file_size(&self) -> u32 {
        self.file_size
    }

    /// Whether the header's Adler-32 checksum matches the bytes (of this DEX; for v41, of the
    /// bytes from this header to the next one).
    pub fn checksum_matches(&self) -> bool {
        let end = if self.version >= CONTAINER_VERSION {
            self.header_offset.saturating_add(self.file_size as usize)
        } else {
            self.data.len()
        };
        let start = self.header_offset + OFF_CHECKSUM + 4;
        match self.data.get(start..end.min(self.data.len())) {
            Some(bytes) => adler32(bytes) == self.checksum,
            None => false,
        }
    }

    /// For a v41 container: offset of the next DEX header after this one, if any. Parse it with
    /// [`Dex::parse_at`] on the same container bytes. Always `None` for older versions.
    pub fn next_in_container(&self) -> Option<usize> {
        if self.version < CONTAINER_VERSION || self.file_size == 0 {
            return None;
        }
        let next = self.header_offset.checked_add(self.file_size as usize)?;
        (next.checked_add(HEADER_SIZE_V41)? <= self.data.len()).then_some(next)
    }

    /// Raw bytes offsets point into.
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.data
    }
}

/// Bounds the v41 container: `container_size` from the header, clamped to the input.
fn container_slice<'a>(
    data: &'a [u8],
    header_offset: usize,
    header_bytes: &[u8],
    anomalies: &mut AnomalyLog,
) -> Result<&'a [u8], DexError> {
    let declared_offset = u32_at(header_bytes, OFF_HEADER_OFFSET).unwrap_or(0);
    if declared_offset as usize != header_offset {
        return Err(DexError::BadContainer {
            offset: header_offset,
            reason: "header_offset field does not match the header position",
        });
    }
    let container_size = u32_at(header_bytes, OFF_CONTAINER_SIZE).unwrap_or(0) as usize;
    if container_size < header_offset.saturating_add(HEADER_SIZE_V41) {
        return Err(DexError::BadContainer {
            offset: header_offset,
            reason: "container_size does not cover this header",
        });
    }
    if container_size != data.len() {
        anomalies.record(AnomalyKind::FileSizeMismatch, || {
            format!(
                "container_size {container_size} but {} bytes present; reading the bytes present",
                data.len()
            )
        });
    }
    Ok(data.get(..container_size).unwrap_or(data))
}

/// Clamps a declared id table to the entries that fit in `data`.
fn clamp_table(
    data: &[u8],
    name: &'static str,
    count: u32,
    off: u32,
    entry_size: u32,
    anomalies: &mut AnomalyLog,
) -> Table {
    if count == 0 {
        return Table {
            off,
            count: 0,
            entry_size,
        };
    }
    if off % 4 != 0 {
        anomalies.record(AnomalyKind::TableMisaligned, || {
            format!("{name} offset {off:#x} is not 4-byte aligned")
        });
    }
    let fitting = data.len().saturating_sub(off as usize) / entry_size as usize;
    let fitting = u32::try_from(fitting).unwrap_or(u32::MAX);
    if count > fitting {
        anomalies.record(AnomalyKind::TableClamped, || {
            format!("{name}: {count} entries declared at {off:#x}, only {fitting} fit in the file")
        });
    }
    Table {
        off,
        count: count.min(fitting),
        entry_size,
    }
}

fn check_table_overlaps(tables: &[Table; 6], base: usize, header_end: usize, log: &mut AnomalyLog) {
    let mut ranges: Vec<(u64, u64, &str)> = Vec::with_capacity(7);
    ranges.push((base as u64, header_end as u64, "header"));
    for (table, (name, ..)) in tables.iter().zip(&ID_TABLES) {
        if table.count > 0 {
            ranges.push((u64::from(table.off), table.end(), name));
        }
    }
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        if let [(_, end_a, name_a), (start_b, _, name_b)] = pair
            && start_b < end_a
        {
            log.record(AnomalyKind::TableOverlap, || {
                format!("{name_a} (ends {end_a:#x}) overlaps {name_b} (starts {start_b:#x})")
            });
        }
    }
}

fn check_data_section(data: &[u8], size: u32, off: u32, log: &mut AnomalyLog) {
    let end = u64::from(off) + u64::from(size);
    if size > 0 && end > data.len() as u64 {
        log.record(AnomalyKind::DataSectionOutOfBounds, || {
            format!(
                "data section {off:#x}+{size:#x} exceeds {} bytes",
                data.len()
            )
        });
    }
}

/// Tables only the map list knows about.
struct MapTables {
    call_site_ids: Table,
    method_handles: Table,
}

/// Validates the map list against the file and the header; never fails.
fn check_map(
    data: &[u8],
    map_off: u32,
    header_fields: &[(u32, u32); 6],
    log: &mut AnomalyLog,
) -> MapTables {
    let mut tables = MapTables {
        call_site_ids: Table {
            entry_size: 4,
            ..Table::default()
        },
        method_handles: Table {
            entry_size: 8,
            ..Table::default()
        },
    };
    if map_off == 0 {
        log.record(AnomalyKind::MissingMap, || "map_off is 0".to_owned());
        return tables;
    }
    if map_off % 4 != 0 {
        log.record(AnomalyKind::MapOutOfBounds, || {
            format!("map_off {map_off:#x} is not 4-byte aligned")
        });
    }
    let Some(declared) = u32_at(data, map_off as usize) else {
        log.record(AnomalyKind::MapOutOfBounds, || {
            format!("map_off {map_off:#x} is outside the file")
        });
        return tables;
    };
    let items_start = u64::from(map_off) + 4;
    let fitting = (data.len() as u64).saturating_sub(items_start) / MAP_ITEM_SIZE;
    let count = u64::from(declared).min(fitting);
    if u64::from(declared) > fitting {
        log.record(AnomalyKind::MapOutOfBounds, || {
            format!("map list declares {declared} items, only {fitting} fit")
        });
    }
    let mut seen_types: Vec<u16> = Vec::new();
    let mut prev: Option<(u64, u64, u16)> = None; // (start, end of fixed-size extent, type)
    for i in 0..count {
        let at = (items_start + i * MAP_ITEM_SIZE) as usize;
        let item_type = crate::reader::u16_at(data, at).unwrap_or(0);
        let size = u32_at(data, at + 4).unwrap_or(0);
        let offset = u32_at(data, at + 8).unwrap_or(0);
        let entry_size = map_item_entry_size(item_type);
        if entry_size.is_none() || seen_types.contains(&item_type) {
            log.record(AnomalyKind::MapBadItemType, || {
                format!("map item {i}: unknown or repeated type {item_type:#06x}")
            });
        } else if seen_types.len() < 32 {
            seen_types.push(item_type);
        }
        let start = u64::from(offset);
        let extent = match (item_type, entry_size) {
            (0x0000, _) => HEADER_SIZE as u64,
            (0x1000, _) => 4 + u64::from(size) * MAP_ITEM_SIZE,
            (_, Some(entry)) => entry * u64::from(size),
            (_, None) => 0,
        };
        let end = start + extent;
        if size > 0 && (start >= data.len() as u64 || end > data.len() as u64) {
            log.record(AnomalyKind::MapItemOutOfBounds, || {
                format!(
                    "map item type {item_type:#06x} at {offset:#x} (+{extent:#x}) exceeds {} bytes",
                    data.len()
                )
            });
        }
        if let Some((prev_start, prev_end, prev_type)) = prev
            && (start < prev_start || start < prev_end)
        {
            log.record(AnomalyKind::MapOverlap, || {
                format!(
                    "map item type {item_type:#06x} at {offset:#x} overlaps or precedes type {prev_type:#06x} at {prev_start:#x}..{prev_end:#x}"
                )
            });
        }
        prev = Some((start, end, item_type));
        if let Some(index) = ID_TABLES.iter().position(|t| t.4 == item_type)
            && let Some(&(header_count, header_off)) = header_fields.get(index)
            && (header_count != size || (size > 0 && header_off != offset))
        {
            log.record(AnomalyKind::MapHeaderMismatch, || {
                format!(
                    "map says {} = {size} at {offset:#x}, header says {header_count} at {header_off:#x}",
                    ID_TABLES.get(index).map_or("?", |t| t.0)
                )
            });
        }
        match item_type {
            MAP_CALL_SITE_IDS => {
                tables.call_site_ids = clamp_table(data, "call_site_ids", size, offset, 4, log);
            }
            MAP_METHOD_HANDLES => {
                tables.method_handles = clamp_table(data, "method_handles", size, offset, 8, log);
            }
            _ => {}
        }
    }
    tables
}

/// Most type ids and proto ids a DEX may have (the format's limit: their indices are 16-bit).
pub const MAX_TYPE_OR_PROTO_IDS: u32 = 65_535;
/// Most strings whose ends are indexed when their data is out of order (12 bytes each while
/// indexing: 48 MiB). Compilers write ordered data; real files have well under a million strings.
pub const MAX_INDEXED_STRINGS: u32 = 4 << 20;

/// Decides how string ends are found. Linear in the string count plus, only when the string
/// data is out of order, one sort and one pass over the data: never quadratic. Out-of-order
/// data with more than [`MAX_INDEXED_STRINGS`] strings is not indexed (its strings stay
/// unresolved): the index would cost memory by the declared count, not by real strings.
fn compute_string_bounds(
    data: &[u8],
    string_ids: &Table,
    anomalies: &mut AnomalyLog,
) -> StringBounds {
    let offset_of = |idx: u32| string_ids.entry(idx).and_then(|at| u32_at(data, at));
    let mut prev: Option<u32> = None;
    let ordered = (0..string_ids.count).all(|idx| {
        let off = offset_of(idx);
        let increasing = match (prev, off) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(p), Some(o)) => o > p,
        };
        prev = off;
        increasing
    });
    if ordered {
        return StringBounds::Ordered;
    }
    if string_ids.count > MAX_INDEXED_STRINGS {
        let count = string_ids.count;
        anomalies.record(AnomalyKind::StringsUnindexed, || {
            format!("{count} strings with out-of-order data, over {MAX_INDEXED_STRINGS}: left unresolved")
        });
        return StringBounds::Precomputed(Vec::new());
    }
    // (start of character data, string index), for strings whose length prefix is readable.
    let mut starts: Vec<(u32, u32)> = (0..string_ids.count)
        .filter_map(|idx| {
            let mut pos = offset_of(idx)? as usize;
            uleb128(data, &mut pos).ok()?;
            Some((u32::try_from(pos).ok()?, idx))
        })
        .collect();
    starts.sort_unstable();
    let mut ends = vec![u32::MAX; string_ids.count as usize];
    // A string's data must end (NUL) before the next string's data starts, and no two strings
    // may share data: such strings stay unresolvable, which keeps decoding all strings linear.
    for (pos, &(start, idx)) in starts.iter().enumerate() {
        let shares_start = |other: Option<&(u32, u32)>| other.is_some_and(|o| o.0 == start);
        let next = starts.get(pos + 1);
        if shares_start(next) || shares_start(pos.checked_sub(1).and_then(|p| starts.get(p))) {
            continue;
        }
        let limit = next.map_or(data.len(), |n| n.0 as usize);
        let window = data.get(start as usize..limit).unwrap_or_default();
        if let (Some(nul), Some(slot)) = (memchr::memchr(0, window), ends.get_mut(idx as usize)) {
            *slot = u32::try_from(start as usize + nul).unwrap_or(u32::MAX);
        }
    }
    StringBounds::Precomputed(ends)
}
