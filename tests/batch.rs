//! The batch driver end to end, through the binary: broken and hostile inputs in a batch, a
//! batch killed mid-run and resumed, shards that add up to one run, `--from` lists.

#[path = "common/apps.rs"]
mod apps;
mod common;

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use apps::{distinct_apks, piaudit, read, records, run_in, sha256_of};
use common::sample;

fn by_path(records: &[serde_json::Value]) -> BTreeMap<String, serde_json::Value> {
    records
        .iter()
        .map(|r| {
            let path = r["input"]["path"].as_str().unwrap_or_default();
            let name = Path::new(path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            (name.unwrap_or_default(), r.clone())
        })
        .collect()
}

#[test]
fn a_mixed_batch_gives_every_good_app_its_record_and_every_bad_input_an_error_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).expect("mkdir");
    let good = distinct_apks(&inputs, 4);
    let whole = read(&sample("sdk-tracker.apk"));
    std::fs::write(inputs.join("truncated.apk"), &whole[..whole.len() / 2]).expect("write");
    std::fs::write(
        inputs.join("notes.apk"),
        "just some text, renamed to .apk\n",
    )
    .expect("write");
    std::fs::write(inputs.join("bomb.apk"), apps::zip_bomb()).expect("write");
    std::fs::write(inputs.join("cd-bomb.apk"), apps::central_directory_bomb()).expect("write");

    let out = dir.path().join("out.jsonl");
    let o = run_in(
        dir.path(),
        &[
            "scan",
            "in",
            "--jobs",
            "2",
            "-o",
            out.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(3),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 8, "one record per input");
    let recs = by_path(&recs);
    for path in &good {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let r = &recs[&name];
        assert!(r["error"].is_null(), "{name}: {}", r["error"]);
        assert!(r["app"]["package"].is_string(), "{name} has facts");
        assert_eq!(r["input"]["sha256"].as_str().map(str::len), Some(64));
    }
    for bad in ["truncated.apk", "notes.apk", "cd-bomb.apk"] {
        let r = &recs[bad];
        assert!(r["error"].is_string(), "{bad} is an error record: {r}");
        assert!(r["app"].is_null(), "{bad} has no facts");
        assert_eq!(
            r["input"]["sha256"].as_str().map(str::len),
            Some(64),
            "{bad} is still pinned by hash"
        );
    }
    // The bomb is an error for its entry only: the app is still judged, and says why.
    let bomb = &recs["bomb.apk"];
    assert!(bomb["error"].is_null(), "{bomb:.300}");
    let problems = bomb["app"]["problems"].as_array().expect("problems");
    assert!(
        problems.iter().any(|p| {
            let m = p["message"].as_str().unwrap_or_default();
            m.contains("classes.dex") && m.contains("zip bomb")
        }),
        "{problems:?}"
    );
    // Every record is pinned to the run.
    for r in recs.values() {
        assert_eq!(r["run"]["tool"], "piaudit");
        assert_eq!(r["run"]["rules_digest"].as_str().map(str::len), Some(64));
    }
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("unreadable: 3"),
        "summary on stderr: {stderr}"
    );
}

#[test]
fn a_killed_batch_resumes_with_no_duplicate_and_no_missing_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).expect("mkdir");
    let paths = distinct_apks(&inputs, 40);
    let out = dir.path().join("out.jsonl");
    let out_arg = out.to_str().expect("utf-8");

    let mut child = piaudit()
        .current_dir(dir.path())
        .args(["scan", "in", "--jobs", "1", "-o", out_arg])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::fs::read(&out).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) < 3 {
        assert!(Instant::now() < deadline, "no records appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL"); // SIGKILL on Unix
    child.wait().expect("reaped");
    // A record is one write of one whole line, but a SIGKILL can still cut a large write short
    // (the kernel stops between pages): only whole lines count as records here.
    let before: Vec<serde_json::Value> = String::from_utf8_lossy(&read(&out))
        .split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .map(|l| serde_json::from_str(l).expect("a whole line is a whole record"))
        .collect();
    assert!(
        before.len() < paths.len(),
        "killed before the end ({} records)",
        before.len()
    );

    // A kill can also land mid-line: simulate the torn tail such a kill leaves.
    let first_line = String::from_utf8_lossy(&read(&out))
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    // Half the line, cut at a character boundary (records hold non-ASCII text).
    let mut cut = first_line.len() / 2;
    while !first_line.is_char_boundary(cut) {
        cut -= 1;
    }
    let torn = &first_line[..cut];
    assert!(!torn.is_empty());
    std::fs::OpenOptions::new()
        .append(true)
        .open(&out)
        .expect("open")
        .write_all(torn.as_bytes())
        .expect("tear");

    let o = run_in(
        dir.path(),
        &["scan", "in", "--jobs", "2", "--resume", "-o", out_arg],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("torn last line"), "{stderr}");
    let after = records(&out); // every line parses: the torn one is gone
    let hashes: Vec<String> = after.iter().map(sha256_of).collect();
    let unique: HashSet<&String> = hashes.iter().collect();
    assert_eq!(unique.len(), hashes.len(), "no duplicate record");
    let expected: HashSet<String> = paths
        .iter()
        .map(|p| piaudit::batch::sha256_file(p).expect("hash"))
        .collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<HashSet<_>>(),
        expected,
        "no missing record"
    );
    // The first records were kept as they were, not rewritten.
    assert_eq!(after.get(..before.len()), Some(&before[..]));

    // Resuming a complete output scans nothing.
    let o = run_in(dir.path(), &["scan", "in", "--resume", "-o", out_arg]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(records(&out).len(), paths.len());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("already recorded, skipped (--resume): 40")
    );
}

#[test]
fn shards_together_give_the_same_records_as_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).expect("mkdir");
    distinct_apks(&inputs, 12);
    std::fs::write(inputs.join("broken.apk"), "not a zip").expect("write");
    let key = |r: &serde_json::Value| format!("{} {}", sha256_of(r), r["error"].is_null());
    let run = |extra: &[&str], out: &str| {
        let mut args = vec!["scan", "in", "--format", "jsonl", "-o", out];
        args.extend_from_slice(extra);
        let o = run_in(dir.path(), &args);
        let mut keys: Vec<String> = records(&dir.path().join(out)).iter().map(key).collect();
        keys.sort();
        (o.status.code(), keys)
    };
    let (code, full) = run(&[], "full.jsonl");
    assert_eq!(code, Some(3), "the broken input makes the full run exit 3");
    let (code_zero, zero) = run(&["--shard", "0/2"], "s0.jsonl");
    let (code_one, one) = run(&["--shard", "1/2"], "s1.jsonl");
    assert!(!zero.is_empty() && !one.is_empty(), "both shards have work");
    // Exactly one shard owns the broken input, and only it exits 3.
    let mut codes = [code_zero, code_one];
    codes.sort();
    assert_eq!(codes, [Some(0), Some(3)]);
    let mut both = [zero, one].concat();
    both.sort();
    assert_eq!(both, full);
    assert_eq!(full.len(), 13);
}

#[test]
fn inputs_can_be_listed_on_standard_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let apps = distinct_apks(dir.path(), 2);
    let mut child = piaudit()
        .current_dir(dir.path())
        .args(["scan", "--from", "-", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let list = format!("{}\n\n{}\r\n", apps[0].display(), apps[1].display());
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(list.as_bytes())
        .expect("write list");
    let o = child.wait_with_output().expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
}

#[test]
fn resume_needs_a_jsonl_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run_in(
        dir.path(),
        &[
            "scan",
            sample("face-login.apk").to_str().expect("utf-8"),
            "--resume",
            "-o",
            "r.html",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--resume needs the jsonl format"));
}
