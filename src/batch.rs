//! The batch driver: turns command-line paths into the list of apps to scan, and scans them in
//! parallel (one app per task) handing each result to the caller as soon as it is ready.
//!
//! Owns input discovery (walking directories for `*.apk`, `*.apks`, `*.xapk`, `*.apkm`; a
//! directory with a `base.apk` is one app of splits) and the worker pool. It must not format
//! output (the reporters do) nor decide exit codes (the CLI does).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use crate::auditor::Auditor;
use crate::report::AppRecord;

/// File extensions scanned when walking directories.
pub const APP_EXTENSIONS: [&str; 4] = ["apk", "apks", "xapk", "apkm"];

/// Expands paths into inputs: files as given; directories walked (sorted, depth-first),
/// except a directory holding `base.apk`, which is one app made of splits.
pub fn discover(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out, 0);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 64 {
        return;
    }
    if dir.join("base.apk").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf()); // reported as unreadable
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for e in entries {
        // Symlinked directories are not followed (no cycles); symlinked files are scanned.
        let is_link = e.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
        if e.is_dir() && !is_link {
            walk(&e, out, depth + 1);
        } else if e.is_file()
            && e.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| APP_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(x)))
        {
            out.push(e);
        }
    }
}

/// SHA-256 of a file, streamed.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Scans one input into its record. Never fails: an unreadable input is an error record.
pub fn scan_one(auditor: &Auditor, path: &Path, category: Option<&str>) -> AppRecord {
    let shown = path.display().to_string();
    // A panic in a decoder is a bug, but it must cost one record, not the batch.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| auditor.audit(path, category)));
    match result {
        Ok(Ok(audit)) => {
            let facts = audit.extraction.facts;
            AppRecord {
                input: facts.input.clone(),
                app: Some(facts),
                findings: audit.evaluation.findings,
                skipped: audit.evaluation.skipped,
                rule_errors: audit.evaluation.errors,
                error: None,
            }
        }
        Ok(Err(e)) => AppRecord::failed(&shown, e.to_string()),
        Err(_) => AppRecord::failed(&shown, "internal error while decoding (please report this input)".to_owned()),
    }
}

/// Scans `inputs` on `jobs` threads, calling `on_record` on the calling thread for each record
/// as it finishes (in completion order). `category_of` gives each input's app type.
pub fn run(
    auditor: &Auditor,
    inputs: &[PathBuf],
    jobs: usize,
    category_of: &(dyn Fn(&Path) -> Option<String> + Sync),
    mut on_record: impl FnMut(usize, AppRecord),
) -> Result<(), rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build()?;
    let (tx, rx) = mpsc::sync_channel::<(usize, AppRecord)>(jobs.max(1) * 2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            pool.install(|| {
                use rayon::prelude::*;
                inputs.par_iter().enumerate().for_each_with(tx, |tx, (i, path)| {
                    let category = category_of(path);
                    let record = scan_one(auditor, path, category.as_deref());
                    let _ = tx.send((i, record));
                });
            });
        });
        for (i, record) in rx {
            on_record(i, record);
        }
    });
    Ok(())
}
