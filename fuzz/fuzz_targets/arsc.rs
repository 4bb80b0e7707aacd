//! Fuzz target: parse arbitrary bytes as a resource table (`resources.arsc`) and touch
//! everything the reader exposes (string resources, every entry of every type chunk, lookups
//! by id and by name), then piaudit's questions of it (strings, reference resolution). Must
//! never panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use piaudit::resources::Resources;
use piaudit_arsc::Table;

/// Caps per-table work so one input cannot spend seconds in lookups.
const MAX_ITEMS: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = Table::parse(data) else {
        return;
    };
    let _ = table.anomalies().len() as u32 + table.anomalies_dropped();
    let _ = table.string_resource_count();
    for s in table.string_resources().take(MAX_ITEMS) {
        let _ = (s.id, s.name.len(), s.qualifier.len(), s.value.len());
    }
    let mut ids = Vec::new();
    for p in table.packages() {
        let _ = p.name();
        let _ = p.type_strings().get(0);
        for chunk in p.type_chunks().iter().take(MAX_ITEMS) {
            let _ = (chunk.qualifier().len(), chunk.config().is_default());
            for e in table.entries(chunk).take(MAX_ITEMS) {
                if ids.len() < MAX_ITEMS {
                    ids.push(
                        u32::from(p.id()) << 24
                            | u32::from(chunk.type_id()) << 16
                            | u32::from(e.id),
                    );
                }
            }
        }
    }
    for &id in ids.iter().take(256) {
        if let Some(name) = table.name(id) {
            let _ = table.find_id(&name.type_name, &name.key);
        }
        let _ = table.lookup(id, &["zh-rCN", "zh"]);
    }
    if let Ok(res) = Resources::parse(data) {
        let _ = res.anomalies();
        let _ = res.strings().len();
        for &id in ids.iter().take(64) {
            let _ = res.resolve(&format!("@{id:08x}"));
            if let Some(name) = res.name_of(id) {
                let _ = res.resolve(&format!("@{name}"));
            }
        }
    }
});
