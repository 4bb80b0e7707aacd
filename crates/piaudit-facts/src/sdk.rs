//! The SDK and packer records of `AppFacts.sdks` and `AppFacts.packers`.
//!
//! Plain data: `piaudit-sdk` detects, and its hits are converted into these types. Must not hold
//! matching logic. Fields are listed in JSON key order (a contract: rename nothing, only add).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A name in Chinese and in English.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct LocalizedText {
    pub en: String,
    pub zh: String,
}

/// One third-party SDK detected in an app.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Sdk {
    /// What the SDK does (`analytics`, `push`, `ads`, `map`, ...).
    pub category: String,
    /// One item per matched catalogue signature.
    pub evidence: Vec<SignatureEvidence>,
    /// The strongest kind of evidence: `code`, `manifest`, `native`, `asset` or `network`.
    pub evidence_strength: String,
    /// Catalogue id (`umeng-analytics`, ...).
    pub id: String,
    pub name: LocalizedText,
    /// PI types the vendor says the SDK collects (slugs).
    pub pi_types: Vec<String>,
    /// The names a privacy policy may use for the SDK.
    pub policy_names: PolicyNames,
    /// `verified` or `unverified`: whether the catalogue entry was checked against a public source.
    pub status: String,
    /// How code outside the SDK calls into it.
    pub usage: SdkUsage,
    /// True when the app's own code (or the Application class or launcher activity its manifest
    /// names) reaches the SDK's code; the SDK's own components running do not count (see
    /// `initialised_at_startup`). Without a call graph (a `.jar`): code outside the SDK invokes
    /// it.
    pub used: bool,
    /// The vendor; `null` when no source names it.
    pub vendor: Option<LocalizedText>,
    /// The kinds of evidence the detection rests on (`class`, `component`, `native_lib`,
    /// `asset`; `meta_data` / `domain` only when nothing stronger was seen).
    pub basis: Vec<String>,
    /// `high` (strong evidence of two kinds), `medium` (one kind) or `low` (no strong evidence
    /// of its own: two kinds of weak evidence, a few classes, or `embedded_in` a host).
    pub confidence: String,
    /// The SDK whose jar carries this product's only code (JCore carries JPush's service
    /// package): the product is bundled inside that host, not integrated by the app.
    pub embedded_in: Option<String>,
    /// Whether its initialisation (its vendor's init call in rules/data/consent-apis.toml, or
    /// else any of its code) runs from start-up before any consent gate (call graph; null: no
    /// call graph; absent then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initialised_at_startup: Option<bool>,
}

/// One matched signature: which signature, how many inputs matched, up to five examples.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct SignatureEvidence {
    pub count: u64,
    pub examples: Vec<String>,
    /// `class`, `native_lib`, `component`, `meta_data`, `domain` or `asset`.
    pub kind: String,
    /// The catalogue signature that matched.
    pub value: String,
    /// How much it counts: `strong`, `weak` (a meta-data key or a domain: never an SDK alone),
    /// `corroborating` (a short prefix such as `com.loc`, counted only next to strong evidence)
    /// or `carried` (a package another product's jar carries, see `carried_by`).
    pub weight: String,
    /// For a `carried` signature: the id of the product whose jar carries the package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried_by: Option<String>,
}

/// The names a privacy policy may use for an SDK, per language.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct PolicyNames {
    pub en: Vec<String>,
    pub zh: Vec<String>,
}

/// How code outside an SDK calls into it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct SdkUsage {
    /// False when no call data was available.
    pub analyzed: bool,
    /// Up to five distinct calling classes, sorted.
    pub example_callers: Vec<String>,
    /// Invoke sites whose callee belongs to the SDK and whose caller does not.
    pub external_call_sites: u64,
}

/// A packer / hardener (加固) detected: class-based evidence is then incomplete.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Packer {
    pub evidence: Vec<SignatureEvidence>,
    pub id: String,
    pub name: LocalizedText,
    /// The vendor; `null` when no source names it.
    pub vendor: Option<LocalizedText>,
}
