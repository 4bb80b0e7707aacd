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
    normalise_with(text, |_| {})
}

/// [`normalise`], with, for each character of the result, the index of the character of
/// `text` it comes from (for a space: the first whitespace character of the run it replaces).
pub(crate) fn normalise_mapped(text: &str) -> (String, Vec<u32>) {
    let mut map = Vec::with_capacity(text.len() / 2);
    let out = normalise_with(text, |i| {
        map.push(u32::try_from(i).unwrap_or(u32::MAX));
    });
    (out, map)
}

/// The normalisation, calling `pushed(i)` for every character it writes, `i` being the index
/// of the input character it stands for.
fn normalise_with(text: &str, mut pushed: impl FnMut(usize)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space: Option<usize> = None;
    let mut line_breaks = 0usize;
    let mut last: Option<char> = None;
    for (i, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            if last.is_some() && pending_space.is_none() {
                pending_space = Some(i);
            }
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
        if let Some(at) = pending_space.filter(|_| !joins_cjk) {
            out.push(' ');
            pushed(at);
        }
        pending_space = None;
        line_breaks = 0;
        out.push(c);
        pushed(i);
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
    /// The text as given to the analyzer (before normalisation) and, per normalised
    /// character, the index of the character it comes from: what evidence offsets and
    /// sentences refer to. Empty when not asked for ([`IndexedText::with_stored`]).
    stored: Vec<char>,
    stored_map: Vec<u32>,
}

/// Longest proving sentence quoted, in characters; a longer one is cut around the match.
const MAX_SENTENCE_CHARS: usize = 160;

/// Where a match sits in the text as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    /// Character offsets of the match in the stored text.
    pub start: usize,
    pub end: usize,
    /// The sentence (or table row, or line) holding the match, whitespace collapsed, cut to
    /// [`MAX_SENTENCE_CHARS`] around the match with `…`.
    pub sentence: String,
    /// The line holding the match is a heading or table-of-contents entry: it ends without
    /// sentence punctuation and is not a table row.
    pub heading: bool,
}

impl IndexedText {
    /// [`IndexedText::new`] over `normalise(text)`, remembering `text` for evidence.
    pub fn with_stored(text: &str) -> IndexedText {
        let (normalised, map) = normalise_mapped(text);
        let mut idx = IndexedText::new(&normalised);
        idx.stored = text.chars().collect();
        idx.stored_map = map;
        idx
    }

    /// The stored-text location of the normalised match `[start, end)`.
    pub fn locate(&self, start: usize, end: usize) -> Located {
        let at = |i: usize| self.stored_map.get(i).map(|&v| v as usize);
        let (Some(s), Some(e)) = (at(start), end.checked_sub(1).and_then(at)) else {
            // No stored text: the normalised text stands in.
            return Located {
                start,
                end,
                sentence: self.slice(start, end),
                heading: false,
            };
        };
        let e = e + 1;
        let chars = &self.stored;
        let is_end = |i: usize| -> bool {
            match chars.get(i) {
                Some('。' | '！' | '？' | '!' | '?' | ';' | '；') => true,
                Some('.') => chars.get(i + 1).is_none_or(|c| c.is_whitespace()),
                _ => false,
            }
        };
        // A line break ends a sentence unless it only wraps a line of CJK text.
        let is_break = |i: usize| -> bool {
            if chars.get(i) != Some(&'\n') {
                return false;
            }
            let before = chars
                .get(..i)
                .and_then(|b| b.iter().rev().find(|c| !c.is_whitespace()));
            let after_ws = chars.get(i + 1..).unwrap_or_default();
            let blank_line = after_ws
                .iter()
                .take_while(|c| c.is_whitespace())
                .any(|&c| c == '\n');
            let after = after_ws.iter().find(|c| !c.is_whitespace());
            blank_line
                || !(before.is_some_and(|&c| joins_without_space(c))
                    && after.is_some_and(|&c| joins_without_space(c)))
        };
        let floor = s.saturating_sub(MAX_SENTENCE_CHARS * 4);
        let mut from = s;
        while from > floor && !is_end(from - 1) && !is_break(from - 1) {
            from -= 1;
        }
        let ceiling = e.saturating_add(MAX_SENTENCE_CHARS * 4).min(chars.len());
        let mut to = e;
        let mut terminated = false;
        while to < ceiling {
            if is_break(to) {
                break;
            }
            to += 1;
            if is_end(to - 1) {
                terminated = true;
                break;
            }
        }
        let slice: String = chars.get(from..to).unwrap_or_default().iter().collect();
        let table_row = slice.contains('\t') || slice.contains('|');
        let toc_entry = is_toc_entry(&slice);
        let sentence = cut_around(
            &slice,
            s - from,
            (e - from).min(slice.chars().count()),
            MAX_SENTENCE_CHARS,
        );
        Located {
            start: s,
            end: e,
            heading: toc_entry || (!terminated && !table_row),
            sentence,
        }
    }

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
            stored: Vec::new(),
            stored_map: Vec::new(),
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
}

/// Longest line taken for a table-of-contents entry, in characters.
const MAX_TOC_CHARS: usize = 40;

/// A short line that reads as a table-of-contents entry or section title even when it ends with
/// punctuation: a "how we …" title ("我们如何共享您的个人信息；", "How we share your data.").
fn is_toc_entry(line: &str) -> bool {
    let line = line.trim();
    if line.chars().count() > MAX_TOC_CHARS {
        return false;
    }
    let lower = line.to_lowercase();
    lower.contains("如何") || lower.contains("how we ") || lower.contains("how you ")
}

/// `text` whitespace-collapsed, cut to at most `max` characters around `[start, end)` (character
/// offsets into `text`), `…` marking cuts.
fn cut_around(text: &str, start: usize, end: usize, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let (from, to) = if len <= max {
        (0, len)
    } else {
        let hit = end.saturating_sub(start).min(max);
        let context = (max - hit) / 2;
        let from = start.saturating_sub(context);
        (from, (from + max).min(len))
    };
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&normalise(
        &chars
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .collect::<String>(),
    ));
    if to < len {
        out.push('…');
    }
    out
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

    /// Evidence is the sentence that holds a match, with offsets into the text as stored; a
    /// heading is told apart from a sentence; a hard-wrapped Chinese line is one sentence.
    #[test]
    fn located_matches_quote_their_sentence() {
        let stored =
            "第五章  保存期限\n\n我们仅在必要的期间内\n保存您的信息。另一句话。\nName | Purpose\n";
        let idx = IndexedText::with_stored(stored);
        let normalised: String = idx.chars.iter().collect();
        let find = |needle: &str| -> (usize, usize) {
            let byte = normalised.find(needle).unwrap_or(0);
            let start = normalised.get(..byte).unwrap_or_default().chars().count();
            (start, start + needle.chars().count())
        };
        let (s, e) = find("保存期限");
        let heading = idx.locate(s, e);
        assert!(heading.heading, "{heading:?}");
        assert_eq!(heading.sentence, "第五章保存期限");
        let (s, e) = find("期间内");
        let sentence = idx.locate(s, e);
        assert!(!sentence.heading, "{sentence:?}");
        assert_eq!(sentence.sentence, "我们仅在必要的期间内保存您的信息。");
        let stored_chars: Vec<char> = stored.chars().collect();
        let quoted: String = stored_chars[sentence.start..sentence.end].iter().collect();
        assert_eq!(quoted, "期间内");
        let (s, e) = find("Purpose");
        assert!(!idx.locate(s, e).heading, "a table row is evidence");
        // Long sentences are cut around the match.
        let long = format!("{}目的{}。", "甲".repeat(300), "乙".repeat(300));
        let idx = IndexedText::with_stored(&long);
        let located = idx.locate(300, 302);
        assert!(located.sentence.starts_with('…') && located.sentence.ends_with('…'));
        assert!(located.sentence.contains("目的"));
        assert!(located.sentence.chars().count() <= MAX_SENTENCE_CHARS + 2);
    }

    #[test]
    fn the_map_points_at_the_stored_characters() {
        let (out, map) = normalise_mapped("  a \n b\u{200B}c");
        assert_eq!(out, "a bc");
        assert_eq!(map, vec![2, 3, 6, 8]);
    }
}
