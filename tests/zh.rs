//! `--lang zh` reports are Chinese throughout: no snake_case identifier (a PI type, a policy
//! element, an app type, `call_sites`) shows outside a code span in any format a person reads
//! (text, md, the Chinese half of html, the Chinese fields of json) nor in `rules list/show/
//! coverage --lang zh`; `--category` takes Chinese type names; `rules list --lang zh` names
//! severities in Chinese.

#[path = "common/apps.rs"]
mod apps;
mod common;

use apps::piaudit;
use common::repo;

/// Every committed sample: `samples/*.apk|xapk` and the behaviour samples.
fn samples() -> Vec<std::path::PathBuf> {
    let mut inputs: Vec<_> = ["samples", "samples/behaviour/apks"]
        .iter()
        .filter_map(|dir| std::fs::read_dir(repo().join(dir)).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "apk" || e == "xapk"))
        .collect();
    inputs.sort();
    inputs
}

/// What a Chinese reader sees of an html report: the `zh` halves of the bilingual spans, with
/// `<code>` kept as code spans (backticks) and every other tag and the style sheet dropped.
fn html_reading(html: &str) -> String {
    let mut html = html.to_owned();
    for (open, close) in [
        ("<style>", "</style>"),
        (r#"<span class="en" lang="en">"#, "</span>"),
    ] {
        while let Some(start) = html.find(open) {
            let end = html[start..]
                .find(close)
                .map_or(html.len(), |e| start + e + close.len());
            html.replace_range(start..end, "");
        }
    }
    let mut text = String::new();
    let mut rest = html.as_str();
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let gt = rest[lt..].find('>').map_or(rest.len(), |g| lt + g + 1);
        let tag = &rest[lt..gt];
        if tag.starts_with("<code") || tag == "</code>" {
            text.push('`');
        } else {
            text.push(' ');
        }
        rest = &rest[gt..];
    }
    text.push_str(rest);
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The Chinese texts of a json report a person reads: each finding's title, message, fix and
/// caveats, and the reasons rules were not judged.
fn json_reading(json: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(json).expect("json");
    let mut text = String::new();
    for app in doc["apps"].as_array().expect("apps") {
        for f in app["findings"].as_array().into_iter().flatten() {
            for field in ["title", "message", "fix"] {
                text.push_str(f[field]["zh"].as_str().expect("zh text"));
                text.push('\n');
            }
            for c in f["caveats"].as_array().into_iter().flatten() {
                text.push_str(c["note"]["zh"].as_str().expect("zh caveat"));
                text.push('\n');
            }
        }
        for s in app["skipped"].as_array().into_iter().flatten() {
            text.push_str(s["reason"]["zh"].as_str().expect("zh reason"));
            text.push('\n');
        }
    }
    text
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
    let html = concat!(
        "<style>td_x{}</style><td>",
        r#"<span class="zh" lang="zh-CN">处理者名称</span><span class="en" lang="en">handler_identity</span>"#,
        "</td><td><code>a_b</code></td><td>pi_type</td>"
    );
    assert_eq!(snake_words(&html_reading(html)), ["pi_type"]);
}

/// English phrases of evidence texts and headers that the samples' reports would show
/// untranslated.
const ENGLISH_EVIDENCE_WORDS: [&str; 20] = [
    " absent, ",
    "runs at start-up",
    "is never called",
    "on denial",
    "on every resume",
    "exit-app",
    "blocking-dialog",
    "(platform)",
    "necessity not judged",
    "launcher-activity",
    " next to ",
    " with only ",
    " characters)",
    "none in ",
    " call sites",
    " (location)",
    " via ",
    "accelerometer",
    "gyroscope",
    "schema ",
];

#[test]
fn chinese_reports_of_all_samples_name_identifiers_in_chinese() {
    let inputs = samples();
    assert!(inputs.len() >= 20, "{inputs:?}");
    for format in ["text", "md", "html", "json"] {
        for category in [None, Some("学习教育类")] {
            let mut cmd = piaudit();
            cmd.args(["scan", "--format", format, "--lang", "zh"]);
            if let Some(c) = category {
                cmd.args(["--category", c]);
            }
            let o = cmd.args(&inputs).output().expect("runs");
            assert!(o.status.code().is_some_and(|c| c <= 1), "{o:?}");
            let report = String::from_utf8(o.stdout).expect("utf-8");
            let text = match format {
                "html" => html_reading(&report),
                "json" => json_reading(&report),
                _ => report.clone(),
            };
            let words = snake_words(&text);
            assert!(words.is_empty(), "{format} {category:?}: {words:?}");
            // The fixed English words evidence texts are built from read in Chinese.
            for english in ENGLISH_EVIDENCE_WORDS {
                assert!(
                    !text.contains(english),
                    "{format} {category:?}: {english:?} in a Chinese report"
                );
            }
            if category.is_some() {
                assert!(
                    report.contains("PERM-NOT-NECESSARY"),
                    "judged with the type"
                );
                if format != "json" {
                    // The identity rows name the type, not its id.
                    assert!(text.contains("应用类型"), "{format}");
                    assert!(
                        text.contains("学习教育类"),
                        "{format}: the type by its name"
                    );
                    let raw_id = text
                        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                        .any(|w| w == "education");
                    assert!(!raw_id, "{format}: the type's raw id");
                }
            }
        }
    }
}

#[test]
fn rules_commands_speak_chinese() {
    let run = |args: &[&str]| {
        let o = piaudit().args(args).output().expect("runs");
        assert!(o.status.success(), "{args:?}: {o:?}");
        String::from_utf8(o.stdout).expect("utf-8")
    };
    let list = run(&["rules", "list", "--lang", "zh"]);
    let ids: Vec<String> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    assert!(ids.len() >= 40, "{list}");
    assert!(snake_words(&list).is_empty(), "{list}");
    let coverage = run(&["rules", "coverage", "--lang", "zh"]);
    assert!(snake_words(&coverage).is_empty(), "{coverage}");
    for id in &ids {
        for lang in ["zh", "en"] {
            let doc = run(&["rules", "show", id, "--lang", lang]);
            for placeholder in ["{count}", "{evidence}", "{category}"] {
                assert!(!doc.contains(placeholder), "{id} {lang}: {doc}");
            }
            if lang == "zh" {
                // CEL stands in code spans; everything else is prose.
                assert!(
                    snake_words(&doc).is_empty(),
                    "{id}: {:?}\n{doc}",
                    snake_words(&doc)
                );
            }
        }
    }
    let doc = run(&["rules", "show", "PERM-COERCED", "--lang", "zh"]);
    assert!(doc.contains("以下 （数量） 处"), "{doc}");
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
