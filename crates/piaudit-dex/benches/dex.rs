//! Criterion benchmarks: parse + class names, and the full call-site scan, over a real DEX when
//! one is present (`target/corpus/apks/androguard-org.andstatus.app_254.dex`, or the file named
//! by `PIAUDIT_BENCH_DEX`). Skips cleanly when none is found.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use piaudit_dex::Dex;

fn bench_dex_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PIAUDIT_BENCH_DEX") {
        return Some(PathBuf::from(path));
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/corpus/apks/androguard-org.andstatus.app_254.dex");
    path.exists().then_some(path)
}

fn benches(c: &mut Criterion) {
    let Some(path) = bench_dex_path() else {
        eprintln!("no benchmark DEX found; set PIAUDIT_BENCH_DEX to run the DEX benchmarks");
        return;
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("cannot read {}: {err}; skipping", path.display());
            return;
        }
    };
    c.bench_function("parse_and_class_names", |b| {
        b.iter(|| {
            let Ok(dex) = Dex::parse(black_box(&bytes)) else {
                return 0;
            };
            dex.class_defs()
                .filter_map(|class| dex.type_descriptor(class.class_idx).ok())
                .map(|name| name.len())
                .sum::<usize>()
        })
    });
    let Ok(dex) = Dex::parse(&bytes) else {
        eprintln!(
            "{} does not parse as DEX; skipping the scan benchmark",
            path.display()
        );
        return;
    };
    c.bench_function("methods_and_code_validation", |b| {
        b.iter(|| {
            let mut valid = 0u32;
            for method in black_box(&dex).methods() {
                if method.code_off != 0
                    && dex
                        .code_item(method.code_off)
                        .is_ok_and(|code| code.validate().is_ok())
                {
                    valid += 1;
                }
            }
            valid
        })
    });
    c.bench_function("call_site_scan", |b| {
        b.iter(|| {
            let mut sites = 0u64;
            let summary = black_box(&dex).visit_call_sites(|site| {
                sites += u64::from(site.opcode);
            });
            (sites, summary.methods_scanned)
        })
    });
    c.bench_function("call_sites_resolved_display", |b| {
        b.iter(|| {
            let mut total = 0usize;
            let mut name = String::new();
            dex.visit_call_sites(|site| {
                name.clear();
                if dex
                    .write_method_ref(site.callee_method_idx, &mut name)
                    .is_ok()
                {
                    total += name.len();
                }
            });
            total
        })
    });
}

criterion_group!(dex_benches, benches);
criterion_main!(dex_benches);
