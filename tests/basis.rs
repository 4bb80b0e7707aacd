//! Every report format shows a finding's violated basis apart from its related basis, and the
//! caveat of each criterion whose wording is not verified — from one shared derivation.

#[path = "common/apps.rs"]
mod apps;
mod common;

use apps::{read, run_in};
use common::sample;

/// The Yuhang sample: PERM-STARTUP-REQUEST cites GB41391-6.5-a as violated (unverified wording)
/// and YUHANG-2 as related; POLICY-MISSING cites MIIT2019-1.1 (verified) as violated.
fn report(format: &str, lang: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(sample("yuhang-musiclive.apk"), dir.path().join("app.apk")).expect("copy");
    let out = format!("r.{format}");
    let o = run_in(
        dir.path(),
        &[
            "scan", "app.apk", "--format", format, "--lang", lang, "-o", &out,
        ],
    );
    assert!(o.status.code().is_some_and(|c| c <= 1), "{o:?}");
    String::from_utf8(read(&dir.path().join(out))).expect("utf-8")
}

/// `text` has `first` before `then`, both present.
fn before(text: &str, first: &str, then: &str) -> bool {
    matches!((text.find(first), text.find(then)), (Some(a), Some(b)) if a < b)
}

#[test]
fn human_formats_show_violated_and_related_apart_with_caveats() {
    for (format, lang, violated, related, caveat) in [
        ("text", "zh", "违反的依据", "相关依据", "条文内容未经核对"),
        (
            "text",
            "en",
            "Violated (",
            "Related (",
            "wording not verified",
        ),
        ("md", "zh", "违反的依据", "相关依据", "条文内容未经核对"),
        (
            "md",
            "en",
            "Violated (",
            "Related (",
            "wording not verified",
        ),
        ("html", "zh", "违反的依据", "相关依据", "条文内容未经核对"),
        (
            "html",
            "en",
            "Violated (",
            "Related (",
            "wording not verified",
        ),
    ] {
        let text = report(format, lang);
        // Within the start-up finding: its violated group, then its related one.
        let anchor = if format == "html" {
            "data-rule=\"PERM-STARTUP-REQUEST\""
        } else {
            "PERM-STARTUP-REQUEST"
        };
        let at = text.find(anchor).expect("finding");
        let finding = &text[at..];
        assert!(
            before(finding, violated, "GB41391-6.5-a"),
            "{format} {lang}"
        );
        assert!(before(finding, "GB41391-6.5-a", related), "{format} {lang}");
        assert!(before(finding, related, "YUHANG-2"), "{format} {lang}");
        assert!(finding.contains(caveat), "{format} {lang}: caveat");
    }
    // HTML carries both languages and marks the groups for styling and scripts.
    let html = report("html", "zh");
    assert!(html.contains("basis-violated") && html.contains("basis-related"));
}

#[test]
fn machine_formats_carry_violated_related_and_caveats() {
    let check = |finding: &serde_json::Value| {
        let list = |key: &str| -> Vec<String> {
            finding[key]
                .as_array()
                .unwrap_or_else(|| panic!("{key} in {finding}"))
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let (violated, related, criteria) = (list("violated"), list("related"), list("criteria"));
        let mut all = violated.clone();
        all.extend(related.iter().cloned());
        assert_eq!(criteria, all);
        if finding["rule_id"] == "PERM-STARTUP-REQUEST"
            || finding["ruleId"] == "PERM-STARTUP-REQUEST"
        {
            assert!(violated.contains(&"GB41391-6.5-a".to_owned()));
            assert!(related.contains(&"YUHANG-2".to_owned()));
            let caveats = finding["caveats"].as_array().expect("caveats");
            assert!(caveats.iter().any(|c| {
                c["criterion"] == "GB41391-6.5-a"
                    && c["verification"] == "unverified"
                    && c["note"]["en"]
                        .as_str()
                        .is_some_and(|n| n.contains("not verified"))
            }));
            assert!(
                !caveats.iter().any(|c| c["criterion"] == "MIIT2019-1.1"),
                "verified wording carries no caveat"
            );
            true
        } else {
            false
        }
    };
    let json: serde_json::Value = serde_json::from_str(&report("json", "en")).expect("json");
    let findings = json["apps"][0]["findings"].as_array().expect("findings");
    assert_eq!(findings.iter().filter(|f| check(f)).count(), 1);

    let jsonl = report("jsonl", "en");
    let record: serde_json::Value =
        serde_json::from_str(jsonl.lines().next().expect("a record")).expect("jsonl");
    let findings = record["findings"].as_array().expect("findings");
    assert_eq!(findings.iter().filter(|f| check(f)).count(), 1);

    let sarif: serde_json::Value = serde_json::from_str(&report("sarif", "en")).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let startup = results
        .iter()
        .find(|r| r["ruleId"] == "PERM-STARTUP-REQUEST")
        .expect("result");
    let mut props = startup["properties"].clone();
    props["rule_id"] = startup["ruleId"].clone();
    assert!(check(&props));
    let groups = props["basis"].as_array().expect("basis groups");
    assert_eq!(groups[0]["kind"], "violated");
    assert!(
        groups[0]["items"][0]
            .as_str()
            .is_some_and(|i| i.contains("wording not verified"))
    );
    // The rule's description says which criteria it cites as violated, and when.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let rule = rules
        .iter()
        .find(|r| r["id"] == "PERM-STARTUP-REQUEST")
        .expect("rule");
    let help = rule["help"]["text"].as_str().expect("help");
    assert!(
        before(
            help,
            "(violated when its condition holds) GB41391-6.5-a",
            "(related) MIIT164-3"
        ),
        "{help}"
    );
}
