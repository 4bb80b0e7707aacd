//! Corpus test: every `tests/corpus/NAME.expected.toml` describes what reading `NAME` must
//! yield (language, encoding, policy or not, PI types, SDKs, elements, contacts). Compared
//! exactly; prints a per-element table (run with `--nocapture`). Set `PIAUDIT_CORPUS_DUMP=1`
//! to print what the analyzer found for each file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use piaudit_policy::{
    Analyzer, PolicyTables, SdkName, StringClass, classify_document, classify_string, decode, lang,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// "document" (a file in the APK) or "string" (a string-resource value).
    kind: String,
    #[serde(default)]
    string_name: Option<String>,
    #[serde(default)]
    string_class: Option<String>,
    lang: String,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    was_html: Option<bool>,
    is_policy: bool,
    #[serde(default)]
    pi_types: Option<Vec<String>>,
    #[serde(default)]
    negated_only: Option<Vec<String>>,
    #[serde(default)]
    named_sdks: Option<Vec<String>>,
    #[serde(default)]
    elements_present: Option<Vec<String>>,
    #[serde(default)]
    emails: Option<Vec<String>>,
    #[serde(default)]
    phones: Option<Vec<String>>,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn analyzer() -> Analyzer {
    let path = crate_dir().join("../../rules/data/policy.toml");
    let source =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let tables = PolicyTables::from_toml(&source).unwrap_or_else(|e| panic!("{e}"));
    let sdk = |id: &str, names: &[&str]| SdkName {
        id: id.to_owned(),
        names: names.iter().map(|n| (*n).to_owned()).collect(),
    };
    let sdks = vec![
        sdk("umeng", &["友盟", "友盟+", "Umeng", "UMeng+"]),
        sdk("jpush", &["极光推送", "极光", "JPush", "JiGuang"]),
        sdk("bugly", &["Bugly", "腾讯Bugly"]),
        sdk("amap", &["高德地图", "高德", "AMap"]),
        sdk(
            "wechat",
            &[
                "微信开放平台",
                "微信SDK",
                "微信登录",
                "WeChat SDK",
                "WeChat OpenSDK",
            ],
        ),
        sdk("alipay", &["支付宝", "Alipay"]),
        sdk("getui", &["个推", "Getui"]),
        sdk(
            "firebase",
            &["Firebase", "Firebase Analytics", "Firebase Crashlytics"],
        ),
        sdk("admob", &["AdMob", "Google Mobile Ads"]),
    ];
    Analyzer::new(&tables, sdks).unwrap_or_else(|e| panic!("{e}"))
}

fn sorted(v: impl IntoIterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<String> = v.into_iter().collect();
    set.into_iter().collect()
}

struct Outcome {
    name: String,
    is_policy_expected: bool,
    elements_expected: BTreeSet<String>,
    elements_got: BTreeSet<String>,
    mismatches: Vec<String>,
}

fn check(analyzer: &Analyzer, dir: &Path, name: &str, exp: &Expected) -> Outcome {
    let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut mismatches = Vec::new();
    let mut compare = |what: &str, expected: String, got: String| {
        if expected != got {
            mismatches.push(format!("{what}: expected {expected}, got {got}"));
        }
    };
    let (text, is_policy) = match exp.kind.as_str() {
        "document" => {
            let decoded = decode(&bytes);
            if let Some(e) = &exp.encoding {
                compare("encoding", e.clone(), decoded.encoding.to_owned());
            }
            if let Some(h) = exp.was_html {
                compare("was_html", h.to_string(), decoded.was_html.to_string());
            }
            let doc = classify_document(name, &decoded, analyzer);
            if let Some(doc) = &doc {
                compare(
                    "doc.lang",
                    exp.lang.clone(),
                    format!("{:?}", doc.lang).to_lowercase(),
                );
                compare(
                    "doc.encoding",
                    format!("{:?}", Some(decoded.encoding)),
                    format!("{:?}", doc.encoding),
                );
            }
            (decoded.text, doc.is_some())
        }
        "string" => {
            let value = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            let class = classify_string(exp.string_name.as_deref().unwrap_or(""), &value, analyzer);
            let got = class
                .map(|c| format!("{c:?}").to_lowercase())
                .unwrap_or_else(|| "none".to_owned());
            compare(
                "string_class",
                exp.string_class.clone().unwrap_or_default(),
                got,
            );
            (value, class == Some(StringClass::Text))
        }
        other => panic!("{name}: unknown kind {other}"),
    };
    compare(
        "lang",
        exp.lang.clone(),
        format!("{:?}", lang(&text)).to_lowercase(),
    );
    compare(
        "is_policy",
        exp.is_policy.to_string(),
        is_policy.to_string(),
    );

    let d = analyzer.analyze(&text);
    let got_pi = sorted(d.pi_types.iter().map(|p| p.id.clone()));
    let got_negated = sorted(
        d.pi_types
            .iter()
            .filter(|p| p.negated_only)
            .map(|p| p.id.clone()),
    );
    let got_sdks = sorted(d.named_sdks.iter().map(|p| p.id.clone()));
    let got_elements: BTreeSet<String> = d
        .elements
        .iter()
        .filter(|(_, f)| f.present)
        .map(|(k, _)| k.clone())
        .collect();
    if std::env::var_os("PIAUDIT_CORPUS_DUMP").is_some() {
        println!(
            "== {name}\nlang = {:?}\npi_types = {got_pi:?}\nnegated_only = {got_negated:?}\nnamed_sdks = {got_sdks:?}\nelements_present = {:?}\nmissing = {:?}\nemails = {:?}\nphones = {:?}",
            lang(&text),
            got_elements,
            d.missing_elements,
            d.contacts.emails,
            d.contacts.phones
        );
        for p in &d.pi_types {
            println!(
                "  pi {} x{} purpose={} neg={} first={:?}",
                p.id,
                p.mentions,
                p.purpose_stated,
                p.negated_only,
                p.evidence.first().map(|s| &s.excerpt)
            );
        }
        for (k, f) in &d.elements {
            println!(
                "  el {k} {} {:?}",
                f.present,
                f.evidence.first().map(|s| &s.excerpt)
            );
        }
    }
    let list = |v: &Option<Vec<String>>| v.clone().map(sorted);
    if let Some(e) = list(&exp.pi_types) {
        compare("pi_types", format!("{e:?}"), format!("{got_pi:?}"));
    }
    if let Some(e) = list(&exp.negated_only) {
        compare("negated_only", format!("{e:?}"), format!("{got_negated:?}"));
    }
    if let Some(e) = list(&exp.named_sdks) {
        compare("named_sdks", format!("{e:?}"), format!("{got_sdks:?}"));
    }
    let elements_expected: BTreeSet<String> = exp
        .elements_present
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    if exp.elements_present.is_some() {
        compare(
            "elements_present",
            format!("{elements_expected:?}"),
            format!("{got_elements:?}"),
        );
    }
    if let Some(e) = &exp.emails {
        compare(
            "emails",
            format!("{e:?}"),
            format!("{:?}", d.contacts.emails),
        );
    }
    if let Some(e) = &exp.phones {
        compare(
            "phones",
            format!("{e:?}"),
            format!("{:?}", d.contacts.phones),
        );
    }
    Outcome {
        name: name.to_owned(),
        is_policy_expected: exp.is_policy,
        elements_expected,
        elements_got: got_elements,
        mismatches,
    }
}

#[test]
fn corpus_extraction_matches_expectations() {
    let analyzer = analyzer();
    let dir = crate_dir().join("tests/corpus");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".expected.toml").map(str::to_owned))
        .collect();
    names.sort();
    assert!(
        names.len() >= 15,
        "corpus has only {} described files",
        names.len()
    );

    let mut outcomes = Vec::new();
    for name in &names {
        let path = dir.join(format!("{name}.expected.toml"));
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let expected: Expected =
            toml::from_str(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        outcomes.push(check(&analyzer, &dir, name, &expected));
    }

    let policies: Vec<&Outcome> = outcomes.iter().filter(|o| o.is_policy_expected).collect();
    let all_elements: BTreeSet<&String> = outcomes
        .iter()
        .flat_map(|o| o.elements_expected.iter().chain(o.elements_got.iter()))
        .collect();
    println!(
        "\nper-element results over {} corpus policies (expected present / got present):",
        policies.len()
    );
    println!(
        "{:<32} {:>8} {:>8}  differing files",
        "element", "expected", "got"
    );
    let mut element_rows: BTreeMap<&String, (usize, usize, Vec<&str>)> = BTreeMap::new();
    for el in all_elements {
        let row = element_rows.entry(el).or_default();
        for o in &policies {
            let e = o.elements_expected.contains(el);
            let g = o.elements_got.contains(el);
            row.0 += usize::from(e);
            row.1 += usize::from(g);
            if e != g {
                row.2.push(&o.name);
            }
        }
    }
    for (el, (e, g, diff)) in &element_rows {
        println!("{el:<32} {e:>8} {g:>8}  {}", diff.join(", "));
    }
    println!("\nfiles:");
    for o in &outcomes {
        println!(
            "  {:<36} policy={:<5} {}",
            o.name,
            o.is_policy_expected,
            if o.mismatches.is_empty() {
                "ok"
            } else {
                "MISMATCH"
            }
        );
    }
    let failures: Vec<String> = outcomes
        .iter()
        .flat_map(|o| o.mismatches.iter().map(move |m| format!("{}: {m}", o.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "corpus mismatches:\n{}",
        failures.join("\n")
    );
}
