//! The project's regulatory data tables (`rules/data/*.toml`) and the enrichment of facts from them.
//!
//! Owns loading and validating `permissions.toml`, `sensitive-apis.toml`, `app-types.toml` and
//! `criteria.toml` (compiled in, or from a directory), lookups over them, and
//! [`Tables::enrich`], which fills the table-derived fields of [`AppFacts::permissions`]. It must
//! not judge anything: necessity is a table lookup for the type the user gave, never a guess.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use piaudit_facts::AppFacts;
use serde::Deserialize;

use crate::{Lang, Localized, PI_TYPES};

/// The table files, by name under `rules/data/`, with their compiled-in text.
const EMBEDDED: [(&str, &str); 4] = [
    (
        PERMISSIONS_FILE,
        include_str!("../../../rules/data/permissions.toml"),
    ),
    (
        SENSITIVE_APIS_FILE,
        include_str!("../../../rules/data/sensitive-apis.toml"),
    ),
    (
        APP_TYPES_FILE,
        include_str!("../../../rules/data/app-types.toml"),
    ),
    (
        CRITERIA_FILE,
        include_str!("../../../rules/data/criteria.toml"),
    ),
];
const PERMISSIONS_FILE: &str = "permissions.toml";
const SENSITIVE_APIS_FILE: &str = "sensitive-apis.toml";
const APP_TYPES_FILE: &str = "app-types.toml";
const CRITERIA_FILE: &str = "criteria.toml";

/// A table could not be read or is not valid.
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// The app type given by the user is not one of the 39.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown app category '{id}' (known: {})", known.join(", "))]
pub struct EnrichError {
    pub id: String,
    pub known: Vec<String>,
}

/// One Android permission of `permissions.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionInfo {
    pub name: String,
    /// `dangerous` or `special`.
    pub kind: String,
    pub group: String,
    /// Protection level: `dangerous`, `normal`, `signature`, `signature|appop`, ...
    pub protection: String,
    /// The PI type slug it gives access to; `None`: no personal information.
    #[serde(default)]
    pub pi_type: Option<String>,
    #[serde(default)]
    pub pi_label: Option<Localized>,
    /// Sensitive PI under PIPL art. 28.
    pub sensitive: bool,
    /// A runtime permission.
    pub dangerous: bool,
    /// Singled out by regulators as almost never necessary.
    pub high_risk: bool,
    #[serde(default)]
    pub high_risk_basis: Option<String>,
    pub policy_keywords: PolicyKeywords,
    #[serde(default)]
    pub note: Option<String>,
}

/// Words a privacy policy uses to disclose a PI type (project-chosen).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyKeywords {
    pub zh: Vec<String>,
    pub en: Vec<String>,
}

/// One sensitive API / field / string reference of `sensitive-apis.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveApi {
    /// `Lpkg/Cls;->name(args)ret`, `Lpkg/Cls;->FIELD:type`, or a string-pool literal.
    #[serde(rename = "ref")]
    pub reference: String,
    /// `method`, `field` or `string`.
    pub kind: String,
    /// The PI type slug; `None` for permission-request call sites.
    #[serde(default)]
    pub pi_type: Option<String>,
    /// A runtime-permission request call site, not a PI read.
    #[serde(default)]
    pub permission_request: bool,
    pub label: Localized,
    /// The permission text of the reference table.
    #[serde(default)]
    pub permission: Option<String>,
    /// One of these must be declared for the reference to return the PI on every Android version.
    #[serde(default)]
    pub requires_any: Vec<String>,
    /// All of these must be declared for the reference to return the PI.
    #[serde(default)]
    pub requires_all: Vec<String>,
    /// The reference alone does not show the PI is read (a generic API); `weak_why` says why.
    #[serde(default)]
    pub weak: bool,
    #[serde(default)]
    pub weak_why: Option<String>,
    /// A resettable / advertising identifier.
    #[serde(default)]
    pub resettable: bool,
    /// The system does the biometric match; the app only gets a pass/fail result.
    #[serde(default)]
    pub system_mediated: bool,
    #[serde(default)]
    pub note: Option<String>,
    pub status: String,
}

/// A permission named by the necessary-PI interpretation, with its parenthetical note.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionNote {
    pub permission: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// One item of a type's necessary PI.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NecessaryPi {
    pub zh: String,
    pub en: String,
    pub kind: String,
}

/// One of the 39 app types of the 2021 provisions.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppType {
    pub id: String,
    pub no: u32,
    pub name: Localized,
    pub basic_function: Localized,
    pub no_pi_needed: bool,
    pub necessary_pi: Vec<NecessaryPi>,
    pub justified: Vec<PermissionNote>,
    pub on_demand: Vec<PermissionNote>,
    pub status: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A source document criteria belong to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    pub title: Localized,
}

/// A criterion a rule may cite.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub document: String,
    #[serde(default)]
    pub article: Option<String>,
    /// The article as a Chinese reader cites it, where it is not a plain number (`附录C`).
    #[serde(default)]
    pub article_zh: Option<String>,
    pub title: Localized,
    pub summary: String,
    /// `S`, `P`, `N`, ... as in the reference: how far an APK can show it.
    #[serde(rename = "static")]
    pub static_check: String,
    /// `verified`, `unverified` or `project`.
    pub verification: String,
    /// Why no rule checks it, for a criterion no rule cites (`piaudit rules coverage`):
    /// `dynamic` (needs dynamic evidence: frequency, back-end sharing, handling time),
    /// `package` (not visible in a package), `definition` (defines terms, nothing to check),
    /// `todo` (checkable, rule not yet written).
    #[serde(default)]
    pub unchecked: Option<String>,
}

impl Criterion {
    /// The article in `lang`: in Chinese a law's article number reads `第17条`, and the
    /// table's `article_zh` names the others (annexes, articles with notes).
    pub fn article_in(&self, lang: Lang) -> Option<String> {
        let article = self.article.as_deref()?;
        if lang == Lang::En {
            return Some(article.to_owned());
        }
        if let Some(zh) = &self.article_zh {
            return Some(zh.clone());
        }
        let law_article = article
            .chars()
            .all(|c| c.is_ascii_digit() || c == '–' || c == '-');
        Some(if law_article {
            format!("第{article}条")
        } else {
            article.to_owned()
        })
    }

    /// The caveat a report carries wherever it cites this criterion, when its wording is not
    /// verified against the official text (`None` when it is).
    pub fn caveat(&self) -> Option<Localized> {
        match self.verification.as_str() {
            "verified" => None,
            "project" => Some(Localized::new(
                "本项目的映射，非官方条文",
                "the project's own mapping, not an official text",
            )),
            _ => Some(Localized::new(
                "条文内容未经核对，引用前请对照官方文本",
                "wording not verified; check the official text before quoting",
            )),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionsFile {
    permission: Vec<PermissionInfo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SensitiveApisFile {
    api: Vec<SensitiveApi>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppTypesFile {
    #[allow(dead_code)]
    source: toml::Table,
    never_justified: Vec<PermissionNote>,
    #[serde(rename = "type")]
    types: Vec<AppType>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CriteriaFile {
    document: Vec<Document>,
    criterion: Vec<Criterion>,
}

/// The four tables, indexed.
#[derive(Debug, Clone)]
pub struct Tables {
    permissions: Vec<PermissionInfo>,
    permission_index: HashMap<String, usize>,
    apis: Vec<SensitiveApi>,
    api_index: HashMap<String, usize>,
    app_types: Vec<AppType>,
    never_justified: Vec<PermissionNote>,
    documents: Vec<Document>,
    criteria: Vec<Criterion>,
    criterion_index: HashMap<String, usize>,
    /// `(file name, text)` of each table, for the rule-set digest.
    sources: Vec<(String, String)>,
    /// Names of PI types, policy elements and app types, for reports.
    glossary: crate::glossary::Glossary,
}

impl Tables {
    /// The tables compiled into the program from `rules/data/`.
    pub fn embedded() -> Result<Tables, TablesError> {
        Tables::from_texts(EMBEDDED.map(|(name, text)| (name, text.to_owned())))
    }

    /// The four tables from a directory holding `permissions.toml`, `sensitive-apis.toml`,
    /// `app-types.toml` and `criteria.toml`.
    pub fn from_dir(dir: &Path) -> Result<Tables, TablesError> {
        let read = |name: &'static str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map(|text| (name, text))
                .map_err(|source| TablesError::Io { path, source })
        };
        Tables::from_texts([
            read(PERMISSIONS_FILE)?,
            read(SENSITIVE_APIS_FILE)?,
            read(APP_TYPES_FILE)?,
            read(CRITERIA_FILE)?,
        ])
    }

    fn from_texts(texts: [(&str, String); 4]) -> Result<Tables, TablesError> {
        let [(pf, pt), (af, at), (tf, tt), (cf, ct)] = texts;
        let permissions: PermissionsFile = parse(pf, &pt)?;
        let apis: SensitiveApisFile = parse(af, &at)?;
        let types: AppTypesFile = parse(tf, &tt)?;
        let criteria: CriteriaFile = parse(cf, &ct)?;
        let glossary =
            crate::glossary::Glossary::new(types.types.iter().map(|t| (t.id.as_str(), &t.name)));
        let tables = Tables {
            glossary,
            permission_index: index(pf, &permissions.permission, |p| &p.name)?,
            permissions: permissions.permission,
            api_index: index(af, &apis.api, |a| &a.reference)?,
            apis: apis.api,
            app_types: types.types,
            never_justified: types.never_justified,
            criterion_index: index(cf, &criteria.criterion, |c| &c.id)?,
            documents: criteria.document,
            criteria: criteria.criterion,
            sources: vec![
                (pf.to_owned(), pt),
                (af.to_owned(), at),
                (tf.to_owned(), tt),
                (cf.to_owned(), ct),
            ],
        };
        tables.validate()?;
        Ok(tables)
    }

    /// Cross-table checks: known PI slugs, known documents, app-type permissions in the table.
    fn validate(&self) -> Result<(), TablesError> {
        let invalid = |file: &str, message: String| TablesError::Invalid {
            file: file.to_owned(),
            message,
        };
        let slugs: HashSet<&str> = PI_TYPES.into_iter().collect();
        for p in &self.permissions {
            if let Some(t) = &p.pi_type
                && !slugs.contains(t.as_str())
            {
                return Err(invalid(
                    PERMISSIONS_FILE,
                    format!("{}: unknown pi_type '{t}'", p.name),
                ));
            }
        }
        for a in &self.apis {
            match (&a.pi_type, a.permission_request) {
                (Some(t), false) if slugs.contains(t.as_str()) => {}
                (None, true) => {}
                _ => {
                    return Err(invalid(
                        SENSITIVE_APIS_FILE,
                        format!(
                            "{}: needs a known pi_type, or permission_request = true",
                            a.reference
                        ),
                    ));
                }
            }
        }
        let documents: HashSet<&str> = self.documents.iter().map(|d| d.id.as_str()).collect();
        for c in &self.criteria {
            if !documents.contains(c.document.as_str()) {
                return Err(invalid(
                    CRITERIA_FILE,
                    format!("{}: unknown document '{}'", c.id, c.document),
                ));
            }
        }
        let mut type_ids = HashSet::new();
        for t in &self.app_types {
            if !type_ids.insert(t.id.as_str()) {
                return Err(invalid(
                    APP_TYPES_FILE,
                    format!("duplicate type '{}'", t.id),
                ));
            }
        }
        let named = self.app_types.iter().flat_map(|t| {
            t.justified
                .iter()
                .chain(&t.on_demand)
                .map(move |n| (t.id.as_str(), n))
        });
        let global = self.never_justified.iter().map(|n| ("never_justified", n));
        for (owner, note) in named.chain(global) {
            if !self.permission_index.contains_key(&note.permission) {
                return Err(invalid(
                    APP_TYPES_FILE,
                    format!(
                        "{owner}: permission {} is not in {PERMISSIONS_FILE}",
                        note.permission
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The table entry of a permission, by full name (`android.permission.CAMERA`).
    pub fn permission(&self, name: &str) -> Option<&PermissionInfo> {
        self.permission_index
            .get(name)
            .and_then(|&i| self.permissions.get(i))
    }

    pub fn permissions(&self) -> &[PermissionInfo] {
        &self.permissions
    }

    pub fn sensitive_apis(&self) -> &[SensitiveApi] {
        &self.apis
    }

    /// The table entry of a sensitive reference, by its exact reference text.
    pub fn sensitive_api(&self, reference: &str) -> Option<&SensitiveApi> {
        self.api_index
            .get(reference)
            .and_then(|&i| self.apis.get(i))
    }

    /// An app type by id (`education`, `map_navigation`, ...).
    pub fn app_type(&self, id: &str) -> Option<&AppType> {
        self.app_types.iter().find(|t| t.id == id)
    }

    pub fn app_types(&self) -> &[AppType] {
        &self.app_types
    }

    /// The app type named by its id or by its Chinese or English name (`实用工具类`).
    pub fn app_type_named(&self, name: &str) -> Option<&AppType> {
        let name = name.trim();
        self.app_type(name).or_else(|| {
            self.app_types.iter().find(|t| {
                t.name.zh == name
                    || t.name.zh.trim_end_matches('类') == name
                    || t.name.en.eq_ignore_ascii_case(name)
            })
        })
    }

    /// The names of identifiers (PI types, policy elements, app types) for reports.
    pub fn glossary(&self) -> &crate::glossary::Glossary {
        &self.glossary
    }

    /// Permissions no type's necessary PI justifies (unless the type lists them itself).
    pub fn never_justified(&self) -> &[PermissionNote] {
        &self.never_justified
    }

    /// A criterion by id (`PIPL-17`, `MIIT2019-1.1`, ...).
    pub fn criteria(&self, id: &str) -> Option<&Criterion> {
        self.criterion_index
            .get(id)
            .and_then(|&i| self.criteria.get(i))
    }

    /// How reports and `rules show` cite a criterion: `PIPL-17 — title (document article)`,
    /// or the bare id when the table does not know it.
    pub fn citation(&self, id: &str, lang: Lang) -> String {
        let Some(c) = self.criteria(id) else {
            return id.to_owned();
        };
        let document = self
            .document(&c.document)
            .map_or(c.document.as_str(), |d| d.title.get(lang));
        let article = c
            .article_in(lang)
            .map_or(String::new(), |a| format!(" {a}"));
        format!("{id} — {} ({document}{article})", c.title.get(lang))
    }

    pub fn all_criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// `(file name, text)` of each table, in a fixed order.
    pub fn sources(&self) -> &[(String, String)] {
        &self.sources
    }

    /// How necessary a PI-bearing permission is for an app type: `justified`, `on_demand` or
    /// `not_necessary`; `None` when the permission gives no PI or is not in the table.
    pub fn necessity(&self, app_type: &AppType, permission: &str) -> Option<&'static str> {
        self.permission(permission)?.pi_type.as_ref()?;
        let listed = |notes: &[PermissionNote]| notes.iter().any(|n| n.permission == permission);
        Some(if listed(&app_type.justified) {
            "justified"
        } else if listed(&app_type.on_demand) {
            "on_demand"
        } else {
            "not_necessary"
        })
    }

    /// Fills the table-derived fields of every requested permission (protection, pi_type,
    /// dangerous, sensitive, high_risk) and, when `facts.category` is set, their necessity for
    /// that type; likewise pi_type, high_risk and necessity of the permissions each denial
    /// handler concerns. Permissions the table does not know keep null fields (unknown, not "safe").
    ///
    /// An unknown category is an error; the permission fields are filled all the same and
    /// necessity stays null.
    pub fn enrich(&self, facts: &mut AppFacts) -> Result<(), EnrichError> {
        let app_type = match facts.category.clone() {
            None => None,
            Some(id) => match self.app_type(&id) {
                Some(t) => Some(t),
                None => {
                    let known = self.app_types.iter().map(|t| t.id.clone()).collect();
                    self.fill_permissions(facts, None);
                    return Err(EnrichError { id, known });
                }
            },
        };
        self.fill_permissions(facts, app_type);
        Ok(())
    }

    fn fill_permissions(&self, facts: &mut AppFacts, app_type: Option<&AppType>) {
        for p in &mut facts.permissions {
            let Some(info) = self.permission(&p.name) else {
                p.protection = None;
                p.pi_type = None;
                p.dangerous = false;
                p.sensitive = false;
                p.high_risk = false;
                p.necessity = None;
                continue;
            };
            p.protection = Some(info.protection.clone());
            p.pi_type = info.pi_type.clone();
            p.dangerous = info.dangerous;
            p.sensitive = info.sensitive;
            p.high_risk = info.high_risk;
            p.necessity = app_type
                .and_then(|t| self.necessity(t, &p.name))
                .map(str::to_owned);
        }
        // The permissions a denial handler concerns carry the same judgement.
        for h in &mut facts.denial_handlers {
            for p in &mut h.permissions {
                let info = self.permission(&p.name);
                p.pi_type = info.and_then(|i| i.pi_type.clone());
                p.high_risk = info.is_some_and(|i| i.high_risk);
                p.necessity = app_type
                    .filter(|_| info.is_some())
                    .and_then(|t| self.necessity(t, &p.name))
                    .map(str::to_owned);
            }
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, TablesError> {
    toml::from_str(text).map_err(|e| TablesError::Syntax {
        file: file.to_owned(),
        line: e.span().map(|s| line_of(text, s.start)).unwrap_or_default(),
        message: e.message().to_owned(),
    })
}

fn index<T>(
    file: &str,
    items: &[T],
    key: impl Fn(&T) -> &String,
) -> Result<HashMap<String, usize>, TablesError> {
    let mut map = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if map.insert(key(item).clone(), i).is_some() {
            return Err(TablesError::Invalid {
                file: file.to_owned(),
                message: format!("duplicate entry '{}'", key(item)),
            });
        }
    }
    Ok(map)
}

/// The 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
        + 1
}
