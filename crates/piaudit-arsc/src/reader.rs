//! Bounds-checked little-endian primitives and the common chunk header over a byte slice. Owns
//! byte access only: every read returns `None` instead of panicking; it must not know what a
//! chunk means.

/// Reads a byte at `off`.
#[inline]
pub(crate) fn u8_at(data: &[u8], off: usize) -> Option<u8> {
    data.get(off).copied()
}

/// Reads a little-endian `u16` at `off`.
#[inline]
pub(crate) fn u16_at(data: &[u8], off: usize) -> Option<u16> {
    let end = off.checked_add(2)?;
    let bytes: [u8; 2] = data.get(off..end)?.try_into().ok()?;
    Some(u16::from_le_bytes(bytes))
}

/// Reads a little-endian `u32` at `off`.
#[inline]
pub(crate) fn u32_at(data: &[u8], off: usize) -> Option<u32> {
    let end = off.checked_add(4)?;
    let bytes: [u8; 4] = data.get(off..end)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

/// Size of `ResChunk_header`.
pub(crate) const CHUNK_HEADER: usize = 8;

/// A `ResChunk_header` read at `offset`, with its sizes checked against the enclosing range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk {
    /// Chunk type (`RES_*_TYPE`).
    pub(crate) kind: u16,
    /// Where the chunk starts.
    pub(crate) start: usize,
    /// `start + header_size`.
    pub(crate) body: usize,
    /// `start + size`, clamped to the enclosing range when the size overstates it.
    pub(crate) end: usize,
    /// Whether `size` pointed past the enclosing range and was clamped.
    pub(crate) clamped: bool,
}

impl Chunk {
    /// Reads the chunk header at `start`, inside `[start, limit)`. `None` when the header does
    /// not fit, `header_size` is smaller than a chunk header or larger than the chunk, or the
    /// chunk is smaller than its header.
    pub(crate) fn read(data: &[u8], start: usize, limit: usize) -> Option<Chunk> {
        let limit = limit.min(data.len());
        if start.checked_add(CHUNK_HEADER)? > limit {
            return None;
        }
        let kind = u16_at(data, start)?;
        let header_size = usize::from(u16_at(data, start + 2)?);
        let size = usize::try_from(u32_at(data, start + 4)?).ok()?;
        if header_size < CHUNK_HEADER || size < header_size {
            return None;
        }
        let declared_end = start.checked_add(size)?;
        let body = start.checked_add(header_size)?;
        if body > limit {
            return None;
        }
        let (end, clamped) = if declared_end > limit {
            (limit, true)
        } else {
            (declared_end, false)
        };
        Some(Chunk {
            kind,
            start,
            body,
            end,
            clamped,
        })
    }

    /// Header size in bytes.
    pub(crate) fn header_size(&self) -> usize {
        self.body - self.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounds_checked() {
        let d = [1u8, 2, 3, 4, 5];
        assert_eq!(u8_at(&d, 4), Some(5));
        assert_eq!(u8_at(&d, 5), None);
        assert_eq!(u16_at(&d, 3), Some(0x0504));
        assert_eq!(u16_at(&d, 4), None);
        assert_eq!(u32_at(&d, 1), Some(0x0504_0302));
        assert_eq!(u32_at(&d, 2), None);
        assert_eq!(u32_at(&d, usize::MAX), None);
    }

    #[test]
    fn chunk_header_is_validated_and_clamped() {
        // type 2, header 12, size 100 but only 16 bytes present
        let mut d = vec![0x02, 0x00, 0x0c, 0x00, 100, 0, 0, 0];
        d.extend_from_slice(&[0; 8]);
        let c = Chunk::read(&d, 0, d.len()).unwrap();
        assert_eq!((c.kind, c.body, c.end, c.clamped), (2, 12, 16, true));
        // header larger than size
        let d = [0x02, 0x00, 0x0c, 0x00, 8, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(Chunk::read(&d, 0, d.len()), None);
        // header smaller than 8
        let d = [0x02, 0x00, 0x04, 0x00, 8, 0, 0, 0];
        assert_eq!(Chunk::read(&d, 0, d.len()), None);
        assert_eq!(Chunk::read(&d, usize::MAX - 2, d.len()), None);
    }
}
