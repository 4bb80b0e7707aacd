//! The coercion rules (rules/permissions-coercion.toml) firing and staying silent on
//! constructed facts: PERM-COERCED (high, a permission the app type does not need),
//! PERM-COERCED-REVIEW (medium, necessary or not judged), PERM-REQUEST-LOOP.

mod common;

use common::*;
use piaudit_facts::{
    AppFacts, ChainFrame, DenialHandler, DenialOutcome, DeniedPermission, ResumeRequest,
};

const CONTACTS: &str = "android.permission.READ_CONTACTS";
const LOCATION: &str = "android.permission.ACCESS_FINE_LOCATION";
const HANDLER: &str =
    "Lcn/example/app/MainActivity;->onRequestPermissionsResult(I[Ljava/lang/String;[I)V";

fn outcome(kind: &str, blocks_use: bool, api: &str) -> DenialOutcome {
    DenialOutcome {
        kind: kind.to_owned(),
        blocks_use,
        api: api.to_owned(),
        chain: vec![
            ChainFrame {
                method: HANDLER.to_owned(),
                via: "permission result callback (denial branch)".to_owned(),
            },
            ChainFrame {
                method: api.to_owned(),
                via: "invoke-virtual at |0019".to_owned(),
            },
        ],
    }
}

fn app(permission: &str, outcomes: Vec<DenialOutcome>, category: Option<&str>) -> AppFacts {
    let mut app = with_permissions(base_app(), &[permission]);
    app.category = category.map(str::to_owned);
    app.denial_handlers = vec![DenialHandler {
        method: HANDLER.to_owned(),
        class: "cn.example.app.MainActivity".to_owned(),
        library: "platform".to_owned(),
        tested: true,
        permissions: vec![DeniedPermission {
            name: permission.to_owned(),
            ..DeniedPermission::default()
        }],
        outcomes,
    }];
    app
}

fn finish() -> DenialOutcome {
    outcome("exit-app", true, "Lcn/example/app/MainActivity;->finish()V")
}

#[test]
fn exit_over_a_permission_no_type_needs_is_high_without_a_type() {
    let e = evaluate(app(CONTACTS, vec![finish()], None));
    let f = finding(&e, "PERM-COERCED").expect("fires");
    let text = evidence_texts(f).join("\n");
    assert!(
        text.contains(CONTACTS) && text.contains("exit-app"),
        "{text}"
    );
    assert!(text.contains(&format!("{HANDLER} → ")), "{text}");
    assert_eq!(f.violated, ["YUHANG-2", "MIIT2019-4.2"]);
    assert!(!fired(&e, "PERM-COERCED-REVIEW"));
}

#[test]
fn exit_over_a_permission_the_type_does_not_need_is_high() {
    // Location is not necessary PI for a news app.
    let e = evaluate(app(LOCATION, vec![finish()], Some("news")));
    assert!(fired(&e, "PERM-COERCED"), "{:?}", ids(&e));
    assert!(!fired(&e, "PERM-COERCED-REVIEW"));
}

#[test]
fn exit_over_a_permission_the_type_needs_is_medium_and_says_so() {
    let e = evaluate(app(LOCATION, vec![finish()], Some("map_navigation")));
    assert!(!fired(&e, "PERM-COERCED"), "{:?}", ids(&e));
    let f = finding(&e, "PERM-COERCED-REVIEW").expect("fires");
    let text = evidence_texts(f).join("\n");
    assert!(text.contains(&format!("{LOCATION} [justified]")), "{text}");
    // Necessary permission: nothing is cited as violated.
    assert!(f.violated.is_empty(), "{:?}", f.violated);
    assert!(f.related.contains(&"YUHANG-2".to_owned()));
}

#[test]
fn without_a_type_an_ordinary_permission_is_medium_not_judged() {
    let e = evaluate(app(LOCATION, vec![finish()], None));
    assert!(!fired(&e, "PERM-COERCED"));
    let f = finding(&e, "PERM-COERCED-REVIEW").expect("fires");
    let text = evidence_texts(f).join("\n");
    assert!(text.contains("necessity not judged: no app type"), "{text}");
}

#[test]
fn closing_one_screen_is_not_coercion() {
    let leave = || {
        outcome(
            "leave-screen",
            false,
            "Lcn/example/app/ScanActivity;->finish()V",
        )
    };
    for (permission, category) in [(LOCATION, None), (LOCATION, Some("news")), (CONTACTS, None)] {
        let e = evaluate(app(permission, vec![leave()], category));
        assert!(!fired(&e, "PERM-COERCED"), "{:?}", ids(&e));
        assert!(!fired(&e, "PERM-COERCED-REVIEW"), "{:?}", ids(&e));
    }
}

#[test]
fn a_handler_with_no_coercive_outcome_is_silent() {
    for category in [None, Some("news")] {
        let e = evaluate(app(CONTACTS, Vec::new(), category));
        for id in ["PERM-COERCED", "PERM-COERCED-REVIEW", "PERM-REQUEST-LOOP"] {
            assert!(!fired(&e, id), "{id}: {:?}", ids(&e));
        }
    }
}

#[test]
fn request_again_on_denial_is_a_loop_not_coercion() {
    let again = outcome(
        "request-again",
        true,
        "Lcn/example/app/MainActivity;->requestPermissions([Ljava/lang/String;I)V",
    );
    let e = evaluate(app(CONTACTS, vec![again], None));
    let f = finding(&e, "PERM-REQUEST-LOOP").expect("fires");
    assert!(evidence_texts(f)[0].starts_with("on denial: cn.example.app.MainActivity"));
    assert_eq!(f.violated, ["MIIT164-3"]);
    assert!(!fired(&e, "PERM-COERCED"));
    assert!(!fired(&e, "PERM-COERCED-REVIEW"));
}

#[test]
fn a_request_on_every_resume_is_a_loop() {
    let mut facts = with_permissions(base_app(), &[LOCATION]);
    assert!(!fired(&evaluate(facts.clone()), "PERM-REQUEST-LOOP"));
    facts.resume_permission_requests = vec![ResumeRequest {
        activity: "cn.example.app.MainActivity".to_owned(),
        api: "Lcn/example/app/MainActivity;->requestPermissions([Ljava/lang/String;I)V".to_owned(),
        permissions: vec![LOCATION.to_owned()],
        chain: Vec::new(),
    }];
    let e = evaluate(facts);
    let f = finding(&e, "PERM-REQUEST-LOOP").expect("fires");
    // Asking in onResume alone is not shown as a repeated request after a refusal.
    assert!(f.violated.is_empty(), "{:?}", f.violated);
    assert!(
        evidence_texts(f)[0].contains(&format!(
            "on every resume: cn.example.app.MainActivity ({LOCATION})"
        )),
        "{:?}",
        evidence_texts(f)
    );
}
