//! Shared vocabulary of the catalogues: localized names, SDK categories, personal-information
//! (PI) type slugs and the verification status of an entry.
//!
//! This module only defines closed sets of values and their serde spelling; it does not load
//! files or match anything.

use serde::{Deserialize, Serialize};

/// A name given in Chinese and in English. Both are required in the catalogues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    pub zh: String,
    pub en: String,
}

/// The names a privacy policy may use for an SDK, per language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyNames {
    #[serde(default)]
    pub zh: Vec<String>,
    #[serde(default)]
    pub en: Vec<String>,
}

impl PolicyNames {
    /// Every name, Chinese first.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.zh.iter().chain(self.en.iter()).map(String::as_str)
    }

    /// True when at least one non-blank name is given in either language.
    pub fn has_any(&self) -> bool {
        self.iter().any(|name| !name.trim().is_empty())
    }
}

/// What an SDK does, in the terms MIIT SDK lists use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Analytics,
    Push,
    Ads,
    Map,
    Location,
    Payment,
    Crash,
    Social,
    Login,
    RiskControl,
    Face,
    Im,
    Rtc,
    Webview,
    Voice,
    CloudStorage,
    CustomerService,
    Framework,
    Other,
}

/// Personal-information types an SDK vendor says it collects. The slugs are shared with the rest
/// of piaudit (permission table, policy extraction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiType {
    DeviceId,
    PhoneNumber,
    Location,
    AppList,
    AppUsage,
    Clipboard,
    Contacts,
    Sms,
    CallLog,
    Calendar,
    Media,
    Accounts,
    Camera,
    Microphone,
    Screen,
    Sensors,
    Activity,
    Biometric,
    Health,
    Financial,
    Identity,
    NetworkInfo,
    NearbyDevices,
}

impl PiType {
    /// Every PI type, in declaration order.
    pub const ALL: [PiType; 23] = [
        PiType::DeviceId,
        PiType::PhoneNumber,
        PiType::Location,
        PiType::AppList,
        PiType::AppUsage,
        PiType::Clipboard,
        PiType::Contacts,
        PiType::Sms,
        PiType::CallLog,
        PiType::Calendar,
        PiType::Media,
        PiType::Accounts,
        PiType::Camera,
        PiType::Microphone,
        PiType::Screen,
        PiType::Sensors,
        PiType::Activity,
        PiType::Biometric,
        PiType::Health,
        PiType::Financial,
        PiType::Identity,
        PiType::NetworkInfo,
        PiType::NearbyDevices,
    ];

    /// The slug used in data files and reports (`device_id`, `phone_number`, ...).
    pub fn slug(self) -> &'static str {
        match self {
            PiType::DeviceId => "device_id",
            PiType::PhoneNumber => "phone_number",
            PiType::Location => "location",
            PiType::AppList => "app_list",
            PiType::AppUsage => "app_usage",
            PiType::Clipboard => "clipboard",
            PiType::Contacts => "contacts",
            PiType::Sms => "sms",
            PiType::CallLog => "call_log",
            PiType::Calendar => "calendar",
            PiType::Media => "media",
            PiType::Accounts => "accounts",
            PiType::Camera => "camera",
            PiType::Microphone => "microphone",
            PiType::Screen => "screen",
            PiType::Sensors => "sensors",
            PiType::Activity => "activity",
            PiType::Biometric => "biometric",
            PiType::Health => "health",
            PiType::Financial => "financial",
            PiType::Identity => "identity",
            PiType::NetworkInfo => "network_info",
            PiType::NearbyDevices => "nearby_devices",
        }
    }
}

/// Whether the signatures of an entry were checked against a public source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At least the primary signatures were checked against a named public source.
    Verified,
    /// Written from the author's knowledge; not checked against a public source.
    Unverified,
}
