//! Detection through each kind of evidence, look-alikes that must not match, longest match,
//! usage from call sites and the serialized shape other tools read.

mod common;

use common::{catalog, owner_id};
use piaudit_sdk::{CallSite, Confidence, Evidence, EvidenceKind, EvidenceStrength, SdkHit, Weight};

fn hit<'h>(hits: &'h [SdkHit], id: &str) -> Option<&'h SdkHit> {
    hits.iter().find(|h| h.id == id)
}

fn ids(hits: &[SdkHit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn class_prefix_matches_on_package_boundaries() {
    let catalog = catalog();
    assert_eq!(
        owner_id(&catalog, "com.umeng.analytics.MobclickAgent").as_deref(),
        Some("umeng-analytics")
    );
    assert_eq!(
        owner_id(&catalog, "com.umeng.analytics").as_deref(),
        Some("umeng-analytics")
    );
    assert_eq!(
        owner_id(&catalog, "com.umeng.commonsdk.a.b$c").as_deref(),
        Some("umeng-analytics")
    );
    for look_alike in [
        "com.umengx.Foo",
        "com.umeng.analyticsx.Foo",
        "com.umeng.Other",
        "com.tencentx.mm.opensdk.A",
        "cn.piaudit.app.Push",
        "com.tencent.mm.ui.Main",
        "",
        ".",
        "com..umeng.analytics.A",
    ] {
        assert_eq!(owner_id(&catalog, look_alike), None, "{look_alike}");
    }
}

#[test]
fn full_class_signature_matches_itself_and_inner_classes_only() {
    let catalog = catalog();
    let owner = |c| owner_id(&catalog, c);
    assert_eq!(
        owner("cn.jpush.android.api.JPushInterface").as_deref(),
        Some("jpush")
    );
    assert_eq!(
        owner("cn.jpush.android.api.JPushInterface$1").as_deref(),
        Some("jpush")
    );
    assert_eq!(owner("cn.jpush.android.api.JPushInterfaceImpl"), None);
    assert_eq!(
        owner("cn.jpush.android.api.BasicPushNotificationBuilder"),
        None
    );
}

#[test]
fn longest_prefix_wins() {
    let catalog = catalog();
    assert_eq!(
        owner_id(&catalog, "com.tencent.mm.opensdk.openapi.WXAPIFactory").as_deref(),
        Some("wechat-opensdk")
    );
    assert_eq!(
        owner_id(
            &catalog,
            "com.tencent.mm.opensdk.diffdev.DiffDevOAuthFactory"
        )
        .as_deref(),
        Some("wechat-opensdk-diffdev")
    );
    assert_eq!(
        owner_id(&catalog, "com.tencent.bugly.crashreport.CrashReport").as_deref(),
        Some("tencent-bugly")
    );
}

#[test]
fn detects_from_classes_with_bounded_examples_and_a_count() {
    let catalog = catalog();
    let classes: Vec<String> = (0..1000)
        .map(|i| format!("com.umeng.analytics.C{i}"))
        .collect();
    let mut refs: Vec<&str> = classes.iter().map(String::as_str).collect();
    refs.extend([
        "com.example.app.MainActivity",
        "androidx.core.app.A",
        "a.b.c",
    ]);
    let hits = catalog.detect(&Evidence {
        classes: &refs,
        ..Evidence::default()
    });
    assert_eq!(ids(&hits), ["umeng-analytics"]);
    let umeng = &hits[0];
    assert_eq!(umeng.evidence_strength, EvidenceStrength::Code);
    assert_eq!(umeng.evidence.len(), 1);
    let item = &umeng.evidence[0];
    assert_eq!(item.kind, EvidenceKind::Class);
    assert_eq!(item.value, "com.umeng.analytics");
    assert_eq!(item.count, 1000);
    assert_eq!(item.examples.len(), piaudit_sdk::MAX_EXAMPLES);
}

#[test]
fn detects_from_native_library_file_names_and_paths() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        native_libs: &[
            "lib/arm64-v8a/libjcore300.so",
            "lib/armeabi-v7a/libjcore300.so",
            "libBugly.so",
            "libBuglyX.so",
        ],
        ..Evidence::default()
    });
    assert_eq!(ids(&hits), ["jpush", "tencent-bugly"]);
    let jpush = hit(&hits, "jpush").unwrap();
    assert_eq!(jpush.evidence_strength, EvidenceStrength::Native);
    assert_eq!(jpush.evidence[0].value, "libjcore*");
    assert_eq!(jpush.evidence[0].count, 2);
    assert_eq!(jpush.evidence[0].examples, ["libjcore300.so"]);
}

#[test]
fn detects_from_manifest_components() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        components: &[
            "cn.jpush.android.service.PushService",
            "cn.jpush.android.servicex.Fake",
            "com.example.app.MainActivity",
        ],
        ..Evidence::default()
    });
    assert_eq!(ids(&hits), ["jpush"]);
    assert_eq!(hits[0].evidence[0].kind, EvidenceKind::Component);
    assert_eq!(hits[0].evidence[0].count, 1);
    assert_eq!(hits[0].evidence_strength, EvidenceStrength::Manifest);
}

#[test]
fn meta_data_keys_match_exactly_and_alone_make_no_sdk() {
    let catalog = catalog();
    let keys = ["UMENG_APPKEY", "UMENG_APPKEY_X", "umeng_appkey"];
    let app_code = ["com.example.app.MainActivity"];
    let alone = catalog.detect(&Evidence {
        classes: &app_code,
        meta_data_keys: &keys,
        ..Evidence::default()
    });
    assert!(alone.is_empty(), "a meta-data key alone is weak evidence");
    // With no code to look at (packed or stripped), the key is all there can be.
    let hidden = catalog.detect(&Evidence {
        meta_data_keys: &keys,
        ..Evidence::default()
    });
    assert_eq!(ids(&hidden), ["umeng-analytics"]);
    assert_eq!(hidden[0].confidence, Confidence::Low);
    // With a second kind of weak evidence the SDK is reported, with low confidence.
    let hits = catalog.detect(&Evidence {
        classes: &app_code,
        meta_data_keys: &keys,
        urls: &["https://alog.umeng.com/app_logs"],
        ..Evidence::default()
    });
    assert_eq!(ids(&hits), ["umeng-analytics"]);
    let meta = hits[0]
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::MetaData)
        .unwrap();
    assert_eq!(meta.count, 1);
    assert_eq!(meta.examples, ["UMENG_APPKEY"]);
    assert_eq!(meta.weight, Weight::Weak);
    assert_eq!(hits[0].confidence, Confidence::Low);
    assert_eq!(
        hits[0].basis,
        [EvidenceKind::MetaData, EvidenceKind::Domain]
    );
}

#[test]
fn url_domains_match_on_label_boundaries_and_report_hosts_only() {
    let catalog = catalog();
    let urls = [
        "https://mi.gdt.qq.com/gdt_mview.fcg?token=SECRET",
        "https://notgdt.qq.com/x",
        "http://jpush.cn.evil.example/",
        "not a url",
    ];
    let alone = catalog.detect(&Evidence {
        classes: &["com.example.app.MainActivity"],
        urls: &urls,
        ..Evidence::default()
    });
    assert!(
        alone.is_empty(),
        "an endpoint in a string alone is weak evidence"
    );
    let hits = catalog.detect(&Evidence {
        urls: &urls,
        assets: &["assets/gdt_plugin/gdtadv2.jar"],
        ..Evidence::default()
    });
    assert_eq!(ids(&hits), ["tencent-gdt"]);
    let gdt = &hits[0];
    let domain = gdt
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::Domain)
        .unwrap();
    assert_eq!(domain.examples, ["mi.gdt.qq.com"]);
    assert_eq!(gdt.basis, [EvidenceKind::Asset]);
}

#[test]
fn detects_from_asset_paths() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        assets: &["assets/gdt_plugin/gdtadv2.jar", "assets/other/gdt_plugin/x"],
        ..Evidence::default()
    });
    assert_eq!(ids(&hits), ["tencent-gdt"]);
    assert_eq!(hits[0].evidence[0].kind, EvidenceKind::Asset);
    assert_eq!(hits[0].evidence[0].count, 1);
}

#[test]
fn obfuscated_app_is_detected_through_non_class_evidence() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        classes: &["a.a", "a.b", "b.a.c", "com.example.app.App"],
        meta_data_keys: &["UMENG_APPKEY", "JPUSH_APPKEY"],
        components: &["cn.jpush.android.service.PushService"],
        native_libs: &["lib/arm64-v8a/libBugly.so"],
        ..Evidence::default()
    });
    // Umeng's key alone is weak evidence; JPush rests on its component, Bugly on its library.
    assert_eq!(ids(&hits), ["jpush", "tencent-bugly"]);
    assert!(
        hits.iter()
            .all(|h| h.evidence.iter().all(|e| e.kind != EvidenceKind::Class))
    );
}

#[test]
fn strength_is_the_strongest_kind_seen() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        classes: &["com.umeng.analytics.MobclickAgent"],
        meta_data_keys: &["UMENG_APPKEY"],
        urls: &["https://alog.umeng.com/app_logs"],
        ..Evidence::default()
    });
    let umeng = hit(&hits, "umeng-analytics").unwrap();
    assert_eq!(umeng.evidence_strength, EvidenceStrength::Code);
    let kinds: Vec<EvidenceKind> = umeng.evidence.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EvidenceKind::Class,
            EvidenceKind::MetaData,
            EvidenceKind::Domain
        ]
    );
}

#[test]
fn used_is_true_only_for_calls_from_outside_the_sdk() {
    let catalog = catalog();
    let classes = [
        "com.umeng.analytics.MobclickAgent",
        "com.umeng.analytics.internal.Worker",
        "com.tencent.bugly.crashreport.CrashReport",
        "com.example.app.App",
    ];
    let calls = [
        // Umeng calls itself: not usage.
        CallSite {
            caller: "com.umeng.analytics.internal.Worker",
            callee: "com.umeng.analytics.MobclickAgent",
        },
        // The app calls Bugly: usage.
        CallSite {
            caller: "com.example.app.App",
            callee: "com.tencent.bugly.crashreport.CrashReport",
        },
        CallSite {
            caller: "com.example.app.App",
            callee: "com.tencent.bugly.crashreport.CrashReport",
        },
        // Platform calls are irrelevant.
        CallSite {
            caller: "com.example.app.App",
            callee: "android.app.Activity",
        },
    ];
    let hits = catalog.detect(&Evidence {
        classes: &classes,
        calls: Some(&calls),
        ..Evidence::default()
    });
    let umeng = hit(&hits, "umeng-analytics").unwrap();
    assert!(!umeng.used);
    assert!(umeng.usage.analyzed);
    assert_eq!(umeng.usage.external_call_sites, 0);
    let bugly = hit(&hits, "tencent-bugly").unwrap();
    assert!(bugly.used);
    assert_eq!(bugly.usage.external_call_sites, 2);
    assert_eq!(bugly.usage.example_callers, ["com.example.app.App"]);

    let without_calls = catalog.detect(&Evidence {
        classes: &classes,
        ..Evidence::default()
    });
    assert!(without_calls.iter().all(|h| !h.used && !h.usage.analyzed));
}

#[test]
fn a_call_from_another_sdk_counts_as_external_use() {
    let catalog = catalog();
    let classes = ["com.tencent.bugly.A", "com.umeng.analytics.B"];
    let calls = [CallSite {
        caller: "com.umeng.analytics.B",
        callee: "com.tencent.bugly.A",
    }];
    let hits = catalog.detect(&Evidence {
        classes: &classes,
        calls: Some(&calls),
        ..Evidence::default()
    });
    assert!(hit(&hits, "tencent-bugly").unwrap().used);
    assert!(!hit(&hits, "umeng-analytics").unwrap().used);
}

#[test]
fn hit_serializes_with_the_contract_field_names() {
    let catalog = catalog();
    let hits = catalog.detect(&Evidence {
        meta_data_keys: &["JPUSH_APPKEY"],
        native_libs: &["libjcore300.so"],
        ..Evidence::default()
    });
    let json = serde_json::to_value(&hits[0]).unwrap();
    for field in [
        "id",
        "name",
        "vendor",
        "category",
        "evidence",
        "used",
        "pi_types",
        "evidence_strength",
        "basis",
        "confidence",
        "embedded_in",
    ] {
        assert!(json.get(field).is_some(), "missing {field} in {json}");
    }
    assert_eq!(json["id"], "jpush");
    assert_eq!(json["name"]["zh"], "极光推送");
    assert_eq!(json["category"], "push");
    assert_eq!(json["evidence"][0]["kind"], "native_lib");
    assert_eq!(json["evidence"][1]["kind"], "meta_data");
    assert_eq!(json["evidence"][1]["value"], "JPUSH_APPKEY");
    assert_eq!(json["evidence"][1]["weight"], "weak");
    assert_eq!(json["evidence_strength"], "manifest");
    assert_eq!(json["basis"], serde_json::json!(["native_lib"]));
    assert_eq!(json["confidence"], "medium");
    assert_eq!(json["embedded_in"], serde_json::Value::Null);
    assert_eq!(json["pi_types"][1], "app_list");
    assert_eq!(json["used"], false);
}

#[test]
fn empty_evidence_detects_nothing() {
    assert!(catalog().detect(&Evidence::default()).is_empty());
}
