//! Message templates: the small placeholder language of a rule's `message`.
//!
//! Placeholders: `{count}` — the number of evidence items; `{evidence}` — the evidence items,
//! each shown as itself when a string, as its `"text"` field when an object has one, else as
//! compact JSON; at most [`SHOWN_ITEMS`] are listed, then "… (+N)"; `{category}` — the app-type
//! the user gave (its name in the report language when the glossary knows it), or "not given"
//! / "未指定"; evidence and category are localized through the glossary. `{{` and `}}` are literal braces. Any other `{name}` is an error
//! `rules check` reports. This module owns parsing and rendering only; it must not evaluate CEL.

use crate::Lang;

/// The placeholders a message may use.
pub const PLACEHOLDERS: [&str; 3] = ["count", "evidence", "category"];

/// How many evidence items `{evidence}` lists before summarising the rest.
pub const SHOWN_ITEMS: usize = 10;

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Count,
    Evidence,
    Category,
}

/// A parsed message template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// What a template is rendered with.
pub struct Values<'a> {
    pub count: usize,
    pub evidence: &'a [serde_json::Value],
    pub category: Option<&'a str>,
    pub lang: Lang,
    /// Names identifiers in the reader's language (none: shown as they are).
    pub glossary: Option<&'a crate::glossary::Glossary>,
}

impl Template {
    /// Parses a template; the error names the first bad placeholder or brace.
    pub fn parse(source: &str) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for n in chars.by_ref() {
                        if n == '}' {
                            closed = true;
                            break;
                        }
                        name.push(n);
                    }
                    if !closed {
                        return Err("unclosed '{' in message (write '{{' for a brace)".to_owned());
                    }
                    let piece = match name.as_str() {
                        "count" => Piece::Count,
                        "evidence" => Piece::Evidence,
                        "category" => Piece::Category,
                        _ => {
                            return Err(format!(
                                "unknown placeholder '{{{name}}}' in message (known: {})",
                                PLACEHOLDERS.join(", ")
                            ));
                        }
                    };
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(piece);
                }
                '}' => return Err("unmatched '}' in message (write '}}' for a brace)".to_owned()),
                other => text.push(other),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Template { pieces })
    }

    /// The template as documentation reads it: each placeholder named in words (`（数量）`,
    /// `(the evidence)`), never as a raw `{count}`.
    pub fn describe(&self, lang: Lang) -> String {
        let word = |zh: &'static str, en: &'static str| match lang {
            Lang::Zh => zh,
            Lang::En => en,
        };
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) => t.as_str(),
                Piece::Count => word("（数量）", "(number)"),
                Piece::Evidence => word("（证据各项）", "(the evidence items)"),
                Piece::Category => word("（应用类型）", "(the app type)"),
            })
            .collect()
    }

    pub fn render(&self, values: &Values<'_>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Count => out.push_str(&values.count.to_string()),
                Piece::Category => out.push_str(
                    values
                        .category
                        .map(|c| {
                            values
                                .glossary
                                .and_then(|g| g.term(c, values.lang))
                                .unwrap_or(c)
                        })
                        .unwrap_or(match values.lang {
                            Lang::Zh => "未指定",
                            Lang::En => "not given",
                        }),
                ),
                Piece::Evidence => out.push_str(&evidence_list(
                    values.evidence,
                    values.count,
                    values.lang,
                    values.glossary,
                )),
            }
        }
        out
    }
}

/// The evidence items as one line: at most [`SHOWN_ITEMS`], then how many more.
pub fn evidence_list(
    items: &[serde_json::Value],
    total: usize,
    lang: Lang,
    glossary: Option<&crate::glossary::Glossary>,
) -> String {
    let separator = match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    };
    let shown: Vec<String> = items
        .iter()
        .take(SHOWN_ITEMS)
        .map(|item| {
            let text = evidence_text(item);
            glossary.map_or_else(|| text.clone(), |g| g.localize(&text, lang))
        })
        .collect();
    let mut line = shown.join(separator);
    let rest = total.saturating_sub(shown.len());
    if rest > 0 {
        line.push_str(&match lang {
            Lang::Zh => format!(" 等（另有 {rest} 项）"),
            Lang::En => format!(" … (+{rest} more)"),
        });
    }
    line
}

/// One evidence item as text.
pub fn evidence_text(item: &serde_json::Value) -> String {
    match item {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(map) => match map.get("text") {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => item.to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &str, evidence: &[serde_json::Value], lang: Lang) -> String {
        Template::parse(t).map_or_else(
            |e| format!("ERR {e}"),
            |t| {
                t.render(&Values {
                    count: evidence.len(),
                    evidence,
                    category: None,
                    lang,
                    glossary: None,
                })
            },
        )
    }

    #[test]
    fn placeholders_and_escapes() {
        let ev = [
            serde_json::json!("a"),
            serde_json::json!({"text": "b", "x": 1}),
            serde_json::json!({"y": 2}),
        ];
        assert_eq!(
            render("{count}: {evidence} {{x}} {category}", &ev, Lang::En),
            "3: a, b, {\"y\":2} {x} not given"
        );
        assert_eq!(render("{evidence}", &ev[..2], Lang::Zh), "a、b");
    }

    #[test]
    fn documentation_names_placeholders_in_words() {
        let t = Template::parse("{count} 处：{evidence}（{category}） {{x}}").expect("parses");
        assert_eq!(
            t.describe(Lang::Zh),
            "（数量） 处：（证据各项）（（应用类型）） {x}"
        );
        let t = Template::parse("{count} call(s): {evidence}").expect("parses");
        assert_eq!(
            t.describe(Lang::En),
            "(number) call(s): (the evidence items)"
        );
    }

    #[test]
    fn long_evidence_is_summarised() {
        let ev: Vec<_> = (0..13).map(|i| serde_json::json!(i.to_string())).collect();
        let line = render("{evidence}", &ev, Lang::En);
        assert!(line.ends_with("9 … (+3 more)"), "{line}");
    }

    #[test]
    fn bad_templates_are_rejected() {
        assert!(Template::parse("{counts}").is_err());
        assert!(Template::parse("open {count").is_err());
        assert!(Template::parse("close }").is_err());
    }
}
