//! One rule file: parsing `[[rule]]` tables into compiled rules, with file:line diagnostics.
//!
//! Owns the rule-file schema (unknown fields are errors), the per-rule validation (severity,
//! criteria and app-type ids against the tables, CEL that compiles and names only `app` and known
//! functions, message templates) and the compilation of each CEL program, once. It reports every
//! problem it finds in a file, not just the first; it must not evaluate rules.

use std::collections::HashSet;
use std::sync::Arc;

use cel::Program;
use cel::common::ast::{EntryExpr, Expr, IdedEntryExpr, IdedExpr};
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::check::Diagnostic;
use crate::helpers;
use crate::tables::{Tables, line_of};
use crate::template::Template;
use crate::{Localized, Severity};

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    /// Related criteria: context a reader may want, never shown as violated.
    pub criteria: Vec<String>,
    /// Criteria cited as violated only when their own condition holds for the app.
    pub violated: Vec<Violated>,
    pub severity: Severity,
    pub title: Localized,
    pub message: Localized,
    pub fix: Localized,
    pub why: Localized,
    pub example: Localized,
    /// App-type ids the rule judges; empty: every app.
    pub applies_to: Vec<String>,
    /// Skipped when the app type is unknown.
    pub requires_category: bool,
    /// The `when` CEL source.
    pub when: Option<String>,
    /// The `evidence` CEL source.
    pub evidence: Option<String>,
    /// The file the rule came from and the line of its table.
    pub file: String,
    pub line: usize,
    pub(crate) compiled: Compiled,
}

/// A criterion a rule cites as violated only when `when` holds for the app (otherwise it is
/// shown as related); `condition` says in words what the evidence must show.
#[derive(Debug)]
pub struct Violated {
    pub id: String,
    /// The CEL source of the condition.
    pub when: String,
    pub condition: Localized,
    pub(crate) compiled: Arc<Program>,
}

impl Rule {
    /// Every criterion the rule may cite: the `violated` entries first, then `criteria`.
    pub fn all_criteria(&self) -> impl Iterator<Item = &str> {
        self.violated
            .iter()
            .map(|v| v.id.as_str())
            .chain(self.criteria.iter().map(String::as_str))
    }

    /// Whether the rule can only be judged with a known app type.
    pub fn needs_category(&self) -> bool {
        self.requires_category || !self.applies_to.is_empty()
    }

    /// Adds the fields of `app` this rule's CEL reads to `used`.
    pub(crate) fn app_fields(&self, used: &mut AppFields) {
        let conditions = self.violated.iter().map(|v| &v.compiled);
        for program in [&self.compiled.when, &self.compiled.evidence]
            .into_iter()
            .flatten()
            .chain(conditions)
        {
            app_fields_of(program.expression(), used);
        }
    }
}

/// The top-level fields of `app` some rule reads: only these are converted for evaluation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AppFields {
    /// Some rule uses `app` other than by selecting a field (`size(app)`, `app[k]`, ...).
    pub(crate) whole: bool,
    pub(crate) names: HashSet<String>,
}

impl AppFields {
    /// The fields read by any of `rules`.
    pub(crate) fn of(rules: &[Rule]) -> AppFields {
        let mut used = AppFields::default();
        for rule in rules {
            rule.app_fields(&mut used);
        }
        used
    }

    /// Whether field `name` of `app` must be converted.
    pub(crate) fn keeps(&self, name: &str) -> bool {
        self.whole || self.names.contains(name)
    }
}

/// Records in `used` how `expr` reads `app`. A comprehension variable that shadows `app` is
/// counted as `app` too, which converts more than needed but never less.
fn app_fields_of(expr: &IdedExpr, used: &mut AppFields) {
    match &expr.expr {
        Expr::Select(select) if matches!(&select.operand.expr, Expr::Ident(name) if name == "app") =>
        {
            used.names.insert(select.field.clone());
        }
        Expr::Ident(name) => used.whole |= name == "app",
        _ => for_each_child(expr, &mut |child| app_fields_of(child, used)),
    }
}

/// Calls `visit` on each direct sub-expression of `expr` (the one place that knows the shape
/// of every CEL expression node; the walkers above and below recurse through it).
fn for_each_child<'a>(expr: &'a IdedExpr, visit: &mut dyn FnMut(&'a IdedExpr)) {
    match &expr.expr {
        Expr::Select(select) => visit(&select.operand),
        Expr::Comprehension(c) => {
            for e in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                visit(e);
            }
        }
        Expr::Call(call) => {
            if let Some(target) = &call.target {
                visit(target);
            }
            call.args.iter().for_each(&mut *visit);
        }
        Expr::List(list) => list.elements.iter().for_each(&mut *visit),
        Expr::Map(map) => entries_children(&map.entries, visit),
        Expr::Struct(st) => entries_children(&st.entries, visit),
        Expr::Unspecified | Expr::Ident(_) | Expr::Literal(_) => {}
    }
}

fn entries_children<'a>(entries: &'a [IdedEntryExpr], visit: &mut dyn FnMut(&'a IdedExpr)) {
    for entry in entries {
        match &entry.expr {
            EntryExpr::MapEntry(m) => {
                visit(&m.key);
                visit(&m.value);
            }
            EntryExpr::StructField(f) => visit(&f.value),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) when: Option<Arc<Program>>,
    pub(crate) evidence: Option<Arc<Program>>,
    pub(crate) message_zh: Template,
    pub(crate) message_en: Template,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    criteria: Spanned<Vec<Spanned<String>>>,
    severity: Spanned<String>,
    title: Localized,
    message: Spanned<Localized>,
    fix: Localized,
    why: Localized,
    example: Localized,
    #[serde(default)]
    applies_to: Vec<Spanned<String>>,
    #[serde(default)]
    requires_category: bool,
    #[serde(default)]
    when: Option<Spanned<String>>,
    #[serde(default)]
    evidence: Option<Spanned<String>>,
    #[serde(default)]
    violated: Vec<RawViolated>,
}

/// A `[[rule.violated]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawViolated {
    id: Spanned<String>,
    when: Spanned<String>,
    condition: Spanned<Localized>,
}

/// CEL functions a rule may call: the standard library's and piaudit's helpers.
const CEL_FUNCTIONS: [&str; 57] = [
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "has",
    "all",
    "exists",
    "exists_one",
    "map",
    "filter",
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "bytes",
    "type",
    "dyn",
    "duration",
    "timestamp",
    "max",
    "min",
    "getFullYear",
    "getMonth",
    "getDayOfMonth",
    "getDayOfYear",
    "getDayOfWeek",
    "getDate",
    "getHours",
    "getMinutes",
    "getSeconds",
    "getMilliseconds",
    "hasValue",
    "value",
    "orValue",
    "or",
    "optional.of",
    // extensions::strings
    "charAt",
    "indexOf",
    "lastIndexOf",
    "join",
    "lowerAscii",
    "upperAscii",
    "trim",
    "replace",
    "split",
    "substring",
    "format",
    "strings.quote",
    "reverse",
    // extensions::lists
    "slice",
    "flatten",
    "distinct",
    "sort",
    "sortBy",
    "lists.range",
];

/// The file's rules that are valid, and a diagnostic for every problem.
pub(crate) fn parse_file(file: &str, text: &str, tables: &Tables) -> (Vec<Rule>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let diag = |line: usize, message: String| Diagnostic {
        file: file.to_owned(),
        line,
        message,
    };
    let (document, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in errors {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            diagnostics.push(diag(line, format!("invalid TOML: {}", e.message())));
        }
        return (Vec::new(), diagnostics);
    }
    let mut rule_values: Vec<&Spanned<DeValue<'_>>> = Vec::new();
    for (key, value) in document.get_ref().iter() {
        let line = line_of(text, key.span().start);
        match (key.get_ref().as_ref(), value.get_ref()) {
            ("rule", DeValue::Array(items)) => rule_values.extend(items.iter()),
            ("rule", _) => diagnostics.push(diag(
                line,
                "`rule` must be an array of tables ([[rule]])".to_owned(),
            )),
            (other, _) => diagnostics.push(diag(
                line,
                format!("unknown top-level key `{other}` (only [[rule]] tables)"),
            )),
        }
    }
    let mut rules = Vec::new();
    for value in rule_values {
        let rule_line = line_of(text, value.span().start);
        match RawRule::deserialize(toml::de::ValueDeserializer::from(value.clone())) {
            Ok(raw) => {
                if let Some(rule) = validate(raw, file, text, rule_line, tables, &mut diagnostics) {
                    rules.push(rule);
                }
            }
            Err(e) => {
                let line = e.span().map_or(rule_line, |s| line_of(text, s.start));
                diagnostics.push(diag(line, e.message().to_owned()));
            }
        }
    }
    (rules, diagnostics)
}

fn validate(
    raw: RawRule,
    file: &str,
    text: &str,
    rule_line: usize,
    tables: &Tables,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Rule> {
    let before = diagnostics.len();
    let mut report = |span_start: usize, message: String| {
        diagnostics.push(Diagnostic {
            file: file.to_owned(),
            line: line_of(text, span_start),
            message,
        })
    };
    let id = raw.id.get_ref().clone();
    if !valid_id(&id) {
        report(
            raw.id.span().start,
            format!("rule id `{id}`: use upper-case letters, digits and '-'"),
        );
    }
    let severity = Severity::parse(raw.severity.get_ref());
    if severity.is_none() {
        report(
            raw.severity.span().start,
            format!(
                "rule {id}: unknown severity `{}` (info, low, medium, high, critical)",
                raw.severity.get_ref()
            ),
        );
    }
    if raw.criteria.get_ref().is_empty() && raw.violated.is_empty() {
        report(
            raw.criteria.span().start,
            format!("rule {id}: cites no criteria"),
        );
    }
    let mut cited: HashSet<&str> = HashSet::new();
    let violated_ids = raw.violated.iter().map(|v| &v.id);
    for c in raw.criteria.get_ref().iter().chain(violated_ids) {
        if tables.criteria(c.get_ref()).is_none() {
            report(
                c.span().start,
                format!(
                    "rule {id}: unknown criterion `{}` (see rules/data/criteria.toml)",
                    c.get_ref()
                ),
            );
        }
        if !cited.insert(c.get_ref()) {
            report(
                c.span().start,
                format!(
                    "rule {id}: criterion `{}` is cited twice (an id is either in `criteria` or in one [[rule.violated]])",
                    c.get_ref()
                ),
            );
        }
    }
    for v in &raw.violated {
        let condition = v.condition.get_ref();
        if condition.zh.trim().is_empty() || condition.en.trim().is_empty() {
            report(
                v.condition.span().start,
                format!(
                    "rule {id}: violated `{}` needs a `condition` with non-empty zh and en texts",
                    v.id.get_ref()
                ),
            );
        }
    }
    for t in &raw.applies_to {
        if tables.app_type(t.get_ref()).is_none() {
            report(
                t.span().start,
                format!(
                    "rule {id}: unknown app type `{}` in applies_to",
                    t.get_ref()
                ),
            );
        }
    }
    let texts = [
        ("title", &raw.title),
        ("message", raw.message.get_ref()),
        ("fix", &raw.fix),
        ("why", &raw.why),
        ("example", &raw.example),
    ];
    for (field, localized) in texts {
        if localized.zh.trim().is_empty() || localized.en.trim().is_empty() {
            report(
                raw.id.span().start,
                format!("rule {id}: `{field}` needs non-empty zh and en texts"),
            );
        }
    }
    let message_zh = Template::parse(&raw.message.get_ref().zh);
    let message_en = Template::parse(&raw.message.get_ref().en);
    for result in [&message_zh, &message_en] {
        if let Err(e) = result {
            report(raw.message.span().start, format!("rule {id}: {e}"));
        }
    }
    if raw.when.is_none() && raw.evidence.is_none() {
        report(
            raw.id.span().start,
            format!("rule {id}: needs `when`, `evidence` or both"),
        );
    }
    let when = raw
        .when
        .as_ref()
        .and_then(|w| compile(&id, "when", w, text, &mut report));
    let evidence = raw
        .evidence
        .as_ref()
        .and_then(|e| compile(&id, "evidence", e, text, &mut report));
    let violated: Vec<Option<Violated>> = raw
        .violated
        .iter()
        .map(|v| {
            let field = format!("violated {} when", v.id.get_ref());
            let compiled = compile(&id, &field, &v.when, text, &mut report)?;
            Some(Violated {
                id: v.id.get_ref().clone(),
                when: v.when.get_ref().clone(),
                condition: v.condition.get_ref().clone(),
                compiled,
            })
        })
        .collect();
    if diagnostics.len() > before {
        return None;
    }
    Some(Rule {
        id,
        criteria: raw
            .criteria
            .into_inner()
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        violated: violated.into_iter().collect::<Option<Vec<_>>>()?,
        severity: severity?,
        title: raw.title,
        message: raw.message.into_inner(),
        fix: raw.fix,
        why: raw.why,
        example: raw.example,
        applies_to: raw
            .applies_to
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        requires_category: raw.requires_category,
        when: raw.when.map(Spanned::into_inner),
        evidence: raw.evidence.map(Spanned::into_inner),
        file: file.to_owned(),
        line: rule_line,
        compiled: Compiled {
            when,
            evidence,
            message_zh: message_zh.ok()?,
            message_en: message_en.ok()?,
        },
    })
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && id.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
}

/// Compiles one CEL field; on failure reports at the line of the CEL error inside the file.
fn compile(
    id: &str,
    field: &str,
    source: &Spanned<String>,
    text: &str,
    report: &mut impl FnMut(usize, String),
) -> Option<Arc<Program>> {
    let start = source.span().start;
    let program = match cel_env().compile(source.get_ref()) {
        Ok(p) => p,
        Err(errors) => {
            for e in &errors.errors {
                // The CEL position is (line, column), 1-based, within the string's content;
                // a multi-line string's content starts on the line after its opening quotes.
                let token = text.get(start..).unwrap_or_default();
                let opening_newline = (token.starts_with("'''") || token.starts_with("\"\"\""))
                    && token.get(3..).is_some_and(|t| t.starts_with('\n'));
                let cel_line = usize::try_from(e.pos.0).unwrap_or(1).max(1);
                let skip = cel_line - 1 + usize::from(opening_newline);
                let offset = nth_line_start(text, start, skip);
                report(
                    offset,
                    format!("rule {id}: `{field}` is not valid CEL: {}", e.msg),
                );
            }
            return None;
        }
    };
    let references = program.references();
    let mut bound = HashSet::new();
    comprehension_variables(program.expression(), &mut bound);
    let mut unknown: Vec<&str> = references
        .variables()
        .into_iter()
        .filter(|v| *v != "app" && !bound.contains(*v))
        .collect();
    unknown.sort_unstable();
    for v in unknown {
        report(
            start,
            format!("rule {id}: `{field}` uses unknown variable `{v}` (only `app`)"),
        );
    }
    let known: HashSet<&str> = CEL_FUNCTIONS
        .iter()
        .chain(helpers::NAMES.iter())
        .copied()
        .collect();
    let mut unknown: Vec<&str> = references
        .functions()
        .into_iter()
        .filter(|f| !is_operator(f) && !known.contains(f))
        .collect();
    unknown.sort_unstable();
    for f in unknown {
        report(
            start,
            format!("rule {id}: `{field}` calls unknown function `{f}`"),
        );
    }
    Some(Arc::new(program))
}

/// The variables macros bind (`p` in `app.permissions.exists(p, ...)`), anywhere in `expr`.
fn comprehension_variables<'a>(expr: &'a IdedExpr, names: &mut HashSet<&'a str>) {
    if let Expr::Comprehension(c) = &expr.expr {
        names.insert(c.iter_var.as_str());
        if let Some(v) = &c.iter_var2 {
            names.insert(v.as_str());
        }
        names.insert(c.accu_var.as_str());
    }
    for_each_child(expr, &mut |child| comprehension_variables(child, names));
}

fn is_operator(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('@') || name.starts_with('!') || name.starts_with('-')
}

/// The byte offset of the line `lines` after the one holding `offset`.
fn nth_line_start(text: &str, offset: usize, lines: usize) -> usize {
    let mut position = offset;
    for _ in 0..lines {
        match text.get(position..).and_then(|rest| rest.find('\n')) {
            Some(i) => position = position.saturating_add(i + 1),
            None => break,
        }
    }
    position
}

/// The CEL environment every rule is compiled and run with: the standard library and macros,
/// and the `strings` and `lists` extensions (`join`, `distinct`, `sort`, `flatten`, ...).
pub(crate) fn cel_env() -> &'static Arc<cel::Env> {
    static ENV: std::sync::OnceLock<Arc<cel::Env>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = cel::Env::stdlib();
        // These only fail on a name declared twice, which the fixed stdlib does not do; were it
        // to happen, calls to the missing functions would surface as rule errors, not a panic.
        let _ = env.add_extension(cel::extensions::strings);
        let _ = env.add_extension(cel::extensions::lists);
        Arc::new(env)
    })
}
