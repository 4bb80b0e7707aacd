//! Online check (feature `online`): fetch a policy URL once, as evidence.
//!
//! Owns the network policy. The URLs come from the app under audit, that is from whoever
//! uploaded it, and piaudit may run inside a store's network, so a fetch must not become a way
//! in (server-side request forgery):
//! - http and https only; URLs with user names or passwords are refused;
//! - **only public addresses**: every host is resolved first and each address checked; loopback
//!   (any spelling the URL parser normalises, `localhost`), unspecified, private, CGNAT,
//!   link-local (cloud metadata), multicast, documentation and reserved ranges, and IPv6 forms
//!   that embed an IPv4 address (mapped, compatible, 6to4, NAT64, Teredo) are refused unless an
//!   `allow` range (`--online-allow CIDR`) contains them. The connection goes to the addresses
//!   that were checked (the resolver hands them to the connector: no second lookup, so no DNS
//!   rebinding between check and connect). Every redirect hop is checked the same way;
//! - proxies from the environment are not used unless asked (a proxy resolves and connects
//!   where these checks cannot see);
//! - **one deadline per URL** (`timeout`), covering connecting, every redirect, headers and the
//!   whole body, and an optional deadline per app that no fetch of that app passes;
//! - no cookies, no credentials, no compression (so no decompression bombs); redirects are
//!   followed by hand, at most `max_redirects`, each one recorded; the body is streamed and
//!   reading stops one byte past `max_bytes`. **An over-cap body is an error** (no text, no
//!   hash): a partial policy must not be hashed and quoted as if it were the policy.
//!
//! TLS is rustls (ring provider unless the process installed another); no native TLS. Must not
//! analyse text beyond decoding it (`decode`).

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs as _};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ipnet::IpNet;

use reqwest::blocking::Client;
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};

use crate::decode::{DecodeOptions, HtmlHint, decode_with};
use crate::text::sha256_hex;

/// Default deadline of one URL: connecting, redirects, headers and body together.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default deadline of all the fetches of one app together.
pub const DEFAULT_APP_TIMEOUT: Duration = Duration::from_secs(30);
/// Default body cap.
pub const DEFAULT_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Default redirect limit.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// How to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Deadline of one URL, from the first connection to the last byte of the last redirect's
    /// body.
    pub timeout: Duration,
    /// Deadline of all the fetches of one app ([`Fetcher::deadline_for_app`]).
    pub app_timeout: Duration,
    /// Address ranges fetched although not public (a store that hosts policies internally).
    pub allow: Vec<IpNet>,
    /// Bodies longer than this are refused.
    pub max_bytes: usize,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Use proxies from the environment (`HTTPS_PROXY`, ...). Off (the default) makes every
    /// connection direct, to the addresses checked.
    pub use_system_proxy: bool,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: DEFAULT_TIMEOUT,
            app_timeout: DEFAULT_APP_TIMEOUT,
            allow: Vec::new(),
            max_bytes: DEFAULT_MAX_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            use_system_proxy: false,
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
        let resolver = PublicOnly {
            allow: Arc::new(options.allow.clone()),
        };
        let mut builder = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .dns_resolver(Arc::new(resolver))
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

    /// The deadline of one app's fetches, starting now (pass it to [`Fetcher::fetch_before`]).
    pub fn deadline_for_app(&self) -> Instant {
        Instant::now() + self.options.app_timeout
    }

    /// Fetches `url` (see the module documentation for the rules).
    pub fn fetch(&self, url: &str) -> FetchRecord {
        self.fetch_before(url, None)
    }

    /// Fetches `url`, giving up at its own deadline or at `deadline` (an app's), whichever
    /// comes first.
    pub fn fetch_before(&self, url: &str, deadline: Option<Instant>) -> FetchRecord {
        let mut record = FetchRecord::started(url);
        let own = Instant::now() + self.options.timeout;
        let deadline = deadline.map_or(own, |d| d.min(own));
        if let Err(e) = self.fetch_into(url, deadline, &mut record) {
            record.error = Some(e);
        }
        record
    }

    fn fetch_into(
        &self,
        url: &str,
        deadline: Instant,
        record: &mut FetchRecord,
    ) -> Result<(), String> {
        let mut current = checked_url(url, None)?;
        let mut hops = 0usize;
        loop {
            record.final_url = current.to_string();
            self.check_literal_host(&current)?;
            let left = time_left(deadline, self.options.timeout)?;
            let response = self
                .client
                .get(current.clone())
                .timeout(left)
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
            return self.read_body(response, status, deadline, record);
        }
    }

    /// Refuses a URL whose host is an address (any spelling the URL parser normalises:
    /// `2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`...) that is not public and not allowed.
    /// Names are checked when resolved ([`PublicOnly`]).
    fn check_literal_host(&self, url: &Url) -> Result<(), String> {
        let ip = match url.host() {
            Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
            _ => return Ok(()),
        };
        if permitted(ip, &self.options.allow) {
            Ok(())
        } else {
            Err(refusal(&ip.to_string(), &[ip]))
        }
    }

    fn read_body(
        &self,
        response: reqwest::blocking::Response,
        status: StatusCode,
        deadline: Instant,
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
        let mut reader = response.take(limit);
        let mut chunk = vec![0u8; 16 << 10];
        loop {
            // Each read is bounded by the request's deadline; between reads it is checked
            // here too, so a body trickling a byte at a time ends at the deadline.
            if Instant::now() >= deadline {
                record.bytes = body.len() as u64;
                return Err(format!(
                    "timed out after {} ms (body still arriving)",
                    self.options.timeout.as_millis()
                ));
            }
            let n = reader
                .read(&mut chunk)
                .map_err(|e| format!("reading body: {}", chain(&e)))?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(chunk.get(..n).unwrap_or_default());
        }
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
    } else if let Some(refused) = find_source::<Refused>(e) {
        refused.0.clone()
    } else if e.is_connect() {
        format!("connection failed: {}", chain(e))
    } else {
        format!("request failed: {}", chain(e))
    }
}

/// An error and its sources, once each.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

fn find_source<'e, T: std::error::Error + 'static>(
    e: &'e (dyn std::error::Error + 'static),
) -> Option<&'e T> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}

/// The time left before `deadline`, or the timeout error when none is.
fn time_left(deadline: Instant, timeout: Duration) -> Result<Duration, String> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("timed out after {} ms", timeout.as_millis()))
}

/// A destination refused by the address policy (carried through reqwest's error chain).
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn refusal(host: &str, addrs: &[IpAddr]) -> String {
    let shown: Vec<String> = addrs.iter().map(ToString::to_string).collect();
    format!(
        "refused: {host} is not a public address ({}); --online fetches public addresses only \
         (--online-allow CIDR admits a range)",
        shown.join(", ")
    )
}

/// The resolver the client connects through: system resolution, then only the addresses
/// [`permitted`] are handed to the connector (a name with none is refused).
struct PublicOnly {
    allow: Arc<Vec<IpNet>>,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        let allow = Arc::clone(&self.allow);
        Box::pin(async move {
            let lookup = host.clone();
            let found: Vec<SocketAddr> =
                tokio::task::spawn_blocking(move || (lookup.as_str(), 0).to_socket_addrs())
                    .await
                    .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)??
                    .collect();
            let ips: Vec<IpAddr> = found.iter().map(SocketAddr::ip).collect();
            let kept: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| permitted(a.ip(), &allow))
                .collect();
            if kept.is_empty() {
                return Err(Box::new(Refused(refusal(&host, &ips)))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether piaudit may connect to `ip`: a public address, or one in an `allow` range.
pub fn permitted(ip: IpAddr, allow: &[IpNet]) -> bool {
    allow.iter().any(|net| net.contains(&ip)) || is_public(ip)
}

/// Whether `ip` is a public unicast address (IPv6 forms embedding an IPv4 address are judged
/// by it or refused).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0                                   // "this network", 0.0.0.0
        || a == 10                             // private
        || a == 127                            // loopback
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 169 && b == 254)              // link-local, cloud metadata
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)      // documentation
        || (a == 192 && b == 88 && c == 99)    // 6to4 relay anycast
        || (a == 192 && b == 168)              // private
        || (a == 198 && (b == 18 || b == 19))  // benchmarking
        || (a == 198 && b == 51 && c == 100)   // documentation
        || (a == 203 && b == 0 && c == 113)    // documentation
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // IPv4-mapped (::ffff:a.b.c.d) and -translated forms are the IPv4 address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    // 6to4 (2002:AABB:CCDD::/48) routes to the embedded IPv4 address.
    if s[0] == 0x2002 {
        let v4 = Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8);
        return is_public_v4(v4);
    }
    // Only global unicast (2000::/3), without the IETF block (2001::/23: Teredo, ORCHID...)
    // and documentation (2001:db8::/32). ::/96 (IPv4-compatible), ::1, ::, 64:ff9b::/96
    // (NAT64), fc00::/7, fe80::/10, ff00::/8 all fall outside 2000::/3.
    (s[0] & 0xe000) == 0x2000
        && !(s[0] == 0x2001 && s[1] < 0x0200)
        && !(s[0] == 0x2001 && s[1] == 0x0db8)
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

    /// Every spelling of a non-public destination is refused; public ones are not; an allowed
    /// range admits its addresses.
    #[test]
    fn only_public_addresses_are_permitted() {
        let fetcher = Fetcher::new(&FetchOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        for url in [
            "http://127.0.0.1/",
            "http://0.0.0.0/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://017700000001/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://[::127.0.0.1]/",
            "http://[64:ff9b::a00:1]/",
            "http://[2002:7f00:1::]/",
            "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
            "http://[fe80::1]/",
            "http://[fc00::1]/",
            "http://[ff02::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://100.127.255.255/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
        ] {
            let url = checked_url(url, None).unwrap_or_else(|e| panic!("{e}"));
            let refused = fetcher.check_literal_host(&url);
            assert!(
                refused.as_ref().is_err_and(|e| e.starts_with("refused")),
                "{url}: {refused:?}"
            );
        }
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "2606:4700::1111",
            "2001:4860:4860::8888",
            "2002:0808:0808::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap_or_else(|e| panic!("{e}"));
            assert!(is_public(ip), "{ip}");
        }
        let allow: Vec<IpNet> = vec!["127.0.0.0/8".parse().unwrap_or_else(|e| panic!("{e}"))];
        assert!(permitted(IpAddr::V4(Ipv4Addr::LOCALHOST), &allow));
        assert!(!permitted(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), &allow));
    }
}
