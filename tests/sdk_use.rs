//! SDK use and code ownership on `samples/sdk-use/sdk-use.apk` (built with aapt, javac and dx by
//! `samples/sdk-use/build.sh`): the app starts a host SDK (a JCore stand-in with a plugin
//! interface) and Umeng (5.x-style, its work in obfuscated `u.aly` internals), reads the device
//! id itself, and bundles a plugin SDK (a JVerification stand-in) it never starts.

mod common;

use common::repo;
use piaudit::auditor::{Auditor, Config};
use piaudit::facts::AppFacts;

fn facts() -> AppFacts {
    let auditor = Auditor::new(&Config::default()).unwrap();
    let path = repo().join("samples/sdk-use/sdk-use.apk");
    auditor.audit(&path, None).unwrap().extraction.facts
}

/// The host runs its plugins through an abstract method; class-hierarchy analysis alone would
/// dispatch it to the plugin's action and call the plugin used. Nobody created that action (only
/// the plugin's own init does), so the plugin is bundled, not used.
#[test]
fn a_plugin_nobody_starts_is_not_used_though_its_host_is() {
    let facts = facts();
    let used: Vec<(&str, bool)> = facts.sdks.iter().map(|s| (s.id.as_str(), s.used)).collect();
    assert_eq!(
        used,
        [
            ("jiguang-core", true),
            ("jverification", false),
            ("umeng-analytics", true)
        ]
    );
    let plugin = facts.sdks.iter().find(|s| s.id == "jverification").unwrap();
    assert_eq!(plugin.initialised_at_startup, Some(false), "{plugin:?}");
    // Umeng's only caller outside it is the app: its own internals are not "outside".
    let umeng = facts
        .sdks
        .iter()
        .find(|s| s.id == "umeng-analytics")
        .unwrap();
    assert_eq!(
        umeng.usage.example_callers,
        ["com.example.sdkuse.MainActivity"]
    );
}

/// One API, three owners: the app's own read, Umeng's through its obfuscated `u.aly` class
/// (reachable only from Umeng's code), and the plugin's.
#[test]
fn each_device_id_read_is_with_the_owner_of_its_code() {
    let facts = facts();
    let owners: Vec<(&str, Option<&str>, &[String])> = facts
        .api_refs
        .iter()
        .filter(|r| r.api.contains("getDeviceId"))
        .map(|r| {
            (
                r.attributed_to.as_str(),
                r.sdk.as_deref(),
                r.callers.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        owners,
        [
            (
                "app",
                None,
                &["com.example.sdkuse.MainActivity".to_owned()][..]
            ),
            (
                "sdk",
                Some("jverification"),
                &["cn.jiguang.verifysdk.api.JVerificationInterface$VerifyAction".to_owned()][..]
            ),
            ("sdk", Some("umeng-analytics"), &["u.aly.bi".to_owned()][..]),
        ]
    );
}
