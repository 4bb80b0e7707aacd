//! The rule set in effect and its evaluation over one app.
//!
//! Owns loading (compiled-in rules, `--rules DIR`), the digest of what is in effect, and
//! evaluation: the facts become one CEL value once per app, every program was compiled once when
//! loaded, a rule that needs an unknown app type is skipped with its reason, and a CEL error in
//! one rule is recorded without stopping the others. It must not change the facts.

use std::path::Path;
use std::sync::Arc;

use cel::{Context, Value};
use piaudit_facts::AppFacts;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::check::{Diagnostic, check_dir_with, parse_files, read_rule_files};
use crate::convert::cel_to_json;
use crate::helpers::{self, AppIndex};
use crate::rule::{AppFields, Rule, cel_env};
use crate::tables::{Tables, TablesError};
use crate::template::Values;
use crate::{Lang, Localized, Severity};

/// The rule files compiled into the program, by name under `rules/`.
const EMBEDDED_RULES: [(&str, &str); 12] = [
    (
        "rules/policy.toml",
        include_str!("../../../rules/policy.toml"),
    ),
    (
        "rules/permissions.toml",
        include_str!("../../../rules/permissions.toml"),
    ),
    ("rules/code.toml", include_str!("../../../rules/code.toml")),
    (
        "rules/platform.toml",
        include_str!("../../../rules/platform.toml"),
    ),
    (
        "rules/behaviour.toml",
        include_str!("../../../rules/behaviour.toml"),
    ),
    (
        "rules/permissions-coercion.toml",
        include_str!("../../../rules/permissions-coercion.toml"),
    ),
    ("rules/ui.toml", include_str!("../../../rules/ui.toml")),
    (
        "rules/startup.toml",
        include_str!("../../../rules/startup.toml"),
    ),
    (
        "rules/identity.toml",
        include_str!("../../../rules/identity.toml"),
    ),
    (
        "rules/permission-scope.toml",
        include_str!("../../../rules/permission-scope.toml"),
    ),
    (
        "rules/policy-text.toml",
        include_str!("../../../rules/policy-text.toml"),
    ),
    ("rules/ads.toml", include_str!("../../../rules/ads.toml")),
];

/// Evidence items kept per finding; `evidence_count` still counts all of them.
pub const MAX_EVIDENCE: usize = 200;

/// Rules could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error(transparent)]
    Tables(#[from] TablesError),
    #[error("invalid rules:\n{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
}

/// What `rules list` shows of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSummary {
    pub id: String,
    pub severity: Severity,
    pub title: Localized,
}

/// A rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    pub title: Localized,
    pub message: Localized,
    /// Every criterion cited: the violated ones first, then the related ones.
    pub criteria: Vec<String>,
    /// Criteria whose written condition the evidence meets for this app.
    pub violated: Vec<String>,
    /// Criteria given as context: the rule's `criteria`, then its `violated` entries whose
    /// condition did not hold.
    pub related: Vec<String>,
    /// For each cited criterion whose wording is not verified against the official text
    /// (`verification` other than `verified` in the criteria table): the caveat to show with it.
    pub caveats: Vec<Caveat>,
    /// At most [`MAX_EVIDENCE`] items, as the rule's `evidence` yielded them.
    pub evidence: Vec<serde_json::Value>,
    /// How many evidence items the rule yielded.
    pub evidence_count: usize,
    pub fix: Localized,
}

/// The caveat a cited criterion carries (see [`crate::Criterion::caveat`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Caveat {
    pub criterion: String,
    /// `unverified` or `project`.
    pub verification: String,
    pub note: Localized,
}

/// A rule that was not judged, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Skipped {
    pub rule_id: String,
    pub reason: Localized,
}

/// A rule whose CEL failed at run time on this app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RuleError {
    pub rule_id: String,
    /// `when`, `evidence`, `violated` or `facts`.
    pub stage: String,
    pub message: String,
}

/// The outcome of evaluating a rule set over one app.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    /// Most serious first, then by rule id.
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<RuleError>,
}

/// The tables and rules in effect.
#[derive(Debug)]
pub struct RuleSet {
    tables: Arc<Tables>,
    rules: Vec<Rule>,
    /// `(file, text)` of every rule file whose rules are in effect.
    sources: Vec<(String, String)>,
    overridden: Vec<String>,
    digest: String,
    /// The fields of `app` the rules in effect read.
    app_fields: AppFields,
}

impl RuleSet {
    /// The compiled-in tables and rules.
    pub fn embedded() -> Result<RuleSet, RulesError> {
        RuleSet::from_sources(
            Tables::embedded()?,
            EMBEDDED_RULES
                .map(|(f, t)| (f.to_owned(), t.to_owned()))
                .to_vec(),
        )
    }

    /// Rules from `(file name, text)` pairs, judged against `tables`.
    pub fn from_sources(
        tables: Tables,
        files: Vec<(String, String)>,
    ) -> Result<RuleSet, RulesError> {
        let (rules, diagnostics) = parse_files(&files, &tables);
        if !diagnostics.is_empty() {
            return Err(RulesError::Invalid(diagnostics));
        }
        let mut set = RuleSet {
            tables: Arc::new(tables),
            rules,
            sources: files,
            overridden: Vec::new(),
            digest: String::new(),
            app_fields: AppFields::default(),
        };
        set.refresh_derived();
        Ok(set)
    }

    /// Adds the rules of the `*.toml` files in `dir` (see the crate docs for `--rules DIR`):
    /// with `replace_all`, they become the only rules; otherwise a rule whose id is already in
    /// effect replaces it and is listed in [`RuleSet::overridden`]. Nothing changes on error.
    pub fn load_dir(&mut self, dir: &Path, replace_all: bool) -> Result<(), RulesError> {
        let (files, mut diagnostics) = read_rule_files(dir);
        let (rules, problems) = parse_files(&files, &self.tables);
        diagnostics.extend(problems);
        if !diagnostics.is_empty() {
            return Err(RulesError::Invalid(diagnostics));
        }
        if replace_all {
            self.rules.clear();
            self.sources.clear();
            self.overridden.clear();
        }
        for rule in rules {
            if let Some(existing) = self.rules.iter_mut().find(|r| r.id == rule.id) {
                self.overridden.push(rule.id.clone());
                *existing = rule;
            } else {
                self.rules.push(rule);
            }
        }
        // Keep only the sources that still contribute a rule, plus the new ones.
        let in_effect: std::collections::HashSet<&str> =
            self.rules.iter().map(|r| r.file.as_str()).collect();
        self.sources.retain(|(f, _)| in_effect.contains(f.as_str()));
        self.sources.extend(files);
        self.refresh_derived();
        Ok(())
    }

    /// Every problem in the rule files of `dir`, judged against the compiled-in tables.
    pub fn check_dir(dir: &Path) -> Vec<Diagnostic> {
        match Tables::embedded() {
            Ok(tables) => check_dir_with(dir, &tables),
            Err(e) => vec![Diagnostic {
                file: "rules/data".to_owned(),
                line: 0,
                message: e.to_string(),
            }],
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// Ids of rules a `--rules DIR` replaced.
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }

    /// `rules list`: every rule, most serious first, then by id.
    pub fn list(&self) -> Vec<RuleSummary> {
        let mut list: Vec<RuleSummary> = self
            .rules
            .iter()
            .map(|r| RuleSummary {
                id: r.id.clone(),
                severity: r.severity,
                title: r.title.clone(),
            })
            .collect();
        list.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
        list
    }

    /// `rules show ID`.
    pub fn render_rule_doc(&self, rule: &Rule, lang: Lang) -> String {
        crate::doc::render_rule_doc(rule, &self.tables, lang)
    }

    /// SHA-256 (hex) over the tables and rule files in effect, for reports.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Recomputes what depends on the rules in effect: the digest and the fields they read.
    fn refresh_derived(&mut self) {
        self.app_fields = AppFields::of(&self.rules);
        let mut hasher = Sha256::new();
        let mut rule_sources: Vec<&(String, String)> = self.sources.iter().collect();
        rule_sources.sort_by(|a, b| a.0.cmp(&b.0));
        let tables = self.tables.sources().iter().map(|s| ("table", s));
        let rules = rule_sources.into_iter().map(|s| ("rules", s));
        for (kind, (name, text)) in tables.chain(rules) {
            // Length-prefixed so that no two different sets hash the same bytes.
            for part in [kind, base_name(name), text.as_str()] {
                hasher.update((part.len() as u64).to_le_bytes());
                hasher.update(part.as_bytes());
            }
        }
        self.digest = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
    }

    /// Judges one app. The facts should have been enriched with [`Tables::enrich`] first.
    pub fn evaluate(&self, facts: &AppFacts) -> Evaluation {
        let mut evaluation = Evaluation::default();
        // One CEL value per app, serialised straight from the typed facts, with only the
        // fields some rule reads.
        let keep = |field: &str| self.app_fields.keeps(field);
        let app = match crate::cel_value::struct_to_val(facts, &keep) {
            Ok(app) => app,
            Err(e) => {
                evaluation.errors.push(RuleError {
                    rule_id: String::new(),
                    stage: "facts".to_owned(),
                    message: format!("facts could not be converted: {e}"),
                });
                return evaluation;
            }
        };
        let index = Arc::new(AppIndex::build(facts, &self.tables));
        let mut context = Context::with_env(Arc::clone(cel_env()));
        context.add_variable_as_val("app", app);
        if let Err(e) = helpers::register(&mut context, &index, &self.tables) {
            evaluation.errors.push(RuleError {
                rule_id: String::new(),
                stage: "facts".to_owned(),
                message: format!("helper functions could not be registered: {e}"),
            });
            return evaluation;
        }
        let category = facts
            .category
            .as_deref()
            .filter(|c| self.tables.app_type(c).is_some());
        for rule in &self.rules {
            if let Some(reason) =
                skip_reason(rule, facts.category.as_deref(), category, &self.tables)
            {
                evaluation.skipped.push(Skipped {
                    rule_id: rule.id.clone(),
                    reason,
                });
                continue;
            }
            if let Some(mut finding) = evaluate_rule(
                rule,
                &context,
                category,
                self.tables.glossary(),
                &mut evaluation.errors,
            ) {
                finding.caveats = finding
                    .criteria
                    .iter()
                    .filter_map(|id| {
                        let c = self.tables.criteria(id)?;
                        Some(Caveat {
                            criterion: id.clone(),
                            verification: c.verification.clone(),
                            note: c.caveat()?,
                        })
                    })
                    .collect();
                evaluation.findings.push(finding);
            }
        }
        evaluation.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule_id.cmp(&b.rule_id))
        });
        evaluation
    }
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Why a rule cannot be judged for this app, if it cannot. App types are named in the
/// reader's language (their ids are the English vocabulary).
fn skip_reason(
    rule: &Rule,
    given: Option<&str>,
    known: Option<&str>,
    tables: &Tables,
) -> Option<Localized> {
    if !rule.needs_category() {
        return None;
    }
    let zh_name = |id: &str| {
        tables
            .app_type(id)
            .map_or_else(|| id.to_owned(), |t| t.name.zh.clone())
    };
    match (given, known) {
        (None, _) => Some(Localized::new(
            "未指定应用类型（--category）：本规则按应用类型判断必要性，不对类型作推测",
            "no app type given (--category): this rule judges necessity for an app type and does not guess it",
        )),
        (Some(c), None) => Some(Localized::new(
            format!("应用类型 {c} 不在 39 类之中"),
            format!("app type {c} is not one of the 39 types"),
        )),
        (_, Some(c)) if !rule.applies_to.is_empty() && !rule.applies_to.iter().any(|t| t == c) => {
            Some(Localized::new(
                format!(
                    "不适用于应用类型{}（适用于：{}）",
                    zh_name(c),
                    rule.applies_to
                        .iter()
                        .map(|t| zh_name(t))
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                format!(
                    "not applicable to app type {c} (applies to: {})",
                    rule.applies_to.join(", ")
                ),
            ))
        }
        _ => None,
    }
}

fn evaluate_rule(
    rule: &Rule,
    context: &Context<'_, '_>,
    category: Option<&str>,
    glossary: &crate::glossary::Glossary,
    errors: &mut Vec<RuleError>,
) -> Option<Finding> {
    let mut error = |stage: &str, message: String| {
        errors.push(RuleError {
            rule_id: rule.id.clone(),
            stage: stage.to_owned(),
            message,
        })
    };
    if let Some(when) = &rule.compiled.when {
        match when.execute(context) {
            Ok(Value::Bool(true)) => {}
            Ok(Value::Bool(false)) => return None,
            Ok(other) => {
                error(
                    "when",
                    format!("`when` must yield a bool, got {:?}", other.type_of()),
                );
                return None;
            }
            Err(e) => {
                error("when", e.to_string());
                return None;
            }
        }
    }
    let mut evidence = Vec::new();
    let mut evidence_count = 0;
    if let Some(program) = &rule.compiled.evidence {
        match program.execute(context) {
            Ok(Value::List(items)) => {
                evidence_count = items.len();
                evidence = items.iter().take(MAX_EVIDENCE).map(cel_to_json).collect();
            }
            Ok(other) => error(
                "evidence",
                format!("`evidence` must yield a list, got {:?}", other.type_of()),
            ),
            Err(e) => error("evidence", e.to_string()),
        }
        if rule.compiled.when.is_none() && evidence_count == 0 {
            return None;
        }
    }
    let render = |lang: Lang| {
        let template = match lang {
            Lang::Zh => &rule.compiled.message_zh,
            Lang::En => &rule.compiled.message_en,
        };
        template.render(&Values {
            count: evidence_count,
            evidence: &evidence,
            category,
            lang,
            glossary: Some(glossary),
        })
    };
    let message = Localized::new(render(Lang::Zh), render(Lang::En));
    let mut violated = Vec::new();
    let mut not_met = Vec::new();
    for v in &rule.violated {
        match v.compiled.execute(context) {
            Ok(Value::Bool(true)) => violated.push(v.id.clone()),
            Ok(Value::Bool(false)) => not_met.push(v.id.clone()),
            Ok(other) => {
                error(
                    "violated",
                    format!(
                        "violated {}: `when` must yield a bool, got {:?}",
                        v.id,
                        other.type_of()
                    ),
                );
                not_met.push(v.id.clone());
            }
            Err(e) => {
                error("violated", format!("violated {}: {e}", v.id));
                not_met.push(v.id.clone());
            }
        }
    }
    let related: Vec<String> = rule.criteria.iter().cloned().chain(not_met).collect();
    Some(Finding {
        rule_id: rule.id.clone(),
        severity: rule.severity,
        title: rule.title.clone(),
        message,
        criteria: violated.iter().chain(&related).cloned().collect(),
        violated,
        related,
        caveats: Vec::new(),
        evidence,
        evidence_count,
        fix: rule.fix.clone(),
    })
}
