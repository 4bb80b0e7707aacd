//! The rules of issue 18 (ui, startup, identity, permission-scope, policy-text) firing and
//! staying silent on facts built here, each with the look-alike that must not fire.

mod common;

use common::*;
use piaudit_facts::{AppFacts, AutoStart, Component, LauncherIcon, UiEvidence};

fn ev(source: &str, text: &str) -> UiEvidence {
    UiEvidence {
        source: source.to_owned(),
        text: text.to_owned(),
    }
}

/// An app with strings read, so the "not found in the UI" rules have something to judge.
fn ui_app() -> AppFacts {
    let mut app = base_app();
    app.ui.strings_read = 40;
    app.ui.layouts_read = 5;
    app
}

#[test]
fn prechecked_consent_and_consent_by_use_and_no_refuse_fire_on_their_evidence_only() {
    let clean = evaluate(ui_app());
    for id in [
        "UI-CONSENT-PRECHECKED",
        "UI-CONSENT-BY-USE",
        "UI-CONSENT-NO-REFUSE",
        "UI-REWARD-FOR-PI",
        "PERM-REQUIRED-WORDING",
    ] {
        assert!(!fired(&clean, id), "{id} on a clean app");
    }
    let mut app = ui_app();
    app.ui.prechecked_consent = vec![ev(
        "res/layout/activity_login.xml",
        "CheckBox android:checked=\"true\" next to \"我已阅读并同意《隐私政策》\"",
    )];
    app.ui.consent_by_use = vec![ev("string:login_footer", "登录即代表您同意《隐私政策》")];
    app.ui.consent_without_refuse = vec![ev(
        "res/layout/dialog_privacy.xml",
        "\"请阅读《隐私政策》\" with only \"我知道了\"",
    )];
    app.ui.reward_for_pi = vec![ev("string:banner", "完成实名认证即可领取10元红包")];
    app.ui.permission_required = vec![ev("string:need", "请开启存储权限，否则无法使用本应用")];
    let e = evaluate(app);
    let Some(f) = finding(&e, "UI-CONSENT-PRECHECKED") else {
        panic!("{:?}", ids(&e))
    };
    assert_eq!(
        evidence_texts(f),
        vec![
            "res/layout/activity_login.xml: CheckBox android:checked=\"true\" next to \"我已阅读并同意《隐私政策》\""
        ]
    );
    assert_eq!(f.violated, vec!["MIIT2019-3.4"]);
    for id in [
        "UI-CONSENT-BY-USE",
        "UI-CONSENT-NO-REFUSE",
        "UI-REWARD-FOR-PI",
        "PERM-REQUIRED-WORDING",
    ] {
        assert!(fired(&e, id), "{id} missing from {:?}", ids(&e));
    }
}

#[test]
fn account_cancellation_needs_a_login_activity_of_the_app_and_no_cancellation_anywhere() {
    let mut app = ui_app();
    app.ui.account_signals = vec![ev("string:login_title", "手机号登录")];
    app.components.push(Component {
        kind: "activity".to_owned(),
        name: "cn.example.app.user.LoginActivity".to_owned(),
        ..Component::default()
    });
    let e = evaluate(app.clone());
    let Some(f) = finding(&e, "UI-NO-ACCOUNT-CANCELLATION") else {
        panic!("{:?}", ids(&e))
    };
    assert_eq!(
        evidence_texts(f),
        vec![
            "activity cn.example.app.user.LoginActivity",
            "string:login_title: 手机号登录"
        ]
    );

    // A cancellation entry in the UI, or the policy saying how to cancel: silent.
    let mut with_entry = app.clone();
    with_entry.ui.account_cancellation = vec![ev("string:cancel", "注销账号")];
    assert!(!fired(&evaluate(with_entry), "UI-NO-ACCOUNT-CANCELLATION"));
    let mut with_policy = app.clone();
    with_policy.policies = vec![text_policy(&[], &[], &[])];
    assert!(!fired(&evaluate(with_policy), "UI-NO-ACCOUNT-CANCELLATION"));

    // A login activity of an SDK (another package) is not the app's account system.
    let mut sdk_login = app;
    sdk_login.components.pop();
    sdk_login.components.push(Component {
        kind: "activity".to_owned(),
        name: "com.tencent.tauth.LoginActivity".to_owned(),
        ..Component::default()
    });
    assert!(!fired(&evaluate(sdk_login), "UI-NO-ACCOUNT-CANCELLATION"));
}

#[test]
fn complaint_and_withdrawal_need_pi_a_policy_text_without_the_element_and_no_ui_entry() {
    let mut app = with_permissions(ui_app(), &["android.permission.ACCESS_FINE_LOCATION"]);
    app.policies = vec![text_policy(&["location"], &[], &["complaint", "rights"])];
    let e = evaluate(app.clone());
    assert!(fired(&e, "UI-NO-COMPLAINT-ENTRY"), "{:?}", ids(&e));
    assert!(fired(&e, "UI-NO-CONSENT-WITHDRAWAL"), "{:?}", ids(&e));

    let mut entries = app.clone();
    entries.ui.complaint_entry = vec![ev("string:feedback", "意见反馈")];
    entries.ui.consent_withdrawal = vec![ev("string:withdraw", "撤回同意")];
    let e = evaluate(entries);
    assert!(!fired(&e, "UI-NO-COMPLAINT-ENTRY"));
    assert!(!fired(&e, "UI-NO-CONSENT-WITHDRAWAL"));

    let mut complete = app.clone();
    complete.policies = vec![text_policy(&["location"], &[], &[])];
    let e = evaluate(complete);
    assert!(!fired(&e, "UI-NO-COMPLAINT-ENTRY"));
    assert!(!fired(&e, "UI-NO-CONSENT-WITHDRAWAL"));

    // No strings read (a bare DEX): nothing can be said about the UI.
    let mut no_strings = app;
    no_strings.ui.strings_read = 0;
    assert!(!fired(&evaluate(no_strings), "UI-NO-COMPLAINT-ENTRY"));
}

#[test]
fn personalization_switch_is_judged_only_for_the_typed_app_kinds() {
    let untyped = evaluate(ui_app());
    assert!(
        untyped
            .skipped
            .iter()
            .any(|s| s.rule_id == "UI-NO-PERSONALIZATION-SWITCH")
    );
    let mut news = ui_app();
    news.category = Some("news".to_owned());
    assert!(fired(
        &evaluate(news.clone()),
        "UI-NO-PERSONALIZATION-SWITCH"
    ));
    news.ui.personalization_switch = vec![ev("string:p", "个性化推荐")];
    assert!(!fired(&evaluate(news), "UI-NO-PERSONALIZATION-SWITCH"));
    let mut tool = ui_app();
    tool.category = Some("utility_tools".to_owned());
    assert!(!fired(&evaluate(tool), "UI-NO-PERSONALIZATION-SWITCH"));
}

fn auto(kind: &str, trigger: &str, delivered: bool, sdk: Option<&str>) -> AutoStart {
    AutoStart {
        kind: kind.to_owned(),
        component: "x.Y".to_owned(),
        trigger: trigger.to_owned(),
        actions: vec!["android.intent.action.BOOT_COMPLETED".to_owned()],
        delivered,
        sdk: sdk.map(str::to_owned),
    }
}

#[test]
fn self_start_counts_delivered_broadcasts_and_push_sdk_services_only() {
    let mut app = base_app();
    app.auto_start = vec![
        auto("receiver", "user_present", false, None),
        auto("receiver", "app_update", true, None),
        auto("service", "other_apps", true, Some("huawei-push")),
        auto("service", "other_apps", true, None),
    ];
    let e = evaluate(app.clone());
    assert!(!fired(&e, "SELF-START-BROADCAST"), "{:?}", ids(&e));
    assert!(!fired(&e, "ASSOCIATED-START-PUSH"), "{:?}", ids(&e));

    app.auto_start
        .push(auto("receiver", "boot", true, Some("getui-push")));
    app.auto_start
        .push(auto("service", "other_apps", true, Some("jpush")));
    let e = evaluate(app);
    let Some(f) = finding(&e, "SELF-START-BROADCAST") else {
        panic!("{:?}", ids(&e))
    };
    assert_eq!(
        evidence_texts(f),
        vec!["x.Y (android.intent.action.BOOT_COMPLETED) @ SDK getui-push"]
    );
    let Some(f) = finding(&e, "ASSOCIATED-START-PUSH") else {
        panic!("{:?}", ids(&e))
    };
    assert_eq!(f.evidence.len(), 1);
}

#[test]
fn identity_rules_need_blank_names_disabled_entries_and_transparent_pixels() {
    let clean = evaluate(base_app());
    for id in [
        "APP-LABEL-BLANK",
        "APP-LAUNCHER-DISABLED",
        "APP-ICON-TRANSPARENT",
    ] {
        assert!(!fired(&clean, id), "{id}");
    }
    let mut app = base_app();
    app.label = Some("\u{3000}\u{200B}".to_owned());
    assert!(fired(&evaluate(app.clone()), "APP-LABEL-BLANK"));
    // The launcher entry's own label is what the launcher shows.
    app.components[0].label = Some("商城".to_owned());
    assert!(!fired(&evaluate(app.clone()), "APP-LABEL-BLANK"));
    app.label = Some("商城".to_owned());
    assert!(!fired(&evaluate(app), "APP-LABEL-BLANK"));

    let mut hidden = base_app();
    hidden.components[0].launcher = false;
    hidden.components[0].launcher_declared = true;
    hidden.components[0].enabled = Some(false);
    assert!(fired(&evaluate(hidden.clone()), "APP-LAUNCHER-DISABLED"));
    // An icon-switching app: one alias disabled, another enabled.
    let mut switching = hidden;
    switching.components.push(Component {
        kind: "activity-alias".to_owned(),
        name: "cn.example.app.Festival".to_owned(),
        launcher: true,
        launcher_declared: true,
        ..Component::default()
    });
    assert!(!fired(&evaluate(switching), "APP-LAUNCHER-DISABLED"));
    // No launcher entry at all (a plug-in, a test package): not judged.
    let mut headless = base_app();
    headless.components.clear();
    assert!(!fired(&evaluate(headless), "APP-LAUNCHER-DISABLED"));

    let mut icon = base_app();
    icon.launcher_icon = Some(LauncherIcon {
        reference: "@mipmap/ic_launcher".to_owned(),
        file: Some("res/mipmap-xxhdpi-v4/ic_launcher.png".to_owned()),
        format: "png".to_owned(),
        png: Some("res/mipmap-xxhdpi-v4/ic_launcher.png".to_owned()),
        fully_transparent: Some(true),
        note: None,
    });
    assert!(fired(&evaluate(icon.clone()), "APP-ICON-TRANSPARENT"));
    for undecided in [Some(false), None] {
        if let Some(i) = icon.launcher_icon.as_mut() {
            i.fully_transparent = undecided;
        }
        assert!(!fired(&evaluate(icon.clone()), "APP-ICON-TRANSPARENT"));
    }
}

#[test]
fn permission_scope_rules() {
    let app = with_permissions(
        base_app(),
        &[
            "android.permission.ACCESS_BACKGROUND_LOCATION",
            "android.permission.READ_MEDIA_IMAGES",
        ],
    );
    let e = evaluate(app);
    assert!(fired(&e, "PERM-BACKGROUND-LOCATION"), "{:?}", ids(&e));
    assert!(fired(&e, "PERM-BROAD-STORAGE"), "{:?}", ids(&e));

    // Storage limited to old releases, as the platform recommends: silent.
    let mut limited = base_app();
    let mut read = permission("android.permission.READ_EXTERNAL_STORAGE");
    read.max_sdk = Some(32);
    let mut write = permission("android.permission.WRITE_EXTERNAL_STORAGE");
    write.max_sdk = Some(28);
    limited.permissions.extend([read, write]);
    assert!(!fired(&evaluate(limited), "PERM-BROAD-STORAGE"));

    // Purpose text: needed for dangerous PI permissions requested at run time.
    let mut purpose = with_permissions(ui_app(), &["android.permission.CAMERA"]);
    assert!(fired(&evaluate(purpose.clone()), "PERM-PURPOSE-NOT-FOUND"));
    purpose.ui.permission_purpose = vec![ev("string:cam", "开启相机权限，用于扫码")];
    assert!(!fired(&evaluate(purpose.clone()), "PERM-PURPOSE-NOT-FOUND"));
    purpose.ui.permission_purpose.clear();
    purpose.target_sdk_effective = 22;
    assert!(!fired(&evaluate(purpose), "PERM-PURPOSE-NOT-FOUND"));

    // One request naming two PI types is bundled; two permissions of one type are not.
    let mut bundled = base_app();
    bundled.startup_permission_requests = vec![startup_request(&[
        "android.permission.ACCESS_FINE_LOCATION",
        "android.permission.ACCESS_COARSE_LOCATION",
    ])];
    assert!(!fired(&evaluate(bundled.clone()), "PERM-BUNDLED-REQUEST"));
    bundled.startup_permission_requests[0]
        .permissions
        .push("android.permission.READ_CONTACTS".to_owned());
    let e = evaluate(bundled);
    let Some(f) = finding(&e, "PERM-BUNDLED-REQUEST") else {
        panic!("{:?}", ids(&e))
    };
    assert_eq!(f.evidence.len(), 1);

    // Ads with the install permission.
    let mut ads = base_app();
    ads.sdks = vec![sdk("pangle", "ads", &["device_id"])];
    assert!(!fired(&evaluate(ads.clone()), "ADS-CAN-INSTALL-APPS"));
    ads.permissions
        .push(permission("android.permission.REQUEST_INSTALL_PACKAGES"));
    assert!(fired(&evaluate(ads), "ADS-CAN-INSTALL-APPS"));
}

#[test]
fn policy_language_and_denials() {
    let mut english = with_permissions(base_app(), &["android.permission.ACCESS_FINE_LOCATION"]);
    let mut text = text_policy(&["location"], &[], &[]);
    text.lang = "en".to_owned();
    english.policies = vec![text];
    let e = evaluate(english.clone());
    assert!(fired(&e, "POLICY-NOT-CHINESE"), "{:?}", ids(&e));
    // A Chinese or mixed text beside it, or no analysed text at all: silent.
    let mut zh = english.clone();
    zh.policies.push(text_policy(&["location"], &[], &[]));
    assert!(!fired(&evaluate(zh), "POLICY-NOT-CHINESE"));
    let mut url_only = english;
    url_only.policies = vec![url_policy("https://example.com/privacy", None)];
    assert!(!fired(&evaluate(url_only), "POLICY-NOT-CHINESE"));

    let mut denied = with_permissions(base_app(), &["android.permission.READ_CONTACTS"]);
    let mut policy = text_policy(&["contacts"], &[], &[]);
    let negate = |policy: &mut piaudit_facts::PolicyDoc, negated: bool| {
        if let Some(d) = policy.disclosures.as_mut() {
            d.pi_types[0].negated_only = negated;
        }
    };
    negate(&mut policy, true);
    denied.policies = vec![policy.clone()];
    let e = evaluate(denied.clone());
    let Some(f) = finding(&e, "POLICY-DENIES-COLLECTED-PI") else {
        panic!("{:?}", ids(&e))
    };
    assert_eq!(
        evidence_texts(f),
        vec!["contacts ← android.permission.READ_CONTACTS"]
    );
    negate(&mut policy, false);
    denied.policies = vec![policy];
    assert!(!fired(&evaluate(denied), "POLICY-DENIES-COLLECTED-PI"));
}
