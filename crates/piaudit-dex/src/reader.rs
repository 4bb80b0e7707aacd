//! Bounds-checked little-endian primitives over a byte slice. Owns byte access only: every read
//! returns `None`/`Err` instead of panicking; it must not know about DEX structures.

use crate::error::DexError;

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

/// Reads an unsigned LEB128 value (at most five bytes, as in ART: bits past 32 are dropped) at
/// `*pos` and advances `*pos` past it.
#[inline]
pub(crate) fn uleb128(data: &[u8], pos: &mut usize) -> Result<u32, DexError> {
    let start = *pos;
    // Fast path: most values (method index deltas, flags) fit in one byte.
    if let Some(&byte) = data.get(start)
        && byte & 0x80 == 0
    {
        *pos = start + 1;
        return Ok(u32::from(byte));
    }
    let mut value: u32 = 0;
    for i in 0..5usize {
        let at = start.checked_add(i).ok_or(DexError::OutOfBounds {
            what: "uleb128",
            offset: start as u64,
            len: data.len(),
        })?;
        let byte = *data.get(at).ok_or(DexError::OutOfBounds {
            what: "uleb128",
            offset: start as u64,
            len: data.len(),
        })?;
        // Shift is at most 28, so it never overflows; high bits of the fifth byte are discarded.
        value |= u32::from(byte & 0x7f).wrapping_shl(7 * i as u32);
        if byte & 0x80 == 0 {
            *pos = at + 1;
            return Ok(value);
        }
    }
    Err(DexError::Leb128TooLong { offset: start })
}

/// Adler-32 of `bytes` (the DEX header checksum algorithm).
pub(crate) fn adler32(bytes: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // Largest block for which the sums cannot overflow a u32 before reduction.
    const BLOCK: usize = 5_552;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in bytes.chunks(BLOCK) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uleb128_decodes_spec_examples() {
        let cases: &[(&[u8], u32)] = &[
            (&[0x00], 0),
            (&[0x01], 1),
            (&[0x7f], 127),
            (&[0x80, 0x7f], 16256),
            (&[0xff, 0xff, 0xff, 0xff, 0x0f], u32::MAX),
        ];
        for (bytes, want) in cases {
            let mut pos = 0;
            assert_eq!(uleb128(bytes, &mut pos), Ok(*want), "{bytes:02x?}");
            assert_eq!(pos, bytes.len());
        }
    }

    #[test]
    fn uleb128_rejects_six_bytes_and_truncation() {
        let mut pos = 0;
        assert_eq!(
            uleb128(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], &mut pos),
            Err(DexError::Leb128TooLong { offset: 0 })
        );
        let mut pos = 0;
        assert!(uleb128(&[0x80, 0x80], &mut pos).is_err());
        let mut pos = usize::MAX;
        assert!(uleb128(&[0x00], &mut pos).is_err());
    }

    #[test]
    fn adler32_matches_reference_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(&[]), 1);
        // Long input exercises the block reduction.
        let long = vec![0xffu8; 100_000];
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &long {
            a = (a + u64::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(adler32(&long), ((b << 16) | a) as u32);
    }
}
