//! Privacy-policy reading for piaudit.
//!
//! Everything about policy *text*: decoding bytes (BOM, UTF-16, UTF-8, GB18030, HTML with
//! `<meta charset>`), HTML → text, language, what a policy discloses (PI types, SDKs named,
//! PIPL art. 17 / MIIT elements, contact details) with verbatim evidence, discovery
//! classification of files, string resources and URLs, and (feature `online`) fetching a
//! policy URL as evidence. All vocabulary lives in `rules/data/policy.toml`
//! ([`PolicyTables`]). This crate knows nothing about APKs and gives no legal verdicts.
//!
//! ```no_run
//! use piaudit_policy::{Analyzer, PolicyTables, SdkName, classify_document, decode};
//! let tables = PolicyTables::from_toml(&std::fs::read_to_string("rules/data/policy.toml")?)?;
//! let analyzer = Analyzer::new(&tables, vec![SdkName { id: "umeng".into(), names: vec!["友盟".into()] }])?;
//! let decoded = decode(&std::fs::read("assets/privacy.html")?);
//! if let Some(doc) = classify_document("assets/privacy.html", &decoded, &analyzer) {
//!     println!("{}", serde_json::to_string_pretty(&doc)?);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod analyze;
mod classify;
mod decode;
#[cfg(feature = "online")]
mod fetch;
mod hant_table;
mod html;
mod lang;
mod record;
mod tables;
mod text;

pub use analyze::{Analyzer, Contacts, Disclosed, Disclosures, ElementFact, SdkName, Span};
pub use classify::{
    DocKind, PolicyDoc, StringClass, classify_document, classify_string, policy_urls,
};
pub use decode::{DEFAULT_MAX_INPUT_BYTES, DecodeOptions, Decoded, HtmlHint, decode, decode_with};
#[cfg(feature = "online")]
pub use fetch::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT, FetchError, FetchOptions,
    FetchRecord, Fetcher, fetch_policy,
};
pub use html::to_text as html_to_text;
pub use lang::{Lang, lang};
pub use tables::{PolicyTables, TablesError};
pub use text::{normalise, normalised_sha256, sha256_hex};

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn analyzer_is_shareable() {
        assert_send_sync::<crate::Analyzer>();
        assert_send_sync::<crate::PolicyTables>();
    }
}
