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

/// The two apps `real-sdks.sh` builds around the four vendors' jars, when built.
fn app(name: &str) -> Option<PathBuf> {
    let path = repo()
        .join("target/real-sdks")
        .join(format!("vendors-{name}.apk"));
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} missing (run tests/support/real-sdks.sh)",
            path.display()
        );
        None
    }
}

/// Everything the four jars hold, and nothing else: the carriers' SDKs JVerification bundles are
/// products of their own; WeChat's jar carries Tencent MTA's statistics code, reported as
/// embedded in it.
fn assert_vendor_sdks(facts: &AppFacts) {
    assert_eq!(
        sdks(facts),
        [
            some("cmcc-sso"),
            some("jiguang-core"),
            some("jpush"),
            some("jverification"),
            some("telecom-sso"),
            ("tencent-mta".to_owned(), Some("wechat-opensdk".to_owned())),
            some("unicom-sso"),
            some("wechat-opensdk"),
        ]
    );
}

/// The owner every sensitive call site must have, from the jar (and product) its class comes
/// from; obfuscated internals (`com.ct.auth` in JVerification's jar, `com.tencent.a` in
/// WeChat's) belong to the jar's SDK. Panics on a caller no jar ships.
fn vendor_of(caller: &str) -> (&'static str, Option<&'static str>) {
    const OWNERS: &[(&str, &str)] = &[
        ("cn.jiguang.verifysdk.", "jverification"),
        ("com.ct.auth.", "jverification"),
        ("com.cmic.sso.", "cmcc-sso"),
        ("cn.com.chinatelecom.", "telecom-sso"),
        ("com.unicom.xiaowo.", "unicom-sso"),
        ("com.sdk.mobile.", "unicom-sso"),
        ("cn.jiguang.", "jiguang-core"),
        ("cn.jpush.", "jpush"),
        ("com.tencent.mm.", "wechat-opensdk"),
        ("com.tencent.wxop.", "wechat-opensdk"),
        ("com.tencent.a.", "wechat-opensdk"),
    ];
    if caller.starts_with("com.example.") {
        return ("app", None);
    }
    let (_, sdk) = OWNERS
        .iter()
        .find(|(prefix, _)| caller.starts_with(prefix))
        .unwrap_or_else(|| panic!("{caller}: no jar ships this class"));
    ("sdk", Some(sdk))
}

/// Every call site of every sensitive API is with the SDK whose code makes it; returns the
/// call sites counted.
fn assert_vendor_call_sites(facts: &AppFacts) -> u64 {
    let mut sites = 0;
    for r in &facts.api_refs {
        assert!(
            r.callers.len() < 10,
            "callers cut short, not all checked: {r:?}"
        );
        for caller in &r.callers {
            let (label, sdk) = vendor_of(caller);
            assert_eq!(
                (r.attributed_to.as_str(), r.sdk.as_deref()),
                (label, sdk),
                "{caller}: {r:?}"
            );
        }
        sites += r.call_sites;
    }
    sites
}

fn used(facts: &AppFacts) -> Vec<&str> {
    facts
        .sdks
        .iter()
        .filter(|s| s.used)
        .map(|s| s.id.as_str())
        .collect()
}

/// The app starts JPush and registers with WeChat: those two are used, and JCore, which JPush
/// runs; JVerification and its carriers' SDKs, bundled with their activities in the manifest
/// but never called, are not.
#[test]
fn an_app_calling_jpush_and_wechat_uses_them_and_not_the_bundled_jverification() {
    let Some(path) = app("uses") else { return };
    let facts = facts_of(&path);
    assert_vendor_sdks(&facts);
    assert_eq!(used(&facts), ["jiguang-core", "jpush", "wechat-opensdk"]);
    let wechat = facts
        .sdks
        .iter()
        .find(|s| s.id == "wechat-opensdk")
        .unwrap();
    assert_eq!(
        wechat.usage.example_callers,
        ["com.example.vendors.MainActivity"],
        "{wechat:?}"
    );
    let sites = assert_vendor_call_sites(&facts);
    assert!(sites >= 70, "{sites} call sites");
    // The app's own read of the device id is the app's, beside the SDKs' reads of it.
    let device_id: Vec<(&str, Option<&str>)> = facts
        .api_refs
        .iter()
        .filter(|r| r.api.contains("getDeviceId"))
        .map(|r| (r.attributed_to.as_str(), r.sdk.as_deref()))
        .collect();
    assert_eq!(
        device_id,
        [
            ("app", None),
            ("sdk", Some("jiguang-core")),
            ("sdk", Some("jverification")),
            ("sdk", Some("wechat-opensdk")),
        ]
    );
}

/// The same jars and manifest entries in an app that calls none of them: nothing is used.
/// JCore's own provider and receivers still run at start-up: reported as initialised there,
/// not as use by the app.
#[test]
fn an_app_bundling_the_jars_and_calling_nothing_uses_none() {
    let Some(path) = app("bundles") else { return };
    let facts = facts_of(&path);
    assert_vendor_sdks(&facts);
    assert_eq!(used(&facts), Vec::<&str>::new());
    let started: Vec<&str> = facts
        .sdks
        .iter()
        .filter(|s| s.initialised_at_startup == Some(true))
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(started, ["jiguang-core"]);
    assert_vendor_call_sites(&facts);
}

/// Each new vendor's jar alone, dexed: its products and no other, and its call sites with them.
#[test]
fn jverification_and_wechat_alone() {
    let Some(dir) = dir() else { return };
    for (input, expected) in [
        (
            "jverification.dex",
            vec![
                some("cmcc-sso"),
                some("jverification"),
                some("telecom-sso"),
                some("unicom-sso"),
            ],
        ),
        (
            "wechat.dex",
            vec![
                ("tencent-mta".to_owned(), Some("wechat-opensdk".to_owned())),
                some("wechat-opensdk"),
            ],
        ),
        // The later OpenSDK (`com.tencent.mm.opensdk`) ships no statistics code.
        ("wechat-opensdk.dex", vec![some("wechat-opensdk")]),
    ] {
        let path = dir.join(input);
        if !path.is_file() {
            eprintln!(
                "SKIPPED: {} missing (run tests/support/real-sdks.sh)",
                path.display()
            );
            continue;
        }
        let facts = facts_of(&path);
        assert_eq!(sdks(&facts), expected, "{input}");
        let sites = assert_vendor_call_sites(&facts);
        // The later WeChat OpenSDK reads no PI itself; the other two do.
        assert_eq!(sites > 0, input != "wechat-opensdk.dex", "{input}: {sites}");
    }
}
