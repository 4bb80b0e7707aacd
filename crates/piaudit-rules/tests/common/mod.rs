//! Facts builders shared by the rule tests: a clean baseline app and the JSON shapes of the
//! fields other engineers fill (policies, sdks, api_refs, start-up requests).

#![allow(dead_code)]

use std::sync::OnceLock;

use piaudit_facts::{AppFacts, Component, Flags, Permission};
use piaudit_rules::{Evaluation, Finding, RuleSet};
use serde_json::{Value, json};

pub fn ruleset() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| match RuleSet::embedded() {
        Ok(set) => set,
        Err(e) => panic!("embedded rules do not load: {e}"),
    })
}

pub const ELEMENTS: [&str; 12] = [
    "handler_identity",
    "contact",
    "pi_types_and_purposes",
    "retention",
    "rights",
    "account_cancellation",
    "complaint",
    "minors",
    "third_party_sdk_list",
    "update_and_effective_date",
    "cross_border",
    "sensitive_pi_separate_consent",
];

pub fn permission(name: &str) -> Permission {
    Permission {
        name: name.to_owned(),
        element: "uses-permission".to_owned(),
        ..Permission::default()
    }
}

/// A clean app: modern target, no backup, no cleartext, only a launcher activity, no PI.
pub fn base_app() -> AppFacts {
    AppFacts {
        container: "apk".to_owned(),
        package: Some("cn.example.app".to_owned()),
        target_sdk: Some(34),
        target_sdk_effective: 34,
        flags: Flags {
            allow_backup: Some(false),
            ..Flags::default()
        },
        launch_activity: Some("cn.example.app.MainActivity".to_owned()),
        components: vec![Component {
            kind: "activity".to_owned(),
            name: "cn.example.app.MainActivity".to_owned(),
            exported: Some(true),
            exported_effective: true,
            intent_filters: 1,
            actions: vec!["android.intent.action.MAIN".to_owned()],
            launcher: true,
            ..Component::default()
        }],
        permissions: vec![permission("android.permission.INTERNET")],
        ..AppFacts::default()
    }
}

pub fn with_permissions(mut app: AppFacts, names: &[&str]) -> AppFacts {
    app.permissions.extend(names.iter().map(|n| permission(n)));
    app
}

/// A bundled policy text naming `pi_types` and `sdks`, with every element present but `missing`.
pub fn text_policy(pi_types: &[&str], sdks: &[&str], missing: &[&str]) -> Value {
    let evidence = json!([{"start": 0, "end": 4, "excerpt": "..."}]);
    let elements: serde_json::Map<String, Value> = ELEMENTS
        .iter()
        .map(|e| {
            let present = !missing.contains(e);
            let ev = if present { evidence.clone() } else { json!([]) };
            ((*e).to_owned(), json!({"present": present, "evidence": ev}))
        })
        .collect();
    json!({
        "source": "assets/privacy.html", "kind": "text", "url": null, "lang": "zh", "chars": 5000,
        "sha256": "00", "encoding": "utf-8",
        "disclosures": {
            "pi_types": pi_types.iter().map(|t| json!({"id": t, "evidence": evidence})).collect::<Vec<_>>(),
            "named_sdks": sdks.iter().map(|s| json!({"id": s, "evidence": evidence})).collect::<Vec<_>>(),
            "elements": elements,
            "missing_elements": missing,
        },
        "fetch": null
    })
}

pub fn url_policy(url: &str, fetch: Value) -> Value {
    json!({"source": "string:privacy_url", "kind": "url", "url": url, "lang": "unknown", "chars": 0,
           "sha256": null, "encoding": null, "disclosures": null, "fetch": fetch})
}

pub fn dialog_policy() -> Value {
    json!({"source": "string:privacy_dialog_message", "kind": "dialog", "url": null, "lang": "zh",
           "chars": 60, "sha256": "11", "encoding": "utf-8", "disclosures": null, "fetch": null})
}

pub fn sdk(id: &str, category: &str, pi_types: &[&str]) -> Value {
    json!({"id": id, "name": {"zh": id, "en": id}, "vendor": {"zh": "v", "en": "v"}, "category": category,
           "evidence": [{"kind": "class", "value": "com.vendor", "count": 3}], "pi_types": pi_types,
           "used": true, "policy_names": [id]})
}

pub fn api_ref(
    api: &str,
    pi_type: &str,
    permission: Option<&str>,
    sdk: Option<&str>,
    caller: &str,
) -> Value {
    json!({"api": api, "pi_type": pi_type, "permission": permission,
           "attributed_to": if sdk.is_some() { "sdk" } else { "app" }, "sdk": sdk,
           "callers": [caller], "call_sites": 2})
}

pub fn startup_request(permissions: &[&str]) -> Value {
    json!({"component": "cn.example.app.MainActivity", "kind": "launcher-activity", "method": "onCreate",
           "api": "Landroid/app/Activity;->requestPermissions([Ljava/lang/String;I)V",
           "permissions": permissions})
}

pub const GET_DEVICE_ID: &str =
    "Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;";
pub const ANDROID_ID: &str = "Landroid/provider/Settings$Secure;->ANDROID_ID:Ljava/lang/String;";
pub const GET_INSTALLED: &str =
    "Landroid/content/pm/PackageManager;->getInstalledPackages(I)Ljava/util/List;";
pub const QUERY_INTENT: &str = "Landroid/content/pm/PackageManager;->queryIntentActivities(Landroid/content/Intent;I)Ljava/util/List;";
pub const LAST_LOCATION: &str = "Landroid/location/LocationManager;->getLastKnownLocation(Ljava/lang/String;)Landroid/location/Location;";
pub const FACE_DETECT: &str = "Landroid/media/FaceDetector;->findFaces(Landroid/graphics/Bitmap;[Landroid/media/FaceDetector$Face;)I";
pub const BIOMETRIC_PROMPT: &str = "Landroid/hardware/biometrics/BiometricPrompt;->authenticate(Landroid/os/CancellationSignal;Ljava/util/concurrent/Executor;Landroid/hardware/biometrics/BiometricPrompt$AuthenticationCallback;)V";

/// Enriches and evaluates; panics on rule errors, which no fixture should cause.
pub fn evaluate(mut app: AppFacts) -> Evaluation {
    let set = ruleset();
    if let Err(e) = set.tables().enrich(&mut app) {
        panic!("enrich: {e}");
    }
    let evaluation = set.evaluate(&app);
    assert!(
        evaluation.errors.is_empty(),
        "rule errors: {:?}",
        evaluation.errors
    );
    evaluation
}

pub fn finding<'a>(evaluation: &'a Evaluation, id: &str) -> Option<&'a Finding> {
    evaluation.findings.iter().find(|f| f.rule_id == id)
}

pub fn fired(evaluation: &Evaluation, id: &str) -> bool {
    finding(evaluation, id).is_some()
}

pub fn ids(evaluation: &Evaluation) -> Vec<&str> {
    evaluation
        .findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .collect()
}

pub fn evidence_texts(finding: &Finding) -> Vec<String> {
    finding
        .evidence
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other
                .get("text")
                .and_then(|t| t.as_str())
                .map_or_else(|| other.to_string(), str::to_owned),
        })
        .collect()
}
