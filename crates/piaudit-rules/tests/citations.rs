//! Every citation a rule makes as *violated* is backed by a written condition and allowed by
//! the condition table below; criteria whose conditions static evidence cannot meet are only
//! ever related. Adding a violated citation means adding its row here, with the reason.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

/// Criterion → (what it requires that the evidence must show, rules allowed to cite it as violated).
const CONDITIONS: &[(&str, &str, &[&str])] = &[
    (
        "YUHANG-2",
        "functions refused when an unnecessary permission is denied: the denial branch's chain ends the app or leaves only a grant/settings dialog, over a permission the app type (or every type) does not need",
        &["PERM-COERCED"],
    ),
    (
        "MIIT2019-4.2",
        "business functions refused because a non-necessary permission is declined: as YUHANG-2",
        &["PERM-COERCED"],
    ),
    (
        "MIIT164-3",
        "frequent requests: the denial branch asks for the permission again at once",
        &["PERM-REQUEST-LOOP"],
    ),
    (
        "MIIT2019-1.1",
        "no privacy policy at all: an unpacked, complete APK with no policy text, link or dialog",
        &["POLICY-MISSING"],
    ),
    (
        "YUHANG-1",
        "the policy was neither shown nor prompted: as MIIT2019-1.1",
        &["POLICY-MISSING"],
    ),
    (
        "PIPL-17",
        "an item of notice is missing: no notice at all, a missing art. 17 item, or an unnamed PI type",
        &[
            "POLICY-MISSING",
            "POLICY-INCOMPLETE",
            "POLICY-UNDISCLOSED-PI",
        ],
    ),
    (
        "GB35273-5.5",
        "a content item of cl. 5.5 is missing from every analysed policy text",
        &["POLICY-INCOMPLETE"],
    ),
    (
        "MIIT2019-2.1",
        "purposes, methods, scope (incl. embedded SDKs) not listed one by one in the policy text",
        &[
            "POLICY-INCOMPLETE",
            "POLICY-UNDISCLOSED-PI",
            "SDK-UNDISCLOSED",
        ],
    ),
    (
        "YUHANG-3",
        "whereabouts (location) collected without telling purpose, method, scope: location only",
        &["POLICY-UNDISCLOSED-PI"],
    ),
    (
        "GB41391-6.6",
        "a PI-collecting SDK whose code is bundled and called is not disclosed",
        &["SDK-UNDISCLOSED"],
    ),
    (
        "MIIT337-3",
        "a third party (an SDK's code the policy does not name) obtains the PI",
        &["API-DEVICE-ID", "API-INSTALLED-APPS"],
    ),
    (
        "MIIT2019-3.1",
        "collection before consent: the call graph shows the call before the user agrees",
        &[
            "API-DEVICE-ID",
            "API-INSTALLED-APPS",
            "PI-BEFORE-CONSENT",
            "SDK-INIT-BEFORE-CONSENT",
        ],
    ),
    (
        "GB41391-6.5-a",
        "a PI permission is requested at first launch, not when the function is used",
        &["PERM-STARTUP-REQUEST"],
    ),
    (
        "TC260-PERM-2",
        "a PI permission is requested at start-up, not when the user triggers the function",
        &["PERM-STARTUP-REQUEST"],
    ),
    (
        "GB41391-6.5-b",
        "the effective target SDK is below 23 (manifest read)",
        &["PERM-LEGACY-TARGET"],
    ),
    (
        "PLAT-TARGETSDK",
        "target SDK below 23 with dangerous PI permissions (manifest read)",
        &["PERM-LEGACY-TARGET"],
    ),
    (
        "PLAT-DEBUGGABLE",
        "android:debuggable=true",
        &["MANIFEST-DEBUGGABLE"],
    ),
    (
        "PLAT-CLEARTEXT",
        "the global setting allows cleartext (manifest read)",
        &["MANIFEST-CLEARTEXT"],
    ),
    (
        "PLAT-BACKUP",
        "allowBackup true, or absent below target 31 (manifest read)",
        &["MANIFEST-ALLOW-BACKUP"],
    ),
    (
        "PLAT-EXPORTED",
        "exported components without a permission",
        &["COMPONENT-EXPORTED"],
    ),
    (
        "MIIT2019-3.4",
        "consent obtained non-explicitly, e.g. the policy pre-ticked as agreed: a layout declares the consent check box next to the policy text android:checked=\"true\"",
        &["UI-CONSENT-PRECHECKED"],
    ),
];

/// Criteria whose conditions (consent to everything or nothing, the basic function refused
/// over any non-necessary PI) static analysis never shows: no rule may cite them as violated.
/// (A function refused on denial, YUHANG-2, is shown by the denial handler's chain: only
/// PERM-COERCED may cite it, by the table above.)
const NEVER_VIOLATED: &[&str] = &["MIIT2019-4.6", "NECPI-4", "MIIT2019-6.1"];

fn table() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    CONDITIONS
        .iter()
        .map(|(id, _, rules)| (*id, rules.iter().copied().collect()))
        .collect()
}

#[test]
fn every_violated_citation_has_a_condition_and_a_row_in_the_table() {
    let set = ruleset();
    let table = table();
    for rule in set.rules() {
        for v in &rule.violated {
            assert!(
                !v.condition.zh.trim().is_empty() && !v.condition.en.trim().is_empty(),
                "{}: {} has no written condition",
                rule.id,
                v.id
            );
            assert!(
                table
                    .get(v.id.as_str())
                    .is_some_and(|r| r.contains(rule.id.as_str())),
                "{} cites {} as violated, but the condition table does not allow it",
                rule.id,
                v.id
            );
            assert!(
                !NEVER_VIOLATED.contains(&v.id.as_str()),
                "{}: {}",
                rule.id,
                v.id
            );
        }
    }
}

#[test]
fn the_table_names_only_real_criteria_and_real_citations() {
    let set = ruleset();
    for (id, requires, rules) in CONDITIONS {
        assert!(set.tables().criteria(id).is_some(), "{id}");
        assert!(!requires.is_empty());
        for rule_id in *rules {
            let rule = set.rule(rule_id).unwrap_or_else(|| panic!("{rule_id}"));
            assert!(
                rule.violated.iter().any(|v| v.id == *id),
                "the table lets {rule_id} cite {id} as violated, but it does not (stale row)"
            );
        }
    }
}

#[test]
fn criteria_static_analysis_cannot_establish_are_related_only() {
    let set = ruleset();
    for rule in set.rules() {
        for id in NEVER_VIOLATED {
            assert!(
                !rule.violated.iter().any(|v| v.id == *id),
                "{} cites {id} as violated",
                rule.id
            );
        }
    }
    // Start-up requests and a legacy target keep YUHANG-2 / MIIT2019-4.6 as context only.
    let mut app = with_permissions(base_app(), &[LOCATION_PERMISSION]);
    app.startup_permission_requests = vec![startup_request(&[LOCATION_PERMISSION])];
    let evaluation = evaluate(app);
    let f = finding(&evaluation, "PERM-STARTUP-REQUEST").expect("fires");
    assert!(f.related.iter().any(|c| c == "YUHANG-2"), "{f:?}");
    assert_eq!(f.violated, ["GB41391-6.5-a", "TC260-PERM-2"]);
}

const LOCATION_PERMISSION: &str = "android.permission.ACCESS_FINE_LOCATION";

#[test]
fn an_sdk_call_is_a_third_party_share_only_when_the_policy_does_not_name_the_sdk() {
    let device = |sdk: Option<&str>| {
        let mut app = with_permissions(base_app(), &["android.permission.READ_PHONE_STATE"]);
        app.api_refs = vec![api_ref(
            GET_DEVICE_ID,
            "device_id",
            Some("android.permission.READ_PHONE_STATE"),
            sdk,
            "com.vendor.Stats",
        )];
        app
    };
    let own = evaluate(device(None));
    let f = finding(&own, "API-DEVICE-ID").expect("fires for the app's own code");
    assert!(f.violated.is_empty(), "{f:?}");
    assert!(f.related.iter().any(|c| c == "MIIT337-3"));
    assert!(
        f.related.iter().any(|c| c == "MIIT2019-3.1"),
        "no before-consent fact"
    );

    let by_sdk = evaluate(device(Some("umeng-analytics")));
    let f = finding(&by_sdk, "API-DEVICE-ID").expect("fires for an SDK");
    assert_eq!(f.violated, ["MIIT337-3"]);

    let mut named = device(Some("umeng-analytics"));
    named.policies = vec![text_policy(&["device_id"], &["umeng-analytics"], &[])];
    let named = evaluate(named);
    let f = finding(&named, "API-DEVICE-ID").expect("still fires");
    assert!(f.violated.is_empty(), "the policy names the SDK: {f:?}");
}

#[test]
fn the_yuhang_case_is_cited_as_violated_for_location_only() {
    let judge = |permission: &str| {
        let mut app = with_permissions(base_app(), &[permission]);
        app.policies = vec![text_policy(&[], &[], &[])];
        evaluate(app)
    };
    let location = judge(LOCATION_PERMISSION);
    let f = finding(&location, "POLICY-UNDISCLOSED-PI").expect("fires");
    assert!(f.violated.iter().any(|c| c == "YUHANG-3"), "{f:?}");
    let contacts = judge("android.permission.READ_CONTACTS");
    let f = finding(&contacts, "POLICY-UNDISCLOSED-PI").expect("fires");
    assert!(!f.violated.iter().any(|c| c == "YUHANG-3"), "{f:?}");
    assert!(f.related.iter().any(|c| c == "YUHANG-3"));
}

#[test]
fn a_policy_lacking_cancellation_does_not_violate_the_cancellation_function_criterion() {
    let mut app = with_permissions(base_app(), &[LOCATION_PERMISSION]);
    app.policies = vec![text_policy(&["location"], &[], &["account_cancellation"])];
    let evaluation = evaluate(app);
    let f = finding(&evaluation, "POLICY-INCOMPLETE").expect("fires");
    assert!(f.related.iter().any(|c| c == "MIIT2019-6.1"));
    assert!(f.violated.is_empty(), "not a PIPL 17 / 5.5 item: {f:?}");
}

#[test]
fn without_a_readable_manifest_no_manifest_rule_fires() {
    let mut app = base_app();
    app.manifest_read = false;
    app.flags.allow_backup = None;
    app.target_sdk = None;
    app.target_sdk_effective = 1;
    app.permissions = vec![permission("android.permission.INTERNET")];
    let evaluation = evaluate(app);
    for id in [
        "MANIFEST-ALLOW-BACKUP",
        "MANIFEST-CLEARTEXT",
        "PERM-LEGACY-TARGET",
    ] {
        assert!(!fired(&evaluation, id), "{id}: {:?}", ids(&evaluation));
    }
}
