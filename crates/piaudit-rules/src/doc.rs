//! `rules show ID`: a rule's documentation as plain text in one language.
//!
//! Owns the layout only (what it checks, severity, legal basis with criterion titles and
//! sources, why, example, fix, the conditions); it must not evaluate anything.

use std::fmt::Write;

use crate::Lang;
use crate::rule::Rule;
use crate::tables::Tables;
use crate::template::Template;

/// The documentation of `rule` in `lang`, criteria resolved through `tables`.
pub fn render_rule_doc(rule: &Rule, tables: &Tables, lang: Lang) -> String {
    let heading = |zh: &'static str, en: &'static str| match lang {
        Lang::Zh => zh,
        Lang::En => en,
    };
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{} — {}", rule.id, rule.title.get(lang));
    let _ = writeln!(
        out,
        "{}: {}",
        heading("严重程度", "Severity"),
        rule.severity.label(lang)
    );
    if rule.needs_category() {
        let scope = if rule.applies_to.is_empty() {
            heading(
                "需要指定应用类型（--category）",
                "needs the app type (--category)",
            )
            .to_owned()
        } else {
            format!(
                "{}: {}",
                heading("仅适用于应用类型", "only for app types"),
                rule.applies_to
                    .iter()
                    .map(|t| tables.glossary().term(t, lang).unwrap_or(t))
                    .collect::<Vec<_>>()
                    .join(heading("、", ", "))
            )
        };
        let _ = writeln!(out, "{}: {scope}", heading("适用范围", "Scope"));
    }
    let _ = writeln!(out, "\n{}", heading("检查内容", "What it checks"));
    // A rule set that loaded has templates that parse; the source is the fallback all the same.
    let message = Template::parse(rule.message.get(lang))
        .map_or_else(|_| rule.message.get(lang).to_owned(), |t| t.describe(lang));
    let _ = writeln!(out, "  {message}");
    let _ = writeln!(out, "\n{}", heading("依据", "Legal basis"));
    if !rule.violated.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            heading(
                "违反（仅当各自条件成立时认定）：",
                "Violated (cited only when its condition holds):"
            )
        );
        for v in &rule.violated {
            write_criterion(&mut out, tables, &v.id, lang);
            let _ = writeln!(
                out,
                "      {}: {}",
                heading("条件", "condition"),
                v.condition.get(lang)
            );
        }
    }
    if !rule.criteria.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            heading("相关（不认定为违反）：", "Related (not cited as violated):")
        );
        for id in &rule.criteria {
            write_criterion(&mut out, tables, id, lang);
        }
    }
    for (zh, en, text) in [
        ("理由", "Why", &rule.why),
        ("示例", "Example", &rule.example),
        ("整改建议", "How to fix", &rule.fix),
    ] {
        let _ = writeln!(out, "\n{}", heading(zh, en));
        let _ = writeln!(out, "  {}", text.get(lang));
    }
    // CEL is code: each expression stands in a code span.
    let _ = writeln!(out, "\n{}", heading("判断条件（CEL）", "Condition (CEL)"));
    if let Some(when) = &rule.when {
        let _ = writeln!(out, "  {}: `{}`", heading("触发条件", "when"), when.trim());
    }
    if let Some(evidence) = &rule.evidence {
        let _ = writeln!(
            out,
            "  {}: `{}`",
            heading("证据", "evidence"),
            evidence.trim()
        );
    }
    for v in &rule.violated {
        let _ = writeln!(
            out,
            "  {} {}: `{}`",
            heading("认定违反", "violated"),
            v.id,
            v.when.trim()
        );
    }
    let _ = writeln!(
        out,
        "\n{}",
        heading(
            "注：静态发现仅表明应用具备相应能力或存在遗漏，并不证明已实际收集数据。",
            "Note: a static finding is evidence of capability or omission, not proof that data was collected."
        )
    );
    let _ = write!(
        out,
        "{}: {}:{}",
        heading("定义于", "Defined in"),
        rule.file,
        rule.line
    );
    out
}

/// One criterion line (as reports cite it) and its caveat, if any.
fn write_criterion(out: &mut String, tables: &Tables, id: &str, lang: Lang) {
    let _ = writeln!(out, "    {}", tables.citation(id, lang));
    if let Some(caveat) = tables.criteria(id).and_then(|c| c.caveat()) {
        let _ = writeln!(out, "      ({})", caveat.get(lang));
    }
}
