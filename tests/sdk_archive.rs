//! SDK vetting: `piaudit scan` on an SDK's `.aar` or `.jar` of Java class files (no DEX), as a
//! developer checks it before integrating it. The SDK code is compiled by the real `javac`
//! (skipped, saying so, when no JDK is on PATH); the archives are written by the test.

mod common;

use std::path::Path;
use std::process::Command;

use common::{ZipItem, ZipTail, tool_present, write_zip};
use piaudit::auditor::{Auditor, Config};

/// A vendor SDK in `com.umeng.analytics` (a catalogued prefix) with obfuscated internals in
/// `u.aly`: the internals read the device id and the Wi-Fi MAC; the public class reads the
/// Android ID through the settings provider. Platform classes are compiled against stubs that
/// are not packaged.
const SOURCES: &[(&str, &str)] = &[
    (
        "android/telephony/TelephonyManager.java",
        "package android.telephony; public class TelephonyManager { public String getDeviceId() { return null; } }",
    ),
    (
        "android/net/wifi/WifiInfo.java",
        "package android.net.wifi; public class WifiInfo { public String getMacAddress() { return null; } }",
    ),
    (
        "com/umeng/analytics/MobclickAgent.java",
        "package com.umeng.analytics; public class MobclickAgent { \
           public static void onEvent(Object tm, Object wifi) { u.aly.Collector.collect(tm, wifi); } \
           public static final String URL = \"https://alog.umeng.com/app_logs\"; }",
    ),
    (
        "u/aly/Collector.java",
        "package u.aly; public class Collector { \
           public static String collect(Object tm, Object wifi) { \
             return ((android.telephony.TelephonyManager) tm).getDeviceId() + Mac.of(wifi); } }",
    ),
    (
        "u/aly/Mac.java",
        "package u.aly; class Mac { static String of(Object wifi) { \
           return ((android.net.wifi.WifiInfo) wifi).getMacAddress(); } }",
    ),
];

const AAR_MANIFEST: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.umeng.analytics">
  <uses-permission android:name="android.permission.READ_PHONE_STATE"/>
  <uses-permission android:name="android.permission.ACCESS_WIFI_STATE"/>
  <application>
    <service android:name=".UmengService" android:exported="false"/>
    <meta-data android:name="UMENG_CHANNEL" android:value="${UMENG_CHANNEL}"/>
  </application>
</manifest>
"#;

/// Compiles [`SOURCES`] and returns the SDK's class files (stubs left out), or `None` when no
/// JDK is present.
fn sdk_classes(dir: &Path) -> Option<Vec<(String, Vec<u8>)>> {
    if !tool_present("javac") {
        eprintln!("SKIPPED: javac not on PATH (install a JDK to build the SDK under test)");
        return None;
    }
    let src = dir.join("src");
    let out = dir.join("classes");
    let mut files = Vec::new();
    for (path, text) in SOURCES {
        let file = src.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, text).unwrap();
        files.push(file);
    }
    let status = Command::new("javac")
        .args(["--release", "8", "-nowarn", "-d"])
        .arg(&out)
        .args(&files)
        .status()
        .expect("run javac");
    assert!(status.success(), "javac failed");
    let mut classes = Vec::new();
    for name in [
        "com/umeng/analytics/MobclickAgent.class",
        "u/aly/Collector.class",
        "u/aly/Mac.class",
    ] {
        classes.push((name.to_owned(), std::fs::read(out.join(name)).unwrap()));
    }
    Some(classes)
}

fn jar(classes: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut items = vec![ZipItem::new(
        "META-INF/MANIFEST.MF",
        b"Manifest-Version: 1.0\r\n".to_vec(),
        true,
    )];
    items.extend(
        classes
            .iter()
            .map(|(name, bytes)| ZipItem::new(name, bytes.clone(), true)),
    );
    write_zip(&items, &ZipTail::default())
}

fn elf_stub() -> Vec<u8> {
    // Not a valid ELF: its facts say so, its name is still evidence.
    b"\x7fELF-not-really".to_vec()
}

#[test]
fn an_aar_shows_its_pi_apis_by_owner_its_merged_permissions_and_components() {
    let dir = tempfile::tempdir().unwrap();
    let Some(classes) = sdk_classes(dir.path()) else {
        return;
    };
    let aar = write_zip(
        &[
            ZipItem::new(
                "AndroidManifest.xml",
                AAR_MANIFEST.as_bytes().to_vec(),
                true,
            ),
            ZipItem::new("classes.jar", jar(&classes), false),
            ZipItem::new("R.txt", Vec::new(), true),
            ZipItem::new("jni/arm64-v8a/libumeng-spy.so", elf_stub(), true),
        ],
        &ZipTail::default(),
    );
    let path = dir.path().join("umeng-analytics.aar");
    std::fs::write(&path, aar).unwrap();
    let auditor = Auditor::new(&Config::default()).unwrap();
    let facts = auditor.audit(&path, None).unwrap().extraction.facts;

    assert_eq!(facts.container, "aar");
    let permissions: Vec<&str> = facts.permissions.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        permissions,
        [
            "android.permission.READ_PHONE_STATE",
            "android.permission.ACCESS_WIFI_STATE"
        ]
    );
    assert!(
        facts
            .components
            .iter()
            .any(|c| c.name == "com.umeng.analytics.UmengService" && c.kind == "service")
    );
    assert!(
        facts
            .native_libs
            .iter()
            .any(|l| l.name == "libumeng-spy.so")
    );
    assert!(
        facts
            .urls
            .iter()
            .any(|u| u == "https://alog.umeng.com/app_logs")
    );
    assert!(
        facts.sdks.iter().any(|s| s.id == "umeng-analytics"),
        "{:?}",
        facts.sdks
    );

    // Both PI reads are in u.aly, reachable only from Umeng's public class: Umeng's.
    for api in [
        "Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;",
        "Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;",
    ] {
        let refs: Vec<_> = facts.api_refs.iter().filter(|r| r.api == api).collect();
        assert_eq!(refs.len(), 1, "{api}: {refs:?}");
        assert_eq!(refs[0].attributed_to, "sdk", "{api}");
        assert_eq!(refs[0].sdk.as_deref(), Some("umeng-analytics"), "{api}");
    }
}

#[test]
fn a_jar_of_class_files_is_read_without_a_dex() {
    let dir = tempfile::tempdir().unwrap();
    let Some(classes) = sdk_classes(dir.path()) else {
        return;
    };
    let path = dir.path().join("umeng.jar");
    std::fs::write(&path, jar(&classes)).unwrap();
    let auditor = Auditor::new(&Config::default()).unwrap();
    let facts = auditor.audit(&path, None).unwrap().extraction.facts;
    assert_eq!(facts.container, "jar");
    assert!(facts.permissions.is_empty());
    let device_id = facts
        .api_refs
        .iter()
        .find(|r| r.api.contains("getDeviceId"))
        .expect("device id read found");
    assert_eq!(device_id.callers, ["u.aly.Collector"]);
    assert_eq!(device_id.sdk.as_deref(), Some("umeng-analytics"));
}

#[test]
fn a_corrupt_class_file_is_a_problem_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = write_zip(
        &[
            ZipItem::new(
                "com/x/A.class",
                b"\xca\xfe\xba\xbe\x00\x00\x00\x34\xff\xff".to_vec(),
                true,
            ),
            ZipItem::new("com/x/B.class", b"not a class".to_vec(), true),
        ],
        &ZipTail::default(),
    );
    let path = dir.path().join("broken.jar");
    std::fs::write(&path, bytes).unwrap();
    let auditor = Auditor::new(&Config::default()).unwrap();
    let facts = auditor.audit(&path, None).unwrap().extraction.facts;
    assert_eq!(facts.container, "jar");
    assert!(
        facts.problems.iter().filter(|p| p.stage == "jar").count() >= 2,
        "{:?}",
        facts.problems
    );
}

/// A directory walk takes SDK archives as it takes apps: `piaudit scan DIR` vets every `.aar`
/// and `.jar` under it (and still leaves other files alone).
#[test]
fn a_directory_walk_vets_the_sdk_archives_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let Some(classes) = sdk_classes(dir.path()) else {
        return;
    };
    let root = dir.path().join("vendor-sdks");
    std::fs::create_dir_all(root.join("umeng")).unwrap();
    std::fs::write(root.join("umeng/umeng.jar"), jar(&classes)).unwrap();
    let aar = write_zip(
        &[
            ZipItem::new(
                "AndroidManifest.xml",
                AAR_MANIFEST.as_bytes().to_vec(),
                true,
            ),
            ZipItem::new("classes.jar", jar(&classes), false),
        ],
        &ZipTail::default(),
    );
    std::fs::write(root.join("umeng-analytics.AAR"), aar).unwrap();
    std::fs::write(root.join("notes.txt"), "not an input").unwrap();
    let found = piaudit::batch::discover(std::slice::from_ref(&root));
    assert_eq!(
        found.inputs,
        [
            root.join("umeng/umeng.jar"),
            root.join("umeng-analytics.AAR")
        ]
    );
    let out = Command::new(env!("CARGO_BIN_EXE_piaudit"))
        .args(["scan", "--format", "jsonl"])
        .arg(&root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut containers: Vec<&str> = records
        .iter()
        .filter_map(|r| r.pointer("/app/container").and_then(|c| c.as_str()))
        .collect();
    containers.sort_unstable();
    assert_eq!(containers, ["aar", "jar"], "{stdout}");
}
