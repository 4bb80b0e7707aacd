//! Issue 19 on real bytes: the deny-* samples (samples/behaviour, javac + dx) and the Yuhang
//! sample, what piaudit finds in their permission-result handlers, the findings they get, and
//! that every chain can be followed in `dexdump -d`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{dexdump_body, dexdump_ref, repo, sample, tool_present};
use piaudit::auditor::{Auditor, Config};
use piaudit::facts::{AppFacts, DenialHandler};

fn apk(name: &str) -> PathBuf {
    repo()
        .join("samples/behaviour/apks")
        .join(format!("{name}.apk"))
}

fn scan_path(path: &Path, category: Option<&str>) -> (BTreeSet<(String, String)>, AppFacts) {
    let auditor = Auditor::new(&Config::default()).expect("embedded rules load");
    let audit = auditor.audit(path, category).expect("sample decodes");
    assert!(
        audit.evaluation.errors.is_empty(),
        "{:?}",
        audit.evaluation.errors
    );
    let ids = audit
        .evaluation
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.clone(),
                f.evidence
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })
        .collect();
    (ids, audit.extraction.facts)
}

fn scan(name: &str, category: Option<&str>) -> (BTreeSet<(String, String)>, AppFacts) {
    scan_path(&apk(name), category)
}

fn fired<'a>(ids: &'a BTreeSet<(String, String)>, id: &str) -> Option<&'a str> {
    ids.iter().find(|(i, _)| i == id).map(|(_, e)| e.as_str())
}

fn only_handler(facts: &AppFacts) -> &DenialHandler {
    assert_eq!(
        facts.denial_handlers.len(),
        1,
        "{:#?}",
        facts.denial_handlers
    );
    &facts.denial_handlers[0]
}

fn kinds(h: &DenialHandler) -> Vec<&str> {
    h.outcomes.iter().map(|o| o.kind.as_str()).collect()
}

#[test]
fn denial_closing_the_launcher_fires() {
    let (ids, facts) = scan("deny-finish-launcher", None);
    let h = only_handler(&facts);
    assert_eq!(h.library, "platform");
    assert!(h.tested);
    assert_eq!(kinds(h), ["exit-app"]);
    assert_eq!(h.permissions[0].name, "android.permission.READ_CONTACTS");
    let chain: Vec<&str> = h.outcomes[0]
        .chain
        .iter()
        .map(|f| f.method.as_str())
        .collect();
    assert_eq!(
        chain,
        [
            "Lcom/example/denyfinish/MainActivity;->onRequestPermissionsResult(I[Ljava/lang/String;[I)V",
            "Lcom/example/denyfinish/MainActivity;->finish()V",
        ]
    );
    let evidence = fired(&ids, "PERM-COERCED").expect("PERM-COERCED fires");
    assert!(evidence.contains("exit-app"), "{evidence}");
}

#[test]
fn denial_leading_to_a_settings_only_dialog_fires() {
    let (ids, facts) = scan("deny-settings-dialog", None);
    let h = only_handler(&facts);
    assert_eq!(h.library, "androidx-activity-result");
    assert_eq!(kinds(h), ["blocking-dialog"]);
    assert_eq!(h.permissions[0].name, "android.permission.READ_PHONE_STATE");
    let chain: Vec<&str> = h.outcomes[0]
        .chain
        .iter()
        .map(|f| f.method.as_str())
        .collect();
    // The anonymous callback's bridge, its typed method, the dialog builder.
    assert_eq!(
        chain[1],
        "Lcom/example/denysettings/MainActivity$1;->onActivityResult(Ljava/lang/Boolean;)V"
    );
    assert_eq!(
        chain[2],
        "Lcom/example/denysettings/MainActivity;->showSettingsOnlyDialog()V"
    );
    assert!(fired(&ids, "PERM-COERCED").is_some(), "{ids:?}");
}

#[test]
fn denial_asking_again_and_a_request_on_every_resume_fire_the_loop_rule() {
    let (ids, facts) = scan("deny-request-loop", None);
    let h = only_handler(&facts);
    assert_eq!(kinds(h), ["request-again"]);
    assert_eq!(facts.resume_permission_requests.len(), 1);
    let r = &facts.resume_permission_requests[0];
    assert_eq!(r.activity, "com.example.denyloop.ScanActivity");
    assert_eq!(r.permissions, ["android.permission.CAMERA"]);
    let evidence = fired(&ids, "PERM-REQUEST-LOOP").expect("fires");
    assert!(
        evidence.contains("on denial:") && evidence.contains("on every resume:"),
        "{evidence}"
    );
    assert!(fired(&ids, "PERM-COERCED").is_none());
    assert!(fired(&ids, "PERM-COERCED-REVIEW").is_none());
}

#[test]
fn feature_turned_off_and_the_app_going_on_is_silent() {
    let (ids, facts) = scan("deny-feature-off", None);
    let h = only_handler(&facts);
    // The denial branch was found, and nothing in it coerces: a dialog with a "not now"
    // button, a toast, a city picker.
    assert!(h.tested);
    assert!(h.outcomes.is_empty(), "{:#?}", h.outcomes);
    assert!(facts.resume_permission_requests.is_empty());
    for id in ["PERM-COERCED", "PERM-COERCED-REVIEW", "PERM-REQUEST-LOOP"] {
        assert!(fired(&ids, id).is_none(), "{id}: {ids:?}");
    }
}

#[test]
fn denial_of_a_permission_the_type_needs_is_medium_and_says_so() {
    let (ids, facts) = scan("deny-necessary", Some("map_navigation"));
    assert_eq!(kinds(only_handler(&facts)), ["exit-app"]);
    assert_eq!(
        only_handler(&facts).permissions[0].necessity.as_deref(),
        Some("justified")
    );
    assert!(fired(&ids, "PERM-COERCED").is_none(), "{ids:?}");
    let evidence = fired(&ids, "PERM-COERCED-REVIEW").expect("medium fires");
    assert!(
        evidence.contains("ACCESS_FINE_LOCATION [justified]"),
        "{evidence}"
    );
    // For a type that does not need location, the same code is high.
    let (ids, _) = scan("deny-necessary", Some("news"));
    assert!(fired(&ids, "PERM-COERCED").is_some(), "{ids:?}");
}

#[test]
fn the_same_coercion_through_a_permission_library_fires() {
    let (ids, facts) = scan("deny-permissionx", None);
    let h = only_handler(&facts);
    assert_eq!(h.library, "permissionx");
    assert_eq!(h.class, "com.example.denypx.MainActivity$1");
    assert_eq!(kinds(h), ["exit-app"]);
    assert_eq!(h.outcomes[0].api, "Ljava/lang/System;->exit(I)V");
    let names: Vec<&str> = h.permissions.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.READ_CONTACTS"
        ]
    );
    assert!(fired(&ids, "PERM-COERCED").is_some(), "{ids:?}");
}

#[test]
fn the_yuhang_sample_closes_on_denial_and_fires() {
    let (ids, facts) = scan_path(&sample("yuhang-musiclive.apk"), None);
    let h = only_handler(&facts);
    assert_eq!(kinds(h), ["exit-app"]);
    let evidence = fired(&ids, "PERM-COERCED").expect("fires");
    // The permissions no app type needs are the ones named.
    assert!(
        evidence.contains("android.permission.READ_PHONE_STATE"),
        "{evidence}"
    );
    assert!(
        !evidence.contains("android.permission.CAMERA"),
        "{evidence}"
    );
}

#[test]
fn every_denial_chain_can_be_followed_in_dexdump() {
    if !tool_present("dexdump") {
        eprintln!("dexdump not installed: chain check skipped");
        return;
    }
    let mut followed = 0;
    for name in [
        "deny-finish-launcher",
        "deny-settings-dialog",
        "deny-request-loop",
        "deny-necessary",
        "deny-permissionx",
    ] {
        let (_, facts) = scan(name, None);
        let out = std::process::Command::new("dexdump")
            .arg("-d")
            .arg(apk(name))
            .output()
            .expect("dexdump runs");
        let dump = String::from_utf8_lossy(&out.stdout);
        let mut chains: Vec<Vec<String>> = facts
            .denial_handlers
            .iter()
            .flat_map(|h| &h.outcomes)
            .map(|o| o.chain.iter().map(|f| f.method.clone()).collect())
            .collect();
        chains.extend(
            facts
                .resume_permission_requests
                .iter()
                .map(|r| r.chain.iter().map(|f| f.method.clone()).collect()),
        );
        assert!(!chains.is_empty(), "{name}: no chain");
        for chain in &chains {
            for pair in chain.windows(2) {
                let caller = dexdump_ref(&pair[0]);
                let callee = dexdump_ref(&pair[1]);
                let body = dexdump_body(&dump, &caller)
                    .unwrap_or_else(|| panic!("{name}: {caller} not in dexdump"));
                assert!(
                    body.contains(&callee),
                    "{name}: {caller} does not invoke {callee}"
                );
                followed += 1;
            }
        }
    }
    assert!(followed >= 6, "{followed}");
}

#[test]
fn hostile_bytes_never_panic() {
    let apk_bytes = std::fs::read(apk("deny-settings-dialog")).expect("sample");
    let dex = common::entries_of(&apk_bytes)
        .into_iter()
        .find(|e| e.name == "classes.dex")
        .expect("classes.dex")
        .data;
    let libs = piaudit::coercion::Libraries::embedded();
    assert!(libs.list.len() >= 8, "embedded table parses");
    let mut facts = AppFacts::default();
    facts.components = vec![piaudit::facts::Component {
        kind: "activity".to_owned(),
        name: "com.example.denysettings.MainActivity".to_owned(),
        launcher: true,
        ..Default::default()
    }];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut analysed = 0;
    for round in 0..300 {
        let mut b = dex.clone();
        for _ in 0..(1 + round % 16) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = 0x70 + (state as usize) % (b.len() - 0x70);
            b[at] = (state >> 32) as u8;
        }
        let Ok(parsed) = piaudit_dex::Dex::parse(&b) else {
            continue;
        };
        let mut scan = piaudit::coercion::DenialScan::default();
        scan.add_dex(&parsed, libs);
        scan.add_dex(&parsed, libs);
        let mut builder = piaudit_graph::Builder::new(piaudit_graph::Caps::default());
        builder.add_dex(&parsed);
        let g = builder.finish();
        piaudit::coercion::analyse(&g, &mut facts, &scan, libs);
        analysed += 1;
    }
    assert!(analysed > 0);
}
