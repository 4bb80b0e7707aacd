//! Policy documents as the typed records of `AppFacts.policies` (`piaudit_facts::PolicyDoc`).
//!
//! Owns the one conversion from this crate's results to the facts contract; enums are written
//! with their serde spelling. Must not decide anything: every field is copied (the fetched
//! text itself is left out: it is analysed into `disclosures`).

use piaudit_facts as facts;
use serde::Serialize;

use crate::analyze::{Disclosed, Disclosures, Span};
use crate::classify::PolicyDoc;

/// The serde spelling of a unit enum value (`DocKind::Url` → `url`).
fn spelled<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn spans(spans: &[Span]) -> Vec<facts::Span> {
    spans
        .iter()
        .map(|s| facts::Span {
            end: count(s.end),
            excerpt: s.excerpt.clone(),
            start: count(s.start),
            stored_end: count(s.stored_end),
            stored_start: count(s.stored_start),
        })
        .collect()
}

fn disclosed(list: &[Disclosed]) -> Vec<facts::Disclosed> {
    list.iter()
        .map(|d| facts::Disclosed {
            evidence: spans(&d.evidence),
            id: d.id.clone(),
            mentions: count(d.mentions),
            negated_only: d.negated_only,
            purpose_stated: d.purpose_stated,
        })
        .collect()
}

impl Disclosures {
    /// These disclosures as a facts record.
    pub fn to_record(&self) -> facts::Disclosures {
        facts::Disclosures {
            chars: count(self.chars),
            contacts: facts::Contacts {
                emails: self.contacts.emails.clone(),
                phones: self.contacts.phones.clone(),
            },
            elements: self
                .elements
                .iter()
                .map(|(id, e)| {
                    let fact = facts::ElementFact {
                        evidence: spans(&e.evidence),
                        present: e.present,
                    };
                    (id.clone(), fact)
                })
                .collect(),
            hit_cap_reached: self.hit_cap_reached,
            missing_elements: self.missing_elements.clone(),
            named_sdks: disclosed(&self.named_sdks),
            pi_types: disclosed(&self.pi_types),
        }
    }
}

impl PolicyDoc {
    /// This document as an `AppFacts.policies` record (without a fetch record).
    pub fn to_record(&self) -> facts::PolicyDoc {
        facts::PolicyDoc {
            chars: count(self.chars),
            disclosures: self.disclosures.as_ref().map(Disclosures::to_record),
            encoding: self.encoding.clone(),
            fetch: None,
            kind: spelled(&self.kind),
            lang: spelled(&self.lang),
            sha256: self.sha256.clone(),
            source: self.source.clone(),
            text_sha256: self.text_sha256.clone(),
            truncated: self.truncated,
            url: self.url.clone(),
        }
    }
}

#[cfg(feature = "online")]
impl crate::fetch::FetchRecord {
    /// This fetch as the `fetch` record of a policy (the text is left out).
    pub fn to_record(&self) -> facts::PolicyFetch {
        facts::PolicyFetch {
            bytes: self.bytes,
            content_type: self.content_type.clone(),
            encoding: self.encoding.clone(),
            error: self.error.clone(),
            fetched_at: self.fetched_at.clone(),
            final_url: self.final_url.clone(),
            redirects: self.redirects.clone(),
            sha256: self.sha256.clone(),
            status: self.status,
            truncated: self.truncated,
            url: self.url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Analyzer, PolicyDoc, PolicyTables, SdkName, decode};

    fn analyzer() -> Analyzer {
        let tables =
            PolicyTables::from_toml(include_str!("../../../rules/data/policy.toml")).unwrap();
        let sdks = vec![SdkName {
            id: "umeng".into(),
            names: vec!["友盟".into()],
        }];
        Analyzer::new(&tables, sdks).unwrap()
    }

    #[test]
    fn record_serializes_exactly_like_the_document() {
        let analyzer = analyzer();
        let text = "隐私政策\n更新日期：2024年1月1日\n我们是示例科技有限公司。我们会收集您的设备标识符（IMEI）和位置信息，用于安全风控。我们不会收集您的通讯录。我们接入了友盟统计SDK。如有疑问请联系 privacy@example.com 或 400-000-0000。您可以注销账号。";
        let decoded = decode(text.as_bytes());
        let doc = PolicyDoc::text("assets/privacy.txt", &decoded, &analyzer);
        assert!(
            doc.disclosures
                .as_ref()
                .is_some_and(|d| !d.pi_types.is_empty())
        );
        let url = PolicyDoc::url("string:privacy_url", "https://example.com/privacy");
        for doc in [doc, url] {
            assert_eq!(
                serde_json::to_value(&doc).unwrap(),
                serde_json::to_value(doc.to_record()).unwrap()
            );
        }
    }

    #[cfg(feature = "online")]
    #[test]
    fn fetch_record_keeps_every_field_but_the_text() {
        let record = crate::FetchRecord {
            url: "https://example.com/p".into(),
            final_url: "https://example.com/q".into(),
            status: Some(200),
            redirects: vec!["https://example.com/q".into()],
            fetched_at: "2026-01-01T00:00:00Z".into(),
            sha256: "ab".into(),
            bytes: 12,
            text: "policy text".into(),
            encoding: Some("utf-8".into()),
            content_type: Some("text/html".into()),
            truncated: false,
            error: None,
        };
        let mut expected = serde_json::to_value(&record).unwrap();
        expected.as_object_mut().unwrap().remove("text");
        assert_eq!(expected, serde_json::to_value(record.to_record()).unwrap());
    }
}
