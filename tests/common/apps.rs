//! Test support for batch and report tests: running the `piaudit` binary, distinct copies of
//! the samples, broken and hostile inputs, and reading jsonl output.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{ZipItem, ZipTail, entries_of, sample, write_zip};

/// The sample APKs (single-file `.apk` only).
pub const SAMPLE_APKS: [&str; 7] = [
    "english-weather.apk",
    "face-login.apk",
    "legacy-target22.apk",
    "no-pi-calculator.apk",
    "policy-complete.apk",
    "sdk-tracker.apk",
    "yuhang-musiclive.apk",
];

pub fn piaudit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_piaudit"))
}

/// Runs piaudit with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    piaudit()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("piaudit runs")
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A sample rebuilt with one extra asset, so every copy has its own SHA-256.
pub fn distinct_copy(name: &str, n: usize) -> Vec<u8> {
    let mut items = entries_of(&read(&sample(name)));
    items.push(ZipItem::new(
        &format!("assets/copy-{n}.txt"),
        format!("copy {n}").into_bytes(),
        false,
    ));
    write_zip(&items, &ZipTail::default())
}

/// Writes `count` distinct APKs (cycling through the samples) into `dir`; returns their paths.
pub fn distinct_apks(dir: &Path, count: usize) -> Vec<PathBuf> {
    (0..count)
        .map(|n| {
            let name = SAMPLE_APKS[n % SAMPLE_APKS.len()];
            let path = dir.join(format!("app-{n:03}.apk"));
            std::fs::write(&path, distinct_copy(name, n)).expect("write copy");
            path
        })
        .collect()
}

/// A zip with a real manifest and a `classes.dex` of 64 MiB of zeros, deflated (~1000:1).
pub fn zip_bomb() -> Vec<u8> {
    let manifest = entries_of(&read(&sample("english-weather.apk")))
        .into_iter()
        .find(|i| i.name == "AndroidManifest.xml")
        .expect("sample has a manifest");
    write_zip(
        &[
            manifest,
            ZipItem::new("classes.dex", vec![0u8; 64 << 20], true),
        ],
        &ZipTail::default(),
    )
}

/// A zip whose end records claim a billion entries in a 46 GB central directory (ZIP64).
pub fn central_directory_bomb() -> Vec<u8> {
    let entries: u64 = 1_000_000_000;
    let mut out = Vec::new();
    // ZIP64 end of central directory record.
    out.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
    out.extend_from_slice(&44u64.to_le_bytes());
    out.extend_from_slice(&45u16.to_le_bytes());
    out.extend_from_slice(&45u16.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&(46 * entries).to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    // ZIP64 locator: the record is at offset 0.
    out.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    // Classic EOCD with every field saturated.
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&[0xff; 4]);
    out.extend_from_slice(&[0xff; 8]);
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A sample whose manifest string `find` is replaced by `replace` (same length in characters,
/// in the string pool's own encoding), so the app carries an attacker's string.
pub fn with_manifest_string(name: &str, find: &str, replace: &str) -> Vec<u8> {
    assert_eq!(
        find.chars().count(),
        replace.chars().count(),
        "same length keeps the pool valid"
    );
    let mut items = entries_of(&read(&sample(name)));
    let manifest = items
        .iter_mut()
        .find(|i| i.name == "AndroidManifest.xml")
        .expect("sample has a manifest");
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>()
    };
    let (from, to) = if find_bytes(&manifest.data, &utf16(find)).is_some() {
        (utf16(find), utf16(replace))
    } else {
        (find.as_bytes().to_vec(), replace.as_bytes().to_vec())
    };
    let at = find_bytes(&manifest.data, &from).expect("string is in the manifest's pool");
    manifest.data.splice(at..at + from.len(), to);
    write_zip(&items, &ZipTail::default())
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The records of a jsonl output.
pub fn records(path: &Path) -> Vec<serde_json::Value> {
    String::from_utf8(read(path))
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l:.80}: {e}")))
        .collect()
}

pub fn sha256_of(record: &serde_json::Value) -> String {
    record["input"]["sha256"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The first executable of `names` on PATH.
pub fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
}
