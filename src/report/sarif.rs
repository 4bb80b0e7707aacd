//! `sarif`: SARIF 2.1.0 for code-scanning UIs (GitHub, GitLab, Azure DevOps) and SARIF tools.
//!
//! One run: every rule in effect as a `reportingDescriptor` (id, name, descriptions, help with
//! the fix, properties with criteria, severity and tags), one result per finding (level from
//! the severity, the APK as the artifact, logical locations from the evidence, the shared
//! fingerprint in `partialFingerprints`, `baselineState` when a baseline was given), the
//! invocation (with unreadable inputs as notifications), every input as an artifact with its
//! SHA-256, and the rule-set digest in the run's properties.
//!
//! Artifact URIs are relative, never absolute `file:` URIs of the scanning machine: to the
//! working directory (`uriBaseId` `SRCROOT`, which code-scanning services resolve against the
//! checkout) when the input lies under it, else to the input's directory, which gets its own
//! `originalUriBaseIds` entry (`INPUTDIR_` and a hash of the directory: the same directory
//! always gets the same id) described but not located.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use piaudit_rules::{Rule, Severity};
use serde_json::{Value, json};

use super::fingerprint::SARIF_FINGERPRINT_KEY;
use super::{AppRecord, ReportContext, Summary, tr, view};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const ROOT_ID: &str = "SRCROOT";

/// SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a CVSS-like score) of a severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

pub fn write(
    out: &mut dyn Write,
    ctx: &ReportContext<'_>,
    records: &[AppRecord],
    summary: &Summary,
) -> std::io::Result<()> {
    let root = &ctx.invocation.working_dir;
    let rules: Vec<&Rule> = ctx.rules.rules().iter().collect();
    let descriptors: Vec<Value> = rules.iter().map(|r| descriptor(ctx, r)).collect();
    let mut artifacts = Vec::with_capacity(records.len());
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    let baseline_given = records
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.baselined)
        || ctx
            .invocation
            .arguments
            .iter()
            .any(|a| a == "--baseline" || a.starts_with("--baseline="));
    for (index, record) in records.iter().enumerate() {
        let artifact_location = artifact_location(root, &record.input.path, Some(index));
        let mut artifact = json!({
            "location": artifact_location_without_index(&artifact_location),
            "length": record.input.size,
            "roles": ["analysisTarget"],
        });
        if !record.input.sha256.is_empty() {
            artifact["hashes"] = json!({ "sha-256": record.input.sha256 });
        }
        artifacts.push(artifact);
        if let Some(error) = &record.error {
            notifications.push(json!({
                "level": "error",
                "message": { "text": sentence(&format!("{}: {error}", record.input.path)) },
                "locations": [{ "physicalLocation": whole_artifact(&artifact_location, record.input.size) }],
            }));
            continue;
        }
        if let Some(note) = record
            .app
            .as_ref()
            .and_then(|app| view::manifest_note(app, ctx.lang))
        {
            notifications.push(json!({
                "level": "warning",
                "message": { "text": sentence(&format!("{}: AndroidManifest.xml {note}", record.input.path)) },
                "locations": [{ "physicalLocation": whole_artifact(&artifact_location, record.input.size) }],
            }));
        }
        for rf in &record.findings {
            let f = &rf.finding;
            let mut location = json!({ "physicalLocation": whole_artifact(&artifact_location, record.input.size) });
            let logical: Vec<Value> = view::logical_locations(record.app.as_ref(), &f.evidence)
                .into_iter()
                .map(|l| json!({ "name": l.name, "fullyQualifiedName": l.fully_qualified, "kind": l.kind }))
                .collect();
            if !logical.is_empty() {
                location["logicalLocations"] = Value::Array(logical);
            }
            let mut result = json!({
                "ruleId": f.rule_id,
                "level": level(f.severity),
                "message": { "text": sentence(f.message.get(ctx.lang)) },
                "locations": [location],
                "partialFingerprints": { SARIF_FINGERPRINT_KEY: rf.fingerprint },
                "properties": {
                    "package": record.package(),
                    "severity": f.severity.as_str(),
                    "criteria": f.criteria,
                    "violated": f.violated,
                    "related": f.related,
                    "basis": view::basis(ctx.rules, f, ctx.lang)
                        .groups(ctx.lang)
                        .into_iter()
                        .map(|(kind, heading, items)| json!({
                            "kind": kind,
                            "heading": heading,
                            "items": items.iter().map(|i| i.line(ctx.lang)).collect::<Vec<_>>(),
                        }))
                        .collect::<Vec<_>>(),
                    "caveats": f.caveats,
                    "evidence": f.evidence,
                    "evidence_count": f.evidence_count,
                    "baselined": rf.baselined,
                },
            });
            if let Some(i) = rules.iter().position(|r| r.id == f.rule_id) {
                result["ruleIndex"] = json!(i);
            }
            if baseline_given {
                result["baselineState"] = json!(if rf.baselined { "unchanged" } else { "new" });
            }
            results.push(result);
        }
    }
    let arguments = &ctx.invocation.arguments;
    let mut invocation = json!({
        "executionSuccessful": summary.errors == 0,
        "commandLine": arguments.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" "),
        "arguments": arguments.get(1..).unwrap_or_default(),
        "toolExecutionNotifications": notifications,
    });
    for (key, time) in [
        ("startTimeUtc", &ctx.invocation.started_at),
        ("endTimeUtc", &ctx.invocation.ended_at),
    ] {
        if !time.is_empty() {
            invocation[key] = json!(time);
        }
    }
    let version = ctx.run.tool_version;
    let mut document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "piaudit",
                "fullName": format!("piaudit {version}"),
                "version": version,
                "semanticVersion": version,
                "rules": descriptors,
            }},
            "invocations": [invocation],
            "originalUriBaseIds": base_ids(root, records),
            "artifacts": artifacts,
            "results": results,
            "properties": {
                "schema_version": ctx.run.schema_version,
                "rules_digest": ctx.run.rules_digest,
                "scanned_at": ctx.run.scanned_at,
                "summary": summary,
            },
        }],
    });
    if let Some(uri) = information_uri() {
        document["runs"][0]["tool"]["driver"]["informationUri"] = json!(uri);
    }
    serde_json::to_writer_pretty(&mut *out, &document).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// Where users learn about the tool: the package's repository or homepage, when it declares
/// one (SARIF wants an absolute URI; none is invented).
fn information_uri() -> Option<&'static str> {
    [
        option_env!("CARGO_PKG_REPOSITORY"),
        option_env!("CARGO_PKG_HOMEPAGE"),
    ]
    .into_iter()
    .flatten()
    .find(|u| u.starts_with("https://") || u.starts_with("http://"))
}

/// A physical location covering the whole artifact (an APK is binary: a byte region).
fn whole_artifact(artifact_location: &Value, size: u64) -> Value {
    json!({
        "artifactLocation": artifact_location,
        "region": { "byteOffset": 0, "byteLength": size },
    })
}

fn descriptor(ctx: &ReportContext<'_>, rule: &Rule) -> Value {
    let lang = ctx.lang;
    let rule_basis = view::rule_basis(ctx.rules, rule, lang);
    let basis: Vec<String> = rule_basis
        .violated
        .iter()
        .map(|item| {
            format!(
                "{}{}",
                tr(
                    lang,
                    "（条件成立时认定违反）",
                    "(violated when its condition holds) "
                ),
                item.line(lang)
            )
        })
        .chain(
            rule_basis
                .related
                .iter()
                .map(|item| format!("{}{}", tr(lang, "（相关）", "(related) "), item.line(lang))),
        )
        .collect();
    let help_text = format!(
        "{}: {}\n\n{}: {}\n\n{}:\n{}",
        tr(lang, "整改建议", "How to fix"),
        rule.fix.get(lang),
        tr(lang, "理由", "Why"),
        rule.why.get(lang),
        tr(lang, "依据", "Legal basis"),
        basis
            .iter()
            .map(|b| format!("- {b}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let help_markdown = format!(
        "**{}**: {}\n\n**{}**: {}\n\n**{}**:\n\n{}",
        tr(lang, "整改建议", "How to fix"),
        super::md::escape(rule.fix.get(lang)),
        tr(lang, "理由", "Why"),
        super::md::escape(rule.why.get(lang)),
        tr(lang, "依据", "Legal basis"),
        basis
            .iter()
            .map(|b| format!("- {}", super::md::escape(b)))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let mut tags = vec!["privacy".to_owned(), "security".to_owned()];
    tags.extend(rule.all_criteria().map(str::to_owned));
    json!({
        "id": rule.id,
        "name": pascal_case(&rule.id),
        "shortDescription": { "text": sentence(rule.title.get(lang)) },
        "fullDescription": { "text": sentence(rule.why.get(lang)) },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "criteria": rule.all_criteria().collect::<Vec<_>>(),
            "severity": rule.severity.as_str(),
            "security-severity": security_severity(rule.severity),
            "tags": tags,
            "title": { "zh": rule.title.zh, "en": rule.title.en },
        },
    })
}

/// `POLICY-MISSING` → `PolicyMissing`.
fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lower = p.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars.next().map_or(String::new(), |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// A message as a sentence: ends with a full stop (SARIF's guidance for plain-text messages).
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '。', '!', '?', '！', '？']) {
        t.to_owned()
    } else if lang_is_zh(t) {
        format!("{t}。")
    } else {
        format!("{t}.")
    }
}

fn lang_is_zh(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn artifact_location(root: &Path, path: &str, index: Option<usize>) -> Value {
    let mut location = match relative_to(root, Path::new(path)) {
        Some(rel) => json!({ "uri": encode_path(&rel, false), "uriBaseId": ROOT_ID }),
        None => {
            let (dir, name) = outside(root, path);
            json!({ "uri": encode_path(Path::new(&name), false), "uriBaseId": outside_id(&dir) })
        }
    };
    if let Some(i) = index {
        location["index"] = json!(i);
    }
    location
}

fn artifact_location_without_index(location: &Value) -> Value {
    let mut l = location.clone();
    if let Some(map) = l.as_object_mut() {
        map.remove("index");
    }
    l
}

/// An input outside `root`: its directory (absolute, normalised) and file name.
fn outside(root: &Path, path: &str) -> (PathBuf, String) {
    let abs = normalize(&root.join(path));
    let name = abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (
        abs.parent().map(Path::to_path_buf).unwrap_or_default(),
        name,
    )
}

/// The base id of a directory of inputs outside the working directory.
fn outside_id(dir: &Path) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(dir.to_string_lossy().as_bytes());
    format!(
        "INPUTDIR_{}",
        hex::encode(digest.get(..6).unwrap_or_default()).to_uppercase()
    )
}

/// `originalUriBaseIds`: `SRCROOT` and every directory of inputs outside it, described only
/// (their locations on the scanning machine are not recorded).
fn base_ids(root: &Path, records: &[AppRecord]) -> Value {
    let mut ids = serde_json::Map::new();
    ids.insert(
        ROOT_ID.to_owned(),
        json!({ "description": { "text": "The working directory piaudit ran in (the checkout)." } }),
    );
    for record in records {
        if relative_to(root, Path::new(&record.input.path)).is_none() {
            let (dir, _) = outside(root, &record.input.path);
            ids.entry(outside_id(&dir)).or_insert_with(|| {
                json!({ "description": { "text": "A directory of inputs outside the working directory (its path on the scanning machine is not recorded)." } })
            });
        }
    }
    Value::Object(ids)
}

/// `path` relative to `root`, when it lies under it (lexically, after making both absolute).
fn relative_to(root: &Path, path: &Path) -> Option<PathBuf> {
    let abs = normalize(&root.join(path));
    let root = normalize(root);
    let rel = abs.strip_prefix(&root).ok()?;
    (!rel.as_os_str().is_empty()).then(|| rel.to_path_buf())
}

/// Removes `.` and resolves `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Percent-encodes a path for a URI (RFC 3986 unreserved characters and `/` kept).
fn encode_path(path: &Path, absolute: bool) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    if absolute && !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn shell_quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b))
    {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_under_the_root_and_encoded() {
        let root = Path::new("/work/repo");
        assert_eq!(
            artifact_location(root, "apps/my app.apk", None),
            json!({"uri": "apps/my%20app.apk", "uriBaseId": "SRCROOT"})
        );
        assert_eq!(
            artifact_location(root, "/work/repo/./a/../b.apk", None),
            json!({"uri": "b.apk", "uriBaseId": "SRCROOT"})
        );
        let outside = artifact_location(root, "/srv/应用.apk", None);
        assert_eq!(outside["uri"], "%E5%BA%94%E7%94%A8.apk");
        let id = outside["uriBaseId"].as_str().unwrap_or_default();
        assert!(id.starts_with("INPUTDIR_"), "{outside}");
        // The same directory, however written, has the same id; another has another.
        assert_eq!(
            artifact_location(root, "../../srv/b.apk", None)["uriBaseId"],
            outside["uriBaseId"]
        );
        assert_ne!(
            artifact_location(root, "/tmp/b.apk", None)["uriBaseId"],
            outside["uriBaseId"]
        );
    }

    #[test]
    fn names_and_levels() {
        assert_eq!(pascal_case("POLICY-MISSING"), "PolicyMissing");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(sentence("no policy"), "no policy.");
        assert_eq!(sentence("未发现隐私政策"), "未发现隐私政策。");
    }
}
