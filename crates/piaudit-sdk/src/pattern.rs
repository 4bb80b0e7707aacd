//! Signature syntax: what a valid class prefix, native-library name, meta-data key, asset path
//! and domain look like in a catalogue, and the matchers for name-like signatures.
//!
//! Syntax (shared by `sdks.toml` and `packers.toml`):
//! - class / component prefix: dotted Java name (`com.umeng.analytics`, or a full class such as
//!   `cn.jpush.android.api.JPushInterface`). It matches a class when it equals the class or is
//!   followed by `.` or `$` in it (anchored at a package/inner-class boundary). At least two
//!   segments; a two-segment prefix with a second segment under 4 characters (`com.loc`) is
//!   [`PrefixKind::Short`]: accepted only where another signature corroborates it; platform
//!   roots and whole-vendor roots such as `com.tencent` are refused.
//! - native library, meta-data key, asset path: an exact name, or a prefix ending in one `*`
//!   (`libjcore*`). Exact names beat prefixes; among prefixes the longest wins. Native-library
//!   patterns match the file name (the part after the last `/`); asset patterns match the full
//!   in-APK path and must start with `assets/`.
//! - domain: a lowercase host name; it matches the host itself and its subdomains
//!   (`umeng.com` matches `alog.umeng.com`, not `notumeng.com`).
//!
//! This module must not know about SDK entries: it only validates and matches strings.

use std::borrow::Cow;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};

/// Prefixes of the Android platform, the Java/Kotlin standard libraries and the AndroidX /
/// Material support libraries. Code under them is attributed to the platform, and no catalogue
/// signature may sit under them.
pub const PLATFORM_PREFIXES: &[&str] = &[
    "android",
    "androidx",
    "dalvik",
    "java",
    "javax",
    "kotlin",
    "kotlinx",
    "sun",
    "libcore",
    "org.json",
    "org.xml",
    "org.w3c",
    "org.apache.http",
    "com.android.internal",
    "com.google.android.material",
];

/// Vendor or generic roots that cover many unrelated products; a class signature must be more
/// specific than these.
const TOO_BROAD_CLASS_PREFIXES: &[&str] = &[
    "com.tencent",
    "com.qq",
    "com.baidu",
    "com.alibaba",
    "com.alipay",
    "com.taobao",
    "com.google",
    "com.google.android",
    "com.google.android.gms",
    "com.google.firebase",
    "com.huawei",
    "com.huawei.hms",
    "com.hihonor",
    "com.xiaomi",
    "com.bytedance",
    "com.ss.android",
    "com.facebook",
    "com.sina",
    "com.netease",
    "com.android",
    "com.meizu",
    "com.vivo",
    "com.oppo",
    "com.heytap",
    "com.coloros",
    "com.amazon",
    "com.amazonaws",
    "com.microsoft",
    "com.samsung",
    "com.kuaishou",
    "com.jingdong",
    "com.sdk",
    "com.ads",
    "com.analytics",
    "com.push",
    "com.github",
    "com.example",
    "org.apache",
    "cn.com",
];

/// Registrable domains too broad to attribute to one SDK (their subdomains may be used).
const TOO_BROAD_DOMAINS: &[&str] = &[
    "qq.com",
    "tencent.com",
    "baidu.com",
    "google.com",
    "googleapis.com",
    "gstatic.com",
    "alibaba.com",
    "alipay.com",
    "taobao.com",
    "aliyun.com",
    "aliyuncs.com",
    "huawei.com",
    "xiaomi.com",
    "mi.com",
    "facebook.com",
    "amazonaws.com",
    "apple.com",
    "microsoft.com",
    "163.com",
    "126.net",
    "bytedance.com",
    "github.com",
];

/// Second-level labels that are public suffixes under a country code (`com.cn`, `co.uk`).
const GENERIC_SECOND_LEVEL: &[&str] = &["com", "net", "org", "gov", "edu", "ac", "co"];

/// Longest class / component signature accepted.
const MAX_CLASS_PREFIX_LEN: usize = 512;
/// Longest name-like signature (library, meta-data key, asset path) accepted.
const MAX_NAME_LEN: usize = 512;
/// Shortest fixed part of a `prefix*` pattern.
const MIN_WILDCARD_PREFIX_LEN: usize = 6;
/// Longest host name (RFC 1035).
const MAX_HOST_LEN: usize = 253;

/// Splits a dotted class name into segments at `.` and `$` boundaries (byte scan; both
/// separators are ASCII, so every split point is a char boundary).
pub(crate) fn class_segments(name: &str) -> ClassSegments<'_> {
    ClassSegments { rest: Some(name) }
}

/// Iterator returned by [`class_segments`].
pub(crate) struct ClassSegments<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for ClassSegments<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match rest.bytes().position(|b| b == b'.' || b == b'$') {
            Some(at) => {
                self.rest = rest.get(at + 1..);
                rest.get(..at)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// True when `prefix` is `class` itself or a package/inner-class prefix of it.
pub(crate) fn is_boundary_prefix(prefix: &str, class: &str) -> bool {
    match class.strip_prefix(prefix) {
        Some("") => true,
        Some(rest) => rest.starts_with(['.', '$']),
        None => false,
    }
}

/// True when the class belongs to the platform (see [`PLATFORM_PREFIXES`]).
pub fn is_platform_class(class: &str) -> bool {
    PLATFORM_PREFIXES
        .iter()
        .any(|prefix| is_boundary_prefix(prefix, class))
}

/// How specific an accepted class prefix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrefixKind {
    /// Specific enough to identify its product on its own.
    Distinct,
    /// Two segments with a short second one (`com.loc`, `com.pgl`): too broad alone, usable
    /// only as corroborated evidence of an entry that also has a distinct signature.
    Short,
}

/// Checks a class or component prefix. Returns the reason when it is refused.
pub(crate) fn validate_class_prefix(prefix: &str) -> Result<PrefixKind, String> {
    if prefix.is_empty() || prefix.len() > MAX_CLASS_PREFIX_LEN {
        return Err(format!(
            "length must be 1..={MAX_CLASS_PREFIX_LEN} characters"
        ));
    }
    if let Some(bad) = prefix
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$')))
    {
        return Err(format!(
            "character {bad:?} is not allowed (dotted Java names only, e.g. com.umeng.analytics)"
        ));
    }
    let segments: Vec<&str> = class_segments(prefix).collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err("empty package segment (leading, trailing or doubled separator)".into());
    }
    if segments.len() < 2 {
        return Err("a single segment is too broad; give at least two (e.g. com.umeng)".into());
    }
    let kind = match segments.as_slice() {
        [_, second] if second.len() < 4 => PrefixKind::Short,
        _ => PrefixKind::Distinct,
    };
    if is_platform_class(prefix) {
        return Err("lies under a platform / support-library prefix".into());
    }
    if TOO_BROAD_CLASS_PREFIXES.contains(&prefix) {
        return Err(
            "is a whole-vendor root that covers unrelated products; be more specific".into(),
        );
    }
    Ok(kind)
}

/// The refusal of a short two-segment prefix where no corroboration is possible.
pub(crate) fn short_prefix_refusal(prefix: &str) -> String {
    format!(
        "two-segment prefix with a short second segment ({prefix:?}) is too broad; add a segment, \
         or (in sdks.toml `classes`) back it with a distinct class, a component or a native library"
    )
}

/// Which kind of name-like signature is being validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    NativeLib,
    MetaData,
    Asset,
}

/// Checks a native-library, meta-data or asset pattern. Returns the reason when refused.
pub(crate) fn validate_name_pattern(kind: NameKind, pattern: &str) -> Result<(), String> {
    if pattern.is_empty() || pattern.len() > MAX_NAME_LEN {
        return Err(format!("length must be 1..={MAX_NAME_LEN} characters"));
    }
    if pattern.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("whitespace or control characters are not allowed".into());
    }
    let (fixed, is_prefix) = match pattern.strip_suffix('*') {
        Some(fixed) => (fixed, true),
        None => (pattern, false),
    };
    if fixed.contains('*') {
        return Err("`*` is only allowed once, at the end".into());
    }
    if is_prefix && fixed.len() < MIN_WILDCARD_PREFIX_LEN {
        return Err(format!(
            "the part before `*` must have at least {MIN_WILDCARD_PREFIX_LEN} characters"
        ));
    }
    match kind {
        NameKind::NativeLib => {
            if fixed.contains(['/', '\\']) {
                return Err("give the file name only, without a directory".into());
            }
            if !is_prefix && !fixed.ends_with(".so") {
                return Err("an exact library name must end with .so".into());
            }
        }
        NameKind::MetaData => {}
        NameKind::Asset => {
            let Some(rest) = fixed.strip_prefix("assets/") else {
                return Err("an asset path must start with assets/".into());
            };
            if rest.len() < 3 {
                return Err("the path after assets/ must have at least 3 characters".into());
            }
            if fixed.contains('\\') || fixed.split('/').any(|part| part == "..") {
                return Err("use forward slashes and no `..`".into());
            }
        }
    }
    Ok(())
}

/// Checks a domain signature. Returns the reason when refused.
pub(crate) fn validate_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty() || domain.len() > MAX_HOST_LEN {
        return Err(format!("length must be 1..={MAX_HOST_LEN} characters"));
    }
    if !domain
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    {
        return Err(
            "a domain is a lowercase host name (a-z, 0-9, '-', '.') without scheme or path".into(),
        );
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels
        .iter()
        .any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
    {
        return Err("empty, over-long or hyphen-edged label".into());
    }
    if labels.len() < 2 {
        return Err("a single label is not a domain".into());
    }
    if let [first, _] = labels.as_slice()
        && GENERIC_SECOND_LEVEL.contains(first)
    {
        return Err("is a public suffix (e.g. com.cn), not a domain".into());
    }
    if labels
        .last()
        .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_lowercase()))
    {
        return Err(
            "the top-level label must be alphabetic (IP addresses are not signatures)".into(),
        );
    }
    if TOO_BROAD_DOMAINS.contains(&domain) {
        return Err(
            "is a whole-vendor domain shared by unrelated services; give a subdomain".into(),
        );
    }
    Ok(())
}

/// Extracts the lowercase host from a URL (`https://user@Host:443/p?q`) or a bare host name.
/// Returns `None` for strings that carry no plausible DNS host (IP literals included).
pub(crate) fn host_of(input: &str) -> Option<Cow<'_, str>> {
    let trimmed = input.trim();
    let after_scheme = match trimmed.find("://") {
        Some(pos) => trimmed.get(pos + 3..)?,
        None => trimmed.strip_prefix("//").unwrap_or(trimmed),
    };
    let authority_end = after_scheme
        .find(|c: char| matches!(c, '/' | '?' | '#' | '\\') || c.is_whitespace())
        .unwrap_or(after_scheme.len());
    let authority = after_scheme.get(..authority_end)?;
    let host_port = match authority.rfind('@') {
        Some(at) => authority.get(at + 1..)?,
        None => authority,
    };
    if host_port.starts_with('[') {
        return None;
    }
    let host = match host_port.rfind(':') {
        Some(colon) => {
            let port = host_port.get(colon + 1..)?;
            if !port.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            host_port.get(..colon)?
        }
        None => host_port,
    };
    let host = host.trim_end_matches('.');
    if host.is_empty()
        || host.len() > MAX_HOST_LEN
        || !host.contains('.')
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return None;
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Some(Cow::Owned(host.to_ascii_lowercase()))
    } else {
        Some(Cow::Borrowed(host))
    }
}

/// Matches names against exact names and `prefix*` patterns. Values are opaque ids chosen by
/// the caller.
#[derive(Debug)]
pub(crate) struct NameMatcher {
    exact: HashMap<Box<str>, u32>,
    prefixes: Option<AhoCorasick>,
    prefix_values: Vec<u32>,
}

/// Collects patterns for a [`NameMatcher`], refusing duplicates.
#[derive(Debug, Default)]
pub(crate) struct NameMatcherBuilder {
    exact: HashMap<Box<str>, u32>,
    prefixes: HashMap<Box<str>, u32>,
}

impl NameMatcherBuilder {
    /// Adds a pattern; returns the value already registered for the same pattern, if any.
    pub(crate) fn insert(&mut self, pattern: &str, value: u32) -> Result<(), u32> {
        let (map, key) = match pattern.strip_suffix('*') {
            Some(fixed) => (&mut self.prefixes, fixed),
            None => (&mut self.exact, pattern),
        };
        match map.get(key) {
            Some(&existing) => Err(existing),
            None => {
                map.insert(key.into(), value);
                Ok(())
            }
        }
    }

    pub(crate) fn build(self) -> Result<NameMatcher, aho_corasick::BuildError> {
        let mut prefix_list: Vec<(Box<str>, u32)> = self.prefixes.into_iter().collect();
        prefix_list.sort();
        let prefixes = if prefix_list.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .start_kind(StartKind::Anchored)
                    .build(prefix_list.iter().map(|(p, _)| p.as_bytes()))?,
            )
        };
        Ok(NameMatcher {
            exact: self.exact,
            prefixes,
            prefix_values: prefix_list.into_iter().map(|(_, v)| v).collect(),
        })
    }
}

impl NameMatcher {
    /// The value of the exact pattern equal to `name`, else of the longest prefix pattern.
    pub(crate) fn find(&self, name: &str) -> Option<u32> {
        if let Some(&value) = self.exact.get(name) {
            return Some(value);
        }
        let automaton = self.prefixes.as_ref()?;
        let found = automaton
            .try_find(Input::new(name).anchored(Anchored::Yes))
            .ok()
            .flatten()?;
        self.prefix_values.get(found.pattern().as_usize()).copied()
    }
}

/// Matches hosts against domain signatures (the domain itself and its subdomains).
#[derive(Debug, Default)]
pub(crate) struct DomainMatcher {
    domains: HashMap<Box<str>, u32>,
}

impl DomainMatcher {
    /// Adds a domain; returns the value already registered for it, if any.
    pub(crate) fn insert(&mut self, domain: &str, value: u32) -> Result<(), u32> {
        match self.domains.get(domain) {
            Some(&existing) => Err(existing),
            None => {
                self.domains.insert(domain.into(), value);
                Ok(())
            }
        }
    }

    /// The value of the longest domain signature that is `host` or a parent domain of it.
    /// `host` must already be lowercase (see [`host_of`]).
    pub(crate) fn find(&self, host: &str) -> Option<u32> {
        let mut candidate = host;
        loop {
            if let Some(&value) = self.domains.get(candidate) {
                return Some(value);
            }
            let dot = candidate.find('.')?;
            candidate = candidate.get(dot + 1..)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_prefix_respects_package_and_inner_class_boundaries() {
        assert!(is_boundary_prefix("com.umeng", "com.umeng"));
        assert!(is_boundary_prefix("com.umeng", "com.umeng.analytics.A"));
        assert!(is_boundary_prefix("a.B", "a.B$1"));
        assert!(!is_boundary_prefix("com.umeng", "com.umengx.Y"));
    }

    #[test]
    fn class_prefix_validation_refuses_broad_and_malformed_prefixes() {
        assert_eq!(validate_class_prefix("com.umeng"), Ok(PrefixKind::Distinct));
        assert_eq!(
            validate_class_prefix("cn.jpush.android.api.JPushInterface"),
            Ok(PrefixKind::Distinct)
        );
        assert_eq!(validate_class_prefix("com.loc"), Ok(PrefixKind::Short));
        assert_eq!(validate_class_prefix("com.pgl"), Ok(PrefixKind::Short));
        for bad in [
            "com",
            "com.tencent",
            "androidx.core",
            "com.google.android.material.button",
            "com..umeng",
            ".com.umeng",
            "com/umeng/analytics",
            "com.umeng.*",
        ] {
            assert!(
                validate_class_prefix(bad).is_err(),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn name_pattern_validation() {
        assert!(validate_name_pattern(NameKind::NativeLib, "libBugly.so").is_ok());
        assert!(validate_name_pattern(NameKind::NativeLib, "libjcore*").is_ok());
        assert!(validate_name_pattern(NameKind::NativeLib, "lib*").is_err());
        assert!(validate_name_pattern(NameKind::NativeLib, "libBugly").is_err());
        assert!(validate_name_pattern(NameKind::NativeLib, "lib/arm64-v8a/libBugly.so").is_err());
        assert!(validate_name_pattern(NameKind::NativeLib, "lib*Bugly.so").is_err());
        assert!(validate_name_pattern(NameKind::Asset, "assets/ijiami.dat").is_ok());
        assert!(validate_name_pattern(NameKind::Asset, "ijiami.dat").is_err());
        assert!(validate_name_pattern(NameKind::Asset, "assets/../x").is_err());
        assert!(validate_name_pattern(NameKind::MetaData, "UMENG_APPKEY").is_ok());
        assert!(validate_name_pattern(NameKind::MetaData, "UMENG APPKEY").is_err());
    }

    #[test]
    fn domain_validation() {
        assert!(validate_domain("umeng.com").is_ok());
        assert!(validate_domain("api.weibo.com").is_ok());
        for bad in [
            "com",
            "com.cn",
            "qq.com",
            "Umeng.com",
            "https://umeng.com",
            "10.0.0.1",
        ] {
            assert!(validate_domain(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn host_extraction_handles_urls_and_bare_hosts() {
        let host = |s| host_of(s).map(Cow::into_owned);
        assert_eq!(
            host("https://Alog.Umeng.com:443/app_logs?x=1").as_deref(),
            Some("alog.umeng.com")
        );
        assert_eq!(
            host("http://user:pw@api.jpush.cn/v3").as_deref(),
            Some("api.jpush.cn")
        );
        assert_eq!(host("sdk.e.qq.com").as_deref(), Some("sdk.e.qq.com"));
        assert_eq!(
            host("//cdn.example.org/x.js").as_deref(),
            Some("cdn.example.org")
        );
        assert_eq!(host("http://[::1]:80/"), None);
        assert_eq!(host("not a host"), None);
        assert_eq!(host("localhost"), None);
        assert_eq!(host("http://evil.com:abc/"), None);
    }

    #[test]
    fn name_matcher_prefers_exact_then_longest_prefix() {
        let mut builder = NameMatcherBuilder::default();
        builder.insert("libjcore*", 1).unwrap();
        builder.insert("libjcore300.so", 2).unwrap();
        builder.insert("libjcoreext*", 3).unwrap();
        assert_eq!(builder.insert("libjcore*", 9), Err(1));
        let matcher = builder.build().unwrap();
        assert_eq!(matcher.find("libjcore300.so"), Some(2));
        assert_eq!(matcher.find("libjcore214.so"), Some(1));
        assert_eq!(matcher.find("libjcoreext1.so"), Some(3));
        assert_eq!(matcher.find("libjcor.so"), None);
        assert_eq!(matcher.find("xlibjcore.so"), None);
    }

    #[test]
    fn domain_matcher_matches_subdomains_only_on_label_boundaries() {
        let mut matcher = DomainMatcher::default();
        matcher.insert("umeng.com", 1).unwrap();
        matcher.insert("plbslog.umeng.com", 2).unwrap();
        assert_eq!(matcher.find("umeng.com"), Some(1));
        assert_eq!(matcher.find("alog.umeng.com"), Some(1));
        assert_eq!(matcher.find("plbslog.umeng.com"), Some(2));
        assert_eq!(matcher.find("notumeng.com"), None);
        assert_eq!(matcher.find("umeng.com.evil.net"), None);
    }
}
