//! `md`: the report as Markdown (for merge-request comments, issue trackers, wikis): an
//! overview table, then per app identity, findings by severity with legal basis, evidence and
//! fix, and the permissions and SDK tables.
//!
//! Every text from an app is escaped: Markdown renderers pass inline HTML through, and an APK's
//! strings are written by an adversary.

use std::io::Write;

use super::{AppRecord, ReportContext, Summary, tr, view};

/// Evidence items shown per finding.
const EVIDENCE_SHOWN: usize = 10;

pub fn write(
    out: &mut dyn Write,
    ctx: &ReportContext<'_>,
    records: &[AppRecord],
    summary: &Summary,
) -> std::io::Result<()> {
    let lang = ctx.lang;
    let run = ctx.run;
    writeln!(
        out,
        "# {}\n",
        tr(
            lang,
            "piaudit 个人信息合规检测报告",
            "piaudit personal-information compliance report"
        )
    )?;
    writeln!(
        out,
        "piaudit {} · {} {} · {}: `{}` · {}: {}\n",
        run.tool_version,
        tr(lang, "报告格式版本", "schema"),
        run.schema_version,
        tr(lang, "规则集摘要", "rules digest"),
        run.rules_digest,
        tr(lang, "检测时间（UTC）", "scanned at (UTC)"),
        run.scanned_at
    )?;
    let mut overview = view::Table {
        headers: vec![
            tr(lang, "文件", "file"),
            tr(lang, "包名", "package"),
            tr(lang, "版本", "version"),
            tr(lang, "发现", "findings"),
            tr(lang, "最高严重程度", "highest severity"),
        ],
        rows: Vec::new(),
    };
    for r in records {
        overview.rows.push(vec![
            r.input.path.clone(),
            r.package().unwrap_or("").to_owned(),
            r.app
                .as_ref()
                .and_then(|a| a.version_name.clone())
                .unwrap_or_default(),
            match &r.error {
                Some(_) => tr(lang, "无法读取", "unreadable").to_owned(),
                None => r.findings.len().to_string(),
            },
            r.findings
                .first()
                .map_or(String::new(), |f| f.finding.severity.label(lang).to_owned()),
        ]);
    }
    write_table(out, &overview)?;
    writeln!(out)?;
    for r in records {
        write_app(out, ctx, r)?;
    }
    writeln!(out, "## {}\n\n```", tr(lang, "汇总", "Summary"))?;
    summary.write(out, lang)?;
    writeln!(out, "```")
}

fn write_app(out: &mut dyn Write, ctx: &ReportContext<'_>, r: &AppRecord) -> std::io::Result<()> {
    let lang = ctx.lang;
    let title = r.package().unwrap_or(&r.input.path);
    writeln!(out, "## {}\n", escape(title))?;
    let identity = view::Table {
        headers: vec!["", ""],
        rows: view::identity(r, ctx.rules.tables().glossary(), lang)
            .into_iter()
            .map(|(k, v)| vec![k.to_owned(), v])
            .collect(),
    };
    write_table(out, &identity)?;
    writeln!(out)?;
    if let Some(e) = &r.error {
        writeln!(
            out,
            "**{}**: {}\n",
            tr(lang, "无法读取", "unreadable"),
            escape(e)
        )?;
        return Ok(());
    }
    writeln!(out, "### {}\n", tr(lang, "发现", "Findings"))?;
    if r.findings.is_empty() {
        writeln!(out, "{}\n", tr(lang, "未发现问题。", "No findings."))?;
    }
    for rf in &r.findings {
        let v = view::finding(ctx.rules, rf, EVIDENCE_SHOWN, lang);
        writeln!(
            out,
            "#### [{}] `{}` {}{}\n",
            v.severity,
            v.rule_id,
            escape(v.title),
            v.baselined
        )?;
        writeln!(out, "{}\n", escape(v.message))?;
        for (_, heading, lines) in &v.basis {
            writeln!(out, "{heading}:\n")?;
            for line in lines {
                writeln!(out, "- {}", escape(line))?;
            }
            writeln!(out)?;
        }
        writeln!(out, "{}:\n", tr(lang, "证据", "Evidence"))?;
        for text in v.evidence.iter().chain(&v.more) {
            writeln!(out, "- {}", escape(text))?;
        }
        writeln!(
            out,
            "\n**{}**: {}\n",
            tr(lang, "整改建议", "How to fix"),
            escape(v.fix)
        )?;
        writeln!(
            out,
            "<sub>{} {}</sub>\n",
            tr(lang, "指纹", "fingerprint"),
            rf.fingerprint
        )?;
    }
    if let Some(app) = &r.app {
        for (heading, table) in [
            (
                tr(lang, "权限", "Permissions"),
                view::permissions(app, ctx.rules.tables().glossary(), lang),
            ),
            (
                tr(lang, "第三方 SDK", "Third-party SDKs"),
                view::sdks(app, ctx.rules.tables().glossary(), lang),
            ),
        ] {
            writeln!(out, "### {heading}\n")?;
            if table.rows.is_empty() {
                writeln!(out, "{}\n", tr(lang, "无。", "None."))?;
            } else {
                write_table(out, &table)?;
                writeln!(out)?;
            }
        }
    }
    Ok(())
}

fn write_table(out: &mut dyn Write, table: &view::Table) -> std::io::Result<()> {
    let row = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
    writeln!(
        out,
        "{}",
        row(table.headers.iter().map(|h| escape(h)).collect())
    )?;
    writeln!(
        out,
        "{}",
        row(table.headers.iter().map(|_| "---".to_owned()).collect())
    )?;
    for r in &table.rows {
        writeln!(out, "{}", row(r.iter().map(|c| escape(c)).collect()))?;
    }
    Ok(())
}

/// Escapes text for Markdown: inline markup, table pipes, line breaks and HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn hostile_text_is_inert() {
        assert_eq!(super::escape("<script>|x*\n"), "&lt;script&gt;\\|x\\* ");
    }
}
