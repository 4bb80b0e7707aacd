//! `--evidence-dir`: per app one folder a procuratorate attaches to a case file: the decoded
//! manifest, the policies found (each bundled policy file as it is in the APK, with its
//! decoded text; policy texts the facts carry), facts.json, the report (json and html) and a
//! `SHA256SUMS` over them that `sha256sum -c SHA256SUMS` verifies.
//!
//! The folder is named `<package>-<versionCode>-<sha256 prefix>` (hostile characters replaced).
//! An existing folder is never overwritten or added to: creating it is the check, so two runs
//! cannot both write one. `SHA256SUMS` is written last: a folder without it is incomplete.
//! Unreadable inputs get no folder (there is nothing to attach; their error record is in the
//! report).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{AppRecord, ReportContext, Summary, html, json};

/// Why an evidence folder was not written.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error(
        "evidence folder {0} already exists; piaudit never overwrites evidence: move it away or choose another --evidence-dir"
    )]
    Exists(PathBuf),
    #[error("evidence folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What the evidence keeps from the app itself, beyond its facts.
#[derive(Debug, Clone, Default)]
pub struct Originals {
    /// The decoded `AndroidManifest.xml`.
    pub manifest_xml: Option<String>,
    /// Bundled files that may hold a policy, with their bytes as in the APK.
    pub policy_files: Vec<(String, Vec<u8>)>,
}

/// Characters of a package name kept in a folder name.
const MAX_NAME: usize = 100;
/// Hex digits of the input's SHA-256 in a folder name.
const SHA_PREFIX: usize = 12;

/// `<package>-<versionCode>-<sha256 prefix>`, safe as one path component on any system.
pub fn folder_name(record: &AppRecord) -> String {
    let package: String = record
        .package()
        .unwrap_or("unknown")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(MAX_NAME)
        .collect();
    let package = package.trim_start_matches('.');
    let package = if package.is_empty() {
        "unknown"
    } else {
        package
    };
    let version = record
        .app
        .as_ref()
        .and_then(|a| a.version_code)
        .map_or("0".to_owned(), |v| v.to_string());
    let sha = record
        .input
        .sha256
        .get(..SHA_PREFIX)
        .unwrap_or(&record.input.sha256);
    format!("{package}-{version}-{sha}")
}

/// Writes the evidence folder of `record` under `root`; returns its path. `None` for an
/// unreadable input.
pub fn write_bundle(
    root: &Path,
    ctx: &ReportContext<'_>,
    record: &AppRecord,
    originals: &Originals,
) -> Result<Option<PathBuf>, EvidenceError> {
    let Some(app) = &record.app else {
        return Ok(None);
    };
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| EvidenceError::Io { path, source }
    };
    std::fs::create_dir_all(root).map_err(io(root))?;
    let folder = root.join(folder_name(record));
    if let Err(e) = std::fs::create_dir(&folder) {
        return Err(if e.kind() == std::io::ErrorKind::AlreadyExists {
            EvidenceError::Exists(folder)
        } else {
            EvidenceError::Io {
                path: folder,
                source: e,
            }
        });
    }
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some(xml) = &originals.manifest_xml {
        files.push(("AndroidManifest.xml".to_owned(), xml.as_bytes().to_vec()));
    }
    for (i, policy) in app.policies.iter().enumerate() {
        let source = policy.source.as_str();
        let stem = format!("policies/{:02}-{}", i + 1, safe_file_name(source));
        let bundled = (policy.kind == "text")
            .then(|| {
                originals
                    .policy_files
                    .iter()
                    .find(|(name, _)| name == source)
            })
            .flatten();
        if let Some((_, bytes)) = bundled {
            // The file as it is in the APK, and the text piaudit read from it when that differs
            // (HTML, another encoding): one copy of each text, each named once.
            files.push((stem.clone(), bytes.clone()));
            let text = piaudit_policy::decode(bytes).text.into_bytes();
            if text != *bytes {
                files.push((decoded_name(&stem), text));
            }
        }
    }
    let facts = serde_json::to_vec_pretty(app).map_err(|e| EvidenceError::Io {
        path: folder.join("facts.json"),
        source: std::io::Error::other(e),
    })?;
    files.push(("facts.json".to_owned(), facts));
    let mut summary = Summary::default();
    summary.add(record);
    let records = std::slice::from_ref(record);
    for (name, writer) in [
        ("report.json", json::write as super::DocumentWriter),
        ("report.html", html::write as super::DocumentWriter),
    ] {
        let mut bytes = Vec::new();
        writer(&mut bytes, ctx, records, &summary).map_err(io(&folder.join(name)))?;
        files.push((name.to_owned(), bytes));
    }
    let mut sums = String::new();
    for (name, bytes) in &files {
        let path = folder.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
        let _ = writeln!(sums, "{}  {name}", hex::encode(Sha256::digest(bytes)));
    }
    let sums_path = folder.join("SHA256SUMS");
    std::fs::write(&sums_path, sums).map_err(io(&sums_path))?;
    Ok(Some(folder))
}

/// A policy source (`assets/privacy.html`, `string:privacy`) as a file name.
/// The name of the decoded text of the file `stem`: `x.html` → `x.html.txt`; a `.txt` file
/// in another encoding → `x.utf-8.txt` (never `x.txt.txt`).
fn decoded_name(stem: &str) -> String {
    match stem.strip_suffix(".txt") {
        Some(base) => format!("{base}.utf-8.txt"),
        None => format!("{stem}.txt"),
    }
}

fn safe_file_name(source: &str) -> String {
    let name: String = source
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    name.trim_start_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{AppFacts, InputFile};

    #[test]
    fn hostile_package_names_make_safe_folder_names() {
        let record = AppRecord::judged(
            InputFile {
                path: "x.apk".into(),
                sha256: "0123456789abcdef".into(),
                size: 1,
            },
            AppFacts {
                package: Some("../../etc/<passwd>".into()),
                version_code: Some(7),
                ..AppFacts::default()
            },
            piaudit_rules::Evaluation::default(),
            &super::super::Baseline::default(),
        );
        assert_eq!(folder_name(&record), "_.._etc__passwd_-7-0123456789ab");
        assert_eq!(safe_file_name("../a b"), "_a_b");
        assert_eq!(decoded_name("policies/01-a.html"), "policies/01-a.html.txt");
        assert_eq!(decoded_name("policies/01-a.txt"), "policies/01-a.utf-8.txt");
    }
}
