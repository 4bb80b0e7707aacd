//! Text normalisation, hashing and character-offset bookkeeping shared by analysis and
//! classification.
//!
//! Owns the one definition of "the normalised text" that spans point into and that is hashed:
//! C0/C1 control characters and zero-width characters (U+200B–U+200D, U+2060, U+FEFF) are
//! removed; a run of Unicode whitespace (including the ideographic space U+3000) becomes one
//! ASCII space, except that a run between two CJK characters that holds at most one line break
//! is removed (a hard-wrapped Chinese line, as in the CSS Text segment-break rule; a blank
//! line — paragraph or HTML block boundary — stays a space); the result is trimmed. No Unicode normalisation (NFC)
//! and no case folding are applied, so excerpts quote the policy verbatim. Matching uses a
//! separate *folded* view with exactly the same characters count (full-width ASCII folded to
//! half-width), so character offsets agree between the two. Must not know about tables or
//! policies.

use sha2::{Digest, Sha256};

/// Returns the normalised text (see the module documentation).
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut line_breaks = 0usize;
    let mut last: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = last.is_some();
            if c == '\n' {
                line_breaks += 1;
            }
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        let joins_cjk =
            last.is_some_and(joins_without_space) && joins_without_space(c) && line_breaks <= 1;
        if pending_space && !joins_cjk {
            out.push(' ');
        }
        pending_space = false;
        line_breaks = 0;
        out.push(c);
        last = Some(c);
    }
    out
}

/// CJK ideographs, CJK punctuation, kana and full-width forms: scripts written without spaces.
pub(crate) fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c, '\u{3000}'..='\u{303F}' | '\u{3040}'..='\u{30FF}' | '\u{FF00}'..='\u{FFEF}')
}

/// CJK characters other than full-width Latin letters and digits: "ＰＲＩＶＡＣＹ　ＰＯＬＩＣＹ" is two
/// words written in full width, and the space between them stays.
fn joins_without_space(c: char) -> bool {
    is_cjk(c)
        && !matches!(
            c,
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}'
        )
}

/// Han ideographs (CJK Unified Ideographs and extensions, compatibility ideographs).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

pub(crate) fn is_invisible(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Lower-case hex SHA-256 of the normalised form of `text`.
pub fn normalised_sha256(text: &str) -> String {
    sha256_hex(normalise(text).as_bytes())
}

/// Lower-case hex SHA-256 of raw bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Folds full-width ASCII forms (U+FF01–U+FF5E) to ASCII, U+3000 to a space and a
/// Traditional Han character to its Simplified form ([`simplified`]); one char in, one char
/// out, so that one vocabulary in Simplified Chinese reads Traditional text too.
pub(crate) fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{4E00}'..='\u{9FFF}' => simplified(c),
        _ => c,
    }
}

/// First code point of the Traditional → Simplified table.
const HAN_FIRST: u32 = 0x4E00;
/// Code points the table covers (U+4E00..=U+9FFF).
const HAN_SPAN: usize = 0x5200;

/// The Simplified form of a Traditional Han character in U+4E00..=U+9FFF (the Unihan
/// `kSimplifiedVariant`, see `hant_table.rs`); any other character unchanged. A dense table
/// built on first use: one load per character on the matching path.
fn simplified(c: char) -> char {
    static TABLE: std::sync::OnceLock<Box<[u16]>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = vec![0u16; HAN_SPAN].into_boxed_slice();
        let mut chars = crate::hant_table::PAIRS.chars();
        while let (Some(t), Some(s)) = (chars.next(), chars.next()) {
            let slot = (u32::from(t) - HAN_FIRST) as usize;
            if let (Some(entry), Ok(s)) = (table.get_mut(slot), u16::try_from(u32::from(s))) {
                *entry = s;
            }
        }
        table
    });
    match table.get((u32::from(c) - HAN_FIRST) as usize) {
        Some(&s) if s != 0 => char::from_u32(u32::from(s)).unwrap_or(c),
        _ => c,
    }
}

/// Folds a phrase the same way the text is folded (and collapses its whitespace).
pub(crate) fn fold_phrase(phrase: &str) -> String {
    normalise(phrase).chars().map(fold_char).collect()
}

/// True for characters that make an ASCII word continue (letters and digits).
pub(crate) fn is_ascii_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// A normalised text with the views analysis needs.
pub(crate) struct IndexedText {
    /// Characters of the normalised text (for excerpts).
    pub chars: Vec<char>,
    /// The folded text as a string (what automata and regexes run on).
    pub folded: String,
    /// Byte offset in `folded` where each character starts.
    folded_starts: Vec<usize>,
}

impl IndexedText {
    pub fn new(normalised: &str) -> IndexedText {
        let chars: Vec<char> = normalised.chars().collect();
        let mut folded = String::with_capacity(normalised.len());
        let mut folded_starts = Vec::with_capacity(chars.len());
        for &c in &chars {
            folded_starts.push(folded.len());
            folded.push(fold_char(c));
        }
        IndexedText {
            chars,
            folded,
            folded_starts,
        }
    }

    /// Number of characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Character index of a byte offset in `folded` (a char boundary, or the end).
    pub fn char_at(&self, byte: usize) -> usize {
        match self.folded_starts.binary_search(&byte) {
            Ok(i) | Err(i) => i,
        }
    }

    /// The folded character at `i`, if any.
    pub fn folded_char(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied().map(fold_char)
    }

    /// True when `[start, end)` does not cut an ASCII word: the characters just outside are not
    /// ASCII letters/digits whenever the characters just inside are.
    pub fn at_word_boundaries(&self, start: usize, end: usize) -> bool {
        let first = self.folded_char(start);
        let last = end.checked_sub(1).and_then(|i| self.folded_char(i));
        let before = start.checked_sub(1).and_then(|i| self.folded_char(i));
        let after = self.folded_char(end);
        let left_ok = !(first.is_some_and(is_ascii_word) && before.is_some_and(is_ascii_word));
        let right_ok = !(last.is_some_and(is_ascii_word) && after.is_some_and(is_ascii_word));
        left_ok && right_ok
    }

    /// Verbatim text of `[start, end)` (clamped).
    pub fn slice(&self, start: usize, end: usize) -> String {
        let end = end.min(self.chars.len());
        let start = start.min(end);
        self.chars
            .get(start..end)
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }

    /// Excerpt around `[start, end)`: `context` characters either side, the hit itself capped
    /// at `max_hit` characters.
    pub fn excerpt(&self, start: usize, end: usize, context: usize, max_hit: usize) -> String {
        let hit_end = end.min(start.saturating_add(max_hit));
        let from = start.saturating_sub(context);
        let to = hit_end.saturating_add(context);
        let mut out = String::new();
        if from > 0 {
            out.push('…');
        }
        out.push_str(&self.slice(from, start));
        out.push_str(&self.slice(start, hit_end));
        if hit_end < end {
            out.push('…');
        }
        out.push_str(&self.slice(end.max(hit_end), to.max(end)));
        if to.max(end) < self.chars.len() {
            out.push('…');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_collapses_whitespace_and_drops_invisibles() {
        assert_eq!(
            normalise("  隐私\u{3000}政策\r\n\n第一条\u{200B}\t end \u{0}"),
            "隐私政策 第一条 end"
        );
        assert_eq!(normalise("收集您的位\n置信息"), "收集您的位置信息");
        assert_eq!(
            normalise("收集您的位置\n  信息 and GPS\n数据"),
            "收集您的位置信息 and GPS 数据"
        );
        assert_eq!(normalise(""), "");
        assert_eq!(normalise(" \n\t "), "");
        // Full-width Latin words keep their space; full-width punctuation joins like Han.
        assert_eq!(
            normalise("ＰＲＩＶＡＣＹ　ＰＯＬＩＣＹ"),
            "ＰＲＩＶＡＣＹ ＰＯＬＩＣＹ"
        );
        assert_eq!(normalise("隐私政策，\n我们"), "隐私政策，我们");
    }

    #[test]
    fn hash_ignores_layout_differences() {
        assert_eq!(normalised_sha256("a  b\nc"), normalised_sha256(" a b c "));
        assert_ne!(normalised_sha256("a b c"), normalised_sha256("a bc"));
    }

    #[test]
    fn folding_keeps_char_count_and_maps_offsets() {
        let t = IndexedText::new("收集ＩＭＥＩ号");
        assert_eq!(t.folded, "收集IMEI号");
        assert_eq!(t.len(), 7);
        let byte = t.folded.find("IMEI").unwrap_or(0);
        assert_eq!(t.char_at(byte), 2);
        assert_eq!(t.slice(2, 6), "ＩＭＥＩ");
    }

    #[test]
    fn word_boundaries() {
        let t = IndexedText::new("bitmap map 使用GPS定位");
        assert!(!t.at_word_boundaries(3, 6)); // "map" inside "bitmap"
        assert!(t.at_word_boundaries(7, 10));
        assert!(t.at_word_boundaries(13, 16)); // "GPS" between Han characters
    }

    #[test]
    fn excerpt_marks_cuts() {
        let t = IndexedText::new("0123456789abcdefghij");
        assert_eq!(t.excerpt(10, 12, 3, 40), "…789ab".to_owned() + "cde…");
        assert_eq!(t.excerpt(0, 2, 3, 40), "01234…");
    }
}
