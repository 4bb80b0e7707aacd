//! Criterion benchmarks of each stage of a scan, on the input sets this machine has
//! (`samples/`, framework-res.apk from the Debian package `android-framework-res`, and the
//! registry corpus under `target/corpus/apks/`; a missing set is skipped with a note).
//!
//! Every benchmark processes a whole input set per iteration and reports throughput in bytes
//! of the stage's own input (APK bytes, inflated entry bytes, or DEX bytes), so figures are
//! comparable across stages. Each stage's input is prepared outside the timed routine.
//! Run: `cargo bench --bench stages` (add a filter such as `rule_evaluation` to run one stage).
//! It must not assert anything about results: the test suites do that.

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use piaudit::AppFacts;
use piaudit::analyze::Extraction;
use piaudit::apk::{self, Limits, ZipIndex};
use piaudit::auditor::{Auditor, Config, SdkInputs};
use piaudit::code::{ApiIndex, ClassOwner, CodeScan};
use piaudit::resources::Resources;
use piaudit_sdk::Catalog;
use support::{InputSet, inflate_needed};

/// One app's inflated entries, grouped by what decodes them.
struct Entries {
    manifest: Option<Vec<u8>>,
    arsc: Option<Vec<u8>>,
    dex: Vec<Vec<u8>>,
}

fn entries_of(set: &InputSet) -> Vec<Entries> {
    set.inputs
        .iter()
        .map(|input| {
            let mut entries = Entries {
                manifest: None,
                arsc: None,
                dex: Vec::new(),
            };
            for e in inflate_needed(&input.bytes) {
                if e.name == apk::MANIFEST && entries.manifest.is_none() {
                    entries.manifest = Some(e.bytes);
                } else if e.name == apk::RESOURCE_TABLE && entries.arsc.is_none() {
                    entries.arsc = Some(e.bytes);
                } else if e.name.ends_with(".dex") {
                    entries.dex.push(e.bytes);
                }
            }
            entries
        })
        .collect()
}

fn auditor() -> Auditor {
    match Auditor::new(&Config::default()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench: the embedded rules do not load: {e}");
            std::process::exit(1);
        }
    }
}

/// The SDK catalogue as the code scan's class owner (as the auditor wires it).
struct CatalogOwners<'a>(&'a Catalog);

impl ClassOwner for CatalogOwners<'_> {
    fn owner_of(&self, dotted_class: &str) -> Option<usize> {
        self.0.owner_of(dotted_class).map(piaudit_sdk::SdkIdx::get)
    }
}

fn method_api_index(auditor: &Auditor) -> ApiIndex {
    ApiIndex::new(
        auditor
            .tables()
            .sensitive_apis()
            .iter()
            .filter(|a| a.kind == "method")
            .map(|a| a.reference.as_str()),
    )
}

fn configure<'c>(
    c: &'c mut Criterion,
    stage: &str,
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(stage);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group
}

fn container_stages(c: &mut Criterion, sets: &[InputSet]) {
    let limits = Limits::default();
    let mut group = configure(c, "zip_index");
    for set in sets {
        group.throughput(Throughput::Bytes(set.total_bytes()));
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for input in &set.inputs {
                    black_box(
                        ZipIndex::parse(&input.bytes, &limits)
                            .map(|i| i.entries().len())
                            .ok(),
                    );
                }
            })
        });
    }
    group.finish();

    let mut group = configure(c, "inflate");
    for set in sets {
        group.throughput(Throughput::Bytes(set.total_bytes()));
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for input in &set.inputs {
                    black_box(inflate_needed(&input.bytes));
                }
            })
        });
    }
    group.finish();
}

fn decoder_stages(c: &mut Criterion, sets: &[InputSet], entries: &[Vec<Entries>]) {
    let mut group = configure(c, "arsc_parse_and_strings");
    for (set, apps) in sets.iter().zip(entries) {
        let bytes: u64 = apps
            .iter()
            .filter_map(|a| a.arsc.as_ref())
            .map(|b| b.len() as u64)
            .sum();
        if bytes == 0 {
            continue;
        }
        group.throughput(Throughput::Bytes(bytes));
        // What a scan does: piaudit-arsc's table, then owned string resources for the facts.
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for arsc in apps.iter().filter_map(|a| a.arsc.as_ref()) {
                    black_box(Resources::parse(arsc).map(|r| r.strings().len()).ok());
                }
            })
        });
        // The reader alone: index the chunks, decode every string resource (borrowed).
        group.bench_function(format!("{}/reader", set.name), |b| {
            b.iter(|| {
                for arsc in apps.iter().filter_map(|a| a.arsc.as_ref()) {
                    black_box(piaudit_arsc::Table::parse(arsc).map(|t| {
                        t.string_resources()
                            .map(|s| s.name.len() + s.value.len())
                            .sum::<usize>()
                    }))
                    .ok();
                }
            })
        });
    }
    group.finish();

    let mut group = configure(c, "axml_manifest");
    for (set, apps) in sets.iter().zip(entries) {
        // The manifest resolves references through the resource table, as in a scan.
        let prepared: Vec<(&[u8], Option<Resources>)> = apps
            .iter()
            .filter_map(|a| {
                let manifest = a.manifest.as_deref()?;
                Some((
                    manifest,
                    a.arsc.as_deref().and_then(|r| Resources::parse(r).ok()),
                ))
            })
            .collect();
        if prepared.is_empty() {
            continue;
        }
        group.throughput(Throughput::Bytes(
            prepared.iter().map(|(m, _)| m.len() as u64).sum(),
        ));
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for (manifest, resources) in &prepared {
                    black_box(piaudit::manifest::parse_axml(manifest, resources.as_ref()).ok());
                }
            })
        });
    }
    group.finish();
}

fn code_stages(c: &mut Criterion, sets: &[InputSet], entries: &[Vec<Entries>], auditor: &Auditor) {
    let dex_bytes = |apps: &[Entries]| -> u64 {
        apps.iter()
            .flat_map(|a| &a.dex)
            .map(|d| d.len() as u64)
            .sum()
    };

    let mut group = configure(c, "dex_parse");
    for (set, apps) in sets.iter().zip(entries) {
        if dex_bytes(apps) == 0 {
            continue;
        }
        group.throughput(Throughput::Bytes(dex_bytes(apps)));
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for dex in apps.iter().flat_map(|a| &a.dex) {
                    black_box(piaudit_dex::Dex::parse(dex).map(|d| d.class_count()).ok());
                }
            })
        });
    }
    group.finish();

    let apis = method_api_index(auditor);
    let owners = CatalogOwners(auditor.catalog());
    let mut group = configure(c, "call_site_scan");
    for (set, apps) in sets.iter().zip(entries) {
        if dex_bytes(apps) == 0 {
            continue;
        }
        group.throughput(Throughput::Bytes(dex_bytes(apps)));
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for app in apps {
                    let mut facts = AppFacts::default();
                    let mut scan = CodeScan::new(&apis, &owners, Vec::new());
                    for (i, dex) in app.dex.iter().enumerate() {
                        scan.add_dex(&format!("classes{i}.dex"), dex, &mut facts);
                    }
                    black_box(scan.facts.classes.len());
                }
            })
        });
    }
    group.finish();
}

/// Each input's extraction (facts without rules), for the stages that judge facts.
fn extractions(set: &InputSet, auditor: &Auditor) -> Vec<Extraction> {
    set.inputs
        .iter()
        .filter_map(|input| auditor.facts(&input.path, None).ok())
        .collect()
}

fn sdk_match(
    c: &mut Criterion,
    sets: &[InputSet],
    extracted: &[Vec<Extraction>],
    auditor: &Auditor,
) {
    let mut group = configure(c, "sdk_match");
    for (set, apps) in sets.iter().zip(extracted) {
        let classes: usize = apps.iter().map(|x| x.code.classes.len()).sum();
        if classes == 0 {
            continue;
        }
        group.throughput(Throughput::Elements(classes as u64));
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for x in apps {
                    let inputs = SdkInputs::new(&x.facts, &x.code.classes, &x.files);
                    let evidence = inputs.evidence();
                    black_box(auditor.catalog().detect(&evidence));
                }
            })
        });
    }
    group.finish();
}

/// Policy extraction: discovery over the bundled candidate files and every string resource
/// in every locale, with the analysis of each policy found (`discovery::discover`). Its input
/// is the extraction with string resources kept, so throughput is in string resources.
fn policy_extraction(c: &mut Criterion, sets: &[InputSet], auditor: &Auditor) {
    let keeping = match Auditor::new(&Config {
        options: piaudit::analyze::Options {
            keep_strings: true,
            ..Default::default()
        },
        ..Config::default()
    }) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench: the embedded rules do not load: {e}");
            return;
        }
    };
    let mut group = configure(c, "policy_extraction");
    for set in sets {
        let apps = extractions(set, &keeping);
        let strings: usize = apps.iter().map(|x| x.facts.strings.len()).sum();
        if apps.is_empty() {
            continue;
        }
        group.throughput(Throughput::Elements(strings.max(1) as u64));
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for x in &apps {
                    let analyzer = auditor.policy_analyzer();
                    let strings =
                        piaudit::discovery::StringFindings::of_strings(&x.facts.strings, analyzer);
                    black_box(piaudit::discovery::discover(
                        &x.facts,
                        &x.policy_files,
                        &strings,
                        analyzer,
                    ));
                }
            })
        });
    }
    group.finish();
}

fn rule_evaluation(
    c: &mut Criterion,
    sets: &[InputSet],
    extracted: &[Vec<Extraction>],
    auditor: &Auditor,
) {
    let mut group = configure(c, "rule_evaluation");
    for (set, apps) in sets.iter().zip(extracted) {
        if apps.is_empty() {
            continue;
        }
        group.throughput(Throughput::Elements(apps.len() as u64));
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for x in apps {
                    black_box(auditor.rules().evaluate(&x.facts));
                }
            })
        });
    }
    // The cost per API reference: the app with the most, its references repeated to 200.
    let richest = extracted
        .iter()
        .flatten()
        .filter(|x| !x.facts.api_refs.is_empty())
        .max_by_key(|x| x.facts.api_refs.len());
    if let Some(x) = richest {
        let mut facts = x.facts.clone();
        let refs = facts.api_refs.clone();
        facts.api_refs = refs.iter().cycle().take(200).cloned().collect();
        group.throughput(Throughput::Elements(1));
        group.bench_function("one-app-200-api-refs", |b| {
            b.iter(|| black_box(auditor.rules().evaluate(&facts)))
        });
    }
    group.finish();
}

fn whole_audit(c: &mut Criterion, sets: &[InputSet], auditor: &Auditor) {
    let mut group = configure(c, "whole_audit");
    for set in sets {
        group.throughput(Throughput::Bytes(set.total_bytes()));
        group.bench_function(set.name, |b| {
            b.iter(|| {
                for input in &set.inputs {
                    black_box(
                        auditor
                            .audit(&input.path, None)
                            .map(|a| a.evaluation.findings.len())
                            .ok(),
                    );
                }
            })
        });
    }
    group.finish();
}

fn stages(c: &mut Criterion) {
    let sets = support::input_sets();
    let auditor = auditor();
    container_stages(c, &sets);
    let entries: Vec<Vec<Entries>> = sets.iter().map(entries_of).collect();
    decoder_stages(c, &sets, &entries);
    code_stages(c, &sets, &entries, &auditor);
    drop(entries);
    let extracted: Vec<Vec<Extraction>> = sets.iter().map(|s| extractions(s, &auditor)).collect();
    sdk_match(c, &sets, &extracted, &auditor);
    rule_evaluation(c, &sets, &extracted, &auditor);
    drop(extracted);
    policy_extraction(c, &sets, &auditor);
    whole_audit(c, &sets, &auditor);
}

criterion_group!(benches, stages);
criterion_main!(benches);
