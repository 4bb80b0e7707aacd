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
    /// SHA-256 (hex) of the policy as stored: the file's bytes in the APK (what `sha256sum`
    /// prints for the copy in an evidence folder), the body bytes as received for a fetched
    /// URL, the UTF-8 bytes of the value for a string resource or dialog, the URL itself for
    /// an unfetched URL.
    pub sha256: String,
    /// Encoding the bytes were decoded from; `None` when there were no bytes (string
    /// resources, unfetched URLs).
    pub encoding: Option<String>,
    /// The input exceeded a size cap and only its beginning was read.
    pub truncated: bool,
    /// What the text discloses; `None` for an unfetched URL.
    pub disclosures: Option<Disclosures>,
    /// SHA-256 (hex) of the normalised text ([`crate::normalise`]) that spans point into:
    /// equal for the same text stored in different encodings or layouts. `None` without a text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_sha256: Option<String>,
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
            Stored {
                sha256: decoded.sha256.clone(),
                encoding: Some(decoded.encoding),
                truncated: decoded.truncated,
            },
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
            Stored::string(text),
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
            Stored::string(text),
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
            text_sha256: None,
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
            Stored {
                sha256: record.sha256.clone(),
                encoding: record.encoding.as_deref(),
                truncated: record.truncated,
            },
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
        stored: Stored<'_>,
        disclosures: Disclosures,
    ) -> PolicyDoc {
        let normalised = normalise(text);
        PolicyDoc {
            source: source.to_owned(),
            kind,
            url,
            lang: lang(&normalised),
            chars: disclosures.chars,
            sha256: stored.sha256,
            encoding: stored.encoding.map(str::to_owned),
            truncated: stored.truncated,
            disclosures: Some(disclosures),
            text_sha256: Some(sha256_hex(normalised.as_bytes())),
        }
    }
}

/// How a policy text was stored: the hash of its bytes, their encoding, whether it was cut.
struct Stored<'a> {
    sha256: String,
    encoding: Option<&'a str>,
    truncated: bool,
}

impl Stored<'_> {
    /// A string resource's value: its UTF-8 bytes, no encoding of its own.
    fn string(text: &str) -> Stored<'static> {
        Stored {
            sha256: sha256_hex(text.as_bytes()),
            encoding: None,
            truncated: false,
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
    if !may_be_policy_document(analyzer, &decoded.text) {
        return None;
    }
    classify_document_scanned(path_hint, decoded, analyzer)
}

/// A necessary condition for [`is_policy_content`], from [`Analyzer::prefilter`] alone: most
/// bundled text files (dictionaries, licences, data) are turned down without the full scan.
///
/// Conservative: every way to `true` in `is_policy_content` needs the scan to find a privacy
/// title (titled and agreement paths) or at least the core terms of one of the untitled paths
/// (`untitled_min_core_terms`, `named_min_core_terms`), and the prefilter never reports "no privacy title" or fewer core terms
/// than the scan would.
fn may_be_policy_document(analyzer: &Analyzer, text: &str) -> bool {
    let p = analyzer.prefilter(text);
    p.privacy_title || p.core_terms >= analyzer.classify.min_core_terms_untitled()
}

/// [`classify_document`] without the prefilter.
fn classify_document_scanned(
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
        Stored {
            sha256: decoded.sha256.clone(),
            encoding: Some(decoded.encoding),
            truncated: decoded.truncated,
        },
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
    // An untitled short notice in a file named as a privacy policy (privacy_policy.txt that
    // opens with "Collection of information").
    if name_privacy
        && pi >= c.named_min_pi_types
        && elements >= c.named_min_elements
        && s.core_terms >= c.named_min_core_terms
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
    classify_string_text(trimmed, analyzer, name_hint, true)
}

/// The non-URL part of [`classify_string`]; `gated` puts [`Analyzer::prefilter`] in front of
/// the full scan of long strings (off only to test that it changes nothing).
fn classify_string_text(
    trimmed: &str,
    analyzer: &Analyzer,
    name_hint: impl Fn() -> bool,
    gated: bool,
) -> Option<StringClass> {
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
    let short =
        text.len() < c.string_text_min_chars || text.chars().count() < c.string_text_min_chars;
    if gated && short {
        if !analyzer.may_name_title(text) {
            return None;
        }
        let quick = analyzer.quick_signals(text);
        if quick.first_privacy_title.is_none() && quick.first_agreement_title.is_none() {
            return None;
        }
    } else if gated {
        // Conservative: `Dialog` and `Title` need a title; `Text` needs `is_policy_content`,
        // hence a privacy title or `untitled_min_core_terms` core terms (the agreement path
        // needs a privacy title too). The prefilter never misses a title or undercounts.
        let p = analyzer.prefilter(text);
        if !p.privacy_title
            && !p.agreement_title
            && p.core_terms < analyzer.classify.min_core_terms_untitled()
        {
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

/// Whether the whole value (up to 3 trailing characters) is one URL of the tables.
///
/// The regexes are the URL regexes anchored at the start ([`Analyzer::url_regexes_at_start`]):
/// they find the same match as the plain ones whenever that starts at 0, and none otherwise,
/// so the test is unchanged while most strings fail at their first byte instead of being
/// searched through.
fn is_bare_url(value: &str, analyzer: &Analyzer) -> bool {
    !value.chars().any(char::is_whitespace)
        && analyzer.url_regexes_at_start().iter().any(|re| {
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
    use crate::decode::decode;
    use crate::tables::PolicyTables;

    fn tables() -> PolicyTables {
        PolicyTables::from_toml(&crate::tables::bundled_source()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn analyzer(tables: &PolicyTables) -> Analyzer {
        let sdks = vec![crate::SdkName {
            id: "amap".into(),
            names: vec!["高德".into(), "AMap".into()],
        }];
        Analyzer::new(tables, sdks).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The gates change nothing: gated and ungated classification agree, and the prefilter
    /// never reports less than the scan finds.
    fn check_gates(a: &Analyzer, path: &str, text: &str) -> bool {
        let decoded = decode(text.as_bytes());
        let doc = classify_document(path, &decoded, a);
        assert_eq!(
            doc,
            classify_document_scanned(path, &decoded, a),
            "{path}: {text:?}"
        );
        let (_, s) = a.scan(&decoded.text);
        let p = a.prefilter(&decoded.text);
        assert!(
            p.privacy_title || s.first_privacy_title.is_none(),
            "{text:?}"
        );
        assert!(
            p.agreement_title || s.first_agreement_title.is_none(),
            "{text:?}"
        );
        assert!(p.core_terms >= s.core_terms, "{text:?}");
        let trimmed = text.trim();
        if !trimmed.is_empty() && !is_bare_url(trimmed, a) {
            assert_eq!(
                classify_string_text(trimmed, a, || false, true),
                classify_string_text(trimmed, a, || false, false),
                "{text:?}"
            );
        }
        doc.is_some()
    }

    const ZH_BODY: &str = "更新日期：2024年1月1日\n本应用由示例网络科技有限公司运营。\n\
        为了向您推荐附近门店，我们会在您授权后收集您的位置信息；您可以在系统设置中随时关闭位置权限。\n\
        为保障账号安全，我们会收集设备标识（Android ID）。我们仅在实现目的所需的最短时间内保存您的个人信息。\n\
        您可以查阅、更正或删除您的个人信息。联系邮箱：a@example.com";
    const EN_BODY: &str = "Last updated: January 1, 2024. This app is operated by Example Ltd. \
        We collect your location and your device ID in order to provide nearby results and \
        to keep your account secure. We retain your personal information only as long as \
        needed. You may access, correct or delete your personal information and withdraw \
        your consent at any time. Contact: privacy@example.com. We do not share your data \
        with third parties except our partners listed below. Children under 14 must have \
        parental consent.";

    #[test]
    fn gated_documents_classify_as_before() {
        let t = tables();
        let a = analyzer(&t);
        let zh_untitled = ZH_BODY.replace("您的个人信息", "您的个人信息，个人数据与用户信息");
        let texts: Vec<(&str, String, bool)> = vec![
            ("assets/p.txt", format!("隐私政策\n{ZH_BODY}"), true),
            ("assets/p.txt", format!("《隐私\n政策》\n{ZH_BODY}"), true),
            ("assets/p.txt", format!("Privacy Policy\n{EN_BODY}"), true),
            (
                "assets/p.txt",
                format!("PRIVACY\u{200B} POLICY\n{EN_BODY}"),
                true,
            ),
            (
                "assets/p.txt",
                format!("ＰＲＩＶＡＣＹ　ＰＯＬＩＣＹ\n{EN_BODY}"),
                true,
            ),
            (
                "assets/p.html",
                format!("<html><body><h1>隐私<b>政策</b></h1><p>{ZH_BODY}</p></body></html>"),
                true,
            ),
            (
                "assets/user_agreement.txt",
                format!("用户协议\n第一条 总则。\n第五条 隐私政策\n{ZH_BODY}"),
                true,
            ),
            (
                "assets/terms.txt",
                format!("Terms of Service\n1. General.\n7. Privacy Notice\n{EN_BODY}"),
                true,
            ),
            ("assets/a.txt", zh_untitled, true),
            (
                "assets/a.txt",
                EN_BODY.replace("Contact:", "Your privacy and your data matter. Contact:"),
                true,
            ),
            (
                "assets/privacy.txt",
                format!("第一章 总则\n{ZH_BODY}\n附：隐私政策"),
                true,
            ),
            (
                "assets/dict.txt",
                "干杯 乾杯\n发现 發現\n".repeat(200),
                false,
            ),
            (
                "assets/readme.txt",
                EN_BODY.replace("personal information", "details"),
                false,
            ),
        ];
        for (path, text, policy) in &texts {
            let decoded = decode(text.as_bytes());
            assert_eq!(
                classify_document(path, &decoded, &a).is_some(),
                *policy,
                "{path}: {text:?}"
            );
            check_gates(&a, path, text);
        }
    }

    /// Texts built at random from the tables' own phrases (titles, core terms, PI synonyms,
    /// element phrases, dialog words), with the whitespace, invisible, full-width and case
    /// variants normalisation and folding hide: the gates never change a verdict.
    #[test]
    fn gates_agree_with_the_full_scan_on_generated_texts() {
        let t = tables();
        let a = analyzer(&t);
        let mut pool: Vec<String> = Vec::new();
        let lists = [
            &t.titles.privacy,
            &t.titles.agreement,
            &t.classify.core_terms,
            &t.dialog_words.words,
            &t.negation_cues.words,
        ];
        for list in lists {
            pool.extend(list.iter().map(|p| p.get_ref().clone()));
        }
        for def in t.pi_types.values() {
            pool.extend(def.synonyms.iter().map(|p| p.get_ref().clone()));
        }
        for def in t.elements.values() {
            pool.extend(def.phrases.iter().map(|p| p.get_ref().clone()));
        }
        pool.extend(
            [
                "，",
                "。",
                "\n",
                "\n\n",
                " ",
                "\u{3000}",
                "\u{200B}",
                "2024年1月1日",
                "a@b.cn",
                "<b>",
                "</b>",
                "我们",
                "the",
                "x",
                "4008108888",
                "https://a.cn/privacy",
            ]
            .map(str::to_owned),
        );
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n.max(1) as u64).unwrap_or(0)
        };
        let mut policies = 0;
        for round in 0..1500 {
            let pieces = 1 + next(if round % 3 == 0 { 12 } else { 120 });
            let mut text = String::new();
            for _ in 0..pieces {
                let phrase = pool.get(next(pool.len())).cloned().unwrap_or_default();
                let phrase = match next(6) {
                    0 => phrase.to_uppercase(),
                    1 => phrase
                        .chars()
                        .map(|c| match c {
                            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c),
                            ' ' => '\u{3000}',
                            _ => c,
                        })
                        .collect(),
                    2 => {
                        // A line break or a zero-width space inside the phrase.
                        let cut = next(phrase.chars().count() + 1);
                        let (head, tail): (String, String) = (
                            phrase.chars().take(cut).collect(),
                            phrase.chars().skip(cut).collect(),
                        );
                        let sep = if next(2) == 0 { "\n" } else { "\u{200B}" };
                        format!("{head}{sep}{tail}")
                    }
                    _ => phrase,
                };
                text.push_str(&phrase);
                if next(3) == 0 {
                    text.push(' ');
                }
            }
            let path = ["assets/a.txt", "assets/privacy.txt", "assets/terms.html"][next(3)];
            policies += usize::from(check_gates(&a, path, &text));
        }
        // The generator reaches both verdicts.
        assert!(policies > 0 && policies < 1500, "{policies}");
    }

    #[test]
    fn anchored_url_regexes_agree_with_the_plain_ones() {
        let a = analyzer(&tables());
        let plain = |v: &str| {
            !v.chars().any(char::is_whitespace)
                && a.url_regexes().iter().any(|re| {
                    re.find(v).is_some_and(|m| {
                        m.start() == 0 && trim_url(m.as_str()).len() + 3 >= v.len()
                    })
                })
        };
        for v in [
            "https://a.cn/privacy.html",
            "HTTP://A.CN/x).",
            "https://a.cn/x)...",
            "xhttps://a.cn",
            "see:https://a.cn",
            "https://",
            "http://a.cn/隐私。",
            "https://a.cn/p?q=1&r=2",
            "ftp://a.cn",
            "",
        ] {
            assert_eq!(is_bare_url(v, &a), plain(v), "{v:?}");
        }
    }

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
