//! Citations on real bytes: the samples cite as violated only what their evidence meets, and an
//! APK whose manifest cannot be read gets no finding built on manifest facts it does not have.

mod common;

use common::{ZipItem, ZipTail, entries_of, sample, write_zip};
use piaudit::auditor::{Auditor, Config};
use piaudit_rules::Evaluation;

fn audit(path: &std::path::Path) -> (Evaluation, piaudit::facts::AppFacts) {
    let auditor = Auditor::new(&Config::default()).expect("embedded rules load");
    let audit = auditor.audit(path, None).expect("decodes");
    (audit.evaluation, audit.extraction.facts)
}

#[test]
fn the_yuhang_sample_cites_refused_service_only_from_its_denial_handler() {
    let (evaluation, facts) = audit(&sample("yuhang-musiclive.apk"));
    assert!(facts.manifest_read);
    for f in &evaluation.findings {
        // Only the denial handler's coercion (PERM-COERCED, checked below) shows a function
        // refused on denial; start-up requests alone do not.
        let never: &[&str] = if f.rule_id == "PERM-COERCED" {
            &["MIIT2019-4.6", "NECPI-4"]
        } else {
            &["YUHANG-2", "MIIT2019-4.6", "NECPI-4"]
        };
        for never in never {
            assert!(
                !f.violated.iter().any(|c| c == never),
                "{}: {never}",
                f.rule_id
            );
        }
        // criteria = violated, then related; nothing lost, nothing twice.
        let mut all = f.violated.clone();
        all.extend(f.related.iter().cloned());
        assert_eq!(f.criteria, all, "{}", f.rule_id);
    }
    let missing = evaluation
        .findings
        .iter()
        .find(|f| f.rule_id == "POLICY-MISSING")
        .expect("no policy at all");
    assert!(missing.violated.iter().any(|c| c == "YUHANG-1"));
    let startup = evaluation
        .findings
        .iter()
        .find(|f| f.rule_id == "PERM-STARTUP-REQUEST")
        .expect("start-up request");
    assert!(startup.related.iter().any(|c| c == "YUHANG-2"));
    // The launcher closes when any permission is denied, READ_PHONE_STATE and READ_CONTACTS
    // among them, which no app type needs (samples/README.md).
    let coerced = evaluation
        .findings
        .iter()
        .find(|f| f.rule_id == "PERM-COERCED")
        .expect("denial closes the app");
    assert_eq!(coerced.violated, ["YUHANG-2", "MIIT2019-4.2"]);
    // The app's own getDeviceId() call is no third-party share.
    let device = evaluation
        .findings
        .iter()
        .find(|f| f.rule_id == "API-DEVICE-ID")
        .expect("device id");
    assert!(!device.violated.iter().any(|c| c == "MIIT337-3"));
}

/// The sample with its manifest replaced by `manifest` (None: removed).
fn without_manifest(manifest: Option<&[u8]>) -> (tempfile::TempDir, std::path::PathBuf) {
    let bytes = std::fs::read(sample("english-weather.apk")).expect("sample");
    let mut items: Vec<ZipItem> = entries_of(&bytes)
        .into_iter()
        .filter(|i| i.name != "AndroidManifest.xml")
        .collect();
    if let Some(data) = manifest {
        items.push(ZipItem::new("AndroidManifest.xml", data.to_vec(), true));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("app.apk");
    std::fs::write(&path, write_zip(&items, &ZipTail::default())).expect("write");
    (dir, path)
}

#[test]
fn an_unreadable_manifest_invents_no_target_sdk_finding() {
    // The intact sample fires the manifest rules (so their silence below means something).
    let (evaluation, facts) = audit(&sample("english-weather.apk"));
    assert!(facts.manifest_read);
    assert!(
        evaluation
            .findings
            .iter()
            .any(|f| f.rule_id == "MANIFEST-ALLOW-BACKUP")
    );
    for manifest in [
        None,
        Some(&b"not a binary manifest"[..]),
        Some(&[0u8; 64][..]),
    ] {
        let (_dir, path) = without_manifest(manifest);
        let (evaluation, facts) = audit(&path);
        assert!(!facts.manifest_read);
        assert!(
            facts.problems.iter().any(|p| p.stage == "manifest"),
            "{:?}",
            facts.problems
        );
        let ids: Vec<&str> = evaluation
            .findings
            .iter()
            .map(|f| f.rule_id.as_str())
            .collect();
        for id in [
            "MANIFEST-ALLOW-BACKUP",
            "MANIFEST-CLEARTEXT",
            "MANIFEST-DEBUGGABLE",
            "PERM-LEGACY-TARGET",
            "COMPONENT-EXPORTED",
        ] {
            assert!(
                !ids.contains(&id),
                "{id} from a manifest that was not read: {ids:?}"
            );
        }
        assert!(
            !evaluation
                .findings
                .iter()
                .any(|f| f.violated.iter().any(|c| c == "MIIT2019-1.1")),
            "no policy 'missing' from an app package that could not be read"
        );
    }
}
