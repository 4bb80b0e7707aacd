//! Compares `piaudit inspect` with what the real Android tools read (Debian's `aapt` and
//! `dexdump`, through `../shared/corpus/oracle.py`) on every sample, every APK of the registry
//! corpus (`target/corpus/apks`, fetched by `.ci/run`) and Debian's framework-res.apk.
//!
//! Skips with a printed reason when the oracle, its tools or the corpus are absent (a plain
//! clone without `../shared`); CI has them all and runs every comparison.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use piaudit::analyze::{self, Context, Options};
use piaudit::facts::AppFacts;
use serde_json::Value;

use common::{repo, tool_present};

fn oracle_script() -> Option<PathBuf> {
    let p = repo().join("../shared/corpus/oracle.py");
    p.exists().then_some(p)
}

/// Inputs to compare: samples, the registry corpus, framework-res.apk.
fn inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [repo().join("samples"), repo().join("target/corpus/apks")] {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            let mut v: Vec<PathBuf> = rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .is_some_and(|e| e == "apk" || e == "dex" || e == "jar")
                })
                .collect();
            v.sort();
            out.extend(v);
        }
    }
    let fw = Path::new("/usr/share/android-framework-res/framework-res.apk");
    if fw.exists() {
        out.push(fw.to_path_buf());
    }
    out
}

fn run_oracle(script: &Path, input: &Path) -> Value {
    let out = Command::new("python3")
        .arg(script)
        .arg("--no-androguard")
        .arg(input)
        .output()
        .expect("run oracle.py");
    assert!(
        out.status.success(),
        "oracle.py failed on {}: {}",
        input.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("oracle JSON")
}

/// The default-configuration value of a boolean resource (`bool/name`), per `aapt dump resources`.
fn aapt_bool_resource(apk: &Path, name: &str) -> Option<bool> {
    let out = Command::new("aapt")
        .args(["dump", "resources"])
        .arg(apk)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut in_default = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("config ") {
            in_default = t.starts_with("config (default)");
        } else if in_default && t.starts_with("resource ") && t.contains(&format!(":{name}:")) {
            let d = t.split(" d=0x").nth(1)?.get(..8)?;
            return Some(u32::from_str_radix(d, 16).ok()? != 0);
        }
    }
    None
}

fn opt_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn opt_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        _ => None,
    }
}

/// Every field the foundation issue names, compared; returns the disagreements.
fn compare(input: &Path, facts: &AppFacts, o: &Value) -> Vec<String> {
    let mut d = Vec::new();
    let mut check = |field: &str, ours: String, theirs: String| {
        if ours != theirs {
            d.push(format!(
                "{}: {field}: piaudit {ours} != aapt {theirs}",
                input.display()
            ));
        }
    };
    if o["kind"] == "apk" {
        check(
            "package",
            format!("{:?}", facts.package),
            format!("{:?}", opt_str(&o["package"])),
        );
        check(
            "version_code",
            format!("{:?}", facts.version_code),
            format!("{:?}", o["version_code"].as_i64()),
        );
        check(
            "version_name",
            format!("{:?}", facts.version_name),
            format!("{:?}", opt_str(&o["version_name"])),
        );
        check(
            "min_sdk",
            format!("{:?}", facts.min_sdk),
            format!("{:?}", o["min_sdk"].as_u64()),
        );
        check(
            "target_sdk",
            format!("{:?}", facts.target_sdk),
            format!("{:?}", o["target_sdk"].as_u64()),
        );
        check(
            "target_sdk_effective",
            facts.target_sdk_effective.to_string(),
            o["target_sdk_effective"].to_string(),
        );
        check(
            "label",
            format!("{:?}", facts.label),
            format!("{:?}", opt_str(&o["label"])),
        );
        check(
            "launch_activity",
            format!("{:?}", facts.launch_activity),
            format!("{:?}", opt_str(&o["launch_activity"])),
        );
        let mut ours: Vec<&str> = facts.permissions.iter().map(|p| p.name.as_str()).collect();
        ours.sort();
        ours.dedup();
        let theirs: Vec<&str> = o["permissions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        check("permissions", format!("{ours:?}"), format!("{theirs:?}"));
        let ours: Vec<String> = facts
            .components
            .iter()
            .map(|c| {
                format!(
                    "{} {} exported={:?} effective={} filters={}",
                    c.kind, c.name, c.exported, c.exported_effective, c.intent_filters
                )
            })
            .collect();
        let theirs: Vec<String> = o["components"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                format!(
                    "{} {} exported={:?} effective={} filters={}",
                    c["kind"].as_str().unwrap_or(""),
                    c["name"].as_str().unwrap_or(""),
                    opt_bool(&c["exported"]),
                    c["exported_effective"],
                    c["intent_filters"]
                )
            })
            .collect();
        check("components", format!("{ours:#?}"), format!("{theirs:#?}"));
        let app = &o["application"];
        // aapt's xmltree prints a resource reference (`@bool/debuggable`) instead of its value;
        // the value Android applies is the default configuration's, which `aapt dump
        // resources` shows: compare with that.
        let flag = |key: &str| match &app[key] {
            Value::String(r) if r.starts_with('@') => aapt_bool_resource(input, &r[1..]),
            v => opt_bool(v),
        };
        check(
            "debuggable",
            format!("{:?}", facts.flags.debuggable),
            format!("{:?}", flag("debuggable")),
        );
        check(
            "allow_backup",
            format!("{:?}", facts.flags.allow_backup),
            format!("{:?}", flag("allowBackup")),
        );
        check(
            "uses_cleartext_traffic",
            format!("{:?}", facts.flags.uses_cleartext_traffic),
            format!("{:?}", flag("usesCleartextTraffic")),
        );
        // aapt names the config file by resource (`@xml/nsc`); piaudit by the path it resolves to.
        let nsc_theirs = opt_str(&app["networkSecurityConfig"]).map(|r| {
            r.strip_prefix("@xml/")
                .map_or(r.clone(), |n| format!("res/xml/{n}.xml"))
        });
        check(
            "network_security_config",
            format!("{:?}", facts.flags.network_security_config),
            format!("{nsc_theirs:?}"),
        );
    }
    check(
        "dex.files",
        format!("{:?}", facts.dex.files),
        o["dex"]["files"].to_string().replace(',', ", "),
    );
    check(
        "dex.class_count",
        facts.dex.class_count.to_string(),
        o["dex"]["class_count"].to_string(),
    );
    let mut ours: Vec<String> = facts
        .native_libs
        .iter()
        .map(|l| format!("{}/{}", l.abi, l.name))
        .collect();
    ours.sort();
    let mut theirs: Vec<String> = Vec::new();
    if let Some(m) = o["native_libs"].as_object() {
        for (abi, libs) in m {
            for l in libs
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                theirs.push(format!("{abi}/{l}"));
            }
        }
    }
    theirs.sort();
    check("native_libs", format!("{ours:?}"), format!("{theirs:?}"));
    d
}

#[test]
#[ignore = "needs aapt, dexdump (apt-get install aapt dexdump) and ../shared/corpus/oracle.py; .ci/run has them"]
fn inspect_agrees_with_aapt_and_dexdump() {
    let script = oracle_script()
        .expect("../shared/corpus/oracle.py is absent (a plain clone has no ../shared)");
    assert!(
        tool_present("aapt") && tool_present("dexdump"),
        "aapt/dexdump not installed (apt-get install aapt dexdump)"
    );
    let inputs = inputs();
    assert!(!inputs.is_empty(), "no samples and no corpus");
    let ctx = Context::default();
    let opts = Options::default();
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for input in &inputs {
        let oracle = run_oracle(&script, input);
        let ours = match analyze::analyze_path(input, &ctx, &opts) {
            Ok(x) => x.facts,
            Err(e) => {
                // The oracle may still read something from a file piaudit rejects: that is a
                // disagreement unless aapt found no package either.
                if oracle["package"].is_string()
                    || oracle["dex"]["class_count"].as_u64().unwrap_or(0) > 0
                {
                    disagreements.push(format!("{}: piaudit rejected it: {e}", input.display()));
                }
                continue;
            }
        };
        compared += 1;
        disagreements.extend(compare(input, &ours, &oracle));
    }
    println!("compared {compared} inputs with the aapt/dexdump oracle");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
