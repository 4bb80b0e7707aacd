//! The inflate floor: how long it takes merely to read the files given and inflate the entries
//! piaudit reads from each app (every `classes*.dex`, `AndroidManifest.xml`, `resources.arsc`
//! and the privacy-policy candidates under `assets/` and `res/raw/`), single-threaded, with
//! piaudit's own zip reader and inflate backend. `bench/run.sh` divides the scan time by it.
//!
//! Usage: `inflate_floor [--runs N] PATH...` (files or directories of apps). Prints one line
//! of `key=value` pairs: the median wall time over the runs, the input and inflated byte
//! counts, and the largest inflated DEX + ARSC of a single app (the peak-RSS yardstick).
//! It decodes nothing.
//!
//! Also `hash_median_s`: the median time to SHA-256 every input file once read (the digest
//! alone, with the same `sha2` crate piaudit uses), which a scan pays on top of the floor for
//! its evidence (every record names its input by SHA-256) and which no decoder can save.

#[path = "../benches/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;

use sha2::Digest;

fn main() {
    let mut runs = 5usize;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => {
                    eprintln!("inflate_floor: --runs needs a positive number");
                    std::process::exit(2);
                }
            }
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    let files: Vec<PathBuf> = paths
        .iter()
        .flat_map(|p| {
            if p.is_dir() {
                support::app_files(p)
            } else {
                vec![p.clone()]
            }
        })
        .collect();
    if files.is_empty() {
        eprintln!("usage: inflate_floor [--runs N] PATH...");
        std::process::exit(2);
    }

    let mut times = Vec::with_capacity(runs);
    let mut input_bytes = 0u64;
    let mut inflated_bytes = 0u64;
    let mut largest_dex_arsc = 0u64;
    for _ in 0..runs {
        input_bytes = 0;
        inflated_bytes = 0;
        largest_dex_arsc = 0;
        let start = Instant::now();
        for file in &files {
            // Reading the file is part of the floor: piaudit reads it too.
            let Ok(bytes) = std::fs::read(file) else {
                continue;
            };
            input_bytes += bytes.len() as u64;
            let entries = support::inflate_needed(&bytes);
            let mut dex_arsc = 0u64;
            for entry in &entries {
                let len = entry.bytes.len() as u64;
                inflated_bytes += len;
                if entry.name.ends_with(".dex") || entry.name == piaudit::apk::RESOURCE_TABLE {
                    dex_arsc += len;
                }
            }
            largest_dex_arsc = largest_dex_arsc.max(dex_arsc);
            std::hint::black_box(entries);
        }
        times.push(start.elapsed().as_secs_f64());
    }
    // The digest alone: reading the file is already in the floor.
    let mut hash_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut spent = 0.0;
        for file in &files {
            if let Ok(bytes) = std::fs::read(file) {
                let start = Instant::now();
                std::hint::black_box(sha2::Sha256::digest(&bytes));
                spent += start.elapsed().as_secs_f64();
            }
        }
        hash_times.push(spent);
    }
    let median = median_of(times);
    let hash_median = median_of(hash_times);
    println!(
        "apps={} runs={runs} median_s={median:.4} hash_median_s={hash_median:.4} input_bytes={input_bytes} inflated_bytes={inflated_bytes} largest_dex_arsc_bytes={largest_dex_arsc}",
        files.len()
    );
}

fn median_of(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(0.0)
}
