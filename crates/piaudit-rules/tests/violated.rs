//! A rule's basis split in two: `[[rule.violated]]` criteria cited as violated only when their
//! written condition holds, the rest related; checked by `rules check` like the rule's own CEL.

mod common;

use common::*;
use piaudit_rules::{Diagnostic, Lang, RuleSet};

const RULE: &str = r#"
[[rule]]
id = "LOCAL-CAMERA"
criteria = ["PIPL-17"]
severity = "low"
title = { zh = "相机", en = "Camera" }
message = { zh = "{count} 项", en = "{count} items" }
fix = { zh = "修复", en = "Fix" }
why = { zh = "理由", en = "Why" }
example = { zh = "示例", en = "Example" }
evidence = 'app.permissions.filter(p, p.name == "android.permission.CAMERA").map(p, p.name)'

[[rule.violated]]
id = "MIIT2019-3.1"
when = 'app.api_refs.exists(r, r.pi_type == "camera" && r.attributed_to == "sdk")'
condition = { zh = "由 SDK 调用相机接口", en = "an SDK calls the camera API" }

[[rule.violated]]
id = "PIPL-29"
when = "app.target_sdk_effective < 23"
condition = { zh = "目标版本低于 23", en = "target below 23" }
"#;

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn set_with(text: &str) -> RuleSet {
    let dir = dir_with(&[("local.toml", text)]);
    let mut set = RuleSet::embedded().expect("embedded rules");
    set.load_dir(dir.path(), true).expect("rules load");
    set
}

fn judge(set: &RuleSet, mut app: piaudit_facts::AppFacts) -> piaudit_rules::Evaluation {
    set.tables().enrich(&mut app).expect("enrich");
    set.evaluate(&app)
}

#[test]
fn a_violated_criterion_is_cited_only_when_its_condition_holds() {
    let set = set_with(RULE);
    let camera = with_permissions(base_app(), &["android.permission.CAMERA"]);

    let evaluation = judge(&set, camera.clone());
    assert!(evaluation.errors.is_empty(), "{:?}", evaluation.errors);
    let f = finding(&evaluation, "LOCAL-CAMERA").expect("fires");
    assert!(f.violated.is_empty(), "{:?}", f.violated);
    assert_eq!(f.related, ["PIPL-17", "MIIT2019-3.1", "PIPL-29"]);
    assert_eq!(f.criteria, f.related);

    let mut by_sdk = camera.clone();
    by_sdk.api_refs = vec![api_ref(
        "Landroid/hardware/Camera;->open()Landroid/hardware/Camera;",
        "camera",
        Some("android.permission.CAMERA"),
        Some("some-sdk"),
        "com.sdk.Cam",
    )];
    let evaluation = judge(&set, by_sdk);
    let f = finding(&evaluation, "LOCAL-CAMERA").expect("fires");
    assert_eq!(f.violated, ["MIIT2019-3.1"]);
    assert_eq!(f.related, ["PIPL-17", "PIPL-29"]);
    assert_eq!(f.criteria, ["MIIT2019-3.1", "PIPL-17", "PIPL-29"]);

    // The same call from the app's own code: the condition does not hold.
    let mut by_app = camera;
    by_app.api_refs = vec![api_ref(
        "Landroid/hardware/Camera;->open()Landroid/hardware/Camera;",
        "camera",
        Some("android.permission.CAMERA"),
        None,
        "cn.example.app.Cam",
    )];
    by_app.target_sdk = Some(22);
    by_app.target_sdk_effective = 22;
    let evaluation = judge(&set, by_app);
    let f = finding(&evaluation, "LOCAL-CAMERA").expect("fires");
    assert_eq!(f.violated, ["PIPL-29"]);
    assert_eq!(f.related, ["PIPL-17", "MIIT2019-3.1"]);

    // The JSON record carries the split (an addition: `criteria` stays).
    let json = serde_json::to_value(f).expect("finding serializes");
    assert_eq!(json["violated"], serde_json::json!(["PIPL-29"]));
    assert_eq!(json["criteria"][0], "PIPL-29");
}

#[test]
fn a_failing_condition_is_an_error_and_leaves_the_criterion_related() {
    let text = RULE.replace(
        "when = \"app.target_sdk_effective < 23\"",
        "when = 'app.uses_features[0] == \"x\"'",
    );
    let set = set_with(&text);
    let evaluation = judge(
        &set,
        with_permissions(base_app(), &["android.permission.CAMERA"]),
    );
    let f = finding(&evaluation, "LOCAL-CAMERA").expect("still fires");
    assert!(f.related.contains(&"PIPL-29".to_owned()));
    assert!(
        evaluation
            .errors
            .iter()
            .any(|e| e.rule_id == "LOCAL-CAMERA" && e.stage == "violated"),
        "{:?}",
        evaluation.errors
    );
}

fn check(text: &str) -> Vec<Diagnostic> {
    let dir = dir_with(&[("local.toml", text)]);
    RuleSet::check_dir(dir.path())
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

#[test]
fn rules_check_validates_violated_entries_at_their_lines() {
    assert_eq!(check(RULE), Vec::<Diagnostic>::new());
    let cases = [
        (
            "id = \"PIPL-29\"",
            "id = \"NOPE-1\"",
            "unknown criterion `NOPE-1`",
        ),
        (
            "when = \"app.target_sdk_effective < 23\"",
            "when = \"app.target_sdk_effective <\"",
            "is not valid CEL",
        ),
        (
            "when = \"app.target_sdk_effective < 23\"",
            "when = \"frobnicate(app)\"",
            "unknown function `frobnicate`",
        ),
        (
            "when = \"app.target_sdk_effective < 23\"",
            "when = \"target_sdk < 23\"",
            "unknown variable `target_sdk`",
        ),
        ("id = \"PIPL-29\"", "id = \"PIPL-17\"", "cited twice"),
        (
            "condition = { zh = \"目标版本低于 23\", en = \"target below 23\" }",
            "condition = { zh = \"\", en = \"target below 23\" }",
            "needs a `condition`",
        ),
        (
            "condition = { zh = \"目标版本低于 23\", en = \"target below 23\" }",
            "condition = { zh = \"x\", en = \"y\" }\nreason = \"extra\"",
            "unknown field `reason`",
        ),
    ];
    for (from, to, message) in cases {
        let text = RULE.replace(from, to);
        assert_ne!(text, RULE, "{from}");
        let diagnostics = check(&text);
        let needle = to.lines().next().unwrap_or(to);
        let expected_line = line_of(&text, needle);
        assert!(
            diagnostics.iter().any(|d| d.message.contains(message)
                && (d.line == expected_line || message == "unknown field `reason`")),
            "{message} at line {expected_line}: {diagnostics:?}"
        );
    }
}

#[test]
fn rules_show_gives_each_violated_criterion_its_condition() {
    let set = set_with(RULE);
    let rule = set.rule("LOCAL-CAMERA").expect("rule");
    let zh = set.render_rule_doc(rule, Lang::Zh);
    let en = set.render_rule_doc(rule, Lang::En);
    assert!(zh.contains("由 SDK 调用相机接口"), "{zh}");
    assert!(en.contains("an SDK calls the camera API"), "{en}");
    assert!(
        en.contains("Violated (cited only when its condition holds)"),
        "{en}"
    );
    assert!(en.contains("Related (not cited as violated)"), "{en}");
    let violated_at = en.find("MIIT2019-3.1").expect("cited");
    let related_at = en.find("Related (").expect("related");
    let pipl17_at = en.find("PIPL-17").expect("related cited");
    assert!(violated_at < related_at && related_at < pipl17_at, "{en}");
    assert!(
        en.contains("violated PIPL-29: `app.target_sdk_effective < 23"),
        "{en}"
    );
}
