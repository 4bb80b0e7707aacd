//! The signature index shared by the SDK and packer catalogues, and the evidence it reports.
//!
//! An index holds every signature of a catalogue (class and component prefixes, native-library,
//! meta-data and asset patterns, domains), each owned by one entry. Given the facts of an app it
//! tallies, per signature, how many inputs matched and a few examples, then groups the tallies
//! by owning entry. It must not know what an entry is (SDK or packer) nor load files.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::class_trie::{ClassTrie, TrieMatch};
use crate::pattern::{self, DomainMatcher, NameKind, NameMatcher, NameMatcherBuilder, host_of};

/// At most this many example inputs are kept per matched signature.
pub const MAX_EXAMPLES: usize = 5;

/// Which kind of fact matched a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Class,
    NativeLib,
    Component,
    MetaData,
    Domain,
    Asset,
}

impl EvidenceKind {
    /// The catalogue field that holds signatures of this kind.
    pub fn field(self) -> &'static str {
        match self {
            EvidenceKind::Class => "classes",
            EvidenceKind::NativeLib => "native_libs",
            EvidenceKind::Component => "components",
            EvidenceKind::MetaData => "meta_data",
            EvidenceKind::Domain => "domains",
            EvidenceKind::Asset => "assets",
        }
    }

    /// How strong a detection based on this kind is.
    pub fn strength(self) -> EvidenceStrength {
        match self {
            EvidenceKind::Class => EvidenceStrength::Code,
            EvidenceKind::Component | EvidenceKind::MetaData => EvidenceStrength::Manifest,
            EvidenceKind::NativeLib => EvidenceStrength::Native,
            EvidenceKind::Asset => EvidenceStrength::Asset,
            EvidenceKind::Domain => EvidenceStrength::Network,
        }
    }
}

/// The strongest kind of evidence behind a detection, strongest first: the SDK's own code is in
/// the DEX; the manifest declares its components or keys; its native library is bundled; one of
/// its asset files is bundled; only one of its endpoints appears in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStrength {
    Code,
    Manifest,
    Native,
    Asset,
    Network,
}

/// One matched signature: which catalogue signature matched, how many inputs matched it and up
/// to [`MAX_EXAMPLES`] distinct example inputs (for domains: the host, never the full URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceItem {
    pub kind: EvidenceKind,
    pub value: String,
    pub count: u64,
    pub examples: Vec<String>,
}

/// The facts one detection pass looks at. Every list may be empty.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Inputs<'a> {
    pub(crate) classes: &'a [&'a str],
    pub(crate) native_libs: &'a [&'a str],
    pub(crate) components: &'a [&'a str],
    pub(crate) meta_data_keys: &'a [&'a str],
    pub(crate) urls: &'a [&'a str],
    pub(crate) assets: &'a [&'a str],
}

#[derive(Debug)]
struct Signature {
    kind: EvidenceKind,
    text: Box<str>,
    owner: u32,
}

/// A class lookup result: the owning entry, the signature and its depth in segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClassHit {
    pub(crate) owner: u32,
    pub(crate) depth: usize,
}

/// Why a signature could not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AddError {
    Invalid(String),
    /// The same signature already belongs to this owner.
    Duplicate {
        owner: u32,
    },
}

#[derive(Debug, Default)]
pub(crate) struct IndexBuilder {
    signatures: Vec<Signature>,
    classes: ClassTrie,
    components: ClassTrie,
    native_libs: NameMatcherBuilder,
    meta_data: NameMatcherBuilder,
    assets: NameMatcherBuilder,
    domains: DomainMatcher,
}

impl IndexBuilder {
    /// Validates and adds one signature of `kind` owned by entry `owner`.
    pub(crate) fn add(
        &mut self,
        kind: EvidenceKind,
        owner: u32,
        text: &str,
    ) -> Result<(), AddError> {
        let validation = match kind {
            EvidenceKind::Class | EvidenceKind::Component => pattern::validate_class_prefix(text),
            EvidenceKind::NativeLib => pattern::validate_name_pattern(NameKind::NativeLib, text),
            EvidenceKind::MetaData => pattern::validate_name_pattern(NameKind::MetaData, text),
            EvidenceKind::Asset => pattern::validate_name_pattern(NameKind::Asset, text),
            EvidenceKind::Domain => pattern::validate_domain(text),
        };
        validation.map_err(AddError::Invalid)?;
        let id = u32::try_from(self.signatures.len())
            .map_err(|_| AddError::Invalid("too many signatures".into()))?;
        let inserted = match kind {
            EvidenceKind::Class => self.classes.insert(text, id),
            EvidenceKind::Component => self.components.insert(text, id),
            EvidenceKind::NativeLib => self.native_libs.insert(text, id),
            EvidenceKind::MetaData => self.meta_data.insert(text, id),
            EvidenceKind::Asset => self.assets.insert(text, id),
            EvidenceKind::Domain => self.domains.insert(text, id),
        };
        if let Err(existing) = inserted {
            let owner = self
                .signatures
                .get(existing as usize)
                .map_or(u32::MAX, |s| s.owner);
            return Err(AddError::Duplicate { owner });
        }
        self.signatures.push(Signature {
            kind,
            text: text.into(),
            owner,
        });
        Ok(())
    }

    pub(crate) fn build(self) -> Result<SignatureIndex, aho_corasick::BuildError> {
        Ok(SignatureIndex {
            signatures: self.signatures,
            classes: self.classes,
            components: self.components,
            native_libs: self.native_libs.build()?,
            meta_data: self.meta_data.build()?,
            assets: self.assets.build()?,
            domains: self.domains,
        })
    }
}

#[derive(Debug)]
pub(crate) struct SignatureIndex {
    signatures: Vec<Signature>,
    classes: ClassTrie,
    components: ClassTrie,
    native_libs: NameMatcher,
    meta_data: NameMatcher,
    assets: NameMatcher,
    domains: DomainMatcher,
}

#[derive(Debug, Default, Clone)]
struct Tally {
    count: u64,
    examples: Vec<String>,
}

impl Tally {
    fn record(&mut self, example: &str) {
        self.count = self.count.saturating_add(1);
        if self.examples.len() < MAX_EXAMPLES && !self.examples.iter().any(|e| e == example) {
            self.examples.push(example.to_owned());
        }
    }
}

impl SignatureIndex {
    fn owner_of_signature(&self, signature: u32) -> Option<u32> {
        self.signatures.get(signature as usize).map(|s| s.owner)
    }

    fn class_hit(&self, found: TrieMatch) -> Option<ClassHit> {
        Some(ClassHit {
            owner: self.owner_of_signature(found.value)?,
            depth: found.depth,
        })
    }

    /// The entry owning the longest class signature that is a boundary prefix of `class`.
    pub(crate) fn match_class(&self, class: &str) -> Option<ClassHit> {
        self.class_hit(self.classes.longest(class)?)
    }

    /// Matches every input and returns the evidence grouped by owning entry (ordered by owner).
    pub(crate) fn collect(&self, inputs: &Inputs<'_>) -> BTreeMap<u32, Vec<EvidenceItem>> {
        let mut tallies: Vec<Tally> = vec![Tally::default(); self.signatures.len()];
        let mut record = |signature: Option<u32>, example: &str| {
            if let Some(tally) = signature.and_then(|s| tallies.get_mut(s as usize)) {
                tally.record(example);
            }
        };
        for class in inputs.classes {
            record(self.classes.longest(class).map(|m| m.value), class);
        }
        for component in inputs.components {
            record(
                self.components.longest(component).map(|m| m.value),
                component,
            );
        }
        for lib in inputs.native_libs {
            let file_name = lib.rsplit('/').next().unwrap_or(lib);
            record(self.native_libs.find(file_name), file_name);
        }
        for key in inputs.meta_data_keys {
            record(self.meta_data.find(key), key);
        }
        for asset in inputs.assets {
            let path = asset.trim_start_matches('/');
            record(self.assets.find(path), path);
        }
        for url in inputs.urls {
            if let Some(host) = host_of(url) {
                record(self.domains.find(&host), &host);
            }
        }

        let mut by_owner: BTreeMap<u32, Vec<EvidenceItem>> = BTreeMap::new();
        for (signature, tally) in self.signatures.iter().zip(tallies) {
            if tally.count == 0 {
                continue;
            }
            let mut examples = tally.examples;
            examples.sort();
            by_owner
                .entry(signature.owner)
                .or_default()
                .push(EvidenceItem {
                    kind: signature.kind,
                    value: signature.text.to_string(),
                    count: tally.count,
                    examples,
                });
        }
        for items in by_owner.values_mut() {
            items.sort_by(|a, b| (a.kind, &a.value).cmp(&(b.kind, &b.value)));
        }
        by_owner
    }
}

/// The strongest evidence kind among `items`, if any.
pub(crate) fn strongest(items: &[EvidenceItem]) -> Option<EvidenceStrength> {
    items.iter().map(|item| item.kind.strength()).min()
}
