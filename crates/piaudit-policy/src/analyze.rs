//! Disclosure extraction: which PI types, SDKs, contact details and PIPL-17/MIIT elements a
//! policy text states, each with short verbatim evidence.
//!
//! Owns the compiled matchers (one Aho-Corasick automaton over every phrase of the tables, the
//! regexes of `[patterns]` as validation compiled them) and the rules that turn raw matches
//! into facts: ASCII word boundaries, parent PI types, "purpose near a PI mention", negated
//! mentions, evidence caps.
//! Built once per table set and shared across threads (`Analyzer` is `Send + Sync`). Must not
//! decode bytes, classify documents or judge compliance: a missing element is a fact, not a
//! verdict.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::thread::LocalKey;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::tables::{
    AnalysisConfig, ClassifyConfig, Extractor, Hints, NEAR_PI_TYPE, PolicyTables, SpannedStr,
    TablesError, compile_regex,
};
use crate::text::{IndexedText, fold_phrase, normalise};

/// Hits looked at when choosing evidence (sentences before headings).
const MAX_EVIDENCE_CANDIDATES: usize = 64;
/// Contact details kept per kind.
const MAX_CONTACTS: usize = 20;

/// Names under which one SDK may appear in a policy (supplied by the SDK catalogue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SdkName {
    /// Stable SDK identifier from the catalogue (e.g. `umeng`).
    pub id: String,
    /// Names and aliases (e.g. `友盟`, `Umeng`, `友盟+`).
    pub names: Vec<String>,
}

/// Where a match is: character offsets in the normalised text ([`crate::normalise`]) and in the
/// text as stored, with the sentence that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First character of the match in the normalised text.
    pub start: usize,
    /// One past the last character of the match in the normalised text.
    pub end: usize,
    /// The proving sentence: the sentence, table row or line of the text that holds the
    /// match, verbatim but for collapsed whitespace, cut to 160 characters around the match
    /// (`…` marks cuts).
    pub excerpt: String,
    /// First character of the match in the text as given to the analyzer: the decoded file
    /// (the `.txt` copy in an evidence folder), the string resource's value, the fetched text.
    #[serde(default)]
    pub stored_start: usize,
    /// One past the last character of the match in that text.
    #[serde(default)]
    pub stored_end: usize,
}

/// A PI type or SDK the text mentions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosed {
    /// PI type slug or SDK id.
    pub id: String,
    /// Number of mentions found.
    pub mentions: usize,
    /// The first few mentions.
    pub evidence: Vec<Span>,
    /// A purpose phrase occurs near at least one mention (same sentence, within the window of
    /// the purpose element).
    pub purpose_stated: bool,
    /// Every mention sits in a negated clause ("我们不会收集您的通讯录"). The policy still
    /// addresses the type; rules may compare this with what the app does.
    pub negated_only: bool,
}

/// Whether one element is present, with evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementFact {
    /// The element's conditions are met.
    pub present: bool,
    /// The first few qualifying matches (possibly some even when `present` is false, e.g. one
    /// rights phrase where two distinct ones are required).
    pub evidence: Vec<Span>,
}

/// Contact details found in the text (verbatim, deduplicated, first 20 each).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Telephone numbers.
    pub phones: Vec<String>,
}

/// What a policy text discloses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosures {
    /// Characters in the normalised text that spans refer to.
    pub chars: usize,
    /// PI types mentioned, by slug.
    pub pi_types: Vec<Disclosed>,
    /// SDKs named, by catalogue id.
    pub named_sdks: Vec<Disclosed>,
    /// Every element of the tables, present or not.
    pub elements: BTreeMap<String, ElementFact>,
    /// Elements not present, sorted.
    pub missing_elements: Vec<String>,
    /// Contact details.
    pub contacts: Contacts,
    /// The text had more matches than the analysis limit; later parts were not examined.
    pub hit_cap_reached: bool,
}

impl Disclosures {
    /// Whether a PI type is mentioned.
    pub fn mentions_pi_type(&self, id: &str) -> bool {
        self.pi_types.iter().any(|d| d.id == id)
    }

    /// Whether an element is present.
    pub fn has_element(&self, id: &str) -> bool {
        self.elements.get(id).is_some_and(|e| e.present)
    }

    /// Number of elements present.
    pub fn elements_present(&self) -> usize {
        self.elements.values().filter(|e| e.present).count()
    }
}

/// Who a phrase in the automaton belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Pi(usize),
    PiNot(usize),
    ElementPhrase { element: usize, phrase: usize },
    NearPhrase(usize),
    Sdk(usize),
    PrivacyTitle,
    AgreementTitle,
    Dialog,
    Negation,
    CoreTerm,
}

#[derive(Debug)]
enum NearTarget {
    PiType,
    Pattern(String),
    Phrases,
}

impl NearTarget {
    fn of_pattern(name: &str) -> NearTarget {
        if name == NEAR_PI_TYPE {
            NearTarget::PiType
        } else {
            NearTarget::Pattern(name.to_owned())
        }
    }
}

#[derive(Debug)]
struct Near {
    /// Hits of any of these qualify (a pattern set, the near phrases, or both).
    targets: Vec<NearTarget>,
    within: usize,
    same_sentence: bool,
}

#[derive(Debug)]
struct ElementMatcher {
    id: String,
    /// Display names (zh, en).
    label: (String, String),
    regexes: Vec<Regex>,
    excludes: Vec<Regex>,
    extractors: Vec<Extractor>,
    min_distinct: usize,
    near: Option<Near>,
}

/// Compiled matchers for one table set; build once, analyse many texts.
#[derive(Debug)]
pub struct Analyzer {
    automaton: AhoCorasick,
    owners: Vec<Owner>,
    pi_ids: Vec<String>,
    /// Display names (zh, en) of the PI types, by index.
    pi_labels: Vec<(String, String)>,
    pi_parents: Vec<Option<usize>>,
    elements: Vec<ElementMatcher>,
    purpose_element: usize,
    sdk_ids: Vec<String>,
    pattern_sets: BTreeMap<String, Vec<Regex>>,
    /// The `url` patterns anchored at the start ([`Analyzer::url_regexes_at_start`]).
    url_at_start: Vec<Regex>,
    pub(crate) config: AnalysisConfig,
    pub(crate) classify: ClassifyConfig,
    pub(crate) hints: Hints,
    /// The title filter ([`Analyzer::may_name_title`]); `None` when a title is too short to
    /// filter on (the filter is then off).
    title_filter: Option<TitleFilter>,
    /// The signal filter ([`Analyzer::prefilter`]).
    signal_filter: SignalFilter,
}

/// A necessary condition for a text to name a policy or agreement title, far cheaper than
/// the phrase pass: both stages look at [`filter_chars`] of the text, which keeps every
/// character the phrase matcher can see in a title's place (normalisation only removes
/// whitespace and invisible characters, or turns whitespace into one space).
///
/// 1. A bitmap of the hashed first `gram` characters of every title (`gram` = the shortest
///    title, at most [`MAX_GRAM`]), probed at each run of `gram` adjacent characters: no
///    allocation, and most UI strings fail it. Hash collisions only let a text through to
///    stage 2.
/// 2. An Aho-Corasick automaton over the titles themselves (same view), on the filtered
///    characters collected into a string.
#[derive(Debug)]
struct TitleFilter {
    grams: Box<[u64; GRAM_WORDS]>,
    gram: usize,
    titles: AhoCorasick,
}

/// Words of the gram bitmap (2^16 bits).
const GRAM_WORDS: usize = 1 << 10;
/// Longest gram hashed by the title filter: 4 characters make English titles ("priv", "term")
/// as selective as Chinese ones, where 2 let most English sentences through.
const MAX_GRAM: usize = 4;

impl TitleFilter {
    fn new<'t>(titles: impl Iterator<Item = &'t str>) -> Result<Option<TitleFilter>, TablesError> {
        let patterns: Vec<String> = titles.map(|t| filter_chars(t).collect()).collect();
        let shortest = patterns.iter().map(|p| p.chars().count()).min();
        let gram = match shortest {
            Some(n) if n >= 2 => n.min(MAX_GRAM),
            _ => return Ok(None),
        };
        let mut grams = Box::new([0u64; GRAM_WORDS]);
        for p in &patterns {
            let mut window = [0u32; MAX_GRAM];
            for (slot, c) in window.iter_mut().zip(p.chars()) {
                *slot = u32::from(c);
            }
            let bit = Self::gram_bit(window.get(..gram).unwrap_or_default());
            grams[bit / 64] |= 1 << (bit % 64);
        }
        Ok(Some(TitleFilter {
            grams,
            gram,
            // Stage 2 only sees the rare texts stage 1 lets through: a contiguous NFA builds
            // several times faster than the DFA and is fast enough there.
            titles: build_filter_automaton(
                &patterns,
                "titles",
                Some(AhoCorasickKind::ContiguousNFA),
            )?,
        }))
    }

    fn gram_bit(chars: &[u32]) -> usize {
        let mut key = 0u32;
        for &c in chars {
            key = (key ^ c).wrapping_mul(0x9E37_79B1).rotate_left(5);
        }
        (key.wrapping_mul(0x85EB_CA6B) >> 16) as usize
    }

    fn may_match(&self, text: &str) -> bool {
        // Stage 1 on a sliding window of the last `gram` filtered characters.
        let mut window = [0u32; MAX_GRAM];
        let mut seen = 0usize;
        let candidate = filter_chars(text).any(|c| {
            window.copy_within(1.., 0);
            window[MAX_GRAM - 1] = u32::from(c);
            seen += 1;
            seen >= self.gram && {
                let bit = Self::gram_bit(window.get(MAX_GRAM - self.gram..).unwrap_or_default());
                self.grams[bit / 64] & (1 << (bit % 64)) != 0
            }
        });
        candidate && with_filtered(text, |filtered| self.titles.is_match(filtered))
    }
}

/// Which signal phrases one pattern of the [`SignalFilter`] stands for.
#[derive(Debug, Clone, Copy, Default)]
struct SignalKind {
    privacy_title: bool,
    agreement_title: bool,
    /// Core terms whose filtered form is this pattern (the scan counts each).
    core_terms: usize,
}

/// A necessary condition for the classification signals of [`Analyzer::scan`]: one
/// Aho-Corasick pass over [`filter_chars`] of the text with the privacy titles, agreement
/// titles and core terms in the same view. Every hit of such a phrase in the scan (on the
/// normalised, folded text) is an occurrence of the phrase's filtered form in the filtered
/// text, at a distinct position for distinct hits: see [`Analyzer::prefilter`].
#[derive(Debug)]
struct SignalFilter {
    automaton: AhoCorasick,
    kinds: Vec<SignalKind>,
}

impl SignalFilter {
    fn new(tables: &PolicyTables) -> Result<SignalFilter, TablesError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut kinds: Vec<SignalKind> = Vec::new();
        let lists = [
            (&tables.titles.privacy, 0),
            (&tables.titles.agreement, 1),
            (&tables.classify.core_terms, 2),
        ];
        for (list, which) in lists {
            for phrase in list {
                // The same phrases the scan's automaton gets (empty ones are never added).
                let folded = fold_phrase(phrase.get_ref());
                if folded.is_empty() {
                    continue;
                }
                let filtered: String = filter_chars(&folded).collect();
                let i = match patterns.iter().position(|p| *p == filtered) {
                    Some(i) => i,
                    None => {
                        patterns.push(filtered);
                        kinds.push(SignalKind::default());
                        kinds.len() - 1
                    }
                };
                if let Some(kind) = kinds.get_mut(i) {
                    match which {
                        0 => kind.privacy_title = true,
                        1 => kind.agreement_title = true,
                        _ => kind.core_terms += 1,
                    }
                }
            }
        }
        Ok(SignalFilter {
            // Runs on every long string and bundled text: worth the DFA's build time.
            automaton: build_filter_automaton(&patterns, "signals", None)?,
            kinds,
        })
    }

    fn prefilter(&self, text: &str) -> Prefilter {
        with_filtered(text, |filtered| {
            let mut out = Prefilter::default();
            for found in self.automaton.find_overlapping_iter(filtered) {
                if let Some(kind) = self.kinds.get(found.pattern().as_usize()) {
                    out.privacy_title |= kind.privacy_title;
                    out.agreement_title |= kind.agreement_title;
                    out.core_terms = out.core_terms.saturating_add(kind.core_terms);
                }
            }
            out
        })
    }
}

/// Over-approximations of the classification [`Signals`] of a text ([`Analyzer::prefilter`]):
/// a `false` or a count is certain, a `true` only possible.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Prefilter {
    /// The scan may find a privacy title (`false`: `first_privacy_title` is `None`).
    pub privacy_title: bool,
    /// The scan may find an agreement title (`false`: `first_agreement_title` is `None`).
    pub agreement_title: bool,
    /// At least the scan's `core_terms`.
    pub core_terms: usize,
}

/// An automaton over filtered phrases (overlapping search works on it). Case-sensitive: the
/// phrases and the texts it runs on are both [`filter_chars`], which holds no ASCII upper case,
/// so ASCII case insensitivity would only slow the build down. `kind` only trades build time
/// for search speed; `None` lets the crate choose (a DFA for a few phrases).
fn build_filter_automaton(
    patterns: &[String],
    key: &str,
    kind: Option<AhoCorasickKind>,
) -> Result<AhoCorasick, TablesError> {
    AhoCorasickBuilder::new()
        .kind(kind)
        .build(patterns)
        .map_err(|e| TablesError::Invalid {
            key: key.to_owned(),
            line: None,
            message: format!("cannot build the {key} filter: {e}"),
        })
}

thread_local! {
    static FILTERED: RefCell<String> = const { RefCell::new(String::new()) };
    static LOWERED: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Runs `f` on [`filter_chars`] of `text` collected into a per-thread buffer (the filters run
/// on every string resource of an app: hundreds of thousands for some).
fn with_filtered<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    with_buffer(&FILTERED, |buf| buf.extend(filter_chars(text)), f)
}

/// Runs `f` on `text` with ASCII letters lower-cased, in a per-thread buffer: what the phrase
/// automaton runs on (see [`Analyzer::new`]). Byte offsets are those of `text`.
fn with_lowered<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    with_buffer(
        &LOWERED,
        |buf| {
            buf.push_str(text);
            buf.make_ascii_lowercase();
        },
        f,
    )
}

/// Fills one per-thread buffer with `fill` and runs `f` on it.
fn with_buffer<R>(
    buffer: &'static LocalKey<RefCell<String>>,
    fill: impl FnOnce(&mut String),
    f: impl FnOnce(&str) -> R,
) -> R {
    buffer.with_borrow_mut(|buf| {
        buf.clear();
        fill(buf);
        let out = f(buf.as_str());
        // A huge text must not pin its buffer for the thread's lifetime.
        if buf.capacity() > 64 * 1024 {
            *buf = String::new();
        }
        out
    })
}

/// The stream of characters the title filter looks at: whitespace and invisible characters
/// dropped (normalisation only ever removes those or turns them into one space), full-width
/// forms folded and ASCII lower-cased (as the matcher does).
fn filter_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter_map(filter_char)
}

/// One character of [`filter_chars`]: `None` when it is dropped.
fn filter_char(c: char) -> Option<char> {
    if c.is_ascii() {
        // ASCII whitespace and control characters are all at or below the space, or DEL.
        return (c > ' ' && c != '\u{7f}').then(|| c.to_ascii_lowercase());
    }
    (!c.is_whitespace() && !crate::text::is_invisible(c))
        .then(|| crate::text::fold_char(c).to_ascii_lowercase())
}

/// A match in character offsets of the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    start: usize,
    end: usize,
}

/// What distinguishes anchors for `min_distinct`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum AnchorKey {
    Phrase(usize),
    Regex(usize),
    Email,
    Phone,
}

/// Classification signals gathered in the same pass as the disclosures.
#[derive(Debug, Clone, Default)]
pub(crate) struct Signals {
    pub chars: usize,
    pub first_privacy_title: Option<usize>,
    pub first_agreement_title: Option<usize>,
    pub dialog_words: usize,
    pub core_terms: usize,
}

/// Matches of one text, grouped by owner.
#[derive(Default)]
struct Matches {
    pi: BTreeMap<usize, Vec<Hit>>,
    /// Hits of `pi_types.*.not`, by type.
    pi_not: BTreeMap<usize, Vec<Hit>>,
    element_phrases: BTreeMap<usize, Vec<(Hit, AnchorKey)>>,
    near_phrases: BTreeMap<usize, Vec<Hit>>,
    sdk: BTreeMap<usize, Vec<Hit>>,
    negations: Vec<Hit>,
    signals: Signals,
    cap_reached: bool,
}

impl Analyzer {
    /// Compiles the tables and the SDK names into matchers.
    pub fn new(tables: &PolicyTables, sdk_names: Vec<SdkName>) -> Result<Analyzer, TablesError> {
        let mut phrases: Vec<String> = Vec::new();
        let mut owners: Vec<Owner> = Vec::new();
        // Phrases are ASCII lower-cased, and so is the text they are searched in
        // ([`with_lowered`]): the same matches, in the same order, as an ASCII-case-insensitive
        // automaton over the phrases as written (that one has the same states, each letter's
        // two cases leading to one), which builds several times slower.
        let mut add = |list: &mut dyn Iterator<Item = &str>, owner: Owner| {
            for p in list {
                let mut folded = fold_phrase(p);
                if !folded.is_empty() {
                    folded.make_ascii_lowercase();
                    phrases.push(folded);
                    owners.push(owner);
                }
            }
        };

        let pi_ids: Vec<String> = tables.pi_types.keys().cloned().collect();
        let mut pi_parents = Vec::with_capacity(pi_ids.len());
        let pi_labels = tables
            .pi_types
            .values()
            .map(|d| (d.zh.clone(), d.en.clone()))
            .collect();
        for (i, def) in tables.pi_types.values().enumerate() {
            add(&mut spanned(&def.synonyms).into_iter(), Owner::Pi(i));
            add(&mut spanned(&def.not).into_iter(), Owner::PiNot(i));
            pi_parents.push(
                def.parent
                    .as_ref()
                    .and_then(|p| pi_ids.iter().position(|id| id == p)),
            );
        }

        // Validation compiled every regex of the tables; they are reused, never recompiled.
        let compiled = tables
            .regexes
            .as_ref()
            .ok_or_else(|| TablesError::Invalid {
                key: "patterns".to_owned(),
                line: None,
                message: "tables were not validated (load them with PolicyTables::from_toml)"
                    .to_owned(),
            })?;
        let pattern_set = |name: &str| compiled.patterns.get(name).cloned().unwrap_or_default();
        let mut elements = Vec::with_capacity(tables.elements.len());
        let mut pattern_sets = BTreeMap::new();
        for name in ["email", "phone", "url"] {
            pattern_sets.insert(name.to_owned(), pattern_set(name));
        }
        for (e, (id, def)) in tables.elements.iter().enumerate() {
            for (p, phrase) in def.phrases.iter().enumerate() {
                add(
                    &mut std::iter::once(phrase.get_ref().as_str()),
                    Owner::ElementPhrase {
                        element: e,
                        phrase: p,
                    },
                );
            }
            let regexes = compiled.elements.get(id).cloned().unwrap_or_default();
            let near = match &def.near {
                None => None,
                Some(n) => {
                    let n = n.get_ref();
                    let mut targets = Vec::new();
                    if let Some(name) = n.patterns.as_deref() {
                        if name != NEAR_PI_TYPE && !pattern_sets.contains_key(name) {
                            pattern_sets.insert(name.to_owned(), pattern_set(name));
                        }
                        targets.push(NearTarget::of_pattern(name));
                    }
                    if !n.phrases.is_empty() {
                        add(&mut spanned(&n.phrases).into_iter(), Owner::NearPhrase(e));
                        targets.push(NearTarget::Phrases);
                    }
                    Some(Near {
                        targets,
                        within: n.within,
                        same_sentence: n.same_sentence,
                    })
                }
            };
            elements.push(ElementMatcher {
                id: id.clone(),
                label: (def.zh.clone(), def.en.clone()),
                regexes,
                excludes: compiled.excludes.get(id).cloned().unwrap_or_default(),
                extractors: def.extractors.iter().map(|x| *x.get_ref()).collect(),
                min_distinct: def.min_distinct,
                near,
            });
        }
        let purpose_element = elements
            .iter()
            .position(|e| e.id == tables.analysis.purpose_element)
            .ok_or_else(|| TablesError::Invalid {
                key: "analysis.purpose_element".to_owned(),
                line: None,
                message: "unknown element".to_owned(),
            })?;

        let mut sdk_ids = Vec::with_capacity(sdk_names.len());
        for (i, sdk) in sdk_names.iter().enumerate() {
            sdk_ids.push(sdk.id.clone());
            add(&mut sdk.names.iter().map(String::as_str), Owner::Sdk(i));
        }
        add(
            &mut spanned(&tables.titles.privacy).into_iter(),
            Owner::PrivacyTitle,
        );
        add(
            &mut spanned(&tables.titles.agreement).into_iter(),
            Owner::AgreementTitle,
        );
        add(
            &mut spanned(&tables.dialog_words.words).into_iter(),
            Owner::Dialog,
        );
        add(
            &mut spanned(&tables.negation_cues.words).into_iter(),
            Owner::Negation,
        );
        add(
            &mut spanned(&tables.classify.core_terms).into_iter(),
            Owner::CoreTerm,
        );

        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&phrases)
            .map_err(|e| TablesError::Invalid {
                key: "phrases".to_owned(),
                line: None,
                message: format!("cannot build matcher: {e}"),
            })?;
        let title_filter = TitleFilter::new(
            tables
                .titles
                .privacy
                .iter()
                .chain(tables.titles.agreement.iter())
                .map(|t| t.get_ref().as_str()),
        )?;
        let signal_filter = SignalFilter::new(tables)?;
        let url_at_start = tables
            .patterns
            .get("url")
            .unwrap_or_default()
            .iter()
            .zip(
                pattern_sets
                    .get("url")
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            )
            .map(|(source, plain)| {
                compile_regex(&format!(r"\A(?:{})", source.get_ref()))
                    .unwrap_or_else(|_| plain.clone())
            })
            .collect();
        Ok(Analyzer {
            title_filter,
            signal_filter,
            automaton,
            owners,
            pi_ids,
            pi_labels,
            pi_parents,
            elements,
            purpose_element,
            sdk_ids,
            pattern_sets,
            url_at_start,
            config: tables.analysis.clone(),
            classify: tables.classify.clone(),
            hints: tables.hints.clone(),
        })
    }

    /// Extracts what `text` discloses. Spans refer to `normalise(text)` (`start`, `end`) and to
    /// `text` itself (`stored_start`, `stored_end`).
    pub fn analyze(&self, text: &str) -> Disclosures {
        self.scan(text).0
    }

    /// The display name (`zh`, `en`) of an element of the tables, by id.
    pub fn element_label(&self, id: &str) -> Option<(&str, &str)> {
        self.elements
            .iter()
            .find(|e| e.id == id)
            .map(|e| (e.label.0.as_str(), e.label.1.as_str()))
    }

    /// The display name (`zh`, `en`) of a PI type of the tables, by slug.
    pub fn pi_type_label(&self, id: &str) -> Option<(&str, &str)> {
        let i = self.pi_ids.iter().position(|p| p == id)?;
        self.pi_labels
            .get(i)
            .map(|(zh, en)| (zh.as_str(), en.as_str()))
    }

    /// The URL regexes of the tables.
    pub(crate) fn url_regexes(&self) -> &[Regex] {
        self.pattern_sets
            .get("url")
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The URL regexes, each anchored at the start of the haystack: for a haystack, the match
    /// of `\A(?:P)` is the leftmost-first match of `P` when that starts at 0, and there is
    /// none otherwise (leftmost-first picks among the matches starting at the leftmost place
    /// by the same preference order). Where wrapping a pattern does not compile (a `(?x)`
    /// comment swallowing the `)`), the plain regex stands in: callers still check that the
    /// match starts at 0.
    pub(crate) fn url_regexes_at_start(&self) -> &[Regex] {
        &self.url_at_start
    }

    /// Whether `text` may name a policy or agreement title: false means it certainly does not
    /// (see [`TitleFilter`]). Much cheaper than [`Analyzer::quick_signals`], which it guards.
    pub(crate) fn may_name_title(&self, text: &str) -> bool {
        self.title_filter
            .as_ref()
            .is_none_or(|filter| filter.may_match(text))
    }

    /// Over-approximations of the classification signals of [`Analyzer::scan`], from one
    /// cheap pass: no normalised copy, no character index, no regexes.
    ///
    /// Why it never misses: a hit of phrase `P` in the scan is `P` (ASCII case aside) at some
    /// place of the folded normalised text. [`filter_chars`] of the normalised text equals
    /// `filter_chars` of the text (normalisation only drops whitespace and invisible
    /// characters or turns whitespace into a space, all of which the filter drops; folding is
    /// idempotent), and filtering a stretch yields a stretch of the filtered whole, so the
    /// filtered form of `P` occurs in the filtered text. `P` starts with a character the
    /// filter keeps, so distinct hits of `P` land at distinct places; overlapping search reports
    /// every place, and patterns shared by several core terms count once per term. The scan's
    /// word-boundary test and hit cap only ever remove hits.
    pub(crate) fn prefilter(&self, text: &str) -> Prefilter {
        self.signal_filter.prefilter(text)
    }

    /// The classification signals alone (titles, dialog words): the phrase pass without the
    /// regexes and element analysis. Lets callers skip the full scan for the many short UI
    /// strings of an app that name no policy.
    pub(crate) fn quick_signals(&self, text: &str) -> Signals {
        let normalised = normalise(text);
        let idx = IndexedText::new(&normalised);
        self.collect_phrases(&idx).signals
    }

    /// Analysis plus classification signals, in one pass.
    pub(crate) fn scan(&self, text: &str) -> (Disclosures, Signals) {
        let idx = IndexedText::with_stored(text);
        let mut m = self.collect_phrases(&idx);
        let mut regex_hits: BTreeMap<&str, Vec<Hit>> = BTreeMap::new();
        for (name, set) in &self.pattern_sets {
            let check_digits = name == "phone";
            regex_hits.insert(
                name.as_str(),
                self.regex_hits(&idx, set, check_digits, &mut m.cap_reached),
            );
        }

        let purpose_anchors = self.element_anchor_hits(&m, self.purpose_element);
        let purpose_near = self
            .elements
            .get(self.purpose_element)
            .and_then(|e| e.near.as_ref());
        let purpose_window = purpose_near.map_or(0, |n| n.within);
        let purpose_same_sentence = purpose_near.is_none_or(|n| n.same_sentence);

        let mut pi_hits: BTreeMap<usize, Vec<Hit>> = BTreeMap::new();
        for (&pi, hits) in &m.pi {
            pi_hits.entry(pi).or_default().extend(hits);
            if let Some(parent) = self.pi_parents.get(pi).copied().flatten() {
                pi_hits.entry(parent).or_default().extend(hits);
            }
        }
        let disclosed = |hits: &mut Vec<Hit>, id: &str, negatable: bool| -> Disclosed {
            hits.sort_unstable();
            hits.dedup();
            let purpose_stated = hits.iter().any(|h| {
                near_any(
                    &idx,
                    *h,
                    &purpose_anchors,
                    purpose_window,
                    purpose_same_sentence,
                )
            });
            let negated_only = negatable
                && hits
                    .iter()
                    .all(|h| is_negated(&idx, *h, &m.negations, self.config.negation_window_chars));
            Disclosed {
                id: id.to_owned(),
                mentions: hits.len(),
                evidence: self.spans(&idx, hits.iter().copied()),
                purpose_stated,
                negated_only,
            }
        };
        let mut pi_types = Vec::with_capacity(pi_hits.len());
        for (pi, mut hits) in pi_hits {
            if let Some(id) = self.pi_ids.get(pi) {
                pi_types.push(disclosed(&mut hits, id, true));
            }
        }
        let mut named_sdks = Vec::with_capacity(m.sdk.len());
        for (sdk, hits) in &m.sdk {
            if let Some(id) = self.sdk_ids.get(*sdk) {
                let mut hits = hits.clone();
                named_sdks.push(disclosed(&mut hits, id, false));
            }
        }
        // Several catalogue entries may share an id (aliases split across rows).
        named_sdks.sort_by(|a, b| a.id.cmp(&b.id));
        named_sdks.dedup_by(|b, a| {
            if a.id == b.id {
                a.mentions += b.mentions;
                a.purpose_stated |= b.purpose_stated;
                true
            } else {
                false
            }
        });

        let all_pi: Vec<Hit> = {
            let mut v: Vec<Hit> = m.pi.values().flatten().copied().collect();
            v.sort_unstable();
            v
        };
        let mut elements = BTreeMap::new();
        let mut missing = Vec::new();
        for (e, matcher) in self.elements.iter().enumerate() {
            let fact = self.element_fact(&idx, &m, e, matcher, &regex_hits, &all_pi);
            if !fact.present {
                missing.push(matcher.id.clone());
            }
            elements.insert(matcher.id.clone(), fact);
        }

        let contacts = Contacts {
            emails: distinct_texts(&idx, regex_hits.get("email")),
            phones: distinct_texts(&idx, regex_hits.get("phone")),
        };
        m.signals.chars = idx.len();
        let disclosures = Disclosures {
            chars: idx.len(),
            pi_types,
            named_sdks,
            elements,
            missing_elements: missing,
            contacts,
            hit_cap_reached: m.cap_reached,
        };
        (disclosures, m.signals)
    }

    fn collect_phrases(&self, idx: &IndexedText) -> Matches {
        let mut m = Matches::default();
        let mut count = 0usize;
        with_lowered(&idx.folded, |haystack| {
            for found in self.automaton.find_overlapping_iter(haystack) {
                let hit = Hit {
                    start: idx.char_at(found.start()),
                    end: idx.char_at(found.end()),
                };
                if !idx.at_word_boundaries(hit.start, hit.end) {
                    continue;
                }
                count += 1;
                if count > self.config.max_hits {
                    m.cap_reached = true;
                    break;
                }
                let Some(owner) = self.owners.get(found.pattern().as_usize()) else {
                    continue;
                };
                match *owner {
                    Owner::Pi(i) => m.pi.entry(i).or_default().push(hit),
                    Owner::PiNot(i) => m.pi_not.entry(i).or_default().push(hit),
                    Owner::ElementPhrase { element, phrase } => m
                        .element_phrases
                        .entry(element)
                        .or_default()
                        .push((hit, AnchorKey::Phrase(phrase))),
                    Owner::NearPhrase(e) => m.near_phrases.entry(e).or_default().push(hit),
                    Owner::Sdk(i) => m.sdk.entry(i).or_default().push(hit),
                    Owner::PrivacyTitle => {
                        keep_earliest(&mut m.signals.first_privacy_title, hit.start)
                    }
                    Owner::AgreementTitle => {
                        keep_earliest(&mut m.signals.first_agreement_title, hit.start)
                    }
                    Owner::Dialog => m.signals.dialog_words += 1,
                    Owner::Negation => m.negations.push(hit),
                    Owner::CoreTerm => m.signals.core_terms += 1,
                }
            }
        });
        for hits in m.near_phrases.values_mut() {
            hits.sort_unstable();
        }
        // A synonym inside one of its type's `not` phrases is no mention.
        for (pi, nots) in &mut m.pi_not {
            nots.sort_unstable();
            if let Some(hits) = m.pi.get_mut(pi) {
                hits.retain(|h| !nots.iter().any(|n| n.start <= h.start && h.end <= n.end));
            }
        }
        m.pi.retain(|_, hits| !hits.is_empty());
        m.negations.sort_unstable();
        m
    }

    fn regex_hits(
        &self,
        idx: &IndexedText,
        set: &[Regex],
        whole_numbers: bool,
        cap: &mut bool,
    ) -> Vec<Hit> {
        let mut hits = Vec::new();
        for re in set {
            for found in re.find_iter(&idx.folded) {
                if hits.len() >= self.config.max_hits {
                    *cap = true;
                    break;
                }
                let hit = Hit {
                    start: idx.char_at(found.start()),
                    end: idx.char_at(found.end()),
                };
                if whole_numbers && !idx.at_word_boundaries(hit.start, hit.end) {
                    continue;
                }
                hits.push(hit);
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    /// Phrase anchors of one element, sorted, without those inside a longer anchor.
    fn element_anchors(&self, m: &Matches, element: usize) -> Vec<(Hit, AnchorKey)> {
        let mut anchors = m.element_phrases.get(&element).cloned().unwrap_or_default();
        anchors.sort_unstable_by(|(a, _), (b, _)| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut kept: Vec<(Hit, AnchorKey)> = Vec::with_capacity(anchors.len());
        let mut reach = 0usize;
        for (hit, key) in anchors {
            if hit.end <= reach && !kept.is_empty() {
                continue; // contained in an earlier, longer anchor
            }
            reach = reach.max(hit.end);
            kept.push((hit, key));
        }
        kept
    }

    fn element_anchor_hits(&self, m: &Matches, element: usize) -> Vec<Hit> {
        self.element_anchors(m, element)
            .into_iter()
            .map(|(h, _)| h)
            .collect()
    }

    fn element_fact(
        &self,
        idx: &IndexedText,
        m: &Matches,
        e: usize,
        matcher: &ElementMatcher,
        regex_hits: &BTreeMap<&str, Vec<Hit>>,
        all_pi: &[Hit],
    ) -> ElementFact {
        let mut anchors = self.element_anchors(m, e);
        let mut cap = false;
        for (i, re) in matcher.regexes.iter().enumerate() {
            let hits = self.regex_hits(idx, std::slice::from_ref(re), false, &mut cap);
            anchors.extend(hits.into_iter().map(|h| (h, AnchorKey::Regex(i))));
        }
        for x in &matcher.extractors {
            let (name, key) = match x {
                Extractor::Email => ("email", AnchorKey::Email),
                Extractor::Phone => ("phone", AnchorKey::Phone),
            };
            if let Some(hits) = regex_hits.get(name) {
                anchors.extend(hits.iter().map(|h| (*h, key)));
            }
        }
        anchors.sort_unstable();
        if !matcher.excludes.is_empty() {
            let excluded = self.regex_hits(idx, &matcher.excludes, false, &mut cap);
            anchors.retain(|(h, _)| !overlaps_any(*h, &excluded));
        }

        let qualifying: Vec<(Hit, AnchorKey)> = match &matcher.near {
            None => anchors,
            Some(near) => {
                let target_lists: Vec<&[Hit]> = near
                    .targets
                    .iter()
                    .map(|target| match target {
                        NearTarget::PiType => all_pi,
                        NearTarget::Pattern(name) => regex_hits
                            .get(name.as_str())
                            .map(Vec::as_slice)
                            .unwrap_or_default(),
                        NearTarget::Phrases => m
                            .near_phrases
                            .get(&e)
                            .map(Vec::as_slice)
                            .unwrap_or_default(),
                    })
                    .collect();
                anchors
                    .into_iter()
                    .filter(|(h, _)| {
                        target_lists.iter().any(|targets| {
                            near_any(idx, *h, targets, near.within, near.same_sentence)
                        })
                    })
                    .collect()
            }
        };
        let distinct: BTreeSet<AnchorKey> = qualifying.iter().map(|(_, k)| *k).collect();
        ElementFact {
            present: !qualifying.is_empty() && distinct.len() >= matcher.min_distinct,
            evidence: self.spans(idx, qualifying.iter().map(|(h, _)| *h)),
        }
    }

    /// The first `evidence_per_fact` hits as spans, those in a sentence first: a heading or a
    /// table-of-contents line only when no sentence states the fact.
    fn spans(&self, idx: &IndexedText, hits: impl Iterator<Item = Hit>) -> Vec<Span> {
        let want = self.config.evidence_per_fact;
        let mut sentences = Vec::with_capacity(want);
        let mut headings = Vec::new();
        // Bounded: every hit costs one sentence search of bounded length.
        for h in hits.take(MAX_EVIDENCE_CANDIDATES) {
            let located = idx.locate(h.start, h.end);
            let span = Span {
                start: h.start,
                end: h.end,
                excerpt: located.sentence,
                stored_start: located.start,
                stored_end: located.end,
            };
            if located.heading {
                if headings.len() < want {
                    headings.push(span);
                }
            } else {
                sentences.push(span);
                if sentences.len() >= want {
                    break;
                }
            }
        }
        let room = want.saturating_sub(sentences.len());
        sentences.extend(headings.into_iter().take(room));
        sentences
    }
}

/// Overlapping iteration reports matches by end position, so the earliest start is kept
/// explicitly.
fn keep_earliest(slot: &mut Option<usize>, start: usize) {
    *slot = Some(slot.map_or(start, |s| s.min(start)));
}

fn spanned(list: &[SpannedStr]) -> Vec<&str> {
    list.iter().map(|s| s.get_ref().as_str()).collect()
}

/// Characters that end a sentence. A `.` only ends one when followed by a space (so dates,
/// decimals, domains and "Co., Ltd." do not).
fn is_sentence_break(idx: &IndexedText, i: usize) -> bool {
    match idx.folded_char(i) {
        Some('。' | '！' | '？' | '!' | '?' | ';' | '；') => true,
        Some('.') => idx.folded_char(i + 1) == Some(' '),
        _ => false,
    }
}

fn sentence_break_in(idx: &IndexedText, from: usize, to: usize) -> bool {
    (from..to).any(|i| is_sentence_break(idx, i))
}

/// Longest match a target list may hold; bounds the backwards search window.
const MAX_TARGET_CHARS: usize = 200;

/// Whether some target lies within `within` characters of `anchor` (and, if asked, in the same
/// sentence). `targets` must be sorted by start.
fn near_any(
    idx: &IndexedText,
    anchor: Hit,
    targets: &[Hit],
    within: usize,
    same_sentence: bool,
) -> bool {
    let lowest_start = anchor
        .start
        .saturating_sub(within.saturating_add(MAX_TARGET_CHARS));
    let highest_start = anchor.end.saturating_add(within);
    let first = targets.partition_point(|t| t.start < lowest_start);
    targets
        .get(first..)
        .unwrap_or_default()
        .iter()
        .take_while(|t| t.start <= highest_start)
        .any(|t| {
            let (gap_from, gap_to) = if t.end <= anchor.start {
                (t.end, anchor.start)
            } else if t.start >= anchor.end {
                (anchor.end, t.start)
            } else {
                return true;
            };
            gap_to - gap_from <= within
                && !(same_sentence && sentence_break_in(idx, gap_from, gap_to))
        })
}

/// Whether `hit` overlaps one of `spans` (sorted by start).
fn overlaps_any(hit: Hit, spans: &[Hit]) -> bool {
    let first = spans.partition_point(|s| s.start.saturating_add(MAX_EXCLUDE_CHARS) < hit.start);
    spans
        .get(first..)
        .unwrap_or_default()
        .iter()
        .take_while(|s| s.start < hit.end)
        .any(|s| s.end > hit.start)
}

/// Longest exclusion match considered when looking back from an anchor.
const MAX_EXCLUDE_CHARS: usize = 400;

/// Clause delimiters for negation scope.
fn is_clause_break(c: char) -> bool {
    // ASCII ',' is not one: English lists use it ("your contacts, SMS or call logs").
    matches!(
        c,
        '，' | '。' | '；' | ';' | '！' | '!' | '？' | '?' | '：' | ':'
    )
}

/// Whether a negation cue precedes `hit` in the same clause, within `window` characters.
fn is_negated(idx: &IndexedText, hit: Hit, negations: &[Hit], window: usize) -> bool {
    let mut clause_start = hit.start.saturating_sub(window);
    for i in (clause_start..hit.start).rev() {
        if idx.chars.get(i).copied().is_some_and(is_clause_break) {
            clause_start = i + 1;
            break;
        }
    }
    // Cues are phrases (bounded length), so any cue ending inside the clause starts after this.
    let earliest_start = clause_start.saturating_sub(MAX_TARGET_CHARS);
    let first = negations.partition_point(|n| n.start < earliest_start);
    negations
        .get(first..)
        .unwrap_or_default()
        .iter()
        .take_while(|n| n.start < hit.start)
        .any(|n| n.end > clause_start && n.end <= hit.start)
}

fn distinct_texts(idx: &IndexedText, hits: Option<&Vec<Hit>>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for h in hits.map(Vec::as_slice).unwrap_or_default() {
        let text = idx.slice(h.start, h.end);
        if seen.insert(text.clone()) {
            out.push(text);
            if out.len() >= MAX_CONTACTS {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        let tables = PolicyTables::from_toml(&crate::tables::bundled_source())
            .unwrap_or_else(|e| panic!("{e}"));
        let sdks = vec![SdkName {
            id: "amap".into(),
            names: vec!["AMap".into()],
        }];
        Analyzer::new(&tables, sdks).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Phrases match whatever the ASCII case of the text or of the table (the automaton runs
    /// on lower-cased phrases and text), with the offsets of the text as written.
    #[test]
    fn phrases_match_in_any_ascii_case() {
        let a = analyzer();
        for text in [
            "We use the AMap SDK and read your Android ID.",
            "WE USE THE AMAP SDK AND READ YOUR ANDROID ID.",
            "we use the amap sdk and read your android id.",
            "We use the ＡＭａｐ SDK and read your android ID.",
        ] {
            let d = a.analyze(text);
            assert!(d.mentions_pi_type("device_id"), "{text}");
            let sdk = d.named_sdks.iter().find(|s| s.id == "amap");
            let span = sdk.and_then(|s| s.evidence.first());
            assert_eq!(span.map(|s| (s.start, s.end)), Some((11, 15)), "{text}");
        }
        // Still whole ASCII words only.
        assert!(a.analyze("bitmaps: AMapper").named_sdks.is_empty());
    }

    /// The analyzer reuses the regexes validation compiled, so it refuses tables that were not
    /// loaded (and validated) by `PolicyTables::from_toml`.
    #[test]
    fn unvalidated_tables_are_refused() {
        let tables: PolicyTables =
            toml::from_str(&crate::tables::bundled_source()).unwrap_or_else(|e| panic!("{e}"));
        let err = Analyzer::new(&tables, Vec::new())
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("not validated")),
            "{err:?}"
        );
    }
}
