//! Reports: one model shared by every output format, and one file per format.
//!
//! Owns [`AppRecord`] (one app's result: input, facts, findings with their fingerprints, error),
//! [`RunInfo`] (what pins a report to the exact tool and rules: schema version, piaudit version,
//! rule-set digest, scan time) and [`ReportContext`] (what every document format is given).
//! Formats only print these; they must not compute findings or facts. What several formats
//! show alike (identity, legal basis, tables, policies, locations) is derived once in [`view`].

pub mod evidence;
pub mod fingerprint;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod md;
pub mod sarif;
pub mod schema;
pub mod summary;
pub mod text;
mod time;
pub mod view;

use std::io::Write;
use std::path::PathBuf;

use piaudit_rules::{Evaluation, Finding, Lang, RuleError, RuleSet, Skipped};
use serde::Serialize;

use crate::auditor::Auditor;
use crate::facts::{AppFacts, InputFile};

pub use fingerprint::{Baseline, fingerprint};
pub use summary::Summary;
pub use time::utc_now_rfc3339;

/// Version of the report schema (jsonl records, json documents). Bumped on any breaking change;
/// the minor part on additions (1.1: `findings[].fingerprint` and `findings[].baselined`; 1.2:
/// `findings[].violated`, `related`, `caveats` and `app.manifest_read`).
pub const SCHEMA_VERSION: &str = "1.2";

/// What pins a report: tool and rule versions, and when it ran.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct RunInfo {
    pub schema_version: &'static str,
    pub tool: &'static str,
    pub tool_version: &'static str,
    /// SHA-256 over the rule files and tables in effect.
    pub rules_digest: String,
    /// When the run started, UTC, RFC 3339.
    pub scanned_at: String,
}

impl RunInfo {
    pub fn new(auditor: &Auditor) -> RunInfo {
        RunInfo {
            schema_version: SCHEMA_VERSION,
            tool: "piaudit",
            tool_version: env!("CARGO_PKG_VERSION"),
            rules_digest: auditor.rules().digest().to_owned(),
            scanned_at: utc_now_rfc3339(),
        }
    }
}

/// A finding as reported: the rule's finding, its fingerprint (the same one SARIF's
/// `partialFingerprints` and baselines use) and whether a baseline accepted it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReportedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub fingerprint: String,
    /// In the `--baseline` given: still reported, but does not count for `--fail-on`.
    pub baselined: bool,
}

/// One app's result. `app` is None only when the input could not be read at all, and then
/// `error` says why.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AppRecord {
    pub input: InputFile,
    pub app: Option<AppFacts>,
    pub findings: Vec<ReportedFinding>,
    /// Rules not judged for this app, and why (e.g. no app type given).
    pub skipped: Vec<Skipped>,
    /// Rules whose evaluation failed on this app.
    pub rule_errors: Vec<RuleError>,
    pub error: Option<String>,
}

impl AppRecord {
    /// The record of a judged app; findings are fingerprinted and matched against `baseline`.
    pub fn judged(
        input: InputFile,
        facts: AppFacts,
        evaluation: Evaluation,
        baseline: &Baseline,
    ) -> AppRecord {
        let findings = evaluation
            .findings
            .into_iter()
            .map(|finding| {
                let fingerprint = fingerprint(
                    &finding.rule_id,
                    facts.package.as_deref(),
                    &finding.evidence,
                );
                let baselined = baseline.contains(&fingerprint);
                ReportedFinding {
                    finding,
                    fingerprint,
                    baselined,
                }
            })
            .collect();
        AppRecord {
            input,
            app: Some(facts),
            findings,
            skipped: evaluation.skipped,
            rule_errors: evaluation.errors,
            error: None,
        }
    }

    /// The record of an input that could not be read.
    pub fn failed(input: InputFile, error: String) -> AppRecord {
        AppRecord {
            input,
            app: None,
            findings: Vec::new(),
            skipped: Vec::new(),
            rule_errors: Vec::new(),
            error: Some(error),
        }
    }

    /// The app's package, when known.
    pub fn package(&self) -> Option<&str> {
        self.app.as_ref().and_then(|a| a.package.as_deref())
    }
}

/// The document formats (everything but `jsonl`, which streams).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Md,
    Sarif,
    Html,
}

impl Format {
    /// The format a file name asks for by its extension, if any.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Format::Text,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::Jsonl,
            "md" | "markdown" => Format::Md,
            "sarif" => Format::Sarif,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }
}

/// How piaudit was invoked, for the reports that record it (SARIF `invocations`).
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    /// The command-line arguments, program name first.
    pub arguments: Vec<String>,
    pub working_dir: PathBuf,
    pub started_at: String,
    pub ended_at: String,
}

/// What every document format is given besides the records.
pub struct ReportContext<'a> {
    pub run: &'a RunInfo,
    pub rules: &'a RuleSet,
    pub lang: Lang,
    pub invocation: &'a Invocation,
}

/// A document format's writer: the records of a run, with its context and summary.
pub type DocumentWriter =
    fn(&mut dyn Write, &ReportContext<'_>, &[AppRecord], &Summary) -> std::io::Result<()>;

impl Format {
    /// The writer of this format (for `jsonl`, one line per record).
    pub fn writer(self) -> DocumentWriter {
        match self {
            Format::Text => text::write,
            Format::Json => json::write,
            Format::Jsonl => jsonl::write,
            Format::Md => md::write,
            Format::Sarif => sarif::write,
            Format::Html => html::write,
        }
    }
}

/// A text in one of two languages.
pub(crate) fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}
