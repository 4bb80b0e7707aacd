//! piaudit: audits Android apps for personal-information compliance under Chinese law.
//!
//! The library is split by job, and data flows one way:
//! `apk` (container) → decoders (`manifest`, `resources`, `piaudit_dex`, `native`) →
//! [`facts::AppFacts`] → `rules` → findings → `report`.
//! Decoders know nothing about law; rules know nothing about byte formats.

pub use piaudit_facts as facts;

pub use piaudit_facts::AppFacts;
