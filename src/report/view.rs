//! What the human-facing formats (text, md, html, sarif) show alike, derived once from the
//! shared model: an app's identity rows, the legal basis of a criterion, the permissions and
//! SDK tables, the policies found with their disclosures, and the logical locations (manifest
//! element, class, policy source) an evidence item points at.
//!
//! Owns only derivations; it must not escape or lay out (each format does that for itself) and
//! must not judge anything.

use piaudit_rules::glossary::Glossary;
use piaudit_rules::{Finding, Lang, RuleSet};
use serde_json::Value;

use super::{AppRecord, tr};
use crate::facts::{AppFacts, LocalizedText, PolicyDoc, Span};

/// Rows of a table, with its column headings.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// A finding's evidence as a report lists it in `lang` (identifiers named through the
/// glossary): the text of at most `shown` items, and how many of the items the rule yielded
/// are left out.
fn evidence_shown(rules: &RuleSet, f: &Finding, shown: usize, lang: Lang) -> (Vec<String>, usize) {
    let glossary = rules.tables().glossary();
    let texts: Vec<String> = f
        .evidence
        .iter()
        .take(shown)
        .map(|e| glossary.localize(&piaudit_rules::template::evidence_text(e), lang))
        .collect();
    let left_out = f.evidence_count.saturating_sub(texts.len());
    (texts, left_out)
}

/// A finding as the human formats (text, md) show it in one language: what each lays out in
/// its own way, derived once.
#[derive(Debug, Clone)]
pub struct FindingView<'a> {
    pub severity: &'static str,
    pub rule_id: &'a str,
    pub title: &'a str,
    /// `（基线已接受）` when a baseline accepted it, else "".
    pub baselined: &'static str,
    pub message: &'a str,
    /// The non-empty basis groups, violated first: `violated` or `related`, heading, and one
    /// line per criterion.
    pub basis: Vec<(&'static str, &'static str, Vec<String>)>,
    /// The evidence items shown, named through the glossary.
    pub evidence: Vec<String>,
    /// `… N 项未列出` when some evidence items are not shown.
    pub more: Option<String>,
    pub fix: &'a str,
}

/// The view of `rf` in `lang`, listing at most `shown` evidence items.
pub fn finding<'a>(
    rules: &RuleSet,
    rf: &'a super::ReportedFinding,
    shown: usize,
    lang: Lang,
) -> FindingView<'a> {
    let f = &rf.finding;
    let (evidence, left_out) = evidence_shown(rules, f, shown, lang);
    FindingView {
        severity: f.severity.label(lang),
        rule_id: &f.rule_id,
        title: f.title.get(lang),
        baselined: baselined_note(rf, lang),
        message: f.message.get(lang),
        basis: basis(rules, f, lang)
            .groups(lang)
            .into_iter()
            .map(|(class, heading, items)| {
                (class, heading, items.iter().map(|i| i.line(lang)).collect())
            })
            .collect(),
        evidence,
        more: (left_out > 0).then(|| format!("… {left_out} {}", tr(lang, "项未列出", "more"))),
        fix: f.fix.get(lang),
    }
}

/// One criterion a finding cites, as every report shows it: its legal-basis text, for a violated
/// one the condition its evidence met, and the caveat when its wording is not verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasisItem {
    pub id: String,
    pub text: String,
    pub condition: Option<String>,
    pub caveat: Option<String>,
}

impl BasisItem {
    /// The item on one line: `text — condition: … [caveat]`.
    pub fn line(&self, lang: Lang) -> String {
        let mut line = self.text.clone();
        if let Some(condition) = &self.condition {
            line.push_str(tr(lang, " — 条件：", " — condition: "));
            line.push_str(condition);
        }
        if let Some(caveat) = &self.caveat {
            line.push_str(&format!(" [{}{caveat}]", tr(lang, "注意：", "note: ")));
        }
        line
    }
}

/// A finding's legal basis in two groups: violated (the evidence meets the criterion's written
/// condition) and related (context, not cited as violated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Basis {
    pub violated: Vec<BasisItem>,
    pub related: Vec<BasisItem>,
}

impl Basis {
    /// The non-empty groups, violated first: (`violated` or `related`, heading, items).
    pub fn groups(&self, lang: Lang) -> Vec<(&'static str, &'static str, &[BasisItem])> {
        [
            (
                "violated",
                tr(
                    lang,
                    "违反的依据（证据满足其条件）",
                    "Violated (the evidence meets the condition)",
                ),
                self.violated.as_slice(),
            ),
            (
                "related",
                tr(
                    lang,
                    "相关依据（供参考，不认定为违反）",
                    "Related (context, not cited as violated)",
                ),
                self.related.as_slice(),
            ),
        ]
        .into_iter()
        .filter(|(_, _, items)| !items.is_empty())
        .collect()
    }
}

/// The basis of `f` in `lang`, from the rule in effect and the criteria table.
pub fn basis(rules: &RuleSet, f: &Finding, lang: Lang) -> Basis {
    basis_of(rules, &f.rule_id, &f.violated, &f.related, lang)
}

/// The basis a rule may cite (its `violated` entries with their conditions, its related
/// criteria), for rule descriptions.
pub fn rule_basis(rules: &RuleSet, rule: &piaudit_rules::Rule, lang: Lang) -> Basis {
    let violated: Vec<String> = rule.violated.iter().map(|v| v.id.clone()).collect();
    basis_of(rules, &rule.id, &violated, &rule.criteria, lang)
}

fn basis_of(
    rules: &RuleSet,
    rule_id: &str,
    violated: &[String],
    related: &[String],
    lang: Lang,
) -> Basis {
    let rule = rules.rule(rule_id);
    let item = |id: &String, violated: bool| BasisItem {
        id: id.clone(),
        text: rules.tables().citation(id, lang),
        condition: violated
            .then(|| rule?.violated.iter().find(|v| &v.id == id))
            .flatten()
            .map(|v| v.condition.get(lang).to_owned()),
        caveat: rules
            .tables()
            .criteria(id)
            .and_then(|c| c.caveat())
            .map(|c| c.get(lang).to_owned()),
    };
    Basis {
        violated: violated.iter().map(|id| item(id, true)).collect(),
        related: related.iter().map(|id| item(id, false)).collect(),
    }
}

/// Label/value rows identifying the app and pinning the input (the app type by its name).
pub fn identity(
    record: &AppRecord,
    glossary: &Glossary,
    lang: Lang,
) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        (tr(lang, "文件", "file"), record.input.path.clone()),
        (
            tr(lang, "大小（字节）", "size (bytes)"),
            record.input.size.to_string(),
        ),
        ("SHA-256", record.input.sha256.clone()),
    ];
    let Some(app) = &record.app else {
        return rows;
    };
    let or_unknown = |v: Option<&str>| v.unwrap_or("?").to_owned();
    rows.push((
        tr(lang, "包名", "package"),
        or_unknown(app.package.as_deref()),
    ));
    let version = format!(
        "{} ({})",
        or_unknown(app.version_name.as_deref()),
        app.version_code.map_or("?".to_owned(), |c| c.to_string())
    );
    rows.push((tr(lang, "版本", "version"), version));
    rows.push((tr(lang, "名称", "label"), or_unknown(app.label.as_deref())));
    rows.push((
        "minSdk / targetSdk",
        format!(
            "{} / {}",
            app.min_sdk.map_or("?".to_owned(), |v| v.to_string()),
            app.target_sdk.map_or("?".to_owned(), |v| v.to_string())
        ),
    ));
    for signer in signers(app) {
        rows.push((tr(lang, "签名证书", "signer"), signer));
    }
    if let Some(note) = manifest_note(app, lang) {
        rows.push((tr(lang, "清单", "manifest"), note));
    }
    if let Some(category) = &app.category {
        let name = glossary.term(category, lang).unwrap_or(category);
        rows.push((tr(lang, "应用类型", "app type"), name.to_owned()));
    }
    rows
}

/// When the manifest was not read: what happened and that manifest-based rules stayed silent.
pub fn manifest_note(app: &AppFacts, lang: Lang) -> Option<String> {
    if app.manifest_read {
        return None;
    }
    let why = app
        .problems
        .iter()
        .find(|p| p.stage == "manifest")
        .map(|p| p.message.clone())
        .unwrap_or_else(|| {
            tr(
                lang,
                "输入不含清单（DEX/JAR）",
                "the input has no manifest (DEX/JAR)",
            )
            .to_owned()
        });
    Some(match lang {
        Lang::Zh => {
            format!("无法读取（{why}）：目标版本、组件和应用标志未知，依赖清单的规则不作判断")
        }
        Lang::En => format!(
            "could not be read ({why}): target SDK, components and application flags are unknown; manifest-based rules are not judged"
        ),
    })
}

/// One line per distinct signer certificate: `SHA-256 (subject; schemes)`.
pub fn signers(app: &AppFacts) -> Vec<String> {
    let mut certs: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for s in &app.signers {
        match certs.iter_mut().find(|(sha, _, _)| *sha == s.cert_sha256) {
            Some(entry) => entry.2.push(&s.scheme),
            None => certs.push((&s.cert_sha256, &s.subject, vec![&s.scheme])),
        }
    }
    certs
        .into_iter()
        .map(|(sha, subject, schemes)| format!("{sha} ({subject}; {})", schemes.join(", ")))
        .collect()
}

/// The necessity of a permission for the app type, in `lang`.
fn necessity(value: &str, lang: Lang) -> String {
    match value {
        "justified" => tr(lang, "必要", "justified"),
        "on_demand" => tr(lang, "按需", "on demand"),
        "not_necessary" => tr(lang, "非必要", "not necessary"),
        other => other,
    }
    .to_owned()
}

/// An Android protection level (`dangerous`, `signature|appop`), in `lang`.
fn protection(value: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return value.to_owned();
    }
    value
        .split('|')
        .map(|level| match level {
            "dangerous" => "危险",
            "normal" => "普通",
            "signature" => "签名",
            "privileged" => "特权",
            "development" => "开发",
            "appop" => "应用操作",
            "oem-runtime" => "厂商运行时",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// An SDK category of `rules/data/sdks.toml`, in `lang`.
fn sdk_category(value: &str, lang: Lang) -> String {
    match value {
        "ads" => tr(lang, "广告", "ads"),
        "analytics" => tr(lang, "统计分析", "analytics"),
        "cloud-storage" => tr(lang, "云存储", "cloud storage"),
        "crash" => tr(lang, "崩溃监测", "crash reporting"),
        "customer-service" => tr(lang, "客服", "customer service"),
        "face" => tr(lang, "人脸识别", "face recognition"),
        "framework" => tr(lang, "开发框架", "framework"),
        "im" => tr(lang, "即时通信", "instant messaging"),
        "location" => tr(lang, "定位", "location"),
        "login" => tr(lang, "登录", "login"),
        "map" => tr(lang, "地图", "map"),
        "payment" => tr(lang, "支付", "payment"),
        "push" => tr(lang, "推送", "push"),
        "risk-control" => tr(lang, "风控", "risk control"),
        "rtc" => tr(lang, "音视频通话", "real-time audio/video"),
        "social" => tr(lang, "社交分享", "social"),
        "voice" => tr(lang, "语音", "voice"),
        "webview" => tr(lang, "网页内核", "web view"),
        "other" => tr(lang, "其他", "other"),
        other => other,
    }
    .to_owned()
}

/// The requested permissions.
pub fn permissions(app: &AppFacts, glossary: &Glossary, lang: Lang) -> Table {
    let yes = |b: bool| if b { tr(lang, "是", "yes") } else { "" }.to_owned();
    Table {
        headers: vec![
            tr(lang, "权限", "permission"),
            tr(lang, "保护级别", "protection"),
            tr(lang, "个人信息类型", "PI type"),
            tr(lang, "敏感", "sensitive"),
            tr(lang, "高风险", "high risk"),
            tr(lang, "必要性", "necessity"),
        ],
        rows: app
            .permissions
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    p.protection
                        .as_deref()
                        .map(|v| protection(v, lang))
                        .unwrap_or_default(),
                    p.pi_type
                        .as_deref()
                        .map(|t| glossary.localize(t, lang))
                        .unwrap_or_default(),
                    yes(p.sensitive),
                    yes(p.high_risk),
                    p.necessity
                        .as_deref()
                        .map(|n| necessity(n, lang))
                        .unwrap_or_default(),
                ]
            })
            .collect(),
    }
}

/// The third-party SDKs detected.
pub fn sdks(app: &AppFacts, glossary: &Glossary, lang: Lang) -> Table {
    Table {
        headers: vec![
            "SDK",
            tr(lang, "名称", "name"),
            tr(lang, "厂商", "vendor"),
            tr(lang, "类别", "category"),
            tr(lang, "个人信息类型", "PI types"),
            tr(lang, "代码中调用", "called from the app"),
        ],
        rows: app
            .sdks
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    localized(&s.name, lang),
                    s.vendor
                        .as_ref()
                        .map_or_else(|| "–".to_owned(), |v| localized(v, lang)),
                    sdk_category(&s.category, lang),
                    s.pi_types
                        .iter()
                        .map(|t| glossary.localize(t, lang))
                        .collect::<Vec<_>>()
                        .join(tr(lang, "、", ", ")),
                    if s.used {
                        tr(lang, "是", "yes")
                    } else {
                        tr(lang, "否", "no")
                    }
                    .to_owned(),
                ]
            })
            .collect(),
    }
}

/// What a policy discloses, one line per PI type, SDK or element, with excerpts.
#[derive(Debug, Clone)]
pub struct Disclosure {
    /// `pi_type`, `sdk` or `element`.
    pub kind: &'static str,
    pub id: String,
    pub present: bool,
    pub excerpts: Vec<String>,
}

impl Disclosure {
    /// What the line is about, in `lang`.
    pub fn kind_name(&self, lang: Lang) -> &'static str {
        match self.kind {
            "pi_type" => tr(lang, "个人信息类型", "PI type"),
            "sdk" => "SDK",
            _ => tr(lang, "政策事项", "policy element"),
        }
    }

    /// The PI type or element by its name in `lang`; an SDK by its id.
    pub fn name(&self, glossary: &Glossary, lang: Lang) -> String {
        glossary.term(&self.id, lang).unwrap_or(&self.id).to_owned()
    }
}

/// What a policy document is (`text`, `url`, `dialog`), in `lang`.
pub fn policy_kind(kind: &str, lang: Lang) -> String {
    match kind {
        "text" => tr(lang, "随包政策文本", "bundled policy text"),
        "url" => tr(lang, "政策链接", "policy URL"),
        "dialog" => tr(lang, "同意弹窗", "consent dialog"),
        other => other,
    }
    .to_owned()
}

/// The language of a policy text (`zh`, `en`, `mixed`, `unknown`), in `lang`.
pub fn text_language(code: &str, lang: Lang) -> String {
    match code {
        "zh" => tr(lang, "中文", "Chinese"),
        "en" => tr(lang, "英文", "English"),
        "mixed" => tr(lang, "中英混合", "mixed"),
        "unknown" => tr(lang, "未知（无文本）", "unknown (no text)"),
        other => other,
    }
    .to_owned()
}

/// A policy (or pointer to one) found in the app.
#[derive(Debug, Clone)]
pub struct PolicyView {
    pub source: String,
    pub kind: String,
    pub url: Option<String>,
    pub lang: String,
    pub chars: u64,
    pub sha256: String,
    pub disclosures: Vec<Disclosure>,
    pub missing: Vec<String>,
}

/// Excerpts shown per disclosure.
const EXCERPTS_SHOWN: usize = 3;

/// The policies of an app, as the facts describe them.
pub fn policies(app: &AppFacts) -> Vec<PolicyView> {
    app.policies.iter().map(policy_view).collect()
}

fn policy_view(p: &PolicyDoc) -> PolicyView {
    let mut disclosures = Vec::new();
    let d = p.disclosures.as_ref();
    for (list, kind) in d
        .into_iter()
        .flat_map(|d| [(&d.pi_types, "pi_type"), (&d.named_sdks, "sdk")])
    {
        for item in list {
            disclosures.push(Disclosure {
                kind,
                id: item.id.clone(),
                present: true,
                excerpts: excerpts(&item.evidence),
            });
        }
    }
    for (id, fact) in d.into_iter().flat_map(|d| &d.elements) {
        disclosures.push(Disclosure {
            kind: "element",
            id: id.clone(),
            present: fact.present,
            excerpts: excerpts(&fact.evidence),
        });
    }
    PolicyView {
        source: p.source.clone(),
        kind: p.kind.clone(),
        url: p.url.clone(),
        lang: p.lang.clone(),
        chars: p.chars,
        sha256: p.sha256.clone(),
        disclosures,
        missing: d.map(|d| d.missing_elements.clone()).unwrap_or_default(),
    }
}

fn excerpts(evidence: &[Span]) -> Vec<String> {
    evidence
        .iter()
        .take(EXCERPTS_SHOWN)
        .map(|e| e.excerpt.clone())
        .collect()
}

/// Where in the app an evidence item points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalLocation {
    /// SARIF logical location kinds: `element` (manifest XML element), `type` (a class),
    /// `resource` (a file in the APK or a policy source).
    pub kind: &'static str,
    /// Short name (the class name, the element's name attribute, the file).
    pub name: String,
    /// Fully qualified: `AndroidManifest.xml/manifest/uses-permission[@android:name='…']`,
    /// `com.example.Foo`, `assets/privacy.html`.
    pub fully_qualified: String,
}

impl LogicalLocation {
    /// The kind in `lang`.
    pub fn kind_name(&self, lang: Lang) -> &'static str {
        match self.kind {
            "element" => tr(lang, "清单元素", "manifest element"),
            "type" => tr(lang, "类", "class"),
            _ => tr(lang, "文件", "file"),
        }
    }
}

/// Locations shown per finding at most.
const MAX_LOCATIONS: usize = 25;

/// The manifest elements, classes and policy sources that `evidence` names, found by matching
/// the evidence (its explicit fields, or its text) against what the facts list.
pub fn logical_locations(app: Option<&AppFacts>, evidence: &[Value]) -> Vec<LogicalLocation> {
    let mut out: Vec<LogicalLocation> = Vec::new();
    let Some(app) = app else {
        return out;
    };
    let mut push = |loc: LogicalLocation| {
        if out.len() < MAX_LOCATIONS && !out.contains(&loc) {
            out.push(loc);
        }
    };
    for item in evidence {
        let text = piaudit_rules::template::evidence_text(item);
        for field in ["class", "caller"] {
            if let Some(class) = item.get(field).and_then(Value::as_str) {
                push(class_location(class));
            }
        }
        for p in &app.permissions {
            if names_token(item, "permission", &text, &p.name) {
                let element = if p.element.is_empty() {
                    "uses-permission"
                } else {
                    &p.element
                };
                push(manifest_element(element, &p.name));
            }
        }
        for c in &app.components {
            if names_token(item, "component", &text, &c.name) {
                push(manifest_element(&c.kind, &c.name));
            }
        }
        for api in &app.api_refs {
            for caller in &api.callers {
                if names_token(item, "class", &text, caller) {
                    push(class_location(caller));
                }
            }
        }
        for policy in &app.policies {
            let source = &policy.source;
            if !source.is_empty() && names_token(item, "source", &text, source) {
                push(LogicalLocation {
                    kind: "resource",
                    name: source.clone(),
                    fully_qualified: source.clone(),
                });
            }
        }
        if let Some(nsc) = &app.flags.network_security_config {
            if contains_token(&text, nsc) {
                push(LogicalLocation {
                    kind: "resource",
                    name: nsc.clone(),
                    fully_qualified: nsc.clone(),
                });
            }
        }
        for attribute in ["debuggable", "allowBackup", "usesCleartextTraffic"] {
            if text.contains(attribute) {
                push(LogicalLocation {
                    kind: "element",
                    name: "application".to_owned(),
                    fully_qualified: format!(
                        "AndroidManifest.xml/manifest/application[@android:{attribute}]"
                    ),
                });
            }
        }
    }
    out
}

/// Whether an evidence item names `name`: in its field `field`, or as a whole token of its text.
fn names_token(item: &Value, field: &str, text: &str, name: &str) -> bool {
    item.get(field).and_then(Value::as_str) == Some(name) || contains_token(text, name)
}

fn manifest_element(element: &str, name: &str) -> LogicalLocation {
    LogicalLocation {
        kind: "element",
        name: name.to_owned(),
        fully_qualified: format!("AndroidManifest.xml/manifest/{element}[@android:name='{name}']"),
    }
}

fn class_location(class: &str) -> LogicalLocation {
    LogicalLocation {
        kind: "type",
        name: class.rsplit('.').next().unwrap_or(class).to_owned(),
        fully_qualified: class.to_owned(),
    }
}

/// `needle` occurs in `hay` not as part of a longer identifier (Java names and paths).
pub fn contains_token(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let ident = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '/');
    hay.match_indices(needle).any(|(at, _)| {
        let before = hay.get(..at).and_then(|s| s.chars().next_back());
        let after = hay.get(at + needle.len()..).and_then(|s| s.chars().next());
        // A trailing '.' ends a sentence, it does not continue the name.
        let after_continues = match after {
            Some('.') => hay
                .get(at + needle.len() + 1..)
                .and_then(|s| s.chars().next())
                .is_some_and(|c| c.is_alphanumeric() || c == '_'),
            Some(c) => ident(c),
            None => false,
        };
        !before.is_some_and(ident) && !after_continues
    })
}

/// A `{zh, en}` name in `lang`.
pub fn localized(text: &LocalizedText, lang: Lang) -> String {
    match lang {
        Lang::Zh => text.zh.clone(),
        Lang::En => text.en.clone(),
    }
}

/// The note after a finding's title when a baseline accepted it ("" otherwise).
fn baselined_note(finding: &super::ReportedFinding, lang: Lang) -> &'static str {
    if finding.baselined {
        tr(lang, "（基线已接受）", " (baselined)")
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Component, Permission};
    use serde_json::json;

    /// The values of `key = "…"` lines in a table.
    fn values<'a>(table: &'a str, key: &str) -> Vec<&'a str> {
        let prefix = format!("{key} = \"");
        table
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix)?.strip_suffix('"'))
            .collect()
    }

    #[test]
    fn every_sdk_category_and_protection_level_has_a_chinese_name() {
        let categories = values(include_str!("../../rules/data/sdks.toml"), "category");
        assert!(categories.len() > 100);
        for c in categories {
            assert_ne!(sdk_category(c, Lang::Zh), c, "SDK category {c}");
        }
        let levels = values(
            include_str!("../../rules/data/permissions.toml"),
            "protection",
        );
        assert!(levels.len() > 50);
        for level in levels {
            let zh = protection(level, Lang::Zh);
            assert!(
                !zh.chars().any(|c| c.is_ascii_alphabetic()),
                "{level}: {zh}"
            );
        }
    }

    #[test]
    fn tokens_respect_identifier_boundaries() {
        assert!(contains_token(
            "x android.permission.CAMERA, y",
            "android.permission.CAMERA"
        ));
        assert!(contains_token(
            "android.permission.CAMERA.",
            "android.permission.CAMERA"
        ));
        assert!(!contains_token(
            "android.permission.CAMERA_X",
            "android.permission.CAMERA"
        ));
        assert!(!contains_token("com.a.Foo.Bar", "com.a.Foo"));
        assert!(!contains_token("anything", ""));
    }

    #[test]
    fn evidence_points_at_manifest_elements_and_classes() {
        let app = AppFacts {
            permissions: vec![Permission {
                name: "android.permission.CAMERA".into(),
                element: "uses-permission".into(),
                ..Permission::default()
            }],
            components: vec![Component {
                kind: "service".into(),
                name: "a.b.Sync".into(),
                ..Component::default()
            }],
            api_refs: vec![crate::facts::ApiRef {
                callers: vec!["a.b.Main".into()],
                ..crate::facts::ApiRef::default()
            }],
            ..AppFacts::default()
        };
        let evidence = [
            json!("camera ← android.permission.CAMERA"),
            json!("service a.b.Sync"),
            json!("Camera.open() @ app (a.b.Main, 1 call sites)"),
        ];
        let kinds: Vec<(&str, String)> = logical_locations(Some(&app), &evidence)
            .into_iter()
            .map(|l| (l.kind, l.fully_qualified))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (
                    "element",
                    "AndroidManifest.xml/manifest/uses-permission[@android:name='android.permission.CAMERA']".to_owned()
                ),
                ("element", "AndroidManifest.xml/manifest/service[@android:name='a.b.Sync']".to_owned()),
                ("type", "a.b.Main".to_owned()),
            ]
        );
    }
}
