//! Evidence strength: weak evidence alone makes no SDK, short prefixes need corroboration,
//! packages a host's jar carries make their product `embedded_in` the host, and one piece of
//! evidence makes one SDK. The cases are the false detections seen on real vendor jars (JCore
//! carrying JPush's service package, Alipay carrying mPaaS annotations, Umeng 5.x's key).

use piaudit_sdk::{Catalog, Confidence, Evidence, EvidenceKind, SdkHit, Weight};

const CATALOG: &str = r#"
schema_version = 1

[[sdk]]
id = "jiguang-core"
name = { zh = "极光 JCore", en = "JCore" }
vendor = { zh = "极光", en = "Aurora Mobile" }
category = "push"
classes = ["cn.jiguang"]
carries = ["cn.jpush.android.service", "cn.jiguang.analytics.page"]
meta_data = ["JPUSH_APPKEY"]
policy_names = { zh = ["极光"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "jpush"
name = { zh = "极光推送", en = "JPush" }
vendor = { zh = "极光", en = "Aurora Mobile" }
category = "push"
classes = ["cn.jpush.android"]
components = ["cn.jpush.android"]
policy_names = { zh = ["极光推送"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "jiguang-analytics"
name = { zh = "极光统计", en = "JAnalytics" }
vendor = { zh = "极光", en = "Aurora Mobile" }
category = "analytics"
classes = ["cn.jiguang.analytics"]
policy_names = { zh = ["极光统计"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "alipay-sdk"
name = { zh = "支付宝", en = "Alipay" }
vendor = { zh = "支付宝（中国）网络技术有限公司", en = "Alipay" }
category = "payment"
classes = ["com.alipay.sdk"]
carries = ["com.alipay.mobile.framework"]
policy_names = { zh = ["支付宝"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "mpaas"
name = { zh = "mPaaS", en = "mPaaS" }
vendor = { zh = "蚂蚁", en = "Ant" }
category = "framework"
classes = ["com.alipay.mobile.framework", "com.alipay.mobile.nebula"]
policy_names = { en = ["mPaaS"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "umeng-common"
name = { zh = "友盟基础组件", en = "UMCommon" }
vendor = { zh = "友盟同欣", en = "Umeng" }
category = "analytics"
classes = ["com.umeng.commonsdk"]
meta_data = ["UMENG_APPKEY"]
domains = ["umeng.com"]
policy_names = { zh = ["友盟"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "umeng-analytics"
name = { zh = "友盟统计", en = "Umeng Analytics" }
vendor = { zh = "友盟同欣", en = "Umeng" }
category = "analytics"
classes = ["com.umeng.analytics"]
policy_names = { zh = ["友盟统计"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "amap-location"
name = { zh = "高德定位", en = "AMap Location" }
vendor = { zh = "高德", en = "AutoNavi" }
category = "location"
classes = ["com.amap.api.location", "com.loc"]
policy_names = { zh = ["高德定位"] }
source = ["test"]
status = "verified"

[[sdk]]
id = "tencent-map"
name = { zh = "腾讯地图", en = "Tencent Map" }
vendor = { zh = "腾讯", en = "Tencent" }
category = "map"
classes = ["com.tencent.tencentmap.mapsdk"]
domains = ["map.qq.com"]
policy_names = { zh = ["腾讯地图"] }
source = ["test"]
status = "verified"
"#;

fn catalog() -> Catalog {
    Catalog::from_toml(CATALOG).unwrap_or_else(|e| panic!("{e}"))
}

fn hit<'h>(hits: &'h [SdkHit], id: &str) -> Option<&'h SdkHit> {
    hits.iter().find(|h| h.id == id)
}

fn ids(hits: &[SdkHit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

/// JCore alone (as its jar ships): JPush and JAnalytics are embedded in JCore, not integrated.
#[test]
fn packages_a_host_carries_make_their_product_embedded_in_it() {
    let catalog = catalog();
    let classes = [
        "cn.jiguang.api.JCoreInterface",
        "cn.jiguang.a.a",
        "cn.jpush.android.service.PushService",
        "cn.jpush.android.service.DaemonService",
        "cn.jiguang.analytics.page.PushSA",
    ];
    let components = ["cn.jpush.android.service.PushService"];
    let hits = catalog.detect(&Evidence {
        classes: &classes,
        components: &components,
        meta_data_keys: &["JPUSH_APPKEY"],
        ..Evidence::default()
    });
    assert_eq!(ids(&hits), ["jiguang-analytics", "jiguang-core", "jpush"]);
    let jpush = hit(&hits, "jpush").unwrap();
    assert_eq!(jpush.embedded_in.as_deref(), Some("jiguang-core"));
    assert_eq!(jpush.confidence, Confidence::Low);
    assert!(
        jpush
            .evidence
            .iter()
            .all(|e| e.weight == Weight::Carried && e.carried_by.as_deref() == Some("jiguang-core"))
    );
    assert_eq!(
        hit(&hits, "jiguang-analytics")
            .unwrap()
            .embedded_in
            .as_deref(),
        Some("jiguang-core")
    );
    let core = hit(&hits, "jiguang-core").unwrap();
    assert_eq!(core.embedded_in, None);
    // The key is JCore's evidence only: one piece of evidence makes one SDK.
    assert!(
        jpush
            .evidence
            .iter()
            .all(|e| e.kind != EvidenceKind::MetaData)
    );
    assert!(core.evidence.iter().any(|e| e.value == "JPUSH_APPKEY"));
}

/// JCore plus the JPush jar: JPush's own API package makes it an integration.
#[test]
fn a_product_with_code_outside_the_carried_packages_is_integrated() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        classes: &[
            "cn.jiguang.api.JCoreInterface",
            "cn.jpush.android.service.PushService",
            "cn.jpush.android.api.JPushInterface",
        ],
        ..Evidence::default()
    });
    let jpush = hit(&hits, "jpush").unwrap();
    assert_eq!(jpush.embedded_in, None);
    assert_eq!(jpush.basis, [EvidenceKind::Class]);
}

/// Without its host, a carried package is the product's own code.
#[test]
fn carried_packages_prove_their_product_when_the_host_is_absent() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        classes: &[
            "com.alipay.mobile.framework.A",
            "com.alipay.mobile.framework.B",
            "com.alipay.mobile.framework.C",
            "com.alipay.mobile.framework.D",
        ],
        ..Evidence::default()
    });
    let mpaas = hit(&hits, "mpaas").unwrap();
    assert_eq!(mpaas.embedded_in, None);
    assert_eq!(mpaas.evidence[0].weight, Weight::Strong);
    assert_eq!(mpaas.confidence, Confidence::Medium);
}

/// Alipay ships three mPaaS annotation classes: mPaaS is embedded, not integrated.
#[test]
fn annotation_classes_in_the_alipay_jar_do_not_make_mpaas() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        classes: &[
            "com.alipay.sdk.app.PayTask",
            "com.alipay.sdk.app.AuthTask",
            "com.alipay.mobile.framework.service.annotation.OperationType",
            "com.alipay.mobile.framework.service.annotation.SignCheck",
            "com.alipay.mobile.framework.service.annotation.ResetCookie",
        ],
        ..Evidence::default()
    });
    assert_eq!(
        hit(&hits, "mpaas").unwrap().embedded_in.as_deref(),
        Some("alipay-sdk")
    );
    // Two classes alone are "a few classes": reported, but with low confidence.
    let alipay = hit(&hits, "alipay-sdk").unwrap();
    assert_eq!(alipay.confidence, Confidence::Low);
}

/// Umeng 5.x predates UMCommon: its key and endpoints belong to the Umeng product present.
#[test]
fn weak_evidence_goes_to_the_detected_product_of_the_same_vendor() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        classes: &[
            "com.umeng.analytics.MobclickAgent",
            "com.umeng.analytics.a",
            "com.umeng.analytics.b",
            "com.umeng.analytics.c",
            "u.aly.bi",
        ],
        meta_data_keys: &["UMENG_APPKEY", "UMENG_CHANNEL"],
        urls: &["https://alog.umeng.com/app_logs"],
        ..Evidence::default()
    });
    assert_eq!(ids(&hits), ["umeng-analytics"]);
}

/// Two kinds of weak evidence without a same-vendor product still make a low-confidence hit.
#[test]
fn two_kinds_of_weak_evidence_make_a_low_confidence_detection() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        meta_data_keys: &["UMENG_APPKEY"],
        urls: &["https://alog.umeng.com/app_logs"],
        ..Evidence::default()
    });
    assert_eq!(ids(&hits), ["umeng-common"]);
    assert_eq!(hits[0].confidence, Confidence::Low);
    assert_eq!(
        hits[0].basis,
        [EvidenceKind::MetaData, EvidenceKind::Domain]
    );
}

/// `map.qq.com` inside the QQ SDK is one domain in a string: no Tencent Map.
#[test]
fn a_domain_in_a_string_alone_makes_no_sdk() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        classes: &["com.tencent.connect.auth.QQAuth"],
        urls: &["https://apis.map.qq.com/ws/geocoder/v1/"],
        ..Evidence::default()
    });
    assert!(hit(&hits, "tencent-map").is_none());
}

/// `com.loc` (AMap location internals) counts only next to AMap's distinct classes.
#[test]
fn a_short_prefix_counts_only_with_corroboration() {
    let catalog = catalog();
    let alone = catalog.detect(&Evidence {
        classes: &["com.loc.a", "com.loc.b", "com.loc.c", "com.loc.d"],
        ..Evidence::default()
    });
    assert!(alone.is_empty());
    assert_eq!(catalog.owner_of("com.loc.a"), None);
    let hits = catalog.detect(&Evidence {
        classes: &[
            "com.amap.api.location.AMapLocationClient",
            "com.amap.api.location.AMapLocation",
            "com.loc.a",
            "com.loc.b",
        ],
        ..Evidence::default()
    });
    let amap = hit(&hits, "amap-location").unwrap();
    let short = amap.evidence.iter().find(|e| e.value == "com.loc").unwrap();
    assert_eq!(short.weight, Weight::Corroborating);
    assert_eq!(short.count, 2);
}
