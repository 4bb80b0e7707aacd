//! Third-party SDK and packer (加固) detection for piaudit.
//!
//! - [`Catalog`] loads `rules/data/sdks.toml` and detects bundled SDKs from an app's classes,
//!   native libraries, manifest components and meta-data keys, endpoint domains and assets
//!   ([`Catalog::detect`]); [`Catalog::owner_of`] maps a class to its SDK with an anchored,
//!   longest package-prefix match; [`Catalog::attribute`] says whether code belongs to the
//!   app, an SDK, the platform or unknown third-party code by prefix alone; [`Ownership`]
//!   decides it once per app from the detected SDKs and class-level call edges (obfuscated SDK
//!   internals reachable only from one SDK belong to it).
//! - [`PackerCatalog`] loads `rules/data/packers.toml` and detects packers.
//!
//! The crate reads facts extracted by other crates; it never opens APKs, and it never judges
//! compliance (that is the rules engine's job).

mod attribution;
mod catalog;
mod class_trie;
mod error;
mod evidence;
mod load;
mod model;
mod ownership;
mod packer;
mod pattern;
mod record;

pub use attribution::{Attribution, FirstParty};
pub use catalog::{CallSite, Catalog, Confidence, Evidence, Sdk, SdkHit, SdkIdx, Usage};
pub use error::{CatalogError, EntryProblem};
pub use evidence::{EvidenceItem, EvidenceKind, EvidenceStrength, MAX_EXAMPLES, Weight};
pub use model::{Category, LocalizedText, PiType, PolicyNames, Status};
pub use ownership::Ownership;
pub use packer::{Packer, PackerCatalog, PackerHit};
pub use pattern::{PLATFORM_PREFIXES, is_platform_class};
