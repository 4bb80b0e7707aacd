//! Policy discovery: finds every privacy policy an app carries and where it came from —
//! bundled files (assets/, res/raw/), string resources in every locale (policy texts, consent
//! dialogs, policy links), and policy URLs in resources, files and DEX strings.
//!
//! Owns which candidates are looked at and how duplicates merge; the text questions (is this a
//! policy, what does it disclose) belong to `piaudit-policy`. It must not judge adequacy.

use std::collections::BTreeSet;

use piaudit_policy::{
    Analyzer, PolicyDoc, StringClass, classify_document, classify_string, decode, policy_urls,
};

use crate::facts::{AppFacts, StringResource};

/// File extensions of bundled files that may hold policy text.
pub const TEXT_EXTENSIONS: [&str; 6] = [".html", ".htm", ".txt", ".md", ".json", ".xhtml"];
/// Caps on the bundled files read for discovery (per app).
pub const MAX_FILES: usize = 200;
pub const MAX_FILE_BYTES: u64 = 2 << 20;
pub const MAX_TOTAL_BYTES: u64 = 32 << 20;
/// Most URL-only policies recorded per app.
const MAX_URL_DOCS: usize = 20;

/// Whether a bundled file is a policy candidate by location and type.
pub fn is_candidate(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    (lower.starts_with("assets/") || lower.starts_with("res/raw/"))
        && TEXT_EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

/// Order in which candidates are read when there are more than the caps allow: names that
/// hint at a policy first (only the order depends on this list, never the verdict).
pub fn candidate_priority(path: &str) -> u8 {
    let lower = path.to_lowercase();
    const HINTS: [&str; 9] = [
        "privacy",
        "yinsi",
        "隐私",
        "policy",
        "agreement",
        "protocol",
        "xieyi",
        "协议",
        "license",
    ];
    if HINTS.iter().any(|h| lower.contains(h)) {
        0
    } else {
        1
    }
}

/// Policies and policy URLs found in an app's string resources. Filled one string at a time
/// while the resource table is read ([`StringFindings::add`]), so that the hundreds of
/// thousands of strings some apps carry never have to be held at once.
#[derive(Debug, Default)]
pub struct StringFindings {
    /// Policy texts and consent dialogs, in the order met (duplicates merged by [`discover`]).
    docs: Vec<PolicyDoc>,
    /// (source, url)
    urls: Vec<(String, String)>,
}

impl StringFindings {
    /// Classifies the strings of a list (the facts' string resources, when they were kept)
    /// whose configuration discovery reads ([`is_policy_locale`]).
    pub fn of_strings(strings: &[StringResource], analyzer: &Analyzer) -> StringFindings {
        let mut findings = StringFindings::default();
        for s in strings.iter().filter(|s| is_policy_locale(&s.locale)) {
            findings.add(&s.name, &s.locale, &s.value, analyzer);
        }
        findings
    }

    /// Classifies one string resource: `name` is its resource name, `locale` its
    /// configuration's qualifier (`default` for none).
    pub fn add(&mut self, name: &str, locale: &str, value: &str, analyzer: &Analyzer) {
        // Most strings are UI labels that name no policy: the source is written only for hits.
        let source = || {
            if locale == "default" {
                format!("string:{name}")
            } else {
                format!("string:{name} ({locale})")
            }
        };
        match classify_string(name, value, analyzer) {
            Some(StringClass::Text) => {
                self.docs
                    .push(PolicyDoc::string_text(&source(), value, analyzer));
            }
            Some(StringClass::Dialog) => {
                self.docs
                    .push(PolicyDoc::dialog(&source(), value, analyzer))
            }
            // A bare link whose resource name marks it as the policy (privacy_policy_url = "https://…").
            Some(StringClass::Url) => self.urls.push((source(), value.trim().to_owned())),
            Some(StringClass::Title) | None => {}
        }
        if value.contains("http") {
            for url in policy_urls(value, analyzer) {
                self.urls.push((source(), url));
            }
        }
    }
}

/// Finds the policies of one app: `files` are the candidate files read from the APK,
/// `strings` what its string resources hold, `facts.urls` gives the URLs in its code.
pub fn discover(
    facts: &AppFacts,
    files: &[(String, Vec<u8>)],
    strings: &StringFindings,
    analyzer: &Analyzer,
) -> Vec<PolicyDoc> {
    let mut docs: Vec<PolicyDoc> = Vec::new();
    let mut seen_text: BTreeSet<String> = BTreeSet::new();
    let mut urls: Vec<(String, String)> = Vec::new(); // (source, url)

    for (path, bytes) in files {
        let decoded = decode(bytes);
        if let Some(doc) = classify_document(path, &decoded, analyzer) {
            // The same text bundled twice (or as a file and a string) is one policy.
            if seen_text.insert(doc.text_sha256.clone().unwrap_or_default()) {
                docs.push(doc);
            }
        }
        for url in policy_urls(&decoded.text, analyzer) {
            urls.push((path.clone(), url));
        }
    }
    for doc in &strings.docs {
        if seen_text.insert(doc.text_sha256.clone().unwrap_or_default()) {
            docs.push(doc.clone());
        }
    }
    urls.extend(strings.urls.iter().cloned());

    for url in &facts.urls {
        for u in policy_urls(url, analyzer) {
            urls.push(("dex".to_owned(), u));
        }
    }

    let mut seen_url: BTreeSet<String> = BTreeSet::new();
    for (source, url) in urls {
        if docs.iter().filter(|d| d.url.is_some()).count() >= MAX_URL_DOCS {
            break;
        }
        if seen_url.insert(url.clone()) {
            docs.push(PolicyDoc::url(&source, &url));
        }
    }
    docs
}

/// Whether discovery reads the string resources of a configuration: the default language
/// (any configuration without a locale: `default`, `land`, `v21`, ...), Chinese (any region
/// or script: `zh-rCN`, `zh-rTW`, `b+zh+Hans`) and English. These are what a user in mainland
/// China is shown — Android falls back from `zh-rCN` to `zh` to the default — plus English,
/// the usual default of apps built abroad. The other languages' strings are translations of
/// the same texts (AndroidX alone brings ~80 locales to most apps; framework-res has 2,200
/// string configurations): reading them would multiply the work by ten and could only add
/// duplicates, or policies no user in China is shown.
pub fn is_policy_config(config: &piaudit_arsc::Config) -> bool {
    let language = config.language();
    let len = language
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(language.len());
    is_policy_language(language.get(..len).unwrap_or_default())
}

/// The languages discovery reads ([`is_policy_config`]); empty: no locale.
fn is_policy_language(language: &[u8]) -> bool {
    matches!(language, b"" | b"zh" | b"en" | b"zho" | b"chi" | b"eng")
}

/// [`is_policy_config`] for a configuration known by its qualifier string only (as in
/// `AppFacts.strings`: `default`, `zh-rCN`, `b+zh+Hans`, `mcc460-zh-rCN-land`): the locale
/// is the first part after any `mcc`/`mnc` parts, when it is a `b+` tag or a two- or
/// three-letter language (no other qualifier is two letters; `car`, the one three-letter
/// word, is a UI mode).
pub fn is_policy_locale(qualifier: &str) -> bool {
    let part = qualifier
        .split('-')
        .find(|p| !(p.starts_with("mcc") || p.starts_with("mnc")))
        .unwrap_or("");
    let language = match part.strip_prefix("b+") {
        Some(tag) => tag.split('+').next().unwrap_or(""),
        None if (2..=3).contains(&part.len())
            && part != "car"
            && part.bytes().all(|b| b.is_ascii_lowercase()) =>
        {
            part
        }
        None => "",
    };
    is_policy_language(language.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use piaudit_arsc::Config;

    fn config(language: &[u8; 2], country: &[u8; 2]) -> Config {
        Config {
            locale: u32::from_le_bytes([language[0], language[1], country[0], country[1]]),
            ..Config::default()
        }
    }

    #[test]
    fn policy_configurations_are_default_chinese_and_english() {
        let read = [
            Config::default(),
            config(b"zh", b"CN"),
            config(b"zh", b"TW"),
            config(b"en", b"\0\0"),
            Config {
                locale_script: *b"Hans",
                ..config(b"zh", b"\0\0")
            },
            Config {
                imsi: 460,
                version: 21,
                ..config(b"zh", b"CN")
            },
            // no locale: uiMode car; landscape v21
            Config {
                screen_config: 0x0300,
                ..Config::default()
            },
            Config {
                screen_type: 2,
                version: 21,
                ..Config::default()
            },
            Config {
                imsi: 460,
                ..Config::default()
            },
        ];
        let skipped = [
            config(b"fr", b"\0\0"),
            config(b"ja", b"JP"),
            Config {
                locale_script: *b"Latn",
                ..config(b"sr", b"\0\0")
            },
            Config {
                imsi: 310,
                screen_config: 0x0300,
                ..config(b"de", b"DE")
            },
            // "fil", packed as three 5-bit letters (f=5, i=8, l=11 from 'a')
            config(&[0xad, 0x05], b"PH"),
        ];
        for c in read {
            assert!(is_policy_config(&c), "{}", c.qualifier());
            assert!(is_policy_locale(&c.qualifier()), "{}", c.qualifier());
        }
        for c in skipped {
            assert!(!is_policy_config(&c), "{}", c.qualifier());
            assert!(!is_policy_locale(&c.qualifier()), "{}", c.qualifier());
        }
        assert!(is_policy_locale("default"));
    }
}
