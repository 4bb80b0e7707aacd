//! Hostile and malformed inputs: truncation at every length, huge counts, lying and overlapping
//! offsets, LEB128 overflow, broken code items and payloads, shared items. The reader must never
//! panic, must stay fast, and must keep whatever is still readable.

mod common;

use std::time::{Duration, Instant};

use common::*;
use piaudit_dex::{AnomalyKind, Dex, DexError, ScanSummary};

const HEADER: usize = 0x70;
const OFF_STRING_IDS_SIZE: usize = 56;
const OFF_STRING_IDS_OFF: usize = 60;
const OFF_TYPE_IDS_OFF: usize = 68;
const OFF_METHOD_IDS_SIZE: usize = 88;
const OFF_CLASS_DEFS_SIZE: usize = 96;

/// A small valid DEX: two classes, three methods with code (one with payloads).
fn small_dex() -> (Vec<u8>, Layout) {
    let mut b = DexBuilder::new(35);
    let callee = b.method("Lx/Callee;", "go", "V", &["I"]);
    let first = b.method("Lx/A;", "first", "V", &[]);
    let second = b.method("Lx/A;", "second", "V", &[]);
    let third = b.method("Lx/B;", "third", "V", &[]);
    let text = b.string("text \u{1F600}");
    let a = b.class("Lx/A;", Some("Ljava/lang/Object;"));
    b.direct(
        a,
        first,
        Some(concat(&[invoke(0x71, callee as u16, &[0]), return_void()])),
    );
    b.direct(
        a,
        second,
        Some(concat(&[
            const_string(0, text as u16),
            packed_switch(4),
            vec![0x0000],
            packed_switch_payload(1, 2),
            invoke_range(0x74, callee as u16, 1, 0),
            return_void(),
        ])),
    );
    let bb = b.class("Lx/B;", Some("Lx/A;"));
    b.virtual_method(
        bb,
        third,
        Some(concat(&[
            invoke(0x6e, callee as u16, &[0, 1]),
            return_void(),
        ])),
    );
    b.build_with_layout()
}

/// Touches everything a caller would, returning the scan summary.
fn exercise(dex: &Dex<'_>) -> ScanSummary {
    for s in dex.strings() {
        let _ = s.map(|s| s.len());
    }
    for t in 0..dex.type_count() {
        let decoded = dex.type_descriptor(t);
        let raw = dex.type_descriptor_bytes(t);
        assert_eq!(decoded.is_ok(), raw.is_ok(), "type {t}");
        if let (Ok(decoded), Ok(raw)) = (decoded, raw) {
            assert_eq!(decoded, piaudit_dex::decode_mutf8(raw), "type {t}");
        }
    }
    for m in 0..dex.method_ref_count() {
        let _ = dex.method_ref_display(m);
    }
    for f in 0..dex.field_ref_count() {
        let _ = dex.field_ref_display(f);
    }
    for class in dex.class_defs() {
        let _ = dex.type_descriptor(class.class_idx);
        let _ = dex.type_list(class.interfaces_off);
    }
    dex.visit_const_strings(|site| {
        let _ = dex.string(site.string_idx);
    });
    let mut one_by_one = Vec::new();
    let per_ref = dex.visit_code_refs(|method, code_ref| one_by_one.push((*method, code_ref)));
    let mut per_method = Vec::new();
    let grouped = dex.visit_method_code_refs(|method, refs| {
        per_method.extend(refs.iter().map(|&code_ref| (*method, code_ref)));
    });
    assert_eq!(
        one_by_one, per_method,
        "per-method and per-reference visits disagree"
    );
    assert_eq!(per_ref, grouped);
    let iterated = dex.call_sites().count();
    let mut visited = Vec::new();
    let summary = dex.visit_call_sites(|site| visited.push(site));
    assert_eq!(iterated, visited.len(), "iterator and visitor disagree");
    check_invoke_walk(dex, &visited, &summary);
    check_marked_strings(dex);
    summary
}

/// The invoke walk agrees with the call-site visit: same invokes per method, same kept
/// callees (here: odd method indices), same summary.
fn check_invoke_walk(dex: &Dex<'_>, sites: &[piaudit_dex::CallSite], summary: &ScanSummary) {
    let mut walk = dex.invoke_walk();
    let mut counted = 0usize;
    let mut kept = Vec::new();
    while let Some(invokes) = walk.next_method(|m| m % 2 == 1) {
        counted += invokes.invoke_count as usize;
        kept.extend(invokes.kept.iter().map(|&m| (invokes.method.method_idx, m)));
    }
    let expected: Vec<(u32, u32)> = sites
        .iter()
        .filter(|s| s.callee_method_idx % 2 == 1)
        .map(|s| (s.caller_method_idx, s.callee_method_idx))
        .collect();
    assert_eq!(counted, sites.len(), "invoke walk counts differ");
    assert_eq!(kept, expected, "invoke walk keeps different callees");
    assert_eq!(walk.summary(), summary, "invoke walk summary differs");
}

/// Marking every byte of the string block visits every readable string, in index order;
/// marking the byte `t` visits at least the strings containing it.
fn check_marked_strings(dex: &Dex<'_>) {
    let readable: Vec<u32> = (0..dex.string_count())
        .filter(|&i| dex.string_bytes(i).is_ok_and(|b| !b.is_empty()))
        .collect();
    let mut all = Vec::new();
    dex.visit_marked_strings(
        |block| 0..block.len(),
        |idx, bytes| {
            assert_eq!(dex.string_bytes(idx), Ok(bytes));
            all.push(idx);
            std::ops::ControlFlow::Continue(())
        },
    );
    assert!(all.windows(2).all(|w| w[0] < w[1]), "not in index order");
    assert!(
        readable.iter().all(|i| all.contains(i)),
        "{readable:?} {all:?}"
    );
    let mut with_t = Vec::new();
    dex.visit_marked_strings(
        |block| {
            block
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b't')
                .map(|(at, _)| at)
        },
        |idx, bytes| {
            if bytes.contains(&b't') {
                with_t.push(idx);
            }
            std::ops::ControlFlow::Continue(())
        },
    );
    let expected: Vec<u32> = (0..dex.string_count())
        .filter(|&i| dex.string_bytes(i).is_ok_and(|b| b.contains(&b't')))
        .collect();
    assert_eq!(with_t, expected);
}

fn call_site_count(dex: &Dex<'_>) -> usize {
    dex.call_sites().count()
}

#[test]
fn every_truncation_of_a_valid_dex_is_an_error_or_a_partial_parse() {
    let (bytes, _) = small_dex();
    let full = Dex::parse(&bytes).unwrap();
    assert_eq!(call_site_count(&full), 3);
    for len in 0..bytes.len() {
        let prefix = &bytes[..len];
        match Dex::parse(prefix) {
            Ok(dex) => {
                assert!(len >= HEADER, "parsed a {len}-byte prefix");
                assert!(
                    dex.anomalies()
                        .iter()
                        .any(|a| a.kind == AnomalyKind::FileSizeMismatch),
                    "truncation to {len} not reported"
                );
                let summary = exercise(&dex);
                assert!(call_site_count(&dex) <= 3);
                assert!(summary.methods <= 3);
            }
            Err(err) => assert!(
                len < HEADER,
                "prefix of {len} bytes failed with {err} (header is complete)"
            ),
        }
    }
}

#[test]
fn header_level_defects_are_errors() {
    let (bytes, _) = small_dex();
    let mut big_endian = bytes.clone();
    set_u32(&mut big_endian, 40, 0x7856_3412);
    assert_eq!(
        Dex::parse(&big_endian).unwrap_err(),
        DexError::BadEndianTag(0x7856_3412)
    );
    let mut bad_magic = bytes.clone();
    bad_magic[0] = b'D';
    assert!(matches!(Dex::parse(&bad_magic), Err(DexError::BadMagic(_))));
    let mut letters = bytes.clone();
    letters[4..7].copy_from_slice(b"0x5");
    assert!(matches!(Dex::parse(&letters), Err(DexError::BadMagic(_))));
    let mut small_header = bytes.clone();
    set_u32(&mut small_header, 36, 0x20);
    assert!(matches!(
        Dex::parse(&small_header),
        Err(DexError::BadHeaderSize { .. })
    ));
    assert!(matches!(
        Dex::parse(b"dex\n035\0"),
        Err(DexError::TooShort { .. })
    ));
    assert!(matches!(Dex::parse(&[]), Err(DexError::TooShort { .. })));
}

#[test]
fn huge_declared_counts_are_clamped_to_the_file() {
    let (mut bytes, _) = small_dex();
    set_u32(&mut bytes, OFF_STRING_IDS_SIZE, 0xffff_ffff);
    set_u32(&mut bytes, OFF_METHOD_IDS_SIZE, 0xffff_ffff);
    set_u32(&mut bytes, OFF_CLASS_DEFS_SIZE, 0xffff_ffff);
    let started = Instant::now();
    let dex = Dex::parse(&bytes).unwrap();
    assert!(dex.string_count() as usize <= bytes.len() / 4);
    assert!(dex.method_ref_count() as usize <= bytes.len() / 8);
    assert!(dex.class_count() as usize <= bytes.len() / 32);
    let clamped = dex
        .anomalies()
        .iter()
        .filter(|a| a.kind == AnomalyKind::TableClamped)
        .count();
    assert_eq!(clamped, 3, "{:?}", dex.anomalies());
    exercise(&dex);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn lying_table_offsets_leave_empty_tables() {
    let (mut bytes, _) = small_dex();
    set_u32(&mut bytes, OFF_STRING_IDS_OFF, 0xffff_fff0);
    let dex = Dex::parse(&bytes).unwrap();
    assert_eq!(dex.string_count(), 0);
    assert!(dex.string(0).is_err());
    assert!(matches!(
        dex.type_descriptor(0),
        Err(DexError::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        dex.type_descriptor_bytes(0),
        Err(DexError::IndexOutOfRange { .. })
    ));
    assert!(
        dex.anomalies()
            .iter()
            .any(|a| a.kind == AnomalyKind::TableClamped)
    );
    // Class defs and code are still readable: the call sites survive without names.
    assert_eq!(exercise(&dex).methods_scanned, 3);
    assert_eq!(call_site_count(&dex), 3);
}

#[test]
fn overlapping_tables_are_reported_not_fatal() {
    let (mut bytes, layout) = small_dex();
    set_u32(&mut bytes, OFF_TYPE_IDS_OFF, layout.string_ids_off as u32);
    let dex = Dex::parse(&bytes).unwrap();
    assert!(
        dex.anomalies()
            .iter()
            .any(|a| a.kind == AnomalyKind::TableOverlap),
        "{:?}",
        dex.anomalies()
    );
    assert!(
        dex.anomalies()
            .iter()
            .any(|a| a.kind == AnomalyKind::MapHeaderMismatch)
    );
    exercise(&dex);
}

#[test]
fn map_defects_are_anomalies() {
    let (bytes, layout) = small_dex();
    let mut no_map = bytes.clone();
    set_u32(&mut no_map, 52, 0);
    let dex = Dex::parse(&no_map).unwrap();
    assert_eq!(dex.anomalies()[0].kind, AnomalyKind::MissingMap);
    assert_eq!(call_site_count(&dex), 3);

    let mut map_outside = bytes.clone();
    set_u32(&mut map_outside, 52, 0x7fff_fff0);
    let dex = Dex::parse(&map_outside).unwrap();
    assert_eq!(dex.anomalies()[0].kind, AnomalyKind::MapOutOfBounds);

    // First map item (the header) moved past the end of the file, and listed out of order.
    let mut bad_item = bytes.clone();
    set_u32(&mut bad_item, layout.map_off + 4 + 8, 0x00ff_0000);
    let dex = Dex::parse(&bad_item).unwrap();
    let kinds: Vec<AnomalyKind> = dex.anomalies().iter().map(|a| a.kind).collect();
    assert!(
        kinds.contains(&AnomalyKind::MapItemOutOfBounds),
        "{kinds:?}"
    );
    assert!(kinds.contains(&AnomalyKind::MapOverlap), "{kinds:?}");

    let mut huge_map = bytes.clone();
    set_u32(&mut huge_map, layout.map_off, 0xffff_ffff);
    let dex = Dex::parse(&huge_map).unwrap();
    assert!(
        dex.anomalies()
            .iter()
            .any(|a| a.kind == AnomalyKind::MapOutOfBounds)
    );
}

#[test]
fn empty_dex_has_nothing_and_no_errors() {
    let bytes = DexBuilder::new(35).build();
    let dex = Dex::parse(&bytes).unwrap();
    assert!(dex.anomalies().is_empty(), "{:?}", dex.anomalies());
    assert_eq!(
        (
            dex.string_count(),
            dex.class_count(),
            dex.method_ref_count()
        ),
        (0, 0, 0)
    );
    assert_eq!(exercise(&dex), ScanSummary::default());

    // A bare 0x70-byte header with every count and offset zero.
    let mut header_only = bytes[..HEADER].to_vec();
    set_u32(&mut header_only, 32, HEADER as u32);
    set_u32(&mut header_only, 52, 0);
    for field in (56..112).step_by(4) {
        set_u32(&mut header_only, field, 0);
    }
    let dex = Dex::parse(&header_only).unwrap();
    let kinds: Vec<AnomalyKind> = dex.anomalies().iter().map(|a| a.kind).collect();
    assert_eq!(kinds, vec![AnomalyKind::MissingMap]);
    assert_eq!(call_site_count(&dex), 0);
}

/// Appends a class_data_item built from raw ULEB128 values and points class def `class` at it.
fn replace_class_data(bytes: &mut Vec<u8>, layout: &Layout, class: usize, raw: &[u8]) {
    let off = bytes.len() as u32;
    bytes.extend_from_slice(raw);
    set_u32(bytes, layout.class_defs_off + 32 * class + 24, off);
}

#[test]
fn overlong_uleb128_in_class_data_skips_only_that_class() {
    let (mut bytes, layout) = small_dex();
    // static_fields_size encoded in six bytes.
    replace_class_data(
        &mut bytes,
        &layout,
        1,
        &[0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0, 1, 0],
    );
    let dex = Dex::parse(&bytes).unwrap();
    let summary = exercise(&dex);
    assert_eq!(summary.classes, 2);
    assert_eq!(summary.classes_with_bad_class_data, 1);
    assert!(matches!(
        summary.first_error.unwrap().error,
        DexError::Leb128TooLong { .. }
    ));
    assert_eq!(call_site_count(&dex), 2, "class A's two call sites remain");
}

#[test]
fn huge_method_counts_in_class_data_end_at_the_file_end() {
    let (mut bytes, layout) = small_dex();
    let mut raw = vec![0, 0];
    uleb(u32::MAX, &mut raw); // direct methods
    uleb(u32::MAX, &mut raw); // virtual methods
    raw.extend_from_slice(&[0, 1, 0]); // one method without code, then the file ends
    replace_class_data(&mut bytes, &layout, 1, &raw);
    let dex = Dex::parse(&bytes).unwrap();
    let started = Instant::now();
    let summary = exercise(&dex);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(summary.classes_with_bad_class_data, 1);
    assert_eq!(
        summary.methods, 3,
        "two from class A plus the one readable entry"
    );
}

#[test]
fn method_index_overflow_is_an_error_for_the_class() {
    let (mut bytes, layout) = small_dex();
    let mut raw = vec![0, 0, 2, 0];
    for _ in 0..2 {
        uleb(u32::MAX, &mut raw);
        uleb(1, &mut raw);
        uleb(0, &mut raw);
    }
    replace_class_data(&mut bytes, &layout, 1, &raw);
    let dex = Dex::parse(&bytes).unwrap();
    let summary = exercise(&dex);
    assert!(matches!(
        summary.first_error.unwrap().error,
        DexError::MethodIndexOverflow { .. }
    ));
}

#[test]
fn code_off_outside_the_file_skips_only_that_method() {
    let (mut bytes, layout) = small_dex();
    let mut raw = vec![0, 0, 0, 1];
    uleb(3, &mut raw); // method_idx of "third"
    uleb(1, &mut raw);
    uleb(0x7fff_fff0, &mut raw); // code_off far outside
    replace_class_data(&mut bytes, &layout, 1, &raw);
    let dex = Dex::parse(&bytes).unwrap();
    let summary = exercise(&dex);
    assert_eq!(summary.methods_skipped, 1);
    assert_eq!(summary.methods_scanned, 2);
    assert!(matches!(
        summary.first_error.unwrap().error,
        DexError::OutOfBounds { .. }
    ));
    assert_eq!(call_site_count(&dex), 2);
    let third = dex.methods().find(|m| m.method_idx == 3).unwrap();
    assert!(dex.method_call_sites(&third).is_err());
}

#[test]
fn huge_insns_size_skips_only_that_method() {
    let (mut bytes, layout) = small_dex();
    set_u32(&mut bytes, layout.code_offs[0] + 12, 0xffff_ffff);
    let dex = Dex::parse(&bytes).unwrap();
    let summary = exercise(&dex);
    assert_eq!(summary.methods_skipped, 1);
    assert_eq!(call_site_count(&dex), 2);
}

#[test]
fn unused_opcode_and_truncated_instruction_skip_the_method() {
    for bad_code in [
        concat(&[invoke(0x71, 0, &[0]), vec![0x003e], return_void()]), // unused opcode 0x3e
        concat(&[invoke(0x71, 0, &[0]), vec![0x0071, 0x0000]]),        // invoke missing a unit
        concat(&[invoke(0x71, 0, &[0]), vec![0x0300, 0xffff, 0xffff, 0xffff]]), // huge array payload
        concat(&[vec![0x0100, 0xffff], return_void()]), // huge switch payload
    ] {
        let mut b = DexBuilder::new(35);
        let callee = b.method("Lx/C;", "c", "V", &[]);
        let bad = b.method("Lx/C;", "bad", "V", &[]);
        let good = b.method("Lx/C;", "good", "V", &[]);
        let class = b.class("Lx/C;", None);
        b.direct(class, bad, Some(bad_code.clone()));
        b.direct(
            class,
            good,
            Some(concat(&[invoke(0x71, callee as u16, &[]), return_void()])),
        );
        let bytes = b.build();
        let dex = Dex::parse(&bytes).unwrap();
        let mut sites = Vec::new();
        let summary = dex.visit_call_sites(|s| sites.push(s.caller_method_idx));
        assert_eq!(sites, vec![good], "for {bad_code:04x?}");
        assert_eq!(summary.methods_skipped, 1);
        assert!(matches!(
            summary.first_error.unwrap().error,
            DexError::UnusedOpcode { opcode: 0x3e, .. } | DexError::InstructionPastEnd { .. }
        ));
    }
}

#[test]
fn misaligned_code_off_is_rejected() {
    let (bytes, layout) = small_dex();
    let dex = Dex::parse(&bytes).unwrap();
    assert!(matches!(
        dex.code_item(layout.code_offs[0] as u32 + 2),
        Err(DexError::Misaligned { .. })
    ));
}

#[test]
fn shared_code_items_and_class_data_are_scanned_once() {
    let (mut bytes, layout) = small_dex();
    // Class B reuses class A's class data ...
    set_u32(
        &mut bytes,
        layout.class_defs_off + 32 + 24,
        layout.class_data_offs[0] as u32,
    );
    let dex = Dex::parse(&bytes).unwrap();
    let summary = exercise(&dex);
    assert_eq!(summary.classes_sharing_class_data, 1);
    assert_eq!(call_site_count(&dex), 2);

    // ... and many methods point at one code item.
    let (mut bytes, layout) = small_dex();
    let mut raw = vec![0, 0, 0];
    uleb(1000, &mut raw);
    for i in 0..1000 {
        uleb(u32::from(i > 0), &mut raw);
        uleb(1, &mut raw);
        uleb(layout.code_offs[0] as u32, &mut raw);
    }
    replace_class_data(&mut bytes, &layout, 1, &raw);
    let dex = Dex::parse(&bytes).unwrap();
    let summary = exercise(&dex);
    assert_eq!(summary.methods_sharing_code, 1000);
    assert_eq!(call_site_count(&dex), 2);
    assert_eq!(dex.methods().filter(|m| m.shares_code).count(), 1000);
}

#[test]
fn unterminated_and_overlapping_strings_fail_individually() {
    let (bytes, _) = small_dex();
    let dex = Dex::parse(&bytes).unwrap();
    let last = dex.string_count() - 1;
    let expected_last = dex.string(last).unwrap().into_owned();
    // Drop the final NUL of the last string (string data is last before the map in our layout,
    // so instead point the last string at the final bytes of the file).
    let mut unterminated = bytes.clone();
    let off = (unterminated.len() - 2) as u32;
    let n = unterminated.len();
    unterminated[n - 2] = 1; // uleb length 1
    unterminated[n - 1] = b'z'; // and no NUL before the end
    set_u32(&mut unterminated, HEADER + 4 * last as usize, off);
    let dex = Dex::parse(&unterminated).unwrap();
    assert!(matches!(
        dex.string(last),
        Err(DexError::UnterminatedString { .. })
    ));
    assert!(dex.string(0).is_ok());
    assert_ne!(expected_last, "");

    // Many string ids sharing one long NUL-free run: each fails, and quickly.
    let mut b = DexBuilder::new(35);
    b.string("a");
    let mut bytes = b.build();
    let run_off = bytes.len() as u32;
    bytes.push(0x7f); // uleb length
    bytes.extend(std::iter::repeat_n(b'A', 200_000));
    let ids_off = bytes.len();
    let count = 100_000u32;
    for i in 0..count {
        // Half share one start; half start one byte apart inside the run.
        let off = if i % 2 == 0 { run_off } else { run_off + i };
        bytes.extend_from_slice(&off.to_le_bytes());
    }
    set_u32(&mut bytes, OFF_STRING_IDS_SIZE, count);
    set_u32(&mut bytes, OFF_STRING_IDS_OFF, ids_off as u32);
    let started = Instant::now();
    let dex = Dex::parse(&bytes).unwrap();
    // Only the highest start can end at a NUL (inside the id table that follows the run); every
    // other string overlaps the next one's data or shares its start.
    let ok = dex.strings().filter(Result::is_ok).count();
    assert!(ok <= 1, "{ok} overlapping strings resolved");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn display_of_a_huge_shared_name_is_bounded() {
    let mut b = DexBuilder::new(35);
    let long_name = "n".repeat(100_000);
    let m = b.method("Lx/A;", &long_name, "V", &[]);
    let ok = b.method("Lx/A;", "short", "V", &[]);
    let bytes = b.build();
    let dex = Dex::parse(&bytes).unwrap();
    assert!(matches!(
        dex.method_ref_display(m),
        Err(DexError::DisplayTooLong { .. })
    ));
    assert_eq!(dex.method_ref_display(ok).unwrap(), "Lx/A;->short()V");
    // The string itself is still available in full.
    let name_idx = dex.method_ref(m).unwrap().name_idx;
    assert_eq!(dex.string(name_idx).unwrap().len(), 100_000);
}

#[test]
fn anomalies_are_capped() {
    let (mut bytes, layout) = small_dex();
    // A map with thousands of items of an unknown type.
    let map_off = bytes.len();
    let items = 5_000u32;
    bytes.extend_from_slice(&items.to_le_bytes());
    for i in 0..items {
        bytes.extend_from_slice(&0x7777u16.to_le_bytes());
        bytes.extend_from_slice(&0u16.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&(i * 4).to_le_bytes());
    }
    set_u32(&mut bytes, 52, map_off as u32);
    let _ = layout;
    let dex = Dex::parse(&bytes).unwrap();
    assert_eq!(dex.anomalies().len(), piaudit_dex::MAX_ANOMALIES);
    assert!(dex.anomalies_dropped() > 4_000);
}

#[test]
fn v41_container_with_bad_header_offset_is_an_error() {
    let mut b = DexBuilder::new(41);
    b.string("x");
    let mut bytes = b.build();
    let dex = Dex::parse(&bytes).unwrap();
    assert_eq!(dex.next_in_container(), None);
    set_u32(&mut bytes, 116, 8);
    assert!(matches!(
        Dex::parse(&bytes),
        Err(DexError::BadContainer { .. })
    ));
}

#[test]
fn type_descriptor_bytes_are_raw_and_bounds_checked() {
    let (mut bytes, layout) = small_dex();
    let dex = Dex::parse(&bytes).unwrap();
    let class = dex.class_def(0).unwrap();
    assert_eq!(
        dex.type_descriptor_bytes(class.class_idx).unwrap(),
        b"Lx/A;"
    );
    assert!(matches!(
        dex.type_descriptor_bytes(dex.type_count()),
        Err(DexError::IndexOutOfRange { .. })
    ));
    assert!(dex.type_descriptor_bytes(u32::MAX).is_err());
    // A type naming a string index past the table, then one whose string data lies past the end.
    let type_ids_off = u32::from_le_bytes(
        bytes[OFF_TYPE_IDS_OFF..OFF_TYPE_IDS_OFF + 4]
            .try_into()
            .unwrap(),
    ) as usize;
    set_u32(&mut bytes, type_ids_off, 0xffff_fff0);
    let dex = Dex::parse(&bytes).unwrap();
    assert!(matches!(
        dex.type_descriptor_bytes(0),
        Err(DexError::IndexOutOfRange { .. })
    ));
    let string_idx = {
        let (bytes, _) = small_dex();
        let dex = Dex::parse(&bytes).unwrap();
        dex.type_descriptor_idx(1).unwrap()
    };
    set_u32(&mut bytes, type_ids_off, string_idx);
    set_u32(
        &mut bytes,
        layout.string_ids_off + 4 * string_idx as usize,
        0xffff_fff0,
    );
    let dex = Dex::parse(&bytes).unwrap();
    assert!(dex.type_descriptor_bytes(0).is_err());
    assert!(dex.type_descriptor(0).is_err());
    exercise(&dex);
}
