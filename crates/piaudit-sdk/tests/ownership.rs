//! Ownership of one app's code: obfuscated SDK internals reachable only from one SDK belong to
//! it, code two owners reach stays unknown, carried packages belong to their host, short
//! prefixes own nothing without their SDK, and two SDKs calling the same API stay two owners.

use piaudit_sdk::{Attribution, Catalog, Evidence, FirstParty, Ownership, SdkHit};

const CATALOG: &str = r#"
schema_version = 1

[[sdk]]
id = "umeng-analytics"
name = { zh = "友盟统计", en = "Umeng Analytics" }
category = "analytics"
classes = ["com.umeng.analytics"]
policy_names = { zh = ["友盟"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "qq-connect"
name = { zh = "QQ 互联", en = "QQ Connect" }
category = "login"
classes = ["com.tencent.connect", "com.tencent.tauth"]
policy_names = { zh = ["QQ"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "tencent-mta"
name = { zh = "腾讯移动分析", en = "Tencent MTA" }
category = "analytics"
classes = ["com.tencent.stat"]
policy_names = { zh = ["MTA"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "jiguang-core"
name = { zh = "JCore", en = "JCore" }
category = "push"
classes = ["cn.jiguang"]
carries = ["cn.jpush.android.service"]
policy_names = { zh = ["极光"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "jpush"
name = { zh = "极光推送", en = "JPush" }
category = "push"
classes = ["cn.jpush.android"]
policy_names = { zh = ["极光推送"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "amap-location"
name = { zh = "高德定位", en = "AMap Location" }
category = "location"
classes = ["com.amap.api.location", "com.loc"]
policy_names = { zh = ["高德"] }
source = ["test"]
status = "verified"
"#;

fn catalog() -> Catalog {
    Catalog::from_toml(CATALOG).unwrap_or_else(|e| panic!("{e}"))
}

fn id(catalog: &Catalog, owner: Attribution) -> &str {
    owner.label(catalog)
}

fn detect(catalog: &Catalog, classes: &[&str]) -> Vec<SdkHit> {
    catalog.detect(&Evidence {
        classes,
        ..Evidence::default()
    })
}

const APP: &str = "com.example.app";

/// Umeng 5.x: `u.aly.*` is called only from `com.umeng.analytics` (and from itself).
#[test]
fn obfuscated_internals_reachable_only_from_one_sdk_belong_to_it() {
    let catalog = catalog();
    let classes = [
        "com.example.app.MainActivity",
        "com.umeng.analytics.MobclickAgent",
        "com.umeng.analytics.a",
        "com.umeng.analytics.b",
        "com.umeng.analytics.c",
        "u.aly.bi",
        "u.aly.x",
        "u.aly.y",
        "a.b.Shared",
    ];
    let hits = detect(&catalog, &classes);
    let mut ownership = Ownership::new(&catalog, FirstParty::new([APP]), &hits);
    assert_eq!(ownership.owner("u.aly.bi"), Attribution::ThirdParty);
    ownership.propagate([
        (
            "com.example.app.MainActivity",
            "com.umeng.analytics.MobclickAgent",
        ),
        ("com.umeng.analytics.MobclickAgent", "u.aly.bi"),
        ("u.aly.bi", "u.aly.x"),
        ("u.aly.x", "u.aly.y"),
        ("u.aly.y", "u.aly.x"), // a cycle
        ("u.aly.x", "u.aly.x"),
        // Reached from the app and from Umeng: stays unknown.
        ("com.example.app.MainActivity", "a.b.Shared"),
        ("com.umeng.analytics.a", "a.b.Shared"),
        // The platform calling back into code says nothing.
        ("android.os.Handler", "u.aly.y"),
    ]);
    for internal in ["u.aly.bi", "u.aly.x", "u.aly.y"] {
        assert_eq!(
            id(&catalog, ownership.owner(internal)),
            "umeng-analytics",
            "{internal}"
        );
    }
    assert_eq!(ownership.owner("a.b.Shared"), Attribution::ThirdParty);
    assert_eq!(
        ownership.owner("com.example.app.MainActivity"),
        Attribution::App
    );
    assert_eq!(ownership.owner("java.lang.String"), Attribution::Platform);
    assert_eq!(ownership.inherited_count(), 3);
}

/// QQ Connect's `com.tencent.a.a` internals reached from MTA too stay unknown; each SDK's own
/// classes keep their SDK, so two SDKs calling one API are two owners.
#[test]
fn two_sdks_reaching_the_same_internal_leave_it_unknown_and_keep_their_own_calls() {
    let catalog = catalog();
    let classes = [
        "com.tencent.connect.auth.QQAuth",
        "com.tencent.connect.common.BaseApi",
        "com.tencent.tauth.Tencent",
        "com.tencent.tauth.UiError",
        "com.tencent.stat.StatService",
        "com.tencent.stat.common.StatCommonHelper",
        "com.tencent.stat.a",
        "com.tencent.stat.b",
        "com.tencent.a.a.Util",
        "com.tencent.open.utils.SystemUtils",
    ];
    let hits = detect(&catalog, &classes);
    let mut ownership = Ownership::new(&catalog, FirstParty::new([APP]), &hits);
    ownership.propagate([
        (
            "com.tencent.connect.auth.QQAuth",
            "com.tencent.open.utils.SystemUtils",
        ),
        ("com.tencent.connect.auth.QQAuth", "com.tencent.a.a.Util"),
        ("com.tencent.stat.StatService", "com.tencent.a.a.Util"),
    ]);
    assert_eq!(
        id(
            &catalog,
            ownership.owner("com.tencent.open.utils.SystemUtils")
        ),
        "qq-connect"
    );
    assert_eq!(
        ownership.owner("com.tencent.a.a.Util"),
        Attribution::ThirdParty
    );
    // Both call TelephonyManager.getDeviceId: the call sites keep their own owners.
    assert_eq!(
        id(
            &catalog,
            ownership.owner("com.tencent.stat.common.StatCommonHelper")
        ),
        "tencent-mta"
    );
    assert_eq!(
        id(
            &catalog,
            ownership.owner("com.tencent.connect.common.BaseApi")
        ),
        "qq-connect"
    );
}

/// JCore alone: the JPush service package it carries is JCore's code.
#[test]
fn carried_packages_belong_to_the_host_when_their_product_is_only_embedded() {
    let catalog = catalog();
    let jcore_only = [
        "cn.jiguang.api.JCoreInterface",
        "cn.jiguang.a.a",
        "cn.jiguang.b.b",
        "cn.jiguang.c.c",
        "cn.jpush.android.service.PushService",
    ];
    let hits = detect(&catalog, &jcore_only);
    let ownership = Ownership::new(&catalog, FirstParty::new([APP]), &hits);
    assert_eq!(
        id(
            &catalog,
            ownership.owner("cn.jpush.android.service.PushService")
        ),
        "jiguang-core"
    );
    let mut with_jpush = jcore_only.to_vec();
    with_jpush.push("cn.jpush.android.api.JPushInterface");
    let hits = detect(&catalog, &with_jpush);
    let ownership = Ownership::new(&catalog, FirstParty::new([APP]), &hits);
    assert_eq!(
        id(
            &catalog,
            ownership.owner("cn.jpush.android.service.PushService")
        ),
        "jpush"
    );
}

/// `com.loc` is AMap's only when AMap was detected on its distinct classes.
#[test]
fn a_short_prefix_owns_classes_only_when_its_sdk_is_detected() {
    let catalog = catalog();
    let without = detect(&catalog, &["com.loc.a", "com.loc.b"]);
    let ownership = Ownership::new(&catalog, FirstParty::new([APP]), &without);
    assert_eq!(ownership.owner("com.loc.a"), Attribution::ThirdParty);
    let with = detect(
        &catalog,
        &[
            "com.amap.api.location.AMapLocationClient",
            "com.amap.api.location.AMapLocation",
            "com.loc.a",
        ],
    );
    let ownership = Ownership::new(&catalog, FirstParty::new([APP]), &with);
    assert_eq!(id(&catalog, ownership.owner("com.loc.a")), "amap-location");
}

/// Hostile edges: a long chain is resolved without recursion, in linear time.
#[test]
fn a_long_chain_of_unknown_classes_is_resolved_iteratively() {
    let catalog = catalog();
    let names: Vec<String> = (0..200_000).map(|i| format!("z.c{i}")).collect();
    let mut edges: Vec<(&str, &str)> = vec![("com.umeng.analytics.A", names[0].as_str())];
    edges.extend(names.windows(2).map(|w| (w[0].as_str(), w[1].as_str())));
    let hits = detect(
        &catalog,
        &[
            "com.umeng.analytics.A",
            "com.umeng.analytics.B",
            "com.umeng.analytics.C",
            "com.umeng.analytics.D",
        ],
    );
    let mut ownership = Ownership::new(&catalog, FirstParty::new([APP]), &hits);
    ownership.propagate(edges);
    assert_eq!(
        id(&catalog, ownership.owner("z.c199999")),
        "umeng-analytics"
    );
}
