//! Hostile input: tampered archives Android still installs (BadPack and friends) must decode
//! to the same facts as the clean APK, with the tampering recorded as anomalies; zip bombs are
//! errors for that entry with the rest of the facts kept; no truncation or byte flip panics.

mod common;

use common::{ZipItem, ZipTail, entries_of, sample, write_zip};
use piaudit::analyze::{self, Context, Extraction, Options};
use piaudit::apk::Limits;

fn analyze(bytes: Vec<u8>) -> Extraction {
    analyze::analyze_bytes("test.apk", bytes, &Context::default(), &Options::default())
        .expect("decodes")
}

fn clean() -> (Vec<ZipItem>, Extraction) {
    let bytes = std::fs::read(sample("yuhang-musiclive.apk")).expect("sample present");
    (entries_of(&bytes), analyze(bytes))
}

/// The facts a tampered copy must still show.
fn core(x: &Extraction) -> (Option<String>, Vec<String>, u64, Option<String>) {
    (
        x.facts.package.clone(),
        x.facts.permissions.iter().map(|p| p.name.clone()).collect(),
        x.facts.dex.class_count,
        x.facts.launch_activity.clone(),
    )
}

fn anomaly_kinds(x: &Extraction) -> Vec<String> {
    x.facts.anomalies.iter().map(|a| a.kind.clone()).collect()
}

fn tampered(items: Vec<ZipItem>, tail: ZipTail) -> Extraction {
    analyze(write_zip(&items, &tail))
}

#[test]
fn the_rewritten_sample_is_identical_in_facts() {
    let (items, clean) = clean();
    let rewritten = tampered(items, ZipTail::default());
    assert!(clean.facts.package.is_some());
    assert!(clean.facts.dex.class_count > 0);
    assert_eq!(core(&rewritten), core(&clean));
}

#[test]
fn badpack_unknown_method_with_stored_data_is_read_as_stored() {
    let (mut items, clean) = clean();
    for it in items
        .iter_mut()
        .filter(|i| i.name == "AndroidManifest.xml" || i.name == "classes.dex")
    {
        it.deflate = false;
        it.cd_method = Some(0x1337);
        it.local_method = Some(0x1337);
    }
    let x = tampered(items, ZipTail::default());
    assert_eq!(core(&x), core(&clean));
    assert!(
        anomaly_kinds(&x).contains(&"unknown-compression-method".to_owned()),
        "{:?}",
        anomaly_kinds(&x)
    );
    assert!(x.facts.anomalies.iter().any(|a| a.severity == "high"));
}

#[test]
fn badpack_local_header_that_lies_about_the_method_is_ignored() {
    let (mut items, clean) = clean();
    for it in items.iter_mut().filter(|i| i.name == "AndroidManifest.xml") {
        it.local_method = Some(if it.deflate { 0 } else { 8 });
    }
    let x = tampered(items, ZipTail::default());
    assert_eq!(core(&x), core(&clean));
    assert!(
        anomaly_kinds(&x).contains(&"compression-method-mismatch".to_owned()),
        "{:?}",
        anomaly_kinds(&x)
    );
}

#[test]
fn fake_encryption_flag_is_ignored_and_reported() {
    let (mut items, clean) = clean();
    for it in &mut items {
        it.flags |= 1;
    }
    let x = tampered(items, ZipTail::default());
    assert_eq!(core(&x), core(&clean));
    assert!(
        anomaly_kinds(&x).contains(&"encryption-flag".to_owned()),
        "{:?}",
        anomaly_kinds(&x)
    );
}

#[test]
fn a_fake_eocd_in_the_comment_does_not_hide_the_archive() {
    let (items, clean) = clean();
    // An EOCD signature inside the comment, pointing nowhere.
    let mut comment = vec![0x50, 0x4b, 0x05, 0x06];
    comment.extend_from_slice(&[0xff; 18]);
    let x = tampered(
        items,
        ZipTail {
            comment,
            zip64: false,
        },
    );
    assert_eq!(core(&x), core(&clean));
}

#[test]
fn duplicate_names_use_the_first_entry_and_are_reported() {
    let (mut items, clean) = clean();
    items.push(ZipItem::new(
        "AndroidManifest.xml",
        b"garbage that is not binary xml".to_vec(),
        true,
    ));
    let x = tampered(items, ZipTail::default());
    assert_eq!(core(&x), core(&clean));
    assert!(
        anomaly_kinds(&x).contains(&"duplicate-entry".to_owned()),
        "{:?}",
        anomaly_kinds(&x)
    );
}

#[test]
fn zip64_end_records_are_followed() {
    let (items, clean) = clean();
    let x = tampered(
        items,
        ZipTail {
            comment: Vec::new(),
            zip64: true,
        },
    );
    assert_eq!(core(&x), core(&clean));
}

#[test]
fn a_zip_bomb_is_an_error_for_its_entry_and_the_rest_of_the_facts_stay() {
    let (mut items, _) = clean();
    // 64 MiB of zeros deflate to ~64 KiB: a 1000:1 ratio, over the default limit.
    items.push(ZipItem::new("assets/bomb.dex", vec![0u8; 64 << 20], true));
    let x = tampered(items.clone(), ZipTail::default());
    assert!(x.facts.package.is_some());
    assert!(
        x.facts
            .problems
            .iter()
            .any(|p| p.message.contains("zip bomb")),
        "{:?}",
        x.facts.problems
    );

    // The same with a lying declared size, and a small per-entry cap.
    let bomb = items.last_mut().unwrap();
    bomb.declared_size = Some(10);
    let x = analyze_within(
        &items,
        Limits {
            max_entry: 1 << 20,
            ..Limits::default()
        },
    );
    assert_kept_facts_and_problem(&x, "zip bomb");
}

/// Decodes `items` as an archive under `limits`.
fn analyze_within(items: &[ZipItem], limits: Limits) -> Extraction {
    let opts = Options {
        limits,
        ..Options::default()
    };
    analyze::analyze_bytes(
        "limited.apk",
        write_zip(items, &ZipTail::default()),
        &Context::default(),
        &opts,
    )
    .expect("decodes")
}

/// The app's facts survived and a problem names what was refused.
fn assert_kept_facts_and_problem(x: &Extraction, needle: &str) {
    assert!(x.facts.package.is_some());
    assert!(
        x.facts.problems.iter().any(|p| p.message.contains(needle)),
        "{:?}",
        x.facts.problems
    );
}

#[test]
fn a_total_budget_stops_many_medium_entries() {
    let (mut items, _) = clean();
    for i in 0..8 {
        let mut data = vec![0u8; 4 << 20];
        // Vary the bytes so the ratio check does not fire first.
        for (j, b) in data.iter_mut().enumerate() {
            *b = (j.wrapping_mul(2_654_435_761) >> 13) as u8 ^ i;
        }
        items.push(ZipItem::new(&format!("assets/part{i}.dex"), data, true));
    }
    let x = analyze_within(
        &items,
        Limits {
            max_total: 16 << 20,
            ..Limits::default()
        },
    );
    assert_kept_facts_and_problem(&x, "per-app limit");
}

#[test]
fn non_apk_inputs_are_clear_errors() {
    let ctx = Context::default();
    let opts = Options::default();
    for (bytes, want) in [
        (
            b"hello, I am a text file renamed .apk\n".to_vec(),
            "not an APK",
        ),
        (vec![0x50, 0x4b, 0x03, 0x04, 1, 2, 3], "not an APK"),
        (
            write_zip(
                &[ZipItem::new("readme.txt", b"hi".to_vec(), true)],
                &ZipTail::default(),
            ),
            "no AndroidManifest.xml",
        ),
    ] {
        let err = analyze::analyze_bytes("x.apk", bytes, &ctx, &opts)
            .err()
            .expect("an error");
        assert!(err.to_string().contains(want), "{err}");
    }
}

/// A deterministic generator for the byte-flip test (no dependency needed for this).
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn every_prefix_truncation_and_byte_flips_never_panic() {
    let bytes = std::fs::read(sample("no-pi-calculator.apk")).expect("sample present");
    let ctx = Context::default();
    let opts = Options::default();
    let step = (bytes.len() / 4000).max(1);
    let mut decoded = 0;
    for len in (0..bytes.len()).step_by(step) {
        if analyze::analyze_bytes("t.apk", bytes[..len].to_vec(), &ctx, &opts).is_ok() {
            decoded += 1;
        }
    }
    // The tail of a zip holds its central directory: few prefixes decode.
    println!("{decoded} of {} prefixes decoded", bytes.len() / step);
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let mut b = bytes.clone();
        for _ in 0..1 + rng.next() % 4 {
            let at = (rng.next() % b.len() as u64) as usize;
            b[at] ^= 1 << (rng.next() % 8);
        }
        let _ = analyze::analyze_bytes("f.apk", b, &ctx, &opts);
    }
}

/// Inputs the fuzzers found crashes with (kept as regression tests).
#[test]
fn fuzzer_findings_stay_fixed() {
    let dir = common::repo().join("tests/data/fuzz");
    let ctx = Context::default();
    let opts = Options::default();
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("tests/data/fuzz") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let _ = analyze::analyze_bytes("fuzz.apk", bytes, &ctx, &opts);
        n += 1;
    }
    assert!(n > 0);
}
