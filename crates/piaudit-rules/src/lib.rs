//! piaudit's judgement layer: regulatory tables, declarative rules, and the findings they yield.
//!
//! It owns the project's data tables (`rules/data/{permissions,sensitive-apis,app-types,criteria}.toml`,
//! compiled in and overridable from a directory), the enrichment of [`AppFacts`] from them, the
//! rule-file format (`rules/*.toml`, one `[[rule]]` table per rule, conditions in CEL over the
//! AppFacts JSON as `app`), its checker, and the evaluator. It must not read APKs, fetch anything,
//! or guess facts (an app type is only ever the one the user gave): a rule that needs a missing
//! fact is skipped and says why.
//!
//! # Rule files
//!
//! ```toml
//! [[rule]]
//! id = "PERM-STARTUP-REQUEST"            # upper-case letters, digits and '-'
//! criteria = ["MIIT164-3", "YUHANG-2"]   # related: IDs from rules/data/criteria.toml
//! severity = "medium"                    # info | low | medium | high | critical
//! title = { zh = "...", en = "..." }
//! message = { zh = "... {count} ... {evidence}", en = "..." }
//! fix = { zh = "...", en = "..." }
//! why = { zh = "...", en = "..." }       # the legal basis and the reason for the severity
//! example = { zh = "...", en = "..." }   # a short example of a violating app
//! applies_to = ["education"]             # optional: app-type ids; skipped without a category
//! requires_category = true               # optional: skipped without a category
//! when = "size(app.startup_permission_requests) > 0"   # optional CEL bool
//! evidence = "app.startup_permission_requests.map(r, r.component)"  # optional CEL list
//!
//! [[rule.violated]]                      # optional, repeatable
//! id = "MIIT2019-3.1"                    # cited as violated only when `when` holds
//! when = 'app.api_refs.exists(r, r.before_consent == true)'   # CEL bool over `app`
//! condition = { zh = "...", en = "..." } # in words, what the evidence must show
//! ```
//!
//! A rule's basis is split in two. `criteria` are *related*: context a reader may want, never
//! shown as violated. A `[[rule.violated]]` criterion is cited as *violated* only when its own
//! `when` holds for the app (evaluated when the rule fires); otherwise it is shown as related.
//! A finding carries `violated`, `related`, and `criteria` (all of them, violated first). An id
//! appears once per rule, in `criteria` or in one `violated` entry.
//!
//! At least one of `when` and `evidence` is needed. Without `when`, a rule fires when its evidence
//! list is not empty; with `when`, it fires when `when` is true and shows its evidence. Unknown
//! fields are errors. See [`template`] for the message placeholders and [`helpers`] for the CEL
//! functions available besides the CEL standard library.
//!
//! # `--rules DIR`
//!
//! [`RuleSet::load_dir`] with `replace_all = false` adds the directory's rules to the rules in
//! effect, a rule whose id is already in effect replacing it (listed by
//! [`RuleSet::overridden`], so a report shows which built-in rules were changed locally); with
//! `replace_all = true` only the directory's rules are in effect. [`RuleSet::digest`] covers the
//! tables and every rule file in effect.

mod cel_value;
pub mod check;
mod convert;
pub mod doc;
mod engine;
pub mod glossary;
pub mod helpers;
mod rule;
pub mod tables;
pub mod template;

pub use check::Diagnostic;
pub use doc::render_rule_doc;
pub use engine::{
    Caveat, Evaluation, Finding, RuleError, RuleSet, RuleSummary, RulesError, Skipped,
};
pub use rule::{Rule, Violated};
pub use tables::{
    AppType, Criterion, Document, EnrichError, PermissionInfo, PermissionNote, SensitiveApi,
    Tables, TablesError,
};

pub use piaudit_facts::AppFacts;

use serde::{Deserialize, Serialize};

/// A text in both report languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub zh: String,
    pub en: String,
}

impl Localized {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Localized {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

/// How serious a finding is. Ordered from least to most serious.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Every severity, least serious first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The name used in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a rule-file severity name.
    pub fn parse(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The name in a report language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Info, Lang::Zh) => "提示",
            (Severity::Low, Lang::Zh) => "低",
            (Severity::Medium, Lang::Zh) => "中",
            (Severity::High, Lang::Zh) => "高",
            (Severity::Critical, Lang::Zh) => "严重",
            (s, Lang::En) => s.as_str(),
        }
    }
}

/// The personal-information type slugs shared by every table, the SDK catalogue and the policy
/// extractor.
pub const PI_TYPES: [&str; 23] = [
    "device_id",
    "phone_number",
    "location",
    "app_list",
    "app_usage",
    "clipboard",
    "contacts",
    "sms",
    "call_log",
    "calendar",
    "media",
    "accounts",
    "camera",
    "microphone",
    "screen",
    "sensors",
    "activity",
    "biometric",
    "health",
    "financial",
    "identity",
    "network_info",
    "nearby_devices",
];
