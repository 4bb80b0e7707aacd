//! Modified UTF-8 (MUTF-8) to UTF-8 conversion for DEX string data. Owns character decoding only;
//! it never fails and never panics: malformed sequences become U+FFFD.

use std::borrow::Cow;

const REPLACEMENT: char = char::REPLACEMENT_CHARACTER;

/// Decodes MUTF-8 bytes (without the terminating NUL) into a string.
///
/// Borrows when the bytes are already valid UTF-8 (true for every string without a NUL character,
/// supplementary characters or malformed sequences), otherwise builds an owned string where
/// `C0 80` becomes U+0000, a surrogate pair encoded as two 3-byte sequences becomes one
/// supplementary character, and anything malformed (including lone surrogates) becomes U+FFFD.
pub fn decode_mutf8(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(decode_slow(bytes)),
    }
}

fn is_continuation(byte: Option<&u8>) -> bool {
    byte.is_some_and(|b| b & 0xc0 == 0x80)
}

/// Decodes a 3-byte sequence at `at` into a UTF-16 code unit.
fn three_byte_unit(bytes: &[u8], at: usize) -> Option<u32> {
    let b0 = *bytes.get(at)?;
    let b1 = bytes.get(at.checked_add(1)?);
    let b2 = bytes.get(at.checked_add(2)?);
    if b0 & 0xf0 != 0xe0 || !is_continuation(b1) || !is_continuation(b2) {
        return None;
    }
    let (b1, b2) = (u32::from(*b1?), u32::from(*b2?));
    Some((u32::from(b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f))
}

fn decode_slow(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut at = 0usize;
    while let Some(&b0) = bytes.get(at) {
        let (ch, used) = decode_one(bytes, at, b0);
        out.push(ch);
        // `used` is always >= 1, so the loop makes progress.
        at = at.saturating_add(used);
    }
    out
}

/// Decodes one character starting at `at` (whose first byte is `b0`); returns it and the number
/// of bytes consumed (at least 1).
fn decode_one(bytes: &[u8], at: usize, b0: u8) -> (char, usize) {
    if b0 < 0x80 {
        return (char::from(b0), 1);
    }
    if b0 & 0xe0 == 0xc0 {
        let b1 = bytes.get(at + 1);
        if is_continuation(b1) {
            let cp = (u32::from(b0 & 0x1f) << 6) | u32::from(b1.map_or(0, |b| b & 0x3f));
            return (char::from_u32(cp).unwrap_or(REPLACEMENT), 2);
        }
        return (REPLACEMENT, 1);
    }
    if b0 & 0xf0 == 0xe0 {
        let Some(unit) = three_byte_unit(bytes, at) else {
            return (REPLACEMENT, 1);
        };
        return match unit {
            0xd800..=0xdbff => match three_byte_unit(bytes, at + 3) {
                Some(low @ 0xdc00..=0xdfff) => {
                    let cp = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                    (char::from_u32(cp).unwrap_or(REPLACEMENT), 6)
                }
                _ => (REPLACEMENT, 3),
            },
            0xdc00..=0xdfff => (REPLACEMENT, 3),
            _ => (char::from_u32(unit).unwrap_or(REPLACEMENT), 3),
        };
    }
    if b0 & 0xf8 == 0xf0 {
        // Standard 4-byte UTF-8 is not MUTF-8, but ART accepts it; decode it the same way.
        let tail = [bytes.get(at + 1), bytes.get(at + 2), bytes.get(at + 3)];
        if tail.iter().all(|b| is_continuation(*b)) {
            let cp = tail.iter().fold(u32::from(b0 & 0x07), |acc, b| {
                (acc << 6) | u32::from(b.map_or(0, |b| b & 0x3f))
            });
            if let Some(ch) = char::from_u32(cp).filter(|_| cp >= 0x10000) {
                return (ch, 4);
            }
        }
    }
    (REPLACEMENT, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_valid_utf8_borrow() {
        assert!(matches!(
            decode_mutf8(b"Landroid/app/Activity;"),
            Cow::Borrowed(_)
        ));
        let chinese = "隐私政策".as_bytes();
        assert!(matches!(decode_mutf8(chinese), Cow::Borrowed("隐私政策")));
    }

    #[test]
    fn two_byte_nul_becomes_u0000() {
        assert_eq!(decode_mutf8(b"a\xc0\x80b"), "a\u{0}b");
    }

    #[test]
    fn surrogate_pair_becomes_supplementary_character() {
        // U+1F600 = D83D DE00 as two CESU-style 3-byte sequences.
        let bytes = b"x\xed\xa0\xbd\xed\xb8\x80y";
        assert_eq!(decode_mutf8(bytes), "x\u{1F600}y");
    }

    #[test]
    fn lone_surrogates_and_garbage_become_replacement() {
        assert_eq!(decode_mutf8(b"\xed\xa0\xbdz"), "\u{FFFD}z");
        assert_eq!(decode_mutf8(b"\xed\xb8\x80"), "\u{FFFD}");
        assert_eq!(decode_mutf8(b"\xff\xfe"), "\u{FFFD}\u{FFFD}");
        assert_eq!(decode_mutf8(b"\xc3"), "\u{FFFD}");
        assert_eq!(decode_mutf8(b"\xe4\xb8"), "\u{FFFD}\u{FFFD}");
        assert_eq!(decode_mutf8(b"\xf0\x9f\x98"), "\u{FFFD}\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn four_byte_utf8_is_accepted_like_art() {
        assert_eq!(decode_mutf8("\u{1F600}".as_bytes()), "\u{1F600}");
    }
}
