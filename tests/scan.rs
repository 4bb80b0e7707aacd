//! The rule catalogue on the samples, as `samples/README.md` specifies: what a correct auditor
//! MUST report on each app and what it MUST NOT (the look-alikes: false accusations are
//! defects too). Runs the library auditor with the embedded rules.

mod common;

use std::collections::BTreeSet;

use common::sample;
use piaudit::auditor::{Auditor, Config};
use piaudit::facts::AppFacts;

fn scan(name: &str, category: Option<&str>) -> (BTreeSet<String>, AppFacts) {
    let auditor = Auditor::new(&Config::default()).expect("embedded rules load");
    let audit = auditor
        .audit(&sample(name), category)
        .expect("sample decodes");
    let ids = audit
        .evaluation
        .findings
        .iter()
        .map(|f| f.rule_id.clone())
        .collect();
    assert!(
        audit.evaluation.errors.is_empty(),
        "{:?}",
        audit.evaluation.errors
    );
    (ids, audit.extraction.facts)
}

fn has(ids: &BTreeSet<String>, id: &str) -> bool {
    ids.contains(id)
}

#[test]
fn yuhang_gets_missing_policy_startup_request_and_unnecessary_permissions() {
    let (ids, facts) = scan("yuhang-musiclive.apk", None);
    assert!(has(&ids, "POLICY-MISSING"), "{ids:?}");
    assert!(has(&ids, "PERM-STARTUP-REQUEST"), "{ids:?}");
    assert!(has(&ids, "API-DEVICE-ID"), "{ids:?}");
    for not in [
        "POLICY-INCOMPLETE",
        "SDK-UNDISCLOSED",
        "MANIFEST-DEBUGGABLE",
        "MANIFEST-ALLOW-BACKUP",
        "MANIFEST-CLEARTEXT",
        "PERM-LEGACY-TARGET",
        "COMPONENT-EXPORTED",
        "PERM-NOT-NECESSARY",
    ] {
        assert!(!has(&ids, not), "{not} must not fire: {ids:?}");
    }
    // The start-up request names the launcher and the six permissions.
    let req = &facts.startup_permission_requests[0];
    assert_eq!(req.component, "cn.piaudit.sample.musiclive.MainActivity");
    assert_eq!(req.permissions.len(), 6);
    // Location and IMEI reads are attributed to the app's own class.
    let device = facts
        .api_refs
        .iter()
        .find(|r| r.pi_type == "device_id")
        .expect("getDeviceId");
    assert_eq!(device.attributed_to, "app");
    assert_eq!(
        device.callers[0],
        "cn.piaudit.sample.musiclive.MainActivity"
    );

    let (ids, _) = scan("yuhang-musiclive.apk", Some("education"));
    assert!(has(&ids, "PERM-NOT-NECESSARY"), "{ids:?}");
}

#[test]
fn the_compliant_app_gets_nothing_at_medium_or_above() {
    let auditor = Auditor::new(&Config::default()).unwrap();
    let audit = auditor.audit(&sample("policy-complete.apk"), None).unwrap();
    let serious: Vec<_> = audit
        .evaluation
        .findings
        .iter()
        .filter(|f| f.severity >= piaudit_rules::Severity::Medium)
        .map(|f| &f.rule_id)
        .collect();
    assert!(serious.is_empty(), "{serious:?}");
    let facts = audit.extraction.facts;
    let text = facts
        .policies
        .iter()
        .find(|p| p.kind == "text")
        .expect("bundled policy");
    assert_eq!(text.source, "assets/privacy_policy.html");
    assert_eq!(text.lang, "zh");
    assert!(
        facts.policies.iter().any(|p| p.kind == "dialog"),
        "consent dialog found"
    );
    assert!(
        facts
            .policies
            .iter()
            .any(|p| p.url.as_deref() == Some("https://www.example.com/edu/privacy.html"))
    );
}

#[test]
fn sdk_tracker_gets_undisclosed_sdks_thin_policy_and_exported_push_service() {
    let (ids, facts) = scan("sdk-tracker.apk", None);
    for want in [
        "SDK-UNDISCLOSED",
        "POLICY-INCOMPLETE",
        "API-INSTALLED-APPS",
        "API-DEVICE-ID",
        "COMPONENT-EXPORTED",
    ] {
        assert!(has(&ids, want), "{want}: {ids:?}");
    }
    for not in [
        "POLICY-MISSING",
        "PERM-STARTUP-REQUEST",
        "MANIFEST-DEBUGGABLE",
        "PERM-LEGACY-TARGET",
    ] {
        assert!(!has(&ids, not), "{not} must not fire: {ids:?}");
    }
    let sdk_ids: Vec<&str> = facts.sdks.iter().map(|s| s.id.as_str()).collect();
    for sdk in ["jpush", "tencent-bugly", "umeng-analytics"] {
        assert!(sdk_ids.contains(&sdk), "{sdk} in {sdk_ids:?}");
    }
    // The app's own DeviceUtil is attributed to the app, the SDKs' reads to the SDKs.
    let device: Vec<(&str, &str)> = facts
        .api_refs
        .iter()
        .filter(|r| r.pi_type == "device_id")
        .map(|r| (r.attributed_to.as_str(), r.sdk.as_deref().unwrap_or("")))
        .collect();
    assert!(device.contains(&("app", "")), "{device:?}");
    assert!(device.iter().any(|(a, _)| *a == "sdk"), "{device:?}");
}

#[test]
fn legacy_target_gets_install_time_grants_and_a_url_only_policy() {
    let (ids, facts) = scan("legacy-target22.apk", None);
    assert!(has(&ids, "PERM-LEGACY-TARGET"), "{ids:?}");
    assert!(
        has(&ids, "POLICY-NOT-VERIFIABLE"),
        "offline, the URL cannot be read: {ids:?}"
    );
    for not in [
        "POLICY-MISSING",
        "POLICY-INCOMPLETE",
        "PERM-STARTUP-REQUEST",
        "MANIFEST-CLEARTEXT",
        "MANIFEST-DEBUGGABLE",
        "COMPONENT-EXPORTED",
    ] {
        assert!(!has(&ids, not), "{not} must not fire: {ids:?}");
    }
    let kinds: Vec<&str> = facts.policies.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["url"],
        "the 4-character title is not a policy text"
    );
    assert_eq!(
        facts.policies[0].url.as_deref(),
        Some("https://www.example.com/flashlight/privacy-policy.html")
    );
}

#[test]
fn english_weather_gets_hygiene_findings_and_its_english_policy_is_read() {
    let (ids, facts) = scan("english-weather.apk", None);
    for want in [
        "MANIFEST-DEBUGGABLE",
        "MANIFEST-ALLOW-BACKUP",
        "MANIFEST-CLEARTEXT",
        "COMPONENT-EXPORTED",
    ] {
        assert!(has(&ids, want), "{want}: {ids:?}");
    }
    for not in [
        "POLICY-MISSING",
        "SDK-UNDISCLOSED",
        "POLICY-UNDISCLOSED-PI",
        "PERM-STARTUP-REQUEST",
        "PERM-LEGACY-TARGET",
        "POLICY-INCOMPLETE",
    ] {
        assert!(!has(&ids, not), "{not} must not fire: {ids:?}");
    }
    let policy = facts
        .policies
        .iter()
        .find(|p| p.kind == "text")
        .expect("English policy");
    assert_eq!(policy.source, "res/raw/privacy_policy.txt");
    assert_eq!(policy.lang, "en");
}

#[test]
fn an_app_that_collects_nothing_gets_nothing() {
    let (ids, _) = scan("no-pi-calculator.apk", None);
    assert!(ids.is_empty(), "{ids:?}");
}

#[test]
fn face_login_gets_biometric_processing_without_disclosure() {
    let (ids, facts) = scan("face-login.apk", None);
    assert!(has(&ids, "SENSITIVE-BIOMETRIC"), "{ids:?}");
    assert!(!has(&ids, "POLICY-MISSING"), "{ids:?}");
    assert!(
        facts.sdks.iter().any(|s| s.id == "megvii-faceid"),
        "{:?}",
        facts.sdks
    );
}

#[test]
fn a_packed_app_is_said_to_be_packed() {
    use common::{ZipItem, ZipTail, entries_of, write_zip};
    let bytes = std::fs::read(sample("no-pi-calculator.apk")).unwrap();
    let mut items = entries_of(&bytes);
    // 360 Jiagu's native stub (content is irrelevant: detection is by name; ELF parse errors
    // are recorded on the library, not fatal).
    items.push(ZipItem::new(
        "lib/armeabi-v7a/libjiagu.so",
        b"\x7fELF not really".to_vec(),
        true,
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("packed.apk");
    std::fs::write(&path, write_zip(&items, &ZipTail::default())).unwrap();
    let auditor = Auditor::new(&Config::default()).unwrap();
    let audit = auditor.audit(&path, None).unwrap();
    let facts = &audit.extraction.facts;
    assert!(
        facts.packers.iter().any(|p| p.id.contains("360")),
        "{:?}",
        facts.packers
    );
    assert!(
        audit
            .evaluation
            .findings
            .iter()
            .any(|f| f.rule_id == "APP-PACKED")
    );
    // The clean calculator is not packed.
    let (ids, facts) = scan("no-pi-calculator.apk", None);
    assert!(facts.packers.is_empty() && !ids.contains("APP-PACKED"));
}

#[test]
fn obfuscated_sdks_are_still_found_through_the_manifest() {
    use common::{ZipTail, entries_of, write_zip};
    // The SDK app with its code removed: what an obfuscated (or packed) app shows of its SDKs.
    let bytes = std::fs::read(sample("sdk-tracker.apk")).unwrap();
    let items: Vec<_> = entries_of(&bytes)
        .into_iter()
        .filter(|i| !i.name.ends_with(".dex"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("obfuscated.apk");
    std::fs::write(&path, write_zip(&items, &ZipTail::default())).unwrap();
    let auditor = Auditor::new(&Config::default()).unwrap();
    let facts = auditor.audit(&path, None).unwrap().extraction.facts;
    let kinds = |id: &str| -> Vec<String> {
        facts
            .sdks
            .iter()
            .filter(|s| s.id == id)
            .flat_map(|s| s.evidence.iter().map(|e| e.kind.clone()))
            .collect()
    };
    assert!(
        kinds("jpush").iter().any(|k| k == "component"),
        "{:?}",
        facts.sdks
    );
    assert!(
        kinds("umeng-common").iter().any(|k| k == "meta_data"),
        "{:?}",
        facts.sdks
    );
    assert!(facts.sdks.iter().all(|s| !s.used), "no code, no use");
}

#[test]
fn more_catalogue_rules_on_the_samples() {
    let (ids, _) = scan("legacy-target22.apk", None);
    assert!(has(&ids, "PERM-HIGH-RISK"), "SMS and call log: {ids:?}");
    let (ids, _) = scan("sdk-tracker.apk", None);
    assert!(
        has(&ids, "POLICY-UNDISCLOSED-PI"),
        "the thin policy omits the app list: {ids:?}"
    );
    let (ids, facts) = scan("yuhang-musiclive.apk", None);
    assert!(
        facts.policies.is_empty(),
        "no policy anywhere: {:?}",
        facts.policies
    );
    assert!(
        !has(&ids, "POLICY-UNDISCLOSED-PI"),
        "no text: that is POLICY-MISSING's job"
    );
}

#[test]
fn categories_csv_gives_each_app_its_type_by_package() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("types.csv");
    std::fs::write(
        &csv,
        "package,category\ncn.piaudit.sample.musiclive,education\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_piaudit"))
        .args(["scan", "--format", "jsonl", "--categories"])
        .arg(&csv)
        .arg(sample("yuhang-musiclive.apk"))
        .arg(sample("no-pi-calculator.apk"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |pkg: &str| {
        records
            .iter()
            .find(|r| r["app"]["package"] == pkg)
            .unwrap()
            .clone()
    };
    let yuhang = of("cn.piaudit.sample.musiclive");
    assert_eq!(yuhang["app"]["category"], "education");
    assert!(
        yuhang["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"] == "PERM-NOT-NECESSARY")
    );
    // Not listed: no type, and the rule that needs one is skipped, not guessed.
    assert!(of("cn.piaudit.sample.calculator")["app"]["category"].is_null());
}
