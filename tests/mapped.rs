//! Large inputs are mapped instead of read (`Options::map_inputs_from`): the facts, hashes and
//! signers of every sample must be the same either way, whatever the container.

mod common;

use piaudit::analyze::{self, Context, Options};

fn facts_json(path: &std::path::Path, map_inputs_from: Option<u64>) -> serde_json::Value {
    let opts = Options {
        map_inputs_from,
        ..Options::default()
    };
    let x = analyze::analyze_path(path, &Context::default(), &opts).expect("sample decodes");
    serde_json::to_value(&x.facts).expect("facts serialise")
}

#[test]
fn mapped_and_read_inputs_give_the_same_facts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("samples/ is in the repository") {
        let path = entry.expect("readable directory").path();
        let is_app = path.extension().is_some_and(|e| e == "apk" || e == "xapk");
        if !is_app {
            continue;
        }
        let mapped = facts_json(&path, Some(0));
        let read = facts_json(&path, None);
        assert_eq!(mapped, read, "{}", path.display());
        assert_eq!(
            mapped["input"]["sha256"].as_str().map(str::len),
            Some(64),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} samples found");
}
