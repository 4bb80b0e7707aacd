//! Hostile uploads in a batch, through the binary: each case builds its input (small files;
//! sparse or generated where big), scans it among good apps with `--jobs 2`, and checks that
//! the batch finishes, every good app has its normal record, and the hostile input has a clean
//! record (an error record or a record with the problem named), never a crash or a hang.

#[path = "common/apps.rs"]
mod apps;
mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use common::{ZipItem, ZipTail, entries_of, sample, write_zip};

/// A scan of `inputs` (plus two good apps) into `dir/out.jsonl`, within `limit`.
struct Batch {
    records: Vec<serde_json::Value>,
    good: Vec<PathBuf>,
}

fn scan_batch(dir: &Path, inputs: &[&Path], extra: &[&str], limit: Duration) -> Batch {
    let good = apps::distinct_apks(dir, 2);
    let out = dir.join("out.jsonl");
    let mut args: Vec<std::ffi::OsString> = vec![
        "scan".into(),
        "--jobs".into(),
        "2".into(),
        "-o".into(),
        out.clone().into(),
    ];
    args.extend(extra.iter().map(Into::into));
    args.extend(good.iter().map(|p| p.clone().into_os_string()));
    args.extend(inputs.iter().map(|p| p.as_os_str().to_owned()));
    let started = Instant::now();
    let output = apps::piaudit()
        .current_dir(dir)
        .args(&args)
        .output()
        .expect("piaudit runs");
    assert!(
        started.elapsed() < limit,
        "the batch took {:?}",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("overflow"),
        "{stderr}"
    );
    assert!(
        matches!(output.status.code(), Some(0..=3)),
        "the batch died: {:?}\n{stderr}",
        output.status
    );
    let records = apps::records(&out);
    for g in &good {
        let r = record_of(&records, g);
        assert!(r["error"].is_null(), "{}", trouble(r));
        assert!(r["app"]["package"].is_string(), "{}", trouble(r));
    }
    Batch { records, good }
}

fn record_of<'a>(records: &'a [serde_json::Value], path: &Path) -> &'a serde_json::Value {
    let shown = path.display().to_string();
    records
        .iter()
        .find(|r| r["input"]["path"] == shown.as_str())
        .unwrap_or_else(|| panic!("no record for {shown}: {records:?}"))
}

/// The record's error, or its problems, as one text.
fn trouble(record: &serde_json::Value) -> String {
    let mut out = record["error"].as_str().unwrap_or_default().to_owned();
    for p in record["app"]["problems"].as_array().into_iter().flatten() {
        out.push_str(&format!(" | {p}"));
    }
    out
}

/// A sample with some entries replaced or added.
fn sample_with(name: &str, replace: Vec<ZipItem>) -> Vec<u8> {
    let mut items = entries_of(&apps::read(&sample(name)));
    for new in replace {
        match items.iter_mut().find(|i| i.name == new.name) {
            Some(old) => *old = new,
            None => items.push(new),
        }
    }
    write_zip(&items, &ZipTail::default())
}

/// Binary XML: a string pool of `names` (UTF-8), an empty resource map, then `body` chunks.
fn axml(names: &[&str], body: &[u8]) -> Vec<u8> {
    let mut strings = Vec::new();
    let mut offsets = Vec::new();
    for n in names {
        offsets.extend((strings.len() as u32).to_le_bytes());
        strings.push(n.chars().count() as u8);
        strings.push(n.len() as u8);
        strings.extend(n.as_bytes());
        strings.push(0);
    }
    while strings.len() % 4 != 0 {
        strings.push(0);
    }
    let header = 28u32;
    let strings_start = header + offsets.len() as u32;
    let mut pool = Vec::new();
    pool.extend(1u16.to_le_bytes());
    pool.extend((header as u16).to_le_bytes());
    pool.extend((strings_start + strings.len() as u32).to_le_bytes());
    pool.extend((names.len() as u32).to_le_bytes());
    pool.extend(0u32.to_le_bytes()); // styles
    pool.extend(0x100u32.to_le_bytes()); // UTF-8
    pool.extend(strings_start.to_le_bytes());
    pool.extend(0u32.to_le_bytes());
    pool.extend(offsets);
    pool.extend(strings);
    let mut map = Vec::new();
    map.extend(0x0180u16.to_le_bytes());
    map.extend(8u16.to_le_bytes());
    map.extend(8u32.to_le_bytes());
    let total = 8 + pool.len() + map.len() + body.len();
    let mut out = Vec::with_capacity(total);
    out.extend(3u16.to_le_bytes());
    out.extend(8u16.to_le_bytes());
    out.extend((total as u32).to_le_bytes());
    out.extend(pool);
    out.extend(map);
    out.extend(body);
    out
}

/// A start element named by string `name`, without attributes.
fn start_element(name: u32) -> Vec<u8> {
    let mut c = Vec::with_capacity(36);
    c.extend(0x0102u16.to_le_bytes());
    c.extend(0x10u16.to_le_bytes());
    c.extend(36u32.to_le_bytes());
    c.extend(1u32.to_le_bytes()); // line
    c.extend(u32::MAX.to_le_bytes()); // comment
    c.extend(u32::MAX.to_le_bytes()); // namespace
    c.extend(name.to_le_bytes());
    c.extend(0x14u16.to_le_bytes()); // attribute start
    c.extend(0x14u16.to_le_bytes()); // attribute size
    c.extend([0u8; 8]); // count, id, class, style
    c
}

fn end_element(name: u32) -> Vec<u8> {
    let mut c = Vec::with_capacity(24);
    c.extend(0x0103u16.to_le_bytes());
    c.extend(0x10u16.to_le_bytes());
    c.extend(24u32.to_le_bytes());
    c.extend(1u32.to_le_bytes());
    c.extend(u32::MAX.to_le_bytes());
    c.extend(u32::MAX.to_le_bytes());
    c.extend(name.to_le_bytes());
    c
}

/// A manifest of `levels` nested elements (a `<manifest>` root, then `<a>` all the way down).
pub fn nested_manifest(levels: usize) -> Vec<u8> {
    let mut body = start_element(0);
    for _ in 1..levels {
        body.extend(start_element(1));
    }
    for _ in 1..levels {
        body.extend(end_element(1));
    }
    body.extend(end_element(0));
    axml(&["manifest", "a"], &body)
}

#[test]
fn a_deeply_nested_manifest_is_refused_on_every_thread() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.apk");
    let manifest = nested_manifest(60_000);
    std::fs::write(
        &deep,
        sample_with(
            "english-weather.apk",
            vec![ZipItem::new("AndroidManifest.xml", manifest, true)],
        ),
    )
    .unwrap();
    let batch = scan_batch(dir.path(), &[&deep], &[], Duration::from_secs(120));
    let r = record_of(&batch.records, &deep);
    assert!(trouble(r).contains("levels deep"), "{}", trouble(r));
    // inspect (main thread) says the same.
    let out = apps::run_in(dir.path(), &["inspect", "--xml", "deep.apk"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // A manifest nested just within the limit still decodes.
    let ok = nested_manifest(piaudit::manifest::MAX_DEPTH);
    let parsed = piaudit::manifest::parse_axml(&ok, None).expect("within the limit");
    assert_eq!(parsed.root.name(), "manifest");
    let err =
        piaudit::manifest::parse_axml(&nested_manifest(piaudit::manifest::MAX_DEPTH + 1), None)
            .err()
            .expect("over the limit");
    assert!(err.contains("levels deep"), "{err}");
    let _ = batch.good;
}

/// Runs the binary under an address-space limit (KiB), so that an allocation by a declared
/// count fails the test instead of passing on a machine with memory to spare.
fn scan_limited(dir: &Path, kib: u64, args: &[&Path]) -> Output {
    let mut cmd = std::process::Command::new("sh");
    cmd.current_dir(dir)
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_piaudit"))
        .args(["scan", "--jobs", "2", "-o", "out.jsonl"])
        .args(args);
    cmd.output().expect("sh runs")
}

/// A sparse file of `size` bytes starting with a DEX header whose string, type and method id
/// tables all start after the header and claim `count` entries each (the bytes are zeros).
fn dex_claiming(path: &Path, size: u64, count: u32) {
    let mut h = vec![0u8; 0x70];
    h[..8].copy_from_slice(b"dex\n035\0");
    h[32..36].copy_from_slice(&(size as u32).to_le_bytes());
    h[36..40].copy_from_slice(&0x70u32.to_le_bytes());
    h[40..44].copy_from_slice(&0x1234_5678u32.to_le_bytes());
    for (count_at, off_at) in [(56, 60), (64, 68), (88, 92)] {
        h[count_at..count_at + 4].copy_from_slice(&count.to_le_bytes());
        h[off_at..off_at + 4].copy_from_slice(&0x70u32.to_le_bytes());
    }
    let f = std::fs::File::create(path).unwrap();
    std::io::Write::write_all(&mut &f, &h).unwrap();
    f.set_len(size).unwrap();
}

#[test]
fn dex_id_counts_do_not_size_allocations() {
    let dir = tempfile::tempdir().unwrap();
    let good = apps::distinct_apks(dir.path(), 2);
    // 128 MiB of zeros "holds" 32 M string and type ids and 16 M method ids: by the counts,
    // 1 GiB of type table and 384 MiB of string index per file, two files at once.
    let size = 128u64 << 20;
    let bombs: Vec<PathBuf> = (0..2)
        .map(|i| {
            let p = dir.path().join(format!("ids-{i}.dex"));
            dex_claiming(&p, size, u32::MAX);
            p
        })
        .collect();
    let mut args: Vec<&Path> = good.iter().map(PathBuf::as_path).collect();
    args.extend(bombs.iter().map(PathBuf::as_path));
    let out = scan_limited(dir.path(), 1 << 20, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0..=3)), "{out:?}");
    assert!(!stderr.contains("memory allocation"), "{stderr}");
    let records = apps::records(&dir.path().join("out.jsonl"));
    assert_eq!(records.len(), 4);
    for g in &good {
        assert!(record_of(&records, g)["app"]["package"].is_string());
    }
    for b in &bombs {
        let r = record_of(&records, b);
        let kinds: Vec<&str> = r["app"]["anomalies"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["kind"].as_str())
            .collect();
        assert!(
            kinds.contains(&"table-over-format-limit") && kinds.contains(&"strings-unindexed"),
            "{kinds:?}"
        );
        assert!(trouble(r).contains("over the budget"), "{}", trouble(r));
    }
}

/// A raw deflate stream of `len` zero bytes in fixed-Huffman codes: one literal, then matches
/// of 258 at distance 1 (13 bits each: ~160:1, under a 200:1 ratio cap), built without
/// inflating anything.
fn zeros_deflated(len: u64) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        /// Appends `count` bits of `value`, least significant first.
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u64, count: u32) {
            let reversed = (0..count).fold(0, |r, i| r | ((code >> i) & 1) << (count - 1 - i));
            self.put(reversed, count);
        }
    }
    let mut b = Bits {
        out: Vec::with_capacity((len / 258 * 13 / 8) as usize + 16),
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman
    b.code(0x30, 8); // literal 0
    let mut left = len - 1;
    while left >= 258 {
        b.code(0xc5, 8); // length 258
        b.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        b.code(0x30, 8);
    }
    b.code(0, 7); // end of block
    b.put(0, 7);
    b.out
}

#[test]
fn a_v1_signature_block_bomb_is_inflated_within_piaudit_caps() {
    let dir = tempfile::tempdir().unwrap();
    let len: u64 = 3 << 30;
    let mut rsa = ZipItem::new("META-INF/PIAUDIT.RSA", zeros_deflated(len), false);
    rsa.cd_method = Some(8);
    rsa.local_method = Some(8);
    rsa.declared_size = Some(len as u32);
    let bomb = dir.path().join("v1-bomb.apk");
    std::fs::write(&bomb, sample_with("english-weather.apk", vec![rsa])).unwrap();
    let good = apps::distinct_apks(dir.path(), 2);
    let mut args: Vec<&Path> = good.iter().map(PathBuf::as_path).collect();
    args.push(&bomb);
    let out = scan_limited(dir.path(), 1 << 20, &args);
    assert!(matches!(out.status.code(), Some(0..=3)), "{out:?}");
    let records = apps::records(&dir.path().join("out.jsonl"));
    assert_eq!(records.len(), 3);
    let r = record_of(&records, &bomb);
    assert!(r["app"]["package"].is_string(), "{}", trouble(r));
    assert!(trouble(r).contains("v1 signature block"), "{}", trouble(r));
    // The real signers are still read from an honest sample.
    let x = piaudit::analyze::analyze_path(
        &sample("english-weather.apk"),
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    assert!(
        x.facts.signers.iter().any(|s| s.scheme == "v1"),
        "{:?}",
        x.facts.signers
    );
}
