//! `jsonl`: one line per app, written as each app finishes, so a killed batch keeps every
//! finished record; and the reading side of `--resume` (which records an output already holds,
//! and the repair of a line torn by a kill).
//!
//! Owns the line format (`run`, `input`, `app`, `findings`, `skipped`, `rule_errors`, `error`)
//! and its atomicity: a whole line is handed to one `write_all`, so concurrent appends and
//! kills never leave half a record followed by another. It must not decide what to scan.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{AppRecord, RunInfo};

/// One jsonl line: the app record with the run it belongs to.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Line<'a> {
    run: &'a RunInfo,
    #[serde(flatten)]
    record: &'a AppRecord,
}

/// Writes one record as one line, in a single `write_all` of the whole line, then flushes.
pub fn write_line(out: &mut dyn Write, run: &RunInfo, record: &AppRecord) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(&Line { run, record }).map_err(std::io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// Every record, one line each (the batch driver streams instead; this serves one-off reports).
pub fn write(
    out: &mut dyn Write,
    ctx: &super::ReportContext<'_>,
    records: &[AppRecord],
    _summary: &super::Summary,
) -> std::io::Result<()> {
    records.iter().try_for_each(|r| write_line(out, ctx.run, r))
}

/// What an existing jsonl output already holds.
#[derive(Debug, Clone, Default)]
pub struct ResumeState {
    /// Every input that has a record: (SHA-256, path as recorded). Keyed by both, so that a
    /// second path with the same bytes still gets its own record.
    pub done: HashSet<(String, String)>,
    /// Complete records found.
    pub records: usize,
    /// Bytes of a torn last line that were cut off.
    pub repaired_bytes: u64,
    /// Lines that are not records (left in place, ignored).
    pub unreadable_lines: usize,
    /// Records written under a different rule-set digest than `expected_digest`.
    pub other_rules: usize,
}

#[derive(Deserialize)]
struct SeenInput {
    #[serde(default)]
    sha256: String,
    #[serde(default)]
    path: String,
}

#[derive(Deserialize)]
struct SeenRun {
    #[serde(default)]
    rules_digest: String,
}

#[derive(Deserialize)]
struct SeenLine {
    input: SeenInput,
    run: Option<SeenRun>,
}

/// Prepares `path` for `--resume`: cuts a torn last line (a kill mid-write leaves bytes after
/// the last newline) and lists the inputs already recorded. A missing file is an empty output.
pub fn prepare_resume(path: &Path, expected_digest: &str) -> std::io::Result<ResumeState> {
    let mut state = ResumeState::default();
    let mut file = match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(state),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let complete = end_of_last_line(&mut file, len)?;
    if complete < len {
        file.set_len(complete)?;
        file.sync_all()?;
        state.repaired_bytes = len - complete;
    }
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(file.take(complete));
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<SeenLine>(&line) {
            Ok(seen) => {
                state.records += 1;
                if seen.run.is_some_and(|r| r.rules_digest != expected_digest) {
                    state.other_rules += 1;
                }
                if !seen.input.sha256.is_empty() {
                    state.done.insert((seen.input.sha256, seen.input.path));
                }
            }
            Err(_) => state.unreadable_lines += 1,
        }
    }
    Ok(state)
}

/// The offset just past the last `\n` of the file (0 when there is none).
fn end_of_last_line(file: &mut File, len: u64) -> std::io::Result<u64> {
    const CHUNK: u64 = 64 << 10;
    let mut end = len;
    let mut buf = vec![0u8; CHUNK as usize];
    while end > 0 {
        let start = end.saturating_sub(CHUNK);
        let n = usize::try_from(end - start).map_err(std::io::Error::other)?;
        let chunk = buf
            .get_mut(..n)
            .ok_or_else(|| std::io::Error::other("chunk size"))?;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_last_line_is_cut_and_complete_records_are_listed() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("out.jsonl");
        let good = r#"{"run":{"rules_digest":"d"},"input":{"path":"a","sha256":"aa","size":1},"error":null}"#;
        let other = r#"{"run":{"rules_digest":"e"},"input":{"path":"b","sha256":"bb","size":1},"error":null}"#;
        std::fs::write(&path, format!("{good}\n{other}\n{{\"run\":{{\"rules_dig"))?;
        let state = prepare_resume(&path, "d")?;
        assert_eq!(state.records, 2);
        assert_eq!(state.other_rules, 1);
        let key = |sha: &str, path: &str| (sha.to_owned(), path.to_owned());
        assert!(state.done.contains(&key("aa", "a")) && state.done.contains(&key("bb", "b")));
        assert!(!state.done.contains(&key("aa", "b")));
        assert_eq!(state.repaired_bytes, 18);
        assert_eq!(
            std::fs::read_to_string(&path)?,
            format!("{good}\n{other}\n")
        );
        // Idempotent, and a file without any newline is emptied.
        assert_eq!(prepare_resume(&path, "d")?.repaired_bytes, 0);
        std::fs::write(&path, "{\"torn")?;
        assert_eq!(prepare_resume(&path, "d")?.records, 0);
        assert_eq!(std::fs::metadata(&path)?.len(), 0);
        assert!(
            prepare_resume(&dir.path().join("missing"), "d")?
                .done
                .is_empty()
        );
        Ok(())
    }
}
