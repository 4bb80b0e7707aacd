//! The whole product path: arbitrary bytes → AppFacts → SDK detection, API attribution, policy
//! discovery (hostile asset texts and string resources) → every rule. One auditor is built and
//! reused, as in a batch.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use piaudit::analyze::Options;
use piaudit::apk::Limits;
use piaudit::auditor::{Auditor, Config};

static AUDITOR: LazyLock<Auditor> = LazyLock::new(|| {
    let config = Config {
        options: Options {
            limits: Limits {
                max_entry: 16 << 20,
                max_total: 64 << 20,
                ..Limits::default()
            },
            ..Options::default()
        },
        ..Config::default()
    };
    Auditor::new(&config).expect("embedded rules load")
});

fuzz_target!(|data: &[u8]| {
    if let Ok(audit) = AUDITOR.audit_bytes("fuzz.apk", data.to_vec(), Some("education")) {
        let _ = serde_json::to_string(&audit.extraction.facts);
    }
});
