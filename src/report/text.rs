//! The human report: per app, identity then findings, most serious first, in Chinese or
//! English.

use std::io::Write;

use piaudit_rules::Lang;

use super::{AppRecord, RunInfo};

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

pub fn write_record(out: &mut dyn Write, record: &AppRecord, lang: Lang) -> std::io::Result<()> {
    writeln!(out, "== {}", record.input.path)?;
    if let Some(err) = &record.error {
        writeln!(out, "   {}: {err}", tr(lang, "无法读取", "unreadable"))?;
        writeln!(out)?;
        return Ok(());
    }
    if let Some(app) = &record.app {
        writeln!(
            out,
            "   {} {}  {} {}  {} {}",
            tr(lang, "包名", "package"),
            app.package.as_deref().unwrap_or("?"),
            tr(lang, "版本", "version"),
            app.version_name.as_deref().unwrap_or("?"),
            tr(lang, "名称", "label"),
            app.label.as_deref().unwrap_or("?"),
        )?;
        writeln!(out, "   sha256 {}", record.input.sha256)?;
        if let Some(s) = app.signers.first() {
            writeln!(out, "   {} {} ({})", tr(lang, "签名证书", "signer"), s.cert_sha256, s.subject)?;
        }
    }
    if record.findings.is_empty() {
        writeln!(out, "   {}", tr(lang, "未发现问题", "no findings"))?;
    }
    for f in &record.findings {
        writeln!(out, "   [{}] {} {}", f.severity.label(lang), f.rule_id, f.title.get(lang))?;
        writeln!(out, "      {}", f.message.get(lang))?;
        if !f.criteria.is_empty() {
            writeln!(out, "      {}: {}", tr(lang, "依据", "basis"), f.criteria.join(", "))?;
        }
        for e in f.evidence.iter().take(5) {
            writeln!(out, "      - {}", piaudit_rules::template::evidence_text(e))?;
        }
        if f.evidence_count > 5 {
            writeln!(out, "      … {} {}", f.evidence_count - 5, tr(lang, "项未列出", "more"))?;
        }
        writeln!(out, "      {}: {}", tr(lang, "整改建议", "fix"), f.fix.get(lang))?;
    }
    for s in &record.skipped {
        writeln!(out, "   ({} {}: {})", tr(lang, "未评估", "not judged"), s.rule_id, s.reason.get(lang))?;
    }
    writeln!(out)
}

pub fn write_summary(out: &mut dyn Write, run: &RunInfo, records: &[AppRecord], lang: Lang) -> std::io::Result<()> {
    let apps = records.len();
    let errors = records.iter().filter(|r| r.error.is_some()).count();
    let mut by_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in records.iter().flat_map(|r| &r.findings) {
        *by_rule.entry(f.rule_id.as_str()).or_default() += 1;
    }
    writeln!(
        out,
        "{}: {apps}, {}: {}, {}: {errors}",
        tr(lang, "应用", "apps"),
        tr(lang, "发现", "findings"),
        by_rule.values().sum::<usize>(),
        tr(lang, "读取失败", "unreadable"),
    )?;
    for (rule, n) in by_rule {
        writeln!(out, "   {rule}: {n}")?;
    }
    writeln!(out, "piaudit {} · rules {} · {}", run.tool_version, &run.rules_digest.get(..16).unwrap_or(""), run.scanned_at)
}
