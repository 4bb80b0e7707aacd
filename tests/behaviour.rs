//! Issue 13 on real bytes: the behaviour samples (samples/behaviour, built by javac + dx with
//! samples/behaviour/build.sh), what the call graph says about each, the findings they get, and
//! that every chain printed can be followed in `dexdump -d`.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{dexdump_body, dexdump_ref, repo, tool_present};
use piaudit::auditor::{Auditor, Config};
use piaudit::facts::{ApiRef, AppFacts, ChainFrame};

fn apk(name: &str) -> PathBuf {
    repo()
        .join("samples/behaviour/apks")
        .join(format!("{name}.apk"))
}

fn scan(name: &str) -> (BTreeSet<String>, AppFacts) {
    let auditor = Auditor::new(&Config::default()).expect("embedded rules load");
    let audit = auditor.audit(&apk(name), None).expect("sample decodes");
    assert!(
        audit.evaluation.errors.is_empty(),
        "{:?}",
        audit.evaluation.errors
    );
    let ids = audit
        .evaluation
        .findings
        .iter()
        .map(|f| f.rule_id.clone())
        .collect();
    (ids, audit.extraction.facts)
}

fn chain_of(chain: &[ChainFrame]) -> Vec<String> {
    chain.iter().map(|f| f.method.clone()).collect()
}

fn device_id_ref(facts: &AppFacts) -> &ApiRef {
    facts
        .api_refs
        .iter()
        .find(|r| r.pi_type == "device_id")
        .expect("a device-id reference")
}

#[test]
fn sdk_initialised_in_application_oncreate_fires() {
    let (ids, facts) = scan("init-in-application");
    assert!(ids.contains("SDK-INIT-BEFORE-CONSENT"), "{ids:?}");
    assert!(ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    assert!(facts.reachability.analysed);
    assert_eq!(
        facts.consent.kind.as_deref(),
        Some("dialog-positive-button")
    );
    let init = &facts.sdk_inits[0];
    assert_eq!(init.sdk, "umeng-common");
    assert_eq!(init.before_consent, Some(true));
    assert_eq!(
        init.reachable_from,
        ["application com.example.initapp.App.onCreate"]
    );
    let sdk = &facts.sdks[0];
    assert!(sdk.used);
    assert_eq!(sdk.initialised_at_startup, Some(true));
}

#[test]
fn sdk_initialised_only_in_the_consent_dialogs_positive_handler_is_silent() {
    let (ids, facts) = scan("init-after-consent");
    assert!(!ids.contains("SDK-INIT-BEFORE-CONSENT"), "{ids:?}");
    assert!(!ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    let init = &facts.sdk_inits[0];
    assert!(init.called && init.consent_api_called);
    assert_eq!(init.reachable, Some(false));
    assert_eq!(facts.sdks[0].initialised_at_startup, Some(false));
    // preInit runs at start-up: the SDK is used.
    assert!(facts.sdks[0].used);
    // The read lives in code the agree handler runs: present and live, not before consent.
    let r = device_id_ref(&facts);
    assert_eq!(r.live, Some(true));
    assert_eq!(r.before_consent, Some(false));
}

#[test]
fn a_gate_on_a_stored_consent_flag_is_silent() {
    let (ids, facts) = scan("gate-on-flag");
    assert!(!ids.contains("SDK-INIT-BEFORE-CONSENT"), "{ids:?}");
    assert!(!ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    assert!(facts.consent.points.iter().any(|p| p.kind == "stored-flag"
        && p.location == "Lcom/example/gated/App;->onCreate()V"
        && p.detail == "privacy_agreed"));
    let init = &facts.sdk_inits[0];
    assert_eq!(
        (init.reachable, init.before_consent),
        (Some(true), Some(false))
    );
}

#[test]
fn a_provider_reading_the_device_id_fires_and_names_the_entry() {
    let (ids, facts) = scan("provider-device-id");
    assert!(ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    let r = device_id_ref(&facts);
    assert_eq!(
        r.reachable_from[0],
        "provider com.example.provider.StartupProvider.onCreate"
    );
    assert_eq!(
        chain_of(&r.chain),
        [
            "Lcom/example/provider/StartupProvider;->onCreate()Z",
            "Lcom/example/provider/DeviceInfo;->collect(Landroid/content/Context;)V",
            "Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;",
        ]
    );
}

#[test]
fn a_read_behind_handler_post_and_an_executor_fires() {
    let (ids, facts) = scan("async-device-id");
    assert!(ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    let r = device_id_ref(&facts);
    assert_eq!(r.before_consent, Some(true));
    let chain = chain_of(&r.chain);
    assert!(chain.contains(&"Lcom/example/async/Collector$1$1;->run()V".to_owned()));
}

#[test]
fn an_sdk_present_but_never_reached_makes_no_finding() {
    let (ids, facts) = scan("sdk-unreached");
    assert!(!ids.contains("API-DEVICE-ID"), "{ids:?}");
    assert!(!ids.contains("SDK-INIT-BEFORE-CONSENT"), "{ids:?}");
    let sdk = facts
        .sdks
        .iter()
        .find(|s| s.id == "baidu-location")
        .expect("detected");
    assert!(!sdk.used);
    let r = device_id_ref(&facts);
    assert_eq!((r.reachable, r.live), (Some(false), Some(false)));
}

/// An app with no start-up entry point (a service other apps start, as device-farm agents
/// are): nothing is "before consent", but liveness is still known, so a bundled helper nothing
/// calls makes no evidence while the service's own read does.
#[test]
fn without_start_up_entries_liveness_still_separates_run_code_from_dead_helpers() {
    let auditor = Auditor::new(&Config::default()).expect("embedded rules load");
    let audit = auditor
        .audit(&apk("service-only"), None)
        .expect("sample decodes");
    let facts = &audit.extraction.facts;
    assert!(!facts.reachability.analysed, "{:?}", facts.reachability);
    assert!(facts.reachability.live_analysed, "{:?}", facts.reachability);
    let by_caller = |class: &str| {
        facts
            .api_refs
            .iter()
            .find(|r| r.callers.iter().any(|c| c == class))
            .unwrap_or_else(|| panic!("a reference by {class}: {:?}", facts.api_refs))
    };
    let service = by_caller("com.example.agent.AgentService");
    assert_eq!(
        (service.live, service.reachable, service.before_consent),
        (Some(true), None, None)
    );
    let helper = by_caller("com.example.agent.TelephonyCompat");
    assert_eq!((helper.live, helper.reachable), (Some(false), None));
    let finding = audit
        .evaluation
        .findings
        .iter()
        .find(|f| f.rule_id == "API-DEVICE-ID")
        .expect("the service's read fires");
    let evidence = serde_json::to_string(&finding.evidence).expect("evidence serialises");
    assert!(evidence.contains("AgentService"), "{evidence}");
    assert!(!evidence.contains("TelephonyCompat"), "{evidence}");
    assert!(
        !audit
            .evaluation
            .findings
            .iter()
            .any(|f| f.rule_id == "PI-BEFORE-CONSENT")
    );
}

#[test]
fn a_cross_class_permission_request_from_the_launcher_fires() {
    let (ids, facts) = scan("permission-helper");
    assert!(ids.contains("PERM-STARTUP-REQUEST"), "{ids:?}");
    let req = &facts.startup_permission_requests[0];
    assert_eq!(req.component, "com.example.permhelper.MainActivity");
    assert_eq!(req.permissions, ["android.permission.CAMERA"]);
    assert_eq!(
        chain_of(&req.chain)[1],
        "Lcom/example/permhelper/PermissionHelper;->askCamera(Landroid/app/Activity;)V"
    );
}

#[test]
fn every_chain_can_be_followed_in_dexdump() {
    if !tool_present("dexdump") {
        eprintln!("dexdump not installed: chain check skipped");
        return;
    }
    for name in [
        "init-in-application",
        "provider-device-id",
        "async-device-id",
        "permission-helper",
    ] {
        let (_, facts) = scan(name);
        let out = std::process::Command::new("dexdump")
            .arg("-d")
            .arg(apk(name))
            .output()
            .expect("dexdump runs");
        let dump = String::from_utf8_lossy(&out.stdout);
        let frames = |c: &[ChainFrame]| -> (Vec<String>, Vec<String>) {
            (
                c.iter().map(|f| f.method.clone()).collect(),
                c.iter().map(|f| f.via.clone()).collect(),
            )
        };
        let mut chains: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        chains.extend(facts.api_refs.iter().map(|r| frames(&r.chain)));
        chains.extend(
            facts
                .startup_permission_requests
                .iter()
                .map(|r| frames(&r.chain)),
        );
        chains.extend(facts.sdk_inits.iter().map(|i| frames(&i.chain)));
        let mut followed = 0;
        for (methods, vias) in chains.iter().filter(|(m, _)| !m.is_empty()) {
            for pair in 0..methods.len() - 1 {
                let caller = dexdump_ref(&methods[pair]);
                let callee = dexdump_ref(&methods[pair + 1]);
                let body = dexdump_body(&dump, &caller)
                    .unwrap_or_else(|| panic!("{name}: {caller} not in dexdump"));
                let via = &vias[pair + 1];
                if via.starts_with("invoke") {
                    // The caller's code invokes the callee (as named, or the method it inherits).
                    assert!(
                        body.contains(&format!("{via} ")) && body.contains(&callee),
                        "{name}: {caller} does not {via} {callee}"
                    );
                } else if via == "async hand-off" {
                    // The caller instantiates the callee's class and hands it off.
                    let class = callee.split('.').next().unwrap_or("");
                    assert!(
                        body.contains("new-instance") && body.contains(class),
                        "{name}: {caller} does not instantiate {class}"
                    );
                }
                followed += 1;
            }
        }
        assert!(followed > 0, "{name}: no chain followed");
    }
}

#[test]
fn inspect_chains_prints_each_frame_for_a_person_to_follow() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_piaudit"))
        .args(["inspect", "--chains"])
        .arg(apk("provider-device-id"))
        .output()
        .expect("piaudit runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("provider             Lcom/example/provider/StartupProvider;->onCreate()Z"),
        "{text}"
    );
    assert!(text.contains("consent point: dialog-positive-button at Lcom/example/provider/MainActivity$2;->onClick"), "{text}");
    assert!(text.contains("(device_id, app): before consent"), "{text}");
    assert!(text.contains("   1. [invoke-static] Lcom/example/provider/DeviceInfo;->collect(Landroid/content/Context;)V"), "{text}");
}

fn refs_of<'f>(facts: &'f AppFacts, caller: &str) -> Vec<&'f ApiRef> {
    facts
        .api_refs
        .iter()
        .filter(|r| r.chain.iter().any(|f| f.method.contains(caller)))
        .collect()
}

fn entry_classes(facts: &AppFacts) -> BTreeSet<String> {
    facts
        .reachability
        .entry_points
        .iter()
        .map(|e| e.component.clone())
        .collect()
}

#[test]
fn only_the_initializers_the_startup_provider_lists_and_their_dependencies_are_entries() {
    let (ids, facts) = scan("startup-listed");
    assert!(ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    let entries = entry_classes(&facts);
    assert!(entries.contains("com.example.startup.AnalyticsInitializer"));
    // Named by AnalyticsInitializer.dependencies() as a constant class.
    assert!(entries.contains("com.example.startup.DeviceInitializer"));
    assert!(
        !entries.contains("com.example.startup.UnlistedInitializer"),
        "{entries:?}"
    );
    assert!(!entries.contains("androidx.startup.InitializationProvider"));
    let read = refs_of(&facts, "DeviceInfo");
    assert_eq!(read[0].before_consent, Some(true));
    assert_eq!(
        read[0].reachable_from,
        ["startup-initializer com.example.startup.DeviceInitializer.create"]
    );
    // The unlisted initialiser's read is present, not reached (not even through the
    // provider's own interface call of Initializer.create).
    let unlisted = facts
        .api_refs
        .iter()
        .find(|r| r.api.contains("getSubscriberId"))
        .expect("the unlisted initialiser's read");
    assert_eq!(unlisted.reachable, Some(false));
}

#[test]
fn an_initializer_the_merged_manifest_removed_is_not_an_entry() {
    let (ids, facts) = scan("startup-removed");
    assert!(!ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    let entries = entry_classes(&facts);
    assert!(entries.contains("com.example.startup.QuietInitializer"));
    assert!(!entries.contains("com.example.startup.AnalyticsInitializer"));
    assert!(!entries.contains("com.example.startup.DeviceInitializer"));
    assert!(facts.api_refs.iter().all(|r| r.reachable == Some(false)));
}

#[test]
fn a_read_after_the_consent_branches_join_runs_before_consent() {
    let (ids, facts) = scan("gate-join");
    assert!(ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    // Behind the agreed side: after consent.
    assert!(!ids.contains("SDK-INIT-BEFORE-CONSENT"), "{ids:?}");
    assert_eq!(facts.sdk_inits[0].before_consent, Some(false));
    // After the join: every path, agreed or not, runs it.
    let read = refs_of(&facts, "DeviceInfo");
    assert_eq!(read[0].before_consent, Some(true));
    // Behind a flag whose key does not say which value means agreed: unknown, not a finding.
    let unsure = refs_of(&facts, "SimInfo");
    assert_eq!(unsure[0].before_consent, None);
    assert_eq!(unsure[0].reachable, Some(true));
}

#[test]
fn reads_every_path_to_which_passes_the_agreed_side_are_after_consent() {
    let (ids, facts) = scan("gate-dominates");
    assert!(!ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    assert!(!ids.contains("SDK-INIT-BEFORE-CONSENT"), "{ids:?}");
    // An early return when not agreed; the first-run flag's false side.
    for caller in ["DeviceInfo", "LineInfo"] {
        let read = refs_of(&facts, caller);
        assert_eq!(
            (read[0].reachable, read[0].before_consent),
            (Some(true), Some(false)),
            "{caller}"
        );
    }
    // A wrapper's result negated into a local (javac's two constants): unknown, never true.
    let read = refs_of(&facts, "SimInfo");
    assert_eq!(
        (read[0].reachable, read[0].before_consent),
        (Some(true), None)
    );
    assert_eq!(facts.sdk_inits[0].before_consent, Some(false));
}

#[test]
fn an_agree_button_whose_text_is_a_string_resource_is_the_consent_point() {
    let (ids, facts) = scan("agree-resource");
    assert!(facts.consent.found);
    assert_eq!(
        facts.consent.kind.as_deref(),
        Some("dialog-positive-button")
    );
    assert!(
        facts.consent.points[0].detail.ends_with("(@string/agree)"),
        "{:?}",
        facts.consent.points
    );
    assert!(ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    assert_eq!(device_id_ref(&facts).before_consent, Some(true));
}

#[test]
fn without_a_consent_point_before_consent_is_unknown_and_the_rule_is_silent() {
    // The positive button says OK (确定): not an agreement, and nothing else records one.
    let (ids, facts) = scan("ok-resource");
    assert!(!facts.consent.found);
    assert_eq!(facts.consent.kind, None);
    assert!(!ids.contains("PI-BEFORE-CONSENT"), "{ids:?}");
    let read = device_id_ref(&facts);
    assert_eq!((read.reachable, read.before_consent), (Some(true), None));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_piaudit"))
        .args(["inspect", "--chains"])
        .arg(apk("ok-resource"))
        .output()
        .expect("piaudit runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("consent point: none found"), "{text}");
    assert!(text.contains("consent unknown"), "{text}");
}
