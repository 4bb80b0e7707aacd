//! Every catalogue rule firing and not firing, on facts built here (the look-alikes included).

mod common;

use common::*;
use piaudit_facts::PolicyFetch;

const LOCATION: &str = "android.permission.ACCESS_FINE_LOCATION";
const PHONE_STATE: &str = "android.permission.READ_PHONE_STATE";
const CAMERA: &str = "android.permission.CAMERA";
const MIC: &str = "android.permission.RECORD_AUDIO";
const CONTACTS: &str = "android.permission.READ_CONTACTS";

#[test]
fn clean_app_without_pi_gets_nothing() {
    let evaluation = evaluate(base_app());
    assert!(evaluation.findings.is_empty(), "{:?}", ids(&evaluation));
    assert!(
        evaluation
            .skipped
            .iter()
            .any(|s| s.rule_id == "PERM-NOT-NECESSARY"),
        "rules needing a category are listed as skipped"
    );
}

#[test]
fn yuhang_like_app() {
    let mut app = with_permissions(base_app(), &[LOCATION, PHONE_STATE, CAMERA, MIC, CONTACTS]);
    app.startup_permission_requests = vec![startup_request(&[
        LOCATION,
        PHONE_STATE,
        CAMERA,
        MIC,
        CONTACTS,
    ])];
    app.category = Some("education".to_owned());
    let evaluation = evaluate(app);
    for id in [
        "POLICY-MISSING",
        "PERM-STARTUP-REQUEST",
        "PERM-NOT-NECESSARY",
        "PERM-HIGH-RISK",
    ] {
        assert!(
            fired(&evaluation, id),
            "{id} missing from {:?}",
            ids(&evaluation)
        );
    }
    let Some(necessity) = finding(&evaluation, "PERM-NOT-NECESSARY") else {
        return;
    };
    let flagged = evidence_texts(necessity);
    // Camera and microphone are on-demand for education (live class); the others are not needed.
    assert_eq!(flagged, vec![LOCATION, PHONE_STATE, CONTACTS]);
    assert!(
        necessity.message.en.contains("education"),
        "{}",
        necessity.message.en
    );
    // Most serious first.
    assert_eq!(
        evaluation.findings.first().map(|f| f.rule_id.as_str()),
        Some("POLICY-MISSING")
    );
}

#[test]
fn policy_missing_fires_on_pi_permission_and_not_on_internet_only() {
    let evaluation = evaluate(with_permissions(base_app(), &[LOCATION]));
    let Some(f) = finding(&evaluation, "POLICY-MISSING") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert_eq!(evidence_texts(f), vec![format!("location ← {LOCATION}")]);
    assert!(f.message.zh.contains("位置信息 ← "), "{}", f.message.zh);
    assert!(f.message.en.contains("location ← "));

    let only_internet = evaluate(with_permissions(
        base_app(),
        &["android.permission.ACCESS_NETWORK_STATE"],
    ));
    assert!(!fired(&only_internet, "POLICY-MISSING"));
}

#[test]
fn policy_missing_counts_sdks_and_strong_api_refs_only() {
    let mut app = base_app();
    app.sdks = vec![sdk("umeng-analytics", "analytics", &["device_id"])];
    assert!(fired(&evaluate(app), "POLICY-MISSING"));

    // A generic API (queryIntentActivities) and an IMEI read without READ_PHONE_STATE collect nothing.
    let mut app = base_app();
    app.api_refs = vec![
        api_ref(QUERY_INTENT, "app_list", None, None, "cn.example.app.Share"),
        api_ref(
            GET_DEVICE_ID,
            "device_id",
            Some(PHONE_STATE),
            Some("umeng-analytics"),
            "com.umeng.Foo",
        ),
    ];
    let evaluation = evaluate(app);
    assert!(
        !fired(&evaluation, "POLICY-MISSING"),
        "{:?}",
        ids(&evaluation)
    );
    assert!(!fired(&evaluation, "API-DEVICE-ID"));
}

#[test]
fn consent_dialog_counts_as_a_policy_but_asks_for_online_check() {
    let mut app = with_permissions(base_app(), &[LOCATION]);
    app.policies = vec![dialog_policy()];
    let evaluation = evaluate(app);
    assert!(!fired(&evaluation, "POLICY-MISSING"));
    assert!(
        fired(&evaluation, "POLICY-NOT-VERIFIABLE"),
        "{:?}",
        ids(&evaluation)
    );
    assert!(
        !fired(&evaluation, "POLICY-UNDISCLOSED-PI"),
        "no text: not this rule's job"
    );
}

#[test]
fn policy_unreachable_only_when_every_fetch_failed() {
    let failed = |status: u16| {
        Some(PolicyFetch {
            url: "https://x.cn/p".to_owned(),
            final_url: "https://x.cn/p".to_owned(),
            status: Some(status),
            fetched_at: "2024-01-01T00:00:00Z".to_owned(),
            ..PolicyFetch::default()
        })
    };
    let mut app = with_permissions(base_app(), &[LOCATION]);
    app.policies = vec![url_policy("https://x.cn/p", failed(404))];
    let evaluation = evaluate(app.clone());
    let Some(f) = finding(&evaluation, "POLICY-UNREACHABLE") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert_eq!(evidence_texts(f), vec!["https://x.cn/p → HTTP 404"]);
    assert!(!fired(&evaluation, "POLICY-NOT-VERIFIABLE"));

    app.policies.push(url_policy("https://x.cn/q", failed(200)));
    assert!(
        !fired(&evaluate(app.clone()), "POLICY-UNREACHABLE"),
        "one link works"
    );

    // Offline (no fetch attempted): not this rule.
    app.policies = vec![url_policy("https://x.cn/p", None)];
    let offline = evaluate(app);
    assert!(!fired(&offline, "POLICY-UNREACHABLE"));
    assert!(fired(&offline, "POLICY-NOT-VERIFIABLE"));
}

#[test]
fn policy_incomplete_lists_missing_elements_over_all_texts() {
    let mut app = with_permissions(base_app(), &[LOCATION]);
    app.sdks = vec![sdk("umeng-analytics", "analytics", &["device_id"])];
    app.policies = vec![text_policy(
        &["location"],
        &[],
        &["retention", "complaint", "third_party_sdk_list"],
    )];
    let evaluation = evaluate(app.clone());
    let Some(f) = finding(&evaluation, "POLICY-INCOMPLETE") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert_eq!(
        evidence_texts(f),
        vec!["retention", "complaint", "third_party_sdk_list"]
    );

    // A policy that names every PI-collecting SDK present has, in substance, its SDK list
    // (e.g. "3. Third parties: we use Umeng Analytics ..."): only the other elements miss.
    let mut named = app.clone();
    named.policies = vec![text_policy(
        &["location"],
        &["umeng-analytics"],
        &["retention", "complaint", "third_party_sdk_list"],
    )];
    let evaluation = evaluate(named);
    let Some(f) = finding(&evaluation, "POLICY-INCOMPLETE") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert_eq!(evidence_texts(f), vec!["retention", "complaint"]);

    // A second text (e.g. an SDK list page) supplying the missing elements silences it.
    app.policies
        .push(text_policy(&[], &[], &["handler_identity"]));
    assert!(!fired(&evaluate(app.clone()), "POLICY-INCOMPLETE"));

    // Without PI-bearing SDKs an SDK list is not required.
    app.sdks.clear();
    app.policies = vec![text_policy(
        &["location"],
        &[],
        &["third_party_sdk_list", "minors", "cross_border"],
    )];
    assert!(!fired(&evaluate(app), "POLICY-INCOMPLETE"));
}

#[test]
fn undisclosed_pi_type_is_found_and_disclosed_one_is_not() {
    let mut app = with_permissions(base_app(), &[LOCATION, CAMERA]);
    app.api_refs = vec![api_ref(
        LAST_LOCATION,
        "location",
        Some(LOCATION),
        None,
        "cn.example.app.Map",
    )];
    app.policies = vec![text_policy(&["camera"], &[], &[])];
    let evaluation = evaluate(app.clone());
    let Some(f) = finding(&evaluation, "POLICY-UNDISCLOSED-PI") else {
        panic!("{:?}", ids(&evaluation))
    };
    let texts = evidence_texts(f);
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts.iter().all(|t| t.starts_with("location ← ")),
        "{texts:?}"
    );

    app.policies = vec![text_policy(&["camera", "location"], &[], &[])];
    assert!(!fired(&evaluate(app), "POLICY-UNDISCLOSED-PI"));
}

#[test]
fn sdk_undisclosed_needs_a_policy_text_and_a_pi_sdk() {
    let mut app = base_app();
    app.sdks = vec![
        sdk("umeng-analytics", "analytics", &["device_id"]),
        sdk("getui-push", "push", &["device_id", "app_list"]),
        sdk("okhttp", "framework", &[]),
    ];
    app.policies = vec![text_policy(
        &["device_id", "app_list"],
        &["umeng-analytics"],
        &[],
    )];
    let evaluation = evaluate(app.clone());
    let Some(f) = finding(&evaluation, "SDK-UNDISCLOSED") else {
        panic!("{:?}", ids(&evaluation))
    };
    // Each SDK is named with the class (or key, library) that proves it.
    assert_eq!(evidence_texts(f), vec!["getui-push (com.vendor)"]);
    assert_eq!(f.evidence_count, 1);

    app.policies = vec![dialog_policy()];
    assert!(
        !fired(&evaluate(app), "SDK-UNDISCLOSED"),
        "no analysed text: cannot judge"
    );
}

#[test]
fn legacy_target_with_dangerous_permissions() {
    let mut app = with_permissions(base_app(), &[CAMERA]);
    app.target_sdk = Some(22);
    app.target_sdk_effective = 22;
    app.flags.uses_cleartext_traffic = Some(false);
    let evaluation = evaluate(app.clone());
    assert!(fired(&evaluation, "PERM-LEGACY-TARGET"));

    let mut no_dangerous = base_app();
    no_dangerous.target_sdk_effective = 22;
    no_dangerous.flags.uses_cleartext_traffic = Some(false);
    assert!(!fired(&evaluate(no_dangerous), "PERM-LEGACY-TARGET"));

    app.target_sdk_effective = 23;
    assert!(!fired(&evaluate(app), "PERM-LEGACY-TARGET"));
}

#[test]
fn startup_request_only_for_pi_permissions() {
    let mut app = with_permissions(
        base_app(),
        &[CAMERA, "android.permission.POST_NOTIFICATIONS"],
    );
    app.startup_permission_requests =
        vec![startup_request(&["android.permission.POST_NOTIFICATIONS"])];
    assert!(
        !fired(&evaluate(app.clone()), "PERM-STARTUP-REQUEST"),
        "notifications carry no PI"
    );

    app.startup_permission_requests
        .push(startup_request(&[CAMERA]));
    let evaluation = evaluate(app);
    let Some(f) = finding(&evaluation, "PERM-STARTUP-REQUEST") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert_eq!(
        evidence_texts(f),
        vec![format!("cn.example.app.MainActivity.onCreate: {CAMERA}")]
    );
}

#[test]
fn not_necessary_is_skipped_without_category_and_respects_the_type() {
    let app = with_permissions(base_app(), &[LOCATION]);
    let evaluation = evaluate(app.clone());
    assert!(!fired(&evaluation, "PERM-NOT-NECESSARY"));
    let skipped = evaluation
        .skipped
        .iter()
        .find(|s| s.rule_id == "PERM-NOT-NECESSARY");
    assert!(
        skipped.is_some_and(|s| s.reason.en.contains("--category")),
        "{:?}",
        evaluation.skipped
    );

    let mut navigation = app.clone();
    navigation.category = Some("map_navigation".to_owned());
    assert!(
        !fired(&evaluate(navigation), "PERM-NOT-NECESSARY"),
        "location is justified for maps"
    );

    let mut news = app;
    news.category = Some("news".to_owned());
    assert!(fired(&evaluate(news), "PERM-NOT-NECESSARY"));
}

#[test]
fn unknown_category_is_an_enrichment_error() {
    let mut app = with_permissions(base_app(), &[LOCATION]);
    app.category = Some("music".to_owned());
    let result = ruleset().tables().enrich(&mut app);
    assert!(result.is_err_and(|e| e.id == "music" && e.known.len() == 39));
    assert_eq!(
        app.permissions.last().and_then(|p| p.pi_type.as_deref()),
        Some("location")
    );
    let evaluation = ruleset().evaluate(&app);
    assert!(
        evaluation
            .skipped
            .iter()
            .any(|s| s.rule_id == "PERM-NOT-NECESSARY" && s.reason.en.contains("music"))
    );
}

#[test]
fn high_risk_fires_without_category_but_not_where_the_type_needs_it() {
    let app = with_permissions(base_app(), &["android.permission.QUERY_ALL_PACKAGES"]);
    let evaluation = evaluate(app.clone());
    let Some(f) = finding(&evaluation, "PERM-HIGH-RISK") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert!(
        f.message.en.contains("app type: not given"),
        "{}",
        f.message.en
    );
    assert!(
        f.message.zh.contains("应用类型：未指定"),
        "{}",
        f.message.zh
    );

    let mut security = app.clone();
    security.category = Some("security_management".to_owned());
    assert!(!fired(&evaluate(security), "PERM-HIGH-RISK"));

    let camera_only = with_permissions(base_app(), &[CAMERA]);
    assert!(!fired(&evaluate(camera_only), "PERM-HIGH-RISK"));
}

#[test]
fn device_id_names_the_sdk_and_ignores_resettable_ids() {
    let mut app = with_permissions(base_app(), &[PHONE_STATE]);
    app.api_refs = vec![
        api_ref(
            GET_DEVICE_ID,
            "device_id",
            Some(PHONE_STATE),
            Some("umeng-analytics"),
            "com.umeng.analytics.pro.Foo",
        ),
        api_ref(ANDROID_ID, "device_id", None, None, "cn.example.app.Ids"),
    ];
    let evaluation = evaluate(app.clone());
    let Some(f) = finding(&evaluation, "API-DEVICE-ID") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert_eq!(f.evidence_count, 1, "ANDROID_ID is resettable");
    assert!(
        f.message.en.contains("TelephonyManager.getDeviceId() @ SDK umeng-analytics (com.umeng.analytics.pro.Foo, 2 call sites)"),
        "{}",
        f.message.en
    );

    app.api_refs.remove(0);
    assert!(!fired(&evaluate(app), "API-DEVICE-ID"));
}

#[test]
fn installed_apps_only_for_enumerating_apis() {
    let mut app = base_app();
    app.api_refs = vec![api_ref(
        QUERY_INTENT,
        "app_list",
        None,
        None,
        "cn.example.app.Share",
    )];
    assert!(!fired(&evaluate(app.clone()), "API-INSTALLED-APPS"));

    app.api_refs.push(api_ref(
        GET_INSTALLED,
        "app_list",
        None,
        Some("getui-push"),
        "com.igexin.Foo",
    ));
    let evaluation = evaluate(app);
    let Some(f) = finding(&evaluation, "API-INSTALLED-APPS") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert!(f.message.zh.contains("SDK getui-push"));
}

#[test]
fn biometric_processing_needs_disclosure_and_separate_consent() {
    let mut app = with_permissions(base_app(), &[CAMERA]);
    app.sdks = vec![sdk("megvii-face", "face", &["biometric", "camera"])];
    app.api_refs = vec![api_ref(
        FACE_DETECT,
        "biometric",
        None,
        None,
        "cn.example.app.Face",
    )];
    app.policies = vec![text_policy(
        &["camera", "biometric"],
        &["megvii-face"],
        &["sensitive_pi_separate_consent"],
    )];
    let evaluation = evaluate(app.clone());
    let Some(f) = finding(&evaluation, "SENSITIVE-BIOMETRIC") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert_eq!(f.evidence_count, 2);

    app.policies = vec![text_policy(&["camera", "biometric"], &["megvii-face"], &[])];
    assert!(!fired(&evaluate(app), "SENSITIVE-BIOMETRIC"));
}

#[test]
fn system_biometric_auth_is_only_informational() {
    let mut app = with_permissions(base_app(), &["android.permission.USE_BIOMETRIC"]);
    app.api_refs = vec![api_ref(
        BIOMETRIC_PROMPT,
        "biometric",
        Some("android.permission.USE_BIOMETRIC"),
        None,
        "cn.example.app.Login",
    )];
    app.policies = vec![text_policy(&[], &[], &[])];
    let evaluation = evaluate(app.clone());
    assert!(
        !fired(&evaluation, "SENSITIVE-BIOMETRIC"),
        "the system does the matching"
    );
    assert!(fired(&evaluation, "SENSITIVE-BIOMETRIC-SYSTEM-AUTH"));

    app.policies = vec![text_policy(&["biometric"], &[], &[])];
    assert!(!fired(&evaluate(app), "SENSITIVE-BIOMETRIC-SYSTEM-AUTH"));
}

#[test]
fn debuggable() {
    let mut app = base_app();
    app.flags.debuggable = Some(true);
    assert!(fired(&evaluate(app.clone()), "MANIFEST-DEBUGGABLE"));
    app.flags.debuggable = Some(false);
    assert!(!fired(&evaluate(app), "MANIFEST-DEBUGGABLE"));
}

#[test]
fn cleartext_follows_android_precedence() {
    let mut app = base_app();
    app.flags.uses_cleartext_traffic = Some(true);
    let evaluation = evaluate(app.clone());
    let Some(f) = finding(&evaluation, "MANIFEST-CLEARTEXT") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert_eq!(evidence_texts(f), vec!["usesCleartextTraffic=true"]);

    // A network security config overrides the attribute.
    app.flags.network_security_config = Some("res/xml/network_security_config.xml".to_owned());
    app.flags.nsc_cleartext_permitted = Some(false);
    assert!(!fired(&evaluate(app.clone()), "MANIFEST-CLEARTEXT"));

    // Old target, attribute absent: the platform default allows cleartext.
    let mut old = base_app();
    old.target_sdk_effective = 27;
    assert!(fired(&evaluate(old.clone()), "MANIFEST-CLEARTEXT"));
    old.target_sdk_effective = 28;
    assert!(!fired(&evaluate(old.clone()), "MANIFEST-CLEARTEXT"));

    // Without INTERNET there is no network to send cleartext over.
    old.target_sdk_effective = 22;
    old.permissions
        .retain(|p| p.name != "android.permission.INTERNET");
    assert!(!fired(&evaluate(old), "MANIFEST-CLEARTEXT"));
}

#[test]
fn allow_backup_default_depends_on_target() {
    let mut app = base_app();
    app.flags.allow_backup = None;
    assert!(
        !fired(&evaluate(app.clone()), "MANIFEST-ALLOW-BACKUP"),
        "target 34 default excludes adb backup"
    );
    app.target_sdk_effective = 30;
    assert!(fired(&evaluate(app.clone()), "MANIFEST-ALLOW-BACKUP"));
    app.flags.allow_backup = Some(true);
    app.target_sdk_effective = 34;
    assert!(fired(&evaluate(app), "MANIFEST-ALLOW-BACKUP"));
}

#[test]
fn exported_components_exclude_launcher_and_guarded_ones() {
    use piaudit_facts::Component;
    let mut app = base_app();
    app.components.push(Component {
        kind: "receiver".to_owned(),
        name: "cn.example.app.PushReceiver".to_owned(),
        exported: Some(true),
        exported_effective: true,
        permission: Some("cn.example.app.permission.PUSH".to_owned()),
        intent_filters: 1,
        actions: vec!["cn.example.PUSH".to_owned()],
        ..Component::default()
    });
    assert!(
        !fired(&evaluate(app.clone()), "COMPONENT-EXPORTED"),
        "launcher and guarded receiver"
    );

    app.components.push(Component {
        kind: "provider".to_owned(),
        name: "cn.example.app.OrdersProvider".to_owned(),
        exported: Some(true),
        exported_effective: true,
        ..Component::default()
    });
    let evaluation = evaluate(app);
    let Some(f) = finding(&evaluation, "COMPONENT-EXPORTED") else {
        panic!("{:?}", ids(&evaluation))
    };
    assert_eq!(
        evidence_texts(f),
        vec!["provider cn.example.app.OrdersProvider"]
    );
}

#[test]
fn a_rule_error_does_not_stop_the_others() {
    // A rule whose CEL fails on this app (index out of range): it is recorded as an error and
    // the rest still run.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("broken.toml"),
        r#"
[[rule]]
id = "TEST-BROKEN"
criteria = ["PIPL-51"]
severity = "low"
title = { zh = "测试", en = "test" }
message = { zh = "测试", en = "test" }
fix = { zh = "测试", en = "test" }
why = { zh = "测试", en = "test" }
example = { zh = "测试", en = "test" }
when = 'app.uses_features[0] == "x"'
"#,
    )
    .expect("write rule");
    let mut set = piaudit_rules::RuleSet::embedded().expect("embedded rules");
    set.load_dir(dir.path(), false)
        .expect("the broken rule loads");
    let mut app = with_permissions(base_app(), &[LOCATION]);
    let _ = set.tables().enrich(&mut app);
    let evaluation = set.evaluate(&app);
    assert!(
        evaluation.errors.iter().any(|e| e.rule_id == "TEST-BROKEN"),
        "{:?}",
        evaluation.errors
    );
    assert!(fired(&evaluation, "POLICY-MISSING"));
}
