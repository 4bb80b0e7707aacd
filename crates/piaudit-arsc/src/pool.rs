//! `ResStringPool` chunks: the global value pool and each package's type and key pools. Owns
//! locating a pool's offset array and string data, and decoding one string on demand (UTF-8
//! borrowed when valid, UTF-16 owned); style spans are ignored. It must not know what the
//! strings name.

use std::borrow::Cow;

use crate::anomaly::{AnomalyKind, AnomalyLog};
use crate::reader::{Chunk, u8_at, u16_at, u32_at};

/// `RES_STRING_POOL_TYPE`.
pub(crate) const STRING_POOL_TYPE: u16 = 0x0001;
/// Size of `ResStringPool_header`.
const POOL_HEADER: usize = 28;
/// `ResStringPool_header::UTF8_FLAG`.
const UTF8_FLAG: u32 = 1 << 8;

/// A string pool over the table's bytes. Reads nothing until a string is asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct StringPool<'a> {
    data: &'a [u8],
    /// Offset of the `u32` offset array.
    offsets: usize,
    /// Usable entries of the offset array.
    count: u32,
    /// `[strings, strings_end)`: the string data.
    strings: usize,
    strings_end: usize,
    utf8: bool,
}

impl<'a> StringPool<'a> {
    /// An empty pool (no strings).
    pub fn empty() -> StringPool<'a> {
        StringPool::default()
    }

    /// Opens the pool chunk `chunk` (already bounds-checked) of `data`.
    pub(crate) fn open(
        data: &'a [u8],
        chunk: Chunk,
        what: &str,
        log: &mut AnomalyLog,
    ) -> StringPool<'a> {
        if chunk.header_size() < POOL_HEADER {
            log.record(AnomalyKind::MissingStringPool, || {
                format!(
                    "{what} string pool at {:#x} has a {}-byte header",
                    chunk.start,
                    chunk.header_size()
                )
            });
            return StringPool::empty();
        }
        let field = |at: usize| u32_at(data, chunk.start + at).unwrap_or(0);
        let declared = field(8);
        let flags = field(16);
        let strings_start = usize::try_from(field(20)).unwrap_or(usize::MAX);
        let strings = chunk.start.saturating_add(strings_start);
        // The offset array runs from the end of the header to the string data (or the end of
        // the chunk when the string data offset is unusable).
        let array_end = if strings >= chunk.body && strings <= chunk.end {
            strings
        } else {
            chunk.end
        };
        let fit = u32::try_from((array_end - chunk.body) / 4).unwrap_or(u32::MAX);
        let count = if declared > fit {
            log.record(AnomalyKind::StringCountMismatch, || {
                format!(
                    "{what} string pool at {:#x} declares {declared} strings, its offsets hold {fit}",
                    chunk.start
                )
            });
            fit
        } else {
            declared
        };
        let (strings, strings_end) = if strings >= chunk.body && strings <= chunk.end {
            (strings, chunk.end)
        } else {
            (chunk.end, chunk.end)
        };
        let pool = StringPool {
            data,
            offsets: chunk.body,
            count,
            strings,
            strings_end,
            utf8: flags & UTF8_FLAG != 0,
        };
        let span = (strings_end - strings) as u64;
        let outside = (0..count)
            .filter(|&i| pool.offset(i).is_none_or(|o| u64::from(o) >= span))
            .count();
        if outside != 0 {
            log.record(AnomalyKind::StringOffsetsOutOfBounds, || {
                format!(
                    "{outside} offsets of the {what} string pool at {:#x} point past its string data",
                    chunk.start
                )
            });
        }
        pool
    }

    /// Number of strings.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// Whether the pool holds no strings.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Whether strings are stored as UTF-8 (otherwise UTF-16).
    pub fn is_utf8(&self) -> bool {
        self.utf8
    }

    fn offset(&self, idx: u32) -> Option<u32> {
        if idx >= self.count {
            return None;
        }
        u32_at(self.data, self.offsets + idx as usize * 4)
    }

    /// The raw encoded characters of string `idx`: UTF-8 bytes, or UTF-16LE code units as
    /// bytes. `Some(empty)` for a string that cannot be read; `None` past the end of the pool.
    fn raw(&self, idx: u32) -> Option<&'a [u8]> {
        let off = self.offset(idx)?;
        let data = self.data.get(self.strings..self.strings_end).unwrap_or(&[]);
        let at = usize::try_from(off).unwrap_or(usize::MAX);
        Some(
            if self.utf8 {
                utf8_content(data, at)
            } else {
                utf16_content(data, at)
            }
            .unwrap_or(&[]),
        )
    }

    /// String `idx`, decoded (UTF-8: lossy, borrowed when valid; UTF-16: an unpaired
    /// surrogate makes the whole string empty). An unreadable string is empty; `None` only
    /// past the end of the pool.
    pub fn get(&self, idx: u32) -> Option<Cow<'a, str>> {
        let raw = self.raw(idx)?;
        Some(if self.utf8 {
            String::from_utf8_lossy(raw)
        } else {
            Cow::Owned(decode_utf16(raw))
        })
    }

    /// Whether string `idx` equals `s` (as [`StringPool::get`] would decode it), without
    /// allocating.
    pub fn eq_at(&self, idx: u32, s: &str) -> bool {
        let Some(raw) = self.raw(idx) else {
            return false;
        };
        if self.utf8 {
            if raw.len() == s.len() {
                return raw == s.as_bytes();
            }
            // Lossy decoding can only make invalid bytes longer (U+FFFD is three bytes).
            raw.len() < s.len() && String::from_utf8_lossy(raw) == s
        } else {
            let units = raw
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]));
            if units.clone().any(|u| (0xd800..0xe000).contains(&u)) {
                // Surrogates: compare the slow way (a broken pair decodes as empty).
                return decode_utf16(raw) == s;
            }
            units.eq(s.encode_utf16())
        }
    }

    /// Indices of every string equal to `s`.
    pub fn find_all<'p>(&'p self, s: &'p str) -> impl Iterator<Item = u32> + 'p {
        (0..self.count).filter(move |&i| self.eq_at(i, s))
    }
}

/// The bytes of a UTF-8 pool string at `at`: a character count and a byte count (each one byte,
/// or two when the high bit is set), the bytes, and a NUL that must be present.
fn utf8_content(data: &[u8], at: usize) -> Option<&[u8]> {
    let mut pos = at;
    let mut length = || -> Option<usize> {
        let first = usize::from(u8_at(data, pos)?);
        pos += 1;
        if first & 0x80 == 0 {
            return Some(first);
        }
        let second = usize::from(u8_at(data, pos)?);
        pos += 1;
        Some(((first & 0x7f) << 8) | second)
    };
    let _chars = length()?;
    let bytes = length()?;
    let end = pos.checked_add(bytes)?;
    // the terminating NUL must be there
    u8_at(data, end)?;
    data.get(pos..end)
}

/// The code-unit bytes of a UTF-16 pool string at `at`: a unit count (one `u16`, or two when
/// the high bit is set), the units, and a NUL unit that must be present.
fn utf16_content(data: &[u8], at: usize) -> Option<&[u8]> {
    let first = usize::from(u16_at(data, at)?);
    let (len, pos) = if first & 0x8000 != 0 {
        let second = usize::from(u16_at(data, at.checked_add(2)?)?);
        (((first & 0x7fff) << 16) | second, at + 4)
    } else {
        (first, at + 2)
    };
    let end = pos.checked_add(len.checked_mul(2)?)?;
    u16_at(data, end)?;
    data.get(pos..end)
}

/// Decodes UTF-16LE code units; an unpaired surrogate makes the whole string empty.
pub(crate) fn decode_utf16(raw: &[u8]) -> String {
    let units = raw
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    let mut out = String::with_capacity(raw.len() / 2);
    for r in char::decode_utf16(units) {
        match r {
            Ok(c) => out.push(c),
            Err(_) => return String::new(),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{pool_utf8, pool_utf16};

    fn open(bytes: &[u8]) -> (StringPool<'_>, AnomalyLog) {
        let mut log = AnomalyLog::default();
        let chunk = Chunk::read(bytes, 0, bytes.len()).unwrap();
        (StringPool::open(bytes, chunk, "test", &mut log), log)
    }

    #[test]
    fn utf8_pool_decodes_borrowed() {
        let long = "x".repeat(300);
        let bytes = pool_utf8(&["app_name", "", "日本語", &long]);
        let (p, log) = open(&bytes);
        assert!(log.kept.is_empty(), "{:?}", log.kept);
        assert_eq!(p.len(), 4);
        assert!(matches!(p.get(0), Some(Cow::Borrowed("app_name"))));
        assert_eq!(p.get(1).as_deref(), Some(""));
        assert_eq!(p.get(2).as_deref(), Some("日本語"));
        assert_eq!(p.get(3).as_deref(), Some(long.as_str()));
        assert_eq!(p.get(4), None);
        assert!(p.eq_at(2, "日本語"));
        assert!(!p.eq_at(2, "日本"));
        assert_eq!(p.find_all("app_name").collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn utf16_pool_decodes() {
        let long = "y".repeat(40_000);
        let bytes = pool_utf16(&["label", "Привет", &long]);
        let (p, log) = open(&bytes);
        assert!(log.kept.is_empty());
        assert!(!p.is_utf8());
        assert_eq!(p.get(0).as_deref(), Some("label"));
        assert_eq!(p.get(1).as_deref(), Some("Привет"));
        assert_eq!(p.get(2).as_deref(), Some(long.as_str()));
        assert!(p.eq_at(1, "Привет"));
        assert!(!p.eq_at(1, "Приве"));
    }

    #[test]
    fn unpaired_surrogate_is_empty() {
        assert_eq!(decode_utf16(&[0x00, 0xd8, 0x41, 0x00]), "");
        assert_eq!(decode_utf16(&[0x41, 0x00]), "A");
    }

    #[test]
    fn hostile_counts_and_offsets_are_clamped() {
        let mut bytes = pool_utf8(&["a", "b"]);
        // declare a billion strings
        bytes[8..12].copy_from_slice(&1_000_000_000u32.to_le_bytes());
        let (p, log) = open(&bytes);
        assert_eq!(p.len(), 2);
        assert_eq!(log.kept[0].kind, AnomalyKind::StringCountMismatch);
        // an offset past the data
        let mut bytes = pool_utf8(&["a", "b"]);
        bytes[32..36].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
        let (p, log) = open(&bytes);
        assert_eq!(p.get(1).as_deref(), Some(""));
        assert_eq!(log.kept[0].kind, AnomalyKind::StringOffsetsOutOfBounds);
        // a length past the data
        let mut bytes = pool_utf8(&["abc"]);
        bytes[33] = 0x7f; // byte length 127, only 4 bytes present
        let (p, _) = open(&bytes);
        assert_eq!(p.get(0).as_deref(), Some(""));
    }
}
