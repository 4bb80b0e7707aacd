//! The run summary: counts accumulated record by record (so a streamed batch keeps only these,
//! never the records), shown at the end of a run and used for the exit code.
//!
//! Owns the counting and its plain-text rendering; it must not keep whole records.

use std::collections::BTreeMap;
use std::io::Write;

use piaudit_rules::{Lang, Severity};
use serde::Serialize;

use super::{AppRecord, tr};

/// Counts over the records of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Records written (apps judged plus unreadable inputs).
    pub apps: usize,
    /// Inputs that could not be read (error records).
    pub errors: usize,
    pub findings: usize,
    /// Findings a baseline accepted.
    pub baselined: usize,
    pub by_rule: BTreeMap<String, usize>,
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings not in the baseline, by severity (what `--fail-on` looks at).
    #[serde(skip)]
    new_by_severity: BTreeMap<Severity, usize>,
    /// Inputs skipped because `--resume` found their record already written.
    pub already_done: usize,
    /// Inputs left to other shards.
    pub other_shards: usize,
    /// Apps read whose manifest could not be decoded: not audited (they count like
    /// unreadable inputs for the exit status, see the README).
    pub not_audited: usize,
    /// Paths given that do not exist.
    pub missing: usize,
    /// What directory walks met and did not scan, by reason.
    pub skipped: BTreeMap<String, usize>,
}

impl Summary {
    /// Counts one record.
    pub fn add(&mut self, record: &AppRecord) {
        self.apps += 1;
        if record.error.is_some() {
            self.errors += 1;
        } else if record.app.as_ref().is_some_and(is_not_audited) {
            self.not_audited += 1;
        }
        for f in &record.findings {
            self.findings += 1;
            *self.by_rule.entry(f.finding.rule_id.clone()).or_default() += 1;
            *self.by_severity.entry(f.finding.severity).or_default() += 1;
            if f.baselined {
                self.baselined += 1;
            } else {
                *self.new_by_severity.entry(f.finding.severity).or_default() += 1;
            }
        }
    }

    /// Findings at or above `level` that no baseline accepted.
    pub fn failing(&self, level: Severity) -> usize {
        self.new_by_severity.range(level..).map(|(_, n)| n).sum()
    }

    /// The summary as a few lines of text.
    pub fn write(&self, out: &mut dyn Write, lang: Lang) -> std::io::Result<()> {
        writeln!(
            out,
            "{}: {}  {}: {}  {}: {}",
            tr(lang, "应用", "apps"),
            self.apps,
            tr(lang, "发现", "findings"),
            self.findings,
            tr(lang, "读取失败", "unreadable"),
            self.errors,
        )?;
        if self.apps == 0 && self.already_done == 0 && self.other_shards > 0 {
            writeln!(
                out,
                "   {}",
                tr(
                    lang,
                    "本分片无事可做：所有输入都属于其他分片",
                    "nothing scanned: every input belongs to another shard"
                )
            )?;
        }
        if self.missing > 0 {
            writeln!(
                out,
                "   {}: {}",
                tr(lang, "输入路径不存在", "input paths that do not exist"),
                self.missing
            )?;
        }
        if self.not_audited > 0 {
            writeln!(
                out,
                "   {}: {}",
                tr(
                    lang,
                    "清单无法解析、未完成审计",
                    "not audited (manifest could not be decoded)"
                ),
                self.not_audited
            )?;
        }
        for (reason, n) in &self.skipped {
            writeln!(out, "   {}: {reason}: {n}", tr(lang, "跳过", "skipped"))?;
        }
        if self.baselined > 0 {
            writeln!(
                out,
                "   {}: {}",
                tr(lang, "基线中已接受", "accepted by the baseline"),
                self.baselined
            )?;
        }
        if self.already_done > 0 {
            writeln!(
                out,
                "   {}: {}",
                tr(
                    lang,
                    "已有记录而跳过（--resume）",
                    "already recorded, skipped (--resume)"
                ),
                self.already_done
            )?;
        }
        if self.other_shards > 0 {
            writeln!(
                out,
                "   {}: {}",
                tr(lang, "属于其他分片", "left to other shards"),
                self.other_shards
            )?;
        }
        if !self.by_severity.is_empty() {
            let parts: Vec<String> = self
                .by_severity
                .iter()
                .rev()
                .map(|(s, n)| format!("{} {n}", s.label(lang)))
                .collect();
            writeln!(
                out,
                "   {}: {}",
                tr(lang, "按严重程度", "by severity"),
                parts.join(", ")
            )?;
        }
        for (rule, n) in &self.by_rule {
            writeln!(out, "   {rule}: {n}")?;
        }
        Ok(())
    }
}

/// An app (not a bare DEX or JAR) read without a decoded manifest: piaudit could not audit it,
/// so it must not pass a gate as if it had been.
fn is_not_audited(app: &crate::facts::AppFacts) -> bool {
    app.package.is_none() && !matches!(app.container.as_str(), "dex" | "jar")
}
