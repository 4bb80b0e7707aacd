//! Unit tests of the whole reader on synthetic tables (UTF-8 and UTF-16 pools, dense, sparse
//! and offset16 type chunks, complex and compact entries, several configurations and packages)
//! and on hostile ones.

use std::borrow::Cow;

use crate::test_support::*;
use crate::*;

const DEFAULT: [u8; 2] = [0, 0];

/// Package 0x7f: types attr(1) string(2) bool(3) style(4); keys app_name, policy, other,
/// debug, theme, alias.
fn app_table(utf16: bool, layout: Layout) -> Vec<u8> {
    let pool = if utf16 { pool_utf16 } else { pool_utf8 };
    let global = pool(&["My App", "隐私政策", "Privacy", "我的应用"]);
    let types = pool(&["attr", "string", "bool", "style"]);
    let keys = pool(&["app_name", "policy", "other", "debug", "theme", "alias"]);
    let s = |key, data| E::Simple {
        key,
        data_type: TYPE_STRING,
        data,
    };
    let default = config(&DEFAULT, &DEFAULT, 0);
    let zh = config(b"zh", b"CN", 0);
    let chunks = vec![
        type_spec(2, 4),
        type_chunk(
            2,
            &default,
            layout,
            4,
            &[
                (0, s(0, 0)),
                (1, s(1, 2)),
                (
                    3,
                    E::Simple {
                        key: 5,
                        data_type: TYPE_REFERENCE,
                        data: 0x7f02_0000,
                    },
                ),
            ],
        ),
        type_chunk(2, &zh, layout, 4, &[(0, s(0, 3)), (1, s(1, 1))]),
        type_spec(3, 1),
        type_chunk(
            3,
            &default,
            layout,
            1,
            &[(
                0,
                E::Compact {
                    key: 3,
                    data_type: 0x12,
                    data: 1,
                },
            )],
        ),
        type_spec(4, 1),
        type_chunk(
            4,
            &default,
            layout,
            1,
            &[(
                0,
                E::Complex {
                    key: 4,
                    parent: 0,
                    count: 2,
                },
            )],
        ),
    ];
    table(
        &global,
        &[package(0x7f, "com.example", &types, &keys, &chunks)],
    )
}

fn strings_of(t: &Table<'_>) -> Vec<(String, String, String)> {
    t.string_resources()
        .map(|s| {
            (
                s.name.into_owned(),
                s.qualifier.to_owned(),
                s.value.into_owned(),
            )
        })
        .collect()
}

#[test]
fn reads_every_layout_and_encoding() {
    for utf16 in [false, true] {
        for layout in [Layout::Dense, Layout::Offset16, Layout::Sparse] {
            let bytes = app_table(utf16, layout);
            let t = Table::parse(&bytes).unwrap();
            assert!(t.anomalies().is_empty(), "{layout:?}: {:?}", t.anomalies());
            assert_eq!(t.packages().len(), 1);
            let p = &t.packages()[0];
            assert_eq!((p.id(), p.name().as_str()), (0x7f, "com.example"));
            assert_eq!(p.type_id("string"), Some(2));
            assert_eq!(p.type_name(4).as_deref(), Some("style"));
            assert_eq!(
                strings_of(&t),
                vec![
                    ("app_name".into(), "".into(), "My App".into()),
                    ("policy".into(), "".into(), "Privacy".into()),
                    ("app_name".into(), "zh-rCN".into(), "我的应用".into()),
                    ("policy".into(), "zh-rCN".into(), "隐私政策".into()),
                ],
                "{layout:?} utf16={utf16}"
            );
            // zero-copy for UTF-8 pools
            if !utf16 {
                let first = t.string_resources().next().unwrap();
                assert!(matches!(first.value, Cow::Borrowed(_)));
                assert!(matches!(first.name, Cow::Borrowed(_)));
            }
            // lookups
            assert_eq!(t.find_id("string", "policy"), Some(0x7f02_0001));
            assert_eq!(t.find_id("string", "missing"), None);
            assert_eq!(t.find_id("color", "policy"), None);
            assert_eq!(
                t.name(0x7f02_0001).map(|n| n.to_string()).as_deref(),
                Some("string/policy")
            );
            let found = t.lookup(0x7f02_0001, &[]).unwrap();
            assert_eq!(found.chunk.qualifier(), "");
            let v = found.entry.simple().unwrap();
            assert_eq!(t.string_value(v).as_deref(), Some("Privacy"));
            // an id only in the default config
            let alias = t.lookup(0x7f02_0003, &["zh-rCN"]).unwrap();
            assert_eq!(
                alias.entry.simple(),
                Some(Value {
                    data_type: TYPE_REFERENCE,
                    data: 0x7f02_0000
                })
            );
            assert!(t.lookup(0x7f02_0002, &[]).is_none());
            assert!(t.lookup(0x7f09_0000, &[]).is_none());
            assert!(t.lookup(0x7e02_0000, &[]).is_none());
            // compact entry
            let b = t.lookup(0x7f03_0000, &[]).unwrap();
            assert_eq!(b.entry.key, 3);
            assert_eq!(
                b.entry.simple(),
                Some(Value {
                    data_type: 0x12,
                    data: 1
                })
            );
            assert_eq!(
                t.name(0x7f03_0000).map(|n| n.to_string()).as_deref(),
                Some("bool/debug")
            );
            // complex entry: kept as an entry, values skipped
            let style = t.lookup(0x7f04_0000, &[]).unwrap();
            assert_eq!(
                style.entry.value,
                EntryValue::Complex {
                    parent: 0,
                    count: 2
                }
            );
            assert_eq!(t.find_id("style", "theme"), Some(0x7f04_0000));
        }
    }
}

#[test]
fn lookup_prefers_default_then_listed_qualifiers() {
    let global = pool_utf8(&["fr", "zh", "en"]);
    let types = pool_utf8(&["string"]);
    let keys = pool_utf8(&["only_localized"]);
    let s = |data| E::Simple {
        key: 0,
        data_type: TYPE_STRING,
        data,
    };
    let chunks = vec![
        type_chunk(
            1,
            &config(b"fr", &DEFAULT, 0),
            Layout::Dense,
            1,
            &[(0, s(0))],
        ),
        type_chunk(1, &config(b"zh", b"CN", 0), Layout::Dense, 1, &[(0, s(1))]),
        type_chunk(
            1,
            &config(b"en", &DEFAULT, 0),
            Layout::Dense,
            1,
            &[(0, s(2))],
        ),
    ];
    let bytes = table(&global, &[package(0x7f, "p", &types, &keys, &chunks)]);
    let t = Table::parse(&bytes).unwrap();
    let val = |prefer: &[&str]| {
        let f = t.lookup(0x7f01_0000, prefer).unwrap();
        t.string_value(f.entry.simple().unwrap())
            .unwrap()
            .into_owned()
    };
    assert_eq!(val(&["zh-rCN"]), "zh");
    assert_eq!(val(&["de", "en"]), "en");
    // otherwise configuration order: locale "en" < "fr" < "zh" as little-endian u32
    assert_eq!(val(&[]), "en");
    let order: Vec<&str> = t.packages()[0]
        .chunks(1)
        .iter()
        .map(|c| c.qualifier())
        .collect();
    assert_eq!(order, ["en", "fr", "zh-rCN"]);
}

#[test]
fn several_packages_and_duplicates() {
    let global = pool_utf8(&["a", "b"]);
    let types = pool_utf8(&["string"]);
    let keys = pool_utf8(&["k", "k"]);
    let s = |key, data| E::Simple {
        key,
        data_type: TYPE_STRING,
        data,
    };
    let d = config(&DEFAULT, &DEFAULT, 0);
    let p1 = package(
        0x7f,
        "one",
        &types,
        &keys,
        &[
            type_chunk(1, &d, Layout::Dense, 3, &[(2, s(0, 0)), (1, s(1, 0))]),
            // same type and config again: skipped
            type_chunk(1, &d, Layout::Dense, 1, &[(0, s(0, 1))]),
        ],
    );
    let p2 = package(
        0x02,
        "two",
        &types,
        &keys,
        &[type_chunk(1, &d, Layout::Dense, 1, &[(0, s(0, 1))])],
    );
    let p3 = package(0x7f, "dup", &types, &keys, &[]);
    let bytes = table(&global, &[p1, p2, p3]);
    let t = Table::parse(&bytes).unwrap();
    let kinds: Vec<AnomalyKind> = t.anomalies().iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AnomalyKind::DuplicateTypeChunk,
            AnomalyKind::DuplicatePackageId
        ]
    );
    assert_eq!(t.packages().len(), 2);
    // lowest id among repeated names (both keys are "k"), across packages
    assert_eq!(t.find_id("string", "k"), Some(0x0201_0000));
    assert_eq!(t.packages()[0].chunks(1).len(), 1);
    assert_eq!(t.string_resources().count(), 3);
    assert_eq!(t.string_resources().next().unwrap().id, 0x7f01_0001);
}

#[test]
fn errors_only_for_non_tables() {
    assert_eq!(
        Table::parse(&[]).unwrap_err(),
        ArscError::TooShort { len: 0 }
    );
    assert_eq!(
        Table::parse(&[3, 0, 12, 0, 12, 0, 0, 0, 0, 0, 0, 0]).unwrap_err(),
        ArscError::NotATable(3)
    );
    assert!(matches!(
        Table::parse(&[2, 0, 8, 0, 12, 0, 0, 0, 0, 0, 0, 0]),
        Err(ArscError::BadHeader(_))
    ));
    assert!(matches!(
        Table::parse(&[2, 0, 16, 0, 12, 0, 0, 0, 0, 0, 0, 0]),
        Err(ArscError::BadHeader(_))
    ));
    // an empty table is a table, with anomalies
    let t = Table::parse(&[2, 0, 12, 0, 12, 0, 0, 0, 0, 0, 0, 0]).unwrap();
    let kinds: Vec<AnomalyKind> = t.anomalies().iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [AnomalyKind::MissingStringPool, AnomalyKind::NoPackages]
    );
    assert_eq!(t.string_resources().count(), 0);
}

/// Exercises every accessor on whatever parsed, as the fuzz target does.
fn touch_everything(bytes: &[u8]) {
    let Ok(t) = Table::parse(bytes) else { return };
    for s in t.string_resources().take(10_000) {
        let _ = (s.name.len(), s.value.len(), s.qualifier.len());
    }
    for p in t.packages() {
        let _ = p.name();
        for c in p.type_chunks().iter().take(1000) {
            for e in t.entries(c).take(1000) {
                let id = u32::from(p.id()) << 24 | u32::from(c.type_id()) << 16 | u32::from(e.id);
                let _ = t.name(id);
                let _ = t.lookup(id, &["zh-rCN"]);
            }
        }
    }
    let _ = t.find_id("string", "app_name");
}

#[test]
fn hostile_tables_never_panic() {
    let base = app_table(false, Layout::Sparse);
    // every truncation
    for len in 0..base.len() {
        touch_everything(&base[..len]);
    }
    // every single-byte corruption with a few interesting values
    for at in 0..base.len() {
        for v in [0x00, 0x01, 0x7f, 0x80, 0xff] {
            let mut b = base.clone();
            b[at] = v;
            touch_everything(&b);
        }
    }
    let dense = app_table(true, Layout::Offset16);
    for at in 0..dense.len() {
        let mut b = dense.clone();
        b[at] ^= 0xff;
        touch_everything(&b);
    }
}

#[test]
fn hostile_sizes_and_counts_are_anomalies() {
    let bytes = app_table(false, Layout::Dense);
    // the table chunk claims 4 GiB
    let mut b = bytes.clone();
    b[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let t = Table::parse(&b).unwrap();
    assert_eq!(t.anomalies()[0].kind, AnomalyKind::ChunkOutOfBounds);
    assert_eq!(t.string_resources().count(), 4);

    // a type chunk declaring a billion entries
    let global = pool_utf8(&["x"]);
    let types = pool_utf8(&["string"]);
    let keys = pool_utf8(&["k"]);
    let mut tc = type_chunk(
        1,
        &config(&DEFAULT, &DEFAULT, 0),
        Layout::Dense,
        1,
        &[(
            0,
            E::Simple {
                key: 0,
                data_type: TYPE_STRING,
                data: 0,
            },
        )],
    );
    tc[12..16].copy_from_slice(&1_000_000_000u32.to_le_bytes());
    let b = table(&global, &[package(0x7f, "p", &types, &keys, &[tc])]);
    let t = Table::parse(&b).unwrap();
    assert_eq!(t.anomalies()[0].kind, AnomalyKind::TypeEntriesOutOfBounds);
    assert_eq!(t.string_resources().count(), 0);

    // an entry offset pointing outside the chunk
    let mut tc = type_chunk(
        1,
        &config(&DEFAULT, &DEFAULT, 0),
        Layout::Dense,
        2,
        &[(
            0,
            E::Simple {
                key: 0,
                data_type: TYPE_STRING,
                data: 0,
            },
        )],
    );
    let index_at = 20 + 64 + 4;
    tc[index_at..index_at + 4].copy_from_slice(&0x00ff_fff0u32.to_le_bytes());
    let b = table(&global, &[package(0x7f, "p", &types, &keys, &[tc])]);
    let t = Table::parse(&b).unwrap();
    assert_eq!(t.anomalies()[0].kind, AnomalyKind::EntryOutOfBounds);
    assert!(t.lookup(0x7f01_0001, &[]).is_none());

    // garbage before the global pool (TableConfuser) and an unknown chunk in the package
    let garbage = chunk(0x7777, 8, &[0; 24]);
    let mut g = garbage.clone();
    g.extend_from_slice(&global);
    let b = table(
        &g,
        &[package(
            0x7f,
            "p",
            &types,
            &keys,
            &[garbage.clone(), garbage],
        )],
    );
    let t = Table::parse(&b).unwrap();
    let kinds: Vec<AnomalyKind> = t.anomalies().iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AnomalyKind::StringPoolGarbageChunk,
            AnomalyKind::UnknownChunk
        ]
    );
    assert_eq!(t.strings().get(0).as_deref(), Some("x"));

    // a chunk header whose size is smaller than its header: the rest is skipped
    let mut b = bytes.clone();
    let pkg_at = 12 + pool_utf8(&["My App", "隐私政策", "Privacy", "我的应用"]).len();
    b[pkg_at + 4..pkg_at + 8].copy_from_slice(&4u32.to_le_bytes());
    let t = Table::parse(&b).unwrap();
    let kinds: Vec<AnomalyKind> = t.anomalies().iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AnomalyKind::BadChunk, AnomalyKind::NoPackages]);
}

#[test]
fn many_anomalies_are_capped() {
    let global = pool_utf8(&["x"]);
    let mut body = Vec::new();
    body.extend_from_slice(&1u32.to_le_bytes());
    body.extend_from_slice(&global);
    // 50k packages with the same id and no pools
    let p = package(0x7f, "p", &[], &[], &[]);
    for _ in 0..50_000 {
        body.extend_from_slice(&p);
    }
    let b = chunk(0x0002, 12, &body);
    let t = Table::parse(&b).unwrap();
    assert!(t.anomalies().len() <= MAX_ANOMALIES);
    assert!(t.anomalies_dropped() > 0);
}

/// The iterator's items grouped by configuration, in order (what
/// [`Table::string_resource_counts`] must give without reading the entries again).
fn counts_by_iteration(t: &Table<'_>) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut last_config = None;
    for s in t.string_resources() {
        let config = s.config as *const Config;
        match out.last_mut() {
            Some((_, n)) if last_config == Some(config) => *n += 1,
            _ => {
                out.push((s.qualifier.to_owned(), 1));
                last_config = Some(config);
            }
        }
    }
    out
}

fn owned_counts(t: &Table<'_>) -> Vec<(String, usize)> {
    t.string_resource_counts()
        .into_iter()
        .map(|(q, n)| (q.to_owned(), n))
        .collect()
}

#[test]
fn string_counts_match_the_strings_listed() {
    for layout in [Layout::Dense, Layout::Offset16, Layout::Sparse] {
        for utf16 in [false, true] {
            let bytes = app_table(utf16, layout);
            let t = Table::parse(&bytes).expect("table");
            let counts = owned_counts(&t);
            assert_eq!(counts, counts_by_iteration(&t), "{layout:?}");
            assert_eq!(counts, [("".to_owned(), 2), ("zh-rCN".to_owned(), 2)]);
            assert_eq!(t.string_resource_count(), 4);
        }
    }
    // A string entry whose key is past the key pool is not a string resource: the count
    // re-reads that chunk and agrees with the iterator.
    let global = pool_utf8(&["a", "b"]);
    let types = pool_utf8(&["string"]);
    let keys = pool_utf8(&["k0"]);
    let s = |key, data| E::Simple {
        key,
        data_type: TYPE_STRING,
        data,
    };
    let chunks = vec![
        type_spec(1, 3),
        type_chunk(
            1,
            &config(&DEFAULT, &DEFAULT, 0),
            Layout::Dense,
            3,
            &[(0, s(0, 0)), (1, s(7, 1)), (2, s(0, 1))],
        ),
        type_chunk(
            1,
            &config(b"fr", &DEFAULT, 0),
            Layout::Dense,
            3,
            &[(2, s(9, 0))],
        ),
    ];
    let bytes = table(&global, &[package(0x7f, "p", &types, &keys, &chunks)]);
    let t = Table::parse(&bytes).expect("table");
    let counts = owned_counts(&t);
    assert_eq!(counts, counts_by_iteration(&t));
    assert_eq!(counts, [("".to_owned(), 2)]);
}
