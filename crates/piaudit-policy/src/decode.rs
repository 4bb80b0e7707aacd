//! Bytes → text: encoding detection, HTML → text, size cap.
//!
//! Owns the decision which character encoding a policy file is in and whether it is HTML.
//! Order of evidence: a byte-order mark; for HTML, a `<meta charset>` / `http-equiv` label in the
//! first 4 KiB (honoured, except that a legacy label on bytes that are valid UTF-8 with
//! non-ASCII content is treated as a mislabelled template and read as UTF-8 — GBK text is
//! practically never valid UTF-8); UTF-16 without BOM from the position of NUL bytes; valid
//! UTF-8; otherwise GB18030 (a superset of GBK and GB2312). Malformed sequences become U+FFFD,
//! never an error. Must not analyse content (that is `analyze`).

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use serde::Serialize;

use crate::html;

/// Default input cap: larger inputs are truncated and flagged.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// How far into the input charset labels, NUL patterns and HTML markers are looked for.
const SNIFF_BYTES: usize = 4096;

/// A decoded text file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decoded {
    /// The text; for HTML, the rendered text with headings/paragraphs on separate lines.
    pub text: String,
    /// `"utf-8"`, `"utf-16le"`, `"utf-16be"`, `"gb18030"` (also for GBK/GB2312 labels), or the
    /// WHATWG name of another encoding an HTML `<meta charset>` declared (e.g. `"Big5"`).
    pub encoding: &'static str,
    /// Whether the input was treated as HTML.
    pub was_html: bool,
    /// Whether the input exceeded the byte cap and only its beginning was decoded.
    pub truncated: bool,
    /// SHA-256 (hex) of the input bytes exactly as given (all of them, even when truncated):
    /// what `sha256sum` prints for the file the bytes came from.
    pub sha256: String,
}

/// Whether to treat input as HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HtmlHint {
    /// Decide from the content.
    #[default]
    Sniff,
    /// The caller knows it is HTML (e.g. a `.html` file name).
    Html,
    /// The caller knows it is plain text.
    PlainText,
}

/// Options for [`decode_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// HTML decision.
    pub html: HtmlHint,
    /// Inputs longer than this are truncated (and flagged).
    pub max_input_bytes: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            html: HtmlHint::Sniff,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
        }
    }
}

/// Decodes with default options (sniff HTML, 4 MiB cap).
pub fn decode(bytes: &[u8]) -> Decoded {
    decode_with(bytes, &DecodeOptions::default())
}

/// Decodes `bytes` into text (see the module documentation for the rules).
pub fn decode_with(bytes: &[u8], options: &DecodeOptions) -> Decoded {
    let truncated = bytes.len() > options.max_input_bytes;
    let sha256 = crate::text::sha256_hex(bytes);
    let bytes = bytes.get(..options.max_input_bytes).unwrap_or(bytes);

    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, bytes.get(bom_len..).unwrap_or_default()),
        None => (detect_without_bom(bytes), bytes),
    };
    let mut text = decode_body(encoding, body);
    let mut encoding = encoding;

    let was_html = match options.html {
        HtmlHint::Html => true,
        HtmlHint::PlainText => false,
        HtmlHint::Sniff => looks_like_html(&text),
    };
    let declared = if was_html && Encoding::for_bom(bytes).is_none() {
        meta_charset(bytes)
    } else {
        None
    };
    if let Some(declared) = declared {
        let chosen = honour_declared(declared, encoding, body);
        if chosen != encoding {
            encoding = chosen;
            text = decode_body(encoding, body);
        }
    }
    if was_html {
        text = html::to_text(&text);
    }
    Decoded {
        text,
        encoding: encoding_label(encoding),
        was_html,
        truncated,
        sha256,
    }
}

fn decode_body(encoding: &'static Encoding, body: &[u8]) -> String {
    encoding.decode_without_bom_handling(body).0.into_owned()
}

/// Picks the encoding of BOM-less bytes.
fn detect_without_bom(bytes: &[u8]) -> &'static Encoding {
    let sample = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    // UTF-8/GB18030 text has no NUL bytes; NUL-free valid UTF-8 is UTF-8 (ASCII read as
    // UTF-16 would look like CJK, so UTF-16 is only considered otherwise).
    let nul_free = !sample.contains(&0);
    if nul_free && utf8_valid_but_cut(bytes) {
        return UTF_8;
    }
    // ASCII markup without NUL bytes is not UTF-16 (UTF-16 markup has a NUL in every ASCII
    // unit), though pairs of ASCII letters read as UTF-16 land in the CJK range: a GBK page
    // exported by a word processor opens with kilobytes of ASCII styles. Its `<meta charset>`
    // (read later) decides; GB18030 until then.
    if nul_free && opens_with_ascii_markup(sample) {
        return GB18030;
    }
    if let Some(utf16) = sniff_utf16(sample) {
        return utf16;
    }
    if utf8_valid_but_cut(bytes) {
        return UTF_8;
    }
    GB18030
}

/// Valid UTF-8 except for an incomplete sequence at the very end (a truncated file).
fn utf8_valid_but_cut(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && bytes.len().saturating_sub(e.valid_up_to()) < 4,
    }
}

/// Share of code units (per thousand) a text must have in plausible ranges to be UTF-16.
const UTF16_PLAUSIBLE_PER_MILLE: usize = 900;

/// UTF-16 without BOM: reads the sample as UTF-16LE and as UTF-16BE and takes the reading in
/// which at least 90% of code units are plausible policy text — printable ASCII and
/// whitespace, CJK ideographs and punctuation, full-width forms, general punctuation, Latin-1
/// letters — provided it decodes without errors. GBK or random bytes read as UTF-16 land in
/// Hangul, private-use and other ranges; Chinese UTF-16 passes even without any ASCII.
fn sniff_utf16(sample: &[u8]) -> Option<&'static Encoding> {
    let units = sample.len() / 2;
    if units < 4 {
        return None;
    }
    let whole = sample.get(..units * 2).unwrap_or(sample);
    let share = |big_endian: bool| -> usize {
        let plausible = whole
            .chunks_exact(2)
            .filter_map(|pair| <[u8; 2]>::try_from(pair).ok())
            .filter(|&pair| {
                let unit = if big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                };
                is_plausible_unit(unit)
            })
            .count();
        plausible * 1000 / units
    };
    let (le, be) = (share(false), share(true));
    let candidate = if le >= be {
        (UTF_16LE, le)
    } else {
        (UTF_16BE, be)
    };
    if candidate.1 < UTF16_PLAUSIBLE_PER_MILLE {
        return None;
    }
    let (_, had_errors) = candidate.0.decode_without_bom_handling(whole);
    (!had_errors).then_some(candidate.0)
}

fn is_plausible_unit(unit: u16) -> bool {
    matches!(unit,
        0x09 | 0x0A | 0x0D
        | 0x20..=0x7E
        | 0xA0..=0xFF
        | 0x2000..=0x206F
        | 0x3000..=0x303F
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xFF00..=0xFFEF)
}

/// Whether the sample starts (after ASCII whitespace) with an ASCII tag, comment or
/// declaration and holds a document-level tag.
fn opens_with_ascii_markup(sample: &[u8]) -> bool {
    let trimmed = skip(sample, |b| b.is_ascii_whitespace());
    if trimmed.first() != Some(&b'<') {
        return false;
    }
    let lower = sample.to_ascii_lowercase();
    [
        b"<html".as_slice(),
        b"<meta",
        b"<!doctype",
        b"<head",
        b"<?xml",
    ]
    .iter()
    .any(|t| find(&lower, t).is_some())
}

/// Content sniffing for HTML: a document-level tag, or several block-level tags.
fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(SNIFF_BYTES)
        .collect::<String>()
        .to_ascii_lowercase();
    if ["<!doctype html", "<html", "<body", "<head"]
        .iter()
        .any(|t| head.contains(t))
    {
        return true;
    }
    let window: String = text
        .chars()
        .take(64 * 1024)
        .collect::<String>()
        .to_ascii_lowercase();
    let block_tags = [
        "<p>", "<p ", "<div", "<br", "<h1", "<h2", "<h3", "<h4", "<table", "<li>", "<li ", "<span",
        "<strong",
    ];
    let count: usize = block_tags.iter().map(|t| window.matches(t).count()).sum();
    count >= 3
}

/// The charset label of the first `<meta>` in the first 4 KiB that declares one.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = bytes
        .get(..SNIFF_BYTES)
        .unwrap_or(bytes)
        .to_ascii_lowercase();
    let mut rest = sample.as_slice();
    while let Some(pos) = find(rest, b"<meta") {
        let after = rest.get(pos + 5..)?;
        let tag_end = after.iter().position(|&b| b == b'>').unwrap_or(after.len());
        let tag = after.get(..tag_end)?;
        if let Some(cs) = find(tag, b"charset") {
            let value = tag.get(cs + 7..)?;
            let value = skip(value, |b| b.is_ascii_whitespace());
            if let Some(value) = value.strip_prefix(b"=") {
                let value = skip(value, |b| {
                    b.is_ascii_whitespace() || b == b'"' || b == b'\''
                });
                let len = value
                    .iter()
                    .position(|&b| !(b.is_ascii_alphanumeric() || b"-_.:".contains(&b)))
                    .unwrap_or(value.len());
                if let Some(enc) = value.get(..len).and_then(Encoding::for_label) {
                    return Some(enc);
                }
            }
        }
        rest = after.get(tag_end..)?;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn skip(bytes: &[u8], pred: impl Fn(u8) -> bool) -> &[u8] {
    let n = bytes.iter().position(|&b| !pred(b)).unwrap_or(bytes.len());
    bytes.get(n..).unwrap_or_default()
}

/// Applies a declared charset. UTF-16 labels inside a byte-oriented document are impossible
/// (the meta tag itself was readable as ASCII), so they mean UTF-8 as in browsers.
fn honour_declared(
    declared: &'static Encoding,
    detected: &'static Encoding,
    body: &[u8],
) -> &'static Encoding {
    if detected == UTF_16LE || detected == UTF_16BE {
        return detected;
    }
    if declared == UTF_16LE || declared == UTF_16BE {
        return UTF_8;
    }
    let declared = if declared == encoding_rs::GBK {
        GB18030
    } else {
        declared
    };
    if declared != UTF_8 && !body.is_ascii() && utf8_valid_but_cut(body) {
        return UTF_8;
    }
    declared
}

fn encoding_label(encoding: &'static Encoding) -> &'static str {
    if encoding == UTF_8 {
        "utf-8"
    } else if encoding == UTF_16LE {
        "utf-16le"
    } else if encoding == UTF_16BE {
        "utf-16be"
    } else if encoding == GB18030 || encoding == encoding_rs::GBK {
        "gb18030"
    } else {
        encoding.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(enc: &'static Encoding, s: &str) -> Vec<u8> {
        enc.encode(s).0.into_owned()
    }

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn utf16be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    const ZH: &str = "隐私政策\n我们会收集您的位置信息，用于提供附近服务。\n更新日期：2024年1月1日";

    #[test]
    fn utf8_plain() {
        let d = decode(ZH.as_bytes());
        assert_eq!(
            (d.encoding, d.was_html, d.truncated),
            ("utf-8", false, false)
        );
        assert_eq!(d.text, ZH);
    }

    #[test]
    fn gbk_plain_falls_back_to_gb18030() {
        let d = decode(&encode(encoding_rs::GBK, ZH));
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.text, ZH);
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend(utf16le(ZH));
        assert_eq!(decode(&with_bom).text, ZH);
        let d = decode(&utf16le(ZH));
        assert_eq!((d.encoding, d.text.as_str()), ("utf-16le", ZH));
        let d = decode(&utf16be(ZH));
        assert_eq!((d.encoding, d.text.as_str()), ("utf-16be", ZH));
    }

    #[test]
    fn utf16_without_any_ascii_is_detected() {
        let d = decode(&utf16le("隐私政策我们收集您的位置信息用于提供服务"));
        assert_eq!(d.encoding, "utf-16le");
    }

    #[test]
    fn ascii_is_not_mistaken_for_utf16() {
        assert_eq!(decode(b"hello world, we collect nothing").encoding, "utf-8");
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(ZH.as_bytes());
        assert_eq!(decode(&bytes).text, ZH);
    }

    #[test]
    fn html_meta_gbk_is_honoured() {
        let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"><title>隐私政策</title></head><body><h1>隐私政策</h1><p>我们收集位置信息&amp;设备标识。</p><script>var x='不应出现';</script></body></html>";
        let d = decode(&encode(encoding_rs::GBK, html));
        assert_eq!((d.encoding, d.was_html), ("gb18030", true));
        assert!(d.text.contains("我们收集位置信息&设备标识。"), "{}", d.text);
        assert!(!d.text.contains("不应出现"));
        assert!(!d.text.contains('<'));
    }

    #[test]
    fn mislabelled_utf8_html_stays_utf8() {
        let html =
            "<html><head><meta charset=\"gb2312\"></head><body><p>隐私政策</p></body></html>";
        let d = decode(html.as_bytes());
        assert_eq!(d.encoding, "utf-8");
        assert!(d.text.contains("隐私政策"));
    }

    #[test]
    fn cap_truncates_and_flags() {
        let bytes = "政".repeat(100).into_bytes();
        let d = decode_with(
            &bytes,
            &DecodeOptions {
                max_input_bytes: 31,
                ..DecodeOptions::default()
            },
        );
        assert!(d.truncated);
        assert_eq!(d.encoding, "utf-8");
        assert!(d.text.starts_with("政政政政政政政政政政"));
        assert!(d.text.chars().count() <= 11);
    }

    #[test]
    fn binary_garbage_does_not_panic() {
        let bytes: Vec<u8> = (0..5000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let d = decode(&bytes);
        assert!(!d.text.is_empty());
    }

    #[test]
    fn text_mentioning_a_tag_is_not_html() {
        let d = decode("Use the <p> tag for paragraphs.".as_bytes());
        assert!(!d.was_html);
    }
}
