//! The catalogue measured against the public SDK anchors (LibChecker-Rules V42, the Exodus
//! tracker list) in `../shared/reference/sdk-anchors/` next to the repository, or in the
//! directory `PIAUDIT_SDK_ANCHORS` names. Counted as the anchors' README says: a product is
//! covered when one of its Java packages, manifest components or native libraries is matched by
//! piaudit's own anchored matching (the catalogue's tries and name matchers, not a re-implementation).
//!
//! Fails below 95% of LibChecker's China-market SDK products, below 95% of the Exodus trackers
//! with a code signature, or when one LibChecker packer is uncovered. Without the anchors it
//! says so on stderr and checks nothing (they are reference data, not part of the repository).

use std::collections::BTreeMap;
use std::path::PathBuf;

use piaudit_sdk::{Catalog, EvidenceKind, PackerCatalog};
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn anchors_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("PIAUDIT_SDK_ANCHORS") {
        Some(dir) => PathBuf::from(dir),
        None => repo().join("../shared/reference/sdk-anchors"),
    };
    dir.join("libchecker-rules.json").is_file().then_some(dir)
}

fn read_json(dir: &std::path::Path, name: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(name))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn strings(value: &Value) -> impl Iterator<Item = &str> {
    value.as_array().into_iter().flatten().filter_map(|item| {
        item.as_str()
            .or_else(|| item.get("class").and_then(Value::as_str))
    })
}

/// Anchored coverage of one LibChecker label by the SDK catalogue (and the packers').
fn label_covered(label: &Value, sdks: &Catalog, packers: Option<&PackerCatalog>) -> bool {
    let class_like = strings(&label["java_packages_derived"])
        .chain(strings(&label["dex_packages"]))
        .chain(strings(&label["components"]))
        .map(|name| name.trim_end_matches('.'));
    let covers =
        |kind, name: &str| sdks.covers(kind, name) || packers.is_some_and(|p| p.covers(kind, name));
    for name in class_like {
        if covers(EvidenceKind::Class, name) || covers(EvidenceKind::Component, name) {
            return true;
        }
    }
    strings(&label["native_libs"]).any(|lib| covers(EvidenceKind::NativeLib, lib))
}

fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    }
}

#[test]
fn catalogue_covers_the_public_anchors() {
    let Some(dir) = anchors_dir() else {
        eprintln!(
            "SKIPPED catalogue_covers_the_public_anchors: no SDK anchors at ../shared/reference/sdk-anchors \
             (set PIAUDIT_SDK_ANCHORS to their directory)"
        );
        return;
    };
    let data = |name: &str| {
        std::fs::read_to_string(repo().join("rules/data").join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let sdks = Catalog::from_toml(&data("sdks.toml")).unwrap_or_else(|e| panic!("{e}"));
    let packers = PackerCatalog::from_toml(&data("packers.toml")).unwrap_or_else(|e| panic!("{e}"));

    let libchecker = read_json(&dir, "libchecker-rules.json");
    let mut products: BTreeMap<String, bool> = BTreeMap::new();
    let mut packer_products: BTreeMap<String, bool> = BTreeMap::new();
    for label in libchecker["labels"].as_array().into_iter().flatten() {
        if label["channel_proxy"].as_bool() == Some(true) {
            continue;
        }
        let key = label["canonical_key"]
            .as_str()
            .or_else(|| label["label"].as_str())
            .unwrap_or_default()
            .to_owned();
        match label["review_tier"].as_str() {
            Some("cn") => {
                let covered = label_covered(label, &sdks, None);
                *products.entry(key).or_default() |= covered;
            }
            Some("packer") => {
                let covered = label_covered(label, &sdks, Some(&packers));
                *packer_products.entry(key).or_default() |= covered;
            }
            _ => {}
        }
    }

    let exodus = read_json(&dir, "exodus-trackers.json");
    let mut trackers = 0usize;
    let mut exodus_missing = Vec::new();
    for tracker in exodus["trackers"].as_array().into_iter().flatten() {
        let prefixes: Vec<&str> = strings(&tracker["java_prefixes"]).collect();
        if prefixes.is_empty() {
            continue;
        }
        trackers += 1;
        if !prefixes
            .iter()
            .any(|p| sdks.covers(EvidenceKind::Class, p.trim_end_matches('.')))
        {
            exodus_missing.push(tracker["name"].as_str().unwrap_or("?").to_owned());
        }
    }

    let covered = products.values().filter(|c| **c).count();
    let missing: Vec<&String> = products
        .iter()
        .filter(|(_, c)| !**c)
        .map(|(k, _)| k)
        .collect();
    let packers_missing: Vec<&String> = packer_products
        .iter()
        .filter(|(_, c)| !**c)
        .map(|(k, _)| k)
        .collect();
    let exodus_covered = trackers - exodus_missing.len();
    eprintln!(
        "sdk coverage: libchecker-cn {covered}/{} ({:.1}%), exodus {exodus_covered}/{trackers} ({:.1}%), packers {}/{}",
        products.len(),
        percent(covered, products.len()),
        percent(exodus_covered, trackers),
        packer_products.len() - packers_missing.len(),
        packer_products.len()
    );
    eprintln!("LibChecker China products missing: {missing:?}");
    eprintln!("Exodus trackers missing: {exodus_missing:?}");
    assert!(
        products.len() >= 100,
        "only {} China products in the anchors",
        products.len()
    );
    assert!(
        percent(covered, products.len()) >= 95.0,
        "LibChecker China products: {covered}/{}; missing {missing:?}",
        products.len()
    );
    assert!(
        percent(exodus_covered, trackers) >= 95.0,
        "Exodus: {exodus_covered}/{trackers}; missing {exodus_missing:?}"
    );
    assert!(
        !packer_products.is_empty() && packers_missing.is_empty(),
        "packers missing: {packers_missing:?}"
    );
}
