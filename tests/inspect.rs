//! `piaudit inspect` on the samples (built by the real Android toolchain: apktool/aapt, smali,
//! zipalign, apksigner): the facts a user reads, and the CLI contract (exit codes, errors).

mod common;

use std::process::Command;

use common::sample;
use serde_json::Value;

fn inspect(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_piaudit"))
        .arg("inspect")
        .args(args)
        .output()
        .expect("run piaudit");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn facts(name: &str) -> Value {
    let path = sample(name);
    let (code, stdout, stderr) = inspect(&[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("JSON facts")
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn yuhang_sample_facts() {
    let f = facts("yuhang-musiclive.apk");
    assert_eq!(f["package"], "cn.piaudit.sample.musiclive");
    assert_eq!(f["label"], "音乐课直播");
    assert_eq!(
        f["launch_activity"],
        "cn.piaudit.sample.musiclive.MainActivity"
    );
    assert_eq!(f["target_sdk"], 28);
    let perms = names(&f, "permissions");
    for p in [
        "ACCESS_FINE_LOCATION",
        "READ_PHONE_STATE",
        "CAMERA",
        "RECORD_AUDIO",
        "READ_CONTACTS",
    ] {
        assert!(
            perms.contains(&format!("android.permission.{p}")),
            "{p} in {perms:?}"
        );
    }
    assert_eq!(
        f["input"]["size"].as_u64().unwrap(),
        std::fs::metadata(sample("yuhang-musiclive.apk"))
            .unwrap()
            .len()
    );
    assert_eq!(f["input"]["sha256"].as_str().unwrap().len(), 64);
    let signer = &f["signers"][0];
    assert!(
        signer["subject"]
            .as_str()
            .unwrap()
            .contains("piaudit samples"),
        "{signer}"
    );
    assert_eq!(signer["cert_sha256"].as_str().unwrap().len(), 64);
    assert!(f["dex"]["class_count"].as_u64().unwrap() >= 2);
    assert!(
        f["problems"].as_array().unwrap().is_empty(),
        "{}",
        f["problems"]
    );
}

#[test]
fn hygiene_flags_and_network_security_config_are_read() {
    let f = facts("english-weather.apk");
    assert_eq!(f["label"], "Weather Now");
    assert_eq!(f["flags"]["debuggable"], true);
    assert_eq!(f["flags"]["allow_backup"], true);
    assert_eq!(f["flags"]["uses_cleartext_traffic"], true);
    assert_eq!(
        f["flags"]["network_security_config"],
        "res/xml/network_security_config.xml"
    );
    // This XML has no android: attributes, hence no resource map: see manifest::with_resource_map.
    assert_eq!(f["flags"]["nsc_cleartext_permitted"], true);
    let service = f["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().ends_with("SyncService"))
        .expect("SyncService");
    assert_eq!(service["exported"], true);
    assert!(service["permission"].is_null());
    let calc = facts("no-pi-calculator.apk");
    assert_eq!(calc["flags"]["allow_backup"], false);
    assert!(calc["permissions"].as_array().unwrap().is_empty());
}

#[test]
fn legacy_target_and_native_libs() {
    let f = facts("legacy-target22.apk");
    assert_eq!(f["target_sdk"], 22);
    assert_eq!(f["target_sdk_effective"], 22);
    let face = facts("face-login.apk");
    let lib = &face["native_libs"][0];
    assert_eq!(lib["abi"], "x86_64");
    assert_eq!(lib["name"], "libmegface.so");
    assert_eq!(lib["soname"], "libmegface.so");
    assert!(lib["exported_symbols"].as_u64().unwrap() >= 1);
}

#[test]
fn an_xapk_bundle_is_one_app_with_its_splits_merged() {
    let bundle = facts("musiclive-bundle.xapk");
    let base = facts("yuhang-musiclive.apk");
    assert_eq!(bundle["container"], "xapk");
    assert_eq!(bundle["package"], base["package"]);
    assert_eq!(bundle["launch_activity"], base["launch_activity"]);
    assert_eq!(bundle["permissions"], base["permissions"]);
    assert_eq!(bundle["dex"]["class_count"], base["dex"]["class_count"]);
    assert_eq!(bundle["signers"], base["signers"]);
}

#[test]
fn a_directory_of_splits_is_one_app() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sample("yuhang-musiclive.apk"), dir.path().join("base.apk")).unwrap();
    let (code, stdout, stderr) = inspect(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let f: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(f["container"], "split-dir");
    assert_eq!(f["package"], "cn.piaudit.sample.musiclive");
}

#[test]
fn xml_flag_prints_the_decoded_manifest() {
    let (code, stdout, _) = inspect(&["--xml", sample("yuhang-musiclive.apk").to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("<?xml"));
    assert!(
        stdout.contains("android:name=\"android.permission.CAMERA\""),
        "{stdout}"
    );
    assert!(stdout.contains("package=\"cn.piaudit.sample.musiclive\""));
}

#[test]
fn unreadable_inputs_exit_2_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("notes.apk");
    std::fs::write(&fake, "just text\n").unwrap();
    for path in [fake.clone(), dir.path().join("missing.apk")] {
        let (code, stdout, stderr) = inspect(&[path.to_str().unwrap()]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(path.to_str().unwrap()), "{stderr}");
    }
}

/// A library compressed for several ABIs is inflated once (the preferred ABI's build), and a
/// stored build is always read in place; the other copies are listed with a `not_read` note.
#[test]
fn a_compressed_library_is_read_for_one_abi() {
    let original = std::fs::read(sample("face-login.apk")).unwrap();
    let items = common::entries_of(&original);
    let lib = items
        .iter()
        .find(|i| i.name == "lib/x86_64/libmegface.so")
        .expect("the sample's library")
        .data
        .clone();
    let dir = tempfile::tempdir().unwrap();
    for (x86_64_stored, read_abi) in [(false, "arm64-v8a"), (true, "x86_64")] {
        let mut apk: Vec<common::ZipItem> = items
            .iter()
            .filter(|i| !i.name.starts_with("lib/") && !i.name.starts_with("META-INF/"))
            .cloned()
            .collect();
        apk.push(common::ZipItem::new(
            "lib/x86_64/libmegface.so",
            lib.clone(),
            !x86_64_stored,
        ));
        for abi in ["armeabi-v7a", "arm64-v8a"] {
            apk.push(common::ZipItem::new(
                &format!("lib/{abi}/libmegface.so"),
                lib.clone(),
                true,
            ));
        }
        let path = dir.path().join(format!("libs-{x86_64_stored}.apk"));
        std::fs::write(&path, common::write_zip(&apk, &common::ZipTail::default())).unwrap();
        let (code, stdout, stderr) = inspect(&[path.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        let facts: Value = serde_json::from_str(&stdout).unwrap();
        let libs = facts["native_libs"].as_array().unwrap();
        assert_eq!(libs.len(), 3, "every copy is listed");
        for l in libs {
            assert_eq!(l["size"], lib.len() as u64);
            if l["abi"] == read_abi {
                assert_eq!(l["soname"], "libmegface.so", "{l}");
                assert!(l.get("not_read").is_none(), "{l}");
            } else {
                assert!(l["soname"].is_null(), "{l}");
                let note = l["not_read"].as_str().expect("a note on the unread copy");
                assert!(note.contains(read_abi), "{note}");
            }
        }
    }
}
