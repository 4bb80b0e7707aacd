//! `piaudit policy FILE|URL…` end to end (a text file, an HTML file, a URL served by a test
//! server on 127.0.0.1, `--app`), and the policy hash of a scan against the file its evidence
//! folder holds.

#[path = "common/apps.rs"]
mod apps;
mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use apps::{piaudit, read};
use common::sample;
use sha2::{Digest, Sha256};

const TEXT: &str = "隐私政策\n更新日期：2024年6月1日\n\
    本应用由青柳网络科技有限公司（以下简称“我们”）开发运营，注册地址：杭州市示例路8号。\n\
    为了向您推荐附近的球场，我们会在您授权后收集您的位置信息；为保障账号安全，我们会收集设备标识符。\n\
    我们仅在实现目的所必需的期间内保存您的个人信息。您可以查阅、更正、删除您的个人信息，也可以申请注销账号。\n\
    如对本政策有疑问或投诉，请发送邮件至 privacy@qingliu.example 联系我们。\n";

const HTML: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Privacy Policy</title></head>\
    <body><h1>Privacy Policy</h1><p>Last updated: May 2, 2024</p>\
    <p>Harbor Apps Inc. operates this app. We collect your precise location to show nearby trails, \
    and your camera is used to scan QR codes.</p>\
    <p>We retain your data for as long as your account is active. You can access, correct or delete \
    your personal data, and you can delete your account in the settings.</p>\
    <p>Contact us at privacy@harbor.example. You may lodge a complaint with a supervisory authority.</p>\
    </body></html>";

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn policy_json(args: &[&str]) -> serde_json::Value {
    let out = piaudit()
        .arg("policy")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("piaudit runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn present(policy: &serde_json::Value, element: &str) -> bool {
    policy["policy"]["disclosures"]["elements"][element]["present"] == true
}

#[test]
fn a_text_file_is_checked_with_its_proving_sentences() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("privacy.txt");
    std::fs::write(&path, TEXT).expect("write");
    let json = policy_json(&[path.to_str().expect("utf-8 path")]);
    let p = &json["policies"][0];
    assert_eq!(p["policy"]["sha256"], sha256_hex(TEXT.as_bytes()));
    for element in [
        "handler_identity",
        "contact",
        "retention",
        "rights",
        "account_cancellation",
        "complaint",
        "update_and_effective_date",
    ] {
        assert!(present(p, element), "{element}: {p}");
    }
    let retention = p["policy"]["disclosures"]["elements"]["retention"]["evidence"][0]["excerpt"]
        .as_str()
        .unwrap_or_default();
    assert!(retention.contains("保存您的个人信息"), "{retention}");
    let missing = p["policy"]["disclosures"]["missing_elements"]
        .as_array()
        .expect("missing");
    assert!(missing.iter().any(|m| m == "cross_border"), "{missing:?}");

    // The text report names the elements, PI types and what is missing.
    let out = piaudit()
        .args(["policy", path.to_str().unwrap_or_default(), "--lang", "en"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✓ retention"), "{text}");
    assert!(text.contains("location"), "{text}");
    assert!(text.contains("missing:"), "{text}");
}

#[test]
fn an_html_file_is_rendered_and_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("privacy.html");
    std::fs::write(&path, HTML).expect("write");
    let json = policy_json(&[path.to_str().expect("utf-8 path")]);
    let p = &json["policies"][0];
    assert_eq!(p["policy"]["lang"], "en");
    assert_eq!(p["policy"]["sha256"], sha256_hex(HTML.as_bytes()));
    for element in [
        "handler_identity",
        "contact",
        "retention",
        "rights",
        "complaint",
    ] {
        assert!(present(p, element), "{element}: {p}");
    }
    let types: Vec<&str> = p["policy"]["disclosures"]["pi_types"]
        .as_array()
        .expect("pi types")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(
        types.contains(&"precise_location") && types.contains(&"camera"),
        "{types:?}"
    );
}

#[test]
fn a_pdf_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("privacy.pdf");
    std::fs::write(&path, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").expect("write");
    let out = piaudit()
        .args(["policy", path.to_str().unwrap_or_default()])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("PDF is not supported"));
}

/// Serves one request: `/privacy.html` → 200 with [`HTML`].
fn serve_once() -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handle = std::thread::spawn(move || {
        if let Some(Ok(mut stream)) = listener.incoming().next() {
            stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{HTML}",
                HTML.len()
            );
        }
    });
    (format!("http://{addr}/privacy.html"), handle)
}

#[test]
fn a_url_given_on_the_command_line_is_fetched_and_checked() {
    let (url, server) = serve_once();
    // A loopback address is not public: fetched only when allowed, as with `scan --online`.
    let json = policy_json(&[&url, "--online-allow", "127.0.0.0/8"]);
    server.join().expect("server");
    let p = &json["policies"][0];
    assert_eq!(p["fetch"]["status"], 200, "{p}");
    // The hash of the body as received, in the record and for the policy.
    assert_eq!(p["fetch"]["sha256"], sha256_hex(HTML.as_bytes()));
    assert_eq!(p["policy"]["sha256"], sha256_hex(HTML.as_bytes()));
    assert!(present(p, "contact") && present(p, "retention"), "{p}");
}

#[test]
fn with_an_app_the_policy_is_compared_with_what_the_app_can_collect() {
    // A policy that names no PI type at all, against an app that can collect several.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("thin.txt");
    std::fs::write(
        &path,
        "隐私政策\n本应用由示例有限公司运营。我们重视您的隐私，会依法保护您的个人信息。\
         如有疑问请联系 help@example.cn。本政策自2024年1月1日起生效。我们会不定期更新本政策。"
            .repeat(2),
    )
    .expect("write");
    let apk = sample("yuhang-musiclive.apk");
    let json = policy_json(&[
        path.to_str().unwrap_or_default(),
        "--app",
        apk.to_str().unwrap_or_default(),
    ]);
    let ids: Vec<&str> = json["app"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert!(ids.contains(&"POLICY-UNDISCLOSED-PI"), "{ids:?}");
    assert!(ids.contains(&"POLICY-INCOMPLETE"), "{ids:?}");
    assert!(!ids.contains(&"POLICY-MISSING"), "{ids:?}");
}

/// The policy hash a scan reports is `sha256sum` of the file its evidence folder holds.
#[test]
fn the_reported_policy_hash_is_that_of_the_file_in_the_evidence_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let evidence = dir.path().join("evidence");
    let out = piaudit()
        .args(["scan", "--format", "json", "--evidence-dir"])
        .arg(&evidence)
        .arg(sample("policy-complete.apk"))
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let app = &report["apps"][0]["app"];
    let folder = std::fs::read_dir(&evidence)
        .expect("evidence dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .next()
        .expect("one folder");
    let mut checked = 0;
    for (i, policy) in app["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .enumerate()
    {
        if policy["kind"] != "text" {
            continue;
        }
        let source = policy["source"].as_str().expect("source");
        let stored = folder.join(format!(
            "policies/{:02}-{}",
            i + 1,
            source.replace('/', "_")
        ));
        assert!(stored.is_file(), "{}", stored.display());
        assert_eq!(policy["sha256"], sha256_hex(&read(&stored)), "{source}");
        assert_eq!(
            policy["sha256"],
            sha256_hex(&apk_entry(&sample("policy-complete.apk"), source))
        );
        checked += 1;
    }
    assert!(checked > 0, "no bundled policy text in the sample");
}

/// The bytes of one entry of an APK, as stored in the archive (inflated).
fn apk_entry(apk: &Path, name: &str) -> Vec<u8> {
    common::entries_of(&read(apk))
        .into_iter()
        .find(|e| e.name == name)
        .map(|e| e.data)
        .unwrap_or_else(|| panic!("{name} not in {}", apk.display()))
}
