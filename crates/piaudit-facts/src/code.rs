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
}

/// A dangerous permission requested from the start-up path (launcher activity / Application).
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
}
