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
    output: Output,
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
    Batch {
        output,
        records,
        good,
    }
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
            .map(|_| ())
            .expect_err("over the limit");
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

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn fifos_sockets_devices_and_odd_links_get_records_and_never_block() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let walked = dir.path().join("corpus");
    std::fs::create_dir(&walked).unwrap();
    apps::distinct_apks(&walked, 1);
    mkfifo(&walked.join("fifo.apk"));
    let _socket = std::os::unix::net::UnixListener::bind(walked.join("socket.apk")).unwrap();
    symlink("/dev/zero", walked.join("zero.apk")).unwrap();
    symlink("/dev/null", walked.join("null.apk")).unwrap();
    symlink(walked.join("gone"), walked.join("dangling.apk")).unwrap();
    symlink(walked.join("loop.apk"), walked.join("loop.apk")).unwrap();
    symlink(dir.path(), walked.join("up")).unwrap();
    // A directory of splits with a FIFO for a member.
    let splits = walked.join("splits");
    std::fs::create_dir(&splits).unwrap();
    std::fs::write(
        splits.join("base.apk"),
        apps::distinct_copy("english-weather.apk", 7),
    )
    .unwrap();
    mkfifo(&splits.join("config.arm64_v8a.apk"));
    // A FIFO given on the command line and one in a --from list.
    let given = dir.path().join("given.apk");
    mkfifo(&given);
    let listed = dir.path().join("listed.apk");
    mkfifo(&listed);
    let list = dir.path().join("list.txt");
    std::fs::write(&list, format!("{}\n", listed.display())).unwrap();
    // A symbolic link to a good directory of splits, given explicitly, is followed.
    let good_splits = dir.path().join("good-splits");
    std::fs::create_dir(&good_splits).unwrap();
    std::fs::write(
        good_splits.join("base.apk"),
        apps::distinct_copy("english-weather.apk", 8),
    )
    .unwrap();
    let linked = dir.path().join("linked-splits");
    symlink(&good_splits, &linked).unwrap();

    let batch = scan_batch(
        dir.path(),
        &[&walked, &given, &linked],
        &["--from", list.to_str().unwrap()],
        Duration::from_secs(120),
    );
    for (name, want) in [
        ("corpus/fifo.apk", "not a regular file (a FIFO)"),
        ("corpus/socket.apk", "not a regular file (a socket)"),
        ("corpus/zero.apk", "not a regular file (a character device)"),
        ("corpus/null.apk", "not a regular file (a character device)"),
        ("corpus/dangling.apk", "No such file"),
        ("corpus/loop.apk", "symbolic links"),
        (
            "corpus/splits",
            "config.arm64_v8a.apk: not a regular file (a FIFO)",
        ),
        ("given.apk", "not a regular file (a FIFO)"),
        ("listed.apk", "not a regular file (a FIFO)"),
    ] {
        let r = record_of(&batch.records, &dir.path().join(name));
        assert!(
            r["error"].as_str().unwrap_or_default().contains(want),
            "{name}: {r}"
        );
    }
    let r = record_of(&batch.records, &linked);
    assert_eq!(
        r["app"]["package"],
        "cn.piaudit.sample.weather",
        "{}",
        trouble(r)
    );
    // 2 good apps, the walked one, the 9 above, the linked splits.
    assert_eq!(batch.records.len(), 13);
    let stderr = String::from_utf8_lossy(&batch.output.stderr);
    assert!(
        stderr.contains("skipped: symbolic link to a directory, not followed: 1"),
        "{stderr}"
    );
    assert_eq!(batch.output.status.code(), Some(3));
}

#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_is_scanned_itself_and_shown_escaped() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    // `\xff.apk` is the weather app; beside it, a file named as a lossy conversion would
    // name it holds another app.
    let raw = corpus.join(std::ffi::OsStr::from_bytes(b"\xff.apk"));
    std::fs::write(&raw, apps::distinct_copy("english-weather.apk", 1)).unwrap();
    std::fs::write(
        corpus.join("\u{fffd}.apk"),
        apps::distinct_copy("face-login.apk", 2),
    )
    .unwrap();
    let batch = scan_batch(dir.path(), &[&corpus], &[], Duration::from_secs(120));
    let shown = format!("{}/\\xff.apk", corpus.display());
    let r = batch
        .records
        .iter()
        .find(|r| r["input"]["path"] == shown.as_str())
        .unwrap_or_else(|| panic!("no record for {shown}"));
    assert_eq!(
        r["app"]["package"],
        "cn.piaudit.sample.weather",
        "{}",
        trouble(r)
    );
    let other = record_of(&batch.records, &corpus.join("\u{fffd}.apk"));
    assert_ne!(other["app"]["package"], "cn.piaudit.sample.weather");
    assert_eq!(batch.output.status.code(), Some(0));
}

#[test]
fn an_app_whose_manifest_cannot_be_decoded_does_not_pass_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken-manifest.apk");
    std::fs::write(
        &broken,
        sample_with(
            "no-pi-calculator.apk",
            vec![ZipItem::new(
                "AndroidManifest.xml",
                b"\x03\x00\x08\x00garbage, not binary xml".to_vec(),
                true,
            )],
        ),
    )
    .unwrap();
    let batch = scan_batch(
        dir.path(),
        &[&broken],
        &["--fail-on", "critical"],
        Duration::from_secs(120),
    );
    let r = record_of(&batch.records, &broken);
    assert!(r["app"]["package"].is_null());
    assert!(trouble(r).contains("AndroidManifest.xml"), "{}", trouble(r));
    assert_eq!(batch.output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&batch.output.stderr);
    assert!(
        stderr.contains("not audited (manifest could not be decoded): 1"),
        "{stderr}"
    );
}

#[test]
fn control_characters_from_an_app_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join("escapes.apk");
    // Clear the screen, hide what follows, return to the line start.
    std::fs::write(
        &hostile,
        apps::with_manifest_string(
            "english-weather.apk",
            "cn.piaudit.sample.weather",
            "cn.piaudit\u{1b}[2J\u{1b}[8m\rweathe",
        ),
    )
    .unwrap();
    for format in ["text", "md"] {
        let out = apps::run_in(
            dir.path(),
            &["scan", "--format", format, "--lang", "en", "escapes.apk"],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        if format == "text" {
            assert!(
                text.contains("cn.piaudit\\x1b[2J\\x1b[8m\\x0dweathe"),
                "{text}"
            );
        }
        assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{format}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains('\u{1b}'), "{stderr}");
    }
    // An error naming a hostile file name is escaped too.
    let named = dir.path().join("bad\u{1b}[8m.apk");
    std::fs::write(&named, b"not an apk").unwrap();
    let out = apps::run_in(dir.path(), &["inspect", "bad\u{1b}[8m.apk"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad\\x1b[8m.apk"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[test]
fn resume_gives_every_path_its_record_even_with_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = apps::distinct_copy("english-weather.apk", 3);
    std::fs::write(dir.path().join("a.apk"), &bytes).unwrap();
    let first = apps::run_in(
        dir.path(),
        &["scan", "--resume", "-o", "out.jsonl", "a.apk"],
    );
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    // Later the same bytes arrive under a second name, in the same resumed output.
    std::fs::write(dir.path().join("b.apk"), &bytes).unwrap();
    let out = apps::run_in(
        dir.path(),
        &[
            "scan",
            "--resume",
            "-o",
            "out.jsonl",
            "a.apk",
            "b.apk",
            "b.apk",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let records = apps::records(&dir.path().join("out.jsonl"));
    let paths: Vec<&str> = records
        .iter()
        .filter_map(|r| r["input"]["path"].as_str())
        .collect();
    assert_eq!(
        paths.iter().filter(|p| **p == "a.apk").count(),
        1,
        "{paths:?}"
    );
    assert!(paths.contains(&"b.apk"), "{paths:?}");
    assert!(
        records
            .iter()
            .all(|r| r["app"]["package"] == "cn.piaudit.sample.weather")
    );
}

#[test]
fn missing_inputs_and_empty_shards_do_not_look_like_success() {
    let dir = tempfile::tempdir().unwrap();
    apps::distinct_apks(dir.path(), 1);
    let out = apps::run_in(dir.path(), &["scan", "-o", "o.jsonl", "/corpus-missing"]);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/corpus-missing: no such file or directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("input paths that do not exist: 1"),
        "{stderr}"
    );
    // Every shard of a run over a mistyped mount says so, not only the one owning the record.
    for shard in ["0/3", "1/3", "2/3"] {
        let out = apps::run_in(
            dir.path(),
            &[
                "scan",
                "--shard",
                shard,
                "-o",
                "s.jsonl",
                "/corpus-missing",
                "app-000.apk",
            ],
        );
        assert_eq!(out.status.code(), Some(4), "{shard}: {out:?}");
    }
    // A shard that owns no input says so in its summary.
    let mut nothing = 0;
    for shard in ["0/3", "1/3", "2/3"] {
        let out = apps::run_in(
            dir.path(),
            &["scan", "--shard", shard, "-o", "s.jsonl", "app-000.apk"],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("nothing scanned: every input belongs to another shard") {
            nothing += 1;
        }
    }
    assert_eq!(nothing, 2);
    // An empty directory is a usage error, as before.
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = apps::run_in(dir.path(), &["scan", "empty"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_arguments_are_refused_clearly_and_once() {
    let dir = tempfile::tempdir().unwrap();
    apps::distinct_apks(dir.path(), 1);
    for (args, want) in [
        (vec!["scan", "--jobs", "0", "app-000.apk"], "--jobs 0"),
        (
            vec!["scan", "-o", "out.xyz", "app-000.apk"],
            "unknown report extension",
        ),
        (
            vec!["rules", "list", "--rules", "/rules-missing"],
            "cannot read directory",
        ),
        (vec!["inspect", "missing.apk"], "No such file"),
    ] {
        let out = apps::run_in(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.matches(want).count(), 1, "{args:?}: {stderr}");
        assert!(!dir.path().join("out.xyz").exists());
    }
    for args in [
        ["rules", "show", "PERM-NOT-NECESSARY"],
        ["rules", "types", "--lang"],
        ["rules", "list", "--lang"],
    ] {
        let args: Vec<&str> = if args[2] == "--lang" {
            vec![args[0], args[1], "--lang", "zh"]
        } else {
            args.to_vec()
        };
        let out = apps::run_in(dir.path(), &args);
        assert!(out.stdout.ends_with(b"\n"), "{args:?}");
    }
    for sub in ["list", "show", "types"] {
        let out = apps::run_in(dir.path(), &["rules", sub, "--help"]);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains("--lang <LANG>") && help.contains("Language of"),
            "{help}"
        );
        if sub != "types" {
            assert!(
                help.contains("--rules <DIR>") && help.contains("rules directory"),
                "{help}"
            );
        }
    }
    let out = apps::run_in(dir.path(), &["rules", "check", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("<DIR>  The directory"));
}

#[test]
fn a_closed_standard_output_ends_every_command_quietly() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap();
    apps::distinct_apks(dir.path(), 6);
    let weather = sample("english-weather.apk");
    for (args, status) in [
        (vec!["inspect", weather.to_str().unwrap()], 0),
        (vec!["inspect", "--xml", weather.to_str().unwrap()], 0),
        (vec!["rules", "list"], 0),
        (vec!["rules", "show", "PERM-NOT-NECESSARY"], 0),
        (vec!["rules", "types"], 0),
        (vec!["rules", "coverage"], 0),
        (vec!["schema", "record"], 0),
        (vec!["schema", "facts"], 0),
        (vec!["scan", "--format", "jsonl", "--jobs", "1", "."], 0),
        (vec!["scan", "--format", "text", "--jobs", "1", "."], 0),
        (
            vec!["scan", "--format", "jsonl", "--fail-on", "low", "."],
            1,
        ),
    ] {
        let mut child = apps::piaudit()
            .current_dir(dir.path())
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // The reader is gone (like `| head -1`).
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(status), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        assert!(!first.is_empty());
    }
}

/// An input truncated by another process while piaudit reads it (mapped: it is large) costs
/// that input an error record, not the batch (SIGBUS ended the process before).
#[cfg(target_os = "linux")]
#[test]
fn an_input_truncated_during_the_scan_does_not_kill_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("shrinking.apk");
    // Stored, varied bytes first (the central directory stays at the end): 48 MiB to read.
    let filler: Vec<u8> = (0..(48u32 << 20))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut items = vec![ZipItem::new("assets/filler.bin", filler, false)];
    items.extend(entries_of(&apps::read(&sample("english-weather.apk"))));
    std::fs::write(&big, write_zip(&items, &ZipTail::default())).unwrap();
    let good = apps::distinct_apks(dir.path(), 2);
    let child = apps::piaudit()
        .current_dir(dir.path())
        .args(["scan", "--jobs", "2", "-o", "out.jsonl"])
        .arg(&big)
        .args(&good)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Truncate once the input is mapped (it shows in the process's maps).
    let maps = format!("/proc/{}/maps", child.id());
    let name = big.file_name().unwrap().to_str().unwrap();
    let started = Instant::now();
    while !std::fs::read_to_string(&maps).is_ok_and(|m| m.contains(name)) {
        assert!(started.elapsed() < Duration::from_secs(60), "never mapped");
        std::thread::sleep(Duration::from_millis(2));
    }
    std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .and_then(|f| f.set_len(1 << 20))
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0..=3)),
        "{:?}: {stderr}",
        out.status
    );
    let records = apps::records(&dir.path().join("out.jsonl"));
    assert_eq!(records.len(), 3);
    for g in &good {
        assert!(record_of(&records, g)["app"]["package"].is_string());
    }
    let r = record_of(&records, &big);
    assert!(
        r["error"]
            .as_str()
            .is_some_and(|e| e.contains("truncated by another process")),
        "{}",
        trouble(r)
    );
}

/// An archive of `count` central-directory entries named `s{i}.apk` that all point at one
/// local entry: a deflate stream of `len` varied bytes (no manifest, so each looks like a
/// split to probe).
fn shared_stream_archive(count: usize, len: usize) -> Vec<u8> {
    use std::io::Write as _;
    let data: Vec<u8> = (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 & 0x0f)
        .collect();
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&data).unwrap();
    let raw = enc.finish().unwrap();
    let crc = crc32fast::hash(&data);
    let name = b"s0.apk";
    let mut out = Vec::new();
    out.extend(0x0403_4b50u32.to_le_bytes());
    out.extend([20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
    out.extend(crc.to_le_bytes());
    out.extend((raw.len() as u32).to_le_bytes());
    out.extend((len as u32).to_le_bytes());
    out.extend((name.len() as u16).to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(name);
    out.extend(&raw);
    let cd_offset = out.len() as u32;
    for i in 0..count {
        let name = format!("s{i}.apk");
        out.extend(0x0201_4b50u32.to_le_bytes());
        out.extend([20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
        out.extend(crc.to_le_bytes());
        out.extend((raw.len() as u32).to_le_bytes());
        out.extend((len as u32).to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend([0u8; 12]);
        out.extend(0u32.to_le_bytes());
        out.extend(name.as_bytes());
    }
    let cd_size = out.len() as u32 - cd_offset;
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((count as u16).to_le_bytes());
    out.extend((count as u16).to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

#[test]
fn entries_sharing_one_stream_are_charged_for_every_read() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared-stream.apks");
    std::fs::write(&shared, shared_stream_archive(1000, 8 << 20)).unwrap();
    // With a 64 MiB budget, eight reads of the stream use it up; each of the 1,000 names
    // reading it afresh took 27 s (debug build) before.
    let opts = piaudit::analyze::Options {
        limits: piaudit::apk::Limits {
            max_total: 64 << 20,
            ..Default::default()
        },
        ..Default::default()
    };
    let started = Instant::now();
    let x = piaudit::analyze::analyze_path(&shared, &Default::default(), &opts);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(x.is_err());
    // In a batch, with the default limits.
    let batch = scan_batch(dir.path(), &[&shared], &[], Duration::from_secs(60));
    let r = record_of(&batch.records, &shared);
    assert!(
        trouble(r).contains("no AndroidManifest.xml"),
        "{}",
        trouble(r)
    );
}

#[test]
fn an_oversized_input_is_refused_by_its_size_before_any_byte_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.apk");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(5 << 30)
        .unwrap();
    // A directory of splits whose members together pass the limit.
    let splits = dir.path().join("splits");
    std::fs::create_dir(&splits).unwrap();
    std::fs::write(
        splits.join("base.apk"),
        apps::distinct_copy("english-weather.apk", 9),
    )
    .unwrap();
    for n in 0..2 {
        std::fs::File::create(splits.join(format!("split_{n}.apk")))
            .unwrap()
            .set_len(3 << 30)
            .unwrap();
    }
    // Sharding hashes inputs before scanning: that too must look at the size first.
    for extra in [&[][..], &["--shard", "0/1"][..]] {
        let batch = scan_batch(
            dir.path(),
            &[&huge, &splits],
            extra,
            Duration::from_secs(60),
        );
        let r = record_of(&batch.records, &huge);
        assert!(trouble(r).contains("over the limit"), "{}", trouble(r));
        let r = record_of(&batch.records, &splits);
        assert!(trouble(r).contains("over the limit"), "{}", trouble(r));
    }
}

/// Runs `scan --categories` with `csv` over two samples; the status, stderr and each package's
/// category.
fn scan_with_categories(csv: &str) -> (Option<i32>, String, Vec<(String, serde_json::Value)>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("types.csv"), csv).unwrap();
    let out = apps::piaudit()
        .current_dir(dir.path())
        .args(["scan", "--format", "jsonl", "--categories", "types.csv"])
        .arg(sample("yuhang-musiclive.apk"))
        .arg(sample("no-pi-calculator.apk"))
        .output()
        .unwrap();
    let categories = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|r| {
            (
                r["app"]["package"].as_str().unwrap_or_default().to_owned(),
                r["app"]["category"].clone(),
            )
        })
        .collect();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        categories,
    )
}

#[test]
fn categories_are_read_as_real_csv() {
    // BOM, CRLF, the columns in another order among others, quoted fields (one with a comma),
    // a type by its Chinese name, a repeated row with the same type.
    let csv = "\u{feff}note,Category,package\r\n\
               \"music, live\",education,cn.piaudit.sample.musiclive\r\n\
               \"\",\"实用工具类\",\"cn.piaudit.sample.calculator\"\r\n\
               again,education,cn.piaudit.sample.musiclive\r\n";
    let (status, stderr, categories) = scan_with_categories(csv);
    assert_eq!(status, Some(0), "{stderr}");
    let of = |pkg: &str| categories.iter().find(|(p, _)| p == pkg).unwrap().1.clone();
    assert_eq!(of("cn.piaudit.sample.musiclive"), "education");
    assert_eq!(of("cn.piaudit.sample.calculator"), "utility_tools");
    assert!(
        stderr.contains(":4: cn.piaudit.sample.musiclive is listed again"),
        "{stderr}"
    );
    for (csv, want) in [
        (
            "package,category\na,education\na,utility_tools\n",
            ":3: a is listed again with another type",
        ),
        (
            "package,category\na,no_such_type\n",
            ":2: unknown app type 'no_such_type'",
        ),
        ("pkg,category\na,education\n", ":1: the header must name"),
        (
            "package,category\na\n",
            ":2: expected a package and a category",
        ),
    ] {
        let (status, stderr, _) = scan_with_categories(csv);
        assert_eq!(status, Some(2), "{csv}");
        assert!(stderr.contains(want), "{csv}: {stderr}");
    }
    // --category takes names too.
    let out = apps::piaudit()
        .args(["inspect", "--compact", "--category", "实用工具类"])
        .arg(sample("no-pi-calculator.apk"))
        .output()
        .unwrap();
    let facts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(facts["category"], "utility_tools");
}

#[test]
fn sarif_never_records_absolute_paths_of_the_scanning_machine() {
    let work = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let inside = apps::distinct_apks(work.path(), 1);
    let outside = apps::distinct_apks(elsewhere.path(), 2);
    let out = apps::piaudit()
        .current_dir(work.path())
        .args(["scan", "--format", "sarif", "-o", "r.sarif"])
        .args(&inside)
        .args(&outside)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let text = std::fs::read_to_string(work.path().join("r.sarif")).unwrap();
    assert!(
        !text.contains("file://"),
        "an absolute file URI: {text:.400}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    let run = &sarif["runs"][0];
    let locations: Vec<&serde_json::Value> = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["location"])
        .collect();
    assert_eq!(locations[0]["uriBaseId"], "SRCROOT");
    assert_eq!(locations[0]["uri"], "app-000.apk");
    let base = locations[1]["uriBaseId"].as_str().unwrap();
    assert!(base.starts_with("INPUTDIR_"), "{base}");
    assert_eq!(locations[2]["uriBaseId"], base);
    assert_eq!(locations[2]["uri"], "app-001.apk");
    let ids = run["originalUriBaseIds"].as_object().unwrap();
    assert!(
        ids.contains_key("SRCROOT") && ids.contains_key(base),
        "{ids:?}"
    );
}
