//! The resource table: `ResTable_header`, its global string pool and `ResTable_package` chunks
//! with their type and key pools, type specs and type chunks. Owns walking the chunk tree once
//! (indexing one small record per type chunk, never per entry), decoding entries on demand
//! (dense, `FLAG_SPARSE`, `FLAG_OFFSET16`; simple, complex and compact entries) and the lookups
//! by id and by name. It must not interpret values (formatting them is the caller's job).

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::anomaly::{Anomaly, AnomalyKind, AnomalyLog};
use crate::config::Config;
use crate::error::ArscError;
use crate::pool::{STRING_POOL_TYPE, StringPool};
use crate::reader::{CHUNK_HEADER, Chunk, u8_at, u16_at, u32_at};

/// `RES_TABLE_TYPE`.
pub const TABLE_TYPE: u16 = 0x0002;
const PACKAGE_TYPE: u16 = 0x0200;
const TYPE_TYPE: u16 = 0x0201;
const TYPE_SPEC_TYPE: u16 = 0x0202;
const LIBRARY_TYPE: u16 = 0x0203;
const OVERLAYABLE_TYPE: u16 = 0x0204;
const OVERLAYABLE_POLICY_TYPE: u16 = 0x0205;
const STAGED_ALIAS_TYPE: u16 = 0x0206;

/// Size of `ResTable_header`.
const TABLE_HEADER: usize = 12;
/// Size of `ResTable_package` without `typeIdOffset` (old) and with it.
const PACKAGE_HEADER_OLD: usize = 284;
const PACKAGE_HEADER: usize = 288;
/// Offset of `ResTable_config` in `ResTable_type`.
const TYPE_CONFIG_AT: usize = 20;

/// `ResTable_type::FLAG_SPARSE`.
pub const TYPE_FLAG_SPARSE: u8 = 0x01;
/// `ResTable_type::FLAG_OFFSET16`.
pub const TYPE_FLAG_OFFSET16: u8 = 0x02;
/// `ResTable_entry::FLAG_COMPLEX`.
pub const ENTRY_FLAG_COMPLEX: u16 = 0x0001;
/// `ResTable_entry::FLAG_COMPACT`.
pub const ENTRY_FLAG_COMPACT: u16 = 0x0008;
/// `NO_ENTRY` in a 32-bit entry offset.
const NO_ENTRY: u32 = u32::MAX;

/// `Res_value::TYPE_REFERENCE`.
pub const TYPE_REFERENCE: u8 = 0x01;
/// `Res_value::TYPE_STRING`.
pub const TYPE_STRING: u8 = 0x03;
/// `Res_value::TYPE_DYNAMIC_REFERENCE`.
pub const TYPE_DYNAMIC_REFERENCE: u8 = 0x07;

/// A parsed resource table over borrowed bytes.
#[derive(Debug)]
pub struct Table<'a> {
    data: &'a [u8],
    strings: StringPool<'a>,
    packages: Vec<Package<'a>>,
    log: AnomalyLog,
}

/// One `ResTable_package`.
#[derive(Debug)]
pub struct Package<'a> {
    data: &'a [u8],
    raw_id: u32,
    name_at: usize,
    type_strings: StringPool<'a>,
    key_strings: StringPool<'a>,
    /// Type chunks sorted by (type id, configuration), duplicates removed.
    types: Vec<TypeChunk>,
    /// Name lookups, built on first use.
    names: NameIndex,
}

/// Indexes for lookups by name, built on first use: key strings by hash, and per type the
/// lowest entry id of each key. Each is bounded by the pool or index sizes (a small multiple of
/// the input); at most [`MAX_TYPE_INDEXES`] types per package are indexed, the rest are scanned.
#[derive(Debug, Default)]
struct NameIndex {
    /// (hash of the key string, key index), sorted.
    keys: OnceLock<Box<[(u64, u32)]>>,
    /// (type id, lowest entry id per key index or `u32::MAX`).
    types: Mutex<Vec<(u8, Box<[u32]>)>>,
}

/// Types per package whose name index is kept.
const MAX_TYPE_INDEXES: usize = 16;

fn hash_str(s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// One `ResTable_type` chunk: the index of its entries, never the entries themselves.
#[derive(Debug, Clone)]
pub struct TypeChunk {
    type_id: u8,
    flags: u8,
    entry_count: u32,
    /// Start of the entry index array.
    index: usize,
    /// Start of the entry data (`entriesStart`).
    entries: usize,
    /// End of the chunk.
    end: usize,
    config: Config,
    qualifier: Box<str>,
    /// Entries holding a simple string value (counted while the chunk is checked at parse
    /// time), and the largest key index among them.
    string_values: u32,
    max_string_key: u32,
}

/// A `Res_value`: a type tag and 32 bits of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    /// `Res_value::dataType` (`TYPE_STRING` = 3, `TYPE_REFERENCE` = 1, ...).
    pub data_type: u8,
    /// `Res_value::data`.
    pub data: u32,
}

/// What an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryValue {
    /// A single value (a plain or a compact entry).
    Simple(Value),
    /// A map (style, array, plural, attribute...). Its name/value pairs are not decoded.
    Complex {
        /// Parent map resource id, or 0.
        parent: u32,
        /// Number of name/value pairs declared.
        count: u32,
    },
}

/// One decoded `ResTable_entry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Entry id (the low 16 bits of the resource id).
    pub id: u16,
    /// Index into the package's key pool.
    pub key: u32,
    /// `ResTable_entry` flags.
    pub flags: u16,
    /// The value.
    pub value: EntryValue,
}

impl Entry {
    /// The entry's value, when it is a simple one.
    pub fn simple(&self) -> Option<Value> {
        match self.value {
            EntryValue::Simple(v) => Some(v),
            EntryValue::Complex { .. } => None,
        }
    }

    /// The entry's value when it is a simple string (what makes a string resource).
    pub fn string_value(&self) -> Option<Value> {
        self.simple().filter(|v| v.data_type == TYPE_STRING)
    }
}

/// The result of looking a resource up by id.
#[derive(Debug, Clone, Copy)]
pub struct Found<'t, 'a> {
    /// The package holding it.
    pub package: &'t Package<'a>,
    /// The type chunk (configuration) the entry was found in.
    pub chunk: &'t TypeChunk,
    /// The entry.
    pub entry: Entry,
}

/// A resource's `type/key` name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceName<'a> {
    /// Type name (`string`).
    pub type_name: Cow<'a, str>,
    /// Key (`app_name`).
    pub key: Cow<'a, str>,
}

impl fmt::Display for ResourceName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.type_name, self.key)
    }
}

/// Splits a resource id into package, type and entry ids.
pub fn split_id(id: u32) -> (u8, u8, u16) {
    ((id >> 24) as u8, (id >> 16) as u8, id as u16)
}

impl<'a> Table<'a> {
    /// Opens a resource table. Fails only when the bytes are not a resource table at all;
    /// everything else is recovered from and recorded in [`Table::anomalies`]. Allocates one
    /// record per package and per type chunk.
    pub fn parse(data: &'a [u8]) -> Result<Table<'a>, ArscError> {
        if data.len() < TABLE_HEADER {
            return Err(ArscError::TooShort { len: data.len() });
        }
        let kind = u16_at(data, 0).unwrap_or(0);
        if kind != TABLE_TYPE {
            return Err(ArscError::NotATable(kind));
        }
        let header_size = usize::from(u16_at(data, 2).unwrap_or(0));
        if header_size < TABLE_HEADER {
            return Err(ArscError::BadHeader("header size smaller than 12 bytes"));
        }
        let root = Chunk::read(data, 0, data.len())
            .ok_or(ArscError::BadHeader("header size larger than the chunk"))?;
        let mut log = AnomalyLog::default();
        if root.clamped {
            log.record(AnomalyKind::ChunkOutOfBounds, || {
                format!(
                    "table chunk declares {} bytes, {} present",
                    u32_at(data, 4).unwrap_or(0),
                    data.len()
                )
            });
        }
        let declared_packages = u32_at(data, 8).unwrap_or(0);
        let mut table = Table {
            data,
            strings: StringPool::empty(),
            packages: Vec::new(),
            log,
        };
        let mut have_pool = false;
        let mut in_unknown_run = false;
        let mut seen_packages = 0u32;
        walk(data, root.body, root.end, &mut table.log, |chunk, log| {
            match chunk.kind {
                STRING_POOL_TYPE if !have_pool => {
                    have_pool = true;
                    table.strings = StringPool::open(data, chunk, "global", log);
                }
                PACKAGE_TYPE => {
                    seen_packages += 1;
                    if let Some(p) = Package::open(data, chunk, log) {
                        if table.packages.iter().any(|q| q.id() == p.id()) {
                            log.record(AnomalyKind::DuplicatePackageId, || {
                                format!("package id {:#04x} at {:#x}", p.id(), chunk.start)
                            });
                        } else {
                            table.packages.push(p);
                        }
                    }
                }
                other if !have_pool => log.record(AnomalyKind::StringPoolGarbageChunk, || {
                    format!(
                        "chunk of type {other:#06x} ({} bytes) at {:#x} in place of the string pool",
                        chunk.end - chunk.start,
                        chunk.start
                    )
                }),
                other => {
                    if !in_unknown_run {
                        log.record(AnomalyKind::UnknownChunk, || {
                            format!("chunk of type {other:#06x} at {:#x} in the table", chunk.start)
                        });
                    }
                    in_unknown_run = true;
                    return;
                }
            }
            in_unknown_run = false;
        });
        if !have_pool {
            table.log.record(AnomalyKind::MissingStringPool, || {
                "the table has no global string pool".to_owned()
            });
        }
        if declared_packages == 0 || table.packages.is_empty() {
            table.log.record(AnomalyKind::NoPackages, || {
                format!("{declared_packages} packages declared, {seen_packages} present")
            });
        } else if declared_packages != seen_packages {
            table.log.record(AnomalyKind::PackageCountMismatch, || {
                format!("{declared_packages} packages declared, {seen_packages} present")
            });
        }
        Ok(table)
    }

    /// Defects recovered from while opening the table (capped; see
    /// [`Table::anomalies_dropped`]).
    pub fn anomalies(&self) -> &[Anomaly] {
        &self.log.kept
    }

    /// How many anomalies were left out of [`Table::anomalies`] by the caps.
    pub fn anomalies_dropped(&self) -> u32 {
        self.log.dropped
    }

    /// The global value string pool.
    pub fn strings(&self) -> &StringPool<'a> {
        &self.strings
    }

    /// Packages, in file order (a repeated package id is skipped).
    pub fn packages(&self) -> &[Package<'a>] {
        &self.packages
    }

    /// The package with id `id`.
    pub fn package(&self, id: u8) -> Option<&Package<'a>> {
        self.packages.iter().find(|p| p.id() == id)
    }

    /// The string a `TYPE_STRING` value points at in the global pool (`None` when the index is
    /// past the pool).
    pub fn string_value(&self, value: Value) -> Option<Cow<'a, str>> {
        self.strings.get(value.data)
    }

    /// Looks resource `id` up: in the default configuration, then in the first configuration
    /// whose qualifier is in `prefer` (tried in that order), then in any configuration (in
    /// configuration order). An id without an entry in a configuration is absent there; the
    /// first configuration holding an entry answers, whatever the entry's kind.
    pub fn lookup<'t>(&'t self, id: u32, prefer: &[&str]) -> Option<Found<'t, 'a>> {
        let (pkg, type_id, entry_id) = split_id(id);
        let package = self.package(pkg)?;
        let chunks = package.chunks(type_id);
        let data = self.data;
        let found = |chunk: &'t TypeChunk| -> Option<Found<'t, 'a>> {
            let entry = chunk.entry(data, entry_id)?;
            Some(Found {
                package,
                chunk,
                entry,
            })
        };
        chunks
            .iter()
            .filter(|c| c.config.is_default())
            .find_map(found)
            .or_else(|| {
                prefer.iter().find_map(|want| {
                    chunks
                        .iter()
                        .filter(|c| &*c.qualifier == *want)
                        .find_map(found)
                })
            })
            .or_else(|| chunks.iter().find_map(found))
    }

    /// The `type/key` name of resource `id` (from the first configuration holding it).
    pub fn name(&self, id: u32) -> Option<ResourceName<'a>> {
        let found = self.lookup(id, &[])?;
        let (_, type_id, _) = split_id(id);
        Some(ResourceName {
            type_name: found.package.type_name(type_id)?,
            key: found.package.key_strings.get(found.entry.key)?,
        })
    }

    /// The id of the resource named `type_name/key` in any package and configuration; when
    /// several resources share the name (obfuscated tables), the lowest id.
    pub fn find_id(&self, type_name: &str, key: &str) -> Option<u32> {
        self.packages
            .iter()
            .filter_map(|p| {
                let type_id = p.type_id(type_name)?;
                let keys = p.key_indices(key);
                if keys.is_empty() {
                    return None;
                }
                let entry = p.lowest_entry(type_id, &keys)?;
                Some(u32::from(p.id()) << 24 | u32::from(type_id) << 16 | u32::from(entry))
            })
            .min()
    }

    /// Every string resource (simple entries of `TYPE_STRING` in the type named `string`) in
    /// every configuration: packages in file order, configurations in configuration order,
    /// entries in index order.
    pub fn string_resources(&self) -> StringResources<'_, 'a> {
        self.string_resources_where(|_| true)
    }

    /// The string resources of the configurations `wanted` accepts, in the order of
    /// [`Table::string_resources`]; the entries of the other configurations are not even
    /// looked at.
    pub fn string_resources_where(&self, wanted: fn(&Config) -> bool) -> StringResources<'_, 'a> {
        StringResources {
            table: self,
            package: 0,
            chunk: None,
            chunk_end: 0,
            slot: 0,
            wanted,
        }
    }

    /// How many items [`Table::string_resources`] yields, without decoding any string.
    pub fn string_resource_count(&self) -> usize {
        self.string_resources().count()
    }

    /// How many string resources each configuration holds, without decoding any string:
    /// (qualifier, count) per type chunk of the `string` type that holds at least one, in the
    /// order of [`Table::string_resources`] (a qualifier repeats when several packages have
    /// it).
    pub fn string_resource_counts(&self) -> Vec<(&str, usize)> {
        let mut out: Vec<(&str, usize)> = Vec::new();
        for package in &self.packages {
            let Some(string_type) = package.type_id("string") else {
                continue;
            };
            let keys = package.key_strings.len();
            for chunk in package.chunks(string_type) {
                // Counted at parse time; the entries are only read again when some key is
                // past the key pool (those are not string resources: a tampered table).
                let n = if chunk.string_values == 0 || chunk.max_string_key < keys {
                    chunk.string_values as usize
                } else {
                    self.entries(chunk)
                        .filter(|e| e.key < keys && e.string_value().is_some())
                        .count()
                };
                if n > 0 {
                    out.push((chunk.qualifier(), n));
                }
            }
        }
        out
    }

    /// Entries of one type chunk, decoded on demand.
    pub fn entries<'t>(&'t self, chunk: &'t TypeChunk) -> Entries<'t> {
        chunk.entries(self.data)
    }
}

/// Walks the chunks in `[start, end)`, calling `visit` for each readable one. A chunk whose
/// size overstates its container is clamped (anomaly); an unreadable header ends the walk
/// (anomaly). Always advances by at least a chunk header.
fn walk(
    data: &[u8],
    start: usize,
    end: usize,
    log: &mut AnomalyLog,
    mut visit: impl FnMut(Chunk, &mut AnomalyLog),
) {
    let mut pos = start;
    while pos.saturating_add(CHUNK_HEADER) <= end {
        let Some(chunk) = Chunk::read(data, pos, end) else {
            log.record(AnomalyKind::BadChunk, || {
                format!(
                    "unreadable chunk header at {pos:#x}; {} bytes skipped",
                    end - pos
                )
            });
            return;
        };
        if chunk.clamped {
            log.record(AnomalyKind::ChunkOutOfBounds, || {
                format!(
                    "chunk of type {:#06x} at {pos:#x} declares {} bytes, {} left",
                    chunk.kind,
                    u32_at(data, pos + 4).unwrap_or(0),
                    end - pos
                )
            });
        }
        visit(chunk, log);
        pos = chunk.end;
    }
}

impl<'a> Package<'a> {
    fn open(data: &'a [u8], chunk: Chunk, log: &mut AnomalyLog) -> Option<Package<'a>> {
        let hs = chunk.header_size();
        if hs < PACKAGE_HEADER_OLD {
            log.record(AnomalyKind::PackageHeaderSize, || {
                format!(
                    "package at {:#x} has a {hs}-byte header; skipped",
                    chunk.start
                )
            });
            return None;
        }
        if hs != PACKAGE_HEADER && hs != PACKAGE_HEADER_OLD {
            log.record(AnomalyKind::PackageHeaderSize, || {
                format!("package at {:#x} has a {hs}-byte header", chunk.start)
            });
        }
        let raw_id = u32_at(data, chunk.start + 8).unwrap_or(0);
        let type_off = u32_at(data, chunk.start + 268).unwrap_or(0);
        let key_off = u32_at(data, chunk.start + 276).unwrap_or(0);
        // A pool at a declared offset (AOSP), when it is a string pool inside the package.
        let at = |off: u32| -> Option<Chunk> {
            let start = chunk.start.checked_add(usize::try_from(off).ok()?)?;
            if off == 0 || start < chunk.body {
                return None;
            }
            Chunk::read(data, start, chunk.end).filter(|c| c.kind == STRING_POOL_TYPE)
        };
        let mut type_chunk = at(type_off);
        let mut key_chunk = at(key_off);
        let mut types: Vec<TypeChunk> = Vec::new();
        let mut in_unknown_run = false;
        walk(data, chunk.body, chunk.end, log, |c, log| {
            match c.kind {
                STRING_POOL_TYPE => {
                    let taken = |x: &Option<Chunk>| x.is_some_and(|x| x.start == c.start);
                    if taken(&type_chunk) || taken(&key_chunk) {
                    } else if type_chunk.is_none() {
                        type_chunk = Some(c);
                    } else if key_chunk.is_none() {
                        key_chunk = Some(c);
                    } else {
                        if !in_unknown_run {
                            log.record(AnomalyKind::UnknownChunk, || {
                                format!("extra string pool at {:#x} in a package", c.start)
                            });
                        }
                        in_unknown_run = true;
                        return;
                    }
                }
                TYPE_TYPE => {
                    if let Some(t) = TypeChunk::open(data, c, log) {
                        types.push(t);
                    }
                }
                TYPE_SPEC_TYPE => {
                    if u8_at(data, c.start + 8).unwrap_or(0) == 0 {
                        log.record(AnomalyKind::BadTypeId, || {
                            format!("type spec at {:#x} has type id 0", c.start)
                        });
                    }
                }
                LIBRARY_TYPE | OVERLAYABLE_TYPE | OVERLAYABLE_POLICY_TYPE | STAGED_ALIAS_TYPE => {}
                other => {
                    if !in_unknown_run {
                        log.record(AnomalyKind::UnknownChunk, || {
                            format!("chunk of type {other:#06x} at {:#x} in a package", c.start)
                        });
                    }
                    in_unknown_run = true;
                    return;
                }
            }
            in_unknown_run = false;
        });
        let mut pool = |c: Option<Chunk>, what: &str| match c {
            Some(c) => StringPool::open(data, c, what, log),
            None => {
                log.record(AnomalyKind::MissingStringPool, || {
                    format!("package at {:#x} has no {what} string pool", chunk.start)
                });
                StringPool::empty()
            }
        };
        let type_strings = pool(type_chunk, "type");
        let key_strings = pool(key_chunk, "key");
        // Stable: among equal (type, configuration) the first in the file comes first.
        types.sort_by(|a, b| (a.type_id, &a.config).cmp(&(b.type_id, &b.config)));
        let before = types.len();
        let mut first_duplicate = None;
        types.dedup_by(|later, earlier| {
            let same = later.type_id == earlier.type_id && later.config == earlier.config;
            if same && first_duplicate.is_none() {
                first_duplicate = Some((later.type_id, later.qualifier.clone()));
            }
            same
        });
        if let Some((type_id, qualifier)) = first_duplicate {
            let dropped = before - types.len();
            log.record(AnomalyKind::DuplicateTypeChunk, || {
                format!(
                    "{dropped} type chunks repeat a type and configuration (first: type {type_id}, config {qualifier:?}); skipped"
                )
            });
        }
        types.shrink_to_fit();
        Some(Package {
            data,
            raw_id,
            name_at: chunk.start + 12,
            type_strings,
            key_strings,
            types,
            names: NameIndex::default(),
        })
    }

    /// Indices of the keys equal to `key` (through the hash index).
    fn key_indices(&self, key: &str) -> Vec<u32> {
        let index = self.names.keys.get_or_init(|| {
            let mut v: Vec<(u64, u32)> = (0..self.key_strings.len())
                .filter_map(|i| Some((hash_str(&self.key_strings.get(i)?), i)))
                .collect();
            v.sort_unstable();
            v.into_boxed_slice()
        });
        let h = hash_str(key);
        let lo = index.partition_point(|&(x, _)| x < h);
        index[lo..]
            .iter()
            .take_while(|&&(x, _)| x == h)
            .map(|&(_, i)| i)
            .filter(|&i| self.key_strings.eq_at(i, key))
            .take(64)
            .collect()
    }

    /// The lowest entry id of type `type_id` whose key is one of `keys`.
    fn lowest_entry(&self, type_id: u8, keys: &[u32]) -> Option<u16> {
        let scan = || {
            self.chunks(type_id)
                .iter()
                .flat_map(|c| c.entries(self.data))
                .filter(|e| keys.contains(&e.key))
                .map(|e| e.id)
                .min()
        };
        let mut built = self
            .names
            .types
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let at = match built.iter().position(|(t, _)| *t == type_id) {
            Some(at) => at,
            None if built.len() < MAX_TYPE_INDEXES => {
                let mut lowest = vec![u32::MAX; self.key_strings.len() as usize];
                for e in self
                    .chunks(type_id)
                    .iter()
                    .flat_map(|c| c.entries(self.data))
                {
                    if let Some(slot) = lowest.get_mut(e.key as usize) {
                        *slot = (*slot).min(u32::from(e.id));
                    }
                }
                built.push((type_id, lowest.into_boxed_slice()));
                built.len() - 1
            }
            None => return scan(),
        };
        let lowest = &built[at].1;
        keys.iter()
            .filter_map(|&k| lowest.get(k as usize).copied())
            .filter(|&id| id != u32::MAX)
            .min()
            .and_then(|id| u16::try_from(id).ok())
    }

    /// Package id (the high byte of its resource ids).
    pub fn id(&self) -> u8 {
        self.raw_id as u8
    }

    /// Package name (`com.example.app`).
    pub fn name(&self) -> String {
        let raw = self
            .data
            .get(self.name_at..self.name_at + 256)
            .unwrap_or(&[]);
        let units = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0);
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    }

    /// The type-name pool (`attr`, `drawable`, `string`...; type id `n` is string `n - 1`).
    pub fn type_strings(&self) -> &StringPool<'a> {
        &self.type_strings
    }

    /// The entry-key pool.
    pub fn key_strings(&self) -> &StringPool<'a> {
        &self.key_strings
    }

    /// Name of type `type_id`.
    pub fn type_name(&self, type_id: u8) -> Option<Cow<'a, str>> {
        self.type_strings.get(u32::from(type_id).checked_sub(1)?)
    }

    /// Id of the type named `name` (the first one).
    pub fn type_id(&self, name: &str) -> Option<u8> {
        let idx = self.type_strings.find_all(name).next()?;
        u8::try_from(idx + 1).ok()
    }

    /// Every type chunk, sorted by type id then configuration.
    pub fn type_chunks(&self) -> &[TypeChunk] {
        &self.types
    }

    /// The type chunks of type `type_id`, in configuration order (the default configuration,
    /// when present, first).
    pub fn chunks(&self, type_id: u8) -> &[TypeChunk] {
        let lo = self.types.partition_point(|t| t.type_id < type_id);
        let hi = self.types.partition_point(|t| t.type_id <= type_id);
        self.types.get(lo..hi).unwrap_or(&[])
    }
}

impl TypeChunk {
    fn open(data: &[u8], c: Chunk, log: &mut AnomalyLog) -> Option<TypeChunk> {
        let hs = c.header_size();
        if hs < TYPE_CONFIG_AT + 4 {
            log.record(AnomalyKind::BadChunk, || {
                format!("type chunk at {:#x} has a {hs}-byte header", c.start)
            });
            return None;
        }
        let type_id = u8_at(data, c.start + 8).unwrap_or(0);
        let flags = u8_at(data, c.start + 9).unwrap_or(0);
        let entry_count = u32_at(data, c.start + 12).unwrap_or(0);
        let entries_start = u32_at(data, c.start + 16).unwrap_or(0);
        if type_id == 0 {
            log.record(AnomalyKind::BadTypeId, || {
                format!("type chunk at {:#x} has type id 0", c.start)
            });
            return None;
        }
        let (config, _) = Config::read(data, c.start + TYPE_CONFIG_AT, hs - TYPE_CONFIG_AT);
        let width: u64 = if flags & (TYPE_FLAG_SPARSE | TYPE_FLAG_OFFSET16) == TYPE_FLAG_OFFSET16 {
            2
        } else {
            4
        };
        let index_end = c.body as u64 + u64::from(entry_count) * width;
        let entries = c.start as u64 + u64::from(entries_start);
        if index_end > c.end as u64 || entries > c.end as u64 {
            log.record(AnomalyKind::TypeEntriesOutOfBounds, || {
                format!(
                    "type {type_id} chunk at {:#x}: {entry_count} entries from {entries:#x} do not fit in its {} bytes; skipped",
                    c.start,
                    c.end - c.start
                )
            });
            return None;
        }
        let mut chunk = TypeChunk {
            type_id,
            flags,
            entry_count,
            index: c.body,
            entries: entries as usize,
            end: c.end,
            qualifier: config.qualifier().into_boxed_str(),
            config,
            string_values: 0,
            max_string_key: 0,
        };
        let mut bad = 0usize;
        let (mut string_values, mut max_string_key) = (0u32, 0u32);
        let mut pos = chunk.skip_empty(data, 0);
        while pos < entry_count {
            if let Some((_, off)) = chunk.slot(data, pos).filter(|&(_, off)| off != NO_ENTRY) {
                match chunk.decode(data, 0, off) {
                    None => bad += 1,
                    Some(e) if e.string_value().is_some() => {
                        string_values += 1;
                        max_string_key = max_string_key.max(e.key);
                    }
                    Some(_) => {}
                }
            }
            pos = chunk.skip_empty(data, pos + 1);
        }
        chunk.string_values = string_values;
        chunk.max_string_key = max_string_key;
        if bad != 0 {
            log.record(AnomalyKind::EntryOutOfBounds, || {
                format!(
                    "{bad} entries of the type {type_id} chunk at {:#x} lie outside it or are truncated",
                    c.start
                )
            });
        }
        Some(chunk)
    }

    /// Type id.
    pub fn type_id(&self) -> u8 {
        self.type_id
    }

    /// `ResTable_type` flags ([`TYPE_FLAG_SPARSE`], [`TYPE_FLAG_OFFSET16`]).
    pub fn flags(&self) -> u8 {
        self.flags
    }

    /// Number of slots in the entry index.
    pub fn entry_count(&self) -> u32 {
        self.entry_count
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The configuration's qualifier string (`""` for the default configuration).
    pub fn qualifier(&self) -> &str {
        &self.qualifier
    }

    fn is_sparse(&self) -> bool {
        self.flags & TYPE_FLAG_SPARSE != 0
    }

    /// Index slot `pos`: (entry id, offset from the entry data or `NO_ENTRY`).
    fn slot(&self, data: &[u8], pos: u32) -> Option<(u16, u32)> {
        if pos >= self.entry_count {
            return None;
        }
        let p = pos as usize;
        let off16 = |v: u16| {
            if v == u16::MAX {
                NO_ENTRY
            } else {
                u32::from(v) * 4
            }
        };
        if self.is_sparse() {
            let at = self.index + p * 4;
            Some((u16_at(data, at)?, off16(u16_at(data, at + 2)?)))
        } else {
            let id = u16::try_from(pos).ok()?;
            if self.flags & TYPE_FLAG_OFFSET16 != 0 {
                Some((id, off16(u16_at(data, self.index + p * 2)?)))
            } else {
                Some((id, u32_at(data, self.index + p * 4)?))
            }
        }
    }

    /// The first position at or after `pos` whose slot is not the empty marker (`entry_count`
    /// when there is none), found by scanning the index as a block: most slots of most
    /// translations are empty (framework-res: 4.4 million `string` slots for 152,000
    /// strings), and this is several times faster than one [`TypeChunk::slot`] call each. A
    /// sparse index has no empty slots; a slot the data does not hold is not skipped (the
    /// caller's `slot` call reports it as it always did).
    fn skip_empty(&self, data: &[u8], pos: u32) -> u32 {
        if pos >= self.entry_count || self.is_sparse() {
            return pos;
        }
        let width = if self.flags & TYPE_FLAG_OFFSET16 != 0 {
            2
        } else {
            4
        };
        let start = self.index.saturating_add(pos as usize * width);
        let end = self
            .index
            .saturating_add(self.entry_count as usize * width)
            .min(data.len());
        let Some(index) = data.get(start..end) else {
            return pos;
        };
        let empty = index
            .chunks_exact(width)
            .take_while(|slot| slot.iter().all(|&b| b == 0xff))
            .count();
        pos.saturating_add(u32::try_from(empty).unwrap_or(u32::MAX))
            .min(self.entry_count)
    }

    /// Decodes the entry at `off` from the entry data, bounded by the chunk.
    fn decode(&self, data: &[u8], id: u16, off: u32) -> Option<Entry> {
        let at = self.entries.checked_add(usize::try_from(off).ok()?)?;
        let end = self.end;
        let get16 = |o: usize| {
            if at.checked_add(o + 2)? <= end {
                u16_at(data, at + o)
            } else {
                None
            }
        };
        let get32 = |o: usize| {
            if at.checked_add(o + 4)? <= end {
                u32_at(data, at + o)
            } else {
                None
            }
        };
        let size = get16(0)?;
        let flags = get16(2)?;
        if flags & ENTRY_FLAG_COMPACT != 0 {
            return Some(Entry {
                id,
                key: u32::from(size),
                flags,
                value: EntryValue::Simple(Value {
                    data_type: (flags >> 8) as u8,
                    data: get32(4)?,
                }),
            });
        }
        let key = get32(4)?;
        let size = usize::from(size);
        if size < 8 {
            return None;
        }
        let value = if flags & ENTRY_FLAG_COMPLEX != 0 {
            EntryValue::Complex {
                parent: get32(8)?,
                count: get32(12)?,
            }
        } else {
            // Res_value { size, res0, dataType, data } right after the entry header
            EntryValue::Simple(Value {
                data_type: u8_at(data, at.checked_add(size + 3)?)
                    .filter(|_| at + size + 8 <= end)?,
                data: get32(size + 4)?,
            })
        };
        Some(Entry {
            id,
            key,
            flags,
            value,
        })
    }

    /// The entry with id `entry_id` (sparse: binary search, then a linear scan for tampered,
    /// unsorted indexes).
    pub fn entry(&self, data: &[u8], entry_id: u16) -> Option<Entry> {
        let pos = if self.is_sparse() {
            let id_at = |pos: u32| self.slot(data, pos).map_or(u16::MAX, |(id, _)| id);
            let (mut lo, mut hi) = (0u32, self.entry_count);
            let mut hit = None;
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                match id_at(mid).cmp(&entry_id) {
                    std::cmp::Ordering::Less => lo = mid + 1,
                    std::cmp::Ordering::Greater => hi = mid,
                    std::cmp::Ordering::Equal => {
                        hit = Some(mid);
                        break;
                    }
                }
            }
            match hit {
                Some(p) => p,
                None => (0..self.entry_count).find(|&p| id_at(p) == entry_id)?,
            }
        } else {
            u32::from(entry_id)
        };
        let (id, off) = self.slot(data, pos)?;
        if off == NO_ENTRY {
            return None;
        }
        self.decode(data, id, off)
    }

    /// Every present, readable entry, in index order.
    pub fn entries<'t>(&'t self, data: &'t [u8]) -> Entries<'t> {
        Entries {
            chunk: self,
            data,
            pos: 0,
        }
    }
}

/// Iterator over the entries of a type chunk ([`TypeChunk::entries`]).
#[derive(Debug, Clone)]
pub struct Entries<'t> {
    chunk: &'t TypeChunk,
    data: &'t [u8],
    pos: u32,
}

impl Iterator for Entries<'_> {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        loop {
            self.pos = self.chunk.skip_empty(self.data, self.pos);
            if self.pos >= self.chunk.entry_count {
                break;
            }
            let pos = self.pos;
            self.pos += 1;
            let Some((id, off)) = self.chunk.slot(self.data, pos) else {
                continue;
            };
            if off == NO_ENTRY {
                continue;
            }
            if let Some(e) = self.chunk.decode(self.data, id, off) {
                return Some(e);
            }
        }
        None
    }
}

/// One string resource in one configuration ([`Table::string_resources`]).
#[derive(Debug, Clone)]
pub struct StringResource<'t, 'a> {
    /// Resource id.
    pub id: u32,
    /// Key (`app_name`, without `string/`).
    pub name: Cow<'a, str>,
    /// The configuration.
    pub config: &'t Config,
    /// Its qualifier string (`""` for the default configuration).
    pub qualifier: &'t str,
    /// The string (empty when its index is past the global pool).
    pub value: Cow<'a, str>,
}

/// Iterator over every string resource ([`Table::string_resources`]).
#[derive(Debug, Clone)]
pub struct StringResources<'t, 'a> {
    table: &'t Table<'a>,
    package: usize,
    /// Current chunk index in the package's type chunks, and the end of the string type's run.
    chunk: Option<usize>,
    chunk_end: usize,
    slot: u32,
    /// Which configurations are visited.
    wanted: fn(&Config) -> bool,
}

impl<'t, 'a> StringResources<'t, 'a> {
    /// The next string entry, undecoded: (package, chunk, entry, value).
    fn advance(&mut self) -> Option<(&'t Package<'a>, &'t TypeChunk, Entry, Value)> {
        let table = self.table;
        loop {
            let package = table.packages.get(self.package)?;
            let Some(ci) = self.chunk else {
                // Enter the package: find the run of `string` type chunks.
                let run = package.type_id("string").map(|t| {
                    let lo = package.types.partition_point(|c| c.type_id < t);
                    (lo, lo + package.chunks(t).len())
                });
                match run {
                    Some((lo, hi)) if lo < hi => {
                        self.chunk = Some(lo);
                        self.chunk_end = hi;
                        self.slot = 0;
                    }
                    _ => self.package += 1,
                }
                continue;
            };
            if ci >= self.chunk_end {
                self.package += 1;
                self.chunk = None;
                continue;
            }
            let chunk = &package.types[ci];
            if self.slot == 0 && !(self.wanted)(&chunk.config) {
                self.slot = chunk.entry_count;
            }
            self.slot = chunk.skip_empty(table.data, self.slot);
            if self.slot >= chunk.entry_count {
                self.chunk = Some(ci + 1);
                self.slot = 0;
                continue;
            }
            let pos = self.slot;
            self.slot += 1;
            let Some((id, off)) = chunk.slot(table.data, pos) else {
                continue;
            };
            if off == NO_ENTRY {
                continue;
            }
            let Some(entry) = chunk.decode(table.data, id, off) else {
                continue;
            };
            let Some(value) = entry.string_value() else {
                continue;
            };
            if entry.key >= package.key_strings.len() {
                continue;
            }
            return Some((package, chunk, entry, value));
        }
    }
}

impl<'t, 'a> Iterator for StringResources<'t, 'a> {
    type Item = StringResource<'t, 'a>;

    fn next(&mut self) -> Option<StringResource<'t, 'a>> {
        let (package, chunk, entry, value) = self.advance()?;
        Some(StringResource {
            id: u32::from(package.id()) << 24
                | u32::from(chunk.type_id) << 16
                | u32::from(entry.id),
            name: package.key_strings.get(entry.key).unwrap_or_default(),
            config: &chunk.config,
            qualifier: &chunk.qualifier,
            value: self
                .table
                .strings
                .get(value.data)
                .unwrap_or(Cow::Borrowed("")),
        })
    }

    fn count(mut self) -> usize {
        let mut n = 0;
        while self.advance().is_some() {
            n += 1;
        }
        n
    }
}
