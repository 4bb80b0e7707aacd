//! Policy-reading tables (`rules/data/policy.toml`): their serde model, loading and validation.
//!
//! Owns the shape of the data file and every check that can be done on it without text: empty
//! phrases, unknown references, regexes that do not compile. Errors name the key and, where the
//! TOML position is known, the line. It must not match text (that is `analyze`) and it knows
//! nothing about APKs or legal verdicts.
//!
//! Validating a regex means compiling it, and compiling the Unicode classes of the tables'
//! regexes is most of what loading costs: the compiled regexes are kept ([`TableRegexes`]) and
//! handed to the analyzer, so each is compiled once per process.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// One string from the TOML file together with its byte span, so errors can name a line.
pub type SpannedStr = Spanned<String>;

/// Longest phrase or synonym accepted, in characters (a guard against pasted paragraphs).
const MAX_PHRASE_CHARS: usize = 120;
/// Size limit for each compiled regex (bytes of compiled program).
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Everything the analyzer looks for, loaded from `policy.toml`.
///
/// Only [`PolicyTables::from_toml`] constructs it, so an instance is always valid.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyTables {
    /// The regexes of the tables as validation compiled them; `None` only for tables that
    /// bypassed [`PolicyTables::from_toml`] (the analyzer refuses those).
    #[serde(skip)]
    pub(crate) regexes: Option<TableRegexes>,
    pub(crate) classify: ClassifyConfig,
    #[serde(default)]
    pub(crate) analysis: AnalysisConfig,
    pub(crate) titles: Titles,
    pub(crate) hints: Hints,
    pub(crate) dialog_words: WordList,
    pub(crate) negation_cues: WordList,
    pub(crate) patterns: Patterns,
    pub(crate) pi_types: BTreeMap<String, PiTypeDef>,
    pub(crate) elements: BTreeMap<String, ElementDef>,
}

impl ClassifyConfig {
    /// The fewest core terms any path without a privacy title needs.
    pub(crate) fn min_core_terms_untitled(&self) -> usize {
        self.untitled_min_core_terms.min(self.named_min_core_terms)
    }
}

/// Thresholds for deciding whether a document or string is a policy (see `policy.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClassifyConfig {
    pub min_policy_chars: usize,
    pub head_chars: usize,
    pub titled_min_pi_types: usize,
    pub titled_min_elements: usize,
    pub agreement_min_pi_types: usize,
    pub agreement_min_elements: usize,
    pub untitled_min_pi_types: usize,
    pub untitled_min_elements: usize,
    pub untitled_min_core_terms: usize,
    /// An untitled document in a file whose name hints at privacy is a policy with all three.
    pub named_min_pi_types: usize,
    pub named_min_elements: usize,
    pub named_min_core_terms: usize,
    pub title_max_chars: usize,
    pub dialog_max_chars: usize,
    pub dialog_max_elements: usize,
    pub string_text_min_chars: usize,
    pub core_terms: Vec<SpannedStr>,
}

/// Analysis knobs; all optional in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct AnalysisConfig {
    /// The element whose `near` check decides `Disclosed::purpose_stated`.
    pub purpose_element: String,
    /// Evidence spans kept per fact.
    pub evidence_per_fact: usize,
    /// Unused since excerpts quote the whole sentence; still accepted so that tables which set
    /// it keep loading.
    pub excerpt_context_chars: usize,
    /// Matches collected per text before analysis stops looking (flagged in the output).
    pub max_hits: usize,
    /// Characters scanned back from a PI mention for a negation cue in the same clause.
    pub negation_window_chars: usize,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        AnalysisConfig {
            purpose_element: "pi_types_and_purposes".to_owned(),
            evidence_per_fact: 3,
            excerpt_context_chars: 20,
            max_hits: 100_000,
            negation_window_chars: 40,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Titles {
    pub privacy: Vec<SpannedStr>,
    pub agreement: Vec<SpannedStr>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Hints {
    pub privacy_file_names: Vec<String>,
    pub agreement_file_names: Vec<String>,
    pub url: Vec<String>,
    pub string_names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WordList {
    pub words: Vec<SpannedStr>,
}

/// Named regex lists. `email`, `phone`, `date` and `url` are required; others may be added and
/// referenced from `elements.*.near.patterns`.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub(crate) struct Patterns(BTreeMap<String, Vec<SpannedStr>>);

/// The compiled regexes of `[patterns]` and of `elements.*.regexes`, in table order.
#[derive(Debug, Clone, Default)]
pub(crate) struct TableRegexes {
    pub patterns: BTreeMap<String, Vec<regex::Regex>>,
    pub elements: BTreeMap<String, Vec<regex::Regex>>,
    /// `elements.*.exclude`, compiled.
    pub excludes: BTreeMap<String, Vec<regex::Regex>>,
}

/// Pattern lists the crate itself uses.
pub(crate) const REQUIRED_PATTERNS: [&str; 4] = ["email", "phone", "date", "url"];

impl Patterns {
    /// The regex list called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&[SpannedStr]> {
        self.0.get(name).map(Vec::as_slice)
    }

    /// All pattern lists with their names, sorted by name.
    pub fn all(&self) -> impl Iterator<Item = (&str, &[SpannedStr])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// A kind of personal information and the words policies use for it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PiTypeDef {
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub synonyms: Vec<SpannedStr>,
    /// Phrases that contain a synonym without naming the type ("短信验证码" is a code sent by
    /// SMS, not access to the user's messages): a synonym inside one is no mention.
    #[serde(default)]
    pub not: Vec<SpannedStr>,
}

/// An element a policy must contain (PIPL art. 17 / MIIT).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ElementDef {
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub phrases: Vec<SpannedStr>,
    #[serde(default)]
    pub regexes: Vec<SpannedStr>,
    /// Regexes of what is said *about* the element without stating it (a list of "major
    /// changes", an intellectual-property complainant, a placeholder name): an anchor that
    /// overlaps a match is not evidence.
    #[serde(default)]
    pub exclude: Vec<SpannedStr>,
    #[serde(default)]
    pub extractors: Vec<Spanned<Extractor>>,
    #[serde(default = "one")]
    pub min_distinct: usize,
    #[serde(default)]
    pub near: Option<Spanned<NearDef>>,
}

fn one() -> usize {
    1
}

/// Built-in extractors whose results count as evidence for an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Extractor {
    Email,
    Phone,
}

/// "One anchor must have one of these within `within` characters."
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NearDef {
    /// A `[patterns]` name, or `"pi_type"` for any PI synonym.
    #[serde(default)]
    pub patterns: Option<String>,
    #[serde(default)]
    pub phrases: Vec<SpannedStr>,
    pub within: usize,
    #[serde(default = "yes")]
    pub same_sentence: bool,
}

fn yes() -> bool {
    true
}

/// The special `near.patterns` name meaning "any PI-type synonym".
pub(crate) const NEAR_PI_TYPE: &str = "pi_type";

/// Why a policy table could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    /// The file is not valid TOML or does not have the expected shape.
    #[error("policy tables: {0}")]
    Parse(#[from] toml::de::Error),
    /// A value is present but unusable.
    #[error("policy tables: {key}{}: {message}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Invalid {
        /// Dotted key path, e.g. `elements.contact.regexes[0]`.
        key: String,
        /// 1-based line in the TOML source, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
}

impl PolicyTables {
    /// Parses and validates `policy.toml`.
    pub fn from_toml(source: &str) -> Result<PolicyTables, TablesError> {
        let mut tables: PolicyTables = toml::from_str(source)?;
        tables.regexes = Some(Validator { source }.validate(&tables)?);
        Ok(tables)
    }

    /// Identifiers of all PI types, sorted.
    pub fn pi_type_ids(&self) -> impl Iterator<Item = &str> {
        self.pi_types.keys().map(String::as_str)
    }

    /// Identifiers of all elements, sorted.
    pub fn element_ids(&self) -> impl Iterator<Item = &str> {
        self.elements.keys().map(String::as_str)
    }

    /// `(zh, en)` display names of a PI type.
    pub fn pi_type_names(&self, id: &str) -> Option<(&str, &str)> {
        self.pi_types
            .get(id)
            .map(|d| (d.zh.as_str(), d.en.as_str()))
    }

    /// `(zh, en)` display names of an element.
    pub fn element_names(&self, id: &str) -> Option<(&str, &str)> {
        self.elements
            .get(id)
            .map(|d| (d.zh.as_str(), d.en.as_str()))
    }
}

struct Validator<'s> {
    source: &'s str,
}

impl Validator<'_> {
    fn line(&self, span: std::ops::Range<usize>) -> Option<usize> {
        let prefix = self.source.get(..span.start)?;
        Some(prefix.bytes().filter(|&b| b == b'\n').count() + 1)
    }

    fn invalid(
        &self,
        key: String,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
    ) -> TablesError {
        TablesError::Invalid {
            key,
            line: span.and_then(|s| self.line(s)),
            message: message.into(),
        }
    }

    /// Checks the tables; on success, returns their regexes compiled.
    fn validate(&self, t: &PolicyTables) -> Result<TableRegexes, TablesError> {
        let mut regexes = TableRegexes::default();
        self.phrases("classify.core_terms", &t.classify.core_terms, true)?;
        self.phrases("titles.privacy", &t.titles.privacy, true)?;
        self.phrases("titles.agreement", &t.titles.agreement, true)?;
        self.phrases("dialog_words.words", &t.dialog_words.words, true)?;
        self.phrases("negation_cues.words", &t.negation_cues.words, false)?;
        for (name, list) in [
            ("hints.privacy_file_names", &t.hints.privacy_file_names),
            ("hints.agreement_file_names", &t.hints.agreement_file_names),
            ("hints.url", &t.hints.url),
            ("hints.string_names", &t.hints.string_names),
        ] {
            if let Some(i) = list.iter().position(|h| h.trim().is_empty()) {
                return Err(self.invalid(format!("{name}[{i}]"), None, "empty hint"));
            }
        }
        for name in REQUIRED_PATTERNS {
            if t.patterns.get(name).is_none_or(<[SpannedStr]>::is_empty) {
                return Err(self.invalid(
                    format!("patterns.{name}"),
                    None,
                    "required pattern list is missing or empty",
                ));
            }
        }
        for (name, list) in t.patterns.all() {
            let compiled = self.regexes(&format!("patterns.{name}"), list, false)?;
            regexes.patterns.insert(name.to_owned(), compiled);
        }
        if t.analysis.evidence_per_fact == 0 || t.analysis.max_hits == 0 {
            return Err(self.invalid(
                "analysis".to_owned(),
                None,
                "evidence_per_fact and max_hits must be at least 1",
            ));
        }
        if !t.elements.contains_key(&t.analysis.purpose_element) {
            return Err(self.invalid(
                "analysis.purpose_element".to_owned(),
                None,
                format!("no element named `{}`", t.analysis.purpose_element),
            ));
        }
        if t.pi_types.is_empty() {
            return Err(self.invalid("pi_types".to_owned(), None, "no PI types defined"));
        }
        for (id, def) in &t.pi_types {
            self.identifier(&format!("pi_types.{id}"), id)?;
            self.phrases(&format!("pi_types.{id}.synonyms"), &def.synonyms, true)?;
            self.phrases(&format!("pi_types.{id}.not"), &def.not, false)?;
            if let Some(parent) = &def.parent {
                match t.pi_types.get(parent) {
                    None => {
                        return Err(self.invalid(
                            format!("pi_types.{id}.parent"),
                            None,
                            format!("unknown PI type `{parent}`"),
                        ));
                    }
                    Some(p) if p.parent.is_some() => {
                        return Err(self.invalid(
                            format!("pi_types.{id}.parent"),
                            None,
                            format!("`{parent}` is itself a sub-fact; only one level is allowed"),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        if t.elements.is_empty() {
            return Err(self.invalid("elements".to_owned(), None, "no elements defined"));
        }
        for (id, def) in &t.elements {
            let compiled = self.element(t, id, def)?;
            regexes.elements.insert(id.clone(), compiled);
            let excludes = self.regexes(&format!("elements.{id}.exclude"), &def.exclude, false)?;
            regexes.excludes.insert(id.clone(), excludes);
        }
        Ok(regexes)
    }

    /// Checks one element; on success, returns its regexes compiled.
    fn element(
        &self,
        t: &PolicyTables,
        id: &str,
        def: &ElementDef,
    ) -> Result<Vec<regex::Regex>, TablesError> {
        let key = format!("elements.{id}");
        self.identifier(&key, id)?;
        self.phrases(&format!("{key}.phrases"), &def.phrases, false)?;
        let regexes = self.regexes(&format!("{key}.regexes"), &def.regexes, false)?;
        if def.phrases.is_empty() && def.regexes.is_empty() && def.extractors.is_empty() {
            return Err(self.invalid(
                key,
                None,
                "needs at least one of phrases, regexes, extractors",
            ));
        }
        if def.min_distinct == 0 {
            return Err(self.invalid(format!("{key}.min_distinct"), None, "must be at least 1"));
        }
        if let Some(near) = &def.near {
            let span = Some(near.span());
            let near = near.get_ref();
            match (&near.patterns, near.phrases.is_empty()) {
                (None, true) => {
                    return Err(self.invalid(
                        format!("{key}.near"),
                        span,
                        "give `patterns`, `phrases` or both",
                    ));
                }
                (Some(name), true) if name != NEAR_PI_TYPE && t.patterns.get(name).is_none() => {
                    return Err(self.invalid(
                        format!("{key}.near.patterns"),
                        span,
                        format!("unknown pattern set `{name}` (use a [patterns] name or `{NEAR_PI_TYPE}`)"),
                    ));
                }
                _ => {}
            }
            self.phrases(&format!("{key}.near.phrases"), &near.phrases, false)?;
            if near.within == 0 || near.within > 2000 {
                return Err(self.invalid(
                    format!("{key}.near.within"),
                    span,
                    "must be 1..=2000 characters",
                ));
            }
        }
        Ok(regexes)
    }

    fn identifier(&self, key: &str, id: &str) -> Result<(), TablesError> {
        let ok = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(())
        } else {
            Err(self.invalid(
                key.to_owned(),
                None,
                "identifiers are lower-case ASCII, digits and `_`",
            ))
        }
    }

    fn phrases(&self, key: &str, list: &[SpannedStr], required: bool) -> Result<(), TablesError> {
        if required && list.is_empty() {
            return Err(self.invalid(key.to_owned(), None, "list is empty"));
        }
        for (i, phrase) in list.iter().enumerate() {
            let text = phrase.get_ref().trim();
            if text.is_empty() {
                return Err(self.invalid(
                    format!("{key}[{i}]"),
                    Some(phrase.span()),
                    "empty phrase",
                ));
            }
            if text.chars().count() > MAX_PHRASE_CHARS {
                return Err(self.invalid(
                    format!("{key}[{i}]"),
                    Some(phrase.span()),
                    format!("phrase longer than {MAX_PHRASE_CHARS} characters"),
                ));
            }
        }
        Ok(())
    }

    /// Compiles a regex list; the first that does not compile is the error.
    fn regexes(
        &self,
        key: &str,
        list: &[SpannedStr],
        required: bool,
    ) -> Result<Vec<regex::Regex>, TablesError> {
        if required && list.is_empty() {
            return Err(self.invalid(key.to_owned(), None, "list is empty"));
        }
        list.iter()
            .enumerate()
            .map(|(i, pattern)| {
                compile_regex(pattern.get_ref()).map_err(|e| {
                    self.invalid(
                        format!("{key}[{i}]"),
                        Some(pattern.span()),
                        format!("invalid regex: {e}"),
                    )
                })
            })
            .collect()
    }
}

/// Compiles one table regex with the crate's size limit.
pub(crate) fn compile_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// The text of the bundled `rules/data/policy.toml`, for this crate's unit tests.
#[cfg(test)]
pub(crate) fn bundled_source() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/data/policy.toml");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_tables_load() {
        let tables = PolicyTables::from_toml(&bundled_source());
        assert!(tables.is_ok(), "{:?}", tables.err());
    }

    #[test]
    fn bad_regex_names_key_and_line() {
        let src = bundled_source().replace(
            "regexes = [\n  '\\b(?:Co",
            "regexes = [\n  '(unclosed', '\\b(?:Co",
        );
        let err = PolicyTables::from_toml(&src)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("elements.handler_identity.regexes[0]"),
            "{err}"
        );
        assert!(err.contains("(line "), "{err}");
    }

    /// Validation compiles (the analyzer reuses the result): a pattern that parses but is over
    /// the size limit is refused at load too, with its key and line.
    #[test]
    fn oversized_pattern_names_key_and_line() {
        let src = bundled_source().replace("url = ['''", r"url = ['\w{1000}{1000}', '''");
        let err = PolicyTables::from_toml(&src)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("patterns.url[0]"), "{err}");
        assert!(
            err.contains("(line ") && err.contains("size limit"),
            "{err}"
        );
    }

    #[test]
    fn unknown_near_pattern_is_rejected() {
        let src = bundled_source().replace(
            r#"near = { patterns = "date""#,
            r#"near = { patterns = "dates""#,
        );
        let err = PolicyTables::from_toml(&src)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("elements.update_and_effective_date.near.patterns"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_is_a_parse_error_with_line() {
        let src = bundled_source().replace(
            "[pi_types.clipboard]\n",
            "[pi_types.clipboard]\nsynonym = []\n",
        );
        let err = PolicyTables::from_toml(&src)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("synonym") && err.contains("line"), "{err}");
    }

    #[test]
    fn unknown_parent_is_rejected() {
        let src = bundled_source().replace("parent = \"location\"", "parent = \"place\"");
        let err = PolicyTables::from_toml(&src)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("parent") && err.contains("place"), "{err}");
    }
}
