//! Issue 18 on real APKs: the consent, self-start and identity samples (firing) and their
//! silent twin, built by `samples/build.sh consent-dark-patterns consent-respectful
//! hidden-launcher`; and `piaudit rules coverage` kept consistent with the rule files, the
//! criteria table and the README.

mod common;

use std::collections::BTreeSet;

use common::{repo, sample};
use piaudit::auditor::{Auditor, Config};
use piaudit::facts::AppFacts;
use piaudit_rules::Lang;

/// The rules of issue 18.
const NEW_RULES: [&str; 21] = [
    "UI-CONSENT-PRECHECKED",
    "UI-CONSENT-BY-USE",
    "UI-CONSENT-NO-REFUSE",
    "UI-NO-ACCOUNT-CANCELLATION",
    "UI-NO-COMPLAINT-ENTRY",
    "UI-NO-PERSONALIZATION-SWITCH",
    "UI-NO-CONSENT-WITHDRAWAL",
    "UI-REWARD-FOR-PI",
    "SELF-START-BROADCAST",
    "ASSOCIATED-START-PUSH",
    "ADS-CAN-INSTALL-APPS",
    "APP-LABEL-BLANK",
    "APP-LAUNCHER-DISABLED",
    "APP-ICON-TRANSPARENT",
    "PERM-BACKGROUND-LOCATION",
    "PERM-BROAD-STORAGE",
    "PERM-PURPOSE-NOT-FOUND",
    "PERM-REQUIRED-WORDING",
    "PERM-BUNDLED-REQUEST",
    "POLICY-NOT-CHINESE",
    "POLICY-DENIES-COLLECTED-PI",
];

fn scan(name: &str, category: Option<&str>) -> (BTreeSet<String>, AppFacts) {
    let auditor = Auditor::new(&Config::default()).expect("embedded rules load");
    let audit = auditor
        .audit(&sample(name), category)
        .expect("sample decodes");
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
        .filter(|id| NEW_RULES.contains(&id.as_str()))
        .collect();
    (ids, audit.extraction.facts)
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_dark_patterns_sample_shows_each_pattern_with_its_evidence() {
    let (ids, facts) = scan("consent-dark-patterns.apk", Some("online_shopping"));
    assert_eq!(
        ids,
        set(&[
            "UI-CONSENT-PRECHECKED",
            "UI-CONSENT-BY-USE",
            "UI-CONSENT-NO-REFUSE",
            "UI-NO-ACCOUNT-CANCELLATION",
            "UI-NO-COMPLAINT-ENTRY",
            "UI-NO-PERSONALIZATION-SWITCH",
            "UI-NO-CONSENT-WITHDRAWAL",
            "UI-REWARD-FOR-PI",
            "SELF-START-BROADCAST",
            "ASSOCIATED-START-PUSH",
            "PERM-BACKGROUND-LOCATION",
            "PERM-BROAD-STORAGE",
            "PERM-PURPOSE-NOT-FOUND",
            "PERM-REQUIRED-WORDING",
        ])
    );
    let ui = &facts.ui;
    assert_eq!(ui.layouts_read, 4);
    assert_eq!(
        ui.prechecked_consent
            .iter()
            .map(|e| e.source.as_str())
            .collect::<Vec<_>>(),
        vec!["res/layout/activity_login.xml"]
    );
    // The check box's own label is a check box consent, not consent by use.
    assert_eq!(
        ui.consent_by_use
            .iter()
            .map(|e| e.source.as_str())
            .collect::<Vec<_>>(),
        vec!["string:login_footer"]
    );
    assert_eq!(
        ui.consent_without_refuse
            .iter()
            .map(|e| e.source.as_str())
            .collect::<Vec<_>>(),
        vec!["res/layout/dialog_privacy.xml"]
    );
    let starts: Vec<(&str, &str, bool, Option<&str>)> = facts
        .auto_start
        .iter()
        .map(|a| {
            (
                a.component.as_str(),
                a.trigger.as_str(),
                a.delivered,
                a.sdk.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        starts,
        vec![
            (
                "cn.piaudit.sample.darkshop.WakeReceiver",
                "boot",
                true,
                None
            ),
            (
                "cn.piaudit.sample.darkshop.WakeReceiver",
                "user_present",
                true,
                None
            ),
            (
                "com.igexin.sdk.PushService",
                "other_apps",
                true,
                Some("getui-push")
            ),
        ]
    );
}

#[test]
fn the_respectful_twin_gets_none_of_these_findings() {
    let (ids, facts) = scan("consent-respectful.apk", Some("online_shopping"));
    assert!(ids.is_empty(), "{ids:?}");
    assert_eq!(facts.ui.layouts_read, 3);
    assert!(facts.ui.prechecked_consent.is_empty());
    // The disabled boot receiver is left out; the connectivity one is not delivered at 33.
    assert_eq!(facts.auto_start.len(), 1);
    assert!(!facts.auto_start[0].delivered);
    let icon = facts.launcher_icon.expect("icon decoded");
    assert_eq!(icon.format, "adaptive");
    assert_eq!(icon.fully_transparent, Some(false));
}

#[test]
fn the_hidden_launcher_sample_hides_name_icon_and_entry() {
    let (ids, facts) = scan("hidden-launcher.apk", None);
    assert_eq!(
        ids,
        set(&[
            "APP-LABEL-BLANK",
            "APP-LAUNCHER-DISABLED",
            "APP-ICON-TRANSPARENT"
        ])
    );
    assert_eq!(facts.label.as_deref(), Some("\u{3000}"));
    assert_eq!(facts.launch_activity, None);
    let icon = facts.launcher_icon.expect("icon decoded");
    assert_eq!(icon.format, "png");
    assert_eq!(icon.fully_transparent, Some(true));
}

#[test]
fn the_older_samples_keep_their_verdicts() {
    let (ids, _) = scan("english-weather.apk", None);
    assert!(ids.contains("POLICY-NOT-CHINESE"), "{ids:?}");
    let (ids, _) = scan("policy-complete.apk", None);
    assert!(ids.is_empty(), "{ids:?}");
    let (ids, _) = scan("no-pi-calculator.apk", None);
    assert!(ids.is_empty(), "{ids:?}");
}

/// The code checks of issue 18 (call graph, constants at call sites, permission table).
const CODE_RULES: [&str; 5] = [
    "PERM-DECLARED-UNUSED",
    "PERM-NO-RATIONALE",
    "ADS-SHAKE-SENSOR",
    "ASSOCIATED-START-CODE",
    "SELF-START-SCHEDULED",
];

fn code_findings(name: &str) -> (Vec<piaudit_rules::Finding>, AppFacts) {
    let auditor = Auditor::new(&Config::default()).expect("embedded rules load");
    let audit = auditor.audit(&sample(name), None).expect("sample decodes");
    assert!(
        audit.evaluation.errors.is_empty(),
        "{:?}",
        audit.evaluation.errors
    );
    let findings = audit
        .evaluation
        .findings
        .into_iter()
        .filter(|f| CODE_RULES.contains(&f.rule_id.as_str()))
        .collect();
    (findings, audit.extraction.facts)
}

fn evidence_of<'a>(findings: &'a [piaudit_rules::Finding], id: &str) -> Vec<&'a str> {
    findings
        .iter()
        .find(|f| f.rule_id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
        .evidence
        .iter()
        .filter_map(|e| e.as_str())
        .collect()
}

#[test]
fn the_code_checks_sample_shows_each_capability_with_its_owner() {
    let (findings, facts) = code_findings("codechecks/apks/codechecks-firing.apk");
    let fired: BTreeSet<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(fired, CODE_RULES.iter().copied().collect());
    for f in &findings {
        assert!(
            f.violated.is_empty(),
            "{} cites {:?} as violated",
            f.rule_id,
            f.violated
        );
    }
    // Location is used (LocationManager); camera and contacts are declared only.
    assert!(facts.permission_use.judged, "{:?}", facts.permission_use);
    assert_eq!(
        evidence_of(&findings, "PERM-DECLARED-UNUSED"),
        [
            "android.permission.CAMERA",
            "android.permission.READ_CONTACTS"
        ]
    );
    assert_eq!(
        evidence_of(&findings, "PERM-NO-RATIONALE"),
        ["Lcom/example/shaky/MainActivity;->requestPermissions([Ljava/lang/String;I)V"]
    );
    // The ad SDK's shake detector, attributed to the SDK by its classes.
    assert_eq!(
        evidence_of(&findings, "ADS-SHAKE-SENSOR"),
        [
            "SDK pangle-csj: accelerometer, gyroscope — Lcom/bytedance/sdk/openadsdk/shake/ShakeDetector;->start()V"
        ]
    );
    assert_eq!(
        evidence_of(&findings, "ASSOCIATED-START-CODE"),
        [
            "com.partner.news/com.partner.news.push.KeepAliveService via startService in Lcom/example/shaky/ShakyApp;->wakePartner(Landroid/content/Context;)V @ app"
        ]
    );
    let scheduled = evidence_of(&findings, "SELF-START-SCHEDULED");
    assert_eq!(scheduled.len(), 1);
    assert!(
        scheduled[0].starts_with("Landroid/app/AlarmManager;->setRepeating(IJJLandroid/app/PendingIntent;)V @ app — application com.example.shaky.ShakyApp.onCreate: "),
        "{scheduled:?}"
    );
}

#[test]
fn the_code_checks_twin_uses_what_it_declares_and_stays_silent() {
    let (findings, facts) = code_findings("codechecks/apks/codechecks-silent.apk");
    assert!(
        findings.is_empty(),
        "{:?}",
        findings.iter().map(|f| &f.rule_id).collect::<Vec<_>>()
    );
    // Judged, and every permission has its use.
    assert!(facts.permission_use.judged);
    assert!(
        facts.permission_use.permissions.iter().all(|p| p.used),
        "{:?}",
        facts.permission_use
    );
    assert!(facts.permission_rationale.rationale_api_referenced);
    // The accelerometer is read by the app's own code, not by the ad SDK (which reads light).
    assert_eq!(facts.motion_sensors.len(), 1);
    assert_eq!(facts.motion_sensors[0].attributed_to, "app");
    // Billing is a system package; the broadcast to itself is not another app.
    assert!(
        facts.cross_app_starts.is_empty(),
        "{:?}",
        facts.cross_app_starts
    );
    // The alarm is set from a permission callback, not from start-up.
    assert!(
        facts.startup_schedules.is_empty(),
        "{:?}",
        facts.startup_schedules
    );
}

#[test]
fn a_component_without_code_stops_the_unused_permission_judgement_only() {
    // The firing sample's code with one more activity in the manifest whose class is not in
    // the DEX (as when a feature split is not read): its code could use any permission.
    let (findings, facts) = code_findings("codechecks/apks/codechecks-split.apk");
    assert!(!facts.permission_use.judged);
    assert_eq!(facts.permission_use.hidden_by, ["components-without-code"]);
    let fired: BTreeSet<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    let expected: BTreeSet<&str> = CODE_RULES
        .iter()
        .copied()
        .filter(|id| *id != "PERM-DECLARED-UNUSED")
        .collect();
    assert_eq!(fired, expected);
}

#[test]
fn the_older_samples_get_only_the_code_check_findings_their_code_shows() {
    let unused = |name: &str| -> Vec<String> {
        let (findings, _) = code_findings(name);
        findings
            .iter()
            .filter(|f| f.rule_id == "PERM-DECLARED-UNUSED")
            .flat_map(|f| evidence_of(std::slice::from_ref(f), "PERM-DECLARED-UNUSED"))
            .map(str::to_owned)
            .collect()
    };
    // The flashlight opens the camera and declares location, call log, phone and SMS besides.
    assert_eq!(
        unused("legacy-target22.apk"),
        [
            "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.READ_CALL_LOG",
            "android.permission.READ_PHONE_STATE",
            "android.permission.READ_SMS"
        ]
    );
    // The live-streaming app uses camera, location and the device id; contacts and the
    // microphone are declared only.
    assert_eq!(
        unused("yuhang-musiclive.apk"),
        [
            "android.permission.READ_CONTACTS",
            "android.permission.RECORD_AUDIO"
        ]
    );
    // Declares fine location and has no code that could use it.
    assert_eq!(
        unused("consent-dark-patterns.apk"),
        ["android.permission.ACCESS_FINE_LOCATION"]
    );
    for name in [
        "policy-complete.apk",
        "no-pi-calculator.apk",
        "sdk-tracker.apk",
        "hidden-launcher.apk",
    ] {
        let (findings, _) = code_findings(name);
        let ids: Vec<&str> = findings
            .iter()
            .map(|f| f.rule_id.as_str())
            .filter(|id| *id != "PERM-DECLARED-UNUSED" && *id != "PERM-NO-RATIONALE")
            .collect();
        assert!(ids.is_empty(), "{name}: {ids:?}");
    }
}

fn coverage(lang: Lang) -> piaudit::coverage::Coverage {
    let auditor = Auditor::new(&Config::default()).expect("embedded rules load");
    piaudit::coverage::coverage(auditor.rules(), lang)
}

#[test]
fn every_criterion_is_cited_by_a_rule_or_says_why_not() {
    let matrix = coverage(Lang::En);
    let mut wrong = Vec::new();
    for row in &matrix.criteria {
        match (&row.unchecked, row.checked()) {
            (Some(reason), _) if !piaudit::coverage::REASONS.contains(&reason.as_str()) => {
                wrong.push(format!("{}: unknown unchecked reason '{reason}'", row.id))
            }
            (Some(reason), true) => wrong.push(format!(
                "{}: cited by {:?} {:?} but says unchecked = \"{reason}\" (remove it from rules/data/criteria.toml)",
                row.id, row.violated_by, row.related_by
            )),
            (None, false) => wrong.push(format!(
                "{}: no rule cites it; give it unchecked = dynamic | package | definition | todo in rules/data/criteria.toml",
                row.id
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    let count = |doc: &str| {
        matrix
            .documents
            .iter()
            .find(|d| d.document == doc)
            .map_or(0, |d| d.checked)
    };
    assert!(count("MIIT2019") >= 20, "MIIT2019: {}", count("MIIT2019"));
    for item in [
        "MIIT164-1",
        "MIIT164-3",
        "MIIT164-4",
        "MIIT164-5",
        "MIIT164-6",
    ] {
        let row = matrix.criteria.iter().find(|r| r.id == item);
        assert!(row.is_some_and(|r| r.checked()), "{item} not checked");
    }
}

#[test]
fn the_readme_shows_the_current_coverage_matrix() {
    let md = coverage(Lang::En).to_markdown(Lang::En);
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = "<!-- coverage:start (piaudit rules coverage --format md --lang en) -->\n";
    let end = "<!-- coverage:end -->";
    let shown = readme
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(inside, _)| inside);
    assert_eq!(
        shown,
        Some(md.as_str()),
        "README.md's coverage section is stale: replace it with the output of \
         `piaudit rules coverage --format md --lang en`"
    );
    // Every rendering names every criterion.
    let zh = coverage(Lang::Zh);
    let text = zh.to_text(Lang::Zh);
    let json = zh.to_json();
    for row in &zh.criteria {
        assert!(md.contains(&format!("| {} |", row.id)), "{}", row.id);
        assert!(
            text.contains(&row.id) && json.contains(&row.id),
            "{}",
            row.id
        );
    }
}
