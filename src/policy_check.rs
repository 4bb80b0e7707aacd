//! `piaudit policy`: checks privacy policies given on their own — a file (HTML or text) or a
//! URL — the way a regulator reads the one on a website or one a store received by mail.
//!
//! Owns reading those inputs (files with the same size cap as bundled policies, URLs through
//! the policy fetcher), the report of what each one states (elements with their proving
//! sentences, PI types, SDKs named, what is missing) and, with `--app`, the comparison with
//! what an app can collect: the app's facts with the given policies in place of the ones it
//! carries, judged by the same policy rules as a scan. Must not analyse text itself (that is
//! `piaudit-policy`) nor hold rule logic (that is the rule files).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use piaudit_policy::{Analyzer, Disclosures, PolicyDoc};
use piaudit_rules::{Finding, Lang};

use crate::auditor::Auditor;

/// Writes `id (display name)` in the report's language.
type Labeller<'a> = dyn Fn(Option<(&str, &str)>, &str) -> String + 'a;

/// Rules whose verdict depends on the policy text (the ones `--app` reports).
const POLICY_RULE_PREFIXES: [&str; 3] = ["POLICY-", "SDK-UNDISCLOSED", "SENSITIVE-BIOMETRIC"];

/// One input of `piaudit policy` and what was read from it.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    /// The path or URL as given.
    pub input: String,
    /// The policy read (with its disclosures); `None` when the input could not be read.
    pub policy: Option<PolicyDoc>,
    /// For a URL: the fetch record (status, final URL, time, SHA-256 of the body), without
    /// the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetch: Option<piaudit_policy::FetchRecord>,
    /// Why the input could not be read or analysed.
    pub error: Option<String>,
}

/// What `--app` found: the app's policy findings judged against the given policies.
#[derive(Debug, Clone, Serialize)]
pub struct AppComparison {
    /// The app input as given.
    pub input: String,
    /// The package the app declares.
    pub package: Option<String>,
    /// Findings of the policy rules, most serious first.
    pub findings: Vec<Finding>,
}

/// The whole result of one `piaudit policy` run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// One entry per input, in order.
    pub policies: Vec<Checked>,
    /// With `--app`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<AppComparison>,
}

/// Whether an input names a URL rather than a file.
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Reads and analyses one file.
pub fn check_file(path: &Path, analyzer: &Analyzer) -> Checked {
    let input = path.display().to_string();
    let failed = |error: String| Checked {
        input: input.clone(),
        policy: None,
        fetch: None,
        error: Some(error),
    };
    let bytes = match read_capped(path) {
        Ok(bytes) => bytes,
        Err(e) => return failed(e.to_string()),
    };
    if bytes.starts_with(b"%PDF-") {
        return failed(
            "PDF is not supported: convert it to text first (e.g. `pdftotext FILE OUT.txt`)"
                .to_owned(),
        );
    }
    let decoded = piaudit_policy::decode(&bytes);
    Checked {
        policy: Some(PolicyDoc::text(&input, &decoded, analyzer)),
        input,
        fetch: None,
        error: None,
    }
}

/// Reads at most one byte over the decoder's cap (so that truncation is still reported)
/// without reading an arbitrarily large file into memory.
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let cap = piaudit_policy::DEFAULT_MAX_INPUT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(cap)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Fetches and analyses one URL.
pub fn check_url(url: &str, fetcher: &piaudit_policy::Fetcher, analyzer: &Analyzer) -> Checked {
    let mut record = fetcher.fetch(url);
    let policy = PolicyDoc::fetched(url, &record, analyzer);
    let error = record.error.clone();
    record.text = String::new();
    Checked {
        input: url.to_owned(),
        policy: error.is_none().then_some(policy),
        fetch: Some(record),
        error,
    }
}

/// Judges an app against the given policies: the app's facts with these policies in place of
/// the ones it carries, through the policy rules of the rule set in effect.
pub fn compare_with_app(
    auditor: &Auditor,
    apk: &Path,
    policies: &[Checked],
) -> anyhow::Result<AppComparison> {
    let mut extraction = auditor
        .facts(apk, None)
        .map_err(|e| anyhow::anyhow!("{}: {e}", apk.display()))?;
    let facts = &mut extraction.facts;
    facts.policies = policies
        .iter()
        .filter_map(|c| c.policy.as_ref())
        .map(PolicyDoc::to_record)
        .collect();
    let evaluation = auditor.rules().evaluate(facts);
    let findings = evaluation
        .findings
        .into_iter()
        .filter(|f| {
            POLICY_RULE_PREFIXES
                .iter()
                .any(|p| f.rule_id.starts_with(p))
        })
        .collect();
    Ok(AppComparison {
        input: apk.display().to_string(),
        package: facts.package.clone(),
        findings,
    })
}

/// Writes the report as text for a reader.
pub fn write_text(
    out: &mut dyn Write,
    report: &Report,
    analyzer: &Analyzer,
    lang: Lang,
) -> std::io::Result<()> {
    let zh = lang == Lang::Zh;
    let pick = move |label: Option<(&str, &str)>, id: &str| -> String {
        match label {
            Some((z, e)) => format!("{id} ({})", if zh { z } else { e }),
            None => id.to_owned(),
        }
    };
    for checked in &report.policies {
        writeln!(out, "== {}", checked.input)?;
        if let Some(error) = &checked.error {
            writeln!(
                out,
                "  {}: {error}",
                if zh { "无法读取" } else { "not read" }
            )?;
            continue;
        }
        let Some(doc) = &checked.policy else { continue };
        writeln!(
            out,
            "  {} {:?} · {} {} · {} {} · sha256 {}",
            if zh { "语言" } else { "language" },
            doc.lang,
            doc.chars,
            if zh { "字符" } else { "characters" },
            if zh { "编码" } else { "encoding" },
            doc.encoding.as_deref().unwrap_or("-"),
            doc.sha256
        )?;
        let Some(d) = &doc.disclosures else { continue };
        write_disclosures(out, d, analyzer, zh, &pick)?;
    }
    if let Some(app) = &report.app {
        writeln!(
            out,
            "== {} {} ({})",
            if zh {
                "与应用对比"
            } else {
                "compared with the app"
            },
            app.input,
            app.package.as_deref().unwrap_or("-")
        )?;
        if app.findings.is_empty() {
            writeln!(
                out,
                "  {}",
                if zh {
                    "政策相关规则均未触发。"
                } else {
                    "No policy rule fires."
                }
            )?;
        }
        for f in &app.findings {
            writeln!(
                out,
                "  [{}] {} {}",
                f.severity.as_str(),
                f.rule_id,
                f.message.get(lang)
            )?;
        }
    }
    Ok(())
}

fn write_disclosures(
    out: &mut dyn Write,
    d: &Disclosures,
    analyzer: &Analyzer,
    zh: bool,
    pick: &Labeller<'_>,
) -> std::io::Result<()> {
    writeln!(
        out,
        "  {} {}/{}",
        if zh { "告知事项" } else { "elements" },
        d.elements_present(),
        d.elements.len()
    )?;
    for (id, fact) in &d.elements {
        let name = pick(analyzer.element_label(id), id);
        match fact.evidence.first().filter(|_| fact.present) {
            Some(span) => writeln!(
                out,
                "    ✓ {name} [{}..{}] «{}»",
                span.start, span.end, span.excerpt
            )?,
            None => writeln!(
                out,
                "    ✗ {name}: {}",
                if zh { "未找到" } else { "not found" }
            )?,
        }
    }
    let (named, negated): (Vec<_>, Vec<_>) = d.pi_types.iter().partition(|p| !p.negated_only);
    let list = |items: &[&piaudit_policy::Disclosed]| -> String {
        items
            .iter()
            .map(|p| pick(analyzer.pi_type_label(&p.id), &p.id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "  {} ({}): {}",
        if zh {
            "提及的个人信息类型"
        } else {
            "PI types named"
        },
        named.len(),
        list(&named)
    )?;
    if !negated.is_empty() {
        writeln!(
            out,
            "  {}: {}",
            if zh {
                "仅声明不收集"
            } else {
                "named only as not collected"
            },
            list(&negated)
        )?;
    }
    let sdks: Vec<&str> = d.named_sdks.iter().map(|s| s.id.as_str()).collect();
    writeln!(
        out,
        "  {} ({}): {}",
        if zh { "提及的SDK" } else { "SDKs named" },
        sdks.len(),
        sdks.join(", ")
    )?;
    if !d.contacts.emails.is_empty() || !d.contacts.phones.is_empty() {
        let all: Vec<&str> = d
            .contacts
            .emails
            .iter()
            .chain(&d.contacts.phones)
            .map(String::as_str)
            .collect();
        writeln!(
            out,
            "  {}: {}",
            if zh { "联系方式" } else { "contacts" },
            all.join(", ")
        )?;
    }
    writeln!(
        out,
        "  {}: {}",
        if zh { "缺少" } else { "missing" },
        if d.missing_elements.is_empty() {
            "-".to_owned()
        } else {
            d.missing_elements.join(", ")
        }
    )?;
    Ok(())
}
