//! The whole decode path: arbitrary bytes as an APK (or DEX, or bundle) → AppFacts, with
//! limits small enough that the fuzzer explores rather than inflates.
#![no_main]

use libfuzzer_sys::fuzz_target;
use piaudit::analyze::{Context, Options, analyze_bytes};
use piaudit::apk::Limits;

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        limits: Limits {
            max_entry: 16 << 20,
            max_total: 64 << 20,
            ..Limits::default()
        },
        ..Options::default()
    };
    let ctx = Context::default();
    if let Ok(x) = analyze_bytes("fuzz.apk", data.to_vec(), &ctx, &opts) {
        let _ = serde_json::to_string(&x.facts);
    }
});
