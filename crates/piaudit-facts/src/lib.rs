//! `AppFacts`: everything piaudit knows about one app, as one JSON-able model.
//!
//! This is the seam between extraction and judgement: decoders fill it, rules read it (as
//! JSON, through CEL), reporters print it. It owns no logic beyond small helpers; it must not
//! know about byte formats or about law.
//!
//! The field names are a contract other tools read (`piaudit inspect` prints this struct):
//! rename nothing, only add. Every field is typed (no free-form JSON): the records other crates
//! produce live in [`policy`](PolicyDoc) (`policies`), [`sdk`](Sdk) (`sdks`, `packers`) and
//! [`code`](ApiRef) (`api_refs`, `startup_permission_requests`); the producing crates convert
//! their results into them. Every type derives `JsonSchema`, so `piaudit schema` follows from
//! the types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod checks;
mod code;
mod policy;
mod sdk;

pub use checks::{
    CrossAppStart, MotionSensorUse, PermissionRationale, PermissionUsage, PermissionUse,
    ScheduledWork,
};
pub use code::{ApiRef, StartupRequest};
pub use policy::{Contacts, Disclosed, Disclosures, ElementFact, PolicyDoc, PolicyFetch, Span};
pub use sdk::{LocalizedText, Packer, PolicyNames, Sdk, SdkUsage, SignatureEvidence};

/// The facts of one app (one APK, or one split bundle merged into one app).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(default)]
pub struct AppFacts {
    /// The input file this was read from.
    pub input: InputFile,
    /// What kind of container the input was: `apk`, `apks`, `xapk`, `apkm`, `split-dir`, `dex`, `jar`.
    pub container: String,
    pub package: Option<String>,
    pub version_code: Option<i64>,
    pub version_name: Option<String>,
    /// `<uses-sdk android:minSdkVersion>` as declared (null when absent).
    pub min_sdk: Option<u32>,
    /// `<uses-sdk android:targetSdkVersion>` as declared (null when absent).
    pub target_sdk: Option<u32>,
    /// The target SDK Android applies: declared, else min_sdk, else 1.
    pub target_sdk_effective: u32,
    /// The application label, resolved through resources.arsc (default config, then zh-CN).
    pub label: Option<String>,
    /// The first launchable activity (MAIN + LAUNCHER), fully qualified, as Android picks it.
    pub launch_activity: Option<String>,
    /// `<application android:name>`, fully qualified: the Application subclass, if any.
    pub application_class: Option<String>,
    /// The app type (one of the 39 of the 2021 provisions) given by the user, never guessed.
    pub category: Option<String>,
    pub permissions: Vec<Permission>,
    /// `<permission>` elements: permissions this app defines.
    pub declared_permissions: Vec<DeclaredPermission>,
    pub components: Vec<Component>,
    /// `<meta-data>` under `<application>` (SDK keys such as UMENG_APPKEY live here).
    pub meta_data: Vec<MetaData>,
    pub uses_features: Vec<String>,
    pub flags: Flags,
    pub dex: DexSummary,
    pub native_libs: Vec<NativeLib>,
    pub signers: Vec<Signer>,
    /// Tamper indicators the container and resource parsers recovered from.
    pub anomalies: Vec<Anomaly>,
    /// Counts over the string resources (the strings themselves are in `strings` when asked for).
    pub resources: ResourceSummary,
    /// Every string resource in every configuration. Large; printed by `inspect --strings`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub strings: Vec<StringResource>,
    /// http(s) URLs found in DEX string pools, string resources and assets (deduplicated).
    pub urls: Vec<String>,
    /// Files in the archive that may hold a privacy policy, with their text facts.
    pub policies: Vec<PolicyDoc>,
    /// Packers / hardeners (加固) detected: class-based evidence is then incomplete.
    pub packers: Vec<Packer>,
    /// Third-party SDKs detected.
    pub sdks: Vec<Sdk>,
    /// References to sensitive APIs, with their callers and attribution.
    pub api_refs: Vec<ApiRef>,
    /// Dangerous permissions requested from the start-up path (launcher activity / Application).
    pub startup_permission_requests: Vec<StartupRequest>,
    /// What could not be decoded, stage by stage. Partial facts are still reported.
    pub problems: Vec<Problem>,
    /// An `AndroidManifest.xml` with a `<manifest>` root was decoded. False for a DEX or JAR
    /// input and for an APK whose manifest is missing or unreadable: the manifest fields are
    /// then empty (`target_sdk_effective` is only Android's default) and manifest rules are
    /// silent.
    pub manifest_read: bool,
    /// The call graph from the framework's entry points: what it covered and could not see.
    pub reachability: Reachability,
    /// Where the code records or asks for the user's agreement to the privacy policy.
    pub consent: Consent,
    /// Initialisations of SDKs whose vendors publish a consent API (rules/data/consent-apis.toml),
    /// with their reachability from start-up.
    pub sdk_inits: Vec<SdkInit>,
    /// Code that receives a runtime-permission result (platform and AndroidX callbacks,
    /// permission libraries from rules/data/permission-libraries.toml) and what its denial
    /// branch leads to.
    pub denial_handlers: Vec<DenialHandler>,
    /// Permission requests reached from an activity's `onResume` (asked again on every resume).
    pub resume_permission_requests: Vec<ResumeRequest>,
    /// What the layouts and UI strings show about consent and the user's rights.
    pub ui: UiFacts,
    /// Components that start the app without the user: receivers of system broadcasts, and
    /// services other apps can start (self-start and associated start-up).
    pub auto_start: Vec<AutoStart>,
    /// The launcher icon, as decoded (null: no icon declared or the manifest was not read).
    pub launcher_icon: Option<LauncherIcon>,
    /// Whether the code uses each declared dangerous permission (rules/data/permission-apis.toml).
    pub permission_use: PermissionUse,
    /// Runtime-permission requests, and whether a rationale is ever checked for.
    pub permission_rationale: PermissionRationale,
    /// Code looking up motion sensors (accelerometer, gyroscope), per party.
    pub motion_sensors: Vec<MotionSensorUse>,
    /// Intents aimed at other apps by constant package name and started, bound or broadcast.
    pub cross_app_starts: Vec<CrossAppStart>,
    /// Work scheduled (JobScheduler, AlarmManager, WorkManager) from the start-up path.
    pub startup_schedules: Vec<ScheduledWork>,
}

/// The input file, pinned by hash.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// A `<uses-permission>` (or `-sdk-23` / `-sdk-m`) element.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(default)]
pub struct Permission {
    pub name: String,
    pub max_sdk: Option<u32>,
    /// The element it was declared with: `uses-permission`, `uses-permission-sdk-23`, ...
    pub element: String,
    /// Filled from the permission table: `normal`, `dangerous`, `signature`, ... (null: unknown).
    pub protection: Option<String>,
    /// Filled from the permission table: the PI type the permission gives access to.
    pub pi_type: Option<String>,
    /// Filled from the permission table: dangerous (runtime) permission.
    pub dangerous: bool,
    /// Filled from the permission table: gives access to personal information.
    pub sensitive: bool,
    /// Filled from the permission table: singled out by regulators as almost never necessary
    /// (SMS, call log, QUERY_ALL_PACKAGES, ...).
    pub high_risk: bool,
    /// Filled when the app type is known: `justified`, `on_demand` or `not_necessary` for that
    /// type's basic function (2021 provisions, as interpreted in rules/data/app-types.toml).
    pub necessity: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct DeclaredPermission {
    pub name: String,
    pub protection_level: Option<String>,
}

/// An activity, activity-alias, service, receiver or provider.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct Component {
    /// `activity`, `activity-alias`, `service`, `receiver` or `provider`.
    pub kind: String,
    /// Fully qualified class name.
    pub name: String,
    /// `android:exported` as declared: true, false, or null when absent.
    pub exported: Option<bool>,
    /// What Android applies when `exported` is absent (intent filters, or providers before API 17).
    pub exported_effective: bool,
    /// `android:permission` guarding the component, if any.
    pub permission: Option<String>,
    /// Number of `<intent-filter>` children.
    pub intent_filters: u32,
    /// Intent-filter actions, sorted and deduplicated.
    pub actions: Vec<String>,
    /// For an activity-alias: the target activity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Whether this is a launcher entry (MAIN + LAUNCHER).
    pub launcher: bool,
    /// `android:enabled` as declared: true, false, or null when absent (enabled).
    pub enabled: Option<bool>,
    /// Has a MAIN + LAUNCHER intent filter, whether or not it is enabled (`launcher` needs both).
    pub launcher_declared: bool,
    /// `android:label` of the component, resolved (null when absent or unresolvable).
    pub label: Option<String>,
    /// The component's `<meta-data>` children (e.g. the `androidx.startup` initialisers listed
    /// under `InitializationProvider`), as the merged manifest keeps them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub meta_data: Vec<MetaData>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct MetaData {
    pub name: String,
    pub value: Option<String>,
}

/// `<application>` flags, as declared (null when absent).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct Flags {
    pub debuggable: Option<bool>,
    pub allow_backup: Option<bool>,
    pub uses_cleartext_traffic: Option<bool>,
    /// `android:networkSecurityConfig`, resolved to the file path (`res/xml/....xml`).
    pub network_security_config: Option<String>,
    /// Cleartext permitted by the network security config's base-config (null: no config, or silent).
    pub nsc_cleartext_permitted: Option<bool>,
}

/// The DEX code of the app.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct DexSummary {
    /// Every DEX read, in load order (`classes.dex`, `classes2.dex`, ..., then nested ones as
    /// `inner.jar!/classes.dex`).
    pub files: Vec<String>,
    /// Sum of class definitions over all DEX files.
    pub class_count: u64,
    /// Sum of method references over all DEX files.
    pub method_ref_count: u64,
    /// Number of invoke call sites scanned.
    pub call_site_count: u64,
}

/// A native library under `lib/<abi>/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct NativeLib {
    pub abi: String,
    /// File name, e.g. `libjiagu.so`.
    pub name: String,
    pub size: u64,
    pub soname: Option<String>,
    pub needed: Vec<String>,
    pub exported_symbols: u64,
    /// Why it could not be parsed as ELF, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why its ELF facts were not read, when they were not: a compressed copy is inflated for
    /// one ABI only (soname, needed and exported_symbols are then empty here and given by that
    /// ABI's entry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_read: Option<String>,
}

/// One signer certificate from one signature scheme.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct Signer {
    /// `v1`, `v2`, `v3`, `v3.1`, ...
    pub scheme: String,
    pub cert_sha256: String,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
}

/// A tamper indicator or structural defect the parsers recovered from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct Anomaly {
    /// Which layer saw it: `zip`, `manifest`, `resources`, `dex`, `signature`.
    pub source: String,
    /// Short machine-readable kind.
    pub kind: String,
    /// Human-readable detail.
    pub detail: String,
    /// `low`, `medium` or `high`.
    pub severity: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct ResourceSummary {
    pub string_count: u64,
    /// Locales that have string resources (`default`, `zh-rCN`, `en`, ...), sorted.
    pub locales: Vec<String>,
}

/// A string resource in one configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct StringResource {
    /// `app_name` (the key, without `string/`).
    pub name: String,
    /// `default`, `zh-rCN`, `en`, ...
    pub locale: String,
    pub value: String,
}

/// Something that could not be decoded. The rest of the facts are still good.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema, Eq)]
#[serde(default)]
pub struct Problem {
    /// `container`, `manifest`, `resources`, `dex`, `native`, `signature`, `policy`, ...
    pub stage: String,
    pub message: String,
}

impl AppFacts {
    /// Records a problem at a stage.
    pub fn problem(&mut self, stage: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            stage: stage.to_owned(),
            message: message.into(),
        });
    }
}

/// What the call graph covered (`reachability`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Reachability {
    /// Whether a call graph was built (false: no DEX code was read).
    pub analysed: bool,
    /// The framework entry points the walk started from.
    pub entry_points: Vec<EntryPoint>,
    /// Methods in the graph (app-defined and referenced platform methods).
    pub nodes: u64,
    /// Call entries recorded (before dispatch).
    pub edges: u64,
    /// Methods reached from the entry points.
    pub reached: u64,
    /// Time spent building and walking the graph.
    pub millis: u64,
    /// What the graph could not see or cut short; code behind these may run unseen.
    pub limits: Vec<GraphLimit>,
    /// Whether liveness was analysed: which code anything the framework runs reaches (start-up
    /// entry points, every component and framework callback, `static main(String[])` methods).
    /// True also for apps with no start-up entry point (started only by other apps, by `am` or
    /// by `app_process`), where `analysed` is false; false for a jar, an aar, a bare DEX or a
    /// packed app, whose code is run by something the package does not show.
    pub live_analysed: bool,
}

/// A method the framework calls at start-up.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct EntryPoint {
    /// `application`, `provider`, `startup-initializer`, `launcher-activity`, `boot-receiver`,
    /// `connectivity-receiver`.
    pub kind: String,
    /// The component class, dotted.
    pub component: String,
    /// The method, `Lpkg/Cls;->name(args)ret`.
    pub method: String,
}

/// One kind of blind spot of the call graph, with how often it occurs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct GraphLimit {
    /// `native-methods`, `native-loads`, `dynamic-loading`, `reflection-computed`,
    /// `fanout-capped`, `malformed-methods`, `truncated`, `packed`.
    pub kind: String,
    pub count: u64,
}

/// The consent point: where the app records or asks for agreement.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Consent {
    /// Whether any consent point was found in the code. False: "before consent" is not judged
    /// (`before_consent` null); context for MIIT 2019 1.2 (no prompt to read the policy on first
    /// run), not proof of it: the prompt may be a web page, native code or a layout button the
    /// graph does not link to its handler.
    pub found: bool,
    /// The kind of the first point: `dialog-positive-button`, `stored-flag`, `sdk-consent-api`.
    pub kind: Option<String>,
    /// The first point's method.
    pub location: Option<String>,
    /// Every point found.
    pub points: Vec<ConsentPoint>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct ConsentPoint {
    pub kind: String,
    /// The method, `Lpkg/Cls;->name(args)ret`.
    pub location: String,
    /// The flag key, button text or vendor API.
    pub detail: String,
}

/// One frame of a call chain from an entry point.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct ChainFrame {
    /// `Lpkg/Cls;->name(args)ret` (as `dexdump -d` names it, with `->` for `.` and `:`).
    pub method: String,
    /// How the previous frame leads here: `entry point`, `invoke-virtual`, `async hand-off`, ...
    pub via: String,
}

/// An SDK initialisation call and its reachability.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct SdkInit {
    /// SDK id (rules/data/sdks.toml).
    pub sdk: String,
    /// The initialisation API, `Lpkg/Cls;->name`.
    pub api: String,
    /// Whether the app's code calls it at all.
    pub called: bool,
    /// Whether a call of it runs from an entry point (null: no call graph).
    pub reachable: Option<bool>,
    /// The entry point of the chain.
    pub reachable_from: Vec<String>,
    /// Whether it runs before the consent point (null: unknown, e.g. no consent point found).
    pub before_consent: Option<bool>,
    /// One shortest chain from the entry point to the call.
    pub chain: Vec<ChainFrame>,
    /// The vendor's consent APIs for this SDK.
    pub consent_apis: Vec<String>,
    /// Whether the app's code calls one of them.
    pub consent_api_called: bool,
    /// Whether one of them runs at start-up before the consent point (the SDK is then told
    /// the user's choice, or told to hold collection, before it initialises).
    pub consent_api_at_startup: bool,
}

/// A method that receives a runtime-permission result, and what a denial leads to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct DenialHandler {
    /// `Lpkg/Cls;->name(args)ret`.
    pub method: String,
    /// The handler's class, dotted.
    pub class: String,
    /// The callback's id in rules/data/permission-libraries.toml (`platform`,
    /// `androidx-activity-result`, `permissionx`, ...).
    pub library: String,
    /// Whether the code tests the result (a branch on it, or a callback that runs only on
    /// denial): without a test nothing is said about the denial path.
    pub tested: bool,
    /// The permissions the handler's code names (handler, denial path, else its class's
    /// request sites), with their necessity for the app type when it is known.
    pub permissions: Vec<DeniedPermission>,
    /// What the denial branch leads to (empty: nothing coercive was found).
    pub outcomes: Vec<DenialOutcome>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct DeniedPermission {
    pub name: String,
    /// From the permission table: the PI type it gives access to.
    pub pi_type: Option<String>,
    /// From the permission table: no app type's necessary PI needs it (SMS, contacts, phone
    /// state, ...), unless the type lists it itself.
    pub high_risk: bool,
    /// `justified`, `on_demand` or `not_necessary` for the app type (null: no type given, or
    /// a permission without PI).
    pub necessity: Option<String>,
}

/// One thing a denial leads to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct DenialOutcome {
    /// `exit-app` (System.exit, killProcess, finishAffinity, moveTaskToBack, the launcher's
    /// finish), `leave-screen` (another activity's finish), `blocking-dialog` (a dialog with no
    /// negative or neutral button that cannot be cancelled or whose button opens the settings
    /// screen or asks again), `request-again` (the permission is requested again at once).
    pub kind: String,
    /// Whether the outcome keeps the user from using the app (exit-app, blocking-dialog,
    /// request-again); leave-screen closes one screen only.
    pub blocks_use: bool,
    /// The call that does it, `Lpkg/Cls;->name(args)ret`.
    pub api: String,
    /// Handler (denial branch) → ... → the call, each frame followable in `dexdump -d`.
    pub chain: Vec<ChainFrame>,
}

/// A permission request reached from an activity's `onResume`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct ResumeRequest {
    /// The activity, dotted.
    pub activity: String,
    /// The request call.
    pub api: String,
    /// Permission names loaded on the chain.
    pub permissions: Vec<String>,
    pub chain: Vec<ChainFrame>,
}

/// What the app's layouts and UI strings show about consent and the user's rights. Each list
/// holds evidence items; an empty list means "not found in the layouts and strings read", never
/// "not in the app" (text set in code or fetched from a server is not seen).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct UiFacts {
    /// Layout files (`res/layout*/*.xml`) decoded.
    pub layouts_read: u32,
    /// String resources looked at (default, Chinese and English configurations).
    pub strings_read: u32,
    /// Check boxes ticked by default (`android:checked="true"`) next to text naming the privacy
    /// policy or a user agreement.
    pub prechecked_consent: Vec<UiEvidence>,
    /// Wording that treats logging in, signing up or using the app as agreement to the policy
    /// ("登录即代表同意《隐私政策》").
    pub consent_by_use: Vec<UiEvidence>,
    /// Layouts naming the policy with an agree button and no way to refuse (no refuse, decline,
    /// exit, cancel or close control, no such text).
    pub consent_without_refuse: Vec<UiEvidence>,
    /// Signs that the app has user accounts (login or sign-up wording).
    pub account_signals: Vec<UiEvidence>,
    /// Wording of an account-cancellation entry (注销账号, delete account).
    pub account_cancellation: Vec<UiEvidence>,
    /// Wording of a complaint or report entry (投诉, 举报, feedback on privacy).
    pub complaint_entry: Vec<UiEvidence>,
    /// Wording of a personalised-recommendation setting (个性化推荐, personalised ads ...).
    pub personalization_switch: Vec<UiEvidence>,
    /// Wording of a way to withdraw consent (撤回同意, 撤销授权, withdraw consent).
    pub consent_withdrawal: Vec<UiEvidence>,
    /// Texts that tell why a permission is asked for (权限 … 用于/以便, "… permission to …").
    pub permission_purpose: Vec<UiEvidence>,
    /// Texts saying the app cannot be used without a permission ("请开启权限，否则无法使用").
    pub permission_required: Vec<UiEvidence>,
    /// Texts offering rewards (points, red packets, coupons) for identity or biometric data
    /// ("实名认证领红包", "刷脸领积分").
    pub reward_for_pi: Vec<UiEvidence>,
}

/// One piece of UI evidence: where it is and the text that shows it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct UiEvidence {
    /// `res/layout/dialog_privacy.xml`, or `string:login_agree (zh-rCN)`.
    pub source: String,
    /// The text (shortened to 120 characters), or the element and its text for a layout.
    pub text: String,
}

/// A component that can start the app without the user opening it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct AutoStart {
    /// `receiver` or `service`.
    pub kind: String,
    /// Fully qualified class name.
    pub component: String,
    /// What starts it: `boot`, `connectivity`, `package`, `user_present`, `power`,
    /// `app_update` (system broadcasts), or `other_apps` (an exported, unguarded service with
    /// intent filters, which any app can start).
    pub trigger: String,
    /// The intent-filter actions behind the trigger.
    pub actions: Vec<String>,
    /// Whether Android still delivers the trigger to this app at its target SDK (manifest
    /// receivers of most implicit broadcasts stop receiving them from targetSdk 24/26 on).
    pub delivered: bool,
    /// The SDK whose class this is (catalogue id), or null for the app's own code.
    pub sdk: Option<String>,
}

/// The launcher icon and what its pixels show.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct LauncherIcon {
    /// The reference as declared (`@mipmap/ic_launcher`), from the launcher entry or else
    /// the application.
    pub reference: String,
    /// The file it resolves to (`res/mipmap-xxhdpi-v4/ic_launcher.png`).
    pub file: Option<String>,
    /// `png`, `adaptive` (an `<adaptive-icon>` XML), `webp`, `xml` or `other`.
    pub format: String,
    /// The PNG decoded (for an adaptive icon: its foreground) when it is a PNG.
    pub png: Option<String>,
    /// Every pixel of the icon is fully transparent (for an adaptive icon: the foreground and
    /// the background both). Null when it could not be decided (not a PNG, undecodable).
    pub fully_transparent: Option<bool>,
    /// Why it could not be decided, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
