//! Online fetch against a real HTTP server on 127.0.0.1 started by the test (no other network).
#![cfg(feature = "online")]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use piaudit_policy::{FetchOptions, Fetcher, fetch_policy};

const GBK_PAGE: &str = "<html><head><meta charset=\"gbk\"><title>隐私政策</title></head><body><h1>隐私政策</h1><p>我们会收集您的位置信息。</p></body></html>";

/// Serves canned responses by path until the test process ends.
fn start_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve(stream, port));
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn serve(mut stream: TcpStream, port: u16) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut user_agent = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("user-agent:") {
                    user_agent = v.trim().to_owned();
                }
            }
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    let gbk = encoding_rs::GBK.encode(GBK_PAGE).0.into_owned();
    let (status, headers, body): (&str, Vec<String>, Vec<u8>) = match path.as_str() {
        "/policy-gbk" => ("200 OK", vec!["Content-Type: text/html".into()], gbk),
        "/r1" => ("302 Found", vec!["Location: /r2".into()], Vec::new()),
        "/r2" => (
            "301 Moved Permanently",
            vec![format!("Location: http://127.0.0.1:{port}/policy-gbk")],
            Vec::new(),
        ),
        "/loop" => ("302 Found", vec!["Location: /loop".into()], Vec::new()),
        "/to-ftp" => (
            "302 Found",
            vec!["Location: ftp://127.0.0.1/policy".into()],
            Vec::new(),
        ),
        "/ua" => (
            "200 OK",
            vec!["Content-Type: text/plain".into()],
            user_agent.into_bytes(),
        ),
        "/big-declared" => (
            "200 OK",
            vec!["Content-Type: text/plain".into()],
            vec![b'a'; 4096],
        ),
        "/big-streamed" => {
            // No Content-Length: the client must stop reading by itself.
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let chunk = [b'x'; 1024];
            for _ in 0..64 {
                if stream.write_all(&chunk).is_err() {
                    return;
                }
            }
            return;
        }
        "/slow" => {
            thread::sleep(Duration::from_millis(1500));
            ("200 OK", vec![], b"late".to_vec())
        }
        _ => (
            "404 Not Found",
            vec!["Content-Type: text/html".into()],
            b"<html><body><p>Not found</p></body></html>".to_vec(),
        ),
    };
    let mut response = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for h in headers {
        response.push_str(&h);
        response.push_str("\r\n");
    }
    response.push_str("\r\n");
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.write_all(&body);
}

/// The test servers listen on 127.0.0.1, which `--online` refuses unless allowed
/// (`--online-allow 127.0.0.0/8`).
fn options() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_millis(300),
        max_bytes: 2048,
        use_system_proxy: false,
        allow: vec!["127.0.0.0/8".parse().unwrap_or_else(|e| panic!("{e}"))],
        ..FetchOptions::default()
    }
}

fn fetcher() -> Fetcher {
    Fetcher::new(&options()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn gbk_html_page_is_decoded_and_hashed() {
    let base = start_server();
    let r = fetcher().fetch(&format!("{base}/policy-gbk"));
    assert_eq!(r.error, None);
    assert_eq!(r.status, Some(200));
    assert_eq!(r.encoding.as_deref(), Some("gb18030"));
    assert!(r.text.contains("我们会收集您的位置信息。"), "{}", r.text);
    let gbk = encoding_rs::GBK.encode(GBK_PAGE).0.into_owned();
    assert_eq!(r.bytes, gbk.len() as u64);
    assert_eq!(r.sha256, piaudit_policy::sha256_hex(&gbk));
    assert!(
        r.fetched_at.ends_with('Z') && r.fetched_at.contains('T'),
        "{}",
        r.fetched_at
    );
}

#[test]
fn redirect_chain_is_recorded() {
    let base = start_server();
    let r = fetcher().fetch(&format!("{base}/r1"));
    assert_eq!(r.error, None);
    assert_eq!(
        r.redirects,
        vec![format!("{base}/r2"), format!("{base}/policy-gbk")]
    );
    assert_eq!(r.final_url, format!("{base}/policy-gbk"));
    assert_eq!(r.url, format!("{base}/r1"));
}

#[test]
fn redirect_loop_stops_after_limit() {
    let base = start_server();
    let r = fetcher().fetch(&format!("{base}/loop"));
    assert_eq!(r.redirects.len(), 6);
    assert!(
        r.error
            .as_deref()
            .is_some_and(|e| e.contains("more than 5 redirects")),
        "{:?}",
        r.error
    );
}

#[test]
fn redirect_to_other_scheme_is_refused() {
    let base = start_server();
    let r = fetcher().fetch(&format!("{base}/to-ftp"));
    assert!(
        r.error
            .as_deref()
            .is_some_and(|e| e.contains("scheme `ftp`")),
        "{:?}",
        r.error
    );
    assert!(r.text.is_empty());
}

#[test]
fn not_found_is_an_error_with_status() {
    let base = start_server();
    let r = fetcher().fetch(&format!("{base}/nothing-here"));
    assert_eq!(r.status, Some(404));
    assert!(
        r.error.as_deref().is_some_and(|e| e.contains("404")),
        "{:?}",
        r.error
    );
}

#[test]
fn oversize_bodies_are_refused() {
    let base = start_server();
    let declared = fetcher().fetch(&format!("{base}/big-declared"));
    assert!(
        declared
            .error
            .as_deref()
            .is_some_and(|e| e.contains("exceeds")),
        "{:?}",
        declared.error
    );
    assert!(declared.text.is_empty() && declared.sha256.is_empty());
    let streamed = fetcher().fetch(&format!("{base}/big-streamed"));
    assert!(
        streamed
            .error
            .as_deref()
            .is_some_and(|e| e.contains("exceeds")),
        "{:?}",
        streamed.error
    );
    assert_eq!(streamed.bytes, 2049);
    assert!(streamed.text.is_empty() && streamed.sha256.is_empty());
}

#[test]
fn slow_server_hits_timeout() {
    let base = start_server();
    let started = Instant::now();
    let r = fetcher().fetch(&format!("{base}/slow"));
    assert!(
        r.error.as_deref().is_some_and(|e| e.contains("timed out")),
        "{:?}",
        r.error
    );
    assert!(started.elapsed() < Duration::from_millis(1400));
}

#[test]
fn user_agent_identifies_piaudit() {
    let base = start_server();
    let r = fetcher().fetch(&format!("{base}/ua"));
    assert!(
        r.text.starts_with("piaudit/") && r.text.ends_with("(+privacy-policy check)"),
        "{}",
        r.text
    );
}

#[test]
fn non_http_schemes_are_refused_before_connecting() {
    for url in [
        "file:///etc/passwd",
        "ftp://127.0.0.1/policy",
        "content://com.example/policy",
        "not a url",
    ] {
        let r = fetch_policy(url, &options());
        assert!(r.error.is_some(), "{url}");
        assert_eq!(r.status, None, "{url}");
    }
}
