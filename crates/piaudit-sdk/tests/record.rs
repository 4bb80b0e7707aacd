//! The facts records carry every field the hits serialize, with the same JSON.

mod common;

use common::catalog;
use piaudit_sdk::{Evidence, PackerCatalog};

#[test]
fn sdk_record_serializes_exactly_like_the_hit() {
    let catalog = catalog();
    let classes = [
        "com.umeng.analytics.MobclickAgent",
        "cn.jpush.android.service.PushService",
    ];
    let meta = ["JPUSH_APPKEY"];
    let hits = catalog.detect(&Evidence {
        classes: &classes,
        meta_data_keys: &meta,
        ..Evidence::default()
    });
    assert!(hits.len() >= 2, "{hits:?}");
    for hit in &hits {
        let record = hit.to_record();
        assert_eq!(
            serde_json::to_value(hit).unwrap(),
            serde_json::to_value(&record).unwrap(),
            "{}",
            hit.id
        );
        assert_eq!(
            serde_json::to_string(hit).unwrap().len(),
            serde_json::to_string(&record).unwrap().len()
        );
    }
}

#[test]
fn packer_record_serializes_exactly_like_the_hit() {
    let packers = PackerCatalog::from_toml(include_str!("../../../rules/data/packers.toml"))
        .expect("bundled packer catalogue");
    let hits = packers.detect(&["libjiagu.so", "libshell-super.2019.so"], &[], &[]);
    assert!(!hits.is_empty());
    for hit in &hits {
        assert_eq!(
            serde_json::to_value(hit).unwrap(),
            serde_json::to_value(hit.to_record()).unwrap()
        );
    }
}
