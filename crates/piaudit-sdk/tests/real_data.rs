//! Checks the shipped catalogues in `rules/data/`: they load, are large enough, and every
//! entry carries what reports and rules rely on.

use std::collections::HashSet;
use std::path::PathBuf;

use piaudit_sdk::{Catalog, Evidence, PackerCatalog, PiType};

fn data_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../rules/data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn sdk_catalog() -> Catalog {
    Catalog::from_toml(&data_file("sdks.toml")).unwrap_or_else(|e| panic!("sdks.toml: {e}"))
}

#[test]
fn sdk_catalog_loads_with_at_least_150_unique_entries() {
    let catalog = sdk_catalog();
    let sdks = catalog.sdks();
    assert!(sdks.len() >= 150, "only {} SDKs", sdks.len());
    let ids: HashSet<&str> = sdks.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), sdks.len(), "duplicate ids");
}

#[test]
fn every_sdk_has_a_signature_a_policy_name_and_known_pi_slugs() {
    let catalog = sdk_catalog();
    let known: HashSet<&str> = PiType::ALL.iter().map(|p| p.slug()).collect();
    for sdk in catalog.sdks() {
        let signatures = sdk.classes.len()
            + sdk.native_libs.len()
            + sdk.components.len()
            + sdk.meta_data.len()
            + sdk.domains.len()
            + sdk.assets.len();
        assert!(signatures > 0, "{} has no signature", sdk.id);
        assert!(sdk.policy_names.has_any(), "{} has no policy name", sdk.id);
        assert!(!sdk.source.is_empty(), "{} has no source", sdk.id);
        for pi in &sdk.pi_types {
            assert!(known.contains(pi.slug()), "{}: {}", sdk.id, pi.slug());
        }
    }
}

#[test]
fn chinese_market_sdks_are_present() {
    let catalog = sdk_catalog();
    for id in [
        "umeng-analytics",
        "jpush",
        "getui-push",
        "tencent-bugly",
        "tencent-gdt",
        "pangle-csj",
        "kuaishou-ads",
        "baidu-location",
        "amap-location",
        "wechat-opensdk",
        "tencent-qq-connect",
        "alipay-sdk",
        "huawei-push",
        "xiaomi-push",
        "oppo-push",
        "vivo-push",
        "honor-push",
        "mob-sharesdk",
        "cmcc-sso",
        "chuanglan-shanyan",
        "msa-oaid",
    ] {
        assert!(catalog.find(id).is_some(), "{id} missing");
    }
    // Chinese SDKs come first: the first global entry (Firebase) follows at least 100 of them.
    let first_global = catalog.find("firebase-analytics").map(|idx| idx.get());
    assert!(
        first_global.is_some_and(|pos| pos >= 100),
        "{first_global:?}"
    );
}

#[test]
fn no_class_signature_is_a_vendor_wide_root_and_short_ones_are_corroborated() {
    let catalog = sdk_catalog();
    for sdk in catalog.sdks() {
        let short = |prefix: &str| {
            let segments: Vec<&str> = prefix.split(['.', '$']).collect();
            segments.len() == 2 && segments[1].len() < 4
        };
        for prefix in &sdk.components {
            assert!(!short(prefix), "{}: component {prefix} too short", sdk.id);
        }
        if sdk.classes.iter().any(|p| short(p)) {
            let distinct = sdk.classes.iter().filter(|p| !short(p)).count()
                + sdk.components.len()
                + sdk.native_libs.len();
            assert!(
                distinct > 0,
                "{}: short prefix without corroboration",
                sdk.id
            );
        }
        for prefix in sdk.classes.iter().chain(&sdk.components) {
            let segments: Vec<&str> = prefix.split(['.', '$']).collect();
            assert!(segments.len() >= 2, "{}: {prefix}", sdk.id);
            assert!(
                ![
                    "com.tencent",
                    "com.baidu",
                    "com.alibaba",
                    "com.google",
                    "com.dv"
                ]
                .contains(&prefix.as_str()),
                "{}: {prefix}",
                sdk.id
            );
        }
    }
}

#[test]
fn real_catalogue_attributes_common_classes() {
    let catalog = sdk_catalog();
    let id_of = |class: &str| {
        catalog
            .owner_of(class)
            .and_then(|idx| catalog.sdk(idx))
            .map(|s| s.id.clone())
    };
    assert_eq!(
        id_of("com.umeng.analytics.MobclickAgent").as_deref(),
        Some("umeng-analytics")
    );
    assert_eq!(
        id_of("com.umeng.commonsdk.UMConfigure").as_deref(),
        Some("umeng-common")
    );
    assert_eq!(
        id_of("cn.jpush.android.api.JPushInterface$1").as_deref(),
        Some("jpush")
    );
    assert_eq!(
        id_of("cn.jiguang.verifysdk.api.JVerificationInterface").as_deref(),
        Some("jverification")
    );
    assert_eq!(
        id_of("com.tencent.bugly.crashreport.CrashReport").as_deref(),
        Some("tencent-bugly")
    );
    assert_eq!(
        id_of("com.tencent.mm.opensdk.openapi.WXAPIFactory").as_deref(),
        Some("wechat-opensdk")
    );
    assert_eq!(id_of("com.tencent.mm.ui.LauncherUI"), None);
    assert_eq!(id_of("com.tencentx.Foo"), None);
    assert_eq!(id_of("com.umengx.Foo"), None);
    assert_eq!(id_of("androidx.core.app.NotificationCompat"), None);
}

#[test]
fn obfuscated_app_is_detected_from_manifest_and_native_evidence() {
    let catalog = sdk_catalog();
    let evidence = Evidence {
        classes: &["a.b.c", "a.b.d", "com.example.app.MainActivity"],
        native_libs: &["lib/arm64-v8a/libBugly.so", "lib/arm64-v8a/libjcore300.so"],
        components: &["com.amap.api.location.APSService"],
        meta_data_keys: &["UMENG_APPKEY", "com.amap.api.v2.apikey"],
        urls: &["https://alog.umeng.com/app_logs"],
        ..Evidence::default()
    };
    let ids: Vec<String> = catalog
        .detect(&evidence)
        .into_iter()
        .map(|h| h.id)
        .collect();
    for expected in [
        "amap-location",
        "jiguang-core",
        "tencent-bugly",
        "umeng-common",
    ] {
        assert!(
            ids.iter().any(|id| id == expected),
            "{expected} not in {ids:?}"
        );
    }
}

#[test]
fn packer_catalog_loads_and_detects_chinese_packers() {
    let packers = PackerCatalog::from_toml(&data_file("packers.toml"))
        .unwrap_or_else(|e| panic!("packers.toml: {e}"));
    assert!(packers.packers().len() >= 12);
    let ids: HashSet<&str> = packers.packers().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), packers.packers().len());
    for packer in packers.packers() {
        assert!(
            !(packer.native_libs.is_empty()
                && packer.classes.is_empty()
                && packer.assets.is_empty()),
            "{} has no signature",
            packer.id
        );
    }
    let detect = |libs: &[&str], classes: &[&str], assets: &[&str]| -> Vec<String> {
        packers
            .detect(libs, classes, assets)
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    assert_eq!(
        detect(&["lib/armeabi-v7a/libjiagu.so"], &[], &[]),
        ["qihoo-360-jiagu"]
    );
    assert_eq!(detect(&[], &["com.stub.StubApp"], &[]), ["qihoo-360-jiagu"]);
    assert_eq!(detect(&["libsecexe.so"], &[], &[]), ["bangcle"]);
    assert_eq!(
        detect(&[], &["com.secneo.apkwrapper.ApplicationWrapper"], &[]),
        ["bangcle"]
    );
    assert_eq!(detect(&["libshella-2.10.1.so"], &[], &[]), ["tencent-legu"]);
    assert_eq!(detect(&[], &["s.h.e.l.l.S"], &[]), ["ijiami"]);
    assert_eq!(detect(&[], &[], &["assets/ijiami.dat"]), ["ijiami"]);
    assert_eq!(detect(&["libbaiduprotect.so"], &[], &[]), ["baidu-protect"]);
    assert_eq!(
        detect(&["libnesec.so"], &[], &[]),
        ["netease-yidun-protect"]
    );
    assert_eq!(detect(&["libx3g.so"], &[], &[]), ["dingxiang-protect"]);
    assert!(
        detect(
            &["libc++_shared.so", "libflutter.so"],
            &["com.example.App"],
            &[]
        )
        .is_empty()
    );
}
