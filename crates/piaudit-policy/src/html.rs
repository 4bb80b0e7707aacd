//! HTML → plain text for policy pages, using the html5ever parser (via `scraper`).
//!
//! Owns which elements break lines (headings, paragraphs, list items, table rows, `<br>`, ...),
//! which are dropped with their content (`script`, `style`, `noscript`, `template`, `svg`,
//! `iframe`, `object`), and how table cells are separated. The document `<title>` is kept as
//! the first line (policies often carry their title only there). Entities are decoded by the
//! parser. The tree is walked iteratively, so hostile nesting depth cannot overflow the stack.
//! Must not decide encodings (that is `decode`).

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Elements whose start and end are line breaks.
const BLOCK_ELEMENTS: &[&str] = &[
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "title",
    "tr", "ul",
];

/// Elements whose content is not text a reader sees.
const DROPPED_ELEMENTS: &[&str] = &["script", "style", "noscript", "template", "svg", "iframe", "object", "math"];

/// Table cells: separated by " | " so a row stays one readable line.
const CELL_ELEMENTS: &[&str] = &["td", "th"];

/// Renders an HTML document as text: one line per block, whitespace inside blocks collapsed,
/// empty lines removed.
pub fn to_text(html: &str) -> String {
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

/// Trims each line, strips table-cell separators at line ends, drops empty lines.
fn tidy_lines(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        let line = line.trim().trim_start_matches('|').trim_end_matches('|').trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
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
        assert_eq!(text, "Privacy Policy\nPrivacy Policy\nWe collect your location.\nContact: a&b@example.com <ok>");
    }

    #[test]
    fn table_rows_stay_on_one_line() {
        let text = to_text("<table><tr><th>SDK</th><th>用途</th></tr><tr><td>友盟</td><td>统计</td></tr></table>");
        assert_eq!(text, "SDK | 用途\n友盟 | 统计");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(100_000) + "深层文本" + &"</div>".repeat(100_000);
        assert!(to_text(&html).contains("深层文本"));
    }
}
