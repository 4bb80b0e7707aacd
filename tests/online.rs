//! `--online` end to end: an app whose only policy is a link gets the linked text fetched (from a
//! real HTTP server this test starts on 127.0.0.1, which the tests allow: it is exactly what is
//! refused by default), analysed, and judged; a dead link gives POLICY-UNREACHABLE. Non-public
//! destinations are refused, on every redirect hop; slow servers end at the deadlines. No other
//! network is used.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use common::{ZipItem, ZipTail, entries_of, sample, write_zip};
use piaudit::auditor::{Auditor, Config};

const POLICY: &str = "<html><head><meta charset=utf-8><title>隐私政策</title></head><body>\
<h1>隐私政策</h1><p>本政策由示例科技有限公司（注册地址：北京市海淀区示例路1号）制定。联系邮箱 privacy@example.cn。</p>\
<p>为提供直播课程，我们会收集您的位置信息、设备识别码（IMEI）、通讯录、相机和麦克风权限，用于课程推荐与安全风控。</p>\
<p>您的个人信息保存期限为实现目的所必需的最短时间。您可以查阅、复制、更正、删除您的个人信息，或撤回同意。</p>\
<p>您可以在设置中注销账号。如有投诉，可联系我们或向网信部门举报。生效日期：2025年1月1日。</p></body></html>";

/// Serves `n` requests: `/privacy.html` → 200 with the policy, anything else → 404.
fn serve(n: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).ok();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let (status, body) = if request_line.contains("/privacy.html") {
                ("200 OK", POLICY)
            } else {
                ("404 Not Found", "gone")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://{addr}"), handle)
}

/// The Yuhang sample with one extra bundled file that links to a policy.
fn app_linking_to(url: &str) -> tempfile::TempDir {
    let bytes = std::fs::read(sample("yuhang-musiclive.apk")).unwrap();
    let mut items = entries_of(&bytes);
    items.push(ZipItem::new(
        "assets/about.txt",
        format!("音乐课直播 v1.0\n隐私政策：{url}\n").into_bytes(),
        true,
    ));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.apk"),
        write_zip(&items, &ZipTail::default()),
    )
    .unwrap();
    dir
}

/// What `--online-allow 127.0.0.0/8` gives.
fn loopback_allowed() -> piaudit_policy::FetchOptions {
    piaudit_policy::FetchOptions {
        timeout: Duration::from_secs(5),
        allow: vec!["127.0.0.0/8".parse().unwrap()],
        ..piaudit_policy::FetchOptions::default()
    }
}

fn online_auditor() -> Auditor {
    let fetch = loopback_allowed();
    Auditor::new(&Config {
        online: Some(fetch),
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn a_linked_policy_is_fetched_analysed_and_pinned() {
    let (base, server) = serve(1);
    let url = format!("{base}/privacy.html");
    let dir = app_linking_to(&url);
    let audit = online_auditor()
        .audit(&dir.path().join("app.apk"), None)
        .unwrap();
    let facts = &audit.extraction.facts;
    let doc = facts
        .policies
        .iter()
        .find(|p| p.url.as_deref() == Some(url.as_str()))
        .expect("the link is found");
    assert_eq!(doc.kind, "url");
    let fetch = doc.fetch.as_ref().expect("fetched");
    assert_eq!(fetch.status, Some(200));
    assert_eq!(fetch.final_url, url.as_str());
    assert_eq!(fetch.sha256.len(), 64);
    assert!(fetch.fetched_at.ends_with('Z'));
    assert_eq!(doc.lang, "zh");
    let pi: Vec<&str> = doc
        .disclosures
        .iter()
        .flat_map(|d| &d.pi_types)
        .map(|p| p.id.as_str())
        .collect();
    assert!(pi.contains(&"location"), "{pi:?}");
    let ids: Vec<&str> = audit
        .evaluation
        .findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .collect();
    assert!(!ids.contains(&"POLICY-MISSING"), "{ids:?}");
    assert!(!ids.contains(&"POLICY-UNREACHABLE"), "{ids:?}");
    assert!(!ids.contains(&"POLICY-NOT-VERIFIABLE"), "{ids:?}");
    server.join().unwrap();
}

#[test]
fn a_dead_policy_link_is_unreachable() {
    let (base, server) = serve(1);
    let dir = app_linking_to(&format!("{base}/privacy-policy-gone.html"));
    let audit = online_auditor()
        .audit(&dir.path().join("app.apk"), None)
        .unwrap();
    let ids: Vec<&str> = audit
        .evaluation
        .findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .collect();
    assert!(ids.contains(&"POLICY-UNREACHABLE"), "{ids:?}");
    server.join().unwrap();
}

#[test]
fn offline_the_link_is_recorded_and_not_fetched() {
    let dir = app_linking_to("http://127.0.0.1:9/privacy.html");
    let auditor = Auditor::new(&Config::default()).unwrap();
    let audit = auditor.audit(&dir.path().join("app.apk"), None).unwrap();
    let doc = &audit.extraction.facts.policies[0];
    assert_eq!(doc.kind, "url");
    assert!(doc.fetch.is_none());
    let ids: Vec<&str> = audit
        .evaluation
        .findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .collect();
    assert!(ids.contains(&"POLICY-NOT-VERIFIABLE"), "{ids:?}");
}

/// A server that answers every request with `respond(request_line, stream)`.
fn serve_with(respond: impl Fn(&str, &mut std::net::TcpStream) + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let respond = std::sync::Arc::new(respond);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let respond = std::sync::Arc::clone(&respond);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).ok();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                respond(&request_line, &mut stream);
            });
        }
    });
    format!("http://{addr}")
}

fn policy_response(stream: &mut std::net::TcpStream) {
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{POLICY}",
        POLICY.len()
    );
}

fn redirect_to(stream: &mut std::net::TcpStream, location: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

fn fetcher(options: piaudit_policy::FetchOptions) -> piaudit_policy::Fetcher {
    piaudit_policy::Fetcher::new(&options).unwrap()
}

#[test]
fn loopback_is_refused_by_default_and_fetched_when_allowed() {
    let base = serve_with(|_, s| policy_response(s));
    let port = base.rsplit(':').next().unwrap().to_owned();
    let url = format!("{base}/privacy.html");
    let allowed = fetcher(loopback_allowed()).fetch(&url);
    assert_eq!(allowed.status, Some(200), "{:?}", allowed.error);
    let default = fetcher(piaudit_policy::FetchOptions::default());
    for url in [
        url.clone(),
        format!("http://localhost:{port}/privacy.html"),
        format!("http://2130706433:{port}/privacy.html"),
        format!("http://0x7f.1:{port}/privacy.html"),
        format!("http://[::ffff:127.0.0.1]:{port}/privacy.html"),
    ] {
        let record = default.fetch(&url);
        assert_eq!(record.status, None, "{url}");
        assert!(
            record
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("refused")),
            "{url}: {:?}",
            record.error
        );
    }
}

#[test]
fn every_redirect_hop_is_checked() {
    let base = serve_with(|request, s| {
        if request.contains("/to-metadata") {
            redirect_to(s, "http://169.254.169.254/latest/meta-data/");
        } else if request.contains("/to-private") {
            redirect_to(s, "http://10.0.0.1/admin");
        } else if request.contains("/to-v6-loopback") {
            redirect_to(s, "http://[::1]/");
        } else {
            policy_response(s);
        }
    });
    let fetcher = fetcher(loopback_allowed());
    for path in ["/to-metadata", "/to-private", "/to-v6-loopback"] {
        let record = fetcher.fetch(&format!("{base}{path}"));
        assert_eq!(record.redirects.len(), 1, "{path}");
        assert!(
            record
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("refused")),
            "{path}: {:?}",
            record.error
        );
        assert!(record.text.is_empty() && record.sha256.is_empty());
    }
}

#[test]
fn a_trickling_body_and_slow_redirects_end_at_the_deadlines() {
    let base = serve_with(|request, s| {
        if request.contains("/slow-redirect") {
            std::thread::sleep(Duration::from_millis(700));
            redirect_to(s, "/slow-redirect");
        } else {
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
            );
            // One byte every 200 ms, for far longer than any deadline.
            for _ in 0..500 {
                if s.write_all(b"x").and_then(|()| s.flush()).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    });
    let options = piaudit_policy::FetchOptions {
        timeout: Duration::from_secs(2),
        max_redirects: 50,
        ..loopback_allowed()
    };
    let fetcher = fetcher(options);
    for path in ["/trickle", "/slow-redirect"] {
        let started = std::time::Instant::now();
        let record = fetcher.fetch(&format!("{base}{path}"));
        let took = started.elapsed();
        assert!(took < Duration::from_millis(3500), "{path}: {took:?}");
        assert!(
            record
                .error
                .as_deref()
                .is_some_and(|e| e.contains("timed out")),
            "{path}: {:?}",
            record.error
        );
    }
    // An app's deadline cuts every fetch of that app short, whatever each URL has left.
    let started = std::time::Instant::now();
    let deadline = started + Duration::from_millis(800);
    for _ in 0..3 {
        let record = fetcher.fetch_before(&format!("{base}/trickle"), Some(deadline));
        assert!(record.error.is_some());
    }
    assert!(
        started.elapsed() < Duration::from_millis(2000),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_command_line_refuses_loopback_unless_allowed() {
    let base = serve_with(|_, s| policy_response(s));
    let url = format!("{base}/privacy.html");
    let dir = app_linking_to(&url);
    let fetch_of = |extra: &[&str]| -> serde_json::Value {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_piaudit"))
            .current_dir(dir.path())
            .args(["scan", "--online", "--format", "jsonl", "app.apk"])
            .args(extra)
            .output()
            .unwrap();
        let line = String::from_utf8(out.stdout).unwrap();
        let record: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
        record["app"]["policies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["url"] == url.as_str())
            .expect("the link is found")["fetch"]
            .clone()
    };
    let refused = fetch_of(&[]);
    assert!(refused["status"].is_null());
    assert!(
        refused["error"].as_str().unwrap().starts_with("refused"),
        "{refused}"
    );
    let allowed = fetch_of(&["--online-allow", "127.0.0.0/8"]);
    assert_eq!(allowed["status"], 200, "{allowed}");
}
