//! `--lang zh` reports are Chinese throughout: no snake_case identifier (a PI type, a policy
//! element, an app type, `call_sites`) shows outside a code span; `--category` takes Chinese
//! type names; `rules list --lang zh` names severities in Chinese.

#[path = "common/apps.rs"]
mod apps;
mod common;

use apps::piaudit;
use common::repo;

fn samples() -> Vec<std::path::PathBuf> {
    let mut inputs: Vec<_> = std::fs::read_dir(repo().join("samples"))
        .expect("samples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "apk" || e == "xapk"))
        .collect();
    inputs.sort();
    inputs
}

/// snake_case words standing alone (not inside a path, a dotted name or a longer identifier),
/// after removing `code spans`.
fn snake_words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code {
            plain.push(c);
        }
    }
    let plain = plain.replace("\\_", "_");
    let mut found = Vec::new();
    let chars: Vec<char> = plain.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphanumeric() || chars[i] == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let before = start.checked_sub(1).map(|b| chars[b]);
            let after = chars.get(i).copied();
            let in_name = matches!(before, Some('/' | '.' | '$' | '-' | ':'))
                || matches!(after, Some('/' | '$'))
                || (after == Some('.')
                    && chars.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric()));
            let snake = word.contains('_')
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && word.chars().any(|c| c.is_ascii_lowercase());
            if snake && !in_name {
                found.push(word);
            }
        } else {
            i += 1;
        }
    }
    found
}

#[test]
fn the_detector_finds_what_it_must() {
    assert_eq!(snake_words("x device_id y"), ["device_id"]);
    assert_eq!(
        snake_words("`device_id` res/xml/network_security_config.xml a.b_c.D"),
        Vec::<String>::new()
    );
    assert_eq!(
        snake_words("位置信息 ← x (a.B, 1 call_sites)"),
        ["call_sites"]
    );
}

#[test]
fn chinese_reports_of_all_samples_name_identifiers_in_chinese() {
    let inputs = samples();
    assert!(inputs.len() >= 8);
    for format in ["text", "md"] {
        for category in [None, Some("学习教育类")] {
            let mut cmd = piaudit();
            cmd.args(["scan", "--format", format, "--lang", "zh"]);
            if let Some(c) = category {
                cmd.args(["--category", c]);
            }
            let o = cmd.args(&inputs).output().expect("runs");
            assert!(o.status.code().is_some_and(|c| c <= 1), "{o:?}");
            let text = String::from_utf8(o.stdout).expect("utf-8");
            let words = snake_words(&text);
            assert!(words.is_empty(), "{format} {category:?}: {words:?}");
            if category.is_some() {
                assert!(text.contains("学习教育类"), "the type by its name");
                assert!(text.contains("PERM-NOT-NECESSARY"), "judged with the type");
            }
        }
    }
}

#[test]
fn category_takes_chinese_names_and_rules_list_speaks_chinese() {
    let yuhang = repo().join("samples/yuhang-musiclive.apk");
    let by_name = |c: &str| {
        let o = piaudit()
            .args(["inspect", "--compact", "--category", c])
            .arg(&yuhang)
            .output()
            .expect("runs");
        assert!(
            o.status.success(),
            "{c}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        v["category"].as_str().map(str::to_owned)
    };
    assert_eq!(by_name("学习教育类").as_deref(), Some("education"));
    assert_eq!(by_name("education").as_deref(), Some("education"));
    let o = piaudit()
        .args(["inspect", "--category", "不存在的类型"])
        .arg(&yuhang)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));

    let o = piaudit()
        .args(["rules", "list", "--lang", "zh"])
        .output()
        .expect("runs");
    let list = String::from_utf8(o.stdout).expect("utf-8");
    for en in [" info ", " low ", " medium ", " high ", " critical "] {
        assert!(!list.contains(en), "{en} in {list}");
    }
    assert!(list.contains(" 高 ") || list.contains("高"));
}
