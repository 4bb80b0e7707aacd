//! Matching cost over the full shipped catalogue: `owner_of` and `detect` on 100k class names
//! (30% SDK classes, the rest app, AndroidX and obfuscated names). Divide the reported time by
//! 100 000 for ns/class.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use piaudit_sdk::{Catalog, Evidence};

const CLASS_COUNT: usize = 100_000;

/// A deterministic xorshift generator, so every run measures the same input.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn load_catalog() -> Catalog {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules/data/sdks.toml");
    let text = std::fs::read_to_string(&path).expect("read sdks.toml");
    Catalog::from_toml(&text).expect("valid sdks.toml")
}

fn class_names(catalog: &Catalog) -> Vec<String> {
    let prefixes: Vec<&str> = catalog
        .sdks()
        .iter()
        .flat_map(|sdk| sdk.classes.iter().map(String::as_str))
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..CLASS_COUNT)
        .map(|i| match rng.below(10) {
            0..=2 => format!("{}.internal.C{i}$1", prefixes[rng.below(prefixes.len())]),
            3..=5 => format!("com.example.shop.feature{}.ui.Screen{i}", rng.below(40)),
            6..=7 => format!("androidx.recyclerview.widget.Adapter{i}"),
            _ => format!(
                "{}.{}.{}",
                (b'a' + rng.below(26) as u8) as char,
                (b'a' + rng.below(26) as u8) as char,
                i
            ),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let catalog = load_catalog();
    let names = class_names(&catalog);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();

    // Start-up cost: parsing and indexing the catalogue (every run pays it once).
    // PIAUDIT_SDKS_TOML=path benches another catalogue file (e.g. an older one to compare).
    let path = std::env::var_os("PIAUDIT_SDKS_TOML").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules/data/sdks.toml"),
        PathBuf::from,
    );
    let text = std::fs::read_to_string(&path).expect("read the catalogue");
    c.bench_function("load_sdks_toml", |b| {
        b.iter(|| Catalog::from_toml(black_box(&text)).map(|c| c.sdks().len()))
    });

    let mut group = c.benchmark_group("match_100k_classes");
    group.throughput(Throughput::Elements(CLASS_COUNT as u64));
    group.bench_function("owner_of", |b| {
        b.iter(|| {
            refs.iter()
                .filter(|class| catalog.owner_of(black_box(class)).is_some())
                .count()
        })
    });
    group.bench_function("detect_classes", |b| {
        b.iter(|| {
            catalog
                .detect(black_box(&Evidence {
                    classes: &refs,
                    ..Evidence::default()
                }))
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
