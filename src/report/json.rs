//! `json`: the whole run as one JSON document (run info, summary, one entry per app).

use std::io::Write;

use serde::Serialize;

use super::{AppRecord, ReportContext, RunInfo, Summary};

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    run: &'a RunInfo,
    summary: &'a Summary,
    apps: &'a [AppRecord],
}

pub fn write(
    out: &mut dyn Write,
    ctx: &ReportContext<'_>,
    records: &[AppRecord],
    summary: &Summary,
) -> std::io::Result<()> {
    let document = Document {
        run: ctx.run,
        summary,
        apps: records,
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
