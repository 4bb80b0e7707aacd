//! The compiled-in tables: complete, consistent, and enrichment from them.

mod common;

use common::*;
use piaudit_rules::{Lang, Tables};

fn tables() -> Tables {
    match Tables::embedded() {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn tables_hold_the_reference_data() {
    let t = tables();
    assert_eq!(t.permissions().len(), 59);
    assert_eq!(t.sensitive_apis().len(), 89);
    assert_eq!(t.app_types().len(), 39);
    // 111 from the reference, plus MIIT notice 26 (2023) and the CAC 2026 draft (issue 18).
    assert_eq!(t.all_criteria().len(), 113);
    assert_eq!(t.app_types().iter().filter(|a| a.no_pi_needed).count(), 13);
    let read_sms = t.permission("android.permission.READ_SMS");
    assert!(
        read_sms.is_some_and(|p| p.high_risk && p.sensitive && p.pi_type.as_deref() == Some("sms"))
    );
    assert!(
        t.permission("android.permission.POST_NOTIFICATIONS")
            .is_some_and(|p| p.pi_type.is_none())
    );
    assert!(
        t.sensitive_api(GET_DEVICE_ID)
            .is_some_and(|a| a.requires_any == ["android.permission.READ_PHONE_STATE"])
    );
    assert!(t.criteria("PIPL-17").is_some_and(|c| c.document == "PIPL"));
    let ride = t.app_type("ride_hailing");
    assert!(ride.is_some_and(|r| {
        r.on_demand.iter().any(|n| {
            n.permission == "android.permission.CALL_PHONE"
                && n.note.as_deref() == Some("ACTION_DIAL needs no permission; prefer it")
        })
    }));
}

#[test]
fn enrich_fills_permission_fields_and_necessity() {
    let mut app = with_permissions(
        base_app(),
        &[
            "android.permission.CAMERA",
            "android.permission.READ_CONTACTS",
            "android.permission.POST_NOTIFICATIONS",
        ],
    );
    app.category = Some("education".to_owned());
    assert!(tables().enrich(&mut app).is_ok());
    let get = |name: &str| {
        app.permissions
            .iter()
            .find(|p| p.name == name)
            .cloned()
            .unwrap_or_default()
    };
    let camera = get("android.permission.CAMERA");
    assert_eq!(
        (
            camera.protection.as_deref(),
            camera.dangerous,
            camera.necessity.as_deref()
        ),
        (Some("dangerous"), true, Some("on_demand"))
    );
    let contacts = get("android.permission.READ_CONTACTS");
    assert!(contacts.high_risk && contacts.sensitive);
    assert_eq!(contacts.necessity.as_deref(), Some("not_necessary"));
    assert_eq!(
        get("android.permission.POST_NOTIFICATIONS").necessity,
        None,
        "no PI: no necessity"
    );
    let internet = get("android.permission.INTERNET");
    assert_eq!(
        (internet.protection, internet.pi_type),
        (None, None),
        "unknown to the table stays unknown"
    );
}

#[test]
fn tables_from_dir_match_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/data");
    let from_dir = match Tables::from_dir(&dir) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(from_dir.sources(), tables().sources());
    assert!(Tables::from_dir(std::path::Path::new("/nonexistent")).is_err());
}

/// `cargo test --release -p piaudit-rules --test tables -- --ignored --nocapture`
#[test]
#[ignore]
fn evaluation_time() {
    let mut app = with_permissions(
        base_app(),
        &[
            "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.READ_PHONE_STATE",
            "android.permission.CAMERA",
            "android.permission.RECORD_AUDIO",
            "android.permission.READ_CONTACTS",
        ],
    );
    app.category = Some("education".to_owned());
    app.sdks = (0..20)
        .map(|i| sdk(&format!("sdk-{i}"), "analytics", &["device_id", "location"]))
        .collect();
    app.api_refs = (0..std::env::var("N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200))
        .map(|i| {
            api_ref(
                if i % 2 == 0 {
                    GET_DEVICE_ID
                } else {
                    LAST_LOCATION
                },
                if i % 2 == 0 { "device_id" } else { "location" },
                None,
                Some("sdk-1"),
                &format!("com.x.C{i}"),
            )
        })
        .collect();
    app.policies = vec![text_policy(&["location"], &["sdk-1"], &["retention"])];
    app.startup_permission_requests = vec![startup_request(&["android.permission.CAMERA"])];
    let set = ruleset();
    let _ = set.tables().enrich(&mut app);
    let mut times: Vec<std::time::Duration> = (0..100)
        .map(|_| {
            let start = std::time::Instant::now();
            let evaluation = set.evaluate(&app);
            assert!(evaluation.errors.is_empty());
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "median evaluation time over 100 runs: {:?} ({} rules)",
        times[50],
        set.rules().len()
    );
}

#[test]
fn citations_read_in_the_reader_language() {
    let t = tables();
    assert_eq!(
        t.citation("PIPL-17", Lang::Zh),
        "PIPL-17 — 处理前应告知的事项 (中华人民共和国个人信息保护法 第17条)"
    );
    assert!(t.citation("PIPL-17", Lang::En).ends_with("of the PRC 17)"));
    assert_eq!(t.citation("NO-SUCH-1", Lang::Zh), "NO-SUCH-1");
    for c in t.all_criteria() {
        // No English article words (`Art.`, `Annex`, `per-type`) in a Chinese citation.
        let zh = c.article_in(Lang::Zh).unwrap_or_default();
        let letters = zh.chars().filter(char::is_ascii_alphabetic).count();
        assert!(letters <= 1, "{}: {zh}", c.id);
    }
    assert_eq!(
        t.criteria("GB41391-6.3")
            .and_then(|c| c.article_in(Lang::Zh))
            .as_deref(),
        Some("6.3 及附录C")
    );
}
