//! The code-check records of issue 18: permission use, rationale, motion sensors, starts of
//! other apps' components and work scheduled at start-up (`AppFacts.permission_use`,
//! `permission_rationale`, `motion_sensors`, `cross_app_starts`, `startup_schedules`).
//!
//! Plain data filled by the extractors (src/permission_use.rs, src/sensors.rs, src/wakeup.rs).
//! Must not hold analysis. Fields are listed in JSON key order (a contract: only add).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether the code uses each dangerous permission the app declares, as far as the table of
/// permission-needing APIs (rules/data/permission-apis.toml) says.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct PermissionUse {
    /// Whether all the code was visible, so that "no use found" means something: false with a
    /// packer, native code, dynamic code loading, reflection by computed names, a truncated
    /// graph, or no code at all (see `hidden_by`).
    pub judged: bool,
    /// What hides code: `packed`, `native-libraries`, `no-code`, `components-without-code`
    /// (manifest components whose classes the code does not define: splits or feature modules
    /// not read), `native-methods`, `native-loads`, `dynamic-loading`, `reflection-computed`,
    /// `malformed-methods`, `truncated`.
    pub hidden_by: Vec<String>,
    /// The declared permissions the table covers.
    pub permissions: Vec<PermissionUsage>,
}

/// One declared permission and what in the package uses it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct PermissionUsage {
    pub permission: String,
    /// Whether anything in the table was found (any code, the app's or an SDK's, reached or
    /// not).
    pub used: bool,
    /// Up to five uses found: `call Lpkg/Cls;->name`, `class Lpkg/Cls;`, `string …`,
    /// `receiver …`, `webview Lpkg/Cls;->onPermissionRequest`.
    pub used_by: Vec<String>,
}

/// Runtime-permission requests and whether the code ever asks Android if a rationale should
/// be shown.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct PermissionRationale {
    /// Runtime-permission request methods the code invokes (up to ten).
    pub request_apis: Vec<String>,
    /// Whether code the framework runs (start-up or any callback) calls one (null: no call
    /// graph).
    pub request_live: Option<bool>,
    /// Whether any code, the app's or an SDK's, calls a method named
    /// `shouldShowRequestPermissionRationale` (Activity, Fragment, ActivityCompat, a wrapper).
    pub rationale_api_referenced: bool,
}

/// Code of one party that looks up motion sensors by constant type (the capability behind
/// "shake to jump" ads).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct MotionSensorUse {
    /// `app`, `sdk` (see `sdk`), `platform` or `third-party`.
    pub attributed_to: String,
    /// The SDK id when `attributed_to` is `sdk`.
    pub sdk: Option<String>,
    /// The SDK's catalogue category (`ads`, `analytics`, ...).
    pub sdk_category: Option<String>,
    /// Sensor types looked up: `accelerometer` (1), `gyroscope` (4), `linear_acceleration` (10).
    pub sensors: Vec<String>,
    /// Whether the same party's code calls `SensorManager.registerListener`.
    pub registers_listener: bool,
    /// Up to five methods looking the sensors up.
    pub methods: Vec<String>,
}

/// A method that aims an intent at another app's package by a constant name and starts,
/// binds or broadcasts to it (associated start-up, "alliance wake-up").
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct CrossAppStart {
    /// The other app's package.
    pub package: String,
    /// The component class, when the code names one.
    pub component: Option<String>,
    /// What it does with the intent: `startService`, `bindService`, `sendBroadcast`, ...
    pub calls: Vec<String>,
    /// The method doing it.
    pub method: String,
    /// `app`, `sdk` (see `sdk`), `platform` or `third-party`.
    pub attributed_to: String,
    pub sdk: Option<String>,
}

/// Work scheduled (JobScheduler, AlarmManager, WorkManager) by code reached from a start-up
/// entry point.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct ScheduledWork {
    /// The scheduling API called.
    pub api: String,
    /// Who calls it: `app`, `sdk` (see `sdk`), `platform` or `third-party`.
    pub attributed_to: String,
    pub sdk: Option<String>,
    /// The start-up entry point of the chain.
    pub reachable_from: String,
    /// Whether the call runs before the consent point (null: unknown).
    pub before_consent: Option<bool>,
    /// One shortest chain from the entry point to the call.
    pub chain: Vec<crate::ChainFrame>,
}
