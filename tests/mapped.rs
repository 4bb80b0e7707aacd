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

/// Hashing a mapped input visits every byte once, in order, through windows whose pages are
/// released after the visit; the mapping still reads the same bytes afterwards (the zip reader
/// reads entries from it after the hash).
#[test]
fn a_mapped_file_is_visited_whole_in_windows_and_stays_readable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.bin");
    // 3.5 MiB of bytes that differ from window to window and within one.
    let bytes: Vec<u8> = (0..(7u32 << 19))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &bytes).expect("write");
    let mapped = std::fs::File::open(&path)
        .and_then(piaudit::apk::MappedFile::new)
        .expect("map");
    let mut seen = Vec::new();
    let mut windows = 0;
    mapped.for_each_window(|w| {
        assert!(
            !w.is_empty() && w.len() <= 1 << 20,
            "window of {} bytes",
            w.len()
        );
        seen.extend_from_slice(w);
        windows += 1;
    });
    assert_eq!(windows, 4);
    assert!(seen == bytes, "the windows are not the file");
    assert!(
        mapped.as_ref() == bytes.as_slice(),
        "the mapping changed after the visit"
    );
}

/// A mapped file truncated by someone else: reading the lost pages gives zeros instead of
/// SIGBUS, and the mapping says it was truncated.
#[test]
fn a_mapping_truncated_under_the_reader_reads_zeros_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shrinking.bin");
    std::fs::write(&path, vec![0xa5u8; 5 << 16]).expect("write");
    let mapped = std::fs::File::open(&path)
        .and_then(piaudit::apk::MappedFile::new)
        .expect("map");
    assert_eq!(mapped.as_ref()[0], 0xa5);
    assert!(!mapped.truncated());
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(4096))
        .expect("truncate");
    let bytes = mapped.as_ref();
    assert_eq!(bytes[4095], 0xa5, "the part still in the file");
    assert_eq!(bytes[bytes.len() - 1], 0, "the lost part reads as zeros");
    assert!(bytes[(3 << 16)..].iter().all(|&b| b == 0));
    assert!(mapped.truncated());
    // Other mappings are not affected.
    let other = dir.path().join("other.bin");
    std::fs::write(&other, vec![7u8; 1 << 16]).expect("write");
    let kept = std::fs::File::open(&other)
        .and_then(piaudit::apk::MappedFile::new)
        .expect("map");
    assert!(!kept.truncated() && kept.as_ref().iter().all(|&b| b == 7));
}
