//! piaudit: audits Android apps for personal-information compliance under Chinese law.
//!
//! The library is split by job, and data flows one way:
//! [`apk`] (container: zip entries with caps, split bundles, signers, tamper anomalies) →
//! decoders ([`manifest`], [`resources`], [`code`] over `piaudit-dex`, [`native`]) →
//! [`facts::AppFacts`] → rules → findings → reports.
//! Decoders know nothing about law; rules know nothing about byte formats.
//! [`analyze`] wires the extraction stages for one input.

pub mod analyze;
pub mod apk;
pub mod auditor;
pub mod batch;
pub mod behaviour;
pub mod code;
pub mod coercion;
pub mod coverage;
pub mod discovery;
pub mod icons;
pub mod jvm;
pub mod layouts;
pub mod manifest;
pub mod native;
pub mod permission_use;
pub mod policy_check;
pub mod receivers;
pub mod report;
pub mod resources;
pub mod sdk_use;
pub mod sensors;
pub mod term;
pub mod wakeup;

pub use piaudit_facts as facts;
pub use piaudit_facts::AppFacts;
