//! The SDK catalogue (`rules/data/sdks.toml`): loading and validation, class ownership
//! (`owner_of`) and detection of bundled SDKs from an app's facts (`detect`).
//!
//! Detection never decides compliance: it reports which SDKs are present, on which evidence,
//! and whether code outside an SDK calls into it. It must not read APKs itself.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::CatalogError;
use crate::evidence::{
    EvidenceItem, EvidenceKind, EvidenceStrength, IndexBuilder, Inputs, MAX_EXAMPLES, Matched,
    SignatureIndex, Weight, strongest,
};
use crate::load::{self, LineIndex};
use crate::model::{Category, LocalizedText, PiType, PolicyNames, Status};

/// Index of an SDK in the [`Catalog`] that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SdkIdx(u32);

impl SdkIdx {
    pub(crate) fn new(position: u32) -> SdkIdx {
        SdkIdx(position)
    }

    /// Position of the SDK in [`Catalog::sdks`].
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// One SDK of the catalogue, as written in the data file.
#[derive(Debug, Clone, Serialize)]
pub struct Sdk {
    pub id: String,
    pub name: LocalizedText,
    /// The vendor (legal name in `zh` where known); `None` when no source names it.
    pub vendor: Option<LocalizedText>,
    pub category: Category,
    /// The vendor's privacy policy for the SDK, when a source gives it.
    pub policy_url: Option<String>,
    pub classes: Vec<String>,
    /// Packages of other products this SDK's own jar ships (JCore carries
    /// `cn.jpush.android.service`).
    pub carries: Vec<String>,
    pub native_libs: Vec<String>,
    pub components: Vec<String>,
    pub meta_data: Vec<String>,
    pub domains: Vec<String>,
    pub assets: Vec<String>,
    pub pi_types: Vec<PiType>,
    pub policy_names: PolicyNames,
    pub source: Vec<String>,
    pub status: Status,
    /// Line of the entry's `id` in the catalogue text.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SdkFile {
    schema_version: u32,
    #[serde(default, rename = "sdk")]
    sdks: Vec<SdkEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SdkEntry {
    id: Spanned<String>,
    name: LocalizedText,
    #[serde(default)]
    vendor: Option<LocalizedText>,
    category: Category,
    #[serde(default)]
    policy_url: Option<String>,
    #[serde(default)]
    classes: Vec<String>,
    #[serde(default)]
    carries: Vec<String>,
    #[serde(default)]
    native_libs: Vec<String>,
    #[serde(default)]
    components: Vec<String>,
    #[serde(default)]
    meta_data: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    assets: Vec<String>,
    #[serde(default)]
    pi_types: Vec<PiType>,
    policy_names: PolicyNames,
    source: Vec<String>,
    status: Status,
}

/// A caller→callee pair taken from one invoke instruction of the DEX (dotted class names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallSite<'a> {
    pub caller: &'a str,
    pub callee: &'a str,
}

/// The facts of one app that SDK detection looks at. Every list may be empty.
///
/// - `classes`: dotted names of the classes defined in the DEX files (100k+ is fine).
/// - `native_libs`: native library file names or in-APK paths (`lib/arm64-v8a/libBugly.so`).
/// - `components`: fully qualified manifest component class names (resolve `.Foo` first).
/// - `meta_data_keys`: `<meta-data android:name>` values of the manifest.
/// - `urls`: URLs or bare host names found in code, resources or assets.
/// - `assets`: in-APK paths of bundled files (`assets/gdt_plugin/gdtadv2.jar`).
/// - `calls`: invoke sites; `None` when the caller has no call data (then `used` is false and
///   `usage.analyzed` is false on every hit).
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    pub classes: &'a [&'a str],
    pub native_libs: &'a [&'a str],
    pub components: &'a [&'a str],
    pub meta_data_keys: &'a [&'a str],
    pub urls: &'a [&'a str],
    pub assets: &'a [&'a str],
    pub calls: Option<&'a [CallSite<'a>]>,
}

/// How code outside an SDK calls into it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// False when no call data was supplied.
    pub analyzed: bool,
    /// Invoke sites whose callee belongs to the SDK and whose caller does not.
    pub external_call_sites: u64,
    /// Up to five distinct calling classes, sorted.
    pub example_callers: Vec<String>,
}

/// How sure a detection is that the product's code is in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Strong evidence of two kinds (e.g. classes and a component or native library).
    High,
    /// Strong evidence of one kind.
    Medium,
    /// No strong evidence of its own: weak evidence of two kinds, a few classes only, or
    /// packages another product's jar carries (`embedded_in`).
    Low,
}

/// One SDK detected in an app. `id`, `name`, `vendor`, `category`, `evidence` and `used` are
/// read by other tools; keep their names and meaning stable.
#[derive(Debug, Clone, Serialize)]
pub struct SdkHit {
    #[serde(skip)]
    pub index: SdkIdx,
    pub id: String,
    pub name: LocalizedText,
    pub vendor: Option<LocalizedText>,
    pub category: Category,
    /// One item per matched signature, each with a count and at most five examples.
    pub evidence: Vec<EvidenceItem>,
    pub evidence_strength: EvidenceStrength,
    /// The kinds of evidence the detection rests on (strong ones; the weak ones when the
    /// detection has no strong evidence).
    pub basis: Vec<EvidenceKind>,
    pub confidence: Confidence,
    /// Set when the product's only code is packages another detected SDK's jar carries: the
    /// product is bundled inside that host, not integrated by the app.
    pub embedded_in: Option<String>,
    pub pi_types: Vec<PiType>,
    /// True when code outside the SDK invokes it (see [`Usage`]).
    pub used: bool,
    pub usage: Usage,
    pub policy_names: PolicyNames,
    pub status: Status,
}

/// Strong class evidence of fewer classes than this, and nothing else, is "a few classes"
/// (confidence low): annotation or stub classes other jars ship.
const FEW_CLASSES: u64 = 4;

/// What [`Catalog::judge`] knows of the whole app.
struct Context<'a> {
    /// Entries with strong evidence of their own.
    own_strong: &'a HashSet<u32>,
    /// Vendors (`vendor.zh`) of those entries.
    strong_vendors: &'a HashSet<&'a str>,
    /// Kinds of weak evidence a product without strong evidence needs.
    weak_kinds_needed: usize,
}

/// The outcome of [`Catalog::judge`] for one entry.
struct Judged {
    items: Vec<EvidenceItem>,
    basis: Vec<EvidenceKind>,
    confidence: Confidence,
    embedded_in: Option<String>,
}

/// The loaded, indexed SDK catalogue. Build once, then match any number of apps.
#[derive(Debug)]
pub struct Catalog {
    sdks: Vec<Sdk>,
    index: SignatureIndex,
}

impl Catalog {
    /// Parses and validates a catalogue (`schema_version = 1` and `[[sdk]]` tables).
    ///
    /// Refuses unknown fields, unknown categories or PI-type slugs, bad or duplicate ids,
    /// entries without signatures or policy names, malformed or over-broad signatures, and a
    /// signature claimed by two entries. Errors name the line and the entry.
    pub fn from_toml(text: &str) -> Result<Catalog, CatalogError> {
        load::check_size(text)?;
        let file: SdkFile = toml::from_str(text)?;
        load::check_header(file.schema_version, file.sdks.len())?;
        let lines = LineIndex::new(text);
        let entry_lines: Vec<usize> = file
            .sdks
            .iter()
            .map(|e| lines.line_of(e.id.span().start))
            .collect();
        load::check_ids(
            file.sdks
                .iter()
                .zip(&entry_lines)
                .map(|(e, line)| (e.id.get_ref().as_str(), *line)),
        )?;
        let ids: Vec<&str> = file.sdks.iter().map(|e| e.id.get_ref().as_str()).collect();

        let mut builder = IndexBuilder::default();
        for (owner, (entry, line)) in (0u32..).zip(file.sdks.iter().zip(&entry_lines)) {
            let id = entry.id.get_ref();
            validate_entry(entry)
                .and_then(|()| {
                    load::register_signatures(
                        &mut builder,
                        owner,
                        &[
                            (EvidenceKind::Class, &entry.classes),
                            (EvidenceKind::Component, &entry.components),
                            (EvidenceKind::NativeLib, &entry.native_libs),
                            (EvidenceKind::MetaData, &entry.meta_data),
                            (EvidenceKind::Asset, &entry.assets),
                            (EvidenceKind::Domain, &entry.domains),
                        ],
                        &ids,
                        true,
                    )
                })
                .map_err(|problem| load::entry_error(*line, id, problem))?;
        }
        // Carried packages resolve against every entry's own class signatures.
        for (carrier, (entry, line)) in (0u32..).zip(file.sdks.iter().zip(&entry_lines)) {
            for value in &entry.carries {
                builder.add_carried(carrier, value).map_err(|error| {
                    let reason =
                        match load::signature_problem(EvidenceKind::Class, value, error, &ids) {
                            crate::error::EntryProblem::BadSignature { reason, .. } => reason,
                            other => other.to_string(),
                        };
                    load::entry_error(
                        *line,
                        entry.id.get_ref(),
                        crate::error::EntryProblem::BadCarried {
                            value: value.clone(),
                            reason,
                        },
                    )
                })?;
            }
        }
        let index = builder.build()?;
        let sdks = file
            .sdks
            .into_iter()
            .zip(entry_lines)
            .map(|(entry, line)| Sdk {
                id: entry.id.into_inner(),
                name: entry.name,
                vendor: entry.vendor,
                category: entry.category,
                policy_url: entry.policy_url,
                classes: entry.classes,
                carries: entry.carries,
                native_libs: entry.native_libs,
                components: entry.components,
                meta_data: entry.meta_data,
                domains: entry.domains,
                assets: entry.assets,
                pi_types: entry.pi_types,
                policy_names: entry.policy_names,
                source: entry.source,
                status: entry.status,
                line,
            })
            .collect();
        Ok(Catalog { sdks, index })
    }

    /// Every SDK, in file order.
    pub fn sdks(&self) -> &[Sdk] {
        &self.sdks
    }

    /// The SDK at `index`, if it belongs to this catalogue.
    pub fn sdk(&self, index: SdkIdx) -> Option<&Sdk> {
        self.sdks.get(index.get())
    }

    /// The index of the SDK with this id.
    pub fn find(&self, id: &str) -> Option<SdkIdx> {
        self.sdks
            .iter()
            .position(|sdk| sdk.id == id)
            .and_then(|pos| u32::try_from(pos).ok())
            .map(SdkIdx)
    }

    /// The SDK whose longest class prefix is a package-boundary prefix of `dotted_class`
    /// (`com.umeng` owns `com.umeng.a.B` and `com.umeng.a.B$1`, not `com.umengx.C`). A short
    /// prefix that needs corroboration (`com.loc`) owns nothing here: only a per-app
    /// [`crate::Ownership`], which knows the detected SDKs, gives such classes an owner.
    pub fn owner_of(&self, dotted_class: &str) -> Option<SdkIdx> {
        self.index
            .match_class(dotted_class)
            .filter(|hit| hit.weight != Weight::Corroborating)
            .map(|hit| SdkIdx(hit.owner))
    }

    /// Like [`Catalog::owner_of`], also returning the depth (in segments) of the matching prefix.
    pub(crate) fn owner_with_depth(&self, dotted_class: &str) -> Option<(SdkIdx, usize)> {
        self.index
            .match_class(dotted_class)
            .filter(|hit| hit.weight != Weight::Corroborating)
            .map(|hit| (SdkIdx(hit.owner), hit.depth))
    }

    /// The raw class-signature match: owner, depth, weight and carrier.
    pub(crate) fn class_match(&self, dotted_class: &str) -> Option<crate::evidence::ClassHit> {
        self.index.match_class(dotted_class)
    }

    /// True when a signature of `kind` in this catalogue is `name` or covers it with piaudit's
    /// anchored matching (used to measure the catalogue against public anchors).
    pub fn covers(&self, kind: EvidenceKind, name: &str) -> bool {
        self.index.covers(kind, name)
    }

    /// Detects the SDKs present in an app. Hits are sorted by id.
    ///
    /// - Strong evidence (distinct classes, manifest components, native libraries, bundled
    ///   files) proves a product on its own, so an obfuscated app is still detected through its
    ///   components or libraries.
    /// - Weak evidence (a meta-data key, an endpoint domain) proves nothing alone: a product with
    ///   only weak evidence is reported (confidence low) only with two kinds of it, and not at all
    ///   when a product of the same vendor is detected on strong evidence (the key or endpoint is
    ///   then that product's). When the app shows no code at all (packed, or code stripped), one
    ///   kind of weak evidence is all there can be, and it is enough for a low-confidence hit.
    /// - A short prefix (`com.loc`) counts only next to strong evidence of the same entry.
    /// - Packages a detected host's jar carries (`carries`) make their product `embedded_in`
    ///   that host, never an integration of its own.
    pub fn detect(&self, evidence: &Evidence<'_>) -> Vec<SdkHit> {
        let inputs = Inputs {
            classes: evidence.classes,
            native_libs: evidence.native_libs,
            components: evidence.components,
            meta_data_keys: evidence.meta_data_keys,
            urls: evidence.urls,
            assets: evidence.assets,
        };
        let by_owner = self.index.collect(&inputs);
        let mut usage = evidence
            .calls
            .map(|calls| self.external_usage(calls))
            .unwrap_or_default();

        // Entries present on strong evidence of their own (carried packages count only when
        // their carrier is absent, which needs this set first: carriers are decided on their
        // own strong signatures).
        let own_strong: HashSet<u32> = by_owner
            .iter()
            .filter(|(_, items)| items.iter().any(|m| m.item.weight == Weight::Strong))
            .map(|(owner, _)| *owner)
            .collect();
        let strong_vendors: HashSet<&str> = own_strong
            .iter()
            .filter_map(|owner| self.sdks.get(*owner as usize)?.vendor.as_ref())
            .map(|vendor| vendor.zh.as_str())
            .collect();

        let weak_kinds_needed = if evidence.classes.is_empty() { 1 } else { 2 };
        let mut hits: Vec<SdkHit> = by_owner
            .into_iter()
            .filter_map(|(owner, matched)| {
                let sdk = self.sdks.get(owner as usize)?;
                let context = Context {
                    own_strong: &own_strong,
                    strong_vendors: &strong_vendors,
                    weak_kinds_needed,
                };
                let judged = self.judge(owner, matched, &context)?;
                let usage = usage
                    .get_mut(owner as usize)
                    .map(std::mem::take)
                    .unwrap_or_default();
                Some(SdkHit {
                    index: SdkIdx(owner),
                    id: sdk.id.clone(),
                    name: sdk.name.clone(),
                    vendor: sdk.vendor.clone(),
                    category: sdk.category,
                    evidence_strength: strongest(&judged.items)?,
                    evidence: judged.items,
                    basis: judged.basis,
                    confidence: judged.confidence,
                    embedded_in: judged.embedded_in,
                    pi_types: sdk.pi_types.clone(),
                    used: usage.external_call_sites > 0,
                    usage,
                    policy_names: sdk.policy_names.clone(),
                    status: sdk.status,
                })
            })
            .collect();
        hits.sort_by(|a, b| a.id.cmp(&b.id));
        hits
    }

    /// Decides whether the evidence of entry `owner` makes a detection, and how strong it is.
    fn judge(&self, owner: u32, matched: Vec<Matched>, context: &Context<'_>) -> Option<Judged> {
        let Context {
            own_strong,
            strong_vendors,
            weak_kinds_needed,
        } = *context;
        let present = own_strong.contains(&owner);
        let mut items = Vec::with_capacity(matched.len());
        let mut host: Option<u32> = None;
        for Matched { mut item, carrier } in matched {
            match (item.weight, carrier) {
                // A short prefix without strong evidence of its own entry proves nothing.
                (Weight::Corroborating, _) if !present => continue,
                (Weight::Carried, Some(carrier)) => {
                    item.carried_by = self.sdks.get(carrier as usize).map(|s| s.id.clone());
                    if own_strong.contains(&carrier) {
                        host = host.or(Some(carrier));
                    } else {
                        // The host is absent: these classes are the product's own.
                        item.weight = Weight::Strong;
                    }
                }
                _ => {}
            }
            items.push(item);
        }
        let kinds = |weight: Weight| -> Vec<EvidenceKind> {
            let mut kinds: Vec<EvidenceKind> = items
                .iter()
                .filter(|item| item.weight == weight)
                .map(|item| item.kind)
                .collect();
            kinds.sort();
            kinds.dedup();
            kinds
        };
        let strong = kinds(Weight::Strong);
        if !strong.is_empty() {
            let few_classes = strong == [EvidenceKind::Class]
                && items
                    .iter()
                    .filter(|item| item.weight == Weight::Strong)
                    .map(|item| item.count)
                    .sum::<u64>()
                    < FEW_CLASSES;
            let confidence = if few_classes {
                Confidence::Low
            } else if strong.len() >= 2 {
                Confidence::High
            } else {
                Confidence::Medium
            };
            return Some(Judged {
                items,
                basis: strong,
                confidence,
                embedded_in: None,
            });
        }
        if let Some(host) = host {
            return Some(Judged {
                items,
                basis: vec![EvidenceKind::Class],
                confidence: Confidence::Low,
                embedded_in: self.sdks.get(host as usize).map(|s| s.id.clone()),
            });
        }
        let weak = kinds(Weight::Weak);
        let vendor_present = self
            .sdks
            .get(owner as usize)
            .and_then(|sdk| sdk.vendor.as_ref())
            .is_some_and(|vendor| strong_vendors.contains(vendor.zh.as_str()));
        if weak.len() < weak_kinds_needed || vendor_present {
            return None;
        }
        Some(Judged {
            items,
            basis: weak,
            confidence: Confidence::Low,
            embedded_in: None,
        })
    }

    /// Per SDK (indexed like `sdks`): invoke sites from code the SDK does not own.
    fn external_usage(&self, calls: &[CallSite<'_>]) -> Vec<Usage> {
        let mut usage: Vec<Usage> = vec![
            Usage {
                analyzed: true,
                ..Usage::default()
            };
            self.sdks.len()
        ];
        for call in calls {
            let Some(callee) = self.index.match_class(call.callee) else {
                continue;
            };
            let caller_owner = self.index.match_class(call.caller).map(|hit| hit.owner);
            if caller_owner == Some(callee.owner) {
                continue;
            }
            if let Some(entry) = usage.get_mut(callee.owner as usize) {
                entry.external_call_sites = entry.external_call_sites.saturating_add(1);
                if entry.example_callers.len() < MAX_EXAMPLES
                    && !entry.example_callers.iter().any(|c| c == call.caller)
                {
                    entry.example_callers.push(call.caller.to_owned());
                }
            }
        }
        for entry in &mut usage {
            entry.example_callers.sort();
        }
        usage
    }
}

fn validate_entry(entry: &SdkEntry) -> Result<(), crate::error::EntryProblem> {
    use crate::error::EntryProblem;
    load::require_text("name.zh", &entry.name.zh)?;
    load::require_text("name.en", &entry.name.en)?;
    if let Some(vendor) = &entry.vendor {
        load::require_text("vendor.zh", &vendor.zh)?;
        load::require_text("vendor.en", &vendor.en)?;
    }
    if let Some(url) = &entry.policy_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(EntryProblem::BadSignature {
            field: "policy_url",
            value: url.clone(),
            reason: "must be an http(s) URL".into(),
        });
    }
    if entry.source.iter().all(|s| s.trim().is_empty()) {
        return Err(EntryProblem::Empty { field: "source" });
    }
    if !entry.policy_names.has_any() {
        return Err(EntryProblem::NoPolicyName);
    }
    let mut seen: Vec<PiType> = Vec::with_capacity(entry.pi_types.len());
    for pi in &entry.pi_types {
        if seen.contains(pi) {
            return Err(EntryProblem::DuplicatePiType(pi.slug()));
        }
        seen.push(*pi);
    }
    Ok(())
}
