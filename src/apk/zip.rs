//! A bounded, Android-style reader for the entries of a zip archive held in memory.
//!
//! Owns: locating the end of central directory (EOCD, ZIP64 too), reading the central directory
//! (authoritative, as Android's libziparchive treats it), finding each entry's data through its
//! local header, and inflating with hard caps (in one libdeflate call when the declared size is
//! within them, else step by step with zlib-rs). It must not interpret what the entries mean.
//!
//! Why our own and not `apk-info-zip`'s `ZipEntry::read` for entry data: that reader inflates
//! to whatever the stream produces (up to 4 GiB per entry, never cut to the declared size), and a
//! caller cannot cap it. An APK is hostile input, so a zip bomb must be an error for that APK at
//! a limit the caller chooses, never an allocation of gigabytes. `apk-info` still reads the same
//! bytes for its tamper anomalies and signature blocks (see `apk::forensics`), and our tests
//! check that both readers agree on the entry list.
//!
//! Android-compatible leniency (the BadPack techniques): an unknown compression method whose
//! compressed and uncompressed sizes are equal is read as stored; any other unknown method is
//! tried as deflate and then as stored; the local header's method, sizes and flags are ignored
//! (the central directory wins), only its name and extra lengths place the data.

use std::collections::HashMap;

use flate2::{Decompress, FlushDecompress, Status};

/// Limits on what reading entries may allocate. One set per app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest inflated size of one entry.
    pub max_entry: u64,
    /// Largest inflated size of all entries read from one app, together.
    pub max_total: u64,
    /// Largest inflated/compressed ratio, enforced once an entry exceeds `ratio_floor` bytes.
    pub max_ratio: u64,
    /// Below this inflated size the ratio is not checked (small, highly repetitive files are normal).
    pub ratio_floor: u64,
    /// Largest number of central directory entries accepted.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entry: 512 << 20,
            max_total: 2 << 30,
            max_ratio: 200,
            ratio_floor: 8 << 20,
            max_entries: 500_000,
        }
    }
}

impl Limits {
    /// Whether `inflated` bytes out of `compressed` input pass the ratio cap (checked only
    /// above `ratio_floor`): the one rule both inflaters apply.
    fn ratio_too_high(&self, inflated: u64, compressed: usize) -> bool {
        inflated > self.ratio_floor && inflated / (compressed as u64).max(1) > self.max_ratio
    }
}

/// Why an archive or an entry could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ZipError {
    #[error("not a zip archive: no end of central directory record")]
    NoEocd,
    #[error("central directory at {offset} (size {size}) lies outside the file ({len} bytes)")]
    CentralDirectoryOutOfBounds { offset: u64, size: u64, len: u64 },
    #[error("central directory has {0} entries, more than the limit")]
    TooManyEntries(u64),
    #[error("entry '{0}' not found")]
    NotFound(String),
    #[error("entry '{name}': local header at {offset} is missing or outside the file")]
    BadLocalHeader { name: String, offset: u64 },
    #[error("entry '{name}': data ({len} bytes at {offset}) runs past the end of the file")]
    Truncated { name: String, offset: u64, len: u64 },
    #[error("entry '{name}': corrupt deflate stream: {reason}")]
    Corrupt { name: String, reason: String },
    #[error("entry '{name}': inflates past the per-entry limit of {limit} bytes (zip bomb?)")]
    EntryTooLarge { name: String, limit: u64 },
    #[error(
        "entry '{name}': reading it would pass the per-app limit of {limit} inflated bytes (zip bomb?)"
    )]
    TotalTooLarge { name: String, limit: u64 },
    #[error("entry '{name}': compression ratio over {ratio}:1 (zip bomb?)")]
    RatioTooHigh { name: String, ratio: u64 },
}

/// How an entry's data was stored, as found (not as declared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
    /// An unknown method, read the way Android reads it (the value is the declared method).
    Unknown(u16),
}

/// One central directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub method: u16,
    pub flags: u16,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub local_header_offset: u64,
}

/// A structural oddity in the archive that a reader recovered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipOddity {
    pub kind: &'static str,
    pub detail: String,
}

/// The index of an in-memory zip archive.
#[derive(Debug)]
pub struct ZipIndex<'a> {
    data: &'a [u8],
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    oddities: Vec<ZipOddity>,
}

const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD64_LOCATOR_SIG: u32 = 0x0706_4b50;
const EOCD64_SIG: u32 = 0x0606_4b50;
const CDH_SIG: u32 = 0x0201_4b50;
const LFH_SIG: u32 = 0x0403_4b50;
const MAX_ODDITIES: usize = 64;
/// The largest ratio a deflate stream can reach (258 bytes per 2-bit code, rounded up).
const MAX_DEFLATE_RATIO: u64 = 1032;

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        d.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}
fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        d.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}
fn u64_at(d: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        d.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Whether `data` starts like a zip archive (a local header or an empty archive's EOCD).
pub fn looks_like_zip(data: &[u8]) -> bool {
    matches!(u32_at(data, 0), Some(LFH_SIG) | Some(EOCD_SIG))
}

impl<'a> ZipIndex<'a> {
    /// Reads the central directory of `data`.
    pub fn parse(data: &'a [u8], limits: &Limits) -> Result<ZipIndex<'a>, ZipError> {
        let eocd = find_eocd(data).ok_or(ZipError::NoEocd)?;
        let mut oddities = Vec::new();
        let mut total = u64::from(u16_at(data, eocd + 10).unwrap_or(0));
        let mut cd_size = u64::from(u32_at(data, eocd + 12).unwrap_or(0));
        let mut cd_offset = u64::from(u32_at(data, eocd + 16).unwrap_or(0));
        if total == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
            if let Some((t, s, o)) = read_zip64_eocd(data, eocd) {
                total = t;
                cd_size = s;
                cd_offset = o;
            }
        }
        let len = data.len() as u64;
        // Android locates the central directory by the EOCD's offset. Some tools prepend
        // data (self-extracting stubs); then the directory sits right before the EOCD.
        let cd_end = cd_offset.checked_add(cd_size);
        if cd_end.is_none_or(|end| end > eocd as u64) {
            let guess = (eocd as u64).checked_sub(cd_size);
            match guess.filter(|g| u32_at(data, *g as usize) == Some(CDH_SIG)) {
                Some(g) => {
                    oddities.push(ZipOddity {
                        kind: "central-directory-offset",
                        detail: format!("declared at {cd_offset}, found at {g}"),
                    });
                    cd_offset = g;
                }
                None => {
                    return Err(ZipError::CentralDirectoryOutOfBounds {
                        offset: cd_offset,
                        size: cd_size,
                        len,
                    });
                }
            }
        }
        if total > limits.max_entries as u64 {
            return Err(ZipError::TooManyEntries(total));
        }
        let cd_start = cd_offset as usize;
        let cd_end = (cd_offset + cd_size).min(len) as usize;
        let mut entries = Vec::with_capacity((total as usize).min(cd_size as usize / 46 + 1));
        let mut by_name = HashMap::with_capacity(entries.capacity());
        let mut at = cd_start;
        while at < cd_end && entries.len() < limits.max_entries {
            let Some(entry_len) = parse_central_header(data, at, &mut entries) else {
                oddities.push(ZipOddity {
                    kind: "central-directory-truncated",
                    detail: format!("unreadable central directory header at {at}"),
                });
                break;
            };
            at += entry_len;
            let idx = entries.len() - 1;
            let name = entries[idx].name.clone();
            match by_name.entry(name) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    // Android refuses archives with duplicate names; analysers that take the
                    // last one can be shown a different file than the installer would use.
                    push_oddity(
                        &mut oddities,
                        "duplicate-name",
                        format!("'{}' appears more than once; the first is used", e.key()),
                    );
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(idx);
                }
            }
        }
        if entries.len() as u64 != total && total != 0xFFFF {
            push_oddity(
                &mut oddities,
                "entry-count-mismatch",
                format!(
                    "EOCD declares {total} entries, the directory holds {}",
                    entries.len()
                ),
            );
        }
        Ok(ZipIndex {
            data,
            entries,
            by_name,
            oddities,
        })
    }

    /// All entries in central directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry named `name`, if present.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).and_then(|&i| self.entries.get(i))
    }

    /// Structural oddities met while indexing.
    pub fn oddities(&self) -> &[ZipOddity] {
        &self.oddities
    }

    /// The raw bytes of the archive.
    pub fn bytes(&self) -> &'a [u8] {
        self.data
    }

    /// The entry's data as stored in the archive, when it is not compressed: zero-copy.
    pub fn stored_slice(&self, entry: &Entry) -> Result<Option<&'a [u8]>, ZipError> {
        let stored = entry.method == 0
            || (entry.method != 8 && entry.compressed_size == entry.uncompressed_size);
        if !stored {
            return Ok(None);
        }
        let start = self.data_start(entry)?;
        let len = entry.uncompressed_size;
        self.slice(entry, start, len).map(Some)
    }

    fn data_start(&self, entry: &Entry) -> Result<u64, ZipError> {
        let off = entry.local_header_offset as usize;
        let bad = || ZipError::BadLocalHeader {
            name: entry.name.clone(),
            offset: entry.local_header_offset,
        };
        if u32_at(self.data, off) != Some(LFH_SIG) {
            return Err(bad());
        }
        let name_len = u64::from(u16_at(self.data, off + 26).ok_or_else(bad)?);
        let extra_len = u64::from(u16_at(self.data, off + 28).ok_or_else(bad)?);
        Ok(entry.local_header_offset + 30 + name_len + extra_len)
    }

    fn slice(&self, entry: &Entry, start: u64, len: u64) -> Result<&'a [u8], ZipError> {
        let end = start
            .checked_add(len)
            .filter(|&e| e <= self.data.len() as u64);
        match end {
            Some(end) => Ok(&self.data[start as usize..end as usize]),
            None => Err(ZipError::Truncated {
                name: entry.name.clone(),
                offset: start,
                len,
            }),
        }
    }

    /// Reads an entry's data within `budget`, which tracks the per-app total.
    pub fn read(&self, entry: &Entry, budget: &mut Budget) -> Result<(Vec<u8>, Method), ZipError> {
        let start = self.data_start(entry)?;
        let name = &entry.name;
        let stored = |me: &Self, budget: &mut Budget, method: Method| {
            let data = me.slice(entry, start, entry.uncompressed_size)?;
            budget.charge(name, data.len() as u64)?;
            Ok((data.to_vec(), method))
        };
        match entry.method {
            0 => stored(self, budget, Method::Stored),
            8 => {
                let raw = self.raw_compressed(entry, start)?;
                let out = inflate_bounded(name, raw, entry.uncompressed_size, budget)?;
                Ok((out, Method::Deflated))
            }
            m if entry.compressed_size == entry.uncompressed_size => {
                stored(self, budget, Method::Unknown(m))
            }
            m => {
                let raw = self.raw_compressed(entry, start)?;
                let mut trial = budget.clone();
                match inflate_bounded(name, raw, entry.uncompressed_size, &mut trial) {
                    Ok(out) => {
                        *budget = trial;
                        Ok((out, Method::Unknown(m)))
                    }
                    Err(
                        e @ (ZipError::EntryTooLarge { .. }
                        | ZipError::TotalTooLarge { .. }
                        | ZipError::RatioTooHigh { .. }),
                    ) => Err(e),
                    Err(_) => stored(self, budget, Method::Unknown(m)),
                }
            }
        }
    }

    /// The compressed bytes of an entry. A compressed size running past the end of the file
    /// is cut to the file (the inflater then reports a truncated stream if it matters).
    fn raw_compressed(&self, entry: &Entry, start: u64) -> Result<&'a [u8], ZipError> {
        let len = entry
            .compressed_size
            .min((self.data.len() as u64).saturating_sub(start));
        if start > self.data.len() as u64 {
            return Err(ZipError::Truncated {
                name: entry.name.clone(),
                offset: start,
                len: entry.compressed_size,
            });
        }
        self.slice(entry, start, len)
    }
}

fn push_oddity(oddities: &mut Vec<ZipOddity>, kind: &'static str, detail: String) {
    if oddities.len() < MAX_ODDITIES {
        oddities.push(ZipOddity { kind, detail });
    }
}

/// Parses one central directory header at `at`, pushes the entry, returns its length.
fn parse_central_header(d: &[u8], at: usize, entries: &mut Vec<Entry>) -> Option<usize> {
    if u32_at(d, at)? != CDH_SIG {
        return None;
    }
    let flags = u16_at(d, at + 8)?;
    let method = u16_at(d, at + 10)?;
    let mut compressed_size = u64::from(u32_at(d, at + 20)?);
    let mut uncompressed_size = u64::from(u32_at(d, at + 24)?);
    let name_len = usize::from(u16_at(d, at + 28)?);
    let extra_len = usize::from(u16_at(d, at + 30)?);
    let comment_len = usize::from(u16_at(d, at + 32)?);
    let mut local_header_offset = u64::from(u32_at(d, at + 42)?);
    let name_start = at + 46;
    let name_bytes = d.get(name_start..name_start + name_len)?;
    let extra = d.get(name_start + name_len..name_start + name_len + extra_len)?;
    // ZIP64 extended information: the fields present are those whose 32-bit value is all ones.
    let mut e = 0;
    while e + 4 <= extra.len() {
        let id = u16_at(extra, e)?;
        let size = usize::from(u16_at(extra, e + 2)?);
        if id == 0x0001 {
            let mut f = e + 4;
            for field in [
                &mut uncompressed_size,
                &mut compressed_size,
                &mut local_header_offset,
            ] {
                if *field == 0xFFFF_FFFF {
                    if let Some(v) = u64_at(extra, f) {
                        *field = v;
                    }
                    f += 8;
                }
            }
        }
        e += 4 + size;
    }
    entries.push(Entry {
        name: String::from_utf8_lossy(name_bytes).into_owned(),
        method,
        flags,
        compressed_size,
        uncompressed_size,
        local_header_offset,
    });
    Some(46 + name_len + extra_len + comment_len)
}

/// Finds the EOCD record the way libziparchive does: scanning back over at most
/// 22 + 65535 bytes, taking the last signature whose comment length fits the file.
fn find_eocd(d: &[u8]) -> Option<usize> {
    if d.len() < 22 {
        return None;
    }
    let lowest = d.len().saturating_sub(22 + 0xFFFF);
    let mut i = d.len() - 22;
    loop {
        if u32_at(d, i) == Some(EOCD_SIG) {
            let comment = usize::from(u16_at(d, i + 20).unwrap_or(0));
            if i + 22 + comment <= d.len() {
                return Some(i);
            }
        }
        if i == lowest {
            return None;
        }
        i -= 1;
    }
}

fn read_zip64_eocd(d: &[u8], eocd: usize) -> Option<(u64, u64, u64)> {
    let loc = eocd.checked_sub(20)?;
    if u32_at(d, loc)? != EOCD64_LOCATOR_SIG {
        return None;
    }
    let rec = usize::try_from(u64_at(d, loc + 8)?).ok()?;
    if u32_at(d, rec)? != EOCD64_SIG {
        return None;
    }
    Some((
        u64_at(d, rec + 32)?,
        u64_at(d, rec + 40)?,
        u64_at(d, rec + 48)?,
    ))
}

/// What one app may still inflate.
#[derive(Debug, Clone)]
pub struct Budget {
    limits: Limits,
    used: u64,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget { limits, used: 0 }
    }

    /// Inflated bytes charged so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    fn charge(&mut self, name: &str, bytes: u64) -> Result<(), ZipError> {
        if bytes > self.limits.max_entry {
            return Err(ZipError::EntryTooLarge {
                name: name.to_owned(),
                limit: self.limits.max_entry,
            });
        }
        let total = self.used.saturating_add(bytes);
        if total > self.limits.max_total {
            return Err(ZipError::TotalTooLarge {
                name: name.to_owned(),
                limit: self.limits.max_total,
            });
        }
        self.used = total;
        Ok(())
    }

    /// How many bytes an entry may still inflate to.
    fn entry_room(&self) -> u64 {
        self.limits
            .max_entry
            .min(self.limits.max_total.saturating_sub(self.used))
    }
}

/// The fast path for honest archives: inflates the whole stream in one libdeflate call into a
/// buffer of exactly the declared size, when that size is within every limit (so whatever fits
/// the buffer is within them too). `None` when the size is not trusted this way, or when the
/// stream is corrupt, truncated or longer than declared: the streaming inflater then decides,
/// reporting exactly the error it always has. A hostile archive thus costs at most one
/// declared-size buffer more, never more than the limits allow.
///
/// Why libdeflate beside zlib-rs: it inflates APK entries 1.3–1.4× faster on this project's
/// corpus (whole-buffer decoding, no streaming state), and inflating is ~40% of a scan. It has
/// no streaming interface, which bounded reading of a lying archive needs, so zlib-rs stays.
fn inflate_in_one_call(raw: &[u8], declared: u64, room: u64, limits: &Limits) -> Option<Vec<u8>> {
    let trusted = declared > 0
        && declared <= room
        && declared <= (raw.len() as u64).saturating_mul(MAX_DEFLATE_RATIO)
        && !limits.ratio_too_high(declared, raw.len());
    if !trusted {
        return None;
    }
    // Zeroed memory: a fresh mapping for big buffers (calloc skips the memset), so this costs
    // no write pass over the output.
    let mut out = vec![0u8; usize::try_from(declared).ok()?];
    prefer_huge_pages(&mut out);
    let mut inflater = libdeflater::Decompressor::new();
    let n = inflater.deflate_decompress(raw, &mut out).ok()?;
    out.truncate(n);
    Some(out)
}

/// Asks the kernel to back a large, not yet touched buffer with transparent huge pages where
/// it can: filling it then takes one page fault per 2 MiB instead of one per 4 KiB (an app's
/// inflated DEX files are tens of MB; the faults were ~5% of a scan's CPU time). Advice only:
/// where huge pages are off or unsupported nothing changes.
fn prefer_huge_pages(buf: &mut [u8]) {
    const HUGE: usize = 2 << 20;
    if buf.len() < 2 * HUGE {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        // The whole 4 KiB pages inside the buffer (madvise wants a page-aligned start).
        const PAGE: usize = 4096;
        let addr = buf.as_mut_ptr() as usize;
        let start = addr.next_multiple_of(PAGE);
        let end = (addr + buf.len()) / PAGE * PAGE;
        if end > start {
            // SAFETY: the range lies inside `buf`, which this function borrows mutably;
            // MADV_HUGEPAGE only changes how the kernel backs those pages, never their
            // contents, and its failure is harmless.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
}

/// Inflates a raw deflate stream within the budget: in one call when the declared size can be
/// trusted, else (and whenever that call fails) step by step.
fn inflate_bounded(
    name: &str,
    raw: &[u8],
    declared: u64,
    budget: &mut Budget,
) -> Result<Vec<u8>, ZipError> {
    if let Some(out) = inflate_in_one_call(raw, declared, budget.entry_room(), &budget.limits) {
        budget.charge(name, out.len() as u64)?;
        return Ok(out);
    }
    inflate_streaming(name, raw, declared, budget)
}

/// Inflates a raw deflate stream step by step, growing the output as the stream proves longer,
/// and stopping at the budget's limits and at a suspicious ratio.
fn inflate_streaming(
    name: &str,
    raw: &[u8],
    declared: u64,
    budget: &mut Budget,
) -> Result<Vec<u8>, ZipError> {
    let room = budget.entry_room();
    let limits = budget.limits;
    let mut inflater = Decompress::new(false);
    // Start from the declared size, which is right for honest archives (no regrowth), but
    // never beyond what the input can inflate to (deflate's ratio is at most 1032:1) or the
    // budget allows: a lying size costs nothing. Grow by doubling if the stream is longer.
    let guess = declared
        .min((raw.len() as u64).saturating_mul(MAX_DEFLATE_RATIO))
        .clamp(4096, room.max(4096));
    // A little slack so an exact-size stream reports its end without a regrowth.
    let mut out: Vec<u8> = Vec::with_capacity(guess as usize + 64);
    loop {
        if out.len() == out.capacity() {
            if out.len() as u64 >= room {
                let limit = limits.max_entry;
                return Err(if limit <= room {
                    ZipError::EntryTooLarge {
                        name: name.to_owned(),
                        limit,
                    }
                } else {
                    ZipError::TotalTooLarge {
                        name: name.to_owned(),
                        limit: limits.max_total,
                    }
                });
            }
            let grow = (out.len() as u64)
                .max(4096)
                .min(room + 1 - out.len() as u64);
            out.reserve_exact(grow as usize);
        }
        let consumed = inflater.total_in() as usize;
        let input = raw.get(consumed..).unwrap_or(&[]);
        let before_out = out.len();
        let status = inflater
            .decompress_vec(input, &mut out, FlushDecompress::None)
            .map_err(|e| ZipError::Corrupt {
                name: name.to_owned(),
                reason: e.to_string(),
            })?;
        let produced = out.len() > before_out;
        let out_len = out.len() as u64;
        if limits.ratio_too_high(out_len, raw.len()) {
            return Err(ZipError::RatioTooHigh {
                name: name.to_owned(),
                ratio: limits.max_ratio,
            });
        }
        match status {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError => {
                let consumed_now = inflater.total_in() as usize > consumed;
                // No progress with room left in the output: the input is used up (or the
                // inflater is stuck), so the stream is truncated.
                if !produced && !consumed_now && out.len() < out.capacity() {
                    return Err(ZipError::Corrupt {
                        name: name.to_owned(),
                        reason: format!("stream ends early after {} bytes", out.len()),
                    });
                }
            }
        }
    }
    budget.charge(name, out.len() as u64)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compress, Compression, FlushCompress};

    /// Deterministic bytes that compress like an app's entries: runs of text-like tokens
    /// mixed with incompressible stretches.
    fn sample(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let words: [&[u8]; 6] = [
            b"Landroid/",
            b"getDeviceId",
            b"privacy ",
            b"\xe9\x9a\x90\xe7\xa7\x81",
            b"\0\0\0\0",
            b";->",
        ];
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            let r = next();
            if r % 5 == 0 {
                out.extend((0..(r >> 8) % 64).map(|_| next() as u8));
            } else {
                out.extend_from_slice(words[(r >> 16) as usize % words.len()]);
            }
        }
        out.truncate(len);
        out
    }

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut c = Compress::new(Compression::new(6), false);
        let mut out = Vec::with_capacity(data.len() + 1024);
        let _ = c.compress_vec(data, &mut out, FlushCompress::Finish);
        out
    }

    /// The one-call path never changes what a read returns: for honest and lying declared
    /// sizes, truncated, corrupted and padded streams, and tight budgets, reading with it gives
    /// the same bytes or the same error, and charges the budget the same, as the streaming
    /// inflater alone.
    #[test]
    fn the_one_call_path_agrees_with_the_streaming_inflater() {
        let data = sample(300_000, 7);
        let raw = deflate(&data);
        let n = data.len() as u64;
        let mut streams: Vec<Vec<u8>> = vec![raw.clone()];
        for cut in [1, raw.len() / 3, raw.len() - 1] {
            streams.push(raw[..cut].to_vec());
        }
        for at in [2, raw.len() / 2, raw.len() - 2] {
            let mut flipped = raw.clone();
            flipped[at] ^= 0x5a;
            streams.push(flipped);
        }
        let mut padded = raw.clone();
        padded.extend_from_slice(b"trailing bytes");
        streams.push(padded);
        let roomy = Limits::default();
        let tight = Limits {
            max_entry: n - 10,
            ..Limits::default()
        };
        let ratio = Limits {
            ratio_floor: 1024,
            max_ratio: 2,
            ..Limits::default()
        };
        let mut fast_path_taken = 0;
        for stream in &streams {
            for declared in [0, 1, n / 2, n - 1, n, n + 1, 2 * n, u64::from(u32::MAX)] {
                for limits in [roomy, tight, ratio] {
                    let mut with = Budget::new(limits);
                    let mut without = Budget::new(limits);
                    let got = inflate_bounded("e", stream, declared, &mut with);
                    let want = inflate_streaming("e", stream, declared, &mut without);
                    assert_eq!(
                        got.as_ref().map(Vec::len),
                        want.as_ref().map(Vec::len),
                        "declared {declared}, stream of {} bytes, {limits:?}",
                        stream.len()
                    );
                    assert!(got == want, "declared {declared}, {limits:?}");
                    assert_eq!(with.used(), without.used());
                    let room = Budget::new(limits).entry_room();
                    if inflate_in_one_call(stream, declared, room, &limits).is_some() {
                        fast_path_taken += 1;
                    }
                }
            }
        }
        // The honest cases did go through the one-call path (else this test checks nothing).
        assert!(fast_path_taken >= 2, "{fast_path_taken}");
        let mut budget = Budget::new(roomy);
        assert_eq!(inflate_bounded("e", &raw, n, &mut budget), Ok(data));
    }

    /// A buffer large enough to be offered huge pages (see `prefer_huge_pages`) inflates like
    /// any other; 6 MiB stays under the ratio check's floor, so the size is trusted.
    #[test]
    fn a_large_entry_inflates_whole_in_one_call() {
        let data: Vec<u8> = b"Lcom/example/Tracker;->getDeviceId()Ljava/lang/String;\n"
            .iter()
            .copied()
            .cycle()
            .take(6 << 20)
            .collect();
        let raw = deflate(&data);
        let limits = Limits::default();
        let one_call = inflate_in_one_call(&raw, data.len() as u64, u64::MAX, &limits);
        assert!(one_call.as_deref() == Some(data.as_slice()));
    }
}
