//! Cross-checks against Debian's `dexdump` on real DEX files (and on a synthetic one): header
//! counts, the set of class descriptors, and every invoke and const-string instruction by file
//! address and index. Each test skips, saying why, when `dexdump` or the input is absent.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use piaudit_dex::{CodeRefKind, Dex};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/corpus/apks")
}

fn real_dex_path() -> Option<PathBuf> {
    let path = corpus_dir().join("androguard-org.andstatus.app_254.dex");
    assert!(
        path.exists(),
        "{} is absent (bash ../shared/corpus/fetch.sh target/corpus)",
        path.display()
    );
    Some(path)
}

/// Runs `dexdump ARGS FILE`; `None` (with a printed reason) when dexdump cannot be run.
fn dexdump(args: &[&str], file: &Path) -> Option<String> {
    match Command::new("dexdump").args(args).arg(file).output() {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!(
            "dexdump failed on {}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(err) => panic!("dexdump not available (apt-get install dexdump): {err}"),
    }
}

fn header_field(dump: &str, name: &str) -> Option<u32> {
    dump.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        if key.trim() != name {
            return None;
        }
        value.split_whitespace().next()?.parse().ok()
    })
}

/// An instruction reference as dexdump prints it: (file address, mnemonic, kind, index).
type DumpRef = (u64, String, &'static str, u32);

/// Parses `ADDR: hex |PC: mnemonic ... // method@IDX` lines for invokes and const-strings.
/// dexdump prints string literals raw, so a const-string whose literal holds a newline ends its
/// `// string@IDX` comment on a later line; such instructions are completed from that line.
fn dexdump_refs(disassembly: &str) -> Vec<DumpRef> {
    let mut refs = Vec::new();
    let mut pending: Option<(u64, String)> = None;
    for line in disassembly.lines() {
        // An instruction line is `AAAAAA: hex units |PPPP: mnemonic ...`; literal text inside a
        // multi-line string must not be mistaken for one.
        let parsed = line.split_once(": ").and_then(|(addr, rest)| {
            let is_hex = |s: &str| s.len() >= 4 && s.bytes().all(|b| b.is_ascii_hexdigit());
            if !is_hex(addr) {
                return None;
            }
            let addr = u64::from_str_radix(addr, 16).ok()?;
            let (units, insn) = rest.split_once('|')?;
            let (pc, _) = insn.split_once(": ")?;
            if !is_hex(pc) || !units.split_whitespace().all(is_hex) {
                return None;
            }
            let mnemonic = insn.split_whitespace().nth(1)?;
            Some((addr, mnemonic.to_owned(), insn))
        });
        let (addr, mnemonic, text) = match parsed {
            Some(insn) => {
                pending = None;
                insn
            }
            None => match pending.take() {
                Some((addr, mnemonic)) => (addr, mnemonic, line),
                None => continue,
            },
        };
        if !mnemonic.starts_with("invoke-") && !mnemonic.starts_with("const-string") {
            continue;
        }
        let index = text.rsplit_once("// ").and_then(|(_, tail)| {
            [
                ("method@", "method"),
                ("call_site@", "call_site"),
                ("string@", "string"),
            ]
            .into_iter()
            .find_map(|(prefix, kind)| {
                let hex = tail.trim().strip_prefix(prefix)?;
                let hex = hex.split(',').next().unwrap_or(hex).trim();
                Some((kind, u32::from_str_radix(hex, 16).ok()?))
            })
        });
        match index {
            Some((kind, idx)) => refs.push((addr, mnemonic, kind, idx)),
            None => pending = Some((addr, mnemonic)),
        }
    }
    refs
}

/// Our references in the same shape (mnemonic family only: opcode → name prefix check below).
fn our_refs(dex: &Dex<'_>) -> Vec<(u64, u8, &'static str, u32)> {
    let mut refs = Vec::new();
    let summary = dex.visit_code_refs(|method, code_ref| {
        let addr = u64::from(method.code_off) + 16 + 2 * u64::from(code_ref.insn_offset);
        let (kind, idx) = match code_ref.kind {
            CodeRefKind::Invoke { method_idx } => ("method", method_idx),
            CodeRefKind::InvokeCustom { call_site_idx } => ("call_site", call_site_idx),
            CodeRefKind::ConstString { string_idx } => ("string", string_idx),
        };
        refs.push((addr, code_ref.opcode, kind, idx));
    });
    assert_eq!(summary.methods_skipped, 0, "{:?}", summary.first_error);
    refs
}

fn mnemonic_for(opcode: u8) -> &'static str {
    match opcode {
        0x1a => "const-string",
        0x1b => "const-string/jumbo",
        0x6e => "invoke-virtual",
        0x6f => "invoke-super",
        0x70 => "invoke-direct",
        0x71 => "invoke-static",
        0x72 => "invoke-interface",
        0x74 => "invoke-virtual/range",
        0x75 => "invoke-super/range",
        0x76 => "invoke-direct/range",
        0x77 => "invoke-static/range",
        0x78 => "invoke-interface/range",
        0xfa => "invoke-polymorphic",
        0xfb => "invoke-polymorphic/range",
        0xfc => "invoke-custom",
        0xfd => "invoke-custom/range",
        _ => "?",
    }
}

/// Asserts that our invokes/const-strings equal dexdump's, instruction by instruction.
fn assert_refs_match_dexdump(dex: &Dex<'_>, file: &Path, extra_args: &[&str]) -> Option<usize> {
    let mut args = vec!["-d"];
    args.extend_from_slice(extra_args);
    let disassembly = dexdump(&args, file)?;
    let mut theirs = dexdump_refs(&disassembly);
    let mut ours: Vec<DumpRef> = our_refs(dex)
        .into_iter()
        .map(|(addr, op, kind, idx)| (addr, mnemonic_for(op).to_owned(), kind, idx))
        .collect();
    theirs.sort();
    ours.sort();
    let invokes = theirs.iter().filter(|r| r.1.starts_with("invoke-")).count();
    assert!(
        invokes > 0,
        "dexdump printed no invokes for {}",
        file.display()
    );
    let only_ours: Vec<_> = ours
        .iter()
        .filter(|r| theirs.binary_search(r).is_err())
        .take(5)
        .collect();
    let only_theirs: Vec<_> = theirs
        .iter()
        .filter(|r| ours.binary_search(r).is_err())
        .take(5)
        .collect();
    assert_eq!(
        ours.len(),
        theirs.len(),
        "reference count differs from dexdump; only ours: {only_ours:?}; only dexdump's: {only_theirs:?}"
    );
    assert_eq!(
        ours, theirs,
        "only ours: {only_ours:?}; only dexdump's: {only_theirs:?}"
    );
    Some(invokes)
}

#[test]
#[ignore = "needs dexdump and the registry corpus (target/corpus); .ci/run has both"]
fn header_counts_match_dexdump() {
    let Some(path) = real_dex_path() else { return };
    let Some(dump) = dexdump(&["-f"], &path) else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let dex = Dex::parse(&bytes).unwrap();
    assert!(dex.anomalies().is_empty(), "{:?}", dex.anomalies());
    assert!(dex.checksum_matches());
    let checks = [
        ("string_ids_size", dex.string_count()),
        ("type_ids_size", dex.type_count()),
        ("proto_ids_size", dex.proto_count()),
        ("field_ids_size", dex.field_ref_count()),
        ("method_ids_size", dex.method_ref_count()),
        ("class_defs_size", dex.class_count()),
    ];
    for (name, ours) in checks {
        assert_eq!(header_field(&dump, name), Some(ours), "{name}");
    }
    // Every string decodes.
    assert_eq!(dex.strings().filter(Result::is_err).count(), 0);
}

#[test]
#[ignore = "needs dexdump and the registry corpus (target/corpus); .ci/run has both"]
fn class_descriptors_match_dexdump() {
    let Some(path) = real_dex_path() else { return };
    let Some(dump) = dexdump(&["-f"], &path) else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let dex = Dex::parse(&bytes).unwrap();
    let theirs: BTreeSet<String> = dump
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Class descriptor  : '"))
        .map(|rest| rest.trim_end_matches('\'').to_owned())
        .collect();
    let ours: BTreeSet<String> = dex
        .class_defs()
        .map(|c| dex.type_descriptor(c.class_idx).unwrap().into_owned())
        .collect();
    assert_eq!(ours.len(), dex.class_count() as usize);
    assert_eq!(ours, theirs);
}

#[test]
#[ignore = "needs dexdump and the registry corpus (target/corpus); .ci/run has both"]
fn every_invoke_and_const_string_matches_dexdump_disassembly() {
    let Some(path) = real_dex_path() else { return };
    let bytes = std::fs::read(&path).unwrap();
    let dex = Dex::parse(&bytes).unwrap();
    let Some(invokes) = assert_refs_match_dexdump(&dex, &path, &[]) else {
        return;
    };
    let mut call_sites = 0usize;
    dex.visit_call_sites(|_| call_sites += 1);
    let custom = dex.call_sites().count();
    assert_eq!(custom, call_sites);
    assert!(invokes >= call_sites);
    eprintln!("{invokes} invoke instructions match dexdump");
}

#[test]
#[ignore = "needs dexdump (apt-get install dexdump; .ci/run does this)"]
fn synthetic_dex_matches_dexdump_disassembly() {
    let mut b = common::DexBuilder::new(35);
    let target = b.method("Lx/Y;", "z", "V", &["I"]);
    let s = b.string("hello");
    let class = b.class("Lx/Y;", Some("Ljava/lang/Object;"));
    let code = common::concat(&[
        common::const_string(0, s as u16),
        common::packed_switch(6),
        common::goto16(12),
        common::packed_switch_payload(2, 3),
        common::invoke(0x71, target as u16, &[0]),
        common::invoke_range(0x74, target as u16, 2, 0),
        common::return_void(),
    ]);
    b.direct(class, target, Some(code));
    let bytes = b.build();
    let path =
        std::env::temp_dir().join(format!("piaudit-dex-synthetic-{}.dex", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let dex = Dex::parse(&bytes).unwrap();
    let result = assert_refs_match_dexdump(&dex, &path, &["-j"]);
    let _ = std::fs::remove_file(&path);
    if let Some(invokes) = result {
        assert_eq!(invokes, 2);
    }
}

/// Extracts `classes*.dex` from the corpus APKs with `unzip` and cross-checks each against
/// dexdump. Ignored by default (it shells out to unzip): `cargo test -- --ignored`.
#[test]
#[ignore = "needs dexdump, unzip and the registry corpus (target/corpus); .ci/run has them"]
fn apk_dex_files_match_dexdump() {
    let dir = std::env::temp_dir().join(format!("piaudit-dex-apks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let entries = std::fs::read_dir(corpus_dir())
        .expect("the registry corpus (bash ../shared/corpus/fetch.sh target/corpus)");
    let mut checked = 0;
    for entry in entries.flatten() {
        let apk = entry.path();
        if apk.extension().is_none_or(|e| e != "apk") {
            continue;
        }
        let out = dir.join(apk.file_stem().unwrap());
        let status = Command::new("unzip")
            .args(["-q", "-o"])
            .arg(&apk)
            .arg("classes*.dex")
            .arg("-d")
            .arg(&out)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            continue;
        }
        for dex_file in std::fs::read_dir(&out).unwrap().flatten() {
            let path = dex_file.path();
            let bytes = std::fs::read(&path).unwrap();
            let dex = Dex::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if let Some(dump) = dexdump(&["-f"], &path) {
                assert_eq!(
                    header_field(&dump, "class_defs_size"),
                    Some(dex.class_count())
                );
                assert_eq!(
                    header_field(&dump, "string_ids_size"),
                    Some(dex.string_count())
                );
                assert_eq!(
                    header_field(&dump, "method_ids_size"),
                    Some(dex.method_ref_count())
                );
            }
            assert_refs_match_dexdump(&dex, &path, &[]);
            eprintln!("checked {} ({} classes)", path.display(), dex.class_count());
            checked += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("{checked} DEX files from APKs matched dexdump");
}
