//! Attribution of classes to the app, an SDK, the platform or unknown third-party code.

mod common;

use common::catalog;
use piaudit_sdk::{Attribution, FirstParty};

#[test]
fn classes_are_attributed_to_app_sdk_platform_or_third_party() {
    let catalog = catalog();
    let first_party = catalog.first_party(
        Some("cn.piaudit.app"),
        Some("cn.piaudit.core.MyApplication"),
    );
    let label = |class: &str| {
        catalog
            .attribute(class, &first_party)
            .label(&catalog)
            .to_owned()
    };

    assert_eq!(label("cn.piaudit.app.Push"), "app");
    assert_eq!(label("cn.piaudit.app.ui.MainActivity$1"), "app");
    assert_eq!(label("cn.piaudit.core.Db"), "app");
    assert_eq!(label("cn.piaudit.appx.Other"), "third-party");
    assert_eq!(
        label("com.umeng.analytics.MobclickAgent"),
        "umeng-analytics"
    );
    assert_eq!(label("android.app.Activity"), "platform");
    assert_eq!(
        label("androidx.appcompat.app.AppCompatActivity"),
        "platform"
    );
    assert_eq!(label("kotlin.collections.CollectionsKt"), "platform");
    assert_eq!(label("java.lang.String"), "platform");
    assert_eq!(
        label("com.google.android.material.button.MaterialButton"),
        "platform"
    );
    assert_eq!(label("okhttp3.OkHttpClient"), "third-party");
    assert_eq!(label("a.b.c"), "third-party");
}

#[test]
fn sdk_nested_in_the_app_package_is_the_sdk_and_ties_go_to_the_app() {
    let catalog = catalog();
    // An app whose package contains an SDK prefix: the deeper SDK prefix wins.
    let first_party = FirstParty::new(["com.tencent.mm"]);
    assert_eq!(
        catalog.attribute("com.tencent.mm.ui.LauncherUI", &first_party),
        Attribution::App
    );
    assert!(matches!(
        catalog.attribute("com.tencent.mm.opensdk.openapi.WXAPIFactory", &first_party),
        Attribution::Sdk(_)
    ));
    // The SDK vendor's own demo app with the same package as the SDK prefix: tie, app wins.
    let vendor_app = FirstParty::new(["com.umeng.analytics"]);
    assert_eq!(
        catalog.attribute("com.umeng.analytics.Demo", &vendor_app),
        Attribution::App
    );
}

#[test]
fn application_class_owned_by_an_sdk_or_the_platform_is_not_first_party() {
    let catalog = catalog();
    let first_party = catalog.first_party(
        Some("com.example.shop"),
        Some("com.tencent.bugly.beta.tinker.TinkerPatchReflectApp"),
    );
    assert!(matches!(
        catalog.attribute("com.tencent.bugly.crashreport.CrashReport", &first_party),
        Attribution::Sdk(_)
    ));
    let platform_app = catalog.first_party(None, Some("android.app.Application"));
    assert_eq!(
        catalog.attribute("android.app.Foo", &platform_app),
        Attribution::Platform
    );
    assert_eq!(
        catalog.attribute("com.example.shop.A", &platform_app),
        Attribution::ThirdParty
    );
}

#[test]
fn malformed_first_party_prefixes_are_ignored() {
    let mut first_party = FirstParty::default();
    assert!(!first_party.add(""));
    assert!(!first_party.add("com..x"));
    assert!(!first_party.add("androidx.core"));
    assert!(first_party.add("com.example"));
    let catalog = catalog();
    assert_eq!(
        catalog.attribute("com.example.A", &first_party),
        Attribution::App
    );
}
