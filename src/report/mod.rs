//! Reports: one model shared by every output format, and one file per format.
//!
//! Owns [`AppRecord`] (one app's result: input, facts, findings, error) and [`RunInfo`] (what
//! pins a report to the exact tool and rules: schema version, piaudit version, rule-set digest,
//! scan time). Formats only print these; they must not compute findings or facts.

pub mod json;
pub mod text;
mod time;

use piaudit_rules::{Finding, RuleError, Skipped};
use serde::Serialize;

use crate::auditor::Auditor;
use crate::facts::{AppFacts, InputFile};

pub use time::utc_now_rfc3339;

/// Version of the report schema (jsonl records, json documents). Bumped on any breaking change.
pub const SCHEMA_VERSION: &str = "1.0";

/// What pins a report: tool and rule versions, and when it ran.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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

/// One app's result. `app` is None only when the input could not be read at all, and then
/// `error` says why.
#[derive(Debug, Clone, Serialize)]
pub struct AppRecord {
    pub input: InputFile,
    pub app: Option<AppFacts>,
    pub findings: Vec<Finding>,
    /// Rules not judged for this app, and why (e.g. no app type given).
    pub skipped: Vec<Skipped>,
    /// Rules whose evaluation failed on this app.
    pub rule_errors: Vec<RuleError>,
    pub error: Option<String>,
}

impl AppRecord {
    /// The record of an input that could not be read.
    pub fn failed(path: &str, error: String) -> AppRecord {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        AppRecord {
            input: InputFile {
                path: path.to_owned(),
                sha256: crate::batch::sha256_file(std::path::Path::new(path)).unwrap_or_default(),
                size,
            },
            app: None,
            findings: Vec::new(),
            skipped: Vec::new(),
            rule_errors: Vec::new(),
            error: Some(error),
        }
    }
}
