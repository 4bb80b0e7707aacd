//! Facts builders shared by the rule tests: a clean baseline app and the typed records of the
//! fields other engineers fill (policies, sdks, api_refs, start-up requests).

#![allow(dead_code)]

use std::sync::OnceLock;

use piaudit_facts::{
    ApiRef, AppFacts, Component, Disclosed, Disclosures, ElementFact, Flags, LocalizedText,
    Permission, PolicyDoc, PolicyFetch, PolicyNames, Sdk, SignatureEvidence, Span, StartupRequest,
};
use piaudit_rules::{Evaluation, Finding, RuleSet};
use serde_json::Value;

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
        manifest_read: true,
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

fn spans() -> Vec<Span> {
    vec![Span {
        start: 0,
        end: 4,
        excerpt: "...".to_owned(),
        ..Span::default()
    }]
}

fn disclosed(ids: &[&str]) -> Vec<Disclosed> {
    ids.iter()
        .map(|id| Disclosed {
            id: (*id).to_owned(),
            mentions: 1,
            evidence: spans(),
            ..Disclosed::default()
        })
        .collect()
}

/// A bundled policy text naming `pi_types` and `sdks`, with every element present but `missing`.
pub fn text_policy(pi_types: &[&str], sdks: &[&str], missing: &[&str]) -> PolicyDoc {
    let elements = ELEMENTS
        .iter()
        .map(|e| {
            let present = !missing.contains(e);
            let evidence = if present { spans() } else { Vec::new() };
            ((*e).to_owned(), ElementFact { present, evidence })
        })
        .collect();
    PolicyDoc {
        source: "assets/privacy.html".to_owned(),
        kind: "text".to_owned(),
        lang: "zh".to_owned(),
        chars: 5000,
        sha256: "00".to_owned(),
        encoding: Some("utf-8".to_owned()),
        disclosures: Some(Disclosures {
            chars: 5000,
            pi_types: disclosed(pi_types),
            named_sdks: disclosed(sdks),
            elements,
            missing_elements: missing.iter().map(|m| (*m).to_owned()).collect(),
            ..Disclosures::default()
        }),
        ..PolicyDoc::default()
    }
}

pub fn url_policy(url: &str, fetch: Option<PolicyFetch>) -> PolicyDoc {
    PolicyDoc {
        source: "string:privacy_url".to_owned(),
        kind: "url".to_owned(),
        url: Some(url.to_owned()),
        lang: "unknown".to_owned(),
        fetch,
        ..PolicyDoc::default()
    }
}

pub fn dialog_policy() -> PolicyDoc {
    PolicyDoc {
        source: "string:privacy_dialog_message".to_owned(),
        kind: "dialog".to_owned(),
        lang: "zh".to_owned(),
        chars: 60,
        sha256: "11".to_owned(),
        encoding: Some("utf-8".to_owned()),
        ..PolicyDoc::default()
    }
}

pub fn sdk(id: &str, category: &str, pi_types: &[&str]) -> Sdk {
    let name = LocalizedText {
        zh: id.to_owned(),
        en: id.to_owned(),
    };
    Sdk {
        id: id.to_owned(),
        name: name.clone(),
        vendor: Some(LocalizedText {
            zh: "v".to_owned(),
            en: "v".to_owned(),
        }),
        category: category.to_owned(),
        evidence: vec![SignatureEvidence {
            kind: "class".to_owned(),
            value: "com.vendor".to_owned(),
            count: 3,
            ..SignatureEvidence::default()
        }],
        evidence_strength: "code".to_owned(),
        pi_types: pi_types.iter().map(|t| (*t).to_owned()).collect(),
        used: true,
        policy_names: PolicyNames {
            zh: vec![id.to_owned()],
            en: Vec::new(),
        },
        ..Sdk::default()
    }
}

pub fn api_ref(
    api: &str,
    pi_type: &str,
    permission: Option<&str>,
    sdk: Option<&str>,
    caller: &str,
) -> ApiRef {
    ApiRef {
        api: api.to_owned(),
        pi_type: pi_type.to_owned(),
        permission: permission.map(str::to_owned),
        attributed_to: if sdk.is_some() { "sdk" } else { "app" }.to_owned(),
        sdk: sdk.map(str::to_owned),
        callers: vec![caller.to_owned()],
        call_sites: 2,
        ..ApiRef::default()
    }
}

pub fn startup_request(permissions: &[&str]) -> StartupRequest {
    StartupRequest {
        component: "cn.example.app.MainActivity".to_owned(),
        kind: "launcher-activity".to_owned(),
        method: "onCreate".to_owned(),
        api: "Landroid/app/Activity;->requestPermissions([Ljava/lang/String;I)V".to_owned(),
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        ..StartupRequest::default()
    }
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
