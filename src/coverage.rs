//! `piaudit rules coverage`: every criterion of `rules/data/criteria.toml` against the rules in
//! effect that cite it (as violated, under a written condition, or as related), and for a
//! criterion no rule cites, why not (its `unchecked` field).
//!
//! Owns the matrix and its three renderings (text, Markdown, JSON). It reads the rule set and
//! its tables only; it must not evaluate rules or read apps.

use std::collections::BTreeMap;
use std::fmt::Write;

use piaudit_rules::{Lang, RuleSet};
use serde::Serialize;

/// One criterion's row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub document: String,
    pub title: String,
    /// How far an APK can show it, as in the reference (`S`, `P`, `N`, ...).
    #[serde(rename = "static")]
    pub static_check: String,
    pub verification: String,
    /// Rules that cite it as violated (under their written condition).
    pub violated_by: Vec<String>,
    /// Rules that cite it as related.
    pub related_by: Vec<String>,
    /// Why no rule cites it (`dynamic`, `package`, `definition`, `todo`), when none does.
    pub unchecked: Option<String>,
}

impl Row {
    pub fn checked(&self) -> bool {
        !self.violated_by.is_empty() || !self.related_by.is_empty()
    }
}

/// Per document: how many of its criteria some rule cites.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DocumentCount {
    pub document: String,
    pub criteria: usize,
    pub checked: usize,
    pub violated: usize,
}

/// The coverage matrix.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Coverage {
    pub documents: Vec<DocumentCount>,
    pub criteria: Vec<Row>,
}

/// Words for the `unchecked` reasons.
fn reason_text(reason: &str, lang: Lang) -> &str {
    match (reason, lang) {
        ("dynamic", Lang::En) => "needs dynamic evidence",
        ("dynamic", Lang::Zh) => "需要动态检测证据",
        ("package", Lang::En) => "not visible in a package",
        ("package", Lang::Zh) => "安装包中不可见",
        ("definition", Lang::En) => "defines terms; nothing to check",
        ("definition", Lang::Zh) => "定义性条款，无需检查",
        ("todo", Lang::En) => "not yet written",
        ("todo", Lang::Zh) => "规则尚未编写",
        (other, _) => other,
    }
}

/// The reasons a criterion may give for having no rule.
pub const REASONS: [&str; 4] = ["dynamic", "package", "definition", "todo"];

/// Builds the matrix from the rules in effect.
pub fn coverage(set: &RuleSet, lang: Lang) -> Coverage {
    let mut violated: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut related: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for rule in set.rules() {
        for v in &rule.violated {
            violated
                .entry(v.id.as_str())
                .or_default()
                .push(rule.id.clone());
        }
        for id in &rule.criteria {
            related
                .entry(id.as_str())
                .or_default()
                .push(rule.id.clone());
        }
    }
    let rows: Vec<Row> = set
        .tables()
        .all_criteria()
        .iter()
        .map(|c| {
            let v = violated.get(c.id.as_str()).cloned().unwrap_or_default();
            let r: Vec<String> = related
                .get(c.id.as_str())
                .into_iter()
                .flatten()
                .filter(|id| !v.contains(id))
                .cloned()
                .collect();
            Row {
                id: c.id.clone(),
                document: c.document.clone(),
                title: c.title.get(lang).to_owned(),
                static_check: c.static_check.clone(),
                verification: c.verification.clone(),
                violated_by: v,
                related_by: r,
                unchecked: c.unchecked.clone(),
            }
        })
        .collect();
    let mut documents: Vec<DocumentCount> = Vec::new();
    for row in &rows {
        let i = match documents.iter().position(|d| d.document == row.document) {
            Some(i) => i,
            None => {
                documents.push(DocumentCount {
                    document: row.document.clone(),
                    criteria: 0,
                    checked: 0,
                    violated: 0,
                });
                documents.len() - 1
            }
        };
        let d = &mut documents[i];
        d.criteria += 1;
        d.checked += usize::from(row.checked());
        d.violated += usize::from(!row.violated_by.is_empty());
    }
    Coverage {
        documents,
        criteria: rows,
    }
}

impl Coverage {
    /// The rule cell of a row: `violated: A, B; related: C`, or the reason there is none.
    fn cell(row: &Row, lang: Lang) -> String {
        if !row.checked() {
            return match &row.unchecked {
                Some(r) => format!("— ({})", reason_text(r, lang)),
                None => "—".to_owned(),
            };
        }
        let (v, r) = match lang {
            Lang::Zh => ("违反", "相关"),
            Lang::En => ("violated", "related"),
        };
        let mut parts = Vec::new();
        if !row.violated_by.is_empty() {
            parts.push(format!("{v}: {}", row.violated_by.join(", ")));
        }
        if !row.related_by.is_empty() {
            parts.push(format!("{r}: {}", row.related_by.join(", ")));
        }
        parts.join("; ")
    }

    fn summary_line(d: &DocumentCount, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{}：{}/{} 项有规则检查（其中 {} 项可认定违反）",
                d.document, d.checked, d.criteria, d.violated
            ),
            Lang::En => format!(
                "{}: {}/{} criteria checked by a rule ({} citable as violated)",
                d.document, d.checked, d.criteria, d.violated
            ),
        }
    }

    /// Plain text: one line per criterion, then the counts per document.
    pub fn to_text(&self, lang: Lang) -> String {
        let mut out = String::new();
        for row in &self.criteria {
            let _ = writeln!(
                out,
                "{:<22} {:<4} {}  {}",
                row.id,
                row.static_check,
                Self::cell(row, lang),
                row.title
            );
        }
        out.push('\n');
        for d in &self.documents {
            let _ = writeln!(out, "{}", Self::summary_line(d, lang));
        }
        out
    }

    /// A Markdown table per document, counts first.
    pub fn to_markdown(&self, lang: Lang) -> String {
        let mut out = String::new();
        let head = match lang {
            Lang::Zh => "| 条目 | 标题 | 静态可查 | 规则 |\n|---|---|---|---|\n",
            Lang::En => "| criterion | title | static | rules |\n|---|---|---|---|\n",
        };
        for d in &self.documents {
            let _ = writeln!(out, "#### {}\n", Self::summary_line(d, lang));
            out.push_str(head);
            for row in self.criteria.iter().filter(|r| r.document == d.document) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    row.id,
                    row.title.replace('|', "\\|"),
                    row.static_check,
                    Self::cell(row, lang)
                );
            }
            out.push('\n');
        }
        out
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
