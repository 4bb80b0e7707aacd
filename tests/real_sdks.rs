//! Real SDK bytecode as vendors ship it: JCore 1.2.3 and JPush 3.1.6 (from the React Native
//! plugins on npm, fetched and converted to DEX by `tests/support/real-sdks.sh`, which `.ci/run`
//! runs). Skips, saying so, when `target/real-sdks` has not been prepared.
//!
//! Asserts what the issue found wrong on real jars: no SDK reported that is not there (JCore
//! carries `cn.jpush.android.service`, which is not JPush), and every sensitive call site
//! attributed to the SDK whose code makes it.

mod common;

use std::path::{Path, PathBuf};

use common::{ZipItem, ZipTail, repo, write_zip};
use piaudit::auditor::{Auditor, Config};
use piaudit::facts::AppFacts;

fn dir() -> Option<PathBuf> {
    let dir = repo().join("target/real-sdks");
    if dir.join("jcore.dex").is_file() && dir.join("jpush.dex").is_file() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: target/real-sdks missing (run tests/support/real-sdks.sh)");
        None
    }
}

fn facts_of(path: &Path) -> AppFacts {
    let auditor = Auditor::new(&Config::default()).unwrap();
    auditor.audit(path, None).unwrap().extraction.facts
}

/// (id, embedded_in) of every SDK reported.
fn sdks(facts: &AppFacts) -> Vec<(String, Option<String>)> {
    facts
        .sdks
        .iter()
        .map(|s| (s.id.clone(), s.embedded_in.clone()))
        .collect()
}

/// Every `api_refs` entry is owned by one SDK, and each of its callers lies under that SDK's
/// vendor package (`cn.jiguang` → jiguang-core; `cn.jpush` → jpush, or jiguang-core when JPush
/// is only embedded in JCore).
fn assert_owned(facts: &AppFacts, owner_of: impl Fn(&str) -> &'static str) {
    assert!(!facts.api_refs.is_empty(), "no sensitive API found");
    for r in &facts.api_refs {
        assert_eq!(r.attributed_to, "sdk", "{r:?}");
        for caller in &r.callers {
            assert_eq!(r.sdk.as_deref(), Some(owner_of(caller)), "{caller}: {r:?}");
        }
    }
}

fn some(s: &str) -> (String, Option<String>) {
    (s.to_owned(), None)
}

#[test]
fn jcore_alone_is_jcore_with_jpush_only_embedded() {
    let Some(dir) = dir() else { return };
    for input in ["jcore.dex", "jcore-android-1.2.3.jar"] {
        let facts = facts_of(&dir.join(input));
        assert_eq!(
            sdks(&facts),
            [
                some("jiguang-core"),
                ("jpush".to_owned(), Some("jiguang-core".to_owned()))
            ],
            "{input}"
        );
        // JCore's own code reads the IMEI, IMSI, MAC, location and app list.
        let apis: Vec<&str> = facts.api_refs.iter().map(|r| r.api.as_str()).collect();
        for api in [
            "getDeviceId",
            "getSubscriberId",
            "getInstalledPackages",
            "getLastKnownLocation",
        ] {
            assert!(
                apis.iter().any(|a| a.contains(api)),
                "{input}: {api} in {apis:?}"
            );
        }
        assert_owned(&facts, |_| "jiguang-core");
    }
}

#[test]
fn jpush_alone_is_jpush() {
    let Some(dir) = dir() else { return };
    for input in ["jpush.dex", "jpush-android-3.1.6.jar"] {
        let facts = facts_of(&dir.join(input));
        assert_eq!(sdks(&facts), [some("jpush")], "{input}");
        assert_owned(&facts, |_| "jpush");
    }
}

/// Both vendor jars in one app (two DEX files and JCore's native library, as an app ships
/// them): two integrated SDKs, each call site with the SDK whose code makes it.
#[test]
fn jcore_and_jpush_together_keep_their_own_call_sites() {
    let Some(dir) = dir() else { return };
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let app = write_zip(
        &[
            ZipItem::new("classes.dex", read("jcore.dex"), true),
            ZipItem::new("classes2.dex", read("jpush.dex"), true),
            ZipItem::new("lib/arm64-v8a/libjcore123.so", read("libjcore123.so"), true),
        ],
        &ZipTail::default(),
    );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("jiguang.zip");
    std::fs::write(&path, app).unwrap();
    let facts = facts_of(&path);
    assert_eq!(sdks(&facts), [some("jiguang-core"), some("jpush")]);
    let core = facts.sdks.iter().find(|s| s.id == "jiguang-core").unwrap();
    assert_eq!(
        core.confidence, "high",
        "classes and native library: {core:?}"
    );
    assert_owned(&facts, |caller| {
        if caller.starts_with("cn.jiguang.") {
            "jiguang-core"
        } else {
            "jpush"
        }
    });
    let owners: std::collections::BTreeSet<_> = facts
        .api_refs
        .iter()
        .filter_map(|r| r.sdk.as_deref())
        .collect();
    assert_eq!(
        owners.into_iter().collect::<Vec<_>>(),
        ["jiguang-core", "jpush"]
    );
}
