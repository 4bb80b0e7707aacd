//! The signature index shared by the SDK and packer catalogues, and the evidence it reports.
//!
//! An index holds every signature of a catalogue (class and component prefixes, native-library,
//! meta-data and asset patterns, domains), each owned by one entry. Given the facts of an app it
//! tallies, per signature, how many inputs matched and a few examples, then groups the tallies
//! by owning entry. It must not know what an entry is (SDK or packer) nor load files.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::class_trie::{ClassTrie, TrieMatch};
use crate::pattern::{
    self, DomainMatcher, NameKind, NameMatcher, NameMatcherBuilder, PrefixKind, host_of,
};

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

/// How much one matched signature counts towards a detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    /// Proves the product on its own: its distinct classes, manifest components, native
    /// libraries or bundled files.
    Strong,
    /// Never proves the product alone: a meta-data key or an endpoint domain in a string.
    Weak,
    /// A short two-segment class prefix (`com.loc`): counts only next to a strong signature of
    /// the same entry.
    Corroborating,
    /// Classes under a package another product's jar is known to carry (JCore carries
    /// `cn.jpush.android.service`): prove the product only when that host is absent.
    Carried,
}

/// One matched signature: which catalogue signature matched, how many inputs matched it and up
/// to [`MAX_EXAMPLES`] distinct example inputs (for domains: the host, never the full URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceItem {
    pub kind: EvidenceKind,
    pub value: String,
    pub count: u64,
    pub examples: Vec<String>,
    pub weight: Weight,
    /// For a carried signature: the id of the product whose jar carries these classes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried_by: Option<String>,
}

/// A matched signature with the index of its carrier entry, if any (see [`Weight::Carried`]).
#[derive(Debug, Clone)]
pub(crate) struct Matched {
    pub(crate) item: EvidenceItem,
    pub(crate) carrier: Option<u32>,
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
    weight: Weight,
    /// The entry whose jar carries this package (only for [`Weight::Carried`]).
    carrier: Option<u32>,
}

/// A class lookup result: the owning entry, its depth in segments, the signature's weight and
/// carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClassHit {
    pub(crate) owner: u32,
    pub(crate) depth: usize,
    pub(crate) weight: Weight,
    pub(crate) carrier: Option<u32>,
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
    /// Validates and adds one signature of `kind` owned by entry `owner`. A short two-segment
    /// class prefix is accepted (as [`Weight::Corroborating`]) only when `allow_short`; the
    /// caller then checks that the entry has a strong signature too. Returns the weight given.
    pub(crate) fn add(
        &mut self,
        kind: EvidenceKind,
        owner: u32,
        text: &str,
        allow_short: bool,
    ) -> Result<Weight, AddError> {
        let weight = match kind {
            EvidenceKind::Class | EvidenceKind::Component => {
                match pattern::validate_class_prefix(text).map_err(AddError::Invalid)? {
                    PrefixKind::Short if allow_short && kind == EvidenceKind::Class => {
                        Weight::Corroborating
                    }
                    PrefixKind::Short => {
                        return Err(AddError::Invalid(pattern::short_prefix_refusal(text)));
                    }
                    PrefixKind::Distinct => Weight::Strong,
                }
            }
            EvidenceKind::NativeLib | EvidenceKind::Asset | EvidenceKind::MetaData => {
                let name_kind = match kind {
                    EvidenceKind::NativeLib => NameKind::NativeLib,
                    EvidenceKind::Asset => NameKind::Asset,
                    _ => NameKind::MetaData,
                };
                pattern::validate_name_pattern(name_kind, text).map_err(AddError::Invalid)?;
                if kind == EvidenceKind::MetaData {
                    Weight::Weak
                } else {
                    Weight::Strong
                }
            }
            EvidenceKind::Domain => {
                pattern::validate_domain(text).map_err(AddError::Invalid)?;
                Weight::Weak
            }
        };
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
            weight,
            carrier: None,
        });
        Ok(weight)
    }

    /// Declares that entry `carrier`'s jar ships the package `prefix`, which another entry's
    /// class (and possibly component) signatures cover. Call after every entry's own signatures
    /// were added. Fails when the prefix is malformed or short, when no other entry's class
    /// signature covers it, or when it is the carrier's own.
    pub(crate) fn add_carried(&mut self, carrier: u32, prefix: &str) -> Result<(), AddError> {
        if pattern::validate_class_prefix(prefix).map_err(AddError::Invalid)?
            != PrefixKind::Distinct
        {
            return Err(AddError::Invalid(pattern::short_prefix_refusal(prefix)));
        }
        if !self.carry_in(EvidenceKind::Class, carrier, prefix)? {
            return Err(AddError::Invalid(
                "no other entry's class signature covers this package".into(),
            ));
        }
        // The host's manifest may declare the carried package's components too.
        self.carry_in(EvidenceKind::Component, carrier, prefix)?;
        Ok(())
    }

    /// Marks `prefix` in the class or component trie as carried by `carrier`. Returns false
    /// when no signature of another entry covers it there.
    fn carry_in(
        &mut self,
        kind: EvidenceKind,
        carrier: u32,
        prefix: &str,
    ) -> Result<bool, AddError> {
        let trie = if kind == EvidenceKind::Class {
            &self.classes
        } else {
            &self.components
        };
        let Some(found) = trie.longest(prefix) else {
            return Ok(false);
        };
        let Some(signature) = self.signatures.get(found.value as usize) else {
            return Ok(false);
        };
        let (owner, exact) = (signature.owner, signature.text.len() == prefix.len());
        if owner == carrier {
            return Err(AddError::Invalid(
                "is under the carrier's own signatures".into(),
            ));
        }
        if exact {
            if let Some(signature) = self.signatures.get_mut(found.value as usize) {
                signature.weight = Weight::Carried;
                signature.carrier = Some(carrier);
            }
            return Ok(true);
        }
        let id = u32::try_from(self.signatures.len())
            .map_err(|_| AddError::Invalid("too many signatures".into()))?;
        let trie = if kind == EvidenceKind::Class {
            &mut self.classes
        } else {
            &mut self.components
        };
        if trie.insert(prefix, id).is_err() {
            return Err(AddError::Invalid("carried twice".into()));
        }
        self.signatures.push(Signature {
            kind,
            text: prefix.into(),
            owner,
            weight: Weight::Carried,
            carrier: Some(carrier),
        });
        Ok(true)
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
    fn class_hit(&self, found: TrieMatch) -> Option<ClassHit> {
        let signature = self.signatures.get(found.value as usize)?;
        Some(ClassHit {
            owner: signature.owner,
            depth: found.depth,
            weight: signature.weight,
            carrier: signature.carrier,
        })
    }

    /// The entry owning the longest class signature that is a boundary prefix of `class`.
    pub(crate) fn match_class(&self, class: &str) -> Option<ClassHit> {
        self.class_hit(self.classes.longest(class)?)
    }

    /// True when some signature of `kind` is `name` or covers it (classes and components:
    /// anchored prefix; native libraries: exact or `prefix*`). Used to measure coverage.
    pub(crate) fn covers(&self, kind: EvidenceKind, name: &str) -> bool {
        match kind {
            EvidenceKind::Class => self.classes.longest(name).is_some(),
            EvidenceKind::Component => self.components.longest(name).is_some(),
            EvidenceKind::NativeLib => self.native_libs.find(name).is_some(),
            EvidenceKind::MetaData => self.meta_data.find(name).is_some(),
            EvidenceKind::Asset => self.assets.find(name).is_some(),
            EvidenceKind::Domain => self.domains.find(name).is_some(),
        }
    }

    /// Matches every input and returns the evidence grouped by owning entry (ordered by owner).
    pub(crate) fn collect(&self, inputs: &Inputs<'_>) -> BTreeMap<u32, Vec<Matched>> {
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

        let mut by_owner: BTreeMap<u32, Vec<Matched>> = BTreeMap::new();
        for (signature, tally) in self.signatures.iter().zip(tallies) {
            if tally.count == 0 {
                continue;
            }
            let mut examples = tally.examples;
            examples.sort();
            by_owner.entry(signature.owner).or_default().push(Matched {
                item: EvidenceItem {
                    kind: signature.kind,
                    value: signature.text.to_string(),
                    count: tally.count,
                    examples,
                    weight: signature.weight,
                    carried_by: None,
                },
                carrier: signature.carrier,
            });
        }
        for items in by_owner.values_mut() {
            items.sort_by(|a, b| (a.item.kind, &a.item.value).cmp(&(b.item.kind, &b.item.value)));
        }
        by_owner
    }
}

/// The strongest evidence kind among `items`, if any.
pub(crate) fn strongest<'i>(
    items: impl IntoIterator<Item = &'i EvidenceItem>,
) -> Option<EvidenceStrength> {
    items.into_iter().map(|item| item.kind.strength()).min()
}
