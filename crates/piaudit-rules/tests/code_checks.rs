//! The code-check rules of issue 18 (PERM-DECLARED-UNUSED, PERM-NO-RATIONALE, ADS-SHAKE-SENSOR,
//! ASSOCIATED-START-CODE, SELF-START-SCHEDULED) firing and staying silent on facts built here,
//! each next to the look-alike that must not fire; none cites a criterion as violated.

mod common;

use common::*;
use piaudit_facts::{
    AppFacts, ChainFrame, CrossAppStart, GraphLimit, MotionSensorUse, PermissionUsage,
    ScheduledWork,
};

fn usage(permission: &str, used: bool) -> PermissionUsage {
    PermissionUsage {
        permission: permission.to_owned(),
        used,
        used_by: if used {
            vec!["class Landroid/hardware/Camera;".to_owned()]
        } else {
            Vec::new()
        },
    }
}

fn related_only(app: AppFacts, id: &str) -> Vec<String> {
    let e = evaluate(app);
    let Some(f) = finding(&e, id) else {
        panic!("{id} missing from {:?}", ids(&e))
    };
    assert!(
        f.violated.is_empty(),
        "{id} cites {:?} as violated",
        f.violated
    );
    evidence_texts(f)
}

#[test]
fn an_unused_permission_is_reported_only_when_all_code_was_visible() {
    let mut app = with_permissions(
        base_app(),
        &[
            "android.permission.CAMERA",
            "android.permission.READ_CONTACTS",
        ],
    );
    app.permission_use.judged = true;
    app.permission_use.permissions = vec![
        usage("android.permission.CAMERA", true),
        usage("android.permission.READ_CONTACTS", false),
    ];
    assert_eq!(
        related_only(app.clone(), "PERM-DECLARED-UNUSED"),
        vec!["android.permission.READ_CONTACTS"]
    );
    // Native code (or a packer, dynamic loading ...) hides code: no judgement.
    app.permission_use.judged = false;
    app.permission_use.hidden_by = vec!["native-methods".to_owned()];
    assert!(!fired(&evaluate(app.clone()), "PERM-DECLARED-UNUSED"));
    // Every permission used: silent.
    app.permission_use.judged = true;
    app.permission_use.hidden_by.clear();
    app.permission_use.permissions[1].used = true;
    assert!(!fired(&evaluate(app), "PERM-DECLARED-UNUSED"));
}

#[test]
fn a_missing_rationale_check_needs_a_live_request_and_no_reference_anywhere() {
    let mut app = with_permissions(base_app(), &["android.permission.CAMERA"]);
    app.permission_rationale.request_apis =
        vec!["Landroidx/core/app/ActivityCompat;->requestPermissions(Landroid/app/Activity;[Ljava/lang/String;I)V".to_owned()];
    app.permission_rationale.request_live = Some(true);
    assert_eq!(related_only(app.clone(), "PERM-NO-RATIONALE").len(), 1);
    // Referenced anywhere (an SDK's permission helper counts): silent.
    let mut referenced = app.clone();
    referenced.permission_rationale.rationale_api_referenced = true;
    assert!(!fired(&evaluate(referenced), "PERM-NO-RATIONALE"));
    // The request is dead code, or there is no call graph: silent.
    for live in [Some(false), None] {
        let mut dead = app.clone();
        dead.permission_rationale.request_live = live;
        assert!(!fired(&evaluate(dead), "PERM-NO-RATIONALE"));
    }
    // Code loaded at run time may check it: silent.
    let mut dynamic = app.clone();
    dynamic.reachability.limits = vec![GraphLimit {
        kind: "dynamic-loading".to_owned(),
        count: 1,
    }];
    assert!(!fired(&evaluate(dynamic), "PERM-NO-RATIONALE"));
    // No dangerous permission declared: nothing to explain.
    let mut none = app;
    none.permissions.clear();
    assert!(!fired(&evaluate(none), "PERM-NO-RATIONALE"));
}

fn sensors(sdk: Option<&str>, category: Option<&str>, registers: bool) -> MotionSensorUse {
    MotionSensorUse {
        attributed_to: if sdk.is_some() { "sdk" } else { "app" }.to_owned(),
        sdk: sdk.map(str::to_owned),
        sdk_category: category.map(str::to_owned),
        sensors: vec!["accelerometer".to_owned()],
        registers_listener: registers,
        methods: vec!["Lcom/ad/Shake;->start()V".to_owned()],
    }
}

#[test]
fn shake_capability_is_an_ad_sdks_motion_sensor_with_a_listener() {
    let mut app = base_app();
    app.motion_sensors = vec![
        sensors(Some("pangle-csj"), Some("ads"), true),
        // The app's own step counter, an analytics SDK, an ad SDK that never listens.
        sensors(None, None, true),
        sensors(Some("umeng-analytics"), Some("analytics"), true),
        sensors(Some("gdt"), Some("ads"), false),
    ];
    assert_eq!(
        related_only(app.clone(), "ADS-SHAKE-SENSOR"),
        vec!["SDK pangle-csj: accelerometer — Lcom/ad/Shake;->start()V"]
    );
    app.motion_sensors.remove(0);
    assert!(!fired(&evaluate(app), "ADS-SHAKE-SENSOR"));
}

#[test]
fn cross_app_starts_and_startup_schedules_name_their_owner() {
    let mut app = base_app();
    assert!(!fired(&evaluate(app.clone()), "ASSOCIATED-START-CODE"));
    app.cross_app_starts = vec![CrossAppStart {
        package: "com.partner.news".to_owned(),
        component: Some("com.partner.news.PushService".to_owned()),
        calls: vec!["startService".to_owned()],
        method: "Lcom/igexin/push/Wake;->run()V".to_owned(),
        attributed_to: "sdk".to_owned(),
        sdk: Some("getui-push".to_owned()),
    }];
    assert_eq!(
        related_only(app.clone(), "ASSOCIATED-START-CODE"),
        vec![
            "com.partner.news/com.partner.news.PushService via startService in Lcom/igexin/push/Wake;->run()V @ SDK getui-push"
        ]
    );
    // AndroidX Test binding the test orchestrator is platform-library code: silent.
    let mut platform = app.clone();
    platform.cross_app_starts[0].attributed_to = "platform".to_owned();
    platform.cross_app_starts[0].sdk = None;
    assert!(!fired(&evaluate(platform), "ASSOCIATED-START-CODE"));

    let schedule = |owner: &str| ScheduledWork {
        api: "Landroid/app/AlarmManager;->setRepeating(IJJLandroid/app/PendingIntent;)V".to_owned(),
        attributed_to: owner.to_owned(),
        sdk: None,
        reachable_from: "application com.example.App.onCreate".to_owned(),
        before_consent: None,
        chain: vec![
            ChainFrame {
                method: "Lcom/example/App;->onCreate()V".to_owned(),
                via: "entry point".to_owned(),
            },
            ChainFrame {
                method: "Landroid/app/AlarmManager;->setRepeating(IJJLandroid/app/PendingIntent;)V"
                    .to_owned(),
                via: "invoke-virtual".to_owned(),
            },
        ],
    };
    // AndroidX internals (WorkManager's own force-stop alarm) are platform code: silent.
    app.startup_schedules = vec![schedule("platform")];
    assert!(!fired(&evaluate(app.clone()), "SELF-START-SCHEDULED"));
    app.startup_schedules.push(schedule("app"));
    assert_eq!(related_only(app, "SELF-START-SCHEDULED").len(), 1);
}
