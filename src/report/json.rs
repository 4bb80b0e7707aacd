//! `json` (one document for the whole run) and `jsonl` (one line per app, written as each app
//! finishes, so a killed batch keeps every finished record).

use std::io::Write;

use serde::Serialize;

use super::{AppRecord, RunInfo};

/// One jsonl line: the app record with the run it belongs to.
#[derive(Serialize)]
struct Line<'a> {
    run: &'a RunInfo,
    #[serde(flatten)]
    record: &'a AppRecord,
}

/// Writes one record as one line, in a single `write_all` of the whole line, so concurrent
/// appends and kills never leave half a record followed by another.
pub fn write_line(out: &mut dyn Write, run: &RunInfo, record: &AppRecord) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(&Line { run, record }).map_err(std::io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// The whole run as one JSON document.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    run: &'a RunInfo,
    apps: &'a [AppRecord],
}

pub fn write_document(out: &mut dyn Write, run: &RunInfo, records: &[AppRecord]) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document { run, apps: records }).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
