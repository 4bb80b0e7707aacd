//! Fuzz target: parse arbitrary bytes as DEX and touch everything the reader exposes (strings,
//! types, method/field display, class defs, per-method code refs, whole-file scans). Must never
//! panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use piaudit_dex::{Dex, descriptor_to_java};

/// Caps per-table work so one input cannot spend seconds in name resolution.
const MAX_ITEMS: u32 = 4096;

fuzz_target!(|data: &[u8]| {
    let _ = piaudit_dex::is_dex(data);
    let Ok(dex) = Dex::parse(data) else { return };
    exercise(&dex);
    let mut next = dex.next_in_container();
    let mut hops = 0;
    while let Some(offset) = next {
        hops += 1;
        if hops > 8 {
            break;
        }
        next = match Dex::parse_at(data, offset) {
            Ok(inner) => {
                exercise(&inner);
                inner.next_in_container()
            }
            Err(_) => None,
        };
    }
});

fn exercise(dex: &Dex<'_>) {
    let _ = dex.version();
    let _ = dex.anomalies().len() as u32 + dex.anomalies_dropped();
    let _ = dex.checksum_matches();
    for s in dex.strings().take(MAX_ITEMS as usize) {
        let _ = s.map(|s| s.len());
    }
    for t in 0..dex.type_count().min(MAX_ITEMS) {
        if let Ok(d) = dex.type_descriptor(t) {
            let _ = descriptor_to_java(&d);
        }
    }
    for m in 0..dex.method_ref_count().min(MAX_ITEMS) {
        let _ = dex.method_ref_display(m);
    }
    for f in 0..dex.field_ref_count().min(MAX_ITEMS) {
        let _ = dex.field_ref_display(f);
    }
    for class in dex.class_defs().take(MAX_ITEMS as usize) {
        let _ = dex.type_descriptor(class.class_idx);
        if let Some(s) = class.superclass_idx {
            let _ = dex.type_descriptor(s);
        }
        if let Ok(list) = dex.type_list(class.interfaces_off) {
            for t in list.iter() {
                let _ = dex.type_descriptor(t);
            }
        }
        let mut methods = dex.class_methods(&class);
        let _ = methods.by_ref().take(MAX_ITEMS as usize).count();
        let _ = methods.error();
    }
    let mut methods = dex.methods();
    for method in methods.by_ref() {
        if method.shares_code {
            continue;
        }
        if let Ok(code) = dex.code_item(method.code_off) {
            let _ = code.instructions().count();
        }
        if let Ok(sites) = dex.method_call_sites(&method) {
            for site in sites {
                let _ = dex.method_ref(site.callee_method_idx);
            }
        }
    }
    let _ = methods.summary().methods;
    let summary = dex.visit_call_sites(|site| {
        let _ = site.opcode;
    });
    let iterated = dex.call_sites().count();
    let _ = (summary.methods_scanned, iterated);
    dex.visit_const_strings(|site| {
        let _ = dex.string(site.string_idx);
    });
}
