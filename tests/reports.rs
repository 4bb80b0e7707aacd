//! The reports end to end, through the binary: SARIF checked by the official SARIF Multitool,
//! the HTML report loaded in headless Chromium, evidence folders, what pins every report, and
//! baselines with `--fail-on`.
//!
//! The Multitool and Chromium checks are `#[ignore = "needs …"]` tests (so `cargo test` lists
//! them as ignored, naming what they need); `cargo test -- --ignored` runs them, and fails
//! when the tool is absent. `.ci/run` installs both and runs them.

#[path = "common/apps.rs"]
mod apps;
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use apps::{on_path, read, records, run_in};
use common::{repo, sample};
use sha2::{Digest, Sha256};

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn json_file(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A batch with findings, a clean app and an unreadable input, in `dir/in`.
fn batch(dir: &Path) -> PathBuf {
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    for name in [
        "yuhang-musiclive.apk",
        "sdk-tracker.apk",
        "no-pi-calculator.apk",
        "english-weather.apk",
        "policy-complete.apk",
    ] {
        std::fs::copy(sample(name), inputs.join(name)).expect("copy");
    }
    std::fs::write(inputs.join("broken app.apk"), "not a zip").expect("write");
    inputs
}

#[test]
fn sarif_is_well_formed() {
    sarif_checks(false);
}

#[test]
#[ignore = "needs the SARIF Multitool (npm install --prefix target/sarif-tool @microsoft/sarif-multitool@5.7.0; .ci/run does this)"]
fn sarif_passes_the_sarif_multitool() {
    sarif_checks(true);
}

/// The SARIF checks; `validate`: with the official SARIF Multitool as well.
fn sarif_checks(validate: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    batch(dir.path());
    let o = run_in(
        dir.path(),
        &[
            "scan", "in", "--format", "sarif", "-o", "r.sarif", "--lang", "en",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let sarif = json_file(&dir.path().join("r.sarif"));

    // What the CI services read, checked here whether or not the validator is installed.
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        run["properties"]["rules_digest"].as_str().map(str::len),
        Some(64)
    );
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.len() >= 10);
    for r in rules {
        assert!(
            r["help"]["markdown"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{r}"
        );
        assert!(r["properties"]["criteria"].is_array() && r["properties"]["severity"].is_string());
        assert!(
            r["properties"]["tags"]
                .as_array()
                .is_some_and(|t| !t.is_empty())
        );
    }
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for res in results {
        let rule = &rules[res["ruleIndex"].as_u64().expect("ruleIndex") as usize];
        assert_eq!(rule["id"], res["ruleId"]);
        let expected = match rule["properties"]["severity"].as_str() {
            Some("critical" | "high") => "error",
            Some("medium") => "warning",
            _ => "note",
        };
        assert_eq!(res["level"], expected);
        let location = &res["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uriBaseId"], "SRCROOT");
        assert!(
            location["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("in/") && u.ends_with(".apk"))
        );
        assert_eq!(
            res["partialFingerprints"].as_object().map(|m| m.len()),
            Some(1)
        );
    }
    // Logical locations come from the evidence: a permission is a manifest element.
    assert!(results.iter().any(|r| {
        r["locations"][0]["logicalLocations"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|l| {
                l["kind"] == "element"
                    && l["fullyQualifiedName"]
                        .as_str()
                        .is_some_and(|n| n.contains("uses-permission"))
            })
    }));
    let artifacts = run["artifacts"].as_array().expect("artifacts");
    assert_eq!(artifacts.len(), 6);
    assert!(
        artifacts
            .iter()
            .any(|a| a["location"]["uri"] == "in/broken%20app.apk")
    );
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notifications.len(), 1, "the unreadable input is reported");

    if !validate {
        return;
    }
    let tool_dir = repo().join("target/sarif-tool");
    let Some(npx) =
        on_path(&["npx"]).filter(|_| tool_dir.join("node_modules/.bin/sarif-multitool").exists())
    else {
        panic!(
            "the SARIF Multitool is not installed (npm install --prefix {} @microsoft/sarif-multitool@5.7.0; .ci/run does this)",
            tool_dir.display()
        );
    };
    let o = Command::new(npx)
        .current_dir(&tool_dir)
        // The validator is a .NET program: no ICU needed for what it does.
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .args([
            "--no-install",
            "sarif-multitool",
            "validate",
            arg(&dir.path().join("r.sarif")),
        ])
        .output()
        .expect("multitool runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        report.contains("Analysis completed successfully"),
        "{report}"
    );
    let problems: Vec<&str> = report
        .lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        // informationUri needs a public address for the project; none is invented (the
        // report gains it once Cargo.toml declares `repository` or `homepage`).
        .filter(|l| {
            !(l.contains("SARIF2005")
                && l.contains("informationUri")
                && env!("CARGO_PKG_REPOSITORY").is_empty())
        })
        .collect();
    assert!(
        problems.is_empty(),
        "SARIF Multitool:\n{}",
        problems.join("\n")
    );
}

fn chromium() -> Option<PathBuf> {
    on_path(&[
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ])
}

#[test]
fn the_html_report_escapes_hostile_strings() {
    html_checks(false);
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium; .ci/run does this)"]
fn the_html_report_renders_in_chromium_with_hostile_strings_inert() {
    html_checks(true);
}

/// The HTML report's checks; `render`: loaded in headless Chromium as well.
fn html_checks(render: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = batch(dir.path());
    // An attacker's permission name, same length as the one it replaces.
    let find = "android.permission.ACCESS_COARSE_LOCATION";
    let payload = "<script>document.title='PWNED'</script>";
    let hostile: String = payload
        .chars()
        .chain(std::iter::repeat('x'))
        .take(find.chars().count())
        .collect();
    std::fs::write(
        inputs.join("hostile.apk"),
        apps::with_manifest_string("english-weather.apk", find, &hostile),
    )
    .expect("write");
    let o = run_in(dir.path(), &["scan", "in", "-o", "r.html", "--lang", "zh"]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = String::from_utf8(read(&dir.path().join("r.html"))).expect("utf-8");
    assert!(
        !html.contains(payload),
        "the payload is escaped in the file"
    );
    assert!(
        html.contains("&lt;script&gt;document.title="),
        "and shown as text"
    );
    assert!(
        html.contains("default-src 'none'"),
        "a CSP forbids scripts and network"
    );
    assert!(
        !html.contains(" src=") && !html.contains("<link"),
        "nothing is loaded from anywhere"
    );

    if !render {
        return;
    }
    let Some(browser) = chromium() else {
        panic!("Chromium is not installed (apt-get install chromium; .ci/run does this)");
    };
    let profile = tempfile::tempdir().expect("profile dir");
    let url = format!("file://{}", dir.path().join("r.html").display());
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            &url,
        ])
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout);
    assert!(
        dom.contains("</html>"),
        "Chromium dumped the DOM: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Overview: one row per app (6 good or hostile, 1 unreadable).
    assert_eq!(
        dom.matches(r#"<tr class="app-row">"#).count(),
        7,
        "overview rows"
    );
    assert!(
        dom.contains(r#"data-rule="POLICY-MISSING""#),
        "a finding's rule id"
    );
    assert!(dom.contains("PERM-HIGH-RISK"));
    // The hostile string is text in the DOM, never an element, and it did not run.
    assert!(
        dom.contains("&lt;script&gt;document.title='PWNED'&lt;/script&gt;"),
        "shown escaped"
    );
    assert!(!dom.contains("<script"), "no script element in the DOM");
    assert!(
        dom.contains("<title>piaudit 个人信息合规检测报告</title>"),
        "the script did not run"
    );
    // The bundled policy is shown with its disclosures highlighted.
    assert!(
        dom.contains("assets/privacy_policy.html") && dom.contains("<mark>"),
        "policy disclosures"
    );
    // Both languages are in the page.
    assert!(dom.contains("应用一览") && dom.contains("Apps"));
}

#[test]
fn evidence_folders_are_complete_verifiable_and_never_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = batch(dir.path());
    let evidence = dir.path().join("evidence");
    let o = run_in(
        dir.path(),
        &[
            "scan",
            "in",
            "--format",
            "json",
            "-o",
            "r.json",
            "--evidence-dir",
            arg(&evidence),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report = json_file(&dir.path().join("r.json"));
    let mut folders = 0;
    for app in report["apps"].as_array().expect("apps") {
        if app["error"].is_string() {
            continue;
        }
        folders += 1;
        let sha = app["input"]["sha256"].as_str().expect("sha");
        let name = format!(
            "{}-{}-{}",
            app["app"]["package"].as_str().expect("package"),
            app["app"]["version_code"],
            &sha[..12]
        );
        let folder = evidence.join(&name);
        for file in [
            "AndroidManifest.xml",
            "facts.json",
            "report.json",
            "report.html",
            "SHA256SUMS",
        ] {
            assert!(folder.join(file).is_file(), "{name}/{file}");
        }
        assert!(
            String::from_utf8(read(&folder.join("AndroidManifest.xml")))
                .expect("utf-8")
                .contains("<manifest")
        );
        assert_eq!(
            json_file(&folder.join("report.json"))["apps"][0]["input"]["sha256"],
            sha
        );
        // SHA256SUMS lists every other file, and every hash matches.
        let sums = String::from_utf8(read(&folder.join("SHA256SUMS"))).expect("utf-8");
        let mut listed = BTreeSet::new();
        for line in sums.lines() {
            let (hash, file) = line.split_once("  ").expect("sha256sum format");
            assert_eq!(
                hex::encode(Sha256::digest(read(&folder.join(file)))),
                hash,
                "{name}/{file}"
            );
            listed.insert(file.to_owned());
        }
        assert!(
            listed.contains("facts.json") && listed.contains("report.html") && listed.len() >= 4
        );
        if let Some(sha256sum) = on_path(&["sha256sum"]) {
            let check = Command::new(sha256sum)
                .current_dir(&folder)
                .args(["-c", "SHA256SUMS"])
                .output()
                .expect("runs");
            assert!(
                check.status.success(),
                "{}",
                String::from_utf8_lossy(&check.stdout)
            );
        }
    }
    assert_eq!(folders, 5);
    // The bundled policy: the file as in the APK, and the text read from it.
    let edu = std::fs::read_dir(&evidence)
        .expect("evidence")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("cn.piaudit.sample.edu-"))
        .expect("policy-complete folder");
    let policy_text = String::from_utf8(read(
        &edu.join("policies/01-assets_privacy_policy.html.txt"),
    ))
    .expect("utf-8");
    assert!(
        policy_text.contains("隐私政策") && !policy_text.contains("<p"),
        "decoded text"
    );
    assert!(
        edu.join("policies/01-assets_privacy_policy.html").is_file(),
        "original file"
    );
    // A plain UTF-8 text policy is its own text: one copy, named once (no `x.txt.txt`).
    let weather = std::fs::read_dir(&evidence)
        .expect("evidence")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("cn.piaudit.sample.weather-"))
        .expect("english-weather folder");
    let mut policy_files: Vec<String> = std::fs::read_dir(weather.join("policies"))
        .expect("policies")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    policy_files.sort();
    assert_eq!(policy_files, ["01-res_raw_privacy_policy.txt"]);
    assert!(
        inputs.join("broken app.apk").exists(),
        "the unreadable input gets no folder"
    );

    // A second run into the same place refuses, names the folder, and changes nothing.
    let one = std::fs::read_dir(&evidence)
        .expect("evidence")
        .next()
        .expect("a folder")
        .expect("entry")
        .path();
    let before = read(&one.join("SHA256SUMS"));
    let o = run_in(
        dir.path(),
        &[
            "scan",
            "in",
            "--format",
            "json",
            "-o",
            "r2.json",
            "--evidence-dir",
            arg(&evidence),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(
        stderr.contains(
            &one.file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        ),
        "{stderr}"
    );
    assert_eq!(read(&one.join("SHA256SUMS")), before);
}

#[test]
fn every_report_pins_tool_rules_time_and_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    batch(dir.path());
    let o = run_in(dir.path(), &["scan", "in", "-o", "r.jsonl"]);
    assert_eq!(o.status.code(), Some(3));
    let lines = records(&dir.path().join("r.jsonl"));
    let digest = lines[0]["run"]["rules_digest"]
        .as_str()
        .expect("digest")
        .to_owned();
    let sha = |name: &str| {
        lines
            .iter()
            .find(|r| {
                r["input"]["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(name))
            })
            .and_then(|r| r["input"]["sha256"].as_str())
            .expect("record")
            .to_owned()
    };
    let pinned = sha("sdk-tracker.apk");
    for r in &lines {
        assert_eq!(r["run"]["schema_version"], piaudit::report::SCHEMA_VERSION);
        assert_eq!(r["run"]["tool_version"], env!("CARGO_PKG_VERSION"));
        assert!(
            r["run"]["scanned_at"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z'))
        );
        assert!(r["input"]["size"].as_u64().is_some() && r["input"]["path"].is_string());
    }
    for format in ["text", "json", "md", "html", "sarif"] {
        let out = format!("r.{format}");
        let o = run_in(
            dir.path(),
            &["scan", "in", "--format", format, "-o", &out, "--lang", "en"],
        );
        assert_eq!(o.status.code(), Some(3), "{format}");
        let text = String::from_utf8(read(&dir.path().join(&out))).expect("utf-8");
        assert!(text.contains(&digest), "{format}: rules digest");
        assert!(text.contains(&pinned), "{format}: input hash");
        assert!(text.contains("sdk-tracker.apk"), "{format}: input path");
        assert!(
            text.contains(env!("CARGO_PKG_VERSION")),
            "{format}: tool version"
        );
        if format != "text" {
            assert!(
                text.contains(piaudit::report::SCHEMA_VERSION),
                "{format}: schema version"
            );
        }
    }
}

#[test]
fn a_baseline_accepts_known_findings_by_the_same_fingerprint_sarif_shows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let apk = dir.path().join("app.apk");
    std::fs::copy(sample("yuhang-musiclive.apk"), &apk).expect("copy");
    let o = run_in(
        dir.path(),
        &[
            "scan",
            "app.apk",
            "--fail-on",
            "high",
            "-o",
            "a.jsonl",
            "--write-baseline",
            "base.json",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "high findings fail: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let fingerprints = |file: &str| -> BTreeSet<String> {
        records(&dir.path().join(file))
            .iter()
            .flat_map(|r| r["findings"].as_array().cloned().unwrap_or_default())
            .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_owned())
            .collect()
    };
    let first = fingerprints("a.jsonl");
    assert!(!first.is_empty());

    // Moved and renamed, scanned again: same fingerprints; the baseline accepts them all.
    std::fs::create_dir(dir.path().join("moved")).expect("mkdir");
    std::fs::rename(&apk, dir.path().join("moved/renamed.apk")).expect("move");
    let o = run_in(
        dir.path(),
        &[
            "scan",
            "moved",
            "--fail-on",
            "high",
            "--baseline",
            "base.json",
            "-o",
            "b.jsonl",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "baselined findings do not fail: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(fingerprints("b.jsonl"), first);
    let again = records(&dir.path().join("b.jsonl"));
    assert!(
        again[0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["baselined"] == true)
    );

    // SARIF carries the very same fingerprints, and marks them unchanged.
    let o = run_in(
        dir.path(),
        &[
            "scan",
            "moved",
            "--baseline",
            "base.json",
            "--format",
            "sarif",
            "-o",
            "r.sarif",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let sarif = json_file(&dir.path().join("r.sarif"));
    let results = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .clone();
    let in_sarif: BTreeSet<String> = results
        .iter()
        .flat_map(|r| {
            r["partialFingerprints"]
                .as_object()
                .cloned()
                .unwrap_or_default()
                .into_values()
        })
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    assert_eq!(in_sarif, first);
    assert!(results.iter().all(|r| r["baselineState"] == "unchanged"));

    // A different app's findings are new: the baseline does not hide them.
    let o = run_in(
        dir.path(),
        &[
            "scan",
            arg(&sample("sdk-tracker.apk")),
            "--fail-on",
            "medium",
            "--baseline",
            "base.json",
            "-o",
            "c.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(1));

    // A broken baseline is a usage error.
    std::fs::write(dir.path().join("bad.json"), "[]").expect("write");
    let o = run_in(
        dir.path(),
        &["scan", "moved", "--baseline", "bad.json", "-o", "d.jsonl"],
    );
    assert_eq!(o.status.code(), Some(2));
}
