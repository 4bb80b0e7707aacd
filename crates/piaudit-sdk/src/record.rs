//! Detection results as the typed records of `AppFacts` (`piaudit_facts::Sdk`, `Packer`).
//!
//! Owns the one conversion from this crate's hits to the facts contract; enums are written with
//! their serde spelling. Must not decide anything: every field is copied.

use piaudit_facts as facts;
use serde::Serialize;

use crate::catalog::SdkHit;
use crate::evidence::EvidenceItem;
use crate::model::{LocalizedText, PolicyNames};
use crate::packer::PackerHit;

/// The serde spelling of a unit enum value (`Category::RiskControl` → `risk-control`).
fn spelled<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn text(t: &LocalizedText) -> facts::LocalizedText {
    facts::LocalizedText {
        en: t.en.clone(),
        zh: t.zh.clone(),
    }
}

fn evidence(items: &[EvidenceItem]) -> Vec<facts::SignatureEvidence> {
    items
        .iter()
        .map(|e| facts::SignatureEvidence {
            count: e.count,
            examples: e.examples.clone(),
            kind: spelled(&e.kind),
            value: e.value.clone(),
            weight: spelled(&e.weight),
            carried_by: e.carried_by.clone(),
        })
        .collect()
}

fn names(n: &PolicyNames) -> facts::PolicyNames {
    facts::PolicyNames {
        en: n.en.clone(),
        zh: n.zh.clone(),
    }
}

impl SdkHit {
    /// This hit as an `AppFacts.sdks` record.
    pub fn to_record(&self) -> facts::Sdk {
        facts::Sdk {
            category: spelled(&self.category),
            evidence: evidence(&self.evidence),
            evidence_strength: spelled(&self.evidence_strength),
            id: self.id.clone(),
            name: text(&self.name),
            pi_types: self.pi_types.iter().map(|t| t.slug().to_owned()).collect(),
            policy_names: names(&self.policy_names),
            status: spelled(&self.status),
            usage: facts::SdkUsage {
                analyzed: self.usage.analyzed,
                example_callers: self.usage.example_callers.clone(),
                external_call_sites: self.usage.external_call_sites,
            },
            used: self.used,
            vendor: self.vendor.as_ref().map(text),
            basis: self.basis.iter().map(spelled).collect(),
            confidence: spelled(&self.confidence),
            embedded_in: self.embedded_in.clone(),
            // Filled from the call graph by the auditor.
            initialised_at_startup: None,
        }
    }
}

impl PackerHit {
    /// This hit as an `AppFacts.packers` record.
    pub fn to_record(&self) -> facts::Packer {
        facts::Packer {
            evidence: evidence(&self.evidence),
            id: self.id.clone(),
            name: text(&self.name),
            vendor: self.vendor.as_ref().map(text),
        }
    }
}
