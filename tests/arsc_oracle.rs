//! Compares piaudit-arsc, our resource-table reader, with Debian's `aapt` on every sample APK
//! and Debian's framework-res.apk: every entry of every configuration (`aapt dump resources`:
//! id, `package:type/key` name, value type and data, or `<bag>` for complex entries) and the
//! global string pool (`aapt dump strings`).
//!
//! Skips with a printed reason only when `aapt` is not installed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use piaudit::apk::zip::{Budget, Limits, ZipIndex};
use piaudit_arsc::{EntryValue, Table};

use common::tool_present;

/// Sample APKs with a resource table, and framework-res.apk when installed.
fn inputs() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "apk"))
            .collect();
    out.sort();
    let fw = Path::new("/usr/share/android-framework-res/framework-res.apk");
    if fw.exists() {
        out.push(fw.to_path_buf());
    }
    out
}

fn arsc_of(apk: &Path) -> Option<Vec<u8>> {
    let bytes = std::fs::read(apk).expect("read apk");
    let index = ZipIndex::parse(&bytes, &Limits::default()).expect("zip");
    let entry = index.entry("resources.arsc")?;
    let mut budget = Budget::new(Limits::default());
    Some(
        index
            .read(entry, &mut budget)
            .expect("read resources.arsc")
            .0,
    )
}

fn aapt(args: &[&str], apk: &Path) -> String {
    let out = Command::new("aapt")
        .args(args)
        .arg(apk)
        .output()
        .expect("run aapt");
    assert!(
        out.status.success(),
        "aapt {args:?} failed on {}: {}",
        apk.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Entry lines as `default? id name: value`, counted (a table may repeat a line).
type Lines = BTreeMap<String, usize>;

/// `aapt dump resources`: `config ...:` starts a configuration; `resource 0x... name: t=0x..
/// d=0x... (s=...)` is a simple entry, `resource 0x... name: <bag>` a complex one.
fn aapt_entries(text: &str) -> Lines {
    let mut out = Lines::new();
    let mut default = false;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(config) = t.strip_prefix("config ") {
            default = config == "(default):";
            continue;
        }
        let Some(rest) = t.strip_prefix("resource ") else {
            continue;
        };
        let value = if let Some((head, _)) = rest.split_once(" <bag>") {
            format!("{head} <bag>")
        } else if let Some((head, _)) = rest.split_once(" (s=") {
            head.to_owned()
        } else {
            rest.to_owned()
        };
        *out.entry(format!("{default} {value}")).or_default() += 1;
    }
    out
}

fn our_entries(table: &Table<'_>) -> Lines {
    let mut out = Lines::new();
    for p in table.packages() {
        let pname = p.name();
        for chunk in p.type_chunks() {
            let default = chunk.config().is_default();
            let type_name = p.type_name(chunk.type_id()).unwrap_or_default();
            for e in table.entries(chunk) {
                let id =
                    u32::from(p.id()) << 24 | u32::from(chunk.type_id()) << 16 | u32::from(e.id);
                let key = p.key_strings().get(e.key).unwrap_or_default();
                let value = match e.value {
                    EntryValue::Simple(v) => format!("t=0x{:02x} d=0x{:08x}", v.data_type, v.data),
                    EntryValue::Complex { .. } => "<bag>".to_owned(),
                };
                let line = format!("{default} 0x{id:08x} {pname}:{type_name}/{key}: {value}");
                *out.entry(line).or_default() += 1;
            }
        }
    }
    out
}

/// `aapt dump strings`: a header line, then `String #i: text` (text may span lines).
fn aapt_strings(text: &str) -> &str {
    text.split_once('\n').map_or("", |(_, rest)| rest)
}

fn our_strings(table: &Table<'_>) -> String {
    let pool = table.strings();
    let mut out = String::new();
    for i in 0..pool.len() {
        out.push_str(&format!(
            "String #{i}: {}\n",
            pool.get(i).unwrap_or_default()
        ));
    }
    out
}

fn first_differences(ours: &Lines, theirs: &Lines) -> Vec<String> {
    let mut d = Vec::new();
    for (line, n) in ours {
        if theirs.get(line) != Some(n) {
            d.push(format!(
                "piaudit x{n}, aapt x{}: {line}",
                theirs.get(line).unwrap_or(&0)
            ));
        }
    }
    for (line, n) in theirs {
        if !ours.contains_key(line) {
            d.push(format!("piaudit x0, aapt x{n}: {line}"));
        }
    }
    d.truncate(10);
    d
}

#[test]
#[ignore = "needs aapt (apt-get install aapt; .ci/run does this)"]
fn arsc_reader_agrees_with_aapt() {
    assert!(
        tool_present("aapt"),
        "aapt is not installed (apt-get install aapt)"
    );
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for apk in inputs() {
        let Some(bytes) = arsc_of(&apk) else {
            continue;
        };
        let table = Table::parse(&bytes).expect("our reader opens the table");
        assert!(
            table.anomalies().is_empty(),
            "{}: {:?}",
            apk.display(),
            table.anomalies()
        );
        let theirs = aapt_entries(&aapt(&["dump", "resources"], &apk));
        let ours = our_entries(&table);
        assert!(
            !theirs.is_empty(),
            "{}: aapt printed no entries",
            apk.display()
        );
        for d in first_differences(&ours, &theirs) {
            disagreements.push(format!("{}: {d}", apk.display()));
        }
        let strings = aapt(&["dump", "strings"], &apk);
        if aapt_strings(&strings) != our_strings(&table) {
            disagreements.push(format!("{}: global string pools differ", apk.display()));
        }
        compared += 1;
    }
    assert!(compared > 0, "no sample with a resource table");
    println!("compared {compared} resource tables with aapt");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// Discovery chooses string configurations by their `Config` while scanning and by their
/// qualifier string when it classifies kept strings: both must agree on every configuration of
/// every sample and of framework-res (2,200 string configurations, every kind of qualifier).
/// Needs no tool.
#[test]
fn policy_locale_choice_agrees_on_configs_and_qualifiers() {
    let mut configs = 0;
    let mut read = 0;
    for apk in inputs() {
        let Some(bytes) = arsc_of(&apk) else {
            continue;
        };
        let res = piaudit::resources::Resources::parse(&bytes).expect("table opens");
        let mut seen = std::collections::BTreeSet::new();
        res.for_each_string_where(
            |_| true,
            |config, _, locale, _| {
                if seen.insert(locale.to_owned()) {
                    configs += 1;
                    let by_config = piaudit::discovery::is_policy_config(config);
                    read += usize::from(by_config);
                    assert_eq!(
                        by_config,
                        piaudit::discovery::is_policy_locale(locale),
                        "{}: {locale}",
                        apk.display()
                    );
                }
            },
        );
    }
    assert!(
        configs > 0 && read > 0,
        "{configs} configurations, {read} read"
    );
    println!("{configs} string configurations, {read} read by discovery");
}
