//! Online check (feature `online`): fetch a policy URL once, as evidence.
//!
//! Owns the network policy: http and https only (checked before any connection and again for
//! every redirect target); URLs with user names or passwords are refused; no cookies, no
//! credentials, no compression (so no decompression bombs); redirects are followed by hand, at
//! most `max_redirects`, each one recorded; a timeout applies to connecting and to every read;
//! the body is streamed and reading stops one byte past `max_bytes`. **An over-cap body is an
//! error** (no text, no hash): a partial policy must not be hashed and quoted as if it were
//! the policy. TLS is rustls (ring provider unless the process installed another); no native
//! TLS. Must not analyse text beyond decoding it (`decode`).

use std::io::Read;
use std::time::{Duration, SystemTime};

use reqwest::blocking::Client;
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};

use crate::decode::{DecodeOptions, HtmlHint, decode_with};
use crate::text::sha256_hex;

/// Default timeout for connecting and for each read.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default body cap.
pub const DEFAULT_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Default redirect limit.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// How to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Timeout for connecting and for each read (and for the whole exchange per hop).
    pub timeout: Duration,
    /// Bodies longer than this are refused.
    pub max_bytes: usize,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Use proxies from the environment (`HTTPS_PROXY`, ...). Off makes every connection
    /// direct.
    pub use_system_proxy: bool,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: DEFAULT_TIMEOUT,
            max_bytes: DEFAULT_MAX_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            use_system_proxy: true,
            user_agent: format!(
                "piaudit/{} (+privacy-policy check)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// The result of one fetch; failures are recorded in `error`, never raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchRecord {
    /// The URL asked for.
    pub url: String,
    /// The last URL requested (after redirects).
    pub final_url: String,
    /// HTTP status of the last response, if one arrived.
    pub status: Option<u16>,
    /// Every redirect target followed, in order.
    pub redirects: Vec<String>,
    /// When the fetch started, RFC 3339 UTC.
    pub fetched_at: String,
    /// SHA-256 (hex) of the body bytes exactly as received; empty when there is no body.
    pub sha256: String,
    /// Body bytes received (for an over-cap body: how many were read before stopping).
    pub bytes: u64,
    /// The body decoded (HTML rendered to text); empty on error.
    pub text: String,
    /// Encoding the body was decoded from.
    pub encoding: Option<String>,
    /// `Content-Type` of the last response.
    pub content_type: Option<String>,
    /// Always false: an over-cap body is an error, not a truncated text. Kept for symmetry
    /// with `PolicyDoc::truncated`.
    pub truncated: bool,
    /// Why the fetch failed (scheme refused, timeout, too many redirects, HTTP error status,
    /// body over the cap, ...).
    pub error: Option<String>,
}

impl FetchRecord {
    /// An empty record for `url`, stamped now; the fetch fills it in.
    fn started(url: &str) -> FetchRecord {
        FetchRecord {
            url: url.to_owned(),
            final_url: url.to_owned(),
            status: None,
            redirects: Vec::new(),
            fetched_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            sha256: String::new(),
            bytes: 0,
            text: String::new(),
            encoding: None,
            content_type: None,
            truncated: false,
            error: None,
        }
    }
}

/// Errors building the HTTP client.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// reqwest could not build a client (TLS setup).
    #[error("cannot build HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// A reusable fetcher (one connection pool and TLS configuration).
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: Client,
    options: FetchOptions,
}

impl Fetcher {
    /// Builds the client.
    pub fn new(options: &FetchOptions) -> Result<Fetcher, FetchError> {
        // Keep a provider the host program installed; otherwise use ring.
        let _already_installed = rustls::crypto::ring::default_provider().install_default();
        let mut builder = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .user_agent(options.user_agent.clone())
            .referer(false);
        if !options.use_system_proxy {
            builder = builder.no_proxy();
        }
        Ok(Fetcher {
            client: builder.build()?,
            options: options.clone(),
        })
    }

    /// Fetches `url` (see the module documentation for the rules).
    pub fn fetch(&self, url: &str) -> FetchRecord {
        let mut record = FetchRecord::started(url);
        if let Err(e) = self.fetch_into(url, &mut record) {
            record.error = Some(e);
        }
        record
    }

    fn fetch_into(&self, url: &str, record: &mut FetchRecord) -> Result<(), String> {
        let mut current = checked_url(url, None)?;
        let mut hops = 0usize;
        loop {
            record.final_url = current.to_string();
            let response = self
                .client
                .get(current.clone())
                .header(
                    ACCEPT,
                    "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
                )
                .header(ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9,en;q=0.8")
                .send()
                .map_err(|e| describe(&e, self.options.timeout))?;
            let status = response.status();
            record.status = Some(status.as_u16());
            record.content_type = header_str(&response, CONTENT_TYPE);
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let location = header_str(&response, LOCATION)
                    .ok_or_else(|| format!("HTTP {status} without a Location header"))?;
                let next = checked_url(&location, Some(&current))?;
                record.redirects.push(next.to_string());
                hops += 1;
                if hops > self.options.max_redirects {
                    return Err(format!(
                        "more than {} redirects",
                        self.options.max_redirects
                    ));
                }
                current = next;
                continue;
            }
            return self.read_body(response, status, record);
        }
    }

    fn read_body(
        &self,
        response: reqwest::blocking::Response,
        status: StatusCode,
        record: &mut FetchRecord,
    ) -> Result<(), String> {
        let cap = self.options.max_bytes;
        let declared =
            header_str(&response, CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(len) = declared.filter(|&len| len > cap as u64) {
            return Err(format!(
                "body of {len} bytes exceeds the cap of {cap} bytes"
            ));
        }
        let html_hint = match record.content_type.as_deref().map(str::to_ascii_lowercase) {
            Some(ct) if ct.contains("html") => HtmlHint::Html,
            Some(ct) if ct.starts_with("text/plain") => HtmlHint::PlainText,
            _ => HtmlHint::Sniff,
        };
        let mut body = Vec::new();
        let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
        response
            .take(limit)
            .read_to_end(&mut body)
            .map_err(|e| format!("reading body: {e}"))?;
        record.bytes = body.len() as u64;
        if body.len() > cap {
            return Err(format!("body exceeds the cap of {cap} bytes"));
        }
        record.sha256 = sha256_hex(&body);
        let decoded = decode_with(
            &body,
            &DecodeOptions {
                html: html_hint,
                max_input_bytes: cap,
            },
        );
        record.text = decoded.text;
        record.encoding = Some(decoded.encoding.to_owned());
        if !status.is_success() {
            return Err(format!("HTTP status {status}"));
        }
        Ok(())
    }
}

/// Fetches one URL with a fresh client.
pub fn fetch_policy(url: &str, options: &FetchOptions) -> FetchRecord {
    match Fetcher::new(options) {
        Ok(fetcher) => fetcher.fetch(url),
        Err(e) => FetchRecord {
            error: Some(e.to_string()),
            ..FetchRecord::started(url)
        },
    }
}

/// Parses (relative to `base` when given) and checks scheme and credentials.
fn checked_url(raw: &str, base: Option<&Url>) -> Result<Url, String> {
    let parsed = match base {
        Some(b) => b.join(raw.trim()),
        None => Url::parse(raw.trim()),
    }
    .map_err(|e| format!("invalid URL `{raw}`: {e}"))?;
    match parsed.scheme() {
        "http" | "https" => {}
        other => {
            return Err(format!(
                "refused URL scheme `{other}` (only http and https are fetched)"
            ));
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("refused URL with embedded credentials".to_owned());
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("URL `{raw}` has no host"));
    }
    Ok(parsed)
}

fn header_str(
    response: &reqwest::blocking::Response,
    name: reqwest::header::HeaderName,
) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        format!("timed out after {} ms", timeout.as_millis())
    } else if e.is_connect() {
        format!("connection failed: {e}")
    } else {
        format!("request failed: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_credentials_are_checked() {
        assert!(checked_url("https://example.com/privacy", None).is_ok());
        for bad in [
            "file:///etc/passwd",
            "ftp://example.com/p",
            "javascript:alert(1)",
            "https://u:p@example.com/",
        ] {
            assert!(checked_url(bad, None).is_err(), "{bad}");
        }
        let base = checked_url("https://example.com/a/b", None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            checked_url("../c", Some(&base)).map(|u| u.to_string()),
            Ok("https://example.com/c".to_owned())
        );
        assert!(checked_url("ftp://x/y", Some(&base)).is_err());
    }
}
