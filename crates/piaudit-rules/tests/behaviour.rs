//! The behaviour rules (rules/behaviour.toml) and the reachability filter of the API rules,
//! firing and staying silent on constructed facts.

mod common;

use common::*;
use piaudit_facts::{AppFacts, ChainFrame, SdkInit};

const PHONE_STATE: &str = "android.permission.READ_PHONE_STATE";

fn frame(method: &str, via: &str) -> ChainFrame {
    ChainFrame {
        method: method.to_owned(),
        via: via.to_owned(),
    }
}

fn device_id(reachable: Option<bool>, live: Option<bool>, before: Option<bool>) -> AppFacts {
    let mut app = with_permissions(base_app(), &[PHONE_STATE]);
    let mut r = api_ref(
        GET_DEVICE_ID,
        "device_id",
        Some(PHONE_STATE),
        None,
        "cn.example.app.App",
    );
    r.reachable = reachable;
    r.live = live;
    r.before_consent = before;
    r.reachable_from = vec!["application cn.example.app.App.onCreate".to_owned()];
    r.chain = vec![
        frame("Lcn/example/app/App;->onCreate()V", "entry point"),
        frame(GET_DEVICE_ID, "invoke-virtual"),
    ];
    app.api_refs = vec![r];
    app
}

#[test]
fn pi_before_consent_fires_only_when_the_graph_says_before_consent() {
    let e = evaluate(device_id(Some(true), Some(true), Some(true)));
    let f = finding(&e, "PI-BEFORE-CONSENT").expect("fires");
    assert_eq!(f.violated, ["MIIT2019-3.1"]);
    let text = evidence_texts(f).join("\n");
    assert!(
        text.contains("application cn.example.app.App.onCreate"),
        "{text}"
    );
    assert!(
        text.contains("Lcn/example/app/App;->onCreate()V → "),
        "{text}"
    );
    // After the consent point, unknown (no consent point found), no graph, or unreachable.
    for before in [Some(false), None] {
        assert!(!fired(
            &evaluate(device_id(Some(true), Some(true), before)),
            "PI-BEFORE-CONSENT"
        ));
    }
    let mut no_graph = with_permissions(base_app(), &[PHONE_STATE]);
    no_graph.api_refs = vec![api_ref(
        GET_DEVICE_ID,
        "device_id",
        Some(PHONE_STATE),
        None,
        "a.B",
    )];
    assert!(!fired(&evaluate(no_graph.clone()), "PI-BEFORE-CONSENT"));
    // Without the permission the call returns nothing: silent.
    let mut unpermitted = device_id(Some(true), Some(true), Some(true));
    unpermitted.permissions.clear();
    assert!(!fired(&evaluate(unpermitted), "PI-BEFORE-CONSENT"));
}

#[test]
fn api_rules_skip_code_nothing_the_framework_runs_reaches() {
    assert!(!fired(
        &evaluate(device_id(Some(false), Some(false), Some(false))),
        "API-DEVICE-ID"
    ));
    assert!(fired(
        &evaluate(device_id(Some(false), Some(true), Some(false))),
        "API-DEVICE-ID"
    ));
    // No call graph (null), or facts from before the graph (no field): presence still counts.
    assert!(fired(
        &evaluate(device_id(None, None, None)),
        "API-DEVICE-ID"
    ));
    let mut no_graph = with_permissions(base_app(), &[PHONE_STATE]);
    no_graph.api_refs = vec![api_ref(
        GET_DEVICE_ID,
        "device_id",
        Some(PHONE_STATE),
        None,
        "a.B",
    )];
    assert!(fired(&evaluate(no_graph), "API-DEVICE-ID"));
}

fn init(before: Option<bool>, consent_called: bool, consent_at_startup: bool) -> SdkInit {
    SdkInit {
        sdk: "umeng-common".to_owned(),
        api: "Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V".to_owned(),
        called: true,
        reachable: Some(true),
        reachable_from: vec!["application cn.example.app.App.onCreate".to_owned()],
        before_consent: before,
        chain: vec![frame("Lcn/example/app/App;->onCreate()V", "entry point")],
        consent_apis: vec!["Lcom/umeng/commonsdk/UMConfigure;->submitPolicyGrantResult".to_owned()],
        consent_api_called: consent_called,
        consent_api_at_startup: consent_at_startup,
    }
}

fn with_init(i: SdkInit) -> AppFacts {
    let mut app = base_app();
    app.sdk_inits = vec![i];
    app
}

#[test]
fn sdk_init_before_consent_fires_and_stays_silent() {
    assert!(fired(
        &evaluate(with_init(init(Some(true), true, false))),
        "SDK-INIT-BEFORE-CONSENT"
    ));
    // The vendor consent API already runs at start-up (collection held until consent).
    assert!(!fired(
        &evaluate(with_init(init(Some(true), true, true))),
        "SDK-INIT-BEFORE-CONSENT"
    ));
    // Gated behind the consent point.
    assert!(!fired(
        &evaluate(with_init(init(Some(false), false, false))),
        "SDK-INIT-BEFORE-CONSENT"
    ));
    // No consent point found, init at start-up, the vendor API never called: fires.
    let e = evaluate(with_init(init(None, false, false)));
    let f = finding(&e, "SDK-INIT-BEFORE-CONSENT").expect("fires");
    assert!(evidence_texts(f)[0].contains("never called"));
    // Unknown because the gate could not be decided (a consent point exists): silent.
    let mut unsure = with_init(init(None, false, false));
    unsure.consent.found = true;
    assert!(!fired(&evaluate(unsure), "SDK-INIT-BEFORE-CONSENT"));
    // ... but not when the app does call it.
    assert!(!fired(
        &evaluate(with_init(init(None, true, false))),
        "SDK-INIT-BEFORE-CONSENT"
    ));
    // Not reached at all.
    assert!(!fired(
        &evaluate(with_init(init(None, false, false)).clone_unreached()),
        "SDK-INIT-BEFORE-CONSENT"
    ));
}

trait Unreached {
    fn clone_unreached(self) -> Self;
}

impl Unreached for AppFacts {
    fn clone_unreached(mut self) -> Self {
        for i in &mut self.sdk_inits {
            i.reachable = Some(false);
            i.before_consent = Some(false);
            i.reachable_from.clear();
            i.chain.clear();
        }
        self
    }
}
