//! `text`: the human report for a terminal. Per app its identity, then findings most serious
//! first with legal basis, evidence and fix, in Chinese or English; then the run summary.

use std::io::Write;

use super::{AppRecord, ReportContext, Summary, tr, view};

/// Evidence items shown per finding.
const EVIDENCE_SHOWN: usize = 5;

pub fn write(
    out: &mut dyn Write,
    ctx: &ReportContext<'_>,
    records: &[AppRecord],
    summary: &Summary,
) -> std::io::Result<()> {
    for r in records {
        write_record(out, ctx, r)?;
    }
    summary.write(out, ctx.lang)?;
    let run = ctx.run;
    writeln!(
        out,
        "piaudit {} · {} {} · {}",
        run.tool_version,
        tr(ctx.lang, "规则集摘要", "rules"),
        run.rules_digest,
        run.scanned_at
    )
}

pub fn write_record(
    out: &mut dyn Write,
    ctx: &ReportContext<'_>,
    record: &AppRecord,
) -> std::io::Result<()> {
    let lang = ctx.lang;
    writeln!(out, "== {}", record.input.path)?;
    if let Some(err) = &record.error {
        writeln!(out, "   {}: {err}", tr(lang, "无法读取", "unreadable"))?;
        writeln!(out, "   sha256 {}", record.input.sha256)?;
        return writeln!(out);
    }
    for (label, value) in view::identity(record, ctx.rules.tables().glossary(), lang)
        .into_iter()
        .skip(1)
    {
        writeln!(out, "   {label}: {value}")?;
    }
    if record.findings.is_empty() {
        writeln!(out, "   {}", tr(lang, "未发现问题", "no findings"))?;
    }
    for rf in &record.findings {
        let v = view::finding(ctx.rules, rf, EVIDENCE_SHOWN, lang);
        writeln!(
            out,
            "   [{}] {} {}{}",
            v.severity, v.rule_id, v.title, v.baselined
        )?;
        writeln!(out, "      {}", v.message)?;
        for (_, heading, lines) in &v.basis {
            writeln!(out, "      {heading}:")?;
            for line in lines {
                writeln!(out, "        {line}")?;
            }
        }
        for text in v.evidence.iter().chain(&v.more) {
            writeln!(out, "      - {text}")?;
        }
        writeln!(out, "      {}: {}", tr(lang, "整改建议", "fix"), v.fix)?;
    }
    for s in &record.skipped {
        writeln!(
            out,
            "   ({} {}: {})",
            tr(lang, "未评估", "not judged"),
            s.rule_id,
            s.reason.get(lang)
        )?;
    }
    for e in &record.rule_errors {
        writeln!(
            out,
            "   ({} {} [{}]: {})",
            tr(lang, "规则出错", "rule error"),
            e.rule_id,
            e.stage,
            e.message
        )?;
    }
    writeln!(out)
}
