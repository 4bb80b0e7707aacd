//! Discovery classification: is a decoded file, a string resource or a URL a privacy policy (or
//! a title, link or consent dialog pointing at one)?
//!
//! Owns the decision rules (thresholds come from `[classify]` and `[hints]` in the tables) and
//! the `PolicyDoc` record the pipeline keeps for each policy it finds. Pure functions of text:
//! the caller (the APK pipeline) decides where candidates come from. Must not judge whether a
//! policy is adequate — that is for the rules.

use serde::{Deserialize, Serialize};

use crate::analyze::{Analyzer, Disclosures, Signals};
use crate::decode::Decoded;
use crate::html;
use crate::lang::{Lang, lang};
use crate::text::{normalise, sha256_hex};

/// Longest URL returned by [`policy_urls`], in bytes.
const MAX_URL_BYTES: usize = 2048;
/// Most URLs returned by one [`policy_urls`] call.
const MAX_URLS: usize = 50;
/// Characters before a URL searched for a policy title ("隐私政策：https://...").
const URL_CONTEXT_CHARS: usize = 40;

/// What a [`PolicyDoc`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// Policy text bundled in the app (file or string resource).
    Text,
    /// A policy known by URL (fetched or not).
    Url,
    /// A consent dialog text that presents the policy.
    Dialog,
}

/// One privacy policy (or pointer to one) found for an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDoc {
    /// Where it was found (path in the APK, `string:NAME`, the URL, ...), as the caller says.
    pub source: String,
    /// What it is.
    pub kind: DocKind,
    /// The policy URL, for `url` documents.
    pub url: Option<String>,
    /// Language of the text (`unknown` when there is no text).
    pub lang: Lang,
    /// Characters of the normalised text.
    pub chars: usize,
    /// SHA-256 (hex) of the normalised text ([`crate::normalise`]); for an unfetched URL, of
    /// the URL itself.
    pub sha256: String,
    /// Encoding the bytes were decoded from; `None` when there were no bytes (string
    /// resources, unfetched URLs).
    pub encoding: Option<String>,
    /// The input exceeded a size cap and only its beginning was read.
    pub truncated: bool,
    /// What the text discloses; `None` for an unfetched URL.
    pub disclosures: Option<Disclosures>,
}

impl PolicyDoc {
    /// A policy text decoded from a file.
    pub fn text(source: &str, decoded: &Decoded, analyzer: &Analyzer) -> PolicyDoc {
        let disclosures = analyzer.analyze(&decoded.text);
        Self::from_parts(
            source,
            DocKind::Text,
            None,
            &decoded.text,
            Some(decoded.encoding),
            decoded.truncated,
            disclosures,
        )
    }

    /// A policy text held in a string resource (no bytes, no encoding).
    pub fn string_text(source: &str, text: &str, analyzer: &Analyzer) -> PolicyDoc {
        Self::from_parts(
            source,
            DocKind::Text,
            None,
            text,
            None,
            false,
            analyzer.analyze(text),
        )
    }

    /// A consent-dialog text.
    pub fn dialog(source: &str, text: &str, analyzer: &Analyzer) -> PolicyDoc {
        Self::from_parts(
            source,
            DocKind::Dialog,
            None,
            text,
            None,
            false,
            analyzer.analyze(text),
        )
    }

    /// A policy URL that has not been fetched.
    pub fn url(source: &str, url: &str) -> PolicyDoc {
        PolicyDoc {
            source: source.to_owned(),
            kind: DocKind::Url,
            url: Some(url.to_owned()),
            lang: Lang::Unknown,
            chars: 0,
            sha256: sha256_hex(normalise(url).as_bytes()),
            encoding: None,
            truncated: false,
            disclosures: None,
        }
    }

    /// A policy URL that was fetched; the text is analysed unless the fetch failed.
    #[cfg(feature = "online")]
    pub fn fetched(
        source: &str,
        record: &crate::fetch::FetchRecord,
        analyzer: &Analyzer,
    ) -> PolicyDoc {
        if record.error.is_some() {
            let mut doc = Self::url(source, &record.url);
            doc.truncated = record.truncated;
            return doc;
        }
        let disclosures = analyzer.analyze(&record.text);
        let mut doc = Self::from_parts(
            source,
            DocKind::Url,
            Some(record.url.clone()),
            &record.text,
            record.encoding.as_deref(),
            record.truncated,
            disclosures,
        );
        doc.url = Some(record.url.clone());
        doc
    }

    fn from_parts(
        source: &str,
        kind: DocKind,
        url: Option<String>,
        text: &str,
        encoding: Option<&str>,
        truncated: bool,
        disclosures: Disclosures,
    ) -> PolicyDoc {
        let normalised = normalise(text);
        PolicyDoc {
            source: source.to_owned(),
            kind,
            url,
            lang: lang(&normalised),
            chars: disclosures.chars,
            sha256: sha256_hex(normalised.as_bytes()),
            encoding: encoding.map(str::to_owned),
            truncated,
            disclosures: Some(disclosures),
        }
    }
}

/// What a string resource is, as far as policies go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StringClass {
    /// The string holds (a substantial part of) a policy text.
    Text,
    /// The string names a policy: a title or link label (《隐私政策》, "Privacy Policy").
    Title,
    /// The string is a policy URL.
    Url,
    /// The string is a consent dialog: policy title plus agree/decline wording.
    Dialog,
}

fn path_has_hint(path_lower: &str, hints: &[String]) -> bool {
    hints.iter().any(|h| path_lower.contains(&h.to_lowercase()))
}

/// Decides whether a decoded file is a privacy-policy text; if so, returns its record.
///
/// A document counts when (a) a privacy title opens it (within `head_chars`) — or the file name
/// hints at privacy and a privacy title occurs anywhere — and it mentions a PI type or has
/// enough elements; or (b) an agreement title opens it (or the name hints at an agreement) and
/// it also carries a privacy title in its body (a privacy section) with PI types and elements;
/// or (c) without any title, its content is strong (PI types, elements and core privacy terms
/// all above the `untitled_*` thresholds). License texts and help pages fail all three.
pub fn classify_document(
    path_hint: &str,
    decoded: &Decoded,
    analyzer: &Analyzer,
) -> Option<PolicyDoc> {
    let (disclosures, signals) = analyzer.scan(&decoded.text);
    let path_lower = path_hint.to_lowercase();
    let name_privacy = path_has_hint(&path_lower, &analyzer.hints.privacy_file_names);
    let name_agreement = path_has_hint(&path_lower, &analyzer.hints.agreement_file_names);
    if !is_policy_content(
        analyzer,
        &disclosures,
        &signals,
        name_privacy,
        name_agreement,
    ) {
        return None;
    }
    Some(PolicyDoc::from_parts(
        path_hint,
        DocKind::Text,
        None,
        &decoded.text,
        Some(decoded.encoding),
        decoded.truncated,
        disclosures,
    ))
}

fn is_policy_content(
    analyzer: &Analyzer,
    d: &Disclosures,
    s: &Signals,
    name_privacy: bool,
    name_agreement: bool,
) -> bool {
    let c = &analyzer.classify;
    if s.chars < c.min_policy_chars {
        return false;
    }
    let pi = d.pi_types.len();
    let elements = d.elements_present();
    let in_head = |pos: Option<usize>| pos.is_some_and(|p| p < c.head_chars);
    let privacy_titled =
        in_head(s.first_privacy_title) || (name_privacy && s.first_privacy_title.is_some());
    let agreement_titled = in_head(s.first_agreement_title) || name_agreement;
    if privacy_titled && (pi >= c.titled_min_pi_types || elements >= c.titled_min_elements) {
        return true;
    }
    if agreement_titled
        && s.first_privacy_title.is_some()
        && pi >= c.agreement_min_pi_types
        && elements >= c.agreement_min_elements
    {
        return true;
    }
    pi >= c.untitled_min_pi_types
        && elements >= c.untitled_min_elements
        && s.core_terms >= c.untitled_min_core_terms
}

/// Classifies one string resource (`name` is its resource name, used as a hint).
///
/// Markup in the value (`<a href>`, `<b>`) is rendered to text first. Order of tests: a bare
/// URL → `Url` when it is marked as a policy URL (by its own text or by the resource name);
/// title plus agree/decline wording, short enough and not itself a full policy → `Dialog`;
/// long and policy-like → `Text`; a short string with a title → `Title`; otherwise `None`.
pub fn classify_string(name: &str, value: &str, analyzer: &Analyzer) -> Option<StringClass> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return None;
    }
    // Computed only where it decides something: most strings never get that far.
    let name_hint = || path_has_hint(&name.to_lowercase(), &analyzer.hints.string_names);
    if is_bare_url(trimmed, analyzer) {
        let marked = !policy_urls(trimmed, analyzer).is_empty();
        return (marked || name_hint()).then_some(StringClass::Url);
    }
    let rendered;
    let text = if trimmed.contains('<') && trimmed.contains('>') {
        rendered = html::to_text(trimmed);
        rendered.as_str()
    } else {
        trimmed
    };
    let c = &analyzer.classify;
    // Fast path: a string too short to be a policy text is only a dialog or a title when it
    // names a policy; most of an app's strings are short UI labels that do not.
    // (Fewer bytes than the minimum means fewer characters: no need to count them.)
    if text.len() < c.string_text_min_chars || text.chars().count() < c.string_text_min_chars {
        if !analyzer.may_name_title(text) {
            return None;
        }
        let quick = analyzer.quick_signals(text);
        if quick.first_privacy_title.is_none() && quick.first_agreement_title.is_none() {
            return None;
        }
    }
    let (d, s) = analyzer.scan(text);
    let has_title = s.first_privacy_title.is_some() || s.first_agreement_title.is_some();
    let full_policy = d.elements_present() > c.dialog_max_elements;
    if has_title && s.dialog_words > 0 && s.chars <= c.dialog_max_chars && !full_policy {
        return Some(StringClass::Dialog);
    }
    if s.chars >= c.string_text_min_chars && is_policy_content(analyzer, &d, &s, name_hint(), false)
    {
        return Some(StringClass::Text);
    }
    if has_title && s.chars <= c.title_max_chars {
        return Some(StringClass::Title);
    }
    None
}

fn is_bare_url(value: &str, analyzer: &Analyzer) -> bool {
    !value.chars().any(char::is_whitespace)
        && analyzer.url_regexes().iter().any(|re| {
            re.find(value)
                .is_some_and(|m| m.start() == 0 && trim_url(m.as_str()).len() + 3 >= value.len())
        })
}

/// Trailing characters that end a sentence rather than a URL.
fn trim_url(url: &str) -> &str {
    url.trim_end_matches([
        '.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"', '*', '>', '。', '，',
    ])
}

/// http(s) URLs in `text` that point at a privacy policy or user agreement: the URL itself
/// (after percent-decoding, lower-cased) contains a `[hints] url` word, or a policy/agreement
/// title stands just before it (within 40 characters, after any previous URL). Trailing punctuation is trimmed; results are deduplicated in
/// order of appearance; URLs over 2 KiB are skipped; at most 50 are returned.
pub fn policy_urls(text: &str, analyzer: &Analyzer) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for re in analyzer.url_regexes() {
        let mut previous_end = 0;
        for found in re.find_iter(text) {
            let context_start = previous_end;
            previous_end = found.end();
            let url = trim_url(found.as_str());
            if url.len() > MAX_URL_BYTES || out.iter().any(|u| u == url) {
                continue;
            }
            let decoded = percent_decode(url).to_lowercase();
            let by_url = analyzer
                .hints
                .url
                .iter()
                .any(|h| decoded.contains(&h.to_lowercase()));
            let by_context = !by_url && {
                // Only the text since the previous URL: a title labels the next link only.
                let before = text.get(context_start..found.start()).unwrap_or_default();
                let context: String = {
                    let mut tail: Vec<char> =
                        before.chars().rev().take(URL_CONTEXT_CHARS).collect();
                    tail.reverse();
                    tail.into_iter().collect()
                };
                let (_, s) = analyzer.scan(&context);
                s.first_privacy_title.is_some() || s.first_agreement_title.is_some()
            };
            if by_url || by_context {
                out.push(url.to_owned());
                if out.len() >= MAX_URLS {
                    return out;
                }
            }
        }
    }
    out
}

/// Percent-decodes a URL for hint matching (invalid escapes are kept as they are).
fn percent_decode(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("https://a.cn/%E9%9A%90%E7%A7%81.html"),
            "https://a.cn/隐私.html"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn trailing_punctuation_is_trimmed() {
        assert_eq!(
            trim_url("https://a.cn/privacy.html)."),
            "https://a.cn/privacy.html"
        );
    }
}
