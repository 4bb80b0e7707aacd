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
}

impl Summary {
    /// Counts one record.
    pub fn add(&mut self, record: &AppRecord) {
        self.apps += 1;
        if record.error.is_some() {
            self.errors += 1;
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
