//! `rules check`: broken rule files reported at file:line, all at once; the shipped rules clean.

mod common;

use std::path::Path;

use piaudit_rules::{Diagnostic, Lang, RuleSet};

const GOOD: &str = r#"
[[rule]]
id = "LOCAL-GOOD"
criteria = ["PIPL-17"]
severity = "low"
title = { zh = "标题", en = "Title" }
message = { zh = "{count} 项", en = "{count} items" }
fix = { zh = "修复", en = "Fix" }
why = { zh = "理由", en = "Why" }
example = { zh = "示例", en = "Example" }
evidence = "app.permissions.map(p, p.name)"
"#;

fn check(files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    };
    for (name, text) in files {
        if let Err(e) = std::fs::write(dir.path().join(name), text) {
            panic!("write: {e}");
        }
    }
    RuleSet::check_dir(dir.path())
}

/// The 1-based line of the first line of `text` containing `needle` after line `after`.
fn line(text: &str, needle: &str, after: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(after)
        .find(|(_, l)| l.contains(needle))
        .map_or(0, |(i, _)| i + 1)
}

fn at(diagnostics: &[Diagnostic], file: &str, line: usize, needle: &str) -> bool {
    diagnostics
        .iter()
        .any(|d| d.file.ends_with(file) && d.line == line && d.message.contains(needle))
}

#[test]
fn shipped_rules_are_clean_and_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    assert_eq!(RuleSet::check_dir(&dir), Vec::<Diagnostic>::new());
    let set = common::ruleset();
    assert!(set.rules().len() >= 18);
    assert_eq!(set.digest().len(), 64);
    for id in [
        "POLICY-MISSING",
        "POLICY-INCOMPLETE",
        "POLICY-UNDISCLOSED-PI",
        "POLICY-UNREACHABLE",
        "SDK-UNDISCLOSED",
        "PERM-LEGACY-TARGET",
        "PERM-STARTUP-REQUEST",
        "PERM-NOT-NECESSARY",
        "PERM-HIGH-RISK",
        "API-DEVICE-ID",
        "API-INSTALLED-APPS",
        "SENSITIVE-BIOMETRIC",
        "MANIFEST-DEBUGGABLE",
        "MANIFEST-CLEARTEXT",
        "MANIFEST-ALLOW-BACKUP",
        "COMPONENT-EXPORTED",
    ] {
        assert!(set.rule(id).is_some(), "{id} missing");
    }
}

#[test]
fn every_rule_renders_its_documentation() {
    let set = common::ruleset();
    for rule in set.rules() {
        let zh = set.render_rule_doc(rule, Lang::Zh);
        let en = set.render_rule_doc(rule, Lang::En);
        assert!(
            zh.starts_with(&rule.id) && zh.contains("依据") && zh.contains(&rule.why.zh),
            "{zh}"
        );
        assert!(
            en.contains("Legal basis") && en.contains(&rule.example.en),
            "{en}"
        );
        for c in &rule.criteria {
            let title = set
                .tables()
                .criteria(c)
                .map(|c| c.title.en.clone())
                .unwrap_or_default();
            assert!(
                en.contains(&format!("{c} — {title} (")),
                "{c} not resolved in\n{en}"
            );
            // The same citation the reports print.
            assert!(zh.contains(&set.tables().citation(c, Lang::Zh)), "{zh}");
        }
        for text in [&zh, &en] {
            assert!(
                !text.contains("{count}")
                    && !text.contains("{evidence}")
                    && !text.contains("{category}"),
                "placeholder shown raw in\n{text}"
            );
        }
    }
    let list = set.list();
    assert_eq!(list.len(), set.rules().len());
    assert!(list.windows(2).all(|w| w[0].severity >= w[1].severity));
}

#[test]
fn bad_toml_is_reported_at_its_line() {
    let text = "[[rule]]\nid = \"X\"\ncriteria = [\"PIPL-17\"\nseverity = \"low\"\n";
    let diagnostics = check(&[("broken.toml", text)]);
    assert!(
        diagnostics.iter().any(|d| d.file.ends_with("broken.toml")
            && (3..=4).contains(&d.line)
            && d.message.contains("invalid TOML")),
        "{diagnostics:?}"
    );
}

#[test]
fn all_problems_of_all_files_at_once() {
    let unknown_criterion = GOOD
        .replace("LOCAL-GOOD", "LOCAL-A")
        .replace("PIPL-17", "PIPL-999");
    let bad_cel = GOOD.replace("LOCAL-GOOD", "LOCAL-B").replace(
        "evidence = \"app.permissions.map(p, p.name)\"",
        "evidence = '''\napp.permissions\n  .map(p, p.name +)\n'''",
    );
    let unknown_field = GOOD
        .replace("LOCAL-GOOD", "LOCAL-C")
        .replace("fix =", "colour = \"red\"\nfix =");
    let bad_severity = GOOD
        .replace("LOCAL-GOOD", "LOCAL-D")
        .replace("\"low\"", "\"urgent\"");
    let bad_placeholder = GOOD
        .replace("LOCAL-GOOD", "LOCAL-E")
        .replace("{count} items", "{total} items");
    let unknown_variable = GOOD
        .replace("LOCAL-GOOD", "LOCAL-F")
        .replace("app.permissions.map(p, p.name)", "facts.permissions");
    let many = format!(
        "{unknown_criterion}{bad_cel}{unknown_field}{bad_severity}{bad_placeholder}{unknown_variable}"
    );
    let diagnostics = check(&[("a.toml", &many), ("b.toml", GOOD), ("c.toml", GOOD)]);
    let expected = [
        (line(&many, "PIPL-999", 0), "unknown criterion `PIPL-999`"),
        (line(&many, ".map(p, p.name +)", 0), "not valid CEL"),
        (line(&many, "colour", 0), "unknown field `colour`"),
        (line(&many, "urgent", 0), "unknown severity `urgent`"),
        (line(&many, "{total}", 0), "unknown placeholder '{total}'"),
        (
            line(&many, "facts.permissions", 0),
            "unknown variable `facts`",
        ),
    ];
    for (line, needle) in expected {
        assert!(
            line > 0 && at(&diagnostics, "a.toml", line, needle),
            "{needle} at {line}: {diagnostics:#?}"
        );
    }
    assert!(
        at(&diagnostics, "c.toml", 2, "duplicate rule id LOCAL-GOOD"),
        "{diagnostics:#?}"
    );
    assert_eq!(diagnostics.len(), expected.len() + 1, "{diagnostics:#?}");
}

#[test]
fn unknown_field_points_at_its_line() {
    let text = GOOD.replace("fix =", "colour = \"red\"\nfix =");
    let diagnostics = check(&[("f.toml", &text)]);
    assert!(
        at(&diagnostics, "f.toml", line(&text, "colour", 0), "colour"),
        "{diagnostics:#?}"
    );
}

#[test]
fn load_dir_adds_and_overrides() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    };
    let overriding = GOOD.replace("LOCAL-GOOD", "MANIFEST-DEBUGGABLE");
    for (name, text) in [("local.toml", GOOD), ("override.toml", overriding.as_str())] {
        if let Err(e) = std::fs::write(dir.path().join(name), text) {
            panic!("write: {e}");
        }
    }
    let mut set = match RuleSet::embedded() {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let before = set.rules().len();
    let digest = set.digest().to_owned();
    if let Err(e) = set.load_dir(dir.path(), false) {
        panic!("{e}");
    }
    assert_eq!(set.rules().len(), before + 1);
    assert_eq!(set.overridden(), ["MANIFEST-DEBUGGABLE".to_owned()]);
    assert_eq!(
        set.rule("MANIFEST-DEBUGGABLE").map(|r| r.severity.as_str()),
        Some("low")
    );
    assert_ne!(set.digest(), digest);

    if let Err(e) = set.load_dir(dir.path(), true) {
        panic!("{e}");
    }
    assert_eq!(set.rules().len(), 2);
}
