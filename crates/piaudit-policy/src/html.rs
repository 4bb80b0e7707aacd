//! HTML → plain text for policy pages, using the html5ever parser (via `scraper`).
//!
//! Owns which elements break lines (headings, paragraphs, list items, table rows, `<br>`, ...),
//! which are dropped with their content (`script`, `style`, `noscript`, `template`, `svg`,
//! `iframe`, `object`), and how table cells are separated. Blocks are separated by a blank
//! line. The document `<title>` is kept as
//! the first line (policies often carry their title only there). Entities are decoded by the
//! parser. The tree is walked iteratively. The HTML tree builder's cost grows with nesting
//! depth times tag count, so a document whose estimated nesting exceeds [`MAX_PARSE_DEPTH`]
//! (hostile `<div><div><div>…`) is rendered by a linear tag stripper instead, with the same
//! line-break, dropped-element and entity rules. Must not decide encodings (that is `decode`).

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Elements whose start and end are line breaks.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Elements whose content is not text a reader sees.
const DROPPED_ELEMENTS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "math",
];

/// Table cells: separated by " | " so a row stays one readable line.
const CELL_ELEMENTS: &[&str] = &["td", "th"];

/// Estimated nesting above which the linear stripper is used instead of the HTML parser.
pub const MAX_PARSE_DEPTH: usize = 512;

/// Elements that never nest or whose end tag is usually implied; ignored by the depth estimate.
const FLAT_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "dd", "dt", "embed", "hr", "img", "input", "li", "link", "meta",
    "option", "p", "param", "source", "td", "th", "tr", "track", "wbr",
];

/// Renders an HTML document as text: one line per block, whitespace inside blocks collapsed,
/// empty lines removed.
pub fn to_text(html: &str) -> String {
    if estimated_depth(html) > MAX_PARSE_DEPTH {
        return strip_tags(html);
    }
    parse_to_text(html)
}

fn parse_to_text(html: &str) -> String {
    let document = Html::parse_document(html);
    let mut raw = String::with_capacity(html.len() / 2);
    let mut dropped_depth = 0usize;
    let mut pre_depth = 0usize;
    for edge in document.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if DROPPED_ELEMENTS.contains(&name) {
                        dropped_depth = dropped_depth.saturating_add(1);
                    } else if BLOCK_ELEMENTS.contains(&name) {
                        raw.push('\n');
                    } else if CELL_ELEMENTS.contains(&name) {
                        raw.push_str(" | ");
                    }
                    if name == "pre" {
                        pre_depth = pre_depth.saturating_add(1);
                    }
                }
                Node::Text(text) if dropped_depth == 0 => {
                    if pre_depth > 0 {
                        raw.push_str(text);
                    } else {
                        push_collapsed(&mut raw, text);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    let name = el.name();
                    if DROPPED_ELEMENTS.contains(&name) {
                        dropped_depth = dropped_depth.saturating_sub(1);
                    } else if BLOCK_ELEMENTS.contains(&name) {
                        raw.push('\n');
                    }
                    if name == "pre" {
                        pre_depth = pre_depth.saturating_sub(1);
                    }
                }
            }
        }
    }
    tidy_lines(&raw)
}

/// One tag found by the linear scanners: its lower-case name, whether it closes, whether it is
/// self-closing, and the byte offset after its `>`.
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    end: usize,
}

/// Parses the tag starting at `lower[start] == b'<'`; `None` when it is not a tag (text `<`).
fn tag_at(lower: &[u8], start: usize) -> Option<Tag> {
    let mut i = start + 1;
    let closing = lower.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_len = lower
        .get(i..)?
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b':'))
        .unwrap_or(lower.len() - i);
    let first = *lower.get(i)?;
    if name_len == 0 || !first.is_ascii_alphabetic() {
        return None;
    }
    let name = String::from_utf8_lossy(lower.get(i..i + name_len)?).into_owned();
    let close = lower
        .get(i..)?
        .iter()
        .position(|&b| b == b'>')
        .map_or(lower.len(), |p| i + p + 1);
    let self_closing = close >= 2 && lower.get(close - 2) == Some(&b'/');
    Some(Tag {
        name,
        closing,
        self_closing,
        end: close,
    })
}

/// Upper bound on how deeply the document nests (linear scan, no tree).
fn estimated_depth(html: &str) -> usize {
    let lower = html.as_bytes().to_ascii_lowercase();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = lower
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        let start = i + off;
        match tag_at(&lower, start) {
            Some(tag) => {
                if tag.closing {
                    depth = depth.saturating_sub(1);
                } else if !tag.self_closing && !FLAT_ELEMENTS.contains(&tag.name.as_str()) {
                    depth += 1;
                    max = max.max(depth);
                }
                i = tag.end.max(start + 1);
            }
            None => i = start + 1,
        }
    }
    max
}

/// Linear-time rendering without a tree: tags removed, dropped elements skipped to their end
/// tag, block tags as line breaks, cells as " | ", common entities decoded.
fn strip_tags(html: &str) -> String {
    let lower = html.as_bytes().to_ascii_lowercase();
    let mut raw = String::with_capacity(html.len() / 2);
    let mut i = 0;
    while i < html.len() {
        let next = lower
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| b == b'<'))
            .map_or(html.len(), |p| i + p);
        if let Some(text) = html.get(i..next) {
            push_collapsed(&mut raw, &decode_entities(text));
        }
        if next >= html.len() {
            break;
        }
        let Some(tag) = tag_at(&lower, next) else {
            raw.push('<');
            i = next + 1;
            continue;
        };
        i = tag.end.max(next + 1);
        let name = tag.name.as_str();
        if !tag.closing && DROPPED_ELEMENTS.contains(&name) {
            let end_tag = format!("</{name}");
            i = lower
                .get(i..)
                .and_then(|rest| {
                    rest.windows(end_tag.len())
                        .position(|w| w == end_tag.as_bytes())
                })
                .and_then(|p| {
                    lower
                        .get(i + p..)?
                        .iter()
                        .position(|&b| b == b'>')
                        .map(|q| i + p + q + 1)
                })
                .unwrap_or(html.len());
        } else if BLOCK_ELEMENTS.contains(&name) {
            raw.push('\n');
        } else if CELL_ELEMENTS.contains(&name) && !tag.closing {
            raw.push_str(" | ");
        }
        // Never split a UTF-8 sequence: tags end at ASCII `>`, so `i` is a char boundary.
    }
    tidy_lines(&raw)
}

/// Decodes the entities policy pages actually use; anything else is kept verbatim.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let semi = after.find(';').filter(|&p| p <= 10);
        let decoded = semi.and_then(|p| {
            let entity = after.get(..p)?;
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                "ldquo" => '“',
                "rdquo" => '”',
                "mdash" => '—',
                _ => {
                    let num = entity.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse::<u32>().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, p))
        });
        match decoded {
            Some((c, p)) => {
                out.push(c);
                rest = after.get(p + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Appends text with every whitespace run turned into one space (HTML rendering rules).
fn push_collapsed(out: &mut String, text: &str) {
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{3000}' {
            in_space = true;
        } else {
            if in_space {
                out.push(' ');
            }
            in_space = false;
            out.push(c);
        }
    }
    if in_space {
        out.push(' ');
    }
}

/// Trims each line, strips table-cell separators at line ends, drops empty lines, and
/// separates blocks by a blank line (so `normalise` keeps a space between a Chinese heading
/// and the paragraph after it).
fn tidy_lines(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        let line = line
            .trim()
            .trim_start_matches('|')
            .trim_end_matches('|')
            .trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_paragraphs_become_lines() {
        let text = to_text(
            "<html><head><title>Privacy Policy</title><style>p{color:red}</style></head><body>\
             <h1>Privacy   Policy</h1><p>We collect\n  your <b>location</b>.</p><p>Contact: a&amp;b@example.com &lt;ok&gt;</p>\
             <script>alert('x')</script><noscript>enable js</noscript></body></html>",
        );
        assert_eq!(
            text,
            "Privacy Policy\n\nPrivacy Policy\n\nWe collect your location.\n\nContact: a&b@example.com <ok>"
        );
    }

    #[test]
    fn table_rows_stay_on_one_line() {
        let text = to_text(
            "<table><tr><th>SDK</th><th>用途</th></tr><tr><td>友盟</td><td>统计</td></tr></table>",
        );
        assert_eq!(text, "SDK | 用途\n\n友盟 | 统计");
    }

    #[test]
    fn deep_nesting_is_rendered_linearly() {
        let html = "<div>".repeat(200_000) + "深层文本" + &"</div>".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(to_text(&html), "深层文本");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn stripper_matches_parser_on_ordinary_pages() {
        let html = "<html><head><title>隐私政策</title><script>var a = '<p>x</p>';</script></head><body>\
                    <h1>隐私政策</h1><p>我们收集&ldquo;位置&rdquo;&amp;设备标识&#65281;</p><table><tr><td>友盟</td><td>统计</td></tr></table>\
                    <p>a &lt; b &unknown; c</p></body></html>";
        assert_eq!(strip_tags(html), parse_to_text(html));
        assert_eq!(estimated_depth(html), 3); // html > body > table; tr/td are flat
    }
}
