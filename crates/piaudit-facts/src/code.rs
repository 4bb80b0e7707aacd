//! The code records of `AppFacts.api_refs` and `AppFacts.startup_permission_requests`.
//!
//! Plain data filled by the auditor from the code scan. Must not hold analysis. Fields are
//! listed in JSON key order (a contract: rename nothing, only add).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// References to one sensitive API from one party (the app, one SDK, the platform, ...).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct ApiRef {
    /// The API in smali notation: `Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;`.
    pub api: String,
    /// Who calls it: `app`, `sdk` (see `sdk`), `platform`, `third-party`, ...
    pub attributed_to: String,
    /// Number of call sites.
    pub call_sites: u64,
    /// Up to ten calling classes.
    pub callers: Vec<String>,
    /// The permission the API needs, if any.
    pub permission: Option<String>,
    /// The PI type the API gives access to.
    pub pi_type: String,
    /// The SDK id, when `attributed_to` is `sdk`.
    pub sdk: Option<String>,
    /// Whether a call runs from a start-up entry point (call graph; null: no call graph).
    pub reachable: Option<bool>,
    /// Whether any code the framework runs (start-up or any callback) calls it; false is
    /// "present, not reachable" (null: no call graph).
    pub live: Option<bool>,
    /// The start-up entry points of the chains found.
    pub reachable_from: Vec<String>,
    /// Whether a call runs before the consent point (null: unknown, e.g. no consent point
    /// found, or no call graph).
    pub before_consent: Option<bool>,
    /// One shortest chain from a start-up entry point to the call.
    pub chain: Vec<crate::ChainFrame>,
}

/// A permission request on the start-up path (launcher activity, Application, providers, ...;
/// across classes, helpers and callbacks when the call graph was built).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct StartupRequest {
    /// The request API called.
    pub api: String,
    /// The start-up class, fully qualified.
    pub component: String,
    /// `launcher-activity` or `application`.
    pub kind: String,
    /// The method of the start-up class the request is reached from (`onCreate`, ...).
    pub method: String,
    /// The permissions requested, sorted.
    pub permissions: Vec<String>,
    /// The start-up entry point of the chain (call graph).
    pub reachable_from: Vec<String>,
    /// Whether the request runs before the consent point (null: unknown).
    pub before_consent: Option<bool>,
    /// One shortest chain from the entry point to the request (call graph).
    pub chain: Vec<crate::ChainFrame>,
}
