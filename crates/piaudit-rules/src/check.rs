//! `rules check DIR`: every problem in a directory of rule files, each at its file and line.
//!
//! Owns the [`Diagnostic`] type and the directory walk (sorted `*.toml` files, duplicates across
//! files). Parsing and per-rule validation live in the rule module; this must not evaluate rules.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::rule::{Rule, parse_file};
use crate::tables::Tables;

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based; 0 when the problem has no line (an unreadable file).
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Rule files larger than this are refused (a rule file is a few kilobytes).
const MAX_RULE_FILE: u64 = 4 * 1024 * 1024;

/// The `*.toml` files directly in `dir`, sorted, with their text; unreadable ones as diagnostics.
pub(crate) fn read_rule_files(dir: &Path) -> (Vec<(String, String)>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let unreadable = |path: &Path, message: String| Diagnostic {
        file: path.display().to_string(),
        line: 0,
        message,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return (
                Vec::new(),
                vec![unreadable(dir, format!("cannot read directory: {e}"))],
            );
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if size > MAX_RULE_FILE {
            diagnostics.push(unreadable(&path, format!("file too large ({size} bytes)")));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((path.display().to_string(), text)),
            Err(e) => diagnostics.push(unreadable(&path, format!("cannot read: {e}"))),
        }
    }
    (files, diagnostics)
}

/// Parses rule files, reporting every problem including ids defined twice.
pub(crate) fn parse_files(
    files: &[(String, String)],
    tables: &Tables,
) -> (Vec<Rule>, Vec<Diagnostic>) {
    let mut rules: Vec<Rule> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    for (file, text) in files {
        let (parsed, problems) = parse_file(file, text, tables);
        diagnostics.extend(problems);
        for rule in parsed {
            if let Some((first_file, first_line)) = seen.get(&rule.id) {
                diagnostics.push(Diagnostic {
                    file: rule.file.clone(),
                    line: rule.line,
                    message: format!(
                        "duplicate rule id {} (first defined at {first_file}:{first_line})",
                        rule.id
                    ),
                });
                continue;
            }
            seen.insert(rule.id.clone(), (rule.file.clone(), rule.line));
            rules.push(rule);
        }
    }
    (rules, diagnostics)
}

/// Every problem in the rule files of `dir`, judged against `tables`.
pub fn check_dir_with(dir: &Path, tables: &Tables) -> Vec<Diagnostic> {
    let (files, mut diagnostics) = read_rule_files(dir);
    if files.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic {
            file: dir.display().to_string(),
            line: 0,
            message: "no *.toml rule files".to_owned(),
        });
    }
    diagnostics.extend(parse_files(&files, tables).1);
    diagnostics
}
