//! Finding fingerprints and baselines: the one place a finding's identity across rescans is
//! computed (SARIF `partialFingerprints`, `--baseline`, `--write-baseline` all use it).
//!
//! A fingerprint is SHA-256 over the rule id, the app's package and the sorted, deduplicated
//! keys of the evidence items, so it survives a rescan, a renamed or moved file, a new scan
//! time and a reordering of evidence, and changes when the rule fires on different things.
//! Runs of digits in evidence text are folded (`3 call sites` and `4 call sites` are the same
//! key), so counts and version numbers inside evidence do not make an accepted finding new.
//! It must not depend on the input path, its hash or the scan time.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bumped if the fingerprint recipe ever changes (old baselines then match nothing).
pub const FINGERPRINT_VERSION: &str = "piaudit-fingerprint/1";

/// The key SARIF uses for our fingerprint in `partialFingerprints`.
pub const SARIF_FINGERPRINT_KEY: &str = "piauditFindingHash/v1";

/// The fingerprint of a finding of `rule_id` on `package` with `evidence`.
pub fn fingerprint(rule_id: &str, package: Option<&str>, evidence: &[serde_json::Value]) -> String {
    let mut keys: Vec<String> = evidence.iter().map(evidence_key).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut hasher = Sha256::new();
    let parts = [FINGERPRINT_VERSION, rule_id, package.unwrap_or("")];
    // Length-prefixed, so no two different part lists hash the same bytes.
    for part in parts.iter().copied().chain(keys.iter().map(String::as_str)) {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// What identifies one evidence item: an object's `key` when it has one, else its text with
/// digit runs folded to `#`.
fn evidence_key(item: &serde_json::Value) -> String {
    if let Some(serde_json::Value::String(key)) = item.get("key") {
        return key.clone();
    }
    let text = piaudit_rules::template::evidence_text(item);
    let mut key = String::with_capacity(text.len());
    let mut in_digits = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                key.push('#');
            }
            in_digits = true;
        } else {
            key.push(c);
            in_digits = false;
        }
    }
    key
}

/// One accepted finding in a baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    #[serde(default)]
    pub package: Option<String>,
}

/// A baseline file (`--write-baseline` writes it, `--baseline` reads it).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BaselineFile {
    baseline_version: u32,
    #[serde(default)]
    tool_version: String,
    #[serde(default)]
    created_at: String,
    findings: Vec<BaselineEntry>,
}

const BASELINE_VERSION: u32 = 1;
/// A baseline larger than this is refused (it is read whole).
const MAX_BASELINE_BYTES: u64 = 256 << 20;

/// Why a baseline could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("baseline {path}: not a piaudit baseline: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("baseline {path}: version {found} is not supported (expected {BASELINE_VERSION})")]
    Version { path: PathBuf, found: u32 },
    #[error("baseline {path}: larger than {MAX_BASELINE_BYTES} bytes")]
    TooLarge { path: PathBuf },
}

/// The fingerprints a baseline accepts.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    /// Reads a baseline file written by [`write_baseline`].
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let io = |source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_BASELINE_BYTES {
            return Err(BaselineError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        let text = std::fs::read(path).map_err(io)?;
        let file: BaselineFile =
            serde_json::from_slice(&text).map_err(|source| BaselineError::Parse {
                path: path.to_path_buf(),
                source,
            })?;
        if file.baseline_version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: path.to_path_buf(),
                found: file.baseline_version,
            });
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|e| e.fingerprint).collect(),
        })
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}

/// Writes a baseline accepting `entries` (sorted and deduplicated, so the file is stable).
pub fn write_baseline(
    path: &Path,
    entries: &mut Vec<BaselineEntry>,
    created_at: &str,
) -> std::io::Result<()> {
    entries.sort_by(|a, b| {
        (&a.package, &a.rule_id, &a.fingerprint).cmp(&(&b.package, &b.rule_id, &b.fingerprint))
    });
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let file = BaselineFile {
        baseline_version: BASELINE_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: created_at.to_owned(),
        findings: std::mem::take(entries),
    };
    let mut text = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
    text.push(b'\n');
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stable_under_order_counts_and_duplicates() {
        let a = fingerprint("R", Some("p"), &[json!("x (1 call sites)"), json!("y")]);
        let b = fingerprint(
            "R",
            Some("p"),
            &[json!("y"), json!("x (7 call sites)"), json!("y")],
        );
        assert_eq!(a, b);
    }

    #[test]
    fn differs_by_rule_package_and_evidence() {
        let base = fingerprint("R", Some("p"), &[json!("x")]);
        assert_ne!(base, fingerprint("S", Some("p"), &[json!("x")]));
        assert_ne!(base, fingerprint("R", Some("q"), &[json!("x")]));
        assert_ne!(base, fingerprint("R", Some("p"), &[json!("z")]));
        // No ambiguity between parts.
        assert_ne!(
            fingerprint("R", Some("ab"), &[]),
            fingerprint("R", Some("a"), &[json!("b")])
        );
    }

    #[test]
    fn object_keys_win() {
        let a = fingerprint("R", None, &[json!({"key": "k", "text": "one 1"})]);
        let b = fingerprint("R", None, &[json!({"key": "k", "text": "other"})]);
        assert_eq!(a, b);
    }

    #[test]
    fn baseline_round_trip() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("b.json");
        let mut entries = vec![BaselineEntry {
            fingerprint: "f".into(),
            rule_id: "R".into(),
            package: Some("p".into()),
        }];
        write_baseline(&path, &mut entries, "2026-01-01T00:00:00Z")?;
        let b = Baseline::load(&path)?;
        assert!(b.contains("f") && !b.contains("g"));
        std::fs::write(&path, "{}")?;
        assert!(matches!(
            Baseline::load(&path),
            Err(BaselineError::Parse { .. })
        ));
        Ok(())
    }
}
